// The outbox: Cadans' one door out to Teams for everything sent outside the turn it answers
// (proactive messages, 1:1 conversations, updates of cards already posted). See docs/outbox.md.
//
// The table outbox_messages is the queue and the record. pg-boss (queue `outbox.deliver`) works it:
// a job names a lane (one conversation), and the worker that takes it sends that lane's messages one
// at a time, in order, as fast as the shared limiter allows. Jobs are created in the enqueueing
// transaction, and again (with startAfter) whenever a lane must wait; a sweep re-creates any job
// that was lost, and takes over messages whose worker died (expired lease).
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';
import { databaseHealth, inTransaction, isConnectionError, type Db, type Queryable } from '../db/pool.js';
import {
  DEFAULT_RETRY_POLICY,
  TEAMS_THREAD_WINDOWS,
  decideAfterFailure,
  longestWindowMs,
  tenantWindows,
  toBaseConversationId,
  type AttemptFailure,
  type FailureReason,
  type OutboxOp,
  type RateWindow,
  type RetryPolicy,
} from './model.js';
import {
  claimHead,
  finishAttempt,
  findStalledHeads,
  getMessage,
  getMessageByKey,
  insertMessage,
  coalescedUpdateSql,
  prune,
  readStats,
  requeueFailed,
  countFailed,
  type AttemptOutcome,
  type ClaimSettings,
  type NewMessage,
  type OutboxRow,
  type OutboxStatusName,
  type StoreStats,
} from './store.js';
import type { OutboxActivity, Transport, TransportResult } from './transport.js';

export const OUTBOX_QUEUE = 'outbox.deliver';
/** NOTIFY channel: sent in the enqueueing transaction, so every instance wakes right after its commit. */
export const OUTBOX_NOTIFY_CHANNEL = 'cadans_outbox';

/** Renders the latest state of something into an activity, at send time. Registered by features. */
export type Renderer = (args: unknown) => Promise<OutboxActivity>;

/** What a feature learns when a message it rendered was sent. */
export interface SentInfo {
  messageId: number;
  op: OutboxOp;
  /** The render instruction's arguments. */
  args: unknown;
  /** The id Teams gave the message (for a send: the id to update later). */
  activityId: string | null;
  conversationId: string | null;
}

/**
 * A renderer, optionally with `onSent`: called in the transaction that records the message as sent
 * (use `tx` to store the posted card's activity id atomically with that). If it throws, its work is
 * rolled back and logged; the message stays sent.
 */
export type RendererEntry =
  | Renderer
  | {
      render: Renderer;
      onSent?: (info: SentInfo, tx: Queryable) => Promise<void>;
      /** The operations onSent is wanted for (default all); for the others no savepoint is taken. */
      onSentOps?: readonly OutboxOp[];
    };

/** "Render with this renderer and these (JSON) arguments when it is time to send." */
export interface RenderInstruction {
  renderer: string;
  args?: unknown;
}

type Content = { activity: OutboxActivity; render?: undefined } | { render: RenderInstruction; activity?: undefined };

interface Common {
  tenantId: string;
  /** The serviceUrl of the conversation reference (e.g. https://smba.trafficmanager.net/emea/). */
  serviceUrl: string;
}

/** What a feature asks the outbox to do. */
export type OutboxRequest = Content &
  Common &
  (
    | {
        op: 'send';
        /** A 1:1 chat, group chat, channel, or channel thread (`…;messageid=…`). */
        conversationId: string;
        /** e.g. `welcome:team:19:abc`, `cadence:42@2027-03-09`: enqueued twice, sent once. */
        idempotencyKey?: string;
      }
    | {
        op: 'update';
        conversationId: string;
        /** The id of the posted message to update (a sent message's `sentActivityId`). */
        activityId: string;
        /** Updates are deduplicated by coalescing, not by key. */
        idempotencyKey?: undefined;
      }
    | {
        op: 'createPersonal';
        /** The person's Teams user id (`29:…`) or Entra object id. */
        userId: string;
        /** The bot account (`28:<app id>`), when not the transport's default. */
        botId?: string;
        idempotencyKey?: string;
      }
  );

export interface OutboxMessageStatus {
  id: number;
  op: OutboxOp;
  tenantId: string;
  /** The target conversation (for createPersonal: the 1:1 chat, once created). */
  conversationId: string | null;
  status: OutboxStatusName;
  failureReason: FailureReason | null;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  /** The id Teams gave the sent message (use it to update the card later). */
  sentActivityId: string | null;
  /** A later attempt followed one whose outcome was unknown: Teams may show this message twice. */
  possibleDuplicate: boolean;
  idempotencyKey: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** When a queued or retrying message will be tried next. */
  nextAttemptAt: Date | null;
}

