// The checklists' part of a meeting's prep pack: the running checklists of a school with their
// progress, only those the member who prepares may see (by role, or as a step's owner), never
// another tenant's. Real PostgreSQL; the checklists are written by the store as a start writes them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';
import { createChecklistPrep, type PrepViewer } from '../../src/checklists/feature.js';
import { checklistVisibility } from '../../src/checklists/prep.js';
import { canSeeChecklistByRole } from '../../src/checklists/model.js';
import { insertChecklist } from '../../src/checklists/store.js';
import type { RoleGrant } from '../../src/people/feature.js';
import { createTestDatabase } from '../support/db.js';
import { testLogger } from '../support/harness.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let prep: ReturnType<typeof createChecklistPrep>;
const TENANT = 't-prep';
const OTHER = 't-elders';
const TODAY = '2026-03-11';
let schoolA: number;
let schoolB: number;
let otherSchool: number;

const viewer = (aadObjectId: string, grants: RoleGrant[], tenantId = TENANT): PrepViewer => ({ tenantId, aadObjectId, grants });
const step = (key: string, dueDate: string | null = null) => ({ key, title: { nl: key, en: key }, guidance: { nl: '', en: '' }, link: null, dueDate });

/** A checklist as a start writes it, then steps set to `statuses` (and owners), created at `createdAt`. */
async function checklist(o: {
  tenantId?: string;
  title: string;
  schoolId: number | null;
  createdAt: string;
  steps: { status: 'open' | 'bezig' | 'klaar' | 'nvt'; due?: string; owner?: string }[];
  completed?: boolean;
}): Promise<number> {
  const tenantId = o.tenantId ?? TENANT;
  const id = await insertChecklist(db, {
    tenantId, templateKey: 'inspection', title: o.title, schoolId: o.schoolId, targetDate: null, language: 'nl',
    conversationId: `19:${o.title}@thread.tacv2`, serviceUrl: 'https://smba.example/emea/', teamId: null, createdBy: 'aad-karin',
    steps: o.steps.map((s, i) => step(`s${i + 1}`, s.due ?? null)),
  });
  for (const [i, s] of o.steps.entries()) {
    await db.query('update checklist_steps set status = $3, owner_aad = $4 where checklist_id = $1 and position = $2', [id, i + 1, s.status, s.owner ?? null]);
  }
  await db.query(`update checklists set created_at = $2, completed_at = case when $3 then now() end where id = $1`, [id, o.createdAt, o.completed ?? false]);
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPool(database.url, testLogger());
  await migrate(db, testLogger());
  await db.query("insert into tenants (id) values ($1), ($2)", [TENANT, OTHER]);
  const s = await db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'De Linde'), ($1, 'Het Baken'), ($2, 'De Linde') returning id", [TENANT, OTHER]);
  [schoolA, schoolB, otherSchool] = s.rows.map((r) => Number(r.id)) as [number, number, number];
  prep = createChecklistPrep({ db });

  // School A: the inspection visit, under way: 2 done, 1 n.v.t., 1 in progress overdue, 1 open overdue,
  // 1 open due today, 1 done that was due last week (done is not overdue), 1 open without a date.
  await checklist({
    title: 'Inspectiebezoek De Linde', schoolId: schoolA, createdAt: '2026-02-02T09:00:00Z',
    steps: [
      { status: 'klaar' }, { status: 'klaar', due: '2026-03-04' }, { status: 'nvt', due: '2026-03-01' },
      { status: 'bezig', due: '2026-03-10' }, { status: 'open', due: '2026-02-27' }, { status: 'open', due: TODAY }, { status: 'open' },
    ],
  });
  // School A, finished: not running any more.
  await checklist({ title: 'Aan de slag De Linde', schoolId: schoolA, createdAt: '2026-01-05T09:00:00Z', steps: [{ status: 'klaar' }, { status: 'nvt' }], completed: true });
  // School B: running; Mila (no role) owns a step of it.
  await checklist({ title: 'Inspectiebezoek Het Baken', schoolId: schoolB, createdAt: '2026-02-20T09:00:00Z', steps: [{ status: 'open', owner: 'aad-mila' }, { status: 'open' }] });
  // The board's own checklist (no school), the newest.
  await checklist({ title: 'Bestuursverslag', schoolId: null, createdAt: '2026-03-01T09:00:00Z', steps: [{ status: 'klaar' }, { status: 'open', due: '2026-03-02' }] });
  // Another tenant's school-A-like checklist and board checklist.
  await checklist({ tenantId: OTHER, title: 'Elders: inspectie', schoolId: otherSchool, createdAt: '2026-03-05T09:00:00Z', steps: [{ status: 'open', owner: 'aad-mila' }] });
  await checklist({ tenantId: OTHER, title: 'Elders: bestuur', schoolId: null, createdAt: '2026-03-06T09:00:00Z', steps: [{ status: 'open' }] });
}, 60_000);

