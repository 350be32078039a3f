// The outbox's domain, without I/O: its messages and requests, Teams' rate windows, when the next
// request may go, which failures are retried and after how long, what an attempt's answer means.
// Time and randomness are passed in (no Date.now, no Math.random).
import type { OutboxActivity, TransportResult } from './transport.js';

/** At most `max` requests in any `ms` long stretch of time. */
export interface RateWindow {
  readonly ms: number;
  readonly max: number;
}

/**
 * Per bot per thread (a 1:1 chat, a group chat or a channel), for "send to conversation" and
 * "create conversation" — Microsoft Learn, "Optimize your bot with rate limiting in Teams"
 * (msteams-platform/bots/how-to/rate-limit.md). Updates count against the same budget
 * (MicrosoftDocs/msteams-docs#1719, #3217).
 */
export const TEAMS_THREAD_WINDOWS: readonly RateWindow[] = Object.freeze([
  { ms: 1_000, max: 7 },
  { ms: 2_000, max: 8 },
  { ms: 30_000, max: 60 },
  { ms: 3_600_000, max: 1_800 },
]);

/** The app-wide ceiling per tenant (the same page: 50 requests per second per app per tenant). */
export function tenantWindows(perSecond: number): RateWindow[] {
  return [{ ms: 1_000, max: Math.max(1, Math.floor(perSecond)) }];
}

export function longestWindowMs(windows: readonly RateWindow[]): number {
  return windows.reduce((m, w) => Math.max(m, w.ms), 0);
}

export interface NextAllowedOptions {
  /** Widens every window by this much, as a safety margin against clock and transit differences. */
  marginMs?: number;
  /** How many requests must fit (create-personal makes two). Default 1. */
  cost?: number;
}

/**
 * The earliest time (ms, ≥ nowMs) at which `cost` more requests fit in every window, given the times
 * of the requests already made. A request made at t counts in a window of length W until t + W.
 * Times need not be sorted; times after nowMs count as in every window.
 */
export function nextAllowedAt(
  sendTimesMs: readonly number[],
  nowMs: number,
  windows: readonly RateWindow[] = TEAMS_THREAD_WINDOWS,
  options: NextAllowedOptions = {},
): number {
  const margin = Math.max(0, options.marginMs ?? 0);
  const cost = Math.max(1, Math.floor(options.cost ?? 1));
  let at = nowMs;
  for (const w of windows) {
    const length = w.ms + margin;
    const inWindow = sendTimesMs.filter((t) => t > nowMs - length).sort((a, b) => a - b);
    const mustLeave = inWindow.length + Math.min(cost, w.max) - w.max;
    if (mustLeave <= 0) continue;
    // The mustLeave oldest requests in this window have to leave it first.
    at = Math.max(at, (inWindow[mustLeave - 1] as number) + length);
  }
  return at;
}

/**
 * What the shared limiter tells the head of a lane that is due.
 *
 * Real requests are what Teams counts, and only they decide whether a request may go now, so the
 * windows hold whatever else happens. When the tenant's ceiling is what holds a message back, it also
 * takes a place in the tenant's queue: a reservation at the next slot after the last reservation.
 * That spreads a large fan-out over distinct wake-up times (instead of every waiting conversation
 * waking at the same moment and trying again), and keeps it first come, first served: a message
 * without a place does not go ahead of the queue, a message with one keeps it until it goes.
 */
export interface LimiterInput {
  nowMs: number;
  /** Times of the real requests in this lane (conversation). */
  laneTimes: readonly number[];
  /** Times of the real requests of the tenant (all lanes, all instances). */
  tenantTimes: readonly number[];
  /** Reservations of other messages of the tenant that are still ahead (times after now). */
  tenantQueue: readonly number[];
  /** This message holds a place in the tenant's queue (its reservation is due). */
  holdsPlace: boolean;
  /** Requests this attempt makes (create-personal makes two). */
  cost: number;
  laneWindows: readonly RateWindow[];
  tenantWindows: readonly RateWindow[];
  marginMs: number;
}

