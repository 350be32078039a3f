// Recovery after PostgreSQL drops every connection of Cadans (docs/benchmarks.md, "Database failover").
//
// Starts its own embedded PostgreSQL, the real Cadans (in this process, as the tests do) and the fake
// Teams connector, posts a checklist in a channel, then per round:
//   baseline  a click with nothing wrong: click → its card update (the PUT) at the connector;
//   terminate every Cadans backend (pg_terminate_backend): from the moment they are gone (the
//             database never stopped: it is "back" at once) → the card update of a click made then;
//   restart   the server stops and starts again (same data directory and port): from the moment it
//             accepts connections again → the card update of a click made then.
// A click Cadans refuses (the database not answering yet) is made again at once; the time still
// runs from the database being back. Target: the card update within 5 s of the database being back.
//
//   npm run bench:recovery [-- --rounds=7]
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startFailoverWorld, type FailoverWorld } from '../test/failover/support.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, help: { type: 'boolean', default: false } } });
if (values.help) {
  process.stdout.write('npm run bench:recovery [-- --rounds=N]   (N ≥ 5, default 5)\n');
  process.exit(0);
}
const rounds = Math.max(1, Number.parseInt(values.rounds ?? '5', 10) || 5);
const TARGET_MS = 5_000;

const text = (x: unknown) => JSON.stringify(x);
let done = 0; // steps done on the card: position 1 alternates klaar / open

interface Sample {
  ms: number;
  refused: number;
}

/** Clicks (again while refused) and resolves with the time from `fromMs` to the card update at the connector. */
async function clickUntilCard(f: FailoverWorld, fromMs: number): Promise<Sample> {
  const status = done === 0 ? 'klaar' : 'open';
  const expected = `${done === 0 ? 1 : 0} van 10 klaar`;
  const since = f.connector.mark();
  let refused = 0;
  for (;;) {
    const r = await f.click(1, status).catch(() => null);
    if (r?.status === 200 && r.text.includes('Opgeslagen')) break;
    refused++;
    if (refused > 2_000) throw new Error('Cadans kept refusing the click');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const put = await f.connector.waitFor(
    (rec) => rec.operation === 'updateActivity' && rec.activityId === f.checklist.activityId && rec.status < 300 && text(rec.body).includes(expected),
    { since, timeoutMs: 60_000, description: `the card update showing ${expected}` },
  );
  done = done === 0 ? 1 : 0;
  return { ms: put.at - fromMs, refused };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

async function main() {
  const f = await startFailoverWorld(pino({ level: 'silent' }), { tmpPrefix: 'cadans-bench-recovery-' });
  const results: Record<'baseline' | 'terminate' | 'restart', Sample[]> = { baseline: [], terminate: [], restart: [] };
  try {
    // Warm-up: the first click of a process pays for compiling and first connections.
    await clickUntilCard(f, Date.now());
    await clickUntilCard(f, Date.now());
    for (let i = 0; i < rounds; i++) {
      results.baseline.push(await clickUntilCard(f, Date.now()));

      await f.terminateCadansBackends();
      results.terminate.push(await clickUntilCard(f, Date.now()));

      await f.server.stop();
      await f.server.start();
      results.restart.push(await clickUntilCard(f, Date.now()));
      process.stdout.write(
        `round ${i + 1}/${rounds}: baseline ${fmt(results.baseline.at(-1)!.ms)}, after terminate ${fmt(results.terminate.at(-1)!.ms)}, after restart ${fmt(results.restart.at(-1)!.ms)} (${results.restart.at(-1)!.refused} clicks refused)\n`,
      );
    }
  } finally {
    await f.close();
  }
  const rows = (['baseline', 'terminate', 'restart'] as const).map((k) => {
    const ms = results[k].map((s) => s.ms);
    const refused = results[k].reduce((a, s) => a + s.refused, 0);
    const label = { baseline: 'click, no failover (baseline)', terminate: 'all backends terminated', restart: 'server stopped and started' }[k];
    const verdict = k === 'baseline' ? '–' : Math.max(...ms) < TARGET_MS ? 'met' : 'MISSED';
    return `| ${label} | ${rounds} | ${fmt(median(ms))} | ${fmt(Math.max(...ms))} | ${refused} | ${verdict} |`;
  });
  process.stdout.write(
    [
      '',
      `Time from the database being back to the card update of a click made then (target < ${fmt(TARGET_MS)}):`,
      '',
      '| case | rounds | median | max | clicks refused | < 5 s |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
