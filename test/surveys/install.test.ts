// With Graph and the app's catalog id configured, the fan-out installs the Teams app first for each
// recipient Cadans has no 1:1 chat with (and only for them). Graph is outside: the installer here
// records its calls; the Graph call itself is tested against the fake Graph in test/graph.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurveyService } from '../../src/surveys/service.js';
import { loadSealKey } from '../../src/surveys/seal.js';
import { SURVEY_TEMPLATES } from '../../src/surveys/templates.js';
import { getBotIdFor, getChannelName, getPersonalConversations, listInstalledTeams } from '../../src/teams/store.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsUser } from '../support/teams-activities.js';

let connector: FakeConnector;
const GROUP = '5a6b7c8d-1111-4222-8333-944455556666';
let cadans: TestCadans;

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('installing the app for survey recipients', () => {
  it('installs it for those without a 1:1 chat, before their card is sent', async () => {
    const world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
    const karin = world.user({ name: 'Karin Kwaliteit' });
    const known: TeamsUser[] = [world.user({ name: 'Anna' }), world.user({ name: 'Bram' })];
    const newcomers: TeamsUser[] = [world.user({ name: 'Cor' }), world.user({ name: 'Dewi' })];
    const team = world.team({ name: 'Team', channels: ['Kwaliteit'], members: [...known, ...newcomers] });
    connector.addTeam(team.id, team.connectorInfo);
    connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
    for (const u of [karin, ...known]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
    await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, karin.aadObjectId]);
    await postActivity(cadans.url, world.actionExecute(karin, team.channel('Kwaliteit'), 'survey.create', { v: 1, template: 'werkdruk' }));
    const survey = (await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1')).rows[0]!;
    // Held in draft by the test: the deliveries are written as sending does, the fan-out run below.
    const db = cadans.db;
    const installs: string[] = [];
    const service = createSurveyService({
      db,
      outbox: cadans.outbox,
      people: {
        grantsOf: async () => [],
        grantsOfMany: async () => new Map(),
        roleHolders: async () => [],
        contactsOf: async () => [],
        byEmails: async () => [],
        tenantLanguage: async () => 'nl',
        schools: async () => [],
      },
      conversations: {
        personalConversations: (tenantId, ids) => getPersonalConversations(db, tenantId, ids),
        botIdOf: (tenantId, id) => getBotIdFor(db, tenantId, id),
        channelName: (tenantId, id) => getChannelName(db, tenantId, id),
        installedTeams: (tenantId) => listInstalledTeams(db, tenantId),
      },
      sealKey: loadSealKey('x'.repeat(40), '/unused'),
      groupMembers: async (_tenant, groupId) => (groupId === GROUP ? newcomers.map((u) => ({ aadObjectId: u.aadObjectId })) : Promise.reject(new Error('no such group'))),
      installApp: async (_tenant, aad) => {
        installs.push(aad);
        return true;
      },
      templates: () => SURVEY_TEMPLATES,
      sendMoment: (at) => at,
      jobs: { fanOut: async () => undefined },
      now: () => new Date(),
    });
    // An Entra group as the audience (Graph): its members, checked before sending.
    const actor = { tenantId: world.tenantId, aadObjectId: karin.aadObjectId, teamsUserId: karin.id, name: karin.name, locale: 'nl-NL', conversation: { id: team.channel('Kwaliteit').id, kind: 'channel' as const, serviceUrl: connector.serviceUrl } };
    await db.query("update surveys set audience = $2 where id = $1", [survey.id, JSON.stringify({ kind: 'group', groupId: GROUP })]);
    const review = await service.review(actor, survey.public_id, null);
    expect(review.recipients.map((r) => r.aadObjectId).sort()).toEqual(newcomers.map((u) => u.aadObjectId).sort());
    await db.query("update surveys set audience = $2 where id = $1", [survey.id, JSON.stringify({ kind: 'group', groupId: '00000000-0000-4000-8000-000000000000' })]);
    await expect(service.review(actor, survey.public_id, null)).rejects.toMatchObject({ textKey: 'surveyGroupUnreadable' });
    await db.query("update surveys set status = 'open', opens_at = now(), sent_at = now() where id = $1", [survey.id]);
    for (const u of [...known, ...newcomers]) {
      await db.query('insert into survey_deliveries (survey_id, tenant_id, aad_object_id) values ($1, $2, $3)', [survey.id, world.tenantId, u.aadObjectId]);
    }
    expect(await service.fanOutPage(Number(survey.id), 'cards', 0, 0)).toBeNull();
    expect(installs.sort()).toEqual(newcomers.map((u) => u.aadObjectId).sort());
    const queued = await db.query<{ n: number }>("select count(*)::int as n from outbox_messages where idempotency_key like $1", [`survey:${survey.id}:to:%`]);
    expect(queued.rows[0]!.n).toBe(4);
  });
});
