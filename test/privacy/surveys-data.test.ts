// The survey feature's personal data holder (docs/privacy.md, docs/surveys.md "Privacy"), seeded
// through Teams traffic: a person who answered an anonymous survey (sealed, still running), authored a
// named survey, added a template and is on a pasted address list is exported and erased. Afterwards no
// survey table holds their id, Teams id, name or email; no sealed answer is linked to a delivery (the
// open answer that named them is scrubbed inside its seal); everyone else's data and the feature work as before; the running survey's recipients'
// cards say "verwijderde gebruiker". Then a tenant's deletion and retention with a fixed clock.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/pool.js';
import { DEFAULT_RETENTION, newPseudonym, type ErasedPerson } from '../../src/privacy/ports.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let worldB: TeamsWorld;
let karin: TeamsUser;
let erik: TeamsUser;
let staff: TeamsUser[];
let channel: TeamsChannel;
/** Karin's anonymous survey (Erik answers it), Erik's named survey, Karin's draft with a pasted list. */
const S = { anon: { id: 0, publicId: '' }, named: { id: 0, publicId: '' }, list: { id: 0, publicId: '' }, other: { id: 0, publicId: '' } };
let erased: ErasedPerson;

const SURVEY_TABLES = ['surveys', 'survey_deliveries', 'survey_sealed', 'survey_responses', 'survey_answers', 'survey_templates'] as const;
const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;

