import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotFrameworkAuth, type FakeBotFrameworkAuth } from '../support/fake-botframework-auth.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsWorld } from '../support/teams-activities.js';

const APP_ID = '3c6d2a9e-5b1f-4c7a-9e2d-8f0a1b2c3d4e';
const TENANT = '0a0b0c0d-1111-4222-8333-444455556666';

let auth: FakeBotFrameworkAuth;
let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;

beforeAll(async () => {
  auth = await startFakeBotFrameworkAuth();
  connector = await startFakeConnector();
  cadans = await startTestCadans({
    CADANS_MODE: 'production',
    HOST: '127.0.0.1',
    MicrosoftAppId: APP_ID,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: TENANT,
    MicrosoftAppPassword: 'test-only-client-secret',
    CADANS_BEHEERDERS: 'aaaaaaaa-0000-4000-8000-00000000000a',
    DATABASE_URL: 'postgresql://set-by-harness/unused',
    BOT_OPENID_METADATA_URL: auth.metadataUrl,
    EXPORT_SIGNING_SECRET: 'test-only-export-signing-secret-0123456789',
    SURVEY_SEAL_SECRET: 'test-only-survey-seal-secret-0123456789abcdef',
    PUBLIC_BASE_URL: 'https://cadans.example.org',
  });
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl, botId: APP_ID, tenantId: TENANT });
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
  await auth?.close();
});

const people = async () => (await cadans.db.query('select tenant_id, name from people order by name')).rows;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('production mode authenticates every activity', () => {
  it('answers 401 to an activity without a token and records nothing', async () => {
    const user = world.user({ name: 'Zonder Token' });
    const res = await postActivity(cadans.url, world.actionExecute(user, user, 'help.show', { v: 1 }));
    expect(res.status).toBe(401);
    expect(await people()).toEqual([]);
  });

  it('answers 401 to a token signed by a key the Bot Framework does not publish', async () => {
    const user = world.user({ name: 'Valse Sleutel' });
    const token = auth.token({ aud: APP_ID, serviceurl: connector.serviceUrl }, { key: 'unknown' });
    const res = await postActivity(cadans.url, world.actionExecute(user, user, 'help.show', { v: 1 }), bearer(token));
    expect(res.status).toBe(401);
    expect(await people()).toEqual([]);
  });

  it('answers 401 to a token issued for another bot', async () => {
    const user = world.user({ name: 'Andere Bot' });
    const token = auth.token({ aud: '00000000-0000-4000-8000-000000000000', serviceurl: connector.serviceUrl });
    const res = await postActivity(cadans.url, world.actionExecute(user, user, 'help.show', { v: 1 }), bearer(token));
    expect(res.status).toBe(401);
  });

  it('answers 401 when the token names another serviceUrl than the activity, so Cadans never calls it', async () => {
    const user = world.user({ name: 'Omleiding' });
    const token = auth.token({ aud: APP_ID, serviceurl: 'https://smba.trafficmanager.net/emea/' });
    const res = await postActivity(cadans.url, world.actionExecute(user, user, 'help.show', { v: 1 }), bearer(token));
    expect(res.status).toBe(401);
    expect(connector.records).toHaveLength(0);
  });

  it('serves a signed invoke from its own tenant', async () => {
    const user = world.user({ name: 'Echte Gebruiker' });
    const token = auth.token({ aud: APP_ID, serviceurl: connector.serviceUrl });
    const res = await postActivity(cadans.url, world.actionExecute(user, user, 'help.show', { v: 1 }), bearer(token));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Wat kan Cadans?');
  });

  it('refuses a signed activity from another tenant and records nothing of it', async () => {
    const other = createTeamsWorld({ serviceUrl: connector.serviceUrl, botId: APP_ID, tenantId: '99999999-8888-4777-8666-555544443333' });
    const user = other.user({ name: 'Ander Bestuur' });
    const token = auth.token({ aud: APP_ID, serviceurl: connector.serviceUrl });
    const res = await postActivity(cadans.url, other.actionExecute(user, user, 'help.show', { v: 1 }), bearer(token));
    expect(res.status).toBe(403);
    expect((await people()).map((p) => p.name)).not.toContain('Ander Bestuur');
  });
});
