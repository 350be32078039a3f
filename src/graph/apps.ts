// Installing the Teams app for a person, so Cadans can start a 1:1 chat with someone who never
// added it (a survey's recipient): POST /users/{id}/teamwork/installedApps with the app's id in the
// tenant's app catalog. Application permission TeamsAppInstallation.ReadWriteSelfForUser.All.
import { GraphError as SdkGraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import { GraphError, redactSecrets } from './errors.js';
import { RequestState } from './middleware.js';

export type InstallResult = 'installed' | 'alreadyInstalled';

export function createAppInstaller(options: { client: Client; graphBaseUrl: string; logger: Logger }) {
  const { client, logger } = options;
  const base = options.graphBaseUrl.replace(/\/+$/, '');
  return async function installAppForUser(userId: string, catalogAppId: string): Promise<InstallResult> {
    if (!/^[0-9a-zA-Z-]{1,64}$/.test(userId) || !/^[0-9a-zA-Z-]{1,64}$/.test(catalogAppId)) {
      throw new GraphError('installAppForUser: user id and catalog app id must be ids', { code: 'invalid_options' });
    }
    const state = new RequestState();
    try {
      await client
        .api(`/users/${encodeURIComponent(userId)}/teamwork/installedApps`)
        .middlewareOptions([state])
        .post({ 'teamsApp@odata.bind': `${base}/appCatalogs/teamsApps/${catalogAppId}` });
      logger.debug({ userId }, 'graph: installed the app for a user');
      return 'installed';
    } catch (error) {
      const status = state.failure?.status ?? (error instanceof SdkGraphError ? error.statusCode : undefined);
      if (status === 409) return 'alreadyInstalled';
      if (state.failure) throw state.failure;
      const message = error instanceof Error ? error.message : 'unknown error';
      throw new GraphError(`Graph request failed${status ? ` with ${status}` : ''}: ${redactSecrets(message, [])}`, status ? { status } : {});
    }
  };
}
