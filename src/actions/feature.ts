// Builds the improvement-action feature: service, routes, the resource guard, the owner's 1:1 card
// renderer and the reminder job. Other features use what it exports here: `openForPrep` (the meeting
// preparation cards) and `listOpen` (the results card).
import type { Logger } from 'pino';
import { toLanguage } from '../cards/i18n.js';
import type { CardRenderer } from '../cards/render.js';
import type { Language } from '../config.js';
import type { Db } from '../db/pool.js';
import type { PgBoss } from '../jobs/boss.js';
import { defineRenderer, toCardActivity } from '../outbox/service.js';
import type { RouteContext } from '../routes.js';
import { createActionAccess } from './access.js';
import { createActionPersonalData } from './personal-data.js';
import { canCreateAny } from './model.js';
import { OWNER_RENDERER, type ActionConversations, type ActionOutbox, type ActionPeople, type SurveySource } from './ports.js';
import { createActionRoutes } from './routes.js';
import { createActionService } from './service.js';
import { ownerNotice, renderActionCard } from './view.js';

export type { ActionService, OpenAction, OpenActionsForPrep } from './service.js';
export type { ActionSource, ImprovementAction } from './model.js';
export type { SurveyQuestionInfo, SurveySource } from './ports.js';

export const ACTION_REMINDER_QUEUE = 'actions.reminders';

/** Who may open the "new action" form and the list of open actions (a directeur: for their school, which the service checks). */
export const ACTION_ROLES = ['kwaliteitsmedewerker', 'bestuurder', 'beheerder', 'directeur'] as const;

export interface ActionFeatureDeps {
  db: Db;
  cards: CardRenderer;
  outbox: ActionOutbox;
  people: ActionPeople;
  conversations: ActionConversations;
  /** The survey a result line belongs to (the survey feature's `describeQuestion` and guard). */
  surveys: SurveySource & { maySee(ctx: RouteContext, surveyPublicId: string): Promise<boolean> };
  /** Today's date (yyyy-mm-dd) in Europe/Amsterdam. */
  today(): string;
  log?: Pick<Logger, 'error'>;
}

export function createActionFeature(deps: ActionFeatureDeps) {
  const service = createActionService({ db: deps.db, outbox: deps.outbox, people: deps.people, conversations: deps.conversations, today: deps.today, log: deps.log });
  const access = createActionAccess({ db: deps.db, grantsOf: deps.people.grantsOf, maySeeSurvey: deps.surveys.maySee });
  const routes = createActionRoutes({ actions: service, schools: deps.people.schools, surveys: deps.surveys, today: deps.today });

  async function languageOf(tenantId: string, aadObjectId: string): Promise<Language> {
    const c = await deps.people.contactOf(tenantId, aadObjectId);
    if (c?.language === 'nl' || c?.language === 'en') return c.language;
    return c?.locale ? toLanguage(c.locale) : deps.people.tenantLanguage(tenantId);
  }

  /** The owner's 1:1 card, in their language: why they get it, and the action as it is when sent. */
  const ownerRenderer = defineRenderer({
    ...OWNER_RENDERER,
    async render({ actionId, kind }) {
      const a = await service.byId(actionId);
      if (!a) throw new Error(`improvement action ${actionId} is gone`);
      const [language, grants] = await Promise.all([languageOf(a.tenantId, a.ownerAad), deps.people.grantsOf(a.tenantId, a.ownerAad)]);
      const open = a.status === 'open';
      const card = renderActionCard(deps.cards, {
        language,
        action: a,
        today: deps.today(),
        // It is theirs: they change it and mark it done (cancelling is for whoever gave it).
        canEdit: open,
        canCancel: false,
        showList: canCreateAny(grants),
        ...(open ? { message: ownerNotice(kind, a, language) } : {}),
      });
      return toCardActivity(card, { summary: a.title });
    },
  });

  /** Reminders: every working day at 08:00 in Amsterdam (a job may name the day, for tests). */
  async function registerJobs(boss: PgBoss) {
    await boss.createQueue(ACTION_REMINDER_QUEUE);
    await boss.schedule(ACTION_REMINDER_QUEUE, '0 8 * * 1-5', {}, { tz: 'Europe/Amsterdam' });
    await boss.work<{ today?: string }>(ACTION_REMINDER_QUEUE, async (jobs) => {
      for (const job of jobs) {
        const today = typeof job.data?.today === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(job.data.today) ? job.data.today : deps.today();
        await service.runReminders(today);
      }
    });
  }

  return {
    service,
    routes,
    /** Who may see or change an action an action names (the verb table's `action` resource). */
    guard: access.guard,
    registerJobs,
    renderers: [ownerRenderer],
    /** For the meeting preparation cards: open and overdue actions of a school (null: the whole tenant). */
    openForPrep: service.openForPrep,
    /** For the results card (`resultaten`): the open actions someone may see, overdue first. */
    listOpen: service.listOpen,
    /** The privacy feature's port (docs/privacy.md): a person's and a tenant's actions, and retention of finished ones. */
    personalData: createActionPersonalData(),
  };
}

export type ActionFeature = ReturnType<typeof createActionFeature>;
