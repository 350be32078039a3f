// A beheerder removes one open answer of a closed anonymous survey (open text can name people;
// docs/surveys.md, "Removing an open answer"), through Teams traffic: from the results list, a card of
// the open answers, a confirmation, gone from the results, the export and the channel's result card,
// with an audit event that holds no text. Forged by anyone else (the author, a member, another tenant's
// beheerder) it is refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardActions } from '../support/card-check.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let worldB: TeamsWorld;
let sanne: TeamsUser; // beheerder
let karin: TeamsUser; // kwaliteitsmedewerker, the survey's author
let staff: TeamsUser[];
let stranger: TeamsUser; // beheerder of another tenant
let channel: TeamsChannel;
let survey: { id: number; publicId: string };
let running: { id: number; publicId: string };

const NAMING = 'Jan de Vries van groep 7 zegt nooit iets terug';
const OTHER = 'Meer tijd voor overleg';
const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;
const answersLeft = async () => (await cadans.db.query<{ text: string }>('select text from survey_answers where survey_id = $1 and text is not null order by text', [survey.id])).rows.map((r) => r.text);
const audits = async () => (await cadans.db.query<{ subject: string; detail: unknown; actor: string }>("select subject, detail, actor_aad_object_id as actor from audit_events where action = 'survey.answer.remove'")).rows;

