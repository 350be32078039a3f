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
    expect(card).toContain('checklist.open');
    expect(card).not.toContain('Dat begrijp ik niet');
  });
});
