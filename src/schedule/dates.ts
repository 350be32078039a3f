// Calendar dates and wall-clock times in Europe/Amsterdam. A calendar date is an ISO string
// 'YYYY-MM-DD' (no time, no zone: the day as a Dutch school's calendar shows it); an instant is a
// Date. Every conversion between the two goes through luxon in Europe/Amsterdam, so a 09:00 meeting
// stays 09:00 on both sides of a DST change. Pure: nothing here reads the clock.
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Amsterdam';

/** 'YYYY-MM-DD', a real calendar date. */
export type IsoDate = string;

export interface LocalText {
  nl: string;
  en: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A valid calendar date 'YYYY-MM-DD' between 1900 and 2200. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const y = Number(m[1]);
  if (y < 1900 || y > 2200) return false;
  return DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}

function day(date: IsoDate): DateTime {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  if (!d.isValid || !ISO_DATE.test(date)) throw new RangeError(`not a calendar date: ${date}`);
  return d;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return day(date).plus({ days }).toISODate()!;
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round(day(b).diff(day(a), 'days').days);
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export function weekdayOf(date: IsoDate): number {
  return day(date).weekday;
}

export function isWeekend(date: IsoDate): boolean {
  return weekdayOf(date) >= 6;
}

/** The Monday of the ISO week the date is in. */
export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, 1 - weekdayOf(date));
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

/** The calendar date in Amsterdam of an instant. */
export function amsterdamDate(instant: Date): IsoDate {
  return DateTime.fromJSDate(instant, { zone: ZONE }).toISODate()!;
}

/** The wall-clock hour and minute in Amsterdam of an instant, as minutes since midnight. */
export function amsterdamMinutes(instant: Date): number {
  const t = DateTime.fromJSDate(instant, { zone: ZONE });
  return t.hour * 60 + t.minute + t.second / 60 + t.millisecond / 60_000;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isClockTime(value: unknown): value is string {
  return typeof value === 'string' && HH_MM.test(value);
}

/**
 * The instant at which Amsterdam's clocks show `time` ('HH:mm') on `date`. A time that does not
 * exist (the hour skipped when clocks go forward) moves forward by that hour, as luxon does.
 */
export function atAmsterdamTime(date: IsoDate, time: string): Date {
  const m = HH_MM.exec(time);
  if (!m) throw new RangeError(`not a time HH:mm: ${time}`);
  const d = day(date);
  return DateTime.fromObject({ year: d.year, month: d.month, day: d.day, hour: Number(m[1]), minute: Number(m[2]) }, { zone: ZONE }).toJSDate();
}

/** The instant of a whole hour (0–24) on `date` in Amsterdam; 24 is the next day's midnight. */
export function atAmsterdamHour(date: IsoDate, hour: number): Date {
  if (hour === 24) return atAmsterdamHour(addDays(date, 1), 0);
  const d = day(date);
  return DateTime.fromObject({ year: d.year, month: d.month, day: d.day, hour }, { zone: ZONE }).toJSDate();
}

/** The school year (1 August – 31 July) a date is in, as '2025-2026'. */
export function schoolYearOf(date: IsoDate): string {
  const d = day(date);
  const start = d.month >= 8 ? d.year : d.year - 1;
  return `${start}-${start + 1}`;
}

/** First and last day of the school year that starts on 1 August of `startYear`. */
export function schoolYearBounds(startYear: number): { first: IsoDate; last: IsoDate } {
  return { first: `${startYear}-08-01`, last: `${startYear + 1}-07-31` };
}

/** The last day of a month. */
export function lastDayOfMonth(year: number, month: number): IsoDate {
  return DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' }).endOf('month').toISODate()!;
}

export function parts(date: IsoDate): { year: number; month: number; day: number } {
  const d = day(date);
  return { year: d.year, month: d.month, day: d.day };
}
