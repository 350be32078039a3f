// Files people send the bot in a personal chat. Teams gives a pre-authenticated download URL on
// SharePoint/OneDrive; Cadans fetches it with a size limit, a timeout, and only from those hosts
// (and, in local mode, the Agents Playground's own address: loopback on PLAYGROUND_PORT, no other
// port), so a crafted activity cannot make it fetch anything else, not even another local service.
import type { Attachment } from 'botbuilder';
import type { IncomingFile } from '../routes.js';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';
const MAX_BYTES = 100_000;
/** A spreadsheet (an audience's addresses) may be larger than a template. */
const MAX_SPREADSHEET_BYTES = 1_000_000;
const SHAREPOINT = /(^|\.)sharepoint(-df)?\.(com|us|de|cn)$/i;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * `playgroundPort`: local mode only, the port of the Agents Playground, whose own address serves the
 * files sent in it; null in production (SharePoint and OneDrive only).
 */
export function isAllowedDownloadUrl(raw: string, playgroundPort: number | null): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol === 'https:' && SHAREPOINT.test(u.hostname)) return true;
  if (playgroundPort === null || !LOOPBACK.has(u.hostname) || (u.protocol !== 'http:' && u.protocol !== 'https:')) return false;
  const port = u.port === '' ? (u.protocol === 'http:' ? 80 : 443) : Number(u.port);
  return port === playgroundPort && u.username === '' && u.password === '';
}

export function toIncomingFile(attachment: Attachment, opts: { playgroundPort: number | null; timeoutMs?: number }): IncomingFile | null {
  if (attachment.contentType !== FILE_DOWNLOAD_INFO) return null;
  const content = attachment.content as { downloadUrl?: unknown } | undefined;
  const url = typeof content?.downloadUrl === 'string' ? content.downloadUrl : '';
  const name = typeof attachment.name === 'string' ? attachment.name : '';
  /** The file's bytes, at most `max`; null when it cannot be fetched or is larger. */
  async function fetchBytes(max: number): Promise<Buffer | null> {
    if (!isAllowedDownloadUrl(url, opts.playgroundPort)) return null;
    try {
      const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
      if (!res.ok || !res.body) return null;
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > max) return null;
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (size > max) return null;
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    } catch {
      return null; // unreachable or too slow: the person is told to send another file
    }
  }
  return {
    name,
    async read() {
      const bytes = await fetchBytes(MAX_BYTES);
      if (!bytes) return null;
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
      } catch {
        return null; // not UTF-8
      }
    },
    readBytes: () => fetchBytes(MAX_SPREADSHEET_BYTES),
  };
}
