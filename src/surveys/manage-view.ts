// The cards of the people who run surveys: the overview (`peiling`), the draft form, the review
// before sending and the author's live delivery card. Display-ready strings in nl and en; texts
// from people (titles, questions, names) go through cards/text.ts.
import type { Language } from '../config.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { escapeMarkdown } from '../cards/text.js';
import type { FailureReason } from '../outbox/service.js';
import { REPEAT_WEEKS, SURVEY_LIMITS, warnsLength, type LocalText, type Question, type Repeat, type SurveyTemplate } from './model.js';
import { OPEN_ANSWERS_PAGE, type DeliveryStatus, type Review } from './service.js';
import type { SurveyRow } from './store.js';

const ZONE = 'Europe/Amsterdam';
const WHEN: Record<Language, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: ZONE }),
  en: new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: ZONE }),
};
const DAY: Record<Language, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: ZONE }),
  en: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: ZONE }),
};
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE });

export function formatWhen(at: Date, language: Language): string {
  return WHEN[language].format(at).replace(' om ', ', ').replace(' at ', ', ');
}

const L = (language: Language, t: LocalText): string => t[language];

/** yyyy-mm-dd → d-m-yyyy, as Dutch people write it. */
const dutchDate = (iso: string) => iso.split('-').reverse().map((x, i) => (i < 2 ? String(Number(x)) : x)).join('-');

function repeatText(r: Repeat | null, language: Language): string {
  const nl = language === 'nl';
  if (!r) return nl ? 'nee' : 'no';
  if ('everyWeeks' in r) return nl ? `elke ${r.everyWeeks} weken, met dezelfde vragen` : `every ${r.everyWeeks} weeks, with the same questions`;
  return (nl ? 'op ' : 'on ') + r.dates.map(dutchDate).join(', ');
}

const KIND: Record<Question['kind'], LocalText> = {
  likert: { nl: 'stelling 1–5', en: 'statement 1–5' },
  choice: { nl: 'keuze', en: 'choice' },
  yesno: { nl: 'ja/nee', en: 'yes/no' },
  scale10: { nl: '0–10', en: '0–10' },
  open: { nl: 'open vraag', en: 'open question' },
};

function questionLine(q: Question, i: number, language: Language): string {
  const kind = L(language, KIND[q.kind]) + (q.required ? '' : language === 'nl' ? ', optioneel' : ', optional');
  return `${i + 1}. ${escapeMarkdown(q.text)} *(${kind})*`;
}

const ROLE_LABELS: Record<string, LocalText> = {
  medewerker: { nl: 'medewerkers', en: 'staff' },
  directeur: { nl: 'schoolleiders', en: 'school leaders' },
  kwaliteitsmedewerker: { nl: 'kwaliteitsmedewerkers', en: 'quality officers' },
  bestuurder: { nl: 'bestuurders', en: 'board members' },
  rvt: { nl: 'intern toezicht', en: 'supervisory board' },
  beheerder: { nl: 'beheerders', en: 'administrators' },
};

