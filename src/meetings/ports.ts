// What the meeting cadences ask of others (people and their calendars, Teams' conversations, the
// outbox, the other features' parts of the prep pack, Graph), the outbox renderers they enqueue with,
// and their refusals.
import { z } from 'zod';
import type { Language } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { DomainError } from '../errors.js';
import { declareRenderer, type RenderInstruction } from '../outbox/service.js';
import type { Role, RoleGrant } from '../people/feature.js';
import type { CalendarOptions } from '../schedule/index.js';
import type { PrepPack } from './view-model.js';

export interface MeetingPeople {
  grantsOf(tenantId: string, aadObjectId: string): Promise<readonly RoleGrant[]>;
  roleHolders(tenantId: string, roles: readonly Role[], schoolIds: readonly number[] | null, limit: number): Promise<{ aadObjectId: string; name: string; roles: { role: Role; schoolId: number | null }[] }[]>;
  contactsOf(tenantId: string, aadObjectIds: readonly string[]): Promise<{ aadObjectId: string; name: string; email: string | null; teamsUserId: string | null; language: string | null; locale: string | null }[]>;
  tenantLanguage(tenantId: string): Promise<Language>;
  schools(tenantId: string): Promise<{ id: number; name: string }[]>;
  /** The calendar of a school (null: the board's level): region or own rooster; none known: weekends and public holidays. */
  calendarOf?(tenantId: string, schoolId: number | null): Promise<CalendarOptions>;
}

export interface MeetingConversations {
  personalConversations(tenantId: string, aadObjectIds: readonly string[]): Promise<Map<string, { conversationId: string; serviceUrl: string }>>;
  /** A connector address of the tenant (any conversation Cadans has there), for 1:1 chats created from nothing. */
  serviceUrlOf(tenantId: string): Promise<string | null>;
  /** Tenants where Cadans is installed, in id order, a page after `afterId`. */
  activeTenants(afterId: string | null, limit: number): Promise<string[]>;
}

type Enqueue =
  | { op: 'send'; tenantId: string; serviceUrl: string; conversationId: string; idempotencyKey?: string; render: RenderInstruction }
  | { op: 'update'; tenantId: string; serviceUrl: string; conversationId: string; activityId: string; render: RenderInstruction }
  | { op: 'createPersonal'; tenantId: string; serviceUrl: string; userId: string; botId?: string; idempotencyKey: string; render: RenderInstruction };

export interface MeetingOutbox {
  enqueue(request: Enqueue, options: { client: Queryable }): Promise<unknown>;
}

/** Someone looking at a prep pack: each feature shows only what they may see. */
export interface PackViewer {
  tenantId: string;
  aadObjectId: string;
  grants: readonly RoleGrant[];
}

/** A feature's part of the prep pack for a table (its school, or the board's level when null). */
export type PackPart = (viewer: PackViewer, schoolId: number | null, today: string) => Promise<Partial<PrepPack>>;

/** Graph, when configured: email for external members (Mail.Send), from a mailbox of the tenant. */
export interface MeetingMailer {
  send(tenantId: string, fromAad: string, mail: { to: { name: string; email: string }[]; subject: string; html: string }): Promise<void>;
  /** Whether mail can go from this tenant's mailboxes (Graph speaks for the bot's own tenant); absent: every tenant. */
  covers?(tenantId: string): boolean;
  /** A failure because Cadans may not send from that mailbox (403): the chair gets the text to forward instead. */
  isForbidden?(err: unknown): boolean;
}

export type OutlookDay = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** One meeting in an Outlook calendar: an occurrence of a series, a moved one (exception) or a single event. */
export interface OutlookOccurrence {
  id: string;
  /** The series it belongs to; null for a single event. */
  seriesMasterId: string | null;
  start: Date;
  end: Date;
  isCancelled: boolean;
  type: 'singleInstance' | 'occurrence' | 'exception';
}

/** A series (or one event) Cadans creates in the chair's calendar; times are Europe/Amsterdam wall-clock. */
export interface OutlookSeriesInput {
  subject: string;
  bodyHtml: string;
  start: { date: string; time: string };
  durationMinutes: number;
  attendees: { email: string; name: string }[];
  recurrence: { kind: 'weekly'; intervalWeeks: number; daysOfWeek: OutlookDay[] } | { kind: 'none' };
  /** The same value on a retry returns the event the first attempt made (kept with the table before the call). */
  transactionId: string;
}

