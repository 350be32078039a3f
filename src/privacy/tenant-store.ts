// SQL of a tenant's leaving (docs/privacy.md): its scheduled deletion (tenant_deletions), and the
// read-only snapshot an operator's export is read in.
import type { Queryable } from '../db/pool.js';

/** The statement that makes the current transaction one consistent, read-only view (an export). */
export async function readOnlySnapshot(q: Queryable): Promise<void> {
  await q.query('set transaction isolation level repeatable read, read only');
}

/** The tenant's data is due for deletion at `dueAt` (a later uninstall moves the moment). */
export async function scheduleDeletion(q: Queryable, tenantId: string, dueAt: Date, now: Date): Promise<void> {
  await q.query(
    `insert into tenant_deletions (tenant_id, due_at, scheduled_at) values ($1, $2, $3)
     on conflict (tenant_id) do update set due_at = excluded.due_at, scheduled_at = excluded.scheduled_at`,
    [tenantId, dueAt, now],
  );
}

/** Installed again (or heard from): no deletion. True when one was scheduled. */
export async function cancelDeletion(q: Queryable, tenantId: string): Promise<boolean> {
  const r = await q.query('delete from tenant_deletions where tenant_id = $1', [tenantId]);
  return (r.rowCount ?? 0) > 0;
}

export async function getDeletion(q: Queryable, tenantId: string): Promise<{ dueAt: Date; scheduledAt: Date } | null> {
  const r = await q.query<{ due_at: Date; scheduled_at: Date }>('select due_at, scheduled_at from tenant_deletions where tenant_id = $1', [tenantId]);
  const row = r.rows[0];
  return row ? { dueAt: row.due_at, scheduledAt: row.scheduled_at } : null;
}

/** Tenants whose deletion is due at `now`, the longest overdue first. */
export async function dueDeletions(q: Queryable, now: Date, limit: number): Promise<string[]> {
  const r = await q.query<{ tenant_id: string }>('select tenant_id from tenant_deletions where due_at <= $1 order by due_at, tenant_id limit $2', [now, limit]);
  return r.rows.map((x) => x.tenant_id);
}

/**
 * Locks a due deletion for this transaction (another instance's daily job skips it) and checks it
 * is still due: an install may have cancelled it since it was listed.
 */
export async function claimDueDeletion(q: Queryable, tenantId: string, now: Date): Promise<boolean> {
  const r = await q.query('select 1 from tenant_deletions where tenant_id = $1 and due_at <= $2 for update skip locked', [tenantId, now]);
  return (r.rowCount ?? 0) > 0;
}
