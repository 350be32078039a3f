// People and roles: who is known, and how the first beheerder comes to be.
import type { Language, Mode } from '../config.js';
import { TtlCache } from '../cache.js';
import { inTransaction, type Db, type Queryable } from '../db/pool.js';
import type { Actor } from '../routes.js';
import { DomainError, invalidInput, notAllowed } from '../errors.js';
import type { Logger } from 'pino';
import { parseOwnHolidays, type CalendarOptions, type ParseError, type Period } from '../schedule/index.js';
import {
  GRANTED_BY_CONFIGURATION,
  calendarFrom,
  canKeepSchoolCalendar,
  canManageRoles,
  canSeeSchoolCalendars,
  canSetRegions,
  isLastBeheerder,
  isRegion,
  isRole,
  isSector,
  isSetByConfiguration,
  parseSchoolName,
  type Region,
  type Role,
  type RoleGrant,
  type Sector,
} from './model.js';
import {
  countBeheerders,
  deleteAssignment,
  ensureTenant,
  getContact,
  getContacts,
  findByEmails,
  listGrantsOfMany,
  listRoleHolders,
  type PersonContact,
  type RoleHolder,
  listKnownPeople,
  lockBeheerders,
  type Contact,
  deleteConfiguredBeheerdersExcept,
  findAssignment,
  findSchool,
  recordPerson,
  getTenantLanguage,
  grantRole,
  insertSchool,
  listAssignments,
  listGrants,
  listSchools,
  recordAudit,
  setPersonLanguage,
  upsertPerson,
  type Assignment,
  type School,
  deleteHolidayRoster,
  getCalendarSource,
  getSchoolSector,
  getDefaultRegion,
  listSchoolCalendars,
  setDefaultRegion,
  setSchoolRegion,
  upsertHolidayRoster,
  type SchoolCalendarRow,
} from './store.js';

/** The calendar card: the schools the actor may see, and what they may change. */
export interface SchoolCalendarOverview {
  /** A tenant-wide beheerder: sets regions, sectors and the default region. */
  canSetRegion: boolean;
  defaultRegion: Region | null;
  schools: (Omit<SchoolCalendarRow, 'region' | 'sector'> & { region: Region | null; sector: Sector | null; canEdit: boolean })[];
}

/** A rooster as typed on the card or sent as a file: saved, or the problems with their lines (nothing saved). */
export type SaveHolidaysResult = { ok: true; school: School; periods: Period[] } | { ok: false; errors: ParseError[] };

export interface RolesOverview {
  schools: School[];
  /** setByConfiguration: given by CADANS_BEHEERDERS, so not revoked on the card. */
  assignments: (Assignment & { setByConfiguration: boolean })[];
  totalAssignments: number;
}

/** Someone picked from a roster; the route has checked they are a member where the action happened. */
export interface PickedPerson {
  aadObjectId: string;
  name: string;
}

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
  /** Milliseconds, for the caches' time to live; tests pass their own clock. */
  now?: () => number;
}

