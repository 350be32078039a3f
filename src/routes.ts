// The contract between the Teams layer (src/teams/) and the features: who is acting, which verbs and
// commands exist, and the shape of a handler. Nothing here imports botbuilder.
import type { Language } from './config.js';
import type { Translate } from './cards/i18n.js';
import type { AdaptiveCard, CardRenderer } from './cards/render.js';
import type { AccessRule } from './access.js';

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

/** Who is acting, taken from the activity Teams sent (never from card data). */
export interface Actor {
  tenantId: string;
  aadObjectId: string;
  teamsUserId: string;
  name: string;
  locale: string;
  conversation: {
    id: string;
    kind: ConversationKind;
    /** Where Teams' connector for this conversation lives (for replies through the outbox). */
    serviceUrl: string;
    teamId?: string;
    channelId?: string;
  };
}

/** Someone who can be picked in a card: members of the conversation, and people Cadans knows. */
export interface Member {
  aadObjectId: string;
  name: string;
  email?: string;
}

export interface Directory {
  /**
   * Members of the conversation the action came from (a team's roster), plus known people; sorted
   * by name. May be up to a minute old (rosters are read once a minute per team and instance).
   */
  listMembers(options?: { fresh?: boolean }): Promise<Member[]>;
  /** One member by Entra object id, checked against the current roster when the cached one lacks them. */
  findMember(aadObjectId: string): Promise<Member | undefined>;
  /**
   * Whether someone is a member of a team (any team of the tenant, not only the one the action came
   * from), by the team's roster: read at most once a minute per team and instance, so someone who
   * left the team may keep access for up to a minute. False when the roster cannot be read.
   */
  isTeamMember(teamId: string, aadObjectId: string): Promise<boolean>;
  /**
   * The members of the team or group chat the action came from, read now (no known people, no
   * cache): a survey's audience. Throws when the roster cannot be read; empty in a personal chat.
   */
  teamRoster(): Promise<Member[]>;
}

export interface RouteContext {
  actor: Actor;
  directory: Directory;
  /** Language of the reply: the user's for 1:1 and group chats, the tenant's in a channel. */
  language: Language;
  t: Translate;
  cards: CardRenderer;
}

/** Every Action.Execute verb Cadans knows. A verb without a handler does not compile. */
export const VERBS = [
  'help.show',
  'help.command',
  'checklist.open',
  'survey.open',
  'cadence.open',
  'results.open',
  'roles.open',
  'privacy.open',
  'privacy.exportSelf',
  'privacy.exportPerson',
  'privacy.confirmErase',
  'privacy.erase',
  'roles.addSchool',
  'roles.grant',
  'roles.revoke',
  'roles.calendar',
  'roles.setRegion',
  'roles.saveHolidays',
  'roles.removeHolidays',
  'checklist.new',
  'checklist.start',
  'checklist.followUp',
  'checklist.view',
  'checklist.step',
  'checklist.setStatus',
  'checklist.take',
  'checklist.saveStep',
  'checklist.export',
  'checklist.repost',
  'checklist.addTemplate',
  'checklist.saveTemplate',
  'checklist.saveTemplateForm',
  'checklist.archiveTemplate',
  'outbox.retryFailed',
  'survey.create',
  'survey.edit',
  'survey.save',
  'survey.questions',
  'survey.saveQuestions',
  'survey.review',
  'survey.send',
  'survey.status',
  'survey.resendFailed',
  'survey.close',
  'survey.cancel',
  'survey.repost',
  'survey.export',
  'survey.schoolResults',
  'survey.exportSchool',
  'survey.openAnswers',
  'survey.removeAnswer',
  'survey.addTemplate',
  'survey.saveTemplate',
  'survey.archiveTemplate',
  'survey.answer',
  'survey.change',
  'survey.improve',
  'action.new',
  'action.save',
  'action.open',
  'action.done',
  'action.cancel',
  'action.list',
  'meeting.table',
  'meeting.editTable',
  'meeting.saveTable',
  'meeting.pauseTable',
  'meeting.removeTable',
  'meeting.setNext',
  'meeting.linkOutlook',
  'meeting.prep',
  'meeting.prepared',
  'meeting.addAgenda',
  'meeting.remindTomorrow',
  'meeting.cannotCome',
  'meeting.followUp',
  'meeting.record',
] as const;
export type Verb = (typeof VERBS)[number];
export type VerbHandler = (ctx: RouteContext, data: unknown) => Promise<AdaptiveCard>;
/** A verb's handler and who may use it where, checked (access.ts) before the handler runs. */
export interface VerbDefinition {
  access: AccessRule;
  handle: VerbHandler;
  /**
   * Keeps the card whose button was pressed: the handler's answer (or refusal) is posted as a new
   * message below it, and the invoke is answered with this card, so Teams shows it unchanged.
   */
  keep?: (ctx: RouteContext, data: unknown) => AdaptiveCard | Promise<AdaptiveCard>;
}

