// The `checklist` download kind: a checklist and its evidence log as .xlsx or CSV, from a signed
// link (docs/exports.md). The signed-download service (src/exports/) carries the params and the
// format; this file reads the checklist, by tenant and id, and builds the file with export.ts.
import { z } from 'zod';
import type { Queryable } from '../db/pool.js';
import type { DownloadKind, DownloadLinks, Downloads } from '../exports/feature.js';
import { buildChecklistCsv, buildChecklistXlsx } from './export.js';
import { getChecklist, listEvents } from './store.js';
import type { Checklist } from './model.js';

export const CHECKLIST_DOWNLOAD = 'checklist';
export const CHECKLIST_FORMATS = ['xlsx', 'csv'] as const;
export type ChecklistFormat = (typeof CHECKLIST_FORMATS)[number];

/** What a checklist link carries: only the id (the tenant is the link's own). */
export const checklistDownloadParams = z.object({ checklistId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export type ChecklistDownloadParams = z.infer<typeof checklistDownloadParams>;

export const CHECKLIST_CONTENT_TYPES: Readonly<Record<ChecklistFormat, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** The download as the person sees it: `checklist-<id> <title>.<format>` (the service adds an ASCII name). */
export function checklistFilename(c: Pick<Checklist, 'id' | 'title'>, format: ChecklistFormat): string {
  const title = c.title.replace(/\s+/g, ' ').trim().slice(0, 80).trim();
  return `checklist-${c.id}${title ? ` ${title}` : ''}.${format}`;
}

export function checklistDownloadKind(db: Queryable): DownloadKind<ChecklistDownloadParams, ChecklistFormat> {
  return {
    params: checklistDownloadParams,
    formats: CHECKLIST_FORMATS,
    goneText: 'Deze checklist bestaat niet (meer).\nThis checklist does not exist (any more).',
    // Links handed out before download kinds: {"v":1,"tid","cid","fmt"}; they live 15 minutes.
    v1Params: ({ cid }) => ({ checklistId: cid }),
    async build(tenantId, { checklistId }, format, { now }) {
      // By tenant and id: a correctly signed link for tenant A never returns tenant B's checklist.
      const checklist = await getChecklist(db, tenantId, checklistId);
      if (!checklist) return null;
      const events = await listEvents(db, checklist.id);
      const body =
        format === 'xlsx'
          ? await buildChecklistXlsx(checklist, events, checklist.language, { exportedAt: now })
          : buildChecklistCsv(checklist, events, checklist.language, { exportedAt: now });
      return { filename: checklistFilename(checklist, format), contentType: CHECKLIST_CONTENT_TYPES[format], body };
    },
  };
}

/** Registers the `checklist` kind; the answer makes links by checklist id. */
export function registerChecklistDownloads(downloads: Pick<Downloads, 'register'>, db: Queryable) {
  const links: DownloadLinks<ChecklistDownloadParams, ChecklistFormat> = downloads.register(CHECKLIST_DOWNLOAD, checklistDownloadKind(db));
  return {
    linkFor: (tenantId: string, checklistId: number, format: ChecklistFormat) => links.linkFor(tenantId, { checklistId }, format),
  };
}
