import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/cards/i18n.js';
import { createCardRenderer } from '../../src/cards/render.js';
import type { Checklist } from '../../src/checklists/model.js';
import { INSPECTION } from '../../src/checklists/templates.js';
import { renderChannelCard, renderStepCard, renderSummaryCard } from '../../src/checklists/view.js';
import { TEAMS_CARD_BUDGET_BYTES, cardActions as cardActionsOf, cardMessageBytes } from '../support/card-check.js';
import { ROOT_DIR } from '../support/harness.js';

const cards = createCardRenderer(path.join(ROOT_DIR, 'adaptive-cards'));
const t = createTranslator('nl');

function bigChecklist(steps: number): Checklist {
  return {
    id: 1,
    publicId: '00000000-0000-4000-8000-000000000001',
    tenantId: 't',
    templateKey: 'inspection',
    title: 'Inspectiebezoek '.repeat(7).slice(0, 120),
    schoolId: 1,
    schoolName: 'De Regenboog',
    targetDate: '2027-03-09',
    investigationType: null,
    endDate: null,
    language: 'nl',
    conversationId: '19:x@thread.tacv2',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    teamId: null,
    cardActivityId: '1',
    cardPostKey: 'checklist:1:card',
    createdBy: 'a',
    createdAt: new Date('2027-01-10T09:00:00Z'),
    completedAt: new Date('2027-03-09T15:00:00Z'),
    version: 99,
    steps: Array.from({ length: steps }, (_, i) => ({
      position: i + 1,
      key: `s${i}`,
      title: { nl: `Stap met een lange titel over kwaliteitsdocumenten en verificatiescholen ${i + 1}`, en: `Step ${i + 1}` },
      guidance: { nl: 'Uitleg. '.repeat(40), en: 'Guidance. '.repeat(40) },
      link: null,
      status: 'klaar' as const,
      items: [],
      ownerAad: `aad-${i}`,
      ownerName: 'Anna-Maria van den Heuvel-Ouwehand',
      dueDate: '2027-01-26',
      note: 'Lange notitie met **opmaak** en [links](https://x.org). '.repeat(60).slice(0, 2000),
      evidenceUrl: `https://stichting.sharepoint.com/sites/kwaliteit/Gedeelde%20documenten/map/${'x'.repeat(150)}.docx`,
      updatedBy: 'a',
      updatedAt: new Date(),
    })),
  };
}

const size = cardMessageBytes;

