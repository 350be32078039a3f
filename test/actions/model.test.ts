// The rules of improvement actions with a fixed `today`: when an action is due soon or overdue, which
// reminder goes out, in what order the list shows them, who may do what, and what the forms accept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  canCancelAction,
  canCreateManual,
  canEditAction,
  canSeeAction,
  checkEvaluation,
  checkForm,
  dueSoonHorizon,
  reminderFor,
  sortOpen,
  toDueState,
  toSource,
  visibility,
  weekday,
  type ActionStatus,
  type Grant,
  type ReminderKind,
} from '../../src/actions/model.js';

// 2027-03-05 is a Friday; 2027-03-03 a Wednesday.
const FRIDAY = '2027-03-05';
const WEDNESDAY = '2027-03-03';
const open = (dueDate: string, status: ActionStatus = 'open') => ({ dueDate, status });

describe('due soon and overdue', () => {
  it('knows its calendar', () => {
    expect(weekday(FRIDAY)).toBe(5);
    expect(weekday(WEDNESDAY)).toBe(3);
  });

  it.each([
    [FRIDAY, '2027-03-04', 'overdue'],
    [FRIDAY, '2027-02-01', 'overdue'],
    [FRIDAY, FRIDAY, 'today'],
    [FRIDAY, '2027-03-06', 'soon'], // Saturday: no working day in between
    [FRIDAY, '2027-03-08', 'soon'], // Monday: 1 working day
    [FRIDAY, '2027-03-10', 'soon'], // Wednesday: Monday, Tuesday, Wednesday
    [FRIDAY, '2027-03-11', 'later'], // Thursday: 4 working days
    [WEDNESDAY, '2027-03-08', 'soon'], // Thursday, Friday, Monday
    [WEDNESDAY, '2027-03-09', 'later'], // a fourth working day
    [WEDNESDAY, '2027-03-07', 'soon'], // Sunday after Thursday and Friday
  ] as const)('today %s, due %s: %s', (today, due, state) => {
    expect(toDueState(open(due), today)).toBe(state);
  });

  it('says nothing about the due date of an action that is done or cancelled', () => {
    expect(toDueState(open('2027-01-01', 'done'), FRIDAY)).toBe('none');
    expect(toDueState(open('2027-03-08', 'cancelled'), FRIDAY)).toBe('none');
  });

  it('looks far enough ahead for every action that is due soon (the reminder job reads up to this date)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 30 }), (start, offset) => {
        const today = addDays('2025-01-01', start);
        const due = addDays(today, offset);
        const state = toDueState(open(due), today);
        if (state === 'soon' || state === 'today') expect(due <= dueSoonHorizon(today)).toBe(true);
        // "soon" never skips a working day: a later due date is never sooner.
        if (state === 'later') expect(toDueState(open(addDays(due, 1)), today)).toBe('later');
      }),
    );
  });
});

