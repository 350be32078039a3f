// Meeting cadences ("aan tafel met"): the standing quality meetings, who sits at each table, what is on
// it, when the next one is, whether the rhythm is kept, and when prep cards, warnings and follow-ups
// are due. Pure: no I/O, no clock (`now` comes in), Europe/Amsterdam through src/schedule/.
import type { Language } from '../config.js';
import type { Role } from '../people/feature.js';
import {
  addWorkingDays,
  amsterdamDate,
  atAmsterdamTime,
  isClockTime,
  isIsoDate,
  isWorkingDay,
  nextOccurrence,
  nextWorkingDay,
  type CalendarOptions,
  type IsoDate,
  type Occurrence,
  type Rule,
} from '../schedule/index.js';

export type LocalText = { nl: string; en: string };

/** The default tables (seed 001: six board-level tables; seed 002: the school-level rhythms) and own ones. */
export const TABLE_KINDS = [
  'staff',
  'boardDirectors',
  'directorQuality',
  'supervisoryBoard',
  'boardQuality',
  'qualityTeam',
  'participationCouncil',
  'schoolBoard',
  'evaluationMidYear',
  'evaluationYear',
  'satisfaction',
  'own',
] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

/**
 * Who sits at a table. A role member is everyone holding that role: `tenant` the tenant-wide holders
 * (the board's level), `school` the holders for the table's school (and, for a school's table, the
 * tenant-wide holders are not included), `any` every holder, tenant-wide or of any school (the board
 * with all directors). A person is someone in the tenant; an external member (a parent in the MR, an
 * external supervisor) is kept by name and email only.
 */
export type MemberSpec =
  | { kind: 'role'; role: Role; scope: 'tenant' | 'school' | 'any' }
  | { kind: 'person'; aadObjectId: string; name: string }
  | { kind: 'external'; name: string; email: string };

/** The chair: a person, or (by default) whoever holds a role at the table's level. */
export type ChairSpec = { kind: 'role'; role: Role } | { kind: 'person'; aadObjectId: string; name: string };

export interface TableDefault {
  kind: Exclude<TableKind, 'own'>;
  /** board: one table for the tenant; school: one per school. */
  level: 'board' | 'school';
  rule: Rule;
  time: string;
  durationMinutes: number;
  members: MemberSpec[];
  chair: ChairSpec;
  /** Working days before the meeting that prep cards go out. */
  prepDays: number;
  /** A table whose "meeting" starts a survey (the yearly satisfaction surveys). */
  startsSurvey?: boolean;
}

const q = (role: Role, scope: 'tenant' | 'school' | 'any' = 'tenant'): MemberSpec => ({ kind: 'role', role, scope });
/** The quality officer sits at every table. */
const QUALITY = q('kwaliteitsmedewerker');

/**
 * The default tables every tenant starts with. Frequencies follow seed 001 / 002 (domain.md); the seed
 * gives no months for the twice-yearly tables and "monthly" for the MR: all editable.
 * - "every 4–6 weeks" is a window rule; "twice a year" N times per school year, spread over it;
 *   "yearly in June/July" a yearly window; "every two weeks" every 2 weeks.
 * - MR "monthly": ten times per school year (a school year has about ten meeting months: August and
 *   most of July are summer holiday).
 * - Evaluation days: "half-yearly and yearly" read as a mid-year evaluation (January/February) and
 *   the end-of-year evaluation (June/July) with the whole team.
 * - Satisfaction surveys: yearly, in March/April, so results are in before the year plan is made.
 */
