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
    const started = Date.now();
    for (let i = 0; i < 24; i++) await outbox.enqueue(send(connector, tenant, channel, `m${i}`));
    const sent = await connector.waitForSent(24, { conversationId: channel, timeoutMs: 10_000 });
    const elapsed = Date.now() - started;
    console.info(`24 messages to one conversation through the limiter: ${elapsed} ms`);
    expect(sent.map((r) => connector.activityText(r))).toEqual(Array.from({ length: 24 }, (_, i) => `m${i}`));
    expect(connector.rateLimitViolations).toBe(0);
    expect(connector.records.every((r) => r.status === 201)).toBe(true);
    // 7 per 1 s and 8 per 2 s: sends 1–7 at 0 s, 8 at 1 s, 9–15 at 2 s, 16 at 3 s, 17–23 at 4 s, 24 at 5 s.
    // Any sooner and the fake would have answered 429; the limiter should not be much slower.
    expect(elapsed).toBeGreaterThanOrEqual(5_000);
    expect(elapsed).toBeLessThan(9_000); // not grossly slower than Teams allows, even on a loaded machine
  });

  it('does not hold back messages to other conversations behind one busy conversation', async () => {
    const connector = await connectorWith({ enforceRateLimits: true });
    const { outbox } = await instanceWith();
    const tenant = uniqueTenant();
    const busy = newChannelId();
    const other = newChannelId();
    for (let i = 0; i < 20; i++) await outbox.enqueue(send(connector, tenant, busy, `druk ${i}`));
    const started = Date.now();
    await outbox.enqueue(send(connector, tenant, other, 'ik hoef niet te wachten'));
    const [record] = await connector.waitForSent(1, { conversationId: other });
    // Behind the busy lane it would wait at least 3 s (20 messages at Teams' pace); a loaded CI
    // machine may add some hundreds of milliseconds, so the bound is generous but far below that.
    expect(record!.at - started).toBeLessThan(2_000);
    // The busy conversation had only its first burst out when the other message went.
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
    const committed = Date.now();
    await connector.waitForSent(100, { timeoutMs: 10_000 });
    const elapsed = Date.now() - committed;
    console.info(`a fan-out of 100 at 25/s: ${elapsed} ms after the commit`);
    expect(connector.rateLimitViolations).toBe(0);
    // 25 at once, then 25 per (1 s + margin): the 100th cannot go before 3 s.
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
    expect(elapsed).toBeLessThan(7_000); // not grossly slower than the ceiling, even on a loaded machine
  });

  it('keeps the per-tenant ceiling across all running instances', async () => {
    const connector = await connectorWith({ tenantLimitPerSecond: 4 });
    const a = await instanceWith({ tenantPerSecond: 4 });
    const b = await instanceWith({ tenantPerSecond: 4 });
    const tenant = uniqueTenant();
    const started = Date.now();
    for (let i = 0; i < 6; i++) {
      await a.outbox.enqueue(send(connector, tenant, newChannelId(), `a${i}`));
      await b.outbox.enqueue(send(connector, tenant, newChannelId(), `b${i}`));
    }
    await connector.waitForSent(12, { timeoutMs: 8_000 });
    const elapsed = Date.now() - started;
    console.info(`12 messages to 12 conversations of one tenant at 4/s over two instances: ${elapsed} ms`);
    expect(connector.rateLimitViolations).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
  });
});
