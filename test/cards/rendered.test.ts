// Every card Cadans renders, as rendered (the views with their templates), in Dutch and English, with
// the worst data a tenant can produce: names of 256 characters full of Markdown characters, 20
// steps, hundreds of people in a picker, notes of 2,000 characters, titles at their limits, evidence
// links of 2,000 characters. Each must parse cleanly with the `adaptivecards` library and fit Teams'
// bot message limit with room to spare (test/support/card-check.ts says which figure and why).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHelpCard, renderNoticeCard, renderWelcomeCard } from '../../src/cards/app-views.js';
import { createTranslator } from '../../src/cards/i18n.js';
import { createCardRenderer, type AdaptiveCard } from '../../src/cards/render.js';
import type { Language } from '../../src/config.js';
import { LIMITS, MAX_ITEM_URL, MAX_STEP_ITEMS } from '../../src/checklists/model.js';
import { TEMPLATE_LIMITS } from '../../src/checklists/parse-template.js';
import { FORM_MAX, FORM_STEPS, type FormField } from '../../src/checklists/template-form.js';
import type { Checklist, RunningChecklist } from '../../src/checklists/model.js';
import { BUILT_IN_TEMPLATES, INSPECTION, type ChecklistTemplate } from '../../src/checklists/templates.js';
import {
  renderChannelCard,
  renderExportCard,
  renderMenuCard,
  renderNewCard,
  renderStepCard,
  renderSummaryCard,
  renderTemplateCard,
  MAX_EVIDENCE_URL_IN_SUMMARY,
} from '../../src/checklists/view.js';
import { TABLE_LIMITS } from '../../src/meetings/model.js';
import { renderOpenAnswers, renderRemoveAnswer } from '../../src/surveys/manage-view.js';
import { SURVEY_LIMITS } from '../../src/surveys/model.js';
import { OPEN_ANSWERS_PAGE } from '../../src/surveys/service.js';
import type { SurveyRow } from '../../src/surveys/store.js';
import { PDCA_QUESTIONS } from '../../src/meetings/texts.js';
import type { TableRow } from '../../src/meetings/view-model.js';
import { renderCannotCome, renderFollowUp, renderOverview, renderPrep, renderRhythmWarning, renderTable, renderTableForm } from '../../src/meetings/view.js';
import { ROLES } from '../../src/people/model.js';
import { renderCalendarCard, renderHolidaysFileCard, renderRolesCard, renderSchoolCalendarCard } from '../../src/people/view.js';
import { OWN_HOLIDAY_LIMITS } from '../../src/schedule/index.js';
import { TEAMS_CARD_BUDGET_BYTES, TEAMS_MAX_MESSAGE_BYTES, cardMessageBytes, parseErrors } from '../support/card-check.js';
import { ROOT_DIR } from '../support/harness.js';

const cards = createCardRenderer(path.join(ROOT_DIR, 'adaptive-cards'));

/** Text of exactly `n` characters with every Markdown character, escapes, quotes and accents in it. */
function hostile(n: number, seed = ''): string {
  const unit = `${seed} Anna-Maria [van] den *Heuvel*_Ouwehand (O'Brien) #1 > ~x~ | \`c\` \\ "é" … `;
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}
/** Text a member can type that grows the most when escaped: nothing but Markdown characters. */
function adversarial(n: number): string {
  return '*_[]()#>~|`\\'.repeat(Math.ceil(n / 12)).slice(0, n);
}
/** Text that grows the most in the card's JSON: quotes, backslashes and line breaks (typed values, not Markdown). */
function escapeHeavy(n: number): string {
  return '"\\\n'.repeat(Math.ceil(n / 3)).slice(0, n);
}
/** Teams display names can be 256 characters; nothing in Cadans shortens them on the way in. */
const NAME = 256;
const person = (i: number) => ({ aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: hostile(NAME, `P${i} `) });
const people = (n: number) => Array.from({ length: n }, (_, i) => person(i));
/** Evidence links at the 2,000-character limit, and every other one just short enough for the summary. */
const longUrl = (i: number) => `https://stichting.sharepoint.com/sites/kwaliteit/${String(i)}/${'a)b]c'.repeat(400)}`.slice(0, i % 2 ? LIMITS.evidenceUrl : MAX_EVIDENCE_URL_IN_SUMMARY);

