// Issue 9's survey targets and their tables (terminal and the markdown block for
// docs/benchmarks.md, "Surveys (issue 9)"). The answer and result targets are ratios to a baseline
// of the same run (lib/ratios.ts); the fan-out's are ratios to the tenant ceiling in force, and
// counts (losses, duplicates), and the RSS of the large case against the small one.
import type { AnswerLevel, AnswerResult } from '../scenarios/survey-answer.js';
import type { FanoutResult } from '../scenarios/survey-fanout.js';
import type { ResultsResult } from '../scenarios/survey-results.js';
import { perRoundRatios, target, targetsMarkdown, targetsTable, type LevelFigures, type RatioStat, type TargetResult } from './ratios.js';
import { table } from './report.js';

export const SURVEY_LIMITS = {
  /** Delivered requests/s ≥ this × the tenant ceiling. */
  fanoutRate: 0.95,
  /** RSS of the large fan-out ≤ this × the small one's. */
  fanoutRss: 1.1,
  answerThroughput: 0.5,
  answerP99: 2,
  resultsTime: 1.5,
};

/** The answer baseline's name as the runner starts it. */
export const ANSWER_BASELINE = 'teams-ai+pg';
/** Cadans answering the same survey not anonymous (for context: what sealing costs). */
export const NAMED = 'cadans-named';

export interface FanoutTarget {
  target: string;
  case: string;
  measured: string;
  limit: string;
  met: boolean | null;
  /** One line of arithmetic when it is missed or needs saying. */
  note?: string;
}

export interface SurveyFigures {
  fanout: FanoutResult[];
  answer: AnswerResult | null;
  results: ResultsResult | null;
}

function answerFigures(l: AnswerLevel | undefined): LevelFigures | undefined {
  if (!l) return undefined;
  return { throughput: l.throughput, p50: l.latencyMs.p50, p99: l.latencyMs.p99, errors: l.errors, rounds: l.byRound.map((r) => ({ throughput: r.throughput, p99: r.p99, otherLoad: r.otherLoad })) };
}

function resultsFigures(r: ResultsResult, side: 'cadans' | 'baseline'): LevelFigures {
  const median = side === 'cadans' ? r.cadans.medianMs : r.baseline.medianMs;
  return {
    throughput: NaN,
    p50: median,
    p99: NaN,
    time: median,
    errors: 0,
    rounds: r.byRound.map((x) => ({ throughput: NaN, p99: NaN, time: side === 'cadans' ? x.cadansMs : x.baselineMs, otherLoad: x.otherLoad })),
  };
}

/** The ratio targets (answer, results): medians of per-round ratios to the same run's baseline. */
export function surveyRatioTargets(f: SurveyFigures): TargetResult[] {
  const out: TargetResult[] = [];
  if (f.answer) {
    const by = (s: string, c: number) => answerFigures(f.answer?.levels.find((l) => l.server === s && l.concurrency === c));
    for (const c of f.answer.concurrency) {
      const common = { scenario: 'survey-answer', what: 'survey answer', baseline: 'teams-ai + pg answer', concurrency: c };
      out.push(target({ ...common, id: `survey-answer-throughput-${c}`, metric: 'throughput', limit: SURVEY_LIMITS.answerThroughput }, by('cadans', c), by(ANSWER_BASELINE, c)));
      out.push(target({ ...common, id: `survey-answer-p99-${c}`, metric: 'p99', limit: SURVEY_LIMITS.answerP99 }, by('cadans', c), by(ANSWER_BASELINE, c)));
    }
  }
  if (f.results) {
    const r = f.results;
    out.push(
      target(
        { id: 'survey-results-time', scenario: 'survey-results', what: `result summary of ${r.responses.toLocaleString('en')} responses × 10`, baseline: 'the group-by query', metric: 'time', concurrency: 1, limit: SURVEY_LIMITS.resultsTime },
        resultsFigures(r, 'cadans'),
        resultsFigures(r, 'baseline'),
      ),
    );
  }
  return out;
}

