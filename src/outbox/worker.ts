// The outbox's workers: pg-boss workers on OUTBOX_QUEUE. A job names a lane; the worker that takes
// it sends that lane's messages one at a time, in order, as fast as the shared limiter allows
// (claim the head, attempt it, next), and leaves the lane to someone whenever it stops.
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { isConnectionError, type DatabaseHealth, type Db } from '../db/pool.js';
import type { Claim } from './attempt.js';
import { claimHead, type ClaimSettings } from './store.js';
import type { Lifecycle, OutboxTuning } from './tuning.js';
import { DUE_PRIORITY, OUTBOX_QUEUE, type JobData, type LocalWorkers, type WakeUps } from './wakeups.js';

const MAX_PER_DRAIN = 50;
/** Limiter waits up to this long are slept through in the worker instead of scheduling a job. */
const SHORT_WAIT_MS = 150;

export interface WorkerDeps {
  db: Db;
  boss: PgBoss;
  log: Logger;
  tuning: OutboxTuning;
  claimSettings: ClaimSettings;
  life: Lifecycle;
  health: DatabaseHealth;
  workers: LocalWorkers;
  wakeUps: Pick<WakeUps, 'wake' | 'wakeAt' | 'scheduleLane' | 'sendWakeUp'>;
  attempt(claim: Claim): Promise<void>;
}

export function createWorker(deps: WorkerDeps) {
  const { db, boss, log, life, workers, wakeUps, tuning: t } = deps;
  const inflight = new Set<Promise<void>>();
  /** Lanes this instance's workers are draining now (enqueue's written() relies on them). */
  const draining = new Map<string, { drains: number; again: boolean }>();

  async function handle(workerId: string, jobs: Array<PgBoss.Job<JobData>>): Promise<void> {
    const w = workers.get(workerId);
    if (w) w.busy = true;
    wakeUps.wake(); // more jobs may be waiting: let another idle worker look
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
      if (isConnectionError(err)) deps.health.suspect(err);
      throw err;
    } finally {
      inflight.delete(work);
      if (w) w.busy = false;
      // Fetch again at once rather than after the polling interval (an empty fetch then sleeps).
      if (!life.stopped) boss.notifyWorker(workerId);
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
      if (state.again) void wakeUps.sendWakeUp(lane);
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
      if (life.stopped) {
        await boss.send(OUTBOX_QUEUE, { lane } satisfies JobData); // another instance carries on
        return;
      }
      const c = await claimHead(db, lane, deps.claimSettings);
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
          wakeUps.wakeAt(1_010);
          return;
        case 'throttled': {
          const waitMs = c.dueAtMs - c.nowMs;
          log.debug({ lane, outbox: c.id, waitMs: Math.round(waitMs) }, 'held back by the rate limiter');
          if (waitMs <= SHORT_WAIT_MS) {
            // A short wait costs less in this worker than a wake-up job and a fetch.
            await sleep(waitMs + 2);
            continue;
          }
          await wakeUps.scheduleLane(lane, c.id, c.dueAtMs, c.nowMs);
          return;
        }
        case 'gaveUp':
          log.warn({ outbox: c.row.id, tenant: c.row.tenantId, lane }, 'message failed: its last attempt was lost with its worker');
          continue;
        case 'claimed':
          await deps.attempt(c);
          continue;
      }
    }
    await boss.send(OUTBOX_QUEUE, { lane } satisfies JobData); // long lane: give other lanes a turn
  }

  return {
    /** Registers this instance's workers with pg-boss. */
    async start(): Promise<void> {
      for (let i = 0; i < Math.max(1, t.workers); i++) {
        let id = '';
        id = await boss.work<JobData>(OUTBOX_QUEUE, { pollingIntervalSeconds: t.pollingIntervalSeconds, batchSize: 1 }, (jobs) => handle(id, jobs));
        workers.set(id, { busy: false });
      }
    },

    /**
     * A message was written into `lane`: when a worker of this instance is draining it, that worker
     * looks once more before leaving it (true), and no wake-up job is needed.
     */
    lookAgainIfDraining(lane: string): boolean {
      const drain = draining.get(lane);
      if (!drain) return false;
      drain.again = true;
      return true;
    },

    /** Stops fetching jobs. */
    async stopWorking(): Promise<void> {
      for (const id of workers.keys()) await boss.offWork({ id });
    },

    /** Waits up to timeoutMs for attempts in flight; how many were still running. */
    async waitForAttempts(timeoutMs: number): Promise<number> {
      if (inflight.size === 0) return 0;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        Promise.allSettled([...inflight]).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      return gaveUp ? inflight.size : 0;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
