// Starts the real Cadans (restify + teams-ai + PostgreSQL + pg-boss) for a test file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { startCadans, type RunningCadans, type StartOptions } from '../../src/cadans.js';
import { createTestDatabase } from './db.js';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestCadans extends RunningCadans {
  config: Readonly<Config>;
  databaseUrl: string;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Readonly<Config> {
  // Surveys go out at any time in tests (the send window is tested on its own): tests run on weekends too.
  return loadConfig({ PORT: '0', PLAYGROUND: 'false', LOG_LEVEL: 'silent', CADANS_ENV: 'test', SURVEY_SEND_HOURS: 'always', ...env }, ROOT_DIR);
}

export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

export async function startTestCadans(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestCadans> {
  const db = await createTestDatabase();
  const config = testConfig(env);
  const cadans = await startCadans(config, testLogger(), db.url, options);
  return {
    ...cadans,
    config,
    databaseUrl: db.url,
    async close() {
      await cadans.stop();
      await db.drop();
    },
  };
}
