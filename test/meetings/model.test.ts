// The meeting moments as a quality officer would check them in a calendar: prep cards N working days
// ahead at 09:00 (across DST, holidays and short notice), "remind me tomorrow", the rhythm warnings
// (week 5 of a 4–6-week table; 1 May for a June/July table) and whether the rhythm is kept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { followUpMoment, planNext, prepMoment, remindTomorrow, rhythmOf, TABLE_DEFAULTS, warnMoment } from '../../src/meetings/model.js';
import { amsterdamDate, atAmsterdamTime, isWorkingDay, workingDaysBetween } from '../../src/schedule/index.js';

const NOW = new Date('2026-12-05T10:00:00Z');
const local = (d: Date) => new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'short', timeStyle: 'short' }).format(d);

describe('prep moment', () => {
  it('is two working days before a Tuesday meeting of the two-weekly table: the Friday before at 09:00', () => {
    expect(local(prepMoment(atAmsterdamTime('2027-01-19', '09:00'), 2, NOW, {}))).toBe('15-01-2027, 09:00');
  });

  it('skips Easter Monday and Good Friday, and a region’s school holiday when a region is given', () => {
    // Wednesday 31 March 2027; Easter Monday is 29 March, Good Friday 26 March.
    expect(local(prepMoment(atAmsterdamTime('2027-03-31', '10:00'), 2, NOW, {}))).toBe('25-03-2027, 09:00');
    // Monday 1 March 2027 in region zuid, whose voorjaarsvakantie is 13–21 February: five working days back lands before it.
    expect(local(prepMoment(atAmsterdamTime('2027-03-01', '10:00'), 5, NOW, { region: 'zuid' }))).toBe('22-02-2027, 09:00');
    expect(local(prepMoment(atAmsterdamTime('2027-02-24', '10:00'), 5, NOW, { region: 'zuid' }))).toBe('10-02-2027, 09:00');
  });

  it('stays at 09:00 Amsterdam time across the change to summer time', () => {
    // Tuesday 30 March 2027, summer time since the 28th; Easter Monday and Good Friday are skipped.
    const at = prepMoment(atAmsterdamTime('2027-03-30', '09:00'), 2, NOW, {});
    expect(local(at)).toBe('24-03-2027, 09:00');
    expect(at.toISOString()).toBe('2027-03-24T08:00:00.000Z'); // CET
    const after = prepMoment(atAmsterdamTime('2027-04-06', '09:00'), 2, NOW, {});
    expect(after.toISOString()).toBe('2027-04-02T07:00:00.000Z'); // CEST
  });

  it('is now when the meeting was set at shorter notice than the prep days', () => {
    const soon = atAmsterdamTime('2026-12-08', '09:00');
    expect(prepMoment(soon, 5, NOW, {})).toEqual(NOW);
  });

  it('is always on a working day before the meeting, the given number of working days ahead (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), fc.integer({ min: 1, max: 10 }), (offset, days) => {
        const d = new Date(Date.UTC(2027, 0, 4) + offset * 86_400_000).toISOString().slice(0, 10);
        if (!isWorkingDay(d, { region: 'midden' })) return;
        const meeting = atAmsterdamTime(d, '10:00');
        const at = prepMoment(meeting, days, NOW, { region: 'midden' });
        expect(at.getTime()).toBeLessThan(meeting.getTime());
        expect(isWorkingDay(amsterdamDate(at), { region: 'midden' })).toBe(true);
        expect(workingDaysBetween(amsterdamDate(at), d, { region: 'midden' })).toBe(days);
      }),
      { numRuns: 200 },
    );
  });
});

describe('remind me tomorrow', () => {
  it('is the next working day at 09:00: a Friday click reminds on Monday', () => {
    expect(local(remindTomorrow(new Date('2027-01-15T14:00:00Z'), atAmsterdamTime('2027-01-21', '09:00'), {}))).toBe('18-01-2027, 09:00');
  });

  it('is never after the meeting: an hour before it when tomorrow is too late', () => {
    expect(local(remindTomorrow(new Date('2027-01-18T14:00:00Z'), atAmsterdamTime('2027-01-19', '09:00'), {}))).toBe('19-01-2027, 08:00');
  });
});

