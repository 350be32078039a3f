// All of the improvement actions' SQL (table improvement_actions, migration 007). Columns are named
// in every statement: a prepared `select *` breaks on old instances once a migration adds a column.
import type { Queryable } from '../db/pool.js';
import { schoolNameSql } from '../people/feature.js';
import { scrubJsonObjectSql, scrubSql, scrubValues, type ScrubParams } from '../db/personal-text.js';
import { toSource, type ActionSource, type ActionStatus, type Evaluation, type ImprovementAction, type ReminderKind, type Worked } from './model.js';

const COLUMNS = `a.id, a.public_id, a.tenant_id, a.school_id, ${schoolNameSql('a.school_id')} as school_name, a.title, a.description,
  a.owner_aad, a.owner_name, a.due_date::text as due_date, a.source, a.standard, a.status, a.evaluation, a.service_url,
  a.conversation_id, a.created_by, a.created_by_name, a.created_at, a.done_at, a.done_by,
  a.reminded_due_soon_on::text as reminded_due_soon_on, a.reminded_overdue_on::text as reminded_overdue_on, a.version`;

type Raw = Record<string, unknown>;

function toEvaluation(raw: unknown): Evaluation | null {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : null;
  if (!o || typeof o.worked !== 'string' || !['yes', 'partly', 'no'].includes(o.worked)) return null;
  return { worked: o.worked as Worked, keep: typeof o.keep === 'string' ? o.keep : '' };
}

function toAction(r: Raw): ImprovementAction {
  return {
    id: Number(r.id),
    publicId: r.public_id as string,
    tenantId: r.tenant_id as string,
    schoolId: r.school_id === null ? null : Number(r.school_id),
    schoolName: (r.school_name as string | null) ?? null,
    title: r.title as string,
    description: r.description as string,
    ownerAad: r.owner_aad as string,
    ownerName: r.owner_name as string,
    dueDate: r.due_date as string,
    source: toSource(r.source),
    standard: (r.standard as string | null) ?? null,
    status: r.status as ActionStatus,
    evaluation: toEvaluation(r.evaluation),
    serviceUrl: r.service_url as string,
    conversationId: r.conversation_id as string,
    createdBy: r.created_by as string,
    createdByName: r.created_by_name as string,
    createdAt: r.created_at as Date,
    doneAt: (r.done_at as Date | null) ?? null,
    doneBy: (r.done_by as string | null) ?? null,
    remindedDueSoonOn: (r.reminded_due_soon_on as string | null) ?? null,
    remindedOverdueOn: (r.reminded_overdue_on as string | null) ?? null,
    version: Number(r.version),
  };
}

export interface NewAction {
  tenantId: string;
  schoolId: number | null;
  title: string;
  description: string;
  owner: { aad: string; name: string };
  dueDate: string;
  source: ActionSource;
  standard: string | null;
  serviceUrl: string;
  conversationId: string;
  createdBy: { aad: string; name: string };
}

export async function insertAction(q: Queryable, a: NewAction): Promise<ImprovementAction> {
  const r = await q.query({
    name: 'cadans.actions.insert',
    text: `insert into improvement_actions as a (tenant_id, school_id, title, description, owner_aad, owner_name, due_date, source, standard,
             service_url, conversation_id, created_by, created_by_name)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           returning ${COLUMNS}`,
    values: [
      a.tenantId, a.schoolId, a.title, a.description, a.owner.aad, a.owner.name, a.dueDate, JSON.stringify(a.source), a.standard,
      a.serviceUrl, a.conversationId, a.createdBy.aad, a.createdBy.name,
    ],
  });
  return toAction(r.rows[0] as Raw);
}

/** One action of a tenant by its opaque id (the tenant is part of the key: another tenant's id finds nothing). */
export async function getActionByPublicId(q: Queryable, tenantId: string, publicId: string): Promise<ImprovementAction | null> {
  const r = await q.query({ name: 'cadans.actions.get', text: `select ${COLUMNS} from improvement_actions a where a.tenant_id = $1 and a.public_id = $2`, values: [tenantId, publicId] });
  return r.rows[0] ? toAction(r.rows[0] as Raw) : null;
}

/** For renderers and jobs, which run outside any request: by id alone. */
export async function getActionById(q: Queryable, id: number): Promise<ImprovementAction | null> {
  const r = await q.query({ name: 'cadans.actions.get-by-id', text: `select ${COLUMNS} from improvement_actions a where a.id = $1`, values: [id] });
  return r.rows[0] ? toAction(r.rows[0] as Raw) : null;
}

/** What the access guard decides on: who owns and gave it, and its school. */
export interface ActionScope {
  id: number;
  tenantId: string;
  ownerAad: string;
  createdBy: string;
  schoolId: number | null;
}

export async function getActionScope(q: Queryable, tenantId: string, publicId: string): Promise<ActionScope | null> {
  const r = await q.query<{ id: string; tenant_id: string; owner_aad: string; created_by: string; school_id: string | null }>({
    name: 'cadans.actions.scope',
    text: 'select id, tenant_id, owner_aad, created_by, school_id from improvement_actions where tenant_id = $1 and public_id = $2',
    values: [tenantId, publicId],
  });
  const x = r.rows[0];
  return x ? { id: Number(x.id), tenantId: x.tenant_id, ownerAad: x.owner_aad, createdBy: x.created_by, schoolId: x.school_id === null ? null : Number(x.school_id) } : null;
}

