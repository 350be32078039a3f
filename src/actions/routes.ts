// Improvement-action routes: parse the action data, call one service function, render a card. The
// cards are invoke responses for the person who clicked; the owner's 1:1 cards go through the outbox.
import { z } from 'zod';
import { parseActionData } from '../action-data.js';
import type { AdaptiveCard } from '../cards/render.js';
import { notAllowed } from '../errors.js';
import type { RouteContext, VerbHandler } from '../routes.js';
import { OWNER_PROBLEMS, defaultDueDate, type ActionSource, type ImprovementAction, type LocalText } from './model.js';
import { actionProblem, type SurveySource } from './ports.js';
import type { ActionService, Person } from './service.js';
import { renderActionCard, renderFormCard, renderListCard, text, type FormCardInput } from './view.js';

const uuid = z.string().uuid().transform((x) => x.toLowerCase());
const questionId = z.string().regex(/^q\d{1,2}$/);
const field = (max: number) => z.string().max(max).optional();
const actionRef = z.object({ v: z.literal(1), action: uuid });
const newData = z.object({ v: z.literal(1), survey: uuid.optional(), question: questionId.optional() });
const improveData = z.object({ v: z.literal(1), survey: uuid, question: questionId });
const saveData = z.object({
  v: z.literal(1),
  action: uuid.optional(),
  survey: uuid.optional(),
  question: questionId.optional(),
  title: field(2_000),
  description: field(10_000),
  owner: field(200),
  dueDate: field(40),
  school: field(20),
});
const openData = actionRef.extend({ edit: z.boolean().optional() });
const doneData = actionRef.extend({ worked: field(20), keep: field(10_000) });

export interface ActionRouteDeps {
  actions: ActionService;
  schools(tenantId: string): Promise<{ id: number; name: string }[]>;
  surveys: SurveySource & {
    /** May this actor see this survey's results (the survey feature's guard)? */
    maySee(ctx: RouteContext, surveyPublicId: string): Promise<boolean>;
  };
  /** Today's date (yyyy-mm-dd) in Europe/Amsterdam. */
  today(): string;
}

type Values = FormCardInput['values'];

