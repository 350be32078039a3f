/**
 * The Outlook part of the fake Graph: per-user calendars with events and weekly series, expanded for
 * calendarView as Exchange does (in the series' recurrence time zone, so 09:00 stays 09:00 across
 * DST), occurrences moved or cancelled as a person would in Outlook, and sendMail recorded.
 *
 * Behaviour follows Microsoft Learn (event, dateTimeTimeZone, patternedRecurrence, user-post-events,
 * user-list-calendarview, event-update, user-sendmail):
 * - start/end time zones: Windows names and the IANA names Graph documents; others are refused
 *   (Europe/Amsterdam is not on Graph's list).
 * - weekly patterns need interval, daysOfWeek (and firstDayOfWeek, default sunday); range.startDate
 *   must be the event's start date.
 * - a repeated transactionId returns the event the first request created.
 * - calendarView returns occurrences, exceptions and single events overlapping the window, never
 *   series masters; an occurrence the organizer deleted is left out; times in UTC unless
 *   `Prefer: outlook.timezone` names another zone; default page size 10, @odata.nextLink with $skip.
 * - PATCH on one occurrence of a series changes that occurrence only (it becomes an exception with its
 *   own body); the series and its other occurrences keep theirs.
 */
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';

export interface SentMail {
  fromUserId: string;
  subject: string;
  bodyHtml: string;
  contentType: string;
  to: { email: string; name?: string }[];
  saveToSentItems: boolean;
}

export type OccurrenceChange =
  | { kind: 'moved'; start: Date; end: Date }
  | { kind: 'deleted' }
  | { kind: 'markedCancelled' };

interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

