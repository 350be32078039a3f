// Checklist use cases: start, view, change steps. Every change is checked here and written
// atomically with its log entries and the shared channel card's update (through the outbox).
import type { Logger } from 'pino';
import { inTransaction, type Db, type Queryable } from '../db/pool.js';
import { notAllowed } from '../errors.js';
import type { Actor } from '../routes.js';
import {
  addDays,
  toDueState,
  canEditChecklist,
  canSetStepStatus,
  canTakeStep,
  defaultDueDates,
  isStepStatus,
  parseEvidenceUrl,
  parseIsoDate,
  parseNote,
  parseTitle,
  canManageTemplates,
  parseEndDate,
  MAX_STEP_ITEMS,
  MAX_ITEM_URL,
  type Checklist,
  type Grant,
  type RunningChecklist,
  type StepChange,
  type StepStatus,
} from './model.js';
import { TEMPLATE_LIMITS, TOO_MANY_TEMPLATES, parseTemplateText, type TemplateError } from './parse-template.js';
import { getChecklist, insertChecklist, listFinished, listTemplates, findTemplate, insertTemplateWithinCap, archiveTemplate, type StoredTemplate, listRunning, logChecklistEvent, setCardActivityId, startRepost, listOwnedStepsDueBy, getCardTarget, saveStepView, findStepView, deleteStepView, type StepView } from './store.js';
import { BUILT_IN_TEMPLATES, isInvestigationType, type ChecklistTemplate, type InvestigationType } from './templates.js';
import { toChannelId } from './access.js';
import { renderWith } from '../outbox/service.js';
import {
  CHANNEL_RENDERER,
  PERSONAL_RENDERER,
  checklistProblem,
  type ChecklistConversations,
  type ChecklistOutbox,
  type ChecklistPeople,
  type PersonalNoticeArgs,
  type PersonalNoticeKind,
  type StepPermissions,
  type StepResult,
} from './ports.js';
import { createStepChanges } from './step-change.js';





export interface ChecklistServiceDeps {
  db: Db;
  outbox: ChecklistOutbox;
  people: ChecklistPeople;
  conversations: ChecklistConversations;
  /** Today's date (yyyy-mm-dd) in Europe/Amsterdam. */
  today(): string;
  log?: Pick<Logger, 'error'>;
}


export interface StartInput {
  templateKey: string;
  title: unknown;
  schoolId: number | null;
  targetDate: unknown;
  /** An inspection's type (INVESTIGATION_TYPES); absent: the four-yearly board investigation. */
  investigationType?: unknown;
  /** An inspection's end of the investigation (optional). */
  endDate?: unknown;
}

export interface StepEdit {
  owner?: { aad: string; name: string } | null;
  dueDate?: unknown;
  note?: unknown;
  evidenceUrl?: unknown;
  /** Per item of the step, by its place (0-based): ticked, and its link ('' clears it). */
  items?: ReadonlyArray<{ done?: boolean; evidenceUrl?: unknown } | undefined>;
}

/** A running checklist as the list shows it: with its team's group (for the link) and whether its card failed. */
export type RunningEntry = RunningChecklist & { groupId: string | null; cardFailed: boolean };


