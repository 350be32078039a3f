// Builds the Graph client from the bot registration in configuration: the same app identity signs in
// to Microsoft Graph (client secret, certificate, or the user-assigned managed identity).
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createGraph } from './index.js';
import type { Graph, GraphCredentials } from './types.js';

export function createGraphFromConfig(config: Pick<Config, 'botAuth' | 'graph'>, logger: Logger): Graph | null {
  const a = config.botAuth;
  if (!config.graph.enabled || !a) return null;
  let credentials: GraphCredentials;
  if (a.appType === 'UserAssignedMsi') credentials = { kind: 'managedIdentity', clientId: a.appId };
  else if (a.password) credentials = { kind: 'secret', tenantId: a.tenantId, clientId: a.appId, clientSecret: a.password };
  else credentials = { kind: 'certificate', tenantId: a.tenantId, clientId: a.appId, thumbprintSha256: config.graph.certificateThumbprintSha256 ?? '', privateKeyPem: a.certificatePrivateKey ?? '' };
  return createGraph({ credentials, authorityHost: config.graph.authorityHost, graphBaseUrl: config.graph.baseUrl, logger: logger.child({ component: 'graph' }) });
}
