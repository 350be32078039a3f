// The meeting scheduler's tick as the meetings grow (issue 10): one database per size (10,000,
// 100,000, 1,000,000 meetings across 500 tenants, loaded by SQL with generate_series: most of them
// held in the past or planned over the coming year, with their tables, attendance and agenda
// items), and in each the SAME 100 reminders due in the last minute (60 prep cards, 20 "remind me
// tomorrow", 10 rhythm warnings, 10 follow-ups; the same tenants, people and roles, so the same
// cards). Each database has its own real Cadans (startCadans, in this process) and the runner calls
// its tick as the cron does (`cadans.meetings.tick(at)`: the Outlook check, then service.tick's
// claims and enqueues); the sizes take turns, the order alternating. Between ticks the outbox is
// drained (the fake connector answers) and the 100 reset. At the largest size, EXPLAIN (ANALYZE,
// BUFFERS) of each claim query, its text taken from store.ts by calling it with a recording client.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startCadans, type RunningCadans } from '../../src/cadans.js';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';
import type { Queryable } from '../../src/db/pool.js';
import { TABLE_DEFAULTS, type TableKind } from '../../src/meetings/model.js';
import * as store from '../../src/meetings/store.js';
import { startFakeConnector } from '../../test/support/fake-connector.js';
import { testConfig } from '../../test/support/harness.js';
import { machineCpuSeconds } from '../lib/proc.js';

export const TENANTS = 500;
const SCHOOLS_PER_TENANT = 8;
/** Meetings per table in the bulk: one planned, 19 in its history (about 1.5 years of a 4–6-week rhythm). */
const MEETINGS_PER_TABLE = 20;

export interface MeetingTickOptions {
  sizes: number[];
  runs: number;
}

export interface TickSize {
  meetings: number;
  tables: number;
  attendance: number;
  agendaItems: number;
  plannedNotDue: number;
  seedS: number;
  ticksMs: number[];
  medianMs: number;
  /** What each tick did (all alike, or the run fails). */
  did: { prep: number; reminders: number; warnings: number; followUps: number; outbox: number };
}

