// The surveys' part of a meeting's prep pack, through the running Cadans (its survey feature as
// cadans.ts builds it, real PostgreSQL): recent closed surveys of a school and the board's, only
// those whose results the member who prepares may see, with the response rate and the weakest
// statement only as far as the result card's thresholds allow, never another tenant's. The closed
// surveys are written as closing writes them (deliveries, anonymous responses and answers): the test
// is about the read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrepViewer } from '../../src/surveys/feature.js';
import { prepHeadline } from '../../src/surveys/prep.js';
import { computeResults, type AnswerCount } from '../../src/surveys/results.js';
import type { Question } from '../../src/surveys/model.js';
import type { RoleGrant } from '../../src/people/feature.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';

let cadans: TestCadans;
const TENANT = 'tenant-prep-surveys';
const OTHER = 'tenant-prep-elders';
const TODAY = '2026-03-11';
let schoolA: number;
let schoolB: number;

const viewer = (aadObjectId: string, grants: RoleGrant[], tenantId = TENANT): PrepViewer => ({ tenantId, aadObjectId, grants });
const bestuurder = () => viewer('aad-bert', [{ role: 'bestuurder', schoolId: null }]);
const directeurA = () => viewer('aad-dirk', [{ role: 'directeur', schoolId: schoolA }]);
const titles = (xs: { title: string }[]) => xs.map((x) => x.title);

const QUESTIONS = {
  nl: [
    { id: 'q1', kind: 'likert', text: 'Ik heb genoeg tijd om mijn lessen voor te bereiden.', required: true },
    { id: 'q2', kind: 'likert', text: 'Ik kan mijn werk binnen mijn werktijd af.', required: true },
    { id: 'q3', kind: 'yesno', text: 'Heb je dit schooljaar een klassenbezoek gehad?', required: true },
    { id: 'q4', kind: 'open', text: 'Wat zou je werkdruk verlagen?', required: false },
  ],
  en: [
    { id: 'q1', kind: 'likert', text: 'I have enough time to prepare my lessons.', required: true },
    { id: 'q2', kind: 'likert', text: 'I can finish my work within my working hours.', required: true },
  ],
};

let seq = 0;
/**
 * A survey as closing leaves it. `respondents`: per respondent their school label (as stored) and
 * their likert values for q1 and q2 (q3: yes). Recipients: `recipients` per school, the respondents
 * among them.
 */
async function survey(o: {
  tenantId?: string;
  title: string;
  schoolId: number | null;
  closedAt: string;
  language?: 'nl' | 'en';
  anonymous?: boolean;
  minGroupSize?: number;
  status?: 'closed' | 'open' | 'cancelled';
  createdBy?: string;
  recipients: { school: number | null; n: number }[];
  respondents: { school: number | null; q1: number; q2: number }[];
}): Promise<void> {
  const tenantId = o.tenantId ?? TENANT;
  const language = o.language ?? 'nl';
  const anonymous = o.anonymous ?? true;
  const r = await cadans.db.query<{ id: string }>(
    `insert into surveys (tenant_id, kind, title, language, questions, anonymous, min_group_size, school_id, status, closed_at, created_by, sent_at)
     values ($1, 'pulse', $2, $3, $4, $5, $6, $7, $8, $9, $10, $9::timestamptz - interval '7 days') returning id`,
    [tenantId, o.title, language, JSON.stringify(QUESTIONS[language]), anonymous, o.minGroupSize ?? 5, o.schoolId, o.status ?? 'closed', o.status === 'open' ? null : o.closedAt, o.createdBy ?? 'aad-karin'],
  );
  const id = Number(r.rows[0]!.id);
  const left = [...o.respondents];
  for (const g of o.recipients) {
    for (let i = 0; i < g.n; i++) {
      const k = left.findIndex((x) => x.school === g.school);
      const answered = k >= 0 ? left.splice(k, 1)[0]! : null;
      const answers = answered && !anonymous ? { q1: answered.q1, q2: answered.q2, ...(language === 'nl' ? { q3: 1 } : {}) } : null;
      await cadans.db.query('insert into survey_deliveries (survey_id, tenant_id, aad_object_id, school_id, status, answered_at, answers) values ($1, $2, $3, $4, $5, $6, $7)', [
        id, tenantId, `aad-r${++seq}`, g.school, 'sent', answered ? o.closedAt : null, answers ? JSON.stringify(answers) : null,
      ]);
    }
  }
  expect(left).toEqual([]); // every respondent was a recipient
  if (!anonymous) return;
  for (const a of o.respondents) {
    await cadans.db.query('insert into survey_responses (survey_id, answered_on, school_id) values ($1, $2, $3)', [id, o.closedAt.slice(0, 10), a.school]);
    const values: [string, number][] = [['q1', a.q1], ['q2', a.q2], ...(language === 'nl' ? ([['q3', 1]] as [string, number][]) : [])];
    for (const [q, v] of values) await cadans.db.query('insert into survey_answers (survey_id, question_id, value, school_id) values ($1, $2, $3, $4)', [id, q, v, a.school]);
  }
  if (language === 'nl') await cadans.db.query("insert into survey_answers (survey_id, question_id, text, school_id) values ($1, 'q4', 'Minder vergaderen', null)", [id]);
}

