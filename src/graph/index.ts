/**
 * The one door to Microsoft Entra ID and Microsoft Graph. Nothing outside `src/graph/` imports
 * msal-node or the Graph client.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { Client } from '@microsoft/microsoft-graph-client';
import { GraphError, GraphErrorCodes } from './errors.js';
import { createMemberLister } from './members.js';
import { createAppInstaller } from './apps.js';
import { createCalendar } from './calendar.js';
import { createMailer } from './mail.js';
import { AuthenticationMiddleware, FetchMiddleware, RetryMiddleware } from './middleware.js';
import { createMsalNetworkClient } from './msal-network-client.js';
import { createTokenProvider } from './token-provider.js';
import type { Graph, GraphOptions } from './types.js';

export { GraphError, GraphErrorCodes } from './errors.js';
export type { Graph, GraphCredentials, GraphOptions, TeamMember } from './types.js';
export { CADANS_TIME_ZONE, isNotFound } from './calendar.js';
export type {
  Attendee,
  CreatedEvent,
  CreateSeriesInput,
  DayOfWeek,
  EventRecurrence,
  GraphCalendar,
  ListOccurrencesInput,
  Occurrence,
  OccurrenceType,
  OutlookEvent,
  SeriesRecurrence,
  UpdateBodyResult,
} from './calendar.js';
export type { GraphMail, MailInput } from './mail.js';

const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
const DEFAULT_MAX_RETRIES = 3;
const MAX_MAX_RETRIES = 10;
const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRY_WAIT_MS = 30_000;
const DEFAULT_MAX_TOTAL_RETRY_WAIT_MS = 60_000;
const DEFAULT_PAGE_SIZE = 999;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Builds a Graph facade. No I/O happens here: the first token is requested by the first call.
 * Throws GraphError (code `invalid_options`) on a bad option.
 */
export function createGraph(options: GraphOptions): Graph {
  const graphBaseUrl = parseGraphBaseUrl(options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL);
  const authorityHost = parseAuthorityHost(options.authorityHost ?? DEFAULT_AUTHORITY_HOST);
  const maxRetries = parseInteger('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES, 0, MAX_MAX_RETRIES);
  const fetchTimeoutMs = parseInteger('fetchTimeoutMs', options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS, 1, 300_000);
  const maxRetryWaitMs = parseInteger('maxRetryWaitMs', options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS, 0, 300_000);
  const maxTotalRetryWaitMs = parseInteger(
    'maxTotalRetryWaitMs',
    options.maxTotalRetryWaitMs ?? DEFAULT_MAX_TOTAL_RETRY_WAIT_MS,
    0,
    3_600_000,
  );
  const pageSize = parseInteger('pageSize', options.pageSize ?? DEFAULT_PAGE_SIZE, 1, 999);
  assertCredentials(options.credentials);
  const logger = options.logger.child({ component: 'graph' });

  const graphOrigin = graphBaseUrl.origin;
  const tokens = createTokenProvider({
    credentials: options.credentials,
    authorityHost,
    ...(options.authorityMetadataJson ? { authorityMetadataJson: options.authorityMetadataJson } : {}),
    scope: `${graphOrigin}/.default`,
    networkClient: createMsalNetworkClient(fetchTimeoutMs),
    logger,
  });

  const client = Client.initWithMiddleware({
    baseUrl: graphOrigin,
    defaultVersion: graphBaseUrl.pathname.replace(/^\/+|\/+$/g, ''),
    middleware: [
      new RetryMiddleware({
        maxRetries,
        maxRetryWaitMs,
        maxTotalRetryWaitMs,
        sleep: options.sleep ?? ((ms) => sleepFor(ms)),
        logger,
      }),
      new AuthenticationMiddleware(tokens, graphOrigin),
      new FetchMiddleware(fetchTimeoutMs),
    ],
  });

  const calendar = createCalendar({ client, graphOrigin, pageSize, logger });
  const mail = createMailer({ client, logger });
  return {
    createSeries: calendar.createSeries,
    listOccurrences: calendar.listOccurrences,
    getEvent: calendar.getEvent,
    updateBody: calendar.updateBody,
    sendMail: mail.sendMail,
    listTeamMembers: createMemberLister({ client, graphOrigin, pageSize, logger }),
    installAppForUser: createAppInstaller({ client, graphBaseUrl: graphBaseUrl.href, logger }),
    getAccessToken: () => tokens.getAccessToken(),
  };
}

function parseGraphBaseUrl(value: string): URL {
  const url = parseUrl('graphBaseUrl', value);
  // Tokens travel to this origin: plain http only to this machine (tests, local fakes).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw createInvalidOptionError('graphBaseUrl must be https (http only for a loopback host)');
  }
  if (url.search || url.hash) throw createInvalidOptionError('graphBaseUrl must not have a query or fragment');
  return url;
}

function parseAuthorityHost(value: string): string {
  const url = parseUrl('authorityHost', value);
  if (url.protocol !== 'https:') throw createInvalidOptionError('authorityHost must be https');
  return url.origin;
}

function parseUrl(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw createInvalidOptionError(`${name} is not an absolute URL`);
  }
}

function parseInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw createInvalidOptionError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function assertCredentials(credentials: GraphOptions['credentials']): void {
  switch (credentials.kind) {
    case 'secret':
      if (!credentials.tenantId || !credentials.clientId || !credentials.clientSecret) {
        throw createInvalidOptionError('secret credentials need tenantId, clientId and clientSecret');
      }
      return;
    case 'certificate':
      if (!credentials.tenantId || !credentials.clientId || !credentials.thumbprintSha256 || !credentials.privateKeyPem) {
        throw createInvalidOptionError('certificate credentials need tenantId, clientId, thumbprintSha256 and privateKeyPem');
      }
      if (!/^[0-9a-fA-F]{64}$/.test(credentials.thumbprintSha256.replace(/:/g, ''))) {
        throw createInvalidOptionError('thumbprintSha256 must be 64 hex digits');
      }
      return;
    case 'managedIdentity':
      return;
  }
}

function createInvalidOptionError(message: string): GraphError {
  return new GraphError(message, { code: GraphErrorCodes.invalidOptions });
}
