// cadans_scrub (migration 018): an erased person's ids, email and name replaced inside texts and
// jsonb, as whole words only, whatever their case or the characters in them.
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { scrubArrays } from '../../src/privacy/ports.js';
import { createTestDatabase } from '../support/db.js';

let pool: pg.Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await migrate(pool, pino({ level: 'silent' }));
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await drop?.();
});

const person = {
  aadObjectId: '9ddfd245-0be5-4d47-823a-2b384e837965',
  teamsUserId: '29:1abc_DEF-x',
  name: 'Jan "JJ" de Vries',
  email: 'jan.devries@school.nl',
  pseudonym: 'verwijderd-0123456789abcdef',
  label: 'verwijderde gebruiker',
};

async function scrub(t: string, p = person): Promise<string> {
  const { needles, replacements } = scrubArrays(p);
  return (await pool.query<{ r: string }>('select cadans_scrub($1, $2, $3) as r', [t, needles, replacements])).rows[0]!.r;
}

describe('cadans_scrub', () => {
  it('replaces ids by the pseudonym and the email and name by the label, case-insensitively', async () => {
    expect(await scrub(`Door JAN "JJ" DE VRIES (${person.email.toUpperCase()}), id ${person.aadObjectId}, ${person.teamsUserId}.`)).toBe(
      'Door verwijderde gebruiker (verwijderde gebruiker), id verwijderd-0123456789abcdef, verwijderd-0123456789abcdef.',
    );
  });

  it('keeps longer words that merely contain the name', async () => {
    const jan = { ...person, name: 'Jan' };
    expect(await scrub('Jan en Jansen en Marie-Jan, jan.', jan)).toBe('verwijderde gebruiker en Jansen en Marie-verwijderde gebruiker, verwijderde gebruiker.');
  });

  it('works on jsonb as text, where the name is JSON-escaped, and leaves valid JSON', async () => {
    const { needles, replacements } = scrubArrays(person);
    const r = await pool.query<{ j: unknown }>('select cadans_scrub($1::jsonb::text, $2, $3)::jsonb as j', [
      JSON.stringify({ owner: { id: person.aadObjectId, name: person.name }, note: `mail ${person.email}` }),
      needles,
      replacements,
    ]);
    expect(r.rows[0]!.j).toEqual({ owner: { id: person.pseudonym, name: 'verwijderde gebruiker' }, note: 'mail verwijderde gebruiker' });
  });

  it('treats regular-expression characters in a name as plain text, and skips one-letter names', async () => {
    expect(await scrub('a.b+c (d) en axb+c (d)', { ...person, name: 'a.b+c (d)' })).toBe('verwijderde gebruiker en axb+c (d)');
    expect(await scrub('J. Smit', { ...person, name: 'J' })).toBe('J. Smit');
  });
});