const f1 = (x: number | null | undefined, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
const secs = (ms: number | null) => (ms === null ? 'not all' : `${(ms / 1000).toFixed(1)} s`);

/** The fan-out's targets, per case. */
export function fanoutTargets(rs: readonly FanoutResult[]): FanoutTarget[] {
  const out: FanoutTarget[] = [];
  for (const r of rs) {
    const ratio = r.deliveredPerS / r.tenantPerSecond;
    const t: FanoutTarget = {
      target: `delivered requests/s ≥ ${SURVEY_LIMITS.fanoutRate}× the tenant ceiling`,
      case: `${r.case} (${r.recipients})`,
      measured: `${f1(r.deliveredPerS)}/s = ${ratio.toFixed(2)}× ${r.tenantPerSecond}/s`,
      limit: `≥ ${(SURVEY_LIMITS.fanoutRate * r.tenantPerSecond).toFixed(0)}/s`,
      met: !r.timedOut && ratio >= SURVEY_LIMITS.fanoutRate,
    };
    if (r.case === 'faults') {
      const refused = (r.injected[429] ?? 0) + (r.injected[503] ?? 0);
      t.note = `${refused} of ${r.requests} requests refused by injection take a slot each: at most ${(1 - refused / Math.max(1, r.requests)).toFixed(2)}× can be delivered`;
    }
    if (r.case === 'kill' && r.kill) t.note = `killed at ${secs(r.kill.atMs)} with ${r.kill.cardsBefore} cards out, ready again ${secs(r.kill.restartMs)} later; messages in flight wait out their 60 s lease (outbox done after ${secs(r.doneMs)})`;
    out.push(t);
    out.push({ target: '0 losses', case: t.case, measured: `${r.lost} lost, ${r.outbox.failed} failed`, limit: '0', met: r.lost === 0 && r.outbox.failed === 0 && !r.timedOut });
    if (r.case === 'kill') {
      out.push({
        target: '0 duplicates outside the kill window (counted and reported)',
        case: t.case,
        measured: `${r.duplicates} duplicate card(s), ${r.duplicatesInWindow} in the window; ${r.outbox.possibleDuplicates} flagged possible_duplicate`,
        limit: '0 outside',
        met: r.duplicates === r.duplicatesInWindow,
      });
    } else {
      out.push({ target: '0 duplicates', case: t.case, measured: `${r.duplicates}`, limit: '0', met: r.duplicates === 0 });
    }
    out.push({ target: "Teams' limits kept (429s from the fake's limits)", case: t.case, measured: `${r.rateLimited}`, limit: '0', met: r.rateLimited === 0 });
  }
  const small = rs.find((r) => r.case === 'clean');
  const large = rs.find((r) => r.case === 'large');
  if (small?.rssPeakMb && large?.rssPeakMb) {
    const ratio = large.rssPeakMb / small.rssPeakMb;
    out.push({
      target: `RSS at ${large.recipients} ≤ ${SURVEY_LIMITS.fanoutRss}× RSS at ${small.recipients}`,
      case: 'large / clean',
      measured: `${large.rssPeakMb.toFixed(0)} / ${small.rssPeakMb.toFixed(0)} MB = ${ratio.toFixed(2)}× (peak of samples)`,
      limit: `≤ ${SURVEY_LIMITS.fanoutRss}×`,
      met: ratio <= SURVEY_LIMITS.fanoutRss,
    });
  }
  return out;
}

const verdict = (m: boolean | null) => (m === null ? 'not measured' : m ? 'met' : 'MISSED');

function fanoutRows(rs: readonly FanoutResult[]): string[][] {
  return rs.map((r) => [
    r.case,
    `${r.recipients} (${r.withChat} with a chat)`,
    `${r.delivered} / ${r.requests}`,
    `${r.injected[429] ?? 0} / ${r.injected[503] ?? 0}`,
    String(r.rateLimited),
    secs(r.wallMs),
    secs(r.doneMs),
    `${f1(r.deliveredPerS)} (${(r.deliveredPerS / r.tenantPerSecond).toFixed(2)}×)`,
    `${f1(r.steadyPerS)} (${(r.steadyPerS / r.tenantPerSecond).toFixed(2)}×)`,
    `${r.lost}`,
    r.case === 'kill' ? `${r.duplicates} (${r.duplicatesInWindow} in window)` : `${r.duplicates}`,
    `${r.outbox.possibleDuplicates}`,
    `${f1(r.rssPeakMb, 0)} (${f1(r.hwmMb, 0)})`,
    `${r.cpuMsPerRequest.cadans.toFixed(2)} + ${r.cpuMsPerRequest.database.toFixed(2)}`,
    r.otherLoad.toFixed(2),
  ]);
}
const FANOUT_HEAD = ['case', 'recipients', 'delivered / requests', 'injected 429 / 503', '429 by limits', 'wall time', 'outbox done', 'delivered/s (× ceiling)', 'steady/s', 'lost', 'duplicates', 'flagged', 'RSS MB peak (HWM)', 'CPU ms/req Cadans + db', 'other load'];

function answerRows(a: AnswerResult): string[][] {
  const by = (s: string, c: number) => a.levels.find((l) => l.server === s && l.concurrency === c);
  const rx = (r: RatioStat | null) => (r === null ? '–' : r.rounds.length > 1 ? `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})` : `${r.median.toFixed(2)}×`);
  return a.concurrency.map((c) => {
    const cad = by('cadans', c);
    const base = by(ANSWER_BASELINE, c);
    const named = by(NAMED, c);
    const rr = (k: 'throughput' | 'p99', x = cad, y = base) => (x && y ? perRoundRatios(x.byRound.map((r) => r[k]), y.byRound.map((r) => r[k])) : null);
    return [
      String(c),
      f1(cad?.throughput, 0),
      f1(cad?.latencyMs.p50),
      f1(cad?.latencyMs.p99),
      `${f1(cad?.cpuMsPerAnswer.server, 2)} (${f1(cad?.cpuMsPerAnswer.withDatabase, 2)})`,
      f1(base?.throughput, 0),
      f1(base?.latencyMs.p50),
      f1(base?.latencyMs.p99),
      `${f1(base?.cpuMsPerAnswer.server, 2)} (${f1(base?.cpuMsPerAnswer.withDatabase, 2)})`,
      rx(rr('throughput')),
      rx(rr('p99')),
      named ? `${f1(named.throughput, 0)}, ${f1(named.latencyMs.p99)}, ${f1(named.cpuMsPerAnswer.server, 2)} (${f1(named.cpuMsPerAnswer.withDatabase, 2)})` : '–',
      rx(rr('throughput', cad, named)),
    ];
  });
}
const ANSWER_HEAD = [
  'conc', 'Cadans answers/s', 'p50 ms', 'p99 ms', 'CPU ms/answer (+ db)', 'teams-ai + pg answers/s', 'p50 ms', 'p99 ms', 'CPU ms/answer (+ db)', 'Cadans / + pg answers/s', 'Cadans / + pg p99',
  'Cadans, not anonymous: answers/s, p99 ms, CPU (+ db)', 'anonymous / not anonymous answers/s',
];

function resultsRow(r: ResultsResult): string[] {
  const ratio = perRoundRatios(r.byRound.map((x) => x.cadansMs), r.byRound.map((x) => x.baselineMs));
  return [
    `${r.responses.toLocaleString('en')} × ${r.questions} = ${r.values.toLocaleString('en')}`,
    `${r.cadans.medianMs.toFixed(0)} (${r.cadans.queryMs.toFixed(0)} + ${r.cadans.renderMs.toFixed(0)})`,
    `${r.cadans.nodeCpuMs.toFixed(0)} + ${r.cadans.dbCpuMs.toFixed(0)}`,
    `${r.baseline.medianMs.toFixed(0)}`,
    `${r.baseline.dbCpuMs.toFixed(0)}`,
    ratio === null ? '–' : ratio.rounds.length > 1 ? `${ratio.median.toFixed(2)}× (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})` : `${ratio.median.toFixed(2)}×`,
    `${(r.cadans.cardBytes / 1024).toFixed(1)} KB`,
    r.checks.respondentsOk && r.checks.valuesOk && r.checks.cardMentionsRespondents ? 'ok' : `FAILED ${JSON.stringify(r.checks)}`,
  ];
}
const RESULTS_HEAD = ['answer values', 'Cadans ms (queries + render)', 'CPU ms node + db', 'baseline query ms', 'CPU ms db', 'Cadans / baseline', 'card', 'counts check'];

function fanoutTargetRows(ts: readonly FanoutTarget[]): string[][] {
  return ts.map((t) => [t.target, t.case, t.measured, t.limit, verdict(t.met) + (t.note ? ` — ${t.note}` : '')]);
}

/** For the terminal. */
export function surveyTables(f: SurveyFigures, ratioTargets: readonly TargetResult[], fanout: readonly FanoutTarget[]): string {
  const out: string[] = [];
  if (f.fanout.length > 0) {
    out.push(`Survey fan-out (tenant ceiling ${f.fanout[0]!.tenantPerSecond}/s, Teams' limits enforced by the fake connector):`);
    out.push(table(FANOUT_HEAD, fanoutRows(f.fanout)));
    out.push('');
  }
  if (f.answer) {
    out.push(`Survey answer (survey.answer Action.Execute → invoke response, a different recipient each; ${f.answer.rounds} round(s) of ${f.answer.warmupS} s + ${f.answer.durationS} s):`);
    out.push(table(ANSWER_HEAD, answerRows(f.answer)));
    out.push(`  sealed answer ${f.answer.sealedBytes} bytes against the baseline's JSON answer ${f.answer.plainBytes} bytes; answers taken: ${Object.entries(f.answer.answered).map(([k, v]) => `${k} ${v}`).join(', ')}; Cadans surveys used: ${f.answer.surveys}`);
    out.push('');
  }
  if (f.results) {
    out.push(`Survey results (service.resultData → results card, against the group-by query; ${f.results.rounds} round(s) × ${f.results.reps} run(s) each; seeded in ${f.results.seedS.toFixed(1)} s):`);
    out.push(table(RESULTS_HEAD, [resultsRow(f.results)]));
    out.push('');
  }
  if (ratioTargets.length > 0) {
    out.push('Survey targets, ratios to a baseline of the same run (median of the per-round ratios):');
    out.push(targetsTable(ratioTargets));
    out.push('');
  }
  if (fanout.length > 0) {
    out.push('Survey fan-out targets:');
    out.push(table(['target', 'case', 'measured', 'limit', 'result'], fanoutTargetRows(fanout)));
  }
  return out.join('\n');
}

const md = (head: string[], rows: string[][], right = true) =>
  [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 || !right ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** The surveys' part of the markdown block. */
export function surveyMarkdown(f: SurveyFigures, ratioTargets: readonly TargetResult[], fanout: readonly FanoutTarget[]): string[] {
  const out: string[] = [];
  if (f.fanout.length > 0) {
    const r0 = f.fanout[0]!;
    out.push(
      '',
      `**Survey fan-out** (\`survey.send\` → every recipient's card at the connector; audience by role, half with a 1:1 chat, half without (create + send); ` +
        `tenant ceiling ${r0.tenantPerSecond}/s: Cadans' OUTBOX_TENANT_PER_SECOND and the fake connector's tenant limit, Teams' per-thread limits enforced; ` +
        `rate = delivered (2xx) requests / first request → last answer; steady = the middle 80 % of them; RSS: Cadans' node process, peak of 200 ms samples (VmHWM)):`,
      '',
      md(FANOUT_HEAD, fanoutRows(f.fanout)),
    );
  }
  if (f.answer) {
    out.push(
      '',
      `**Survey answer** (\`survey.answer\` Action.Execute from a different recipient each time → the thank-you card in the invoke response; baseline: teams-ai + pg, one transaction marking the delivery answered and inserting the answer; ` +
        `for context the same survey *not anonymous* on the same Cadans (answers kept on the delivery row, nothing sealed); sealed answer ${f.answer.sealedBytes} bytes against the baseline's JSON ${f.answer.plainBytes} bytes):`,
      '',
      md(ANSWER_HEAD, answerRows(f.answer)),
    );
  }
  if (f.results) {
    out.push(
      '',
      `**Survey results** (a closed survey of ${f.results.recipients.toLocaleString('en')} recipients, 4 schools; \`service.resultData\` → the results card, against \`select question_id, value, count(*) from survey_answers where survey_id = $1 group by 1, 2\` on the same pool; median of ${f.results.rounds} × ${f.results.reps} runs each):`,
      '',
      md(RESULTS_HEAD, [resultsRow(f.results)]),
    );
  }
  if (ratioTargets.length > 0 || fanout.length > 0) {
    out.push('', '**Survey targets** (issue 9):');
    if (ratioTargets.length > 0) out.push('', targetsMarkdown(ratioTargets));
    if (fanout.length > 0) out.push('', md(['target', 'case', 'measured', 'limit', 'result'], fanoutTargetRows(fanout).map((r) => r.map((c, i) => (i === 4 && c.startsWith('MISSED') ? `**${c}**` : c))), false));
  }
  return out;
}