export type LimiterDecision =
  | { kind: 'go' }
  /**
   * Wait until untilMs. `reserve`: take a place in the tenant's queue at untilMs. `keepPlace`: keep
   * the place already held. Neither: wait without a place (only the conversation's own windows hold it back).
   */
  | { kind: 'wait'; untilMs: number; reserve: boolean; keepPlace: boolean };

export function decideLimiter(input: LimiterInput): LimiterDecision {
  const { nowMs: now, marginMs } = input;
  const laneAt = nextAllowedAt(input.laneTimes, now, input.laneWindows, { marginMs });
  const tenantAt = nextAllowedAt(input.tenantTimes, now, input.tenantWindows, { marginMs, cost: input.cost });
  const free = laneAt <= now && tenantAt <= now;
  if (input.holdsPlace) {
    return free ? { kind: 'go' } : { kind: 'wait', untilMs: Math.max(laneAt, tenantAt), reserve: false, keepPlace: true };
  }
  if (free && input.tenantQueue.length === 0) return { kind: 'go' };
  if (tenantAt > now || input.tenantQueue.length > 0) {
    // The next slot after the last place in the queue; appending in time order keeps every window exact.
    const base = Math.max(now, ...input.tenantQueue);
    const slot = nextAllowedAt([...input.tenantTimes, ...input.tenantQueue], base, input.tenantWindows, { marginMs, cost: input.cost });
    return { kind: 'wait', untilMs: Math.max(slot, laneAt), reserve: true, keepPlace: false };
  }
  return { kind: 'wait', untilMs: laneAt, reserve: false, keepPlace: false };
}

// ---------------------------------------------------------------------------------------------
// Failures and retries
// ---------------------------------------------------------------------------------------------

export type OutboxOp = 'send' | 'update' | 'createPersonal';

/** Why a message ended as failed. Stable strings: they are stored and shown on /readyz. */
export type FailureReason =
  | 'blocked' //              403: the user blocked the bot or the app was uninstalled
  | 'deleted' //              404 on an update: the message no longer exists
  | 'conversation_not_found' // 404 on a send or create
  | 'too_large' //            413: over Teams' message size limit
  | 'rejected' //             any other final status (400, 401, 405, 501 …)
  | 'max_attempts' //         retryable failures until maxAttempts was used up
  | 'unknown_renderer' //     an update or send names a renderer nobody registered
  | 'bad_render_args'; //     its stored arguments do not match its renderer's schema (an older release, a hand edit)

export interface AttemptFailure {
  /** HTTP status, when Teams answered. */
  status?: number;
  /** From Retry-After, when present. */
  retryAfterMs?: number;
  /** Short description (error code and message), never card content. */
  error: string;
  /**
   * True when the request may have reached Teams although no answer came (a timeout, a connection
   * reset after sending). A later attempt may then duplicate the message.
   */
  outcomeUnknown?: boolean;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** First backoff (attempt 1); doubles per attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Retry-After is honoured up to this much. */
  retryAfterCapMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  retryAfterCapMs: 2 * 60_000,
});

export type FailureDecision =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'fail'; reason: FailureReason; deactivateReference: boolean };

/**
 * Transient statuses. Teams' rate-limit page says to retry 429, 412, 502 and 504; 503 and 500 are
 * transient server errors as well (the SDK's own pipeline retries them too), 408 is a timeout.
 */
const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE.has(status);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread but never bunch at 0. */
export function backoffDelayMs(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const n = Math.max(1, Math.floor(attempt));
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(n - 1, 30));
  return Math.round(exp / 2 + clamp01(random()) * (exp / 2));
}

/** How long to wait after a failure that carried Retry-After: that long (capped) plus up to 10 % jitter. */
export function retryAfterDelayMs(retryAfterMs: number, capMs: number, random: () => number): number {
  const base = Math.min(Math.max(0, retryAfterMs), capMs);
  return Math.round(base + clamp01(random()) * base * 0.1);
}

