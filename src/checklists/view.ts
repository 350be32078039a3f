// View-models and cards for checklists. Display-ready strings only; names are escaped.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Language } from '../config.js';
import type { StringKey, Translate } from '../cards/i18n.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { MAX_PEOPLE_CHOICES, cardName, escapeMarkdown } from '../cards/text.js';
import type { Member } from '../routes.js';
import { LIMITS, MAX_STEP_ITEMS, addDays, shorten, toDueState, toProgress, type Checklist, type Progress, type RunningChecklist, type Step, type StepStatus } from './model.js';
import { INVESTIGATION_TYPES, isInvestigationType, type ChecklistTemplate, type InvestigationType } from './templates.js';
import { FORM_MAX, FORM_STEPS, formInputId, type FormField, type TemplateFormValues } from './template-form.js';

const STATUS_KEYS: Record<StepStatus, StringKey> = {
  open: 'checklistStatusOpen',
  bezig: 'checklistStatusBezig',
  klaar: 'checklistStatusKlaar',
  nvt: 'checklistStatusNvt',
};
/**
 * The status column of the shared card, as wide for every status (a column as wide as its word
 * moved every row's title by another amount): the longest label, small and bold, in this language
 * ("N.v.t.", "In progress"), with a little room for Teams' font.
 */
const STATUS_COLUMN_WIDTH: Record<Language, string> = { nl: '48px', en: '72px' };
const STATUS_COLORS: Record<StepStatus, string> = { open: 'Default', bezig: 'Accent', klaar: 'Good', nvt: 'Default' };
/** Teams refreshes a card automatically for at most 60 listed users. */
export const MAX_REFRESH_USERS = 60;

// Building an Intl formatter costs far more than using one: build each once.
const DATE_FORMATS: Record<Language, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};
const AMSTERDAM_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' });

export function formatDate(iso: string, language: Language): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return DATE_FORMATS[language].format(new Date(Date.UTC(y, m - 1, d)));
}

export const INVESTIGATION_KEYS: Record<InvestigationType, StringKey> = {
  bestuur: 'checklistInvestigationBestuur',
  herstel: 'checklistInvestigationHerstel',
  ontwikkelpunten: 'checklistInvestigationOntwikkelpunten',
  goed: 'checklistInvestigationGoed',
};

function subtitle(t: Translate, c: Checklist, template: ChecklistTemplate | undefined, language: Language): string {
  const parts: string[] = [];
  if (c.schoolName) parts.push(t('checklistSchoolLine', { school: escapeMarkdown(cardName(c.schoolName)) }));
  if (c.investigationType) parts.push(t(INVESTIGATION_KEYS[c.investigationType]));
  // An inspection checklist from before the kinds of investigation has the visit's date as its target.
  const label = template?.investigation && !c.investigationType ? t('checklistVisitDateLabel') : (template?.targetLabel[language] ?? '');
  if (c.targetDate) parts.push(t('checklistTargetLine', { label: escapeMarkdown(label), date: formatDate(c.targetDate, language) }));
  if (c.endDate) parts.push(t('checklistEndLine', { date: formatDate(c.endDate, language) }));
  return parts.join(' · ');
}

/** "4 van 11 stukken klaar" for a step with items ('' without). */
function itemsProgress(t: Translate, s: Step): string {
  return s.items.length ? t('checklistItemsProgress', { done: s.items.filter((i) => i.done).length, total: s.items.length }) : '';
}

/** "3 van 10 klaar", or with steps that do not apply "1 van 8 klaar · 2 n.v.t." (never counted as done). */
export function toProgressText(t: Translate, p: Pick<Progress, 'done' | 'notApplicable' | 'total'>): string {
  if (p.notApplicable === 0) return t('checklistProgress', { settled: p.done, total: p.total });
  return t('checklistProgressNvt', { done: p.done, applicable: p.total - p.notApplicable, nvt: p.notApplicable });
}

