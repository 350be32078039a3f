// A step change read without a lock is written only if the checklist is still as it was read: two
// people's changes never overwrite each other, and a change never skips the card update it needs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPool, inTransaction, type Db } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';
import { VIEW_TTL_SECONDS, deleteStepViewsOf, findStepView, insertChecklist, listStepViewsOf, readChecklistForChange, saveStepView, setCardActivityId, writeStepChange } from '../../src/checklists/store.js';
import { toAppliedChanges, type Checklist, type StepChange } from '../../src/checklists/model.js';
import { createTestDatabase } from '../support/db.js';
import { testLogger } from '../support/harness.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let checklistId: number;
const TENANT = 't-store';
const anna = { aad: 'aad-anna', name: 'Anna' };
const bram = { aad: 'aad-bram', name: 'Bram' };

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPool(database.url, testLogger());
  await migrate(db, testLogger());
  await db.query('insert into tenants (id) values ($1)', [TENANT]);
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});
beforeEach(async () => {
  const step = (key: string) => ({ key, title: { nl: key, en: key }, guidance: { nl: '', en: '' }, link: null, dueDate: null });
  checklistId = await insertChecklist(db, {
    tenantId: TENANT, templateKey: 'inspection', title: 'Inspectie', schoolId: null, targetDate: null, language: 'nl',
    conversationId: '19:kanaal@thread.tacv2', serviceUrl: 'https://smba.example/emea/', teamId: null, createdBy: anna.aad,
    steps: [step('een'), step('twee'), step('drie')],
  });
});

async function read(actor = anna): Promise<Checklist> {
  const r = await readChecklistForChange(db, TENANT, checklistId, actor.aad, false);
  return r!.checklist;
}

function write(c: Checklist, position: number, change: StepChange, actor = anna) {
  const applied = toAppliedChanges(c.steps.find((s) => s.position === position)!, change);
  return writeStepChange(db, { tenantId: TENANT, checklistId: c.id, position, change, applied, actor, completes: false, expect: { version: c.version, cardActivityId: c.cardActivityId } });
}

async function state() {
  const steps = await db.query<{ position: number; status: string }>('select position, status from checklist_steps where checklist_id = $1 order by position', [checklistId]);
  const log = await db.query<{ actor_name: string; new_value: string }>('select actor_name, new_value from checklist_events where checklist_id = $1 order by id', [checklistId]);
  return { statuses: steps.rows.map((s) => s.status), log: log.rows.map((l) => `${l.actor_name}: ${l.new_value}`) };
}

