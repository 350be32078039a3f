// Retention (docs/privacy.md) with a clock of the test's own: what is older than the policy goes,
// what is young, still to send or still installed stays; in short batches until nothing is left.
// Conversation references are seeded through real Teams traffic (install, uninstall); outbox rows and
// pg-boss jobs as their stores hold them, dated back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, retentionVariable } from '../../src/config.js';
import { archiveOptions } from '../../src/jobs/boss.js';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../src/privacy/ports.js';
import { RETENTION_CRON, RETENTION_QUEUE, runRetention } from '../../src/privacy/retention.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, testConfig, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivities, type TeamsWorld } from '../support/teams-activities.js';

const DAY_MS = 86_400_000;
const QUEUE = 'privacy-retention-test';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
/** The test's clock: a fixed moment, with every seeded row dated relative to it. */
let now: Date;
const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  await cadans.jobs.boss.createQueue(QUEUE);
  now = new Date(Date.now() + 1000 * DAY_MS); // far enough ahead that nothing the app does meanwhile is "old"
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

async function outboxRow(status: 'queued' | 'sent' | 'failed', at: Date, key: string): Promise<number> {
  const r = await cadans.db.query<{ id: string }>(
    `insert into outbox_messages (tenant_id, op, lane, service_url, conversation_id, payload, idempotency_key, status, next_attempt_at, created_at, updated_at, sent_at)
     values ($1, 'send', '19:retention@thread.tacv2', $2, '19:retention@thread.tacv2', '{"activity":{"type":"message","text":"hallo"}}', $3, $4, $5::timestamptz + interval '3650 days', $5::timestamptz, $5::timestamptz, case when $4::text = 'sent' then $5::timestamptz end)
     returning id`,
    [world.tenantId, connector.serviceUrl, key, status, at],
  );
  return Number(r.rows[0]!.id);
}
const outboxLeft = async (ids: number[]) =>
  (await cadans.db.query<{ id: string }>('select id from outbox_messages where id = any($1::bigint[]) order by id', [ids])).rows.map((r) => Number(r.id));

async function job(state: 'created' | 'completed' | 'failed' | 'cancelled', createdDaysAgo: number, completedDaysAgo: number | null, archived = false): Promise<string> {
  const id = (await cadans.jobs.boss.send(QUEUE, { note: 'retention' }))!;
  await cadans.db.query('update pgboss.job set state = $2::pgboss.job_state, created_on = $3, completed_on = $4 where id = $1', [
    id,
    state,
    ago(createdDaysAgo),
    completedDaysAgo === null ? null : ago(completedDaysAgo),
  ]);
  if (archived) {
    await cadans.db.query(
      `with moved as (delete from pgboss.job where id = $1 returning *)
       insert into pgboss.archive (id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff, start_after, started_on, singleton_key, singleton_on, expire_in, created_on, completed_on, keep_until, output, dead_letter, policy, archived_on)
       select id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff, start_after, started_on, singleton_key, singleton_on, expire_in, created_on, completed_on, keep_until, output, dead_letter, policy, $2 from moved`,
      [id, ago(completedDaysAgo ?? createdDaysAgo)],
    );
  }
  return id;
}
const jobsLeft = async (ids: string[]) =>
  (
    await cadans.db.query<{ id: string }>(
      'select id::text from pgboss.job where id = any($1::uuid[]) union select id::text from pgboss.archive where id = any($1::uuid[])',
      [ids],
    )
  ).rows
    .map((r) => r.id)
    .sort();

