// Builds and starts one Cadans instance on a database: migrations, jobs, cards, Teams app, HTTP.
// main.ts calls it for the real process; tests and benchmarks call it the same way.
import path from 'node:path';
import type { Logger } from 'pino';
import { createCardRenderer } from './cards/render.js';
import type { Config } from './config.js';
import { createPool, type Db } from './db/pool.js';
import { migrate, pendingMigrations } from './db/migrate.js';
import { startJobs, type Jobs } from './jobs/boss.js';
import { LOCAL_SEED } from './local/seed.js';
import { createPeopleFeature } from './people/feature.js';
import { deactivateUnreachable, getBotIdFor, getChannelName, getPersonalConversations, getTeamGroupId, getTenantServiceUrl, listActiveTenants, listInstalledTeams } from './teams/store.js';
import { createMeetingFeature, type MeetingCalendar, type MeetingFeature, type MeetingMailer } from './meetings/feature.js';
import { createSurveyFeature, loadSealKey, type SurveyFeature } from './surveys/feature.js';
import { nextSendMoment } from './schedule/index.js';
import { createRoutes } from './app-routes.js';
import { createGraphFromConfig } from './graph/from-config.js';
import { CADANS_TIME_ZONE, GraphError, isNotFound, type Graph } from './graph/index.js';
import { createHttpServer } from './server.js';
import { createReadiness } from './readiness.js';
import { createTeamsApp } from './teams/app.js';
import { createAdapter } from './teams/adapter.js';
import { createChecklistFeature, todayInAmsterdam } from './checklists/feature.js';
import { createActionFeature, type ActionFeature } from './actions/feature.js';
import { createOutbox, type Outbox } from './outbox/service.js'; // outbox
import { createConnectorTransport } from './teams/connector-transport.js'; // outbox
import { createDownloads, type Downloads } from './exports/feature.js'; // exports
import { createPrivacyFeature, type PersonalDataHolder, type PrivacyFeature } from './privacy/feature.js'; // privacy
import { hasAnyRole } from './access.js';
import { createOutboxPersonalData } from './outbox/personal-data.js'; // privacy
import { createTeamsPersonalData, personalConversations } from './teams/personal-data.js'; // privacy
import { createJobsPersonalData } from './jobs/personal-data.js'; // privacy
import { createDailyPrivacy } from './privacy/retention.js'; // privacy
import { createTenantLifecycle, type TenantLifecycle } from './privacy/tenant.js'; // privacy

export interface RunningCadans {
  url: string;
  port: number;
  db: Db;
  jobs: Jobs;
  /** The one door out to Teams for proactive sends, 1:1 conversations and card updates (docs/outbox.md). */
  outbox: Outbox;
  /** Pulse surveys (docs/surveys.md): tests drive its tick with their own clock. */
  surveys: SurveyFeature;
  /** Improvement actions (PDCA): tests drive its reminder job; other features use `openForPrep` and `listOpen`. */
  actions: ActionFeature;
  /** Meeting cadences: tests drive its tick with their own clock. */
  meetings: MeetingFeature;
  /** Signed, expiring downloads any feature registers a kind with (docs/exports.md). */ // exports
  downloads: Downloads; // exports
  /**
   * Privacy (docs/privacy.md): every holder of personal data, in the order erasures, tenant
   * deletions and retention call them (the people feature's last); the daily job's work for one
   * moment (tests pass their own clock); a tenant's scheduled deletion.
   */
  privacy: { holders: readonly PersonalDataHolder[]; daily: (now: Date) => Promise<unknown>; tenants: TenantLifecycle; person: PrivacyFeature['service'] };
  /** Drains HTTP, stops the workers, closes the database pool. */
  stop(): Promise<void>;
}

/**
 * The meeting cadences' Outlook calendar and mail, from Graph: for the bot's own tenant only (Graph
 * signs in as the bot's app registration, in its tenant); the chairs' mailboxes as the tenant's admin
 * allowed them (README, "Microsoft Graph permissions").
 */
