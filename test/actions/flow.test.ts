// Improvement actions as Teams traffic through real HTTP, teams-ai, PostgreSQL, pg-boss and the
// outbox; only Teams' connector is fake. From a survey's result line to an action with an owner, the
// owner's 1:1 card, reminders before and after the due date, completion with an evaluation, and the
// list of open actions (overdue first). Forged clicks change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_REMINDER_QUEUE } from '../../src/actions/feature.js';
import { addDays, weekday } from '../../src/actions/model.js';
import { todayInAmsterdam } from '../../src/checklists/feature.js';
import { startFakeConnector, type ConnectorRecord, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let bea: TeamsUser;
let karin: TeamsUser;
let ahmed: TeamsUser;
let otto: TeamsUser;
let channel: TeamsChannel;
let surveyId: string;
let surveyDbId: number;
let actionId: string;
let actionDbId: number;

/** A Wednesday about eight weeks ahead: the action's due date (the form takes no date in the past). */
const DUE = (() => {
  let d = addDays(todayInAmsterdam(new Date()), 56);
  while (weekday(d) !== 3) d = addDays(d, 1);
  return d;
})();
const MONDAY_BEFORE = addDays(DUE, -9); // eight working days ahead: nothing yet
const FRIDAY_BEFORE = addDays(DUE, -5); // Monday, Tuesday, Wednesday: due soon
const MONDAY_OF = addDays(DUE, -2);
const THURSDAY_AFTER = addDays(DUE, 1);
const FRIDAY_AFTER = addDays(DUE, 2);

const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => text((res.body as { value?: unknown }).value);
const toAhmed = (since: number) => (r: ConnectorRecord) => r.seq > since && r.status < 300 && r.operation === 'sendToConversation' && r.conversationId === ahmed.personalConversationId;

async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return res;
}

const state = async () =>
  (await cadans.db.query('select status, evaluation, version, title, done_by from improvement_actions where public_id = $1', [actionId])).rows[0] as {
    status: string;
    evaluation: unknown;
    version: number;
    title: string;
    done_by: string | null;
  };
