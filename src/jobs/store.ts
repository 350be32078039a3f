// SQL on pg-boss's own tables (schema pgboss: job, archive, schedule) for the privacy feature
// (docs/privacy.md): job data and output can hold ids (a 1:1 lane `user:<tenant>:<id>`, a mail's
// recipients), so jobs are part of a person's export and erase, of a tenant's deletion, and of
// retention. pg-boss itself runs its own statements (src/jobs/boss.ts); only this file writes ours.
import type { Queryable } from '../db/pool.js';

const SCHEMA = 'pgboss';
const FINISHED = `('completed', 'cancelled', 'failed')`;

export interface StoredJob {
  id: string;
  /** 'job' (pg-boss's queue) or 'archive'. */
  table: 'job' | 'archive';
  queue: string;
  state: string;
  data: unknown;
  output: unknown;
  singletonKey: string | null;
  createdOn: Date;
  completedOn: Date | null;
}

interface JobRow {
  id: string;
  tbl: 'job' | 'archive';
  name: string;
  state: string;
  data: unknown;
  output: unknown;
  singleton_key: string | null;
  created_on: Date;
  completed_on: Date | null;
}
const toJob = (r: JobRow): StoredJob => ({
  id: r.id,
  table: r.tbl,
  queue: r.name,
  state: r.state,
  data: r.data,
  output: r.output,
  singletonKey: r.singleton_key,
  createdOn: r.created_on,
  completedOn: r.completed_on,
});

const MATCHES = `(lower(coalesce(data::text, '')) like any($1::text[]) or lower(coalesce(output::text, '')) like any($1::text[])
  or lower(coalesce(singleton_key, '')) like any($1::text[]))`;

/** Whether pg-boss's tables exist yet (they do once it has started once). */
async function installed(q: Queryable): Promise<boolean> {
  const r = await q.query<{ t: string | null }>(`select to_regclass('${SCHEMA}.job')::text as t`);
  return r.rows[0]?.t !== null && r.rows[0]?.t !== undefined;
}

/** Jobs (queued, active, finished, archived) whose data, output or singleton key may hold one of the lower-case LIKE patterns. */
export async function jobsMatching(q: Queryable, patterns: readonly string[], limit: number): Promise<StoredJob[]> {
  if (patterns.length === 0 || !(await installed(q))) return [];
  const r = await q.query<JobRow>(
    `(select id::text, 'job' as tbl, name, state::text, data, output, singleton_key, created_on, completed_on from ${SCHEMA}.job where ${MATCHES} order by created_on limit $2)
     union all
     (select id::text, 'archive' as tbl, name, state::text, data, output, singleton_key, created_on, completed_on from ${SCHEMA}.archive where ${MATCHES} order by created_on limit $2)`,
    [patterns, limit],
  );
  return r.rows.map(toJob);
}

export function isFinished(job: Pick<StoredJob, 'table' | 'state'>): boolean {
  return job.table === 'archive' || ['completed', 'cancelled', 'failed'].includes(job.state);
}

/** Deletes jobs (from pg-boss's queue and archive) by id. */
export async function deleteJobs(q: Queryable, jobs: readonly Pick<StoredJob, 'id' | 'table'>[]): Promise<number> {
  let n = 0;
  for (const table of ['job', 'archive'] as const) {
    const ids = jobs.filter((j) => j.table === table).map((j) => j.id);
    if (ids.length === 0) continue;
    const r = await q.query(`delete from ${SCHEMA}.${table} where id = any($1::uuid[])`, [ids]);
    n += r.rowCount ?? 0;
  }
  return n;
}

/** Writes a queued job's data, output and singleton key back (an erased person's ids and name replaced). */
export async function rewriteJob(q: Queryable, id: string, job: { data: unknown; output: unknown; singletonKey: string | null }): Promise<number> {
  const r = await q.query(`update ${SCHEMA}.job set data = $2::jsonb, output = $3::jsonb, singleton_key = $4 where id = $1::uuid`, [
    id,
    job.data === null || job.data === undefined ? null : JSON.stringify(job.data),
    job.output === null || job.output === undefined ? null : JSON.stringify(job.output),
    job.singletonKey,
  ]);
  return r.rowCount ?? 0;
}

/** Cron schedules whose data may hold one of the patterns (features schedule with `{}`; checked all the same). */
export async function schedulesMatching(q: Queryable, patterns: readonly string[]): Promise<{ name: string; data: unknown }[]> {
  if (patterns.length === 0 || !(await installed(q))) return [];
  const r = await q.query<{ name: string; data: unknown }>(`select name, data from ${SCHEMA}.schedule where lower(coalesce(data::text, '')) like any($1::text[])`, [patterns]);
  return r.rows;
}

export async function rewriteSchedule(q: Queryable, name: string, data: unknown): Promise<number> {
  const r = await q.query(`update ${SCHEMA}.schedule set data = $2::jsonb where name = $1`, [name, JSON.stringify(data)]);
  return r.rowCount ?? 0;
}

/** Retention: finished jobs (completed, cancelled, failed; and the archive) finished before `before`, at most `limit` per table. */
export async function deleteFinishedJobsBefore(q: Queryable, before: Date, limit: number): Promise<number> {
  if (!(await installed(q))) return 0;
  const a = await q.query(
    `delete from ${SCHEMA}.job where id in (select id from ${SCHEMA}.job where state in ${FINISHED} and completed_on < $1 limit $2)`,
    [before, limit],
  );
  const b = await q.query(
    `delete from ${SCHEMA}.archive where id in (select id from ${SCHEMA}.archive where coalesce(completed_on, archived_on) < $1 limit $2)`,
    [before, limit],
  );
  return (a.rowCount ?? 0) + (b.rowCount ?? 0);
}