describe('reminders', () => {
  const base = { status: 'open' as const, remindedDueSoonOn: null, remindedOverdueOn: null };

  it.each([
    ['due on Monday, not reminded yet', { ...base, dueDate: '2027-03-08' }, 'dueSoon'],
    ['due today, not reminded yet', { ...base, dueDate: FRIDAY }, 'dueSoon'],
    ['due on Monday, reminded on Wednesday', { ...base, dueDate: '2027-03-08', remindedDueSoonOn: WEDNESDAY }, null],
    ['due in two weeks', { ...base, dueDate: '2027-03-19' }, null],
    ['overdue, never reminded', { ...base, dueDate: '2027-03-01' }, 'overdue'],
    ['overdue, reminded yesterday', { ...base, dueDate: '2027-03-01', remindedOverdueOn: '2027-03-04' }, 'overdue'],
    ['overdue, reminded today', { ...base, dueDate: '2027-03-01', remindedOverdueOn: FRIDAY }, null],
    ['overdue but done', { ...base, dueDate: '2027-03-01', status: 'done' as const }, null],
    ['overdue but cancelled', { ...base, dueDate: '2027-03-01', status: 'cancelled' as const }, null],
  ])('%s: %s', (_name, action, kind) => {
    expect(reminderFor(action, FRIDAY)).toBe(kind);
  });

  it('reminds once before the due date and once every working day after it, until it is done', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 1, max: 30 }), (start, doneAfter) => {
        const dueDate = addDays('2025-01-06', start);
        const a = { ...base, dueDate, status: 'open' as ActionStatus, remindedDueSoonOn: null as string | null, remindedOverdueOn: null as string | null };
        const sent: { day: string; kind: ReminderKind }[] = [];
        // The job runs every working day (twice on some, as a retried job would).
        for (let i = -15; i <= doneAfter; i++) {
          const day = addDays(dueDate, i);
          if (weekday(day) === 0 || weekday(day) === 6) continue;
          for (const _run of [1, 2]) {
            const kind = reminderFor(a, day);
            if (!kind) continue;
            sent.push({ day, kind });
            if (kind === 'dueSoon') a.remindedDueSoonOn = day;
            else a.remindedOverdueOn = day;
          }
        }
        a.status = 'done';
        expect(reminderFor(a, addDays(dueDate, doneAfter + 1))).toBeNull();
        expect(sent.filter((s) => s.kind === 'dueSoon')).toHaveLength(1);
        const overdueDays = sent.filter((s) => s.kind === 'overdue').map((s) => s.day);
        const workingDaysAfter = Array.from({ length: doneAfter }, (_, i) => addDays(dueDate, i + 1)).filter((d) => weekday(d) !== 0 && weekday(d) !== 6);
        expect(overdueDays).toEqual(workingDaysAfter);
      }),
    );
  });
});

describe('the list order', () => {
  it('puts overdue actions first, then by due date, then the oldest', () => {
    const list = [
      { id: 5, dueDate: '2027-03-20' },
      { id: 4, dueDate: '2027-03-01' },
      { id: 3, dueDate: FRIDAY },
      { id: 2, dueDate: '2027-02-10' },
      { id: 1, dueDate: '2027-03-20' },
    ];
    expect(sortOpen(list, FRIDAY).map((a) => a.id)).toEqual([2, 4, 3, 1, 5]);
  });
});

describe('who may do what', () => {
  const ME = 'me';
  const g = (role: string, schoolId: number | null = null): Grant => ({ role, schoolId });
  const action = { ownerAad: 'olga', createdBy: 'karin', schoolId: 1 };

  it.each([
    ['the owner', 'olga', [], { see: true, edit: true, cancel: false }],
    ['the creator', 'karin', [], { see: true, edit: true, cancel: true }],
    ['a tenant-wide kwaliteitsmedewerker', ME, [g('kwaliteitsmedewerker')], { see: true, edit: true, cancel: true }],
    ['a tenant-wide beheerder', ME, [g('beheerder')], { see: true, edit: true, cancel: true }],
    ['a kwaliteitsmedewerker of one school', ME, [g('kwaliteitsmedewerker', 1)], { see: false, edit: false, cancel: false }],
    ['a tenant-wide bestuurder', ME, [g('bestuurder')], { see: true, edit: false, cancel: false }],
    ["the directeur of its school", ME, [g('directeur', 1)], { see: true, edit: false, cancel: false }],
    ['the directeur of another school', ME, [g('directeur', 2)], { see: false, edit: false, cancel: false }],
    ['a medewerker', ME, [g('medewerker', 1)], { see: false, edit: false, cancel: false }],
    ['someone without a role', ME, [], { see: false, edit: false, cancel: false }],
  ] as const)('%s', (_name, aad, grants, may) => {
    expect({ see: canSeeAction(grants, aad, action), edit: canEditAction(grants, aad, action), cancel: canCancelAction(grants, aad, action) }).toEqual(may);
  });

  it('lets tenant-wide roles type in actions for the board or a school, and a directeur only for their own school', () => {
    expect(canCreateManual([g('bestuurder')], null)).toBe(true);
    expect(canCreateManual([g('kwaliteitsmedewerker')], 2)).toBe(true);
    expect(canCreateManual([g('directeur', 1)], 1)).toBe(true);
    expect(canCreateManual([g('directeur', 1)], 2)).toBe(false);
    expect(canCreateManual([g('directeur', 1)], null)).toBe(false);
    expect(canCreateManual([g('medewerker')], null)).toBe(false);
    expect(canCreateManual([], null)).toBe(false);
  });

  it('shows a directeur the open actions of their schools, and tenant-wide readers all of them', () => {
    expect(visibility([g('directeur', 1), g('directeur', 3), g('medewerker', 2)])).toEqual({ all: false, schoolIds: [1, 3] });
    expect(visibility([g('bestuurder')])).toEqual({ all: true, schoolIds: [] });
    expect(visibility([])).toEqual({ all: false, schoolIds: [] });
  });
});

