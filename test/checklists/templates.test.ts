import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser;
let joost: TeamsUser;
let channel: TeamsChannel;
let files: http.Server;
let filesUrl: string;

const text = (x: unknown) => JSON.stringify(x);
const AUDIT = ['titel: Interne audit', 'beschrijving: Drie stappen', 'doeldatum: Datum audit', 'stappen:', '  - titel: Plan de audit', '    termijn: -14', '  - Voer de audit uit', '  - Bespreek de bevindingen'].join('\n');

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>, where: TeamsUser | TeamsChannel = channel) {
  const res = await postActivity(cadans.url, world.actionExecute(user, where, verb, data));
  expect(res.status).toBe(200);
  return (res.body as { value: unknown }).value;
}

function fileMessage(user: TeamsUser, name: string, downloadUrl: string) {
  return world.personalMessage(user, '', {
    attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name, content: { downloadUrl, uniqueId: 'f1', fileType: name.split('.').pop() } }],
  });
}

beforeAll(async () => {
  connector = await startFakeConnector();
  files = http.createServer((req, res) => {
    if (req.url === '/zelfevaluatie.yaml') res.end('titel: Zelfevaluatie team\nstappen:\n  - Kies de standaarden\n  - Bespreek de uitkomsten\n');
    else if (req.url === '/kapot.yaml') res.end('titel: Kapot\nstappen:\n  - kleur: rood\n');
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
  const filesPort = (files.address() as { port: number }).port;
  filesUrl = `http://127.0.0.1:${filesPort}`;
  // Local mode reads files from the playground's own address only: this server plays the playground.
  cadans = await startTestCadans({ PLAYGROUND_PORT: String(filesPort) });
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  joost = world.user({ name: 'Joost Bakker' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, joost] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
  await new Promise((r) => files?.close(r));
});

describe('own checklist templates', () => {
  it('saves a pasted template and offers it next to the built-in checklists', async () => {
    const card = await invoke(sanne, 'checklist.saveTemplate', { v: 1, definition: AUDIT });
    expect(text(card)).toContain('De checklist \\"Interne audit\\" is toegevoegd');
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(sanne, channel, 'checklist', { mention: true }));
    const menu = text(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(menu).toContain('Interne audit');
    expect(menu).toContain('Voorbereiding inspectiebezoek');
  });

  it('starts a checklist from an own template, with its steps on the shared card', async () => {
    const r = await cadans.db.query<{ id: string }>("select id from checklist_templates where definition->'title'->>'nl' = 'Interne audit'");
    const key = `custom-${r.rows[0]!.id}`;
    const form = await invoke(sanne, 'checklist.new', { v: 1, template: key });
    expect(text(form)).toContain('Datum audit');
    await invoke(sanne, 'checklist.start', { v: 1, template: key, title: 'Audit groep 8', school: 'none', targetDate: '2027-05-20' });
    const posted = await connector.waitFor((rec) => rec.method === 'POST' && rec.status < 300 && text(rec.body).includes('Audit groep 8') && text(rec.body).includes('checklist.step'), { timeoutMs: 5_000 });
    const card = text(connector.cardOf(posted));
    for (const step of ['Plan de audit', 'Voer de audit uit', 'Bespreek de bevindingen']) expect(card).toContain(step);
    expect(card).toContain('0 van 3 klaar');
  });

  it('lists the problems of a broken template by line, and saves nothing', async () => {
    const before = (await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n;
    const card = await invoke(sanne, 'checklist.saveTemplate', { v: 1, definition: 'titel: Kapot\nstappen:\n  - kleur: rood' });
    expect(text(card)).toContain('Regel 3');
    expect(text(card)).toContain('Onbekend veld');
    expect((await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n).toBe(before);
  });

  it('takes a template sent as a YAML file in the personal chat', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, fileMessage(sanne, 'zelfevaluatie.yaml', `${filesUrl}/zelfevaluatie.yaml`));
    const reply = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: sanne.personalConversationId }))[0]));
    expect(reply).toContain('Zelfevaluatie team');
    expect(reply).toContain('is toegevoegd');
  });

  it('does not fetch a file from a host that is not SharePoint', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, fileMessage(sanne, 'audit.yaml', 'https://evil.example.org/audit.yaml'));
    const reply = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: sanne.personalConversationId }))[0]));
    expect(reply).toContain('Ik kon het bestand niet lezen');
  });

  it('does not fetch a file from another local port than the playground\'s, even on loopback', async () => {
    const other = http.createServer((_req, res) => res.end('titel: Van een andere poort\nstappen:\n  - Een stap\n'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    try {
      const since = connector.mark();
      await postActivity(cadans.url, fileMessage(sanne, 'intern.yaml', `http://127.0.0.1:${(other.address() as { port: number }).port}/intern.yaml`));
      const reply = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: sanne.personalConversationId }))[0]));
      expect(reply).toContain('Ik kon het bestand niet lezen');
      expect((await cadans.db.query("select count(*)::int as n from checklist_templates where source like '%andere poort%'")).rows[0].n).toBe(0);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  it('refuses a template from someone who is not kwaliteitsmedewerker or beheerder', async () => {
    const before = (await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n;
    const card = await invoke(joost, 'checklist.saveTemplate', { v: 1, definition: AUDIT });
    expect(text(card)).toContain('Daar heb je de rol niet voor');
    expect((await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n).toBe(before);
  });

  it("does not start another tenant's own template", async () => {
    const r = await cadans.db.query<{ id: string }>("select id from checklist_templates where definition->'title'->>'nl' = 'Interne audit'");
    const other = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: '31313131-4141-4515-8616-717171717171' });
    const admin = other.user({ name: 'Ander Bestuur' });
    const otherTeam = other.team({ name: 'Ander', channels: ['Kwaliteit'], members: [admin] });
    await postActivity(cadans.url, other.personalMessage(admin, 'hulp'));
    const res = await postActivity(cadans.url, other.actionExecute(admin, otherTeam.channel('Kwaliteit'), 'checklist.new', { v: 1, template: `custom-${r.rows[0]!.id}` }));
    expect(text(res.body)).toContain('Deze checklist bestaat niet');
  });
});