export interface EnqueueResult {
  id: number;
  /** False when the idempotency key already existed (nothing new will be sent) or an update was coalesced. */
  created: boolean;
  /** An update replaced the render instruction of a still-queued update of the same message. */
  coalesced: boolean;
  message: OutboxMessageStatus;
}

export type OutboxStats = StoreStats;

/** What `updateInStatement`'s insert returned. */
export interface WrittenUpdate {
  id: number | string;
  lane: string;
  created: boolean;
}

export interface Outbox {
  /**
   * Records a message to send. With `client`, the row (and its wake-up job) is written in the
   * caller's transaction: it is sent only if that transaction commits.
   */
  enqueue(request: OutboxRequest, options?: { client?: Queryable }): Promise<EnqueueResult>;
  /**
   * A card update written by the caller's own statement, so that a feature's change and its card
   * update are one round trip (see docs/outbox.md, "An update in the caller's statement"): `sql` is
   * an insert to use as a CTE, run only where `guard` holds, with parameters from `firstParam`; it
   * returns `id, lane, created`. Once that statement has committed, hand the row to `written`.
   */
  updateInStatement(request: OutboxRequest & { op: 'update' }, firstParam: number, guard: string): { sql: string; values: unknown[] };
  /** After a statement with `updateInStatement` committed: a new row gets its wake-up job (a coalesced one has it). */
  written(row: WrittenUpdate): Promise<void>;
  status(id: number): Promise<OutboxMessageStatus | null>;
  statusByKey(idempotencyKey: string): Promise<OutboxMessageStatus | null>;
  /**
   * Sends a tenant's failed messages again (all, or those with these idempotency keys): back in
   * the queue as new, with their keys, so nothing is sent twice. Returns how many.
   */
  retryFailed(tenantId: string, idempotencyKeys?: readonly string[]): Promise<number>;
  /** How many of a tenant's messages failed for good (and can be sent again). */
  failedCount(tenantId: string): Promise<number>;
  /** Counts by status, failures by reason, possible duplicates: for /readyz. */
  stats(): Promise<OutboxStats>;
  registerRenderer(name: string, renderer: RendererEntry): void;
  /** Creates the queue, starts the workers, the listener and the sweep. */
  start(): Promise<void>;
  /** Stops taking work; waits up to stopTimeoutMs for attempts in flight. */
  stop(): Promise<void>;
}

export interface OutboxTuning {
  /** pg-boss workers (lanes worked at the same time) in this instance. Default 8. */
  workers: number;
  /** pg-boss polling when nothing woke the workers. Default 2 (pg-boss minimum 0.5). */
  pollingIntervalSeconds: number;
  /** A claimed message may be taken over by another worker after this. Default 60 s. */
  leaseMs: number;
  /** Bound on one attempt (render + request(s)); keep it below leaseMs. Default 40 s. */
  attemptTimeoutMs: number;
  /** How often each instance looks for expired leases and stalled lanes. Default 5 s. */
  sweepIntervalMs: number;
  /**
   * A due message with no worker on it for this long gets a new wake-up job (its job was lost, e.g.
   * the process died between commit and sending the job). Generous, so that a long but healthy
   * queue of jobs (a large fan-out) is not flooded with duplicates. Default 60 s.
   */
  stalledAfterMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  retryAfterCapMs: number;
  /** Safety margin added to every rate window. Default 50 ms. */
  limiterMarginMs: number;
  /** Per-conversation windows. Default: Teams' per-thread limits. */
  laneWindows: readonly RateWindow[];
  lockTimeoutMs: number;
  stopTimeoutMs: number;
  /** LISTEN for wake-ups from other transactions and instances. Default true. */
  listen: boolean;
  /** Random source for jitter. */
  random: () => number;
}

export const DEFAULT_TUNING: Readonly<OutboxTuning> = Object.freeze({
  workers: 8,
  pollingIntervalSeconds: 2,
  leaseMs: 60_000,
  attemptTimeoutMs: 40_000,
  sweepIntervalMs: 5_000,
  stalledAfterMs: 60_000,
  retryBaseDelayMs: DEFAULT_RETRY_POLICY.baseDelayMs,
  retryMaxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs,
  retryAfterCapMs: DEFAULT_RETRY_POLICY.retryAfterCapMs,
  limiterMarginMs: 50,
  laneWindows: TEAMS_THREAD_WINDOWS,
  lockTimeoutMs: 5_000,
  stopTimeoutMs: 10_000,
  listen: true,
  random: Math.random,
});

