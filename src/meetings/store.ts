// All SQL of the meeting cadences: meeting_tables, meetings, meeting_attendance, meeting_agenda_items
// (migration 009). The scheduler's due queries go through partial indexes on the moment and claim
// rows with FOR UPDATE SKIP LOCKED, so several instances never send the same card twice.
import type { Queryable } from '../db/pool.js';
import { schoolNameSql } from '../people/feature.js';
import type { IsoDate } from '../schedule/index.js';
import { toChair, toMembers, toRule } from './specs.js';
import { defaultOf, type ChairSpec, type MeetingStatus, type MeetingTable, type MemberSpec, type TableDefault, type TableKind } from './model.js';
import type { Rule } from '../schedule/index.js';

const TABLE_COLUMNS = `t.id, t.public_id, t.tenant_id, t.school_id, t.kind, t.name, t.topics, t.rule, t.meeting_time, t.duration_minutes,
  t.prep_days, t.members, t.chair, t.paused, t.outlook, t.version`;

interface TableRowDb {
  id: string;
  public_id: string;
  tenant_id: string;
  school_id: string | null;
  kind: string;
  name: string | null;
  topics: unknown;
  rule: unknown;
  meeting_time: string;
  duration_minutes: number;
  prep_days: number;
  members: unknown;
  chair: unknown;
  paused: boolean;
  outlook: unknown;
  version: number;
  school_name?: string | null;
}

const FALLBACK_RULE: Rule = { kind: 'window', minWeeks: 4, maxWeeks: 6 };

function toTable(r: TableRowDb): MeetingTable {
  const kind = r.kind as TableKind;
  const def = defaultOf(kind);
  const o = r.outlook && typeof r.outlook === 'object' ? (r.outlook as Record<string, unknown>) : null;
  return {
    id: Number(r.id),
    publicId: r.public_id,
    tenantId: r.tenant_id,
    schoolId: r.school_id === null ? null : Number(r.school_id),
    schoolName: r.school_name ?? null,
    kind,
    name: r.name,
    topics: Array.isArray(r.topics) ? r.topics.filter((x): x is string => typeof x === 'string') : null,
    rule: toRule(r.rule) ?? def?.rule ?? FALLBACK_RULE,
    time: r.meeting_time,
    durationMinutes: r.duration_minutes,
    prepDays: r.prep_days,
    members: toMembers(r.members),
    chair: toChair(r.chair, def?.chair ?? { kind: 'role', role: 'kwaliteitsmedewerker' }),
    paused: r.paused,
    outlook: o && typeof o.organizerAad === 'string' && typeof o.seriesId === 'string' ? { organizerAad: o.organizerAad, seriesId: o.seriesId } : null,
    version: r.version,
  };
}

/** The default tables of a tenant: the board's once, a school's per school; existing ones are left alone. */
export async function ensureDefaults(q: Queryable, tenantId: string, defaults: readonly TableDefault[], schoolIds: readonly number[]): Promise<number> {
  const rows: { kind: string; school: number | null; d: TableDefault }[] = [];
  for (const d of defaults) {
    if (d.level === 'board') rows.push({ kind: d.kind, school: null, d });
    else for (const s of schoolIds) rows.push({ kind: d.kind, school: s, d });
  }
  if (rows.length === 0) return 0;
  const r = await q.query(
    `insert into meeting_tables (tenant_id, school_id, kind, rule, meeting_time, duration_minutes, prep_days, members, chair, created_by)
     select $1, x.school_id, x.kind, x.rule, x.meeting_time, x.duration_minutes, x.prep_days, x.members, x.chair, 'default'
     from jsonb_to_recordset($2::jsonb) as x(school_id bigint, kind text, rule jsonb, meeting_time text, duration_minutes int, prep_days int, members jsonb, chair jsonb)
     on conflict (tenant_id, kind, coalesce(school_id, 0)) where kind <> 'own' do nothing`,
    [
      tenantId,
      JSON.stringify(
        rows.map(({ kind, school, d }) => ({ school_id: school, kind, rule: d.rule, meeting_time: d.time, duration_minutes: d.durationMinutes, prep_days: d.prepDays, members: d.members, chair: d.chair })),
      ),
    ],
  );
  return r.rowCount ?? 0;
}


export interface TableWithNext {
  table: MeetingTable;
  next: UpcomingRow | null;
  lastHeld: Date | null;
}

export interface UpcomingRow {
  id: number;
  publicId: string;
  startsAt: Date;
  windowStart: IsoDate | null;
  windowEnd: IsoDate | null;
  confirmed: boolean;
  warnAt: Date | null;
  prepSentAt: Date | null;
  followupSentAt: Date | null;
  outlookEventId: string | null;
}

const iso = (d: unknown): IsoDate | null => (d instanceof Date ? d.toISOString().slice(0, 10) : typeof d === 'string' ? d.slice(0, 10) : null);

