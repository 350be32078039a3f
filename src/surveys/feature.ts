// Builds the survey feature: service, routes, the resource guard, the outbox renderers (a
// recipient's card, the author's delivery card, the result card) and the jobs (fan-out pages, the
// minute's tick: open, close, remind).
import type { Logger } from 'pino';
import type { AccessLevel } from '../access.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { toLanguage } from '../cards/i18n.js';
import type { Language } from '../config.js';
import type { Db } from '../db/pool.js';
import type { PgBoss } from '../jobs/boss.js';
import { defineRenderer, toCardActivity } from '../outbox/service.js';
import type { Actor, RouteContext } from '../routes.js';
import type { Downloads } from '../exports/feature.js';
import { registerSurveyDownloads } from './downloads.js';
import { givenFromAnswers, questionCard, stateCard, thanksCard, type StateKind } from './answer-view.js';
import { DELIVERY_RENDERER, QUESTION_RENDERER, RESULTS_RENDERER, type AppInstaller, type GroupMembers, type SurveyConversations, type SurveyOutbox, type SurveyPeople } from './ports.js';
import { renderDelivery } from './manage-view.js';
import { createSurveyRoutes, toSurveyRef, type RecipientCards } from './routes.js';
export { looksLikeSurveyTemplate } from './routes.js';
import type { SealKey } from './seal.js';
import { createSurveyService, type RecipientState } from './service.js';
import { markDeliverySent, setAuthorCard, setResultsCard, type SurveyRow } from './store.js';
import { SURVEY_TEMPLATES } from './templates.js';
import { createResultCards } from './results-card.js';
import { createSurveyPrep } from './prep.js';
import { createSurveyPersonalData } from './personal-data.js';

/** What an erased person's name became (docs/privacy.md), in the reader's language. */
const ERASED_LABEL: Record<Language, string> = { nl: 'verwijderde gebruiker', en: 'deleted user' };
const isPseudonym = (aad: string) => aad.startsWith('verwijderd-');

export type { PrepViewer, SurveyForPrep } from './prep.js';

export { loadSealKey } from './seal.js';
export { ANSWER_KEEPERS, SURVEY_STARTERS } from './service.js';

export const FANOUT_QUEUE = 'surveys.fanout';
export const TICK_QUEUE = 'surveys.tick';

