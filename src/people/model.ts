// Roles and what they may do. Pure: no I/O.
export const ROLES = ['beheerder', 'bestuurder', 'directeur', 'kwaliteitsmedewerker', 'medewerker', 'rvt', 'mr'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleGrant {
  role: Role;
  /** null: the role holds for the whole tenant (school board); otherwise for one school. */
  schoolId: number | null;
}

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/** Stored role assignments as grants; unknown roles (from a newer release) are left out. */
export function toRoleGrants(rows: ReadonlyArray<{ role: string; school_id: number | string | null }>): RoleGrant[] {
  return rows.filter((x) => isRole(x.role)).map((x) => ({ role: x.role as Role, schoolId: x.school_id === null ? null : Number(x.school_id) }));
}

export function hasRole(grants: readonly RoleGrant[], role: Role, schoolId?: number | null): boolean {
  return grants.some((g) => g.role === role && (g.schoolId === null || schoolId === undefined || g.schoolId === schoolId));
}

/** Only a beheerder defines schools and hands out roles. */
export function canManageRoles(grants: readonly RoleGrant[]): boolean {
  return hasRole(grants, 'beheerder');
}

/** A beheerder may not remove the last beheerder role of a tenant: nobody could hand out roles any more. */
export function isLastBeheerder(assignment: { role: Role; schoolId: number | null }, beheerderCount: number): boolean {
  return assignment.role === 'beheerder' && assignment.schoolId === null && beheerderCount <= 1;
}

/** School names as people type them: trimmed, inner spaces collapsed, 1–120 characters. */
export function parseSchoolName(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const name = input.replace(/\s+/g, ' ').trim();
  return name.length >= 1 && name.length <= 120 ? name : null;
}

/** granted_by of what CADANS_BEHEERDERS grants: the beheerder role for the whole tenant. */
export const GRANTED_BY_CONFIGURATION = 'configuration';

/**
 * A role CADANS_BEHEERDERS gives: the beheerder role for the whole tenant of someone named there, or
 * one configuration granted. It is changed in the configuration, not on the roles card (revoked in
 * the card, the next message would grant it again).
 */
export function isSetByConfiguration(
  assignment: { role: Role; schoolId: number | null; aadObjectId: string; grantedBy: string | null },
  configuredBeheerders: readonly string[],
): boolean {
  if (assignment.role !== 'beheerder' || assignment.schoolId !== null) return false;
  return assignment.grantedBy === GRANTED_BY_CONFIGURATION || configuredBeheerders.includes(assignment.aadObjectId);
}

// --- The school year ----------------------------------------------------------------------------

export const REGIONS = ['noord', 'midden', 'zuid'] as const;
export type Region = (typeof REGIONS)[number];
/** Primary, secondary, special and vocational education. */
export const SECTORS = ['po', 'vo', 'so', 'mbo'] as const;
export type Sector = (typeof SECTORS)[number];

export const isRegion = (x: unknown): x is Region => typeof x === 'string' && (REGIONS as readonly string[]).includes(x);
export const isSector = (x: unknown): x is Sector => typeof x === 'string' && (SECTORS as readonly string[]).includes(x);

/** Who sees a school's calendar and keeps its own vakantierooster: a beheerder, or a directeur of that school (tenant-wide: every school). */
export function canKeepSchoolCalendar(grants: readonly RoleGrant[], schoolId: number): boolean {
  return hasRole(grants, 'beheerder', schoolId) || hasRole(grants, 'directeur', schoolId);
}

/** Who opens the calendar card: beheerders and directeuren. */
export function canSeeSchoolCalendars(grants: readonly RoleGrant[]): boolean {
  return grants.some((g) => g.role === 'beheerder' || g.role === 'directeur');
}

/** Only a beheerder sets regions and sectors (they decide which dates a whole school works by). */
export const canSetRegions = (grants: readonly RoleGrant[]): boolean => grants.some((g) => g.role === 'beheerder' && g.schoolId === null);

/**
 * The calendar of a school, in this order: its own vakantierooster, its region, the tenant's default
 * region; none of these: {} (weekends and public holidays only). schoolRegion/ownPeriods are those
 * of the school (null for the board's level).
 */
export function calendarFrom(source: { defaultRegion: string | null; region: string | null; periods: readonly { name: string; first: string; last: string }[] | null }): {
  region?: Region;
  ownHolidays?: { name: string; first: string; last: string }[];
} {
  if (source.periods) return { ownHolidays: source.periods.map((p) => ({ name: p.name, first: p.first, last: p.last })) };
  if (isRegion(source.region)) return { region: source.region };
  if (isRegion(source.defaultRegion)) return { region: source.defaultRegion };
  return {};
}
