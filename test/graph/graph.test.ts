import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraph, GraphError, type GraphOptions } from '../../src/graph/index.js';
import {
  computeThumbprintSha256,
  startFakeEntraGraph,
  type FakeDirectoryObject,
  type FakeEntraGraph,
} from '../support/fake-entra-graph.js';

const TENANT_ID = '7d3f0c5e-1b2a-4c8d-9e6f-0a1b2c3d4e5f';
const CLIENT_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
const CLIENT_SECRET = 'Zq8~s3cr3t-value-that-must-never-leak';
const GROUP_ID = 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f';
const MEMBERS_PATH = `/v1.0/groups/${GROUP_ID}/members`;

const users: FakeDirectoryObject[] = [
  createUser('u1', 'Anouk de Vries', 'Kwaliteitszorgmedewerker', 'nl-NL'),
  createUser('u2', 'Bram Jansen', 'Directeur', 'nl-NL'),
  createUser('u3', 'Chantal Bakker', 'Leerkracht groep 5', 'nl-NL'),
  { '@odata.type': '#microsoft.graph.device', id: 'd1', displayName: 'Digibord lokaal 12' },
  createUser('u4', 'Daan Visser', 'Intern begeleider', 'en-GB'),
  createUser('u5', 'Eva Smit', 'Bestuurder', 'nl-NL'),
  { '@odata.type': '#microsoft.graph.group', id: 'g1', displayName: 'MR oudergeleding' },
  createUser('u6', 'Fatima El Amrani', 'Leerkracht groep 8', 'nl-NL'),
  createUser('u7', 'Gijs Mulder', null, null),
];

function createUser(id: string, displayName: string, jobTitle: string | null, preferredLanguage: string | null): FakeDirectoryObject {
  const upn = `${displayName.toLowerCase().replace(/[^a-z]+/g, '.')}@stichting-voorbeeld.nl`;
  return { '@odata.type': '#microsoft.graph.user', id, displayName, mail: upn, userPrincipalName: upn, jobTitle, preferredLanguage, mobilePhone: '+31 6 12345678' };
}

function createRecordingLogger(): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), output: () => chunks.join('') };
}

