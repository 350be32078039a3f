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
      return cards.render(
        'surveys.results',
        resultCardViewModel(summary, { title: s.title, language: s.language, closedAt: s.closedAt ?? new Date(), survey: s.publicId, ...(s.seriesId ? { round: s.round } : {}) }),
      );
    },
  };
}