export function renderHome(
  cards: CardRenderer,
  language: Language,
  o: { canStart: boolean; inChannel: boolean; templates: readonly SurveyTemplate[]; drafts: SurveyRow[]; running: SurveyRow[]; teams: string[]; canKeepTemplates: boolean },
): AdaptiveCard {
  const nl = language === 'nl';
  const intro = o.canStart
    ? o.inChannel
      ? nl
        ? 'Korte peilingen onder medewerkers, beantwoord in hun chat met Cadans. Kies een sjabloon; je kunt alles nakijken voor je de peiling verstuurt. De resultaten komen in dit kanaal.'
        : 'Short surveys among staff, answered in their chat with Cadans. Pick a template; you can check everything before you send it. The results are posted in this channel.'
      : nl
        ? `Een peiling begin je in een kanaal van een team, want daar komen de resultaten. Typ daar @Cadans peiling.${o.teams.length ? ` Cadans zit in: ${o.teams.map(escapeMarkdown).join(', ')}.` : ''}`
        : `You start a survey in a team's channel, as its results go there. Type @Cadans survey there.${o.teams.length ? ` Cadans is in: ${o.teams.map(escapeMarkdown).join(', ')}.` : ''}`
    : nl
      ? 'Peilingen die naar jou gestuurd worden, komen in je chat met Cadans. Een peiling uitzetten kan een kwaliteitsmedewerker, bestuurder, schoolleider of beheerder.'
      : 'Surveys sent to you arrive in your chat with Cadans. A quality officer, board member, school leader or administrator can send one.';
  return cards.render('surveys.home', {
    title: nl ? 'Peilingen' : 'Surveys',
    intro,
    runningHeading: nl ? 'Lopende peilingen' : 'Running surveys',
    running: o.running.map((s) => ({ id: s.publicId, title: escapeMarkdown(s.title), line: runningLine(s, language) })),
    draftsHeading: nl ? 'Jouw concepten' : 'Your drafts',
    drafts: o.drafts.map((s) => ({ id: s.publicId, title: escapeMarkdown(s.title), line: nl ? `Concept · ${s.questions.length} vragen` : `Draft · ${s.questions.length} questions` })),
    canStart: o.canStart && o.inChannel,
    startHeading: nl ? 'Nieuwe peiling' : 'New survey',
    notStarter: '',
    chooseLabel: nl ? 'Kies dit sjabloon' : 'Use this template',
    statusLabel: nl ? 'Stand van zaken' : 'Progress',
    editLabel: nl ? 'Verder met het concept' : 'Continue the draft',
    templates:
      o.canStart && o.inChannel
        ? [
            ...o.templates.map((t) => ({ key: t.key, title: escapeMarkdown(t.title[language]), description: escapeMarkdown(t.description[language]), own: t.key.startsWith('own-') })),
            { key: 'blank', title: nl ? 'Zelf samenstellen' : 'From scratch', description: nl ? 'Een peiling met je eigen vragen.' : 'A survey with questions of your own.', own: false },
          ]
        : [],
    canKeepTemplates: o.canKeepTemplates,
    archiveLabel: nl ? 'Archiveren' : 'Archive',
    addTemplateLabel: nl ? 'Eigen peiling toevoegen' : 'Add a survey of your own',
  });
}

function runningLine(s: SurveyRow, language: Language): string {
  const nl = language === 'nl';
  if (s.status === 'scheduled' && s.opensAt) return nl ? `Gaat uit op ${formatWhen(s.opensAt, language)}` : `Goes out on ${formatWhen(s.opensAt, language)}`;
  return s.deadline ? (nl ? `Sluit ${formatWhen(s.deadline, language)}` : `Closes ${formatWhen(s.deadline, language)}`) : '';
}

export interface DraftView {
  problems?: LocalText[];
  saved?: boolean;
  /** The values as typed, when a save failed (kept in the form). */
  typed?: Record<string, string>;
  /** An Entra group can be the audience (Graph is configured). */
  groups?: boolean;
  /** A line of news above the form (what a file changed). */
  notice?: string;
}

