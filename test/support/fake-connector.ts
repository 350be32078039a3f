/**
 * A local stand-in for the Microsoft Teams Bot Framework connector (smba.trafficmanager.net):
 * a node:http server on 127.0.0.1 that answers the connector v3 REST calls botbuilder makes,
 * records every request, and can inject failures, enforce Teams' documented rate limits and the
 * bot message size limit.
 *
 * See docs/testing-fakes.md for usage and for where each limit comes from.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  baseConversationId,
  botAppIdOf,
  newMessageId,
  personalConversationId,
  type TeamsRosterMember,
} from './teams-activities.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** Which connector operation a request was. */
export type ConnectorOperation =
  | 'createConversation'
  | 'getConversations'
  | 'sendToConversation'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'getConversationMembers'
  | 'getConversationMember'
  | 'getConversationPagedMembers'
  | 'getActivityMembers'
  | 'getTeamDetails'
  | 'getTeamChannels'
  | 'unknown';

/** One recorded HTTP request with the answer the fake gave. */
export interface ConnectorRecord {
  /** Arrival order (1-based). `records` is in completion order, which equals arrival order unless latency varies. */
  seq: number;
  method: string;
  /** Request path as received (still URL-encoded, without the query string), e.g. `/amer/v3/conversations/19%3A…/activities`. */
  path: string;
  /** Parsed query string. */
  query: Record<string, string>;
  operation: ConnectorOperation;
  /** Decoded conversation id from the path (for team calls: the team id). */
  conversationId?: string;
  /**
   * The activity this request is about: for send/reply the id the fake assigned (absent when it
   * failed); for update/delete the id in the path; for createConversation the id of the initial
   * activity (when one was posted).
   */
  activityId?: string;
  /** For replies: the activity id in the path (what the bot replied to). */
  replyToId?: string;
  /** Decoded member id from `/members/{memberId}`. */
  memberId?: string;
  /** Parsed JSON body (or the raw text when it was not JSON; `undefined` when empty). */
  body: any;
  status: number;
  /** What the fake answered (parsed JSON), `undefined` for empty bodies. */
  response: any;
  /** Whether an `Authorization` header was present (the fake never requires one). */
  hasAuthorization: boolean;
  authorization?: string;
  /** Set when `failNext` produced this answer. */
  injected?: boolean;
  /** Set when the answer was a 429 from `enforceRateLimits` / `tenantLimitPerSecond`. */
  rateLimited?: boolean;
  /** `Retry-After` header value sent with the answer, if any. */
  retryAfterSeconds?: number;
  /** Epoch ms when the request arrived. */
  at: number;
  /** Epoch ms when the answer was sent. */
  completedAt: number;
}

/** A message the bot delivered and that is still present (updates applied, deletions removed). */
export interface DeliveredMessage {
  conversationId: string;
  activityId: string;
  /** Latest version of the activity (after updates). */
  activity: any;
  /** How many successful updates it received. */
  updates: number;
  /** The record of the original send / reply / createConversation. */
  record: ConnectorRecord;
}

export interface FailNextRule {
  /** HTTP method to match (case-insensitive). Default: any. */
  method?: string;
  /** Substring of the decoded request path to match. Default: any. */
  pathIncludes?: string;
  /** Operation to match. Default: any. */
  operation?: ConnectorOperation;
  /** Conversation id to match (compared without `;messageid=`). */
  conversationId?: string;
  /** Status to answer with, e.g. 429, 412, 500, 502, 503, 403, 404. */
  status: number;
  /** Adds `Retry-After: <n>` to the answer. */
  retryAfterSeconds?: number;
  /** How many matching requests to fail. Default 1. */
  times?: number;
  /** Error body to answer with. Default: a Teams-style `{ error: { code, message } }` for the status. */
  body?: unknown;
}

export interface FakeConnectorOptions {
  /** First path segment of `serviceUrl`, like Teams' `/amer/`, `/emea/`, `/teams/`. Default 'amer'. */
  region?: string;
  /** Bot id used when a createConversation body carries no `bot`. Default: none (the body's `bot` is used). */
  botId?: string;
  /** AAD tenant id put on roster entries that have none. */
  tenantId?: string;
  /**
   * Apply Teams' per-bot-per-thread limits and the per-thread limit of all bots together (see
   * docs/testing-fakes.md), to sends, replies in a turn, card updates and creates. Default true:
   * a test that needs them off says so with `enforceRateLimits: false`.
   */
  enforceRateLimits?: boolean;
  /**
   * `Retry-After` on rate-limit 429s: 'computed' (seconds until the window frees up, the default),
   * 'none' (no header), or a fixed number of seconds.
   */
  rateLimitRetryAfter?: 'computed' | 'none' | number;
  /** Count message updates (PUT) against the send limits. Default true (Teams throttles updates too). */
  countUpdatesAsSends?: boolean;
  /**
   * Per app per tenant: requests per second across all conversations of one tenant (Teams documents
   * 50). The tenant is read from the request (`channelData.tenant.id`, `conversation.tenantId`,
   * `tenantId`); requests that carry none share one budget. Default 50; `false` turns it off.
   */
  tenantLimitPerSecond?: number | false;
  /** Delay every answer by this many ms (or by what the function returns). Default 0. */
  latencyMs?: number | ((req: { method: string; operation: ConnectorOperation; path: string }) => number);
  /**
   * Teams' bot message size limit, counted as the UTF-16 size of the activity JSON without
   * base64 data URIs. Answer 413 `MessageSizeTooBig` above it. Default 102400 (100 KB); `false` disables.
   */
  maxMessageBytes?: number | false;
  /** Page size bounds for `pagedmembers` (Teams: below 50 is treated as 50, above 500 capped). */
  pageSize?: { min?: number; max?: number; default?: number };
  /** Answer a 1:1 create-conversation without a tenant id with 400. Default true. (Channel posts need none.) */
  requireTenantId?: boolean;
  /** Clock for rate limiting (ms). Default `Date.now`. */
  now?: () => number;
}

