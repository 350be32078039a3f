// The results of a survey as computed from counts: figures, changes, the perspective table, and above
// all the threshold rules that keep anonymous answers anonymous.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enps, type Question } from '../../src/surveys/model.js';
import { computeResults, crossTableSafe, suppress, type AnswerCount, type ResultInput, type ResultSummary, type SegmentCount, type SegmentResult } from '../../src/surveys/results.js';

const likert = (id: string, extra: Partial<Question> = {}): Question => ({ id, kind: 'likert', text: `Stelling ${id}`, required: true, ...extra });
const yesno = (id: string): Question => ({ id, kind: 'yesno', text: `Vraag ${id}`, required: true });
const scale10 = (id: string): Question => ({ id, kind: 'scale10', text: `Hoe waarschijnlijk ${id}`, required: true });
const choice = (id: string, n: number, multiple = false, required = true): Question => ({
  id,
  kind: 'choice',
  text: `Keuze ${id}`,
  required,
  multiple,
  options: Array.from({ length: n }, (_, i) => ({ id: String.fromCharCode(97 + i), label: `Optie ${i}` })),
});
const open = (id: string): Question => ({ id, kind: 'open', text: `Open ${id}`, required: false });

const SCHOOLS = new Map([
  [1, 'De Regenboog'],
  [2, 'Het Baken'],
  [3, 'De Horizon'],
  [4, 'Sint Jozef'],
]);

/** Every respondent of a segment gives `value` to q1 (likert): counts that add up, per segment. */
function input(responses: SegmentCount[], extra: Partial<ResultInput> = {}): ResultInput {
  return {
    questions: [likert('q1')],
    kind: 'pulse',
    anonymous: true,
    minGroupSize: 5,
    byPerspective: false,
    recipients: 100,
    responses,
    counts: responses.map((r) => ({ questionId: 'q1', value: 4, school: r.school, perspective: r.perspective, n: r.n })),
    texts: [],
    schoolNames: SCHOOLS,
    ...extra,
  };
}
const seg = (school: number | null, n: number, perspective: string | null = null): SegmentCount => ({ school, perspective, n });

function schools(summary: ResultSummary) {
  return summary.dimensions.find((d) => d.dimension === 'school');
}
const byKey = (segments: SegmentResult[] | undefined, key: string) => segments?.find((s) => s.key === key);

