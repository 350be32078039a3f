// A card that could not be posted: the checklist list says so, an editor posts it again, and a
// beheerder sends the tenant's failed messages again. Real HTTP, PostgreSQL, outbox; fake Teams.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser;
let channel: TeamsChannel;

const text = (x: unknown) => JSON.stringify(x);

async function menu(): Promise<string> {
  const since = connector.mark();
  await postActivity(cadans.url, world.channelMessage(sanne, channel, 'checklist', { mention: true }));
  return text(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function startWhileBlocked(title: string): Promise<{ id: number; publicId: string }> {
  connector.blockConversation(channel.id);
  const res = await postActivity(cadans.url, world.actionExecute(sanne, channel, 'checklist.start', { v: 1, template: 'onboarding', title, school: 'none', targetDate: '' }));
  expect(text(res.body)).toContain('staat in het kanaal');
  const row = await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from checklists where title = $1', [title]);
  const id = Number(row.rows[0]!.id);
  await waitUntil(async () => (await cadans.outbox.statusByKey(`checklist:${id}:card`))?.status === 'failed');
  connector.unblockConversation(channel.id);
  return { id, publicId: row.rows[0]!.public_id };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('a checklist card that could not be posted', () => {
  it('says so in the checklist list, with a button to post it again', async () => {
    await startWhileBlocked('Zelfevaluatie voorjaar');
    const card = await menu();
    expect(card).toContain('De kaart kon niet in het kanaal worden geplaatst.');
    expect(card).toContain('checklist.repost');
    expect(card).toContain('1 bericht van Cadans is niet in Teams aangekomen.');
  });

  it('is posted in the channel when an editor posts it again, and later changes update that card', async () => {
    const { id, publicId } = await startWhileBlocked('Zelfevaluatie najaar');
    const since = connector.mark();
    const res = await postActivity(cadans.url, world.actionExecute(sanne, channel, 'checklist.repost', { v: 2, checklist: publicId }));
    expect(text(res.body)).toContain('wordt opnieuw onderaan het kanaal geplaatst');
    const posted = await connector.waitFor((r) => r.method === 'POST' && r.status < 300 && text(r.body).includes('Zelfevaluatie najaar'), { since, timeoutMs: 10_000 });
    const activityId = String((posted.response as { id: string }).id);
    await waitUntil(async () => (await cadans.db.query('select card_activity_id from checklists where id = $1', [id])).rows[0]?.card_activity_id === activityId);
    await postActivity(cadans.url, world.actionExecute(sanne, channel, 'checklist.setStatus', { v: 2, checklist: publicId, position: 1, status: 'klaar' }));
    await waitUntil(async () => text(connector.cardOf(connector.activity(activityId)?.activity)).includes('1 van 10 klaar'));
    // Only the spring checklist's card is still missing.
    expect((await menu()).split('De kaart kon niet in het kanaal worden geplaatst.').length - 1).toBe(1);
  });

  it("goes out when a beheerder sends the tenant's failed messages again, and the list no longer reports it", async () => {
    await startWhileBlocked('Audit bovenbouw');
    expect(await menu()).toContain('niet in Teams aangekomen');
    const since = connector.mark();
    const res = await postActivity(cadans.url, world.actionExecute(sanne, channel, 'outbox.retryFailed', { v: 1 }));
    expect(text(res.body)).toContain('opnieuw naar Teams');
    await connector.waitFor((r) => r.method === 'POST' && r.status < 300 && text(r.body).includes('Audit bovenbouw'), { since, timeoutMs: 10_000 });
    await waitUntil(async () => (await cadans.outbox.failedCount(world.tenantId)) === 0);
    const card = await menu();
    expect(card).not.toContain('niet in Teams aangekomen');
    expect(card).not.toContain('De kaart kon niet in het kanaal worden geplaatst.');
  });
});
