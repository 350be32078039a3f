// The school year through Teams-shaped traffic (real HTTP, teams-ai, PostgreSQL; only Teams'
// connector is fake): which calendar a school follows (its own vakantierooster, its region, the
// board's default region, or none), who may change it, a rooster typed on the card or sent as an
// .ics or .csv file, and what people notice: a meeting of a school in region zuid is not planned in
// zuid's herfstvakantie (one in noord may be), and a checklist step due in the holiday moves after it.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPeopleService, type PeopleService } from '../../src/people/service.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let people: PeopleService;
let files: http.Server;
let filesUrl: string;
let sanne: TeamsUser; // beheerder (the first person in local mode)
let dirk: TeamsUser; // directeur of De Regenboog
let dora: TeamsUser; // directeur of Het Kompas
let karin: TeamsUser; // kwaliteitsmedewerker (tenant-wide): manages meeting tables
let mila: TeamsUser; // no role
let channel: TeamsChannel;
let regenboog: number;
let kompas: number;
let zonnebloem: number; // no region of its own

const text = (x: unknown) => JSON.stringify(x);

const FILES: Record<string, string> = {
  '/vakanties.csv': 'naam;van;tot\nHerfstvakantie;17-10-2026;25-10-2026\nKerstvakantie;19-12-2026;03-01-2027\nStudieweek;01-06-2027;04-06-2027\n',
  '/vakanties.ics': [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Het Kompas//Vakanties//NL',
    'BEGIN:VEVENT',
    'UID:herfst-2027@kompas',
    'DTSTAMP:20260901T080000Z',
    'DTSTART;VALUE=DATE:20271016',
    'DTEND;VALUE=DATE:20271025',
    'SUMMARY:Herfstvakantie',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:kerst-2027@kompas',
    'DTSTAMP:20260901T080000Z',
    'DTSTART;VALUE=DATE:20271225',
    'DTEND;VALUE=DATE:20280110',
    'SUMMARY:Kerstvakantie',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n'),
  // An end before the start on line 3.
  '/kapot-vakanties.csv': 'naam;van;tot\nHerfstvakantie;17-10-2026;25-10-2026\nKerstvakantie;03-01-2027;19-12-2026\n',
};

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>, where: TeamsUser | TeamsChannel = user) {
  const res = await postActivity(cadans.url, world.actionExecute(user, where, verb, data));
  expect(res.status).toBe(200);
  return text((res.body as { value: unknown }).value);
}

async function sendFile(user: TeamsUser, name: string) {
  const since = connector.mark();
  await postActivity(
    cadans.url,
    world.personalMessage(user, '', {
      attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name, content: { downloadUrl: `${filesUrl}/${name}`, uniqueId: name, fileType: name.split('.').pop() } }],
    }),
  );
  return text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: user.personalConversationId }))[0]));
}

