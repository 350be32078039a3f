// The result card of a closed survey (adaptive-cards/surveys.results.json): display-ready strings in
// Dutch and English from a ResultSummary (results.ts), which holds only what may be shown.
//
// Charts: Teams renders the chart elements of Adaptive Cards (Chart.HorizontalBar, Chart.VerticalBar, …)
// in card version 1.5 on desktop and web; where it does not (mobile, the Agents Playground, the
// `adaptivecards` library) each chart's `fallback` is used: a FactSet of label / count, % and a text bar.
// Properties per Microsoft Learn, "Charts in Adaptive Cards":
// https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/charts-in-adaptive-cards
//
// Size: a pulse has at most 10 questions of 10 options of 80 characters, a self-evaluation 20
// statements, and open questions up to hundreds of answers of 1,000 characters; the card must stay
// within Teams' recommended 80 KB (test/support/card-check.ts). Fixed caps: chart and fallback labels
// at 40 characters (the export has the whole label), a segment's most chosen option at 30, school
// names at 64 (cardName), at most MAX_OPEN_ANSWERS open answers per question, each cut at 1,000
// characters. On top of that the view estimates the bound card's size and, when the content would
// not fit, leaves out in this order: the breakdown per group of choice questions, the breakdown per
// group of all questions, the charts, the length of long question texts (PLANS); a line on the card
// says what is only in the export. Open answers then fill the room that is left (sorted, so the
// first ones alphabetically), and "en nog N antwoorden — in de export" says how many are not shown.
import type { Language } from '../config.js';
import { cardName, escapeMarkdown, fillText } from '../cards/text.js';
import { SURVEY_LIMITS, type LocalText, type Perspective, type Standard } from './model.js';
import type { DimensionResult, Figures, HiddenReason, QuestionResult, ResultSummary, SegmentResult } from './results.js';

/** Open answers shown per open question; the rest are in the export. */
export const MAX_OPEN_ANSWERS = 20;
/** Characters of one open answer on the card (answers are at most this long anyway). */
export const MAX_OPEN_ANSWER_LENGTH = SURVEY_LIMITS.openAnswerLength;
/** An option's label in a chart and in its fallback. */
export const CHART_LABEL_LENGTH = 40;
/** An option's label in a group's "most chosen". */
export const SEGMENT_LABEL_LENGTH = 30;
/**
 * The bound card's size the view aims for, in UTF-16 code units (JSON characters): 38,000 is 76 KB,
 * under the 80 KB budget with room for the estimate's error and the message around the card.
 */
export const CARD_CHAR_BUDGET = 38_000;
/** Room kept for open answers before the other content is cut back. */
const OPEN_RESERVE = 4_000;
/** A statement in the perspective table; its section below has the whole text. */
export const TABLE_STATEMENT_LENGTH = 60;
/** Names of hidden segments listed per reason. */
export const MAX_HIDDEN_NAMES = 10;