export interface MeetingTickResult {
  sizes: TickSize[];
  runs: number;
  /** tick(size)/tick(smallest): median of the per-run ratios, with min–max; per larger size. */
  ratios: { meetings: number; median: number; min: number; max: number }[];
  explains: { query: string; sql: string; plan: string; usesIndex: boolean; seqScan: boolean }[];
  otherLoad: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const def = (kind: TableKind) => {
  const d = TABLE_DEFAULTS.find((x) => x.kind === kind);
  if (!d) throw new Error(`no default table ${kind}`);
  return d;
};

/** The 90 tables with something due (tenants 1–90, one each), identical in every database. */
function dueTables() {
  const out: { tenant: number; kind: TableKind; school: boolean; due: 'prep' | 'warn' | 'followup' | 'remind' }[] = [];
  for (let i = 1; i <= 90; i++) {
    if (i <= 60) {
      const kind: TableKind = i % 3 === 0 ? 'schoolBoard' : i % 3 === 1 ? 'boardDirectors' : 'boardQuality';
      out.push({ tenant: i, kind, school: kind === 'schoolBoard', due: 'prep' });
    } else if (i <= 70) out.push({ tenant: i, kind: 'staff', school: false, due: 'warn' });
    else if (i <= 80) out.push({ tenant: i, kind: 'directorQuality', school: true, due: 'followup' });
    else out.push({ tenant: i, kind: 'supervisoryBoard', school: false, due: 'remind' });
  }
  return out;
}

const tenantId = (i: number) => `bench-tenant-${String(i).padStart(3, '0')}`;

/** People, roles, schools and 1:1 chats: the same in every database (20 people per tenant). */
async function seedFixed(db: pg.Pool, serviceUrl: string) {
  await db.query(`insert into tenants (id, language) select 'bench-tenant-' || lpad(g::text, 3, '0'), 'nl' from generate_series(1, $1) g`, [TENANTS]);
  await db.query(
    `insert into schools (tenant_id, name) select t.id, 'School ' || s from tenants t, generate_series(1, $1) s where t.id like 'bench-tenant-%' order by t.id, s`,
    [SCHOOLS_PER_TENANT],
  );
  // Per tenant: a quality officer (k), a board member (b), two supervisors (rvt1, rvt2), per school a director (d<n>) and an MR member (m<n>).
  await db.query(
    `with p as (
       select t.id as tenant, x.who, x.role, s.id as school
       from tenants t cross join lateral (
         values ('k', 'kwaliteitsmedewerker', null::int), ('b', 'bestuurder', null), ('rvt1', 'rvt', null), ('rvt2', 'rvt', null)
         union all select 'd' || s, 'directeur', s from generate_series(1, $1) s
         union all select 'm' || s, 'mr', s from generate_series(1, $1) s) as x(who, role, n)
       left join schools s on s.tenant_id = t.id and s.name = 'School ' || x.n
       where t.id like 'bench-tenant-%'),
     people_in as (
       insert into people (tenant_id, aad_object_id, teams_user_id, name, locale)
       select tenant, tenant || '-' || who, '29:' || tenant || '-' || who, initcap(who) || ' ' || right(tenant, 3), 'nl-NL' from p)
     insert into role_assignments (tenant_id, aad_object_id, role, school_id, granted_by) select tenant, tenant || '-' || who, role, school, 'bench' from p`,
    [SCHOOLS_PER_TENANT],
  );
  await db.query(
    `insert into conversation_refs (tenant_id, scope, key, conversation_id, service_url, name, reference)
     select p.tenant_id, 'personal', p.aad_object_id, 'a:' || p.aad_object_id, $1, p.name,
            jsonb_build_object('bot', jsonb_build_object('id', '28:bench-bot', 'name', 'Cadans'), 'user', jsonb_build_object('id', p.teams_user_id, 'name', p.name, 'aadObjectId', p.aad_object_id),
              'conversation', jsonb_build_object('id', 'a:' || p.aad_object_id, 'conversationType', 'personal', 'tenantId', p.tenant_id), 'channelId', 'msteams', 'serviceUrl', $1::text, 'locale', 'nl-NL')
     from people p where p.tenant_id like 'bench-tenant-%'`,
    [serviceUrl],
  );
}

interface DueIds {
  prep: number[];
  warn: number[];
  followup: number[];
  remind: number[];
}

/** The 90 due tables and their meetings (and the 20 reminders), the first rows of their tables: the same ids everywhere. */
async function seedDue(db: pg.Pool, now: Date): Promise<DueIds> {
  const ids: DueIds = { prep: [], warn: [], followup: [], remind: [] };
  for (const [i, t] of dueTables().entries()) {
    const d = def(t.kind);
    const tenant = tenantId(t.tenant);
    const table = await db.query<{ id: string }>(
      `insert into meeting_tables (tenant_id, school_id, kind, rule, meeting_time, duration_minutes, prep_days, members, chair, created_by)
       values ($1, case when $2 then (select id from schools where tenant_id = $1 and name = 'School 1') end, $3, $4, $5, $6, $7, $8, $9, 'default') returning id`,
      [tenant, t.school, t.kind, JSON.stringify(d.rule), d.time, d.durationMinutes, d.prepDays, JSON.stringify(d.members), JSON.stringify(d.chair)],
    );
    const at = new Date(now.getTime() - (i % 60) * 1000); // due within the last minute
    const day = 86_400_000;
    const v =
      t.due === 'prep'
        ? { starts: new Date(at.getTime() + 5 * day), confirmed: true, prepAt: at, prepSent: null, warnAt: null, followupAt: new Date(at.getTime() + 5 * day + d.durationMinutes * 60_000) }
        : t.due === 'warn'
          ? { starts: new Date(now.getTime() + 30 * day), confirmed: false, prepAt: null, prepSent: null, warnAt: at, followupAt: new Date(now.getTime() + 30 * day + d.durationMinutes * 60_000) }
          : t.due === 'followup'
            ? { starts: new Date(at.getTime() - d.durationMinutes * 60_000), confirmed: true, prepAt: new Date(at.getTime() - 5 * day), prepSent: new Date(at.getTime() - 5 * day), warnAt: null, followupAt: at }
            : { starts: new Date(now.getTime() + 2 * day), confirmed: true, prepAt: new Date(now.getTime() - 3 * day), prepSent: new Date(now.getTime() - 3 * day), warnAt: null, followupAt: new Date(now.getTime() + 2 * day + d.durationMinutes * 60_000) };
    const m = await db.query<{ id: string }>(
      `insert into meetings (tenant_id, table_id, starts_at, confirmed, prep_at, prep_sent_at, warn_at, followup_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [tenant, table.rows[0]!.id, v.starts, v.confirmed, v.prepAt, v.prepSent, v.warnAt, v.followupAt],
    );
    const id = Number(m.rows[0]!.id);
    ids[t.due].push(id);
    if (t.due === 'remind') {
      await db.query(
        `insert into meeting_attendance (meeting_id, tenant_id, aad_object_id, name, remind_at) select $1, $2, $2 || '-' || w, initcap(w), $3 from unnest(array['rvt1', 'rvt2']) w`,
        [id, tenant, at],
      );
    }
  }
  return ids;
}

/**
 * `n` meetings in all (the 90 due ones included): tables of 20 meetings each across the 500 tenants,
 * one planned (over the coming year; nothing due), 19 in the past (held, some not held or cancelled),
 * two members' attendance per meeting whose prep went out, an agenda item on one in four held.
 */
async function seedBulk(db: pg.Pool, now: Date, n: number): Promise<{ tables: number }> {
  const bulk = n - 90;
  const tables = Math.ceil(bulk / MEETINGS_PER_TABLE);
  const variants = [
    { members: def('boardQuality').members, chair: def('boardQuality').chair },
    { members: def('schoolBoard').members, chair: def('schoolBoard').chair },
    { members: def('participationCouncil').members, chair: def('participationCouncil').chair },
  ];
  const first = await db.query<{ id: string }>(
    `insert into meeting_tables (tenant_id, school_id, kind, name, rule, meeting_time, duration_minutes, prep_days, members, chair, created_by)
     select x.tenant, case when x.k % 5 = 0 then null else s.id end,
            'own', 'Werkgroep ' || x.k, '{"kind":"window","minWeeks":4,"maxWeeks":6}', '15:00', 90, 5,
            ($3::jsonb) -> (x.k % 3) -> 'members', ($3::jsonb) -> (x.k % 3) -> 'chair', 'bench'
     from (select k::int as k, 'bench-tenant-' || lpad((1 + k % $2::int)::text, 3, '0') as tenant from generate_series(1, $1::int) k) x
     left join schools s on s.tenant_id = x.tenant and s.name = 'School ' || (1 + x.k % 8)
     order by x.k
     returning id`,
    [tables, TENANTS, JSON.stringify(variants)],
  );
  const firstId = Math.min(...first.rows.map((r) => Number(r.id)));
  // g: 1..bulk; table firstId + (g-1)/20; j = (g-1)%20: 0 planned, 1..19 past. r: a fixed pseudo-random fraction.
  await db.query(
    `insert into meetings (tenant_id, table_id, starts_at, confirmed, status, prep_at, prep_sent_at, warn_at, warned_at, followup_at, followup_sent_at, record, recorded_by, recorded_at, created_at)
     select t.tenant_id, t.id, x.starts, x.confirmed, x.status,
            case when x.confirmed then x.starts - interval '5 days' end,
            case when x.status <> 'planned' or (x.confirmed and x.starts - interval '5 days' <= $2) then x.starts - interval '5 days' end,
            case when not x.confirmed then x.starts - interval '21 days' end,
            case when not x.confirmed and x.starts - interval '21 days' <= $2::timestamptz then x.starts - interval '21 days' end,
            x.starts + interval '90 minutes',
            case when x.status <> 'planned' then x.starts + interval '90 minutes' end,
            case when x.status = 'held' then '{"held":true,"decisions":"Afspraken gemaakt over de volgende stap.","actions":[]}'::jsonb when x.status = 'notHeld' then '{"held":false,"decisions":null,"actions":[]}'::jsonb end,
            case when x.status in ('held', 'notHeld') then t.tenant_id || '-k' end,
            case when x.status in ('held', 'notHeld') then x.starts + interval '1 day' end,
            least(x.starts, $2::timestamptz) - interval '40 days'
     from (
       select g, $3::bigint + (g - 1) / 20 as table_id, (g - 1) % 20 as j, ((g::bigint * 7919) % 10007)::float8 / 10007 as r from generate_series(1, $1::int) g
     ) s
     join meeting_tables t on t.id = s.table_id
     cross join lateral (
       select case when s.j = 0 then $2::timestamptz + interval '2 hours' + s.r * interval '365 days' else $2::timestamptz - s.j * interval '28 days' - s.r * interval '14 days' end as starts,
              s.j > 0 or s.g % 5 <> 0 as confirmed,
              case when s.j = 0 then 'planned' when s.j % 13 = 0 then 'cancelled' when s.j % 7 = 0 then 'notHeld' else 'held' end as status
     ) x`,
    [bulk, now, firstId],
  );
  // Attendance where the prep went out (the quality officer and the board member), some prepared, a
  // few "remind me tomorrow" still ahead (in the reminder index, not due).
  await db.query(
    `insert into meeting_attendance (meeting_id, tenant_id, aad_object_id, name, prepared_at, remind_at, reminded_at, updated_at)
     select m.id, m.tenant_id, m.tenant_id || '-' || w, initcap(w), case when m.id % 3 <> 0 then m.prep_sent_at + interval '2 days' end,
            case when m.status = 'planned' and m.id % 4 = 0 and m.prep_sent_at + interval '1 day' > $2::timestamptz then m.prep_sent_at + interval '1 day' end,
            case when m.status <> 'planned' and m.id % 4 = 0 then m.prep_sent_at + interval '1 day' end, m.prep_sent_at
     from meetings m cross join unnest(array['k', 'b']) w
     where m.table_id >= $1 and m.prep_sent_at is not null`,
    [firstId, now],
  );
  await db.query(
    `insert into meeting_agenda_items (meeting_id, tenant_id, author_aad, author_name, text, created_at)
     select m.id, m.tenant_id, m.tenant_id || '-k', 'K', 'Terugblik op de afspraken van de vorige keer', m.prep_sent_at + interval '1 day'
     from meetings m where m.table_id >= $1 and m.status = 'held' and m.id % 4 = 0`,
    [firstId],
  );
  return { tables: tables + 90 };
}

/** Puts the 100 due back as they were before a tick (and empties the outbox, drained by then). */
async function reset(db: pg.Pool, ids: DueIds, now: Date) {
  await db.query('update meetings set prep_sent_at = null where id = any($1::bigint[])', [ids.prep]);
  await db.query('update meetings set warned_at = null where id = any($1::bigint[])', [ids.warn]);
  await db.query('update meetings set followup_sent_at = null, followup_activity_id = null, followup_conversation_id = null where id = any($1::bigint[])', [ids.followup]);
  await db.query('delete from meeting_attendance where meeting_id = any($1::bigint[])', [ids.prep]);
  await db.query(
    `update meeting_attendance set remind_at = $2::timestamptz - make_interval(secs => (array_position($1::bigint[], meeting_id) + 79) % 60), reminded_at = null where meeting_id = any($1::bigint[])`,
    [ids.remind, now],
  );
  await db.query('delete from outbox_messages');
  await db.query('delete from outbox_send_log');
}

async function drained(db: pg.Pool, timeoutMs = 120_000): Promise<{ sent: number; failed: number }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await db.query<{ pending: string; sent: string; failed: string }>(
      "select count(*) filter (where status in ('queued', 'sending', 'retrying')) as pending, count(*) filter (where status = 'sent') as sent, count(*) filter (where status = 'failed') as failed from outbox_messages",
    );
    const x = r.rows[0]!;
    if (Number(x.pending) === 0) return { sent: Number(x.sent), failed: Number(x.failed) };
    if (Date.now() > end) throw new Error(`the outbox did not drain: ${x.pending} pending`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** The claim queries of the tick as store.ts sends them (text and values), recorded without running them. */
async function claimQueries(now: Date): Promise<{ query: string; sql: string; values: unknown[] }[]> {
  const out: { query: string; sql: string; values: unknown[] }[] = [];
  let name = '';
  const recorder = {
    query: async (sql: string, values: unknown[]) => {
      out.push({ query: name, sql, values });
      return { rows: [], rowCount: 0 };
    },
  } as unknown as Queryable;
  for (const kind of ['prep', 'warn', 'followup'] as const) {
    name = `claimDue('${kind}')`;
    await store.claimDue(recorder, kind, now, 100);
  }
  name = 'claimReminders';
  await store.claimReminders(recorder, now, 100);
  return out;
}

export async function runMeetingTick(o: MeetingTickOptions, say: (line: string) => void): Promise<MeetingTickResult> {
  const sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  if (sizes.some((n) => n < 1_000)) throw new Error('--tick-sizes: at least 1000 meetings each');
  const root = mkdtempSync(path.join(os.tmpdir(), 'cadans-bench-meetings-'));
  chmodSync(root, 0o755);
  const dbDir = path.join(root, 'db');
  mkdirSync(dbDir, { mode: 0o755 });
  const log = pino({ level: 'warn' });
  const database = await startEmbeddedDatabase(dbDir, log);
  const connector = await startFakeConnector({ enforceRateLimits: false, tenantLimitPerSecond: Number.POSITIVE_INFINITY });
  const urlFor = (name: string) => {
    const u = new URL(database.url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = new pg.Pool({ connectionString: database.url, max: 1 });
  const running: { n: number; cadans: RunningCadans; db: pg.Pool; ids: DueIds; size: Omit<TickSize, 'ticksMs' | 'medianMs' | 'did'> }[] = [];
  // A moment ten days ahead: the real cron's ticks (every minute, at the real time) find nothing due.
  const now = new Date(Math.floor((Date.now() + 10 * 86_400_000) / 60_000) * 60_000);
  try {
    for (const n of sizes) {
      const t0 = performance.now();
      const name = `tick_${n}`;
      await admin.query(`create database ${name}`);
      const dataDir = path.join(root, `cadans-${n}`);
      mkdirSync(dataDir, { mode: 0o755 });
      const config = testConfig({ CADANS_DATA_DIR: dataDir, OUTBOX_TENANT_PER_SECOND: '1000' });
      const cadans = await startCadans(config, pino({ level: 'silent' }), urlFor(name));
      const db = new pg.Pool({ connectionString: urlFor(name), max: 2 });
      db.on('error', () => undefined);
      await seedFixed(db, connector.serviceUrl);
      const ids = await seedDue(db, now);
      const { tables } = await seedBulk(db, now, n);
      await db.query('vacuum analyze');
      const counts = await db.query<{ meetings: string; attendance: string; agenda: string; planned: string }>(
        `select (select count(*) from meetings) as meetings, (select count(*) from meeting_attendance) as attendance, (select count(*) from meeting_agenda_items) as agenda,
                (select count(*) from meetings where status = 'planned') as planned`,
      );
      const c = counts.rows[0]!;
      const seedS = (performance.now() - t0) / 1000;
      running.push({ n, cadans, db, ids, size: { meetings: Number(c.meetings), tables, attendance: Number(c.attendance), agendaItems: Number(c.agenda), plannedNotDue: Number(c.planned) - 90, seedS } });
      say(`  meeting-tick: ${Number(c.meetings).toLocaleString('en')} meetings, ${tables.toLocaleString('en')} tables, ${Number(c.attendance).toLocaleString('en')} attendance rows, ${Number(c.agenda).toLocaleString('en')} agenda items loaded in ${seedS.toFixed(1)} s`);
    }

    const tick = async (r: (typeof running)[number]) => {
      await reset(r.db, r.ids, now);
      const t0 = performance.now();
      const out = await r.cadans.meetings.tick(now);
      const ms = performance.now() - t0;
      const d = await drained(r.db);
      if (d.failed > 0) throw new Error(`${d.failed} outbox message(s) failed at ${r.n} meetings`);
      return { ms, did: { prep: out.prep, reminders: out.reminders, warnings: out.warnings, followUps: out.followUps, outbox: d.sent } };
    };
    // Warm-up (plans, caches, the JIT), not counted.
    for (const r of running) await tick(r);
    const ticks = new Map<number, { ms: number; did: TickSize['did'] }[]>(running.map((r) => [r.n, []]));
    const m0 = machineCpuSeconds();
    const cpu0 = process.cpuUsage();
    for (let run = 0; run < o.runs; run++) {
      // Taking turns, the order alternating (10k 100k 1M, 1M 100k 10k, …): a drift on the machine hits every size alike.
      for (const r of run % 2 === 0 ? running : [...running].reverse()) ticks.get(r.n)!.push(await tick(r));
      say(`  meeting-tick run ${run + 1}/${o.runs}: ${running.map((r) => `${r.n.toLocaleString('en')}: ${ticks.get(r.n)!.at(-1)!.ms.toFixed(0)} ms`).join(', ')}`);
    }
    const m1 = machineCpuSeconds();
    const cpu = process.cpuUsage(cpu0);
    const windowS = (m1.total - m0.total) / (os.cpus().length || 1) || 1;
    // Busy cores beyond this process (PostgreSQL's share of the ticks counts as other here: an upper bound).
    const otherLoad = Math.max(0, (m1.busy - m0.busy - (cpu.user + cpu.system) / 1e6) / windowS);

    const first = ticks.get(sizes[0]!)![0]!.did;
    for (const r of running) {
      for (const t of ticks.get(r.n)!) {
        if (JSON.stringify(t.did) !== JSON.stringify(first)) throw new Error(`the tick at ${r.n} did ${JSON.stringify(t.did)}, at ${sizes[0]} ${JSON.stringify(first)}: not the same work`);
      }
    }
    const base = ticks.get(sizes[0]!)!.map((t) => t.ms);
    const ratios = sizes.slice(1).map((n) => {
      const xs = ticks.get(n)!.map((t, i) => t.ms / base[i]!);
      return { meetings: n, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
    });

    // EXPLAIN (ANALYZE, BUFFERS) of each claim at the largest size, with the 100 due (rolled back).
    const largest = running.at(-1)!;
    await reset(largest.db, largest.ids, now);
    const explains: MeetingTickResult['explains'] = [];
    const client = await largest.db.connect();
    try {
      for (const q of await claimQueries(now)) {
        await client.query('begin');
        const r = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, costs off, timing on) ${q.sql}`, q.values);
        await client.query('rollback');
        const plan = r.rows.map((x) => x['QUERY PLAN']).join('\n');
        explains.push({ query: q.query, sql: q.sql.replace(/\s+/g, ' ').trim(), plan, usesIndex: /Index (Only )?Scan|Bitmap Index Scan/.test(plan), seqScan: /Seq Scan on (meetings|meeting_attendance)\b/.test(plan) });
      }
    } finally {
      client.release();
    }

