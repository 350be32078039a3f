import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isWorkingDay, type CalendarOptions } from '../../src/schedule/calendar.js';
import { addDays, amsterdamDate } from '../../src/schedule/dates.js';
import { describeRule, nextOccurrence, RuleSchema, type OccurrenceOptions, type Rule } from '../../src/schedule/rules.js';

/** An instant given as Amsterdam wall-clock time, and back. */
const ams = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Amsterdam' }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d).setZone('Europe/Amsterdam').toFormat("yyyy-LL-dd'T'HH:mm");
const clock = (d: Date) => DateTime.fromJSDate(d).setZone('Europe/Amsterdam').toFormat('HH:mm');

function next(rule: Rule, after: string, lastHeld: string | null, calendar: CalendarOptions = {}, time = '09:00') {
  const r = nextOccurrence(rule, { after: ams(after), lastHeld: lastHeld ? ams(lastHeld) : null, time, ...calendar });
  return r && { at: local(r.at), windowStart: r.windowStart, windowEnd: r.windowEnd };
}

/** Holds meetings one after the other, as a cadence would, from `from` until `until`. */
function series(rule: Rule, from: string, until: string, calendar: CalendarOptions = {}, time = '09:00'): Date[] {
  const held: Date[] = [];
  const end = ams(until);
  let opts: OccurrenceOptions = { after: ams(from), lastHeld: null, time, ...calendar };
  for (let i = 0; i < 400; i++) {
    const r = nextOccurrence(rule, opts);
    if (!r || r.at > end) break;
    held.push(r.at);
    opts = { ...opts, after: r.at, lastHeld: r.at };
  }
  return held;
}

describe('describing rules', () => {
  it('says the rule as a school would, in Dutch and English', () => {
    const cases: [Rule, string, string][] = [
      [{ kind: 'everyNWeeks', weeks: 2 }, 'elke 2 weken', 'every 2 weeks'],
      [{ kind: 'everyNWeeks', weeks: 1 }, 'elke week', 'every week'],
      [{ kind: 'everyNWeeks', weeks: 2, weekday: 2 }, 'elke 2 weken op dinsdag', 'every 2 weeks on Tuesday'],
      [{ kind: 'window', minWeeks: 4, maxWeeks: 6 }, 'elke 4 tot 6 weken', 'every 4 to 6 weeks'],
      [{ kind: 'window', minWeeks: 3, maxWeeks: 3 }, 'elke 3 weken', 'every 3 weeks'],
      [{ kind: 'perSchoolYear', times: 2 }, '2 keer per schooljaar', 'twice per school year'],
      [{ kind: 'perSchoolYear', times: 1 }, '1 keer per schooljaar', 'once per school year'],
      [{ kind: 'perSchoolYear', times: 3 }, '3 keer per schooljaar', '3 times per school year'],
      [{ kind: 'yearlyInMonths', months: [6, 7] }, 'jaarlijks in juni of juli', 'yearly in June or July'],
      [{ kind: 'yearlyInMonths', months: [7, 5, 6] }, 'jaarlijks in mei, juni of juli', 'yearly in May, June or July'],
      [{ kind: 'yearlyInMonths', months: [1, 12] }, 'jaarlijks in december of januari', 'yearly in December or January'],
      [{ kind: 'dates', dates: ['2026-10-01'] }, 'op vaste data', 'on set dates'],
    ];
    for (const [rule, nl, en] of cases) {
      expect(describeRule(rule, 'nl')).toBe(nl);
      expect(describeRule(rule, 'en')).toBe(en);
    }
  });
});

