import type { Queryable } from '../db/pool.js';
import type { Language } from '../config.js';
import { isRole, type RoleGrant, type Role } from './model.js';

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

export async function getTenantLanguage(db: Queryable, tenantId: string): Promise<Language | null> {
  const r = await db.query<{ language: Language }>('select language from tenants where id = $1', [tenantId]);
  return r.rows[0]?.language ?? null;
}

export async function upsertPerson(db: Queryable, p: PersonInput): Promise<void> {
  await db.query(
    `insert into people (tenant_id, aad_object_id, teams_user_id, name, locale)
     values ($1, $2, $3, coalesce($4, ''), $5)
     on conflict (tenant_id, aad_object_id) do update set
       teams_user_id = coalesce(excluded.teams_user_id, people.teams_user_id),
       name = case when excluded.name <> '' then excluded.name else people.name end,
       locale = coalesce(excluded.locale, people.locale),
       updated_at = now()
     where people.teams_user_id is distinct from excluded.teams_user_id
        or (excluded.name <> '' and people.name is distinct from excluded.name)
        or (excluded.locale is not null and people.locale is distinct from excluded.locale)`,
    [p.tenantId, p.aadObjectId, p.teamsUserId ?? null, p.name ?? null, p.locale ?? null],
  );
}

export async function listGrants(db: Queryable, tenantId: string, aadObjectId: string): Promise<RoleGrant[]> {
  const r = await db.query<{ role: string; school_id: string | null }>(
    'select role, school_id from role_assignments where tenant_id = $1 and aad_object_id = $2',
    [tenantId, aadObjectId],
  );
  return r.rows.filter((x) => isRole(x.role)).map((x) => ({ role: x.role as Role, schoolId: x.school_id === null ? null : Number(x.school_id) }));
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

export async function getPersonLanguage(db: Queryable, tenantId: string, aadObjectId: string): Promise<Language | null> {
  const r = await db.query<{ language: Language | null }>('select language from people where tenant_id = $1 and aad_object_id = $2', [tenantId, aadObjectId]);
  return r.rows[0]?.language ?? null;
}
