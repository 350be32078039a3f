// Several Cadans processes on one database: each message exactly once; a process that dies
// mid-send loses nothing, and the one window HTTP leaves open is counted, not hidden.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { declareRenderer, defineRenderer, renderWith, type OutboxRequest } from '../../src/outbox/service.js';
import type { Transport } from '../../src/outbox/transport.js';
import { createConnectorTransport } from '../../src/teams/connector-transport.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import {
  newChannelId,
  startOutboxDatabase,
  startOutboxInstance,
  textActivity,
  uniqueTenant,
  waitForStatus,
  type OutboxDatabase,
  type OutboxInstance,
} from './support.js';

let database: OutboxDatabase;
let connector: FakeConnector;
const running: OutboxInstance[] = [];

beforeAll(async () => {
  database = await startOutboxDatabase();
  connector = await startFakeConnector({ enforceRateLimits: true });
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  connector.reset();
});
afterAll(async () => {
  await connector?.close();
  await database?.close();
});

const send = (tenantId: string, conversationId: string, text: string): OutboxRequest => ({
  op: 'send',
  tenantId,
  serviceUrl: connector.serviceUrl,
  conversationId,
  activity: textActivity(text),
});

describe('several instances', () => {
  it('delivers each message exactly once when two instances work the same queue', async () => {
    const a = await startOutboxInstance(database);
    const b = await startOutboxInstance(database);
    running.push(a, b);
    const tenant = uniqueTenant();
    const channels = Array.from({ length: 8 }, () => newChannelId());
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const via = i % 2 === 0 ? a : b;
      ids.push((await via.outbox.enqueue(send(tenant, channels[i % 8]!, `bericht ${i}`))).id);
    }
    const sent = await connector.waitForSent(40, { timeoutMs: 10_000 });
    const statuses = await Promise.all(ids.map((id) => waitForStatus(a.outbox, id)));
    expect(statuses.every((s) => s.status === 'sent' && s.attempts === 1 && !s.possibleDuplicate)).toBe(true);
    const texts = connector.sent().map((r) => connector.activityText(r));
    expect(texts).toHaveLength(40);
    expect(new Set(texts).size).toBe(40);
    // Per conversation, in the order enqueued.
    for (const [k, channel] of channels.entries()) {
      const expected = Array.from({ length: 5 }, (_, j) => `bericht ${k + 8 * j}`);
      expect(connector.sent(channel).map((r) => connector.activityText(r))).toEqual(expected);
    }
    expect(sent).toHaveLength(40);
    expect(connector.rateLimitViolations).toBe(0);
  });

  it('lets another instance deliver a message whose instance died mid-send, and counts the possible duplicate', async () => {
    // Instance A's transport reaches Teams, then "dies" before it can answer: the HTTP window.
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const real = createConnectorTransport({ timeoutMs: 2_000 });
    const dying: Transport = {
      ...real,
      async send(target, activity) {
        const result = await real.send(target, activity);
        await hung;
        return result;
      },
    };
    const a = await startOutboxInstance(database, { transport: dying, tuning: { leaseMs: 400, attemptTimeoutMs: 30_000, stopTimeoutMs: 50 } });
    const tenant = uniqueTenant();
    const channel = newChannelId();
    const before = await a.outbox.stats();
    const { id } = await a.outbox.enqueue(send(tenant, channel, 'eenmaal, andermaal'));
    await connector.waitForSent(1, { conversationId: channel });
    await a.outbox.stop(); // A is gone with the attempt in flight; its lease runs out

    const b = await startOutboxInstance(database, { tuning: { sweepIntervalMs: 100 } });
    running.push(b);
    const status = await waitForStatus(b.outbox, id, (s) => s.status === 'sent' && s.attempts === 2);
    const copies = connector.sent(channel);
    expect(copies.map((r) => connector.activityText(r))).toEqual(['eenmaal, andermaal', 'eenmaal, andermaal']);
    expect(status).toMatchObject({ possibleDuplicate: true, sentActivityId: copies[1]!.activityId });
    const after = await b.outbox.stats();
    expect(after.possibleDuplicates).toBe(before.possibleDuplicates + 1);

    // A's late answer arrives: fenced by the claim token, it changes nothing.
    release();
    await a.jobs.stop();
    await a.db.end();
    expect(await b.outbox.status(id)).toMatchObject({ status: 'sent', sentActivityId: copies[1]!.activityId, attempts: 2 });
  });

  it('takes over a message whose instance stopped before reaching Teams, sends it once, and still flags it (the outbox cannot tell)', async () => {
    // A claims the message but its renderer never finishes: nothing reached Teams.
    const SLOW = declareRenderer('test.slow', z.object({}));
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const a = await startOutboxInstance(database, {
      tuning: { leaseMs: 300, attemptTimeoutMs: 30_000, stopTimeoutMs: 50 },
      renderers: [defineRenderer({ ...SLOW, render: async () => hung.then(() => textActivity('te laat')) })],
    });
    const b0 = { renderers: [defineRenderer({ ...SLOW, render: async () => textActivity('op tijd') })] };
    const tenant = uniqueTenant();
    const channel = newChannelId();
    const { id } = await a.outbox.enqueue({ op: 'send', tenantId: tenant, serviceUrl: connector.serviceUrl, conversationId: channel, render: renderWith(SLOW, {}) });
    await waitForStatus(a.outbox, id, (s) => s.status === 'sending');
    await a.outbox.stop();
    const b = await startOutboxInstance(database, { ...b0, tuning: { sweepIntervalMs: 100 } });
    running.push(b);
    const status = await waitForStatus(b.outbox, id, (s) => s.status === 'sent');
    expect(connector.sent(channel).map((r) => connector.activityText(r))).toEqual(['op tijd']);
    // The outbox cannot know the first attempt never reached Teams, so it says so.
    expect(status).toMatchObject({ attempts: 2, possibleDuplicate: true });
    release();
    await a.jobs.stop();
    await a.db.end();
  });
});
