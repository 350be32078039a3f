// Own survey templates: pasted in the card or sent as a file in the personal chat, offered next to
// the built-in ones in every channel, and a draft started from one. Files that hold steps still go to
// checklists.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SURVEY_TEMPLATE_EXAMPLE } from '../../src/surveys/parse-template.js';
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
const OUDERS = ['titel: Ouderpeiling', 'vragen:', '  - tekst: Ik voel me welkom op school.', '  - tekst: Wat kan beter?', '    soort: open', '    verplicht: nee'].join('\n');

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>, where: TeamsUser | TeamsChannel = channel) {
  const res = await postActivity(cadans.url, world.actionExecute(user, where, verb, data));
  expect(res.status).toBe(200);
  return (res.body as { value: unknown }).value;
}

async function workbook(rows: string[][]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Blad1');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

function fileMessage(user: TeamsUser, name: string, downloadUrl: string) {
  return world.personalMessage(user, '', {
    attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name, content: { downloadUrl, uniqueId: 'f1', fileType: name.split('.').pop() } }],
  });
}

beforeAll(async () => {
  connector = await startFakeConnector();
  files = http.createServer((req, res) => {
    if (req.url === '/team.json') res.end(JSON.stringify({ title: 'Teampeiling', questions: [{ text: 'Ik weet wat er van mij verwacht wordt.' }, { text: 'Hoe vaak overleg je?', options: ['wekelijks', 'maandelijks'] }] }));
    else if (req.url === '/lijst.yaml') res.end('titel: Lijst via bestand\nstappen:\n  - Eerste stap\n');
    else if (req.url === '/adressen.csv') res.end(`naam;e-mail\nJoost;${joost.email}\nOnbekend;niemand@elders.nl\nFout;geen-adres\n`);
    else if (req.url === '/adressen.xlsx') void workbook([['E-mail'], [joost.email.toUpperCase()], [sanne.email]]).then((b) => res.end(b));
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
  const filesPort = (files.address() as { port: number }).port;
  filesUrl = `http://127.0.0.1:${filesPort}`;
  cadans = await startTestCadans({ PLAYGROUND_PORT: String(filesPort) });
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  joost = world.user({ name: 'Joost Bakker' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, joost] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder
  await postActivity(cadans.url, world.personalMessage(joost, 'hulp'));
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
  await new Promise((r) => files?.close(r));
});

describe('own survey templates', () => {
  it('offers a copyable example that parses, keeping its line breaks', async () => {
    const card = await invoke(sanne, 'survey.addTemplate', { v: 1 }, sanne);
    const example = (card as { body: { id?: string; value?: string }[] }).body.find((b) => b.id === 'example');
    expect(example?.value).toBe(SURVEY_TEMPLATE_EXAMPLE.nl);
    expect(example?.value?.split('\n').length).toBeGreaterThan(5);
  });

  it('saves a pasted template, offers it in the channel, and starts a draft with its questions', async () => {
    const saved = await invoke(sanne, 'survey.saveTemplate', { v: 1, definition: OUDERS }, sanne);
    expect(text(saved)).toContain('Ouderpeiling');
    expect(text(saved)).toContain('is toegevoegd');
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(sanne, channel, 'peiling', { mention: true }));
    const home = text(connector.cardOf((await connector.waitForSent(1, { since }))[0]));
    expect(home).toContain('Ouderpeiling');
    expect(home).toContain('Werkdruk');
    const key = `own-${(await cadans.db.query<{ id: string }>('select id from survey_templates order by id desc limit 1')).rows[0]!.id}`;
    const draft = text(await invoke(sanne, 'survey.create', { v: 1, template: key }));
    expect(draft).toContain('Ik voel me welkom op school.');
    expect(draft).toContain('Wat kan beter?');
  });

  it('lists the problems by line and saves nothing', async () => {
    const before = (await cadans.db.query('select count(*)::int as n from survey_templates')).rows[0].n;
    const card = await invoke(sanne, 'survey.saveTemplate', { v: 1, definition: 'titel: Kapot\nvragen:\n  - tekst: Kies\n    soort: keuze\n    opties: [een]' }, sanne);
    expect(text(card)).toContain('Regel');
    expect((await cadans.db.query('select count(*)::int as n from survey_templates')).rows[0].n).toBe(before);
  });

  it('takes a survey sent as a JSON file, and still takes a checklist sent as a file', async () => {
    let since = connector.mark();
    await postActivity(cadans.url, fileMessage(sanne, 'team.json', `${filesUrl}/team.json`));
    let reply = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: sanne.personalConversationId }))[0]));
    expect(reply).toContain('Teampeiling');
    expect(reply).toContain('is toegevoegd');
    since = connector.mark();
    await postActivity(cadans.url, fileMessage(sanne, 'lijst.yaml', `${filesUrl}/lijst.yaml`));
    reply = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: sanne.personalConversationId }))[0]));
    expect(reply).toContain('Lijst via bestand');
    expect((await cadans.db.query("select count(*)::int as n from checklist_templates where definition->'title'->>'nl' = 'Lijst via bestand'")).rows[0].n).toBe(1);
  });

  it('lets only a kwaliteitsmedewerker or beheerder add one', async () => {
    const card = await invoke(joost, 'survey.saveTemplate', { v: 1, definition: OUDERS }, joost);
    expect(text(card)).toContain('Daar heb je de rol niet voor');
  });

  it('archives an own template: no longer offered', async () => {
    const key = `own-${(await cadans.db.query<{ id: string }>("select id from survey_templates where definition->'title'->>'nl' = 'Ouderpeiling'")).rows[0]!.id}`;
    const home = text(await invoke(sanne, 'survey.archiveTemplate', { v: 1, template: key }));
    expect(home).not.toContain(`"template":"${key}"`); // no longer offered (the draft made from it stays)
    expect(home).toContain('Teampeiling');
  });

  it('builds a survey from scratch in the questions card, keeping what was typed when something is wrong', async () => {
    const first = text(await invoke(sanne, 'survey.create', { v: 1, template: 'blank' }));
    expect(first).toContain('Vragen: Nieuwe peiling');
    const id = (await cadans.db.query<{ public_id: string }>('select public_id from surveys order by id desc limit 1')).rows[0]!.public_id;
    const typed = { v: 1, survey: id, t_1: 'Ik weet wat mijn taken zijn.', k_1: 'likert', r_1: 'true', t_2: 'Welke dag past het best?', k_2: 'choice', r_2: 'true', o_2: 'maandag', t_3: '', t_4: 'Nog iets?', k_4: 'open', r_4: 'false' };
    const wrong = text(await invoke(sanne, 'survey.saveQuestions', typed));
    expect(wrong).toContain('Vraag 2 is een keuzevraag: geef 2 tot 10 opties.');
    expect(wrong).toContain('Welke dag past het best?'); // kept
    expect((await cadans.db.query('select jsonb_array_length(questions) as n from surveys where public_id = $1', [id])).rows[0].n).toBe(0);
    const saved = text(await invoke(sanne, 'survey.saveQuestions', { ...typed, o_2: 'maandag; woensdag; vrijdag' }));
    expect(saved).toContain('Opgeslagen');
    expect(saved).toContain('3. Nog iets?');
    const q = (await cadans.db.query<{ questions: { id: string; kind: string; options?: { id: string; label: string }[]; required: boolean }[] }>('select questions from surveys where public_id = $1', [id])).rows[0]!.questions;
    expect(q.map((x) => [x.id, x.kind, x.required])).toEqual([['q1', 'likert', true], ['q2', 'choice', true], ['q3', 'open', false]]);
    expect(q[1]!.options!.map((o) => o.label)).toEqual(['maandag', 'woensdag', 'vrijdag']);
  });

  it('takes a CSV or Excel list of addresses as the audience of the latest draft, naming what it skipped', async () => {
    const draft = text(await invoke(sanne, 'survey.create', { v: 1, template: 'werkdruk' }));
    expect(draft).toContain('Concept: Werkdruk');
    const id = (await cadans.db.query<{ public_id: string }>('select public_id from surveys order by id desc limit 1')).rows[0]!.public_id;
    const before = (await cadans.db.query<{ deadline: Date }>('select deadline from surveys where public_id = $1', [id])).rows[0]!.deadline;
    let since = connector.mark();
    await postActivity(cadans.url, fileMessage(sanne, 'adressen.csv', `${filesUrl}/adressen.csv`));
    let reply = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: sanne.personalConversationId }))[0]));
    expect(reply).toContain('2 adressen uit adressen.csv');
    expect(reply).toContain('Overgeslagen (regels zonder e-mailadres): Fout;geen-adres');
    let row = (await cadans.db.query<{ audience: { kind: string; emails: string[] }; deadline: Date }>('select audience, deadline from surveys where public_id = $1', [id])).rows[0]!;
    expect(row.audience).toEqual({ kind: 'list', emails: [joost.email.toLowerCase(), 'niemand@elders.nl'] });
    expect(row.deadline.getTime()).toBe(before.getTime()); // nothing else changed
    since = connector.mark();
    await postActivity(cadans.url, fileMessage(sanne, 'adressen.xlsx', `${filesUrl}/adressen.xlsx`));
    reply = text(connector.cardOf((await connector.waitForSent(1, { since, conversationId: sanne.personalConversationId }))[0]));
    expect(reply).toContain('2 adressen uit adressen.xlsx');
    row = (await cadans.db.query<{ audience: { kind: string; emails: string[] }; deadline: Date }>('select audience, deadline from surveys where public_id = $1', [id])).rows[0]!;
    expect(row.audience.emails).toEqual([joost.email.toLowerCase(), sanne.email.toLowerCase()]);
    // The review in the channel matches them on the team: both are members.
    const review = text(await invoke(sanne, 'survey.review', { v: 1, survey: id }));
    expect(review).toContain('Versturen naar 2 mensen');
  });
});
