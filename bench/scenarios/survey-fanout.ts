// Survey fan-out (issue 9): a survey sent to N people (half with a 1:1 chat with Cadans, half
// without: one request each, or two — create the chat, then send), through the outbox, against a
// fake connector that enforces Teams' limits and a tenant ceiling (OUTBOX_TENANT_PER_SECOND of
// Cadans and the fake's tenant limit alike). Timed from the `survey.send` click until the last
// recipient's card is at the connector and the outbox has nothing left for the survey. Counted at
// the connector: requests, delivered requests (2xx), cards per recipient (duplicates, losses); in
// the database: the outbox rows of the survey (sent, failed, flagged possible duplicates).
// Cases: without faults; with 5 % 429 (Retry-After 1 s) and 1 % 503 injected; with Cadans killed
// (SIGKILL) when half the cards are delivered and started again at once; and a large audience
// without faults (RSS compared to the small one). Each case: a fresh Cadans process, a tenant of its own.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ConnectorRecord } from '../../test/support/fake-connector.js';
import { baseConversationId, createTeamsWorld, type TeamsUser } from '../../test/support/teams-activities.js';
import { cpuSecondsOf, machineCpuSeconds, memoryOf, processTree } from '../lib/proc.js';
import type { CadansProcess } from './cadans-process.js';
import { databasePid, draftSurvey, prepareAuthor, seedPeople, type FaultPolicy, type SurveyInfra } from './survey-setup.js';

export type FanoutCaseName = 'clean' | 'faults' | 'kill' | 'large';

export interface FanoutCase {
  name: FanoutCaseName;
  recipients: number;
  faults: FaultPolicy | null;
  kill: boolean;
}

export interface FanoutResult {
  case: FanoutCaseName;
  recipients: number;
  /** With a 1:1 chat already (one request each); the others need two (create + send). */
  withChat: number;
  tenantPerSecond: number;
  /** All requests the connector received for this tenant's fan-out (the author's card included). */
  requests: number;
  /** 2xx answers among them. */
  delivered: number;
  /** 429s of the fake's own limits (Teams' limits exceeded: should be 0). */
  rateLimited: number;
  injected: Record<number, number>;
  /** Other non-2xx answers. */
  otherFailures: number;
  /** ms from the send click to the first request at the connector. */
  firstRequestMs: number;
  /** ms from the send click to the last recipient's card at the connector (null: not all arrived). */
  wallMs: number | null;
  /** ms from the send click until the outbox had nothing left for the survey (re-sends after a lease included). */
  doneMs: number;
  /** ms from the first request to the last recipient's first card (all 2xx answers when not all arrived). */
  spanMs: number;
  /** Delivered requests per second over spanMs (those that arrived in it). */
  deliveredPerS: number;
  /** The same over the middle 80 % of the delivered requests (without the start and the tail). */
  steadyPerS: number;
  /** All requests (also refused ones) per second over spanMs. */
  requestsPerS: number;
  /** Requests that arrived after the last recipient's first card (re-sends after a lease: duplicates). */
  requestsAfter: number;
  /** Recipients with at least one card. */
  reached: number;
  /** Recipients with no card (losses). */
  lost: number;
  /** Cards beyond the first, summed over recipients. */
  duplicates: number;
  /** Of those, cards whose first copy Teams accepted before the kill (the window HTTP leaves open). */
  duplicatesInWindow: number;
  /** The outbox's view: rows of the survey's 1:1 cards by status, and rows flagged possible_duplicate. */
  outbox: { rows: number; sent: number; failed: number; possibleDuplicates: number; attempts: number };
  /** survey_deliveries marked sent. */
  deliveriesSent: number;
  /** Resident memory of the Cadans process(es) while it ran, MB: peak of the samples, and VmHWM at the end. */
  rssPeakMb: number | null;
  hwmMb: number | null;
  /** CPU ms per delivered request: Cadans' node process(es), the database server, the runner. */
  cpuMsPerRequest: { cadans: number; database: number; runner: number };
  otherLoad: number;
  /** Kill case: ms from the send click to the kill, and from the kill until the new process answered /readyz. */
  kill: { atMs: number; restartMs: number; cardsBefore: number } | null;
  /** ms the send click's invoke took (resolving the audience, recording the deliveries). */
  sendInvokeMs: number;
  /** With --survey-statements: Cadans' SQL statements per recipient (pg_stat_statements, its database only). */
  statements: FanoutStatements | null;
  timedOut: boolean;
}