const T = {
  title: { nl: 'Uitkomsten: {title}', en: 'Results: {title}' },
  closed: { nl: 'Gesloten op {date}', en: 'Closed on {date}' },
  round: { nl: 'ronde {round}', en: 'round {round}' },
  responded: { nl: '{n} van de {total} mensen hebben gereageerd ({pct}).', en: '{n} of {total} people responded ({pct}).' },
  respondedNoRecipients: { nl: '{n} mensen hebben gereageerd.', en: '{n} people responded.' },
  anonymous: {
    nl: 'Anoniem: bij geen enkel antwoord staat een naam, en een groep van minder dan {min} mensen krijgt geen eigen uitkomst.',
    en: 'Anonymous: no answer carries a name, and a group of fewer than {min} people gets no figures of its own.',
  },
  named: {
    nl: 'Niet anoniem: de deelnemers antwoordden met hun naam, maar deze uitkomsten zijn totalen. Er staan geen namen in.',
    en: 'Not anonymous: people answered under their own name, but these results are totals. No names are in them.',
  },
  surveyBelowThreshold: {
    nl: 'Te weinig antwoorden om te tonen (minder dan {min}). Daarom staat hier alleen het aantal reacties.',
    en: 'Too few responses to show (fewer than {min}). That is why only the number of responses is shown.',
  },
  hiddenHeading: { nl: 'Niet alles is zichtbaar', en: 'Not everything is shown' },
  partSent: { nl: 'De peiling ging naar {n} mensen van {school}.', en: 'The survey went to {n} people of {school}.' },
  partSentOne: { nl: 'De peiling ging naar 1 persoon van {school}.', en: 'The survey went to 1 person of {school}.' },
  partHidden: { nl: 'De uitkomsten van {school} worden niet getoond: {reason}.', en: 'The results of {school} are not shown: {reason}.' },
  partTooFew: { nl: 'te weinig antwoorden (minder dan {min})', en: 'too few responses (fewer than {min})' },
  partProtects: { nl: 'anders zijn de antwoorden van een kleinere groep terug te rekenen', en: 'otherwise the answers of a smaller group could be worked out' },
  partNote: {
    nl: 'Alleen de uitkomsten van {school}. Open antwoorden en de totalen van het bestuur staan hier niet bij: daarin zitten ook de antwoorden van andere scholen.',
    en: "Only the results of {school}. Open answers and the board's totals are left out: they hold the answers of other schools too.",
  },
  groupBelowThreshold: { nl: 'te weinig antwoorden om te tonen (minder dan {min})', en: 'too few responses to show (fewer than {min})' },
  protectsSmallerGroup: {
    nl: 'ook verborgen, anders zijn de antwoorden van een kleinere groep terug te rekenen',
    en: 'hidden as well, as otherwise the answers of a smaller group could be worked out',
  },
  hiddenSegments: { nl: '{dimension} niet getoond: {names} — {reason}.', en: '{dimension}, not shown: {names} — {reason}.' },
  dimensionHidden: { nl: '{dimension}: niets getoond — {reason}.', en: '{dimension}: nothing shown — {reason}.' },
  notStored: {
    nl: '{dimension}: antwoorden uit groepen die te klein waren om apart te bewaren, tellen alleen mee in het totaal.',
    en: '{dimension}: answers from groups too small to keep apart count in the total only.',
  },
  andMoreNames: { nl: '{names} en nog {n}', en: '{names} and {n} more' },
  perSchool: { nl: 'Per school', en: 'By school' },
  perPerspective: { nl: 'Per perspectief', en: 'By perspective' },
  segmentSize: { nl: '{n} reacties', en: '{n} responses' },
  segmentSizeRate: { nl: '{n} reacties ({pct})', en: '{n} responses ({pct})' },
  schoolUnknown: { nl: 'School {id}', en: 'School {id}' },
  improve: { nl: 'Verbeteractie', en: 'Improvement action' },
  answers: { nl: '{n} antwoorden', en: '{n} answers' },
  answer: { nl: '1 antwoord', en: '1 answer' },
  noAnswers: { nl: 'Geen antwoorden op deze vraag.', en: 'No answers to this question.' },
  likert: { nl: 'Gemiddeld **{mean}** op een schaal van 1 tot 5 · {answers}', en: 'Average **{mean}** on a scale of 1 to 5 · {answers}' },
  scale10: { nl: 'eNPS **{enps}** · gemiddeld {mean} op een schaal van 0 tot 10 · {answers}', en: 'eNPS **{enps}** · average {mean} on a scale of 0 to 10 · {answers}' },
  yesno: { nl: 'Ja: **{pct}** · {answers}', en: 'Yes: **{pct}** · {answers}' },
  choice: { nl: '{answers}', en: '{answers}' },
  multiple: {
    nl: 'Meer keuzes mogelijk: percentages van alle {n} deelnemers, samen meer dan 100%.',
    en: 'More than one choice allowed: percentages of all {n} respondents, together over 100%.',
  },
  open: { nl: '{answers}', en: '{answers}' },
  changeMean: { nl: '{delta} ten opzichte van de vorige ronde ({previous})', en: '{delta} on the previous round ({previous})' },
  changeEnps: { nl: 'eNPS {delta} ten opzichte van de vorige ronde ({previous})', en: 'eNPS {delta} on the previous round ({previous})' },
  changeYes: { nl: '{delta} procentpunt ten opzichte van de vorige ronde ({previous})', en: '{delta} percentage points on the previous round ({previous})' },
  same: { nl: 'gelijk aan de vorige ronde', en: 'same as the previous round' },
  chartTitle: { nl: 'Aantal antwoorden', en: 'Number of answers' },
  segmentMost: { nl: 'meest gekozen: {label} ({pct})', en: 'most chosen: {label} ({pct})' },
  segmentYes: { nl: 'ja {pct}', en: 'yes {pct}' },
  segmentEnps: { nl: 'eNPS {enps} · gemiddeld {mean}', en: 'eNPS {enps} · average {mean}' },
  segmentNone: { nl: 'geen antwoorden', en: 'no answers' },
  openHeading: { nl: 'Open antwoorden, op alfabetische volgorde', en: 'Open answers, in alphabetical order' },
  openMore: { nl: 'En nog {n} antwoorden — in de export.', en: 'And {n} more answers — in the export.' },
  openMoreOne: { nl: 'En nog 1 antwoord — in de export.', en: 'And 1 more answer — in the export.' },
  openNone: { nl: 'De {n} antwoorden passen niet op deze kaart — ze staan in de export.', en: 'The {n} answers do not fit on this card — they are in the export.' },
  trimChoiceSegments: {
    nl: 'Om in een Teams-bericht te passen, staat de uitsplitsing van de keuzevragen per groep alleen in de export.',
    en: 'To fit in a Teams message, the breakdown of the choice questions by group is in the export only.',
  },
  trimSegments: {
    nl: 'Om in een Teams-bericht te passen, staat de uitsplitsing per groep alleen in de export.',
    en: 'To fit in a Teams message, the breakdown by group is in the export only.',
  },
  trimCharts: {
    nl: 'Om in een Teams-bericht te passen, staan de uitsplitsing per groep en de verdeling van de antwoorden alleen in de export.',
    en: 'To fit in a Teams message, the breakdown by group and the spread of the answers are in the export only.',
  },
  trimHeadings: {
    nl: 'Om in een Teams-bericht te passen, staan de uitsplitsing per groep en de verdeling van de antwoorden alleen in de export, en zijn lange vragen ingekort.',
    en: 'To fit in a Teams message, the breakdown by group and the spread of the answers are in the export only, and long questions are shortened.',
  },
  tableHeading: { nl: 'Perspectieven naast elkaar (gemiddelde per stelling)', en: 'Perspectives side by side (average per statement)' },
  tableStatement: { nl: 'Stelling', en: 'Statement' },
  standardsHeading: { nl: 'Per standaard (gemiddelde van de stellingen)', en: 'By standard (average of its statements)' },
  tableStandard: { nl: 'Standaard', en: 'Standard' },
  yes: { nl: 'Ja', en: 'Yes' },
  no: { nl: 'Nee', en: 'No' },
} satisfies Record<string, LocalText>;

