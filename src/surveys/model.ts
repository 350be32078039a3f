// Surveys: the domain types and pure rules (no I/O, no clock: `now` comes in as an argument).
// A survey is a list of questions in the author's language, an audience, a deadline, reminders and
// a channel for its results. Anonymous answers are sealed until the survey closes and then written
// without any link to a person (docs/surveys.md, "Anonymity").
type Language = 'nl' | 'en';

export interface LocalText {
  nl: string;
  en: string;
}

/** likert: 1–5 agree; choice: options (single or multiple); yesno; scale10: 0–10 (eNPS); open: text. */
export type QuestionKind = 'likert' | 'choice' | 'yesno' | 'scale10' | 'open';
export const QUESTION_KINDS: readonly QuestionKind[] = ['likert', 'choice', 'yesno', 'scale10', 'open'];

/** The inspection framework's standards a statement can belong to (boards: BKA, schools: SKA). */
export type Standard = 'BKA1' | 'BKA2' | 'BKA3' | 'SKA1' | 'SKA2' | 'SKA3';
export const STANDARDS: readonly Standard[] = ['BKA1', 'BKA2', 'BKA3', 'SKA1', 'SKA2', 'SKA3'];

export interface ChoiceOption {
  /** 'a'…'j', stable within the question. */
  id: string;
  label: string;
}

export interface Question {
  /** 'q1'…'q20', stable within the survey (results of recurring rounds are compared by it). */
  id: string;
  kind: QuestionKind;
  text: string;
  required: boolean;
  /** choice only: 2–10 options. */
  options?: ChoiceOption[];
  /** choice only: more than one option may be picked. */
  multiple?: boolean;
  /** The standard a statement belongs to (the perspective self-evaluation groups by it). */
  standard?: Standard;
}

/** A template's question: texts in both languages; materialised in the author's language. */
export interface TemplateQuestion {
  kind: QuestionKind;
  text: LocalText;
  required?: boolean;
  options?: LocalText[];
  multiple?: boolean;
  standard?: Standard;
}

/** Who answers a perspective self-evaluation: the same statements from several sides. */
export type Perspective = 'bestuur' | 'schoolleiding' | 'kwaliteit' | 'toezicht';
export const PERSPECTIVES: readonly Perspective[] = ['bestuur', 'schoolleiding', 'kwaliteit', 'toezicht'];

export type SurveyKind = 'pulse' | 'selfEvaluation';

export interface SurveyTemplate {
  key: string;
  kind: SurveyKind;
  title: LocalText;
  description: LocalText;
  questions: TemplateQuestion[];
  /** Default on; the perspective self-evaluation is off by default, and says why. */
  anonymous: boolean;
  /** Shown on the draft card when the template has a reason for its default (e.g. small groups). */
  anonymityNote?: LocalText;
  /** Segment the results by perspective (roles: bestuurder, directeur, kwaliteitsmedewerker, rvt). */
  byPerspective?: boolean;
}

export const SURVEY_LIMITS = {
  titleLength: 120,
  questionLength: 300,
  optionLength: 80,
  options: { min: 2, max: 10 },
  /** A pulse has at most 10 questions; above 5 the card warns. */
  pulseQuestions: 10,
  pulseWarnAbove: 5,
  selfEvaluationQuestions: 20,
  /** Open questions per pulse (a self-evaluation may have more). */
  pulseOpenQuestions: 1,
  openAnswerLength: 1_000,
  minGroupSize: { min: 3, max: 25, default: 5 },
  reminders: 3,
  /** Days from opening to the deadline. */
  durationDays: { min: 1, max: 60 },
} as const;

export type SurveyStatus = 'draft' | 'scheduled' | 'open' | 'closed' | 'cancelled';

/** The answers as given for one question: a number (likert 1–5, yesno 1/0, scale10 0–10), option ids, or text. */
export type AnswerValue = number | string[] | string;

export type Answers = Record<string, AnswerValue>;

export interface FieldError {
  questionId: string;
  message: LocalText;
}

const e = (questionId: string, nl: string, en: string): FieldError => ({ questionId, message: { nl, en } });

/** The input id of a question in the answer card, and of one option of a multiple choice. */
export const inputId = (questionId: string): string => `a_${questionId}`;

/**
 * The answers a card sent (Action.Execute data: every input as a string), checked against the
 * questions: required, ranges, option ids, text length, unknown keys ignored. Valid: the answers
 * (only answered questions); invalid: one error per question, and the given values to show again.
 */