function stepMeta(t: Translate, s: Step, language: Language, today: string): { meta: string; overdue: boolean } {
  // A step that does not apply has no owner or due date worth showing.
  if (s.status === 'nvt') return { meta: '', overdue: false };
  const owner = s.ownerName ? escapeMarkdown(cardName(s.ownerName)) : t('checklistNoOwner');
  const state = toDueState(s.dueDate, s.status, today);
  const due = s.dueDate ? (state === 'overdue' ? t('checklistOverdue', { date: formatDate(s.dueDate, language) }) : dueText(t, s.dueDate, language, today)) : '';
  // Evidence linked to the step shows on the overview too (the link itself is on the step's form).
  const evidence = s.evidenceUrl ? t('checklistHasEvidence') : '';
  return { meta: [owner, due, itemsProgress(t, s), evidence].filter(Boolean).join(' · '), overdue: state === 'overdue' };
}

/** "uiterlijk vandaag", "uiterlijk morgen", otherwise "uiterlijk 9 maart 2027" (a step not yet overdue). */
export function dueText(t: Translate, due: string, language: Language, today: string): string {
  if (due === today) return t('checklistDueToday');
  if (due === addDays(today, 1)) return t('checklistDueTomorrow');
  return t('checklistDue', { date: formatDate(due, language) });
}

/**
 * An evidence link as a Markdown link target that stays one link: everything that could end the
 * target or start another link or a title (brackets, parentheses, angle brackets, quotes, spaces,
 * backslash, backtick, braces, |, ^) percent-encoded, which a web server reads as the same address.
 * `https://x.example/a)[evil](https://evil.example)` stays a link to x.example, with no second link.
 */
export function toMarkdownLinkTarget(url: string): string {
  return url.replace(/[()[\]<>"'\s\\`{}|^]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x80 ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(ch);
  });
}

/** The evidence line of a card: a link when the address is https, otherwise the address as plain text. */
function evidenceMarkdown(t: Translate, key: 'checklistEvidenceLine' | 'checklistEvidenceShort', url: string): string {
  if (!url) return '';
  if (!/^https:\/\/[^\s]+$/i.test(url)) return escapeMarkdown(url);
  return t(key, { url: toMarkdownLinkTarget(url) });
}

export interface ChannelCardInput {
  checklist: Checklist;
  template?: ChecklistTemplate;
  /** Teams user ids (29:…) of people who worked on it: they get the card refreshed automatically. */
  refreshUserIds: string[];
  lastChangedBy?: string | null;
  today: string;
  /** Only in the answer to the person who clicked (never the shared message): what their click did. */
  message?: { text: string; tone: 'good' | 'warning' };
}

/** The status changes a step offers, in this order, leaving out the one it has. */
function statusChoices(t: Translate, current: StepStatus): { status: StepStatus; title: string }[] {
  return (['klaar', 'bezig', 'nvt', 'open'] as const)
    .filter((x) => x !== current)
    .map((x) => ({ status: x, title: t(x === 'klaar' ? 'checklistMarkDone' : x === 'bezig' ? 'checklistMarkBusy' : x === 'nvt' ? 'checklistMarkNvt' : 'checklistReopen') }));
}

/** CRC-32 as PNG chunks need it. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The progress bar: a PNG of 100 × 2 pixels, green for the share done, light grey for the rest, as
 * a data URI. Shown stretched to the card's width, it is a thin bar at any width (about 6 px high on
 * a phone). Coloured columns would be simpler, but Teams pads a coloured column, so the bar became a
 * thick block.
 */
export function progressBarImage(done: number, open: number): string {
  const total = done + open;
  const green = total === 0 ? 0 : Math.round((100 * done) / total);
  const row = Buffer.alloc(1 + 100 * 3);
  for (let x = 0; x < 100; x++) row.set(x < green ? [0x6b, 0xb7, 0x00] : [0xe1, 0xdf, 0xdd], 1 + x * 3);
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(4 + body.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 4 + body.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat([row, row]))), chunk('IEND', Buffer.alloc(0))]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * What the shared card may hold, in characters of its JSON: Teams recommends at most 80 KB for a bot
 * message, counted in UTF-16 (two bytes a character), and the activity around the card takes a little.
 */
export const CHANNEL_CARD_CHAR_BUDGET = 39_000;

/**
 * The shared card in the channel, in the checklist's language (the tenant's when it started). Each
 * row has its status menu while the card stays within Teams' size budget; a card that would outgrow
 * it (many steps with long notes) keeps the menus of the steps still to do, or only Details.
 */