/** An own template at every limit of the template parser. */
function ownTemplate(key: string): ChecklistTemplate {
  const text = (n: number, seed: string) => ({ nl: hostile(n, seed), en: hostile(n, seed) });
  return {
    key,
    title: text(TEMPLATE_LIMITS.title, key),
    description: text(TEMPLATE_LIMITS.description, key),
    targetLabel: text(TEMPLATE_LIMITS.targetLabel, key),
    next: text(TEMPLATE_LIMITS.description, key),
    steps: Array.from({ length: TEMPLATE_LIMITS.steps }, (_, i) => ({ key: `s${i}`, title: text(TEMPLATE_LIMITS.title, `${i}`), guidance: text(TEMPLATE_LIMITS.guidance, `${i}`), dueOffsetDays: -i })),
  };
}

function worstChecklist(language: Language, template: ChecklistTemplate): Checklist {
  return {
    id: 2_147_483_647,
    publicId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
    tenantId: '6babcaad-604b-40ac-a9d7-9fd97c0b779f',
    templateKey: template.key,
    title: hostile(LIMITS.title, 'T'),
    schoolId: 1,
    schoolName: hostile(120, 'S'),
    targetDate: '2027-12-30',
    investigationType: 'ontwikkelpunten',
    endDate: '2027-12-31',
    language,
    conversationId: `19:${'a'.repeat(32)}@thread.tacv2`,
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    teamId: `19:${'b'.repeat(32)}@thread.tacv2`,
    cardActivityId: '1767225600000',
    cardPostKey: 'checklist:2147483647:card:r1999999',
    createdBy: person(0).aadObjectId,
    createdAt: new Date('2027-01-10T09:00:00Z'),
    completedAt: new Date('2027-12-30T15:00:00Z'),
    version: 2_000_000,
    steps: template.steps.map((s, i) => ({
      position: i + 1,
      key: s.key,
      title: s.title,
      guidance: s.guidance,
      link: i === 0 ? 'roles' : null,
      status: (['open', 'bezig', 'klaar', 'nvt'] as const)[i % 4]!,
      ownerAad: person(i).aadObjectId,
      ownerName: person(i).name,
      dueDate: '2027-01-26',
      note: i % 2 ? adversarial(LIMITS.note) : hostile(LIMITS.note, `N${i}`),
      evidenceUrl: longUrl(i),
      // Every step at the most items, each with the longest title and link: the step card's worst case.
      items: Array.from({ length: MAX_STEP_ITEMS }, (_, j) => ({ key: `i${j}`, title: { nl: hostile(80, `D${j} `), en: hostile(80, `D${j} `) }, done: j % 2 === 0, evidenceUrl: longUrl(j).slice(0, MAX_ITEM_URL) })),
      updatedBy: person(i).aadObjectId,
      updatedAt: new Date('2027-02-01T10:00:00Z'),
    })),
  };
}

/** A large board: 40 schools, names at the 120-character limit. */
const schools = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: hostile(120, `School ${i} `) }));
const OWN_TEMPLATES = Array.from({ length: 10 }, (_, i) => ownTemplate(`own-${i}`));