describe('graph', () => {
  let fake: FakeEntraGraph;
  let sleeps: number[];
  let logged: () => string;
  let baseOptions: GraphOptions;

  beforeEach(async () => {
    fake = await startFakeEntraGraph();
    fake.addSecretApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    fake.setGroupMembers(GROUP_ID, users);
    sleeps = [];
    const { logger, output } = createRecordingLogger();
    logged = output;
    baseOptions = {
      credentials: { kind: 'secret', tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      authorityMetadataJson: fake.authorityMetadataJson(TENANT_ID),
      graphBaseUrl: fake.graphBaseUrl,
      logger,
      pageSize: 3,
      fetchTimeoutMs: 2000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    };
  });

  afterEach(async () => {
    await fake.close();
  });

  it('installs the Teams app for a user by its catalog id, and says so when it already was', async () => {
    const graph = createGraph(baseOptions);
    const CATALOG = '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';

    await expect(graph.installAppForUser('u3', CATALOG)).resolves.toBe('installed');
    await expect(graph.installAppForUser('u3', CATALOG)).resolves.toBe('alreadyInstalled');

    expect(fake.installedApps()).toEqual([{ userId: 'u3', teamsAppId: CATALOG }]);
    const [install] = fake.requestsOf('graph').filter((r) => r.method === 'POST');
    expect(install?.path).toBe('/v1.0/users/u3/teamwork/installedApps');
    expect(JSON.parse(install!.body)).toEqual({ 'teamsApp@odata.bind': `${fake.graphBaseUrl}/appCatalogs/teamsApps/${CATALOG}` });
    expect(String(install?.headers.authorization)).toMatch(/^Bearer /);
  });

  it('refuses to build an install request from something that is not an id', async () => {
    const graph = createGraph(baseOptions);
    await expect(graph.installAppForUser('../groups', 'x')).rejects.toBeInstanceOf(GraphError);
    expect(fake.requestsOf('graph')).toHaveLength(0);
  });

  it('makes no request before the first call', () => {
    createGraph(baseOptions);

    expect(fake.requests).toHaveLength(0);
  });

  it('lists the user members of a group across three pages with job title and preferred language', async () => {
    const graph = createGraph(baseOptions);

    const members = await graph.listTeamMembers(GROUP_ID);

    expect(fake.requestsOf('graph')).toHaveLength(3);
    expect(members.map((m) => m.aadObjectId)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7']);
    expect(members[0]).toEqual({
      aadObjectId: 'u1',
      displayName: 'Anouk de Vries',
      email: 'anouk.de.vries@stichting-voorbeeld.nl',
      userPrincipalName: 'anouk.de.vries@stichting-voorbeeld.nl',
      jobTitle: 'Kwaliteitszorgmedewerker',
      preferredLanguage: 'nl-NL',
    });
    expect(members[3]).toMatchObject({ displayName: 'Daan Visser', jobTitle: 'Intern begeleider', preferredLanguage: 'en-GB' });
  });

  it('asks Graph only for the member fields it needs, a page at a time', async () => {
    const graph = createGraph(baseOptions);

    await graph.listTeamMembers(GROUP_ID);

    const [first] = fake.requestsOf('graph');
    expect(first?.query).toMatchObject({
      $select: 'id,displayName,mail,userPrincipalName,jobTitle,preferredLanguage',
      $top: '3',
    });
  });

  it('leaves out devices and groups that are members of the group', async () => {
    const graph = createGraph(baseOptions);

    const members = await graph.listTeamMembers(GROUP_ID);

    expect(members.map((m) => m.aadObjectId)).not.toContain('d1');
    expect(members.map((m) => m.aadObjectId)).not.toContain('g1');
  });

  it('omits job title and preferred language for a member who has none', async () => {
    const graph = createGraph(baseOptions);

    const members = await graph.listTeamMembers(GROUP_ID);

    const gijs = members.find((m) => m.aadObjectId === 'u7');
    expect(gijs).toEqual({
      aadObjectId: 'u7',
      displayName: 'Gijs Mulder',
      email: 'gijs.mulder@stichting-voorbeeld.nl',
      userPrincipalName: 'gijs.mulder@stichting-voorbeeld.nl',
    });
  });

  it('requests a token once and reuses it for several Graph calls', async () => {
    const graph = createGraph(baseOptions);

    await graph.listTeamMembers(GROUP_ID);
    await Promise.all([graph.listTeamMembers(GROUP_ID), graph.listTeamMembers(GROUP_ID), graph.getAccessToken()]);
    await graph.getAccessToken();

    expect(fake.requestsOf('token')).toHaveLength(1);
    expect(fake.requestsOf('graph')).toHaveLength(9);
    const tokenRequest = fake.requestsOf('token')[0];
    expect(new URLSearchParams(tokenRequest?.body).get('scope')).toBe(`${fake.origin}/.default`);
  });

  it('sends the access token from the token endpoint as a bearer token to Graph', async () => {
    const graph = createGraph(baseOptions);

    const token = await graph.getAccessToken();
    await graph.listTeamMembers(GROUP_ID);

    expect(fake.requestsOf('graph').every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
  });

  it('waits as long as Retry-After asks after a 429 and then returns the members', async () => {
    fake.failNext(MEMBERS_PATH, 429, { retryAfter: 1 });
    const graph = createGraph(baseOptions);

    const members = await graph.listTeamMembers(GROUP_ID);

    expect(members).toHaveLength(7);
    expect(sleeps).toEqual([1000]);
    expect(fake.requestsOf('graph')).toHaveLength(4);
  });

  it('clamps a Retry-After longer than thirty seconds to thirty seconds', async () => {
    fake.failNext(MEMBERS_PATH, 429, { retryAfter: 3600 });
    const graph = createGraph(baseOptions);

    await graph.listTeamMembers(GROUP_ID);

    expect(sleeps).toEqual([30_000]);
  });

  it('backs off exponentially on 503 and 504 without a Retry-After', async () => {
    fake.failNext(MEMBERS_PATH, 503, { times: 2 });
    fake.failNext(MEMBERS_PATH, 504);
    const graph = createGraph(baseOptions);

    const members = await graph.listTeamMembers(GROUP_ID);

    expect(members).toHaveLength(7);
    expect(sleeps).toEqual([1000, 2000, 4000]);
  });

  it('fails with a GraphError carrying status 503 when Graph stays unavailable beyond maxRetries', async () => {
    fake.failNext(MEMBERS_PATH, 503, { retryAfter: 1, times: 3 });
    const graph = createGraph({ ...baseOptions, maxRetries: 2 });

    const failure = graph.listTeamMembers(GROUP_ID);

    await expect(failure).rejects.toBeInstanceOf(GraphError);
    await expect(failure).rejects.toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    expect(fake.requestsOf('graph')).toHaveLength(3);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('stops retrying once the total wait budget would be exceeded', async () => {
    fake.failNext(MEMBERS_PATH, 429, { retryAfter: 20, times: 3 });
    const graph = createGraph({ ...baseOptions, maxTotalRetryWaitMs: 45_000 });

    await expect(graph.listTeamMembers(GROUP_ID)).rejects.toMatchObject({ status: 429 });
    expect(sleeps).toEqual([20_000, 20_000]);
  });

  it('refuses to follow an @odata.nextLink to another origin and sends it nothing', async () => {
    const foreign = await startFakeEntraGraph();
    try {
      fake.setNextLinkOrigin(foreign.origin);
      const graph = createGraph(baseOptions);

      const failure = graph.listTeamMembers(GROUP_ID);

      await expect(failure).rejects.toBeInstanceOf(GraphError);
      await expect(failure).rejects.toMatchObject({ code: 'foreign_next_link' });
      expect(foreign.requests).toHaveLength(0);
      expect(fake.requestsOf('graph')).toHaveLength(1);
    } finally {
      await foreign.close();
    }
  });

  it('fails with invalid_client for a wrong client secret and keeps the secret out of the error and the logs', async () => {
    const wrongSecret = 'Wr0ng~secret-that-must-not-appear-anywhere';
    const graph = createGraph({
      ...baseOptions,
      credentials: { kind: 'secret', tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: wrongSecret },
    });

    const failure = graph.listTeamMembers(GROUP_ID);

    await expect(failure).rejects.toBeInstanceOf(GraphError);
    await expect(failure).rejects.toMatchObject({ status: 401, code: 'invalid_client' });
    const error = (await failure.catch((e: unknown) => e)) as GraphError;
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(wrongSecret);
    expect(logged()).not.toContain(wrongSecret);
    expect(logged()).not.toContain(CLIENT_SECRET);
    expect(fake.requestsOf('graph')).toHaveLength(0);
  });

  it('authenticates with a certificate by a signed client assertion the token endpoint accepts', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // Without a certificate authority offline, the SHA-256 of the public key's DER stands in for the
    // certificate thumbprint; the fake checks the assertion names it and verifies the signature.
    const thumbprintSha256 = computeThumbprintSha256(publicKey.export({ type: 'spki', format: 'der' }));
    const certificateClientId = 'c3c3c3c3-0000-4000-8000-000000000003';
    fake.addCertificateApp({
      clientId: certificateClientId,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      thumbprintSha256,
    });
    const graph = createGraph({
      ...baseOptions,
      credentials: {
        kind: 'certificate',
        tenantId: TENANT_ID,
        clientId: certificateClientId,
        thumbprintSha256,
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });

    const members = await graph.listTeamMembers(GROUP_ID);

    expect(members).toHaveLength(7);
    const form = new URLSearchParams(fake.requestsOf('token')[0]?.body);
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form.get('client_assertion')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(form.has('client_secret')).toBe(false);
  });

  it('rejects a certificate whose key the app registration does not know', async () => {
    const registered = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const thumbprintSha256 = computeThumbprintSha256(registered.publicKey.export({ type: 'spki', format: 'der' }));
    fake.addCertificateApp({
      clientId: CLIENT_ID,
      publicKeyPem: registered.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      thumbprintSha256,
    });
    const graph = createGraph({
      ...baseOptions,
      credentials: {
        kind: 'certificate',
        tenantId: TENANT_ID,
        clientId: CLIENT_ID,
        thumbprintSha256,
        privateKeyPem: other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });

    await expect(graph.getAccessToken()).rejects.toMatchObject({ status: 401, code: 'invalid_client' });
  });

  it('fails with a timeout GraphError when Graph does not answer in time', async () => {
    fake.stallNext(MEMBERS_PATH);
    const graph = createGraph({ ...baseOptions, fetchTimeoutMs: 200 });

    await expect(graph.listTeamMembers(GROUP_ID)).rejects.toMatchObject({ name: 'GraphError', code: 'timeout' });
  });

  it('reports a group that does not exist as a GraphError with status 404', async () => {
    const graph = createGraph(baseOptions);

    await expect(graph.listTeamMembers('no-such-group')).rejects.toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
  });

  it('refuses a plain-http Graph base URL on a host other than this machine', () => {
    expect(() => createGraph({ ...baseOptions, graphBaseUrl: 'http://graph.example.org/v1.0' })).toThrow(GraphError);
  });
});
