import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraph, GraphError, isNotFound, type CreateSeriesInput, type Graph, type GraphOptions } from '../../src/graph/index.js';
import { toInstant } from '../../src/graph/calendar.js';
import { startFakeEntraGraph, type FakeEntraGraph } from '../support/fake-entra-graph.js';

const TENANT_ID = '7d3f0c5e-1b2a-4c8d-9e6f-0a1b2c3d4e5f';
const CLIENT_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
const CLIENT_SECRET = 'Zq8~s3cr3t-value-that-must-never-leak';
const CHAIR = 'c4a1e000-0000-4000-8000-00000000c4a1';
const OTHER_CHAIR = 'c4a1e000-0000-4000-8000-00000000c4a2';
const VIEW_PATH = `/v1.0/users/${CHAIR}/calendar/calendarView`;

const anouk = { email: 'anouk.devries@stichting-voorbeeld.nl', name: 'Anouk de Vries' };
const bram = { email: 'bram.jansen@stichting-voorbeeld.nl', name: 'Bram Jansen' };
const ouder = { email: 'j.bakker@gmail.com', name: 'Joost Bakker (MR)' };

/** Bestuur + kwaliteitsmedewerker, every two weeks on Monday 09:00–10:00, across the end of summer time (25 Oct 2026). */
function twoWeekly(overrides: Partial<CreateSeriesInput> = {}): CreateSeriesInput {
  return {
    subject: 'Bestuur en kwaliteitszorg',
    bodyHtml: '<p>Agenda: nieuwe eisen onderzoekskader</p>',
    start: { date: '2026-10-12', time: '09:00' },
    durationMinutes: 60,
    timeZone: 'Europe/Amsterdam',
    attendees: [anouk, bram, { email: 'Bram.Jansen@stichting-voorbeeld.nl', name: 'Bram' }],
    recurrence: { kind: 'weekly', intervalWeeks: 2, daysOfWeek: ['monday'] },
    endDate: '2026-12-21',
    transactionId: 'cadans-table-42-series-1',
    ...overrides,
  };
}

const AMSTERDAM = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
function amsterdam(instant: Date): string {
  return AMSTERDAM.format(instant).replace(',', '');
}

