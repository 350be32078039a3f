// Wires teams-ai's Application: installs, messages (commands), Action.Execute verbs. The only place,
// with the rest of src/teams/, that knows botbuilder and teams-ai.
import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  CardFactory,
  MessageFactory,
  type Activity,
  type Mention,
  type TurnContext,
} from 'botbuilder';
import { Application, TurnState } from '@microsoft/teams-ai';
import type { CadansAdapter } from './adapter.js';
import type { Logger } from 'pino';
import type { Config, Language } from '../config.js';
import type { Db } from '../db/pool.js';
import { createTranslator, toLanguage } from '../cards/i18n.js';
import { renderNoticeCard } from '../cards/app-views.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { DomainError } from '../errors.js';
import { VERBS, parseCommand, type Actor, type RouteContext, type Routes } from '../routes.js';
import type { Graph } from '../graph/index.js';
import { createDirectory, createMembershipCache, createRosterCache } from './directory.js';
import { TtlCache } from '../cache.js';
import { toIncomingFile } from './files.js';
import { toActor, toConversationKind, toTenantId } from './actor.js';
import { toReferenceFingerprint, toReferenceRows } from './references.js';
import { registerInstallEvents, type TeamsTenants } from './install.js';
import { saveReferences } from './store.js';

export interface TeamsAppDeps {
  config: Pick<Config, 'botAuth' | 'defaultLanguage' | 'playground'>;
  /** Built first (see adapter.ts): the outbox's transport uses it too. */
  adapter: CadansAdapter;
  db: Db;
  log: Logger;
  cards: CardRenderer;
  people: TeamsPeople;
  routes: Routes;
  /** Microsoft Graph, when configured: rosters with job titles. */
  graph?: Graph | null;
  /** The outbox, for what is not an answer within the turn (the team welcome). */
  outbox: {
    enqueue(request: { op: 'send'; tenantId: string; serviceUrl: string; conversationId: string; idempotencyKey: string; activity: Partial<Activity> & { type: 'message' } }): Promise<unknown>;
  };
  /** Told when the last installation of a tenant goes and when the tenant is back (scheduled deletion). */
  tenants?: TeamsTenants;
}

/** What the Teams layer asks of the people feature on every turn. */
export interface TeamsPeople {
  /** Records the person and tenant of an activity; their explicit language choice (null: follow Teams). */
  recordActor(actor: Actor): Promise<Language | null>;
  tenantLanguage(tenantId: string): Promise<Language>;
  /** The tenant exists (events without a person). */
  ensureTenant(tenantId: string): Promise<void>;
  /** People Cadans knows in a tenant (person pickers beside the roster). */
  knownPeople(tenantId: string, limit: number): Promise<{ aadObjectId: string; name: string }[]>;
}

export interface TeamsApp {
  adapter: CadansAdapter;
  /** Handles one activity already parsed and shape-checked by the server; throws HttpError. */
  handle(body: unknown, authorization: string): Promise<{ status: number; body?: unknown }>;
}

const INVOKE_ACTION = 'adaptiveCard/action';
/** A reference written by this instance is not written again for this long (unless it changed). */
const SAVED_REFERENCE_TTL_MS = 5 * 60_000;
/** The dataset name the cards' person pickers ask for. */
export const PEOPLE_DATASET = 'people';

/** Case- and accent-insensitive match on any part of the name. */
export function searchMembers<T extends { name: string }>(members: T[], queryText: string, skip: number, count: number): T[] {
  const fold = (x: string) => x.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const q = fold(queryText.trim());
  const hits = q ? members.filter((m) => fold(m.name).includes(q)) : members;
  return hits.slice(Math.max(0, skip), Math.max(0, skip) + Math.min(Math.max(count, 1), 50));
}


function isBotMentioned(activity: Activity): boolean {
  const botId = activity.recipient?.id;
  return (activity.entities ?? []).some(
    (e) => e.type === 'mention' && (e as Mention).mentioned?.id === botId,
  );
}

function cardActivity(card: AdaptiveCard): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

async function sendInvokeCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
  });
}

