// The real process, as `npm start` runs it (without the playground): start, kill -9, recover, stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { ROOT_DIR } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsWorld } from '../support/teams-activities.js';

let dataDir: string;
let connector: FakeConnector;
let world: TeamsWorld;
const children: ChildProcess[] = [];

function startMain(env: Record<string, string> = {}): {
  child: ChildProcess;
  url: Promise<string>;
  exit: Promise<number | null>;
  stderr: () => string;
  /** Resolves when the process has written a line matching `re` to stdout. */
  printed: (re: RegExp) => Promise<void>;
} {
  const child = spawn(process.execPath, ['--no-deprecation', '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT_DIR,
    env: { ...process.env, CADANS_ENV: 'test', CADANS_DATA_DIR: dataDir, PLAYGROUND: 'false', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\/api\/messages/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}${err}`)));
  });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const printed = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (re.test(out)) {
          child.stdout!.off('data', check);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${re}: ${out}${err}`)));
      check();
    });
  return { child, url, exit, stderr: () => err, printed };
}

function postgresPid(): number | null {
  const f = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(f)) return null;
  return Number.parseInt(readFileSync(f, 'utf8').split('\n')[0] ?? '', 10);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'cadans-life-'));
  chmodSync(dataDir, 0o755);
  connector = await startFakeConnector();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const pid = postgresPid();
  if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
  await connector?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Cadans process in local mode', () => {
  it('comes back with its data after being killed with SIGKILL, and stops cleanly on Ctrl-C', async () => {
    const first = startMain();
    const url1 = await first.url;
    const sanne = world.user({ name: 'Sanne Eerste' });
    await postActivity(url1, world.personalMessage(sanne, 'hulp')); // first person: beheerder
    const stalePid = postgresPid();
    expect(stalePid).toBeGreaterThan(0);

    first.child.kill('SIGKILL');
    await first.exit;
    expect(alive(stalePid!)).toBe(true); // the orphaned PostgreSQL still holds the data directory

    const second = startMain();
    const url2 = await second.url;
    expect(alive(stalePid!)).toBe(false);
    expect((await fetch(`${url2}/readyz`)).status).toBe(200);
    const piet = world.user({ name: 'Piet Tweede' });
    connector.reset();
    await postActivity(url2, world.personalMessage(piet, 'rollen'));
    // Sanne is still beheerder from the first run, so Piet is not made one.
    expect(JSON.stringify(connector.cardOf(connector.sent(piet.personalConversationId)[0]))).toContain('nog geen rol');

    const pgPid = postgresPid();
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
    expect(pgPid && alive(pgPid)).toBe(false);
  }, 60_000);

  it('finishes the turn in flight on SIGTERM before it exits, and the person gets their answer', async () => {
    const run = startMain();
    const url = await run.url;
    const user = world.user({ name: 'Laatste Vraag' });
    // The turn's answer reaches Teams and is held there, unanswered: the turn is mid-way.
    const hold = connector.hold((r) => r.method === 'POST' && r.conversationId === user.personalConversationId);
    const answer = postActivity(url, world.personalMessage(user, 'hulp'));
    const held = await hold.arrived;
    expect(connector.activityText(held.body)).toContain('Wat kan Cadans?');

    const stopping = run.printed(/Cadans stopt/);
    run.child.kill('SIGTERM');
    await stopping; // the process took the signal and is draining
    expect(run.child.exitCode).toBeNull();

    hold.release();
    expect((await answer).status).toBe(200);
    expect(await run.exit).toBe(0);
    const delivered = connector.sent(user.personalConversationId);
    expect(delivered).toHaveLength(1);
    expect(connector.activityText(delivered[0])).toContain('Wat kan Cadans?');
  }, 60_000);

  it('refuses to start with invalid configuration, naming each variable, and leaves nothing running', async () => {
    const bad = startMain({ CADANS_MODE: 'production', PORT: 'x' });
    await expect(bad.url).rejects.toThrow();
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toMatch(/PORT: must be a number/);
    expect(bad.stderr()).toMatch(/MicrosoftAppId: required in production/);
  });
});
