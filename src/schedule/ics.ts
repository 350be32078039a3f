// Calendars in and out: a meeting as an .ics file (ical-generator, times in Europe/Amsterdam), and a
// school's own vakantierooster read from an .ics export (node-ical) or a small CSV file. Pure: the
// time stamp of the .ics comes in as an argument; parsing never throws on user input, it reports
// every problem with its line, in Dutch and English.
import ical, { ICalAttendeeRole } from 'ical-generator';
import { DateTime } from 'luxon';
import nodeIcal from 'node-ical';
import type { Period } from './calendar.js';
import { addDays, daysBetween, isIsoDate, ZONE, type IsoDate, type LocalText } from './dates.js';

export interface Person {
  name: string;
  email: string;
}

export interface MeetingIcsInput {
  /** Stable across updates of the same meeting, so calendars replace rather than duplicate it. */
  uid: string;
  start: Date;
  end: Date;
  title: string;
  description: string;
  location?: string;
  organizer?: Person;
  attendees: readonly Person[];
  /** When this .ics was made (DTSTAMP); the caller's clock, since this module reads none. */
  now: Date;
}

/** Europe/Amsterdam since 1996: CEST from the last Sunday of March 02:00, CET from the last Sunday of October 03:00. */
const AMSTERDAM_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Amsterdam',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/** One meeting as an iCalendar file, its times in Europe/Amsterdam (with the zone's definition included). */
export function meetingIcs(input: MeetingIcsInput): string {
  if (!(input.end.getTime() > input.start.getTime())) throw new RangeError('a meeting must end after it starts');
  // A calendar time zone without a name keeps DTSTAMP in UTC; the generator adds the VTIMEZONE the event names.
  const cal = ical({
    prodId: { company: 'Cadans', product: 'Cadans', language: 'NL' },
    timezone: { name: null, generator: (tz) => (tz === ZONE ? AMSTERDAM_VTIMEZONE : null) },
  });
  const local = (d: Date) => DateTime.fromJSDate(d).setZone(ZONE);
  cal.createEvent({
    id: input.uid,
    start: local(input.start),
    end: local(input.end),
    timezone: ZONE,
    stamp: input.now,
    summary: input.title,
    description: input.description,
    ...(input.location ? { location: input.location } : {}),
    ...(input.organizer ? { organizer: { name: input.organizer.name, email: input.organizer.email } } : {}),
    attendees: input.attendees.map((a) => ({ name: a.name, email: a.email, role: ICalAttendeeRole.REQ, rsvp: true })),
  });
  return cal.toString();
}

export interface ParseError {
  /** 1-based line of the file, or null when the problem is the file as a whole. */
  line: number | null;
  message: LocalText;
}

export type ParseResult = { ok: true; periods: Period[] } | { ok: false; errors: ParseError[] };

export const OWN_HOLIDAY_LIMITS = { maxBytes: 200 * 1024, maxPeriods: 100, maxDays: 92, maxNameLength: 100, maxErrors: 50 } as const;

const M = {
  tooLarge: {
    nl: 'Het bestand is groter dan 200 kB. Laat voorbije schooljaren weg of splits het bestand.',
    en: 'The file is larger than 200 kB. Leave out past school years or split the file.',
  },
  tooMany: {
    nl: 'Er staan meer dan 100 vakanties in het bestand; er kunnen er hoogstens 100 in.',
    en: 'The file has more than 100 holidays; at most 100 are possible.',
  },
  empty: { nl: 'Er staan geen vakanties in het bestand.', en: 'The file contains no holidays.' },
  columns: {
    nl: 'Verwacht drie kolommen: naam, van en tot (bijvoorbeeld: Herfstvakantie;18-10-2025;26-10-2025).',
    en: 'Expected three columns: name, from and to (for example: Autumn holiday,2025-10-18,2025-10-26).',
  },
  noName: { nl: 'De naam van de vakantie ontbreekt.', en: 'The name of the holiday is missing.' },
  longName: { nl: 'De naam is langer dan 100 tekens.', en: 'The name is longer than 100 characters.' },
  endBeforeStart: { nl: 'De einddatum ligt vóór de begindatum.', en: 'The end date is before the start date.' },
  tooLong: {
    nl: 'Een vakantie van meer dan 92 dagen kan niet; kijk de data na.',
    en: 'A holiday of more than 92 days is not possible; check the dates.',
  },
  notIcs: { nl: 'Het bestand is geen leesbare agenda (.ics).', en: 'The file is not a readable calendar (.ics).' },
  noAllDay: {
    nl: 'Er staan geen hele-dag-afspraken in de agenda. Zet elke vakantie erin als afspraak van een hele dag (of meer dagen).',
    en: 'The calendar has no all-day events. Enter each holiday as an all-day (or multi-day) event.',
  },
} satisfies Record<string, LocalText>;

