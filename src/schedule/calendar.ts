// Working days as a Dutch school sees them: no weekends, no public holidays (plus Goede Vrijdag and
// Bevrijdingsdag, on which schools are closed), and, when asked, no school holidays of the school's
// region or of its own vakantierooster. Calendar dates are ISO strings 'YYYY-MM-DD' (see dates.ts).
// Pure: no clock; the public holidays come from date-holidays' rules, the school holidays from
// data/school-holidays.ts. Decisions and sources: docs/schedule.md.
import Holidays from 'date-holidays';
import { SCHOOL_HOLIDAYS, SCHOOL_YEARS_COVERED, type Region, type SchoolHolidayKind } from './data/school-holidays.js';
import { addDays, isIsoDate, isWeekend, schoolYearOf, type IsoDate, type LocalText } from './dates.js';

export type { Region } from './data/school-holidays.js';

/** A holiday period of a school's own vakantierooster: a name as the school wrote it, first and last day inclusive. */
export interface Period {
  name: string;
  first: IsoDate;
  last: IsoDate;
}

export interface CalendarOptions {
  /** The school's holiday region; its regional school holidays are used unless ownHolidays is given. */
  region?: Region;
  /** Skip school holidays as non-working days. Default: true when a region or ownHolidays is given. */
  skipSchoolHolidays?: boolean;
  /** The school's own vakantierooster; replaces the regional data when given. */
  ownHolidays?: readonly Period[];
}

/** Why a day is not an ordinary school day, for messages ("valt op Koningsdag", "in de herfstvakantie"). */
export type Holiday =
  | { kind: 'public'; date: IsoDate; name: LocalText }
  | {
      kind: 'school';
      name: LocalText;
      first: IsoDate;
      last: IsoDate;
      /** Regional advisory dates (adviesdata): the school may have other dates. Always false for own periods. */
      advisory: boolean;
      /** From the school's own vakantierooster (true) or the regional data (false). */
      own: boolean;
      /** Which of the five regional holidays (regional data only). */
      schoolHoliday?: SchoolHolidayKind;
    };

/** date-holidays' NL types counted as days off: 'public', and 'school' (Goede Vrijdag, Bevrijdingsdag). */
const DAY_OFF_TYPES = new Set(['public', 'school']);

const holidaysNl = new Holidays('NL');
const publicByYear = new Map<number, ReadonlyMap<IsoDate, LocalText>>();

/** The public holidays (and school days off) of a calendar year: date → name in nl and en. Memoised per year. */
export function publicHolidays(year: number): ReadonlyMap<IsoDate, LocalText> {
  const known = publicByYear.get(year);
  if (known) return known;
  const en = new Map(holidaysNl.getHolidays(year, 'en').map((h) => [h.date.slice(0, 10), h.name] as const));
  const map = new Map<IsoDate, LocalText>();
  for (const h of holidaysNl.getHolidays(year, 'nl')) {
    if (!DAY_OFF_TYPES.has(h.type)) continue;
    const date = h.date.slice(0, 10);
    map.set(date, { nl: h.name, en: en.get(date) ?? h.name });
  }
  publicByYear.set(year, map);
  return map;
}

function checkDate(date: IsoDate): void {
  if (!isIsoDate(date)) throw new RangeError(`not a calendar date 'YYYY-MM-DD': ${String(date)}`);
}

function publicHolidayOn(date: IsoDate): Holiday | null {
  const name = publicHolidays(Number(date.slice(0, 4))).get(date);
  return name ? { kind: 'public', date, name } : null;
}

function schoolHolidayOn(date: IsoDate, opts: CalendarOptions): Holiday | null {
  if (opts.ownHolidays) {
    const own = opts.ownHolidays.find((p) => p.first <= date && date <= p.last);
    return own ? { kind: 'school', name: { nl: own.name, en: own.name }, first: own.first, last: own.last, advisory: false, own: true } : null;
  }
  if (!opts.region) return null;
  const h = SCHOOL_HOLIDAYS.find((x) => x.region === opts.region && x.first <= date && date <= x.last);
  return h ? { kind: 'school', name: h.name, first: h.first, last: h.last, advisory: h.advisory, own: false, schoolHoliday: h.kind } : null;
}

