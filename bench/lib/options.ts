// Command-line and environment options of `npm run bench`. Flags win over BENCH_* variables.
import { parseArgs } from 'node:util';

export const SCENARIOS = ['help', 'startup', 'first-message', 'checklist', 'survey-fanout', 'survey-answer', 'survey-results', 'meeting-tick'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** What `npm run bench` runs without --scenarios: issue 7's four (the survey benchmarks are asked for by name, or as `surveys`). */
export const DEFAULT_SCENARIOS: readonly Scenario[] = ['help', 'startup', 'first-message', 'checklist'];
export const SURVEY_SCENARIOS: readonly Scenario[] = ['survey-fanout', 'survey-answer', 'survey-results'];

export const FANOUT_CASES = ['clean', 'faults', 'kill', 'large'] as const;
export type FanoutCaseOption = (typeof FANOUT_CASES)[number];

export const SERVERS = ['cadans', 'teams-ai', 'restify'] as const;
export type ServerName = (typeof SERVERS)[number];

export interface BenchOptions {
  quick: boolean;
  scenarios: Scenario[];
  /** meeting-tick: the sizes (meetings in all), smallest first; ratios are to the smallest. */
  tickSizes: number[];
  /** meeting-tick: timed ticks per size (after one warm-up tick each). */
  tickRuns: number;
  servers: ServerName[];
  /** Measured seconds per round of a concurrency level (after the warm-up). */
  durationS: number;
  /** Warm-up seconds before each round, excluded from the figures. */
  warmupS: number;
  /** Rounds per level; the servers take turns each round. */
  rounds: number;
  concurrency: number[];
  /** Distinct Teams users (1:1 conversations) the requests cycle through. */
  users: number;
  /** How many "second starts" (database exists) to time; the last one serves the load. */
  starts: number;
  /** Checklists the checklist scenario starts (one per channel; at least the largest checklist concurrency). */
  checklists: number;
  /** Closed-loop workers of the checklist scenario (each on its own checklist). */
  checklistConcurrency: number[];
  /** Closed-loop workers of the first-message scenario (every request a new person). */
  firstMessageConcurrency: number[];
  /** Closed-loop workers of the survey-answer scenario (every request a different recipient). */
  surveyAnswerConcurrency: number[];
  /** Survey fan-out: recipients of the small cases, of the large one, the cases, the tenant ceiling (requests/s). */
  fanoutRecipients: number;
  fanoutLarge: number;
  fanoutCases: FanoutCaseOption[];
  fanoutPerSecond: number;
  /** Survey results: responses of the closed survey (10 answers each), runs per server per round. */
  resultsResponses: number;
  resultsReps: number;
  /** Survey fan-out: count Cadans' SQL statements per recipient (pg_stat_statements on the runner's server). */
  surveyStatements: boolean;
  /** Before each round (a turn of every server), wait up to this many seconds for a quiet machine. */
  waitQuietS: number;
  /** Run the servers with --cpu-prof (profiles in bench/results/profiles/<server>-<run>/). */
  profile: boolean;
  /** LOG_LEVEL of the Cadans child (default: Cadans' own default, info). */
  cadansLogLevel?: string;
  /** Extra node flags for the Cadans child, e.g. '--max-semi-space-size=4' (experiments). */
  cadansNodeFlags: string[];
  /** dist: compiled JavaScript, as in production (default); tsx: every server under the tsx loader. */
  runtime: 'dist' | 'tsx';
  /** Where to write the JSON; null: do not write. */
  jsonDir: string | null;
}

export const USAGE = `Usage: npm run bench -- [options]

  --quick                 smoke run (< 60 s): 1 round of 0.8 s per level, 0.25 s warm-up, 100 users, 1 second start;
                          survey fan-out 100 / 300 recipients at 200/s on one Cadans process, without the kill
                          case; 10,000 survey responses
  --scenarios=help,startup,first-message,checklist  which benchmarks (default: these four, issue 7's)
  --scenarios=survey-fanout,survey-answer,survey-results  the survey benchmarks (issue 9); 'surveys' names all three
  --survey-answer-concurrency=1,16,64  workers of the survey-answer scenario, a different recipient per request
  --fanout-recipients=N   recipients of the fan-out's 2,000 cases (default 2000; quick 100)
  --fanout-large=N        recipients of the fan-out's large case (default 20000; quick 300)
  --fanout-cases=clean,faults,kill,large  which fan-out cases (default all four; quick without kill: it waits
                          out the 60 s lease of the messages in flight)
  --fanout-per-second=N   the tenant ceiling the fan-out runs at: Cadans' OUTBOX_TENANT_PER_SECOND and the fake
                          connector's tenant limit alike (default 50, Teams' own; quick 200). Above ~60/s this
                          2-core machine runs out of CPU before the ceiling (docs/benchmarks.md, "Surveys")
  --scenarios=meeting-tick  the meeting scheduler's tick as the meetings grow (issue 10); runs in this process
  --tick-sizes=N,N,…      meetings per database of meeting-tick (default 10000,100000,1000000; quick 5000,50000)
  --tick-runs=N           timed ticks per size of meeting-tick, sizes alternating (default 7; quick 2)
  --results-responses=N   responses of the closed survey of survey-results, 10 answers each (default 100000; quick 10000)
  --results-reps=N        runs per server per round of survey-results (default 3; quick 1)
  --survey-statements     fan-out: count Cadans' SQL statements per recipient (pg_stat_statements; a diagnostic,
                          not a timing run)
  --checklists=N          checklists the checklist scenario starts, one per channel (default 64)
  --checklist-concurrency=1,32  workers of the checklist scenario, each on its own checklist (default 1,32)
  --first-message-concurrency=1,16  workers of the first-message scenario, a new person per request (default 1,16)
  --servers=cadans,teams-ai,restify  which servers the help round trip drives (default: all three)
  --wait-quiet=SECONDS    before each round wait up to this long until < 0.3 cores are busy on the
                          machine (default 5; 0 with --quick; 0 = never wait)
  --rounds=N              rounds per concurrency level; the servers take turns each round; the targets
                          are the median of the per-round ratios (default 5)
  --duration=SECONDS      measured time per round (default 3: 9 s per level and server)
  --warmup=SECONDS        warm-up before each round, not counted (default 1)
  --concurrency=1,16,64   closed-loop workers per level (default 1,16,64)
  --users=N               distinct Teams users / 1:1 conversations (default 1000)
  --starts=N              timed second starts of Cadans (default 3)
  --profile               run the servers with --cpu-prof; profiles in bench/results/profiles/<server>-<run>/
  --cadans-log-level=L    LOG_LEVEL for the Cadans child (default: Cadans' default, info)
  --cadans-node-flags="…" extra node flags for the Cadans child (experiments, e.g. --max-semi-space-size=4)
  --runtime=dist|tsx      dist (default): build first, run every server as compiled JavaScript, as production
                          runs Cadans (node dist/main.js); tsx: every server under node --import tsx
  --no-json               do not write bench/results/<timestamp>.json
  --help

Environment (flags win): BENCH_QUICK=1, BENCH_SCENARIOS, BENCH_SERVERS, BENCH_DURATION,
BENCH_WARMUP, BENCH_ROUNDS, BENCH_CONCURRENCY, BENCH_USERS, BENCH_STARTS, BENCH_PROFILE=1, BENCH_RUNTIME,
BENCH_WAIT_QUIET; BENCH_PG_PASSWORD (Cadans' embedded PostgreSQL, if the runner cannot find it).`;

function parseRuntime(x: string): 'dist' | 'tsx' {
  if (x === 'dist' || x === 'tsx') return x;
  throw new Error(`--runtime must be dist or tsx, not '${x}'`);
}

function list<T extends string>(raw: string, allowed: readonly T[], what: string): T[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) {
    if (!(allowed as readonly string[]).includes(i)) throw new Error(`unknown ${what} '${i}' (known: ${allowed.join(', ')})`);
  }
  if (items.length === 0) throw new Error(`--${what}s needs at least one of ${allowed.join(', ')}`);
  return items as T[];
}