/** Likert 1–5, from disagree to agree (the answer card's words). */
const LIKERT: readonly LocalText[] = [
  { nl: 'Helemaal oneens', en: 'Strongly disagree' },
  { nl: 'Oneens', en: 'Disagree' },
  { nl: 'Neutraal', en: 'Neutral' },
  { nl: 'Eens', en: 'Agree' },
  { nl: 'Helemaal eens', en: 'Strongly agree' },
];

const PERSPECTIVE_NAMES: Record<Perspective, LocalText> = {
  bestuur: { nl: 'Bestuur', en: 'Board' },
  schoolleiding: { nl: 'Schoolleiding', en: 'School leaders' },
  kwaliteit: { nl: 'Kwaliteitszorg', en: 'Quality officers' },
  toezicht: { nl: 'Intern toezicht', en: 'Supervisory board' },
};

/**
 * The standards for quality assurance and ambition (KA) of the inspection framework (Inspectie van
 * het Onderwijs, onderzoekskader; boards BKA, schools SKA), as named in the domain brief
 * (/work/shared/domain.md, seed 001).
 */
const STANDARD_NAMES: Record<Standard, LocalText> = {
  BKA1: { nl: 'Visie, ambities en doelen', en: 'Vision, ambitions and goals' },
  BKA2: { nl: 'Uitvoering en kwaliteitscultuur', en: 'Execution and quality culture' },
  BKA3: { nl: 'Evaluatie, verantwoording en dialoog', en: 'Evaluation, accountability and dialogue' },
  SKA1: { nl: 'Kwaliteitszorg', en: 'Quality assurance' },
  SKA2: { nl: 'Kwaliteitscultuur', en: 'Quality culture' },
  SKA3: { nl: 'Verantwoording en dialoog', en: 'Accountability and dialogue' },
};

/**
 * Colours of the chart elements (the documented `color` values of a data point). Likert and 0–10
 * diverge from red to blue (detractors, passives, promoters for 0–10); answers to a choice or
 * yes/no are not good or bad, so they get neutral categorical colours.
 */
