// What people type to Cadans: the ways they ask for help, and a nudge toward the command they
// probably meant. Through the real HTTP server and teams-ai where a person would notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand, suggestCommand } from '../../src/routes.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

describe('asking for help', () => {
  it.each(['hulp', 'help', 'Help me', 'help mij', 'hulp nodig', 'wat kan je?', 'Wat kun jij allemaal doen?', 'wat kan Cadans?', 'menu', 'Hoi!', 'hallo', 'What can you do?', '?', '/help'])(
    'understands "%s" as asking for help',
    (text) => {
      expect(parseCommand(text)).toEqual({ name: 'help', args: '' });
    },
  );

  it.each(['helpful', 'hulpmiddel', 'menukaart', 'wat kan je niet', 'hihi'])('does not take "%s" for help', (text) => {
    expect(parseCommand(text)?.name).not.toBe('help');
  });
});

describe('results', () => {
  it.each(['resultaat', 'resultaten', 'results'])('understands "%s" as the results command', (text) => {
    expect(parseCommand(text)?.name).toBe('results');
  });
});

describe('suggesting the command someone probably meant', () => {
  it.each([
    ['checklst', 'checklist'],
    ['chekclist inspectie', 'checklist'],
    ['rollem', 'rollen'],
    ['rols', 'roles'],
    ['peilng', 'peiling'],
    ['resultatn', 'resultaten'],
    ['overlg', 'overleg'],
  ])('suggests a command for "%s"', (typed, command) => {
    expect(suggestCommand(typed)).toBe(command);
  });

  it.each(['bedankt', 'goedemorgen', 'xyz', 'ok', 'de inspectie komt in maart'])('suggests nothing for "%s"', (typed) => {
    expect(suggestCommand(typed)).toBeNull();
  });
});

describe('a command typed with a typo, in a personal chat', () => {
  let connector: FakeConnector;
  let cadans: TestCadans;
  let world: TeamsWorld;
  let ahmed: TeamsUser;

  beforeAll(async () => {
    connector = await startFakeConnector();
    cadans = await startTestCadans();
    world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
    ahmed = world.user({ name: 'Ahmed El Amrani' });
  });
  afterAll(async () => {
    await cadans?.close();
    await connector?.close();
  });

  it('answers with the command it probably meant, in Dutch', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.personalMessage(ahmed, 'rollem'));
    const card = JSON.stringify(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(card).toContain('Bedoel je **rollen**?');
    expect(card).toContain('help.show');
  });

  it('answers "wat kan je?" with the help card', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.personalMessage(ahmed, 'wat kan je?'));
    const card = JSON.stringify(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(card).toContain('Wat kan Cadans?');
    expect(card).not.toContain('Dat begrijp ik niet');
  });
});

describe("the help card's buttons", () => {
  let connector: FakeConnector;
  let cadans: TestCadans;
  let world: TeamsWorld;
  let sanne: TeamsUser;
  let jip: TeamsUser;

  beforeAll(async () => {
    connector = await startFakeConnector();
    cadans = await startTestCadans();
    world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
    // The first person of a tenant becomes its beheerder (local mode).
    sanne = world.user({ name: 'Sanne Beheer' });
    jip = world.user({ name: 'Jip Leraar', locale: 'en-GB' });
    await postActivity(cadans.url, world.personalMessage(sanne, 'hulp'));
    await postActivity(cadans.url, world.personalMessage(jip, 'help'));
  });
  afterAll(async () => {
    await cadans?.close();
    await connector?.close();
  });

  const press = async (user: TeamsUser, where: Parameters<TeamsWorld['actionExecute']>[1], command: string) => {
    const since = connector.mark();
    const res = await postActivity(cadans.url, world.actionExecute(user, where, 'help.command', { v: 1, command }));
    const kept = JSON.stringify((res.body as { value: unknown }).value);
    const [below] = await connector.waitForSent(1, { since });
    return { kept, below: JSON.stringify(connector.cardOf(below)), conversationId: below!.conversationId };
  };

  it('keeps the help card when Rollen is pressed and answers below it, in the personal chat', async () => {
    const { kept, below, conversationId } = await press(sanne, sanne, 'roles');
    expect(kept).toContain('Wat kan Cadans?');
    expect(kept).toContain('"command":"roles"');
    expect(conversationId).toBe(sanne.personalConversationId);
    expect(below).toContain('Scholen en rollen');
  });

  it('answers a button in a channel in its thread, showing only the presser’s own roles to everyone there', async () => {
    const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, jip] });
    connector.addTeam(team.id, team.connectorInfo);
    connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
    const { kept, below, conversationId } = await press(sanne, team.channel('Kwaliteit'), 'roles');
    expect(kept).toContain('Wat kan Cadans?');
    expect(conversationId).toContain(team.channel('Kwaliteit').id);
    expect(below).toContain('Iedereen hier leest mee, dus hier staan alleen jouw eigen rollen');
    expect(below).not.toContain('Wie heeft welke rol');
  });

  it('answers the Meetings button below the help card, in English for an English user', async () => {
    const { kept, below } = await press(jip, jip, 'meetings');
    expect(kept).toContain('What can Cadans do?');
    expect(below).toContain('Standing meetings');
  });

  it('keeps the help card when the answer is a refusal or the button is forged', async () => {
    const { kept, below } = await press(jip, jip, 'help');
    expect(kept).toContain('What can Cadans do?');
    expect(below).toContain('That did not work');
  });

  it('suggests the command in the language of the answer', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.personalMessage(jip, 'overlg'));
    const card = JSON.stringify(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(card).toContain('Did you mean **meetings**?');
  });
});
