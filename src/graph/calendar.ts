// Outlook calendars through Microsoft Graph: a table's meeting series in its chair's calendar
// (application permission Calendars.ReadWrite, limited by the tenant admin to the chairs' mailboxes).
//
// - Create:  POST /users/{id}/events, with a patternedRecurrence (weekly, every N weeks) or none,
//            and a transactionId so a retried create makes no second series.
// - Read:    GET /users/{id}/calendar/calendarView?startDateTime&endDateTime, paged by @odata.nextLink:
//            occurrences, exceptions (moved occurrences) and single events in a window, never series
//            masters. An occurrence the organizer cancels in Outlook is deleted from the organizer's
//            calendar: calendarView simply leaves it out (isCancelled = true is what attendees' copies
//            show). A caller that planned an occurrence and does not find it in a window it read has
//            found a cancellation.
// - Link:    GET /users/{id}/events/{id} (subject, recurrence, start, attendees of an existing series).
// - Agenda:  PATCH /users/{id}/events/{id} with a new body. Graph warns that replacing the body of an
//            online (Teams) meeting drops its join information; so only Cadans' own part of the body,
//            between two markers, is replaced and the rest (the chair's text, the Teams block) is kept.
//
// Time zones: Graph takes Windows time-zone names and a documented list of IANA names; Europe/Amsterdam
// is not on that list, so Cadans sends 'W. Europe Standard Time' (Amsterdam, Berlin, Rome, Stockholm,
// Vienna: the same rules). Instants are read with `Prefer: outlook.timezone="UTC"`, so a time in the
// doubled hour of the last Sunday of October is never ambiguous. Sources (Microsoft Learn): event,
// dateTimeTimeZone, patternedRecurrence / recurrencePattern / recurrenceRange, user-post-events,
// user-list-calendarview, event-get, event-update.
import type { Client } from '@microsoft/microsoft-graph-client';
import { DateTime, IANAZone } from 'luxon';
import type { Logger } from 'pino';
import { z } from 'zod';
import { GraphError, GraphErrorCodes } from './errors.js';
import {
  assertBodyHtml,
  assertLine,
  assertUserId,
  checkRecipients,
  invalidInput,
  invalidResponse,
  send,
  toNextPageRequest,
} from './request.js';

export const CADANS_TIME_ZONE = 'Europe/Amsterdam';
/** The Windows name of Europe/Amsterdam's zone, as Graph accepts it in dateTimeTimeZone and recurrenceTimeZone. */
export const GRAPH_AMSTERDAM_TIME_ZONE = 'W. Europe Standard Time';

