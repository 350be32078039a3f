// When a survey or a reminder may go out: on a working day, between startHour and endHour on
// Amsterdam's clocks (endHour exclusive: with 8–17, 16:59 is inside and 17:00 is not). Pure: `now`
// is an argument.
import { isWorkingDay, nextWorkingDay, type CalendarOptions } from './calendar.js';
import { addDays, amsterdamDate, amsterdamMinutes, atAmsterdamHour } from './dates.js';

export interface SendWindowOptions extends CalendarOptions {
  /** First whole hour of the window, 0–23, Amsterdam time. */
  startHour: number;
  /** Hour the window closes, 1–24, Amsterdam time, after startHour. */
  endHour: number;
}

function checkWindow(opts: SendWindowOptions): void {
  const { startHour, endHour } = opts;
  if (!Number.isInteger(startHour) || !Number.isInteger(endHour) || startHour < 0 || endHour > 24 || startHour >= endHour) {
    throw new RangeError(`send window must be whole hours with 0 ≤ start < end ≤ 24, got ${startHour}–${endHour}`);
  }
}

/** Whether `now` falls on a working day between startHour (inclusive) and endHour (exclusive), Amsterdam time. */
export function isWithinSendWindow(now: Date, opts: SendWindowOptions): boolean {
  checkWindow(opts);
  const day = amsterdamDate(now);
  if (!isWorkingDay(day, opts)) return false;
  const minutes = amsterdamMinutes(now);
  return minutes >= opts.startHour * 60 && minutes < opts.endHour * 60;
}

/** The first instant at or after `now` inside the send window: `now` itself when it is inside. */
export function nextSendMoment(now: Date, opts: SendWindowOptions): Date {
  if (isWithinSendWindow(now, opts)) return now;
  const today = amsterdamDate(now);
  if (isWorkingDay(today, opts)) {
    const opens = atAmsterdamHour(today, opts.startHour);
    if (now.getTime() < opens.getTime()) return opens;
  }
  return atAmsterdamHour(nextWorkingDay(addDays(today, 1), opts), opts.startHour);
}
