// PostgreSQL dropping every connection of Cadans (what a managed database does on failover or
// maintenance), on a server of this file's own: the process stays up, the next click's card update
// reaches the channel, and nothing queued before is lost. How long recovery takes is measured in
// bench/recovery.ts, not here: these tests wait for the events, with generous safety timeouts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/pool.js';
import { laneKey } from '../../src/outbox/store.js';
import { toBaseConversationId } from '../../src/outbox/model.js';
import { testLogger } from '../support/harness.js';
import { startFailoverWorld, waitUntil, type FailoverWorld } from './support.js';

let f: FailoverWorld;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(async () => {
  process.on('uncaughtExceptionMonitor', onUncaught);
  f = await startFailoverWorld(testLogger());
}, 120_000);
afterAll(async () => {
  process.off('uncaughtExceptionMonitor', onUncaught);
  await f?.close();
});
afterEach(() => {
  // An 'error' nobody listens to is an uncaught exception: in production it ends the process.
  expect(uncaught).toEqual([]);
});

let round = 0;
/** Enqueues a backlog of n messages into the backlog channel, sent slowly, so some are still queued when the connections drop. */
async function enqueueBacklog(n: number): Promise<{ ids: number[]; texts: string[] }> {
  round++;
  f.setBacklogLatency(150);
  const ids: number[] = [];
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = `achterstand ${round}.${i}`;
    const r = await f.cadans.outbox.enqueue({
      op: 'send',
      tenantId: f.world.tenantId,
      serviceUrl: f.connector.serviceUrl,
      conversationId: f.backlogChannel.id,
      activity: { type: 'message', text: t },
    });
    ids.push(r.id);
    texts.push(t);
  }
  return { ids, texts };
}

async function expectBacklogDelivered(backlog: { ids: number[]; texts: string[] }): Promise<void> {
  await waitUntil(async () => {
    for (const id of backlog.ids) if ((await f.cadans.outbox.status(id))?.status !== 'sent') return false;
    return true;
  }, 'every queued message is sent');
  const delivered = f.connector.messages(f.backlogChannel.id).map((m) => String(m.activity?.text));
  for (const t of backlog.texts) expect(delivered.filter((d) => d === t)).toHaveLength(1);
}

async function healthz(): Promise<number> {
  return (await fetch(`${f.cadans.url}/healthz`)).status;
}

/** Clicks a step to `status` and waits until the channel card shows `settled` steps done. */
async function clickAndSeeCard(position: number, status: 'open' | 'klaar', settled: number): Promise<void> {
  const res = await f.click(position, status);
  expect(res.status).toBe(200);
  expect(res.text).toContain('Opgeslagen');
  await waitUntil(() => f.cardText().includes(`${settled} van 11 klaar`), `the channel card shows ${settled} van 11 klaar`);
}

describe('PostgreSQL drops every connection of Cadans', () => {
  it('while idle: Cadans stays up, the next click updates the card, and queued messages are sent', async () => {
    const backlog = await enqueueBacklog(6);
    expect(await f.terminateCadansBackends()).toBeGreaterThan(0);
    expect(await healthz()).toBe(200);
    await clickAndSeeCard(1, 'klaar', 1);
    await expectBacklogDelivered(backlog);
  });

  it('while a transaction is open: its statement fails, Cadans stays up, and the next click updates the card', async () => {
    const backlog = await enqueueBacklog(6);
    const admin = await f.admin();
    let pending: Promise<unknown>;
    try {
      // A Cadans pool client inside a transaction, in the middle of a statement.
      pending = inTransaction(f.cadans.db, (tx) => tx.query('select pg_sleep(60)'));
      pending.catch(() => undefined);
      await waitUntil(async () => (await admin.query(`select 1 from pg_stat_activity where application_name = 'cadans' and query like '%pg_sleep(60)%' and state = 'active'`)).rowCount === 1, 'the transaction is running');
    } finally {
      await admin.end();
    }
    await f.terminateCadansBackends();
    await expect(pending).rejects.toThrow(/terminating connection|Connection terminated/);
    expect(await healthz()).toBe(200);
    await clickAndSeeCard(1, 'open', 0);
    await expectBacklogDelivered(backlog);
  });

  it('while a transaction is open and idle: its next statement fails instead of ending the process', async () => {
    const client = await f.cadans.db.connect();
    await client.query('begin');
    await client.query('select 1');
    await f.terminateCadansBackends();
    await expect(client.query('select 1')).rejects.toThrow();
    client.release();
    expect(await healthz()).toBe(200);
    await clickAndSeeCard(2, 'klaar', 1);
  });

  it('during an outbox claim: the card update is still delivered and queued messages are sent', async () => {
    const backlog = await enqueueBacklog(4);
    const admin = await f.admin();
    const before = f.connector.updates(f.channel.id).length;
    try {
      // Hold the lane's limiter lock: the next claim for the channel waits for it, inside its transaction.
      const key = `cadans.outbox.rate|${laneKey(toBaseConversationId(f.channel.id))}`;
      await admin.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
      const res = await f.click(3, 'klaar');
      expect(res.text).toContain('Opgeslagen');
      await waitUntil(
        async () => (await admin.query(`select 1 from pg_stat_activity where application_name = 'cadans-outbox' and wait_event_type = 'Lock' and wait_event = 'advisory'`)).rowCount! > 0,
        'a claim waits for the lane',
        4_000, // the claim gives up after its lock timeout (5 s)
      );
      await f.terminateCadansBackends();
      await admin.query('select pg_advisory_unlock_all()');
    } finally {
      await admin.end();
    }
    expect(await healthz()).toBe(200);
    await waitUntil(() => f.cardText().includes('2 van 11 klaar'), 'the channel card shows the click');
    await expectBacklogDelivered(backlog);
    // The click's card update went out after the claim it waited in was cut off.
    expect(f.connector.updates(f.channel.id).length).toBeGreaterThan(before);
  });
});