export function renderChannelCard(cards: CardRenderer, t: Translate, input: ChannelCardInput): AdaptiveCard {
  let card: AdaptiveCard | null = null;
  for (const menus of ['all', 'unsettled', 'none'] as const) {
    card = renderChannelCardWith(cards, t, input, menus);
    if (JSON.stringify(card).length <= CHANNEL_CARD_CHAR_BUDGET) return card;
  }
  return card!;
}

function renderChannelCardWith(cards: CardRenderer, t: Translate, input: ChannelCardInput, menus: 'all' | 'unsettled' | 'none'): AdaptiveCard {
  const { checklist: c } = input;
  const withMenu = (s: Step) => !c.completedAt && (menus === 'all' || (menus === 'unsettled' && (s.status === 'open' || s.status === 'bezig')));
  const lang = c.language;
  const progress = toProgress(c.steps.map((s) => s.status));
  const progressText = toProgressText(t, progress);
  return cards.render('checklist.channel', {
    id: c.publicId,
    refreshLabel: t('checklistOpen'),
    userIds: input.refreshUserIds.slice(0, MAX_REFRESH_USERS),
    title: escapeMarkdown(c.title),
    subtitle: subtitle(t, c, input.template, lang),
    progressText: c.completedAt
      ? `${t('checklistCompleted')} · ${progressText}`
      : progressText,
    progressColor: c.completedAt ? 'Good' : 'Default',
    // The bar shows the steps that apply: done, and still open.
    progressBar: progressBarImage(progress.done, progress.open),
    detailsLabel: t('checklistDetails'),
    statusWidth: STATUS_COLUMN_WIDTH[lang],
    message: input.message?.text ?? '',
    messageStyle: input.message?.tone === 'warning' ? 'warning' : 'good',
    steps: c.steps.map((s) => {
      const { meta, overdue } = stepMeta(t, s, lang, input.today);
      return {
        n: s.position,
        // "1\\." and not "1.": Markdown would make "1. Titel" a numbered list, whose number hangs in
        // the list's margin, right-aligned (so "10." sticks out further left than "9.") and wasting width.
        number: `${s.position}\\.`,
        // One click from the overview: the common status changes, folded into the row's "…" menu
        // (mode secondary) beside Details. The server checks each one as it would on the step card.
        actions: withMenu(s) ? statusChoices(t, s.status).map((a) => ({ ...a, n: s.position })) : [],
        title: escapeMarkdown(s.title[lang]),
        statusLabel: t(STATUS_KEYS[s.status]),
        statusColor: STATUS_COLORS[s.status],
        meta,
        metaColor: overdue ? 'Attention' : 'Default',
        note: s.note ? escapeMarkdown(shorten(s.note, LIMITS.noteInCard)) : '',
      };
    }),
    footer: input.lastChangedBy ? t('checklistUpdatedBy', { name: escapeMarkdown(cardName(input.lastChangedBy)) }) : '',
  });
}

export interface StepCardInput {
  checklist: Checklist;
  step: Step;
  language: Language;
  canEdit: boolean;
  canTake: boolean;
  canSetStatus: boolean;
  people: Member[];
  message?: { text: string; tone: 'good' | 'warning' };
  /** What the person's form sent when it was refused: shown again in the form instead of the saved values. */
  draft?: Readonly<Record<string, string>> | null;
  /**
   * The Teams user id of the person it is for, when it answers a click on the shared card in a
   * channel: the card then carries the shared card's refresh for them, so Teams asks again later
   * and gets this form back (see docs/architecture.md, Checklists).
   */
  refreshFor?: string;
}

/**
 * A short fingerprint of a value a step's form showed. The form's buttons carry one per field
 * (`seen`), so the server writes only the fields the person changed: a field left as it was does
 * not overwrite what someone else saved meanwhile.
 */
export function formValueHash(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 12);
}

