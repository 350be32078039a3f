// Who can be picked in a card: the roster of the team or chat the action came from (the connector's
// paged members, or Microsoft Graph when configured), plus the people Cadans already knows.
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import type { Graph } from '../graph/index.js';
import type { Directory, Member } from '../routes.js';
import { toConversationKind, toTeamInfo, toTenantId } from './actor.js';
import { getTeamGroupId } from './store.js';
import { TtlCache } from '../cache.js';

const MAX_MEMBERS = 5_000;
/** A roster is read again after this long; a pick not in it makes an earlier read. */
const ROSTER_TTL_MS = 60_000;
const byName = new Intl.Collator('nl');

/**
 * A roster is read again early (someone picked is not in it, a typeahead found nobody) at most this
 * often per team and instance, whatever is typed: every keystroke of a search for nobody would
 * otherwise read the whole roster again.
 */
export const ROSTER_REREAD_INTERVAL_MS = 30_000;

/** Rosters per tenant and team (or chat), shared by the turns of one instance. */
export interface RosterCache extends TtlCache<Promise<Member[]>> {
  /** When each roster was last read (its key), for ROSTER_REREAD_INTERVAL_MS. */
  readonly lastReads: TtlCache<true>;
}

export function createRosterCache(options: { now?: () => number } = {}): RosterCache {
  // Bounded by count: a roster can hold thousands of people, and expired entries wait for eviction.
  const rosters = new TtlCache<Promise<Member[]>>({ ttlMs: ROSTER_TTL_MS, max: 100, now: options.now });
  return Object.assign(rosters, { lastReads: new TtlCache<true>({ ttlMs: ROSTER_REREAD_INTERVAL_MS, max: 1_000, now: options.now }) });
}

/** Entra object ids of a team's members, per tenant and team, shared by the turns of one instance. */
export type MembershipCache = TtlCache<Promise<ReadonlySet<string>>>;

export function createMembershipCache(): MembershipCache {
  return new TtlCache<Promise<ReadonlySet<string>>>({ ttlMs: ROSTER_TTL_MS, max: 200 });
}

/** A team's members by Entra object id: Microsoft Graph when configured, else the connector. */
async function teamMembers(context: TurnContext, deps: { db: Db; graph?: Graph | null }, tenantId: string, teamId: string): Promise<ReadonlySet<string>> {
  const groupId = deps.graph ? ((await getTeamGroupId(deps.db, tenantId, teamId)) ?? null) : null;
  if (deps.graph && groupId) return new Set((await deps.graph.listTeamMembers(groupId)).map((m) => m.aadObjectId));
  const out = new Set<string>();
  let token: string | undefined;
  do {
    const page = await TeamsInfo.getPagedTeamMembers(context, teamId, 500, token);
    for (const m of page.members) if (m.aadObjectId) out.add(m.aadObjectId);
    token = page.continuationToken || undefined;
  } while (token && out.size < MAX_MEMBERS);
  return out;
}

async function rosterViaConnector(context: TurnContext): Promise<Member[]> {
  const out: Member[] = [];
  let token: string | undefined;
  do {
    const page = await TeamsInfo.getPagedMembers(context, 500, token);
    for (const m of page.members) {
      if (m.aadObjectId) out.push({ aadObjectId: m.aadObjectId, name: m.name ?? '', email: m.email ?? undefined });
    }
    token = page.continuationToken || undefined;
  } while (token && out.length < MAX_MEMBERS);
  return out;
}

/** Teams names a team's Entra group on install events only: remembered, or asked of the connector. */
async function teamGroupId(context: TurnContext, db: Db): Promise<string | null> {
  const team = toTeamInfo(context.activity);
  if (team.aadGroupId) return team.aadGroupId;
  const tenantId = toTenantId(context.activity);
  if (!team.teamId || !tenantId) return null;
  return (await getTeamGroupId(db, tenantId, team.teamId)) ?? (await TeamsInfo.getTeamDetails(context)).aadGroupId ?? null;
}

