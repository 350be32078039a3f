// View-models and cards for improvement actions: the form, one action (also the owner's 1:1 card),
// the list of open actions. Display-ready strings in Dutch and English; names and typed text escaped.
import type { Language } from '../config.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { MAX_PEOPLE_CHOICES, cardName, escapeMarkdown, fillText } from '../cards/text.js';
import type { Member } from '../routes.js';
import { toDueState, type ActionSource, type ActionStatus, type DueState, type ImprovementAction, type LocalText, type Worked } from './model.js';
import type { OwnerNoticeKind } from './ports.js';

type Params = Record<string, string | number>;
const fill = (text: string, params: Params = {}) => fillText(text, params);
const T = <K extends string>(table: Record<K, LocalText>) => table;

/** Every sentence of these cards, in both languages. */
export const TEXT = T({
  formNewTitle: { nl: 'Nieuwe verbeteractie', en: 'New improvement action' },
  formEditTitle: { nl: 'Verbeteractie wijzigen', en: 'Edit improvement action' },
  formIntro: {
    nl: 'Wat gaan we doen, wie pakt het op en wanneer is het klaar? De eigenaar krijgt een bericht van Cadans, en een herinnering als de datum nadert.',
    en: 'What will we do, who takes it on and when will it be done? The owner gets a message from Cadans, and a reminder as the date comes closer.',
  },
  titleLabel: { nl: 'Wat gaan we doen?', en: 'What will we do?' },
  titlePlaceholder: { nl: 'Bijvoorbeeld: elke teamvergadering begint met tien minuten over werkdruk', en: 'For example: every team meeting starts with ten minutes on workload' },
  titleError: { nl: 'Beschrijf kort wat er gaat gebeuren.', en: 'Say briefly what will be done.' },
  descriptionLabel: { nl: 'Toelichting (niet verplicht)', en: 'Explanation (optional)' },
  descriptionPlaceholder: { nl: 'Waarom deze actie, en hoe zien we dat het werkt?', en: 'Why this action, and how will we see that it works?' },
  ownerLabel: { nl: 'Eigenaar', en: 'Owner' },
  ownerError: { nl: 'Kies wie eigenaar wordt.', en: 'Choose who will own it.' },
  dueError: { nl: 'Kies een datum.', en: 'Pick a date.' },
  dueLabel: { nl: 'Klaar op', en: 'Done by' },
  schoolLabel: { nl: 'Voor welke school?', en: 'For which school?' },
  wholeBoard: { nl: 'Het hele bestuur', en: 'The whole board' },
  save: { nl: 'Opslaan', en: 'Save' },
  back: { nl: 'Terug', en: 'Back' },
  notSaved: { nl: 'Nog niet opgeslagen:', en: 'Not saved yet:' },
  sourceSurvey: { nl: 'Uit de peiling ‘{survey}’: ‘{question}’', en: 'From the survey ‘{survey}’: ‘{question}’' },
  sourceSurveyShort: { nl: 'Uit de peiling ‘{survey}’', en: 'From the survey ‘{survey}’' },
  sourceMeeting: { nl: 'Uit het overleg ‘{meeting}’', en: 'From the meeting ‘{meeting}’' },
  sourceMeetingOn: { nl: 'Uit het overleg ‘{meeting}’ van {date}', en: 'From the meeting ‘{meeting}’ on {date}' },
  kicker: { nl: 'Verbeteractie', en: 'Improvement action' },
  kickerSchool: { nl: 'Verbeteractie · {school}', en: 'Improvement action · {school}' },
  factOwner: { nl: 'Eigenaar', en: 'Owner' },
  factDue: { nl: 'Klaar op', en: 'Done by' },
  factStatus: { nl: 'Status', en: 'Status' },
  factSource: { nl: 'Bron', en: 'Source' },
  factCreatedBy: { nl: 'Uitgezet door', en: 'Assigned by' },
  statusOpen: { nl: 'Open', en: 'Open' },
  statusDone: { nl: 'Afgerond', en: 'Completed' },
  statusCancelled: { nl: 'Geannuleerd', en: 'Cancelled' },
  dueOverdue: { nl: '{date} (te laat)', en: '{date} (overdue)' },
  dueToday: { nl: '{date} (vandaag)', en: '{date} (today)' },
  workedLabel: { nl: 'Werkte het?', en: 'Did it work?' },
  workedYes: { nl: 'Ja', en: 'Yes' },
  workedPartly: { nl: 'Deels', en: 'Partly' },
  workedNo: { nl: 'Nee', en: 'No' },
  keepLabel: { nl: 'Wat houden we vast?', en: 'What do we keep?' },
  workedError: { nl: 'Kies ja, deels of nee.', en: 'Choose yes, partly or no.' },
  keepError: { nl: 'Schrijf kort op wat we vasthouden.', en: 'Write briefly what we keep.' },
  keepPlaceholder: { nl: 'Wat werkte, en hoe zorgen we dat het blijft?', en: 'What worked, and how do we make sure it lasts?' },
  doneIntro: { nl: 'Kijk kort terug: werkte de actie, en wat houden we vast?', en: 'Look back briefly: did the action work, and what do we keep?' },
  doneButton: { nl: 'Afronden', en: 'Mark as done' },
  doneSubmit: { nl: 'Afronden', en: 'Mark as done' },
  editButton: { nl: 'Wijzigen', en: 'Edit' },
  cancelButton: { nl: 'Annuleren', en: 'Cancel action' },
  cancelConfirm: {
    nl: 'Weet je het zeker? De actie wordt geannuleerd en de eigenaar krijgt er geen herinneringen meer over.',
    en: 'Are you sure? The action is cancelled and its owner gets no more reminders about it.',
  },
  cancelSubmit: { nl: 'Ja, annuleren', en: 'Yes, cancel it' },
  listButton: { nl: 'Alle open acties', en: 'All open actions' },
  created: { nl: 'De verbeteractie staat klaar. {owner} krijgt er een bericht over.', en: 'The improvement action is ready. {owner} gets a message about it.' },
  createdOwn: { nl: 'De verbeteractie staat klaar. Je krijgt een herinnering als de datum nadert.', en: 'The improvement action is ready. You will get a reminder as the date comes closer.' },
  saved: { nl: 'Opgeslagen.', en: 'Saved.' },
  completed: { nl: 'Afgerond. Dank je wel voor de terugblik.', en: 'Completed. Thank you for looking back.' },
  cancelled: { nl: 'De verbeteractie is geannuleerd.', en: 'The improvement action was cancelled.' },
  assigned: { nl: '{name} heeft deze verbeteractie bij jou neergelegd: jij bent de eigenaar.', en: '{name} has made you the owner of this improvement action.' },
  dueSoon: { nl: 'Herinnering: deze verbeteractie moet op {date} klaar zijn.', en: 'Reminder: this improvement action is due on {date}.' },
  overdue: {
    nl: 'Deze verbeteractie had op {date} klaar moeten zijn. Is hij klaar? Rond hem dan af met een korte terugblik. Lukt het niet op tijd, pas dan de datum aan.',
    en: 'This improvement action was due on {date}. Is it done? Then mark it as done with a short look back. If it cannot be done in time, change the date.',
  },
  listTitle: { nl: 'Open verbeteracties', en: 'Open improvement actions' },
  listCounts: { nl: 'Open: {open} · te laat: {overdue}', en: 'Open: {open} · overdue: {overdue}' },
  listNone: { nl: 'Er staan geen verbeteracties open die jij kunt zien.', en: 'There are no open improvement actions that you can see.' },
  listMore: { nl: 'En nog {more}: hier staan de eerste {shown}.', en: 'And {more} more: the first {shown} are shown here.' },
  listMeta: { nl: '{owner} · klaar op {date}', en: '{owner} · due {date}' },
  listMetaToday: { nl: '{owner} · klaar op {date} (vandaag)', en: '{owner} · due {date} (today)' },
  listMetaOverdue: { nl: '{owner} · te laat sinds {date}', en: '{owner} · overdue since {date}' },
  newButton: { nl: 'Nieuwe verbeteractie', en: 'New improvement action' },
  openButton: { nl: 'Openen', en: 'Open' },
});
export type TextKey = keyof typeof TEXT;

