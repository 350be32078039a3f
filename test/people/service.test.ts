import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/db/pool.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { createPeopleService } from '../../src/people/service.js';
import type { Actor } from '../../src/routes.js';
import { createTestDatabase } from '../support/db.js';
import { testLogger } from '../support/harness.js';

let db: Db;
let drop: () => Promise<void>;

const TENANT = '11111111-1111-4111-8111-111111111111';
const actor = (aadObjectId: string, name: string): Actor => ({
  tenantId: TENANT,
  aadObjectId,
  teamsUserId: `29:${name}`,
  name,
  locale: 'nl-NL',
  conversation: { id: `a:${name}`, kind: 'personal', serviceUrl: 'https://smba.trafficmanager.net/emea/' },
});

beforeAll(async () => {
  const t = await createTestDatabase();
  drop = t.drop;
  db = createPool(t.url, testLogger());
  await migrate(db, testLogger());
});
afterAll(async () => {
  await db?.end();
  await drop?.();
});

describe('beheerders in production', () => {
  const configured = 'aaaaaaaa-0000-4000-8000-000000000001';
  const teacher = 'aaaaaaaa-0000-4000-8000-000000000002';
  const people = () => createPeopleService({ db, mode: 'production', defaultLanguage: 'nl', beheerders: [configured] });

  it('does not make the first person to install beheerder', async () => {
    await people().recordActor(actor(teacher, 'Eerste Leraar'));
    expect(await people().grantsOf(TENANT, teacher)).toEqual([]);
  });

  it('makes the people named in configuration beheerder when they first appear', async () => {
    await people().recordActor(actor(configured, 'Ict Beheer'));
    expect(await people().grantsOf(TENANT, configured)).toEqual([{ role: 'beheerder', schoolId: null }]);
  });

  it('applies each migration exactly once when several instances start at the same moment', async () => {
    const fresh = await createTestDatabase();
    const pools = [0, 1, 2].map(() => createPool(fresh.url, testLogger()));
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p, testLogger())));
      const total = readMigrations().length;
      expect(applied.reduce((a, b) => a + b, 0)).toBe(total);
      const r = await pools[0]!.query('select count(*)::int as n, count(distinct version)::int as d from schema_migrations');
      expect(r.rows[0]).toEqual({ n: total, d: total });
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await fresh.drop();
    }
  });
});
