// A board-wide survey seen per school, through real HTTP, teams-ai, PostgreSQL, pg-boss and the
// outbox (fake Teams connector): a directeur sees their own school's part and nothing of other
// schools (not the board's totals either), in `resultaten`, on the card and in the export; a school
// too small, or hidden to protect a smaller one, says why; forged result and export actions are
// refused and change nothing; a survey posted in one school's channel shows that school's part only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let karin: TeamsUser;
/** School A: 8 people (dirA first), B: 6 (dirB first), S(mall): 5 (dirS first); dirC leads school C, not in the board's team and not surveyed. */
let schoolA: TeamsUser[];
let schoolB: TeamsUser[];
let schoolS: TeamsUser[];
let dirC: TeamsUser;
let teacher: TeamsUser;
let boardChannel: TeamsChannel;
let channelA: TeamsChannel;
const ids: Record<'A' | 'B' | 'S' | 'C', number> = { A: 0, B: 0, S: 0, C: 0 };
/** The board-wide survey started in the board's channel, and the one started in school A's channel. */
let boardSurvey = '';
let schoolChannelSurvey = '';

const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;

async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return text(card(res));
}

/** werkdruk: q1–q3 likert, q4 a single choice, q5 open (optional). q1 tells the schools apart. */
const answers = (q1: number) => ({ a_q1: String(q1), a_q2: '4', a_q3: '3', a_q4: 'b', a_q5: `Opmerking bij ${q1}` });

async function startSurvey(channel: TeamsChannel, title: string, audience: Record<string, string>): Promise<{ id: string; review: string }> {
  const created = await act(karin, channel, 'survey.create', { v: 1, template: 'werkdruk' });
  expect(created).toContain('Concept: Werkdruk');
  const row = await cadans.db.query<{ public_id: string }>('select public_id from surveys order by id desc limit 1');
  const id = row.rows[0]!.public_id;
  const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const form = { v: 1, survey: id, title, anonymous: 'true', minGroupSize: '5', deadlineDate: deadline, deadlineTime: '23:00', reminders: '', removed: '', opensDate: '', ...audience };
  const review = await act(karin, channel, 'survey.review', form);
  expect(await act(karin, channel, 'survey.send', { v: 1, survey: id })).toContain('Verstuurd naar');
  return { id, review };
}