export interface ActionChange {
  title: string;
  description: string;
  dueDate: string;
  owner: { aad: string; name: string };
}

/**
 * Changes an open action (locking it): a new due date earns a new "due soon" reminder. The action
 * as it left it, or null when it is no longer open (done or cancelled meanwhile).
 */
export async function updateOpenAction(q: Queryable, tenantId: string, id: number, c: ActionChange): Promise<ImprovementAction | null> {
  const r = await q.query({
    name: 'cadans.actions.update',
    text: `update improvement_actions a
              set title = $3, description = $4, due_date = $5, owner_aad = $6, owner_name = $7, version = a.version + 1,
                  reminded_due_soon_on = case when a.due_date = $5::date then a.reminded_due_soon_on end,
                  reminded_overdue_on = case when a.due_date = $5::date then a.reminded_overdue_on end
            where a.tenant_id = $1 and a.id = $2 and a.status = 'open'
        returning ${COLUMNS}`,
    values: [tenantId, id, c.title, c.description, c.dueDate, c.owner.aad, c.owner.name],
  });
  return r.rows[0] ? toAction(r.rows[0] as Raw) : null;
}

/** Marks an open action done with its evaluation; null when it was not open. */
export async function completeOpenAction(q: Queryable, tenantId: string, id: number, evaluation: Evaluation, doneBy: string): Promise<ImprovementAction | null> {
  const r = await q.query({
    name: 'cadans.actions.complete',
    text: `update improvement_actions a set status = 'done', evaluation = $3, done_at = now(), done_by = $4, version = a.version + 1
            where a.tenant_id = $1 and a.id = $2 and a.status = 'open'
        returning ${COLUMNS}`,
    values: [tenantId, id, JSON.stringify(evaluation), doneBy],
  });
  return r.rows[0] ? toAction(r.rows[0] as Raw) : null;
}

/** Cancels an open action; null when it was not open. */
export async function cancelOpenAction(q: Queryable, tenantId: string, id: number, by: string): Promise<ImprovementAction | null> {
  const r = await q.query({
    name: 'cadans.actions.cancel',
    text: `update improvement_actions a set status = 'cancelled', done_at = now(), done_by = $3, version = a.version + 1
            where a.tenant_id = $1 and a.id = $2 and a.status = 'open'
        returning ${COLUMNS}`,
    values: [tenantId, id, by],
  });
  return r.rows[0] ? toAction(r.rows[0] as Raw) : null;
}

/**
 * A tenant's open actions someone may see: all of them, or those of these schools and those they
 * own or gave. By due date (overdue ones come first), at most `limit`; and how many there are, and are overdue.
 */
export async function listOpenActions(
  q: Queryable,
  tenantId: string,
  who: { all: boolean; schoolIds: readonly number[]; aad: string },
  today: string,
  limit: number,
): Promise<{ actions: ImprovementAction[]; total: number; overdue: number }> {
  const r = await q.query({
    name: 'cadans.actions.list-open',
    text: `select ${COLUMNS}, count(*) over () as total, count(*) filter (where a.due_date < $6::date) over () as overdue from improvement_actions a
            where a.tenant_id = $1 and a.status = 'open'
              and ($2::boolean or a.owner_aad = $3 or a.created_by = $3 or a.school_id = any($4::bigint[]))
            order by a.due_date, a.id limit $5`,
    values: [tenantId, who.all, who.aad, who.schoolIds, limit, today],
  });
  const first = r.rows[0] as Raw | undefined;
  return { actions: r.rows.map((x) => toAction(x as Raw)), total: first ? Number(first.total) : 0, overdue: first ? Number(first.overdue) : 0 };
}

/**
 * Open actions for a meeting's preparation: of one school, or (null) of the whole tenant. By due
 * date, at most `limit`; with how many are open and overdue in all.
 */
export async function listOpenForPrep(q: Queryable, tenantId: string, schoolId: number | null, today: string, limit: number): Promise<{ actions: ImprovementAction[]; open: number; overdue: number }> {
  const r = await q.query({
    name: 'cadans.actions.prep',
    text: `select ${COLUMNS}, count(*) over () as total, count(*) filter (where a.due_date < $3::date) over () as overdue
             from improvement_actions a
            where a.tenant_id = $1 and a.status = 'open' and ($2::bigint is null or a.school_id = $2)
            order by a.due_date, a.id limit $4`,
    values: [tenantId, schoolId, today, limit],
  });
  const first = r.rows[0] as Raw | undefined;
  return { actions: r.rows.map((x) => toAction(x as Raw)), open: first ? Number(first.total) : 0, overdue: first ? Number(first.overdue) : 0 };
}

