// Builds the checklist feature: service, routes, and the renderer the outbox calls at send time.
import { createTranslator } from '../cards/i18n.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import type { Language } from '../config.js';
import type { Db, Queryable } from '../db/pool.js';
import type { Grant } from './model.js';
import { createChecklistRoutes } from './routes.js';
import { CHANNEL_RENDERER, createChecklistService, type ChecklistOutbox } from './service.js';
import { getChecklistById, lastChangedBy, listRefreshUsers, type Checklist } from './store.js';
import { MAX_REFRESH_USERS, renderChannelCard } from './view.js';

export interface ChecklistFeatureDeps {
  db: Db;
  cards: CardRenderer;
  outbox: ChecklistOutbox;
  grantsOf(tenantId: string, aadObjectId: string): Promise<Grant[]>;
  tenantLanguage(tenantId: string): Promise<string>;
  /** Today's date (yyyy-mm-dd) in Europe/Amsterdam. */
  today(): string;
}

export function createChecklistFeature(deps: ChecklistFeatureDeps) {
  const service = createChecklistService({
    db: deps.db,
    outbox: deps.outbox,
    grantsOf: deps.grantsOf,
    tenantLanguage: async (tenantId) => ((await deps.tenantLanguage(tenantId)) === 'en' ? 'en' : 'nl') as Language,
    today: deps.today,
  });

  /** The shared card, in the checklist's language, as everyone in the channel sees it. */
  async function renderChannel(c: Checklist): Promise<AdaptiveCard> {
    const [refreshUserIds, changedBy] = await Promise.all([listRefreshUsers(deps.db, c.id, MAX_REFRESH_USERS), lastChangedBy(deps.db, c.id)]);
    return renderChannelCard(deps.cards, createTranslator(c.language), {
      checklist: c,
      template: service.template(c.templateKey),
      refreshUserIds,
      lastChangedBy: changedBy,
      today: deps.today(),
    });
  }

  const routes = createChecklistRoutes({ db: deps.db, checklists: service, renderChannel: (_ctx, c) => renderChannel(c) });

  /** For the outbox: the latest state of a checklist's channel card, rendered when it is sent. */
  async function renderForOutbox(args: unknown) {
    const id = Number((args as { checklistId?: unknown } | null)?.checklistId);
    const c = Number.isInteger(id) ? await getChecklistById(deps.db, id) : null;
    if (!c) throw new Error(`checklist ${String(id)} is gone`);
    return { type: 'message' as const, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: await renderChannel(c) }] };
  }

  /** The channel card was posted: remember its id (in the outbox's transaction). */
  async function onSent(info: { op: string; args: unknown; activityId: string | null }, tx: Queryable) {
    const id = Number((info.args as { checklistId?: unknown } | null)?.checklistId);
    if (info.op === 'send' && info.activityId && Number.isInteger(id)) await service.onCardPosted(id, info.activityId, tx);
  }

  return { service, routes, renderer: { name: CHANNEL_RENDERER, render: renderForOutbox, onSent } };
}

/** yyyy-mm-dd in Europe/Amsterdam. */
export function todayInAmsterdam(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
