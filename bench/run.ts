// The benchmark runner: `npm run bench` (see docs/benchmarks.md and `npm run bench -- --help`).
//
// Topology on a 2-core machine: this process hosts the load generator (keep-alive node:http
// client) and the fake Teams connector; every server under test runs in its own child process
// (Cadans as the real process, `node dist/main.js` as in production, with its embedded PostgreSQL;
// the baselines compiled the same way; or all of them under tsx with --runtime=tsx), so the
// server's event loop is not shared with the client.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeConnector, type FakeConnector } from '../test/support/fake-connector.js';
import { createTeamsWorld } from '../test/support/teams-activities.js';
import { parseOptions, USAGE, type BenchOptions, type ServerName } from './lib/options.js';
import { buildForBench, entryArgs, type Runtime } from './lib/build.js';
import { liveChildren, memoryOf, spawnNode, stopChild, waitForQuiet, type Child, type Memory } from './lib/proc.js';
import { ms, ratio, seconds, table, verdict } from './lib/report.js';
import {
  createDataDir,
  listeningAfter,
  measureStartup,
  removeDataDir,
  stopCadansProcess,
  type CadansProcess,
  median,
  type StartupResult,
  type StopReport,
} from './scenarios/cadans-process.js';
import { runChecklist, type ChecklistResult, type ChecklistTarget } from './scenarios/checklist.js';
import { runFirstMessage, type FirstMessageResult } from './scenarios/first-message.js';
import { runHelpRoundTrip, type HelpResult, type LevelResult, type Target } from './scenarios/help-roundtrip.js';
import { baselineRowCounts, cadansChecklistIds, CADANS_POOL_SIZE, FIRST_CHECKLIST_ID, locateEmbeddedServer, prepareBaselineDatabase, type EmbeddedServer } from './lib/database.js';
import { targetsTable, type TargetResult } from './lib/ratios.js';
import { BASELINES, buildTargets, LIMITS, markdownReport } from './lib/summary.js';
import { SURVEY_SCENARIOS } from './lib/options.js';
import { fanoutTargets, SURVEY_LIMITS, surveyMarkdown, surveyRatioTargets, surveyTables, type SurveyFigures } from './lib/survey-summary.js';
import { runSurveyScenarios } from './scenarios/surveys.js';
import type { SurveyInfra } from './scenarios/survey-setup.js';
import { meetingTickMarkdown, runMeetingTick, type MeetingTickResult } from './scenarios/meeting-tick.js';

/** Scenarios that start no Cadans process of their own (no build needed, no issue-7 report). */
const IN_PROCESS_SCENARIOS: readonly string[] = ['meeting-tick'];

/**
 * The fake connector without Teams' limits: per thread off, and the per-tenant ceiling infinite
 * (`Infinity` turns it off whether the fake's default for it is off or 50/s).
 */
const NO_RATE_LIMITS = { enforceRateLimits: false, tenantLimitPerSecond: Number.POSITIVE_INFINITY } as const;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute limits kept from earlier sessions (start time and memory; every throughput and latency target is a ratio: lib/summary.ts). */
const LIMITS_ABSOLUTE = {
  secondStartMs: 5000,
  rssMb: 250,
};

/** A round counts as quiet when less than this many cores were busy with other work. */
const QUIET_CORES = 0.2;

interface Summary {
  /** Cadans throughput / teams-ai echo throughput, per concurrency. */
  throughputRatio: Record<string, number>;
  /** The same, from the quiet rounds only (median msg/s of rounds with other load < QUIET_CORES); absent when a server had none. */
  quietThroughputRatio: Record<string, number>;
  /** Cadans p99 / teams-ai echo p99, per concurrency. */
  p99Ratio: Record<string, number>;
  /** teams-ai echo / bare restify throughput (how much the bot framework itself costs). */
  echoVsRestify: Record<string, number>;
  cadansP99At64Ms: number | null;
  /** Start time and memory (absolute limits). */
  limits: Record<string, { target: string; value: number | null; met: boolean | null }>;
  /** Issue 7's targets: ratios to a baseline of the same run, median over the rounds. */
  targets: TargetResult[];
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The commit and the uncommitted changes the figures belong to. */
function gitState(): { commit: string | null; changed: string[] } {
  const run = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = run(['rev-parse', '--short', 'HEAD']);
  const status = run(['status', '--porcelain', '--', 'src', 'package.json', 'adaptive-cards']);
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    changed: status.status === 0 ? status.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : [],
  };
}

