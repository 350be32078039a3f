// The verb and command tables. Adding a verb to VERBS without a handler here does not compile.
import { comingSoon, showHelp } from './home/routes.js';
import type { Routes } from './routes.js';

export function createRoutes(): Routes {
  return {
    verbs: {
      'help.show': showHelp,
      'checklist.open': comingSoon('featureChecklistsTitle'),
      'survey.open': comingSoon('featureSurveysTitle'),
      'cadence.open': comingSoon('featureCadencesTitle'),
      'results.open': comingSoon('featureResultsTitle'),
      'roles.open': comingSoon('buttonRoles'),
    },
    commands: {
      help: showHelp,
      checklist: comingSoon('featureChecklistsTitle'),
      survey: comingSoon('featureSurveysTitle'),
      meetings: comingSoon('featureCadencesTitle'),
      results: comingSoon('featureResultsTitle'),
      roles: comingSoon('buttonRoles'),
    },
  };
}
