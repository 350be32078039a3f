// Roles card routes: parse the action data, check on the server, call the service, render.
import { z } from 'zod';
import { renderNoticeCard } from '../cards/app-views.js';
import { parseActionData, dbId } from '../action-data.js';
import { DomainError } from '../errors.js';
import type { CommandHandler, FileHandler, RouteContext, VerbHandler } from '../routes.js';
import { escapeMarkdown } from '../cards/text.js';
import { notAllowed } from '../errors.js';
import { parseOwnHolidays } from '../schedule/index.js';
import { canManageRoles, canSeeSchoolCalendars, isRegion, isRole, type RoleGrant } from './model.js';
import { rolesProblem, type PeopleService } from './service.js';
import { regionLabel, renderCalendarCard, renderHolidaysFileCard, renderRolesCard, renderSchoolCalendarCard, roleLabel, scopeLabel, type RolesCardInput } from './view.js';

const id = z.string().regex(/^\d{1,12}$/).transform(Number);
const addSchoolData = z.object({ v: z.literal(1), schoolName: z.string().max(1000).optional() });
const grantData = z.object({
  v: z.literal(1),
  person: z.string().max(200).optional(),
  role: z.string().max(40).optional(),
  school: z.union([z.literal('all'), id]).optional(),
});
const revokeData = z.object({ v: z.literal(1), assignmentId: dbId });
const calendarData = z.object({ v: z.literal(1), school: id.optional() });
const setRegionData = z.object({
  v: z.literal(1),
  school: z.union([z.literal('tenant'), id]),
  region: z.string().max(20).optional(),
  sector: z.string().max(20).optional(),
  defaultRegion: z.string().max(20).optional(),
});
/** The rooster as typed (or as a file's lines); its source: typed on the card, or read from a file. */
const saveHolidaysData = z.object({ v: z.literal(1), school: id, holidays: z.string().max(20_000).optional(), source: z.enum(['card', 'ics', 'csv']).optional() });
const removeHolidaysData = z.object({ v: z.literal(1), school: id });

export interface PeopleRouteOptions {
  /** Today in Amsterdam ('YYYY-MM-DD'): which school year the calendar card shows. */
  today: () => string;
}

