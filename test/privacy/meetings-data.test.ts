// The meeting feature's personal data holder (docs/privacy.md, docs/meetings.md "Privacy"), seeded
// through Teams traffic: Erik chairs a table by name and sits at it, recorded a meeting, added an
// agenda item, said he could not come, and is named in someone else's reason. After the erase no
// meeting table holds his id, Teams id, name or email; the table still shows a chair (to be replaced),
// the others' prep cards say "verwijderde gebruiker", and the table works for everyone else. Then
// retention with a fixed clock, and a tenant's deletion.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/pool.js';
import { DEFAULT_RETENTION, newPseudonym, type ErasedPerson } from '../../src/privacy/ports.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let worldB: TeamsWorld;
let karin: TeamsUser; // kwaliteitsmedewerker (manages tables)
let bert: TeamsUser; // bestuurder
let erik: TeamsUser; // chairs the table by name; erased
let mila: TeamsUser; // sits at the table by name
let channel: TeamsChannel;
let table: { id: number; publicId: string };
let first: { id: number; publicId: string; startsAt: Date };
let second: { id: number; publicId: string; startsAt: Date };
let erased: ErasedPerson;

const TABLES = ['meeting_tables', 'meetings', 'meeting_attendance', 'meeting_agenda_items'] as const;
const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;
const DAY = 86_400_000;

