// The tables of the Teams layer: conversation references (where Cadans can reach a person,
// channel or team proactively) and the welcome claimed per installation. Only this file runs SQL on them.
import type { ConversationReference } from 'botbuilder';
import type { Queryable } from '../db/pool.js';
import type { ReferenceRow, ReferenceScope } from './references.js';

export async function saveReferences(db: Queryable, rows: ReferenceRow[]): Promise<void> {
  if (rows.length === 0) return;
  // One statement for all rows; a row is written only when something changed (or daily).
  await db.query(
    `insert into conversation_refs (tenant_id, scope, key, conversation_id, service_url, team_id, name, reference, active, aad_group_id)
     select r.tenant_id, r.scope, r.key, r.conversation_id, r.service_url, r.team_id, r.name, r.reference, true, r.aad_group_id
       from jsonb_to_recordset($1::jsonb) as r(tenant_id text, scope text, key text, conversation_id text, service_url text, team_id text, name text, reference jsonb, aad_group_id text)
     on conflict (tenant_id, scope, key) do update set
       conversation_id = excluded.conversation_id, service_url = excluded.service_url,
       team_id = coalesce(excluded.team_id, conversation_refs.team_id),
       aad_group_id = coalesce(excluded.aad_group_id, conversation_refs.aad_group_id),
       name = coalesce(excluded.name, conversation_refs.name),
       reference = excluded.reference, active = true, updated_at = now()
     where conversation_refs.service_url is distinct from excluded.service_url
        or conversation_refs.conversation_id is distinct from excluded.conversation_id
        or conversation_refs.active = false
        or (excluded.name is not null and conversation_refs.name is distinct from excluded.name)
        or (excluded.aad_group_id is not null and conversation_refs.aad_group_id is distinct from excluded.aad_group_id)
        or conversation_refs.updated_at < now() - interval '1 day'`,
    [
      JSON.stringify(
        rows.map((r) => ({
          tenant_id: r.tenantId,
          scope: r.scope,
          key: r.key,
          conversation_id: r.conversationId,
          service_url: r.serviceUrl,
          team_id: r.teamId ?? null,
          name: r.name ?? null,
          reference: r.reference,
          aad_group_id: r.aadGroupId ?? null,
        })),
      ),
    ],
  );
}

