// A first message: a personal "help" from someone the bot has never seen, in a conversation it has
// never seen, timed from the POST until the reply reaches the fake connector. Every request comes
// from a NEW person (new Entra object id, Teams user id, name and 1:1 conversation), for Cadans and
// for the baseline alike, so no per-instance cache (who was recorded, which references were saved)
// helps. Closed loop per concurrency level; within a level the servers take turns, round after
// round; warm-up excluded. Baseline: bench/baselines/teams-ai-first-message.ts (teams-ai + pg,
// upserting the person and the conversation reference in one transaction).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FakeConnector } from '../../test/support/fake-connector.js';
import { createTeamsWorld, newMessageId, type TeamsActivity, type TeamsWorld } from '../../test/support/teams-activities.js';
import { closedLoop, KeepAliveClient, latencyOf, poolSamples, type Latency } from '../lib/load.js';
import { cpuSecondsOf, machineCpuSeconds, processTree } from '../lib/proc.js';

export interface FirstMessageTarget {
  name: string;
  baseUrl: string;
  pid: number;
  /** A database server outside the process tree that serves this target (the baseline's PostgreSQL). */
  dbPid?: number;
}

export interface FirstMessageRound {
  throughput: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  otherLoad: number;
  monoUs: [number, number];
}

export interface FirstMessageLevel {
  server: string;
  concurrency: number;
  rounds: number;
  durationS: number;
  /** Median over the rounds. */
  throughput: number;
  requests: number;
  errors: number;
  firstError?: string;
  /** All rounds pooled. */
  latencyMs: Latency;
  /** CPU ms per message: the node process; with its database (Cadans' children, or the baseline's PostgreSQL). */
  cpuMsPerMsg: { server: number; withDatabase: number; runner: number };
  otherLoadMax: number;
  byRound: FirstMessageRound[];
}

export interface FirstMessageResult {
  tenantId: string;
  warmupS: number;
  durationS: number;
  rounds: number;
  concurrency: number[];
  /** New people each server saw (warm-up included). */
  peopleSent: Record<string, number>;
  levels: FirstMessageLevel[];
}

/** Keeps the fake connector's record list short: its waitFor scans the list on every call. */
const MAX_RECORDS = 1000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Personal "help" messages from a new person in a new 1:1 conversation, one per call: one template
 * built by the test builder, each call swapping in a new Entra id, Teams id, name and conversation
 * (building a full activity formats a local timestamp with Intl: too slow for the hot loop).
 */
export function newcomers(world: TeamsWorld): () => { id: string; body: string } {
  const template = world.personalMessage(world.user({ name: 'Sjabloon' }), 'help');
  let serial = 0;
  return () => {
    const aad = randomUUID();
    const compact = aad.replace(/-/g, '');
    const n = ++serial;
    const id = newMessageId();
    const activity: TeamsActivity = {
      ...template,
      id,
      timestamp: new Date().toISOString(),
      from: { id: `29:1${compact}${compact}`, name: `Nieuwe Collega ${n}`, aadObjectId: aad },
      conversation: { ...template.conversation, id: `a:1${compact}${compact}${compact}` },
    };
    return { id, body: JSON.stringify(activity) };
  };
}