async function act(u: TeamsUser, verb: string, data: Record<string, unknown>, target: TeamsUser | TeamsChannel = u) {
  const res = await postActivity(cadans.url, world.actionExecute(u, target, verb, data));
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

async function planned() {
  const r = await cadans.db.query<{ id: string; public_id: string; starts_at: Date; prep_at: Date | null }>("select id, public_id, starts_at, prep_at from meetings where table_id = $1 and status = 'planned'", [table.id]);
  const m = r.rows[0]!;
  return { id: Number(m.id), publicId: m.public_id, startsAt: m.starts_at, prepAt: m.prep_at! };
}

/** Sends the planned meeting's prep cards and waits until every member's card is in their chat. */
async function sendPrep(members: number) {
  const m = await planned();
  expect((await cadans.meetings.tick(m.prepAt)).prep).toBe(members);
  await until(async () => (await cadans.db.query<{ n: number }>('select count(*)::int as n from meeting_attendance where meeting_id = $1 and card_activity_id is not null', [m.id])).rows[0]!.n === members);
  return m;
}

async function rowsText(): Promise<string> {
  const out: string[] = [];
  for (const t of TABLES) out.push(...(await cadans.db.query<{ j: string }>(`select row_to_json(x)::text as j from ${t} x`)).rows.map((x) => x.j));
  return out.join('\n').toLowerCase();
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  worldB = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '78787878-3434-4545-8686-121212121212' });
  karin = world.user({ name: 'Karin Kwaliteit' });
  bert = world.user({ name: 'Bert Bestuur' });
  erik = world.user({ name: 'Erik Verwijder', email: 'erik.verwijder@school.example' });
  mila = world.user({ name: 'Mila Medewerker' });
  const team = world.team({ name: 'Bestuursbureau', channels: ['Overleg'], members: [karin, bert, erik, mila] });
  channel = team.channel('Overleg');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [karin, bert, erik, mila]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  const grant = (u: TeamsUser, role: string) => cadans.db.query('insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, $3)', [world.tenantId, u.aadObjectId, role]);
  await grant(karin, 'kwaliteitsmedewerker');
  await grant(bert, 'bestuurder');
  expect((await postActivity(cadans.url, world.personalMessage(karin, 'overleg'))).status).toBe(200);
  const t = await until(async () => (await cadans.db.query<{ id: string; public_id: string }>("select id, public_id from meeting_tables where tenant_id = $1 and kind = 'boardQuality'", [world.tenantId])).rows[0]);
  table = { id: Number(t.id), publicId: t.public_id };
  // Karin makes Erik the table's chair by name, with Mila as a member by name (from the team's channel: their names come from it).
  const saved = await act(
    karin,
    'meeting.saveTable',
    { v: 1, table: table.publicId, ruleKind: 'perSchoolYear', times: '2', time: '10:00', duration: '90', prepDays: '5', roles: 'bestuurder:tenant,kwaliteitsmedewerker:tenant', people: `${erik.aadObjectId},${mila.aadObjectId}`, chair: `person:${erik.aadObjectId}` },
    channel,
  );
  expect(text(card(saved))).toContain('Erik Verwijder');
  expect(text(card(await act(karin, 'meeting.setNext', { v: 1, table: table.publicId, nextDate: '2027-01-19', nextTime: '10:00' })))).toContain('De datum staat vast');

  // The first meeting: prep cards, then Erik records it (the next one is planned and confirmed).
  first = await sendPrep(4);
  await act(erik, 'meeting.prepared', { v: 1, meeting: first.publicId });
  const recorded = await act(erik, 'meeting.record', { v: 1, meeting: first.publicId, held: 'yes', decisions: 'Erik Verwijder schrijft het jaarplan; mail naar erik.verwijder@school.example.' });
  expect(text(card(recorded))).toContain('Erik Verwijder schrijft het jaarplan');
  // The second: prep cards, Erik's agenda item and "ik kan niet", and Mila's reason naming him.
  second = await sendPrep(4);
  await act(erik, 'meeting.addAgenda', { v: 1, meeting: second.publicId, agendaText: 'Begroting 2028 (Erik Verwijder)' });
  await act(erik, 'meeting.cannotCome', { v: 1, meeting: second.publicId, reason: 'Ziek' });
  await act(mila, 'meeting.cannotCome', { v: 1, meeting: second.publicId, reason: 'Ik stem eerst af met Erik Verwijder' });

  // Another tenant's tables (for the tenant deletion).
  const bea = worldB.user({ name: 'Bea Ander' });
  await postActivity(cadans.url, worldB.personalMessage(bea, 'hulp'));
  await postActivity(cadans.url, worldB.personalMessage(bea, 'overleg'));
  await until(async () => (await cadans.db.query<{ n: number }>('select count(*)::int as n from meeting_tables where tenant_id = $1', [worldB.tenantId])).rows[0]!.n > 0);

  erased = {
    tenantId: world.tenantId,
    aadObjectId: erik.aadObjectId,
    teamsUserId: erik.id,
    name: erik.name,
    email: erik.email,
    pseudonym: newPseudonym(() => randomBytes(8).toString('hex')),
    label: 'verwijderde gebruiker',
  };
}, 120_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe("a person's meeting data", () => {
  it('exports the tables they sit at or chair, what they recorded, their prep state and their agenda items', async () => {
    expect(cadans.meetings.personalData.section).toBe('meetings');
    const x = (await cadans.meetings.personalData.exportPerson(cadans.db, world.tenantId, erik.aadObjectId)) as Record<string, Record<string, unknown>[]>;
    expect(x.tables).toHaveLength(1);
    expect(x.tables![0]).toMatchObject({ tableId: table.publicId, member: true, chair: true });
    expect(x.meetingsTheyRecorded!.map((m) => (m.record as { decisions: string }).decisions)).toEqual(['Erik Verwijder schrijft het jaarplan; mail naar erik.verwijder@school.example.']);
    expect(x.attendance).toHaveLength(2);
    expect(x.attendance!.find((a) => a.meetingId === second.publicId)).toMatchObject({ cannotComeReason: 'Ziek' });
    expect(x.agendaItemsTheyAdded!.map((a) => a.text)).toEqual(['Begroting 2028 (Erik Verwijder)']);
  });

  it('erases them: nothing names them, the table keeps a chair to replace, and the others’ prep cards say "verwijderde gebruiker"', async () => {
    const since = connector.mark();
    const outcome = await inTransaction(cadans.db, (tx) => cadans.meetings.personalData.erasePerson(tx, erased));
    expect(outcome.counts).toMatchObject({ meeting_tables: 1, meetings: 1, meeting_agenda_items: 1 });
    expect(outcome.counts.meeting_attendance).toBe(3); // his two rows gone, Mila's reason scrubbed
    await outcome.after?.();

    const all = await rowsText();
    for (const needle of [erik.aadObjectId, erik.id, erik.name, erik.email, erik.personalConversationId]) expect(all).not.toContain(needle.toLowerCase());
    const t = await cadans.db.query<{ chair: unknown; members: { kind: string; aadObjectId?: string }[] }>('select chair, members from meeting_tables where id = $1', [table.id]);
    expect(t.rows[0]!.chair).toEqual({ kind: 'person', aadObjectId: erased.pseudonym, name: 'verwijderde gebruiker' });
    expect(t.rows[0]!.members.filter((m) => m.kind === 'person').map((m) => m.aadObjectId)).toEqual([mila.aadObjectId]);
    const rec = await cadans.db.query<{ recorded_by: string; record: { decisions: string } }>('select recorded_by, record from meetings where id = $1', [first.id]);
    expect(rec.rows[0]).toMatchObject({ recorded_by: erased.pseudonym, record: { decisions: 'verwijderde gebruiker schrijft het jaarplan; mail naar verwijderde gebruiker.' } });
    const agenda = await cadans.db.query('select author_aad, author_name, text from meeting_agenda_items where meeting_id = $1', [second.id]);
    expect(agenda.rows).toEqual([{ author_aad: erased.pseudonym, author_name: 'verwijderde gebruiker', text: 'Begroting 2028 (verwijderde gebruiker)' }]);
    const att = await cadans.db.query('select aad_object_id, cannot_come_reason from meeting_attendance where meeting_id = $1 and cannot_come_reason is not null', [second.id]);
    expect(att.rows).toEqual([{ aad_object_id: mila.aadObjectId, cannot_come_reason: 'Ik stem eerst af met verwijderde gebruiker' }]);

    // Bert's prep card is updated: the chair and the agenda item's author are the label now.
    const update = await connector.waitFor(
      (r) => r.seq > since && r.operation === 'updateActivity' && r.conversationId === bert.personalConversationId && r.status < 300 && text(r.body).includes('verwijderde gebruiker'),
      { since, timeoutMs: 20_000 },
    );
    expect(text(update.body)).not.toContain('Erik');
  });

  it('keeps working for everyone else: the table shows a chair to replace, the quality officer gets the chair’s cards, Karin names a new chair', async () => {
    const tableCard = text(card(await act(karin, 'meeting.table', { v: 1, table: table.publicId })));
    expect(tableCard).toContain('verwijderde gebruiker');
    expect(tableCard).not.toContain('Erik');
    const prep = text(card(await act(mila, 'meeting.prepared', { v: 1, meeting: second.publicId })));
    expect(prep).toContain('(van verwijderde gebruiker)'); // the agenda item's author
    expect(prep).not.toContain('Erik');
    // Until a new chair is picked, the quality officer gets the chair's cards (the pseudonym gets none).
    const mark = connector.mark();
    await act(bert, 'meeting.cannotCome', { v: 1, meeting: second.publicId, reason: 'Op werkbezoek in Zeeland' });
    const notice = await connector.waitFor((r) => r.seq > mark && r.status < 300 && r.conversationId === karin.personalConversationId && text(r.body).includes('Op werkbezoek in Zeeland'), { since: mark, timeoutMs: 20_000 });
    expect(text(notice.body)).toContain('Bert Bestuur');
    const saved = await act(
      karin,
      'meeting.saveTable',
      { v: 1, table: table.publicId, ruleKind: 'perSchoolYear', times: '2', time: '10:00', duration: '90', prepDays: '5', roles: 'bestuurder:tenant,kwaliteitsmedewerker:tenant', people: mila.aadObjectId, chair: 'role:bestuurder' },
      channel,
    );
    expect(text(card(saved))).not.toContain('verwijderde gebruiker (voorzitter)');
    expect((await cadans.db.query('select chair from meeting_tables where id = $1', [table.id])).rows[0].chair).toEqual({ kind: 'role', role: 'bestuurder' });
    // No card went to the pseudonym (the refresh after the erase included), and none names it.
    expect(connector.records.some((r) => `${r.path} ${text(r.body) ?? ''}`.includes(erased.pseudonym))).toBe(false);
  });
});

