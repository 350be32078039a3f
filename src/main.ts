// The only place objects are built: config → database → Cadans → playground; signals stop them.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { startCadans, type RunningCadans } from './cadans.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { startPlayground, type Playground } from './local/playground.js';
import { createLogger } from './log.js';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, rootDir);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Cadans did not start. ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config);
  let database: EmbeddedDatabase | null = null;
  let cadans: RunningCadans | null = null;
  let playground: Playground | null = null;
  let stopping = false;

  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'stopping');
    if (config.mode === 'local') process.stdout.write('\nCadans stopt…\n');
    await playground?.stop().catch((err) => log.error({ err }, 'stopping the playground failed'));
    await cadans?.stop().catch((err) => log.error({ err }, 'stopping Cadans failed'));
    await database?.stop().catch((err) => log.error({ err }, 'stopping PostgreSQL failed'));
    log.flush();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    void stop('uncaughtException', 1);
  });

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      database = await startEmbeddedDatabase(config.dataDir, log);
      databaseUrl = database.url;
    }
    cadans = await startCadans(config, log, databaseUrl);
    if (config.playground.enabled) {
      playground = await startPlayground({
        rootDir,
        botUrl: cadans.url,
        port: config.playground.port,
        logDir: path.join(config.dataDir, 'logs'),
        log,
      });
      process.stdout.write(`Cadans draait. Open ${playground.url} in je browser (bot: ${cadans.url}/api/messages, logs: ${config.logFile}). Stoppen: Ctrl-C.\n`);
    } else {
      process.stdout.write(`Cadans is listening on ${cadans.url}/api/messages (${config.mode} mode).\n`);
    }
  } catch (err) {
    log.fatal({ err }, 'start-up failed');
    process.stderr.write(`Cadans did not start: ${(err as Error).message}\n`);
    await stop('start-up failed', 1);
  }
}

void main();