describe('threshold: a group below the minimum group size', () => {
  it('hides a school of 4 when the minimum is 5, and says why', () => {
    const s = computeResults(input([seg(1, 12), seg(2, 9), seg(3, 4), seg(4, 3)]));
    const d = schools(s)!;
    expect(byKey(d.segments, '3')).toEqual({ dimension: 'school', key: '3', name: 'De Horizon', shown: false, reason: 'groupBelowThreshold' });
    expect(byKey(d.segments, '4')).toMatchObject({ shown: false, reason: 'groupBelowThreshold' });
    // The two hidden schools together have 7 ≥ 5 respondents: the others can be shown.
    expect(byKey(d.segments, '1')).toMatchObject({ shown: true, respondents: 12 });
    expect(byKey(d.segments, '2')).toMatchObject({ shown: true, respondents: 9 });
    expect(d.hiddenRespondents).toBe(7);
  });

  it('hides the school of 12 too when the other school has 4 (12 + 4 = the total, so the 4 would follow by subtraction)', () => {
    const s = computeResults(input([seg(1, 12), seg(2, 4)]));
    expect(s.hidden).toBeNull();
    expect(s.questions[0]!.answered).toBe(16);
    const d = schools(s)!;
    expect(d.shown).toBe(false);
    expect(d.reason).toBe('protectsSmallerGroup');
    expect(byKey(d.segments, '1')).toMatchObject({ shown: false, reason: 'protectsSmallerGroup' });
    expect(byKey(d.segments, '2')).toMatchObject({ shown: false, reason: 'groupBelowThreshold' });
    expect(JSON.stringify(d)).not.toMatch(/"respondents"|"mean"|"distribution"/);
  });

  it('hides the next-smallest school, not the largest, and only as many as needed', () => {
    const s = computeResults(input([seg(1, 30), seg(2, 6), seg(3, 8), seg(4, 2)]));
    const d = schools(s)!;
    expect(byKey(d.segments, '2')).toMatchObject({ shown: false, reason: 'protectsSmallerGroup' });
    expect(byKey(d.segments, '3')).toMatchObject({ shown: true });
    expect(byKey(d.segments, '1')).toMatchObject({ shown: true });
    expect(d.hiddenRespondents).toBe(8);
  });

  it('counts respondents without a stored school as one hidden group', () => {
    const small = schools(computeResults(input([seg(1, 12), seg(2, 10), seg(null, 3)])))!;
    expect(small.notStored).toBe(true);
    expect(byKey(small.segments, '2')).toMatchObject({ shown: false, reason: 'protectsSmallerGroup' });
    expect(byKey(small.segments, '1')).toMatchObject({ shown: true, respondents: 12 });
    expect(small.hiddenRespondents).toBe(13);

    const large = schools(computeResults(input([seg(1, 12), seg(2, 10), seg(null, 6)])))!;
    expect(large.segments.every((x) => x.shown)).toBe(true);
    expect(large.hiddenRespondents).toBe(6);
  });

  it('shows nothing but the response count when the whole survey is below the minimum', () => {
    const s = computeResults(input([seg(1, 2), seg(2, 2)], { questions: [likert('q1'), open('q2')], texts: [{ questionId: 'q2', text: 'Meer tijd' }] }));
    expect(s).toEqual({
      kind: 'pulse',
      anonymous: true,
      minGroupSize: 5,
      recipients: 100,
      respondents: 4,
      responseRate: 4,
      hidden: 'surveyBelowThreshold',
      questions: [],
      dimensions: [],
      perspectiveTable: null,
    });
  });

  it('shows open answers once the whole survey reaches the minimum, sorted alphabetically', () => {
    const texts = ['werkdruk', 'Agenda', 'meer overleg', 'Zorg', 'beter plannen'].map((text) => ({ questionId: 'q2', text: ` ${text} ` }));
    const s = computeResults(input([seg(1, 5)], { questions: [likert('q1'), open('q2')], texts }));
    expect(s.questions[1]!.openTexts).toEqual(['Agenda', 'beter plannen', 'meer overleg', 'werkdruk', 'Zorg']);
    expect(s.questions[1]!.answered).toBe(5);
  });

  it('applies no threshold to a survey that is not anonymous, and keeps it to totals', () => {
    const s = computeResults(input([seg(2, 1), seg(3, 2)], { anonymous: false, questions: [likert('q1'), open('q2')], texts: [{ questionId: 'q2', text: 'Prima' }] }));
    expect(s.hidden).toBeNull();
    // Shown, in the order of the schools' names (De Horizon, Het Baken).
    expect(schools(s)!.segments.map((x) => [x.key, x.shown])).toEqual([
      ['3', true],
      ['2', true],
    ]);
    expect(s.questions[1]!.openTexts).toEqual(['Prima']);
  });

  it('does not split by school when one school holds every respondent (that is the total again)', () => {
    expect(schools(computeResults(input([seg(3, 20)])))).toBeUndefined();
  });

  it('shows the response rate of shown segments from their recipients, never of hidden ones', () => {
    const s = computeResults(input([seg(1, 12), seg(2, 9), seg(3, 4), seg(4, 3)], { recipientsBySegment: [seg(1, 20), seg(2, 10), seg(3, 4), seg(4, 8)] }));
    const d = schools(s)!;
    expect(byKey(d.segments, '1')).toMatchObject({ responseRate: 60 });
    expect(byKey(d.segments, '2')).toMatchObject({ responseRate: 90 });
    expect(JSON.stringify(byKey(d.segments, '3'))).not.toContain('responseRate');
  });
});

describe('two dimensions at once (schools and perspectives)', () => {
  it('drops the schools when a school minus a perspective would single out a small group', () => {
    // School 1: 10 schoolleiding + 3 kwaliteit. Perspective schoolleiding: 10 (all in school 1).
    // School 1 (13) minus schoolleiding (10) would be the 3 quality officers of school 1.
    const responses = [seg(1, 10, 'schoolleiding'), seg(1, 3, 'kwaliteit'), seg(2, 6, 'kwaliteit'), seg(null, 8, 'bestuur')];
    const s = computeResults(input(responses, { byPerspective: true }));
    const d = schools(s)!;
    expect(d.shown).toBe(false);
    expect(d.reason).toBe('protectsSmallerGroup');
    expect(s.dimensions.find((x) => x.dimension === 'perspective')!.shown).toBe(true);
  });

  it('keeps both when every cell of the school × perspective table is large enough', () => {
    const responses = [seg(1, 10, 'schoolleiding'), seg(1, 6, 'kwaliteit'), seg(2, 6, 'kwaliteit'), seg(2, 7, 'schoolleiding')];
    const s = computeResults(input(responses, { byPerspective: true }));
    expect(s.dimensions.map((d) => [d.dimension, d.shown])).toEqual([
      ['school', true],
      ['perspective', true],
    ]);
    expect(crossTableSafe(responses, new Set(['1', '2']), new Set(['kwaliteit', 'schoolleiding']), 5)).toBe(true);
  });
});

