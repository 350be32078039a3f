// The outbox against a real PostgreSQL and the fake Teams connector: sending, creating 1:1 chats,
// retries, final failures, idempotency, transactions, coalesced card updates.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/pool.js';
import { z } from 'zod';
import { declareRenderer, defineRenderer, renderWith, toCardActivity, type OutboxRequest } from '../../src/outbox/service.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { createTeamsWorld, type TeamsWorld } from '../support/teams-activities.js';
import {
  eventually,
  newChannelId,
  startOutboxDatabase,
  startOutboxInstance,
  textActivity,
  uniqueTenant,
  waitForStatus,
  type OutboxDatabase,
  type OutboxInstance,
} from './support.js';

const MAX_ATTEMPTS = 3;
const SLOW = 'slowput';
const SLOWER = 'slowerput';

let connector: FakeConnector;
let database: OutboxDatabase;
let instance: OutboxInstance;
let world: TeamsWorld;
let tenantId: string;
const renders: number[] = [];
const COUNTER = declareRenderer('test.counter', z.object({ n: z.number().int() }));
const counterCard = (n: number) => toCardActivity({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `stand ${n}` }] });

beforeAll(async () => {
  // PUTs to conversations whose id carries SLOW take 40 ms, so rapid updates pile up behind one in flight.
  connector = await startFakeConnector({ latencyMs: (r) => (r.method === 'PUT' && r.path.includes(SLOWER) ? 400 : r.method === 'PUT' && r.path.includes(SLOW) ? 40 : 0) });
  database = await startOutboxDatabase();
  instance = await startOutboxInstance(database, {
    maxAttempts: MAX_ATTEMPTS,
    renderers: [
      defineRenderer({
        ...COUNTER,
        async render({ n }) {
          renders.push(n);
          return counterCard(n);
        },
      }),
    ],
  });
});
afterAll(async () => {
  await instance?.stop();
  await database?.close();
  await connector?.close();
});
beforeEach(() => {
  connector.reset();
  tenantId = uniqueTenant();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId });
});

const send = (conversationId: string, text: string, extra: Partial<OutboxRequest> = {}): OutboxRequest =>
  ({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId, activity: textActivity(text), ...extra }) as OutboxRequest;

async function storeReference(conversationId: string, scope: 'channel' | 'personal', key: string): Promise<void> {
  await database.db.query(`insert into tenants (id) values ($1) on conflict do nothing`, [tenantId]);
  await database.db.query(
    `insert into conversation_refs (tenant_id, scope, key, conversation_id, service_url, reference)
     values ($1, $2, $3, $4, $5, $6)`,
    [tenantId, scope, key, conversationId, connector.serviceUrl, JSON.stringify({ conversation: { id: conversationId } })],
  );
}