/** What a school's calendar is in the database, to show that a refused change changed nothing. */
async function state() {
  const r = await cadans.db.query(
    `select s.name, s.region, s.sector, h.periods, t.default_region
       from schools s join tenants t on t.id = s.tenant_id left join school_holiday_rosters h on h.school_id = s.id
      where s.tenant_id = $1 order by s.name`,
    [world.tenantId],
  );
  return r.rows;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  files = http.createServer((req, res) => {
    const body = FILES[req.url ?? ''];
    if (body === undefined) res.statusCode = 404;
    res.end(body ?? '');
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
  const filesPort = (files.address() as { port: number }).port;
  filesUrl = `http://127.0.0.1:${filesPort}`;
  // Local mode reads files from the playground's own address only: this server plays the playground.
  cadans = await startTestCadans({ PLAYGROUND_PORT: String(filesPort) });
  people = createPeopleService({ db: cadans.db, mode: 'local', defaultLanguage: 'nl', beheerders: [] });
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  dirk = world.user({ name: 'Dirk Directeur' });
  dora = world.user({ name: 'Dora Directeur' });
  karin = world.user({ name: 'Karin Kwaliteit' });
  mila = world.user({ name: 'Mila Medewerker' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, dirk, dora, karin, mila] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [sanne, dirk, dora, karin, mila]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  for (const name of ['De Regenboog', 'Het Kompas', 'De Zonnebloem']) expect(await invoke(sanne, 'roles.addSchool', { v: 1, schoolName: name })).toContain('is toegevoegd');
  const ids = await cadans.db.query<{ id: string; name: string }>('select id, name from schools where tenant_id = $1', [world.tenantId]);
  const idOf = (name: string) => Number(ids.rows.find((r) => r.name === name)!.id);
  [regenboog, kompas, zonnebloem] = [idOf('De Regenboog'), idOf('Het Kompas'), idOf('De Zonnebloem')];
  expect(await invoke(sanne, 'roles.grant', { v: 1, person: dirk.aadObjectId, role: 'directeur', school: String(regenboog) }, channel)).toContain('heeft nu de rol');
  expect(await invoke(sanne, 'roles.grant', { v: 1, person: dora.aadObjectId, role: 'directeur', school: String(kompas) }, channel)).toContain('heeft nu de rol');
  expect(await invoke(sanne, 'roles.grant', { v: 1, person: karin.aadObjectId, role: 'kwaliteitsmedewerker', school: 'all' }, channel)).toContain('heeft nu de rol');
}, 60_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
  await new Promise((r) => files?.close(r));
});

describe('the calendar card', () => {
  it('is reached from the roles card by a beheerder and from their roles by a directeur, not by someone without a role', async () => {
    expect(await invoke(sanne, 'roles.open', { v: 1 })).toContain('roles.calendar');
    expect(await invoke(dirk, 'roles.open', { v: 1 })).toContain('roles.calendar');
    expect(await invoke(mila, 'roles.open', { v: 1 })).not.toContain('roles.calendar');
    expect(await invoke(mila, 'roles.calendar', { v: 1 })).toContain('Daar heb je de rol niet voor');
  });

  it('shows a beheerder every school and the board region; a directeur only their own school', async () => {
    const all = await invoke(sanne, 'roles.calendar', { v: 1 });
    for (const name of ['De Regenboog', 'Het Kompas', 'De Zonnebloem']) expect(all).toContain(name);
    expect(all).toContain('Regio van het bestuur');
    expect(all).toContain('defaultRegion');
    const own = await invoke(dirk, 'roles.calendar', { v: 1 });
    expect(own).toContain('De Regenboog');
    expect(own).not.toContain('Het Kompas');
    expect(own).not.toContain('defaultRegion'); // no region to set
  });
});

describe('which calendar a school follows', () => {
  it('is weekends and public holidays only without region or rooster', async () => {
    expect(await people.calendarOf(world.tenantId, regenboog)).toEqual({});
    expect(await people.calendarOf(world.tenantId, null)).toEqual({});
  });

  it("follows the board's default region, then the school's own region, then its own rooster", async () => {
    expect(await invoke(sanne, 'roles.setRegion', { v: 1, school: 'tenant', defaultRegion: 'midden' })).toContain('Het bestuur volgt nu Midden');
    expect(await people.calendarOf(world.tenantId, null)).toEqual({ region: 'midden' });
    expect(await people.calendarOf(world.tenantId, zonnebloem)).toEqual({ region: 'midden' });

    const set = await invoke(sanne, 'roles.setRegion', { v: 1, school: String(regenboog), region: 'zuid', sector: 'po' });
    expect(set).toContain('De Regenboog volgt nu Zuid');
    // The regional dates of a primary school: the herfst- and voorjaarsvakantie are advisory.
    expect(set).toContain('adviesdatum');
    expect(set).toContain('adviesdata');
    expect(await people.calendarOf(world.tenantId, regenboog)).toEqual({ region: 'zuid' });
    expect(await invoke(sanne, 'roles.setRegion', { v: 1, school: String(kompas), region: 'noord', sector: 'vo' })).toContain('Het Kompas volgt nu Noord');

    const saved = await invoke(dirk, 'roles.saveHolidays', { v: 1, school: String(regenboog), holidays: 'Herfstvakantie;10-10-2026;18-10-2026\nStudiedag;12-03-2027;12-03-2027' });
    expect(saved).toContain('Het vakantierooster van De Regenboog is opgeslagen (2 vakanties)');
    expect(saved).toContain('Uit het eigen vakantierooster van de school');
    expect(await people.calendarOf(world.tenantId, regenboog)).toEqual({
      ownHolidays: [
        { name: 'Herfstvakantie', first: '2026-10-10', last: '2026-10-18' },
        { name: 'Studiedag', first: '2027-03-12', last: '2027-03-12' },
      ],
    });

    // Back to the regional dates.
    expect(await invoke(dirk, 'roles.removeHolidays', { v: 1, school: String(regenboog) })).toContain('De Regenboog volgt weer de regionale vakanties');
    expect(await people.calendarOf(world.tenantId, regenboog)).toEqual({ region: 'zuid' });
  });

  it('keeps what was typed and says which line is wrong when a typed rooster has a mistake, and saves nothing', async () => {
    const before = await state();
    const typed = 'Herfstvakantie;10-10-2026;18-10-2026\nKerst;19-12-2026;03-13-2027';
    const card = await invoke(dirk, 'roles.saveHolidays', { v: 1, school: String(regenboog), holidays: typed });
    expect(card).toContain('Het rooster is niet opgeslagen');
    expect(card).toContain('Regel 2');
    expect(card).toContain(JSON.stringify(typed).slice(1, -1)); // the input is kept
    expect(await state()).toEqual(before);
  });
});

describe('who may change it', () => {
  it("refuses a directeur another school's rooster, its removal and any region, and changes nothing", async () => {
    await invoke(dora, 'roles.saveHolidays', { v: 1, school: String(kompas), holidays: 'Eigen herfst;16-10-2027;24-10-2027' });
    const before = await state();
    // Forged actions: the cards never offered these to Dirk.
    expect(await invoke(dirk, 'roles.saveHolidays', { v: 1, school: String(kompas), holidays: 'Vrij;01-01-2027;31-01-2027' })).toContain('Daar heb je de rol niet voor');
    expect(await invoke(dirk, 'roles.removeHolidays', { v: 1, school: String(kompas) })).toContain('Daar heb je de rol niet voor');
    expect(await invoke(dirk, 'roles.calendar', { v: 1, school: String(kompas) })).toContain('Daar heb je de rol niet voor');
    expect(await invoke(dirk, 'roles.setRegion', { v: 1, school: String(regenboog), region: 'noord', sector: 'vo' })).toContain('Daar heb je de rol niet voor');
    expect(await invoke(dirk, 'roles.setRegion', { v: 1, school: 'tenant', defaultRegion: 'noord' })).toContain('Daar heb je de rol niet voor');
    expect(await invoke(mila, 'roles.saveHolidays', { v: 1, school: String(regenboog), holidays: 'Vrij;01-01-2027;31-01-2027' })).toContain('Daar heb je de rol niet voor');
    expect(await state()).toEqual(before);
  });
});

describe('a rooster sent as a file in the personal chat', () => {
  it("saves a directeur's .csv for their school", async () => {
    const reply = await sendFile(dirk, 'vakanties.csv');
    expect(reply).toContain('Het vakantierooster van De Regenboog is opgeslagen (3 vakanties)');
    const cal = await people.calendarOf(world.tenantId, regenboog);
    expect(cal.ownHolidays).toEqual([
      { name: 'Herfstvakantie', first: '2026-10-17', last: '2026-10-25' },
      { name: 'Kerstvakantie', first: '2026-12-19', last: '2027-01-03' },
      { name: 'Studieweek', first: '2027-06-01', last: '2027-06-04' },
    ]);
    const source = await cadans.db.query('select source from school_holiday_rosters where school_id = $1', [regenboog]);
    expect(source.rows[0].source).toBe('csv');
  });

  it('asks a beheerder which school an .ics is for, and saves it for the school picked', async () => {
    const reply = await sendFile(sanne, 'vakanties.ics');
    expect(reply).toContain('bevat 2 vakanties');
    expect(reply).toContain('roles.saveHolidays');
    // The card's button, with the school picked.
    const action = JSON.parse(reply).actions.find((a: { verb: string }) => a.verb === 'roles.saveHolidays');
    const saved = await invoke(sanne, 'roles.saveHolidays', { ...action.data, school: String(zonnebloem) });
    expect(saved).toContain('Het vakantierooster van De Zonnebloem is opgeslagen (2 vakanties)');
    expect((await people.calendarOf(world.tenantId, zonnebloem)).ownHolidays).toEqual([
      { name: 'Herfstvakantie', first: '2027-10-16', last: '2027-10-24' },
      { name: 'Kerstvakantie', first: '2027-12-25', last: '2028-01-09' },
    ]);
    const source = await cadans.db.query('select source from school_holiday_rosters where school_id = $1', [zonnebloem]);
    expect(source.rows[0].source).toBe('ics');
  });

  it('answers a bad file with what is wrong on which line, and changes nothing', async () => {
    const before = await state();
    const reply = await sendFile(dirk, 'kapot-vakanties.csv');
    expect(reply).toContain('Het rooster is niet opgeslagen');
    expect(reply).toContain('Regel 3: De einddatum ligt vóór de begindatum.');
    expect(await state()).toEqual(before);
  });

  it('refuses a file from someone who keeps no school calendar', async () => {
    const before = await state();
    expect(await sendFile(mila, 'vakanties.ics')).toContain('Daar heb je de rol niet voor');
    expect(await state()).toEqual(before);
  });
});

describe('what the calendar changes', () => {
  it("does not plan a meeting of a school in region zuid in zuid's herfstvakantie; one of a school in noord may be", async () => {
    // Both schools back on their regional dates: De Regenboog zuid, Het Kompas noord.
    await invoke(sanne, 'roles.removeHolidays', { v: 1, school: String(regenboog) });
    await invoke(sanne, 'roles.removeHolidays', { v: 1, school: String(kompas) });
    expect(await postActivity(cadans.url, world.personalMessage(karin, 'overleg'))).toMatchObject({ status: 200 });
    const planned: Record<string, string> = {};
    for (const [school, name] of [[regenboog, 'zuid'], [kompas, 'noord']] as const) {
      const t = await cadans.db.query<{ public_id: string; id: string }>("select public_id, id from meeting_tables where tenant_id = $1 and kind = 'directorQuality' and school_id = $2", [world.tenantId, school]);
      // Tuesday 26 October 2027: zuid's herfstvakantie runs 23–31 October, noord's ended on the 24th.
      const saved = await invoke(karin, 'meeting.saveTable', {
        v: 1,
        table: t.rows[0]!.public_id,
        ruleKind: 'dates',
        dates: '2027-10-26',
        time: '10:00',
        duration: '90',
        prepDays: '5',
        roles: 'directeur:school,kwaliteitsmedewerker:tenant',
        chair: 'role:directeur',
      });
      expect(saved).not.toContain('Daar heb je de rol niet voor');
      const m = await cadans.db.query<{ starts_at: Date }>("select starts_at from meetings where table_id = $1 and status = 'planned'", [t.rows[0]!.id]);
      planned[name] = m.rows[0]!.starts_at.toISOString();
    }
    expect(planned).toEqual({ zuid: '2027-11-01T09:00:00.000Z', noord: '2027-10-26T08:00:00.000Z' });
  });

  it('moves a checklist step due in the school holiday to the first working day after it', async () => {
    // The inspection checklist's step 2 is due five weeks before the investigation starts: Tuesday 26 October 2027.
    const start = (title: string, school: number) => invoke(sanne, 'checklist.start', { v: 1, template: 'inspection', title, school, targetDate: '2027-11-30' }, channel);
    expect(await start('Inspectie De Regenboog', regenboog)).toContain('staat in het kanaal');
    expect(await start('Inspectie Het Kompas', kompas)).toContain('staat in het kanaal');
    const dues = await cadans.db.query<{ title: string; due: string }>(
      `select c.title, to_char(s.due_date, 'YYYY-MM-DD') as due from checklists c join checklist_steps s on s.checklist_id = c.id
        where c.tenant_id = $1 and s.position = 2 order by c.title`,
      [world.tenantId],
    );
    expect(dues.rows).toEqual([
      { title: 'Inspectie De Regenboog', due: '2027-11-01' }, // zuid: after the herfstvakantie
      { title: 'Inspectie Het Kompas', due: '2027-10-26' }, // noord: a school day
    ]);
  });
});
