// Improvement actions (verbeteracties): the Act of PDCA. Pure rules: statuses, who may create, see
// and change an action, when it is due soon or overdue, and the checks on what a form sends. No I/O,
// no clock: `today` (yyyy-mm-dd, Europe/Amsterdam) comes in as an argument.

export interface LocalText {
  nl: string;
  en: string;
}

export const ACTION_STATUSES = ['open', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** "Werkte het?": ja, deels, nee. */
export const WORKED = ['yes', 'partly', 'no'] as const;
export type Worked = (typeof WORKED)[number];

export interface Evaluation {
  worked: Worked;
  /** "Wat houden we vast?": what to keep (borging). */
  keep: string;
}

export const ACTION_LIMITS = {
  title: 200,
  description: 1_000,
  keep: 1_000,
  /** Reminders before the due date: this many working days ahead (weekends skipped). */
  dueSoonWorkingDays: 3,
} as const;

/** The inspection framework's standards a survey question can name (surveys/model.ts `Standard`). */
const STANDARD = /^[A-Z]{2,4}\d{1,2}$/;

/** Where an action came from: a survey's result line, a meeting's follow-up, or typed in. */
export type ActionSource =
  | { kind: 'survey'; surveyId: number; questionId: string; questionText: string; surveyTitle: string; standard: string | null }
  | { kind: 'meeting'; meetingId?: number; meetingTitle: string; meetingDate?: string }
  | { kind: 'manual' };

/** A stored source, checked on the way out (stored JSON is data, not trusted code); unknown shapes read as manual. */
export function toSource(raw: unknown): ActionSource {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const str = (x: unknown, max: number) => (typeof x === 'string' ? x.slice(0, max) : '');
  if (o.kind === 'survey' && typeof o.surveyId === 'number') {
    return {
      kind: 'survey',
      surveyId: o.surveyId,
      questionId: str(o.questionId, 20),
      questionText: str(o.questionText, 300),
      surveyTitle: str(o.surveyTitle, 120),
      standard: typeof o.standard === 'string' && STANDARD.test(o.standard) ? o.standard : null,
    };
  }
  if (o.kind === 'meeting' && typeof o.meetingTitle === 'string') {
    return {
      kind: 'meeting',
      ...(typeof o.meetingId === 'number' ? { meetingId: o.meetingId } : {}),
      meetingTitle: str(o.meetingTitle, 200),
      ...(typeof o.meetingDate === 'string' && parseIsoDate(o.meetingDate) ? { meetingDate: o.meetingDate } : {}),
    };
  }
  return { kind: 'manual' };
}

/** The standard an action serves, from its source. */
export const standardOf = (source: ActionSource): string | null => (source.kind === 'survey' ? source.standard : null);

/** An improvement action as stored. */
export interface ImprovementAction {
  id: number;
  publicId: string;
  tenantId: string;
  schoolId: number | null;
  schoolName: string | null;
  title: string;
  description: string;
  ownerAad: string;
  ownerName: string;
  dueDate: string;
  source: ActionSource;
  standard: string | null;
  status: ActionStatus;
  evaluation: Evaluation | null;
  serviceUrl: string;
  conversationId: string;
  createdBy: string;
  createdByName: string;
  createdAt: Date;
  doneAt: Date | null;
  doneBy: string | null;
  remindedDueSoonOn: string | null;
  remindedOverdueOn: string | null;
  version: number;
}

// --- who may do what --------------------------------------------------------------------------

export interface Grant {
  role: string;
  schoolId: number | null;
}

const TENANT_CREATORS = ['kwaliteitsmedewerker', 'bestuurder', 'beheerder'];
const TENANT_EDITORS = ['kwaliteitsmedewerker', 'beheerder'];
const TENANT_READERS = ['kwaliteitsmedewerker', 'beheerder', 'bestuurder'];

const tenantWide = (grants: readonly Grant[], roles: readonly string[]) => grants.some((g) => g.schoolId === null && roles.includes(g.role));
/** A directeur of this school (a tenant-wide directeur: of every school). */
const directeurOf = (grants: readonly Grant[], schoolId: number | null) =>
  grants.some((g) => g.role === 'directeur' && (g.schoolId === null || (schoolId !== null && g.schoolId === schoolId)));

/**
 * Typing in an action (not from a survey line or a meeting, where whoever may see the source may
 * make one: the caller's guard decides): tenant-wide kwaliteitsmedewerkers, bestuurders and
 * beheerders, for the board or any school; a directeur for their own school.
 */
export function canCreateManual(grants: readonly Grant[], schoolId: number | null): boolean {
  return tenantWide(grants, TENANT_CREATORS) || directeurOf(grants, schoolId);
}

/** May make some action by hand (the "new action" button). */
export function canCreateAny(grants: readonly Grant[]): boolean {
  return tenantWide(grants, TENANT_CREATORS) || grants.some((g) => g.role === 'directeur');
}

/** The school a new action typed in by this person is about, when they have no choice: a directeur's own school. Null: their choice (the board by default). */
export function fixedSchoolOf(grants: readonly Grant[]): number | null {
  if (tenantWide(grants, TENANT_CREATORS) || grants.some((g) => g.role === 'directeur' && g.schoolId === null)) return null;
  return grants.find((g) => g.role === 'directeur' && g.schoolId !== null)?.schoolId ?? null;
}

type Parties = Pick<ImprovementAction, 'ownerAad' | 'createdBy' | 'schoolId'>;

/** Changing it and marking it done: its owner, its creator, tenant-wide kwaliteitsmedewerkers and beheerders. */
export function canEditAction(grants: readonly Grant[], actorAad: string, a: Parties): boolean {
  return a.ownerAad === actorAad || a.createdBy === actorAad || tenantWide(grants, TENANT_EDITORS);
}

/** Cancelling it: who gave it (its creator) and tenant-wide kwaliteitsmedewerkers and beheerders; not its owner alone. */
export function canCancelAction(grants: readonly Grant[], actorAad: string, a: Parties): boolean {
  return a.createdBy === actorAad || tenantWide(grants, TENANT_EDITORS);
}

/** Seeing it: those who may change it, tenant-wide bestuurders, and the directeur of its school. */
export function canSeeAction(grants: readonly Grant[], actorAad: string, a: Parties): boolean {
  return canEditAction(grants, actorAad, a) || tenantWide(grants, TENANT_READERS) || (a.schoolId !== null && directeurOf(grants, a.schoolId));
}

/** Which open actions a list shows someone: all of the tenant's, or those of some schools plus their own. */
export function visibility(grants: readonly Grant[]): { all: boolean; schoolIds: number[] } {
  if (tenantWide(grants, TENANT_READERS) || grants.some((g) => g.role === 'directeur' && g.schoolId === null)) return { all: true, schoolIds: [] };
  return { all: false, schoolIds: [...new Set(grants.filter((g) => g.role === 'directeur' && g.schoolId !== null).map((g) => g.schoolId!))] };
}

// --- dates (ISO yyyy-mm-dd, calendar dates in Europe/Amsterdam) -------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in yyyy-mm-dd (2000–2100), or null. */
export function parseIsoDate(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  const m = ISO_DATE.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return y < 2000 || y > 2100 ? null : s;
}

export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 0 Sunday … 6 Saturday. */
export function weekday(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const isWorkingDay = (isoDate: string) => weekday(isoDate) !== 0 && weekday(isoDate) !== 6;

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d)) n++;
  return n;
}

