// Files people send the bot in a personal chat. Teams gives a pre-authenticated download URL on
// SharePoint/OneDrive; Cadans fetches it with a size limit, a timeout, and only from those hosts
// (and loopback in local mode), so a crafted activity cannot make it fetch anything else.
import type { Attachment } from 'botbuilder';
import type { IncomingFile } from '../routes.js';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';
const MAX_BYTES = 100_000;
const SHAREPOINT = /(^|\.)sharepoint(-df)?\.(com|us|de|cn)$/i;

export function isAllowedDownloadUrl(raw: string, allowLoopback: boolean): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol === 'https:' && SHAREPOINT.test(u.hostname)) return true;
  return allowLoopback && (u.hostname === '127.0.0.1' || u.hostname === 'localhost') && (u.protocol === 'http:' || u.protocol === 'https:');
}

export function toIncomingFile(attachment: Attachment, opts: { allowLoopback: boolean; timeoutMs?: number }): IncomingFile | null {
  if (attachment.contentType !== FILE_DOWNLOAD_INFO) return null;
  const content = attachment.content as { downloadUrl?: unknown } | undefined;
  const url = typeof content?.downloadUrl === 'string' ? content.downloadUrl : '';
  const name = typeof attachment.name === 'string' ? attachment.name : '';
  return {
    name,
    async read() {
      if (!isAllowedDownloadUrl(url, opts.allowLoopback)) return null;
      try {
        const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
        if (!res.ok || !res.body) return null;
        const declared = Number(res.headers.get('content-length') ?? NaN);
        if (Number.isFinite(declared) && declared > MAX_BYTES) return null;
        const chunks: Uint8Array[] = [];
        let size = 0;
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.length;
          if (size > MAX_BYTES) return null;
          chunks.push(chunk);
        }
        return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)).replace(/^\uFEFF/, '');
      } catch {
        return null; // unreachable, too slow, or not UTF-8: the person is told to send another file
      }
    },
  };
}
