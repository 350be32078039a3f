// Builds the meeting cadences: service, routes, the resource guard `meeting`, the outbox renderers of
// its 1:1 cards (prep, follow-up, rhythm warning, cannot come, text for external members) and its jobs:
// the tick every minute (prep cards, reminders, warnings, follow-ups), the daily planning sweep, and
// with Graph configured: mail to external members, the Outlook sync of linked tables every 15 minutes
// (and right before prep cards go out), and the agenda into the Outlook meeting's body.
import type { Logger } from 'pino';
import type { AccessLevel } from '../access.js';
import type { CardRenderer } from '../cards/render.js';
import type { Db } from '../db/pool.js';
import type { Downloads } from '../exports/feature.js';
import { registerMeetingDownloads } from './downloads.js';
import type { PgBoss } from '../jobs/boss.js';
import { defineRenderer, toCardActivity } from '../outbox/service.js';
import { createMeetingPersonalData } from './personal-data.js';
import type { RouteContext } from '../routes.js';
import { mayRunTable, maySeeTable, sitsAt, canManageTables } from './access.js';
import {
  CANNOT_COME_RENDERER,
  EXTERNAL_RENDERER,
  FOLLOWUP_RENDERER,
  PREP_RENDERER,
  WARNING_RENDERER,
  type MeetingActions,
  type MeetingCalendar,
  type MeetingConversations,
  type MeetingMailer,
  type MeetingOutbox,
  type MeetingPeople,
  type PackPart,
} from './ports.js';
import { createMeetingOutlook } from './outlook.js';
import { createMeetingRoutes } from './routes.js';
import { createMeetingService } from './service.js';
import * as store from './store.js';
import { externalPrepText, renderCannotCome, renderFollowUp, renderPrep, renderRhythmWarning } from './view.js';

export type { MeetingService } from './service.js';
export type { MeetingCalendar, MeetingMailer, PackPart, PackViewer } from './ports.js';

export const MEETING_TICK_QUEUE = 'meetings.tick';
export const MEETING_SWEEP_QUEUE = 'meetings.sweep';
export const MEETING_MAIL_QUEUE = 'meetings.mail';
/** Every 15 minutes: linked tables read from Outlook. */
export const MEETING_OUTLOOK_QUEUE = 'meetings.outlook';
/** The agenda of one meeting into its Outlook body (one queued per meeting at a time). */
export const MEETING_OUTLOOK_BODY_QUEUE = 'meetings.outlookBody';

