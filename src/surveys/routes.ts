// Survey routes: parse the action data, call one service function, render a card.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseActionData } from '../action-data.js';
import type { Language } from '../config.js';
import type { AdaptiveCard } from '../cards/render.js';
import type { CommandHandler, FileHandler, Member, RouteContext, VerbHandler } from '../routes.js';
import { notAllowed } from '../errors.js';
import { renderClosed, renderDelivery, renderDraft, renderExport, renderHome, renderOpenAnswers, renderQuestions, renderRemoveAnswer, renderReview, renderTemplateCard } from './manage-view.js';
import { SURVEY_TEMPLATE_EXAMPLE } from './parse-template.js';
import { renderSchoolResults } from './results-card.js';
import { parseEmailList, type Answers, type FieldError, type SurveyTemplate } from './model.js';
import { surveyProblem } from './ports.js';
import { channelOf, type DraftInput, type RecipientState, type SurveyService } from './service.js';
import type { Audience, SurveyRow } from './store.js';

const surveyRef = z.object({ v: z.literal(1), survey: z.string().uuid() });
/** A directeur's part of a board-wide survey: the survey and (optionally) which of their schools. */
const schoolPartData = surveyRef.extend({ school: z.union([z.string().regex(/^\d{1,15}$/), z.number().int().positive()]).optional() });
export const SURVEY_REF_VERSIONS = [1] as const;
const createData = z.object({ v: z.literal(1), template: z.string().min(1).max(80) });
const pageField = z.union([z.string().regex(/^\d{1,6}$/), z.number().int().min(0).max(999_999)]).optional();
/** The open answers of a survey (a beheerder), a page of them. */
const openAnswersData = surveyRef.extend({ page: pageField });
/** One open answer to remove: asked first, removed with `confirm`. */
const removeAnswerData = surveyRef.extend({ answer: z.string().uuid(), confirm: z.literal(true).optional(), page: pageField });
const templateText = z.object({ v: z.literal(1), definition: z.string().max(200_000).optional() });
const text = (max: number) => z.string().max(max).optional();
const draftData = surveyRef.extend({
  title: text(1_000),
  removed: text(1_000),
  audience: z.enum(['team', 'roles', 'schools', 'list', 'group']).optional(),
  groupId: text(100),
  emails: text(200_000),
  roles: text(1_000),
  schools: text(2_000),
  anonymous: text(10),
  minGroupSize: z.union([z.string().max(10), z.number()]).optional(),
  opensDate: text(40),
  deadlineDate: text(40),
  deadlineTime: text(40),
  reminders: text(100),
  repeat: text(10),
  repeatDates: text(500),
});

/** The questions card: text, kind, required and options of up to 20 rows. */
const questionsData = surveyRef.extend(
  Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => i + 1).flatMap((n) => [
      [`t_${n}`, text(1_000)],
      [`k_${n}`, text(40)],
      [`r_${n}`, text(10)],
      [`o_${n}`, text(2_000)],
    ]),
  ) as Record<string, z.ZodOptional<z.ZodString>>,
);
/** Problems of a draft that only the questions card solves (so it can be opened to solve them). */
const QUESTION_PROBLEM = /question|open question/i;

/** The survey an action names (the resource guard parses it the same way). */
export function toSurveyRef(data: unknown): string {
  return parseActionData(surveyRef.passthrough(), data, SURVEY_REF_VERSIONS).survey;
}

/** The cards of the people a survey is sent to (answer-view.ts). */
export interface RecipientCards {
  question(language: Language, survey: SurveyRow, o: { given?: Record<string, string>; errors?: FieldError[]; answers?: Answers; reminder?: boolean }): Promise<AdaptiveCard> | AdaptiveCard;
  thanks(language: Language, survey: SurveyRow): Promise<AdaptiveCard> | AdaptiveCard;
  state(language: Language, survey: SurveyRow | null, state: RecipientState): Promise<AdaptiveCard> | AdaptiveCard;
}