describe('retention', () => {
  it('reads the policy from RETENTION_<KIND>_DAYS, the defaults otherwise; 0 keeps forever', () => {
    expect(retentionVariable('outboxSentDays')).toBe('RETENTION_OUTBOX_SENT_DAYS');
    expect(retentionVariable('conversationRefsInactiveDays')).toBe('RETENTION_CONVERSATION_REFS_INACTIVE_DAYS');
    expect(testConfig().privacy.retention).toEqual(DEFAULT_RETENTION);
    expect(testConfig().privacy.tenantDeletionGraceDays).toBe(30);
    const c = testConfig({ RETENTION_OUTBOX_SENT_DAYS: '5', RETENTION_JOBS_DAYS: '0', TENANT_DELETION_GRACE_DAYS: '0' });
    expect(c.privacy.retention.outboxSentDays).toBe(5);
    expect(c.privacy.retention.jobsDays).toBe(0);
    expect(c.privacy.tenantDeletionGraceDays).toBe(0);
    expect(() => testConfig({ RETENTION_AUDIT_DAYS: '-1' })).toThrow(ConfigError);
    expect(() => testConfig({ RETENTION_AUDIT_DAYS: 'a year' })).toThrow(/RETENTION_AUDIT_DAYS/);
  });

  it("sets pg-boss's own archive and deletion to the same number of days", () => {
    expect(archiveOptions(7)).toEqual({ archiveCompletedAfterSeconds: 12 * 3600, deleteAfterDays: 7 });
    expect(archiveOptions(0).deleteAfterDays).toBeGreaterThanOrEqual(36_500);
  });

  it('runs every day at 03:30 in Amsterdam', async () => {
    const r = await cadans.db.query('select cron, timezone from pgboss.schedule where name = $1', [RETENTION_QUEUE]);
    expect(r.rows).toEqual([{ cron: RETENTION_CRON, timezone: 'Europe/Amsterdam' }]);
    expect(RETENTION_CRON).toBe('30 3 * * *');
  });

  it('removes what is older than the policy and keeps what is young, queued or still installed, in batches', async () => {
    // Outbox: sent after 30 days, failed after 90; queued never.
    const sentOld = [await outboxRow('sent', ago(31), 'r:sent-old-1'), await outboxRow('sent', ago(400), 'r:sent-old-2'), await outboxRow('sent', ago(45), 'r:sent-old-3')];
    const sentYoung = await outboxRow('sent', ago(29), 'r:sent-young');
    const failedOld = await outboxRow('failed', ago(91), 'r:failed-old');
    const failedYoung = await outboxRow('failed', ago(60), 'r:failed-young');
    const queuedOld = await outboxRow('queued', ago(500), 'r:queued-old');

    // Conversation references: inactive ones after 90 days; active ones stay however old.
    const [gone, recent, staying] = ['Ria Gone', 'Rob Recent', 'Rosa Staying'].map((name) => world.user({ name }));
    for (const u of [gone!, recent!, staying!]) await postActivities(cadans.url, world.personalInstall(u));
    await postActivities(cadans.url, world.uninstall(gone!, gone!));
    await postActivities(cadans.url, world.uninstall(recent!, recent!));
    const dateRef = (aad: string, at: Date) => cadans.db.query("update conversation_refs set updated_at = $2 where scope = 'personal' and key = $1", [aad, at]);
    await dateRef(gone!.aadObjectId, ago(91));
    await dateRef(recent!.aadObjectId, ago(89));
    await dateRef(staying!.aadObjectId, ago(900));

    // pg-boss: finished jobs after 7 days (in its queue or its archive); queued ones never.
    const jobsOld = [await job('completed', 20, 8), await job('failed', 20, 10), await job('cancelled', 9, 8), await job('completed', 30, 20, true)];
    const jobsYoung = [await job('completed', 7, 6), await job('completed', 3, 2, true)];
    const jobQueued = await job('created', 60, null);

    const run = await runRetention(cadans.db, cadans.privacy.holders, now, DEFAULT_RETENTION, { limit: 2 });

    expect(await outboxLeft([...sentOld, sentYoung, failedOld, failedYoung, queuedOld])).toEqual([sentYoung, failedYoung, queuedOld]);
    const refs = await cadans.db.query<{ key: string; active: boolean }>("select key, active from conversation_refs where scope = 'personal' and key = any($1::text[]) order by key", [
      [gone!.aadObjectId, recent!.aadObjectId, staying!.aadObjectId],
    ]);
    expect(refs.rows).toEqual(
      [
        { key: recent!.aadObjectId, active: false },
        { key: staying!.aadObjectId, active: true },
      ].sort((x, y) => x.key.localeCompare(y.key)),
    );
    expect(await jobsLeft([...jobsOld, ...jobsYoung, jobQueued])).toEqual([...jobsYoung, jobQueued].sort());

    // Counts only, per holder and kind; more rows than the limit took more than one round.
    expect(run.counts.outbox).toEqual({ outboxSent: 3, outboxFailed: 1 });
    expect(run.counts.teams).toEqual({ conversationRefsInactive: 1 });
    expect(run.counts.jobs!.jobs).toBeGreaterThanOrEqual(4);
    expect(run.rounds).toBeGreaterThan(2);

    // Nothing more to do at the same moment.
    const again = await runRetention(cadans.db, cadans.privacy.holders, now, DEFAULT_RETENTION, { limit: 2 });
    expect(Object.values(again.counts).flatMap((c) => Object.values(c)).every((n) => n === 0)).toBe(true);
  });

  it('keeps a kind forever when its policy is 0', async () => {
    const sent = await outboxRow('sent', ago(4000), 'r:sent-kept');
    const failed = await outboxRow('failed', ago(4000), 'r:failed-kept');
    const done = await job('completed', 4000, 4000);
    const keepAll: RetentionPolicy = { ...DEFAULT_RETENTION, outboxSentDays: 0, outboxFailedDays: 0, jobsDays: 0, conversationRefsInactiveDays: 0 };
    await runRetention(cadans.db, cadans.privacy.holders, now, keepAll);
    expect(await outboxLeft([sent, failed])).toEqual([sent, failed]);
    expect(await jobsLeft([done])).toEqual([done]);
    // The daily job (the app's policy: the defaults) then removes them.
    await cadans.privacy.daily(now);
    expect(await outboxLeft([sent, failed])).toEqual([]);
    expect(await jobsLeft([done])).toEqual([]);
  });
});
