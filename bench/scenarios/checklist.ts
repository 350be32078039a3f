// The checklist step toggle: an Action.Execute `checklist.setStatus` invoke (Teams-shaped, as a
// click on the channel card) timed from the POST until the HTTP invoke response returns. Every
// worker toggles steps of its OWN checklist (walks steps 1..10 to 'klaar', then 1..10 back to
// 'open', so every call is a real change), closed loop, warm-up excluded. Then, per level, a
// second phase (Cadans only) where each worker after every invoke also waits until the fake
// connector receives a PUT of its checklist's card showing the new state ("k van 10 klaar"): the
// coalesced update latency (not mixed into the invoke figures: waiting would thin out the load).
// Baselines: a bare teams-ai Application with an actionExecute handler (no database), and the same
// with pg doing one transaction per click (update the step, insert a log row).
import type { FakeConnector } from '../../test/support/fake-connector.js';
import { createTeamsWorld, newMessageId, postActivity, type TeamsActivity, type TeamsChannel, type TeamsUser } from '../../test/support/teams-activities.js';
import os from 'node:os';
import { KeepAliveClient, latencyOf, type Latency } from '../lib/load.js';
import { cpuSecondsOf, processTree } from '../lib/proc.js';
import { cpuSnapshot } from './help-roundtrip.js';

export interface ChecklistTarget {
  /** 'cadans', or a baseline's name. */
  name: string;
  baseUrl: string;
  /** The server's node process (Cadans' PostgreSQL counts in its tree). */
  pid: number;
  /** A database server outside the process tree that serves this target (the db baseline's PostgreSQL). */
  dbPid?: number;
}

/** One round of a level: invokes/s, latency, other load, and the monotonic window (µs) for profile summaries. */
export interface ChecklistRound {
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  otherLoad: number;
  monoUs: [number, number];
}

export interface ChecklistLevel {
  server: string;
  concurrency: number;
  rounds: number;
  durationS: number;
  /** Median over the rounds, invokes per second. */
  throughput: number;
  requests: number;
  errors: number;
  firstError?: string;
  /** POST → invoke response, all rounds pooled. */
  latencyMs: Latency;
  /** CPU ms per invoke in the measured windows: the node process, and with its children (PostgreSQL). */
  cpuMsPerInvoke: { server: number; tree: number; runner: number };
  /** Cores busy with anything else on the machine, worst round (above ~0.2 the level is suspect). */
  otherLoadMax: number;
  byRound: ChecklistRound[];
  /**
   * Cadans only, from a separate phase after the invoke levels with the same workers, where each
   * worker waits after every invoke until the fake connector got a PUT of its card showing the new
   * state: POST → that PUT (coalesced update latency), and that phase's invoke rate and p99.
   */
  updateLatencyMs?: Latency & { samples: number; timeouts: number; invokesPerS: number; invokeP99Ms: number; byRound: ChecklistRound[] };
}

export interface ChecklistResult {
  checklists: number;
  channels: number;
  setupS: number;
  warmupS: number;
  durationS: number;
  rounds: number;
  concurrency: number[];
  levels: ChecklistLevel[];
}

const STEPS = 10;
/** Keeps the fake connector's record list short (its waitFor scans the list). */
const MAX_RECORDS = 2000;

interface Checklist {
  id: number;
  activityId: string;
  channel: TeamsChannel;
  /** Toggles done so far (position and status of the next one follow from it). */
  n: number;
}

/** Toggle number n: steps 1..10 to klaar, then 1..10 to open; returns the done count after it. */
function toggle(n: number): { position: number; status: 'klaar' | 'open'; doneAfter: number } {
  const k = n % (2 * STEPS);
  return k < STEPS ? { position: k + 1, status: 'klaar', doneAfter: k + 1 } : { position: k - STEPS + 1, status: 'open', doneAfter: 2 * STEPS - k - 1 };
}

