// Every verb against every role and place, through real HTTP, teams-ai and PostgreSQL: who gets
// through, and who gets the refusal card. A verb added to VERBS without a row here fails the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS, type Verb } from '../src/routes.js';
import { startFakeConnector, type FakeConnector } from './support/fake-connector.js';
import { startTestCadans, type TestCadans } from './support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsTeam, type TeamsUser, type TeamsWorld } from './support/teams-activities.js';

const PERSONAS = ['beheerder', 'kwaliteit', 'bestuurder', 'dirOwn', 'dirOther', 'member', 'outsider', 'owner', 'stranger'] as const;
type Persona = (typeof PERSONAS)[number];
/** own: the checklist's channel; other: a channel of another team; personal: a 1:1 chat with Cadans. */
const PLACES = ['own', 'other', 'personal'] as const;
type Place = (typeof PLACES)[number];

const ALL: Persona[] = [...PERSONAS];
const TENANT_A: Persona[] = PERSONAS.filter((p) => p !== 'stranger');
/** May see the checklist from anywhere: by role, as a member of its team, or as a step's owner. */
const SEE: Persona[] = ['beheerder', 'kwaliteit', 'bestuurder', 'dirOwn', 'member', 'owner'];
/** May edit the checklist (of school 1): beheerder, kwaliteitsmedewerker, the school's directeur. */
const EDIT: Persona[] = ['beheerder', 'kwaliteit', 'dirOwn'];
/** The stranger is beheerder of their own tenant: role rules let them act there, never here. */
const BEHEERDERS: Persona[] = ['beheerder', 'stranger'];

/** The survey's author (the kwaliteitsmedewerker) and tenant-wide beheerders manage it. */
const SURVEY_MANAGERS: Persona[] = ['beheerder', 'kwaliteit'];
/** The members of the checklist's team, to whom the survey was sent. */
const SURVEY_RECIPIENTS: Persona[] = ['beheerder', 'member'];
/** Who may make an improvement action by hand (a directeur for their own school). */
const ACTION_ROLES: Persona[] = ['beheerder', 'kwaliteit', 'bestuurder', 'dirOwn', 'dirOther', 'stranger'];
/** Who may change the improvement action: its creator (the kwaliteitsmedewerker), its owner, tenant-wide beheerders. */
const ACTION_EDIT: Persona[] = ['beheerder', 'kwaliteit', 'owner'];

/** A school's table: managers, tenant-wide bestuurders and that school's directeur see it. */
const MEETING_SEE: Persona[] = ['beheerder', 'kwaliteit', 'bestuurder', 'dirOwn'];
/** Managers and its chair (the school's directeur) run it; they and the quality officer sit at it. */
const MEETING_RUN: Persona[] = ['beheerder', 'kwaliteit', 'dirOwn'];
/** Tenant-wide kwaliteitsmedewerkers and beheerders manage tables (the stranger: in their own tenant). */
const MEETING_MANAGERS: Persona[] = ['beheerder', 'kwaliteit', 'stranger'];

const everywhere = (who: Persona[]): Record<Place, Persona[]> => ({ own: who, other: who, personal: who });
const personalOnly = (who: Persona[]): Record<Place, Persona[]> => ({ own: [], other: [], personal: who });
const inChannels = (who: Persona[]): Record<Place, Persona[]> => ({ own: who, other: who, personal: [] });
/** From the checklist's own channel everyone of the tenant is in its team; elsewhere `who`. */
const ownChannelOr = (who: Persona[]): Record<Place, Persona[]> => ({ own: TENANT_A, other: who, personal: who });