export interface PeopleService {
  /** The tenant exists (for events without a person, such as an install by a system account). */
  ensureTenant(tenantId: string): Promise<void>;
  /** People Cadans knows in a tenant, by name (for person pickers beside the roster). */
  knownPeople(tenantId: string, limit: number): Promise<{ aadObjectId: string; name: string }[]>;
  /** How to reach someone 1:1, and in which language. */
  contactOf(tenantId: string, aadObjectId: string): Promise<Contact | null>;
  schools(tenantId: string): Promise<School[]>;
  findSchool(tenantId: string, schoolId: number): Promise<School | null>;
  /** Records the person and tenant of an incoming activity; grants bootstrap roles. Returns the
   *  person's explicit language choice (null: follow the Teams locale). */
  recordActor(actor: Actor): Promise<Language | null>;
  grantsOf(tenantId: string, aadObjectId: string): Promise<RoleGrant[]>;
  /** Many people at once: how to reach them (a survey's recipients). */
  contactsOf(tenantId: string, aadObjectIds: readonly string[]): Promise<PersonContact[]>;
  /** Role assignments of many people at once. */
  grantsOfMany(tenantId: string, aadObjectIds: readonly string[]): Promise<Map<string, RoleGrant[]>>;
  /** People of a tenant by email address (lower-cased). */
  byEmails(tenantId: string, emails: readonly string[]): Promise<{ aadObjectId: string; email: string }[]>;
  /** People holding any of these roles (all when empty) at these schools (all when null). */
  roleHolders(tenantId: string, roles: readonly Role[], schoolIds: readonly number[] | null, limit: number): Promise<RoleHolder[]>;
  tenantLanguage(tenantId: string): Promise<Language>;
  /** Schools and role assignments of the actor's tenant; beheerders only. */
  rolesOverview(actor: Actor): Promise<RolesOverview>;
  addSchool(actor: Actor, name: unknown): Promise<School>;
  grant(actor: Actor, person: PickedPerson, role: unknown, schoolId: number | null): Promise<{ role: Role; school: School | null; added: boolean }>;
  revoke(actor: Actor, assignmentId: number): Promise<Assignment>;
  /**
   * The calendar of a school (null: the board's level, the tenant's default region): its own
   * vakantierooster, else its region, else the tenant's default region, else {} (weekends and public holidays).
   */
  calendarOf(tenantId: string, schoolId: number | null): Promise<CalendarOptions>;
  /** A school's sector when a beheerder has set it (null: not known, or no school). */
  sectorOf(tenantId: string, schoolId: number | null): Promise<Sector | null>;
  /** The calendar card: beheerders see every school, a directeur their own. */
  schoolCalendars(actor: Actor): Promise<SchoolCalendarOverview>;
  /** A school's region and sector (school 'tenant': the tenant's default region); beheerders only. */
  setRegion(actor: Actor, school: number | 'tenant', region: unknown, sector?: unknown): Promise<{ school: School | null; region: Region | null }>;
  /**
   * A school's own vakantierooster; beheerder or the school's directeur. `text`: lines "naam;van;tot"
   * (format csv: typed on the card, a .csv file, or a file's lines as the card shows them) or an .ics
   * file; `source`: where it came from (kept with it).
   */
  saveHolidays(actor: Actor, schoolId: number, input: { text: string; format: 'ics' | 'csv'; source: 'card' | 'ics' | 'csv' }): Promise<SaveHolidaysResult>;
  /** Back to the regional dates; beheerder or the school's directeur. false: there was no own rooster. */
  removeHolidays(actor: Actor, schoolId: number): Promise<{ school: School; removed: boolean }>;
  /**
   * At start: whoever configuration made beheerder but CADANS_BEHEERDERS no longer names loses that
   * role, in every tenant, with an audit event. Roles a beheerder granted by hand stay.
   */
  reconcileConfiguredBeheerders(log?: Pick<Logger, 'info'>): Promise<number>;
  /** An audit event of another feature (ids and counts only, never texts people wrote), in the caller's transaction. */
  audit(q: Queryable, e: { tenantId: string; actor: string | null; action: string; subject?: string; detail?: object }): Promise<void>;
}

export const rolesProblem = (textKey: 'rolesSetByConfiguration' | 'rolesSchoolExists' | 'rolesSchoolNameInvalid' | 'rolesLastBeheerder' | 'rolesPersonUnknown' | 'rolesRoleInvalid' | 'rolesSchoolUnknown' | 'rolesAssignmentGone', params: Record<string, string> = {}) =>
  new DomainError('conflict', 'rolesProblemTitle', textKey, params);

/**
 * How long an instance trusts that what it wrote for a person (and their language) is still there,
 * and how long it keeps a tenant's language. Another instance's change of a language shows here
 * within this time; nothing else a turn reads is cached (roles are always read fresh).
 */
const RECORDED_TTL_MS = 5 * 60_000;
const TENANT_LANGUAGE_TTL_MS = 60_000;

