// The results of a closed survey, computed from counts (pure: no I/O, no clock, no randomness).
//
// Input: the respondent counts per stored segment (survey_responses), the answer counts per question,
// value and segment (survey_answers: likert 1–5, yes 1 / no 0, 0–10, a choice's option index 0–9),
// and the open answers. Output: a ResultSummary that holds ONLY what may be shown. A hidden figure is
// never computed into it, so no card, export or log built from it can leak one by mistake.
//
// Anonymity (anonymous surveys; docs/surveys.md, "Anonymity"):
// 1. The whole survey below minGroupSize respondents: only the respondent count and the response
//    rate are shown (they come from who answered, not from what was answered). No figure, no
//    segment, no open answer.
// 2. A segment (a school; a perspective when the survey is byPerspective) with fewer respondents than
//    minGroupSize shows nothing ('groupBelowThreshold'). Respondents whose label was not stored (the
//    segment was too small to store, or they have none, e.g. board staff without a school) form one
//    more hidden group ('notStored').
// 3. Complementary suppression, per dimension: the total minus the shown segments is the sum of the
//    hidden groups. While that sum is above zero and below minGroupSize, the next-smallest shown
//    segment is hidden too ('protectsSmallerGroup'). Then every shown segment has ≥ minGroupSize
//    respondents and the hidden groups together are 0 or ≥ minGroupSize: any sum or difference of the
//    total and the shown segments is a union of those, so no group below the threshold can be worked
//    out. When nothing is left to show, the dimension is shown as a whole-dimension notice.
// 4. Two dimensions at once (schools and perspectives): a shown school minus a shown perspective can
//    isolate their non-overlap (e.g. a school's respondents who are not in one perspective). Both are
//    shown only when every non-empty cell of the school × perspective table (hidden segments merged
//    into one 'other' row and column) has ≥ minGroupSize respondents; every published figure is then a
//    sum of such cells. Otherwise the school dimension is hidden ('protectsSmallerGroup'): for a
//    perspective survey the perspectives are the point.
// 5. The threshold counts respondents of a group, not answers to one question: an optional question
//    answered by 2 of a shown group's 12 respondents is shown, as its answers hide among the 12.
// Response rate per segment: shown for shown segments only, and only when recipients per segment are
// given. It comes from deliveries (who was sent and who answered), not from answers, so it reveals no
// answer; for a hidden segment even its respondent count is left out (it would single out a small
// group's participation, and it is not needed: the hidden groups' total is the total minus the shown).
// Open answers: shown only when the whole survey has ≥ minGroupSize respondents; they carry no
// segment. They are sorted alphabetically (Dutch collation): no order of arrival, nothing random.
// Non-anonymous surveys: no threshold and no suppression (everyone answered under their own name and
// knows it); results stay aggregates: names are not part of the input or of the results.
import { enps, PERSPECTIVES, STANDARDS, type Question, type QuestionKind, type Standard, type SurveyKind } from './model.js';

/** Why something is not shown; the card says it in words. */
export type HiddenReason =
  /** The whole survey has fewer respondents than the minimum group size: only the response count. */
  | 'surveyBelowThreshold'
  /** This group has fewer respondents than the minimum group size. */
  | 'groupBelowThreshold'
  /** Large enough itself, but hidden so that a smaller hidden group cannot be worked out by subtraction. */
  | 'protectsSmallerGroup'
  /** Respondents whose segment was too small to store (or who have none): counted in the total only. */
  | 'notStored';

/** Respondents (survey_responses) or recipients per stored segment; null: not stored / none. */
export interface SegmentCount {
  school: number | null;
  perspective: string | null;
  n: number;
}

/** Answers with one value to one question in one stored segment (survey_answers grouped). */
export interface AnswerCount {
  questionId: string;
  value: number;
  school: number | null;
  perspective: string | null;
  n: number;
}

export interface ResultInput {
  questions: readonly Question[];
  kind: SurveyKind;
  anonymous: boolean;
  minGroupSize: number;
  byPerspective: boolean;
  /** People the survey was delivered to. */
  recipients: number;
  responses: readonly SegmentCount[];
  counts: readonly AnswerCount[];
  texts: readonly { questionId: string; text: string }[];
  /** The previous round's summary (recurring surveys): changes are computed per question id. */
  previous?: ResultSummary;
  schoolNames: ReadonlyMap<number, string>;
  /** Recipients per segment (survey_deliveries), for the response rate of shown segments. */
  recipientsBySegment?: readonly SegmentCount[];
}

