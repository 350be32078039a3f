// Improvement-action use cases: make one (from a survey's result line, a meeting, or by hand),
// change it, mark it done with a short evaluation, cancel it, list the open ones, and remind owners.
// Every use case checks the actor's rights on the server; 1:1 cards to owners are enqueued in the
// same transaction as the change that causes them.
import type { Logger } from 'pino';
import { inTransaction, type Db, type Queryable } from '../db/pool.js';
import { notAllowed } from '../errors.js';
import { renderWith } from '../outbox/service.js';
import type { Actor } from '../routes.js';
import {
  canCancelAction,
  canCreateAny,
  canCreateManual,
  canEditAction,
  canSeeAction,
  checkEvaluation,
  checkForm,
  dueSoonHorizon,
  fixedSchoolOf,
  reminderFor,
  sortOpen,
  standardOf,
  toDueState,
  visibility,
  type ActionSource,
  type DueState,
  type ImprovementAction,
  type LocalText,
} from './model.js';
import { OWNER_RENDERER, actionKeys, actionProblem, type ActionConversations, type ActionOutbox, type ActionPeople, type OwnerNoticeKind } from './ports.js';
import * as store from './store.js';

export interface ActionServiceDeps {
  db: Db;
  outbox: ActionOutbox;
  people: ActionPeople;
  conversations: ActionConversations;
  /** Today's date (yyyy-mm-dd) in Europe/Amsterdam. */
  today(): string;
  log?: Pick<Logger, 'error'>;
}

export interface Person {
  aad: string;
  name: string;
}

/** A new action: what the form sent (checked here), its owner (checked against the roster by the route), where it came from. */
export interface CreateInput {
  title: unknown;
  description?: unknown;
  dueDate: unknown;
  owner: Person;
  /**
   * Where it came from. A survey line or a meeting: whoever may see that source may make an action
   * from it, and the caller's access check has decided that. Typed in (manual): the roles decide here.
   */
  source: ActionSource;
  /** The school it is about: a survey's school, or for one typed in the creator's choice (a directeur: always their own). */
  schoolId: number | null;
}

export interface UpdateInput {
  title: unknown;
  description?: unknown;
  dueDate: unknown;
  owner: Person;
}

export type FormOutcome = { ok: true; action: ImprovementAction } | { ok: false; problems: LocalText[] };

export interface ActionPermissions {
  canEdit: boolean;
  canCancel: boolean;
  /** May open the list of open actions (it takes a role that may make actions). */
  canList: boolean;
}

/** An open action in a list, with how its due date stands today. */
export type OpenAction = ImprovementAction & { dueState: DueState };

/** What the meeting preparation cards show: open actions, overdue ones first. */
export interface OpenActionsForPrep {
  /** Open actions in all (the list may be shorter). */
  open: number;
  overdue: number;
  actions: Array<{
    publicId: string;
    title: string;
    ownerName: string;
    dueDate: string;
    overdue: boolean;
    schoolId: number | null;
    standard: string | null;
    source: ActionSource;
  }>;
}