describe('RuleSchema', () => {
  it('accepts the rules schools use', () => {
    for (const rule of [
      { kind: 'everyNWeeks', weeks: 2, weekday: 1 },
      { kind: 'window', minWeeks: 4, maxWeeks: 6 },
      { kind: 'perSchoolYear', times: 3 },
      { kind: 'yearlyInMonths', months: [6, 7] },
      { kind: 'yearlyInMonths', months: [12, 1] },
      { kind: 'dates', dates: ['2026-09-14', '2027-02-01'] },
    ]) {
      expect(RuleSchema.safeParse(rule).success, JSON.stringify(rule)).toBe(true);
    }
  });

  it('rejects rules out of bounds or that make no sense', () => {
    for (const rule of [
      { kind: 'everyNWeeks', weeks: 0 },
      { kind: 'everyNWeeks', weeks: 53 },
      { kind: 'everyNWeeks', weeks: 2, weekday: 8 },
      { kind: 'everyNWeeks', weeks: 1.5 },
      { kind: 'window', minWeeks: 6, maxWeeks: 4 },
      { kind: 'perSchoolYear', times: 0 },
      { kind: 'perSchoolYear', times: 41 },
      { kind: 'yearlyInMonths', months: [] },
      { kind: 'yearlyInMonths', months: [3, 9] },
      { kind: 'yearlyInMonths', months: [6, 6] },
      { kind: 'yearlyInMonths', months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
      { kind: 'dates', dates: [] },
      { kind: 'dates', dates: ['2026-02-30'] },
      { kind: 'dates', dates: ['2026-09-14', '2026-09-14'] },
      { kind: 'dates', dates: Array.from({ length: 101 }, (_, i) => addDays('2026-01-01', i)) },
      { kind: 'monthly' },
      { kind: 'window', minWeeks: 4, maxWeeks: 6, extra: true },
    ]) {
      expect(RuleSchema.safeParse(rule).success, JSON.stringify(rule).slice(0, 80)).toBe(false);
    }
  });

  it('is checked by nextOccurrence too', () => {
    expect(() => next({ kind: 'window', minWeeks: 6, maxWeeks: 4 }, '2026-03-10T10:00', null)).toThrow(RangeError);
    expect(() => nextOccurrence({ kind: 'everyNWeeks', weeks: 2 }, { after: ams('2026-03-10T10:00'), lastHeld: null, time: '9:00' })).toThrow(RangeError);
  });
});

describe('every N weeks', () => {
  it('plans N weeks after the last meeting, on its weekday, at the given time', () => {
    expect(next({ kind: 'everyNWeeks', weeks: 2 }, '2026-03-10T12:00', '2026-03-10T09:00')).toEqual({ at: '2026-03-24T09:00', windowStart: '2026-03-23', windowEnd: '2026-03-29' });
  });

  it('uses the chosen weekday in the week N weeks on', () => {
    expect(next({ kind: 'everyNWeeks', weeks: 2, weekday: 4 }, '2026-03-10T12:00', '2026-03-10T09:00')?.at).toBe('2026-03-26T09:00');
  });

  it('starts at the first such weekday after `after` when nothing was held yet', () => {
    expect(next({ kind: 'everyNWeeks', weeks: 2, weekday: 4 }, '2026-03-10T12:00', null)?.at).toBe('2026-03-12T09:00');
    expect(next({ kind: 'everyNWeeks', weeks: 2, weekday: 2 }, '2026-03-10T12:00', null)?.at).toBe('2026-03-24T09:00'); // today's 09:00 has passed
  });

  it('moves a meeting on Easter Monday to the Tuesday, and one on Goede Vrijdag back to the Thursday', () => {
    expect(next({ kind: 'everyNWeeks', weeks: 1, weekday: 1 }, '2026-03-30T12:00', '2026-03-30T09:00')?.at).toBe('2026-04-07T09:00');
    expect(next({ kind: 'everyNWeeks', weeks: 1, weekday: 5 }, '2026-03-27T12:00', '2026-03-27T09:00')?.at).toBe('2026-04-02T09:00');
  });

  it('skips a school holiday week to the first working day after it, and keeps the rhythm after that', () => {
    const calendar: CalendarOptions = { region: 'zuid' };
    const first = next({ kind: 'everyNWeeks', weeks: 2, weekday: 3 }, '2025-10-01T12:00', '2025-10-01T09:00', calendar);
    expect(first?.at).toBe('2025-10-20T09:00'); // Wednesday 15 October is in the herfstvakantie (zuid)
    expect(next({ kind: 'everyNWeeks', weeks: 2, weekday: 3 }, '2025-10-20T12:00', '2025-10-20T09:00', calendar)?.at).toBe('2025-11-05T09:00');
  });

  it('keeps 09:00 at 09:00 on both sides of the clock changes in March and October', () => {
    for (const [from, until] of [
      ['2026-03-02T12:00', '2026-04-20T12:00'],
      ['2026-10-05T12:00', '2026-11-20T12:00'],
    ] as const) {
      const held = series({ kind: 'everyNWeeks', weeks: 1, weekday: 2 }, from, until);
      expect(held.length).toBeGreaterThanOrEqual(6);
      expect(held.map(clock).every((t) => t === '09:00')).toBe(true);
      expect(new Set(held.map((d) => d.getUTCHours()))).toEqual(new Set([7, 8])); // 08:00Z in winter, 07:00Z in summer
    }
  });

  it('holds N-weekly meetings 52/N times a year on average (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 700 }).map((n) => addDays('2025-08-01', n)),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        (start, weeks, weekday) => {
          const rule: Rule = weekday ? { kind: 'everyNWeeks', weeks, weekday: weekday as 1 | 2 | 3 | 4 | 5 } : { kind: 'everyNWeeks', weeks };
          const held = series(rule, `${start}T12:00`, `${addDays(start, 364)}T12:00`);
          expect(Math.abs(held.length - 52 / weeks)).toBeLessThanOrEqual(1.5);
          // With the school holidays skipped (about 11 weeks a year) there are fewer, never more than 52/N.
          const school = series(rule, `${start}T12:00`, `${addDays(start, 364)}T12:00`, { region: 'midden' });
          expect(school.length).toBeLessThanOrEqual(52 / weeks + 1.5);
          expect(school.length).toBeGreaterThanOrEqual(Math.floor((52 - 13) / weeks) - 1);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('a window of weeks', () => {
  it('plans at the start of the window: the first working day from 4 weeks after the last meeting', () => {
    expect(next({ kind: 'window', minWeeks: 4, maxWeeks: 6 }, '2026-02-10T12:00', '2026-02-10T10:00')).toEqual({ at: '2026-03-10T09:00', windowStart: '2026-03-10', windowEnd: '2026-03-24' });
    // 4 weeks after Friday 6 March 2026 is Goede Vrijdag: the Tuesday after Easter Monday.
    expect(next({ kind: 'window', minWeeks: 4, maxWeeks: 6 }, '2026-03-06T12:00', '2026-03-06T10:00')?.at).toBe('2026-04-07T09:00');
  });

  it('plans as soon as possible when the meeting is overdue, and keeps the window for the message', () => {
    expect(next({ kind: 'window', minWeeks: 4, maxWeeks: 6 }, '2026-05-04T12:00', '2026-03-02T10:00')).toEqual({ at: '2026-05-06T09:00', windowStart: '2026-03-30', windowEnd: '2026-04-13' });
  });

  it('moves back before the window when the whole window is a school holiday', () => {
    // 6–7 weeks after 1 June 2026 lies inside the zomervakantie of noord (4 July – 16 August): the Friday before it.
    expect(next({ kind: 'window', minWeeks: 6, maxWeeks: 7 }, '2026-06-01T12:00', '2026-06-01T10:00', { region: 'noord' })).toEqual({
      at: '2026-07-03T09:00',
      windowStart: '2026-07-13',
      windowEnd: '2026-07-20',
    });
  });

  it('lands inside the window whenever the window has a working day (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 900 }).map((n) => addDays('2025-08-01', n)),
        fc.integer({ min: 1, max: 8 }).chain((min) => fc.integer({ min, max: min + 4 }).map((max) => [min, max] as const)),
        fc.constantFrom<CalendarOptions>({}, { region: 'noord' }, { region: 'midden' }, { region: 'zuid' }),
        (held, [minWeeks, maxWeeks], calendar) => {
          const r = nextOccurrence({ kind: 'window', minWeeks, maxWeeks }, { after: ams(`${held}T12:00`), lastHeld: ams(`${held}T10:00`), time: '09:00', ...calendar })!;
          let hasWorkingDay = false;
          for (let d = r.windowStart; d <= r.windowEnd; d = addDays(d, 1)) hasWorkingDay ||= isWorkingDay(d, calendar);
          const day = amsterdamDate(r.at);
          if (hasWorkingDay) expect(day >= r.windowStart && day <= r.windowEnd).toBe(true);
          expect(isWorkingDay(day, calendar)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('N times per school year', () => {
  it('spreads two meetings evenly over the school year, around the end of October and of April', () => {
    const held = series({ kind: 'perSchoolYear', times: 2 }, '2026-08-01T00:00', '2027-07-31T23:00', { region: 'midden' });
    expect(held.map(local)).toEqual(['2026-11-02T09:00', '2027-05-03T09:00']); // 31 October and 1 May fall on Saturdays
  });

  it('skips the one already held in this part of the year', () => {
    expect(next({ kind: 'perSchoolYear', times: 2 }, '2026-03-20T12:00', '2026-03-10T10:00')).toEqual({ at: '2026-11-02T09:00', windowStart: '2026-08-01', windowEnd: '2027-01-29' });
  });

  it('plans a part of the year that lies wholly in the zomervakantie right after it, not back in the year before', () => {
    expect(next({ kind: 'perSchoolYear', times: 10 }, '2027-07-14T12:00', '2027-07-13T09:00', { region: 'zuid' })).toEqual({
      at: '2027-09-06T09:00',
      windowStart: '2027-08-01',
      windowEnd: '2027-09-05',
    });
  });

  it('holds exactly N in each school year, in order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.constantFrom<CalendarOptions>({}, { region: 'noord' }, { region: 'zuid' }), (times, calendar) => {
        const held = series({ kind: 'perSchoolYear', times }, '2026-08-01T00:00', '2027-07-31T23:00', calendar);
        expect(held).toHaveLength(times);
        held.forEach((d) => expect(isWorkingDay(amsterdamDate(d), calendar)).toBe(true));
      }),
      { numRuns: 30 },
    );
  });
});

describe('yearly within months', () => {
  it('plans the RvT meeting on the first working day of June, or in the coming year once this one is past', () => {
    expect(next({ kind: 'yearlyInMonths', months: [6, 7] }, '2026-03-01T12:00', null)).toEqual({ at: '2026-06-01T09:00', windowStart: '2026-06-01', windowEnd: '2026-07-31' });
    expect(next({ kind: 'yearlyInMonths', months: [6, 7] }, '2026-08-03T12:00', '2025-06-20T10:00')?.at).toBe('2027-06-01T09:00');
    expect(next({ kind: 'yearlyInMonths', months: [6, 7] }, '2026-06-20T12:00', '2026-06-15T10:00')?.at).toBe('2027-06-01T09:00'); // held this year
  });

  it('plans the next working day when the window is open and it was not held yet', () => {
    expect(next({ kind: 'yearlyInMonths', months: [6, 7] }, '2026-06-10T12:00', '2025-06-20T10:00')?.at).toBe('2026-06-11T09:00');
  });

  it('handles a window over the turn of the year', () => {
    expect(next({ kind: 'yearlyInMonths', months: [12, 1] }, '2026-12-01T12:00', null, { region: 'noord' })).toEqual({ at: '2026-12-02T09:00', windowStart: '2026-12-01', windowEnd: '2027-01-31' });
  });
});

describe('set dates', () => {
  it('plans the next listed date after now', () => {
    const rule: Rule = { kind: 'dates', dates: ['2026-11-10', '2026-09-15', '2027-02-02'] };
    expect(next(rule, '2026-09-20T12:00', null)?.at).toBe('2026-11-10T09:00');
    expect(next(rule, '2026-09-15T08:00', null)?.at).toBe('2026-09-15T09:00');
    expect(next(rule, '2027-02-02T10:00', null)).toBeNull();
  });

  it('moves a listed date on a day off forward, or back when the next listed date comes first', () => {
    expect(next({ kind: 'dates', dates: ['2026-05-14'] }, '2026-05-01T12:00', null)?.at).toBe('2026-05-15T09:00'); // Hemelvaart → Friday
    // Koningsdag in the meivakantie (midden): no working day before the next date, so the Friday before.
    expect(next({ kind: 'dates', dates: ['2026-04-27', '2026-05-01'] }, '2026-04-01T12:00', null, { region: 'midden' })?.at).toBe('2026-04-24T09:00');
  });
});

describe('every rule (properties)', () => {
  const ruleArb: fc.Arbitrary<Rule> = fc.oneof(
    fc.record({ kind: fc.constant('everyNWeeks' as const), weeks: fc.integer({ min: 1, max: 8 }), weekday: fc.constantFrom(1, 2, 3, 4, 5, 6, 7) as fc.Arbitrary<1 | 2 | 3 | 4 | 5 | 6 | 7> }),
    fc.record({ kind: fc.constant('everyNWeeks' as const), weeks: fc.integer({ min: 1, max: 8 }) }),
    fc.integer({ min: 1, max: 10 }).chain((min) => fc.integer({ min, max: min + 6 }).map((max): Rule => ({ kind: 'window', minWeeks: min, maxWeeks: max }))),
    fc.integer({ min: 1, max: 12 }).map((times): Rule => ({ kind: 'perSchoolYear', times })),
    fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 })).map(([start, n]): Rule => ({ kind: 'yearlyInMonths', months: Array.from({ length: n }, (_, i) => ((start - 1 + i) % 12) + 1) })),
    fc.uniqueArray(fc.integer({ min: 0, max: 900 }), { minLength: 1, maxLength: 8 }).map((ns): Rule => ({ kind: 'dates', dates: ns.map((n) => addDays('2025-09-01', n)) })),
  );
  const calendarArb = fc.constantFrom<CalendarOptions>({}, { region: 'noord' }, { region: 'midden' }, { region: 'zuid' }, { region: 'zuid', skipSchoolHolidays: false });
  const instantArb = fc.integer({ min: Date.parse('2025-08-15T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }).map((ms) => new Date(ms));
  const timeArb = fc.tuple(fc.integer({ min: 6, max: 20 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

  it('never plans on a weekend, a public holiday or a skipped school holiday; always after `after`, at the wall-clock time', () => {
    fc.assert(
      fc.property(ruleArb, calendarArb, instantArb, fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }), timeArb, (rule, calendar, after, heldDaysAgo, time) => {
        const lastHeld = heldDaysAgo === null ? null : new Date(after.getTime() - heldDaysAgo * 86_400_000);
        const r = nextOccurrence(rule, { after, lastHeld, time, ...calendar });
        if (!r) return; // only set dates run out
        expect(r.at.getTime()).toBeGreaterThan(after.getTime());
        expect(isWorkingDay(amsterdamDate(r.at), calendar)).toBe(true);
        expect(clock(r.at)).toBe(time);
        expect(r.windowStart <= r.windowEnd).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
