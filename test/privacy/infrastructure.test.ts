// The infrastructure's holders (docs/privacy.md): the outbox, the Teams conversation references and
// pg-boss's jobs. A person's export shows their 1:1 chat and the messages to them; their erase leaves
// no trace of their id, Teams id, name or email there: what was addressed to them is gone (a queued
// 1:1 message is never sent), a queued channel message that named them still goes out with
// "verwijderde gebruiker" in their place, finished ones that named them are gone, and everyone
// else's rows are as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/pool.js';
import type { ErasedPerson, PersonalDataHolder } from '../../src/privacy/ports.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivities, postActivity, type TeamsTeam, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

const QUEUE = 'privacy-erase-test';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let pieter: TeamsUser;
let quinten: TeamsUser;
let team: TeamsTeam;
let holders: PersonalDataHolder[];

const holder = (section: string) => cadans.privacy.holders.find((h) => h.section === section)!;
const text = (activityText: string) => ({ type: 'message' as const, text: activityText });

/** Every row of the infrastructure's tables, as text (lower case), for a scan. */
async function infrastructureRows(): Promise<string[]> {
  const out: string[] = [];
  for (const sql of [
    'select t::text as row from outbox_messages t',
    'select t::text as row from outbox_send_log t',
    'select t::text as row from conversation_refs t',
    'select t::text as row from pgboss.job t',
    'select t::text as row from pgboss.archive t',
    'select t::text as row from pgboss.schedule t',
  ]) {
    out.push(...(await cadans.db.query<{ row: string }>(sql)).rows.map((r) => r.row.toLowerCase()));
  }
  return out;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  await cadans.jobs.boss.createQueue(QUEUE);
  pieter = world.user({ name: 'Pieter Bakker', email: 'pieter.bakker@school.example' });
  quinten = world.user({ name: 'Quinten Vos', email: 'quinten.vos@school.example' });
  team = world.team({ name: 'Bestuur', channels: ['Kwaliteit'], members: [pieter, quinten] });
  await postActivities(cadans.url, world.personalInstall(pieter));
  await postActivities(cadans.url, world.personalInstall(quinten));
  await postActivities(cadans.url, world.teamInstall(quinten, team));
  // Pieter speaks last in the channel: its reference remembers him (Teams' `user`).
  await postActivity(cadans.url, world.channelMessage(pieter, team.channel('Kwaliteit'), 'hulp'));
  holders = ['outbox', 'teams', 'jobs'].map(holder);
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe("the infrastructure's part of a person's export and erase", () => {
  const general = () => team.general.id;

  it('sends what the erase must deal with: a 1:1 message to him, channel posts naming him and a colleague', async () => {
    const before = connector.mark();
    await cadans.outbox.enqueue({ op: 'createPersonal', tenantId: world.tenantId, serviceUrl: connector.serviceUrl, userId: pieter.id, botId: world.botId, idempotencyKey: `test:welcome:${pieter.aadObjectId}`, activity: text('Welkom, Pieter Bakker') });
    await cadans.outbox.enqueue({ op: 'send', tenantId: world.tenantId, serviceUrl: connector.serviceUrl, conversationId: general(), idempotencyKey: 'test:post:1', activity: text('Stap 3 is gedaan door Pieter Bakker (pieter.bakker@school.example)') });
    await cadans.outbox.enqueue({ op: 'send', tenantId: world.tenantId, serviceUrl: connector.serviceUrl, conversationId: general(), idempotencyKey: 'test:post:2', activity: text('Stap 4 is gedaan door Quinten Vos') });
    await connector.waitFor((r) => r.operation === 'createConversation' && r.status < 300, { since: before, timeoutMs: 15_000 });
    await connector.waitForSent(2, { since: before, conversationId: general(), timeoutMs: 15_000 });
    await cadans.jobs.boss.send(QUEUE, { mail: { to: [pieter.email], subject: 'Agenda' } });
    const done = await cadans.jobs.boss.send(QUEUE, { mail: { to: [pieter.email, quinten.email], subject: 'Verslag' } });
    await cadans.db.query("update pgboss.job set state = 'completed', completed_on = now() where id = $1", [done]);
  });

  it('exports his 1:1 chat, the messages to him and about him, and jobs that name him', async () => {
    const [outbox, teams, jobs] = await inTransaction(cadans.db, (tx) => Promise.all(holders.map((h) => h.exportPerson(tx, world.tenantId, pieter.aadObjectId))));
    expect((teams!.personalChat as { key: string }[]).map((r) => r.key)).toEqual([pieter.aadObjectId]);
    expect((teams!.lastSeenIn as { scope: string }[]).map((r) => r.scope)).toContain('channel');
    expect(JSON.stringify(outbox!.messagesToYou)).toContain('Welkom, Pieter Bakker');
    expect(JSON.stringify(outbox!.messagesAboutYou)).not.toContain('Quinten Vos');
    expect((jobs!.jobs as unknown[]).length).toBe(0); // jobs name him by email; the export looks for his ids
    const own = await holder('outbox').exportPerson(cadans.db, world.tenantId, quinten.aadObjectId);
    expect(JSON.stringify(own)).not.toContain('Pieter Bakker');
  });

  it('erases him: nothing of his id, Teams id, name or email is left; queued posts naming him still go out, his queued 1:1 messages never', async () => {
    const quintenBefore = await cadans.db.query("select t::text as row from conversation_refs t where scope = 'personal' and key = $1", [quinten.aadObjectId]);
    const person: ErasedPerson = {
      tenantId: world.tenantId,
      aadObjectId: pieter.aadObjectId,
      teamsUserId: pieter.id,
      name: pieter.name,
      email: pieter.email,
      pseudonym: 'verwijderd-0123456789abcdef',
      label: 'verwijderde gebruiker',
    };
    const before = connector.mark();
    const counts = await inTransaction(cadans.db, async (tx) => {
      // Queued in the same moment as the erase: a 1:1 message to him (by Teams id and to his chat), and a channel post naming him.
      await cadans.outbox.enqueue({ op: 'createPersonal', tenantId: world.tenantId, serviceUrl: connector.serviceUrl, userId: pieter.id, botId: world.botId, activity: text('Herinnering voor Pieter Bakker') }, { client: tx });
      await cadans.outbox.enqueue({ op: 'send', tenantId: world.tenantId, serviceUrl: connector.serviceUrl, conversationId: pieter.personalConversationId, activity: text('Nog een bericht') }, { client: tx });
      await cadans.outbox.enqueue(
        { op: 'send', tenantId: world.tenantId, serviceUrl: connector.serviceUrl, conversationId: general(), idempotencyKey: `test:owner:${pieter.aadObjectId}`, activity: text('Actie van Pieter Bakker is verlopen') },
        { client: tx },
      );
      await cadans.jobs.boss.send(QUEUE, { lane: `user:${world.tenantId}:${pieter.id}`, note: 'Pieter Bakker' });
      const out: Record<string, number> = {};
      for (const h of holders) Object.assign(out, (await h.erasePerson(tx, person)).counts);
      return out;
    });
    expect(counts.conversation_refs).toBe(2); // his personal reference gone, the channel's (where he spoke last) rewritten
    expect(counts.outbox_messages).toBeGreaterThanOrEqual(5);

    // The queued post goes out with the label in his place; nothing goes to him.
    const [post] = await connector.waitForSent(1, { since: before, conversationId: general(), timeoutMs: 15_000 });
    expect(connector.activityText(post)).toBe('Actie van verwijderde gebruiker is verlopen');
    await cadans.outbox.enqueue({ op: 'send', tenantId: world.tenantId, serviceUrl: connector.serviceUrl, conversationId: general(), activity: text('daarna') });
    await connector.waitFor((r) => r.operation !== 'createConversation' && connector.activityText(r) === 'daarna', { since: before, timeoutMs: 15_000 });
    expect(connector.records.slice(before).filter((r) => r.conversationId === pieter.personalConversationId || r.operation === 'createConversation')).toEqual([]);

    // No trace left, in any row of these tables.
    const rows = await infrastructureRows();
    for (const needle of [pieter.aadObjectId, pieter.id, pieter.name, pieter.email]) {
      expect(rows.filter((r) => r.includes(needle.toLowerCase())), needle).toEqual([]);
    }
    expect(rows.some((r) => r.includes('verwijderd-0123456789abcdef'))).toBe(true);

    // Quinten's data is as it was: his reference, the post that named him, the job that mailed him (with Pieter's address gone).
    expect((await cadans.db.query("select t::text as row from conversation_refs t where scope = 'personal' and key = $1", [quinten.aadObjectId])).rows).toEqual(quintenBefore.rows);
    expect((await cadans.db.query("select status from outbox_messages where idempotency_key = 'test:post:2'")).rows).toEqual([{ status: 'sent' }]);
    expect(rows.some((r) => r.includes(quinten.email))).toBe(false); // the finished job that also named Pieter is gone, as finished
  });

  it('still works for him as a new person and for others', async () => {
    await postActivity(cadans.url, world.personalMessage(quinten, 'hulp'));
    expect(connector.sent(quinten.personalConversationId).length).toBeGreaterThanOrEqual(2);
  });
});