export function meetingPortsFromGraph(graph: Graph, botTenantId: string): { calendar: MeetingCalendar; mailer: MeetingMailer } {
  const covers = (tenantId: string) => tenantId === botTenantId;
  const only = (tenantId: string) => {
    if (!covers(tenantId)) throw new Error('Graph speaks for the bot tenant only');
  };
  return {
    calendar: {
      covers,
      async createSeries(tenantId, organizerAad, input) {
        only(tenantId);
        return graph.createSeries(organizerAad, { ...input, timeZone: CADANS_TIME_ZONE });
      },
      async listOccurrences(tenantId, organizerAad, input) {
        only(tenantId);
        return graph.listOccurrences(organizerAad, input);
      },
      async getEvent(tenantId, organizerAad, eventId) {
        only(tenantId);
        const e = await graph.getEvent(organizerAad, eventId);
        return { id: e.id, type: e.type, subject: e.subject, startsAt: e.startsAt };
      },
      async updateBody(tenantId, organizerAad, eventId, bodyHtml) {
        only(tenantId);
        return graph.updateBody(organizerAad, eventId, bodyHtml);
      },
      failureOf: (err) => (isNotFound(err) ? 'notFound' : err instanceof GraphError && err.status === 403 ? 'forbidden' : 'other'),
    },
    mailer: {
      covers,
      isForbidden: (err) => err instanceof GraphError && err.status === 403,
      async send(tenantId, fromAad, mail) {
        only(tenantId);
        await graph.sendMail(fromAad, { to: mail.to, subject: mail.subject, bodyHtml: mail.html });
      },
    },
  };
}

export interface StartOptions {
  /** A Graph client made elsewhere (tests: against the fake Graph) and the tenant it speaks for, instead of the one from configuration. */
  graph?: { client: Graph; tenantId: string };
  /** Tests: a survey fan-out pauses above this backlog in seconds of sending (default 30). */
  fanOutBacklogSeconds?: number;
}

