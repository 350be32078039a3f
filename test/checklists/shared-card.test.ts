// Working on the shared channel card (issue 8), as Teams traffic: what is typed in a step's form
// survives "Ik pak dit op", a refused save and someone else's change (the card's refresh gives the
// form back); a row's status menu changes a step with one click and refuses whoever may not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { cardActions, type CardAction } from '../support/card-check.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsTeam, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser; // first person: beheerder in local mode, so she edits
let joost: TeamsUser; // team member without a role
let kim: TeamsUser; // team member who only looks
let ahmed: TeamsUser; // kwaliteitsmedewerker: edits too
let team: TeamsTeam;
let channel: TeamsChannel;

type Card = Record<string, unknown>;
const text = (x: unknown) => JSON.stringify(x);

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>, opts: { trigger?: 'manual' | 'automatic'; replyToId?: string } = {}): Promise<Card> {
  const res = await postActivity(cadans.url, world.actionExecute(user, channel, verb, data, opts));
  expect(res.status).toBe(200);
  return (res.body as { value: Card }).value;
}

/** The value an input of a card holds, by its id. */
function inputValue(card: unknown, id: string): unknown {
  let found: unknown;
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === id) found = o.value;
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

/** The action a person would press: by verb and what its data says. */
function action(card: unknown, verb: string, match: Record<string, unknown> = {}): CardAction & { mode?: string } {
  const a = cardActions(card).find((x) => x.verb === verb && Object.entries(match).every(([k, v]) => x.data?.[k] === v));
  if (!a) throw new Error(`no ${verb} ${JSON.stringify(match)} on the card`);
  return a;
}

/** Presses an Action.Execute with the data the card gives it, plus what the person typed (Teams adds the inputs). */
function press(user: TeamsUser, a: CardAction, typed: Record<string, string> = {}) {
  return invoke(user, a.verb!, { ...a.data, ...typed });
}

async function step(checklistId: number, position: number) {
  const r = await cadans.db.query<{ status: string; owner_name: string | null; note: string; evidence_url: string }>(
    'select status, owner_name, note, evidence_url from checklist_steps where checklist_id = $1 and position = $2',
    [checklistId, position],
  );
  return r.rows[0]!;
}

