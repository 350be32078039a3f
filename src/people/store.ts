import type { Queryable } from '../db/pool.js';
import type { Language } from '../config.js';
import { GRANTED_BY_CONFIGURATION, toRoleGrants, type RoleGrant, type Role } from './model.js';

export interface PersonInput {
  tenantId: string;
  aadObjectId: string;
  teamsUserId?: string;
  name?: string;
  locale?: string;
}

export async function ensureTenant(db: Queryable, tenantId: string, language: Language): Promise<void> {
  await db.query('insert into tenants (id, language) values ($1, $2) on conflict (id) do nothing', [tenantId, language]);
}

/**
 * One round trip per turn: the tenant exists, the person is recorded (written only when something
 * changed), and their explicit language comes back. `inserted`: the person is new.
 */
export async function recordPerson(db: Queryable, p: PersonInput, tenantLanguage: Language): Promise<{ inserted: boolean; language: Language | null }> {
  const r = await db.query<{ inserted: boolean; language: Language | null }>(
    `with t as (insert into tenants (id, language) values ($1, $6) on conflict (id) do nothing),
     up as (
       insert into people (tenant_id, aad_object_id, teams_user_id, name, locale)
       values ($1, $2, $3, coalesce($4, ''), $5)
       on conflict (tenant_id, aad_object_id) do update set
         teams_user_id = coalesce(excluded.teams_user_id, people.teams_user_id),
         name = case when excluded.name <> '' then excluded.name else people.name end,
         locale = coalesce(excluded.locale, people.locale),
         updated_at = now()
       where people.teams_user_id is distinct from excluded.teams_user_id
          or (excluded.name <> '' and people.name is distinct from excluded.name)
          or (excluded.locale is not null and people.locale is distinct from excluded.locale)
       returning (xmax = 0) as inserted, language
     )
     select inserted, language from up
     union all
     select false, language from people where tenant_id = $1 and aad_object_id = $2 and not exists (select 1 from up)`,
    [p.tenantId, p.aadObjectId, p.teamsUserId ?? null, p.name ?? null, p.locale ?? null, tenantLanguage],
  );
  return { inserted: r.rows[0]?.inserted ?? false, language: r.rows[0]?.language ?? null };
}

export async function getTenantLanguage(db: Queryable, tenantId: string): Promise<Language | null> {
  const r = await db.query<{ language: Language }>('select language from tenants where id = $1', [tenantId]);
  return r.rows[0]?.language ?? null;
}

/** Records a person picked from a roster (the tenant exists already). */
export async function upsertPerson(db: Queryable, p: PersonInput): Promise<void> {
  await recordPerson(db, p, 'nl');
}

export async function listGrants(db: Queryable, tenantId: string, aadObjectId: string): Promise<RoleGrant[]> {
  const r = await db.query<{ role: string; school_id: string | null }>({
    name: 'cadans.people.grants',
    text: 'select role, school_id from role_assignments where tenant_id = $1 and aad_object_id = $2',
    values: [tenantId, aadObjectId],
  });
  return toRoleGrants(r.rows);
}

