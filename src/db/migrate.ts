// Migrations are plain SQL files, applied in order, each in its own transaction, under an advisory
// lock so that several instances starting together apply each one exactly once. Rule for a rolling
// deploy: a migration only adds (tables, nullable columns, indexes); a removal waits one release.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from './pool.js';

const LOCK_KEY = 0x0cada115; // pg_advisory_lock key owned by Cadans migrations
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.replace(/\.sql$/, ''), sql: readFileSync(path.join(dir, f), 'utf8') }));
}

export async function migrate(db: Db, log: Logger, migrations = readMigrations()): Promise<number> {
  const client = await db.connect();
  let applied = 0;
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`create table if not exists schema_migrations (
      version int primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set((await client.query<{ version: number }>('select version from schema_migrations')).rows.map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await client.query('begin');
        await client.query(m.sql);
        await client.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      applied++;
      log.info({ migration: m.name }, 'migration applied');
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
  return applied;
}

export async function pendingMigrations(db: Db, migrations = readMigrations()): Promise<number> {
  const r = await db.query<{ version: number }>('select version from schema_migrations').catch(() => ({ rows: [] as { version: number }[] }));
  const done = new Set(r.rows.map((x) => x.version));
  return migrations.filter((m) => !done.has(m.version)).length;
}
