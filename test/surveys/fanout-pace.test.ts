// A large survey fan-out keeps its tenant's outbox backlog to about 30 seconds of sending (here made
// small): pages go in while the backlog is low, the fan-out pauses in a job of its own while it is
// high, and every recipient still gets exactly one card. Why: every queued message has a wake-up job,
// and tens of thousands of them due at once made each fetch of the outbox's jobs slower
// (docs/benchmarks.md, "Surveys"). Real HTTP, teams-ai, PostgreSQL, pg-boss, outbox; fake connector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanOutPacing, fanOutPause } from '../../src/surveys/feature.js';
import { startFakeConnector, type ConnectorRecord, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

const BACKLOG_SECONDS = 1;
const PER_SECOND = 10;
const PEOPLE = 60;

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let karin: TeamsUser;
let staff: TeamsUser[];
let channel: TeamsChannel;

const text = (x: unknown) => JSON.stringify(x);

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans({ OUTBOX_TENANT_PER_SECOND: String(PER_SECOND) }, { fanOutBacklogSeconds: BACKLOG_SECONDS });
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  karin = world.user({ name: 'Karin Kwaliteit' });
  staff = Array.from({ length: PEOPLE }, (_, i) => world.user({ name: `Collega ${String(i + 1).padStart(2, '0')}` }));
  const team = world.team({ name: 'Team Onderwijs', channels: ['Kwaliteit'], members: [karin, ...staff] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [karin, ...staff]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, karin.aadObjectId]);
}, 120_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('pacing (pure)', () => {
  it('pauses at 30 seconds of sending at the ceiling and goes on with 10 seconds left', () => {
    const p = fanOutPacing(50);
    expect(p).toMatchObject({ high: 1500, page: 500, refill: 500 });
    expect(fanOutPause(1499, p)).toBeNull();
    expect(fanOutPause(1500, p)).toBe(20);
    expect(fanOutPause(2000, p)).toBe(30);
    expect(fanOutPause(40, fanOutPacing(1))).toBe(30);
  });
});

describe('a fan-out larger than the backlog it may keep', () => {
  it('keeps the tenant’s backlog bounded, pauses and goes on, and every colleague gets exactly one card', async () => {
    const pacing = fanOutPacing(PER_SECOND, BACKLOG_SECONDS);
    await postActivity(cadans.url, world.actionExecute(karin, channel, 'survey.create', { v: 1, template: 'werkdruk' }));
    const survey = (await cadans.db.query<{ public_id: string }>('select public_id from surveys order by id desc limit 1')).rows[0]!;
    const mark = connector.mark();
    const sent = await postActivity(cadans.url, world.actionExecute(karin, channel, 'survey.send', { v: 1, survey: survey.public_id }));
    expect(text(sent.body)).toContain('Verstuurd naar');
    const cardsTo = (u: TeamsUser) =>
      connector.records.filter((r: ConnectorRecord) => r.seq > mark && r.status < 300 && r.operation === 'sendToConversation' && r.conversationId === u.personalConversationId && text(r.body).includes('survey.answer'));
    let most = 0;
    const end = Date.now() + 60_000;
    for (;;) {
      const pending = Number((await cadans.db.query<{ n: string }>("select count(*) as n from outbox_messages where tenant_id = $1 and status in ('queued', 'sending', 'retrying')", [world.tenantId])).rows[0]!.n);
      most = Math.max(most, pending);
      if (staff.every((u) => cardsTo(u).length > 0)) break;
      if (Date.now() > end) throw new Error(`timed out: ${staff.filter((u) => cardsTo(u).length > 0).length} of ${PEOPLE} cards`);
      await new Promise((r) => setTimeout(r, 25));
    }
    // At most one page above the limit (plus the author's delivery card), never the whole audience.
    expect(most).toBeLessThanOrEqual(pacing.high + pacing.page + 1);
    expect(most).toBeLessThan(PEOPLE);
    const paused = await cadans.db.query("select data from pgboss.job where name = 'surveys.fanout' and data ? 'after'");
    expect(paused.rowCount).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    for (const u of staff) expect(cardsTo(u)).toHaveLength(1);
  }, 90_000);
});