export interface ChecklistService {
  /** Built-in templates (not the follow-up only ones) and the tenant's own. */
  templates(tenantId: string): Promise<ChecklistTemplate[]>;
  /** Any template by key: built-in, or the tenant's own (`custom-<id>`). */
  template(tenantId: string, key: string): Promise<ChecklistTemplate | undefined>;
  /** Kwaliteitsmedewerkers and beheerders add templates; errors come back per line. */
  canManageTemplates(actor: Actor): Promise<boolean>;
  addTemplate(actor: Actor, text: string): Promise<{ ok: true; template: ChecklistTemplate } | { ok: false; errors: TemplateError[] }>;
  /** Archives an own template: no longer offered, running checklists go on. The template archived, or null when it was gone. */
  archiveTemplate(actor: Actor, key: string): Promise<ChecklistTemplate | null>;
  /** May start a checklist for some school or the whole board (a directeur: for their own school). */
  canStartAny(actor: Actor): Promise<boolean>;
  /** The channel's running checklists, each with what went wrong with its card's post, if anything. */
  running(actor: Actor): Promise<RunningEntry[]>;
  /** Posts the channel card again (editors): after a failed post, or when it is lost far up the channel. */
  repost(actor: Actor, id: number): Promise<Checklist>;
  /** The teams of the actor's tenant where Cadans is installed: where checklists can be started. */
  installedTeams(actor: Actor): Promise<string[]>;
  /** For a beheerder: how many messages of the tenant failed for good (0 for everyone else). */
  failedMessages(actor: Actor): Promise<number>;
  finished(actor: Actor): Promise<{ id: number; publicId: string; title: string }[]>;
  start(actor: Actor, input: StartInput): Promise<Checklist>;
  get(actor: Actor, id: number): Promise<Checklist>;
  permissions(actor: Actor, checklist: Checklist, position?: number): Promise<StepPermissions>;
  /**
   * Sets a step's status. `edit`: what the step's form held when the button was pressed (editors
   * only), saved in the same change, so nothing typed there is lost.
   */
  setStatus(actor: Actor, id: number, position: number, status: unknown, edit?: StepEdit): Promise<StepResult>;
  /** The actor takes an unowned step; `edit` as for setStatus (its owner field is the actor, whatever the form said). */
  take(actor: Actor, id: number, position: number, edit?: StepEdit): Promise<StepResult>;
  editStep(actor: Actor, id: number, position: number, edit: StepEdit): Promise<StepResult>;
  /**
   * The step form the actor has open on a checklist's shared card (`draft`: what a refused save
   * sent, to show again), so that the card's refresh after someone else's change gives it back.
   */
  rememberView(actor: Actor, id: number, position: number, draft?: Record<string, string>): Promise<void>;
  /** The step form the actor has open on the shared card, if any (see rememberView). */
  openView(actor: Actor, id: number): Promise<StepView | null>;
  /** The actor went back to the overview. */
  forgetView(actor: Actor, id: number): Promise<void>;
  /**
   * Due-date reminders for step owners, for `today` (yyyy-mm-dd, Europe/Amsterdam): due within two
   * working days, and overdue. Each reminder goes out once per step, kind and due date.
   */
  runReminders(today: string): Promise<{ sent: number; failed: number }>;
  /** The outbox posted the channel card: remember its id; catch up on changes made meanwhile. */
  onCardPosted(checklistId: number, activityId: string, tx: Queryable): Promise<void>;
}

/**
 * The fields of a step's form as a change (editors only; nothing sent: no change and no check).
 * A field that does not parse refuses the whole change, so nothing is half saved.
 */
function editChange(c: Checklist, grants: readonly Grant[], position: number, edit: StepEdit | undefined): StepChange {
  const out: StepChange = {};
  if (!edit || Object.values(edit).every((v) => v === undefined)) return out;
  if (!canEditChecklist(grants, c.schoolId)) throw notAllowed('edit step');
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
  if (edit.items !== undefined) {
    const step = c.steps.find((s) => s.position === position)!;
    if (edit.items.length > step.items.length) throw checklistProblem('checklistNotFound');
    out.items = step.items.map((item, i) => {
      const e = edit.items![i];
      if (!e) return item;
      const url = e.evidenceUrl === undefined ? item.evidenceUrl : parseEvidenceUrl(e.evidenceUrl);
      if (url === null || url.length > MAX_ITEM_URL) throw checklistProblem('checklistInvalidItemUrl');
      return { ...item, done: e.done ?? item.done, evidenceUrl: url };
    });
  }
  return out;
}

