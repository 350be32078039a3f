// The checklists' personal-data holder (docs/privacy.md) against the real Cadans: people work on a
// checklist through Teams traffic (take a step, get one assigned and taken away, a note naming them),
// then one of them is exported and erased. The channel card (and a posted summary) show "verwijderde
// gebruiker" through the outbox, no row of the checklist tables holds their id, Teams id, name or
// email, and the others carry on. Tenant deletion and retention with a fixed clock.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMINDER_QUEUE } from '../../src/checklists/feature.js';
import { createChecklistPersonalData } from '../../src/checklists/personal-data.js';
import { insertTemplateWithinCap } from '../../src/checklists/store.js';
import { scrubParams, scrubSql, scrubValues } from '../../src/db/personal-text.js';
import { inTransaction } from '../../src/db/pool.js';
import { DEFAULT_RETENTION, newPseudonym, type ErasedPerson, type PersonalDataHolder } from '../../src/privacy/ports.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser; // first person: beheerder
let joost: TeamsUser; // no role; the one erased
let kim: TeamsUser; // no role
let channel: TeamsChannel;
let holder: PersonalDataHolder;

const text = (x: unknown) => JSON.stringify(x);
const TABLES = ['checklists', 'checklist_steps', 'checklist_events', 'checklist_templates', 'checklist_views'] as const;

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>, w: TeamsWorld = world, where: TeamsChannel = channel) {
  const res = await postActivity(cadans.url, w.actionExecute(user, where, verb, data));
  expect(res.status).toBe(200);
  return text((res.body as { value: unknown }).value);
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const currentCard = (activityId: string) => text(connector.cardOf(connector.activity(activityId)?.activity));

async function start(title: string, who: TeamsUser = sanne, w: TeamsWorld = world, where: TeamsChannel = channel): Promise<{ id: number; activityId: string }> {
  expect(await invoke(who, 'checklist.start', { v: 1, template: 'inspection', title, school: 'none', targetDate: '2027-03-09' }, w, where)).toContain('staat in het kanaal');
  const id = Number((await cadans.db.query<{ id: string }>('select id from checklists where title = $1', [title])).rows[0]!.id);
  let activityId: string | null = null;
  await waitUntil(async () => (activityId = (await cadans.db.query('select card_activity_id from checklists where id = $1', [id])).rows[0]?.card_activity_id ?? null) !== null);
  return { id, activityId: activityId! };
}

/** Every row of the checklist tables as text, for a tenant (null: all). */
async function rowsText(tenantId: string | null = null): Promise<string> {
  const parts: string[] = [];
  for (const t of TABLES) {
    const sql =
      t === 'checklist_steps' || t === 'checklist_events' || t === 'checklist_views'
        ? `select to_jsonb(x)::text as row from ${t} x join checklists c on c.id = x.checklist_id where $1::text is null or c.tenant_id = $1`
        : `select to_jsonb(x)::text as row from ${t} x where $1::text is null or x.tenant_id = $1`;
    parts.push(...(await cadans.db.query<{ row: string }>(sql, [tenantId])).rows.map((r) => r.row));
  }
  return parts.join('\n');
}

function erased(u: TeamsUser): ErasedPerson {
  return { tenantId: u.tenantId, aadObjectId: u.aadObjectId, teamsUserId: u.id, name: u.name, email: u.email, pseudonym: newPseudonym(() => randomBytes(8).toString('hex')), label: 'verwijderde gebruiker' };
}

function tracesOf(u: TeamsUser, haystack: string): string[] {
  const lower = haystack.toLowerCase();
  return [u.aadObjectId, u.id, u.name, u.email].filter((needle) => lower.includes(needle.toLowerCase()));
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  holder = createChecklistPersonalData({ db: cadans.db, outbox: cadans.outbox });
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  joost = world.user({ name: 'Joost Bakker' });
  kim = world.user({ name: 'Kim Jansen' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, joost, kim] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [sanne, joost, kim]) await postActivity(cadans.url, world.personalMessage(u, 'hulp')); // Sanne first: beheerder
}, 60_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe("erasing a person from the tenant's checklists", () => {
  let running: { id: number; activityId: string };
  let finished: { id: number; activityId: string };
  let summaryActivityId: string;
  let person: ErasedPerson;

  beforeAll(async () => {
    running = await start('Inspectie Het Kompas, april 2027');
    // Joost picks up step 2 ("Ik pak dit op") and works on it; Sanne gives him step 4, then gives it to Kim.
    await invoke(joost, 'checklist.take', { v: 1, checklistId: running.id, position: 2 });
    await invoke(sanne, 'checklist.saveStep', { v: 1, checklistId: running.id, position: 4, owner: joost.aadObjectId });
    await invoke(sanne, 'checklist.saveStep', { v: 1, checklistId: running.id, position: 4, owner: kim.aadObjectId });
    await invoke(sanne, 'checklist.saveStep', {
      v: 1, checklistId: running.id, position: 3,
      note: `Vraag joost bakker (${joost.email}) om de cijfers; Joosten levert de koffie.`,
      evidenceUrl: `https://stichting.sharepoint.com/sites/kwaliteit/${joost.email}/map`,
      itemDone1: 'true',
      itemUrl1: `https://stichting.sharepoint.com/sites/kwaliteit/plan.pdf?van=${joost.email}`,
    });
    await invoke(joost, 'checklist.setStatus', { v: 1, checklistId: running.id, position: 2, status: 'klaar' });
    await waitUntil(() => currentCard(running.activityId).includes('Joost Bakker'));
    // He has step 5's form open on the shared card (issue 8: the card's refresh gives it back to him).
    await invoke(joost, 'checklist.step', { v: 1, checklistId: running.id, position: 5 });

    // A finished checklist: Joost did step 1; its summary in the channel names him.
    finished = await start('Afronden, juni 2027');
    await invoke(joost, 'checklist.take', { v: 1, checklistId: finished.id, position: 1 });
    await invoke(joost, 'checklist.setStatus', { v: 1, checklistId: finished.id, position: 1, status: 'klaar' });
    for (let n = 2; n <= 11; n++) await invoke(sanne, 'checklist.setStatus', { v: 1, checklistId: finished.id, position: n, status: 'nvt' });
    const summary = await connector.waitFor((r) => r.method === 'POST' && r.status < 300 && text(r.body).includes('Afgerond: Afronden, juni 2027'), { timeoutMs: 5_000 });
    expect(text(connector.cardOf(summary))).toContain('Klaar door Joost Bakker');
    summaryActivityId = String((summary.response as { id: string }).id);

    // An own template Joost wrote (seeded through the store: the YAML upload is tested elsewhere).
    await insertTemplateWithinCap(cadans.db, world.tenantId, { title: { nl: 'Van Joost Bakker', en: 'By Joost Bakker' }, steps: [] }, 'title: Van Joost Bakker', joost.aadObjectId, 50);
    person = erased(joost);
  }, 60_000);

  it("exports what Joost did: the steps he owns, his changes and his template, with readable keys", async () => {
    const data = (await holder.exportPerson(cadans.db, world.tenantId, joost.aadObjectId)) as Record<string, Array<Record<string, unknown>>>;
    expect(data.steps).toContainEqual(expect.objectContaining({ checklistTitle: 'Inspectie Het Kompas, april 2027', position: 2, owner: true, ownerName: 'Joost Bakker', status: 'klaar' }));
    expect(data.changes).toContainEqual(expect.objectContaining({ position: 2, field: 'status', oldValue: 'bezig', newValue: 'klaar', actorName: 'Joost Bakker' }));
    expect(data.ownTemplates).toHaveLength(1);
    expect(data.openForms).toEqual([expect.objectContaining({ checklistId: running.id, position: 5 })]);
    expect(data.checklistsStarted).toEqual([]);
    // Sanne's export holds nothing of Joost's steps.
    const sanneData = (await holder.exportPerson(cadans.db, world.tenantId, sanne.aadObjectId)) as Record<string, Array<Record<string, unknown>>>;
    expect(sanneData.checklistsStarted!.map((c) => c.title)).toEqual(['Inspectie Het Kompas, april 2027', 'Afronden, juni 2027']);
    expect(sanneData.steps!.some((s) => s.position === 2 && s.checklistTitle === 'Inspectie Het Kompas, april 2027')).toBe(false);
  });

  it('leaves no id, Teams id, name or email of his in any checklist row, and counts what it rewrote', async () => {
    expect(tracesOf(joost, await rowsText())).not.toEqual([]);
    const outcome = await inTransaction(cadans.db, (tx) => holder.erasePerson(tx, person));
    expect(outcome.counts).toMatchObject({ checklists: 0, checklist_templates: 1, checklist_views: 1 });
    expect(outcome.counts.checklist_steps).toBeGreaterThanOrEqual(3); // steps 2 and 3 of the first, step 1 of the second
    expect(outcome.counts.checklist_events).toBeGreaterThanOrEqual(6);
    expect(tracesOf(joost, await rowsText())).toEqual([]);
    await outcome.after?.();
  });

  it('keeps history readable: the same pseudonym did his steps, the log says "verwijderde gebruiker", the texts keep their sense', async () => {
    const steps = (await cadans.db.query('select position, owner_aad, owner_name, updated_by, note, evidence_url, status from checklist_steps where checklist_id = $1 order by position', [running.id])).rows;
    expect(steps[1]).toMatchObject({ owner_aad: person.pseudonym, owner_name: 'verwijderde gebruiker', updated_by: person.pseudonym, status: 'klaar' });
    expect(steps[2]!.note).toBe('Vraag verwijderde gebruiker (verwijderde gebruiker) om de cijfers; Joosten levert de koffie.');
    expect(steps[2]!.evidence_url).toBe('https://stichting.sharepoint.com/sites/kwaliteit/verwijderde gebruiker/map');
    const items = (await cadans.db.query('select items from checklist_steps where checklist_id = $1 and position = 3', [running.id])).rows[0].items;
    expect(items[0]).toMatchObject({ done: true, evidenceUrl: 'https://stichting.sharepoint.com/sites/kwaliteit/plan.pdf?van=verwijderde gebruiker' });
    expect(items).toHaveLength(11);
    expect(steps[3]).toMatchObject({ owner_aad: kim.aadObjectId, owner_name: 'Kim Jansen', updated_by: sanne.aadObjectId });
    const log = (await cadans.db.query('select position, actor_aad, actor_name, field, old_value, new_value from checklist_events where checklist_id = $1 and position in (2, 4) order by id', [running.id])).rows;
    expect(log).toContainEqual({ position: 2, actor_aad: person.pseudonym, actor_name: 'verwijderde gebruiker', field: 'owner', old_value: null, new_value: 'verwijderde gebruiker' });
    expect(log).toContainEqual({ position: 4, actor_aad: sanne.aadObjectId, actor_name: 'Sanne de Vries', field: 'owner', old_value: 'verwijderde gebruiker', new_value: 'Kim Jansen' });
  });

  it('shows "verwijderde gebruiker" on the shared channel card and the posted summary instead of his name', async () => {
    await waitUntil(() => currentCard(running.activityId).includes('verwijderde gebruiker'));
    const card = currentCard(running.activityId);
    expect(tracesOf(joost, card)).toEqual([]);
    expect(card).toContain('Kim Jansen');
    await waitUntil(() => currentCard(summaryActivityId).includes('Klaar door verwijderde gebruiker'));
    expect(tracesOf(joost, currentCard(summaryActivityId))).toEqual([]);
    expect(tracesOf(joost, currentCard(finished.activityId))).toEqual([]);
  });

  it('lets the others carry on: Sanne reopens his step, Kim takes another, the card follows', async () => {
    expect(await invoke(sanne, 'checklist.setStatus', { v: 1, checklistId: running.id, position: 2, status: 'bezig' })).toContain('Opgeslagen');
    expect(await invoke(kim, 'checklist.take', { v: 1, checklistId: running.id, position: 5 })).toContain('Opgeslagen');
    const steps = (await cadans.db.query('select position, status, owner_name from checklist_steps where checklist_id = $1 and position in (2, 5) order by position', [running.id])).rows;
    expect(steps).toEqual([
      { position: 2, status: 'bezig', owner_name: 'verwijderde gebruiker' },
      { position: 5, status: 'bezig', owner_name: 'Kim Jansen' },
    ]);
    await waitUntil(() => currentCard(running.activityId).includes('0 van 11 klaar'));
    expect(tracesOf(joost, currentCard(running.activityId))).toEqual([]);
  });

  it('sends reminders to the others, none to the pseudonym of an erased owner', async () => {
    // Step 2 is the pseudonym's and open again, step 5 Kim's: a run long after both were due.
    const since = connector.mark();
    await cadans.jobs.boss.send(REMINDER_QUEUE, { today: '2027-12-01' });
    await connector.waitFor((r) => r.seq > since && r.conversationId === kim.personalConversationId && r.status < 300 && text(r.body).includes('had op'), { timeoutMs: 10_000 });
    const keys = await cadans.db.query<{ k: string }>('select idempotency_key as k from outbox_messages where idempotency_key like $1', [`checklist:${running.id}:step:%`]);
    expect(keys.rows.map((r) => r.k).filter((k) => k.startsWith(`checklist:${running.id}:step:5:`))).not.toEqual([]);
    expect(keys.rows.map((r) => r.k).filter((k) => k.startsWith(`checklist:${running.id}:step:2:`))).toEqual([]);
  });
});

describe("a tenant's checklists", () => {
  let other: TeamsWorld;
  let otherId: number;

  beforeAll(async () => {
    other = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '12121212-3434-4545-8656-787878787878' });
    const bea = other.user({ name: 'Bea Anders' });
    const team = other.team({ name: 'Ander Team', channels: ['Kwaliteit'], members: [bea] });
    connector.addTeam(team.id, team.connectorInfo);
    connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
    await postActivity(cadans.url, other.personalMessage(bea, 'hulp')); // beheerder of the other tenant
    otherId = (await start('Ander bestuur, mei 2027', bea, other, team.channel('Kwaliteit'))).id;
    await invoke(bea, 'checklist.setStatus', { v: 1, checklistId: otherId, position: 1, status: 'klaar' }, other, team.channel('Kwaliteit'));
    await insertTemplateWithinCap(cadans.db, other.tenantId, { title: { nl: 'Eigen', en: 'Own' }, steps: [] }, 'title: Eigen', bea.aadObjectId, 50);
  }, 30_000);

  it("exports every row of the tenant's checklists, steps, log and templates, and nothing of another tenant", async () => {
    const data = (await holder.exportTenant(cadans.db, other.tenantId)) as Record<string, Array<Record<string, unknown>>>;
    expect(data.checklists!.map((c) => c.title)).toEqual(['Ander bestuur, mei 2027']);
    expect(data.checklistSteps).toHaveLength(11);
    expect(data.checklistEvents!.map((e) => e.field)).toEqual(['started', 'status']);
    expect(data.checklistTemplates).toHaveLength(1);
    expect(data.checklists![0]).toHaveProperty('tenantId', other.tenantId);
    expect(text(data)).not.toContain(world.tenantId);
  });

  it('deletes all of them, leaving the other tenant as it was', async () => {
    const ours = await rowsText(world.tenantId);
    const counts = await inTransaction(cadans.db, (tx) => holder.deleteTenant(tx, other.tenantId));
    expect(counts).toEqual({ checklist_views: 0, checklist_events: 2, checklist_steps: 11, checklists: 1, checklist_templates: 1 });
    expect(await rowsText(other.tenantId)).toBe('');
    expect(await rowsText(world.tenantId)).toBe(ours);
  });
});