export const TABLE_DEFAULTS: readonly TableDefault[] = [
  { kind: 'staff', level: 'board', rule: { kind: 'window', minWeeks: 4, maxWeeks: 6 }, time: '10:00', durationMinutes: 90, members: [QUALITY], chair: { kind: 'role', role: 'kwaliteitsmedewerker' }, prepDays: 5 },
  { kind: 'boardDirectors', level: 'board', rule: { kind: 'perSchoolYear', times: 2 }, time: '13:30', durationMinutes: 180, members: [q('bestuurder'), q('directeur', 'any'), QUALITY], chair: { kind: 'role', role: 'bestuurder' }, prepDays: 5 },
  { kind: 'directorQuality', level: 'school', rule: { kind: 'perSchoolYear', times: 2 }, time: '10:00', durationMinutes: 90, members: [q('directeur', 'school'), QUALITY], chair: { kind: 'role', role: 'directeur' }, prepDays: 5 },
  { kind: 'supervisoryBoard', level: 'board', rule: { kind: 'yearlyInMonths', months: [6, 7] }, time: '19:30', durationMinutes: 120, members: [q('rvt'), q('bestuurder'), QUALITY], chair: { kind: 'role', role: 'rvt' }, prepDays: 5 },
  { kind: 'boardQuality', level: 'board', rule: { kind: 'everyNWeeks', weeks: 2 }, time: '09:00', durationMinutes: 60, members: [q('bestuurder'), QUALITY], chair: { kind: 'role', role: 'bestuurder' }, prepDays: 2 },
  { kind: 'qualityTeam', level: 'board', rule: { kind: 'window', minWeeks: 4, maxWeeks: 6 }, time: '14:00', durationMinutes: 120, members: [q('kwaliteitsmedewerker', 'any')], chair: { kind: 'role', role: 'kwaliteitsmedewerker' }, prepDays: 5 },
  { kind: 'participationCouncil', level: 'school', rule: { kind: 'perSchoolYear', times: 10 }, time: '19:30', durationMinutes: 120, members: [q('mr', 'school'), q('directeur', 'school')], chair: { kind: 'role', role: 'mr' }, prepDays: 5 },
  { kind: 'schoolBoard', level: 'school', rule: { kind: 'perSchoolYear', times: 3 }, time: '10:00', durationMinutes: 90, members: [q('directeur', 'school'), q('bestuurder'), QUALITY], chair: { kind: 'role', role: 'bestuurder' }, prepDays: 5 },
  { kind: 'evaluationMidYear', level: 'school', rule: { kind: 'yearlyInMonths', months: [1, 2] }, time: '13:00', durationMinutes: 240, members: [q('directeur', 'school'), q('medewerker', 'school')], chair: { kind: 'role', role: 'directeur' }, prepDays: 5 },
  { kind: 'evaluationYear', level: 'school', rule: { kind: 'yearlyInMonths', months: [6, 7] }, time: '13:00', durationMinutes: 240, members: [q('directeur', 'school'), q('medewerker', 'school')], chair: { kind: 'role', role: 'directeur' }, prepDays: 5 },
  { kind: 'satisfaction', level: 'school', rule: { kind: 'yearlyInMonths', months: [3, 4] }, time: '09:00', durationMinutes: 30, members: [q('directeur', 'school'), QUALITY], chair: { kind: 'role', role: 'directeur' }, prepDays: 5, startsSurvey: true },
];

export const defaultOf = (kind: TableKind): TableDefault | undefined => TABLE_DEFAULTS.find((d) => d.kind === kind);

/** Limits of what a table holds. */
export const TABLE_LIMITS = { name: 120, topics: 12, topic: 200, members: 60, agendaItem: 500, agendaItems: 30, decisions: 4_000, followUpActions: 3, prepDays: 20 } as const;

/** A table as the service reads it. */
export interface MeetingTable {
  id: number;
  publicId: string;
  tenantId: string;
  schoolId: number | null;
  schoolName: string | null;
  kind: TableKind;
  /** Own name; null: the default name of its kind. */
  name: string | null;
  /** Own topics; null: the default topics of its kind. */
  topics: string[] | null;
  rule: Rule;
  time: string;
  durationMinutes: number;
  prepDays: number;
  members: MemberSpec[];
  chair: ChairSpec;
  paused: boolean;
  outlook: { organizerAad: string; seriesId: string } | null;
  version: number;
}

export type MeetingStatus = 'planned' | 'held' | 'notHeld' | 'cancelled';

/** One meeting of a table: the upcoming one (status planned) or one in its history. */
export interface Meeting {
  id: number;
  publicId: string;
  tableId: number;
  startsAt: Date;
  /** The period in which this meeting is due by the rule ('YYYY-MM-DD', inclusive), when known. */
  windowStart: IsoDate | null;
  windowEnd: IsoDate | null;
  /** A date someone set, from Outlook, or planned when the previous meeting was recorded; a first proposal from the rule is not confirmed. */
  confirmed: boolean;
  status: MeetingStatus;
  prepSentAt: Date | null;
}

// ---------------------------------------------------------------------------------------------------
// Dates

export interface PlanInput {
  rule: Rule;
  time: string;
  now: Date;
  /** The last meeting held (null: none yet). */
  lastHeld: Date | null;
  calendar: CalendarOptions;
}

/** The next meeting by the rule, on a working day outside the holidays, strictly after now. */
export function planNext(input: PlanInput): Occurrence | null {
  return nextOccurrence(input.rule, { ...input.calendar, after: input.now, lastHeld: input.lastHeld, time: input.time });
}

/** Nine in the morning, Amsterdam: when prep cards, warnings and "remind me tomorrow" go out. */
export const SEND_TIME = '09:00';

/**
 * When a meeting's prep cards go out: `prepDays` working days before its day, at 09:00 Amsterdam;
 * when that moment has passed (a meeting set at short notice), now.
 */
export function prepMoment(startsAt: Date, prepDays: number, now: Date, calendar: CalendarOptions): Date {
  const day = amsterdamDate(startsAt);
  const prepDay = prepDays === 0 ? day : addWorkingDays(day, -prepDays, calendar);
  let at = atAmsterdamTime(prepDay, SEND_TIME);
  // Never after the meeting itself (a meeting at 08:00 with 0 days: an hour before).
  if (at.getTime() >= startsAt.getTime()) at = new Date(startsAt.getTime() - 60 * 60_000);
  return at.getTime() < now.getTime() ? now : at;
}

