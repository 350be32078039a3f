// Signed, expiring downloads: the one public entry. Features register a kind and ask for links;
// GET /exports/<token> serves them (docs/exports.md).
export { createDownloads, type DownloadFile, type DownloadKind, type DownloadLinks, type Downloads } from './service.js';
