import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type ConnectorRecord, type FakeConnector } from '../support/fake-connector.js';
import { cardActions } from '../support/card-check.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { REMINDER_QUEUE } from '../../src/checklists/feature.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsTeam, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser; // kwaliteitsmedewerker-like: first person, so beheerder in local mode
let joost: TeamsUser; // no role
let team: TeamsTeam;
let channel: TeamsChannel;
let helpers: TeamsUser[];

const text = (x: unknown) => JSON.stringify(x);

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(user, channel, verb, data));
  expect(res.status).toBe(200);
  return (res.body as { value: Record<string, unknown> }).value;
}

async function steps(checklistId: number) {
  const r = await cadans.db.query<{ position: number; status: string; owner_name: string | null; note: string; evidence_url: string }>(
    'select position, status, owner_name, note, evidence_url from checklist_steps where checklist_id = $1 order by position',
    [checklistId],
  );
  return r.rows;
}

/** The posted channel card as Teams shows it now: the latest PUT, or the original post. */
function currentCard(activityId: string) {
  return connector.cardOf(connector.activity(activityId)?.activity);
}

async function startInspection(title: string, school = 'none'): Promise<{ id: number; activityId: string }> {
  const card = await invoke(sanne, 'checklist.start', { v: 1, template: 'inspection', title, school, targetDate: '2027-03-09' });
  expect(text(card)).toContain('staat in het kanaal');
  const r = await cadans.db.query<{ id: string }>('select id from checklists where title = $1', [title]);
  const id = Number(r.rows[0]!.id);
  const posted = await connector.waitFor((rec) => rec.method === 'POST' && rec.status < 300 && text(rec.body).includes(title) && text(rec.body).includes('checklist.step'), { timeoutMs: 5_000 });
  const activityId = String((posted.response as { id: string }).id);
  // The outbox tells the checklist where its card is.
  await waitUntil(async () => (await cadans.db.query('select card_activity_id from checklists where id = $1', [id])).rows[0]?.card_activity_id === activityId);
  return { id, activityId };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the posted card shows `expected` (the coalesced updates have gone out). */
async function waitForCardText(activityId: string, expected: string) {
  await waitUntil(async () => text(currentCard(activityId)).includes(expected));
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  joost = world.user({ name: 'Joost Bakker' });
  helpers = Array.from({ length: 10 }, (_, i) => world.user({ name: `Collega ${String.fromCharCode(65 + i)}` }));
  team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, joost, ...helpers] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});
// No connector.reset() between tests: it would forget the posted cards that later tests update.

describe('starting a checklist in a channel', () => {
  it('offers both built-in checklists to someone who may start one', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(sanne, channel, 'checklist', { mention: true }));
    const card = connector.cardOf((await connector.waitForSent(1, { since }))[0]);
    expect(text(card)).toContain('Aan de slag met Cadans');
    expect(text(card)).toContain('Voorbereiding inspectiebezoek');
    expect(text(card)).toContain('checklist.new');
  });

  it('offers no start button to someone without a role', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(joost, channel, 'checklist', { mention: true }));
    const card = connector.cardOf((await connector.waitForSent(1, { since }))[0]);
    expect(text(card)).not.toContain('checklist.new');
    expect(text(card)).toContain('Een kwaliteitsmedewerker, schoolleider (directeur of rector) of beheerder kan een checklist starten');
  });

  it('posts one shared card in the channel with all eleven steps in Dutch and default due dates', async () => {
    const { activityId } = await startInspection('Inspectiebezoek De Regenboog, maart 2027');
    const card = text(currentCard(activityId));
    expect(card).toContain('0 van 11 klaar');
    for (const step of ['Bepaal wat je wilt vertellen', 'Verzamel data en kwaliteitsdocumenten', 'Stem af met de verificatiescholen', 'Ken je sterke punten']) {
      expect(card).toContain(step);
    }
    expect(card).toContain('uiterlijk 9 februari 2027'); // step 3: four weeks before the start of the investigation
    const posts = connector.sent().filter((r) => text(r.body).includes('Inspectiebezoek De Regenboog'));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.conversationId).toBe(channel.id); // a new post in the channel, not a thread reply
  });

  it('lists the running checklists with their progress and a link to each card', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(joost, channel, 'checklist', { mention: true }));
    const card = text(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(card).toContain('Inspectiebezoek De Regenboog, maart 2027');
    expect(card).toContain('0 van 11 klaar');
    expect(card).toContain('https://teams.microsoft.com/l/message/');
  });

  it('refuses a checklist start from someone without a role and creates nothing', async () => {
    const before = await cadans.db.query('select count(*)::int as n from checklists');
    const card = await invoke(joost, 'checklist.start', { v: 1, template: 'inspection', title: 'Nep', school: 'none' });
    expect(text(card)).toContain('Daar heb je de rol niet voor');
    expect((await cadans.db.query('select count(*)::int as n from checklists')).rows).toEqual(before.rows);
  });

  it('asks again for a real date instead of starting with a bad one', async () => {
    const card = await invoke(sanne, 'checklist.start', { v: 1, template: 'inspection', title: 'Datumtest', school: 'none', targetDate: '2027-02-30' });
    expect(text(card)).toContain('Kies een geldige datum');
    expect((await cadans.db.query("select count(*)::int as n from checklists where title = 'Datumtest'")).rows[0].n).toBe(0);
  });
});