const of = (school: number, q1: number[], q2: number[]) => q1.map((v, i) => ({ school, q1: v, q2: q2[i]! }));

beforeAll(async () => {
  cadans = await startTestCadans();
  await cadans.db.query('insert into tenants (id) values ($1), ($2)', [TENANT, OTHER]);
  const s = await cadans.db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'De Linde'), ($1, 'Het Baken'), ($2, 'De Linde') returning id", [TENANT, OTHER]);
  [schoolA, schoolB] = s.rows.map((r) => Number(r.id)) as [number, number];
  const otherSchool = Number(s.rows[2]!.id);

  // School A, above its threshold: 6 of 10 answered; q2 is the weakest (17/6 = 2.83).
  await survey({ title: 'Werkdruk De Linde', schoolId: schoolA, closedAt: '2026-03-06T16:00:00Z', recipients: [{ school: schoolA, n: 10 }], respondents: of(schoolA, [4, 4, 5, 3, 4, 4], [3, 2, 3, 3, 3, 3]) });
  // School A, below its threshold: 3 of 10 answered (minimum 5).
  await survey({ title: 'Schoolklimaat De Linde', schoolId: schoolA, closedAt: '2026-03-04T16:00:00Z', recipients: [{ school: schoolA, n: 10 }], respondents: of(schoolA, [1, 1, 2], [1, 1, 1]) });
  // School B, in English: 5 of 5 answered.
  await survey({ title: 'Workload Het Baken', schoolId: schoolB, language: 'en', closedAt: '2026-03-05T16:00:00Z', recipients: [{ school: schoolB, n: 5 }], respondents: of(schoolB, [2, 3, 3, 3, 3], [4, 4, 4, 4, 4]) });
  // The board's, both schools large enough: as a whole q2 is weakest (2.5); school A's part alone: q1 (13/6 = 2.17).
  await survey({
    title: 'Werkdruk bestuur', schoolId: null, closedAt: '2026-02-20T16:00:00Z',
    recipients: [{ school: schoolA, n: 10 }, { school: schoolB, n: 10 }],
    respondents: [...of(schoolA, [2, 2, 2, 3, 2, 2], [4, 4, 4, 4, 4, 4]), ...of(schoolB, [5, 5, 5, 5, 5, 5], [1, 1, 1, 1, 1, 1])],
  });
  // The board's, school B below the threshold (2): school A's 6 are hidden too, or B could be worked out.
  await survey({
    title: 'Teamklimaat bestuur', schoolId: null, closedAt: '2026-02-10T16:00:00Z',
    recipients: [{ school: schoolA, n: 8 }, { school: schoolB, n: 4 }],
    respondents: [...of(schoolA, [4, 4, 4, 4, 4, 4], [3, 3, 3, 3, 3, 3]), ...of(schoolB, [1, 1], [1, 1])],
  });
  // Named (not anonymous), 2 of 8: no threshold, as on its result card.
  await survey({ title: 'Studiedag De Linde', schoolId: schoolA, anonymous: false, closedAt: '2026-01-15T16:00:00Z', recipients: [{ school: schoolA, n: 8 }], respondents: of(schoolA, [3, 5], [2, 4]) });
  // Just inside the 120 days (from the start of 11 November in Amsterdam), and just outside.
  await survey({ title: 'Net binnen', schoolId: schoolA, closedAt: '2025-11-10T23:00:00Z', recipients: [{ school: schoolA, n: 5 }], respondents: [] });
  await survey({ title: 'Net buiten', schoolId: schoolA, closedAt: '2025-11-10T22:59:59Z', recipients: [{ school: schoolA, n: 5 }], respondents: [] });
  // Not closed: still open, and cancelled.
  await survey({ title: 'Nog open', schoolId: schoolA, status: 'open', closedAt: '2026-03-10T16:00:00Z', recipients: [{ school: schoolA, n: 5 }], respondents: [] });
  await survey({ title: 'Geannuleerd', schoolId: schoolA, status: 'cancelled', closedAt: '2026-03-09T16:00:00Z', recipients: [{ school: schoolA, n: 5 }], respondents: [] });
  // Another tenant's, with the same title as one here, and its board's.
  await survey({ tenantId: OTHER, title: 'Werkdruk De Linde', schoolId: otherSchool, closedAt: '2026-03-07T16:00:00Z', createdBy: 'aad-bert', recipients: [{ school: otherSchool, n: 5 }], respondents: of(otherSchool, [5, 5, 5, 5, 5], [5, 5, 5, 5, 5]) });
  await survey({ tenantId: OTHER, title: 'Elders: bestuur', schoolId: null, closedAt: '2026-03-08T16:00:00Z', createdBy: 'aad-bert', recipients: [{ school: null, n: 5 }], respondents: [] });
}, 60_000);

