// Survey use cases: drafts from templates, sending to an audience through the outbox, answering
// (anonymous answers sealed; see seal.ts), closing, reminders, cancelling. Every use case checks the
// actor's rights on the server; the access table (app-routes.ts) has already let them in.
import { randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Language } from '../config.js';
import { inTransaction, type Db, type Queryable } from '../db/pool.js';
import { notAllowed } from '../errors.js';
import { renderWith } from '../outbox/service.js';
import type { Role, RoleGrant } from '../people/feature.js';
import type { Actor, Member } from '../routes.js';
import {
  SURVEY_LIMITS,
  checkQuestions,
  materialise,
  parseAnswers,
  segmentMayBeStored,
  type Answers,
  type FieldError,
  type LocalText,
  type Perspective,
  type Repeat,
  REPEAT_WEEKS,
  MAX_LISTED_EMAILS,
  QUESTION_KINDS,
  type Question,
  nextRoundAt,
  type SurveyTemplate,
} from './model.js';
import { DELIVERY_RENDERER, QUESTION_RENDERER, RESULTS_RENDERER, keys, surveyProblem, type AppInstaller, type GroupMembers, type SurveyConversations, type SurveyOutbox, type SurveyPeople } from './ports.js';
import { open, seal, sealSize, type SealKey } from './seal.js';
import { capSurveyErrors, parseSurveyTemplateText, type SurveyTemplateError } from './parse-template.js';
import * as store from './store.js';
import type { Audience, DeliveryRow, Recipient, SurveyRow } from './store.js';

export const ZONE = 'Europe/Amsterdam';
/** Who may start a survey (a directeur for their own school). */
export const SURVEY_STARTERS: readonly Role[] = ['kwaliteitsmedewerker', 'bestuurder', 'directeur', 'beheerder'];
/** Who may see every survey's results and manage every survey of the tenant (tenant-wide grants). */
const TENANT_MANAGERS: readonly Role[] = ['kwaliteitsmedewerker', 'beheerder'];
const TENANT_READERS: readonly Role[] = ['kwaliteitsmedewerker', 'beheerder', 'bestuurder'];
/** Starting from scratch: a pulse without questions yet (the questions card fills it). */
export const BLANK: SurveyTemplate = {
  key: 'blank',
  kind: 'pulse',
  title: { nl: 'Nieuwe peiling', en: 'New survey' },
  description: { nl: 'Zelf samenstellen: jouw eigen vragen.', en: 'From scratch: your own questions.' },
  questions: [],
  anonymous: true,
};

/** Own templates per tenant (archived ones not counted). */
export const OWN_TEMPLATES_CAP = 50;
/** Who adds and archives the tenant's own templates (for the whole tenant). */
const TEMPLATE_KEEPERS: readonly Role[] = ['kwaliteitsmedewerker', 'beheerder'];
/** Who removes an open answer of an anonymous survey (open text can name people): tenant-wide beheerders. */
export const ANSWER_KEEPERS: readonly Role[] = ['beheerder'];
const isAnswerKeeper = (g: readonly RoleGrant[]) => g.some((x) => ANSWER_KEEPERS.includes(x.role) && x.schoolId === null);
/** Open answers per page of the card that lists them. */
export const OPEN_ANSWERS_PAGE = 10;
/** The most people one survey goes to. */
export const MAX_RECIPIENTS = 25_000;
const PAGE = 500;

export interface SurveyServiceDeps {
  db: Db;
  outbox: SurveyOutbox;
  people: SurveyPeople;
  conversations: SurveyConversations;
  sealKey: SealKey;
  /** With Graph and the app's catalog id: installs the app for recipients without a 1:1 chat. */
  installApp?: AppInstaller;
  /** With Graph: an audience can be an Entra group. */
  groupMembers?: GroupMembers;
  templates: () => readonly SurveyTemplate[];
  /**
   * The first moment at or after `at` when Cadans may send to a survey of this tenant and school
   * (null: the board's): working days (not in that school's holidays), daytime hours.
   */
  sendMoment(at: Date, scope: { tenantId: string; schoolId: number | null }): Date | Promise<Date>;
  /** Starts the fan-out (and other paged work) as a job. */
  jobs: { fanOut(surveyId: number, kind: 'cards' | 'closeCards' | 'reminder', moment: number, startAfter: Date): Promise<void> };
  now(): Date;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface DraftInput {
  title: string;
  anonymous: boolean;
  minGroupSize: number;
  audience: Audience;
  /** yyyy-mm-dd and HH:mm, Amsterdam time. */
  deadlineDate: string;
  deadlineTime: string;
  /** yyyy-mm-dd, empty: as soon as it is sent. */
  opensDate: string;
  reminderDays: number[];
  /** Question ids to leave out of the template's list. */
  removed: string[];
  /** Repeat every this many weeks (null: not by weeks). */
  repeatWeeks: number | null;
  /** Or on these dates (yyyy-mm-dd). */
  repeatDates: string[];
  /** What in a pasted address list is no email address (shown to the author; nothing is saved). */
  invalidEmails?: string[];
}

export type AnswerOutcome =
  | { kind: 'thanks'; survey: SurveyRow }
  | { kind: 'invalid'; survey: SurveyRow; errors: FieldError[]; given: Record<string, string> }
  | { kind: 'state'; survey: SurveyRow | null; state: RecipientState };

/** What a recipient's card shows instead of the questions. */
export type RecipientState = 'notForYou' | 'alreadyAnswered' | 'closed' | 'cancelled' | 'notYetOpen';

export interface Review {
  survey: SurveyRow;
  recipients: Recipient[];
  /** Entries of the audience that could not be matched to a Teams user (by name). */
  unmatched: string[];
  problems: LocalText[];
  warnings: LocalText[];
}

/** What a result card is computed from (one round). */
export interface ResultInputs {
  survey: SurveyRow;
  counts: Awaited<ReturnType<typeof store.answerCounts>>;
  responses: Awaited<ReturnType<typeof store.responseCounts>>;
  texts: { questionId: string; text: string }[];
  recipients: number;
  recipientsBySegment: Awaited<ReturnType<typeof store.recipientsBySegment>>;
  schoolNames: Map<number, string>;
}

export type ResultData = ResultInputs & { previous: ResultInputs | null };

/** The members of a survey's results channel, as they bear on what the posted card may show. */
export interface ChannelAudience {
  members: number;
  /** Members who may not see all of the results otherwise. */
  others: number;
  /** Of those, members with no role at a school. */
  withoutSchool: number;
  /** The schools the others hold a role at. */
  schools: number[];
  /** The channel's school: the posted card shows only this school's part (board-wide surveys). */
  schoolId: number | null;
}

export interface DeliveryStatus {
  survey: SurveyRow;
  counts: store.DeliveryCounts;
  failed: { name: string; reason: string }[];
  failedTotal: number;
}

const PERSPECTIVE_OF: readonly [Role, Perspective][] = [
  ['bestuurder', 'bestuur'],
  ['rvt', 'toezicht'],
  ['directeur', 'schoolleiding'],
  ['kwaliteitsmedewerker', 'kwaliteit'],
];

/** The school someone answers for (their one school, if all their school grants name the same one) and perspective. */
export function segmentsOf(grants: readonly RoleGrant[] | undefined): { schoolId: number | null; perspective: Perspective | null } {
  const schools = new Set((grants ?? []).map((g) => g.schoolId).filter((s): s is number => s !== null));
  const perspective = PERSPECTIVE_OF.find(([role]) => (grants ?? []).some((g) => g.role === role))?.[1] ?? null;
  return { schoolId: schools.size === 1 ? [...schools][0]! : null, perspective };
}

export function dayIn(zone: string, at: Date): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/** yyyy-mm-dd + HH:mm in Amsterdam → an instant; null when not a real date or time. */
export function amsterdamInstant(date: string, time: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}(:\d{2})?$/.test(time)) return null;
  const dt = DateTime.fromISO(`${date}T${time.slice(0, 5)}`, { zone: ZONE });
  return dt.isValid ? dt.toJSDate() : null;
}