export function createPeopleRoutes(people: PeopleService, options: PeopleRouteOptions) {
  async function rolesCard(ctx: RouteContext, message?: { text: string; tone: 'good' | 'warning' }, more: Pick<RolesCardInput, 'undo' | 'values'> = {}) {
    const [overview, members] = await Promise.all([people.rolesOverview(ctx.actor), ctx.directory.listMembers()]);
    return renderRolesCard(ctx.cards, ctx.t, { overview, people: members, message, ...more });
  }

  /** Runs a change; an expected conflict is shown on the roles card itself, so the beheerder can go on. */
  async function change(
    ctx: RouteContext,
    run: () => Promise<string | { text: string; undo: RolesCardInput['undo'] }>,
    /** What the form held, to show again when the change fails (worked out only then). */
    values?: () => Promise<RolesCardInput['values']>,
  ) {
    try {
      const r = await run();
      return rolesCard(ctx, { text: typeof r === 'string' ? r : r.text, tone: 'good' }, typeof r === 'string' ? {} : { undo: r.undo });
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
      // The form comes back as it was sent, so the beheerder can correct it.
      return rolesCard(ctx, { text: ctx.t(err.textKey, err.params), tone: 'warning' }, values ? { values: await values() } : {});
    }
  }

  function ownRoles(ctx: RouteContext, grants: readonly RoleGrant[], extra?: string) {
    const names = [...new Set(grants.map((g) => roleLabel(ctx.t, g.role)))];
    const own = !names.length
      ? ctx.t('rolesYouHaveNone')
      : ctx.t(canManageRoles(grants) ? 'rolesYourRolesShort' : 'rolesYourRoles', { roles: names.join(', ') });
    return { title: ctx.t('rolesYourRolesTitle'), text: extra ? `${own}\n\n${extra}` : own };
  }

  /** The button and the personal chat: the answer goes to the person who asked only. */
  const open: VerbHandler = async (ctx) => {
    const grants = await people.grantsOf(ctx.actor.tenantId, ctx.actor.aadObjectId);
    if (canManageRoles(grants)) return rolesCard(ctx);
    // A directeur reaches their school's calendar from here too.
    return renderNoticeCard(ctx.cards, ctx.t, { ...ownRoles(ctx, grants), withCalendarButton: canSeeSchoolCalendars(grants) });
  };

  /**
   * Typed as a command: in a channel or group chat the answer is a message everyone there reads, so
   * it shows only the asker's own roles; a beheerder gets a button that opens the overview for them alone.
   */
  const openCommand: CommandHandler = async (ctx, args) => {
    if (ctx.actor.conversation.kind === 'personal') return open(ctx, args);
    const grants = await people.grantsOf(ctx.actor.tenantId, ctx.actor.aadObjectId);
    const beheerder = canManageRoles(grants);
    return renderNoticeCard(ctx.cards, ctx.t, { ...ownRoles(ctx, grants, ctx.t(beheerder ? 'rolesInChannel' : 'rolesInChannelOthers')), withRolesButton: beheerder });
  };

  const addSchool: VerbHandler = async (ctx, data) => {
    const d = parseActionData(addSchoolData, data);
    return change(
      ctx,
      async () => {
        const school = await people.addSchool(ctx.actor, d.schoolName ?? '');
        return ctx.t('rolesSchoolAdded', { name: school.name });
      },
      async () => ({ schoolName: (d.schoolName ?? '').slice(0, 120) }),
    );
  };

  const grant: VerbHandler = async (ctx, data) => {
    const d = parseActionData(grantData, data);
    return change(ctx, async () => {
      // Whatever the card offered: only someone in this conversation's roster (or already known) qualifies.
      const person = d.person ? await ctx.directory.findMember(d.person) : undefined;
      if (!person) {
        await people.rolesOverview(ctx.actor); // not-allowed wins over a bad pick
        throw rolesProblem('rolesPersonUnknown');
      }
      const r = await people.grant(ctx.actor, person, d.role, d.school === undefined || d.school === 'all' ? null : d.school);
      return ctx.t(r.added ? 'rolesGranted' : 'rolesAlreadyHad', { name: person.name, role: roleLabel(ctx.t, r.role), scope: scopeLabel(ctx.t, r.school?.name ?? null) });
    }, async () => ({
      // A person not found is not offered again; the role and school picked are.
      ...(d.person && (await ctx.directory.findMember(d.person)) ? { person: d.person } : {}),
      ...(isRole(d.role) ? { role: d.role } : {}),
      ...(d.school !== undefined ? { school: String(d.school) } : {}),
    }));
  };

  const revoke: VerbHandler = async (ctx, data) => {
    const d = parseActionData(revokeData, data);
    return change(ctx, async () => {
      const a = await people.revoke(ctx.actor, d.assignmentId);
      // Revoking is one click; giving it back is one too.
      return {
        text: ctx.t('rolesRevoked', { name: a.name, role: roleLabel(ctx.t, a.role), scope: scopeLabel(ctx.t, a.schoolName) }),
        undo: { aadObjectId: a.aadObjectId, role: a.role, schoolId: a.schoolId },
      };
    });
  };

  // --- The school year: regions, sectors, own vakantieroosters ------------------------------------

  type Message = { text: string; tone: 'good' | 'warning' };

  async function calendarCard(ctx: RouteContext, message?: Message) {
    return renderCalendarCard(ctx.cards, ctx.t, { overview: await people.schoolCalendars(ctx.actor), ...(message ? { message } : {}) });
  }

  /** One school's card; a school the actor does not keep (or of another tenant, or unknown) is refused alike. */
  async function schoolCard(ctx: RouteContext, schoolId: number, more: { message?: Message; errors?: Parameters<typeof renderSchoolCalendarCard>[2]['errors']; holidaysValue?: string } = {}) {
    const overview = await people.schoolCalendars(ctx.actor);
    const school = overview.schools.find((s) => s.id === schoolId);
    if (!school) throw notAllowed('school calendar: not this school');
    return renderSchoolCalendarCard(ctx.cards, ctx.t, { language: ctx.language, today: options.today(), canSetRegion: overview.canSetRegion, defaultRegion: overview.defaultRegion, school, ...more });
  }

  const calendar: VerbHandler = async (ctx, data) => {
    const d = parseActionData(calendarData, data);
    return d.school === undefined ? calendarCard(ctx) : schoolCard(ctx, d.school);
  };

  const setRegion: VerbHandler = async (ctx, data) => {
    const d = parseActionData(setRegionData, data);
    const r = await people.setRegion(ctx.actor, d.school, d.school === 'tenant' ? d.defaultRegion : d.region, d.school === 'tenant' ? undefined : d.sector);
    const region = r.region && isRegion(r.region) ? regionLabel(ctx.t, r.region) : ctx.t('calendarRegionNone').toLowerCase();
    if (r.school === null) return calendarCard(ctx, { text: ctx.t('calendarDefaultRegionSaved', { region }), tone: 'good' });
    return schoolCard(ctx, r.school.id, { message: { text: ctx.t('calendarRegionSaved', { name: r.school.name, region }), tone: 'good' } });
  };

  const saveHolidays: VerbHandler = async (ctx, data) => {
    const d = parseActionData(saveHolidaysData, data);
    const text = d.holidays ?? '';
    // A file's lines come back as "naam;van;tot" (see holidaysFile); typed ones are read the same way.
    const r = await people.saveHolidays(ctx.actor, d.school, { text, format: 'csv', source: d.source ?? 'card' });
    if (!r.ok) return schoolCard(ctx, d.school, { errors: r.errors, holidaysValue: text });
    return schoolCard(ctx, d.school, { message: { text: ctx.t('calendarHolidaysSaved', { name: r.school.name, n: r.periods.length }), tone: 'good' } });
  };

  const removeHolidays: VerbHandler = async (ctx, data) => {
    const d = parseActionData(removeHolidaysData, data);
    const r = await people.removeHolidays(ctx.actor, d.school);
    return schoolCard(ctx, d.school, { message: { text: ctx.t(r.removed ? 'calendarHolidaysRemoved' : 'calendarHolidaysNoneToRemove', { name: r.school.name }), tone: 'good' } });
  };

  /**
   * A vakantierooster sent as an .ics or .csv file in the personal chat: read and checked at once (a
   * bad file changes nothing and says what is wrong, per line); saved for the one school the sender
   * keeps, or, when they keep several, offered with a choice of school.
   */
  const holidaysFile: FileHandler = async (ctx, file) => {
    const overview = await people.schoolCalendars(ctx.actor); // refuses who keeps no school calendar
    const source = /\.ics$/i.test(file.name) ? 'ics' : 'csv';
    const text = await file.read();
    const notice = (textKey: 'calendarFileUnreadable' | 'calendarNoSchoolToKeep' | 'calendarNoSchools') =>
      renderNoticeCard(ctx.cards, ctx.t, { title: ctx.t('calendarOwnHeading'), text: ctx.t(textKey), tone: 'warning' });
    if (text === null) return notice('calendarFileUnreadable');
    const parsed = parseOwnHolidays(text, source);
    const schools = overview.schools;
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) => escapeMarkdown(e.line === null ? e.message[ctx.language] : ctx.t('calendarErrorLine', { line: e.line, message: e.message[ctx.language] })));
      return renderNoticeCard(ctx.cards, ctx.t, { title: ctx.t('calendarErrorsTitle'), text: errors.slice(0, 20).join('\n\n'), tone: 'warning' });
    }
    if (schools.length === 0) return notice('calendarNoSchools');
    if (schools.length > 1) return renderHolidaysFileCard(ctx.cards, ctx.t, { language: ctx.language, fileName: file.name, source, periods: parsed.periods, schools });
    const school = schools[0]!;
    const r = await people.saveHolidays(ctx.actor, school.id, { text, format: source, source });
    if (!r.ok) return notice('calendarFileUnreadable'); // parsed the same text a moment ago: not expected
    return schoolCard(ctx, school.id, { message: { text: ctx.t('calendarHolidaysSaved', { name: school.name, n: r.periods.length }), tone: 'good' } });
  };

  return { open, openCommand, addSchool, grant, revoke, calendar, setRegion, saveHolidays, removeHolidays, holidaysFile };
}
