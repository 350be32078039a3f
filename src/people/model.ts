// Roles and what they may do. Pure: no I/O.
export const ROLES = ['beheerder', 'bestuurder', 'directeur', 'kwaliteitsmedewerker', 'medewerker', 'rvt'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleGrant {
  role: Role;
  /** null: the role holds for the whole tenant (school board); otherwise for one school. */
  schoolId: number | null;
}

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

export function hasRole(grants: readonly RoleGrant[], role: Role, schoolId?: number | null): boolean {
  return grants.some((g) => g.role === role && (g.schoolId === null || schoolId === undefined || g.schoolId === schoolId));
}

/** Only a beheerder defines schools and hands out roles. */
export function canManageRoles(grants: readonly RoleGrant[]): boolean {
  return hasRole(grants, 'beheerder');
}
