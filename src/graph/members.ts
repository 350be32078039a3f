import { GraphError as SdkGraphError, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { GraphError, GraphErrorCodes, redactSecrets } from './errors.js';
import { RequestState } from './middleware.js';
import type { TeamMember } from './types.js';

const MEMBER_FIELDS = ['id', 'displayName', 'mail', 'userPrincipalName', 'jobTitle', 'preferredLanguage'];
const USER_TYPE = '#microsoft.graph.user';
/** A group of 999 × 1000 members is far beyond any school board; more pages means a loop. */
const MAX_PAGES = 1000;

const pageSchema = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().optional(),
});

const userSchema = z.object({
  '@odata.type': z.string().optional(),
  id: z.string().min(1),
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  jobTitle: z.string().nullish(),
  preferredLanguage: z.string().nullish(),
});

export interface MemberListerOptions {
  client: Client;
  /** Origin of graphBaseUrl; @odata.nextLink is followed only on this origin. */
  graphOrigin: string;
  pageSize: number;
  logger: Logger;
}

export function createMemberLister(options: MemberListerOptions): (groupId: string) => Promise<TeamMember[]> {
  const { client, graphOrigin, pageSize, logger } = options;

  return async function listTeamMembers(groupId: string): Promise<TeamMember[]> {
    if (groupId.trim() === '') {
      throw new GraphError('groupId must not be empty', { code: GraphErrorCodes.invalidOptions });
    }
    const members: TeamMember[] = [];
    const followed = new Set<string>();
    let skipped = 0;
    let request = client
      .api(`/groups/${encodeURIComponent(groupId)}/members`)
      .select(MEMBER_FIELDS)
      .top(pageSize);

    for (let page = 1; ; page += 1) {
      const body = await sendGet(request);
      const parsed = pageSchema.safeParse(body);
      if (!parsed.success) {
        throw new GraphError('Graph answered a members page without a value array', {
          code: GraphErrorCodes.invalidResponse,
        });
      }
      for (const item of parsed.data.value) {
        const member = toTeamMember(item);
        if (member) members.push(member);
        else skipped += 1;
      }
      const nextLink = parsed.data['@odata.nextLink'];
      if (!nextLink) {
        logger.debug({ groupId, pages: page, members: members.length, skipped }, 'graph: listed team members');
        return members;
      }
      if (page >= MAX_PAGES || followed.has(nextLink)) {
        throw new GraphError(`Stopped following @odata.nextLink after ${page} pages`, {
          code: GraphErrorCodes.tooManyPages,
        });
      }
      followed.add(nextLink);
      request = toNextPageRequest(client, nextLink, graphOrigin);
    }
  };
}

/**
 * Follows the absolute nextLink as given, but only on the Graph origin: a nextLink elsewhere would
 * make us send a request (with a bearer token) wherever a response told us to (SSRF).
 */
function toNextPageRequest(client: Client, nextLink: string, graphOrigin: string): GraphRequest {
  let url: URL;
  try {
    url = new URL(nextLink);
  } catch {
    throw new GraphError('Graph answered an @odata.nextLink that is not an absolute URL', {
      code: GraphErrorCodes.invalidResponse,
    });
  }
  if (url.origin !== graphOrigin) {
    throw new GraphError(`Refused to follow an @odata.nextLink to ${url.origin}; only ${graphOrigin} is allowed`, {
      code: GraphErrorCodes.foreignNextLink,
    });
  }
  // The client's base URL is the origin; an empty version makes the SDK request path + query as given.
  return client.api(`${url.pathname}${url.search}`).version('');
}

async function sendGet(request: GraphRequest): Promise<unknown> {
  const state = new RequestState();
  try {
    return (await request.middlewareOptions([state]).get()) as unknown;
  } catch (error) {
    throw state.failure ?? toGraphError(error);
  }
}

function toGraphError(error: unknown): GraphError {
  if (error instanceof SdkGraphError) {
    const status = error.statusCode > 0 ? error.statusCode : undefined;
    const code = error.code ?? undefined;
    const detail = redactSecrets(error.message || 'no message', []);
    return new GraphError(`Graph request failed${status ? ` with ${status}` : ''}${code ? ` (${code})` : ''}: ${detail}`, {
      ...(status !== undefined ? { status } : {}),
      ...(code !== undefined ? { code } : {}),
    });
  }
  const message = error instanceof Error ? error.message : 'unknown error';
  return new GraphError(`Graph request failed: ${redactSecrets(message, [])}`);
}

function toTeamMember(item: unknown): TeamMember | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const type = (item as Record<string, unknown>)['@odata.type'];
  if (type !== undefined && type !== USER_TYPE) return undefined; // device, group, service principal …
  const parsed = userSchema.safeParse(item);
  if (!parsed.success) return undefined;
  const user = parsed.data;
  // Without @odata.type, only a user has a userPrincipalName.
  if (type === undefined && !user.userPrincipalName) return undefined;
  const member: TeamMember = {
    aadObjectId: user.id,
    displayName: user.displayName || user.userPrincipalName || user.mail || user.id,
  };
  if (user.mail) member.email = user.mail;
  if (user.userPrincipalName) member.userPrincipalName = user.userPrincipalName;
  if (user.jobTitle) member.jobTitle = user.jobTitle;
  if (user.preferredLanguage) member.preferredLanguage = user.preferredLanguage;
  return member;
}