describe('the number of own templates of a tenant', () => {
  const count = async () => (await cadans.db.query<{ n: number }>('select count(*)::int as n from checklist_templates where tenant_id = $1 and archived_at is null', [world.tenantId])).rows[0]!.n;

  it('stops at 50, saying so in Dutch and English, and saves again once one is archived', async () => {
    // Fill up to the cap with copies of a saved one (what 50 saves would leave behind).
    const missing = 50 - (await count());
    await cadans.db.query(
      `insert into checklist_templates (tenant_id, definition, source, created_by)
       select tenant_id, definition, source, created_by from checklist_templates, generate_series(1, $2)
        where tenant_id = $1 and id = (select min(id) from checklist_templates where tenant_id = $1)`,
      [world.tenantId, missing],
    );
    expect(await count()).toBe(50);
    const nl = text(await invoke(sanne, 'checklist.saveTemplate', { v: 1, definition: AUDIT }));
    expect(nl).toContain('Jullie hebben al 50 eigen checklists, het maximum.');
    expect(await count()).toBe(50);
    const en = await postActivity(cadans.url, { ...world.actionExecute(sanne, sanne, 'checklist.saveTemplate', { v: 1, definition: AUDIT }), locale: 'en-GB' });
    expect(text(en.body)).toContain('You already have 50 checklists of your own, the maximum.');

    const newest = (await cadans.db.query<{ id: string }>('select max(id) as id from checklist_templates where tenant_id = $1', [world.tenantId])).rows[0]!.id;
    expect(text(await invoke(sanne, 'checklist.archiveTemplate', { v: 1, template: `custom-${newest}` }))).toContain('staat niet meer in de lijst');
    expect(text(await invoke(sanne, 'checklist.saveTemplate', { v: 1, definition: AUDIT }))).toContain('is toegevoegd');
    expect(await count()).toBe(50);
  });

  it('archives an own template from the list: no longer offered or started, while a checklist running from it goes on', async () => {
    const keys = (await cadans.db.query<{ id: string }>("select id from checklist_templates where tenant_id = $1 and archived_at is null and definition->'title'->>'nl' = 'Interne audit'", [world.tenantId])).rows.map((r) => `custom-${r.id}`);
    const running = (await cadans.db.query<{ template_key: string; public_id: string }>("select template_key, public_id from checklists where title = 'Audit groep 8'")).rows[0]!;
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(sanne, channel, 'checklist', { mention: true }));
    const before = text(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(before).toContain('checklist.archiveTemplate');
    expect(before).toContain('**Interne audit**');
    for (const key of keys) await invoke(sanne, 'checklist.archiveTemplate', { v: 1, template: key });
    await cadans.db.query("update checklist_templates set archived_at = now() where tenant_id = $1 and id = $2", [world.tenantId, running.template_key.slice('custom-'.length)]);
    const after = connector.mark();
    await postActivity(cadans.url, world.channelMessage(sanne, channel, 'checklist', { mention: true }));
    expect(text(connector.cardOf((await connector.waitForSent(1, { since: after }))[0]))).not.toContain('**Interne audit**');
    const refused = await invoke(sanne, 'checklist.start', { v: 1, template: running.template_key, title: 'Nog een audit', school: 'none', targetDate: '' });
    expect(text(refused)).not.toContain('staat in het kanaal');
    expect((await cadans.db.query("select count(*)::int as n from checklists where title = 'Nog een audit'")).rows[0].n).toBe(0);
    const view = await invoke(sanne, 'checklist.view', { v: 2, checklist: running.public_id });
    expect(text(view)).toContain('Bespreek de bevindingen');
  });
});
