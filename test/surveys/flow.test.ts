// A pulse survey from start to results, as Teams traffic through real HTTP, teams-ai, PostgreSQL,
// pg-boss and the outbox; only Teams' connector is fake (with Teams' rate limits).
// create → distribute to 30 members → 25 answer → reminders to the 5 others → deadline → result card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type ConnectorRecord, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let karin: TeamsUser;
let members: TeamsUser[];
let channel: TeamsChannel;
let surveyId: string;
let surveyDbId: number;
let schoolSmall: number;
let schoolLarge: number;

const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;
/** The 1:1 cards a person got (sends into their chat, or the first message of a chat created for them). */
const cardsTo = (u: TeamsUser, since = 0) =>
  connector.records.filter(
    (r: ConnectorRecord) =>
      r.seq > since &&
      r.status < 300 &&
      ((r.operation === 'createConversation' && text(r.body).includes(u.aadObjectId)) || (r.operation === 'sendToConversation' && r.conversationId === u.personalConversationId)) &&
      text(r.body).includes('survey.answer'),
  );

async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return res;
}

function answers(i: number) {
  // werkdruk: q1–q3 likert, q4 a single choice, q5 open (optional).
  return { a_q1: String((i % 5) + 1), a_q2: '4', a_q3: i % 2 === 0 ? '2' : '5', a_q4: 'b', a_q5: i % 3 === 0 ? `Meer tijd voor overleg (${i})` : '' };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  karin = world.user({ name: 'Karin Kwaliteit' });
  members = Array.from({ length: 29 }, (_, i) => world.user({ name: `Medewerker ${String(i + 1).padStart(2, '0')}` }));
  const team = world.team({ name: 'Team Onderwijs', channels: ['Kwaliteit'], members: [karin, ...members] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  // Karin first (the first person of a tenant becomes beheerder in local mode), then half the team:
  // they have a 1:1 chat with Cadans; the other half get one created.
  await postActivity(cadans.url, world.personalMessage(karin, 'hulp'));
  for (const m of members.slice(0, 15)) await postActivity(cadans.url, world.personalMessage(m, 'hulp'));
  const tenant = world.tenantId;
  const schools = await cadans.db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'De Kleine School'), ($1, 'De Grote School') returning id", [tenant]);
  schoolSmall = Number(schools.rows[0]!.id);
  schoolLarge = Number(schools.rows[1]!.id);
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [tenant, karin.aadObjectId]);
  // Four people of a small school (a segment below the minimum group size of 5), twenty of a large one.
  for (const [i, m] of members.entries()) {
    const school = i < 4 ? schoolSmall : i < 24 ? schoolLarge : null;
    if (school === null) continue;
    await cadans.db.query('insert into people (tenant_id, aad_object_id, name) values ($1, $2, $3) on conflict do nothing', [tenant, m.aadObjectId, m.name]);
    await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role, school_id) values ($1, $2, 'medewerker', $3)", [tenant, m.aadObjectId, school]);
  }
  // The schoolleiders of both schools (they answer too).
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role, school_id) values ($1, $2, 'directeur', $3), ($1, $4, 'directeur', $5)", [tenant, members[10]!.aadObjectId, schoolLarge, members[1]!.aadObjectId, schoolSmall]);
}, 60_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('a pulse survey from start to results', () => {
  it('starts a draft from a template, keeps what was typed when a save fails, and reviews it for the 30 members', async () => {
    const created = await act(karin, channel, 'survey.create', { v: 1, template: 'werkdruk' });
    expect(text(card(created))).toContain('Concept: Werkdruk');
    const row = await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1');
    surveyId = row.rows[0]!.public_id;
    surveyDbId = Number(row.rows[0]!.id);
    const deadline = new Date(Date.now() + 3 * 86_400_000);
    const deadlineDate = deadline.toISOString().slice(0, 10);
    const form = { v: 1, survey: surveyId, title: 'Werkdruk najaar', audience: 'team', anonymous: 'true', minGroupSize: '5', deadlineDate, deadlineTime: '23:00', reminders: '2', removed: '', opensDate: '' };

    const bad = await act(karin, channel, 'survey.save', { ...form, title: 'Werkdruk najaar', minGroupSize: '2' });
    expect(text(card(bad))).toContain('minimale groepsgrootte');
    expect(text(card(bad))).toContain('"value":"2"'); // kept as typed
    expect((await cadans.db.query('select min_group_size from surveys where id = $1', [surveyDbId])).rows[0].min_group_size).toBe(5);

    const review = await act(karin, channel, 'survey.review', form);
    const body = text(card(review));
    expect(body).toContain('Versturen naar 30 mensen');
    expect(body).toContain('Werkdruk najaar');
  });

  it('sends each member one 1:1 card, creating chats for those who had none, and gives Karin a delivery card', async () => {
    const since = connector.mark();
    const sent = await act(karin, channel, 'survey.send', { v: 1, survey: surveyId });
    expect(text(card(sent))).toContain('Verstuurd naar 30 mensen');
    for (const u of [karin, ...members]) await connector.waitFor((r) => cardsTo(u, since).includes(r), { since, timeoutMs: 30_000 });
    for (const u of [karin, ...members]) expect(cardsTo(u, since)).toHaveLength(1);
    // A chat is created for the 14 members who had none (Karin and 15 members wrote to Cadans before).
    const created = connector.records.filter((r) => r.seq > since && r.operation === 'createConversation' && r.status < 300);
    expect(created.length).toBeGreaterThanOrEqual(14);
    const delivery = await connector.waitFor((r) => r.seq > since && r.conversationId === karin.personalConversationId && r.status < 300 && text(r.body).includes('survey.status'), { since, timeoutMs: 10_000 });
    expect(text(connector.cardOf(delivery))).toContain('Aangekomen');
    const q = connector.cardOf(cardsTo(members[20]!, since)[0]!);
    expect(text(q)).toContain('Werkdruk najaar');
    expect(text(q)).toContain('anoniem');
    // Each delivery knows its card (recorded by the outbox right after Teams answered).
    const sentCards = async () => (await cadans.db.query("select count(*)::int as n from survey_deliveries where survey_id = $1 and status = 'sent' and card_activity_id is not null", [surveyDbId])).rows[0].n;
    const until = Date.now() + 10_000;
    while ((await sentCards()) < 30 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await sentCards()).toBe(30);
  });

  it('refuses an incomplete answer with the answers kept, then takes 25 answers once each', async () => {
    const incomplete = await act(members[0]!, members[0]!, 'survey.answer', { v: 1, survey: surveyId, a_q1: '4' });
    const b = text(card(incomplete));
    expect(b).toContain('verplicht');
    expect(b).toContain('"value":"4"');
    expect((await cadans.db.query('select count(*)::int as n from survey_sealed where survey_id = $1', [surveyDbId])).rows[0].n).toBe(0);

    const answering = members.slice(0, 25);
    const results = await Promise.all(answering.map((m, i) => act(m, m, 'survey.answer', { v: 1, survey: surveyId, ...answers(i) })));
    for (const r of results) {
      const t = text(card(r));
      expect(t).toContain('Bedankt voor het invullen');
      expect(t).not.toContain('Meer tijd voor overleg'); // the thank-you card does not repeat the answers
    }
    // A second click and a replay change nothing.
    const again = await act(members[3]!, members[3]!, 'survey.answer', { v: 1, survey: surveyId, ...answers(3) });
    expect(text(card(again))).toContain('al ingevuld');
    const counts = await cadans.db.query(
      'select (select count(*)::int from survey_sealed where survey_id = $1) as sealed, (select count(*)::int from survey_deliveries where survey_id = $1 and answered_at is not null) as answered',
      [surveyDbId],
    );
    expect(counts.rows[0]).toEqual({ sealed: 25, answered: 25 });
  });

  it('refuses an answer from someone it was not sent to, and changes nothing', async () => {
    const outsider = world.user({ name: 'Otto Buiten' });
    await postActivity(cadans.url, world.personalMessage(outsider, 'hulp'));
    const res = await act(outsider, outsider, 'survey.answer', { v: 1, survey: surveyId, ...answers(1) });
    expect(text(card(res))).toContain('Daar heb je de rol niet voor');
    expect((await cadans.db.query('select count(*)::int as n from survey_sealed where survey_id = $1', [surveyDbId])).rows[0].n).toBe(25);
  });

  it('reminds exactly the 5 who have not answered, once', async () => {
    const since = connector.mark();
    const deadline = (await cadans.db.query<{ deadline: Date }>('select deadline from surveys where id = $1', [surveyDbId])).rows[0]!.deadline;
    const dayBefore = new Date(deadline.getTime() - 1.5 * 86_400_000);
    expect((await cadans.surveys.service.tick(dayBefore)).reminded).toBe(1);
    expect((await cadans.surveys.service.tick(dayBefore)).reminded).toBe(0);
    const waiting = [karin, ...members.slice(25)];
    for (const u of waiting) await connector.waitFor((r) => cardsTo(u, since).includes(r), { since, timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 500));
    for (const u of waiting) expect(cardsTo(u, since)).toHaveLength(1);
    for (const u of members.slice(0, 25)) expect(cardsTo(u, since)).toHaveLength(0);
    expect(text(connector.cardOf(cardsTo(waiting[0]!, since)[0]!))).toContain('Herinnering');
  });

  it('closes at the deadline: answers opened into the anonymous tables, the result card in the channel, closed cards for the rest', async () => {
    const since = connector.mark();
    const deadline = (await cadans.db.query<{ deadline: Date }>('select deadline from surveys where id = $1', [surveyDbId])).rows[0]!.deadline;
    expect((await cadans.surveys.service.tick(new Date(deadline.getTime() + 60_000))).closed).toBe(1);
    const result = await connector.waitFor((r) => r.seq > since && r.conversationId === channel.id && r.operation === 'sendToConversation' && r.status < 300, { since, timeoutMs: 20_000 });
    const resultCard = text(connector.cardOf(result));
    expect(resultCard).toContain('25 van de 30 mensen hebben gereageerd');
    expect(resultCard).toContain('Gemiddeld **3,0**'); // q1: 1–5, five times each
    expect(resultCard).toContain('Gemiddeld **3,4**'); // q3: 13 × 2 and 12 × 5
    expect(resultCard).toContain('De Grote School'); // 20 respondents: shown on its own
    expect(resultCard).not.toContain('De Kleine School'); // 4 recipients: never labelled, never shown
    const rows = await cadans.db.query(
      `select (select count(*)::int from survey_sealed where survey_id = $1) as sealed,
              (select count(*)::int from survey_responses where survey_id = $1) as responses,
              (select count(*)::int from survey_answers where survey_id = $1 and question_id = 'q1') as q1,
              (select count(*)::int from survey_answers where survey_id = $1 and text is not null) as texts`,
      [surveyDbId],
    );
    expect(rows.rows[0]).toEqual({ sealed: 0, responses: 25, q1: 25, texts: 9 });
    // The small school (4 recipients) is never labelled; the large one (20) is.
    const labels = await cadans.db.query<{ school_id: string | null; n: number }>('select school_id, count(*)::int as n from survey_responses where survey_id = $1 group by 1 order by 1', [surveyDbId]);
    expect(labels.rows.map((r) => [r.school_id === null ? null : Number(r.school_id), r.n])).toEqual([[schoolLarge, 20], [null, 5]]);
    // The 5 who did not answer get their card updated to say the survey closed.
    const updates = () => connector.records.filter((r) => r.seq > since && r.operation === 'updateActivity' && r.status < 300 && text(r.body).includes('gesloten'));
    const deadlineWait = Date.now() + 20_000;
    while (updates().length < 5 && Date.now() < deadlineWait) await new Promise((r) => setTimeout(r, 200));
    expect(updates().length).toBeGreaterThanOrEqual(5);
    // An answer after closing is refused.
    const late = await act(members[28]!, members[28]!, 'survey.answer', { v: 1, survey: surveyId, ...answers(28) });
    expect(text(card(late))).toContain('gesloten');
  });

  it("lists the closed survey under resultaten and exports what the card may show, and nothing of the small school", async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(karin, channel, 'resultaten', { mention: true }));
    const list = text(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(list).toContain('Werkdruk najaar');
    expect(list).toContain('25 van 30 gereageerd (83%)');
    const exported = card(await act(karin, channel, 'survey.export', { v: 1, survey: surveyId })) as { actions: { type: string; url?: string; title: string }[] };
    const csvUrl = exported.actions.find((a) => a.title === 'CSV')!.url!;
    const csv = await (await fetch(csvUrl)).text();
    expect(csv).toContain('"Werkdruk najaar"');
    expect(csv).toContain('"25 van de 30 gereageerd"');
    expect(csv).toContain('"De Grote School"');
    expect(csv).not.toContain('Kleine School');
    expect(csv).toContain('"Meer tijd voor overleg (0)"'); // open answers above the threshold
    const xlsx = await fetch(exported.actions.find((a) => a.title === 'Excel (.xlsx)')!.url!);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    // A member without a role may not export it.
    const refused = await act(members[5]!, members[5]!, 'survey.export', { v: 1, survey: surveyId });
    expect(text(card(refused))).toContain('Daar heb je de rol niet voor');
  });

  it("shows a schoolleider their school's part of the board's survey, and nothing when their school is too small", async () => {
    const bigSchool = members[10]!;
    const since = connector.mark();
    await postActivity(cadans.url, world.personalMessage(bigSchool, 'resultaten'));
    const list = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: bigSchool.personalConversationId }))[0]));
    expect(list).toContain('het deel van jouw school');
    expect(list).toContain('Werkdruk najaar');
    const part = text(card(await act(bigSchool, bigSchool, 'survey.schoolResults', { v: 1, survey: surveyId })));
    expect(part).toContain('Werkdruk najaar · De Grote School');
    expect(part).toContain('20 van de 20 mensen hebben gereageerd');
    expect(part).not.toContain('Meer tijd voor overleg'); // open answers are not split by school
    const small = text(card(await act(members[1]!, members[1]!, 'survey.schoolResults', { v: 1, survey: surveyId })));
    expect(small).toContain('De Kleine School');
    expect(small).not.toContain('Gemiddeld');
    // A member without a role may not ask for it.
    expect(text(card(await act(members[5]!, members[5]!, 'survey.schoolResults', { v: 1, survey: surveyId })))).toContain('Daar heb je de rol niet voor');
  });

  it('keeps no link from an anonymous answer to a person: no such column, and no shared ordering', async () => {
    const columns = await cadans.db.query<{ table_name: string; column_name: string }>(
      "select table_name, column_name from information_schema.columns where table_name in ('survey_answers', 'survey_responses', 'survey_sealed') order by 1, 2",
    );
    const names = columns.rows.map((c) => c.column_name);
    for (const forbidden of ['aad_object_id', 'delivery_id', 'conversation_id', 'activity_id', 'created_at', 'answered_at', 'person_id']) expect(names).not.toContain(forbidden);
    const xmins = await cadans.db.query<{ n: number }>('select count(distinct xmin::text)::int as n from survey_answers where survey_id = $1', [surveyDbId]);
    expect(xmins.rows[0]!.n).toBe(1); // written in one transaction at close
  });
});