export interface SurveyFeatureDeps {
  db: Db;
  cards: CardRenderer;
  outbox: SurveyOutbox;
  people: SurveyPeople;
  conversations: SurveyConversations;
  sealKey: SealKey;
  /** Installs the app for recipients without a 1:1 chat (Graph with TEAMS_APP_CATALOG_ID). */
  installApp?: AppInstaller;
  /** With Graph: an Entra group as a survey's audience. */
  groupMembers?: GroupMembers;
  boss: PgBoss;
  /** The outbox's ceiling per tenant (OUTBOX_TENANT_PER_SECOND): the fan-out paces itself by it. */
  tenantPerSecond: number;
  /** Pacing: the backlog, in seconds of sending, above which a fan-out pauses (default FANOUT_BACKLOG_SECONDS; tests make it small). */
  fanOutBacklogSeconds?: number;
  /** Working days and daytime hours for sends and reminders. */
  sendWindow: { startHour: number; endHour: number } | null;
  /** The first moment at or after `at` to send to a survey of this tenant and school (null: the board's). */
  sendMoment(at: Date, scope: { tenantId: string; schoolId: number | null }): Date | Promise<Date>;
  /** Signed downloads (src/exports/): the feature registers its `survey-results` kind there. */
  downloads: Pick<Downloads, 'register'>;
  /** The improvement actions feature's count of open actions the actor may see (null: none to see); set once it exists. */
  openActions?: (actor: Actor) => Promise<{ total: number; overdue: number } | null>;
  now?: () => Date;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

interface FanOutJob {
  surveyId: number;
  kind: 'cards' | 'closeCards' | 'reminder';
  moment: number;
  /** A paused fan-out goes on after this delivery id (absent: from the start). */
  after?: number;
}

/**
 * Fan-out pacing: a survey's pages go into the outbox while its tenant's backlog is under about
 * FANOUT_BACKLOG_SECONDS of sending at the tenant's ceiling; above that the fan-out pauses (a pg-boss
 * job of its own, later) until about FANOUT_REFILL_SECONDS of sending is left. Every message in the
 * outbox has a wake-up job; 20,000 of them due at once made each fetch of the outbox's jobs sort them
 * all (docs/benchmarks.md, "Surveys"): bounded this way, a fan-out of 20,000 costs per message what
 * one of 2,000 does, and the ceiling is never left unused (a pause ends with seconds of work still queued).
 */
export const FANOUT_BACKLOG_SECONDS = 30;
export const FANOUT_REFILL_SECONDS = 10;

export interface FanOutPacing {
  /** Pause when the tenant has this many messages to send. */
  high: number;
  /** Deliveries per page. */
  page: number;
  /** A pause ends when about this many messages are left. */
  refill: number;
  tenantPerSecond: number;
}

export function fanOutPacing(tenantPerSecond: number, backlogSeconds = FANOUT_BACKLOG_SECONDS): FanOutPacing {
  const high = Math.max(10, Math.round(tenantPerSecond * backlogSeconds));
  const refill = Math.round(tenantPerSecond * Math.min(FANOUT_REFILL_SECONDS, backlogSeconds / 3));
  return { high, page: Math.max(5, Math.min(500, Math.ceil(high / 3))), refill, tenantPerSecond };
}

/** Seconds to pause with this backlog, or null to go on with the next page. */
export function fanOutPause(backlog: number, p: FanOutPacing): number | null {
  if (backlog < p.high) return null;
  return Math.max(1, Math.ceil((backlog - p.refill) / p.tenantPerSecond));
}

/** A fan-out job (and a paused fan-out's continuation) is retried with backoff: its pages are idempotent. */
const FANOUT_JOB_RETRY = { retryLimit: 20, retryDelay: 5, retryBackoff: true } as const;

export function createSurveyFeature(deps: SurveyFeatureDeps) {
  const now = deps.now ?? (() => new Date());
  const service = createSurveyService({
    db: deps.db,
    outbox: deps.outbox,
    people: deps.people,
    conversations: deps.conversations,
    sealKey: deps.sealKey,
    ...(deps.installApp ? { installApp: deps.installApp } : {}),
    ...(deps.groupMembers ? { groupMembers: deps.groupMembers } : {}),
    templates: () => SURVEY_TEMPLATES,
    sendMoment: deps.sendMoment,
    jobs: {
      async fanOut(surveyId, kind, moment, startAfter) {
        await deps.boss.send(FANOUT_QUEUE, { surveyId, kind, moment } satisfies FanOutJob, {
          startAfter,
          singletonKey: `${surveyId}:${kind}:${moment}`,
          ...FANOUT_JOB_RETRY,
        });
      },
    },
    now,
    log: deps.log,
  });

  async function cardSurvey(s: SurveyRow, language: Language) {
    const [author] = await deps.people.contactsOf(s.tenantId, [s.createdBy]);
    const channel = s.resultsConversationId ? await deps.conversations.channelName(s.tenantId, s.resultsConversationId) : null;
    // An erased author (docs/privacy.md): their pseudonym is not shown, the label is.
    const authorName = author?.name || (isPseudonym(s.createdBy) ? ERASED_LABEL[language] : '');
    return { publicId: s.publicId, title: s.title, anonymous: s.anonymous, deadline: s.deadline ?? now(), authorName, resultsChannelName: channel, questions: s.questions, closedAt: s.closedAt };
  }

  const stateKind = (state: RecipientState): StateKind => (state === 'notYetOpen' ? 'notForYou' : state);

  const recipientCards: RecipientCards = {
    async question(language, s, o) {
      const given = o.given ?? (o.answers ? givenFromAnswers(s.questions, o.answers) : undefined);
      return questionCard(deps.cards, await cardSurvey(s, language), { language, ...(given ? { given } : {}), ...(o.errors ? { errors: o.errors } : {}), reminder: o.reminder ?? false, changing: o.answers !== undefined });
    },
    async thanks(language, s) {
      return thanksCard(deps.cards, await cardSurvey(s, language), { language, now: now() });
    },
    async state(language, s, state) {
      if (!s) return stateCard(deps.cards, 'notForYou', { publicId: '', title: '', anonymous: true, deadline: now(), authorName: '' }, { language, now: now() });
      return stateCard(deps.cards, stateKind(state), await cardSurvey(s, language), { language, now: now() });
    },
  };

  async function languageOf(tenantId: string, aadObjectId: string, fallback: Language): Promise<Language> {
    const [c] = await deps.people.contactsOf(tenantId, [aadObjectId]);
    if (c?.language === 'nl' || c?.language === 'en') return c.language;
    return c?.locale ? toLanguage(c.locale) : fallback;
  }

  const downloads = registerSurveyDownloads(deps.downloads, service);
  const resultCards = createResultCards(deps.cards);
  let openActions = deps.openActions;
  const routes = createSurveyRoutes({
    linkFor: downloads.linkFor,
    schoolLinkFor: downloads.schoolLinkFor,
    openActions: (actor) => (openActions ? openActions(actor) : Promise.resolve(null)),
    surveys: service,
    schools: (tenantId) => deps.people.schools(tenantId),
    installedTeams: (tenantId) => deps.conversations.installedTeams(tenantId),
    recipientCards,
    sendWindow: deps.sendWindow,
    now,
  });

  /** The verb table's `survey` resource: edit = manage it, see = its results, answer = it was sent to you. */
  async function guard(ctx: RouteContext, data: unknown, level: AccessLevel): Promise<boolean> {
    const id = toSurveyRef(data);
    return service.allowed(ctx.actor, id, level === 'edit' ? 'manage' : level);
  }

  const questionRenderer = defineRenderer({
    ...QUESTION_RENDERER,
    async render({ deliveryId, reminder }) {
      const v = await service.recipientView(deliveryId);
      if (!v) throw new Error(`survey delivery ${deliveryId} is gone`);
      const language = await languageOf(v.survey.tenantId, v.delivery.aadObjectId, v.survey.language);
      let card: AdaptiveCard;
      if (v.state === 'answered') card = await recipientCards.thanks(language, v.survey);
      else if (v.state) card = await recipientCards.state(language, v.survey, v.state);
      else card = await recipientCards.question(language, v.survey, { reminder, ...(v.delivery.answers ? { answers: v.delivery.answers } : {}) });
      return toCardActivity(card, { summary: v.survey.title });
    },
    async onSent({ args, activityId, conversationId }, tx) {
      await markDeliverySent(tx, args.deliveryId, activityId, conversationId);
    },
    onSentOps: ['send', 'createPersonal'],
  });

  const deliveryRenderer = defineRenderer({
    ...DELIVERY_RENDERER,
    async render({ surveyId }) {
      const status = await service.deliveryStatus(surveyId);
      if (!status) throw new Error(`survey ${surveyId} is gone`);
      const language = await languageOf(status.survey.tenantId, status.survey.createdBy, status.survey.language);
      return toCardActivity(renderDelivery(deps.cards, language, status, now()), { summary: status.survey.title });
    },
    async onSent({ args, activityId, conversationId }, tx) {
      if (activityId) await setAuthorCard(tx, args.surveyId, activityId, conversationId);
    },
    onSentOps: ['send', 'createPersonal'],
  });

  const resultsRenderer = defineRenderer({
    ...RESULTS_RENDERER,
    async render({ surveyId }) {
      const data = await service.resultData(surveyId);
      if (!data) throw new Error(`survey ${surveyId} is gone`);
      const card = await resultCards.render(data);
      return toCardActivity(card, { summary: data.survey.title });
    },
    async onSent({ args, activityId }, tx) {
      if (activityId) await setResultsCard(tx, args.surveyId, activityId);
    },
    onSentOps: ['send'],
  });

  async function registerJobs(boss: PgBoss) {
    await boss.createQueue(FANOUT_QUEUE);
    await boss.work<FanOutJob>(FANOUT_QUEUE, async (jobs) => {
      const pacing = fanOutPacing(deps.tenantPerSecond, deps.fanOutBacklogSeconds);
      for (const job of jobs) {
        const { surveyId, kind, moment } = job.data;
        let after = typeof job.data.after === 'number' && Number.isSafeInteger(job.data.after) && job.data.after > 0 ? job.data.after : 0;
        for (;;) {
          const next = await service.fanOutPage(surveyId, kind, moment, after, pacing.page);
          if (next === null) break;
          after = next.after;
          const pause = fanOutPause(await deps.outbox.pendingFor(next.tenantId, pacing.high), pacing);
          if (pause !== null) {
            // Goes on later in a job of its own; should this process stop before this job is marked
            // done, pg-boss runs it again and the pages it sent are not sent twice (idempotency keys).
            await deps.boss.send(FANOUT_QUEUE, { surveyId, kind, moment, after } satisfies FanOutJob, { startAfter: pause, ...FANOUT_JOB_RETRY });
            break;
          }
        }
      }
    });
    await boss.createQueue(TICK_QUEUE);
    await boss.schedule(TICK_QUEUE, '* * * * *', {}, { tz: 'Europe/Amsterdam' });
    await boss.work(TICK_QUEUE, async () => {
      await service.tick(now());
    });
  }

  return {
    service,
    routes,
    /** Connects the improvement actions (built after surveys, which they link to). */
    useActions(count: (actor: Actor) => Promise<{ total: number; overdue: number } | null>) {
      openActions = count;
    },
    guard,
    recipientCards,
    registerJobs,
    renderers: [questionRenderer, deliveryRenderer, resultsRenderer],
    /**
     * For the meeting prep cards: surveys of a school and the board's (null: all the tenant's) closed
     * in the last 120 days whose results the viewer may see, with the response rate and one headline
     * as far as the result card's thresholds allow (prep.ts).
     */
    forPrep: createSurveyPrep({ db: deps.db, service }).forPrep,
    /** Its part of a person's export and erase, a tenant's deletion and retention (docs/privacy.md). */
    personalData: createSurveyPersonalData({
      sealKey: deps.sealKey,
      // The fan-out's card update (as at closing), one job per survey: the recipients' cards show the label.
      async refreshRecipientCards(surveyId) {
        await deps.boss.send(FANOUT_QUEUE, { surveyId, kind: 'closeCards', moment: 1 } satisfies FanOutJob, { singletonKey: `${surveyId}:closeCards:erase`, ...FANOUT_JOB_RETRY });
      },
    }),
  };
}

export type SurveyFeature = ReturnType<typeof createSurveyFeature>;
