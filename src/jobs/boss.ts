// Durable jobs in PostgreSQL with pg-boss: reminders, fan-out, closing, the outbox. Features register
// their own queues and workers through Jobs.
//
// pg-boss runs on a pool of ours (application_name cadans-jobs), not its own, for what happens when
// the database drops every connection (failover, maintenance; docs/architecture.md, "Database
// failover"). pg-boss 10 itself copes with most of it: a worker's fetch swallows errors and polls
// again, maintenance and cron report on 'error' and try again at their next interval. What it does
// not cope with: the completion (or failure) of a job whose handler has returned is fired and not
// awaited, so a database that is gone at that moment is an unhandled rejection, and the job stays
// active until it expires (15 minutes and more). Here such a settlement waits for the database and
// is recorded once it is back.
import { createRequire } from 'node:module';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { createPool, databaseHealth, isConnectionError, type Db } from '../db/pool.js';

export type { PgBoss };

export interface Jobs {
  boss: PgBoss;
  /** The jobs' own pool (application_name cadans-jobs). */
  db: Db;
  isRunning(): boolean;
  stop(): Promise<void>;
}

const SCHEMA = 'pgboss';
export const JOBS_APPLICATION_NAME = 'cadans-jobs';
/** How long a job's completion or failure waits for the database to come back before it is left to pg-boss's expiry. */
const SETTLE_PATIENCE_MS = 120_000;

interface PgBossPlans {
  completeJobs(schema: string): string;
  failJobsById(schema: string): string;
}

// The exact statements pg-boss completes and fails fetched jobs with (pg-boss/src/plans.js).
const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as PgBossPlans;
const SETTLEMENTS = new Set([plans.completeJobs(SCHEMA), plans.failJobsById(SCHEMA)]);

/** Whether a statement is pg-boss completing or failing jobs (exported for its test). */
export function isJobSettlement(text: string): boolean {
  return SETTLEMENTS.has(text);
}

export interface JobsOptions {
  /**
   * Finished jobs are kept this many days (RETENTION_JOBS_DAYS, docs/privacy.md; 0: kept): pg-boss
   * moves them to its archive after 12 hours and deletes them from there after this, and the daily
   * retention job (src/privacy/retention.ts, src/jobs/personal-data.ts) removes what is older.
   */
  finishedJobsDays?: number;
}

/** pg-boss's archive and deletion options for a retention in days (0: keep; pg-boss wants at least a day, so a century). */
export function archiveOptions(finishedJobsDays: number): { archiveCompletedAfterSeconds: number; deleteAfterDays: number } {
  return { archiveCompletedAfterSeconds: 12 * 3600, deleteAfterDays: finishedJobsDays > 0 ? Math.max(1, Math.ceil(finishedJobsDays)) : 36_500 };
}

export async function startJobs(connectionString: string, log: Logger, options: JobsOptions = {}): Promise<Jobs> {
  const db = createPool(connectionString, log, 5, JOBS_APPLICATION_NAME);
  const health = databaseHealth(db);
  let running = false;
  let stopping = false;

  /** Resolves when the database answers again (or at once when it is not known to be down), false when giving up. */
  const backOrGiveUp = (untilMs: number) =>
    new Promise<boolean>((resolve) => {
      if (!health.down) {
        // Down without anyone having noticed yet (the failed settlement was the first to see it):
        // a short pause, then try.
        setTimeout(() => resolve(true), 250).unref?.();
        return;
      }
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, Math.max(0, untilMs - Date.now()));
      timer.unref?.();
      const off = health.onBack(() => {
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });

  const executeSql = async (text: string, values: unknown[]) => {
    // As pg-boss's own pool does once closed: no answer (a job finishing after stop() stays active
    // and is retried when it expires), not a rejection nobody awaits.
    if (db.ending) return undefined as unknown as { rows: unknown[] };
    try {
      return await db.query(text, values);
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      health.suspect(err);
      if (!isJobSettlement(text)) throw err;
      // pg-boss does not await this: record it once the database is back.
      const until = Date.now() + SETTLE_PATIENCE_MS;
      while (!stopping && Date.now() < until) {
        if (!(await backOrGiveUp(until)) || stopping) break;
        try {
          return await db.query(text, values);
        } catch (again) {
          if (!isConnectionError(again)) throw again;
          health.suspect(again);
        }
      }
      log.warn({ err }, 'a job’s completion could not be recorded while the database was unreachable; pg-boss retries the job when it expires');
      return { rows: [{ count: '0' }], rowCount: 0 };
    }
  };

  const boss = new PgBoss({
    db: { executeSql },
    schema: SCHEMA,
    // Maintenance (archiving, expiring) runs in whichever instance gets there first.
    supervise: true,
    schedule: true,
    ...archiveOptions(options.finishedJobsDays ?? 7),
  });
  boss.on('error', (err) => {
    // While the database is gone every interval (maintenance, cron, clock) reports it: the pool has
    // logged the outage once.
    if (isConnectionError(err)) {
      health.suspect(err);
      log.debug({ err }, 'job queue: database unreachable');
    } else log.error({ err }, 'job queue error');
  });
  try {
    await boss.start();
  } catch (err) {
    await db.end().catch(() => undefined);
    throw err;
  }
  running = true;
  return {
    boss,
    db,
    isRunning: () => running,
    async stop() {
      if (!running) return;
      running = false;
      stopping = true;
      try {
        await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
      } finally {
        await db.end();
      }
    },
  };
}