export interface ValueCount {
  /** The stored value: likert 1–5, yes 1 / no 0, 0–10, or a choice's option index. */
  value: number;
  count: number;
  /** Of the question's answers; for a multiple choice, of the group's respondents (sums above 100). */
  percent: number;
}

/** The figures of one question for one group (the whole survey or one segment). */
export interface Figures {
  /** People who answered it; null for an optional multiple choice (one row per option picked). */
  answered: number | null;
  /** Every possible value in display order (zeros included); empty for open questions. */
  distribution: ValueCount[];
  /** likert and scale10. */
  mean: number | null;
  /** scale10: % promoters (9–10) minus % detractors (0–6). */
  enps: number | null;
  /** yesno: % yes of the answers. */
  yesPercent: number | null;
}

export interface Change {
  previous: number;
  /** Current minus previous (unrounded). */
  delta: number;
}

export interface QuestionChange {
  mean?: Change;
  enps?: Change;
  yesPercent?: Change;
}

export interface QuestionResult extends Figures {
  id: string;
  kind: QuestionKind;
  text: string;
  /** choice: the option labels, by option index. */
  options: string[];
  multiple: boolean;
  standard: Standard | null;
  /** Since the previous round; null without a previous round or without a figure in both. */
  change: QuestionChange | null;
  /** open questions only: the answers, trimmed, sorted (Dutch collation). */
  openTexts: string[] | null;
}

export type Dimension = 'school' | 'perspective';

export interface SegmentQuestion extends Figures {
  questionId: string;
}

export type SegmentResult =
  | {
      dimension: Dimension;
      /** The school id (as text) or the perspective label. */
      key: string;
      /** The school's name; for a perspective its label (the view translates known ones). */
      name: string | null;
      shown: true;
      respondents: number;
      /** % of the segment's recipients; null when recipients per segment are not known. */
      responseRate: number | null;
      questions: SegmentQuestion[];
    }
  | { dimension: Dimension; key: string; name: string | null; shown: false; reason: HiddenReason };

export interface DimensionResult {
  dimension: Dimension;
  /** At least one segment is shown. */
  shown: boolean;
  /** Why no segment is shown (shown = false). */
  reason: HiddenReason | null;
  /** Segments with respondents and a stored label, shown or hidden (a hidden one has only its name). */
  segments: SegmentResult[];
  /** Some respondents have no stored label in this dimension ('notStored'). */
  notStored: boolean;
  /** Respondents in no shown segment (0 or ≥ minGroupSize when anonymous); null when none is shown. */
  hiddenRespondents: number | null;
}

export interface PerspectiveTable {
  /** The shown perspectives, in PERSPECTIVES order (unknown labels after, alphabetically). */
  perspectives: string[];
  /** likert and scale10 statements: the mean per perspective (null: no answers). */
  statements: { questionId: string; text: string; kind: QuestionKind; standard: Standard | null; means: (number | null)[] }[];
  /** Per standard (likert statements only): the mean of its statements' means per perspective. */
  standards: { standard: Standard; means: (number | null)[] }[];
}

export interface ResultSummary {
  kind: SurveyKind;
  anonymous: boolean;
  minGroupSize: number;
  recipients: number;
  respondents: number;
  /** % of recipients who answered; null without recipients. */
  responseRate: number | null;
  /** 'surveyBelowThreshold': nothing but respondents and response rate is in this summary. */
  hidden: HiddenReason | null;
  questions: QuestionResult[];
  dimensions: DimensionResult[];
  perspectiveTable: PerspectiveTable | null;
}

const collator = new Intl.Collator('nl');
const LIKERT_VALUES = [1, 2, 3, 4, 5];
const SCALE10_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Yes first. */
const YESNO_VALUES = [1, 0];

