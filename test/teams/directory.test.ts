import type { TurnContext } from 'botbuilder';
import { listKnownPeople } from '../../src/people/store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';
import { createGraph } from '../../src/graph/index.js';
import { ROSTER_REREAD_INTERVAL_MS, createDirectory, createRosterCache } from '../../src/teams/directory.js';
import { createTestDatabase } from '../support/db.js';
import { startFakeEntraGraph, type FakeEntraGraph } from '../support/fake-entra-graph.js';
import { testLogger } from '../support/harness.js';
import { createTeamsWorld } from '../support/teams-activities.js';

const TENANT = '5e1d0c0b-aaaa-4bbb-8ccc-ddddeeeeffff';
const CLIENT = '7a7a7a7a-1111-4222-8333-444444444444';
let fake: FakeEntraGraph;
let db: Db;
let drop: () => Promise<void>;

beforeAll(async () => {
  fake = await startFakeEntraGraph();
  fake.addSecretApp({ clientId: CLIENT, clientSecret: 'test-only' });
  const t = await createTestDatabase();
  drop = t.drop;
  db = createPool(t.url, testLogger());
  await migrate(db, testLogger());
});
afterAll(async () => {
  await db?.end();
  await drop?.();
  await fake?.close();
});

describe('the roster offered in cards', () => {
  it("comes from Microsoft Graph when configured, for the team's group, with known people added", async () => {
    const world = createTeamsWorld({ serviceUrl: 'http://127.0.0.1:1/amer/', tenantId: TENANT });
    const user = world.user({ name: 'Sanne de Vries' });
    const team = world.team({ name: 'Team Kwaliteit', members: [user] });
    fake.setGroupMembers(team.aadGroupId, [
      { '@odata.type': '#microsoft.graph.user', id: 'aaaa0000-0000-4000-8000-000000000001', displayName: 'Marieke Jansen', jobTitle: 'Bestuurder', preferredLanguage: 'nl-NL' },
      { '@odata.type': '#microsoft.graph.device', id: 'device-1', displayName: 'Beamer lokaal 3' },
    ]);
    await db.query("insert into tenants (id) values ($1)", [TENANT]);
    // Remembered from the install event (a channel message does not carry the group id).
    await db.query(
      "insert into conversation_refs (tenant_id, scope, key, conversation_id, service_url, aad_group_id, reference) values ($1, 'team', $2, $2, 'http://x/', $3, '{}')",
      [TENANT, team.id, team.aadGroupId],
    );
    await db.query("insert into people (tenant_id, aad_object_id, name) values ($1, 'bbbb0000-0000-4000-8000-000000000002', 'Joost Bakker')", [TENANT]);
    const graph = createGraph({
      credentials: { kind: 'secret', tenantId: TENANT, clientId: CLIENT, clientSecret: 'test-only' },
      authorityMetadataJson: fake.authorityMetadataJson(TENANT),
      graphBaseUrl: fake.graphBaseUrl,
      logger: testLogger(),
    });
    const context = { activity: world.channelMessage(user, team.general, 'rollen') } as unknown as TurnContext;
    const members = await createDirectory(context, { db, log: testLogger(), graph, knownPeople: (t, n) => listKnownPeople(db, t, n) }).listMembers();
    expect(members.map((m) => m.name)).toEqual(['Joost Bakker', 'Marieke Jansen']);
    expect(fake.requestsOf('graph').some((r) => r.path.includes(`/groups/${team.aadGroupId}/members`))).toBe(true);
  });
});

describe('reading a roster again', () => {
  it('happens at most once per team in 30 seconds, however many searches find nobody', async () => {
    const TENANT2 = '5e1d0c0b-aaaa-4bbb-8ccc-000000000002';
    fake.addSecretApp({ clientId: CLIENT, clientSecret: 'test-only' });
    const world = createTeamsWorld({ serviceUrl: 'http://127.0.0.1:1/amer/', tenantId: TENANT2 });
    const user = world.user({ name: 'Sanne de Vries' });
    const team = world.team({ name: 'Team Typen', members: [user] });
    fake.setGroupMembers(team.aadGroupId, [{ '@odata.type': '#microsoft.graph.user', id: 'aaaa0000-0000-4000-8000-0000000000a1', displayName: 'Marieke Jansen' }]);
    await db.query('insert into tenants (id) values ($1)', [TENANT2]);
    await db.query(
      "insert into conversation_refs (tenant_id, scope, key, conversation_id, service_url, aad_group_id, reference) values ($1, 'team', $2, $2, 'http://x/', $3, '{}')",
      [TENANT2, team.id, team.aadGroupId],
    );
    const graph = createGraph({
      credentials: { kind: 'secret', tenantId: TENANT2, clientId: CLIENT, clientSecret: 'test-only' },
      authorityMetadataJson: fake.authorityMetadataJson(TENANT2),
      graphBaseUrl: fake.graphBaseUrl,
      logger: testLogger(),
    });
    let now = 1_000_000;
    const rosters = createRosterCache({ now: () => now });
    const reads = () => fake.requestsOf('graph').filter((r) => r.path.includes(`/groups/${team.aadGroupId}/members`)).length;
    // Every keystroke of a typeahead is a turn of its own; each one that finds nobody asks for a fresh roster.
    const search = async () => {
      const context = { activity: world.channelMessage(user, team.general, 'rollen') } as unknown as TurnContext;
      const directory = createDirectory(context, { db, log: testLogger(), graph, rosters, knownPeople: (t, n) => listKnownPeople(db, t, n) });
      await directory.listMembers();
      return directory.listMembers({ fresh: true });
    };
    const before = reads();
    for (let i = 0; i < 10; i++) {
      await search();
      now += 1_000;
    }
    expect(reads() - before).toBe(1);
    now += ROSTER_REREAD_INTERVAL_MS;
    const members = await search();
    expect(reads() - before).toBe(2);
    expect(members.map((m) => m.name)).toContain('Marieke Jansen');
  });
});
