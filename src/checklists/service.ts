// Checklist use cases: start, view, change steps. Every change is checked here and written
// atomically with its log entries and the shared channel card's update (through the outbox).
import type { Logger } from 'pino';
import { TtlCache } from '../cache.js';
import type { Language } from '../config.js';
import { inTransaction, type Db, type Queryable } from '../db/pool.js';
import { DomainError, notAllowed } from '../errors.js';
import type { Actor } from '../routes.js';
import {
  addDays,
  toDueState,
  canEditChecklist,
  canSetStepStatus,
  canTakeStep,
  defaultDueDates,
  isComplete,
  isStepStatus,
  parseEvidenceUrl,
  parseIsoDate,
  parseNote,
  parseTitle,
  canManageTemplates,
  toGrants,
  toAppliedChanges,
  withChange,
  type Checklist,
  type Grant,
  type RunningChecklist,
  type StepChange,
  type StepStatus,
} from './model.js';
import { TEMPLATE_LIMITS, TOO_MANY_TEMPLATES, parseTemplateText, type TemplateError } from './parse-template.js';
import { getChecklist, insertChecklist, listFinished, listTemplates, findTemplate, insertTemplateWithinCap, type StoredTemplate, listRunning, logChecklistEvent, readChecklistForChange, writeStepChange, setCardActivityId, startRepost, listOwnedStepsDueBy, getCardTarget, type StepWrite, type StepWritten, type GrantRow } from './store.js';
import { BUILT_IN_TEMPLATES, type ChecklistTemplate } from './templates.js';
import { toChannelId } from './access.js';
import { z } from 'zod';
import { declareRenderer, renderWith, type RenderInstruction } from '../outbox/service.js';

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
  /** Where a message with this idempotency key stands (the channel card's post). */
  statusByKey(idempotencyKey: string): Promise<{ status: string } | null>;
  /** How many of a tenant's messages failed for good. */
  failedCount(tenantId: string): Promise<number>;
}

const CHECKLIST_ID = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** The outbox renderers checklists enqueue with (their render functions are in feature.ts). */
export const CHANNEL_RENDERER = declareRenderer('checklist.channel', z.object({ checklistId: CHECKLIST_ID }));
/** How long a checklist this instance wrote, and an actor's roles, may serve as the expected state of the next change. */
const STATE_TTL_MS = 60_000;

/**
 * A checklist kept as the expected state of later changes is shared with the code that renders
 * this change's answer: frozen, so that no one can change it in place (the write's guard compares
 * versions, not content).
 */
function frozen(c: Checklist): Checklist {
  for (const step of c.steps) {
    Object.freeze(step.title);
    Object.freeze(step.guidance);
    Object.freeze(step);
  }
  Object.freeze(c.steps);
  return Object.freeze(c);
}
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
}

/** What checklists ask of the conversation references Teams gave us. */
export interface ChecklistConversations {
  /** The bot account a channel conversation was addressed to (for 1:1 cards created from it). */
  botIdOf(tenantId: string, conversationId: string): Promise<string | null>;
  /** A team's Entra group id, when known: Teams' deep links to a channel message want it. */
  teamGroupId(tenantId: string, teamId: string): Promise<string | null>;
}

export interface ChecklistServiceDeps {
  db: Db;
  outbox: ChecklistOutbox;
  people: ChecklistPeople;
  conversations: ChecklistConversations;
  /** Today's date (yyyy-mm-dd) in Europe/Amsterdam. */
  today(): string;
  log?: Pick<Logger, 'error'>;
}

export const checklistProblem = (
  textKey: 'checklistCardPending' | 'checklistNotFound' | 'checklistInvalidTitle' | 'checklistInvalidDate' | 'checklistInvalidUrl' | 'checklistInvalidNote' | 'checklistOwnerUnknown' | 'checklistChannelOnly',
) => new DomainError(textKey === 'checklistNotFound' ? 'notFound' : 'conflict', 'checklistProblemTitle', textKey);

export interface StartInput {
  templateKey: string;
  title: unknown;
  schoolId: number | null;
  targetDate: unknown;
}

export interface StepEdit {
  owner?: { aad: string; name: string } | null;
  dueDate?: unknown;
  note?: unknown;
  evidenceUrl?: unknown;
}

/** A running checklist as the list shows it: with its team's group (for the link) and whether its card failed. */
export type RunningEntry = RunningChecklist & { groupId: string | null; cardFailed: boolean };

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

