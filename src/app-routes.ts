// The verb and command tables. Adding a verb to VERBS without a handler here does not compile.
import { comingSoon, showHelp } from './home/routes.js';
import { createPeopleRoutes } from './people/routes.js';
import type { PeopleService } from './people/service.js';
import type { Routes } from './routes.js';

export function createRoutes(deps: { people: PeopleService }): Routes {
  const roles = createPeopleRoutes(deps.people);
  return {
    verbs: {
      'help.show': showHelp,
      'checklist.open': comingSoon('featureChecklistsTitle'),
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
      checklist: comingSoon('featureChecklistsTitle'),
      survey: comingSoon('featureSurveysTitle'),
      meetings: comingSoon('featureCadencesTitle'),
      results: comingSoon('featureResultsTitle'),
      roles: roles.open,
    },
  };
}