/**
 * What to do after attempt number `attempt` (1-based, already counted) failed.
 * 403 and 404 are final; other 4xx are final; transient statuses and network errors are retried
 * until maxAttempts, honouring Retry-After.
 */
export function decideAfterFailure(
  op: OutboxOp,
  failure: AttemptFailure,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): FailureDecision {
  const status = failure.status;
  if (status !== undefined && !isRetryableStatus(status)) {
    if (status === 403) return { kind: 'fail', reason: 'blocked', deactivateReference: op !== 'update' };
    if (status === 404) return { kind: 'fail', reason: op === 'update' ? 'deleted' : 'conversation_not_found', deactivateReference: false };
    if (status === 413) return { kind: 'fail', reason: 'too_large', deactivateReference: false };
    return { kind: 'fail', reason: 'rejected', deactivateReference: false };
  }
  if (attempt >= policy.maxAttempts) return { kind: 'fail', reason: 'max_attempts', deactivateReference: false };
  const delayMs =
    failure.retryAfterMs !== undefined
      ? retryAfterDelayMs(failure.retryAfterMs, policy.retryAfterCapMs, random)
      : backoffDelayMs(attempt, policy, random);
  return { kind: 'retry', delayMs };
}

/**
 * Retry-After as milliseconds: either delay-seconds ("120", decimals tolerated) or an HTTP-date
 * (RFC 9110 §10.2.3), relative to nowMs. Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (!/[a-z]/i.test(v)) return undefined; // "-5", "1e3" and other non-dates
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The rate-limit key of a conversation: a channel's threads (`…;messageid=…`) count against the
 * channel, as Teams counts per thread = per channel.
 */
