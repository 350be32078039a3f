// Commands `privacy` / `avg` and `mijn gegevens` / `my data`, and the privacy.* verbs (docs/privacy.md).
// Everything here happens in the personal chat (a channel would show a person's data to everyone);
// who may do what is in app-routes.ts (anyone: their own export; tenant-wide beheerders: anyone's).
import { z } from 'zod';
import { parseActionData } from '../action-data.js';
import { renderNoticeCard } from '../cards/app-views.js';
import { DomainError } from '../errors.js';
import type { CommandHandler, RouteContext, VerbHandler } from '../routes.js';
import type { PrivacyService } from './service.js';
import { renderEraseConfirm, renderEraseDone, renderPrivacyHome, renderPrivacyLink } from './view.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const personData = z.object({
  v: z.literal(1),
  person: z.string().max(200).optional(),
  personId: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
});
const eraseData = z.object({ v: z.literal(1), person: z.string().max(200), email: z.string().max(320).optional() });
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The email address the beheerder typed (Cadans may not know it: survey address lists, external members), or undefined. */
function typedEmail(raw: string | undefined): string | undefined {
  const email = (raw ?? '').trim();
  if (!email) return undefined;
  if (!EMAIL.test(email)) throw privacyProblem('privacyEmailInvalid');
  return email.toLowerCase();
}

export const privacyProblem = (textKey: 'privacyPersonMissing' | 'privacyEmailInvalid' | 'privacyNothingKnown' | 'privacyConfigured' | 'privacyLastBeheerder') =>
  new DomainError('conflict', 'privacyProblemTitle', textKey);

export interface PrivacyRouteDeps {
  service: PrivacyService;
  /** Whether the actor is a tenant-wide beheerder (they see the part for others' requests). */
  isBeheerder(ctx: RouteContext): Promise<boolean>;
  /** A signed link (15 minutes) to a person's export file. */
  linkFor(tenantId: string, aadObjectId: string): string;
}

function pickPerson(d: z.infer<typeof personData>): string {
  const typed = (d.personId ?? '').trim();
  const picked = (d.person ?? '').trim();
  const id = typed || picked;
  if (!GUID.test(id)) throw privacyProblem('privacyPersonMissing');
  return id.toLowerCase();
}

export function createPrivacyRoutes(deps: PrivacyRouteDeps) {
  const elsewhere = (ctx: RouteContext) => renderNoticeCard(ctx.cards, ctx.t, { title: ctx.t('wrongPlaceTitle'), text: ctx.t('privacyPersonalOnly') });

  const home = async (ctx: RouteContext, o: { message?: string } = {}) => {
    const manage = await deps.isBeheerder(ctx);
    const people = manage ? await ctx.directory.listMembers().catch(() => []) : [];
    return renderPrivacyHome(ctx.cards, ctx.language, { manage, people, ...o });
  };

  const ownExport = async (ctx: RouteContext) => {
    const { tenantId, aadObjectId, name } = ctx.actor;
    return renderPrivacyLink(ctx.cards, ctx.language, { own: true, name, url: deps.linkFor(tenantId, aadObjectId) });
  };

  const verbs = {
    open: (async (ctx) => home(ctx)) satisfies VerbHandler,
    exportSelf: (async (ctx) => ownExport(ctx)) satisfies VerbHandler,
    exportPerson: (async (ctx, data) => {
      const id = pickPerson(parseActionData(personData, data));
      const file = await deps.service.exportPerson(ctx.actor.tenantId, id);
      if (!file) throw privacyProblem('privacyNothingKnown');
      await deps.service.recordExport(ctx.actor.tenantId, ctx.actor.aadObjectId, id);
      const who = await deps.service.identity(ctx.actor.tenantId, id);
      return renderPrivacyLink(ctx.cards, ctx.language, { own: id === ctx.actor.aadObjectId, name: who?.name || id, url: deps.linkFor(ctx.actor.tenantId, id) });
    }) satisfies VerbHandler,
    confirmErase: (async (ctx, data) => {
      const d = parseActionData(personData, data);
      const id = pickPerson(d);
      const email = typedEmail(d.email);
      const blocker = await deps.service.eraseBlocker(ctx.actor.tenantId, id);
      if (blocker) throw privacyProblem(blocker === 'configured' ? 'privacyConfigured' : 'privacyLastBeheerder');
      const who = await deps.service.identity(ctx.actor.tenantId, id);
      if (!who && !(await deps.service.exportPerson(ctx.actor.tenantId, id))) throw privacyProblem('privacyNothingKnown');
      return renderEraseConfirm(ctx.cards, ctx.language, { name: who?.name ?? '', aadObjectId: id, email: email ?? who?.email ?? '' });
    }) satisfies VerbHandler,
    erase: (async (ctx, data) => {
      const d = parseActionData(eraseData, data);
      const id = pickPerson({ v: 1, person: d.person });
      const email = typedEmail(d.email);
      const blocker = await deps.service.eraseBlocker(ctx.actor.tenantId, id);
      if (blocker) throw privacyProblem(blocker === 'configured' ? 'privacyConfigured' : 'privacyLastBeheerder');
      // The roster may know an email address Cadans never stored (survey lists, external members): scrubbed too.
      const member = await ctx.directory.findMember(id).catch(() => undefined);
      const result = await deps.service.erasePerson(ctx.actor.tenantId, id, ctx.actor.aadObjectId, { email: email ?? member?.email, name: member?.name });
      return renderEraseDone(ctx.cards, ctx.language, result.counts);
    }) satisfies VerbHandler,
  };

  const commands = {
    privacy: (async (ctx) => (ctx.actor.conversation.kind === 'personal' ? home(ctx) : elsewhere(ctx))) satisfies CommandHandler,
    myData: (async (ctx) => (ctx.actor.conversation.kind === 'personal' ? ownExport(ctx) : elsewhere(ctx))) satisfies CommandHandler,
  };
  return { verbs, commands };
}
