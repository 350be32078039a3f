// The outbox's LISTEN connection: a connection of its own that hears the NOTIFY of every enqueue
// committed anywhere (this or another instance, inside a caller's transaction or not) and wakes an
// idle local worker. Without it the workers still poll; it only saves latency. After a lost
// connection it listens again (100 ms, doubling to 2 s), and at once when the database is back.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import { OUTBOX_NOTIFY_CHANNEL, listenForEnqueued, unlistenForEnqueued } from './store.js';
import type { Lifecycle } from './tuning.js';

/** The listener tries again after a lost connection this soon, doubling up to LISTEN_RETRY_MAX_MS. */
const LISTEN_RETRY_MIN_MS = 100;
const LISTEN_RETRY_MAX_MS = 2_000;

export interface ListenerDeps {
  db: Db;
  log: Logger;
  life: Lifecycle;
  /** tuning.listen */
  enabled: boolean;
  /** A NOTIFY arrived: wake a worker. */
  onNotify(): void;
}

export interface Listener {
  /** Starts listening (once; concurrent calls share the attempt). Never throws: it retries. */
  listen(): Promise<void>;
  /** The database is back: listen now if not listening, instead of at the retry timer. */
  restart(): Promise<void>;
  /** Stopping: no more retries. */
  cancelRetry(): void;
  close(): Promise<void>;
}

export function createListener(deps: ListenerDeps): Listener {
  const { db, log, life } = deps;
  let listener: { client: pg.PoolClient; release(err?: Error): void } | null = null;
  let listenRetry: NodeJS.Timeout | null = null;
  let listenRetryMs = LISTEN_RETRY_MIN_MS;
  let listenStarting: Promise<void> | null = null;

  function listen(): Promise<void> {
    if (listener) return Promise.resolve();
    listenStarting ??= startListening().finally(() => {
      listenStarting = null;
    });
    return listenStarting;
  }

  async function startListening(): Promise<void> {
    if (life.stopped || !deps.enabled) return;
    let client: pg.PoolClient;
    try {
      client = await db.connect();
    } catch (err) {
      log.debug({ err }, 'outbox listener could not connect; polling until it can');
      retryListen();
      return;
    }
    const c = client;
    let released = false;
    const onNotification = (n: pg.Notification) => {
      if (n.channel === OUTBOX_NOTIFY_CHANNEL) deps.onNotify();
    };
    const release = (err?: Error) => {
      if (released) return;
      released = true;
      c.removeListener('notification', onNotification);
      c.removeListener('error', onError);
      if (listener?.client === c) listener = null;
      c.release(err);
    };
    const onError = (err: Error) => {
      // The pool logs the lost connection (once for all of them); polling carries on meanwhile.
      log.debug({ err }, 'outbox listener connection lost; listening again when the database is back');
      release(err);
      retryListen();
    };
    c.on('notification', onNotification);
    c.on('error', onError);
    try {
      await listenForEnqueued(c);
    } catch (err) {
      log.debug({ err }, 'outbox listener could not start; polling until it can');
      release(err as Error);
      retryListen();
      return;
    }
    listener = { client: c, release };
    listenRetryMs = LISTEN_RETRY_MIN_MS;
    if (life.stopped) await close();
  }

  function retryListen(): void {
    if (life.stopped || listenRetry) return;
    listenRetry = setTimeout(() => {
      listenRetry = null;
      if (!listener) void listen();
    }, listenRetryMs);
    listenRetryMs = Math.min(LISTEN_RETRY_MAX_MS, listenRetryMs * 2);
    listenRetry.unref?.();
  }

  async function close(): Promise<void> {
    const l = listener;
    listener = null;
    if (!l) return;
    try {
      await unlistenForEnqueued(l.client);
      l.release();
    } catch (err) {
      l.release(err as Error);
    }
  }

  return {
    listen,
    async restart() {
      if (listener || !deps.enabled) return;
      if (listenRetry) clearTimeout(listenRetry);
      listenRetry = null;
      await listen();
    },
    cancelRetry() {
      if (listenRetry) clearTimeout(listenRetry);
    },
    close,
  };
}
