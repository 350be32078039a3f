import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { describe, expect, it } from 'vitest';
import { renderHelpCard, renderNoticeCard, renderWelcomeCard } from '../../src/cards/app-views.js';
import { STRINGS, createTranslator } from '../../src/cards/i18n.js';
import { TEMPLATE_NAMES, createCardRenderer } from '../../src/cards/render.js';
import { VERBS } from '../../src/routes.js';
import { TEAMS_CARD_BUDGET_BYTES, cardMessageBytes, parseErrors } from '../support/card-check.js';
import { ROOT_DIR } from '../support/harness.js';

const dir = path.join(ROOT_DIR, 'adaptive-cards');
const templateFiles = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.sample.json'));

function collectActions(node: unknown, out: { type: string; verb?: string; data?: unknown }[] = []) {
  if (Array.isArray(node)) node.forEach((n) => collectActions(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push({ type: o.type, verb: o.verb as string | undefined, data: o.data });
    Object.values(o).forEach((v) => collectActions(v, out));
  }
  return out;
}

describe('card templates', () => {
  it('has a template file for every name the renderer loads, and a sample for every template', () => {
    const names = templateFiles.map((f) => f.replace(/\.json$/, ''));
    for (const n of TEMPLATE_NAMES) expect(names).toContain(n);
    for (const f of templateFiles) expect(readdirSync(dir)).toContain(f.replace(/\.json$/, '.sample.json'));
  });

  describe.each(templateFiles)('%s', (file) => {
    const template = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const sample = JSON.parse(readFileSync(path.join(dir, file.replace(/\.json$/, '.sample.json')), 'utf8'));
    const bound = new ACData.Template(template).expand({ $root: sample }) as Record<string, unknown>;
    const text = JSON.stringify(bound);

    it('binds its sample with nothing left unbound', () => {
      expect(text).not.toMatch(/\$\{/);
    });

    it('parses with the adaptivecards library without errors', () => {
      expect(parseErrors(bound)).toEqual([]);
    });

    it('pins schema version 1.5 or lower, which Teams renders', () => {
      expect(template.version).toBe('1.5');
    });

    it('stays within the 80 KB Teams recommends for a bot message', () => {
      expect(cardMessageBytes(bound)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
    });

    it('uses only Action.Execute with a known verb and a versioned data object', () => {
      for (const a of collectActions(template)) {
        if (a.type === 'Action.OpenUrl' || a.type === 'Action.ShowCard' || a.type === 'Action.ToggleVisibility') continue;
        expect(a.type).toBe('Action.Execute');
        expect(VERBS).toContain(a.verb);
        expect(a.data).toMatchObject({ v: expect.any(Number) });
      }
    });
  });
});

describe('strings', () => {
  it('has every key in both Dutch and English, none empty', () => {
    expect(Object.keys(STRINGS.en).sort()).toEqual(Object.keys(STRINGS.nl).sort());
    for (const lang of ['nl', 'en'] as const) for (const v of Object.values(STRINGS[lang])) expect(v.trim()).not.toBe('');
  });

  it('uses the same {placeholders} in both languages', () => {
    for (const key of Object.keys(STRINGS.nl) as (keyof typeof STRINGS.nl)[]) {
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(STRINGS.en[key]), key).toEqual(ph(STRINGS.nl[key]));
    }
  });
});

describe('app cards in both languages', () => {
  const cards = createCardRenderer(dir);
  for (const lang of ['nl', 'en'] as const) {
    const t = createTranslator(lang);
    const rendered = {
      welcome: renderWelcomeCard(cards, t, 'personal'),
      team: renderWelcomeCard(cards, t, 'team'),
      help: renderHelpCard(cards, t),
      notice: renderNoticeCard(cards, t, { title: t('errorTitle'), text: t('errorText'), reference: t('errorReference', { id: 'abc' }), withHelpButton: true }),
      plain: renderNoticeCard(cards, t, { title: t('comingTitle'), text: t('comingText', { feature: 'X' }) }),
    };
    for (const [name, card] of Object.entries(rendered)) {
      it(`renders the ${name} card in ${lang} as a valid card with no placeholders`, () => {
        const s = JSON.stringify(card);
        expect(s).not.toMatch(/\$\{|\{\w+\}/);
        expect(parseErrors(card)).toEqual([]);
      });
    }
  }

  it('lists the Dutch commands on the Dutch help card and the English ones on the English card', () => {
    const nl = JSON.stringify(renderHelpCard(cards, createTranslator('nl')));
    const en = JSON.stringify(renderHelpCard(cards, createTranslator('en')));
    for (const w of ['hulp', 'peiling', 'overleg', 'resultaten', 'rollen']) expect(nl).toContain(`"${w}"`);
    for (const w of ['help', 'survey', 'meetings', 'results', 'roles']) expect(en).toContain(`"${w}"`);
  });

  it('omits the reference line and the button of a notice that has none', () => {
    const card = renderNoticeCard(cards, createTranslator('nl'), { title: 'a', text: 'b' });
    expect((card.body as unknown[]).length).toBe(2);
    expect(card.actions ?? []).toEqual([]);
  });
});

describe('the card checker itself', () => {
  it('reports a card with an unknown element and a missing verb target', () => {
    const broken = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'NoSuchElement' }, { type: 'Image' }] };
    expect(parseErrors(broken).length).toBeGreaterThan(0);
  });
});
