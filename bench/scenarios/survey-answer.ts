// Answering a survey (issue 9): an Action.Execute `survey.answer` from a recipient in their 1:1
// chat, timed from the POST until the invoke response (the thank-you card) returns. Every request
// comes from a DIFFERENT recipient (an anonymous survey takes one answer per person), for Cadans and
// for the baseline alike; the recipients are known to Cadans (people row and 1:1 reference, as after
// the fan-out: their turn writes nothing but the answer). Closed loop per concurrency level; within
// a level the servers take turns, round after round; warm-up excluded.
// Cadans: a survey from the 'werkdruk' template (5 questions, one open) sent through Teams traffic
// to a handful of people by role, then given 20,000 more deliveries by SQL (a new survey whenever
// the recipients run out; a survey goes to at most 25,000 people). Its author's delivery card is
// posted, so every answer also coalesces an update of it into the outbox, as in production.
// For context, the same survey not anonymous ('cadans-named': the answers kept on the delivery row in
// one statement, nothing sealed), on the same process: the difference is what anonymity costs.
// Baseline: bench/baselines/teams-ai-survey-answer.ts (teams-ai + pg, one transaction: mark the
// delivery answered, insert the answer; same socket, same pool size).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { createTeamsWorld, type TeamsActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../../test/support/teams-activities.js';
import { urlOf } from '../lib/database.js';
import { closedLoop, KeepAliveClient, latencyOf, poolSamples, type Latency } from '../lib/load.js';
import { cpuSecondsOf, machineCpuSeconds, processTree } from '../lib/proc.js';
import { draftSurvey, prepareAuthor, seedPeople, type SurveyInfra } from './survey-setup.js';

export const SURVEY_BASELINE_DATABASE = 'bench_survey_baseline';
/** Recipients added to one Cadans survey at a time (MAX_RECIPIENTS is 25,000). */
const PER_SURVEY = 20_000;

export interface AnswerTarget {
  name: string;
  baseUrl: string;
  pid: number;
}

export interface AnswerRound {
  throughput: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  otherLoad: number;
  monoUs: [number, number];
}

export interface AnswerLevel {
  server: string;
  concurrency: number;
  rounds: number;
  durationS: number;
  throughput: number;
  requests: number;
  errors: number;
  firstError?: string;
  latencyMs: Latency;
  /** CPU ms per answer: the node process; with the database server (which only this server used in its window). */
  cpuMsPerAnswer: { server: number; withDatabase: number; runner: number };
  otherLoadMax: number;
  byRound: AnswerRound[];
}

export interface AnswerResult {
  warmupS: number;
  durationS: number;
  rounds: number;
  concurrency: number[];
  /** Answers each server took (warm-up included), and Cadans' surveys used. */
  answered: Record<string, number>;
  surveys: number;
  /** Size of one sealed answer of the survey (bytes) against the baseline's JSON answer (bytes, typical). */
  sealedBytes: number;
  plainBytes: number;
  /** Rows Cadans wrote per answer, by table, over the whole scenario (from the database). */
  rowsPerAnswer: Record<string, number>;
  levels: AnswerLevel[];
}

/** The answers a recipient gives: 3 likert, a choice, and one in three an open answer. */
function answersOf(i: number): Record<string, string> {
  return { a_q1: String((i % 5) + 1), a_q2: String(((i >> 2) % 5) + 1), a_q3: String(((i >> 4) % 5) + 1), a_q4: 'abcdef'[i % 6] as string, a_q5: i % 3 === 0 ? `Minder vergaderen en meer tijd voor de klas (${i})` : '' };
}

interface Pool {
  /** The next recipient's answer as a request body. */
  next(): string;
  remaining(): number;
  /** Makes sure at least `n` recipients are left (outside the measured windows). */
  ensure(n: number): Promise<void>;
  used(): number;
}

/** The invoke bodies: one template built by the test builder, the person, chat and answers swapped in per call. */
function bodies(world: TeamsWorld) {
  const u0 = world.user({ name: 'Sjabloon' });
  const template = world.actionExecute(u0, u0, 'survey.answer', {});
  let serial = 0;
  return (u: TeamsUser, survey: string, i: number): string => {
    const action = (template.value as { action: object }).action;
    const activity: TeamsActivity = {
      ...template,
      id: `f:${++serial}${Date.now()}`,
      timestamp: new Date().toISOString(),
      from: { id: u.id, name: u.name, aadObjectId: u.aadObjectId },
      conversation: { ...template.conversation, id: u.personalConversationId },
      value: { ...(template.value as object), action: { ...action, data: { v: 1, survey, ...answersOf(i) } } },
    };
    return JSON.stringify(activity);
  };
}