/** Who gets through, per verb and place. Everyone else must get the refusal card. */
const EXPECTED: Record<Verb, Record<Place, Persona[]>> = {
  'help.show': everywhere(ALL),
  // A help card button: answered below the card as the typed command would be (each checks its own).
  'help.command': everywhere(ALL),
  'survey.open': everywhere(ALL),
  'cadence.open': everywhere(ALL),
  'results.open': everywhere(ALL),
  'roles.open': everywhere(ALL),
  'roles.addSchool': everywhere(BEHEERDERS),
  'roles.grant': everywhere(BEHEERDERS),
  'roles.revoke': everywhere(BEHEERDERS),
  // Beheerders and directeuren open the calendar card (each sees their own tenant's schools).
  'roles.calendar': everywhere(['beheerder', 'dirOwn', 'dirOther', 'stranger']),
  // School 1's region: a beheerder of this tenant (the stranger names a school of another tenant: refused alike).
  'roles.setRegion': everywhere(['beheerder']),
  // School 1's own vakantierooster: a beheerder, or school 1's directeur.
  'roles.saveHolidays': everywhere(['beheerder', 'dirOwn']),
  'roles.removeHolidays': everywhere(['beheerder', 'dirOwn']),
  'checklist.open': everywhere(ALL),
  'checklist.new': inChannels(['beheerder', 'kwaliteit', 'dirOwn', 'dirOther', 'stranger']),
  // For school 1: the directeur of another school is refused by the checklist's rules.
  'checklist.start': inChannels(['beheerder', 'kwaliteit', 'dirOwn', 'stranger']),
  // A summary's follow-up: whoever may see the finished checklist and start checklists.
  'checklist.followUp': { own: ['beheerder', 'kwaliteit', 'dirOwn', 'dirOther'], other: ['beheerder', 'kwaliteit', 'dirOwn'], personal: [] },
  'checklist.view': ownChannelOr(SEE),
  'checklist.step': ownChannelOr(SEE),
  'checklist.export': ownChannelOr(SEE),
  // Step 1 has no owner: whoever may see the checklist may take it.
  'checklist.take': ownChannelOr(SEE),
  // Step 2 belongs to the owner: they and the editors set its status, wherever they are.
  'checklist.setStatus': everywhere([...EDIT, 'owner']),
  'checklist.saveStep': everywhere(EDIT),
  'checklist.repost': everywhere(EDIT),
  'outbox.retryFailed': everywhere(BEHEERDERS),
  // Privacy: only in the personal chat; one's own data anyone, someone else's a tenant-wide beheerder
  // (the stranger: in their own tenant, where nobody of this one is known).
  'privacy.open': personalOnly(ALL),
  'privacy.exportSelf': personalOnly(ALL),
  'privacy.exportPerson': personalOnly(BEHEERDERS),
  'privacy.confirmErase': personalOnly(BEHEERDERS),
  'privacy.erase': personalOnly(BEHEERDERS),
  'checklist.addTemplate': everywhere(['beheerder', 'kwaliteit', 'stranger']),
  'checklist.saveTemplate': everywhere(['beheerder', 'kwaliteit', 'stranger']),
  'checklist.saveTemplateForm': everywhere(['beheerder', 'kwaliteit', 'stranger']),
  'checklist.archiveTemplate': everywhere(['beheerder', 'kwaliteit', 'stranger']),
  // Surveys: starting one takes a role and a channel (its results go there); the survey below is
  // the kwaliteitsmedewerker's, sent to the checklist's team (the beheerder and the member).
  'survey.create': inChannels(['beheerder', 'kwaliteit', 'bestuurder', 'dirOwn', 'dirOther', 'stranger']),
  'survey.edit': everywhere(SURVEY_MANAGERS),
  'survey.save': everywhere(SURVEY_MANAGERS),
  'survey.questions': everywhere(SURVEY_MANAGERS),
  'survey.saveQuestions': everywhere(SURVEY_MANAGERS),
  'survey.review': everywhere(SURVEY_MANAGERS),
  'survey.send': everywhere(SURVEY_MANAGERS),
  'survey.status': everywhere(SURVEY_MANAGERS),
  'survey.resendFailed': everywhere(SURVEY_MANAGERS),
  'survey.close': everywhere(SURVEY_MANAGERS),
  'survey.cancel': everywhere(SURVEY_MANAGERS),
  // Its results: the managers and tenant-wide bestuurders (the survey is the board's, not a school's).
  'survey.repost': everywhere([...SURVEY_MANAGERS, 'bestuurder']),
  'survey.export': everywhere([...SURVEY_MANAGERS, 'bestuurder']),
  // Directeurs (their school's part of a board survey; the service decides what there is to see).
  'survey.schoolResults': everywhere(['dirOwn', 'dirOther']),
  'survey.exportSchool': everywhere(['dirOwn', 'dirOther']),
  // A closed anonymous survey's open answers, and removing one: tenant-wide beheerders (the stranger in
  // their own tenant: the service finds no such survey there).
  'survey.openAnswers': everywhere(BEHEERDERS),
  'survey.removeAnswer': everywhere(BEHEERDERS),
  // Only those it was sent to, in their personal chat.
  'survey.addTemplate': everywhere(['beheerder', 'kwaliteit', 'stranger']),
  'survey.saveTemplate': everywhere(['beheerder', 'kwaliteit', 'stranger']),
  'survey.archiveTemplate': everywhere(['beheerder', 'kwaliteit', 'stranger']),
  'survey.answer': { own: [], other: [], personal: SURVEY_RECIPIENTS },
  'survey.change': { own: [], other: [], personal: SURVEY_RECIPIENTS },
  // An improvement action from a result line: whoever may see the survey's results.
  'survey.improve': everywhere([...SURVEY_MANAGERS, 'bestuurder']),
  // Typing one in, and the list: the roles that may make actions (the stranger in their own tenant).
  'action.new': everywhere(ACTION_ROLES),
  'action.list': everywhere(ACTION_ROLES),
  // The action below: the kwaliteitsmedewerker's, for school 1, owned by the owner. Its owner, its
  // creator and tenant-wide beheerders change it; the bestuurder and school 1's directeur see it.
  'action.open': everywhere([...ACTION_EDIT, 'bestuurder', 'dirOwn']),
  'action.save': everywhere(ACTION_EDIT),
  'action.done': everywhere(ACTION_EDIT),
  // Cancelling is for who gave it and tenant-wide editors, not its owner.
  'action.cancel': everywhere(['beheerder', 'kwaliteit']),
  // The default table "directeur en kwaliteitsmedewerker" of school 1: its directeur chairs it.
  'meeting.table': everywhere(MEETING_SEE),
  'meeting.editTable': everywhere(MEETING_MANAGERS),
  'meeting.saveTable': everywhere(MEETING_MANAGERS),
  'meeting.pauseTable': everywhere(MEETING_MANAGERS),
  'meeting.removeTable': everywhere(MEETING_MANAGERS),
  'meeting.setNext': everywhere(MEETING_RUN),
  // Without Graph the verb says so on the table card; with it, the chair's calendar is used.
  'meeting.linkOutlook': everywhere(MEETING_RUN),
  'meeting.prep': everywhere(MEETING_RUN),
  'meeting.prepared': everywhere(MEETING_RUN),
  'meeting.addAgenda': everywhere(MEETING_RUN),
  'meeting.remindTomorrow': everywhere(MEETING_RUN),
  'meeting.cannotCome': everywhere(MEETING_RUN),
  'meeting.followUp': everywhere(MEETING_RUN),
  'meeting.record': everywhere(MEETING_RUN),
};

