import type { Language } from '../config.js';
import type { Queryable } from '../db/pool.js';
import type { AppliedChange, Checklist, ChecklistEvent, ChecklistRef, ChecklistScope, RunningChecklist, StepChange, StepItem, StepStatus } from './model.js';
import { roleAssignmentsJsonSql, schoolNameSql, teamsUserJoinSql } from '../people/feature.js';
import { scrubJsonArraySql, scrubSql, scrubValues, type ScrubParams } from '../db/personal-text.js';

export interface NewChecklist {
  tenantId: string;
  templateKey: string;
  title: string;
  schoolId: number | null;
  targetDate: string | null;
  investigationType?: string | null;
  endDate?: string | null;
  language: Language;
  conversationId: string;
  serviceUrl: string;
  teamId: string | null;
  createdBy: string;
  steps: {
    key: string;
    title: { nl: string; en: string };
    guidance: { nl: string; en: string };
    link: string | null;
    dueDate: string | null;
    /** A step that does not apply starts as n.v.t., with a note why. */
    status?: StepStatus;
    note?: string;
    items?: StepItem[];
  }[];
}

const dateText = (d: unknown): string | null => (d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

export async function insertChecklist(tx: Queryable, c: NewChecklist): Promise<number> {
  const r = await tx.query<{ id: string }>(
    `insert into checklists (tenant_id, template_key, title, school_id, target_date, language, conversation_id, service_url, team_id, created_by, investigation_type, end_date)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
    [c.tenantId, c.templateKey, c.title, c.schoolId, c.targetDate, c.language, c.conversationId, c.serviceUrl, c.teamId, c.createdBy, c.investigationType ?? null, c.endDate ?? null],
  );
  const id = Number(r.rows[0]!.id);
  await tx.query(
    `insert into checklist_steps (checklist_id, position, step_key, title_nl, title_en, guidance_nl, guidance_en, link, due_date, status, note, items)
     select $1, s.position, s.key, s.title_nl, s.title_en, s.guidance_nl, s.guidance_en, s.link, s.due_date::date, s.status, s.note, s.items
       from jsonb_to_recordset($2::jsonb) as s(position int, key text, title_nl text, title_en text, guidance_nl text, guidance_en text, link text, due_date text, status text, note text, items jsonb)`,
    [
      id,
      JSON.stringify(
        c.steps.map((s, i) => ({
          position: i + 1, key: s.key, title_nl: s.title.nl, title_en: s.title.en, guidance_nl: s.guidance.nl, guidance_en: s.guidance.en, link: s.link, due_date: s.dueDate,
          status: s.status ?? 'open', note: s.note ?? '', items: s.items ?? [],
        })),
      ),
    ],
  );
  return id;
}

/**
 * Columns and steps of one checklist, in one statement. Columns by name: these statements are
 * prepared, and a prepared `c.*` would break on the old instances of a rolling deploy once a
 * migration adds a column. (The steps come as JSON, which stays JSON.)
 */
const CHECKLIST_FROM = `select c.id, c.public_id, c.tenant_id, c.template_key, c.title, c.school_id, c.target_date, c.language, c.conversation_id,
    c.service_url, c.team_id, c.card_activity_id, coalesce(c.card_post_key, 'checklist:' || c.id || ':card') as card_post_key, c.created_by, c.created_at, c.completed_at, c.version, c.investigation_type, c.end_date, ${schoolNameSql('c.school_id')} as school_name,
    (select coalesce(json_agg(st order by st.position), '[]'::json) from checklist_steps st where st.checklist_id = c.id) as steps
  from checklists c`;

export async function getChecklist(db: Queryable, tenantId: string, id: number): Promise<Checklist | null> {
  const r = await db.query({ name: 'cadans.checklist.get', text: `${CHECKLIST_FROM} where c.tenant_id = $1 and c.id = $2`, values: [tenantId, id] });
  const c = r.rows[0];
  return c ? toChecklist(c, c.steps) : null;
}

/**
 * A checklist for a change, with the actor's role assignments (one round trip less per change; the
 * caller turns them into grants with the people module's rules). With `lock`, it holds the
 * checklist's row lock until the transaction ends: changes to one checklist take turns (each sees
 * the steps as the one before left them), different checklists run in parallel. Without, the
 * change is written only if the checklist is still as read (writeStepChange's `expect`).
 */
export async function readChecklistForChange(
  q: Queryable,
  tenantId: string,
  id: number,
  actorAad: string,
  lock: boolean,
): Promise<{ checklist: Checklist; actorGrants: GrantRow[]; actorGrantsText: string } | null> {
  const read = () =>
    q.query({
      name: lock ? 'cadans.checklist.lock' : 'cadans.checklist.read-for-change',
      text: `${CHECKLIST_FROM.replace(' as steps', ` as steps,
      ${actorGrantsSql('c.tenant_id', '$3')} as actor_grants,
      (select v.version from checklists v where v.id = c.id) as snapshot_version`)}
     where c.tenant_id = $1 and c.id = $2${lock ? ' for update of c' : ''}`,
      values: [tenantId, id, actorAad],
    });
  let c = (await read()).rows[0];
  // A locked read that waited for another change's lock returns the row as that change left it
  // (PostgreSQL re-reads the locked row), but its subqueries (the steps) still see the snapshot
  // from before the wait. Then the versions differ: read again, now under our lock (no wait).
  if (c && lock && c.snapshot_version !== c.version) c = (await read()).rows[0];
  return c ? { checklist: toChecklist(c, c.steps), actorGrants: JSON.parse(c.actor_grants) as GrantRow[], actorGrantsText: c.actor_grants } : null;
}

/**
 * The actor's role assignments as JSON text, in a fixed order: read with a checklist, and compared
 * by writeStepChange (`expect.grants`) when a change was decided on grants read earlier. The SQL is
 * the people store's (it owns role_assignments).
 */
const actorGrantsSql = roleAssignmentsJsonSql;

/** A role assignment as stored (see people/store.ts listGrants for the same rows). */
export interface GrantRow {
  role: string;
  school_id: number | string | null;
}

/** For renderers, which run outside any request: by id alone. */
export async function getChecklistById(db: Queryable, id: number): Promise<Checklist | null> {
  const r = await db.query({ name: 'cadans.checklist.get-by-id', text: `${CHECKLIST_FROM} where c.id = $1`, values: [id] });
  const c = r.rows[0];
  return c ? toChecklist(c, c.steps) : null;
}

// pg rows are untyped here; the columns are those of the migration.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toChecklist(c: any, steps: any[]): Checklist {
  return {
    id: Number(c.id),
    publicId: c.public_id,
    tenantId: c.tenant_id,
    templateKey: c.template_key,
    title: c.title,
    schoolId: c.school_id === null ? null : Number(c.school_id),
    schoolName: c.school_name ?? null,
    targetDate: dateText(c.target_date),
    investigationType: c.investigation_type ?? null,
    endDate: dateText(c.end_date),
    language: c.language,
    conversationId: c.conversation_id,
    serviceUrl: c.service_url,
    teamId: c.team_id,
    cardActivityId: c.card_activity_id,
    cardPostKey: c.card_post_key,
    createdBy: c.created_by,
    createdAt: c.created_at,
    completedAt: c.completed_at,
    version: c.version,
    steps: steps.map((s) => ({
      position: s.position,
      key: s.step_key,
      title: { nl: s.title_nl, en: s.title_en },
      guidance: { nl: s.guidance_nl, en: s.guidance_en },
      link: s.link,
      status: s.status,
      ownerAad: s.owner_aad,
      ownerName: s.owner_name,
      dueDate: dateText(s.due_date),
      note: s.note,
      evidenceUrl: s.evidence_url,
      items: toItems(s.items),
      updatedBy: s.updated_by,
      // pg gives Dates for columns, json_agg gives ISO strings
      updatedAt: s.updated_at ? new Date(s.updated_at) : null,
    })),
  };
}

/** A step's items as stored (absent in rows read by an instance from before migration 014). */
function toItems(raw: unknown): StepItem[] {
  if (!Array.isArray(raw)) return [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return raw.map((i: any) => ({ key: String(i.key), title: { nl: String(i.title?.nl ?? ''), en: String(i.title?.en ?? '') }, done: i.done === true, evidenceUrl: typeof i.evidenceUrl === 'string' ? i.evidenceUrl : '' }));
}

export async function listRunning(db: Queryable, tenantId: string, conversationId: string): Promise<RunningChecklist[]> {
  const r = await db.query<{ id: string; public_id: string; title: string; done: string; not_applicable: string; total: string; card_activity_id: string | null; card_post_key: string; conversation_id: string; tenant_id: string; team_id: string | null; school_name: string | null; target_date: unknown }>(
    `select c.id, c.public_id, c.title, c.card_activity_id, coalesce(c.card_post_key, 'checklist:' || c.id || ':card') as card_post_key, c.conversation_id, c.tenant_id,
            c.team_id, ${schoolNameSql('c.school_id')} as school_name, c.target_date,
            count(*) filter (where s.status = 'klaar') as done, count(*) filter (where s.status = 'nvt') as not_applicable, count(*) as total
       from checklists c join checklist_steps s on s.checklist_id = c.id
      where c.tenant_id = $1 and c.conversation_id = $2 and c.completed_at is null
      group by c.id order by c.created_at`,
    [tenantId, conversationId],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    publicId: x.public_id,
    title: x.title,
    done: Number(x.done),
    notApplicable: Number(x.not_applicable),
    total: Number(x.total),
    cardActivityId: x.card_activity_id,
    cardPostKey: x.card_post_key,
    conversationId: x.conversation_id,
    tenantId: x.tenant_id,
    teamId: x.team_id,
    schoolName: x.school_name,
    targetDate: dateText(x.target_date),
  }));
}

export interface StepWrite {
  tenantId: string;
  checklistId: number;
  position: number;
  change: StepChange;
  applied: AppliedChange[];
  actor: { aad: string; name: string };
  completes: boolean;
  /**
   * Written only if the checklist is still at this version, with this card id (a card posted in
   * between needs the update this change would not queue); otherwise nothing is written.
   */
  expect: {
    version: number;
    cardActivityId: string | null;
    /**
     * When the change was decided on the actor's role assignments read earlier (not in this
     * request): written only if they are still these (readChecklistForChange's actorGrantsText).
     */
    grants?: { tenantId: string; text: string };
  };
  /** A statement part written with the change (the outbox's card update): SQL for a CTE, run only when the change is. */
  also?: (firstParam: number, guard: string) => { sql: string; values: unknown[] };
}

export interface StepWritten {
  version: number;
  at: Date;
  /** What `also` returned (the outbox's id, lane, created). */
  also: { id: string; lane: string; created: boolean } | null;
}

/**
 * Writes a change to one step in one statement: the checklist's version (only if it is still as
 * expected: then its row lock is held first, as readChecklistForChange's lock takes it), the step, a log row per
 * changed field, (when `completes`) the completion, and `also`. Null when the checklist was changed
 * since it was read: nothing is written.
 */
export async function writeStepChange(q: Queryable, w: StepWrite): Promise<StepWritten | null> {
  const { change, applied } = w;
  const events = JSON.stringify(applied.map((a) => ({ field: a.field, old_value: a.oldValue, new_value: a.newValue })));
  const values: unknown[] = [w.checklistId, w.position, w.actor.aad, w.actor.name, events, w.completes, w.expect.version, w.expect.cardActivityId, w.tenantId];
  const sets: string[] = [];
  const set = (column: string, value: unknown) => {
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  };
  for (const a of applied) {
    if (a.field === 'status') set('status', change.status);
    if (a.field === 'owner') {
      set('owner_aad', change.owner?.aad ?? null);
      set('owner_name', change.owner?.name ?? null);
    }
    if (a.field === 'due') set('due_date', change.dueDate);
    if (a.field === 'note') set('note', change.note);
    if (a.field === 'evidence') set('evidence_url', change.evidenceUrl);
    if (a.field === 'item' && !sets.some((x) => x.startsWith('items '))) set('items', JSON.stringify(change.items ?? []));
  }
  let grantsGuard = '';
  if (w.expect.grants) {
    values.push(w.expect.grants.tenantId, w.expect.grants.text);
    grantsGuard = ` and ${actorGrantsSql(`$${values.length - 1}`, '$3')} = $${values.length}`;
  }
  const also = w.also?.(values.length + 1, 'exists (select 1 from c)');
  if (also) values.push(...also.values);
  // Prepared per shape of change (which columns it sets, with or without `also`): a handful of names.
  // The step and the log are written only after c has taken the checklist's row lock and found it
  // unchanged (their `exists (select 1 from c)` runs c first): the same lock order as a locked read.
  const r = await q.query<{ version: number; at: Date | null; also: StepWritten['also'] }>({
    name: `cadans.checklist.change:${[...new Set(applied.map((a) => a.field))].join(',')}${also ? '+also' : ''}${grantsGuard ? '+grants' : ''}`,
    text: `with c as (
       update checklists set version = version + 1,
              completed_at = case when $6 and completed_at is null then clock_timestamp() else completed_at end
        where id = $1 and tenant_id = $9 and version = $7 and card_activity_id is not distinct from $8::text${grantsGuard}
       returning version
     ), step as (
       update checklist_steps set ${sets.join(', ')}, updated_by = $3, updated_at = clock_timestamp()
        where checklist_id = $1 and position = $2 and exists (select 1 from c) returning updated_at
     ), log as (
       insert into checklist_events (checklist_id, position, actor_aad, actor_name, field, old_value, new_value)
       select $1, $2, $3, $4, e.field, e.old_value, e.new_value
         from jsonb_to_recordset($5::jsonb) as e(field text, old_value text, new_value text), step
     )${also ? `, also as (${also.sql})` : ''}
     select c.version, (select updated_at from step) as at, ${also ? "(select json_build_object('id', also.id::text, 'lane', also.lane, 'created', also.created) from also)" : 'null::json'} as also from c`,
    values,
  });
  const row = r.rows[0];
  if (!row) return null;
  if (!row.at) throw new Error(`checklist ${w.checklistId} step ${w.position} vanished`);
  return { version: row.version, at: row.at, also: row.also };
}

export async function logChecklistEvent(tx: Queryable, checklistId: number, actor: { aad: string; name: string }, field: string, newValue: string | null): Promise<void> {
  await tx.query('insert into checklist_events (checklist_id, actor_aad, actor_name, field, new_value) values ($1, $2, $3, $4, $5)', [checklistId, actor.aad, actor.name, field, newValue]);
}

export async function setCardActivityId(db: Queryable, checklistId: number, activityId: string): Promise<void> {
  await db.query('update checklists set card_activity_id = $2 where id = $1 and card_activity_id is null', [checklistId, activityId]);
}

export async function listEvents(db: Queryable, checklistId: number): Promise<ChecklistEvent[]> {
  const r = await db.query('select position, actor_name, field, old_value, new_value, at from checklist_events where checklist_id = $1 order by id', [checklistId]);
  return r.rows.map((x) => ({ position: x.position, actorName: x.actor_name, field: x.field, oldValue: x.old_value, newValue: x.new_value, at: x.at }));
}

export interface ChannelCardState {
  checklist: Checklist;
  refreshUserIds: string[];
  lastChangedBy: string | null;
}

/**
 * What the shared channel card shows, in one statement (only a checklist of `tenantId`, when given): the checklist with its steps; the Teams
 * user ids for the card's refresh (the people who worked on it, most recent first: the authors of
 * its latest 1000 changes, so a busy checklist's log is not read whole for every update of its
 * card, and the owners of its steps); and who changed it last.
 */
export async function getChannelCardState(db: Queryable, checklistId: number, refreshLimit: number, tenantId: string | null = null): Promise<ChannelCardState | null> {
  const r = await db.query({
    name: 'cadans.checklist.card-state',
    text: `${CHECKLIST_FROM.replace(' as steps', ` as steps,
      (select coalesce(json_agg(w.teams_user_id order by w.open desc, w.last desc), '[]'::json) from (
         select p.teams_user_id, bool_or(x.open) as open, max(x.last) as last from (
             select actor_aad as aad, false as open, max(id) as last
               from (select actor_aad, id from checklist_events where checklist_id = c.id order by id desc limit 1000) recent
              group by actor_aad
             union all
             select owner_aad, false, 0 from checklist_steps where checklist_id = c.id and owner_aad is not null
             union all
             -- People with a step's form open come first: the refresh gives them their form back.
             select v.aad_object_id, true, 0 from checklist_views v
              where v.checklist_id = c.id and v.updated_at > now() - make_interval(secs => $4::int)
           ) x
           ${teamsUserJoinSql('p', 'c.tenant_id', 'x.aad')}
          where p.teams_user_id is not null
          group by p.teams_user_id order by bool_or(x.open) desc, max(x.last) desc limit $2
       ) w) as refresh_user_ids,
      (select e.actor_name from checklist_events e where e.checklist_id = c.id and e.actor_name <> '' order by e.id desc limit 1) as last_changed_by`)}
     where c.id = $1 and ($3::text is null or c.tenant_id = $3)`,
    values: [checklistId, refreshLimit, tenantId, VIEW_TTL_SECONDS],
  });
  const c = r.rows[0];
  return c ? { checklist: toChecklist(c, c.steps), refreshUserIds: c.refresh_user_ids, lastChangedBy: c.last_changed_by ?? null } : null;
}

/**
 * How long a step form someone opened on the shared card counts as open: a working day. After that
 * the refresh shows the overview again, and they leave the front of the refresh list.
 */
export const VIEW_TTL_SECONDS = 8 * 60 * 60;

/** What a person has open on a checklist's shared card: a step's form, with what a refused save sent. */
export interface StepView {
  position: number;
  draft: Record<string, string> | null;
}

/**
 * Remembers the step form a person has open (a draft: the inputs of a refused save; null: none
 * waiting). Views of the same checklist that have lapsed are removed on the way, so typed drafts
 * are not kept longer than they are of use.
 */
export async function saveStepView(db: Queryable, checklistId: number, aadObjectId: string, position: number, draft: Record<string, string> | null): Promise<void> {
  await db.query({
    name: 'cadans.checklist.view-save',
    text: `with lapsed as (
             delete from checklist_views where checklist_id = $1 and aad_object_id <> $2 and updated_at <= now() - make_interval(secs => $5::int)
           )
           insert into checklist_views (checklist_id, aad_object_id, position, draft, updated_at) values ($1, $2, $3, $4::jsonb, now())
           on conflict (checklist_id, aad_object_id) do update set position = excluded.position, draft = excluded.draft, updated_at = now()`,
    values: [checklistId, aadObjectId, position, draft === null ? null : JSON.stringify(draft), VIEW_TTL_SECONDS],
  });
}

/** For a person's export (privacy): the step forms they have open, with what they typed, per checklist of the tenant. */
export async function listStepViewsOf(db: Queryable, tenantId: string, aadObjectId: string): Promise<{ checklistId: number; position: number; draft: Record<string, string> | null; updatedAt: Date }[]> {
  const r = await db.query<{ checklist_id: string; position: number; draft: Record<string, string> | null; updated_at: Date }>(
    `select v.checklist_id, v.position, v.draft, v.updated_at from checklist_views v join checklists c on c.id = v.checklist_id
      where c.tenant_id = $1 and v.aad_object_id = $2 order by v.checklist_id`,
    [tenantId, aadObjectId],
  );
  return r.rows.map((x) => ({ checklistId: Number(x.checklist_id), position: x.position, draft: x.draft, updatedAt: x.updated_at }));
}

/** For a person's erasure (privacy): their open step forms and drafts are theirs only, so they go. Returns how many. */
export async function deleteStepViewsOf(db: Queryable, tenantId: string, aadObjectId: string): Promise<number> {
  const r = await db.query(
    'delete from checklist_views v using checklists c where c.id = v.checklist_id and c.tenant_id = $1 and v.aad_object_id = $2',
    [tenantId, aadObjectId],
  );
  return r.rowCount ?? 0;
}

/** The step form a person has open on a checklist's card, if they opened one in the last VIEW_TTL_SECONDS. */
export async function findStepView(db: Queryable, checklistId: number, aadObjectId: string): Promise<StepView | null> {
  const r = await db.query<{ position: number; draft: Record<string, string> | null }>({
    name: 'cadans.checklist.view-find',
    text: `select position, draft from checklist_views
            where checklist_id = $1 and aad_object_id = $2 and updated_at > now() - make_interval(secs => $3::int)`,
    values: [checklistId, aadObjectId, VIEW_TTL_SECONDS],
  });
  const x = r.rows[0];
  return x ? { position: x.position, draft: x.draft } : null;
}

/** The person went back to the overview: nothing of theirs is open any more. */
export async function deleteStepView(db: Queryable, checklistId: number, aadObjectId: string): Promise<void> {
  await db.query({ name: 'cadans.checklist.view-delete', text: 'delete from checklist_views where checklist_id = $1 and aad_object_id = $2', values: [checklistId, aadObjectId] });
}

export async function listFinished(db: Queryable, tenantId: string, conversationId: string, limit: number): Promise<{ id: number; publicId: string; title: string }[]> {
  const r = await db.query<{ id: string; public_id: string; title: string }>(
    'select id, public_id, title from checklists where tenant_id = $1 and conversation_id = $2 and completed_at is not null order by completed_at desc limit $3',
    [tenantId, conversationId, limit],
  );
  return r.rows.map((x) => ({ id: Number(x.id), publicId: x.public_id, title: x.title }));
}

export interface StoredTemplate {
  id: number;
  definition: unknown;
  /** Archived: no longer offered or started; checklists already running from it go on. */
  archived: boolean;
}

export async function listTemplates(db: Queryable, tenantId: string): Promise<StoredTemplate[]> {
  const r = await db.query<{ id: string; definition: unknown }>(
    'select id, definition from checklist_templates where tenant_id = $1 and archived_at is null order by created_at',
    [tenantId],
  );
  return r.rows.map((x) => ({ id: Number(x.id), definition: x.definition, archived: false }));
}

export async function findTemplate(db: Queryable, tenantId: string, id: number): Promise<StoredTemplate | null> {
  const r = await db.query<{ id: string; definition: unknown; archived: boolean }>(
    'select id, definition, archived_at is not null as archived from checklist_templates where tenant_id = $1 and id = $2',
    [tenantId, id],
  );
  return r.rows[0] ? { id: Number(r.rows[0].id), definition: r.rows[0].definition, archived: r.rows[0].archived } : null;
}

/** Archives an own template (it makes room under the tenant's cap); true when it was not archived yet. */
export async function archiveTemplate(db: Queryable, tenantId: string, id: number): Promise<boolean> {
  const r = await db.query('update checklist_templates set archived_at = now() where tenant_id = $1 and id = $2 and archived_at is null', [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

/** A checklist's scope, only within `tenantId`: another tenant's checklist is not found. */
export async function getChecklistScope(db: Queryable, tenantId: string, ref: ChecklistRef): Promise<ChecklistScope | null> {
  const byId = 'id' in ref;
  const r = await db.query<{ id: string; public_id: string; tenant_id: string; conversation_id: string; team_id: string | null; school_id: string | null }>({
    name: byId ? 'cadans.checklist.scope-by-id' : 'cadans.checklist.scope-by-public-id',
    text: `select id, public_id, tenant_id, conversation_id, team_id, school_id from checklists where tenant_id = $1 and ${byId ? 'id = $2::bigint' : 'public_id = $2::uuid'}`,
    values: [tenantId, byId ? ref.id : ref.publicId],
  });
  const x = r.rows[0];
  return x ? { id: Number(x.id), publicId: x.public_id, tenantId: x.tenant_id, conversationId: x.conversation_id, teamId: x.team_id, schoolId: x.school_id === null ? null : Number(x.school_id) } : null;
}

/** Whether someone owns a step of the checklist (owners keep working from their 1:1 cards). */
export async function ownsAStep(db: Queryable, checklistId: number, aadObjectId: string): Promise<boolean> {
  const r = await db.query({ name: 'cadans.checklist.owns-a-step', text: 'select 1 from checklist_steps where checklist_id = $1 and owner_aad = $2 limit 1', values: [checklistId, aadObjectId] });
  return (r.rowCount ?? 0) > 0;
}

/**
 * An editor posts the card again: the new post gets its own key, card updates wait for it (the
 * posted card's id is forgotten, so the old message is left as it is), the version moves on (a
 * change decided on the old card id writes nothing and is decided again). Null when not found.
 */
export async function startRepost(tx: Queryable, tenantId: string, id: number): Promise<{ version: number; key: string } | null> {
  const r = await tx.query<{ version: number; key: string }>(
    `update checklists set version = version + 1, card_activity_id = null, card_post_key = 'checklist:' || id || ':card:r' || (version + 1)
      where tenant_id = $1 and id = $2 returning version, card_post_key as key`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export interface OwnedStepDue {
  checklistId: number;
  tenantId: string;
  serviceUrl: string;
  conversationId: string;
  position: number;
  ownerAad: string;
  due: string;
  status: StepStatus;
}

/** Steps of running checklists with an owner (not an erased person's pseudonym), not settled, due on or before `horizon` (yyyy-mm-dd). */
export async function listOwnedStepsDueBy(db: Queryable, horizon: string): Promise<OwnedStepDue[]> {
  const r = await db.query<{ id: string; tenant_id: string; service_url: string; conversation_id: string; position: number; owner_aad: string; due: string; status: StepStatus }>(
    `select c.id, c.tenant_id, c.service_url, c.conversation_id, s.position, s.owner_aad, to_char(s.due_date, 'YYYY-MM-DD') as due, s.status
       from checklist_steps s join checklists c on c.id = s.checklist_id
      where c.completed_at is null and s.owner_aad is not null and s.owner_aad not like 'verwijderd-%' and s.status in ('open', 'bezig')
        and s.due_date is not null and s.due_date <= $1::date
      order by c.id, s.position`,
    [horizon],
  );
  return r.rows.map((x) => ({ checklistId: Number(x.id), tenantId: x.tenant_id, serviceUrl: x.service_url, conversationId: x.conversation_id, position: x.position, ownerAad: x.owner_aad, due: x.due, status: x.status }));
}

/**
 * Saves an own template unless the tenant already has `max` that are not archived: null then. One
 * statement, so no lock: two saves at the very same moment may both pass (the cap guards against a
 * runaway script, it is not an exact count).
 */
export async function insertTemplateWithinCap(db: Queryable, tenantId: string, definition: object, source: string, createdBy: string, max: number): Promise<number | null> {
  const r = await db.query<{ id: string }>(
    `insert into checklist_templates (tenant_id, definition, source, created_by)
     select $1, $2, $3, $4
      where (select count(*) from checklist_templates where tenant_id = $1 and archived_at is null) < $5
     returning id`,
    [tenantId, JSON.stringify(definition), source, createdBy, max],
  );
  return r.rows[0] ? Number(r.rows[0].id) : null;
}

/** Where a checklist's card lives, and its version (for the catch-up update after the card is posted). */
export async function getCardTarget(db: Queryable, checklistId: number): Promise<{ tenantId: string; serviceUrl: string; conversationId: string; version: number } | null> {
  const r = await db.query<{ tenant_id: string; service_url: string; conversation_id: string; version: number }>(
    'select tenant_id, service_url, conversation_id, version from checklists where id = $1',
    [checklistId],
  );
  const x = r.rows[0];
  return x ? { tenantId: x.tenant_id, serviceUrl: x.service_url, conversationId: x.conversation_id, version: x.version } : null;
}

/** Per step: who settled it and when (its last status change), for the completion summary. */
export async function listSettledBy(db: Queryable, checklistId: number): Promise<Map<number, { name: string; at: Date }>> {
  const r = await db.query<{ position: number; actor_name: string; at: Date }>(
    `select distinct on (position) position, actor_name, at from checklist_events
      where checklist_id = $1 and field = 'status' and position is not null order by position, id desc`,
    [checklistId],
  );
  return new Map(r.rows.map((x) => [x.position, { name: x.actor_name, at: x.at }]));
}

/**
 * A meeting's prep pack: running checklists of one school (null: of the whole tenant), newest first,
 * with their step counts per status in the same statement, only those `who` may see: everything
 * (`all`), the checklists of `schoolIds`, or one they own a step of. `overdue`: open or in-progress
 * steps due before `today` (yyyy-mm-dd).
 */
export async function listRunningForPrep(
  db: Queryable,
  tenantId: string,
  schoolId: number | null,
  who: { all: boolean; schoolIds: readonly number[]; aad: string },
  today: string,
  limit: number,
): Promise<{ title: string; done: number; notApplicable: number; total: number; overdue: number }[]> {
  const r = await db.query<{ title: string; done: number; not_applicable: number; total: number; overdue: number }>({
    name: 'cadans.checklist.prep',
    text: `select c.title,
              count(*) filter (where s.status = 'klaar')::int as done,
              count(*) filter (where s.status = 'nvt')::int as not_applicable,
              count(*)::int as total,
              count(*) filter (where s.status in ('open', 'bezig') and s.due_date < $3::date)::int as overdue
         from checklists c join checklist_steps s on s.checklist_id = c.id
        where c.tenant_id = $1 and c.completed_at is null and ($2::bigint is null or c.school_id = $2::bigint)
          and ($4::boolean or c.school_id = any($5::bigint[])
               or exists (select 1 from checklist_steps o where o.checklist_id = c.id and o.owner_aad = $6))
        group by c.id
        order by c.created_at desc, c.id desc
        limit $7`,
    values: [tenantId, schoolId, today, who.all, who.schoolIds, who.aad, limit],
  });
  return r.rows.map((x) => ({ title: x.title, done: x.done, notApplicable: x.not_applicable, total: x.total, overdue: x.overdue }));
}

// ---- Personal data (docs/privacy.md): a person's export and erasure, a tenant's, retention ----

type JsonRow = Record<string, unknown>;

/** Everything about one person in the checklist tables, as rows (snake_case keys; the holder renames them). */
export async function exportPersonRows(
  q: Queryable,
  tenantId: string,
  aad: string,
): Promise<{ started: JsonRow[]; steps: JsonRow[]; changes: JsonRow[]; templates: JsonRow[] }> {
  const [started, steps, changes, templates] = await Promise.all([
    q.query<{ row: JsonRow }>(
      `select jsonb_build_object('checklist', c.public_id, 'title', c.title, 'template_key', c.template_key, 'target_date', c.target_date,
              'created_at', c.created_at, 'completed_at', c.completed_at) as row
         from checklists c where c.tenant_id = $1 and c.created_by = $2 order by c.id`,
      [tenantId, aad],
    ),
    q.query<{ row: JsonRow }>(
      `select jsonb_build_object('checklist', c.public_id, 'checklist_title', c.title, 'position', s.position, 'title', s.title_nl, 'status', s.status,
              'owner', s.owner_aad = $2, 'owner_name', s.owner_name, 'due_date', s.due_date, 'note', s.note, 'evidence_url', s.evidence_url,
              'items', s.items, 'last_changed_by_them', s.updated_by = $2, 'updated_at', s.updated_at) as row
         from checklist_steps s join checklists c on c.id = s.checklist_id
        where c.tenant_id = $1 and (s.owner_aad = $2 or s.updated_by = $2) order by c.id, s.position`,
      [tenantId, aad],
    ),
    q.query<{ row: JsonRow }>(
      `select jsonb_build_object('checklist', c.public_id, 'checklist_title', c.title, 'position', e.position, 'actor_name', e.actor_name, 'field', e.field,
              'old_value', e.old_value, 'new_value', e.new_value, 'at', e.at) as row
         from checklist_events e join checklists c on c.id = e.checklist_id
        where c.tenant_id = $1 and e.actor_aad = $2 order by e.id`,
      [tenantId, aad],
    ),
    q.query<{ row: JsonRow }>(
      `select jsonb_build_object('id', t.id, 'definition', t.definition, 'source', t.source, 'created_at', t.created_at, 'archived_at', t.archived_at) as row
         from checklist_templates t where t.tenant_id = $1 and t.created_by = $2 order by t.id`,
      [tenantId, aad],
    ),
  ]);
  return { started: started.rows.map((r) => r.row), steps: steps.rows.map((r) => r.row), changes: changes.rows.map((r) => r.row), templates: templates.rows.map((r) => r.row) };
}

export interface ErasedCard {
  checklistId: number;
  tenantId: string;
  serviceUrl: string;
  conversationId: string;
  cardActivityId: string | null;
  cardPostKey: string;
  completed: boolean;
}

/**
 * Erases one person from a tenant's checklists (inside the caller's transaction): their id becomes
 * the pseudonym and their name the label as step owner, last changer, actor of the log, starter and
 * template author; their name, email and ids are replaced in notes, evidence links, items, the log's
 * old → new values and titles. Every checklist touched moves to a new version (the rule every write
 * to steps keeps: instances that remember its steps read them again). Rows rewritten per table, and
 * the checklists whose cards may have shown them.
 */
export async function erasePersonRows(
  q: Queryable,
  p: { tenantId: string; aad: string; pseudonym: string; label: string; scrub: ScrubParams },
): Promise<{ counts: Record<string, number>; cards: ErasedCard[] }> {
  // $1–$4 the scrub's, then tenant, id, pseudonym (and label where a name column is set).
  const withLabel = [...scrubValues(p.scrub), p.tenantId, p.aad, p.pseudonym, p.label];
  const withoutLabel = withLabel.slice(0, 7);
  const s = (expr: string) => scrubSql(expr, 1);
  const changed = (expr: string) => `${s(expr)} is distinct from ${expr}`;
  const steps = await q.query<{ checklist_id: string }>(
    `update checklist_steps st
        set owner_aad = case when st.owner_aad = $6 then $7 else st.owner_aad end,
            owner_name = case when st.owner_aad = $6 then $8 else ${s('st.owner_name')} end,
            updated_by = case when st.updated_by = $6 then $7 else st.updated_by end,
            note = ${s('st.note')},
            evidence_url = ${s('st.evidence_url')},
            items = ${scrubJsonArraySql('st.items', 1)}
       from checklists c
      where c.id = st.checklist_id and c.tenant_id = $5
        and (st.owner_aad = $6 or st.updated_by = $6 or ${changed('st.owner_name')} or ${changed('st.note')} or ${changed('st.evidence_url')}
             or ${scrubJsonArraySql('st.items', 1)} is distinct from st.items)
  returning st.checklist_id`,
    withLabel,
  );
  const events = await q.query<{ checklist_id: string }>(
    `update checklist_events e
        set actor_aad = case when e.actor_aad = $6 then $7 else e.actor_aad end,
            actor_name = case when e.actor_aad = $6 then $8 else ${s('e.actor_name')} end,
            old_value = ${s('e.old_value')},
            new_value = ${s('e.new_value')}
       from checklists c
      where c.id = e.checklist_id and c.tenant_id = $5
        and (e.actor_aad = $6 or ${changed('e.actor_name')} or ${changed('e.old_value')} or ${changed('e.new_value')})
  returning e.checklist_id`,
    withLabel,
  );
  const started = await q.query<{ id: string }>(
    `update checklists c
        set created_by = case when c.created_by = $6 then $7 else c.created_by end,
            title = left(${s('c.title')}, 120)
      where c.tenant_id = $5 and (c.created_by = $6 or ${changed('c.title')})
  returning c.id`,
    withoutLabel,
  );
  const templates = await q.query(
    `update checklist_templates t
        set created_by = case when t.created_by = $6 then $7 else t.created_by end,
            source = ${s('t.source')},
            definition = (${s('t.definition::text')})::jsonb
      where t.tenant_id = $5 and (t.created_by = $6 or ${changed('t.source')} or ${changed('t.definition::text')})`,
    withoutLabel,
  );
  const ids = [...new Set([...steps.rows, ...events.rows].map((r) => r.checklist_id).concat(started.rows.map((r) => r.id)))];
  const touched = ids.length === 0
    ? []
    : (
        await q.query<{ id: string; tenant_id: string; service_url: string; conversation_id: string; card_activity_id: string | null; card_post_key: string; completed: boolean }>(
          `update checklists set version = version + 1 where tenant_id = $1 and id = any($2::bigint[])
           returning id, tenant_id, service_url, conversation_id, card_activity_id, coalesce(card_post_key, 'checklist:' || id || ':card') as card_post_key, completed_at is not null as completed`,
          [p.tenantId, ids],
        )
      ).rows;
  return {
    counts: { checklists: started.rowCount ?? 0, checklist_steps: steps.rowCount ?? 0, checklist_events: events.rowCount ?? 0, checklist_templates: templates.rowCount ?? 0 },
    cards: touched.map((x) => ({
      checklistId: Number(x.id),
      tenantId: x.tenant_id,
      serviceUrl: x.service_url,
      conversationId: x.conversation_id,
      cardActivityId: x.card_activity_id,
      cardPostKey: x.card_post_key,
      completed: x.completed,
    })),
  };
}

/** All of a tenant's rows in the checklist tables (every column; snake_case keys). */
export async function exportTenantRows(q: Queryable, tenantId: string): Promise<Record<'checklists' | 'checklist_steps' | 'checklist_events' | 'checklist_templates', JsonRow[]>> {
  const rows = async (sql: string) => (await q.query<{ row: JsonRow }>(sql, [tenantId])).rows.map((r) => r.row);
  return {
    checklists: await rows('select to_jsonb(c) as row from checklists c where c.tenant_id = $1 order by c.id'),
    checklist_steps: await rows('select to_jsonb(s) as row from checklist_steps s join checklists c on c.id = s.checklist_id where c.tenant_id = $1 order by s.checklist_id, s.position'),
    checklist_events: await rows('select to_jsonb(e) as row from checklist_events e join checklists c on c.id = e.checklist_id where c.tenant_id = $1 order by e.id'),
    checklist_templates: await rows('select to_jsonb(t) as row from checklist_templates t where t.tenant_id = $1 order by t.id'),
  };
}

/** Deletes all of a tenant's rows in the checklist tables, children first. Rows deleted per table. */
export async function deleteTenantRows(q: Queryable, tenantId: string): Promise<Record<string, number>> {
  const ofTenant = 'checklist_id in (select id from checklists where tenant_id = $1)';
  const views = await q.query(`delete from checklist_views where ${ofTenant}`, [tenantId]);
  const events = await q.query(`delete from checklist_events where ${ofTenant}`, [tenantId]);
  const steps = await q.query(`delete from checklist_steps where ${ofTenant}`, [tenantId]);
  const checklists = await q.query('delete from checklists where tenant_id = $1', [tenantId]);
  const templates = await q.query('delete from checklist_templates where tenant_id = $1', [tenantId]);
  return { checklist_views: views.rowCount ?? 0, checklist_events: events.rowCount ?? 0, checklist_steps: steps.rowCount ?? 0, checklists: checklists.rowCount ?? 0, checklist_templates: templates.rowCount ?? 0 };
}

/** Deletes at most `limit` checklists completed before `cutoff`, with their steps and log (on delete cascade). How many. */
export async function deleteFinishedBefore(q: Queryable, cutoff: Date, limit: number): Promise<number> {
  const r = await q.query(
    `delete from checklists where id in (
       select id from checklists where completed_at < $1 order by completed_at, id limit $2 for update skip locked)`,
    [cutoff, limit],
  );
  return r.rowCount ?? 0;
}
