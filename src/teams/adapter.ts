// The botbuilder adapter, with authentication done before the turn so that every token problem is a
// 401 (botbuilder's own process() answers 500 with the library's error text for a bad signature).
import type { Activity, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import {
  AppCredentials,
  AuthenticationConstants,
  AuthenticationError,
  ConnectorFactory,
  MicrosoftAppCredentials,
  PasswordServiceClientCredentialFactory,
  type AuthenticatorResult,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { CallerIdConstants } from 'botbuilder';
import type { Config } from '../config.js';
import { TtlCache } from '../cache.js';

/** An HTTP status for the server to answer, with a message safe to show the caller. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

function toDates(a: Record<string, unknown>): Activity {
  for (const k of ['timestamp', 'localTimestamp', 'expiration'] as const) {
    const v = a[k];
    if (typeof v === 'string') {
      a[`raw${k[0]!.toUpperCase()}${k.slice(1)}`] = v;
      a[k] = new Date(v);
    }
  }
  return a as unknown as Activity;
}

/** The bot's app id as botbuilder derives it from the inbound claims (audience, else appid). */
function appIdOf(identity: ClaimsIdentity): string {
  return identity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? identity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** Clients kept for the life of the process; the size cap bounds them. */
type ClientCache<T> = TtlCache<Promise<T>>;

/**
 * Hands out one ConnectorClient per (app id, service URL, audience) instead of a new one per turn.
 * botbuilder's CloudAdapter builds a new ConnectorClient for every turn: credentials, an HTTP
 * pipeline and its policies, all thrown away after the reply. (The HTTP client underneath, and so
 * the kept-open connections, is shared by all of them either way.) A ConnectorClient holds no
 * per-turn state (its credentials cache their token), so one per service URL serves every turn.
 */
class ReusingConnectorFactory extends ConnectorFactory {
  constructor(private readonly inner: ConnectorFactory, private readonly appId: string, private readonly cache: ClientCache<ConnectorClient>) {
    super();
  }
  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.cache.share(`${this.appId}\n${serviceUrl}\n${audience ?? ''}`, () => this.inner.create(serviceUrl, audience));
  }
}

/** Service URLs are a handful per deployment (Teams' regional endpoints); the cap bounds the rest. */
const clientCache = <T>(): ClientCache<T> => new TtlCache<Promise<T>>({ ttlMs: Number.POSITIVE_INFINITY, max: 64 });

export class CadansAdapter extends TeamsAdapter {
  private readonly connectorClients = clientCache<ConnectorClient>();
  private readonly userTokenClients = clientCache<UserTokenClient>();
  private tokenClientsShared = false;

  /**
   * botbuilder also builds a UserTokenClient (with its own HTTP pipeline) for every turn, which
   * Cadans never uses (no sign-in cards): share one per app id.
   */
  private shareUserTokenClients(): void {
    if (this.tokenClientsShared) return;
    this.tokenClientsShared = true;
    const auth = this.botFrameworkAuthentication;
    const create = auth.createUserTokenClient.bind(auth);
    auth.createUserTokenClient = (identity: ClaimsIdentity) => this.userTokenClients.share(appIdOf(identity), () => create(identity));
  }

  /** Authenticates, runs the turn, and gives back the HTTP answer (the invoke response, or 200). */
  async handle(body: unknown, authHeader: string, logic: (context: TurnContext) => Promise<void>): Promise<{ status: number; body?: unknown }> {
    this.shareUserTokenClients();
    const activity = toDates(body as Record<string, unknown>);
    let auth: AuthenticateRequestResult;
    try {
      auth = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    } catch (err) {
      const name = (err as Error)?.name ?? '';
      if (err instanceof AuthenticationError || TOKEN_ERRORS.has(name)) throw new HttpError(401, 'unauthorized');
      throw new HttpError(503, 'could not verify the request now');
    }
    if (auth.connectorFactory) {
      auth.connectorFactory = new ReusingConnectorFactory(auth.connectorFactory, appIdOf(auth.claimsIdentity), this.connectorClients);
    }
    const invoke = await this.processActivity(auth, activity, logic);
    return { status: invoke?.status ?? 200, body: invoke?.body };
  }
}

/**
 * The bot's outgoing credentials with the token from a configured OAuth token endpoint
 * (BOT_TOKEN_ENDPOINT: client credentials with the client secret, as Entra's endpoint takes them),
 * through botframework-connector's own extension points (a credentials factory and AppCredentials,
 * which caches the token). Unset, botbuilder asks Entra through msal as usual.
 */
class TokenEndpointCredentials extends AppCredentials {
  constructor(appId: string, private readonly secret: string, private readonly endpoint: string, scope: string) {
    super(appId, undefined, scope);
  }
  protected async refreshToken(): Promise<AuthenticatorResult> {
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.appId, client_secret: this.secret, scope: `${this.oAuthScope}/.default` }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!res.ok || !body.access_token) throw new Error(`the token endpoint answered ${res.status} without a token`);
    return { accessToken: body.access_token, expiresOn: new Date(Date.now() + (body.expires_in ?? 3600) * 1000) };
  }
}

class TokenEndpointCredentialsFactory extends PasswordServiceClientCredentialFactory {
  constructor(appId: string, password: string, tenantId: string, private readonly endpoint: string) {
    super(appId, password, tenantId);
  }
  override async createCredentials(appId: string, audience?: string): Promise<AppCredentials> {
    if (await this.isAuthenticationDisabled()) return MicrosoftAppCredentials.Empty;
    if (!(await this.isValidAppId(appId))) throw new Error('Invalid appId.');
    return new TokenEndpointCredentials(appId, this.password ?? '', this.endpoint, audience || AuthenticationConstants.ToChannelFromBotOAuthScope);
  }
}

export function createAdapter(config: Pick<Config, 'botAuth'>): CadansAdapter {
  const a = config.botAuth;
  if (!a) return new CadansAdapter({}); // local mode: no authentication, as the Agents Playground expects
  const credentialsFactory = a.tokenEndpoint && a.password ? new TokenEndpointCredentialsFactory(a.appId, a.password, a.tenantId, a.tokenEndpoint) : undefined;
  return new CadansAdapter({
    MicrosoftAppId: a.appId,
    MicrosoftAppType: a.appType,
    MicrosoftAppTenantId: a.tenantId,
    MicrosoftAppPassword: a.password,
    CertificateThumbprint: a.certificateThumbprint,
    CertificatePrivateKey: a.certificatePrivateKey,
    // Setting one endpoint makes botbuilder treat all of them as given: pass the public cloud's.
    ...(a.openIdMetadataUrl
      ? {
          ToBotFromChannelOpenIdMetadataUrl: a.openIdMetadataUrl,
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
          CallerId: CallerIdConstants.PublicAzureChannel,
          ValidateAuthority: true,
        }
      : {}),
  }, credentialsFactory);
}
