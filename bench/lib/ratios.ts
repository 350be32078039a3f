// Targets as ratios to a baseline measured in the same run: per round (the servers take turns
// within a round, so both see the same machine), Cadans' figure / the baseline's; the verdict is on
// the median over the rounds, the spread (min–max) says how much to trust it.
import { table } from './report.js';

export interface RatioStat {
  median: number;
  min: number;
  max: number;
  /** One ratio per round, in round order. */
  rounds: number[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Round-by-round ratios num[i] / den[i]; null when there is no complete round pair. */
export function perRoundRatios(num: readonly number[], den: readonly number[]): RatioStat | null {
  const rounds: number[] = [];
  for (let i = 0; i < Math.min(num.length, den.length); i++) {
    const n = num[i] as number;
    const d = den[i] as number;
    if (Number.isFinite(n) && Number.isFinite(d) && d > 0) rounds.push(n / d);
  }
  if (rounds.length === 0) return null;
  return { median: median(rounds), min: Math.min(...rounds), max: Math.max(...rounds), rounds };
}

/** One round of one server at one level: what a target needs. */
export interface RoundFigures {
  throughput: number;
  p99: number;
  /** The median time of one run in the round (ms), for targets on a computation's time. */
  time?: number;
  /** Cores busy with anything else on the machine during the round. */
  otherLoad: number;
}

/** A round pair is quiet when both servers' rounds had less other load than this (cores). */
export const QUIET_CORES = 0.2;

export interface LevelFigures {
  /** Median over the rounds. */
  throughput: number;
  /** All rounds pooled. */
  p50: number;
  p99: number;
  /** Median time of one run over all rounds (ms), for targets on a computation's time. */
  time?: number;
  errors: number;
  rounds: RoundFigures[];
}

/** throughput: /s, higher is better; p99: ms, pooled; time: ms, the median of one run (lower is better). */
export type Metric = 'throughput' | 'p99' | 'time';

const valueOf = (x: { throughput: number; p99: number; time?: number }, m: Metric): number => (m === 'throughput' ? x.throughput : m === 'p99' ? x.p99 : (x.time ?? NaN));

export interface TargetResult {
  id: string;
  scenario: string;
  /** What is compared, e.g. 'checklist click throughput'. */
  what: string;
  /** The baseline's name as printed. */
  baseline: string;
  metric: Metric;
  concurrency: number;
  /** '≥' for throughput (Cadans at least limit × the baseline), '≤' for p99 (at most). */
  bound: '≥' | '≤';
  limit: number;
  /** Cadans' and the baseline's figure (throughput: median of the rounds, /s; p99: pooled, ms). */
  cadans: number | null;
  base: number | null;
  ratio: RatioStat | null;
  /** Ratio of the pooled figures (throughput medians, pooled p99s), for comparison. */
  pooledRatio: number | null;
  /** The same per-round ratios over the quiet round pairs only (null: none was quiet). */
  quietRatio: RatioStat | null;
  /** Failed requests of Cadans at that level (any error misses the target). */
  errors: number;
  met: boolean | null;
}

export function target(
  o: { id: string; scenario: string; what: string; baseline: string; metric: Metric; concurrency: number; limit: number },
  cadans: LevelFigures | undefined,
  base: LevelFigures | undefined,
): TargetResult {
  const bound = o.metric === 'throughput' ? '≥' : '≤';
  const pick = (l: LevelFigures | undefined) => (l ? valueOf(l, o.metric) : null);
  const ratio = cadans && base ? perRoundRatios(cadans.rounds.map((r) => valueOf(r, o.metric)), base.rounds.map((r) => valueOf(r, o.metric))) : null;
  const quietPairs = cadans && base ? cadans.rounds.map((r, i) => [r, base.rounds[i]] as const).filter(([x, y]) => y !== undefined && x.otherLoad < QUIET_CORES && y.otherLoad < QUIET_CORES) : [];
  const quietRatio = perRoundRatios(quietPairs.map(([x]) => valueOf(x, o.metric)), quietPairs.map(([, y]) => valueOf(y as RoundFigures, o.metric)));
  const c = pick(cadans);
  const b = pick(base);
  const errors = cadans?.errors ?? 0;
  const met = ratio === null ? null : (bound === '≥' ? ratio.median >= o.limit : ratio.median <= o.limit) && errors === 0;
  return { ...o, bound, cadans: c, base: b, ratio, pooledRatio: c !== null && b !== null && b > 0 ? c / b : null, quietRatio, errors, met };
}

const x = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${v.toFixed(digits)}×`);
const fig = (t: TargetResult, v: number | null) => (v === null ? '–' : t.metric === 'throughput' ? `${v.toFixed(0)}/s` : t.metric === 'time' ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);
const spread = (r: RatioStat | null) => (r === null ? '–' : r.rounds.length === 1 ? '(1 round)' : `${r.min.toFixed(2)}–${r.max.toFixed(2)}`);
const quiet = (t: TargetResult) => (t.quietRatio === null ? `none of ${t.ratio?.rounds.length ?? 0}` : `${t.quietRatio.median.toFixed(2)}× (${t.quietRatio.rounds.length} of ${t.ratio?.rounds.length ?? 0})`);
const verdictOf = (t: TargetResult) => (t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED') + (t.errors ? ` (${t.errors} errors)` : '');
const label = (t: TargetResult) =>
  t.metric === 'time' ? `${t.what}: time ${t.bound} ${t.limit}× ${t.baseline}` : `${t.what} at ${t.concurrency}: ${t.metric === 'throughput' ? 'throughput' : 'p99'} ${t.bound} ${t.limit}× ${t.baseline}`;

export function targetsTable(ts: readonly TargetResult[]): string {
  return table(
    ['target', 'Cadans', 'baseline', 'ratio (median of rounds)', 'spread', 'pooled', 'quiet rounds', 'result'],
    ts.map((t) => [label(t), fig(t, t.cadans), fig(t, t.base), x(t.ratio?.median), spread(t.ratio), x(t.pooledRatio), quiet(t), verdictOf(t)]),
  );
}

export function targetsMarkdown(ts: readonly TargetResult[]): string {
  const rows = ts.map((t) => `| ${label(t)} | ${fig(t, t.cadans)} | ${fig(t, t.base)} | **${x(t.ratio?.median)}** | ${spread(t.ratio)} | ${x(t.pooledRatio)} | ${quiet(t)} | ${t.met === false ? '**MISSED**' : verdictOf(t)} |`);
  return ['| target | Cadans | baseline | ratio (median of rounds) | spread (min–max) | pooled | quiet rounds only | result |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |', ...rows].join('\n');
}