describe('the form', () => {
  it('accepts what, explanation and a due date today or later, tidied', () => {
    expect(checkForm({ title: '  Vaste   voorbereidingstijd ', description: ' Eén uur per week.\r\n', dueDate: FRIDAY }, FRIDAY)).toEqual({
      ok: true,
      value: { title: 'Vaste voorbereidingstijd', description: 'Eén uur per week.', dueDate: FRIDAY },
    });
  });

  it.each([
    ['no title', { title: '   ', dueDate: '2027-04-01' }, 'Beschrijf kort'],
    ['a title of 201 characters', { title: 'x'.repeat(201), dueDate: '2027-04-01' }, 'Beschrijf kort'],
    ['an explanation of 1001 characters', { title: 'a', description: 'x'.repeat(1001), dueDate: '2027-04-01' }, 'hoogstens 1000'],
    ['no due date', { title: 'a' }, 'Kies een datum'],
    ['a date that does not exist', { title: 'a', dueDate: '2027-02-29' }, 'Kies een datum'],
    ['a date that has passed', { title: 'a', dueDate: '2027-03-04' }, 'in het verleden'],
  ])('refuses %s, saying why in Dutch and English', (_name, input, nl) => {
    const r = checkForm(input, FRIDAY);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.nl).join(' ')).toContain(nl);
      for (const p of r.problems) expect(p.en.length).toBeGreaterThan(10);
    }
  });

  it('lets an overdue action keep its due date when something else changes', () => {
    expect(checkForm({ title: 'a', dueDate: '2027-03-01' }, FRIDAY, '2027-03-01').ok).toBe(true);
    expect(checkForm({ title: 'a', dueDate: '2027-02-28' }, FRIDAY, '2027-03-01').ok).toBe(false);
  });

  it('needs both parts of the evaluation', () => {
    expect(checkEvaluation({ worked: 'partly', keep: ' De vaste tijd blijft in het rooster. ' })).toEqual({ ok: true, value: { worked: 'partly', keep: 'De vaste tijd blijft in het rooster.' } });
    const none = checkEvaluation({});
    expect(none.ok ? [] : none.problems.map((p) => p.nl)).toEqual(['Geef aan of de actie werkte: ja, deels of nee.', 'Schrijf op wat we vasthouden, ook als dat weinig is.']);
    expect(checkEvaluation({ worked: 'maybe', keep: 'x' }).ok).toBe(false);
    expect(checkEvaluation({ worked: 'yes', keep: 'x'.repeat(1001) }).ok).toBe(false);
  });
});

describe('stored sources', () => {
  it('reads a survey source back, and anything unknown as typed in', () => {
    const survey = { kind: 'survey', surveyId: 12, questionId: 'q3', questionText: 'Vraag', surveyTitle: 'Werkdruk najaar', standard: 'BKA2' };
    expect(toSource(survey)).toEqual(survey);
    expect(toSource({ ...survey, standard: '<b>' })).toEqual({ ...survey, standard: null });
    expect(toSource({ kind: 'meeting', meetingTitle: 'Bestuur en kwaliteit', meetingDate: '2027-03-01' })).toEqual({ kind: 'meeting', meetingTitle: 'Bestuur en kwaliteit', meetingDate: '2027-03-01' });
    expect(toSource({ kind: 'other' })).toEqual({ kind: 'manual' });
    expect(toSource(null)).toEqual({ kind: 'manual' });
  });
});