export interface ChecklistService {
  /** Built-in templates (not the follow-up only ones) and the tenant's own. */
  templates(tenantId: string): Promise<ChecklistTemplate[]>;
  /** Any template by key: built-in, or the tenant's own (`custom-<id>`). */
  template(tenantId: string, key: string): Promise<ChecklistTemplate | undefined>;
  /** Kwaliteitsmedewerkers and beheerders add templates; errors come back per line. */
  canManageTemplates(actor: Actor): Promise<boolean>;
  addTemplate(actor: Actor, text: string): Promise<{ ok: true; template: ChecklistTemplate } | { ok: false; errors: TemplateError[] }>;
  /** May start a checklist for some school or the whole board (a directeur: for their own school). */
  canStartAny(actor: Actor): Promise<boolean>;
  /** The channel's running checklists, each with what went wrong with its card's post, if anything. */
  running(actor: Actor): Promise<RunningEntry[]>;
  /** Posts the channel card again (editors): after a failed post, or when it is lost far up the channel. */
  repost(actor: Actor, id: number): Promise<Checklist>;
  /** For a beheerder: how many messages of the tenant failed for good (0 for everyone else). */
  failedMessages(actor: Actor): Promise<number>;
  finished(actor: Actor): Promise<{ id: number; publicId: string; title: string }[]>;
  start(actor: Actor, input: StartInput): Promise<Checklist>;
  get(actor: Actor, id: number): Promise<Checklist>;
  permissions(actor: Actor, checklist: Checklist, position?: number): Promise<StepPermissions>;
  setStatus(actor: Actor, id: number, position: number, status: unknown): Promise<StepResult>;
  take(actor: Actor, id: number, position: number): Promise<StepResult>;
  editStep(actor: Actor, id: number, position: number, edit: StepEdit): Promise<StepResult>;
  /**
   * Due-date reminders for step owners, for `today` (yyyy-mm-dd, Europe/Amsterdam): due within two
   * working days, and overdue. Each reminder goes out once per step, kind and due date.
   */
  runReminders(today: string): Promise<{ sent: number; failed: number }>;
  /** The outbox posted the channel card: remember its id; catch up on changes made meanwhile. */
  onCardPosted(checklistId: number, activityId: string, tx: Queryable): Promise<void>;
}

