// The people feature's part of a person's export and erase and of a tenant's deletion (docs/privacy.md):
// people, roles, schools, holiday rosters, audit events, the tenant itself. Last in every list: the
// other features' rows refer to schools and the tenant.
import type { Language } from '../config.js';
import type { Db, Queryable } from '../db/pool.js';
import { scrubArrays, type PersonalDataHolder } from '../privacy/ports.js';
import { countBeheerders, deleteAuditBefore, deleteTenantRows, erasePersonRows, exportPersonRows, exportTenantRows, getPersonIdentity, getTenantLanguage, listGrants, recordAudit, type PersonIdentity } from './store.js';

const DAY_MS = 86_400_000;

export interface PeoplePersonalData extends PersonalDataHolder {
  /** Who Cadans knows by this id (name, email, Teams id), or null. */
  identity(tenantId: string, aadObjectId: string): Promise<PersonIdentity | null>;
  tenantLanguage(tenantId: string): Promise<Language>;
  /** Why this person cannot be erased now: a beheerder by configuration, or the tenant's last beheerder; null: they can. */
  eraseBlocker(tenantId: string, aadObjectId: string): Promise<'configured' | 'lastBeheerder' | null>;
  /** An audit event (privacy.export, privacy.erase). */
  audit(q: Queryable, e: { tenantId: string; actor: string | null; action: string; subject?: string; detail?: object }): Promise<void>;
}

export function createPeoplePersonalData(db: Db, configuredBeheerders: readonly string[]): PeoplePersonalData {
  return {
    section: 'people',
    identity: (tenantId, aad) => getPersonIdentity(db, tenantId, aad),
    tenantLanguage: async (tenantId) => (await getTenantLanguage(db, tenantId)) ?? 'nl',
    async eraseBlocker(tenantId, aad) {
      if (configuredBeheerders.includes(aad)) return 'configured';
      const grants = await listGrants(db, tenantId, aad);
      if (grants.some((g) => g.role === 'beheerder') && (await countBeheerders(db, tenantId)) <= 1) return 'lastBeheerder';
      return null;
    },
    audit: (q, e) => recordAudit(q, e),
    exportPerson: (q, tenantId, aad) => exportPersonRows(q, tenantId, aad),
    async erasePerson(q, person) {
      return { counts: await erasePersonRows(q, person, scrubArrays(person)) };
    },
    exportTenant: (q, tenantId) => exportTenantRows(q, tenantId),
    deleteTenant: (q, tenantId) => deleteTenantRows(q, tenantId),
    async applyRetention(q, now, policy, limit) {
      if (policy.auditDays <= 0) return { audit_events: 0 };
      return { audit_events: await deleteAuditBefore(q, new Date(now.getTime() - policy.auditDays * DAY_MS), limit) };
    },
  };
}