/** The fingerprints of a step's saved values, by the form's input ids. */
function seenValues(s: Step): Record<string, string> {
  const out: Record<string, string> = {
    owner: formValueHash(s.ownerAad ?? ''),
    dueDate: formValueHash(s.dueDate ?? ''),
    note: formValueHash(s.note),
    evidenceUrl: formValueHash(s.evidenceUrl),
  };
  s.items.slice(0, MAX_STEP_ITEMS).forEach((item, i) => {
    out[`itemDone${i + 1}`] = formValueHash(item.done ? 'true' : 'false');
    out[`itemUrl${i + 1}`] = formValueHash(item.evidenceUrl);
  });
  return out;
}

const LINK_LABELS: Record<string, StringKey> = { roles: 'checklistOpenRoles', survey: 'checklistOpenSurvey', results: 'checklistOpenResults' };

/** One step, for the person who opened it (an invoke response: nobody else sees it). */
export function renderStepCard(cards: CardRenderer, t: Translate, input: StepCardInput): AdaptiveCard {
  const { checklist: c, step: s, language: lang } = input;
  // "Status" is the same word in Dutch and English.
  const facts = [{ label: 'Status', value: t(STATUS_KEYS[s.status]) }];
  facts.push({ label: t('checklistAssignLabel'), value: s.ownerName ? escapeMarkdown(cardName(s.ownerName)) : t('checklistNoOwner') });
  if (s.dueDate) facts.push({ label: t('checklistDueLabel'), value: formatDate(s.dueDate, lang) });
  if (s.note) facts.push({ label: t('checklistNoteLabel'), value: escapeMarkdown(shorten(s.note, 600)) });
  const statusActions = input.canSetStatus ? statusChoices(t, s.status) : [];
  const draft = input.draft ?? {};
  // What was typed, cut to what the input takes (its maxLength in adaptive-cards/checklist.step.json).
  const typed = (key: string, saved: string, max = 2000) => (typeof draft[key] === 'string' ? draft[key].slice(0, max) : saved);
  const people = input.people.slice(0, MAX_PEOPLE_CHOICES);
  if (s.ownerAad && !people.some((p) => p.aadObjectId === s.ownerAad)) people.unshift({ aadObjectId: s.ownerAad, name: s.ownerName ?? s.ownerAad });
  const link = s.link && LINK_LABELS[s.link] ? s.link : '';
  // Items (the documents of step 3): editors tick and link each; others read the list.
  const items = s.items.slice(0, MAX_STEP_ITEMS).map((item, i) => {
    const title = escapeMarkdown(item.title[lang]);
    const url = evidenceMarkdown(t, 'checklistEvidenceShort', item.evidenceUrl);
    return {
      doneId: `itemDone${i + 1}`,
      urlId: `itemUrl${i + 1}`,
      title: item.title[lang],
      done: typed(`itemDone${i + 1}`, item.done ? 'true' : 'false') === 'true' ? 'true' : 'false',
      url: typed(`itemUrl${i + 1}`, item.evidenceUrl, 400),
      urlLabel: t('checklistItemUrlLabel', { title: item.title[lang] }),
      line: `${item.done ? '✓' : '○'} ${title}${url ? ` · ${url}` : ''}`,
    };
  });
  return cards.render('checklist.step', {
    id: c.publicId,
    n: s.position,
    refreshLabel: t('checklistOpen'),
    refreshUserId: input.refreshFor ?? '',
    // Only an editor's form has fields to compare.
    seen: input.canEdit ? seenValues(s) : {},
    kept: input.draft ? true : false,
    checklistTitle: escapeMarkdown(c.title),
    heading: t('checklistStepHeading', { n: s.position, title: escapeMarkdown(s.title[lang]) }),
    message: input.message?.text ?? '',
    messageStyle: input.message?.tone === 'warning' ? 'warning' : 'good',
    guidance: keepLineBreaks(s.guidance[lang]),
    facts,
    evidence: evidenceMarkdown(t, 'checklistEvidenceLine', s.evidenceUrl),
    statusActions,
    canTake: input.canTake && s.ownerAad === null,
    takeLabel: t('checklistTake'),
    canEdit: input.canEdit,
    ownerLabel: t('checklistAssignLabel'),
    ownerValue: typed('owner', s.ownerAad ?? '', 200),
    // Built here, not with the template's $data: expanding a hundred choices through the template
    // engine cost more than the rest of the card.
    choices: people.map((p) => ({ title: cardName(p.name), value: p.aadObjectId })),
    dueLabel: t('checklistDueLabel'),
    dueValue: typed('dueDate', s.dueDate ?? '', 40),
    noteLabel: t('checklistNoteLabel'),
    noteValue: typed('note', s.note),
    evidenceLabel: t('checklistEvidenceLabel'),
    evidenceValue: typed('evidenceUrl', s.evidenceUrl),
    saveLabel: t('checklistSave'),
    hasItems: items.length > 0,
    itemsHeading: items.length ? `${t('checklistItemsHeading')} (${itemsProgress(t, s)})` : '',
    items,
    link,
    linkLabel: link ? t(LINK_LABELS[link]!) : '',
    backLabel: t('checklistBack'),
  });
}

