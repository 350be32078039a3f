// The Teams layer's part of the privacy feature (docs/privacy.md): conversation references. A
// person's personal reference (their 1:1 chat with Cadans) is theirs: exported, and deleted on
// erase. Other references store who last spoke there (Teams' `user` in the reference) and names:
// those are rewritten with the pseudonym and label. Uninstalled places' references go after the
// retention period.
import type { Queryable } from '../db/pool.js';
import type { PersonalDataHolder, RetentionPolicy } from '../privacy/ports.js';
import { likePatterns, personScrub, scrubJson, scrubText } from '../privacy/scrub.js';
import {
  deleteInactiveReferencesBefore,
  deletePersonalReferences,
  deleteTenantReferences,
  personalReferencesOf,
  referencesMatching,
  rewriteReference,
  tenantReferences,
} from './store.js';

const DAY_MS = 86_400_000;

/** The person's 1:1 conversations and Teams user ids, from their personal references (the outbox's port). */
export async function personalConversations(q: Queryable, tenantId: string, aadObjectId: string): Promise<{ conversationIds: string[]; teamsUserIds: string[] }> {
  const refs = await personalReferencesOf(q, tenantId, aadObjectId);
  const teamsUserIds = refs.map((r) => r.reference.user?.id).filter((x): x is string => !!x);
  return { conversationIds: [...new Set(refs.map((r) => r.conversationId))], teamsUserIds: [...new Set(teamsUserIds)] };
}

export function createTeamsPersonalData(): PersonalDataHolder {
  return {
    section: 'teams',

    async exportPerson(q, tenantId, aadObjectId) {
      const personal = await personalReferencesOf(q, tenantId, aadObjectId);
      const teamsUserId = personal.map((r) => r.reference.user?.id).find((x): x is string => !!x) ?? null;
      const scrub = personScrub({ aadObjectId, teamsUserId, name: '', email: null, pseudonym: '-', label: '-' });
      const elsewhere = (await referencesMatching(q, tenantId, likePatterns(scrub)))
        .filter((r) => r.scope !== 'personal' && JSON.stringify(scrubJson(r.reference, scrub)) !== JSON.stringify(r.reference))
        .map((r) => ({ scope: r.scope, conversationId: r.conversationId, name: r.name, lastSeenAs: r.reference.user ?? null, updatedAt: r.updatedAt }));
      return { personalChat: personal, lastSeenIn: elsewhere };
    },

    async erasePerson(q, person) {
      const deleted = await deletePersonalReferences(q, person.tenantId, person.aadObjectId);
      const scrub = personScrub(person);
      let rewritten = 0;
      for (const r of await referencesMatching(q, person.tenantId, likePatterns(scrub))) {
        const reference = scrubJson(r.reference, scrub);
        const name = r.name === null ? null : scrubText(r.name, scrub);
        if (name === r.name && JSON.stringify(reference) === JSON.stringify(r.reference)) continue;
        rewritten += await rewriteReference(q, person.tenantId, r.scope, r.key, name, reference);
      }
      return { counts: { conversation_refs: deleted + rewritten } };
    },

    async exportTenant(q, tenantId) {
      return { conversationReferences: await tenantReferences(q, tenantId) };
    },

    async deleteTenant(q, tenantId) {
      return { conversation_refs: await deleteTenantReferences(q, tenantId) };
    },

    async applyRetention(q: Queryable, now: Date, policy: RetentionPolicy, limit: number) {
      if (policy.conversationRefsInactiveDays <= 0) return { conversationRefsInactive: 0 };
      return { conversationRefsInactive: await deleteInactiveReferencesBefore(q, new Date(now.getTime() - policy.conversationRefsInactiveDays * DAY_MS), limit) };
    },
  };
}
