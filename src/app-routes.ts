// The verb table: every Action.Execute verb with who may use it where (src/access.ts), checked on
// the server before its handler runs, and the text commands. Adding a verb to VERBS without a row
// here does not compile; test/access.test.ts runs every verb against every role and place.
import { createAccess, IN_CHANNEL, rule } from './access.js';
import { ACTION_ROLES, type ActionFeature } from './actions/feature.js';
import type { createChecklistFeature } from './checklists/feature.js';
import { renderHelpCard } from './cards/app-views.js';
import { helpCommandData, renderUnknownCommand, showHelp } from './home/feature.js';
import { parseActionData } from './action-data.js';
import { createOutboxRoutes } from './outbox/routes.js';
import { isHolidayRosterFile, type createPeopleFeature } from './people/feature.js';
import type { Routes } from './routes.js';
import type { MeetingFeature } from './meetings/feature.js';
import type { SurveyFeature } from './surveys/feature.js';
import type { PrivacyFeature } from './privacy/feature.js';
import { ANSWER_KEEPERS, SURVEY_STARTERS, looksLikeSurveyTemplate } from './surveys/feature.js';

type ChecklistFeature = Pick<ReturnType<typeof createChecklistFeature>, 'routes' | 'guard'>;

/** Who starts checklists (a directeur: for their own school, which the service checks). */
const CHECKLIST_STARTERS = ['beheerder', 'kwaliteitsmedewerker', 'directeur'] as const;
/** Own checklist templates: for the whole tenant. */
const TEMPLATE_KEEPERS = ['beheerder', 'kwaliteitsmedewerker'] as const;
/** Only in the personal chat with Cadans. */
const PERSONAL = ['personal'] as const;

type PeopleFeature = Pick<ReturnType<typeof createPeopleFeature>, 'routes' | 'service'>;

