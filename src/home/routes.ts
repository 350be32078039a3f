// App-level routes: help, and honest "coming soon" answers for features not built yet.
import { renderHelpCard, renderNoticeCard } from '../cards/app-views.js';
import type { StringKey } from '../cards/i18n.js';
import { suggestCommand, type CommandHandler, type RouteContext, type VerbHandler } from '../routes.js';

export const showHelp = async (ctx: RouteContext) => renderHelpCard(ctx.cards, ctx.t);

export function comingSoon(featureKey: StringKey): VerbHandler & CommandHandler {
  return async (ctx: RouteContext) =>
    renderNoticeCard(ctx.cards, ctx.t, {
      title: ctx.t('comingTitle'),
      text: ctx.t('comingText', { feature: ctx.t(featureKey) }),
      withHelpButton: true,
    });
}

/** Shown for text that is no command: the text echoed without markdown, shortened, and the command it is closest to. */
export function renderUnknownCommand(ctx: RouteContext, text: string) {
  const shown = text.replace(/[*_`[\]()#>~|\\<]/g, '').replace(/\s+/g, ' ').trim();
  const suggestion = suggestCommand(text);
  return renderNoticeCard(ctx.cards, ctx.t, {
    title: ctx.t('unknownTitle'),
    text: suggestion
      ? ctx.t('unknownSuggest', { text: shown.length > 60 ? `${shown.slice(0, 57)}...` : shown, command: suggestion })
      : ctx.t('unknownText', { text: shown.length > 60 ? `${shown.slice(0, 57)}...` : shown }),
    withHelpButton: true,
  });
}