afterAll(async () => {
  await db?.end();
  await database?.drop();
});

/** School A's directeur (school ids are known once the database is set up). */
const directeurA = () => viewer('aad-dirk', [{ role: 'directeur', schoolId: schoolA }]);
const titles = (xs: { title: string }[]) => xs.map((x) => x.title);

describe("a directeur's school table", () => {
  it("shows school A's running checklist with done, n.v.t., total and overdue counted apart", async () => {
    expect(await prep.forPrep(directeurA(), schoolA, TODAY)).toEqual([{ title: 'Inspectiebezoek De Linde', done: 2, notApplicable: 1, total: 7, overdue: 2 }]);
  });

  it("does not show school B's checklist to school A's directeur, not even at B's table", async () => {
    expect(await prep.forPrep(directeurA(), schoolB, TODAY)).toEqual([]);
  });

  it('counts a step as overdue only from the day after its due date', async () => {
    const [next] = await prep.forPrep(directeurA(), schoolA, '2026-03-12');
    expect(next?.overdue).toBe(3); // the step due on the 11th has joined
    const [before] = await prep.forPrep(directeurA(), schoolA, '2026-02-27');
    expect(before?.overdue).toBe(0); // nothing was due before the 27th yet (the step due then is not late that day)
  });
});

describe('who sees what', () => {
  it('shows a medewerker without a role nothing, for a school or for the whole board', async () => {
    const piet = viewer('aad-piet', [{ role: 'medewerker', schoolId: schoolA }]);
    expect(await prep.forPrep(piet, schoolA, TODAY)).toEqual([]);
    expect(await prep.forPrep(piet, null, TODAY)).toEqual([]);
  });

  it('shows the owner of a step the checklist they work on, and only that one', async () => {
    const mila = viewer('aad-mila', [{ role: 'medewerker', schoolId: schoolB }]);
    expect(titles(await prep.forPrep(mila, schoolB, TODAY))).toEqual(['Inspectiebezoek Het Baken']);
    expect(titles(await prep.forPrep(mila, null, TODAY))).toEqual(['Inspectiebezoek Het Baken']);
    expect(await prep.forPrep(mila, schoolA, TODAY)).toEqual([]);
  });

  it('gives a tenant-wide bestuurder at a board table every running checklist of the board, newest first, up to the limit', async () => {
    const bert = viewer('aad-bert', [{ role: 'bestuurder', schoolId: null }]);
    expect(titles(await prep.forPrep(bert, null, TODAY))).toEqual(['Bestuursverslag', 'Inspectiebezoek Het Baken', 'Inspectiebezoek De Linde']);
    expect(titles(await prep.forPrep(bert, null, TODAY, 2))).toEqual(['Bestuursverslag', 'Inspectiebezoek Het Baken']);
    expect(titles(await prep.forPrep(bert, schoolB, TODAY))).toEqual(['Inspectiebezoek Het Baken']);
  });

  it("gives school A's directeur at a board table their own school's checklist, not the board's or school B's", async () => {
    expect(titles(await prep.forPrep(directeurA(), null, TODAY))).toEqual(['Inspectiebezoek De Linde']);
  });

  it("never returns another tenant's checklists, whatever the viewer's roles or steps", async () => {
    const bert = viewer('aad-bert', [{ role: 'beheerder', schoolId: null }, { role: 'kwaliteitsmedewerker', schoolId: null }]);
    expect(titles(await prep.forPrep(bert, null, TODAY, 50))).not.toContain('Elders: bestuur');
    expect(titles(await prep.forPrep(bert, otherSchool, TODAY))).toEqual([]);
    // Mila owns a step at the other tenant too: asked for this tenant, only this tenant's.
    expect(titles(await prep.forPrep(viewer('aad-mila', []), null, TODAY))).toEqual(['Inspectiebezoek Het Baken']);
    // Asked as the other tenant, only that tenant's.
    expect(titles(await prep.forPrep(viewer('aad-mila', [], OTHER), null, TODAY))).toEqual(['Elders: inspectie']);
  });
});

describe('the visibility filter', () => {
  const role = fc.constantFrom('beheerder', 'bestuurder', 'directeur', 'kwaliteitsmedewerker', 'medewerker', 'rvt');
  const school = fc.option(fc.integer({ min: 1, max: 4 }), { nil: null });
  it('lets a query decide exactly as canSeeChecklistByRole', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ role, schoolId: school }), { maxLength: 5 }), school, (grants, checklistSchool) => {
        const v = checklistVisibility(grants);
        const byQuery = v.all || (checklistSchool !== null && v.schoolIds.includes(checklistSchool));
        expect(byQuery).toBe(canSeeChecklistByRole(grants, checklistSchool));
      }),
      { numRuns: 500 },
    );
  });
});