describe('graph calendar and mail', () => {
  let fake: FakeEntraGraph;
  let sleeps: number[];
  let logs: string[];
  let options: GraphOptions;
  let graph: Graph;

  beforeEach(async () => {
    fake = await startFakeEntraGraph();
    fake.addSecretApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    sleeps = [];
    logs = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString('utf8'));
        callback();
      },
    });
    options = {
      credentials: { kind: 'secret', tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      authorityMetadataJson: fake.authorityMetadataJson(TENANT_ID),
      graphBaseUrl: fake.graphBaseUrl,
      logger: pino({ level: 'trace' }, stream),
      pageSize: 4,
      fetchTimeoutMs: 2000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    };
    graph = createGraph(options);
  });

  afterEach(async () => {
    await fake.close();
  });

  const viewRequests = () => fake.requestsOf('graph').filter((r) => r.path === VIEW_PATH);

  it('creates a two-weekly series in the chair’s calendar with each attendee once, the recurrence and Amsterdam times', async () => {
    const created = await graph.createSeries(CHAIR, twoWeekly());

    const [post] = fake.requestsOf('graph');
    expect(post?.method).toBe('POST');
    expect(post?.path).toBe(`/v1.0/users/${CHAIR}/events`);
    const sent = JSON.parse(post!.body) as Record<string, unknown>;
    expect(sent).toMatchObject({
      subject: 'Bestuur en kwaliteitszorg',
      start: { dateTime: '2026-10-12T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-10-12T10:00:00', timeZone: 'W. Europe Standard Time' },
      recurrence: {
        pattern: { type: 'weekly', interval: 2, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
        range: { type: 'endDate', startDate: '2026-10-12', endDate: '2026-12-21', recurrenceTimeZone: 'W. Europe Standard Time' },
      },
      transactionId: 'cadans-table-42-series-1',
      body: { contentType: 'HTML' },
    });
    expect(sent.attendees).toEqual([
      { emailAddress: { address: anouk.email, name: anouk.name }, type: 'required' },
      { emailAddress: { address: bram.email, name: bram.name }, type: 'required' },
    ]);
    const stored = fake.calendars.events(CHAIR);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: created.eventId, type: 'seriesMaster', iCalUId: created.iCalUId });
  });

  it('keeps a series at 09:00 in Amsterdam on both sides of the last Sunday of October', async () => {
    const { eventId } = await graph.createSeries(CHAIR, twoWeekly());

    const occurrences = await graph.listOccurrences(CHAIR, { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });

    expect(occurrences.map((o) => amsterdam(o.start))).toEqual([
      '2026-10-12 09:00',
      '2026-10-26 09:00',
      '2026-11-09 09:00',
      '2026-11-23 09:00',
      '2026-12-07 09:00',
      '2026-12-21 09:00',
    ]);
    // Summer time (UTC+2) before 25 October, winter time (UTC+1) after.
    expect(occurrences[0]!.start.toISOString()).toBe('2026-10-12T07:00:00.000Z');
    expect(occurrences[1]!.start.toISOString()).toBe('2026-10-26T08:00:00.000Z');
    expect(occurrences.every((o) => o.end.getTime() - o.start.getTime() === 60 * 60_000)).toBe(true);
    expect(occurrences.every((o) => o.seriesMasterId === eventId && o.type === 'occurrence' && !o.isCancelled)).toBe(true);
    expect(occurrences[0]!.subject).toBe('Bestuur en kwaliteitszorg');
  });

  it('creates the series once when the create is retried with the same transactionId', async () => {
    const first = await graph.createSeries(CHAIR, twoWeekly());
    const again = await graph.createSeries(CHAIR, twoWeekly());

    expect(again.eventId).toBe(first.eventId);
    expect(fake.calendars.events(CHAIR)).toHaveLength(1);
  });

  it('creates one event without recurrence for a window rule', async () => {
    const created = await graph.createSeries(CHAIR, twoWeekly({ recurrence: { kind: 'none' }, endDate: undefined, transactionId: 'cadans-table-7-2026-11-19', start: { date: '2026-11-19', time: '15:30' }, durationMinutes: 90 }));

    const sent = JSON.parse(fake.requestsOf('graph')[0]!.body) as Record<string, unknown>;
    expect(sent).not.toHaveProperty('recurrence');
    expect(sent.end).toEqual({ dateTime: '2026-11-19T17:00:00', timeZone: 'W. Europe Standard Time' });
    const occurrences = await graph.listOccurrences(CHAIR, { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') });
    expect(occurrences).toEqual([
      expect.objectContaining({ id: created.eventId, seriesMasterId: null, type: 'singleInstance', start: new Date('2026-11-19T14:30:00Z'), end: new Date('2026-11-19T16:00:00Z') }),
    ]);
  });

  it('reads an occurrence moved in Outlook at its new time, and cancelled ones as cancelled or gone', async () => {
    const { eventId } = await graph.createSeries(CHAIR, twoWeekly());
    // The chair moves 9 November to Tuesday 10 November 13:00–14:00 …
    fake.calendars.moveOccurrence(CHAIR, eventId, '2026-11-09', { start: new Date('2026-11-10T12:00:00Z'), end: new Date('2026-11-10T13:00:00Z') });
    // … an attendee's view keeps 23 November as cancelled, and the organizer's deletes 7 December.
    fake.calendars.cancelOccurrence(CHAIR, eventId, '2026-11-23', 'markedCancelled');
    fake.calendars.cancelOccurrence(CHAIR, eventId, '2026-12-07', 'deleted');

    const occurrences = await graph.listOccurrences(CHAIR, { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });

    expect(occurrences.map((o) => [amsterdam(o.start), o.type, o.isCancelled])).toEqual([
      ['2026-11-10 13:00', 'exception', false],
      ['2026-11-23 09:00', 'occurrence', true],
      ['2026-12-21 09:00', 'occurrence', false],
    ]);
    expect(occurrences[0]!.originalStart?.toISOString()).toBe('2026-11-09T08:00:00.000Z');
  });

  it('follows @odata.nextLink, asks for UTC times, and a page at a time', async () => {
    await graph.createSeries(CHAIR, twoWeekly({ recurrence: { kind: 'weekly', intervalWeeks: 1, daysOfWeek: ['monday', 'thursday'] } }));

    const occurrences = await graph.listOccurrences(CHAIR, { from: new Date('2026-10-12T00:00:00Z'), to: new Date('2026-11-13T00:00:00Z') });

    expect(occurrences).toHaveLength(10);
    expect(new Set(occurrences.map((o) => o.id)).size).toBe(10);
    const pages = viewRequests();
    expect(pages).toHaveLength(3);
    expect(pages[0]?.query).toMatchObject({
      startDateTime: '2026-10-12T00:00:00.000Z',
      endDateTime: '2026-11-13T00:00:00.000Z',
      $top: '4',
      $select: 'id,seriesMasterId,start,end,originalStart,isCancelled,subject,type',
    });
    expect(pages.map((p) => p.query.$skip)).toEqual([undefined, '4', '8']);
    expect(pages.every((p) => p.headers.prefer === 'outlook.timezone="UTC"')).toBe(true);
  });

  it('keeps the chair’s other appointments out when asked for Cadans’ events only', async () => {
    const { eventId } = await graph.createSeries(CHAIR, twoWeekly());
    fake.calendars.putEvent(CHAIR, {
      subject: 'Tandarts',
      start: { dateTime: '2026-10-13T08:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-10-13T08:30:00', timeZone: 'UTC' },
    });
    const window = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };

    expect((await graph.listOccurrences(CHAIR, window)).map((o) => o.subject)).toContain('Tandarts');
    const ours = await graph.listOccurrences(CHAIR, { ...window, onlyEventIds: [eventId] });
    expect(ours.map((o) => o.subject)).toEqual(['Bestuur en kwaliteitszorg', 'Bestuur en kwaliteitszorg']);
  });

  it('reads an existing series to link it: subject, weekly recurrence, Amsterdam start and attendees', async () => {
    const seriesId = fake.calendars.putEvent(CHAIR, {
      subject: 'Directeur en kwaliteitsmedewerker De Regenboog',
      // Made by someone whose Outlook runs on UTC: 14:30 UTC in January is 15:30 in Amsterdam.
      start: { dateTime: '2027-01-14T14:30:00', timeZone: 'UTC' },
      end: { dateTime: '2027-01-14T15:45:00', timeZone: 'UTC' },
      recurrence: {
        pattern: { type: 'weekly', interval: 3, daysOfWeek: ['thursday'], firstDayOfWeek: 'monday' },
        range: { type: 'endDate', startDate: '2027-01-14', endDate: '2027-07-01' },
      },
      attendees: [
        { type: 'required', emailAddress: { address: anouk.email, name: anouk.name } },
        { type: 'optional', emailAddress: { address: bram.email, name: bram.name } },
      ],
      isOnlineMeeting: true,
    });

    const event = await graph.getEvent(CHAIR, seriesId);

    expect(event).toMatchObject({
      id: seriesId,
      type: 'seriesMaster',
      subject: 'Directeur en kwaliteitsmedewerker De Regenboog',
      start: { date: '2027-01-14', time: '15:30' },
      startsAt: new Date('2027-01-14T14:30:00Z'),
      durationMinutes: 75,
      timeZone: 'Europe/Amsterdam',
      recurrence: { kind: 'weekly', intervalWeeks: 3, daysOfWeek: ['thursday'] },
      endDate: '2027-07-01',
      numberOfOccurrences: null,
      isOnlineMeeting: true,
      isCancelled: false,
    });
    expect(event.attendees).toEqual([
      { email: anouk.email, name: anouk.name, type: 'required' },
      { email: bram.email, name: bram.name, type: 'optional' },
    ]);
    const get = fake.requestsOf('graph').at(-1)!;
    expect(get.headers.prefer).toBe('outlook.timezone="W. Europe Standard Time"');
  });

  it('writes the agenda into the meeting body, and sends nothing when it did not change', async () => {
    const { eventId } = await graph.createSeries(CHAIR, twoWeekly());

    await expect(graph.updateBody(CHAIR, eventId, '<ol><li>Inspectiebezoek voorbereiden</li></ol>')).resolves.toBe('updated');
    await expect(graph.updateBody(CHAIR, eventId, '<ol><li>Inspectiebezoek voorbereiden</li></ol>')).resolves.toBe('unchanged');

    const content = String((fake.calendars.events(CHAIR)[0]!.body as { content: string }).content);
    expect(content).toContain('Inspectiebezoek voorbereiden');
    expect(content).not.toContain('nieuwe eisen onderzoekskader');
    expect(fake.requestsOf('graph').filter((r) => r.method === 'PATCH')).toHaveLength(1);
    const patch = fake.requestsOf('graph').find((r) => r.method === 'PATCH')!;
    expect(JSON.parse(patch.body)).toMatchObject({ body: { contentType: 'HTML' } });
  });

  it('keeps the Teams join block and the chair’s own text of a linked meeting when writing the agenda', async () => {
    const teamsBlock = '<div>Microsoft Teams-vergadering <a href="https://teams.microsoft.com/l/meetup-join/abc">Nu deelnemen</a></div>';
    const seriesId = fake.calendars.putEvent(CHAIR, {
      subject: 'Kwaliteitsteam',
      start: { dateTime: '2027-02-01T13:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2027-02-01T14:00:00', timeZone: 'W. Europe Standard Time' },
      bodyHtml: `<html><head></head><body><p>Graag je laptop meenemen.</p>${teamsBlock}</body></html>`,
      isOnlineMeeting: true,
    });

    await graph.updateBody(CHAIR, seriesId, '<p>Punt 1</p>');
    await graph.updateBody(CHAIR, seriesId, '<p>Punt 1</p><p>Punt 2</p>');

    const content = String((fake.calendars.events(CHAIR)[0]!.body as { content: string }).content);
    expect(content).toContain(teamsBlock);
    expect(content).toContain('Graag je laptop meenemen.');
    expect(content).toContain('<p>Punt 1</p><p>Punt 2</p>');
    expect(content.split('Punt 1')).toHaveLength(2);
  });

  it('sends a mail from the chair’s mailbox to each recipient, not kept in Sent Items', async () => {
    await graph.sendMail(CHAIR, { to: [ouder, anouk], subject: 'Voorbereiding MR-vergadering 19 november', bodyHtml: '<p>Beste Joost,</p>' });

    expect(fake.calendars.sentMails()).toEqual([
      {
        fromUserId: CHAIR,
        subject: 'Voorbereiding MR-vergadering 19 november',
        bodyHtml: '<p>Beste Joost,</p>',
        contentType: 'HTML',
        to: [ouder, anouk],
        saveToSentItems: false,
      },
    ]);
    expect(fake.requestsOf('graph')[0]?.path).toBe(`/v1.0/users/${CHAIR}/sendMail`);
  });

  it.each<[string, (g: Graph) => Promise<unknown>]>([
    ['a user id that is a path', (g) => g.createSeries('../groups', twoWeekly())],
    ['an attendee without a valid address', (g) => g.createSeries(CHAIR, twoWeekly({ attendees: [{ email: 'anouk at school', name: 'Anouk' }] }))],
    ['an attendee name with a line break', (g) => g.createSeries(CHAIR, twoWeekly({ attendees: [{ email: anouk.email, name: 'Anouk\r\nBcc: x@y.nl' }] }))],
    ['a subject over 255 characters', (g) => g.createSeries(CHAIR, twoWeekly({ subject: 'x'.repeat(256) }))],
    ['an empty subject', (g) => g.createSeries(CHAIR, twoWeekly({ subject: '  ' }))],
    ['a time that is not a time', (g) => g.createSeries(CHAIR, twoWeekly({ start: { date: '2026-10-12', time: '25:00' } }))],
    ['a date that does not exist', (g) => g.createSeries(CHAIR, twoWeekly({ start: { date: '2026-02-30', time: '09:00' } }))],
    ['a time skipped when summer time starts', (g) => g.createSeries(CHAIR, twoWeekly({ start: { date: '2027-03-28', time: '02:30' }, recurrence: { kind: 'none' }, endDate: undefined }))],
    ['a start that is not on one of the series’ days', (g) => g.createSeries(CHAIR, twoWeekly({ start: { date: '2026-10-13', time: '09:00' } }))],
    ['an interval of zero weeks', (g) => g.createSeries(CHAIR, twoWeekly({ recurrence: { kind: 'weekly', intervalWeeks: 0, daysOfWeek: ['monday'] } }))],
    ['no days of the week', (g) => g.createSeries(CHAIR, twoWeekly({ recurrence: { kind: 'weekly', intervalWeeks: 2, daysOfWeek: [] } }))],
    ['an end date before the start', (g) => g.createSeries(CHAIR, twoWeekly({ endDate: '2026-10-11' }))],
    ['an end date for a single event', (g) => g.createSeries(CHAIR, twoWeekly({ recurrence: { kind: 'none' } }))],
    ['a duration of zero minutes', (g) => g.createSeries(CHAIR, twoWeekly({ durationMinutes: 0 }))],
    ['another time zone', (g) => g.createSeries(CHAIR, { ...twoWeekly(), timeZone: 'Europe/London' as 'Europe/Amsterdam' })],
    ['a transactionId with spaces', (g) => g.createSeries(CHAIR, twoWeekly({ transactionId: 'table 42' }))],
    ['501 attendees', (g) => g.createSeries(CHAIR, twoWeekly({ attendees: Array.from({ length: 501 }, (_, i) => ({ email: `p${i}@school.nl`, name: `P ${i}` })) }))],
    ['a window that ends before it starts', (g) => g.listOccurrences(CHAIR, { from: new Date('2026-11-01'), to: new Date('2026-10-01') })],
    ['a window of three years', (g) => g.listOccurrences(CHAIR, { from: new Date('2026-01-01'), to: new Date('2029-01-01') })],
    ['an invalid date', (g) => g.listOccurrences(CHAIR, { from: new Date('nonsense'), to: new Date('2026-10-01') })],
    ['an event id that is a path', (g) => g.getEvent(CHAIR, '../../messages')],
    ['a body with Cadans’ own markers', (g) => g.updateBody(CHAIR, 'AAMkAD1', 'x<!-- cadans:agenda:end -->')],
    ['a mail to nobody', (g) => g.sendMail(CHAIR, { to: [], subject: 'Voorbereiding', bodyHtml: '<p>…</p>' })],
    ['a mail to an invalid address', (g) => g.sendMail(CHAIR, { to: [{ email: 'ouder@', name: 'Ouder' }], subject: 'Voorbereiding', bodyHtml: '' })],
    ['a mail body of a megabyte', (g) => g.sendMail(CHAIR, { to: [ouder], subject: 'Voorbereiding', bodyHtml: 'x'.repeat(1_000_000) })],
  ])('refuses %s before any request', async (_name, call) => {
    const failure = call(graph);

    await expect(failure).rejects.toBeInstanceOf(GraphError);
    await expect(failure).rejects.toMatchObject({ code: 'invalid_options' });
    expect(fake.requests).toHaveLength(0);
  });

  it('reports a series deleted in Outlook as not found (404)', async () => {
    const { eventId } = await graph.createSeries(CHAIR, twoWeekly());
    fake.calendars.deleteEvent(CHAIR, eventId);

    const reading = graph.getEvent(CHAIR, eventId);
    await expect(reading).rejects.toMatchObject({ status: 404, code: 'ErrorItemNotFound' });
    expect(isNotFound(await reading.catch((e: unknown) => e))).toBe(true);
    await expect(graph.updateBody(CHAIR, eventId, '<p>Agenda</p>')).rejects.toMatchObject({ status: 404 });
    expect(isNotFound(new GraphError('throttled', { status: 429 }))).toBe(false);
  });

  it('waits as long as Retry-After asks when the calendar is throttled, then reads it', async () => {
    await graph.createSeries(CHAIR, twoWeekly());
    fake.failNext(VIEW_PATH, 429, { retryAfter: 2 });

    const occurrences = await graph.listOccurrences(CHAIR, { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') });

    expect(occurrences).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
    expect(viewRequests()).toHaveLength(2);
  });

  it('reports a mailbox outside the admin’s access policy as 403', async () => {
    fake.calendars.restrictMailboxes([CHAIR]);

    await expect(graph.listOccurrences(OTHER_CHAIR, { from: new Date('2026-10-01'), to: new Date('2026-11-01') })).rejects.toMatchObject({
      status: 403,
      code: 'ErrorAccessDenied',
    });
    await expect(graph.listOccurrences(CHAIR, { from: new Date('2026-10-01'), to: new Date('2026-11-01') })).resolves.toEqual([]);
  });

  it('logs neither the secret, the token, the addresses nor the subjects', async () => {
    const token = await graph.getAccessToken();
    await graph.createSeries(CHAIR, twoWeekly());
    await graph.listOccurrences(CHAIR, { from: new Date('2026-10-01'), to: new Date('2026-11-01') });
    await graph.sendMail(CHAIR, { to: [ouder], subject: 'Voorbereiding MR', bodyHtml: '<p>Beste Joost,</p>' });

    const logged = logs.join('');
    expect(logged).toContain('graph: sent a mail');
    for (const secret of [CLIENT_SECRET, token, ouder.email, anouk.email, 'Bestuur en kwaliteitszorg', 'Voorbereiding MR']) {
      expect(logged).not.toContain(secret);
    }
  });
});

describe('reading Graph times as instants', () => {
  it.each([
    ['2026-10-24T09:00:00.0000000', 'W. Europe Standard Time', '2026-10-24T07:00:00.000Z'],
    ['2026-10-26T09:00:00.0000000', 'W. Europe Standard Time', '2026-10-26T08:00:00.000Z'],
    ['2027-03-29T09:00:00', 'Europe/Amsterdam', '2027-03-29T07:00:00.000Z'],
    ['2026-10-25T01:30:00.0000000', 'UTC', '2026-10-25T01:30:00.000Z'],
    ['2026-10-25T01:30:00Z', 'UTC', '2026-10-25T01:30:00.000Z'],
  ])('reads %s in %s as %s', (dateTime, timeZone, expected) => {
    expect(toInstant({ dateTime, timeZone }).toISOString()).toBe(expected);
  });

  it('refuses a time zone it does not know rather than guessing', () => {
    expect(() => toInstant({ dateTime: '2026-10-24T09:00:00', timeZone: 'Mars Standard Time' })).toThrow(GraphError);
  });

  it('turns every Amsterdam wall-clock time of 2025–2028 back into its instant (the doubled autumn hour may read an hour off)', () => {
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2025, 0, 1) / 60_000, max: Date.UTC(2029, 0, 1) / 60_000 }), (minutes) => {
        const instant = new Date(minutes * 60_000);
        const [date, time] = format.format(instant).split(', ') as [string, string];
        const read = toInstant({ dateTime: `${date}T${time}:00.0000000`, timeZone: 'W. Europe Standard Time' });
        const off = Math.abs(read.getTime() - instant.getTime());
        const doubled = format.format(new Date(instant.getTime() + 3_600_000)) === `${date}, ${time}` || format.format(new Date(instant.getTime() - 3_600_000)) === `${date}, ${time}`;
        return off === 0 || (doubled && off === 3_600_000);
      }),
      { numRuns: 2000 },
    );
  });
});
