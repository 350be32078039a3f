// Meeting routes: parse the action data, call one service function, render a card. Cards answer the
// person who clicked; prep cards, warnings and follow-ups to others go through the outbox.
import { z } from 'zod';
import { parseActionData } from '../action-data.js';
import type { AdaptiveCard } from '../cards/render.js';
import type { Language } from '../config.js';
import { isRole, ROLES, type Role } from '../people/feature.js';
import type { CommandHandler, RouteContext, VerbHandler } from '../routes.js';
import { amsterdamDate, isClockTime, RuleSchema, type Rule } from '../schedule/index.js';
import { TABLE_LIMITS, type ChairSpec, type LocalText, type MemberSpec } from './model.js';
import type { MeetingOutlook } from './outlook.js';
import type { MeetingService, SaveTableInput } from './service.js';
import { renderFollowUp, renderOverview, renderPrep, renderTable, renderTableForm } from './view.js';
import type { TableFormInput } from './view-model.js';

const uuid = z.string().uuid().transform((x) => x.toLowerCase());
const field = (max: number) => z.string().max(max).optional();
const tableRef = z.object({ v: z.literal(1), table: uuid });
const meetingRef = z.object({ v: z.literal(1), meeting: uuid });
const openData = z.object({ v: z.literal(1), school: field(20) });
const editData = z.object({ v: z.literal(1), table: uuid.optional() });
const saveData = z.object({
  v: z.literal(1),
  table: uuid.optional(),
  name: field(500),
  school: field(20),
  ruleKind: field(40),
  weeks: field(10),
  minWeeks: field(10),
  maxWeeks: field(10),
  times: field(10),
  months: field(100),
  dates: field(3_000),
  time: field(10),
  duration: field(10),
  prepDays: field(10),
  topics: field(5_000),
  roles: field(2_000),
  people: field(20_000),
  externals: field(20_000),
  chair: field(200),
  nextDate: field(40),
  nextTime: field(10),
});
const pauseData = tableRef.extend({ paused: z.boolean() });
const removeData = tableRef.extend({ confirm: z.literal(true).optional() });
const nextData = tableRef.extend({ nextDate: field(40), nextTime: field(10) });
const outlookData = tableRef.extend({ mode: z.enum(['create', 'link']), event: field(4_000) });
const agendaData = meetingRef.extend({ agendaText: field(2_000) });
const cannotData = meetingRef.extend({ reason: field(2_000) });
const recordData = meetingRef.extend({
  held: field(10),
  decisions: field(20_000),
  nextDate: field(40),
  nextTime: field(10),
  a1Title: field(1_000),
  a1Owner: field(200),
  a1Due: field(40),
  a2Title: field(1_000),
  a2Owner: field(200),
  a2Due: field(40),
  a3Title: field(1_000),
  a3Owner: field(200),
  a3Due: field(40),
});

type FormValues = TableFormInput['values'];
type Problem = { field: string; text: LocalText };

const say = (t: LocalText, language: Language) => t[language];
const saved = (language: Language, text: LocalText = { nl: 'Opgeslagen.', en: 'Saved.' }) => ({ text: say(text, language), tone: 'good' as const });

const EMAIL = /^[^\s<>@,;]+@[^\s<>@,;]+\.[^\s<>@,;]+$/;
const SCOPES = ['tenant', 'school', 'any'] as const;

/** The form's values of a rule. */
function ruleValues(rule: Rule): Pick<FormValues, 'ruleKind' | 'weeks' | 'minWeeks' | 'maxWeeks' | 'times' | 'months' | 'dates'> {
  return {
    ruleKind: rule.kind,
    weeks: rule.kind === 'everyNWeeks' ? String(rule.weeks) : '2',
    minWeeks: rule.kind === 'window' ? String(rule.minWeeks) : '4',
    maxWeeks: rule.kind === 'window' ? String(rule.maxWeeks) : '6',
    times: rule.kind === 'perSchoolYear' ? String(rule.times) : '2',
    months: rule.kind === 'yearlyInMonths' ? rule.months.join(',') : '6,7',
    dates: rule.kind === 'dates' ? rule.dates.join(', ') : '',
  };
}