function renderAll(language: Language): Array<[string, AdaptiveCard]> {
  const t = createTranslator(language);
  const template = ownTemplate('own-worst');
  const c = worstChecklist(language, template);
  const step = c.steps[1]!;
  const running: Array<RunningChecklist & { groupId: string | null; cardFailed: boolean }> = Array.from({ length: 20 }, (_, i) => ({
    id: 2_147_483_000 + i,
    publicId: `f0e1d2c3-b4a5-4968-8776-6554433221${String(i).padStart(2, '0')}`,
    title: hostile(LIMITS.title, `R${i}`),
    done: 17,
    notApplicable: 2,
    total: 20,
    cardActivityId: i % 2 ? null : '1767225600000',
    cardPostKey: `checklist:${2_147_483_000 + i}:card:r1999999`,
    cardFailed: i % 2 === 1,
    teamId: `19:${"b".repeat(32)}@thread.tacv2`,
    conversationId: c.conversationId,
    tenantId: c.tenantId,
    groupId: '6babcaad-604b-40ac-a9d7-9fd97c0b779f',
    schoolName: hostile(120, `S${i}`),
    targetDate: '2027-12-30',
  }));
  const settledBy = new Map(c.steps.map((s) => [s.position, { name: person(s.position).name, at: new Date('2027-02-01T10:00:00Z') }]));
  const assignments = Array.from({ length: 500 }, (_, i) => ({
    id: i + 1,
    aadObjectId: person(i).aadObjectId,
    name: person(i).name,
    role: ROLES[i % ROLES.length]!,
    schoolId: i % 2 ? schools[i % schools.length]!.id : null,
    schoolName: i % 2 ? schools[i % schools.length]!.name : null,
    grantedBy: i % 3 ? person(0).aadObjectId : 'configuration',
    setByConfiguration: i % 3 === 0,
  }));
  const yaml = `titel: ${hostile(TEMPLATE_LIMITS.title)}\nstappen:\n${Array.from({ length: 400 }, (_, i) => `  - titel: stap ${i} ${'x'.repeat(30)}`).join('\n')}\n`;
  const errors = Array.from({ length: 40 }, (_, i) => ({ line: i + 1, message: { nl: hostile(200, 'fout '), en: hostile(200, 'error ') } }));
  const fullForm = {
    title: escapeHeavy(FORM_MAX.title),
    steps: Array.from({ length: FORM_STEPS }, () => ({ title: escapeHeavy(FORM_MAX.title), guidance: escapeHeavy(FORM_MAX.guidance), days: escapeHeavy(FORM_MAX.days) })),
  };
  // The parser reports at most TEMPLATE_LIMITS.errorsShown errors (the last one saying how many more), each shown beside its field.
  const fields: FormField[] = ['title', ...Array.from({ length: FORM_STEPS }, (_, i) => (['stepTitle', 'stepGuidance', 'stepDays'] as const).map((f) => `${f}${i + 1}` as FormField)).flat()];
  const fieldError = () => [{ message: { nl: hostile(200, 'fout '), en: hostile(200, 'error ') } }];
  const formErrors = new Map<FormField | null, ReturnType<typeof fieldError>>([[null, fieldError()], ...fields.slice(0, TEMPLATE_LIMITS.errorsShown - 1).map((f): [FormField, ReturnType<typeof fieldError>] => [f, fieldError()])]);
  return [
    ['welcome (personal)', renderWelcomeCard(cards, t, 'personal')],
    ['welcome (team)', renderWelcomeCard(cards, t, 'team')],
    ['help', renderHelpCard(cards, t)],
    ['notice', renderNoticeCard(cards, t, { title: t('errorTitle'), text: hostile(2_000, 'E'), tone: 'attention', reference: t('errorReference', { id: 'a'.repeat(36) }), withHelpButton: true })],
    ['roles', renderRolesCard(cards, t, { overview: { schools, assignments: assignments.slice(0, 200), totalAssignments: 500 }, people: people(400), message: { text: t('rolesRevoked', { name: person(1).name, role: t('roleBeheerder'), scope: schools[0]!.name }), tone: 'good' } })],
    ['checklist channel', renderChannelCard(cards, t, { checklist: c, template, refreshUserIds: Array.from({ length: 100 }, (_, i) => `29:${String(i).padStart(80, 'u')}`), lastChangedBy: person(7).name, today: '2027-02-01' })],
    // A running checklist: every row has its status menu, and the clicker's confirmation on top.
    ['checklist channel (running, with the confirmation of a click)', renderChannelCard(cards, t, { checklist: { ...c, completedAt: null }, template, refreshUserIds: Array.from({ length: 100 }, (_, i) => `29:${String(i).padStart(80, 'u')}`), lastChangedBy: person(7).name, today: '2027-01-26', message: { text: t('checklistRowSaved', { n: 20, status: hostile(40) }), tone: 'good' } })],
    // A refused save shown again after someone else's change: every field holds the longest input the route accepts.
    ['checklist step (editor, draft kept)', renderStepCard(cards, t, { checklist: c, step, language, canEdit: true, canTake: true, canSetStatus: true, people: people(400), message: { text: t('checklistDraftKept'), tone: 'warning' }, refreshFor: `29:${'u'.repeat(80)}`, draft: { owner: 'x'.repeat(200), dueDate: '2027-13-45', note: adversarial(10_000), evidenceUrl: `javascript:${'x'.repeat(9_989)}`, ...Object.fromEntries(Array.from({ length: MAX_STEP_ITEMS }, (_, i) => [`itemUrl${i + 1}`, 'y'.repeat(10_000)])) } })],
    ['checklist step (editor)', renderStepCard(cards, t, { checklist: c, step, language, canEdit: true, canTake: true, canSetStatus: true, people: people(400), message: { text: t('checklistUpdatedBy', { name: person(3).name }), tone: 'warning' } })],
    ['checklist step (owner not in the roster)', renderStepCard(cards, t, { checklist: c, step: { ...step, ownerAad: 'not-in-roster', ownerName: person(999).name }, language, canEdit: true, canTake: false, canSetStatus: true, people: people(400) })],
    ['checklist menu', renderMenuCard(cards, t, { running, finished: running.slice(0, 5).map((r) => ({ id: r.id, publicId: r.publicId, title: r.title })), templates: [...BUILT_IN_TEMPLATES, ...OWN_TEMPLATES], canStart: true, canAddTemplate: true, failedMessages: 1_234_567, language })],
    ['checklist new', renderNewCard(cards, t, { template, schools, language, message: t('checklistInvalidTitle'), values: { title: hostile(LIMITS.title), targetDate: '2027-12-30' } })],
    ['checklist new (inspection)', renderNewCard(cards, t, { template: INSPECTION, schools, language, message: t('checklistInvalidEndDate'), values: { title: hostile(LIMITS.title), targetDate: '2027-12-30', investigation: 'herstel', endDate: '2027-12-31' } })],
    ['checklist step (items, read only)', renderStepCard(cards, t, { checklist: c, step, language, canEdit: false, canTake: false, canSetStatus: true, people: [] })],
    ['checklist summary', renderSummaryCard(cards, t, { checklist: c, template: { ...template, followUp: INSPECTION.key }, settledBy })],
    ['checklist export', renderExportCard(cards, t, { title: c.title, xlsxUrl: `https://cadans.example.org/exports/${'t'.repeat(400)}`, csvUrl: `https://cadans.example.org/exports/${'c'.repeat(400)}` })],
    ['checklist template (empty)', renderTemplateCard(cards, t, { language })],
    ['checklist template (saved)', renderTemplateCard(cards, t, { language, saved: hostile(TEMPLATE_LIMITS.title) })],
    ['checklist template (errors in a 100 kB file)', renderTemplateCard(cards, t, { language, text: yaml.padEnd(TEMPLATE_LIMITS.bytes, '#'), errors })],
    ['checklist template (errors in pasted text)', renderTemplateCard(cards, t, { language, text: yaml.slice(0, 20_000), errors })],
    // The form at its limits, every field with errors, beside a full box with errors (a failed save keeps both).
    ['checklist template (form with errors beside a full box)', renderTemplateCard(cards, t, { language, text: escapeHeavy(20_000), errors, form: fullForm, formErrors })],
    ['checklist template (form with errors, box with the example)', renderTemplateCard(cards, t, { language, form: fullForm, formErrors })],
    ...meetingCards(language),
    ...calendarCards(language, t),
    ...surveyAnswerCards(language),
  ];
}