async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>, w: TeamsWorld = world) {
  const res = await postActivity(cadans.url, w.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return res;
}

const deadlineDate = () => new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
const werkdruk = (i: number, open = '') => ({ a_q1: String((i % 5) + 1), a_q2: '4', a_q3: '2', a_q4: 'b', a_q5: open });

async function newSurvey(author: TeamsUser, form: Record<string, unknown>, w: TeamsWorld = world, where: TeamsChannel = channel) {
  await act(author, where, 'survey.create', { v: 1, template: 'werkdruk' }, w);
  const row = await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1');
  const s = { id: Number(row.rows[0]!.id), publicId: row.rows[0]!.public_id };
  const saved = await act(author, where, 'survey.save', { v: 1, survey: s.publicId, anonymous: 'true', minGroupSize: '5', deadlineDate: deadlineDate(), deadlineTime: '23:00', reminders: '', removed: '', opensDate: '', ...form }, w);
  expect(text(card(saved))).not.toContain('Daar heb je de rol niet voor');
  return s;
}

/** Every row of the survey tables, as text, for the tenant's surveys. */
async function surveyRowsText(): Promise<string> {
  const out: string[] = [];
  for (const t of SURVEY_TABLES) {
    const r = await cadans.db.query<{ j: string }>(`select row_to_json(x)::text as j from ${t} x`);
    out.push(...r.rows.map((x) => x.j));
  }
  return out.join('\n').toLowerCase();
}

async function waitForCards(surveyId: number, n: number) {
  const until = Date.now() + 20_000;
  const sent = async () => (await cadans.db.query<{ n: number }>('select count(*)::int as n from survey_deliveries where survey_id = $1 and card_activity_id is not null', [surveyId])).rows[0]!.n;
  while ((await sent()) < n && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  expect(await sent()).toBe(n);
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  worldB = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '56565656-1212-4343-8989-787878787878' });
  karin = world.user({ name: 'Karin Kwaliteit' });
  erik = world.user({ name: 'Erik Verwijder', email: 'erik.verwijder@school.example' });
  staff = Array.from({ length: 6 }, (_, i) => world.user({ name: `Collega ${i + 1}` }));
  const team = world.team({ name: 'Team Onderwijs', channels: ['Kwaliteit'], members: [karin, erik, ...staff] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [karin, erik, ...staff]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  for (const u of [karin, erik]) await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, u.aadObjectId]);

  // Karin's anonymous survey to the team: Erik answers (sealed while it runs), Collega 1 names him in an open answer.
  S.anon = await newSurvey(karin, { title: 'Werkdruk voorjaar', audience: 'team' });
  expect(text(card(await act(karin, channel, 'survey.send', { v: 1, survey: S.anon.publicId })))).toContain('Verstuurd naar 8 mensen');
  // Erik's named survey to the team.
  S.named = await newSurvey(erik, { title: 'Zelfevaluatie bestuur', audience: 'team', anonymous: 'false' });
  expect(text(card(await act(erik, channel, 'survey.send', { v: 1, survey: S.named.publicId })))).toContain('Verstuurd naar 8 mensen');
  // Karin's draft with a pasted list that holds Erik's address.
  S.list = await newSurvey(karin, { title: 'Lijstpeiling', audience: 'list', emails: `${erik.email}\ncollega@school.example` });
  // An own template of Erik's, with his name in it.
  const added = await act(erik, erik, 'survey.saveTemplate', { v: 1, definition: 'titel: Peiling van Erik Verwijder\nvragen:\n  - Ik werk hier graag.' });
  expect(text(card(added))).toContain('is toegevoegd');

  // Every card out first (the outbox then marks the delivery sent): an answer is the last write of a delivery.
  await waitForCards(S.anon.id, 8);
  for (const [i, u] of [erik, ...staff].entries()) {
    const r = await act(u, u, 'survey.answer', { v: 1, survey: S.anon.publicId, ...werkdruk(i, u === staff[0] ? 'Erik Verwijder plant de overleggen goed' : '') });
    expect(text(card(r))).toContain('Bedankt voor het invullen');
  }
  for (const [i, u] of [erik, karin, staff[0]!].entries()) {
    const r = await act(u, u, 'survey.answer', { v: 1, survey: S.named.publicId, ...werkdruk(i, `Toelichting ${u.name}`) });
    expect(text(card(r))).toContain('Bedankt');
  }
  await waitForCards(S.named.id, 8);

  // Another tenant, with a survey of its own (for the tenant deletion).
  const bea = worldB.user({ name: 'Bea Ander' });
  const teamB = worldB.team({ name: 'Ander Bestuur', channels: ['Algemeen'], members: [bea] });
  connector.addTeam(teamB.id, teamB.connectorInfo);
  connector.setMembers(teamB.id, teamB.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, worldB.personalMessage(bea, 'hulp'));
  S.other = await newSurvey(bea, { title: 'Peiling ander bestuur', audience: 'team' }, worldB, teamB.channel('Algemeen'));

  erased = {
    tenantId: world.tenantId,
    aadObjectId: erik.aadObjectId,
    teamsUserId: erik.id,
    name: erik.name,
    email: erik.email,
    pseudonym: newPseudonym(() => randomBytes(8).toString('hex')),
    label: 'verwijderde gebruiker',
  };
}, 120_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe("a person's survey data", () => {
  it('exports what they made, what they were sent and their named answers, never an anonymous answer', async () => {
    const x = (await cadans.surveys.personalData.exportPerson(cadans.db, world.tenantId, erik.aadObjectId)) as Record<string, { title?: string; answers?: unknown; source?: string }[]>;
    expect(cadans.surveys.personalData.section).toBe('surveys');
    expect(x.surveysTheyMade!.map((s) => s.title)).toEqual(['Zelfevaluatie bestuur']);
    const sent = x.surveysSentToThem!;
    expect(sent.map((s) => s.title).sort()).toEqual(['Werkdruk voorjaar', 'Zelfevaluatie bestuur']);
    expect(sent.find((s) => s.title === 'Zelfevaluatie bestuur')!.answers).toMatchObject({ q5: 'Toelichting Erik Verwijder' });
    expect(sent.find((s) => s.title === 'Werkdruk voorjaar')!.answers).toBeNull();
    expect(x.templatesTheyAdded!.map((t) => t.source)).toEqual(['titel: Peiling van Erik Verwijder\nvragen:\n  - Ik werk hier graag.']);
  });

  it('erases them: nothing in the survey tables names them, and no sealed answer is linked to a delivery that names anyone', async () => {
    // Before: the sealed answer was accepted in the same transaction as Erik's answered mark.
    const linked = `select count(*)::int as n from survey_sealed x join survey_deliveries d on d.xmin = x.xmin where x.survey_id = $1`;
    const erikXmin = await cadans.db.query(`${linked} and d.aad_object_id = $2`, [S.anon.id, erik.aadObjectId]);
    expect(erikXmin.rows[0].n).toBe(1);
    const since = connector.mark();

    const outcome = await inTransaction(cadans.db, (tx) => cadans.surveys.personalData.erasePerson(tx, erased));
    expect(outcome.counts).toMatchObject({ survey_deliveries: 2, survey_templates: 1 });
    expect(outcome.counts.surveys).toBeGreaterThanOrEqual(2); // Erik's survey, the list naming him
    await outcome.after?.();

    const all = await surveyRowsText();
    for (const needle of [erik.aadObjectId, erik.id, erik.name, erik.email]) expect(all).not.toContain(needle.toLowerCase());
    expect(all).not.toContain(erik.personalConversationId.toLowerCase());
    // The sealed answers were all sealed again in the erase: one transaction id for all of them, shared
    // with no delivery that names anyone (only with Erik's pseudonymised one, rewritten in the same erase).
    expect((await cadans.db.query('select count(distinct xmin::text)::int as n, count(*)::int as rows from survey_sealed where survey_id = $1', [S.anon.id])).rows[0]).toEqual({ n: 1, rows: 7 });
    expect((await cadans.db.query(`${linked} and d.aad_object_id not like 'verwijderd-%'`, [S.anon.id])).rows[0].n).toBe(0);
    expect(outcome.counts.survey_sealed).toBe(7);
    // Fresh pseudonyms per delivery, not the erase's own (which would tie them together).
    const pseud = await cadans.db.query<{ aad_object_id: string; answers: unknown; conversation_id: string | null; card_activity_id: string | null }>(
      "select aad_object_id, answers, conversation_id, card_activity_id from survey_deliveries where aad_object_id like 'verwijderd-%'",
    );
    expect(pseud.rows).toHaveLength(2);
    expect(new Set(pseud.rows.map((r) => r.aad_object_id)).size).toBe(2);
    for (const r of pseud.rows) {
      expect(r.aad_object_id).toMatch(/^verwijderd-[0-9a-f]{16}$/);
      expect(r.aad_object_id).not.toBe(erased.pseudonym);
      expect(r).toMatchObject({ answers: null, conversation_id: null, card_activity_id: null });
    }
    // The survey he made names the erase's pseudonym; the list lost his address, kept the other.
    const made = await cadans.db.query<{ created_by: string }>('select created_by from surveys where id = $1', [S.named.id]);
    expect(made.rows[0]!.created_by).toBe(erased.pseudonym);
    const list = await cadans.db.query<{ audience: { emails: string[] } }>('select audience from surveys where id = $1', [S.list.id]);
    expect(list.rows[0]!.audience.emails).toEqual(['collega@school.example']);
    const tpl = await cadans.db.query<{ source: string; created_by: string }>('select source, created_by from survey_templates');
    expect(tpl.rows[0]).toEqual({ source: 'titel: Peiling van verwijderde gebruiker\nvragen:\n  - Ik werk hier graag.', created_by: erased.pseudonym });

    // The running survey's recipients' cards now say who it is from: "verwijderde gebruiker".
    const updated = await connector.waitFor(
      (r) => r.seq > since && r.operation === 'updateActivity' && r.status < 300 && r.conversationId === staff[1]!.personalConversationId && text(r.body).includes('verwijderde gebruiker'),
      { since, timeoutMs: 30_000 },
    );
    expect(text(updated.body)).not.toContain('Erik Verwijder');
  });

  it("keeps everyone else's data, and the surveys go on for them", async () => {
    const others = await cadans.db.query<{ aad_object_id: string; answers: Record<string, unknown> | null }>(
      'select aad_object_id, answers from survey_deliveries where survey_id = $1 and answers is not null order by id',
      [S.named.id],
    );
    expect(others.rows.map((r) => r.aad_object_id).sort()).toEqual([karin.aadObjectId, staff[0]!.aadObjectId].sort());
    expect(others.rows.find((r) => r.aad_object_id === karin.aadObjectId)!.answers).toMatchObject({ q5: 'Toelichting Karin Kwaliteit' });
    // Someone else still answers the survey Erik made; Karin (a kwaliteitsmedewerker) closes it.
    expect(text(card(await act(staff[2]!, staff[2]!, 'survey.answer', { v: 1, survey: S.named.publicId, ...werkdruk(4) })))).toContain('Bedankt');
    expect(text(card(await act(karin, karin, 'survey.close', { v: 1, survey: S.named.publicId })))).toContain('De peiling is gesloten');
    // The anonymous survey closes with Erik's answer counted; the open answer names the label instead of him.
    const since = connector.mark();
    expect(await cadans.surveys.service.close(S.anon.id)).toBe(true);
    const posted = await connector.waitFor((r) => r.seq > since && r.conversationId === channel.id && r.operation === 'sendToConversation' && r.status < 300 && text(r.body).includes('Werkdruk voorjaar'), { since, timeoutMs: 20_000 });
    const result = text(connector.cardOf(posted));
    expect(result).toContain('7 van de 8 mensen hebben gereageerd');
    expect(result).toContain('verwijderde gebruiker plant de overleggen goed');
    expect(result).not.toContain('Erik');
  });
});