export function renderDraft(cards: CardRenderer, language: Language, s: SurveyRow, schools: { id: number; name: string }[], template: SurveyTemplate | undefined, v: DraftView = {}): AdaptiveCard {
  const nl = language === 'nl';
  const typed = v.typed ?? {};
  const pick = (key: string, value: string) => (typed[key] !== undefined ? typed[key]! : value);
  const anonymityNote = template?.anonymityNote?.[language] ??
    (nl
      ? 'Anoniem: niemand kan zien wie wat antwoordde, ook jij en de beheerder niet. Groepen kleiner dan de minimale groepsgrootte worden niet getoond.'
      : 'Anonymous: nobody can see who answered what, not you and not the administrator either. Groups smaller than the minimum group size are not shown.');
  const lengthWarning = warnsLength(s.kind, s.questions.length)
    ? nl
      ? `Deze peiling heeft ${s.questions.length} vragen. Korte peilingen worden beter ingevuld: laat er eventueel een paar weg.`
      : `This survey has ${s.questions.length} questions. Short surveys get answered: consider leaving a few out.`
    : '';
  const reminderChoices = [1, 2, 3, 5].map((d) => ({ title: nl ? `${d} ${d === 1 ? 'dag' : 'dagen'} voor de sluitdatum` : `${d} ${d === 1 ? 'day' : 'days'} before closing`, value: String(d) }));
  return cards.render('surveys.draft', {
    id: s.publicId,
    heading: nl ? `Concept: ${escapeMarkdown(s.title)}` : `Draft: ${escapeMarkdown(s.title)}`,
    intro: nl
      ? 'Pas aan wat nodig is en controleer de peiling voor je hem verstuurt. Het concept blijft bewaard tot je het verstuurt.'
      : 'Change what you need and check the survey before you send it. The draft is kept until you send it.',
    problems: (v.problems ?? []).map((p) => p[language]),
    saved: v.notice ? v.notice : v.saved ? (nl ? 'Opgeslagen.' : 'Saved.') : '',
    title: pick('title', s.title),
    questions: s.questions.map((q, i) => ({ line: questionLine(q, i, language) })),
    lengthWarning,
    removed: pick('removed', ''),
    removeChoices: s.questions.map((q, i) => ({ title: `${i + 1}. ${q.text.slice(0, 80)}`, value: q.id })),
    audience: pick('audience', s.audience.kind),
    audienceChoices: [
      { title: nl ? 'Alle leden van dit team' : 'All members of this team', value: 'team' },
      { title: nl ? 'Mensen met een rol (kies hieronder)' : 'People with a role (pick below)', value: 'roles' },
      { title: nl ? 'Mensen van scholen (kies hieronder)' : 'People of schools (pick below)', value: 'schools' },
      { title: nl ? 'Een lijst e-mailadressen (plak hieronder)' : 'A list of email addresses (paste below)', value: 'list' },
      ...(v.groups ? [{ title: nl ? 'Een groep uit Entra (groeps-ID hieronder)' : 'An Entra group (group id below)', value: 'group' }] : []),
    ],
    groups: v.groups ?? false,
    groupId: pick('groupId', s.audience.groupId ?? ''),
    emails: pick('emails', (s.audience.emails ?? []).join('\n')),
    roles: pick('roles', (s.audience.roles ?? []).join(',')),
    roleChoices: Object.entries(ROLE_LABELS).map(([value, label]) => ({ title: label[language], value })),
    schools: pick('schools', (s.audience.schoolIds ?? []).join(',')),
    schoolChoices: schools.map((x) => ({ title: x.name, value: String(x.id) })),
    anonymous: pick('anonymous', String(s.anonymous)),
    anonymityNote,
    minGroupSize: Number(pick('minGroupSize', String(s.minGroupSize))) || SURVEY_LIMITS.minGroupSize.default,
    opensDate: pick('opensDate', s.opensAt ? DAY[language].format(s.opensAt) : ''),
    deadlineDate: pick('deadlineDate', s.deadline ? DAY[language].format(s.deadline) : ''),
    deadlineTime: pick('deadlineTime', s.deadline ? TIME.format(s.deadline) : '17:00'),
    reminders: pick('reminders', s.reminderDays.join(',')),
    reminderChoices,
    repeat: pick('repeat', s.repeat && 'everyWeeks' in s.repeat ? String(s.repeat.everyWeeks) : 'none'),
    repeatChoices: [
      { title: nl ? 'Niet herhalen' : 'Do not repeat', value: 'none' },
      ...REPEAT_WEEKS.map((w) => ({ title: nl ? `Elke ${w} weken` : `Every ${w} weeks`, value: String(w) })),
    ],
    repeatDates: pick('repeatDates', s.repeat && 'dates' in s.repeat ? s.repeat.dates.map(dutchDate).join(', ') : ''),
    resultsLine: nl ? 'De resultaten komen na de sluitdatum in dit kanaal.' : 'The results are posted in this channel after the closing date.',
    labels: {
      title: nl ? 'Titel' : 'Title',
      titleError: nl ? 'Geef de peiling een titel.' : 'Give the survey a title.',
      questions: nl ? 'Vragen' : 'Questions',
      removed: nl ? 'Vragen weglaten' : 'Leave questions out',
      audience: nl ? 'Naar wie?' : 'To whom?',
      roles: nl ? 'Rollen' : 'Roles',
      schools: nl ? 'Scholen' : 'Schools',
      groupId: nl ? 'Object-ID van de groep' : "The group's object id",
      emails: nl ? 'E-mailadressen (een kolom uit Excel of een CSV plakken kan ook)' : 'Email addresses (pasting a column from Excel or a CSV works too)',
      anonymous: nl ? 'Anoniem' : 'Anonymous',
      minGroupSize: nl ? 'Minimale groepsgrootte (3–25)' : 'Minimum group size (3–25)',
      opensDate: nl ? 'Versturen op (leeg: meteen)' : 'Send on (empty: right away)',
      deadlineDate: nl ? 'Sluitdatum' : 'Closing date',
      deadlineError: nl ? 'Kies een sluitdatum.' : 'Pick a closing date.',
      deadlineTime: nl ? 'Tijd' : 'Time',
      reminders: nl ? 'Herinneringen aan wie nog niet antwoordde' : 'Reminders to those who have not answered',
      repeat: nl ? 'Herhalen (elke ronde een nieuwe peiling met dezelfde vragen, om te vergelijken)' : 'Repeat (each round a new survey with the same questions, to compare)',
      repeatDates: nl ? 'Of herhalen op vaste data' : 'Or repeat on set dates',
      repeatDatesPlaceholder: nl ? 'bijvoorbeeld 2-3-2027, 1-6-2027' : 'for example 2-3-2027, 1-6-2027',
      review: nl ? 'Controleren en versturen' : 'Check and send',
      save: nl ? 'Opslaan' : 'Save',
      questionsEdit: nl ? 'Vragen bewerken' : 'Edit questions',
      discard: nl ? 'Concept weggooien' : 'Discard draft',
    },
  });
}

