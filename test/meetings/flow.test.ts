// Meeting cadences as the people at a table live them, through Teams-shaped traffic (real HTTP,
// teams-ai, PostgreSQL, pg-boss, the outbox; only Teams' connector is fake) and a clock of the test's
// own: the two-weekly board table sends prep cards two working days ahead, an agenda item reaches the
// others' cards, "ik kan niet" reaches the chair, the follow-up is recorded and the next meeting
// planned; with three instances on one database each prep card goes out once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCadans, type RunningCadans } from '../../src/cadans.js';
import { startFakeConnector, type ConnectorRecord, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, testConfig, testLogger, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let karin: TeamsUser; // kwaliteitsmedewerker
let bert: TeamsUser; // bestuurder, chairs the board tables
let dirk: TeamsUser; // directeur of De Regenboog
let mila: TeamsUser; // no role
let schoolId: number;

const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;

async function act(u: TeamsUser, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(u, u, verb, data));
  expect(res.status).toBe(200);
  return res;
}

async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Cards that arrived in someone's 1:1 chat (sends, or created chats' first message) since a mark. */
const cardsTo = (u: TeamsUser, since: number, needle: string) =>
  connector.records.filter(
    (r: ConnectorRecord) =>
      r.seq > since &&
      r.status < 300 &&
      (r.operation === 'sendToConversation' || r.operation === 'createConversation') &&
      (r.conversationId === u.personalConversationId || text(r.body).includes(u.aadObjectId) || text(r.body).includes(u.id)) &&
      text(r.body).includes(needle),
  );

async function tableOf(kind: string, school: number | null = null) {
  const r = await cadans.db.query<{ public_id: string; id: string }>(
    'select public_id, id from meeting_tables where tenant_id = $1 and kind = $2 and school_id is not distinct from $3',
    [world.tenantId, kind, school],
  );
  return { publicId: r.rows[0]!.public_id, id: Number(r.rows[0]!.id) };
}

async function plannedOf(tableId: number) {
  const r = await cadans.db.query<{ public_id: string; id: string; starts_at: Date; confirmed: boolean }>("select public_id, id, starts_at, confirmed from meetings where table_id = $1 and status = 'planned'", [tableId]);
  const m = r.rows[0]!;
  return { publicId: m.public_id, id: Number(m.id), startsAt: m.starts_at, confirmed: m.confirmed };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  karin = world.user({ name: 'Karin Kwaliteit' });
  bert = world.user({ name: 'Bert Bestuur' });
  dirk = world.user({ name: 'Dirk Directeur' });
  mila = world.user({ name: 'Mila Medewerker' });
  for (const u of [karin, bert, dirk, mila]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  const s = await cadans.db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'De Regenboog') returning id", [world.tenantId]);
  schoolId = Number(s.rows[0]!.id);
  const grant = (u: TeamsUser, role: string, school: number | null) =>
    cadans.db.query('insert into role_assignments (tenant_id, aad_object_id, role, school_id) values ($1, $2, $3, $4)', [world.tenantId, u.aadObjectId, role, school]);
  await grant(karin, 'kwaliteitsmedewerker', null);
  await grant(bert, 'bestuurder', null);
  await grant(dirk, 'directeur', schoolId);
}, 60_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('overleg', () => {
  it('shows a new tenant the six board tables and its school’s tables, with whether the rhythm is kept', async () => {
    const res = await postActivity(cadans.url, world.personalMessage(karin, 'overleg'));
    expect(res.status).toBe(200);
    const reply = await connector.waitFor((r) => r.conversationId === karin.personalConversationId && text(r.body).includes('Bestuur en kwaliteitsmedewerker'));
    const body = text(reply.body);
    for (const name of ['Stafcollega', 'Bestuur met directeuren', 'Intern toezicht en bestuur', 'Kwaliteitsteam', 'Medezeggenschapsraad', 'De Regenboog']) expect(body).toContain(name);
    const n = await cadans.db.query<{ n: string }>('select count(*) as n from meeting_tables where tenant_id = $1', [world.tenantId]);
    // Six board tables and five of the school.
    expect(Number(n.rows[0]!.n)).toBe(11);
  });

  it('shows someone without a role only the tables they sit at (none), and refuses them a table by its id', async () => {
    const t = await tableOf('boardQuality');
    const res = await act(mila, 'meeting.table', { v: 1, table: t.publicId });
    expect(text(card(res))).not.toContain('Bestuur en kwaliteitsmedewerker');
  });
});