const outboxKeys = async () => (await cadans.db.query<{ k: string }>("select idempotency_key as k from outbox_messages where idempotency_key like $1 order by id", [`action:${actionDbId}:%`])).rows.map((r) => r.k);

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  bea = world.user({ name: 'Bea Beheer' });
  karin = world.user({ name: 'Karin Kwaliteit' });
  ahmed = world.user({ name: 'Ahmed El Amrani' });
  otto = world.user({ name: 'Otto Buiten' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [bea, karin, ahmed] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  // Bea first: the first person of a tenant becomes its beheerder (local mode).
  for (const u of [bea, karin, ahmed, otto]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, karin.aadObjectId]);
  // Karin's survey on quality culture: its statements name the board standards.
  await act(karin, channel, 'survey.create', { v: 1, template: 'kwaliteitscultuur' });
  const row = await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1');
  surveyId = row.rows[0]!.public_id;
  surveyDbId = Number(row.rows[0]!.id);
  await cadans.db.query("update surveys set title = 'Kwaliteitscultuur voorjaar' where id = $1", [surveyDbId]);
}, 60_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('an improvement action from a survey result line', () => {
  it('opens the form with the question and its standard, Karin as owner and a due date four weeks out', async () => {
    const res = await act(karin, channel, 'survey.improve', { v: 1, survey: surveyId, question: 'q1' });
    const body = card(res);
    expect(body).toContain('Nieuwe verbeteractie');
    expect(body).toContain("Uit de peiling ‘Kwaliteitscultuur voorjaar’: ‘Ik voel me samen met mijn collega's verantwoordelijk voor de kwaliteit van ons onderwijs.’ (BKA2)");
    expect(body).toContain(`"value":"${karin.aadObjectId}"`);
    expect(body).toContain('"dataset":"people"');
    // Saving sends the survey line back, not the question's text: that is read again on the server.
    expect(body).toContain(`"data":{"v":1,"survey":"${surveyId}","question":"q1"}`);
  });

  it('keeps what was typed when the form is incomplete, and saves nothing', async () => {
    const res = await act(karin, channel, 'action.save', { v: 1, survey: surveyId, question: 'q1', title: 'Teamoverleg over eigenaarschap', owner: ahmed.aadObjectId, dueDate: '' });
    const body = card(res);
    expect(body).toContain('Nog niet opgeslagen');
    expect(body).toContain('Kies een datum waarop de actie klaar moet zijn.');
    expect(body).toContain('"value":"Teamoverleg over eigenaarschap"');
    const unknown = await act(karin, channel, 'action.save', { v: 1, survey: surveyId, question: 'q1', title: 'x', owner: '00000000-0000-4000-8000-000000000000', dueDate: DUE });
    expect(card(unknown)).toContain('Ik ken de gekozen eigenaar niet');
    expect((await cadans.db.query('select count(*)::int as n from improvement_actions')).rows[0].n).toBe(0);
  });

  it('saves it with Ahmed as owner, linked to the question and its standard, and sends Ahmed a 1:1 card', async () => {
    const since = connector.mark();
    const res = await act(karin, channel, 'action.save', {
      v: 1,
      survey: surveyId,
      question: 'q1',
      title: 'Elk teamoverleg begint met tien minuten over wat we samen verbeteren',
      description: 'Zo wordt kwaliteit iets van ons allemaal.',
      owner: ahmed.aadObjectId,
      dueDate: DUE,
    });
    const body = card(res);
    expect(body).toContain('De verbeteractie staat klaar. Ahmed El Amrani krijgt er een bericht over.');
    const row = (await cadans.db.query('select id, public_id, source, standard, school_id, status, owner_aad, created_by, due_date::text as due from improvement_actions')).rows[0];
    actionId = row.public_id;
    actionDbId = Number(row.id);
    expect(row).toMatchObject({ standard: 'BKA2', school_id: null, status: 'open', owner_aad: ahmed.aadObjectId, created_by: karin.aadObjectId, due: DUE });
    expect(row.source).toEqual({
      kind: 'survey',
      surveyId: surveyDbId,
      questionId: 'q1',
      questionText: "Ik voel me samen met mijn collega's verantwoordelijk voor de kwaliteit van ons onderwijs.",
      surveyTitle: 'Kwaliteitscultuur voorjaar',
      standard: 'BKA2',
    });
    // The card carries the action's opaque id, never its number.
    expect(body).toContain(`"action":"${actionId}"`);
    const msg = await connector.waitFor(toAhmed(since), { since, timeoutMs: 10_000 });
    const personal = text(connector.cardOf(msg));
    expect(personal).toContain('Karin Kwaliteit heeft deze verbeteractie bij jou neergelegd: jij bent de eigenaar.');
    expect(personal).toContain('Elk teamoverleg begint met tien minuten');
    expect(personal).toContain('"verb":"action.done"');
    expect(personal).toContain('Werkte het?');
    expect(personal).not.toContain('"verb":"action.cancel"'); // cancelling is for whoever gave it
  });

  it("refuses an outsider's forged clicks on the action and on the survey line, and changes nothing", async () => {
    const before = await state();
    const count = async () => (await cadans.db.query('select count(*)::int as n from improvement_actions')).rows[0].n;
    const n = await count();
    for (const [verb, data] of [
      ['action.done', { v: 1, action: actionId, worked: 'yes', keep: 'Alles' }],
      ['action.cancel', { v: 1, action: actionId }],
      ['action.save', { v: 1, action: actionId, title: 'Overgenomen', owner: otto.aadObjectId, dueDate: DUE }],
      ['action.open', { v: 1, action: actionId }],
      ['survey.improve', { v: 1, survey: surveyId, question: 'q1' }],
      ['action.save', { v: 1, survey: surveyId, question: 'q1', title: 'Eigen actie', owner: otto.aadObjectId, dueDate: DUE }],
      ['action.save', { v: 1, title: 'Eigen actie', owner: otto.aadObjectId, dueDate: DUE }],
      ['action.list', { v: 1 }],
    ] as const) {
      const res = await act(otto, otto, verb, data);
      const body = card(res);
      expect(body, verb).toContain('Daar heb je de rol niet voor');
      expect(body, verb).not.toContain('Elk teamoverleg');
    }
    expect(await state()).toEqual(before);
    expect(await count()).toBe(n);
  });

  it('lets the owner open it from a personal chat, but not cancel it', async () => {
    const opened = await act(ahmed, ahmed, 'action.open', { v: 1, action: actionId });
    expect(card(opened)).toContain('Elk teamoverleg begint met tien minuten');
    const res = await act(ahmed, ahmed, 'action.cancel', { v: 1, action: actionId });
    expect(card(res)).toContain('Daar heb je de rol niet voor');
    expect((await state()).status).toBe('open');
  });
});