/** The values a question can have, in display order. */
export function questionValues(q: Question): number[] {
  switch (q.kind) {
    case 'likert':
      return LIKERT_VALUES;
    case 'scale10':
      return SCALE10_VALUES;
    case 'yesno':
      return YESNO_VALUES;
    case 'choice':
      return (q.options ?? []).map((_, i) => i);
    case 'open':
      return [];
  }
}

const percent = (part: number, whole: number): number => (whole > 0 ? (part / whole) * 100 : 0);

/** One question's figures from its counts in one group (counts already filtered to the group). */
export function figuresFor(q: Question, counts: readonly AnswerCount[], respondents: number): Figures {
  const values = questionValues(q);
  const byValue = new Map<number, number>(values.map((v) => [v, 0]));
  for (const c of counts) {
    if (c.questionId !== q.id || !byValue.has(c.value) || !(c.n > 0)) continue;
    byValue.set(c.value, byValue.get(c.value)! + c.n);
  }
  const sum = [...byValue.values()].reduce((a, b) => a + b, 0);
  const multiple = q.kind === 'choice' && q.multiple === true;
  // A multiple choice stores one row per option picked: its answer count is not the number of people.
  const answered = q.kind === 'open' ? null : multiple ? (q.required ? respondents : null) : sum;
  const base = multiple ? respondents : sum;
  const distribution = values.map((value) => ({ value, count: byValue.get(value)!, percent: percent(byValue.get(value)!, base) }));
  let mean: number | null = null;
  if ((q.kind === 'likert' || q.kind === 'scale10') && sum > 0) {
    mean = values.reduce((acc, v) => acc + v * byValue.get(v)!, 0) / sum;
  }
  return {
    answered,
    distribution,
    mean,
    enps: q.kind === 'scale10' ? enps(byValue) : null,
    yesPercent: q.kind === 'yesno' && sum > 0 ? percent(byValue.get(1)!, sum) : null,
  };
}

/** The outcome of suppression in one dimension: shown keys, and a reason for every hidden one. */
export interface Suppression {
  shown: Set<string>;
  hidden: Map<string | null, HiddenReason>;
}

/**
 * Rules 2 and 3 for one dimension: groups (null key: not stored) with their respondent counts. The
 * shown groups each have ≥ min respondents, and the hidden ones together have 0 or ≥ min.
 */
export function suppress(groups: readonly { key: string | null; n: number }[], min: number): Suppression {
  const shown = new Set<string>();
  const hidden = new Map<string | null, HiddenReason>();
  let hiddenSum = 0;
  const candidates: { key: string; n: number }[] = [];
  for (const g of groups) {
    if (!(g.n > 0)) continue;
    if (g.key === null) {
      hidden.set(null, 'notStored');
      hiddenSum += g.n;
    } else if (g.n < min) {
      hidden.set(g.key, 'groupBelowThreshold');
      hiddenSum += g.n;
    } else candidates.push({ key: g.key, n: g.n });
  }
  candidates.sort((a, b) => a.n - b.n || collator.compare(a.key, b.key));
  let i = 0;
  while (hiddenSum > 0 && hiddenSum < min && i < candidates.length) {
    const c = candidates[i++]!;
    hidden.set(c.key, 'protectsSmallerGroup');
    hiddenSum += c.n;
  }
  for (; i < candidates.length; i++) shown.add(candidates[i]!.key);
  return { shown, hidden };
}

const schoolKey = (school: number | null): string | null => (school === null ? null : String(school));
const keyOf = (dimension: Dimension, row: { school: number | null; perspective: string | null }): string | null =>
  dimension === 'school' ? schoolKey(row.school) : row.perspective;

function sumBy(rows: readonly SegmentCount[], dimension: Dimension): Map<string | null, number> {
  const out = new Map<string | null, number>();
  for (const r of rows) {
    if (!(r.n > 0)) continue;
    const k = keyOf(dimension, r);
    out.set(k, (out.get(k) ?? 0) + r.n);
  }
  return out;
}

/**
 * Rule 4: with both dimensions shown, every non-empty cell of the school × perspective table, hidden
 * segments merged into 'other', must have ≥ min respondents.
 */