/** A due date in a weekend moves back to the Friday before. */
export function toWorkingDay(isoDate: string): string {
  const w = weekday(isoDate);
  return w === 6 ? addDays(isoDate, -1) : w === 0 ? addDays(isoDate, -2) : isoDate;
}

/** What the form proposes: four weeks from today, on a working day. */
export const defaultDueDate = (today: string): string => toWorkingDay(addDays(today, 28));

/** The last date a reminder job needs to look at: the furthest `dueSoon` reaches (three working days from a Friday is Wednesday). */
export const dueSoonHorizon = (today: string): string => addDays(today, ACTION_LIMITS.dueSoonWorkingDays + 2);

/**
 * none: done or cancelled; later; soon: within three working days (weekends skipped); today: due
 * today; overdue: the due date has passed.
 */
export type DueState = 'none' | 'later' | 'soon' | 'today' | 'overdue';

export function toDueState(a: { dueDate: string; status: ActionStatus }, today: string): DueState {
  if (a.status !== 'open') return 'none';
  if (a.dueDate < today) return 'overdue';
  if (a.dueDate === today) return 'today';
  return workingDaysBetween(today, a.dueDate) <= ACTION_LIMITS.dueSoonWorkingDays ? 'soon' : 'later';
}

export type ReminderKind = 'dueSoon' | 'overdue';

