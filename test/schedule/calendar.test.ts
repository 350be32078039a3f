import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  holidayOn,
  isWorkingDay,
  nextWorkingDay,
  previousWorkingDay,
  publicHolidays,
  schoolHolidayDataCovers,
  workingDaysBetween,
  type CalendarOptions,
} from '../../src/schedule/calendar.js';
import { SCHOOL_HOLIDAYS } from '../../src/schedule/data/school-holidays.js';
import { addDays, isWeekend } from '../../src/schedule/dates.js';

/** Any day from August 2025 to July 2028, the span the holiday data covers. */
const dayArb = fc.integer({ min: 0, max: 1_095 }).map((n) => addDays('2025-08-01', n));
const optionsArb: fc.Arbitrary<CalendarOptions> = fc.oneof(
  fc.constant({}),
  fc.constantFrom<CalendarOptions>({ region: 'noord' }, { region: 'midden' }, { region: 'zuid' }),
  fc.record({ region: fc.constantFrom('noord' as const, 'midden' as const, 'zuid' as const), skipSchoolHolidays: fc.boolean() }),
  fc.constant<CalendarOptions>({
    region: 'zuid',
    ownHolidays: [
      { name: 'Herfstvakantie', first: '2025-10-20', last: '2025-10-24' },
      { name: 'Carnaval', first: '2027-02-08', last: '2027-02-12' },
    ],
  }),
);

describe('working days', () => {
  it('closes on public holidays, Goede Vrijdag and Bevrijdingsdag, and on weekends', () => {
    expect(isWorkingDay('2026-04-27')).toBe(false); // Koningsdag, a Monday
    expect(isWorkingDay('2025-04-26')).toBe(false); // Koningsdag moved to Saturday 26 April in 2025
    expect(isWorkingDay('2026-04-03')).toBe(false); // Goede Vrijdag
    expect(isWorkingDay('2026-04-06')).toBe(false); // Tweede Paasdag
    expect(isWorkingDay('2027-05-05')).toBe(false); // Bevrijdingsdag, a Wednesday outside a lustrum year
    expect(isWorkingDay('2026-05-14')).toBe(false); // Hemelvaartsdag
    expect(isWorkingDay('2026-05-25')).toBe(false); // Tweede Pinksterdag
    expect(isWorkingDay('2026-12-25')).toBe(false);
    expect(isWorkingDay('2027-01-01')).toBe(false);
    expect(isWorkingDay('2026-03-07')).toBe(false); // a Saturday
    expect(isWorkingDay('2026-05-15')).toBe(true); // the Friday after Hemelvaart is no public holiday
    expect(isWorkingDay('2026-03-10')).toBe(true);
  });

  it('names public holidays in Dutch and English', () => {
    expect(holidayOn('2026-04-27')).toEqual({ kind: 'public', date: '2026-04-27', name: { nl: 'Koningsdag', en: "King's Day" } });
    expect(holidayOn('2026-04-03')?.name).toEqual({ nl: 'Goede Vrijdag', en: 'Good Friday' });
    expect(holidayOn('2026-03-10')).toBeNull();
    expect(publicHolidays(2026).has('2026-05-04')).toBe(false); // Dodenherdenking is no day off
  });

  it("skips the region's school holidays when a region is given, and only then", () => {
    expect(isWorkingDay('2025-10-13', { region: 'zuid' })).toBe(false); // herfstvakantie zuid
    expect(isWorkingDay('2025-10-13', { region: 'noord' })).toBe(true); // noord has it a week later
    expect(isWorkingDay('2025-10-13')).toBe(true);
    expect(isWorkingDay('2025-10-13', { region: 'zuid', skipSchoolHolidays: false })).toBe(true);
  });

  it('says which school holiday a date is in, even when school holidays are not skipped', () => {
    const h = holidayOn('2025-10-13', { region: 'zuid', skipSchoolHolidays: false });
    expect(h).toMatchObject({ kind: 'school', name: { nl: 'herfstvakantie', en: 'autumn holiday' }, first: '2025-10-11', last: '2025-10-19', advisory: true, own: false });
    expect(holidayOn('2026-07-20', { region: 'midden' })).toMatchObject({ kind: 'school', advisory: false, schoolHoliday: 'zomervakantie' });
  });

  it('names the public holiday first when it falls in a school holiday', () => {
    expect(holidayOn('2026-04-27', { region: 'noord' })).toMatchObject({ kind: 'public', name: { nl: 'Koningsdag' } });
  });

  it("uses the school's own vakantierooster instead of the regional one", () => {
    const opts: CalendarOptions = { region: 'zuid', ownHolidays: [{ name: 'Herfstvakantie (eigen)', first: '2025-10-20', last: '2025-10-24' }] };
    expect(isWorkingDay('2025-10-13', opts)).toBe(true); // the regional week no longer counts
    expect(isWorkingDay('2025-10-21', opts)).toBe(false);
    expect(holidayOn('2025-10-21', opts)).toMatchObject({ kind: 'school', own: true, advisory: false, name: { nl: 'Herfstvakantie (eigen)', en: 'Herfstvakantie (eigen)' } });
    expect(isWorkingDay('2025-10-21', { ownHolidays: opts.ownHolidays! })).toBe(false); // own rooster without a region
  });

  it('finds the next and previous working day across the kerstvakantie', () => {
    expect(nextWorkingDay('2025-12-24', { region: 'noord' })).toBe('2026-01-05');
    expect(previousWorkingDay('2026-01-04', { region: 'noord' })).toBe('2025-12-19');
    expect(nextWorkingDay('2025-12-24')).toBe('2025-12-24');
    expect(nextWorkingDay('2025-12-25')).toBe('2025-12-29');
  });

  it('adds working days forward and backward', () => {
    expect(addWorkingDays('2026-03-13', 1)).toBe('2026-03-16'); // Friday → Monday
    expect(addWorkingDays('2026-04-07', -1)).toBe('2026-04-02'); // back over Easter Monday and Goede Vrijdag
    expect(addWorkingDays('2026-03-14', 0)).toBe('2026-03-16'); // a Saturday counts from the next working day
    expect(addWorkingDays('2026-03-10', 0)).toBe('2026-03-10');
    expect(addWorkingDays('2025-12-19', 1, { region: 'midden' })).toBe('2026-01-05');
  });

  it('counts working days between two dates', () => {
    expect(workingDaysBetween('2026-03-09', '2026-03-16')).toBe(5);
    expect(workingDaysBetween('2026-03-16', '2026-03-09')).toBe(-5);
    expect(workingDaysBetween('2025-12-19', '2026-01-05', { region: 'zuid' })).toBe(1);
    expect(workingDaysBetween('2026-03-09', '2026-03-09')).toBe(0);
  });

  it('rejects what is not a calendar date', () => {
    expect(() => isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => nextWorkingDay('10-03-2026')).toThrow(RangeError);
  });

  it('knows which school years the regional data covers', () => {
    expect(schoolHolidayDataCovers('2027-01-01')).toBe(true);
    expect(schoolHolidayDataCovers('2028-08-01')).toBe(false);
    expect(schoolHolidayDataCovers('2025-07-31')).toBe(false);
  });
});

