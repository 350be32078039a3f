// The outbox inside the running Cadans: references stored from real install events, the connector
// transport on the app's adapter, readiness.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toCardActivity } from '../../src/outbox/service.js';
import { getReference } from '../../src/teams/store.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivities, type TeamsWorld } from '../support/teams-activities.js';
import { waitForStatus } from './support.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;

beforeAll(async () => {
  connector = await startFakeConnector({ enforceRateLimits: true });
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});
beforeEach(() => connector.reset());

describe('the outbox in Cadans', () => {
  it('sends a proactive card to a channel Cadans learned about from an install', async () => {
    const installer = world.user({ name: 'Roos Meijer' });
    const team = world.team({ name: 'Kwaliteit', channels: ['Peilingen'], members: [installer] });
    await postActivities(cadans.url, world.teamInstall(installer, team));
    const ref = await getReference(cadans.db, world.tenantId, 'team', team.id);
    expect(ref?.active).toBe(true);
    await connector.waitForSent(1, { conversationId: team.id }); // the team welcome, itself sent through the outbox
    const since = connector.mark();
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'De peiling staat open' }] };
    const r = await cadans.outbox.enqueue({
      op: 'send',
      tenantId: ref!.tenantId,
      serviceUrl: ref!.serviceUrl,
      conversationId: ref!.conversationId,
      activity: toCardActivity(card),
      idempotencyKey: `test:peiling:${team.id}`,
    });
    const [record] = await connector.waitForSent(1, { since, conversationId: team.id });
    expect(connector.cardOf(record)).toEqual(card);
    expect(await waitForStatus(cadans.outbox, r.id)).toMatchObject({ status: 'sent', sentActivityId: record!.activityId });
  });

  it('marks a person unreachable after a 403 and shows the failure on /readyz while staying ready', async () => {
    const person = world.user({ name: 'Joost Smit' });
    await postActivities(cadans.url, world.personalInstall(person));
    const ref = await getReference(cadans.db, world.tenantId, 'personal', person.aadObjectId);
    connector.blockConversation(person.personalConversationId);
    const r = await cadans.outbox.enqueue({
      op: 'send',
      tenantId: ref!.tenantId,
      serviceUrl: ref!.serviceUrl,
      conversationId: ref!.conversationId,
      activity: { type: 'message', text: 'Herinnering' },
    });
    expect(await waitForStatus(cadans.outbox, r.id)).toMatchObject({ status: 'failed', failureReason: 'blocked' });
    expect((await getReference(cadans.db, world.tenantId, 'personal', person.aadObjectId))?.active).toBe(false);

    const res = await fetch(`${cadans.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ready',
      outbox: { byStatus: { failed: 1 }, failedByReason: { blocked: 1 }, possibleDuplicates: 0 },
    });
  });
});