/** Parses the form into a table's values; problems per field, in both languages. */
export function parseTableForm(d: z.output<typeof saveData>, names: Map<string, string>, isNew: boolean): { ok: true; value: SaveTableInput } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const num = (x: string | undefined) => (x && /^\d{1,4}$/.test(x.trim()) ? Number(x.trim()) : NaN);
  const name = (d.name ?? '').replace(/\s+/g, ' ').trim();
  if (name.length > TABLE_LIMITS.name) problems.push({ field: 'name', text: { nl: `Een naam heeft hoogstens ${TABLE_LIMITS.name} tekens.`, en: `A name has at most ${TABLE_LIMITS.name} characters.` } });
  if (isNew && !name) problems.push({ field: 'name', text: { nl: 'Geef het overleg een naam.', en: 'Give the meeting a name.' } });
  const schoolId = d.school && /^\d{1,15}$/.test(d.school) ? Number(d.school) : null;
  let rule: Rule | null = null;
  const kind = d.ruleKind ?? '';
  const candidate =
    kind === 'everyNWeeks'
      ? { kind, weeks: num(d.weeks) }
      : kind === 'window'
        ? { kind, minWeeks: num(d.minWeeks), maxWeeks: num(d.maxWeeks) }
        : kind === 'perSchoolYear'
          ? { kind, times: num(d.times) }
          : kind === 'yearlyInMonths'
            ? { kind, months: (d.months ?? '').split(/[\s,;]+/).filter(Boolean).map(Number) }
            : kind === 'dates'
              ? { kind, dates: (d.dates ?? '').split(/[\s,;]+/).filter(Boolean).map(toIsoDate) }
              : null;
  const r = candidate ? RuleSchema.safeParse(candidate) : null;
  if (r?.success) rule = r.data as Rule;
  else
    problems.push({
      field: 'rule',
      text: {
        nl: 'Dit ritme klopt niet: weken tussen 1 en 52 (minimum niet groter dan maximum), 1 tot 40 keer per schooljaar, maanden die op elkaar volgen (bijvoorbeeld 6,7), of data als 2027-03-15.',
        en: 'This rhythm is not valid: weeks between 1 and 52 (minimum not above maximum), 1 to 40 times per school year, months that follow each other (for example 6,7), or dates like 2027-03-15.',
      },
    });
  const time = (d.time ?? '').trim();
  if (!isClockTime(time)) problems.push({ field: 'time', text: { nl: 'Vul een tijd in, bijvoorbeeld 09:30.', en: 'Enter a time, for example 09:30.' } });
  const duration = num(d.duration);
  if (!(duration >= 15 && duration <= 720)) problems.push({ field: 'duration', text: { nl: 'De duur is 15 tot 720 minuten.', en: 'The duration is 15 to 720 minutes.' } });
  const prepDays = num(d.prepDays);
  if (!(prepDays >= 0 && prepDays <= TABLE_LIMITS.prepDays)) problems.push({ field: 'prepDays', text: { nl: `Kies 0 tot ${TABLE_LIMITS.prepDays} werkdagen.`, en: `Choose 0 to ${TABLE_LIMITS.prepDays} working days.` } });
  const topicLines = (d.topics ?? '').split(/\r?\n/).map((x) => x.trim()).filter(Boolean);
  if (topicLines.length > TABLE_LIMITS.topics || topicLines.some((x) => x.length > TABLE_LIMITS.topic))
    problems.push({ field: 'topics', text: { nl: `Hoogstens ${TABLE_LIMITS.topics} onderwerpen van elk ${TABLE_LIMITS.topic} tekens.`, en: `At most ${TABLE_LIMITS.topics} topics of ${TABLE_LIMITS.topic} characters each.` } });
  const members: MemberSpec[] = [];
  for (const part of (d.roles ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const [role, scope] = part.split(':');
    if (isRole(role) && (SCOPES as readonly string[]).includes(scope ?? 'tenant')) members.push({ kind: 'role', role, scope: (scope ?? 'tenant') as 'tenant' | 'school' | 'any' });
    else problems.push({ field: 'roles', text: { nl: 'Kies rollen uit de lijst.', en: 'Choose roles from the list.' } });
  }
  for (const aad of (d.people ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!/^[0-9a-zA-Z-]{1,64}$/.test(aad)) problems.push({ field: 'people', text: { nl: 'Kies mensen uit de lijst.', en: 'Choose people from the list.' } });
    else members.push({ kind: 'person', aadObjectId: aad, name: names.get(aad) ?? '' });
  }
  (d.externals ?? '').split(/\r?\n/).map((x) => x.trim()).filter(Boolean).forEach((line, i) => {
    const m = /^(.*?)\s*<([^>]+)>$/.exec(line) ?? /^()(\S+@\S+)$/.exec(line);
    const nm = (m?.[1] ?? '').replace(/[",]/g, '').trim();
    const email = (m?.[2] ?? '').trim();
    if (!m || !EMAIL.test(email) || email.length > 254 || nm.length > 120) problems.push({ field: 'externals', text: { nl: `Regel ${i + 1}: schrijf het als Naam <adres@voorbeeld.nl>.`, en: `Line ${i + 1}: write it as Name <address@example.org>.` } });
    else members.push({ kind: 'external', name: nm || email, email });
  });
  if (members.length > TABLE_LIMITS.members) problems.push({ field: 'roles', text: { nl: `Hoogstens ${TABLE_LIMITS.members} leden.`, en: `At most ${TABLE_LIMITS.members} members.` } });
  let chair: ChairSpec | null = null;
  const [ck, cv] = (d.chair ?? '').split(':');
  if (ck === 'role' && isRole(cv)) chair = { kind: 'role', role: cv as Role };
  else if (ck === 'person' && cv && /^[0-9a-zA-Z-]{1,64}$/.test(cv)) chair = { kind: 'person', aadObjectId: cv, name: names.get(cv) ?? '' };
  else problems.push({ field: 'chair', text: { nl: 'Kies een voorzitter.', en: 'Choose a chair.' } });
  let next: { date: string; time: string } | null = null;
  if (d.nextDate) next = { date: toIsoDate(d.nextDate), time: (d.nextTime || time).trim() };
  if (problems.length > 0 || !rule || !chair) return { ok: false, problems };
  return { ok: true, value: { name: name || null, schoolId, topics: topicLines.length > 0 ? topicLines : null, rule, time, durationMinutes: duration, prepDays, members, chair, next } };
}

/** Dates as people type them: 2027-03-15, 15-03-2027, 15/3/2027. */
function toIsoDate(x: string): string {
  const t = x.trim();
  const m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(t);
  return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : t;
}

export interface MeetingRouteDeps {
  meetings: MeetingService;
  outlook: Pick<MeetingOutlook, 'link' | 'available'>;
  now(): Date;
}

export function createMeetingRoutes(deps: MeetingRouteDeps) {
  const { meetings } = deps;

  async function overview(ctx: RouteContext, schoolId: number | null, message?: { text: string; tone: 'good' | 'warning' }): Promise<AdaptiveCard> {
    const o = await meetings.overview(ctx.actor, ctx.language, schoolId);
    const filter = schoolId === null ? null : (o.schools.find((s) => s.id === schoolId) ?? null);
    return renderOverview(ctx.cards, { language: ctx.language, now: o.now, tables: o.tables, canManage: o.canManage, schools: o.schools, ...(o.more ? { more: o.more } : {}), schoolFilter: filter, ...(message ? { message } : {}) });
  }

  async function tableCard(ctx: RouteContext, publicId: string, message?: { text: string; tone: 'good' | 'warning' }): Promise<AdaptiveCard> {
    const t = await meetings.table(ctx.actor, ctx.language, publicId);
    return renderTable(ctx.cards, { language: ctx.language, now: t.now, table: t.table, history: t.history, canManage: t.canManage, canRun: t.canManage || t.canRun, outlookAvailable: deps.outlook.available(t.raw.table.tenantId), ...(message ? { message } : {}) });
  }

  async function form(ctx: RouteContext, tablePublicId: string | null, values: FormValues, problems?: { field: string; text: string }[]): Promise<AdaptiveCard> {
    const o = await meetings.overview(ctx.actor, ctx.language, null);
    if (!o.canManage) throw (await import('../errors.js')).notAllowed('meeting table form');
    const people = (await ctx.directory.listMembers()).map((m) => ({ aadObjectId: m.aadObjectId, name: m.name }));
    return renderTableForm(ctx.cards, { language: ctx.language, tablePublicId, schools: o.schools, people, values, ...(problems ? { problems } : {}) });
  }

  function valuesOf(t: Awaited<ReturnType<MeetingService['table']>>): FormValues {
    const m = t.table.members;
    return {
      name: t.raw.table.name ?? (t.raw.table.kind === 'own' ? '' : t.table.name),
      schoolId: t.raw.table.schoolId === null ? '' : String(t.raw.table.schoolId),
      ...ruleValues(t.table.rule),
      time: t.table.time,
      durationMinutes: String(t.table.durationMinutes),
      prepDays: String(t.table.prepDays),
      topics: (t.table.ownTopics ?? []).join('\n'),
      roles: m.flatMap((x) => (x.kind === 'role' ? [`${x.role}:${x.scope}`] : [])).join(','),
      people: m.flatMap((x) => (x.kind === 'person' ? [x.aadObjectId] : [])).join(','),
      externals: m.flatMap((x) => (x.kind === 'external' ? [`${x.name} <${x.email}>`] : [])).join('\n'),
      chair: t.table.chair.kind === 'role' ? `role:${t.table.chair.role}` : `person:${t.table.chair.aadObjectId}`,
      nextDate: t.table.next?.confirmed ? amsterdamDate(t.table.next.startsAt) : '',
      nextTime: t.table.time,
    };
  }

  const blank: FormValues = {
    name: '',
    schoolId: '',
    ...ruleValues({ kind: 'window', minWeeks: 4, maxWeeks: 6 }),
    time: '09:00',
    durationMinutes: '60',
    prepDays: '5',
    topics: '',
    roles: 'kwaliteitsmedewerker:tenant',
    people: '',
    externals: '',
    chair: 'role:kwaliteitsmedewerker',
    nextDate: '',
    nextTime: '09:00',
  };

  async function prepCard(ctx: RouteContext, publicId: string, message?: { text: string; tone: 'good' | 'warning' }): Promise<AdaptiveCard> {
    const input = await meetings.prepFor(ctx.actor, ctx.language, publicId);
    return renderPrep(ctx.cards, { ...input, ...(message ? { message } : {}) });
  }

  const verbs = {
    open: (async (ctx, data) => {
      const d = data && typeof data === 'object' && 'v' in (data as object) ? parseActionData(openData, data) : { school: undefined };
      const school = d.school && /^\d{1,15}$/.test(d.school) ? Number(d.school) : null;
      return overview(ctx, school);
    }) satisfies VerbHandler,
    table: (async (ctx, data) => tableCard(ctx, parseActionData(tableRef, data).table)) satisfies VerbHandler,
    editTable: (async (ctx, data) => {
      const d = parseActionData(editData, data);
      if (!d.table) return form(ctx, null, blank);
      const t = await meetings.table(ctx.actor, ctx.language, d.table);
      return form(ctx, d.table, valuesOf(t));
    }) satisfies VerbHandler,
    saveTable: (async (ctx, data) => {
      const d = parseActionData(saveData, data);
      const people = await ctx.directory.listMembers();
      const names = new Map(people.map((p) => [p.aadObjectId, p.name]));
      const values: FormValues = {
        name: d.name ?? '',
        schoolId: d.school ?? '',
        ruleKind: (['everyNWeeks', 'window', 'perSchoolYear', 'yearlyInMonths', 'dates'].includes(d.ruleKind ?? '') ? d.ruleKind : 'window') as Rule['kind'],
        weeks: d.weeks ?? '',
        minWeeks: d.minWeeks ?? '',
        maxWeeks: d.maxWeeks ?? '',
        times: d.times ?? '',
        months: d.months ?? '',
        dates: d.dates ?? '',
        time: d.time ?? '',
        durationMinutes: d.duration ?? '',
        prepDays: d.prepDays ?? '',
        topics: d.topics ?? '',
        roles: d.roles ?? '',
        people: d.people ?? '',
        externals: d.externals ?? '',
        chair: d.chair ?? '',
        nextDate: d.nextDate ?? '',
        nextTime: d.nextTime ?? '',
      };
      const parsed = parseTableForm(d, names, !d.table);
      const problemsOf = (ps: Problem[]) => ps.map((p) => ({ field: p.field, text: say(p.text, ctx.language) }));
      if (!parsed.ok) return form(ctx, d.table ?? null, values, problemsOf(parsed.problems));
      const r = await meetings.saveTable(ctx.actor, d.table ?? null, parsed.value);
      if (!r.ok) return form(ctx, d.table ?? null, values, problemsOf(r.problems));
      return tableCard(ctx, r.publicId, saved(ctx.language));
    }) satisfies VerbHandler,
    pauseTable: (async (ctx, data) => {
      const d = parseActionData(pauseData, data);
      await meetings.pause(ctx.actor, d.table, d.paused);
      return tableCard(ctx, d.table, saved(ctx.language, d.paused ? { nl: 'Gepauzeerd: er gaan geen voorbereidingskaarten meer uit.', en: 'Paused: no more prep cards go out.' } : { nl: 'Weer actief: het volgende overleg is gepland.', en: 'Active again: the next meeting is planned.' }));
    }) satisfies VerbHandler,
    removeTable: (async (ctx, data) => {
      const d = parseActionData(removeData, data);
      if (!d.confirm) {
        return tableCard(ctx, d.table, { text: say({ nl: 'Weet je het zeker? Druk nogmaals op Verwijderen om dit overleg en het geplande overleg te verwijderen.', en: 'Are you sure? Press Remove again to remove this meeting table and its planned meeting.' }, ctx.language), tone: 'warning' });
      }
      await meetings.remove(ctx.actor, d.table);
      return overview(ctx, null, saved(ctx.language, { nl: 'Het overleg is verwijderd.', en: 'The meeting table was removed.' }));
    }) satisfies VerbHandler,
    setNext: (async (ctx, data) => {
      const d = parseActionData(nextData, data);
      const r = await meetings.setNext(ctx.actor, d.table, toIsoDate(d.nextDate ?? ''), (d.nextTime ?? '').trim());
      return tableCard(ctx, d.table, r.ok ? saved(ctx.language, { nl: 'De datum staat vast. De leden krijgen hun voorbereidingskaart op tijd.', en: 'The date is set. Members get their prep card in time.' }) : { text: say(r.problem, ctx.language), tone: 'warning' });
    }) satisfies VerbHandler,
    linkOutlook: (async (ctx, data) => {
      const d = parseActionData(outlookData, data);
      const r = await deps.outlook.link(ctx.actor, ctx.language, d.table, d.mode === 'create' ? { mode: 'create' } : { mode: 'link', event: d.event ?? '' }, deps.now());
      return tableCard(ctx, d.table, r.ok ? saved(ctx.language, r.message) : { text: say(r.problem, ctx.language), tone: 'warning' });
    }) satisfies VerbHandler,
    prep: (async (ctx, data) => prepCard(ctx, parseActionData(meetingRef, data).meeting)) satisfies VerbHandler,
    prepared: (async (ctx, data) => {
      const d = parseActionData(meetingRef, data);
      await meetings.markPrepared(ctx.actor, d.meeting);
      return prepCard(ctx, d.meeting, saved(ctx.language, { nl: 'Genoteerd: je bent voorbereid.', en: 'Noted: you are prepared.' }));
    }) satisfies VerbHandler,
    addAgenda: (async (ctx, data) => {
      const d = parseActionData(agendaData, data);
      const text = (d.agendaText ?? '').replace(/\s+/g, ' ').trim();
      if (!text || text.length > TABLE_LIMITS.agendaItem) {
        return prepCard(ctx, d.meeting, { text: say({ nl: `Schrijf een agendapunt van 1 tot ${TABLE_LIMITS.agendaItem} tekens. Er is niets toegevoegd.`, en: `Write an agenda item of 1 to ${TABLE_LIMITS.agendaItem} characters. Nothing was added.` }, ctx.language), tone: 'warning' });
      }
      await meetings.addAgenda(ctx.actor, d.meeting, text);
      return prepCard(ctx, d.meeting, saved(ctx.language, { nl: 'Agendapunt toegevoegd. De andere leden en de voorzitter zien het op hun kaart.', en: 'Agenda item added. The other members and the chair see it on their card.' }));
    }) satisfies VerbHandler,
    remindTomorrow: (async (ctx, data) => {
      const d = parseActionData(meetingRef, data);
      await meetings.remindTomorrow(ctx.actor, d.meeting);
      return prepCard(ctx, d.meeting, saved(ctx.language, { nl: 'Goed, je krijgt morgen een herinnering.', en: 'Fine, you will get a reminder tomorrow.' }));
    }) satisfies VerbHandler,
    cannotCome: (async (ctx, data) => {
      const d = parseActionData(cannotData, data);
      const reason = (d.reason ?? '').replace(/\s+/g, ' ').trim().slice(0, 500) || null;
      await meetings.cannotCome(ctx.actor, d.meeting, reason);
      return prepCard(ctx, d.meeting, saved(ctx.language, { nl: 'Doorgegeven aan de voorzitter.', en: 'Passed on to the chair.' }));
    }) satisfies VerbHandler,
    followUp: (async (ctx, data) => renderFollowUp(ctx.cards, await meetings.followUpFor(ctx.actor, ctx.language, parseActionData(meetingRef, data).meeting))) satisfies VerbHandler,
    record: (async (ctx, data) => {
      const d = parseActionData(recordData, data);
      const actions = [1, 2, 3].map((i) => ({
        title: ((d as unknown as Record<string, string | undefined>)[`a${i}Title`] ?? '').trim(),
        owner: ((d as unknown as Record<string, string | undefined>)[`a${i}Owner`] ?? '').trim(),
        due: toIsoDate((d as unknown as Record<string, string | undefined>)[`a${i}Due`] ?? ''),
      }));
      const input = { held: (d.held === 'yes' || d.held === 'no' ? d.held : '') as 'yes' | 'no' | '', decisions: d.decisions ?? '', nextDate: toIsoDate(d.nextDate ?? ''), nextTime: (d.nextTime ?? '').trim(), actions };
      const r = await meetings.record(ctx.actor, ctx.language, d.meeting, input);
      const card = await meetings.followUpFor(ctx.actor, ctx.language, d.meeting);
      if (!r.ok) {
        return renderFollowUp(ctx.cards, {
          ...card,
          values: { held: input.held, decisions: input.decisions, nextDate: input.nextDate, nextTime: input.nextTime, actions },
          problems: r.problems.map((p) => ({ field: p.field, text: say(p.text, ctx.language) })),
        });
      }
      return renderFollowUp(ctx.cards, card);
    }) satisfies VerbHandler,
  };

  return {
    verbs,
    command: (async (ctx) => overview(ctx, null)) satisfies CommandHandler,
  };
}

export type MeetingRoutes = ReturnType<typeof createMeetingRoutes>;
export { ROLES };
