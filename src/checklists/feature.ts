// Builds the checklist feature: service, routes, and the renderer the outbox calls at send time.
import { createTranslator, toLanguage } from '../cards/i18n.js';
import type { Logger } from 'pino';
import type { PgBoss } from '../jobs/boss.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import type { Language } from '../config.js';
import type { Db } from '../db/pool.js';
import { defineRenderer } from '../outbox/service.js';
import { createChecklistRoutes } from './routes.js';
import { createChecklistAccess } from './access.js';
import { createChecklistPrep } from './prep.js';
import {
  CHANNEL_RENDERER,
  PERSONAL_RENDERER,
  SUMMARY_RENDERER,
  checklistProblem,
  type ChecklistConversations,
  type ChecklistOutbox,
  type ChecklistPeople,
  type PersonalNoticeArgs,
} from './ports.js';
import { createChecklistService } from './service.js';
import { addDays } from './model.js';
import { getChannelCardState, getChecklistById, listSettledBy, type ChannelCardState } from './store.js';
import { registerChecklistDownloads } from './downloads.js';
import { createChecklistPersonalData } from './personal-data.js';
import type { Downloads } from '../exports/feature.js';
import { MAX_REFRESH_USERS, formatDate, renderChannelCard, renderStepCard, renderSummaryCard } from './view.js';

export { createChecklistPrep, type ChecklistForPrep, type PrepViewer } from './prep.js';

export interface ChecklistFeatureDeps {
  db: Db;
  cards: CardRenderer;
  outbox: ChecklistOutbox;
  /** The people feature's port: roles, tenant language, schools, contacts. */
  people: ChecklistPeople;
  conversations: ChecklistConversations;
  /** Today's date (yyyy-mm-dd) in Europe/Amsterdam. */
  today(): string;
  log?: Pick<Logger, 'error'>;
  /** Signed downloads (src/exports/): the feature registers its `checklist` kind there. */
  downloads: Pick<Downloads, 'register'>;
}

