// The survey domain's pure rules, with fixed inputs: answers as cards send them, question lists,
// eNPS, the segment rule, when the next round of a repeating survey opens.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { checkQuestions, enps, materialise, nextRoundAt, parseAnswers, parseEmailList, segmentMayBeStored, type Question } from '../../src/surveys/model.js';
import { SURVEY_TEMPLATES } from '../../src/surveys/templates.js';

const Q: Question[] = [
  { id: 'q1', kind: 'likert', text: 'Stelling', required: true },
  { id: 'q2', kind: 'yesno', text: 'Ja of nee?', required: true },
  { id: 'q3', kind: 'scale10', text: 'Hoe waarschijnlijk?', required: true },
  { id: 'q4', kind: 'choice', text: 'Welke?', required: true, multiple: true, options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }, { id: 'c', label: 'C' }] },
  { id: 'q5', kind: 'open', text: 'Nog iets?', required: false },
];

describe('answers as a card sends them', () => {
  it('takes valid answers as numbers, option ids and text, and leaves an empty optional question out', () => {
    expect(parseAnswers(Q, { a_q1: '4', a_q2: '0', a_q3: '10', a_q4: 'c,a', a_q5: '  ', extra: 'ignored' })).toEqual({ ok: true, answers: { q1: 4, q2: 0, q3: 10, q4: ['c', 'a'] } });
  });

  it('names each problem under its question and keeps what was given', () => {
    const r = parseAnswers(Q, { a_q1: '6', a_q2: '', a_q3: '-1', a_q4: 'a,z', a_q5: 'x'.repeat(1_001) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.questionId)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
    expect(r.errors[1]!.message.nl).toBe('Deze vraag is verplicht.');
    expect(r.given.a_q1).toBe('6');
    expect(r.given.a_q4).toBe('a,z');
  });

  it('refuses a repeated option and two options for a single choice', () => {
    const single: Question[] = [{ ...Q[3]!, multiple: false }];
    expect(parseAnswers(single, { a_q4: 'a,b' }).ok).toBe(false);
    expect(parseAnswers([Q[3]!], { a_q4: 'a,a' }).ok).toBe(false);
  });

  it('never accepts a value outside the range of a question, whatever is sent', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (raw) => {
        const r = parseAnswers([Q[0]!], { a_q1: raw });
        if (r.ok) expect([1, 2, 3, 4, 5]).toContain(r.answers.q1);
      }),
    );
  });
});

describe('address lists', () => {
  it('finds the addresses in a column, a CSV with names, or one line with several; names the rows without one', () => {
    const csv = 'Naam;E-mail\nAnna;Anna@School.nl\nBram;bram@school.nl, cor@school.nl\nDewi;\n\nanna@school.nl';
    expect(parseEmailList(csv)).toEqual({ emails: ['anna@school.nl', 'bram@school.nl', 'cor@school.nl'], invalid: ['Dewi;'] });
  });
});

describe('question lists', () => {
  it('holds a pulse to 10 questions and one open question; a self-evaluation to 20', () => {
    const many = (n: number, kind: Question['kind'] = 'likert'): Question[] => Array.from({ length: n }, (_, i) => ({ id: `q${i + 1}`, kind, text: `Vraag ${i + 1}`, required: true }));
    expect(checkQuestions('pulse', many(10))).toEqual([]);
    expect(checkQuestions('pulse', many(11))).toHaveLength(1);
    expect(checkQuestions('pulse', many(2, 'open'))).toHaveLength(1);
    expect(checkQuestions('selfEvaluation', many(20))).toEqual([]);
    expect(checkQuestions('selfEvaluation', many(21))).toHaveLength(1);
    expect(checkQuestions('pulse', [])).toHaveLength(1);
  });

  it('makes every built-in template a valid survey in both languages', () => {
    for (const t of SURVEY_TEMPLATES) for (const l of ['nl', 'en'] as const) expect(checkQuestions(t.kind, materialise(t.questions, l))).toEqual([]);
  });
});

describe('figures and segments', () => {
  it('computes eNPS as promoters minus detractors', () => {
    expect(enps(new Map([[10, 5], [8, 3], [3, 2]]))).toBe(30);
    expect(enps(new Map())).toBeNull();
  });

  it('stores a segment label only when that many people were sent the survey in it', () => {
    expect(segmentMayBeStored(4, 5)).toBe(false);
    expect(segmentMayBeStored(5, 5)).toBe(true);
  });
});

describe('the next round of a repeating survey', () => {
  const zone = 'Europe/Amsterdam';
  const addWeeks = (d: Date, weeks: number) => DateTime.fromJSDate(d, { zone }).plus({ weeks }).toJSDate();
  const at8 = (date: string) => DateTime.fromISO(`${date}T08:00`, { zone }).toJSDate();

  it('opens N weeks after this round at the same wall-clock time, across a clock change', () => {
    const opened = at8('2027-03-15'); // the clock goes forward on 28 March
    const next = nextRoundAt({ everyWeeks: 4 }, opened, opened, at8, addWeeks)!;
    expect(DateTime.fromJSDate(next, { zone }).toFormat('yyyy-MM-dd HH:mm')).toBe('2027-04-12 08:00');
  });

  it('skips rounds that would already have passed', () => {
    const opened = at8('2027-01-04');
    const next = nextRoundAt({ everyWeeks: 2 }, opened, at8('2027-02-10'), at8, addWeeks)!;
    expect(DateTime.fromJSDate(next, { zone }).toISODate()).toBe('2027-02-15');
  });

  it('takes the next set date, and ends the series after the last', () => {
    const r = { dates: ['2027-06-01', '2027-03-01'] };
    expect(DateTime.fromJSDate(nextRoundAt(r, at8('2027-01-10'), at8('2027-01-20'), at8, addWeeks)!, { zone }).toISODate()).toBe('2027-03-01');
    expect(nextRoundAt(r, at8('2027-01-10'), at8('2027-07-01'), at8, addWeeks)).toBeNull();
  });
});
