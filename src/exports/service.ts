// Download links for checklist exports: linkFor() makes a signed link that works for 15 minutes;
// serve() answers GET /exports/<token> with the file, or with a short Dutch/English reason.
// The HTTP server only copies the answer (status, headers, body) onto the response.
import type { Logger } from 'pino';
import { TtlCache } from '../cache.js';
import type { Queryable } from '../db/pool.js';
import { buildChecklistCsv, buildChecklistXlsx } from '../checklists/export.js';
import { getChecklist, listEvents, type Checklist } from '../checklists/store.js';
import { createExportToken, DEFAULT_LINK_LIFETIME_MS, verifyExportToken, type ExportFormat } from './signed-links.js';

export interface ExportLinksDeps {
  db: Queryable;
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

export interface ExportResponse {
  status: number;
  /** The download's name (200 only). */
  filename?: string;
  contentType: string;
  /** Everything the HTTP server must send, Content-Type, Content-Disposition and Cache-Control included. */
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface ExportLinks {
  /** `/exports/<token>`, absolute when a base URL is known; valid for the link lifetime from now. */
  linkFor(tenantId: string, checklistId: number, format: ExportFormat): string;
  /** The answer to GET /exports/<token>; never throws for a bad token (400, 403, 410), 404 when the checklist is gone, 429 after the link's downloads. */
  serve(token: string): Promise<ExportResponse>;
}

export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

export function createExportLinks(deps: ExportLinksDeps): ExportLinks {
  const lifetimeMs = deps.lifetimeMs ?? DEFAULT_LINK_LIFETIME_MS;
  const minutes = Math.round(lifetimeMs / 60_000);
  const maxDownloads = deps.downloadsPerLink ?? DEFAULT_DOWNLOADS_PER_LINK;
  // Downloads per link (keyed by the signature: 43 characters, unique per link); an entry is kept as
  // long as its link works. Bounded: beyond `max` links, the oldest counts go first.
  const downloads = new TtlCache<number>({ ttlMs: lifetimeMs, max: 50_000, now: () => deps.now().getTime() });
  const base = () => (typeof deps.baseUrl === 'function' ? deps.baseUrl() : deps.baseUrl)?.replace(/\/+$/, '');

  const REFUSALS = {
    400: 'Deze downloadlink is ongeldig. Vraag in Teams een nieuwe aan.\nThis download link is not valid. Ask for a new one in Teams.',
    403: 'Deze downloadlink is veranderd en werkt daarom niet. Vraag in Teams een nieuwe aan.\nThis download link has been altered and does not work. Ask for a new one in Teams.',
    404: 'Deze checklist bestaat niet (meer).\nThis checklist does not exist (any more).',
    410: `Deze downloadlink is verlopen: een link werkt ${minutes} minuten. Vraag in Teams een nieuwe aan.\nThis download link has expired: a link works for ${minutes} minutes. Ask for a new one in Teams.`,
    429: `Deze downloadlink is al ${maxDownloads} keer gebruikt, vaker kan niet. Vraag in Teams een nieuwe aan.\nThis download link has been used ${maxDownloads} times, the most it allows. Ask for a new one in Teams.`,
  } as const;

  const refuse = (status: keyof typeof REFUSALS): ExportResponse => ({
    status,
    contentType: 'text/plain; charset=utf-8',
    headers: { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
    body: `${REFUSALS[status]}\n`,
  });

  return {
    linkFor(tenantId, checklistId, format) {
      const token = createExportToken(deps.secret, { tenantId, checklistId, format, expiresAt: new Date(deps.now().getTime() + lifetimeMs) });
      return `${base() ?? ''}/exports/${token}`;
    },

    async serve(token) {
      const check = verifyExportToken(deps.secret, token, deps.now());
      if (!check.ok) {
        // A changed signature may be someone trying ids; never log the token itself.
        if (check.reason === 'badSignature') deps.log?.warn({ reason: check.reason }, 'export link refused');
        return refuse(check.reason === 'expired' ? 410 : check.reason === 'badSignature' ? 403 : 400);
      }
      const { tenantId, checklistId, format } = check.claims;
      const linkKey = token.slice(token.lastIndexOf('.') + 1);
      const used = downloads.get(linkKey)?.value ?? 0;
      if (used >= maxDownloads) {
        deps.log?.info({ tenantId, checklistId, format, downloads: used }, 'export link used up');
        return refuse(429);
      }
      downloads.set(linkKey, used + 1);
      const checklist = await getChecklist(deps.db, tenantId, checklistId);
      if (!checklist) return refuse(404);
      const events = await listEvents(deps.db, checklist.id);
      const exportedAt = deps.now();
      const body =
        format === 'xlsx'
          ? await buildChecklistXlsx(checklist, events, checklist.language, { exportedAt })
          : Buffer.from(buildChecklistCsv(checklist, events, checklist.language, { exportedAt }), 'utf8');
      const filename = toExportFilename(checklist, format);
      deps.log?.info({ tenantId, checklistId, format, bytes: body.length }, 'export served');
      return {
        status: 200,
        filename,
        contentType: CONTENT_TYPES[format],
        headers: {
          ...COMMON_HEADERS,
          'content-type': CONTENT_TYPES[format],
          'content-disposition': toContentDisposition(filename, toUnicodeFilename(checklist, format)),
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

/** ASCII only: `checklist-<id>-<slug>.<format>`, the slug from the title without accents. */
export function toExportFilename(c: Pick<Checklist, 'id' | 'title'>, format: ExportFormat): string {
  const slug = c.title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  return `checklist-${c.id}${slug ? `-${slug}` : ''}.${format}`;
}

/** The title as written (é, ë kept), minus what file systems refuse. */
function toUnicodeFilename(c: Pick<Checklist, 'id' | 'title'>, format: ExportFormat): string {
  // eslint-disable-next-line no-control-regex
  const title = c.title.replace(/[\u0000-\u001F\u007F/\\:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80).trim();
  return `checklist-${c.id}${title ? ` ${title}` : ''}.${format}`;
}

/** RFC 6266: an ASCII filename for old clients, filename* (RFC 5987, UTF-8) for the rest. */
export function toContentDisposition(asciiName: string, unicodeName: string): string {
  const encoded = encodeURIComponent(unicodeName).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName.replace(/["\\]/g, '')}"; filename*=UTF-8''${encoded}`;
}