describe('meeting retention', () => {
  it('removes who prepared or could not come a year after a meeting, and the meeting itself after four years; keeps the planned one', async () => {
    const run = (now: Date, limit = 100) => inTransaction(cadans.db, (tx) => cadans.meetings.personalData.applyRetention(tx, now, DEFAULT_RETENTION, limit));
    // The first meeting is held; the second is still planned.
    const count = async (id: number) => (await cadans.db.query<{ n: number }>('select count(*)::int as n from meeting_attendance where meeting_id = $1', [id])).rows[0]!.n;
    expect(await count(first.id)).toBe(3); // Erik's row went with him
    const secondBefore = await count(second.id);
    expect(await run(new Date(first.startsAt.getTime() + 364 * DAY))).toEqual({ meetings: 0, meeting_attendance: 0 });
    // A year and a day: in batches of two.
    const at = new Date(first.startsAt.getTime() + 366 * DAY);
    expect(await run(at, 2)).toEqual({ meetings: 0, meeting_attendance: 2 });
    expect(await run(at, 2)).toEqual({ meetings: 0, meeting_attendance: 1 });
    expect(await run(at, 2)).toEqual({ meetings: 0, meeting_attendance: 0 });
    expect(await count(second.id)).toBe(secondBefore);
    expect((await cadans.db.query('select record from meetings where id = $1', [first.id])).rows).toHaveLength(1);
    // Policy 0 keeps forever; four years and a day remove the held meeting, not the planned one.
    expect(await inTransaction(cadans.db, (tx) => cadans.meetings.personalData.applyRetention(tx, new Date(first.startsAt.getTime() + 5000 * DAY), { ...DEFAULT_RETENTION, meetingsDays: 0, meetingAttendanceDays: 0 }, 100))).toEqual({
      meetings: 0,
      meeting_attendance: 0,
    });
    expect(await run(new Date(first.startsAt.getTime() + 1462 * DAY))).toMatchObject({ meetings: 1 });
    expect((await cadans.db.query('select id from meetings where id = $1', [first.id])).rows).toHaveLength(0);
    expect((await cadans.db.query("select id from meetings where id = $1 and status = 'planned'", [second.id])).rows).toHaveLength(1);
  });
});

