import pg from 'pg';
import type { Logger } from 'pino';

export type Db = pg.Pool;
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Whether a pool's database answers, as the pool has seen it. A lost connection (failover,
 * maintenance, a restarted server: every connection is dropped at once) marks it down; a probe then
 * runs `select 1` until the database answers again, and calls the `onBack` callbacks.
 */
export interface DatabaseHealth {
  /** The pool's application_name, e.g. `cadans`, `cadans-outbox`. */
  readonly name: string;
  /** A connection was lost and the database has not answered since. */
  readonly down: boolean;
  /** Since when (epoch ms) it is down. */
  readonly downSince: number | null;
  /** Tells the health that err (from a query on this pool) may mean the database is gone; a connection error marks it down. */
  suspect(err: unknown): void;
  /** Called each time the database answers again after being down. Returns an unsubscribe function. */
  onBack(callback: () => void): () => void;
  /** Stops the probe and forgets the callbacks (the probe also stops by itself once the pool is ending). */
  close(): void;
}

const healthOf = new WeakMap<pg.Pool, DatabaseHealth>();

/** The health of a pool made by createPool. */
export function databaseHealth(db: Db): DatabaseHealth {
  const h = healthOf.get(db);
  if (!h) throw new Error('databaseHealth: the pool was not made by createPool');
  return h;
}

/** SQLSTATE classes and codes that mean the connection, not the statement, failed. */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300']);
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * The error came from losing (or not getting) a connection to the database: terminated by the
 * server (failover, maintenance, pg_terminate_backend), refused, reset, timed out while connecting.
 */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_SQLSTATES.has(code) || CONNECTION_ERRNOS.has(code))) return true;
  const message = String((err as { message?: unknown }).message ?? '');
  return /Connection terminated|not queryable|timeout exceeded when trying to connect|connection timeout/i.test(message);
}

/**
 * A pool whose every client has an error listener, from its first connection: pg emits 'error' on a
 * client whose connection dies, and a checked-out client (inside a transaction, an outbox claim, a
 * migration) has no other listener, so without this the process would end. The query running on
 * it rejects (pg fails the active query), later queries on it reject ("not queryable"), and
 * release() drops it from the pool. A lost connection is logged once per outage, not per client
 * or query: the first one at warn, the rest at debug, the return at info.
 *
 * `name` becomes the connections' application_name, so operators (and tests) can tell them apart.
 */
export function createPool(url: string, log: Logger, max = 10, name = 'cadans'): Db {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000, application_name: name });
  const health = createHealth(pool, name, log);
  healthOf.set(pool, health);
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      // After end() it is expected: end() resolves before its clients' sockets have closed, and a
      // database stopped right after (the embedded one, on shutdown) terminates them first.
      if (pool.ending) log.debug({ err, pool: name }, 'database connection closed while the pool was ending');
      else health.suspect(err);
    });
  });
  // An idle client that fails also emits on the pool (pg-pool removes it); its client listener above
  // has already reported it.
  pool.on('error', (err) => log.debug({ err, pool: name }, 'idle database connection removed from the pool'));
  return pool;
}

const PROBE_MIN_MS = 100;
const PROBE_MAX_MS = 1_000;

function createHealth(pool: pg.Pool, name: string, log: Logger): DatabaseHealth {
  let downSince: number | null = null;
  let lost = 0;
  let probe: NodeJS.Timeout | null = null;
  let probeDelay = PROBE_MIN_MS;
  let closed = false;
  const callbacks = new Set<() => void>();

  const scheduleProbe = () => {
    if (closed || probe || pool.ending) return;
    probe = setTimeout(() => {
      if (pool.ending) {
        probe = null;
        return;
      }
      pool
        .query('select 1')
        .then(
          () => {
            probe = null;
            back();
          },
          (err: unknown) => {
            probe = null;
            log.debug({ err, pool: name }, 'database still unreachable');
            probeDelay = Math.min(PROBE_MAX_MS, probeDelay * 2);
            scheduleProbe();
          },
        );
    }, probeDelay);
    probe.unref?.();
  };

  const back = () => {
    if (downSince === null || closed) return;
    log.info({ pool: name, downMs: Date.now() - downSince, lostConnections: lost }, 'database reachable again');
    downSince = null;
    lost = 0;
    for (const cb of [...callbacks]) {
      try {
        cb();
      } catch (err) {
        log.error({ err, pool: name }, 'a database recovery callback failed');
      }
    }
  };

  return {
    name,
    get down() {
      return downSince !== null;
    },
    get downSince() {
      return downSince;
    },
    suspect(err) {
      if (closed || !isConnectionError(err)) return;
      lost++;
      if (downSince === null) {
        downSince = Date.now();
        probeDelay = PROBE_MIN_MS;
        log.warn({ err, pool: name }, 'database connection lost; reconnecting');
        scheduleProbe();
      } else {
        log.debug({ err, pool: name }, 'database connection lost (already reconnecting)');
      }
    },
    onBack(callback) {
      callbacks.add(callback);
      return () => callbacks.delete(callback);
    },
    close() {
      closed = true;
      if (probe) clearTimeout(probe);
      probe = null;
      callbacks.clear();
    },
  };
}

/**
 * Runs fn in one transaction; rolls back on any throw. A `begin` that fails because the pool handed
 * out a connection the server had just dropped (nothing ran on it) is tried once more on a fresh one.
 */
export async function inTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>, begin = 'begin'): Promise<T> {
  let client = await db.connect();
  try {
    await client.query(begin);
  } catch (err) {
    client.release(err as Error);
    if (!isConnectionError(err)) throw err;
    healthOf.get(db)?.suspect(err);
    client = await db.connect();
    try {
      await client.query(begin);
    } catch (again) {
      client.release(again as Error);
      throw again;
    }
  }
  try {
    const out = await fn(client);
    await client.query('commit');
    return out;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Runs fn in one read-only transaction that sees one snapshot throughout (an export reading many tables). */
export function inSnapshot<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(db, fn, 'begin isolation level repeatable read read only');
}