function toUpcoming(r: Record<string, unknown>): UpcomingRow | null {
  if (r.m_id === null || r.m_id === undefined) return null;
  return {
    id: Number(r.m_id),
    publicId: String(r.m_public_id),
    startsAt: r.m_starts_at as Date,
    windowStart: iso(r.m_window_start),
    windowEnd: iso(r.m_window_end),
    confirmed: Boolean(r.m_confirmed),
    warnAt: (r.m_warn_at as Date | null) ?? null,
    prepSentAt: (r.m_prep_sent_at as Date | null) ?? null,
    followupSentAt: (r.m_followup_sent_at as Date | null) ?? null,
    outlookEventId: (r.m_outlook_event_id as string | null) ?? null,
  };
}

const WITH_NEXT = `select ${TABLE_COLUMNS}, ${schoolNameSql('t.school_id')} as school_name,
    m.id as m_id, m.public_id as m_public_id, m.starts_at as m_starts_at, to_char(m.window_start, 'YYYY-MM-DD') as m_window_start,
    to_char(m.window_end, 'YYYY-MM-DD') as m_window_end, m.confirmed as m_confirmed, m.warn_at as m_warn_at, m.prep_sent_at as m_prep_sent_at,
    m.followup_sent_at as m_followup_sent_at, m.outlook_event_id as m_outlook_event_id,
    (select max(h.starts_at) from meetings h where h.table_id = t.id and h.status = 'held') as last_held
  from meeting_tables t
  left join meetings m on m.table_id = t.id and m.status = 'planned'`;

/** A tenant's tables (not removed), optionally of one school, board tables first, then by school and kind. */
export async function listTables(q: Queryable, tenantId: string, schoolId: number | null, limit: number): Promise<{ rows: TableWithNext[]; total: number }> {
  const r = await q.query<TableRowDb & Record<string, unknown>>(
    `${WITH_NEXT}
     where t.tenant_id = $1 and t.removed_at is null and ($2::bigint is null or t.school_id = $2)
     order by t.school_id nulls first, school_name, t.id limit $3`,
    [tenantId, schoolId, limit],
  );
  const c = await q.query<{ n: string }>('select count(*) as n from meeting_tables where tenant_id = $1 and removed_at is null and ($2::bigint is null or school_id = $2)', [tenantId, schoolId]);
  return {
    rows: r.rows.map((x) => ({ table: toTable(x), next: toUpcoming(x), lastHeld: (x.last_held as Date | null) ?? null })),
    total: Number(c.rows[0]?.n ?? 0),
  };
}

export async function findTable(q: Queryable, where: { publicId: string } | { id: number }, lock = false): Promise<TableWithNext | null> {
  const r = await q.query<TableRowDb & Record<string, unknown>>(
    `${WITH_NEXT} where t.removed_at is null and ${'publicId' in where ? 't.public_id = $1::uuid' : 't.id = $1'}${lock ? ' for update of t' : ''}`,
    ['publicId' in where ? where.publicId : where.id],
  );
  const x = r.rows[0];
  return x ? { table: toTable(x), next: toUpcoming(x), lastHeld: (x.last_held as Date | null) ?? null } : null;
}

export interface TableValues {
  schoolId: number | null;
  kind: TableKind;
  name: string | null;
  topics: string[] | null;
  rule: Rule;
  time: string;
  durationMinutes: number;
  prepDays: number;
  members: MemberSpec[];
  chair: ChairSpec;
}

export async function insertTable(q: Queryable, tenantId: string, v: TableValues, by: string): Promise<{ id: number; publicId: string }> {
  const r = await q.query<{ id: string; public_id: string }>(
    `insert into meeting_tables (tenant_id, school_id, kind, name, topics, rule, meeting_time, duration_minutes, prep_days, members, chair, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id, public_id`,
    [tenantId, v.schoolId, v.kind, v.name, v.topics === null ? null : JSON.stringify(v.topics), JSON.stringify(v.rule), v.time, v.durationMinutes, v.prepDays, JSON.stringify(v.members), JSON.stringify(v.chair), by],
  );
  return { id: Number(r.rows[0]!.id), publicId: r.rows[0]!.public_id };
}

export async function updateTable(q: Queryable, id: number, v: Omit<TableValues, 'kind' | 'schoolId'>): Promise<void> {
  await q.query(
    `update meeting_tables set name = $2, topics = $3, rule = $4, meeting_time = $5, duration_minutes = $6, prep_days = $7, members = $8, chair = $9,
       updated_at = now(), version = version + 1 where id = $1`,
    [id, v.name, v.topics === null ? null : JSON.stringify(v.topics), JSON.stringify(v.rule), v.time, v.durationMinutes, v.prepDays, JSON.stringify(v.members), JSON.stringify(v.chair)],
  );
}

export async function setPaused(q: Queryable, id: number, paused: boolean): Promise<void> {
  await q.query('update meeting_tables set paused = $2, updated_at = now(), version = version + 1 where id = $1', [id, paused]);
}

export async function removeTable(q: Queryable, id: number): Promise<void> {
  await q.query('update meeting_tables set removed_at = now(), updated_at = now(), version = version + 1 where id = $1', [id]);
}