const LIKERT_COLORS = ['divergingRed', 'divergingLightRed', 'divergingGray', 'divergingLightBlue', 'divergingBlue'];
const scale10Color = (v: number): string => (v <= 6 ? 'divergingRed' : v <= 8 ? 'divergingGray' : 'divergingBlue');

export interface ResultViewOptions {
  title: string;
  language: Language;
  closedAt: Date;
  round?: number;
  /** The survey's opaque public id, for the improvement action. */
  survey: string;
  /** One school's part of a board-wide survey (results-card.ts, schoolSummary): the school's name. */
  part?: string;
  /** Offer "verbeteractie" per question (default true; not on a directeur's part, where it would be refused). */
  canImprove?: boolean;
}

export interface ChartPoint {
  x: string;
  y: number;
  color?: string;
}

export interface QuestionView {
  id: string;
  heading: string;
  headline: string;
  change: string;
  /** Which chart element: '' for none (open questions, no answers). */
  chart: 'horizontal' | 'vertical' | '';
  chartData: ChartPoint[];
  /** The chart's fallback: label, count · % and a text bar. */
  facts: { title: string; value: string }[];
  segmentFacts: { title: string; value: string }[];
  openTexts: { text: string }[];
  openMore: string;
}

export interface ResultCardView {
  survey: string;
  title: string;
  subtitle: string;
  responseLine: string;
  anonymityLine: string;
  notice: string;
  /** What was left out to fit in a Teams message ('' when nothing). */
  trimNote: string;
  segmentLines: { text: string }[];
  hiddenHeading: string;
  hiddenLines: { text: string }[];
  improveLabel: string;
  canImprove: boolean;
  chartTitle: string;
  openHeading: string;
  hasTable: boolean;
  tableHeading: string;
  tableColumns: { width: number }[];
  tableHeader: { text: string }[];
  tableRows: { cells: { text: string }[] }[];
  standardsHeading: string;
  standardsHeader: { text: string }[];
  standardRows: { cells: { text: string }[] }[];
  questions: QuestionView[];
}

function say(text: LocalText, language: Language, params: Record<string, string | number> = {}): string {
  return fillText(text[language], params);
}

// Building an Intl formatter costs far more than using one: build each once.
const LOCALES: Record<Language, string> = { nl: 'nl-NL', en: 'en-GB' };
const fmt = (language: Language, o: Intl.NumberFormatOptions) => new Intl.NumberFormat(LOCALES[language], o);
const FORMATS = {
  nl: { one: fmt('nl', { minimumFractionDigits: 1, maximumFractionDigits: 1 }), signedOne: fmt('nl', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }), int: fmt('nl', { maximumFractionDigits: 0 }), signed: fmt('nl', { maximumFractionDigits: 0, signDisplay: 'exceptZero' }), pct: fmt('nl', { style: 'percent', maximumFractionDigits: 0 }) },
  en: { one: fmt('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 }), signedOne: fmt('en', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }), int: fmt('en', { maximumFractionDigits: 0 }), signed: fmt('en', { maximumFractionDigits: 0, signDisplay: 'exceptZero' }), pct: fmt('en', { style: 'percent', maximumFractionDigits: 0 }) },
};
const DATES: Record<Language, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' }),
};

/** Numbers as the language writes them: nl 3,8 and 35%; en 3.8 and 35%. */
export const formatMean = (n: number, language: Language): string => FORMATS[language].one.format(round1(n));
export const formatPercent = (n: number, language: Language): string => FORMATS[language].pct.format(Math.round(n) / 100);
export const formatSigned = (n: number, language: Language): string => FORMATS[language].signed.format(n);
const formatInt = (n: number, language: Language): string => FORMATS[language].int.format(n);
const round1 = (n: number): number => Math.round(n * 10) / 10;

function cut(text: string, n: number): string {
  const chars = [...text];
  return chars.length <= n ? text : `${chars.slice(0, n - 1).join('').trimEnd()}…`;
}

const answersText = (n: number, language: Language): string => (n === 1 ? say(T.answer, language) : say(T.answers, language, { n: formatInt(n, language) }));

function optionLabels(q: QuestionResult, language: Language): string[] {
  switch (q.kind) {
    case 'likert':
      return LIKERT.map((l) => l[language]);
    case 'yesno':
      return [say(T.yes, language), say(T.no, language)];
    case 'scale10':
      return q.distribution.map((d) => String(d.value));
    case 'choice':
      return q.options;
    case 'open':
      return [];
  }
}

