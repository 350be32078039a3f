// Meeting tables linked to Outlook, as the chair and the members notice it: Cadans (real HTTP,
// teams-ai, PostgreSQL, pg-boss, the outbox) with Graph configured against the fake Graph, whose
// calendars a test changes as a person would in Outlook. The test's own clock drives the sync and the
// tick; the Outlook cron is switched off so that only the test's clock reads the calendars.
import pino from 'pino';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCadans, type RunningCadans } from '../../src/cadans.js';
import { createGraph, type Graph } from '../../src/graph/index.js';
import { MEETING_OUTLOOK_QUEUE } from '../../src/meetings/feature.js';
import { nextOccurrenceOf, outlookBodyHtml, parseEventRef, seriesRecurrence, transactionIdFor } from '../../src/meetings/outlook.js';
import { cardActions } from '../support/card-check.js';
import { createTestDatabase } from '../support/db.js';
import { startFakeConnector, type ConnectorRecord, type FakeConnector } from '../support/fake-connector.js';
import { startFakeEntraGraph, type FakeEntraGraph } from '../support/fake-entra-graph.js';
import { startTestCadans, testConfig, testLogger, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

const APP_TENANT = '7d3f0c5e-1b2a-4c8d-9e6f-0a1b2c3d4e5f';
const CLIENT_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
const CLIENT_SECRET = 'test-only-graph-secret';
const OUDER = { name: 'Joost Bakker', email: 'j.bakker@ouders-voorbeeld.nl' };

let connector: FakeConnector;
let fake: FakeEntraGraph;
let graph: Graph;
let database: { url: string; drop(): Promise<void> };
let cadans: RunningCadans;
let world: TeamsWorld;
let karin: TeamsUser; // kwaliteitsmedewerker
let bert: TeamsUser; // bestuurder: chairs the board tables
let mila: TeamsUser;

const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;

async function act(u: TeamsUser, verb: string, data: Record<string, unknown>, url = cadans.url, w = world) {
  const res = await postActivity(url, w.actionExecute(u, u, verb, data));
  expect(res.status).toBe(200);
  return res;
}

async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cardsTo = (u: TeamsUser, since: number, needle: string) =>
  connector.records.filter(
    (r: ConnectorRecord) =>
      r.seq > since &&
      r.status < 300 &&
      (r.operation === 'sendToConversation' || r.operation === 'createConversation') &&
      (r.conversationId === u.personalConversationId || text(r.body).includes(u.aadObjectId) || text(r.body).includes(u.id)) &&
      text(r.body).includes(needle),
  );

async function tableOf(kind: string, db = cadans.db, tenantId = world.tenantId) {
  const r = await db.query<{ public_id: string; id: string; outlook: { organizerAad: string; seriesId?: string } | null }>(
    'select public_id, id, outlook from meeting_tables where tenant_id = $1 and kind = $2 and school_id is null',
    [tenantId, kind],
  );
  return { publicId: r.rows[0]!.public_id, id: Number(r.rows[0]!.id), outlook: r.rows[0]!.outlook };
}

async function plannedOf(tableId: number, db = cadans.db) {
  const r = await db.query<{ public_id: string; id: string; starts_at: Date; confirmed: boolean; outlook_event_id: string | null; prep_at: Date | null }>(
    "select public_id, id, starts_at, confirmed, outlook_event_id, prep_at from meetings where table_id = $1 and status = 'planned'",
    [tableId],
  );
  const m = r.rows[0]!;
  return { publicId: m.public_id, id: Number(m.id), startsAt: m.starts_at, confirmed: m.confirmed, outlookEventId: m.outlook_event_id, prepAt: m.prep_at };
}

/** An event's body as Graph returns it (an occurrence's own one, for a moved or updated occurrence). */
async function bodyOf(userId: string, eventId: string): Promise<string> {
  const res = await fetch(`${fake.graphBaseUrl}/users/${userId}/events/${encodeURIComponent(eventId)}?$select=body`, { headers: { authorization: `Bearer ${await graph.getAccessToken()}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { body: { content: string } }).body.content;
}

const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  connector = await startFakeConnector();
  fake = await startFakeEntraGraph();
  fake.addSecretApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  graph = createGraph({
    credentials: { kind: 'secret', tenantId: APP_TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    authorityMetadataJson: fake.authorityMetadataJson(APP_TENANT),
    graphBaseUrl: fake.graphBaseUrl,
    logger: pino({ level: 'silent' }),
    fetchTimeoutMs: 5_000,
    sleep: async () => undefined,
  });
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  database = await createTestDatabase();
  cadans = await startCadans(testConfig(), testLogger(), database.url, { graph: { client: graph, tenantId: world.tenantId } });
  // Only the test's clock reads Outlook.
  await cadans.jobs.boss.unschedule(MEETING_OUTLOOK_QUEUE);
  karin = world.user({ name: 'Karin Kwaliteit' });
  bert = world.user({ name: 'Bert Bestuur' });
  mila = world.user({ name: 'Mila Medewerker' });
  for (const u of [karin, bert, mila]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  const grant = (u: TeamsUser, role: string) => cadans.db.query('insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, $3)', [world.tenantId, u.aadObjectId, role]);
  await grant(karin, 'kwaliteitsmedewerker');
  await grant(bert, 'bestuurder');
  for (const [u, email] of [[karin, 'karin.kwaliteit@stichting-voorbeeld.nl'], [bert, 'bert.bestuur@stichting-voorbeeld.nl']] as const) {
    await cadans.db.query('update people set email = $3 where tenant_id = $1 and aad_object_id = $2', [world.tenantId, u.aadObjectId, email]);
  }
  const overleg = await postActivity(cadans.url, world.personalMessage(karin, 'overleg'));
  expect(overleg.status).toBe(200);
  // An external member at the two-weekly board table (a member of the supervisory board from outside, say).
  await cadans.db.query("update meeting_tables set members = members || $2::jsonb where tenant_id = $1 and kind = 'boardQuality'", [world.tenantId, JSON.stringify([{ kind: 'external', ...OUDER }])]);
}, 60_000);

afterAll(async () => {
  await cadans?.stop();
  await database?.drop();
  await fake?.close();
  await connector?.close();
});

describe('the pure parts', () => {
  it('makes a weekly series with the table’s interval on the planned meeting’s weekday, and one event for other rules', () => {
    expect(seriesRecurrence({ kind: 'everyNWeeks', weeks: 3 }, at('2027-03-11T13:00:00Z'))).toEqual({ kind: 'weekly', intervalWeeks: 3, daysOfWeek: ['thursday'] });
    // 23:30 UTC on Sunday is Monday in Amsterdam.
    expect(seriesRecurrence({ kind: 'everyNWeeks', weeks: 1 }, at('2027-03-07T23:30:00Z'))).toEqual({ kind: 'weekly', intervalWeeks: 1, daysOfWeek: ['monday'] });
    expect(seriesRecurrence({ kind: 'window', minWeeks: 4, maxWeeks: 6 }, at('2027-03-11T13:00:00Z'))).toEqual({ kind: 'none' });
  });

  it('derives the create’s transactionId from the table and the Amsterdam start, within Graph’s characters', () => {
    const id = transactionIdFor('0f5e2a0c-1d2b-4c3d-8e4f-5a6b7c8d9e0f', at('2027-03-09T08:00:00Z'));
    expect(id).toBe('cadans-0f5e2a0c-1d2b-4c3d-8e4f-5a6b7c8d9e0f-20270309T0900');
    expect(id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  });

  it('takes the first occurrence after now that is not cancelled', () => {
    const o = (id: string, start: string, isCancelled = false) => ({ id, seriesMasterId: 's', start: at(start), end: at(start), isCancelled, type: 'occurrence' as const });
    const list = [o('c', '2027-03-23T08:00:00Z'), o('a', '2027-03-09T08:00:00Z'), o('b', '2027-03-16T08:00:00Z', true)];
    expect(nextOccurrenceOf(list, at('2027-03-01T00:00:00Z'))?.id).toBe('a');
    expect(nextOccurrenceOf(list, at('2027-03-09T08:00:00Z'))?.id).toBe('c');
    expect(nextOccurrenceOf(list, at('2027-04-01T00:00:00Z'))).toBeNull();
  });

  it('reads an event id from a link of Outlook on the web, and refuses what is not one', () => {
    const id = 'AAMkADk0ZjQ5N2Y1LWE0OTMtNGM5ZS1hZjA1LWM5YjgyYjA2NGJkMQBGAAAAAAA=';
    expect(parseEventRef(id)).toBe(id);
    expect(parseEventRef(`https://outlook.office.com/calendar/item/${encodeURIComponent('AAMk/ADk+0ZjQ5N2Y1LWE0OTMt=')}`)).toBe('AAMk-ADk_0ZjQ5N2Y1LWE0OTMt=');
    expect(parseEventRef(`https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`)).toBe(id);
    expect(parseEventRef('volgende dinsdag')).toBeNull();
    expect(parseEventRef('https://example.org/')).toBeNull();
  });

  it('escapes what members typed in the body', () => {
    const html = outlookBodyHtml({ language: 'nl', topics: ['Data'], pdca: [{ step: 'Plan', question: 'Wat?' }], agenda: [{ text: '<script>x</script> & meer', author: 'Karin' }] });
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; meer');
    expect(html).not.toContain('<script>');
  });
});

describe('the two-weekly board table in the chair’s Outlook', () => {
  let table: { publicId: string; id: number };
  let seriesId: string;

  it('asks for one person as chair when the chair’s role is held by more than one', async () => {
    table = await tableOf('boardQuality');
    await act(bert, 'meeting.setNext', { v: 1, table: table.publicId, nextDate: '2027-03-09', nextTime: '09:00' });
    await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'bestuurder')", [world.tenantId, mila.aadObjectId]);
    const res = await act(karin, 'meeting.linkOutlook', { v: 1, table: table.publicId, mode: 'create' });
    expect(text(card(res))).toContain('Kies eerst één persoon als voorzitter');
    expect(fake.calendars.events(bert.aadObjectId)).toHaveLength(0);
    expect(fake.calendars.events(mila.aadObjectId)).toHaveLength(0);
    await cadans.db.query("delete from role_assignments where tenant_id = $1 and aad_object_id = $2 and role = 'bestuurder'", [world.tenantId, mila.aadObjectId]);
  });

  it('creates a two-weekly series in the chair’s calendar at 09:00 Amsterdam, with the members and the external member invited', async () => {
    // The chair's table card offers it; the button's own data is what is sent.
    const offered = card(await act(bert, 'meeting.table', { v: 1, table: table.publicId }));
    expect(text(offered)).toContain('Zet dit overleg als reeks in de Outlook-agenda van de voorzitter');
    const create = cardActions(offered).find((a) => a.title === 'Zet in Outlook');
    expect(create).toMatchObject({ verb: 'meeting.linkOutlook', data: { v: 1, table: table.publicId, mode: 'create' } });
    const res = await act(karin, 'meeting.linkOutlook', create!.data!);
    expect(text(card(res))).toContain('Gekoppeld aan Outlook');
    const events = fake.calendars.events(bert.aadObjectId) as {
      id: string;
      subject: string;
      start: { dateTime: string; timeZone: string };
      end: { dateTime: string; timeZone: string };
      attendees: { emailAddress: { address: string } }[];
      recurrence: { pattern: { type: string; interval: number; daysOfWeek: string[] }; range: { startDate: string; recurrenceTimeZone: string } };
      body: { content: string };
    }[];
    expect(events).toHaveLength(1);
    const e = events[0]!;
    seriesId = e.id;
    expect(e.subject).toBe('Bestuur en kwaliteitsmedewerker');
    expect(e.start).toEqual({ dateTime: '2027-03-09T09:00:00', timeZone: 'W. Europe Standard Time' });
    expect(e.end.dateTime).toBe('2027-03-09T10:00:00');
    expect(e.recurrence.pattern).toMatchObject({ type: 'weekly', interval: 2, daysOfWeek: ['tuesday'] });
    expect(e.recurrence.range).toMatchObject({ startDate: '2027-03-09', recurrenceTimeZone: 'W. Europe Standard Time' });
    // The members (not the chair, who organises it) and the external member.
    expect(e.attendees.map((a) => a.emailAddress.address).sort()).toEqual([OUDER.email, 'karin.kwaliteit@stichting-voorbeeld.nl']);
    expect(e.body.content).toContain('Wat willen we bereiken'); // the PDCA thread
    expect(e.body.content).toContain('Data en kwaliteitsrapportages'); // the table's topics
    expect((await tableOf('boardQuality')).outlook).toEqual({ organizerAad: bert.aadObjectId, seriesId });
    const shown = await act(bert, 'meeting.table', { v: 1, table: table.publicId });
    expect(text(card(shown))).toContain('gekoppeld aan een reeks in de agenda van de voorzitter');
    expect(cardActions(card(shown)).filter((a) => a.verb === 'meeting.linkOutlook')).toEqual([]);
    // Outlook's first occurrence is the planned meeting.
    await cadans.meetings.outlook.syncDue(at('2027-03-01T08:00:00Z'));
    const m = await plannedOf(table.id);
    expect(m.startsAt.toISOString()).toBe('2027-03-09T08:00:00.000Z');
    expect(m.confirmed).toBe(true);
    expect(m.outlookEventId).toBe(`${seriesId}_20270309`);
  });

  it('does not link twice, and sends the chair to Outlook to move a meeting', async () => {
    const again = await act(karin, 'meeting.linkOutlook', { v: 1, table: table.publicId, mode: 'create' });
    expect(text(card(again))).toContain('al gekoppeld aan Outlook');
    expect(fake.calendars.events(bert.aadObjectId)).toHaveLength(1);
    const set = await act(bert, 'meeting.setNext', { v: 1, table: table.publicId, nextDate: '2027-03-10', nextTime: '09:00' });
    expect(text(card(set))).toContain('verplaats de bijeenkomst in Outlook');
    expect((await plannedOf(table.id)).startsAt.toISOString()).toBe('2027-03-09T08:00:00.000Z');
  });

  it('follows a meeting moved in Outlook: the prep cards go two working days before the new date, not the old one', async () => {
    // Bert moves Tuesday 9 March to Thursday 11 March 14:00 in Outlook.
    fake.calendars.moveOccurrence(bert.aadObjectId, seriesId, '2027-03-09', { start: at('2027-03-11T13:00:00Z'), end: at('2027-03-11T14:00:00Z') });
    await cadans.meetings.outlook.syncDue(at('2027-03-01T08:00:00Z'));
    const m = await plannedOf(table.id);
    expect(m.startsAt.toISOString()).toBe('2027-03-11T13:00:00.000Z');
    expect(m.outlookEventId).toBe(`${seriesId}_20270309`);
    const mark = connector.mark();
    // Friday 5 March 09:00 was two working days before the old date: nothing now.
    expect((await cadans.meetings.tick(at('2027-03-05T08:00:00Z'))).prep).toBe(0);
    expect((await cadans.meetings.tick(at('2027-03-09T07:59:00Z'))).prep).toBe(0);
    // Tuesday 9 March 09:00 is two working days before Thursday 11 March.
    const r = await cadans.meetings.tick(at('2027-03-09T08:00:00Z'));
    expect(r.prep).toBe(2);
    for (const u of [bert, karin]) {
      const [c] = await until(() => (cardsTo(u, mark, m.publicId).length > 0 ? cardsTo(u, mark, m.publicId) : false));
      expect(text(c!.body)).toContain('11 maart 2027, 14:00');
    }
    // The external member gets the prep by mail, from the chair's mailbox.
    const mail = await until(() => fake.calendars.sentMails().find((x) => x.to.some((t) => t.email === OUDER.email)));
    expect(mail.fromUserId).toBe(bert.aadObjectId);
    expect(mail.to.map((t) => t.email)).toEqual([OUDER.email]);
    expect(mail.subject).toContain('Bestuur en kwaliteitsmedewerker');
    expect(mail.bodyHtml).toContain('11 maart 2027');
  });

  it('skips occurrences cancelled in Outlook: after the follow-up the next meeting is the first one still on', async () => {
    const held = await plannedOf(table.id);
    const recorded = await act(bert, 'meeting.record', { v: 1, meeting: held.publicId, held: 'yes', decisions: 'Borging van de werkdrukaanpak in het jaarplan.' });
    expect(text(card(recorded))).toContain('Borging van de werkdrukaanpak');
    // 23 March deleted by the organizer; 6 April still there but marked cancelled.
    fake.calendars.cancelOccurrence(bert.aadObjectId, seriesId, '2027-03-23', 'deleted');
    fake.calendars.cancelOccurrence(bert.aadObjectId, seriesId, '2027-04-06', 'markedCancelled');
    await cadans.meetings.outlook.syncDue(at('2027-03-12T08:00:00Z'));
    const next = await plannedOf(table.id);
    expect(next.id).not.toBe(held.id);
    expect(next.startsAt.toISOString()).toBe('2027-04-20T07:00:00.000Z'); // 09:00 in Amsterdam, summer time
    expect(next.confirmed).toBe(true);
    expect(next.outlookEventId).toBe(`${seriesId}_20270420`);
  });

  it('writes an agenda item a member adds into that meeting’s body in Outlook, keeping the rest', async () => {
    const next = await plannedOf(table.id);
    const res = await act(karin, 'meeting.addAgenda', { v: 1, meeting: next.publicId, agendaText: 'Uitkomsten van de werkdrukpeiling & vervolg' });
    expect(text(card(res))).toContain('Agendapunt toegevoegd');
    const body = await until(async () => {
      const b = await bodyOf(bert.aadObjectId, next.outlookEventId!);
      return b.includes('werkdrukpeiling') ? b : false;
    });
    expect(body).toContain('Uitkomsten van de werkdrukpeiling &amp; vervolg');
    expect(body).toContain('Karin Kwaliteit');
    expect(body).toContain('Wat willen we bereiken');
    // The agenda is this meeting's: the series keeps its own body.
    const master = (fake.calendars.events(bert.aadObjectId) as { body: { content: string } }[])[0]!;
    expect(master.body.content).not.toContain('werkdrukpeiling');
  });

  it('unlinks the table when the series is deleted in Outlook, keeping its planned meeting', async () => {
    const before = await plannedOf(table.id);
    fake.calendars.deleteEvent(bert.aadObjectId, seriesId);
    await cadans.meetings.outlook.syncDue(at('2027-03-12T09:00:00Z'));
    expect((await tableOf('boardQuality')).outlook).toBeNull();
    const after = await plannedOf(table.id);
    expect(after.startsAt.toISOString()).toBe(before.startsAt.toISOString());
    const shown = await act(bert, 'meeting.table', { v: 1, table: table.publicId });
    expect(text(card(shown))).not.toContain('gekoppeld aan een reeks');
  });
});

