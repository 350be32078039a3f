// The `meeting-ics` download kind: one meeting as an .ics file to open in any calendar (offered on the
// prep card when the table is not linked to Outlook), from a signed, expiring link (docs/exports.md).
// The prep card gets a fresh link each time Teams refreshes it for its owner.
import { z } from 'zod';
import type { DownloadLinks, Downloads } from '../exports/feature.js';
import { meetingIcs } from '../schedule/index.js';
import * as store from './store.js';
import type { Db } from '../db/pool.js';
import { tableName, tableTopics } from './texts.js';

export const MEETING_ICS_DOWNLOAD = 'meeting-ics';
const params = z.object({ meetingId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export function registerMeetingDownloads(downloads: Pick<Downloads, 'register'>, deps: { db: Db; language(tenantId: string): Promise<'nl' | 'en'> }) {
  const links: DownloadLinks<z.infer<typeof params>, 'ics'> = downloads.register(MEETING_ICS_DOWNLOAD, {
    params,
    formats: ['ics'] as const,
    goneText: 'Dit overleg bestaat niet (meer), of is al geweest.\nThis meeting does not exist (any more), or has already taken place.',
    async build(tenantId, { meetingId }, _format, { now }) {
      const m = await store.findMeeting(deps.db, { id: meetingId });
      // By tenant and id: a correctly signed link for tenant A never returns tenant B's meeting.
      if (!m || m.tenantId !== tenantId || m.status !== 'planned') return null;
      const t = await store.findTable(deps.db, { id: m.tableId });
      if (!t) return null;
      const language = await deps.language(tenantId);
      const agenda = await store.listAgenda(deps.db, m.id);
      const title = tableName(t.table.kind, t.table.name, language);
      const topics = tableTopics(t.table.kind, t.table.topics, language);
      const description = [
        ...(t.table.schoolName ? [t.table.schoolName, ''] : []),
        language === 'nl' ? 'Onderwerpen:' : 'Topics:',
        ...topics.map((x) => `- ${x}`),
        ...(agenda.length ? ['', language === 'nl' ? 'Agendapunten:' : 'Agenda items:', ...agenda.map((a) => `- ${a.text} (${a.authorName})`)] : []),
      ].join('\n');
      const body = meetingIcs({
        uid: `${m.publicId}@cadans`,
        start: m.startsAt,
        end: new Date(m.startsAt.getTime() + t.table.durationMinutes * 60_000),
        title,
        description,
        attendees: [],
        now,
      });
      return { filename: `${title.slice(0, 80)}.ics`, contentType: 'text/calendar; charset=utf-8', body };
    },
  });
  return { linkFor: (tenantId: string, meetingId: number) => links.linkFor(tenantId, { meetingId }, 'ics') };
}
