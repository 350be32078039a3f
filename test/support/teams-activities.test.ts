import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { CardFactory, MemoryStorage, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import { startFakeConnector, type FakeConnector } from './fake-connector.js';
import {
  baseConversationId,
  createTeamsWorld,
  personalConversationId,
  postActivities,
  postActivity,
  type TeamsActivity,
} from './teams-activities.js';

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

describe('teams activity builders', () => {
  const world = createTeamsWorld({ serviceUrl: SERVICE_URL, botId: '00000000-0000-4000-8000-00000000b07', tenantId: 'tenant-1' });
  const alice = world.user({ name: 'Alice de Vries' });
  const team = world.team({ name: 'Bestuur', channels: ['Kwaliteit'] });

  function common(a: TeamsActivity): void {
    expect(a.channelId).toBe('msteams');
    expect(a.serviceUrl).toBe(SERVICE_URL);
    expect(a.recipient).toEqual({ id: '28:00000000-0000-4000-8000-00000000b07', name: 'Cadans' });
    expect(a.channelData.tenant).toEqual({ id: 'tenant-1' });
    expect(a.conversation.tenantId).toBe('tenant-1');
    expect(Number.isNaN(Date.parse(a.timestamp))).toBe(false);
  }

  it('derives stable Teams-looking ids', () => {
    const again = createTeamsWorld({ serviceUrl: SERVICE_URL, botId: '28:00000000-0000-4000-8000-00000000b07', tenantId: 'tenant-1' });
    const alice2 = again.user({ name: 'Alice de Vries' });
    expect(alice2.id).toBe(alice.id);
    expect(alice.id).toMatch(/^29:1[\w-]{80,}$/);
    expect(alice.aadObjectId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alice.personalConversationId).toBe(personalConversationId(world.botAppId, alice.id));
    expect(alice.personalConversationId).toMatch(/^a:1/);
    expect(team.id).toMatch(/^19:[0-9a-f]{32}@thread\.tacv2$/);
    expect(team.general.id).toBe(team.id);
    expect(team.channels.map((c) => c.name)).toEqual(['General', 'Kwaliteit']);
    expect(team.connectorInfo.channels[0]).toEqual({ id: team.id, name: null });
    expect(() => team.channel('Nope')).toThrow(/has no channel 'Nope'/);
    expect(alice.rosterEntry).toMatchObject({ id: alice.id, objectId: alice.aadObjectId, aadObjectId: alice.aadObjectId, userRole: 'user' });
  });

  it('personal message', () => {
    const a = world.personalMessage(alice, 'hallo');
    common(a);
    expect(a).toMatchObject({
      type: 'message',
      text: 'hallo',
      textFormat: 'plain',
      from: { id: alice.id, name: 'Alice de Vries', aadObjectId: alice.aadObjectId },
      conversation: { conversationType: 'personal', id: alice.personalConversationId },
      locale: 'nl-NL',
      localTimezone: 'Europe/Amsterdam',
      entities: [{ type: 'clientInfo', locale: 'nl-NL', country: 'NL', platform: 'Web', timezone: 'Europe/Amsterdam' }],
    });
    expect(a.id).toMatch(/^\d{13}$/);
    expect(a.localTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(a.conversation.isGroup).toBeUndefined();
  });

  it('channel message with an @mention, as a new post and in a thread', () => {
    const ch = team.channel('Kwaliteit');
    const a = world.channelMessage(alice, ch, 'help');
    common(a);
    expect(a.text).toBe('<at>Cadans</at> help');
    expect(a.conversation).toEqual({ isGroup: true, conversationType: 'channel', tenantId: 'tenant-1', id: `${ch.id};messageid=${a.id}` });
    expect(a.channelData).toMatchObject({ teamsChannelId: ch.id, teamsTeamId: team.id, channel: { id: ch.id }, team: { id: team.id } });
    expect(a.entities?.[0]).toEqual({ type: 'mention', mentioned: { id: world.botId, name: 'Cadans' }, text: '<at>Cadans</at>' });
    expect(a.entities?.[1]).toMatchObject({ type: 'clientInfo' });
    // botbuilder finds and strips the mention.
    expect(TurnContext.getMentions(a as unknown as Activity)).toHaveLength(1);
    expect(TurnContext.removeRecipientMention(a as unknown as Activity)?.trim()).toBe('help');

    const reply = world.channelMessage(alice, ch, 'nog iets', { threadId: '1481567603816' });
    expect(reply.conversation.id).toBe(`${ch.id};messageid=1481567603816`);
    const plain = world.channelMessage(alice, ch, 'zonder', { mention: false });
    expect(plain.text).toBe('zonder');
    expect(plain.entities?.map((e) => e.type)).toEqual(['clientInfo']);
  });

  it('group chat message', () => {
    const bob = world.user({ name: 'Bob' });
    const chat = world.groupChat({ members: [alice, bob], topic: 'Werkgroep' });
    const a = world.groupChatMessage(alice, chat, 'status');
    expect(a.conversation).toEqual({ isGroup: true, conversationType: 'groupChat', tenantId: 'tenant-1', id: chat.id });
    expect(chat.id).toMatch(/@thread\.v2$/);
    expect(a.text).toBe('<at>Cadans</at> status');
  });

  it('personal install yields conversationUpdate + installationUpdate add', () => {
    const [cu, iu] = world.personalInstall(alice);
    common(cu);
    common(iu);
    expect(cu).toMatchObject({
      type: 'conversationUpdate',
      membersAdded: [{ id: world.botId }, { id: alice.id, aadObjectId: alice.aadObjectId }],
      conversation: { conversationType: 'personal', id: alice.personalConversationId },
    });
    expect(cu.id).toMatch(/^f:/);
    expect(cu.entities).toBeUndefined();
    expect(iu).toMatchObject({ type: 'installationUpdate', action: 'add', conversation: { id: alice.personalConversationId } });
    expect(iu.entities?.[0]).toMatchObject({ type: 'clientInfo' });
  });

  it('team install yields teamMemberAdded + installationUpdate for the selected channel', () => {
    const [cu, iu] = world.teamInstall(alice, team);
    expect(cu).toMatchObject({
      type: 'conversationUpdate',
      membersAdded: [{ id: world.botId }],
      conversation: { isGroup: true, conversationType: 'channel', id: team.id },
      channelData: {
        settings: { selectedChannel: { id: team.id } },
        team: { id: team.id, name: 'Bestuur', aadGroupId: team.aadGroupId },
        eventType: 'teamMemberAdded',
        tenant: { id: 'tenant-1' },
      },
    });
    expect(iu).toMatchObject({
      type: 'installationUpdate',
      action: 'add',
      channelData: { channel: { id: team.id }, team: { id: team.id }, source: { name: 'message' } },
    });
    const [, iu2] = world.teamInstall(alice, team, { channel: team.channel('Kwaliteit') });
    expect(iu2.conversation).toMatchObject({ id: team.channel('Kwaliteit').id, name: 'Kwaliteit' });
  });

  it('uninstall yields installationUpdate remove + membersRemoved(bot)', () => {
    const [iu, cu] = world.uninstall(alice);
    expect(iu).toMatchObject({ type: 'installationUpdate', action: 'remove', conversation: { id: alice.personalConversationId } });
    expect(cu).toMatchObject({ type: 'conversationUpdate', membersRemoved: [{ id: world.botId }] });
    const [tiu, tcu] = world.uninstall(alice, team);
    expect(tiu.conversation.id).toBe(team.id);
    expect(tcu.channelData.eventType).toBe('teamMemberRemoved');
  });

  it('members added to a team', () => {
    const bob = world.user({ name: 'Bob' });
    const a = world.membersAdded(alice, team, [bob]);
    expect(a).toMatchObject({ channelData: { eventType: 'teamMemberAdded' }, membersAdded: [{ id: bob.id, aadObjectId: bob.aadObjectId }] });
  });

  it('Action.Execute invoke (Universal Actions)', () => {
    const a = world.actionExecute(alice, alice, 'approve', { planId: 7 }, { replyToId: '1700000000001' });
    common(a);
    expect(a).toMatchObject({
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: '1700000000001',
      value: { action: { type: 'Action.Execute', verb: 'approve', data: { planId: 7 } }, trigger: 'manual' },
      conversation: { conversationType: 'personal', id: alice.personalConversationId },
    });
    const ch = team.channel('Kwaliteit');
    const inChannel = world.actionExecute(alice, ch, 'approve', {}, { replyToId: '1700000000002', trigger: 'automatic' });
    expect(inChannel.conversation.id).toBe(`${ch.id};messageid=1700000000002`);
    expect(baseConversationId(inChannel.conversation.id)).toBe(ch.id);
    expect((inChannel.value as { trigger: string }).trigger).toBe('automatic');
  });
});

describe('builders + fake connector against a real teams-ai bot', () => {
  let connector: FakeConnector;
  let server: restify.Server;
  let botUrl: string;
  const handled: string[] = [];

  beforeAll(async () => {
    connector = await startFakeConnector();
    const adapter = new TeamsAdapter({});
    const app = new Application({ adapter, storage: new MemoryStorage(), startTypingTimer: false });
    app.message(/help/i, async (ctx) => {
      handled.push(`message:${ctx.activity.text}`);
      await ctx.sendActivity(
        MessageFactory.attachment(
          CardFactory.adaptiveCard({
            type: 'AdaptiveCard',
            version: '1.5',
            body: [{ type: 'TextBlock', text: 'Hulp nodig?' }],
            actions: [{ type: 'Action.Execute', title: 'Ja', verb: 'help.yes', data: { n: 1 } }],
          }),
        ),
      );
    });
    app.conversationUpdate('membersAdded', async (ctx) => {
      handled.push('membersAdded');
      const botAdded = ctx.activity.membersAdded?.some((m) => m.id === ctx.activity.recipient.id);
      if (botAdded) await ctx.sendActivity('Welkom bij Cadans');
    });
    app.activity('installationUpdate', async (ctx) => {
      handled.push(`installationUpdate:${ctx.activity.action}`);
    });
    app.adaptiveCards.actionExecute('help.yes', async (_ctx, _state, data: { n: number }) => {
      handled.push(`execute:${data.n}`);
      return 'Geregeld';
    });

    server = restify.createServer();
    server.use(restify.plugins.bodyParser());
    server.post('/api/messages', async (req, res) => {
      await adapter.process(req, res, async (ctx) => {
        await app.run(ctx);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.close();
    await connector?.close();
  });

  it('install, channel mention and card click flow end to end', async () => {
    const world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
    const alice = world.user({ name: 'Alice de Vries' });
    const team = world.team({ name: 'Bestuur', channels: ['Kwaliteit'] });

    const install = await postActivities(botUrl, world.personalInstall(alice));
    expect(install.map((r) => r.status)).toEqual([200, 200]);
    const [welcome] = await connector.waitForSent(1);
    expect(welcome?.conversationId).toBe(alice.personalConversationId);
    expect(connector.activityText(welcome)).toBe('Welkom bij Cadans');

    const since = connector.mark();
    const msg = world.channelMessage(alice, team.channel('Kwaliteit'), 'help');
    expect((await postActivity(botUrl, msg)).status).toBe(200);
    const [cardRecord] = await connector.waitForSent(1, { since });
    expect(cardRecord).toMatchObject({ operation: 'replyToActivity', replyToId: msg.id, conversationId: msg.conversation.id });
    expect(connector.cardOf(cardRecord).actions[0].verb).toBe('help.yes');

    const click = world.actionExecute(alice, team.channel('Kwaliteit'), 'help.yes', { n: 1 }, {
      replyToId: cardRecord?.activityId as string,
      threadId: msg.id,
    });
    const res = await postActivity(botUrl, click);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Geregeld' });

    expect(handled).toEqual(['membersAdded', 'installationUpdate:add', 'message:help', 'execute:1']);
  });
});