/** Every tenant's open actions due by `horizon`, but not those of an erased owner (a pseudonym): what the reminder job looks at. */
export async function listOpenDueBy(q: Queryable, horizon: string): Promise<ImprovementAction[]> {
  const r = await q.query({
    name: 'cadans.actions.due-by',
    text: `select ${COLUMNS} from improvement_actions a where a.status = 'open' and a.due_date <= $1::date and a.owner_aad not like 'verwijderd-%' order by a.due_date, a.id`,
    values: [horizon],
  });
  return r.rows.map((x) => toAction(x as Raw));
}

/** Records that the owner was reminded today (only while the action is open and still due then). */
export async function markReminded(q: Queryable, id: number, kind: ReminderKind, today: string, dueDate: string): Promise<boolean> {
  const column = kind === 'dueSoon' ? 'reminded_due_soon_on' : 'reminded_overdue_on';
  const r = await q.query(`update improvement_actions set ${column} = $2 where id = $1 and status = 'open' and due_date = $3::date`, [id, today, dueDate]);
  return (r.rowCount ?? 0) > 0;
}

// ---- Personal data (docs/privacy.md): a person's export and erasure, a tenant's, retention ----

type JsonRow = Record<string, unknown>;

/** The actions someone owns, gave, or finished (snake_case keys; the holder renames them). */
export async function exportPersonRows(q: Queryable, tenantId: string, aad: string): Promise<JsonRow[]> {
  const r = await q.query<{ row: JsonRow }>(
    `select jsonb_build_object('action', a.public_id, 'title', a.title, 'description', a.description, 'owner', a.owner_aad = $2, 'owner_name', a.owner_name,
            'given_by_them', a.created_by = $2, 'created_by_name', a.created_by_name, 'due_date', a.due_date, 'status', a.status, 'standard', a.standard,
            'source', a.source, 'evaluation', a.evaluation, 'created_at', a.created_at, 'done_at', a.done_at, 'done_by_them', a.done_by = $2) as row
       from improvement_actions a
      where a.tenant_id = $1 and (a.owner_aad = $2 or a.created_by = $2 or a.done_by = $2) order by a.id`,
    [tenantId, aad],
  );
  return r.rows.map((x) => x.row);
}

/**
 * Erases one person from a tenant's actions (inside the caller's transaction): as owner, giver and
 * finisher their id becomes the pseudonym and their name the label; their name, email and ids are
 * replaced in titles, descriptions, the evaluation and the source. Every action touched moves to a
 * new version. How many rows were rewritten.
 */
export async function erasePersonRows(q: Queryable, p: { tenantId: string; aad: string; pseudonym: string; label: string; scrub: ScrubParams }): Promise<number> {
  // $1–$4 the scrub's, then tenant, id, pseudonym, label.
  const s = (expr: string) => scrubSql(expr, 1);
  const changed = (expr: string) => `${s(expr)} is distinct from ${expr}`;
  const json = (expr: string) => scrubJsonObjectSql(expr, 1);
  const r = await q.query(
    `update improvement_actions a
        set owner_aad = case when a.owner_aad = $6 then $7 else a.owner_aad end,
            owner_name = case when a.owner_aad = $6 then $8 else ${s('a.owner_name')} end,
            created_by = case when a.created_by = $6 then $7 else a.created_by end,
            created_by_name = case when a.created_by = $6 then $8 else ${s('a.created_by_name')} end,
            done_by = case when a.done_by = $6 then $7 else a.done_by end,
            title = left(${s('a.title')}, 200),
            description = left(${s('a.description')}, 1000),
            evaluation = ${json('a.evaluation')},
            source = ${json('a.source')},
            version = a.version + 1
      where a.tenant_id = $5
        and (a.owner_aad = $6 or a.created_by = $6 or a.done_by = $6 or ${changed('a.owner_name')} or ${changed('a.created_by_name')}
             or ${changed('a.title')} or ${changed('a.description')} or ${json('a.evaluation')} is distinct from a.evaluation or ${json('a.source')} is distinct from a.source)`,
    [...scrubValues(p.scrub), p.tenantId, p.aad, p.pseudonym, p.label],
  );
  return r.rowCount ?? 0;
}

/** All of a tenant's actions (every column; snake_case keys). */
export async function exportTenantRows(q: Queryable, tenantId: string): Promise<JsonRow[]> {
  const r = await q.query<{ row: JsonRow }>('select to_jsonb(a) as row from improvement_actions a where a.tenant_id = $1 order by a.id', [tenantId]);
  return r.rows.map((x) => x.row);
}

export async function deleteTenantRows(q: Queryable, tenantId: string): Promise<number> {
  const r = await q.query('delete from improvement_actions where tenant_id = $1', [tenantId]);
  return r.rowCount ?? 0;
}

/** Deletes at most `limit` actions done or cancelled before `cutoff` (a row without `done_at`: made before it). How many. */
export async function deleteFinishedBefore(q: Queryable, cutoff: Date, limit: number): Promise<number> {
  const r = await q.query(
    `delete from improvement_actions where id in (
       select id from improvement_actions where status in ('done', 'cancelled') and coalesce(done_at, created_at) < $1 order by coalesce(done_at, created_at), id limit $2 for update skip locked)`,
    [cutoff, limit],
  );
  return r.rowCount ?? 0;
}