export function crossTableSafe(responses: readonly SegmentCount[], schools: ReadonlySet<string>, perspectives: ReadonlySet<string>, min: number): boolean {
  const cells = new Map<string, number>();
  for (const r of responses) {
    if (!(r.n > 0)) continue;
    const s = schoolKey(r.school);
    const row = s !== null && schools.has(s) ? `s:${s}` : 'other';
    const col = r.perspective !== null && perspectives.has(r.perspective) ? `p:${r.perspective}` : 'other';
    const k = `${row}|${col}`;
    cells.set(k, (cells.get(k) ?? 0) + r.n);
  }
  return [...cells.values()].every((n) => n >= min);
}

function perspectiveOrder(a: string, b: string): number {
  const ia = PERSPECTIVES.indexOf(a as (typeof PERSPECTIVES)[number]);
  const ib = PERSPECTIVES.indexOf(b as (typeof PERSPECTIVES)[number]);
  if (ia !== ib) return (ia < 0 ? PERSPECTIVES.length : ia) - (ib < 0 ? PERSPECTIVES.length : ib);
  return collator.compare(a, b);
}

function changeOf(current: number | null, previous: number | null | undefined): Change | undefined {
  if (current === null || previous === null || previous === undefined) return undefined;
  return { previous, delta: current - previous };
}

function questionChange(q: Question, f: Figures, previous: ResultSummary | undefined): QuestionChange | null {
  if (!previous || previous.hidden) return null;
  const p = previous.questions.find((x) => x.id === q.id && x.kind === q.kind);
  if (!p) return null;
  const change: QuestionChange = {};
  const mean = changeOf(f.mean, p.mean);
  const e = changeOf(f.enps, p.enps);
  const yes = changeOf(f.yesPercent, p.yesPercent);
  if (mean) change.mean = mean;
  if (e) change.enps = e;
  if (yes) change.yesPercent = yes;
  return Object.keys(change).length > 0 ? change : null;
}

export function computeResults(input: ResultInput): ResultSummary {
  const { questions, anonymous } = input;
  const min = anonymous ? input.minGroupSize : 1;
  const respondents = input.responses.reduce((a, r) => a + (r.n > 0 ? r.n : 0), 0);
  const base = {
    kind: input.kind,
    anonymous,
    minGroupSize: input.minGroupSize,
    recipients: input.recipients,
    respondents,
    responseRate: input.recipients > 0 ? percent(respondents, input.recipients) : null,
  };
  if (anonymous && respondents < input.minGroupSize) {
    return { ...base, hidden: 'surveyBelowThreshold', questions: [], dimensions: [], perspectiveTable: null };
  }

  // Segments: suppression per dimension, then the cross-dimension check.
  const dims: Dimension[] = input.byPerspective ? ['school', 'perspective'] : ['school'];
  const sizes = new Map(dims.map((d) => [d, sumBy(input.responses, d)]));
  const suppressions = new Map(dims.map((d) => [d, anonymous ? suppress([...sizes.get(d)!].map(([key, n]) => ({ key, n })), min) : allShown(sizes.get(d)!)]));
  let schoolsDroppedForCross = false;
  if (anonymous && dims.length === 2) {
    const s = suppressions.get('school')!;
    const p = suppressions.get('perspective')!;
    if (s.shown.size > 0 && p.shown.size > 0 && !crossTableSafe(input.responses, s.shown, p.shown, min)) {
      for (const k of s.shown) s.hidden.set(k, 'protectsSmallerGroup');
      s.shown.clear();
      schoolsDroppedForCross = true;
    }
  }

  const inGroup = (d: Dimension, key: string) => (row: { school: number | null; perspective: string | null }) => keyOf(d, row) === key;
  const recipientsBy = new Map(dims.map((d) => [d, input.recipientsBySegment ? sumBy(input.recipientsBySegment, d) : null]));

  const dimensions: DimensionResult[] = [];
  for (const d of dims) {
    const size = sizes.get(d)!;
    const sup = suppressions.get(d)!;
    const labelled = [...size.keys()].filter((k): k is string => k !== null);
    // Only a dimension that splits the respondents is worth showing: one stored group holding everyone
    // is the total again (a school's own survey, per school).
    if (labelled.length === 0 || (labelled.length === 1 && !size.has(null))) continue;
    const name = (k: string) => (d === 'school' ? (input.schoolNames.get(Number(k)) ?? null) : k);
    const order = (a: string, b: string) =>
      d === 'school' ? collator.compare(name(a) ?? '', name(b) ?? '') || Number(a) - Number(b) : perspectiveOrder(a, b);
    const segments: SegmentResult[] = labelled.sort(order).map((key): SegmentResult => {
      if (!sup.shown.has(key)) return { dimension: d, key, name: name(key), shown: false, reason: sup.hidden.get(key) ?? 'groupBelowThreshold' };
      const n = size.get(key)!;
      const member = inGroup(d, key);
      const counts = input.counts.filter(member);
      const recipients = recipientsBy.get(d)?.get(key);
      return {
        dimension: d,
        key,
        name: name(key),
        shown: true,
        respondents: n,
        responseRate: recipients && recipients > 0 ? percent(n, recipients) : null,
        questions: questions.map((q) => ({ questionId: q.id, ...figuresFor(q, counts, n) })),
      };
    });
    const shownRespondents = segments.reduce((a, s) => a + (s.shown ? s.respondents : 0), 0);
    const shown = segments.some((s) => s.shown);
    dimensions.push({
      dimension: d,
      shown,
      reason: shown ? null : d === 'school' && schoolsDroppedForCross ? 'protectsSmallerGroup' : dimensionReason(segments),
      segments,
      notStored: size.has(null),
      hiddenRespondents: shown ? respondents - shownRespondents : null,
    });
  }

  const resultQuestions: QuestionResult[] = questions.map((q) => {
    const f = figuresFor(q, input.counts, respondents);
    let openTexts: string[] | null = null;
    let answered = f.answered;
    if (q.kind === 'open') {
      const texts = input.texts
        .filter((t) => t.questionId === q.id)
        .map((t) => t.text.trim())
        .filter((t) => t.length > 0)
        .sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
      openTexts = texts;
      answered = texts.length;
    }
    return {
      id: q.id,
      kind: q.kind,
      text: q.text,
      options: q.kind === 'choice' ? (q.options ?? []).map((o) => o.label) : [],
      multiple: q.kind === 'choice' && q.multiple === true,
      standard: q.standard ?? null,
      ...f,
      answered,
      change: questionChange(q, f, input.previous),
      openTexts,
    };
  });

  return {
    ...base,
    hidden: null,
    questions: resultQuestions,
    dimensions,
    perspectiveTable: input.kind === 'selfEvaluation' ? perspectiveTable(resultQuestions, dimensions.find((x) => x.dimension === 'perspective')) : null,
  };
}

