// Installs and uninstalls: the welcome (once per installation) and forgetting where Cadans was.
import { ActivityTypes, CardFactory, MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import type { Language } from '../config.js';
import type { Db } from '../db/pool.js';
import { createTranslator } from '../cards/i18n.js';
import { renderWelcomeCard } from '../cards/app-views.js';
import type { CardRenderer } from '../cards/render.js';
import type { Actor } from '../routes.js';
import { toActor, toConversationKind, toTeamInfo, toTenantId } from './actor.js';
import { claimWelcome, deactivateReferences, hasActiveInstallation, releaseWelcome } from './store.js';

/** What the Teams layer tells about a tenant's installations (the privacy feature's scheduled deletion, docs/privacy.md). */
export interface TeamsTenants {
  /** No installation of Cadans is left in the tenant (after an uninstall). */
  lastInstallationRemoved(tenantId: string): Promise<void>;
  /** Cadans was installed again, or heard from, in the tenant. */
  installed(tenantId: string): Promise<void>;
}

export interface InstallDeps {
  db: Db;
  cards: CardRenderer;
  /** The team welcome goes to General through the outbox. */
  outbox: {
    enqueue(request: { op: 'send'; tenantId: string; serviceUrl: string; conversationId: string; idempotencyKey: string; activity: Partial<Activity> & { type: 'message' } }): Promise<unknown>;
  };
  languageFor(context: TurnContext, actor: Actor | null): Promise<Language>;
  turnLogger(context: TurnContext): Logger;
  tenants?: TeamsTenants;
}

export function registerInstallEvents(app: Application<TurnState>, deps: InstallDeps): void {
  const { db, cards } = deps;
  const cardActivity = (card: object) => MessageFactory.attachment(CardFactory.adaptiveCard(card));

  async function welcome(context: TurnContext): Promise<void> {
    const a = context.activity;
    const tenantId = toTenantId(a);
    if (!tenantId) return;
    const kind = toConversationKind(a);
    const team = toTeamInfo(a);
    const scope = kind === 'channel' ? 'team' : kind;
    const key = kind === 'channel' ? team.teamId : kind === 'personal' ? a.from?.aadObjectId : a.conversation.id;
    if (!key || !(await claimWelcome(db, tenantId, scope, key))) return;
    const language = await deps.languageFor(context, toActor(a));
    const card = renderWelcomeCard(cards, createTranslator(language), scope === 'personal' ? 'personal' : 'team');
    try {
      if (scope === 'team' && team.teamId) {
        // A post in the team's General channel (it carries the team's id), through the outbox.
        await deps.outbox.enqueue({
          op: 'send',
          tenantId,
          serviceUrl: a.serviceUrl,
          conversationId: team.teamId,
          idempotencyKey: `welcome:team:${team.teamId}:${a.id ?? Date.now()}`,
          activity: { ...cardActivity(card), type: 'message' },
        });
      } else {
        await context.sendActivity(cardActivity(card));
      }
    } catch (err) {
      await releaseWelcome(db, tenantId, scope, key); // the next install event or message tries again
      throw err;
    }
  }

  function botWasAdded(a: Activity): boolean {
    return (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
  }
  function botWasRemoved(a: Activity): boolean {
    return (a.membersRemoved ?? []).some((m) => m.id === a.recipient?.id);
  }

  async function uninstall(context: TurnContext): Promise<void> {
    const a = context.activity;
    const tenantId = toTenantId(a);
    if (!tenantId) return;
    const kind = toConversationKind(a);
    const team = toTeamInfo(a);
    if (kind === 'channel' && team.teamId) await deactivateReferences(db, tenantId, 'team', team.teamId);
    else if (kind === 'personal' && a.from?.aadObjectId) await deactivateReferences(db, tenantId, 'personal', a.from.aadObjectId);
    else await deactivateReferences(db, tenantId, 'groupChat', a.conversation.id);
    deps.turnLogger(context).info({ kind }, 'uninstalled');
    if (deps.tenants && !(await hasActiveInstallation(db, tenantId))) await deps.tenants.lastInstallationRemoved(tenantId);
  }

  app.activity(ActivityTypes.ConversationUpdate, async (context) => {
    if (botWasAdded(context.activity)) await welcome(context);
    else if (botWasRemoved(context.activity)) await uninstall(context);
  });

  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    const action = String(context.activity.action ?? '');
    if (action === 'add' || action === 'add-upgrade') await welcome(context);
    else if (action === 'remove' || action === 'remove-upgrade') await uninstall(context);
  });
}