export const text = (language: Language, key: TextKey, params?: Params): string => fill(TEXT[key][language], params);

// Building an Intl formatter costs far more than using one: build each once.
const DATE_FORMATS: Record<Language, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

export function formatDate(iso: string, language: Language): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return DATE_FORMATS[language].format(new Date(Date.UTC(y, m - 1, d)));
}

const STATUS_KEYS: Record<ActionStatus, TextKey> = { open: 'statusOpen', done: 'statusDone', cancelled: 'statusCancelled' };
const WORKED_KEYS: Record<Worked, TextKey> = { yes: 'workedYes', partly: 'workedPartly', no: 'workedNo' };

/** "Uit de peiling ‘Werkdruk najaar’: ‘Ik heb genoeg tijd …’ (BKA2)", or '' for one typed in. */
export function sourceLine(source: ActionSource, language: Language): string {
  if (source.kind === 'survey') {
    const line = text(language, 'sourceSurvey', { survey: escapeMarkdown(source.surveyTitle), question: escapeMarkdown(source.questionText) });
    return source.standard ? `${line} (${source.standard})` : line;
  }
  if (source.kind === 'meeting') {
    const meeting = escapeMarkdown(source.meetingTitle);
    return source.meetingDate ? text(language, 'sourceMeetingOn', { meeting, date: formatDate(source.meetingDate, language) }) : text(language, 'sourceMeeting', { meeting });
  }
  return '';
}

