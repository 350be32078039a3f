// One attempt at a claimed message: render it (a render instruction, checked against its
// renderer's schema), send it with one call to the transport, bounded in time, and record the
// outcome, fenced by the claim token, even if the database was briefly gone meanwhile.
import type { Logger } from 'pino';
import { isConnectionError, type DatabaseHealth, type Db } from '../db/pool.js';
import { describeError, toAttemptOutcome, type AttemptResult, type OutboxRow, type RetryPolicy } from './model.js';
import type { PreparedRender, RendererRegistry } from './renderers.js';
import { finishAttempt, type UnreachableHook } from './store.js';
import type { OutboxActivity, Transport, TransportResult } from './transport.js';
import type { Lifecycle, OutboxTuning } from './tuning.js';
import type { WakeUps } from './wakeups.js';

/** An attempt's outcome that could not be recorded (connection lost) is tried again this often, while its lease lasts. */
const RECORD_RETRY_MS = 250;

export interface AttemptDeps {
  db: Db;
  transport: Transport;
  log: Logger;
  tuning: OutboxTuning;
  policy: RetryPolicy;
  renderers: RendererRegistry;
  health: DatabaseHealth;
  life: Lifecycle;
  wakeUps: Pick<WakeUps, 'scheduleLane'>;
  unreachable?: UnreachableHook;
}

/** A claimed message: its claim token and its entries in the send log (see store.claimHead). */
export interface Claim {
  row: OutboxRow;
  token: string;
  slotIds: string[];
  stampedNoEarlierThan: number;
  reclaimed: boolean;
}

export function createAttempts(deps: AttemptDeps) {
  const { db, transport, log, tuning: t, life } = deps;

  async function attempt(claim: Claim): Promise<void> {
    const { row, token } = claim;
    const ctx = { outbox: row.id, tenant: row.tenantId, lane: row.lane, op: row.op, attempt: row.attempts };
    if (claim.reclaimed) {
      log.warn(ctx, 'took over a message whose worker stopped mid-attempt (lease expired); if Teams had accepted it, it will show twice');
    }
    const prepared = prepare(row);
    const result: AttemptResult = prepared.ok ? await runAttempt(row, prepared.render) : { ok: false, refused: prepared.reason, error: prepared.error };
    const answeredAfterMs = performance.now() - claim.stampedNoEarlierThan;
    const outcome = toAttemptOutcome(row, result, deps.policy, t.random);
    const afterSent = prepared.ok ? prepared.onSent : undefined;
    const done = await recordOutcome(ctx, () => finishAttempt(db, row, token, { ids: claim.slotIds, answeredAfterMs }, outcome, afterSent, deps.unreachable));
    if (done.fenced) {
      log.warn(ctx, 'attempt finished after its lease expired and another worker took the message over; its result was not recorded');
      return;
    }
    if (done.afterSentError !== undefined) log.error({ ...ctx, err: done.afterSentError }, "a renderer's onSent failed; the message is sent, the feature's bookkeeping was rolled back");
    if (outcome.kind === 'sent') {
      log.debug({ ...ctx, activityId: outcome.activityId }, 'sent');
    } else if (outcome.kind === 'retry') {
      log.info({ ...ctx, status: outcome.status, error: outcome.error, retryInMs: outcome.delayMs }, 'attempt failed; will retry');
      await deps.wakeUps.scheduleLane(row.lane, row.id, done.row.nextAttemptAt.getTime() + 1, done.nowMs);
    } else {
      log.warn({ ...ctx, status: outcome.status, reason: outcome.reason, error: outcome.error }, 'message failed');
    }
  }

  /** The message's activity, or its render instruction checked against its renderer. */
  function prepare(row: OutboxRow): PreparedRender {
    const p: unknown = row.payload;
    const payload = typeof p === 'object' && p !== null ? (p as { activity?: OutboxActivity; render?: { renderer: string; args: unknown } }) : {};
    if (payload.activity) {
      const activity = payload.activity;
      return { ok: true, render: async () => activity };
    }
    if (payload.render) return deps.renderers.prepare(payload.render, row.op);
    return { ok: true, render: async () => Promise.reject(new Error('message has no activity and no render instruction')) };
  }

  /** Renders and sends, within attemptTimeoutMs. */
  async function runAttempt(row: OutboxRow, render: () => Promise<OutboxActivity>): Promise<TransportResult> {
    let requestStarted = false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<TransportResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            ok: false,
            error: `no answer within ${t.attemptTimeoutMs} ms`,
            outcomeUnknown: requestStarted,
          }),
        t.attemptTimeoutMs,
      );
    });
    const work = (async (): Promise<TransportResult> => {
      let activity: OutboxActivity;
      try {
        activity = { type: 'message', ...(await render()) };
      } catch (err) {
        return { ok: false, error: `render failed: ${describeError(err)}` };
      }
      requestStarted = true;
      try {
        return await callTransport(row, activity);
      } catch (err) {
        // A transport should answer, not throw; if it does, the request may have gone out.
        return { ok: false, error: `transport threw: ${describeError(err)}`, outcomeUnknown: true };
      }
    })();
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  function callTransport(row: OutboxRow, activity: OutboxActivity): Promise<TransportResult> {
    const base = { tenantId: row.tenantId, serviceUrl: row.serviceUrl };
    switch (row.op) {
      case 'send':
        return transport.send({ ...base, conversationId: row.conversationId as string }, activity);
      case 'update':
        return transport.update({ ...base, conversationId: row.conversationId as string }, row.activityId as string, activity);
      case 'createPersonal':
        // Created by an earlier attempt whose send failed: only the send is left.
        if (row.conversationId) return transport.send({ ...base, conversationId: row.conversationId }, activity);
        return transport.createPersonal({ ...base, userId: row.userId as string, ...(row.botId ? { botId: row.botId } : {}) }, activity);
    }
  }

  /**
   * Records an attempt's outcome. Teams has answered: if the connection is lost now, the outcome is
   * recorded as soon as the database is back, while the claim's lease lasts, instead of leaving the
   * message "sending" until its lease expires (a wait of leaseMs for the user, and a second send).
   * The record is fenced by the claim token, so trying again is safe.
   */
  async function recordOutcome<T>(ctx: object, record: () => Promise<T>): Promise<T> {
    const until = Date.now() + t.leaseMs - t.attemptTimeoutMs / 4;
    for (;;) {
      try {
        return await record();
      } catch (err) {
        if (!isConnectionError(err) || life.stopped || Date.now() > until) throw err;
        deps.health.suspect(err);
        log.debug({ ...ctx, err }, 'could not record the outcome of an attempt (database unreachable); trying again');
        await sleep(RECORD_RETRY_MS);
      }
    }
  }

  return { attempt };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
