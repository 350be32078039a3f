// The survey feature's part of a person's export and erase, a tenant's export and deletion, and
// retention (docs/privacy.md; docs/surveys.md, "Privacy"). SQL in store.ts.
//
// What names a person here: the surveys and templates they made (created_by, texts), the deliveries
// (who was asked, who answered; a named survey's answers), a pasted audience list with their address.
// Anonymous answers name nobody by construction (docs/surveys.md, "Anonymity") and stay; texts in them
// that contain the person's name or email are scrubbed like every other text — the sealed ones of
// surveys still running too: every sealed answer of the tenant is opened, scrubbed and sealed again
// (all of them, with fresh IVs, so the rewrite says nothing about which ones named the person). After
// the erase every sealed answer of the tenant carries the erase's transaction id, as do the erased
// person's rewritten (pseudonymised) deliveries: the one-to-one link between an answered mark and its
// sealed answer (docs/surveys.md, "Anonymity") is gone for everyone in the tenant.
import type { Answers } from './model.js';
import { scrubArrays, type PersonalDataHolder } from '../privacy/ports.js';
import { open, seal, type SealKey } from './seal.js';
import { deleteOldSurveys, deleteTenantSurveyRows, erasePersonSurveyRows, exportPersonSurveyRows, exportTenantSurveyRows, lockSurveysWithSealed, pseudonymiseOldDeliveries, rewriteSealed, scrubTexts, sealedOfTenant } from './store.js';

const DAY_MS = 86_400_000;
const SEALED_PAGE = 500;
/** A sealed answer's bytes around its padded plaintext: version, IV, tag (seal.ts). */
const SEAL_OVERHEAD = 1 + 12 + 16;

export interface SurveyPersonalDataDeps {
  sealKey: SealKey;
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
      const scrub = scrubArrays(person);
      // First the sealed answers of the tenant's running surveys (their surveys locked, as closing
      // locks them): opened, texts scrubbed, sealed again. Then the rows; a survey that closed while
      // this waited has its opened answers in survey_answers by then, and they are scrubbed there.
      await lockSurveysWithSealed(q, person.tenantId);
      let resealed = 0;
      let after: string | null = null;
      for (;;) {
        const page = await sealedOfTenant(q, person.tenantId, after, SEALED_PAGE);
        if (page.length === 0) break;
        // One that cannot be opened (not sealed with this key) stays as it is: nothing can read it.
        const opened = page.flatMap((x) => {
          try {
            return [{ ...x, answer: open(deps.sealKey, x.surveyId, x.sealed) }];
          } catch {
            return [];
          }
        });
        const texts: string[] = [];
        for (const o of opened) for (const v of Object.values(o.answer.answers)) if (typeof v === 'string') texts.push(v);
        const scrubbed = await scrubTexts(q, texts, scrub);
        let i = 0;
        const rows = opened.flatMap((o) => {
          const answers: Answers = {};
          for (const [k, v] of Object.entries(o.answer.answers)) answers[k] = typeof v === 'string' ? scrubbed[i++]! : v;
          try {
            return [{ id: o.id, sealed: seal(deps.sealKey, o.surveyId, o.sealed.length - SEAL_OVERHEAD, { ...o.answer, answers }) }];
          } catch {
            return []; // the label made it longer than the survey's padded size: kept as it was
          }
        });
        await rewriteSealed(q, rows);
        resealed += rows.length;
        after = page[page.length - 1]!.id;
        if (page.length < SEALED_PAGE) break;
      }
      const r = await erasePersonSurveyRows(q, person, scrub);
      return {
        counts: { ...r.counts, survey_sealed: resealed },
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
