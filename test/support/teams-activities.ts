/**
 * Builders for inbound activities shaped the way Microsoft Teams sends them to a bot, plus
 * `postActivity` to deliver one to the bot's `/api/messages` endpoint.
 *
 * Shapes follow the Teams platform documentation (conversation events, installationUpdate,
 * mentions, clientInfo, Universal Actions `adaptiveCard/action`); see docs/testing-fakes.md.
 *
 * Everything is deterministic: ids are derived from names with SHA-256, so the same world
 * produces the same ids in every run (activity ids and timestamps excepted).
 */
import { createHash, randomUUID } from 'node:crypto';

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

/** `from` / `recipient` / `membersAdded` entry as Teams sends it in an inbound activity. */
export interface TeamsAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
  role?: string;
}

/** A roster entry as the connector returns it (TeamsChannelAccount). */
export interface TeamsRosterMember {
  id: string;
  name: string;
  /** Teams' REST roster calls return the AAD object id as `objectId`. */
  objectId?: string;
  /** botbuilder's TeamsChannelAccount field (the fake connector returns both). */
  aadObjectId?: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  /** 'user' | 'anonymous' | 'bot' (Teams also uses 'guest' in some payloads). */
  userRole?: string;
}

export type ConversationType = 'personal' | 'channel' | 'groupChat';

export interface TeamsConversationAccount {
  id: string;
  conversationType: ConversationType;
  tenantId: string;
  isGroup?: boolean;
  name?: string;
}

export interface TeamsEntity {
  type: string;
  [key: string]: unknown;
}

export interface TeamsAttachment {
  contentType: string;
  content?: unknown;
  contentUrl?: string;
  name?: string;
}

export interface TeamsChannelData {
  tenant: { id: string };
  team?: { id: string; name?: string; aadGroupId?: string };
  channel?: { id: string; name?: string };
  teamsTeamId?: string;
  teamsChannelId?: string;
  eventType?: string;
  settings?: { selectedChannel?: { id: string } };
  source?: { name: string } | null;
  [key: string]: unknown;
}

