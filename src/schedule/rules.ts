// Recurrence rules as schools say them ("elke 2 weken", "elke 4 tot 6 weken", "2 keer per schooljaar",
// "jaarlijks in juni of juli", "op vaste data") and the next occurrence of each. Dates are planned on
// Amsterdam's calendar and the time of day is wall-clock time there, so 09:00 stays 09:00 across DST.
// Pure: `after` (usually now) and `lastHeld` are arguments. Semantics in docs/schedule.md.
import rrulePkg from 'rrule';
import { z } from 'zod';
import type { Language } from '../config.js';
import { isWorkingDay, nextWorkingDay, previousWorkingDay, type CalendarOptions } from './calendar.js';
import {
  addDays,
  amsterdamDate,
  atAmsterdamTime,
  daysBetween,
  isClockTime,
  isIsoDate,
  lastDayOfMonth,
  maxDate,
  minDate,
  mondayOf,
  parts,
  schoolYearBounds,
  weekdayOf,
  type IsoDate,
} from './dates.js';

const { RRule } = rrulePkg;

/** ISO weekday: 1 Monday … 7 Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type Rule =
  | { kind: 'everyNWeeks'; weeks: number; weekday?: Weekday }
  | { kind: 'window'; minWeeks: number; maxWeeks: number }
  | { kind: 'perSchoolYear'; times: number }
  | { kind: 'yearlyInMonths'; months: number[] }
  | { kind: 'dates'; dates: string[] };

export const RULE_LIMITS = { maxWeeks: 52, maxTimesPerSchoolYear: 40, maxDates: 100 } as const;

const WeekdaySchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7)]);
const Weeks = z.number().int().min(1).max(RULE_LIMITS.maxWeeks);

/** Months that follow each other (December → January allowed), each once. */
function monthsAreOneRun(months: readonly number[]): boolean {
  const set = new Set(months);
  if (set.size !== months.length || set.size === 0 || set.size > 11) return false;
  const starts = [...set].filter((m) => !set.has(m === 1 ? 12 : m - 1));
  return starts.length === 1;
}

export const RuleSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('everyNWeeks'), weeks: Weeks, weekday: WeekdaySchema.optional() }).strict(),
    z.object({ kind: z.literal('window'), minWeeks: Weeks, maxWeeks: Weeks }).strict(),
    z.object({ kind: z.literal('perSchoolYear'), times: z.number().int().min(1).max(RULE_LIMITS.maxTimesPerSchoolYear) }).strict(),
    z.object({ kind: z.literal('yearlyInMonths'), months: z.array(z.number().int().min(1).max(12)).min(1).max(11) }).strict(),
    z.object({ kind: z.literal('dates'), dates: z.array(z.string()).min(1).max(RULE_LIMITS.maxDates) }).strict(),
  ])
  .superRefine((rule, ctx) => {
    if (rule.kind === 'window' && rule.minWeeks > rule.maxWeeks) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['maxWeeks'], message: 'maxWeeks must be at least minWeeks' });
    }
    if (rule.kind === 'yearlyInMonths' && !monthsAreOneRun(rule.months)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['months'], message: 'months must follow each other, each once' });
    }
    if (rule.kind === 'dates') {
      rule.dates.forEach((d, i) => {
        if (!isIsoDate(d)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['dates', i], message: 'not a date YYYY-MM-DD' });
      });
      if (new Set(rule.dates).size !== rule.dates.length) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['dates'], message: 'a date is listed twice' });
    }
  });

export interface OccurrenceOptions extends CalendarOptions {
  /** Only occurrences strictly after this instant (usually now). */
  after: Date;
  /** When the last meeting (or round) was held; null when none was held yet. */
  lastHeld: Date | null;
  /** Wall-clock time in Amsterdam, 'HH:mm'. */
  time: string;
}

export interface Occurrence {
  at: Date;
  /** The period in which this occurrence is due, 'YYYY-MM-DD', inclusive. */
  windowStart: IsoDate;
  windowEnd: IsoDate;
}

/**
 * Puts a nominal date on a working day: the date itself; else the first working day after it, as long
 * as that is not past windowEnd; else the last working day before it (not before `earliest`, when
 * given); else, when the window has no working day at all, the first working day after it: late
 * rather than never. null when that moment is not after `after`.
 */
function place(nominal: IsoDate, windowEnd: IsoDate, o: OccurrenceOptions, earliest: IsoDate | null = null): Date | null {
  let d = nominal;
  if (!isWorkingDay(d, o)) {
    const forward = nextWorkingDay(d, o);
    const backward = previousWorkingDay(d, o);
    d = forward <= windowEnd ? forward : earliest === null || backward >= earliest ? backward : forward;
  }
  const at = atAmsterdamTime(d, o.time);
  return at.getTime() > o.after.getTime() ? at : null;
}