export interface MeetingFeatureDeps {
  db: Db;
  cards: CardRenderer;
  outbox: MeetingOutbox;
  people: MeetingPeople;
  conversations: MeetingConversations;
  pack: PackPart[];
  actions?: MeetingActions;
  mailer?: MeetingMailer;
  /** Signed downloads: the .ics of a meeting. */
  downloads?: Pick<Downloads, 'register'>;
  /** Outlook calendars (Graph, Calendars.ReadWrite): absent, tables keep their dates in Cadans only. */
  calendar?: MeetingCalendar;
  now?: () => Date;
  log?: Pick<Logger, 'warn' | 'error' | 'info'>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createMeetingFeature(deps: MeetingFeatureDeps) {
  const now = deps.now ?? (() => new Date());
  const ics = deps.downloads ? registerMeetingDownloads(deps.downloads, { db: deps.db, language: (tenantId) => deps.people.tenantLanguage(tenantId) }) : null;
  let boss: PgBoss | null = null;
  const service = createMeetingService({
    ...deps,
    now,
    ...(ics ? { icsLink: ics.linkFor } : {}),
    ...(deps.calendar
      ? {
          outlookAgendaChanged: async (meetingId: number) => {
            if (boss) await boss.send(MEETING_OUTLOOK_BODY_QUEUE, { meetingId }, { singletonKey: `body:${meetingId}`, retryLimit: 5, retryDelay: 60, retryBackoff: true });
            else await outlook.pushAgenda(meetingId);
          },
        }
      : {}),
  });
  const outlook = createMeetingOutlook({ db: deps.db, ...(deps.calendar ? { calendar: deps.calendar } : {}), people: deps.people, service, ...(deps.log ? { log: deps.log } : {}) });
  const routes = createMeetingRoutes({ meetings: service, outlook, now });

  /** One tick: linked tables whose prep cards are near are read from Outlook first (outside the claims), then what is due goes. */
  async function tick(at: Date) {
    await outlook.syncBeforePrep(at);
    return service.tick(at);
  }

  /**
   * The verb table's `meeting` resource, by the `table` or `meeting` id in the action data: see = may
   * see the table; edit = manage it or chair it; answer = sits at it or was sent its prep card.
   * Another tenant's and unknown ids are refused alike.
   */
  async function guard(ctx: RouteContext, data: unknown, level: AccessLevel): Promise<boolean> {
    const d = (data && typeof data === 'object' ? data : {}) as { table?: unknown; meeting?: unknown };
    const grants = await deps.people.grantsOf(ctx.actor.tenantId, ctx.actor.aadObjectId);
    let table: store.TableWithNext | null = null;
    let meetingId: number | null = null;
    if (typeof d.table === 'string' && UUID.test(d.table)) table = await store.findTable(deps.db, { publicId: d.table.toLowerCase() });
    else if (typeof d.meeting === 'string' && UUID.test(d.meeting)) {
      const m = await store.findMeeting(deps.db, { publicId: d.meeting.toLowerCase() });
      if (m) {
        meetingId = m.id;
        table = await store.findTable(deps.db, { id: m.tableId });
      }
    }
    if (!table || table.table.tenantId !== ctx.actor.tenantId) return false;
    if (level === 'see') return maySeeTable(table.table, grants, ctx.actor.aadObjectId);
    if (level === 'edit') return mayRunTable(table.table, grants, ctx.actor.aadObjectId);
    if (sitsAt(table.table, grants, ctx.actor.aadObjectId) || canManageTables(grants)) return true;
    if (meetingId === null) return false;
    return (await store.listAttendance(deps.db, meetingId)).some((a) => a.aadObjectId === ctx.actor.aadObjectId);
  }

  const prepRenderer = defineRenderer({
    ...PREP_RENDERER,
    async render({ meetingId, aad, reminder }) {
      const m = await store.findMeeting(deps.db, { id: meetingId });
      if (!m) throw new Error(`meeting ${meetingId} is gone`);
      const language = await service.languageOf(m.tenantId, aad);
      const input = await service.prepInput(meetingId, aad, language);
      if (!input) throw new Error(`meeting ${meetingId} is gone`);
      const card = renderPrep(deps.cards, { ...input, ...(reminder ? { message: { text: language === 'nl' ? 'Herinnering, zoals je vroeg.' : 'A reminder, as you asked.', tone: 'good' as const } } : {}) });
      return toCardActivity(card, { summary: input.tableName });
    },
    async onSent({ args, activityId, conversationId }, tx) {
      if (activityId && !args.reminder) await service.setAttendeeCard(tx, args.meetingId, args.aad, activityId, conversationId, null);
    },
    onSentOps: ['send', 'createPersonal'],
  });

  const followUpRenderer = defineRenderer({
    ...FOLLOWUP_RENDERER,
    async render({ meetingId, aad }) {
      const m = await store.findMeeting(deps.db, { id: meetingId });
      if (!m) throw new Error(`meeting ${meetingId} is gone`);
      const language = await service.languageOf(m.tenantId, aad);
      const input = await service.followUpInput(meetingId, aad, language);
      if (!input) throw new Error(`meeting ${meetingId} is gone`);
      return toCardActivity(renderFollowUp(deps.cards, input), { summary: input.tableName });
    },
    async onSent({ args, activityId, conversationId }, tx) {
      if (activityId) await service.setFollowupCard(tx, args.meetingId, activityId, conversationId);
    },
    onSentOps: ['send', 'createPersonal'],
  });

  const warningRenderer = defineRenderer({
    ...WARNING_RENDERER,
    async render({ meetingId, aad }) {
      const m = await store.findMeeting(deps.db, { id: meetingId });
      if (!m) throw new Error(`meeting ${meetingId} is gone`);
      const language = await service.languageOf(m.tenantId, aad);
      const input = await service.warningInput(meetingId, language);
      if (!input) throw new Error(`meeting ${meetingId} is gone`);
      return toCardActivity(renderRhythmWarning(deps.cards, input), { summary: input.tableName });
    },
  });

  const cannotComeRenderer = defineRenderer({
    ...CANNOT_COME_RENDERER,
    async render({ meetingId, aad, chairAad }) {
      const m = await store.findMeeting(deps.db, { id: meetingId });
      if (!m) throw new Error(`meeting ${meetingId} is gone`);
      const language = await service.languageOf(m.tenantId, chairAad);
      const input = await service.cannotComeInput(meetingId, aad, language);
      if (!input) throw new Error(`meeting ${meetingId} is gone`);
      return toCardActivity(renderCannotCome(deps.cards, input), { summary: input.tableName });
    },
  });

  const externalRenderer = defineRenderer({
    ...EXTERNAL_RENDERER,
    async render({ meetingId, chairAad }) {
      const m = await store.findMeeting(deps.db, { id: meetingId });
      if (!m) throw new Error(`meeting ${meetingId} is gone`);
      const language = await service.languageOf(m.tenantId, chairAad);
      const input = await service.externalInput(meetingId, language);
      if (!input) throw new Error(`meeting ${meetingId} is gone`);
      const text = externalPrepText(input);
      const names = input.recipients.map((r) => `${r.name} <${r.email}>`).join(', ');
      const intro = language === 'nl' ? `Cadans kan deze leden niet zelf bereiken. Stuur deze tekst door aan: ${names}` : `Cadans cannot reach these members itself. Please forward this text to: ${names}`;
      return toCardActivity(
        {
          type: 'AdaptiveCard',
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          version: '1.5',
          body: [
            { type: 'TextBlock', text: text.subject, weight: 'Bolder', wrap: true },
            { type: 'TextBlock', text: intro.replace(/[*_`#[\]<>]/g, (c) => `\\${c}`), wrap: true },
            { type: 'TextBlock', text: text.plain.replace(/[*_`#[\]<>]/g, (c) => `\\${c}`).slice(0, 8_000), wrap: true, fontType: 'Monospace', size: 'Small' },
          ],
        } as never,
        { summary: text.subject },
      );
    },
  });

  async function registerJobs(b: PgBoss) {
    boss = b;
    await b.createQueue(MEETING_TICK_QUEUE);
    await b.schedule(MEETING_TICK_QUEUE, '* * * * *', {}, { tz: 'Europe/Amsterdam' });
    await b.work<{ now?: string }>(MEETING_TICK_QUEUE, async (jobs) => {
      for (const job of jobs) {
        const at = typeof job.data?.now === 'string' && !Number.isNaN(Date.parse(job.data.now)) ? new Date(job.data.now) : now();
        const r = await tick(at);
        for (const mail of r.mails) await b.send(MEETING_MAIL_QUEUE, mail, { retryLimit: 5, retryDelay: 60, retryBackoff: true, singletonKey: `mail:${mail.meetingId}` });
      }
    });
    await b.createQueue(MEETING_SWEEP_QUEUE);
    await b.schedule(MEETING_SWEEP_QUEUE, '0 6 * * *', {}, { tz: 'Europe/Amsterdam' });
    await b.work<{ now?: string }>(MEETING_SWEEP_QUEUE, async (jobs) => {
      for (const job of jobs) await service.sweep(typeof job.data?.now === 'string' ? new Date(job.data.now) : now());
    });
    // Graph's queues only where Graph is: another instance without it never takes their jobs.
    if (deps.mailer) {
      await b.createQueue(MEETING_MAIL_QUEUE);
      await b.work<{ meetingId: number; tenantId: string; fromAad: string }>(MEETING_MAIL_QUEUE, async (jobs) => {
        for (const job of jobs) await service.mailExternals(job.data);
      });
    }
    if (deps.calendar) {
      await b.createQueue(MEETING_OUTLOOK_QUEUE);
      await b.schedule(MEETING_OUTLOOK_QUEUE, '*/15 * * * *', {}, { tz: 'Europe/Amsterdam' });
      await b.work<{ now?: string }>(MEETING_OUTLOOK_QUEUE, async (jobs) => {
        for (const job of jobs) await outlook.syncDue(typeof job.data?.now === 'string' && !Number.isNaN(Date.parse(job.data.now)) ? new Date(job.data.now) : now());
      });
      // Stately: one waiting and one running per meeting; the waiting one reads the agenda as it is then.
      await b.createQueue(MEETING_OUTLOOK_BODY_QUEUE, { name: MEETING_OUTLOOK_BODY_QUEUE, policy: 'stately' });
      await b.work<{ meetingId: number }>(MEETING_OUTLOOK_BODY_QUEUE, async (jobs) => {
        for (const job of jobs) await outlook.pushAgenda(job.data.meetingId);
      });
    }
  }

  return {
    service,
    routes,
    guard,
    registerJobs,
    renderers: [prepRenderer, followUpRenderer, warningRenderer, cannotComeRenderer, externalRenderer],
    /** Its part of a person's export and erase, a tenant's deletion and retention (docs/privacy.md). */
    personalData: createMeetingPersonalData({ refreshPrepCards: (meetingId) => service.refreshPrepCards(meetingId) }),
    /** Outlook: linking, the sync (tests and the operator run `syncDue` with their own clock; the cron every 15 minutes). */
    outlook,
    /** For tests and the operator: run the tick now (the cron runs it every minute). */
    tick: async (at: Date) => {
      const r = await tick(at);
      if (boss) for (const mail of r.mails) await boss.send(MEETING_MAIL_QUEUE, mail, { singletonKey: `mail:${mail.meetingId}` });
      else for (const mail of r.mails) await service.mailExternals(mail);
      return r;
    },
  };
}

export type MeetingFeature = ReturnType<typeof createMeetingFeature>;
