// /readyz is polled every second by load balancers: what one poll costs, and that an unreachable
// database makes it answer "not ready" instead of hanging it.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/db/pool.js';
import { migrate, pendingMigrations } from '../../src/db/migrate.js';
import { createReadiness } from '../../src/readiness.js';
import { createTestDatabase } from '../support/db.js';
import { testLogger } from '../support/harness.js';

let database: { url: string; drop(): Promise<void> };
let db: Db;

/** Counts the statements a pool runs, by kind. */
function countQueries(pool: Db): Record<string, number> {
  const counts: Record<string, number> = {};
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text);
    const kind = text.includes('schema_migrations') ? 'migrations' : text.trim() === 'select 1' ? 'ping' : 'other';
    counts[kind] = (counts[kind] ?? 0) + 1;
    return query(...args);
  };
  return counts;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPool(database.url, testLogger(), 4, 'cadans-readiness-test');
  await migrate(db, testLogger());
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});

describe('/readyz', () => {
  it('checks the migrations until they have passed once, then only pings the database', async () => {
    const counts = countQueries(db);
    const readiness = createReadiness({ db, pendingMigrations: () => pendingMigrations(db), jobsRunning: () => true, outboxStats: async () => ({}) });
    for (let i = 0; i < 20; i++) expect((await readiness()).ready).toBe(true);
    expect(counts).toEqual({ migrations: 1, ping: 20 });
  });

  it('reads the outbox counts at most once per 5 seconds, however often it is polled', async () => {
    let clock = 0;
    let reads = 0;
    const readiness = createReadiness({
      db,
      pendingMigrations: async () => 0,
      jobsRunning: () => true,
      outboxStats: async () => ({ reads: ++reads }),
      now: () => clock,
    });
    for (let i = 0; i < 50; i++) {
      expect((await readiness()).checks.outbox).toEqual({ reads: 1 });
      clock += 99; // 50 polls within 4.95 s
    }
    clock = 5_000;
    expect((await readiness()).checks.outbox).toEqual({ reads: 2 });
  });

  it('shares one check between polls that arrive together', async () => {
    const counts = countQueries(db);
    const readiness = createReadiness({ db, pendingMigrations: async () => 0, jobsRunning: () => true, outboxStats: async () => ({}) });
    await Promise.all(Array.from({ length: 10 }, () => readiness()));
    expect(counts.ping).toBe(1);
  });

  it('answers not ready while the database does not answer, instead of waiting for it', async () => {
    // A server that takes the connection and never says a word (a failing-over host does that).
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const gone = createPool(`postgresql://cadans:x@127.0.0.1:${port}/cadans`, testLogger(), 2, 'cadans-readiness-test');
    try {
      const readiness = createReadiness({ db: gone, pendingMigrations: () => pendingMigrations(gone), jobsRunning: () => true, outboxStats: async () => ({}), timeoutMs: 200 });
      const r = await readiness();
      expect(r.ready).toBe(false);
      expect(r.checks).toMatchObject({ database: 'unreachable', migrations: 'unknown', outbox: 'unavailable' });
      expect([...sockets].some((s) => !s.destroyed)).toBe(true); // the connection attempt is still hanging
    } finally {
      for (const s of sockets) s.destroy();
      await gone.end().catch(() => undefined);
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
