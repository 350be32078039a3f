// The improvement-action cards as rendered, in Dutch and English, with the worst data a tenant can
// produce: titles and texts at their limits made of nothing but Markdown characters, names of 256
// characters, 400 people in the picker, a list of 30 actions. Each must parse cleanly with the
// `adaptivecards` library, stay within the 80 KB Teams recommends, and let no typed text format it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCardRenderer, type AdaptiveCard } from '../../src/cards/render.js';
import type { Language } from '../../src/config.js';
import { ACTION_LIMITS, type ImprovementAction } from '../../src/actions/model.js';
import { TEXT, ownerNotice, renderActionCard, renderFormCard, renderListCard } from '../../src/actions/view.js';
import { TEAMS_CARD_BUDGET_BYTES, cardMessageBytes, parseErrors } from '../support/card-check.js';
import { ROOT_DIR } from '../support/harness.js';

const cards = createCardRenderer(path.join(ROOT_DIR, 'adaptive-cards'));
const adversarial = (n: number) => '*_[]()#>~|`\\'.repeat(Math.ceil(n / 12)).slice(0, n);
const name = (i: number) => `P${i} Anna-Maria [van] den *Heuvel*_Ouwehand (O'Brien) #1 > ~x~ | \`c\` \\ "é" … `.repeat(4).slice(0, 256);
const people = Array.from({ length: 400 }, (_, i) => ({ aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: name(i) }));

function worstAction(i: number, status: ImprovementAction['status']): ImprovementAction {
  return {
    id: 2_147_483_000 + i,
    publicId: `8d3e2f1a-6b4c-4d5e-9f70-1a2b3c4d5e${String(i).padStart(2, '0')}`,
    tenantId: '6babcaad-604b-40ac-a9d7-9fd97c0b779f',
    schoolId: 1,
    schoolName: name(900).slice(0, 120),
    title: adversarial(ACTION_LIMITS.title),
    description: adversarial(ACTION_LIMITS.description),
    ownerAad: people[i]!.aadObjectId,
    ownerName: people[i]!.name,
    dueDate: '2027-03-01',
    source: { kind: 'survey', surveyId: 12, questionId: 'q10', questionText: adversarial(300), surveyTitle: adversarial(120), standard: 'BKA2' },
    standard: 'BKA2',
    status,
    evaluation: status === 'done' ? { worked: 'partly', keep: adversarial(ACTION_LIMITS.keep) } : null,
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    conversationId: `19:${'a'.repeat(32)}@thread.tacv2`,
    createdBy: people[399]!.aadObjectId,
    createdByName: people[399]!.name,
    createdAt: new Date('2027-01-10T09:00:00Z'),
    doneAt: null,
    doneBy: null,
    remindedDueSoonOn: null,
    remindedOverdueOn: null,
    version: 2_000_000,
  };
}

function renderAll(language: Language): Array<[string, AdaptiveCard]> {
  const open = worstAction(1, 'open');
  const done = worstAction(2, 'done');
  const problems = Object.values(TEXT).slice(0, 5);
  const values = { title: adversarial(2_000), description: adversarial(10_000).slice(0, 1_000), ownerAad: 'someone-not-in-the-roster', ownerName: name(7), dueDate: '2027-03-01', school: '3' };
  const schools = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: name(i).slice(0, 120) }));
  const list = Array.from({ length: 30 }, (_, i) => ({ ...worstAction(i, 'open'), dueState: i % 3 === 0 ? ('overdue' as const) : ('later' as const) }));
  return [
    ['form (survey line, with problems)', renderFormCard(cards, { language, survey: { publicId: open.publicId, questionId: 'q10', source: open.source }, people, values, problems })],
    ['form (typed in, 40 schools)', renderFormCard(cards, { language, schools, people, values })],
    ['form (edit)', renderFormCard(cards, { language, action: open, people, values })],
    ['action (owner, overdue notice)', renderActionCard(cards, { language, action: open, today: '2027-03-10', canEdit: true, canCancel: true, showList: true, message: ownerNotice('overdue', open, language) })],
    ['action (incomplete evaluation)', renderActionCard(cards, { language, action: open, today: '2027-02-10', canEdit: true, canCancel: false, showList: false, evaluation: { worked: 'maybe', keep: adversarial(10_000), problems } })],
    ['action (done)', renderActionCard(cards, { language, action: done, today: '2027-03-10', canEdit: false, canCancel: false, showList: true })],
    ['list (30 of 5000)', renderListCard(cards, { language, actions: list, total: 5_000, overdue: 1_234, canCreate: true })],
    ['list (empty)', renderListCard(cards, { language, actions: [], total: 0, overdue: 0, canCreate: false })],
  ];
}

function textsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => textsOf(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if ((o.type === 'TextBlock' && typeof o.text === 'string') || (typeof o.value === 'string' && typeof o.title === 'string' && !('type' in o))) out.push(String(o.text ?? o.value));
    Object.values(o).forEach((v) => textsOf(v, out));
  }
  return out;
}

for (const language of ['nl', 'en'] as const) {
  describe(`improvement-action cards as rendered, in ${language}, with worst-case data`, () => {
    const rendered = renderAll(language);
    console.info(`action card sizes (${language}, UTF-16 of the message): ${rendered.map(([n, c]) => `${n}: ${(cardMessageBytes(c) / 1024).toFixed(1)} KB`).join('; ')}`);

    it.each(rendered)('renders the %s card so the adaptivecards library parses it without a warning', (_name, card) => {
      expect(parseErrors(card)).toEqual([]);
    });

    it.each(rendered)('keeps the %s card within the 80 KB Teams recommends for a bot message', (_name, card) => {
      expect(cardMessageBytes(card)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
    });

    it.each(rendered)('leaves no placeholder unbound in the %s card', (_name, card) => {
      expect(JSON.stringify(card)).not.toMatch(/\$\{|\{\w+\}/);
    });

    it('lets no title, text or name add Markdown formatting to a card others see', () => {
      for (const [, card] of rendered) {
        // Every Markdown character of the typed text arrives escaped: no unescaped `*_[` run survives.
        expect(textsOf(card).filter((t) => /(^|[^\\])\*_\[/.test(t) || /(^|[^\\])\[van\]/.test(t))).toEqual([]);
      }
    });

    it('keeps the owner the form names among the choices, even when the roster does not list them', () => {
      const form = JSON.stringify(rendered[0]![1]);
      expect(form).toContain('"value":"someone-not-in-the-roster"');
      expect((form.match(/"value":"00000000-0000-4000-8000-/g) ?? []).length).toBe(100);
    });
  });
}

it('writes every sentence in Dutch and English, with the same placeholders', () => {
  for (const [key, t] of Object.entries(TEXT)) {
    expect(t.nl.trim(), key).not.toBe('');
    expect(t.en.trim(), key).not.toBe('');
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    expect(ph(t.en), key).toEqual(ph(t.nl));
  }
});
