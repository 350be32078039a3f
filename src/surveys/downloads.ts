// The `survey-results` download kind: a closed survey's results (what its result card may show) as
// .xlsx or CSV, from a signed, expiring link (docs/exports.md). `survey-school-results`: one school's
// part of a board-wide survey, for its directeur (the same figures as their card: that school's
// segment only, nothing of the board-wide totals; the link is only handed out after the check).
import { z } from 'zod';
import type { DownloadLinks, Downloads } from '../exports/feature.js';
import { buildResultsCsv, buildResultsXlsx } from './export.js';
import { schoolPartSummary, summarize } from './results-card.js';
import type { SurveyService } from './service.js';

export const SURVEY_RESULTS_DOWNLOAD = 'survey-results';
export const SURVEY_SCHOOL_RESULTS_DOWNLOAD = 'survey-school-results';
const FORMATS = ['xlsx', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const params = z.object({ surveyId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const schoolParams = params.extend({ schoolId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const CONTENT_TYPES: Record<Format, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

const fileName = (id: number, title: string, format: Format) => {
  const name = title.replace(/\s+/g, ' ').trim().slice(0, 80).trim();
  return `peiling-${id}${name ? ` ${name}` : ''}.${format}`;
};

export function registerSurveyDownloads(downloads: Pick<Downloads, 'register'>, surveys: Pick<SurveyService, 'resultData'>) {
  const links: DownloadLinks<z.infer<typeof params>, Format> = downloads.register(SURVEY_RESULTS_DOWNLOAD, {
    params,
    formats: FORMATS,
    goneText: 'Deze peiling bestaat niet (meer), of is nog niet gesloten.\nThis survey does not exist (any more), or has not closed yet.',
    async build(tenantId, { surveyId }, format) {
      const data = await surveys.resultData(surveyId);
      // By tenant and id: a correctly signed link for tenant A never returns tenant B's survey.
      if (!data || data.survey.tenantId !== tenantId || data.survey.status !== 'closed') return null;
      const summary = summarize(data, data.previous ? summarize(data.previous) : undefined);
      const s = data.survey;
      const body = format === 'xlsx' ? await buildResultsXlsx(summary, s.title, s.language) : buildResultsCsv(summary, s.title, s.language);
      const name = s.title.replace(/\s+/g, ' ').trim().slice(0, 80).trim();
      return { filename: `peiling-${s.id}${name ? ` ${name}` : ''}.${format}`, contentType: CONTENT_TYPES[format], body };
    },
  });
  const schoolLinks: DownloadLinks<z.infer<typeof schoolParams>, Format> = downloads.register(SURVEY_SCHOOL_RESULTS_DOWNLOAD, {
    params: schoolParams,
    formats: FORMATS,
    goneText: 'Deze peiling bestaat niet (meer), of is nog niet gesloten.\nThis survey does not exist (any more), or has not closed yet.',
    async build(tenantId, { surveyId, schoolId }, format) {
      const data = await surveys.resultData(surveyId);
      // Only a board-wide survey that was sent to this school: the same rule as the directeur's card.
      if (!data || data.survey.tenantId !== tenantId || data.survey.status !== 'closed' || data.survey.schoolId !== null) return null;
      if (!data.recipientsBySegment.some((r) => r.school === schoolId && r.n > 0)) return null;
      const summary = schoolPartSummary(data, schoolId);
      const s = data.survey;
      const school = data.schoolNames.get(schoolId) ?? `school ${schoolId}`;
      const title = `${s.title} · ${school}`;
      const body = format === 'xlsx' ? await buildResultsXlsx(summary, title, s.language, school) : buildResultsCsv(summary, title, s.language, school);
      return { filename: fileName(s.id, title, format), contentType: CONTENT_TYPES[format], body };
    },
  });
  return {
    linkFor: (tenantId: string, surveyId: number, format: Format) => links.linkFor(tenantId, { surveyId }, format),
    schoolLinkFor: (tenantId: string, surveyId: number, schoolId: number, format: Format) => schoolLinks.linkFor(tenantId, { surveyId, schoolId }, format),
  };
}