export interface MenuCardInput {
  running: Array<RunningChecklist & { groupId: string | null; cardFailed: boolean }>;
  /** Messages of the tenant that failed for good (shown to beheerders only: 0 for others). */
  failedMessages: number;
  finished: { id: number; publicId: string; title: string }[];
  templates: readonly ChecklistTemplate[];
  canStart: boolean;
  canAddTemplate: boolean;
  language: Language;
}

export function renderMenuCard(cards: CardRenderer, t: Translate, input: MenuCardInput): AdaptiveCard {
  return cards.render('checklist.menu', {
    title: t('checklistMenuTitle'),
    intro: t('checklistMenuIntro'),
    failedText: input.failedMessages === 0 ? '' : input.failedMessages === 1 ? t('outboxFailedOne') : t('outboxFailedMany', { count: input.failedMessages }),
    retryLabel: t('outboxRetry'),
    canRepost: input.canStart,
    repostLabel: t('checklistRepost'),
    runningHeading: t('checklistRunningHeading'),
    noneRunning: t('checklistNoneRunning'),
    running: input.running.map((r) => ({
      id: r.publicId,
      // The full title is on the checklist's own card; the list names it briefly.
      title: escapeMarkdown(cardName(r.title)),
      // School and date tell two checklists of the same kind apart (two inspections).
      progress: [
        r.schoolName ? escapeMarkdown(cardName(r.schoolName)) : '',
        r.targetDate ? formatDate(r.targetDate, input.language) : '',
        toProgressText(t, { done: r.done, notApplicable: r.notApplicable, total: r.total }),
      ].filter(Boolean).join(' · '),
      cardProblem: r.cardFailed ? t('checklistCardFailed') : '',
      url: r.cardActivityId ? toMessageLink(r.conversationId, r.cardActivityId, r.tenantId, r.groupId) : '',
    })),
    openLabel: t('checklistOpen'),
    toCardLabel: t('checklistToCard'),
    exportLabel: t('checklistExport'),
    finishedHeading: t('checklistFinishedHeading'),
    finished: input.finished.map((f) => ({ id: f.publicId, title: escapeMarkdown(f.title) })),
    startHeading: t('checklistStartHeading'),
    onlyEditors: t('checklistOnlyEditorsStart'),
    canStart: input.canStart,
    startLabel: t('checklistStart'),
    archiveLabel: t('checklistArchiveTemplate'),
    templates: input.templates.map((tpl) => ({ key: tpl.key, own: tpl.key.startsWith('custom-'), title: escapeMarkdown(tpl.title[input.language]), description: escapeMarkdown(tpl.description[input.language]) })),
    canAddTemplate: input.canAddTemplate,
    addTemplateLabel: t('checklistAddTemplate'),
  });
}

export interface NewCardInput {
  template: ChecklistTemplate;
  schools: { id: number; name: string }[];
  language: Language;
  message?: string;
  values?: { title?: string; targetDate?: string; investigation?: string; endDate?: string; school?: string };
}