afterAll(async () => {
  await cadans?.close();
});

const at = (iso: string) => new Date(iso);

describe('the threshold', () => {
  it('gives a survey above its threshold its response rate and the weakest statement as headline', async () => {
    const [first] = await cadans.surveys.forPrep(bestuurder(), schoolA, TODAY, 1);
    expect(first).toEqual({
      title: 'Werkdruk De Linde',
      closedAt: at('2026-03-06T16:00:00Z'),
      responseRate: 0.6,
      headline: 'Laagste score: ‘Ik kan mijn werk binnen mijn werktijd af.’ (2,8 van 5)',
    });
  });

  it('gives a survey below its threshold neither a response rate nor a headline', async () => {
    const items = await cadans.surveys.forPrep(bestuurder(), schoolA, TODAY, 10);
    expect(items.find((x) => x.title === 'Schoolklimaat De Linde')).toEqual({ title: 'Schoolklimaat De Linde', closedAt: at('2026-03-04T16:00:00Z'), responseRate: null, headline: null });
  });

  it('writes the headline in the survey’s language', async () => {
    const [b] = await cadans.surveys.forPrep(bestuurder(), schoolB, TODAY, 1);
    expect(b).toMatchObject({ title: 'Workload Het Baken', responseRate: 1, headline: 'Lowest score: ‘I have enough time to prepare my lessons.’ (2.8 out of 5)' });
  });

  it('shows a named survey as its result card does: no threshold, everyone answered under their name', async () => {
    const items = await cadans.surveys.forPrep(bestuurder(), schoolA, TODAY, 10);
    expect(items.find((x) => x.title === 'Studiedag De Linde')).toMatchObject({ responseRate: 0.25, headline: 'Laagste score: ‘Ik kan mijn werk binnen mijn werktijd af.’ (3,0 van 5)' });
  });
});

describe('what a school table gets', () => {
  it("lists the school's and the board's surveys closed in the last 120 days, newest first, up to the limit", async () => {
    expect(titles(await cadans.surveys.forPrep(bestuurder(), schoolA, TODAY, 10))).toEqual([
      'Werkdruk De Linde', 'Schoolklimaat De Linde', 'Werkdruk bestuur', 'Teamklimaat bestuur', 'Studiedag De Linde', 'Net binnen',
    ]);
    expect(titles(await cadans.surveys.forPrep(bestuurder(), schoolA, TODAY))).toHaveLength(5);
    expect(titles(await cadans.surveys.forPrep(bestuurder(), schoolA, TODAY, 2))).toEqual(['Werkdruk De Linde', 'Schoolklimaat De Linde']);
  });

  it("gives a tenant-wide bestuurder a board survey's figures as a whole", async () => {
    const items = await cadans.surveys.forPrep(bestuurder(), schoolA, TODAY, 10);
    expect(items.find((x) => x.title === 'Werkdruk bestuur')).toMatchObject({ responseRate: 0.6, headline: 'Laagste score: ‘Ik kan mijn werk binnen mijn werktijd af.’ (2,5 van 5)' });
    expect(items.find((x) => x.title === 'Teamklimaat bestuur')).toMatchObject({ responseRate: 8 / 12, headline: 'Laagste score: ‘Ik kan mijn werk binnen mijn werktijd af.’ (2,5 van 5)' });
  });

  it("gives school A's directeur their school's surveys and their school's part of the board's, never school B's", async () => {
    const items = await cadans.surveys.forPrep(directeurA(), schoolA, TODAY, 10);
    expect(titles(items)).toEqual(['Werkdruk De Linde', 'Schoolklimaat De Linde', 'Werkdruk bestuur', 'Teamklimaat bestuur', 'Studiedag De Linde', 'Net binnen']);
    // Their school's part: A's own weakest statement and A's response rate, not the board's.
    expect(items.find((x) => x.title === 'Werkdruk bestuur')).toMatchObject({ responseRate: 0.6, headline: 'Laagste score: ‘Ik heb genoeg tijd om mijn lessen voor te bereiden.’ (2,2 van 5)' });
    // School A's part is hidden on its card (it protects school B's two): hidden here too.
    expect(items.find((x) => x.title === 'Teamklimaat bestuur')).toMatchObject({ responseRate: null, headline: null });
    expect(await cadans.surveys.forPrep(directeurA(), schoolB, TODAY, 10)).toEqual([]);
  });

  it('gives a medewerker without a role nothing, at a school table or a board table', async () => {
    const piet = viewer('aad-piet', [{ role: 'medewerker', schoolId: schoolA }]);
    expect(await cadans.surveys.forPrep(piet, schoolA, TODAY, 10)).toEqual([]);
    expect(await cadans.surveys.forPrep(piet, null, TODAY, 10)).toEqual([]);
  });

  it('gives the author of a survey their own survey, as its results card does', async () => {
    const karin = viewer('aad-karin', [{ role: 'medewerker', schoolId: schoolB }]);
    expect(titles(await cadans.surveys.forPrep(karin, schoolB, TODAY, 10))).toEqual(['Workload Het Baken', 'Werkdruk bestuur', 'Teamklimaat bestuur']);
  });
});

