// Local mode: the Microsoft 365 Agents Playground, pointed at this bot, as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';

export interface Playground {
  url: string;
  stop(): Promise<void>;
}

export async function startPlayground(opts: { rootDir: string; botUrl: string; port: number; logDir: string; log: Logger }): Promise<Playground> {
  const require = createRequire(import.meta.url);
  let cli: string;
  try {
    cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  } catch {
    throw new Error('The Agents Playground is not installed: run npm install (it is a dev dependency).');
  }
  mkdirSync(opts.logDir, { recursive: true });
  const pidFile = path.join(opts.logDir, '..', 'playground.pid');
  stopOrphan(pidFile, opts.log);
  const out = createWriteStream(path.join(opts.logDir, 'playground.log'), { flags: 'a' });
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, '-e', `${opts.botUrl}/api/messages`, '-c', 'msteams', '-p', String(opts.port), '--disable-telemetry'],
    {
      cwd: opts.rootDir,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_LOGFILE: path.join(opts.logDir, 'playground-devtools.log'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the Agents Playground did not start within 30 s (see ${opts.logDir}/playground.log)`)), 30_000);
    const onData = (chunk: Buffer) => {
      out.write(chunk);
      seen += chunk.toString('utf8');
      const m = /https?:\/\/(?:localhost|127\.0\.0\.1):(\d+)/.exec(seen) ?? /Listening on (\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => out.write(c));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Agents Playground exited with code ${code} (see ${opts.logDir}/playground.log)`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  if (child.pid) writeFileSync(pidFile, String(child.pid));
  child.stdout?.on('data', (c: Buffer) => out.write(c));
  child.on('exit', (code, signal) => opts.log.info({ code, signal }, 'Agents Playground stopped'));
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
      rmSync(pidFile, { force: true });
      out.end();
    },
  };
}

/** A run killed with SIGKILL leaves its playground running: stop it before starting a new one. */
function stopOrphan(pidFile: string, log: Logger): void {
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('m365agentsplayground')) return;
    process.kill(pid, 'SIGKILL');
    log.warn({ pid }, 'stopped an Agents Playground left by an earlier run');
  } catch {
    // gone already
  }
}