export function renderNewCard(cards: CardRenderer, t: Translate, input: NewCardInput): AdaptiveCard {
  const lang = input.language;
  return cards.render('checklist.new', {
    heading: t('checklistNewTitle', { template: input.template.title[lang] }),
    description: input.template.description[lang],
    message: input.message ?? '',
    titleLabel: t('checklistTitleLabel'),
    defaultTitle: input.values?.title ?? input.template.title[lang],
    titleError: t('checklistInvalidTitle'),
    schoolLabel: t('checklistSchoolLabel'),
    schools: [{ id: 'none', name: t('checklistNoSchool') }, ...input.schools.map((s) => ({ id: String(s.id), name: cardName(s.name) }))],
    schoolValue: input.values?.school ?? 'none',
    targetLabel: input.template.targetLabel[lang],
    defaultDate: input.values?.targetDate ?? '',
    // An inspection asks its kind and the end of the investigation too.
    isInspection: input.template.investigation !== undefined,
    investigationLabel: t('checklistInvestigationLabel'),
    investigationHint: input.template.investigation ? t('checklistInvestigationHint') : '',
    investigations: INVESTIGATION_TYPES.map((x) => ({ value: x, title: t(INVESTIGATION_KEYS[x]) })),
    defaultInvestigation: input.values?.investigation && isInvestigationType(input.values.investigation) ? input.values.investigation : 'bestuur',
    endLabel: input.template.investigation?.endLabel[lang] ?? '',
    defaultEndDate: input.values?.endDate ?? '',
    startLabel: t('checklistStartButton'),
    cancelLabel: t('checklistCancel'),
    template: input.template.key,
  });
}

export interface SummaryCardInput {
  checklist: Checklist;
  template?: ChecklistTemplate;
  /** Per step: who settled it and when (the last status change). */
  settledBy: Map<number, { name: string; at: Date }>;
}

function dateInAmsterdam(d: Date): string {
  return AMSTERDAM_DAY.format(d);
}

/** Longer evidence links are left out of the summary card (the export has them). */
export const MAX_EVIDENCE_URL_IN_SUMMARY = 500;

/** "Started on …, completed on …: 3 days", or "within one day" when it started and ended on the same date. */
function summaryIntro(t: Translate, total: number, start: string, end: string, lang: Language): string {
  if (start === end) return t('checklistSummarySameDay', { total, end: formatDate(end, lang) });
  const days = daysBetweenDates(start, end);
  const duration = t('checklistDurationDays', { days });
  return t('checklistSummaryIntro', { total, start: formatDate(start, lang), end: formatDate(end, lang), duration });
}

/** Whole calendar days from one yyyy-mm-dd to another. */
function daysBetweenDates(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000));
}

/** Posted in the channel when the last step is settled: who did what, how long it took, what next. */
export function renderSummaryCard(cards: CardRenderer, t: Translate, input: SummaryCardInput): AdaptiveCard {
  const { checklist: c } = input;
  const lang = c.language;
  const end = c.completedAt ?? new Date();
  return cards.render('checklist.summary', {
    title: t('checklistSummaryTitle', { title: escapeMarkdown(c.title) }),
    subtitle: c.schoolName ? t('checklistSchoolLine', { school: escapeMarkdown(cardName(c.schoolName)) }) : '',
    intro: summaryIntro(t, c.steps.length, dateInAmsterdam(c.createdAt), dateInAmsterdam(end), lang),
    steps: c.steps.map((s) => {
      const by = input.settledBy.get(s.position);
      // Twenty evidence links of up to 2,000 characters would not fit one message: a long one is left to the export.
      const evidence = s.evidenceUrl.length <= MAX_EVIDENCE_URL_IN_SUMMARY ? evidenceMarkdown(t, 'checklistEvidenceShort', s.evidenceUrl) : '';
      const detail = [s.note ? escapeMarkdown(shorten(s.note, LIMITS.noteInCard)) : '', evidence].filter(Boolean).join(' ');
      return {
        n: s.position,
        title: escapeMarkdown(s.title[lang]),
        done: by ? t('checklistSummaryStep', { status: t(STATUS_KEYS[s.status]), who: escapeMarkdown(cardName(by.name)), date: formatDate(dateInAmsterdam(by.at), lang) }) : t(STATUS_KEYS[s.status]),
        detail,
      };
    }),
    nextHeading: t('checklistSummaryNextHeading'),
    next: input.template?.next[lang] ?? '',
    followUp: input.template?.followUp ?? '',
    followUpLabel: t('checklistStartImprovement'),
    id: c.publicId,
  });
}

