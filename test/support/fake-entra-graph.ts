/**
 * A local stand-in for Microsoft Entra ID (token endpoint, OpenID metadata, App Service managed
 * identity endpoint) and Microsoft Graph (group members with paging, app installation, and Outlook:
 * events, calendarView and sendMail, see fake-graph-calendar.ts), on 127.0.0.1 over plain http.
 * It records every request and can be told to fail the next requests to a path (a 429 with
 * Retry-After, a 503 …).
 *
 * msal-node refuses an http authority, so clients keep an https authority host and are handed
 * `authorityMetadataJson(tenantId)`, whose token_endpoint points here.
 */
import { createHash, createPublicKey, randomBytes, verify as verifySignature, constants as cryptoConstants } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeCalendars } from './fake-graph-calendar.js';

export type { OccurrenceChange, SentMail } from './fake-graph-calendar.js';
/** The calendars and mail of the fake: state, and the hooks a test uses to act as a person in Outlook. */
export type FakeCalendars = Omit<ReturnType<typeof createFakeCalendars>, 'handle'>;

export interface RecordedRequest {
  kind: 'metadata' | 'token' | 'managedIdentity' | 'graph' | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FakeDirectoryObject {
  '@odata.type': string;
  id: string;
  [field: string]: unknown;
}

export interface FailureOptions {
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** How many of the next matching requests fail. Default 1. */
  times?: number;
}

export interface SecretApp {
  clientId: string;
  clientSecret: string;
}

export interface CertificateApp {
  clientId: string;
  publicKeyPem: string;
  /** Hex SHA-256 thumbprint expected in the assertion's x5t#S256 header. */
  thumbprintSha256: string;
}

export interface ManagedIdentityConfig {
  /** Value the client must send in X-IDENTITY-HEADER (App Service's IDENTITY_HEADER). */
  identityHeader: string;
}

export interface FakeEntraGraph {
  /** http://127.0.0.1:port */
  readonly origin: string;
  /** http://127.0.0.1:port/v1.0 */
  readonly graphBaseUrl: string;
  /** App Service managed-identity endpoint (IDENTITY_ENDPOINT). */
  readonly managedIdentityEndpoint: string;
  readonly requests: readonly RecordedRequest[];
  tokenEndpoint(tenantId: string): string;
  /** OpenID metadata JSON for `https://login.microsoftonline.com/{tenantId}` with endpoints here. */
  authorityMetadataJson(tenantId: string): string;
  addSecretApp(app: SecretApp): void;
  addCertificateApp(app: CertificateApp): void;
  configureManagedIdentity(config: ManagedIdentityConfig): void;
  setGroupMembers(groupId: string, members: FakeDirectoryObject[]): void;
  /** Outlook calendars and sent mail: state and test hooks (move or cancel an occurrence …). */
  readonly calendars: FakeCalendars;
  /** The app installations made through POST /users/{id}/teamwork/installedApps. */
  installedApps(): { userId: string; teamsAppId: string }[];
  /** The next `times` requests to `path` (exact pathname) answer `status`. */
  failNext(path: string, status: number, options?: FailureOptions): void;
  /** The next `times` requests to `path` get no answer at all (for timeouts). */
  stallNext(path: string, times?: number): void;
  /** Makes @odata.nextLink point at another origin (for the SSRF guard). */
  setNextLinkOrigin(origin: string): void;
  requestsOf(kind: RecordedRequest['kind']): RecordedRequest[];
  /** Every access token the token endpoint issued, with its audience (the resource) and client id. */
  issuedTokens(): { token: string; audience: string; clientId: string }[];
  close(): Promise<void>;
}

const ISSUER_HOST = 'https://login.microsoftonline.com';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;
const TOKEN_LIFETIME_SECONDS = 3599;

interface IssuedToken {
  audience: string;
  subject: string;
  expiresAt: number;
}

interface PendingFailure {
  status: number;
  retryAfter?: number;
  remaining: number;
}

export async function startFakeEntraGraph(): Promise<FakeEntraGraph> {
  const requests: RecordedRequest[] = [];
  const installs = new Set<string>();
  const secretApps = new Map<string, SecretApp>();
  const certificateApps = new Map<string, CertificateApp>();
  const groups = new Map<string, FakeDirectoryObject[]>();
  const tokens = new Map<string, IssuedToken>();
  const failures = new Map<string, PendingFailure[]>();
  const stalls = new Map<string, number>();
  const calendars = createFakeCalendars();
  let managedIdentity: ManagedIdentityConfig | undefined;
  let nextLinkOrigin: string | undefined;
  let origin = '';

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      sendJson(res, 500, { error: { code: 'FakeServerError', message: String(error) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const body = await readBody(req);
    const kind = classify(req.method ?? 'GET', url.pathname);
    requests.push({
      kind,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
    });

    const stallsLeft = stalls.get(url.pathname) ?? 0;
    if (stallsLeft > 0) {
      stalls.set(url.pathname, stallsLeft - 1);
      return; // never answered; close() ends the connection
    }

    const failure = takeFailure(url.pathname);
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
      const errorBody =
        kind === 'token'
          ? { error: 'temporarily_unavailable', error_description: `AADSTS50000: injected ${failure.status}` }
          : { error: { code: failure.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: `Injected ${failure.status}` } };
      sendJson(res, failure.status, errorBody, headers);
      return;
    }

    switch (kind) {
      case 'metadata':
        sendJson(res, 200, JSON.parse(toAuthorityMetadataJson(readTenant(url.pathname))));
        return;
      case 'token':
        handleToken(url, body, res);
        return;
      case 'managedIdentity':
        handleManagedIdentity(req, url, res);
        return;
      case 'graph': {
        if (!isAuthorized(req)) {
          sendJson(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } });
          return;
        }
        const answer = calendars.handle(req.method ?? 'GET', url, req.headers, body, nextLinkOrigin ?? origin);
        if (answer) {
          // Two calls: restify (loaded when Cadans runs in the same process) patches writeHead, and its version does not return the response.
          if (answer.body === undefined) {
            res.writeHead(answer.status, answer.headers ?? {});
            res.end();
          }
          else sendJson(res, answer.status, answer.body, answer.headers);
        } else if (req.method === 'POST') handleInstall(req, url, body, res);
        else handleMembers(req, url, res);
        return;
      }
      default:
        sendJson(res, 404, { error: { code: 'NotFound', message: 'No such route in the fake' } });
    }
  }

