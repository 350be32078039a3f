import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isWorkingDay, type CalendarOptions } from '../../src/schedule/calendar.js';
import { amsterdamDate } from '../../src/schedule/dates.js';
import { isWithinSendWindow, nextSendMoment, type SendWindowOptions } from '../../src/schedule/send-window.js';

/** An instant given as Amsterdam wall-clock time. */
const ams = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Amsterdam' }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d).setZone('Europe/Amsterdam').toFormat("yyyy-LL-dd'T'HH:mm");
const office: SendWindowOptions = { startHour: 8, endHour: 17 };

describe('send window', () => {
  it('sends a survey made on Friday at 17:00 on Monday at 08:00 (over the change to summer time)', () => {
    const at = nextSendMoment(ams('2026-03-27T17:00'), office);
    expect(local(at)).toBe('2026-03-30T08:00');
    expect(at.toISOString()).toBe('2026-03-30T06:00:00.000Z'); // CEST: UTC+2
  });

  it('sends at once inside the window, and at opening time earlier that day', () => {
    const now = ams('2026-03-10T10:15');
    expect(nextSendMoment(now, office)).toBe(now);
    expect(local(nextSendMoment(ams('2026-03-10T06:30'), office))).toBe('2026-03-10T08:00');
    expect(local(nextSendMoment(ams('2026-03-10T16:59'), office))).toBe('2026-03-10T16:59');
  });

  it('closes at endHour: 16:59 is inside, 17:00 is not', () => {
    expect(isWithinSendWindow(ams('2026-03-10T16:59'), office)).toBe(true);
    expect(isWithinSendWindow(ams('2026-03-10T17:00'), office)).toBe(false);
    expect(isWithinSendWindow(ams('2026-03-10T08:00'), office)).toBe(true);
    expect(isWithinSendWindow(ams('2026-03-10T07:59'), office)).toBe(false);
  });

  it('waits over weekends and Easter', () => {
    expect(local(nextSendMoment(ams('2026-03-14T11:00'), office))).toBe('2026-03-16T08:00');
    expect(local(nextSendMoment(ams('2026-04-02T18:00'), office))).toBe('2026-04-07T08:00'); // Goede Vrijdag, Easter Monday
  });

  it("waits for the end of the school's holiday when school holidays are skipped", () => {
    expect(local(nextSendMoment(ams('2025-10-10T17:30'), { ...office, region: 'zuid' }))).toBe('2025-10-20T08:00');
    expect(local(nextSendMoment(ams('2025-10-10T17:30'), office))).toBe('2025-10-13T08:00');
  });

  it('works across the change to winter time', () => {
    const at = nextSendMoment(ams('2026-10-23T20:00'), { startHour: 9, endHour: 12 });
    expect(local(at)).toBe('2026-10-26T09:00');
    expect(at.toISOString()).toBe('2026-10-26T08:00:00.000Z'); // CET: UTC+1
  });

  it('rejects a window that is empty or not whole hours', () => {
    expect(() => nextSendMoment(ams('2026-03-10T10:00'), { startHour: 17, endHour: 8 })).toThrow(RangeError);
    expect(() => isWithinSendWindow(ams('2026-03-10T10:00'), { startHour: 8.5, endHour: 17 })).toThrow(RangeError);
  });

  it('gives the first moment in the window at or after now (property)', () => {
    const windowArb = fc.integer({ min: 0, max: 23 }).chain((start) => fc.integer({ min: start + 1, max: 24 }).map((end) => ({ startHour: start, endHour: end })));
    const regionArb = fc.constantFrom<CalendarOptions>({}, { region: 'noord' }, { region: 'midden' }, { region: 'zuid' });
    const nowArb = fc.integer({ min: Date.parse('2025-08-01T00:00:00Z'), max: Date.parse('2028-06-30T00:00:00Z') }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(nowArb, windowArb, regionArb, (now, window, calendar) => {
        const opts = { ...window, ...calendar };
        const at = nextSendMoment(now, opts);
        expect(at.getTime()).toBeGreaterThanOrEqual(now.getTime());
        expect(isWithinSendWindow(at, opts)).toBe(true);
        expect(isWorkingDay(amsterdamDate(at), opts)).toBe(true);
        if (at.getTime() !== now.getTime()) {
          // Not inside the window just before: it really is the opening of the window.
          expect(isWithinSendWindow(new Date(at.getTime() - 60_000), opts)).toBe(false);
          expect(DateTime.fromJSDate(at).setZone('Europe/Amsterdam').minute).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