export function toBaseConversationId(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i === -1 ? conversationId : conversationId.slice(0, i);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

// ---------------------------------------------------------------------------------------------
// Messages: what features ask for, what is stored, what they are told
// ---------------------------------------------------------------------------------------------

export type OutboxStatusName = 'queued' | 'sending' | 'sent' | 'retrying' | 'failed';
export const OUTBOX_STATUSES: readonly OutboxStatusName[] = ['queued', 'sending', 'sent', 'retrying', 'failed'];

declare const RENDER_INSTRUCTION: unique symbol;

/**
 * "Render with this renderer and these (JSON) arguments when it is time to send." Made only by
 * `renderWith(definition, args)` (renderers.ts), which checks the arguments against the renderer's
 * schema, at compile time and when enqueued; the brand keeps a hand-made `{ renderer, args }` out.
 * Stored as `{ renderer, args }`, as in every release before.
 */
export interface RenderInstruction {
  readonly renderer: string;
  readonly args: unknown;
  readonly [RENDER_INSTRUCTION]: true;
}

/** The stored payload: an activity as is, or a render instruction. `{}` once pruned. */
export type OutboxPayload =
  | { activity: Record<string, unknown> }
  | { render: { renderer: string; args: unknown } };

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

/** A message as stored (outbox_messages). */
export interface OutboxRow {
  id: number;
  tenantId: string;
  op: OutboxOp;
  lane: string;
  serviceUrl: string;
  conversationId: string | null;
  activityId: string | null;
  userId: string | null;
  botId: string | null;
  payload: OutboxPayload;
  idempotencyKey: string | null;
  coalesceKey: string | null;
  status: OutboxStatusName;
  failureReason: FailureReason | null;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  claimToken: string | null;
  /** The message's place(s) in its tenant's queue: reserved send-log entries. */
  reservationIds: string[] | null;
  outcomeUnknown: boolean;
  possibleDuplicate: boolean;
  lastStatus: number | null;
  lastError: string | null;
  sentActivityId: string | null;
  createdAt: Date;
  sentAt: Date | null;
  updatedAt: Date;
}

/** A message to insert: what a row holds before the outbox has worked on it. */
export type NewMessage = Pick<
  OutboxRow,
  'tenantId' | 'op' | 'lane' | 'serviceUrl' | 'conversationId' | 'activityId' | 'userId' | 'botId' | 'payload' | 'idempotencyKey' | 'coalesceKey'
>;

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

/** What `updateInStatement`'s insert returned. */
export interface WrittenUpdate {
  id: number | string;
  lane: string;
  created: boolean;
}

/** Counts by status, failures by reason, possible duplicates, the oldest pending message: for /readyz. */
export interface OutboxStats {
  byStatus: Record<OutboxStatusName, number>;
  failedByReason: Record<string, number>;
  possibleDuplicates: number;
  oldestPendingSeconds: number | null;
}

const ID_MAX = 500;

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

// ---------------------------------------------------------------------------------------------
// Claims and attempts
// ---------------------------------------------------------------------------------------------

/** How many requests an attempt makes: createPersonal creates the chat and then sends into it. */
export function requestsOf(row: Pick<OutboxRow, 'op' | 'conversationId'>): number {
  return row.op === 'createPersonal' && row.conversationId === null ? 2 : 1;
}

/** Why the head of a lane cannot be claimed now: a live worker is sending it, or it is not due yet. */
export type HeadWait = { kind: 'busy' } | { kind: 'notDue'; id: number; dueAtMs: number; nowMs: number };

export function headWait(row: Pick<OutboxRow, 'id' | 'status' | 'leaseUntil' | 'nextAttemptAt'>, nowMs: number): HeadWait | null {
  if (row.status === 'sending' && row.leaseUntil !== null && row.leaseUntil.getTime() > nowMs) return { kind: 'busy' };
  if (row.status !== 'sending' && row.nextAttemptAt.getTime() > nowMs) return { kind: 'notDue', id: row.id, dueAtMs: row.nextAttemptAt.getTime(), nowMs };
  return null;
}

/** What an attempt came to: Teams' answer, or a render instruction the outbox could not use. */
export type AttemptResult = TransportResult | { ok: false; refused: 'unknown_renderer' | 'bad_render_args'; error: string };

/** What is recorded after an attempt. */
export type AttemptOutcome =
  | { kind: 'sent'; status?: number; activityId: string | null; conversationId: string | null }
  | { kind: 'retry'; delayMs: number; status: number | null; error: string; outcomeUnknown: boolean; conversationId: string | null }
  | { kind: 'failed'; reason: FailureReason; status: number | null; error: string; outcomeUnknown: boolean; conversationId: string | null; deactivateReference: boolean };

/**
 * An attempt's result as the outcome to record: sent; a render instruction refused for good, with
 * its reason (no request was made); or Teams' failure, retried or final (decideAfterFailure).
 */
export function toAttemptOutcome(
  row: Pick<OutboxRow, 'op' | 'conversationId' | 'attempts'>,
  result: AttemptResult,
  policy: RetryPolicy,
  random: () => number,
): AttemptOutcome {
  if (result.ok) {
    return {
      kind: 'sent',
      ...(result.status !== undefined ? { status: result.status } : {}),
      activityId: result.activityId ?? null,
      conversationId: result.conversationId ?? (row.op === 'createPersonal' ? row.conversationId : null),
    };
  }
  if ('refused' in result) {
    return { kind: 'failed', reason: result.refused, status: null, error: truncate(result.error, 500), outcomeUnknown: false, conversationId: null, deactivateReference: false };
  }
  const failure: AttemptFailure = {
    error: truncate(result.error, 500),
    ...(result.status !== undefined ? { status: result.status } : {}),
    ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    ...(result.outcomeUnknown ? { outcomeUnknown: true } : {}),
  };
  const decision = decideAfterFailure(row.op, failure, row.attempts, policy, random);
  const common = {
    status: result.status ?? null,
    error: failure.error,
    outcomeUnknown: result.outcomeUnknown === true && row.op !== 'update',
    conversationId: result.conversationId ?? null,
  };
  return decision.kind === 'retry'
    ? { kind: 'retry', delayMs: decision.delayMs, ...common }
    : { kind: 'failed', reason: decision.reason, deactivateReference: decision.deactivateReference, ...common };
}

/** An error as a short line for lastError and logs (its name and message, never a payload). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return truncate(`${err.name}: ${err.message}`, 300);
  return truncate(String(err), 300);
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