describe('reminders to the owner', () => {
  async function remind(today: string) {
    return (await cadans.actions.service.runReminders(today)).sent;
  }

  it('sends nothing while the due date is more than three working days away', async () => {
    expect(await remind(MONDAY_BEFORE)).toBe(0);
  });

  it('reminds once when the due date is within three working days, through the daily job', async () => {
    const since = connector.mark();
    await cadans.jobs.boss.send(ACTION_REMINDER_QUEUE, { today: FRIDAY_BEFORE });
    const msg = await connector.waitFor(toAhmed(since), { since, timeoutMs: 10_000 });
    expect(text(connector.cardOf(msg))).toContain('Herinnering: deze verbeteractie moet op');
    // The same day again, and the working days before the due date: nothing more.
    expect(await remind(FRIDAY_BEFORE)).toBe(0);
    expect(await remind(MONDAY_OF)).toBe(0);
    expect(await remind(DUE)).toBe(0);
    expect(await outboxKeys()).toEqual([`action:${actionDbId}:assigned:0`, `action:${actionDbId}:dueSoon:${DUE}`]);
  });

  it('reminds once a day while it is overdue', async () => {
    const since = connector.mark();
    expect(await remind(THURSDAY_AFTER)).toBe(1);
    expect(await remind(THURSDAY_AFTER)).toBe(0);
    const msg = await connector.waitFor(toAhmed(since), { since, timeoutMs: 10_000 });
    expect(text(connector.cardOf(msg))).toContain('had op');
    expect(await remind(FRIDAY_AFTER)).toBe(1);
    expect((await outboxKeys()).slice(2)).toEqual([`action:${actionDbId}:overdue:${THURSDAY_AFTER}`, `action:${actionDbId}:overdue:${FRIDAY_AFTER}`]);
  });
});

describe('marking it done', () => {
  it('needs the evaluation: without it nothing changes and the form stays open with what was typed', async () => {
    const before = await state();
    const res = await act(ahmed, ahmed, 'action.done', { v: 1, action: actionId, worked: 'partly', keep: '   ' });
    const body = card(res);
    expect(body).toContain('Schrijf op wat we vasthouden');
    expect(body).toContain('"id":"worked"');
    expect(body).toContain('"value":"partly"');
    expect(await state()).toEqual(before);
  });

  it('records the evaluation, who and when; after that no more reminders', async () => {
    const res = await act(ahmed, ahmed, 'action.done', { v: 1, action: actionId, worked: 'partly', keep: 'De tien minuten blijven vast op de agenda van het teamoverleg.' });
    const body = card(res);
    expect(body).toContain('Afgerond. Dank je wel voor de terugblik.');
    expect(body).toContain('Deels');
    expect(body).not.toContain('"verb":"action.done"');
    const s = await state();
    expect(s).toMatchObject({ status: 'done', done_by: ahmed.aadObjectId, evaluation: { worked: 'partly', keep: 'De tien minuten blijven vast op de agenda van het teamoverleg.' } });
    expect(await cadans.actions.service.runReminders(addDays(FRIDAY_AFTER, 3))).toEqual({ sent: 0, failed: 0 });
    const again = await act(ahmed, ahmed, 'action.done', { v: 1, action: actionId, worked: 'no', keep: 'Niets' });
    expect(card(again)).toContain('al afgerond of geannuleerd');
    expect((await state()).evaluation).toEqual(s.evaluation);
  });
});