export function createActionRoutes(deps: ActionRouteDeps) {
  const { actions } = deps;

  /** The survey line an action is made from, as the source it keeps; refused when the question is not (or no longer) there. */
  async function surveySource(ctx: RouteContext, survey: string, question: string): Promise<{ source: ActionSource; schoolId: number | null }> {
    const info = await deps.surveys.describe(ctx.actor.tenantId, survey, question);
    if (!info) throw actionProblem('actionSourceNotFound');
    return {
      source: { kind: 'survey', surveyId: info.surveyId, questionId: question, questionText: info.questionText, surveyTitle: info.title, standard: info.standard },
      schoolId: info.schoolId,
    };
  }

  /** Defaults of a new action: the person making it owns it, due in four weeks. */
  const defaults = (ctx: RouteContext): Values => ({ title: '', description: '', ownerAad: ctx.actor.aadObjectId, ownerName: ctx.actor.name, dueDate: defaultDueDate(deps.today()), school: 'none' });

  async function surveyForm(ctx: RouteContext, survey: string, question: string, values: Values, problems?: LocalText[]) {
    const { source } = await surveySource(ctx, survey, question);
    return renderFormCard(ctx.cards, { language: ctx.language, survey: { publicId: survey, questionId: question, source }, people: await ctx.directory.listMembers(), values, ...(problems ? { problems } : {}) });
  }

  async function manualForm(ctx: RouteContext, values: Values, problems?: LocalText[]) {
    const creator = await actions.creator(ctx.actor);
    if (!creator.canCreate) throw notAllowed('create improvement action');
    const schools = creator.fixedSchoolId === null ? await deps.schools(ctx.actor.tenantId) : [];
    return renderFormCard(ctx.cards, { language: ctx.language, schools, people: await ctx.directory.listMembers(), values, ...(problems ? { problems } : {}) });
  }

  async function actionCard(ctx: RouteContext, publicId: string, message?: { text: string; tone: 'good' | 'warning' }, evaluation?: { worked: string; keep: string; problems: LocalText[] }): Promise<AdaptiveCard> {
    const { action, permissions } = await actions.get(ctx.actor, publicId);
    return renderActionCard(ctx.cards, {
      language: ctx.language,
      action,
      today: deps.today(),
      canEdit: permissions.canEdit,
      canCancel: permissions.canCancel,
      showList: permissions.canList,
      ...(message ? { message } : {}),
      ...(evaluation ? { evaluation } : {}),
    });
  }

  /** The owner the form names, checked against the roster and the people Cadans knows (whatever the card offered). */
  async function ownerOf(ctx: RouteContext, aad: string | undefined): Promise<Person | LocalText> {
    if (!aad) return OWNER_PROBLEMS.missing;
    if (aad === ctx.actor.aadObjectId) return { aad, name: ctx.actor.name };
    const m = await ctx.directory.findMember(aad);
    return m ? { aad: m.aadObjectId, name: m.name } : OWNER_PROBLEMS.unknown;
  }

  const createdMessage = (ctx: RouteContext, a: ImprovementAction) => ({
    text: a.ownerAad === ctx.actor.aadObjectId ? text(ctx.language, 'createdOwn') : text(ctx.language, 'created', { owner: a.ownerName || a.ownerAad }),
    tone: 'good' as const,
  });

  /** "Nieuwe verbeteractie": the form, typed in or (with a survey line) prefilled from it. */
  const newAction: VerbHandler = async (ctx, data) => {
    const d = parseActionData(newData, data);
    if (d.survey && d.question) {
      // The role let them in; a survey line also takes seeing that survey's results.
      if (!(await deps.surveys.maySee(ctx, d.survey))) throw notAllowed('may not see this survey');
      return surveyForm(ctx, d.survey, d.question, defaults(ctx));
    }
    return manualForm(ctx, defaults(ctx));
  };

  /** "Verbeteractie" on a line of a survey's results: the form, with the question and its standard. */
  const improve: VerbHandler = async (ctx, data) => {
    const d = parseActionData(improveData, data);
    return surveyForm(ctx, d.survey, d.question, defaults(ctx));
  };

  const save: VerbHandler = async (ctx, data) => {
    const d = parseActionData(saveData, data);
    const owner = await ownerOf(ctx, d.owner);
    const typed: Values = {
      title: d.title ?? '',
      description: d.description ?? '',
      ownerAad: 'aad' in owner ? owner.aad : '',
      ownerName: 'aad' in owner ? owner.name : '',
      dueDate: d.dueDate ?? '',
      school: d.school ?? 'none',
    };
    const form = { title: d.title ?? '', description: d.description ?? '', dueDate: d.dueDate ?? '' };

    if (d.action) {
      const publicId = d.action;
      const again = async (problems: LocalText[]) => {
        const { action } = await actions.get(ctx.actor, publicId);
        return renderFormCard(ctx.cards, { language: ctx.language, action, people: await ctx.directory.listMembers(), values: typed, problems });
      };
      if (!('aad' in owner)) return again([owner]);
      const r = await actions.update(ctx.actor, publicId, { ...form, owner });
      return r.ok ? actionCard(ctx, publicId, { text: text(ctx.language, 'saved'), tone: 'good' }) : again(r.problems);
    }

    if (d.survey && d.question) {
      const { survey, question } = d;
      if (!('aad' in owner)) return surveyForm(ctx, survey, question, typed, [owner]);
      const { source, schoolId } = await surveySource(ctx, survey, question);
      const r = await actions.create(ctx.actor, { ...form, owner, source, schoolId });
      return r.ok ? actionCard(ctx, r.action.publicId, createdMessage(ctx, r.action)) : surveyForm(ctx, survey, question, typed, r.problems);
    }

    if (!('aad' in owner)) return manualForm(ctx, typed, [owner]);
    const school = d.school && /^\d{1,15}$/.test(d.school) ? Number(d.school) : null;
    const r = await actions.create(ctx.actor, { ...form, owner, source: { kind: 'manual' }, schoolId: school });
    return r.ok ? actionCard(ctx, r.action.publicId, createdMessage(ctx, r.action)) : manualForm(ctx, typed, r.problems);
  };

  /** One action; with `edit`, its form (for someone who may change it). */
  const open: VerbHandler = async (ctx, data) => {
    const d = parseActionData(openData, data);
    if (!d.edit) return actionCard(ctx, d.action);
    const { action, permissions } = await actions.get(ctx.actor, d.action);
    if (!permissions.canEdit) return actionCard(ctx, d.action);
    return renderFormCard(ctx.cards, {
      language: ctx.language,
      action,
      people: await ctx.directory.listMembers(),
      values: { title: action.title, description: action.description, ownerAad: action.ownerAad, ownerName: action.ownerName, dueDate: action.dueDate },
    });
  };

  /** Marks it done with the evaluation; an incomplete one keeps the form open with what was typed. */
  const done: VerbHandler = async (ctx, data) => {
    const d = parseActionData(doneData, data);
    const r = await actions.complete(ctx.actor, d.action, { worked: d.worked, keep: d.keep });
    if (r.ok) return actionCard(ctx, d.action, { text: text(ctx.language, 'completed'), tone: 'good' });
    return actionCard(ctx, d.action, undefined, { worked: d.worked ?? '', keep: d.keep ?? '', problems: r.problems });
  };

  const cancel: VerbHandler = async (ctx, data) => {
    const d = parseActionData(actionRef, data);
    await actions.cancel(ctx.actor, d.action);
    return actionCard(ctx, d.action, { text: text(ctx.language, 'cancelled'), tone: 'good' });
  };

  /** The open actions the actor may see, overdue first. */
  const list: VerbHandler = async (ctx) => {
    const r = await actions.listOpen(ctx.actor);
    return renderListCard(ctx.cards, { language: ctx.language, actions: r.actions, total: r.total, overdue: r.overdue, canCreate: r.canCreate });
  };

  return { newAction, improve, save, open, done, cancel, list };
}
