// The cards a staff member gets in their 1:1 chat with Cadans to answer a survey: the question card,
// the thank-you card that replaces it, and the states in which there is nothing to answer (closed,
// cancelled, already answered, not sent to you). Display-ready strings in nl and en; no I/O, no clock.
//
// Markdown: Teams renders Markdown only in TextBlock and Fact (Microsoft Learn, "Format cards in
// Microsoft Teams": "Markdown is supported in Adaptive Card Textblock field, and Fact.Title and
// Fact.Value"; an expanded ChoiceSet's titles are plain text "by design", MicrosoftDocs/msteams-docs
// issue 12228). So the survey title, the author's and the channel's name, which go into TextBlocks, are
// escaped; a question's text is the input's `label` and an option's text a choice `title`, both plain
// text, and go in as written: escaping them would show the backslashes.
import type { Language } from '../config.js';
import type { AdaptiveCard } from '../cards/render.js';
import { cardName, escapeMarkdown, fillText } from '../cards/text.js';
import { SURVEY_LIMITS, inputId, type Answers, type FieldError, type LocalText, type Question } from './model.js';

export const ANSWER_TEMPLATE_NAMES = ['surveys.question', 'surveys.thanks', 'surveys.state'] as const;
export type AnswerTemplateName = (typeof ANSWER_TEMPLATE_NAMES)[number];

/** The part of the card renderer these views use (cards/render.ts' CardRenderer once it lists the names above). */
export interface AnswerCardRenderer {
  render(name: AnswerTemplateName, data: object): AdaptiveCard;
}

/** What the answer cards show of a survey. */
export interface AnswerCardSurvey {
  /** The opaque id on the card's buttons. */
  publicId: string;
  title: string;
  anonymous: boolean;
  deadline: Date;
  authorName: string;
  resultsChannelName?: string | null;
}

export interface QuestionCardSurvey extends AnswerCardSurvey {
  questions: readonly Question[];
}

export interface QuestionCardOptions {
  /** The recipient's language; the survey's own texts stay in the author's. */
  language: Language;
  /** The raw values last sent, by input id (parseAnswers' `given`, or givenFromAnswers when changing). */
  given?: Readonly<Record<string, string>>;
  /** The server's errors, shown under their question. */
  errors?: readonly FieldError[];
  /** Sent as a reminder: one line at the top says so. */
  reminder?: boolean;
  /** Not anonymous only: the person reopened their answers to change them. */
  changing?: boolean;
}

export type StateKind = 'closed' | 'cancelled' | 'alreadyAnswered' | 'notForYou';

