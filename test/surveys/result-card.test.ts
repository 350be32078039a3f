// The result card: its template bound with the view-model, in Dutch and English, as Teams gets it:
// it parses with the `adaptivecards` library, its chart elements follow Microsoft's documented
// properties and each has a fallback, every question has one compact improvement action, and the
// worst case a tenant can produce fits Teams' size budget.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/config.js';
import { SURVEY_LIMITS, type Question, type Standard } from '../../src/surveys/model.js';
import { MAX_OPEN_ANSWERS, resultCardViewModel, type ResultViewOptions } from '../../src/surveys/result-view.js';
import { computeResults, type AnswerCount, type ResultInput, type ResultSummary, type SegmentCount } from '../../src/surveys/results.js';
import { TEAMS_CARD_BUDGET_BYTES, cardMessageBytes, parseErrors } from '../support/card-check.js';
import { ROOT_DIR } from '../support/harness.js';

const dir = path.join(ROOT_DIR, 'adaptive-cards');
const template = JSON.parse(readFileSync(path.join(dir, 'surveys.results.json'), 'utf8')) as object;
const sample = JSON.parse(readFileSync(path.join(dir, 'surveys.results.sample.json'), 'utf8')) as object;
const bind = (view: object) => new ACData.Template(template).expand({ $root: view }) as Record<string, unknown>;

// --- the documented chart elements ------------------------------------------------------------------
// Microsoft Learn, "Charts in Adaptive Cards" (Teams):
// https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/charts-in-adaptive-cards
// The `adaptivecards` 3.0.6 parser does not know these elements (it uses their fallback), so the
// chart JSON is checked here against the properties that page lists per element.
const COMMON = ['type', 'colorSet', 'fallback', 'grid.area', 'height', 'horizontalAlignment', 'id', 'isVisible', 'lang', 'requires', 'separator', 'spacing', 'targetWidth', 'title'];
const CHART_SCHEMA: Record<string, { allowed: string[]; required: string[]; point: 'xy' | 'legend' }> = {
  'Chart.HorizontalBar': { allowed: [...COMMON, 'color', 'data', 'displayMode', 'xAxisTitle', 'yAxisTitle'], required: ['type'], point: 'xy' },
  'Chart.VerticalBar': { allowed: [...COMMON, 'color', 'data', 'showBarValues', 'xAxisTitle', 'yAxisTitle'], required: ['type'], point: 'xy' },
  'Chart.Donut': { allowed: [...COMMON, 'data'], required: ['type', 'data'], point: 'legend' },
  'Chart.Pie': { allowed: [...COMMON, 'data'], required: ['type'], point: 'legend' },
};
const DISPLAY_MODES = ['AbsoluteWithAxis', 'AbsoluteNoAxis', 'PartToWhole'];
const COLORS = [
  'good', 'warning', 'attention', 'neutral',
  'categoricalRed', 'categoricalPurple', 'categoricalLavender', 'categoricalBlue', 'categoricalLightBlue', 'categoricalTeal', 'categoricalGreen', 'categoricalLime', 'categoricalMarigold',
  'sequential1', 'sequential2', 'sequential3', 'sequential4', 'sequential5', 'sequential6', 'sequential7', 'sequential8',
  'divergingBlue', 'divergingLightBlue', 'divergingCyan', 'divergingTeal', 'divergingYellow', 'divergingPeach', 'divergingLightRed', 'divergingRed', 'divergingMaroon', 'divergingGray',
];
const FALLBACK_TYPES = ['Container', 'ActionSet', 'ColumnSet', 'Media', 'RichTextBlock', 'Table', 'TextBlock', 'FactSet', 'ImageSet', 'Image'];

function collect(node: unknown, test: (o: Record<string, unknown>) => boolean, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, test, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (test(o)) out.push(o);
    Object.values(o).forEach((v) => collect(v, test, out));
  }
  return out;
}
const charts = (card: object) => collect(card, (o) => typeof o.type === 'string' && o.type.startsWith('Chart.'));
const actions = (card: object) => collect(card, (o) => typeof o.type === 'string' && o.type.startsWith('Action.'));