async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>, w: TeamsWorld = world) {
  const res = await postActivity(cadans.url, w.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return res;
}

async function startSurvey(title: string) {
  await act(karin, channel, 'survey.create', { v: 1, template: 'werkdruk' });
  const row = await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1');
  const s = { id: Number(row.rows[0]!.id), publicId: row.rows[0]!.public_id };
  const deadlineDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await act(karin, channel, 'survey.save', { v: 1, survey: s.publicId, title, audience: 'team', anonymous: 'true', minGroupSize: '5', deadlineDate, deadlineTime: '23:00', reminders: '', removed: '', opensDate: '' });
  expect(text(card(await act(karin, channel, 'survey.send', { v: 1, survey: s.publicId })))).toContain('Verstuurd naar 7 mensen');
  return s;
}

/** The answer id behind the remove button of the answer that contains `needle`, as the card shows it. */
function removeButtonFor(c: unknown, needle: string): string {
  const containers = (c as { body: { type: string; items?: unknown[] }[] }).body.filter((b) => b.type === 'Container' && text(b).includes(needle));
  expect(containers).toHaveLength(1);
  const action = cardActions(containers[0]).find((a) => a.verb === 'survey.removeAnswer');
  return (action!.data as { answer: string }).answer;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  worldB = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '90909090-2323-4545-8787-343434343434' });
  sanne = world.user({ name: 'Sanne Beheer' });
  karin = world.user({ name: 'Karin Kwaliteit' });
  staff = Array.from({ length: 6 }, (_, i) => world.user({ name: `Collega ${i + 1}` }));
  stranger = worldB.user({ name: 'Stan Vreemd' });
  const team = world.team({ name: 'Team Onderwijs', channels: ['Kwaliteit'], members: [karin, ...staff] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  // Sanne first: the first person of a tenant becomes its beheerder (local mode). The stranger likewise in theirs.
  for (const u of [sanne, karin, ...staff]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  await postActivity(cadans.url, worldB.personalMessage(stranger, 'hulp'));
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, karin.aadObjectId]);

  survey = await startSurvey('Werkdruk voorjaar');
  for (const [i, u] of staff.entries()) {
    const open = i === 0 ? NAMING : i === 1 ? OTHER : '';
    const r = await act(u, u, 'survey.answer', { v: 1, survey: survey.publicId, a_q1: String((i % 5) + 1), a_q2: '4', a_q3: '2', a_q4: 'b', a_q5: open });
    expect(text(card(r))).toContain('Bedankt voor het invullen');
  }
  const since = connector.mark();
  expect(await cadans.surveys.service.close(survey.id)).toBe(true);
  const posted = await connector.waitFor((r) => r.seq > since && r.conversationId === channel.id && r.operation === 'sendToConversation' && r.status < 300, { since, timeoutMs: 20_000 });
  expect(text(connector.cardOf(posted))).toContain(NAMING);
  // The posted card's activity id is recorded (the update after a removal goes to it).
  const until = Date.now() + 10_000;
  while (!(await cadans.db.query('select results_activity_id from surveys where id = $1', [survey.id])).rows[0].results_activity_id && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  running = await startSurvey('Werkdruk zomer');
}, 120_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('removing one open answer', () => {
  it('offers it to the beheerder under resultaten, not to the kwaliteitsmedewerker', async () => {
    let since = connector.mark();
    await postActivity(cadans.url, world.personalMessage(sanne, 'resultaten'));
    const mine = connector.cardOf(await connector.waitFor((r) => r.seq > since && r.conversationId === sanne.personalConversationId && text(r.body).includes('Resultaten'), { since }));
    expect(cardActions(mine).some((a) => a.verb === 'survey.openAnswers' && (a.data as { survey: string }).survey === survey.publicId)).toBe(true);
    expect(text(mine)).toContain('Open antwoorden beheren');
    since = connector.mark();
    await postActivity(cadans.url, world.personalMessage(karin, 'resultaten'));
    const hers = connector.cardOf(await connector.waitFor((r) => r.seq > since && r.conversationId === karin.personalConversationId && text(r.body).includes('Resultaten'), { since }));
    expect(text(hers)).toContain('Werkdruk voorjaar');
    expect(cardActions(hers).some((a) => a.verb === 'survey.openAnswers')).toBe(false);
  });

  it('refuses a forged list or removal by the author, a member and another tenant’s beheerder, and changes nothing', async () => {
    const list = card(await act(sanne, sanne, 'survey.openAnswers', { v: 1, survey: survey.publicId }));
    const answer = removeButtonFor(list, 'Jan de Vries');
    const before = await answersLeft();
    for (const u of [karin, staff[0]!]) {
      for (const [verb, data] of [
        ['survey.openAnswers', { v: 1, survey: survey.publicId }],
        ['survey.removeAnswer', { v: 1, survey: survey.publicId, answer }],
        ['survey.removeAnswer', { v: 1, survey: survey.publicId, answer, confirm: true }],
      ] as const) {
        const body = text(card(await act(u, u, verb, data)));
        expect(body).toContain('Daar heb je de rol niet voor');
        expect(body).not.toContain('Jan de Vries');
      }
    }
    const foreign = text(card(await act(stranger, stranger, 'survey.removeAnswer', { v: 1, survey: survey.publicId, answer, confirm: true }, worldB)));
    expect(foreign).not.toContain('Jan de Vries');
    expect(foreign).toContain('Deze peiling bestaat niet');
    expect(await answersLeft()).toEqual(before);
    expect(await audits()).toEqual([]);
  });

  it('asks first, then removes it from the results, the export and the channel card, with an audit event that holds no text', async () => {
    const list = card(await act(sanne, sanne, 'survey.openAnswers', { v: 1, survey: survey.publicId }));
    expect(text(list)).toContain(OTHER);
    const answer = removeButtonFor(list, 'Jan de Vries');
    const ask = card(await act(sanne, sanne, 'survey.removeAnswer', { v: 1, survey: survey.publicId, answer }));
    expect(text(ask)).toContain('Dit open antwoord verwijderen?');
    expect(text(ask)).toContain('Jan de Vries');
    expect(await answersLeft()).toHaveLength(2); // asking removes nothing
    const confirm = cardActions(ask).find((a) => a.verb === 'survey.removeAnswer')!;
    expect(confirm.data).toMatchObject({ answer, confirm: true });

    const since = connector.mark();
    const done = text(card(await act(sanne, sanne, 'survey.removeAnswer', confirm.data as Record<string, unknown>)));
    expect(done).toContain('Het antwoord is verwijderd');
    expect(done).not.toContain('Jan de Vries');
    expect(done).toContain(OTHER);
    expect(await answersLeft()).toEqual([OTHER]);

    // The result card in the channel is updated without it.
    const activity = (await cadans.db.query('select results_activity_id from surveys where id = $1', [survey.id])).rows[0].results_activity_id;
    const updated = await connector.waitFor((r) => r.seq > since && r.operation === 'updateActivity' && r.conversationId === channel.id && r.activityId === activity && r.status < 300, { since, timeoutMs: 20_000 });
    expect(text(updated.body)).toContain(OTHER);
    expect(text(updated.body)).not.toContain('Jan de Vries');
    // The export (as the author downloads it) no longer has it; the figures are the same.
    const exported = card(await act(karin, channel, 'survey.export', { v: 1, survey: survey.publicId })) as { actions: { title: string; url?: string }[] };
    const csv = await (await fetch(exported.actions.find((a) => a.title === 'CSV')!.url!)).text();
    expect(csv).toContain(OTHER);
    expect(csv).not.toContain('Jan de Vries');
    expect(csv).toContain('6 van de 7 gereageerd');
    // One audit event: who, which survey and question, never the text.
    const a = await audits();
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ actor: sanne.aadObjectId, subject: `survey:${survey.publicId}`, detail: { question: 'q5', removed: 1 } });
    expect(text(a[0])).not.toContain('Jan');
  });

  it('changes nothing when the same removal comes again, and refuses a survey that is still running', async () => {
    const gone = (await cadans.db.query<{ id: string }>('select id from survey_answers where survey_id = $1 and text is not null', [survey.id])).rows.map((r) => r.id);
    const again = text(card(await act(sanne, sanne, 'survey.removeAnswer', { v: 1, survey: survey.publicId, answer: '0b7e2f55-1d2c-4c8f-9a61-6d1f0f7a2b11', confirm: true })));
    expect(again).toContain('stond er al niet meer');
    expect((await cadans.db.query<{ id: string }>('select id from survey_answers where survey_id = $1 and text is not null', [survey.id])).rows.map((r) => r.id)).toEqual(gone);
    expect(await audits()).toHaveLength(1);
    const open = text(card(await act(sanne, sanne, 'survey.openAnswers', { v: 1, survey: running.publicId })));
    expect(open).toContain('anonieme peiling die gesloten is');
  });
});