describe('retention of finished checklists', () => {
  it('deletes checklists finished longer ago than the policy says, with their steps and log, a batch at a time; running ones and young ones stay', async () => {
    // Two more finished checklists, finished on known days (the clock is the retention's argument).
    const a = await start('Oud A');
    const b = await start('Oud B');
    await cadans.db.query("update checklists set completed_at = '2027-01-10T12:00:00Z' where id = $1", [a.id]);
    await cadans.db.query("update checklists set completed_at = '2027-01-20T12:00:00Z' where id = $1", [b.id]);
    await cadans.db.query("update checklists set completed_at = '2027-06-01T12:00:00Z' where completed_at is not null and id <> all($1::int[])", [[a.id, b.id]]);
    const policy = { ...DEFAULT_RETENTION, checklistsFinishedDays: 365 };
    const titles = async () => (await cadans.db.query<{ title: string }>('select title from checklists where tenant_id = $1 order by id', [world.tenantId])).rows.map((r) => r.title);
    const before = await titles();
    // A day before A is a year old: nothing.
    expect(await holder.applyRetention(cadans.db, new Date('2028-01-09T12:00:00Z'), policy, 10)).toEqual({ checklistsFinished: 0 });
    // Kept forever with 0.
    expect(await holder.applyRetention(cadans.db, new Date('2040-01-01T00:00:00Z'), { ...policy, checklistsFinishedDays: 0 }, 10)).toEqual({ checklistsFinished: 0 });
    // Both A and B a year old: one per call with limit 1, oldest first; then nothing more.
    const now = new Date('2028-01-25T00:00:00Z');
    expect(await holder.applyRetention(cadans.db, now, policy, 1)).toEqual({ checklistsFinished: 1 });
    expect(await titles()).toEqual(before.filter((t) => t !== 'Oud A'));
    expect(await holder.applyRetention(cadans.db, now, policy, 1)).toEqual({ checklistsFinished: 1 });
    expect(await holder.applyRetention(cadans.db, now, policy, 1)).toEqual({ checklistsFinished: 0 });
    expect(await titles()).toEqual(before.filter((t) => t !== 'Oud A' && t !== 'Oud B'));
    const orphans = await cadans.db.query('select count(*)::int as n from checklist_steps where checklist_id = any($1::bigint[])', [[a.id, b.id]]);
    const orphanEvents = await cadans.db.query('select count(*)::int as n from checklist_events where checklist_id = any($1::bigint[])', [[a.id, b.id]]);
    expect([orphans.rows[0].n, orphanEvents.rows[0].n]).toEqual([0, 0]);
    // The running checklist stays however late it is.
    await holder.applyRetention(cadans.db, new Date('2099-01-01T00:00:00Z'), policy, 100);
    expect(await titles()).toEqual(['Inspectie Het Kompas, april 2027']);
  });
});

