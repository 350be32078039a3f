import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivities, postActivity, type TeamsWorld } from '../support/teams-activities.js';

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
beforeEach(() => connector.reset());

const cardText = (card: unknown) => JSON.stringify(card);

describe('installing Cadans', () => {
  it('greets a person once in Dutch when Teams sends both install events of a personal install', async () => {
    const user = world.user({ name: 'Anouk Smit', locale: 'nl-NL' });
    const results = await postActivities(cadans.url, world.personalInstall(user));
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const sent = connector.sent(user.personalConversationId);
    expect(sent).toHaveLength(1);
    expect(cardText(connector.cardOf(sent[0]))).toContain('Welkom bij Cadans');
  });

  it('greets in English when the install event carries an English locale', async () => {
    const user = world.user({ name: 'Sam Taylor', locale: 'en-GB' });
    const [, installationUpdate] = world.personalInstall(user);
    await postActivity(cadans.url, installationUpdate);
    const [welcome] = connector.sent(user.personalConversationId);
    expect(cardText(connector.cardOf(welcome))).toContain('Welcome to Cadans');
  });

  it('greets in the tenant language (Dutch) when Teams sends the install without a locale', async () => {
    const user = world.user({ name: 'Chris Lee', locale: 'en-GB' });
    const [conversationUpdate] = world.personalInstall(user);
    await postActivity(cadans.url, conversationUpdate);
    expect(cardText(connector.cardOf(connector.sent(user.personalConversationId)[0]))).toContain('Welkom bij Cadans');
  });

  it('greets again after an uninstall and a new install, but not twice', async () => {
    const user = world.user({ name: 'Bram Visser' });
    await postActivities(cadans.url, world.personalInstall(user));
    await postActivities(cadans.url, world.uninstall(user, user));
    await postActivities(cadans.url, world.personalInstall(user));
    expect(connector.sent(user.personalConversationId)).toHaveLength(2);
  });

  it('marks the conversation inactive on uninstall and active again on reinstall', async () => {
    const user = world.user({ name: 'Lotte de Boer' });
    await postActivities(cadans.url, world.personalInstall(user));
    await postActivities(cadans.url, world.uninstall(user, user));
    const q = () => cadans.db.query("select active from conversation_refs where scope = 'personal' and key = $1", [user.aadObjectId]);
    expect((await q()).rows).toEqual([{ active: false }]);
    await postActivity(cadans.url, world.personalMessage(user, 'hulp'));
    expect((await q()).rows).toEqual([{ active: true }]);
  });

  it('posts one welcome card in the General channel of a team, in the tenant language', async () => {
    const installer = world.user({ name: 'Kim Evers', locale: 'en-US' });
    const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [installer] });
    await postActivities(cadans.url, world.teamInstall(installer, team));
    const [welcome] = await connector.waitForSent(1, { conversationId: team.general.id });
    expect(cardText(connector.cardOf(welcome))).toContain('Cadans is aan dit team toegevoegd');
    await postActivities(cadans.url, world.teamInstall(installer, team).slice(1)); // a repeated install event
    const n = await cadans.db.query("select count(*)::int as n from outbox_messages where idempotency_key like 'welcome:team:%' and conversation_id = $1", [team.general.id]);
    expect(n.rows[0].n).toBe(1);
  });

  it("remembers a team's Entra group from the install event, for Microsoft Graph", async () => {
    const installer = world.user({ name: 'Femke Kok' });
    const team = world.team({ name: 'Bestuursbureau', members: [installer] });
    await postActivities(cadans.url, world.teamInstall(installer, team));
    const r = await cadans.db.query("select aad_group_id from conversation_refs where scope = 'team' and key = $1", [team.id]);
    expect(r.rows).toEqual([{ aad_group_id: team.aadGroupId }]);
  });

  it("records a person's new display name and locale on their next message, though they wrote a moment ago", async () => {
    const before = world.user({ name: 'Fleur Jansen', locale: 'nl-NL' });
    await postActivity(cadans.url, world.personalMessage(before, 'hulp'));
    // Same person (same ids), renamed in Entra and now using Teams in English.
    const after = world.user({ name: 'Fleur de Jong', aadObjectId: before.aadObjectId, id: before.id, locale: 'en-GB' });
    await postActivity(cadans.url, world.personalMessage(after, 'help'));
    const r = await cadans.db.query('select name, locale from people where aad_object_id = $1', [before.aadObjectId]);
    expect(r.rows).toEqual([{ name: 'Fleur de Jong', locale: 'en-GB' }]);
    const replies = connector.sent(before.personalConversationId);
    expect(cardText(connector.cardOf(replies[replies.length - 1]))).toContain('What can Cadans do?');
  });

  it('remembers where a person, channel and team can be reached', async () => {
    const user = world.user({ name: 'Noor Hendriks' });
    const team = world.team({ name: 'Directie', channels: ['Overleg'], members: [user] });
    await postActivity(cadans.url, world.personalMessage(user, 'hulp'));
    await postActivity(cadans.url, world.channelMessage(user, team.channel('Overleg'), 'hulp', { mention: true }));
    const rows = await cadans.db.query<{ scope: string; key: string; service_url: string }>(
      'select scope, key, service_url from conversation_refs where key = any($1) order by scope',
      [[user.aadObjectId, team.id, team.channel('Overleg').id]],
    );
    expect(rows.rows.map((r) => [r.scope, r.key])).toEqual([
      ['channel', team.channel('Overleg').id],
      ['personal', user.aadObjectId],
      ['team', team.id],
    ]);
    expect(rows.rows.every((r) => r.service_url === connector.serviceUrl)).toBe(true);
  });
});