describe('writing a step change', () => {
  it('writes a change to the checklist as it was read, with its log entry', async () => {
    const written = await write(await read(), 1, { status: 'klaar' });
    expect(written?.version).toBe(1);
    expect(await state()).toEqual({ statuses: ['klaar', 'open', 'open'], log: ['Anna: klaar'] });
  });

  it('writes nothing when someone else changed the checklist after it was read', async () => {
    const seenByAnna = await read(anna);
    const seenByBram = await read(bram);
    expect(await write(seenByBram, 2, { status: 'bezig' }, bram)).not.toBeNull();
    expect(await write(seenByAnna, 2, { status: 'klaar' }, anna)).toBeNull(); // Anna's change must be made again on Bram's
    expect(await state()).toEqual({ statuses: ['open', 'bezig', 'open'], log: ['Bram: bezig'] });
  });

  it('writes nothing when the card was posted after the checklist was read (the change would queue no card update)', async () => {
    const seen = await read();
    expect(seen.cardActivityId).toBeNull();
    await setCardActivityId(db, checklistId, '1700000000000');
    expect(await write(seen, 3, { status: 'nvt' })).toBeNull();
    expect(await state()).toEqual({ statuses: ['open', 'open', 'open'], log: [] });
  });

  it("sees the steps of a change it waited for under the checklist's lock, not only its version", async () => {
    const bramTx = await db.connect();
    try {
      await bramTx.query('begin');
      const seenByBram = (await readChecklistForChange(bramTx, TENANT, checklistId, bram.aad, true))!.checklist;
      const change: StepChange = { status: 'klaar' };
      const applied = toAppliedChanges(seenByBram.steps[0]!, change);
      await writeStepChange(bramTx, { tenantId: TENANT, checklistId, position: 1, change, applied, actor: bram, completes: false, expect: { version: 0, cardActivityId: null } });
      // Anna's locked read waits for Bram's transaction...
      const annaRead = inTransaction(db, (tx) => readChecklistForChange(tx, TENANT, checklistId, anna.aad, true));
      for (let i = 0; ; i++) {
        const waiting = await db.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (waiting.rowCount) break;
        if (i > 200) throw new Error("Anna's read never waited for the lock");
        await new Promise((r) => setTimeout(r, 10));
      }
      await bramTx.query('commit'); // ...and gets it now
      const seenByAnna = (await annaRead)!.checklist;
      expect(seenByAnna.version).toBe(1);
      expect(seenByAnna.steps[0]!.status).toBe('klaar'); // the step as Bram left it, not as it was when Anna started waiting
    } finally {
      bramTx.release();
    }
  });

  it("writes nothing when it was decided on the actor's roles and those changed since", async () => {
    await db.query(`insert into people (tenant_id, aad_object_id, name) values ($1, $2, 'Anna') on conflict do nothing`, [TENANT, anna.aad]);
    await db.query(`insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')`, [TENANT, anna.aad]);
    const seen = (await readChecklistForChange(db, TENANT, checklistId, anna.aad, false))!;
    expect(seen.actorGrants).toEqual([{ role: 'kwaliteitsmedewerker', school_id: null }]);
    const write = (position: number) => {
      const change: StepChange = { status: 'klaar' };
      const c = seen.checklist;
      return writeStepChange(db, {
        tenantId: TENANT, checklistId, position, change, applied: toAppliedChanges(c.steps[position - 1]!, change), actor: anna, completes: false,
        expect: { version: c.version, cardActivityId: c.cardActivityId, grants: { tenantId: TENANT, text: seen.actorGrantsText } },
      });
    };
    await db.query('delete from role_assignments where tenant_id = $1 and aad_object_id = $2', [TENANT, anna.aad]);
    expect(await write(2)).toBeNull(); // the role that allowed it is gone
    await db.query(`insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')`, [TENANT, anna.aad]);
    expect(await write(2)).not.toBeNull(); // the same roles again
    expect((await state()).statuses).toEqual(['open', 'klaar', 'open']);
  });
});

describe("a person's open step forms", () => {
  it('keeps one per person and checklist, with the draft of a refused save, and lets it lapse after a working day', async () => {
    await saveStepView(db, checklistId, anna.aad, 2, { note: 'Concept' });
    await saveStepView(db, checklistId, anna.aad, 3, null);
    expect(await findStepView(db, checklistId, anna.aad)).toEqual({ position: 3, draft: null });
    await saveStepView(db, checklistId, bram.aad, 1, { evidenceUrl: 'intranet/x' });
    await db.query(`update checklist_views set updated_at = now() - make_interval(secs => $2::int + 1) where checklist_id = $1 and aad_object_id = $3`, [checklistId, VIEW_TTL_SECONDS, bram.aad]);
    expect(await findStepView(db, checklistId, bram.aad)).toBeNull();
    // The next save of anyone's view on the checklist removes the lapsed one, draft and all.
    await saveStepView(db, checklistId, anna.aad, 1, null);
    expect((await db.query('select count(*)::int as n from checklist_views where aad_object_id = $1', [bram.aad])).rows[0].n).toBe(0);
  });

  it("exports and erases a person's open forms, within their tenant only", async () => {
    await saveStepView(db, checklistId, anna.aad, 2, { note: 'Concept van Anna' });
    await saveStepView(db, checklistId, bram.aad, 1, null);
    const hers = await listStepViewsOf(db, TENANT, anna.aad);
    expect(hers.find((v) => v.checklistId === checklistId)).toMatchObject({ position: 2, draft: { note: 'Concept van Anna' } });
    expect(await deleteStepViewsOf(db, 'another-tenant', anna.aad)).toBe(0);
    expect(await deleteStepViewsOf(db, TENANT, anna.aad)).toBe(hers.length);
    expect(await listStepViewsOf(db, TENANT, anna.aad)).toEqual([]);
    expect(await findStepView(db, checklistId, bram.aad)).toEqual({ position: 1, draft: null });
  });
});
