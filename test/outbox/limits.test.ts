// Teams' rate limits, enforced by the fake connector: the outbox must never hit them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxRequest } from '../../src/outbox/service.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import {
  newChannelId,
  startOutboxDatabase,
  startOutboxInstance,
  textActivity,
  uniqueTenant,
  type OutboxDatabase,
  type OutboxInstance,
} from './support.js';

let database: OutboxDatabase;
const running: Array<OutboxInstance | FakeConnector> = [];

beforeAll(async () => {
  database = await startOutboxDatabase();
});
afterEach(async () => {
  for (const r of running.splice(0)) 'stop' in r ? await r.stop() : await r.close();
});
afterAll(async () => {
  await database?.close();
});

async function connectorWith(options: Parameters<typeof startFakeConnector>[0]): Promise<FakeConnector> {
  const c = await startFakeConnector(options);
  running.push(c);
  return c;
}
async function instanceWith(options: Parameters<typeof startOutboxInstance>[1] = {}): Promise<OutboxInstance> {
  const i = await startOutboxInstance(database, options);
  running.push(i);
  return i;
}

const send = (connector: FakeConnector, tenantId: string, conversationId: string, text: string): OutboxRequest => ({
  op: 'send',
  tenantId,
  serviceUrl: connector.serviceUrl,
  conversationId,
  activity: textActivity(text),
});

describe('rate limits', () => {
  it('delivers 24 messages to one conversation all, in order, with zero 429s under Teams limits', async () => {
    const connector = await connectorWith({ enforceRateLimits: true });
    const { outbox } = await instanceWith();
    const tenant = uniqueTenant();
    const channel = newChannelId();
    for (let i = 0; i < 24; i++) await outbox.enqueue(send(connector, tenant, channel, `m${i}`));
    // 7 per 1 s and 8 per 2 s: about 5 s at Teams' pace. Any sooner and the fake would have answered 429.
    const sent = await connector.waitForSent(24, { conversationId: channel, timeoutMs: 15_000 });
    expect(sent.map((r) => connector.activityText(r))).toEqual(Array.from({ length: 24 }, (_, i) => `m${i}`));
    expect(connector.rateLimitViolations).toBe(0);
    expect(connector.records.every((r) => r.status === 201)).toBe(true);
  });

  it('does not hold back messages to other conversations behind one busy conversation', async () => {
    const connector = await connectorWith({ enforceRateLimits: true });
    const { outbox } = await instanceWith();
    const tenant = uniqueTenant();
    const busy = newChannelId();
    const other = newChannelId();
    for (let i = 0; i < 20; i++) await outbox.enqueue(send(connector, tenant, busy, `druk ${i}`));
    await outbox.enqueue(send(connector, tenant, other, 'ik hoef niet te wachten'));
    const [record] = await connector.waitForSent(1, { conversationId: other, timeoutMs: 10_000 });
    // The busy conversation had only its first burst out when the other message went: it did not
    // wait behind the 20 (about 3 s at Teams' pace).
    expect(connector.sent(busy).filter((r) => r.seq < record!.seq).length).toBeLessThanOrEqual(8);
    expect(connector.rateLimitViolations).toBe(0);
  });

  it('sends a fan-out to 100 conversations at the tenant ceiling, not slower', async () => {
    const connector = await connectorWith({ tenantLimitPerSecond: 25 });
    const { outbox, db } = await instanceWith({ tenantPerSecond: 25 });
    const tenant = uniqueTenant();
    const client = await db.connect();
    await client.query('begin');
    for (let i = 0; i < 100; i++) await outbox.enqueue(send(connector, tenant, newChannelId(), `f${i}`), { client });
    await client.query('commit');
    client.release();
    // 25 at once, then 25 per (1 s + margin): about 3 s; any faster and the fake would answer 429.
    const sent = await connector.waitForSent(100, { timeoutMs: 15_000 });
    expect(new Set(sent.map((r) => r.conversationId)).size).toBe(100);
    expect(connector.rateLimitViolations).toBe(0);
  });

  it('keeps the per-tenant ceiling across all running instances', async () => {
    const connector = await connectorWith({ tenantLimitPerSecond: 4 });
    const a = await instanceWith({ tenantPerSecond: 4 });
    const b = await instanceWith({ tenantPerSecond: 4 });
    const tenant = uniqueTenant();
    for (let i = 0; i < 6; i++) {
      await a.outbox.enqueue(send(connector, tenant, newChannelId(), `a${i}`));
      await b.outbox.enqueue(send(connector, tenant, newChannelId(), `b${i}`));
    }
    // 4 per second for the tenant, whichever instance sends: any faster and the fake would answer 429.
    await connector.waitForSent(12, { timeoutMs: 10_000 });
    expect(connector.rateLimitViolations).toBe(0);
  });
});
