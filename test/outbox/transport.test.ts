// The connector transport: exactly one HTTP attempt per call, bounded by a timeout, failures mapped
// for the outbox. Against the fake Teams connector, without credentials (local mode).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../src/outbox/transport.js';
import { createConnectorTransport } from '../../src/teams/connector-transport.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { createTeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let transport: Transport;

beforeAll(async () => {
  connector = await startFakeConnector({ latencyMs: (r) => (r.path.includes('traag') ? 1_500 : 0) });
  transport = createConnectorTransport({ timeoutMs: 300 });
});
afterAll(async () => {
  await connector?.close();
});
beforeEach(() => connector.reset());

const target = (conversationId: string) => ({ tenantId: 't', serviceUrl: connector.serviceUrl, conversationId });
const hello = { type: 'message', text: 'hallo' };

describe('connector transport', () => {
  it('sends once and returns the id Teams gave the message', async () => {
    const r = await transport.send(target('a:1een'), hello);
    expect(r).toMatchObject({ ok: true, status: 201, activityId: connector.sent()[0]!.activityId });
    expect(connector.records).toHaveLength(1);
  });

  it('makes one request on a 503 and leaves the retry to the outbox (botbuilder would retry it 3 times)', async () => {
    connector.failNext({ status: 503, times: 4 });
    const r = await transport.send(target('a:1storing'), hello);
    expect(r).toMatchObject({ ok: false, status: 503 });
    // botbuilder's own retry policy would have made 4 requests here (and delivered the 4th).
    expect(connector.records).toHaveLength(1);
  });

  it('returns a 429 at once with its Retry-After instead of waiting it out', async () => {
    connector.failNext({ status: 429, retryAfterSeconds: 30 });
    const r = await transport.send(target('a:1druk'), hello);
    expect(r).toMatchObject({ ok: false, status: 429, retryAfterMs: 30_000 });
    // Waiting it out would have sent a second request (after 30 s, beyond this test's timeout).
    expect(connector.records).toHaveLength(1);
  });

  it('gives up on a request after its timeout and says the outcome is unknown', async () => {
    // The fake answers this conversation after 1.5 s, the transport's timeout is 300 ms: had it
    // waited, the send would have succeeded.
    const r = await transport.send(target('a:1traag'), hello);
    expect(r).toMatchObject({ ok: false, outcomeUnknown: true });
    expect(r.ok === false && r.error).toMatch(/timeout/i);
  });

  it('says a request that could not connect certainly did not reach Teams', async () => {
    const r = await transport.send({ tenantId: 't', serviceUrl: 'http://127.0.0.1:9/amer/', conversationId: 'a:1x' }, hello);
    expect(r).toMatchObject({ ok: false, outcomeUnknown: false });
    expect(r.ok === false && r.status).toBeUndefined();
  });

  it('maps 403 and 404 to their statuses without retrying', async () => {
    connector.blockConversation('a:1geblokkeerd');
    expect(await transport.send(target('a:1geblokkeerd'), hello)).toMatchObject({ ok: false, status: 403 });
    expect(await transport.update(target('a:1weg'), '1700000000000', hello)).toMatchObject({ ok: false, status: 404 });
    expect(connector.records).toHaveLength(2);
  });

  it('updates a posted message in place', async () => {
    const sent = await transport.send(target('a:1kaart'), hello);
    const id = sent.ok ? sent.activityId! : '';
    expect(await transport.update(target('a:1kaart'), id, { type: 'message', text: 'bijgewerkt' })).toMatchObject({ ok: true, activityId: id });
    expect(connector.activityText(connector.activity(id))).toBe('bijgewerkt');
  });

  it('creates a 1:1 conversation and sends into it, returning the conversation id', async () => {
    const world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
    const person = world.user({ name: 'Ilse de Wit' });
    const r = await transport.createPersonal({ tenantId: world.tenantId, serviceUrl: connector.serviceUrl, userId: person.id, botId: world.botId }, hello);
    expect(r).toMatchObject({ ok: true, conversationId: person.personalConversationId });
    expect(connector.created()).toHaveLength(1);
    expect(connector.sent(person.personalConversationId)).toHaveLength(1);
  });

  it('refuses to create a 1:1 conversation without a bot account', async () => {
    const r = await transport.createPersonal({ tenantId: 't', serviceUrl: connector.serviceUrl, userId: '29:1x' }, hello);
    expect(r).toMatchObject({ ok: false, status: 400 });
    expect(connector.records).toHaveLength(0);
  });
});
