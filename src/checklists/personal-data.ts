// The checklists' part of privacy (docs/privacy.md): a person's export and erasure, a tenant's export
// and deletion, and the retention of finished checklists. SQL in store.ts; the shared channel cards
// that showed an erased person are updated through the outbox, like any change.
import type { Db, Queryable } from '../db/pool.js';
import { scrubParams } from '../db/personal-text.js';
import { renderWith } from '../outbox/service.js';
import type { PersonalDataHolder } from '../privacy/ports.js';
import { CHANNEL_RENDERER, SUMMARY_RENDERER, type ChecklistOutbox } from './ports.js';
import { deleteFinishedBefore, deleteStepViewsOf, deleteTenantRows, erasePersonRows, exportPersonRows, exportTenantRows, listStepViewsOf, type ErasedCard } from './store.js';

const DAY_MS = 86_400_000;

/** snake_case column names → camelCase keys (values, jsonb included, stay as they are). */
function camelRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v]));
}

export interface ChecklistPersonalDataDeps {
  db: Db;
  outbox: Pick<ChecklistOutbox, 'enqueue' | 'statusByKey'>;
}

export function createChecklistPersonalData(deps: ChecklistPersonalDataDeps): PersonalDataHolder {
  /**
   * After an erase: each checklist it touched gets its channel card updated (rendered from the
   * database when sent, so it shows the label), and a completion summary already posted too.
   */
  async function refreshCards(cards: ErasedCard[]) {
    for (const c of cards) {
      const target = { tenantId: c.tenantId, serviceUrl: c.serviceUrl, conversationId: c.conversationId };
      // Not posted yet: the post renders the state as it is when it goes out.
      if (c.cardActivityId) {
        await deps.outbox.enqueue({ op: 'update', ...target, activityId: c.cardActivityId, render: renderWith(CHANNEL_RENDERER, { checklistId: c.checklistId }) }, { client: deps.db });
      }
      if (c.completed) {
        const summary = await deps.outbox.statusByKey(`checklist:${c.checklistId}:summary`);
        if (summary?.sentActivityId) {
          await deps.outbox.enqueue({ op: 'update', ...target, activityId: summary.sentActivityId, render: renderWith(SUMMARY_RENDERER, { checklistId: c.checklistId }) }, { client: deps.db });
        }
      }
    }
  }

  return {
    section: 'checklists',

    async exportPerson(q: Queryable, tenantId: string, aadObjectId: string) {
      const r = await exportPersonRows(q, tenantId, aadObjectId);
      const openForms = await listStepViewsOf(q, tenantId, aadObjectId);
      return {
        checklistsStarted: r.started.map(camelRow),
        steps: r.steps.map(camelRow),
        changes: r.changes.map(camelRow),
        ownTemplates: r.templates.map(camelRow),
        // The step forms they have open on shared cards, with what a refused save held (issue 8).
        openForms,
      };
    },

    async erasePerson(q, person) {
      const { counts, cards } = await erasePersonRows(q, {
        tenantId: person.tenantId,
        aad: person.aadObjectId,
        pseudonym: person.pseudonym,
        label: person.label,
        scrub: scrubParams(person),
      });
      // Their open step forms and drafts are theirs alone: gone.
      counts.checklist_views = await deleteStepViewsOf(q, person.tenantId, person.aadObjectId);
      return cards.length === 0 ? { counts } : { counts, after: () => refreshCards(cards) };
    },

    async exportTenant(q, tenantId) {
      const r = await exportTenantRows(q, tenantId);
      return {
        checklists: r.checklists.map(camelRow),
        checklistSteps: r.checklist_steps.map(camelRow),
        checklistEvents: r.checklist_events.map(camelRow),
        checklistTemplates: r.checklist_templates.map(camelRow),
      };
    },

    deleteTenant: (q, tenantId) => deleteTenantRows(q, tenantId),

    async applyRetention(q, now, policy, limit) {
      if (policy.checklistsFinishedDays <= 0) return { checklistsFinished: 0 };
      return { checklistsFinished: await deleteFinishedBefore(q, new Date(now.getTime() - policy.checklistsFinishedDays * DAY_MS), limit) };
    },
  };
}