interface StoredEvent {
  id: string;
  iCalUId: string;
  transactionId?: string;
  subject: string;
  body: { contentType: string; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  attendees: unknown[];
  organizer: { emailAddress: { address: string; name: string } };
  recurrence: Recurrence | null;
  isOnlineMeeting: boolean;
  isCancelled: boolean;
  /** Changes to single occurrences, by the occurrence's original local date (YYYY-MM-DD). */
  changes: Map<string, OccurrenceChange>;
  /** Bodies written to single occurrences (PATCH on an occurrence), by original local date. */
  bodies: Map<string, { contentType: string; content: string }>;
}

interface Recurrence {
  pattern: { type: string; interval: number; daysOfWeek: string[]; firstDayOfWeek?: string; [k: string]: unknown };
  range: { type: string; startDate: string; endDate?: string; numberOfOccurrences?: number; recurrenceTimeZone?: string };
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Windows names and the IANA names Graph documents, as zones luxon knows. */
const ZONES: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  'Etc/GMT': 'UTC',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'GMT Standard Time': 'Europe/London',
  'Pacific Standard Time': 'America/Los_Angeles',
  'Europe/London': 'Europe/London',
  'Europe/Berlin': 'Europe/Berlin',
  'Europe/Paris': 'Europe/Paris',
  'Europe/Budapest': 'Europe/Budapest',
  'Europe/Warsaw': 'Europe/Warsaw',
  'America/Los_Angeles': 'America/Los_Angeles',
  'America/New_York': 'America/New_York',
};
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DEFAULT_VIEW_PAGE_SIZE = 10;
const MAX_VIEW_PAGE_SIZE = 1000;

export function createFakeCalendars() {
  const calendars = new Map<string, Map<string, StoredEvent>>();
  const mails: SentMail[] = [];
  let allowedMailboxes: ReadonlySet<string> | undefined;

  function calendarOf(userId: string): Map<string, StoredEvent> {
    let calendar = calendars.get(userId);
    if (!calendar) {
      calendar = new Map();
      calendars.set(userId, calendar);
    }
    return calendar;
  }

  function findMaster(userId: string, seriesId: string): StoredEvent {
    const event = calendarOf(userId).get(seriesId);
    if (!event?.recurrence) throw new Error(`fake: no series ${seriesId} in ${userId}'s calendar`);
    return event;
  }

  /** Expands an event into its instances (single: itself) overlapping [from, to). */
  function instancesOf(event: StoredEvent, from: Date, to: Date): Record<string, unknown>[] {
    const start = readInstant(event.start);
    const end = readInstant(event.end);
    if (!event.recurrence) {
      return start < to && end > from ? [{ ...eventCore(event), type: 'singleInstance', seriesMasterId: null, start: event.start, end: event.end }] : [];
    }
    const result: Record<string, unknown>[] = [];
    for (const slot of expand(event, to)) {
      const change = event.changes.get(slot.date);
      if (change?.kind === 'deleted') continue;
      const ownBody = event.bodies.get(slot.date);
      const occurrenceStart = change?.kind === 'moved' ? change.start : slot.start;
      const occurrenceEnd = change?.kind === 'moved' ? change.end : new Date(slot.start.getTime() + (end.getTime() - start.getTime()));
      if (!(occurrenceStart < to && occurrenceEnd > from)) continue;
      result.push({
        ...eventCore(event),
        id: occurrenceId(event.id, slot.date),
        seriesMasterId: event.id,
        ...(ownBody ? { body: ownBody } : {}),
        type: change?.kind === 'moved' || ownBody ? 'exception' : 'occurrence',
        isCancelled: change?.kind === 'markedCancelled',
        originalStart: slot.start.toISOString().replace('.000Z', 'Z'),
        start: utc(occurrenceStart),
        end: utc(occurrenceEnd),
        recurrence: null,
      });
    }
    return result;
  }

  return {
    /** Mailboxes the app may reach (an application access policy); undefined: all. */
    restrictMailboxes(userIds: readonly string[] | undefined): void {
      allowedMailboxes = userIds ? new Set(userIds) : undefined;
    },

    /** The events (single events and series masters) in a user's calendar, as Graph would return them. */
    events(userId: string): Record<string, unknown>[] {
      return [...calendarOf(userId).values()].map((e) => toJson(e));
    },

    /** Puts an event in a calendar as if a person made it in Outlook. Returns its id. */
    putEvent(userId: string, event: { subject: string; start: DateTimeTimeZone; end: DateTimeTimeZone; recurrence?: Recurrence | null; attendees?: unknown[]; bodyHtml?: string; isOnlineMeeting?: boolean; organizer?: { address: string; name: string } }): string {
      const stored = newStoredEvent(userId, {
        subject: event.subject,
        body: { contentType: 'html', content: event.bodyHtml ?? '' },
        start: event.start,
        end: event.end,
        attendees: event.attendees ?? [],
        recurrence: event.recurrence ?? null,
        isOnlineMeeting: event.isOnlineMeeting ?? false,
        ...(event.organizer ? { organizer: { emailAddress: event.organizer } } : {}),
      });
      calendarOf(userId).set(stored.id, stored);
      return stored.id;
    },

    /** Moves one occurrence of a series (its original local date) to a new time, as in Outlook. */
    moveOccurrence(userId: string, seriesId: string, originalDate: string, to: { start: Date; end: Date }): void {
      findMaster(userId, seriesId).changes.set(originalDate, { kind: 'moved', start: to.start, end: to.end });
    },

    /**
     * Cancels one occurrence. 'deleted': what the organizer's calendar shows after cancelling it in
     * Outlook (the occurrence is gone); 'markedCancelled': the occurrence stays, with isCancelled.
     */
    cancelOccurrence(userId: string, seriesId: string, originalDate: string, how: 'deleted' | 'markedCancelled'): void {
      findMaster(userId, seriesId).changes.set(originalDate, { kind: how });
    },

    /** Deletes an event or a whole series, as a chair might in Outlook. */
    deleteEvent(userId: string, eventId: string): void {
      if (!calendarOf(userId).delete(eventId)) throw new Error(`fake: no event ${eventId} in ${userId}'s calendar`);
    },

    sentMails(): SentMail[] {
      return mails.map((m) => ({ ...m, to: m.to.map((t) => ({ ...t })) }));
    },

    /** Serves /v1.0/users/{id}/… ; undefined when the path is not a calendar or mail route. */
    handle(method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string, nextLinkOrigin: string): FakeResponse | undefined {
      const m = /^\/v1\.0\/users\/([^/]+)\/(events|calendar\/events|calendarView|calendar\/calendarView|sendMail)(?:\/([^/]+))?$/.exec(url.pathname);
      if (!m) return undefined;
      const userId = decodeURIComponent(m[1]!);
      const route = m[2]!.replace(/^calendar\//, '');
      const eventId = m[3] === undefined ? undefined : decodeURIComponent(m[3]);
      if (allowedMailboxes && !allowedMailboxes.has(userId)) {
        return error(403, 'ErrorAccessDenied', 'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.');
      }
      const zone = preferredZone(headers.prefer);
      if (route === 'events' && method === 'POST' && eventId === undefined) return createEvent(userId, body, zone);
      if (route === 'events' && method === 'GET' && eventId !== undefined) return getEvent(userId, eventId, url, zone);
      if (route === 'events' && method === 'PATCH' && eventId !== undefined) return patchEvent(userId, eventId, body, zone);
      if (route === 'calendarView' && method === 'GET' && eventId === undefined) return calendarView(userId, url, zone, nextLinkOrigin);
      if (route === 'sendMail' && method === 'POST' && eventId === undefined) return sendMail(userId, body);
      return error(405, 'ErrorInvalidRequest', 'The OData request is not supported.');
    },
  };

  function createEvent(userId: string, body: string, zone: string): FakeResponse {
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return error(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    }
    const transactionId = typeof input.transactionId === 'string' ? input.transactionId : undefined;
    if (transactionId) {
      const earlier = [...calendarOf(userId).values()].find((e) => e.transactionId === transactionId);
      if (earlier) return { status: 201, body: toJson(earlier, zone) };
    }
    const start = input.start as DateTimeTimeZone | undefined;
    const end = input.end as DateTimeTimeZone | undefined;
    for (const t of [start, end]) {
      if (!t || typeof t.dateTime !== 'string' || typeof t.timeZone !== 'string') return error(400, 'ErrorInvalidRequest', 'start and end are required.');
      if (!ZONES[t.timeZone]) {
        return error(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${t.timeZone}'.`);
      }
    }
    if (readInstant(end!) <= readInstant(start!)) return error(400, 'ErrorInvalidRequest', 'The end of the event must be after its start.');
    const attendees = Array.isArray(input.attendees) ? (input.attendees as { emailAddress?: { address?: unknown } }[]) : [];
    if (attendees.length > 500) return error(400, 'ErrorInvalidRequest', 'Too many attendees.');
    if (attendees.some((a) => typeof a.emailAddress?.address !== 'string')) return error(400, 'ErrorInvalidRecipients', 'An attendee has no address.');
    const recurrence = (input.recurrence ?? null) as Recurrence | null;
    if (recurrence) {
      const problem = checkRecurrence(recurrence, start!);
      if (problem) return error(400, 'ErrorInvalidRequest', problem);
    }
    const body_ = input.body as { contentType?: string; content?: string } | undefined;
    const stored = newStoredEvent(userId, {
      subject: String(input.subject ?? ''),
      body: { contentType: (body_?.contentType ?? 'text').toLowerCase(), content: body_?.content ?? '' },
      start: start!,
      end: end!,
      attendees,
      recurrence,
      isOnlineMeeting: input.isOnlineMeeting === true,
      ...(transactionId ? { transactionId } : {}),
    });
    calendarOf(userId).set(stored.id, stored);
    return { status: 201, body: toJson(stored, zone) };
  }

  function getEvent(userId: string, eventId: string, url: URL, zone: string): FakeResponse {
    const found = lookup(userId, eventId);
    if (!found) return notFound();
    const json = found.stored ? toJson(found.stored, zone) : inZone(found.occurrence, zone);
    return { status: 200, body: project(json, url.searchParams.get('$select')) };
  }

  function patchEvent(userId: string, eventId: string, body: string, zone: string): FakeResponse {
    const event = calendarOf(userId).get(eventId);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return error(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    }
    if (!event) {
      // One occurrence of a series: its own body from now on (the fake keeps only the body).
      const found = lookup(userId, eventId);
      const m = /^(.+)_(\d{4})(\d{2})(\d{2})$/.exec(eventId);
      if (!found?.occurrence || !m) return notFound();
      const occurrenceBody = input.body as { contentType?: string; content?: string } | undefined;
      if (occurrenceBody) calendarOf(userId).get(m[1]!)!.bodies.set(`${m[2]}-${m[3]}-${m[4]}`, { contentType: (occurrenceBody.contentType ?? 'text').toLowerCase(), content: occurrenceBody.content ?? '' });
      const updated = lookup(userId, eventId);
      return updated?.occurrence ? { status: 200, body: inZone(updated.occurrence, zone) } : notFound();
    }
    const newBody = input.body as { contentType?: string; content?: string } | undefined;
    if (newBody) event.body = { contentType: (newBody.contentType ?? 'text').toLowerCase(), content: newBody.content ?? '' };
    if (typeof input.subject === 'string') event.subject = input.subject;
    return { status: 200, body: toJson(event, zone) };
  }

  function calendarView(userId: string, url: URL, zone: string, nextLinkOrigin: string): FakeResponse {
    const from = new Date(url.searchParams.get('startDateTime') ?? '');
    const to = new Date(url.searchParams.get('endDateTime') ?? '');
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
      return error(400, 'ErrorInvalidParameter', "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    }
    const all = [...calendarOf(userId).values()]
      .flatMap((e) => instancesOf(e, from, to))
      .sort((a, b) => readInstant(a.start as DateTimeTimeZone).getTime() - readInstant(b.start as DateTimeTimeZone).getTime());
    const top = Math.min(Number(url.searchParams.get('$top') ?? DEFAULT_VIEW_PAGE_SIZE) || DEFAULT_VIEW_PAGE_SIZE, MAX_VIEW_PAGE_SIZE);
    const skip = Number(url.searchParams.get('$skip') ?? 0) || 0;
    const select = url.searchParams.get('$select');
    const page = all.slice(skip, skip + top).map((e) => project(inZone(e, zone), select));
    const responseBody: Record<string, unknown> = { '@odata.context': `${url.origin}/v1.0/$metadata#users('${userId}')/calendarView`, value: page };
    if (skip + top < all.length) {
      const next = new URL(`${nextLinkOrigin}${url.pathname}`);
      next.searchParams.set('startDateTime', url.searchParams.get('startDateTime')!);
      next.searchParams.set('endDateTime', url.searchParams.get('endDateTime')!);
      if (select) next.searchParams.set('$select', select);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skip', String(skip + top));
      responseBody['@odata.nextLink'] = next.toString();
    }
    return { status: 200, body: responseBody, headers: { 'preference-applied': `outlook.timezone="${zone}"` } };
  }

  function sendMail(userId: string, body: string): FakeResponse {
    let input: { message?: { subject?: unknown; body?: { contentType?: unknown; content?: unknown }; toRecipients?: unknown }; saveToSentItems?: unknown };
    try {
      input = JSON.parse(body) as typeof input;
    } catch {
      return error(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    }
    const recipients = input.message?.toRecipients;
    if (!Array.isArray(recipients) || recipients.length === 0) return error(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    mails.push({
      fromUserId: userId,
      subject: String(input.message?.subject ?? ''),
      bodyHtml: String(input.message?.body?.content ?? ''),
      contentType: String(input.message?.body?.contentType ?? 'Text'),
      to: (recipients as { emailAddress?: { address?: string; name?: string } }[]).map((r) => ({
        email: String(r.emailAddress?.address ?? ''),
        ...(r.emailAddress?.name ? { name: r.emailAddress.name } : {}),
      })),
      saveToSentItems: input.saveToSentItems !== false && input.saveToSentItems !== 'false',
    });
    return { status: 202 };
  }

  /** A stored event, or an occurrence of a stored series by its id. */
  function lookup(userId: string, eventId: string): { stored: StoredEvent; occurrence?: never } | { stored?: never; occurrence: Record<string, unknown> } | undefined {
    const calendar = calendarOf(userId);
    const direct = calendar.get(eventId);
    if (direct) return { stored: direct };
    const m = /^(.+)_(\d{4})(\d{2})(\d{2})$/.exec(eventId);
    const master = m ? calendar.get(m[1]!) : undefined;
    if (!m || !master?.recurrence) return undefined;
    const date = `${m[2]}-${m[3]}-${m[4]}`;
    const dayStart = DateTime.fromISO(date, { zone: 'UTC' }).minus({ days: 2 }).toJSDate();
    const occurrence = instancesOf(master, dayStart, new Date(dayStart.getTime() + 7 * 86_400_000)).find((o) => o.id === eventId);
    return occurrence ? { occurrence } : undefined;
  }

  function newStoredEvent(userId: string, fields: Omit<StoredEvent, 'id' | 'iCalUId' | 'changes' | 'bodies' | 'isCancelled' | 'organizer'> & { organizer?: StoredEvent['organizer'] }): StoredEvent {
    return {
      id: `AAMkAD${randomBytes(12).toString('base64url')}AAA=`,
      iCalUId: `040000008200E00074C5B7101A82E008${randomBytes(16).toString('hex').toUpperCase()}`,
      isCancelled: false,
      changes: new Map(),
      bodies: new Map(),
      organizer: { emailAddress: { address: `${userId}@stichting-voorbeeld.nl`, name: userId } },
      ...fields,
    };
  }
}

function checkRecurrence(recurrence: Recurrence, start: DateTimeTimeZone): string | undefined {
  const { pattern, range } = recurrence;
  if (!pattern || !range) return 'recurrence needs a pattern and a range.';
  if (pattern.type !== 'weekly') return `The fake supports weekly patterns only, not ${String(pattern.type)}.`;
  if (!Number.isInteger(pattern.interval) || pattern.interval < 1) return 'pattern.interval must be a positive number.';
  if (!Array.isArray(pattern.daysOfWeek) || pattern.daysOfWeek.length === 0 || pattern.daysOfWeek.some((d) => !DAYS.includes(String(d).toLowerCase()))) {
    return 'pattern.daysOfWeek must name days of the week.';
  }
  if (pattern.firstDayOfWeek !== undefined && !DAYS.includes(String(pattern.firstDayOfWeek).toLowerCase())) return 'pattern.firstDayOfWeek is not a day.';
  if (!['endDate', 'noEnd', 'numbered'].includes(range.type)) return 'range.type must be endDate, noEnd or numbered.';
  if (range.recurrenceTimeZone !== undefined && !ZONES[range.recurrenceTimeZone]) return `recurrenceTimeZone ${range.recurrenceTimeZone} is not supported.`;
  if (range.startDate !== start.dateTime.slice(0, 10)) return 'range.startDate must be the date of the event start.';
  if (range.type === 'endDate' && !(typeof range.endDate === 'string' && range.endDate >= range.startDate)) return 'range.endDate must be on or after startDate.';
  if (range.type === 'numbered' && !(Number.isInteger(range.numberOfOccurrences) && range.numberOfOccurrences! > 0)) return 'range.numberOfOccurrences must be positive.';
  return undefined;
}

/** The slots of a weekly series up to `until`: original local date and start instant. */
function* expand(event: StoredEvent, until: Date): Generator<{ date: string; start: Date }> {
  const { pattern, range } = event.recurrence!;
  const zone = ZONES[range.recurrenceTimeZone ?? event.start.timeZone] ?? 'UTC';
  const localStart = DateTime.fromJSDate(readInstant(event.start), { zone });
  const firstDay = DAYS.indexOf((pattern.firstDayOfWeek ?? 'sunday').toLowerCase());
  const days = DAYS.map((d, i) => ({ d, i })).filter(({ d }) => pattern.daysOfWeek.map((x) => x.toLowerCase()).includes(d));
  const startDate = DateTime.fromISO(range.startDate, { zone });
  // The week (beginning on firstDayOfWeek) that holds the start date.
  const weekStart = startDate.minus({ days: (startDate.weekday - 1 - firstDay + 7) % 7 });
  let count = 0;
  for (let week = 0; week < 10_000; week += pattern.interval) {
    for (const { i } of [...days].sort((a, b) => ((a.i - firstDay + 7) % 7) - ((b.i - firstDay + 7) % 7))) {
      const day = weekStart.plus({ days: week * 7 + ((i - firstDay + 7) % 7) });
      const date = day.toISODate()!;
      if (date < range.startDate) continue;
      if (range.type === 'endDate' && date > range.endDate!) return;
      if (range.type === 'numbered' && count >= range.numberOfOccurrences!) return;
      const start = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: localStart.hour, minute: localStart.minute }, { zone }).toJSDate();
      if (start.getTime() > until.getTime() + 7 * 86_400_000) return;
      count += 1;
      yield { date, start };
    }
  }
}

function occurrenceId(masterId: string, date: string): string {
  return `${masterId}_${date.replace(/-/g, '')}`;
}

function eventCore(event: StoredEvent): Record<string, unknown> {
  return {
    id: event.id,
    iCalUId: event.iCalUId,
    subject: event.subject,
    body: event.body,
    attendees: event.attendees,
    organizer: event.organizer,
    isCancelled: event.isCancelled,
    isOnlineMeeting: event.isOnlineMeeting,
    ...(event.transactionId ? { transactionId: event.transactionId } : {}),
  };
}

function toJson(event: StoredEvent, zone?: string): Record<string, unknown> {
  const json: Record<string, unknown> = {
    ...eventCore(event),
    type: event.recurrence ? 'seriesMaster' : 'singleInstance',
    seriesMasterId: null,
    start: event.start,
    end: event.end,
    recurrence: event.recurrence
      ? { pattern: { firstDayOfWeek: 'sunday', ...event.recurrence.pattern }, range: { recurrenceTimeZone: event.start.timeZone, ...event.recurrence.range } }
      : null,
  };
  return zone ? inZone(json, zone) : json;
}

/** start and end converted to `zone` (a Prefer: outlook.timezone value), in Graph's format. */
function inZone(json: Record<string, unknown>, zone: string): Record<string, unknown> {
  const convert = (t: DateTimeTimeZone): DateTimeTimeZone => ({
    dateTime: DateTime.fromJSDate(readInstant(t), { zone: ZONES[zone] ?? 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss'.0000000'"),
    timeZone: zone,
  });
  return { ...json, start: convert(json.start as DateTimeTimeZone), end: convert(json.end as DateTimeTimeZone) };
}

function utc(instant: Date): DateTimeTimeZone {
  return { dateTime: DateTime.fromJSDate(instant, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss'.0000000'"), timeZone: 'UTC' };
}

function readInstant(t: DateTimeTimeZone): Date {
  const zone = ZONES[t.timeZone];
  if (!zone) throw new Error(`fake: unknown time zone ${t.timeZone}`);
  return DateTime.fromISO(t.dateTime.replace(/(\.\d{3})\d+$/, '$1'), { zone }).toJSDate();
}

/** The zone asked for with `Prefer: outlook.timezone="…"`; UTC when absent or unknown. */
function preferredZone(prefer: string | string[] | undefined): string {
  const values = Array.isArray(prefer) ? prefer : prefer ? [prefer] : [];
  for (const value of values) {
    const m = /outlook\.timezone="([^"]+)"/.exec(value);
    if (m && ZONES[m[1]!]) return m[1]!;
  }
  return 'UTC';
}

function project(json: Record<string, unknown>, select: string | null): Record<string, unknown> {
  if (!select) return json;
  const projected: Record<string, unknown> = { id: json.id };
  for (const field of select.split(',').filter(Boolean)) projected[field] = field in json ? json[field] : null;
  return projected;
}

function error(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message } } };
}

function notFound(): FakeResponse {
  return error(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}
