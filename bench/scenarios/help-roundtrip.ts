// The help-message round trip: POST a Teams-shaped personal message "help" to /api/messages and wait
// until the fake Teams connector has received the bot's reply (the card). Many distinct users, so
// per-conversation limits and state do not dominate. Closed-loop workers per concurrency level.
import os from 'node:os';
import { activityText, cardOf, type ConnectorRecord, type FakeConnector } from '../../test/support/fake-connector.js';
import { newMessageId, type TeamsActivity, type TeamsWorld } from '../../test/support/teams-activities.js';
import { closedLoop, fixedCount, KeepAliveClient, latencyOf, poolSamples, type Latency } from '../lib/load.js';
import { cpuSecondsOf, machineCpuSeconds, memoryOf, openFds, processTree, type Memory } from '../lib/proc.js';
import type { ServerName } from '../lib/options.js';

export interface Target {
  name: ServerName;
  baseUrl: string;
  /** The node process serving HTTP (its descendants, e.g. PostgreSQL, count as its tree). */
  pid: number;
  /** A bot: its reply must reach the fake connector. Bare restify only answers the POST. */
  viaConnector: boolean;
}

export interface CpuUse {
  /** CPU ms per successful request: the server's node process. */
  serverMsPerMsg: number;
  /** CPU ms per request: the server and its descendants (Cadans: + PostgreSQL). */
  treeMsPerMsg: number;
  /** CPU ms per request: the benchmark runner (load generator + fake connector). */
  runnerMsPerMsg: number;
  /** Average cores busy during the windows. */
  serverCores: number;
  treeCores: number;
  runnerCores: number;
  /**
   * Cores busy with anything else on the machine (other processes, the idle servers), the
   * largest over the rounds: noise. Above ~0.2 the figures of that level are suspect.
   */
  foreignCoresMax: number;
}

export interface RoundResult {
  throughput: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  foreignCores: number;
  /** The measured window on the monotonic clock (µs), to cut CPU profiles with bench/profile-summary.ts. */
  monoUs: [number, number];
  /** VmRSS of the server process at the end of the round (a steady climb over rounds hints at a leak). */
  rssMb: number | null;
}

export interface LevelResult {
  server: ServerName;
  concurrency: number;
  rounds: number;
  /** Measured seconds per round. */
  durationS: number;
  /** Median over the rounds. */
  throughput: number;
  /** Successful requests over all rounds. */
  requests: number;
  errors: number;
  firstError?: string;
  /** Percentiles over all rounds' requests pooled. */
  latencyMs: Latency;
  cpu: CpuUse;
  byRound: RoundResult[];
  /** The server process at the end of the last round: resident memory and open file descriptors (sockets). */
  atEnd: { rssMb: number | null; openFds: number | null };
}

export interface ReplyCheck {
  status: number;
  /** Size of the reply activity JSON the connector received (bytes; 0 for bare restify). */
  replyBytes: number;
  /** First characters of the reply's visible text. */
  preview: string;
}

export interface FirstContact {
  server: ServerName;
  concurrency: number;
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  latencyMs: Latency;
}

export interface HelpResult {
  users: number;
  warmupS: number;
  durationS: number;
  rounds: number;
  concurrency: number[];
  checks: Record<string, ReplyCheck>;
  /** The first message of every user (not part of the figures: people and references get created). */
  firstContact: FirstContact[];
  levels: LevelResult[];
  /** Seconds waited after the last level before memoryAfter was read. */
  settleS: number;
  /** Memory of each server process settleS seconds after the load phase. */
  memoryAfter: Record<string, Memory | null>;
}

/** Keeps the fake connector's record list short: its waitFor scans the list on every call. */
const MAX_RECORDS = 1000;

function requester(target: Target, client: KeepAliveClient, connector: FakeConnector, templates: readonly TeamsActivity[]) {
  return async function one(i: number): Promise<ConnectorRecord | null> {
    const template = templates[i % templates.length] as TeamsActivity;
    const id = newMessageId();
    const body = JSON.stringify({ ...template, id, timestamp: new Date().toISOString() });
    if (!target.viaConnector) {
      const res = await client.post('/api/messages', body);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      return null;
    }
    if (connector.records.length > MAX_RECORDS) connector.reset(); // waiters survive a reset; seq numbers go on
    const replied = connector.waitFor(
      (r) => r.replyToId === id || (r.operation === 'sendToConversation' && (r.body as { replyToId?: string } | undefined)?.replyToId === id),
      { since: connector.mark(), timeoutMs: 15_000, description: `the reply to message ${id}` },
    );
    replied.catch(() => undefined); // the POST may fail first; its error is the one reported
    const res = await client.post('/api/messages', body);
    if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    const record = await replied;
    if (record.status < 200 || record.status >= 300) throw new Error(`the connector answered the reply with ${record.status}`);
    return record;
  };
}