/** The first working-day moment at `time` on or after `from` that is after `after`. */
function firstAfter(from: IsoDate, o: OccurrenceOptions): Date {
  let d = nextWorkingDay(maxDate(from, amsterdamDate(o.after)), o);
  let at = atAmsterdamTime(d, o.time);
  if (at.getTime() <= o.after.getTime()) {
    d = nextWorkingDay(addDays(d, 1), o);
    at = atAmsterdamTime(d, o.time);
  }
  return at;
}

const isoOf = (d: Date) => d.toISOString().slice(0, 10);
const utcDay = (date: IsoDate) => {
  const p = parts(date);
  return new Date(Date.UTC(p.year, p.month - 1, p.day));
};

function nextEveryNWeeks(rule: Extract<Rule, { kind: 'everyNWeeks' }>, o: OccurrenceOptions): Occurrence | null {
  const anchorDay = amsterdamDate(o.lastHeld ?? o.after);
  const weekday = rule.weekday ?? weekdayOf(anchorDay);
  const span = 7 * rule.weeks;
  // Weeks 0, N, 2N, … from the anchor's week, on the weekday; week 0 only when nothing was held yet.
  const series = new RRule({ freq: RRule.WEEKLY, interval: rule.weeks, byweekday: [weekday - 1], wkst: RRule.MO, dtstart: utcDay(mondayOf(anchorDay)) });
  const firstAllowed = o.lastHeld ? addDays(mondayOf(anchorDay), span) : mondayOf(anchorDay);
  // Start near `after`: an earlier nominal date only lands after it when moved past a long holiday,
  // and then the candidate inside that holiday lands on the same first working day after it.
  let from = maxDate(firstAllowed, addDays(amsterdamDate(o.after), -span));
  for (let i = 0; i < 1_000; i++) {
    const next = series.after(utcDay(from), true);
    if (!next) return null;
    const nominal = isoOf(next);
    // Its window is the week it falls in: a day off moves it within that week, so the rhythm holds.
    const windowStart = mondayOf(nominal);
    const windowEnd = addDays(windowStart, 6);
    const at = place(nominal, windowEnd, o, windowStart);
    if (at) return { at, windowStart, windowEnd };
    from = addDays(nominal, 1);
  }
  return null;
}

function nextWindow(rule: Extract<Rule, { kind: 'window' }>, o: OccurrenceOptions): Occurrence {
  const anchorDay = amsterdamDate(o.lastHeld ?? o.after);
  const windowStart = addDays(anchorDay, 7 * rule.minWeeks);
  const windowEnd = addDays(anchorDay, 7 * rule.maxWeeks);
  // Due at the start of the window; once that has passed (overdue, or inside the window), as soon as possible.
  const at = place(windowStart, windowEnd, o) ?? firstAfter(windowStart, o);
  return { at, windowStart, windowEnd };
}

function nextPerSchoolYear(rule: Extract<Rule, { kind: 'perSchoolYear' }>, o: OccurrenceOptions): Occurrence | null {
  const afterDay = amsterdamDate(o.after);
  const heldDay = o.lastHeld ? amsterdamDate(o.lastHeld) : null;
  const firstYear = parts(afterDay).month >= 8 ? parts(afterDay).year : parts(afterDay).year - 1;
  for (let year = firstYear - 1; year <= firstYear + 2; year++) {
    const { first, last } = schoolYearBounds(year);
    const length = daysBetween(first, last) + 1;
    for (let k = 0; k < rule.times; k++) {
      // Slot k of `times` equal parts of the school year; the meeting is due in its middle.
      const windowStart = addDays(first, Math.floor((k * length) / rule.times));
      const windowEnd = addDays(first, Math.floor(((k + 1) * length) / rule.times) - 1);
      if (windowEnd < afterDay) continue;
      if (heldDay && windowStart <= heldDay && heldDay <= windowEnd) continue; // this one was held
      const nominal = addDays(first, Math.floor(((k + 0.5) * length) / rule.times));
      // Not moved back into the part before (or the school year before): late rather than twice.
      const at = place(nominal, windowEnd, o, windowStart);
      if (at) return { at, windowStart, windowEnd };
    }
  }
  return null;
}