    return {
      sizes: running.map((r) => {
        const ts = ticks.get(r.n)!;
        return { ...r.size, ticksMs: ts.map((t) => t.ms), medianMs: median(ts.map((t) => t.ms)), did: first };
      }),
      runs: o.runs,
      ratios,
      explains,
      otherLoad,
    };
  } finally {
    for (const r of running) {
      await r.db.end().catch(() => undefined);
      await r.cadans.stop().catch(() => undefined);
    }
    await admin.end().catch(() => undefined);
    await connector.close();
    await Promise.race([database.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 15_000).unref())]);
    rmSync(root, { recursive: true, force: true });
  }
}

/** The report's lines (and the markdown block for docs/benchmarks.md). */
export function meetingTickMarkdown(r: MeetingTickResult, limit = 2): string {
  const fmt = (n: number) => n.toLocaleString('en');
  const lines: string[] = [];
  lines.push(`Meeting scheduler tick (issue 10): the same 100 due (${r.sizes[0]!.did.prep} prep cards, ${r.sizes[0]!.did.reminders} reminders, ${r.sizes[0]!.did.warnings} warnings, ${r.sizes[0]!.did.followUps} follow-ups; ${r.sizes[0]!.did.outbox} outbox messages), ${r.runs} ticks per size, sizes alternating; other load on the machine ≈ ${r.otherLoad.toFixed(2)} cores`);
  lines.push('');
  lines.push('| meetings | tables | attendance rows | agenda items | planned, not due | loaded in | tick median | ticks (ms) |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of r.sizes) lines.push(`| ${fmt(s.meetings)} | ${fmt(s.tables)} | ${fmt(s.attendance)} | ${fmt(s.agendaItems)} | ${fmt(s.plannedNotDue)} | ${s.seedS.toFixed(0)} s | ${s.medianMs.toFixed(0)} ms | ${s.ticksMs.map((x) => x.toFixed(0)).join(', ')} |`);
  lines.push('');
  lines.push(`| ratio | median | min–max | target | met |`);
  lines.push('|---|---:|---:|---:|:-:|');
  for (const x of r.ratios) lines.push(`| tick(${fmt(x.meetings)}) / tick(${fmt(r.sizes[0]!.meetings)}) | ${x.median.toFixed(2)}× | ${x.min.toFixed(2)}–${x.max.toFixed(2)}× | ≤ ${limit}× | ${x.median <= limit ? 'yes' : 'NO'} |`);
  lines.push('');
  for (const e of r.explains) {
    lines.push(`${e.query}: ${e.seqScan ? 'SEQ SCAN' : e.usesIndex ? 'index' : 'no index'} — \`${e.sql}\``);
    lines.push('```');
    lines.push(e.plan);
    lines.push('```');
  }
  return lines.join('\n');
}
