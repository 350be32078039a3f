// The result card of a closed survey: the figures results.ts allows (thresholds), drawn by
// result-view.ts into the surveys.results template, in the survey's language (it is posted in a
// channel, in the language the survey was written in).
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { computeResults, type ResultSummary } from './results.js';
import { resultCardViewModel } from './result-view.js';
import type { ResultData, ResultInputs } from './service.js';

export interface ResultCardRenderer {
  render(data: ResultData): Promise<AdaptiveCard>;
}

/** The figures of one round as results.ts allows them to be shown. */
export function summarize(r: ResultInputs, previous?: ResultSummary): ResultSummary {
  const s = r.survey;
  return computeResults({
    questions: s.questions,
    kind: s.kind,
    anonymous: s.anonymous,
    minGroupSize: s.minGroupSize,
    byPerspective: s.byPerspective,
    recipients: r.recipients,
    responses: r.responses,
    counts: r.counts,
    texts: r.texts,
    schoolNames: r.schoolNames,
    recipientsBySegment: r.recipientsBySegment,
    ...(previous ? { previous } : {}),
  });
}

export function createResultCards(cards: CardRenderer): ResultCardRenderer {
  return {
    async render(data) {
      const previous = data.previous ? summarize(data.previous) : undefined;
      const summary = summarize(data, previous);
      const s = data.survey;
      // A board-wide survey posted in one school's channel: that school's part only (docs/surveys.md).
      if (s.resultsSchoolId !== null && s.schoolId === null) return renderSchoolResults(cards, data, s.resultsSchoolId, data.schoolNames.get(s.resultsSchoolId) ?? '', s.language, { canImprove: true });
      return cards.render(
        'surveys.results',
        resultCardViewModel(summary, { title: s.title, language: s.language, closedAt: s.closedAt ?? new Date(), survey: s.publicId, ...(s.seriesId ? { round: s.round } : {}) }),
      );
    },
  };
}

/**
 * One school's part of a board-wide survey, for its directeur: that school's segment as the whole,
 * or — when the segment is not shown (too few, or protecting a smaller group) — nothing but the
 * notice that it is hidden. Open answers are never split by school, so they are left out.
 */
export function schoolSummary(summary: ResultSummary, schoolId: number, recipients: number): ResultSummary {
  const dim = summary.dimensions.find((d) => d.dimension === 'school');
  const seg = dim?.segments.find((x) => x.key === String(schoolId));
  // Why it is hidden: too few (the survey, or the school: a school too small to label has no segment), or
  // large enough but hidden so that a smaller group cannot be worked out.
  const reason = !summary.hidden && seg && !seg.shown && seg.reason === 'protectsSmallerGroup' ? ('protectsSmallerGroup' as const) : ('groupBelowThreshold' as const);
  const empty = { ...summary, questions: [], dimensions: [], perspectiveTable: null, hidden: reason };
  // A hidden segment's respondents are not shown (the card says why); its recipients may be.
  if (summary.hidden || !seg || !seg.shown) return { ...empty, recipients, respondents: 0, responseRate: null };
  return {
    ...summary,
    respondents: seg.respondents,
    recipients,
    responseRate: seg.responseRate,
    dimensions: [],
    perspectiveTable: null,
    questions: summary.questions.map((q) => {
      const f = seg.questions.find((x) => x.questionId === q.id);
      return { ...q, ...(f ? { answered: f.answered, distribution: f.distribution, mean: f.mean, enps: f.enps, yesPercent: f.yesPercent } : {}), change: null, openTexts: null };
    }),
  };
}

/** One school's part of a board-wide survey's results (its card, its export). */
export function schoolPartSummary(data: ResultData, schoolId: number): ResultSummary {
  const recipients = data.recipientsBySegment.filter((r) => r.school === schoolId).reduce((a, r) => a + r.n, 0);
  return schoolSummary(summarize(data), schoolId, recipients);
}

/** The result card of one school's part (see schoolSummary), titled with the school's name. */
export function renderSchoolResults(cards: CardRenderer, data: ResultData, schoolId: number, schoolName: string, language: 'nl' | 'en', o: { canImprove?: boolean } = {}): AdaptiveCard {
  const s = data.survey;
  const summary = schoolPartSummary(data, schoolId);
  return cards.render(
    'surveys.results',
    resultCardViewModel(summary, { title: `${s.title} · ${schoolName}`, language, closedAt: s.closedAt ?? new Date(), survey: s.publicId, part: schoolName, canImprove: o.canImprove ?? false }),
  );
}