export async function setOutlook(q: Queryable, id: number, outlook: { organizerAad: string; seriesId: string } | null): Promise<void> {
  await q.query('update meeting_tables set outlook = $2, outlook_synced_at = null, updated_at = now() where id = $1', [id, outlook === null ? null : JSON.stringify(outlook)]);
}

/**
 * Before Cadans asks Outlook to create a table's series (or its next single event): the organizer and
 * the transactionId of the request, kept so a retry after a crash (or a second click) sends the same id
 * and Graph answers with the event the first request made. `linkedTo`: the event the table is linked
 * to now (null: not linked yet); false when that is no longer so.
 */
export async function setOutlookPending(q: Queryable, id: number, pending: { organizerAad: string; transactionId: string }, linkedTo: string | null): Promise<boolean> {
  const r = await q.query(
    `update meeting_tables set outlook = coalesce(outlook, '{}'::jsonb) || jsonb_build_object('organizerAad', $2::text, 'transactionId', $3::text), updated_at = now()
     where id = $1 and case when $4::text is null then outlook is null or outlook->>'seriesId' is null else outlook->>'seriesId' = $4::text end`,
    [id, pending.organizerAad, pending.transactionId, linkedTo],
  );
  return (r.rowCount ?? 0) > 0;
}

/** A create that was asked of Outlook and not (yet) recorded as done. */
export async function outlookPending(q: Queryable, id: number): Promise<{ organizerAad: string; transactionId: string } | null> {
  const r = await q.query<{ organizer: string | null; tx: string | null }>("select outlook->>'organizerAad' as organizer, outlook->>'transactionId' as tx from meeting_tables where id = $1", [id]);
  const x = r.rows[0];
  return x?.organizer && x.tx ? { organizerAad: x.organizer, transactionId: x.tx } : null;
}

/** Forgets a create that failed: a table not yet linked is unlinked again, a linked one keeps its link. */
export async function clearOutlookPending(q: Queryable, id: number): Promise<void> {
  await q.query(
    "update meeting_tables set outlook = case when outlook->>'seriesId' is null then null else outlook - 'transactionId' end, updated_at = now() where id = $1 and outlook ? 'transactionId'",
    [id],
  );
}

// ---------------------------------------------------------------------------------------------------
// Meetings

export interface PlannedValues {
  startsAt: Date;
  windowStart: IsoDate | null;
  windowEnd: IsoDate | null;
  confirmed: boolean;
  prepAt: Date | null;
  warnAt: Date | null;
  followupAt: Date;
  outlookEventId?: string | null;
}

/**
 * Sets the table's upcoming meeting: the planned one is moved (its prep state kept when the day did
 * not change; sent again when it did), or a new one is made.
 */
export async function setPlanned(q: Queryable, tenantId: string, tableId: number, v: PlannedValues): Promise<{ id: number; publicId: string; moved: boolean }> {
  const existing = await q.query<{ id: string; public_id: string; starts_at: Date }>("select id, public_id, starts_at from meetings where table_id = $1 and status = 'planned' for update", [tableId]);
  const e = existing.rows[0];
  if (e) {
    const moved = e.starts_at.getTime() !== v.startsAt.getTime();
    await q.query(
      `update meetings set starts_at = $2, window_start = $3, window_end = $4, confirmed = $5,
         prep_at = $6, prep_sent_at = case when $9 then null else prep_sent_at end,
         warn_at = $7, warned_at = case when $9 then null else warned_at end,
         followup_at = $8, followup_sent_at = case when $9 then null else followup_sent_at end,
         outlook_event_id = coalesce($10, outlook_event_id), updated_at = now(), version = version + 1
       where id = $1`,
      [e.id, v.startsAt, v.windowStart, v.windowEnd, v.confirmed, v.prepAt, v.warnAt, v.followupAt, moved, v.outlookEventId ?? null],
    );
    return { id: Number(e.id), publicId: e.public_id, moved };
  }
  const r = await q.query<{ id: string; public_id: string }>(
    `insert into meetings (tenant_id, table_id, starts_at, window_start, window_end, confirmed, prep_at, warn_at, followup_at, outlook_event_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id, public_id`,
    [tenantId, tableId, v.startsAt, v.windowStart, v.windowEnd, v.confirmed, v.prepAt, v.warnAt, v.followupAt, v.outlookEventId ?? null],
  );
  return { id: Number(r.rows[0]!.id), publicId: r.rows[0]!.public_id, moved: false };
}

export async function cancelPlanned(q: Queryable, tableId: number): Promise<number | null> {
  const r = await q.query<{ id: string }>("update meetings set status = 'cancelled', updated_at = now(), version = version + 1 where table_id = $1 and status = 'planned' returning id", [tableId]);
  return r.rows[0] ? Number(r.rows[0].id) : null;
}

export interface MeetingRow {
  id: number;
  publicId: string;
  tenantId: string;
  tableId: number;
  startsAt: Date;
  windowStart: IsoDate | null;
  windowEnd: IsoDate | null;
  confirmed: boolean;
  status: MeetingStatus;
  prepSentAt: Date | null;
  followupActivityId: string | null;
  followupConversationId: string | null;
  record: { held: boolean; decisions: string | null; actions: string[] } | null;
  recordedBy: string | null;
  outlookEventId: string | null;
  version: number;
}

