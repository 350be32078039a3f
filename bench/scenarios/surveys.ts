// The survey benchmarks of issue 9, in the order the runner takes them: answers (Cadans and its
// baseline taking turns), the result summary (Cadans' modules in a probe process and the group-by
// query taking turns), then the fan-out cases (a fresh Cadans process each). They share one
// PostgreSQL server of the runner's own and one fake connector with Teams' limits enforced
// (survey-setup.ts); Cadans runs as production runs it, pointed at that server.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BenchOptions } from '../lib/options.js';
import type { Child } from '../lib/proc.js';
import { stopChild } from '../lib/proc.js';
import { ANSWER_BASELINE, NAMED, type SurveyFigures } from '../lib/survey-summary.js';
import { CADANS_POOL_SIZE, urlOf } from '../lib/database.js';
import { prepareAnswerBaseline, runSurveyAnswer } from './survey-answer.js';
import { runFanoutCase, type FanoutCase, type FanoutResult } from './survey-fanout.js';
import { runSurveyResults, seedClosedSurvey } from './survey-results.js';
import { startSurveyInfra, type SurveyInfra } from './survey-setup.js';

export interface SurveyRunContext {
  rootDir: string;
  beforeRound: () => Promise<void>;
  say: (line: string) => void;
  /** Starts a compiled (or tsx) child that prints READY <url> (run.ts' startBaseline). */
  startChild(name: string, script: string, env: Record<string, string>): Promise<{ child: Child; url: string }>;
  /** Called with the infrastructure once it runs, so that an interrupted run can close it. */
  onInfra(infra: SurveyInfra | null): void;
}

export async function runSurveyScenarios(o: BenchOptions, ctx: SurveyRunContext): Promise<SurveyFigures> {
  const { say } = ctx;
  const figures: SurveyFigures = { fanout: [], answer: null, results: null };
  say(`\nSurveys (issue 9): a PostgreSQL server of the runner's own, the fake connector enforcing Teams' limits, tenant ceiling ${o.fanoutPerSecond}/s`);
  const profileDir = path.join(ctx.rootDir, 'bench/results/profiles', `cadans-surveys-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (o.profile) mkdirSync(profileDir, { recursive: true });
  const infra = await startSurveyInfra({
    rootDir: ctx.rootDir,
    runtime: o.runtime,
    tenantPerSecond: o.fanoutPerSecond,
    // --profile: every survey Cadans process writes its CPU profile there (one file per process).
    nodeFlags: [...o.cadansNodeFlags, ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    ...(o.cadansLogLevel ? { logLevel: o.cadansLogLevel } : {}),
    ...(o.surveyStatements ? { databaseSettings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } } : {}),
  });
  ctx.onInfra(infra);
  try {
    const cadansUrl = urlOf(infra.server, 'cadans');
    // Cadans' first start creates its schema (the result summary's rows are seeded into it).
    const cadans = await infra.startCadans();
    say(`  Cadans ready after ${(cadans.readyMs / 1000).toFixed(2)} s (database ${infra.server.socketDir ? `over the Unix socket ${infra.server.socketDir}` : 'over TCP'})`);
    try {
      if (o.scenarios.includes('survey-answer')) {
        const baselineUrl = await prepareAnswerBaseline(infra);
        const base = await ctx.startChild(ANSWER_BASELINE, 'bench/baselines/teams-ai-survey-answer.ts', { BENCH_DATABASE_URL: baselineUrl, BENCH_POOL_SIZE: String(CADANS_POOL_SIZE) });
        try {
          say('\nSurvey answer (survey.answer from a different recipient each time):');
          figures.answer = await runSurveyAnswer(
            infra,
            {
              cadans: { name: 'cadans', baseUrl: cadans.url, pid: cadans.child.pid },
              named: { name: NAMED, baseUrl: cadans.url, pid: cadans.child.pid },
              baseline: { name: ANSWER_BASELINE, baseUrl: base.url, pid: base.child.pid, databaseUrl: baselineUrl },
            },
            { warmupS: o.warmupS, durationS: o.durationS, rounds: o.rounds, concurrency: o.surveyAnswerConcurrency, beforeRound: ctx.beforeRound, recipientsPerSurvey: o.quick ? 4_000 : 20_000 },
            say,
          );
        } finally {
          await stopChild(base.child, 'SIGINT', 10_000);
        }
      }
    } finally {
      await infra.stopCadans(cadans); // every fan-out case starts a Cadans of its own
    }

    if (o.scenarios.includes('survey-results')) {
      say(`\nSurvey results (${o.resultsResponses.toLocaleString('en')} responses × 10 statements):`);
      const survey = await seedClosedSurvey(infra, o.resultsResponses);
      say(`  seeded in ${survey.seconds.toFixed(1)} s (survey ${survey.id}, ${survey.recipients.toLocaleString('en')} recipients)`);
      const probe = await ctx.startChild('survey-results-probe', 'bench/scenarios/survey-results-probe.ts', { BENCH_DATABASE_URL: cadansUrl, BENCH_SURVEY_ID: String(survey.id) });
      try {
        figures.results = await runSurveyResults(infra, probe.url, survey, { responses: o.resultsResponses, rounds: o.rounds, reps: o.resultsReps, beforeRound: ctx.beforeRound }, say);
      } finally {
        await stopChild(probe.child, 'SIGINT', 10_000);
      }
    }

    if (o.scenarios.includes('survey-fanout')) {
      say(`\nSurvey fan-out (tenant ceiling ${o.fanoutPerSecond}/s; cases ${o.fanoutCases.join(', ')}):`);
      const cases: FanoutCase[] = o.fanoutCases.map((name) => ({
        name,
        recipients: name === 'large' ? o.fanoutLarge : o.fanoutRecipients,
        faults: name === 'faults' ? { p429: 0.05, p503: 0.01, retryAfterSeconds: 1 } : null,
        kill: name === 'kill',
      }));
      // --quick: one Cadans process for all cases (a start per case would take longer than the fan-outs).
      const shared = o.quick ? { cadans: null } : undefined;
      try {
        for (const c of cases) {
          await ctx.beforeRound();
          const r: FanoutResult = await runFanoutCase(infra, c, say, shared, { statements: o.surveyStatements });
          figures.fanout.push(r);
        }
      } finally {
        if (shared?.cadans) await infra.stopCadans(shared.cadans);
      }
    }
    return figures;
  } finally {
    ctx.onInfra(null);
    await infra.close();
  }
}