function makePool(fill: (count: number) => Promise<{ users: TeamsUser[]; survey: string }>, body: (u: TeamsUser, survey: string, i: number) => string): Pool {
  const queue: Array<{ users: TeamsUser[]; survey: string; at: number }> = [];
  let used = 0;
  const remaining = () => queue.reduce((n, q) => n + q.users.length - q.at, 0);
  return {
    remaining,
    used: () => used,
    next() {
      while (queue.length > 0 && queue[0]!.at >= queue[0]!.users.length) queue.shift();
      const q = queue[0];
      if (!q) throw new Error('no recipients left (the pool estimate was too low)');
      const u = q.users[q.at++] as TeamsUser;
      return body(u, q.survey, used++);
    },
    async ensure(n) {
      while (remaining() < n) {
        const batch = await fill(n - remaining());
        queue.push({ ...batch, at: 0 });
      }
    },
  };
}

const BASELINE_SCHEMA = `
create table survey_deliveries (
  id bigserial primary key,
  survey_id uuid not null,
  aad_object_id text not null,
  answered_at timestamptz,
  unique (survey_id, aad_object_id)
);
create table survey_answers (
  id bigserial primary key,
  survey_id uuid not null,
  answers jsonb not null,
  created_at timestamptz not null default now()
);
`;