export function createActionService(deps: ActionServiceDeps) {
  const { db } = deps;
  const grantsOf = (actor: Actor) => deps.people.grantsOf(actor.tenantId, actor.aadObjectId);

  /** A 1:1 card to the owner, created through the outbox (once per key), through the connector and bot the action was made with. */
  async function notifyOwner(tx: Queryable, a: ImprovementAction, kind: OwnerNoticeKind, idempotencyKey: string) {
    const [contact, botId] = await Promise.all([deps.people.contactOf(a.tenantId, a.ownerAad), deps.conversations.botIdOf(a.tenantId, a.conversationId)]);
    await deps.outbox.enqueue(
      {
        op: 'createPersonal',
        tenantId: a.tenantId,
        serviceUrl: a.serviceUrl,
        userId: contact?.teamsUserId ?? a.ownerAad,
        ...(botId ? { botId } : {}),
        idempotencyKey,
        render: renderWith(OWNER_RENDERER, { actionId: a.id, kind }),
      },
      { client: tx },
    );
  }

  /** The action this id names, for someone who may see it; refused like an unknown id otherwise. */
  async function load(actor: Actor, publicId: string) {
    const a = await store.getActionByPublicId(db, actor.tenantId, publicId);
    if (!a) throw actionProblem('actionNotFound');
    const grants = await grantsOf(actor);
    if (!canSeeAction(grants, actor.aadObjectId, a)) throw actionProblem('actionNotFound');
    return { action: a, grants };
  }

  function permissionsOf(grants: Awaited<ReturnType<typeof grantsOf>>, actor: Actor, a: ImprovementAction): ActionPermissions {
    const open = a.status === 'open';
    return { canEdit: open && canEditAction(grants, actor.aadObjectId, a), canCancel: open && canCancelAction(grants, actor.aadObjectId, a), canList: canCreateAny(grants) };
  }

  return {
    /** May this person type in a new action, and for which school (a directeur: their own, fixed). */
    async creator(actor: Actor): Promise<{ canCreate: boolean; fixedSchoolId: number | null }> {
      const grants = await grantsOf(actor);
      return { canCreate: canCreateAny(grants), fixedSchoolId: fixedSchoolOf(grants) };
    },

    async create(actor: Actor, input: CreateInput): Promise<FormOutcome> {
      const grants = await grantsOf(actor);
      let schoolId = input.schoolId;
      if (input.source.kind === 'manual') {
        schoolId = fixedSchoolOf(grants) ?? schoolId;
        if (!canCreateManual(grants, schoolId)) throw notAllowed('create improvement action');
      }
      const form = checkForm(input, deps.today());
      if (!form.ok) return form;
      if (schoolId !== null && !(await deps.people.findSchool(actor.tenantId, schoolId))) throw actionProblem('actionNotFound');
      const action = await inTransaction(db, async (tx) => {
        const a = await store.insertAction(tx, {
          tenantId: actor.tenantId,
          schoolId,
          title: form.value.title,
          description: form.value.description,
          owner: input.owner,
          dueDate: form.value.dueDate,
          source: input.source,
          standard: standardOf(input.source),
          serviceUrl: actor.conversation.serviceUrl,
          conversationId: actor.conversation.id,
          createdBy: { aad: actor.aadObjectId, name: actor.name },
        });
        if (a.ownerAad !== actor.aadObjectId) await notifyOwner(tx, a, 'assigned', actionKeys.assigned(a.id, a.version));
        return a;
      });
      return { ok: true, action };
    },

    /** One action and what the actor may do with it. */
    async get(actor: Actor, publicId: string): Promise<{ action: ImprovementAction; permissions: ActionPermissions }> {
      const { action, grants } = await load(actor, publicId);
      return { action, permissions: permissionsOf(grants, actor, action) };
    },

    /** Changes what, explanation, due date or owner (owner, creator, tenant-wide kwaliteitsmedewerker or beheerder). A new owner gets a 1:1 card. */
    async update(actor: Actor, publicId: string, input: UpdateInput): Promise<FormOutcome> {
      const { action: before, grants } = await load(actor, publicId);
      if (!canEditAction(grants, actor.aadObjectId, before)) throw notAllowed('edit improvement action');
      if (before.status !== 'open') throw actionProblem('actionNotOpen');
      const form = checkForm(input, deps.today(), before.dueDate);
      if (!form.ok) return form;
      const action = await inTransaction(db, async (tx) => {
        const a = await store.updateOpenAction(tx, actor.tenantId, before.id, { ...form.value, owner: input.owner });
        if (!a) throw actionProblem('actionNotOpen');
        if (a.ownerAad !== before.ownerAad && a.ownerAad !== actor.aadObjectId) await notifyOwner(tx, a, 'assigned', actionKeys.assigned(a.id, a.version));
        return a;
      });
      return { ok: true, action };
    },

    /** Marks it done with the evaluation (both parts needed); the problems when the evaluation is incomplete, and nothing changes. */
    async complete(actor: Actor, publicId: string, evaluation: { worked?: unknown; keep?: unknown }): Promise<{ ok: true; action: ImprovementAction } | { ok: false; problems: LocalText[]; action: ImprovementAction }> {
      const { action: before, grants } = await load(actor, publicId);
      if (!canEditAction(grants, actor.aadObjectId, before)) throw notAllowed('complete improvement action');
      if (before.status !== 'open') throw actionProblem('actionNotOpen');
      const e = checkEvaluation(evaluation);
      if (!e.ok) return { ok: false, problems: e.problems, action: before };
      const action = await store.completeOpenAction(db, actor.tenantId, before.id, e.value, actor.aadObjectId);
      if (!action) throw actionProblem('actionNotOpen');
      return { ok: true, action };
    },

    /** Cancels it (its creator, tenant-wide kwaliteitsmedewerkers and beheerders). */
    async cancel(actor: Actor, publicId: string): Promise<ImprovementAction> {
      const { action: before, grants } = await load(actor, publicId);
      if (!canCancelAction(grants, actor.aadObjectId, before)) throw notAllowed('cancel improvement action');
      const action = await store.cancelOpenAction(db, actor.tenantId, before.id, actor.aadObjectId);
      if (!action) throw actionProblem('actionNotOpen');
      return action;
    },

    /**
     * The open actions the actor may see (all of the tenant's for tenant-wide kwaliteitsmedewerkers,
     * beheerders and bestuurders; their schools' for a directeur; always those they own or gave):
     * overdue first, then by due date; at most `limit`, with how many are open and overdue in all.
     */
    async listOpen(actor: Actor, limit = 30): Promise<{ actions: OpenAction[]; total: number; overdue: number; canCreate: boolean }> {
      const grants = await grantsOf(actor);
      const today = deps.today();
      const r = await store.listOpenActions(db, actor.tenantId, { ...visibility(grants), aad: actor.aadObjectId }, today, limit);
      return { actions: sortOpen(r.actions, today).map((a) => ({ ...a, dueState: toDueState(a, today) })), total: r.total, overdue: r.overdue, canCreate: canCreateAny(grants) };
    },

    /**
     * For other features (the meeting preparation cards): open actions of one school, or with null
     * of the whole tenant, overdue first; no access check (the caller shows them to whom it may).
     */
    async openForPrep(tenantId: string, schoolId: number | null, today: string, limit = 20): Promise<OpenActionsForPrep> {
      const r = await store.listOpenForPrep(db, tenantId, schoolId, today, limit);
      return {
        open: r.open,
        overdue: r.overdue,
        actions: sortOpen(r.actions, today).map((a) => ({
          publicId: a.publicId,
          title: a.title,
          ownerName: a.ownerName,
          dueDate: a.dueDate,
          overdue: a.dueDate < today,
          schoolId: a.schoolId,
          standard: a.standard,
          source: a.source,
        })),
      };
    },

    /**
     * Reminders for owners, for `today` (yyyy-mm-dd, Europe/Amsterdam): once when the due date is
     * within three working days (per due date), and every day it is overdue until it is done or
     * cancelled. One action's reminder failing does not keep the others back; the next run tries it again.
     */
    async runReminders(today: string): Promise<{ sent: number; failed: number }> {
      let sent = 0;
      let failed = 0;
      for (const a of await store.listOpenDueBy(db, dueSoonHorizon(today))) {
        const kind = reminderFor(a, today);
        if (!kind) continue;
        try {
          await inTransaction(db, async (tx) => {
            if (!(await store.markReminded(tx, a.id, kind, today, a.dueDate))) return;
            await notifyOwner(tx, a, kind, kind === 'dueSoon' ? actionKeys.dueSoon(a.id, a.dueDate) : actionKeys.overdue(a.id, today));
          });
          sent++;
        } catch (err) {
          failed++;
          deps.log?.error({ err, action: a.id }, 'action reminder not queued');
        }
      }
      return { sent, failed };
    },

    /** For the outbox's renderer: an action by id. */
    byId: (id: number) => store.getActionById(db, id),
  };
}

export type ActionService = ReturnType<typeof createActionService>;
