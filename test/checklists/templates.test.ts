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

type Element = Record<string, unknown> & { type?: string; id?: string };
type Card = { body: Element[] };

/** Every element of a card, depth first, in the order Teams draws them. */
function allOf(card: Card): Element[] {
  const out: Element[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Element;
    if (typeof o.type === 'string' && !o.type.startsWith('Action.')) out.push(o);
    for (const k of ['body', 'items', 'columns']) if (k in o) walk(o[k]);
  };
  walk(card.body);
  return out;
}

/** The messages right below an input: what the card says is wrong with it. */
function after(card: Card, id: string): string[] {
  const all = allOf(card);
  const i = all.findIndex((e) => e.id === id);
  expect(i).toBeGreaterThanOrEqual(0);
  const out: string[] = [];
  for (const e of all.slice(i + 1)) {
    if (e.type !== 'TextBlock' || e.color !== 'Attention') break;
    out.push(String(e.text));
  }
  return out;
}

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

  it('offers a form beside the YAML box, with the example line by line and in the box to copy', async () => {
    const card = (await invoke(sanne, 'checklist.addTemplate', { v: 1 })) as Card;
    const inputs = allOf(card).filter((e) => e.type === 'Input.Text').map((e) => e.id);
    expect(inputs).toEqual(expect.arrayContaining(['formTitle', 'stepTitle1', 'stepGuidance1', 'stepDays1', 'stepTitle10', 'definition']));
    expect(allOf(card).find((e) => e.id === 'stepGuidance1')?.isMultiline).toBe(true);
    // Steps 4 to 10 wait behind "Meer stappen"; the example keeps its lines and their indentation.
    expect(allOf(card).find((e) => e.id === 'formStep4')?.isVisible).toBe(false);
    expect(text(card)).toContain('Meer stappen (tot 10)');
    const example = allOf(card).filter((e) => e.fontType === 'Monospace').map((e) => String(e.text));
    expect(example).toContain('stappen:');
    expect(example).toContain('\u00a0\u00a0- titel: Kies de standaarden');
    const box = String(allOf(card).find((e) => e.id === 'definition')?.value);
    expect(box.split('\n')).toContain('    termijn: -28');
    // The example as it stands in the box saves; so do its lines as copied from the card.
    const copied = example.map((l) => l.replace(/\\(.)/g, '$1')).join('\n').replace('Zelfevaluatie team', 'Zelfevaluatie gekopieerd');
    expect(text(await invoke(sanne, 'checklist.saveTemplate', { v: 1, definition: copied }))).toContain('De checklist \\"Zelfevaluatie gekopieerd\\" is toegevoegd');
  });

  it('saves a checklist made with the form, which starts with the guidance and the due dates from its offsets', async () => {
    const card = await invoke(sanne, 'checklist.saveTemplateForm', {
      v: 1,
      formTitle: 'Schoolplan bespreken',
      stepTitle1: 'Concept rondsturen',
      stepGuidance1: 'Stuur het concept naar de MR.\nVraag om een reactie binnen een week.',
      stepDays1: '-14',
      stepTitle2: 'Bespreken in de MR',
      stepDays2: '\u22127',
      stepTitle3: 'Vaststellen',
      definition: 'titel: half getypt',
    });
    expect(text(card)).toContain('De checklist \\"Schoolplan bespreken\\" is toegevoegd');
    const r = await cadans.db.query<{ id: string }>("select id from checklist_templates where definition->'title'->>'nl' = 'Schoolplan bespreken'");
    const key = `custom-${r.rows[0]!.id}`;
    await invoke(sanne, 'checklist.start', { v: 1, template: key, title: 'Schoolplan 2027', school: 'none', targetDate: '2027-03-18' });
    const posted = await connector.waitFor((rec) => rec.method === 'POST' && rec.status < 300 && text(rec.body).includes('Schoolplan 2027') && text(rec.body).includes('checklist.step'), { timeoutMs: 5_000 });
    const shared = text(connector.cardOf(posted));
    for (const step of ['Concept rondsturen', 'Bespreken in de MR', 'Vaststellen']) expect(shared).toContain(step);
    // -14 and −7 days from Thursday 18 March 2027.
    expect(shared).toContain('uiterlijk 4 maart 2027');
    expect(shared).toContain('uiterlijk 11 maart 2027');
    const publicId = (await cadans.db.query<{ public_id: string }>("select public_id from checklists where title = 'Schoolplan 2027'")).rows[0]!.public_id;
    const step = text(await invoke(sanne, 'checklist.step', { v: 2, checklist: publicId, position: 1 }));
    // The guidance keeps its two lines (an empty line between them, or Teams joins them).
    expect(step).toContain('Stuur het concept naar de MR.\\n\\nVraag om een reactie binnen een week.');
  });

  it('keeps what was typed in a form that cannot be saved, says beside each field what is wrong, and saves nothing', async () => {
    const before = (await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n;
    const typed = { v: 1, formTitle: '  ', stepGuidance1: 'Alleen uitleg, nog geen titel', stepDays1: 'tien', stepTitle2: 'Tweede stap', stepDays2: '-3', definition: 'titel: mijn eigen tekst' };
    const card = (await invoke(sanne, 'checklist.saveTemplateForm', typed)) as Card;
    expect((await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n).toBe(before);
    expect(text(card)).toContain('Nog niet opgeslagen.');
    expect(after(card, 'formTitle')).toEqual(['De titel ontbreekt.']);
    expect(after(card, 'stepTitle1')).toEqual(['De titel van stap 1 ontbreekt.']);
    expect(after(card, 'stepDays1')).toEqual(['De termijn van stap 1 is een heel aantal dagen (-365 tot 365) ten opzichte van de streefdatum.']);
    expect(after(card, 'stepTitle2')).toEqual([]);
    const value = (id: string) => allOf(card).find((e) => e.id === id)?.value;
    expect([value('stepGuidance1'), value('stepDays1'), value('stepTitle2'), value('stepDays2'), value('definition')]).toEqual(['Alleen uitleg, nog geen titel', 'tien', 'Tweede stap', '-3', 'titel: mijn eigen tekst']);

    // A step left empty between two others: the others move up, so "stap 2" is the second one shown.
    const gap = (await invoke(sanne, 'checklist.saveTemplateForm', { v: 1, formTitle: 'Met een gat', stepTitle1: 'Eerste', stepDays3: '5 dagen' })) as Card;
    expect(allOf(gap).find((e) => e.id === 'stepDays2')?.value).toBe('5 dagen');
    expect(after(gap, 'stepDays2')[0]).toContain('De termijn van stap 2');

    // In the personal chat Cadans answers in the person's language.
    const en = await postActivity(cadans.url, { ...world.actionExecute(sanne, sanne, 'checklist.saveTemplateForm', typed), locale: 'en-GB' });
    expect(after((en.body as { value: Card }).value, 'stepTitle1')).toEqual(['The title of step 1 is missing.']);
    expect((await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n).toBe(before);
  });

  it('refuses a form saved by someone who is not kwaliteitsmedewerker or beheerder', async () => {
    const before = (await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n;
    const card = await invoke(joost, 'checklist.saveTemplateForm', { v: 1, formTitle: 'Stiekem', stepTitle1: 'Een stap' });
    expect(text(card)).toContain('Daar heb je de rol niet voor');
    expect((await cadans.db.query('select count(*)::int as n from checklist_templates')).rows[0].n).toBe(before);
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
