import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  canEditChecklist,
  canSetStepStatus,
  canTakeStep,
  defaultDueDates,
  isComplete,
  parseEvidenceUrl,
  parseIsoDate,
  toDueDate,
  toDueState,
  toProgress,
  toWorkingDay,
  weekday,
} from '../../src/checklists/model.js';
import { BUILT_IN_TEMPLATES, INSPECTION } from '../../src/checklists/templates.js';

describe('due dates', () => {
  it('puts "collect data" of the inspection checklist four weeks before the start of the investigation', () => {
    const dues = defaultDueDates(INSPECTION, '2027-03-09'); // a Tuesday
    expect(dues[2]).toBe('2027-02-09');
  });

  it('counts "during" steps from the start, never past the end, and "after" steps from the end', () => {
    const dues = defaultDueDates(INSPECTION, { start: '2027-03-09', end: '2027-03-10', investigationType: 'bestuur' });
    expect(dues[3]).toBe('2027-03-10'); // a week after the start, but the investigation ended the day after it started
    expect(dues[7]).toBe('2027-03-10'); // notes: by the end of the visit
    expect(dues[10]).toBe('2027-04-14'); // the draft report: five weeks after the end
  });

  it('moves a due date in a weekend back to the Friday before', () => {
    expect(toWorkingDay('2027-03-06')).toBe('2027-03-05'); // Saturday
    expect(toWorkingDay('2027-03-07')).toBe('2027-03-05'); // Sunday
    expect(toWorkingDay('2027-03-08')).toBe('2027-03-08'); // Monday
  });

  it('moves a due date in a holiday to the first working day after it, by the school calendar', () => {
    expect(toDueDate('2027-04-27')).toBe('2027-04-28'); // Koningsdag
    expect(toDueDate('2027-10-26')).toBe('2027-10-26'); // no region: a school day
    expect(toDueDate('2027-10-26', { region: 'zuid' })).toBe('2027-11-01'); // zuid's herfstvakantie, 23–31 October
    expect(toDueDate('2027-10-26', { region: 'noord' })).toBe('2027-10-26'); // noord's ended on the 24th
    expect(toDueDate('2027-03-12', { ownHolidays: [{ name: 'Studiedag', first: '2027-03-12', last: '2027-03-12' }] })).toBe('2027-03-15');
    expect(toDueDate('2027-03-06', { region: 'zuid' })).toBe('2027-03-05'); // an ordinary weekend: the Friday before
    expect(defaultDueDates(INSPECTION, '2027-11-30', { region: 'zuid' })[1]).toBe('2027-11-01'); // step 2, five weeks before the start
  });

  it('gives no due dates without a target date', () => {
    expect(defaultDueDates(INSPECTION, null).every((d) => d === null)).toBe(true);
  });

  it('never lands on a weekend and never moves more than two days earlier (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2001-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const w = toWorkingDay(iso);
        expect([0, 6]).not.toContain(weekday(w));
        expect(w <= iso && w >= addDays(iso, -2)).toBe(true);
      }),
    );
  });

  it('calls a step due within two working days "soon", and one in the past "overdue"', () => {
    // Thursday 2027-03-04: Monday the 8th is two working days away.
    expect(toDueState('2027-03-08', 'open', '2027-03-04')).toBe('soon');
    expect(toDueState('2027-03-09', 'open', '2027-03-04')).toBe('later');
    expect(toDueState('2027-03-04', 'bezig', '2027-03-04')).toBe('today');
    expect(toDueState('2027-03-03', 'open', '2027-03-04')).toBe('overdue');
    expect(toDueState('2027-03-03', 'klaar', '2027-03-04')).toBe('none');
  });
});

describe('progress', () => {
  it('counts done, not applicable and open apart, and the percentage of the steps that apply', () => {
    expect(toProgress(['klaar', 'nvt', 'bezig', 'open'])).toEqual({ done: 1, notApplicable: 1, open: 2, total: 4, percent: 33 });
    expect(toProgress(['nvt', 'nvt'])).toEqual({ done: 0, notApplicable: 2, open: 0, total: 2, percent: 100 });
  });

  it('is complete only when every step is done or not applicable', () => {
    expect(isComplete(['klaar', 'nvt'])).toBe(true);
    expect(isComplete(['klaar', 'bezig'])).toBe(false);
    expect(isComplete([])).toBe(false);
  });
});

describe('who may do what', () => {
  const school = 7;
  it('lets a kwaliteitsmedewerker and a beheerder edit any checklist', () => {
    expect(canEditChecklist([{ role: 'kwaliteitsmedewerker', schoolId: null }], school)).toBe(true);
    expect(canEditChecklist([{ role: 'beheerder', schoolId: null }], null)).toBe(true);
  });

  it("lets a directeur edit their own school's checklist only", () => {
    expect(canEditChecklist([{ role: 'directeur', schoolId: school }], school)).toBe(true);
    expect(canEditChecklist([{ role: 'directeur', schoolId: school }], 8)).toBe(false);
    expect(canEditChecklist([{ role: 'directeur', schoolId: school }], null)).toBe(false);
  });

  it('lets a medewerker set the status of a step they own, and nothing else', () => {
    const g = [{ role: 'medewerker', schoolId: null }];
    expect(canSetStepStatus(g, null, 'me', 'me')).toBe(true);
    expect(canSetStepStatus(g, null, 'someone-else', 'me')).toBe(false);
    expect(canEditChecklist(g, null)).toBe(false);
  });

  it('lets anyone volunteer for a step nobody owns, but not take over an owned one', () => {
    expect(canTakeStep([], null, null)).toBe(true);
    expect(canTakeStep([], null, 'owner')).toBe(false);
    expect(canTakeStep([{ role: 'kwaliteitsmedewerker', schoolId: null }], null, 'owner')).toBe(true);
  });
});

describe('input', () => {
  it('accepts only real calendar dates', () => {
    expect(parseIsoDate('2027-02-28')).toBe('2027-02-28');
    expect(parseIsoDate('2027-02-30')).toBeNull();
    expect(parseIsoDate('9-3-2027')).toBeNull();
  });

  it('accepts https evidence links and refuses other schemes', () => {
    expect(parseEvidenceUrl('https://contoso.sharepoint.com/sites/k/a.docx')).toBe('https://contoso.sharepoint.com/sites/k/a.docx');
    expect(parseEvidenceUrl('javascript:alert(1)')).toBeNull();
    expect(parseEvidenceUrl('http://example.org/x')).toBeNull();
    expect(parseEvidenceUrl('')).toBe('');
  });
});

describe('built-in templates', () => {
  it('have the ten steps of the sources (the inspection: and the response to the draft report), with titles and guidance in Dutch and English', () => {
    for (const t of BUILT_IN_TEMPLATES) {
      if (!t.followUpOnly) expect(t.steps).toHaveLength(t.key === 'inspection' ? 11 : 10);
      for (const s of t.steps) for (const text of [s.title.nl, s.title.en, s.guidance.nl, s.guidance.en]) expect(text.length).toBeGreaterThan(3);
      expect(new Set(t.steps.map((s) => s.key)).size).toBe(t.steps.length);
    }
  });
});
