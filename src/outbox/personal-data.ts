// The outbox's part of the privacy feature (docs/privacy.md): messages to a person and messages that
// name them, exported and erased; a tenant's messages exported and deleted; sent and failed messages
// kept only as long as the retention policy says.
//
// Erase: what is addressed to the person (their user id, their 1:1 lanes and conversations) goes,
// sent or still queued: it must never be sent. Other messages whose payload, keys or last error hold
// their id, Teams id, name or email: finished ones go, queued ones are rewritten (pseudonym and label
// in place) so they still send.
import type { Queryable } from '../db/pool.js';
import type { PersonalDataHolder, RetentionPolicy } from '../privacy/ports.js';
import { identifiersOf, likePatterns, mentions, personScrub, scrubJson, scrubText } from '../privacy/scrub.js';
import {
  deleteAddressedTo,
  deleteFinishedBefore,
  deleteMessagesById,
  deleteTenantMessages,
  messagesAddressedTo,
  messagesMatching,
  rewriteMessage,
  tenantMessages,
} from './store.js';

const DAY_MS = 86_400_000;
/** Bounds a person's export (the newest are what matters; older ones go by retention anyway). */
const EXPORT_LIMIT = 2_000;
/** Rows looked at per round of an erase. */
const ERASE_BATCH = 1_000;

export interface OutboxPersonalDataDeps {
  /**
   * The person's 1:1 conversations and Teams user ids as the Teams layer knows them (its personal
   * conversation reference): the outbox finds messages to their chat by these. Called before the
   * Teams layer's holder deletes that reference (put this holder before the Teams one).
   */
  personalConversations(q: Queryable, tenantId: string, aadObjectId: string): Promise<{ conversationIds: string[]; teamsUserIds: string[] }>;
}

export function createOutboxPersonalData(deps: OutboxPersonalDataDeps): PersonalDataHolder {
  return {
    section: 'outbox',

    async exportPerson(q, tenantId, aadObjectId) {
      const known = await deps.personalConversations(q, tenantId, aadObjectId);
      const ids = identifiersOf({ aadObjectId, teamsUserId: null }).concat(known.teamsUserIds);
      const addressed = await messagesAddressedTo(q, tenantId, ids, known.conversationIds, EXPORT_LIMIT);
      const scrub = personScrub({ aadObjectId, teamsUserId: known.teamsUserIds[0] ?? null, name: '', email: null, pseudonym: '-', label: '-' });
      const own = new Set(addressed.messages.map((m) => m.id));
      const mentioning = (await messagesMatching(q, tenantId, likePatterns(scrub), EXPORT_LIMIT))
        .filter((m) => !own.has(m.id) && (mentions(JSON.stringify(m.payload), scrub) || mentions(m.idempotencyKey, scrub) || mentions(m.coalesceKey, scrub)))
        .map(({ coalesceKey: _c, lastError: _e, ...m }) => m);
      return { messagesToYou: addressed.messages, messagesAboutYou: mentioning };
    },

    async erasePerson(q, person) {
      const known = await deps.personalConversations(q, person.tenantId, person.aadObjectId);
      const ids = [...new Set([...identifiersOf(person), ...known.teamsUserIds])];
      const { conversationIds } = await messagesAddressedTo(q, person.tenantId, ids, known.conversationIds, EXPORT_LIMIT);
      const addressed = await deleteAddressedTo(q, person.tenantId, ids, conversationIds);
      const scrub = personScrub(person);
      const patterns = likePatterns(scrub);
      let deleted = 0;
      let rewritten = 0;
      let after = 0;
      for (;;) {
        const batch = await messagesMatching(q, person.tenantId, patterns, ERASE_BATCH, after);
        if (batch.length === 0) break;
        const finished: number[] = [];
        for (const m of batch) {
          after = m.id;
          const payload = scrubJson(m.payload, scrub);
          const changed = { payload, idempotencyKey: m.idempotencyKey && scrubText(m.idempotencyKey, scrub), coalesceKey: m.coalesceKey && scrubText(m.coalesceKey, scrub), lastError: m.lastError && scrubText(m.lastError, scrub) };
          const differs = JSON.stringify(payload) !== JSON.stringify(m.payload) || changed.idempotencyKey !== m.idempotencyKey || changed.coalesceKey !== m.coalesceKey || changed.lastError !== m.lastError;
          if (!differs) continue; // a substring, not the person (e.g. "Jansen" for "Jan")
          if (m.status === 'sent' || m.status === 'failed') finished.push(m.id);
          else rewritten += await rewriteMessage(q, person.tenantId, m.id, changed);
        }
        deleted += await deleteMessagesById(q, person.tenantId, finished);
        if (batch.length < ERASE_BATCH) break;
      }
      return { counts: { outbox_messages: addressed.messages + deleted + rewritten, outbox_send_log: addressed.sendLog } };
    },

    async exportTenant(q, tenantId) {
      return { messages: await tenantMessages(q, tenantId) };
    },

    async deleteTenant(q, tenantId) {
      const r = await deleteTenantMessages(q, tenantId);
      return { outbox_messages: r.messages, outbox_send_log: r.sendLog };
    },

    async applyRetention(q: Queryable, now: Date, policy: RetentionPolicy, limit: number) {
      const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
      return {
        outboxSent: policy.outboxSentDays > 0 ? await deleteFinishedBefore(q, 'sent', before(policy.outboxSentDays), limit) : 0,
        outboxFailed: policy.outboxFailedDays > 0 ? await deleteFinishedBefore(q, 'failed', before(policy.outboxFailedDays), limit) : 0,
      };
    },
  };
}
