// What the author sees and can do once a survey is out: who did not get it and why, sending again to
// exactly those, cancelling (recipients' cards say so); and a named survey whose answers can be
// changed until the deadline. Real HTTP, teams-ai, PostgreSQL, outbox; Teams' connector is fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type ConnectorRecord, type FakeConnector } from '../support/fake-connector.js';
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
const questionCardsTo = (u: TeamsUser, since: number) =>
  connector.records.filter((r: ConnectorRecord) => r.seq > since && r.status < 300 && r.operation === 'sendToConversation' && r.conversationId === u.personalConversationId && text(r.body).includes('survey.answer'));

async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return res;
}

async function until(check: () => Promise<boolean> | boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A survey sent to the team: its public id and row id. */
async function sendSurvey(template: string, form: Record<string, unknown> = {}) {
  await act(karin, channel, 'survey.create', { v: 1, template });
  const row = (await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1')).rows[0]!;
  if (Object.keys(form).length) await act(karin, channel, 'survey.save', { v: 1, survey: row.public_id, ...form });
  const sent = await act(karin, channel, 'survey.send', { v: 1, survey: row.public_id });
  expect(text(card(sent))).toContain('Verstuurd naar');
  return { publicId: row.public_id, id: Number(row.id) };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  karin = world.user({ name: 'Karin Kwaliteit' });
  staff = ['Anna', 'Bram', 'Cor', 'Dewi', 'Eline', 'Femke'].map((n) => world.user({ name: `${n} de Boer` }));
  const team = world.team({ name: 'Team Onderwijs', channels: ['Kwaliteit'], members: [karin, ...staff] });
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

describe('after sending', () => {
  it('names who did not get the survey and why, and sends again to exactly those', async () => {
    const bram = staff[1]!;
    connector.blockConversation(bram.personalConversationId);
    const since = connector.mark();
    const s = await sendSurvey('werkdruk');
    for (const u of [karin, ...staff.filter((x) => x !== bram)]) await connector.waitFor((r) => questionCardsTo(u, since).includes(r), { since, timeoutMs: 15_000 });
    let status = '';
    await until(async () => {
      status = text(card(await act(karin, karin, 'survey.status', { v: 1, survey: s.publicId })));
      return status.includes('Bram de Boer');
    });
    expect(status).toContain('niet bereiken');
    expect(status).toContain('survey.resendFailed');

    connector.unblockConversation(bram.personalConversationId);
    const again = connector.mark();
    const resent = await act(karin, karin, 'survey.resendFailed', { v: 1, survey: s.publicId });
    expect(text(card(resent))).toContain('Opnieuw verstuurd naar 1 persoon');
    await connector.waitFor((r) => questionCardsTo(bram, again).includes(r), { since: again, timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 500));
    for (const u of [karin, ...staff.filter((x) => x !== bram)]) expect(questionCardsTo(u, again)).toHaveLength(0);
    expect(questionCardsTo(bram, again)).toHaveLength(1);
  });

  it('cancels a running survey: the cards say so, and an answer afterwards is refused', async () => {
    const since = connector.mark();
    const s = await sendSurvey('tevredenheid');
    for (const u of staff) await connector.waitFor((r) => questionCardsTo(u, since).includes(r), { since, timeoutMs: 15_000 });
    await until(async () => (await cadans.db.query("select count(*)::int as n from survey_deliveries where survey_id = $1 and card_activity_id is not null", [s.id])).rows[0].n === 7);
    await act(staff[0]!, staff[0]!, 'survey.answer', { v: 1, survey: s.publicId, a_q1: '4', a_q2: '4', a_q3: '3', a_q4: '8' });
    const cancelled = await act(karin, karin, 'survey.cancel', { v: 1, survey: s.publicId });
    expect(text(card(cancelled))).toContain('geannuleerd');
    const updates = () => connector.records.filter((r) => r.seq > since && r.operation === 'updateActivity' && r.status < 300 && text(r.body).includes('heeft deze peiling geannuleerd'));
    await until(() => updates().length >= 6);
    expect((await cadans.db.query('select count(*)::int as n from survey_sealed where survey_id = $1', [s.id])).rows[0].n).toBe(0);
    const late = await act(staff[2]!, staff[2]!, 'survey.answer', { v: 1, survey: s.publicId, a_q1: '4', a_q2: '4', a_q3: '3', a_q4: '8' });
    expect(text(card(late))).toContain('geannuleerd');
  });

  it('keeps a named answer with the person, and lets them change it until the deadline', async () => {
    const s = await sendSurvey('werkdruk', { anonymous: 'false', deadlineDate: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10), deadlineTime: '17:00', audience: 'team', minGroupSize: '5', reminders: '', title: 'Werkdruk met naam' });
    const dewi = staff[3]!;
    const first = await act(dewi, dewi, 'survey.answer', { v: 1, survey: s.publicId, a_q1: '2', a_q2: '3', a_q3: '4', a_q4: 'a', a_q5: 'Minder vergaderen' });
    expect(text(card(first))).toContain('Antwoorden wijzigen');
    const form = text(card(await act(dewi, dewi, 'survey.change', { v: 1, survey: s.publicId })));
    expect(form).toContain('Minder vergaderen'); // the given answers, to change
    expect(form).toContain('niet anoniem');
    await act(dewi, dewi, 'survey.answer', { v: 1, survey: s.publicId, a_q1: '5', a_q2: '3', a_q3: '4', a_q4: 'a', a_q5: '' });
    const row = await cadans.db.query<{ answers: Record<string, unknown> }>('select answers from survey_deliveries where survey_id = $1 and aad_object_id = $2', [s.id, dewi.aadObjectId]);
    expect(row.rows[0]!.answers).toEqual({ q1: 5, q2: 3, q3: 4, q4: ['a'] });
    expect((await cadans.db.query('select count(*)::int as n from survey_sealed where survey_id = $1', [s.id])).rows[0].n).toBe(0);
  });

  it('sends to a pasted list of addresses, matched on the team, and names the ones nobody matched', async () => {
    await act(karin, channel, 'survey.create', { v: 1, template: 'werkdruk' });
    const row = (await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1')).rows[0]!;
    const deadlineDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const form = { v: 1, survey: row.public_id, title: 'Werkdruk bovenbouw', audience: 'list', anonymous: 'true', minGroupSize: '3', deadlineDate, deadlineTime: '17:00' };
    const pasted = ['E-mailadres', staff[0]!.email.toUpperCase(), `${staff[1]!.email};${staff[2]!.email}`, 'onbekend@elders.nl', 'geen-adres'].join('\n');
    const bad = text(card(await act(karin, channel, 'survey.save', { ...form, emails: pasted })));
    expect(bad).toContain('Dit zijn geen e-mailadressen: geen-adres');
    expect(bad).toContain('geen-adres'); // what was typed is kept
    const review = text(card(await act(karin, channel, 'survey.review', { ...form, emails: pasted.replace('geen-adres', '') })));
    expect(review).toContain('Versturen naar 3 mensen');
    expect(review).toContain('Niet gevonden: onbekend@elders.nl');
    const since = connector.mark();
    await act(karin, channel, 'survey.send', { v: 1, survey: row.public_id });
    for (const u of staff.slice(0, 3)) await connector.waitFor((r) => questionCardsTo(u, since).includes(r), { since, timeoutMs: 15_000 });
    const deliveries = await cadans.db.query<{ aad_object_id: string }>('select aad_object_id from survey_deliveries where survey_id = $1 order by aad_object_id', [Number(row.id)]);
    expect(deliveries.rows.map((r) => r.aad_object_id)).toEqual(staff.slice(0, 3).map((u) => u.aadObjectId).sort());
  });
});
