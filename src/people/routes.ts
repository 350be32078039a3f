// Roles card routes: parse the action data, check on the server, call the service, render.
import { z } from 'zod';
import { renderNoticeCard } from '../cards/app-views.js';
import { parseActionData, dbId } from '../action-data.js';
import { DomainError } from '../errors.js';
import type { CommandHandler, RouteContext, VerbHandler } from '../routes.js';
import { canManageRoles, isRole, type RoleGrant } from './model.js';
import { rolesProblem, type PeopleService } from './service.js';
import { renderRolesCard, roleLabel, scopeLabel, type RolesCardInput } from './view.js';

const id = z.string().regex(/^\d{1,12}$/).transform(Number);
const addSchoolData = z.object({ v: z.literal(1), schoolName: z.string().max(1000).optional() });
const grantData = z.object({
  v: z.literal(1),
  person: z.string().max(200).optional(),
  role: z.string().max(40).optional(),
  school: z.union([z.literal('all'), id]).optional(),
});
const revokeData = z.object({ v: z.literal(1), assignmentId: dbId });

export function createPeopleRoutes(people: PeopleService) {
  async function rolesCard(ctx: RouteContext, message?: { text: string; tone: 'good' | 'warning' }, more: Pick<RolesCardInput, 'undo' | 'values'> = {}) {
    const [overview, members] = await Promise.all([people.rolesOverview(ctx.actor), ctx.directory.listMembers()]);
    return renderRolesCard(ctx.cards, ctx.t, { overview, people: members, message, ...more });
  }

  /** Runs a change; an expected conflict is shown on the roles card itself, so the beheerder can go on. */
  async function change(
    ctx: RouteContext,
    run: () => Promise<string | { text: string; undo: RolesCardInput['undo'] }>,
    /** What the form held, to show again when the change fails (worked out only then). */
    values?: () => Promise<RolesCardInput['values']>,
  ) {
    try {
      const r = await run();
      return rolesCard(ctx, { text: typeof r === 'string' ? r : r.text, tone: 'good' }, typeof r === 'string' ? {} : { undo: r.undo });
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
      // The form comes back as it was sent, so the beheerder can correct it.
      return rolesCard(ctx, { text: ctx.t(err.textKey, err.params), tone: 'warning' }, values ? { values: await values() } : {});
    }
  }

  function ownRoles(ctx: RouteContext, grants: readonly RoleGrant[], extra?: string) {
    const names = [...new Set(grants.map((g) => roleLabel(ctx.t, g.role)))];
    const own = !names.length
      ? ctx.t('rolesYouHaveNone')
      : ctx.t(canManageRoles(grants) ? 'rolesYourRolesShort' : 'rolesYourRoles', { roles: names.join(', ') });
    return { title: ctx.t('rolesYourRolesTitle'), text: extra ? `${own}\n\n${extra}` : own };
  }

  /** The button and the personal chat: the answer goes to the person who asked only. */
  const open: VerbHandler = async (ctx) => {
    const grants = await people.grantsOf(ctx.actor.tenantId, ctx.actor.aadObjectId);
    if (canManageRoles(grants)) return rolesCard(ctx);
    return renderNoticeCard(ctx.cards, ctx.t, ownRoles(ctx, grants));
  };

  /**
   * Typed as a command: in a channel or group chat the answer is a message everyone there reads, so
   * it shows only the asker's own roles; a beheerder gets a button that opens the overview for them alone.
   */
  const openCommand: CommandHandler = async (ctx, args) => {
    if (ctx.actor.conversation.kind === 'personal') return open(ctx, args);
    const grants = await people.grantsOf(ctx.actor.tenantId, ctx.actor.aadObjectId);
    const beheerder = canManageRoles(grants);
    return renderNoticeCard(ctx.cards, ctx.t, { ...ownRoles(ctx, grants, ctx.t(beheerder ? 'rolesInChannel' : 'rolesInChannelOthers')), withRolesButton: beheerder });
  };

  const addSchool: VerbHandler = async (ctx, data) => {
    const d = parseActionData(addSchoolData, data);
    return change(
      ctx,
      async () => {
        const school = await people.addSchool(ctx.actor, d.schoolName ?? '');
        return ctx.t('rolesSchoolAdded', { name: school.name });
      },
      async () => ({ schoolName: (d.schoolName ?? '').slice(0, 120) }),
    );
  };

  const grant: VerbHandler = async (ctx, data) => {
    const d = parseActionData(grantData, data);
    return change(ctx, async () => {
      // Whatever the card offered: only someone in this conversation's roster (or already known) qualifies.
      const person = d.person ? await ctx.directory.findMember(d.person) : undefined;
      if (!person) {
        await people.rolesOverview(ctx.actor); // not-allowed wins over a bad pick
        throw rolesProblem('rolesPersonUnknown');
      }
      const r = await people.grant(ctx.actor, person, d.role, d.school === undefined || d.school === 'all' ? null : d.school);
      return ctx.t(r.added ? 'rolesGranted' : 'rolesAlreadyHad', { name: person.name, role: roleLabel(ctx.t, r.role), scope: scopeLabel(ctx.t, r.school?.name ?? null) });
    }, async () => ({
      // A person not found is not offered again; the role and school picked are.
      ...(d.person && (await ctx.directory.findMember(d.person)) ? { person: d.person } : {}),
      ...(isRole(d.role) ? { role: d.role } : {}),
      ...(d.school !== undefined ? { school: String(d.school) } : {}),
    }));
  };

  const revoke: VerbHandler = async (ctx, data) => {
    const d = parseActionData(revokeData, data);
    return change(ctx, async () => {
      const a = await people.revoke(ctx.actor, d.assignmentId);
      // Revoking is one click; giving it back is one too.
      return {
        text: ctx.t('rolesRevoked', { name: a.name, role: roleLabel(ctx.t, a.role), scope: scopeLabel(ctx.t, a.schoolName) }),
        undo: { aadObjectId: a.aadObjectId, role: a.role, schoolId: a.schoolId },
      };
    });
  };

  return { open, openCommand, addSchool, grant, revoke };
}