/** A beheerder's open answers of a survey (a page at its fullest, every answer at its limit) and the confirmation card. */
function surveyAnswerCards(language: Language): [string, AdaptiveCard][] {
  const questions = Array.from({ length: SURVEY_LIMITS.selfEvaluationQuestions }, (_, i) => ({ id: `q${i + 1}`, kind: 'open' as const, text: adversarial(SURVEY_LIMITS.questionLength), required: false }));
  const survey = { publicId: '6f1c2a4e-0000-4000-8000-000000000001', title: adversarial(SURVEY_LIMITS.titleLength), questions } as unknown as SurveyRow;
  const rows = Array.from({ length: OPEN_ANSWERS_PAGE }, (_, i) => ({ id: `0b7e2f55-1d2c-4c8f-9a61-${String(i).padStart(12, '0')}`, questionId: `q${(i % questions.length) + 1}`, text: adversarial(SURVEY_LIMITS.openAnswerLength) }));
  return [
    ['survey open answers (a full page, a notice)', renderOpenAnswers(cards, language, { survey, total: 12_345, page: 3, pages: 1_235, rows, notice: { text: 'x'.repeat(200), tone: 'good' } })],
    ['survey remove answer (confirm)', renderRemoveAnswer(cards, language, survey, rows[0]!, 3)],
  ];
}

