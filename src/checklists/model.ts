// Checklist rules. Pure: no I/O, no clock (today is passed in as an ISO date), no SDKs.
import { holidayOn, isWorkingDay, nextWorkingDay, previousWorkingDay, type CalendarOptions } from '../schedule/index.js';
import type { ChecklistTemplate, InvestigationType } from './templates.js';

export const STEP_STATUSES = ['open', 'bezig', 'klaar', 'nvt'] as const;
/** open, bezig (in progress), klaar (done), nvt (niet van toepassing: not applicable). */
export type StepStatus = (typeof STEP_STATUSES)[number];

export const LIMITS = {
  title: 120,
  note: 2_000,
  evidenceUrl: 2_000,
  /** A note longer than this is shortened in the channel card; the export has it whole. */
  noteInCard: 240,
} as const;

export function isStepStatus(x: unknown): x is StepStatus {
  return typeof x === 'string' && (STEP_STATUSES as readonly string[]).includes(x);
}

/** Done or not applicable: the step no longer holds the checklist up. */
export function isSettled(status: StepStatus): boolean {
  return status === 'klaar' || status === 'nvt';
}

/** Done, not applicable and still open, apart: "3 van 10 klaar" must not count n.v.t. as done. */
export interface Progress {
  done: number;
  notApplicable: number;
  /** Open or in progress. */
  open: number;
  total: number;
  /** Done of the steps that apply, in whole percent. */
  percent: number;
}

export function toProgress(statuses: readonly StepStatus[]): Progress {
  const done = statuses.filter((s) => s === 'klaar').length;
  const notApplicable = statuses.filter((s) => s === 'nvt').length;
  const total = statuses.length;
  const applicable = total - notApplicable;
  return { done, notApplicable, open: applicable - done, total, percent: applicable === 0 ? 100 : Math.round((done / applicable) * 100) };
}

export function isComplete(statuses: readonly StepStatus[]): boolean {
  return statuses.length > 0 && statuses.every(isSettled);
}

