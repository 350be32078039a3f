// What every feature offers the privacy feature (AVG, docs/privacy.md): a person's data exported and
// erased, a tenant's data exported and deleted, and its own retention applied. Each feature answers
// for its own tables through its store (docs/architecture.md, "Feature modules"); the privacy feature
// only orchestrates: one transaction for an erase, short batches for retention.
import type { Queryable } from '../db/pool.js';
import { personScrub } from './scrub.js';

/** The person being erased, and what takes their place where history must stay readable. */
export interface ErasedPerson {
  tenantId: string;
  aadObjectId: string;
  /** Their Teams user id (29:…), when Cadans knew it: it identifies them too. */
  teamsUserId: string | null;
  /** The name and email Cadans held ('' / null when unknown): texts that contain them are scrubbed. */
  name: string;
  email: string | null;
  /**
   * Takes the Entra object id's place (step owners, authors, actors): random for each erase
   * (`verwijderd-` + 16 hex), so nothing leads back to the person, yet one erase's rows still
   * belong together ("the same deleted user did steps 3 and 4").
   */
  pseudonym: string;
  /** Takes the name's place: 'verwijderde gebruiker' or 'deleted user', in the tenant's language. */
  label: string;
}

/** What an erase changed in one feature, and what to do once it is committed. */
export interface EraseOutcome {
  /** Rows deleted or rewritten, per table (for the beheerder's confirmation and the audit event: counts only). */
  counts: Record<string, number>;
  /** Runs after the commit: e.g. shared channel cards that showed the name are updated (through the outbox). */
  after?: () => Promise<void>;
}

/** Retention, in days after the moment named; 0 keeps forever. Defaults and reasons: docs/privacy.md. */
export interface RetentionPolicy {
  /** Sent outbox messages and their idempotency keys, after sending. */
  outboxSentDays: number;
  /** Outbox messages that failed for good, after the last attempt. */
  outboxFailedDays: number;
  /** Audit events (role changes, erasures, exports). */
  auditDays: number;
  /** Finished checklists with their steps and change log, after completion. */
  checklistsFinishedDays: number;
  /** Improvement actions done or cancelled, after that. */
  actionsFinishedDays: number;
  /** Survey delivery rows (who was asked, who answered), after the survey closed: pseudonymised, counts stay. */
  surveyDeliveriesDays: number;
  /** Closed surveys with their (anonymous) answers and results, after closing. */
  surveysDays: number;
  /** Who prepared / could not come (and why), after the meeting. */
  meetingAttendanceDays: number;
  /** Held or cancelled meetings with their record and agenda items, after the meeting. */
  meetingsDays: number;
  /** Conversation references of uninstalled chats and channels, after the uninstall. */
  conversationRefsInactiveDays: number;
  /** pg-boss's finished jobs (job data can hold ids), after finishing. */
  jobsDays: number;
}

export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = Object.freeze({
  outboxSentDays: 30,
  outboxFailedDays: 90,
  auditDays: 730,
  checklistsFinishedDays: 1461,
  actionsFinishedDays: 1461,
  surveyDeliveriesDays: 60,
  surveysDays: 1826,
  meetingAttendanceDays: 365,
  meetingsDays: 1461,
  conversationRefsInactiveDays: 90,
  jobsDays: 7,
});

/** One feature's part. Every method runs on the Queryable it is given (a transaction for erase and tenant deletion). */
export interface PersonalDataHolder {
  /** Its section in export files: 'people', 'checklists', 'surveys', … */
  readonly section: string;
  /** Everything it holds about the person, as plain JSON (rows with readable column names). */
  exportPerson(q: Queryable, tenantId: string, aadObjectId: string): Promise<Record<string, unknown>>;
  /** Deletes what is only theirs, pseudonymises what history needs (ErasedPerson.pseudonym / label). */
  erasePerson(q: Queryable, person: ErasedPerson): Promise<EraseOutcome>;
  /** All of a tenant's rows in its tables, for the operator's export before deletion. */
  exportTenant(q: Queryable, tenantId: string): Promise<Record<string, unknown>>;
  /** Deletes all of a tenant's rows in its tables (children before parents; the tenants row is the people feature's, last). */
  deleteTenant(q: Queryable, tenantId: string): Promise<Record<string, number>>;
  /**
   * Applies the retention policy to its tables: at most `limit` rows per kind in this call, so the
   * caller can run short transactions until every kind returns 0. Returns rows affected per kind.
   */
  applyRetention(q: Queryable, now: Date, policy: RetentionPolicy, limit: number): Promise<Record<string, number>>;
}

/** The pseudonym for one erase: random, never derived from the id. */
export function newPseudonym(random: () => string): string {
  return `verwijderd-${random()}`;
}

/**
 * What a store passes to `cadans_scrub(text, needles, replacements)` (migration 018) for one erased
 * person: their Entra id and Teams id become the pseudonym, their email and name the label, each as
 * written in plain text and as escaped inside JSON (so the same arrays work on `jsonb::text`).
 * Longest first, so a name that contains another needle is replaced whole.
 */
export function scrubArrays(p: Pick<ErasedPerson, 'aadObjectId' | 'teamsUserId' | 'name' | 'email' | 'pseudonym' | 'label'>): { needles: string[]; replacements: string[] } {
  // The same needles as the TypeScript scrub (scrub.ts personScrub), each also as escaped inside JSON text.
  const pairs: [string, string][] = [];
  for (const [needle, replacement] of personScrub(p).pairs) {
    pairs.push([needle, replacement]);
    const escaped = JSON.stringify(needle).slice(1, -1);
    if (escaped !== needle) pairs.push([escaped, replacement]);
  }
  pairs.sort((a, b) => b[0].length - a[0].length);
  return { needles: pairs.map((x) => x[0]), replacements: pairs.map((x) => x[1]) };
}