/** The school-year cards: 60 schools with names at their limits, an own rooster of 100 periods with the longest names, 50 errors. */
function calendarCards(language: Language, t: ReturnType<typeof createTranslator>): [string, AdaptiveCard][] {
  const periods = Array.from({ length: OWN_HOLIDAY_LIMITS.maxPeriods }, (_, i) => ({ name: adversarial(OWN_HOLIDAY_LIMITS.maxNameLength), first: `2026-${String(8 + (i % 5)).padStart(2, '0')}-01`, last: `2026-${String(8 + (i % 5)).padStart(2, '0')}-28` }));
  const schoolRows = Array.from({ length: 200 }, (_, i) => ({
    id: 2_000_000_000 + i,
    name: hostile(120, `S${i} `),
    region: i % 4 === 0 ? null : (['noord', 'midden', 'zuid'] as const)[i % 3]!,
    sector: i % 5 === 0 ? null : (['po', 'vo', 'so', 'mbo'] as const)[i % 4]!,
    roster: i % 2 ? { periods, source: 'ics', updatedAt: new Date('2026-09-01T10:00:00Z') } : null,
    canEdit: true,
  }));
  const overview = { canSetRegion: true, defaultRegion: 'midden' as const, schools: schoolRows };
  const errors = Array.from({ length: OWN_HOLIDAY_LIMITS.maxErrors }, (_, i) => ({ line: i + 1, message: { nl: hostile(120, 'fout '), en: hostile(120, 'error ') } }));
  const base = { language, today: '2026-12-05', canSetRegion: true, defaultRegion: 'midden' as const };
  return [
    ['roles calendar (200 schools)', renderCalendarCard(cards, t, { overview, message: { text: t('calendarRegionSaved', { name: hostile(120), region: 'Zuid' }), tone: 'good' } })],
    ['roles calendar (directeur)', renderCalendarCard(cards, t, { overview: { ...overview, canSetRegion: false, schools: schoolRows.slice(0, 1) } })],
    ['roles school (own rooster of 100 periods)', renderSchoolCalendarCard(cards, t, { ...base, school: schoolRows[1]! })],
    ['roles school (regional, advisory)', renderSchoolCalendarCard(cards, t, { ...base, school: { ...schoolRows[4]!, region: 'zuid', sector: 'po' }, message: { text: t('calendarHolidaysRemoved', { name: hostile(120) }), tone: 'good' } })],
    ['roles school (no region, directeur)', renderSchoolCalendarCard(cards, t, { ...base, canSetRegion: false, defaultRegion: null, school: schoolRows[0]! })],
    ['roles school (50 errors, 12,000 characters kept)', renderSchoolCalendarCard(cards, t, { ...base, school: schoolRows[2]!, errors, holidaysValue: adversarial(12_000) })],
    ['roles holidays file (100 periods, 200 schools)', renderHolidaysFileCard(cards, t, { language, fileName: hostile(200), source: 'ics', periods, schools: schoolRows })],
  ];
}

