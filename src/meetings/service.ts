// Meeting cadences: the tables of a tenant, planning their meetings from the rule and from what really
// happened, the prep cards ahead of each meeting, agenda items, "cannot come", reminders, the quality
// officer's rhythm warnings and the chair's follow-up. The tick (every minute, any instance) claims what
// is due through partial indexes and enqueues cards in the same transaction: each card once.
import type { Logger } from 'pino';
import { toLanguage } from '../cards/i18n.js';
import type { Language } from '../config.js';
import { inTransaction, type Db, type Queryable } from '../db/pool.js';
import { notAllowed } from '../errors.js';
import { renderWith } from '../outbox/service.js';
import type { RoleGrant } from '../people/feature.js';
import type { Actor } from '../routes.js';
import { amsterdamDate, type CalendarOptions } from '../schedule/index.js';
import { canManageTables, isChair, mayRunTable, maySeeTable, scopeFits, sitsAt } from './access.js';
import {
  checkMeetingMoment,
  followUpMoment,
  planNext,
  prepMoment,
  remindTomorrow,
  rhythmOf,
  TABLE_DEFAULTS,
  TABLE_LIMITS,
  warnMoment,
  type LocalText,
  type MeetingTable,
  type TableKind,
} from './model.js';
import {
  CANNOT_COME_RENDERER,
  EXTERNAL_RENDERER,
  FOLLOWUP_RENDERER,
  meetingKeys,
  meetingProblem,
  PREP_RENDERER,
  WARNING_RENDERER,
  type MeetingActions,
  type MeetingConversations,
  type MeetingMailer,
  type MeetingOutbox,
  type MeetingPeople,
  type PackPart,
} from './ports.js';
import * as store from './store.js';
import { PDCA_QUESTIONS, tableName, tableTopics } from './texts.js';
import type { FollowUpInput, PrepInput, PrepPack, RhythmWarningInput, TableRow, CannotComeInput, ExternalPrepInput } from './view-model.js';

export interface MeetingServiceDeps {
  db: Db;
  people: MeetingPeople;
  conversations: MeetingConversations;
  outbox: MeetingOutbox;
  /** Each feature's part of the prep pack (checklists, surveys, improvement actions). */
  pack: PackPart[];
  actions?: MeetingActions;
  mailer?: MeetingMailer;
  /** A signed link to the meeting's .ics file (tables not linked to Outlook). */
  icsLink?(tenantId: string, meetingId: number): string;
  /** After an agenda item is added to a meeting of a table linked to Outlook (its body follows; a job). */
  outlookAgendaChanged?(meetingId: number): Promise<void>;
  now(): Date;
  log?: Pick<Logger, 'warn' | 'error' | 'info'>;
}

/** How many due meetings one transaction of the tick handles. */
const TICK_BATCH = 100;
const MAX_MEMBERS = 500;
/** The pseudonym an erased person's id became (docs/privacy.md): kept on the table, never sent to. */
const isErased = (aad: string) => aad.startsWith('verwijderd-');
const OVERVIEW_LIMIT = 40;

export interface ResolvedMembers {
  people: { aadObjectId: string; name: string }[];
  externals: { name: string; email: string }[];
  chairs: { aadObjectId: string; name: string }[];
  /** Who gets the chair's cards: the chairs, or when the chair was erased (docs/privacy.md) the tenant-wide quality officers. */
  chairCards: { aadObjectId: string; name: string }[];
}

export type SaveTableInput = {
  name: string | null;
  schoolId: number | null;
  topics: string[] | null;
  rule: MeetingTable['rule'];
  time: string;
  durationMinutes: number;
  prepDays: number;
  members: MeetingTable['members'];
  chair: MeetingTable['chair'];
  next: { date: string; time: string } | null;
};