export interface SurveyRouteDeps {
  surveys: SurveyService;
  schools(tenantId: string): Promise<{ id: number; name: string }[]>;
  installedTeams(tenantId: string): Promise<string[]>;
  recipientCards: RecipientCards;
  sendWindow: { startHour: number; endHour: number } | null;
  now(): Date;
  /** Signed download links of a closed survey's results. */
  linkFor(tenantId: string, surveyId: number, format: 'xlsx' | 'csv'): string;
  /** Signed download links of one school's part of a closed board-wide survey. */
  schoolLinkFor(tenantId: string, surveyId: number, schoolId: number, format: 'xlsx' | 'csv'): string;
  /** Open and overdue improvement actions the actor may see; null when they may see none (the actions feature). */
  openActions(actor: RouteContext['actor']): Promise<{ total: number; overdue: number } | null>;
}

const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

function toDraftInput(d: z.output<typeof draftData>, s: SurveyRow): DraftInput {
  const audienceKind = d.audience ?? s.audience.kind;
  const audience: Audience = { kind: audienceKind };
  const roles = d.roles === undefined ? (s.audience.roles ?? []) : list(d.roles);
  const schools = d.schools === undefined ? (s.audience.schoolIds ?? []) : list(d.schools).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  if (roles.length) audience.roles = roles;
  if (audienceKind === 'schools' || schools.length) audience.schoolIds = schools;
  if (audienceKind === 'group') audience.groupId = (d.groupId ?? s.audience.groupId ?? '').trim();
  let invalidEmails: string[] = [];
  if (audienceKind === 'list') {
    const parsed = d.emails !== undefined ? parseEmailList(d.emails) : { emails: s.audience.emails ?? [], invalid: [] };
    audience.emails = parsed.emails;
    invalidEmails = parsed.invalid;
  }
  // What the form did not send stays as it was (a file that only sets the audience, say).
  const amsterdam = (at: Date | null, format: string) => (at ? DateTime.fromJSDate(at, { zone: 'Europe/Amsterdam' }).toFormat(format) : '');
  return {
    title: d.title ?? s.title,
    anonymous: d.anonymous === undefined ? s.anonymous : d.anonymous === 'true',
    minGroupSize: d.minGroupSize === undefined || d.minGroupSize === '' ? s.minGroupSize : Number(d.minGroupSize),
    audience,
    deadlineDate: d.deadlineDate ?? amsterdam(s.deadline, 'yyyy-MM-dd'),
    deadlineTime: d.deadlineTime ?? (amsterdam(s.deadline, 'HH:mm') || '17:00'),
    opensDate: d.opensDate ?? amsterdam(s.opensAt, 'yyyy-MM-dd'),
    reminderDays: d.reminders === undefined ? s.reminderDays : list(d.reminders).map(Number),
    removed: list(d.removed),
    ...repeatOf(d, s),
    invalidEmails,
  };
}

/** dd-mm-yyyy (or yyyy-mm-dd) → yyyy-mm-dd; anything else as typed (the service refuses it). */
function isoDate(x: string): string {
  const m = /^(\d{1,2})-(\d{1,2})-(\d{4})$/.exec(x.trim());
  return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : x.trim();
}

function repeatOf(d: z.output<typeof draftData>, s: SurveyRow): { repeatWeeks: number | null; repeatDates: string[] } {
  if (d.repeat === undefined && d.repeatDates === undefined) {
    const r = s.repeat;
    return { repeatWeeks: r && 'everyWeeks' in r ? r.everyWeeks : null, repeatDates: r && 'dates' in r ? r.dates : [] };
  }
  const weeks = d.repeat && d.repeat !== 'none' ? Number(d.repeat) : null;
  return { repeatWeeks: weeks !== null && Number.isFinite(weeks) ? weeks : null, repeatDates: weeks === null ? list(d.repeatDates).map(isoDate) : [] };
}

/** The typed values as strings, to keep them in a form that failed. */
function typedOf(d: z.output<typeof draftData>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d)) if (k !== 'v' && k !== 'survey' && v !== undefined) out[k] = String(v);
  return out;
}