let connector: FakeConnector;
let cadans: TestCadans;
let worldA: TeamsWorld;
let worldB: TeamsWorld;
let people: Record<Persona, TeamsUser>;
let teamOfChecklist: TeamsTeam;
let otherTeam: TeamsTeam;
let strangerTeam: TeamsTeam;
let ownChannel: TeamsChannel;
let checklistId: number;
let publicId: string;
let schoolOne: number;
let surveyId: string;
let actionId: string;
let tableId: string;
let meetingId: string;

function worldOf(p: Persona) {
  return p === 'stranger' ? worldB : worldA;
}

function dataFor(verb: Verb, n: number): Record<string, unknown> {
  const ref = { v: 2, checklist: publicId };
  switch (verb) {
    case 'help.command':
      return { v: 1, command: 'roles' };
    case 'privacy.exportPerson':
    case 'privacy.confirmErase':
      return { v: 1, person: people.member.aadObjectId };
    case 'privacy.erase':
      // Nobody: the matrix must not erase its own cast.
      return { v: 1, person: 'aaaaaaaa-0000-4000-8000-00000000000' + String(n % 10) };
    case 'checklist.new':
      return { v: 1, template: 'inspection' };
    case 'checklist.start':
      return { v: 1, template: 'onboarding', title: `Toegangstest ${n}`, school: schoolOne, targetDate: '' };
    case 'checklist.followUp':
      return { ...ref, template: 'improvement' };
    case 'checklist.view':
    case 'checklist.export':
    case 'checklist.repost':
      return ref;
    case 'checklist.step':
    case 'checklist.take':
      return { ...ref, position: 1 };
    case 'checklist.setStatus':
      return { ...ref, position: 2, status: 'bezig' };
    case 'checklist.saveStep':
      return { ...ref, position: 1, note: `Notitie ${n}` };
    case 'checklist.archiveTemplate':
      return { v: 1, template: 'custom-999999' };
    case 'checklist.saveTemplate':
      return { v: 1, definition: `titel: Eigen lijst ${n}\nstappen:\n  - Eerste stap` };
    case 'checklist.saveTemplateForm':
      return { v: 1, formTitle: `Eigen formulierlijst ${n}`, stepTitle1: 'Eerste stap' };
    case 'survey.create':
      return { v: 1, template: 'werkdruk' };
    case 'survey.archiveTemplate':
      return { v: 1, template: 'own-999999' };
    case 'survey.saveTemplate':
      return { v: 1, definition: `titel: Eigen peiling ${n}\nvragen:\n  - Ik werk hier graag.` };
    case 'survey.edit':
    case 'survey.save':
    case 'survey.questions':
    case 'survey.saveQuestions':
    case 'survey.review':
    case 'survey.send':
    case 'survey.status':
    case 'survey.resendFailed':
    case 'survey.close':
    case 'survey.cancel':
    case 'survey.repost':
    case 'survey.export':
    case 'survey.schoolResults':
    case 'survey.exportSchool':
    case 'survey.answer':
    case 'survey.change':
      return { v: 1, survey: surveyId };
    case 'survey.improve':
      return { v: 1, survey: surveyId, question: 'q1' };
    case 'survey.openAnswers':
      return { v: 1, survey: surveyId, page: '0' };
    case 'survey.removeAnswer':
      return { v: 1, survey: surveyId, answer: '0b7e2f55-1d2c-4c8f-9a61-6d1f0f7a2b11', confirm: true };
    case 'action.open':
    case 'action.cancel':
      return { v: 1, action: actionId };
    case 'action.save':
      return { v: 1, action: actionId, title: `Toegangstest actie ${n}`, owner: people.owner.aadObjectId, dueDate: '2027-06-01' };
    case 'action.done':
      return { v: 1, action: actionId, worked: 'partly', keep: `Wat we vasthouden ${n}` };
    case 'meeting.table':
    case 'meeting.editTable':
    case 'meeting.pauseTable':
    case 'meeting.removeTable':
      return { v: 1, table: tableId, ...(verb === 'meeting.pauseTable' ? { paused: false } : {}) };
    case 'meeting.saveTable':
      return { v: 1, table: tableId, ruleKind: 'perSchoolYear', times: '2', time: '10:00', duration: '90', prepDays: '5', roles: 'directeur:school,kwaliteitsmedewerker:tenant', chair: 'role:directeur' };
    case 'meeting.setNext':
      return { v: 1, table: tableId, nextDate: '2027-05-11', nextTime: '10:00' };
    case 'meeting.linkOutlook':
      return { v: 1, table: tableId, mode: 'create' };
    case 'meeting.prep':
    case 'meeting.prepared':
    case 'meeting.remindTomorrow':
    case 'meeting.followUp':
      return { v: 1, meeting: meetingId };
    case 'meeting.addAgenda':
      return { v: 1, meeting: meetingId, agendaText: `Agendapunt ${n}` };
    case 'meeting.cannotCome':
      return { v: 1, meeting: meetingId, reason: 'Studiedag' };
    case 'meeting.record':
      return { v: 1, meeting: meetingId, held: '' };
    case 'roles.addSchool':
      return { v: 1, schoolName: `School ${n}` };
    case 'roles.grant':
      return { v: 1, person: people.member.aadObjectId, role: 'medewerker', school: 'all' };
    case 'roles.revoke':
      return { v: 1, assignmentId: 999_999_999 };
    case 'roles.setRegion':
      return { v: 1, school: String(schoolOne), region: 'zuid', sector: 'po' };
    case 'roles.saveHolidays':
      return { v: 1, school: String(schoolOne), holidays: `Studieweek ${n};2027-06-01;2027-06-04` };
    case 'roles.removeHolidays':
      return { v: 1, school: String(schoolOne) };
    default:
      return { v: 1 };
  }
}