const S = {
  send: { nl: 'Versturen', en: 'Send' },
  meta: { nl: 'Van {author} · invullen kan tot {deadline}', en: 'From {author} · open until {deadline}' },
  introAnonymous: {
    nl: 'Je antwoorden zijn anoniem: niemand kan zien wat jij hebt geantwoord. Na verzenden kun je ze niet meer wijzigen.',
    en: 'Your answers are anonymous: nobody can see what you answered. Once sent, they cannot be changed.',
  },
  introNamed: {
    nl: 'Deze peiling is niet anoniem: je naam staat bij je antwoorden. Je kunt ze wijzigen tot {deadline}.',
    en: 'This survey is not anonymous: your name is stored with your answers. You can change them until {deadline}.',
  },
  reminder: { nl: 'Herinnering: je hebt deze peiling nog niet ingevuld.', en: 'Reminder: you have not answered this survey yet.' },
  changing: {
    nl: 'Je eerdere antwoorden staan al ingevuld. Pas aan wat je wilt en verstuur opnieuw.',
    en: 'Your earlier answers are filled in. Change what you want and send again.',
  },
  errorsOne: { nl: 'Nog niet verstuurd: kijk bij de vraag met een melding.', en: 'Not sent yet: check the question with a message.' },
  errorsMany: { nl: 'Nog niet verstuurd: kijk bij de {count} vragen met een melding.', en: 'Not sent yet: check the {count} questions with a message.' },
  optional: { nl: '{text} (optioneel)', en: '{text} (optional)' },
  pickOne: { nl: 'Kies een antwoord.', en: 'Pick an answer.' },
  pickSome: { nl: 'Kies minstens één antwoord.', en: 'Pick at least one answer.' },
  writeText: { nl: 'Vul een antwoord in.', en: 'Write an answer.' },
  scalePlaceholder: { nl: 'Kies 0 tot en met 10', en: 'Pick 0 to 10' },
  scaleLowest: { nl: '0 (laagst)', en: '0 (lowest)' },
  scaleHighest: { nl: '10 (hoogst)', en: '10 (highest)' },
  yes: { nl: 'Ja', en: 'Yes' },
  no: { nl: 'Nee', en: 'No' },
  thanksHeading: { nl: 'Bedankt voor het invullen', en: 'Thank you for answering' },
  thanksAnonymous: {
    nl: 'Je antwoorden zijn anoniem opgeslagen: niemand kan zien wat jij hebt geantwoord.',
    en: 'Your answers were stored anonymously: nobody can see what you answered.',
  },
  thanksNamed: { nl: 'Je antwoorden staan op je naam. Je kunt ze wijzigen tot {deadline}.', en: 'Your answers are stored with your name. You can change them until {deadline}.' },
  thanksNamedClosed: { nl: 'Je antwoorden staan op je naam.', en: 'Your answers are stored with your name.' },
  resultsInChannel: { nl: 'De resultaten komen na {deadline} in het kanaal {channel}.', en: 'The results will be posted in the channel {channel} after {deadline}.' },
  results: { nl: 'De resultaten volgen na {deadline}.', en: 'The results will be shared after {deadline}.' },
  change: { nl: 'Antwoorden wijzigen', en: 'Change answers' },
  closed: { nl: 'Deze peiling is gesloten op {date}. Antwoorden kan niet meer.', en: 'This survey closed on {date}. Answers can no longer be sent.' },
  cancelled: { nl: '{author} heeft deze peiling geannuleerd.', en: '{author} cancelled this survey.' },
  answeredAnonymous: {
    nl: 'Je hebt deze peiling al ingevuld. Anonieme antwoorden zijn definitief.',
    en: 'You have already answered this survey. Anonymous answers are final.',
  },
  answeredNamed: {
    nl: 'Je hebt deze peiling al ingevuld. Je kunt je antwoorden wijzigen tot {deadline}.',
    en: 'You have already answered this survey. You can change your answers until {deadline}.',
  },
  answeredNamedClosed: { nl: 'Je hebt deze peiling al ingevuld.', en: 'You have already answered this survey.' },
  notForYou: { nl: 'Deze peiling is niet naar jou gestuurd.', en: 'This survey was not sent to you.' },
} satisfies Record<string, LocalText>;

/** Likert 1–5, from disagree to agree. */
const LIKERT: readonly LocalText[] = [
  { nl: 'Helemaal oneens', en: 'Strongly disagree' },
  { nl: 'Oneens', en: 'Disagree' },
  { nl: 'Neutraal', en: 'Neutral' },
  { nl: 'Eens', en: 'Agree' },
  { nl: 'Helemaal eens', en: 'Strongly agree' },
];

function say(text: LocalText, language: Language, params: Record<string, string | number> = {}): string {
  return fillText(text[language], params);
}

// Building an Intl formatter costs far more than using one: build each once.
const DATE_TIME: Record<Language, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Amsterdam' }),
  en: new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/Amsterdam' }),
};

/**
 * A moment in Europe/Amsterdam: 'vrijdag 12 december, 17:00' / 'Friday 12 December, 17:00'. No year:
 * a survey runs at most 60 days, and the weekday with the date leaves no doubt which one is meant.
 */