describe('commands', () => {
  it('answers "hulp" with the Dutch help card listing the commands', async () => {
    const user = world.user({ name: 'Daan Mulder' });
    await postActivity(cadans.url, world.personalMessage(user, 'hulp'));
    const [reply] = connector.sent(user.personalConversationId);
    const text = cardText(connector.cardOf(reply));
    expect(text).toContain('Wat kan Cadans?');
    for (const w of ['peiling', 'overleg', 'resultaten', 'rollen']) expect(text).toContain(w);
  });

  it('answers "help" from an English user with the English help card', async () => {
    const user = world.user({ name: 'Alex Reed', locale: 'en-US' });
    await postActivity(cadans.url, world.personalMessage(user, 'Help'));
    expect(cardText(connector.cardOf(connector.sent(user.personalConversationId)[0]))).toContain('What can Cadans do?');
  });

  it('answers many people over kept-open connections to Teams, not a new one per reply', async () => {
    // Against Teams every new connection is a TLS handshake.
    connector.reset();
    const users = Array.from({ length: 12 }, (_, i) => world.user({ name: `Leraar ${i + 1}` }));
    for (const user of users) await postActivity(cadans.url, world.personalMessage(user, 'hulp'));
    for (const user of users) expect(connector.sent(user.personalConversationId)).toHaveLength(1);
    expect(connector.connections).toBeLessThanOrEqual(2);
  });

  it('does not take "helpful" for help, and offers the help button instead', async () => {
    const user = world.user({ name: 'Iris Peters' });
    await postActivity(cadans.url, world.personalMessage(user, 'helpful'));
    const card = connector.cardOf(connector.sent(user.personalConversationId)[0]);
    expect(cardText(card)).toContain('Dat begrijp ik niet');
    expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.Execute', verb: 'help.show' })]);
  });

  it('shows someone who sits at no table that there are no meetings they can see, and none of the board’s', async () => {
    const user = world.user({ name: 'Tim Bos' });
    await postActivity(cadans.url, world.personalMessage(user, 'overleg'));
    const reply = await connector.waitFor((r) => r.conversationId === user.personalConversationId && JSON.stringify(r.body).includes('Vaste overleggen'));
    const text = cardText(connector.cardOf(reply));
    expect(text).toContain('Er zijn nog geen vaste overleggen die jij kunt zien.');
    expect(text).not.toContain('Bestuur en kwaliteitsmedewerker');
  });

  it('tells someone without a role where surveys come from when they type peiling', async () => {
    const user = world.user({ name: 'Tijn Bos' });
    await postActivity(cadans.url, world.personalMessage(user, 'peiling'));
    expect(cardText(connector.cardOf(connector.sent(user.personalConversationId)[0]))).toContain('Peilingen die naar jou gestuurd worden, komen in je chat met Cadans');
  });

  it('explains in a personal chat that a checklist belongs in a team channel', async () => {
    const user = world.user({ name: 'Tom Bos' });
    await postActivity(cadans.url, world.personalMessage(user, 'checklist'));
    expect(cardText(connector.cardOf(connector.sent(user.personalConversationId)[0]))).toContain('Een checklist hoort bij een team');
  });

  it('answers in a channel only when mentioned, in the thread of the message', async () => {
    const user = world.user({ name: 'Eline Dekker' });
    const team = world.team({ name: 'Kwaliteit', members: [user] });
    await postActivity(cadans.url, world.channelMessage(user, team.general, 'hulp', { mention: false }));
    expect(connector.sent()).toHaveLength(0);
    const msg = world.channelMessage(user, team.general, 'hulp', { mention: true });
    await postActivity(cadans.url, msg);
    const [reply] = connector.sent();
    expect(reply?.conversationId).toContain(team.general.id);
    expect(cardText(connector.cardOf(reply))).toContain('Wat kan Cadans?');
  });

  it('echoes unknown text without letting it format the card', async () => {
    const user = world.user({ name: 'Ruben Smits' });
    await postActivity(cadans.url, world.personalMessage(user, '**vet** [link](http://x)'));
    const text = cardText(connector.cardOf(connector.sent(user.personalConversationId)[0]));
    expect(text).not.toContain('**vet**');
    expect(text).not.toContain('](http');
  });
});