export function createMeetingService(deps: MeetingServiceDeps) {
  const { db } = deps;
  const grantsOf = (actor: Actor) => deps.people.grantsOf(actor.tenantId, actor.aadObjectId);
  const calendarOf = (tenantId: string, schoolId: number | null): Promise<CalendarOptions> => (deps.people.calendarOf ? deps.people.calendarOf(tenantId, schoolId) : Promise.resolve({}));

  async function languageOf(tenantId: string, aad: string): Promise<Language> {
    const [c] = await deps.people.contactsOf(tenantId, [aad]);
    if (c?.language === 'nl' || c?.language === 'en') return c.language;
    return c?.locale ? toLanguage(c.locale) : deps.people.tenantLanguage(tenantId);
  }

  /** Everyone at a table now: role holders as the specs say, named people, externals; and the chair(s). */
  async function resolveMembers(table: MeetingTable): Promise<ResolvedMembers> {
    const roles = [...new Set([...table.members.flatMap((m) => (m.kind === 'role' ? [m.role] : [])), ...(table.chair.kind === 'role' ? [table.chair.role] : []), 'kwaliteitsmedewerker' as const])];
    const holders = await deps.people.roleHolders(table.tenantId, roles, null, MAX_MEMBERS);
    const people = new Map<string, string>();
    for (const m of table.members) {
      if (m.kind === 'person') people.set(m.aadObjectId, m.name);
      if (m.kind === 'role') for (const h of holders) if (h.roles.some((g) => g.role === m.role && scopeFits(m.scope, g.schoolId, table.schoolId))) people.set(h.aadObjectId, h.name);
    }
    let chairs: { aadObjectId: string; name: string }[];
    if (table.chair.kind === 'person') chairs = [{ aadObjectId: table.chair.aadObjectId, name: table.chair.name }];
    else {
      const chairRole = table.chair.role;
      const ofSchool = holders.filter((h) => h.roles.some((g) => g.role === chairRole && table.schoolId !== null && g.schoolId === table.schoolId));
      const tenantWide = holders.filter((h) => h.roles.some((g) => g.role === chairRole && g.schoolId === null));
      chairs = (ofSchool.length > 0 ? ofSchool : tenantWide).map((h) => ({ aadObjectId: h.aadObjectId, name: h.name }));
      // Nobody holds the chair's role: the quality officers, who sit at every table, take the chair's cards.
      if (chairs.length === 0) chairs = holders.filter((h) => h.roles.some((g) => g.role === 'kwaliteitsmedewerker' && g.schoolId === null)).map((h) => ({ aadObjectId: h.aadObjectId, name: h.name }));
    }
    for (const c of chairs) people.set(c.aadObjectId, c.name);
    const externals = table.members.flatMap((m) => (m.kind === 'external' ? [{ name: m.name, email: m.email }] : []));
    // An erased chair stays on the table (as "verwijderde gebruiker") until replaced; meanwhile the quality officers take its cards.
    const reachable = chairs.filter((c) => !isErased(c.aadObjectId));
    const chairCards = reachable.length > 0 ? reachable : holders.filter((h) => h.roles.some((g) => g.role === 'kwaliteitsmedewerker' && g.schoolId === null)).map((h) => ({ aadObjectId: h.aadObjectId, name: h.name }));
    return { people: [...people].map(([aadObjectId, name]) => ({ aadObjectId, name })).sort((a, b) => a.name.localeCompare(b.name, 'nl')), externals, chairs, chairCards };
  }

  /** Sets the table's upcoming meeting: a date someone gave (confirmed), or the rule's next one. */
  async function plan(tx: Queryable, table: MeetingTable, now: Date, given: { at: Date; confirmed: boolean; outlookEventId?: string } | null): Promise<store.PlannedValues | null> {
    const calendar = await calendarOf(table.tenantId, table.schoolId);
    const last = await store.lastHeld(tx, table.id);
    const occ = planNext({ rule: table.rule, time: table.time, now, lastHeld: last, calendar });
    if (!occ && !given) {
      await store.cancelPlanned(tx, table.id);
      return null;
    }
    const startsAt = given?.at ?? occ!.at;
    const confirmed = given?.confirmed ?? false;
    const v: store.PlannedValues = {
      startsAt,
      windowStart: occ?.windowStart ?? null,
      windowEnd: occ?.windowEnd ?? null,
      confirmed,
      prepAt: confirmed ? prepMoment(startsAt, table.prepDays, now, calendar) : null,
      warnAt: confirmed ? null : warnMoment(table.rule, { windowStart: occ?.windowStart ?? null }, calendar),
      followupAt: followUpMoment(startsAt, table.durationMinutes),
      ...(given?.outlookEventId ? { outlookEventId: given.outlookEventId } : {}),
    };
    await store.setPlanned(tx, table.tenantId, table.id, v);
    return v;
  }

  function rowOf(t: store.TableWithNext, language: Language, now: Date): TableRow {
    return {
      publicId: t.table.publicId,
      name: tableName(t.table.kind, t.table.name, language),
      kind: t.table.kind,
      schoolName: t.table.schoolName,
      rule: t.table.rule,
      next: t.next ? { publicId: t.next.publicId, startsAt: t.next.startsAt, confirmed: t.next.confirmed, windowStart: t.next.windowStart, windowEnd: t.next.windowEnd } : null,
      lastHeld: t.lastHeld,
      rhythm: rhythmOf({ paused: t.table.paused, upcoming: t.next, warnAt: t.next?.warnAt ?? null, now }),
      memberCount: t.table.members.length,
      paused: t.table.paused,
    };
  }

  /** The default tables and a planned meeting for each table of a tenant that has none (the daily sweep and `overleg`). */
  async function ensureTenant(tenantId: string, now: Date): Promise<void> {
    const schools = await deps.people.schools(tenantId);
    await store.ensureDefaults(db, tenantId, TABLE_DEFAULTS, schools.map((s) => s.id));
    for (;;) {
      const ids = await store.tablesWithoutPlan(db, tenantId, 200);
      for (const id of ids) {
        await inTransaction(db, async (tx) => {
          const t = await store.findTable(tx, { id }, true);
          if (!t || t.table.paused || t.next) return;
          await plan(tx, t.table, now, null);
        });
      }
      if (ids.length < 200) break;
    }
  }

  async function loadTable(actor: Actor, publicId: string): Promise<{ t: store.TableWithNext; grants: readonly RoleGrant[] }> {
    const t = await store.findTable(db, { publicId });
    const grants = await grantsOf(actor);
    if (!t || t.table.tenantId !== actor.tenantId || !maySeeTable(t.table, grants, actor.aadObjectId)) throw meetingProblem('meetingTableNotFound');
    return { t, grants };
  }

  async function loadMeeting(tenantId: string, publicId: string) {
    const m = await store.findMeeting(db, { publicId });
    if (!m || m.tenantId !== tenantId) throw meetingProblem('meetingNotFound');
    const t = await store.findTable(db, { id: m.tableId });
    if (!t) throw meetingProblem('meetingNotFound');
    return { m, t };
  }

  // -------------------------------------------------------------------------------------------------
  // Cards' inputs

  async function packFor(viewer: { tenantId: string; aadObjectId: string }, schoolId: number | null, now: Date): Promise<PrepPack> {
    const grants = await deps.people.grantsOf(viewer.tenantId, viewer.aadObjectId);
    const pack: PrepPack = { checklists: [], surveys: [], actions: [], actionCounts: null };
    const today = amsterdamDate(now);
    for (const part of deps.pack) {
      try {
        const p = await part({ ...viewer, grants }, schoolId, today);
        if (p.checklists) pack.checklists.push(...p.checklists);
        if (p.surveys) pack.surveys.push(...p.surveys);
        if (p.actions) pack.actions.push(...p.actions);
        if (p.actionCounts) pack.actionCounts = p.actionCounts;
      } catch (err) {
        // One feature failing leaves its part out; the card still goes.
        deps.log?.warn({ err }, 'a part of the meeting prep pack could not be read');
      }
    }
    return pack;
  }

  async function prepInput(meetingId: number, aad: string, language: Language): Promise<PrepInput | null> {
    const m = await store.findMeeting(db, { id: meetingId });
    if (!m) return null;
    const t = await store.findTable(db, { id: m.tableId });
    if (!t) return null;
    const now = deps.now();
    const [members, attendance, agenda, grants, contacts] = await Promise.all([
      resolveMembers(t.table),
      store.listAttendance(db, m.id),
      store.listAgenda(db, m.id),
      deps.people.grantsOf(m.tenantId, aad),
      deps.people.contactsOf(m.tenantId, [aad]),
    ]);
    const me = attendance.find((a) => a.aadObjectId === aad);
    const chairIds = new Set(members.chairs.map((c) => c.aadObjectId));
    const amChair = chairIds.has(aad) || isChair(t.table.chair, grants, aad, t.table.schoolId);
    const state = m.status === 'cancelled' || m.status === 'notHeld' ? 'cancelled' : m.status === 'held' || m.startsAt.getTime() < now.getTime() ? 'over' : null;
    const def = TABLE_DEFAULTS.find((d) => d.kind === t.table.kind);
    return {
      language,
      now,
      meetingPublicId: m.publicId,
      tableName: tableName(t.table.kind, t.table.name, language),
      schoolName: t.table.schoolName,
      startsAt: m.startsAt,
      durationMinutes: t.table.durationMinutes,
      with: [
        ...members.people.map((p) => ({ name: p.name, chair: chairIds.has(p.aadObjectId), external: false })),
        ...members.externals.map((e) => ({ name: e.name, chair: false, external: true })),
      ],
      topics: tableTopics(t.table.kind, t.table.topics, language),
      pdca: PDCA_QUESTIONS.map((p) => ({ step: p.step[language], question: p.question[language] })),
      pack: await packFor({ tenantId: m.tenantId, aadObjectId: aad }, t.table.schoolId, now),
      agenda: agenda.map((a) => ({ text: a.text, author: a.authorName, mine: a.authorAad === aad })),
      me: { prepared: Boolean(me?.preparedAt), cannotCome: Boolean(me?.cannotComeAt), remindAt: me?.remindAt ?? null, isChair: amChair },
      ...(amChair
        ? {
            chairView: {
              prepared: attendance.filter((a) => a.preparedAt && !a.cannotComeAt).map((a) => a.name),
              cannotCome: attendance.filter((a) => a.cannotComeAt).map((a) => ({ name: a.name, reason: a.cannotComeReason })),
              noAnswer: attendance.filter((a) => !a.preparedAt && !a.cannotComeAt).map((a) => a.name),
            },
          }
        : {}),
      startSurvey: def?.startsSurvey ? { template: 'tevredenheid' } : null,
      icsUrl: state === null && t.table.outlook === null && deps.icsLink ? deps.icsLink(m.tenantId, m.id) : null,
      state,
      // Teams refreshes the card for this person when they look at it (their Teams user id).
      refreshUserId: contacts[0]?.teamsUserId ?? null,
    };
  }

  /** May this person act on this meeting's prep card: someone it was sent to, or who sits at the table now. */
  async function attendee(actor: Actor, publicId: string) {
    const { m, t } = await loadMeeting(actor.tenantId, publicId);
    const grants = await grantsOf(actor);
    const attendance = await store.listAttendance(db, m.id);
    const mine = attendance.find((a) => a.aadObjectId === actor.aadObjectId);
    if (!mine && !sitsAt(t.table, grants, actor.aadObjectId) && !canManageTables(grants)) throw meetingProblem('meetingNotFound');
    return { m, t, grants, mine, attendance };
  }

  async function ensureAttendee(tx: Queryable, m: store.MeetingRow, actor: Actor) {
    await store.addAttendees(tx, m.id, m.tenantId, [{ aadObjectId: actor.aadObjectId, name: actor.name }]);
  }

  /** The others' prep cards show the change: one update each through the outbox. */
  async function updateCards(tx: Queryable, m: store.MeetingRow, except: string | null) {
    const attendance = (await store.listAttendance(tx, m.id)).filter((a) => a.aadObjectId !== except && a.cardActivityId && a.cardConversationId);
    if (attendance.length === 0) return;
    const chats = await deps.conversations.personalConversations(m.tenantId, attendance.map((a) => a.aadObjectId));
    const fallback = await deps.conversations.serviceUrlOf(m.tenantId);
    for (const a of attendance) {
      const serviceUrl = a.cardServiceUrl ?? chats.get(a.aadObjectId)?.serviceUrl ?? fallback;
      if (!serviceUrl) continue;
      await deps.outbox.enqueue(
        { op: 'update', tenantId: m.tenantId, serviceUrl, conversationId: a.cardConversationId!, activityId: a.cardActivityId!, render: renderWith(PREP_RENDERER, { meetingId: m.id, aad: a.aadObjectId, reminder: false }) },
        { client: tx },
      );
    }
  }

  /** A 1:1 card to a person: in their chat with Cadans, or a chat created for it. */
  async function toPerson(tx: Queryable, tenantId: string, aad: string, idempotencyKey: string, render: ReturnType<typeof renderWith>): Promise<boolean> {
    if (isErased(aad)) return false; // an erased chair's pseudonym: nobody to send to
    const conv = (await deps.conversations.personalConversations(tenantId, [aad])).get(aad);
    if (conv) {
      await deps.outbox.enqueue({ op: 'send', tenantId, serviceUrl: conv.serviceUrl, conversationId: conv.conversationId, idempotencyKey, render }, { client: tx });
      return true;
    }
    const serviceUrl = await deps.conversations.serviceUrlOf(tenantId);
    if (!serviceUrl) {
      deps.log?.warn({ tenant: tenantId }, 'meetings: no connector address known for this tenant; a card could not be sent');
      return false;
    }
    const [c] = await deps.people.contactsOf(tenantId, [aad]);
    await deps.outbox.enqueue({ op: 'createPersonal', tenantId, serviceUrl, userId: c?.teamsUserId ?? aad, idempotencyKey, render }, { client: tx });
    return true;
  }

  // -------------------------------------------------------------------------------------------------
  // The tick

  async function sendPrep(tx: Queryable, due: store.DueMeeting): Promise<number> {
    const m = await store.findMeeting(tx, { id: due.id });
    const t = await store.findTable(tx, { id: due.tableId });
    if (!m || !t || t.table.paused) return 0;
    const members = await resolveMembers(t.table);
    // An erased chair (docs/privacy.md) stays on the table as a pseudonym until replaced: nobody to send to.
    const reachable = members.people.filter((p) => !isErased(p.aadObjectId));
    await store.addAttendees(tx, m.id, m.tenantId, reachable);
    let sent = 0;
    for (const p of reachable) {
      if (await toPerson(tx, m.tenantId, p.aadObjectId, meetingKeys.prep(m.id, p.aadObjectId, m.startsAt), renderWith(PREP_RENDERER, { meetingId: m.id, aad: p.aadObjectId, reminder: false }))) sent++;
    }
    if (members.externals.length > 0) {
      const chair = members.chairCards[0];
      if (deps.mailer && (deps.mailer.covers?.(m.tenantId) ?? true) && chair) {
        // Mailed after commit (see tick): recorded here so a crash before commit mails nobody.
        pendingMail.push({ meetingId: m.id, tenantId: m.tenantId, fromAad: chair.aadObjectId });
      } else {
        for (const c of members.chairCards) await toPerson(tx, m.tenantId, c.aadObjectId, meetingKeys.external(m.id, c.aadObjectId, m.startsAt), renderWith(EXTERNAL_RENDERER, { meetingId: m.id, chairAad: c.aadObjectId }));
      }
    }
    return sent;
  }

  const pendingMail: { meetingId: number; tenantId: string; fromAad: string }[] = [];

  async function mailExternals(job: { meetingId: number; tenantId: string; fromAad: string }) {
    if (!deps.mailer) return;
    const input = await externalInput(job.meetingId, await deps.people.tenantLanguage(job.tenantId));
    if (!input || input.recipients.length === 0) return;
    const { externalPrepText } = await import('./view.js');
    const text = externalPrepText(input);
    try {
      await deps.mailer.send(job.tenantId, job.fromAad, { to: input.recipients, subject: text.subject, html: text.html });
    } catch (err) {
      if (!deps.mailer.isForbidden?.(err)) throw err;
      // The chair's mailbox is outside what Cadans may send from: the chair gets the text to forward instead.
      deps.log?.warn({ meeting: job.meetingId, tenant: job.tenantId }, 'meetings: Cadans may not send mail from the chair’s mailbox; the chair gets the text to forward');
      const m = await store.findMeeting(db, { id: job.meetingId });
      if (!m) return;
      await inTransaction(db, (tx) => toPerson(tx, job.tenantId, job.fromAad, meetingKeys.external(m.id, job.fromAad, m.startsAt), renderWith(EXTERNAL_RENDERER, { meetingId: m.id, chairAad: job.fromAad })));
    }
  }

  async function externalInput(meetingId: number, language: Language): Promise<ExternalPrepInput | null> {
    const m = await store.findMeeting(db, { id: meetingId });
    const t = m ? await store.findTable(db, { id: m.tableId }) : null;
    if (!m || !t) return null;
    const agenda = await store.listAgenda(db, m.id);
    return {
      language,
      tableName: tableName(t.table.kind, t.table.name, language),
      schoolName: t.table.schoolName,
      startsAt: m.startsAt,
      durationMinutes: t.table.durationMinutes,
      topics: tableTopics(t.table.kind, t.table.topics, language),
      pdca: PDCA_QUESTIONS.map((p) => ({ step: p.step[language], question: p.question[language] })),
      agenda: agenda.map((a) => ({ text: a.text, author: a.authorName })),
      recipients: t.table.members.flatMap((x) => (x.kind === 'external' ? [{ name: x.name, email: x.email }] : [])),
    };
  }

  async function sendWarnings(tx: Queryable, due: store.DueMeeting): Promise<number> {
    const m = await store.findMeeting(tx, { id: due.id });
    if (!m) return 0;
    const officers = await deps.people.roleHolders(due.tenantId, ['kwaliteitsmedewerker'], null, 50);
    let sent = 0;
    for (const o of officers.filter((h) => h.roles.some((g) => g.role === 'kwaliteitsmedewerker' && g.schoolId === null))) {
      if (await toPerson(tx, due.tenantId, o.aadObjectId, meetingKeys.warn(m.id, o.aadObjectId, m.startsAt), renderWith(WARNING_RENDERER, { meetingId: m.id, aad: o.aadObjectId }))) sent++;
    }
    return sent;
  }

  async function sendFollowUps(tx: Queryable, due: store.DueMeeting): Promise<number> {
    const t = await store.findTable(tx, { id: due.tableId });
    if (!t) return 0;
    const { chairCards } = await resolveMembers(t.table);
    let sent = 0;
    for (const c of chairCards) if (await toPerson(tx, due.tenantId, c.aadObjectId, meetingKeys.followUp(due.id, c.aadObjectId), renderWith(FOLLOWUP_RENDERER, { meetingId: due.id, aad: c.aadObjectId }))) sent++;
    return sent;
  }

  return {
    resolveMembers,
    languageOf,
    ensureTenant,

    /** `overleg`: the tables someone may see (defaults made on first use), with their next meeting and rhythm. */
    async overview(actor: Actor, language: Language, schoolId: number | null) {
      const now = deps.now();
      await ensureTenant(actor.tenantId, now);
      const grants = await grantsOf(actor);
      const { rows } = await store.listTables(db, actor.tenantId, schoolId, 2_000);
      const visible = rows.filter((r) => maySeeTable(r.table, grants, actor.aadObjectId));
      return {
        now,
        tables: visible.slice(0, OVERVIEW_LIMIT).map((r) => rowOf(r, language, now)),
        more: Math.max(0, visible.length - OVERVIEW_LIMIT),
        canManage: canManageTables(grants),
        schools: await deps.people.schools(actor.tenantId),
      };
    },

    /** One table with its history, for someone who may see it. */
    async table(actor: Actor, language: Language, publicId: string) {
      const { t, grants } = await loadTable(actor, publicId);
      const now = deps.now();
      const past = await store.history(db, t.table.id, 5);
      return {
        now,
        table: {
          ...rowOf(t, language, now),
          topics: tableTopics(t.table.kind, t.table.topics, language),
          ownTopics: t.table.topics,
          time: t.table.time,
          durationMinutes: t.table.durationMinutes,
          prepDays: t.table.prepDays,
          members: t.table.members,
          chair: t.table.chair,
          outlookLinked: t.table.outlook !== null,
        },
        history: past.map((h) => ({ startsAt: h.startsAt, status: h.status as 'held' | 'notHeld' | 'cancelled', decisions: h.record?.decisions ?? null })),
        canManage: canManageTables(grants),
        canRun: mayRunTable(t.table, grants, actor.aadObjectId),
        raw: t,
      };
    },

    /** A new table or changes to one (managers). The next date given is confirmed; without one the rule plans it. */
    async saveTable(actor: Actor, publicId: string | null, input: SaveTableInput): Promise<{ ok: true; publicId: string } | { ok: false; problems: { field: string; text: LocalText }[] }> {
      const grants = await grantsOf(actor);
      if (!canManageTables(grants)) throw notAllowed('manage meeting tables');
      const now = deps.now();
      let next: Date | null = null;
      if (input.next) {
        const c = checkMeetingMoment(input.next.date, input.next.time, now);
        if ('problem' in c) return { ok: false, problems: [{ field: 'nextDate', text: c.problem }] };
        next = c.at;
      }
      if (input.schoolId !== null && !(await deps.people.schools(actor.tenantId)).some((s) => s.id === input.schoolId)) return { ok: false, problems: [{ field: 'school', text: { nl: 'Kies een school uit de lijst.', en: 'Choose a school from the list.' } }] };
      const id = await inTransaction(db, async (tx) => {
        let tableId: number;
        let pub: string;
        if (publicId) {
          const t = await store.findTable(tx, { publicId }, true);
          if (!t || t.table.tenantId !== actor.tenantId) throw meetingProblem('meetingTableNotFound');
          await store.updateTable(tx, t.table.id, { name: input.name, topics: input.topics, rule: input.rule, time: input.time, durationMinutes: input.durationMinutes, prepDays: input.prepDays, members: input.members, chair: input.chair });
          tableId = t.table.id;
          pub = t.table.publicId;
        } else {
          const r = await store.insertTable(tx, actor.tenantId, { schoolId: input.schoolId, kind: 'own' as TableKind, name: input.name, topics: input.topics, rule: input.rule, time: input.time, durationMinutes: input.durationMinutes, prepDays: input.prepDays, members: input.members, chair: input.chair }, actor.aadObjectId);
          tableId = r.id;
          pub = r.publicId;
        }
        const fresh = (await store.findTable(tx, { id: tableId }))!;
        if (!fresh.table.paused) {
          // A new rule or time re-plans a date nobody confirmed; a confirmed date stays unless a new one is given.
          if (next) await plan(tx, fresh.table, now, { at: next, confirmed: true });
          else if (!fresh.next || !fresh.next.confirmed) await plan(tx, fresh.table, now, null);
          else await plan(tx, fresh.table, now, { at: fresh.next.startsAt, confirmed: true });
        }
        return pub;
      });
      return { ok: true, publicId: id };
    },

    async pause(actor: Actor, publicId: string, paused: boolean): Promise<void> {
      const grants = await grantsOf(actor);
      if (!canManageTables(grants)) throw notAllowed('pause meeting table');
      await inTransaction(db, async (tx) => {
        const t = await store.findTable(tx, { publicId }, true);
        if (!t || t.table.tenantId !== actor.tenantId) throw meetingProblem('meetingTableNotFound');
        await store.setPaused(tx, t.table.id, paused);
        if (paused) await store.cancelPlanned(tx, t.table.id);
        else await plan(tx, { ...t.table, paused: false }, deps.now(), null);
      });
    },

    async remove(actor: Actor, publicId: string): Promise<void> {
      const grants = await grantsOf(actor);
      if (!canManageTables(grants)) throw notAllowed('remove meeting table');
      await inTransaction(db, async (tx) => {
        const t = await store.findTable(tx, { publicId }, true);
        if (!t || t.table.tenantId !== actor.tenantId) throw meetingProblem('meetingTableNotFound');
        const cancelled = await store.cancelPlanned(tx, t.table.id);
        await store.removeTable(tx, t.table.id);
        if (cancelled) {
          const m = await store.findMeeting(tx, { id: cancelled });
          if (m) await updateCards(tx, m, null);
        }
      });
    },

    /** The chair or a manager sets (or confirms) the next meeting's date and time; members' cards follow. */
    async setNext(actor: Actor, publicId: string, date: string, time: string): Promise<{ ok: true } | { ok: false; problem: LocalText }> {
      const { t, grants } = await loadTable(actor, publicId);
      if (!mayRunTable(t.table, grants, actor.aadObjectId)) throw notAllowed('set next meeting');
      if (t.table.paused) throw meetingProblem('meetingNotPlanned');
      if (t.table.outlook) {
        return {
          ok: false,
          problem: {
            nl: 'Dit overleg is gekoppeld aan Outlook: verplaats de bijeenkomst in Outlook, dan neemt Cadans de nieuwe datum binnen een kwartier over.',
            en: 'This meeting table is linked to Outlook: move the meeting in Outlook, and Cadans takes the new date within fifteen minutes.',
          },
        };
      }
      const c = checkMeetingMoment(date, time, deps.now());
      if ('problem' in c) return { ok: false, problem: c.problem };
      await inTransaction(db, async (tx) => {
        const locked = await store.findTable(tx, { id: t.table.id }, true);
        if (!locked) throw meetingProblem('meetingTableNotFound');
        await plan(tx, locked.table, deps.now(), { at: c.at, confirmed: true });
        const m = (await store.findTable(tx, { id: t.table.id }))?.next;
        if (m) {
          const row = await store.findMeeting(tx, { id: m.id });
          if (row) await updateCards(tx, row, null);
        }
      });
      return { ok: true };
    },

    /**
     * A linked table follows its Outlook calendar: this occurrence (the first one after `now` that is
     * not cancelled) becomes the planned meeting, confirmed. A moved one moves the meeting and its prep
     * moment (cards not yet sent go out before the new date; cards already sent go again and the sent
     * ones show the new date). A confirmed meeting whose moment has passed is left alone: it waits for
     * its follow-up, which plans the next one.
     */
    async followOutlook(tableId: number, occurrence: { at: Date; eventId: string }, now: Date): Promise<{ changed: boolean; meetingId: number | null }> {
      return inTransaction(db, async (tx) => {
        const t = await store.findTable(tx, { id: tableId }, true);
        if (!t || t.table.paused || !t.table.outlook) return { changed: false, meetingId: null };
        const n = t.next;
        if (n && n.confirmed && n.startsAt.getTime() <= now.getTime()) return { changed: false, meetingId: n.id };
        if (n && n.confirmed && n.startsAt.getTime() === occurrence.at.getTime() && n.outlookEventId === occurrence.eventId) return { changed: false, meetingId: n.id };
        await plan(tx, t.table, now, { at: occurrence.at, confirmed: true, outlookEventId: occurrence.eventId });
        const planned = (await store.findTable(tx, { id: tableId }))?.next ?? null;
        if (planned && n && n.id === planned.id && n.startsAt.getTime() !== occurrence.at.getTime()) {
          const row = await store.findMeeting(tx, { id: planned.id });
          if (row) await updateCards(tx, row, null);
        }
        return { changed: true, meetingId: planned?.id ?? null };
      });
    },

    // ---- the prep card

    async prepFor(actor: Actor, language: Language, publicId: string): Promise<PrepInput> {
      const { m } = await attendee(actor, publicId);
      const input = await prepInput(m.id, actor.aadObjectId, language);
      if (!input) throw meetingProblem('meetingNotFound');
      return input;
    },

    async markPrepared(actor: Actor, publicId: string): Promise<void> {
      const { m } = await attendee(actor, publicId);
      if (m.status !== 'planned') throw meetingProblem('meetingNotPlanned');
      await inTransaction(db, async (tx) => {
        await ensureAttendee(tx, m, actor);
        await store.setAttendance(tx, m.id, actor.aadObjectId, { prepared: true, cannotCome: null });
        await notifyChairCards(tx, m, actor.aadObjectId);
      });
    },

    async addAgenda(actor: Actor, publicId: string, text: string): Promise<void> {
      const { m, t } = await attendee(actor, publicId);
      if (m.status !== 'planned') throw meetingProblem('meetingNotPlanned');
      await inTransaction(db, async (tx) => {
        await ensureAttendee(tx, m, actor);
        if (!(await store.addAgendaItem(tx, m.id, m.tenantId, { aadObjectId: actor.aadObjectId, name: actor.name }, text, TABLE_LIMITS.agendaItems))) throw meetingProblem('meetingAgendaFull');
        await updateCards(tx, m, actor.aadObjectId);
      });
      if (t.table.outlook && deps.outlookAgendaChanged) {
        // The item is saved; Outlook's copy follows (a job, retried), and a failure here never loses it.
        await deps.outlookAgendaChanged(m.id).catch((err: unknown) => deps.log?.warn({ err, meeting: m.publicId }, 'meetings: the agenda could not be queued for Outlook'));
      }
    },

    async remindTomorrow(actor: Actor, publicId: string): Promise<void> {
      const { m, t } = await attendee(actor, publicId);
      if (m.status !== 'planned') throw meetingProblem('meetingNotPlanned');
      const at = remindTomorrow(deps.now(), m.startsAt, await calendarOf(t.table.tenantId, t.table.schoolId));
      await inTransaction(db, async (tx) => {
        await ensureAttendee(tx, m, actor);
        await store.setAttendance(tx, m.id, actor.aadObjectId, { remindAt: at });
      });
    },

    /** "Ik kan niet": recorded, and the chair gets a card saying so (once per person and meeting). */
    async cannotCome(actor: Actor, publicId: string, reason: string | null): Promise<void> {
      const { m, t } = await attendee(actor, publicId);
      if (m.status !== 'planned') throw meetingProblem('meetingNotPlanned');
      const { chairCards } = await resolveMembers(t.table);
      await inTransaction(db, async (tx) => {
        await ensureAttendee(tx, m, actor);
        await store.setAttendance(tx, m.id, actor.aadObjectId, { prepared: false, cannotCome: { reason }, remindAt: null });
        for (const c of chairCards) {
          if (c.aadObjectId === actor.aadObjectId) continue;
          await toPerson(tx, m.tenantId, c.aadObjectId, meetingKeys.cannotCome(m.id, actor.aadObjectId, c.aadObjectId), renderWith(CANNOT_COME_RENDERER, { meetingId: m.id, aad: actor.aadObjectId, chairAad: c.aadObjectId }));
        }
        await notifyChairCards(tx, m, actor.aadObjectId);
      });
    },

    // ---- the follow-up

    async followUpFor(actor: Actor, language: Language, publicId: string): Promise<FollowUpInput> {
      const { m, t } = await loadMeeting(actor.tenantId, publicId);
      const grants = await grantsOf(actor);
      if (!mayRunTable(t.table, grants, actor.aadObjectId)) throw meetingProblem('meetingNotFound');
      return followUpInput(m, t, language, actor.aadObjectId);
    },

    /**
     * The chair records the meeting: held or not, decisions, up to three new improvement actions, and
     * the next date (prefilled from the rule). Problems come back per field and nothing changes.
     */
    async record(
      actor: Actor,
      language: Language,
      publicId: string,
      input: { held: 'yes' | 'no' | ''; decisions: string; nextDate: string; nextTime: string; actions: { title: string; owner: string; due: string }[] },
    ): Promise<{ ok: true } | { ok: false; problems: { field: string; text: LocalText }[] }> {
      const { m, t } = await loadMeeting(actor.tenantId, publicId);
      const grants = await grantsOf(actor);
      if (!mayRunTable(t.table, grants, actor.aadObjectId)) throw meetingProblem('meetingNotFound');
      if (m.status !== 'planned') throw meetingProblem('meetingNotPlanned');
      const now = deps.now();
      const problems: { field: string; text: LocalText }[] = [];
      if (input.held !== 'yes' && input.held !== 'no') problems.push({ field: 'held', text: { nl: 'Geef aan of het overleg is doorgegaan.', en: 'Say whether the meeting took place.' } });
      if (input.decisions.length > TABLE_LIMITS.decisions) problems.push({ field: 'decisions', text: { nl: `Maximaal ${TABLE_LIMITS.decisions} tekens.`, en: `At most ${TABLE_LIMITS.decisions} characters.` } });
      let next: Date | null = null;
      if (input.nextDate || input.nextTime) {
        const c = checkMeetingMoment(input.nextDate, input.nextTime || t.table.time, now);
        if ('problem' in c) problems.push({ field: 'nextDate', text: c.problem });
        else next = c.at;
      }
      const actions = input.actions.filter((a) => a.title.trim() || a.owner || a.due);
      actions.forEach((a, i) => {
        if (!a.title.trim()) problems.push({ field: `a${i + 1}Title`, text: { nl: 'Beschrijf kort wat er gaat gebeuren.', en: 'Say briefly what will be done.' } });
        if (!a.owner) problems.push({ field: `a${i + 1}Owner`, text: { nl: 'Kies wie eigenaar wordt.', en: 'Choose who will own it.' } });
        if (!/^\d{4}-\d{2}-\d{2}$/.test(a.due) || a.due < amsterdamDate(now)) problems.push({ field: `a${i + 1}Due`, text: { nl: 'Kies een datum vanaf vandaag.', en: 'Pick a date from today on.' } });
      });
      if (problems.length > 0) return { ok: false, problems };
      const held = input.held === 'yes';
      const title = tableName(t.table.kind, t.table.name, language);
      const done = await inTransaction(db, async (tx) => {
        const locked = await store.findMeeting(tx, { id: m.id }, true);
        if (!locked || locked.status !== 'planned') return false;
        await store.recordMeeting(tx, m.id, { held, decisions: input.decisions.trim() || null, actions: actions.map((a) => a.title.trim()) }, actor.aadObjectId);
        const table = (await store.findTable(tx, { id: t.table.id }, true))?.table;
        if (table && !table.paused) await plan(tx, table, now, next ? { at: next, confirmed: true } : held ? null : null);
        // A meeting planned from the rule right after one was recorded is a date the chair saw on this card: confirmed.
        if (table && !table.paused && !next) {
          const fresh = await store.findTable(tx, { id: table.id });
          if (fresh?.next) await plan(tx, table, now, { at: fresh.next.startsAt, confirmed: true });
        }
        return true;
      });
      if (!done) throw meetingProblem('meetingNotPlanned');
      // The actions after the record is in: each is its own change with its own owner card.
      for (const a of actions) {
        const people = await resolveMembers(t.table);
        const owner = people.people.find((p) => p.aadObjectId === a.owner) ?? { aadObjectId: a.owner, name: '' };
        await deps.actions?.createFromMeeting(actor, {
          title: a.title.trim(),
          ownerAad: owner.aadObjectId,
          ownerName: owner.name,
          dueDate: a.due,
          schoolId: t.table.schoolId,
          meetingId: m.id,
          meetingTitle: title,
          meetingDate: amsterdamDate(m.startsAt),
        });
      }
      return { ok: true };
    },

    // ---- renderers' inputs

    prepInput,
    refreshPrepCards,
    followUpInput: async (meetingId: number, aad: string, language: Language) => {
      const m = await store.findMeeting(db, { id: meetingId });
      const t = m ? await store.findTable(db, { id: m.tableId }) : null;
      return m && t ? followUpInput(m, t, language, aad) : null;
    },
    async warningInput(meetingId: number, language: Language): Promise<RhythmWarningInput | null> {
      const m = await store.findMeeting(db, { id: meetingId });
      const t = m ? await store.findTable(db, { id: m.tableId }) : null;
      if (!m || !t) return null;
      return {
        language,
        tablePublicId: t.table.publicId,
        tableName: tableName(t.table.kind, t.table.name, language),
        schoolName: t.table.schoolName,
        rule: t.table.rule,
        lastHeld: t.lastHeld,
        windowStart: m.windowStart,
        windowEnd: m.windowEnd,
        proposed: m.status === 'planned' ? m.startsAt : null,
      };
    },
    async cannotComeInput(meetingId: number, aad: string, language: Language): Promise<CannotComeInput | null> {
      const m = await store.findMeeting(db, { id: meetingId });
      const t = m ? await store.findTable(db, { id: m.tableId }) : null;
      if (!m || !t) return null;
      const a = (await store.listAttendance(db, m.id)).find((x) => x.aadObjectId === aad);
      return { language, meetingPublicId: m.publicId, tableName: tableName(t.table.kind, t.table.name, language), startsAt: m.startsAt, person: a?.name ?? '', reason: a?.cannotComeReason ?? null };
    },
    externalInput,
    setAttendeeCard: store.setAttendeeCard,
    setFollowupCard: store.setFollowupCard,
    mailExternals,

    /**
     * One scheduler tick at `now`: prep cards due, reminders asked for, rhythm warnings, follow-ups.
     * Each batch is one transaction that claims its rows and enqueues their cards.
     */
    async tick(now: Date): Promise<{ prep: number; reminders: number; warnings: number; followUps: number; mails: { meetingId: number; tenantId: string; fromAad: string }[] }> {
      const out = { prep: 0, reminders: 0, warnings: 0, followUps: 0, mails: [] as { meetingId: number; tenantId: string; fromAad: string }[] };
      for (;;) {
        pendingMail.length = 0;
        const n = await inTransaction(db, async (tx) => {
          const due = await store.claimDue(tx, 'prep', now, TICK_BATCH);
          for (const d of due) out.prep += await sendPrep(tx, d);
          return due.length;
        });
        out.mails.push(...pendingMail);
        if (n < TICK_BATCH) break;
      }
      for (;;) {
        const n = await inTransaction(db, async (tx) => {
          const due = await store.claimReminders(tx, now, TICK_BATCH);
          for (const r of due) {
            if (await toPerson(tx, r.tenantId, r.aadObjectId, meetingKeys.remind(r.meetingId, r.aadObjectId, r.at), renderWith(PREP_RENDERER, { meetingId: r.meetingId, aad: r.aadObjectId, reminder: true }))) out.reminders++;
          }
          return due.length;
        });
        if (n < TICK_BATCH) break;
      }
      for (;;) {
        const n = await inTransaction(db, async (tx) => {
          const due = await store.claimDue(tx, 'warn', now, TICK_BATCH);
          for (const d of due) out.warnings += await sendWarnings(tx, d);
          return due.length;
        });
        if (n < TICK_BATCH) break;
      }
      for (;;) {
        const n = await inTransaction(db, async (tx) => {
          const due = await store.claimDue(tx, 'followup', now, TICK_BATCH);
          for (const d of due) out.followUps += await sendFollowUps(tx, d);
          return due.length;
        });
        if (n < TICK_BATCH) break;
      }
      return out;
    },

    /** The daily sweep: every tenant's default tables, and a planned meeting for each table without one; proposals that passed are planned again. */
    async sweep(now: Date): Promise<number> {
      let after: string | null = null;
      let n = 0;
      for (;;) {
        const ids: string[] = await deps.conversations.activeTenants(after, 100);
        for (const id of ids) {
          try {
            await ensureTenant(id, now);
            await store.replanPassedProposals(db, id, now, async (tableId) => {
              await inTransaction(db, async (tx) => {
                const t = await store.findTable(tx, { id: tableId }, true);
                if (t && !t.table.paused && t.next && !t.next.confirmed) await plan(tx, t.table, now, null);
              });
            });
            n++;
          } catch (err) {
            deps.log?.error({ err, tenant: id }, 'meetings: the daily planning of a tenant failed; the next sweep tries again');
          }
        }
        if (ids.length < 100) break;
        after = ids[ids.length - 1]!;
      }
      return n;
    },
  };

  /** After an erase (docs/privacy.md): the prep cards of a planned meeting that named the person show the label. */
  async function refreshPrepCards(meetingId: number): Promise<void> {
    await inTransaction(db, async (tx) => {
      const m = await store.findMeeting(tx, { id: meetingId });
      if (m && m.status === 'planned') await updateCards(tx, m, null);
    });
  }

  /** The chair's own prep card shows who is prepared and who cannot come. */
  async function notifyChairCards(tx: Queryable, m: store.MeetingRow, except: string) {
    await updateCards(tx, m, except);
  }

  async function followUpInput(m: store.MeetingRow, t: store.TableWithNext, language: Language, aad: string): Promise<FollowUpInput> {
    const now = deps.now();
    const [agenda, members] = await Promise.all([store.listAgenda(db, m.id), resolveMembers(t.table)]);
    const calendar = await calendarOf(t.table.tenantId, t.table.schoolId);
    const occ = planNext({ rule: t.table.rule, time: t.table.time, now: new Date(Math.max(now.getTime(), m.startsAt.getTime())), lastHeld: m.startsAt, calendar });
    const by = m.recordedBy ? (members.people.find((p) => p.aadObjectId === m.recordedBy)?.name ?? '') : '';
    void aad;
    return {
      language,
      now,
      meetingPublicId: m.publicId,
      tableName: tableName(t.table.kind, t.table.name, language),
      schoolName: t.table.schoolName,
      startsAt: m.startsAt,
      agenda: agenda.map((a) => ({ text: a.text, author: a.authorName })),
      people: members.people,
      proposedNext: occ ? { date: amsterdamDate(occ.at), time: t.table.time } : null,
      ...(m.record ? { recorded: { held: m.record.held, decisions: m.record.decisions, actions: m.record.actions, next: t.next?.startsAt ?? null, by } } : {}),
    };
  }
}

export type MeetingService = ReturnType<typeof createMeetingService>;
