// The PostgreSQL server of this file's own stops and starts again (same data directory and port)
// while clicks keep arriving: every click Cadans accepted is in the database and on the channel card,
// the messages queued before are sent, and /readyz said 503 while the server was gone and 200 after.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testLogger } from '../support/harness.js';
import { startFailoverWorld, waitUntil, type FailoverWorld } from './support.js';

let f: FailoverWorld;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(async () => {
  process.on('uncaughtExceptionMonitor', onUncaught);
  f = await startFailoverWorld(testLogger());
}, 120_000);
afterAll(async () => {
  process.off('uncaughtExceptionMonitor', onUncaught);
  await f?.close();
});

type Status = 'open' | 'klaar';

it('keeps every accepted click and every queued message when the server stops and starts under clicks, and /readyz goes 503 then 200', async () => {
  // A backlog sent slowly, so that part of it is still queued when the server stops.
  f.setBacklogLatency(100);
  const backlog: number[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await f.cadans.outbox.enqueue({
      op: 'send',
      tenantId: f.world.tenantId,
      serviceUrl: f.connector.serviceUrl,
      conversationId: f.backlogChannel.id,
      activity: { type: 'message', text: `achterstand ${i}` },
    });
    backlog.push(r.id);
  }

  const readyz: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const res = await fetch(`${f.cadans.url}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
      readyz.push(res?.status ?? 0);
      await new Promise((r) => setTimeout(r, 50)); // a load balancer's poll interval, shortened
    }
  })();

  // Clicks one after the other: position 1..10, klaar on even rounds, open on odd ones.
  const lastAccepted = new Map<number, Status>();
  let accepted = 0;
  let refused = 0;
  let clicking = true;
  const clicker = (async () => {
    for (let i = 0; clicking; i++) {
      const position = (i % 10) + 1;
      const status: Status = Math.floor(i / 10) % 2 === 0 ? 'klaar' : 'open';
      const r = await f.click(position, status).catch(() => null);
      if (r?.status === 200 && r.text.includes('Opgeslagen')) {
        lastAccepted.set(position, status);
        accepted++;
      } else {
        refused++;
        await new Promise((resolve) => setTimeout(resolve, 50)); // a user clicking again, not a busy loop
      }
    }
  })();

  await waitUntil(() => accepted >= 5 && readyz.includes(200), 'clicks are accepted before the stop');
  await f.server.stop();
  await waitUntil(() => readyz.at(-1) === 503, '/readyz says 503 while the server is gone');
  await f.server.start();
  const acceptedAtStart = accepted;
  // A whole round of positions after the restart, so every step's last click is one that was accepted.
  await waitUntil(() => accepted >= acceptedAtStart + 12, 'clicks are accepted again after the start');
  clicking = false;
  await clicker;
  await waitUntil(() => readyz.at(-1) === 200, '/readyz says 200 again');
  polling = false;
  await poller;

  const firstDown = readyz.indexOf(503);
  expect(readyz.slice(0, firstDown)).toContain(200);
  expect(readyz.slice(firstDown)).toContain(200);
  expect(refused).toBeGreaterThan(0); // the stop did fall among the clicks

  // Every accepted click is in the database…
  const admin = await f.admin();
  try {
    const steps = await admin.query<{ position: number; status: string }>('select position, status from checklist_steps where checklist_id = $1 order by position', [f.checklist.id]);
    for (const s of steps.rows) expect(s.status, `step ${s.position}`).toBe(lastAccepted.get(s.position) ?? 'open');
  } finally {
    await admin.end();
  }
  // …and on the channel card.
  const done = [...lastAccepted.values()].filter((s) => s === 'klaar').length;
  await waitUntil(() => f.cardText().includes(`${done} van 11 klaar`), `the channel card shows ${done} van 11 klaar`);

  // Nothing queued before the stop is lost.
  await waitUntil(async () => {
    for (const id of backlog) if ((await f.cadans.outbox.status(id))?.status !== 'sent') return false;
    return true;
  }, 'every queued message is sent');
  const delivered = f.connector.messages(f.backlogChannel.id).map((m) => String(m.activity?.text));
  for (let i = 0; i < backlog.length; i++) expect(delivered).toContain(`achterstand ${i}`);
  expect(uncaught).toEqual([]);
}, 120_000);

it('records a job that finished while the server was stopped as completed once the server is back', async () => {
  const { boss } = f.cadans.jobs;
  const queue = 'failover.test';
  await boss.createQueue(queue);
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  await boss.work(queue, { pollingIntervalSeconds: 0.5 }, async () => {
    started();
    await finished;
  });
  const id = await boss.send(queue, {});
  await running;
  await f.server.stop();
  finish(); // pg-boss completes the job now, with the database gone
  await f.server.start();
  await waitUntil(async () => (await boss.getJobById(queue, id!))?.state === 'completed', 'the job is recorded as completed');
  expect(uncaught).toEqual([]);
}, 120_000);

it('records a message Teams accepted while the server was stopped as sent once it is back, without sending it again', async () => {
  f.setBacklogLatency(1_500); // the request is still on its way when the server stops
  const r = await f.cadans.outbox.enqueue({
    op: 'send',
    tenantId: f.world.tenantId,
    serviceUrl: f.connector.serviceUrl,
    conversationId: f.backlogChannel.id,
    activity: { type: 'message', text: 'onderweg tijdens de herstart' },
  });
  await waitUntil(async () => (await f.cadans.outbox.status(r.id))?.status === 'sending', 'the message is being sent');
  const since = f.connector.mark();
  await f.server.stop();
  await f.connector.waitFor((rec) => rec.method === 'POST' && JSON.stringify(rec.body).includes('onderweg tijdens de herstart'), { since: since - 1, timeoutMs: 10_000 });
  await f.server.start();
  // Well before the claim's lease (60 s) would hand it to another attempt.
  await waitUntil(async () => (await f.cadans.outbox.status(r.id).catch(() => null))?.status === 'sent', 'the message is recorded as sent', 20_000);
  expect(await f.cadans.outbox.status(r.id)).toMatchObject({ attempts: 1, possibleDuplicate: false });
  expect(f.connector.messages(f.backlogChannel.id).filter((m) => m.activity?.text === 'onderweg tijdens de herstart')).toHaveLength(1);
  expect(uncaught).toEqual([]);
}, 120_000);
