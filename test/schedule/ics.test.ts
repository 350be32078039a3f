import ical from 'ical-generator';
import nodeIcal from 'node-ical';
import { describe, expect, it } from 'vitest';
import { meetingIcs, parseOwnHolidays, type MeetingIcsInput } from '../../src/schedule/ics.js';

const meeting: MeetingIcsInput = {
  uid: 'cadence-42-2026-03-31@cadans',
  start: new Date('2026-03-31T07:00:00Z'), // 09:00 in Amsterdam, the first Tuesday of summer time
  end: new Date('2026-03-31T08:30:00Z'),
  title: 'Bestuur en kwaliteit: voortgang, risico’s; borging',
  description: 'Agenda:\n1. Q-rapportage\n2. Inspectiebezoek',
  location: 'Bestuurskantoor, kamer 2',
  organizer: { name: 'Anna de Vries', email: 'anna@stichting.nl' },
  attendees: [
    { name: 'Bram Jansen', email: 'bram@stichting.nl' },
    { name: 'Chantal Bakker', email: 'chantal@stichting.nl' },
  ],
  now: new Date('2026-03-01T12:00:00Z'),
};

describe('meeting .ics', () => {
  it('writes the meeting in Amsterdam time with the zone defined, and a UTC time stamp', () => {
    const text = meetingIcs(meeting);
    expect(text).toContain('DTSTART;TZID=Europe/Amsterdam:20260331T090000');
    expect(text).toContain('DTEND;TZID=Europe/Amsterdam:20260331T103000');
    expect(text).toContain('BEGIN:VTIMEZONE');
    expect(text).toContain('TZID:Europe/Amsterdam');
    expect(text).toContain('DTSTAMP:20260301T120000Z');
    const winter = meetingIcs({ ...meeting, start: new Date('2026-11-03T08:00:00Z'), end: new Date('2026-11-03T09:00:00Z') });
    expect(winter).toContain('DTSTART;TZID=Europe/Amsterdam:20261103T090000');
  });

  it('reads back as the same meeting (round trip through node-ical)', () => {
    const parsed = nodeIcal.sync.parseICS(meetingIcs(meeting));
    const event = Object.values(parsed).find((c) => c?.type === 'VEVENT') as nodeIcal.VEvent;
    expect(event.uid).toBe(meeting.uid);
    expect(event.start.getTime()).toBe(meeting.start.getTime());
    expect(event.end?.getTime()).toBe(meeting.end.getTime());
    expect(event.summary).toBe(meeting.title);
    expect(event.description).toBe(meeting.description);
    expect(event.location).toBe(meeting.location);
    const attendees = (Array.isArray(event.attendee) ? event.attendee : [event.attendee]) as unknown as { val: string; params: { CN: string } }[];
    expect(attendees.map((a) => a.val.toLowerCase())).toEqual(['mailto:bram@stichting.nl', 'mailto:chantal@stichting.nl']);
    expect(attendees.map((a) => a.params.CN)).toEqual(['Bram Jansen', 'Chantal Bakker']);
    expect(JSON.stringify(event.organizer)).toContain('anna@stichting.nl');
  });

  it('leaves out location and organizer when there are none', () => {
    const text = meetingIcs({ ...meeting, location: undefined, organizer: undefined });
    expect(text).not.toContain('LOCATION');
    expect(text).not.toContain('ORGANIZER');
  });

  it('refuses a meeting that ends before it starts', () => {
    expect(() => meetingIcs({ ...meeting, end: meeting.start })).toThrow(RangeError);
  });
});

describe("a school's own vakantierooster from CSV", () => {
  it('reads naam;van;tot with dd-mm-yyyy, as Dutch Excel saves it', () => {
    const csv = '\uFEFFnaam;van;tot\r\nHerfstvakantie;18-10-2025;26-10-2025\r\nKerstvakantie;20-12-2025;4-1-2026\r\n;;\r\n';
    expect(parseOwnHolidays(csv, 'csv')).toEqual({
      ok: true,
      periods: [
        { name: 'Herfstvakantie', first: '2025-10-18', last: '2025-10-26' },
        { name: 'Kerstvakantie', first: '2025-12-20', last: '2026-01-04' },
      ],
    });
  });

  it('reads name,from,to with yyyy-mm-dd, without a header, quoted names, in date order', () => {
    const csv = '"Study day, whole team",2026-03-16,2026-03-16\nAutumn holiday,2025-10-18,2025-10-26\n';
    const r = parseOwnHolidays(csv, 'csv');
    expect(r).toEqual({
      ok: true,
      periods: [
        { name: 'Autumn holiday', first: '2025-10-18', last: '2025-10-26' },
        { name: 'Study day, whole team', first: '2026-03-16', last: '2026-03-16' },
      ],
    });
  });

  it('reports each wrong line, in Dutch and English', () => {
    const csv = ['naam;van;tot', 'Herfst;18-10-2025;26-10-2025', 'Kerst;20-12-2025', 'Voorjaar;31-02-2026;01-03-2026', 'Mei;03-05-2026;25-04-2026', ';01-06-2026;02-06-2026', 'Zomer;01-06-2026;30-09-2026'].join('\n');
    const r = parseOwnHolidays(csv, 'csv');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7]);
    expect(r.errors[0]!.message.nl).toMatch(/drie kolommen/);
    expect(r.errors[1]!.message).toEqual({ nl: '"31-02-2026" is geen datum; schrijf dd-mm-jjjj of jjjj-mm-dd.', en: '"31-02-2026" is not a date; write dd-mm-yyyy or yyyy-mm-dd.' });
    expect(r.errors[2]!.message.en).toBe('The end date is before the start date.');
    expect(r.errors[3]!.message.nl).toBe('De naam van de vakantie ontbreekt.');
    expect(r.errors[4]!.message.nl).toMatch(/92 dagen/);
  });

  it('refuses an empty file, more than 100 periods, and more than 200 kB', () => {
    expect(parseOwnHolidays('naam;van;tot\n', 'csv')).toEqual({ ok: false, errors: [{ line: null, message: { nl: 'Er staan geen vakanties in het bestand.', en: 'The file contains no holidays.' } }] });
    const many = Array.from({ length: 101 }, (_, i) => `Studiedag ${i + 1};${String((i % 28) + 1).padStart(2, '0')}-${String(Math.floor(i / 28) + 1).padStart(2, '0')}-2026;${String((i % 28) + 1).padStart(2, '0')}-${String(Math.floor(i / 28) + 1).padStart(2, '0')}-2026`).join('\n');
    const tooMany = parseOwnHolidays(many, 'csv');
    expect(tooMany.ok).toBe(false);
    if (!tooMany.ok) expect(tooMany.errors[0]!.message.nl).toMatch(/meer dan 100/);
    const hundred = parseOwnHolidays(many.split('\n').slice(0, 100).join('\n'), 'csv');
    expect(hundred.ok && hundred.periods.length).toBe(100);
    const huge = parseOwnHolidays(`naam;van;tot\n${'x'.repeat(205 * 1024)}`, 'csv');
    expect(huge).toEqual({ ok: false, errors: [{ line: null, message: expect.objectContaining({ en: expect.stringMatching(/200 kB/) }) }] });
  });
});