function allShown(size: Map<string | null, number>): Suppression {
  const shown = new Set<string>();
  const hidden = new Map<string | null, HiddenReason>();
  for (const k of size.keys()) {
    if (k === null) hidden.set(null, 'notStored');
    else shown.add(k);
  }
  return { shown, hidden };
}

/** The dimension's reason when no segment is shown: the weightiest of its segments' reasons. */
function dimensionReason(segments: readonly SegmentResult[]): HiddenReason {
  const reasons = new Set(segments.map((s) => (s.shown ? null : s.reason)));
  return reasons.has('protectsSmallerGroup') ? 'protectsSmallerGroup' : 'groupBelowThreshold';
}

function perspectiveTable(questions: readonly QuestionResult[], dim: DimensionResult | undefined): PerspectiveTable | null {
  if (!dim || !dim.shown) return null;
  const shown = dim.segments.filter((s): s is Extract<SegmentResult, { shown: true }> => s.shown);
  const statements = questions
    .filter((q) => q.kind === 'likert' || q.kind === 'scale10')
    .map((q) => ({
      questionId: q.id,
      text: q.text,
      kind: q.kind,
      standard: q.standard,
      means: shown.map((s) => s.questions.find((x) => x.questionId === q.id)?.mean ?? null),
    }));
  if (statements.length === 0) return null;
  const standards = STANDARDS.flatMap((standard) => {
    const of = statements.filter((s) => s.standard === standard && s.kind === 'likert');
    if (of.length === 0) return [];
    const means = shown.map((_, i) => {
      const values = of.map((s) => s.means[i]).filter((m): m is number => m !== null && m !== undefined);
      return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
    });
    return [{ standard, means }];
  });
  return { perspectives: shown.map((s) => s.key), statements, standards };
}
