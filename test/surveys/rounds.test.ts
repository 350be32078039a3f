// A repeating pulse survey: when a round closes, the next is planned with the same questions and
// people; it opens at its time, and its result card shows the change since the round before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let karin: TeamsUser;
let staff: TeamsUser[];
let channel: TeamsChannel;

const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;

async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return res;
}

async function until(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  karin = world.user({ name: 'Karin Kwaliteit' });
  staff = Array.from({ length: 6 }, (_, i) => world.user({ name: `Collega ${i + 1}` }));
  const team = world.team({ name: 'Team Onderwijs', channels: ['Kwaliteit'], members: staff });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [karin, ...staff]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, karin.aadObjectId]);
}, 60_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('a repeating survey', () => {
  it('plans the next round when one closes, opens it at its time, and compares the results', async () => {
    await act(karin, channel, 'survey.create', { v: 1, template: 'werkdruk' });
    const first = (await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1')).rows[0]!;
    const deadlineDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const form = { v: 1, survey: first.public_id, title: 'Werkdruk', audience: 'team', anonymous: 'true', minGroupSize: '5', deadlineDate, deadlineTime: '17:00', reminders: '', repeat: '2' };
    const review = text(card(await act(karin, channel, 'survey.review', form)));
    expect(review).toContain('elke 2 weken, met dezelfde vragen');
    await act(karin, channel, 'survey.send', { v: 1, survey: first.public_id });
    for (const [i, u] of staff.slice(0, 5).entries()) {
      await act(u, u, 'survey.answer', { v: 1, survey: first.public_id, a_q1: '2', a_q2: String(i % 2 ? 2 : 3), a_q3: '3', a_q4: 'a' });
    }
    const firstRow = (await cadans.db.query<{ opens_at: Date; deadline: Date }>('select opens_at, deadline from surveys where id = $1', [first.id])).rows[0]!;
    expect((await cadans.surveys.service.tick(new Date(firstRow.deadline.getTime() + 60_000))).closed).toBe(1);

    const next = (await cadans.db.query<{ id: string; public_id: string; status: string; round: number; opens_at: Date; deadline: Date; questions: unknown }>(
      "select id, public_id, status, round, opens_at, deadline, questions from surveys where series_id = (select series_id from surveys where id = $1) and round = 2",
      [first.id],
    )).rows[0]!;
    expect(next.status).toBe('scheduled');
    // Two weeks later at the same Amsterdam wall-clock time: 14 days, or an hour off across a clock change.
    expect(Math.abs(next.opens_at.getTime() - firstRow.opens_at.getTime() - 14 * 86_400_000)).toBeLessThanOrEqual(3_600_000);
    expect(next.deadline.getTime() - next.opens_at.getTime()).toBe(firstRow.deadline.getTime() - firstRow.opens_at.getTime());
    expect((await cadans.db.query('select count(*)::int as n from survey_deliveries where survey_id = $1', [next.id])).rows[0].n).toBe(6);
    // Closing again plans nothing twice.
    await cadans.surveys.service.close(Number(first.id));
    expect((await cadans.db.query("select count(*)::int as n from surveys where series_id = (select series_id from surveys where id = $1)", [first.id])).rows[0].n).toBe(2);

    // It opens at its time, and the cards go out.
    const since = connector.mark();
    expect((await cadans.surveys.service.tick(new Date(next.opens_at.getTime() + 60_000))).opened).toBe(1);
    await connector.waitFor((r) => r.seq > since && r.conversationId === staff[5]!.personalConversationId && text(r.body).includes('survey.answer'), { since, timeoutMs: 15_000 });
    for (const u of staff.slice(0, 5)) await act(u, u, 'survey.answer', { v: 1, survey: next.public_id, a_q1: '4', a_q2: '4', a_q3: '3', a_q4: 'a' });
    const closing = connector.mark();
    expect((await cadans.surveys.service.tick(new Date(next.deadline.getTime() + 60_000))).closed).toBe(1);
    const result = await connector.waitFor((r) => r.seq > closing && r.conversationId === channel.id && r.operation === 'sendToConversation' && r.status < 300, { since: closing, timeoutMs: 15_000 });
    const body = text(connector.cardOf(result));
    expect(body).toContain('ronde 2');
    expect(body).toContain('+2,0 ten opzichte van de vorige ronde (2,0)'); // q1: 2 → 4
    await until(async () => (await cadans.db.query("select count(*)::int as n from surveys where series_id = (select series_id from surveys where id = $1)", [first.id])).rows[0].n === 3);
  });
});
