import {
  AuthError,
  ConfidentialClientApplication,
  LogLevel,
  ManagedIdentityApplication,
  ServerError,
  type AuthenticationResult,
  type Configuration,
  type INetworkModule,
  type NodeSystemOptions,
} from '@azure/msal-node';
import type { Logger } from 'pino';
import { GraphError, GraphErrorCodes, redactSecrets } from './errors.js';
import type { GraphCredentials } from './types.js';

export interface TokenProvider {
  getAccessToken(): Promise<string>;
}

export interface TokenProviderOptions {
  credentials: GraphCredentials;
  /** e.g. https://login.microsoftonline.com (no tenant, no trailing path). */
  authorityHost: string;
  authorityMetadataJson?: string;
  /** `${graph origin}/.default` */
  scope: string;
  networkClient: INetworkModule;
  logger: Logger;
}

/**
 * One msal application per provider, kept for the provider's lifetime, so msal's in-memory token
 * cache answers repeated calls and the token endpoint is hit only when the token is near expiry.
 * Concurrent callers share one in-flight request.
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const secrets = listSecrets(options.credentials);
  const acquire = createAcquire(options);
  let inFlight: Promise<string> | undefined;

  async function acquireOnce(): Promise<string> {
    try {
      const result = await acquire();
      if (!result?.accessToken) {
        throw new GraphError('No access token was returned', { code: GraphErrorCodes.tokenUnavailable });
      }
      return result.accessToken;
    } catch (error) {
      const graphError = toTokenError(error, secrets);
      options.logger.warn(
        { status: graphError.status, code: graphError.code, reason: graphError.message, credentialKind: options.credentials.kind },
        'graph: acquiring an access token failed',
      );
      throw graphError;
    }
  }

  return {
    getAccessToken(): Promise<string> {
      if (!inFlight) {
        inFlight = acquireOnce().finally(() => {
          inFlight = undefined;
        });
      }
      return inFlight;
    },
  };
}

function createAcquire(options: TokenProviderOptions): () => Promise<AuthenticationResult | null> {
  const { credentials } = options;
  const system = {
    networkClient: options.networkClient,
    loggerOptions: toMsalLoggerOptions(options.logger),
  };

  if (credentials.kind === 'managedIdentity') {
    /*
     * msal-node picks the managed-identity source from the environment on the first token request
     * (Service Fabric, App Service IDENTITY_ENDPOINT/IDENTITY_HEADER, Machine Learning, Cloud Shell,
     * Azure Arc, else IMDS) and keeps that source and its token cache in static fields shared by every
     * ManagedIdentityApplication in the process. So one managed identity per process; tests point
     * IDENTITY_ENDPOINT at the fake. `authorityHost` and `authorityMetadataJson` do not apply.
     */
    const app = new ManagedIdentityApplication({
      ...(credentials.clientId ? { managedIdentityIdParams: { userAssignedClientId: credentials.clientId } } : {}),
      system,
    });
    const resource = options.scope;
    return () => app.acquireToken({ resource });
  }

  const authority = `${options.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(credentials.tenantId)}`;
  const auth: Configuration['auth'] = {
    clientId: credentials.clientId,
    authority,
    ...(options.authorityMetadataJson
      ? {
          authorityMetadata: options.authorityMetadataJson,
          // Trust the configured host without calling Entra's instance-discovery endpoint.
          knownAuthorities: [new URL(options.authorityHost).host],
        }
      : {}),
    ...(credentials.kind === 'secret'
      ? { clientSecret: credentials.clientSecret }
      : {
          clientCertificate: {
            thumbprintSha256: credentials.thumbprintSha256.replace(/:/g, '').toLowerCase(),
            privateKey: credentials.privateKeyPem,
            ...(credentials.x5c ? { x5c: credentials.x5c } : {}),
          },
        }),
  };
  const app = new ConfidentialClientApplication({ auth, system });
  const scopes = [options.scope];
  // acquireTokenByClientCredential looks in msal's in-memory cache before calling the token endpoint.
  return () => app.acquireTokenByClientCredential({ scopes });
}

function listSecrets(credentials: GraphCredentials): string[] {
  switch (credentials.kind) {
    case 'secret':
      return [credentials.clientSecret];
    case 'certificate':
      return [credentials.privateKeyPem];
    case 'managedIdentity':
      return [];
  }
}

function toTokenError(error: unknown, secrets: readonly string[]): GraphError {
  if (error instanceof GraphError) {
    error.message = redactSecrets(error.message, secrets);
    return error;
  }
  if (error instanceof AuthError) {
    const status = error instanceof ServerError ? error.status : undefined;
    const code = error.errorCode || GraphErrorCodes.tokenUnavailable;
    const description = redactSecrets(readFirstLine(error.errorMessage), secrets);
    return new GraphError(`Token request failed (${code})${description ? `: ${description}` : ''}`, {
      ...(status !== undefined ? { status } : {}),
      code,
    });
  }
  const message = error instanceof Error ? error.message : 'unknown error';
  return new GraphError(`Token request failed: ${redactSecrets(message, secrets)}`, {
    code: GraphErrorCodes.tokenUnavailable,
  });
}

function readFirstLine(text: string | undefined): string {
  return (text ?? '').split(/\r?\n/)[0]?.trim() ?? '';
}

function toMsalLoggerOptions(logger: Logger): NonNullable<NodeSystemOptions['loggerOptions']> {
  return {
    piiLoggingEnabled: false,
    logLevel: LogLevel.Warning,
    loggerCallback(level, message, containsPii) {
      if (containsPii) return;
      // msal warns on every client-credentials token ("No client info in response"): debug, not warn.
      if (level === LogLevel.Error) logger.error({ source: 'msal' }, message);
      else logger.debug({ source: 'msal' }, message);
    },
  };
}