/** The meeting cards with a large board's worst: 40 tables shown of 500, names at their limits, 30 agenda items of 500 Markdown characters. */
function meetingCards(language: Language): Array<[string, AdaptiveCard]> {
  const now = new Date('2027-03-01T10:00:00Z');
  const id = (i: number) => `7c1e4f2b-9a3d-4c6e-8f21-${String(i).padStart(12, '0')}`;
  const rules: TableRow['rule'][] = [{ kind: 'window', minWeeks: 4, maxWeeks: 6 }, { kind: 'yearlyInMonths', months: [11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9] }, { kind: 'everyNWeeks', weeks: 52, weekday: 3 }, { kind: 'perSchoolYear', times: 40 }, { kind: 'dates', dates: ['2027-03-09'] }];
  const row = (i: number): TableRow => ({
    publicId: id(i),
    name: hostile(TABLE_LIMITS.name, `T${i} `),
    kind: 'own',
    schoolName: schools[i % schools.length]!.name,
    rule: rules[i % rules.length]!,
    next: i % 3 ? { publicId: id(1000 + i), startsAt: new Date('2027-03-09T18:30:00Z'), confirmed: i % 2 === 0, windowStart: '2027-03-01', windowEnd: '2027-03-31' } : null,
    lastHeld: new Date('2027-01-12T18:30:00Z'),
    rhythm: (['onTrack', 'needsDate', 'overdue', 'paused'] as const)[i % 4]!,
    memberCount: 60,
    paused: i % 4 === 3,
  });
  const message = { text: hostile(500, 'M'), tone: 'warning' as const };
  const members = Array.from({ length: TABLE_LIMITS.members }, (_, i) =>
    i % 3 === 0 ? { kind: 'role' as const, role: ROLES[i % ROLES.length]!, scope: 'school' as const } : i % 3 === 1 ? { kind: 'person' as const, ...person(i) } : { kind: 'external' as const, name: hostile(120, `E${i} `), email: `e${i}@example.org` },
  );
  const topics = Array.from({ length: TABLE_LIMITS.topics + 2 }, (_, i) => hostile(TABLE_LIMITS.topic, `O${i} `));
  const pdca = PDCA_QUESTIONS.map((q) => ({ step: q.step[language], question: q.question[language] }));
  const agenda = Array.from({ length: TABLE_LIMITS.agendaItems + 5 }, (_, i) => ({ text: adversarial(TABLE_LIMITS.agendaItem), author: person(i).name, mine: i % 5 === 0 }));
  const pack = {
    checklists: Array.from({ length: 20 }, (_, i) => ({ title: hostile(LIMITS.title, `C${i} `), done: 17, notApplicable: 2, total: 20, overdue: i % 2 })),
    surveys: Array.from({ length: 20 }, (_, i) => ({ title: hostile(200, `S${i} `), closedAt: new Date('2027-02-01T16:00:00Z'), responseRate: 64.5, headline: hostile(400, 'H') })),
    actions: Array.from({ length: 50 }, (_, i) => ({ title: hostile(200, `A${i} `), ownerName: person(i).name, dueDate: '2027-02-01', overdue: i % 2 === 0 })),
    actionCounts: { open: 5_000, overdue: 1_234 },
  };
  const prep = {
    language,
    now,
    meetingPublicId: id(1),
    tableName: adversarial(TABLE_LIMITS.name),
    schoolName: schools[0]!.name,
    startsAt: new Date('2027-03-09T18:30:00Z'),
    durationMinutes: 240,
    with: people(200).map((p, i) => ({ name: p.name, chair: i === 7, external: i % 10 === 0 })),
    topics,
    pdca,
    pack,
    agenda,
    me: { prepared: false, cannotCome: false, remindAt: null, isChair: true },
    chairView: { prepared: people(100).map((p) => p.name), cannotCome: people(60).map((p) => ({ name: p.name, reason: adversarial(300) })), noAnswer: people(100).map((p) => p.name) },
    startSurvey: { template: 'own-satisfaction-template-with-a-long-key-of-eighty-characters-xxxxxxxxxxxxxxxxx' },
    icsUrl: `https://cadans.example.org/meetings/ics/${'t'.repeat(400)}`,
    refreshUserId: `29:${'u'.repeat(80)}`,
    message,
  };
  const values = {
    name: adversarial(TABLE_LIMITS.name),
    schoolId: '40',
    ruleKind: 'dates' as const,
    weeks: 'abc',
    minWeeks: '52',
    maxWeeks: '999999',
    times: '40',
    months: '11,12,1,2,3,4,5,6,7,8,9',
    dates: Array.from({ length: 100 }, () => '2027-03-09').join(', ').slice(0, 1_200),
    time: '19:30',
    durationMinutes: '720',
    prepDays: '20',
    topics: topics.join('\n').slice(0, TABLE_LIMITS.topics * (TABLE_LIMITS.topic + 1)),
    roles: ROLES.flatMap((r) => [`${r}:tenant`, `${r}:school`, `${r}:any`]).join(','),
    people: [...people(59).map((p) => p.aadObjectId), 'not-in-the-roster'].join(','),
    externals: Array.from({ length: 60 }, (_, i) => `${hostile(120, `E${i} `)} <e${i}@example.org>`).join('\n').slice(0, 3_000),
    chair: 'person:not-in-the-roster',
    nextDate: '2027-03-09',
    nextTime: '19:30',
  };
  // Problems are Cadans' sentences, some quoting what was typed.
  const fieldProblems = (fields: string[]) => [...fields, 'somethingElse'].map((field) => ({ field, text: hostile(150, 'P') }));
  const followUpValues = {
    held: 'no',
    decisions: adversarial(TABLE_LIMITS.decisions),
    nextDate: '2027-04-13',
    nextTime: '19:30',
    actions: Array.from({ length: 3 }, (_, i) => ({ title: adversarial(200), owner: i ? person(399).aadObjectId : 'not-in-the-roster', due: '2027-04-01' })),
  };
  const followUp = {
    language,
    now,
    meetingPublicId: id(1),
    tableName: adversarial(TABLE_LIMITS.name),
    schoolName: schools[1]!.name,
    startsAt: new Date('2027-03-09T18:30:00Z'),
    agenda,
    people: people(400),
    proposedNext: { date: '2027-04-13', time: '19:30' },
  };
  return [
    ['meetings overview (40 of 500 tables, filter of 40 schools)', renderOverview(cards, { language, now, tables: Array.from({ length: 45 }, (_, i) => row(i)), canManage: true, message, more: 455, schoolFilter: schools[3]!, schools })],
    [
      'meetings table (60 members, 14 topics, history)',
      renderTable(cards, {
        language,
        now,
        table: { ...row(1), topics, ownTopics: topics, time: '19:30', durationMinutes: 720, prepDays: 20, members, chair: { kind: 'person', ...person(1) }, outlookLinked: true },
        history: Array.from({ length: 10 }, (_, i) => ({ startsAt: new Date('2027-01-12T18:30:00Z'), status: (['held', 'notHeld', 'cancelled'] as const)[i % 3]!, decisions: adversarial(TABLE_LIMITS.decisions) })),
        canManage: true,
        message,
      }),
    ],
    [
      'meetings table (chair, Outlook offered)',
      renderTable(cards, {
        language,
        now,
        table: { ...row(2), topics, ownTopics: null, time: '19:30', durationMinutes: 90, prepDays: 5, members, chair: { kind: 'person', ...person(2) }, outlookLinked: false },
        history: [],
        canManage: false,
        canRun: true,
        outlookAvailable: true,
      }),
    ],
    ['meetings table form (400 people, a problem under every field)', renderTableForm(cards, { language, tablePublicId: id(1), schools, people: people(400), values, problems: fieldProblems(['name', 'school', 'ruleKind', 'weeks', 'minWeeks', 'maxWeeks', 'times', 'months', 'dates', 'time', 'duration', 'prepDays', 'topics', 'roles', 'people', 'externals', 'chair', 'nextDate', 'nextTime']) })],
    ['meetings prep (chair, everything at its limit)', renderPrep(cards, prep)],
    ['meetings prep (member, cancelled)', renderPrep(cards, { ...prep, me: { prepared: true, cannotCome: true, remindAt: now, isChair: false }, chairView: undefined, state: 'cancelled' })],
    ['meetings follow-up (form, problems, 400 people)', renderFollowUp(cards, { ...followUp, values: followUpValues, problems: fieldProblems(['held', 'decisions', 'nextDate', 'nextTime', 'a1Title', 'a1Owner', 'a1Due', 'a2Title', 'a2Owner', 'a2Due', 'a3Title', 'a3Owner', 'a3Due']) })],
    ['meetings follow-up (recorded)', renderFollowUp(cards, { ...followUp, recorded: { held: true, decisions: adversarial(TABLE_LIMITS.decisions), actions: Array.from({ length: 3 }, () => adversarial(200)), next: new Date('2027-04-13T17:30:00Z'), by: person(3).name } })],
    ['meetings rhythm warning', renderRhythmWarning(cards, { language, tablePublicId: id(1), tableName: adversarial(TABLE_LIMITS.name), schoolName: schools[2]!.name, rule: rules[1]!, lastHeld: null, windowStart: '2027-03-01', windowEnd: '2027-03-31', proposed: new Date('2027-03-09T18:30:00Z') })],
    ['meetings cannot come', renderCannotCome(cards, { language, meetingPublicId: id(1), tableName: adversarial(TABLE_LIMITS.name), startsAt: new Date('2027-03-09T18:30:00Z'), person: person(5).name, reason: adversarial(300) })],
  ];
}