export function formatDeadline(at: Date, language: Language): string {
  const p = Object.fromEntries(DATE_TIME[language].formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month}, ${p.hour}:${p.minute}`;
}

const nameInCard = (name: string): string => escapeMarkdown(cardName(name));

/** A person's stored answers as the values of the card's inputs (to change answers that are not anonymous). */
export function givenFromAnswers(questions: readonly Question[], answers: Readonly<Answers>): Record<string, string> {
  const given: Record<string, string> = {};
  for (const q of questions) {
    const a = answers[q.id];
    if (a === undefined) continue;
    given[inputId(q.id)] = Array.isArray(a) ? a.join(',') : String(a);
  }
  return given;
}

export interface QuestionItem {
  id: string;
  isText: boolean;
  label: string;
  style: 'expanded' | 'compact';
  multiple: boolean;
  placeholder: string;
  value: string;
  required: boolean;
  requiredMessage: string;
  choices: { title: string; value: string }[];
  error: string;
}

export interface QuestionView {
  reminder: string;
  title: string;
  meta: string;
  intro: string;
  notice: string;
  noticeStyle: 'attention' | 'emphasis';
  questions: QuestionItem[];
  sendLabel: string;
  survey: string;
}

function choicesOf(q: Question, language: Language): { title: string; value: string }[] {
  switch (q.kind) {
    case 'likert':
      return LIKERT.map((l, i) => ({ title: l[language], value: String(i + 1) }));
    case 'yesno':
      return [
        { title: S.yes[language], value: '1' },
        { title: S.no[language], value: '0' },
      ];
    case 'scale10':
      return Array.from({ length: 11 }, (_, i) => ({
        title: i === 0 ? S.scaleLowest[language] : i === 10 ? S.scaleHighest[language] : String(i),
        value: String(i),
      }));
    case 'choice':
      return (q.options ?? []).map((o) => ({ title: o.label, value: o.id }));
    case 'open':
      return [];
  }
}

/** A given value as a choice input can show it: only values it offers (the error says what was wrong). */
function choiceValue(raw: string, choices: readonly { value: string }[], multiple: boolean): string {
  const known = new Set(choices.map((c) => c.value));
  const picked = multiple ? raw.split(',').map((s) => s.trim()) : [raw.trim()];
  return [...new Set(picked.filter((v) => known.has(v)))].join(',');
}

function questionItem(q: Question, language: Language, given: Readonly<Record<string, string>>, error: string): QuestionItem {
  const id = inputId(q.id);
  const label = q.required ? q.text : say(S.optional, language, { text: q.text });
  const raw = given[id] ?? '';
  if (q.kind === 'open') {
    // A text longer than allowed (a client that ignored maxLength) comes back cut to what fits, with
    // the error saying why: twenty statements with twice the allowed text would outgrow Teams' limit.
    const value = [...raw].length > SURVEY_LIMITS.openAnswerLength ? [...raw].slice(0, SURVEY_LIMITS.openAnswerLength).join('') : raw;
    return { id, isText: true, label, style: 'expanded', multiple: false, placeholder: '', value, required: q.required, requiredMessage: S.writeText[language], choices: [], error };
  }
  const multiple = q.kind === 'choice' && q.multiple === true;
  const choices = choicesOf(q, language);
  return {
    id,
    isText: false,
    label,
    // 0–10 as a drop-down: eleven radio buttons would make the card twice as long at 320 px. Every other
    // kind expanded: its options readable at once, one tap to answer (and tick boxes for several).
    style: q.kind === 'scale10' ? 'compact' : 'expanded',
    multiple,
    placeholder: q.kind === 'scale10' ? S.scalePlaceholder[language] : '',
    value: raw === '' ? '' : choiceValue(raw, choices, multiple),
    required: q.required,
    requiredMessage: multiple ? S.pickSome[language] : S.pickOne[language],
    choices,
    error,
  };
}

export function questionView(survey: QuestionCardSurvey, opts: QuestionCardOptions): QuestionView {
  const lang = opts.language;
  const deadline = formatDeadline(survey.deadline, lang);
  const errors = new Map<string, string[]>();
  const known = new Set(survey.questions.map((q) => q.id));
  for (const e of opts.errors ?? []) {
    if (!known.has(e.questionId)) continue;
    errors.set(e.questionId, [...(errors.get(e.questionId) ?? []), e.message[lang]]);
  }
  const changing = opts.changing === true && !survey.anonymous;
  const notice =
    errors.size === 1 ? S.errorsOne[lang] : errors.size > 1 ? say(S.errorsMany, lang, { count: errors.size }) : changing ? S.changing[lang] : '';
  return {
    reminder: opts.reminder ? S.reminder[lang] : '',
    title: escapeMarkdown(survey.title),
    meta: say(S.meta, lang, { author: nameInCard(survey.authorName), deadline }),
    intro: survey.anonymous ? S.introAnonymous[lang] : say(S.introNamed, lang, { deadline }),
    notice,
    noticeStyle: errors.size > 0 ? 'attention' : 'emphasis',
    questions: survey.questions.map((q) => questionItem(q, lang, opts.given ?? {}, (errors.get(q.id) ?? []).join(' '))),
    sendLabel: S.send[lang],
    survey: survey.publicId,
  };
}

/** The survey to answer, with the server's errors and the values given when it sends one back. */
export function questionCard(cards: AnswerCardRenderer, survey: QuestionCardSurvey, opts: QuestionCardOptions): AdaptiveCard {
  return cards.render('surveys.question', questionView(survey, opts));
}

export interface ThanksView {
  heading: string;
  title: string;
  anonymity: string;
  results: string;
  canChange: boolean;
  changeLabel: string;
  survey: string;
}

const canChange = (survey: AnswerCardSurvey, now: Date): boolean => !survey.anonymous && now.getTime() < survey.deadline.getTime();

/** Thanks, whether the answers were anonymous, and when and where results come. Never the answers. */
export function thanksView(survey: AnswerCardSurvey, opts: { language: Language; now: Date }): ThanksView {
  const lang = opts.language;
  const deadline = formatDeadline(survey.deadline, lang);
  const change = canChange(survey, opts.now);
  return {
    heading: S.thanksHeading[lang],
    title: escapeMarkdown(survey.title),
    anonymity: survey.anonymous ? S.thanksAnonymous[lang] : change ? say(S.thanksNamed, lang, { deadline }) : S.thanksNamedClosed[lang],
    results: survey.resultsChannelName
      ? say(S.resultsInChannel, lang, { deadline, channel: nameInCard(survey.resultsChannelName) })
      : say(S.results, lang, { deadline }),
    canChange: change,
    changeLabel: S.change[lang],
    survey: survey.publicId,
  };
}

/** Replaces the question card once the answers are in; stays in the chat's history. */
export function thanksCard(cards: AnswerCardRenderer, survey: AnswerCardSurvey, opts: { language: Language; now: Date }): AdaptiveCard {
  return cards.render('surveys.thanks', thanksView(survey, opts));
}

export interface StateView {
  title: string;
  text: string;
  canChange: boolean;
  changeLabel: string;
  survey: string;
}

export interface StateCardSurvey extends AnswerCardSurvey {
  /** When it closed (early, by its author); the deadline when not given. */
  closedAt?: Date | null;
}

/**
 * Nothing to answer. `notForYou` does not show the survey's title: the card tells someone who was not
 * sent the survey nothing about it.
 */
export function stateView(kind: StateKind, survey: StateCardSurvey, opts: { language: Language; now: Date }): StateView {
  const lang = opts.language;
  const change = kind === 'alreadyAnswered' && canChange(survey, opts.now);
  const text = (() => {
    switch (kind) {
      case 'closed':
        return say(S.closed, lang, { date: formatDeadline(survey.closedAt ?? survey.deadline, lang) });
      case 'cancelled':
        return say(S.cancelled, lang, { author: nameInCard(survey.authorName) });
      case 'alreadyAnswered':
        if (survey.anonymous) return S.answeredAnonymous[lang];
        return change ? say(S.answeredNamed, lang, { deadline: formatDeadline(survey.deadline, lang) }) : S.answeredNamedClosed[lang];
      case 'notForYou':
        return S.notForYou[lang];
    }
  })();
  return {
    title: kind === 'notForYou' ? '' : escapeMarkdown(survey.title),
    text,
    canChange: change,
    changeLabel: S.change[lang],
    survey: kind === 'notForYou' ? '' : survey.publicId,
  };
}

export function stateCard(cards: AnswerCardRenderer, kind: StateKind, survey: StateCardSurvey, opts: { language: Language; now: Date }): AdaptiveCard {
  return cards.render('surveys.state', stateView(kind, survey, opts));
}