/** Where a persona acts from: the stranger's "own channel" is a forged action naming that channel. */
function target(p: Persona, place: Place) {
  if (place === 'personal') return people[p];
  if (place === 'own') return ownChannel;
  return p === 'stranger' ? strangerTeam.general : otherTeam.general;
}

/** Steps 1 and 2 as every case starts: step 1 open without owner, step 2 open and the owner's. */
async function resetSteps() {
  await cadans.db.query(
    `with s as (update checklist_steps set status = 'open', owner_aad = case when position = 2 then $2 end, owner_name = case when position = 2 then 'Olga Eigenaar' end
                 where checklist_id = $1 and position in (1, 2) returning 1)
     update checklists set version = version + 1, completed_at = null where id = $1 and (select count(*) from s) >= 0`,
    [checklistId, people.owner.aadObjectId],
  );
}

let counter = 0;
/** The improvement action open again, as every case starts. */
async function resetAction() {
  await cadans.db.query("update improvement_actions set status = 'open', evaluation = null, done_at = null, done_by = null where public_id = $1", [actionId]);
}

async function attempt(verb: Verb, p: Persona, place: Place): Promise<'through' | 'refused'> {
  await resetSteps();
  await resetAction();
  const since = connector.mark();
  const res = await postActivity(cadans.url, worldOf(p).actionExecute(people[p], target(p, place), verb, dataFor(verb, ++counter)));
  expect(res.status).toBe(200);
  // A verb that keeps its card (help.command, checklist.followUp) answers in a new message below it.
  const below = connector.records.filter((r) => r.seq > since && r.operation === 'replyToActivity').map((r) => JSON.stringify(r.body));
  const body = [JSON.stringify(res.body), ...below].join('\n');
  return body.includes('Daar heb je de rol niet voor') || body.includes('Dat kan hier niet') ? 'refused' : 'through';
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  worldA = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  worldB = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '34343434-5656-4787-8898-909090909090' });
  const name: Record<Persona, string> = {
    beheerder: 'Sanne Beheer',
    kwaliteit: 'Karin Kwaliteit',
    bestuurder: 'Bert Bestuur',
    dirOwn: 'Dirk Eigenschool',
    dirOther: 'Dora Andereschool',
    member: 'Mila Teamlid',
    outsider: 'Otto Buitenstaander',
    owner: 'Olga Eigenaar',
    stranger: 'Stan Vreemd',
  };
  people = Object.fromEntries(PERSONAS.map((p) => [p, worldOf(p).user({ name: name[p] })])) as Record<Persona, TeamsUser>;
  // The checklist's team: the beheerder who starts it and one member without a role. Everyone of
  // the tenant is in the other team; role holders are not in the checklist's team.
  teamOfChecklist = worldA.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [people.beheerder, people.member] });
  otherTeam = worldA.team({ name: 'Team Onderbouw', members: TENANT_A.map((p) => people[p]) });
  strangerTeam = worldB.team({ name: 'Ander Bestuur', members: [people.stranger] });
  ownChannel = teamOfChecklist.channel('Kwaliteit');
  for (const t of [teamOfChecklist, otherTeam, strangerTeam]) {
    connector.addTeam(t.id, t.connectorInfo);
    connector.setMembers(t.id, t.members.map((m) => m.rosterEntry));
  }
  // The first person of a tenant becomes its beheerder (local mode); everyone becomes known.
  for (const p of PERSONAS) await postActivity(cadans.url, worldOf(p).personalMessage(people[p], 'hulp'));
  const tenant = worldA.tenantId;
  const schools = await cadans.db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'De Regenboog'), ($1, 'De Vlinder') returning id", [tenant]);
  schoolOne = Number(schools.rows[0]!.id);
  const schoolTwo = Number(schools.rows[1]!.id);
  const grant = (p: Persona, role: string, school: number | null) =>
    cadans.db.query('insert into role_assignments (tenant_id, aad_object_id, role, school_id) values ($1, $2, $3, $4)', [tenant, people[p].aadObjectId, role, school]);
  await grant('kwaliteit', 'kwaliteitsmedewerker', null);
  await grant('bestuurder', 'bestuurder', null);
  await grant('dirOwn', 'directeur', schoolOne);
  await grant('dirOther', 'directeur', schoolTwo);
  const started = await postActivity(
    cadans.url,
    worldA.actionExecute(people.beheerder, ownChannel, 'checklist.start', { v: 1, template: 'inspection', title: 'Inspectie De Regenboog', school: schoolOne, targetDate: '2027-03-09' }),
  );
  expect(JSON.stringify(started.body)).toContain('staat in het kanaal');
  const row = await cadans.db.query<{ id: string; public_id: string }>("select id, public_id from checklists where title = 'Inspectie De Regenboog'");
  checklistId = Number(row.rows[0]!.id);
  publicId = row.rows[0]!.public_id;
  // A survey of the kwaliteitsmedewerker, sent to the checklist's team.
  await postActivity(cadans.url, worldA.actionExecute(people.kwaliteit, ownChannel, 'survey.create', { v: 1, template: 'werkdruk' }));
  surveyId = (await cadans.db.query<{ public_id: string }>('select public_id from surveys order by id desc limit 1')).rows[0]!.public_id;
  const sent = await postActivity(cadans.url, worldA.actionExecute(people.kwaliteit, ownChannel, 'survey.send', { v: 1, survey: surveyId }));
  expect(JSON.stringify(sent.body)).toContain('Verstuurd naar 2 mensen');
  // An improvement action of the kwaliteitsmedewerker for school 1, owned by the owner.
  const made = await postActivity(
    cadans.url,
    worldA.actionExecute(people.kwaliteit, people.kwaliteit, 'action.save', { v: 1, title: 'Toegangstest actie', owner: people.owner.aadObjectId, dueDate: '2027-06-01', school: String(schoolOne) }),
  );
  expect(JSON.stringify(made.body)).toContain('De verbeteractie staat klaar');
  actionId = (await cadans.db.query<{ public_id: string }>("select public_id from improvement_actions where title = 'Toegangstest actie'")).rows[0]!.public_id;
  // The default tables appear at the first `overleg`; the school's table has a planned meeting.
  const overview = await postActivity(cadans.url, worldA.personalMessage(people.kwaliteit, 'overleg'));
  expect(overview.status).toBe(200);
  const table = await cadans.db.query<{ public_id: string; m: string }>(
    "select t.public_id, m.public_id as m from meeting_tables t join meetings m on m.table_id = t.id and m.status = 'planned' where t.kind = 'directorQuality' and t.school_id = $1",
    [schoolOne],
  );
  tableId = table.rows[0]!.public_id;
  meetingId = table.rows[0]!.m;
});

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('access rules', () => {
  it('has a row of expectations for every verb', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...VERBS].sort());
  });

  for (const verb of VERBS) {
    it(`lets exactly the right people use ${verb}, in the right places`, async () => {
      const outcomes: string[] = [];
      const wanted: string[] = [];
      for (const place of PLACES) {
        for (const p of PERSONAS) {
          outcomes.push(`${place}/${p}: ${await attempt(verb, p, place)}`);
          wanted.push(`${place}/${p}: ${(EXPECTED[verb]?.[place] ?? []).includes(p) ? 'through' : 'refused'}`);
        }
      }
      expect(outcomes).toEqual(wanted);
    });
  }
});

