// SQL of the outbox: messages (the queue and the record) and the send log (the shared limiter).
// Every time decision uses the database clock (clock_timestamp()), never the process clock, so all
// instances agree.
import type pg from 'pg';
import type { Db, Queryable } from '../db/pool.js';
import {
  OUTBOX_STATUSES,
  decideLimiter,
  headWait,
  longestWindowMs,
  requestsOf,
  toBaseConversationId,
  type AttemptOutcome,
  type FailureReason,
  type HeadWait,
  type NewMessage,
  type OutboxOp,
  type OutboxPayload,
  type OutboxRow,
  type OutboxStats,
  type OutboxStatusName,
  type RateWindow,
} from './model.js';

interface DbRow {
  id: string;
  tenant_id: string;
  op: OutboxOp;
  lane: string;
  service_url: string;
  conversation_id: string | null;
  activity_id: string | null;
  user_id: string | null;
  bot_id: string | null;
  payload: OutboxPayload;
  idempotency_key: string | null;
  coalesce_key: string | null;
  status: OutboxStatusName;
  failure_reason: FailureReason | null;
  attempts: number;
  next_attempt_at: Date;
  lease_until: Date | null;
  claim_token: string | null;
  reservation_ids: string[] | null;
  outcome_unknown: boolean;
  possible_duplicate: boolean;
  last_status: number | null;
  last_error: string | null;
  sent_activity_id: string | null;
  created_at: Date;
  sent_at: Date | null;
  updated_at: Date;
}

function toRow(r: DbRow): OutboxRow {
  return {
    id: Number(r.id),
    tenantId: r.tenant_id,
    op: r.op,
    lane: r.lane,
    serviceUrl: r.service_url,
    conversationId: r.conversation_id,
    activityId: r.activity_id,
    userId: r.user_id,
    botId: r.bot_id,
    payload: r.payload,
    idempotencyKey: r.idempotency_key,
    coalesceKey: r.coalesce_key,
    status: r.status,
    failureReason: r.failure_reason,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    leaseUntil: r.lease_until,
    claimToken: r.claim_token,
    reservationIds: r.reservation_ids,
    outcomeUnknown: r.outcome_unknown,
    possibleDuplicate: r.possible_duplicate,
    lastStatus: r.last_status,
    lastError: r.last_error,
    sentActivityId: r.sent_activity_id,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    updatedAt: r.updated_at,
  };
}