async function closeAndGetPost(channel: TeamsChannel, id: string): Promise<string> {
  const since = connector.mark();
  await act(karin, channel, 'survey.close', { v: 1, survey: id });
  const post = await connector.waitFor((r) => r.seq > since && r.conversationId === channel.id && r.operation === 'sendToConversation' && r.status < 300 && text(r.body).includes('Uitkomsten'), { since, timeoutMs: 20_000 });
  return text(connector.cardOf(post));
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  karin = world.user({ name: 'Karin Kwaliteit' });
  const people = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => world.user({ name: `${prefix} ${i + 1}` }));
  schoolA = people('Aafje', 8);
  schoolB = people('Bram', 6);
  schoolS = people('Sanne', 5);
  dirC = world.user({ name: 'Cor Directeur' });
  teacher = world.user({ name: 'Tom Zonderrol' });
  const board = world.team({ name: 'Bestuur en scholen', channels: ['Kwaliteit'], members: [karin, ...schoolA, ...schoolB, ...schoolS, teacher] });
  boardChannel = board.channel('Kwaliteit');
  const teamA = world.team({ name: 'Team De Akker', channels: ['Algemeen'], members: [karin, ...schoolA, teacher] });
  channelA = teamA.channel('Algemeen');
  for (const t of [board, teamA]) {
    connector.addTeam(t.id, t.connectorInfo);
    connector.setMembers(t.id, t.members.map((m) => m.rosterEntry));
  }
  await postActivity(cadans.url, world.personalMessage(karin, 'hulp')); // the tenant's first person: beheerder
  const tenant = world.tenantId;
  const schools = await cadans.db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'De Akker'), ($1, 'De Boomgaard'), ($1, 'Het Spoortje'), ($1, 'De Cirkel') returning id", [tenant]);
  [ids.A, ids.B, ids.S, ids.C] = schools.rows.map((r) => Number(r.id)) as [number, number, number, number];
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [tenant, karin.aadObjectId]);
  const grant = async (u: TeamsUser, role: string, school: number) => {
    await cadans.db.query('insert into people (tenant_id, aad_object_id, name) values ($1, $2, $3) on conflict do nothing', [tenant, u.aadObjectId, u.name]);
    await cadans.db.query('insert into role_assignments (tenant_id, aad_object_id, role, school_id) values ($1, $2, $3, $4)', [tenant, u.aadObjectId, role, school]);
  };
  for (const [list, school] of [[schoolA, ids.A], [schoolB, ids.B], [schoolS, ids.S]] as const) {
    for (const [i, u] of list.entries()) await grant(u, i === 0 ? 'directeur' : 'medewerker', school);
  }
  await grant(dirC, 'directeur', ids.C);
  await cadans.db.query('insert into people (tenant_id, aad_object_id, name) values ($1, $2, $3) on conflict do nothing', [tenant, teacher.aadObjectId, teacher.name]);
}, 60_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe("a directeur's part of a board-wide survey", () => {
  it('warns on review that a channel with people of several schools shows them everything', async () => {
    const r = await startSurvey(boardChannel, 'Werkdruk bestuur', { audience: 'team' });
    boardSurvey = r.id;
    expect(r.review).toContain('dit kanaal is breder dan wie de uitkomsten mag zien');
    expect(r.review).toContain('het totaal en de uitkomsten per school');
    // All of A (q1 = 5), all of B (q1 = 1), 3 of the 5 of S (q1 = 3); Karin and Tom do not answer.
    const answering = [...schoolA.map((u) => [u, 5] as const), ...schoolB.map((u) => [u, 1] as const), ...schoolS.slice(0, 3).map((u) => [u, 3] as const)];
    for (const [u, q1] of answering) expect(await act(u, u, 'survey.answer', { v: 1, survey: boardSurvey, ...answers(q1) })).toContain('Bedankt');
    const post = await closeAndGetPost(boardChannel, boardSurvey);
    expect(post).toContain('17 van de 21 mensen hebben gereageerd');
    expect(post).toContain('De Akker'); // 8 respondents: shown
    expect(post).not.toContain('Gemiddeld **5,0**'); // the total, not A's own figure, is the headline
  });

  it("shows the directeur of A their school's figures and nothing of B, S or the board's totals", async () => {
    const dirA = schoolA[0]!;
    const since = connector.mark();
    await postActivity(cadans.url, world.personalMessage(dirA, 'resultaten'));
    const list = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: dirA.personalConversationId }))[0]));
    expect(list).toContain('Werkdruk bestuur · De Akker');
    expect(list).toContain('survey.exportSchool');
    expect(list).not.toContain('17 van'); // no board-wide response figures
    const part = await act(dirA, dirA, 'survey.schoolResults', { v: 1, survey: boardSurvey, school: String(ids.A) });
    expect(part).toContain('Werkdruk bestuur · De Akker');
    expect(part).toContain('8 van de 8 mensen hebben gereageerd');
    expect(part).toContain('Gemiddeld **5,0**'); // A's q1
    expect(part).toContain('Alleen de uitkomsten van De Akker');
    for (const other of ['De Boomgaard', 'Het Spoortje', '17 van', '21 mensen', 'Opmerking bij', 'Gemiddeld **3,2**']) expect(part).not.toContain(other);
    expect(part).not.toContain('survey.improve'); // a button that would be refused is not offered
  });

  it('says why a school is hidden: too few answers, or protecting a smaller group', async () => {
    const small = await act(schoolS[0]!, schoolS[0]!, 'survey.schoolResults', { v: 1, survey: boardSurvey });
    expect(small).toContain('De uitkomsten van Het Spoortje worden niet getoond: te weinig antwoorden (minder dan 5)');
    expect(small).toContain('De peiling ging naar 5 mensen van Het Spoortje');
    expect(small).not.toContain('Gemiddeld');
    // S's 3 plus nobody else hidden is below 5: the next-smallest school (B, 6) is hidden with it.
    const b = await act(schoolB[0]!, schoolB[0]!, 'survey.schoolResults', { v: 1, survey: boardSurvey });
    expect(b).toContain('De uitkomsten van De Boomgaard worden niet getoond');
    expect(b).toContain('anders zijn de antwoorden van een kleinere groep terug te rekenen');
    expect(b).not.toContain('Gemiddeld');
  });

  it("exports A's part only, through a signed link", async () => {
    const dirA = schoolA[0]!;
    const exported = JSON.parse(await act(dirA, dirA, 'survey.exportSchool', { v: 1, survey: boardSurvey, school: String(ids.A) })) as { actions: { title: string; url?: string }[] };
    const csv = await (await fetch(exported.actions.find((a) => a.title === 'CSV')!.url!)).text();
    expect(csv).toContain('"Werkdruk bestuur · De Akker"');
    expect(csv).toContain('"8 van de 8 gereageerd"');
    expect(csv).toContain('"De Akker";"');
    for (const other of ['Boomgaard', 'Spoortje', 'Iedereen', '17 van', 'Opmerking bij']) expect(csv).not.toContain(other);
    const xlsx = await fetch(exported.actions.find((a) => a.title === 'Excel (.xlsx)')!.url!);
    expect(xlsx.status).toBe(200);
    // The hidden school's export says why, with no figures.
    const s = JSON.parse(await act(schoolS[0]!, schoolS[0]!, 'survey.exportSchool', { v: 1, survey: boardSurvey })) as { actions: { title: string; url?: string }[] };
    const sCsv = await (await fetch(s.actions.find((a) => a.title === 'CSV')!.url!)).text();
    expect(sCsv).toContain('De uitkomsten van Het Spoortje worden niet getoond');
    expect(sCsv).not.toContain('Vraag');
  });

  it('refuses forged result and export actions, and changes nothing', async () => {
    const dirB = schoolB[0]!;
    const dirA = schoolA[0]!;
    const refusedPart = 'Deze peiling bestaat niet (meer), of je hebt er geen toegang toe';
    const since = connector.mark();
    const posts = () => connector.records.filter((r) => r.seq > since && r.conversationId === boardChannel.id && r.operation === 'sendToConversation').length;
    // The directeur of B asks for A's part, or A's export; the directeur of C (not surveyed) for theirs.
    expect(await act(dirB, dirB, 'survey.schoolResults', { v: 1, survey: boardSurvey, school: String(ids.A) })).toContain(refusedPart);
    expect(await act(dirB, dirB, 'survey.exportSchool', { v: 1, survey: boardSurvey, school: String(ids.A) })).toContain(refusedPart);
    expect(await act(dirC, dirC, 'survey.schoolResults', { v: 1, survey: boardSurvey })).toContain(refusedPart);
    expect(await act(dirC, dirC, 'survey.exportSchool', { v: 1, survey: boardSurvey, school: String(ids.C) })).toContain(refusedPart);
    // A directeur may not have the whole results, or post them, or make an improvement action from them.
    for (const verb of ['survey.export', 'survey.repost']) expect(await act(dirA, dirA, verb, { v: 1, survey: boardSurvey })).toContain('Daar heb je de rol niet voor');
    expect(await act(dirA, dirA, 'survey.improve', { v: 1, survey: boardSurvey, question: 'q1' })).toContain('Daar heb je de rol niet voor');
    // Someone without a role gets nothing at all.
    for (const verb of ['survey.schoolResults', 'survey.exportSchool', 'survey.export']) expect(await act(teacher, teacher, verb, { v: 1, survey: boardSurvey })).toContain('Daar heb je de rol niet voor');
    // dirC's resultaten lists no part of a survey their school was not sent.
    const listSince = connector.mark();
    await postActivity(cadans.url, world.personalMessage(dirC, 'resultaten'));
    const list = text(connector.cardOf((await connector.waitForSent(1, { since: listSince, conversationId: dirC.personalConversationId }))[0]));
    expect(list).not.toContain('Werkdruk bestuur');
    expect(posts()).toBe(0);
    expect((await cadans.db.query("select count(*)::int as n from improvement_actions")).rows[0].n).toBe(0);
  });
});

