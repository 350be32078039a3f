// The targets of issue 7 (every one a ratio to a baseline of the same run) and the markdown block
// the runner prints for docs/benchmarks.md ("Current figures"), so a re-run is pasted, not retyped.
import type { ChecklistLevel, ChecklistResult } from '../scenarios/checklist.js';
import type { FirstMessageLevel, FirstMessageResult } from '../scenarios/first-message.js';
import type { HelpResult, LevelResult } from '../scenarios/help-roundtrip.js';
import type { StartupResult } from '../scenarios/cadans-process.js';
import type { Memory } from './proc.js';
import { target, targetsMarkdown, perRoundRatios, type LevelFigures, type RatioStat, type TargetResult } from './ratios.js';

/** Baseline names as the runner starts them. */
export const BASELINES = {
  /** help: bench/baselines/teams-ai-echo.ts; checklist: bench/baselines/teams-ai-checklist.ts (no database). */
  bare: 'teams-ai',
  /** checklist: bench/baselines/teams-ai-db-click.ts; first message: bench/baselines/teams-ai-first-message.ts. */
  withDb: 'teams-ai+pg',
} as const;

export const LIMITS = {
  clickThroughput: 0.7,
  clickP99: 1.5,
  firstMessageThroughput: 0.7,
  helpThroughput: 0.95,
  helpP99: 1.25,
};

type AnyLevel = LevelResult | FirstMessageLevel | ChecklistLevel;

export function figures(l: AnyLevel | undefined): LevelFigures | undefined {
  if (!l) return undefined;
  return {
    throughput: l.throughput,
    p50: l.latencyMs.p50,
    p99: l.latencyMs.p99,
    errors: l.errors,
    rounds: l.byRound.map((r) => ({ throughput: r.throughput, p99: r.p99, otherLoad: 'foreignCores' in r ? r.foreignCores : r.otherLoad })),
  };
}

export function buildTargets(help: HelpResult | null, first: FirstMessageResult | null, checklist: ChecklistResult | null): TargetResult[] {
  const out: TargetResult[] = [];
  if (checklist) {
    const by = (s: string, c: number) => figures(checklist.levels.find((l) => l.server === s && l.concurrency === c));
    for (const c of [...checklist.concurrency].sort((a, b) => b - a)) {
      const common = { scenario: 'checklist', what: 'checklist click', baseline: 'teams-ai + pg click', concurrency: c };
      out.push(target({ ...common, id: `click-throughput-${c}`, metric: 'throughput', limit: LIMITS.clickThroughput }, by('cadans', c), by(BASELINES.withDb, c)));
      out.push(target({ ...common, id: `click-p99-${c}`, metric: 'p99', limit: LIMITS.clickP99 }, by('cadans', c), by(BASELINES.withDb, c)));
    }
  }
  if (first) {
    const by = (s: string, c: number) => figures(first.levels.find((l) => l.server === s && l.concurrency === c));
    for (const c of first.concurrency) {
      out.push(
        target(
          { id: `first-message-throughput-${c}`, scenario: 'first-message', what: 'first message', baseline: 'teams-ai + pg upsert', metric: 'throughput', concurrency: c, limit: LIMITS.firstMessageThroughput },
          by('cadans', c),
          by(BASELINES.withDb, c),
        ),
      );
    }
  }
  if (help) {
    const by = (s: string, c: number) => figures(help.levels.find((l) => l.server === s && l.concurrency === c));
    for (const c of help.concurrency) {
      const common = { scenario: 'help', what: 'help round trip', baseline: 'teams-ai echo', concurrency: c };
      out.push(target({ ...common, id: `help-throughput-${c}`, metric: 'throughput', limit: LIMITS.helpThroughput }, by('cadans', c), by(BASELINES.bare, c)));
      out.push(target({ ...common, id: `help-p99-${c}`, metric: 'p99', limit: LIMITS.helpP99 }, by('cadans', c), by(BASELINES.bare, c)));
    }
  }
  return out;
}