describe('a table every 4–6 weeks in Outlook', () => {
  it('gets one event per meeting: the planned one now, and a new one when the follow-up plans the next', async () => {
    const table = await tableOf('staff');
    await act(karin, 'meeting.setNext', { v: 1, table: table.publicId, nextDate: '2027-02-16', nextTime: '10:00' });
    const res = await act(karin, 'meeting.linkOutlook', { v: 1, table: table.publicId, mode: 'create' });
    expect(text(card(res))).toContain('het volgende overleg staat in de agenda van Karin Kwaliteit');
    const [first] = fake.calendars.events(karin.aadObjectId) as { id: string; start: { dateTime: string }; end: { dateTime: string }; recurrence: unknown }[];
    expect(first!.recurrence).toBeNull();
    expect(first!.start.dateTime).toBe('2027-02-16T10:00:00');
    expect(first!.end.dateTime).toBe('2027-02-16T11:30:00');
    const planned = await plannedOf(table.id);
    expect(planned.outlookEventId).toBe(first!.id);
    expect(planned.confirmed).toBe(true);
    // The meeting is held and recorded; the follow-up plans the next one …
    await act(karin, 'meeting.record', { v: 1, meeting: planned.publicId, held: 'yes' });
    const next = await plannedOf(table.id);
    expect(next.id).not.toBe(planned.id);
    // … and the sync puts it in Outlook as a new event.
    await cadans.meetings.outlook.syncDue(at('2027-02-17T08:00:00Z'));
    const events = fake.calendars.events(karin.aadObjectId) as { id: string; start: { dateTime: string; timeZone: string }; recurrence: unknown }[];
    expect(events).toHaveLength(2);
    const second = events.find((e) => e.id !== first!.id)!;
    expect(second.recurrence).toBeNull();
    expect(second.start.dateTime).toBe(`${DateTime.fromJSDate(next.startsAt, { zone: 'Europe/Amsterdam' }).toFormat("yyyy-MM-dd'T'HH:mm")}:00`);
    expect((await tableOf('staff')).outlook).toEqual({ organizerAad: karin.aadObjectId, seriesId: second.id });
    expect((await plannedOf(table.id)).outlookEventId).toBe(second.id);
    // Read again, nothing more is made.
    await cadans.meetings.outlook.syncDue(at('2027-02-17T09:00:00Z'));
    expect(fake.calendars.events(karin.aadObjectId)).toHaveLength(2);
  });
});

