// Meeting tables linked to Outlook (Microsoft Graph, when configured): a table's meetings as a series
// (or one event at a time) in its chair's calendar with the members as attendees, or an existing series
// linked by its id. Outlook is then where dates are kept: every 15 minutes, and once more right before
// prep cards go out, the next occurrence that is not cancelled becomes the planned meeting (a moved one
// moves the meeting and its prep moment; a cancelled one is skipped; a deleted series unlinks the table).
// Agenda items members add are written into the meeting's body, next to the chair's own text.
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { escapeMarkdown } from '../cards/text.js';
import type { Language } from '../config.js';
import type { Db } from '../db/pool.js';
import { notAllowed } from '../errors.js';
import type { Actor } from '../routes.js';
import { ZONE } from '../schedule/index.js';
import { isChair } from './access.js';
import type { LocalText, MeetingTable } from './model.js';
import type { MeetingCalendar, MeetingPeople, OutlookDay, OutlookOccurrence, OutlookSeriesInput } from './ports.js';
import type { MeetingService } from './service.js';
import * as store from './store.js';
import { formatMeetingMoment, text } from './view.js';
import type { ExternalPrepInput } from './view-model.js';

/** How far back and ahead the sync reads a chair's calendar. */
export const SYNC_WINDOW = { backDays: 1, aheadDays: 180 } as const;
/** A linked table is read from Outlook at most this often by the cron. */
export const SYNC_EVERY_MINUTES = 15;
/** Right before a reminder: tables whose prep cards are due within this many minutes … */
export const PRE_PREP_LOOKAHEAD_MINUTES = 20;
/** … and that were not read in the last this many minutes. */
export const PRE_PREP_FRESH_MINUTES = 5;
const SYNC_BATCH = 50;
const DAY_MS = 86_400_000;
const DAYS: readonly OutlookDay[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export type LinkRequest = { mode: 'create' } | { mode: 'link'; event: string };
export type LinkResult = { ok: true; message: LocalText } | { ok: false; problem: LocalText };
export type SyncResult = 'unchanged' | 'planned' | 'created' | 'unlinked' | 'skipped';

// ---------------------------------------------------------------------------------------------------
// Pure parts

/** Wall-clock date and time of an instant in Amsterdam, as Outlook's start. */
export function amsterdamStart(at: Date): { date: string; time: string; day: OutlookDay } {
  const local = DateTime.fromJSDate(at, { zone: ZONE });
  return { date: local.toISODate()!, time: local.toFormat('HH:mm'), day: DAYS[local.weekday - 1]! };
}

/** Every N weeks: a weekly series with interval N on the planned meeting's weekday; every other rule: one event. */
export function seriesRecurrence(rule: MeetingTable['rule'], startsAt: Date): OutlookSeriesInput['recurrence'] {
  return rule.kind === 'everyNWeeks' ? { kind: 'weekly', intervalWeeks: rule.weeks, daysOfWeek: [amsterdamStart(startsAt).day] } : { kind: 'none' };
}

/** Graph's idempotency key for creating a table's event starting at `startsAt`. */
export function transactionIdFor(tablePublicId: string, startsAt: Date): string {
  const s = amsterdamStart(startsAt);
  return `cadans-${tablePublicId}-${s.date.replace(/-/g, '')}T${s.time.replace(':', '')}`;
}

/** The first occurrence after `now` that is not cancelled (calendarView leaves the organizer's cancelled ones out; an attendee's copy marks them). */
export function nextOccurrenceOf(occurrences: readonly OutlookOccurrence[], now: Date): OutlookOccurrence | null {
  return [...occurrences].filter((o) => !o.isCancelled && o.start.getTime() > now.getTime()).sort((a, b) => a.start.getTime() - b.start.getTime())[0] ?? null;
}

/**
 * An event id as someone pastes it: Graph's id, or a link from Outlook on the web (…/calendar/item/<id>
 * or …?itemid=<id>). Outlook's links carry the EWS form of the id, whose '/' and '+' Graph writes as
 * '-' and '_'. Null when nothing in it looks like an id.
 */
export function parseEventRef(ref: string): string | null {
  let raw = ref.trim();
  if (/^https?:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return null;
    }
    const fromQuery = url.searchParams.get('itemid') ?? url.searchParams.get('itemId');
    const fromPath = /\/item\/([^/?#]+)/.exec(url.pathname)?.[1];
    if (fromQuery) raw = fromQuery;
    else if (fromPath) {
      try {
        raw = decodeURIComponent(fromPath);
      } catch {
        return null;
      }
    } else return null;
  }
  const id = raw.replace(/\//g, '-').replace(/\+/g, '_');
  return /^[A-Za-z0-9=_-]{16,1024}$/.test(id) ? id : null;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const html = (s: string): string => s.replace(/\s+/g, ' ').trim().replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

const BODY_TEXT = {
  from: { nl: 'Voorbereiding uit Cadans', en: 'Preparation from Cadans' },
  noAgenda: { nl: 'Nog geen agendapunten. Leden voegen ze toe op hun voorbereidingskaart in Teams.', en: 'No agenda items yet. Members add them on their prep card in Teams.' },
  byline: { nl: 'ingebracht door', en: 'added by' },
} satisfies Record<string, LocalText>;

/** Cadans' part of the meeting's body in Outlook: what is on the table, the PDCA thread, the agenda items. */
export function outlookBodyHtml(input: Pick<ExternalPrepInput, 'language' | 'topics' | 'pdca' | 'agenda'>): string {
  const lang = input.language;
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
  const agenda = input.agenda.length
    ? list(input.agenda.map((a) => (a.author.trim() ? `${html(a.text)} <em>(${BODY_TEXT.byline[lang]} ${html(a.author)})</em>` : html(a.text))))
    : `<p>${BODY_TEXT.noAgenda[lang]}</p>`;
  return [
    `<p><strong>${BODY_TEXT.from[lang]}</strong></p>`,
    `<p><strong>${html(text(lang, 'topicsHeading'))}</strong></p>`,
    list(input.topics.map(html)),
    `<p><strong>${html(text(lang, 'pdcaHeading'))}</strong></p>`,
    list(input.pdca.map((p) => `${html(p.step)}: ${html(p.question)}`)),
    `<p><strong>${html(text(lang, 'agendaHeading'))}</strong></p>`,
    agenda,
  ].join('\n');
}

const say = (nl: string, en: string): LocalText => ({ nl, en });

const PROBLEMS = {
  notConfigured: say(
    'Outlook is niet gekoppeld aan Cadans (Microsoft Graph staat uit voor deze organisatie). Vraag de beheerder om het in te stellen, of zet de datum hieronder zelf vast.',
    'Outlook is not connected to Cadans (Microsoft Graph is off for this organisation). Ask the administrator to set it up, or set the date below yourself.',
  ),
  paused: say('Dit overleg is gepauzeerd. Zet het eerst weer aan.', 'This meeting table is paused. Resume it first.'),
  linked: say('Dit overleg is al gekoppeld aan Outlook.', 'This meeting table is already linked to Outlook.'),
  pickChair: say(
    'Kies eerst één persoon als voorzitter (Wijzigen): de bijeenkomsten komen in de Outlook-agenda van de voorzitter, en bij deze rol hoort niet precies één persoon.',
    'First choose one person as the chair (Edit): the meetings go into the chair’s Outlook calendar, and this role is not held by exactly one person.',
  ),
  noDate: say('Zet eerst de datum van het volgende overleg vast; daar begint de reeks in Outlook.', 'First set the date of the next meeting; the series in Outlook starts there.'),
  badRef: say(
    'Dat is geen afspraak-id. Plak de koppeling van de afspraak uit Outlook op het web, of de id uit Microsoft Graph.',
    'That is not an event id. Paste the link of the event from Outlook on the web, or its Microsoft Graph id.',
  ),
  notFound: say('Die afspraak staat niet in de agenda van de voorzitter.', 'That event is not in the chair’s calendar.'),
  noUpcoming: say(
    'In die afspraak of reeks staat het komende halfjaar geen bijeenkomst meer. Kies een reeks die nog doorloopt, of laat Cadans er een maken.',
    'That event or series has no meeting in the coming six months. Choose a series that still runs, or let Cadans create one.',
  ),
  failed: say('Outlook gaf geen bruikbaar antwoord. Probeer het over een paar minuten nog eens.', 'Outlook did not give a usable answer. Try again in a few minutes.'),
} satisfies Record<string, LocalText>;

const forbidden = (chair: string): LocalText =>
  say(
    `Cadans mag niet in de agenda van ${chair}. Vraag de beheerder om de voorzitter toe te voegen aan de groep voorzitters die Cadans in Exchange mag bereiken.`,
    `Cadans may not use ${chair}’s calendar. Ask the administrator to add the chair to the group of chairs Cadans may reach in Exchange.`,
  );

// ---------------------------------------------------------------------------------------------------

export interface MeetingOutlookDeps {
  db: Db;
  calendar?: MeetingCalendar;
  people: MeetingPeople;
  service: Pick<MeetingService, 'table' | 'resolveMembers' | 'externalInput' | 'followOutlook'>;
  log?: Pick<Logger, 'warn' | 'error' | 'info'>;
}

export function createMeetingOutlook(deps: MeetingOutlookDeps) {
  const { db, calendar } = deps;

  const available = (tenantId: string): boolean => Boolean(calendar?.covers(tenantId));

  /** The person in whose calendar the meetings are: the chair when a person, or the one holder of the chair's role. */
  async function chairPerson(table: MeetingTable): Promise<{ aadObjectId: string; name: string } | null> {
    if (table.chair.kind === 'person') return { aadObjectId: table.chair.aadObjectId, name: table.chair.name };
    const { chairs } = await deps.service.resolveMembers(table);
    if (chairs.length !== 1) return null;
    const only = chairs[0]!;
    // Nobody holds the role and a quality officer stands in: that is not the chair's calendar.
    const grants = await deps.people.grantsOf(table.tenantId, only.aadObjectId);
    return isChair(table.chair, grants, only.aadObjectId, table.schoolId) ? only : null;
  }

  async function bodyOf(meetingId: number, tenantId: string): Promise<{ html: string; input: ExternalPrepInput } | null> {
    const input = await deps.service.externalInput(meetingId, await deps.people.tenantLanguage(tenantId));
    return input ? { html: outlookBodyHtml(input), input } : null;
  }

  async function unlink(table: MeetingTable, why: string): Promise<SyncResult> {
    await store.setOutlook(db, table.id, null);
    deps.log?.warn({ table: table.publicId, tenant: table.tenantId, why }, 'meetings: the Outlook series of a table is gone; the table is no longer linked and keeps its dates in Cadans');
    return 'unlinked';
  }

  /** Creates an event in the organizer's calendar (the transactionId kept first) and links the table to it. */
  async function createFor(table: MeetingTable, organizer: { aadObjectId: string }, meeting: { id: number; startsAt: Date }, language: Language): Promise<{ eventId: string; missing: string[] }> {
    const cal = calendar!;
    const members = await deps.service.resolveMembers(table);
    const others = members.people.filter((p) => p.aadObjectId !== organizer.aadObjectId);
    const contacts = new Map((await deps.people.contactsOf(table.tenantId, others.map((p) => p.aadObjectId))).map((c) => [c.aadObjectId, c]));
    const attendees: { email: string; name: string }[] = [];
    const seen = new Set<string>();
    const missing: string[] = [];
    const add = (email: string, name: string) => {
      const key = email.toLowerCase();
      if (seen.has(key)) return;
      seen.add(key);
      attendees.push({ email, name: name.trim() || email });
    };
    for (const p of others) {
      const email = contacts.get(p.aadObjectId)?.email;
      if (email) add(email, p.name || contacts.get(p.aadObjectId)?.name || '');
      else missing.push(p.name);
    }
    for (const e of members.externals) add(e.email, e.name);
    const body = await bodyOf(meeting.id, table.tenantId);
    const start = amsterdamStart(meeting.startsAt);
    const pending = await store.outlookPending(db, table.id);
    const transactionId = pending && pending.organizerAad === organizer.aadObjectId ? pending.transactionId : transactionIdFor(table.publicId, meeting.startsAt);
    if (!(await store.setOutlookPending(db, table.id, { organizerAad: organizer.aadObjectId, transactionId }, table.outlook?.seriesId ?? null))) {
      throw new Error('meetings: the table’s link to Outlook changed while an event was being created');
    }
    const name = body?.input.tableName ?? table.name ?? '';
    const subject = (table.schoolName ? `${name} – ${table.schoolName}` : name).replace(/\s+/g, ' ').trim().slice(0, 255) || (language === 'nl' ? 'Overleg' : 'Meeting');
    let created: { eventId: string };
    try {
      created = await cal.createSeries(table.tenantId, organizer.aadObjectId, {
        subject,
        bodyHtml: body?.html ?? '',
        start: { date: start.date, time: start.time },
        durationMinutes: table.durationMinutes,
        attendees,
        recurrence: seriesRecurrence(table.rule, meeting.startsAt),
        transactionId,
      });
    } catch (err) {
      await store.clearOutlookPending(db, table.id);
      throw err;
    }
    await store.setOutlook(db, table.id, { organizerAad: organizer.aadObjectId, seriesId: created.eventId });
    return { eventId: created.eventId, missing };
  }

  /**
   * Reads a linked table's calendar and follows it: the first occurrence after `now` that is not
   * cancelled becomes the planned meeting (confirmed). A single event that has passed, with the next
   * meeting planned after the follow-up, gets a new event of its own. A series Outlook no longer knows
   * unlinks the table. Graph's other failures are thrown (the caller logs and goes on).
   */
  async function syncTable(tableId: number, now: Date): Promise<SyncResult> {
    if (!calendar) return 'skipped';
    const t = await store.findTable(db, { id: tableId });
    if (!t || !t.table.outlook || t.table.paused || !calendar.covers(t.table.tenantId)) return 'skipped';
    const table = t.table;
    const { organizerAad, seriesId } = table.outlook!;
    let occurrences: OutlookOccurrence[];
    try {
      occurrences = await calendar.listOccurrences(table.tenantId, organizerAad, {
        from: new Date(now.getTime() - SYNC_WINDOW.backDays * DAY_MS),
        to: new Date(now.getTime() + SYNC_WINDOW.aheadDays * DAY_MS),
        onlyEventIds: [seriesId],
      });
    } catch (err) {
      if (calendar.failureOf(err) === 'notFound') return unlink(table, 'the organizer’s mailbox');
      throw err;
    }
    const next = nextOccurrenceOf(occurrences, now);
    if (next) {
      const r = await deps.service.followOutlook(table.id, { at: next.start, eventId: next.id }, now);
      if (r.changed && r.meetingId !== null && (await store.listAgenda(db, r.meetingId)).length > 0) {
        // The agenda moves with the meeting: into the body of the occurrence it now follows.
        await pushAgenda(r.meetingId).catch((err: unknown) => deps.log?.warn({ err, table: table.publicId }, 'meetings: the agenda could not be written into the moved Outlook meeting'));
      }
      return r.changed ? 'planned' : 'unchanged';
    }
    // Nothing ahead in the window: is the series (or event) still there?
    try {
      await calendar.getEvent(table.tenantId, organizerAad, seriesId);
    } catch (err) {
      if (calendar.failureOf(err) === 'notFound') return unlink(table, 'the series');
      throw err;
    }
    const single = occurrences.every((o) => o.seriesMasterId === null) && table.rule.kind !== 'everyNWeeks';
    if (single && t.next && t.next.startsAt.getTime() > now.getTime() && t.next.outlookEventId === null) {
      const language = await deps.people.tenantLanguage(table.tenantId);
      const created = await createFor(table, { aadObjectId: organizerAad }, t.next, language);
      await deps.service.followOutlook(table.id, { at: t.next.startsAt, eventId: created.eventId }, now);
      return 'created';
    }
    return 'unchanged';
  }

  /** The agenda of a meeting into its Outlook body: its occurrence when known, else the series. */
  async function pushAgenda(meetingId: number): Promise<'updated' | 'unchanged' | 'skipped'> {
    if (!calendar) return 'skipped';
    const m = await store.findMeeting(db, { id: meetingId });
    const t = m ? await store.findTable(db, { id: m.tableId }) : null;
    if (!m || !t?.table.outlook || m.status !== 'planned' || !calendar.covers(m.tenantId)) return 'skipped';
    const body = await bodyOf(m.id, m.tenantId);
    if (!body) return 'skipped';
    const target = m.outlookEventId ?? t.table.outlook.seriesId;
    return calendar.updateBody(m.tenantId, t.table.outlook.organizerAad, target, body.html);
  }

  async function syncEach(ids: number[], now: Date): Promise<number> {
    let n = 0;
    for (const id of ids) {
      try {
        if ((await syncTable(id, now)) !== 'skipped') n++;
      } catch (err) {
        deps.log?.warn({ err, table: id }, 'meetings: reading a linked table from Outlook failed; it keeps the dates it has and is read again later');
      }
    }
    return n;
  }

  return {
    available,
    syncTable,
    pushAgenda,

    /** The cron (every 15 minutes): linked tables not read in the last 15 minutes. */
    async syncDue(now: Date): Promise<number> {
      if (!calendar) return 0;
      let n = 0;
      for (;;) {
        const ids = await store.tablesToSync(db, new Date(now.getTime() - SYNC_EVERY_MINUTES * 60_000), SYNC_BATCH);
        n += await syncEach(ids, now);
        if (ids.length < SYNC_BATCH) return n;
      }
    },

    /** In the tick, before prep cards are claimed: tables whose cards are due within 20 minutes, not read in the last 5. */
    async syncBeforePrep(now: Date): Promise<number> {
      if (!calendar) return 0;
      try {
        const ids = await store.tablesToSyncBeforePrep(db, new Date(now.getTime() + PRE_PREP_LOOKAHEAD_MINUTES * 60_000), new Date(now.getTime() - PRE_PREP_FRESH_MINUTES * 60_000), SYNC_BATCH);
        return await syncEach(ids, now);
      } catch (err) {
        deps.log?.warn({ err }, 'meetings: the Outlook check before prep cards failed; the cards go with the dates Cadans has');
        return 0;
      }
    },

    /**
     * `meeting.linkOutlook`: create a series (or one event) in the chair's calendar with every member
     * invited, or link an existing one by its id; the next occurrence becomes the planned meeting.
     */
    async link(actor: Actor, language: Language, tablePublicId: string, request: LinkRequest, now: Date): Promise<LinkResult> {
      const view = await deps.service.table(actor, language, tablePublicId);
      if (!view.canRun) throw notAllowed('link meeting table to Outlook');
      const t = view.raw;
      const table = t.table;
      if (!calendar || !calendar.covers(table.tenantId)) return { ok: false, problem: PROBLEMS.notConfigured };
      if (table.paused) return { ok: false, problem: PROBLEMS.paused };
      if (table.outlook) return { ok: false, problem: PROBLEMS.linked };
      const chair = await chairPerson(table);
      if (!chair) return { ok: false, problem: PROBLEMS.pickChair };
      const chairName = escapeMarkdown(chair.name || '?');
      try {
        if (request.mode === 'create') {
          if (!t.next || t.next.startsAt.getTime() <= now.getTime()) return { ok: false, problem: PROBLEMS.noDate };
          const created = await createFor(table, chair, t.next, language);
          const weekly = table.rule.kind === 'everyNWeeks';
          // One event is the planned meeting itself; a series is read back for its first occurrence's id.
          if (!weekly) await deps.service.followOutlook(table.id, { at: t.next.startsAt, eventId: created.eventId }, now);
          else await syncTable(table.id, now).catch((err: unknown) => deps.log?.warn({ err, table: table.publicId }, 'meetings: reading the new Outlook series failed; the next sync tries again'));
          const missing = created.missing.map((n) => escapeMarkdown(n || '?')).join(', ');
          const message = say(
            `Gekoppeld aan Outlook: ${weekly ? 'de reeks' : 'het volgende overleg'} staat in de agenda van ${chairName} en de leden zijn uitgenodigd. Verplaats of annuleer een bijeenkomst voortaan in Outlook; Cadans neemt het binnen een kwartier over.`,
            `Linked to Outlook: ${weekly ? 'the series' : 'the next meeting'} is in ${chairName}’s calendar and the members are invited. From now on, move or cancel a meeting in Outlook; Cadans follows within fifteen minutes.`,
          );
          if (missing) {
            message.nl += ` Zonder bekend e-mailadres, dus niet uitgenodigd: ${missing}.`;
            message.en += ` No email address known, so not invited: ${missing}.`;
          }
          return { ok: true, message };
        }
        const eventId = parseEventRef(request.event);
        if (!eventId) return { ok: false, problem: PROBLEMS.badRef };
        const event = await calendar.getEvent(table.tenantId, chair.aadObjectId, eventId);
        const from = new Date(now.getTime() - SYNC_WINDOW.backDays * DAY_MS);
        const to = new Date(now.getTime() + SYNC_WINDOW.aheadDays * DAY_MS);
        let seriesId = event.id;
        if (event.type === 'occurrence' || event.type === 'exception') {
          // One meeting of a series: link the series it belongs to.
          const all = await calendar.listOccurrences(table.tenantId, chair.aadObjectId, { from, to });
          const master = all.find((o) => o.id === event.id)?.seriesMasterId;
          if (!master) return { ok: false, problem: PROBLEMS.noUpcoming };
          seriesId = master;
        }
        const next = nextOccurrenceOf(await calendar.listOccurrences(table.tenantId, chair.aadObjectId, { from, to, onlyEventIds: [seriesId] }), now);
        if (!next) return { ok: false, problem: PROBLEMS.noUpcoming };
        await store.setOutlook(db, table.id, { organizerAad: chair.aadObjectId, seriesId });
        await deps.service.followOutlook(table.id, { at: next.start, eventId: next.id }, now);
        return {
          ok: true,
          message: say(
            `Gekoppeld aan Outlook (de agenda van ${chairName}): het volgende overleg is ${formatMeetingMoment(next.start, 'nl')}. Verplaats of annuleer een bijeenkomst voortaan in Outlook; Cadans neemt het binnen een kwartier over.`,
            `Linked to Outlook (${chairName}’s calendar): the next meeting is ${formatMeetingMoment(next.start, 'en')}. From now on, move or cancel a meeting in Outlook; Cadans follows within fifteen minutes.`,
          ),
        };
      } catch (err) {
        const failure = calendar.failureOf(err);
        if (failure === 'forbidden') return { ok: false, problem: forbidden(chairName) };
        if (failure === 'notFound') return { ok: false, problem: PROBLEMS.notFound };
        deps.log?.warn({ err, table: table.publicId }, 'meetings: linking a table to Outlook failed');
        return { ok: false, problem: PROBLEMS.failed };
      }
    },
  };
}

export type MeetingOutlook = ReturnType<typeof createMeetingOutlook>;