export function createRoutes(deps: {
  people: PeopleFeature;
  checklists: ChecklistFeature;
  surveys: Pick<SurveyFeature, 'routes' | 'guard'>;
  actions: Pick<ActionFeature, 'routes' | 'guard'>;
  meetings: Pick<MeetingFeature, 'routes' | 'guard'>;
  outbox: Parameters<typeof createOutboxRoutes>[0];
  privacy: Pick<PrivacyFeature, 'routes'>;
}): Routes {
  const privacy = deps.privacy.routes;
  const roles = deps.people.routes;
  const outbox = createOutboxRoutes(deps.outbox);
  const checklist = deps.checklists.routes;
  const access = createAccess({ grantsOf: (tenantId, aad) => deps.people.service.grantsOf(tenantId, aad), resources: { checklist: deps.checklists.guard, survey: deps.surveys.guard, action: deps.actions.guard, meeting: deps.meetings.guard } });
  const survey = deps.surveys.routes;
  // A survey: its author and tenant-wide kwaliteitsmedewerkers and beheerders manage it; its results
  // are theirs, tenant-wide bestuurders' and its school's directeur's; only its recipients answer it.
  const manageSurvey = rule.resource('survey', 'edit');
  const answerSurvey = rule.resource('survey', 'answer', ['personal']);
  const seeChecklist = rule.resource('checklist', 'see');
  const editChecklist = rule.resource('checklist', 'edit');
  const action = deps.actions.routes;
  // An improvement action: its owner, its creator and tenant-wide kwaliteitsmedewerkers and
  // beheerders change it; tenant-wide bestuurders and its school's directeur see it too
  // (actions/model.ts). Saving one without an id makes a new one: from a survey line whoever may
  // see that survey's results, typed in the roles that may (actions/access.ts).
  const seeAction = rule.resource('action', 'see');
  const editAction = rule.resource('action', 'edit');
  const meeting = deps.meetings.routes.verbs;
  // A meeting table: tenant-wide kwaliteitsmedewerkers and beheerders manage tables; its chair sets
  // dates and records meetings; whoever sits at it (or was sent its prep card) uses the prep card;
  // tenant-wide bestuurders and a school's directeur see them (meetings/access.ts).
  const seeMeeting = rule.resource('meeting', 'see');
  const runMeeting = rule.resource('meeting', 'edit');
  const attendMeeting = rule.resource('meeting', 'answer');
  const manageTables = rule.roles(TEMPLATE_KEEPERS, { tenantWide: true });
  const commands: Routes['commands'] = {
    help: showHelp,
    checklist: checklist.open,
    survey: survey.commands.survey,
    meetings: deps.meetings.routes.command,
    results: survey.commands.results,
    roles: roles.openCommand,
    privacy: privacy.commands.privacy,
    myData: privacy.commands.myData,
  };
  return {
    authorize: access.authorize,
    verbs: {
      'help.show': { access: rule.anyone(), handle: showHelp },
      // A button on the help card: answered as if the command were typed (each command checks who
      // may see what, and in a channel shows only what everyone there may read), in a new message
      // below the help card, which stays.
      'help.command': {
        access: rule.anyone(),
        handle: async (ctx, data) => commands[parseActionData(helpCommandData, data).command](ctx, ''),
        keep: (ctx) => renderHelpCard(ctx.cards, ctx.t),
      },
      // In a channel its checklists; elsewhere it says where checklists live (the tenant's teams with Cadans).
      'checklist.open': { access: rule.anyone(), handle: checklist.open },
      'checklist.new': { access: rule.roles(CHECKLIST_STARTERS, { where: IN_CHANNEL, whereText: 'checklistChannelOnly' }), handle: checklist.newChecklist },
      'checklist.start': { access: rule.roles(CHECKLIST_STARTERS, { where: IN_CHANNEL, whereText: 'checklistChannelOnly' }), handle: checklist.start },
      // A summary's "Verbeterplan starten": the start form below the summary, which stays (for
      // whoever may see the finished checklist; the form fills in its school).
      'checklist.followUp': {
        access: rule.resource('checklist', 'see', IN_CHANNEL),
        handle: checklist.followUp,
        keep: checklist.keepSummary,
      },
      // Seeing a checklist: its team, tenant-wide beheerders, bestuurders and kwaliteitsmedewerkers,
      // the directeur of its school, the owners of its steps (checklists/access.ts). What a viewer
      // may then change is the checklist's own rules (checklists/model.ts), checked by the service.
      'checklist.view': { access: seeChecklist, handle: checklist.view },
      'checklist.step': { access: seeChecklist, handle: checklist.step },
      'checklist.setStatus': { access: seeChecklist, handle: checklist.setStatus },
      'checklist.take': { access: seeChecklist, handle: checklist.take },
      'checklist.export': { access: seeChecklist, handle: checklist.exportChecklist },
      'checklist.saveStep': { access: editChecklist, handle: checklist.saveStep },
      'checklist.repost': { access: editChecklist, handle: checklist.repost },
      'checklist.addTemplate': { access: rule.roles(TEMPLATE_KEEPERS, { tenantWide: true }), handle: checklist.addTemplate },
      'checklist.saveTemplate': { access: rule.roles(TEMPLATE_KEEPERS, { tenantWide: true }), handle: checklist.saveTemplate },
      'checklist.saveTemplateForm': { access: rule.roles(TEMPLATE_KEEPERS, { tenantWide: true }), handle: checklist.saveTemplateForm },
      'checklist.archiveTemplate': { access: rule.roles(TEMPLATE_KEEPERS, { tenantWide: true }), handle: checklist.archiveTemplate },
      'survey.open': { access: rule.anyone(), handle: survey.verbs.open },
      'results.open': { access: rule.anyone(), handle: survey.results.open },
      'survey.export': { access: rule.resource('survey', 'see'), handle: survey.results.exportResults },
      // A directeur's own school's part of a board-wide survey (the service checks the survey and school).
      'survey.schoolResults': { access: rule.roles(['directeur']), handle: survey.results.schoolResults },
      // Its export: a signed link to that school's part only (the service checks the survey and school again).
      'survey.exportSchool': { access: rule.roles(['directeur']), handle: survey.results.exportSchool },
      'survey.create': { access: rule.roles(SURVEY_STARTERS, { where: IN_CHANNEL, whereText: 'surveyChannelOnly' }), handle: survey.verbs.create },
      'survey.edit': { access: manageSurvey, handle: survey.verbs.edit },
      'survey.save': { access: manageSurvey, handle: survey.verbs.save },
      'survey.questions': { access: manageSurvey, handle: survey.verbs.questions },
      'survey.saveQuestions': { access: manageSurvey, handle: survey.verbs.saveQuestions },
      'survey.review': { access: manageSurvey, handle: survey.verbs.review },
      'survey.send': { access: manageSurvey, handle: survey.verbs.send },
      'survey.status': { access: manageSurvey, handle: survey.verbs.status },
      'survey.resendFailed': { access: manageSurvey, handle: survey.verbs.resendFailed },
      'survey.close': { access: manageSurvey, handle: survey.verbs.close },
      'survey.cancel': { access: manageSurvey, handle: survey.verbs.cancel },
      'survey.repost': { access: rule.resource('survey', 'see'), handle: survey.verbs.repost },
      // A closed anonymous survey's open answers, and removing one (open text can name people): tenant-wide beheerders only.
      'survey.openAnswers': { access: rule.roles(ANSWER_KEEPERS, { tenantWide: true }), handle: survey.results.openAnswers },
      'survey.removeAnswer': { access: rule.roles(ANSWER_KEEPERS, { tenantWide: true }), handle: survey.results.removeAnswer },
      'survey.addTemplate': { access: rule.roles(TEMPLATE_KEEPERS, { tenantWide: true }), handle: survey.templates.add },
      'survey.saveTemplate': { access: rule.roles(TEMPLATE_KEEPERS, { tenantWide: true }), handle: survey.templates.save },
      'survey.archiveTemplate': { access: rule.roles(TEMPLATE_KEEPERS, { tenantWide: true }), handle: survey.templates.archive },
      'survey.answer': { access: answerSurvey, handle: survey.verbs.answer },
      'survey.change': { access: answerSurvey, handle: survey.verbs.change },
      // "Verbeteractie" on a result line: whoever may see the survey's results.
      'survey.improve': { access: rule.resource('survey', 'see'), handle: action.improve },
      'action.new': { access: rule.roles(ACTION_ROLES), handle: action.newAction },
      'action.list': { access: rule.roles(ACTION_ROLES), handle: action.list },
      'action.save': { access: editAction, handle: action.save },
      'action.open': { access: seeAction, handle: action.open },
      'action.done': { access: editAction, handle: action.done },
      // Cancelling: its creator and tenant-wide kwaliteitsmedewerkers and beheerders (the service).
      'action.cancel': { access: editAction, handle: action.cancel },
      // `overleg`: the tables someone may see (the service filters), for anyone.
      'cadence.open': { access: rule.anyone(), handle: meeting.open },
      'meeting.table': { access: seeMeeting, handle: meeting.table },
      'meeting.editTable': { access: manageTables, handle: meeting.editTable },
      'meeting.saveTable': { access: manageTables, handle: meeting.saveTable },
      'meeting.pauseTable': { access: manageTables, handle: meeting.pauseTable },
      'meeting.removeTable': { access: manageTables, handle: meeting.removeTable },
      'meeting.setNext': { access: runMeeting, handle: meeting.setNext },
      'meeting.linkOutlook': { access: runMeeting, handle: meeting.linkOutlook },
      'meeting.prep': { access: attendMeeting, handle: meeting.prep },
      'meeting.prepared': { access: attendMeeting, handle: meeting.prepared },
      'meeting.addAgenda': { access: attendMeeting, handle: meeting.addAgenda },
      'meeting.remindTomorrow': { access: attendMeeting, handle: meeting.remindTomorrow },
      'meeting.cannotCome': { access: attendMeeting, handle: meeting.cannotCome },
      'meeting.followUp': { access: runMeeting, handle: meeting.followUp },
      'meeting.record': { access: runMeeting, handle: meeting.record },
      // Everyone sees their own roles; only a beheerder sees and changes everyone's (the service).
      'roles.open': { access: rule.anyone(), handle: roles.open },
      'roles.addSchool': { access: rule.roles(['beheerder']), handle: roles.addSchool },
      'roles.grant': { access: rule.roles(['beheerder']), handle: roles.grant },
      'roles.revoke': { access: rule.roles(['beheerder']), handle: roles.revoke },
      // The school year: beheerders see every school, a directeur their own (the service filters);
      // only a tenant-wide beheerder sets regions and sectors; a school's own vakantierooster is kept
      // by a beheerder or that school's directeur (the service checks the school).
      'roles.calendar': { access: rule.roles(['beheerder', 'directeur']), handle: roles.calendar },
      'roles.setRegion': { access: rule.roles(['beheerder'], { tenantWide: true }), handle: roles.setRegion },
      'roles.saveHolidays': { access: rule.roles(['beheerder', 'directeur']), handle: roles.saveHolidays },
      'roles.removeHolidays': { access: rule.roles(['beheerder', 'directeur']), handle: roles.removeHolidays },
      'outbox.retryFailed': { access: rule.roles(['beheerder']), handle: outbox.retryFailed },
      // Privacy (docs/privacy.md), in the personal chat only: anyone downloads their own data; a
      // tenant-wide beheerder exports or erases anyone's (the service refuses the last beheerder and
      // beheerders set by configuration).
      'privacy.open': { access: rule.anyone(PERSONAL, 'privacyPersonalOnly'), handle: privacy.verbs.open },
      'privacy.exportSelf': { access: rule.anyone(PERSONAL, 'privacyPersonalOnly'), handle: privacy.verbs.exportSelf },
      'privacy.exportPerson': { access: rule.roles(['beheerder'], { tenantWide: true, where: PERSONAL, whereText: 'privacyPersonalOnly' }), handle: privacy.verbs.exportPerson },
      'privacy.confirmErase': { access: rule.roles(['beheerder'], { tenantWide: true, where: PERSONAL, whereText: 'privacyPersonalOnly' }), handle: privacy.verbs.confirmErase },
      'privacy.erase': { access: rule.roles(['beheerder'], { tenantWide: true, where: PERSONAL, whereText: 'privacyPersonalOnly' }), handle: privacy.verbs.erase },
    },
    commands,
    unknownCommand: renderUnknownCommand,
    // Own templates sent as a file: a survey when it has questions, otherwise a checklist. Read once.
    async onFile(ctx, file) {
      // A vakantierooster (.ics, or a .csv of name;from;to): a school's own holidays. Read once.
      if (/\.(ics|csv)$/i.test(file.name)) {
        const text = await file.read();
        const once = { ...file, name: file.name, read: async () => text };
        if (isHolidayRosterFile(file.name, text)) return roles.holidaysFile(ctx, once);
        if (/\.ics$/i.test(file.name)) return roles.holidaysFile(ctx, once);
        return survey.templates.audienceFile(ctx, once);
      }
      // A list of addresses (csv, txt, xlsx): the audience of the sender's draft survey.
      if (/\.(txt|xlsx)$/i.test(file.name)) return survey.templates.audienceFile(ctx, file);
      const text = /\.(ya?ml|json)$/i.test(file.name) ? await file.read() : null;
      const once = { name: file.name, read: async () => text };
      return text !== null && looksLikeSurveyTemplate(text) ? survey.templates.onFile(ctx, once) : checklist.onFile(ctx, once);
    },
  };
}