describe('linking a series the chair already has', () => {
  it('takes the series’ next meeting (from a link of Outlook on the web) as the planned meeting, confirmed', async () => {
    const table = await tableOf('boardDirectors');
    // A four-weekly series Bert made himself, starting on a Tuesday three weeks from now, 13:30–16:30.
    const first = DateTime.now().setZone('Europe/Amsterdam').plus({ weeks: 3 }).set({ weekday: 2, hour: 13, minute: 30, second: 0, millisecond: 0 });
    const date = first.toISODate()!;
    const id = fake.calendars.putEvent(bert.aadObjectId, {
      subject: 'Bestuur met directeuren',
      start: { dateTime: `${date}T13:30:00`, timeZone: 'W. Europe Standard Time' },
      end: { dateTime: `${date}T16:30:00`, timeZone: 'W. Europe Standard Time' },
      recurrence: { pattern: { type: 'weekly', interval: 4, daysOfWeek: ['tuesday'], firstDayOfWeek: 'monday' }, range: { type: 'noEnd', startDate: date, recurrenceTimeZone: 'W. Europe Standard Time' } },
      bodyHtml: '<p>Eigen tekst van Bert</p>',
    });
    // From the card: "Bestaande reeks koppelen" opens a field for the link, "Koppelen" sends it.
    const offered = card(await act(bert, 'meeting.table', { v: 1, table: table.publicId }));
    const link = cardActions(offered).find((a) => a.title === 'Koppelen');
    expect(link).toMatchObject({ verb: 'meeting.linkOutlook', data: { v: 1, table: table.publicId, mode: 'link' } });
    expect(text(offered)).toContain('"id":"event"');
    const res = await act(bert, 'meeting.linkOutlook', { ...link!.data, event: `https://outlook.office.com/calendar/item/${encodeURIComponent(id)}` });
    expect(text(card(res))).toContain('Gekoppeld aan Outlook');
    expect((await tableOf('boardDirectors')).outlook).toEqual({ organizerAad: bert.aadObjectId, seriesId: id });
    const m = await plannedOf(table.id);
    expect(m.startsAt.toISOString()).toBe(first.toUTC().toISO({ suppressMilliseconds: false }));
    expect(m.confirmed).toBe(true);
    expect(m.outlookEventId).toBe(`${id}_${date.replace(/-/g, '')}`);
    // No second series was made.
    expect(fake.calendars.events(bert.aadObjectId).filter((e) => e.subject === 'Bestuur met directeuren')).toHaveLength(1);
  });

  it('says so when the event is not in the chair’s calendar', async () => {
    const table = await tableOf('supervisoryBoard');
    await cadans.db.query("update meeting_tables set chair = $2 where id = $1", [table.id, JSON.stringify({ kind: 'person', aadObjectId: bert.aadObjectId, name: 'Bert Bestuur' })]);
    const res = await act(bert, 'meeting.linkOutlook', { v: 1, table: table.publicId, mode: 'link', event: 'AAMkADbestaatnietAAAAAAAAAAAAAAAA=' });
    expect(text(card(res))).toContain('Die afspraak staat niet in de agenda van de voorzitter');
    expect((await tableOf('supervisoryBoard')).outlook).toBeNull();
  });
});

