// GET /readyz: whether this instance should get traffic, cheap enough for a load balancer to poll
// every second. Per poll at most one `select 1` (none while the pool knows the database is down),
// bounded by a short timeout so an unreachable database does not hang the probe. The migrations are
// checked until they have once passed (they only ever add: once current, current for this process);
// the outbox's counts for operators are read at most every statsMaxAgeMs, also bounded.
import type { Readiness } from './server.js';
import { databaseHealth, type Db } from './db/pool.js';

export interface ReadinessDeps {
  db: Db;
  pendingMigrations(): Promise<number>;
  jobsRunning(): boolean;
  /** Counts for operators (the outbox's); they never make the instance unready. */
  outboxStats(): Promise<unknown>;
  /** Bound on the database check and the stats read. Default 1000 ms. */
  timeoutMs?: number;
  /** Outbox counts are reused this long. Default 5000 ms. */
  statsMaxAgeMs?: number;
  now?: () => number;
}

class TimedOut extends Error {}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new TimedOut(`no answer within ${ms} ms`)), ms);
      timer.unref?.();
    }),
  ]).finally(() => clearTimeout(timer));
}

export function createReadiness(deps: ReadinessDeps): () => Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 1_000;
  const statsMaxAgeMs = deps.statsMaxAgeMs ?? 5_000;
  const now = deps.now ?? Date.now;
  const health = databaseHealth(deps.db);
  let migrationsPassed = false;
  let stats: { value: unknown; at: number } | null = null;
  let statsReading: Promise<void> | null = null;
  let inFlight: Promise<Readiness> | null = null;

  async function databaseOk(): Promise<boolean> {
    if (health.down) return false; // the pool's probe tells when it is back
    try {
      await within(deps.db.query('select 1'), timeoutMs);
      return true;
    } catch (err) {
      health.suspect(err);
      return false;
    }
  }

  function readStats(): Promise<void> {
    statsReading ??= within(deps.outboxStats(), timeoutMs)
      .then(
        (value) => {
          stats = { value, at: now() };
        },
        () => {
          // Keep the last counts; they say how old they are.
        },
      )
      .finally(() => {
        statsReading = null;
      });
    return statsReading;
  }

  async function check(): Promise<Readiness> {
    const checks: Record<string, unknown> = {};
    let ready = true;
    const dbOk = await databaseOk();
    checks.database = dbOk ? 'ok' : 'unreachable';
    if (!dbOk) ready = false;
    if (migrationsPassed) checks.migrations = 'ok';
    else if (!dbOk) checks.migrations = 'unknown';
    else {
      const pending = await within(deps.pendingMigrations(), timeoutMs).catch(() => null);
      if (pending === 0) migrationsPassed = true;
      checks.migrations = pending === null ? 'unknown' : pending === 0 ? 'ok' : `${pending} pending`;
      if (pending !== 0) ready = false;
    }
    const jobs = deps.jobsRunning();
    checks.jobs = jobs ? 'ok' : 'stopped';
    if (!jobs) ready = false;
    // outbox: counts and failure reasons for operators; failed messages do not make Cadans unready.
    if (dbOk && (!stats || now() - stats.at >= statsMaxAgeMs)) await readStats();
    checks.outbox = stats ? stats.value : 'unavailable';
    if (stats && now() - stats.at >= statsMaxAgeMs) checks.outboxAgeSeconds = Math.round((now() - stats.at) / 1000);
    return { ready, checks };
  }

  // Polls that arrive together share one check.
  return () => {
    inFlight ??= check().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