export interface FanoutStatements {
  perRecipient: number;
  /** Outbox claims (each a transaction taking the lane's and the tenant's advisory locks) per recipient. */
  claimsPerRecipient: number;
  /** Claims the limiter held back (the message rescheduled), per recipient. */
  heldBackPerRecipient: number;
  /** pg-boss jobs inserted per recipient. */
  jobsPerRecipient: number;
  /** Mean ms waited for the advisory locks per claim. */
  lockWaitMs: number;
  top: Array<{ perRecipient: number; meanMs: number; query: string }>;
}

const text = (x: unknown) => JSON.stringify(x);

/** pg_stat_statements of Cadans' database over the case (the extension is loaded when --survey-statements is given). */
async function statementsOf(db: SurveyInfra['db'], recipients: number): Promise<FanoutStatements> {
  const r = await db.query<{ calls: string; ms: number; query: string }>(
    `select s.calls, s.total_exec_time as ms, regexp_replace(s.query, '\\s+', ' ', 'g') as query
       from pg_stat_statements s join pg_database d on d.oid = s.dbid
      where d.datname = 'cadans' and s.query not like '%pg_stat_statements%' and s.query not like '%outbox_messages where idempotency_key like%'
      order by s.calls desc`,
  );
  const total = r.rows.reduce((n, x) => n + Number(x.calls), 0);
  const find = (re: RegExp) => r.rows.filter((x) => re.test(x.query));
  const sum = (xs: typeof r.rows) => xs.reduce((n, x) => n + Number(x.calls), 0);
  const locks = find(/pg_advisory_xact_lock/);
  const lockCalls = sum(locks);
  return {
    perRecipient: total / recipients,
    claimsPerRecipient: lockCalls / recipients,
    heldBackPerRecipient: sum(find(/^update outbox_messages set next_attempt_at/)) / recipients,
    jobsPerRecipient: sum(find(/^INSERT INTO pgboss\.job/i)) / recipients,
    lockWaitMs: lockCalls ? locks.reduce((n, x) => n + x.ms, 0) / lockCalls : 0,
    top: r.rows.slice(0, 15).map((x) => ({ perRecipient: Number(x.calls) / recipients, meanMs: x.ms / Number(x.calls), query: x.query.slice(0, 160) })),
  };
}

/**
 * One case. Normally on a Cadans process of its own (started and stopped here, so that its RSS is
 * that of this fan-out alone); with `shared` (--quick) on the process in `shared.cadans`, which
 * stays running for the next case (and is replaced after a kill).
 */
