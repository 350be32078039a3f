// People and roles: who is known, and how the first beheerder comes to be.
import type { Language, Mode } from '../config.js';
import { inTransaction, type Db } from '../db/pool.js';
import type { Actor } from '../routes.js';
import type { Role, RoleGrant } from './model.js';
import { countBeheerders, ensureTenant, getPersonLanguage, getTenantLanguage, grantRole, listGrants, setPersonLanguage, upsertPerson } from './store.js';

export interface SeedPerson {
  aadObjectId: string;
  roles: Role[];
  language?: Language;
}

export interface PeopleServiceOptions {
  db: Db;
  mode: Mode;
  defaultLanguage: Language;
  /** Entra object ids that are beheerder (production: from configuration). */
  beheerders: readonly string[];
  /** Local mode only: the Agents Playground's mock users and their roles. */
  seed?: readonly SeedPerson[];
}

export interface PeopleService {
  /** Records the person and tenant of an incoming activity; grants bootstrap roles. Returns the
   *  person's explicit language choice (null: follow the Teams locale). */
  recordActor(actor: Actor): Promise<Language | null>;
  grantsOf(tenantId: string, aadObjectId: string): Promise<RoleGrant[]>;
  /** The person's explicit language choice, or null to follow the Teams locale. */
  languageOf(tenantId: string, aadObjectId: string): Promise<Language | null>;
  tenantLanguage(tenantId: string): Promise<Language>;
}

export function createPeopleService(o: PeopleServiceOptions): PeopleService {
  const seedByAad = new Map((o.seed ?? []).map((s) => [s.aadObjectId, s]));
  return {
    async recordActor(actor) {
      await ensureTenant(o.db, actor.tenantId, o.defaultLanguage);
      await upsertPerson(o.db, {
        tenantId: actor.tenantId,
        aadObjectId: actor.aadObjectId,
        teamsUserId: actor.teamsUserId || undefined,
        name: actor.name || undefined,
        locale: actor.locale || undefined,
      });
      if (o.beheerders.includes(actor.aadObjectId)) {
        await grantRole(o.db, actor.tenantId, actor.aadObjectId, 'beheerder', null, 'configuration');
      }
      if (o.mode !== 'local') return getPersonLanguage(o.db, actor.tenantId, actor.aadObjectId);
      const seeded = seedByAad.get(actor.aadObjectId);
      for (const role of seeded?.roles ?? []) {
        await grantRole(o.db, actor.tenantId, actor.aadObjectId, role, null, 'local-seed');
      }
      if (seeded?.language) await setPersonLanguage(o.db, actor.tenantId, actor.aadObjectId, seeded.language);
      // Local mode only: the first person becomes beheerder so everything can be tried. Never in
      // production, where any teacher could win that race.
      if ((await countBeheerders(o.db, actor.tenantId)) === 0) {
        await inTransaction(o.db, async (tx) => {
          await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`beheerder-bootstrap:${actor.tenantId}`]);
          if ((await countBeheerders(tx, actor.tenantId)) === 0) {
            await grantRole(tx, actor.tenantId, actor.aadObjectId, 'beheerder', null, 'local-first-install');
          }
        });
      }
      return getPersonLanguage(o.db, actor.tenantId, actor.aadObjectId);
    },
    grantsOf: (tenantId, aadObjectId) => listGrants(o.db, tenantId, aadObjectId),
    languageOf: (tenantId, aadObjectId) => getPersonLanguage(o.db, tenantId, aadObjectId),
    async tenantLanguage(tenantId) {
      return (await getTenantLanguage(o.db, tenantId)) ?? o.defaultLanguage;
    },
  };
}