describe('rhythm warnings', () => {
  it('warns when week 5 starts for a 4–6-week table', () => {
    const lastHeld = atAmsterdamTime('2027-01-12', '14:00');
    const occ = planNext({ rule: { kind: 'window', minWeeks: 4, maxWeeks: 6 }, time: '14:00', now: new Date('2027-01-13T10:00:00Z'), lastHeld, calendar: {} })!;
    expect(occ.windowStart).toBe('2027-02-09');
    expect(local(warnMoment({ kind: 'window', minWeeks: 4, maxWeeks: 6 }, occ, {})!)).toBe('09-02-2027, 09:00');
  });

  it('warns on 1 May for the yearly June/July table (or the first working day after it)', () => {
    const rule = { kind: 'yearlyInMonths' as const, months: [6, 7] };
    const occ = planNext({ rule, time: '19:30', now: NOW, lastHeld: null, calendar: {} })!;
    expect(occ.windowStart.startsWith('2027-06')).toBe(true);
    // 1 May 2027 is a Saturday: Monday 3 May.
    expect(local(warnMoment(rule, occ, {})!)).toBe('03-05-2027, 09:00');
  });
});

describe('rhythm', () => {
  const upcoming = (iso: string, confirmed: boolean, windowStart: string | null, windowEnd: string | null) => ({ startsAt: new Date(iso), confirmed, windowStart, windowEnd });

  it('is on track with a confirmed date in the window, needs a date once the warning moment passed, and is behind once the window passed', () => {
    expect(rhythmOf({ paused: false, upcoming: upcoming('2027-02-10T13:00:00Z', true, '2027-02-09', '2027-02-23'), warnAt: null, now: NOW })).toBe('onTrack');
    expect(rhythmOf({ paused: false, upcoming: upcoming('2027-02-10T13:00:00Z', false, '2027-02-09', '2027-02-23'), warnAt: new Date('2027-02-09T08:00:00Z'), now: new Date('2027-02-10T08:00:00Z') })).toBe('needsDate');
    expect(rhythmOf({ paused: false, upcoming: upcoming('2027-03-01T13:00:00Z', false, '2027-02-09', '2027-02-23'), warnAt: null, now: new Date('2027-02-24T08:00:00Z') })).toBe('overdue');
    expect(rhythmOf({ paused: true, upcoming: null, warnAt: null, now: NOW })).toBe('paused');
  });
});

describe('default tables', () => {
  it('has the six tables of seed 001 and the school-level ones, the quality officer at the board tables, and two prep days only for the two-weekly table', () => {
    const seed001 = ['staff', 'boardDirectors', 'directorQuality', 'supervisoryBoard', 'boardQuality', 'qualityTeam'];
    expect(TABLE_DEFAULTS.slice(0, 6).map((d) => d.kind)).toEqual(seed001);
    for (const d of TABLE_DEFAULTS.slice(0, 6)) expect(d.members.some((m) => m.kind === 'role' && m.role === 'kwaliteitsmedewerker')).toBe(true);
    // Director + quality officer is one table per school; the other five are the board's.
    expect(TABLE_DEFAULTS.slice(0, 6).filter((d) => d.level === 'school').map((d) => d.kind)).toEqual(['directorQuality']);
    expect(TABLE_DEFAULTS.filter((d) => d.prepDays === 2).map((d) => d.kind)).toEqual(['boardQuality']);
    expect(TABLE_DEFAULTS.find((d) => d.kind === 'supervisoryBoard')!.rule).toEqual({ kind: 'yearlyInMonths', months: [6, 7] });
  });

  it('sends the follow-up when the meeting is over', () => {
    expect(followUpMoment(new Date('2027-01-19T08:00:00Z'), 90).toISOString()).toBe('2027-01-19T09:30:00.000Z');
  });
});