export function renderReview(cards: CardRenderer, language: Language, r: Review, sendWindow: { startHour: number; endHour: number } | null): AdaptiveCard {
  const nl = language === 'nl';
  const s = r.survey;
  const n = r.recipients.length;
  const audience =
    s.audience.kind === 'team'
      ? nl ? `${n} leden van dit team` : `${n} members of this team`
      : nl ? `${n} ${n === 1 ? 'persoon' : 'mensen'}` : `${n} ${n === 1 ? 'person' : 'people'}`;
  const hours = sendWindow ? `${sendWindow.startHour}:00–${sendWindow.endHour}:00` : null;
  const facts = [
    { title: nl ? 'Naar' : 'To', value: audience },
    { title: nl ? 'Anoniem' : 'Anonymous', value: s.anonymous ? (nl ? `ja; resultaten per groep vanaf ${s.minGroupSize} antwoorden` : `yes; results per group from ${s.minGroupSize} answers`) : nl ? 'nee: namen staan bij de antwoorden' : 'no: names are kept with the answers' },
    {
      title: nl ? 'Versturen' : 'Sending',
      value: s.opensAt ? formatWhen(s.opensAt, language) : hours ? (nl ? `meteen (op werkdagen, ${hours})` : `right away (working days, ${hours})`) : nl ? 'meteen' : 'right away',
    },
    { title: nl ? 'Sluit' : 'Closes', value: s.deadline ? formatWhen(s.deadline, language) : '' },
    { title: nl ? 'Herinneringen' : 'Reminders', value: s.reminderDays.length ? s.reminderDays.map((d) => (nl ? `${d} ${d === 1 ? 'dag' : 'dagen'}` : `${d} ${d === 1 ? 'day' : 'days'}`)).join(', ') + (nl ? ' voor de sluitdatum' : ' before closing') : nl ? 'geen' : 'none' },
    { title: nl ? 'Herhalen' : 'Repeat', value: repeatText(s.repeat, language) },
    { title: nl ? 'Resultaten' : 'Results', value: nl ? 'in dit kanaal' : 'in this channel' },
  ];
  return cards.render('surveys.review', {
    id: s.publicId,
    heading: nl ? 'Controleren en versturen' : 'Check and send',
    title: escapeMarkdown(s.title),
    facts,
    questionsHeading: nl ? 'Vragen' : 'Questions',
    questions: s.questions.map((q, i) => ({ line: questionLine(q, i, language) })),
    warnings: [
      ...r.warnings.map((w) => w[language]),
      ...(r.unmatched.length
        ? [(nl ? 'Niet gevonden: ' : 'Not found: ') + r.unmatched.slice(0, 20).join(', ') + (r.unmatched.length > 20 ? (nl ? ` en nog ${r.unmatched.length - 20}` : ` and ${r.unmatched.length - 20} more`) : '')]
        : []),
    ],
    problems: r.problems.map((p) => p[language]),
    canSend: r.problems.length === 0,
    sendLabel: nl ? `Versturen naar ${n} ${n === 1 ? 'persoon' : 'mensen'}` : `Send to ${n} ${n === 1 ? 'person' : 'people'}`,
    backLabel: nl ? 'Terug naar het concept' : 'Back to the draft',
  });
}

