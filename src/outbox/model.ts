// The outbox's rules, without I/O: Teams' rate windows, when the next request may go, which failures
// are retried and after how long. Time and randomness are passed in (no Date.now, no Math.random).

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
  | 'unknown_renderer'; //    an update or send names a renderer nobody registered

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
  /** True when the attempt failed before any request was made (e.g. the renderer threw). */
  beforeRequest?: boolean;
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
