import pg from 'pg';
import type { Logger } from 'pino';

export type Db = pg.Pool;
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export function createPool(url: string, log: Logger, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the process. After end() it is expected:
  // end() resolves before its clients' sockets have closed, and a database stopped right after (the
  // embedded one, on shutdown) terminates them first.
  pool.on('error', (err) => {
    if (pool.ending) log.debug({ err }, 'database connection closed while the pool was ending');
    else log.error({ err }, 'idle database connection failed');
  });
  return pool;
}

/** Runs fn in one transaction; rolls back on any throw. */
export async function inTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('begin');
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