/** What a held request looked like when it arrived (see `FakeConnector.hold`). */
export interface HeldRequest {
  method: string;
  operation: ConnectorOperation;
  conversationId?: string;
  path: string;
  body: any;
}

export interface Hold {
  /** Resolves when a matching request has arrived (and is being held, unanswered). */
  readonly arrived: Promise<HeldRequest>;
  /** Lets the held request (and any later match of this hold) be answered. */
  release(): void;
}

export interface TeamInput {
  name: string;
  aadGroupId?: string;
  /** Channels; the General channel (id = team id, name null) is added when missing. */
  channels?: Array<{ id: string; name?: string | null }>;
  /** Team roster (same as `setMembers(teamId, members)`). */
  members?: Array<Partial<TeamsRosterMember> & { name: string }>;
}

export interface WaitForOptions {
  /** Default 2000 ms. */
  timeoutMs?: number;
  /** Only consider records with `seq > since` (use `connector.mark()`). Default 0: all, including ones already received. */
  since?: number;
  /** Describes what is awaited, for the timeout message. */
  description?: string;
}

export interface FakeConnector {
  /** Put this in activities' `serviceUrl`, e.g. `http://127.0.0.1:41234/amer/`. */
  readonly serviceUrl: string;
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request, in order. */
  readonly records: readonly ConnectorRecord[];
  /** Number of 429s produced by `enforceRateLimits` / `tenantLimitPerSecond` (not by `failNext`). */
  readonly rateLimitViolations: number;
  /** TCP connections opened since start (or `reset`): what a bot pays in handshakes against Teams. */
  readonly connections: number;

  /** Successful (2xx) POSTs of activities: sends and replies. */
  sent(conversationId?: string): ConnectorRecord[];
  /** Successful (2xx) PUT updates. */
  updates(conversationId?: string): ConnectorRecord[];
  /** Successful (2xx) DELETEs. */
  deletes(conversationId?: string): ConnectorRecord[];
  /** Successful (2xx) create-conversation calls. */
  created(): ConnectorRecord[];
  /**
   * Messages currently present, in send order: sends, replies and createConversation's initial
   * activity, with updates applied and deleted ones removed. Filter by conversation (the thread
   * suffix `;messageid=` is ignored when matching).
   */
  messages(conversationId?: string): DeliveredMessage[];
  /** The current version of an activity the bot sent. */
  activity(activityId: string): DeliveredMessage | undefined;

  /** Replaces the roster of a conversation or team (ids `29:…` are generated when missing). */
  setMembers(conversationOrTeamId: string, members: Array<Partial<TeamsRosterMember> & { name: string }>): TeamsRosterMember[];
  /** Registers a team and its channels (for team details, channel list, and roster lookup via channel ids). */
  addTeam(teamId: string, team: TeamInput): void;
  /** Makes an activity id known (e.g. a card sent before the fake started) so PUT/DELETE accept it. */
  registerActivity(conversationId: string, activityId: string, activity?: unknown): void;
  /**
   * Answers every further send/update/create to this conversation with 403, as Teams does after
   * the app was uninstalled or the user blocked the bot. `unblockConversation` undoes it.
   */
  blockConversation(conversationId: string, opts?: { status?: number; code?: string; message?: string }): void;
  unblockConversation(conversationId: string): void;

  /**
   * Holds the next request matching `predicate` unanswered until `release()`: a turn whose reply or
   * update is held is truly in flight. Only the first match is held.
   */
  hold(predicate: (r: HeldRequest) => boolean): Hold;

  /** Fails the next matching request(s) with the given status. Rules are checked in the order added. */
  failNext(rule: FailNextRule): void;
  /** Current record count; pass as `since` to `waitFor` to only wait for later requests. */
  mark(): number;
  /** Resolves with the first record matching `predicate` (already received ones count unless `since` is given). */
  waitFor(predicate: (r: ConnectorRecord) => boolean, opts?: WaitForOptions): Promise<ConnectorRecord>;
  /** Waits until `count` successful sends/replies (optionally to one conversation) have arrived since `since`. */
  waitForSent(count?: number, opts?: WaitForOptions & { conversationId?: string }): Promise<ConnectorRecord[]>;

  /** `activityText` / `cardOf` bound for convenience (see the standalone functions). */
  activityText(recordOrActivity: unknown): string;
  cardOf(recordOrActivity: unknown): any;

