// Who may see or change one improvement action: the guard behind the verb table's `action` resource
// (see src/access.ts). Cards carry the action's opaque id (`{ v: 1, action: <uuid> }`); an action of
// another tenant, an unknown id and "not yours" are refused alike, so ids say nothing.
//
// A save without an action id makes a new one: from a survey's result line whoever may see that
// survey's results may (the survey feature's guard decides), typed in the roles decide (model.ts).
import { z } from 'zod';
import { parseActionData } from '../action-data.js';
import type { AccessLevel, ResourceGuard } from '../access.js';
import type { Db } from '../db/pool.js';
import type { RouteContext } from '../routes.js';
import { canCreateManual, canEditAction, canSeeAction, fixedSchoolOf, type Grant } from './model.js';
import { getActionScope } from './store.js';

const uuid = z.string().uuid().transform((x) => x.toLowerCase());
/** The action a card names, or (a new one) the survey line it is made from; other fields pass. */
export const actionRefData = z
  .object({ v: z.literal(1), action: uuid.optional(), survey: uuid.optional(), question: z.string().regex(/^q\d{1,2}$/).optional() })
  .passthrough();
export const ACTION_REF_VERSIONS = [1] as const;

/** Parses what an action's card data names: stale or invalid input otherwise. */
export function parseActionRef(data: unknown): z.output<typeof actionRefData> {
  return parseActionData(actionRefData, data, ACTION_REF_VERSIONS);
}

export interface ActionAccessDeps {
  db: Db;
  grantsOf(tenantId: string, aadObjectId: string): Promise<readonly Grant[]>;
  /** May this actor see the results of this survey (the survey feature's guard)? */
  maySeeSurvey(ctx: RouteContext, surveyPublicId: string): Promise<boolean>;
}

export function createActionAccess(deps: ActionAccessDeps): { guard: ResourceGuard } {
  async function guard(ctx: RouteContext, data: unknown, level: AccessLevel): Promise<boolean> {
    if (level === 'answer') return false; // nothing to answer on an action
    const ref = parseActionRef(data);
    const { actor } = ctx;
    if (ref.action) {
      const scope = await getActionScope(deps.db, actor.tenantId, ref.action);
      if (!scope || scope.tenantId !== actor.tenantId) return false;
      const grants = await deps.grantsOf(actor.tenantId, actor.aadObjectId);
      return level === 'edit' ? canEditAction(grants, actor.aadObjectId, scope) : canSeeAction(grants, actor.aadObjectId, scope);
    }
    // No action yet: making a new one (only `edit` makes sense).
    if (level !== 'edit') return false;
    if (ref.survey) return deps.maySeeSurvey(ctx, ref.survey);
    const grants = await deps.grantsOf(actor.tenantId, actor.aadObjectId);
    const school = typeof ref.school === 'string' && /^\d{1,15}$/.test(ref.school) ? Number(ref.school) : null;
    return canCreateManual(grants, fixedSchoolOf(grants) ?? school);
  }
  return { guard };
}
