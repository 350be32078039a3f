// Asking for checklists outside a channel: Cadans says where they live and in which teams it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser;

const text = (x: unknown) => JSON.stringify(x);

async function personal(message: string): Promise<string> {
  const since = connector.mark();
  await postActivity(cadans.url, world.personalMessage(sanne, message));
  return text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: sanne.personalConversationId }))[0]));
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('checklists asked for in a personal chat', () => {
  it('says how to add Cadans to a team when it is in none', async () => {
    const card = await personal('checklist');
    expect(card).toContain('Checklists staan in een teamkanaal');
    expect(card).toContain('Cadans zit nog in geen enkel team');
  });

  it('names the teams where Cadans is installed', async () => {
    const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne] });
    connector.addTeam(team.id, team.connectorInfo);
    connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
    for (const a of world.teamInstall(sanne, team)) await postActivity(cadans.url, a);
    const card = await personal('checklist');
    expect(card).toContain('Cadans zit in **Team Kwaliteit**');
    const res = await postActivity(cadans.url, world.actionExecute(sanne, sanne, 'checklist.open', { v: 1 }));
    expect(text(res.body)).toContain('Cadans zit in **Team Kwaliteit**');
  });
});