/** What is wrong with a chart element, per the documented properties (empty: nothing). */
function chartProblems(chart: Record<string, unknown>): string[] {
  const type = chart.type as string;
  const schema = CHART_SCHEMA[type];
  if (!schema) return [`${type}: not a documented chart element`];
  const problems: string[] = [];
  for (const k of Object.keys(chart)) if (!schema.allowed.includes(k)) problems.push(`${type}: unknown property ${k}`);
  for (const k of schema.required) if (!(k in chart)) problems.push(`${type}: missing ${k}`);
  if ('displayMode' in chart && !DISPLAY_MODES.includes(chart.displayMode as string)) problems.push(`${type}: displayMode ${String(chart.displayMode)}`);
  if ('showBarValues' in chart && typeof chart.showBarValues !== 'boolean') problems.push(`${type}: showBarValues is not a boolean`);
  if ('title' in chart && typeof chart.title !== 'string') problems.push(`${type}: title is not a string`);
  if (!Array.isArray(chart.data) || chart.data.length === 0) problems.push(`${type}: no data`);
  for (const p of (chart.data as Record<string, unknown>[] | undefined) ?? []) {
    const keys = schema.point === 'xy' ? ['x', 'y', 'color'] : ['legend', 'value', 'color'];
    for (const k of Object.keys(p)) if (!keys.includes(k)) problems.push(`${type}: data point has ${k}`);
    if (schema.point === 'xy' && (typeof p.x !== 'string' || typeof p.y !== 'number')) problems.push(`${type}: data point ${JSON.stringify(p)}`);
    if ('color' in p && !COLORS.includes(p.color as string)) problems.push(`${type}: colour ${String(p.color)}`);
  }
  const fb = chart.fallback as Record<string, unknown> | string | undefined;
  if (fb === undefined) problems.push(`${type}: no fallback`);
  else if (fb !== 'drop' && (typeof fb !== 'object' || !FALLBACK_TYPES.includes(fb.type as string))) problems.push(`${type}: fallback ${JSON.stringify(fb).slice(0, 60)}`);
  return problems;
}

/** Parse messages apart from the one the library gives for each chart it replaces by its fallback. */
function parseProblems(card: object): string[] {
  return parseErrors(card).filter((m) => !/^Unknown element type "Chart\.[A-Za-z.]+"\. Fallback will be used if present\.$/.test(m));
}