describe('working through the steps', () => {
  let checklist: { id: number; activityId: string };
  beforeAll(async () => {
    checklist = await startInspection('Inspectie Het Kompas, april 2027');
  });

  it('marks a step done, and everyone sees the updated card', async () => {
    const card = await invoke(sanne, 'checklist.setStatus', { v: 1, checklistId: checklist.id, position: 1, status: 'klaar' });
    expect(text(card)).toContain('Opgeslagen');
    await waitForCardText(checklist.activityId, '1 van 11 klaar');
    const puts = connector.updates().filter((r) => r.activityId === checklist.activityId);
    expect(puts.length).toBeGreaterThanOrEqual(1);
  });

  it('lets someone without a role volunteer for an open step and then finish it', async () => {
    await invoke(joost, 'checklist.take', { v: 1, checklistId: checklist.id, position: 2 });
    expect((await steps(checklist.id))[1]).toMatchObject({ owner_name: 'Joost Bakker', status: 'bezig' });
    await invoke(joost, 'checklist.setStatus', { v: 1, checklistId: checklist.id, position: 2, status: 'klaar' });
    expect((await steps(checklist.id))[1]).toMatchObject({ status: 'klaar' });
    await waitForCardText(checklist.activityId, 'Joost Bakker');
  });

  it("refuses a status change on someone else's step from someone without a role, changing nothing", async () => {
    const before = await steps(checklist.id);
    const card = await invoke(joost, 'checklist.setStatus', { v: 1, checklistId: checklist.id, position: 3, status: 'klaar' });
    expect(text(card)).toContain('Daar heb je de rol niet voor');
    expect(await steps(checklist.id)).toEqual(before);
  });

  it('refuses a change from someone whose role was taken away after their last change, changing nothing', async () => {
    const kim = helpers[6]!;
    await postActivity(cadans.url, world.personalMessage(kim, 'hulp')); // known to Cadans
    await cadans.db.query(`insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')`, [world.tenantId, kim.aadObjectId]);
    const card = await invoke(kim, 'checklist.setStatus', { v: 1, checklistId: checklist.id, position: 4, status: 'bezig' });
    expect(text(card)).toContain('Opgeslagen');
    await cadans.db.query('delete from role_assignments where tenant_id = $1 and aad_object_id = $2', [world.tenantId, kim.aadObjectId]);
    const before = await steps(checklist.id);
    const refused = await invoke(kim, 'checklist.setStatus', { v: 1, checklistId: checklist.id, position: 4, status: 'klaar' });
    expect(text(refused)).toContain('Daar heb je de rol niet voor');
    expect(await steps(checklist.id)).toEqual(before);
  });

  it('refuses an action on a checklist of another tenant with the same card as any refusal, saying nothing of whether it exists', async () => {
    const other = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '12121212-3434-4545-8656-787878787878' });
    const stranger = other.user({ name: 'Vreemde Beheerder' });
    const strangerTeam = other.team({ name: 'Ander Team', members: [stranger] });
    await postActivity(cadans.url, other.personalMessage(stranger, 'hulp')); // beheerder of their own tenant
    const before = await steps(checklist.id);
    const res = await postActivity(cadans.url, other.actionExecute(stranger, strangerTeam.general, 'checklist.setStatus', { v: 1, checklistId: checklist.id, position: 3, status: 'klaar' }));
    expect(text(res.body)).toContain('Daar heb je de rol niet voor');
    expect(text(res.body)).not.toContain('checklist');
    expect(await steps(checklist.id)).toEqual(before);
  });

  it('keeps a note and an evidence link, and refuses a link that is not https', async () => {
    const bad = await invoke(sanne, 'checklist.saveStep', { v: 1, checklistId: checklist.id, position: 3, note: 'x', evidenceUrl: 'javascript:alert(1)' });
    expect(text(bad)).toContain('Een bewijslink moet een https-adres zijn');
    expect((await steps(checklist.id))[2]).toMatchObject({ note: '', evidence_url: '' });
    await invoke(sanne, 'checklist.saveStep', {
      v: 1,
      checklistId: checklist.id,
      position: 3,
      note: 'Analyse rekenen groep 8 staat in de map.',
      evidenceUrl: 'https://stichting.sharepoint.com/sites/kwaliteit/analyse.docx',
    });
    expect((await steps(checklist.id))[2]).toMatchObject({ note: 'Analyse rekenen groep 8 staat in de map.', evidence_url: 'https://stichting.sharepoint.com/sites/kwaliteit/analyse.docx' });
    await waitForCardText(checklist.activityId, 'Analyse rekenen groep 8');
  });

  it('sends the new owner of a step a 1:1 card about it', async () => {
    const owner = helpers[1]!;
    await invoke(sanne, 'checklist.saveStep', { v: 1, checklistId: checklist.id, position: 5, owner: owner.aadObjectId });
    const msg = await connector.waitFor(
      (r) => r.conversationId === owner.personalConversationId && (r.operation === 'sendToConversation' || r.operation === 'replyToActivity') && r.status < 300,
      { timeoutMs: 5_000 },
    );
    const card = text(connector.cardOf(msg));
    expect(card).toContain('Je bent eigenaar van deze stap');
    expect(card).toContain('Stem af met de verificatiescholen');
  });

  it('reminds the owner once when a step is overdue, on the day the reminder job runs', async () => {
    const owner = helpers[1]!; // owns step 5, due 2027-03-19 for a visit on 2027-04-09
    const due = (await cadans.db.query("select to_char(due_date, 'YYYY-MM-DD') as d from checklist_steps where checklist_id = $1 and position = 5", [checklist.id])).rows[0].d as string;
    const dayAfter = new Date(Date.parse(`${due}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const since = connector.mark();
    await cadans.jobs.boss.send(REMINDER_QUEUE, { today: dayAfter });
    await cadans.jobs.boss.send(REMINDER_QUEUE, { today: dayAfter });
    const isOverdueCard = (r: ConnectorRecord) =>
      r.conversationId === owner.personalConversationId && (r.operation === 'sendToConversation' || r.operation === 'replyToActivity') && r.status < 300 && text(r.body).includes('had op');
    const msg = await connector.waitFor(isOverdueCard, { since, timeoutMs: 8_000 });
    expect(text(connector.cardOf(msg))).toContain('Deze stap had op');
    // The second run of the same day sends nothing new.
    await waitUntil(async () => (await cadans.db.query("select count(*)::int as n from outbox_messages where idempotency_key like $1", [`checklist:${checklist.id}:step:5:overdue:%`])).rows[0].n === 1);
    const overdueCards = connector.records.filter((r) => r.seq > since && isOverdueCard(r));
    expect(overdueCards).toHaveLength(1);
  });

  it('assigns a step only to someone in the team roster', async () => {
    const outsider = world.user({ name: 'Niet In Het Team' });
    const refused = await invoke(sanne, 'checklist.saveStep', { v: 1, checklistId: checklist.id, position: 4, owner: outsider.aadObjectId });
    expect(text(refused)).toContain('Kies een eigenaar uit de lijst');
    await invoke(sanne, 'checklist.saveStep', { v: 1, checklistId: checklist.id, position: 4, owner: helpers[0]!.aadObjectId });
    expect((await steps(checklist.id))[3]).toMatchObject({ owner_name: 'Collega A' });
  });

  it('assigns a step to a colleague who joined the team a moment ago', async () => {
    await invoke(sanne, 'checklist.step', { v: 1, checklistId: checklist.id, position: 6 }); // the roster is read now
    const newcomer = world.user({ name: 'Nieuwe Collega' });
    connector.setMembers(team.id, [...team.members, newcomer].map((m) => m.rosterEntry));
    const card = await invoke(sanne, 'checklist.saveStep', { v: 1, checklistId: checklist.id, position: 6, owner: newcomer.aadObjectId });
    expect(text(card)).not.toContain('Kies een eigenaar uit de lijst');
    expect((await steps(checklist.id))[5]).toMatchObject({ owner_name: 'Nieuwe Collega' });
    connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  });

  it('keeps every change in the log, with who, and old and new values', async () => {
    const r = await cadans.db.query<{ position: number; actor_name: string; field: string; old_value: string | null; new_value: string | null }>(
      'select position, actor_name, field, old_value, new_value from checklist_events where checklist_id = $1 order by id',
      [checklist.id],
    );
    expect(r.rows).toContainEqual({ position: 1, actor_name: 'Sanne de Vries', field: 'status', old_value: 'open', new_value: 'klaar' });
    expect(r.rows).toContainEqual({ position: 2, actor_name: 'Joost Bakker', field: 'owner', old_value: null, new_value: 'Joost Bakker' });
    expect(r.rows).toContainEqual({ position: 4, actor_name: 'Sanne de Vries', field: 'owner', old_value: null, new_value: 'Collega A' });
  });
});

describe('many people at once', () => {
  it('applies 20 simultaneous changes from different people to different steps, losing none', async () => {
    const c = await startInspection('Gelijktijdig, mei 2027');
    // Ten volunteers each take a step while Sanne writes a note on each step: 20 invokes at once.
    const takes = helpers.map((u, i) => invoke(u, 'checklist.take', { v: 1, checklistId: c.id, position: i + 1 }));
    const notes = helpers.map((_, i) => invoke(sanne, 'checklist.saveStep', { v: 1, checklistId: c.id, position: i + 1, note: `Notitie ${i + 1}` }));
    await Promise.all([...takes, ...notes]);
    // Ten of the eleven steps: the last one is left alone.
    const rows = (await steps(c.id)).slice(0, helpers.length);
    expect(rows.map((r) => r.owner_name)).toEqual(helpers.map((u) => u.name));
    expect(rows.map((r) => r.note)).toEqual(rows.map((_, i) => `Notitie ${i + 1}`));
    expect(rows.every((r) => r.status === 'bezig')).toBe(true);
    // The channel card ends up showing all twenty changes, after a handful of coalesced updates.
    await waitUntil(async () => {
      const card = text(currentCard(c.activityId));
      return helpers.every((u) => card.includes(u.name)) && rows.every((_, i) => card.includes(`Notitie ${i + 1}`));
    }, 10_000);
    const puts = connector.updates().filter((r: ConnectorRecord) => r.activityId === c.activityId);
    expect(puts.length).toBeLessThan(20);
  });

  it('shows a finished checklist as completed on the card', async () => {
    const school = await cadans.db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'De Wilg') returning id", [world.tenantId]);
    const c = await startInspection('Afronden, juni 2027', school.rows[0]!.id);
    for (let n = 1; n <= 11; n++) await invoke(sanne, 'checklist.setStatus', { v: 1, checklistId: c.id, position: n, status: n === 6 ? 'nvt' : 'klaar' });
    await waitForCardText(c.activityId, 'Afgerond');
    const r = await cadans.db.query('select completed_at from checklists where id = $1', [c.id]);
    expect(r.rows[0].completed_at).not.toBeNull();
    // One summary in the channel: who did what, and the next step of the cycle.
    const summary = await connector.waitFor((rec) => rec.method === 'POST' && rec.status < 300 && text(rec.body).includes('Afgerond: Afronden, juni 2027'), { timeoutMs: 5_000 });
    const card = text(connector.cardOf(summary));
    expect(card).toContain('Klaar door Sanne de Vries');
    expect(card).toContain('N.v.t. door Sanne de Vries');
    expect(card).toContain('Verbeterplan starten');
    expect(summary.conversationId).toBe(channel.id);
    // "Verbeterplan starten" keeps the summary and puts the start form below it, its school filled in.
    const follow = cardActions(connector.cardOf(summary)).find((a) => a.verb === 'checklist.followUp')!;
    const since = connector.mark();
    const kept = await invoke(sanne, 'checklist.followUp', follow.data!);
    expect(text(kept)).toContain('Afgerond: Afronden, juni 2027');
    const below = connector.records.filter((x) => x.seq > since && x.operation === 'replyToActivity' && x.status < 300);
    expect(below).toHaveLength(1);
    const form = connector.cardOf(below[0]!) as { body: { id?: string; value?: string }[]; actions: { verb?: string }[] };
    expect(form.actions.map((a) => a.verb)).toContain('checklist.start');
    expect(form.body.find((x) => x.id === 'school')?.value).toBe(school.rows[0]!.id);
    // Someone without a role gets the refusal below, and the summary stays.
    const since2 = connector.mark();
    expect(text(await invoke(joost, 'checklist.followUp', follow.data!))).toContain('Afgerond: Afronden, juni 2027');
    const refusal = connector.records.filter((x) => x.seq > since2 && x.operation === 'replyToActivity' && x.status < 300);
    expect(text(connector.cardOf(refusal[0]!))).toContain('Daar heb je de rol niet voor');
  });

  it('offers finished and running checklists for export, with fresh download links that work', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(joost, channel, 'checklist', { mention: true }));
    const menu = text(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(menu).toContain('Afgeronde checklists');
    const done = await cadans.db.query<{ id: string; public_id: string }>("select id, public_id from checklists where title = 'Afronden, juni 2027'");
    // A finished checklist can be opened again from the list.
    expect(menu).toContain(`"verb":"checklist.view","data":{"v":2,"checklist":"${done.rows[0]!.public_id}"}`);
    expect(text(await invoke(joost, 'checklist.view', { v: 2, checklist: done.rows[0]!.public_id }))).toContain('Afronden, juni 2027');
    const card = await invoke(joost, 'checklist.export', { v: 1, checklistId: done.rows[0]!.id });
    const urls = (card.actions as { type: string; url?: string }[]).filter((a) => a.type === 'Action.OpenUrl').map((a) => a.url!);
    expect(urls).toHaveLength(2);
    const res = await fetch(urls[0]!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('.xlsx');
  });
});

describe('during a rolling deploy', () => {
  it('keeps changing steps and updating the card after a newer release added columns', async () => {
    const c = await startInspection('Uitrol, juli 2027');
    await invoke(sanne, 'checklist.setStatus', { v: 1, checklistId: c.id, position: 1, status: 'klaar' });
    await waitForCardText(c.activityId, '1 van 11 klaar');
    // The next release's migration runs while this instance keeps serving (its statements are prepared).
    await cadans.db.query('alter table checklists add column next_release_note text');
    await cadans.db.query('alter table checklist_steps add column next_release_flag boolean');
    await cadans.db.query('alter table outbox_messages add column next_release_hint text');
    const card = await invoke(sanne, 'checklist.setStatus', { v: 1, checklistId: c.id, position: 2, status: 'klaar' });
    expect(text(card)).toContain('Opgeslagen');
    await waitForCardText(c.activityId, '2 van 11 klaar');
    expect((await steps(c.id)).slice(0, 2).map((s) => s.status)).toEqual(['klaar', 'klaar']);
  });
});