const FAILURE: Partial<Record<FailureReason | string, LocalText>> = {
  blocked: { nl: 'Cadans kan deze persoon niet bereiken (de app is geblokkeerd of niet geïnstalleerd).', en: 'Cadans cannot reach this person (the app is blocked or not installed).' },
  conversation_not_found: { nl: 'de chat met deze persoon bestaat niet meer.', en: 'the chat with this person no longer exists.' },
  too_large: { nl: 'het bericht was te groot voor Teams.', en: 'the message was too large for Teams.' },
  max_attempts: { nl: 'Teams bleef het bericht weigeren; later opnieuw proberen kan helpen.', en: 'Teams kept refusing the message; trying again later may help.' },
};

export function renderDelivery(cards: CardRenderer, language: Language, d: DeliveryStatus, now: Date, message = ''): AdaptiveCard {
  const nl = language === 'nl';
  const s = d.survey;
  const c = d.counts;
  const pct = c.recipients > 0 ? Math.round((c.answered / c.recipients) * 100) : 0;
  const statusLine =
    s.status === 'cancelled'
      ? nl ? 'Deze peiling is geannuleerd.' : 'This survey was cancelled.'
      : s.status === 'closed'
        ? nl ? `Gesloten${s.closedAt ? ` op ${formatWhen(s.closedAt, language)}` : ''}. De resultaten staan in het kanaal.` : `Closed${s.closedAt ? ` on ${formatWhen(s.closedAt, language)}` : ''}. The results are in the channel.`
        : s.status === 'scheduled' && s.opensAt
          ? nl ? `Gaat uit op ${formatWhen(s.opensAt, language)}.` : `Goes out on ${formatWhen(s.opensAt, language)}.`
          : s.deadline
            ? nl ? `Loopt tot ${formatWhen(s.deadline, language)}.` : `Runs until ${formatWhen(s.deadline, language)}.`
            : '';
  const open = s.status === 'open' && (!s.deadline || s.deadline > now);
  return cards.render('surveys.delivery', {
    id: s.publicId,
    title: escapeMarkdown(s.title),
    statusLine,
    facts: [
      { title: nl ? 'Aangekomen' : 'Delivered', value: nl ? `${c.sent} van ${c.recipients}` : `${c.sent} of ${c.recipients}` },
      { title: nl ? 'Niet aangekomen' : 'Not delivered', value: String(d.failedTotal) },
      { title: nl ? 'Ingevuld' : 'Answered', value: `${c.answered} (${pct}%)` },
      { title: nl ? 'Nog niet ingevuld' : 'Not answered yet', value: String(c.recipients - c.answered) },
    ],
    failed: d.failed.map((f) => ({ line: `${escapeMarkdown(f.name)}: ${(FAILURE[f.reason] ?? { nl: 'Teams weigerde het bericht.', en: 'Teams refused the message.' })[language]}` })),
    failedHeading: nl ? 'Niet aangekomen bij' : 'Not delivered to',
    failedMore: d.failedTotal > d.failed.length ? (nl ? `En nog ${d.failedTotal - d.failed.length} anderen.` : `And ${d.failedTotal - d.failed.length} others.`) : '',
    message,
    canResend: open && d.failedTotal > 0,
    canClose: open,
    canCancel: s.status === 'open' || s.status === 'scheduled',
    canRepost: s.status === 'closed',
    labels: {
      refresh: nl ? 'Vernieuwen' : 'Refresh',
      resend: nl ? 'Opnieuw sturen naar wie het niet kreeg' : 'Send again to those who did not get it',
      close: nl ? 'Nu sluiten' : 'Close now',
      cancel: nl ? 'Peiling annuleren' : 'Cancel survey',
      repost: nl ? 'Resultaten opnieuw plaatsen' : 'Post the results again',
    },
  });
}