export function createChecklistService(deps: ChecklistServiceDeps): ChecklistService {
  const { db } = deps;
  const byKey = new Map(BUILT_IN_TEMPLATES.map((t) => [t.key, t]));

  /** Any template by key; `archived: false` leaves out an archived own one (it cannot be started any more). */
  async function findAnyTemplate(tenantId: string, key: string, options: { archived?: false } = {}): Promise<ChecklistTemplate | undefined> {
    const builtIn = byKey.get(key);
    if (builtIn) return builtIn;
    const m = /^custom-(\d{1,12})$/.exec(key);
    if (!m) return undefined;
    const stored = await findTemplate(db, tenantId, Number(m[1]));
    if (!stored || (options.archived === false && stored.archived)) return undefined;
    return toCustomTemplate(stored) ?? undefined;
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



  const steps = createStepChanges({ db, outbox: deps.outbox, notifyOwner, permissionsFor });
  const change = steps.change;

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
    async archiveTemplate(actor, key) {
      if (!canManageTemplates(await deps.people.grantsOf(actor.tenantId, actor.aadObjectId))) throw notAllowed('archive template');
      const m = /^custom-(\d{1,15})$/.exec(key);
      const stored = m ? await findTemplate(db, actor.tenantId, Number(m[1])) : null;
      if (!stored || !(await archiveTemplate(db, actor.tenantId, stored.id))) return null;
      return toCustomTemplate(stored);
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
        steps.forget(actor.tenantId, id);
        await logChecklistEvent(tx, id, { aad: actor.aadObjectId, name: actor.name }, 'reposted', null);
        await deps.outbox.enqueue(
          { op: 'send', tenantId: c.tenantId, serviceUrl: c.serviceUrl, conversationId: c.conversationId, idempotencyKey: r.key, render: renderWith(CHANNEL_RENDERER, { checklistId: id }) },
          { client: tx },
        );
      });
      return load(actor, id);
    },
    installedTeams: (actor) => deps.conversations.installedTeams(actor.tenantId),
    async failedMessages(actor) {
      const grants = await deps.people.grantsOf(actor.tenantId, actor.aadObjectId);
      return grants.some((g) => g.role === 'beheerder') ? deps.outbox.failedCount(actor.tenantId) : 0;
    },
    finished: (actor) => listFinished(db, actor.tenantId, channelIdOf(actor), 5),
    async start(actor, input) {
      if (actor.conversation.kind !== 'channel') throw checklistProblem('checklistChannelOnly');
      const template = await findAnyTemplate(actor.tenantId, input.templateKey, { archived: false });
      if (!template) throw checklistProblem('checklistNotFound');
      if (!canEditChecklist(await deps.people.grantsOf(actor.tenantId, actor.aadObjectId), input.schoolId)) throw notAllowed('start checklist');
      const title = parseTitle(input.title);
      if (!title) throw checklistProblem('checklistInvalidTitle');
      const targetDate = input.targetDate === undefined || input.targetDate === '' ? null : parseIsoDate(input.targetDate);
      if (targetDate === null && input.targetDate !== undefined && input.targetDate !== '') throw checklistProblem('checklistInvalidDate');
      const inspection = parseInvestigation(template, input, targetDate);
      const language = await deps.people.tenantLanguage(actor.tenantId);
      // Due dates skip the school's holidays (its own rooster or its region; the board's region without a school).
      const calendar = targetDate && deps.people.calendarOf ? await deps.people.calendarOf(actor.tenantId, input.schoolId) : {};
      const dues = defaultDueDates(template, { start: targetDate, end: inspection.endDate, investigationType: inspection.investigationType }, calendar);
      // Documents meant for another sector (PTA and examenreglement for a primary school) are left out when the school's sector is known.
      const sector = input.schoolId !== null && deps.people.sectorOf ? await deps.people.sectorOf(actor.tenantId, input.schoolId) : null;
      const forSector = (item: { sectors?: readonly string[] }) => !sector || !item.sectors || item.sectors.includes(sector);
      const conversationId = channelIdOf(actor);
      if (input.schoolId !== null && !(await deps.people.findSchool(actor.tenantId, input.schoolId))) throw checklistProblem('checklistNotFound');
      const id = await inTransaction(db, async (tx) => {
        const newId = await insertChecklist(tx, {
          tenantId: actor.tenantId,
          templateKey: template.key,
          title,
          schoolId: input.schoolId,
          targetDate,
          investigationType: inspection.investigationType,
          endDate: inspection.endDate,
          language,
          conversationId,
          serviceUrl: actor.conversation.serviceUrl,
          teamId: actor.conversation.teamId ?? null,
          createdBy: actor.aadObjectId,
          steps: template.steps.map((s, i) => {
            // A step for another kind of investigation starts as n.v.t., with the note why (and no due date).
            const applies = !s.onlyFor || !inspection.investigationType || s.onlyFor.includes(inspection.investigationType);
            return {
              key: s.key,
              title: s.title,
              guidance: s.guidance,
              link: s.link ?? null,
              dueDate: applies ? (dues[i] ?? null) : null,
              ...(applies ? {} : { status: 'nvt' as const, note: s.notApplicableNote?.[language] ?? '' }),
              items: (s.items ?? []).filter(forSector).slice(0, MAX_STEP_ITEMS).map((item) => ({ key: item.key, title: item.title, done: false, evidenceUrl: '' })),
            };
          }),
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
    setStatus(actor, id, position, status, edit) {
      if (!isStepStatus(status)) throw checklistProblem('checklistNotFound');
      return change(actor, id, position, (c, grants) => {
        const step = c.steps.find((s) => s.position === position)!;
        if (!canSetStepStatus(grants, c.schoolId, step.ownerAad, actor.aadObjectId)) throw notAllowed('set step status');
        return { ...editChange(c, grants, position, edit), status: status as StepStatus };
      });
    },
    take(actor, id, position, edit) {
      return change(actor, id, position, (c, grants) => {
        const step = c.steps.find((s) => s.position === position)!;
        if (!canTakeStep(grants, c.schoolId, step.ownerAad)) throw notAllowed('take step');
        const { owner: _ignored, ...fields } = edit ?? {};
        return { ...editChange(c, grants, position, fields), owner: { aad: actor.aadObjectId, name: actor.name }, ...(step.status === 'open' ? { status: 'bezig' as const } : {}) };
      });
    },
    editStep(actor, id, position, edit) {
      return change(actor, id, position, (c, grants) => {
        if (!canEditChecklist(grants, c.schoolId)) throw notAllowed('edit step');
        return editChange(c, grants, position, edit);
      });
    },
    async rememberView(actor, id, position, draft) {
      // Only the shared card in a channel has a refresh that brings a form back.
      if (actor.conversation.kind !== 'channel') return;
      await saveStepView(db, id, actor.aadObjectId, position, draft ?? null);
    },
    async openView(actor, id) {
      if (actor.conversation.kind !== 'channel') return null;
      return findStepView(db, id, actor.aadObjectId);
    },
    async forgetView(actor, id) {
      if (actor.conversation.kind !== 'channel') return;
      await deleteStepView(db, id, actor.aadObjectId);
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

/**
 * An inspection's type and end date from the start form. A form from before types existed sends
 * none: the four-yearly board investigation. A forged type or an end before the start (or over a
 * year after it) is refused; nothing is started.
 */
function parseInvestigation(template: ChecklistTemplate, input: StartInput, start: string | null): { investigationType: InvestigationType | null; endDate: string | null } {
  if (!template.investigation) return { investigationType: null, endDate: null };
  const type = input.investigationType === undefined || input.investigationType === '' ? 'bestuur' : input.investigationType;
  if (!isInvestigationType(type)) throw checklistProblem('checklistInvalidInvestigation');
  if (input.endDate === undefined || input.endDate === '') return { investigationType: type, endDate: null };
  if (!start) throw checklistProblem('checklistEndWithoutStart');
  const end = parseEndDate(input.endDate, start);
  if (!end) throw checklistProblem('checklistInvalidEndDate');
  return { investigationType: type, endDate: end };
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
