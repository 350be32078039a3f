// The outbox's transport over botbuilder's ConnectorClient: exactly one HTTP attempt per call, with a
// timeout. The only outbox file that knows botbuilder.
//
// Why not adapter.continueConversationAsync + sendActivity: the ConnectorClient behind it (an
// @azure/core-client ServiceClient) has `defaultRetryPolicy` in its pipeline, which retries 408 and
// 5xx three times and waits out any Retry-After on 429/503 with no cap. Passing
// `connectorClientOptions` does not help: ConnectorFactoryImpl replaces `requestPolicyFactories`,
// and those are added to the pipeline next to the retry policy, never instead of it. So this
// transport builds its clients with the adapter's own authentication (same credentials factory,
// audience and login endpoint as the adapter) and removes the pipeline's Retry phase. The outbox then
// owns retries, their bounds and Retry-After.
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import {
  AuthenticationConstants,
  ClaimsIdentity,
  type ConnectorClient,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import { parseRetryAfter } from '../outbox/model.js';
import type { ConversationTarget, OutboxActivity, PersonalTarget, Transport, TransportResult } from '../outbox/transport.js';

export interface ConnectorTransportOptions {
  /**
   * The adapter whose authentication to use (TeamsAdapter exposes both). Without it, or with an
   * empty config: no authentication, as in local mode against the Agents Playground or a fake.
   */
  adapter?: {
    readonly botFrameworkAuthConfig?: ConfigurationBotFrameworkAuthenticationOptions;
    readonly credentialsFactory?: ServiceClientCredentialsFactory;
  };
  /** The bot's app id ('' in local mode). */
  botAppId?: string;
  /** The bot account for createConversation; default `28:<botAppId>`. */
  botId?: string;
  /** Per HTTP request. Default 15 s. */
  timeoutMs?: number;
}

/** Network errors after which the request certainly did not reach Teams. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

interface PipelineLike {
  removePolicy(options: { name?: string; phase?: string }): unknown;
  getOrderedPolicies(): Array<{ name: string }>;
}

/** Removes the SDK's own retries; fails loudly if botbuilder's internals moved (an upgrade). */
export function removeRetryPolicies(client: ConnectorClient): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  if (!pipeline || typeof pipeline.removePolicy !== 'function' || typeof pipeline.getOrderedPolicies !== 'function') {
    throw new Error('connector transport: ConnectorClient has no reachable HTTP pipeline; cannot turn off its retries (botbuilder changed?)');
  }
  pipeline.removePolicy({ phase: 'Retry' });
  const left = pipeline.getOrderedPolicies().filter((p) => /retry/i.test(p.name));
  if (left.length > 0) throw new Error(`connector transport: retry policies still present: ${left.map((p) => p.name).join(', ')}`);
  return client;
}