export function createPeopleService(o: PeopleServiceOptions): PeopleService {
  const seedByAad = new Map((o.seed ?? []).map((s) => [s.aadObjectId, s]));
  // A returning person writes nothing: the same name, ids and locale were recorded a moment ago.
  const recorded = new TtlCache<Language | null>({ ttlMs: RECORDED_TTL_MS, max: 20_000, now: o.now });
  const tenantLanguages = new TtlCache<Language>({ ttlMs: TENANT_LANGUAGE_TTL_MS, max: 10_000, now: o.now });
  // Local mode: tenants this instance saw with a beheerder (the first-person bootstrap is skipped for them).
  const tenantsWithBeheerder = new TtlCache<true>({ ttlMs: RECORDED_TTL_MS, max: 10_000, now: o.now });
  async function recordActorNow(actor: Actor): Promise<Language | null> {
    const person = await recordPerson(
      o.db,
      { tenantId: actor.tenantId, aadObjectId: actor.aadObjectId, teamsUserId: actor.teamsUserId || undefined, name: actor.name || undefined, locale: actor.locale || undefined },
      o.defaultLanguage,
    );
    if (o.beheerders.includes(actor.aadObjectId)) {
      await grantRole(o.db, actor.tenantId, actor.aadObjectId, 'beheerder', null, GRANTED_BY_CONFIGURATION);
    }
    // Local mode, for a person seen for the first time: the playground's seeded roles, and the
    // first person of a tenant becomes beheerder. Never in production, where any teacher could
    // win that race.
    if (o.mode !== 'local' || !person.inserted) return person.language;
    const seeded = seedByAad.get(actor.aadObjectId);
    for (const role of seeded?.roles ?? []) {
      await grantRole(o.db, actor.tenantId, actor.aadObjectId, role, null, 'local-seed');
    }
    if (seeded?.language) await setPersonLanguage(o.db, actor.tenantId, actor.aadObjectId, seeded.language);
    // Only while the tenant has no beheerder: a tenant that has one keeps one (the last cannot be
    // revoked), so the lock and its transaction are taken for a tenant's very first people only.
    if (!tenantsWithBeheerder.get(actor.tenantId) && (await countBeheerders(o.db, actor.tenantId)) === 0) {
      await inTransaction(o.db, async (tx) => {
        await lockBeheerders(tx, actor.tenantId);
        if ((await countBeheerders(tx, actor.tenantId)) === 0) {
          await grantRole(tx, actor.tenantId, actor.aadObjectId, 'beheerder', null, 'local-first-install');
        }
      });
    }
    tenantsWithBeheerder.set(actor.tenantId, true);
    return seeded?.language ?? person.language;
  }

  return {
    ensureTenant: (tenantId) => ensureTenant(o.db, tenantId, o.defaultLanguage),
    audit: (q, e) => recordAudit(q, e),
    knownPeople: (tenantId, limit) => listKnownPeople(o.db, tenantId, limit),
    contactOf: (tenantId, aad) => getContact(o.db, tenantId, aad),
    schools: (tenantId) => listSchools(o.db, tenantId),
    findSchool: (tenantId, schoolId) => findSchool(o.db, tenantId, schoolId),
    async recordActor(actor) {
      const key = [actor.tenantId, actor.aadObjectId, actor.teamsUserId, actor.name, actor.locale].join('\u0000');
      const seen = recorded.get(key);
      if (seen) return seen.value;
      const language = await recordActorNow(actor);
      recorded.set(key, language);
      return language;
    },
    grantsOf: (tenantId, aadObjectId) => listGrants(o.db, tenantId, aadObjectId),
    contactsOf: (tenantId, ids) => getContacts(o.db, tenantId, ids),
    grantsOfMany: (tenantId, ids) => listGrantsOfMany(o.db, tenantId, ids),
    byEmails: (tenantId, emails) => findByEmails(o.db, tenantId, emails),
    roleHolders: (tenantId, roles, schoolIds, limit) => listRoleHolders(o.db, tenantId, roles, schoolIds, limit),
    async tenantLanguage(tenantId) {
      return tenantLanguages.getOrLoad(tenantId, async () => (await getTenantLanguage(o.db, tenantId)) ?? o.defaultLanguage);
    },
    rolesOverview: async (actor) => {
      await requireBeheerder(actor);
      const [schools, assignments] = await Promise.all([listSchools(o.db, actor.tenantId), listAssignments(o.db, actor.tenantId)]);
      return {
        schools,
        assignments: assignments.rows.map((a) => ({ ...a, setByConfiguration: isSetByConfiguration(a, o.beheerders) })),
        totalAssignments: assignments.total,
      };
    },
    async addSchool(actor, input) {
      await requireBeheerder(actor);
      const name = parseSchoolName(input);
      if (!name) throw rolesProblem('rolesSchoolNameInvalid');
      return inTransaction(o.db, async (tx) => {
        const school = await insertSchool(tx, actor.tenantId, name);
        if (!school) throw rolesProblem('rolesSchoolExists', { name });
        await recordAudit(tx, { tenantId: actor.tenantId, actor: actor.aadObjectId, action: 'school.add', subject: `school:${school.id}`, detail: { name } });
        return school;
      });
    },
    async grant(actor, person, role, schoolId) {
      await requireBeheerder(actor);
      if (!isRole(role)) throw rolesProblem('rolesRoleInvalid');
      return inTransaction(o.db, async (tx) => {
        const school = schoolId === null ? null : await findSchool(tx, actor.tenantId, schoolId);
        if (schoolId !== null && !school) throw rolesProblem('rolesSchoolUnknown');
        await upsertPerson(tx, { tenantId: actor.tenantId, aadObjectId: person.aadObjectId, name: person.name });
        const added = await grantRole(tx, actor.tenantId, person.aadObjectId, role, school?.id ?? null, actor.aadObjectId);
        if (added) {
          await recordAudit(tx, {
            tenantId: actor.tenantId,
            actor: actor.aadObjectId,
            action: 'role.grant',
            subject: `person:${person.aadObjectId}`,
            detail: { role, schoolId: school?.id ?? null },
          });
        }
        return { role, school, added };
      });
    },
    async revoke(actor, assignmentId) {
      await requireBeheerder(actor);
      return inTransaction(o.db, async (tx) => {
        await lockBeheerders(tx, actor.tenantId);
        const a = await findAssignment(tx, actor.tenantId, assignmentId);
        if (!a) throw rolesProblem('rolesAssignmentGone');
        if (isSetByConfiguration(a, o.beheerders)) throw rolesProblem('rolesSetByConfiguration', { name: a.name });
        if (isLastBeheerder(a, await countBeheerders(tx, actor.tenantId))) throw rolesProblem('rolesLastBeheerder');
        await deleteAssignment(tx, actor.tenantId, assignmentId);
        await recordAudit(tx, { tenantId: actor.tenantId, actor: actor.aadObjectId, action: 'role.revoke', subject: `person:${a.aadObjectId}`, detail: { role: a.role, schoolId: a.schoolId } });
        return a;
      });
    },
    async calendarOf(tenantId, schoolId) {
      return calendarFrom(await getCalendarSource(o.db, tenantId, schoolId));
    },
    async sectorOf(tenantId, schoolId) {
      if (schoolId === null) return null;
      const sector = await getSchoolSector(o.db, tenantId, schoolId);
      return isSector(sector) ? sector : null;
    },
    async schoolCalendars(actor) {
      const grants = await listGrants(o.db, actor.tenantId, actor.aadObjectId);
      if (!canSeeSchoolCalendars(grants)) throw notAllowed('school calendars: no beheerder or directeur');
      const [rows, defaultRegion] = await Promise.all([listSchoolCalendars(o.db, actor.tenantId), getDefaultRegion(o.db, actor.tenantId)]);
      return {
        canSetRegion: canSetRegions(grants),
        defaultRegion: isRegion(defaultRegion) ? defaultRegion : null,
        schools: rows
          .filter((s) => canKeepSchoolCalendar(grants, s.id))
          .map((s) => ({ ...s, region: isRegion(s.region) ? s.region : null, sector: isSector(s.sector) ? s.sector : null, canEdit: true })),
      };
    },
    async setRegion(actor, school, region, sector) {
      if (!canSetRegions(await listGrants(o.db, actor.tenantId, actor.aadObjectId))) throw notAllowed('set region: no beheerder');
      // 'none' on the card: not known (back to the default region, or weekends and public holidays only).
      const unset = (x: unknown) => x === '' || x === 'none' || x === undefined || x === null;
      const r = unset(region) ? null : isRegion(region) ? region : undefined;
      const sec = unset(sector) ? null : isSector(sector) ? sector : undefined;
      if (r === undefined || sec === undefined) throw invalidInput('region or sector');
      return inTransaction(o.db, async (tx) => {
        if (school === 'tenant') {
          await setDefaultRegion(tx, actor.tenantId, r);
          await recordAudit(tx, { tenantId: actor.tenantId, actor: actor.aadObjectId, action: 'tenant.region', detail: { region: r } });
          return { school: null, region: r };
        }
        const found = await findSchool(tx, actor.tenantId, school);
        if (!found || !(await setSchoolRegion(tx, actor.tenantId, school, r, sec))) throw notAllowed('set region: unknown school');
        await recordAudit(tx, { tenantId: actor.tenantId, actor: actor.aadObjectId, action: 'school.region', subject: `school:${school}`, detail: { region: r, sector: sec } });
        return { school: found, region: r };
      });
    },
    async saveHolidays(actor, schoolId, { text, format, source }) {
      const school = await requireSchoolKeeper(actor, schoolId);
      const parsed = parseOwnHolidays(text, format);
      if (!parsed.ok) return parsed;
      await inTransaction(o.db, async (tx) => {
        await upsertHolidayRoster(tx, actor.tenantId, schoolId, parsed.periods, source, actor.aadObjectId);
        await recordAudit(tx, { tenantId: actor.tenantId, actor: actor.aadObjectId, action: 'school.holidays.save', subject: `school:${schoolId}`, detail: { periods: parsed.periods.length, source } });
      });
      return { ok: true, school, periods: parsed.periods };
    },
    async removeHolidays(actor, schoolId) {
      const school = await requireSchoolKeeper(actor, schoolId);
      const removed = await inTransaction(o.db, async (tx) => {
        const gone = await deleteHolidayRoster(tx, actor.tenantId, schoolId);
        if (gone) await recordAudit(tx, { tenantId: actor.tenantId, actor: actor.aadObjectId, action: 'school.holidays.remove', subject: `school:${schoolId}` });
        return gone;
      });
      return { school, removed };
    },
    async reconcileConfiguredBeheerders(log) {
      return inTransaction(o.db, async (tx) => {
        const removed = await deleteConfiguredBeheerdersExcept(tx, o.beheerders);
        for (const r of removed) {
          await recordAudit(tx, {
            tenantId: r.tenantId,
            actor: null,
            action: 'role.revoke',
            subject: `person:${r.aadObjectId}`,
            detail: { role: 'beheerder', schoolId: null, reason: 'no longer in CADANS_BEHEERDERS' },
          });
        }
        // Counts only: ids and names stay out of info-level logs.
        if (removed.length > 0) log?.info({ removed: removed.length }, 'beheerder roles no longer in CADANS_BEHEERDERS removed');
        return removed.length;
      });
    },
  };

  /** A school of the actor's tenant whose calendar they keep; another tenant's, an unknown one and "not yours" are refused alike. */
  async function requireSchoolKeeper(actor: Actor, schoolId: number): Promise<School> {
    const [grants, school] = await Promise.all([listGrants(o.db, actor.tenantId, actor.aadObjectId), findSchool(o.db, actor.tenantId, schoolId)]);
    if (!school || !canKeepSchoolCalendar(grants, schoolId)) throw notAllowed('school calendar: not this school');
    return school;
  }

  async function requireBeheerder(actor: Actor): Promise<void> {
    if (!canManageRoles(await listGrants(o.db, actor.tenantId, actor.aadObjectId))) {
      throw notAllowed('no beheerder'); // the turn's log names the tenant; no Entra id in an info line
    }
  }
}