export function createTeamsApp(deps: TeamsAppDeps): TeamsApp {
  const { db, log, cards, people, routes, config, adapter } = deps;
  const app = new Application<TurnState>({
    adapter,
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });

  const PERSON_LANGUAGE = Symbol('cadans.personLanguage');
  const savedReferences = new TtlCache<true>({ ttlMs: SAVED_REFERENCE_TTL_MS, max: 20_000 });
  const tenantsHeard = new TtlCache<true>({ ttlMs: SAVED_REFERENCE_TTL_MS, max: 1_000 });
  const rosters = createRosterCache();
  const memberships = createMembershipCache();

  /** In a channel everyone reads along: the tenant's language. Elsewhere the person's. */
  async function languageFor(context: TurnContext, actor: Actor | null): Promise<Language> {
    const activity = context.activity;
    const tenantId = actor?.tenantId ?? toTenantId(activity);
    if (toConversationKind(activity) === 'channel' && tenantId) return people.tenantLanguage(tenantId);
    const chosen = context.turnState.get(PERSON_LANGUAGE) as Language | null | undefined;
    if (chosen) return chosen;
    const locale = actor?.locale || activity.locale;
    if (locale) return toLanguage(locale);
    // Teams sends no locale on install events: fall back to the tenant's language (default Dutch).
    return tenantId ? people.tenantLanguage(tenantId) : config.defaultLanguage;
  }

  async function routeContext(context: TurnContext): Promise<RouteContext | null> {
    const actor = toActor(context.activity);
    if (!actor) return null;
    const language = await languageFor(context, actor);
    return { actor, language, t: createTranslator(language), cards, directory: createDirectory(context, { db, log, graph: deps.graph, rosters, memberships, knownPeople: people.knownPeople }) };
  }

  function errorCard(err: unknown, ctx: { t: RouteContext['t'] }, turnLog: Logger): AdaptiveCard {
    if (err instanceof DomainError) {
      turnLog.info({ kind: err.kind, detail: err.message }, 'request refused');
      return renderNoticeCard(cards, ctx.t, {
        title: ctx.t(err.titleKey, err.params),
        text: ctx.t(err.textKey, err.params),
        tone: err.kind === 'notAllowed' ? 'attention' : 'warning',
      });
    }
    const id = randomUUID().slice(0, 8);
    turnLog.error({ err, correlationId: id }, 'turn failed');
    return renderNoticeCard(cards, ctx.t, {
      title: ctx.t('errorTitle'),
      text: ctx.t('errorText'),
      tone: 'attention',
      reference: ctx.t('errorReference', { id }),
    });
  }

  function turnLogger(context: TurnContext): Logger {
    const a = context.activity;
    return log.child({ tenant: toTenantId(a), conversation: a.conversation?.id, activity: a.id, type: a.type });
  }

  // Every turn: refuse other tenants (production), then remember who and where.
  app.turn('beforeTurn', async (context) => {
    const a = context.activity;
    const tenantId = toTenantId(a);
    if (config.botAuth && tenantId !== config.botAuth.tenantId) {
      turnLogger(context).warn({ tenantId }, 'activity from another tenant refused');
      if (a.type === ActivityTypes.Invoke) {
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403 } });
      }
      return false;
    }
    const actor = toActor(a);
    if (actor) context.turnState.set(PERSON_LANGUAGE, await people.recordActor(actor));
    // Messages and card actions skip references this instance wrote a moment ago, unchanged.
    // Install and uninstall events always write (and an uninstall forgets what was remembered).
    const everyday = a.type === ActivityTypes.Message || a.type === ActivityTypes.Invoke;
    if (!everyday) {
      savedReferences.clear();
      tenantsHeard.clear();
    }
    const rows = toReferenceRows(a).filter((r) => !everyday || !savedReferences.get(toReferenceFingerprint(r)));
    if (rows.length > 0) {
      if (!actor && tenantId) await people.ensureTenant(tenantId);
      await saveReferences(db, rows);
      for (const r of rows) savedReferences.set(toReferenceFingerprint(r), true);
      // Heard from the tenant: a scheduled deletion of its data is off. Install events always say so;
      // everyday turns at most every five minutes per tenant and instance, and only when a reference
      // was written, so a returning person's turn costs nothing here.
      // (Not remembered after an install event: it may be an uninstall, which schedules the deletion after this.)
      if (tenantId && deps.tenants && (!everyday || !tenantsHeard.get(tenantId))) {
        await deps.tenants.installed(tenantId);
        if (everyday) tenantsHeard.set(tenantId, true);
      }
    }
    return true;
  });

  registerInstallEvents(app, { db, cards, outbox: deps.outbox, languageFor, turnLogger, ...(deps.tenants ? { tenants: deps.tenants } : {}) });

  app.activity(ActivityTypes.Message, async (context) => {
    const a = context.activity;
    const kind = toConversationKind(a);
    // In channels and group chats Cadans listens only when it is @mentioned.
    if (kind !== 'personal' && !isBotMentioned(a)) return;
    const ctx = await routeContext(context);
    if (!ctx) return;
    const turnLog = turnLogger(context);
    let card: AdaptiveCard;
    try {
      const text = a.text ?? '';
      const file = kind === 'personal' ? (a.attachments ?? []).map((x) => toIncomingFile(x, { playgroundPort: config.botAuth ? null : config.playground.port })).find((f) => f !== null) : undefined;
      const command = parseCommand(text);
      if (file && !command) card = await routes.onFile(ctx, file);
      else card = command ? await routes.commands[command.name](ctx, command.args) : routes.unknownCommand(ctx, text);
    } catch (err) {
      card = errorCard(err, ctx, turnLog);
    }
    await context.sendActivity(cardActivity(card));
  });

  for (const verb of VERBS) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const ctx = await routeContext(context);
      const turnLog = turnLogger(context);
      const t = ctx?.t ?? createTranslator(toLanguage(context.activity.locale));
      let card: AdaptiveCard;
      const { access, handle, keep } = routes.verbs[verb];
      let authorized = false;
      try {
        if (!ctx) throw new DomainError('notAllowed', 'notAllowedTitle', 'notAllowedText', {}, 'no Entra user on the activity');
        // Who may do this, and where: checked before the handler reads anything.
        await routes.authorize(ctx, access, data);
        authorized = true;
        card = await handle(ctx, data);
      } catch (err) {
        card = errorCard(err, { t }, turnLog);
      }
      // Only someone the access rule let through keeps the card: a refused one gets the refusal.
      if (ctx && keep && authorized) {
        // The card pressed on stays as it was; the answer comes below it (in a channel: in its thread).
        await context.sendActivity(cardActivity(card));
        try {
          card = await keep(ctx, data);
        } catch (err) {
          card = errorCard(err, { t }, turnLog);
        }
      }
      await sendInvokeCard(context, card);
      return card;
    });
  }
  // Typeahead for the person pickers (Input.ChoiceSet with Data.Query dataset "people"): the whole
  // roster is searched, not only the first names the card carried.
  app.adaptiveCards.search(PEOPLE_DATASET, async (context, _state, query) => {
    if (!toActor(context.activity)) return [];
    const directory = createDirectory(context, { db, log, graph: deps.graph, rosters, memberships, knownPeople: people.knownPeople });
    const find = async (fresh: boolean) => searchMembers(await directory.listMembers({ fresh }), query.parameters.queryText, query.skip, query.count);
    // Someone who just joined the team is not in a roster read a minute ago: look again before saying "nobody".
    let hits = await find(false);
    if (hits.length === 0 && query.skip === 0) hits = await find(true);
    return hits.map((m) => ({ title: m.name, value: m.aadObjectId }));
  });

  // Any other Action.Execute (an old card, a forged verb): a friendly card, not teams-ai's 501.
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    const language = toLanguage(context.activity.locale);
    const t = createTranslator(language);
    turnLogger(context).info({ verb: (context.activity.value as { action?: { verb?: unknown } })?.action?.verb }, 'unknown verb');
    const card = renderNoticeCard(cards, t, { title: t('staleTitle'), text: t('staleText'), tone: 'warning', withHelpButton: true });
    await sendInvokeCard(context, card);
    return card;
  });

  app.error(async (context, err) => {
    const turnLog = turnLogger(context);
    const t = createTranslator(toLanguage(context.activity.locale));
    const card = errorCard(err, { t }, turnLog);
    try {
      if (context.activity.type === ActivityTypes.Invoke && context.activity.name === INVOKE_ACTION) {
        await sendInvokeCard(context, card);
      } else if (context.activity.type === ActivityTypes.Message) {
        await context.sendActivity(cardActivity(card));
      }
    } catch (sendErr) {
      turnLog.error({ err: sendErr }, 'could not tell the user about a failed turn');
    }
  });

  return {
    adapter,
    handle(body, authorization) {
      return adapter.handle(body, authorization, async (context) => {
        await app.run(context);
      });
    },
  };
}
