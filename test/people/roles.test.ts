import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsTeam, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let beheerder: TeamsUser;
let ahmed: TeamsUser;
let joost: TeamsUser;
let outsider: TeamsUser;
let team: TeamsTeam;

const text = (x: unknown) => JSON.stringify(x);

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(user, team.general, verb, data));
  expect(res.status).toBe(200);
  return (res.body as { value: { body: unknown[] } }).value;
}

async function assignments() {
  const r = await cadans.db.query<{ name: string; role: string; school: string | null }>(
    `select p.name, ra.role, s.name as school from role_assignments ra
       join people p using (tenant_id, aad_object_id) left join schools s on s.id = ra.school_id
      order by p.name, ra.role`,
  );
  return r.rows;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  beheerder = world.user({ name: 'Sanne de Vries' });
  ahmed = world.user({ name: 'Ahmed El Amrani' });
  joost = world.user({ name: 'Joost Bakker' });
  outsider = world.user({ name: 'Onbekende Buitenstaander' });
  team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [beheerder, ahmed, joost] });
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  // Local mode: the first person to use Cadans in a tenant becomes beheerder.
  await postActivity(cadans.url, world.personalMessage(beheerder, 'hulp'));
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});
beforeEach(() => connector.reset());

describe('roles in local mode', () => {
  it('makes the first person in a tenant beheerder, and nobody after', async () => {
    await postActivity(cadans.url, world.personalMessage(joost, 'hulp'));
    expect(await assignments()).toEqual([{ name: 'Sanne de Vries', role: 'beheerder', school: null }]);
  });

  it('shows a person without the beheerder role their own roles, read-only', async () => {
    await postActivity(cadans.url, world.personalMessage(joost, 'rollen'));
    const card = connector.cardOf(connector.sent(joost.personalConversationId)[0]);
    expect(text(card)).toContain('Je hebt in Cadans nog geen rol');
    expect(text(card)).not.toContain('roles.grant');
  });

  it("answers 'rollen' in a channel, where everyone reads along, with the asker's own roles only", async () => {
    await postActivity(cadans.url, world.channelMessage(beheerder, team.general, 'rollen', { mention: true }));
    const card = connector.cardOf(connector.sent()[0]);
    const s = text(card);
    expect(s).toContain('Je hebt in Cadans deze rollen: beheerder.');
    expect(s).not.toContain('Scholen en rollen');
    expect(s).toContain('roles.open');
  });

  it('opens the roles card with the team roster for the beheerder alone, from the button', async () => {
    const s = text(await invoke(beheerder, 'roles.open', { v: 1 }));
    expect(s).toContain('Scholen en rollen');
    for (const name of ['Ahmed El Amrani', 'Joost Bakker']) expect(s).toContain(name);
  });
});

