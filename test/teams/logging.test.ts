// What Cadans writes in its logs during turns and downloads: no export token at any level, and no
// Entra id next to a person's name at info level or above. The real logger, writing to a stream here.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCadans, type RunningCadans } from '../../src/cadans.js';
import { toLoggedUrl } from '../../src/server.js';
import { createTestDatabase } from '../support/db.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { testConfig } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

interface LogLine {
  level: number;
  msg?: string;
  raw: string;
}

let connector: FakeConnector;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let cadans: RunningCadans;
let world: TeamsWorld;
let sanne: TeamsUser;
let joost: TeamsUser;
let channel: TeamsChannel;
const lines: LogLine[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const raw of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push({ ...(JSON.parse(raw) as { level: number; msg?: string }), raw });
      done();
    },
  });
  const log = pino({ level: 'trace' }, sink);
  connector = await startFakeConnector();
  database = await createTestDatabase();
  cadans = await startCadans(testConfig(), log, database.url);
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  joost = world.user({ name: 'Joost Bakker' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, joost] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
});
afterAll(async () => {
  await cadans?.stop();
  await database?.drop();
  await connector?.close();
});

const since = () => lines.length;
const people = () => [sanne, joost];

/** Info and above: a line that names someone and carries anyone's Entra id. */
function idsWithNames(from: number): string[] {
  return lines
    .slice(from)
    .filter((l) => l.level >= 30)
    .filter((l) => people().some((p) => l.raw.includes(p.name)) && people().some((p) => l.raw.includes(p.aadObjectId)))
    .map((l) => l.raw);
}

describe('the logs of a turn', () => {
  it('name no Entra id together with a name at info level, for messages, card actions and refusals', async () => {
    const from = since();
    await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder
    await postActivity(cadans.url, world.personalMessage(joost, 'rollen'));
    await postActivity(cadans.url, world.actionExecute(joost, channel, 'roles.grant', { v: 1, person: joost.aadObjectId, role: 'beheerder', school: 'all' }));
    await postActivity(cadans.url, world.actionExecute(sanne, channel, 'checklist.start', { v: 1, template: 'inspection', title: 'Inspectie', school: 'none', targetDate: '2027-03-09' }));
    await connector.waitFor((rec) => rec.method === 'POST' && JSON.stringify(rec.body).includes('checklist.step'), { timeoutMs: 5_000 });
    expect(lines.slice(from).some((l) => l.msg === 'request refused')).toBe(true); // the refusal was logged
    expect(idsWithNames(from)).toEqual([]);
  });
});

describe('the logs of a download', () => {
  it('never hold the export token, at any level, whether the download works, is refused or is asked wrongly', async () => {
    const id = Number((await cadans.db.query<{ id: string }>("select id from checklists where title = 'Inspectie'")).rows[0]!.id);
    const link = cadans.downloads.linkFor(world.tenantId, 'checklist', { checklistId: id }, 'csv');
    const token = link.split('/exports/')[1]!;
    const [payload, signature] = token.split('.') as [string, string];
    const altered = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
    const from = since();
    expect((await fetch(link)).status).toBe(200);
    expect((await fetch(`${cadans.url}/exports/${altered}`)).status).toBe(403);
    expect((await fetch(link, { method: 'POST' })).status).toBeGreaterThanOrEqual(400); // restify's own error path
    expect((await fetch(`${cadans.url}/%65xports/${token}`)).status).toBe(200); // restify decodes the path
    const logged = lines.slice(from);
    expect(logged.some((l) => l.msg === 'export served')).toBe(true);
    expect(logged.some((l) => l.msg === 'http error')).toBe(true);
    for (const secret of [token, signature, altered.split('.')[1]!]) expect(logged.filter((l) => l.raw.includes(secret)).map((l) => l.raw)).toEqual([]);
    expect(idsWithNames(from)).toEqual([]);
  });

  it('shows a request path with its token replaced', () => {
    expect(toLoggedUrl('/exports/eyJ2IjoxfQ.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ')).toBe('/exports/<token>');
    expect(toLoggedUrl('/x/eyJ2IjoxLCJ0aWQiOiJ0In0.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ?a=1')).toBe('/x/<token>?…');
    expect(toLoggedUrl('/api/messages')).toBe('/api/messages');
  });
});
