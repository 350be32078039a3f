// Signed downloads, for any feature. A feature registers a download kind (its params as a zod
// schema, its formats, a build function) and gets a typed linkFor(); a link works for 15 minutes
// and a few downloads. serve() answers GET /exports/<token> with the kind's file, or with a short
// Dutch/English reason; the HTTP server only copies the answer (status, headers, body) onto the
// response. This folder knows no feature: what a file holds, and where it comes from, is the kind's.
import type { Logger } from 'pino';
import type { z } from 'zod';
import { TtlCache } from '../cache.js';
import { createExportToken, DEFAULT_LINK_LIFETIME_MS, FORMAT_NAME, KIND_NAME, verifyExportToken } from './signed-links.js';

export interface DownloadsDeps {
  /** EXPORT_SIGNING_SECRET: the same on every instance, or links break between them. */
  secret: string;
  /**
   * Where Cadans is reached from a browser (PUBLIC_BASE_URL, or the server's own URL in local mode).
   * A function, because the server's port is known only once it listens. Unset: linkFor gives a path.
   */
  baseUrl?: string | (() => string | undefined);
  now: () => Date;
  lifetimeMs?: number;
  /** Downloads one link allows (DEFAULT_DOWNLOADS_PER_LINK), counted per instance. */
  downloadsPerLink?: number;
  log?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * How often one link may be downloaded. A link is for the person who asked for it, to open a file
 * once or twice; a link that goes round (or a script behind it) gets 429 after this many. Counted
 * in memory, per instance: with N instances behind a load balancer a link may serve up to N times
 * this many before every instance refuses it. Enough to stop a link from serving a crowd, and no
 * database write per download.
 */
export const DEFAULT_DOWNLOADS_PER_LINK = 5;

/** What a kind's build gives: the file. */
export interface DownloadFile {
  /**
   * The name as the person should see it, accents and spaces welcome (`checklist-12 Inspectie café.xlsx`).
   * Made safe here: characters file systems refuse are dropped, and an ASCII name is derived for old clients.
   */
  filename: string;
  contentType: string;
  body: Buffer | string;
}

/** A kind of download a feature offers. P: its params (ids only: they are readable in the link), F: its formats. */
export interface DownloadKind<P extends object, F extends string> {
  /** The params a link carries: checked when a link is made, and again when it is used (a link outlives a deploy). */
  params: z.ZodType<P, z.ZodTypeDef, unknown>;
  /** The formats it makes (short lowercase words, such as `xlsx` and `csv`). */
  formats: readonly F[];
  /**
   * The file for a tenant, or null when what the params name is gone (or is not this tenant's): 404.
   * Loads by tenant and id, so a correctly signed link for tenant A never returns tenant B's data.
   */
  build(tenantId: string, params: P, format: F, context: { now: Date }): Promise<DownloadFile | null>;
  /** The 404 text, Dutch then English on the next line; unset, a general one. */
  goneText?: string;
  /**
   * For links made before kinds (`{"v":1,"tid","cid","fmt"}`, checklist exports): the params such
   * a link means. At most one kind answers them; remove once no such link can be unexpired.
   */
  v1Params?(v1: { cid: number }): unknown;
}

/** A registered kind's links, typed by its params and formats. */
export interface DownloadLinks<P extends object, F extends string> {
  /** `/exports/<token>`, absolute when a base URL is known; valid for the link lifetime from now. Throws on params the kind's schema refuses. */
  linkFor(tenantId: string, params: P, format: F): string;
}

export interface ExportResponse {
  status: number;
  /** The download's ASCII name (200 only). */
  filename?: string;
  contentType: string;
  /** Everything the HTTP server must send, Content-Type, Content-Disposition and Cache-Control included. */
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface Downloads {
  /** Adds a kind (once per name, before its links are used); the answer makes its links. */
  register<P extends object, F extends string>(kind: string, definition: DownloadKind<P, F>): DownloadLinks<P, F>;
  /** A link for any registered kind, checked at run time (tests, tools); features use their register answer. */
  linkFor(tenantId: string, kind: string, params: unknown, format: string): string;
  /**
   * The answer to GET /exports/<token>; never throws for a bad token: 400 malformed, unknown kind or
   * params the kind refuses, 403 altered, 410 expired, 429 after the link's downloads, 404 when the
   * kind finds nothing. Throws only when the kind's build does (the server answers 500).
   */
  serve(token: string): Promise<ExportResponse>;
}

// The registry holds kinds of every P and F; each is only ever called with what its own schema parsed.
type AnyKind = DownloadKind<object, string>;

export function createDownloads(deps: DownloadsDeps): Downloads {
  const lifetimeMs = deps.lifetimeMs ?? DEFAULT_LINK_LIFETIME_MS;
  const minutes = Math.round(lifetimeMs / 60_000);
  const maxDownloads = deps.downloadsPerLink ?? DEFAULT_DOWNLOADS_PER_LINK;
  const kinds = new Map<string, AnyKind>();
  let v1: { name: string; kind: AnyKind } | undefined;
  // Downloads per link (keyed by the signature: 43 characters, unique per link); an entry is kept as
  // long as its link works. Bounded: beyond `max` links, the oldest counts go first.
  const downloads = new TtlCache<number>({ ttlMs: lifetimeMs, max: 50_000, now: () => deps.now().getTime() });
  const base = () => (typeof deps.baseUrl === 'function' ? deps.baseUrl() : deps.baseUrl)?.replace(/\/+$/, '');

  const REFUSALS = {
    400: 'Deze downloadlink is ongeldig. Vraag in Teams een nieuwe aan.\nThis download link is not valid. Ask for a new one in Teams.',
    403: 'Deze downloadlink is veranderd en werkt daarom niet. Vraag in Teams een nieuwe aan.\nThis download link has been altered and does not work. Ask for a new one in Teams.',
    404: 'Dit bestand bestaat niet (meer).\nThis file does not exist (any more).',
    410: `Deze downloadlink is verlopen: een link werkt ${minutes} minuten. Vraag in Teams een nieuwe aan.\nThis download link has expired: a link works for ${minutes} minutes. Ask for a new one in Teams.`,
    429: `Deze downloadlink is al ${maxDownloads} keer gebruikt, vaker kan niet. Vraag in Teams een nieuwe aan.\nThis download link has been used ${maxDownloads} times, the most it allows. Ask for a new one in Teams.`,
  } as const;

  const refuse = (status: keyof typeof REFUSALS, text: string = REFUSALS[status]): ExportResponse => ({
    status,
    contentType: 'text/plain; charset=utf-8',
    headers: { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
    body: `${text}\n`,
  });

  function makeLink(tenantId: string, name: string, kind: AnyKind, params: unknown, format: string): string {
    if (!kind.formats.includes(format)) throw new Error(`download kind ${name} has no format ${format}`);
    const parsed = kind.params.parse(params); // a programming error: the feature asked for a link it cannot serve
    const token = createExportToken(deps.secret, { tenantId, kind: name, params: parsed as Record<string, unknown>, format, expiresAt: new Date(deps.now().getTime() + lifetimeMs) });
    return `${base() ?? ''}/exports/${token}`;
  }

  return {
    register<P extends object, F extends string>(name: string, definition: DownloadKind<P, F>): DownloadLinks<P, F> {
      if (!KIND_NAME.test(name)) throw new Error(`download kind ${name}: a name is lowercase letters, digits, '.' and '-' (at most 40)`);
      if (kinds.has(name)) throw new Error(`download kind ${name} is registered twice`);
      const bad = definition.formats.find((f) => !FORMAT_NAME.test(f));
      if (definition.formats.length === 0 || bad !== undefined) throw new Error(`download kind ${name}: formats are short lowercase words (${String(bad)})`);
      const kind = definition as unknown as AnyKind;
      if (definition.v1Params) {
        if (v1) throw new Error(`download kind ${name}: only one kind answers links made before kinds (${v1.name} does)`);
        v1 = { name, kind };
      }
      kinds.set(name, kind);
      return { linkFor: (tenantId, params, format) => makeLink(tenantId, name, kind, params, format) };
    },

    linkFor(tenantId, name, params, format) {
      const kind = kinds.get(name);
      if (!kind) throw new Error(`download kind ${name} is not registered`);
      return makeLink(tenantId, name, kind, params, format);
    },

    async serve(token) {
      const check = verifyExportToken(deps.secret, token, deps.now());
      if (!check.ok) {
        // A changed signature may be someone trying ids; never log the token itself.
        if (check.reason === 'badSignature') deps.log?.warn({ reason: check.reason }, 'export link refused');
        return refuse(check.reason === 'expired' ? 410 : check.reason === 'badSignature' ? 403 : 400);
      }
      const { tenantId, format } = check.claims;
      const legacy = check.claims.kind === null; // a link made before kinds (v 1)
      const kindName = check.claims.kind ?? v1?.name ?? 'v1';
      const kind = legacy ? v1?.kind : kinds.get(kindName);
      // Signed by us, so only a kind removed (or not yet known to this instance in a rolling deploy).
      if (!kind) {
        deps.log?.warn({ tenantId, kind: kindName }, 'export link names an unknown kind');
        return refuse(400);
      }
      const parsed = kind.params.safeParse(legacy && kind.v1Params ? kind.v1Params(check.claims.params as { cid: number }) : check.claims.params);
      if (!parsed.success || !kind.formats.includes(format)) {
        deps.log?.warn({ tenantId, kind: kindName, format }, 'export link params do not fit their kind');
        return refuse(400);
      }
      const params = parsed.data;
      const linkKey = token.slice(token.lastIndexOf('.') + 1);
      const used = downloads.get(linkKey)?.value ?? 0;
      if (used >= maxDownloads) {
        deps.log?.info({ tenantId, kind: kindName, params, format, downloads: used }, 'export link used up');
        return refuse(429);
      }
      downloads.set(linkKey, used + 1);
      const file = await kind.build(tenantId, params, format, { now: deps.now() });
      if (!file) return refuse(404, kind.goneText);
      const body = typeof file.body === 'string' ? Buffer.from(file.body, 'utf8') : file.body;
      const unicodeName = toSafeFilename(file.filename);
      const asciiName = toAsciiFilename(unicodeName);
      deps.log?.info({ tenantId, kind: kindName, params, format, bytes: body.length }, 'export served');
      return {
        status: 200,
        filename: asciiName,
        contentType: file.contentType,
        headers: {
          ...COMMON_HEADERS,
          'content-type': file.contentType,
          'content-disposition': toContentDisposition(asciiName, unicodeName),
          'content-length': String(body.length),
        },
        body,
      };
    },
  };
}

/** The link is the key: no caches, no referrer leaking it, no sniffing a CSV into HTML. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

function splitExtension(name: string): [stem: string, extension: string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [name, ''];
}

/** The name as written (é, ë kept), minus what file systems refuse; at most 120 characters before the extension. */
export function toSafeFilename(name: string): string {
  const clean = (s: string) =>
    // eslint-disable-next-line no-control-regex
    s.replace(/[\u0000-\u001F\u007F/\\:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim();
  const [stem, extension] = splitExtension(clean(name));
  const safeStem = stem.slice(0, 120).replace(/[\s.]+$/, '') || 'download';
  const safeExtension = extension.replace(/[^A-Za-z0-9]/g, '').slice(0, 10);
  return safeExtension ? `${safeStem}.${safeExtension}` : safeStem;
}

/** ASCII only, for old clients: the name without accents, lowercase, words joined by '-' (`checklist-12-inspectie-cafe.xlsx`). */
export function toAsciiFilename(name: string): string {
  const [stem, extension] = splitExtension(name);
  const slug = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  const ext = extension.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `${slug || 'download'}${ext ? `.${ext}` : ''}`;
}

/** RFC 6266: an ASCII filename for old clients, filename* (RFC 5987, UTF-8) for the rest. */
export function toContentDisposition(asciiName: string, unicodeName: string): string {
  const encoded = encodeURIComponent(unicodeName).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName.replace(/["\\]/g, '')}"; filename*=UTF-8''${encoded}`;
}