export async function grantRole(
  db: Queryable,
  tenantId: string,
  aadObjectId: string,
  role: Role,
  schoolId: number | null,
  grantedBy: string | null,
): Promise<boolean> {
  const r = await db.query(
    `insert into role_assignments (tenant_id, aad_object_id, role, school_id, granted_by)
     values ($1, $2, $3, $4, $5) on conflict do nothing`,
    [tenantId, aadObjectId, role, schoolId, grantedBy],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function countBeheerders(db: Queryable, tenantId: string): Promise<number> {
  const r = await db.query<{ n: string }>(
    "select count(*) as n from role_assignments where tenant_id = $1 and role = 'beheerder'",
    [tenantId],
  );
  return Number(r.rows[0]?.n ?? 0);
}

export async function setPersonLanguage(db: Queryable, tenantId: string, aadObjectId: string, language: Language | null): Promise<void> {
  await db.query(
    'update people set language = $3, updated_at = now() where tenant_id = $1 and aad_object_id = $2 and language is distinct from $3',
    [tenantId, aadObjectId, language],
  );
}

export interface School {
  id: number;
  name: string;
}

export interface Assignment {
  id: number;
  aadObjectId: string;
  name: string;
  role: Role;
  schoolId: number | null;
  schoolName: string | null;
  /** Who granted it: an Entra object id, or 'configuration', 'local-seed', 'local-first-install'. */
  grantedBy: string | null;
}

export async function listSchools(db: Queryable, tenantId: string): Promise<School[]> {
  const r = await db.query<{ id: string; name: string }>('select id, name from schools where tenant_id = $1 order by lower(name)', [tenantId]);
  return r.rows.map((x) => ({ id: Number(x.id), name: x.name }));
}

/** null when a school with that name (case-insensitive) exists already. */
export async function insertSchool(db: Queryable, tenantId: string, name: string): Promise<School | null> {
  const r = await db.query<{ id: string; name: string }>(
    'insert into schools (tenant_id, name) values ($1, $2) on conflict (tenant_id, lower(name)) do nothing returning id, name',
    [tenantId, name],
  );
  const row = r.rows[0];
  return row ? { id: Number(row.id), name: row.name } : null;
}

export async function findSchool(db: Queryable, tenantId: string, schoolId: number): Promise<School | null> {
  const r = await db.query<{ id: string; name: string }>('select id, name from schools where tenant_id = $1 and id = $2', [tenantId, schoolId]);
  const row = r.rows[0];
  return row ? { id: Number(row.id), name: row.name } : null;
}

export async function listAssignments(db: Queryable, tenantId: string, limit = 200): Promise<{ rows: Assignment[]; total: number }> {
  const r = await db.query<{ id: string; aad_object_id: string; name: string; role: Role; school_id: string | null; school_name: string | null; granted_by: string | null; total: string }>(
    `select ra.id, ra.aad_object_id, p.name, ra.role, ra.school_id, s.name as school_name, ra.granted_by, count(*) over () as total
       from role_assignments ra
       join people p on p.tenant_id = ra.tenant_id and p.aad_object_id = ra.aad_object_id
       left join schools s on s.id = ra.school_id
      where ra.tenant_id = $1
      order by lower(p.name), ra.role, s.name nulls first
      limit $2`,
    [tenantId, limit],
  );
  return {
    total: Number(r.rows[0]?.total ?? 0),
    rows: r.rows.map(toAssignment),
  };
}

export async function findAssignment(db: Queryable, tenantId: string, id: number): Promise<Assignment | null> {
  const r = await db.query<AssignmentRow>(
    `select ra.id, ra.aad_object_id, p.name, ra.role, ra.school_id, s.name as school_name, ra.granted_by
       from role_assignments ra
       join people p on p.tenant_id = ra.tenant_id and p.aad_object_id = ra.aad_object_id
       left join schools s on s.id = ra.school_id
      where ra.tenant_id = $1 and ra.id = $2`,
    [tenantId, id],
  );
  const x = r.rows[0];
  return x ? toAssignment(x) : null;
}

interface AssignmentRow {
  id: string;
  aad_object_id: string;
  name: string;
  role: Role;
  school_id: string | null;
  school_name: string | null;
  granted_by: string | null;
}

function toAssignment(x: AssignmentRow): Assignment {
  return { id: Number(x.id), aadObjectId: x.aad_object_id, name: x.name, role: x.role, schoolId: x.school_id === null ? null : Number(x.school_id), schoolName: x.school_name, grantedBy: x.granted_by };
}

export async function deleteAssignment(db: Queryable, tenantId: string, id: number): Promise<boolean> {
  const r = await db.query('delete from role_assignments where tenant_id = $1 and id = $2', [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

export async function listKnownPeople(db: Queryable, tenantId: string, limit: number): Promise<{ aadObjectId: string; name: string }[]> {
  const r = await db.query<{ aad_object_id: string; name: string }>(
    "select aad_object_id, name from people where tenant_id = $1 and name <> '' order by lower(name) limit $2",
    [tenantId, limit],
  );
  return r.rows.map((x) => ({ aadObjectId: x.aad_object_id, name: x.name }));
}

export async function recordAudit(db: Queryable, e: { tenantId: string; actor: string | null; action: string; subject?: string; detail?: object }): Promise<void> {
  await db.query('insert into audit_events (tenant_id, actor_aad_object_id, action, subject, detail) values ($1, $2, $3, $4, $5)', [
    e.tenantId,
    e.actor,
    e.action,
    e.subject ?? null,
    JSON.stringify(e.detail ?? {}),
  ]);
}

/**
 * Removes, in every tenant, the beheerder roles configuration granted to people no longer named in
 * it. Roles granted by hand are not touched. Returns what was removed (for the audit log).
 */
export async function deleteConfiguredBeheerdersExcept(db: Queryable, keep: readonly string[]): Promise<{ id: number; tenantId: string; aadObjectId: string }[]> {
  const r = await db.query<{ id: string; tenant_id: string; aad_object_id: string }>(
    `delete from role_assignments
      where role = 'beheerder' and school_id is null and granted_by = $1 and not (aad_object_id = any($2::text[]))
      returning id, tenant_id, aad_object_id`,
    [GRANTED_BY_CONFIGURATION, [...keep]],
  );
  return r.rows.map((x) => ({ id: Number(x.id), tenantId: x.tenant_id, aadObjectId: x.aad_object_id }));
}

/** Serialises the first-beheerder bootstrap and last-beheerder check of a tenant (until the transaction ends). */
export async function lockBeheerders(tx: Queryable, tenantId: string): Promise<void> {
  await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`beheerder-bootstrap:${tenantId}`]);
}

export interface Contact {
  teamsUserId: string | null;
  language: string | null;
  locale: string | null;
}

/** How to reach a person 1:1, and in which language. */
export async function getContact(db: Queryable, tenantId: string, aadObjectId: string): Promise<Contact | null> {
  const r = await db.query<{ teams_user_id: string | null; language: string | null; locale: string | null }>(
    'select teams_user_id, language, locale from people where tenant_id = $1 and aad_object_id = $2',
    [tenantId, aadObjectId],
  );
  const x = r.rows[0];
  return x ? { teamsUserId: x.teams_user_id, language: x.language, locale: x.locale } : null;
}

// --- SQL of this store's tables, for another feature's statement ---------------------------------
// A checklist step change is one round trip: it reads (and checks) the actor's role assignments in
// its own statement, and the channel card names the people who worked on it. The text that reads
// people's tables is written here, by their owner; the checklist store composes it (docs/architecture.md).

/** A person's role assignments as JSON text, in a fixed order (compared as text by a later write). */
export function roleAssignmentsJsonSql(tenantExpr: string, aadExpr: string): string {
  return `(select coalesce(json_agg(json_build_object('role', ra.role, 'school_id', ra.school_id) order by ra.role, ra.school_id), '[]'::json)::text
         from role_assignments ra where ra.tenant_id = ${tenantExpr} and ra.aad_object_id = ${aadExpr})`;
}

/** Joins a person's Teams user id (29:…) as `${alias}.teams_user_id`, for people known to Cadans. */
export function teamsUserJoinSql(alias: string, tenantExpr: string, aadExpr: string): string {
  return `join people ${alias} on ${alias}.tenant_id = ${tenantExpr} and ${alias}.aad_object_id = ${aadExpr}`;
}

/** A school's name by its id, as a scalar subquery (null when gone). */
export function schoolNameSql(schoolIdExpr: string): string {
  return `(select sc.name from schools sc where sc.id = ${schoolIdExpr})`;
}

export interface PersonContact extends Contact {
  aadObjectId: string;
  name: string;
  email: string | null;
}

/** Many people at once (a survey's recipients): how to reach them and in which language. */
export async function getContacts(db: Queryable, tenantId: string, aadObjectIds: readonly string[]): Promise<PersonContact[]> {
  if (aadObjectIds.length === 0) return [];
  const r = await db.query<{ aad_object_id: string; teams_user_id: string | null; name: string; email: string | null; language: string | null; locale: string | null }>(
    'select aad_object_id, teams_user_id, name, email, language, locale from people where tenant_id = $1 and aad_object_id = any($2::text[])',
    [tenantId, aadObjectIds],
  );
  return r.rows.map((x) => ({ aadObjectId: x.aad_object_id, teamsUserId: x.teams_user_id, name: x.name, email: x.email, language: x.language, locale: x.locale }));
}

export interface RoleHolder {
  aadObjectId: string;
  name: string;
  roles: { role: Role; schoolId: number | null }[];
}

/**
 * People holding any of these roles (all roles when empty), at any of these schools (tenant-wide
 * grants count for every school; all schools when null): a survey's audience by role or school.
 */
export async function listRoleHolders(db: Queryable, tenantId: string, roles: readonly Role[], schoolIds: readonly number[] | null, limit: number): Promise<RoleHolder[]> {
  const r = await db.query<{ aad_object_id: string; name: string; roles: { role: Role; schoolId: number | null }[] }>(
    `select p.aad_object_id, p.name,
            json_agg(json_build_object('role', a.role, 'schoolId', a.school_id) order by a.role, a.school_id) as roles
     from role_assignments a join people p on p.tenant_id = a.tenant_id and p.aad_object_id = a.aad_object_id
     where a.tenant_id = $1 and (cardinality($2::text[]) = 0 or a.role = any($2::text[]))
       and ($3::bigint[] is null or a.school_id = any($3::bigint[]) or a.school_id is null)
     group by p.aad_object_id, p.name order by p.name limit $4`,
    [tenantId, roles, schoolIds, limit],
  );
  return r.rows.map((x) => ({ aadObjectId: x.aad_object_id, name: x.name, roles: x.roles }));
}

/** Everyone's role assignments, for many people at once (a team's members: their school and perspective). */
export async function listGrantsOfMany(db: Queryable, tenantId: string, aadObjectIds: readonly string[]): Promise<Map<string, RoleGrant[]>> {
  const out = new Map<string, RoleGrant[]>();
  if (aadObjectIds.length === 0) return out;
  const r = await db.query<{ aad_object_id: string; role: Role; school_id: string | null }>(
    'select aad_object_id, role, school_id from role_assignments where tenant_id = $1 and aad_object_id = any($2::text[])',
    [tenantId, aadObjectIds],
  );
  for (const x of r.rows) {
    const list = out.get(x.aad_object_id) ?? [];
    list.push({ role: x.role, schoolId: x.school_id === null ? null : Number(x.school_id) } as RoleGrant);
    out.set(x.aad_object_id, list);
  }
  return out;
}

/** People of a tenant by email address (lower-cased), as Teams or Graph told Cadans. */
export async function findByEmails(db: Queryable, tenantId: string, emails: readonly string[]): Promise<{ aadObjectId: string; email: string }[]> {
  if (emails.length === 0) return [];
  const r = await db.query<{ aad_object_id: string; email: string }>(
    'select aad_object_id, lower(email) as email from people where tenant_id = $1 and lower(email) = any($2::text[])',
    [tenantId, emails],
  );
  return r.rows.map((x) => ({ aadObjectId: x.aad_object_id, email: x.email }));
}

// --- The school year: regions, sectors and own vakantieroosters (migration 011) -------------------

export interface StoredPeriod {
  name: string;
  first: string;
  last: string;
}

export interface SchoolCalendarRow {
  id: number;
  name: string;
  region: string | null;
  sector: string | null;
  roster: { periods: StoredPeriod[]; source: string; updatedAt: Date } | null;
}

/** What a calendar is made of: the tenant's default region, and the school's region and own rooster (schoolId null: none). */
export async function getCalendarSource(db: Queryable, tenantId: string, schoolId: number | null): Promise<{ defaultRegion: string | null; region: string | null; periods: StoredPeriod[] | null }> {
  const r = await db.query<{ default_region: string | null; region: string | null; periods: StoredPeriod[] | null }>({
    name: 'cadans.people.calendar',
    text: `select t.default_region, s.region, h.periods
             from tenants t
             left join schools s on s.tenant_id = t.id and s.id = $2
             left join school_holiday_rosters h on h.school_id = s.id and h.tenant_id = t.id
            where t.id = $1`,
    values: [tenantId, schoolId],
  });
  const x = r.rows[0];
  return { defaultRegion: x?.default_region ?? null, region: x?.region ?? null, periods: x?.periods ?? null };
}

/** A school's sector (po, vo, so, mbo) as stored, or null. */
export async function getSchoolSector(db: Queryable, tenantId: string, schoolId: number): Promise<string | null> {
  const r = await db.query<{ sector: string | null }>('select sector from schools where tenant_id = $1 and id = $2', [tenantId, schoolId]);
  return r.rows[0]?.sector ?? null;
}

export async function getDefaultRegion(db: Queryable, tenantId: string): Promise<string | null> {
  const r = await db.query<{ default_region: string | null }>('select default_region from tenants where id = $1', [tenantId]);
  return r.rows[0]?.default_region ?? null;
}

/** The tenant's schools with their region, sector and own rooster, by name. */
export async function listSchoolCalendars(db: Queryable, tenantId: string): Promise<SchoolCalendarRow[]> {
  const r = await db.query<{ id: string; name: string; region: string | null; sector: string | null; periods: StoredPeriod[] | null; source: string | null; updated_at: Date | null }>(
    `select s.id, s.name, s.region, s.sector, h.periods, h.source, h.updated_at
       from schools s left join school_holiday_rosters h on h.school_id = s.id and h.tenant_id = s.tenant_id
      where s.tenant_id = $1 order by lower(s.name)`,
    [tenantId],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    name: x.name,
    region: x.region,
    sector: x.sector,
    roster: x.periods ? { periods: x.periods, source: x.source ?? 'card', updatedAt: x.updated_at ?? new Date(0) } : null,
  }));
}

/** false when the tenant has no such school. */
export async function setSchoolRegion(db: Queryable, tenantId: string, schoolId: number, region: string | null, sector: string | null): Promise<boolean> {
  const r = await db.query('update schools set region = $3, sector = $4 where tenant_id = $1 and id = $2', [tenantId, schoolId, region, sector]);
  return (r.rowCount ?? 0) > 0;
}

export async function setDefaultRegion(db: Queryable, tenantId: string, region: string | null): Promise<void> {
  await db.query('update tenants set default_region = $2 where id = $1', [tenantId, region]);
}

export async function upsertHolidayRoster(db: Queryable, tenantId: string, schoolId: number, periods: readonly StoredPeriod[], source: 'card' | 'ics' | 'csv', updatedBy: string): Promise<void> {
  await db.query(
    `insert into school_holiday_rosters (tenant_id, school_id, periods, source, updated_by) values ($1, $2, $3, $4, $5)
     on conflict (school_id) do update set periods = excluded.periods, source = excluded.source, updated_by = excluded.updated_by, updated_at = now()
     where school_holiday_rosters.tenant_id = excluded.tenant_id`,
    [tenantId, schoolId, JSON.stringify(periods), source, updatedBy],
  );
}

/** false when the school had no own rooster. */
export async function deleteHolidayRoster(db: Queryable, tenantId: string, schoolId: number): Promise<boolean> {
  const r = await db.query('delete from school_holiday_rosters where tenant_id = $1 and school_id = $2', [tenantId, schoolId]);
  return (r.rowCount ?? 0) > 0;
}

// --- Privacy (docs/privacy.md): one person's rows exported and erased, a tenant's deleted, audit kept for its term ---

export interface PersonIdentity {
  aadObjectId: string;
  teamsUserId: string | null;
  name: string;
  email: string | null;
}

export async function getPersonIdentity(db: Queryable, tenantId: string, aadObjectId: string): Promise<PersonIdentity | null> {
  const r = await db.query<{ teams_user_id: string | null; name: string; email: string | null }>(
    'select teams_user_id, name, email from people where tenant_id = $1 and aad_object_id = $2',
    [tenantId, aadObjectId],
  );
  const x = r.rows[0];
  return x ? { aadObjectId, teamsUserId: x.teams_user_id, name: x.name, email: x.email } : null;
}

/** Everything the people tables hold about one person, for their export (readable keys). */
export async function exportPersonRows(db: Queryable, tenantId: string, aadObjectId: string): Promise<Record<string, unknown>> {
  const person = await db.query(
    `select aad_object_id as "entraObjectId", teams_user_id as "teamsUserId", name, email, job_title as "jobTitle",
            locale, language, created_at as "firstSeen", updated_at as "updatedAt"
       from people where tenant_id = $1 and aad_object_id = $2`,
    [tenantId, aadObjectId],
  );
  const roles = await db.query(
    `select r.role, s.name as school, r.granted_at as "grantedAt", (r.granted_by = 'configuration') as "byConfiguration"
       from role_assignments r left join schools s on s.id = r.school_id
      where r.tenant_id = $1 and r.aad_object_id = $2 order by r.granted_at`,
    [tenantId, aadObjectId],
  );
  const granted = await db.query(
    `select r.role, s.name as school, r.granted_at as "grantedAt"
       from role_assignments r left join schools s on s.id = r.school_id
      where r.tenant_id = $1 and r.granted_by = $2 and r.aad_object_id <> $2 order by r.granted_at`,
    [tenantId, aadObjectId],
  );
  const audit = await db.query(
    `select action, subject, detail, at, (actor_aad_object_id = $2) as "byThem"
       from audit_events
      where tenant_id = $1 and (actor_aad_object_id = $2 or subject = $2 or position($2 in detail::text) > 0)
      order by at, id`,
    [tenantId, aadObjectId],
  );
  const rosters = await db.query(
    `select s.name as school, h.source, h.updated_at as "updatedAt"
       from school_holiday_rosters h join schools s on s.id = h.school_id
      where h.tenant_id = $1 and h.updated_by = $2`,
    [tenantId, aadObjectId],
  );
  return { person: person.rows[0] ?? null, roles: roles.rows, rolesTheyGranted: granted.rows, auditEvents: audit.rows, holidayRostersTheyChanged: rosters.rows };
}

/**
 * Erases one person from the people tables: their roles and person row go; where others' history
 * names them (roles they granted, audit events, rosters they changed) the id becomes the pseudonym
 * and names/emails in texts the label. Runs inside the caller's transaction.
 */
export async function erasePersonRows(
  db: Queryable,
  p: { tenantId: string; aadObjectId: string; pseudonym: string },
  scrub: { needles: string[]; replacements: string[] },
): Promise<Record<string, number>> {
  const n = (r: { rowCount: number | null }) => r.rowCount ?? 0;
  const roles = n(await db.query('delete from role_assignments where tenant_id = $1 and aad_object_id = $2', [p.tenantId, p.aadObjectId]));
  const granted = n(await db.query('update role_assignments set granted_by = $3 where tenant_id = $1 and granted_by = $2', [p.tenantId, p.aadObjectId, p.pseudonym]));
  const audit = n(
    await db.query(
      `update audit_events
          set actor_aad_object_id = case when actor_aad_object_id = $2 then $3 else actor_aad_object_id end,
              subject = cadans_scrub(subject, $4, $5),
              detail = cadans_scrub(detail::text, $4, $5)::jsonb
        where tenant_id = $1
          and (actor_aad_object_id = $2 or subject is distinct from cadans_scrub(subject, $4, $5) or detail::text <> cadans_scrub(detail::text, $4, $5))`,
      [p.tenantId, p.aadObjectId, p.pseudonym, scrub.needles, scrub.replacements],
    ),
  );
  const rosters = n(await db.query('update school_holiday_rosters set updated_by = $3 where tenant_id = $1 and updated_by = $2', [p.tenantId, p.aadObjectId, p.pseudonym]));
  const person = n(await db.query('delete from people where tenant_id = $1 and aad_object_id = $2', [p.tenantId, p.aadObjectId]));
  return { people: person, role_assignments: roles + granted, audit_events: audit, school_holiday_rosters: rosters };
}

/** All of a tenant's rows in the people tables, for the operator's export. */
export async function exportTenantRows(db: Queryable, tenantId: string): Promise<Record<string, unknown>> {
  const all = async (sql: string) => (await db.query(sql, [tenantId])).rows;
  return {
    tenant: (await all('select id, language, default_region as "defaultRegion", created_at as "createdAt" from tenants where id = $1'))[0] ?? null,
    schools: await all('select id, name, region, sector, created_at as "createdAt" from schools where tenant_id = $1 order by id'),
    people: await all('select aad_object_id as "entraObjectId", teams_user_id as "teamsUserId", name, email, job_title as "jobTitle", locale, language, created_at as "createdAt" from people where tenant_id = $1 order by created_at'),
    roleAssignments: await all('select aad_object_id as "entraObjectId", role, school_id as "schoolId", granted_by as "grantedBy", granted_at as "grantedAt" from role_assignments where tenant_id = $1 order by id'),
    holidayRosters: await all('select school_id as "schoolId", periods, source, updated_by as "updatedBy", updated_at as "updatedAt" from school_holiday_rosters where tenant_id = $1'),
    auditEvents: await all('select actor_aad_object_id as "actor", action, subject, detail, at from audit_events where tenant_id = $1 order by id'),
  };
}

/** Deletes all of a tenant's rows in the people tables, the tenants row last (other features' rows are gone by then). */
export async function deleteTenantRows(db: Queryable, tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, sql] of [
    ['audit_events', 'delete from audit_events where tenant_id = $1'],
    ['role_assignments', 'delete from role_assignments where tenant_id = $1'],
    ['school_holiday_rosters', 'delete from school_holiday_rosters where tenant_id = $1'],
    ['people', 'delete from people where tenant_id = $1'],
    ['schools', 'delete from schools where tenant_id = $1'],
    ['tenants', 'delete from tenants where id = $1'],
  ] as const) {
    counts[table] = (await db.query(sql, [tenantId])).rowCount ?? 0;
  }
  return counts;
}

/** Audit events older than the cut-off, at most `limit` of them. */
export async function deleteAuditBefore(db: Queryable, before: Date, limit: number): Promise<number> {
  const r = await db.query('delete from audit_events where id in (select id from audit_events where at < $1 order by id limit $2)', [before, limit]);
  return r.rowCount ?? 0;
}