const MEETING_COLUMNS = `id, public_id, tenant_id, table_id, starts_at, to_char(window_start, 'YYYY-MM-DD') as window_start, to_char(window_end, 'YYYY-MM-DD') as window_end,
  confirmed, status, prep_sent_at, followup_activity_id, followup_conversation_id, record, recorded_by, outlook_event_id, version`;

function toMeeting(r: Record<string, unknown>): MeetingRow {
  const rec = r.record && typeof r.record === 'object' ? (r.record as Record<string, unknown>) : null;
  return {
    id: Number(r.id),
    publicId: String(r.public_id),
    tenantId: String(r.tenant_id),
    tableId: Number(r.table_id),
    startsAt: r.starts_at as Date,
    windowStart: (r.window_start as string | null) ?? null,
    windowEnd: (r.window_end as string | null) ?? null,
    confirmed: Boolean(r.confirmed),
    status: r.status as MeetingStatus,
    prepSentAt: (r.prep_sent_at as Date | null) ?? null,
    followupActivityId: (r.followup_activity_id as string | null) ?? null,
    followupConversationId: (r.followup_conversation_id as string | null) ?? null,
    record: rec ? { held: rec.held === true, decisions: typeof rec.decisions === 'string' ? rec.decisions : null, actions: Array.isArray(rec.actions) ? rec.actions.filter((x): x is string => typeof x === 'string') : [] } : null,
    recordedBy: (r.recorded_by as string | null) ?? null,
    outlookEventId: (r.outlook_event_id as string | null) ?? null,
    version: Number(r.version),
  };
}

export async function findMeeting(q: Queryable, where: { publicId: string } | { id: number }, lock = false): Promise<MeetingRow | null> {
  const r = await q.query(`select ${MEETING_COLUMNS} from meetings where ${'publicId' in where ? 'public_id = $1::uuid' : 'id = $1'}${lock ? ' for update' : ''}`, [
    'publicId' in where ? where.publicId : where.id,
  ]);
  return r.rows[0] ? toMeeting(r.rows[0] as Record<string, unknown>) : null;
}

export async function history(q: Queryable, tableId: number, limit: number): Promise<MeetingRow[]> {
  const r = await q.query(`select ${MEETING_COLUMNS} from meetings where table_id = $1 and status <> 'planned' order by starts_at desc limit $2`, [tableId, limit]);
  return r.rows.map((x) => toMeeting(x as Record<string, unknown>));
}

/** The last meeting held before this one (for planning again after "not held"). */
export async function lastHeld(q: Queryable, tableId: number): Promise<Date | null> {
  const r = await q.query<{ at: Date | null }>("select max(starts_at) as at from meetings where table_id = $1 and status = 'held'", [tableId]);
  return r.rows[0]?.at ?? null;
}

export async function recordMeeting(q: Queryable, id: number, v: { held: boolean; decisions: string | null; actions: string[] }, by: string): Promise<void> {
  await q.query(
    `update meetings set status = $2, record = $3, recorded_by = $4, recorded_at = now(), updated_at = now(), version = version + 1 where id = $1`,
    [id, v.held ? 'held' : 'notHeld', JSON.stringify(v), by],
  );
}

export async function setFollowupCard(q: Queryable, id: number, activityId: string, conversationId: string | null): Promise<void> {
  await q.query('update meetings set followup_activity_id = $2, followup_conversation_id = coalesce($3, followup_conversation_id) where id = $1', [id, activityId, conversationId]);
}

// ---------------------------------------------------------------------------------------------------
// Due work (the tick)

export interface DueMeeting {
  id: number;
  tenantId: string;
  tableId: number;
}

type DueKind = 'prep' | 'warn' | 'followup';
const DUE: Record<DueKind, { at: string; sent: string }> = {
  prep: { at: 'prep_at', sent: 'prep_sent_at' },
  warn: { at: 'warn_at', sent: 'warned_at' },
  followup: { at: 'followup_at', sent: 'followup_sent_at' },
};

/**
 * Claims up to `limit` meetings whose moment of this kind has come, marking them sent in the same
 * statement: one instance gets each (SKIP LOCKED), and the caller enqueues the cards in the same
 * transaction, so a crash before commit leaves them due.
 */
export async function claimDue(q: Queryable, kind: DueKind, now: Date, limit: number): Promise<DueMeeting[]> {
  const { at, sent } = DUE[kind];
  // Prep cards and follow-ups only for a confirmed date; the warning only while none is confirmed.
  const extra = kind === 'warn' ? ' and not confirmed' : ' and confirmed';
  const r = await q.query<{ id: string; tenant_id: string; table_id: string }>(
    `update meetings set ${sent} = $1 where id in (
       select id from meetings where status = 'planned' and ${sent} is null and ${at} is not null and ${at} <= $1${extra}
       order by ${at} limit $2 for update skip locked)
     returning id, tenant_id, table_id`,
    [now, limit],
  );
  return r.rows.map((x) => ({ id: Number(x.id), tenantId: x.tenant_id, tableId: Number(x.table_id) }));
}