/** A Teams inbound activity (a JSON-serialisable subset of botbuilder's `Activity`). */
export interface TeamsActivity {
  type: 'message' | 'conversationUpdate' | 'installationUpdate' | 'invoke' | string;
  id: string;
  timestamp: string;
  localTimestamp?: string;
  localTimezone?: string;
  serviceUrl: string;
  channelId: 'msteams';
  from: TeamsAccount;
  recipient: TeamsAccount;
  conversation: TeamsConversationAccount;
  channelData: TeamsChannelData;
  locale?: string;
  entities?: TeamsEntity[];
  text?: string;
  textFormat?: 'plain' | 'markdown' | 'xml';
  attachments?: TeamsAttachment[];
  replyToId?: string;
  name?: string;
  value?: unknown;
  action?: 'add' | 'remove' | 'add-upgrade' | 'remove-upgrade';
  membersAdded?: TeamsAccount[];
  membersRemoved?: TeamsAccount[];
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Deterministic ids
// ---------------------------------------------------------------------------------------------

function sha256(input: string): Buffer {
  return createHash('sha256').update(input).digest();
}

/** A UUID-formatted id derived from `seed` (stable across runs). */
export function stableGuid(seed: string): string {
  const h = sha256(seed).toString('hex');
  // Shape it like a v4 UUID so validators accept it.
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function stableToken(seed: string, length: number): string {
  let out = '';
  let i = 0;
  while (out.length < length) {
    out += sha256(`${seed}#${i++}`).toString('base64url');
  }
  return out.slice(0, length);
}

/** Strips a `28:` prefix: `28:<appId>` -> `<appId>`. */
export function botAppIdOf(botId: string): string {
  return botId.startsWith('28:') ? botId.slice(3) : botId;
}

/** Teams' user MRI for the bot: `28:<appId>`. */
export function botMri(botId: string): string {
  return botId.startsWith('28:') ? botId : `28:${botId}`;
}

/** A Teams-looking user id (`29:1…`) derived from the AAD object id. */
export function teamsUserId(aadObjectId: string): string {
  return `29:1${stableToken(`user:${aadObjectId}`, 86)}`;
}

/**
 * The id of the 1:1 conversation between a bot and a user. Teams keeps this id stable for a
 * bot/user pair; the fake connector's `POST /v3/conversations` returns this same id, so a
 * proactive 1:1 lands in the conversation the user's own messages arrive from.
 */
export function personalConversationId(botId: string, userId: string): string {
  return `a:1${stableToken(`personal:${botAppIdOf(botId)}:${userId}`, 100)}`;
}

/** Teams thread id for a team/channel/group chat: `19:<32 hex>@thread.tacv2`. */
export function threadId(seed: string, suffix: 'thread.tacv2' | 'thread.v2' | 'thread.skype' = 'thread.tacv2'): string {
  return `19:${sha256(seed).toString('hex').slice(0, 32)}@${suffix}`;
}

/** Removes `;messageid=…` from a channel thread conversation id. */
export function baseConversationId(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i === -1 ? conversationId : conversationId.slice(0, i);
}

let lastMessageId = 0;
/** Teams message ids are epoch-millisecond strings, e.g. `1481567603816`; unique per process. */
export function newMessageId(): string {
  const now = Date.now();
  lastMessageId = now > lastMessageId ? now : lastMessageId + 1;
  return String(lastMessageId);
}

/** Teams event ids look like `f:<guid>`. */
function newEventId(): string {
  return `f:${randomUUID()}`;
}

function localTimestamp(date: Date, timeZone: string): string | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    }).formatToParts(date);
    const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
    const offsetRaw = get('timeZoneName').replace('GMT', '');
    const offset = offsetRaw === '' ? '+00:00' : offsetRaw;
    const ms = String(date.getUTCMilliseconds()).padStart(3, '0');
    return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}.${ms}${offset}`;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// World
// ---------------------------------------------------------------------------------------------

export interface TeamsWorldOptions {
  /** Connector base URL put in every activity, e.g. `connector.serviceUrl`. */
  serviceUrl: string;
  /** Bot app id (GUID) or its MRI `28:<appId>`. Default: a stable GUID. */
  botId?: string;
  /** Display name of the bot, used in mentions. Default 'Cadans'. */
  botName?: string;
  /** AAD tenant id. Default: a stable GUID. */
  tenantId?: string;
  /** Default client locale for users. Default 'nl-NL'. */
  locale?: string;
  /** Default IANA time zone for users. Default 'Europe/Amsterdam'. */
  timezone?: string;
  /** Default client country. Default 'NL'. */
  country?: string;
  /** Default client platform (clientInfo.platform). Default 'Web'. */
  platform?: 'Web' | 'Windows' | 'Mac' | 'iOS' | 'Android' | string;
}

export interface TeamsUserInput {
  name: string;
  aadObjectId?: string;
  /** Teams user id; default derived from aadObjectId. */
  id?: string;
  email?: string;
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
  locale?: string;
  timezone?: string;
  country?: string;
  platform?: string;
  userRole?: 'user' | 'anonymous' | 'guest';
}

export interface TeamsUser {
  readonly kind: 'user';
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
  readonly tenantId: string;
  readonly email: string;
  readonly userPrincipalName: string;
  readonly givenName: string;
  readonly surname: string;
  readonly locale: string;
  readonly timezone: string;
  readonly country: string;
  readonly platform: string;
  readonly userRole: 'user' | 'anonymous' | 'guest';
  /** Id of this user's 1:1 conversation with the bot. */
  readonly personalConversationId: string;
  /** `{ id, name, aadObjectId }` as used in `from`. */
  readonly account: TeamsAccount;
  /** Roster shape, for `connector.setMembers(...)`. */
  readonly rosterEntry: TeamsRosterMember;
}

export interface TeamsChannel {
  readonly kind: 'channel';
  readonly id: string;
  /** Display name; the General channel is 'General' here but `null` in Teams' channel list. */
  readonly name: string;
  readonly isGeneral: boolean;
  readonly team: TeamsTeam;
}

export interface TeamsTeamInput {
  name: string;
  /** Channel names besides General (or `{ name, id }`). */
  channels?: Array<string | { name: string; id?: string }>;
  /** Team members (for `rosterEntries`); purely informational for the builders. */
  members?: TeamsUser[];
  aadGroupId?: string;
  id?: string;
}

export interface TeamsTeam {
  readonly kind: 'team';
  /** Team id; equals the General channel's id, as in Teams. */
  readonly id: string;
  readonly name: string;
  readonly aadGroupId: string;
  readonly general: TeamsChannel;
  /** All channels, General first. */
  readonly channels: readonly TeamsChannel[];
  readonly members: readonly TeamsUser[];
  /** Channel by display name (throws when unknown). */
  channel(name: string): TeamsChannel;
  /** `{ name, channels }` for `connector.addTeam(team.id, team.connectorInfo)`. */
  readonly connectorInfo: { name: string; aadGroupId: string; channels: Array<{ id: string; name: string | null }> };
}

export interface TeamsGroupChat {
  readonly kind: 'groupChat';
  readonly id: string;
  readonly topic?: string;
  readonly members: readonly TeamsUser[];
}

/** Where an activity happens: a user (their 1:1 chat with the bot), a channel, or a group chat. */
export type TeamsConversationTarget = TeamsUser | TeamsChannel | TeamsGroupChat;

export interface MessageOptions {
  id?: string;
  replyToId?: string;
  attachments?: TeamsAttachment[];
  entities?: TeamsEntity[];
  /** `value` of a message (e.g. legacy Action.Submit posts). */
  value?: unknown;
  timestamp?: Date;
}

export interface ChannelMessageOptions extends MessageOptions {
  /** Prefix the text with `<at>{botName}</at>` and add the mention entity. Default true. */
  mention?: boolean;
  /** Root message id of the thread (reply in a thread). Default: a new post (its own id). */
  threadId?: string;
}

export interface ActionExecuteOptions {
  /** Id of the message that carries the card (Teams sends it as `replyToId`). */
  replyToId?: string;
  /** For channel cards: the thread root id (default: `replyToId`). */
  threadId?: string;
  /** 'manual' when clicked (default), 'automatic' for a refresh. */
  trigger?: 'manual' | 'automatic';
  /** `action.id` as authored in the card. */
  actionId?: string;
  /** `action.title` as authored in the card. */
  title?: string;
  id?: string;
  timestamp?: Date;
}

export interface TeamsWorld {
  readonly serviceUrl: string;
  /** Bot MRI `28:<appId>`. */
  readonly botId: string;
  /** Bot app id (GUID). */
  readonly botAppId: string;
  readonly botName: string;
  readonly tenantId: string;
  /** `{ id: '28:…', name }`. */
  readonly bot: TeamsAccount;

  user(input: TeamsUserInput): TeamsUser;
  team(input: TeamsTeamInput): TeamsTeam;
  groupChat(input: { members: TeamsUser[]; topic?: string; id?: string }): TeamsGroupChat;

  /** The `conversation` object Teams sends for a target. */
  conversationOf(target: TeamsConversationTarget, opts?: { threadId?: string }): TeamsConversationAccount;

  personalMessage(user: TeamsUser, text: string, opts?: MessageOptions): TeamsActivity;
  channelMessage(user: TeamsUser, channel: TeamsChannel, text: string, opts?: ChannelMessageOptions): TeamsActivity;
  groupChatMessage(user: TeamsUser, chat: TeamsGroupChat, text: string, opts?: ChannelMessageOptions): TeamsActivity;

  /** Personal-scope install: `[conversationUpdate (membersAdded: bot + user), installationUpdate add]`. */
  personalInstall(user: TeamsUser): [TeamsActivity, TeamsActivity];
  /** Team install by `user`: `[conversationUpdate teamMemberAdded (bot), installationUpdate add]`. */
  teamInstall(user: TeamsUser, team: TeamsTeam, opts?: { channel?: TeamsChannel }): [TeamsActivity, TeamsActivity];
  /** Group chat install: `[conversationUpdate (membersAdded: bot), installationUpdate add]`. */
  groupChatInstall(user: TeamsUser, chat: TeamsGroupChat): [TeamsActivity, TeamsActivity];
  /**
   * Uninstall by `user` from `where` (default: the user's personal scope):
   * `[installationUpdate remove, conversationUpdate membersRemoved (bot)]`.
   */
  uninstall(user: TeamsUser, where?: TeamsUser | TeamsTeam | TeamsGroupChat): [TeamsActivity, TeamsActivity];
  /** `conversationUpdate` teamMemberAdded for other members joining a team `by` someone. */
  membersAdded(by: TeamsUser, team: TeamsTeam, members: TeamsUser[]): TeamsActivity;
  /** `conversationUpdate` teamMemberRemoved. */
  membersRemoved(by: TeamsUser, team: TeamsTeam, members: TeamsUser[]): TeamsActivity;

  /** `invoke` `adaptiveCard/action` for an `Action.Execute` click (Universal Actions). */
  actionExecute(
    user: TeamsUser,
    conversation: TeamsConversationTarget,
    verb: string,
    data?: Record<string, unknown>,
    opts?: ActionExecuteOptions,
  ): TeamsActivity;
}

export function createTeamsWorld(options: TeamsWorldOptions): TeamsWorld {
  const serviceUrl = options.serviceUrl;
  const botAppId = botAppIdOf(options.botId ?? stableGuid('cadans-bot'));
  const botId = botMri(botAppId);
  const botName = options.botName ?? 'Cadans';
  const tenantId = options.tenantId ?? stableGuid('cadans-tenant');
  const defaults = {
    locale: options.locale ?? 'nl-NL',
    timezone: options.timezone ?? 'Europe/Amsterdam',
    country: options.country ?? 'NL',
    platform: options.platform ?? 'Web',
  };
  const bot: TeamsAccount = { id: botId, name: botName };

  function user(input: TeamsUserInput): TeamsUser {
    const aadObjectId = input.aadObjectId ?? stableGuid(`aad:${tenantId}:${input.name}`);
    const id = input.id ?? teamsUserId(aadObjectId);
    const [first, ...rest] = input.name.split(/\s+/);
    const givenName = input.givenName ?? first ?? input.name;
    const surname = input.surname ?? rest.join(' ');
    const slug = input.name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.|\.$/g, '');
    const upn = input.userPrincipalName ?? `${slug || 'user'}@contoso.example`;
    const email = input.email ?? upn;
    const userRole = input.userRole ?? 'user';
    const u: TeamsUser = {
      kind: 'user',
      id,
      name: input.name,
      aadObjectId,
      tenantId,
      email,
      userPrincipalName: upn,
      givenName,
      surname,
      locale: input.locale ?? defaults.locale,
      timezone: input.timezone ?? defaults.timezone,
      country: input.country ?? defaults.country,
      platform: input.platform ?? defaults.platform,
      userRole,
      personalConversationId: personalConversationId(botAppId, id),
      account: { id, name: input.name, aadObjectId },
      rosterEntry: {
        id,
        name: input.name,
        objectId: aadObjectId,
        aadObjectId,
        givenName,
        surname,
        email,
        userPrincipalName: upn,
        tenantId,
        userRole,
      },
    };
    return u;
  }

  function team(input: TeamsTeamInput): TeamsTeam {
    const id = input.id ?? threadId(`team:${tenantId}:${input.name}`);
    const aadGroupId = input.aadGroupId ?? stableGuid(`group:${tenantId}:${input.name}`);
    const channels: TeamsChannel[] = [];
    const t: TeamsTeam = {
      kind: 'team',
      id,
      name: input.name,
      aadGroupId,
      get general(): TeamsChannel {
        return channels[0] as TeamsChannel;
      },
      channels,
      members: input.members ?? [],
      channel(name: string): TeamsChannel {
        const c = channels.find((ch) => ch.name === name);
        if (!c) {
          throw new Error(`Team '${input.name}' has no channel '${name}' (has: ${channels.map((ch) => ch.name).join(', ')})`);
        }
        return c;
      },
      get connectorInfo() {
        return {
          name: input.name,
          aadGroupId,
          channels: channels.map((c) => ({ id: c.id, name: c.isGeneral ? null : c.name })),
        };
      },
    };
    channels.push({ kind: 'channel', id, name: 'General', isGeneral: true, team: t });
    for (const ch of input.channels ?? []) {
      const spec = typeof ch === 'string' ? { name: ch } : ch;
      if (spec.name === 'General') continue;
      channels.push({
        kind: 'channel',
        id: spec.id ?? threadId(`channel:${id}:${spec.name}`),
        name: spec.name,
        isGeneral: false,
        team: t,
      });
    }
    return t;
  }

  function groupChat(input: { members: TeamsUser[]; topic?: string; id?: string }): TeamsGroupChat {
    const seed = input.members.map((m) => m.id).sort().join(',');
    return {
      kind: 'groupChat',
      id: input.id ?? threadId(`chat:${tenantId}:${seed}:${input.topic ?? ''}`, 'thread.v2'),
      ...(input.topic !== undefined ? { topic: input.topic } : {}),
      members: input.members,
    };
  }

  function conversationOf(target: TeamsConversationTarget, opts: { threadId?: string } = {}): TeamsConversationAccount {
    switch (target.kind) {
      case 'user':
        return { conversationType: 'personal', tenantId, id: target.personalConversationId };
      case 'channel':
        return {
          isGroup: true,
          conversationType: 'channel',
          tenantId,
          id: opts.threadId ? `${target.id};messageid=${opts.threadId}` : target.id,
        };
      case 'groupChat':
        return { isGroup: true, conversationType: 'groupChat', tenantId, id: target.id };
    }
  }

  function channelDataOf(target: TeamsConversationTarget): TeamsChannelData {
    if (target.kind === 'channel') {
      return {
        teamsChannelId: target.id,
        teamsTeamId: target.team.id,
        channel: { id: target.id },
        team: { id: target.team.id },
        tenant: { id: tenantId },
      };
    }
    return { tenant: { id: tenantId } };
  }

  function clientInfo(u: TeamsUser): TeamsEntity {
    return { locale: u.locale, country: u.country, platform: u.platform, timezone: u.timezone, type: 'clientInfo' };
  }

  function base(
    type: string,
    id: string,
    u: TeamsUser,
    conversation: TeamsConversationAccount,
    channelData: TeamsChannelData,
    when: Date = new Date(),
  ): TeamsActivity {
    const activity: TeamsActivity = {
      type,
      id,
      timestamp: when.toISOString(),
      serviceUrl,
      channelId: 'msteams',
      from: { ...u.account },
      conversation,
      recipient: { ...bot },
      channelData,
    };
    const local = localTimestamp(when, u.timezone);
    if (local) activity.localTimestamp = local;
    activity.localTimezone = u.timezone;
    activity.locale = u.locale;
    activity.entities = [clientInfo(u)];
    return activity;
  }

  function escapeHtml(s: string): string {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  function message(
    u: TeamsUser,
    target: TeamsConversationTarget,
    text: string,
    opts: ChannelMessageOptions,
    defaultMention: boolean,
  ): TeamsActivity {
    const id = opts.id ?? newMessageId();
    const conversation =
      target.kind === 'channel' ? conversationOf(target, { threadId: opts.threadId ?? id }) : conversationOf(target);
    const a = base('message', id, u, conversation, channelDataOf(target), opts.timestamp);
    const mention = opts.mention ?? defaultMention;
    const mentionText = `<at>${botName}</at>`;
    a.text = mention ? `${mentionText} ${text}` : text;
    a.textFormat = 'plain';
    if (mention) {
      a.entities = [{ type: 'mention', mentioned: { id: botId, name: botName }, text: mentionText }, ...(a.entities ?? [])];
      // Teams also sends the rich HTML rendition of channel/group messages.
      a.attachments = [
        {
          contentType: 'text/html',
          content: `<div><div><span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">${escapeHtml(botName)}</span> ${escapeHtml(text)}</div></div>`,
        },
      ];
    }
    if (opts.attachments) a.attachments = [...(a.attachments ?? []), ...opts.attachments];
    if (opts.entities) a.entities = [...(a.entities ?? []), ...opts.entities];
    if (opts.replyToId !== undefined) a.replyToId = opts.replyToId;
    if (opts.value !== undefined) a.value = opts.value;
    return a;
  }

  function installationUpdate(
    u: TeamsUser,
    action: 'add' | 'remove',
    conversation: TeamsConversationAccount,
    channelData: TeamsChannelData,
  ): TeamsActivity {
    const a = base('installationUpdate', newEventId(), u, conversation, channelData);
    a.action = action;
    a.from = { id: u.id, aadObjectId: u.aadObjectId };
    return a;
  }

  function conversationUpdate(
    u: TeamsUser,
    conversation: TeamsConversationAccount,
    channelData: TeamsChannelData,
    change: { membersAdded?: TeamsAccount[]; membersRemoved?: TeamsAccount[] },
  ): TeamsActivity {
    const a = base('conversationUpdate', newEventId(), u, conversation, channelData);
    a.from = { id: u.id, aadObjectId: u.aadObjectId };
    // Teams sends no clientInfo/locale on conversationUpdate.
    delete a.entities;
    delete a.locale;
    delete a.localTimezone;
    delete a.localTimestamp;
    if (change.membersAdded) a.membersAdded = change.membersAdded;
    if (change.membersRemoved) a.membersRemoved = change.membersRemoved;
    return a;
  }

  function teamChannelData(t: TeamsTeam, eventType?: string, selected?: TeamsChannel): TeamsChannelData {
    return {
      ...(selected ? { settings: { selectedChannel: { id: selected.id } } } : {}),
      team: { aadGroupId: t.aadGroupId, name: t.name, id: t.id },
      ...(eventType ? { eventType } : {}),
      tenant: { id: tenantId },
    };
  }

  const world: TeamsWorld = {
    serviceUrl,
    botId,
    botAppId,
    botName,
    tenantId,
    bot,
    user,
    team,
    groupChat,
    conversationOf,

    personalMessage(u, text, opts = {}) {
      return message(u, u, text, { ...opts, mention: false }, false);
    },
    channelMessage(u, channel, text, opts = {}) {
      return message(u, channel, text, opts, true);
    },
    groupChatMessage(u, chat, text, opts = {}) {
      return message(u, chat, text, opts, true);
    },

    personalInstall(u) {
      const conversation = conversationOf(u);
      const cd: TeamsChannelData = { tenant: { id: tenantId } };
      const cu = conversationUpdate(u, conversation, cd, {
        membersAdded: [{ id: botId }, { id: u.id, aadObjectId: u.aadObjectId }],
      });
      const iu = installationUpdate(u, 'add', conversation, { tenant: { id: tenantId } });
      return [cu, iu];
    },

    teamInstall(u, t, opts = {}) {
      const selected = opts.channel ?? t.general;
      const conversation: TeamsConversationAccount = {
        isGroup: true,
        conversationType: 'channel',
        tenantId,
        id: selected.id,
        ...(selected.isGeneral ? {} : { name: selected.name }),
      };
      const cu = conversationUpdate(u, conversation, teamChannelData(t, 'teamMemberAdded', selected), {
        membersAdded: [{ id: botId }],
      });
      const iu = installationUpdate(u, 'add', conversation, {
        settings: { selectedChannel: { id: selected.id } },
        channel: { id: selected.id },
        team: { aadGroupId: t.aadGroupId, name: t.name, id: t.id },
        tenant: { id: tenantId },
        source: { name: 'message' },
      });
      return [cu, iu];
    },

    groupChatInstall(u, chat) {
      const conversation = conversationOf(chat);
      const cu = conversationUpdate(u, conversation, { tenant: { id: tenantId } }, { membersAdded: [{ id: botId }] });
      const iu = installationUpdate(u, 'add', conversation, { tenant: { id: tenantId } });
      return [cu, iu];
    },

    uninstall(u, where = u) {
      if (where.kind === 'team') {
        const conversation: TeamsConversationAccount = { isGroup: true, conversationType: 'channel', tenantId, id: where.id };
        const iu = installationUpdate(u, 'remove', conversation, {
          channel: { id: where.id },
          team: { aadGroupId: where.aadGroupId, name: where.name, id: where.id },
          tenant: { id: tenantId },
        });
        const cu = conversationUpdate(u, conversation, teamChannelData(where, 'teamMemberRemoved'), {
          membersRemoved: [{ id: botId }],
        });
        return [iu, cu];
      }
      const conversation = conversationOf(where);
      const iu = installationUpdate(u, 'remove', conversation, { tenant: { id: tenantId } });
      const cu = conversationUpdate(u, conversation, { tenant: { id: tenantId } }, { membersRemoved: [{ id: botId }] });
      return [iu, cu];
    },

    membersAdded(by, t, members) {
      const conversation: TeamsConversationAccount = { isGroup: true, conversationType: 'channel', tenantId, id: t.id };
      return conversationUpdate(by, conversation, teamChannelData(t, 'teamMemberAdded'), {
        membersAdded: members.map((m) => ({ id: m.id, aadObjectId: m.aadObjectId })),
      });
    },

    membersRemoved(by, t, members) {
      const conversation: TeamsConversationAccount = { isGroup: true, conversationType: 'channel', tenantId, id: t.id };
      return conversationUpdate(by, conversation, teamChannelData(t, 'teamMemberRemoved'), {
        membersRemoved: members.map((m) => ({ id: m.id, aadObjectId: m.aadObjectId })),
      });
    },

    actionExecute(u, target, verb, data = {}, opts = {}) {
      const thread = opts.threadId ?? opts.replyToId;
      const conversation =
        target.kind === 'channel' ? conversationOf(target, thread ? { threadId: thread } : {}) : conversationOf(target);
      const a = base('invoke', opts.id ?? newEventId(), u, conversation, channelDataOf(target), opts.timestamp);
      a.name = 'adaptiveCard/action';
      a.value = {
        action: {
          type: 'Action.Execute',
          ...(opts.actionId !== undefined ? { id: opts.actionId } : {}),
          ...(opts.title !== undefined ? { title: opts.title } : {}),
          verb,
          data,
        },
        trigger: opts.trigger ?? 'manual',
      };
      if (opts.replyToId !== undefined) a.replyToId = opts.replyToId;
      return a;
    },
  };
  return world;
}

