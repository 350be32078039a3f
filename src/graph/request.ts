// Sending one Graph request and turning any failure into our GraphError; following @odata.nextLink
// on the Graph origin only. Used by calendar.ts and mail.ts.
import { GraphError as SdkGraphError, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { GraphError, GraphErrorCodes, redactSecrets } from './errors.js';
import { RequestState } from './middleware.js';

export type Method = 'get' | 'post' | 'patch';

/** Sends the request; a failure (HTTP status, timeout, token) becomes a GraphError with `status` when Graph answered. */
export async function send(request: GraphRequest, method: Method, body?: unknown): Promise<unknown> {
  const state = new RequestState();
  const withState = request.middlewareOptions([state]);
  try {
    if (method === 'get') return (await withState.get()) as unknown;
    if (method === 'post') return (await withState.post(body)) as unknown;
    return (await withState.patch(body)) as unknown;
  } catch (error) {
    throw state.failure ?? toGraphError(error);
  }
}

export function toGraphError(error: unknown): GraphError {
  if (error instanceof GraphError) return error;
  if (error instanceof SdkGraphError) {
    const status = error.statusCode > 0 ? error.statusCode : undefined;
    const code = error.code ?? undefined;
    const detail = redactSecrets(error.message || 'no message', []);
    return new GraphError(`Graph request failed${status ? ` with ${status}` : ''}${code ? ` (${code})` : ''}: ${detail}`, {
      ...(status !== undefined ? { status } : {}),
      ...(code ? { code } : {}),
    });
  }
  const message = error instanceof Error ? error.message : 'unknown error';
  return new GraphError(`Graph request failed: ${redactSecrets(message, [])}`);
}

/**
 * The request for an absolute @odata.nextLink, only on the Graph origin: a nextLink elsewhere would
 * make us send a bearer token wherever a response told us to (SSRF).
 */
export function toNextPageRequest(client: Client, nextLink: string, graphOrigin: string): GraphRequest {
  let url: URL;
  try {
    url = new URL(nextLink);
  } catch {
    throw new GraphError('Graph answered an @odata.nextLink that is not an absolute URL', { code: GraphErrorCodes.invalidResponse });
  }
  if (url.origin !== graphOrigin) {
    throw new GraphError(`Refused to follow an @odata.nextLink to ${url.origin}; only ${graphOrigin} is allowed`, {
      code: GraphErrorCodes.foreignNextLink,
    });
  }
  // The client's base URL is the origin; an empty version makes the SDK request path + query as given.
  return client.api(`${url.pathname}${url.search}`).version('');
}

export function invalidInput(message: string): GraphError {
  return new GraphError(message, { code: GraphErrorCodes.invalidOptions });
}

export function invalidResponse(message: string): GraphError {
  return new GraphError(message, { code: GraphErrorCodes.invalidResponse });
}

/** Entra object ids (GUIDs) and the like: nothing that could change the request path. */
const USER_ID = /^[0-9A-Za-z-]{1,64}$/;
export function assertUserId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !USER_ID.test(value)) throw invalidInput(`${name} must be an Entra object id`);
}

/**
 * A simple, strict check of an address Exchange will accept: one @, no spaces, quotes, angle
 * brackets or separators, a domain with a dot. Not RFC 5322 in full, on purpose.
 */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && EMAIL.test(value) && !value.startsWith('.') && !value.includes('..');
}

const CONTROL = /[\u0000-\u001f\u007f]/;
/** A one-line text (a subject, a name): present, bounded, no control characters. */
export function assertLine(name: string, value: unknown, maxLength: number): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength || CONTROL.test(value)) {
    throw invalidInput(`${name} must be 1 to ${maxLength} characters on one line`);
  }
}

/** An HTML body: a string of bounded length (Graph refuses request bodies over 4 MB). */
export const MAX_BODY_HTML_LENGTH = 500_000;
export function assertBodyHtml(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length > MAX_BODY_HTML_LENGTH) {
    throw invalidInput(`${name} must be a string of at most ${MAX_BODY_HTML_LENGTH} characters`);
  }
}

/** People to write to: a valid address and a name each, at most `max`, each address once (the first kept). */
export function checkRecipients(name: string, value: unknown, min: number, max: number): { email: string; name: string }[] {
  if (!Array.isArray(value)) throw invalidInput(`${name} must be a list`);
  const seen = new Set<string>();
  const result: { email: string; name: string }[] = [];
  for (const item of value as unknown[]) {
    const person = item as { email?: unknown; name?: unknown } | null;
    if (typeof person !== 'object' || person === null || !isEmailAddress(person.email)) {
      throw invalidInput(`${name}: every entry needs a valid email address`);
    }
    assertLine(`${name}: name`, person.name, 256);
    const key = person.email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ email: person.email, name: person.name });
  }
  if (result.length < min || result.length > max) throw invalidInput(`${name} must have ${min} to ${max} different addresses`);
  return result;
}
