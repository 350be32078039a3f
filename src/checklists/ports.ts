// What the checklist service asks of others (the outbox, people, Teams' conversation references),
// the outbox renderers it enqueues with, and the shapes its use cases answer with.
import { z } from 'zod';
import type { Queryable } from '../db/pool.js';
import { DomainError } from '../errors.js';
import { declareRenderer, type RenderInstruction } from '../outbox/service.js';
import type { CalendarOptions } from '../schedule/index.js';
import type { Checklist, Grant } from './model.js';

type Language = 'nl' | 'en';

/** The outbox, as far as checklists need it. */
export interface ChecklistOutbox {
  enqueue(
    request:
      | { op: 'send'; tenantId: string; serviceUrl: string; conversationId: string; idempotencyKey: string; render: RenderInstruction }
      | { op: 'update'; tenantId: string; serviceUrl: string; conversationId: string; activityId: string; render: RenderInstruction }
      | { op: 'createPersonal'; tenantId: string; serviceUrl: string; userId: string; botId?: string; idempotencyKey: string; render: RenderInstruction },
    options: { client: Queryable },
  ): Promise<unknown>;
  /** The card update as part of the change's own statement (see the outbox's updateInStatement). */
  updateInStatement(
    request: { op: 'update'; tenantId: string; serviceUrl: string; conversationId: string; activityId: string; render: RenderInstruction },
    firstParam: number,
    guard: string,
  ): { sql: string; values: unknown[] };
  written(row: { id: number | string; lane: string; created: boolean }): Promise<void>;
  /** Where a message with this idempotency key stands (the channel card's post), and the id Teams gave it once sent. */
  statusByKey(idempotencyKey: string): Promise<{ status: string; sentActivityId?: string | null } | null>;
  /** How many of a tenant's messages failed for good. */
  failedCount(tenantId: string): Promise<number>;
}

const CHECKLIST_ID = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** The outbox renderers checklists enqueue with (their render functions are in feature.ts). */
export const CHANNEL_RENDERER = declareRenderer('checklist.channel', z.object({ checklistId: CHECKLIST_ID }));
export const PERSONAL_RENDERER = declareRenderer(
  'checklist.personal',
  z.object({
    checklistId: CHECKLIST_ID,
    position: z.number().int().positive().max(10_000),
    ownerAad: z.string().min(1).max(200),
    /** Why a step's owner gets a 1:1 card. */
    kind: z.enum(['assigned', 'dueSoon', 'overdue']),
  }),
);
export const SUMMARY_RENDERER = declareRenderer('checklist.summary', z.object({ checklistId: CHECKLIST_ID }));

export type PersonalNoticeArgs = z.output<typeof PERSONAL_RENDERER.args>;
export type PersonalNoticeKind = PersonalNoticeArgs['kind'];

/** What checklists ask of the people feature (roles, schools, how to reach someone). */
export interface ChecklistPeople {
  grantsOf(tenantId: string, aadObjectId: string): Promise<readonly Grant[]>;
  tenantLanguage(tenantId: string): Promise<Language>;
  findSchool(tenantId: string, schoolId: number): Promise<{ id: number; name: string } | null>;
  schools(tenantId: string): Promise<{ id: number; name: string }[]>;
  contactOf(tenantId: string, aadObjectId: string): Promise<{ teamsUserId: string | null; language: string | null; locale: string | null } | null>;
  /** The school's calendar (null: the board's) for due dates; absent: weekends and public holidays only. */
  calendarOf?(tenantId: string, schoolId: number | null): Promise<CalendarOptions>;
  /** A school's sector when known (items meant for other sectors are left out). */
  sectorOf?(tenantId: string, schoolId: number | null): Promise<'po' | 'vo' | 'so' | 'mbo' | null>;
}

/** What checklists ask of the conversation references Teams gave us. */
export interface ChecklistConversations {
  /** The bot account a channel conversation was addressed to (for 1:1 cards created from it). */
  botIdOf(tenantId: string, conversationId: string): Promise<string | null>;
  /** A team's Entra group id, when known: Teams' deep links to a channel message want it. */
  teamGroupId(tenantId: string, teamId: string): Promise<string | null>;
  /** The names of the tenant's teams where Cadans is installed (where checklists can live). */
  installedTeams(tenantId: string): Promise<string[]>;
}

export const checklistProblem = (
  textKey: 'checklistCardPending' | 'checklistNotFound' | 'checklistInvalidTitle' | 'checklistInvalidDate' | 'checklistInvalidUrl' | 'checklistInvalidNote' | 'checklistOwnerUnknown' | 'checklistChannelOnly'
    | 'checklistInvalidInvestigation' | 'checklistInvalidItemUrl' | 'checklistInvalidEndDate' | 'checklistEndWithoutStart',
) => new DomainError(textKey === 'checklistNotFound' ? 'notFound' : 'conflict', 'checklistProblemTitle', textKey);


export interface StepPermissions {
  canEdit: boolean;
  canSetStatus: boolean;
  canTake: boolean;
}

/** A step change's outcome: the checklist as it left it, and what the actor may do next. */
export interface StepResult {
  checklist: Checklist;
  permissions: StepPermissions;
}
