// The verb and command tables. Adding a verb to VERBS without a handler here does not compile.
import type { createChecklistRoutes } from './checklists/routes.js';
import { comingSoon, showHelp } from './home/routes.js';
import { createPeopleRoutes } from './people/routes.js';
import type { PeopleService } from './people/service.js';
import type { Routes } from './routes.js';

export function createRoutes(deps: { people: PeopleService; checklists: ReturnType<typeof createChecklistRoutes> }): Routes {
  const roles = createPeopleRoutes(deps.people);
  const checklist = deps.checklists;
  return {
    verbs: {
      'help.show': showHelp,
      'checklist.open': checklist.open,
      'checklist.new': checklist.newChecklist,
      'checklist.start': checklist.start,
      'checklist.view': checklist.view,
      'checklist.step': checklist.step,
      'checklist.setStatus': checklist.setStatus,
      'checklist.take': checklist.take,
      'checklist.saveStep': checklist.saveStep,
      'checklist.export': checklist.exportChecklist,
      'checklist.addTemplate': checklist.addTemplate,
      'checklist.saveTemplate': checklist.saveTemplate,
      'survey.open': comingSoon('featureSurveysTitle'),
      'cadence.open': comingSoon('featureCadencesTitle'),
      'results.open': comingSoon('featureResultsTitle'),
      'roles.open': roles.open,
      'roles.addSchool': roles.addSchool,
      'roles.grant': roles.grant,
      'roles.revoke': roles.revoke,
    },
    commands: {
      help: showHelp,
      checklist: checklist.open,
      survey: comingSoon('featureSurveysTitle'),
      meetings: comingSoon('featureCadencesTitle'),
      results: comingSoon('featureResultsTitle'),
      roles: roles.open,
    },
    onFile: checklist.onFile,
  };
}
