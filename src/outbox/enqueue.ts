// Putting messages in the outbox: the row, its wake-up job and the NOTIFY, in the caller's
// transaction when there is one; and the card update a feature writes in its own statement.
import type PgBoss from 'pg-boss';
import { inTransaction, type Db, type Queryable } from '../db/pool.js';
import { toNewMessage, toStatus, type EnqueueResult, type OutboxRequest, type WrittenUpdate } from './model.js';
import { coalescedUpdateSql, insertMessage, notifyEnqueued, onClient } from './store.js';
import type { Lifecycle } from './tuning.js';
import { OUTBOX_QUEUE, type JobData, type WakeUps } from './wakeups.js';

export interface EnqueueDeps {
  db: Db;
  boss: PgBoss;
  life: Lifecycle;
  wakeUps: Pick<WakeUps, 'wake' | 'sendWakeUp'>;
  /** A worker of this instance is draining the lane: it looks once more before leaving it (worker.ts). */
  lookAgainIfDraining(lane: string): boolean;
}

export function createEnqueue(deps: EnqueueDeps) {
  const { db, boss, life, wakeUps } = deps;

  async function enqueue(request: OutboxRequest, options: { client?: Queryable } = {}): Promise<EnqueueResult> {
    const m = toNewMessage(request);
    const write = async (q: Queryable) => {
      const r = await insertMessage(q, m);
      if (r.created) {
        await boss.send(OUTBOX_QUEUE, { lane: m.lane, id: r.row.id } satisfies JobData, { db: onClient(q) });
        await notifyEnqueued(q, m.lane);
      }
      return r;
    };
    const r = options.client ? await write(options.client) : await inTransaction(db, write);
    if (r.created && !options.client) wakeUps.wake(); // in the caller's transaction, the NOTIFY wakes us at its commit
    return { id: r.row.id, created: r.created, coalesced: r.coalesced, message: toStatus(r.row) };
  }

  function updateInStatement(request: OutboxRequest & { op: 'update' }, firstParam: number, guard: string) {
    return coalescedUpdateSql(toNewMessage(request), firstParam, guard);
  }

  /**
   * After the caller's commit (not in it): if the process dies in between, the sweep gives the
   * stalled message a job after stalledAfterMs; nothing is lost. This instance's worker is woken
   * directly (other instances are not: they would race for the same job).
   */
  async function written(row: WrittenUpdate): Promise<void> {
    if (!row.created) return;
    // A worker of this instance is draining the lane (typically: sending the card's previous
    // update): it takes the new message in its loop, no wake-up job needed (it looks once more if
    // it has just found the lane empty, before this message was committed).
    if (!life.stopped && deps.lookAgainIfDraining(row.lane)) return;
    await wakeUps.sendWakeUp(row.lane, Number(row.id));
  }

  return { enqueue, updateInStatement, written };
}