describe('a board table (school null)', () => {
  it('lists every school’s and the board’s surveys the viewer may see', async () => {
    expect(titles(await cadans.surveys.forPrep(bestuurder(), null, TODAY, 3))).toEqual(['Werkdruk De Linde', 'Workload Het Baken', 'Schoolklimaat De Linde']);
    // A school's directeur: their own school's surveys; the board's whole results are not theirs to see.
    expect(titles(await cadans.surveys.forPrep(directeurA(), null, TODAY, 10))).toEqual(['Werkdruk De Linde', 'Schoolklimaat De Linde', 'Studiedag De Linde', 'Net binnen']);
  });
});

describe('tenants', () => {
  it("never returns another tenant's surveys", async () => {
    const all = titles(await cadans.surveys.forPrep(viewer('aad-bert', [{ role: 'beheerder', schoolId: null }]), null, TODAY, 50));
    expect(all).not.toContain('Elders: bestuur');
    expect(all.filter((t) => t === 'Werkdruk De Linde')).toHaveLength(1);
    const [mine] = await cadans.surveys.forPrep(bestuurder(), schoolA, TODAY, 1);
    expect(mine?.headline).toContain('2,8 van 5'); // not the other tenant's 5,0
    // The other tenant's bestuurder (the same Entra object id would be another person there) gets theirs only.
    expect(titles(await cadans.surveys.forPrep(viewer('aad-bert', [{ role: 'bestuurder', schoolId: null }], OTHER), null, TODAY, 50))).toEqual(['Elders: bestuur', 'Werkdruk De Linde']);
  });
});

describe('the headline', () => {
  /** Ten respondents, no segments; `counts`: per question its values' counts. */
  const summary = (questions: Question[], counts: Record<string, Record<number, number>>) =>
    computeResults({
      questions, kind: 'pulse', anonymous: true, minGroupSize: 5, byPerspective: false, recipients: 12,
      responses: [{ school: null, perspective: null, n: 10 }],
      counts: Object.entries(counts).flatMap(([questionId, byValue]) => Object.entries(byValue).map(([value, n]): AnswerCount => ({ questionId, value: Number(value), school: null, perspective: null, n }))),
      texts: [], schoolNames: new Map(),
    });
  const q = (id: string, kind: Question['kind'], text: string): Question => ({ id, kind, text, required: true });

  it('names the first of two equally low statements, in the order of the survey', () => {
    const s = summary([q('q1', 'likert', 'Eerste'), q('q2', 'likert', 'Tweede'), q('q3', 'likert', 'Derde')], { q1: { 4: 10 }, q2: { 2: 5, 3: 5 }, q3: { 3: 5, 2: 5 } });
    expect(prepHeadline(s, 'nl')).toBe('Laagste score: ‘Tweede’ (2,5 van 5)');
  });

  it('takes the lowest 0–10 question when there is no statement, and none for yes/no questions only', () => {
    const s = summary([q('q1', 'yesno', 'Ja of nee'), q('q2', 'scale10', 'Hoe waarschijnlijk is het dat je ons aanraadt?')], { q1: { 1: 3, 0: 7 }, q2: { 6: 5, 7: 5 } });
    expect(prepHeadline(s, 'en')).toBe('Lowest score: ‘Hoe waarschijnlijk is het dat je ons aanraadt?’ (6.5 out of 10)');
    expect(prepHeadline(summary([q('q1', 'yesno', 'Ja of nee')], { q1: { 1: 10 } }), 'nl')).toBeNull();
  });

  it('shortens a long statement to one line', () => {
    const long = `Ik ${'heel '.repeat(40)}tevreden.`;
    const h = prepHeadline(summary([q('q1', 'likert', long)], { q1: { 3: 10 } }), 'nl')!;
    expect(h).toMatch(/^Laagste score: ‘Ik heel .*…’ \(3,0 van 5\)$/);
    expect([...h].length).toBeLessThan(130);
  });
});