describe('sending', () => {
  it('sends a proactive message to a stored channel reference', async () => {
    const channel = newChannelId();
    await storeReference(channel, 'channel', channel);
    const ref = await database.db.query<{ conversation_id: string; service_url: string }>(
      `select conversation_id, service_url from conversation_refs where tenant_id = $1 and scope = 'channel'`,
      [tenantId],
    );
    const { conversation_id, service_url } = ref.rows[0]!;
    const r = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: service_url, conversationId: conversation_id, activity: textActivity('Nieuwe peiling') });
    const [record] = await connector.waitForSent(1, { conversationId: channel });
    expect(connector.activityText(record)).toBe('Nieuwe peiling');
    const status = await waitForStatus(instance.outbox, r.id);
    expect(status).toMatchObject({ status: 'sent', attempts: 1, sentActivityId: record!.activityId, possibleDuplicate: false, lastStatus: 201 });
  });

  it('creates a 1:1 conversation and sends the card', async () => {
    const person = world.user({ name: 'Fenna Jansen' });
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Je hebt een nieuwe taak' }] };
    const r = await instance.outbox.enqueue({
      op: 'createPersonal',
      tenantId,
      serviceUrl: connector.serviceUrl,
      userId: person.id,
      botId: world.botId,
      activity: toCardActivity(card),
    });
    const [record] = await connector.waitForSent(1, { conversationId: person.personalConversationId });
    expect(connector.cardOf(record)).toEqual(card);
    expect(connector.created()).toHaveLength(1);
    const status = await waitForStatus(instance.outbox, r.id);
    expect(status).toMatchObject({ status: 'sent', conversationId: person.personalConversationId, sentActivityId: record!.activityId });
  });

  it('renders a render instruction when it is time to send', async () => {
    const channel = newChannelId();
    const r = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(COUNTER, { n: 7 }) });
    const [record] = await connector.waitForSent(1, { conversationId: channel });
    expect(connector.activityText(record)).toBe('stand 7');
    expect((await waitForStatus(instance.outbox, r.id)).status).toBe('sent');
  });

  it('fails a message whose renderer nobody registered, without calling Teams', async () => {
    const channel = newChannelId();
    const r = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(declareRenderer('nobody.knows', z.object({})), {}) });
    const status = await waitForStatus(instance.outbox, r.id);
    expect(status).toMatchObject({ status: 'failed', failureReason: 'unknown_renderer' });
    expect(connector.records.filter((x) => x.conversationId === channel)).toHaveLength(0);
  });

  it('fails a message whose stored arguments its renderer no longer accepts, at once, and sends the next one of its conversation', async () => {
    // The release that queued the first message gave the card as text; this one wants a number.
    const previous = declareRenderer('test.versioned', z.object({ card: z.string() }));
    const rendered: number[] = [];
    instance.outbox.registerRenderer(
      defineRenderer({
        name: 'test.versioned',
        args: z.object({ card: z.number().int() }),
        async render({ card }) {
          rendered.push(card);
          return textActivity(`kaart ${card}`);
        },
      }),
    );
    const channel = newChannelId();
    const { old, next } = await inTransaction(database.db, async (client) => ({
      old: await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(previous, { card: '42' }) }, { client }),
      next: await instance.outbox.enqueue(send(channel, 'daarna'), { client }),
    }));
    expect(await waitForStatus(instance.outbox, old.id)).toMatchObject({
      status: 'failed',
      failureReason: 'bad_render_args',
      attempts: 1,
      lastStatus: null,
      lastError: expect.stringContaining('card: expected number, got string'),
    });
    expect(await waitForStatus(instance.outbox, next.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(connector.sent(channel).map((x) => connector.activityText(x))).toEqual(['daarna']);
    expect(rendered).toEqual([]);
  });
});