describe("a tenant's survey data", () => {
  it('exports all of it, then deletes it and leaves the other tenant alone', async () => {
    const exported = (await cadans.surveys.personalData.exportTenant(cadans.db, world.tenantId)) as Record<string, unknown[]>;
    expect(exported.surveys!.length).toBe(3);
    expect(exported.deliveries!.length).toBe(16);
    const beforeB = await cadans.db.query('select count(*)::int as n from surveys where tenant_id = $1', [worldB.tenantId]);
    expect(beforeB.rows[0].n).toBe(1);
    // Retention first (the tenant's rows are still there): see the next test for the clock; here the deletion.
    const counts = await inTransaction(cadans.db, (tx) => cadans.surveys.personalData.deleteTenant(tx, world.tenantId));
    expect(counts).toMatchObject({ surveys: 3, survey_deliveries: 16, survey_templates: 1 });
    for (const t of SURVEY_TABLES) {
      const r = await cadans.db.query<{ n: number }>(`select count(*)::int as n from ${t} x where row_to_json(x)::text like $1`, [`%${world.tenantId}%`]);
      expect(r.rows[0]!.n, t).toBe(0);
    }
    const leftA = await cadans.db.query('select (select count(*)::int from survey_answers) as answers, (select count(*)::int from survey_responses) as responses');
    expect(leftA.rows[0]).toEqual({ answers: 0, responses: 0 });
    expect((await cadans.db.query('select count(*)::int as n from surveys where tenant_id = $1', [worldB.tenantId])).rows[0].n).toBe(1);
  });
});