/** (Re)creates the baseline's database on the runner's server; returns its URL. */
export async function prepareAnswerBaseline(infra: SurveyInfra): Promise<string> {
  const admin = new pg.Client({ connectionString: urlOf(infra.server, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${SURVEY_BASELINE_DATABASE}`);
    await admin.query(`create database ${SURVEY_BASELINE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = urlOf(infra.server, SURVEY_BASELINE_DATABASE);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(BASELINE_SCHEMA);
  } finally {
    await db.end();
  }
  return url;
}

export async function runSurveyAnswer(
  infra: SurveyInfra,
  targets: { cadans: AnswerTarget; baseline: AnswerTarget & { databaseUrl: string }; named?: AnswerTarget },
  o: { warmupS: number; durationS: number; rounds: number; concurrency: number[]; beforeRound?: () => Promise<void>; recipientsPerSurvey?: number },
  say: (line: string) => void,
): Promise<AnswerResult> {
  const perSurvey = Math.min(PER_SURVEY, o.recipientsPerSurvey ?? PER_SURVEY);
  const { connector, db } = infra;
  connector.reset();
  const world = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: randomUUID() });
  const body = bodies(world);
  const { author, channel } = await prepareAuthor(targets.cadans.baseUrl, connector, world);
  // A handful of people with a role: the audience the survey is sent to through Teams traffic.
  const few = Array.from({ length: 5 }, (_, i) => world.user({ name: `Toezichthouder ${i + 1}` }));
  await seedPeople(db, world, few, { role: 'rvt', withChat: () => true });
  let serial = 0;
  const newUsers = (n: number) => Array.from({ length: n }, () => world.user({ name: `Collega ${String(++serial).padStart(6, '0')}` }));
  const surveys: Array<{ id: number; publicId: string; anonymous: boolean }> = [];

  const cadansPoolOf = (anonymous: boolean) => makePool(async (count) => {
    const n = Math.min(PER_SURVEY, Math.max(count, perSurvey));
    const s = await newSurvey(author, channel, anonymous);
    const users = newUsers(n);
    await seedPeople(db, world, users, { withChat: () => true });
    // As after the fan-out: each recipient's card went out and is known.
    const chunk = 5_000;
    for (let i = 0; i < users.length; i += chunk) {
      const part = users.slice(i, i + chunk);
      await db.query(
        `insert into survey_deliveries (survey_id, tenant_id, aad_object_id, status, conversation_id, card_activity_id)
         select $1, $2, x.aad, 'sent', x.conv, x.act from unnest($3::text[], $4::text[], $5::text[]) as x(aad, conv, act)`,
        [s.id, world.tenantId, part.map((u) => u.aadObjectId), part.map((u) => u.personalConversationId), part.map((_, j) => `${Date.now()}${i + j}`)],
      );
    }
    await db.query('analyze survey_deliveries');
    return { users, survey: s.publicId };
  }, body);
  const cadansPool = cadansPoolOf(true);
  // The same survey not anonymous (answers kept on the delivery row, in one statement): what sealing costs.
  const namedPool = targets.named ? cadansPoolOf(false) : null;

  const baselineSurvey = randomUUID();
  const baseDb = new pg.Pool({ connectionString: targets.baseline.databaseUrl, max: 2 });
  const baselinePool = makePool(async (count) => {
    const users = newUsers(Math.max(count, perSurvey));
    await baseDb.query(`insert into survey_deliveries (survey_id, aad_object_id) select $1, a from unnest($2::text[]) a`, [baselineSurvey, users.map((u) => u.aadObjectId)]);
    await baseDb.query('analyze survey_deliveries');
    return { users, survey: baselineSurvey };
  }, body);

  async function newSurvey(a: TeamsUser, ch: TeamsChannel, anonymous: boolean): Promise<{ id: number; publicId: string }> {
    const s = await draftSurvey(targets.cadans.baseUrl, world, db, a, ch, { role: 'rvt', title: `Werkdruk ronde ${surveys.length + 1}${anonymous ? '' : ' (met namen)'}`, anonymous });
    const sent = await s.send();
    if (!sent.includes('Verstuurd naar 5 mensen')) throw new Error(`survey.send: ${sent.slice(0, 300)}`);
    // The author's delivery card must be posted (its activity id stored) before answers update it.
    const until = Date.now() + 60_000;
    for (;;) {
      const r = await db.query<{ card: string | null; sent: string }>(
        `select author_card_activity_id as card, (select count(*) from survey_deliveries d where d.survey_id = s.id and d.status = 'sent') as sent from surveys s where id = $1`,
        [s.id],
      );
      if (r.rows[0]?.card && Number(r.rows[0].sent) >= 5) break;
      if (Date.now() > until) throw new Error(`survey ${s.id}: the author's card or the 5 cards were not posted within 60 s`);
      await new Promise((res) => setTimeout(res, 100));
    }
    surveys.push({ id: s.id, publicId: s.publicId, anonymous });
    return { id: s.id, publicId: s.publicId };
  }

  const all = [targets.cadans, ...(targets.named ? [targets.named] : []), targets.baseline];
  const poolOf = (t: AnswerTarget) => (t === targets.cadans ? cadansPool : t === targets.named && namedPool ? namedPool : baselinePool);
  const maxC = Math.max(...o.concurrency);
  const clients = new Map(all.map((t) => [t.name, new KeepAliveClient(t.baseUrl, maxC)]));
  const pgPid = infra.server.pid;
  const allPids = [...new Set([...all.map((t) => t.pid), pgPid])];
  const cpu = (t: AnswerTarget) => {
    const runner = process.cpuUsage();
    return {
      monoUs: Number(process.hrtime.bigint() / 1000n),
      server: cpuSecondsOf([t.pid]),
      withDatabase: cpuSecondsOf([...new Set([...processTree(t.pid), ...processTree(pgPid)])]),
      ours: cpuSecondsOf([...new Set(allPids.flatMap((p) => processTree(p)))]) + (runner.user + runner.system) / 1e6,
      runner: (runner.user + runner.system) / 1e6,
      machine: machineCpuSeconds(),
    };
  };
  const one = (t: AnswerTarget) => {
    const client = clients.get(t.name) as KeepAliveClient;
    const pool = poolOf(t);
    return async (): Promise<void> => {
      const res = await client.post('/api/messages', pool.next());
      if (res.status !== 200 || !res.body.includes('Bedankt voor het invullen')) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    };
  };

  const result: AnswerResult = { warmupS: o.warmupS, durationS: o.durationS, rounds: o.rounds, concurrency: o.concurrency, answered: {}, surveys: 0, sealedBytes: 0, plainBytes: 0, rowsPerAnswer: {}, levels: [] };
  // Answers/s to plan the recipients for (the highest seen so far; a guess before the first round).
  let maxRate = 1_000;
  try {
    const t0 = performance.now();
    for (const t of all) await poolOf(t).ensure(Math.min(perSurvey, 2_000));
    // One answer each outside the figures: both accept an answer at all.
    for (const t of all) await one(t)();
    say(`  setup: survey sent, recipients seeded, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const c of o.concurrency) {
      const acc = new Map<string, { rounds: AnswerRound[]; samples: Float64Array[]; errors: number; firstError?: string; cpu: { server: number; withDatabase: number; runner: number } }>();
      for (let round = 0; round < o.rounds; round++) {
        const need = Math.ceil(maxRate * 1.5 * (o.warmupS + o.durationS)) + 2 * c + 500;
        for (const t of all) await poolOf(t).ensure(need);
        await o.beforeRound?.();
        for (const t of all) {
          let start = cpu(t);
          let end = start;
          const load = await closedLoop(c, o.warmupS, o.durationS, one(t), {
            onWindowStart: () => (start = cpu(t)),
            onWindowEnd: () => (end = cpu(t)),
          });
          maxRate = Math.max(maxRate, load.totalSent / (o.warmupS + o.durationS));
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
            `  ${t.name.padEnd(13)} c=${String(c).padEnd(3)}${o.rounds > 1 ? ` round ${round + 1}/${o.rounds}` : ''} ${load.throughput.toFixed(0).padStart(6)} answers/s  p50 ${load.latencyMs.p50.toFixed(2)} ms  p99 ${load.latencyMs.p99.toFixed(2)} ms` +
              `  cpu ${(((end.withDatabase - start.withDatabase) * 1000) / Math.max(1, load.requests)).toFixed(2)} ms/answer with the database  other load ${otherLoad.toFixed(2)} cores${load.errors ? `  ${load.errors} errors (${load.firstError})` : ''}`,
          );
        }
      }
      for (const t of all) {
        const a = acc.get(t.name);
        if (!a) continue;
        const pooled = poolSamples(a.samples);
        const n = Math.max(1, pooled.length);
        const tp = a.rounds.map((r) => r.throughput).sort((x, y) => x - y);
        const mid = Math.floor(tp.length / 2);
        result.levels.push({
          server: t.name,
          concurrency: c,
          rounds: o.rounds,
          durationS: o.durationS,
          throughput: tp.length % 2 ? (tp[mid] as number) : ((tp[mid - 1] as number) + (tp[mid] as number)) / 2,
          requests: pooled.length,
          errors: a.errors,
          ...(a.firstError !== undefined ? { firstError: a.firstError } : {}),
          latencyMs: latencyOf(pooled),
          cpuMsPerAnswer: { server: (a.cpu.server * 1000) / n, withDatabase: (a.cpu.withDatabase * 1000) / n, runner: (a.cpu.runner * 1000) / n },
          otherLoadMax: Math.max(0, ...a.rounds.map((r) => r.otherLoad)),
          byRound: a.rounds,
        });
      }
    }
    result.answered = Object.fromEntries(all.map((t) => [t.name, poolOf(t).used()]));
    result.surveys = surveys.length;
    // What anonymity costs in bytes and rows: the sealed answers (one size per survey) and the baseline's JSON.
    const sealed = await db.query<{ bytes: string | null; n: string }>(
      `select avg(octet_length(sealed))::int as bytes, count(*) as n from survey_sealed where survey_id = any($1::bigint[])`,
      [surveys.filter((s) => s.anonymous).map((s) => s.id)],
    );
    const plain = await baseDb.query<{ bytes: string | null }>('select avg(octet_length(answers::text))::int as bytes from survey_answers');
    result.sealedBytes = Number(sealed.rows[0]?.bytes ?? 0);
    result.plainBytes = Number(plain.rows[0]?.bytes ?? 0);
    const answered = cadansPool.used() + (namedPool?.used() ?? 0);
    const outbox = await db.query<{ n: string }>(`select count(*) as n from outbox_messages where tenant_id = $1 and op = 'update'`, [world.tenantId]);
    if (answered > 0) result.rowsPerAnswer = { 'outbox updates of the author card (coalesced)': Number(outbox.rows[0]!.n) / answered };
    return result;
  } finally {
    for (const cl of clients.values()) cl.close();
    await baseDb.end().catch(() => undefined);
  }
}