function nextYearlyInMonths(rule: Extract<Rule, { kind: 'yearlyInMonths' }>, o: OccurrenceOptions): Occurrence | null {
  const set = new Set(rule.months);
  const startMonth = rule.months.find((m) => !set.has(m === 1 ? 12 : m - 1))!;
  const afterDay = amsterdamDate(o.after);
  const heldDay = o.lastHeld ? amsterdamDate(o.lastHeld) : null;
  const afterYear = parts(afterDay).year;
  for (let year = afterYear - 1; year <= afterYear + 2; year++) {
    const endMonthIndex = startMonth - 1 + set.size - 1; // 0-based, may pass December
    const windowStart = `${year}-${String(startMonth).padStart(2, '0')}-01`;
    const windowEnd = lastDayOfMonth(year + Math.floor(endMonthIndex / 12), (endMonthIndex % 12) + 1);
    if (windowEnd < afterDay) continue; // this year's window has passed
    if (heldDay && windowStart <= heldDay && heldDay <= windowEnd) continue; // held this year
    // The first working day of the window, or of what is left of it.
    const at = place(maxDate(windowStart, afterDay), windowEnd, o) ?? firstAfter(windowStart, o);
    if (amsterdamDate(at) <= windowEnd) return { at, windowStart, windowEnd };
  }
  return null;
}

function nextListedDate(rule: Extract<Rule, { kind: 'dates' }>, o: OccurrenceOptions): Occurrence | null {
  const dates = [...new Set(rule.dates)].sort();
  const heldDay = o.lastHeld ? amsterdamDate(o.lastHeld) : null;
  for (let i = 0; i < dates.length; i++) {
    const date = dates[i]!;
    if (heldDay && date <= heldDay) continue;
    // A listed date on a day off may move forward a few days, but not past the next listed date.
    const following = dates[i + 1];
    const windowEnd = following ? minDate(addDays(following, -1), addDays(date, 6)) : addDays(date, 6);
    const at = place(date, windowEnd, o);
    if (at) return { at, windowStart: date, windowEnd };
  }
  return null;
}

/**
 * The next occurrence of a rule strictly after `after`, on a working day of the calendar at `time`
 * Amsterdam time, or null when there is none (all set dates are past). `rule` must satisfy RuleSchema.
 */
export function nextOccurrence(rule: Rule, opts: OccurrenceOptions): Occurrence | null {
  if (!isClockTime(opts.time)) throw new RangeError(`not a time HH:mm: ${opts.time}`);
  const checked = RuleSchema.safeParse(rule);
  if (!checked.success) throw new RangeError(`invalid rule: ${checked.error.issues.map((i) => i.message).join('; ')}`);
  switch (rule.kind) {
    case 'everyNWeeks':
      return nextEveryNWeeks(rule, opts);
    case 'window':
      return nextWindow(rule, opts);
    case 'perSchoolYear':
      return nextPerSchoolYear(rule, opts);
    case 'yearlyInMonths':
      return nextYearlyInMonths(rule, opts);
    case 'dates':
      return nextListedDate(rule, opts);
  }
}

const MONTHS: Readonly<Record<Language, readonly string[]>> = {
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};
const WEEKDAYS: Readonly<Record<Language, readonly string[]>> = {
  nl: ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
};

function orList(items: readonly string[], language: Language): string {
  if (items.length <= 1) return items.join('');
  const or = language === 'nl' ? 'of' : 'or';
  return `${items.slice(0, -1).join(', ')} ${or} ${items[items.length - 1]}`;
}

function everyWeeks(weeks: number, language: Language): string {
  if (language === 'nl') return weeks === 1 ? 'elke week' : `elke ${weeks} weken`;
  return weeks === 1 ? 'every week' : `every ${weeks} weeks`;
}

/** A short sentence for the rule: "elke 2 weken", "elke 4 tot 6 weken", "2 keer per schooljaar", "jaarlijks in juni of juli", "op vaste data". */
export function describeRule(rule: Rule, language: Language): string {
  const nl = language === 'nl';
  switch (rule.kind) {
    case 'everyNWeeks': {
      const base = everyWeeks(rule.weeks, language);
      return rule.weekday ? `${base} ${nl ? 'op' : 'on'} ${WEEKDAYS[language][rule.weekday - 1]}` : base;
    }
    case 'window':
      if (rule.minWeeks === rule.maxWeeks) return everyWeeks(rule.minWeeks, language);
      return nl ? `elke ${rule.minWeeks} tot ${rule.maxWeeks} weken` : `every ${rule.minWeeks} to ${rule.maxWeeks} weeks`;
    case 'perSchoolYear':
      if (nl) return `${rule.times} keer per schooljaar`;
      return rule.times === 1 ? 'once per school year' : rule.times === 2 ? 'twice per school year' : `${rule.times} times per school year`;
    case 'yearlyInMonths': {
      const set = new Set(rule.months);
      const start = rule.months.find((m) => !set.has(m === 1 ? 12 : m - 1)) ?? rule.months[0]!;
      const ordered = [...set].map((_, i) => ((start - 1 + i) % 12) + 1);
      const names = ordered.map((m) => MONTHS[language][m - 1]!);
      return `${nl ? 'jaarlijks in' : 'yearly in'} ${orList(names, language)}`;
    }
    case 'dates':
      return nl ? 'op vaste data' : 'on set dates';
  }
}