describe('a beheerder manages schools and roles', () => {
  it('adds a school and shows it on the card', async () => {
    const card = await invoke(beheerder, 'roles.addSchool', { v: 1, schoolName: '  De   Regenboog ' });
    expect(text(card)).toContain('School \\"De Regenboog\\" is toegevoegd.');
    expect(text(card)).toContain('De Regenboog');
  });

  it('refuses a second school with the same name, whatever the case, and keeps one', async () => {
    const card = await invoke(beheerder, 'roles.addSchool', { v: 1, schoolName: 'de regenboog' });
    expect(text(card)).toContain('Er is al een school met de naam');
    const n = await cadans.db.query("select count(*)::int as n from schools where lower(name) = 'de regenboog'");
    expect(n.rows[0].n).toBe(1);
  });

  it('keeps what was typed in the form when a change fails', async () => {
    const card = text(await invoke(beheerder, 'roles.addSchool', { v: 1, schoolName: 'de regenboog' }));
    expect(card).toContain('"id":"schoolName"');
    expect(card).toMatch(/"id":"schoolName"[^}]*"value":"de regenboog"/);
    const school = (await cadans.db.query<{ id: string }>("select id from schools where lower(name) = 'de regenboog'")).rows[0]!.id;
    const grant = text(await invoke(beheerder, 'roles.grant', { v: 1, person: 'niet-in-het-team', role: 'kwaliteitsmedewerker', school }));
    expect(grant).toMatch(/"id":"role"[^}]*"value":"kwaliteitsmedewerker"/);
    expect(grant).toMatch(new RegExp(`"id":"school"[^}]*"value":"${school}"`));
  });

  it('gives a team member the directeur role for one school', async () => {
    const school = await cadans.db.query<{ id: string }>("select id from schools where name = 'De Regenboog'");
    const card = await invoke(beheerder, 'roles.grant', { v: 1, person: ahmed.aadObjectId, role: 'directeur', school: school.rows[0]!.id });
    expect(text(card)).toContain('Ahmed El Amrani heeft nu de rol schoolleider (directeur, rector) voor De Regenboog.');
    expect(await assignments()).toContainEqual({ name: 'Ahmed El Amrani', role: 'directeur', school: 'De Regenboog' });
  });

  it('refuses to remove the last beheerder', async () => {
    const r = await cadans.db.query<{ id: string }>("select id from role_assignments where role = 'beheerder'");
    const card = await invoke(beheerder, 'roles.revoke', { v: 1, assignmentId: r.rows[0]!.id });
    expect(text(card)).toContain('Dit is de laatste beheerder');
    expect(await assignments()).toContainEqual({ name: 'Sanne de Vries', role: 'beheerder', school: null });
  });

  it('revokes a role and says so', async () => {
    const r = await cadans.db.query<{ id: string }>("select id from role_assignments where role = 'directeur'");
    const card = await invoke(beheerder, 'roles.revoke', { v: 1, assignmentId: r.rows[0]!.id });
    expect(text(card)).toContain('Ahmed El Amrani heeft de rol schoolleider (directeur, rector) niet meer voor De Regenboog.');
    expect(await assignments()).not.toContainEqual(expect.objectContaining({ role: 'directeur' }));
  });

  it('gives a revoked role back with the undo button on the card', async () => {
    await invoke(beheerder, 'roles.grant', { v: 1, person: ahmed.aadObjectId, role: 'rvt', school: 'all' });
    const rvt = await cadans.db.query<{ id: string }>("select id from role_assignments where role = 'rvt'");
    const card = await invoke(beheerder, 'roles.revoke', { v: 1, assignmentId: rvt.rows[0]!.id });
    const undo = JSON.stringify(card).match(/"title":"Ongedaan maken","verb":"roles.grant","data":(\{[^}]*\})/);
    expect(undo).not.toBeNull();
    expect(await assignments()).not.toContainEqual(expect.objectContaining({ role: 'rvt' }));
    const again = await invoke(beheerder, 'roles.grant', JSON.parse(undo![1]!) as Record<string, unknown>);
    expect(text(again)).toContain('Ahmed El Amrani heeft nu de rol intern toezicht (RvT of toezichthoudend bestuur) voor het hele bestuur.');
    expect(await assignments()).toContainEqual({ name: 'Ahmed El Amrani', role: 'rvt', school: null });
  });

  it('makes someone a member of a school’s participation council (MR), the role meeting tables seat at the MR', async () => {
    const school = await cadans.db.query<{ id: string }>("select id from schools where name = 'De Regenboog'");
    const card = await invoke(beheerder, 'roles.grant', { v: 1, person: ahmed.aadObjectId, role: 'mr', school: school.rows[0]!.id });
    expect(text(card)).toContain('medezeggenschapsraad');
    expect(await assignments()).toContainEqual({ name: 'Ahmed El Amrani', role: 'mr', school: 'De Regenboog' });
  });
});