const text = (x: unknown) => JSON.stringify(x);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function runChecklist(
  targets: readonly ChecklistTarget[],
  connector: FakeConnector,
  o: {
    checklists: number;
    warmupS: number;
    durationS: number;
    rounds: number;
    concurrency: number[];
    /** First checklist id of the baselines (bench/lib/database.ts seeds FIRST_CHECKLIST_ID…). */
    baselineFirstId: number;
    /** Cadans' checklist ids by title, read from its database: when a posted card carries no numeric id. */
    lookupIds?: (titles: readonly string[]) => Promise<Map<string, number>>;
    /** Called before each round (a turn of every server), e.g. to wait for a quiet machine. */
    beforeRound?: () => Promise<void>;
  },
  say: (line: string) => void,
): Promise<ChecklistResult> {
  const t0 = performance.now();
  // Own tenant: the first person to write in it becomes beheerder (the help scenario's users live in another).
  const world = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '5a5a5a5a-1b1b-4c4c-8d8d-9e9e9e9e9e9e' });
  const owner: TeamsUser = world.user({ name: 'Bench Beheerder' });
  // One channel per checklist: Teams' send limits (7/s, 60/30 s) are per thread, and Cadans' outbox
  // honours them; with all cards in one channel that budget, not Cadans, would set the update latency.
  const channelNames = Array.from({ length: o.checklists }, (_, i) => `Checklist ${String(i + 1).padStart(3, '0')}`);
  const team = world.team({ name: 'Bench Team', channels: channelNames, members: [owner] });
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  const first = await postActivity(targets.find((t) => t.name === 'cadans')?.baseUrl ?? '', world.personalMessage(owner, 'hulp'));
  if (first.status !== 200) throw new Error(`first message: HTTP ${first.status}`);

  const cadans = targets.find((t) => t.name === 'cadans');
  const lists: Checklist[] = [];
  if (cadans) {
    const since = connector.mark();
    const started = await Promise.all(
      channelNames.map(async (name, i) => {
        const channel = team.channel(name);
        const title = `Bench checklist ${String(i + 1).padStart(3, '0')}`;
        const res = await postActivity(cadans.baseUrl, world.actionExecute(owner, channel, 'checklist.start', { v: 1, template: 'inspection', title, school: 'none', targetDate: '2027-03-09' }));
        if (res.status !== 200 || !text(res.body).includes('staat in het kanaal')) throw new Error(`checklist.start: HTTP ${res.status} ${text(res.body).slice(0, 300)}`);
        const posted = await connector.waitFor((r) => r.method === 'POST' && r.status < 300 && text(r.body).includes(title) && text(r.body).includes('checklist.step'), {
          since,
          timeoutMs: 120_000,
          description: `the card of ${title}`,
        });
        const m = /checklistId\\*"\s*:\s*\\*"?(\d+)/.exec(text(posted.body));
        return { id: m ? Number(m[1]) : NaN, title, activityId: String((posted.response as { id: string }).id), channel, n: 0 };
      }),
    );
    // Cards with opaque ids: the numeric id (still accepted in the checklist's own channel) from the database.
    const missing = started.filter((c) => Number.isNaN(c.id));
    if (missing.length > 0) {
      const ids = (await o.lookupIds?.(missing.map((c) => c.title))) ?? new Map<string, number>();
      for (const c of missing) {
        const id = ids.get(c.title);
        if (id === undefined) throw new Error(`no numeric checklistId in the posted card of ${c.title}, nor in the database`);
        c.id = id;
      }
    }
    lists.push(...started.map(({ title: _title, ...c }) => c));
    // The outbox must have stored the card's activity id before updates can go out: the first toggle
    // of each checklist (outside the figures) waits for its PUT.
    const client = new KeepAliveClient(cadans.baseUrl, 16);
    try {
      for (const c of lists) {
        const t = toggle(c.n++);
        const since2 = connector.mark();
        const put = connector.waitFor((r) => r.method === 'PUT' && r.activityId === c.activityId && r.status < 300 && text(r.body).includes(`${t.doneAfter} van ${STEPS} klaar`), { since: since2, timeoutMs: 30_000, description: `first update of checklist ${c.id}` });
        put.catch(() => undefined);
        const res = await client.post('/api/messages', text(world.actionExecute(owner, c.channel, 'checklist.setStatus', { v: 1, checklistId: c.id, position: t.position, status: t.status })));
        if (res.status !== 200 || !res.body.includes('Opgeslagen')) throw new Error(`setStatus: HTTP ${res.status} ${res.body.slice(0, 300)}`);
        await put;
      }
    } finally {
      client.close();
    }
  }
  const setupS = (performance.now() - t0) / 1000;
  say(`  setup: ${lists.length} checklists started, cards posted and updated once, in ${setupS.toFixed(1)} s`);

  const result: ChecklistResult = {
    checklists: o.checklists,
    channels: o.checklists,
    setupS,
    warmupS: o.warmupS,
    durationS: o.durationS,
    rounds: o.rounds,
    concurrency: o.concurrency,
    levels: [],
  };
  const maxC = Math.max(...o.concurrency);
  if (cadans && lists.length < maxC) throw new Error(`--checklists must be at least ${maxC}`);
  const reRegister = () => {
    if (connector.records.length <= MAX_RECORDS) return;
    connector.reset(); // waiters survive; the posted cards are forgotten, so make them known again (same tick)
    for (const c of lists) connector.registerActivity(c.channel.id, c.activityId);
  };
  // Baseline: any checklist id will do (it keeps no state); templates per worker.
  const fallbackChannels = channelNames.map((n) => team.channel(n));

  const clients = new Map(targets.map((t) => [t.name, new KeepAliveClient(t.baseUrl, maxC)]));
  try {
    for (const phase of ['invoke', 'update'] as const)
    for (const c of o.concurrency) {
      const acc = new Map<string, { tp: number[]; samples: number[]; updates: number[]; timeouts: number; errors: number; firstError?: string; cpu: { server: number; tree: number; runner: number }; rounds: ChecklistRound[] }>();
      const allPids = [...new Set(targets.flatMap((t) => [t.pid, ...(t.dbPid ? [t.dbPid] : [])]))];
      // The db baseline's PostgreSQL is a child of the Cadans process, not of the baseline: add its tree.
      const snapshot = (t: ChecklistTarget) => {
        const s = cpuSnapshot(t.pid, allPids);
        return t.dbPid ? { ...s, tree: cpuSecondsOf([...new Set([...processTree(t.pid), ...processTree(t.dbPid)])]) } : s;
      };
      for (let round = 0; round < o.rounds; round++) {
        await o.beforeRound?.();
        for (const target of targets.filter((t) => phase === 'invoke' || t.name === 'cadans')) {
          const client = clients.get(target.name) as KeepAliveClient;
          const isCadans = target.name === 'cadans';
          const a = acc.get(target.name) ?? { tp: [], samples: [], updates: [], timeouts: 0, errors: 0, cpu: { server: 0, tree: 0, runner: 0 }, rounds: [] };
          const tStart = performance.now();
          const windowStart = tStart + o.warmupS * 1000;
          const windowEnd = windowStart + o.durationS * 1000;
          let cpuStart = snapshot(target);
          let cpuEnd = cpuStart;
          let ended = false;
          const t0 = setTimeout(() => (cpuStart = snapshot(target)), o.warmupS * 1000);
          const t1 = setTimeout(() => {
            ended = true;
            cpuEnd = snapshot(target);
          }, (o.warmupS + o.durationS) * 1000);
          let counted = 0;
          let roundErrors = 0;
          const roundSamples: number[] = [];
          const worker = async (w: number) => {
            const list: Checklist = isCadans ? (lists[w] as Checklist) : { id: o.baselineFirstId + w, activityId: '', channel: fallbackChannels[w % fallbackChannels.length] as TeamsChannel, n: 0 };
            const base: TeamsActivity = world.actionExecute(owner, list.channel, 'checklist.setStatus', { v: 1, checklistId: list.id, position: 1, status: 'klaar' });
            while (performance.now() < windowEnd) {
              const t = toggle(list.n++);
              const sampled = isCadans && phase === 'update';
              const body = text({ ...base, id: newMessageId(), timestamp: new Date().toISOString(), value: { ...(base.value as object), action: { ...((base.value as { action: object }).action), data: { v: 1, checklistId: list.id, position: t.position, status: t.status } } } });
              let put: Promise<unknown> | null = null;
              if (sampled) {
                reRegister();
                put = connector.waitFor((r) => r.method === 'PUT' && r.activityId === list.activityId && r.status < 300 && text(r.body).includes(`${t.doneAfter} van ${STEPS} klaar`), { since: connector.mark(), timeoutMs: 30_000, description: `the update of checklist ${list.id}` });
                put.catch(() => undefined);
              }
              const start = performance.now();
              let failed: unknown = null;
              try {
                const res = await client.post('/api/messages', body);
                if (res.status !== 200 || !res.body.includes('Opgeslagen')) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
              } catch (err) {
                failed = err;
              }
              const end = performance.now();
              const inWindow = end >= windowStart && end <= windowEnd;
              if (inWindow) {
                if (failed) {
                  a.errors++;
                  roundErrors++;
                  a.firstError ??= failed instanceof Error ? failed.message : String(failed);
                } else {
                  a.samples.push(end - start);
                  roundSamples.push(end - start);
                  counted++;
                }
              }
              if (put && !failed) {
                try {
                  await put;
                  if (inWindow) a.updates.push(performance.now() - start);
                } catch {
                  if (inWindow) a.timeouts++;
                }
              }
            }
          };
          await Promise.all(Array.from({ length: c }, (_, w) => worker(w)));
          clearTimeout(t0);
          clearTimeout(t1);
          // The workers stop at the window's end; the timer may not have fired yet.
          if (!ended) cpuEnd = snapshot(target);
          const machineBusy = cpuEnd.machine.busy - cpuStart.machine.busy;
          const windowS = (cpuEnd.machine.total - cpuStart.machine.total) / os.cpus().length || o.durationS;
          const otherLoad = Math.max(0, (machineBusy - (cpuEnd.ours - cpuStart.ours)) / windowS);
          a.cpu.server += cpuEnd.server - cpuStart.server;
          a.cpu.tree += cpuEnd.tree - cpuStart.tree;
          a.cpu.runner += cpuEnd.runner - cpuStart.runner;
          const roundLatency = latencyOf(Float64Array.from(roundSamples));
          a.rounds.push({ throughput: counted / o.durationS, p50: roundLatency.p50, p99: roundLatency.p99, errors: roundErrors, otherLoad, monoUs: [cpuStart.monoUs, cpuEnd.monoUs] });
          a.tp.push(counted / o.durationS);
          acc.set(target.name, a);
          const perInvoke = (x: number) => ((x * 1000) / Math.max(1, counted)).toFixed(2);
          say(
            `  ${phase === 'update' ? 'update  ' : ''}${target.name.padEnd(8)} c=${String(c).padEnd(3)}${o.rounds > 1 ? ` round ${round + 1}/${o.rounds}` : ''} ${(counted / o.durationS).toFixed(0).padStart(6)} invokes/s  p99 ${roundLatency.p99.toFixed(1)} ms` +
              `  cpu ${perInvoke(cpuEnd.server - cpuStart.server)} ms/inv (with children ${perInvoke(cpuEnd.tree - cpuStart.tree)})  other load ${otherLoad.toFixed(2)} cores`,
          );
        }
      }
      if (phase === 'update') {
        const a = acc.get('cadans');
        const level = result.levels.find((l) => l.server === 'cadans' && l.concurrency === c);
        if (a && level) {
          level.updateLatencyMs = { ...latencyOf(Float64Array.from(a.updates)), samples: a.updates.length, timeouts: a.timeouts, invokesPerS: median(a.tp), invokeP99Ms: latencyOf(Float64Array.from(a.samples)).p99, byRound: a.rounds };
          say(`  update  cadans   c=${String(c).padEnd(3)} card update p50 ${level.updateLatencyMs.p50.toFixed(1)} ms  p99 ${level.updateLatencyMs.p99.toFixed(1)} ms (${a.updates.length} samples, ${a.timeouts} timeouts)`);
        }
        continue;
      }
      for (const target of targets) {
        const a = acc.get(target.name);
        if (!a) continue;
        const tp = [...a.tp].sort((x, y) => x - y);
        const mid = Math.floor(tp.length / 2);
        const level: ChecklistLevel = {
          server: target.name,
          concurrency: c,
          rounds: o.rounds,
          durationS: o.durationS,
          throughput: tp.length % 2 ? (tp[mid] as number) : ((tp[mid - 1] as number) + (tp[mid] as number)) / 2,
          requests: a.samples.length,
          errors: a.errors,
          ...(a.firstError !== undefined ? { firstError: a.firstError } : {}),
          latencyMs: latencyOf(Float64Array.from(a.samples)),
          cpuMsPerInvoke: {
            server: (a.cpu.server * 1000) / Math.max(1, a.samples.length),
            tree: (a.cpu.tree * 1000) / Math.max(1, a.samples.length),
            runner: (a.cpu.runner * 1000) / Math.max(1, a.samples.length),
          },
          otherLoadMax: Math.max(0, ...a.rounds.map((r) => r.otherLoad)),
          byRound: a.rounds,
        };
        result.levels.push(level);
        say(
          `  ${target.name.padEnd(8)} c=${String(c).padEnd(3)} invoke p50 ${level.latencyMs.p50.toFixed(2)} ms  p99 ${level.latencyMs.p99.toFixed(2)} ms${level.errors ? `  ${level.errors} errors (${level.firstError})` : ''}`,
        );
      }
    }
    return result;
  } finally {
    for (const cl of clients.values()) cl.close();
  }
}