  /**
   * Clears records, fault rules, rate-limit state, counters, blocks and delivered messages.
   * Teams, rosters and created conversations are kept unless `{ all: true }`.
   */
  reset(opts?: { all?: boolean }): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Teams limits (see docs/testing-fakes.md for sources)
// ---------------------------------------------------------------------------------------------

interface RateWindow {
  seconds: number;
  max: number;
}

/** Per bot per thread: "Send to conversation" and "Create conversation". */
export const TEAMS_SEND_LIMITS: readonly RateWindow[] = [
  { seconds: 1, max: 7 },
  { seconds: 2, max: 8 },
  { seconds: 30, max: 60 },
  { seconds: 3600, max: 1800 },
];
/** Per bot per thread: "Get conversation members" and "Get conversations". */
export const TEAMS_READ_LIMITS: readonly RateWindow[] = [
  { seconds: 1, max: 14 },
  { seconds: 2, max: 16 },
  { seconds: 30, max: 120 },
  { seconds: 3600, max: 3600 },
];
/** Per thread, all bots together: send, reply, update. */
export const TEAMS_THREAD_ALL_BOTS_LIMITS: readonly RateWindow[] = [
  { seconds: 1, max: 14 },
  { seconds: 2, max: 16 },
];
/** Per app per tenant, requests per second (Microsoft Learn, "Rate limiting for agents"). */
export const TEAMS_TENANT_LIMIT_PER_SECOND = 50;
/** Teams' documented bot message size limit (UTF-16 bytes). */
export const TEAMS_MAX_MESSAGE_BYTES = 100 * 1024;

type Bucket = 'send' | 'create' | 'members' | 'conversations';

// ---------------------------------------------------------------------------------------------
// Card / text helpers
// ---------------------------------------------------------------------------------------------

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

function activityFrom(x: unknown): any {
  if (!x || typeof x !== 'object') return undefined;
  const r = x as Record<string, unknown>;
  // A ConnectorRecord: the activity is the body (createConversation: body.activity).
  if (typeof r.seq === 'number' && 'operation' in r) {
    const body = r.body as Record<string, unknown> | undefined;
    if (r.operation === 'createConversation') return body?.activity;
    return body;
  }
  // A DeliveredMessage.
  if ('activity' in r && 'activityId' in r && 'record' in r) return r.activity;
  return x;
}

/** All Adaptive Card contents attached to an activity / record / delivered message. */
export function cardsOf(recordOrActivity: unknown): any[] {
  const a = activityFrom(recordOrActivity);
  const atts: unknown[] = Array.isArray(a?.attachments) ? a.attachments : [];
  const cards: any[] = [];
  for (const att of atts) {
    const at = att as { contentType?: string; content?: unknown };
    if (at?.contentType === ADAPTIVE_CARD) {
      cards.push(typeof at.content === 'string' ? safeJson(at.content) : at.content);
    }
  }
  return cards;
}

/** The first Adaptive Card content of an activity / record, or `undefined`. */
export function cardOf(recordOrActivity: unknown): any {
  return cardsOf(recordOrActivity)[0];
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function collectCardText(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectCardText(n, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  switch (n.type) {
    case 'TextBlock':
      if (typeof n.text === 'string') out.push(n.text);
      break;
    case 'TextRun':
      if (typeof n.text === 'string') out.push(n.text);
      break;
    case 'RichTextBlock':
      for (const inline of (n.inlines as unknown[]) ?? []) {
        if (typeof inline === 'string') out.push(inline);
        else collectCardText(inline, out);
      }
      return;
    case 'FactSet':
      for (const f of (n.facts as Array<{ title?: string; value?: string }>) ?? []) {
        out.push(`${f.title ?? ''} ${f.value ?? ''}`.trim());
      }
      return;
    default:
      if (typeof n.type === 'string' && n.type.startsWith('Action.') && typeof n.title === 'string') out.push(n.title);
      if (n.type === 'Input.Toggle' && typeof n.title === 'string') out.push(n.title);
      if (n.type === 'Input.ChoiceSet') {
        for (const c of (n.choices as Array<{ title?: string }>) ?? []) if (c.title) out.push(c.title);
      }
      if (typeof n.type === 'string' && n.type.startsWith('Input.') && typeof n.label === 'string') out.push(n.label);
  }
  for (const key of ['body', 'items', 'columns', 'actions', 'card', 'inlineAction', 'rows', 'cells']) {
    if (key in n) collectCardText(n[key], out);
  }
  // Column sets nest `items` inside columns; handled via 'columns' -> 'items'.
}

/**
 * Visible text of an activity / record / delivered message: `text`, then every Adaptive Card's
 * TextBlocks, RichTextBlock runs, FactSet entries, input labels and action titles, one per line.
 */
export function activityText(recordOrActivity: unknown): string {
  const a = activityFrom(recordOrActivity);
  if (!a) return '';
  const out: string[] = [];
  if (typeof a.text === 'string' && a.text.length > 0) out.push(a.text);
  if (typeof a.summary === 'string' && a.summary.length > 0 && out.length === 0) out.push(a.summary);
  for (const card of cardsOf(a)) collectCardText(card, out);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------------

interface Route {
  operation: ConnectorOperation;
  conversationId?: string;
  activityId?: string;
  memberId?: string;
  teamId?: string;
}

function parseRoute(method: string, rawPath: string): Route {
  const rawSegments = rawPath.split('/').filter((s) => s.length > 0);
  const v3 = rawSegments.indexOf('v3');
  if (v3 === -1) return { operation: 'unknown' };
  let seg: string[];
  try {
    seg = rawSegments.slice(v3 + 1).map((s) => decodeURIComponent(s));
  } catch {
    return { operation: 'unknown' };
  }
  const [a, b, c, d, e] = seg;
  const n = seg.length;
  if (a === 'conversations') {
    if (n === 1) {
      if (method === 'POST') return { operation: 'createConversation' };
      if (method === 'GET') return { operation: 'getConversations' };
      return { operation: 'unknown' };
    }
    const conversationId = b as string;
    if (c === 'activities') {
      if (n === 3 && method === 'POST') return { operation: 'sendToConversation', conversationId };
      if (n === 4) {
        if (d === 'history') return { operation: 'unknown', conversationId };
        if (method === 'POST') return { operation: 'replyToActivity', conversationId, activityId: d as string };
        if (method === 'PUT') return { operation: 'updateActivity', conversationId, activityId: d as string };
        if (method === 'DELETE') return { operation: 'deleteActivity', conversationId, activityId: d as string };
      }
      if (n === 5 && e === 'members' && method === 'GET') {
        return { operation: 'getActivityMembers', conversationId, activityId: d as string };
      }
      return { operation: 'unknown', conversationId };
    }
    if (c === 'members' && method === 'GET') {
      if (n === 3) return { operation: 'getConversationMembers', conversationId };
      if (n === 4) return { operation: 'getConversationMember', conversationId, memberId: d as string };
    }
    if (c === 'pagedmembers' && n === 3 && method === 'GET') {
      return { operation: 'getConversationPagedMembers', conversationId };
    }
    return { operation: 'unknown', conversationId };
  }
  if (a === 'teams' && b !== undefined && method === 'GET') {
    if (n === 2) return { operation: 'getTeamDetails', teamId: b, conversationId: b };
    if (n === 3 && c === 'conversations') return { operation: 'getTeamChannels', teamId: b, conversationId: b };
  }
  return { operation: 'unknown' };
}

function errorBody(status: number, code?: string, message?: string): { error: { code: string; message: string } } {
  const defaults: Record<number, [string, string]> = {
    400: ['BadArgument', 'Bad request.'],
    401: ['Unauthorized', 'Authorization has been denied for this request.'],
    403: ['BotNotInConversationRoster', 'The bot is not part of the conversation roster.'],
    404: ['NotFound', 'Not found.'],
    412: ['PreconditionFailed', 'Precondition failed.'],
    413: ['MessageSizeTooBig', 'Message size too large.'],
    429: ['Throttled', 'Too many requests.'],
    500: ['ServiceError', 'Unknown'],
    502: ['BadGateway', 'Bad gateway.'],
    503: ['ServiceUnavailable', 'Service unavailable.'],
    504: ['GatewayTimeout', 'Gateway timeout.'],
  };
  const [dc, dm] = defaults[status] ?? ['ServiceError', `Status ${status}`];
  return { error: { code: code ?? dc, message: message ?? dm } };
}

/** UTF-16 size of the message payload, base64 data URIs excluded (Teams does not count them). */
export function teamsMessageSize(activity: unknown): number {
  const json = JSON.stringify(activity ?? null).replace(/data:[^;,"]*;base64,[A-Za-z0-9+/=]+/g, 'data:');
  return json.length * 2;
}

function describe(r: ConnectorRecord): string {
  const text = activityText(r).replace(/\s+/g, ' ').slice(0, 60);
  const conv = r.conversationId ? ` conv=${r.conversationId.slice(0, 40)}` : '';
  return `#${r.seq} ${r.method} ${r.operation}${conv} -> ${r.status}${r.activityId ? ` id=${r.activityId}` : ''}${text ? ` "${text}"` : ''}`;
}

function isOk(r: ConnectorRecord): boolean {
  return r.status >= 200 && r.status < 300;
}

function sameConversation(a: string | undefined, b: string): boolean {
  return a !== undefined && (a === b || baseConversationId(a) === baseConversationId(b));
}

interface StoredActivity {
  conversationId: string;
  activityId: string;
  activity: unknown;
  updates: number;
  record?: ConnectorRecord;
  deleted: boolean;
}

interface Team {
  id: string;
  name: string;
  aadGroupId?: string;
  channels: Array<{ id: string; name: string | null }>;
}

export async function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const region = (options.region ?? 'amer').replace(/^\/+|\/+$/g, '');
  const now = options.now ?? Date.now;
  const maxBytes = options.maxMessageBytes === undefined ? TEAMS_MAX_MESSAGE_BYTES : options.maxMessageBytes;
  const pageMin = options.pageSize?.min ?? 50;
  const pageMax = options.pageSize?.max ?? 500;
  const pageDefault = options.pageSize?.default ?? 200;
  const countUpdates = options.countUpdatesAsSends ?? true;
  const requireTenant = options.requireTenantId ?? true;

  const records: ConnectorRecord[] = [];
  let seq = 0;
  let violations = 0;
  const faults: Array<FailNextRule & { remaining: number }> = [];
  const rateLog = new Map<string, number[]>(); // `${bucket}|${key}` -> timestamps (ms)
  const tenantLogs = new Map<string, number[]>(); // tenant -> timestamps (ms)
  const enforce = options.enforceRateLimits ?? true;
  const tenantLimit = options.tenantLimitPerSecond === undefined ? TEAMS_TENANT_LIMIT_PER_SECOND : options.tenantLimitPerSecond;
  const holds: Array<{ test: (r: HeldRequest) => boolean; arrived: (r: HeldRequest) => void; released: Promise<void>; release: () => void; used: boolean }> = [];
  const activities = new Map<string, StoredActivity>(); // activityId -> stored
  const rosters = new Map<string, TeamsRosterMember[]>();
  const teams = new Map<string, Team>();
  const conversations = new Map<string, { id: string; isGroup: boolean; members: TeamsRosterMember[] }>();
  const conversationTenants = new Map<string, string>(); // base conversation id -> tenant seen on it
  const blocked = new Map<string, { status: number; code?: string; message?: string }>();
  const waiters = new Set<{ test: (r: ConnectorRecord) => boolean; resolve: (r: ConnectorRecord) => void }>();
  let memberCounter = 0;

  function normalizeMember(m: Partial<TeamsRosterMember> & { name: string }): TeamsRosterMember {
    const aad = m.aadObjectId ?? m.objectId;
    const id = m.id ?? `29:1fake${String(++memberCounter).padStart(6, '0')}`;
    const out: TeamsRosterMember = {
      id,
      name: m.name,
      ...(aad ? { objectId: aad, aadObjectId: aad } : {}),
      ...(m.givenName !== undefined ? { givenName: m.givenName } : {}),
      ...(m.surname !== undefined ? { surname: m.surname } : {}),
      ...(m.email !== undefined ? { email: m.email } : {}),
      ...(m.userPrincipalName !== undefined ? { userPrincipalName: m.userPrincipalName } : {}),
      tenantId: m.tenantId ?? options.tenantId ?? '',
      userRole: m.userRole ?? 'user',
    };
    if (!out.tenantId) delete out.tenantId;
    return out;
  }

  /** Every roster member the fake knows (for resolving AAD ids / UPNs to `29:` ids). */
  function directory(): TeamsRosterMember[] {
    const all: TeamsRosterMember[] = [];
    for (const r of rosters.values()) all.push(...r);
    for (const c of conversations.values()) all.push(...c.members);
    return all;
  }

  function memberMatches(m: TeamsRosterMember, key: string): boolean {
    const k = key.toLowerCase();
    return (
      m.id === key ||
      m.aadObjectId?.toLowerCase() === k ||
      m.objectId?.toLowerCase() === k ||
      m.userPrincipalName?.toLowerCase() === k ||
      m.email?.toLowerCase() === k
    );
  }

  function teamOfChannel(channelId: string): Team | undefined {
    for (const t of teams.values()) {
      if (t.id === channelId || t.channels.some((c) => c.id === channelId)) return t;
    }
    return undefined;
  }

  function rosterFor(conversationId: string): TeamsRosterMember[] | undefined {
    const direct = rosters.get(conversationId);
    if (direct) return direct;
    const base = baseConversationId(conversationId);
    const byBase = rosters.get(base);
    if (byBase) return byBase;
    const conv = conversations.get(conversationId) ?? conversations.get(base);
    if (conv && conv.members.length > 0) return conv.members;
    const team = teamOfChannel(base);
    if (team) return rosters.get(team.id);
    return undefined;
  }

  // ---- rate limiting -------------------------------------------------------------------------

  function bucketOf(route: Route, body: any): { bucket: Bucket; key: string } | undefined {
    switch (route.operation) {
      case 'sendToConversation':
      case 'replyToActivity':
        return { bucket: 'send', key: baseConversationId(route.conversationId ?? '') };
      case 'updateActivity':
        return countUpdates ? { bucket: 'send', key: baseConversationId(route.conversationId ?? '') } : undefined;
      case 'createConversation':
        return { bucket: 'create', key: createKey(body) };
      case 'getConversationMembers':
      case 'getConversationMember':
      case 'getConversationPagedMembers':
      case 'getActivityMembers':
        return { bucket: 'members', key: baseConversationId(route.conversationId ?? '') };
      case 'getTeamDetails':
      case 'getTeamChannels':
        return { bucket: 'conversations', key: route.teamId ?? '' };
      case 'getConversations':
        return { bucket: 'conversations', key: '*' };
      default:
        return undefined;
    }
  }

  function limitsOf(bucket: Bucket): readonly RateWindow[] {
    return bucket === 'send' || bucket === 'create' ? TEAMS_SEND_LIMITS : TEAMS_READ_LIMITS;
  }

  /** Returns ms until a request would be allowed by these windows, or 0 when allowed now. */
  function waitFor_(log: number[], windows: readonly RateWindow[], t: number): number {
    const longest = Math.max(...windows.map((w) => w.seconds)) * 1000;
    while (log.length > 0 && (log[0] as number) <= t - longest) log.shift();
    let wait = 0;
    for (const w of windows) {
      const from = t - w.seconds * 1000;
      const inWindow = log.filter((x) => x > from);
      if (inWindow.length >= w.max) {
        const oldestToExpire = inWindow[inWindow.length - w.max] as number;
        wait = Math.max(wait, oldestToExpire + w.seconds * 1000 - t);
      }
    }
    return wait;
  }

  function tenantKey(route: Route, body: any): string {
    const fromBody = body?.channelData?.tenant?.id ?? body?.conversation?.tenantId ?? body?.tenantId;
    if (typeof fromBody === 'string' && fromBody) return fromBody;
    // A PUT or GET carries no tenant: the tenant of the conversation's earlier send, when known.
    const known = route.conversationId ? conversationTenants.get(baseConversationId(route.conversationId)) : undefined;
    return known ?? '*';
  }

  function logOf(k: string): number[] {
    let log = rateLog.get(k);
    if (!log) {
      log = [];
      rateLog.set(k, log);
    }
    return log;
  }

  function checkRateLimits(route: Route, body: any): number {
    const t = now();
    const b = enforce ? bucketOf(route, body) : undefined;
    // Check every applicable window first, then record in all of them, so that a refused request
    // does not use up budget.
    const checks: Array<{ log: number[]; windows: readonly RateWindow[] }> = [];
    if (tenantLimit !== false && route.operation !== 'unknown') {
      const key = tenantKey(route, body);
      let log = tenantLogs.get(key);
      if (!log) {
        log = [];
        tenantLogs.set(key, log);
      }
      checks.push({ log, windows: [{ seconds: 1, max: tenantLimit }] });
    }
    if (b) {
      checks.push({ log: logOf(`${b.bucket}|${b.key}`), windows: limitsOf(b.bucket) });
      if (b.bucket === 'send') checks.push({ log: logOf(`thread|${b.key}`), windows: TEAMS_THREAD_ALL_BOTS_LIMITS });
    }
    let wait = 0;
    for (const c of checks) wait = Math.max(wait, waitFor_(c.log, c.windows, t));
    if (wait > 0) return wait;
    for (const c of checks) c.log.push(t);
    return 0;
  }

  // ---- conversations -------------------------------------------------------------------------

  function tenantOf(body: any): string | undefined {
    return body?.tenantId ?? body?.channelData?.tenant?.id;
  }

  function resolveUserId(id: string): string {
    if (id.startsWith('29:') || id.startsWith('8:')) return id;
    const found = directory().find((m) => memberMatches(m, id));
    return found ? found.id : id;
  }

  function createKey(body: any): string {
    const channelId = body?.channelData?.channel?.id;
    if (typeof channelId === 'string') return channelId;
    const member = body?.members?.[0]?.id;
    const bot = body?.bot?.id ?? options.botId ?? '';
    return typeof member === 'string' ? personalConversationId(botAppIdOf(bot), resolveUserId(member)) : '?';
  }

  // ---- request handling ----------------------------------------------------------------------

  interface Answer {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    activityId?: string;
    injected?: boolean;
    rateLimited?: boolean;
    retryAfterSeconds?: number;
    store?: { conversationId: string; activityId: string; activity: unknown };
  }

  function checkSize(activity: unknown): Answer | undefined {
    if (maxBytes === false) return undefined;
    const size = teamsMessageSize(activity);
    if (size > maxBytes) {
      return {
        status: 413,
        body: errorBody(413, 'MessageSizeTooBig', `Message size too large. (fake connector: ${size} UTF-16 bytes > ${maxBytes})`),
      };
    }
    return undefined;
  }

  function checkBlocked(conversationId: string | undefined): Answer | undefined {
    if (!conversationId) return undefined;
    const b = blocked.get(conversationId) ?? blocked.get(baseConversationId(conversationId));
    if (!b) return undefined;
    return { status: b.status, body: errorBody(b.status, b.code, b.message) };
  }

  function handle(route: Route, body: any, query: Record<string, string>): Answer {
    switch (route.operation) {
      case 'createConversation': {
        if (!body || typeof body !== 'object') return { status: 400, body: errorBody(400, 'BadArgument', 'Missing conversation parameters.') };
        const tenant = tenantOf(body);
        const channelId: unknown = body.channelData?.channel?.id;
        const activity = body.activity;
        if (activity) {
          const tooBig = checkSize(activity);
          if (tooBig) return tooBig;
        }
        if (typeof channelId === 'string') {
          const blockedAnswer = checkBlocked(channelId);
          if (blockedAnswer) return blockedAnswer;
          const activityId = newMessageId();
          const id = `${channelId};messageid=${activityId}`;
          conversations.set(id, { id, isGroup: true, members: [] });
          return {
            status: 201,
            body: { id, activityId },
            activityId,
            ...(activity ? { store: { conversationId: id, activityId, activity } } : {}),
          };
        }
        if (body.isGroup) {
          return { status: 400, body: errorBody(400, 'BadArgument', 'Bots cannot create group chats; pass channelData.channel.id to post in a channel.') };
        }
        if (requireTenant && !tenant) {
          return { status: 400, body: errorBody(400, 'BadArgument', 'Tenant id is required to create a 1:1 conversation (tenantId or channelData.tenant.id).') };
        }
        const members: any[] = Array.isArray(body.members) ? body.members : [];
        if (members.length !== 1 || typeof members[0]?.id !== 'string') {
          return { status: 400, body: errorBody(400, 'BadArgument', 'A 1:1 conversation needs exactly one member with an id.') };
        }
        const botId: string | undefined = body.bot?.id ?? options.botId;
        if (!botId) return { status: 400, body: errorBody(400, 'BadArgument', 'Missing bot account (conversationParameters.bot).') };
        const userId = resolveUserId(members[0].id as string);
        const id = personalConversationId(botAppIdOf(botId), userId);
        const blockedAnswer = checkBlocked(id);
        if (blockedAnswer) return blockedAnswer;
        const known = directory().find((m) => m.id === userId);
        const member = known ?? normalizeMember({ id: userId, name: members[0].name ?? '', ...(members[0].aadObjectId ? { aadObjectId: members[0].aadObjectId } : {}), ...(tenant ? { tenantId: tenant } : {}) });
        if (!conversations.has(id)) conversations.set(id, { id, isGroup: false, members: [member] });
        if (activity) {
          const activityId = newMessageId();
          return { status: 201, body: { id, activityId }, activityId, store: { conversationId: id, activityId, activity } };
        }
        return { status: 201, body: { id } };
      }

      case 'getConversations': {
        const list = [...conversations.values()].map((c) => ({ id: c.id, isGroup: c.isGroup, members: c.members }));
        return { status: 200, body: { conversations: list } };
      }

      case 'sendToConversation':
      case 'replyToActivity': {
        const conversationId = route.conversationId as string;
        const blockedAnswer = checkBlocked(conversationId);
        if (blockedAnswer) return blockedAnswer;
        if (!body || typeof body !== 'object') return { status: 400, body: errorBody(400, 'BadArgument', 'Missing activity.') };
        const tooBig = checkSize(body);
        if (tooBig) return tooBig;
        const activityId = newMessageId();
        return { status: 201, body: { id: activityId }, activityId, store: { conversationId, activityId, activity: body } };
      }

      case 'updateActivity': {
        const conversationId = route.conversationId as string;
        const activityId = route.activityId as string;
        const blockedAnswer = checkBlocked(conversationId);
        if (blockedAnswer) return blockedAnswer;
        const stored = activities.get(activityId);
        if (!stored || stored.deleted || !sameConversation(stored.conversationId, conversationId)) {
          return {
            status: 404,
            body: errorBody(404, 'ActivityNotFound', `Unknown activity id '${activityId}' in conversation '${conversationId}'.`),
          };
        }
        const tooBig = checkSize(body);
        if (tooBig) return tooBig;
        stored.activity = body;
        stored.updates += 1;
        return { status: 200, body: { id: activityId }, activityId };
      }

      case 'deleteActivity': {
        const conversationId = route.conversationId as string;
        const activityId = route.activityId as string;
        const stored = activities.get(activityId);
        if (!stored || stored.deleted || !sameConversation(stored.conversationId, conversationId)) {
          return { status: 404, body: errorBody(404, 'ActivityNotFound', `Unknown activity id '${activityId}'.`) };
        }
        stored.deleted = true;
        return { status: 200, activityId };
      }

      case 'getConversationMembers':
      case 'getActivityMembers': {
        const roster = rosterFor(route.conversationId as string);
        if (!roster) return notFoundConversation(route.conversationId as string);
        return { status: 200, body: roster };
      }

      case 'getConversationMember': {
        const roster = rosterFor(route.conversationId as string);
        if (!roster) return notFoundConversation(route.conversationId as string);
        const m = roster.find((x) => memberMatches(x, route.memberId as string));
        if (!m) {
          return {
            status: 404,
            body: errorBody(404, 'MemberNotFoundInConversation', `Member '${route.memberId}' is not in conversation '${route.conversationId}'.`),
          };
        }
        return { status: 200, body: m };
      }

      case 'getConversationPagedMembers': {
        const roster = rosterFor(route.conversationId as string);
        if (!roster) return notFoundConversation(route.conversationId as string);
        const requested = query.pageSize !== undefined ? Number(query.pageSize) : pageDefault;
        const size = Math.min(pageMax, Math.max(pageMin, Number.isFinite(requested) ? Math.floor(requested) : pageDefault));
        let offset = 0;
        if (query.continuationToken) {
          const decoded = Buffer.from(query.continuationToken, 'base64url').toString('utf8');
          const match = /^page:(\d+)$/.exec(decoded);
          if (!match) return { status: 400, body: errorBody(400, 'BadArgument', 'Invalid continuation token.') };
          offset = Number(match[1]);
        }
        const members = roster.slice(offset, offset + size);
        const next = offset + size < roster.length ? Buffer.from(`page:${offset + size}`).toString('base64url') : undefined;
        return { status: 200, body: next ? { continuationToken: next, members } : { members } };
      }

      case 'getTeamDetails': {
        const team = teams.get(route.teamId as string);
        if (!team) return { status: 404, body: errorBody(404, 'NotFound', `Unknown team '${route.teamId}' (use connector.addTeam).`) };
        return {
          status: 200,
          body: {
            id: team.id,
            name: team.name,
            ...(team.aadGroupId ? { aadGroupId: team.aadGroupId } : {}),
            channelCount: team.channels.length,
            memberCount: rosters.get(team.id)?.length ?? 0,
            type: 'standard',
          },
        };
      }

      case 'getTeamChannels': {
        const team = teams.get(route.teamId as string);
        if (!team) return { status: 404, body: errorBody(404, 'NotFound', `Unknown team '${route.teamId}' (use connector.addTeam).`) };
        return { status: 200, body: { conversations: team.channels.map((c) => ({ id: c.id, name: c.name })) } };
      }

      default:
        return { status: 404, body: errorBody(404, 'NotImplemented', 'The fake connector does not implement this endpoint.') };
    }
  }

  function notFoundConversation(conversationId: string): Answer {
    return {
      status: 404,
      body: errorBody(404, 'ConversationNotFound', `No roster known for conversation '${conversationId}' (use connector.setMembers or addTeam).`),
    };
  }

  function matchFault(method: string, route: Route, decodedPath: string): (FailNextRule & { remaining: number }) | undefined {
    for (const f of faults) {
      if (f.remaining <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.operation && f.operation !== route.operation) continue;
      if (f.pathIncludes && !decodedPath.includes(f.pathIncludes)) continue;
      if (f.conversationId && !sameConversation(route.conversationId, f.conversationId)) continue;
      return f;
    }
    return undefined;
  }

  function retryAfterFor(waitMs: number): number | undefined {
    const mode = options.rateLimitRetryAfter ?? 'computed';
    if (mode === 'none') return undefined;
    if (typeof mode === 'number') return mode;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  function push(record: ConnectorRecord): void {
    records.push(record);
    for (const w of [...waiters]) {
      if (w.test(record)) {
        waiters.delete(w);
        w.resolve(record);
      }
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const mySeq = ++seq;
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const qIndex = rawUrl.indexOf('?');
    const path = qIndex === -1 ? rawUrl : rawUrl.slice(0, qIndex);
    const query: Record<string, string> = {};
    if (qIndex !== -1) {
      for (const [k, v] of new URLSearchParams(rawUrl.slice(qIndex + 1))) query[k] = v;
    }
    let decodedPath = path;
    try {
      decodedPath = decodeURIComponent(path);
    } catch {
      /* keep raw */
    }

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }

    const route = parseRoute(method, path);
    const authorization = req.headers.authorization;
    {
      const tenant = body?.channelData?.tenant?.id ?? body?.conversation?.tenantId ?? body?.tenantId;
      if (route.conversationId && typeof tenant === 'string' && tenant) conversationTenants.set(baseConversationId(route.conversationId), tenant);
    }

    const info: HeldRequest = { method, operation: route.operation, ...(route.conversationId !== undefined ? { conversationId: route.conversationId } : {}), path: decodedPath, body };
    const held = holds.find((h) => !h.used && h.test(info));
    if (held) {
      held.used = true;
      held.arrived(info);
      await held.released;
    }

    const latency = typeof options.latencyMs === 'function' ? options.latencyMs({ method, operation: route.operation, path }) : options.latencyMs ?? 0;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));

    let answer: Answer;
    const fault = matchFault(method, route, decodedPath);
    if (fault) {
      fault.remaining -= 1;
      const idx = faults.indexOf(fault);
      if (fault.remaining <= 0 && idx !== -1) faults.splice(idx, 1);
      answer = {
        status: fault.status,
        body: fault.body ?? errorBody(fault.status),
        injected: true,
        ...(fault.retryAfterSeconds !== undefined ? { retryAfterSeconds: fault.retryAfterSeconds } : {}),
      };
    } else {
      const waitMs = checkRateLimits(route, body);
      if (waitMs > 0) {
        violations += 1;
        const retryAfter = retryAfterFor(waitMs);
        answer = {
          status: 429,
          body: errorBody(429),
          rateLimited: true,
          ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
        };
      } else {
        answer = handle(route, body, query);
      }
    }

    const headers: Record<string, string> = { ...answer.headers };
    if (answer.retryAfterSeconds !== undefined) headers['retry-after'] = String(answer.retryAfterSeconds);
    const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
    if (payload.length > 0) headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = String(Buffer.byteLength(payload));

    const record: ConnectorRecord = {
      seq: mySeq,
      method,
      path,
      query,
      operation: route.operation,
      ...(route.conversationId !== undefined ? { conversationId: route.conversationId } : {}),
      ...(route.memberId !== undefined ? { memberId: route.memberId } : {}),
      body,
      status: answer.status,
      response: answer.body,
      hasAuthorization: authorization !== undefined,
      ...(authorization !== undefined ? { authorization } : {}),
      ...(answer.injected ? { injected: true } : {}),
      ...(answer.rateLimited ? { rateLimited: true } : {}),
      ...(answer.retryAfterSeconds !== undefined ? { retryAfterSeconds: answer.retryAfterSeconds } : {}),
      at,
      completedAt: Date.now(),
    };
    if (route.operation === 'replyToActivity') {
      record.replyToId = route.activityId as string;
      if (answer.activityId) record.activityId = answer.activityId;
    } else if (route.operation === 'updateActivity' || route.operation === 'deleteActivity') {
      record.activityId = route.activityId as string;
    } else if (answer.activityId) {
      record.activityId = answer.activityId;
    }
    if (route.operation === 'createConversation' && answer.status >= 200 && answer.status < 300) {
      const id = (answer.body as { id?: string } | undefined)?.id;
      if (id) record.conversationId = id;
    }

    if (answer.store && answer.status >= 200 && answer.status < 300) {
      activities.set(answer.store.activityId, {
        conversationId: answer.store.conversationId,
        activityId: answer.store.activityId,
        activity: answer.store.activity,
        updates: 0,
        record,
        deleted: false,
      });
    }

    res.writeHead(answer.status, headers);
    res.end(payload);
    push(record);
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(errorBody(500, 'FakeConnectorError', String(err))));
      }
    });
  });
  // Node's default. (At 1 s the server announces "Keep-Alive: timeout=1", which Node's agent takes as
  // too short to reuse a connection: every request would open a new one.)
  server.keepAliveTimeout = 5000;
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const serviceUrl = `${baseUrl}/${region}/`;

  function okOps(ops: ConnectorOperation[], conversationId?: string): ConnectorRecord[] {
    return records.filter(
      (r) => ops.includes(r.operation) && isOk(r) && (conversationId === undefined || sameConversation(r.conversationId, conversationId)),
    );
  }

  function waitFor(predicate: (r: ConnectorRecord) => boolean, opts: WaitForOptions = {}): Promise<ConnectorRecord> {
    const since = opts.since ?? 0;
    const test = (r: ConnectorRecord): boolean => r.seq > since && predicate(r);
    const existing = records.find(test);
    if (existing) return Promise.resolve(existing);
    const timeoutMs = opts.timeoutMs ?? 2000;
    return new Promise<ConnectorRecord>((resolve, reject) => {
      const waiter = {
        test,
        resolve: (r: ConnectorRecord) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        const seen = records.filter((r) => r.seq > since);
        const listing = seen.length === 0 ? '  (no requests)' : seen.map((r) => `  ${describe(r)}`).join('\n');
        reject(
          new Error(
            `fake connector: timed out after ${timeoutMs} ms waiting for ${opts.description ?? 'a matching request'}; received ${seen.length} request(s)${since ? ` since #${since}` : ''}:\n${listing}`,
          ),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  const connector: FakeConnector = {
    serviceUrl,
    baseUrl,
    port,
    records,
    get rateLimitViolations() {
      return violations;
    },
    get connections() {
      return connections;
    },

    sent: (conversationId) => okOps(['sendToConversation', 'replyToActivity'], conversationId),
    updates: (conversationId) => okOps(['updateActivity'], conversationId),
    deletes: (conversationId) => okOps(['deleteActivity'], conversationId),
    created: () => okOps(['createConversation']),

    messages(conversationId) {
      const out: DeliveredMessage[] = [];
      for (const s of activities.values()) {
        if (s.deleted || !s.record) continue;
        if (conversationId !== undefined && !sameConversation(s.conversationId, conversationId)) continue;
        out.push({ conversationId: s.conversationId, activityId: s.activityId, activity: s.activity, updates: s.updates, record: s.record });
      }
      return out.sort((a, b) => a.record.seq - b.record.seq);
    },

    activity(activityId) {
      const s = activities.get(activityId);
      if (!s || s.deleted || !s.record) return undefined;
      return { conversationId: s.conversationId, activityId: s.activityId, activity: s.activity, updates: s.updates, record: s.record };
    },

    setMembers(conversationOrTeamId, members) {
      const normalized = members.map(normalizeMember);
      rosters.set(conversationOrTeamId, normalized);
      return normalized;
    },

    addTeam(teamId, team) {
      const channels = [...(team.channels ?? [])].map((c) => ({ id: c.id, name: c.id === teamId ? null : c.name ?? null }));
      if (!channels.some((c) => c.id === teamId)) channels.unshift({ id: teamId, name: null });
      teams.set(teamId, { id: teamId, name: team.name, ...(team.aadGroupId ? { aadGroupId: team.aadGroupId } : {}), channels });
      if (team.members) connector.setMembers(teamId, team.members);
    },

    registerActivity(conversationId, activityId, activity) {
      activities.set(activityId, { conversationId, activityId, activity: activity ?? {}, updates: 0, deleted: false });
    },

    blockConversation(conversationId, opts = {}) {
      blocked.set(conversationId, {
        status: opts.status ?? 403,
        ...(opts.code !== undefined ? { code: opts.code } : {}),
        ...(opts.message !== undefined ? { message: opts.message } : {}),
      });
    },
    unblockConversation(conversationId) {
      blocked.delete(conversationId);
    },

    hold(predicate) {
      let arrived!: (r: HeldRequest) => void;
      let release!: () => void;
      const arrivedP = new Promise<HeldRequest>((r) => (arrived = r));
      const released = new Promise<void>((r) => (release = r));
      holds.push({ test: predicate, arrived, released, release, used: false });
      return { arrived: arrivedP, release };
    },

    failNext(rule) {
      faults.push({ ...rule, remaining: rule.times ?? 1 });
    },

    mark: () => seq,
    waitFor,

    async waitForSent(count = 1, opts = {}) {
      const since = opts.since ?? 0;
      const matches = (r: ConnectorRecord): boolean =>
        (r.operation === 'sendToConversation' || r.operation === 'replyToActivity') &&
        isOk(r) &&
        r.seq > since &&
        (opts.conversationId === undefined || sameConversation(r.conversationId, opts.conversationId));
      const current = (): ConnectorRecord[] => records.filter(matches);
      if (current().length >= count) return current().slice(0, count);
      await waitFor(() => current().length >= count, {
        ...opts,
        since,
        description: opts.description ?? `${count} successful send(s)${opts.conversationId ? ` to ${opts.conversationId}` : ''}`,
      });
      return current().slice(0, count);
    },

    activityText,
    cardOf,

    reset(opts = {}) {
      connections = 0;
      records.length = 0;
      faults.length = 0;
      rateLog.clear();
      tenantLogs.clear();
      conversationTenants.clear();
      for (const h of holds.splice(0)) h.release();
      activities.clear();
      blocked.clear();
      violations = 0;
      if (opts.all) {
        rosters.clear();
        teams.clear();
        conversations.clear();
      }
    },

    close() {
      for (const w of waiters) waiters.delete(w);
      for (const h of holds) h.release();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return connector;
}
