// HTTP: POST /api/messages for Teams, GET /healthz and /readyz for load balancers. No logic here:
// bodies are read with a size limit and checked for the shape of an activity, then handed on.
import restify from 'restify';
import type { Logger } from 'pino';

export interface Readiness {
  ready: boolean;
  checks: Record<string, unknown>;
}

export interface ServerDeps {
  log: Logger;
  maxBodyBytes: number;
  /** Runs the activity; resolves with the HTTP answer, or throws an error with a numeric `status`. */
  processActivity(body: unknown, authorization: string): Promise<{ status: number; body?: unknown }>;
  readiness(): Promise<Readiness>;
  /** exports: answers GET /exports/<token> (signed downloads, docs/exports.md); unset, the route is not served. */
  serveExport?(token: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer | string }>;
}

export interface HttpServer {
  server: restify.Server;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Stops taking requests and waits for those in flight, up to graceMs. */
  drain(graceMs: number): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: restify.Request, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        done = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!done) reject(err);
    });
  });
}

/** What an activity needs before botbuilder sees it; anything else is a 400 that changes nothing. */
export function parseActivityShape(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object (an activity)';
  const a = body as Record<string, unknown>;
  if (typeof a.type !== 'string' || a.type.length === 0) return 'activity.type is missing';
  const conv = a.conversation as Record<string, unknown> | undefined;
  if (typeof conv !== 'object' || conv === null || typeof conv.id !== 'string' || conv.id.length === 0) {
    return 'activity.conversation.id is missing';
  }
  if (typeof a.serviceUrl !== 'string' || !/^https?:\/\/[^\s]+$/.test(a.serviceUrl)) return 'activity.serviceUrl is missing or not a URL';
  if (a.from !== undefined && (typeof a.from !== 'object' || a.from === null)) return 'activity.from must be an object';
  return null;
}

/** A request path as logs may show it: a download link's token is its key, so it never appears. */
export function toLoggedUrl(url: string): string {
  return url
    .replace(/^(\/+exports)(?:\/[^?#]*)?/i, (_m, prefix: string) => `${prefix}/<token>`)
    .replace(/[A-Za-z0-9_%-]{16,}\.[A-Za-z0-9_%-]{40,}/g, '<token>') // a token under any other (encoded) path
    .replace(/\?.*$/, '?…');
}

function sendError(res: restify.Response, status: number, message: string) {
  res.status(status);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ error: message }));
}

export function createHttpServer(deps: ServerDeps): HttpServer {
  const { log } = deps;
  const server = restify.createServer({ name: 'cadans', handleUncaughtExceptions: false });
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | null = null;

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    if (draining) {
      res.setHeader('connection', 'close');
      return sendError(res, 503, 'shutting down');
    }
    inFlight++;
    try {
      const type = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(type)) return sendError(res, 415, 'content-type must be application/json');
      let raw: Buffer;
      try {
        raw = await readBody(req, deps.maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          res.setHeader('connection', 'close');
          return sendError(res, 413, `the body is larger than ${deps.maxBodyBytes} bytes`);
        }
        throw err;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendError(res, 400, 'the body is not valid JSON');
      }
      const problem = parseActivityShape(body);
      if (problem) return sendError(res, 400, problem);
      const auth = req.headers.authorization;
      const answer = await deps.processActivity(body, typeof auth === 'string' ? auth : '');
      res.status(answer.status);
      if (answer.body !== undefined) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer.body));
      } else res.end();
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 600) {
        log.warn({ status, reason: (err as Error).message }, 'request refused');
        if (!res.headersSent) sendError(res, status, (err as Error).message);
        return;
      }
      log.error({ err }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'internal error');
    } finally {
      inFlight--;
      if (inFlight === 0 && idle) idle();
    }
  });

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    res.json(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
    try {
      const r = await deps.readiness();
      res.json(r.ready && !draining ? 200 : 503, { status: r.ready && !draining ? 'ready' : 'not ready', ...r.checks, draining });
    } catch (err) {
      log.warn({ err }, 'readiness check failed');
      res.json(503, { status: 'not ready' });
    }
  });

  // exports: signed downloads; the answer, headers included, comes whole from serveExport. A
  // wildcard, not :token: the router caps named parameters at 100 characters, and tokens are longer.
  const { serveExport } = deps;
  if (serveExport) {
    server.get('/exports/*', async (req: restify.Request, res: restify.Response) => {
      inFlight++;
      try {
        const answer = await serveExport(String(req.params['*'] ?? ''));
        res.status(answer.status);
        for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
        res.end(answer.body);
      } catch (err) {
        log.error({ err }, 'export failed');
        if (!res.headersSent) sendError(res, 500, 'internal error');
      } finally {
        inFlight--;
        if (inFlight === 0 && idle) idle();
      }
    });
  }
  // exports end

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error, cb: () => void) => {
    log.debug({ err: err.message, url: toLoggedUrl(req.url ?? '') }, 'http error');
    cb();
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.removeListener('error', reject);
          const addr = server.address();
          const shownHost = host.includes(':') ? `[${host}]` : host;
          resolve({ port: addr.port, url: `http://${shownHost}:${addr.port}` });
        });
      });
    },
    async drain(graceMs) {
      draining = true;
      const closed = new Promise<void>((r) => server.close(() => r()));
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((r) => (idle = r)),
          new Promise<void>((r) => setTimeout(r, graceMs).unref()),
        ]);
      }
      // Idle keep-alive sockets would hold close() open.
      (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await Promise.race([closed, new Promise<void>((r) => setTimeout(r, 1000).unref())]);
    },
  };
}