/** The card to add an own template: a copyable example, the text to paste, errors per line. */
export function renderTemplateCard(
  cards: CardRenderer,
  language: Language,
  o: { example: string; definition?: string; errors?: { line: number | null; message: LocalText }[]; saved?: string },
): AdaptiveCard {
  const nl = language === 'nl';
  return cards.render('surveys.template', {
    title: nl ? 'Eigen peiling toevoegen' : 'Add a survey of your own',
    intro: nl
      ? 'Schrijf je peiling in YAML of JSON, of stuur een .yaml- of .json-bestand in je chat met Cadans. Kopieer het voorbeeld en pas het aan. Soorten vragen: stelling (1–5), keuze, ja-nee, 0-10 en open.'
      : 'Write your survey in YAML or JSON, or send a .yaml or .json file in your chat with Cadans. Copy the example and change it. Kinds of questions: statement (1–5), choice, yes-no, 0-10 and open.',
    errors: (o.errors ?? []).map((e) => (e.line !== null ? (nl ? `Regel ${e.line}: ` : `Line ${e.line}: `) : '') + e.message[language]),
    saved: o.saved ?? '',
    exampleLabel: nl ? 'Voorbeeld' : 'Example',
    example: o.example,
    definitionLabel: nl ? 'Jouw peiling' : 'Your survey',
    definition: o.definition ?? '',
    placeholder: nl ? 'titel: …' : 'title: …',
    saveLabel: nl ? 'Toevoegen' : 'Add',
    backLabel: nl ? 'Terug naar de peilingen' : 'Back to the surveys',
  });
}

/** `resultaten`: the closed surveys the person may see, and the improvement actions at a glance. */
export function renderClosed(
  cards: CardRenderer,
  language: Language,
  o: { closed: { survey: SurveyRow; answered: number; recipients: number; openAnswers?: boolean }[]; schoolParts: { survey: SurveyRow; schoolId: number; schoolName: string }[]; actions: { total: number; overdue: number } | null },
): AdaptiveCard {
  const nl = language === 'nl';
  const a = o.actions;
  const actionsLine = !a
    ? nl ? 'Verbeteracties zie je als je een rol hebt in de kwaliteitszorg (of als een actie van jou is: in je chat met Cadans).' : 'You see improvement actions when you have a role in quality assurance (or, for your own actions, in your chat with Cadans).'
    : a.total === 0
      ? nl ? 'Er staan geen verbeteracties open.' : 'There are no open improvement actions.'
      : nl ? `${a.total} open${a.overdue ? `, waarvan ${a.overdue} over de datum` : ''}.` : `${a.total} open${a.overdue ? `, ${a.overdue} of them overdue` : ''}.`;
  return cards.render('surveys.closed', {
    title: nl ? 'Resultaten' : 'Results',
    intro: nl ? 'Gesloten peilingen en de verbeteracties die eruit voortkomen. Elke uitkomst op een resultaatkaart kan een verbeteractie worden.' : 'Closed surveys and the improvement actions that come from them. Every line of a result card can become an improvement action.',
    actionsHeading: nl ? 'Verbeteracties' : 'Improvement actions',
    actionsLine,
    actionsColor: a && a.overdue > 0 ? 'Warning' : 'Default',
    canListActions: a !== null,
    actionsButton: nl ? 'Verbeteracties bekijken' : 'See improvement actions',
    closedHeading: nl ? 'Gesloten peilingen' : 'Closed surveys',
    noneClosed: nl ? 'Nog geen gesloten peilingen die jij mag zien.' : 'No closed surveys you may see yet.',
    closed: o.closed.map(({ survey: s, answered, recipients, openAnswers }) => {
      const pct = recipients > 0 ? Math.round((answered / recipients) * 100) : 0;
      const when = s.closedAt ? formatWhen(s.closedAt, language) : '';
      return { id: s.publicId, title: escapeMarkdown(s.title), line: nl ? `${answered} van ${recipients} gereageerd (${pct}%) · gesloten ${when}` : `${answered} of ${recipients} responded (${pct}%) · closed ${when}`, openAnswers: openAnswers ?? false };
    }),
    repostLabel: nl ? 'Opnieuw in het kanaal plaatsen' : 'Post in the channel again',
    openAnswersLabel: nl ? 'Open antwoorden beheren' : 'Manage open answers',
    exportLabel: nl ? 'Exporteren' : 'Export',
    schoolPartsHeading: nl ? 'Peilingen van het bestuur: het deel van jouw school' : "The board's surveys: your school's part",
    schoolParts: o.schoolParts.map(({ survey: s, schoolId, schoolName }) => ({
      id: s.publicId,
      school: String(schoolId),
      title: escapeMarkdown(schoolName ? `${s.title} · ${schoolName}` : s.title),
      line: s.closedAt ? (nl ? `gesloten ${formatWhen(s.closedAt, language)}` : `closed ${formatWhen(s.closedAt, language)}`) : '',
    })),
    schoolPartLabel: nl ? 'Uitkomsten van mijn school' : "My school's results",
    schoolExportLabel: nl ? 'Exporteren' : 'Export',
  });
}