describe('replayed and forged checklist actions', () => {
  it("keeps an outsider's replayed step change out of the checklist and its channel card", async () => {
    await resetSteps();
    const state = () =>
      cadans.db.query(
        `select (select version from checklists where id = $1) as version, (select count(*) from checklist_events where checklist_id = $1) as events,
                (select json_agg(json_build_array(position, status, owner_aad, note) order by position) from checklist_steps where checklist_id = $1) as steps`,
        [checklistId],
      );
    const before = await state();
    for (const verb of ['checklist.take', 'checklist.setStatus'] as const) {
      const res = await postActivity(cadans.url, worldA.actionExecute(people.outsider, people.outsider, verb, { v: 2, checklist: publicId, position: 1, status: 'klaar' }));
      expect(JSON.stringify(res.body)).toContain('Daar heb je de rol niet voor');
    }
    // No write: the version that every change bumps (and that the card update follows) stays.
    expect((await state()).rows).toEqual(before.rows);
  });

  it("shows an outsider none of the checklist's notes when they open it by its old number from a personal chat", async () => {
    await cadans.db.query("update checklist_steps set note = 'Geheime notitie over de verificatiescholen' where checklist_id = $1 and position = 5", [checklistId]);
    for (const verb of ['checklist.view', 'checklist.step', 'checklist.export'] as const) {
      const res = await postActivity(cadans.url, worldA.actionExecute(people.outsider, people.outsider, verb, { v: 1, checklistId, position: 5 }));
      const body = JSON.stringify(res.body);
      expect(body).toContain('Daar heb je de rol niet voor');
      expect(body).not.toContain('Geheime notitie');
      expect(body).not.toContain('/exports/');
    }
  });

  it('still opens a checklist by its old number for someone who may see it', async () => {
    const res = await postActivity(cadans.url, worldA.actionExecute(people.member, people.member, 'checklist.view', { v: 1, checklistId }));
    expect(JSON.stringify(res.body)).toContain('Inspectie De Regenboog');
  });

  it('puts opaque ids on the cards, never the checklist number', async () => {
    const res = await postActivity(cadans.url, worldA.actionExecute(people.member, ownChannel, 'checklist.view', { v: 2, checklist: publicId }));
    const body = JSON.stringify(res.body);
    expect(body).toContain(`"checklist":"${publicId}"`);
    expect(body).not.toContain('"checklistId"');
  });

  it('answers an id out of bounds with the invalid-input card and changes nothing', async () => {
    const res = await postActivity(cadans.url, worldA.actionExecute(people.beheerder, ownChannel, 'checklist.setStatus', { v: 1, checklistId: 1e300, position: 1, status: 'klaar' }));
    expect(JSON.stringify(res.body)).toContain('Dat lukte niet');
    const res2 = await postActivity(cadans.url, worldA.actionExecute(people.beheerder, ownChannel, 'checklist.setStatus', { v: 2, checklist: publicId, position: 999, status: 'klaar' }));
    expect(JSON.stringify(res2.body)).toContain('Dat lukte niet');
  });

  it('refuses a made-up opaque id with the same card as any refusal', async () => {
    const res = await postActivity(cadans.url, worldA.actionExecute(people.beheerder, ownChannel, 'checklist.view', { v: 2, checklist: '00000000-0000-4000-8000-000000000000' }));
    expect(JSON.stringify(res.body)).toContain('Daar heb je de rol niet voor');
  });
});