/** "Herinner me morgen": the next working day at 09:00 (never after the meeting: then an hour before it). */
export function remindTomorrow(now: Date, startsAt: Date, calendar: CalendarOptions): Date {
  const day = nextWorkingDay(addDaysIso(amsterdamDate(now), 1), calendar);
  const at = atAmsterdamTime(day, SEND_TIME);
  const latest = new Date(startsAt.getTime() - 60 * 60_000);
  return at.getTime() > latest.getTime() ? (latest.getTime() > now.getTime() ? latest : now) : at;
}

const addDaysIso = (date: IsoDate, days: number): IsoDate => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** When the chair gets the follow-up card: when the meeting is over. */
export const followUpMoment = (startsAt: Date, durationMinutes: number): Date => new Date(startsAt.getTime() + durationMinutes * 60_000);

/**
 * When the quality officer is warned that the rhythm is about to break, if by then no date has been
 * confirmed: at the start of the window for rules with a window ("every 4–6 weeks": when week 5
 * begins; every N weeks: in the week it is due); a month before the window of a yearly table (June/July:
 * by 1 May); four weeks before the part of the school year it is due in; a week before a set date.
 */
export function warnMoment(rule: Rule, occurrence: { windowStart: IsoDate | null }, calendar: CalendarOptions): Date | null {
  if (!occurrence.windowStart) return null;
  const start = occurrence.windowStart;
  let day: IsoDate;
  switch (rule.kind) {
    case 'window':
    case 'everyNWeeks':
      day = start;
      break;
    case 'yearlyInMonths': {
      const [y, m] = start.split('-').map(Number) as [number, number];
      const prev = m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
      day = prev;
      break;
    }
    case 'perSchoolYear':
      day = addDaysIso(start, -28);
      break;
    case 'dates':
      day = addDaysIso(start, -7);
      break;
  }
  return atAmsterdamTime(isWorkingDay(day, calendar) ? day : nextWorkingDay(day, calendar), SEND_TIME);
}

// ---------------------------------------------------------------------------------------------------
// Rhythm

export type RhythmState =
  /** A meeting is planned (confirmed) within the rule's window, or the window has not opened yet. */
  | 'onTrack'
  /** The window is open (or about to be) and no date has been confirmed. */
  | 'needsDate'
  /** The window has passed without a meeting held. */
  | 'overdue'
  | 'paused';

/** Whether the rhythm is kept, for the overview: given the upcoming meeting (if any) and today. */
export function rhythmOf(input: { paused: boolean; upcoming: Pick<Meeting, 'startsAt' | 'windowStart' | 'windowEnd' | 'confirmed'> | null; warnAt: Date | null; now: Date }): RhythmState {
  if (input.paused) return 'paused';
  const u = input.upcoming;
  if (!u) return 'needsDate';
  const today = amsterdamDate(input.now);
  if (u.windowEnd && today > u.windowEnd) return 'overdue';
  if (u.confirmed) return u.windowEnd && amsterdamDate(u.startsAt) > u.windowEnd ? 'overdue' : 'onTrack';
  if (input.warnAt && input.now.getTime() >= input.warnAt.getTime()) return 'needsDate';
  return 'onTrack';
}

// ---------------------------------------------------------------------------------------------------
// Input checks

/** A table's editable fields, as a form sends them (strings), checked; problems per field in nl and en. */
export interface TableEdit {
  name?: string | null;
  topics?: string[] | null;
  rule?: Rule;
  time?: string;
  durationMinutes?: number;
  prepDays?: number;
  members?: MemberSpec[];
  chair?: ChairSpec;
}

export const isTime = (x: unknown): x is string => isClockTime(x);
export const isDate = (x: unknown): x is IsoDate => isIsoDate(x);

/** A date and time someone sets for the next meeting: on a day in the future, not more than two years ahead. */
export function checkMeetingMoment(date: string, time: string, now: Date): { at: Date } | { problem: LocalText } {
  if (!isIsoDate(date)) return { problem: { nl: 'Kies een datum.', en: 'Pick a date.' } };
  if (!isClockTime(time)) return { problem: { nl: 'Vul een tijd in, bijvoorbeeld 09:30.', en: 'Enter a time, for example 09:30.' } };
  const at = atAmsterdamTime(date, time);
  if (at.getTime() <= now.getTime()) return { problem: { nl: 'Dat moment is al voorbij. Kies een moment in de toekomst.', en: 'That moment has passed. Choose one in the future.' } };
  if (at.getTime() > now.getTime() + 2 * 366 * 86_400_000) return { problem: { nl: 'Kies een datum binnen twee jaar.', en: 'Choose a date within two years.' } };
  return { at };
}

export const languageText = (t: LocalText, language: Language): string => t[language];