const notADate = (value: string): LocalText => ({
  nl: `"${value}" is geen datum; schrijf dd-mm-jjjj of jjjj-mm-dd.`,
  en: `"${value}" is not a date; write dd-mm-yyyy or yyyy-mm-dd.`,
});
const repeats = (name: string): LocalText => ({
  nl: `"${name}" is een herhalende afspraak; zet elke vakantie er als losse afspraak in.`,
  en: `"${name}" is a repeating event; enter each holiday as a separate event.`,
});

/** yyyy-mm-dd, or dd-mm-yyyy with '-', '/' or '.' (day and month may have one digit). */
function parseDate(value: string): IsoDate | null {
  const v = value.trim();
  let y: string, m: string, d: string;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  const dutch = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(v);
  if (iso) [, y, m, d] = iso as unknown as [string, string, string, string];
  else if (dutch) [, d, m, y] = dutch as unknown as [string, string, string, string];
  else return null;
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const year = Number(y);
  return isIsoDate(date) && year >= 2000 && year <= 2100 ? date : null;
}

/** Splits one CSV line on the delimiter, honouring "quoted, fields" and "" inside them. */
function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === delimiter) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  while (fields.length > 3 && fields[fields.length - 1] === '') fields.pop(); // Excel's trailing empty columns
  return fields;
}

function checkPeriod(name: string, first: IsoDate, last: IsoDate, line: number | null, errors: ParseError[]): Period | null {
  const before = errors.length;
  if (!name) errors.push({ line, message: M.noName });
  else if (name.length > OWN_HOLIDAY_LIMITS.maxNameLength) errors.push({ line, message: M.longName });
  if (last < first) errors.push({ line, message: M.endBeforeStart });
  else if (daysBetween(first, last) + 1 > OWN_HOLIDAY_LIMITS.maxDays) errors.push({ line, message: M.tooLong });
  return errors.length === before ? { name, first, last } : null;
}

function parseCsv(text: string): ParseResult {
  const errors: ParseError[] = [];
  const periods: Period[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  const firstLine = lines.find((l) => l.trim() !== '') ?? '';
  const delimiter = firstLine.includes(';') ? ';' : firstLine.includes('\t') ? '\t' : ',';
  let seenRow = false;
  for (let i = 0; i < lines.length && errors.length < OWN_HOLIDAY_LIMITS.maxErrors; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const line = i + 1;
    const fields = splitCsvLine(raw, delimiter);
    if (fields.every((f) => f === '')) continue; // an empty spreadsheet row: ;;
    const isFirstRow = !seenRow;
    seenRow = true;
    // A header row (naam;van;tot, name,from,to, …): its second column is no date.
    if (isFirstRow && fields.length >= 2 && parseDate(fields[1]!) === null && !/\d/.test(fields[1]!)) continue;
    if (fields.length !== 3) {
      errors.push({ line, message: M.columns });
      continue;
    }
    const [name, from, to] = fields as [string, string, string];
    const first = parseDate(from);
    const last = parseDate(to);
    if (!first) errors.push({ line, message: notADate(from) });
    if (!last) errors.push({ line, message: notADate(to) });
    if (!first || !last) continue;
    const period = checkPeriod(name, first, last, line, errors);
    if (period) periods.push(period);
    if (periods.length > OWN_HOLIDAY_LIMITS.maxPeriods) return { ok: false, errors: [{ line, message: M.tooMany }] };
  }
  return finish(periods, errors);
}

function finish(periods: Period[], errors: ParseError[]): ParseResult {
  if (errors.length > 0) return { ok: false, errors };
  if (periods.length === 0) return { ok: false, errors: [{ line: null, message: M.empty }] };
  if (periods.length > OWN_HOLIDAY_LIMITS.maxPeriods) return { ok: false, errors: [{ line: null, message: M.tooMany }] };
  return { ok: true, periods: periods.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.last < b.last ? -1 : 1)) };
}

