import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGraph, type Graph } from '../../src/graph/index.js';
import { startFakeEntraGraph, type FakeEntraGraph } from '../support/fake-entra-graph.js';

/*
 * msal-node chooses the managed-identity source from the environment on the first token request and
 * keeps that source (with its endpoint) and its token cache in static fields for the rest of the
 * process. So this file has one fake for all its tests, sets App Service's IDENTITY_ENDPOINT and
 * IDENTITY_HEADER before the first request, and its tests do not depend on a cold cache. Vitest runs
 * each test file in its own module graph, so the static state does not reach other files.
 */
const GROUP_ID = 'team-kwaliteitszorg';
const IDENTITY_HEADER = 'fake-identity-header-value';
const USER_ASSIGNED_CLIENT_ID = 'b2b2b2b2-0000-4000-8000-000000000002';

describe('graph with a managed identity', () => {
  let fake: FakeEntraGraph;
  let graph: Graph;

  beforeAll(async () => {
    fake = await startFakeEntraGraph();
    fake.configureManagedIdentity({ identityHeader: IDENTITY_HEADER });
    fake.setGroupMembers(GROUP_ID, [
      { '@odata.type': '#microsoft.graph.user', id: 'u1', displayName: 'Anouk de Vries', userPrincipalName: 'anouk@stichting-voorbeeld.nl', preferredLanguage: 'nl-NL' },
      { '@odata.type': '#microsoft.graph.user', id: 'u2', displayName: 'Bram Jansen', userPrincipalName: 'bram@stichting-voorbeeld.nl', jobTitle: 'Directeur' },
    ]);
    vi.stubEnv('IDENTITY_ENDPOINT', fake.managedIdentityEndpoint);
    vi.stubEnv('IDENTITY_HEADER', IDENTITY_HEADER);
    graph = createGraph({
      credentials: { kind: 'managedIdentity', clientId: USER_ASSIGNED_CLIENT_ID },
      graphBaseUrl: fake.graphBaseUrl,
      logger: pino({ level: 'silent' }),
      pageSize: 1,
    });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await fake.close();
  });

  it('lists members with a token from the App Service managed-identity endpoint for a user-assigned identity', async () => {
    const members = await graph.listTeamMembers(GROUP_ID);

    expect(members.map((m) => m.displayName)).toEqual(['Anouk de Vries', 'Bram Jansen']);
    const [identityRequest] = fake.requestsOf('managedIdentity');
    expect(identityRequest?.query).toMatchObject({
      'api-version': '2019-08-01',
      resource: fake.origin,
      client_id: USER_ASSIGNED_CLIENT_ID,
    });
    expect(identityRequest?.headers['x-identity-header']).toBe(IDENTITY_HEADER);
  });

  it('reuses the managed-identity token for several Graph calls', async () => {
    await graph.getAccessToken();
    const identityRequestsBefore = fake.requestsOf('managedIdentity').length;

    await graph.listTeamMembers(GROUP_ID);
    await graph.listTeamMembers(GROUP_ID);

    expect(fake.requestsOf('managedIdentity')).toHaveLength(identityRequestsBefore);
    expect(identityRequestsBefore).toBe(1);
  });
});
