// Production mode end to end: incoming activities carry Bot Framework tokens (a local issuer), and
// Cadans' own calls to Teams carry a bearer token it obtained from a local token endpoint (the fake
// Entra, reached through BOT_TOKEN_ENDPOINT). Then two full Cadans processes on one database share
// the outbox's work: every message reaches Teams exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, inTransaction, type Db } from '../../src/db/pool.js';
import { startJobs, type Jobs } from '../../src/jobs/boss.js';
import { createOutbox } from '../../src/outbox/service.js';
import { createConnectorTransport } from '../../src/teams/connector-transport.js';
import { createTestDatabase } from '../support/db.js';
import { startFakeBotFrameworkAuth, type FakeBotFrameworkAuth } from '../support/fake-botframework-auth.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startFakeEntraGraph, type FakeEntraGraph } from '../support/fake-entra-graph.js';
import { ROOT_DIR, startTestCadans, testLogger, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsWorld } from '../support/teams-activities.js';

const APP_ID = '3c6d2a9e-5b1f-4c7a-9e2d-8f0a1b2c3d4e';
const TENANT = '0a0b0c0d-1111-4222-8333-444455556666';
const SECRET = 'test-only-client-secret';

let auth: FakeBotFrameworkAuth;
let entra: FakeEntraGraph;
let connector: FakeConnector;

function productionEnv(databaseUrl: string): Record<string, string> {
  return {
    CADANS_MODE: 'production',
    HOST: '127.0.0.1',
    MicrosoftAppId: APP_ID,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: TENANT,
    MicrosoftAppPassword: SECRET,
    CADANS_BEHEERDERS: 'aaaaaaaa-0000-4000-8000-00000000000a',
    DATABASE_URL: databaseUrl,
    BOT_OPENID_METADATA_URL: auth.metadataUrl,
    BOT_TOKEN_ENDPOINT: entra.tokenEndpoint(TENANT),
    EXPORT_SIGNING_SECRET: 'test-only-export-signing-secret-0123456789',
    SURVEY_SEAL_SECRET: 'test-only-survey-seal-secret-0123456789abcdef',
    PUBLIC_BASE_URL: 'https://cadans.example.org',
  };
}

/** The tokens the fake Entra issued to Cadans for the Bot Framework connector. */
const connectorTokens = () => entra.issuedTokens().filter((t) => t.clientId === APP_ID && t.audience === 'https://api.botframework.com');

beforeAll(async () => {
  auth = await startFakeBotFrameworkAuth();
  entra = await startFakeEntraGraph();
  entra.addSecretApp({ clientId: APP_ID, clientSecret: SECRET });
  connector = await startFakeConnector();
});
afterAll(async () => {
  await connector?.close();
  await entra?.close();
  await auth?.close();
});

describe('one Cadans in production mode', () => {
  let cadans: TestCadans;
  let world: TeamsWorld;
  beforeAll(async () => {
    cadans = await startTestCadans(productionEnv('postgresql://set-by-harness/unused'));
    world = createTeamsWorld({ serviceUrl: connector.serviceUrl, botId: APP_ID, tenantId: TENANT });
  });
  afterAll(async () => {
    await cadans?.close();
  });

  it('answers a signed message with a reply that carries the token Entra issued to the bot', async () => {
    const user = world.user({ name: 'Echte Gebruiker' });
    const token = auth.token({ aud: APP_ID, serviceurl: connector.serviceUrl });
    const res = await postActivity(cadans.url, world.personalMessage(user, 'hulp'), { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const [reply] = await connector.waitForSent(1, { conversationId: user.personalConversationId, timeoutMs: 10_000 });
    expect(connector.activityText(reply)).toContain('Wat kan Cadans?');
    const issued = connectorTokens().map((t) => `Bearer ${t.token}`);
    expect(issued.length).toBeGreaterThan(0);
    expect(issued).toContain(reply!.authorization);
  });

  it('sends an outbox message with the token Entra issued to the bot', async () => {
    const channel = `19:${'e2e0'.repeat(8)}@thread.tacv2`;
    await cadans.outbox.enqueue({ op: 'send', tenantId: TENANT, serviceUrl: connector.serviceUrl, conversationId: channel, activity: { type: 'message', text: 'uit de outbox' } });
    const [sent] = await connector.waitForSent(1, { conversationId: channel, timeoutMs: 10_000 });
    expect(connector.activityText(sent)).toBe('uit de outbox');
    expect(connectorTokens().map((t) => `Bearer ${t.token}`)).toContain(sent!.authorization);
  });
});

describe('two Cadans processes on one database', () => {
  const children: ChildProcess[] = [];
  let database: { url: string; drop(): Promise<void> };
  let db: Db;
  let jobs: Jobs;

  function startProcess(env: Record<string, string>): Promise<string> {
    const child = spawn(process.execPath, ['--no-deprecation', '--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT_DIR,
      env: { ...process.env, ...env, CADANS_ENV: 'test', PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    return new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\/api\/messages/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = productionEnv(database.url);
    await startProcess(env); // the first one migrates the database
    await startProcess(env);
    db = createPool(database.url, testLogger());
    jobs = await startJobs(database.url, testLogger());
  }, 90_000);
  afterAll(async () => {
    await jobs?.stop();
    await db?.end();
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise<void>((r) => (c.once('exit', () => r()), c.kill('SIGTERM'))) : undefined)),
    );
    await database?.drop();
  }, 60_000);

  it('delivers every queued message exactly once, whichever process sends it', async () => {
    // The test only enqueues (its outbox has no workers): the two processes do the sending.
    const outbox = createOutbox({ db, boss: jobs.boss, log: testLogger(), transport: createConnectorTransport({}), tenantPerSecond: 50, maxAttempts: 8 });
    const keys = Array.from({ length: 60 }, (_, i) => `e2e:${i}`);
    const conversationOf = (i: number) => `19:${String(i % 20).padStart(32, 'f')}@thread.tacv2`;
    const mark = connector.mark();
    await inTransaction(db, async (client) => {
      for (const [i, key] of keys.entries()) {
        await outbox.enqueue({ op: 'send', tenantId: TENANT, serviceUrl: connector.serviceUrl, conversationId: conversationOf(i), activity: { type: 'message', text: key }, idempotencyKey: key }, { client });
      }
    });
    await connector.waitForSent(keys.length, { since: mark, timeoutMs: 30_000 });
    const delivered = connector.sent().filter((r) => r.seq > mark).map((r) => connector.activityText(r));
    expect([...delivered].sort()).toEqual([...keys].sort());
    expect(connector.records.filter((r) => r.seq > mark && r.status === 429)).toEqual([]);
    // Every send carried a token Entra issued to the bot.
    const issued = new Set(connectorTokens().map((t) => `Bearer ${t.token}`));
    expect(connector.sent().filter((r) => r.seq > mark).every((r) => issued.has(r.authorization ?? ''))).toBe(true);
  }, 60_000);
});