/** Text cut to `max` characters, with an ellipsis when cut (lists name things briefly; their own card has them whole). */
export function shorten(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`;
}

/** What a list names an action's source by: the survey and its standard, or the meeting (the question is on the action's card). */
export function shortSourceLine(source: ActionSource, language: Language): string {
  if (source.kind === 'survey') {
    const line = text(language, 'sourceSurveyShort', { survey: escapeMarkdown(shorten(source.surveyTitle, LIST_NAME)) });
    return source.standard ? `${line} (${source.standard})` : line;
  }
  if (source.kind === 'meeting') return text(language, 'sourceMeeting', { meeting: escapeMarkdown(shorten(source.meetingTitle, LIST_NAME)) });
  return '';
}

/** In a list: titles to this many characters, names of surveys and meetings to LIST_NAME. */
const LIST_TITLE = 100;
const LIST_NAME = 60;

function dueText(language: Language, dueDate: string, state: DueState): string {
  const date = formatDate(dueDate, language);
  return state === 'overdue' ? text(language, 'dueOverdue', { date }) : state === 'today' ? text(language, 'dueToday', { date }) : date;
}

/** Person-picker choices: the roster (first MAX_PEOPLE_CHOICES), with the chosen person always among them. */
function ownerChoices(people: readonly Member[], chosen: { aad: string; name: string } | null) {
  const list = people.slice(0, MAX_PEOPLE_CHOICES).map((p) => ({ title: cardName(p.name), value: p.aadObjectId }));
  if (chosen && !list.some((c) => c.value === chosen.aad)) list.unshift({ title: cardName(chosen.name || chosen.aad), value: chosen.aad });
  return list;
}

export interface FormCardInput {
  language: Language;
  /** Editing an existing action (its opaque id), or making a new one. */
  action?: ImprovementAction;
  /** A new one from a survey's result line: the survey's opaque id and the question, shown and sent back. */
  survey?: { publicId: string; questionId: string; source: ActionSource };
  /** A new one typed in: the schools to choose from (empty: no choice, e.g. a directeur's own school). */
  schools?: { id: number; name: string }[];
  people: Member[];
  /** What the fields hold: the action's values, what was typed, or the defaults. */
  values: { title: string; description: string; ownerAad: string; ownerName: string; dueDate: string; school?: string };
  problems?: LocalText[];
}

/** The form to make or change an action (an invoke response for the person who clicked). */
export function renderFormCard(cards: CardRenderer, input: FormCardInput): AdaptiveCard {
  const lang = input.language;
  const source = input.action?.source ?? input.survey?.source ?? { kind: 'manual' as const };
  const schools = input.action ? [] : (input.schools ?? []);
  return cards.render('actions.form', {
    title: text(lang, input.action ? 'formEditTitle' : 'formNewTitle'),
    intro: input.action ? '' : text(lang, 'formIntro'),
    source: sourceLine(source, lang),
    problemsHeading: input.problems?.length ? text(lang, 'notSaved') : '',
    problems: (input.problems ?? []).map((p) => ({ text: p[lang] })),
    titleLabel: text(lang, 'titleLabel'),
    titlePlaceholder: text(lang, 'titlePlaceholder'),
    titleError: text(lang, 'titleError'),
    titleValue: input.values.title,
    descriptionLabel: text(lang, 'descriptionLabel'),
    descriptionPlaceholder: text(lang, 'descriptionPlaceholder'),
    descriptionValue: input.values.description,
    ownerLabel: text(lang, 'ownerLabel'),
    ownerError: text(lang, 'ownerError'),
    dueError: text(lang, 'dueError'),
    ownerValue: input.values.ownerAad,
    // Built here, not with the template's $data: expanding a hundred choices through the template
    // engine costs more than the rest of the card (as the checklist step card does).
    choices: ownerChoices(input.people, input.values.ownerAad ? { aad: input.values.ownerAad, name: input.values.ownerName } : null),
    dueLabel: text(lang, 'dueLabel'),
    dueValue: input.values.dueDate,
    showSchool: schools.length > 0,
    schoolLabel: text(lang, 'schoolLabel'),
    schoolValue: input.values.school ?? 'none',
    schools: [{ title: text(lang, 'wholeBoard'), value: 'none' }, ...schools.map((s) => ({ title: cardName(s.name), value: String(s.id) }))],
    saveLabel: text(lang, 'save'),
    backLabel: text(lang, 'back'),
    mode: input.action ? 'edit' : input.survey ? 'survey' : 'manual',
    action: input.action?.publicId ?? '',
    survey: input.survey?.publicId ?? '',
    question: input.survey?.questionId ?? '',
  });
}

export interface ActionCardInput {
  language: Language;
  action: ImprovementAction;
  today: string;
  canEdit: boolean;
  canCancel: boolean;
  /** The list button (for people whose role lets them open the list). */
  showList: boolean;
  message?: { text: string; tone: 'good' | 'warning' };
  /** The evaluation form open in the card (after an incomplete one), with what was typed. */
  evaluation?: { worked: string; keep: string; problems: LocalText[] };
}

/** One action: for whoever opened it, and as the owner's 1:1 card. */
export function renderActionCard(cards: CardRenderer, input: ActionCardInput): AdaptiveCard {
  const { action: a, language: lang } = input;
  const state = toDueState(a, input.today);
  const facts = [
    { label: text(lang, 'factOwner'), value: escapeMarkdown(cardName(a.ownerName || a.ownerAad)) },
    { label: text(lang, 'factDue'), value: dueText(lang, a.dueDate, state) },
    { label: text(lang, 'factStatus'), value: text(lang, STATUS_KEYS[a.status]) },
  ];
  const source = sourceLine(a.source, lang);
  if (source) facts.push({ label: text(lang, 'factSource'), value: source });
  if (a.createdByName && a.createdBy !== a.ownerAad) facts.push({ label: text(lang, 'factCreatedBy'), value: escapeMarkdown(cardName(a.createdByName)) });
  if (a.evaluation) {
    facts.push({ label: text(lang, 'workedLabel'), value: text(lang, WORKED_KEYS[a.evaluation.worked]) });
    facts.push({ label: text(lang, 'keepLabel'), value: escapeMarkdown(a.evaluation.keep) });
  }
  const problems = input.evaluation?.problems ?? [];
  return cards.render('actions.card', {
    id: a.publicId,
    kicker: a.schoolName ? text(lang, 'kickerSchool', { school: escapeMarkdown(cardName(a.schoolName)) }) : text(lang, 'kicker'),
    title: escapeMarkdown(a.title),
    message: input.message?.text ?? (problems.length ? problems.map((p) => p[lang]).join(' ') : ''),
    messageStyle: input.message?.tone === 'good' ? 'good' : 'warning',
    description: a.description ? escapeMarkdown(a.description) : '',
    facts,
    canEdit: input.canEdit,
    canCancel: input.canCancel,
    showList: input.showList,
    // The evaluation form: behind the "Afronden" button, or open after an incomplete evaluation.
    doneOpen: input.canEdit && input.evaluation !== undefined,
    doneClosed: input.canEdit && input.evaluation === undefined,
    doneIntro: text(lang, 'doneIntro'),
    workedLabel: text(lang, 'workedLabel'),
    workedValue: input.evaluation?.worked ?? '',
    workedChoices: (['yes', 'partly', 'no'] as const).map((w) => ({ title: text(lang, WORKED_KEYS[w]), value: w })),
    keepLabel: text(lang, 'keepLabel'),
    workedError: text(lang, 'workedError'),
    keepError: text(lang, 'keepError'),
    keepPlaceholder: text(lang, 'keepPlaceholder'),
    keepValue: input.evaluation?.keep ?? '',
    doneButton: text(lang, 'doneButton'),
    doneSubmit: text(lang, 'doneSubmit'),
    editButton: text(lang, 'editButton'),
    cancelButton: text(lang, 'cancelButton'),
    cancelConfirm: text(lang, 'cancelConfirm'),
    cancelSubmit: text(lang, 'cancelSubmit'),
    listButton: text(lang, 'listButton'),
  });
}

/** The owner's 1:1 card: why they get it, then the action. */
export function ownerNotice(kind: OwnerNoticeKind, a: ImprovementAction, language: Language): { text: string; tone: 'good' | 'warning' } {
  const date = formatDate(a.dueDate, language);
  if (kind === 'assigned') return { text: text(language, 'assigned', { name: escapeMarkdown(cardName(a.createdByName || '?')) }), tone: 'good' };
  if (kind === 'dueSoon') return { text: text(language, 'dueSoon', { date }), tone: 'good' };
  return { text: text(language, 'overdue', { date }), tone: 'warning' };
}

export interface ListCardInput {
  language: Language;
  actions: Array<ImprovementAction & { dueState: DueState }>;
  total: number;
  overdue: number;
  canCreate: boolean;
}

/** The open actions someone may see: overdue first. */
export function renderListCard(cards: CardRenderer, input: ListCardInput): AdaptiveCard {
  const lang = input.language;
  const more = input.total - input.actions.length;
  return cards.render('actions.list', {
    title: text(lang, 'listTitle'),
    counts: input.total === 0 ? text(lang, 'listNone') : text(lang, 'listCounts', { open: input.total, overdue: input.overdue }),
    more: more > 0 ? text(lang, 'listMore', { more, shown: input.actions.length }) : '',
    actions: input.actions.map((a) => {
      const owner = escapeMarkdown(cardName(a.ownerName || a.ownerAad));
      const date = formatDate(a.dueDate, lang);
      const key: TextKey = a.dueState === 'overdue' ? 'listMetaOverdue' : a.dueState === 'today' ? 'listMetaToday' : 'listMeta';
      return {
        id: a.publicId,
        title: escapeMarkdown(shorten(a.title, LIST_TITLE)),
        meta: text(lang, key, { owner, date }),
        metaColor: a.dueState === 'overdue' ? 'Attention' : a.dueState === 'today' || a.dueState === 'soon' ? 'Warning' : 'Default',
        source: [a.schoolName ? escapeMarkdown(cardName(a.schoolName)) : '', shortSourceLine(a.source, lang)].filter(Boolean).join(' · '),
      };
    }),
    openLabel: text(lang, 'openButton'),
    canCreate: input.canCreate,
    newLabel: text(lang, 'newButton'),
  });
}
