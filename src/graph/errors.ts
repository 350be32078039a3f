/**
 * The one error type that leaves `src/graph/`. Callers branch on `status` (HTTP status, when there
 * was a response) and `code` (Graph's or Entra's error code, or one of ours below). Messages never
 * carry secrets, tokens or private keys: text from msal or a server is passed through
 * `redactSecrets` first.
 */
export class GraphError extends Error {
  status?: number;
  code?: string;

  constructor(message: string, details: { status?: number; code?: string } = {}) {
    super(message);
    this.name = 'GraphError';
    if (details.status !== undefined) this.status = details.status;
    if (details.code !== undefined) this.code = details.code;
  }
}

/** Codes of failures detected on our side (no server error code applies). */
export const GraphErrorCodes = {
  invalidOptions: 'invalid_options',
  timeout: 'timeout',
  networkError: 'network_error',
  invalidResponse: 'invalid_response',
  foreignNextLink: 'foreign_next_link',
  tooManyPages: 'too_many_pages',
  tokenUnavailable: 'token_unavailable',
} as const;

const MAX_MESSAGE_LENGTH = 500;

/** Replaces every occurrence of each secret in `text`, then bounds the length. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  // Bearer tokens and JWT-looking strings never belong in a message either.
  result = result.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [redacted]');
  result = result.replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
  return result.length > MAX_MESSAGE_LENGTH ? `${result.slice(0, MAX_MESSAGE_LENGTH)}…` : result;
}