export type DayOfWeek = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
const DAYS: readonly DayOfWeek[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export interface Attendee {
  email: string;
  name: string;
}

export type SeriesRecurrence =
  | { kind: 'weekly'; intervalWeeks: number; daysOfWeek: DayOfWeek[] }
  /** One event (a window rule's next meeting, a set date). */
  | { kind: 'none' };

export interface CreateSeriesInput {
  subject: string;
  bodyHtml: string;
  /** Wall-clock date and time in `timeZone`. */
  start: { date: string; time: string };
  durationMinutes: number;
  timeZone: typeof CADANS_TIME_ZONE;
  attendees: Attendee[];
  recurrence: SeriesRecurrence;
  /** Last day of a weekly series (inclusive); without it the series has no end. Not with kind 'none'. */
  endDate?: string;
  /**
   * Graph's idempotency key for creating an event: the same value on a retry returns the event made
   * by the first attempt instead of a second one. Keep it with the table before calling.
   */
  transactionId: string;
}

export interface CreatedEvent {
  eventId: string;
  iCalUId?: string;
}

export type OccurrenceType = 'singleInstance' | 'occurrence' | 'exception';

export interface Occurrence {
  id: string;
  /** The series this occurrence belongs to; null for a single event. */
  seriesMasterId: string | null;
  start: Date;
  end: Date;
  /** Where the occurrence was in the series' pattern before it was moved (occurrences and exceptions). */
  originalStart: Date | null;
  isCancelled: boolean;
  subject: string;
  /** 'exception': an occurrence that was changed (moved) in Outlook. */
  type: OccurrenceType;
}

export interface ListOccurrencesInput {
  from: Date;
  to: Date;
  /**
   * Keep only these events: single events by id, series by their master id. The chair's calendar
   * holds more than Cadans' meetings; this keeps the rest out of Cadans' hands.
   */
  onlyEventIds?: readonly string[];
}

export type EventRecurrence =
  | SeriesRecurrence
  /** A pattern Cadans does not create (daily, monthly, yearly), as Graph names it. */
  | { kind: 'other'; pattern: string; interval: number };

export interface OutlookEvent {
  id: string;
  iCalUId: string | null;
  type: OccurrenceType | 'seriesMaster';
  subject: string;
  /** Wall-clock start in Europe/Amsterdam (of the first occurrence, for a series). */
  start: { date: string; time: string };
  startsAt: Date;
  endsAt: Date;
  durationMinutes: number;
  timeZone: typeof CADANS_TIME_ZONE;
  recurrence: EventRecurrence;
  /** The series' last day (recurrence range endDate); null without an end date. */
  endDate: string | null;
  /** For a series that ends after a number of occurrences. */
  numberOfOccurrences: number | null;
  attendees: (Attendee & { type: 'required' | 'optional' | 'resource' })[];
  organizer: Attendee | null;
  isCancelled: boolean;
  isOnlineMeeting: boolean;
}

export type UpdateBodyResult = 'updated' | 'unchanged';

export interface GraphCalendar {
  /** Creates a meeting series (or one event) in the organizer's calendar and invites the attendees. */
  createSeries(organizerUserId: string, input: CreateSeriesInput): Promise<CreatedEvent>;
  /** The occurrences and single events in the organizer's calendar between `from` and `to`. */
  listOccurrences(organizerUserId: string, input: ListOccurrencesInput): Promise<Occurrence[]>;
  /** One event or series (to link an existing series). A deleted one: GraphError with status 404. */
  getEvent(organizerUserId: string, eventId: string): Promise<OutlookEvent>;
  /**
   * Writes `bodyHtml` as Cadans' part of the event's body, keeping the rest of it. 'unchanged' (no
   * update, so attendees get no update mail) when that part already reads so.
   */
  updateBody(organizerUserId: string, eventId: string, bodyHtml: string): Promise<UpdateBodyResult>;
}

/** True for the GraphError Graph answers for an event or mailbox that no longer exists (deleted in Outlook). */
export function isNotFound(error: unknown): boolean {
  return error instanceof GraphError && error.status === 404;
}

const MAX_ATTENDEES = 500; // Graph: at most 500 attendees per event
const MAX_SUBJECT_LENGTH = 255;
const MAX_INTERVAL_WEEKS = 99;
const MAX_DURATION_MINUTES = 24 * 60;
const MAX_VIEW_DAYS = 731;
const MAX_PAGES = 200;
const CALENDAR_PAGE_SIZE = 100;
const OCCURRENCE_FIELDS = ['id', 'seriesMasterId', 'start', 'end', 'originalStart', 'isCancelled', 'subject', 'type'];
const EVENT_FIELDS = [
  'id', 'iCalUId', 'type', 'subject', 'start', 'end', 'recurrence', 'attendees', 'organizer', 'isCancelled', 'isOnlineMeeting',
];
export const AGENDA_START_MARKER = '<!-- cadans:agenda:start -->';
export const AGENDA_END_MARKER = '<!-- cadans:agenda:end -->';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const EVENT_ID = /^[A-Za-z0-9+/=_-]{1,1024}$/;
const TRANSACTION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const dateTimeTimeZoneSchema = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });
const occurrenceSchema = z.object({
  id: z.string().min(1),
  seriesMasterId: z.string().nullish(),
  start: dateTimeTimeZoneSchema,
  end: dateTimeTimeZoneSchema,
  originalStart: z.string().nullish(),
  isCancelled: z.boolean().nullish(),
  subject: z.string().nullish(),
  type: z.string().nullish(),
});
const pageSchema = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() });
const emailAddressSchema = z.object({ address: z.string().nullish(), name: z.string().nullish() }).nullish();
const eventSchema = z.object({
  id: z.string().min(1),
  iCalUId: z.string().nullish(),
  type: z.string().nullish(),
  subject: z.string().nullish(),
  start: dateTimeTimeZoneSchema,
  end: dateTimeTimeZoneSchema,
  isCancelled: z.boolean().nullish(),
  isOnlineMeeting: z.boolean().nullish(),
  recurrence: z
    .object({
      pattern: z.object({
        type: z.string(),
        interval: z.number().int().nullish(),
        daysOfWeek: z.array(z.string()).nullish(),
      }),
      range: z.object({
        type: z.string().nullish(),
        startDate: z.string().nullish(),
        endDate: z.string().nullish(),
        numberOfOccurrences: z.number().int().nullish(),
      }),
    })
    .nullish(),
  attendees: z.array(z.object({ type: z.string().nullish(), emailAddress: emailAddressSchema })).nullish(),
  organizer: z.object({ emailAddress: emailAddressSchema }).nullish(),
});
const bodySchema = z.object({ body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish() });