function skipsSchoolHolidays(opts: CalendarOptions): boolean {
  return opts.skipSchoolHolidays ?? (opts.region !== undefined || opts.ownHolidays !== undefined);
}

/**
 * The holiday a date is in: a public holiday first, else the school holiday of the school's own
 * rooster or region (reported even when skipSchoolHolidays is false, so a message can mention it).
 * null on an ordinary day, and on a weekend that is no holiday.
 */
export function holidayOn(date: IsoDate, opts: CalendarOptions = {}): Holiday | null {
  checkDate(date);
  return publicHolidayOn(date) ?? schoolHolidayOn(date, opts);
}

export function isWorkingDay(date: IsoDate, opts: CalendarOptions = {}): boolean {
  checkDate(date);
  if (isWeekend(date) || publicHolidayOn(date)) return false;
  return !(skipsSchoolHolidays(opts) && schoolHolidayOn(date, opts));
}

/** Ten years: a calendar with no working day in that span is a configuration error, not a schedule. */
const SEARCH_LIMIT_DAYS = 3_660;

function step(date: IsoDate, direction: 1 | -1, opts: CalendarOptions): IsoDate {
  let d = date;
  for (let i = 0; i <= SEARCH_LIMIT_DAYS; i++) {
    if (isWorkingDay(d, opts)) return d;
    d = addDays(d, direction);
  }
  throw new RangeError(`no working day within ${SEARCH_LIMIT_DAYS} days of ${date}`);
}

/** The first working day on or after `onOrAfter`. */
export function nextWorkingDay(onOrAfter: IsoDate, opts: CalendarOptions = {}): IsoDate {
  checkDate(onOrAfter);
  return step(onOrAfter, 1, opts);
}

/** The last working day on or before `onOrBefore`. */
export function previousWorkingDay(onOrBefore: IsoDate, opts: CalendarOptions = {}): IsoDate {
  checkDate(onOrBefore);
  return step(onOrBefore, -1, opts);
}

/**
 * The n-th working day after `date` (n > 0) or before it (n < 0); the date itself does not count.
 * n = 0 gives the date when it is a working day, else the next working day.
 */
export function addWorkingDays(date: IsoDate, n: number, opts: CalendarOptions = {}): IsoDate {
  checkDate(date);
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  if (n === 0) return step(date, 1, opts);
  const direction = n > 0 ? 1 : -1;
  let d = date;
  for (let left = Math.abs(n); left > 0; left--) d = step(addDays(d, direction), direction, opts);
  return d;
}

/**
 * Working days from `from` to `to`: those after `from` up to and including `to` (negative, counting
 * those from `to` up to but not including `from`, when `to` is earlier). So
 * workingDaysBetween(d, addWorkingDays(d, n)) === n.
 */
export function workingDaysBetween(from: IsoDate, to: IsoDate, opts: CalendarOptions = {}): number {
  checkDate(from);
  checkDate(to);
  if (to === from) return 0;
  const [a, b, sign] = to > from ? [addDays(from, 1), to, 1] : [to, addDays(from, -1), -1];
  let count = 0;
  for (let d = a; d <= b; d = addDays(d, 1)) if (isWorkingDay(d, opts)) count++;
  return sign * count;
}

/**
 * Whether data/school-holidays.ts holds the regional school holidays of the school year this date is
 * in. Outside it, only weekends and public holidays are known: a caller may warn the user.
 */
export function schoolHolidayDataCovers(date: IsoDate): boolean {
  checkDate(date);
  return SCHOOL_YEARS_COVERED.includes(schoolYearOf(date));
}
