// Who may use a verb, and where. Every verb declares its rule next to its handler in the verb table
// (app-routes.ts); authorize() checks it on the server before the handler runs, so before the
// handler reads anything, whatever the card showed. A refusal is always the same card: the
// "not allowed" notice (or, for the wrong place, a notice that says where it can be done).
import type { StringKey } from './cards/i18n.js';
import { DomainError, notAllowed } from './errors.js';
import type { Role, RoleGrant } from './people/feature.js';
import type { ConversationKind, RouteContext } from './routes.js';

/** Where an action comes from: a personal chat, a team channel, a group chat. */
export type Place = ConversationKind;
export const ANYWHERE: readonly Place[] = ['personal', 'channel', 'groupChat'];
export const IN_CHANNEL: readonly Place[] = ['channel'];

/** Things a verb can be about, each with a guard of its owning feature. */
export type ResourceName = 'checklist' | 'survey' | 'action' | 'meeting';
/** see: read it (and do what its own rules then allow); edit: change it as an editor; answer: respond to it (a survey sent to you). */
export type AccessLevel = 'see' | 'edit' | 'answer';

export type Who =
  /** Anyone of the tenant, about their own things or the tenant's shared menus. */
  | { kind: 'anyone' }
  /** Someone holding one of these roles (tenantWide: for the whole tenant, not one school). */
  | { kind: 'role'; roles: readonly Role[]; tenantWide: boolean }
  /** Someone the owning feature's guard lets see or edit the resource the action data names. */
  | { kind: 'resource'; resource: ResourceName; level: AccessLevel };

export interface AccessRule {
  who: Who;
  where: readonly Place[];
  /** What the refusal says when the place is wrong (default: a general "not here"). */
  whereText?: StringKey;
}

/**
 * A feature's answer to "may this actor see or edit what this action names". It parses the
 * reference from the action data itself (throwing invalid input or stale card for bad data) and
 * answers false for anything the actor's tenant does not hold: refused the same way as not allowed,
 * so that nobody learns which ids exist.
 */
export type ResourceGuard = (ctx: RouteContext, data: unknown, level: AccessLevel) => Promise<boolean>;

export interface Access {
  /** Throws the refusal (a DomainError) unless the rule lets the actor do this here. */
  authorize(ctx: RouteContext, rule: AccessRule, data: unknown): Promise<void>;
}

export interface AccessDeps {
  grantsOf(tenantId: string, aadObjectId: string): Promise<readonly RoleGrant[]>;
  resources: Record<ResourceName, ResourceGuard>;
}

export const rule = {
  anyone: (where: readonly Place[] = ANYWHERE, whereText?: StringKey): AccessRule => ({ who: { kind: 'anyone' }, where, ...(whereText ? { whereText } : {}) }),
  roles: (roles: readonly Role[], options: { tenantWide?: boolean; where?: readonly Place[]; whereText?: StringKey } = {}): AccessRule => ({
    who: { kind: 'role', roles, tenantWide: options.tenantWide ?? false },
    where: options.where ?? ANYWHERE,
    ...(options.whereText ? { whereText: options.whereText } : {}),
  }),
  resource: (resource: ResourceName, level: AccessLevel, where: readonly Place[] = ANYWHERE): AccessRule => ({ who: { kind: 'resource', resource, level }, where }),
};

/** Pure: does one of these grants satisfy the role rule? */
export function hasAnyRole(grants: readonly RoleGrant[], roles: readonly Role[], tenantWide: boolean): boolean {
  return grants.some((g) => roles.includes(g.role) && (!tenantWide || g.schoolId === null));
}

export const wrongPlace = (textKey: StringKey = 'wrongPlaceText') => new DomainError('notAllowed', 'wrongPlaceTitle', textKey, {}, 'wrong place');

export function createAccess(deps: AccessDeps): Access {
  return {
    async authorize(ctx, r, data) {
      if (!r.where.includes(ctx.actor.conversation.kind)) throw wrongPlace(r.whereText);
      const who = r.who;
      if (who.kind === 'anyone') return;
      if (who.kind === 'role') {
        if (hasAnyRole(await deps.grantsOf(ctx.actor.tenantId, ctx.actor.aadObjectId), who.roles, who.tenantWide)) return;
        throw notAllowed(`needs one of ${who.roles.join(', ')}`);
      }
      if (await deps.resources[who.resource](ctx, data, who.level)) return;
      throw notAllowed(`may not ${who.level} this ${who.resource}`);
    },
  };
}