describe('without Graph', () => {
  let plain: TestCadans;
  afterAll(async () => {
    await plain?.close();
  });

  it('gives the chair the prep text to forward to the external member, and refuses to link to Outlook', async () => {
    plain = await startTestCadans();
    const w = createTeamsWorld({ serviceUrl: connector.serviceUrl });
    const chair = w.user({ name: 'Bea Bestuur' });
    const officer = w.user({ name: 'Kees Kwaliteit' });
    for (const u of [chair, officer]) await postActivity(plain.url, w.personalMessage(u, 'hulp'));
    for (const [u, role] of [[chair, 'bestuurder'], [officer, 'kwaliteitsmedewerker']] as const) {
      await plain.db.query('insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, $3)', [w.tenantId, u.aadObjectId, role]);
    }
    await postActivity(plain.url, w.personalMessage(officer, 'overleg'));
    await plain.db.query("update meeting_tables set members = members || $2::jsonb where tenant_id = $1 and kind = 'boardQuality'", [w.tenantId, JSON.stringify([{ kind: 'external', ...OUDER }])]);
    const table = await tableOf('boardQuality', plain.db, w.tenantId);
    const shown = card(await act(chair, 'meeting.table', { v: 1, table: table.publicId }, plain.url, w));
    expect(cardActions(shown).filter((a) => a.verb === 'meeting.linkOutlook')).toEqual([]); // not offered without Graph
    const link = await act(chair, 'meeting.linkOutlook', { v: 1, table: table.publicId, mode: 'create' }, plain.url, w);
    expect(text(card(link))).toContain('Outlook is niet gekoppeld aan Cadans');
    await act(chair, 'meeting.setNext', { v: 1, table: table.publicId, nextDate: '2027-06-08', nextTime: '09:00' }, plain.url, w);
    const mark = connector.mark();
    // Friday 4 June 09:00, two working days before Tuesday 8 June.
    expect((await plain.meetings.tick(at('2027-06-04T07:00:00Z'))).prep).toBe(2);
    const forward = await until(() => cardsTo(chair, mark, OUDER.email)[0]);
    expect(text(forward.body)).toContain('Stuur deze tekst door');
    expect(text(forward.body)).toContain('Bestuur en kwaliteitsmedewerker');
    expect(text(forward.body)).toContain('8 juni 2027');
  });
});
