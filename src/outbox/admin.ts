// What the outbox tells features and operators: a message's status, the counts for /readyz, and
// sending a tenant's failed messages again.
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import { toStatus, type OutboxMessageStatus, type OutboxStats } from './model.js';
import { countFailed, countPendingForTenant, failedByKeyPrefix, getMessage, getMessageByKey, readStats, requeueFailed } from './store.js';
import type { WakeUps } from './wakeups.js';

export interface OutboxAdmin {
  status(id: number): Promise<OutboxMessageStatus | null>;
  statusByKey(idempotencyKey: string): Promise<OutboxMessageStatus | null>;
  retryFailed(tenantId: string, idempotencyKeys?: readonly string[]): Promise<number>;
  failedCount(tenantId: string): Promise<number>;
  /** A tenant's failed messages whose idempotency key starts with this prefix, and why. */
  failedByKeyPrefix(tenantId: string, prefix: string, limit: number): Promise<{ key: string; reason: string | null; status: number | null }[]>;
  stats(): Promise<OutboxStats>;
  /** A tenant's messages still to send, counted up to `cap` (a fan-out paces itself by it). */
  pendingFor(tenantId: string, cap: number): Promise<number>;
}

export function createOutboxAdmin(deps: { db: Db; log: Logger; wakeUps: Pick<WakeUps, 'sendWakeUp'> }): OutboxAdmin {
  const { db, log } = deps;
  return {
    async status(id) {
      const row = await getMessage(db, id);
      return row ? toStatus(row) : null;
    },

    async statusByKey(key) {
      const row = await getMessageByKey(db, key);
      return row ? toStatus(row) : null;
    },

    stats: () => readStats(db),

    async retryFailed(tenantId, keys) {
      const rows = await requeueFailed(db, tenantId, keys ?? null);
      for (const row of rows) await deps.wakeUps.sendWakeUp(row.lane, Number(row.id));
      if (rows.length > 0) log.info({ tenant: tenantId, messages: rows.length }, 'failed outbox messages queued again');
      return rows.length;
    },

    failedCount: (tenantId) => countFailed(db, tenantId),
    pendingFor: (tenantId, cap) => countPendingForTenant(db, tenantId, cap),
    failedByKeyPrefix: (tenantId, prefix, limit) => failedByKeyPrefix(db, tenantId, prefix, limit),
  };
}