describe("a board-wide survey posted in one school's channel", () => {
  it("warns on review, and posts only that school's part", async () => {
    const r = await startSurvey(channelA, 'Werkdruk twee scholen', { audience: 'schools', schools: `${ids.A},${ids.B}`, roles: 'directeur,medewerker' });
    schoolChannelSurvey = r.id;
    expect(r.review).toContain('Dit kanaal is van De Akker: in het kanaal komen alleen de uitkomsten van De Akker');
    expect((await cadans.db.query('select results_school_id from surveys where public_id = $1', [schoolChannelSurvey])).rows[0].results_school_id).toBe(String(ids.A));
    for (const u of schoolA) await act(u, u, 'survey.answer', { v: 1, survey: schoolChannelSurvey, ...answers(5) });
    for (const u of schoolB) await act(u, u, 'survey.answer', { v: 1, survey: schoolChannelSurvey, ...answers(1) });
    const post = await closeAndGetPost(channelA, schoolChannelSurvey);
    expect(post).toContain('Werkdruk twee scholen · De Akker');
    expect(post).toContain('8 van de 8 mensen hebben gereageerd');
    expect(post).toContain('Gemiddeld **5,0**');
    for (const other of ['De Boomgaard', '14 van', 'Opmerking bij']) expect(post).not.toContain(other);
    // Posted again by Karin: the same rule.
    const since = connector.mark();
    await act(karin, channelA, 'survey.repost', { v: 1, survey: schoolChannelSurvey });
    const again = await connector.waitFor((x) => x.seq > since && x.conversationId === channelA.id && x.operation === 'sendToConversation' && x.status < 300, { since, timeoutMs: 20_000 });
    expect(text(connector.cardOf(again))).not.toContain('De Boomgaard');
    expect(text(connector.cardOf(again))).toContain('· De Akker');
    // Karin herself still has everything under resultaten and in the export.
    const exported = JSON.parse(await act(karin, channelA, 'survey.export', { v: 1, survey: schoolChannelSurvey })) as { actions: { title: string; url?: string }[] };
    const csv = await (await fetch(exported.actions.find((a) => a.title === 'CSV')!.url!)).text();
    expect(csv).toContain('"14 van de 14 gereageerd"');
    expect(csv).toContain('De Boomgaard');
  });
});
