// Outbox instances on a fresh test database, sending to the fake Teams connector through the real
// connector transport. Several instances may share one database, as several Cadans processes do.
import { deactivateUnreachable } from '../../src/teams/store.js';
import { randomBytes } from 'node:crypto';
import { createPool, type Db } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';
import { startJobs, type Jobs } from '../../src/jobs/boss.js';
import { createOutbox, type Outbox, type OutboxDeps, type OutboxMessageStatus, type OutboxTuning } from '../../src/outbox/service.js';
import type { Transport } from '../../src/outbox/transport.js';
import { createConnectorTransport } from '../../src/teams/connector-transport.js';
import { createTestDatabase } from '../support/db.js';
import { testLogger } from '../support/harness.js';

/** Fast settings for tests: short backoff, quick sweep; everything else as in production. */
export const TEST_TUNING: Partial<OutboxTuning> = {
  pollingIntervalSeconds: 2,
  sweepIntervalMs: 200,
  leaseMs: 5_000,
  attemptTimeoutMs: 4_000,
  retryBaseDelayMs: 40,
  retryMaxDelayMs: 400,
  retryAfterCapMs: 3_000,
  stopTimeoutMs: 2_000,
};

export interface OutboxInstance {
  outbox: Outbox;
  jobs: Jobs;
  db: Db;
  /** Stops the outbox, its pg-boss and its pool. */
  stop(): Promise<void>;
}

export interface OutboxDatabase {
  url: string;
  /** A pool for the test's own queries. */
  db: Db;
  close(): Promise<void>;
}

export async function startOutboxDatabase(): Promise<OutboxDatabase> {
  const database = await createTestDatabase();
  const db = createPool(database.url, testLogger());
  await migrate(db, testLogger());
  return {
    url: database.url,
    db,
    async close() {
      await db.end();
      await database.drop();
    },
  };
}

export interface InstanceOptions extends Partial<Pick<OutboxDeps, 'tenantPerSecond' | 'maxAttempts' | 'renderers'>> {
  transport?: Transport;
  tuning?: Partial<OutboxTuning>;
  /** Per-request timeout of the connector transport. */
  requestTimeoutMs?: number;
}

/** One Cadans-like process: its own pool, its own pg-boss, its own outbox with workers. */
export async function startOutboxInstance(database: OutboxDatabase, options: InstanceOptions = {}): Promise<OutboxInstance> {
  const log = testLogger();
  const db = createPool(database.url, log);
  const jobs = await startJobs(database.url, log);
  const outbox = createOutbox({
    db,
    boss: jobs.boss,
    log,
    transport: options.transport ?? createConnectorTransport({ timeoutMs: options.requestTimeoutMs ?? 2_000 }),
    tenantPerSecond: options.tenantPerSecond ?? 50,
    maxAttempts: options.maxAttempts ?? 8,
    ...(options.renderers ? { renderers: options.renderers } : {}),
    tuning: { ...TEST_TUNING, ...options.tuning },
    onUnreachable: deactivateUnreachable, // as cadans.ts wires it
  });
  await outbox.start();
  return {
    outbox,
    jobs,
    db,
    async stop() {
      await outbox.stop();
      await jobs.stop();
      await db.end();
    },
  };
}

/** Polls a message's status until `done` holds (bounded; no fixed sleeps in the tests). */
export async function waitForStatus(
  outbox: Outbox,
  id: number,
  done: (s: OutboxMessageStatus) => boolean = (s) => s.status === 'sent' || s.status === 'failed',
  timeoutMs = 5_000,
): Promise<OutboxMessageStatus> {
  const until = Date.now() + timeoutMs;
  let last: OutboxMessageStatus | null = null;
  while (Date.now() < until) {
    last = await outbox.status(id);
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`outbox message ${id} did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** Polls any condition (bounded). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function uniqueTenant(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A channel conversation id like Teams' (19:<32 hex>@thread.tacv2). */
export function newChannelId(): string {
  return `19:${randomBytes(16).toString('hex')}@thread.tacv2`;
}

export function textActivity(text: string): Record<string, unknown> {
  return { type: 'message', text };
}