/** Members who asked to be reminded, whose moment has come (cleared in the same statement). */
export async function claimReminders(q: Queryable, now: Date, limit: number): Promise<{ meetingId: number; aadObjectId: string; tenantId: string; at: Date }[]> {
  const r = await q.query<{ meeting_id: string; aad_object_id: string; tenant_id: string; at: Date }>(
    `with due as (
       select meeting_id, aad_object_id, remind_at from meeting_attendance where remind_at is not null and remind_at <= $1
       order by remind_at limit $2 for update skip locked)
     update meeting_attendance a set remind_at = null, reminded_at = $1, updated_at = now()
     from due where a.meeting_id = due.meeting_id and a.aad_object_id = due.aad_object_id
     returning a.meeting_id, a.aad_object_id, a.tenant_id, due.remind_at as at`,
    [now, limit],
  );
  return r.rows.map((x) => ({ meetingId: Number(x.meeting_id), aadObjectId: x.aad_object_id, tenantId: x.tenant_id, at: x.at }));
}

/** Tables without a planned meeting (not paused): planned again by the daily sweep. */
export async function tablesWithoutPlan(q: Queryable, tenantId: string, limit: number): Promise<number[]> {
  const r = await q.query<{ id: string }>(
    `select t.id from meeting_tables t where t.tenant_id = $1 and t.removed_at is null and not t.paused
       and not exists (select 1 from meetings m where m.table_id = t.id and m.status = 'planned') order by t.id limit $2`,
    [tenantId, limit],
  );
  return r.rows.map((x) => Number(x.id));
}

// ---------------------------------------------------------------------------------------------------
// Attendance and agenda

export interface Attendance {
  aadObjectId: string;
  name: string;
  preparedAt: Date | null;
  cannotComeAt: Date | null;
  cannotComeReason: string | null;
  remindAt: Date | null;
  cardActivityId: string | null;
  cardConversationId: string | null;
  cardServiceUrl: string | null;
}

export async function addAttendees(q: Queryable, meetingId: number, tenantId: string, people: readonly { aadObjectId: string; name: string }[]): Promise<void> {
  if (people.length === 0) return;
  await q.query(
    `insert into meeting_attendance (meeting_id, tenant_id, aad_object_id, name)
     select $1, $2, x.aad, x.name from jsonb_to_recordset($3::jsonb) as x(aad text, name text)
     on conflict (meeting_id, aad_object_id) do update set name = excluded.name`,
    [meetingId, tenantId, JSON.stringify(people.map((p) => ({ aad: p.aadObjectId, name: p.name })))],
  );
}

export async function listAttendance(q: Queryable, meetingId: number): Promise<Attendance[]> {
  const r = await q.query<Record<string, unknown>>(
    `select aad_object_id, name, prepared_at, cannot_come_at, cannot_come_reason, remind_at, card_activity_id, card_conversation_id, card_service_url
     from meeting_attendance where meeting_id = $1 order by name, aad_object_id`,
    [meetingId],
  );
  return r.rows.map((x) => ({
    aadObjectId: String(x.aad_object_id),
    name: String(x.name ?? ''),
    preparedAt: (x.prepared_at as Date | null) ?? null,
    cannotComeAt: (x.cannot_come_at as Date | null) ?? null,
    cannotComeReason: (x.cannot_come_reason as string | null) ?? null,
    remindAt: (x.remind_at as Date | null) ?? null,
    cardActivityId: (x.card_activity_id as string | null) ?? null,
    cardConversationId: (x.card_conversation_id as string | null) ?? null,
    cardServiceUrl: (x.card_service_url as string | null) ?? null,
  }));
}

export async function setAttendance(
  q: Queryable,
  meetingId: number,
  aad: string,
  change: { prepared?: boolean; cannotCome?: { reason: string | null } | null; remindAt?: Date | null },
): Promise<boolean> {
  const sets: string[] = [];
  const values: unknown[] = [meetingId, aad];
  if (change.prepared !== undefined) sets.push(`prepared_at = ${change.prepared ? 'now()' : 'null'}`);
  if (change.cannotCome !== undefined) {
    values.push(change.cannotCome ? change.cannotCome.reason : null);
    sets.push(`cannot_come_at = ${change.cannotCome ? 'now()' : 'null'}`, `cannot_come_reason = $${values.length}`);
  }
  if (change.remindAt !== undefined) {
    values.push(change.remindAt);
    sets.push(`remind_at = $${values.length}`);
  }
  if (sets.length === 0) return true;
  const r = await q.query(`update meeting_attendance set ${sets.join(', ')}, updated_at = now() where meeting_id = $1 and aad_object_id = $2`, values);
  return (r.rowCount ?? 0) > 0;
}