const PENDING = `status in ('queued', 'sending', 'retrying')`;
const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::float8`;

// ---------------------------------------------------------------------------------------------
// Enqueue and read
// ---------------------------------------------------------------------------------------------

export interface InsertResult {
  row: OutboxRow;
  /** A new row was added (false: the idempotency key existed, or an update was coalesced). */
  created: boolean;
  /** An update replaced the render instruction of a still-queued update of the same message. */
  coalesced: boolean;
}

const INSERT_COLUMNS = `tenant_id, op, lane, service_url, conversation_id, activity_id, user_id, bot_id, payload, idempotency_key, coalesce_key`;
/**
 * DbRow's columns by name, for prepared statements: a `returning *` there would break on the old
 * instances of a rolling deploy as soon as a migration adds a column ("cached plan must not
 * change result type").
 */
const ROW_COLUMNS = `id, tenant_id, op, lane, service_url, conversation_id, activity_id, user_id, bot_id, payload, idempotency_key, coalesce_key,
  status, failure_reason, attempts, next_attempt_at, lease_until, claim_token, reservation_ids, outcome_unknown, possible_duplicate,
  last_status, last_error, sent_activity_id, created_at, sent_at, updated_at`;
const INSERT_VALUES = `$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11`;

function insertParams(m: NewMessage): unknown[] {
  return [m.tenantId, m.op, m.lane, m.serviceUrl, m.conversationId, m.activityId, m.userId, m.botId, JSON.stringify(m.payload), m.idempotencyKey, m.coalesceKey];
}

/**
 * At most one queued update per posted message: a newer one replaces the render instruction. Only
 * the payload changes, no indexed column (not even updated_at, which only dates finished rows for
 * pruning): so the update is HOT, with no new entries in the table's indexes.
 */
const COALESCE_INTO_QUEUED = `on conflict (coalesce_key) where status = 'queued' and coalesce_key is not null
       do update set payload = excluded.payload`;

/** Inserts a message, or returns the existing one for its idempotency key, or coalesces a queued update. */
export async function insertMessage(q: Queryable, m: NewMessage): Promise<InsertResult> {
  if (m.coalesceKey !== null) {
    // A row that is already sending is not in the partial index, so the new one queues behind it.
    // Prepared (named): the hot path of every coalesced card update.
    const r = await q.query<DbRow & { inserted: boolean }>({
      name: 'cadans.outbox.insert-coalesced',
      text: `insert into outbox_messages (${INSERT_COLUMNS}) values (${INSERT_VALUES})
       ${COALESCE_INTO_QUEUED}
       returning ${ROW_COLUMNS}, (xmax = 0) as inserted`,
      values: insertParams(m),
    });
    const row = r.rows[0] as DbRow & { inserted: boolean };
    return { row: toRow(row), created: row.inserted, coalesced: !row.inserted };
  }
  if (m.idempotencyKey !== null) {
    const r = await q.query<DbRow>(
      `insert into outbox_messages (${INSERT_COLUMNS}) values (${INSERT_VALUES})
       on conflict (idempotency_key) do nothing returning *`,
      insertParams(m),
    );
    if (r.rows[0]) return { row: toRow(r.rows[0]), created: true, coalesced: false };
    const existing = await q.query<DbRow>('select * from outbox_messages where idempotency_key = $1', [m.idempotencyKey]);
    if (!existing.rows[0]) throw new Error(`outbox: idempotency key ${m.idempotencyKey} conflicted but was not found`);
    return { row: toRow(existing.rows[0]), created: false, coalesced: false };
  }
  const r = await q.query<DbRow>(`insert into outbox_messages (${INSERT_COLUMNS}) values (${INSERT_VALUES}) returning *`, insertParams(m));
  return { row: toRow(r.rows[0] as DbRow), created: true, coalesced: false };
}

/** pg-boss's statements (its `db` option) on `q`: a job sent in the caller's transaction commits with it. */
export function onClient(q: Queryable): { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: (text, values) => q.query(text, values) };
}

/** NOTIFY channel: sent in the enqueueing transaction, so every instance wakes right after its commit. */
export const OUTBOX_NOTIFY_CHANNEL = 'cadans_outbox';

/** Tells every listening instance that a lane has a new message (delivered at the commit of `q`'s transaction). */
export async function notifyEnqueued(q: Queryable, lane: string): Promise<void> {
  await q.query('select pg_notify($1, $2)', [OUTBOX_NOTIFY_CHANNEL, lane.slice(0, 200)]);
}

/** Makes a connection of its own receive those notifications (`notification` events). */
export async function listenForEnqueued(client: pg.ClientBase): Promise<void> {
  await client.query(`listen ${OUTBOX_NOTIFY_CHANNEL}`);
}

export async function unlistenForEnqueued(client: pg.ClientBase): Promise<void> {
  await client.query(`unlisten ${OUTBOX_NOTIFY_CHANNEL}`);
}

/** The columns' types, for an insert from a `select` of parameters (nothing to infer them from there). */
const INSERT_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'jsonb', 'text', 'text'] as const;

/**
 * A coalesced update (as insertMessage does it) for a caller's own statement, to be used as one of
 * its CTEs: inserted only where `guard` holds (an SQL condition, e.g. `exists (select 1 from c)`),
 * parameters numbered from `firstParam`. Returns `id, lane, created`.
 */
export function coalescedUpdateSql(m: NewMessage, firstParam: number, guard: string): { sql: string; values: unknown[] } {
  if (m.coalesceKey === null) throw new Error('outbox: only updates are written in a caller\'s statement');
  const params = INSERT_TYPES.map((type, i) => `$${firstParam + i}::${type}`).join(', ');
  return {
    sql: `insert into outbox_messages (${INSERT_COLUMNS}) select ${params} where ${guard}
       ${COALESCE_INTO_QUEUED}
       returning id, lane, (xmax = 0) as created`,
    values: insertParams(m),
  };
}

export async function getMessage(q: Queryable, id: number): Promise<OutboxRow | null> {
  const r = await q.query<DbRow>('select * from outbox_messages where id = $1', [id]);
  return r.rows[0] ? toRow(r.rows[0]) : null;
}

export async function getMessageByKey(q: Queryable, idempotencyKey: string): Promise<OutboxRow | null> {
  const r = await q.query<DbRow>('select * from outbox_messages where idempotency_key = $1', [idempotencyKey]);
  return r.rows[0] ? toRow(r.rows[0]) : null;
}

export async function readStats(q: Queryable): Promise<OutboxStats> {
  const r = await q.query<{ status: OutboxStatusName; failure_reason: string | null; n: number; dup: number }>(
    `select status, failure_reason, count(*)::int as n, count(*) filter (where possible_duplicate)::int as dup
     from outbox_messages group by status, failure_reason`,
  );
  const oldest = await q.query<{ s: number | null }>(
    `select extract(epoch from clock_timestamp() - min(created_at))::float8 as s from outbox_messages where ${PENDING}`,
  );
  const byStatus = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatusName, number>;
  const failedByReason: Record<string, number> = {};
  let possibleDuplicates = 0;
  for (const row of r.rows) {
    byStatus[row.status] += row.n;
    possibleDuplicates += row.dup;
    if (row.status === 'failed') failedByReason[row.failure_reason ?? 'unknown'] = (failedByReason[row.failure_reason ?? 'unknown'] ?? 0) + row.n;
  }
  const s = oldest.rows[0]?.s;
  return { byStatus, failedByReason, possibleDuplicates, oldestPendingSeconds: s === null || s === undefined ? null : Math.round(s * 10) / 10 };
}

// ---------------------------------------------------------------------------------------------
// Claiming the head of a lane, under the shared rate limiter
// ---------------------------------------------------------------------------------------------

export interface LimiterSettings {
  /** Per conversation (lane). */
  laneWindows: readonly RateWindow[];
  /** Per tenant, shared by all instances. */
  tenantWindows: readonly RateWindow[];
  marginMs: number;
}

export interface ClaimSettings {
  leaseMs: number;
  maxAttempts: number;
  limiter: LimiterSettings;
  /** How long to wait for the head's row lock (held briefly by claims, or by a caller's transaction coalescing an update). */
  lockTimeoutMs: number;
}

export type ClaimResult =
  | { kind: 'empty' }
  /** Another worker is sending the head (its lease is live), or the head is not due yet. */
  | HeadWait
  /** A lock was not granted within lockTimeoutMs (e.g. a caller's open transaction coalescing an update): try again soon. */
  | { kind: 'locked' }
  /** The limiter holds the lane back; the head's next attempt was moved to dueAtMs. */
  | { kind: 'throttled'; id: number; dueAtMs: number; nowMs: number }
  /** A worker died with the head's last allowed attempt in flight: it was marked failed. */
  | { kind: 'gaveUp'; row: OutboxRow }
  | {
      kind: 'claimed';
      row: OutboxRow;
      token: string;
      /** The send-log entries of this attempt, stamped with the database clock during the claim. */
      slotIds: string[];
      /** performance.now() taken before the stamp (after the limiter locks): see finishAttempt. */
      stampedNoEarlierThan: number;
      reclaimed: boolean;
    };

/** Keys in the send log. A lane is one conversation (or one person, for createPersonal). */
export function laneKey(lane: string): string {
  return `c:${lane}`;
}
export function tenantKey(tenantId: string): string {
  return `t:${tenantId}`;
}

/**
 * Find the lane's head and check it is due (no transaction yet); then in one transaction take the shared limiter's advisory
 * locks for its conversation and tenant, then lock the head and check again; consult the limiter
 * (database clock); then either record the requests
 * in the send log and claim the head (status sending, a lease, a fresh claim token, attempts + 1) or
 * move its next attempt to when the limiter allows it.
 */
export async function claimHead(db: Db, lane: string, s: ClaimSettings): Promise<ClaimResult> {
  const client = await db.connect();
  let inTx = false;
  try {
    for (let round = 0; round < 5; round++) {
      // A look at the head without locking it, outside any transaction: many calls end here
      // (empty, being sent, not due yet), about half of them under load.
      const peeked = await client.query<DbRow & { now_ms: number }>(
        `select *, ${NOW_MS} as now_ms from outbox_messages where id = (select id from outbox_messages where lane = $1 and ${PENDING} order by id limit 1)`,
        [lane],
      );
      const peek = peeked.rows[0];
      if (!peek) return { kind: 'empty' };
      const early = headWait(toRow(peek), peek.now_ms);
      if (early) return early;
      // The shared limiter's locks first, the head's row lock after: the row stays locked only for
      // the few statements of the claim, so a feature coalescing an update into it (inside its own
      // transaction, e.g. a checklist change) does not wait behind another lane's claim.
      // Keys are locked in a fixed order (c: before t:), so claims cannot deadlock; unnest yields
      // them in array order and each row's lock is taken as it comes.
      const lk = laneKey(lane);
      const tk = tenantKey(peek.tenant_id);
      // begin, the lock timeout and the limiter's locks in one round trip: a simple query, with the
      // keys as escaped literals (a simple query takes no parameters).
      const keys = [lk, tk].sort().map((key) => client.escapeLiteral(`cadans.outbox.rate|${key}`));
      inTx = true;
      await client.query(
        `begin; set local lock_timeout = ${Math.max(1, Math.round(s.lockTimeoutMs))};
         select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(array[${keys.join(', ')}]::text[]) as k`,
      );
      const laneHorizonMs = longestWindowMs(s.limiter.laneWindows) + s.limiter.marginMs;
      const tenantHorizonMs = longestWindowMs(s.limiter.tenantWindows) + s.limiter.marginMs;
      // The head's row lock, the limiter's clock and its log in one statement, whose snapshot is
      // taken after the limiter's locks above are held, so the log is complete: real requests
      // within each key's longest window; of the tenant's queue (reservations still ahead) only the
      // end matters: whether there is one, and its last window, where the next place goes.
      // `skip locked`: a statement that waited for the row lock would read the log as it was before
      // the wait. When the row is locked (a feature coalescing an update into it, for a moment),
      // wait for it in a statement of its own and read the log after.
      // The clock is read once (`c.now`, a value to the log's subqueries, not the volatile
      // clock_timestamp() in each condition), so that each part of the log is a range of its own
      // partial index (migration 012) and the read costs the same whatever the backlog: the real
      // requests of the lane and of the tenant within their windows, and the last window of the
      // tenant's queue.
      type Locked = DbRow & { now_ms: number; log: Array<{ id: number | string; key: string; at_ms: number; reserved: boolean }> };
      const lockAndLog = (wait: boolean) =>
        client.query<Locked>(
          `select m.*, (extract(epoch from c.now) * 1000)::float8 as now_ms,
             coalesce((select json_agg(json_build_object('id', l.id::text, 'key', l.key, 'at_ms', (extract(epoch from l.at) * 1000)::float8, 'reserved', l.reserved))
               from (
                 select id, key, at, reserved from outbox_send_log
                  where key = $2 and not reserved and at > c.now - make_interval(secs => $3)
                 union all
                 select id, key, at, reserved from outbox_send_log
                  where key = $4 and not reserved and at > c.now - make_interval(secs => $5)
                 union all
                 select id, key, at, reserved from outbox_send_log
                  where key = $4 and reserved and at > c.now
                    and at > (select max(at) from outbox_send_log where key = $4 and reserved) - make_interval(secs => $5)
               ) l), '[]'::json) as log
           from outbox_messages m, (select clock_timestamp() as now) c
           where m.id = $1 ${wait ? 'for update of m' : 'for update of m skip locked'}`,
          [peek.id, lk, laneHorizonMs / 1000, tk, tenantHorizonMs / 1000],
        );
      let locked = await lockAndLog(false);
      if (!locked.rows[0]) {
        await client.query('select 1 from outbox_messages where id = $1 for update', [peek.id]);
        locked = await lockAndLog(true); // the lock is ours now: no wait, a fresh snapshot
      }
      const raw = locked.rows[0];
      if (!raw || !['queued', 'sending', 'retrying'].includes(raw.status)) {
        // Finished by another worker meanwhile: look for the new head.
        await client.query('commit');
        inTx = false;
        continue;
      }
      const row = toRow(raw);
      const waiting = headWait(row, raw.now_ms);
      if (waiting) {
        await client.query('commit');
        inTx = false;
        return waiting;
      }
      const reclaimed = row.status === 'sending';
      if (reclaimed && row.attempts >= s.maxAttempts) {
        const r = await client.query<DbRow>(
          `update outbox_messages set status = 'failed', failure_reason = 'max_attempts', outcome_unknown = true,
             possible_duplicate = possible_duplicate or op <> 'update',
             last_error = 'the worker sending the last attempt stopped before recording its outcome (lease expired)',
             lease_until = null, claim_token = null, reservation_ids = null, updated_at = now()
           where id = $1 returning *`,
          [row.id],
        );
        await client.query('commit');
        inTx = false;
        return { kind: 'gaveUp', row: toRow(r.rows[0] as DbRow) };
      }

      // The shared limiter (its locks are held).
      const cost = requestsOf(row);
      const stampedNoEarlierThan = performance.now();
      const limiterNow = raw.now_ms;
      const log = { rows: (raw.log ?? []).map((x) => ({ ...x, id: String(x.id) })) };
      const own = new Set(row.reservationIds ?? []);
      const decision = decideLimiter({
        nowMs: limiterNow,
        laneTimes: log.rows.filter((x) => x.key === lk && !x.reserved).map((x) => x.at_ms),
        tenantTimes: log.rows.filter((x) => x.key === tk && !x.reserved).map((x) => x.at_ms),
        tenantQueue: log.rows.filter((x) => x.key === tk && x.reserved && !own.has(x.id) && x.at_ms > limiterNow).map((x) => x.at_ms),
        holdsPlace: row.reservationIds !== null,
        cost,
        laneWindows: s.limiter.laneWindows,
        tenantWindows: s.limiter.tenantWindows,
        marginMs: s.limiter.marginMs,
      });
      if (decision.kind === 'wait') {
        let reservationIds: string[] | null = decision.keepPlace ? row.reservationIds : null;
        if (!decision.keepPlace && own.size > 0) await client.query('delete from outbox_send_log where id = any($1::bigint[])', [[...own]]);
        if (decision.reserve) {
          const r = await client.query<{ id: string }>(
            `insert into outbox_send_log (key, at, reserved)
             select $1, to_timestamp($2::float8 / 1000), true from generate_series(1, $3) returning id`,
            [tk, decision.untilMs, cost],
          );
          reservationIds = r.rows.map((x) => x.id);
        }
        // A reclaimed head keeps the fact that its last attempt's outcome is unknown.
        await client.query(
          `update outbox_messages set next_attempt_at = to_timestamp($2::float8 / 1000), reservation_ids = $3::bigint[],
             status = case when status = 'sending' then 'retrying' else status end,
             outcome_unknown = outcome_unknown or status = 'sending',
             lease_until = null, claim_token = null, updated_at = now()
           where id = $1`,
          [row.id, decision.untilMs, reservationIds],
        );
        await client.query('commit');
        inTx = false;
        return { kind: 'throttled', id: row.id, dueAtMs: decision.untilMs, nowMs: limiterNow };
      }
      // Go: the held place becomes the tenant's real request(s); record the lane's request.
      const converted = own.size === 0
        ? []
        : (await client.query<{ id: string }>(
            `update outbox_send_log set reserved = false, at = clock_timestamp() where id = any($1::bigint[]) and reserved returning id`,
            [[...own]],
          )).rows.map((x) => x.id).slice(0, cost);
      const slotKeys: string[] = [lk, ...Array.from({ length: cost - converted.length }, () => tk)];
      // The claim and the commit in one round trip (a simple query: the values as literals).
      const lease = Number(s.leaseMs / 1000);
      if (!Number.isFinite(lease) || !Number.isSafeInteger(row.id)) throw new Error('outbox: bad claim values');
      const results = (await client.query(
        `with slots as (
           insert into outbox_send_log (key, at) select k, clock_timestamp() from unnest(array[${slotKeys.map((k) => client.escapeLiteral(k)).join(', ')}]::text[]) as k returning id
         )
         update outbox_messages set status = 'sending', attempts = attempts + 1, claim_token = gen_random_uuid(),
           lease_until = clock_timestamp() + make_interval(secs => ${lease}),
           possible_duplicate = possible_duplicate or (op <> 'update' and (status = 'sending' or outcome_unknown)),
           reservation_ids = null, updated_at = now()
         where id = ${row.id} returning *, (select array_agg(id order by id)::text[] from slots) as slot_ids;
         commit`,
      )) as unknown as Array<pg.QueryResult<DbRow & { slot_ids: string[] | null }>>;
      inTx = false;
      const claimedRaw = results[0]?.rows[0] as DbRow & { slot_ids: string[] | null };
      const claimedRow = toRow(claimedRaw);
      const slotIds = [...converted, ...(claimedRaw.slot_ids ?? [])];
      return { kind: 'claimed', row: claimedRow, token: claimedRow.claimToken as string, slotIds, stampedNoEarlierThan, reclaimed };
    }
    return { kind: 'busy' };
  } catch (err) {
    if (inTx) await client.query('rollback').catch(() => undefined);
    if ((err as { code?: string }).code === '55P03') return { kind: 'locked' }; // lock_not_available
    throw err;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Recording the outcome of an attempt
// ---------------------------------------------------------------------------------------------

export type FinishResult =
  | { fenced: true }
  /** afterSentError: the onSent hook threw (its work was rolled back; the message is still recorded as sent). */
  | { fenced: false; row: OutboxRow; nowMs: number; afterSentError?: unknown };

/**
 * Records an attempt's outcome, fenced by the claim token: a worker whose lease expired and whose
 * message was taken over cannot overwrite the newer state.
 *
 * Also moves the attempt's send-log entries from the claim to when the answer came: Teams counts a
 * request when it arrives, which is somewhere between the two, so the limiter counts each request
 * from its latest possible arrival. `answeredAfterMs` is measured in this process from before the
 * stamp, so stamp + answeredAfterMs is never earlier than the answer (and is not delayed by waiting
 * for a database connection to record it).
 */
/**
 * 403: the person blocked the bot or the app was removed. Whoever keeps the conversation references
 * (the Teams layer) stops using those that lead there, in the outcome's transaction.
 */
export type UnreachableHook = (tx: Queryable, target: { tenantId: string; conversationId: string | null; userId: string | null }) => Promise<void>;

export async function finishAttempt(
  db: Db,
  claimed: Pick<OutboxRow, 'id' | 'op'>,
  token: string,
  slots: { ids: readonly string[]; answeredAfterMs: number },
  outcome: AttemptOutcome,
  /** Runs in this transaction once the message is recorded as sent (under a savepoint). */
  afterSent?: (tx: Queryable, row: OutboxRow) => Promise<void>,
  /** Runs in this transaction when Teams said the person or conversation cannot be reached (403). */
  unreachable?: UnreachableHook,
): Promise<FinishResult> {
  const id = claimed.id;
  // Most outcomes are one statement (the message and its send-log entries), committed on its own:
  // a transaction only where more is written with it.
  const alone = claimed.op !== 'createPersonal' && !afterSent && !(outcome.kind === 'failed' && outcome.deactivateReference && unreachable);
  const client = alone ? null : await db.connect();
  const q: Queryable = client ?? db;
  try {
    await client?.query('begin');
    // The send log's entries move in the same statement as the message's outcome (a CTE runs
    // whether or not the fenced update matches).
    const outcomeUpdate = (sql: string, values: unknown[]) => {
      if (slots.ids.length === 0) return q.query<DbRow & { now_ms: number }>(sql, values);
      const n = values.length;
      return q.query<DbRow & { now_ms: number }>(
        `with moved as (update outbox_send_log set at = at + make_interval(secs => $${n + 2}) where id = any($${n + 1}::bigint[]) returning 1) ${sql}`,
        [...values, slots.ids, Math.max(0, slots.answeredAfterMs) / 1000],
      );
    };
    let r;
    if (outcome.kind === 'sent') {
      r = await outcomeUpdate(
        `update outbox_messages set status = 'sent', sent_at = now(), sent_activity_id = $3,
           conversation_id = coalesce($4, conversation_id), last_status = $5, last_error = null, failure_reason = null,
           outcome_unknown = false, lease_until = null, claim_token = null, updated_at = now()
         where id = $1 and claim_token = $2 and status = 'sending' returning *, ${NOW_MS} as now_ms`,
        [id, token, outcome.activityId, outcome.conversationId, outcome.status ?? null],
      );
    } else if (outcome.kind === 'retry') {
      r = await outcomeUpdate(
        `update outbox_messages set status = 'retrying', next_attempt_at = clock_timestamp() + make_interval(secs => $3),
           last_status = $4, last_error = $5, outcome_unknown = $6, conversation_id = coalesce($7, conversation_id),
           lease_until = null, claim_token = null, updated_at = now()
         where id = $1 and claim_token = $2 and status = 'sending' returning *, ${NOW_MS} as now_ms`,
        [id, token, outcome.delayMs / 1000, outcome.status, outcome.error, outcome.outcomeUnknown, outcome.conversationId],
      );
    } else {
      r = await outcomeUpdate(
        `update outbox_messages set status = 'failed', failure_reason = $3, last_status = $4, last_error = $5,
           outcome_unknown = $6, conversation_id = coalesce($7, conversation_id),
           lease_until = null, claim_token = null, updated_at = now()
         where id = $1 and claim_token = $2 and status = 'sending' returning *, ${NOW_MS} as now_ms`,
        [id, token, outcome.reason, outcome.status, outcome.error, outcome.outcomeUnknown, outcome.conversationId],
      );
    }
    const raw = r.rows[0];
    if (!raw) {
      await client?.query('commit');
      return { fenced: true };
    }
    const row = toRow(raw);
    if (client && row.op === 'createPersonal' && outcome.kind === 'sent' && row.conversationId) {
      // The message went into the 1:1 chat: count it for that conversation too, where later sends queue.
      await client.query(`insert into outbox_send_log (key, at) values ($1, clock_timestamp())`, [laneKey(toBaseConversationId(row.conversationId))]);
    }
    if (client && outcome.kind === 'failed' && outcome.deactivateReference && unreachable) {
      await unreachable(client, { tenantId: row.tenantId, conversationId: row.conversationId ? toBaseConversationId(row.conversationId) : null, userId: row.op === 'createPersonal' ? row.userId : null });
    }
    let afterSentError: unknown;
    if (client && outcome.kind === 'sent' && afterSent) {
      // The feature's bookkeeping commits with the sent state; if it fails, the message stays sent.
      await client.query('savepoint after_sent');
      try {
        await afterSent(client, row);
        await client.query('release savepoint after_sent');
      } catch (err) {
        afterSentError = err;
        await client.query('rollback to savepoint after_sent');
      }
    }
    await client?.query('commit');
    return { fenced: false, row, nowMs: raw.now_ms, ...(afterSentError !== undefined ? { afterSentError } : {}) };
  } catch (err) {
    await client?.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client?.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Housekeeping
// ---------------------------------------------------------------------------------------------

/**
 * Heads of lanes that should have been worked but were not: due for longer than graceMs (their wake-up
 * job was lost, e.g. enqueued before the queue existed), or sending with an expired lease (the worker died).
 */
export async function findStalledHeads(q: Queryable, graceMs: number, limit = 200): Promise<Array<{ id: number; lane: string }>> {
  const r = await q.query<{ id: string; lane: string }>(
    `with heads as (
       select distinct on (lane) id, lane, status, next_attempt_at, lease_until
       from outbox_messages where ${PENDING} order by lane, id
     )
     select id, lane from heads
     where (status <> 'sending' and next_attempt_at < clock_timestamp() - make_interval(secs => $1))
        or (status = 'sending' and lease_until < clock_timestamp())
     order by id limit $2`,
    [graceMs / 1000, limit],
  );
  return r.rows.map((x) => ({ id: Number(x.id), lane: x.lane }));
}

export interface PruneSettings {
  /** Send-log entries older than this are no longer in any window. */
  sendLogHorizonMs: number;
  /** Finished messages keep their payload this long (then only the record remains, for idempotency and stats). */
  keepPayloadDays: number;
  /** Finished messages without an idempotency key are deleted after this long. */
  keepRecordDays: number;
}

export async function prune(q: Queryable, s: PruneSettings): Promise<{ sendLog: number; compacted: number; deleted: number }> {
  const a = await q.query(
    `delete from outbox_send_log where id in (
       select id from outbox_send_log where at < clock_timestamp() - make_interval(secs => $1) limit 5000)`,
    [s.sendLogHorizonMs / 1000],
  );
  const b = await q.query(
    `update outbox_messages set payload = '{}'::jsonb where id in (
       select id from outbox_messages where status in ('sent', 'failed') and payload <> '{}'::jsonb
         and updated_at < now() - make_interval(days => $1) limit 1000)`,
    [s.keepPayloadDays],
  );
  const c = await q.query(
    `delete from outbox_messages where id in (
       select id from outbox_messages where status in ('sent', 'failed') and idempotency_key is null
         and updated_at < now() - make_interval(days => $1) limit 1000)`,
    [s.keepRecordDays],
  );
  return { sendLog: a.rowCount ?? 0, compacted: b.rowCount ?? 0, deleted: c.rowCount ?? 0 };
}

/**
 * Failed messages of a tenant back in the queue (all of them, or those with these idempotency
 * keys), as new: attempts from zero, due now. Not: messages whose payload retention has already
 * emptied (nothing left to send), and a failed card update when a newer update of that card is
 * queued (that one shows the latest state) or when a later one of the same card failed too (only
 * the latest goes again).
 */
export async function requeueFailed(q: Queryable, tenantId: string, keys: readonly string[] | null): Promise<Array<{ id: string; lane: string }>> {
  const r = await q.query<{ id: string; lane: string }>(
    `update outbox_messages m
        set status = 'queued', failure_reason = null, attempts = 0, next_attempt_at = now(), lease_until = null, claim_token = null,
            reservation_ids = null, outcome_unknown = false, last_error = null, updated_at = now()
      where m.id in (
        select distinct on (coalesce(f.coalesce_key, f.id::text)) f.id
          from outbox_messages f
         where f.tenant_id = $1 and f.status = 'failed' and f.payload <> '{}'::jsonb
           and ($2::text[] is null or f.idempotency_key = any($2::text[]))
           and (f.coalesce_key is null or not exists (
                 select 1 from outbox_messages n where n.coalesce_key = f.coalesce_key and n.status in ('queued', 'sending', 'retrying')))
         order by coalesce(f.coalesce_key, f.id::text), f.id desc
         limit 1000)
      returning m.id::text as id, m.lane`,
    [tenantId, keys],
  );
  return r.rows;
}

/** How many messages of a tenant failed for good and could be sent again. */
/** A tenant's messages still to send (queued, being sent, waiting to be tried again), counted up to `cap`. */
export async function countPendingForTenant(q: Queryable, tenantId: string, cap: number): Promise<number> {
  const r = await q.query<{ n: number }>(
    `select count(*)::int as n from (select 1 from outbox_messages where tenant_id = $1 and status in ('queued', 'sending', 'retrying') limit $2) x`,
    [tenantId, cap],
  );
  return r.rows[0]?.n ?? 0;
}

export async function countFailed(q: Queryable, tenantId: string): Promise<number> {
  const r = await q.query<{ n: string }>("select count(*) as n from outbox_messages where tenant_id = $1 and status = 'failed' and payload <> '{}'::jsonb", [tenantId]);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * A tenant's failed messages whose idempotency key starts with `prefix` (a feature's messages, e.g.
 * a survey's 1:1 cards), with why they failed.
 */
export async function failedByKeyPrefix(q: Queryable, tenantId: string, prefix: string, limit: number): Promise<{ key: string; reason: string | null; status: number | null }[]> {
  const r = await q.query<{ idempotency_key: string; failure_reason: string | null; last_status: number | null }>(
    `select idempotency_key, failure_reason, last_status from outbox_messages
     where tenant_id = $1 and status = 'failed' and starts_with(idempotency_key, $2)
     order by idempotency_key limit $3`,
    [tenantId, prefix, limit],
  );
  return r.rows.map((x) => ({ key: x.idempotency_key, reason: x.failure_reason, status: x.last_status }));
}

// ---------------------------------------------------------------------------------------------
// Privacy (docs/privacy.md): a person's messages exported and erased, a tenant's deleted, retention
// ---------------------------------------------------------------------------------------------

/** What a person's or tenant's export shows of a message. */
export interface ExportedMessage {
  id: number;
  op: OutboxOp;
  status: OutboxStatusName;
  conversationId: string | null;
  userId: string | null;
  idempotencyKey: string | null;
  payload: OutboxPayload;
  failureReason: FailureReason | null;
  createdAt: Date;
  sentAt: Date | null;
}

const EXPORT_COLUMNS = `id, op, status, conversation_id, user_id, idempotency_key, payload, failure_reason, created_at, sent_at`;
function toExported(r: Pick<DbRow, 'id' | 'op' | 'status' | 'conversation_id' | 'user_id' | 'idempotency_key' | 'payload' | 'failure_reason' | 'created_at' | 'sent_at'>): ExportedMessage {
  return {
    id: Number(r.id),
    op: r.op,
    status: r.status,
    conversationId: r.conversation_id,
    userId: r.user_id,
    idempotencyKey: r.idempotency_key,
    payload: r.payload,
    failureReason: r.failure_reason,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/** A person's own lanes: their 1:1 messages made from nothing (`user:<tenant>:<id>`). */
export function personalLanes(tenantId: string, ids: readonly string[]): string[] {
  return ids.map((id) => `user:${tenantId}:${id}`);
}

/**
 * The messages addressed to a person (their user id, their lanes, their 1:1 conversations) and the
 * conversations Teams created for them (filled in on sent 1:1 messages).
 */
export async function messagesAddressedTo(
  q: Queryable,
  tenantId: string,
  ids: readonly string[],
  conversationIds: readonly string[],
  limit: number,
): Promise<{ messages: ExportedMessage[]; conversationIds: string[] }> {
  const lanes = personalLanes(tenantId, ids);
  const r = await q.query<DbRow>(
    `select ${EXPORT_COLUMNS}, lane from outbox_messages
     where tenant_id = $1 and (user_id = any($2::text[]) or lane = any($3::text[]) or lane = any($4::text[]) or conversation_id = any($4::text[]))
     order by id limit $5`,
    [tenantId, ids, lanes, conversationIds, limit],
  );
  const conversations = new Set(conversationIds);
  for (const x of r.rows) if (x.conversation_id && (x.user_id !== null || x.lane.startsWith('user:'))) conversations.add(toBaseConversationId(x.conversation_id));
  return { messages: r.rows.map(toExported), conversationIds: [...conversations] };
}

/** Messages of a tenant whose payload, keys or last error may hold one of the patterns (lower-case LIKE patterns). */
export async function messagesMatching(q: Queryable, tenantId: string, patterns: readonly string[], limit: number, afterId = 0): Promise<Array<ExportedMessage & { coalesceKey: string | null; lastError: string | null }>> {
  if (patterns.length === 0) return [];
  const r = await q.query<DbRow>(
    `select ${EXPORT_COLUMNS}, coalesce_key, last_error from outbox_messages
     where tenant_id = $1 and (lower(payload::text) like any($2::text[]) or lower(coalesce(idempotency_key, '')) like any($2::text[])
        or lower(coalesce(coalesce_key, '')) like any($2::text[]) or lower(coalesce(last_error, '')) like any($2::text[]))
       and id > $4
     order by id limit $3`,
    [tenantId, patterns, limit, afterId],
  );
  return r.rows.map((x) => ({ ...toExported(x), coalesceKey: x.coalesce_key, lastError: x.last_error }));
}

/** Deletes messages of a person (addressed to them) with their places in the tenant's queue and their lanes' send log. */
export async function deleteAddressedTo(q: Queryable, tenantId: string, ids: readonly string[], conversationIds: readonly string[]): Promise<{ messages: number; sendLog: number }> {
  const lanes = personalLanes(tenantId, ids);
  const r = await q.query<{ lane: string; reservation_ids: string[] | null }>(
    `delete from outbox_messages
     where tenant_id = $1 and (user_id = any($2::text[]) or lane = any($3::text[]) or lane = any($4::text[]) or conversation_id = any($4::text[]))
     returning lane, reservation_ids`,
    [tenantId, ids, lanes, conversationIds],
  );
  const keys = [...new Set([...lanes, ...conversationIds, ...r.rows.map((x) => x.lane)])].map(laneKey);
  const reservations = r.rows.flatMap((x) => x.reservation_ids ?? []);
  const s = await q.query('delete from outbox_send_log where key = any($1::text[]) or id = any($2::bigint[])', [keys, reservations]);
  return { messages: r.rowCount ?? 0, sendLog: s.rowCount ?? 0 };
}

/** Deletes messages by id (finished ones that mentioned an erased person), with their queue places. */
export async function deleteMessagesById(q: Queryable, tenantId: string, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await q.query<{ reservation_ids: string[] | null }>('delete from outbox_messages where tenant_id = $1 and id = any($2::bigint[]) returning reservation_ids', [tenantId, ids]);
  const reservations = r.rows.flatMap((x) => x.reservation_ids ?? []);
  if (reservations.length > 0) await q.query('delete from outbox_send_log where id = any($1::bigint[])', [reservations]);
  return r.rowCount ?? 0;
}

/** Rewrites a message that stays queued (an erased person's name and ids replaced): it still sends. */
export async function rewriteMessage(
  q: Queryable,
  tenantId: string,
  id: number,
  m: { payload: OutboxPayload; idempotencyKey: string | null; coalesceKey: string | null; lastError: string | null },
): Promise<number> {
  const r = await q.query(
    'update outbox_messages set payload = $3::jsonb, idempotency_key = $4, coalesce_key = $5, last_error = $6 where tenant_id = $1 and id = $2',
    [tenantId, id, JSON.stringify(m.payload), m.idempotencyKey, m.coalesceKey, m.lastError],
  );
  return r.rowCount ?? 0;
}

/** All of a tenant's messages (for the operator's export), in id order. */
export async function tenantMessages(q: Queryable, tenantId: string): Promise<ExportedMessage[]> {
  const r = await q.query<DbRow>(`select ${EXPORT_COLUMNS} from outbox_messages where tenant_id = $1 order by id`, [tenantId]);
  return r.rows.map(toExported);
}

/** Deletes all of a tenant's messages and send-log entries (its lanes, its tenant key). */
export async function deleteTenantMessages(q: Queryable, tenantId: string): Promise<{ messages: number; sendLog: number }> {
  const r = await q.query<{ lane: string }>('delete from outbox_messages where tenant_id = $1 returning lane', [tenantId]);
  const keys = [...new Set(r.rows.map((x) => laneKey(x.lane)))];
  keys.push(tenantKey(tenantId));
  const s = await q.query(
    `delete from outbox_send_log where key = any($1::text[]) or starts_with(key, $2)`,
    [keys, laneKey(`user:${tenantId}:`)],
  );
  return { messages: r.rowCount ?? 0, sendLog: s.rowCount ?? 0 };
}

/**
 * Retention: finished messages older than their cut-off go, at most `limit` per call: sent ones by
 * the moment they were sent, failed ones by their last attempt.
 */
export async function deleteFinishedBefore(q: Queryable, status: 'sent' | 'failed', before: Date, limit: number): Promise<number> {
  // updated_at is when it was sent or failed for good (outbox_messages_finished indexes it).
  const r = await q.query(
    `delete from outbox_messages where id in (
       select id from outbox_messages where status = $1 and updated_at < $2 limit $3)`,
    [status, before, limit],
  );
  return r.rowCount ?? 0;
}
