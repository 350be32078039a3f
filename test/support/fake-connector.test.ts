import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory, TeamsInfo, TurnContext } from 'botbuilder';
import { ConnectorClient, MicrosoftAppCredentials } from 'botframework-connector';
import {
  TEAMS_MAX_MESSAGE_BYTES,
  activityText,
  cardOf,
  startFakeConnector,
  type FakeConnector,
  type FakeConnectorOptions,
} from './fake-connector.js';
import { createTeamsWorld, type TeamsWorld } from './teams-activities.js';

const CHANNEL_THREAD = '19:0b7f32667e064dd9b25d7969801541f4@thread.tacv2;messageid=1481567603816';

function clientFor(baseUri: string): ConnectorClient {
  return new ConnectorClient(MicrosoftAppCredentials.Empty, { baseUri });
}

async function post(fc: FakeConnector, conversationId: string, activity: object, activityId?: string): Promise<Response> {
  const path = `v3/conversations/${encodeURIComponent(conversationId)}/activities${activityId ? `/${encodeURIComponent(activityId)}` : ''}`;
  return fetch(`${fc.serviceUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
}

function card(text: string, extra: object[] = []): object {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text, wrap: true }, ...extra],
    actions: [{ type: 'Action.Execute', title: 'Akkoord', verb: 'approve', data: { id: 1 } }],
  };
}

describe('fake connector', () => {
  let fc: FakeConnector;
  let world: TeamsWorld;

  async function start(options: FakeConnectorOptions = {}): Promise<void> {
    fc = await startFakeConnector(options);
    world = createTeamsWorld({ serviceUrl: fc.serviceUrl });
  }

  beforeEach(async () => {
    await start();
  });
  afterEach(async () => {
    await fc.close();
  });

  it('exposes a Teams-like serviceUrl with a region segment', () => {
    expect(fc.serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/amer\/$/);
    expect(fc.baseUrl).toBe(fc.serviceUrl.replace(/\/amer\/$/, ''));
  });

  it('records a send with a fresh id and the decoded conversation id (ConnectorClient, with and without trailing slash)', async () => {
    for (const baseUri of [fc.serviceUrl, fc.serviceUrl.replace(/\/$/, '')]) {
      const res = await clientFor(baseUri).conversations.sendToConversation(CHANNEL_THREAD, {
        type: 'message',
        text: 'Hallo team',
      } as never);
      expect(res.id).toMatch(/^\d{13}$/);
    }
    const sent = fc.sent();
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      operation: 'sendToConversation',
      conversationId: CHANNEL_THREAD,
      status: 201,
      hasAuthorization: false,
    });
    expect(sent[0]?.path).toMatch(/^\/amer\/v3\/conversations\/19%3A.*%3Bmessageid%3D1481567603816\/activities$/);
    expect(sent[0]?.activityId).not.toBe(sent[1]?.activityId);
    expect(sent[0]?.response).toEqual({ id: sent[0]?.activityId });
    expect(fc.activityText(sent[0])).toBe('Hallo team');
  });

  it('accepts replies on /activities/{id} and records what was replied to', async () => {
    const res = await post(fc, 'a:1abc', { type: 'message', text: 'antwoord' }, '1481567603816');
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string };
    const [r] = fc.sent('a:1abc');
    expect(r).toMatchObject({ operation: 'replyToActivity', replyToId: '1481567603816', activityId: body.id });
  });

  it('records whether an Authorization header was present without requiring one', async () => {
    await fetch(`${fc.serviceUrl}v3/conversations/a%3A1x/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc' },
      body: JSON.stringify({ type: 'message', text: 'x' }),
    });
    expect(fc.records[0]).toMatchObject({ status: 201, hasAuthorization: true, authorization: 'Bearer abc' });
  });

  it('updates known activities, answers 404 for unknown ones, and tracks deletes', async () => {
    const client = clientFor(fc.serviceUrl);
    const { id } = await client.conversations.sendToConversation(CHANNEL_THREAD, { type: 'message', text: 'v1' } as never);
    await client.conversations.updateActivity(CHANNEL_THREAD, id, { id, type: 'message', text: 'v2' } as never);
    expect(fc.updates()).toHaveLength(1);
    expect(fc.messages(CHANNEL_THREAD).map((m) => [m.activityId, m.activity.text, m.updates])).toEqual([[id, 'v2', 1]]);

    await expect(
      client.conversations.updateActivity(CHANNEL_THREAD, '999', { id: '999', type: 'message', text: 'x' } as never),
    ).rejects.toMatchObject({ statusCode: 404, code: 'ActivityNotFound' });
    // Same id in another conversation is unknown there.
    await expect(
      client.conversations.updateActivity('a:1other', id, { id, type: 'message', text: 'x' } as never),
    ).rejects.toMatchObject({ statusCode: 404 });

    await client.conversations.deleteActivity(CHANNEL_THREAD, id);
    expect(fc.deletes()).toHaveLength(1);
    expect(fc.messages()).toEqual([]);
    await expect(
      client.conversations.updateActivity(CHANNEL_THREAD, id, { id, type: 'message', text: 'v3' } as never),
    ).rejects.toMatchObject({ statusCode: 404 });

    fc.registerActivity('a:1old', '1700000000000');
    await client.conversations.updateActivity('a:1old', '1700000000000', { type: 'message', text: 'later' } as never);
    expect(fc.activity('1700000000000')).toBeUndefined(); // registered ids are updatable but not "delivered" messages
    expect(fc.updates('a:1old')).toHaveLength(1);
  });

  it('pages members like Teams (page size clamped to 50..500, opaque continuation token)', async () => {
    const teamId = '19:aaaa@thread.tacv2';
    const members = Array.from({ length: 120 }, (_, i) => ({
      name: `Docent ${i + 1}`,
      aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    }));
    fc.setMembers(teamId, members);
    const client = clientFor(fc.serviceUrl);

    const pages: number[] = [];
    let token: string | undefined;
    const seen: string[] = [];
    do {
      const options = { pageSize: 10, ...(token ? { continuationToken: token } : {}) }; // Teams treats < 50 as 50
      const page = await client.conversations.getConversationPagedMembers(teamId, options as never);
      pages.push(page.members.length);
      seen.push(...page.members.map((m) => m.name));
      token = page.continuationToken;
    } while (token);
    expect(pages).toEqual([50, 50, 20]);
    expect(new Set(seen).size).toBe(120);
    expect(fc.records[0]?.query).toEqual({ pageSize: '10' });

    const first = (await client.conversations.getConversationPagedMembers(teamId, { pageSize: 1000 } as never)).members;
    expect(first).toHaveLength(120);
    expect(first[0]).toMatchObject({
      id: expect.stringMatching(/^29:/),
      name: 'Docent 1',
      aadObjectId: '00000000-0000-4000-8000-000000000000',
      objectId: '00000000-0000-4000-8000-000000000000',
      userRole: 'user',
    });

    const bad = await fetch(`${fc.serviceUrl}v3/conversations/${encodeURIComponent(teamId)}/pagedmembers?continuationToken=nonsense`);
    expect(bad.status).toBe(400);
  });

  it('serves rosters, single members, team details and channels to TeamsInfo through CloudAdapter', async () => {
    const alice = world.user({ name: 'Alice de Vries' });
    const bob = world.user({ name: 'Bob Jansen' });
    const team = world.team({ name: 'Bestuur', channels: ['Kwaliteit'] });
    fc.addTeam(team.id, { ...team.connectorInfo, members: [alice.rosterEntry, bob.rosterEntry] });

    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const inbound = world.channelMessage(alice, team.channel('Kwaliteit'), 'help');
    const reference = TurnContext.getConversationReference(inbound as never);
    const seen: Record<string, unknown> = {};
    await adapter.continueConversationAsync('', reference as never, async (ctx) => {
      seen.paged = await TeamsInfo.getPagedMembers(ctx, 100);
      seen.member = await TeamsInfo.getMember(ctx, bob.aadObjectId); // Teams also accepts the AAD object id
      seen.details = await TeamsInfo.getTeamDetails(ctx, team.id);
      seen.channels = await TeamsInfo.getTeamChannels(ctx, team.id);
      await expect(TeamsInfo.getMember(ctx, '29:nobody')).rejects.toMatchObject({
        statusCode: 404,
        code: 'MemberNotFoundInConversation',
      });
    });
    expect((seen.paged as { members: unknown[] }).members).toHaveLength(2);
    expect(seen.member).toMatchObject({ id: bob.id, name: 'Bob Jansen', email: bob.email, userPrincipalName: bob.userPrincipalName });
    expect(seen.details).toMatchObject({ id: team.id, name: 'Bestuur', aadGroupId: team.aadGroupId, channelCount: 2, memberCount: 2 });
    expect(seen.channels).toEqual([
      { id: team.id, name: null },
      { id: team.channel('Kwaliteit').id, name: 'Kwaliteit' },
    ]);
    // Roster lookup for a channel thread resolves to the team roster (Teams does the same).
    expect(fc.records.find((r) => r.operation === 'getConversationPagedMembers')?.conversationId).toContain(';messageid=');

    const unknown = await fetch(`${fc.serviceUrl}v3/conversations/${encodeURIComponent('19:none@thread.v2')}/members`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('setMembers');
  });

  it('creates conversations: 1:1 returns the same id every time, channel posts get a thread id', async () => {
    const alice = world.user({ name: 'Alice' });
    fc.setMembers('19:team@thread.tacv2', [alice.rosterEntry]);
    const client = clientFor(fc.serviceUrl);
    const params = { isGroup: false, bot: world.bot, members: [{ id: alice.id }], tenantId: world.tenantId };
    const a = await client.conversations.createConversation(params as never);
    const b = await client.conversations.createConversation({ ...params, members: [{ id: alice.aadObjectId }] } as never);
    expect(a.id).toBe(alice.personalConversationId);
    expect(b.id).toBe(a.id);
    expect(a.activityId).toBeUndefined();

    const withMessage = await client.conversations.createConversation({
      ...params,
      activity: { type: 'message', text: 'Welkom' },
    } as never);
    expect(withMessage.activityId).toMatch(/^\d{13}$/);
    expect(fc.messages(alice.personalConversationId).map((m) => m.activity.text)).toEqual(['Welkom']);

    const channel = await client.conversations.createConversation({
      isGroup: true,
      channelData: { channel: { id: '19:chan@thread.tacv2' } },
      activity: { type: 'message', text: 'Nieuwe draad' },
    } as never);
    expect(channel.id).toBe(`19:chan@thread.tacv2;messageid=${channel.activityId}`);
    expect(fc.created()).toHaveLength(4);
    expect(fc.created()[3]?.conversationId).toBe(channel.id);

    await expect(client.conversations.createConversation({ ...params, tenantId: undefined } as never)).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(
      client.conversations.createConversation({ isGroup: true, bot: world.bot, members: [{ id: alice.id }], tenantId: world.tenantId } as never),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('proactive 1:1 through CloudAdapter.createConversationAsync lands in the user\'s personal conversation', async () => {
    const alice = world.user({ name: 'Alice' });
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    await adapter.createConversationAsync(
      '',
      'msteams',
      fc.serviceUrl,
      '',
      { isGroup: false, bot: world.bot, members: [{ id: alice.id }], tenantId: world.tenantId } as never,
      async (ctx) => {
        await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card('Nieuwe taak'))));
      },
    );
    const [msg] = fc.messages(alice.personalConversationId);
    expect(cardOf(msg)).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(activityText(msg)).toBe('Nieuwe taak\nAkkoord');
  });

  describe('rate limits', () => {
    it('answers 429 on the 8th send within a second to one conversation; other conversations are unaffected', async () => {
      await fc.close();
      await start({ enforceRateLimits: true });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await post(fc, CHANNEL_THREAD, { type: 'message', text: `m${i}` })).status);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 429]);
      const rejected = fc.records.at(-1);
      expect(rejected).toMatchObject({ status: 429, rateLimited: true, response: { error: { code: 'Throttled' } } });
      expect(rejected?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(fc.rateLimitViolations).toBe(1);

      // A different thread in another channel and a personal chat still work.
      expect((await post(fc, '19:other@thread.tacv2;messageid=1', { type: 'message', text: 'x' })).status).toBe(201);
      expect((await post(fc, 'a:1someone', { type: 'message', text: 'x' })).status).toBe(201);
      // Another thread in the same channel shares the channel's budget.
      expect((await post(fc, '19:0b7f32667e064dd9b25d7969801541f4@thread.tacv2;messageid=2', { type: 'message', text: 'x' })).status).toBe(429);
    });

    it('applies the 1 s / 2 s / 30 s windows and counts updates (virtual clock)', async () => {
      await fc.close();
      let t = 1_000_000;
      await start({ enforceRateLimits: true, now: () => t });
      const send = async (): Promise<number> => (await post(fc, 'a:1x', { type: 'message', text: 'x' })).status;

      for (let i = 0; i < 7; i++) expect(await send()).toBe(201);
      expect(await send()).toBe(429); // 7 per 1 s
      t += 1000;
      expect(await send()).toBe(201); // 8th within 2 s
      expect(await send()).toBe(429); // 8 per 2 s
      t += 1000; // first 7 are now 2 s old

      // 60 per 30 s: spread sends so the short windows never trip.
      let accepted = 8;
      while (accepted < 60) {
        t += 300;
        expect(await send()).toBe(201);
        accepted++;
      }
      t += 1000;
      expect(await send()).toBe(429);
      expect(fc.records.at(-1)?.retryAfterSeconds).toBeGreaterThan(1);

      // Updates draw from the same budget.
      t += 31_000;
      const [first] = fc.sent();
      for (let i = 0; i < 7; i++) {
        const res = await fetch(`${fc.serviceUrl}v3/conversations/a%3A1x/activities/${first?.activityId}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text: `u${i}` }),
        });
        expect(res.status).toBe(200);
      }
      expect(await send()).toBe(429);
    });

    it('can leave out Retry-After, which makes botbuilder throw at once', async () => {
      await fc.close();
      await start({ enforceRateLimits: true, rateLimitRetryAfter: 'none' });
      const client = clientFor(fc.serviceUrl);
      for (let i = 0; i < 7; i++) await client.conversations.sendToConversation('a:1y', { type: 'message', text: 'x' } as never);
      await expect(client.conversations.sendToConversation('a:1y', { type: 'message', text: 'x' } as never)).rejects.toMatchObject({
        statusCode: 429,
      });
      expect(fc.records.at(-1)?.retryAfterSeconds).toBeUndefined();
      expect(fc.rateLimitViolations).toBe(1);
    });

    it('limits roster reads to 14 per second per conversation', async () => {
      await fc.close();
      await start({ enforceRateLimits: true });
      fc.setMembers('a:1z', [{ name: 'Z' }]);
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) statuses.push((await fetch(`${fc.serviceUrl}v3/conversations/a%3A1z/members`)).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(14);
      expect(statuses.at(-1)).toBe(429);
    });

    it('applies an app-wide per-second ceiling across conversations', async () => {
      await fc.close();
      await start({ tenantLimitPerSecond: 3 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(fc, `a:1user${i}`, { type: 'message', text: 'x' })).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      expect(fc.rateLimitViolations).toBe(1);
    });

    it('enforces the per-thread limits by default, on replies and card updates too', async () => {
      const statuses: number[] = [];
      const first = (await (await post(fc, 'a:1standaard', { type: 'message', text: 'kaart' })).json()) as { id: string };
      for (let i = 0; i < 3; i++) statuses.push((await post(fc, 'a:1standaard', { type: 'message', text: `antwoord ${i}` }, 'in-turn')).status);
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${fc.serviceUrl}v3/conversations/a%3A1standaard/activities/${first.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: `bijgewerkt ${i}` }) });
        statuses.push(res.status);
      }
      // 1 send + 3 replies + 3 updates = 7 in this second; the 4th update is the 8th request.
      expect(statuses).toEqual([201, 201, 201, 200, 200, 200, 429]);
    });

    it('keeps a budget of 50 requests per second per tenant by default, each tenant its own', async () => {
      const statuses = (tenant: string) =>
        Promise.all(Array.from({ length: 51 }, (_, i) => post(fc, `a:1${tenant}${i}`, { type: 'message', text: 'x', channelData: { tenant: { id: tenant } } }).then((r) => r.status)));
      const a = await statuses('tenant-a');
      const b = await statuses('tenant-b');
      expect(a.filter((x) => x === 429)).toHaveLength(1);
      expect(b.filter((x) => x === 429)).toHaveLength(1);
    });

    it('applies no limit when a test turns them off explicitly', async () => {
      await fc.close();
      await start({ enforceRateLimits: false, tenantLimitPerSecond: false });
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await post(fc, 'a:1vrij', { type: 'message', text: `m${i}` })).status);
      expect(statuses.every((x) => x === 201)).toBe(true);
    });
  });

  it('holds a matching request unanswered until it is released', async () => {
    const hold = fc.hold((r) => r.operation === 'sendToConversation' && r.conversationId === 'a:1wacht');
    let answered = false;
    const res = post(fc, 'a:1wacht', { type: 'message', text: 'vastgehouden' }).then((r) => {
      answered = true;
      return r;
    });
    const held = await hold.arrived;
    expect(held.body).toMatchObject({ text: 'vastgehouden' });
    expect((await post(fc, 'a:1anders', { type: 'message', text: 'gaat door' })).status).toBe(201);
    expect(answered).toBe(false);
    hold.release();
    expect((await res).status).toBe(201);
  });

  it('failNext injects a failure once, then recovers', async () => {
    fc.failNext({ method: 'POST', pathIncludes: '/activities', status: 429, retryAfterSeconds: 2 });
    const first = await post(fc, 'a:1f', { type: 'message', text: 'x' });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(await first.json()).toEqual({ error: { code: 'Throttled', message: 'Too many requests.' } });
    expect((await post(fc, 'a:1f', { type: 'message', text: 'x' })).status).toBe(201);
    expect(fc.records.map((r) => [r.status, r.injected ?? false])).toEqual([
      [429, true],
      [201, false],
    ]);
    expect(fc.rateLimitViolations).toBe(0);
  });

  it('failNext matches by operation/conversation and honours times', async () => {
    fc.failNext({ operation: 'updateActivity', status: 412, times: 2 });
    fc.failNext({ conversationId: '19:c@thread.tacv2', status: 503 });
    expect((await post(fc, 'a:1g', { type: 'message', text: 'x' })).status).toBe(201);
    expect((await post(fc, '19:c@thread.tacv2;messageid=5', { type: 'message', text: 'x' })).status).toBe(503);
    const id = fc.sent()[0]?.activityId as string;
    const put = (): Promise<Response> =>
      fetch(`${fc.serviceUrl}v3/conversations/a%3A1g/activities/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"type":"message","text":"y"}',
      });
    expect((await put()).status).toBe(412);
    expect((await put()).status).toBe(412);
    expect((await put()).status).toBe(200);
  });

  it('answers 403 for blocked conversations (app uninstalled / bot blocked)', async () => {
    fc.blockConversation('a:1gone');
    const res = await post(fc, 'a:1gone', { type: 'message', text: 'x' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BotNotInConversationRoster');
    fc.unblockConversation('a:1gone');
    expect((await post(fc, 'a:1gone', { type: 'message', text: 'x' })).status).toBe(201);
  });

  it('answers 413 MessageSizeTooBig for messages over 100 KB (UTF-16), ignoring base64 images', async () => {
    const client = clientFor(fc.serviceUrl);
    const big = 'x'.repeat(TEAMS_MAX_MESSAGE_BYTES / 2); // 2 bytes per UTF-16 code unit: just over with the envelope
    await expect(
      client.conversations.sendToConversation('a:1s', MessageFactory.attachment(CardFactory.adaptiveCard(card(big))) as never),
    ).rejects.toMatchObject({ statusCode: 413, code: 'MessageSizeTooBig' });

    const fits = 'x'.repeat(40_000);
    await client.conversations.sendToConversation('a:1s', MessageFactory.attachment(CardFactory.adaptiveCard(card(fits))) as never);

    const image = `data:image/png;base64,${'A'.repeat(200_000)}`;
    await client.conversations.sendToConversation(
      'a:1s',
      MessageFactory.attachment(CardFactory.adaptiveCard(card('met plaatje', [{ type: 'Image', url: image }]))) as never,
    );
    expect(fc.records.map((r) => r.status)).toEqual([413, 201, 201]);
  });

  it('waitFor resolves when a matching request arrives later', async () => {
    const since = fc.mark();
    const waiting = fc.waitFor((r) => r.operation === 'sendToConversation' && fc.activityText(r).includes('later'), {
      since,
      timeoutMs: 1000,
    });
    setTimeout(() => void post(fc, 'a:1w', { type: 'message', text: 'later' }), 20);
    const record = await waiting;
    expect(record).toMatchObject({ conversationId: 'a:1w', status: 201 });

    const two = fc.waitForSent(2, { since: fc.mark(), timeoutMs: 1000 });
    void post(fc, 'a:1w', { type: 'message', text: 'one' });
    void post(fc, 'a:1w', { type: 'message', text: 'two' });
    expect((await two).map((r) => fc.activityText(r)).sort()).toEqual(['one', 'two']);
  });

  it('waitFor rejects on timeout with a listing of what was received', async () => {
    await post(fc, 'a:1w', { type: 'message', text: 'iets anders' });
    const error = await fc
      .waitFor((r) => fc.activityText(r) === 'nooit', { timeoutMs: 50, description: 'the reminder card' })
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('waiting for the reminder card');
    expect((error as Error).message).toContain('received 1 request(s)');
    expect((error as Error).message).toContain('sendToConversation conv=a:1w -> 201');
    expect((error as Error).message).toContain('"iets anders"');
  });

  it('delays answers with latencyMs', async () => {
    await fc.close();
    await start({ latencyMs: 80 });
    const t0 = Date.now();
    await post(fc, 'a:1l', { type: 'message', text: 'x' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
  });

  it('extracts card text and content', () => {
    const activity = MessageFactory.attachment(
      CardFactory.adaptiveCard(
        card('Plan', [
          { type: 'FactSet', facts: [{ title: 'Fase', value: 'Do' }] },
          { type: 'ColumnSet', columns: [{ type: 'Column', items: [{ type: 'TextBlock', text: 'Links' }] }] },
          { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Rijk' }, 'kaal'] },
          { type: 'Input.Text', id: 'note', label: 'Opmerking' },
        ]),
      ),
    );
    activity.text = 'Zie kaart';
    expect(activityText(activity)).toBe('Zie kaart\nPlan\nFase Do\nLinks\nRijk\nkaal\nOpmerking\nAkkoord');
    expect(cardOf(activity).actions[0].verb).toBe('approve');
    expect(cardOf({ type: 'message', text: 'geen kaart' })).toBeUndefined();
  });

  it('unknown endpoints answer 404 NotImplemented and are recorded', async () => {
    const res = await fetch(`${fc.serviceUrl}v1/meetings/abc`);
    expect(res.status).toBe(404);
    expect(fc.records[0]).toMatchObject({ operation: 'unknown', status: 404 });
  });

  it('reset clears records, faults and limits but keeps rosters unless { all: true }', async () => {
    fc.setMembers('a:1r', [{ name: 'R' }]);
    await post(fc, 'a:1r', { type: 'message', text: 'x' });
    fc.failNext({ status: 500 });
    fc.reset();
    expect(fc.records).toHaveLength(0);
    expect(fc.messages()).toHaveLength(0);
    expect((await fetch(`${fc.serviceUrl}v3/conversations/a%3A1r/members`)).status).toBe(200);
    fc.reset({ all: true });
    expect((await fetch(`${fc.serviceUrl}v3/conversations/a%3A1r/members`)).status).toBe(404);
  });
});
