// A person's data exported and erased (AVG; docs/privacy.md), through real HTTP, teams-ai,
// PostgreSQL, pg-boss and the outbox (fake Teams connector). Piet works with Cadans (a role, a
// checklist step, a survey answer, an improvement action), asks for his own export, and a beheerder
// exports and then erases him. Afterwards no row in any schema of the database (pg-boss's included,
// jsonb included) and no log line written since holds his Entra id, Teams id, name or email; the
// shared checklist card says "verwijderde gebruiker"; everyone else goes on working.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCadans, type RunningCadans } from '../../src/cadans.js';
import { cardActions } from '../support/card-check.js';
import { createTestDatabase } from '../support/db.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { testConfig } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: RunningCadans;
let dropDb: () => Promise<void>;
let world: TeamsWorld;
let sanne: TeamsUser; // beheerder (the tenant's first person)
let karin: TeamsUser; // kwaliteitsmedewerker
let piet: TeamsUser; // asks to be erased
let tom: TeamsUser; // a colleague without a role
let channel: TeamsChannel;
let checklistId = '';
let surveyId = '';
const logLines: string[] = [];

const text = (x: unknown) => JSON.stringify(x);
const card = (res: { body: unknown }) => (res.body as { value?: unknown }).value;
async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return card(res) as { body?: unknown[]; actions?: { type: string; title: string; url?: string }[] };
}
const download = (c: { actions?: { type: string; url?: string }[] }) => c.actions?.find((a) => a.type === 'Action.OpenUrl')?.url ?? '';