export function createConnectorTransport(options: ConnectorTransportOptions = {}): Transport {
  const appId = options.botAppId ?? options.adapter?.botFrameworkAuthConfig?.MicrosoftAppId ?? '';
  const defaultBotId = options.botId ?? (appId ? `28:${appId}` : undefined);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const auth = new ConfigurationBotFrameworkAuthentication(options.adapter?.botFrameworkAuthConfig ?? {}, options.adapter?.credentialsFactory);
  // The identity CloudAdapter uses for proactive calls (createClaimsIdentity(botAppId)).
  const identity = new ClaimsIdentity([
    { type: AuthenticationConstants.AudienceClaim, value: appId },
    { type: AuthenticationConstants.AppIdClaim, value: appId },
  ]);
  const factory = auth.createConnectorFactory(identity);
  const clients = new Map<string, Promise<ConnectorClient>>();

  function clientFor(serviceUrl: string): Promise<ConnectorClient> {
    let p = clients.get(serviceUrl);
    if (!p) {
      p = factory.create(serviceUrl, undefined).then(removeRetryPolicies);
      p.catch(() => clients.delete(serviceUrl));
      clients.set(serviceUrl, p);
    }
    return p;
  }

  /** One request, bounded: the abort signal cancels the HTTP call; the race also bounds token acquisition. */
  async function once<T>(call: (client: ConnectorClient, signal: AbortSignal) => Promise<T>, serviceUrl: string): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' }));
      }, timeoutMs);
    });
    const work = clientFor(serviceUrl).then((client) => call(client, controller.signal));
    work.catch(() => undefined); // the race may have settled already
    try {
      return await Promise.race([work, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async send(target: ConversationTarget, activity: OutboxActivity): Promise<TransportResult> {
      try {
        const r = await once(
          (c, abortSignal) => c.conversations.sendToConversation(target.conversationId, activity as never, { abortSignal }),
          target.serviceUrl,
        );
        return { ok: true, ...(r.id ? { activityId: r.id } : {}), ...statusOf(r) };
      } catch (err) {
        return toFailure(err);
      }
    },

    async update(target: ConversationTarget, activityId: string, activity: OutboxActivity): Promise<TransportResult> {
      try {
        const body = { ...activity, id: activityId };
        const r = await once(
          (c, abortSignal) => c.conversations.updateActivity(target.conversationId, activityId, body as never, { abortSignal }),
          target.serviceUrl,
        );
        return { ok: true, activityId: r.id || activityId, ...statusOf(r) };
      } catch (err) {
        return toFailure(err);
      }
    },

    async createPersonal(target: PersonalTarget, activity: OutboxActivity): Promise<TransportResult> {
      const botId = target.botId ?? defaultBotId;
      if (!botId) {
        return { ok: false, status: 400, error: 'no bot account id for createConversation (set botId or a bot app id)' };
      }
      let conversationId: string;
      try {
        const created = await once(
          (c, abortSignal) =>
            c.conversations.createConversation(
              {
                isGroup: false,
                bot: { id: botId, name: '' },
                members: [{ id: target.userId, name: '' }],
                tenantId: target.tenantId,
                channelData: { tenant: { id: target.tenantId } },
              },
              { abortSignal },
            ),
          target.serviceUrl,
        );
        conversationId = created.id;
      } catch (err) {
        // Creating a 1:1 chat is idempotent in Teams (it returns the existing one): never a duplicate.
        return { ...toFailure(err), outcomeUnknown: false };
      }
      try {
        const r = await once(
          (c, abortSignal) => c.conversations.sendToConversation(conversationId, activity as never, { abortSignal }),
          target.serviceUrl,
        );
        return { ok: true, conversationId, ...(r.id ? { activityId: r.id } : {}), ...statusOf(r) };
      } catch (err) {
        return { ...toFailure(err), conversationId };
      }
    },
  };
}

/** The HTTP status of a successful call (the compat layer keeps the raw response on `_response`). */
function statusOf(result: unknown): { status?: number } {
  const status = (result as { _response?: { status?: unknown } } | undefined)?._response?.status;
  return typeof status === 'number' ? { status } : {};
}

/** A RestError, an abort, or a network error as the outbox's failure shape. */
export function toFailure(err: unknown): TransportResult & { ok: false } {
  const e = (err ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    statusCode?: number;
    response?: { status?: number; headers?: { get?(name: string): string | undefined } };
  };
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.response?.status === 'number' ? e.response.status : undefined;
  const message = String(e.message ?? err).slice(0, 300);
  if (status !== undefined) {
    const retryAfterMs = parseRetryAfter(e.response?.headers?.get?.('retry-after'), Date.now());
    return { ok: false, status, error: `${status} ${e.code ?? ''}: ${message}`.replace(/\s+:/, ':'), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return { ok: false, error: `timeout: ${message}`, outcomeUnknown: true };
  }
  const code = e.code ?? e.name ?? 'Error';
  return { ok: false, error: `${code}: ${message}`, outcomeUnknown: !NOT_SENT.has(code) };
}