for (const language of ['nl', 'en'] as const) {
  describe(`every card as rendered, in ${language}, with worst-case data`, () => {
    const rendered = renderAll(language);
    const sizes = rendered.map(([name, card]) => `${name}: ${(cardMessageBytes(card) / 1024).toFixed(1)} KB`);
    console.info(`rendered card sizes (${language}, UTF-16 of the message): ${sizes.join('; ')}`);

    it.each(rendered)('renders the %s card so the adaptivecards library parses it without a warning', (_name, card) => {
      expect(parseErrors(card)).toEqual([]);
    });

    it.each(rendered)('keeps the %s card within the 80 KB Teams recommends for a bot message', (_name, card) => {
      expect(cardMessageBytes(card)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
    });

    it.each(rendered)('leaves no template placeholder unbound in the %s card', (_name, card) => {
      expect(JSON.stringify(card)).not.toMatch(/\$\{/);
    });

    it('lets no name, title or note add Markdown formatting to the shared channel card', () => {
      const channel = rendered.find(([name]) => name === 'checklist channel')![1];
      const texts = textsOf(channel);
      // The hostile input arrives with every Markdown character escaped.
      expect(texts.filter((x) => /(^|[^\\])\[van\]|(^|[^\\])\*Heuvel/.test(x))).toEqual([]);
    });
  });
}

function textsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => textsOf(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach((v) => textsOf(v, out));
  }
  return out;
}

describe('the size check itself', () => {
  it('measures a message the way the fake connector refuses it: above 100 KB of UTF-16', () => {
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x'.repeat(TEAMS_MAX_MESSAGE_BYTES / 2) }] };
    expect(cardMessageBytes(card)).toBeGreaterThan(TEAMS_MAX_MESSAGE_BYTES);
    expect(cardMessageBytes({ ...card, body: [] })).toBeLessThan(1024);
  });
});