describe('survey retention', () => {
  it('pseudonymises deliveries of surveys closed long enough ago (the results still render), deletes old closed surveys, keeps young ones', async () => {
    // Two surveys of the other tenant: one sent and closed (its deliveries carry ids), one draft.
    const bea = worldB.user({ name: 'Bea Ander' });
    const teamB = worldB.team({ name: 'Ander Bestuur', channels: ['Algemeen'], members: [bea] });
    const where = teamB.channel('Algemeen');
    expect(text(card(await act(bea, where, 'survey.send', { v: 1, survey: S.other.publicId }, worldB)))).toContain('Verstuurd naar 1 persoon');
    expect(text(card(await act(bea, bea, 'survey.answer', { v: 1, survey: S.other.publicId, ...werkdruk(1) }, worldB)))).toContain('Bedankt');
    expect(await cadans.surveys.service.close(S.other.id)).toBe(true);
    const closedAt = (await cadans.db.query<{ closed_at: Date }>('select closed_at from surveys where id = $1', [S.other.id])).rows[0]!.closed_at;
    const results = async () => {
      const d = await cadans.surveys.service.resultData(S.other.id);
      return { recipients: d!.recipients, responses: d!.responses.reduce((n, x) => n + x.n, 0), counts: d!.counts.length };
    };
    const before = await results();
    expect(before).toEqual({ recipients: 1, responses: 1, counts: 4 });
    const day = 86_400_000;
    const run = (now: Date, limit = 100) => inTransaction(cadans.db, (tx) => cadans.surveys.personalData.applyRetention(tx, now, DEFAULT_RETENTION, limit));

    // 59 days after closing: nothing yet.
    expect(await run(new Date(closedAt.getTime() + 59 * day))).toEqual({ surveys: 0, survey_deliveries: 0 });
    expect((await cadans.db.query('select aad_object_id from survey_deliveries where survey_id = $1', [S.other.id])).rows[0].aad_object_id).toBe(bea.aadObjectId);
    // 61 days: the delivery is pseudonymised, once; the results are the same.
    expect(await run(new Date(closedAt.getTime() + 61 * day))).toEqual({ surveys: 0, survey_deliveries: 1 });
    expect(await run(new Date(closedAt.getTime() + 61 * day))).toEqual({ surveys: 0, survey_deliveries: 0 });
    const d = await cadans.db.query('select aad_object_id, conversation_id, card_activity_id, answered_at is not null as answered from survey_deliveries where survey_id = $1', [S.other.id]);
    expect(d.rows[0]).toMatchObject({ conversation_id: null, card_activity_id: null, answered: true });
    expect(d.rows[0].aad_object_id).toMatch(/^verwijderd-[0-9a-f]{16}$/);
    expect(await results()).toEqual(before);
    // Policy 0 keeps forever.
    expect(await inTransaction(cadans.db, (tx) => cadans.surveys.personalData.applyRetention(tx, new Date(closedAt.getTime() + 4000 * day), { ...DEFAULT_RETENTION, surveysDays: 0, surveyDeliveriesDays: 0 }, 100))).toEqual({
      surveys: 0,
      survey_deliveries: 0,
    });
    // Five years and a day: the closed survey goes with its answers; the draft stays.
    const drafts = await cadans.db.query("select count(*)::int as n from surveys where status = 'draft'");
    expect(await run(new Date(closedAt.getTime() + 1827 * day))).toMatchObject({ surveys: 1 });
    expect((await cadans.db.query('select count(*)::int as n from surveys where id = $1', [S.other.id])).rows[0].n).toBe(0);
    expect((await cadans.db.query('select count(*)::int as n from survey_answers where survey_id = $1', [S.other.id])).rows[0].n).toBe(0);
    expect((await cadans.db.query("select count(*)::int as n from surveys where status = 'draft'")).rows[0].n).toBe(drafts.rows[0].n);
  });
});