/** An all-day value node-ical made: a Date at local midnight of the process, flagged dateOnly. */
function localDay(d: Date): IsoDate {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (value && typeof value === 'object' && 'val' in value && typeof (value as { val: unknown }).val === 'string') return (value as { val: string }).val.trim();
  return '';
}

function parseIcs(text: string): ParseResult {
  let parsed: nodeIcal.CalendarResponse;
  try {
    parsed = nodeIcal.sync.parseICS(text);
  } catch {
    return { ok: false, errors: [{ line: null, message: M.notIcs }] };
  }
  if (!/BEGIN:VCALENDAR/i.test(text)) return { ok: false, errors: [{ line: null, message: M.notIcs }] };
  const lines = text.split(/\r\n|\n|\r/);
  const lineOf = (uid: string): number | null => {
    const i = lines.findIndex((l) => l.trim() === `UID:${uid}`);
    return i >= 0 ? i + 1 : null;
  };
  const errors: ParseError[] = [];
  const periods: Period[] = [];
  for (const [key, component] of Object.entries(parsed)) {
    if (!component || component.type !== 'VEVENT') continue;
    const event = component as nodeIcal.VEvent;
    if (event.datetype !== 'date' || !(event.start instanceof Date)) continue; // a timed appointment is no holiday
    const line = lineOf(typeof event.uid === 'string' ? event.uid : key);
    const name = textOf(event.summary);
    if (event.rrule) {
      errors.push({ line, message: repeats(name) });
      continue;
    }
    const first = localDay(event.start);
    // DTEND of an all-day event is exclusive (the day after the last holiday); without one, or equal
    // to DTSTART as some programs write it, the event is that one day.
    const endDay = event.end instanceof Date ? localDay(event.end) : first;
    const last = endDay === first ? first : addDays(endDay, -1);
    const period = checkPeriod(name, first, last, line, errors);
    if (period) periods.push(period);
    if (errors.length >= OWN_HOLIDAY_LIMITS.maxErrors) break;
  }
  if (errors.length === 0 && periods.length === 0) return { ok: false, errors: [{ line: null, message: M.noAllDay }] };
  return finish(periods, errors);
}

/**
 * A school's own vakantierooster from an .ics export (its all-day events) or a CSV file with
 * `naam;van;tot` or `name,from,to` per line (a header row is optional; dates dd-mm-yyyy or
 * yyyy-mm-dd). At most 200 kB and 100 periods; every problem is reported with its line.
 */
export function parseOwnHolidays(text: string, format: 'ics' | 'csv'): ParseResult {
  if (new TextEncoder().encode(text).length > OWN_HOLIDAY_LIMITS.maxBytes) return { ok: false, errors: [{ line: null, message: M.tooLarge }] };
  const body = text.replace(/^\uFEFF/, '');
  return format === 'ics' ? parseIcs(body) : parseCsv(body);
}

/**
 * Whether a .csv file is a vakantierooster (name;from;to with two dates) rather than another list
 * (a survey's addresses): a line whose second and third columns look like dates.
 */
export function looksLikeHolidayCsv(text: string): boolean {
  const date = /^\s*"?(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})"?\s*$/;
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .slice(0, 50)
    .some((line) => {
      const fields = line.split(line.includes(';') ? ';' : line.includes('\t') ? '\t' : ',');
      return fields.length >= 3 && date.test(fields[1]!) && date.test(fields[2]!);
    });
}