describe('the two-weekly board table', () => {
  let table: { publicId: string; id: number };
  let meeting: { publicId: string; id: number; startsAt: Date };

  it('lets its chair set the next date; prep cards go to its members two working days ahead, not before', async () => {
    table = await tableOf('boardQuality');
    const set = await act(bert, 'meeting.setNext', { v: 1, table: table.publicId, nextDate: '2027-01-19', nextTime: '09:00' });
    expect(text(card(set))).toContain('De datum staat vast');
    meeting = await plannedOf(table.id);
    expect(meeting.startsAt.toISOString()).toBe('2027-01-19T08:00:00.000Z'); // 09:00 in Amsterdam (CET)
    const mark = connector.mark();
    // Friday 15 January 09:00 is two working days before Tuesday 19 January.
    let r = await cadans.meetings.tick(new Date('2027-01-15T07:59:00Z'));
    expect(r.prep).toBe(0);
    r = await cadans.meetings.tick(new Date('2027-01-15T08:00:00Z'));
    expect(r.prep).toBe(2);
    for (const u of [bert, karin]) {
      const [c] = await until(() => (cardsTo(u, mark, 'meeting.prepared').length > 0 ? cardsTo(u, mark, 'meeting.prepared') : false));
      const body = text(c!.body);
      expect(body).toContain('Bestuur en kwaliteitsmedewerker');
      expect(body).toContain('Wat willen we bereiken'); // the PDCA thread
    }
    expect(cardsTo(dirk, mark, 'meeting.prepared')).toHaveLength(0);
    // A second tick sends nothing again.
    expect((await cadans.meetings.tick(new Date('2027-01-15T08:01:00Z'))).prep).toBe(0);
  });

  it('offers the meeting as an .ics file at 09:00 Amsterdam time, through a signed link', async () => {
    const res = await act(karin, 'meeting.prep', { v: 1, meeting: meeting.publicId });
    const url = /"url":"([^"]+)"/.exec(text(card(res)))?.[1];
    expect(url).toBeTruthy();
    const file = await fetch(url!.startsWith('http') ? url! : `${cadans.url}${url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('text/calendar');
    const ics = await file.text();
    expect(ics).toContain('DTSTART;TZID=Europe/Amsterdam:20270119T090000');
    expect(ics).toContain('Bestuur en kwaliteitsmedewerker');
  });

  it('shows an agenda item one member adds on the other members’ cards', async () => {
    // Both prep cards are in the chats (their activity ids recorded).
    await until(async () => {
      const r = await cadans.db.query<{ n: string }>('select count(*) as n from meeting_attendance where meeting_id = $1 and card_activity_id is not null', [meeting.id]);
      return Number(r.rows[0]!.n) === 2;
    });
    const mark = connector.mark();
    const res = await act(karin, 'meeting.addAgenda', { v: 1, meeting: meeting.publicId, agendaText: 'Resultaten werkdrukpeiling bespreken' });
    expect(text(card(res))).toContain('Resultaten werkdrukpeiling bespreken');
    const update = await connector.waitFor((r) => r.seq > mark && r.operation === 'updateActivity' && r.conversationId === bert.personalConversationId && text(r.body).includes('Resultaten werkdrukpeiling bespreken'));
    expect(update.status).toBeLessThan(300);
  });

  it('passes "ik kan niet" with its reason to the chair', async () => {
    const mark = connector.mark();
    await act(karin, 'meeting.cannotCome', { v: 1, meeting: meeting.publicId, reason: 'Inspectiebezoek op De Regenboog' });
    const notice = await until(() => cardsTo(bert, mark, 'Inspectiebezoek op De Regenboog')[0]);
    expect(text(notice.body)).toContain('Karin Kwaliteit');
    // The chair's own card shows it too.
    const prep = await act(bert, 'meeting.prep', { v: 1, meeting: meeting.publicId });
    expect(text(card(prep))).toContain('Karin Kwaliteit');
  });

  it('refuses a forged prep action from someone who does not sit at the table, and changes nothing', async () => {
    const before = await cadans.db.query('select count(*) from meeting_agenda_items where meeting_id = $1', [meeting.id]);
    const res = await act(mila, 'meeting.addAgenda', { v: 1, meeting: meeting.publicId, agendaText: 'Ingebroken' });
    expect(text(card(res))).toContain('Daar heb je de rol niet voor');
    expect((await cadans.db.query('select count(*) from meeting_agenda_items where meeting_id = $1', [meeting.id])).rows).toEqual(before.rows);
  });

  it('sends the chair a follow-up after the meeting; recording it plans the next meeting two weeks on and makes the action', async () => {
    const mark = connector.mark();
    const r = await cadans.meetings.tick(new Date('2027-01-19T09:05:00Z'));
    expect(r.followUps).toBe(1);
    await until(() => cardsTo(bert, mark, 'meeting.record')[0]);
    const recorded = await act(bert, 'meeting.record', {
      v: 1,
      meeting: meeting.publicId,
      held: 'yes',
      decisions: 'We nemen de werkdruk mee in het jaarplan.',
      a1Title: 'Werkdruk agenderen in de MR',
      a1Owner: karin.aadObjectId,
      a1Due: '2027-02-15',
    });
    expect(text(card(recorded))).toContain('We nemen de werkdruk mee in het jaarplan.');
    const next = await plannedOf(table.id);
    expect(next.startsAt.toISOString()).toBe('2027-02-02T08:00:00.000Z');
    expect(next.confirmed).toBe(true);
    const action = await cadans.db.query<{ owner_aad: string; source: { kind: string } }>("select owner_aad, source from improvement_actions where title = 'Werkdruk agenderen in de MR'");
    expect(action.rows[0]!.owner_aad).toBe(karin.aadObjectId);
    expect(action.rows[0]!.source.kind).toBe('meeting');
  });

  it('keeps the typed values and says what is missing when the follow-up is incomplete, and records nothing', async () => {
    const next = await plannedOf(table.id);
    const res = await act(bert, 'meeting.record', { v: 1, meeting: next.publicId, held: '', decisions: 'Half verslag' });
    const body = text(card(res));
    expect(body).toContain('Half verslag');
    expect(body).toContain('Geef aan of het overleg is doorgegaan');
    expect((await plannedOf(table.id)).id).toBe(next.id);
  });
});

describe('three instances on one database', () => {
  let others: RunningCadans[] = [];

  afterAll(async () => {
    for (const o of others) await o.stop();
  });

  it('sends each prep reminder exactly once', async () => {
    others = [await startCadans(testConfig(), testLogger(), cadans.databaseUrl), await startCadans(testConfig(), testLogger(), cadans.databaseUrl)];
    const table = await tableOf('boardDirectors');
    await act(bert, 'meeting.setNext', { v: 1, table: table.publicId, nextDate: '2027-03-09', nextTime: '13:30' });
    const meeting = await plannedOf(table.id);
    // What else is due by then (the board table's next meeting) goes out first, from one instance.
    await cadans.meetings.tick(new Date('2027-03-01T08:00:00Z'));
    const mark = connector.mark();
    const at = new Date('2027-03-02T08:00:00Z'); // Tuesday 2 March 09:00, five working days before
    const results = await Promise.all([cadans.meetings.tick(at), others[0]!.meetings.tick(at), others[1]!.meetings.tick(at)]);
    expect(results.reduce((n, r) => n + r.prep, 0)).toBe(3); // Bert, Dirk (a directeur), Karin
    await until(() => [bert, dirk, karin].every((u) => cardsTo(u, mark, meeting.publicId).length > 0));
    await new Promise((r) => setTimeout(r, 1_500));
    for (const u of [bert, dirk, karin]) expect(cardsTo(u, mark, meeting.publicId).filter((r) => text(r.body).includes('meeting.prepared'))).toHaveLength(1);
    // The prep pack shows each member what they may see: the board's open improvement action (made
    // at the follow-up above) for the bestuurder, not for a directeur, who sees their own school's.
    expect(text(cardsTo(bert, mark, meeting.publicId)[0]!.body)).toContain('Werkdruk agenderen in de MR');
    expect(text(cardsTo(dirk, mark, meeting.publicId)[0]!.body)).not.toContain('Werkdruk agenderen in de MR');
  });
});
