// The survey feature's part of a person's export and erase, a tenant's export and deletion, and
// retention (docs/privacy.md; docs/surveys.md, "Privacy"). SQL in store.ts.
//
// What names a person here: the surveys and templates they made (created_by, texts), the deliveries
// (who was asked, who answered; a named survey's answers), a pasted audience list with their address.
// Anonymous answers name nobody by construction (docs/surveys.md, "Anonymity") and stay; texts in them
// that contain the person's name or email are scrubbed like every other text. A sealed answer (a survey
// still running) is encrypted, so nothing in it can be read or scrubbed; it shares a transaction id
// with nothing once the erase has rewritten the delivery it was accepted with.
import { scrubArrays, type PersonalDataHolder } from '../privacy/ports.js';
import { deleteOldSurveys, deleteTenantSurveyRows, erasePersonSurveyRows, exportPersonSurveyRows, exportTenantSurveyRows, pseudonymiseOldDeliveries } from './store.js';

const DAY_MS = 86_400_000;

export interface SurveyPersonalDataDeps {
  /**
   * After an erase: the cards of a running survey's recipients name its author ("Van …"): they are
   * updated (the fan-out's card update, through the outbox) to show the label instead.
   */
  refreshRecipientCards(surveyId: number): Promise<void>;
}

export function createSurveyPersonalData(deps: SurveyPersonalDataDeps): PersonalDataHolder {
  return {
    section: 'surveys',
    exportPerson: (q, tenantId, aad) => exportPersonSurveyRows(q, tenantId, aad),
    async erasePerson(q, person) {
      const r = await erasePersonSurveyRows(q, person, scrubArrays(person));
      return {
        counts: r.counts,
        ...(r.running.length > 0
          ? {
              after: async () => {
                for (const id of r.running) await deps.refreshRecipientCards(id);
              },
            }
          : {}),
      };
    },
    exportTenant: (q, tenantId) => exportTenantSurveyRows(q, tenantId),
    deleteTenant: (q, tenantId) => deleteTenantSurveyRows(q, tenantId),
    async applyRetention(q, now, policy, limit) {
      const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
      return {
        // Whole surveys first: their deliveries go with them, no need to pseudonymise those.
        surveys: policy.surveysDays > 0 ? await deleteOldSurveys(q, before(policy.surveysDays), limit) : 0,
        survey_deliveries: policy.surveyDeliveriesDays > 0 ? await pseudonymiseOldDeliveries(q, before(policy.surveyDeliveriesDays), limit) : 0,
      };
    },
  };
}