describe('finding people in a large team', () => {
  it('answers the typeahead of a person picker from the whole roster, ignoring case and accents', async () => {
    const many = Array.from({ length: 300 }, (_, i) => world.user({ name: `Medewerker ${String(i).padStart(3, '0')}` }));
    const zoe = world.user({ name: 'Zoë Çelik' });
    // A team of its own: the first team's roster was read moments ago, and is read again at most every 30 s.
    const large = world.team({ name: 'Team Groot', channels: ['Algemeen'], members: [beheerder, ...many, zoe] });
    connector.addTeam(large.id, large.connectorInfo);
    connector.setMembers(large.id, large.members.map((m) => m.rosterEntry));
    const search = {
      ...world.actionExecute(beheerder, large.general, 'roles.open', { v: 1 }),
      name: 'application/search',
      value: { queryText: 'zoe cel', dataset: 'people', queryOptions: { top: 10, skip: 0 } },
    };
    const res = await postActivity(cadans.url, search);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.search.searchResponse', value: { results: [{ title: 'Zoë Çelik', value: zoe.aadObjectId }] } });
    const page = await postActivity(cadans.url, { ...search, value: { ...search.value, queryText: 'medewerker 2', queryOptions: { top: 10, skip: 0 } } });
    expect((page.body as { value: { results: unknown[] } }).value.results).toHaveLength(10);
  });
});

describe('forged actions change nothing', () => {
  it('refuses roles.grant from someone who is not beheerder, whatever the card showed', async () => {
    const before = await assignments();
    const card = await invoke(joost, 'roles.grant', { v: 1, person: joost.aadObjectId, role: 'beheerder', school: 'all' });
    expect(text(card)).toContain('Daar heb je de rol niet voor');
    expect(await assignments()).toEqual(before);
  });

  it('refuses roles.addSchool and roles.revoke from someone who is not beheerder', async () => {
    const r = await cadans.db.query<{ id: string }>("select id from role_assignments where role = 'beheerder'");
    const schoolsBefore = await cadans.db.query('select count(*)::int as n from schools');
    expect(text(await invoke(joost, 'roles.addSchool', { v: 1, schoolName: 'Nep' }))).toContain('Daar heb je de rol niet voor');
    expect(text(await invoke(joost, 'roles.revoke', { v: 1, assignmentId: r.rows[0]!.id }))).toContain('Daar heb je de rol niet voor');
    expect((await cadans.db.query('select count(*)::int as n from schools')).rows).toEqual(schoolsBefore.rows);
    expect(await assignments()).toContainEqual({ name: 'Sanne de Vries', role: 'beheerder', school: null });
  });

  it('refuses a role for someone who is neither in the roster nor known', async () => {
    const before = await assignments();
    const card = await invoke(beheerder, 'roles.grant', { v: 1, person: outsider.aadObjectId, role: 'bestuurder', school: 'all' });
    expect(text(card)).toContain('Kies een persoon uit de lijst');
    expect(await assignments()).toEqual(before);
  });

  it("refuses a school id of another tenant's school", async () => {
    const other = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '99999999-9999-4999-8999-999999999999' });
    const otherAdmin = other.user({ name: 'Andere Beheerder' });
    await postActivity(cadans.url, other.personalMessage(otherAdmin, 'hulp'));
    const res = await postActivity(cadans.url, other.actionExecute(otherAdmin, otherAdmin, 'roles.addSchool', { v: 1, schoolName: 'Andere School' }));
    expect(text(res.body)).toContain('Andere School');
    const foreign = await cadans.db.query<{ id: string }>("select id from schools where name = 'Andere School'");
    const before = await assignments();
    const card = await invoke(beheerder, 'roles.grant', { v: 1, person: joost.aadObjectId, role: 'directeur', school: foreign.rows[0]!.id });
    expect(text(card)).toContain('Die school bestaat niet');
    expect(await assignments()).toEqual(before);
  });

  it('answers a card from a future or past version as out of date', async () => {
    const card = await invoke(beheerder, 'roles.grant', { v: 7, person: joost.aadObjectId, role: 'directeur' });
    expect(text(card)).toContain('Deze kaart is verouderd');
  });

  it('answers malformed action data with the invalid-input card', async () => {
    const card = await invoke(beheerder, 'roles.revoke', { v: 1, assignmentId: 'drop table people' });
    expect(text(card)).toContain('Deze kaart stuurde gegevens die ik niet kan verwerken');
  });
});
