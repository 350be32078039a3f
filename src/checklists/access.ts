// Who may see or edit one checklist: the guard behind every checklist verb (see src/access.ts).
// Checked before the verb's handler reads anything; a checklist of another tenant, an unknown id
// and "not yours" are refused alike.
import { z } from 'zod';
import { parseActionData, dbId } from '../action-data.js';
import type { AccessLevel, ResourceGuard } from '../access.js';
import { TtlCache } from '../cache.js';
import type { Db } from '../db/pool.js';
import type { RouteContext } from '../routes.js';
import { canEditChecklist, canSeeChecklistByRole, type ChecklistRef, type ChecklistScope, type Grant } from './model.js';
import { getChecklistScope, ownsAStep } from './store.js';

/** Action data version 2: the checklist's opaque id. Version 1 (older cards): its number. */
const refV1 = z.object({ v: z.literal(1), checklistId: dbId });
const refV2 = z.object({ v: z.literal(2), checklist: z.string().uuid().transform((x) => x.toLowerCase()) });
export const CHECKLIST_REF_VERSIONS = [1, 2] as const;

/** The schema of a checklist action's data: the reference in either version, plus `extra`. */
export function withChecklistRef<T extends z.ZodRawShape>(extra: T) {
  return z.union([refV1.extend(extra), refV2.extend(extra)]);
}

export function toChecklistRef(d: { checklistId: number } | { checklist: string }): ChecklistRef {
  return 'checklistId' in d ? { id: d.checklistId } : { publicId: d.checklist };
}

/** Parses the checklist a card's action names (version 1 or 2); stale or invalid input otherwise. */
export function parseChecklistRef(data: unknown): ChecklistRef {
  return toChecklistRef(parseActionData(withChecklistRef({}), data, CHECKLIST_REF_VERSIONS));
}

/** A checklist's scope never changes after it started (channel, team, school): kept a while. */
const SCOPE_TTL_MS = 5 * 60_000;

export interface ChecklistAccess {
  guard: ResourceGuard;
  /** The scope of a checklist of this tenant, or null (unknown, or another tenant's). */
  resolve(tenantId: string, ref: ChecklistRef): Promise<ChecklistScope | null>;
}

export function createChecklistAccess(deps: { db: Db; grantsOf(tenantId: string, aadObjectId: string): Promise<readonly Grant[]> }): ChecklistAccess {
  const scopes = new TtlCache<Promise<ChecklistScope | null>>({ ttlMs: SCOPE_TTL_MS, max: 5_000 });

  function resolve(tenantId: string, ref: ChecklistRef): Promise<ChecklistScope | null> {
    const key = `${tenantId}|${'id' in ref ? `#${ref.id}` : ref.publicId}`;
    const hit = scopes.get(key);
    if (hit) return hit.value;
    const p = getChecklistScope(deps.db, tenantId, ref);
    // Only found scopes are kept: a checklist started a moment later must be found.
    p.then(
      (s) => (s ? scopes.set(key, p) : undefined),
      () => undefined,
    );
    return p;
  }

  async function mayAccess(ctx: RouteContext, scope: ChecklistScope, level: AccessLevel): Promise<boolean> {
    const { actor } = ctx;
    if (level === 'answer') return false; // nothing to answer on a checklist
    if (level === 'edit') return canEditChecklist(await deps.grantsOf(actor.tenantId, actor.aadObjectId), scope.schoolId);
    // Teams delivers an action from a channel only from someone in it: its own channel, or another
    // channel of its team, is seen by its team.
    if (actor.conversation.kind === 'channel') {
      if (toChannelId(actor.conversation) === scope.conversationId) return true;
      if (scope.teamId && actor.conversation.teamId === scope.teamId) return true;
    }
    if (canSeeChecklistByRole(await deps.grantsOf(actor.tenantId, actor.aadObjectId), scope.schoolId)) return true;
    if (await ownsAStep(deps.db, scope.id, actor.aadObjectId)) return true;
    return scope.teamId !== null && (await ctx.directory.isTeamMember(scope.teamId, actor.aadObjectId));
  }

  return {
    resolve,
    async guard(ctx, data, level) {
      const scope = await resolve(ctx.actor.tenantId, parseChecklistRef(data));
      return scope !== null && scope.tenantId === ctx.actor.tenantId && (await mayAccess(ctx, scope, level));
    },
  };
}

/** The channel itself, not the thread the action came from. */
export function toChannelId(conversation: { id: string; channelId?: string }): string {
  const id = conversation.channelId ?? conversation.id;
  const i = id.indexOf(';messageid=');
  return i === -1 ? id : id.slice(0, i);
}
