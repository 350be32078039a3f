// The botbuilder adapter, with authentication done before the turn so that every token problem is a
// 401 (botbuilder's own process() answers 500 with the library's error text for a bad signature).
import type { Activity, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { AuthenticationConstants, AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import { CallerIdConstants } from 'botbuilder';
import type { Config } from '../config.js';

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

export class CadansAdapter extends TeamsAdapter {
  /** Authenticates, runs the turn, and gives back the HTTP answer (the invoke response, or 200). */
  async handle(body: unknown, authHeader: string, logic: (context: TurnContext) => Promise<void>): Promise<{ status: number; body?: unknown }> {
    const activity = toDates(body as Record<string, unknown>);
    let auth: AuthenticateRequestResult;
    try {
      auth = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    } catch (err) {
      const name = (err as Error)?.name ?? '';
      if (err instanceof AuthenticationError || TOKEN_ERRORS.has(name)) throw new HttpError(401, 'unauthorized');
      throw new HttpError(503, 'could not verify the request now');
    }
    const invoke = await this.processActivity(auth, activity, logic);
    return { status: invoke?.status ?? 200, body: invoke?.body };
  }
}

export function createAdapter(config: Pick<Config, 'botAuth'>): CadansAdapter {
  const a = config.botAuth;
  if (!a) return new CadansAdapter({}); // local mode: no authentication, as the Agents Playground expects
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
  });
}
