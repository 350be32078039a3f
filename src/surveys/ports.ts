// What the survey service asks of others (people, Teams' conversation references, the outbox), the
// outbox renderers it enqueues with, and its refusals.
import { z } from 'zod';
import type { Language } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { DomainError } from '../errors.js';
import { declareRenderer, type RenderInstruction } from '../outbox/service.js';
import type { PersonContact, Role, RoleGrant, RoleHolder, School } from '../people/feature.js';

export interface SurveyPeople {
  grantsOf(tenantId: string, aadObjectId: string): Promise<readonly RoleGrant[]>;
  grantsOfMany(tenantId: string, aadObjectIds: readonly string[]): Promise<Map<string, RoleGrant[]>>;
  roleHolders(tenantId: string, roles: readonly Role[], schoolIds: readonly number[] | null, limit: number): Promise<RoleHolder[]>;
  contactsOf(tenantId: string, aadObjectIds: readonly string[]): Promise<PersonContact[]>;
  byEmails(tenantId: string, emails: readonly string[]): Promise<{ aadObjectId: string; email: string }[]>;
  tenantLanguage(tenantId: string): Promise<Language>;
  schools(tenantId: string): Promise<School[]>;
  /** An audit event (ids and counts only), in the caller's transaction: a removed open answer. */
  audit?(q: Queryable, e: { tenantId: string; actor: string | null; action: string; subject?: string; detail?: object }): Promise<void>;
}

export interface SurveyConversations {
  /** Active 1:1 conversations with these people. */
  personalConversations(tenantId: string, aadObjectIds: readonly string[]): Promise<Map<string, { conversationId: string; serviceUrl: string }>>;
  /** The bot account a conversation was addressed to (for 1:1 chats created from it). */
  botIdOf(tenantId: string, conversationId: string): Promise<string | null>;
  channelName(tenantId: string, conversationId: string): Promise<string | null>;
  installedTeams(tenantId: string): Promise<string[]>;
}

type Enqueue =
  | { op: 'send'; tenantId: string; serviceUrl: string; conversationId: string; idempotencyKey?: string; render: RenderInstruction }
  | { op: 'update'; tenantId: string; serviceUrl: string; conversationId: string; activityId: string; render: RenderInstruction }
  | { op: 'createPersonal'; tenantId: string; serviceUrl: string; userId: string; botId?: string; idempotencyKey: string; render: RenderInstruction };

/**
 * Installs the Teams app for someone who has no 1:1 chat with Cadans yet (Graph, when configured
 * with the app's catalog id); false when it could not (the 1:1 card is tried all the same).
 */
export type AppInstaller = (tenantId: string, aadObjectId: string) => Promise<boolean>;

/** The user members of an Entra group (Graph, when configured); throws when Graph cannot read it. */
export type GroupMembers = (tenantId: string, groupId: string) => Promise<{ aadObjectId: string }[]>;

export interface SurveyOutbox {
  enqueue(request: Enqueue, options?: { client?: Queryable }): Promise<unknown>;
  retryFailed(tenantId: string, idempotencyKeys?: readonly string[]): Promise<number>;
  failedByKeyPrefix(tenantId: string, prefix: string, limit: number): Promise<{ key: string; reason: string | null; status: number | null }[]>;
  /** The tenant's messages still to send, counted up to `cap`: the fan-out paces itself by it. */
  pendingFor(tenantId: string, cap: number): Promise<number>;
}

const ID = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A recipient's card: the questions, or what became of the survey for them (thanks, closed, cancelled). */
export const QUESTION_RENDERER = declareRenderer('survey.question', z.object({ deliveryId: ID, reminder: z.boolean().default(false) }));
/** The author's live delivery card. */
export const DELIVERY_RENDERER = declareRenderer('survey.delivery', z.object({ surveyId: ID }));
/** The result card in the survey's channel. */
export const RESULTS_RENDERER = declareRenderer('survey.results', z.object({ surveyId: ID }));

/** Idempotency keys: one 1:1 card per delivery, one reminder per delivery and moment, one result post per survey (and repost). */
export const keys = {
  prefix: (surveyId: number) => `survey:${surveyId}:`,
  card: (surveyId: number, deliveryId: number) => `survey:${surveyId}:to:${deliveryId}`,
  reminder: (surveyId: number, moment: number, deliveryId: number) => `survey:${surveyId}:remind${moment}:${deliveryId}`,
  author: (surveyId: number) => `survey:${surveyId}:author`,
  results: (surveyId: number, post: number) => `survey:${surveyId}:results:${post}`,
};

export type SurveyProblem =
  | 'surveyNotFound'
  | 'surveyNotDraft'
  | 'surveyChannelOnly'
  | 'surveyNoAudience'
  | 'surveyNotOpen'
  | 'surveyUnknownTemplate'
  | 'surveyGroupUnreadable'
  | 'surveyNoDraftForList'
  | 'surveyAnswerGone'
  | 'surveyAnswersNotRemovable';

export const surveyProblem = (textKey: SurveyProblem) => new DomainError(textKey === 'surveyNotFound' ? 'notFound' : 'conflict', 'surveyProblemTitle', textKey);