export async function startCadans(config: Readonly<Config>, log: Logger, databaseUrl: string, options: StartOptions = {}): Promise<RunningCadans> {
  // Pools name their connections (application_name): cadans, cadans-outbox, cadans-jobs.
  const db = createPool(databaseUrl, log, 10, 'cadans');
  try {
    await migrate(db, log);
    const jobs = await startJobs(databaseUrl, log, { finishedJobsDays: config.privacy.retention.jobsDays });
    const cards = createCardRenderer(path.join(config.rootDir, 'adaptive-cards'));
    const peopleFeature = createPeopleFeature({
      db,
      mode: config.mode,
      defaultLanguage: config.defaultLanguage,
      beheerders: config.beheerders,
      seed: config.mode === 'local' ? LOCAL_SEED : undefined,
      log,
    });
    const people = peopleFeature.service;
    await peopleFeature.reconcile(); // CADANS_BEHEERDERS is the truth for the roles it grants
    const graph = options.graph?.client ?? createGraphFromConfig(config, log);
    // Graph speaks for one tenant: the bot registration's.
    const graphTenantId = options.graph?.tenantId ?? config.botAuth?.tenantId ?? null;
    const meetingGraph = graph && graphTenantId ? meetingPortsFromGraph(graph, graphTenantId) : null;
    const adapter = createAdapter(config);
    // The outbox: started after the jobs, stopped before them; its own small pool, so its workers
    // and listener never take the connections HTTP turns need.
    const outboxDb = createPool(databaseUrl, log, 6, 'cadans-outbox');
    const outbox = createOutbox({
      db: outboxDb,
      boss: jobs.boss,
      log,
      transport: createConnectorTransport({ adapter, botAppId: config.botAuth?.appId ?? '' }),
      tenantPerSecond: config.outbox.tenantPerSecond,
      maxAttempts: config.outbox.maxAttempts,
      onUnreachable: deactivateUnreachable, // the Teams layer keeps the conversation references
    });
    // exports: signed downloads (docs/exports.md), made before the features, which register their
    // kinds. Links are absolute: PUBLIC_BASE_URL, or in local mode this server's own address once it listens.
    let ownUrl: string | undefined;
    const downloads = createDownloads({
      secret: config.exports.signingSecret,
      baseUrl: () => config.exports.publicBaseUrl ?? (config.mode === 'local' ? ownUrl : undefined),
      now: () => new Date(),
      log,
    });
    if (config.exports.signingSecretIsEphemeral) log.info('EXPORT_SIGNING_SECRET is not set: download links work until this process stops');
    // exports end
    const checklists = createChecklistFeature({
      db,
      cards,
      outbox,
      people,
      conversations: { botIdOf: (tenantId, conversationId) => getBotIdFor(db, tenantId, conversationId), teamGroupId: (tenantId, teamId) => getTeamGroupId(db, tenantId, teamId), installedTeams: (tenantId) => listInstalledTeams(db, tenantId) },
      today: () => todayInAmsterdam(new Date()),
      log,
      downloads, // exports
    });
    const surveys = createSurveyFeature({
      db,
      cards,
      outbox,
      tenantPerSecond: config.outbox.tenantPerSecond,
      ...(options.fanOutBacklogSeconds ? { fanOutBacklogSeconds: options.fanOutBacklogSeconds } : {}),
      people,
      conversations: {
        personalConversations: (tenantId, ids) => getPersonalConversations(db, tenantId, ids),
        botIdOf: (tenantId, conversationId) => getBotIdFor(db, tenantId, conversationId),
        channelName: (tenantId, conversationId) => getChannelName(db, tenantId, conversationId),
        installedTeams: (tenantId) => listInstalledTeams(db, tenantId),
      },
      sealKey: loadSealKey(config.surveys.sealSecret, config.dataDir),
      // With Graph: an Entra group can be a survey's audience (the bot's own tenant).
      ...(graph && config.botAuth
        ? {
            groupMembers: async (tenantId: string, groupId: string) => {
              if (tenantId !== config.botAuth!.tenantId) throw new Error('Graph speaks for the bot tenant only');
              return graph.listTeamMembers(groupId);
            },
          }
        : {}),
      // With Graph and the app's catalog id: the app is installed for recipients who lack it (the
      // bot's own tenant only: Graph speaks for that tenant).
      ...(graph && config.graph.teamsAppCatalogId && config.botAuth
        ? {
            installApp: async (tenantId: string, aad: string) => {
              if (tenantId !== config.botAuth!.tenantId) return false;
              try {
                await graph.installAppForUser(aad, config.graph.teamsAppCatalogId!);
                return true;
              } catch (err) {
                log.warn({ err, tenant: tenantId }, 'could not install the app for a survey recipient; sending the card anyway');
                return false;
              }
            },
          }
        : {}),
      boss: jobs.boss,
      sendWindow: config.surveys.sendWindow,
      // Working days within SURVEY_SEND_HOURS, Amsterdam time: weekends and public holidays skipped,
      // and the school holidays of the survey's school (its own rooster or region; the tenant's
      // default region for a board-wide survey) once the tenant has them (docs/schedule.md).
      sendMoment: async (at, scope) =>
        config.surveys.sendWindow ? nextSendMoment(at, { ...config.surveys.sendWindow, ...(await peopleFeature.calendarOf(scope.tenantId, scope.schoolId)) }) : at,
      downloads, // exports
      log,
    });
    const actions = createActionFeature({
      db,
      cards,
      outbox,
      people,
      conversations: { botIdOf: (tenantId, conversationId) => getBotIdFor(db, tenantId, conversationId) },
      surveys: {
        describe: (tenantId, surveyPublicId, questionId) => surveys.service.describeQuestion(tenantId, surveyPublicId, questionId),
        maySee: (ctx, surveyPublicId) => surveys.guard(ctx, { v: 1, survey: surveyPublicId }, 'see'),
      },
      today: () => todayInAmsterdam(new Date()),
      log,
    });
    // `resultaten` shows the open improvement actions of those who may list them (a role; owners see theirs in their chat).
    surveys.useActions(async (actor) => {
      const r = await actions.service.listOpen(actor, 1);
      return r.canCreate ? { total: r.total, overdue: r.overdue } : null;
    });
    const meetings = createMeetingFeature({
      db,
      cards,
      outbox,
      people: {
        grantsOf: (tenantId, aad) => people.grantsOf(tenantId, aad),
        roleHolders: (tenantId, roles, schoolIds, limit) => people.roleHolders(tenantId, roles, schoolIds, limit),
        contactsOf: (tenantId, ids) => people.contactsOf(tenantId, ids),
        tenantLanguage: (tenantId) => people.tenantLanguage(tenantId),
        schools: (tenantId) => people.schools(tenantId),
        // The school's own vakantierooster, its region, or the tenant's default region (docs/schedule.md).
        calendarOf: peopleFeature.calendarOf,
      },
      conversations: {
        personalConversations: (tenantId, ids) => getPersonalConversations(db, tenantId, ids),
        serviceUrlOf: (tenantId) => getTenantServiceUrl(db, tenantId),
        activeTenants: (after, limit) => listActiveTenants(db, after, limit),
      },
      // The prep pack: each feature's part, filtered to what the viewer may see.
      pack: [
        async (viewer, schoolId, today) => ({ checklists: await checklists.forPrep(viewer, schoolId, today) }),
        async (viewer, schoolId, today) => ({ surveys: await surveys.forPrep(viewer, schoolId, today) }),
        async (viewer, schoolId, today) => {
          const mayList = viewer.grants.some((g: { role: string; schoolId: number | null }) => ['kwaliteitsmedewerker', 'bestuurder', 'beheerder'].includes(g.role) ? g.schoolId === null : g.role === 'directeur' && schoolId !== null && g.schoolId === schoolId);
          if (!mayList) return {};
          const r = await actions.openForPrep(viewer.tenantId, schoolId, today, 8);
          return { actions: r.actions.map((a) => ({ title: a.title, ownerName: a.ownerName, dueDate: a.dueDate, overdue: a.overdue })), actionCounts: { open: r.open, overdue: r.overdue } };
        },
      ],
      actions: {
        async createFromMeeting(actor, input) {
          const r = await actions.service.create(actor, {
            title: input.title,
            dueDate: input.dueDate,
            owner: { aad: input.ownerAad, name: input.ownerName },
            source: { kind: 'meeting', meetingId: input.meetingId, meetingTitle: input.meetingTitle, meetingDate: input.meetingDate },
            schoolId: input.schoolId,
          });
          return r.ok ? { ok: true } : { ok: false, problem: r.problems.map((p) => p.en).join(' ') };
        },
      },
      downloads, // exports
      // With Graph: tables linked to the chair's Outlook calendar, and the prep mailed to external members.
      ...(meetingGraph ? { calendar: meetingGraph.calendar, mailer: meetingGraph.mailer } : {}),
      log,
    });
    // privacy: the holders of personal data, each answering for its own tables. Features first, then
    // the infrastructure (the outbox before the Teams layer: it finds a person's 1:1 chats through
    // the references the Teams layer deletes; pg-boss's jobs after both), the people feature last.
    const holders: PersonalDataHolder[] = [
      checklists.personalData,
      actions.personalData,
      surveys.personalData,
      meetings.personalData,
      createOutboxPersonalData({ personalConversations }),
      createTeamsPersonalData(),
      createJobsPersonalData(),
      peopleFeature.personalData,
    ];
    const tenants = createTenantLifecycle({ db, holders: () => holders, graceDays: config.privacy.tenantDeletionGraceDays, now: () => new Date(), log });
    const dailyPrivacy = createDailyPrivacy({ db, holders: () => holders, policy: config.privacy.retention, deleteDueTenants: (now) => tenants.deleteDue(now), log });
    // privacy end
    for (const r of [...checklists.renderers, ...surveys.renderers, ...actions.renderers, ...meetings.renderers]) outbox.registerRenderer(r);
    await outbox.start();
    await checklists.registerJobs(jobs.boss);
    await surveys.registerJobs(jobs.boss);
    await actions.registerJobs(jobs.boss);
    await meetings.registerJobs(jobs.boss);
    await dailyPrivacy.registerJobs(jobs.boss); // privacy
    // A person's export and erase (privacy.* verbs) over the same holders.
    const privacy = createPrivacyFeature({
      db,
      holders: () => holders,
      people: peopleFeature.personalData,
      downloads, // exports
      isBeheerder: async (ctx) => hasAnyRole(await people.grantsOf(ctx.actor.tenantId, ctx.actor.aadObjectId), ['beheerder'], true),
      now: () => new Date(),
      log,
    });
    const teams = createTeamsApp({ config, adapter, db, log, cards, people, graph, outbox, tenants, routes: createRoutes({ people: peopleFeature, checklists, surveys, actions, meetings, outbox, privacy }) });
    const http = createHttpServer({
      log,
      maxBodyBytes: config.maxBodyBytes,
      processActivity: (body, authorization) => teams.handle(body, authorization),
      serveExport: (token) => downloads.serve(token), // exports
      // Cheap enough to poll every second; 503 while the database is unreachable (src/readiness.ts).
      readiness: createReadiness({
        db,
        pendingMigrations: () => pendingMigrations(db),
        jobsRunning: () => jobs.isRunning(),
        outboxStats: () => outbox.stats(),
      }),
    });
    const { port, url } = await http.listen(config.port, config.host);
    ownUrl = url; // exports
    log.info({ url, mode: config.mode }, 'Cadans is listening');
    return {
      url,
      port,
      db,
      jobs,
      outbox,
      surveys,
      actions,
      meetings,
      downloads, // exports
      privacy: { holders, daily: dailyPrivacy.run, tenants, person: privacy.service }, // privacy
      async stop() {
        await http.drain(config.shutdownGraceMs);
        await outbox.stop(); // outbox
        await outboxDb.end(); // outbox
        await jobs.stop();
        await db.end();
      },
    };
  } catch (err) {
    await db.end().catch(() => undefined);
    throw err;
  }
}