function pointColor(q: QuestionResult, value: number): string {
  switch (q.kind) {
    case 'likert':
      return LIKERT_COLORS[value - 1] ?? 'neutral';
    case 'scale10':
      return scale10Color(value);
    case 'yesno':
      return value === 1 ? 'categoricalBlue' : 'categoricalMarigold';
    default:
      return 'categoricalBlue';
  }
}

/** Chart axis labels, cut and made unique (two bars with one label would merge). */
function chartLabels(labels: string[]): string[] {
  const seen = new Set<string>();
  return labels.map((l, i) => {
    let x = cut(l.trim() || String(i + 1), CHART_LABEL_LENGTH);
    if (seen.has(x)) x = `${cut(x, CHART_LABEL_LENGTH - 5)} (${i + 1})`;
    seen.add(x);
    return x;
  });
}

const bar = (pct: number): string => '█'.repeat(Math.round(pct / 10)) || (pct > 0 ? '▏' : '');

function headline(q: QuestionResult, summary: ResultSummary, language: Language): string {
  const answers = answersText(q.answered ?? 0, language);
  switch (q.kind) {
    case 'likert':
      return q.mean === null ? say(T.noAnswers, language) : say(T.likert, language, { mean: formatMean(q.mean, language), answers });
    case 'scale10':
      return q.mean === null || q.enps === null ? say(T.noAnswers, language) : say(T.scale10, language, { enps: formatSigned(q.enps, language), mean: formatMean(q.mean, language), answers });
    case 'yesno':
      return q.yesPercent === null ? say(T.noAnswers, language) : say(T.yesno, language, { pct: formatPercent(q.yesPercent, language), answers });
    case 'choice':
      if (q.multiple) return say(T.multiple, language, { n: formatInt(summary.respondents, language) });
      return q.answered ? say(T.choice, language, { answers }) : say(T.noAnswers, language);
    case 'open':
      return q.answered ? say(T.open, language, { answers }) : say(T.noAnswers, language);
  }
}

function changeText(q: QuestionResult, language: Language): string {
  const c = q.change;
  if (!c) return '';
  const arrow = (d: number) => (d > 0 ? '▲ ' : d < 0 ? '▼ ' : '');
  const parts: string[] = [];
  // The change between the figures as shown (rounded), so "3,8 (+0,1)" never sits next to a shown 3,8.
  if (c.mean && q.mean !== null) {
    const d = round1(round1(q.mean) - round1(c.mean.previous));
    parts.push(d === 0 ? say(T.same, language) : arrow(d) + say(T.changeMean, language, { delta: FORMATS[language].signedOne.format(d), previous: formatMean(c.mean.previous, language) }));
  }
  if (c.enps && q.enps !== null) {
    const d = q.enps - c.enps.previous;
    parts.push(d === 0 ? say(T.same, language) : arrow(d) + say(T.changeEnps, language, { delta: formatSigned(d, language), previous: formatSigned(c.enps.previous, language) }));
  }
  if (c.yesPercent && q.yesPercent !== null) {
    const d = Math.round(q.yesPercent) - Math.round(c.yesPercent.previous);
    parts.push(d === 0 ? say(T.same, language) : arrow(d) + say(T.changeYes, language, { delta: formatSigned(d, language), previous: formatPercent(c.yesPercent.previous, language) }));
  }
  // A 0–10 question has both a mean and an eNPS: the eNPS is its headline, so its change is the one shown.
  return q.kind === 'scale10' && parts.length > 1 ? parts[parts.length - 1]! : (parts[0] ?? '');
}

function segmentName(s: SegmentResult, language: Language): string {
  if (s.dimension === 'perspective') {
    const known = PERSPECTIVE_NAMES[s.key as Perspective] as LocalText | undefined;
    return known ? known[language] : escapeMarkdown(cardName(s.key));
  }
  return s.name ? escapeMarkdown(cardName(s.name)) : say(T.schoolUnknown, language, { id: s.key });
}

