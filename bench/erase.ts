// A person's erase as a board grows (issue 11; docs/benchmarks.md "Erasing a person"): the erase's
// heaviest part is that every sealed answer of the tenant's running surveys is opened, scrubbed and
// sealed again (docs/surveys.md "Privacy"), in the erase's transaction. One database per size (0,
// 2,000 and 20,000 sealed answers in one running anonymous survey of the werkdruk template, as
// many people, each with a delivery), each with its own real Cadans (startCadans, in this process).
// Each run erases one more person (a role, a delivery) through the privacy service, the sizes
// taking turns. Reported as ratios measured in the same run:
//   erase at N ÷ erase at 0 sealed answers   (what the re-seal adds)
//   erase at N ÷ rewriting the same N sealed rows in SQL alone (update … set sealed = sealed, rolled back)
// Run: npm run bench:erase [-- --sizes=2000,20000 --runs=5]
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { startCadans, type RunningCadans } from '../src/cadans.js';
import { startEmbeddedDatabase } from '../src/db/embedded.js';
import { seal, sealKeyFrom, sealSize } from '../src/surveys/seal.js';
import type { Question } from '../src/surveys/model.js';
import { testConfig } from '../test/support/harness.js';

const SECRET = 'bench-erase-seal-secret-0123456789abcdef0123456789';
const TENANT = '7e7e7e7e-0000-4000-8000-000000000001';
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const sizes = [0, ...arg('sizes', '2000,20000').split(',').map(Number)];
const runs = Number(arg('runs', '5'));

const QUESTIONS: Question[] = [
  { id: 'q1', kind: 'likert', text: 'Mijn werkdruk is de afgelopen weken goed te doen.', required: true },
  { id: 'q2', kind: 'likert', text: 'Ik kan mijn werk in mijn werktijd doen.', required: true },
  { id: 'q3', kind: 'likert', text: 'Ik heb genoeg energie aan het eind van de week.', required: true },
  { id: 'q4', kind: 'choice', text: 'Wat kost je de meeste tijd?', required: true, options: 'abcdef'.split('').map((id) => ({ id, label: `Optie ${id}` })) },
  { id: 'q5', kind: 'open', text: 'Wat zou je werkdruk het meest verlichten?', required: false },
];

async function seed(db: pg.Pool, n: number, serviceUrl: string): Promise<number> {
  await db.query("insert into tenants (id, language) values ($1, 'nl') on conflict do nothing", [TENANT]);
  const s = await db.query<{ id: string }>(
    `insert into surveys (tenant_id, kind, template_key, title, language, questions, anonymous, min_group_size, audience, status, opens_at, deadline,
                          results_conversation_id, results_service_url, created_by, sent_at)
     values ($1, 'pulse', 'werkdruk', 'Werkdruk', 'nl', $2, true, 5, '{"kind":"team"}', 'open', now(), now() + interval '30 days', '19:bench@thread.tacv2', $3, 'bench', now())
     returning id`,
    [TENANT, JSON.stringify(QUESTIONS), serviceUrl],
  );
  const surveyId = Number(s.rows[0]!.id);
  const key = sealKeyFrom(SECRET);
  const size = sealSize(QUESTIONS);
  const day = new Date().toISOString().slice(0, 10);
  for (let from = 0; from < n; from += 500) {
    const count = Math.min(500, n - from);
    const people = Array.from({ length: count }, (_, i) => ({ aad: randomUUID(), name: `Medewerker ${from + i + 1}` }));
    await db.query(
      `insert into people (tenant_id, aad_object_id, name) select $1, x.aad, x.name from jsonb_to_recordset($2::jsonb) as x(aad text, name text)`,
      [TENANT, JSON.stringify(people)],
    );
    await db.query(
      `insert into survey_deliveries (survey_id, tenant_id, aad_object_id, status, answered_at) select $1, $2, x.aad, 'sent', now() from jsonb_to_recordset($3::jsonb) as x(aad text)`,
      [surveyId, TENANT, JSON.stringify(people)],
    );
    const sealed = people.map((_, i) =>
      seal(key, surveyId, size, { day, school: null, perspective: null, answers: { q1: '3', q2: '4', q3: '2', q4: 'b', q5: `Minder vergaderen en meer tijd om lessen voor te bereiden (${from + i}).` } }),
    );
    await db.query('insert into survey_sealed (survey_id, sealed) select $1, unnest($2::bytea[])', [surveyId, sealed]);
  }
  return surveyId;
}