describe('retries', () => {
  it('retries an injected 429 after its Retry-After and delivers it once', async () => {
    const channel = newChannelId();
    connector.failNext({ conversationId: channel, status: 429, retryAfterSeconds: 1 });
    const r = await instance.outbox.enqueue(send(channel, 'na de pauze'));
    await connector.waitForSent(1, { conversationId: channel, timeoutMs: 4_000 });
    const calls = connector.records.filter((x) => x.conversationId === channel);
    expect(calls.map((c) => c.status)).toEqual([429, 201]);
    // Not before Teams said it may (the fake's clock: when it answered, when the retry arrived).
    expect(calls[1]!.at - calls[0]!.completedAt).toBeGreaterThanOrEqual(1_000);
    expect(await waitForStatus(instance.outbox, r.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('retries a 503 itself: the fake sees exactly the attempts the outbox made', async () => {
    const channel = newChannelId();
    connector.failNext({ conversationId: channel, status: 503 });
    const r = await instance.outbox.enqueue(send(channel, 'na een storing'));
    await connector.waitForSent(1, { conversationId: channel });
    const status = await waitForStatus(instance.outbox, r.id);
    const calls = connector.records.filter((x) => x.conversationId === channel);
    // botbuilder would have retried the 503 inside one attempt (about a second later); here the
    // outbox saw it, counted an attempt, and retried after its own short backoff.
    expect(calls.map((c) => c.status)).toEqual([503, 201]);
    expect(status).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('gives up after maxAttempts with the reason, and counts it in stats', async () => {
    const channel = newChannelId();
    const before = await instance.outbox.stats();
    connector.failNext({ conversationId: channel, status: 502, times: MAX_ATTEMPTS });
    const r = await instance.outbox.enqueue(send(channel, 'komt niet aan'));
    const status = await waitForStatus(instance.outbox, r.id);
    expect(status).toMatchObject({ status: 'failed', failureReason: 'max_attempts', attempts: MAX_ATTEMPTS, lastStatus: 502 });
    expect(connector.records.filter((x) => x.conversationId === channel)).toHaveLength(MAX_ATTEMPTS);
    const after = await instance.outbox.stats();
    expect(after.failedByReason.max_attempts ?? 0).toBe((before.failedByReason.max_attempts ?? 0) + 1);
    expect(after.byStatus.failed).toBe(before.byStatus.failed + 1);
  });
});

describe('final failures', () => {
  it('marks a message failed on 403, marks the reference inactive, and does not retry', async () => {
    const person = world.user({ name: 'Sven Bakker' });
    await storeReference(person.personalConversationId, 'personal', person.aadObjectId);
    connector.blockConversation(person.personalConversationId);
    const r = await instance.outbox.enqueue(send(person.personalConversationId, 'hallo'));
    const status = await waitForStatus(instance.outbox, r.id);
    expect(status).toMatchObject({ status: 'failed', failureReason: 'blocked', attempts: 1, lastStatus: 403 });
    expect(connector.records.filter((x) => x.conversationId === person.personalConversationId)).toHaveLength(1);
    const ref = await database.db.query('select active from conversation_refs where tenant_id = $1 and key = $2', [tenantId, person.aadObjectId]);
    expect(ref.rows).toEqual([{ active: false }]);
  });

  it('records an update of a deleted message as deleted, without retrying', async () => {
    const channel = newChannelId();
    const r = await instance.outbox.enqueue({
      op: 'update',
      tenantId,
      serviceUrl: connector.serviceUrl,
      conversationId: channel,
      activityId: '1700000000000',
      render: renderWith(COUNTER, { n: 1 }),
    });
    const status = await waitForStatus(instance.outbox, r.id);
    expect(status).toMatchObject({ status: 'failed', failureReason: 'deleted', attempts: 1, lastStatus: 404 });
    expect(connector.records.filter((x) => x.conversationId === channel)).toHaveLength(1);
  });

  it('fails a message that is too large for Teams at once', async () => {
    const channel = newChannelId();
    const r = await instance.outbox.enqueue(send(channel, 'x'.repeat(60_000)));
    expect(await waitForStatus(instance.outbox, r.id)).toMatchObject({ status: 'failed', failureReason: 'too_large', attempts: 1, lastStatus: 413 });
  });
});

describe('idempotency and transactions', () => {
  it('sends a message once when its idempotency key is enqueued twice', async () => {
    const channel = newChannelId();
    const key = `welcome:team:${channel}`;
    const first = await instance.outbox.enqueue(send(channel, 'Welkom', { idempotencyKey: key }));
    const second = await instance.outbox.enqueue(send(channel, 'Welkom', { idempotencyKey: key }));
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ id: first.id, created: false });
    await waitForStatus(instance.outbox, first.id);
    const third = await instance.outbox.enqueue(send(channel, 'Welkom', { idempotencyKey: key }));
    expect(third).toMatchObject({ id: first.id, created: false, message: { status: 'sent' } });
    // A later message in the same conversation goes out after anything queued before it.
    await instance.outbox.enqueue(send(channel, 'daarna'));
    await connector.waitForSent(2, { conversationId: channel });
    expect(connector.sent(channel).map((x) => connector.activityText(x))).toEqual(['Welkom', 'daarna']);
  });

  it('sends nothing for a message enqueued in a transaction that rolled back', async () => {
    const channel = newChannelId();
    let id = 0;
    await expect(
      inTransaction(database.db, async (client) => {
        id = (await instance.outbox.enqueue(send(channel, 'teruggedraaid'), { client })).id;
        throw new Error('the feature changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    expect(await instance.outbox.status(id)).toBeNull();
    await instance.outbox.enqueue(send(channel, 'wel verstuurd'));
    await connector.waitForSent(1, { conversationId: channel });
    expect(connector.sent(channel).map((x) => connector.activityText(x))).toEqual(['wel verstuurd']);
  });
});

describe('wake-ups', () => {
  // An instance of its own, on a database of its own, that never polls and never sweeps while the
  // test runs: whatever it sends, a wake-up made it send.
  let own: OutboxDatabase;
  let quiet: OutboxInstance;
  beforeAll(async () => {
    own = await startOutboxDatabase();
    quiet = await startOutboxInstance(own, { tuning: { pollingIntervalSeconds: 3_600, sweepIntervalMs: 3_600_000 } });
  });
  afterAll(async () => {
    await quiet?.stop();
    await own?.close();
  });

  it('sends a message enqueued in this process without waiting for a poll', async () => {
    const channel = newChannelId();
    await quiet.outbox.enqueue(send(channel, 'snel'));
    const [record] = await connector.waitForSent(1, { conversationId: channel, timeoutMs: 10_000 });
    expect(connector.activityText(record)).toBe('snel');
  });

  it('sends a message enqueued in a transaction when that transaction commits, without waiting for a poll', async () => {
    const channel = newChannelId();
    await inTransaction(own.db, async (client) => {
      await client.query('select 1'); // the feature's own state change would be here
      await quiet.outbox.enqueue(send(channel, 'samen vastgelegd'), { client });
    });
    const [record] = await connector.waitForSent(1, { conversationId: channel, timeoutMs: 10_000 });
    expect(connector.activityText(record)).toBe('samen vastgelegd');
  });
});

describe('after sending', () => {
  it("tells the renderer's feature the posted card's id, in the transaction that records it as sent", async () => {
    await database.db.query('create table if not exists test_posted (card int primary key, activity_id text not null)');
    const posted = defineRenderer({
      name: 'test.posted',
      args: z.object({ card: z.number().int() }),
      render: async ({ card }) => textActivity(`kaart ${card}`),
      onSent: async ({ args, activityId }, tx) => {
        await tx.query('insert into test_posted (card, activity_id) values ($1, $2)', [args.card, activityId]);
      },
    });
    instance.outbox.registerRenderer(posted);
    const channel = newChannelId();
    const r = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(posted, { card: 42 }) });
    const status = await waitForStatus(instance.outbox, r.id);
    const stored = await database.db.query('select activity_id from test_posted where card = 42');
    expect(stored.rows).toEqual([{ activity_id: status.sentActivityId }]);
    expect(connector.sent(channel)[0]?.activityId).toBe(status.sentActivityId);
  });

  it('keeps a message sent when its onSent fails, without sending it again', async () => {
    const failingHook = defineRenderer({
      name: 'test.failing-hook',
      args: z.object({}),
      render: async () => textActivity('verstuurd'),
      onSent: async () => {
        throw new Error('the feature tripped');
      },
    });
    instance.outbox.registerRenderer(failingHook);
    const channel = newChannelId();
    const r = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(failingHook, {}) });
    expect(await waitForStatus(instance.outbox, r.id)).toMatchObject({ status: 'sent', attempts: 1 });
    await instance.outbox.enqueue(send(channel, 'daarna'));
    await connector.waitForSent(2, { conversationId: channel });
    expect(connector.sent(channel).map((x) => connector.activityText(x))).toEqual(['verstuurd', 'daarna']);
  });
});

describe('card updates', () => {
  it('turns 20 rapid updates of one card into a few PUTs, in order, ending with the latest state', async () => {
    const channel = `19:${SLOW}${Date.now()}@thread.tacv2`;
    const posted = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(COUNTER, { n: 0 }) });
    const card = await waitForStatus(instance.outbox, posted.id);
    const activityId = card.sentActivityId!;
    const ids: number[] = [];
    for (let n = 1; n <= 20; n++) {
      const r = await instance.outbox.enqueue({ op: 'update', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, activityId, render: renderWith(COUNTER, { n }) });
      ids.push(r.id);
    }
    await eventually(async () => connector.activity(activityId)?.activity && connector.activityText(connector.activity(activityId)) === 'stand 20', 'the card to show stand 20');
    const puts = connector.updates(channel).map((x) => Number(connector.activityText(x).replace('stand ', '')));
    console.info(`20 updates of one card became ${puts.length} PUTs: ${puts.join(', ')}`);
    expect(puts.length).toBeLessThanOrEqual(5);
    expect(puts.at(-1)).toBe(20);
    for (let i = 1; i < puts.length; i++) expect(puts[i]).toBeGreaterThan(puts[i - 1]!);
    const distinct = [...new Set(ids)];
    const statuses = await Promise.all(distinct.map((id) => waitForStatus(instance.outbox, id)));
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    expect(distinct.length).toBe(puts.length);
  });

  /** A feature's own statement: its change (here a row in a CTE) and the card update, one round trip. */
  async function writeWithChange(activityId: string, channel: string, n: number, changeApplies: boolean) {
    const part = instance.outbox.updateInStatement(
      { op: 'update', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, activityId, render: renderWith(COUNTER, { n }) },
      2,
      'exists (select 1 from change)',
    );
    const r = await database.db.query<{ o: { id: number; lane: string; created: boolean } | null }>(
      `with change as (select 1 as applied where $1::boolean), o as (${part.sql}) select (select row_to_json(o) from o) as o`,
      [changeApplies, ...part.values],
    );
    return r.rows[0]!.o;
  }

  it("writes a card update in the feature's own statement only when its change applies, and sends it once told", async () => {
    const channel = newChannelId();
    const posted = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(COUNTER, { n: 0 }) });
    const activityId = (await waitForStatus(instance.outbox, posted.id)).sentActivityId!;

    expect(await writeWithChange(activityId, channel, 1, false)).toBeNull();
    const written = await writeWithChange(activityId, channel, 2, true);
    expect(written).toMatchObject({ created: true });
    await instance.outbox.written(written!);
    await eventually(async () => connector.activityText(connector.activity(activityId)) === 'stand 2', 'the card to show stand 2');
    expect(connector.updates(channel).map((x) => connector.activityText(x))).toEqual(['stand 2']); // the change that did not apply sent nothing
  });

  it('still sends an update written in a statement whose process died before telling the outbox', async () => {
    const counter = defineRenderer({ ...COUNTER, render: async ({ n }) => counterCard(n) });
    const sweeper = await startOutboxInstance(database, { tuning: { stalledAfterMs: 300 }, renderers: [counter] });
    try {
      const channel = newChannelId();
      const posted = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(COUNTER, { n: 0 }) });
      const activityId = (await waitForStatus(instance.outbox, posted.id)).sentActivityId!;
      const written = await writeWithChange(activityId, channel, 7, true);
      expect(written).toMatchObject({ created: true }); // no written(): no wake-up job, as after a crash
      await eventually(async () => connector.activityText(connector.activity(activityId)) === 'stand 7', 'the sweep to send the update', 8_000);
    } finally {
      await sweeper.stop();
    }
  });

  it("sends an update written while the card's previous update is on its way right after it, without a wake-up job", async () => {
    const channel = `19:${SLOWER}${Date.now()}@thread.tacv2`;
    const posted = await instance.outbox.enqueue({ op: 'send', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(COUNTER, { n: 0 }) });
    const activityId = (await waitForStatus(instance.outbox, posted.id)).sentActivityId!;
    const first = await instance.outbox.enqueue({ op: 'update', tenantId, serviceUrl: connector.serviceUrl, conversationId: channel, activityId, render: renderWith(COUNTER, { n: 1 }) });
    await waitForStatus(instance.outbox, first.id, (m) => m.status === 'sending'); // its PUT takes 400 ms
    const second = await writeWithChange(activityId, channel, 2, true);
    expect(second).toMatchObject({ created: true }); // queued behind the one being sent
    await instance.outbox.written(second!);
    await eventually(async () => connector.activityText(connector.activity(activityId)) === 'stand 2', 'the card to show stand 2', 3_000);
    expect(connector.updates(channel).map((x) => connector.activityText(x))).toEqual(['stand 1', 'stand 2']);
    const jobs = await database.db.query(`select 1 from pgboss.job where name = 'outbox.deliver' and data->>'id' = $1`, [String(second!.id)]);
    expect(jobs.rowCount).toBe(0); // the worker sending "stand 1" took it in its loop
  });
});