function loadavg(): number[] {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

const PROFILE_DIR = path.join(ROOT, 'bench/results/profiles');
const RUN_ID = new Date().toISOString().replace(/[:.]/g, '-');

async function startBaseline(name: string, script: string, profile: boolean, runtime: Runtime, env: Record<string, string> = {}): Promise<{ child: Child; url: string }> {
  const args = entryArgs(runtime, script);
  if (profile) {
    // One directory per process: node writes CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile for the
    // main thread (thread 0) and for tsx's loader thread.
    const dir = path.join(PROFILE_DIR, `${path.basename(script, '.ts')}-${RUN_ID}`);
    mkdirSync(dir, { recursive: true });
    args.unshift('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const child = spawnNode(name, args, { cwd: ROOT, env: { ...process.env, ...env } });
  const m = await child.waitForLine(/^READY (\S+)/, 60_000);
  return { child, url: m[1] as string };
}

function summarise(help: HelpResult | null, startup: StartupResult | null, cadansMemory: Memory | null, first: FirstMessageResult | null, checklist: ChecklistResult | null): Summary {
  const by = (server: ServerName, c: number) => help?.levels.find((l) => l.server === server && l.concurrency === c);
  const throughputRatio: Record<string, number> = {};
  const quietThroughputRatio: Record<string, number> = {};
  const quiet = (l: LevelResult | undefined) => {
    const xs = (l?.byRound ?? []).filter((r) => r.foreignCores < QUIET_CORES).map((r) => r.throughput);
    return xs.length ? median(xs) : null;
  };
  const p99Ratio: Record<string, number> = {};
  const echoVsRestify: Record<string, number> = {};
  for (const c of help?.concurrency ?? []) {
    const cad = by('cadans', c);
    const echo = by('teams-ai', c);
    const bare = by('restify', c);
    if (cad && echo) {
      throughputRatio[c] = cad.throughput / echo.throughput;
      const qc = quiet(cad);
      const qe = quiet(echo);
      if (qc !== null && qe !== null) quietThroughputRatio[c] = qc / qe;
      p99Ratio[c] = cad.latencyMs.p99 / echo.latencyMs.p99;
    }
    if (echo && bare) echoVsRestify[c] = echo.throughput / bare.throughput;
  }
  const at64 = by('cadans', 64);
  return {
    throughputRatio,
    quietThroughputRatio,
    p99Ratio,
    echoVsRestify,
    cadansP99At64Ms: at64?.latencyMs.p99 ?? null,
    limits: {
      secondStart: {
        target: `start-to-ready once the database exists < ${LIMITS_ABSOLUTE.secondStartMs / 1000} s (median, ms)`,
        value: startup?.secondStartMedianMs ?? null,
        met: startup ? startup.secondStartMedianMs < LIMITS_ABSOLUTE.secondStartMs : null,
      },
      rss: {
        target: `RSS of the Cadans process after the load phase < ${LIMITS_ABSOLUTE.rssMb} MB`,
        value: cadansMemory?.rssMb ?? null,
        met: cadansMemory ? cadansMemory.rssMb < LIMITS_ABSOLUTE.rssMb : null,
      },
    },
    targets: buildTargets(help, first, checklist),
  };
}

function printReport(o: BenchOptions, help: HelpResult | null, startup: StartupResult | null, memoryBefore: Record<string, Memory | null>, s: Summary): void {
  say('');
  if (help) {
    say(`Help round trip: POST personal "help" → reply at the fake connector; ${help.users} users; per level ${help.rounds} round(s) of ${help.warmupS} s warm-up + ${help.durationS} s, servers taking turns`);
    const rows = help.levels.map((l) => [
      l.server,
      l.concurrency,
      l.throughput.toFixed(0),
      ms(l.latencyMs.p50, 2),
      ms(l.latencyMs.p99, 2),
      ms(l.latencyMs.max, 1),
      l.errors,
      ms(l.cpu.serverMsPerMsg, 3),
      ms(l.cpu.treeMsPerMsg, 3),
      ms(l.cpu.runnerMsPerMsg, 3),
      l.atEnd.rssMb === null ? '–' : l.atEnd.rssMb.toFixed(0),
      l.cpu.foreignCoresMax.toFixed(2),
    ]);
    say(table(['server', 'conc', 'msg/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'node cpu ms/msg', '+pg cpu ms/msg', 'runner cpu ms/msg', 'rss MB', 'other load'], rows));
    say('(msg/s: median of the rounds; latencies: all rounds pooled; cpu: per message; other load: cores busy with anything\n else on the machine, worst round — above ~0.2 that level is suspect)');
    say('');
    const ratioRows = help.concurrency.map((c) => [
      c,
      ratio(s.throughputRatio[c]),
      ratio(s.quietThroughputRatio[c]),
      ratio(s.p99Ratio[c]),
      ratio(s.echoVsRestify[c]),
    ]);
    say(table(['conc', 'Cadans/teams-ai msg/s', '(quiet rounds only)', 'Cadans/teams-ai p99', 'teams-ai/restify msg/s'], ratioRows));
    say('(ratios of the pooled figures; the targets below use the median of the per-round ratios)');
    say('');
  }
  if (startup) {
    say(`Start-to-ready (spawn \`node ${entryArgs(o.runtime, 'src/main.ts').join(' ')}\` → GET /readyz 200):`);
    say(`  first start (database created): ${seconds(startup.firstStartMs)}`);
    say(`  second start (database exists): median ${seconds(startup.secondStartMedianMs)} of ${startup.secondStartsMs.map((x) => seconds(x)).join(', ')}`);
    const listening = startup.listeningMs.map((x) => (x === null ? '–' : seconds(x)));
    if (listening.length > 0) say(`  of which spawn → 'Cadans is listening' logged: ${listening.join(', ')} (first start first)`);
    if (startup.importProbe) {
      const p = startup.importProbe;
      say(`  module loading alone (separate process, median of ${p.runs}): ${o.runtime === 'tsx' ? 'node + tsx' : 'node'} ${seconds(p.bootMs)}, importing ${o.runtime === 'tsx' ? 'src/cadans.ts' : 'dist/cadans.js'} ${seconds(p.importMs)}`);
    }
    const stopTimes = startup.stops.map((x) => seconds(x.stopMs)).join(', ');
    say(`  stops (SIGINT → exit): ${stopTimes || '–'}; PostgreSQL orphans found: ${startup.orphansFound}`);
    say('');
  }
  if (help) {
    say(`Resident memory of each server process (VmRSS; peak = VmHWM), MB; "after load" is read ${help.settleS} s after the last level:`);
    const mb = (m: Memory | null | undefined, k: keyof Memory) => (m ? m[k].toFixed(0) : '–');
    const range = (name: string) => {
      const xs = help.levels.filter((l) => l.server === name).flatMap((l) => l.byRound.map((r) => r.rssMb)).filter((x): x is number => x !== null);
      return xs.length ? `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}` : '–';
    };
    say(table(['server', 'before load', 'end of each round', 'after load', 'peak'], Object.keys(help.memoryAfter).map((name) => [name, mb(memoryBefore[name], 'rssMb'), range(name), mb(help.memoryAfter[name], 'rssMb'), mb(help.memoryAfter[name], 'peakRssMb')])));
    say('');
  }
  say('Absolute limits (start time, memory):');
  for (const t of Object.values(s.limits)) {
    const v = t.value === null ? '–' : t.value.toFixed(t.value < 10 ? 2 : 0);
    say(`  ${verdict(t.met).padEnd(12)} ${t.target} (measured: ${v})`);
  }
  if (o.profile) say(`\n(--profile: the servers ran with --cpu-prof, so their figures are slower than normal; profiles in ${path.relative(process.cwd(), PROFILE_DIR)}/, summarise with \`npx tsx bench/profile-summary.ts <dir>/CPU.*.0.*.cpuprofile --results=<this run's JSON> --server=<name>\`.)`);
}

function printChecklist(r: ChecklistResult): void {
  say('');
  say(`Checklist step toggle: Action.Execute checklist.setStatus POST → invoke response; ${r.checklists} checklists (one per channel), each worker on its own; per level ${r.rounds} round(s) of ${r.warmupS} s warm-up + ${r.durationS} s`);
  say(`Baselines: ${BASELINES.withDb}: bare teams-ai actionExecute handler with pg (one transaction: update the step, insert a log row; pool of ${CADANS_POOL_SIZE} over Cadans' Unix socket); ${BASELINES.bare}: the same without a database. Card update: separate phase, each worker waits after every invoke for the PUT of its card showing the new state.`);
  const by = (s: string, c: number) => r.levels.find((l) => l.server === s && l.concurrency === c);
  const rows = r.levels.map((l) => {
    const u = l.updateLatencyMs;
    return [
      l.server,
      l.concurrency,
      l.throughput.toFixed(0),
      ms(l.latencyMs.p50, 2),
      ms(l.latencyMs.p99, 2),
      l.errors,
      l.cpuMsPerInvoke.server.toFixed(2),
      l.cpuMsPerInvoke.tree.toFixed(2),
      l.cpuMsPerInvoke.runner.toFixed(2),
      l.otherLoadMax.toFixed(2),
      u ? `${ms(u.p50, 1)} / ${ms(u.p99, 1)} (n=${u.samples}${u.timeouts ? `, ${u.timeouts} timeouts` : ''}; ${u.invokesPerS.toFixed(0)} inv/s)` : '–',
    ];
  });
  say(table(['server', 'conc', 'inv/s', 'p50 ms', 'p99 ms', 'errors', 'cpu node', '+ db', 'runner', 'other load', 'card update p50 / p99 ms'], rows));
  say('(inv/s: median of the rounds; latencies: all rounds pooled; cpu: ms per invoke; + db: with its PostgreSQL)');
  for (const c of r.concurrency) {
    const cad = by('cadans', c);
    const bare = by(BASELINES.bare, c);
    if (cad && bare) say(`  c=${c}: Cadans / ${BASELINES.bare} (no database) ${ratio(cad.throughput / bare.throughput)} throughput, ${ratio(cad.latencyMs.p99 / bare.latencyMs.p99)} p99`);
  }
}

function printFirstMessage(r: FirstMessageResult): void {
  say('');
  say(`First message: personal "help" from a new person in a new conversation (every request) → the reply at the fake connector; per level ${r.rounds} round(s) of ${r.warmupS} s warm-up + ${r.durationS} s`);
  say(`Baseline ${BASELINES.withDb}: bare teams-ai bot upserting the person and the conversation reference in one transaction (pg, pool of ${CADANS_POOL_SIZE} over Cadans' Unix socket), answering with a small card.`);
  say(
    table(
      ['server', 'conc', 'msg/s', 'p50 ms', 'p99 ms', 'errors', 'cpu node', '+ db', 'runner', 'other load'],
      r.levels.map((l) => [l.server, l.concurrency, l.throughput.toFixed(0), ms(l.latencyMs.p50, 2), ms(l.latencyMs.p99, 2), l.errors, l.cpuMsPerMsg.server.toFixed(2), l.cpuMsPerMsg.withDatabase.toFixed(2), l.cpuMsPerMsg.runner.toFixed(2), l.otherLoadMax.toFixed(2)]),
    ),
  );
  say(`  new people sent (warm-up included): ${Object.entries(r.peopleSent).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

async function main(): Promise<void> {
  let o: BenchOptions | 'help';
  try {
    o = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (o === 'help') {
    say(USAGE);
    return;
  }
  const opts = o;
  const startedAt = new Date();
  const t0 = performance.now();
  const loadStart = loadavg();
  say(`Cadans benchmarks — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${loadStart.join(' ')}`);
  const git = gitState();
  say(`  code: commit ${git.commit ?? '?'}${git.changed.length ? ` + ${git.changed.length} uncommitted change(s) under src/` : ''}`);
  if ((loadStart[0] ?? 0) > 0.5) say(`  note: the machine is busy (1-minute load ${loadStart[0]}): figures will be lower and noisier than on a quiet machine`);
  say(`  scenarios: ${opts.scenarios.join(', ')}; servers: ${opts.servers.join(', ')}; concurrency ${opts.concurrency.join(', ')}; ${opts.rounds} round(s) of ${opts.warmupS} s warm-up + ${opts.durationS} s per level${opts.quick ? ' (quick)' : ''}`);

  const onlyInProcess = opts.scenarios.every((x) => IN_PROCESS_SCENARIOS.includes(x));
  if (onlyInProcess) {
    say('  runtime: this process (tsx): meeting-tick runs Cadans in the runner itself');
  } else if (opts.runtime === 'dist') {
    const ms = buildForBench(ROOT);
    say(`  runtime: compiled JavaScript for every server (Cadans: node ${entryArgs('dist', 'src/main.ts', ROOT).join(' ')}, production's \`npm run serve\`; baselines transpiled to bench/.build/), built in ${(ms / 1000).toFixed(1)} s`);
  } else {
    say('  runtime: every server under node --import tsx');
  }

  // Before each round: wait (up to --wait-quiet seconds) for a lull on the shared machine.
  const quietness = { rounds: 0, waitedS: 0, notQuiet: 0 };
  const beforeRound = async () => {
    const q = await waitForQuiet(opts.waitQuietS);
    quietness.rounds++;
    quietness.waitedS += q.waitedS;
    if (!q.quiet) quietness.notQuiet++;
  };

  const wantHelp = opts.scenarios.includes('help');
  const wantChecklist = opts.scenarios.includes('checklist');
  const wantFirst = opts.scenarios.includes('first-message');
  const wantCadans = opts.scenarios.includes('startup') || (wantHelp && opts.servers.includes('cadans')) || wantChecklist || wantFirst;
  let connector: FakeConnector | null = null;
  let dataDir: string | null = null;
  let cadans: CadansProcess | null = null;
  const baselines: Array<{ name: ServerName; child: Child; url: string }> = [];
  let startup: StartupResult | null = null;
  let help: HelpResult | null = null;
  let checklist: ChecklistResult | null = null;
  let first: FirstMessageResult | null = null;
  let pgServer: EmbeddedServer | null = null;
  let baselineDbUrl: string | null = null;
  let baselineRows: Awaited<ReturnType<typeof baselineRowCounts>> | null = null;
  let cadansMemory: Memory | null = null;
  let finalStop: StopReport | null = null;
  let surveys: SurveyFigures | null = null;
  let surveyInfra: SurveyInfra | null = null;
  let meetingTick: MeetingTickResult | null = null;
  const memoryBefore: Record<string, Memory | null> = {};
  let spawnedAt: number[] = [];

  const cleanup = async () => {
    if (cadans && dataDir) finalStop = await stopCadansProcess(cadans.child, dataDir);
    cadans = null;
    if (startup && dataDir) {
      const dir = dataDir;
      startup.listeningMs = spawnedAt.map((t) => listeningAfter(dir, t));
    }
    for (const c of liveChildren()) await stopChild(c, 'SIGINT', 10_000);
    if (surveyInfra) await (surveyInfra as SurveyInfra).close().catch(() => undefined);
    surveyInfra = null;
    if (dataDir) removeDataDir(dataDir);
    dataDir = null;
    await connector?.close();
    connector = null;
  };
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) return;
    interrupted = true;
    say('\ninterrupted: stopping the servers…');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    // Teams' rate limits off, explicitly (the fake enforces them by default): the load is far above
    // what one bot may send per tenant; Cadans' outbox honours the limits for card updates on its own.
    connector = await startFakeConnector(NO_RATE_LIMITS);
    const world = createTeamsWorld({ serviceUrl: connector.serviceUrl });

    if (wantCadans) {
      say('\nCadans start-to-ready:');
      dataDir = createDataDir();
      const measured = await measureStartup(
        {
          rootDir: ROOT,
          dataDir,
          ...(opts.cadansLogLevel ? { logLevel: opts.cadansLogLevel } : {}),
          nodeFlags: opts.cadansNodeFlags,
          runtime: opts.runtime,
          starts: opts.scenarios.includes('startup') ? opts.starts : 1,
          importProbeRuns: opts.scenarios.includes('startup') && !opts.quick ? 3 : 0,
          keepLast: (wantHelp && opts.servers.includes('cadans')) || wantChecklist || wantFirst,
          ...(opts.profile ? { cpuProfDirForLast: path.join(PROFILE_DIR, `cadans-${RUN_ID}`) } : {}),
        },
        say,
      );
      cadans = measured.running;
      spawnedAt = measured.spawnedAt;
      if (opts.scenarios.includes('startup')) startup = measured.result;
    }

    if (wantHelp) {
      const started = await Promise.all(
        opts.servers
          .filter((name) => name !== 'cadans')
          .map(async (name) => {
            const script = name === 'teams-ai' ? 'bench/baselines/teams-ai-echo.ts' : 'bench/baselines/bare-restify.ts';
            return { name, ...(await startBaseline(name, script, opts.profile, opts.runtime)) };
          }),
      );
      baselines.push(...started);
      const targets: Target[] = [];
      for (const name of opts.servers) {
        if (name === 'cadans') {
          if (!cadans) throw new Error('Cadans is not running');
          targets.push({ name, baseUrl: cadans.url, pid: cadans.child.pid, viaConnector: true });
        } else {
          const b = started.find((x) => x.name === name) as (typeof started)[number];
          targets.push({ name, baseUrl: b.url, pid: b.child.pid, viaConnector: name !== 'restify' });
        }
      }
      for (const t of targets) memoryBefore[t.name] = memoryOf(t.pid);
      say('\nHelp round trip:');
      help = await runHelpRoundTrip(targets, connector, world, { ...opts, settleS: opts.quick ? 1 : 5, beforeRound }, say);
      cadansMemory = help.memoryAfter.cadans ?? null;
    }

    if ((wantChecklist || wantFirst) && cadans && dataDir) {
      // The database-backed baselines use Cadans' own PostgreSQL server, in a database of their own.
      pgServer = await locateEmbeddedServer(dataDir);
      baselineDbUrl = await prepareBaselineDatabase(pgServer, opts.checklists);
      say(`\nBaselines' database: ${pgServer.socketDir ? `Unix socket ${pgServer.socketDir}` : 'TCP 127.0.0.1'}, port ${pgServer.port}, database bench_baseline (pool of ${CADANS_POOL_SIZE}, as Cadans' main pool)`);
    }
    const dbEnv = (): Record<string, string> => ({ BENCH_DATABASE_URL: baselineDbUrl as string, BENCH_POOL_SIZE: String(CADANS_POOL_SIZE) });

    if (wantFirst) {
      if (!cadans || !pgServer) throw new Error('Cadans is not running');
      const base = await startBaseline(BASELINES.withDb, 'bench/baselines/teams-ai-first-message.ts', opts.profile, opts.runtime, dbEnv());
      say('\nFirst message (a new person every request):');
      first = await runFirstMessage(
        [
          { name: 'cadans', baseUrl: (cadans as CadansProcess).url, pid: (cadans as CadansProcess).child.pid },
          { name: BASELINES.withDb, baseUrl: base.url, pid: base.child.pid, dbPid: (pgServer as EmbeddedServer).pid },
        ],
        connector,
        { warmupS: opts.warmupS, durationS: opts.durationS, rounds: opts.rounds, concurrency: opts.firstMessageConcurrency, beforeRound },
        say,
      );
      await stopChild(base.child, 'SIGINT', 10_000);
    }

    if (wantChecklist) {
      if (!cadans || !pgServer) throw new Error('Cadans is not running');
      const server = pgServer as EmbeddedServer;
      const [bare, withDb] = await Promise.all([
        startBaseline(BASELINES.bare, 'bench/baselines/teams-ai-checklist.ts', opts.profile, opts.runtime),
        startBaseline(BASELINES.withDb, 'bench/baselines/teams-ai-db-click.ts', opts.profile, opts.runtime, dbEnv()),
      ]);
      say('\nChecklist step toggle (Action.Execute checklist.setStatus):');
      const targets: ChecklistTarget[] = [
        { name: 'cadans', baseUrl: (cadans as CadansProcess).url, pid: (cadans as CadansProcess).child.pid },
        { name: BASELINES.withDb, baseUrl: withDb.url, pid: withDb.child.pid, dbPid: server.pid },
        { name: BASELINES.bare, baseUrl: bare.url, pid: bare.child.pid },
      ];
      checklist = await runChecklist(
        targets,
        connector,
        {
          checklists: opts.checklists,
          warmupS: opts.warmupS,
          durationS: opts.durationS,
          rounds: opts.rounds,
          concurrency: opts.checklistConcurrency,
          baselineFirstId: FIRST_CHECKLIST_ID,
          lookupIds: (titles) => cadansChecklistIds(server, titles),
          beforeRound,
        },
        say,
      );
      await Promise.all([stopChild(bare.child, 'SIGINT', 10_000), stopChild(withDb.child, 'SIGINT', 10_000)]);
    }
    if (baselineDbUrl) baselineRows = await baselineRowCounts(baselineDbUrl);

    if (opts.scenarios.some((x) => SURVEY_SCENARIOS.includes(x))) {
      surveys = await runSurveyScenarios(opts, {
        rootDir: ROOT,
        beforeRound,
        say,
        startChild: (name, script, env) => startBaseline(name, script, opts.profile, opts.runtime, env),
        onInfra: (infra) => (surveyInfra = infra),
      });
    }
    if (opts.scenarios.includes('meeting-tick')) {
      say(`  meeting-tick: sizes ${opts.tickSizes.join(', ')} meetings, ${opts.tickRuns} ticks each`);
      meetingTick = await runMeetingTick({ sizes: opts.tickSizes, runs: opts.tickRuns }, say);
    }
  } finally {
    if (!interrupted) await cleanup();
  }
  if (finalStop && startup) {
    const s: StartupResult = startup;
    s.stops.push(finalStop);
    s.orphansFound += (finalStop as StopReport).orphans.length;
  }

  const summary = summarise(help, startup, cadansMemory, first, checklist);
  // (A run of the survey benchmarks alone has none of the tables and limits printReport prints.)
  if (opts.scenarios.some((x) => !SURVEY_SCENARIOS.includes(x) && !IN_PROCESS_SCENARIOS.includes(x))) printReport(opts, help, startup, memoryBefore, summary);
  if (first) printFirstMessage(first as FirstMessageResult);
  if (checklist) printChecklist(checklist as ChecklistResult);
  if (baselineRows) {
    const b = baselineRows as NonNullable<typeof baselineRows>;
    say(`  rows the database baselines wrote: ${b.stepLog} step log rows, ${b.people} people, ${b.conversationRefs} conversation references`);
  }
  const surveyRatio = surveys ? surveyRatioTargets(surveys) : [];
  const surveyFanout = surveys ? fanoutTargets((surveys as SurveyFigures).fanout) : [];
  if (surveys) {
    say('');
    say(surveyTables(surveys, surveyRatio, surveyFanout));
    const all = [...surveyRatio.map((t) => t.met), ...surveyFanout.map((t) => t.met)];
    say(`  ${all.filter((m) => m === true).length} of ${all.length} survey targets met${opts.rounds < 5 ? ` (only ${opts.rounds} round(s): not enough to quote)` : ''}`);
  }
  if (meetingTick) {
    say('');
    say(meetingTickMarkdown(meetingTick));
  }
  const loadEnd = loadavg();
  const totalS = (performance.now() - t0) / 1000;
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  if (summary.targets.length > 0) {
    say('');
    say(`Targets (ratio = Cadans / baseline in the same round; verdict on the median of ${opts.rounds} round(s); spread = min–max of the rounds):`);
    say(targetsTable(summary.targets));
    const missed = summary.targets.filter((t) => t.met === false).length;
    say(`  ${summary.targets.length - missed} of ${summary.targets.length} met${opts.rounds < 5 ? ` (only ${opts.rounds} round(s): not enough to quote; the full run uses 5)` : ''}`);
  }
  if (opts.waitQuietS > 0 && quietness.rounds > 0) say(`\nWaiting for a quiet machine (< 0.3 busy cores, up to ${opts.waitQuietS} s before each round): ${quietness.waitedS.toFixed(0)} s in all; ${quietness.notQuiet} of ${quietness.rounds} rounds started without a lull.`);
  say(`\nDone in ${totalS.toFixed(1)} s; load average ${loadStart.join(' ')} at the start, ${loadEnd.join(' ')} at the end.`);

  const jsonFile = opts.jsonDir ? path.join(ROOT, opts.jsonDir, `${RUN_ID}.json`) : null;
  const markdown = markdownReport({
    startedAt,
    commit: git.commit,
    uncommitted: git.changed.length,
    command,
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`,
    loadStart,
    loadEnd,
    rounds: opts.rounds,
    warmupS: opts.warmupS,
    durationS: opts.durationS,
    resultsFile: jsonFile ? path.relative(ROOT, jsonFile) : null,
    quietness: opts.waitQuietS > 0 ? `Each round waited up to ${opts.waitQuietS} s for a lull (< 0.3 busy cores): ${quietness.waitedS.toFixed(0)} s in all, ${quietness.notQuiet} of ${quietness.rounds} rounds started without one.` : '',
    help,
    first,
    checklist,
    startup,
    cadansMemory,
    targets: summary.targets,
    limits: Object.values(summary.limits),
    ...(surveys ? { extra: surveyMarkdown(surveys, surveyRatio, surveyFanout) } : {}),
  });
  // A run of in-process scenarios alone (meeting-tick) has none of issue 7's figures: its own block above.
  if (!onlyInProcess) {
    say('\n----- markdown for docs/benchmarks.md ("Current figures") -----');
    say(markdown);
    say('----- end of markdown -----');
  }

  if (opts.jsonDir && jsonFile) {
    const dir = path.join(ROOT, opts.jsonDir);
    mkdirSync(dir, { recursive: true });
    const file = jsonFile;
    writeFileSync(file.replace(/\.json$/, '.md'), `${onlyInProcess && meetingTick ? meetingTickMarkdown(meetingTick) : markdown}\n`);
    const json = {
      startedAt: startedAt.toISOString(),
      durationS: totalS,
      command,
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memoryMb: Math.round(os.totalmem() / 2 ** 20),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadavgStart: loadStart,
        loadavgEnd: loadEnd,
      },
      git,
      topology: 'load generator + fake connector in the runner process; each server in its own child process',
      options: opts,
      limits: { ...LIMITS, ...LIMITS_ABSOLUTE, surveys: SURVEY_LIMITS },
      summary,
      targetsMarkdown: markdown,
      startup,
      help,
      firstMessage: first,
      checklist,
      surveys: surveys ? { ...(surveys as SurveyFigures), targets: surveyRatio, fanoutTargets: surveyFanout } : null,
      baselineRows,
      meetingTick,
      quietness,
      memory: { before: memoryBefore, after: help?.memoryAfter ?? {}, cadansAfterLoad: cadansMemory },
    };
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    say(`Results: ${path.relative(process.cwd(), file)} (and the markdown block in ${path.relative(process.cwd(), file.replace(/\.json$/, '.md'))})`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