export function cpuSnapshot(pid: number, allPids: readonly number[]) {
  const monoUs = Number(process.hrtime.bigint() / 1000n);
  const runner = process.cpuUsage();
  return {
    monoUs,
    server: cpuSecondsOf([pid]),
    tree: cpuSecondsOf(processTree(pid)),
    // Every server and its children (the idle ones too): what is ours on the machine, with the runner.
    // (Once each: a database server given as its own pid is also in the tree of the Cadans process.)
    ours: cpuSecondsOf([...new Set(allPids.flatMap((p) => processTree(p)))]) + (runner.user + runner.system) / 1e6,
    runner: (runner.user + runner.system) / 1e6,
    machine: machineCpuSeconds(),
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function runHelpRoundTrip(
  targets: readonly Target[],
  connector: FakeConnector,
  world: TeamsWorld,
  o: { users: number; warmupS: number; durationS: number; rounds: number; concurrency: number[]; settleS: number; beforeRound?: () => Promise<void> },
  say: (line: string) => void,
): Promise<HelpResult> {
  const users = Array.from({ length: o.users }, (_, i) => world.user({ name: `Bench Gebruiker ${String(i + 1).padStart(5, '0')}` }));
  // The builder runs once per user (it formats local timestamps with Intl, too slow for the hot loop);
  // each request copies the template with a fresh id and timestamp.
  const templates = users.map((u) => world.personalMessage(u, 'help'));
  const maxConcurrency = Math.max(...o.concurrency);
  const clients = new Map(targets.map((t) => [t.name, new KeepAliveClient(t.baseUrl, maxConcurrency)]));
  const result: HelpResult = {
    users: o.users,
    warmupS: o.warmupS,
    durationS: o.durationS,
    rounds: o.rounds,
    concurrency: o.concurrency,
    checks: {},
    firstContact: [],
    levels: [],
    settleS: o.settleS,
    memoryAfter: {},
  };
  try {
    // 1. One message each: is the answer what we think we measure?
    for (const t of targets) {
      const one = requester(t, clients.get(t.name) as KeepAliveClient, connector, templates);
      const record = await one(0);
      const card = record ? cardOf(record) : null;
      if (t.viaConnector && card?.type !== 'AdaptiveCard') {
        throw new Error(`${t.name} did not reply with an Adaptive Card: ${JSON.stringify(record?.body).slice(0, 300)}`);
      }
      const preview = record ? activityText(record).replace(/\s+/g, ' ').slice(0, 70) : '';
      result.checks[t.name] = { status: 200, replyBytes: record ? Buffer.byteLength(JSON.stringify(record.body)) : 0, preview };
      say(`  ${t.name}: ${record ? `reply ${result.checks[t.name]?.replyBytes} bytes — "${preview}…"` : 'HTTP 200 (no reply: no bot)'}`);
    }
    // 2. Every user's first message, so the measured levels see returning users.
    for (const t of targets) {
      if (!t.viaConnector) continue;
      const one = requester(t, clients.get(t.name) as KeepAliveClient, connector, templates);
      connector.reset();
      const c = Math.min(16, maxConcurrency);
      const r = await fixedCount(c, o.users, (i) => one(i).then(() => undefined));
      result.firstContact.push({ server: t.name, concurrency: c, ...r });
      say(`  ${t.name}: first message of ${o.users} users at ${c} concurrent: ${r.throughput.toFixed(0)} msg/s, p50 ${r.latencyMs.p50.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(1)} ms${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}`);
    }
    // 3. The levels. Within a level the servers take turns, round after round, so that a burst of
    //    other work on a shared machine hits them alike; throughput is the median over the rounds.
    const allPids = targets.map((t) => t.pid);
    for (const c of o.concurrency) {
      const acc = new Map<ServerName, { rounds: RoundResult[]; samples: Float64Array[]; errors: number; firstError?: string; cpu: { server: number; tree: number; runner: number; seconds: number }; foreignMax: number; atEnd: LevelResult['atEnd'] }>();
      for (let round = 0; round < o.rounds; round++) {
        await o.beforeRound?.();
        for (const t of targets) {
          const one = requester(t, clients.get(t.name) as KeepAliveClient, connector, templates);
          connector.reset();
          let start = cpuSnapshot(t.pid, allPids);
          let end = start;
          let atEnd: LevelResult['atEnd'] = { rssMb: null, openFds: null };
          const load = await closedLoop(c, o.warmupS, o.durationS, (i) => one(i).then(() => undefined), {
            onWindowStart: () => (start = cpuSnapshot(t.pid, allPids)),
            onWindowEnd: () => {
              end = cpuSnapshot(t.pid, allPids);
              atEnd = { rssMb: memoryOf(t.pid)?.rssMb ?? null, openFds: openFds(t.pid) };
            },
          });
          const machineBusy = end.machine.busy - start.machine.busy;
          const machineTotal = end.machine.total - start.machine.total;
          const windowS = machineTotal / os.cpus().length || o.durationS;
          const foreignCores = Math.max(0, (machineBusy - (end.ours - start.ours)) / windowS);
          const r: RoundResult = {
            throughput: load.throughput,
            requests: load.requests,
            errors: load.errors,
            p50: load.latencyMs.p50,
            p99: load.latencyMs.p99,
            foreignCores,
            monoUs: [start.monoUs, end.monoUs],
            rssMb: (atEnd as LevelResult['atEnd']).rssMb,
          };
          const a = acc.get(t.name) ?? { rounds: [], samples: [], errors: 0, cpu: { server: 0, tree: 0, runner: 0, seconds: 0 }, foreignMax: 0, atEnd };
          a.rounds.push(r);
          a.samples.push(load.samples);
          a.errors += load.errors;
          if (load.firstError !== undefined) a.firstError ??= load.firstError;
          a.cpu.server += end.server - start.server;
          a.cpu.tree += end.tree - start.tree;
          a.cpu.runner += end.runner - start.runner;
          a.cpu.seconds += o.durationS;
          a.foreignMax = Math.max(a.foreignMax, foreignCores);
          a.atEnd = atEnd;
          acc.set(t.name, a);
          say(
            `  ${t.name.padEnd(8)} c=${String(c).padEnd(3)}${o.rounds > 1 ? ` round ${round + 1}/${o.rounds}` : ''} ${load.throughput.toFixed(0).padStart(6)} msg/s  p50 ${load.latencyMs.p50.toFixed(2)} ms  p99 ${load.latencyMs.p99.toFixed(2)} ms` +
              `  cpu ${(((end.tree - start.tree) * 1000) / Math.max(1, load.requests)).toFixed(2)} ms/msg  rss ${r.rssMb?.toFixed(0) ?? '–'} MB  other load ${foreignCores.toFixed(2)} cores${load.errors ? `  ${load.errors} errors (${load.firstError})` : ''}`,
          );
        }
      }
      for (const t of targets) {
        const a = acc.get(t.name);
        if (!a) continue;
        const pooled = poolSamples(a.samples);
        const n = Math.max(1, pooled.length);
        result.levels.push({
          server: t.name,
          concurrency: c,
          rounds: o.rounds,
          durationS: o.durationS,
          throughput: median(a.rounds.map((r) => r.throughput)),
          requests: pooled.length,
          errors: a.errors,
          ...(a.firstError !== undefined ? { firstError: a.firstError } : {}),
          latencyMs: latencyOf(pooled),
          cpu: {
            serverMsPerMsg: (a.cpu.server * 1000) / n,
            treeMsPerMsg: (a.cpu.tree * 1000) / n,
            runnerMsPerMsg: (a.cpu.runner * 1000) / n,
            serverCores: a.cpu.server / a.cpu.seconds,
            treeCores: a.cpu.tree / a.cpu.seconds,
            runnerCores: a.cpu.runner / a.cpu.seconds,
            foreignCoresMax: a.foreignMax,
          },
          byRound: a.rounds,
          atEnd: a.atEnd,
        });
      }
    }
    await new Promise((r) => setTimeout(r, o.settleS * 1000));
    for (const t of targets) result.memoryAfter[t.name] = memoryOf(t.pid);
    return result;
  } finally {
    for (const c of clients.values()) c.close();
  }
}