export interface CalendarOptions {
  client: Client;
  /** Origin of graphBaseUrl; @odata.nextLink is followed only on this origin. */
  graphOrigin: string;
  /** $top for calendarView pages; at most 100. */
  pageSize: number;
  logger: Logger;
}

export function createCalendar(options: CalendarOptions): GraphCalendar {
  const { client, graphOrigin, logger } = options;
  const pageSize = Math.min(options.pageSize, CALENDAR_PAGE_SIZE);

  return {
    async createSeries(organizerUserId, input) {
      assertUserId('organizerUserId', organizerUserId);
      const body = toCreateEventBody(input);
      const response = await send(client.api(`/users/${encodeURIComponent(organizerUserId)}/events`), 'post', body);
      const parsed = z.object({ id: z.string().min(1), iCalUId: z.string().nullish() }).safeParse(response);
      if (!parsed.success) throw invalidResponse('Graph answered a created event without an id');
      logger.info(
        { organizerUserId, eventId: parsed.data.id, recurrence: input.recurrence.kind, attendees: body.attendees.length },
        'graph: created a meeting in the organizer calendar',
      );
      return { eventId: parsed.data.id, ...(parsed.data.iCalUId ? { iCalUId: parsed.data.iCalUId } : {}) };
    },

    async listOccurrences(organizerUserId, input) {
      assertUserId('organizerUserId', organizerUserId);
      const { from, to } = checkWindow(input);
      const only = input.onlyEventIds === undefined ? undefined : new Set(input.onlyEventIds.map((id) => checkEventId(id)));
      const occurrences: Occurrence[] = [];
      const followed = new Set<string>();
      // The window goes in the path (the SDK keeps it as query parameters); the architecture test reserves the SDK's query method name for SQL.
      const window = new URLSearchParams({ startDateTime: from.toISOString(), endDateTime: to.toISOString() });
      let request = client
        .api(`/users/${encodeURIComponent(organizerUserId)}/calendar/calendarView?${window.toString()}`)
        .select(OCCURRENCE_FIELDS)
        .top(pageSize);
      for (let page = 1; ; page += 1) {
        const parsed = pageSchema.safeParse(await send(request.header('Prefer', 'outlook.timezone="UTC"'), 'get'));
        if (!parsed.success) throw invalidResponse('Graph answered a calendarView page without a value array');
        for (const item of parsed.data.value) {
          const occurrence = toOccurrence(item);
          if (!occurrence) continue; // a series master (calendarView does not send them) or something unknown
          if (only && !only.has(occurrence.id) && !(occurrence.seriesMasterId && only.has(occurrence.seriesMasterId))) continue;
          occurrences.push(occurrence);
        }
        const nextLink = parsed.data['@odata.nextLink'];
        if (!nextLink) break;
        if (page >= MAX_PAGES || followed.has(nextLink)) {
          throw new GraphError(`Stopped following @odata.nextLink after ${page} pages`, { code: GraphErrorCodes.tooManyPages });
        }
        followed.add(nextLink);
        request = toNextPageRequest(client, nextLink, graphOrigin);
      }
      occurrences.sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id));
      logger.debug({ organizerUserId, occurrences: occurrences.length }, 'graph: read the organizer calendar');
      return occurrences;
    },

    async getEvent(organizerUserId, eventId) {
      assertUserId('organizerUserId', organizerUserId);
      checkEventId(eventId);
      const response = await send(
        client
          .api(`/users/${encodeURIComponent(organizerUserId)}/events/${encodeURIComponent(eventId)}`)
          .select(EVENT_FIELDS)
          .header('Prefer', `outlook.timezone="${GRAPH_AMSTERDAM_TIME_ZONE}"`),
        'get',
      );
      return toOutlookEvent(response);
    },

    async updateBody(organizerUserId, eventId, bodyHtml) {
      assertUserId('organizerUserId', organizerUserId);
      checkEventId(eventId);
      assertBodyHtml('bodyHtml', bodyHtml);
      if (bodyHtml.includes(AGENDA_START_MARKER) || bodyHtml.includes(AGENDA_END_MARKER)) {
        throw invalidInput('bodyHtml must not contain Cadans’ agenda markers');
      }
      const path = `/users/${encodeURIComponent(organizerUserId)}/events/${encodeURIComponent(eventId)}`;
      const current = bodySchema.safeParse(await send(client.api(path).select(['body']), 'get'));
      if (!current.success) throw invalidResponse('Graph answered an event without a readable body');
      const currentContent = current.data.body?.content ?? '';
      const isHtml = (current.data.body?.contentType ?? 'html').toLowerCase() === 'html';
      const merged = mergeAgenda(isHtml ? currentContent : textToHtml(currentContent), bodyHtml);
      if (isHtml && merged === currentContent) return 'unchanged';
      await send(client.api(path), 'patch', { body: { contentType: 'HTML', content: merged } });
      logger.info({ organizerUserId, eventId }, 'graph: wrote the agenda into the meeting body');
      return 'updated';
    },
  };
}