export interface DirectoryDeps {
  db: Db;
  log: Logger;
  graph?: Graph | null;
  rosters?: RosterCache;
  memberships?: MembershipCache;
  /** People Cadans knows in a tenant (the people feature's), offered beside the roster. */
  knownPeople(tenantId: string, limit: number): Promise<{ aadObjectId: string; name: string }[]>;
}

export function createDirectory(context: TurnContext, deps: DirectoryDeps): Directory {
  const rosters = deps.rosters ?? createRosterCache();
  const memberships = deps.memberships ?? createMembershipCache();
  async function load(): Promise<Member[]> {
    rosters.lastReads.set(key(), true);
    const a = context.activity;
    const tenantId = toTenantId(a);
    const byId = new Map<string, Member>();
    if (toConversationKind(a) !== 'personal') {
      try {
        for (const m of await readRoster()) byId.set(m.aadObjectId, m);
      } catch (err) {
        deps.log.warn({ err, conversation: a.conversation?.id }, 'could not read the roster; offering known people only');
      }
    }
    if (tenantId) {
      for (const p of await deps.knownPeople(tenantId, 1_000)) if (!byId.has(p.aadObjectId)) byId.set(p.aadObjectId, p);
    }
    return [...byId.values()].filter((m) => m.name).sort((x, y) => byName.compare(x.name, y.name));
  }
  /** The members of the team (or group chat) the activity came from: Graph when configured, else the connector. */
  async function readRoster(): Promise<Member[]> {
    const groupId = deps.graph ? await teamGroupId(context, deps.db) : null;
    return deps.graph && groupId
      ? (await deps.graph.listTeamMembers(groupId)).map((m) => ({ aadObjectId: m.aadObjectId, name: m.displayName, email: m.email }))
      : rosterViaConnector(context);
  }
  function key(): string {
    const a = context.activity;
    const kind = toConversationKind(a);
    const where = kind === 'personal' ? '' : kind === 'channel' ? (toTeamInfo(a).teamId ?? a.conversation.id) : a.conversation.id;
    return [toTenantId(a) ?? '', kind, where].join('\u0000');
  }
  // At most one fresh read per turn, however often the turn asks for one. A search (listMembers
  // with fresh: the typeahead, once per keystroke) reads again only when this roster was read more
  // than ROSTER_REREAD_INTERVAL_MS ago; a pick of someone not in the roster (findMember: a person
  // who joined a moment ago) always does.
  let fresh: Promise<Member[]> | null = null;
  function reload(throttled: boolean): Promise<Member[]> {
    if (!fresh) {
      if (!throttled || !rosters.lastReads.get(key())) rosters.delete(key());
      fresh = rosters.share(key(), load);
    }
    return fresh;
  }
  return {
    async teamRoster() {
      if (toConversationKind(context.activity) === 'personal') return [];
      return readRoster();
    },
    listMembers(options) {
      return options?.fresh ? reload(true) : rosters.share(key(), load);
    },
    async isTeamMember(teamId, aadObjectId) {
      const tenantId = toTenantId(context.activity);
      if (!tenantId) return false;
      try {
        const members = await memberships.share(`${tenantId}\u0000${teamId}`, () => teamMembers(context, deps, tenantId, teamId));
        return members.has(aadObjectId);
      } catch (err) {
        // The bot left the team, or Teams did not answer: nobody is let in on a roster not read.
        deps.log.warn({ err, team: teamId }, 'could not read a team roster for an access check');
        return false;
      }
    },
    async findMember(aadObjectId) {
      const cached = rosters.get(key())?.value;
      const hit = cached ? (await cached).find((m) => m.aadObjectId === aadObjectId) : undefined;
      return hit ?? (await reload(false)).find((m) => m.aadObjectId === aadObjectId);
    },
  };
}