function positive(raw: string, what: string, integer = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${what} must be a positive ${integer ? 'whole ' : ''}number, not '${raw}'`);
  return n;
}

export function parseOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      scenarios: { type: 'string' },
      servers: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      concurrency: { type: 'string' },
      users: { type: 'string' },
      starts: { type: 'string' },
      profile: { type: 'boolean' },
      checklists: { type: 'string' },
      'checklist-concurrency': { type: 'string' },
      'first-message-concurrency': { type: 'string' },
      'survey-answer-concurrency': { type: 'string' },
      'fanout-recipients': { type: 'string' },
      'fanout-large': { type: 'string' },
      'fanout-cases': { type: 'string' },
      'fanout-per-second': { type: 'string' },
      'results-responses': { type: 'string' },
      'tick-sizes': { type: 'string' },
      'tick-runs': { type: 'string' },
      'results-reps': { type: 'string' },
      'survey-statements': { type: 'boolean' },
      'wait-quiet': { type: 'string' },
      'cadans-log-level': { type: 'string' },
      'cadans-node-flags': { type: 'string' },
      runtime: { type: 'string' },
      'no-json': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const truthy = (v: string | undefined) => v === '1' || v === 'true' || v === 'yes';
  const quick = values.quick ?? truthy(env.BENCH_QUICK);
  const pick = (flag: string | undefined, name: string) => flag ?? (env[name] === '' ? undefined : env[name]);

  const scenariosRaw = pick(values.scenarios, 'BENCH_SCENARIOS');
  const serversRaw = pick(values.servers, 'BENCH_SERVERS');
  const durationRaw = pick(values.duration, 'BENCH_DURATION');
  const warmupRaw = pick(values.warmup, 'BENCH_WARMUP');
  const roundsRaw = pick(values.rounds, 'BENCH_ROUNDS');
  const concurrencyRaw = pick(values.concurrency, 'BENCH_CONCURRENCY');
  const usersRaw = pick(values.users, 'BENCH_USERS');
  const startsRaw = pick(values.starts, 'BENCH_STARTS');

  return {
    quick,
    scenarios: scenariosRaw ? [...new Set(list(scenariosRaw.replace(/\bsurveys\b/g, SURVEY_SCENARIOS.join(',')), SCENARIOS, 'scenario'))] : [...DEFAULT_SCENARIOS],
    servers: serversRaw ? list(serversRaw, SERVERS, 'server') : [...SERVERS],
    durationS: durationRaw ? positive(durationRaw, 'duration') : quick ? 0.8 : 3,
    warmupS: warmupRaw ? positive(warmupRaw, 'warmup') : quick ? 0.25 : 1,
    rounds: roundsRaw ? positive(roundsRaw, 'rounds', true) : quick ? 1 : 5,
    concurrency: concurrencyRaw
      ? concurrencyRaw.split(',').map((c) => positive(c.trim(), 'concurrency', true))
      : [1, 16, 64],
    users: usersRaw ? positive(usersRaw, 'users', true) : quick ? 100 : 1000,
    starts: startsRaw ? positive(startsRaw, 'starts', true) : quick ? 1 : 3,
    checklists: values.checklists ? positive(values.checklists, 'checklists', true) : 64,
    checklistConcurrency: values['checklist-concurrency'] ? values['checklist-concurrency'].split(',').map((c) => positive(c.trim(), 'checklist-concurrency', true)) : [1, 32],
    firstMessageConcurrency: values['first-message-concurrency'] ? values['first-message-concurrency'].split(',').map((c) => positive(c.trim(), 'first-message-concurrency', true)) : [1, 16],
    surveyAnswerConcurrency: values['survey-answer-concurrency'] ? values['survey-answer-concurrency'].split(',').map((c) => positive(c.trim(), 'survey-answer-concurrency', true)) : [1, 16, 64],
    fanoutRecipients: values['fanout-recipients'] ? positive(values['fanout-recipients'], 'fanout-recipients', true) : quick ? 100 : 2_000,
    fanoutLarge: values['fanout-large'] ? positive(values['fanout-large'], 'fanout-large', true) : quick ? 300 : 20_000,
    fanoutCases: values['fanout-cases'] ? list(values['fanout-cases'], FANOUT_CASES, 'fanout-case') : quick ? ['clean', 'faults', 'large'] : [...FANOUT_CASES],
    fanoutPerSecond: values['fanout-per-second'] ? positive(values['fanout-per-second'], 'fanout-per-second', true) : quick ? 200 : 50,
    tickSizes: values['tick-sizes'] ? values['tick-sizes'].split(',').map((c) => positive(c.trim(), 'tick-sizes', true)) : quick ? [5_000, 50_000] : [10_000, 100_000, 1_000_000],
    tickRuns: values['tick-runs'] ? positive(values['tick-runs'], 'tick-runs', true) : quick ? 2 : 7,
    resultsResponses: values['results-responses'] ? positive(values['results-responses'], 'results-responses', true) : quick ? 10_000 : 100_000,
    resultsReps: values['results-reps'] ? positive(values['results-reps'], 'results-reps', true) : quick ? 1 : 3,
    surveyStatements: values['survey-statements'] ?? false,
    waitQuietS: (() => {
      const raw = pick(values['wait-quiet'], 'BENCH_WAIT_QUIET');
      if (raw === undefined) return quick ? 0 : 5;
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--wait-quiet must be 0 or more seconds, not '${raw}'`);
      return n;
    })(),
    profile: values.profile ?? truthy(env.BENCH_PROFILE),
    cadansLogLevel: values['cadans-log-level'],
    cadansNodeFlags: (values['cadans-node-flags'] ?? '').split(/\s+/).filter(Boolean),
    runtime: parseRuntime(values.runtime ?? env.BENCH_RUNTIME ?? 'dist'),
    jsonDir: values['no-json'] ? null : 'bench/results',
  };
}