function toCreateEventBody(input: CreateSeriesInput) {
  if (typeof input !== 'object' || input === null) throw invalidInput('createSeries needs its input');
  assertLine('subject', input.subject, MAX_SUBJECT_LENGTH);
  assertBodyHtml('bodyHtml', input.bodyHtml);
  if (input.timeZone !== CADANS_TIME_ZONE) throw invalidInput(`timeZone must be ${CADANS_TIME_ZONE}`);
  if (typeof input.transactionId !== 'string' || !TRANSACTION_ID.test(input.transactionId)) {
    throw invalidInput('transactionId must be 1 to 128 letters, digits or . _ : -');
  }
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < 1 || input.durationMinutes > MAX_DURATION_MINUTES) {
    throw invalidInput(`durationMinutes must be a whole number from 1 to ${MAX_DURATION_MINUTES}`);
  }
  const start = toLocalStart(input.start);
  const end = start.plus({ minutes: input.durationMinutes });
  const attendees = checkRecipients('attendees', input.attendees, 0, MAX_ATTENDEES);
  const startDate = start.toISODate()!;

  let recurrence: Record<string, unknown> | null = null;
  if (input.recurrence?.kind === 'weekly') {
    const { intervalWeeks, daysOfWeek } = input.recurrence;
    if (!Number.isInteger(intervalWeeks) || intervalWeeks < 1 || intervalWeeks > MAX_INTERVAL_WEEKS) {
      throw invalidInput(`intervalWeeks must be a whole number from 1 to ${MAX_INTERVAL_WEEKS}`);
    }
    if (!Array.isArray(daysOfWeek) || daysOfWeek.length === 0 || daysOfWeek.some((d) => !DAYS.includes(d))) {
      throw invalidInput('daysOfWeek must name one or more days (monday … sunday)');
    }
    const days = DAYS.filter((d) => daysOfWeek.includes(d));
    // The series starts on its first occurrence: Graph wants range.startDate equal to the event's start.
    if (!days.includes(DAYS[start.weekday - 1]!)) throw invalidInput('start.date must fall on one of daysOfWeek');
    if (input.endDate !== undefined && (!isIsoDate(input.endDate) || input.endDate < startDate)) {
      throw invalidInput('endDate must be a date (YYYY-MM-DD) on or after start.date');
    }
    recurrence = {
      // Monday starts the week (as in the Netherlands); it decides which weeks count for an interval.
      pattern: { type: 'weekly', interval: intervalWeeks, daysOfWeek: days, firstDayOfWeek: 'monday' },
      range: {
        type: input.endDate === undefined ? 'noEnd' : 'endDate',
        startDate,
        ...(input.endDate === undefined ? {} : { endDate: input.endDate }),
        recurrenceTimeZone: GRAPH_AMSTERDAM_TIME_ZONE,
      },
    };
  } else if (input.recurrence?.kind === 'none') {
    if (input.endDate !== undefined) throw invalidInput('endDate applies to a weekly series only');
  } else {
    throw invalidInput("recurrence.kind must be 'weekly' or 'none'");
  }

  return {
    subject: input.subject,
    body: { contentType: 'HTML', content: wrapAgenda(input.bodyHtml) },
    start: { dateTime: toGraphLocal(start), timeZone: GRAPH_AMSTERDAM_TIME_ZONE },
    end: { dateTime: toGraphLocal(end.setZone(CADANS_TIME_ZONE)), timeZone: GRAPH_AMSTERDAM_TIME_ZONE },
    attendees: attendees.map((a) => ({ emailAddress: { address: a.email, name: a.name }, type: 'required' })),
    ...(recurrence ? { recurrence } : {}),
    transactionId: input.transactionId,
  };
}

