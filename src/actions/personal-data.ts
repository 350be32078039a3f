// The improvement actions' part of privacy (docs/privacy.md): a person's export and erasure, a
// tenant's export and deletion, and the retention of finished actions. SQL in store.ts. Actions have
// no shared channel card: their cards are 1:1 cards to owners, not updated afterwards.
import { scrubParams } from '../db/personal-text.js';
import type { PersonalDataHolder } from '../privacy/ports.js';
import { deleteFinishedBefore, deleteTenantRows, erasePersonRows, exportPersonRows, exportTenantRows } from './store.js';

const DAY_MS = 86_400_000;

/** snake_case column names → camelCase keys (values, jsonb included, stay as they are). */
const camelRow = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v]));

export function createActionPersonalData(): PersonalDataHolder {
  return {
    section: 'improvementActions',

    async exportPerson(q, tenantId, aadObjectId) {
      return { actions: (await exportPersonRows(q, tenantId, aadObjectId)).map(camelRow) };
    },

    async erasePerson(q, person) {
      const n = await erasePersonRows(q, { tenantId: person.tenantId, aad: person.aadObjectId, pseudonym: person.pseudonym, label: person.label, scrub: scrubParams(person) });
      return { counts: { improvement_actions: n } };
    },

    async exportTenant(q, tenantId) {
      return { improvementActions: (await exportTenantRows(q, tenantId)).map(camelRow) };
    },

    async deleteTenant(q, tenantId) {
      return { improvement_actions: await deleteTenantRows(q, tenantId) };
    },

    async applyRetention(q, now, policy, limit) {
      if (policy.actionsFinishedDays <= 0) return { actionsFinished: 0 };
      return { actionsFinished: await deleteFinishedBefore(q, new Date(now.getTime() - policy.actionsFinishedDays * DAY_MS), limit) };
    },
  };
}
