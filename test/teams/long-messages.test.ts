// A huge text message costs no more than a short one: commands are read from the first
// MAX_COMMAND_TEXT characters only, with patterns that are linear in what they read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COMMAND_TEXT, normaliseText, parseCommand } from '../../src/routes.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsWorld } from '../support/teams-activities.js';

const HUGE = 120_000;

describe('reading a command from a text', () => {
  it('looks at no more than the first 1,000 characters of 120 KB of <', () => {
    expect(MAX_COMMAND_TEXT).toBe(1_000);
    // Every < is kept (no tag is closed), so the output shows exactly what was looked at.
    expect(normaliseText('<'.repeat(HUGE))).toBe('<'.repeat(MAX_COMMAND_TEXT));
  });

  it('ignores whatever stands after the first 1,000 characters', () => {
    expect(normaliseText(`${'x'.repeat(MAX_COMMAND_TEXT)}<b>help</b>`)).toBe('x'.repeat(MAX_COMMAND_TEXT));
    expect(parseCommand(`${' '.repeat(MAX_COMMAND_TEXT)}help`)).toBeNull();
  });

  it('still reads a command in tags, with &nbsp;, a slash and trailing dots, as before', () => {
    expect(parseCommand('<p>/Checklist&nbsp;&nbsp;Inspectie</p>!!..')).toEqual({ name: 'checklist', args: 'inspectie' });
    expect(parseCommand('<<b>help</b>')).toBeNull(); // a stray < stays text
    expect(parseCommand(`help${'.'.repeat(5_000)}`)).toEqual({ name: 'help', args: '' });
  });
});

describe('a 120 KB personal message of <', () => {
  let connector: FakeConnector;
  let cadans: TestCadans;
  let world: TeamsWorld;
  beforeAll(async () => {
    connector = await startFakeConnector();
    cadans = await startTestCadans();
    world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  });
  afterAll(async () => {
    await cadans?.close();
    await connector?.close();
  });

  it('gets the "unknown command" hint, and /healthz answers alongside it', async () => {
    const user = world.user({ name: 'Lange Tekst' });
    const [message, health] = await Promise.all([
      postActivity(cadans.url, world.personalMessage(user, '<'.repeat(HUGE))),
      fetch(`${cadans.url}/healthz`, { signal: AbortSignal.timeout(15_000) }),
    ]);
    expect(message.status).toBe(200);
    expect(health.status).toBe(200);
    const sent = connector.sent(user.personalConversationId);
    expect(sent).toHaveLength(1);
    const card = JSON.stringify(connector.cardOf(sent[0]));
    expect(card).toContain('Dat begrijp ik niet');
    expect(card).toContain('hulp');
  });
});