function toLocalStart(start: unknown): DateTime {
  const s = start as { date?: unknown; time?: unknown } | null;
  if (typeof s !== 'object' || s === null || !isIsoDate(s.date) || typeof s.time !== 'string' || !CLOCK_TIME.test(s.time)) {
    throw invalidInput('start must be { date: YYYY-MM-DD, time: HH:MM }');
  }
  const [year, month, day] = s.date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = s.time.split(':').map(Number) as [number, number];
  const local = DateTime.fromObject({ year, month, day, hour, minute }, { zone: CADANS_TIME_ZONE });
  // luxon moves a time in the spring-forward gap (02:00–03:00 on the last Sunday of March) an hour on.
  if (!local.isValid || local.hour !== hour || local.minute !== minute) {
    throw invalidInput(`start ${s.date} ${s.time} does not exist in ${CADANS_TIME_ZONE}`);
  }
  return local;
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}

function toGraphLocal(local: DateTime): string {
  return local.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

function checkEventId(eventId: unknown): string {
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) throw invalidInput('eventId must be a Graph event id');
  return eventId;
}

function checkWindow(input: ListOccurrencesInput): { from: Date; to: Date } {
  const { from, to } = (input ?? {}) as Partial<ListOccurrencesInput>;
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw invalidInput('from and to must be valid dates');
  }
  if (from >= to) throw invalidInput('from must be before to');
  if (to.getTime() - from.getTime() > MAX_VIEW_DAYS * 86_400_000) throw invalidInput(`the window may span at most ${MAX_VIEW_DAYS} days`);
  if (input.onlyEventIds !== undefined && !Array.isArray(input.onlyEventIds)) throw invalidInput('onlyEventIds must be a list');
  return { from, to };
}

function toOccurrence(item: unknown): Occurrence | undefined {
  const parsed = occurrenceSchema.safeParse(item);
  if (!parsed.success) throw invalidResponse('Graph answered a calendarView entry without id, start or end');
  const e = parsed.data;
  const type = e.type ?? 'singleInstance';
  if (type !== 'singleInstance' && type !== 'occurrence' && type !== 'exception') return undefined;
  return {
    id: e.id,
    seriesMasterId: e.seriesMasterId ?? null,
    start: toInstant(e.start),
    end: toInstant(e.end),
    originalStart: e.originalStart ? toUtcInstant(e.originalStart) : null,
    isCancelled: e.isCancelled ?? false,
    subject: e.subject ?? '',
    type,
  };
}