// ---------------------------------------------------------------------------------------------
// Delivery
// ---------------------------------------------------------------------------------------------

export interface PostActivityResult {
  status: number;
  /** Parsed JSON when the response is JSON, the text otherwise, `undefined` when empty. */
  body: unknown;
  headers: Headers;
}

export interface PostActivityOptions {
  headers?: Record<string, string>;
  /** Path of the bot endpoint. Default '/api/messages'. */
  path?: string;
  /** Abort after this many ms. Default 15000 (Teams itself gives up after ~15 s). */
  timeoutMs?: number;
}

/**
 * POSTs one activity to `${baseUrl}/api/messages` the way the Bot Framework channel does
 * (JSON body, no auth unless given in `headers`).
 */
export async function postActivity(
  baseUrl: string,
  activity: object,
  opts: PostActivityOptions = {},
): Promise<PostActivityResult> {
  const url = `${baseUrl.replace(/\/+$/, '')}${opts.path ?? '/api/messages'}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...opts.headers },
    body: JSON.stringify(activity),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let body: unknown = undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, body, headers: res.headers };
}

/** Posts activities one after the other (e.g. the pair from `personalInstall`). */
export async function postActivities(
  baseUrl: string,
  activities: readonly object[],
  opts: PostActivityOptions = {},
): Promise<PostActivityResult[]> {
  const out: PostActivityResult[] = [];
  for (const a of activities) out.push(await postActivity(baseUrl, a, opts));
  return out;
}