  function classify(method: string, path: string): RecordedRequest['kind'] {
    if (method === 'GET' && /^\/[^/]+\/v2\.0\/\.well-known\/openid-configuration$/.test(path)) return 'metadata';
    if (method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) return 'token';
    if (method === 'GET' && path === '/msi/token') return 'managedIdentity';
    if (method === 'GET' && /^\/v1\.0\/groups\/[^/]+\/members$/.test(path)) return 'graph';
    if (method === 'POST' && /^\/v1\.0\/users\/[^/]+\/teamwork\/installedApps$/.test(path)) return 'graph';
    if (/^\/v1\.0\/users\/[^/]+\/(events|calendar\/events|calendarView|calendar\/calendarView|sendMail)(\/[^/]+)?$/.test(path)) return 'graph';
    return 'unknown';
  }

  function takeFailure(path: string): PendingFailure | undefined {
    const queue = failures.get(path);
    const failure = queue?.[0];
    if (!queue || !failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) queue.shift();
    return failure;
  }

  function handleToken(url: URL, body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const clientId = form.get('client_id') ?? '';
    const scope = form.get('scope') ?? '';
    if (form.get('grant_type') !== 'client_credentials') {
      sendOAuthError(res, 400, 'unsupported_grant_type', 'AADSTS70003: only client_credentials is supported by the fake');
      return;
    }
    const scopes = scope.split(' ').filter((s) => s !== '' && s !== 'openid' && s !== 'profile' && s !== 'offline_access');
    if (scopes.length !== 1 || !scopes[0]?.endsWith('/.default')) {
      sendOAuthError(res, 400, 'invalid_scope', 'AADSTS1002012: the scope must be one resource with /.default');
      return;
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    let authenticated = false;
    if (secret !== null) {
      authenticated = secretApps.get(clientId)?.clientSecret === secret;
    } else if (assertion !== null && form.get('client_assertion_type') === ASSERTION_TYPE) {
      const app = certificateApps.get(clientId);
      authenticated = app !== undefined && isValidAssertion(assertion, app, `${origin}${url.pathname}`);
    }
    if (!authenticated) {
      sendOAuthError(res, 401, 'invalid_client', 'AADSTS7000215: Invalid client secret or assertion provided.');
      return;
    }
    const accessToken = issueToken(scopes[0].slice(0, -'/.default'.length), clientId);
    sendJson(res, 200, {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
    });
  }

  function handleManagedIdentity(req: IncomingMessage, url: URL, res: ServerResponse): void {
    if (!managedIdentity || req.headers['x-identity-header'] !== managedIdentity.identityHeader) {
      sendJson(res, 401, { error: 'invalid_request', error_description: 'missing or wrong X-IDENTITY-HEADER' });
      return;
    }
    const resource = url.searchParams.get('resource');
    if (url.searchParams.get('api-version') !== '2019-08-01' || !resource) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'api-version 2019-08-01 and resource are required' });
      return;
    }
    const clientId = url.searchParams.get('client_id') ?? 'system-assigned';
    const accessToken = issueToken(resource.replace(/\/\.default$/, '').replace(/\/+$/, ''), clientId);
    sendJson(res, 200, {
      access_token: accessToken,
      expires_on: String(Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS),
      resource,
      token_type: 'Bearer',
      client_id: clientId,
    });
  }

  function isAuthorized(req: IncomingMessage): boolean {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = token ? tokens.get(token) : undefined;
    return issued !== undefined && issued.expiresAt >= Date.now() && issued.audience === origin;
  }

  /** POST /users/{id}/teamwork/installedApps: installs an app for a user (409 when it already is). */
  function handleInstall(req: IncomingMessage, url: URL, body: string, res: ServerResponse): void {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = token ? tokens.get(token) : undefined;
    if (!issued || issued.expiresAt < Date.now() || issued.audience !== origin) {
      sendJson(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } });
      return;
    }
    const userId = decodeURIComponent(url.pathname.split('/')[3] ?? '');
    let bind = '';
    try {
      bind = String((JSON.parse(body) as Record<string, unknown>)['teamsApp@odata.bind'] ?? '');
    } catch {
      // bad JSON: refused below
    }
    const m = /\/appCatalogs\/teamsApps\/([^/]+)$/.exec(bind);
    if (!m) {
      sendJson(res, 400, { error: { code: 'BadRequest', message: 'teamsApp@odata.bind is missing or malformed' } });
      return;
    }
    const key = `${userId}|${m[1]}`;
    if (installs.has(key)) {
      sendJson(res, 409, { error: { code: 'Conflict', message: 'App is already installed for this user.' } });
      return;
    }
    installs.add(key);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `inst-${installs.size}` }));
  }

  function handleMembers(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const issued = token ? tokens.get(token) : undefined;
    if (!issued || issued.expiresAt < Date.now() || issued.audience !== origin) {
      sendJson(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } });
      return;
    }
    const groupId = decodeURIComponent(url.pathname.split('/')[3] ?? '');
    const members = groups.get(groupId);
    if (!members) {
      sendJson(res, 404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${groupId}' does not exist.` } });
      return;
    }
    const top = Math.min(Number(url.searchParams.get('$top') ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const skipToken = url.searchParams.get('$skiptoken');
    const offset = skipToken ? Number(Buffer.from(skipToken, 'base64url').toString('utf8')) : 0;
    const select = url.searchParams.get('$select')?.split(',').filter(Boolean);
    const page = members.slice(offset, offset + top).map((member) => project(member, select));
    const responseBody: Record<string, unknown> = {
      '@odata.context': `${origin}/v1.0/$metadata#directoryObjects`,
      value: page,
    };
    if (offset + top < members.length) {
      const next = new URL(`${nextLinkOrigin ?? origin}${url.pathname}`);
      next.searchParams.set('$top', String(top));
      if (select) next.searchParams.set('$select', select.join(','));
      next.searchParams.set('$skiptoken', Buffer.from(String(offset + top), 'utf8').toString('base64url'));
      responseBody['@odata.nextLink'] = next.toString();
    }
    sendJson(res, 200, responseBody);
  }

  function issueToken(audience: string, subject: string): string {
    const token = `fake-at-${randomBytes(16).toString('hex')}`;
    tokens.set(token, { audience, subject, expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000 });
    return token;
  }

  function toAuthorityMetadataJson(tenantId: string): string {
    const tenant = encodeURIComponent(tenantId);
    return JSON.stringify({
      token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${ISSUER_HOST}/${tenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    graphBaseUrl: `${origin}/v1.0`,
    managedIdentityEndpoint: `${origin}/msi/token`,
    requests,
    tokenEndpoint: (tenantId) => `${origin}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`,
    authorityMetadataJson: toAuthorityMetadataJson,
    addSecretApp: (app) => void secretApps.set(app.clientId, app),
    issuedTokens: () => [...tokens].map(([token, t]) => ({ token, audience: t.audience, clientId: t.subject })),
    addCertificateApp: (app) => void certificateApps.set(app.clientId, app),
    configureManagedIdentity: (config) => {
      managedIdentity = config;
    },
    setGroupMembers: (groupId, members) => void groups.set(groupId, members),
    calendars,
    installedApps: () => [...installs].map((k) => ({ userId: k.split('|')[0]!, teamsAppId: k.split('|')[1]! })),
    failNext(path, status, options = {}) {
      const queue = failures.get(path) ?? [];
      queue.push({ status, remaining: options.times ?? 1, ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}) });
      failures.set(path, queue);
    },
    stallNext(path, times = 1) {
      stalls.set(path, (stalls.get(path) ?? 0) + times);
    },
    setNextLinkOrigin(value) {
      nextLinkOrigin = value;
    },
    requestsOf: (kind) => requests.filter((r) => r.kind === kind),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Checks a private_key_jwt client assertion as Entra does: the x5t#S256 header names the registered
 * certificate, the signature (PS256 or RS256) verifies with its key, iss = sub = client id, aud is the
 * token endpoint, and it has not expired.
 */
function isValidAssertion(assertion: string, app: CertificateApp, tokenEndpoint: string): boolean {
  const [headerPart, payloadPart, signaturePart] = assertion.split('.');
  if (!headerPart || !payloadPart || !signaturePart) return false;
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return false;
  }
  const expectedThumbprint = Buffer.from(app.thumbprintSha256, 'hex').toString('base64url');
  if (header['x5t#S256'] !== expectedThumbprint) return false;
  const key = createPublicKey(app.publicKeyPem);
  const data = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const signatureValid =
    header.alg === 'PS256'
      ? verifySignature('sha256', data, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_AUTO }, signature)
      : header.alg === 'RS256'
        ? verifySignature('sha256', data, key, signature)
        : false;
  if (!signatureValid) return false;
  const now = Math.floor(Date.now() / 1000);
  return (
    payload.iss === app.clientId &&
    payload.sub === app.clientId &&
    payload.aud === tokenEndpoint &&
    typeof payload.exp === 'number' &&
    payload.exp > now
  );
}

function project(member: FakeDirectoryObject, select: string[] | undefined): Record<string, unknown> {
  if (!select) return { ...member };
  const projected: Record<string, unknown> = { '@odata.type': member['@odata.type'] };
  for (const field of select) {
    // Graph answers null for a selected property that has no value, or that the type lacks.
    projected[field] = field in member ? member[field] : null;
  }
  return projected;
}

function readTenant(path: string): string {
  return decodeURIComponent(path.split('/')[1] ?? '');
}

function sendOAuthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, {
    error,
    error_description: `${description}\r\nTrace ID: ${randomBytes(8).toString('hex')}\r\nCorrelation ID: ${randomBytes(8).toString('hex')}\r\nTimestamp: ${new Date().toISOString()}`,
    error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
    timestamp: new Date().toISOString(),
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** SHA-256 thumbprint (hex) of DER bytes, as Entra shows for an uploaded certificate. */
export function computeThumbprintSha256(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}