export function createChecklistFeature(deps: ChecklistFeatureDeps) {
  const { people } = deps;
  const service = createChecklistService({
    db: deps.db,
    outbox: deps.outbox,
    people,
    conversations: deps.conversations,
    today: deps.today,
    log: deps.log,
  });

  /** The shared card, in the checklist's language, as everyone in the channel sees it. */
  async function renderChannel(state: ChannelCardState, message?: { text: string; tone: 'good' | 'warning' }): Promise<AdaptiveCard> {
    const c = state.checklist;
    return renderChannelCard(deps.cards, createTranslator(c.language), {
      message,
      checklist: c,
      template: await service.template(c.tenantId, c.templateKey),
      refreshUserIds: state.refreshUserIds,
      lastChangedBy: state.lastChangedBy,
      today: deps.today(),
    });
  }

  const downloads = registerChecklistDownloads(deps.downloads, deps.db);
  const access = createChecklistAccess({ db: deps.db, grantsOf: people.grantsOf });
  const routes = createChecklistRoutes({
    schools: people.schools,
    checklists: service,
    resolve: access.resolve,
    async renderChannel(ctx, checklistId, message) {
      const state = await getChannelCardState(deps.db, checklistId, MAX_REFRESH_USERS, ctx.actor.tenantId);
      if (!state) throw checklistProblem('checklistNotFound');
      return renderChannel(state, message);
    },
    linkFor: downloads.linkFor,
    renderSummary: summaryCard,
  });

  /**
   * For the outbox: the latest state of a checklist's channel card, rendered when it is sent; once
   * posted, its id is stored (in the outbox's transaction), and changes made while the post was on
   * its way get one update.
   */
  const channelRenderer = defineRenderer({
    ...CHANNEL_RENDERER,
    async render({ checklistId }) {
      const state = await getChannelCardState(deps.db, checklistId, MAX_REFRESH_USERS);
      if (!state) throw new Error(`checklist ${checklistId} is gone`);
      return toActivity(await renderChannel(state));
    },
    async onSent({ args, activityId }, tx) {
      if (activityId) await service.onCardPosted(args.checklistId, activityId, tx);
    },
    onSentOps: ['send'],
  });

  /** A 1:1 card for a step's owner, in the owner's language. */
  const personalRenderer = defineRenderer({ ...PERSONAL_RENDERER, render: renderPersonal });
  async function renderPersonal(a: PersonalNoticeArgs) {
    const c = await getChecklistById(deps.db, a.checklistId);
    const step = c?.steps.find((s) => s.position === a.position);
    if (!c || !step) throw new Error(`checklist step ${a.checklistId}/${a.position} is gone`);
    const contact = await people.contactOf(c.tenantId, a.ownerAad);
    const language: Language = contact?.language === 'nl' || contact?.language === 'en' ? contact.language : contact?.locale ? toLanguage(contact.locale) : c.language;
    const t = createTranslator(language);
    const date = step.dueDate ? formatDate(step.dueDate, language) : '';
    const today = deps.today();
    const soon = step.dueDate === today ? t('checklistDueTodayMessage') : step.dueDate === addDays(today, 1) ? t('checklistDueTomorrowMessage') : t('checklistDueSoonMessage', { date });
    const text = a.kind === 'assigned' ? t('checklistAssignedMessage') : a.kind === 'dueSoon' ? soon : t('checklistOverdueMessage', { date });
    const card = renderStepCard(deps.cards, t, {
      checklist: c,
      step,
      language,
      canEdit: false,
      canTake: false,
      canSetStatus: true,
      people: [],
      message: { text, tone: a.kind === 'overdue' ? 'warning' : 'good' },
    });
    return toActivity(card);
  }

  /** The completion summary, posted in the channel. */
  const summaryRenderer = defineRenderer({ ...SUMMARY_RENDERER, render: renderSummary });
  async function renderSummary({ checklistId }: { checklistId: number }) {
    return toActivity(await summaryCard(checklistId));
  }
  async function summaryCard(checklistId: number): Promise<AdaptiveCard> {
    const c = await getChecklistById(deps.db, checklistId);
    if (!c) throw new Error('checklist is gone');
    const settledBy = await listSettledBy(deps.db, c.id);
    return renderSummaryCard(deps.cards, createTranslator(c.language), { checklist: c, template: await service.template(c.tenantId, c.templateKey), settledBy });
  }

  /** Due-date reminders: every working day at 08:00 in Amsterdam (a job may name the day, for tests). */
  async function registerJobs(boss: PgBoss) {
    await boss.createQueue(REMINDER_QUEUE);
    await boss.schedule(REMINDER_QUEUE, '0 8 * * 1-5', {}, { tz: 'Europe/Amsterdam' });
    await boss.work<{ today?: string }>(REMINDER_QUEUE, async (jobs) => {
      for (const job of jobs) {
        const today = typeof job.data?.today === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(job.data.today) ? job.data.today : deps.today();
        await service.runReminders(today);
      }
    });
  }

  return {
    service,
    routes,
    /** Who may see or edit a checklist an action names (the verb table's `checklist` resource). */
    guard: access.guard,
    registerJobs,
    renderers: [channelRenderer, personalRenderer, summaryRenderer],
    /**
     * For the meeting prep cards: the running checklists of a school (null: of the whole tenant) the
     * viewer may see by role or as a step owner, newest first, with their progress (prep.ts).
     */
    forPrep: createChecklistPrep({ db: deps.db }).forPrep,
    /** The privacy feature's port (docs/privacy.md): a person's and a tenant's checklist data, and retention of finished checklists. */
    personalData: createChecklistPersonalData({ db: deps.db, outbox: deps.outbox }),
  };
}

export const REMINDER_QUEUE = 'checklist.reminders';

function toActivity(card: AdaptiveCard) {
  return { type: 'message' as const, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
}

const AMSTERDAM_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' });

/** yyyy-mm-dd in Europe/Amsterdam. */
export function todayInAmsterdam(now: Date): string {
  return AMSTERDAM_DAY.format(now);
}
