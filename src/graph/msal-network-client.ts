import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { GraphError, GraphErrorCodes } from './errors.js';

/**
 * The HTTP client msal-node uses for the token endpoint and the managed-identity endpoint.
 * msal's default client has no timeout on POST (the token request); this one bounds every request,
 * body included, by `timeoutMs`.
 */
export function createMsalNetworkClient(timeoutMs: number): INetworkModule {
  return {
    sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number) {
      return sendRequest<T>(url, 'GET', options, Math.min(timeout ?? timeoutMs, timeoutMs));
    },
    sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions) {
      return sendRequest<T>(url, 'POST', options, timeoutMs);
    },
  };
}

async function sendRequest<T>(
  url: string,
  method: 'GET' | 'POST',
  options: NetworkRequestOptions | undefined,
  timeoutMs: number,
): Promise<NetworkResponse<T>> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      headers: options?.headers ?? {},
      ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) {
      throw new GraphError(`Token request timed out after ${timeoutMs} ms`, { code: GraphErrorCodes.timeout });
    }
    const reason = error instanceof Error ? error.message : 'unknown';
    throw new GraphError(`Token request failed: ${reason}`, { code: GraphErrorCodes.networkError });
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new GraphError(`Token endpoint answered ${response.status} with a body that is not JSON`, {
      status: response.status,
      code: GraphErrorCodes.invalidResponse,
    });
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { headers, body: body as T, status: response.status };
}