/** An .ics as a calendar program exports it: all-day events with an exclusive DTEND. */
function calendarFile(events: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Rooster//NL', ...events, 'END:VCALENDAR', ''].join('\r\n');
}
const allDay = (uid: string, summary: string, start: string, end: string | null, extra: string[] = []) =>
  ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20250601T000000Z', `DTSTART;VALUE=DATE:${start}`, ...(end ? [`DTEND;VALUE=DATE:${end}`] : []), `SUMMARY:${summary}`, ...extra, 'END:VEVENT'].join('\r\n');

describe("a school's own vakantierooster from .ics", () => {
  it('takes the all-day events as holidays, their DTEND being the day after the last', () => {
    const text = calendarFile([
      allDay('h1', 'Herfstvakantie', '20251018', '20251027'),
      allDay('h2', 'Studiedag', '20251105', null),
      ['BEGIN:VEVENT', 'UID:m1', 'DTSTAMP:20250601T000000Z', 'DTSTART;TZID=Europe/Amsterdam:20251020T090000', 'DTEND;TZID=Europe/Amsterdam:20251020T100000', 'SUMMARY:Teamoverleg', 'END:VEVENT'].join('\r\n'),
    ]);
    expect(parseOwnHolidays(text, 'ics')).toEqual({
      ok: true,
      periods: [
        { name: 'Herfstvakantie', first: '2025-10-18', last: '2025-10-26' },
        { name: 'Studiedag', first: '2025-11-05', last: '2025-11-05' },
      ],
    });
  });

  it('reads back a rooster written by ical-generator (round trip)', () => {
    const cal = ical({ prodId: '//Test//Rooster//NL' });
    cal.createEvent({ id: 'k1', allDay: true, start: new Date(Date.UTC(2025, 11, 20)), end: new Date(Date.UTC(2026, 0, 5)), summary: 'Kerstvakantie', stamp: new Date('2025-06-01T00:00:00Z') });
    cal.createEvent({ id: 'v1', allDay: true, start: new Date(Date.UTC(2026, 1, 14)), end: new Date(Date.UTC(2026, 1, 23)), summary: 'Voorjaarsvakantie', stamp: new Date('2025-06-01T00:00:00Z') });
    expect(parseOwnHolidays(cal.toString(), 'ics')).toEqual({
      ok: true,
      periods: [
        { name: 'Kerstvakantie', first: '2025-12-20', last: '2026-01-04' },
        { name: 'Voorjaarsvakantie', first: '2026-02-14', last: '2026-02-22' },
      ],
    });
  });

  it('reports a repeating event and an overlong one with the line of the event', () => {
    const text = calendarFile([allDay('r1', 'Vrije woensdag', '20250903', '20250904', ['RRULE:FREQ=WEEKLY;COUNT=10']), allDay('z1', 'Zomer', '20260601', '20261001')]);
    const r = parseOwnHolidays(text, 'ics');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { line: 5, message: { nl: '"Vrije woensdag" is een herhalende afspraak; zet elke vakantie er als losse afspraak in.', en: '"Vrije woensdag" is a repeating event; enter each holiday as a separate event.' } },
      { line: 13, message: expect.objectContaining({ nl: expect.stringMatching(/92 dagen/) }) },
    ]);
  });

  it('says so when the file is no calendar, or has no all-day events', () => {
    expect(parseOwnHolidays('naam;van;tot\nHerfst;18-10-2025;26-10-2025', 'ics')).toEqual({
      ok: false,
      errors: [{ line: null, message: { nl: 'Het bestand is geen leesbare agenda (.ics).', en: 'The file is not a readable calendar (.ics).' } }],
    });
    const timedOnly = calendarFile([['BEGIN:VEVENT', 'UID:m1', 'DTSTAMP:20250601T000000Z', 'DTSTART:20251020T070000Z', 'DTEND:20251020T080000Z', 'SUMMARY:Overleg', 'END:VEVENT'].join('\r\n')]);
    const r = parseOwnHolidays(timedOnly, 'ics');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message.en).toMatch(/no all-day events/);
  });
});