/**
 * The reminder an open action's owner gets today, if any: once before the due date (soon or today,
 * once per due date: a new due date earns a new one), and every day it is overdue, once a day.
 */
export function reminderFor(a: Pick<ImprovementAction, 'dueDate' | 'status' | 'remindedDueSoonOn' | 'remindedOverdueOn'>, today: string): ReminderKind | null {
  const state = toDueState(a, today);
  if (state === 'soon' || state === 'today') return a.remindedDueSoonOn === null ? 'dueSoon' : null;
  if (state === 'overdue') return a.remindedOverdueOn === null || a.remindedOverdueOn < today ? 'overdue' : null;
  return null;
}

/** Open actions for a list: overdue first, then by due date, then the oldest first. */
export function sortOpen<T extends Pick<ImprovementAction, 'dueDate' | 'id'>>(actions: readonly T[], today: string): T[] {
  return [...actions].sort((a, b) => {
    const ao = a.dueDate < today ? 0 : 1;
    const bo = b.dueDate < today ? 0 : 1;
    if (ao !== bo) return ao - bo;
    if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
    return a.id - b.id;
  });
}

// --- input -----------------------------------------------------------------------------------

export interface ActionForm {
  title: string;
  description: string;
  dueDate: string;
}

const p = (nl: string, en: string): LocalText => ({ nl, en });

/**
 * What a form sent, checked: a title of 1–200 characters, a description up to 1,000, a real due
 * date not before today (an action that is already overdue may keep its due date when other fields
 * change). Problems in both languages; nothing is saved when there are any.
 */
export function checkForm(
  input: { title?: unknown; description?: unknown; dueDate?: unknown },
  today: string,
  currentDue: string | null = null,
): { ok: true; value: ActionForm } | { ok: false; problems: LocalText[] } {
  const problems: LocalText[] = [];
  const title = typeof input.title === 'string' ? input.title.replace(/\s+/g, ' ').trim() : '';
  if (title.length < 1 || title.length > ACTION_LIMITS.title) problems.push(p('Beschrijf kort wat er gaat gebeuren (1 tot 200 tekens).', 'Say briefly what will be done (1 to 200 characters).'));
  const description = typeof input.description === 'string' ? input.description.replace(/\r\n/g, '\n').trim() : '';
  if (description.length > ACTION_LIMITS.description) problems.push(p('De toelichting is te lang: hoogstens 1000 tekens.', 'The explanation is too long: at most 1000 characters.'));
  const dueDate = parseIsoDate(input.dueDate);
  if (!dueDate) problems.push(p('Kies een datum waarop de actie klaar moet zijn.', 'Pick the date by which the action must be done.'));
  else if (dueDate < today && dueDate !== currentDue) problems.push(p('De datum ligt in het verleden. Kies vandaag of later.', 'That date has passed. Pick today or later.'));
  return problems.length > 0 || !dueDate ? { ok: false, problems } : { ok: true, value: { title, description, dueDate } };
}

/** The owner a form names: none, or someone the picker does not know. */
export const OWNER_PROBLEMS = {
  missing: p('Kies wie eigenaar wordt van de actie.', 'Choose who will own the action.'),
  unknown: p('Ik ken de gekozen eigenaar niet. Kies iemand uit de lijst.', 'I do not know the owner you picked. Choose someone from the list.'),
} as const;

/** The evaluation that closes an action: whether it worked, and what we keep. Both are needed. */
export function checkEvaluation(input: { worked?: unknown; keep?: unknown }): { ok: true; value: Evaluation } | { ok: false; problems: LocalText[] } {
  const problems: LocalText[] = [];
  const worked = typeof input.worked === 'string' && (WORKED as readonly string[]).includes(input.worked) ? (input.worked as Worked) : null;
  if (!worked) problems.push(p('Geef aan of de actie werkte: ja, deels of nee.', 'Say whether the action worked: yes, partly or no.'));
  const keep = typeof input.keep === 'string' ? input.keep.replace(/\r\n/g, '\n').trim() : '';
  if (keep.length === 0) problems.push(p('Schrijf op wat we vasthouden, ook als dat weinig is.', 'Write down what we keep, even if it is little.'));
  else if (keep.length > ACTION_LIMITS.keep) problems.push(p('Wat we vasthouden mag hoogstens 1000 tekens zijn.', 'What we keep may be at most 1000 characters.'));
  return problems.length > 0 || !worked ? { ok: false, problems } : { ok: true, value: { worked, keep } };
}
