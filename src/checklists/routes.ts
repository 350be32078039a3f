// Checklist routes: parse the action data, call one service function, render a card.
import { z } from 'zod';
import { renderNoticeCard } from '../cards/app-views.js';
import { DomainError } from '../errors.js';
import { cardName, escapeMarkdown } from '../cards/text.js';
import { parseActionData, boundedInt, dbId } from '../action-data.js';
import { CHECKLIST_REF_VERSIONS, toChecklistRef, withChecklistRef, type ChecklistAccess } from './access.js';
import type { AdaptiveCard } from '../cards/render.js';
import type { CommandHandler, FileHandler, RouteContext, VerbHandler } from '../routes.js';
import { checklistProblem, type StepPermissions, type StepResult } from './ports.js';
import type { ChecklistService, StepEdit } from './service.js';
import { MAX_STEP_ITEMS, isStepStatus, type Checklist, type StepStatus } from './model.js';
import { FORM_STEPS, errorsByField, formInputId, formToDefinition, formValuesFrom, type TemplateFormValues } from './template-form.js';
import type { StringKey } from '../cards/i18n.js';
import { formValueHash, renderExportCard, renderMenuCard, renderNewCard, renderStepCard, renderTemplateCard } from './view.js';

const position = boundedInt(1, 100);
const newData = z.object({ v: z.literal(1), template: z.string().max(80) });
const startData = z.object({
  v: z.literal(1),
  template: z.string().max(80),
  title: z.string().max(1000).optional(),
  school: z.union([z.literal('none'), z.literal(''), dbId]).optional(),
  targetDate: z.string().max(40).optional(),
  investigation: z.string().max(40).optional(),
  endDate: z.string().max(40).optional(),
});
/** `refresh`: Teams asks again for the shared card (its refresh action); otherwise the person went back to it. */
const viewData = withChecklistRef({ refresh: z.boolean().optional() });
/** What a step's form sends with each of its buttons (editors see the form; others send none of it). */
const formFields = {
  owner: z.string().max(200).optional(),
  dueDate: z.string().max(40).optional(),
  note: z.string().max(10_000).optional(),
  evidenceUrl: z.string().max(10_000).optional(),
  // The step's items (the documents of step 3): itemDone1 … and itemUrl1 …, by place.
  ...Object.fromEntries(
    Array.from({ length: MAX_STEP_ITEMS }, (_, i) => [
      [`itemDone${i + 1}`, z.enum(['true', 'false']).optional()],
      [`itemUrl${i + 1}`, z.string().max(10_000).optional()],
    ]).flat(),
  ),
};
/** The fingerprints of what the form showed, by input id (view.ts formValueHash): unchanged fields are not written. */
const seen = z.record(z.string().max(16)).refine((x) => Object.keys(x).length <= 4 + 2 * MAX_STEP_ITEMS).optional();
/** `kept`: the form showed a kept draft (of a refused save), to be cleared once a change from it succeeds. */
const kept = z.boolean().optional();
const exportData = withChecklistRef({});
/** "Verbeterplan starten" on a summary: the follow-up template, for the finished checklist's school. */
const followUpData = withChecklistRef({ template: z.string().max(80) });
const stepData = withChecklistRef({ position, seen, kept, ...formFields });
/** `from: 'card'`: a row's menu on the shared card (answered with the card), not the step's form. */
const statusData = withChecklistRef({ position, status: z.string().max(20), from: z.literal('card').optional(), seen, kept, ...formFields });
const saveData = withChecklistRef({ position, seen, kept, ...formFields });

/** The names of the form's inputs (formFields). */
const FORM_KEYS = new Set(Object.keys(formFields));

const STATUS_LABELS: Record<StepStatus, StringKey> = { open: 'checklistStatusOpen', bezig: 'checklistStatusBezig', klaar: 'checklistStatusKlaar', nvt: 'checklistStatusNvt' };

/** The items a save sends, by place; undefined where the card had no such item. */
function itemEdits(d: Record<string, unknown>): StepEdit['items'] {
  const out: NonNullable<StepEdit['items']>[number][] = [];
  for (let i = 1; i <= MAX_STEP_ITEMS; i++) {
    const done = d[`itemDone${i}`];
    const url = d[`itemUrl${i}`];
    out.push(done === undefined && url === undefined ? undefined : { done: done === undefined ? undefined : done === 'true', evidenceUrl: url });
  }
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out.length ? out : undefined;
}