/** An existing event or series, to link a table to it. */
export interface OutlookEventInfo {
  id: string;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  subject: string;
  startsAt: Date;
}

/**
 * Graph, when configured (Calendars.ReadWrite): the tables' meetings in their chair's Outlook calendar.
 * Every call names the tenant; `covers` says for which tenants Graph can act (the bot's own).
 */
export interface MeetingCalendar {
  covers(tenantId: string): boolean;
  createSeries(tenantId: string, organizerAad: string, input: OutlookSeriesInput): Promise<{ eventId: string }>;
  /** Occurrences and single events between `from` and `to`, only of these events (series by their id); an occurrence the organizer cancelled is not there. */
  listOccurrences(tenantId: string, organizerAad: string, input: { from: Date; to: Date; onlyEventIds?: readonly string[] }): Promise<OutlookOccurrence[]>;
  getEvent(tenantId: string, organizerAad: string, eventId: string): Promise<OutlookEventInfo>;
  /** Writes Cadans' part of the event's body (the rest, such as the Teams link, is kept). */
  updateBody(tenantId: string, organizerAad: string, eventId: string, bodyHtml: string): Promise<'updated' | 'unchanged'>;
  /** What a failed call means: the event or mailbox is gone (404), Cadans may not reach this mailbox (403), or something else. */
  failureOf(err: unknown): 'notFound' | 'forbidden' | 'other';
}

/** A new improvement action from a meeting's follow-up (the improvement-action feature). */
export interface MeetingActions {
  createFromMeeting(
    actor: import('../routes.js').Actor,
    input: { title: string; ownerAad: string; ownerName: string; dueDate: string; schoolId: number | null; meetingId: number; meetingTitle: string; meetingDate: string },
  ): Promise<{ ok: true } | { ok: false; problem: string }>;
}

const ID = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const AAD = z.string().min(1).max(64);

/** A member's 1:1 prep card (also its reminder and its updates). */
export const PREP_RENDERER = declareRenderer('meeting.prep', z.object({ meetingId: ID, aad: AAD, reminder: z.boolean() }));
/** The chair's follow-up card. */
export const FOLLOWUP_RENDERER = declareRenderer('meeting.followUp', z.object({ meetingId: ID, aad: AAD }));
/** The quality officer's warning that a table's rhythm is about to break. */
export const WARNING_RENDERER = declareRenderer('meeting.warning', z.object({ meetingId: ID, aad: AAD }));
/** The chair's notice that a member cannot come. */
export const CANNOT_COME_RENDERER = declareRenderer('meeting.cannotCome', z.object({ meetingId: ID, aad: AAD, chairAad: AAD }));
/** The chair's text to forward to external members (no Graph mail). */
export const EXTERNAL_RENDERER = declareRenderer('meeting.external', z.object({ meetingId: ID, chairAad: AAD }));

export const meetingKeys = {
  prep: (meetingId: number, aad: string, startsAt: Date) => `meeting:${meetingId}:prep:${aad}:${startsAt.toISOString()}`,
  remind: (meetingId: number, aad: string, at: Date) => `meeting:${meetingId}:remind:${aad}:${at.toISOString()}`,
  warn: (meetingId: number, aad: string, startsAt: Date) => `meeting:${meetingId}:warn:${aad}:${startsAt.toISOString()}`,
  followUp: (meetingId: number, aad: string) => `meeting:${meetingId}:followup:${aad}`,
  cannotCome: (meetingId: number, aad: string, chair: string) => `meeting:${meetingId}:cannot:${aad}:${chair}`,
  external: (meetingId: number, chair: string, startsAt: Date) => `meeting:${meetingId}:external:${chair}:${startsAt.toISOString()}`,
};

export type MeetingProblem = 'meetingNotFound' | 'meetingNotPlanned' | 'meetingTableNotFound' | 'meetingAgendaFull' | 'meetingNotMember';

export const meetingProblem = (textKey: MeetingProblem) => new DomainError(textKey === 'meetingNotFound' || textKey === 'meetingTableNotFound' ? 'notFound' : 'conflict', 'meetingProblemTitle', textKey);
