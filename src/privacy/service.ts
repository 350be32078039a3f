// A person's data exported and erased (AVG: inzage, vergetelheid; docs/privacy.md). Every feature
// answers for its own tables (PersonalDataHolder, ports.ts); this service only orchestrates: an
// export reads every holder in one read-only snapshot, an erase runs every holder in one transaction
// and then their after-commit work (shared cards updated). Logs and audit rows carry counts and the
// pseudonym, never the id, name or email being erased.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Language } from '../config.js';
import { inSnapshot, inTransaction, type Db, type Queryable } from '../db/pool.js';
import { newPseudonym, type ErasedPerson, type PersonalDataHolder } from './ports.js';

export interface PrivacyPeople {
  identity(tenantId: string, aadObjectId: string): Promise<{ teamsUserId: string | null; name: string; email: string | null } | null>;
  tenantLanguage(tenantId: string): Promise<Language>;
  eraseBlocker(tenantId: string, aadObjectId: string): Promise<'configured' | 'lastBeheerder' | null>;
  audit(q: Queryable, e: { tenantId: string; actor: string | null; action: string; subject?: string; detail?: object }): Promise<void>;
}

export interface PrivacyServiceDeps {
  db: Db;
  /** Every feature's holder; the people feature's last (the others' rows refer to people, schools and the tenant). */
  holders: () => readonly PersonalDataHolder[];
  people: PrivacyPeople;
  now: () => Date;
  log: Pick<Logger, 'info' | 'error'>;
}

export const ERASED_LABEL: Record<Language, string> = { nl: 'verwijderde gebruiker', en: 'deleted user' };

export interface PersonExport {
  format: 'cadans-person-export';
  version: 1;
  exportedAt: string;
  tenantId: string;
  entraObjectId: string;
  about: { nl: string; en: string };
  sections: Record<string, Record<string, unknown>>;
}

export interface EraseResult {
  /** Rows deleted or rewritten per feature section. */
  counts: Record<string, number>;
  total: number;
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;

export function createPrivacyService(deps: PrivacyServiceDeps) {
  return {
    /** Everything Cadans holds about one person of a tenant; null when no feature holds anything. */
    async exportPerson(tenantId: string, aadObjectId: string): Promise<PersonExport | null> {
      const sections: Record<string, Record<string, unknown>> = {};
      let any = false;
      await inSnapshot(deps.db, async (tx) => {
        for (const h of deps.holders()) {
          const part = await h.exportPerson(tx, tenantId, aadObjectId);
          sections[h.section] = part;
          if (Object.values(part).some((v) => (Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined && !(typeof v === 'object' && Object.keys(v as object).length === 0)))) any = true;
        }
      });
      if (!any) return null;
      return {
        format: 'cadans-person-export',
        version: 1,
        exportedAt: deps.now().toISOString(),
        tenantId,
        entraObjectId: aadObjectId,
        about: {
          nl: 'Alles wat Cadans over deze persoon bewaart, per onderdeel. Anonieme antwoorden op peilingen staan er niet in: die zijn door de opbouw van de database aan niemand te koppelen, ook niet door Cadans.',
          en: 'Everything Cadans keeps about this person, per part. Anonymous survey answers are not included: the way the database is built means they cannot be linked to anyone, Cadans included.',
        },
        sections,
      };
    },

    /** Why this person cannot be erased now, or null. */
    eraseBlocker: (tenantId: string, aadObjectId: string) => deps.people.eraseBlocker(tenantId, aadObjectId),

    identity: (tenantId: string, aadObjectId: string) => deps.people.identity(tenantId, aadObjectId),

    /** Records that a beheerder exported someone's data (the subject's id is pseudonymised if they are erased later). */
    async recordExport(tenantId: string, actor: string, subject: string): Promise<void> {
      await deps.people.audit(deps.db, { tenantId, actor, action: 'privacy.export', subject });
    },

    /**
     * Erases one person in every feature, in one transaction; then each feature's after-commit work.
     * The caller checked who may (a tenant-wide beheerder) and eraseBlocker.
     */
    async erasePerson(tenantId: string, aadObjectId: string, actor: string, known: { email?: string; name?: string } = {}): Promise<EraseResult> {
      const who = await deps.people.identity(tenantId, aadObjectId);
      const language = await deps.people.tenantLanguage(tenantId);
      const person: ErasedPerson = {
        tenantId,
        aadObjectId,
        teamsUserId: who?.teamsUserId ?? null,
        name: who?.name || known.name || '',
        email: who?.email || known.email || null,
        pseudonym: newPseudonym(() => randomBytes(8).toString('hex')),
        label: ERASED_LABEL[language],
      };
      const counts: Record<string, number> = {};
      const afters: (() => Promise<void>)[] = [];
      await inTransaction(deps.db, async (tx) => {
        for (const h of deps.holders()) {
          const outcome = await h.erasePerson(tx, person);
          counts[h.section] = Object.values(outcome.counts).reduce((a, b) => a + b, 0);
          if (outcome.after) afters.push(outcome.after);
        }
        // Who asked, and how much changed: the subject is the pseudonym, never the id.
        await deps.people.audit(tx, { tenantId, actor: actor === aadObjectId ? person.pseudonym : actor, action: 'privacy.erase', subject: person.pseudonym, detail: { counts } });
      });
      for (const after of afters) {
        try {
          await after();
        } catch (err) {
          deps.log.error({ err: { message: 'after-erase step failed', type: (err as Error)?.name } }, 'a card update after an erase failed; the data itself is erased');
        }
      }
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      deps.log.info({ tenantId, pseudonym: person.pseudonym, total }, 'person erased');
      return { counts, total };
    },
  };
}