export async function runFanoutCase(infra: SurveyInfra, c: FanoutCase, say: (line: string) => void, shared?: { cadans: CadansProcess | null }, opts: { statements?: boolean } = {}): Promise<FanoutResult> {
  const { connector, db } = infra;
  connector.reset();
  infra.setFaults(null);
  const world = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: randomUUID() });
  let cadans: CadansProcess = shared?.cadans ?? (await infra.startCadans());
  if (shared) shared.cadans = cadans;
  const processes: CadansProcess[] = [cadans];
  try {
    const { author, channel } = await prepareAuthor(cadans.url, connector, world);
    const users: TeamsUser[] = Array.from({ length: c.recipients }, (_, i) => world.user({ name: `Medewerker ${String(i + 1).padStart(5, '0')}` }));
    const withChat = (i: number) => i % 2 === 0;
    await seedPeople(db, world, users, { role: 'medewerker', withChat });
    const survey = await draftSurvey(cadans.url, world, db, author, channel, { role: 'medewerker', title: `Werkdruk ${c.name}` });
    // Every recipient's card arrives in their 1:1 conversation (created first for those without one).
    const recipientOf = new Map(users.map((u, i) => [u.personalConversationId, i]));
    const cards = new Int32Array(c.recipients);
    const firstCardAt = new Float64Array(c.recipients);
    const deliveredAt: number[] = [];
    const requestAt: number[] = [];
    let requests = 0;
    let delivered = 0;
    let rateLimited = 0;
    let otherFailures = 0;
    let firstAt = Infinity;
    let lastOkAt = 0;
    let lastCardAt = 0;
    let reached = 0;
    const records = connector.records as ConnectorRecord[];
    const take = () => {
      // The fake keeps every record; the benchmark reads them as they come and drops them (its
      // waitFor would scan them all), so memory and CPU stay flat over 30,000 requests.
      for (const r of records) {
        requests++;
        requestAt.push(r.at);
        firstAt = Math.min(firstAt, r.at);
        const ok = r.status >= 200 && r.status < 300;
        if (ok) {
          delivered++;
          deliveredAt.push(r.at);
          lastOkAt = Math.max(lastOkAt, r.completedAt);
          if (r.operation === 'sendToConversation') {
            const i = recipientOf.get(baseConversationId(r.conversationId ?? ''));
            if (i !== undefined) {
              if (cards[i] === 0) {
                reached++;
                firstCardAt[i] = r.at;
                lastCardAt = Math.max(lastCardAt, r.completedAt);
              }
              cards[i]!++;
            }
          }
        } else if (r.rateLimited) rateLimited++;
        else if (!r.injected) otherFailures++;
      }
      records.length = 0;
    };
    take(); // the set-up's requests do not count
    requests = delivered = rateLimited = otherFailures = 0;
    deliveredAt.length = 0;
    requestAt.length = 0;
    firstAt = Infinity;
    lastOkAt = 0;
    infra.setFaults(c.faults);

    const pgPid = databasePid(infra);
    const cpu = { cadans: 0, cadansAt: cpuSecondsOf([cadans.child.pid]), db: cpuSecondsOf(processTree(pgPid)), runner: process.cpuUsage(), machine: machineCpuSeconds() };
    const mem = { peak: 0, hwm: 0 };
    const sampler = setInterval(() => {
      const m = memoryOf(cadans.child.pid);
      // A killed process not yet reaped has no VmRSS line (NaN): skip it.
      if (m && Number.isFinite(m.rssMb) && Number.isFinite(m.peakRssMb)) {
        mem.peak = Math.max(mem.peak, m.rssMb);
        mem.hwm = Math.max(mem.hwm, m.peakRssMb);
      }
      const now = cpuSecondsOf([cadans.child.pid]);
      if (now > 0) {
        cpu.cadans += now - cpu.cadansAt;
        cpu.cadansAt = now;
      }
    }, 200);

    if (opts.statements) {
      await db.query('create extension if not exists pg_stat_statements');
      await db.query('select pg_stat_statements_reset()');
    }
    const t0 = Date.now();
    // A send that takes long says what the database is doing meanwhile (once, after 10 s).
    const slow = setTimeout(() => {
      void db
        .query<{ app: string; state: string; wait: string; q: string }>(
          `select application_name as app, state, coalesce(wait_event_type || '/' || wait_event, '') as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) as q
             from pg_stat_activity where state <> 'idle' and pid <> pg_backend_pid() and datname = 'cadans'`,
        )
        .then((r) => say(`  ${c.name.padEnd(6)} the send is taking over 10 s; the database meanwhile:\n${r.rows.map((x) => `      ${x.app} ${x.state} ${x.wait} ${x.q}`).join('\n') || '      (nothing running)'}`))
        .catch(() => undefined);
    }, 10_000);
    const sent = await survey.send().finally(() => clearTimeout(slow));
    const sendInvokeMs = Date.now() - t0;
    if (!sent.includes(`${c.recipients} mensen`)) throw new Error(`survey.send: ${sent.slice(0, 300)}`);
    say(`  ${c.name.padEnd(6)} ${c.recipients} recipients: sent (invoke ${sendInvokeMs} ms), fanning out…`);
    let kill: FanoutResult['kill'] = null;
    const budgetMs = Math.max(120_000, ((c.recipients * 1.5) / infra.tenantPerSecond) * 3000 + (c.kill ? 180_000 : 60_000));
    let timedOut = false;
    let lastReport = Date.now();
    const pending = async () => {
      const r = await db.query<{ rows: string; pending: string }>(
        `select count(*) as rows, count(*) filter (where status not in ('sent', 'failed')) as pending from outbox_messages where idempotency_key like $1`,
        [`survey:${survey.id}:to:%`],
      );
      return { rows: Number(r.rows[0]!.rows), pending: Number(r.rows[0]!.pending) };
    };
    let lastCheck = 0;
    let doneAt = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      take();
      if (c.kill && !kill && reached >= c.recipients / 2) {
        const atMs = Date.now() - t0;
        const cardsBefore = reached;
        cpu.cadans += Math.max(0, cpuSecondsOf([cadans.child.pid]) - cpu.cadansAt);
        cadans.child.proc.kill('SIGKILL');
        await cadans.child.exited;
        const killedAt = Date.now();
        say(`  ${c.name.padEnd(6)} killed (SIGKILL) after ${(atMs / 1000).toFixed(1)} s with ${cardsBefore} cards delivered; starting again…`);
        cadans = await infra.startCadans();
        processes.push(cadans);
        if (shared) shared.cadans = cadans;
        cpu.cadansAt = cpuSecondsOf([cadans.child.pid]);
        kill = { atMs, restartMs: Date.now() - killedAt, cardsBefore };
      }
      const now = Date.now();
      if (now - lastReport > 10_000) {
        lastReport = now;
        say(`  ${c.name.padEnd(6)} ${((now - t0) / 1000).toFixed(0)} s: ${reached} of ${c.recipients} cards, ${delivered} requests delivered`);
      }
      if (reached >= c.recipients || now - lastCheck > 1000) {
        lastCheck = now;
        const p = await pending();
        if (p.rows >= c.recipients && p.pending === 0) {
          doneAt = Date.now();
          break;
        }
      }
      if (now - t0 > budgetMs) {
        timedOut = true;
        say(`  ${c.name.padEnd(6)} gave up after ${(budgetMs / 1000).toFixed(0)} s`);
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 500)); // late answers (a duplicate in flight)
    take();
    clearInterval(sampler);
    const end = { cadans: cpuSecondsOf([cadans.child.pid]), db: cpuSecondsOf(processTree(pgPid)), runner: process.cpuUsage(), machine: machineCpuSeconds() };
    cpu.cadans += Math.max(0, end.cadans - cpu.cadansAt);
    const injected = { ...infra.injected };
    infra.setFaults(null);
    const endMem = memoryOf(cadans.child.pid);
    if (endMem && Number.isFinite(endMem.peakRssMb)) mem.hwm = Math.max(mem.hwm, endMem.peakRssMb);

    const rows = await db.query<{ rows: string; sent: string; failed: string; dup: string; attempts: string }>(
      `select count(*) as rows, count(*) filter (where status = 'sent') as sent, count(*) filter (where status = 'failed') as failed,
              count(*) filter (where possible_duplicate) as dup, coalesce(sum(attempts), 0) as attempts
       from outbox_messages where idempotency_key like $1`,
      [`survey:${survey.id}:to:%`],
    );
    const o = rows.rows[0]!;
    const marked = await db.query<{ n: string }>(`select count(*) as n from survey_deliveries where survey_id = $1 and status = 'sent'`, [survey.id]);
    const statements = opts.statements ? await statementsOf(db, c.recipients) : null;
    let duplicates = 0;
    let duplicatesInWindow = 0;
    for (let i = 0; i < c.recipients; i++) {
      const n = cards[i]!;
      if (n > 1) {
        duplicates += n - 1;
        if (kill && firstCardAt[i]! <= t0 + kill.atMs) duplicatesInWindow += n - 1;
      }
    }
    // The fan-out's rate: until the last recipient has their card (a duplicate re-sent after the
    // 60 s lease, in the kill case, comes later and reaches nobody new).
    const until = reached >= c.recipients ? lastCardAt : lastOkAt;
    const inSpan = deliveredAt.filter((t) => t <= until).sort((a, b) => a - b);
    const requestsInSpan = requestAt.filter((t) => t <= until).length;
    const spanMs = Math.max(1, until - firstAt);
    const lo = inSpan[Math.floor(inSpan.length * 0.1)] ?? firstAt;
    const hi = inSpan[Math.floor(inSpan.length * 0.9)] ?? until;
    const steadyPerS = hi > lo ? (Math.floor(inSpan.length * 0.9) - Math.floor(inSpan.length * 0.1)) / ((hi - lo) / 1000) : 0;
    const cores = os.cpus().length || 1;
    const windowS = (end.machine.total - cpu.machine.total) / cores || 1;
    const runnerS = (end.runner.user + end.runner.system - cpu.runner.user - cpu.runner.system) / 1e6;
    const dbS = end.db - cpu.db;
    const otherLoad = Math.max(0, (end.machine.busy - cpu.machine.busy - cpu.cadans - dbS - runnerS) / windowS);
    const per = (s: number) => (s * 1000) / Math.max(1, delivered);
    const result: FanoutResult = {
      case: c.name,
      recipients: c.recipients,
      withChat: users.filter((_, i) => withChat(i)).length,
      tenantPerSecond: infra.tenantPerSecond,
      requests,
      delivered,
      rateLimited,
      injected,
      otherFailures,
      firstRequestMs: Number.isFinite(firstAt) ? firstAt - t0 : NaN,
      wallMs: reached >= c.recipients ? lastCardAt - t0 : null,
      doneMs: (doneAt || Date.now()) - t0,
      spanMs,
      deliveredPerS: inSpan.length / (spanMs / 1000),
      steadyPerS,
      requestsPerS: requestsInSpan / (spanMs / 1000),
      requestsAfter: requests - requestsInSpan,
      reached,
      lost: c.recipients - reached,
      duplicates,
      duplicatesInWindow,
      outbox: { rows: Number(o.rows), sent: Number(o.sent), failed: Number(o.failed), possibleDuplicates: Number(o.dup), attempts: Number(o.attempts) },
      deliveriesSent: Number(marked.rows[0]!.n),
      rssPeakMb: mem.peak || null,
      hwmMb: mem.hwm || null,
      cpuMsPerRequest: { cadans: per(cpu.cadans), database: per(dbS), runner: per(runnerS) },
      otherLoad,
      kill,
      sendInvokeMs,
      timedOut,
      statements,
    };
    say(
      `  ${c.name.padEnd(6)} ${c.recipients} recipients: ${result.wallMs === null ? 'not all delivered' : `${(result.wallMs / 1000).toFixed(1)} s`} (outbox done after ${(result.doneMs / 1000).toFixed(1)} s), ${delivered} of ${requests} requests delivered, ` +
        `${result.deliveredPerS.toFixed(1)}/s = ${(result.deliveredPerS / infra.tenantPerSecond).toFixed(2)}× the ceiling (steady ${result.steadyPerS.toFixed(1)}/s); ` +
        `lost ${result.lost}, duplicates ${duplicates}${kill ? ` (${duplicatesInWindow} in the kill window)` : ''}, possible duplicates flagged ${result.outbox.possibleDuplicates}; ` +
        `429 by the fake's limits ${rateLimited}; RSS peak ${result.rssPeakMb?.toFixed(0) ?? '–'} MB; other load ${otherLoad.toFixed(2)} cores`,
    );
    if (statements) {
      say(`  ${c.name.padEnd(6)} statements per recipient ${statements.perRecipient.toFixed(1)}: outbox claims ${statements.claimsPerRecipient.toFixed(2)} (held back by the limiter ${statements.heldBackPerRecipient.toFixed(2)}, waiting ${statements.lockWaitMs.toFixed(1)} ms for the locks each), pg-boss jobs ${statements.jobsPerRecipient.toFixed(2)}`);
      for (const x of statements.top) say(`      ${x.perRecipient.toFixed(2).padStart(6)} × ${x.meanMs.toFixed(3).padStart(7)} ms  ${x.query}`);
    }
    return result;
  } finally {
    for (const p of processes) if (p !== shared?.cadans && p.child.proc.exitCode === null && p.child.proc.signalCode === null) await infra.stopCadans(p);
    infra.setFaults(null);
    connector.reset();
  }
}

export function fanoutText(r: FanoutResult): string {
  return text(r);
}
