import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

/** Local mode logs to a file so the terminal keeps the one line that says where to open Cadans. */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFile'>): Logger {
  const opts = {
    level: config.logLevel,
    base: { app: 'cadans' },
    redact: { paths: ['*.password', '*.secret', '*.token', 'req.headers.authorization', 'headers.authorization'], remove: true },
  };
  if (!config.logFile) return pino(opts);
  mkdirSync(path.dirname(config.logFile), { recursive: true });
  return pino(opts, pino.destination({ dest: config.logFile, sync: false, mkdir: true }));
}