/** Claims the one welcome of an installation; true only for the first caller. */
export async function claimWelcome(db: Queryable, tenantId: string, scope: ReferenceScope, key: string): Promise<boolean> {
  const r = await db.query(
    `update conversation_refs set welcomed_at = now()
     where tenant_id = $1 and scope = $2 and key = $3 and welcomed_at is null`,
    [tenantId, scope, key],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function releaseWelcome(db: Queryable, tenantId: string, scope: ReferenceScope, key: string): Promise<void> {
  await db.query('update conversation_refs set welcomed_at = null where tenant_id = $1 and scope = $2 and key = $3', [tenantId, scope, key]);
}

/** Uninstall: the references stop being used; a later install welcomes again. */
export async function deactivateReferences(db: Queryable, tenantId: string, scope: ReferenceScope, key: string): Promise<void> {
  if (scope === 'team') {
    await db.query(
      `update conversation_refs set active = false, welcomed_at = null, updated_at = now()
       where tenant_id = $1 and (team_id = $2 or (scope = 'team' and key = $2))`,
      [tenantId, key],
    );
  } else {
    await db.query(
      `update conversation_refs set active = false, welcomed_at = null, updated_at = now()
       where tenant_id = $1 and scope = $2 and key = $3`,
      [tenantId, scope, key],
    );
  }
}

export async function getReference(db: Queryable, tenantId: string, scope: ReferenceScope, key: string): Promise<(ReferenceRow & { active: boolean }) | null> {
  const r = await db.query<{ conversation_id: string; service_url: string; team_id: string | null; name: string | null; reference: Partial<ConversationReference>; active: boolean }>(
    'select conversation_id, service_url, team_id, name, reference, active from conversation_refs where tenant_id = $1 and scope = $2 and key = $3',
    [tenantId, scope, key],
  );
  const row = r.rows[0];
  if (!row) return null;
  return { tenantId, scope, key, conversationId: row.conversation_id, serviceUrl: row.service_url, teamId: row.team_id ?? undefined, name: row.name ?? undefined, reference: row.reference, active: row.active };
}

/** The Entra group id of a team, as remembered from an install event. */
export async function getTeamGroupId(db: Queryable, tenantId: string, teamId: string): Promise<string | null> {
  const r = await db.query<{ aad_group_id: string | null }>("select aad_group_id from conversation_refs where tenant_id = $1 and scope = 'team' and key = $2", [tenantId, teamId]);
  return r.rows[0]?.aad_group_id ?? null;
}

/** The bot account a conversation was addressed to (for a 1:1 conversation created from it), when known. */
export async function getBotIdFor(db: Queryable, tenantId: string, conversationId: string): Promise<string | null> {
  const r = await db.query<{ bot_id: string | null }>(
    "select reference->'bot'->>'id' as bot_id from conversation_refs where tenant_id = $1 and conversation_id = $2 limit 1",
    [tenantId, conversationId],
  );
  return r.rows[0]?.bot_id ?? null;
}

/**
 * Teams said a person or conversation cannot be reached (403: the person blocked the bot, or the app
 * was removed): the references that lead there stop being used, as on uninstall; a later install or
 * message makes them active again. Runs in the outbox's transaction that records the failure.
 */
export async function deactivateUnreachable(q: Queryable, target: { tenantId: string; conversationId: string | null; userId: string | null }): Promise<void> {
  if (target.conversationId) {
    await q.query(
      `update conversation_refs set active = false, welcomed_at = null, updated_at = now()
       where tenant_id = $1 and conversation_id = $2 and active`,
      [target.tenantId, target.conversationId],
    );
  }
  if (target.userId) {
    await q.query(
      `update conversation_refs set active = false, welcomed_at = null, updated_at = now()
       where tenant_id = $1 and scope = 'personal' and active
         and (key = $2 or reference -> 'user' ->> 'id' = $2 or reference -> 'user' ->> 'aadObjectId' = $2)`,
      [target.tenantId, target.userId],
    );
  }
}

/** The names of the teams of a tenant where Cadans is installed (as Teams last named them), by name. */
export async function listInstalledTeams(db: Queryable, tenantId: string, limit = 20): Promise<string[]> {
  const r = await db.query<{ name: string }>(
    "select name from conversation_refs where tenant_id = $1 and scope = 'team' and active and coalesce(name, '') <> '' order by lower(name) limit $2",
    [tenantId, limit],
  );
  return r.rows.map((x) => x.name);
}

/** The 1:1 conversations Cadans has with these people (active ones), by Entra object id. */
export async function getPersonalConversations(db: Queryable, tenantId: string, aadObjectIds: readonly string[]): Promise<Map<string, { conversationId: string; serviceUrl: string }>> {
  const out = new Map<string, { conversationId: string; serviceUrl: string }>();
  if (aadObjectIds.length === 0) return out;
  const r = await db.query<{ key: string; conversation_id: string; service_url: string }>(
    "select key, conversation_id, service_url from conversation_refs where tenant_id = $1 and scope = 'personal' and key = any($2::text[]) and active",
    [tenantId, aadObjectIds],
  );
  for (const x of r.rows) out.set(x.key, { conversationId: x.conversation_id, serviceUrl: x.service_url });
  return out;
}

/** A channel's name as Teams last told it (null when unknown). */
export async function getChannelName(db: Queryable, tenantId: string, conversationId: string): Promise<string | null> {
  const r = await db.query<{ name: string | null }>("select name from conversation_refs where tenant_id = $1 and scope = 'channel' and key = $2", [tenantId, conversationId]);
  return r.rows[0]?.name ?? null;
}

/** A connector address of the tenant: the most recently updated active conversation's (for 1:1 chats created from nothing). */
export async function getTenantServiceUrl(db: Queryable, tenantId: string): Promise<string | null> {
  const r = await db.query<{ service_url: string }>('select service_url from conversation_refs where tenant_id = $1 and active order by updated_at desc limit 1', [tenantId]);
  return r.rows[0]?.service_url ?? null;
}

/** Tenants where Cadans is installed somewhere (an active conversation), in id order: the daily sweeps go through them in pages. */
export async function listActiveTenants(db: Queryable, afterId: string | null, limit: number): Promise<string[]> {
  const r = await db.query<{ tenant_id: string }>(
    'select distinct tenant_id from conversation_refs where active and ($1::text is null or tenant_id > $1) order by tenant_id limit $2',
    [afterId, limit],
  );
  return r.rows.map((x) => x.tenant_id);
}

/** Whether Cadans is still installed anywhere in a tenant (a team, a group chat, someone's personal scope). */
export async function hasActiveInstallation(db: Queryable, tenantId: string): Promise<boolean> {
  const r = await db.query('select 1 from conversation_refs where tenant_id = $1 and active limit 1', [tenantId]);
  return (r.rowCount ?? 0) > 0;
}

// ---------------------------------------------------------------------------------------------
// Privacy (docs/privacy.md): a person's references exported and erased, a tenant's deleted, retention
// ---------------------------------------------------------------------------------------------

export interface ExportedReference {
  scope: ReferenceScope;
  key: string;
  conversationId: string;
  teamId: string | null;
  name: string | null;
  reference: Partial<ConversationReference>;
  active: boolean;
  welcomedAt: Date | null;
  updatedAt: Date;
}

interface RefRow {
  scope: ReferenceScope;
  key: string;
  conversation_id: string;
  team_id: string | null;
  name: string | null;
  reference: Partial<ConversationReference>;
  active: boolean;
  welcomed_at: Date | null;
  updated_at: Date;
}
const REF_COLUMNS = 'scope, key, conversation_id, team_id, name, reference, active, welcomed_at, updated_at';
const toExportedReference = (r: RefRow): ExportedReference => ({
  scope: r.scope,
  key: r.key,
  conversationId: r.conversation_id,
  teamId: r.team_id,
  name: r.name,
  reference: r.reference,
  active: r.active,
  welcomedAt: r.welcomed_at,
  updatedAt: r.updated_at,
});
const PERSONAL_OF = `scope = 'personal' and (key = $2 or reference -> 'user' ->> 'aadObjectId' = $2)`;

/** A person's personal references (their 1:1 chat with Cadans): how the outbox finds messages to them. */
export async function personalReferencesOf(q: Queryable, tenantId: string, aadObjectId: string): Promise<ExportedReference[]> {
  const r = await q.query<RefRow>(`select ${REF_COLUMNS} from conversation_refs where tenant_id = $1 and ${PERSONAL_OF} order by key`, [tenantId, aadObjectId]);
  return r.rows.map(toExportedReference);
}

/** References (other than personal ones) whose name or stored reference may hold one of the lower-case LIKE patterns. */
export async function referencesMatching(q: Queryable, tenantId: string, patterns: readonly string[]): Promise<ExportedReference[]> {
  if (patterns.length === 0) return [];
  const r = await q.query<RefRow>(
    `select ${REF_COLUMNS} from conversation_refs
     where tenant_id = $1 and (lower(reference::text) like any($2::text[]) or lower(coalesce(name, '')) like any($2::text[]))
     order by scope, key`,
    [tenantId, patterns],
  );
  return r.rows.map(toExportedReference);
}

export async function deletePersonalReferences(q: Queryable, tenantId: string, aadObjectId: string): Promise<number> {
  const r = await q.query(`delete from conversation_refs where tenant_id = $1 and ${PERSONAL_OF}`, [tenantId, aadObjectId]);
  return r.rowCount ?? 0;
}

/** Writes a reference's name and stored reference back (an erased person's name and ids replaced). */
export async function rewriteReference(q: Queryable, tenantId: string, scope: ReferenceScope, key: string, name: string | null, reference: Partial<ConversationReference>): Promise<number> {
  const r = await q.query('update conversation_refs set name = $4, reference = $5::jsonb where tenant_id = $1 and scope = $2 and key = $3', [tenantId, scope, key, name, JSON.stringify(reference)]);
  return r.rowCount ?? 0;
}

export async function tenantReferences(q: Queryable, tenantId: string): Promise<ExportedReference[]> {
  const r = await q.query<RefRow>(`select ${REF_COLUMNS} from conversation_refs where tenant_id = $1 order by scope, key`, [tenantId]);
  return r.rows.map(toExportedReference);
}

export async function deleteTenantReferences(q: Queryable, tenantId: string): Promise<number> {
  const r = await q.query('delete from conversation_refs where tenant_id = $1', [tenantId]);
  return r.rowCount ?? 0;
}

/** Retention: references of uninstalled places (inactive since before `before`), at most `limit`. */
export async function deleteInactiveReferencesBefore(q: Queryable, before: Date, limit: number): Promise<number> {
  const r = await q.query(
    `delete from conversation_refs where ctid in (
       select ctid from conversation_refs where not active and updated_at < $1 limit $2)`,
    [before, limit],
  );
  return r.rowCount ?? 0;
}
