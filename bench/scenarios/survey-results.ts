// The result summary of a closed survey with many responses (issue 9): seeded by SQL (as the close
// writes them: survey_responses and survey_answers, no person, segments by school), then per round
// Cadans' computation and render (survey-results-probe.ts: service.resultData → the results card)
// and the baseline query (`select question_id, value, count(*) … group by 1, 2`) take turns in the
// same process, on the same pool, over the same rows. Target: Cadans' median ≤ 1.5× the baseline's.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { materialise, type TemplateQuestion } from '../../src/surveys/model.js';
import { SURVEY_TEMPLATES } from '../../src/surveys/templates.js';
import { cpuSecondsOf, machineCpuSeconds, processTree } from '../lib/proc.js';
import type { SurveyInfra } from './survey-setup.js';

export const SCHOOLS = ['De Regenboog', 'Het Kompas', 'De Vlinder', 'Sint Jozef'];

export interface ResultsRound {
  /** Median ms of the round's runs. */
  cadansMs: number;
  baselineMs: number;
  otherLoad: number;
}

export interface ResultsResult {
  responses: number;
  questions: number;
  values: number;
  recipients: number;
  seedS: number;
  rounds: number;
  reps: number;
  /** All runs pooled: median ms, and Cadans' split into the queries (resultData) and the render. */
  cadans: { medianMs: number; minMs: number; maxMs: number; queryMs: number; renderMs: number; nodeCpuMs: number; dbCpuMs: number; cardBytes: number; respondents: number; countRows: number };
  baseline: { medianMs: number; minMs: number; maxMs: number; dbCpuMs: number; rows: number };
  byRound: ResultsRound[];
  /** Checks: the card counted every respondent, and the counts add up to the values seeded. */
  checks: { respondentsOk: boolean; valuesOk: boolean; cardMentionsRespondents: boolean };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Ten likert statements from the built-in templates, with ids q1…q10 (a pulse has at most 10 questions). */
function tenStatements() {
  const likert: TemplateQuestion[] = SURVEY_TEMPLATES.flatMap((t) => t.questions).filter((q) => q.kind === 'likert').slice(0, 10);
  if (likert.length < 10) throw new Error('fewer than 10 likert statements in the built-in templates');
  return materialise(likert, 'nl');
}

/** A closed anonymous survey with `responses` responses to 10 statements, as its close left it; returns its id. */
export async function seedClosedSurvey(infra: SurveyInfra, responses: number): Promise<{ id: number; recipients: number; seconds: number }> {
  const t0 = performance.now();
  const { db } = infra;
  const tenant = randomUUID();
  await db.query(`insert into tenants (id, language) values ($1, 'nl')`, [tenant]);
  const schools = await db.query<{ id: string }>(`insert into schools (tenant_id, name) select $1, x from unnest($2::text[]) x returning id`, [tenant, SCHOOLS]);
  const schoolIds = schools.rows.map((r) => Number(r.id));
  const recipients = Math.round(responses * 1.2); // a response rate of 83 %
  const s = await db.query<{ id: string }>(
    `insert into surveys (tenant_id, kind, template_key, title, language, questions, anonymous, min_group_size, audience, status, opens_at, deadline, sent_at, closed_at, created_by)
     values ($1, 'pulse', null, 'Tevredenheid medewerkers 2026', 'nl', $2, true, 5, '{"kind":"roles","roles":["medewerker"]}', 'closed',
             now() - interval '14 days', now() - interval '1 hour', now() - interval '14 days', now() - interval '1 hour', $3)
     returning id`,
    [tenant, JSON.stringify(tenStatements()), randomUUID()],
  );
  const id = Number(s.rows[0]!.id);
  // Who it went to (segments: four schools), and who answered.
  await db.query(
    `insert into survey_deliveries (survey_id, tenant_id, aad_object_id, school_id, status, answered_at)
     select $1, $2, 'bench-' || g, ($3::bigint[])[1 + g % 4], 'sent', case when g <= $4 then now() - interval '2 days' end from generate_series(1, $5) g`,
    [id, tenant, schoolIds, responses, recipients],
  );
  // What the close wrote: one row per response (the day, the school), one per answer value, no link between them.
  await db.query(
    `insert into survey_responses (survey_id, answered_on, school_id) select $1, current_date - (g % 10), ($2::bigint[])[1 + g % 4] from generate_series(1, $3) g`,
    [id, schoolIds, responses],
  );
  // Answers leaning to agree (mean about 3.5), like most staff surveys.
  await db.query(
    `insert into survey_answers (survey_id, question_id, value, school_id)
     select $1, 'q' || q, (array[1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5])[1 + floor(random() * 14)::int], ($2::bigint[])[1 + g % 4]
     from generate_series(1, $3) g, generate_series(1, 10) q`,
    [id, schoolIds, responses],
  );
  // As autovacuum leaves them some time after the close (visibility map, statistics): for both sides alike.
  await db.query('vacuum analyze survey_answers, survey_responses, survey_deliveries');
  return { id, recipients, seconds: (performance.now() - t0) / 1000 };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${body.slice(0, 500)}`);
  return JSON.parse(body) as T;
}

interface CadansRun {
  ms: number;
  queryMs: number;
  renderMs: number;
  cpuMs: number;
  respondents: number;
  countRows: number;
  values: number;
  cardBytes: number;
  card: string | null;
}

export async function runSurveyResults(
  infra: SurveyInfra,
  probeUrl: string,
  survey: { id: number; recipients: number; seconds: number },
  o: { responses: number; rounds: number; reps: number; beforeRound?: () => Promise<void> },
  say: (line: string) => void,
): Promise<ResultsResult> {
  const pgPid = infra.server.pid;
  const dbCpu = () => cpuSecondsOf(processTree(pgPid));
  const cadansRuns: Array<CadansRun & { dbMs: number }> = [];
  const baseRuns: Array<{ ms: number; rows: number; values: number; dbMs: number }> = [];
  const cadans = async () => {
    const d0 = dbCpu();
    const r = await getJson<CadansRun>(`${probeUrl}/cadans`);
    return { ...r, dbMs: (dbCpu() - d0) * 1000 };
  };
  const baseline = async () => {
    const d0 = dbCpu();
    const r = await getJson<{ ms: number; rows: number; values: number }>(`${probeUrl}/baseline`);
    return { ...r, dbMs: (dbCpu() - d0) * 1000 };
  };
  // Warm-up (plans, caches, the JIT), not counted.
  const first = await cadans();
  await baseline();
  const byRound: ResultsRound[] = [];
  for (let round = 0; round < o.rounds; round++) {
    await o.beforeRound?.();
    const m0 = machineCpuSeconds();
    const ours0 = dbCpu() + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
    const c: number[] = [];
    const b: number[] = [];
    // Taking turns, the order alternating (c b b c c b …), so a drift on the machine hits both alike.
    for (let i = 0; i < o.reps; i++) {
      const order = i % 2 === 0 ? ['c', 'b'] : ['b', 'c'];
      for (const x of order) {
        if (x === 'c') {
          const r = await cadans();
          cadansRuns.push(r);
          c.push(r.ms);
        } else {
          const r = await baseline();
          baseRuns.push(r);
          b.push(r.ms);
        }
      }
    }
    const m1 = machineCpuSeconds();
    const ours1 = dbCpu() + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
    const windowS = (m1.total - m0.total) / (os.cpus().length || 1) || 1;
    // The probe's own CPU is in cadansRuns (cpuMs); count it as ours.
    const probeS = cadansRuns.slice(-o.reps).reduce((n, r) => n + r.cpuMs, 0) / 1000;
    const otherLoad = Math.max(0, (m1.busy - m0.busy - (ours1 - ours0) - probeS) / windowS);
    byRound.push({ cadansMs: median(c), baselineMs: median(b), otherLoad });
    say(`  results${o.rounds > 1 ? ` round ${round + 1}/${o.rounds}` : ''}: Cadans ${median(c).toFixed(0)} ms, baseline query ${median(b).toFixed(0)} ms (${(median(c) / median(b)).toFixed(2)}×), other load ${otherLoad.toFixed(2)} cores`);
  }
  const cMs = cadansRuns.map((r) => r.ms);
  const bMs = baseRuns.map((r) => r.ms);
  const values = o.responses * 10;
  const respondentsText = o.responses.toLocaleString('nl-NL');
  return {
    responses: o.responses,
    questions: 10,
    values,
    recipients: survey.recipients,
    seedS: survey.seconds,
    rounds: o.rounds,
    reps: o.reps,
    cadans: {
      medianMs: median(cMs),
      minMs: Math.min(...cMs),
      maxMs: Math.max(...cMs),
      queryMs: median(cadansRuns.map((r) => r.queryMs)),
      renderMs: median(cadansRuns.map((r) => r.renderMs)),
      nodeCpuMs: median(cadansRuns.map((r) => r.cpuMs)),
      dbCpuMs: median(cadansRuns.map((r) => r.dbMs)),
      cardBytes: first.cardBytes,
      respondents: first.respondents,
      countRows: first.countRows,
    },
    baseline: { medianMs: median(bMs), minMs: Math.min(...bMs), maxMs: Math.max(...bMs), dbCpuMs: median(baseRuns.map((r) => r.dbMs)), rows: baseRuns[0]?.rows ?? 0 },
    byRound,
    checks: {
      respondentsOk: first.respondents === o.responses,
      valuesOk: first.values === values && baseRuns.every((r) => r.values === values),
      cardMentionsRespondents: first.card === null || first.card.includes(respondentsText),
    },
  };
}