export function createSurveyRoutes(deps: SurveyRouteDeps) {
  const { surveys } = deps;
  const templateOf = async (s: SurveyRow): Promise<SurveyTemplate | undefined> => (await surveys.templatesFor(s.tenantId)).find((t) => t.key === s.templateKey);

  async function home(ctx: RouteContext): Promise<AdaptiveCard> {
    const o = await surveys.overview(ctx.actor);
    const teams = ctx.actor.conversation.kind === 'channel' ? [] : await deps.installedTeams(ctx.actor.tenantId);
    return renderHome(ctx.cards, ctx.language, {
      ...o,
      inChannel: ctx.actor.conversation.kind === 'channel',
      templates: await surveys.templatesFor(ctx.actor.tenantId),
      teams,
      canKeepTemplates: await surveys.canKeepTemplates(ctx.actor),
    });
  }

  async function draftCard(ctx: RouteContext, s: SurveyRow, v: Parameters<typeof renderDraft>[5] = {}) {
    return renderDraft(ctx.cards, ctx.language, s, await deps.schools(ctx.actor.tenantId), await templateOf(s), { ...v, groups: surveys.groupsAvailable });
  }

  async function deliveryCard(ctx: RouteContext, s: SurveyRow, message = '') {
    const status = await surveys.deliveryStatus(s.id);
    if (!status) throw surveyProblem('surveyNotFound');
    return renderDelivery(ctx.cards, ctx.language, status, deps.now(), message);
  }

  /** The team's members, when the survey goes to them (only in the team's channel), or to listed addresses (matched on them). */
  async function rosterFor(ctx: RouteContext, s: SurveyRow) {
    if (s.audience.kind === 'list') {
      const here = ctx.actor.conversation.kind === 'channel' && channelOf(ctx.actor.conversation) === s.resultsConversationId;
      return here ? ctx.directory.teamRoster().catch(() => null) : null;
    }
    if (s.audience.kind !== 'team') return null;
    if (ctx.actor.conversation.kind !== 'channel' || channelOf(ctx.actor.conversation) !== s.resultsConversationId) throw surveyProblem('surveyChannelOnly');
    return ctx.directory.teamRoster();
  }

  /** The members of the survey's results channel, when the action comes from it (null: not known). */
  async function channelMembers(ctx: RouteContext, s: SurveyRow, roster: readonly Member[] | null) {
    if (s.audience.kind === 'team' && roster) return roster;
    const here = ctx.actor.conversation.kind === 'channel' && channelOf(ctx.actor.conversation) === s.resultsConversationId;
    return here ? ctx.directory.teamRoster().catch(() => null) : null;
  }

  const verbs = {
    open: (async (ctx) => home(ctx)) satisfies VerbHandler,

    create: (async (ctx, data) => {
      const d = parseActionData(createData, data);
      const s = await surveys.createDraft(ctx.actor, d.template, ctx.language);
      // From scratch: the questions first.
      return s.questions.length === 0 ? renderQuestions(ctx.cards, ctx.language, s) : draftCard(ctx, s);
    }) satisfies VerbHandler,

    questions: (async (ctx, data) => {
      const d = parseActionData(draftData, data);
      const before = await surveys.get(ctx.actor, d.survey);
      if (before.status !== 'draft') return deliveryCard(ctx, before);
      // What was typed in the draft is saved first (a draft with problems stays, showing them).
      if (d.title !== undefined) {
        const saved = await surveys.saveDraft(ctx.actor, d.survey, toDraftInput(d, before));
        const onlyQuestions = saved.problems.every((p) => QUESTION_PROBLEM.test(p.en));
        if (!onlyQuestions) return draftCard(ctx, saved.survey, { problems: saved.problems, typed: typedOf(d) });
      }
      return renderQuestions(ctx.cards, ctx.language, await surveys.get(ctx.actor, d.survey));
    }) satisfies VerbHandler,

    saveQuestions: (async (ctx, data) => {
      const d = parseActionData(questionsData, data);
      const rows = Array.from({ length: 20 }, (_, i) => {
        const n = i + 1;
        const raw = d as Record<string, string | undefined>;
        return { text: raw[`t_${n}`] ?? '', kind: raw[`k_${n}`] ?? 'likert', required: (raw[`r_${n}`] ?? 'true') === 'true', options: (raw[`o_${n}`] ?? '').split(';') };
      });
      const r = await surveys.saveQuestions(ctx.actor, toSurveyRef(data), rows);
      // Shown again without the empty rows, so "vraag 3" in a message is the third row.
      if (r.problems.length) return renderQuestions(ctx.cards, ctx.language, r.survey, { problems: r.problems, typed: rows.filter((x) => x.text.trim() !== '') });
      return draftCard(ctx, r.survey, { saved: true });
    }) satisfies VerbHandler,

    edit: (async (ctx, data) => {
      const s = await surveys.get(ctx.actor, toSurveyRef(data));
      return s.status === 'draft' ? draftCard(ctx, s) : deliveryCard(ctx, s);
    }) satisfies VerbHandler,

    save: (async (ctx, data) => {
      const d = parseActionData(draftData, data);
      const before = await surveys.get(ctx.actor, d.survey);
      if (before.status !== 'draft') return deliveryCard(ctx, before);
      const r = await surveys.saveDraft(ctx.actor, d.survey, toDraftInput(d, before));
      return r.problems.length ? draftCard(ctx, r.survey, { problems: r.problems, typed: typedOf(d) }) : draftCard(ctx, r.survey, { saved: true });
    }) satisfies VerbHandler,

    review: (async (ctx, data) => {
      const d = parseActionData(draftData, data);
      const before = await surveys.get(ctx.actor, d.survey);
      if (before.status !== 'draft') return deliveryCard(ctx, before);
      const saved = await surveys.saveDraft(ctx.actor, d.survey, toDraftInput(d, before));
      if (saved.problems.length) return draftCard(ctx, saved.survey, { problems: saved.problems, typed: typedOf(d) });
      const roster = await rosterFor(ctx, saved.survey);
      const review = await surveys.review(ctx.actor, d.survey, roster, await channelMembers(ctx, saved.survey, roster));
      return renderReview(ctx.cards, ctx.language, review, deps.sendWindow);
    }) satisfies VerbHandler,

    send: (async (ctx, data) => {
      const id = toSurveyRef(data);
      const before = await surveys.get(ctx.actor, id);
      if (before.status !== 'draft') return deliveryCard(ctx, before);
      const roster = await rosterFor(ctx, before);
      const r = await surveys.send(ctx.actor, id, roster, await channelMembers(ctx, before, roster));
      const nl = ctx.language === 'nl';
      return deliveryCard(
        ctx,
        r.survey,
        nl ? `Verstuurd naar ${r.recipients} ${r.recipients === 1 ? 'persoon' : 'mensen'}. Je volgt de stand ook in je chat met Cadans.` : `Sent to ${r.recipients} ${r.recipients === 1 ? 'person' : 'people'}. You can follow it in your chat with Cadans too.`,
      );
    }) satisfies VerbHandler,

    status: (async (ctx, data) => deliveryCard(ctx, await surveys.get(ctx.actor, toSurveyRef(data)))) satisfies VerbHandler,

    resendFailed: (async (ctx, data) => {
      const id = toSurveyRef(data);
      const n = await surveys.resendFailed(ctx.actor, id);
      const nl = ctx.language === 'nl';
      return deliveryCard(ctx, await surveys.get(ctx.actor, id), n === 0 ? (nl ? 'Er is niets om opnieuw te sturen.' : 'There is nothing to send again.') : nl ? `Opnieuw verstuurd naar ${n} ${n === 1 ? 'persoon' : 'mensen'}.` : `Sent again to ${n} ${n === 1 ? 'person' : 'people'}.`);
    }) satisfies VerbHandler,

    close: (async (ctx, data) => {
      const s = await surveys.closeNow(ctx.actor, toSurveyRef(data));
      return deliveryCard(ctx, s, ctx.language === 'nl' ? 'De peiling is gesloten; de resultaten komen in het kanaal.' : 'The survey is closed; the results are being posted in the channel.');
    }) satisfies VerbHandler,

    cancel: (async (ctx, data) => {
      const s = await surveys.cancel(ctx.actor, toSurveyRef(data));
      if (s.sentAt === null) return home(ctx);
      return deliveryCard(ctx, s, ctx.language === 'nl' ? 'De peiling is geannuleerd. Wie hem kreeg, ziet dat op de kaart; antwoorden worden niet bewaard.' : 'The survey was cancelled. Recipients see this on their card; no answers are kept.');
    }) satisfies VerbHandler,

    repost: (async (ctx, data) => {
      const id = toSurveyRef(data);
      await surveys.repost(ctx.actor, id);
      const s = await surveys.get(ctx.actor, id, 'see');
      return deliveryCard(ctx, s, ctx.language === 'nl' ? 'De resultaten worden opnieuw in het kanaal geplaatst.' : 'The results are being posted in the channel again.');
    }) satisfies VerbHandler,

    answer: (async (ctx, data) => {
      const id = toSurveyRef(data);
      const r = await surveys.answer(ctx.actor, id, (data ?? {}) as Record<string, unknown>);
      if (r.kind === 'thanks') return deps.recipientCards.thanks(ctx.language, r.survey);
      if (r.kind === 'invalid') return deps.recipientCards.question(ctx.language, r.survey, { given: r.given, errors: r.errors });
      return deps.recipientCards.state(ctx.language, r.survey, r.state);
    }) satisfies VerbHandler,

    change: (async (ctx, data) => {
      const r = await surveys.answersToChange(ctx.actor, toSurveyRef(data));
      if ('state' in r) return deps.recipientCards.state(ctx.language, r.survey, r.state);
      return deps.recipientCards.question(ctx.language, r.survey, { answers: r.answers });
    }) satisfies VerbHandler,
  };

  async function saveTemplateText(ctx: RouteContext, text: string): Promise<AdaptiveCard> {
    const r = await surveys.addTemplate(ctx.actor, text);
    const example = SURVEY_TEMPLATE_EXAMPLE[ctx.language];
    if (!r.ok) return renderTemplateCard(ctx.cards, ctx.language, { example, definition: text.slice(0, 100_000), errors: r.errors });
    const title = r.template.title[ctx.language];
    return renderTemplateCard(ctx.cards, ctx.language, {
      example,
      saved: ctx.language === 'nl' ? `De peiling "${title}" is toegevoegd. Je vindt hem onder peiling, in elk kanaal.` : `The survey "${title}" was added. You will find it under survey, in every channel.`,
    });
  }

  const templates = {
    add: (async (ctx) => renderTemplateCard(ctx.cards, ctx.language, { example: SURVEY_TEMPLATE_EXAMPLE[ctx.language] })) satisfies VerbHandler,
    save: (async (ctx, data) => saveTemplateText(ctx, parseActionData(templateText, data).definition ?? '')) satisfies VerbHandler,
    archive: (async (ctx, data) => {
      await surveys.archiveTemplate(ctx.actor, parseActionData(createData, data).template);
      return home(ctx);
    }) satisfies VerbHandler,
    /**
     * A .csv, .txt or .xlsx file in the personal chat: the addresses in it become the audience of the
     * person's latest draft (which then opens, with what was not an address named).
     */
    audienceFile: (async (ctx, file) => {
      const draft = await surveys.latestDraft(ctx.actor);
      const nl = ctx.language === 'nl';
      if (!draft) throw surveyProblem('surveyNoDraftForList');
      let text: string | null = null;
      if (/\.xlsx$/i.test(file.name)) {
        const bytes = file.readBytes ? await file.readBytes() : null;
        text = bytes ? await spreadsheetText(bytes) : null;
      } else text = await file.read();
      if (text === null) {
        return draftCard(ctx, draft, { problems: [{ nl: `Het bestand ${file.name} kon ik niet lezen. Stuur een .csv-, .txt- of .xlsx-bestand van hoogstens 1 MB.`, en: `I could not read the file ${file.name}. Send a .csv, .txt or .xlsx file of at most 1 MB.` }] });
      }
      const parsed = parseEmailList(text);
      const before = draft;
      const input = toDraftInput({ v: 1, survey: before.publicId, audience: 'list', emails: parsed.emails.join('\n') }, before);
      const saved = await surveys.saveDraft(ctx.actor, before.publicId, input);
      const notes = parsed.invalid.length
        ? [{ nl: `Overgeslagen (regels zonder e-mailadres): ${parsed.invalid.slice(0, 10).join(' · ')}${parsed.invalid.length > 10 ? ' …' : ''}`, en: `Skipped (rows without an email address): ${parsed.invalid.slice(0, 10).join(' · ')}${parsed.invalid.length > 10 ? ' …' : ''}` }]
        : [];
      if (saved.problems.length) return draftCard(ctx, saved.survey, { problems: [...saved.problems, ...notes] });
      const done = { nl: `${parsed.emails.length} adressen uit ${file.name} zijn de doelgroep van dit concept.`, en: `${parsed.emails.length} addresses from ${file.name} are now the audience of this draft.` };
      return draftCard(ctx, saved.survey, { saved: true, problems: [...notes], notice: nl ? done.nl : done.en });
    }) satisfies FileHandler,

    /** A .yaml or .json file in the personal chat that holds questions: an own survey template. */
    onFile: (async (ctx, file) => {
      if (!(await surveys.canKeepTemplates(ctx.actor))) throw notAllowed('add survey template');
      const text = await file.read();
      if (text === null) {
        const message = { nl: 'Dat bestand kon ik niet lezen. Stuur een .yaml-, .yml- of .json-bestand van hoogstens 100 kB.', en: 'I could not read that file. Send a .yaml, .yml or .json file of at most 100 kB.' };
        return renderTemplateCard(ctx.cards, ctx.language, { example: SURVEY_TEMPLATE_EXAMPLE[ctx.language], errors: [{ line: null, message }] });
      }
      return saveTemplateText(ctx, text);
    }) satisfies FileHandler,
  };

  async function closedList(ctx: RouteContext): Promise<AdaptiveCard> {
    const [o, actions, canRemoveAnswers] = await Promise.all([surveys.overview(ctx.actor), deps.openActions(ctx.actor), surveys.canRemoveAnswers(ctx.actor)]);
    const closed = await Promise.all(o.closed.map(async (s) => ({ survey: s, ...(await surveys.counts(s.id)), openAnswers: canRemoveAnswers && s.anonymous && s.questions.some((q) => q.kind === 'open') })));
    const names = o.schoolParts.length ? new Map((await deps.schools(ctx.actor.tenantId)).map((x) => [x.id, x.name])) : new Map<number, string>();
    const schoolParts = o.schoolParts.map((p) => ({ ...p, schoolName: names.get(p.schoolId) ?? '' }));
    return renderClosed(ctx.cards, ctx.language, { closed, schoolParts, actions });
  }

  const results = {
    open: (async (ctx) => closedList(ctx)) satisfies VerbHandler,
    /** A directeur's part of a board-wide survey: their school's segment, for them alone. */
    schoolResults: (async (ctx, data) => {
      const d = parseActionData(schoolPartData, data, SURVEY_REF_VERSIONS);
      const part = await surveys.schoolPart(ctx.actor, d.survey, d.school === undefined ? undefined : Number(d.school));
      if (!part) throw surveyProblem('surveyNotFound');
      const school = (await deps.schools(ctx.actor.tenantId)).find((x) => x.id === part.schoolId);
      return renderSchoolResults(ctx.cards, part.data, part.schoolId, school?.name ?? '', ctx.language);
    }) satisfies VerbHandler,
    /** The export of a directeur's part: a signed link to that school's part only (downloads.ts). */
    exportSchool: (async (ctx, data) => {
      const d = parseActionData(schoolPartData, data, SURVEY_REF_VERSIONS);
      const part = await surveys.schoolPart(ctx.actor, d.survey, d.school === undefined ? undefined : Number(d.school));
      if (!part) throw surveyProblem('surveyNotFound');
      const s = part.data.survey;
      const school = (await deps.schools(ctx.actor.tenantId)).find((x) => x.id === part.schoolId);
      const title = `${s.title} · ${school?.name ?? ''}`;
      return renderExport(ctx.cards, ctx.language, title, deps.schoolLinkFor(s.tenantId, s.id, part.schoolId, 'xlsx'), deps.schoolLinkFor(s.tenantId, s.id, part.schoolId, 'csv'));
    }) satisfies VerbHandler,
    /** A closed anonymous survey's open answers, each with a remove button (tenant-wide beheerders; the service checks again). */
    openAnswers: (async (ctx, data) => {
      const d = parseActionData(openAnswersData, data, SURVEY_REF_VERSIONS);
      return renderOpenAnswers(ctx.cards, ctx.language, await surveys.openAnswers(ctx.actor, d.survey, Number(d.page ?? 0)));
    }) satisfies VerbHandler,
    /** Removes one open answer: first the whole answer and "are you sure?", then (confirm) removed; the list again. */
    removeAnswer: (async (ctx, data) => {
      const d = parseActionData(removeAnswerData, data, SURVEY_REF_VERSIONS);
      const page = Number(d.page ?? 0);
      if (!d.confirm) {
        const one = await surveys.openAnswer(ctx.actor, d.survey, d.answer.toLowerCase());
        return renderRemoveAnswer(ctx.cards, ctx.language, one.survey, one.answer, page);
      }
      const removed = await surveys.removeAnswer(ctx.actor, d.survey, d.answer.toLowerCase());
      const nl = ctx.language === 'nl';
      const notice = removed
        ? { text: nl ? 'Het antwoord is verwijderd. Het staat niet meer in de resultaten en de export; de kaart in het kanaal wordt bijgewerkt.' : 'The answer was removed. It is no longer in the results or the export; the card in the channel is being updated.', tone: 'good' as const }
        : { text: nl ? 'Dit antwoord stond er al niet meer: niets veranderd.' : 'This answer was already gone: nothing changed.', tone: 'warning' as const };
      return renderOpenAnswers(ctx.cards, ctx.language, { ...(await surveys.openAnswers(ctx.actor, d.survey, page)), notice });
    }) satisfies VerbHandler,
    exportResults: (async (ctx, data) => {
      const s = await surveys.get(ctx.actor, toSurveyRef(data), 'see');
      if (s.status !== 'closed') throw surveyProblem('surveyNotOpen');
      return renderExport(ctx.cards, ctx.language, s.title, deps.linkFor(s.tenantId, s.id, 'xlsx'), deps.linkFor(s.tenantId, s.id, 'csv'));
    }) satisfies VerbHandler,
  };

  const commands = {
    survey: (async (ctx) => home(ctx)) satisfies CommandHandler,
    results: (async (ctx) => closedList(ctx)) satisfies CommandHandler,
  };

  return { verbs, commands, templates, results };
}

/** Whether an own template's text is a survey (it has questions) rather than a checklist (steps). */
export function looksLikeSurveyTemplate(text: string): boolean {
  return /(?:^|[{,\s])["']?(?:vragen|questions|stellingen|statements)["']?\s*:/im.test(text.slice(0, 100_000));
}

/** The text of a spreadsheet's cells, sheet by sheet, one cell per line (the addresses are found in it). */
async function spreadsheetText(bytes: Buffer): Promise<string | null> {
  try {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const lines: string[] = [];
    book.eachSheet((sheet) => {
      sheet.eachRow((row) => {
        row.eachCell((cell) => {
          const v = cell.text;
          if (v && lines.length < 50_000) lines.push(v);
        });
      });
    });
    return lines.join('\n');
  } catch {
    return null; // not a workbook
  }
}