/** Every row of every table in every schema but PostgreSQL's own, as text, with where it stands. */
async function everyRow(): Promise<{ table: string; row: string }[]> {
  const tables = await cadans.db.query<{ s: string; t: string }>(
    `select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const out: { table: string; row: string }[] = [];
  for (const { s, t } of tables.rows) {
    const rows = await cadans.db.query<{ r: string }>(`select x::text as r from "${s}"."${t}" x`);
    for (const r of rows.rows) out.push({ table: `${s}.${t}`, row: r.r });
  }
  return out;
}

const tracesOf = (u: TeamsUser) => [u.aadObjectId, u.id, u.name, u.email].map((x) => x.toLowerCase());

beforeAll(async () => {
  connector = await startFakeConnector();
  const db = await createTestDatabase();
  dropDb = db.drop;
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  cadans = await startCadans(testConfig(), pino({ level: 'debug' }, sink), db.url);
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne Beheer' });
  karin = world.user({ name: 'Karin Kwaliteit' });
  piet = world.user({ name: 'Piet van der Berg' });
  tom = world.user({ name: 'Tom Collega' });
  const team = world.team({ name: 'Team De Akker', channels: ['Kwaliteit'], members: [sanne, karin, piet, tom] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [sanne, karin, piet, tom]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  const tenant = world.tenantId;
  const school = await cadans.db.query<{ id: string }>("insert into schools (tenant_id, name) values ($1, 'De Akker') returning id", [tenant]);
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [tenant, karin.aadObjectId]);
  // Piet gets a role from Sanne, through the roles card (an audit event names him).
  expect(text(await act(sanne, sanne, 'roles.grant', { v: 1, person: piet.aadObjectId, role: 'medewerker', school: school.rows[0]!.id }))).toContain('Piet van der Berg');
  // Karin starts the onboarding checklist in the channel; Piet takes step 1 and writes his email in its note.
  const started = await act(karin, channel, 'checklist.start', { v: 1, template: 'onboarding', title: 'Start schooljaar', school: school.rows[0]!.id, targetDate: '' });
  expect(text(started)).toContain('staat in het kanaal');
  checklistId = (await cadans.db.query<{ public_id: string }>('select public_id from checklists')).rows[0]!.public_id;
  expect(text(await act(piet, channel, 'checklist.take', { v: 2, checklist: checklistId, position: 1 }))).toContain('Piet van der Berg');
  await act(piet, channel, 'checklist.saveStep', { v: 2, checklist: checklistId, position: 1, note: `Vragen? Mail ${piet.email}`, evidence: '', owner: piet.aadObjectId, dueDate: '' }).catch(() => undefined);
  // An improvement action with Piet as its owner.
  const action = await act(karin, channel, 'action.save', { v: 1, title: 'Leerlingbespreking vastleggen', owner: piet.aadObjectId, dueDate: '2027-03-01' });
  expect(text(action)).toContain('Piet van der Berg');
  await connector.waitFor((r) => r.conversationId === channel.id && text(r.body).includes('Piet van der Berg'), { timeoutMs: 20_000 });
  // A survey with names (not anonymous) to the team: Piet answers, with his email in the open answer.
  expect(text(await act(karin, channel, 'survey.create', { v: 1, template: 'werkdruk' }))).toContain('Concept: Werkdruk');
  surveyId = (await cadans.db.query<{ public_id: string }>('select public_id from surveys order by id desc limit 1')).rows[0]!.public_id;
  const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await act(karin, channel, 'survey.review', { v: 1, survey: surveyId, title: 'Werkdruk met naam', anonymous: 'false', minGroupSize: '3', deadlineDate: deadline, deadlineTime: '23:00', reminders: '', removed: '', opensDate: '', audience: 'team' });
  expect(text(await act(karin, channel, 'survey.send', { v: 1, survey: surveyId }))).toContain('Verstuurd naar');
  await connector.waitFor((r) => r.conversationId === piet.personalConversationId && text(r.body).includes('survey.answer'), { timeoutMs: 30_000 });
  expect(text(await act(piet, piet, 'survey.answer', { v: 1, survey: surveyId, a_q1: '2', a_q2: '3', a_q3: '3', a_q4: 'a', a_q5: `Bel me gerust, ${piet.email}` }))).toContain('Bedankt');
}, 120_000);

afterAll(async () => {
  await cadans?.stop();
  await dropDb?.();
  await connector?.close();
});

describe("a person's own data", () => {
  it('answers "mijn gegevens" in the personal chat with a link to a JSON file of everything Cadans keeps about them', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.personalMessage(piet, 'mijn gegevens'));
    const sent = await connector.waitForSent(1, { since, conversationId: piet.personalConversationId });
    const c = connector.cardOf(sent[0]!);
    expect(text(c)).toContain('Jouw gegevens');
    const res = await fetch(download(c));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const file = (await res.json()) as { entraObjectId: string; sections: Record<string, Record<string, unknown>> };
    expect(file.entraObjectId).toBe(piet.aadObjectId);
    expect(file.sections.people!.person).toMatchObject({ name: 'Piet van der Berg' });
    expect(text(file.sections.people!.roles)).toContain('medewerker');
    // Nothing of Sanne's or Karin's own data.
    expect(text(file.sections.people!.person)).not.toContain(karin.aadObjectId);
  });

  it('in a channel, points to the personal chat and shows nothing', async () => {
    const since = connector.mark();
    await postActivity(cadans.url, world.channelMessage(piet, channel, 'privacy', { mention: true }));
    const sent = await connector.waitForSent(1, { since, conversationId: channel.id });
    const body = text(connector.cardOf(sent[0]!));
    expect(body).toContain('persoonlijke chat');
    expect(body).not.toContain('exports/');
  });

  it('shows a colleague without a role only their own download, and refuses their forged export and erase', async () => {
    const home = text(await act(tom, tom, 'privacy.open', { v: 1 }));
    expect(home).toContain('Mijn gegevens downloaden');
    expect(home).not.toContain('privacy.confirmErase');
    expect(text(await act(tom, tom, 'privacy.exportPerson', { v: 1, person: piet.aadObjectId }))).toContain('Daar heb je de rol niet voor');
    expect(text(await act(tom, tom, 'privacy.erase', { v: 1, person: piet.aadObjectId }))).toContain('Daar heb je de rol niet voor');
    expect(text(await act(karin, karin, 'privacy.erase', { v: 1, person: piet.aadObjectId }))).toContain('Daar heb je de rol niet voor');
    const still = await cadans.db.query('select 1 from people where aad_object_id = $1', [piet.aadObjectId]);
    expect(still.rowCount).toBe(1);
  });
});

describe('a beheerder handles a request', () => {
  it('exports Piet for Sanne, and records that she did', async () => {
    const c = await act(sanne, sanne, 'privacy.exportPerson', { v: 1, person: piet.aadObjectId });
    expect(text(c)).toContain('Gegevens van Piet van der Berg');
    const file = (await (await fetch(download(c))).json()) as { sections: Record<string, unknown> };
    expect(text(file.sections)).toContain('Leerlingbespreking vastleggen');
    const audit = await cadans.db.query("select 1 from audit_events where action = 'privacy.export' and actor_aad_object_id = $1", [sanne.aadObjectId]);
    expect(audit.rowCount).toBe(1);
  });

  it('asks a bad id again and changes nothing', async () => {
    expect(text(await act(sanne, sanne, 'privacy.confirmErase', { v: 1, person: '', personId: 'piet' }))).toContain('geldig Entra-object-id');
    expect(text(await act(sanne, sanne, 'privacy.confirmErase', { v: 1, personId: 'aaaaaaaa-0000-4000-8000-000000000000' }))).toContain('bewaart niets over deze persoon');
  });

  it('refuses to erase the last beheerder', async () => {
    expect(text(await act(sanne, sanne, 'privacy.confirmErase', { v: 1, person: sanne.aadObjectId }))).toContain('laatste beheerder');
  });

  it('asks for confirmation naming Piet, then erases him', async () => {
    expect(text(await act(sanne, sanne, 'privacy.confirmErase', { v: 1, person: piet.aadObjectId, email: 'piet at school' }))).toContain('geen geldig e-mailadres');
    const confirmCard = await act(sanne, sanne, 'privacy.confirmErase', { v: 1, person: piet.aadObjectId, email: piet.email });
    const confirm = text(confirmCard);
    expect(confirm).toContain('Gegevens van Piet van der Berg wissen?');
    expect(confirm).toContain('Definitief wissen');
    expect(confirm).toContain(`Ook het e-mailadres ${piet.email}`);
    const eraseAction = cardActions(confirmCard).find((a) => a.verb === 'privacy.erase')!;
    const exportLink = download(await act(sanne, sanne, 'privacy.exportPerson', { v: 1, person: piet.aadObjectId }));
    const mark = logLines.length;
    const since = connector.mark();
    const done = text(await act(sanne, sanne, 'privacy.erase', eraseAction.data as Record<string, unknown>));
    expect(done).toContain('Gegevens gewist');
    expect(done).not.toContain('Piet');
    // The link made before the erase finds nothing now.
    expect((await fetch(exportLink)).status).toBe(404);
    // The shared checklist card in the channel no longer names him.
    const update = await connector.waitFor((r) => r.seq > since && r.conversationId === channel.id && r.status < 300 && text(r.body).includes('verwijderde gebruiker'), { since, timeoutMs: 20_000 });
    expect(text(update.body)).not.toContain('Piet');
    // Everyone else goes on: Tom takes step 2, Karin opens the checklist and the roles card.
    expect(text(await act(tom, channel, 'checklist.take', { v: 2, checklist: checklistId, position: 2 }))).toContain('Tom Collega');
    expect(text(await act(karin, channel, 'checklist.view', { v: 2, checklist: checklistId }))).toContain('verwijderde gebruiker');
    expect(text(await act(sanne, sanne, 'roles.open', { v: 1 }))).toContain('Karin Kwaliteit');
    // Tom still answers the survey; Piet's named answer is gone, and the survey closes with Tom's.
    await connector.waitFor((r) => r.conversationId === tom.personalConversationId && text(r.body).includes('survey.answer'), { timeoutMs: 30_000 });
    expect(text(await act(tom, tom, 'survey.answer', { v: 1, survey: surveyId, a_q1: '4', a_q2: '4', a_q3: '4', a_q4: 'b', a_q5: '' }))).toContain('Bedankt');
    const answered = await cadans.db.query<{ n: string }>("select count(*) as n from survey_deliveries d join surveys s on s.id = d.survey_id where s.public_id = $1 and d.answers is not null", [surveyId]);
    expect(Number(answered.rows[0]!.n)).toBe(1);
    // Let the outbox and the jobs finish what the erase and these clicks queued.
    await connector.waitFor((r) => r.seq > since && r.conversationId === channel.id && r.status < 300 && text(r.body).includes('Tom Collega'), { since, timeoutMs: 20_000 });
    const traces = tracesOf(piet);
    const found = (await everyRow()).filter((x) => traces.some((t) => x.row.toLowerCase().includes(t)));
    expect(found.map((x) => `${x.table}: ${x.row.slice(0, 200)}`)).toEqual([]);
    const logged = logLines.slice(mark).filter((l) => traces.some((t) => l.toLowerCase().includes(t)));
    expect(logged).toEqual([]);
    expect(logLines.slice(mark).some((l) => l.includes('person erased'))).toBe(true);
  });
});
