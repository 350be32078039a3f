// The outbox's one verb: a beheerder sends the tenant's failed messages again.
import { renderNoticeCard } from '../cards/app-views.js';
import type { VerbHandler } from '../routes.js';

export function createOutboxRoutes(outbox: { retryFailed(tenantId: string): Promise<number> }) {
  const retryFailed: VerbHandler = async (ctx) => {
    const n = await outbox.retryFailed(ctx.actor.tenantId);
    return renderNoticeCard(ctx.cards, ctx.t, {
      title: ctx.t('outboxRetriedTitle'),
      text: n === 0 ? ctx.t('outboxNothingToRetry') : ctx.t('outboxRetried', { count: n }),
      tone: n === 0 ? 'warning' : 'default',
    });
  };
  return { retryFailed };
}