function segmentValue(q: QuestionResult, f: Figures, language: Language): string {
  const none = say(T.segmentNone, language);
  switch (q.kind) {
    case 'likert':
      return f.mean === null ? none : formatMean(f.mean, language);
    case 'scale10':
      return f.mean === null || f.enps === null ? none : say(T.segmentEnps, language, { enps: formatSigned(f.enps, language), mean: formatMean(f.mean, language) });
    case 'yesno':
      return f.yesPercent === null ? none : say(T.segmentYes, language, { pct: formatPercent(f.yesPercent, language) });
    case 'choice': {
      const top = f.distribution.reduce<(typeof f.distribution)[number] | null>((best, d) => (d.count > 0 && (!best || d.count > best.count) ? d : best), null);
      if (!top) return none;
      return say(T.segmentMost, language, { label: escapeMarkdown(cut(q.options[top.value] ?? '', SEGMENT_LABEL_LENGTH)), pct: formatPercent(top.percent, language) });
    }
    case 'open':
      return '';
  }
}

const dimensionName = (d: DimensionResult, language: Language) => say(d.dimension === 'school' ? T.perSchool : T.perPerspective, language);

function reasonText(reason: HiddenReason, summary: ResultSummary, language: Language): string {
  return reason === 'protectsSmallerGroup' ? say(T.protectsSmallerGroup, language) : say(T.groupBelowThreshold, language, { min: summary.minGroupSize });
}

function namesList(names: string[], language: Language): string {
  if (names.length <= MAX_HIDDEN_NAMES) return names.join(', ');
  return say(T.andMoreNames, language, { names: names.slice(0, MAX_HIDDEN_NAMES).join(', '), n: names.length - MAX_HIDDEN_NAMES });
}

function hiddenLines(summary: ResultSummary, language: Language): string[] {
  if (summary.hidden) return [say(T.surveyBelowThreshold, language, { min: summary.minGroupSize })];
  const lines: string[] = [];
  for (const d of summary.dimensions) {
    const dim = dimensionName(d, language);
    if (!d.shown) {
      lines.push(say(T.dimensionHidden, language, { dimension: dim, reason: reasonText(d.reason ?? 'groupBelowThreshold', summary, language) }));
      continue;
    }
    for (const reason of ['groupBelowThreshold', 'protectsSmallerGroup'] as const) {
      const names = d.segments.filter((s) => !s.shown && s.reason === reason).map((s) => segmentName(s, language));
      if (names.length > 0) lines.push(say(T.hiddenSegments, language, { dimension: dim, reason: reasonText(reason, summary, language), names: namesList(names, language) }));
    }
    if (d.notStored && summary.anonymous) lines.push(say(T.notStored, language, { dimension: dim }));
  }
  return lines;
}

function segmentLines(summary: ResultSummary, language: Language): string[] {
  return summary.dimensions
    .filter((d) => d.shown)
    .map((d) => {
      const parts = d.segments.flatMap((s) => {
        if (!s.shown) return [];
        const size = s.responseRate === null ? say(T.segmentSize, language, { n: formatInt(s.respondents, language) }) : say(T.segmentSizeRate, language, { n: formatInt(s.respondents, language), pct: formatPercent(s.responseRate, language) });
        return [`${segmentName(s, language)}: ${size}`];
      });
      return `**${dimensionName(d, language)}:** ${parts.join(' · ')}`;
    });
}

/** What goes on the card; the first plan whose estimate fits is used (see the header). */
interface Plan {
  choiceSegments: boolean;
  segments: boolean;
  charts: boolean;
  headingLength: number;
  note: LocalText | null;
}
const PLANS: readonly Plan[] = [
  { choiceSegments: true, segments: true, charts: true, headingLength: SURVEY_LIMITS.questionLength, note: null },
  { choiceSegments: false, segments: true, charts: true, headingLength: SURVEY_LIMITS.questionLength, note: T.trimChoiceSegments },
  { choiceSegments: false, segments: false, charts: true, headingLength: SURVEY_LIMITS.questionLength, note: T.trimSegments },
  { choiceSegments: false, segments: false, charts: false, headingLength: SURVEY_LIMITS.questionLength, note: T.trimCharts },
  { choiceSegments: false, segments: false, charts: false, headingLength: 100, note: T.trimHeadings },
];

/**
 * What the template adds around the view's strings, in characters (measured on the template, rounded
 * up): the card's fixed parts, a question's container, header row and improvement action, a chart's
 * element and fallback, a text line, a table cell, an open answer.
 */
const OVERHEAD = { card: 1_500, question: 320, chart: 250, line: 90, cell: 100, openText: 90 };