export async function setAttendeeCard(q: Queryable, meetingId: number, aad: string, activityId: string, conversationId: string | null, serviceUrl: string | null): Promise<void> {
  await q.query(
    `update meeting_attendance set card_activity_id = $3, card_conversation_id = coalesce($4, card_conversation_id), card_service_url = coalesce($5, card_service_url)
     where meeting_id = $1 and aad_object_id = $2`,
    [meetingId, aad, activityId, conversationId, serviceUrl],
  );
}

export async function addAgendaItem(q: Queryable, meetingId: number, tenantId: string, author: { aadObjectId: string; name: string }, text: string, max: number): Promise<boolean> {
  const r = await q.query(
    `insert into meeting_agenda_items (meeting_id, tenant_id, author_aad, author_name, text)
     select $1, $2, $3, $4, $5 where (select count(*) from meeting_agenda_items where meeting_id = $1) < $6`,
    [meetingId, tenantId, author.aadObjectId, author.name, text, max],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function listAgenda(q: Queryable, meetingId: number): Promise<{ text: string; authorAad: string; authorName: string }[]> {
  const r = await q.query<{ text: string; author_aad: string; author_name: string }>('select text, author_aad, author_name from meeting_agenda_items where meeting_id = $1 order by id', [meetingId]);
  return r.rows.map((x) => ({ text: x.text, authorAad: x.author_aad, authorName: x.author_name }));
}

/** Meetings of a tenant (planned) whose table is linked to Outlook, for the calendar sync. */
export async function tablesToSync(q: Queryable, olderThan: Date, limit: number): Promise<number[]> {
  const r = await q.query<{ id: string }>(
    `update meeting_tables set outlook_synced_at = now() where id in (
       select id from meeting_tables where outlook is not null and outlook->>'seriesId' is not null and removed_at is null and not paused
         and (outlook_synced_at is null or outlook_synced_at < $1) order by outlook_synced_at nulls first limit $2 for update skip locked)
     returning id`,
    [olderThan, limit],
  );
  return r.rows.map((x) => Number(x.id));
}

/**
 * Linked tables whose prep cards are due by `until` (and not sent), not synced since `olderThan`:
 * read from Outlook once more right before the reminder. Found through the prep index; claimed
 * (marked synced) in the same statement, so two instances do not both read the same calendar.
 */
export async function tablesToSyncBeforePrep(q: Queryable, until: Date, olderThan: Date, limit: number): Promise<number[]> {
  const r = await q.query<{ id: string }>(
    `update meeting_tables set outlook_synced_at = now() where id in (
       select t.id from meetings m join meeting_tables t on t.id = m.table_id
       where m.status = 'planned' and m.prep_sent_at is null and m.prep_at is not null and m.prep_at <= $1
         and t.outlook is not null and t.outlook->>'seriesId' is not null and t.removed_at is null and not t.paused
         and (t.outlook_synced_at is null or t.outlook_synced_at < $2)
       order by m.prep_at limit $3 for update of t skip locked)
     returning id`,
    [until, olderThan, limit],
  );
  return r.rows.map((x) => Number(x.id));
}

/** A tenant's first proposals from the rule whose moment passed unconfirmed: planned again (by the callback, one table at a time). */
export async function replanPassedProposals(q: Queryable, tenantId: string, now: Date, replan: (tableId: number) => Promise<void>): Promise<void> {
  const r = await q.query<{ table_id: string }>(
    "select table_id from meetings where tenant_id = $1 and status = 'planned' and not confirmed and starts_at < $2 order by id limit 500",
    [tenantId, now],
  );
  for (const x of r.rows) await replan(Number(x.table_id));
}

// ---------------------------------------------------------------------------------------------------
// Privacy (docs/privacy.md, docs/meetings.md "Privacy"): one person's rows exported and erased, a
// tenant's exported and deleted, retention.

const count = (r: { rowCount: number | null }) => r.rowCount ?? 0;
const PERSON_IN = `exists (select 1 from jsonb_array_elements(case when jsonb_typeof(t.members) = 'array' then t.members else '[]'::jsonb end) e
                            where e->>'kind' = 'person' and e->>'aadObjectId' = $2)`;

/** Everything the meeting tables hold about one person (readable keys). */
export async function exportPersonMeetingRows(q: Queryable, tenantId: string, aad: string): Promise<Record<string, unknown>> {
  const tables = await q.query(
    `select t.public_id as "tableId", t.kind, t.name, t.school_id as "schoolId", ${PERSON_IN} as "member",
            (t.chair->>'kind' = 'person' and t.chair->>'aadObjectId' = $2) as "chair", (t.created_by = $2) as "madeByThem",
            (t.outlook->>'organizerAad' = $2) as "outlookOrganizer", t.removed_at as "removedAt"
       from meeting_tables t
      where t.tenant_id = $1 and (${PERSON_IN} or (t.chair->>'kind' = 'person' and t.chair->>'aadObjectId' = $2) or t.created_by = $2 or t.outlook->>'organizerAad' = $2)
      order by t.id`,
    [tenantId, aad],
  );
  const recorded = await q.query(
    `select m.public_id as "meetingId", m.starts_at as "startsAt", m.status, m.record, m.recorded_at as "recordedAt"
       from meetings m where m.tenant_id = $1 and m.recorded_by = $2 order by m.starts_at`,
    [tenantId, aad],
  );
  const attendance = await q.query(
    `select m.public_id as "meetingId", m.starts_at as "startsAt", a.name, a.prepared_at as "preparedAt", a.cannot_come_at as "cannotComeAt",
            a.cannot_come_reason as "cannotComeReason", a.remind_at as "remindAt", a.reminded_at as "remindedAt"
       from meeting_attendance a join meetings m on m.id = a.meeting_id
      where a.tenant_id = $1 and a.aad_object_id = $2 order by m.starts_at`,
    [tenantId, aad],
  );
  const agenda = await q.query(
    `select m.public_id as "meetingId", m.starts_at as "startsAt", i.author_name as "authorName", i.text, i.created_at as "createdAt"
       from meeting_agenda_items i join meetings m on m.id = i.meeting_id
      where i.tenant_id = $1 and i.author_aad = $2 order by i.id`,
    [tenantId, aad],
  );
  return { tables: tables.rows, meetingsTheyRecorded: recorded.rows, attendance: attendance.rows, agendaItemsTheyAdded: agenda.rows };
}

/**
 * Erases one person from the meeting tables, in the caller's transaction: their attendance rows (their
 * prep-card state) go; a by-name member entry of theirs leaves the table; a table they chair by name
 * keeps a chair with the pseudonym and label (to be replaced); an Outlook link through their calendar
 * is dropped (dates stay in Cadans); who made a table, recorded a meeting or added an agenda item
 * becomes the pseudonym and label; texts (names, topics, records, agenda items, reasons) have their
 * name, email and ids replaced. Returns counts per table and the planned meetings whose cards named them.
 */
export async function erasePersonMeetingRows(
  q: Queryable,
  p: { tenantId: string; aadObjectId: string; email: string | null; pseudonym: string; label: string },
  scrub: { needles: string[]; replacements: string[] },
): Promise<{ counts: Record<string, number>; planned: number[] }> {
  const { tenantId, aadObjectId: aad } = p;
  const email = (p.email ?? '').trim().toLowerCase();
  // Planned meetings whose cards show them (member, chair, agenda author, attendee), found before the rewrite.
  const planned = await q.query<{ id: string }>(
    `select m.id from meetings m join meeting_tables t on t.id = m.table_id
      where m.tenant_id = $1 and m.status = 'planned'
        and (${PERSON_IN} or (t.chair->>'kind' = 'person' and t.chair->>'aadObjectId' = $2)
             or exists (select 1 from meeting_agenda_items i where i.meeting_id = m.id and i.author_aad = $2)
             or exists (select 1 from meeting_attendance a where a.meeting_id = m.id and a.aad_object_id = $2))
      order by m.id`,
    [tenantId, aad],
  );
  const attendance = count(await q.query('delete from meeting_attendance where tenant_id = $1 and aad_object_id = $2', [tenantId, aad]));
  const reasons = count(
    await q.query(
      `update meeting_attendance set cannot_come_reason = cadans_scrub(cannot_come_reason, $2, $3)
        where tenant_id = $1 and cannot_come_reason is not null and cannot_come_reason <> cadans_scrub(cannot_come_reason, $2, $3)`,
      [tenantId, scrub.needles, scrub.replacements],
    ),
  );
  const tables = count(
    await q.query(
      `update meeting_tables t set
              members = case when jsonb_typeof(t.members) = 'array' then
                  coalesce((select jsonb_agg(e order by n) from jsonb_array_elements(t.members) with ordinality as x(e, n)
                             where not (e->>'kind' = 'person' and e->>'aadObjectId' = $2)
                               and not (e->>'kind' = 'external' and $4 <> '' and lower(e->>'email') = $4)), '[]'::jsonb)
                else t.members end,
              chair = case when t.chair->>'kind' = 'person' and t.chair->>'aadObjectId' = $2
                then jsonb_build_object('kind', 'person', 'aadObjectId', $3::text, 'name', $5::text) else t.chair end,
              outlook = case when t.outlook->>'organizerAad' = $2 then null else t.outlook end,
              created_by = case when t.created_by = $2 then $3 else t.created_by end,
              updated_at = now(), version = t.version + 1
        where t.tenant_id = $1
          and (${PERSON_IN} or (t.chair->>'kind' = 'person' and t.chair->>'aadObjectId' = $2) or t.outlook->>'organizerAad' = $2 or t.created_by = $2
               or ($4 <> '' and exists (select 1 from jsonb_array_elements(case when jsonb_typeof(t.members) = 'array' then t.members else '[]'::jsonb end) e
                                         where e->>'kind' = 'external' and lower(e->>'email') = $4)))`,
      [tenantId, aad, p.pseudonym, email, p.label],
    ),
  );
  const tableTexts = count(
    await q.query(
      `update meeting_tables set name = cadans_scrub(name, $2, $3), topics = cadans_scrub(topics::text, $2, $3)::jsonb,
              members = cadans_scrub(members::text, $2, $3)::jsonb, chair = cadans_scrub(chair::text, $2, $3)::jsonb, updated_at = now(), version = version + 1
        where tenant_id = $1
          and (name is distinct from cadans_scrub(name, $2, $3) or topics::text is distinct from cadans_scrub(topics::text, $2, $3)
               or members::text <> cadans_scrub(members::text, $2, $3) or chair::text <> cadans_scrub(chair::text, $2, $3))`,
      [tenantId, scrub.needles, scrub.replacements],
    ),
  );
  const meetings = count(
    await q.query(
      `update meetings set recorded_by = case when recorded_by = $2 then $3 else recorded_by end,
              record = cadans_scrub(record::text, $4, $5)::jsonb, updated_at = now(), version = version + 1
        where tenant_id = $1 and (recorded_by = $2 or record::text is distinct from cadans_scrub(record::text, $4, $5))`,
      [tenantId, aad, p.pseudonym, scrub.needles, scrub.replacements],
    ),
  );
  const agenda = count(
    await q.query(
      `update meeting_agenda_items set author_aad = case when author_aad = $2 then $3 else author_aad end,
              author_name = case when author_aad = $2 then $4 else cadans_scrub(author_name, $5, $6) end,
              text = cadans_scrub(text, $5, $6)
        where tenant_id = $1 and (author_aad = $2 or text <> cadans_scrub(text, $5, $6) or author_name <> cadans_scrub(author_name, $5, $6))`,
      [tenantId, aad, p.pseudonym, p.label, scrub.needles, scrub.replacements],
    ),
  );
  return {
    counts: { meeting_tables: tables + tableTexts, meetings, meeting_attendance: attendance + reasons, meeting_agenda_items: agenda },
    planned: planned.rows.map((x) => Number(x.id)),
  };
}

/** All of a tenant's rows in the meeting tables, for the operator's export. */
export async function exportTenantMeetingRows(q: Queryable, tenantId: string): Promise<Record<string, unknown>> {
  const all = async (sql: string) => (await q.query(sql, [tenantId])).rows;
  return {
    tables: await all(
      `select id, public_id as "publicId", school_id as "schoolId", kind, name, topics, rule, meeting_time as "time", duration_minutes as "durationMinutes",
              prep_days as "prepDays", members, chair, paused, removed_at as "removedAt", outlook, created_by as "createdBy", created_at as "createdAt"
         from meeting_tables where tenant_id = $1 order by id`,
    ),
    meetings: await all(
      `select id, public_id as "publicId", table_id as "tableId", starts_at as "startsAt", confirmed, status, record, recorded_by as "recordedBy",
              recorded_at as "recordedAt", created_at as "createdAt"
         from meetings where tenant_id = $1 order by id`,
    ),
    attendance: await all(
      `select meeting_id as "meetingId", aad_object_id as "entraObjectId", name, prepared_at as "preparedAt", cannot_come_at as "cannotComeAt",
              cannot_come_reason as "cannotComeReason", remind_at as "remindAt", reminded_at as "remindedAt"
         from meeting_attendance where tenant_id = $1 order by meeting_id, aad_object_id`,
    ),
    agendaItems: await all(
      `select meeting_id as "meetingId", author_aad as "authorEntraObjectId", author_name as "authorName", text, created_at as "createdAt"
         from meeting_agenda_items where tenant_id = $1 order by id`,
    ),
  };
}

/** Deletes all of a tenant's rows in the meeting tables, children first. */
export async function deleteTenantMeetingRows(q: Queryable, tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, sql] of [
    ['meeting_agenda_items', 'delete from meeting_agenda_items where tenant_id = $1 or meeting_id in (select id from meetings where tenant_id = $1)'],
    ['meeting_attendance', 'delete from meeting_attendance where tenant_id = $1 or meeting_id in (select id from meetings where tenant_id = $1)'],
    ['meetings', 'delete from meetings where tenant_id = $1 or table_id in (select id from meeting_tables where tenant_id = $1)'],
    ['meeting_tables', 'delete from meeting_tables where tenant_id = $1'],
  ] as const) {
    counts[table] = count(await q.query(sql, [tenantId]));
  }
  return counts;
}

/** Retention of attendance (who prepared, who could not come and why): of meetings no longer planned that started before `before`, at most `limit` rows. */
export async function deleteOldAttendance(q: Queryable, before: Date, limit: number): Promise<number> {
  return count(
    await q.query(
      `delete from meeting_attendance where ctid = any(array(
         select a.ctid from meetings m join meeting_attendance a on a.meeting_id = m.id
          where m.status <> 'planned' and m.starts_at < $1 limit $2))`,
      [before, limit],
    ),
  );
}

/** Retention of meetings held, not held or cancelled that started before `before`, with their record and agenda (cascade): at most `limit`. */
export async function deleteOldMeetings(q: Queryable, before: Date, limit: number): Promise<number> {
  return count(
    await q.query(`delete from meetings where id in (select id from meetings where status <> 'planned' and starts_at < $1 order by starts_at limit $2)`, [before, limit]),
  );
}