function toOutlookEvent(item: unknown): OutlookEvent {
  const parsed = eventSchema.safeParse(item);
  if (!parsed.success) throw invalidResponse('Graph answered an event without id, start or end');
  const e = parsed.data;
  const startsAt = toInstant(e.start);
  const endsAt = toInstant(e.end);
  const local = DateTime.fromJSDate(startsAt, { zone: CADANS_TIME_ZONE });
  const type = e.type ?? 'singleInstance';
  if (type !== 'singleInstance' && type !== 'occurrence' && type !== 'exception' && type !== 'seriesMaster') {
    throw invalidResponse(`Graph answered an event of unknown type ${type}`);
  }
  let recurrence: EventRecurrence = { kind: 'none' };
  if (e.recurrence) {
    const { pattern } = e.recurrence;
    const interval = pattern.interval ?? 1;
    const days = (pattern.daysOfWeek ?? []).map((d) => d.toLowerCase()).filter((d): d is DayOfWeek => DAYS.includes(d as DayOfWeek));
    recurrence =
      pattern.type === 'weekly' && days.length > 0
        ? { kind: 'weekly', intervalWeeks: interval, daysOfWeek: DAYS.filter((d) => days.includes(d)) }
        : { kind: 'other', pattern: pattern.type, interval };
  }
  const range = e.recurrence?.range;
  return {
    id: e.id,
    iCalUId: e.iCalUId ?? null,
    type,
    subject: e.subject ?? '',
    start: { date: local.toISODate()!, time: local.toFormat('HH:mm') },
    startsAt,
    endsAt,
    durationMinutes: Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000),
    timeZone: CADANS_TIME_ZONE,
    recurrence,
    endDate: range?.type === 'endDate' && range.endDate ? range.endDate : null,
    numberOfOccurrences: range?.type === 'numbered' && range.numberOfOccurrences ? range.numberOfOccurrences : null,
    attendees: (e.attendees ?? []).flatMap((a) => {
      const address = a.emailAddress?.address;
      if (!address) return [];
      const kind = (a.type ?? 'required').toLowerCase();
      return [{ email: address, name: a.emailAddress?.name || address, type: kind === 'optional' || kind === 'resource' ? kind : 'required' }];
    }),
    organizer: e.organizer?.emailAddress?.address
      ? { email: e.organizer.emailAddress.address, name: e.organizer.emailAddress.name || e.organizer.emailAddress.address }
      : null,
    isCancelled: e.isCancelled ?? false,
    isOnlineMeeting: e.isOnlineMeeting ?? false,
  };
}

/**
 * Graph's time-zone names for the zones its answers may carry, as IANA zones. We ask for UTC or
 * W. Europe Standard Time; the others are there for a server that answers in the mailbox's zone.
 */
const WINDOWS_ZONES: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'W. Europe Standard Time': 'Europe/Amsterdam',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'GMT Standard Time': 'Europe/London',
};

const GRAPH_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?Z?$/;

/** A dateTimeTimeZone as an instant: its wall-clock dateTime read in its timeZone. */
export function toInstant(value: { dateTime: string; timeZone?: string | null | undefined }): Date {
  const zoneName = value.timeZone ?? 'UTC';
  const zone = WINDOWS_ZONES[zoneName] ?? (IANAZone.isValidZone(zoneName) ? zoneName : undefined);
  const m = GRAPH_DATE_TIME.exec(value.dateTime);
  if (!zone || !m) throw invalidResponse(`Graph answered a time Cadans cannot read (${value.dateTime} ${zoneName})`);
  if (value.dateTime.endsWith('Z') && zone !== 'UTC') throw invalidResponse(`Graph answered a UTC time with time zone ${zoneName}`);
  const local = DateTime.fromObject(
    {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6] ?? 0),
      millisecond: Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)),
    },
    { zone },
  );
  if (!local.isValid) throw invalidResponse(`Graph answered a time that does not exist (${value.dateTime} ${zoneName})`);
  return local.toJSDate();
}

function toUtcInstant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidResponse(`Graph answered an originalStart Cadans cannot read (${value})`);
  return date;
}

function wrapAgenda(bodyHtml: string): string {
  return `${AGENDA_START_MARKER}${bodyHtml}${AGENDA_END_MARKER}`;
}

/**
 * The event's body with Cadans' part (between the markers) replaced by `bodyHtml`; without markers
 * (a series Cadans linked, or markers the chair deleted), Cadans' part goes at the top of the body.
 */
export function mergeAgenda(currentHtml: string, bodyHtml: string): string {
  const section = wrapAgenda(bodyHtml);
  const startAt = currentHtml.indexOf(AGENDA_START_MARKER);
  const endAt = startAt < 0 ? -1 : currentHtml.indexOf(AGENDA_END_MARKER, startAt);
  if (startAt >= 0 && endAt >= 0) {
    return currentHtml.slice(0, startAt) + section + currentHtml.slice(endAt + AGENDA_END_MARKER.length);
  }
  const bodyTag = /<body\b[^>]*>/i.exec(currentHtml);
  if (bodyTag) {
    const at = bodyTag.index + bodyTag[0].length;
    return currentHtml.slice(0, at) + section + currentHtml.slice(at);
  }
  return section + currentHtml;
}

function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped === '' ? '' : `<div style="white-space:pre-wrap">${escaped}</div>`;
}