describe('the open actions', () => {
  it('lists what the actor may see, overdue first, and offers them to other features', async () => {
    // Three more of Karin's, typed in; two are made overdue (the form takes no date in the past).
    const titles = ['Later: kwaliteitskalender delen met de MR', 'Te laat: schoolbezoeken plannen', 'Het langst te laat: analyse eindtoetsen'];
    for (const [i, title] of titles.entries()) {
      const res = await act(karin, karin, 'action.save', { v: 1, title, owner: karin.aadObjectId, dueDate: addDays(DUE, i) });
      expect(card(res)).toContain('De verbeteractie staat klaar. Je krijgt een herinnering');
    }
    const today = todayInAmsterdam(new Date());
    await cadans.db.query("update improvement_actions set due_date = $1 where title like 'Te laat%'", [addDays(today, -3)]);
    await cadans.db.query("update improvement_actions set due_date = $1 where title like 'Het langst%'", [addDays(today, -20)]);
    const list = card(await act(karin, karin, 'action.list', { v: 1 }));
    const at = (t: string) => list.indexOf(t);
    expect(list).toContain('Open: 3 · te laat: 2');
    expect(at('Het langst te laat')).toBeGreaterThan(-1);
    expect(at('Het langst te laat')).toBeLessThan(at('Te laat: schoolbezoeken'));
    expect(at('Te laat: schoolbezoeken')).toBeLessThan(at('Later: kwaliteitskalender'));
    expect(list).toContain('te laat sinds');
    expect(list).not.toContain('Elk teamoverleg'); // done

    const prep = await cadans.actions.openForPrep(world.tenantId, null, today);
    expect(prep.open).toBe(3);
    expect(prep.overdue).toBe(2);
    expect(prep.actions.map((a) => a.title)).toEqual([titles[2], titles[1], titles[0]]);
    expect(prep.actions.map((a) => a.overdue)).toEqual([true, true, false]);
  });

  it('shows Ahmed none of them (he owns none that are open), and Bea all of them', async () => {
    const mine = await cadans.actions.listOpen({ ...actorOf(ahmed) });
    expect(mine.total).toBe(0);
    const all = await cadans.actions.listOpen({ ...actorOf(bea) });
    expect(all.total).toBe(3);
    expect(all.actions[0]!.dueState).toBe('overdue');
  });

  it('drops a cancelled action from the list', async () => {
    const id = (await cadans.db.query<{ public_id: string }>("select public_id from improvement_actions where title like 'Later:%'")).rows[0]!.public_id;
    const res = await act(karin, karin, 'action.cancel', { v: 1, action: id });
    expect(card(res)).toContain('De verbeteractie is geannuleerd.');
    const list = card(await act(karin, karin, 'action.list', { v: 1 }));
    expect(list).toContain('Open: 2 · te laat: 2');
    expect(list).not.toContain('kwaliteitskalender');
  });
});

function actorOf(u: TeamsUser) {
  return {
    tenantId: world.tenantId,
    aadObjectId: u.aadObjectId,
    teamsUserId: u.id,
    name: u.name,
    locale: 'nl-NL',
    conversation: { id: u.personalConversationId, kind: 'personal' as const, serviceUrl: connector.serviceUrl },
  };
}