export interface OutboxDeps {
  db: Db;
  boss: PgBoss;
  transport: Transport;
  log: Logger;
  /** App-wide requests per second per tenant, shared by all instances (config.outbox.tenantPerSecond). */
  tenantPerSecond: number;
  /** config.outbox.maxAttempts */
  maxAttempts: number;
  renderers?: Record<string, RendererEntry>;
  tuning?: Partial<OutboxTuning>;
}

interface JobData {
  lane: string;
  id?: number;
}

class UnknownRendererError extends Error {}

const MAX_PER_DRAIN = 50;
/**
 * Jobs for a lane that waited (limiter, retry) are fetched before fresh enqueue jobs: a message that
 * is due at its place in the queue must not wait behind a burst of new messages (pg-boss fetches by
 * priority, then creation time).
 */
const DUE_PRIORITY = 1;
/** The listener tries again after a lost connection this soon, doubling up to LISTEN_RETRY_MAX_MS. */
const LISTEN_RETRY_MIN_MS = 100;
const LISTEN_RETRY_MAX_MS = 2_000;
/** An attempt's outcome that could not be recorded (connection lost) is tried again this often, while its lease lasts. */
const RECORD_RETRY_MS = 250;
/** Limiter waits up to this long are slept through in the worker instead of scheduling a job. */
const SHORT_WAIT_MS = 150;
const ID_MAX = 500;

