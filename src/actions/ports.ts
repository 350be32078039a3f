// What the improvement-action service asks of others (people, the outbox, Teams' conversation
// references, the survey a result line belongs to), the outbox renderer it enqueues with, and its
// refusals.
import { z } from 'zod';
import type { Language } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { DomainError } from '../errors.js';
import { declareRenderer, type RenderInstruction } from '../outbox/service.js';
import type { Grant } from './model.js';

/** The outbox, as far as actions need it: a 1:1 card to an owner. */
export interface ActionOutbox {
  enqueue(
    request: { op: 'createPersonal'; tenantId: string; serviceUrl: string; userId: string; botId?: string; idempotencyKey: string; render: RenderInstruction },
    options: { client: Queryable },
  ): Promise<unknown>;
}

/** What actions ask of the people feature: roles, and how to reach someone in which language. */
export interface ActionPeople {
  grantsOf(tenantId: string, aadObjectId: string): Promise<readonly Grant[]>;
  contactOf(tenantId: string, aadObjectId: string): Promise<{ teamsUserId: string | null; language: string | null; locale: string | null } | null>;
  tenantLanguage(tenantId: string): Promise<Language>;
  schools(tenantId: string): Promise<{ id: number; name: string }[]>;
  findSchool(tenantId: string, schoolId: number): Promise<{ id: number; name: string } | null>;
}

/** What actions ask of Teams' conversation references. */
export interface ActionConversations {
  /** The bot account a conversation was addressed to (for 1:1 cards created from it). */
  botIdOf(tenantId: string, conversationId: string): Promise<string | null>;
}

/** A survey question an action is made from (the survey feature's `describeQuestion`). */
export interface SurveyQuestionInfo {
  surveyId: number;
  title: string;
  questionText: string;
  standard: string | null;
  schoolId: number | null;
}

/** The survey a result line belongs to, as far as actions need it. */
export interface SurveySource {
  describe(tenantId: string, surveyPublicId: string, questionId: string): Promise<SurveyQuestionInfo | null>;
}

const ID = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** The owner's 1:1 card: given to them by someone else, due soon, or overdue. */
export const OWNER_RENDERER = declareRenderer('action.owner', z.object({ actionId: ID, kind: z.enum(['assigned', 'dueSoon', 'overdue']) }));
export type OwnerNoticeKind = z.output<typeof OWNER_RENDERER.args>['kind'];

/** Idempotency keys: one card per assignment (the version that made it), one "due soon" per due date, one "overdue" a day. */
export const actionKeys = {
  assigned: (id: number, version: number) => `action:${id}:assigned:${version}`,
  dueSoon: (id: number, dueDate: string) => `action:${id}:dueSoon:${dueDate}`,
  overdue: (id: number, today: string) => `action:${id}:overdue:${today}`,
};

export type ActionProblem = 'actionNotFound' | 'actionNotOpen' | 'actionSourceNotFound';

export const actionProblem = (textKey: ActionProblem) => new DomainError(textKey === 'actionNotFound' ? 'notFound' : 'conflict', 'actionProblemTitle', textKey);