/** The channel itself (a new post there), not the thread an action came from. */
export function channelOf(conversation: { id: string; channelId?: string }): string {
  const id = conversation.channelId ?? conversation.id;
  const i = id.indexOf(';messageid=');
  return i === -1 ? id : id.slice(0, i);
}

export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function createSurveyService(deps: SurveyServiceDeps) {
  const { db } = deps;

  async function grants(actor: Actor) {
    return deps.people.grantsOf(actor.tenantId, actor.aadObjectId);
  }

  /** The built-in templates and the tenant's own (`own-<id>`). */
  async function templatesFor(tenantId: string): Promise<SurveyTemplate[]> {
    const own = await store.listOwnTemplates(db, tenantId);
    return [...deps.templates(), ...own.map((t) => ({ ...t.definition, key: `own-${t.id}` }))];
  }

  function canKeepTemplates(g: readonly RoleGrant[]): boolean {
    return g.some((x) => TEMPLATE_KEEPERS.includes(x.role) && x.schoolId === null);
  }

  /** The schools someone is directeur of (a tenant-wide directeur: none in particular). */
  function directeurSchools(g: readonly RoleGrant[]): number[] {
    return [...new Set(g.filter((x) => x.role === 'directeur' && x.schoolId !== null).map((x) => x.schoolId as number))];
  }

  function canStart(g: readonly RoleGrant[]): boolean {
    return g.some((x) => SURVEY_STARTERS.includes(x.role));
  }

  /** Author, or a tenant-wide kwaliteitsmedewerker or beheerder. */
  function canManage(g: readonly RoleGrant[], actor: Pick<Actor, 'aadObjectId'>, s: SurveyRow): boolean {
    return s.createdBy === actor.aadObjectId || g.some((x) => TENANT_MANAGERS.includes(x.role) && x.schoolId === null);
  }

  /** Results: the managers, tenant-wide bestuurders, the directeur of the survey's school. */
  function canSeeResults(g: readonly RoleGrant[], actor: Pick<Actor, 'aadObjectId'>, s: SurveyRow): boolean {
    if (canManage(g, actor, s)) return true;
    if (g.some((x) => TENANT_READERS.includes(x.role) && x.schoolId === null)) return true;
    return s.schoolId !== null && g.some((x) => x.role === 'directeur' && (x.schoolId === s.schoolId || x.schoolId === null));
  }

  async function surveyFor(actor: Actor, publicId: string, level: 'manage' | 'see'): Promise<SurveyRow> {
    const s = await store.getSurveyByPublicId(db, actor.tenantId, publicId);
    if (!s) throw surveyProblem('surveyNotFound');
    const g = await grants(actor);
    if (!(level === 'manage' ? canManage(g, actor, s) : canSeeResults(g, actor, s))) throw surveyProblem('surveyNotFound');
    return s;
  }

  function defaultDeadline(now: Date): Date {
    return DateTime.fromJSDate(now, { zone: ZONE }).plus({ days: 7 }).set({ hour: 17, minute: 0, second: 0, millisecond: 0 }).toJSDate();
  }

  return {
    canStart,
    canManage,
    canSeeResults,
    /** Whether an Entra group can be an audience (Graph is configured). */
    groupsAvailable: deps.groupMembers !== undefined,
    builtInTemplates: deps.templates,
    templatesFor,

    async canKeepTemplates(actor: Actor): Promise<boolean> {
      return canKeepTemplates(await grants(actor));
    },

    /** Adds an own template from YAML or JSON; the errors per line when it does not parse. */
    async addTemplate(actor: Actor, text: string): Promise<{ ok: true; template: SurveyTemplate } | { ok: false; errors: SurveyTemplateError[] }> {
      if (!canKeepTemplates(await grants(actor))) throw notAllowed('add survey template');
      const parsed = parseSurveyTemplateText(text);
      if (!parsed.ok) return { ok: false, errors: capSurveyErrors(parsed.errors) };
      const id = await store.insertOwnTemplate(db, actor.tenantId, parsed.template, text, actor.aadObjectId, OWN_TEMPLATES_CAP);
      if (id === null) {
        return { ok: false, errors: [{ line: null, message: { nl: `Jullie hebben al ${OWN_TEMPLATES_CAP} eigen peilingen, het maximum. Archiveer er eerst een.`, en: `You already have ${OWN_TEMPLATES_CAP} surveys of your own, the maximum. Archive one first.` } }] };
      }
      return { ok: true, template: { ...parsed.template, key: `own-${id}` } };
    },

    /** No longer offered; surveys made from it go on. False when it was not there. */
    async archiveTemplate(actor: Actor, key: string): Promise<boolean> {
      if (!canKeepTemplates(await grants(actor))) throw notAllowed('archive survey template');
      const m = /^own-(\d{1,15})$/.exec(key);
      return m ? store.archiveOwnTemplate(db, actor.tenantId, Number(m[1])) : false;
    },

    /** The resource guard's question: may this actor manage / see / answer the survey this id names? */
    async allowed(actor: Actor, publicId: string, level: 'manage' | 'see' | 'answer'): Promise<boolean> {
      if (level === 'answer') {
        const r = await store.readForAnswer(db, actor.tenantId, publicId, actor.aadObjectId);
        return r !== null && r.delivery !== null;
      }
      const s = await store.getSurveyByPublicId(db, actor.tenantId, publicId);
      if (!s) return false;
      const g = await grants(actor);
      return level === 'manage' ? canManage(g, actor, s) : canSeeResults(g, actor, s);
    },

    /**
     * The actor's drafts and running surveys (all of the tenant's for managers), closed ones they may
     * see, and for a directeur the closed board-wide surveys whose part for their school they may see.
     */
    async overview(actor: Actor) {
      const g = await grants(actor);
      const rows = await store.listSurveys(db, actor.tenantId, ['draft', 'scheduled', 'open', 'closed'], 200);
      const mine = rows.filter((s) => (s.status === 'draft' ? s.createdBy === actor.aadObjectId : canManage(g, actor, s)));
      const closed = rows.filter((s) => s.status === 'closed' && canSeeResults(g, actor, s)).slice(0, 10);
      const ownSchools = directeurSchools(g);
      const boardWide = ownSchools.length ? rows.filter((s) => s.status === 'closed' && s.schoolId === null && !canSeeResults(g, actor, s)) : [];
      const reached = await store.schoolsReached(db, boardWide.map((s) => s.id), ownSchools);
      const schoolParts = boardWide.flatMap((s) => reached.filter((r) => r.surveyId === s.id).map((r) => ({ survey: s, schoolId: r.schoolId }))).slice(0, 10);
      return {
        canStart: canStart(g),
        drafts: mine.filter((s) => s.status === 'draft').slice(0, 5),
        running: mine.filter((s) => s.status === 'open' || s.status === 'scheduled').slice(0, 10),
        closed,
        schoolParts,
      };
    },

    /**
     * A directeur's part of a closed board-wide survey: the result inputs and the school, or null
     * (refused alike whatever the reason). Only a school they are directeur of (`schoolId`, or their
     * first) that the survey was sent to; what of it may be shown is decided by results-card.ts
     * (schoolSummary): that school's segment, never the board-wide totals.
     */
    async schoolPart(actor: Actor, publicId: string, schoolId?: number): Promise<{ data: ResultData; schoolId: number } | null> {
      const g = await grants(actor);
      const schools = directeurSchools(g);
      const s = await store.getSurveyByPublicId(db, actor.tenantId, publicId);
      if (!s || s.status !== 'closed' || s.schoolId !== null || schools.length === 0) return null;
      const wanted = schoolId === undefined ? schools : schools.filter((x) => x === schoolId);
      const reached = await store.schoolsReached(db, [s.id], wanted);
      const school = wanted.find((x) => reached.some((r) => r.schoolId === x));
      if (school === undefined) return null;
      const data = await this.resultData(s.id);
      return data ? { data, schoolId: school } : null;
    },

    /** A draft from a template, started in a channel: its results go there, its audience is the team. */
    async createDraft(actor: Actor, templateKey: string, language: Language): Promise<SurveyRow> {
      const g = await grants(actor);
      if (!canStart(g)) throw notAllowed('may not start a survey');
      if (actor.conversation.kind !== 'channel') throw surveyProblem('surveyChannelOnly');
      const template = templateKey === BLANK.key ? BLANK : (await templatesFor(actor.tenantId)).find((t) => t.key === templateKey);
      if (!template) throw surveyProblem('surveyUnknownTemplate');
      // A directeur without a tenant-wide starting role surveys their own school.
      const boardWide = g.some((x) => x.schoolId === null && x.role !== 'directeur' && SURVEY_STARTERS.includes(x.role));
      const directeurSchool = boardWide ? null : (g.find((x) => x.role === 'directeur' && x.schoolId !== null)?.schoolId ?? null);
      const now = deps.now();
      return store.insertDraft(db, {
        tenantId: actor.tenantId,
        kind: template.kind,
        templateKey: template.key,
        title: template.title[language].slice(0, SURVEY_LIMITS.titleLength),
        language,
        questions: materialise(template.questions, language),
        anonymous: template.anonymous,
        minGroupSize: SURVEY_LIMITS.minGroupSize.default,
        byPerspective: template.byPerspective ?? false,
        audience: directeurSchool !== null ? { kind: 'schools', schoolIds: [directeurSchool] } : { kind: 'team' },
        schoolId: directeurSchool,
        deadline: defaultDeadline(now),
        reminderDays: [2],
        results: { conversationId: channelOf(actor.conversation), serviceUrl: actor.conversation.serviceUrl, teamId: actor.conversation.teamId ?? null },
        author: null,
        createdBy: actor.aadObjectId,
      });
    },

    async get(actor: Actor, publicId: string, level: 'manage' | 'see' = 'manage'): Promise<SurveyRow> {
      return surveyFor(actor, publicId, level);
    },

    /**
     * One question of a survey of this tenant, for an improvement action made from its result line
     * (no access check: the caller's verb rule has let the actor see the survey). Null when the
     * survey or the question is not there.
     */
    async describeQuestion(tenantId: string, publicId: string, questionId: string): Promise<{ surveyId: number; title: string; questionText: string; standard: string | null; schoolId: number | null } | null> {
      const s = await store.getSurveyByPublicId(db, tenantId, publicId);
      const q = s?.questions.find((x) => x.id === questionId);
      if (!s || !q) return null;
      return { surveyId: s.id, title: s.title, questionText: q.text, standard: q.standard ?? null, schoolId: s.schoolId };
    },

    /** Saves a draft's settings; the problems found (nothing is saved when there are any). */
    async saveDraft(actor: Actor, publicId: string, input: DraftInput): Promise<{ survey: SurveyRow; problems: LocalText[] }> {
      const s = await surveyFor(actor, publicId, 'manage');
      if (s.status !== 'draft') throw surveyProblem('surveyNotDraft');
      const problems: LocalText[] = [];
      const title = input.title.trim();
      if (title.length < 1 || title.length > SURVEY_LIMITS.titleLength) problems.push({ nl: 'Geef de peiling een titel van 1 tot 120 tekens.', en: 'Give the survey a title of 1 to 120 characters.' });
      const { min, max } = SURVEY_LIMITS.minGroupSize;
      if (!Number.isInteger(input.minGroupSize) || input.minGroupSize < min || input.minGroupSize > max) {
        problems.push({ nl: `De minimale groepsgrootte is een getal van ${min} tot en met ${max}.`, en: `The minimum group size is a number from ${min} to ${max}.` });
      }
      const now = deps.now();
      const deadline = amsterdamInstant(input.deadlineDate, input.deadlineTime || '17:00');
      const opensAt = input.opensDate ? amsterdamInstant(input.opensDate, '08:00') : null;
      if (input.opensDate && !opensAt) problems.push({ nl: 'De startdatum is geen geldige datum.', en: 'The start date is not a valid date.' });
      const start = opensAt && opensAt > now ? opensAt : now;
      if (!deadline) problems.push({ nl: 'De sluitdatum is geen geldige datum en tijd.', en: 'The closing date is not a valid date and time.' });
      else if (deadline.getTime() - start.getTime() < 60 * 60 * 1000) problems.push({ nl: 'De sluitdatum ligt minstens een uur na de start.', en: 'The closing date must be at least an hour after the start.' });
      else if (deadline.getTime() - start.getTime() > SURVEY_LIMITS.durationDays.max * 86_400_000) problems.push({ nl: 'Een peiling loopt hoogstens 60 dagen.', en: 'A survey runs for at most 60 days.' });
      const reminderDays = [...new Set(input.reminderDays.filter((d) => Number.isInteger(d) && d >= 1 && d <= 14))].sort((a, b) => b - a).slice(0, SURVEY_LIMITS.reminders);
      const g = await grants(actor);
      const boardWide = g.some((x) => x.schoolId === null && x.role !== 'directeur' && SURVEY_STARTERS.includes(x.role));
      let audience: Audience = input.audience;
      if (!boardWide && s.schoolId !== null) audience = { kind: 'schools', schoolIds: [s.schoolId], ...(input.audience.roles ? { roles: input.audience.roles } : {}) };
      if (audience.kind === 'roles' && (audience.roles ?? []).length === 0) problems.push({ nl: 'Kies minstens één rol, of een andere doelgroep.', en: 'Pick at least one role, or another audience.' });
      if (audience.kind === 'group' && !deps.groupMembers) problems.push({ nl: 'Een groep als doelgroep kan alleen als Cadans Microsoft Graph gebruikt.', en: 'A group as audience needs Cadans to use Microsoft Graph.' });
      if (audience.kind === 'group' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(audience.groupId ?? '')) {
        problems.push({ nl: 'Geef de object-ID van de groep (een GUID, te vinden in Entra of het Teams-beheercentrum).', en: "Give the group's object id (a GUID, found in Entra or the Teams admin center)." });
      }
      if (audience.kind === 'list' && (input.invalidEmails ?? []).length > 0) {
        const bad = input.invalidEmails!.slice(0, 10).join(', ');
        problems.push({ nl: `Dit zijn geen e-mailadressen: ${bad}. Haal ze weg of verbeter ze.`, en: `These are not email addresses: ${bad}. Remove or correct them.` });
      }
      if (audience.kind === 'list' && (audience.emails ?? []).length === 0) problems.push({ nl: 'Plak minstens één e-mailadres, of kies een andere doelgroep.', en: 'Paste at least one email address, or pick another audience.' });
      if (audience.kind === 'list' && (audience.emails ?? []).length > MAX_LISTED_EMAILS) problems.push({ nl: `Een lijst heeft hoogstens ${MAX_LISTED_EMAILS} adressen; kies voor grotere groepen een team, rollen of scholen.`, en: `A list holds at most ${MAX_LISTED_EMAILS} addresses; for larger groups pick a team, roles or schools.` });
      if (audience.kind === 'schools' && (audience.schoolIds ?? []).length === 0) problems.push({ nl: 'Kies minstens één school, of een andere doelgroep.', en: 'Pick at least one school, or another audience.' });
      let repeat: Repeat | null = null;
      if (input.repeatWeeks !== null) {
        if ((REPEAT_WEEKS as readonly number[]).includes(input.repeatWeeks)) repeat = { everyWeeks: input.repeatWeeks };
        else problems.push({ nl: `Herhalen kan elke ${REPEAT_WEEKS.join(', ')} weken.`, en: `A survey can repeat every ${REPEAT_WEEKS.join(', ')} weeks.` });
      } else if (input.repeatDates.length > 0) {
        const dates = [...new Set(input.repeatDates)].sort();
        const today = dayIn(ZONE, now);
        if (dates.length > 12 || dates.some((d) => !amsterdamInstant(d, '08:00') || d <= today)) {
          problems.push({ nl: 'Geef hoogstens 12 herhaaldata, na vandaag, als dd-mm-jjjj, gescheiden door komma\'s.', en: 'Give at most 12 repeat dates, after today, as dd-mm-yyyy, separated by commas.' });
        } else repeat = { dates };
      }
      const removed = new Set(input.removed);
      const questions = s.questions.filter((q) => !removed.has(q.id));
      problems.push(...checkQuestions(s.kind, questions));
      if (problems.length > 0 || !deadline) return { survey: s, problems };
      await store.updateDraft(db, s.id, { title, anonymous: input.anonymous, minGroupSize: input.minGroupSize, audience, deadline, opensAt, reminderDays, questions, repeat });
      return { survey: (await store.getSurveyById(db, s.id))!, problems: [] };
    },

    /**
     * Replaces a draft's questions with those typed in the questions card (empty rows left out,
     * renumbered q1…, options a…); the problems found, nothing saved when there are any.
     */
    async saveQuestions(actor: Actor, publicId: string, rows: { text: string; kind: string; required: boolean; options: string[] }[]): Promise<{ survey: SurveyRow; problems: LocalText[] }> {
      const s = await surveyFor(actor, publicId, 'manage');
      if (s.status !== 'draft') throw surveyProblem('surveyNotDraft');
      const problems: LocalText[] = [];
      const questions: Question[] = [];
      for (const r of rows) {
        const text = r.text.trim();
        if (!text) continue;
        const n = questions.length + 1;
        const multiple = r.kind === 'choice-multiple';
        const kind = multiple ? 'choice' : (QUESTION_KINDS as readonly string[]).includes(r.kind) ? (r.kind as Question['kind']) : 'likert';
        const options = r.options.map((o) => o.trim()).filter(Boolean);
        if (kind !== 'choice' && options.length > 0) {
          problems.push({ nl: `Vraag ${n} is geen keuzevraag en heeft dus geen opties: kies soort Keuze, of haal de opties weg.`, en: `Question ${n} is not a choice question, so it has no options: pick the kind Choice, or remove the options.` });
        }
        if (options.some((o) => o.length > SURVEY_LIMITS.optionLength)) {
          problems.push({ nl: `Een optie van vraag ${n} is langer dan ${SURVEY_LIMITS.optionLength} tekens.`, en: `An option of question ${n} is longer than ${SURVEY_LIMITS.optionLength} characters.` });
        }
        if (new Set(options).size !== options.length) problems.push({ nl: `Vraag ${n} heeft een optie twee keer.`, en: `Question ${n} has an option twice.` });
        questions.push({
          id: `q${n}`,
          kind,
          text: text.slice(0, SURVEY_LIMITS.questionLength + 1),
          required: r.required,
          ...(kind === 'choice' ? { options: options.slice(0, SURVEY_LIMITS.options.max + 1).map((label, j) => ({ id: String.fromCharCode(97 + j), label })), multiple } : {}),
        });
      }
      problems.push(...checkQuestions(s.kind, questions));
      if (problems.length > 0) return { survey: s, problems };
      await store.updateDraft(db, s.id, {
        title: s.title, anonymous: s.anonymous, minGroupSize: s.minGroupSize, audience: s.audience, deadline: s.deadline!, opensAt: s.opensAt,
        reminderDays: s.reminderDays, questions, repeat: s.repeat,
      });
      return { survey: (await store.getSurveyById(db, s.id))!, problems: [] };
    },

    /** The actor's most recent draft (a list of addresses sent as a file goes there), or null. */
    async latestDraft(actor: Actor): Promise<SurveyRow | null> {
      const rows = await store.listSurveys(db, actor.tenantId, ['draft'], 50);
      return rows.find((s) => s.createdBy === actor.aadObjectId) ?? null;
    },

    /** Who it would go to (the team's roster comes from the route), and what to check before sending. */
    async review(actor: Actor, publicId: string, roster: readonly Member[] | null, channelMembers: readonly Member[] | null = roster): Promise<Review> {
      const s = await surveyFor(actor, publicId, 'manage');
      if (s.status !== 'draft') throw surveyProblem('surveyNotDraft');
      const { recipients, unmatched } = await resolveAudience(actor.tenantId, s, roster);
      const channel = await channelAudience(s, channelMembers);
      const problems: LocalText[] = [];
      const warnings: LocalText[] = [];
      if (unmatched.length > 0) {
        warnings.push({
          nl: `${unmatched.length} ${unmatched.length === 1 ? 'adres hoort' : 'adressen horen'} bij niemand die Cadans in Teams kent; zij krijgen de peiling niet. Staan ze in het team, start de peiling dan in het kanaal van dat team.`,
          en: `${unmatched.length} ${unmatched.length === 1 ? 'address belongs' : 'addresses belong'} to nobody Cadans knows in Teams; they will not get the survey. If they are in the team, start the survey in that team's channel.`,
        });
      }
      if (recipients.length === 0) problems.push({ nl: 'Er is niemand om de peiling naar te sturen.', en: 'There is nobody to send the survey to.' });
      if (recipients.length > MAX_RECIPIENTS) problems.push({ nl: `Een peiling gaat naar hoogstens ${MAX_RECIPIENTS} mensen.`, en: `A survey goes to at most ${MAX_RECIPIENTS} people.` });
      if (s.anonymous && recipients.length > 0 && recipients.length < s.minGroupSize) {
        warnings.push({ nl: `Er zijn minder dan ${s.minGroupSize} ontvangers: de resultaten blijven verborgen, omdat ze anders niet anoniem zijn.`, en: `There are fewer than ${s.minGroupSize} recipients: the results will stay hidden, as they would not be anonymous.` });
      }
      if (!s.anonymous) warnings.push({ nl: 'Deze peiling is niet anoniem: bij elk antwoord staat wie het gaf. De ontvangers lezen dat boven de vragen.', en: 'This survey is not anonymous: every answer shows who gave it. Recipients read this above the questions.' });
      warnings.push(await channelWarning(s, channel));
      if (s.kind === 'pulse' && s.questions.length > SURVEY_LIMITS.pulseWarnAbove) {
        warnings.push({ nl: 'Korte peilingen worden beter ingevuld: overweeg hoogstens 5 vragen.', en: 'Short surveys get answered: consider at most 5 questions.' });
      }
      return { survey: s, recipients, unmatched, problems, warnings };
    },

    /** Sends (or schedules) the survey: records the recipients and starts the fan-out. */
    async send(actor: Actor, publicId: string, roster: readonly Member[] | null, channelMembers: readonly Member[] | null = roster): Promise<{ survey: SurveyRow; recipients: number }> {
      const s = await surveyFor(actor, publicId, 'manage');
      if (s.status !== 'draft') throw surveyProblem('surveyNotDraft');
      const { recipients } = await resolveAudience(actor.tenantId, s, roster);
      const channel = await channelAudience(s, channelMembers);
      if (recipients.length === 0 || recipients.length > MAX_RECIPIENTS) throw surveyProblem('surveyNoAudience');
      const now = deps.now();
      const opensAt = s.opensAt && s.opensAt > now ? s.opensAt : now;
      const scheduled = opensAt > now;
      const botId = await deps.conversations.botIdOf(actor.tenantId, channelOf(actor.conversation));
      const started = await inTransaction(db, async (tx) => {
        if (!(await store.startSurvey(tx, s.id, scheduled ? 'scheduled' : 'open', opensAt, recipients, channel?.schoolId ?? null))) return false;
        // The author's live delivery card, in their 1:1 chat.
        await deps.outbox.enqueue(
          {
            op: 'createPersonal',
            tenantId: s.tenantId,
            serviceUrl: actor.conversation.serviceUrl,
            userId: actor.teamsUserId || actor.aadObjectId,
            ...(botId ? { botId } : {}),
            idempotencyKey: keys.author(s.id),
            render: renderWith(DELIVERY_RENDERER, { surveyId: s.id }),
          },
          { client: tx },
        );
        return true;
      });
      if (!started) throw surveyProblem('surveyNotDraft');
      if (!scheduled) await deps.jobs.fanOut(s.id, 'cards', 0, await deps.sendMoment(now, s));
      deps.log?.info({ survey: s.id, recipients: recipients.length, scheduled }, 'survey sent');
      return { survey: (await store.getSurveyById(db, s.id))!, recipients: recipients.length };
    },

    /**
     * One page of a survey's paged work, from delivery id `afterId`: its 1:1 cards, the updates that
     * close them, or a reminder to those who have not answered. Idempotency keys make a page done
     * twice (a job retried after a crash) send nothing twice. Returns the last delivery id, or null when done.
     */
    /**
     * One page of a fan-out: the cards (or reminders, or closing updates) of up to `size` deliveries
     * after `afterId` into the outbox, in one transaction. Returns where the next page starts and the
     * survey's tenant (whose backlog paces the fan-out), or null when there is nothing more to send.
     */
    async fanOutPage(surveyId: number, kind: 'cards' | 'closeCards' | 'reminder', moment: number, afterId: number, size = PAGE): Promise<{ after: number; tenantId: string } | null> {
      const s = await store.getSurveyById(db, surveyId);
      if (!s) return null;
      if (kind === 'cards' && s.status !== 'open') return null;
      if (kind === 'reminder' && s.status !== 'open') return null;
      const pageSize = Math.max(1, Math.min(PAGE, Math.floor(size)));
      const page = await store.deliveriesAfter(db, surveyId, afterId, pageSize, kind === 'reminder');
      if (page.length === 0) return null;
      const targets = page.filter((d) => (kind === 'cards' ? true : d.cardActivityId !== null || kind === 'reminder') && (kind !== 'reminder' || d.status === 'sent'));
      const ids = targets.map((d) => d.aadObjectId);
      const [contacts, personal, botId] = await Promise.all([
        kind === 'cards' ? deps.people.contactsOf(s.tenantId, ids) : Promise.resolve([]),
        deps.conversations.personalConversations(s.tenantId, ids),
        s.resultsConversationId ? deps.conversations.botIdOf(s.tenantId, s.resultsConversationId) : Promise.resolve(null),
      ]);
      const teamsIdOf = new Map(contacts.map((c) => [c.aadObjectId, c.teamsUserId]));
      // Someone without a 1:1 chat may not have the app: installed first when Graph can (one at a
      // time, outside the transaction; a failure is logged and the card tried anyway).
      if (kind === 'cards' && deps.installApp) {
        for (const d of targets) {
          if (d.conversationId || personal.has(d.aadObjectId)) continue;
          await deps.installApp(s.tenantId, d.aadObjectId);
        }
      }
      await inTransaction(db, async (tx) => {
        for (const d of targets) {
          const conversation = d.conversationId ?? personal.get(d.aadObjectId)?.conversationId ?? null;
          const serviceUrl = personal.get(d.aadObjectId)?.serviceUrl ?? s.authorServiceUrl ?? s.resultsServiceUrl ?? '';
          if (kind === 'closeCards') {
            if (d.cardActivityId && conversation) {
              await deps.outbox.enqueue({ op: 'update', tenantId: s.tenantId, serviceUrl, conversationId: conversation, activityId: d.cardActivityId, render: renderWith(QUESTION_RENDERER, { deliveryId: d.id, reminder: false }) }, { client: tx });
            }
            continue;
          }
          const render = renderWith(QUESTION_RENDERER, { deliveryId: d.id, reminder: kind === 'reminder' });
          const idempotencyKey = kind === 'cards' ? keys.card(surveyId, d.id) : keys.reminder(surveyId, moment, d.id);
          if (conversation) {
            await deps.outbox.enqueue({ op: 'send', tenantId: s.tenantId, serviceUrl, conversationId: conversation, idempotencyKey, render }, { client: tx });
          } else if (kind === 'cards') {
            await deps.outbox.enqueue(
              { op: 'createPersonal', tenantId: s.tenantId, serviceUrl, userId: teamsIdOf.get(d.aadObjectId) ?? d.aadObjectId, ...(botId ? { botId } : {}), idempotencyKey, render },
              { client: tx },
            );
          }
          if (kind === 'reminder') await store.countReminder(tx, d.id);
        }
      });
      const done = page.length < pageSize;
      // The author's delivery card follows the fan-out (one coalesced update per page).
      if (kind === 'cards') await updateAuthorCard(s);
      return done ? null : { after: page[page.length - 1]!.id, tenantId: s.tenantId };
    },

    /** A recipient answers. Anonymous: sealed, final; named: kept on the delivery, changeable until the deadline. */
    async answer(actor: Actor, publicId: string, data: Record<string, unknown>): Promise<AnswerOutcome> {
      const r = await store.readForAnswer(db, actor.tenantId, publicId, actor.aadObjectId);
      const state = stateFor(r);
      if (state) return { kind: 'state', survey: r?.survey ?? null, state };
      const { survey: s, delivery: d } = r as { survey: SurveyRow; delivery: DeliveryRow };
      const parsed = parseAnswers(s.questions, data);
      if (!parsed.ok) return { kind: 'invalid', survey: s, errors: parsed.errors, given: parsed.given };
      const accepted = s.anonymous ? await acceptAnonymous(s, d, parsed.answers) : await store.acceptNamedAnswer(db, d.id, s.id, parsed.answers);
      if (!accepted) {
        // Another click won, or the survey closed in between: say what is now the case.
        const again = await store.readForAnswer(db, actor.tenantId, publicId, actor.aadObjectId);
        return { kind: 'state', survey: again?.survey ?? s, state: stateFor(again) ?? 'alreadyAnswered' };
      }
      await updateAuthorCard(s);
      return { kind: 'thanks', survey: s };
    },

    /** A named answer to change: the survey and the answers given. */
    async answersToChange(actor: Actor, publicId: string): Promise<{ survey: SurveyRow; answers: Answers } | { state: RecipientState; survey: SurveyRow | null }> {
      const r = await store.readForAnswer(db, actor.tenantId, publicId, actor.aadObjectId);
      if (!r || !r.delivery) return { state: 'notForYou', survey: null };
      if (r.survey.anonymous) return { state: r.delivery.answeredAt ? 'alreadyAnswered' : 'notForYou', survey: r.survey };
      const state = stateFor({ ...r, delivery: { ...r.delivery, answeredAt: null } });
      if (state) return { state, survey: r.survey };
      return { survey: r.survey, answers: r.delivery.answers ?? {} };
    },

    /** What a recipient's card shows now (the renderer's question). */
    async recipientView(deliveryId: number): Promise<{ survey: SurveyRow; delivery: DeliveryRow; state: RecipientState | 'answered' | null } | null> {
      const d = await store.getDelivery(db, deliveryId);
      if (!d) return null;
      const s = await store.getSurveyById(db, d.surveyId);
      if (!s) return null;
      const state = s.status === 'cancelled' ? 'cancelled' : s.status === 'closed' || (s.deadline && s.deadline <= deps.now()) ? 'closed' : d.answeredAt ? 'answered' : null;
      return { survey: s, delivery: d, state };
    },

    /** Closes a survey: opens its sealed answers into the anonymous tables in random order, posts the results, closes the cards. */
    async close(surveyId: number): Promise<boolean> {
      const closed = await inTransaction(db, async (tx) => {
        const s = await store.getSurveyById(tx, surveyId, true);
        if (!s || s.status !== 'open') return null;
        await store.setSurveyStatus(tx, s.id, ['open'], 'closed');
        if (s.anonymous) await openSealed(tx, s);
        if (s.resultsConversationId && s.resultsServiceUrl) {
          await deps.outbox.enqueue(
            { op: 'send', tenantId: s.tenantId, serviceUrl: s.resultsServiceUrl, conversationId: s.resultsConversationId, idempotencyKey: keys.results(s.id, 1), render: renderWith(RESULTS_RENDERER, { surveyId: s.id }) },
            { client: tx },
          );
        }
        return s;
      });
      if (!closed) return false;
      await updateAuthorCard(closed);
      await deps.jobs.fanOut(surveyId, 'closeCards', 0, deps.now());
      if (closed.repeat) await planNextRound(closed);
      deps.log?.info({ survey: surveyId }, 'survey closed');
      return true;
    },

    async closeNow(actor: Actor, publicId: string): Promise<SurveyRow> {
      const s = await surveyFor(actor, publicId, 'manage');
      if (s.status !== 'open') throw surveyProblem('surveyNotOpen');
      await this.close(s.id);
      return (await store.getSurveyById(db, s.id))!;
    },

    /** Cancels a draft, a scheduled or a running survey: sealed answers are deleted unread, the cards say so. */
    async cancel(actor: Actor, publicId: string): Promise<SurveyRow> {
      const s = await surveyFor(actor, publicId, 'manage');
      const done = await inTransaction(db, async (tx) => {
        if (!(await store.setSurveyStatus(tx, s.id, ['draft', 'scheduled', 'open'], 'cancelled'))) return false;
        await store.deleteSealed(tx, s.id);
        return true;
      });
      if (!done) throw surveyProblem('surveyNotOpen');
      const after = (await store.getSurveyById(db, s.id))!;
      if (s.status !== 'draft') {
        await updateAuthorCard(after);
        await deps.jobs.fanOut(s.id, 'closeCards', 0, deps.now());
      }
      return after;
    },

    /** Recipients and answers of a survey (the lists' headline). */
    async counts(surveyId: number): Promise<{ answered: number; recipients: number }> {
      const c = await store.deliveryCounts(db, surveyId);
      return { answered: c.answered, recipients: c.recipients };
    },

    async deliveryStatus(surveyId: number): Promise<DeliveryStatus | null> {
      const s = await store.getSurveyById(db, surveyId);
      if (!s) return null;
      const counts = await store.deliveryCounts(db, s.id);
      const failedRows = await deps.outbox.failedByKeyPrefix(s.tenantId, `${keys.prefix(s.id)}to:`, 1_000);
      const deliveryIds = failedRows.map((f) => Number(f.key.slice(f.key.lastIndexOf(':') + 1)));
      const names = new Map<number, string>();
      if (deliveryIds.length > 0) {
        const page = await store.deliveriesAfter(db, s.id, 0, MAX_RECIPIENTS);
        const wanted = new Set(deliveryIds);
        const chosen = page.filter((d) => wanted.has(d.id));
        const contacts = await deps.people.contactsOf(s.tenantId, chosen.map((d) => d.aadObjectId));
        const nameOf = new Map(contacts.map((c) => [c.aadObjectId, c.name]));
        for (const d of chosen) names.set(d.id, nameOf.get(d.aadObjectId) || d.aadObjectId);
      }
      const failed = failedRows.slice(0, 20).map((f, i) => ({ name: names.get(deliveryIds[i]!) ?? '?', reason: f.reason ?? 'rejected' }));
      return { survey: s, counts, failed, failedTotal: failedRows.length };
    },

    async resendFailed(actor: Actor, publicId: string): Promise<number> {
      const s = await surveyFor(actor, publicId, 'manage');
      if (s.status !== 'open') throw surveyProblem('surveyNotOpen');
      const failedRows = await deps.outbox.failedByKeyPrefix(s.tenantId, `${keys.prefix(s.id)}to:`, MAX_RECIPIENTS);
      if (failedRows.length === 0) return 0;
      const n = await deps.outbox.retryFailed(s.tenantId, failedRows.map((f) => f.key));
      await updateAuthorCard(s);
      return n;
    },

    /** Posts the result card again (a new message in the survey's channel). */
    async repost(actor: Actor, publicId: string): Promise<void> {
      const s = await surveyFor(actor, publicId, 'see');
      if (s.status !== 'closed' || !s.resultsConversationId || !s.resultsServiceUrl) throw surveyProblem('surveyNotOpen');
      await deps.outbox.enqueue({ op: 'send', tenantId: s.tenantId, serviceUrl: s.resultsServiceUrl, conversationId: s.resultsConversationId, render: renderWith(RESULTS_RENDERER, { surveyId: s.id }) });
    },

    /**
     * The minute's work: opens scheduled surveys, closes those past their deadline, sends due
     * reminders. `now` decides what is due (tests pass their own clock); the jobs it starts run on the
     * service's clock, within the send window.
     */
    async tick(now: Date): Promise<{ opened: number; closed: number; reminded: number }> {
      let opened = 0;
      let closed = 0;
      let reminded = 0;
      for (const id of await store.dueToOpen(db, now, 100)) {
        if (await store.openScheduled(db, id)) {
          opened++;
          const s = await store.getSurveyById(db, id);
          await deps.jobs.fanOut(id, 'cards', 0, s ? await deps.sendMoment(deps.now(), s) : deps.now());
        }
      }
      for (const id of await store.dueToClose(db, now, 100)) if (await this.close(id)) closed++;
      for (const due of await store.remindersDue(db, 100)) {
        const moment = due.done;
        const days = due.reminderDays[moment];
        if (days === undefined || !due.deadline) continue;
        const at = await deps.sendMoment(new Date(due.deadline.getTime() - days * 86_400_000), due);
        if (at > now || at >= due.deadline) {
          if (at >= due.deadline && (await store.markReminderDone(db, due.id, moment))) continue; // too late for this one: skipped
          continue;
        }
        if (await store.markReminderDone(db, due.id, moment)) {
          reminded++;
          await deps.jobs.fanOut(due.id, 'reminder', moment, await deps.sendMoment(deps.now(), due));
        }
      }
      return { opened, closed, reminded };
    },

    /** The inputs for the result card (results.ts computes what may be shown), and the previous round's. */
    async resultData(surveyId: number): Promise<ResultData | null> {
      const s = await store.getSurveyById(db, surveyId);
      if (!s) return null;
      const current = await inputsOf(s);
      const before = s.seriesId ? await store.previousRound(db, s.seriesId, s.round) : null;
      return { ...current, previous: before ? await inputsOf(before) : null };
    },

    /** One round's result inputs, without the previous round's (the meeting prep pack; see prep.ts). */
    roundInputs: inputsOf,

    /** Whether the actor may remove open answers (a tenant-wide beheerder): the results list offers it. */
    async canRemoveAnswers(actor: Actor): Promise<boolean> {
      return isAnswerKeeper(await grants(actor));
    },

    /**
     * The open answers of a closed anonymous survey, a page at a time, for a beheerder who may remove
     * one (docs/surveys.md, "Removing an open answer"). Refused alike for anyone else.
     */
    async openAnswers(actor: Actor, publicId: string, page: number): Promise<{ survey: SurveyRow; total: number; page: number; pages: number; rows: { id: string; questionId: string; text: string }[] }> {
      const s = await answersSurvey(actor, publicId);
      let p = Math.max(0, Math.floor(page));
      let r = await store.listOpenAnswers(db, s.id, p * OPEN_ANSWERS_PAGE, OPEN_ANSWERS_PAGE);
      const pages = Math.max(1, Math.ceil(r.total / OPEN_ANSWERS_PAGE));
      if (p >= pages && r.total > 0) {
        p = pages - 1;
        r = await store.listOpenAnswers(db, s.id, p * OPEN_ANSWERS_PAGE, OPEN_ANSWERS_PAGE);
      }
      return { survey: s, total: r.total, page: p, pages, rows: r.rows };
    },

    /** One open answer, for the confirmation card. */
    async openAnswer(actor: Actor, publicId: string, answerId: string): Promise<{ survey: SurveyRow; answer: { id: string; questionId: string; text: string } }> {
      const s = await answersSurvey(actor, publicId);
      const answer = await store.getOpenAnswer(db, s.id, answerId);
      if (!answer) throw surveyProblem('surveyAnswerGone');
      return { survey: s, answer };
    },

    /**
     * Removes one open answer of a closed anonymous survey: from survey_answers (the only place it is
     * once the survey closed: the sealed rows were deleted then), with an audit event (ids only, never
     * the text); the result card in the channel is updated. Results and exports read the table, so the
     * answer is gone from them at once. False: it was already gone.
     */
    async removeAnswer(actor: Actor, publicId: string, answerId: string): Promise<boolean> {
      const s = await answersSurvey(actor, publicId);
      const removed = await inTransaction(db, async (tx) => {
        const answer = await store.getOpenAnswer(tx, s.id, answerId);
        if (!answer || !(await store.deleteOpenAnswer(tx, s.id, answerId))) return false;
        await deps.people.audit?.(tx, { tenantId: s.tenantId, actor: actor.aadObjectId, action: 'survey.answer.remove', subject: `survey:${s.publicId}`, detail: { question: answer.questionId, removed: 1 } });
        if (s.resultsActivityId && s.resultsConversationId && s.resultsServiceUrl) {
          await deps.outbox.enqueue(
            { op: 'update', tenantId: s.tenantId, serviceUrl: s.resultsServiceUrl, conversationId: s.resultsConversationId, activityId: s.resultsActivityId, render: renderWith(RESULTS_RENDERER, { surveyId: s.id }) },
            { client: tx },
          );
        }
        return true;
      });
      if (removed) deps.log?.info({ survey: s.id }, 'open answer removed by a beheerder');
      return removed;
    },
  };

  /** The survey whose open answers a tenant-wide beheerder manages: closed, anonymous, of their tenant. */
  async function answersSurvey(actor: Actor, publicId: string): Promise<SurveyRow> {
    if (!isAnswerKeeper(await grants(actor))) throw notAllowed('remove an open survey answer');
    const s = await store.getSurveyByPublicId(db, actor.tenantId, publicId);
    if (!s) throw surveyProblem('surveyNotFound');
    if (s.status !== 'closed' || !s.anonymous) throw surveyProblem('surveyAnswersNotRemovable');
    return s;
  }

  /**
   * Who reads the results channel (docs/surveys.md, "Who sees what"), from its team's members as read
   * when the survey is reviewed or sent; null when they could not be read. Readers: those who may see
   * all of the results anyway (the author, tenant-wide kwaliteitsmedewerkers, bestuurders, beheerders).
   * Of the others, the schools they hold a role at: when a board-wide survey's channel has members of
   * exactly one school, that is the channel's school and the posted card shows only its part.
   */
  async function channelAudience(s: SurveyRow, members: readonly Member[] | null): Promise<ChannelAudience | null> {
    if (!members) return null;
    const ids = [...new Set(members.map((m) => m.aadObjectId))];
    const grantsOf = await deps.people.grantsOfMany(s.tenantId, ids);
    const schools = new Set<number>();
    let others = 0;
    let withoutSchool = 0;
    for (const id of ids) {
      const g = grantsOf.get(id) ?? [];
      if (id === s.createdBy || g.some((x) => TENANT_READERS.includes(x.role) && x.schoolId === null)) continue;
      others++;
      const own = g.filter((x) => x.schoolId !== null).map((x) => x.schoolId as number);
      if (own.length === 0) withoutSchool++;
      for (const x of own) schools.add(x);
    }
    const schoolId = s.schoolId === null && schools.size === 1 ? [...schools][0]! : null;
    return { members: ids.length, others, withoutSchool, schools: [...schools], schoolId };
  }

  /** The review card's line on who will see what in the channel. */
  async function channelWarning(s: SurveyRow, channel: ChannelAudience | null): Promise<LocalText> {
    const names = new Map((await deps.people.schools(s.tenantId)).map((x) => [x.id, x.name]));
    const nameOf = (id: number) => names.get(id) ?? `school ${id}`;
    if (!channel) {
      return {
        nl: 'De resultaten komen in het kanaal waarin de peiling begon: iedereen die het kanaal kan lezen, ziet ze (altijd zonder namen, en groepen kleiner dan de minimale groepsgrootte verborgen). Wie er in dat kanaal zit, kon ik niet lezen; kijk nog eens vanuit het kanaal zelf.',
        en: 'The results are posted in the channel the survey was started in: everyone who can read it sees them (never with names, and groups below the minimum size hidden). I could not read who is in that channel; check again from the channel itself.',
      };
    }
    if (channel.schoolId !== null) {
      const school = nameOf(channel.schoolId);
      return {
        nl: `Dit kanaal is van ${school}: in het kanaal komen alleen de uitkomsten van ${school}, en als die groep te klein is alleen dat ze niet getoond worden. De uitkomsten van het hele bestuur zie je onder resultaten.`,
        en: `This channel belongs to ${school}: only the results of ${school} are posted here, and if that group is too small only that they are not shown. You see the board's results under results.`,
      };
    }
    if (channel.others === 0) {
      return {
        nl: 'De resultaten komen in dit kanaal. Iedereen die erin zit, mag de uitkomsten ook zo zien (altijd zonder namen, en groepen kleiner dan de minimale groepsgrootte verborgen).',
        en: 'The results are posted in this channel. Everyone in it may see the results anyway (never with names, and groups below the minimum size hidden).',
      };
    }
    const wide = channel.schools.length > 1 ? { nl: ` Er zitten mensen van ${channel.schools.length} scholen in (${channel.schools.map(nameOf).slice(0, 5).join(', ')}): zij zien ook de uitkomsten van elkaars school.`, en: ` It has people of ${channel.schools.length} schools (${channel.schools.map(nameOf).slice(0, 5).join(', ')}): they also see the results of each other's school.` } : { nl: '', en: '' };
    return {
      nl: `Let op: dit kanaal is breder dan wie de uitkomsten mag zien. ${channel.others} van de ${channel.members} leden zien ze anders niet, maar in het kanaal wel alles${s.schoolId === null ? ': het totaal en de uitkomsten per school' : ''} (altijd zonder namen, en groepen kleiner dan de minimale groepsgrootte verborgen).${wide.nl}`,
      en: `Note: this channel is wider than who may see the results. ${channel.others} of its ${channel.members} members may not see them otherwise, but in the channel they see all of them${s.schoolId === null ? ': the totals and the results per school' : ''} (never with names, and groups below the minimum size hidden).${wide.en}`,
    };
  }

  /**
   * The next round of a repeating survey, scheduled when a round closes: the same questions and
   * settings, the same running time; a team's survey goes to the same people as this round, one by
   * roles or schools to whoever holds them now. The tick opens it at its time.
   */
  async function planNextRound(s: SurveyRow): Promise<void> {
    if (!s.repeat || !s.opensAt || !s.deadline) return;
    const addWeeks = (d: Date, weeks: number) => DateTime.fromJSDate(d, { zone: ZONE }).plus({ weeks }).toJSDate();
    const at = nextRoundAt(s.repeat, s.opensAt, deps.now(), (date) => amsterdamInstant(date, '08:00')!, addWeeks);
    if (!at) return;
    const opensAt = await deps.sendMoment(at, s);
    const deadline = new Date(opensAt.getTime() + (s.deadline.getTime() - s.opensAt.getTime()));
    const recipients =
      s.audience.kind === 'team' || s.audience.kind === 'list' ? await store.recipientsOf(db, s.id) : (await resolveAudience(s.tenantId, s, null).catch(async () => ({ recipients: await store.recipientsOf(db, s.id) }))).recipients;
    if (recipients.length === 0) return;
    const id = await inTransaction(db, (tx) => store.insertNextRound(tx, s, opensAt, deadline, recipients));
    if (id !== null) deps.log?.info({ survey: s.id, next: id, opensAt }, 'next round of a repeating survey planned');
  }

  /** `texts: false`: the open answers are not read (a summary for figures only; they stay empty). */
  async function inputsOf(s: SurveyRow, options: { texts?: boolean } = {}): Promise<ResultInputs> {
    const [counts, responses, texts, bySegment, schools] = await Promise.all([
      store.answerCounts(db, s),
      store.responseCounts(db, s),
      options.texts === false ? [] : store.openTexts(db, s),
      store.recipientsBySegment(db, s.id),
      deps.people.schools(s.tenantId),
    ]);
    return { survey: s, counts, responses, texts, recipients: bySegment.reduce((n, x) => n + x.n, 0), recipientsBySegment: bySegment, schoolNames: new Map(schools.map((x) => [x.id, x.name])) };
  }

  function stateFor(r: { survey: SurveyRow; delivery: DeliveryRow | null } | null): RecipientState | null {
    if (!r || !r.delivery) return 'notForYou';
    const s = r.survey;
    if (s.status === 'cancelled') return 'cancelled';
    if (s.status === 'closed' || (s.deadline && s.deadline <= deps.now())) return 'closed';
    if (s.status !== 'open') return 'notYetOpen';
    if (s.anonymous && r.delivery.answeredAt) return 'alreadyAnswered';
    return null;
  }

  async function acceptAnonymous(s: SurveyRow, d: DeliveryRow, answers: Answers): Promise<boolean> {
    // Segment labels go into the sealed answer only when enough people were sent the survey in that segment.
    const sizes = d.schoolId !== null || d.perspective !== null ? await store.segmentSizes(db, s.id, d.schoolId, d.perspective) : { school: 0, perspective: 0 };
    const sealed = seal(deps.sealKey, s.id, sealSize(s.questions), {
      day: dayIn(ZONE, deps.now()),
      school: d.schoolId !== null && segmentMayBeStored(sizes.school, s.minGroupSize) ? d.schoolId : null,
      perspective: s.byPerspective && d.perspective !== null && segmentMayBeStored(sizes.perspective, s.minGroupSize) ? d.perspective : null,
      answers,
    });
    return store.acceptSealedAnswer(db, d.id, s.id, sealed);
  }

  /** Opens every sealed answer of a survey and writes them, shuffled, in the caller's transaction; then deletes the sealed rows. */
  async function openSealed(tx: Queryable, s: SurveyRow): Promise<void> {
    const responses: store.OpenedResponse[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await store.readSealed(tx, s.id, after, 2_000);
      for (const row of page) {
        const a = open(deps.sealKey, s.id, row.sealed);
        responses.push({ day: a.day, school: a.school, perspective: a.perspective, values: store.answerValues(s.questions, a.answers) });
      }
      if (page.length < 2_000) break;
      after = page[page.length - 1]!.id;
    }
    const rows = shuffle(responses.flatMap((r) => r.values.map((v) => ({ ...v, school: r.school, perspective: r.perspective }))));
    await store.insertOpened(tx, s.id, shuffle(responses), rows);
    await store.deleteSealed(tx, s.id);
  }

  /** The author's live delivery card, once it has been posted (coalesced: many answers, one update). */
  async function updateAuthorCard(s: SurveyRow): Promise<void> {
    const fresh = s.authorCardActivityId ? s : await store.getSurveyById(db, s.id);
    if (!fresh?.authorCardActivityId || !fresh.authorConversationId || !fresh.authorServiceUrl) return;
    await deps.outbox.enqueue({
      op: 'update',
      tenantId: fresh.tenantId,
      serviceUrl: fresh.authorServiceUrl,
      conversationId: fresh.authorConversationId,
      activityId: fresh.authorCardActivityId,
      render: renderWith(DELIVERY_RENDERER, { surveyId: fresh.id }),
    });
  }

  /** The people a survey goes to, with the segments their answers may carry, and the listed addresses nobody matched. */
  async function resolveAudience(tenantId: string, s: SurveyRow, roster: readonly Member[] | null): Promise<{ recipients: Recipient[]; unmatched: string[] }> {
    let ids: string[];
    const unmatched: string[] = [];
    if (s.audience.kind === 'team') ids = (roster ?? []).map((m) => m.aadObjectId);
    else if (s.audience.kind === 'group') {
      if (!deps.groupMembers || !s.audience.groupId) ids = [];
      else {
        try {
          ids = (await deps.groupMembers(tenantId, s.audience.groupId)).map((m) => m.aadObjectId);
        } catch (err) {
          deps.log?.warn({ err, survey: s.id }, 'could not read the group of a survey audience');
          throw surveyProblem('surveyGroupUnreadable');
        }
      }
    } else if (s.audience.kind === 'list') {
      // Matched on the team's roster (Teams gives its members' addresses) and on the people Cadans knows.
      const emails = s.audience.emails ?? [];
      const byEmail = new Map<string, string>();
      for (const m of roster ?? []) if (m.email) byEmail.set(m.email.toLowerCase(), m.aadObjectId);
      const rest = emails.filter((e) => !byEmail.has(e));
      for (const p of await deps.people.byEmails(tenantId, rest)) byEmail.set(p.email, p.aadObjectId);
      ids = [];
      for (const e of emails) {
        const id = byEmail.get(e);
        if (id) ids.push(id);
        else unmatched.push(e);
      }
    } else {
      const holders = await deps.people.roleHolders(
        tenantId,
        (s.audience.roles ?? []) as Role[],
        s.audience.kind === 'schools' ? (s.audience.schoolIds ?? []) : null,
        MAX_RECIPIENTS + 1,
      );
      ids = holders.map((h) => h.aadObjectId);
    }
    ids = [...new Set(ids)];
    const grantsOf = await deps.people.grantsOfMany(tenantId, ids);
    const recipients = ids.map((aad) => {
      const seg = segmentsOf(grantsOf.get(aad));
      return { aadObjectId: aad, schoolId: seg.schoolId, perspective: s.byPerspective ? seg.perspective : null };
    });
    return { recipients, unmatched };
  }
}

export type SurveyService = ReturnType<typeof createSurveyService>;