/** A Teams deep link to a channel message (the posted checklist card). */
export function toMessageLink(channelId: string, messageId: string, tenantId: string, groupId: string | null): string {
  const q = new URLSearchParams({ tenantId, parentMessageId: messageId });
  if (groupId) q.set('groupId', groupId);
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${encodeURIComponent(messageId)}?${q.toString()}`;
}

/** Fresh download links for one person (they expire, so they are never put in a shared card). */
export function renderExportCard(cards: CardRenderer, t: Translate, input: { title: string; xlsxUrl: string; csvUrl: string }): AdaptiveCard {
  return cards.render('checklist.export', {
    title: t('checklistExportTitle', { title: escapeMarkdown(input.title) }),
    text: t('checklistExportText'),
    xlsxLabel: t('checklistExportXlsx'),
    xlsxUrl: input.xlsxUrl,
    csvLabel: t('checklistExportCsv'),
    csvUrl: input.csvUrl,
    backLabel: t('checklistCancel'),
  });
}

export interface TemplateFormInput {
  language: Language;
  /** The text in the YAML/JSON box; the example when none was sent. */
  text?: string;
  /** What is wrong with that text, by line. */
  errors?: { line: number | null; message: { nl: string; en: string } }[];
  saved?: string;
  /** The form's values as sent (kept when either save fails). */
  form?: TemplateFormValues;
  /** What is wrong with the form, by field; null: about the form as a whole. */
  formErrors?: ReadonlyMap<FormField | null, readonly { message: { nl: string; en: string } }[]>;
}

/**
 * Add an own checklist template: a form (a title and up to ten steps) for most, and a box for YAML or
 * JSON with an example for who wants more. Errors are listed beside the field or line they are about.
 */
export function renderTemplateCard(cards: CardRenderer, t: Translate, input: TemplateFormInput): AdaptiveCard {
  // Both halves are kept after a failed save, but a full form and a full box together can pass
  // Teams' limit: then the half that was not saved goes first (the form empties, or the box shows
  // the example again), and if that is not enough, the text of the box.
  let card = drawTemplateCard(cards, t, input);
  const fits = () => JSON.stringify(card).length <= TEMPLATE_CARD_CHAR_BUDGET;
  if (fits()) return card;
  const formFailed = input.formErrors !== undefined;
  if (formFailed && input.text !== undefined) card = drawTemplateCard(cards, t, { ...input, text: undefined });
  else if (!formFailed && input.form) card = drawTemplateCard(cards, t, { ...input, form: undefined });
  if (fits()) return card;
  return drawTemplateCard(cards, t, formFailed ? { ...input, text: undefined } : { ...input, form: undefined, text: '' });
}

/** As CARD_CHAR_BUDGET of the survey results: UTF-16 code units of the card's JSON, 76 KB. */
const TEMPLATE_CARD_CHAR_BUDGET = 38_000;

function drawTemplateCard(cards: CardRenderer, t: Translate, input: TemplateFormInput): AdaptiveCard {
  const lang = input.language;
  // A file may hold 100 kB, more than one message carries and more than the text box takes: such a
  // text is not put back in the box (the errors still say what to change in the file).
  const text = input.text ?? TEMPLATE_EXAMPLE[lang];
  const errors = (input.errors ?? []).slice(0, 15).map((e) => (e.line ? t('checklistTemplateErrorLine', { line: e.line, message: e.message[lang] }) : e.message[lang]));
  const formErrors: NonNullable<TemplateFormInput['formErrors']> = input.formErrors ?? new Map();
  // A text too long in both languages is one message, not two.
  const messages = (field: FormField | null) => [...new Set((formErrors.get(field) ?? []).map((e) => e.message[lang]))].map((text) => ({ text }));
  // Values come back as sent, cut to what the inputs hold (only a forged action sends more).
  const cut = (s: string | undefined, max: number) => (s ?? '').slice(0, max);
  const values = input.form ?? { title: '', steps: [] };
  const shown = Math.max(FORM_STEPS_SHOWN, Math.min(values.steps.length, FORM_STEPS));
  const steps = Array.from({ length: FORM_STEPS }, (_, i) => {
    const n = i + 1;
    const v = values.steps[i];
    return {
      id: `formStep${n}`,
      visible: n <= shown,
      heading: t('checklistFormStep', { n }),
      titleId: formInputId.stepTitle(n),
      titleLabel: t('checklistFormStepTitle'),
      title: cut(v?.title, FORM_MAX.title),
      titleErrors: messages(`stepTitle${n}`),
      guidanceId: formInputId.stepGuidance(n),
      guidanceLabel: t('checklistFormStepGuidance'),
      guidance: cut(v?.guidance, FORM_MAX.guidance),
      guidanceErrors: messages(`stepGuidance${n}`),
      daysId: formInputId.stepDays(n),
      daysLabel: t('checklistFormStepDays'),
      daysPlaceholder: t('checklistFormStepDaysPlaceholder'),
      days: cut(v?.days, FORM_MAX.days),
      daysErrors: messages(`stepDays${n}`),
    };
  });
  const hidden = steps.filter((s) => !s.visible).map((s) => ({ id: s.id }));
  const aboutFields = [...formErrors.keys()].some((k) => k !== null);
  const formMessage = formErrors.size > 0 ? [t(aboutFields ? 'checklistFormErrors' : 'checklistFormNotSaved'), ...messages(null).map((m) => m.text)].join(' ') : '';
  return cards.render('checklist.template', {
    title: t('checklistTemplateTitle'),
    saved: input.saved ? t('checklistTemplateSaved', { title: escapeMarkdown(input.saved) }) : '',
    formIntro: t('checklistFormIntro', { n: FORM_STEPS }),
    formMessage,
    formTitleLabel: t('checklistFormTitle'),
    formTitle: cut(values.title, FORM_MAX.title),
    formTitleErrors: messages('title'),
    steps,
    hiddenSteps: hidden,
    moreLabel: hidden.length > 0 ? t('checklistFormMoreSteps', { n: FORM_STEPS }) : '',
    formSaveLabel: t('checklistFormSave'),
    yamlHeading: t('checklistTemplateYamlHeading'),
    intro: t('checklistTemplateIntro'),
    exampleLines: exampleLines(TEMPLATE_EXAMPLE[lang]),
    errorsHeading: errors.length ? t('checklistTemplateErrors') : '',
    errors: errors.map((text) => ({ text })),
    label: t('checklistTemplateLabel'),
    value: text.length <= TEMPLATE_TEXT_MAX ? text : '',
    saveLabel: t('checklistTemplateSave'),
    backLabel: t('checklistCancel'),
  });
}

/**
 * Guidance typed over several lines (the form's box, a YAML block): Teams joins the lines of a
 * TextBlock unless they are apart by an empty line; list items (- or 1.) keep their single breaks.
 */
export function keepLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n+(?!\s*(?:[-*]|\d+\.)\s)/g, '\n\n');
}

/** Steps of the form shown at first; "Meer stappen" shows the rest. */
const FORM_STEPS_SHOWN = 3;

/**
 * The example, one TextBlock per line: a line break inside a TextBlock is lost in Teams (Markdown
 * joins the lines), and so is the indentation YAML needs, hence no-break spaces and escaped Markdown.
 */
function exampleLines(example: string): { text: string }[] {
  return example.split('\n').map((line) => {
    const indent = /^ */.exec(line)![0].length;
    return { text: '\u00a0'.repeat(indent) + escapeMarkdown(line.slice(indent)) };
  });
}

/** The template text box's maxLength (adaptive-cards/checklist.template.json). */
const TEMPLATE_TEXT_MAX = 20_000;

const TEMPLATE_EXAMPLE: Record<Language, string> = {
  nl: 'titel: Zelfevaluatie team\nbeschrijving: Vijf stappen naar een gedeeld beeld\ndoeldatum: Datum studiedag\nstappen:\n  - titel: Kies de standaarden\n    uitleg: Welke standaarden bespreken we?\n    termijn: -28\n  - Vul de vragenlijst in\n  - Bespreek de uitkomsten',
  en: 'title: Team self-evaluation\ndescription: Five steps to a shared view\ntargetLabel: Date of the study day\nsteps:\n  - title: Choose the standards\n    guidance: Which standards do we discuss?\n    dueOffsetDays: -28\n  - Fill in the questionnaire\n  - Discuss the outcomes',
};
