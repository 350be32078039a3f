// The result card of a closed survey: the figures results.ts allows (thresholds), drawn by result-view.ts.
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import type { SurveyService } from './service.js';

export type ResultData = NonNullable<Awaited<ReturnType<SurveyService['resultData']>>>;

export interface ResultCardRenderer {
  render(data: ResultData): Promise<AdaptiveCard>;
}

export function createResultCards(cards: CardRenderer): ResultCardRenderer {
  return {
    async render(data) {
      const n = data.responses.reduce((a, r) => a + r.n, 0);
      const nl = data.survey.language === 'nl';
      return cards.render('app.notice', {
        title: data.survey.title,
        text: nl ? `${n} van ${data.recipients} ingevuld.` : `${n} of ${data.recipients} answered.`,
      });
    },
  };
}
