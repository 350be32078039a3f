// Who may see a table, change it, attend its meetings, and record them. Pure: grants in, yes or no out.
import { hasRole, type RoleGrant } from '../people/feature.js';
import type { ChairSpec, MeetingTable, MemberSpec } from './model.js';

/** Tenant-wide kwaliteitsmedewerkers and beheerders add, edit, pause and remove tables. */
export const canManageTables = (grants: readonly RoleGrant[]): boolean => grants.some((g) => g.schoolId === null && (g.role === 'kwaliteitsmedewerker' || g.role === 'beheerder'));

/** Does a role member spec include someone with these grants, at this table? */
export function specIncludes(spec: MemberSpec, grants: readonly RoleGrant[], aad: string, tableSchoolId: number | null): boolean {
  if (spec.kind === 'person') return spec.aadObjectId === aad;
  if (spec.kind === 'external') return false;
  return grants.some((g) => g.role === spec.role && scopeFits(spec.scope, g.schoolId, tableSchoolId));
}

/** Whether a grant's school fits a role member's scope at a table of this school (null: board level). */
export function scopeFits(scope: 'tenant' | 'school' | 'any', grantSchoolId: number | null, tableSchoolId: number | null): boolean {
  if (scope === 'any') return true;
  if (scope === 'tenant') return grantSchoolId === null;
  // 'school': the holders for the table's school; at a board table, any school's.
  return tableSchoolId === null ? grantSchoolId !== null : grantSchoolId === tableSchoolId;
}

export function sitsAt(table: Pick<MeetingTable, 'members' | 'chair' | 'schoolId'>, grants: readonly RoleGrant[], aad: string): boolean {
  return table.members.some((m) => specIncludes(m, grants, aad, table.schoolId)) || isChair(table.chair, grants, aad, table.schoolId);
}

export function isChair(chair: ChairSpec, grants: readonly RoleGrant[], aad: string, tableSchoolId: number | null): boolean {
  if (chair.kind === 'person') return chair.aadObjectId === aad;
  // A school's table: that school's holder of the role, or a tenant-wide one; a board table: tenant-wide.
  return grants.some((g) => g.role === chair.role && (g.schoolId === null || (tableSchoolId !== null && g.schoolId === tableSchoolId)));
}

/**
 * Who sees a table in `overleg` and opens it: managers and tenant-wide bestuurders all of them; a
 * directeur their school's tables; everyone the tables they sit at.
 */
export function maySeeTable(table: Pick<MeetingTable, 'members' | 'chair' | 'schoolId'>, grants: readonly RoleGrant[], aad: string): boolean {
  if (canManageTables(grants) || grants.some((g) => g.role === 'bestuurder' && g.schoolId === null)) return true;
  if (table.schoolId !== null && hasRole(grants, 'directeur', table.schoolId) && grants.some((g) => g.role === 'directeur' && g.schoolId === table.schoolId)) return true;
  return sitsAt(table, grants, aad);
}

/** Who sets the next date and records a meeting: managers and the chair. */
export function mayRunTable(table: Pick<MeetingTable, 'chair' | 'schoolId'>, grants: readonly RoleGrant[], aad: string): boolean {
  return canManageTables(grants) || isChair(table.chair, grants, aad, table.schoolId);
}