describe('working days (properties)', () => {
  it('never calls a weekend, a public holiday or a skipped school holiday a working day', () => {
    fc.assert(
      fc.property(dayArb, optionsArb, (day, opts) => {
        const working = isWorkingDay(day, opts);
        if (isWeekend(day) || publicHolidays(Number(day.slice(0, 4))).has(day)) expect(working).toBe(false);
        const skip = opts.skipSchoolHolidays ?? true;
        const inSchoolHoliday = opts.ownHolidays
          ? opts.ownHolidays.some((p) => p.first <= day && day <= p.last)
          : SCHOOL_HOLIDAYS.some((h) => h.region === opts.region && h.first <= day && day <= h.last);
        if (skip && inSchoolHoliday) expect(working).toBe(false);
        if (!working && !isWeekend(day)) expect(holidayOn(day, opts)).not.toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it('finds the nearest working day in each direction, with none skipped in between', () => {
    fc.assert(
      fc.property(dayArb, optionsArb, (day, opts) => {
        const next = nextWorkingDay(day, opts);
        const prev = previousWorkingDay(day, opts);
        expect(next >= day && prev <= day).toBe(true);
        expect(isWorkingDay(next, opts) && isWorkingDay(prev, opts)).toBe(true);
        for (let d = day; d < next; d = addDays(d, 1)) expect(isWorkingDay(d, opts)).toBe(false);
        for (let d = day; d > prev; d = addDays(d, -1)) expect(isWorkingDay(d, opts)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('lands on a working day and counts back to n: workingDaysBetween(d, addWorkingDays(d, n)) = n', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -40, max: 40 }), optionsArb, (day, n, opts) => {
        const result = addWorkingDays(day, n, opts);
        expect(isWorkingDay(result, opts)).toBe(true);
        if (n === 0) expect(result).toBe(nextWorkingDay(day, opts));
        else {
          expect(n > 0 ? result > day : result < day).toBe(true);
          expect(workingDaysBetween(day, result, opts)).toBe(n);
        }
      }),
      { numRuns: 200 },
    );
  });
});
