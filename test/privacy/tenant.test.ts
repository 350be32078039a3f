// A tenant that leaves (docs/privacy.md): uninstalled everywhere through real Teams traffic, its
// data is due for deletion after the grace period; installing again cancels that; after the grace
// the daily job deletes every row of the tenant (and pg-boss jobs that name it), and nothing of
// another tenant. The operator's export (npm run tenant) holds the tenant's rows.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { ROOT_DIR, startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivities, postActivity, stableGuid, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

const DAY_MS = 86_400_000;
const run = promisify(execFile);

let connector: FakeConnector;
let cadans: TestCadans;
let a: TeamsWorld;
let b: TeamsWorld;
let tmp: string;


/** Which holder answers for a table with a tenant_id. */
const SECTION_OF: Record<string, string> = {
  tenants: 'people',
  people: 'people',
  schools: 'people',
  role_assignments: 'people',
  audit_events: 'people',
  school_holiday_rosters: 'people',
  conversation_refs: 'teams',
  outbox_messages: 'outbox',
  checklists: 'checklists',
  checklist_steps: 'checklists',
  checklist_events: 'checklists',
  checklist_templates: 'checklists',
  surveys: 'surveys',
  survey_deliveries: 'surveys',
  survey_sealed: 'surveys',
  survey_responses: 'surveys',
  survey_answers: 'surveys',
  survey_templates: 'surveys',
  improvement_actions: 'actions',
  meeting_tables: 'meetings',
  meetings: 'meetings',
  meeting_attendance: 'meetings',
  meeting_agenda_items: 'meetings',
  tenant_deletions: 'privacy',
};

/** Rows per table that name a tenant (every table with a tenant_id; tenants by id; pg-boss jobs by their data). */
async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  const tables = await cadans.db.query<{ table_name: string }>(
    "select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' order by table_name",
  );
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await cadans.db.query<{ n: number }>(`select count(*)::int as n from ${table_name} where tenant_id = $1`, [tenantId]);
    out[table_name] = r.rows[0]!.n;
  }
  out.tenants = (await cadans.db.query<{ n: number }>('select count(*)::int as n from tenants where id = $1', [tenantId])).rows[0]!.n;
  const jobs = await cadans.db.query<{ n: number }>(
    `select (select count(*) from pgboss.job where data::text like $1 or coalesce(output::text, '') like $1)
          + (select count(*) from pgboss.archive where data::text like $1 or coalesce(output::text, '') like $1) as n`,
    [`%${tenantId}%`],
  );
  out['pgboss.job'] = Number(jobs.rows[0]!.n);
  return out;
}

