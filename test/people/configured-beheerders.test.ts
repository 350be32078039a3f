// CADANS_BEHEERDERS is the truth for the beheerder roles it grants: reconciled at every start, and
// not revocable on the roles card. Roles a beheerder granted by hand are never touched.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCadans, type RunningCadans } from '../../src/cadans.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { createTestDatabase } from '../support/db.js';
import { testConfig, testLogger } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsTeam, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let first: RunningCadans;
let firstRunning = false;
let world: TeamsWorld;
let ict: TeamsUser; // stays in CADANS_BEHEERDERS
let former: TeamsUser; // taken out of CADANS_BEHEERDERS
let byHand: TeamsUser; // made beheerder on the card
let team: TeamsTeam;

const text = (x: unknown) => JSON.stringify(x);

async function beheerders(db: RunningCadans['db']) {
  const r = await db.query<{ name: string; granted_by: string }>(
    `select p.name, case when ra.granted_by = 'configuration' then 'configuration' else 'by hand' end as granted_by
       from role_assignments ra join people p using (tenant_id, aad_object_id)
      where ra.role = 'beheerder' order by p.name`,
  );
  return r.rows;
}

async function invoke(url: string, user: TeamsUser, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(url, world.actionExecute(user, team.general, verb, data));
  expect(res.status).toBe(200);
  return (res.body as { value: unknown }).value;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  ict = world.user({ name: 'Ict Beheer' });
  former = world.user({ name: 'Oud Beheerder' });
  byHand = world.user({ name: 'Handmatig Beheerder' });
  team = world.team({ name: 'Team Bestuur', channels: ['Algemeen'], members: [ict, former, byHand] });
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  database = await createTestDatabase();
  first = await startCadans(testConfig({ CADANS_BEHEERDERS: `${ict.aadObjectId},${former.aadObjectId}` }), testLogger(), database.url);
  firstRunning = true;
  for (const u of [ict, former, byHand]) await postActivity(first.url, world.personalMessage(u, 'hulp'));
  // The local first-install bootstrap may have made someone beheerder: keep only what this test sets up.
  await first.db.query("delete from role_assignments where granted_by <> 'configuration'");
  const card = await invoke(first.url, ict, 'roles.grant', { v: 1, person: byHand.aadObjectId, role: 'beheerder', school: 'all' });
  expect(text(card)).toContain('Handmatig Beheerder heeft nu de rol beheerder');
});
afterAll(async () => {
  if (firstRunning) await first.stop();
  await database?.drop();
  await connector?.close();
});
beforeEach(() => connector.reset());

describe('beheerders named in CADANS_BEHEERDERS', () => {
  it('are beheerder by configuration, next to one made beheerder by hand', async () => {
    expect(await beheerders(first.db)).toEqual([
      { name: 'Handmatig Beheerder', granted_by: 'by hand' },
      { name: 'Ict Beheer', granted_by: 'configuration' },
      { name: 'Oud Beheerder', granted_by: 'configuration' },
    ]);
  });

  it('show on the roles card as set in the configuration, without a revoke button', async () => {
    const card = (await invoke(first.url, ict, 'roles.open', { v: 1 })) as { body: unknown[] };
    const rows = JSON.stringify(card.body);
    expect(rows).toContain('**Ict Beheer**: beheerder, het hele bestuur (ingesteld in de configuratie, hier niet in te trekken)');
    const ids = await first.db.query<{ id: string; name: string }>(
      "select ra.id, p.name from role_assignments ra join people p using (tenant_id, aad_object_id) where ra.role = 'beheerder'",
    );
    const revokable = [...rows.matchAll(/"verb":"roles\.revoke","data":\{"v":1,"assignmentId":"(\d+)"\}/g)].map((m) => ids.rows.find((r) => r.id === m[1])?.name);
    expect(revokable).toEqual(['Handmatig Beheerder']);
  });

  it('cannot be revoked with a forged card action, and the card says where to change it', async () => {
    const row = await first.db.query<{ id: string }>("select id from role_assignments where aad_object_id = $1 and role = 'beheerder'", [ict.aadObjectId]);
    const card = await invoke(first.url, byHand, 'roles.revoke', { v: 1, assignmentId: row.rows[0]!.id });
    expect(text(card)).toContain('De rol beheerder van Ict Beheer komt uit de configuratie van Cadans (CADANS_BEHEERDERS)');
    expect(await beheerders(first.db)).toContainEqual({ name: 'Ict Beheer', granted_by: 'configuration' });
  });

  it('says so in English for an English-speaking beheerder', async () => {
    const row = await first.db.query<{ id: string }>("select id from role_assignments where aad_object_id = $1 and role = 'beheerder'", [former.aadObjectId]);
    const res = await postActivity(first.url, { ...world.actionExecute(byHand, byHand, 'roles.revoke', { v: 1, assignmentId: row.rows[0]!.id }), locale: 'en-GB' });
    expect(text(res.body)).toContain("Oud Beheerder's beheerder role comes from Cadans' configuration (CADANS_BEHEERDERS)");
  });
});

describe('a start with fewer names in CADANS_BEHEERDERS', () => {
  let second: RunningCadans | undefined;
  afterAll(async () => {
    await second?.stop();
  });

  it('takes the beheerder role from whoever was removed, keeps the rest, and writes it in the audit log', async () => {
    // The same database, started again with one name less (the first instance stops first, as in a deploy).
    await first.stop();
    firstRunning = false;
    second = await startCadans(testConfig({ CADANS_BEHEERDERS: ict.aadObjectId }), testLogger(), database.url);
    expect(await beheerders(second.db)).toEqual([
      { name: 'Handmatig Beheerder', granted_by: 'by hand' },
      { name: 'Ict Beheer', granted_by: 'configuration' },
    ]);
    const audit = await second.db.query<{ action: string; subject: string; actor: string | null; detail: unknown }>(
      "select action, subject, actor_aad_object_id as actor, detail from audit_events where action = 'role.revoke'",
    );
    expect(audit.rows).toEqual([
      { action: 'role.revoke', subject: `person:${former.aadObjectId}`, actor: null, detail: { role: 'beheerder', schoolId: null, reason: 'no longer in CADANS_BEHEERDERS' } },
    ]);
  });
});