export function parseAnswers(
  questions: readonly Question[],
  data: Record<string, unknown>,
): { ok: true; answers: Answers } | { ok: false; errors: FieldError[]; given: Record<string, string> } {
  const answers: Answers = {};
  const errors: FieldError[] = [];
  const given: Record<string, string> = {};
  for (const q of questions) {
    const raw = data[inputId(q.id)];
    const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
    if (text.length > 0) given[inputId(q.id)] = text.slice(0, SURVEY_LIMITS.openAnswerLength * 2);
    const trimmed = text.trim();
    if (trimmed === '') {
      if (q.required) errors.push(e(q.id, 'Deze vraag is verplicht.', 'This question is required.'));
      continue;
    }
    switch (q.kind) {
      case 'likert':
      case 'scale10':
      case 'yesno': {
        const [lo, hi] = q.kind === 'likert' ? [1, 5] : q.kind === 'scale10' ? [0, 10] : [0, 1];
        if (!/^\d{1,2}$/.test(trimmed) || Number(trimmed) < lo || Number(trimmed) > hi) {
          errors.push(e(q.id, `Kies een waarde van ${lo} tot en met ${hi}.`, `Pick a value from ${lo} to ${hi}.`));
        } else answers[q.id] = Number(trimmed);
        break;
      }
      case 'choice': {
        const ids = q.multiple ? trimmed.split(',').map((s) => s.trim()).filter(Boolean) : [trimmed];
        const known = new Set((q.options ?? []).map((o) => o.id));
        if (ids.length === 0 || ids.some((id) => !known.has(id)) || new Set(ids).size !== ids.length || (!q.multiple && ids.length > 1)) {
          errors.push(e(q.id, 'Kies een van de opties.', 'Pick one of the options.'));
        } else answers[q.id] = ids;
        break;
      }
      case 'open': {
        if ([...trimmed].length > SURVEY_LIMITS.openAnswerLength) {
          errors.push(e(q.id, `Houd het antwoord onder de ${SURVEY_LIMITS.openAnswerLength} tekens.`, `Keep the answer under ${SURVEY_LIMITS.openAnswerLength} characters.`));
        } else answers[q.id] = trimmed;
        break;
      }
    }
  }
  return errors.length > 0 ? { ok: false, errors, given } : { ok: true, answers };
}

/** What is wrong with a list of questions for a survey of this kind (empty: nothing). */
export function checkQuestions(kind: SurveyKind, questions: readonly Question[]): LocalText[] {
  const problems: LocalText[] = [];
  const max = kind === 'pulse' ? SURVEY_LIMITS.pulseQuestions : SURVEY_LIMITS.selfEvaluationQuestions;
  if (questions.length === 0) problems.push({ nl: 'Een peiling heeft minstens één vraag.', en: 'A survey has at least one question.' });
  if (questions.length > max) {
    problems.push(
      kind === 'pulse'
        ? { nl: `Een korte peiling heeft hoogstens ${max} vragen.`, en: `A pulse survey has at most ${max} questions.` }
        : { nl: `Een zelfevaluatie heeft hoogstens ${max} stellingen.`, en: `A self-evaluation has at most ${max} statements.` },
    );
  }
  const open = questions.filter((q) => q.kind === 'open').length;
  if (kind === 'pulse' && open > SURVEY_LIMITS.pulseOpenQuestions) {
    problems.push({ nl: 'Een korte peiling heeft hoogstens één open vraag.', en: 'A pulse survey has at most one open question.' });
  }
  const ids = new Set<string>();
  for (const q of questions) {
    const n = q.id.replace(/^q/, '');
    if (ids.has(q.id)) problems.push({ nl: `Vraag ${n} staat er twee keer in.`, en: `Question ${n} is there twice.` });
    ids.add(q.id);
    if (q.text.trim() === '' || q.text.length > SURVEY_LIMITS.questionLength) {
      problems.push({ nl: `Vraag ${n} heeft een tekst van 1 tot ${SURVEY_LIMITS.questionLength} tekens nodig.`, en: `Question ${n} needs a text of 1 to ${SURVEY_LIMITS.questionLength} characters.` });
    }
    if (q.kind === 'choice') {
      const options = q.options?.length ?? 0;
      if (options < SURVEY_LIMITS.options.min || options > SURVEY_LIMITS.options.max) {
        problems.push({ nl: `Vraag ${n} is een keuzevraag: geef 2 tot 10 opties.`, en: `Question ${n} is a choice question: give 2 to 10 options.` });
      }
    }
  }
  return problems;
}