export async function runFirstMessage(
  targets: readonly FirstMessageTarget[],
  connector: FakeConnector,
  o: { warmupS: number; durationS: number; rounds: number; concurrency: number[]; beforeRound?: () => Promise<void> },
  say: (line: string) => void,
): Promise<FirstMessageResult> {
  // A tenant of its own (the help and checklist scenarios' people live in others).
  const tenantId = randomUUID();
  const newcomer = newcomers(createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId }));

  const maxC = Math.max(...o.concurrency);
  const clients = new Map(targets.map((t) => [t.name, new KeepAliveClient(t.baseUrl, maxC)]));
  const peopleSent: Record<string, number> = {};
  const result: FirstMessageResult = { tenantId, warmupS: o.warmupS, durationS: o.durationS, rounds: o.rounds, concurrency: o.concurrency, peopleSent, levels: [] };
  const allPids = targets.flatMap((t) => [t.pid, ...(t.dbPid ? [t.dbPid] : [])]);
  const cpu = (t: FirstMessageTarget) => {
    const runner = process.cpuUsage();
    return {
      monoUs: Number(process.hrtime.bigint() / 1000n),
      server: cpuSecondsOf([t.pid]),
      withDatabase: cpuSecondsOf([...new Set([...processTree(t.pid), ...(t.dbPid ? processTree(t.dbPid) : [])])]),
      ours: cpuSecondsOf([...new Set(allPids.flatMap((p) => processTree(p)))]) + (runner.user + runner.system) / 1e6,
      runner: (runner.user + runner.system) / 1e6,
      machine: machineCpuSeconds(),
    };
  };

  const one = (t: FirstMessageTarget) => async (): Promise<void> => {
    const client = clients.get(t.name) as KeepAliveClient;
    const m = newcomer();
    peopleSent[t.name] = (peopleSent[t.name] ?? 0) + 1;
    if (connector.records.length > MAX_RECORDS) connector.reset(); // waiters survive a reset
    const replied = connector.waitFor((r) => r.replyToId === m.id || (r.operation === 'sendToConversation' && (r.body as { replyToId?: string } | undefined)?.replyToId === m.id), {
      since: connector.mark(),
      timeoutMs: 15_000,
      description: `the reply to first message ${m.id}`,
    });
    replied.catch(() => undefined); // the POST may fail first; its error is the one reported
    const res = await client.post('/api/messages', m.body);
    if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    const record = await replied;
    if (record.status < 200 || record.status >= 300) throw new Error(`the connector answered the reply with ${record.status}`);
  };

  try {
    // One message each: both answer a newcomer at all.
    for (const t of targets) await one(t)();
    for (const c of o.concurrency) {
      const acc = new Map<string, { rounds: FirstMessageRound[]; samples: Float64Array[]; errors: number; firstError?: string; cpu: { server: number; withDatabase: number; runner: number } }>();
      for (let round = 0; round < o.rounds; round++) {
        await o.beforeRound?.();
        for (const t of targets) {
          connector.reset();
          let start = cpu(t);
          let end = start;
          const load = await closedLoop(c, o.warmupS, o.durationS, one(t), {
            onWindowStart: () => (start = cpu(t)),
            onWindowEnd: () => (end = cpu(t)),
          });
          const windowS = (end.machine.total - start.machine.total) / os.cpus().length || o.durationS;
          const otherLoad = Math.max(0, (end.machine.busy - start.machine.busy - (end.ours - start.ours)) / windowS);
          const a = acc.get(t.name) ?? { rounds: [], samples: [], errors: 0, cpu: { server: 0, withDatabase: 0, runner: 0 } };
          a.rounds.push({ throughput: load.throughput, requests: load.requests, errors: load.errors, p50: load.latencyMs.p50, p99: load.latencyMs.p99, otherLoad, monoUs: [start.monoUs, end.monoUs] });
          a.samples.push(load.samples);
          a.errors += load.errors;
          if (load.firstError !== undefined) a.firstError ??= load.firstError;
          a.cpu.server += end.server - start.server;
          a.cpu.withDatabase += end.withDatabase - start.withDatabase;
          a.cpu.runner += end.runner - start.runner;
          acc.set(t.name, a);
          say(
            `  ${t.name.padEnd(13)} c=${String(c).padEnd(3)}${o.rounds > 1 ? ` round ${round + 1}/${o.rounds}` : ''} ${load.throughput.toFixed(0).padStart(6)} msg/s  p50 ${load.latencyMs.p50.toFixed(2)} ms  p99 ${load.latencyMs.p99.toFixed(2)} ms` +
              `  cpu ${(((end.withDatabase - start.withDatabase) * 1000) / Math.max(1, load.requests)).toFixed(2)} ms/msg with its database  other load ${otherLoad.toFixed(2)} cores${load.errors ? `  ${load.errors} errors (${load.firstError})` : ''}`,
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
          cpuMsPerMsg: { server: (a.cpu.server * 1000) / n, withDatabase: (a.cpu.withDatabase * 1000) / n, runner: (a.cpu.runner * 1000) / n },
          otherLoadMax: Math.max(0, ...a.rounds.map((r) => r.otherLoad)),
          byRound: a.rounds,
        });
      }
    }
    return result;
  } finally {
    for (const cl of clients.values()) cl.close();
  }
}