export const COMMANDS = ['help', 'checklist', 'survey', 'meetings', 'results', 'roles', 'privacy', 'myData'] as const;
export type CommandName = (typeof COMMANDS)[number];
export type CommandHandler = (ctx: RouteContext, args: string) => Promise<AdaptiveCard>;

/** Anchored patterns, Dutch and English: "help" matches, "helpful" does not. */
export const COMMAND_PATTERNS: Record<CommandName, RegExp> = {
  // Asking what Cadans can do, in the words people use: "help me", "wat kan je?", "menu", "hoi".
  help: /^(?:hulp(?: nodig)?|help(?: me| mij)?|helpen|\?|menu|start|opdrachten|commands?|hallo|hoi|hi|hello|hey|wat kan (?:je|jij|cadans)(?: allemaal)?(?: doen)?|wat kun (?:je|jij)(?: allemaal)?(?: doen)?|wat doe (?:je|jij)|what can you do|what do you do)$/,
  checklist: /^(?:checklists?)(?:\s+(.*))?$/,
  survey: /^(?:peiling(?:en)?|surveys?)(?:\s+(.*))?$/,
  meetings: /^(?:overleg(?:gen)?|meetings?)(?:\s+(.*))?$/,
  results: /^(?:resultaa?t(?:en)?|results?)(?:\s+(.*))?$/,
  roles: /^(?:rollen|roles?)(?:\s+(.*))?$/,
  // What Cadans keeps about you (AVG): "privacy", "avg", "gdpr"; your own export: "mijn gegevens", "my data".
  privacy: /^(?:privacy|avg|gdpr)(?:\s+(.*))?$/,
  myData: /^(?:mijn (?:gegevens|data)|my (?:data|personal data))$/,
};

/** A file someone sent in a personal chat (Teams' file download info), read with size and host limits. */
export interface IncomingFile {
  name: string;
  /** The text of the file, or null when it could not be read (too large, not allowed, gone). */
  read(): Promise<string | null>;
  /** The file's bytes (a spreadsheet), at most 1 MB; null when it could not be read. */
  readBytes?(): Promise<Buffer | null>;
}
export type FileHandler = (ctx: RouteContext, file: IncomingFile) => Promise<AdaptiveCard>;

export interface Routes {
  verbs: Record<Verb, VerbDefinition>;
  /** Checks a verb's access rule; throws the refusal. */
  authorize(ctx: RouteContext, rule: AccessRule, data: unknown): Promise<void>;
  commands: Record<CommandName, CommandHandler>;
  /** The answer to text that is no command. */
  unknownCommand(ctx: RouteContext, text: string): AdaptiveCard;
  onFile: FileHandler;
}

/**
 * What a command can be at most: text beyond this is cut off before any pattern runs, so a huge
 * message (120 KB of `<`) costs no more than a short one.
 */
export const MAX_COMMAND_TEXT = 1_000;

/** Turns what a person typed (after the @mention is removed) into a command, or null. */
export function parseCommand(text: string): { name: CommandName; args: string } | null {
  const normal = normaliseText(text);
  for (const name of COMMANDS) {
    const m = COMMAND_PATTERNS[name].exec(normal);
    if (m) return { name, args: (m[1] ?? '').trim() };
  }
  return null;
}

/**
 * Lower case, tags and &nbsp; as spaces, spaces collapsed, a leading `/` and trailing `.`/`!` gone;
 * at most MAX_COMMAND_TEXT characters are looked at. Every step is linear in the text: a tag is
 * `<` up to the next `>` with no `<` between (`<[^>]*>` would rescan the rest of the text from
 * every `<`), and the trailing punctuation is stripped by a loop, not a `[.!]+$` that rescans runs.
 */
export function normaliseText(text: string): string {
  const s = text
    .slice(0, MAX_COMMAND_TEXT)
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\/+/, '');
  let end = s.length;
  while (end > 0 && (s[end - 1] === '.' || s[end - 1] === '!' || s[end - 1] === '?')) end--;
  // "?" on its own asks for help: keep it.
  return (end === 0 && s.startsWith('?') ? '?' : s.slice(0, end)).toLowerCase();
}

/** The words commands start with, as people type them (the first word of each pattern). */
const COMMAND_WORDS = ['hulp', 'help', 'menu', 'checklist', 'peiling', 'survey', 'overleg', 'meetings', 'resultaten', 'results', 'rollen', 'roles', 'privacy'] as const;

/**
 * The command someone probably meant when what they typed is none ("checklst" → "checklist"):
 * the command word nearest to their first word, one typo away for short words and two for longer
 * ones; null when nothing is that close.
 */
export function suggestCommand(text: string): string | null {
  const word = normaliseText(text).split(' ')[0] ?? '';
  if (word.length < 3 || word.length > 20) return null;
  let best: { word: string; distance: number } | null = null;
  for (const candidate of COMMAND_WORDS) {
    const d = editDistance(word, candidate);
    if (!best || d < best.distance) best = { word: candidate, distance: d };
  }
  if (!best) return null;
  return best.distance <= (word.length <= 5 ? 1 : 2) ? best.word : null;
}

/** Levenshtein distance with adjacent swaps counted as one edit (both words are short). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
