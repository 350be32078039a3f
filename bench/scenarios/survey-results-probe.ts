// The result summary of a closed survey (issue 9), measured in a process of its own with Cadans'
// compiled modules (dist/, or src/ under --runtime=tsx): what the result card's renderer does —
// `service.resultData(id)` (its queries over the pool, in parallel, as Cadans runs them) and the
// results card rendered from it — next to the baseline, the one grouping query over the same rows
// on the same pool. A small HTTP server: GET /cadans and GET /baseline each time one run and answer
// JSON; the runner decides the order and reads the database's CPU around each call.
// Prints "READY <url>" when listening. Env: BENCH_DATABASE_URL (Cadans' database), BENCH_SURVEY_ID.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { createCardRenderer } from '../../src/cards/render.js';
import { createPool } from '../../src/db/pool.js';
import { listSchools } from '../../src/people/store.js';
import { createResultCards } from '../../src/surveys/results-card.js';
import { sealKeyFrom } from '../../src/surveys/seal.js';
import { createSurveyService } from '../../src/surveys/service.js';
import type { SurveyConversations, SurveyOutbox, SurveyPeople } from '../../src/surveys/ports.js';

const url = process.env.BENCH_DATABASE_URL;
const surveyId = Number(process.env.BENCH_SURVEY_ID);
if (!url || !Number.isSafeInteger(surveyId)) throw new Error('BENCH_DATABASE_URL and BENCH_SURVEY_ID are needed');

const log = pino({ level: 'warn' });
// Cadans' main pool: 10 connections (src/cadans.ts).
const db = createPool(url, log, 10, 'bench-results');
const unused = (what: string) => () => {
  throw new Error(`the result summary does not use ${what}`);
};
/** Only what the result summary uses is real; anything else the service asks for throws (the port may grow). */
function only<T extends object>(what: string, real: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(real, { get: (target, key) => (key in target ? target[key as keyof typeof target] : unused(`${what}.${String(key)}`)) }) as T;
}
const service = createSurveyService({
  db,
  outbox: only<SurveyOutbox>('outbox', {}),
  // As the people feature answers it (src/people/service.ts: listSchools).
  people: only<SurveyPeople>('people', { schools: (tenantId: string) => listSchools(db, tenantId) }),
  conversations: only<SurveyConversations>('conversations', {}),
  sealKey: sealKeyFrom('bench: the result summary opens nothing'),
  templates: () => [],
  sendMoment: (at) => at,
  jobs: { fanOut: unused('jobs') },
  now: () => new Date(),
  log,
});
const cards = createResultCards(createCardRenderer(path.join(process.cwd(), 'adaptive-cards')));
const BASELINE_SQL = 'select question_id, value, count(*) from survey_answers where survey_id = $1 group by 1, 2';

async function cadans() {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const data = await service.resultData(surveyId);
  if (!data) throw new Error(`survey ${surveyId} not found`);
  const t1 = performance.now();
  const card = await cards.render(data);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const json = JSON.stringify(card);
  return {
    ms: t2 - t0,
    queryMs: t1 - t0,
    renderMs: t2 - t1,
    cpuMs: (cpu.user + cpu.system) / 1000,
    respondents: data.responses.reduce((n, r) => n + r.n, 0),
    countRows: data.counts.length,
    values: data.counts.reduce((n, r) => n + r.n, 0),
    cardBytes: json.length,
    card: json.length < 200_000 ? json : null,
  };
}

async function baseline() {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await db.query(BASELINE_SQL, [surveyId]);
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return { ms: t1 - t0, cpuMs: (cpu.user + cpu.system) / 1000, rows: r.rows.length, values: r.rows.reduce((n, x: { count: string }) => n + Number(x.count), 0) };
}

const server = http.createServer((req, res) => {
  const run = req.url === '/cadans' ? cadans : req.url === '/baseline' ? baseline : null;
  if (!run) {
    res.writeHead(404).end();
    return;
  }
  run().then(
    (x) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(x)),
    (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err instanceof Error ? (err.stack ?? err.message) : String(err)),
  );
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
const stop = () => {
  server.close();
  void db.end().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
