// A tenant that leaves (docs/privacy.md): its data exported for the operator, and deleted: by the
// operator's command (`npm run tenant`, scripts/tenant.ts) or by itself, TENANT_DELETION_GRACE_DAYS
// after the last installation was removed. Every feature answers for its own tables
// (PersonalDataHolder.exportTenant / deleteTenant); this file only orchestrates: holders in list
// order, the people feature's last (the others' rows refer to the tenant, its people and schools).
import type { Logger } from 'pino';
import { inTransaction, type Db } from '../db/pool.js';
import type { PersonalDataHolder } from './ports.js';
import { cancelDeletion, claimDueDeletion, dueDeletions, getDeletion, readOnlySnapshot, scheduleDeletion } from './tenant-store.js';

const DAY_MS = 86_400_000;

export interface TenantExport {
  format: 'cadans-tenant-export';
  version: 1;
  exportedAt: string;
  tenantId: string;
  about: { nl: string; en: string };
  /** Per holder's section: its tables' rows of this tenant. */
  sections: Record<string, Record<string, unknown>>;
}

/** Everything of a tenant, every holder in one consistent read-only snapshot. */
export async function exportTenant(db: Db, holders: readonly PersonalDataHolder[], tenantId: string, now: Date): Promise<TenantExport> {
  const sections: Record<string, Record<string, unknown>> = {};
  await inTransaction(db, async (tx) => {
    await readOnlySnapshot(tx);
    for (const h of holders) sections[h.section] = await h.exportTenant(tx, tenantId);
  });
  return {
    format: 'cadans-tenant-export',
    version: 1,
    exportedAt: now.toISOString(),
    tenantId,
    about: {
      nl: 'Alle gegevens die Cadans van deze tenant bewaart, per onderdeel, zoals ze in de database staan. Anonieme antwoorden op peilingen zijn niet aan personen te koppelen.',
      en: 'All data Cadans keeps of this tenant, per part, as stored in the database. Anonymous survey answers cannot be linked to anyone.',
    },
    sections,
  };
}

/** Rows deleted per section and table. */
export type TenantDeletion = Record<string, Record<string, number>>;

/**
 * Deletes all of a tenant's data in one transaction: its scheduled deletion, then every holder's
 * rows in list order (the people feature's last: tenants, people, schools, roles, audit).
 */
export async function deleteTenant(db: Db, holders: readonly PersonalDataHolder[], tenantId: string): Promise<TenantDeletion> {
  return inTransaction(db, (tx) => deleteTenantIn(tx, holders, tenantId));
}

async function deleteTenantIn(tx: Parameters<PersonalDataHolder['deleteTenant']>[0], holders: readonly PersonalDataHolder[], tenantId: string): Promise<TenantDeletion> {
  const out: TenantDeletion = {};
  const scheduled = await cancelDeletion(tx, tenantId);
  out.privacy = { tenant_deletions: scheduled ? 1 : 0 };
  for (const h of holders) {
    const counts = await h.deleteTenant(tx, tenantId);
    out[h.section] = { ...(out[h.section] ?? {}), ...counts };
  }
  return out;
}

export const totalOf = (d: TenantDeletion) => Object.values(d).reduce((n, t) => n + Object.values(t).reduce((a, b) => a + b, 0), 0);

export interface TenantLifecycleDeps {
  db: Db;
  holders: () => readonly PersonalDataHolder[];
  /** TENANT_DELETION_GRACE_DAYS; 0: a tenant's data is never deleted by itself. */
  graceDays: number;
  now: () => Date;
  log: Pick<Logger, 'info' | 'error'>;
}

export type TenantLifecycle = ReturnType<typeof createTenantLifecycle>;

/** Scheduled deletion: set when the last installation goes, cleared when Cadans is back, carried out daily. */
export function createTenantLifecycle(deps: TenantLifecycleDeps) {
  return {
    /** The Teams layer saw the last installation of a tenant go (team, group chat or personal). */
    async lastInstallationRemoved(tenantId: string): Promise<void> {
      if (deps.graceDays <= 0) return;
      const now = deps.now();
      const dueAt = new Date(now.getTime() + deps.graceDays * DAY_MS);
      await scheduleDeletion(deps.db, tenantId, dueAt, now);
      deps.log.info({ tenant: tenantId, dueAt: dueAt.toISOString() }, 'tenant uninstalled everywhere: its data is due for deletion');
    },

    /** Cadans was installed again in the tenant, or heard from it: a scheduled deletion is off. */
    async installed(tenantId: string): Promise<void> {
      if (await cancelDeletion(deps.db, tenantId)) deps.log.info({ tenant: tenantId }, 'tenant is back: its scheduled deletion is cancelled');
    },

    scheduled: (tenantId: string) => getDeletion(deps.db, tenantId),

    /** Deletes the tenants whose time has passed (the daily job), each in its own transaction; returns how many. */
    async deleteDue(now: Date): Promise<number> {
      if (deps.graceDays <= 0) return 0;
      let done = 0;
      for (const tenantId of await dueDeletions(deps.db, now, 100)) {
        let deleted: TenantDeletion | null;
        try {
          deleted = await inTransaction(deps.db, async (tx) => ((await claimDueDeletion(tx, tenantId, now)) ? deleteTenantIn(tx, deps.holders(), tenantId) : null));
        } catch (err) {
          // Nothing of it was deleted (one transaction); the next run tries again.
          deps.log.error({ err, tenant: tenantId }, 'deleting a tenant whose grace period has passed failed');
          continue;
        }
        if (!deleted) continue;
        done += 1;
        // Counts only: which tables, how many rows.
        deps.log.info({ tenant: tenantId, rows: totalOf(deleted), counts: deleted }, 'tenant data deleted: its grace period after the last uninstall has passed');
      }
      return done;
    },
  };
}