function estimate(view: ResultCardView): number {
  let n = JSON.stringify(view).length + OVERHEAD.card;
  n += (view.segmentLines.length + view.hiddenLines.length) * OVERHEAD.line;
  n += (view.tableHeader.length + view.standardsHeader.length + [...view.tableRows, ...view.standardRows].reduce((a, r) => a + r.cells.length, 0)) * OVERHEAD.cell;
  for (const q of view.questions) n += OVERHEAD.question + (q.chart ? OVERHEAD.chart : 0) + q.openTexts.length * OVERHEAD.openText;
  return n;
}

const openCost = (text: string): number => JSON.stringify(text).length + 10 + OVERHEAD.openText;

/** An open answer as shown: whitespace folded, cut at the limit, escaped. */
const openText = (t: string, length: number = MAX_OPEN_ANSWER_LENGTH): string => escapeMarkdown(cut(t.replace(/\s+/g, ' '), length));

/** The open answers each open question shows within `room` characters, shared equally. */
function fillOpenAnswers(view: ResultCardView, summary: ResultSummary, room: number, language: Language): void {
  const open = summary.questions.filter((q) => q.kind === 'open' && q.openTexts && q.openTexts.length > 0);
  const share = Math.max(0, Math.floor(room / Math.max(1, open.length)));
  for (const q of open) {
    const all = q.openTexts!;
    const texts: string[] = [];
    let used = 0;
    for (const t of all.slice(0, MAX_OPEN_ANSWERS)) {
      const text = openText(t);
      if (used + openCost(text) > share) {
        // One answer at least, cut to the room there is, when that room is worth reading.
        if (texts.length === 0 && share >= 400) {
          let length = Math.min(MAX_OPEN_ANSWER_LENGTH, share - 200);
          let shorter = openText(t, length);
          while (length > 100 && openCost(shorter) > share) shorter = openText(t, (length = Math.floor(length * 0.8)));
          if (openCost(shorter) <= share) texts.push(shorter);
        }
        break;
      }
      texts.push(text);
      used += openCost(text);
    }
    const v = view.questions.find((x) => x.id === q.id)!;
    v.openTexts = texts.map((text) => ({ text }));
    const more = all.length - texts.length;
    v.openMore =
      more === 0
        ? ''
        : texts.length === 0
          ? say(T.openNone, language, { n: formatInt(more, language) })
          : more === 1
            ? say(T.openMoreOne, language)
            : say(T.openMore, language, { n: formatInt(more, language) });
  }
}

function questionView(q: QuestionResult, n: number, summary: ResultSummary, plan: Plan, language: Language, withPerspectives: boolean): QuestionView {
  const labels = optionLabels(q, language);
  const hasAnswers = q.distribution.some((d) => d.count > 0);
  const chart: QuestionView['chart'] = !plan.charts || q.kind === 'open' || !hasAnswers ? '' : q.kind === 'scale10' ? 'vertical' : 'horizontal';
  const xs = chartLabels(labels);
  const segmentFacts: QuestionView['segmentFacts'] = [];
  if (q.kind !== 'open' && plan.segments && (plan.choiceSegments || q.kind !== 'choice')) {
    for (const d of summary.dimensions) {
      if (!d.shown || (d.dimension === 'perspective' && !withPerspectives)) continue;
      for (const s of d.segments) {
        if (!s.shown) continue;
        const f = s.questions.find((x) => x.questionId === q.id);
        if (f) segmentFacts.push({ title: segmentName(s, language), value: segmentValue(q, f, language) });
      }
    }
  }
  return {
    id: q.id,
    heading: `**${n}.** ${escapeMarkdown(cut(q.text, plan.headingLength))}`,
    headline: headline(q, summary, language),
    change: changeText(q, language),
    chart,
    // Choice bars get the chart's own colours; scales get theirs per value.
    chartData: chart ? q.distribution.map((d, i) => ({ x: xs[i] ?? String(d.value), y: d.count, ...(q.kind === 'choice' ? {} : { color: pointColor(q, d.value) }) })) : [],
    facts: chart
      ? q.distribution.map((d, i) => ({
          title: escapeMarkdown(cut(labels[i] ?? String(d.value), CHART_LABEL_LENGTH)),
          value: `${formatInt(d.count, language)} · ${formatPercent(d.percent, language)} ${bar(d.percent)}`.trimEnd(),
        }))
      : [],
    segmentFacts,
    openTexts: [],
    openMore: '',
  };
}

const cell = (text: string) => ({ text });