async function newVictim(db: pg.Pool, surveyId: number, run: number): Promise<string> {
  const aad = randomUUID();
  await db.query('insert into people (tenant_id, aad_object_id, name, email) values ($1, $2, $3, $4)', [TENANT, aad, `Wies Wissen ${run}`, `wies${run}@school.nl`]);
  await db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'medewerker')", [TENANT, aad]);
  await db.query("insert into survey_deliveries (survey_id, tenant_id, aad_object_id, status) values ($1, $2, $3, 'sent')", [surveyId, TENANT, aad]);
  return aad;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cadans-bench-erase-'));
  chmodSync(root, 0o755);
  const dbDir = path.join(root, 'db');
  mkdirSync(dbDir, { mode: 0o755 });
  const log = pino({ level: 'warn' });
  const database = await startEmbeddedDatabase(dbDir, log);
  const admin = new pg.Pool({ connectionString: database.url, max: 1 });
  const urlFor = (name: string) => {
    const u = new URL(database.url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const dbs: { n: number; cadans: RunningCadans; db: pg.Pool; surveyId: number; erase: number[]; floor: number[] }[] = [];
  try {
    for (const n of sizes) {
      const name = `erase_${n}`;
      await admin.query(`create database ${name}`);
      const dataDir = path.join(root, `data-${n}`);
      const cadans = await startCadans(testConfig({ CADANS_DATA_DIR: dataDir, SURVEY_SEAL_SECRET: SECRET }), pino({ level: 'silent' }), urlFor(name));
      const db = new pg.Pool({ connectionString: urlFor(name), max: 2 });
      db.on('error', () => undefined);
      const t0 = performance.now();
      const surveyId = await seed(db, n, 'http://127.0.0.1:9');
      await db.query('vacuum analyze');
      console.log(`seeded ${n} sealed answers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      dbs.push({ n, cadans, db, surveyId, erase: [], floor: [] });
    }
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? dbs : [...dbs].reverse();
      for (const x of order) {
        const victim = await newVictim(x.db, x.surveyId, run);
        const t0 = performance.now();
        const r = await x.cadans.privacy.person.erasePerson(TENANT, victim, 'bench');
        x.erase.push(performance.now() - t0);
        if ((r.counts.surveys ?? 0) < x.n) throw new Error(`erase at ${x.n} re-sealed fewer rows than there are (${JSON.stringify(r.counts)})`);
        // The floor: the same sealed rows rewritten by SQL alone, in a transaction rolled back.
        const client = await x.db.connect();
        try {
          const t1 = performance.now();
          await client.query('begin');
          await client.query("update survey_sealed set sealed = sealed || ''::bytea where survey_id = $1", [x.surveyId]);
          x.floor.push(performance.now() - t1);
          await client.query('rollback');
        } finally {
          client.release();
        }
      }
    }
    const base = median(dbs[0]!.erase);
    console.log('\n| sealed answers | erase median (ms) | ÷ erase at 0 | SQL rewrite alone (ms) | erase ÷ SQL rewrite | per sealed answer (ms) |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const x of dbs) {
      const e = median(x.erase);
      const f = median(x.floor);
      console.log(`| ${x.n.toLocaleString('en')} | ${e.toFixed(0)} (${Math.min(...x.erase).toFixed(0)}–${Math.max(...x.erase).toFixed(0)}) | ${(e / base).toFixed(1)}× | ${f.toFixed(0)} | ${x.n ? (e / f).toFixed(1) + '×' : '—'} | ${x.n ? ((e - base) / x.n).toFixed(3) : '—'} |`);
    }
    console.log(`\n${runs} runs per size, sizes alternating; load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  } finally {
    for (const x of dbs) {
      await x.db.end().catch(() => undefined);
      await x.cadans.stop().catch(() => undefined);
    }
    await admin.end().catch(() => undefined);
    await database.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