export function createChecklistService(deps: ChecklistServiceDeps): ChecklistService {
  const { db } = deps;
  const byKey = new Map(BUILT_IN_TEMPLATES.map((t) => [t.key, t]));

  async function findAnyTemplate(tenantId: string, key: string): Promise<ChecklistTemplate | undefined> {
    const builtIn = byKey.get(key);
    if (builtIn) return builtIn;
    const m = /^custom-(\d{1,12})$/.exec(key);
    if (!m) return undefined;
    const stored = await findTemplate(db, tenantId, Number(m[1]));
    return stored ? (toCustomTemplate(stored) ?? undefined) : undefined;
  }

  async function load(actor: Actor, id: number): Promise<Checklist> {
    const c = await getChecklist(db, actor.tenantId, id);
    if (!c) throw checklistProblem('checklistNotFound');
    return c;
  }

  async function enqueueCardUpdate(tx: Queryable, c: Pick<Checklist, 'id' | 'tenantId' | 'serviceUrl' | 'conversationId' | 'cardActivityId'>) {
    // Not posted yet: the post renders the latest state when it goes out (and onCardPosted catches up).
    if (!c.cardActivityId) return;
    await deps.outbox.enqueue(
      { op: 'update', tenantId: c.tenantId, serviceUrl: c.serviceUrl, conversationId: c.conversationId, activityId: c.cardActivityId, render: renderWith(CHANNEL_RENDERER, { checklistId: c.id }) },
      { client: tx },
    );
  }

  /** A 1:1 card to a step's owner, created through the outbox (once per key). */
  async function notifyOwner(tx: Queryable, c: Pick<Checklist, 'id' | 'tenantId' | 'serviceUrl' | 'conversationId'>, args: PersonalNoticeArgs, key: string) {
    const [contact, botId] = await Promise.all([deps.people.contactOf(c.tenantId, args.ownerAad), deps.conversations.botIdOf(c.tenantId, c.conversationId)]);
    await deps.outbox.enqueue(
      {
        op: 'createPersonal',
        tenantId: c.tenantId,
        serviceUrl: c.serviceUrl,
        userId: contact?.teamsUserId ?? args.ownerAad,
        ...(botId ? { botId } : {}),
        idempotencyKey: key,
        render: renderWith(PERSONAL_RENDERER, args),
      },
      { client: tx },
    );
  }

  function permissionsFor(actor: Actor, grants: readonly Grant[], c: Checklist, position?: number): StepPermissions {
    const step = position === undefined ? undefined : c.steps.find((s) => s.position === position);
    return {
      canEdit: canEditChecklist(grants, c.schoolId),
      canSetStatus: step ? canSetStepStatus(grants, c.schoolId, step.ownerAad, actor.aadObjectId) : false,
      canTake: step ? canTakeStep(grants, c.schoolId, step.ownerAad) : false,
    };
  }

  // What this instance last wrote of a checklist, and an actor's role assignments as last read, so
  // that the next change can be one statement (see change). Both are only ever used as "what I
  // expect the database to hold": the write checks them and writes nothing if they are out of date.
  const lastWritten = new TtlCache<Checklist>({ ttlMs: STATE_TTL_MS, max: 200 });
  const lastGrants = new TtlCache<{ rows: GrantRow[]; text: string }>({ ttlMs: STATE_TTL_MS, max: 20_000 });

  /** The card update, for writeStepChange's `also`: none while the card is not posted (the post shows the latest state). */
  function cardUpdateWith(c: Checklist): ((firstParam: number, guard: string) => { sql: string; values: unknown[] }) | undefined {
    const activityId = c.cardActivityId;
    if (!activityId) return undefined;
    return (firstParam, guard) =>
      deps.outbox.updateInStatement(
        { op: 'update', tenantId: c.tenantId, serviceUrl: c.serviceUrl, conversationId: c.conversationId, activityId, render: renderWith(CHANNEL_RENDERER, { checklistId: c.id }) },
        firstParam,
        guard,
      );
  }

  /**
   * One change to one step: checked against the state it finds, written with its log rows and the
   * card update in one statement, completion detected. Returns the checklist as the change left it
   * (no second read) and what the actor may do.
   *
   * Most changes take two round trips: a read, then a write that applies only if the checklist is
   * still at the version read (no transaction held open between them). If someone else changed it
   * in between, or the change completes the checklist or assigns a step to someone else (more to
   * write), it is done again in a transaction under the checklist's row lock: changes to one
   * checklist take turns, each applied to the state the one before left, none lost.
   *
   * A change to a checklist this instance wrote a moment ago, by someone whose roles it read a
   * moment ago, skips the read: it is decided on that state and written only if the checklist is
   * still at that version and card id and the actor's role assignments are still those (one round
   * trip). Otherwise (or if it would refuse, complete, notify, or change nothing: those are decided
   * on fresh state only) it goes the way above.
   */
  async function change(actor: Actor, id: number, position: number, check: (c: Checklist, grants: Grant[]) => StepChange): Promise<StepResult> {
    const who = { aad: actor.aadObjectId, name: actor.name };
    const stateKey = `${actor.tenantId}|${id}`;
    const grantsKey = `${actor.tenantId}|${actor.aadObjectId}`;
    const plan = (read: Awaited<ReturnType<typeof readChecklistForChange>>) => {
      const c = read?.checklist;
      const step = c?.steps.find((s) => s.position === position);
      if (!read || !c || !step) throw checklistProblem('checklistNotFound');
      const grants = toGrants(read.actorGrants);
      const changeSet = check(c, grants);
      const applied = toAppliedChanges(step, changeSet);
      const after = withChange(step, changeSet);
      const steps = c.steps.map((s) => (s.position === position ? after : s));
      const completes = applied.length > 0 && c.completedAt === null && isComplete(steps.map((s) => s.status));
      const newOwner = changeSet.owner && changeSet.owner.aad !== actor.aadObjectId && applied.some((a) => a.field === 'owner') ? changeSet.owner : null;
      /** `grantsText`: the change was decided on these role assignments, read earlier (see writeStepChange). */
      const write = (grantsText?: string): StepWrite => ({
        tenantId: c.tenantId,
        checklistId: c.id,
        position,
        change: changeSet,
        applied,
        actor: who,
        completes,
        expect: { version: c.version, cardActivityId: c.cardActivityId, ...(grantsText === undefined ? {} : { grants: { tenantId: actor.tenantId, text: grantsText } }) },
        also: cardUpdateWith(c),
      });
      const result = (written: { version: number; at: Date }): Checklist => {
        after.updatedBy = actor.aadObjectId;
        after.updatedAt = written.at;
        return { ...c, steps, version: written.version, completedAt: completes ? written.at : c.completedAt };
      };
      return { c, grants, applied, completes, newOwner, write, result };
    };
    const done = (checklist: Checklist, grants: Grant[]): StepResult => ({ checklist, permissions: permissionsFor(actor, grants, checklist, position) });

    const wrote = (checklist: Checklist, also: StepWritten['also']) => {
      lastWritten.set(stateKey, frozen(checklist));
      // Not awaited: the person gets their answer without waiting for the outbox's wake-up job
      // (written never throws; a lost wake-up is caught up by the outbox's sweep).
      if (also) void deps.outbox.written(also).catch(() => undefined);
    };

    const known = lastWritten.get(stateKey)?.value;
    const roles = lastGrants.get(grantsKey)?.value;
    if (known && roles) {
      let p: ReturnType<typeof plan> | null = null;
      try {
        p = plan({ checklist: known, actorGrants: roles.rows, actorGrantsText: roles.text });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err; // a refusal is decided on fresh state below
      }
      if (p && p.applied.length > 0 && !p.completes && !p.newOwner) {
        const written = await writeStepChange(db, p.write(roles.text));
        if (written) {
          const next = p.result(written);
          wrote(next, written.also);
          return done(next, p.grants);
        }
      }
    }

    const read = await readChecklistForChange(db, actor.tenantId, id, actor.aadObjectId, false);
    if (read) lastGrants.set(grantsKey, { rows: read.actorGrants, text: read.actorGrantsText });
    const fast = plan(read);
    if (fast.applied.length === 0) return done(fast.c, fast.grants);
    if (!fast.completes && !fast.newOwner) {
      const written = await writeStepChange(db, fast.write());
      if (written) {
        const next = fast.result(written);
        wrote(next, written.also);
        return done(next, fast.grants);
      }
    }

    const { checklist, grants, card } = await inTransaction(db, async (tx) => {
      const p = plan(await readChecklistForChange(tx, actor.tenantId, id, actor.aadObjectId, true));
      if (p.applied.length === 0) return { checklist: p.c, grants: p.grants, card: null };
      const written = await writeStepChange(tx, p.write());
      if (!written) throw new Error(`checklist ${id} changed under its lock`);
      const c = p.c;
      if (p.newOwner) {
        await notifyOwner(tx, c, { checklistId: c.id, position, ownerAad: p.newOwner.aad, kind: 'assigned' }, `checklist:${c.id}:step:${position}:assigned:${p.newOwner.aad}:v${written.version}`);
      }
      if (p.completes) {
        await logChecklistEvent(tx, c.id, who, 'completed', null);
        await deps.outbox.enqueue(
          { op: 'send', tenantId: c.tenantId, serviceUrl: c.serviceUrl, conversationId: c.conversationId, idempotencyKey: `checklist:${c.id}:summary`, render: renderWith(SUMMARY_RENDERER, { checklistId: c.id }) },
          { client: tx },
        );
      }
      return { checklist: p.result(written), grants: p.grants, card: written.also };
    });
    wrote(checklist, card);
    return done(checklist, grants);
  }

  return {
    async templates(tenantId) {
      const own = (await listTemplates(db, tenantId)).map(toCustomTemplate).filter((t): t is ChecklistTemplate => t !== null);
      return [...BUILT_IN_TEMPLATES.filter((t) => !t.followUpOnly), ...own];
    },
    template: (tenantId, key) => findAnyTemplate(tenantId, key),
    async canManageTemplates(actor) {
      return canManageTemplates(await deps.people.grantsOf(actor.tenantId, actor.aadObjectId));
    },
    async addTemplate(actor, text) {
      if (!canManageTemplates(await deps.people.grantsOf(actor.tenantId, actor.aadObjectId))) throw notAllowed('add template');
      const parsed = parseTemplateText(text);
      if (!parsed.ok) return parsed;
      const id = await insertTemplateWithinCap(db, actor.tenantId, parsed.template, text, actor.aadObjectId, TEMPLATE_LIMITS.perTenant);
      if (id === null) return { ok: false, errors: [TOO_MANY_TEMPLATES] };
      return { ok: true, template: { key: `custom-${id}`, ...parsed.template } };
    },
    async canStartAny(actor) {
      const grants = await deps.people.grantsOf(actor.tenantId, actor.aadObjectId);
      return canEditChecklist(grants, null) || grants.some((g) => g.schoolId !== null && canEditChecklist(grants, g.schoolId));
    },
    async running(actor) {
      const list = await listRunning(db, actor.tenantId, channelIdOf(actor));
      // One channel's checklists share a team: its group id is asked once.
      const groups = new Map<string, Promise<string | null>>();
      const groupOf = (teamId: string | null) => {
        if (!teamId) return Promise.resolve(null);
        if (!groups.has(teamId)) groups.set(teamId, deps.conversations.teamGroupId(actor.tenantId, teamId));
        return groups.get(teamId)!;
      };
      return Promise.all(
        list.map(async (r) => ({
          ...r,
          groupId: await groupOf(r.teamId),
          cardFailed: r.cardActivityId === null && (await deps.outbox.statusByKey(r.cardPostKey))?.status === 'failed',
        })),
      );
    },
    async repost(actor, id) {
      const c = await load(actor, id);
      if (!canEditChecklist(await deps.people.grantsOf(actor.tenantId, actor.aadObjectId), c.schoolId)) throw notAllowed('repost checklist card');
      if (c.cardActivityId === null) {
        const post = await deps.outbox.statusByKey(c.cardPostKey);
        if (post && post.status !== 'failed') throw checklistProblem('checklistCardPending');
      }
      await inTransaction(db, async (tx) => {
        const r = await startRepost(tx, actor.tenantId, id);
        if (!r) throw checklistProblem('checklistNotFound');
        lastWritten.delete(`${actor.tenantId}|${id}`);
        await logChecklistEvent(tx, id, { aad: actor.aadObjectId, name: actor.name }, 'reposted', null);
        await deps.outbox.enqueue(
          { op: 'send', tenantId: c.tenantId, serviceUrl: c.serviceUrl, conversationId: c.conversationId, idempotencyKey: r.key, render: renderWith(CHANNEL_RENDERER, { checklistId: id }) },
          { client: tx },
        );
      });
      return load(actor, id);
    },
    async failedMessages(actor) {
      const grants = await deps.people.grantsOf(actor.tenantId, actor.aadObjectId);
      return grants.some((g) => g.role === 'beheerder') ? deps.outbox.failedCount(actor.tenantId) : 0;
    },
    finished: (actor) => listFinished(db, actor.tenantId, channelIdOf(actor), 5),
    async start(actor, input) {
      if (actor.conversation.kind !== 'channel') throw checklistProblem('checklistChannelOnly');
      const template = await findAnyTemplate(actor.tenantId, input.templateKey);
      if (!template) throw checklistProblem('checklistNotFound');
      if (!canEditChecklist(await deps.people.grantsOf(actor.tenantId, actor.aadObjectId), input.schoolId)) throw notAllowed('start checklist');
      const title = parseTitle(input.title);
      if (!title) throw checklistProblem('checklistInvalidTitle');
      const targetDate = input.targetDate === undefined || input.targetDate === '' ? null : parseIsoDate(input.targetDate);
      if (targetDate === null && input.targetDate !== undefined && input.targetDate !== '') throw checklistProblem('checklistInvalidDate');
      const language = await deps.people.tenantLanguage(actor.tenantId);
      const dues = defaultDueDates(template, targetDate);
      const conversationId = channelIdOf(actor);
      if (input.schoolId !== null && !(await deps.people.findSchool(actor.tenantId, input.schoolId))) throw checklistProblem('checklistNotFound');
      const id = await inTransaction(db, async (tx) => {
        const newId = await insertChecklist(tx, {
          tenantId: actor.tenantId,
          templateKey: template.key,
          title,
          schoolId: input.schoolId,
          targetDate,
          language,
          conversationId,
          serviceUrl: actor.conversation.serviceUrl,
          teamId: actor.conversation.teamId ?? null,
          createdBy: actor.aadObjectId,
          steps: template.steps.map((s, i) => ({ key: s.key, title: s.title, guidance: s.guidance, link: s.link ?? null, dueDate: dues[i] ?? null })),
        });
        await logChecklistEvent(tx, newId, { aad: actor.aadObjectId, name: actor.name }, 'started', title);
        await deps.outbox.enqueue(
          { op: 'send', tenantId: actor.tenantId, serviceUrl: actor.conversation.serviceUrl, conversationId, idempotencyKey: `checklist:${newId}:card`, render: renderWith(CHANNEL_RENDERER, { checklistId: newId }) },
          { client: tx },
        );
        return newId;
      });
      return load(actor, id);
    },
    get: load,
    async permissions(actor, c, position) {
      return permissionsFor(actor, await deps.people.grantsOf(actor.tenantId, actor.aadObjectId), c, position);
    },
    setStatus(actor, id, position, status) {
      if (!isStepStatus(status)) throw checklistProblem('checklistNotFound');
      return change(actor, id, position, (c, grants) => {
        const step = c.steps.find((s) => s.position === position)!;
        if (!canSetStepStatus(grants, c.schoolId, step.ownerAad, actor.aadObjectId)) throw notAllowed('set step status');
        return { status: status as StepStatus };
      });
    },
    take(actor, id, position) {
      return change(actor, id, position, (c, grants) => {
        const step = c.steps.find((s) => s.position === position)!;
        if (!canTakeStep(grants, c.schoolId, step.ownerAad)) throw notAllowed('take step');
        return { owner: { aad: actor.aadObjectId, name: actor.name }, ...(step.status === 'open' ? { status: 'bezig' as const } : {}) };
      });
    },
    editStep(actor, id, position, edit) {
      return change(actor, id, position, (c, grants) => {
        if (!canEditChecklist(grants, c.schoolId)) throw notAllowed('edit step');
        const out: StepChange = {};
        if (edit.owner !== undefined) out.owner = edit.owner;
        if (edit.dueDate !== undefined) {
          const d = edit.dueDate === '' ? null : parseIsoDate(edit.dueDate);
          if (d === null && edit.dueDate !== '') throw checklistProblem('checklistInvalidDate');
          out.dueDate = d;
        }
        if (edit.note !== undefined) {
          const n = parseNote(edit.note);
          if (n === null) throw checklistProblem('checklistInvalidNote');
          out.note = n;
        }
        if (edit.evidenceUrl !== undefined) {
          const u = parseEvidenceUrl(edit.evidenceUrl);
          if (u === null) throw checklistProblem('checklistInvalidUrl');
          out.evidenceUrl = u;
        }
        return out;
      });
    },
    async runReminders(today) {
      let sent = 0;
      let failed = 0;
      for (const row of await listOwnedStepsDueBy(db, addDays(today, 5))) {
        const state = toDueState(row.due, row.status, today);
        if (state !== 'soon' && state !== 'overdue') continue;
        const kind: PersonalNoticeKind = state === 'soon' ? 'dueSoon' : 'overdue';
        const c = { id: row.checklistId, tenantId: row.tenantId, serviceUrl: row.serviceUrl, conversationId: row.conversationId };
        try {
          await inTransaction(db, (tx) =>
            notifyOwner(tx, c, { checklistId: c.id, position: row.position, ownerAad: row.ownerAad, kind }, `checklist:${c.id}:step:${row.position}:${kind}:${row.due}`),
          );
          sent++;
        } catch (err) {
          // One step's reminder failing (a row the database refuses, a lost connection) must not
          // keep the others from going out; its key was not claimed, so the next run tries again.
          failed++;
          deps.log?.error({ err, checklist: c.id, position: row.position }, 'reminder not queued');
        }
      }
      return { sent, failed };
    },
    async onCardPosted(checklistId, activityId, tx) {
      await setCardActivityId(tx, checklistId, activityId);
      const target = await getCardTarget(tx, checklistId);
      // Changes made while the post was on its way may not be in it: one update catches up.
      if (target && target.version > 0) await enqueueCardUpdate(tx, { id: checklistId, ...target, cardActivityId: activityId });
    },
  };
}

/** A stored template, checked again on the way out (the stored JSON is data, not trusted code). */
function toCustomTemplate(stored: StoredTemplate): ChecklistTemplate | null {
  const d = stored.definition as Partial<ChecklistTemplate> | null;
  if (!d || !d.title || !Array.isArray(d.steps) || d.steps.length === 0) return null;
  return {
    key: `custom-${stored.id}`,
    title: d.title,
    description: d.description ?? { nl: '', en: '' },
    targetLabel: d.targetLabel ?? { nl: 'Streefdatum', en: 'Target date' },
    steps: d.steps,
    next: d.next ?? { nl: '', en: '' },
  };
}

/** The channel itself, not the thread the command was typed in. */
export function channelIdOf(actor: Actor): string {
  return toChannelId(actor.conversation);
}
