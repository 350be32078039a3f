// The outbox: Cadans' one door out to Teams for everything sent outside the turn it answers
// (proactive messages, 1:1 conversations, updates of cards already posted). See docs/outbox.md.
//
// The table outbox_messages is the queue and the record. pg-boss (queue `outbox.deliver`) works it:
// a job names a lane (one conversation), and the worker that takes it sends that lane's messages one
// at a time, in order, as fast as the shared limiter allows. Jobs are created in the enqueueing
// transaction, and again (with startAfter) whenever a lane must wait; a sweep re-creates any job
// that was lost, and takes over messages whose worker died (expired lease).
//
// This file is the outbox's public entry and wires its parts: enqueue.ts (enqueue, the update in a
// caller's statement), worker.ts (lanes and claims) with attempt.ts (render, send, record),
// wakeups.ts (jobs, timers, sweep, recovery after a failover) with listener.ts (LISTEN), admin.ts
// (status, stats, retrying failed messages), renderers.ts (typed renderers); model.ts holds the
// domain and its pure rules, store.ts all SQL.
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { databaseHealth, type Db, type Queryable } from '../db/pool.js';
import { createOutboxAdmin, type OutboxAdmin } from './admin.js';
import { createAttempts } from './attempt.js';
import { createEnqueue } from './enqueue.js';
import { createListener } from './listener.js';
import { tenantWindows, type EnqueueResult, type OutboxRequest, type RetryPolicy, type WrittenUpdate } from './model.js';
import { createRendererRegistry, type RendererDefinition } from './renderers.js';
import type { ClaimSettings, UnreachableHook } from './store.js';
import type { Transport } from './transport.js';
import { DEFAULT_TUNING, type Lifecycle, type OutboxTuning } from './tuning.js';
import { OUTBOX_QUEUE, createWakeUps, type LocalWorkers } from './wakeups.js';
import { createWorker } from './worker.js';

// The outbox's public surface, for features and cadans.ts.
export {
  toCardActivity,
  type EnqueueResult,
  type FailureReason,
  type OutboxMessageStatus,
  type OutboxRequest,
  type OutboxStats,
  type RenderInstruction,
  type WrittenUpdate,
} from './model.js';
export { declareRenderer, defineRenderer, renderWith, type RendererDefinition, type RendererSignature, type SentInfo } from './renderers.js';
export { DEFAULT_TUNING, type OutboxTuning } from './tuning.js';

export interface Outbox extends OutboxAdmin {
  /**
   * Records a message to send. With `client`, the row (and its wake-up job) is written in the
   * caller's transaction: it is sent only if that transaction commits.
   */
  enqueue(request: OutboxRequest, options?: { client?: Queryable }): Promise<EnqueueResult>;
  /**
   * A card update written by the caller's own statement, so that a feature's change and its card
   * update are one round trip (see docs/outbox.md, "An update in the caller's statement"): `sql` is
   * an insert to use as a CTE, run only where `guard` holds, with parameters from `firstParam`; it
   * returns `id, lane, created`. Once that statement has committed, hand the row to `written`.
   */
  updateInStatement(request: OutboxRequest & { op: 'update' }, firstParam: number, guard: string): { sql: string; values: unknown[] };
  /** After a statement with `updateInStatement` committed: a new row gets its wake-up job (a coalesced one has it). */
  written(row: WrittenUpdate): Promise<void>;
  /** Adds a renderer (defineRenderer) that messages enqueued with `renderWith` name. */
  registerRenderer(renderer: RendererDefinition): void;
  /** Creates the queue, starts the workers, the listener and the sweep. */
  start(): Promise<void>;
  /** Stops taking work; waits up to stopTimeoutMs for attempts in flight. */
  stop(): Promise<void>;
}

export interface OutboxDeps {
  db: Db;
  boss: PgBoss;
  transport: Transport;
  log: Logger;
  /** App-wide requests per second per tenant, shared by all instances (config.outbox.tenantPerSecond). */
  tenantPerSecond: number;
  /** config.outbox.maxAttempts */
  maxAttempts: number;
  renderers?: readonly RendererDefinition[];
  tuning?: Partial<OutboxTuning>;
  /** When Teams says a person or conversation cannot be reached (403): the references keeper stops using them. */
  onUnreachable?: UnreachableHook;
}

export function createOutbox(deps: OutboxDeps): Outbox {
  const { db, boss } = deps;
  const log = deps.log.child({ component: 'outbox' });
  const t: OutboxTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const policy: RetryPolicy = {
    maxAttempts: Math.max(1, deps.maxAttempts),
    baseDelayMs: t.retryBaseDelayMs,
    maxDelayMs: t.retryMaxDelayMs,
    retryAfterCapMs: t.retryAfterCapMs,
  };
  const claimSettings: ClaimSettings = {
    leaseMs: t.leaseMs,
    maxAttempts: policy.maxAttempts,
    lockTimeoutMs: t.lockTimeoutMs,
    limiter: { laneWindows: t.laneWindows, tenantWindows: tenantWindows(deps.tenantPerSecond), marginMs: t.limiterMarginMs },
  };
  const life: Lifecycle = { started: false, stopped: false };
  const health = databaseHealth(db);
  const workers: LocalWorkers = new Map();
  const renderers = createRendererRegistry(deps.renderers);

  const listener = createListener({ db, log, life, enabled: t.listen, onNotify: () => wakeUps.wake() });
  const wakeUps = createWakeUps({ db, boss, log, tuning: t, life, workers, listener, limiter: claimSettings.limiter });
  const attempts = createAttempts({ db, transport: deps.transport, log, tuning: t, policy, renderers, health, life, wakeUps, unreachable: deps.onUnreachable });
  const worker = createWorker({ db, boss, log, tuning: t, claimSettings, life, health, workers, wakeUps, attempt: attempts.attempt });
  const enqueuing = createEnqueue({ db, boss, life, wakeUps, lookAgainIfDraining: worker.lookAgainIfDraining });
  const admin = createOutboxAdmin({ db, log, wakeUps });
  let offBack: (() => void) | null = null;

  return {
    ...enqueuing,
    ...admin,
    registerRenderer: renderers.register,

    async start() {
      if (life.started) return;
      life.started = true;
      await boss.createQueue(OUTBOX_QUEUE, {
        name: OUTBOX_QUEUE,
        policy: 'standard',
        // A failed drain (e.g. the database was briefly unreachable) is tried again by pg-boss.
        retryLimit: 5,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: 15 * 60,
      });
      await worker.start();
      await listener.listen();
      offBack = health.onBack(() => void wakeUps.recover());
      // Messages enqueued before the queue existed, or left behind by a stopped instance.
      await wakeUps.sweep(0).catch((err) => log.warn({ err }, 'outbox sweep failed'));
      wakeUps.startSweeping();
      log.info({ workers: workers.size, tenantPerSecond: deps.tenantPerSecond, maxAttempts: policy.maxAttempts }, 'outbox started');
    },

    async stop() {
      if (!life.started || life.stopped) return;
      life.stopped = true;
      offBack?.();
      wakeUps.stop();
      listener.cancelRetry();
      await wakeUps.settle();
      await worker.stopWorking();
      await listener.close();
      const left = await worker.waitForAttempts(t.stopTimeoutMs);
      if (left > 0) log.warn({ inflight: left }, 'outbox stopped with attempts still in flight; their leases will expire and another instance takes over');
      log.info('outbox stopped');
    },
  };
}