// --- dates (ISO yyyy-mm-dd, calendar dates in Europe/Amsterdam) -------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in yyyy-mm-dd, or null. */
export function parseIsoDate(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const m = ISO_DATE.exec(input.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  if (y < 2000 || y > 2100) return null;
  return input.trim();
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

/** A due date that falls in a weekend moves back to the Friday before. */
export function toWorkingDay(isoDate: string): string {
  const w = weekday(isoDate);
  return w === 6 ? addDays(isoDate, -1) : w === 0 ? addDays(isoDate, -2) : isoDate;
}

/**
 * A due date on a day the school works: a date in a holiday (a public holiday, or a school holiday of
 * the school's calendar: its own vakantierooster or its region) moves to the first working day after
 * that holiday; an ordinary weekend moves back to the working day before (as toWorkingDay).
 */
export function toDueDate(isoDate: string, calendar: CalendarOptions = {}): string {
  if (isWorkingDay(isoDate, calendar)) return isoDate;
  if (holidayOn(isoDate, calendar)) return nextWorkingDay(isoDate, calendar);
  return previousWorkingDay(isoDate, calendar);
}

/**
 * The dates due dates count from. `start`: the target date (for an inspection: the first
 * conversation with the board). `end`: the end of the investigation; without one, `start` plus the
 * template's usual length for the investigation type (or `start` itself).
 */
export interface DueAnchors {
  start: string | null;
  end?: string | null;
  investigationType?: InvestigationType | null;
}

/** The end of the investigation due dates count from: the given end, or the usual length for its type. */
export function investigationEnd(template: Pick<ChecklistTemplate, 'investigation'>, anchors: DueAnchors): string | null {
  if (!anchors.start) return null;
  if (anchors.end) return anchors.end;
  const days = template.investigation && anchors.investigationType ? template.investigation.defaultDays[anchors.investigationType] : 0;
  return addDays(anchors.start, Math.max(0, days - 1));
}

/**
 * Default due dates of a template's steps (none without a start date), on days the school works by
 * its calendar (the board's for a checklist without a school). Each step counts from its
 * anchor: before and at the start from `start`; `during` from `start` but never after the end;
 * `end` (after the visit, the report) from the end. A bare date is the start (older callers).
 */
export function defaultDueDates(template: Pick<ChecklistTemplate, 'steps' | 'investigation'>, anchors: DueAnchors | string | null, calendar: CalendarOptions = {}): (string | null)[] {
  const a: DueAnchors = typeof anchors === 'string' || anchors === null ? { start: anchors } : anchors;
  const start = a.start;
  if (!start) return template.steps.map(() => null);
  const end = investigationEnd(template, a) ?? start;
  return template.steps.map((s) => {
    if (s.dueOffsetDays === undefined) return null;
    if (s.anchor === 'end') return toDueDate(addDays(end, s.dueOffsetDays), calendar);
    const due = addDays(start, s.dueOffsetDays);
    // During the investigation: the last working day of it at the latest.
    if (s.anchor === 'during' && due > end) return previousWorkingDay(end, calendar);
    return toDueDate(due, calendar);
  });
}

/** The longest investigation an end date may describe, in days after its start. */
export const MAX_INVESTIGATION_DAYS = 366;

/** The end of an investigation: a real date, not before its start and at most a year after it. */
export function parseEndDate(input: unknown, start: string): string | null {
  const d = parseIsoDate(input);
  if (!d || d < start || d > addDays(start, MAX_INVESTIGATION_DAYS)) return null;
  return d;
}

export type DueState = 'none' | 'later' | 'soon' | 'today' | 'overdue';

/** "soon": within two working days. */
export function toDueState(due: string | null, status: StepStatus, today: string): DueState {
  if (!due || isSettled(status)) return 'none';
  if (due < today) return 'overdue';
  if (due === today) return 'today';
  let d = today;
  let working = 0;
  while (d < due && working <= 2) {
    d = addDays(d, 1);
    const w = weekday(d);
    if (w !== 0 && w !== 6) working++;
  }
  return d >= due && working <= 2 ? 'soon' : 'later';
}

// --- who may do what --------------------------------------------------------------------------

export interface Grant {
  role: string;
  schoolId: number | null;
}

/** Role assignments as stored (role, school_id) as grants. */
export function toGrants(rows: ReadonlyArray<{ role: string; school_id: number | string | null }>): Grant[] {
  return rows.map((x) => ({ role: x.role, schoolId: x.school_id === null ? null : Number(x.school_id) }));
}

/**
 * Starting, assigning and editing: kwaliteitsmedewerker and beheerder; a directeur for their own
 * school (a tenant-wide directeur everywhere).
 */
export function canEditChecklist(grants: readonly Grant[], checklistSchoolId: number | null): boolean {
  return grants.some((g) => {
    if (g.role === 'beheerder' || g.role === 'kwaliteitsmedewerker') return g.schoolId === null || g.schoolId === checklistSchoolId;
    if (g.role === 'directeur') return g.schoolId === null || (checklistSchoolId !== null && g.schoolId === checklistSchoolId);
    return false;
  });
}

/**
 * Who sees a checklist by role, wherever they ask from: beheerders, bestuurders and
 * kwaliteitsmedewerkers of the tenant (or of its school), the directeur of its school (a
 * tenant-wide directeur: every school). Members of its team and owners of its steps see it too;
 * that is decided with the roster and the steps (see checklists/access.ts).
 */
export function canSeeChecklistByRole(grants: readonly Grant[], checklistSchoolId: number | null): boolean {
  return grants.some((g) => {
    if (g.role === 'beheerder' || g.role === 'bestuurder' || g.role === 'kwaliteitsmedewerker') return g.schoolId === null || g.schoolId === checklistSchoolId;
    if (g.role === 'directeur') return g.schoolId === null || (checklistSchoolId !== null && g.schoolId === checklistSchoolId);
    return false;
  });
}

/** The owner of a step may set its status, whatever their role. */
export function canSetStepStatus(grants: readonly Grant[], checklistSchoolId: number | null, ownerAad: string | null, actorAad: string): boolean {
  return canEditChecklist(grants, checklistSchoolId) || (ownerAad !== null && ownerAad === actorAad);
}

/** Anyone in the tenant may volunteer for a step nobody has taken yet; editors may take any step. */
export function canTakeStep(grants: readonly Grant[], checklistSchoolId: number | null, ownerAad: string | null): boolean {
  return ownerAad === null || canEditChecklist(grants, checklistSchoolId);
}

/** Own checklist templates: a kwaliteitsmedewerker or a beheerder (tenant-wide). */
export function canManageTemplates(grants: readonly Grant[]): boolean {
  return grants.some((g) => (g.role === 'kwaliteitsmedewerker' || g.role === 'beheerder') && g.schoolId === null);
}

// --- input -----------------------------------------------------------------------------------

export function parseTitle(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const t = input.replace(/\s+/g, ' ').trim();
  return t.length >= 1 && t.length <= LIMITS.title ? t : null;
}

export function parseNote(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const t = input.replace(/\r\n/g, '\n').trim();
  return t.length <= LIMITS.note ? t : null;
}

/** Evidence links point at documents (SharePoint, Teams files): https only. '' clears the link. */
export function parseEvidenceUrl(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const t = input.trim();
  if (t === '') return '';
  if (t.length > LIMITS.evidenceUrl) return null;
  try {
    const u = new URL(t);
    return u.protocol === 'https:' && u.hostname.includes('.') ? u.toString() : null;
  } catch {
    return null;
  }
}

export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

// --- the checklist as stored, and a change to one step -------------------------------------------

/** A document or piece of data a step asks for (step 3 of the inspection): ticked, with a link. */
export interface StepItem {
  key: string;
  title: { nl: string; en: string };
  done: boolean;
  evidenceUrl: string;
}

/** How many items one step may have, so its card stays well within Teams' limits. */
export const MAX_STEP_ITEMS = 12;

/** An item's link: shorter than a step's, so twelve of them fit one card. */
export const MAX_ITEM_URL = 400;

export interface Step {
  position: number;
  /** Sub-items (empty for most steps, and for steps of checklists from before they existed). */
  items: StepItem[];
  key: string;
  title: { nl: string; en: string };
  guidance: { nl: string; en: string };
  link: string | null;
  status: StepStatus;
  ownerAad: string | null;
  ownerName: string | null;
  dueDate: string | null;
  note: string;
  evidenceUrl: string;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export interface Checklist {
  id: number;
  /** The opaque id cards carry (action data v2); `id` stays inside Cadans. */
  publicId: string;
  tenantId: string;
  templateKey: string;
  title: string;
  schoolId: number | null;
  schoolName: string | null;
  targetDate: string | null;
  /** An inspection's type and the end of its investigation (null for other checklists and older ones). */
  investigationType: InvestigationType | null;
  endDate: string | null;
  /** The shared card's language: the tenant's when it started. */
  language: 'nl' | 'en';
  conversationId: string;
  serviceUrl: string;
  teamId: string | null;
  cardActivityId: string | null;
  /** The idempotency key of the post that shows it in the channel (a repost has its own). */
  cardPostKey: string;
  createdBy: string;
  createdAt: Date;
  completedAt: Date | null;
  version: number;
  steps: Step[];
}

export interface RunningChecklist {
  id: number;
  publicId: string;
  title: string;
  done: number;
  notApplicable: number;
  total: number;
  cardActivityId: string | null;
  cardPostKey: string;
  conversationId: string;
  tenantId: string;
  teamId: string | null;
  /** So that two checklists of the same kind can be told apart in the list. */
  schoolName: string | null;
  targetDate: string | null;
}

export type StepField = 'status' | 'owner' | 'due' | 'note' | 'evidence' | 'item';

export interface StepChange {
  status?: StepStatus;
  owner?: { aad: string; name: string } | null;
  dueDate?: string | null;
  note?: string;
  evidenceUrl?: string;
  /** The step's items as they should be (same keys, same order). */
  items?: StepItem[];
}

export interface AppliedChange {
  field: StepField;
  oldValue: string | null;
  newValue: string | null;
}

/** The step as a change leaves it (who and when are the writer's to fill in). */
export function withChange(step: Step, change: StepChange): Step {
  return {
    ...step,
    ...(change.status !== undefined ? { status: change.status } : {}),
    ...(change.owner !== undefined ? { ownerAad: change.owner?.aad ?? null, ownerName: change.owner?.name ?? null } : {}),
    ...(change.dueDate !== undefined ? { dueDate: change.dueDate } : {}),
    ...(change.note !== undefined ? { note: change.note } : {}),
    ...(change.evidenceUrl !== undefined ? { evidenceUrl: change.evidenceUrl } : {}),
    ...(change.items !== undefined ? { items: change.items } : {}),
  };
}

/** The fields of a step that a change would really alter, with old and new values for the log. */
export function toAppliedChanges(step: Step, change: StepChange): AppliedChange[] {
  const applied: AppliedChange[] = [];
  if (change.status !== undefined && change.status !== step.status) {
    applied.push({ field: 'status', oldValue: step.status, newValue: change.status });
  }
  if (change.owner !== undefined && (change.owner?.aad ?? null) !== step.ownerAad) {
    applied.push({ field: 'owner', oldValue: step.ownerName ?? step.ownerAad, newValue: change.owner?.name ?? null });
  }
  if (change.dueDate !== undefined && change.dueDate !== step.dueDate) {
    applied.push({ field: 'due', oldValue: step.dueDate, newValue: change.dueDate });
  }
  if (change.note !== undefined && change.note !== step.note) {
    applied.push({ field: 'note', oldValue: step.note || null, newValue: change.note || null });
  }
  if (change.evidenceUrl !== undefined && change.evidenceUrl !== step.evidenceUrl) {
    applied.push({ field: 'evidence', oldValue: step.evidenceUrl || null, newValue: change.evidenceUrl || null });
  }
  // One log row per item that changed: "Schoolgids: ✓ https://…" (the Dutch name: the log is a record, not a card).
  for (const item of change.items ?? []) {
    const before = step.items.find((i) => i.key === item.key);
    if (!before || (before.done === item.done && before.evidenceUrl === item.evidenceUrl)) continue;
    applied.push({ field: 'item', oldValue: itemLogText(before), newValue: itemLogText(item) });
  }
  return applied;
}

function itemLogText(i: StepItem): string {
  return [`${i.title.nl}: ${i.done ? 'klaar' : 'open'}`, i.evidenceUrl].filter(Boolean).join(' ');
}

export interface ChecklistEvent {
  position: number | null;
  actorName: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  at: Date;
}

/** What decides who may see a checklist, and where it lives. None of it changes after the start. */
export interface ChecklistScope {
  id: number;
  publicId: string;
  tenantId: string;
  /** The channel its shared card is in. */
  conversationId: string;
  teamId: string | null;
  schoolId: number | null;
}

/** How an action names a checklist: by its opaque id (cards from now on) or its number (older cards). */
export type ChecklistRef = { id: number } | { publicId: string };
