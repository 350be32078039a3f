// Claiming a card update while a feature is coalescing a newer state into it: the claim waits for
// the feature's transaction (in a statement of its own, so that it reads the rate limiter's log
// after the wait) and then claims the newest state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TEAMS_THREAD_WINDOWS, tenantWindows, toNewMessage } from '../../src/outbox/model.js';
import { declareRenderer, renderWith } from '../../src/outbox/renderers.js';
import { claimHead, coalescedUpdateSql, insertMessage, type ClaimSettings } from '../../src/outbox/store.js';
import { startOutboxDatabase, uniqueTenant, type OutboxDatabase } from './support.js';

let database: OutboxDatabase;
const COUNTER = declareRenderer('test.counter', z.object({ n: z.number().int() }));
const settings: ClaimSettings = {
  leaseMs: 5_000,
  maxAttempts: 3,
  lockTimeoutMs: 5_000,
  limiter: { laneWindows: TEAMS_THREAD_WINDOWS, tenantWindows: tenantWindows(50), marginMs: 50 },
};

beforeAll(async () => {
  database = await startOutboxDatabase();
});
afterAll(async () => {
  await database?.close();
});

const update = (tenantId: string, n: number) =>
  toNewMessage({
    op: 'update',
    tenantId,
    serviceUrl: 'https://smba.example/emea/',
    conversationId: '19:claim@thread.tacv2',
    activityId: '1700000000001',
    render: renderWith(COUNTER, { n }),
  });

describe('claiming a card update', () => {
  it('waits for a feature coalescing a newer state into it, then claims that state, counting the send once', async () => {
    const tenantId = uniqueTenant();
    await insertMessage(database.db, update(tenantId, 1));
    const feature = await database.db.connect();
    try {
      await feature.query('begin');
      const part = coalescedUpdateSql(update(tenantId, 2), 1, 'true');
      const r = await feature.query<{ created: boolean }>(`with o as (${part.sql}) select created from o`, part.values);
      expect(r.rows[0]?.created).toBe(false); // coalesced into the queued row, which this transaction now holds

      let settled = false;
      const claim = claimHead(database.db, update(tenantId, 0).lane, settings).finally(() => {
        settled = true;
      });
      for (let i = 0; ; i++) {
        const waiting = await database.db.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (waiting.rowCount) break;
        if (i > 200) throw new Error('the claim never waited for the row');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(settled).toBe(false);
      await feature.query('commit');

      const claimed = await claim;
      expect(claimed.kind).toBe('claimed');
      if (claimed.kind !== 'claimed') return;
      expect(claimed.row.payload).toEqual({ render: { renderer: 'test.counter', args: { n: 2 } } });
      const log = await database.db.query<{ key: string }>(`select key from outbox_send_log where not reserved and key like $1`, ['%claim%']);
      expect(log.rows).toHaveLength(1); // the lane's request, recorded once
    } finally {
      feature.release();
    }
  });
});