export function renderExport(cards: CardRenderer, language: Language, title: string, xlsxUrl: string, csvUrl: string): AdaptiveCard {
  const nl = language === 'nl';
  return cards.render('surveys.export', {
    title: nl ? `Exporteren: ${escapeMarkdown(title)}` : `Export: ${escapeMarkdown(title)}`,
    text: nl
      ? 'De uitkomsten zoals de resultaatkaart ze mag tonen: groepen onder de minimale groepsgrootte staan er niet in, en namen nooit. De links werken 15 minuten.'
      : 'The results as the result card may show them: groups below the minimum group size are left out, and names always. The links work for 15 minutes.',
    xlsxLabel: 'Excel (.xlsx)',
    xlsxUrl,
    csvLabel: 'CSV',
    csvUrl,
    backLabel: nl ? 'Terug' : 'Back',
  });
}

/** The questions of a draft as rows to edit, with empty rows to add to (a pulse: up to 10). */
export function renderQuestions(
  cards: CardRenderer,
  language: Language,
  s: SurveyRow,
  o: { problems?: LocalText[]; typed?: { text: string; kind: string; required: boolean; options: string[] }[] } = {},
): AdaptiveCard {
  const nl = language === 'nl';
  const max = s.kind === 'pulse' ? SURVEY_LIMITS.pulseQuestions : SURVEY_LIMITS.selfEvaluationQuestions;
  const current =
    o.typed ??
    s.questions.map((q) => ({ text: q.text, kind: q.kind === 'choice' && q.multiple ? 'choice-multiple' : q.kind, required: q.required, options: (q.options ?? []).map((x) => x.label) }));
  const count = Math.min(max, Math.max(current.length + 3, s.kind === 'pulse' ? 5 : current.length + 3));
  const rows = Array.from({ length: count }, (_, i) => {
    const r = current[i];
    return { n: i + 1, label: nl ? `Vraag ${i + 1}` : `Question ${i + 1}`, text: r?.text ?? '', kind: r?.kind ?? 'likert', required: String(r?.required ?? true), options: (r?.options ?? []).join('; ') };
  });
  return cards.render('surveys.questions', {
    id: s.publicId,
    heading: nl ? `Vragen: ${escapeMarkdown(s.title)}` : `Questions: ${escapeMarkdown(s.title)}`,
    intro: nl
      ? `Schrijf per vraag de tekst en kies de soort. Een lege vraag telt niet mee. Bij een keuzevraag geef je 2 tot 10 opties, gescheiden door een puntkomma. Een korte peiling heeft hoogstens ${SURVEY_LIMITS.pulseQuestions} vragen, waarvan één open; 3 tot 5 vragen worden het best ingevuld.`
      : `Write each question's text and pick its kind. An empty question does not count. A choice question has 2 to 10 options, separated by semicolons. A pulse survey has at most ${SURVEY_LIMITS.pulseQuestions} questions, one of them open; 3 to 5 questions get answered best.`,
    problems: (o.problems ?? []).map((p) => p[language]),
    rows,
    kindLabel: nl ? 'Soort' : 'Kind',
    kindChoices: [
      { title: nl ? 'Stelling (helemaal oneens … helemaal eens)' : 'Statement (strongly disagree … strongly agree)', value: 'likert' },
      { title: nl ? 'Ja of nee' : 'Yes or no', value: 'yesno' },
      { title: nl ? 'Cijfer van 0 tot 10' : 'Score from 0 to 10', value: 'scale10' },
      { title: nl ? 'Keuze uit opties (één)' : 'Choice of options (one)', value: 'choice' },
      { title: nl ? 'Keuze uit opties (meer mogelijk)' : 'Choice of options (several)', value: 'choice-multiple' },
      { title: nl ? 'Open vraag' : 'Open question', value: 'open' },
    ],
    requiredLabel: nl ? 'Verplicht' : 'Required',
    optionsLabel: nl ? 'Opties (alleen bij een keuzevraag)' : 'Options (choice questions only)',
    optionsPlaceholder: nl ? 'optie 1; optie 2; optie 3' : 'option 1; option 2; option 3',
    saveLabel: nl ? 'Vragen opslaan' : 'Save questions',
    backLabel: nl ? 'Terug naar het concept' : 'Back to the draft',
  });
}

