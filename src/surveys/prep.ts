// The surveys' part of a meeting's prep pack (issue 10, "Prep reminders"): recent results of a
// school's surveys, as far as the member who prepares may see them, and never more than the result
// card shows: the figures come from the same summary (results-card.ts summarize → results.ts), so
// the threshold and complementary suppression apply exactly as on the card.
import { DateTime } from 'luxon';
import type { Language } from '../config.js';
import type { Queryable } from '../db/pool.js';
import type { RoleGrant } from '../people/feature.js';
import { formatMean } from './result-view.js';
import { schoolSummary, summarize } from './results-card.js';
import type { ResultSummary } from './results.js';
import type { SurveyService } from './service.js';
import { listClosedSince, type SurveyRow } from './store.js';

/** Who prepares: the pack shows them only what they may see. */
export interface PrepViewer {
  tenantId: string;
  aadObjectId: string;
  grants: readonly RoleGrant[];
}

export interface SurveyForPrep {
  title: string;
  closedAt: Date;
  /** Respondents of recipients, 0..1; null below the survey's minimum group size (or without recipients). */
  responseRate: number | null;
  /** One line in the survey's language from what the result card shows, or null. */
  headline: string | null;
}

/** How far back "recent" reaches. */
export const PREP_SURVEY_DAYS = 120;
const PAGE = 50;
const HEADLINE_QUESTION_LENGTH = 90;
const ZONE = 'Europe/Amsterdam';

/**
 * The response rate the pack may show, 0..1: only when the summary shows figures at all (an
 * anonymous survey, or a school's part, at or above the minimum group size), else null.
 */
export function prepResponseRate(summary: ResultSummary): number | null {
  return summary.hidden === null && summary.responseRate !== null && summary.recipients > 0 ? summary.respondents / summary.recipients : null;
}

/**
 * The statement that scored lowest, from the figures the summary shows: the likert statement with
 * the lowest mean (the first in the survey's order on a tie), else the 0–10 question with the lowest
 * mean; null when the summary shows no such figure (below the threshold, or no scored questions).
 */
export function prepHeadline(summary: ResultSummary, language: Language): string | null {
  if (summary.hidden !== null) return null;
  for (const [kind, max] of [['likert', 5], ['scale10', 10]] as const) {
    let lowest: { text: string; mean: number } | null = null;
    for (const q of summary.questions) {
      if (q.kind === kind && q.mean !== null && (lowest === null || q.mean < lowest.mean)) lowest = { text: q.text, mean: q.mean };
    }
    if (lowest) {
      const text = cut(lowest.text.replace(/\s+/g, ' ').trim(), HEADLINE_QUESTION_LENGTH);
      const mean = formatMean(lowest.mean, language);
      return language === 'nl' ? `Laagste score: ‘${text}’ (${mean} van ${max})` : `Lowest score: ‘${text}’ (${mean} out of ${max})`;
    }
  }
  return null;
}

function cut(text: string, n: number): string {
  const chars = [...text];
  return chars.length <= n ? text : `${chars.slice(0, n - 1).join('').trimEnd()}…`;
}

/** The first moment of the day `days` before `today` (yyyy-mm-dd), in Amsterdam. */
export function windowStart(today: string, days: number): Date {
  const d = DateTime.fromISO(today, { zone: ZONE });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || !d.isValid) throw new Error(`not a date: ${today}`);
  return d.minus({ days }).startOf('day').toJSDate();
}

export function createSurveyPrep(deps: { db: Queryable; service: Pick<SurveyService, 'canSeeResults' | 'roundInputs'> }) {
  const { service } = deps;

  /** The pack's view of one survey: its whole results, or a directeur's part of a board-wide survey. */
  async function toItem(s: SurveyRow, schoolPart: number | null): Promise<SurveyForPrep> {
    // One read of the answers (open answers left out: the pack shows none), no previous round.
    const inputs = await service.roundInputs(s, { texts: false });
    let summary = summarize(inputs);
    if (schoolPart !== null) {
      const recipients = inputs.recipientsBySegment.filter((r) => r.school === schoolPart).reduce((a, r) => a + r.n, 0);
      summary = schoolSummary(summary, schoolPart, recipients);
    }
    return { title: s.title, closedAt: s.closedAt!, responseRate: prepResponseRate(summary), headline: prepHeadline(summary, s.language) };
  }

  return {
    /**
     * Surveys closed in the last 120 days (from the start of that day in Amsterdam) of `schoolId`
     * and the board's (school null), newest first, at most `limit`. With `schoolId` null: all the
     * tenant's. Only surveys whose results the viewer may see, decided as the survey guard decides
     * 'see' (service.ts canSeeResults: author, tenant-wide kwaliteitsmedewerker, beheerder or
     * bestuurder, the directeur of the survey's school). At a school's table its directeur also gets
     * their school's part of a board-wide survey, as the survey feature already shows them
     * (`survey.schoolResults`): that part's figures only, hidden when the school's group is.
     */
    async forPrep(viewer: PrepViewer, schoolId: number | null, today: string, limit = 5): Promise<SurveyForPrep[]> {
      if (limit <= 0) return [];
      const since = windowStart(today, PREP_SURVEY_DAYS);
      const directeurHere = schoolId !== null && viewer.grants.some((g) => g.role === 'directeur' && g.schoolId === schoolId);
      const chosen: { survey: SurveyRow; schoolPart: number | null }[] = [];
      for (let offset = 0; chosen.length < limit; offset += PAGE) {
        const page = await listClosedSince(deps.db, viewer.tenantId, schoolId, since, offset, PAGE);
        for (const s of page) {
          if (chosen.length >= limit) break;
          if (service.canSeeResults(viewer.grants, viewer, s)) chosen.push({ survey: s, schoolPart: null });
          else if (directeurHere && s.schoolId === null) chosen.push({ survey: s, schoolPart: schoolId });
        }
        if (page.length < PAGE) break;
      }
      // One survey at a time: at most `limit` summaries, each a handful of grouped reads.
      const items: SurveyForPrep[] = [];
      for (const c of chosen) items.push(await toItem(c.survey, c.schoolPart));
      return items;
    },
  };
}