describe('replacing a person in free text (src/db/personal-text.ts, run by PostgreSQL)', () => {
  async function scrub(person: Partial<ErasedPerson>, input: string | null): Promise<string | null> {
    const p: ErasedPerson = { tenantId: 't', aadObjectId: '', teamsUserId: null, name: '', email: null, pseudonym: 'verwijderd-0123456789abcdef', label: 'verwijderde gebruiker', ...person };
    const r = await cadans.db.query<{ out: string | null }>(`select ${scrubSql('$5::text', 1)} as out`, [...scrubValues(scrubParams(p)), input]);
    return r.rows[0]!.out;
  }

  it('replaces the name and email as whole words in any case, ids anywhere, and leaves the rest', async () => {
    const anne = { aadObjectId: '6f1c2a9e-0000-4000-8000-00000000abcd', teamsUserId: '29:1AbCdEf', name: "Anne-Marie (Ria) d'Hondt", email: 'A.dHondt@School.nl' };
    expect(await scrub(anne, "Vraag anne-marie (ria) d'hondt of a.dhondt@school.nl.")).toBe('Vraag verwijderde gebruiker of verwijderde gebruiker.');
    expect(await scrub(anne, 'id=6F1C2A9E-0000-4000-8000-00000000ABCD;x29:1AbCdEfy')).toBe('id=verwijderd-0123456789abcdef;xverwijderd-0123456789abcdefy');
    expect(await scrub({ name: 'Jan de Wit' }, 'Jan de Witte en Jan de Wit.')).toBe('Jan de Witte en verwijderde gebruiker.');
    expect(await scrub({ name: 'Jan de Wit' }, null)).toBeNull();
  });

  it('changes nothing when there is nothing to look for (no name, no email, no id)', async () => {
    expect(await scrub({}, 'Alles blijft zoals het is.')).toBe('Alles blijft zoals het is.');
    expect(await scrub({ name: 'Jo' }, 'Jo en Joost')).toBe('Jo en Joost'); // too short to look for
  });
});