const scheduled = async (tenantId: string) => (await cadans.db.query<{ due_at: Date }>('select due_at from tenant_deletions where tenant_id = $1', [tenantId])).rows[0]?.due_at ?? null;

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans({ TENANT_DELETION_GRACE_DAYS: '30' });
  a = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: stableGuid('leaving-tenant') });
  b = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: stableGuid('staying-tenant') });
  await cadans.jobs.boss.createQueue('privacy-test-mail');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cadans-tenant-'));
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a tenant that leaves', () => {
  let anna: TeamsUser;
  let bas: TeamsUser;
  let carla: TeamsUser;

  it('installs in two tenants: a team and personal chats', async () => {
    anna = a.user({ name: 'Anna de Wit' });
    bas = a.user({ name: 'Bas Mulder' });
    carla = b.user({ name: 'Carla Jansen' });
    const team = a.team({ name: 'Kwaliteit', members: [anna, bas] });
    for (const activities of [a.personalInstall(anna), a.personalInstall(bas), a.teamInstall(anna, team), b.personalInstall(carla)]) {
      expect((await postActivities(cadans.url, activities)).map((r) => r.status)).toEqual([200, 200]);
    }
    await connector.waitForSent(1, { conversationId: team.general.id }); // the team welcome went through the outbox
    await postActivity(cadans.url, a.personalMessage(anna, 'hulp'));
    // Job data that names a tenant (as a meeting's mail does), one per tenant.
    await cadans.jobs.boss.send('privacy-test-mail', { tenantId: a.tenantId, to: ['anna@contoso.example'] });
    await cadans.jobs.boss.send('privacy-test-mail', { tenantId: b.tenantId, to: ['carla@contoso.example'] });
    const rows = await rowsOf(a.tenantId);
    expect(rows.conversation_refs).toBeGreaterThanOrEqual(4);
    expect(rows.outbox_messages).toBeGreaterThanOrEqual(1);
    expect(rows['pgboss.job']).toBe(1);
    expect(await scheduled(a.tenantId)).toBeNull();
  });

  it('schedules nothing while an installation is left, and the deletion once the last one goes', async () => {
    const team = a.team({ name: 'Kwaliteit', members: [anna, bas] });
    await postActivities(cadans.url, a.uninstall(anna, team));
    await postActivities(cadans.url, a.uninstall(anna, anna));
    expect(await scheduled(a.tenantId)).toBeNull(); // Bas still has Cadans
    const before = Date.now();
    await postActivities(cadans.url, a.uninstall(bas, bas));
    const due = await scheduled(a.tenantId);
    expect(due).not.toBeNull();
    expect(due!.getTime()).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1000);
    expect(due!.getTime()).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS + 1000);
    expect(await scheduled(b.tenantId)).toBeNull();
  });

  it('cancels the deletion when Cadans is installed again, or someone of the tenant writes to it', async () => {
    await postActivities(cadans.url, a.personalInstall(bas));
    expect(await scheduled(a.tenantId)).toBeNull();
    await postActivities(cadans.url, a.uninstall(bas, bas));
    expect(await scheduled(a.tenantId)).not.toBeNull();
    await postActivity(cadans.url, a.personalMessage(anna, 'hulp'));
    expect(await scheduled(a.tenantId)).toBeNull();
    await postActivities(cadans.url, a.uninstall(anna, anna));
    expect(await scheduled(a.tenantId)).not.toBeNull();
  });

  it("exports the tenant's rows for the operator (npm run tenant -- export)", async () => {
    const file = path.join(tmp, 'export.json');
    await run(process.execPath, ['--no-deprecation', '--import', 'tsx', 'scripts/tenant.ts', 'export', '--tenant', a.tenantId, '--out', file], {
      cwd: ROOT_DIR,
      env: { ...process.env, DATABASE_URL: cadans.databaseUrl, CADANS_ENV: 'test', LOG_LEVEL: 'warn', OUTBOX_MAX_ATTEMPTS: '8' },
      timeout: 120_000,
    });
    const data = JSON.parse(readFileSync(file, 'utf8'));
    expect(data.format).toBe('cadans-tenant-export');
    expect(data.tenantId).toBe(a.tenantId);
    const refs = data.sections.teams.conversationReferences as { key: string; scope: string }[];
    expect(refs.map((r) => r.key)).toEqual(expect.arrayContaining([anna.aadObjectId, bas.aadObjectId]));
    expect(data.sections.outbox.messages.length).toBeGreaterThanOrEqual(1);
    expect(data.sections.jobs.jobs.map((j: { data: { to: string[] } }) => j.data.to)).toEqual([['anna@contoso.example']]);
    const text = JSON.stringify(data);
    expect(text).not.toContain(carla.aadObjectId);
    expect(text).not.toContain(b.tenantId);
  }, 150_000);

  it('keeps everything until the grace period has passed', async () => {
    const due = (await scheduled(a.tenantId))!;
    const beforeRows = await rowsOf(a.tenantId);
    await cadans.privacy.daily(new Date(due.getTime() - 60_000));
    expect(await rowsOf(a.tenantId)).toEqual(beforeRows);
  });

  it("deletes every row of the tenant once it has passed (the daily job), and nothing of another tenant", async () => {
    const due = (await scheduled(a.tenantId))!;
    const other = await rowsOf(b.tenantId);
    expect(other.conversation_refs).toBeGreaterThan(0);
    expect(other['pgboss.job']).toBe(1);
    await cadans.privacy.daily(new Date(due.getTime() + 60_000));
    const left = Object.entries(await rowsOf(a.tenantId)).filter(([, n]) => n > 0);
    expect(left).toEqual([]);
    // Tables nobody answers for yet would show here (each must belong to a holder).
    const unknown = Object.keys(await rowsOf(a.tenantId)).filter((t) => t !== 'pgboss.job' && !SECTION_OF[t]);
    expect(unknown).toEqual([]);
    expect(await rowsOf(b.tenantId)).toEqual(other);
    expect(await scheduled(a.tenantId)).toBeNull();
  });

  it('still works for the other tenant', async () => {
    await postActivity(cadans.url, b.personalMessage(carla, 'hulp'));
    expect(connector.sent(carla.personalConversationId).length).toBeGreaterThanOrEqual(2); // the welcome, and the help
  });
});

describe('the operator deletes a tenant (npm run tenant -- delete)', () => {
  it('refuses without --yes, and with it exports first to the data directory, then deletes', async () => {
    const c = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: stableGuid('deleted-by-operator') });
    const dirk = c.user({ name: 'Dirk Smit' });
    await postActivities(cadans.url, c.personalInstall(dirk));
    const other = await rowsOf(b.tenantId);
    const env = { ...process.env, DATABASE_URL: cadans.databaseUrl, CADANS_ENV: 'test', LOG_LEVEL: 'warn', CADANS_DATA_DIR: tmp };
    const cli = (...args: string[]) => run(process.execPath, ['--no-deprecation', '--import', 'tsx', 'scripts/tenant.ts', ...args], { cwd: ROOT_DIR, env, timeout: 120_000 });
    await expect(cli('delete', '--tenant', c.tenantId)).rejects.toMatchObject({ code: 2 });
    expect((await rowsOf(c.tenantId)).conversation_refs).toBe(1);
    const { stdout } = await cli('delete', '--tenant', c.tenantId, '--yes');
    expect(stdout).toContain(`Deleted tenant ${c.tenantId}`);
    const file = path.join(tmp, `tenant-${c.tenantId}-${new Date().toISOString().slice(0, 10)}.json`);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    expect(data.sections.teams.conversationReferences.map((r: { key: string }) => r.key)).toEqual([dirk.aadObjectId]);
    expect(Object.entries(await rowsOf(c.tenantId)).filter(([, n]) => n > 0)).toEqual([]);
    expect(await rowsOf(b.tenantId)).toEqual(other);
  }, 300_000);
});
