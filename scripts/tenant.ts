/**
 * A tenant that leaves (docs/privacy.md): the operator's export and deletion of all its data.
 *
 *   npm run tenant -- export --tenant <id> --out <file>
 *   npm run tenant -- delete --tenant <id> --yes [--no-export]
 *
 * `delete` first writes the export to <data dir>/tenant-<id>-<date>.json (unless --no-export), then
 * deletes everything of the tenant in one transaction: every feature's rows, the outbox, the Teams
 * conversation references, pg-boss jobs that name it, and last its people, schools, roles, audit
 * events and the tenant itself.
 *
 * It connects as the app does: DATABASE_URL, or the embedded database in CADANS_DATA_DIR (local
 * mode; Cadans itself must not be running on it then). It starts Cadans on that database without
 * the playground, on a free local port, so it uses exactly the app's list of holders, and stops it again.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, ConfigError } from '../src/config.js';
import { startCadans } from '../src/cadans.js';
import { embeddedDatabaseInUse, startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded.js';
import pino from 'pino';
import { deleteTenant, exportTenant, totalOf } from '../src/privacy/tenant.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage:
  npm run tenant -- export --tenant <id> --out <file>
  npm run tenant -- delete --tenant <id> --yes [--no-export]`;

interface Args {
  command: 'export' | 'delete';
  tenant: string;
  out?: string;
  yes: boolean;
  noExport: boolean;
}

export function parseArgs(argv: readonly string[]): Args | string {
  const [command, ...rest] = argv;
  if (command !== 'export' && command !== 'delete') return USAGE;
  let tenant: string | undefined;
  let out: string | undefined;
  let yes = false;
  let noExport = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--tenant') tenant = rest[++i];
    else if (a === '--out') out = rest[++i];
    else if (a === '--yes') yes = true;
    else if (a === '--no-export') noExport = true;
    else return `Unknown argument ${a}\n${USAGE}`;
  }
  if (!tenant || !/^[\w.-]{1,200}$/.test(tenant)) return `Give the tenant's id with --tenant.\n${USAGE}`;
  if (command === 'export' && !out) return `Give the file to write with --out.\n${USAGE}`;
  if (command === 'delete' && !yes) return `Deleting a tenant's data cannot be undone: add --yes.\n${USAGE}`;
  return { command, tenant, out, yes, noExport };
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    return 2;
  }
  let config;
  try {
    // No playground, any free port on this machine: this process only reads and deletes.
    config = loadConfig({ ...process.env, PLAYGROUND: 'false', PORT: '0', HOST: '127.0.0.1' }, ROOT_DIR);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  // Warnings and errors on stderr; stdout says what was done.
  const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, base: { app: 'cadans-tenant' } }, pino.destination(2));
  let database: EmbeddedDatabase | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    if (embeddedDatabaseInUse(config.dataDir)) {
      process.stderr.write(`Cadans is running on the local database in ${config.dataDir}: stop it first (Ctrl-C), then run this again.\n`);
      return 1;
    }
    database = await startEmbeddedDatabase(config.dataDir, log);
    databaseUrl = database.url;
  }
  const cadans = await startCadans(config, log, databaseUrl);
  try {
    const holders = cadans.privacy.holders;
    const now = new Date();
    if (args.command === 'export' || !args.noExport) {
      const file = args.command === 'export' ? path.resolve(args.out!) : path.join(config.dataDir, `tenant-${args.tenant}-${now.toISOString().slice(0, 10)}.json`);
      const data = await exportTenant(cadans.db, holders, args.tenant, now);
      writeJson(file, data);
      process.stdout.write(`Exported tenant ${args.tenant} to ${file}\n`);
    }
    if (args.command === 'delete') {
      const deleted = await deleteTenant(cadans.db, holders, args.tenant);
      process.stdout.write(`Deleted tenant ${args.tenant}: ${totalOf(deleted)} rows\n`);
      for (const [section, tables] of Object.entries(deleted)) {
        for (const [table, n] of Object.entries(tables)) if (n > 0) process.stdout.write(`  ${section} ${table}: ${n}\n`);
      }
    }
    return 0;
  } finally {
    await cadans.stop();
    await database?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`tenant: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
