// A connection that drops while its client is checked out of the pool (inside a transaction, an
// outbox claim, a migration) makes pg emit 'error' on that client. In its own process, so that what
// would end the process is seen as that.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../support/db.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/checked-out-client.ts');
let database: { url: string; drop(): Promise<void> };
let child: ChildProcessWithoutNullStreams | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await database?.drop();
});

it("keeps the process up when a checked-out client's connection is terminated, and rejects its next statement", async () => {
  const c = spawn(process.execPath, ['--import', 'tsx', FIXTURE, database.url], { stdio: ['pipe', 'pipe', 'pipe'] });
  child = c;
  let out = '';
  let err = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString()));
  c.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => c.on('exit', (code) => resolve(code)));
  const line = (re: RegExp) =>
    Promise.race([
      new Promise<RegExpMatchArray>((resolve) => {
        const look = () => {
          const m = out.match(re);
          if (m) resolve(m);
          else c.stdout.once('data', look);
        };
        look();
      }),
      exited.then((code) => {
        throw new Error(`the process ended (exit code ${code}): ${err.slice(-2000)}`);
      }),
    ]);

  const pid = Number((await line(/pid (\d+)/))[1]);
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
    const until = Date.now() + 10_000;
    while ((await admin.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount !== 0) {
      if (Date.now() > until) throw new Error('the backend did not go');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await admin.end();
  }
  c.stdin.write('query\n');
  const answer = await line(/(resolved|rejected .*)\n/);
  expect(answer[1]).toMatch(/^rejected /);
  expect(c.exitCode).toBeNull();
}, 60_000);
