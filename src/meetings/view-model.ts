// What the meeting cards show, as the service hands it to the views (src/meetings/view.ts). Names and
// texts are raw (the view escapes them); dates are instants, formatted by the view in Amsterdam time.
import type { Language } from '../config.js';
import type { Rule } from '../schedule/index.js';
import type { ChairSpec, MemberSpec, RhythmState, TableKind } from './model.js';

export interface TableRow {
  publicId: string;
  name: string;
  kind: TableKind;
  schoolName: string | null;
  rule: Rule;
  /** The upcoming meeting; null when none is planned (paused, or nothing by the rule). */
  next: { publicId: string; startsAt: Date; confirmed: boolean; windowStart: string | null; windowEnd: string | null } | null;
  lastHeld: Date | null;
  rhythm: RhythmState;
  memberCount: number;
  paused: boolean;
}

/** `overleg`: the tables someone may see, and whether they may change them. */
export interface OverviewInput {
  language: Language;
  now: Date;
  tables: TableRow[];
  /** A kwaliteitsmedewerker or beheerder (tenant-wide): add, edit, pause, remove. */
  canManage: boolean;
  /** Shown at the top after a change ("Opgeslagen"). */
  message?: { text: string; tone: 'good' | 'warning' };
  /** More tables than fit: the number left out (the card says so and how to filter). */
  more?: number;
  /** The school filter in use, if any. */
  schoolFilter?: { id: number; name: string } | null;
  schools: { id: number; name: string }[];
}

/** One table: its rule, members, chair, topics, upcoming meeting and the last few held. */
export interface TableInput {
  language: Language;
  now: Date;
  table: TableRow & { topics: string[]; ownTopics: string[] | null; time: string; durationMinutes: number; prepDays: number; members: MemberSpec[]; chair: ChairSpec; outlookLinked: boolean };
  history: { startsAt: Date; status: 'held' | 'notHeld' | 'cancelled'; decisions: string | null }[];
  /** A kwaliteitsmedewerker or beheerder: edit, pause, remove. */
  canManage: boolean;
  /** The chair (or a manager): set the next date, link Outlook. Default: canManage. */
  canRun?: boolean;
  /** Graph's calendar covers this tenant: offer to link the table to Outlook (to those who run it, when not linked yet). */
  outlookAvailable?: boolean;
  message?: { text: string; tone: 'good' | 'warning' };
}

/** The form to add or edit a table (values kept after a failed save, problems per field). */
export interface TableFormInput {
  language: Language;
  /** null: a new table. */
  tablePublicId: string | null;
  schools: { id: number; name: string }[];
  people: { aadObjectId: string; name: string }[];
  values: {
    name: string;
    schoolId: string; // '' for the board level
    ruleKind: Rule['kind'];
    weeks: string;
    minWeeks: string;
    maxWeeks: string;
    times: string;
    months: string; // e.g. "6,7"
    dates: string; // e.g. "2027-01-12, 2027-03-09"
    time: string;
    durationMinutes: string;
    prepDays: string;
    topics: string; // one per line
    roles: string; // comma-separated role ids with scope, e.g. "bestuurder:tenant,directeur:school"
    people: string; // comma-separated aad object ids
    externals: string; // one per line: "Naam <email>"
    chair: string; // "role:bestuurder" or "person:<aad>"
    nextDate: string;
    nextTime: string;
  };
  problems?: { field: string; text: string }[];
}

/** The 1:1 prep card of one member for one meeting. */
export interface PrepInput {
  language: Language;
  now: Date;
  meetingPublicId: string;
  tableName: string;
  schoolName: string | null;
  startsAt: Date;
  durationMinutes: number;
  /** Everyone at the table (people and externals), the chair marked. */
  with: { name: string; chair: boolean; external: boolean }[];
  topics: string[];
  pdca: { step: string; question: string }[];
  /** The prep pack: what Cadans knows, filtered to what this person may see. */
  pack: PrepPack;
  agenda: { text: string; author: string; mine: boolean }[];
  me: { prepared: boolean; cannotCome: boolean; remindAt: Date | null; isChair: boolean };
  /** For the chair: who is prepared and who cannot come. */
  chairView?: { prepared: string[]; cannotCome: { name: string; reason: string | null }[]; noAnswer: string[] };
  /** The yearly satisfaction surveys: the card offers starting a survey (with the template id). */
  startSurvey?: { template: string } | null;
  /** A link to download the meeting as an .ics file (no Outlook series linked). */
  icsUrl?: string | null;
  /** The meeting was moved or cancelled after the card was sent. */
  state?: 'cancelled' | 'over' | null;
  /** The Teams user id (29:…) of the member this card is for: the card then refreshes itself (verb meeting.prep) when they open it. */
  refreshUserId?: string | null;
  message?: { text: string; tone: 'good' | 'warning' };
}

/** Each feature's part of the prep pack; a feature that does not exist or has nothing adds nothing. */
export interface PrepPack {
  checklists: { title: string; done: number; notApplicable: number; total: number; overdue: number }[];
  surveys: { title: string; closedAt: Date; responseRate: number | null; headline: string | null }[];
  actions: { title: string; ownerName: string; dueDate: string; overdue: boolean }[];
  actionCounts: { open: number; overdue: number } | null;
}

/** The chair's follow-up card after the meeting. */
export interface FollowUpInput {
  language: Language;
  now: Date;
  meetingPublicId: string;
  tableName: string;
  schoolName: string | null;
  startsAt: Date;
  agenda: { text: string; author: string }[];
  people: { aadObjectId: string; name: string }[];
  /** The next meeting by the rule, prefilled (date yyyy-mm-dd and time HH:MM in Amsterdam). */
  proposedNext: { date: string; time: string } | null;
  values?: { held: string; decisions: string; nextDate: string; nextTime: string; actions: { title: string; owner: string; due: string }[] };
  problems?: { field: string; text: string }[];
  /** After it was recorded: what was recorded (the card then shows it, no form). */
  recorded?: { held: boolean; decisions: string | null; actions: string[]; next: Date | null; by: string };
}

/** The quality officer's warning that a rhythm is about to break. */
export interface RhythmWarningInput {
  language: Language;
  tablePublicId: string;
  tableName: string;
  schoolName: string | null;
  rule: Rule;
  lastHeld: Date | null;
  windowStart: string | null;
  windowEnd: string | null;
  proposed: Date | null;
}

/** The chair's notice that a member cannot come. */
export interface CannotComeInput {
  language: Language;
  meetingPublicId: string;
  tableName: string;
  startsAt: Date;
  person: string;
  reason: string | null;
}

/** The text the chair forwards to external members when Graph cannot mail them (or the mail body). */
export interface ExternalPrepInput {
  language: Language;
  tableName: string;
  schoolName: string | null;
  startsAt: Date;
  durationMinutes: number;
  topics: string[];
  pdca: { step: string; question: string }[];
  agenda: { text: string; author: string }[];
  recipients: { name: string; email: string }[];
}