describe('checklist cards stay within Teams limits', () => {
  const c = bigChecklist(20);
  const users = Array.from({ length: 90 }, (_, i) => `29:user-${i}`);

  it('keeps the channel card of a 20-step checklist with long notes within the 80 KB Teams recommends', () => {
    const card = renderChannelCard(cards, t, { checklist: c, template: INSPECTION, refreshUserIds: users, lastChangedBy: 'x', today: '2027-02-01' });
    expect(size(card)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
    expect(JSON.stringify(card)).toContain('…'); // long notes are shortened in the card
  });

  it('lists at most 60 people for automatic refresh, as Teams allows', () => {
    const card = renderChannelCard(cards, t, { checklist: c, template: INSPECTION, refreshUserIds: users, today: '2027-02-01' }) as unknown as { refresh: { userIds: string[] } };
    expect(card.refresh.userIds).toHaveLength(60);
  });

  it('keeps the completion summary of a 20-step checklist within the 80 KB Teams recommends', () => {
    const settledBy = new Map(c.steps.map((s) => [s.position, { name: 'Anna-Maria van den Heuvel-Ouwehand', at: new Date('2027-02-01T10:00:00Z') }]));
    expect(size(renderSummaryCard(cards, t, { checklist: c, template: INSPECTION, settledBy }))).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
  });

  it('keeps the step card with a 400-person roster within the 80 KB Teams recommends', () => {
    const people = Array.from({ length: 400 }, (_, i) => ({ aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Medewerker met een naam ${i}` }));
    const card = renderStepCard(cards, t, { checklist: c, step: c.steps[0]!, language: 'nl', canEdit: true, canTake: true, canSetStatus: true, people });
    expect(size(card)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
  });

  it('does not let a note format the shared card', () => {
    const card = JSON.stringify(renderChannelCard(cards, t, { checklist: c, refreshUserIds: [], today: '2027-02-01' }));
    expect(card).not.toContain('**opmaak**');
  });
});

describe('evidence links in cards', () => {
  const HOSTILE = 'https://stichting.sharepoint.com/sites/kwaliteit/verslag.docx)[evil](https://evil.example)';

  /** Every Markdown link [text](target) in the card's texts, as Teams would find them. */
  function linksIn(card: object): string[] {
    const texts: string[] = [];
    JSON.stringify(card, (_k, v: unknown) => {
      if (typeof v === 'string') texts.push(v);
      return v;
    });
    return texts.flatMap((x) => [...x.matchAll(/\[[^\]]*\]\(([^)\s]*)\)/g)].map((m) => m[1]!));
  }

  function withEvidence(url: string): Checklist {
    const c = bigChecklist(1);
    return { ...c, steps: [{ ...c.steps[0]!, note: '', evidenceUrl: url }] };
  }

  it('shows a link with ")[evil](…)" in it as one link to the document on the step card, with no second link', () => {
    const c = withEvidence(HOSTILE);
    const card = renderStepCard(cards, t, { checklist: c, step: c.steps[0]!, language: 'nl', canEdit: false, canTake: false, canSetStatus: false, people: [] });
    const links = linksIn(card);
    expect(links).toEqual(['https://stichting.sharepoint.com/sites/kwaliteit/verslag.docx%29%5Bevil%5D%28https://evil.example%29']);
  });

  it('shows the same link as one link on the completion summary, in English too', () => {
    const c = withEvidence(HOSTILE);
    for (const language of ['nl', 'en'] as const) {
      const card = renderSummaryCard(cards, createTranslator(language), { checklist: { ...c, language }, template: INSPECTION, settledBy: new Map() });
      expect(linksIn(card)).toEqual(['https://stichting.sharepoint.com/sites/kwaliteit/verslag.docx%29%5Bevil%5D%28https://evil.example%29']);
    }
  });

  it('keeps an ordinary SharePoint link exactly as it was', () => {
    const url = 'https://stichting.sharepoint.com/sites/kwaliteit/Gedeelde%20documenten/analyse_2027.docx?web=1&id=a-b~c';
    const c = withEvidence(url);
    expect(linksIn(renderStepCard(cards, t, { checklist: c, step: c.steps[0]!, language: 'nl', canEdit: false, canTake: false, canSetStatus: false, people: [] }))).toEqual([url]);
  });
});

describe('the completion summary says how long it took, as people say it', () => {
  const summary = (createdAt: string, completedAt: string, language: 'nl' | 'en' = 'nl') => {
    const c = { ...bigChecklist(10), language, createdAt: new Date(createdAt), completedAt: new Date(completedAt) };
    return JSON.stringify(renderSummaryCard(cards, createTranslator(language), { checklist: c, template: INSPECTION, settledBy: new Map() }));
  };

  it('says "op één dag" for a checklist started and finished on the same day, not "0 dagen"', () => {
    const card = summary('2027-03-01T08:00:00Z', '2027-03-01T15:00:00Z');
    expect(card).toContain('op één dag: 1 maart 2027');
    expect(card).not.toContain('0 dagen');
  });

  it('says "1 dag" and "1 day" in the singular', () => {
    expect(summary('2027-03-01T15:00:00Z', '2027-03-02T08:00:00Z')).toContain(': 1 dag.');
    expect(summary('2027-03-01T15:00:00Z', '2027-03-02T08:00:00Z', 'en')).toContain(': 1 day.');
  });

  it('counts calendar days in Amsterdam', () => {
    // 23:30 UTC on 1 March is already 2 March in Amsterdam.
    expect(summary('2027-03-01T23:30:00Z', '2027-03-05T10:00:00Z')).toContain('Gestart op 2 maart 2027, afgerond op 5 maart 2027: 3 dagen.');
  });
});

describe('honest progress on the shared card', () => {
  const channel = (statuses: Array<'open' | 'bezig' | 'klaar' | 'nvt'>) => {
    const c = bigChecklist(statuses.length);
    const checklist = { ...c, steps: c.steps.map((s, i) => ({ ...s, status: statuses[i]!, ownerName: 'Joost Bakker', ownerAad: 'aad-joost', dueDate: '2027-03-01' })) };
    return JSON.stringify(renderChannelCard(cards, t, { checklist, refreshUserIds: [], today: '2027-02-01' }));
  };

  it('does not count steps that do not apply as done', () => {
    const card = channel(['klaar', 'nvt', 'nvt', 'open', 'open', 'open', 'open', 'open', 'open', 'open']);
    expect(card).toContain('1 van 8 klaar · 2 n.v.t.');
    expect(card).not.toContain('3 van 10 klaar');
  });

  it('keeps the short count when every step applies', () => {
    expect(channel(['klaar', 'bezig', 'open'])).toContain('1 van 3 klaar');
  });

  it('marks on the overview which steps have evidence linked', () => {
    const c = bigChecklist(2);
    const steps = c.steps.map((s, i) => ({ ...s, status: 'bezig' as const, evidenceUrl: i === 0 ? 'https://school.sharepoint.com/verslag.docx' : '' }));
    const card = renderChannelCard(cards, t, { checklist: { ...c, completedAt: null, steps }, refreshUserIds: [], today: '2027-02-01' });
    expect(JSON.stringify(card).match(/bewijs gekoppeld/g)).toHaveLength(1);
  });

  it('shows no owner or due date on a step that does not apply', () => {
    const card = channel(['nvt']);
    expect(card).not.toContain('Joost Bakker');
    expect(card).not.toContain('uiterlijk 1 maart 2027');
  });
});

describe('due dates as people say them', () => {
  const row = (dueDate: string, today: string, language: 'nl' | 'en' = 'nl') => {
    const c = bigChecklist(1);
    const checklist = { ...c, language, completedAt: null, steps: [{ ...c.steps[0]!, status: 'bezig' as const, dueDate }] };
    return JSON.stringify(renderChannelCard(cards, createTranslator(language), { checklist, refreshUserIds: [], today }));
  };

  it('says "vandaag" and "morgen" rather than a date or "0 dagen"', () => {
    expect(row('2027-03-01', '2027-03-01')).toContain('uiterlijk vandaag');
    expect(row('2027-03-02', '2027-03-01')).toContain('uiterlijk morgen');
    expect(row('2027-03-03', '2027-03-01')).toContain('uiterlijk 3 maart 2027');
    expect(row('2027-03-01', '2027-03-01', 'en')).toContain('due today');
    expect(row('2027-03-02', '2027-03-01', 'en')).toContain('due tomorrow');
    expect(row('2027-03-01', '2027-03-01')).not.toMatch(/\b0 dag/);
  });

  it('says "2 dagen" and "2 days" in the plural', () => {
    const c = { ...bigChecklist(10), createdAt: new Date('2027-03-01T08:00:00Z'), completedAt: new Date('2027-03-03T08:00:00Z') };
    expect(JSON.stringify(renderSummaryCard(cards, t, { checklist: c, template: INSPECTION, settledBy: new Map() }))).toContain(': 2 dagen.');
    expect(JSON.stringify(renderSummaryCard(cards, createTranslator('en'), { checklist: { ...c, language: 'en' }, template: INSPECTION, settledBy: new Map() }))).toContain(': 2 days.');
  });
});

describe("a row's status menu on the shared card", () => {
  const menus = (c: Checklist) => renderChannelCard(cards, t, { checklist: c, template: INSPECTION, refreshUserIds: Array.from({ length: 60 }, (_, i) => `29:user-${i}`), today: '2027-02-01' });
  const statusActions = (card: unknown) => JSON.stringify(card).match(/"verb":"checklist\.setStatus"/g)?.length ?? 0;

  it('gives every row of an ordinary running checklist its menu (three status changes)', () => {
    const c = bigChecklist(11);
    const running = { ...c, completedAt: null, steps: c.steps.map((s) => ({ ...s, status: 'open' as const, note: 'Kort.' })) };
    expect(statusActions(menus(running))).toBe(33);
  });

  it('offers no status changes on a finished checklist', () => {
    expect(statusActions(menus(bigChecklist(11)))).toBe(0);
  });

  it('leaves out the menus of settled steps, then all, rather than outgrow the 80 KB Teams recommends', () => {
    const c = bigChecklist(20);
    const running = { ...c, completedAt: null, steps: c.steps.map((s, i) => ({ ...s, status: i < 10 ? ('open' as const) : ('klaar' as const) })) };
    const card = renderChannelCard(cards, t, { checklist: running, template: INSPECTION, refreshUserIds: Array.from({ length: 60 }, (_, i) => `29:${'u'.repeat(80)}${i}`), today: '2027-02-01' });
    expect(size(card)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
    expect(cardActionsOf(card).filter((a) => a.verb === 'checklist.step')).toHaveLength(20); // Details stays on every row
  });
});
