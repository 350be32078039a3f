// Child processes of the benchmark: spawning servers, waiting for them, stopping them cleanly, and
// reading their memory and CPU time from /proc (Linux).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** The last output lines (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the first stdout line matching `re`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

const children = new Set<Child>();

/** Children still running (the runner stops them on Ctrl-C). */
export function liveChildren(): Child[] {
  return [...children];
}

export function spawnNode(name: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Child {
  const proc = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not start ${name}`);
  const lines: string[] = [];
  const lineWaiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const onText = (stream: 'out' | 'err') => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(`${stream}: ${line}`);
        if (lines.length > 60) lines.shift();
        if (stream === 'out') {
          for (const w of [...lineWaiters]) {
            const m = line.match(w.re);
            if (m) {
              lineWaiters.splice(lineWaiters.indexOf(w), 1);
              w.resolve(m);
            }
          }
        }
      }
    };
  };
  proc.stdout?.on('data', onText('out'));
  proc.stderr?.on('data', onText('err'));
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const child: Child = {
    name,
    proc,
    pid: proc.pid,
    exited,
    output: () => lines.join('\n'),
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not print ${re} within ${timeoutMs} ms:\n${child.output()}`)), timeoutMs);
        const done = (m: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(m);
        };
        lineWaiters.push({ re, resolve: done });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code}) before printing ${re}:\n${child.output()}`));
        });
      });
    },
  };
  children.add(child);
  return child;
}

/** Sends `signal`, waits up to `timeoutMs` for the exit, then SIGKILLs. Returns how it ended. */
export async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGINT', timeoutMs = 20_000): Promise<{ code: number | string; killed: boolean; ms: number }> {
  const t0 = performance.now();
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
    return { code: child.proc.exitCode ?? child.proc.signalCode ?? 'unknown', killed: false, ms: 0 };
  }
  child.proc.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  const first = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return { code: first, killed: false, ms: performance.now() - t0 };
  child.proc.kill('SIGKILL');
  return { code: await child.exited, killed: true, ms: performance.now() - t0 };
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** One GET without keep-alive; resolves with the status, or 0 when the connection failed. */
export function getStatus(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/**
 * Polls `url` every `pollMs` until it answers 200; resolves with the ms since `since`
 * (a performance.now() value). Rejects when the child exits first or after `timeoutMs`.
 */
export async function waitFor200(url: string, child: Child, since: number, opts: { pollMs: number; timeoutMs: number }): Promise<number> {
  let exited: number | string | null = null;
  void child.exited.then((c) => (exited = c));
  while (performance.now() - since < opts.timeoutMs) {
    if (exited !== null) throw new Error(`${child.name} exited (${exited}) before ${url} answered 200:\n${child.output()}`);
    const status = await getStatus(url);
    if (status === 200) return performance.now() - since;
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
  throw new Error(`${url} did not answer 200 within ${opts.timeoutMs} ms:\n${child.output()}`);
}

export interface Memory {
  /** Resident set size now (VmRSS), MB. */
  rssMb: number;
  /** Peak resident set size (VmHWM), MB. */
  peakRssMb: number;
}

export function memoryOf(pid: number): Memory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

let clockTicks = 0;
function ticksPerSecond(): number {
  if (clockTicks === 0) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clockTicks = Number(r.stdout?.trim()) || 100;
  }
  return clockTicks;
}

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); ppid is field 4, utime..cstime are fields 14..17.
    const f = (n: number) => Number(rest[n - 3]);
    return { pid, ppid: f(4), ticks: f(14) + f(15) + f(16) + f(17) };
  } catch {
    return null;
  }
}

/** A process and all its descendants (e.g. Cadans' node process and its PostgreSQL). */
export function processTree(rootPid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (!st) continue;
    const list = byParent.get(st.ppid) ?? [];
    list.push(st.pid);
    byParent.set(st.ppid, list);
  }
  const out: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(byParent.get(pid) ?? []));
  }
  return out;
}

/** CPU seconds (user + system, including reaped children) of the given processes. */
export function cpuSecondsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.ticks ?? 0;
  return ticks / ticksPerSecond();
}

/** Processes whose command line mentions `needle` (e.g. a PostgreSQL data directory). */
export function processesMentioning(needle: string): Array<{ pid: number; cmd: string }> {
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmd.includes(needle)) out.push({ pid: Number(name), cmd });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The postmaster pid recorded in a data directory, if that process is alive. */
export function livePostmaster(databaseDir: string): number | null {
  const pidFile = `${databaseDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return null;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Open file descriptors of a process (sockets included); null when unreadable. */
export function openFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine, from the first line of /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest is already inside user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / ticksPerSecond(), total: (busy + idle + iowait) / ticksPerSecond() };
}

/**
 * Waits (up to maxS seconds) until the machine has been quiet for a short sample: fewer than
 * `cores` cores busy over 0.5 s, while the benchmark's own servers idle between rounds. On a shared
 * machine this starts a round pair in a lull instead of in another session's test burst. Returns
 * the seconds waited and the last sample's busy cores.
 */
export async function waitForQuiet(maxS: number, cores = 0.3): Promise<{ waitedS: number; busyCores: number; quiet: boolean }> {
  const t0 = performance.now();
  let busyCores = 0;
  if (maxS <= 0) return { waitedS: 0, busyCores, quiet: true };
  for (;;) {
    const a = machineCpuSeconds();
    await new Promise((r) => setTimeout(r, 500));
    const b = machineCpuSeconds();
    const n = (b.total - a.total) || 1;
    busyCores = ((b.busy - a.busy) / n) * (os.cpus().length || 1);
    const waitedS = (performance.now() - t0) / 1000;
    if (busyCores < cores) return { waitedS, busyCores, quiet: true };
    if (waitedS >= maxS) return { waitedS, busyCores, quiet: false };
  }
}