describe('figures', () => {
  it('gives exact distributions, percentages and the mean of a likert question', () => {
    const counts: AnswerCount[] = [
      { questionId: 'q1', value: 1, school: null, perspective: null, n: 1 },
      { questionId: 'q1', value: 4, school: null, perspective: null, n: 5 },
      { questionId: 'q1', value: 5, school: null, perspective: null, n: 2 },
      // An impossible value is ignored rather than counted.
      { questionId: 'q1', value: 7, school: null, perspective: null, n: 3 },
    ];
    const q = computeResults({ ...input([seg(null, 8)]), counts }).questions[0]!;
    expect(q.answered).toBe(8);
    expect(q.distribution).toEqual([
      { value: 1, count: 1, percent: 12.5 },
      { value: 2, count: 0, percent: 0 },
      { value: 3, count: 0, percent: 0 },
      { value: 4, count: 5, percent: 62.5 },
      { value: 5, count: 2, percent: 25 },
    ]);
    expect(q.mean).toBe((1 + 20 + 10) / 8);
    expect(q.enps).toBeNull();
  });

  it('gives the eNPS of a 0–10 question: % promoters (9–10) minus % detractors (0–6)', () => {
    const counts = [
      [10, 2],
      [9, 1],
      [8, 1],
      [7, 1],
      [6, 3],
      [0, 2],
    ].map(([value, n]) => ({ questionId: 'q1', value: value!, school: null, perspective: null, n: n! }));
    const q = computeResults({ ...input([seg(null, 10)]), questions: [scale10('q1')], counts }).questions[0]!;
    expect(q.enps).toBe(-20);
    expect(q.mean).toBeCloseTo((20 + 9 + 8 + 7 + 18 + 0) / 10, 12);
    expect(q.distribution.map((d) => d.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('gives yes % for yes/no, and a multiple choice in % of respondents', () => {
    const counts: AnswerCount[] = [
      { questionId: 'q1', value: 1, school: null, perspective: null, n: 3 },
      { questionId: 'q1', value: 0, school: null, perspective: null, n: 1 },
      { questionId: 'q2', value: 0, school: null, perspective: null, n: 4 },
      { questionId: 'q2', value: 2, school: null, perspective: null, n: 2 },
    ];
    const [yn, multi] = computeResults({ ...input([seg(null, 5)]), questions: [yesno('q1'), choice('q2', 3, true, false)], counts }).questions;
    expect(yn!.yesPercent).toBe(75);
    expect(yn!.distribution.map((d) => d.value)).toEqual([1, 0]);
    expect(multi!.answered).toBeNull();
    expect(multi!.distribution).toEqual([
      { value: 0, count: 4, percent: 80 },
      { value: 1, count: 0, percent: 0 },
      { value: 2, count: 2, percent: 40 },
    ]);
  });

  it('computes a shown segment from its own counts only', () => {
    const counts: AnswerCount[] = [
      { questionId: 'q1', value: 5, school: 1, perspective: null, n: 6 },
      { questionId: 'q1', value: 2, school: 2, perspective: null, n: 6 },
    ];
    const d = schools(computeResults({ ...input([seg(1, 6), seg(2, 6)]), counts }))!;
    const mean = (key: string) => {
      const s = byKey(d.segments, key);
      return s && s.shown ? s.questions[0]!.mean : undefined;
    };
    expect(mean('1')).toBe(5);
    expect(mean('2')).toBe(2);
  });
});

describe('change since the previous round', () => {
  const round = (values: [number, number][], extra: Partial<ResultInput> = {}) =>
    computeResults({
      ...input([seg(null, values.reduce((a, [, n]) => a + n, 0))]),
      questions: [likert('q1'), yesno('q2')],
      counts: values.flatMap(([v, n]) => [
        { questionId: 'q1', value: v, school: null, perspective: null, n },
        { questionId: 'q2', value: v >= 4 ? 1 : 0, school: null, perspective: null, n },
      ]),
      ...extra,
    });

  it('gives the difference of the mean and of yes % per question id', () => {
    const first = round([
      [3, 5],
      [4, 5],
    ]);
    const second = round(
      [
        [4, 5],
        [5, 5],
      ],
      { previous: first },
    );
    expect(second.questions[0]!.change).toEqual({ mean: { previous: 3.5, delta: 1 } });
    expect(second.questions[1]!.change).toEqual({ yesPercent: { previous: 50, delta: 50 } });
  });

  it('gives no change when the previous round showed nothing, or when the question changed kind', () => {
    const hidden = round([[3, 4]]);
    expect(hidden.hidden).toBe('surveyBelowThreshold');
    expect(round([[4, 6]], { previous: hidden }).questions[0]!.change).toBeNull();
    const first = round([[3, 6]]);
    const changedKind = computeResults({ ...input([seg(null, 6)]), questions: [scale10('q1')], previous: first });
    expect(changedKind.questions[0]!.change).toBeNull();
  });
});

describe('perspective self-evaluation', () => {
  it('puts the perspectives side by side per statement and per standard', () => {
    const questions = [likert('q1', { standard: 'BKA1' }), likert('q2', { standard: 'BKA1' }), likert('q3', { standard: 'BKA2' }), open('q4')];
    const answers: [string, string, number, number][] = [
      // perspective, question, value, n
      ['toezicht', 'q1', 2, 3],
      ['toezicht', 'q2', 4, 3],
      ['toezicht', 'q3', 3, 3],
      ['bestuur', 'q1', 5, 2],
      ['bestuur', 'q2', 5, 2],
      ['bestuur', 'q3', 4, 1],
      ['bestuur', 'q3', 2, 1],
      ['schoolleiding', 'q1', 3, 4],
    ];
    const s = computeResults({
      ...input([seg(null, 3, 'toezicht'), seg(null, 2, 'bestuur'), seg(null, 4, 'schoolleiding')]),
      kind: 'selfEvaluation',
      anonymous: false,
      byPerspective: true,
      questions,
      counts: answers.map(([perspective, questionId, value, n]) => ({ questionId, value, n, perspective, school: null })),
    });
    const t = s.perspectiveTable!;
    expect(t.perspectives).toEqual(['bestuur', 'schoolleiding', 'toezicht']);
    expect(t.statements.map((x) => [x.questionId, x.means])).toEqual([
      ['q1', [5, 3, 2]],
      ['q2', [5, null, 4]],
      ['q3', [3, null, 3]],
    ]);
    // BKA1: the mean of its statements' means; a perspective without answers to one statement uses the other.
    expect(t.standards).toEqual([
      { standard: 'BKA1', means: [5, 3, 3] },
      { standard: 'BKA2', means: [3, null, 3] },
    ]);
  });

  it('has no table for a pulse survey, or when the perspectives cannot be shown', () => {
    expect(computeResults(input([seg(null, 8, 'bestuur'), seg(null, 8, 'kwaliteit')], { byPerspective: true })).perspectiveTable).toBeNull();
    const hidden = computeResults(input([seg(null, 8, 'bestuur'), seg(null, 2, 'kwaliteit')], { byPerspective: true, kind: 'selfEvaluation' }));
    expect(hidden.perspectiveTable).toBeNull();
  });
});

// --- properties ------------------------------------------------------------------------------------

/** What a reader can compute from the shown segments of one dimension and the total. */
function shownSizes(summary: ResultSummary, dimension: 'school' | 'perspective'): Map<string, number> {
  const d = summary.dimensions.find((x) => x.dimension === dimension);
  const out = new Map<string, number>();
  for (const s of d?.segments ?? []) if (s.shown) out.set(s.key, s.respondents);
  return out;
}

describe('properties of the threshold rules', () => {
  const sizes = fc.array(fc.integer({ min: 0, max: 14 }), { minLength: 1, maxLength: 6 });

  it('no group below the minimum can be worked out from the total and the shown schools', () => {
    fc.assert(
      fc.property(sizes, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 3, max: 8 }), (schoolSizes, unstored, min) => {
        const responses = [...schoolSizes.map((n, i) => seg(i + 1, n)), seg(null, unstored)];
        const counts: AnswerCount[] = responses.flatMap((r) => [
          { questionId: 'q1', value: 1 + ((r.school ?? 0) % 5), school: r.school, perspective: null, n: r.n },
        ]);
        const s = computeResults({ ...input(responses, { minGroupSize: min }), counts });
        const total = responses.reduce((a, r) => a + r.n, 0);
        if (total < min) {
          expect(s.hidden).toBe('surveyBelowThreshold');
          expect(s.questions).toEqual([]);
          return;
        }
        const shown = shownSizes(s, 'school');
        // Every shown school is large enough, and carries exactly its own figures.
        for (const [key, n] of shown) {
          expect(n).toBeGreaterThanOrEqual(min);
          expect(n).toBe(schoolSizes[Number(key) - 1]);
          const segment = schools(s)!.segments.find((x) => x.key === key)!;
          expect(segment.shown && segment.questions[0]!.distribution.find((d) => d.value === 1 + (Number(key) % 5))!.count).toBe(n);
        }
        // The total minus any set of shown schools is empty or large enough: that is everything a
        // reader can subtract (the hidden schools and the unstored group are never published apart).
        const keys = [...shown.keys()];
        for (let mask = 0; mask < 1 << keys.length; mask++) {
          const rest = total - keys.reduce((a, k, i) => a + (mask & (1 << i) ? shown.get(k)! : 0), 0);
          expect(rest === 0 || rest >= min).toBe(true);
        }
        // A hidden school carries a reason and no figure.
        for (const seg of schools(s)?.segments ?? []) {
          if (!seg.shown) expect(Object.keys(seg).sort()).toEqual(['dimension', 'key', 'name', 'reason', 'shown']);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('with schools and perspectives both shown, no combination of the published groups isolates a small group', () => {
    // Cells of a school × perspective table (null: not stored); the published groups are the total,
    // every shown school and every shown perspective. A reader adds and subtracts them: every
    // combination with coefficients -1, 0, 1 that counts each non-empty cell 0 or 1 times is a group
    // they can work out. It must be empty or have at least the minimum.
    const cell = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 6, max: 12 }), fc.integer({ min: 6, max: 12 }));
    let bothShown = 0;
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 3, maxLength: 3 }), fc.integer({ min: 3, max: 6 }), (grid, min) => {
        const schoolKeys = [1, 2, null];
        const perspectiveKeys = ['bestuur', 'kwaliteit', null];
        const responses = grid.flatMap((row, i) => row.map((n, j) => seg(schoolKeys[i]!, n, perspectiveKeys[j]!)));
        const s = computeResults(input(responses, { byPerspective: true, minGroupSize: min }));
        if (s.hidden) return;
        const rows = [...shownSizes(s, 'school').keys()].map(Number);
        const cols = [...shownSizes(s, 'perspective').keys()];
        if (rows.length > 0 && cols.length > 0) bothShown++;
        const vars = 1 + rows.length + cols.length;
        for (let code = 0; code < 3 ** vars; code++) {
          const coef = Array.from({ length: vars }, (_, i) => (Math.floor(code / 3 ** i) % 3) - 1);
          let size = 0;
          let isGroup = true;
          for (const r of responses) {
            if (r.n === 0) continue;
            const ri = r.school === null ? -1 : rows.indexOf(r.school);
            const ci = r.perspective === null ? -1 : cols.indexOf(r.perspective);
            const c = coef[0]! + (ri >= 0 ? coef[1 + ri]! : 0) + (ci >= 0 ? coef[1 + rows.length + ci]! : 0);
            if (c !== 0 && c !== 1) isGroup = false;
            if (c === 1) size += r.n;
          }
          if (isGroup) expect(size === 0 || size >= min, `coefficients ${coef.join(',')}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    // The case that matters, both dimensions shown, does come up.
    expect(bothShown).toBeGreaterThan(10);
  });

  it('suppress() leaves shown groups of at least the minimum and hidden groups that are empty or at least the minimum together', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 3, max: 25 }), (ns, nulls, min) => {
        const groups = [...ns.map((n, i) => ({ key: `s${i}`, n })), { key: null, n: nulls }];
        const total = groups.reduce((a, g) => a + g.n, 0);
        fc.pre(total >= min);
        const { shown, hidden } = suppress(groups, min);
        let hiddenSum = 0;
        for (const g of groups) {
          if (g.n === 0) continue;
          if (g.key !== null && shown.has(g.key)) expect(g.n).toBeGreaterThanOrEqual(min);
          else {
            expect(hidden.has(g.key)).toBe(true);
            hiddenSum += g.n;
          }
        }
        expect(hiddenSum === 0 || hiddenSum >= min).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('means and eNPS equal those of the answers written out one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 11, maxLength: 11 }), (ns) => {
        const total = ns.reduce((a, b) => a + b, 0);
        fc.pre(total >= 5);
        const counts = ns.map((n, value) => ({ questionId: 'q1', value, n, school: null, perspective: null }));
        const q = computeResults({ ...input([seg(null, total)]), questions: [scale10('q1')], counts }).questions[0]!;
        const all = ns.flatMap((n, v) => Array<number>(n).fill(v));
        expect(q.mean).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 10);
        expect(q.enps).toBe(Math.round(((all.filter((v) => v >= 9).length - all.filter((v) => v <= 6).length) / all.length) * 100));
        expect(q.enps).toBe(enps(new Map(ns.map((n, v) => [v, n]))));
        expect(q.distribution.reduce((a, d) => a + d.percent, 0)).toBeCloseTo(100, 8);
      }),
      { numRuns: 300 },
    );
  });
});
