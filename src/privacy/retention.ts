// Retention (docs/privacy.md): every day at 03:30 (Europe/Amsterdam) each holder removes or
// pseudonymises what is older than the policy (RETENTION_<KIND>_DAYS) says, in short transactions of
// at most `limit` rows per kind, until every kind reports 0; then tenants whose deletion is due go.
// The clock is the `now` passed in: the job passes the time it runs, tests their own.
import type { Logger } from 'pino';
import { inTransaction, type Db } from '../db/pool.js';
import type { PgBoss } from '../jobs/boss.js';
import type { PersonalDataHolder, RetentionPolicy } from './ports.js';

export const RETENTION_QUEUE = 'privacy-daily';
/** Every day at 03:30 Amsterdam time: after midnight's work, before the 06:00 and 08:00 jobs. */
export const RETENTION_CRON = '30 3 * * *';
export const DEFAULT_RETENTION_LIMIT = 500;
/** A bound on rounds (each at most `limit` rows per kind): a holder that never reaches 0 cannot hold the job forever. */
const MAX_ROUNDS = 10_000;

export interface RetentionRun {
  /** Rows removed or pseudonymised per section and kind (counts only). */
  counts: Record<string, Record<string, number>>;
  rounds: number;
  /** Sections whose retention failed this time (logged; tried again at the next run). */
  failed: string[];
}

/**
 * Applies the policy through every holder: round after round, each holder in its own short
 * transaction, until all its kinds return 0 (a holder that is done is not asked again).
 */
export async function runRetention(
  db: Db,
  holders: readonly PersonalDataHolder[],
  now: Date,
  policy: Readonly<RetentionPolicy>,
  options: { limit?: number; log?: Pick<Logger, 'info' | 'error'> } = {},
): Promise<RetentionRun> {
  const limit = options.limit ?? DEFAULT_RETENTION_LIMIT;
  const counts: RetentionRun['counts'] = {};
  let busy = [...holders];
  let rounds = 0;
  const failed: string[] = [];
  while (busy.length > 0 && rounds < MAX_ROUNDS) {
    rounds += 1;
    const next: PersonalDataHolder[] = [];
    for (const h of busy) {
      let r: Record<string, number>;
      try {
        r = await inTransaction(db, (tx) => h.applyRetention(tx, now, policy, limit));
      } catch (err) {
        // One holder's failure does not keep the others' retention back; it is tried again tomorrow.
        options.log?.error({ err, section: h.section }, 'retention failed for one part');
        failed.push(h.section);
        continue;
      }
      const section = (counts[h.section] ??= {});
      let any = false;
      for (const [kind, n] of Object.entries(r)) {
        section[kind] = (section[kind] ?? 0) + n;
        if (n > 0) any = true;
      }
      if (any) next.push(h);
    }
    busy = next;
  }
  options.log?.info({ counts, rounds, ...(failed.length > 0 ? { failed } : {}) }, 'retention applied');
  return { counts, rounds, failed };
}

export interface DailyPrivacyDeps {
  db: Db;
  holders: () => readonly PersonalDataHolder[];
  policy: Readonly<RetentionPolicy>;
  /** Deletes the tenants whose scheduled deletion is due (src/privacy/tenant.ts). */
  deleteDueTenants(now: Date): Promise<number>;
  log: Pick<Logger, 'info' | 'error'>;
  limit?: number;
}

/** The daily privacy work for one moment: retention, then due tenant deletions. */
export function createDailyPrivacy(deps: DailyPrivacyDeps) {
  async function run(now: Date): Promise<{ retention: RetentionRun; tenantsDeleted: number }> {
    const retention = await runRetention(deps.db, deps.holders(), now, deps.policy, { limit: deps.limit, log: deps.log });
    const tenantsDeleted = await deps.deleteDueTenants(now);
    if (tenantsDeleted > 0) deps.log.info({ tenantsDeleted }, 'scheduled tenant deletions carried out');
    return { retention, tenantsDeleted };
  }

  /** The pg-boss cron job (one instance runs it). A job may name its moment (`{ now: ISO }`), for tests and operators. */
  async function registerJobs(boss: PgBoss): Promise<void> {
    await boss.createQueue(RETENTION_QUEUE, { name: RETENTION_QUEUE, expireInSeconds: 3 * 3600 }); // a large first run may take a while
    await boss.schedule(RETENTION_QUEUE, RETENTION_CRON, {}, { tz: 'Europe/Amsterdam' });
    await boss.work<{ now?: string }>(RETENTION_QUEUE, async (jobs) => {
      for (const job of jobs) {
        const named = typeof job.data?.now === 'string' ? new Date(job.data.now) : null;
        await run(named && !Number.isNaN(named.getTime()) ? named : new Date());
      }
    });
  }

  return { run, registerJobs };
}
