// A change to one step of a checklist: decided on the state it finds, written in one statement
// with its log rows and the card update (see change()), completion and new owners handled.
import { TtlCache } from '../cache.js';
import { inTransaction, type Db, type Queryable } from '../db/pool.js';
import { DomainError } from '../errors.js';
import { renderWith } from '../outbox/service.js';
import type { Actor } from '../routes.js';
import { isComplete, toAppliedChanges, toGrants, withChange, type Checklist, type Grant, type StepChange } from './model.js';
import { SUMMARY_RENDERER, checklistProblem, CHANNEL_RENDERER, type ChecklistOutbox, type PersonalNoticeArgs, type StepPermissions, type StepResult } from './ports.js';
import { logChecklistEvent, readChecklistForChange, writeStepChange, type GrantRow, type StepWrite, type StepWritten } from './store.js';

/** How long a checklist this instance wrote, and an actor's roles, may serve as the expected state of the next change. */
const STATE_TTL_MS = 60_000;

/**
 * A checklist kept as the expected state of later changes is shared with the code that renders
 * this change's answer: frozen, so that no one can change it in place (the write's guard compares
 * versions, not content).
 */
function frozen(c: Checklist): Checklist {
  for (const step of c.steps) {
    Object.freeze(step.title);
    Object.freeze(step.guidance);
    Object.freeze(step);
  }
  Object.freeze(c.steps);
  return Object.freeze(c);
}

export interface StepChangeDeps {
  db: Db;
  outbox: ChecklistOutbox;
  /** A 1:1 card to a step's new owner (in the change's transaction). */
  notifyOwner(tx: Queryable, c: Pick<Checklist, 'id' | 'tenantId' | 'serviceUrl' | 'conversationId'>, args: PersonalNoticeArgs, key: string): Promise<void>;
  permissionsFor(actor: Actor, grants: readonly Grant[], c: Checklist, position?: number): StepPermissions;
}