function currentCard(activityId: string): Card {
  return connector.cardOf(connector.activity(activityId)?.activity) as Card;
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function startInspection(title: string, extra: Record<string, unknown> = {}): Promise<{ id: number; activityId: string }> {
  await invoke(sanne, 'checklist.start', { v: 1, template: 'inspection', title, school: 'none', targetDate: '2027-03-09', ...extra });
  const id = Number((await cadans.db.query<{ id: string }>('select id from checklists where title = $1 order by id desc limit 1', [title])).rows[0]!.id);
  let activityId = '';
  await waitUntil(async () => {
    activityId = (await cadans.db.query('select card_activity_id from checklists where id = $1', [id])).rows[0]?.card_activity_id ?? '';
    return activityId !== '';
  });
  return { id, activityId };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  joost = world.user({ name: 'Joost Bakker' });
  kim = world.user({ name: 'Kim Jansen' });
  ahmed = world.user({ name: 'Ahmed El Amrani' });
  team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, joost, kim, ahmed] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder
  await postActivity(cadans.url, world.personalMessage(joost, 'hulp'));
  await postActivity(cadans.url, world.personalMessage(ahmed, 'hulp'));
  await cadans.db.query(`insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')`, [world.tenantId, ahmed.aadObjectId]);
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('what is typed in a step form is kept', () => {
  let checklist: { id: number; activityId: string };
  beforeAll(async () => {
    checklist = await startInspection('Inspectie De Linde, maart 2027');
  });

  it('saves the note and link typed before "Ik pak dit op" along with taking the step, and says so', async () => {
    const form = await press(sanne, action(currentCard(checklist.activityId), 'checklist.step', { position: 5 }));
    const take = action(form, 'checklist.take');
    expect((take as { associatedInputs?: string }).associatedInputs).toBe('auto'); // Teams sends the inputs with it
    const after = await press(sanne, take, { owner: '', note: 'Gesprek met de RvT gepland op 3 februari.', evidenceUrl: 'https://stichting.sharepoint.com/sites/kwaliteit/rvt.docx' });
    expect(text(after)).toContain('Opgeslagen');
    expect(inputValue(after, 'note')).toBe('Gesprek met de RvT gepland op 3 februari.');
    expect(inputValue(after, 'evidenceUrl')).toBe('https://stichting.sharepoint.com/sites/kwaliteit/rvt.docx');
    expect(await step(checklist.id, 5)).toMatchObject({ status: 'bezig', owner_name: 'Sanne de Vries', note: 'Gesprek met de RvT gepland op 3 februari.', evidence_url: 'https://stichting.sharepoint.com/sites/kwaliteit/rvt.docx' });
  });

  it('saves what was typed with a status button too', async () => {
    const form = await press(sanne, action(currentCard(checklist.activityId), 'checklist.step', { position: 2 }));
    const after = await press(sanne, action(form, 'checklist.setStatus', { status: 'klaar' }), { owner: '', note: 'Besproken in het MT.' });
    expect(text(after)).toContain('Opgeslagen');
    expect(await step(checklist.id, 2)).toMatchObject({ status: 'klaar', note: 'Besproken in het MT.' });
  });

  it('writes only what she changed: a field left as her form showed it does not undo a colleague\'s save', async () => {
    const form = await press(sanne, action(currentCard(checklist.activityId), 'checklist.step', { position: 3 }));
    // Meanwhile Ahmed writes a note and a link on the same step, from his own form.
    const his = await press(ahmed, action(currentCard(checklist.activityId), 'checklist.step', { position: 3 }));
    await press(ahmed, action(his, 'checklist.saveStep'), { owner: '', note: 'Jaarverslag staat in de map.', evidenceUrl: 'https://stichting.sharepoint.com/sites/kwaliteit/jaarverslag.pdf' });
    // Sanne's form still shows the empty note; she changes only the due date and marks it done.
    const after = await press(sanne, action(form, 'checklist.setStatus', { status: 'klaar' }), { owner: '', note: '', evidenceUrl: '', dueDate: '2027-02-05' });
    expect(text(after)).toContain('Opgeslagen');
    expect(await step(checklist.id, 3)).toMatchObject({ status: 'klaar', note: 'Jaarverslag staat in de map.', evidence_url: 'https://stichting.sharepoint.com/sites/kwaliteit/jaarverslag.pdf' });
    const due = (await cadans.db.query("select to_char(due_date, 'YYYY-MM-DD') as d from checklist_steps where checklist_id = $1 and position = 3", [checklist.id])).rows[0].d;
    expect(due).toBe('2027-02-05');
    // The answer shows the step as it is now: his note, her date.
    expect(inputValue(after, 'note')).toBe('Jaarverslag staat in de map.');
  });

  it('keeps what was typed in the form when a save is refused, and changes nothing', async () => {
    const form = await press(sanne, action(currentCard(checklist.activityId), 'checklist.step', { position: 6 }));
    const before = await step(checklist.id, 6);
    const refused = await press(sanne, action(form, 'checklist.setStatus', { status: 'klaar' }), { owner: '', note: 'Verificatiescholen gebeld.', evidenceUrl: 'intranet/verificatie' });
    expect(text(refused)).toContain('Een bewijslink moet een https-adres zijn');
    expect(text(refused)).not.toContain('Opgeslagen');
    expect(inputValue(refused, 'note')).toBe('Verificatiescholen gebeld.');
    expect(inputValue(refused, 'evidenceUrl')).toBe('intranet/verificatie');
    expect(await step(checklist.id, 6)).toEqual(before);
  });

  it("gives the open form back, with what was typed, when someone else's change updates the shared card", async () => {
    // Sanne still has step 6 open with her refused input (previous test). Joost takes step 1.
    const updates = connector.updates().filter((r) => r.activityId === checklist.activityId).length;
    await press(joost, action(currentCard(checklist.activityId), 'checklist.step', { position: 1 })).then((f) => press(joost, action(f, 'checklist.take')));
    expect(await step(checklist.id, 1)).toMatchObject({ owner_name: 'Joost Bakker' });
    await waitUntil(() => connector.updates().filter((r) => r.activityId === checklist.activityId && r.status < 300).length > updates && text(currentCard(checklist.activityId)).includes('Joost Bakker'));
    const shared = currentCard(checklist.activityId);
    const refresh = shared.refresh as { action: { verb: string; data: Record<string, unknown> }; userIds: string[] };
    // Whoever has a form open comes first in the refresh list, so Teams asks for their view.
    expect(refresh.userIds.slice(0, 2).sort()).toEqual([sanne.id, joost.id].sort());

    // Teams asks again for everyone in the list (the refresh invoke); Sanne gets her form back.
    const forSanne = await invoke(sanne, refresh.action.verb, refresh.action.data, { trigger: 'automatic', replyToId: checklist.activityId });
    expect(text(forSanne)).toContain('Stap 6');
    expect(text(forSanne)).toContain('Nog niet opgeslagen');
    expect(inputValue(forSanne, 'note')).toBe('Verificatiescholen gebeld.');
    expect(inputValue(forSanne, 'evidenceUrl')).toBe('intranet/verificatie');

    // Joost gets his own form (step 1, as he took it), not hers.
    const forJoost = await invoke(joost, refresh.action.verb, refresh.action.data, { trigger: 'automatic', replyToId: checklist.activityId });
    expect(text(forJoost)).toContain('Stap 1');
    expect(text(forJoost)).not.toContain('Nog niet opgeslagen');

    // Someone with no form open gets the overview, with the change.
    const forKim = await invoke(kim, refresh.action.verb, refresh.action.data, { trigger: 'manual', replyToId: checklist.activityId });
    expect(cardActions(forKim).some((a) => a.verb === 'checklist.step')).toBe(true);
    expect(text(forKim)).toContain('Joost Bakker');

    // Corrected and saved, the form says so, and the next refresh shows it without a warning.
    const saved = await press(sanne, action(forSanne, 'checklist.saveStep'), { owner: '', note: 'Verificatiescholen gebeld.', evidenceUrl: 'https://stichting.sharepoint.com/sites/kwaliteit/verificatie.docx' });
    expect(text(saved)).toContain('Opgeslagen');
    const again = await invoke(sanne, refresh.action.verb, refresh.action.data, { trigger: 'automatic' });
    expect(text(again)).toContain('Stap 6');
    expect(text(again)).not.toContain('Nog niet opgeslagen');
    expect(inputValue(again, 'evidenceUrl')).toBe('https://stichting.sharepoint.com/sites/kwaliteit/verificatie.docx');
  });

  it('shows the overview again once she goes back to the checklist', async () => {
    const shared = currentCard(checklist.activityId);
    const refresh = shared.refresh as { action: { verb: string; data: Record<string, unknown> } };
    const form = await invoke(sanne, refresh.action.verb, refresh.action.data, { trigger: 'automatic' });
    const overview = await press(sanne, action(form, 'checklist.view'));
    expect(cardActions(overview).some((a) => a.verb === 'checklist.step')).toBe(true);
    const later = await invoke(sanne, refresh.action.verb, refresh.action.data, { trigger: 'automatic' });
    expect(cardActions(later).some((a) => a.verb === 'checklist.step')).toBe(true);
    expect(text(later)).not.toContain('Stap 6:');
  });
});

describe("a row's status menu on the shared card", () => {
  let checklist: { id: number; activityId: string };
  beforeAll(async () => {
    checklist = await startInspection('Inspectie De Wilg, april 2027');
  });

  it('offers the status changes of each row folded into its menu, beside Details', () => {
    const card = currentCard(checklist.activityId);
    const row = cardActions(card).filter((a) => a.verb === 'checklist.setStatus' && a.data?.position === 7) as Array<CardAction & { mode?: string }>;
    expect(row.map((a) => a.data?.status).sort()).toEqual(['bezig', 'klaar', 'nvt']);
    expect(row.every((a) => a.mode === 'secondary')).toBe(true);
    expect(cardActions(card).filter((a) => a.verb === 'checklist.step')).toHaveLength(11);
  });

  it('marks a step done with one click, answering with the card and a confirmation, and everyone sees it', async () => {
    const answer = await press(sanne, action(currentCard(checklist.activityId), 'checklist.setStatus', { position: 7, status: 'klaar' }));
    expect(text(answer)).toContain('Opgeslagen: stap 7 staat op klaar.');
    expect(cardActions(answer).some((a) => a.verb === 'checklist.step')).toBe(true); // still the overview
    expect(await step(checklist.id, 7)).toMatchObject({ status: 'klaar' });
    await waitUntil(() => text(currentCard(checklist.activityId)).includes('1 van'));
    // The row now offers to reopen it instead.
    const row = cardActions(currentCard(checklist.activityId)).filter((a) => a.verb === 'checklist.setStatus' && a.data?.position === 7);
    expect(row.map((a) => a.data?.status).sort()).toEqual(['bezig', 'nvt', 'open']);
  });

  it("refuses a row's status change from someone who may not change that step, changing nothing", async () => {
    const before = await step(checklist.id, 8);
    const refused = await press(joost, action(currentCard(checklist.activityId), 'checklist.setStatus', { position: 8, status: 'klaar' }));
    expect(text(refused)).toContain('Daar heb je de rol niet voor');
    expect(cardActions(refused).some((a) => a.verb === 'checklist.step')).toBe(true); // he keeps the overview
    expect(await step(checklist.id, 8)).toEqual(before);
  });

  it('refuses a forged row action from another tenant, saying nothing of the checklist', async () => {
    const other = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '12121212-3434-4545-8656-787878787878' });
    const stranger = other.user({ name: 'Vreemde Beheerder' });
    const strangerTeam = other.team({ name: 'Ander Team', members: [stranger] });
    await postActivity(cadans.url, other.personalMessage(stranger, 'hulp')); // beheerder of their own tenant
    const forged = action(currentCard(checklist.activityId), 'checklist.setStatus', { position: 9, status: 'klaar' });
    const before = await step(checklist.id, 9);
    const res = await postActivity(cadans.url, other.actionExecute(stranger, strangerTeam.general, forged.verb!, forged.data!));
    expect(text(res.body)).toContain('Daar heb je de rol niet voor');
    expect(text(res.body)).not.toContain('Inspectie De Wilg');
    expect(await step(checklist.id, 9)).toEqual(before);
  });

  it('lets the owner of a step change it from the row, without a role', async () => {
    await press(joost, action(currentCard(checklist.activityId), 'checklist.step', { position: 10 })).then((f) => press(joost, action(f, 'checklist.take')));
    const answer = await press(joost, action(currentCard(checklist.activityId), 'checklist.setStatus', { position: 10, status: 'klaar' }));
    expect(text(answer)).toContain('Opgeslagen: stap 10 staat op klaar.');
    expect(await step(checklist.id, 10)).toMatchObject({ status: 'klaar', owner_name: 'Joost Bakker' });
  });
});

describe('the running checklists list', () => {
  it('tells two inspections apart by school and date', async () => {
    const school = (await cadans.db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'OBS De Regenboog') returning id", [world.tenantId])).rows[0]!.id;
    await startInspection('Inspectiebezoek', { school: Number(school), targetDate: '2027-05-11' });
    await startInspection('Inspectiebezoek', { targetDate: '2027-06-08' });
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(joost, channel, 'checklist', { mention: true }));
    const card = connector.cardOf((await connector.waitForSent(1, { since }))[0]);
    expect(text(card)).toContain('OBS De Regenboog · 11 mei 2027 · 0 van 11 klaar');
    expect(text(card)).toContain('8 juni 2027 · 0 van 11 klaar');
    // The title has the card's width: its buttons sit below it, not beside it.
    const running = (card as { body: Array<Record<string, unknown>> }).body.filter((x) => x.type === 'Container' && text(x).includes('checklist.view'));
    expect(running.length).toBeGreaterThanOrEqual(3);
    for (const r of running) expect(text(r)).not.toContain('ColumnSet');
  });
});
