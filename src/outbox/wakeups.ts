// Waking the outbox's workers: pg-boss jobs that name a lane (now, or at the time a lane is due),
// local timers so this instance is on time, the sweep that gives a stalled lane a job again, and
// the recovery after the database was unreachable.
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import { longestWindowMs } from './model.js';
import type { Listener } from './listener.js';
import { findStalledHeads, prune, type LimiterSettings } from './store.js';
import type { Lifecycle, OutboxTuning } from './tuning.js';

export const OUTBOX_QUEUE = 'outbox.deliver';

/** A job on OUTBOX_QUEUE: work this lane (`id`, the message it was sent for, only tells a reader). */
export interface JobData {
  lane: string;
  id?: number;
}

/**
 * Jobs for a lane that waited (limiter, retry) are fetched before fresh enqueue jobs: a message that
 * is due at its place in the queue must not wait behind a burst of new messages (pg-boss fetches by
 * priority, then creation time).
 */
export const DUE_PRIORITY = 1;

/** This instance's pg-boss workers, by id, and whether each is working a job now. */
export type LocalWorkers = Map<string, { busy: boolean }>;

export interface WakeUpsDeps {
  db: Db;
  boss: PgBoss;
  log: Logger;
  tuning: OutboxTuning;
  life: Lifecycle;
  workers: LocalWorkers;
  listener: Listener;
  /** The limiter's windows: the send log is pruned beyond the longest. */
  limiter: LimiterSettings;
}

export interface WakeUps {
  /** Makes one idle local worker fetch now instead of at its next poll. */
  wake(): void;
  /** Makes every idle local worker fetch now. */
  wakeAll(): void;
  /** wake() after delayMs (a local timer; cleared on stop). */
  wakeAt(delayMs: number): void;
  /** A wake-up job for the lane at dueAtMs (database clock), plus a local timer so this instance is on time. */
  scheduleLane(lane: string, id: number | undefined, dueAtMs: number, nowMs: number): Promise<void>;
  /** A wake-up job for a lane, now; never throws (the sweep catches up a lost one). */
  sendWakeUp(lane: string, id?: number): Promise<void>;
  /** Gives every lane whose head is stalled for graceMs a job; prunes at most once a minute. */
  sweep(graceMs: number): Promise<void>;
  /** The sweep every sweepIntervalMs, until stop. */
  startSweeping(): void;
  /** After the database was unreachable: every due lane gets a job, every idle worker looks, the listener is back. */
  recover(): Promise<void>;
  /** Stopping: clears the sweep and the timers. */
  stop(): void;
  /** Waits for sendWakeUp calls still sending their job. */
  settle(): Promise<void>;
}

export function createWakeUps(deps: WakeUpsDeps): WakeUps {
  const { db, boss, log, life, workers, tuning: t } = deps;
  const timers = new Set<NodeJS.Timeout>();
  const pendingWakeUps = new Set<Promise<void>>();
  let sweepTimer: NodeJS.Timeout | null = null;
  let lastPrune = 0;

  function wake(): void {
    if (!life.started || life.stopped) return;
    for (const [id, w] of workers) {
      if (!w.busy) {
        boss.notifyWorker(id);
        return;
      }
    }
  }

  function wakeAll(): void {
    if (!life.started || life.stopped) return;
    for (const [id, w] of workers) if (!w.busy) boss.notifyWorker(id);
  }

  function wakeAt(delayMs: number): void {
    if (life.stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      wake();
    }, Math.max(0, delayMs));
    timer.unref?.();
    timers.add(timer);
  }

  async function scheduleLane(lane: string, id: number | undefined, dueAtMs: number, nowMs: number): Promise<void> {
    const data: JobData = id === undefined ? { lane } : { lane, id };
    // +1 ms: the job must not become visible before the message is due (timestamps round to ms).
    await boss.send(OUTBOX_QUEUE, data as object, { startAfter: new Date(Math.ceil(dueAtMs) + 1), priority: DUE_PRIORITY });
    wakeAt(dueAtMs - nowMs + 10);
  }

  async function sendWakeUp(lane: string, id?: number): Promise<void> {
    const work = (async () => {
      try {
        if (life.stopped) throw new Error('the outbox has stopped');
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

  async function sweep(graceMs: number): Promise<void> {
    const stalled = await findStalledHeads(db, graceMs);
    for (const h of stalled) await boss.send(OUTBOX_QUEUE, { lane: h.lane, id: h.id } satisfies JobData);
    if (stalled.length > 0) {
      log.info({ lanes: stalled.length }, 'sweep: re-queued stalled lanes');
      wake();
    }
    if (Date.now() - lastPrune > 60_000) {
      lastPrune = Date.now();
      const horizon = Math.max(longestWindowMs(deps.limiter.laneWindows), longestWindowMs(deps.limiter.tenantWindows)) + deps.limiter.marginMs + 60_000;
      await prune(db, { sendLogHorizonMs: horizon, keepPayloadDays: 7, keepRecordDays: 30 });
    }
  }

  function startSweeping(): void {
    if (life.stopped) return;
    sweepTimer = setTimeout(() => {
      sweepTimer = null;
      sweep(t.stalledAfterMs)
        .catch((err) => log.warn({ err }, 'outbox sweep failed'))
        .finally(startSweeping);
    }, t.sweepIntervalMs);
    sweepTimer.unref?.();
  }

  /**
   * After the database was unreachable: every due lane gets a job now (jobs fetched when the
   * connections dropped failed, or could not even be marked failed), every idle worker looks at
   * once, and the listener is back. Without this, a message whose job was lost would wait for the
   * sweep's stalledAfterMs.
   */
  async function recover(): Promise<void> {
    if (!life.started || life.stopped) return;
    log.info('database is back: re-queueing due lanes');
    await deps.listener.restart();
    await sweep(0).catch((err) => log.warn({ err }, 'outbox sweep after reconnecting failed'));
    wakeAll();
  }

  return {
    wake,
    wakeAll,
    wakeAt,
    scheduleLane,
    sendWakeUp,
    sweep,
    startSweeping,
    recover,
    stop() {
      if (sweepTimer) clearTimeout(sweepTimer);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    async settle() {
      await Promise.allSettled([...pendingWakeUps]);
    },
  };
}