/** Above this many questions the draft card warns that short surveys get answered. */
export const warnsLength = (kind: SurveyKind, count: number): boolean => kind === 'pulse' && count > SURVEY_LIMITS.pulseWarnAbove;

/** The template's questions in one language, with ids q1… and option ids a…. */
export function materialise(questions: readonly TemplateQuestion[], language: Language): Question[] {
  return questions.map((t, i) => ({
    id: `q${i + 1}`,
    kind: t.kind,
    text: t.text[language],
    required: t.required ?? t.kind !== 'open',
    ...(t.kind === 'choice'
      ? { options: (t.options ?? []).map((o, j) => ({ id: String.fromCharCode(97 + j), label: o[language] })), multiple: t.multiple ?? false }
      : {}),
    ...(t.standard ? { standard: t.standard } : {}),
  }));
}

/**
 * A segment (a school, a perspective) is labelled on an anonymous answer only when that many people
 * or more were sent the survey in it: otherwise its label is never stored, so a small group cannot
 * be picked out of the data later. Results then apply the threshold again to who answered.
 */
export const segmentMayBeStored = (recipientsInSegment: number, minGroupSize: number): boolean => recipientsInSegment >= minGroupSize;

/** eNPS from 0–10 answers: % promoters (9–10) minus % detractors (0–6), rounded; null without answers. */
export function enps(counts: ReadonlyMap<number, number>): number | null {
  let total = 0;
  let promoters = 0;
  let detractors = 0;
  for (const [value, n] of counts) {
    total += n;
    if (value >= 9) promoters += n;
    else if (value <= 6) detractors += n;
  }
  return total === 0 ? null : Math.round(((promoters - detractors) / total) * 100);
}

/** How a survey repeats: every N weeks (from this round's opening), or on set dates. */
export type Repeat = { everyWeeks: number } | { dates: string[] };
export const REPEAT_WEEKS = [2, 4, 6, 8, 12] as const;

/**
 * When the next round opens, given this round's opening (`openedAt`) and its repeat rule; null
 * when the series ends (no set date left). `at` is the earliest moment to consider (now). Dates are
 * yyyy-mm-dd; a set date opens at 08:00 Amsterdam time (the caller's `dateToInstant`).
 */
export function nextRoundAt(repeat: Repeat, openedAt: Date, at: Date, dateToInstant: (date: string) => Date, addWeeks: (d: Date, weeks: number) => Date): Date | null {
  if ('everyWeeks' in repeat) {
    let next = addWeeks(openedAt, repeat.everyWeeks);
    for (let i = 0; next <= at && i < 1_000; i++) next = addWeeks(next, repeat.everyWeeks);
    return next;
  }
  const upcoming = [...repeat.dates].sort().map(dateToInstant).find((d) => d > at);
  return upcoming ?? null;
}

/** The most addresses one pasted list may hold (larger audiences: a team, roles or schools). */
export const MAX_LISTED_EMAILS = 2_000;

/**
 * Email addresses from pasted text or a file (a column copied from Excel, a CSV with names and
 * addresses, one per line, or several on a line separated by commas or semicolons): lower-cased,
 * each once, in the order given. A line (a row) without any address is returned apart, so the
 * author sees it; a first row that names its columns is skipped.
 */
export function parseEmailList(text: string): { emails: string[]; invalid: string[] } {
  const emails: string[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  const lines = text.slice(0, 1_000_000).split(/\r?\n/);
  lines.forEach((line, i) => {
    const found = line.match(/[^@\s,;"'<>()]{1,64}@[^@\s,;"'<>()]{1,255}\.[a-z]{2,}/gi) ?? [];
    if (found.length === 0) {
      const cells = line.replace(/["']/g, '').trim();
      if (!cells) return;
      if (i === 0 && /(e-?mail|adres|address|naam|name)/i.test(cells)) return; // a header row
      if (invalid.length < 50) invalid.push(cells.slice(0, 80));
      return;
    }
    for (const raw of found) {
      const e = raw.toLowerCase().replace(/\.+$/, '');
      if (!seen.has(e)) {
        seen.add(e);
        emails.push(e);
      }
    }
  });
  return { emails, invalid };
}
