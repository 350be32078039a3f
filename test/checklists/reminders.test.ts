// Due-date reminders go out per step: one step the database refuses does not stop the others, and
// the next run sends what the failed one left. Real pg-boss job, PostgreSQL, outbox; fake Teams.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMINDER_QUEUE } from '../../src/checklists/feature.js';
import { startFakeConnector, type ConnectorRecord, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser;
let ahmed: TeamsUser;
let fatima: TeamsUser;
let channel: TeamsChannel;
let publicId: string;
let checklistId: number;

const text = (x: unknown) => JSON.stringify(x);
const reminderTo = (u: TeamsUser) => (r: ConnectorRecord) =>
  r.conversationId === u.personalConversationId && r.status < 300 && (r.operation === 'sendToConversation' || r.operation === 'replyToActivity') && text(r.body).includes('had op');

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  ahmed = world.user({ name: 'Ahmed El Amrani' });
  fatima = world.user({ name: 'Fatima Yilmaz' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, ahmed, fatima] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [sanne, ahmed, fatima]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  await postActivity(cadans.url, world.actionExecute(sanne, channel, 'checklist.start', { v: 1, template: 'inspection', title: 'Herinneringen', school: 'none', targetDate: '2027-04-09' }));
  const row = await cadans.db.query<{ id: string; public_id: string }>("select id, public_id from checklists where title = 'Herinneringen'");
  checklistId = Number(row.rows[0]!.id);
  publicId = row.rows[0]!.public_id;
  for (const [position, owner] of [[1, ahmed], [2, fatima]] as const) {
    await postActivity(cadans.url, world.actionExecute(sanne, channel, 'checklist.saveStep', { v: 2, checklist: publicId, position, owner: owner.aadObjectId, dueDate: '2027-03-01' }));
  }
  // The database refuses Ahmed's reminder (as it would a row it cannot take), nobody else's.
  await cadans.db.query(`create function refuse_reminder() returns trigger language plpgsql as $$
    begin if new.idempotency_key like 'checklist:${checklistId}:step:1:%' then raise exception 'refused by the test'; end if; return new; end $$`);
  await cadans.db.query('create trigger refuse_reminder before insert on outbox_messages for each row execute function refuse_reminder()');
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('due-date reminders', () => {
  it("still reminds the other owners when one step's reminder cannot be queued", async () => {
    const since = connector.mark();
    await cadans.jobs.boss.send(REMINDER_QUEUE, { today: '2027-03-02' });
    const msg = await connector.waitFor(reminderTo(fatima), { since, timeoutMs: 10_000 });
    expect(text(connector.cardOf(msg))).toContain('Deze stap had op');
    expect(connector.records.filter((r) => r.seq > since && reminderTo(ahmed)(r))).toEqual([]);
  });

  it('sends the reminder that failed on the next run, and the others not again', async () => {
    await cadans.db.query('drop trigger refuse_reminder on outbox_messages');
    const since = connector.mark();
    await cadans.jobs.boss.send(REMINDER_QUEUE, { today: '2027-03-02' });
    await connector.waitFor(reminderTo(ahmed), { since, timeoutMs: 10_000 });
    const keys = await cadans.db.query<{ n: number }>('select count(*)::int as n from outbox_messages where idempotency_key like $1', [`checklist:${checklistId}:step:2:overdue:%`]);
    expect(keys.rows[0]!.n).toBe(1);
    expect(connector.records.filter((r) => r.seq > since && reminderTo(fatima)(r))).toEqual([]);
  });
});