export function createStepChanges(deps: StepChangeDeps) {
  const { db, notifyOwner, permissionsFor } = deps;
  // What this instance last wrote of a checklist, and an actor's role assignments as last read, so
  // that the next change can be one statement (see change). Both are only ever used as "what I
  // expect the database to hold": the write checks them and writes nothing if they are out of date.
  const lastWritten = new TtlCache<Checklist>({ ttlMs: STATE_TTL_MS, max: 200 });
  const lastGrants = new TtlCache<{ rows: GrantRow[]; text: string }>({ ttlMs: STATE_TTL_MS, max: 20_000 });

  /** The card update, for writeStepChange's `also`: none while the card is not posted (the post shows the latest state). */
  function cardUpdateWith(c: Checklist): ((firstParam: number, guard: string) => { sql: string; values: unknown[] }) | undefined {
    const activityId = c.cardActivityId;
    if (!activityId) return undefined;
    return (firstParam, guard) =>
      deps.outbox.updateInStatement(
        { op: 'update', tenantId: c.tenantId, serviceUrl: c.serviceUrl, conversationId: c.conversationId, activityId, render: renderWith(CHANNEL_RENDERER, { checklistId: c.id }) },
        firstParam,
        guard,
      );
  }

  /**
   * One change to one step: checked against the state it finds, written with its log rows and the
   * card update in one statement, completion detected. Returns the checklist as the change left it
   * (no second read) and what the actor may do.
   *
   * Most changes take two round trips: a read, then a write that applies only if the checklist is
   * still at the version read (no transaction held open between them). If someone else changed it
   * in between, or the change completes the checklist or assigns a step to someone else (more to
   * write), it is done again in a transaction under the checklist's row lock: changes to one
   * checklist take turns, each applied to the state the one before left, none lost.
   *
   * A change to a checklist this instance wrote a moment ago, by someone whose roles it read a
   * moment ago, skips the read: it is decided on that state and written only if the checklist is
   * still at that version and card id and the actor's role assignments are still those (one round
   * trip). Otherwise (or if it would refuse, complete, notify, or change nothing: those are decided
   * on fresh state only) it goes the way above.
   */
  async function change(actor: Actor, id: number, position: number, check: (c: Checklist, grants: Grant[]) => StepChange): Promise<StepResult> {
    const who = { aad: actor.aadObjectId, name: actor.name };
    const stateKey = `${actor.tenantId}|${id}`;
    const grantsKey = `${actor.tenantId}|${actor.aadObjectId}`;
    const plan = (read: Awaited<ReturnType<typeof readChecklistForChange>>) => {
      const c = read?.checklist;
      const step = c?.steps.find((s) => s.position === position);
      if (!read || !c || !step) throw checklistProblem('checklistNotFound');
      const grants = toGrants(read.actorGrants);
      const changeSet = check(c, grants);
      const applied = toAppliedChanges(step, changeSet);
      const after = withChange(step, changeSet);
      const steps = c.steps.map((s) => (s.position === position ? after : s));
      const completes = applied.length > 0 && c.completedAt === null && isComplete(steps.map((s) => s.status));
      const newOwner = changeSet.owner && changeSet.owner.aad !== actor.aadObjectId && applied.some((a) => a.field === 'owner') ? changeSet.owner : null;
      /** `grantsText`: the change was decided on these role assignments, read earlier (see writeStepChange). */
      const write = (grantsText?: string): StepWrite => ({
        tenantId: c.tenantId,
        checklistId: c.id,
        position,
        change: changeSet,
        applied,
        actor: who,
        completes,
        expect: { version: c.version, cardActivityId: c.cardActivityId, ...(grantsText === undefined ? {} : { grants: { tenantId: actor.tenantId, text: grantsText } }) },
        also: cardUpdateWith(c),
      });
      const result = (written: { version: number; at: Date }): Checklist => {
        after.updatedBy = actor.aadObjectId;
        after.updatedAt = written.at;
        return { ...c, steps, version: written.version, completedAt: completes ? written.at : c.completedAt };
      };
      return { c, grants, applied, completes, newOwner, write, result };
    };
    const done = (checklist: Checklist, grants: Grant[]): StepResult => ({ checklist, permissions: permissionsFor(actor, grants, checklist, position) });

    const wrote = (checklist: Checklist, also: StepWritten['also']) => {
      lastWritten.set(stateKey, frozen(checklist));
      // Not awaited: the person gets their answer without waiting for the outbox's wake-up job
      // (written never throws; a lost wake-up is caught up by the outbox's sweep).
      if (also) void deps.outbox.written(also).catch(() => undefined);
    };

    const known = lastWritten.get(stateKey)?.value;
    const roles = lastGrants.get(grantsKey)?.value;
    if (known && roles) {
      let p: ReturnType<typeof plan> | null = null;
      try {
        p = plan({ checklist: known, actorGrants: roles.rows, actorGrantsText: roles.text });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err; // a refusal is decided on fresh state below
      }
      if (p && p.applied.length > 0 && !p.completes && !p.newOwner) {
        const written = await writeStepChange(db, p.write(roles.text));
        if (written) {
          const next = p.result(written);
          wrote(next, written.also);
          return done(next, p.grants);
        }
      }
    }

    const read = await readChecklistForChange(db, actor.tenantId, id, actor.aadObjectId, false);
    if (read) lastGrants.set(grantsKey, { rows: read.actorGrants, text: read.actorGrantsText });
    const fast = plan(read);
    if (fast.applied.length === 0) return done(fast.c, fast.grants);
    if (!fast.completes && !fast.newOwner) {
      const written = await writeStepChange(db, fast.write());
      if (written) {
        const next = fast.result(written);
        wrote(next, written.also);
        return done(next, fast.grants);
      }
    }

    const { checklist, grants, card } = await inTransaction(db, async (tx) => {
      const p = plan(await readChecklistForChange(tx, actor.tenantId, id, actor.aadObjectId, true));
      if (p.applied.length === 0) return { checklist: p.c, grants: p.grants, card: null };
      const written = await writeStepChange(tx, p.write());
      if (!written) throw new Error(`checklist ${id} changed under its lock`);
      const c = p.c;
      if (p.newOwner) {
        await notifyOwner(tx, c, { checklistId: c.id, position, ownerAad: p.newOwner.aad, kind: 'assigned' }, `checklist:${c.id}:step:${position}:assigned:${p.newOwner.aad}:v${written.version}`);
      }
      if (p.completes) {
        await logChecklistEvent(tx, c.id, who, 'completed', null);
        await deps.outbox.enqueue(
          { op: 'send', tenantId: c.tenantId, serviceUrl: c.serviceUrl, conversationId: c.conversationId, idempotencyKey: `checklist:${c.id}:summary`, render: renderWith(SUMMARY_RENDERER, { checklistId: c.id }) },
          { client: tx },
        );
      }
      return { checklist: p.result(written), grants: p.grants, card: written.also };
    });
    wrote(checklist, card);
    return done(checklist, grants);
  }

  return {
    change,
    /** Forget what this instance wrote of a checklist (its card was posted anew). */
    forget(tenantId: string, id: number) {
      lastWritten.delete(`${tenantId}|${id}`);
    },
  };
}