export function createOutbox(deps: OutboxDeps): Outbox {
  const { db, boss, transport } = deps;
  const log = deps.log.child({ component: 'outbox' });
  const t: OutboxTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const policy: RetryPolicy = {
    maxAttempts: Math.max(1, deps.maxAttempts),
    baseDelayMs: t.retryBaseDelayMs,
    maxDelayMs: t.retryMaxDelayMs,
    retryAfterCapMs: t.retryAfterCapMs,
  };
  const claimSettings: ClaimSettings = {
    leaseMs: t.leaseMs,
    maxAttempts: policy.maxAttempts,
    lockTimeoutMs: t.lockTimeoutMs,
    limiter: { laneWindows: t.laneWindows, tenantWindows: tenantWindows(deps.tenantPerSecond), marginMs: t.limiterMarginMs },
  };
  const renderers = new Map<string, { render: Renderer; onSent?: (info: SentInfo, tx: Queryable) => Promise<void>; onSentOps?: readonly OutboxOp[] }>();
  const addRenderer = (name: string, entry: RendererEntry) => {
    if (!name) throw new Error('a renderer needs a name');
    renderers.set(name, typeof entry === 'function' ? { render: entry } : entry);
  };
  for (const [name, entry] of Object.entries(deps.renderers ?? {})) addRenderer(name, entry);

  const workers = new Map<string, { busy: boolean }>();
  const inflight = new Set<Promise<void>>();
  const pendingWakeUps = new Set<Promise<void>>();
  /** Lanes this instance's workers are draining now (written() relies on them). */
  const draining = new Map<string, { drains: number; again: boolean }>();
  const timers = new Set<NodeJS.Timeout>();
  let sweepTimer: NodeJS.Timeout | null = null;
  let listener: { client: pg.PoolClient; release(err?: Error): void } | null = null;
  let listenRetry: NodeJS.Timeout | null = null;
  let listenRetryMs = LISTEN_RETRY_MIN_MS;
  const health = databaseHealth(db);
  let offBack: (() => void) | null = null;
  let started = false;
  let stopped = false;
  let lastPrune = 0;

  // ---- waking workers ------------------------------------------------------------------------

  /** Makes one idle local worker fetch now instead of at its next poll. */
  function wake(): void {
    if (!started || stopped) return;
    for (const [id, w] of workers) {
      if (!w.busy) {
        boss.notifyWorker(id);
        return;
      }
    }
  }

  /** Makes every idle local worker fetch now (after the database is back: there may be many lanes due). */
  function wakeAll(): void {
    if (!started || stopped) return;
    for (const [id, w] of workers) if (!w.busy) boss.notifyWorker(id);
  }

  function wakeAt(delayMs: number): void {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      wake();
    }, Math.max(0, delayMs));
    timer.unref?.();
    timers.add(timer);
  }

  /** A wake-up job for the lane at dueAtMs (database clock), plus a local timer so this instance is on time. */
  async function scheduleLane(lane: string, id: number | undefined, dueAtMs: number, nowMs: number): Promise<void> {
    const data: JobData = id === undefined ? { lane } : { lane, id };
    // +1 ms: the job must not become visible before the message is due (timestamps round to ms).
    await boss.send(OUTBOX_QUEUE, data as object, { startAfter: new Date(Math.ceil(dueAtMs) + 1), priority: DUE_PRIORITY });
    wakeAt(dueAtMs - nowMs + 10);
  }

  // ---- enqueue -------------------------------------------------------------------------------

  async function enqueue(request: OutboxRequest, options: { client?: Queryable } = {}): Promise<EnqueueResult> {
    const m = toNewMessage(request);
    const write = async (q: Queryable) => {
      const r = await insertMessage(q, m);
      if (r.created) {
        const bossDb = { executeSql: (text: string, values: unknown[]) => q.query(text, values) };
        await boss.send(OUTBOX_QUEUE, { lane: m.lane, id: r.row.id } satisfies JobData, { db: bossDb });
        await q.query('select pg_notify($1, $2)', [OUTBOX_NOTIFY_CHANNEL, m.lane.slice(0, 200)]);
      }
      return r;
    };
    const r = options.client ? await write(options.client) : await inTransaction(db, write);
    if (r.created && !options.client) wake(); // in the caller's transaction, the NOTIFY wakes us at its commit
    return { id: r.row.id, created: r.created, coalesced: r.coalesced, message: toStatus(r.row) };
  }

  function updateInStatement(request: OutboxRequest & { op: 'update' }, firstParam: number, guard: string) {
    return coalescedUpdateSql(toNewMessage(request), firstParam, guard);
  }

  /**
   * After the caller's commit (not in it): if the process dies in between, the sweep gives the
   * stalled message a job after stalledAfterMs; nothing is lost. This instance's worker is woken
   * directly (other instances are not: they would race for the same job).
   */
  async function written(row: WrittenUpdate): Promise<void> {
    if (!row.created) return;
    // A worker of this instance is draining the lane (typically: sending the card's previous
    // update): it takes the new message in its loop, no wake-up job needed. `again` makes it look
    // once more if it has just found the lane empty, before this message was committed.
    const drain = draining.get(row.lane);
    if (drain && !stopped) {
      drain.again = true;
      return;
    }
    await sendWakeUp(row.lane, Number(row.id));
  }

  /** A wake-up job for a lane, now; never throws (the sweep catches up a lost one). */
  async function sendWakeUp(lane: string, id?: number): Promise<void> {
    const work = (async () => {
      try {
        if (stopped) throw new Error('the outbox has stopped');
        await boss.send(OUTBOX_QUEUE, (id === undefined ? { lane } : { lane, id }) satisfies JobData);
      } catch (err) {
        // The caller's change is committed: do not fail it. The sweep gives the message a job.
        log.warn({ err, outbox: id, lane }, 'wake-up job not sent; the sweep will pick the message up');
      }
      wake();
    })();
    // stop() waits for these (callers need not await them), before pg-boss stops.
    pendingWakeUps.add(work);
    try {
      await work;
    } finally {
      pendingWakeUps.delete(work);
    }
  }

  // ---- working a lane ------------------------------------------------------------------------

  async function handle(workerId: string, jobs: Array<PgBoss.Job<JobData>>): Promise<void> {
    const w = workers.get(workerId);
    if (w) w.busy = true;
    wake(); // more jobs may be waiting: let another idle worker look
    const work = (async () => {
      for (const job of jobs) {
        const lane = job.data?.lane;
        if (typeof lane === 'string' && lane.length > 0) await drainLane(lane);
      }
    })();
    inflight.add(work);
    try {
      await work;
    } catch (err) {
      // The database went away under the drain: pg-boss retries this job, and once the database
      // answers again recover() re-queues every due lane at once.
      if (isConnectionError(err)) health.suspect(err);
      throw err;
    } finally {
      inflight.delete(work);
      if (w) w.busy = false;
      // Fetch again at once rather than after the polling interval (an empty fetch then sleeps).
      if (!stopped) boss.notifyWorker(workerId);
    }
  }

  /** Sends the lane's messages in order until it is empty, busy elsewhere, not due, or held back by the limiter. */
  async function drainLane(lane: string): Promise<void> {
    const state = draining.get(lane) ?? { drains: 0, again: false };
    state.drains++;
    draining.set(lane, state);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      if (--state.drains > 0) return;
      draining.delete(lane);
      // A message written meanwhile that this drain did not look for (it left as busy or not
      // due: e.g. another instance's worker was sending the head and has finished since): the job
      // written() did not send.
      if (state.again) void sendWakeUp(lane);
    };
    try {
      await drainLaneWhileMarked(lane, state, leave);
    } finally {
      leave();
    }
  }

  /**
   * Works the lane while drainLane has it marked as being drained (see written). Besides "empty",
   * every way out leaves the lane to someone: the worker sending its head (busy), a wake-up job (not
   * due, throttled, locked, long lane, stopping) or pg-boss's retry of this job (an error); and
   * leave() sends the job that written() skipped meanwhile.
   */
  async function drainLaneWhileMarked(lane: string, state: { again: boolean }, leave: () => void): Promise<void> {
    for (let n = 0; n < MAX_PER_DRAIN; n++) {
      if (stopped) {
        await boss.send(OUTBOX_QUEUE, { lane } satisfies JobData); // another instance carries on
        return;
      }
      const c = await claimHead(db, lane, claimSettings);
      switch (c.kind) {
        case 'empty':
          // A message written for this lane meanwhile (see written) may have committed after this
          // look: look once more.
          if (state.again) {
            state.again = false;
            continue;
          }
          leave(); // in the same step as the look at `again`: a later written() sends a job
          return;
        case 'busy':
        case 'notDue':
          return;
        case 'locked':
          await boss.send(OUTBOX_QUEUE, { lane } satisfies JobData, { startAfter: 1, priority: DUE_PRIORITY });
          wakeAt(1_010);
          return;
        case 'throttled': {
          const waitMs = c.dueAtMs - c.nowMs;
          log.debug({ lane, outbox: c.id, waitMs: Math.round(waitMs) }, 'held back by the rate limiter');
          if (waitMs <= SHORT_WAIT_MS) {
            // A short wait costs less in this worker than a wake-up job and a fetch.
            await sleep(waitMs + 2);
            continue;
          }
          await scheduleLane(lane, c.id, c.dueAtMs, c.nowMs);
          return;
        }
        case 'gaveUp':
          log.warn({ outbox: c.row.id, tenant: c.row.tenantId, lane }, 'message failed: its last attempt was lost with its worker');
          continue;
        case 'claimed':
          await attempt(c.row, c.token, { ids: c.slotIds, stampedNoEarlierThan: c.stampedNoEarlierThan }, c.reclaimed);
          continue;
      }
    }
    await boss.send(OUTBOX_QUEUE, { lane } satisfies JobData); // long lane: give other lanes a turn
  }

  type AttemptResult = TransportResult | { ok: false; unknownRenderer: string; error: string };

  async function runAttempt(row: OutboxRow): Promise<AttemptResult> {
    let requestStarted = false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<AttemptResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            ok: false,
            error: `no answer within ${t.attemptTimeoutMs} ms`,
            outcomeUnknown: requestStarted,
          }),
        t.attemptTimeoutMs,
      );
    });
    const work = (async (): Promise<AttemptResult> => {
      let activity: OutboxActivity;
      try {
        activity = await resolveActivity(row);
      } catch (err) {
        if (err instanceof UnknownRendererError) return { ok: false, unknownRenderer: err.message, error: `no renderer named '${err.message}'` };
        return { ok: false, error: `render failed: ${describeError(err)}` };
      }
      requestStarted = true;
      try {
        return await callTransport(row, activity);
      } catch (err) {
        // A transport should answer, not throw; if it does, the request may have gone out.
        return { ok: false, error: `transport threw: ${describeError(err)}`, outcomeUnknown: true };
      }
    })();
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function resolveActivity(row: OutboxRow): Promise<OutboxActivity> {
    const p = row.payload;
    let activity: OutboxActivity;
    if ('activity' in p && p.activity) activity = p.activity;
    else if ('render' in p && p.render) {
      const renderer = renderers.get(p.render.renderer);
      if (!renderer) throw new UnknownRendererError(p.render.renderer);
      activity = await renderer.render(p.render.args);
    } else throw new Error('message has no activity and no render instruction');
    return { type: 'message', ...activity };
  }

  function callTransport(row: OutboxRow, activity: OutboxActivity): Promise<TransportResult> {
    const base = { tenantId: row.tenantId, serviceUrl: row.serviceUrl };
    switch (row.op) {
      case 'send':
        return transport.send({ ...base, conversationId: row.conversationId as string }, activity);
      case 'update':
        return transport.update({ ...base, conversationId: row.conversationId as string }, row.activityId as string, activity);
      case 'createPersonal':
        // Created by an earlier attempt whose send failed: only the send is left.
        if (row.conversationId) return transport.send({ ...base, conversationId: row.conversationId }, activity);
        return transport.createPersonal({ ...base, userId: row.userId as string, ...(row.botId ? { botId: row.botId } : {}) }, activity);
    }
  }

  /** The onSent of the renderer that rendered this message, bound to it. */
  function afterSentHook(row: OutboxRow): ((tx: Queryable, sent: OutboxRow) => Promise<void>) | undefined {
    const p = row.payload;
    if (!('render' in p) || !p.render) return undefined;
    const entry = renderers.get(p.render.renderer);
    const onSent = entry?.onSent;
    if (!onSent || (entry.onSentOps && !entry.onSentOps.includes(row.op))) return undefined;
    const args = p.render.args;
    return (tx, sent) =>
      onSent({ messageId: sent.id, op: sent.op, args, activityId: sent.sentActivityId, conversationId: sent.conversationId }, tx);
  }

  async function attempt(row: OutboxRow, token: string, slots: { ids: string[]; stampedNoEarlierThan: number }, reclaimed: boolean): Promise<void> {
    const ctx = { outbox: row.id, tenant: row.tenantId, lane: row.lane, op: row.op, attempt: row.attempts };
    if (reclaimed) {
      log.warn(ctx, 'took over a message whose worker stopped mid-attempt (lease expired); if Teams had accepted it, it will show twice');
    }
    const result = await runAttempt(row);
    const answeredAfterMs = performance.now() - slots.stampedNoEarlierThan;
    let outcome: AttemptOutcome;
    if (result.ok) {
      outcome = {
        kind: 'sent',
        ...(result.status !== undefined ? { status: result.status } : {}),
        activityId: result.activityId ?? null,
        conversationId: result.conversationId ?? (row.op === 'createPersonal' ? row.conversationId : null),
      };
    } else if ('unknownRenderer' in result) {
      outcome = { kind: 'failed', reason: 'unknown_renderer', status: null, error: result.error, outcomeUnknown: false, conversationId: null, deactivateReference: false };
    } else {
      const failure: AttemptFailure = {
        error: truncate(result.error, 500),
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
        ...(result.outcomeUnknown ? { outcomeUnknown: true } : {}),
      };
      const decision = decideAfterFailure(row.op, failure, row.attempts, policy, t.random);
      const common = {
        status: result.status ?? null,
        error: failure.error,
        outcomeUnknown: result.outcomeUnknown === true && row.op !== 'update',
        conversationId: result.conversationId ?? null,
      };
      outcome =
        decision.kind === 'retry'
          ? { kind: 'retry', delayMs: decision.delayMs, ...common }
          : { kind: 'failed', reason: decision.reason, deactivateReference: decision.deactivateReference, ...common };
    }
    const done = await recordOutcome(ctx, () => finishAttempt(db, row, token, { ids: slots.ids, answeredAfterMs }, outcome, afterSentHook(row)));
    if (done.fenced) {
      log.warn(ctx, 'attempt finished after its lease expired and another worker took the message over; its result was not recorded');
      return;
    }
    if (done.afterSentError !== undefined) log.error({ ...ctx, err: done.afterSentError }, "a renderer's onSent failed; the message is sent, the feature's bookkeeping was rolled back");
    if (outcome.kind === 'sent') {
      log.debug({ ...ctx, activityId: outcome.activityId }, 'sent');
    } else if (outcome.kind === 'retry') {
      log.info({ ...ctx, status: outcome.status, error: outcome.error, retryInMs: outcome.delayMs }, 'attempt failed; will retry');
      await scheduleLane(row.lane, row.id, done.row.nextAttemptAt.getTime() + 1, done.nowMs);
    } else {
      log.warn({ ...ctx, status: outcome.status, reason: outcome.reason, error: outcome.error }, 'message failed');
    }
  }

  /**
   * Records an attempt's outcome. Teams has answered: if the connection is lost now, the outcome is
   * recorded as soon as the database is back, while the claim's lease lasts, instead of leaving the
   * message "sending" until its lease expires (a wait of leaseMs for the user, and a second send).
   * The record is fenced by the claim token, so trying again is safe.
   */
  async function recordOutcome<T>(ctx: object, record: () => Promise<T>): Promise<T> {
    const until = Date.now() + t.leaseMs - t.attemptTimeoutMs / 4;
    for (;;) {
      try {
        return await record();
      } catch (err) {
        if (!isConnectionError(err) || stopped || Date.now() > until) throw err;
        health.suspect(err);
        log.debug({ ...ctx, err }, 'could not record the outcome of an attempt (database unreachable); trying again');
        await sleep(RECORD_RETRY_MS);
      }
    }
  }

  /**
   * After the database was unreachable: every due lane gets a job now (jobs fetched when the
   * connections dropped failed, or could not even be marked failed), every idle worker looks at
   * once, and the listener is back. Without this, a message whose job was lost would wait for the
   * sweep's stalledAfterMs.
   */
  async function recover(): Promise<void> {
    if (!started || stopped) return;
    log.info('database is back: re-queueing due lanes');
    if (!listener && t.listen) {
      if (listenRetry) clearTimeout(listenRetry);
      listenRetry = null;
      await listen();
    }
    await sweep(0).catch((err) => log.warn({ err }, 'outbox sweep after reconnecting failed'));
    wakeAll();
  }

  // ---- sweep, listener -----------------------------------------------------------------------

  async function sweep(graceMs: number): Promise<void> {
    const stalled = await findStalledHeads(db, graceMs);
    for (const h of stalled) await boss.send(OUTBOX_QUEUE, { lane: h.lane, id: h.id } satisfies JobData);
    if (stalled.length > 0) {
      log.info({ lanes: stalled.length }, 'sweep: re-queued stalled lanes');
      wake();
    }
    if (Date.now() - lastPrune > 60_000) {
      lastPrune = Date.now();
      const horizon = Math.max(longestWindowMs(t.laneWindows), longestWindowMs(claimSettings.limiter.tenantWindows)) + t.limiterMarginMs + 60_000;
      await prune(db, { sendLogHorizonMs: horizon, keepPayloadDays: 7, keepRecordDays: 30 });
    }
  }

  function scheduleSweep(): void {
    if (stopped) return;
    sweepTimer = setTimeout(() => {
      sweepTimer = null;
      sweep(t.stalledAfterMs)
        .catch((err) => log.warn({ err }, 'outbox sweep failed'))
        .finally(scheduleSweep);
    }, t.sweepIntervalMs);
    sweepTimer.unref?.();
  }

  /**
   * A connection of its own that LISTENs for enqueues committed anywhere (this or another instance,
   * inside a caller's transaction or not). Without it the workers still poll; it only saves latency.
   */
  let listenStarting: Promise<void> | null = null;
  function listen(): Promise<void> {
    if (listener) return Promise.resolve();
    listenStarting ??= startListening().finally(() => {
      listenStarting = null;
    });
    return listenStarting;
  }

  async function startListening(): Promise<void> {
    if (stopped || !t.listen) return;
    let client: pg.PoolClient;
    try {
      client = await db.connect();
    } catch (err) {
      log.debug({ err }, 'outbox listener could not connect; polling until it can');
      retryListen();
      return;
    }
    const c = client;
    let released = false;
    const onNotification = (n: pg.Notification) => {
      if (n.channel === OUTBOX_NOTIFY_CHANNEL) wake();
    };
    const release = (err?: Error) => {
      if (released) return;
      released = true;
      c.removeListener('notification', onNotification);
      c.removeListener('error', onError);
      if (listener?.client === c) listener = null;
      c.release(err);
    };
    const onError = (err: Error) => {
      // The pool logs the lost connection (once for all of them); polling carries on meanwhile.
      log.debug({ err }, 'outbox listener connection lost; listening again when the database is back');
      release(err);
      retryListen();
    };
    c.on('notification', onNotification);
    c.on('error', onError);
    try {
      await c.query(`listen ${OUTBOX_NOTIFY_CHANNEL}`);
    } catch (err) {
      log.debug({ err }, 'outbox listener could not start; polling until it can');
      release(err as Error);
      retryListen();
      return;
    }
    listener = { client: c, release };
    listenRetryMs = LISTEN_RETRY_MIN_MS;
    if (stopped) await closeListener();
  }

  function retryListen(): void {
    if (stopped || listenRetry) return;
    listenRetry = setTimeout(() => {
      listenRetry = null;
      if (!listener) void listen();
    }, listenRetryMs);
    listenRetryMs = Math.min(LISTEN_RETRY_MAX_MS, listenRetryMs * 2);
    listenRetry.unref?.();
  }

  async function closeListener(): Promise<void> {
    const l = listener;
    listener = null;
    if (!l) return;
    try {
      await l.client.query(`unlisten ${OUTBOX_NOTIFY_CHANNEL}`);
      l.release();
    } catch (err) {
      l.release(err as Error);
    }
  }

  return {
    enqueue,
    updateInStatement,
    written,

    async status(id) {
      const row = await getMessage(db, id);
      return row ? toStatus(row) : null;
    },

    async statusByKey(key) {
      const row = await getMessageByKey(db, key);
      return row ? toStatus(row) : null;
    },

    stats: () => readStats(db),

    async retryFailed(tenantId, keys) {
      const rows = await requeueFailed(db, tenantId, keys ?? null);
      for (const row of rows) await sendWakeUp(row.lane, Number(row.id));
      if (rows.length > 0) log.info({ tenant: tenantId, messages: rows.length }, 'failed outbox messages queued again');
      return rows.length;
    },

    failedCount: (tenantId) => countFailed(db, tenantId),

    registerRenderer: addRenderer,

    async start() {
      if (started) return;
      started = true;
      await boss.createQueue(OUTBOX_QUEUE, {
        name: OUTBOX_QUEUE,
        policy: 'standard',
        // A failed drain (e.g. the database was briefly unreachable) is tried again by pg-boss.
        retryLimit: 5,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: 15 * 60,
      });
      for (let i = 0; i < Math.max(1, t.workers); i++) {
        let id = '';
        id = await boss.work<JobData>(OUTBOX_QUEUE, { pollingIntervalSeconds: t.pollingIntervalSeconds, batchSize: 1 }, (jobs) => handle(id, jobs));
        workers.set(id, { busy: false });
      }
      await listen();
      offBack = health.onBack(() => void recover());
      // Messages enqueued before the queue existed, or left behind by a stopped instance.
      await sweep(0).catch((err) => log.warn({ err }, 'outbox sweep failed'));
      scheduleSweep();
      log.info({ workers: workers.size, tenantPerSecond: deps.tenantPerSecond, maxAttempts: policy.maxAttempts }, 'outbox started');
    },

    async stop() {
      if (!started || stopped) return;
      stopped = true;
      offBack?.();
      if (sweepTimer) clearTimeout(sweepTimer);
      if (listenRetry) clearTimeout(listenRetry);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...pendingWakeUps]);
      for (const id of workers.keys()) await boss.offWork({ id });
      await closeListener();
      if (inflight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = await Promise.race([
          Promise.allSettled([...inflight]).then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), t.stopTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (gaveUp) log.warn({ inflight: inflight.size }, 'outbox stopped with attempts still in flight; their leases will expire and another instance takes over');
      }
      log.info('outbox stopped');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing requests, mapping rows
// ---------------------------------------------------------------------------------------------

function requireText(value: unknown, name: string, max = ID_MAX): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new Error(`outbox: ${name} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

/** Checks a request at the boundary and turns it into a row to insert. Throws on programming errors. */
export function toNewMessage(request: OutboxRequest): NewMessage {
  const tenantId = requireText(request.tenantId, 'tenantId');
  const serviceUrl = requireText(request.serviceUrl, 'serviceUrl', 2_000);
  if (!/^https?:\/\//i.test(serviceUrl)) throw new Error('outbox: serviceUrl must be an http(s) URL');
  const hasActivity = request.activity !== undefined && request.activity !== null;
  const hasRender = request.render !== undefined && request.render !== null;
  if (hasActivity === hasRender) throw new Error('outbox: give either an activity or a render instruction');
  let payload: NewMessage['payload'];
  if (hasActivity) {
    if (typeof request.activity !== 'object' || Array.isArray(request.activity)) throw new Error('outbox: activity must be an object');
    payload = { activity: request.activity as OutboxActivity };
  } else {
    const r = request.render as RenderInstruction;
    payload = { render: { renderer: requireText(r.renderer, 'render.renderer', 200), args: r.args ?? null } };
  }
  const key = request.idempotencyKey;
  const idempotencyKey = key === undefined || key === null ? null : requireText(key, 'idempotencyKey');
  const base = { tenantId, serviceUrl, payload, idempotencyKey, activityId: null, userId: null, botId: null, coalesceKey: null };
  switch (request.op) {
    case 'send': {
      const conversationId = requireText(request.conversationId, 'conversationId');
      return { ...base, op: 'send', lane: toBaseConversationId(conversationId), conversationId };
    }
    case 'update': {
      const conversationId = requireText(request.conversationId, 'conversationId');
      const activityId = requireText(request.activityId, 'activityId');
      const lane = toBaseConversationId(conversationId);
      if (idempotencyKey !== null) throw new Error('outbox: updates are coalesced, not keyed; leave idempotencyKey out');
      return { ...base, op: 'update', lane, conversationId, activityId, coalesceKey: `${lane}|${activityId}` };
    }
    case 'createPersonal': {
      const userId = requireText(request.userId, 'userId');
      const botId = request.botId === undefined ? null : requireText(request.botId, 'botId');
      return { ...base, op: 'createPersonal', lane: `user:${tenantId}:${userId}`, conversationId: null, userId, botId };
    }
    default:
      throw new Error(`outbox: unknown op ${(request as { op?: unknown }).op as string}`);
  }
}

export function toStatus(row: OutboxRow): OutboxMessageStatus {
  const pending = row.status === 'queued' || row.status === 'retrying';
  return {
    id: row.id,
    op: row.op,
    tenantId: row.tenantId,
    conversationId: row.conversationId,
    status: row.status,
    failureReason: row.failureReason,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    sentActivityId: row.sentActivityId,
    possibleDuplicate: row.possibleDuplicate,
    idempotencyKey: row.idempotencyKey,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    nextAttemptAt: pending ? row.nextAttemptAt : null,
  };
}

/** An Adaptive Card as the activity to send (so features need not import botbuilder). */
export function toCardActivity(card: object, options: { summary?: string } = {}): OutboxActivity {
  return {
    type: 'message',
    ...(options.summary ? { summary: options.summary } : {}),
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function describeError(err: unknown): string {
  if (err instanceof Error) return truncate(`${err.name}: ${err.message}`, 300);
  return truncate(String(err), 300);
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
