// The checklists' part of a meeting's prep pack (issue 10, "Prep reminders"): the running checklists
// of a school, with their progress, as far as the member who prepares may see them.
import type { Queryable } from '../db/pool.js';
import type { RoleGrant } from '../people/feature.js';
import type { Grant } from './model.js';
import { listRunningForPrep } from './store.js';

/** Who prepares: the pack shows them only what they may see. */
export interface PrepViewer {
  tenantId: string;
  aadObjectId: string;
  grants: readonly RoleGrant[];
}

/** One running checklist in the pack. n.v.t. is counted apart: it is neither done nor open. */
export interface ChecklistForPrep {
  title: string;
  done: number;
  notApplicable: number;
  total: number;
  /** Open or in-progress steps whose due date is before today. */
  overdue: number;
}

/** Roles that see checklists (model.ts, canSeeChecklistByRole): tenant-wide everywhere, otherwise at their school. */
const SEE_ROLES: readonly string[] = ['beheerder', 'bestuurder', 'kwaliteitsmedewerker', 'directeur'];

/**
 * canSeeChecklistByRole as a filter a query can apply: `all` sees every checklist of the tenant;
 * otherwise the checklists of `schoolIds` (a board-level checklist, school null, is not among them).
 * It decides exactly as canSeeChecklistByRole (a property test holds them together).
 */
export function checklistVisibility(grants: readonly Grant[]): { all: boolean; schoolIds: number[] } {
  const seeing = grants.filter((g) => SEE_ROLES.includes(g.role));
  return {
    all: seeing.some((g) => g.schoolId === null),
    schoolIds: [...new Set(seeing.map((g) => g.schoolId).filter((s): s is number => s !== null))],
  };
}

export function createChecklistPrep(deps: { db: Queryable }) {
  return {
    /**
     * The running (not completed) checklists of `schoolId`, newest first, at most `limit`, that the
     * viewer may see. With `schoolId` null: every running checklist of the tenant (board-level ones
     * and all schools'), again only those the viewer may see, so a tenant-wide bestuurder gets all of
     * them and a directeur the board's they own a step of plus their own school's.
     *
     * Who may see follows the checklist feature's rules (model.ts canSeeChecklistByRole and
     * access.ts): the tenant's beheerders, bestuurders and kwaliteitsmedewerkers, the school's
     * directeur (and school-bound holders of those roles at its school), and the owners of its
     * steps. Members of the checklist's team see it in Teams too, but that takes Teams' roster of
     * the team, which a prep pack built ahead of a meeting does not have: they are not counted here,
     * so the pack may show less than the channel, never more.
     */
    async forPrep(viewer: PrepViewer, schoolId: number | null, today: string, limit = 8): Promise<ChecklistForPrep[]> {
      if (limit <= 0) return [];
      const { all, schoolIds } = checklistVisibility(viewer.grants);
      return listRunningForPrep(deps.db, viewer.tenantId, schoolId, { all, schoolIds, aad: viewer.aadObjectId }, today, limit);
    },
  };
}