describe("a tenant's meeting data", () => {
  it('exports all of it, deletes it, and leaves the other tenant alone', async () => {
    const exported = (await cadans.meetings.personalData.exportTenant(cadans.db, world.tenantId)) as Record<string, unknown[]>;
    expect(exported.tables!.length).toBeGreaterThan(1);
    expect(exported.agendaItems).toHaveLength(1);
    const tablesB = (await cadans.db.query<{ n: number }>('select count(*)::int as n from meeting_tables where tenant_id = $1', [worldB.tenantId])).rows[0]!.n;
    const meetingsB = (await cadans.db.query<{ n: number }>('select count(*)::int as n from meetings where tenant_id = $1', [worldB.tenantId])).rows[0]!.n;
    const counts = await inTransaction(cadans.db, (tx) => cadans.meetings.personalData.deleteTenant(tx, world.tenantId));
    expect(counts.meeting_tables).toBe(exported.tables!.length);
    expect(counts.meeting_agenda_items).toBe(1);
    for (const t of TABLES) {
      const r = await cadans.db.query<{ n: number }>(`select count(*)::int as n from ${t} where tenant_id = $1`, [world.tenantId]);
      expect(r.rows[0]!.n, t).toBe(0);
    }
    expect((await cadans.db.query<{ n: number }>('select count(*)::int as n from meeting_tables where tenant_id = $1', [worldB.tenantId])).rows[0]!.n).toBe(tablesB);
    expect((await cadans.db.query<{ n: number }>('select count(*)::int as n from meetings where tenant_id = $1', [worldB.tenantId])).rows[0]!.n).toBe(meetingsB);
    expect(tablesB).toBeGreaterThan(0);
  });
});