describe('card buttons (Action.Execute)', () => {
  it('returns the help card in the invoke response within the turn', async () => {
    const user = world.user({ name: 'Mila Vos' });
    const res = await postActivity(cadans.url, world.actionExecute(user, user, 'help.show', { v: 1 }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(cardText((res.body as { value: unknown }).value)).toContain('Wat kan Cadans?');
    expect(connector.sent()).toHaveLength(0);
  });

  it('answers an unknown verb with a friendly card instead of an error', async () => {
    const user = world.user({ name: 'Sem Jacobs' });
    const res = await postActivity(cadans.url, world.actionExecute(user, user, 'checklist.deleteEverything', { v: 1 }));
    expect(res.status).toBe(200);
    expect(cardText((res.body as { value: unknown }).value)).toContain('Deze kaart is verouderd');
  });
});

describe('HTTP edges', () => {
  const post = (body: string, type = 'application/json') =>
    fetch(`${cadans.url}/api/messages`, { method: 'POST', headers: { 'content-type': type }, body });

  it('answers a body that is not JSON with 400 and sends nothing', async () => {
    const res = await post('{"type": "message",');
    expect(res.status).toBe(400);
    expect(connector.records).toHaveLength(0);
  });

  it.each([
    ['no type', { conversation: { id: 'a' }, serviceUrl: 'http://x/' }],
    ['no conversation', { type: 'message', serviceUrl: 'http://x/' }],
    ['no serviceUrl', { type: 'message', conversation: { id: 'a' } }],
    ['an array', [1, 2]],
    ['null', null],
  ])('answers an activity with %s with 400', async (_name, body) => {
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.any(String) });
  });

  it('answers an oversized body with 413 and keeps serving', async () => {
    const big = JSON.stringify({ type: 'message', text: 'x'.repeat(cadans.config.maxBodyBytes + 10), conversation: { id: 'a' }, serviceUrl: 'http://x/' });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect((await fetch(`${cadans.url}/healthz`)).status).toBe(200);
  });

  it('answers a body that is not declared as JSON with 415', async () => {
    expect((await post('{}', 'text/plain')).status).toBe(415);
  });

  it('reports ready when the database, migrations and job workers are', async () => {
    const res = await fetch(`${cadans.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', database: 'ok', migrations: 'ok', jobs: 'ok' });
  });
});
