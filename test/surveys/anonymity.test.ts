// Anonymity by construction (docs/surveys.md): 50 people answer at once, in random order; afterwards
// nothing in a plain dump of the tables (ctid, xmin, ids, timestamps, row order) lines the anonymous
// answers up with the order of the "answered" marks, and nothing before closing can be read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import pino from 'pino';
import { Writable } from 'node:stream';
import { startCadans, type RunningCadans } from '../../src/cadans.js';
import { createTestDatabase } from '../support/db.js';
import { testConfig } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: RunningCadans;
let dropDb: () => Promise<void>;
/** Every log line this Cadans wrote, at debug level. */
const logLines: string[] = [];
let world: TeamsWorld;
let author: TeamsUser;
let staff: TeamsUser[];
let channel: TeamsChannel;
let surveyDbId: number;
let surveyId: string;

const OPEN_QUESTIONS = 4;

/** Spearman's rank correlation of two equally long lists of distinct numbers. */
function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (xs: readonly number[]) => {
    const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(xs.length);
    order.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const d2 = ra.reduce((s, x, i) => s + (x - rb[i]!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

beforeAll(async () => {
  connector = await startFakeConnector();
  const db = await createTestDatabase();
  dropDb = db.drop;
  const sink = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
  cadans = await startCadans(testConfig(), pino({ level: 'debug' }, sink), db.url);
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  author = world.user({ name: 'Karin Kwaliteit' });
  staff = Array.from({ length: 50 }, (_, i) => world.user({ name: `Collega ${i + 1}` }));
  const team = world.team({ name: 'Team Onderwijs', channels: ['Kwaliteit'], members: staff });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(author, 'hulp'));
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, author.aadObjectId]);
  await postActivity(cadans.url, world.actionExecute(author, channel, 'survey.create', { v: 1, template: 'werkdruk' }));
  const row = await cadans.db.query<{ id: string; public_id: string }>('select id, public_id from surveys order by id desc limit 1');
  surveyDbId = Number(row.rows[0]!.id);
  surveyId = row.rows[0]!.public_id;
  // A self-evaluation with four open questions: every answer row then carries a text that tells the
  // test (and only the test) whose it is.
  const questions = Array.from({ length: OPEN_QUESTIONS }, (_, i) => ({ id: `q${i + 1}`, kind: 'open', text: `Open vraag ${i + 1}`, required: true }));
  await cadans.db.query("update surveys set kind = 'selfEvaluation', questions = $2 where id = $1", [surveyDbId, JSON.stringify(questions)]);
  const sent = await postActivity(cadans.url, world.actionExecute(author, channel, 'survey.send', { v: 1, survey: surveyId }));
  expect(JSON.stringify(sent.body)).toContain('Verstuurd naar 50 mensen');
}, 60_000);

afterAll(async () => {
  await cadans?.stop();
  await dropDb?.();
  await connector?.close();
});

describe('anonymous answers', () => {
  it('cannot be read before the survey closes, and cannot be lined up with who answered when afterwards', async () => {
    // Everyone answers at once, in a random order.
    const order = staff.map((u, i) => ({ u, i })).sort(() => Math.random() - 0.5);
    const data = (i: number) => Object.fromEntries(Array.from({ length: OPEN_QUESTIONS }, (_, q) => [`a_q${q + 1}`, `persoon-${i}-vraag-${q + 1}`]));
    const responses = await Promise.all(order.map(({ u, i }) => postActivity(cadans.url, world.actionExecute(u, u, 'survey.answer', { v: 1, survey: surveyId, ...data(i) }))));
    for (const r of responses) expect(JSON.stringify(r.body)).toContain('Bedankt voor het invullen');

    // Before closing: sealed, nothing readable in the database.
    const sealed = await cadans.db.query<{ sealed: Buffer }>('select sealed from survey_sealed where survey_id = $1', [surveyDbId]);
    expect(sealed.rows).toHaveLength(50);
    expect(new Set(sealed.rows.map((r) => r.sealed.length)).size).toBe(1); // one padded size
    for (const r of sealed.rows) expect(r.sealed.toString('latin1')).not.toMatch(/persoon-/);
    expect((await cadans.db.query('select count(*)::int as n from survey_answers where survey_id = $1', [surveyDbId])).rows[0].n).toBe(0);

    // The order of the "answered" marks, as the deliveries table keeps it (and a Teams admin could see it).
    const marks = await cadans.db.query<{ aad_object_id: string }>('select aad_object_id from survey_deliveries where survey_id = $1 order by answered_at, xmin::text::bigint', [surveyDbId]);
    const markRank = new Map(marks.rows.map((r, k) => [staff.findIndex((u) => u.aadObjectId === r.aad_object_id), k]));
    expect(markRank.size).toBe(50);

    await cadans.surveys.service.close(surveyDbId);

    // A plain dump of the answers table with everything a copy of it holds.
    const dump = await cadans.db.query<{ ctid: string; xmin: string; id: string; text: string }>(
      'select ctid::text as ctid, xmin::text as xmin, id::text as id, text from survey_answers where survey_id = $1',
      [surveyDbId],
    );
    expect(dump.rows).toHaveLength(50 * OPEN_QUESTIONS);
    const person = (t: string) => Number(/^persoon-(\d+)-/.exec(t)![1]);
    const truth = dump.rows.map((r) => markRank.get(person(r.text))!);
    const ctidOrder = dump.rows.map((r) => {
      const [page, item] = r.ctid.slice(1, -1).split(',').map(Number);
      return page! * 10_000 + item!;
    });
    const idOrder = (() => {
      const sorted = [...dump.rows.map((r) => r.id)].sort();
      return dump.rows.map((r) => sorted.indexOf(r.id));
    })();
    // Ties on the marks (several people per rank are impossible: 50 distinct ranks, 4 rows each) are
    // broken by position, so the correlation is computed on distinct numbers.
    const withTies = (xs: number[]) => xs.map((x, i) => x * 1_000 + (i % 1_000));
    const rhoCtid = spearman(withTies(truth), ctidOrder);
    const rhoId = spearman(withTies(truth), idOrder);
    expect(Math.abs(rhoCtid)).toBeLessThan(0.3);
    expect(Math.abs(rhoId)).toBeLessThan(0.3);
    // Written in one transaction: one xmin for all, so it orders nothing.
    expect(new Set(dump.rows.map((r) => r.xmin)).size).toBe(1);
    // No time beyond the day, and the sealed copies are gone.
    const days = await cadans.db.query<{ n: number }>('select count(distinct answered_on)::int as n from survey_responses where survey_id = $1', [surveyDbId]);
    expect(days.rows[0]!.n).toBeLessThanOrEqual(2);
    expect((await cadans.db.query('select count(*)::int as n from survey_sealed where survey_id = $1', [surveyDbId])).rows[0].n).toBe(0);
  });

  it('writes no answer to the logs or the outbox', async () => {
    expect(logLines.some((l) => l.includes('survey sent'))).toBe(true); // the log was captured, at debug level
    expect(logLines.some((l) => l.includes('survey closed'))).toBe(true);
    expect(logLines.filter((l) => l.includes('persoon-'))).toEqual([]);
    const rows = await cadans.db.query<{ payload: unknown }>('select payload from outbox_messages where idempotency_key like $1', [`survey:${surveyDbId}:%`]);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) expect(JSON.stringify(r.payload)).not.toMatch(/persoon-/);
  });
});
