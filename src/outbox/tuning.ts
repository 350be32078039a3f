// The outbox's tuning: what has no environment variable (docs/outbox.md, "Configuration").
import { DEFAULT_RETRY_POLICY, TEAMS_THREAD_WINDOWS, type RateWindow } from './model.js';

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

/** Whether the outbox has started and whether it is stopping: shared by its parts, set by createOutbox. */
export interface Lifecycle {
  started: boolean;
  stopped: boolean;
}