export interface ChecklistRouteDeps {
  /** The tenant's schools (the people feature's). */
  schools(tenantId: string): Promise<{ id: number; name: string }[]>;
  checklists: ChecklistService;
  /** Signed, expiring download links (src/exports/). */
  linkFor(tenantId: string, checklistId: number, format: 'xlsx' | 'csv'): string;
  /** The checklist an action names (the access check has let the actor see it). */
  resolve: ChecklistAccess['resolve'];
  /** Renders a checklist's shared channel card for one viewer of its tenant (the refresh and "back" answer), with what their click did. */
  renderChannel(ctx: RouteContext, checklistId: number, message?: { text: string; tone: 'good' | 'warning' }): Promise<AdaptiveCard>;
  /** A finished checklist's summary card, as posted in its channel. */
  renderSummary(checklistId: number): Promise<AdaptiveCard>;
}

export function createChecklistRoutes(deps: ChecklistRouteDeps) {
  const { checklists } = deps;

  async function menu(ctx: RouteContext) {
    const [running, finished, canStart, templates, canAddTemplate, failedMessages] = await Promise.all([
      checklists.running(ctx.actor),
      checklists.finished(ctx.actor),
      checklists.canStartAny(ctx.actor),
      checklists.templates(ctx.actor.tenantId),
      checklists.canManageTemplates(ctx.actor),
      checklists.failedMessages(ctx.actor),
    ]);
    return renderMenuCard(ctx.cards, ctx.t, { running, finished, templates, canStart, canAddTemplate, failedMessages, language: ctx.language });
  }

  type Message = { text: string; tone: 'good' | 'warning' };

  async function stepCard(ctx: RouteContext, c: Checklist, n: number, message?: Message, known?: StepPermissions, draft?: Record<string, string> | null) {
    const step = c.steps.find((s) => s.position === n);
    if (!step) throw checklistProblem('checklistNotFound');
    const perms = known ?? (await checklists.permissions(ctx.actor, c, n));
    const people = perms.canEdit ? await ctx.directory.listMembers() : [];
    // On the shared card in a channel the form carries the card's refresh for this person (see view).
    const refreshFor = ctx.actor.conversation.kind === 'channel' ? ctx.actor.teamsUserId : undefined;
    return renderStepCard(ctx.cards, ctx.t, { checklist: c, step, language: ctx.language, ...perms, people, message, draft, refreshFor });
  }

  /** What the step's form sent (strings only, as the card sent them): shown again when a save is refused. */
  function draftOf(d: Record<string, unknown>): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(d)) if (typeof v === 'string' && FORM_KEYS.has(k)) out[k] = v;
    return Object.keys(out).length ? out : undefined;
  }

  /**
   * The form's fields the person changed, as an edit (the owner checked against the roster);
   * undefined when the card sent none. A field still as the form showed it (its `seen` fingerprint)
   * is left out, so it does not undo what someone else saved after the form was drawn.
   */
  async function editOf(ctx: RouteContext, sent: Record<string, unknown>, withOwner: boolean): Promise<StepEdit | undefined> {
    if (!draftOf(sent)) return undefined;
    const shown = (sent.seen ?? {}) as Record<string, string>;
    const d: Record<string, unknown> = {};
    for (const key of FORM_KEYS) {
      const v = sent[key];
      if (typeof v === 'string' && shown[key] !== undefined && formValueHash(v) === shown[key]) continue;
      d[key] = v;
    }
    let owner: { aad: string; name: string } | null | undefined;
    const picked = d.owner;
    if (withOwner && typeof picked === 'string') {
      if (picked === '') owner = null;
      else {
        // Whatever the card offered: the owner must be in this team's roster or known to Cadans.
        const m = await ctx.directory.findMember(picked);
        if (!m) throw checklistProblem('checklistOwnerUnknown');
        owner = { aad: m.aadObjectId, name: m.name };
      }
    }
    const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
    return { owner, dueDate: str(d.dueDate), note: str(d.note), evidenceUrl: str(d.evidenceUrl), items: itemEdits(d) };
  }

  /**
   * A change from a step's form. Saved: the form again, with "Opgeslagen", and remembered as what
   * this person has open. Refused for something they can correct: the form with what they typed
   * (kept too, so the card's refresh after someone else's change brings it back) and why.
   */
  async function onStep(ctx: RouteContext, checklistId: number, n: number, sent: Record<string, unknown>, run: () => Promise<StepResult>) {
    const draft = draftOf(sent);
    try {
      const r = await run();
      // The open form was remembered by Details; only a kept draft it showed needs clearing (no
      // statement otherwise: a step change stays as cheap as it was).
      if (sent.kept === true) await checklists.rememberView(ctx.actor, checklistId, n);
      return stepCard(ctx, r.checklist, n, { text: ctx.t('checklistSaved'), tone: 'good' }, r.permissions);
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
      const c = await checklists.get(ctx.actor, checklistId);
      await checklists.rememberView(ctx.actor, checklistId, n, draft);
      return stepCard(ctx, c, n, { text: ctx.t(err.textKey, err.params), tone: 'warning' }, undefined, draft);
    }
  }

  /** In a channel the list of its checklists; elsewhere where checklists live, and in which teams Cadans is. */
  const open: VerbHandler & CommandHandler = async (ctx) => {
    if (ctx.actor.conversation.kind === 'channel') return menu(ctx);
    const teams = await checklists.installedTeams(ctx.actor);
    return renderNoticeCard(ctx.cards, ctx.t, {
      title: ctx.t('checklistWhereTitle'),
      text: teams.length
        ? ctx.t('checklistWhereTeams', { teams: teams.map((n) => `**${escapeMarkdown(cardName(n))}**`).join(', ') })
        : ctx.t('checklistWhereNoTeams'),
    });
  };

  const newChecklist: VerbHandler = async (ctx, data) => {
    const d = parseActionData(newData, data);
    const template = await checklists.template(ctx.actor.tenantId, d.template);
    if (!template) throw checklistProblem('checklistNotFound');
    if (!(await checklists.canStartAny(ctx.actor))) throw new DomainError('notAllowed', 'notAllowedTitle', 'notAllowedText');
    const schools = await deps.schools(ctx.actor.tenantId);
    return renderNewCard(ctx.cards, ctx.t, { template, schools, language: ctx.language });
  };

  /**
   * A summary's follow-up ("Verbeterplan starten"): the start form of the follow-up template with the
   * finished checklist's school filled in. Answered in a new message below the summary, which stays
   * (keepSummary).
   */
  const followUp: VerbHandler = async (ctx, data) => {
    const { d, checklistId } = await parseWithChecklist(ctx, followUpData, data);
    const finished = await checklists.get(ctx.actor, checklistId);
    const template = await checklists.template(ctx.actor.tenantId, d.template);
    if (!template) throw checklistProblem('checklistNotFound');
    if (!(await checklists.canStartAny(ctx.actor))) throw new DomainError('notAllowed', 'notAllowedTitle', 'notAllowedText');
    const schools = await deps.schools(ctx.actor.tenantId);
    const school = finished.schoolId !== null && schools.some((s) => s.id === finished.schoolId) ? String(finished.schoolId) : undefined;
    return renderNewCard(ctx.cards, ctx.t, { template, schools, language: ctx.language, values: { school } });
  };
  /** The summary the follow-up button was on, unchanged (a refusal for a checklist one may not see: the refusal). */
  const keepSummary = async (ctx: RouteContext, data: unknown): Promise<AdaptiveCard> => {
    const { checklistId } = await parseWithChecklist(ctx, followUpData, data);
    await checklists.get(ctx.actor, checklistId);
    return deps.renderSummary(checklistId);
  };

  const start: VerbHandler = async (ctx, data) => {
    const d = parseActionData(startData, data);
    try {
      const c = await checklists.start(ctx.actor, {
        templateKey: d.template,
        title: d.title ?? '',
        schoolId: d.school === undefined || d.school === 'none' || d.school === '' ? null : d.school,
        targetDate: d.targetDate,
        investigationType: d.investigation,
        endDate: d.endDate,
      });
      // The checklist itself is posted in the channel by the outbox; the form becomes a confirmation.
      return renderNoticeCard(ctx.cards, ctx.t, { title: escapeMarkdown(c.title), text: ctx.t('checklistStarted', { title: escapeMarkdown(c.title) }) });
    } catch (err) {
      const template = err instanceof DomainError && err.kind === 'conflict' ? await checklists.template(ctx.actor.tenantId, d.template) : undefined;
      if (!(err instanceof DomainError) || err.kind !== 'conflict' || !template) throw err;
      const schools = await deps.schools(ctx.actor.tenantId);
      return renderNewCard(ctx.cards, ctx.t, { template, schools, language: ctx.language, message: ctx.t(err.textKey), values: { title: d.title, targetDate: d.targetDate, investigation: d.investigation, endDate: d.endDate } });
    }
  };

  /** The action's data, and the number of the checklist it names (of the actor's tenant). */
  async function parseWithChecklist<T extends z.ZodTypeAny>(ctx: RouteContext, schema: T, data: unknown): Promise<{ d: z.output<T>; checklistId: number }> {
    const d = parseActionData(schema, data, CHECKLIST_REF_VERSIONS);
    const scope = await deps.resolve(ctx.actor.tenantId, toChecklistRef(d));
    if (!scope) throw checklistProblem('checklistNotFound');
    return { d, checklistId: scope.id };
  }

  /**
   * The shared card for one person. Teams' refresh (after someone's change updated the message, or
   * when the card comes into view) gives a person their step form back if they have one open;
   * "back to the checklist" (and Open in the list) closes it.
   */
  const view: VerbHandler = async (ctx, data) => {
    const { d, checklistId } = await parseWithChecklist(ctx, viewData, data);
    if (d.refresh) {
      const open = await checklists.openView(ctx.actor, checklistId);
      if (open) {
        const c = await checklists.get(ctx.actor, checklistId);
        if (c.steps.some((s) => s.position === open.position)) {
          const message = open.draft ? { text: ctx.t('checklistDraftKept'), tone: 'warning' as const } : undefined;
          return stepCard(ctx, c, open.position, message, undefined, open.draft);
        }
      }
    } else {
      await checklists.forgetView(ctx.actor, checklistId);
    }
    return deps.renderChannel(ctx, checklistId);
  };

  const step: VerbHandler = async (ctx, data) => {
    const { d, checklistId } = await parseWithChecklist(ctx, stepData, data);
    // Remembered as this person's open form, so that the card's refresh gives it back (see view).
    const [c] = await Promise.all([checklists.get(ctx.actor, checklistId), checklists.rememberView(ctx.actor, checklistId, d.position)]);
    return stepCard(ctx, c, d.position);
  };

  const setStatus: VerbHandler = async (ctx, data) => {
    const { d, checklistId } = await parseWithChecklist(ctx, statusData, data);
    if (d.from === 'card') {
      // A row's menu on the shared card: one click, answered with the card (the others get it through the outbox).
      const status = typeof d.status === 'string' ? d.status : '';
      let message: Message;
      try {
        await checklists.setStatus(ctx.actor, checklistId, d.position, status);
        const label = isStepStatus(status) ? ctx.t(STATUS_LABELS[status]).toLowerCase() : status;
        message = { text: ctx.t('checklistRowSaved', { n: d.position, status: label }), tone: 'good' };
      } catch (err) {
        // A refusal stays on the card, above the rows, so the overview is not lost for this person.
        if (!(err instanceof DomainError) || (err.kind !== 'conflict' && err.kind !== 'notAllowed')) throw err;
        message = { text: err.kind === 'notAllowed' ? `**${ctx.t(err.titleKey)}.** ${ctx.t(err.textKey, err.params)}` : ctx.t(err.textKey, err.params), tone: 'warning' };
      }
      return deps.renderChannel(ctx, checklistId, message);
    }
    const sent = d as Record<string, unknown>;
    return onStep(ctx, checklistId, d.position, sent, async () => checklists.setStatus(ctx.actor, checklistId, d.position, d.status, await editOf(ctx, sent, true)));
  };

  const take: VerbHandler = async (ctx, data) => {
    const { d, checklistId } = await parseWithChecklist(ctx, stepData, data);
    const sent = d as Record<string, unknown>;
    // The owner becomes the person who takes it, whatever the form's picker said.
    return onStep(ctx, checklistId, d.position, sent, async () => checklists.take(ctx.actor, checklistId, d.position, await editOf(ctx, sent, false)));
  };

  const saveStep: VerbHandler = async (ctx, data) => {
    const { d, checklistId } = await parseWithChecklist(ctx, saveData, data);
    const sent = d as Record<string, unknown>;
    return onStep(ctx, checklistId, d.position, sent, async () => {
      const current = await checklists.get(ctx.actor, checklistId);
      if (!(await checklists.permissions(ctx.actor, current)).canEdit) throw new DomainError('notAllowed', 'notAllowedTitle', 'notAllowedText');
      return checklists.editStep(ctx.actor, checklistId, d.position, (await editOf(ctx, sent, true)) ?? {});
    });
  };

  const exportChecklist: VerbHandler = async (ctx, data) => {
    const { checklistId } = await parseWithChecklist(ctx, exportData, data);
    const c = await checklists.get(ctx.actor, checklistId);
    return renderExportCard(ctx.cards, ctx.t, {
      title: c.title,
      xlsxUrl: deps.linkFor(ctx.actor.tenantId, c.id, 'xlsx'),
      csvUrl: deps.linkFor(ctx.actor.tenantId, c.id, 'csv'),
    });
  };

  const repost: VerbHandler = async (ctx, data) => {
    const { checklistId } = await parseWithChecklist(ctx, exportData, data);
    const c = await checklists.repost(ctx.actor, checklistId);
    return renderNoticeCard(ctx.cards, ctx.t, { title: ctx.t('checklistRepostedTitle'), text: ctx.t('checklistReposted', { title: escapeMarkdown(c.title) }) });
  };

  const archiveData = z.object({ v: z.literal(1), template: z.string().max(80) });

  const archiveTemplate: VerbHandler = async (ctx, data) => {
    const d = parseActionData(archiveData, data);
    const archived = await checklists.archiveTemplate(ctx.actor, d.template);
    if (!archived) throw checklistProblem('checklistNotFound');
    return renderNoticeCard(ctx.cards, ctx.t, { title: ctx.t('checklistTemplateArchivedTitle'), text: ctx.t('checklistTemplateArchived', { title: escapeMarkdown(archived.title[ctx.language]) }) });
  };

  // The form's inputs travel with both save buttons, so either save keeps what was typed in the other.
  const formFields = {
    [formInputId.title]: z.string().max(10_000).optional(),
    ...Object.fromEntries(
      Array.from({ length: FORM_STEPS }, (_, i) => [
        [formInputId.stepTitle(i + 1), z.string().max(10_000).optional()],
        [formInputId.stepGuidance(i + 1), z.string().max(10_000).optional()],
        [formInputId.stepDays(i + 1), z.string().max(10_000).optional()],
      ]).flat(),
    ),
  };
  const templateData = z.object({ v: z.literal(1), definition: z.string().max(200_000).optional(), ...formFields });

  const addTemplate: VerbHandler = async (ctx) => {
    if (!(await checklists.canManageTemplates(ctx.actor))) throw new DomainError('notAllowed', 'notAllowedTitle', 'notAllowedText');
    return renderTemplateCard(ctx.cards, ctx.t, { language: ctx.language });
  };

  async function saveTemplateText(ctx: RouteContext, text: string, form?: TemplateFormValues) {
    const r = await checklists.addTemplate(ctx.actor, text);
    return r.ok
      ? renderTemplateCard(ctx.cards, ctx.t, { language: ctx.language, saved: r.template.title[ctx.language] })
      : renderTemplateCard(ctx.cards, ctx.t, { language: ctx.language, text, errors: r.errors, form });
  }

  const saveTemplate: VerbHandler = async (ctx, data) => {
    const d = parseActionData(templateData, data);
    return saveTemplateText(ctx, d.definition ?? '', formValuesFrom(d));
  };

  /** The form: made into the definition a pasted template would be, saved the same way. */
  const saveTemplateForm: VerbHandler = async (ctx, data) => {
    const d = parseActionData(templateData, data);
    const form = formValuesFrom(d);
    const { text, fieldOfLine } = formToDefinition(form);
    const r = await checklists.addTemplate(ctx.actor, text);
    return r.ok
      ? renderTemplateCard(ctx.cards, ctx.t, { language: ctx.language, saved: r.template.title[ctx.language] })
      : renderTemplateCard(ctx.cards, ctx.t, { language: ctx.language, text: d.definition, form, formErrors: errorsByField(r.errors, fieldOfLine) });
  };

  /** A .yaml, .yml or .json file sent in the personal chat is an own checklist template. */
  const onFile: FileHandler = async (ctx, file) => {
    if (!(await checklists.canManageTemplates(ctx.actor))) throw new DomainError('notAllowed', 'notAllowedTitle', 'notAllowedText');
    const text = /\.(ya?ml|json)$/i.test(file.name) ? await file.read() : null;
    if (text === null) return renderTemplateCard(ctx.cards, ctx.t, { language: ctx.language, errors: [{ line: null, message: { nl: ctx.t('checklistFileUnreadable'), en: ctx.t('checklistFileUnreadable') } }] });
    return saveTemplateText(ctx, text);
  };

  return { open, newChecklist, followUp, keepSummary, start, view, step, setStatus, take, saveStep, exportChecklist, repost, archiveTemplate, addTemplate, saveTemplate, saveTemplateForm, onFile };
}
