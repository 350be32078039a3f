import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import { GraphError, GraphErrorCodes } from './errors.js';
import type { TokenProvider } from './token-provider.js';

/*
 * The Graph client's middleware chain, built by hand: retry → authentication → fetch.
 * - The SDK's AuthenticationHandler sends no token to a host it does not recognise as Graph (and
 *   never over http), so a sovereign cloud or a local fake would get no Authorization header; ours
 *   attaches the token to the configured Graph origin only, and to nothing else.
 * - The SDK's RetryHandler sleeps with a real timer and allows a Retry-After of up to 180 s; ours
 *   clamps each wait, bounds the total, and takes an injectable sleep.
 * - The SDK's HTTPMessageHandler has no timeout; ours bounds the request, body included.
 */

/**
 * Per-request state handed to the chain through the SDK's middleware options. The SDK turns any
 * error thrown inside the chain into its own GraphError; the chain records ours here first so the
 * caller can rethrow the typed one.
 */
export class RequestState implements MiddlewareOptions {
  failure?: GraphError;
}

export interface RetrySettings {
  maxRetries: number;
  maxRetryWaitMs: number;
  maxTotalRetryWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  now?: () => number;
}

const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);
const BACKOFF_BASE_MS = 1000;

abstract class ChainLink implements Middleware {
  private next?: Middleware;

  setNext(middleware: Middleware): void {
    this.next = middleware;
  }

  protected async executeNext(context: Context): Promise<void> {
    if (!this.next) throw new Error(`${this.constructor.name} is not followed by another middleware`);
    await this.next.execute(context);
  }

  abstract execute(context: Context): Promise<void>;
}

export class RetryMiddleware extends ChainLink {
  constructor(private readonly settings: RetrySettings) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const { maxRetries, maxRetryWaitMs, maxTotalRetryWaitMs, sleep, logger } = this.settings;
    let waitedMs = 0;
    for (let attempt = 0; ; attempt += 1) {
      await this.executeNext(context);
      const response = context.response;
      if (!response || !RETRY_STATUSES.has(response.status) || attempt >= maxRetries) return;
      const now = this.settings.now?.() ?? Date.now();
      const waitMs = Math.min(computeRetryWaitMs(response.headers.get('retry-after'), attempt, now), maxRetryWaitMs);
      if (waitedMs + waitMs > maxTotalRetryWaitMs) {
        logger.warn({ status: response.status, path: toLoggablePath(context), waitedMs, waitMs }, 'graph: retry budget spent; giving up');
        return;
      }
      logger.warn(
        { status: response.status, path: toLoggablePath(context), retry: attempt + 1, maxRetries, waitMs },
        'graph: request throttled or unavailable; retrying',
      );
      await sleep(waitMs);
      waitedMs += waitMs;
    }
  }
}

/**
 * Retry-After in seconds or as an HTTP date; without one, exponential backoff (1 s, 2 s, 4 s …).
 */
export function computeRetryWaitMs(retryAfter: string | null, attempt: number, nowMs: number): number {
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const trimmed = retryAfter.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  return BACKOFF_BASE_MS * 2 ** attempt;
}

export class AuthenticationMiddleware extends ChainLink {
  constructor(
    private readonly tokens: TokenProvider,
    private readonly graphOrigin: string,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const url = new URL(toUrl(context));
    const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
    headers.delete('authorization');
    if (url.origin === this.graphOrigin) {
      try {
        headers.set('authorization', `Bearer ${await this.tokens.getAccessToken()}`);
      } catch (error) {
        throw recordFailure(context, error);
      }
    }
    context.options = { ...context.options, headers };
    await this.executeNext(context);
  }
}

export class FetchMiddleware extends ChainLink {
  constructor(private readonly timeoutMs: number) {
    super();
  }

  override setNext(): void {
    throw new Error('FetchMiddleware must be the last middleware');
  }

  async execute(context: Context): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await fetch(context.request, { ...(context.options as RequestInit | undefined), signal });
      // Read the body under the same deadline, then hand the SDK a buffered copy.
      const body = await response.arrayBuffer();
      const hasNoBody = response.status === 204 || response.status === 205 || response.status === 304;
      context.response = new Response(hasNoBody ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (signal.aborted) {
        throw recordFailure(
          context,
          new GraphError(`Graph request timed out after ${this.timeoutMs} ms`, { code: GraphErrorCodes.timeout }),
        );
      }
      const reason = error instanceof Error ? error.message : 'unknown';
      throw recordFailure(context, new GraphError(`Graph request failed: ${reason}`, { code: GraphErrorCodes.networkError }));
    }
  }
}

function recordFailure(context: Context, error: unknown): GraphError {
  const graphError =
    error instanceof GraphError
      ? error
      : new GraphError(error instanceof Error ? error.message : 'unknown error', { code: GraphErrorCodes.tokenUnavailable });
  const state = context.middlewareControl?.getMiddlewareOptions(RequestState) as RequestState | undefined;
  if (state) state.failure = graphError;
  return graphError;
}

function toUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

function toLoggablePath(context: Context): string {
  try {
    return new URL(toUrl(context)).pathname;
  } catch {
    return '(unparsable url)';
  }
}
