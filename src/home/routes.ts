// App-level routes: help, and honest "coming soon" answers for features not built yet.
import { z } from 'zod';
import { renderHelpCard, renderNoticeCard } from '../cards/app-views.js';
import type { StringKey } from '../cards/i18n.js';
import { COMMANDS, parseCommand, suggestCommand, type CommandHandler, type CommandName, type RouteContext, type VerbHandler } from '../routes.js';

export const showHelp = async (ctx: RouteContext) => renderHelpCard(ctx.cards, ctx.t);

/** A help card button: the command it stands for (not help itself). */
export const helpCommandData = z.object({
  v: z.literal(1),
  command: z.enum(COMMANDS).refine((c) => c !== 'help'),
});

export function comingSoon(featureKey: StringKey): VerbHandler & CommandHandler {
  return async (ctx: RouteContext) =>
    renderNoticeCard(ctx.cards, ctx.t, {
      title: ctx.t('comingTitle'),
      text: ctx.t('comingText', { feature: ctx.t(featureKey) }),
      withHelpButton: true,
    });
}

/** How each command is typed in the language of the answer. */
const COMMAND_WORD: Record<CommandName, StringKey> = {
  help: 'commandHelp',
  checklist: 'commandChecklist',
  survey: 'commandSurvey',
  meetings: 'commandMeetings',
  results: 'commandResults',
  roles: 'commandRoles',
  privacy: 'commandPrivacy',
  myData: 'commandPrivacy',
};

/**
 * Shown for text that is no command: the text echoed without markdown, shortened, and the command
 * it is closest to, as it is typed in the language of the answer ("overlg" → "meetings" in English).
 */
export function renderUnknownCommand(ctx: RouteContext, text: string) {
  const shown = text.replace(/[*_`[\]()#>~|\\<]/g, '').replace(/\s+/g, ' ').trim();
  const suggestion = suggestCommand(text);
  const name = suggestion ? parseCommand(suggestion)?.name : undefined;
  const echoed = shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
  return renderNoticeCard(ctx.cards, ctx.t, {
    title: ctx.t('unknownTitle'),
    text: name ? ctx.t('unknownSuggest', { text: echoed, command: ctx.t(COMMAND_WORD[name]) }) : ctx.t('unknownText', { text: echoed }),
    withHelpButton: true,
  });
}