function build(summary: ResultSummary, options: ResultViewOptions, plan: Plan): ResultCardView {
  const { language } = options;
  const date = say(T.closed, language, { date: DATES[language].format(options.closedAt) });
  const subtitle = options.round !== undefined ? `${date} · ${say(T.round, language, { round: options.round })}` : date;
  const part = options.part === undefined ? null : escapeMarkdown(cardName(options.part) || '—');
  const responseLine = part !== null && summary.hidden
    ? say(summary.recipients === 1 ? T.partSentOne : T.partSent, language, { n: formatInt(summary.recipients, language), school: part })
    : summary.responseRate === null
      ? say(T.respondedNoRecipients, language, { n: formatInt(summary.respondents, language) })
      : say(T.responded, language, { n: formatInt(summary.respondents, language), total: formatInt(summary.recipients, language), pct: formatPercent(summary.responseRate, language) });
  const table = summary.perspectiveTable;
  const numberOf = new Map(summary.questions.map((q, i) => [q.id, i + 1]));
  const mean = (m: number | null) => (m === null ? '–' : formatMean(m, language));
  const header = (first: string) => [cell(first), ...(table?.perspectives ?? []).map((p) => cell(PERSPECTIVE_NAMES[p as Perspective]?.[language] ?? escapeMarkdown(cardName(p))))];
  return {
    survey: options.survey,
    title: say(T.title, language, { title: escapeMarkdown(options.title) }),
    subtitle,
    responseLine,
    anonymityLine: summary.anonymous ? say(T.anonymous, language, { min: summary.minGroupSize }) : say(T.named, language),
    notice:
      part !== null
        ? summary.hidden
          ? say(T.partHidden, language, { school: part, reason: summary.hidden === 'protectsSmallerGroup' ? say(T.partProtects, language) : say(T.partTooFew, language, { min: summary.minGroupSize }) })
          : say(T.partNote, language, { school: part })
        : summary.hidden
          ? say(T.surveyBelowThreshold, language, { min: summary.minGroupSize })
          : '',
    trimNote: plan.note ? say(plan.note, language) : '',
    segmentLines: segmentLines(summary, language).map((text) => ({ text })),
    hiddenHeading: say(T.hiddenHeading, language),
    hiddenLines: (summary.hidden ? [] : hiddenLines(summary, language)).map((text) => ({ text })),
    improveLabel: say(T.improve, language),
    canImprove: options.canImprove ?? true,
    chartTitle: say(T.chartTitle, language),
    openHeading: say(T.openHeading, language),
    hasTable: table !== null,
    tableHeading: say(T.tableHeading, language),
    tableColumns: table ? [{ width: 3 }, ...table.perspectives.map(() => ({ width: 1 }))] : [],
    tableHeader: table ? header(say(T.tableStatement, language)) : [],
    tableRows: (table?.statements ?? []).map((s) => ({ cells: [cell(`${numberOf.get(s.questionId) ?? ''}. ${escapeMarkdown(cut(s.text, TABLE_STATEMENT_LENGTH))}`), ...s.means.map((m) => cell(mean(m)))] })),
    standardsHeading: say(T.standardsHeading, language),
    standardsHeader: table && table.standards.length > 0 ? header(say(T.tableStandard, language)) : [],
    standardRows: (table?.standards ?? []).map((s) => ({ cells: [cell(`${s.standard} ${STANDARD_NAMES[s.standard][language]}`), ...s.means.map((m) => cell(mean(m)))] })),
    questions: summary.questions.map((q, i) => questionView(q, i + 1, summary, plan, language, table === null)),
  };
}

/** The open answers' room wanted before other content is cut back: what they need, at most OPEN_RESERVE. */
function openWanted(summary: ResultSummary): number {
  const need = summary.questions.reduce((a, q) => a + (q.openTexts ?? []).slice(0, MAX_OPEN_ANSWERS).reduce((b, t) => b + openCost(openText(t)), 0), 0);
  return Math.min(need, OPEN_RESERVE);
}

export function resultCardViewModel(summary: ResultSummary, options: ResultViewOptions): ResultCardView {
  const reserve = openWanted(summary);
  let view = build(summary, options, PLANS[0]!);
  for (const plan of PLANS) {
    view = build(summary, options, plan);
    if (estimate(view) + reserve <= CARD_CHAR_BUDGET) break;
  }
  fillOpenAnswers(view, summary, CARD_CHAR_BUDGET - estimate(view), options.language);
  return view;
}