const n0 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(0));
const n1 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
const n2 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(2));
const rx = (r: RatioStat | null) => (r === null ? '–' : r.rounds.length > 1 ? `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})` : `${r.median.toFixed(2)}×`);
const roundRatio = (a: AnyLevel | undefined, b: AnyLevel | undefined, k: 'throughput' | 'p99') => (a && b ? perRoundRatios(a.byRound.map((r) => r[k]), b.byRound.map((r) => r[k])) : null);

export interface MarkdownInput {
  startedAt: Date;
  commit: string | null;
  uncommitted: number;
  command: string;
  machine: string;
  loadStart: number[];
  loadEnd: number[];
  rounds: number;
  warmupS: number;
  durationS: number;
  resultsFile: string | null;
  /** How the rounds were started (waiting for a lull), one sentence; empty when not waited. */
  quietness: string;
  help: HelpResult | null;
  first: FirstMessageResult | null;
  checklist: ChecklistResult | null;
  startup: StartupResult | null;
  cadansMemory: Memory | null;
  targets: TargetResult[];
  limits: Array<{ target: string; value: number | null; met: boolean | null }>;
  /** More sections after the above (the surveys' tables and targets, lib/survey-summary.ts). */
  extra?: string[];
}

/** The block for docs/benchmarks.md: every figure beside its run's baselines, then the targets. */
export function markdownReport(m: MarkdownInput): string {
  const out: string[] = [];
  const when = m.startedAt.toISOString().replace('T', ' ').slice(0, 16);
  out.push(
    `Run of ${when} UTC on commit ${m.commit ?? '?'}${m.uncommitted ? ` + ${m.uncommitted} uncommitted change(s)` : ''} (\`${m.command}\`${m.resultsFile ? `, \`${m.resultsFile}\`` : ''}); ${m.machine}; load average ${m.loadStart[0]} at the start, ${m.loadEnd[0]} at the end. ` +
      `${m.rounds} round(s) of ${m.warmupS} s warm-up + ${m.durationS} s per level, the servers taking turns in each round; throughput: median of the rounds; p50/p99: all rounds pooled; ratio: Cadans / baseline per round, median (min–max) of the rounds; "quiet rounds": round pairs with < 0.2 cores of other load.${m.quietness ? ` ${m.quietness}` : ''}`,
  );
  if (m.checklist) {
    const r = m.checklist;
    const by = (s: string, c: number) => r.levels.find((l) => l.server === s && l.concurrency === c);
    out.push('', '**Checklist click** (`checklist.setStatus` Action.Execute → invoke response; each worker on its own checklist):', '');
    out.push('| conc | Cadans inv/s | p50 ms | p99 ms | CPU ms/inv (+ db) | teams-ai + pg inv/s | p50 ms | p99 ms | CPU ms/inv (+ db) | Cadans / + pg inv/s | Cadans / + pg p99 | teams-ai, no db: inv/s, p99 ms | card update p50 / p99 ms |');
    out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of r.concurrency) {
      const cad = by('cadans', c);
      const db = by(BASELINES.withDb, c);
      const bare = by(BASELINES.bare, c);
      const u = cad?.updateLatencyMs;
      out.push(
        `| ${c} | ${n0(cad?.throughput)} | ${n1(cad?.latencyMs.p50)} | ${n1(cad?.latencyMs.p99)} | ${n2(cad?.cpuMsPerInvoke.server)} (${n2(cad?.cpuMsPerInvoke.tree)}) | ${n0(db?.throughput)} | ${n1(db?.latencyMs.p50)} | ${n1(db?.latencyMs.p99)} | ${n2(db?.cpuMsPerInvoke.server)} (${n2(db?.cpuMsPerInvoke.tree)}) | ${rx(roundRatio(cad, db, 'throughput'))} | ${rx(roundRatio(cad, db, 'p99'))} | ${n0(bare?.throughput)}, ${n1(bare?.latencyMs.p99)} | ${u ? `${n0(u.p50)} / ${n0(u.p99)}` : '–'} |`,
      );
    }
  }
  if (m.first) {
    const r = m.first;
    const by = (s: string, c: number) => r.levels.find((l) => l.server === s && l.concurrency === c);
    out.push('', '**First message** (personal "help" from a new person in a new conversation, every request → the reply at the connector):', '');
    out.push('| conc | Cadans msg/s | p50 ms | p99 ms | CPU ms/msg with db | teams-ai + pg msg/s | p50 ms | p99 ms | CPU ms/msg with db | Cadans / + pg msg/s | Cadans / + pg p99 |');
    out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of r.concurrency) {
      const cad = by('cadans', c);
      const db = by(BASELINES.withDb, c);
      out.push(
        `| ${c} | ${n0(cad?.throughput)} | ${n1(cad?.latencyMs.p50)} | ${n1(cad?.latencyMs.p99)} | ${n2(cad?.cpuMsPerMsg.withDatabase)} | ${n0(db?.throughput)} | ${n1(db?.latencyMs.p50)} | ${n1(db?.latencyMs.p99)} | ${n2(db?.cpuMsPerMsg.withDatabase)} | ${rx(roundRatio(cad, db, 'throughput'))} | ${rx(roundRatio(cad, db, 'p99'))} |`,
      );
    }
  }
  if (m.help) {
    const r = m.help;
    const by = (s: string, c: number) => r.levels.find((l) => l.server === s && l.concurrency === c);
    out.push('', `**Help round trip** (personal "help" from a returning person, ${r.users} people → the reply at the connector):`, '');
    out.push('| conc | Cadans msg/s | p50 ms | p99 ms | CPU ms/msg (+ db) | teams-ai echo msg/s | p50 ms | p99 ms | CPU ms/msg | Cadans / echo msg/s | Cadans / echo p99 | bare restify msg/s, p99 ms |');
    out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of r.concurrency) {
      const cad = by('cadans', c);
      const echo = by(BASELINES.bare, c);
      const bare = by('restify', c);
      out.push(
        `| ${c} | ${n0(cad?.throughput)} | ${n1(cad?.latencyMs.p50)} | ${n1(cad?.latencyMs.p99)} | ${n2(cad?.cpu.serverMsPerMsg)} (${n2(cad?.cpu.treeMsPerMsg)}) | ${n0(echo?.throughput)} | ${n1(echo?.latencyMs.p50)} | ${n1(echo?.latencyMs.p99)} | ${n2(echo?.cpu.serverMsPerMsg)} | ${rx(roundRatio(cad, echo, 'throughput'))} | ${rx(roundRatio(cad, echo, 'p99'))} | ${bare ? `${n0(bare.throughput)}, ${n1(bare.latencyMs.p99)}` : '–'} |`,
      );
    }
  }
  const extras: string[] = [];
  if (m.startup) extras.push(`start-to-ready with the database in place: median ${(m.startup.secondStartMedianMs / 1000).toFixed(2)} s (first start ${(m.startup.firstStartMs / 1000).toFixed(2)} s)`);
  if (m.cadansMemory) extras.push(`Cadans RSS after the load ${m.cadansMemory.rssMb.toFixed(0)} MB (peak ${m.cadansMemory.peakRssMb.toFixed(0)} MB)`);
  if (extras.length) out.push('', `${extras.join('; ')}.`);
  // A run of the survey benchmarks alone has none of issue 7's targets and limits.
  const issue7 = m.targets.length > 0 || !m.extra?.length;
  if (issue7) out.push('', '**Targets** (issue 7: every target a ratio to a baseline of the same run):', '', targetsMarkdown(m.targets));
  if (m.limits.length && issue7) {
    out.push('', 'Absolute limits kept from earlier sessions (not latency): ' + m.limits.map((l) => `${l.target}: ${l.met === null ? 'not measured' : l.met ? 'met' : '**missed**'} (${l.value === null ? '–' : l.value.toFixed(0)})`).join('; ') + '.');
  }
  if (m.extra) out.push(...m.extra);
  return out.join('\n');
}