function checkCard(card: Record<string, unknown>) {
  expect(JSON.stringify(card)).not.toMatch(/\$\{/);
  expect(card.version).toBe('1.5');
  expect(parseProblems(card)).toEqual([]);
  // parseErrors passes over the library's "unknown element, fallback used" only for charts with a fallback.
  for (const c of charts(card)) expect((c as { fallback?: unknown }).fallback).toBeDefined();
  for (const c of charts(card)) expect(chartProblems(c)).toEqual([]);
  expect(cardMessageBytes(card)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
}

// --- worst-case data ----------------------------------------------------------------------------------

/** Text of exactly `n` characters with Markdown characters, quotes and accents in it. */
function hostile(n: number, seed = ''): string {
  const unit = `${seed} Anna-Maria [van] den *Heuvel*_Ouwehand (O'Brien) #1 > ~x~ | \`c\` \\ "é" … `;
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}
/** Text that grows the most when escaped: nothing but Markdown characters. */
const adversarial = (n: number) => '*_[]()#>~|`\\'.repeat(Math.ceil(n / 12)).slice(0, n);

const SURVEY = '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f';
const options = (language: Language, extra: Partial<ResultViewOptions> = {}): ResultViewOptions => ({
  title: hostile(SURVEY_LIMITS.titleLength, 'T'),
  language,
  closedAt: new Date('2027-03-12T16:00:00Z'),
  round: 12,
  survey: SURVEY,
  ...extra,
});

const schoolNames = new Map(Array.from({ length: 40 }, (_, i) => [i + 1, hostile(120, `School ${i} `)] as [number, string]));
const PERSPECTIVE_KEYS = ['bestuur', 'schoolleiding', 'kwaliteit', 'toezicht'];

/** Respondents per school × perspective cell, and answers to every question spread over its values. */
function answers(questions: Question[], responses: SegmentCount[]): AnswerCount[] {
  const values = (q: Question) =>
    q.kind === 'likert' ? [1, 2, 3, 4, 5] : q.kind === 'scale10' ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : q.kind === 'yesno' ? [1, 0] : q.kind === 'choice' ? (q.options ?? []).map((_, i) => i) : [];
  return questions.flatMap((q) =>
    responses.flatMap((r) => {
      const vs = values(q);
      if (vs.length === 0) return [];
      // Every respondent answers once; spread as evenly as the count allows.
      return vs.map((value, i) => ({ questionId: q.id, value, school: r.school, perspective: r.perspective, n: Math.floor(r.n / vs.length) + (i < r.n % vs.length ? 1 : 0) })).filter((c) => c.n > 0);
    }),
  );
}

function worstPulse(anonymous: boolean, texts: (i: number) => string = (i) => (i % 2 ? adversarial(1_000) : hostile(1_000, `A${i}`))): ResultSummary {
  const questions: Question[] = [
    ...Array.from({ length: 9 }, (_, i): Question => ({
      id: `q${i + 1}`,
      kind: 'choice',
      text: i % 2 ? adversarial(SURVEY_LIMITS.questionLength) : hostile(SURVEY_LIMITS.questionLength, `Q${i}`),
      required: i % 3 !== 0,
      multiple: i % 3 === 0,
      options: Array.from({ length: 10 }, (_, j) => ({ id: String.fromCharCode(97 + j), label: j % 2 ? adversarial(SURVEY_LIMITS.optionLength) : hostile(SURVEY_LIMITS.optionLength, `O${j}`) })),
    })),
    { id: 'q10', kind: 'open', text: hostile(SURVEY_LIMITS.questionLength, 'Open'), required: false },
  ];
  // 5 schools × 4 perspectives of 10: every cell large enough, so everything is shown.
  const responses = [1, 2, 3, 4, 5].flatMap((school) => PERSPECTIVE_KEYS.map((perspective) => ({ school, perspective, n: 10 })));
  const input: ResultInput = {
    questions,
    kind: 'pulse',
    anonymous,
    minGroupSize: 5,
    byPerspective: true,
    recipients: 250,
    responses,
    counts: answers(questions, responses),
    texts: Array.from({ length: 200 }, (_, i) => ({ questionId: 'q10', text: texts(i) })),
    schoolNames,
    recipientsBySegment: responses.map((r) => ({ ...r, n: 12 })),
  };
  const previous = computeResults(input);
  return computeResults({ ...input, previous });
}

function worstSelfEvaluation(): ResultSummary {
  const standards: Standard[] = ['BKA1', 'BKA2', 'BKA3'];
  const questions: Question[] = Array.from({ length: SURVEY_LIMITS.selfEvaluationQuestions }, (_, i): Question => {
    const kind = i >= 17 ? 'open' : i % 5 === 4 ? 'scale10' : 'likert';
    return { id: `q${i + 1}`, kind, text: hostile(SURVEY_LIMITS.questionLength, `S${i}`), required: kind !== 'open', standard: standards[i % 3]! };
  });
  const responses = [1, 2, 3, 4, 5].flatMap((school) => PERSPECTIVE_KEYS.map((perspective) => ({ school, perspective, n: 3 })));
  return computeResults({
    questions,
    kind: 'selfEvaluation',
    anonymous: false,
    minGroupSize: 5,
    byPerspective: true,
    recipients: 70,
    responses,
    counts: answers(questions, responses),
    texts: questions.filter((q) => q.kind === 'open').flatMap((q) => Array.from({ length: 200 }, (_, i) => ({ questionId: q.id, text: hostile(1_000, `${q.id}-${i}`) }))),
    schoolNames,
  });
}

/** 40 schools, most too small: the list of hidden schools at its longest. */
function manyHiddenSchools(): ResultSummary {
  const questions: Question[] = [{ id: 'q1', kind: 'likert', text: 'Ik ervaar een prettige werksfeer.', required: true }, { id: 'q2', kind: 'yesno', text: 'Weet je bij wie je terechtkunt?', required: true }];
  const responses = Array.from({ length: 40 }, (_, i) => ({ school: i + 1, perspective: null, n: i < 5 ? 20 : 3 }));
  return computeResults({ questions, kind: 'pulse', anonymous: true, minGroupSize: 5, byPerspective: false, recipients: 400, responses, counts: answers(questions, responses), texts: [], schoolNames });
}

describe('the result card template', () => {
  it('binds its sample, parses, and keeps its charts to the documented properties', () => {
    checkCard(bind(sample));
    expect(charts(bind(sample)).length).toBeGreaterThan(0);
  });
});

describe.each(['nl', 'en'] as const)('the result card in %s', (language) => {
  it('fits the worst pulse (10 questions of 10 long options, 5 schools, 4 perspectives, 200 long open answers) in 80 KB', () => {
    for (const anonymous of [true, false]) {
      const card = bind(resultCardViewModel(worstPulse(anonymous), options(language)));
      checkCard(card);
      expect(charts(card)).toHaveLength(9);
      // The breakdown of the choice questions by group is what gives way, and the card says so.
      expect(textOf(card)).toContain(
        language === 'nl'
          ? 'Om in een Teams-bericht te passen, staat de uitsplitsing van de keuzevragen per groep alleen in de export.'
          : 'To fit in a Teams message, the breakdown of the choice questions by group is in the export only.',
      );
    }
  });

  it('fits the worst self-evaluation (20 statements, perspective table, 3 open questions of 200 answers) in 80 KB', () => {
    const card = bind(resultCardViewModel(worstSelfEvaluation(), options(language)));
    checkCard(card);
    const tables = collect(card, (o) => o.type === 'Table');
    expect(tables).toHaveLength(2);
    // Header + 17 statements with a mean; header + 3 standards; a column per perspective besides the first.
    expect((tables[0]!.rows as unknown[]).length).toBe(18);
    expect((tables[1]!.rows as unknown[]).length).toBe(4);
    expect((tables[0]!.columns as unknown[]).length).toBe(5);
    const header = JSON.stringify((tables[0]!.rows as unknown[])[0]);
    for (const name of language === 'nl' ? ['Stelling', 'Bestuur', 'Schoolleiding', 'Kwaliteitszorg', 'Intern toezicht'] : ['Statement', 'Board', 'School leaders', 'Quality officers', 'Supervisory board']) expect(header).toContain(`"${name}"`);
    expect(JSON.stringify(tables[1])).toContain(language === 'nl' ? 'BKA1 Visie, ambities en doelen' : 'BKA1 Vision, ambitions and goals');
    // 20 statements with charts do not fit next to the table: the card says where the rest is.
    expect(charts(card)).toEqual([]);
    expect(textOf(card).join('\n')).toContain(language === 'nl' ? 'de verdeling van de antwoorden alleen in de export' : 'the spread of the answers are in the export only');
  });

  it('fits 40 schools of which 35 are hidden, and names at most 10 of them', () => {
    const card = bind(resultCardViewModel(manyHiddenSchools(), options(language)));
    checkCard(card);
    expect(JSON.stringify(card)).toContain(language === 'nl' ? 'en nog 25' : 'and 25 more');
  });

  it('gives every question one compact improvement action with the survey and the question', () => {
    const card = bind(resultCardViewModel(worstPulse(true), options(language)));
    const all = actions(card);
    expect(all).toHaveLength(10);
    all.forEach((a, i) => {
      expect(a).toMatchObject({ type: 'Action.Execute', verb: 'survey.improve', data: { v: 1, survey: SURVEY, question: `q${i + 1}` } });
    });
    // As a select action on the question's header, not as a row of buttons.
    expect(card.actions).toBeUndefined();
    expect(collect(card, (o) => o.type === 'ActionSet')).toEqual([]);
  });

  it('caps the open answers and says how many more are in the export', () => {
    const card = bind(resultCardViewModel(worstPulse(true, (i) => `antwoord ${String(i).padStart(3, '0')}`), options(language)));
    const text = JSON.stringify(card);
    expect(text).toContain('antwoord 000');
    expect(text).toContain(`antwoord ${String(MAX_OPEN_ANSWERS - 1).padStart(3, '0')}`);
    expect(text).not.toContain(`antwoord ${String(MAX_OPEN_ANSWERS).padStart(3, '0')}`);
    expect(text).toContain(language === 'nl' ? `En nog ${200 - MAX_OPEN_ANSWERS} antwoorden — in de export.` : `And ${200 - MAX_OPEN_ANSWERS} more answers — in the export.`);
    // Long answers: cut within the card's budget, still with the count of the rest.
    const long = JSON.stringify(bind(resultCardViewModel(worstPulse(true), options(language))));
    expect(long).toMatch(language === 'nl' ? /En nog \d+ antwoorden — in de export\./ : /And \d+ more answers — in the export\./);
  });
});

// --- what a reader sees -------------------------------------------------------------------------------

const q = (id: string, kind: Question['kind'], text: string, extra: Partial<Question> = {}): Question => ({ id, kind, text, required: true, ...extra });
function smallPulse(responses: SegmentCount[], extra: Partial<ResultInput> = {}): ResultSummary {
  const questions = [q('q1', 'likert', 'Ik ervaar een prettige werksfeer.'), q('q2', 'scale10', 'Zou je onze school aanraden als werkgever?'), q('q3', 'yesno', 'Weet je bij wie je terechtkunt?')];
  return computeResults({
    questions,
    kind: 'pulse',
    anonymous: true,
    minGroupSize: 5,
    byPerspective: false,
    recipients: 40,
    responses,
    counts: answers(questions, responses),
    texts: [],
    schoolNames: new Map([
      [1, 'De Regenboog'],
      [2, 'Het Baken'],
      [3, 'De Horizon'],
    ]),
    ...extra,
  });
}
const textOf = (card: object) => collect(card, (o) => o.type === 'TextBlock').map((o) => o.text as string);

describe('what the result card says', () => {
  it('writes numbers as each language does: 3,8 and 3.8', () => {
    // 10 answers of 4 and 2 of 2: mean 3,67 → 3,7.
    const counts: AnswerCount[] = [
      { questionId: 'q1', value: 4, school: null, perspective: null, n: 10 },
      { questionId: 'q1', value: 2, school: null, perspective: null, n: 2 },
    ];
    const summary = smallPulse([{ school: null, perspective: null, n: 12 }], { counts });
    expect(resultCardViewModel(summary, options('nl')).trimNote).toBe('');
    expect(textOf(bind(resultCardViewModel(summary, options('nl')))).join('\n')).toContain('Gemiddeld **3,7** op een schaal van 1 tot 5 · 12 antwoorden');
    expect(textOf(bind(resultCardViewModel(summary, options('en')))).join('\n')).toContain('Average **3.7** on a scale of 1 to 5 · 12 answers');
    expect(textOf(bind(resultCardViewModel(summary, options('nl')))).join('\n')).toContain('12 van de 40 mensen hebben gereageerd (30%).');
  });

  it('says why a school is hidden, and which one protects a smaller one', () => {
    const summary = smallPulse([
      { school: 1, perspective: null, n: 14 },
      { school: 2, perspective: null, n: 6 },
      { school: 3, perspective: null, n: 4 },
    ]);
    const nl = textOf(bind(resultCardViewModel(summary, options('nl')))).join('\n');
    expect(nl).toContain('Per school niet getoond: De Horizon — te weinig antwoorden om te tonen (minder dan 5).');
    expect(nl).toContain('Per school niet getoond: Het Baken — ook verborgen, anders zijn de antwoorden van een kleinere groep terug te rekenen.');
    expect(nl).toContain('**Per school:** De Regenboog: 14 reacties');
    const en = textOf(bind(resultCardViewModel(summary, options('en')))).join('\n');
    expect(en).toContain('By school, not shown: De Horizon — too few responses to show (fewer than 5).');
  });

  it('shows only the response count when the survey is below the minimum group size', () => {
    const card = bind(resultCardViewModel(smallPulse([{ school: 1, perspective: null, n: 4 }]), options('nl', { title: 'Werkdruk' })));
    checkCard(card);
    const texts = textOf(card);
    expect(texts).toContain('4 van de 40 mensen hebben gereageerd (10%).');
    expect(texts).toContain('Te weinig antwoorden om te tonen (minder dan 5). Daarom staat hier alleen het aantal reacties.');
    expect(charts(card)).toEqual([]);
    expect(actions(card)).toEqual([]);
    expect(texts.join('\n')).not.toMatch(/Gemiddeld|eNPS|Ja:/);
  });

  it('shows the eNPS, the yes % and the change since the previous round', () => {
    const first = smallPulse([{ school: null, perspective: null, n: 10 }]);
    const counts: AnswerCount[] = [
      { questionId: 'q1', value: 5, school: null, perspective: null, n: 10 },
      { questionId: 'q2', value: 10, school: null, perspective: null, n: 10 },
      { questionId: 'q3', value: 1, school: null, perspective: null, n: 10 },
    ];
    const second = smallPulse([{ school: null, perspective: null, n: 10 }], { counts, previous: first });
    const nl = textOf(bind(resultCardViewModel(second, options('nl')))).join('\n');
    expect(nl).toContain('Gemiddeld **5,0** op een schaal van 1 tot 5');
    expect(nl).toContain('▲ +2,0 ten opzichte van de vorige ronde (3,0)');
    expect(nl).toContain('eNPS **+100**');
    expect(nl).toContain('Ja: **100%**');
    expect(nl).toContain('▲ +50 procentpunt ten opzichte van de vorige ronde (50%)');
    const en = textOf(bind(resultCardViewModel(second, options('en')))).join('\n');
    expect(en).toContain('▲ +2.0 on the previous round (3.0)');
  });

  it('says that a named survey shows totals without names', () => {
    const card = bind(resultCardViewModel(smallPulse([{ school: null, perspective: null, n: 2 }], { anonymous: false }), options('nl')));
    expect(textOf(card)).toContain('Niet anoniem: de deelnemers antwoordden met hun naam, maar deze uitkomsten zijn totalen. Er staan geen namen in.');
    expect(charts(card).length).toBe(3);
  });

  it('uses a vertical bar chart for 0–10 and horizontal bars for the rest, each with a fallback that lists every value', () => {
    const card = bind(resultCardViewModel(smallPulse([{ school: null, perspective: null, n: 22 }]), options('nl')));
    const [likert, scale, yn] = charts(card);
    expect([likert!.type, scale!.type, yn!.type]).toEqual(['Chart.HorizontalBar', 'Chart.VerticalBar', 'Chart.HorizontalBar']);
    expect((likert!.data as { x: string }[]).map((d) => d.x)).toEqual(['Helemaal oneens', 'Oneens', 'Neutraal', 'Eens', 'Helemaal eens']);
    const facts = (scale!.fallback as { facts: { title: string; value: string }[] }).facts;
    expect(facts).toHaveLength(11);
    expect(facts[0]).toEqual({ title: '0', value: '2 · 9% █' });
  });
});