/** Characters of one open answer on the list card (the confirmation card shows it whole). */
export const OPEN_ANSWER_PREVIEW = 400;

function questionLabel(s: SurveyRow, questionId: string, language: Language): string {
  const i = s.questions.findIndex((q) => q.id === questionId);
  const q = s.questions[i];
  const nl = language === 'nl';
  return q ? `${nl ? 'Vraag' : 'Question'} ${i + 1}: ${escapeMarkdown(q.text)}` : nl ? 'Een vraag die er niet meer is' : 'A question no longer there';
}

const preview = (t: string): string => {
  const folded = t.replace(/\s+/g, ' ').trim();
  return escapeMarkdown(folded.length > OPEN_ANSWER_PREVIEW ? `${folded.slice(0, OPEN_ANSWER_PREVIEW - 1)}…` : folded);
};

/** A beheerder's list of a closed anonymous survey's open answers, each with a remove button (docs/surveys.md). */
export function renderOpenAnswers(
  cards: CardRenderer,
  language: Language,
  o: { survey: SurveyRow; total: number; page: number; pages: number; rows: { id: string; questionId: string; text: string }[]; notice?: { text: string; tone: 'good' | 'warning' } },
): AdaptiveCard {
  const nl = language === 'nl';
  const from = o.rows.length ? o.page * OPEN_ANSWERS_PAGE + 1 : 0;
  const to = from + o.rows.length - 1;
  return cards.render('surveys.open-answers', {
    title: nl ? `Open antwoorden: ${escapeMarkdown(o.survey.title)}` : `Open answers: ${escapeMarkdown(o.survey.title)}`,
    notice: o.notice?.text ?? '',
    noticeStyle: o.notice?.tone === 'warning' ? 'warning' : 'good',
    intro: nl
      ? 'Open antwoorden kunnen mensen noemen of herkenbaar zijn. Als beheerder kun je een antwoord verwijderen; de andere antwoorden en alle cijfers blijven. Dat wordt vastgelegd (zonder de tekst).'
      : 'Open answers can name people or be recognisable. As an administrator you can remove an answer; the other answers and all figures stay. This is logged (without the text).',
    none: nl ? 'Deze peiling heeft geen open antwoorden (meer).' : 'This survey has no open answers (any more).',
    survey: o.survey.publicId,
    answers: o.rows.map((r) => ({ id: r.id, question: questionLabel(o.survey, r.questionId, language), text: preview(r.text) })),
    removeLabel: nl ? 'Verwijderen…' : 'Remove…',
    pageLine: o.pages > 1 ? (nl ? `Antwoorden ${from}–${to} van ${o.total}` : `Answers ${from}–${to} of ${o.total}`) : '',
    hasPrevious: o.page > 0,
    hasNext: o.page + 1 < o.pages,
    previousLabel: nl ? 'Vorige' : 'Previous',
    nextLabel: nl ? 'Volgende' : 'Next',
    previousPage: String(Math.max(0, o.page - 1)),
    nextPage: String(o.page + 1),
  });
}

/** Are you sure? The whole answer, and what removing it does. */
export function renderRemoveAnswer(cards: CardRenderer, language: Language, survey: SurveyRow, answer: { id: string; questionId: string; text: string }, page: number): AdaptiveCard {
  const nl = language === 'nl';
  return cards.render('surveys.remove-answer', {
    title: nl ? 'Dit open antwoord verwijderen?' : 'Remove this open answer?',
    question: `${escapeMarkdown(survey.title)} · ${questionLabel(survey, answer.questionId, language)}`,
    text: escapeMarkdown(answer.text),
    warning: nl
      ? 'Het antwoord verdwijnt voorgoed uit de resultaten, de export en de kaart in het kanaal. Dit kan niet ongedaan worden gemaakt. De cijfers en de andere antwoorden blijven.'
      : 'The answer disappears for good from the results, the export and the card in the channel. This cannot be undone. The figures and the other answers stay.',
    confirmLabel: nl ? 'Verwijderen' : 'Remove',
    backLabel: nl ? 'Terug' : 'Back',
    survey: survey.publicId,
    answer: answer.id,
    page: String(page),
  });
}
