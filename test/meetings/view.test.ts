// The meeting cards as people see them, rendered with their templates in Dutch and English: what the
// chair, a member and the quality officer can read and press on each card, and the prep text for members
// outside the tenant.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCardRenderer, type AdaptiveCard } from '../../src/cards/render.js';
import { escapeMarkdown } from '../../src/cards/text.js';
import type { Language } from '../../src/config.js';
import { PDCA_QUESTIONS, tableTopics } from '../../src/meetings/texts.js';
import type { FollowUpInput, OverviewInput, PrepInput, TableFormInput, TableInput, TableRow } from '../../src/meetings/view-model.js';
import {
  MAX_OVERVIEW_ROWS,
  TEXT,
  describeRhythm,
  externalPrepText,
  formatMeetingMoment,
  renderCannotCome,
  renderFollowUp,
  renderOverview,
  renderPrep,
  renderRhythmWarning,
  renderTable,
  renderTableForm,
} from '../../src/meetings/view.js';
import { cardActions, parseErrors } from '../support/card-check.js';
import { ROOT_DIR } from '../support/harness.js';

const cards = createCardRenderer(path.join(ROOT_DIR, 'adaptive-cards'));
const NOW = new Date('2026-12-08T10:00:00Z'); // Tuesday 8 December 2026, 11:00 in Amsterdam
const TABLE_ID = '0a1b2c3d-0000-4000-8000-00000000table';
const MEETING_ID = '0a1b2c3d-0000-4000-8000-0000000meet1';
const KARIN = { aadObjectId: '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1004', name: 'Karin de Vries' };
const AHMED = { aadObjectId: '6f1c2b9e-4d3a-4c1e-9b7a-0c0ade5c1003', name: 'Ahmed El Amrani' };
const IDS = [TABLE_ID, MEETING_ID, KARIN.aadObjectId, AHMED.aadObjectId, '29:refresh-user'];

/** Every piece of text a person can see on a card: text, facts, labels, placeholders, choice titles, button titles, values typed. */
function visible(card: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    for (const key of ['text', 'label', 'placeholder', 'errorMessage'] as const) if (typeof o[key] === 'string') out.push(o[key] as string);
    if (typeof o.type === 'string' && (o.type.startsWith('Action.') || o.type === 'Fact') && typeof o.title === 'string') out.push(o.title);
    if (typeof o.type === 'string' && o.type.startsWith('Input.Text') && typeof o.value === 'string') out.push(o.value);
    if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts as { title: string; value: string }[]) out.push(f.title, f.value);
    if (o.type === 'Input.ChoiceSet' && Array.isArray(o.choices)) for (const c of o.choices as { title: string }[]) out.push(c.title);
    for (const [k, v] of Object.entries(o)) if (k !== 'data' && k !== 'choices' && k !== 'facts') walk(v);
  };
  walk(card);
  return out;
}
const textOf = (card: AdaptiveCard) => visible(card).join('\n');

/** The Action.Execute / OpenUrl / ShowCard buttons anywhere on a card (not the refresh). */
const buttons = (card: AdaptiveCard) => cardActions({ ...card, refresh: undefined });

/** The inputs in order of appearance, with the text blocks that follow each (where a problem shows). */
function elementsInOrder(card: AdaptiveCard): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.type === 'TextBlock' || (typeof o.type === 'string' && o.type.startsWith('Input.'))) out.push(o);
    for (const [k, v] of Object.entries(o)) if (k !== 'choices' && k !== 'actions') walk(v);
  };
  walk(card.body);
  return out;
}
const textAfterInput = (card: AdaptiveCard, id: string): string | undefined => {
  const els = elementsInOrder(card);
  const i = els.findIndex((e) => e.id === id);
  return i >= 0 ? (els[i + 1]?.text as string | undefined) : undefined;
};

function row(over: Partial<TableRow> = {}): TableRow {
  return {
    publicId: TABLE_ID,
    name: 'Kwaliteitsteam',
    kind: 'qualityTeam',
    schoolName: null,
    rule: { kind: 'window', minWeeks: 4, maxWeeks: 6 },
    next: { publicId: MEETING_ID, startsAt: new Date('2026-12-15T08:00:00Z'), confirmed: true, windowStart: '2026-12-01', windowEnd: '2026-12-15' },
    lastHeld: new Date('2026-11-03T13:00:00Z'),
    rhythm: 'onTrack',
    memberCount: 4,
    paused: false,
    ...over,
  };
}

function overview(language: Language, over: Partial<OverviewInput> = {}): OverviewInput {
  return { language, now: NOW, tables: [row()], canManage: false, schools: [], ...over };
}

function tableInput(language: Language, over: Partial<TableInput['table']> = {}, canManage = true): TableInput {
  return {
    language,
    now: NOW,
    canManage,
    table: {
      ...row(),
      topics: tableTopics('qualityTeam', null, language),
      ownTopics: null,
      time: '14:00',
      durationMinutes: 120,
      prepDays: 5,
      members: [{ kind: 'role', role: 'kwaliteitsmedewerker', scope: 'any' }, { kind: 'person', ...KARIN }, { kind: 'external', name: 'Fatima Bakker', email: 'f.bakker@voorbeeld.nl' }],
      chair: { kind: 'person', ...KARIN },
      outlookLinked: false,
      ...over,
    },
    history: [],
  };
}

function prepInput(language: Language, over: Partial<PrepInput> = {}): PrepInput {
  return {
    language,
    now: NOW,
    meetingPublicId: MEETING_ID,
    tableName: 'Directeur en kwaliteitsmedewerker',
    schoolName: 'De Regenboog',
    startsAt: new Date('2026-12-15T08:00:00Z'),
    durationMinutes: 90,
    with: [
      { name: AHMED.name, chair: false, external: false },
      { name: KARIN.name, chair: true, external: false },
      { name: 'Fatima Bakker', chair: false, external: true },
    ],
    topics: tableTopics('directorQuality', null, language),
    pdca: PDCA_QUESTIONS.map((q) => ({ step: q.step[language], question: q.question[language] })),
    pack: { checklists: [], surveys: [], actions: [], actionCounts: null },
    agenda: [],
    me: { prepared: false, cannotCome: false, remindAt: null, isChair: false },
    ...over,
  };
}

function followUpInput(language: Language, over: Partial<FollowUpInput> = {}): FollowUpInput {
  return {
    language,
    now: NOW,
    meetingPublicId: MEETING_ID,
    tableName: 'Directeur en kwaliteitsmedewerker',
    schoolName: 'De Regenboog',
    startsAt: new Date('2026-12-15T08:00:00Z'),
    agenda: [{ text: 'Uitkomsten van de werkdrukpeiling', author: KARIN.name }],
    people: [AHMED, KARIN],
    proposedNext: { date: '2027-03-09', time: '10:00' },
    ...over,
  };
}

describe('dates and words', () => {
  it('writes a meeting moment as a Dutch or English reader expects, in Amsterdam time across DST', () => {
    expect(formatMeetingMoment(new Date('2026-12-15T08:00:00Z'), 'nl')).toBe('di 15 december 2026, 09:00');
    expect(formatMeetingMoment(new Date('2026-12-15T08:00:00Z'), 'en')).toBe('Tue 15 December 2026, 09:00');
    // Summer time: 07:00 UTC is 09:00 in Amsterdam.
    expect(formatMeetingMoment(new Date('2027-06-15T07:00:00Z'), 'nl')).toBe('di 15 juni 2027, 09:00');
  });

  it('names the rhythm with one short word', () => {
    expect((['onTrack', 'needsDate', 'overdue', 'paused'] as const).map((s) => describeRhythm(s, 'nl'))).toEqual(['op ritme', 'datum nodig', 'achter', 'gepauzeerd']);
    expect((['onTrack', 'needsDate', 'overdue', 'paused'] as const).map((s) => describeRhythm(s, 'en'))).toEqual(['on track', 'date needed', 'behind', 'paused']);
  });

  it('writes every sentence in Dutch and English, with the same placeholders', () => {
    for (const [key, t] of Object.entries(TEXT)) {
      expect(t.nl.trim(), key).not.toBe('');
      expect(t.en.trim(), key).not.toBe('');
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(t.en), key).toEqual(ph(t.nl));
    }
  });
});

describe('the overview (overleg)', () => {
  it('reads "achter" in red for a table whose window has passed, and says when the next one is or that there is no date', () => {
    const card = renderOverview(cards, overview('nl', { tables: [row({ rhythm: 'overdue', next: null }), row({ publicId: 'x2', name: 'Bestuur en kwaliteitsmedewerker' })] }));
    const blocks = elementsInOrder(card);
    const behind = blocks.find((b) => b.text === 'Achter');
    expect(behind?.color).toBe('Attention');
    expect(textOf(card)).toContain('Nog geen datum');
    expect(textOf(card)).toContain('Volgende: di 15 december 2026, 09:00');
    expect(textOf(card)).toContain('Bestuursniveau · elke 4 tot 6 weken');
  });

  it('marks a date Cadans proposed but nobody confirmed', () => {
    const card = renderOverview(cards, overview('nl', { tables: [row({ next: { ...row().next!, confirmed: false }, rhythm: 'needsDate' })] }));
    expect(textOf(card)).toContain('Voorstel: di 15 december 2026, 09:00 (nog niet bevestigd)');
    expect(textOf(card)).toContain('Datum nodig');
  });

  it('opens each table with its own button, and offers adding one only to those who manage', () => {
    const viewer = renderOverview(cards, overview('nl'));
    expect(buttons(viewer).map((b) => [b.title, b.verb, b.data])).toEqual([['Openen', 'meeting.table', { v: 1, table: TABLE_ID }]]);
    const manager = renderOverview(cards, overview('nl', { canManage: true }));
    expect(buttons(manager).map((b) => b.verb)).toEqual(['meeting.table', 'meeting.editTable']);
  });

  it('shows at most 40 tables, says how many more there are, and offers the school filter', () => {
    const schools = [{ id: 1, name: 'De Regenboog' }, { id: 2, name: 'Het Baken' }];
    const tables = Array.from({ length: 45 }, (_, i) => row({ publicId: `t${i}`, name: `Overleg ${i}` }));
    const card = renderOverview(cards, overview('nl', { tables, more: 5, schools }));
    expect(buttons(card).filter((b) => b.verb === 'meeting.table')).toHaveLength(MAX_OVERVIEW_ROWS);
    expect(textOf(card)).toContain('En nog 10 overleggen die hier niet passen. Kies een school om ze te zien.');
    const filter = elementsInOrder(card).find((e) => e.id === 'school') as { choices: { title: string; value: string }[] };
    expect(filter.choices.map((c) => c.title)).toEqual(['Alle scholen en het bestuur', 'De Regenboog', 'Het Baken']);
    expect(buttons(card).find((b) => b.verb === 'cadence.open')?.data).toEqual({ v: 1 });
  });

  it('says there is nothing yet, and to a manager how to add a table', () => {
    expect(textOf(renderOverview(cards, overview('nl', { tables: [] })))).toContain('Er zijn nog geen vaste overleggen die jij kunt zien.');
    expect(textOf(renderOverview(cards, overview('en', { tables: [], canManage: true })))).toContain('There are no standing meetings yet. Add one with the button below.');
  });
});

describe('one table', () => {
  it('says the table is behind and by when the meeting was due', () => {
    const card = renderTable(cards, tableInput('nl', { rhythm: 'overdue' }));
    expect(textOf(card)).toContain('Achter op het ritme: het overleg had uiterlijk 15 december 2026 moeten plaatsvinden.');
    expect(elementsInOrder(card).find((e) => String(e.text).startsWith('Achter'))?.color).toBe('Attention');
  });

  it('describes the rule, time, prep, chair and members in words, the chair and externals marked', () => {
    const text = textOf(renderTable(cards, tableInput('nl')));
    expect(text).toContain('Elke 4 tot 6 weken');
    expect(text).toContain('14:00–16:00 (2 uur)');
    expect(text).toContain('5 werkdagen vooraf');
    expect(text).toContain('Kwaliteitsmedewerkers van het bestuur en alle scholen');
    expect(text).toContain('Karin de Vries (voorzitter)');
    expect(text).toContain('Fatima Bakker (extern)');
    expect(text).not.toContain('f.bakker@voorbeeld.nl');
  });

  it('lets a manager set or confirm the next date with the date and time filled in, and asks before removing', () => {
    const card = renderTable(cards, tableInput('nl', { next: { ...row().next!, confirmed: false } }));
    const els = elementsInOrder(card);
    expect(els.find((e) => e.id === 'nextDate')?.value).toBe('2026-12-15');
    expect(els.find((e) => e.id === 'nextTime')?.value).toBe('09:00');
    expect(textOf(card)).toContain('Cadans stelt volgens het ritme di 15 december 2026, 09:00 voor.');
    const b = buttons(card);
    expect(b.find((x) => x.verb === 'meeting.setNext')?.data).toEqual({ v: 1, table: TABLE_ID });
    expect(b.find((x) => x.verb === 'meeting.pauseTable')?.data).toEqual({ v: 1, table: TABLE_ID, paused: true });
    const remove = b.find((x) => x.title === 'Verwijderen') as unknown as { type: string; card: AdaptiveCard };
    expect(remove.type).toBe('Action.ShowCard');
    expect(buttons(remove.card).map((x) => [x.verb, x.data])).toEqual([['meeting.removeTable', { v: 1, table: TABLE_ID, confirm: true }]]);
  });

  it('offers resuming a paused table, and nothing to change to someone who does not manage', () => {
    const paused = renderTable(cards, tableInput('nl', { paused: true, rhythm: 'paused', next: null }));
    expect(buttons(paused).find((x) => x.verb === 'meeting.pauseTable')).toMatchObject({ title: 'Hervatten', data: { paused: false } });
    expect(elementsInOrder(paused).some((e) => e.id === 'nextDate')).toBe(false);
    const viewer = renderTable(cards, tableInput('nl', {}, false));
    expect(buttons(viewer).map((x) => x.verb)).toEqual(['cadence.open']);
  });

  it('lets the chair set the date but not edit, pause or remove the table', () => {
    const chair = renderTable(cards, { ...tableInput('nl', {}, false), canRun: true });
    expect(buttons(chair).map((x) => x.verb)).toEqual(['meeting.setNext', 'cadence.open']);
  });

  it('offers Outlook to whoever runs the table when Graph covers the tenant, until it is linked', () => {
    const offered = renderTable(cards, { ...tableInput('en', {}, false), canRun: true, outlookAvailable: true });
    expect(textOf(offered)).toContain('Put the next meeting in the chair’s Outlook calendar');
    const b = buttons(offered);
    expect(b.find((x) => x.title === 'Add to Outlook')).toMatchObject({ verb: 'meeting.linkOutlook', data: { v: 1, table: TABLE_ID, mode: 'create' } });
    const show = b.find((x) => x.title === 'Link an existing series') as unknown as { type: string; card: AdaptiveCard };
    expect(show.type).toBe('Action.ShowCard');
    expect(show.card.body).toEqual([expect.objectContaining({ type: 'Input.Text', id: 'event', isRequired: true })]);
    expect(buttons(show.card).map((x) => [x.verb, x.data])).toEqual([['meeting.linkOutlook', { v: 1, table: TABLE_ID, mode: 'link' }]]);
    for (const none of [
      renderTable(cards, { ...tableInput('nl', { outlookLinked: true }), outlookAvailable: true }),
      renderTable(cards, { ...tableInput('nl', { paused: true, rhythm: 'paused' }), outlookAvailable: true }),
      renderTable(cards, { ...tableInput('nl'), outlookAvailable: false }),
      renderTable(cards, { ...tableInput('nl', {}, false), outlookAvailable: true }),
    ]) {
      expect(buttons(none).some((x) => x.verb === 'meeting.linkOutlook')).toBe(false);
    }
  });
});

describe('the table form', () => {
  const values: TableFormInput['values'] = {
    name: 'Kwaliteitsoverleg *onderbouw*',
    schoolId: '2',
    ruleKind: 'window',
    weeks: '',
    minWeeks: '6',
    maxWeeks: '4',
    times: '',
    months: '6,7',
    dates: '',
    time: '14:00',
    durationMinutes: '90',
    prepDays: '5',
    topics: 'Data\nKennis delen',
    roles: 'kwaliteitsmedewerker:any,directeur:school',
    people: `${KARIN.aadObjectId},gone-person`,
    externals: 'Fatima Bakker <f.bakker@voorbeeld.nl>',
    chair: `person:${KARIN.aadObjectId}`,
    nextDate: '2027-01-12',
    nextTime: '14:00',
  };
  const input: TableFormInput = {
    language: 'nl',
    tablePublicId: TABLE_ID,
    schools: [{ id: 1, name: 'De Regenboog' }, { id: 2, name: 'Het Baken' }],
    people: [AHMED, KARIN],
    values,
    problems: [
      { field: 'maxWeeks', text: 'Het venster moet minstens zo lang zijn als het minimum.' },
      { field: 'externals', text: 'Bij ‘Fatima’ ontbreekt een e-mailadres.' },
      { field: 'members', text: 'Zet minstens één persoon of rol aan tafel.' },
    ],
  };

  it('keeps what was typed and shows each problem under its field, the rest at the top', () => {
    const card = renderTableForm(cards, input);
    const els = elementsInOrder(card);
    const value = (id: string) => els.find((e) => e.id === id)?.value;
    expect(value('name')).toBe('Kwaliteitsoverleg *onderbouw*');
    expect(value('school')).toBe('2');
    expect(value('ruleKind')).toBe('window');
    expect(value('minWeeks')).toBe(6);
    expect(value('months')).toBe('6,7');
    expect(value('roles')).toBe('kwaliteitsmedewerker:any,directeur:school');
    expect(value('people')).toBe(`${KARIN.aadObjectId},gone-person`);
    expect(value('chair')).toBe(`person:${KARIN.aadObjectId}`);
    expect(value('nextDate')).toBe('2027-01-12');
    expect(textAfterInput(card, 'maxWeeks')).toBe('Het venster moet minstens zo lang zijn als het minimum.');
    expect(textAfterInput(card, 'externals')).toBe('Bij ‘Fatima’ ontbreekt een e-mailadres.');
    expect(textAfterInput(card, 'name')).toBeUndefined(); // the next element is the school's input, no problem between
    const top = textOf(card).indexOf('Zet minstens één persoon of rol aan tafel.');
    expect(top).toBeGreaterThan(-1);
    expect(top).toBeLessThan(textOf(card).indexOf('Naam van het overleg'));
    expect(textOf(card)).toContain('Nog niet opgeslagen: kijk bij de velden met een melding.');
  });

  it('names someone chosen who is no longer in the roster, without showing their id', () => {
    const card = renderTableForm(cards, input);
    const people = elementsInOrder(card).find((e) => e.id === 'people') as { choices: { title: string; value: string }[] };
    expect(people.choices.slice(0, 2)).toEqual([
      { title: KARIN.name, value: KARIN.aadObjectId },
      { title: 'Iemand die niet meer in de lijst staat', value: 'gone-person' },
    ]);
    expect(textOf(card)).not.toContain('gone-person');
  });

  it('saves to the table it edits, or makes a new one', () => {
    expect(buttons(renderTableForm(cards, input)).map((b) => [b.verb, b.data])).toEqual([
      ['meeting.saveTable', { v: 1, table: TABLE_ID }],
      ['meeting.table', { v: 1, table: TABLE_ID }],
    ]);
    expect(buttons(renderTableForm(cards, { ...input, tablePublicId: null, problems: [] })).map((b) => [b.verb, b.data])).toEqual([
      ['meeting.saveTable', { v: 1 }],
      ['cadence.open', { v: 1 }],
    ]);
  });
});

describe('the prep card', () => {
  it('tells who, when and what, the chair and externals marked, the PDCA questions as the thread', () => {
    const text = textOf(renderPrep(cards, prepInput('nl')));
    expect(text).toContain('di 15 december 2026, 09:00–10:30 (1,5 uur)');
    expect(text).toContain('Karin de Vries (voorzitter), Ahmed El Amrani, Fatima Bakker (extern)');
    expect(text).toContain('Risico’s en hoe we ze aanpakken');
    expect(text).toContain('Voorbereiding van inspectiebezoeken');
    expect(text).toContain('Wat is de volgende stap, en wat houden we vast?');
    expect(text).toContain('Er lopen geen checklists, peilingen of verbeteracties die bij dit overleg horen.');
  });

  it('shows the chair who is prepared, who cannot come and why, and who has not answered; a member sees none of it', () => {
    const chairView = { prepared: [AHMED.name], cannotCome: [{ name: 'Fatima Bakker', reason: 'Ouderavond op een andere school' }, { name: 'Piet Jansen', reason: null }], noAnswer: ['Els Bos'] };
    const chair = textOf(renderPrep(cards, prepInput('nl', { me: { prepared: false, cannotCome: false, remindAt: null, isChair: true }, chairView })));
    expect(chair).toContain('Voorbereid: Ahmed El Amrani');
    expect(chair).toContain('Kan er niet bij zijn:');
    expect(chair).toContain('Fatima Bakker: Ouderavond op een andere school');
    expect(chair).toContain('Piet Jansen (geen reden opgegeven)');
    expect(chair).toContain('Nog niet gereageerd: Els Bos');
    const member = textOf(renderPrep(cards, prepInput('nl')));
    expect(member).not.toContain('Ouderavond');
    expect(member).not.toContain('Voor jou als voorzitter');
  });

  it('offers the four buttons, each for this meeting, with the agenda item and reason as inputs', () => {
    const card = renderPrep(cards, prepInput('nl'));
    const b = buttons(card);
    expect(b.filter((x) => x.type !== 'Action.ShowCard').map((x) => [x.title, x.verb, x.data])).toEqual([
      ['Ik ben voorbereid', 'meeting.prepared', { v: 1, meeting: MEETING_ID }],
      ['Toevoegen', 'meeting.addAgenda', { v: 1, meeting: MEETING_ID }],
      ['Herinner me morgen', 'meeting.remindTomorrow', { v: 1, meeting: MEETING_ID }],
      ['Laat het weten', 'meeting.cannotCome', { v: 1, meeting: MEETING_ID }],
    ]);
    const inputs = elementsInOrder({ ...card, body: (card.actions as unknown[]).map((a) => (a as { card?: unknown }).card ?? {}) });
    expect(inputs.find((e) => e.id === 'agendaText')).toMatchObject({ maxLength: 500, isRequired: true });
    const reason = inputs.find((e) => e.id === 'reason');
    expect(reason).toMatchObject({ label: 'Reden (niet verplicht)', maxLength: 300 });
    expect(reason?.isRequired).toBeUndefined();
  });

  it('tells a member where they stand, and takes away what they already did', () => {
    const prepared = renderPrep(cards, prepInput('nl', { me: { prepared: true, cannotCome: false, remindAt: null, isChair: false } }));
    expect(textOf(prepared)).toContain('Je hebt aangegeven dat je voorbereid bent.');
    expect(buttons(prepared).map((b) => b.verb)).not.toContain('meeting.prepared');
    const cannot = renderPrep(cards, prepInput('nl', { me: { prepared: false, cannotCome: true, remindAt: null, isChair: false } }));
    expect(textOf(cannot)).toContain('Je kunt er niet bij zijn. De voorzitter weet het.');
    expect(buttons(cannot).map((b) => b.verb)).not.toContain('meeting.cannotCome');
    const remind = renderPrep(cards, prepInput('nl', { me: { prepared: false, cannotCome: false, remindAt: new Date('2026-12-09T08:00:00Z'), isChair: false } }));
    expect(textOf(remind)).toContain('We herinneren je morgen om 9:00.');
    expect(buttons(remind).map((b) => b.verb)).not.toContain('meeting.remindTomorrow');
  });

  it('shows a cancelled or finished meeting without a single button', () => {
    for (const state of ['cancelled', 'over'] as const) {
      const card = renderPrep(cards, prepInput('nl', { state, startSurvey: { template: 'tevredenheid' }, icsUrl: 'https://cadans.example.org/ics/x', chairView: { prepared: [], cannotCome: [], noAnswer: ['Els Bos'] } }));
      expect(buttons(card), state).toEqual([]);
      expect(card.actions ?? []).toEqual([]);
    }
    expect(textOf(renderPrep(cards, prepInput('nl', { state: 'cancelled' })))).toContain('Dit overleg gaat niet door. Je hoeft niets voor te bereiden.');
  });

  it('lists the pack: checklist progress, survey response and headline, open and overdue actions, with "en nog" when many', () => {
    const card = renderPrep(
      cards,
      prepInput('nl', {
        pack: {
          checklists: [{ title: 'Voorbereiding inspectiebezoek', done: 6, notApplicable: 1, total: 10, overdue: 2 }],
          surveys: [{ title: 'Werkdruk najaar', closedAt: new Date('2026-11-20T16:00:00Z'), responseRate: 63.6, headline: 'Werkdruk scoort 2,8 van 5.' }],
          actions: Array.from({ length: 7 }, (_, i) => ({ title: `Actie ${i}`, ownerName: AHMED.name, dueDate: '2026-12-01', overdue: i === 0 })),
          actionCounts: { open: 12, overdue: 3 },
        },
      }),
    );
    const text = textOf(card);
    expect(text).toContain('Voorbereiding inspectiebezoek: 6 van 10 klaar · 1 n.v.t. · 3 open · 2 te laat');
    expect(text).toContain('Werkdruk najaar (gesloten op vr 20 november 2026) · respons 64%');
    expect(text).toContain('Werkdruk scoort 2,8 van 5.');
    expect(text).toContain('12 open, waarvan 3 te laat');
    expect(text).toContain('Actie 0 · Ahmed El Amrani · te laat sinds 1 december 2026');
    expect(text).toContain('Actie 1 · Ahmed El Amrani · klaar op 1 december 2026');
    expect(text).toContain('En nog 7.');
    expect(elementsInOrder(card).find((e) => String(e.text).startsWith('- Actie 0'))?.color).toBe('Attention');
  });

  it('shows agenda items others added with their names, and marks one’s own', () => {
    const text = textOf(renderPrep(cards, prepInput('nl', { agenda: [{ text: 'Werkdruk', author: KARIN.name, mine: false }, { text: 'Schoolbezoeken', author: AHMED.name, mine: true }] })));
    expect(text).toContain('- Werkdruk (van Karin de Vries)');
    expect(text).toContain('- Schoolbezoeken (jouw punt)');
  });

  it('offers starting the survey and the calendar file when there are, and refreshes only for the one it is for', () => {
    const card = renderPrep(cards, prepInput('nl', { startSurvey: { template: 'tevredenheid-personeel' }, icsUrl: 'https://cadans.example.org/ics/x', refreshUserId: '29:refresh-user' }));
    // Surveys start in the channel their results go to: the card says how, it offers no button that would be refused here.
    expect(buttons(card).find((b) => b.verb === 'survey.create')).toBeUndefined();
    expect(textOf(card)).toContain('@Cadans peiling');
    expect(buttons(card).find((b) => b.type === 'Action.OpenUrl')).toMatchObject({ title: 'Zet in mijn agenda (.ics)', url: 'https://cadans.example.org/ics/x' });
    expect(card.refresh).toEqual({
      action: { type: 'Action.Execute', title: 'Bijwerken', verb: 'meeting.prep', data: { v: 1, meeting: MEETING_ID } },
      userIds: ['29:refresh-user'],
    });
    expect(renderPrep(cards, prepInput('nl')).refresh).toBeUndefined();
    expect(parseErrors(card)).toEqual([]);
  });
});

describe('the follow-up card', () => {
  it('keeps typed values and shows each problem under its field', () => {
    const card = renderFollowUp(
      cards,
      followUpInput('nl', {
        values: { held: 'yes', decisions: 'We nemen werkdruk op in het jaarplan.', nextDate: '2027-03-16', nextTime: '11:00', actions: [{ title: 'Werkdruk agenderen', owner: AHMED.aadObjectId, due: '' }, { title: '', owner: KARIN.aadObjectId, due: '2027-02-01' }] },
        problems: [
          { field: 'a1Due', text: 'Kies een datum waarop de actie klaar moet zijn.' },
          { field: 'a2Title', text: 'Beschrijf kort wat er gaat gebeuren.' },
          { field: 'nextDate', text: 'Dat moment is al voorbij.' },
        ],
      }),
    );
    const els = elementsInOrder(card);
    const value = (id: string) => els.find((e) => e.id === id)?.value;
    expect([value('held'), value('decisions'), value('nextDate'), value('nextTime')]).toEqual(['yes', 'We nemen werkdruk op in het jaarplan.', '2027-03-16', '11:00']);
    expect([value('a1Title'), value('a1Owner'), value('a2Owner'), value('a2Due'), value('a3Title')]).toEqual(['Werkdruk agenderen', AHMED.aadObjectId, KARIN.aadObjectId, '2027-02-01', '']);
    expect(textAfterInput(card, 'a1Due')).toBe('Kies een datum waarop de actie klaar moet zijn.');
    expect(textAfterInput(card, 'a2Title')).toBe('Beschrijf kort wat er gaat gebeuren.');
    expect(textAfterInput(card, 'nextDate')).toBe('Dat moment is al voorbij.');
    expect(textAfterInput(card, 'a3Title')).not.toBe('Beschrijf kort wat er gaat gebeuren.');
    expect(buttons(card).map((b) => [b.verb, b.data])).toEqual([['meeting.record', { v: 1, meeting: MEETING_ID }]]);
  });

  it('fills in the next date the rule proposes, and offers the people as owners', () => {
    const card = renderFollowUp(cards, followUpInput('nl'));
    const els = elementsInOrder(card);
    expect(els.find((e) => e.id === 'nextDate')?.value).toBe('2027-03-09');
    expect(els.find((e) => e.id === 'nextTime')?.value).toBe('10:00');
    expect((els.find((e) => e.id === 'a1Owner') as { choices: { title: string }[] }).choices.map((c) => c.title)).toEqual([AHMED.name, KARIN.name]);
    expect(textOf(card)).toContain('Uitkomsten van de werkdrukpeiling (van Karin de Vries)');
  });

  it('shows what was recorded instead of the form', () => {
    const card = renderFollowUp(cards, followUpInput('nl', { recorded: { held: true, decisions: 'Werkdruk in het jaarplan.', actions: ['Werkdruk agenderen'], next: new Date('2027-03-09T09:00:00Z'), by: KARIN.name } }));
    const text = textOf(card);
    expect(text).toContain('Vastgelegd door Karin de Vries.');
    expect(text).toContain('di 9 maart 2027, 10:00');
    expect(text).toContain('- Werkdruk agenderen');
    expect(elementsInOrder(card).some((e) => e.id === 'held')).toBe(false);
    expect(buttons(card).map((b) => b.verb)).toEqual(['meeting.followUp']);
  });
});

describe('the rhythm warning and the chair’s notice', () => {
  it('warns the quality officer with the window, the last meeting and a proposal to set', () => {
    const card = renderRhythmWarning(cards, {
      language: 'nl',
      tablePublicId: TABLE_ID,
      tableName: 'Kwaliteitsteam',
      schoolName: null,
      rule: { kind: 'window', minWeeks: 4, maxWeeks: 6 },
      lastHeld: new Date('2026-11-03T13:00:00Z'),
      windowStart: '2026-12-01',
      windowEnd: '2026-12-15',
      proposed: new Date('2026-12-08T13:00:00Z'),
    });
    const text = textOf(card);
    expect(text).toContain('Volgens het ritme (elke 4 tot 6 weken) hoort het tussen 1 december 2026 en 15 december 2026.');
    expect(text).toContain('Het laatste overleg was op di 3 november 2026.');
    expect(elementsInOrder(card).find((e) => e.id === 'nextDate')?.value).toBe('2026-12-08');
    expect(buttons(card).map((b) => [b.verb, b.data])).toEqual([
      ['meeting.setNext', { v: 1, table: TABLE_ID }],
      ['meeting.table', { v: 1, table: TABLE_ID }],
    ]);
  });

  it('tells the chair who cannot come, to which meeting, and why', () => {
    const card = renderCannotCome(cards, { language: 'nl', meetingPublicId: MEETING_ID, tableName: 'Directeur en kwaliteitsmedewerker', startsAt: new Date('2026-12-15T08:00:00Z'), person: 'Fatima Bakker', reason: 'Ouderavond' });
    expect(textOf(card)).toBe(['Fatima Bakker kan er niet bij zijn', 'Directeur en kwaliteitsmedewerker, di 15 december 2026, 09:00', 'Reden: Ouderavond', 'Wie komen er?'].join('\n'));
  });
});

/** Every card in one language, with ids everywhere they could leak. */
function allCards(language: Language): Array<[string, AdaptiveCard]> {
  const chairView = { prepared: [AHMED.name], cannotCome: [{ name: 'Fatima Bakker', reason: 'Ouderavond' }], noAnswer: [KARIN.name] };
  return [
    ['overview', renderOverview(cards, overview(language, { canManage: true, tables: [row({ rhythm: 'needsDate', next: { ...row().next!, confirmed: false } })], schools: [{ id: 1, name: 'De Regenboog' }, { id: 2, name: 'Het Baken' }], schoolFilter: { id: 1, name: 'De Regenboog' } }))],
    ['table', renderTable(cards, { ...tableInput(language, { rhythm: 'overdue' }), history: [{ startsAt: new Date('2026-11-03T13:00:00Z'), status: 'held', decisions: 'Besluit' }] })],
    [
      'table form',
      renderTableForm(cards, {
        language,
        tablePublicId: TABLE_ID,
        schools: [{ id: 1, name: 'De Regenboog' }],
        people: [AHMED, KARIN],
        values: { name: '', schoolId: '', ruleKind: 'everyNWeeks', weeks: '2', minWeeks: '', maxWeeks: '', times: '', months: '', dates: '', time: '09:00', durationMinutes: '60', prepDays: '2', topics: '', roles: 'bestuurder:tenant', people: KARIN.aadObjectId, externals: '', chair: 'role:bestuurder', nextDate: '', nextTime: '' },
      }),
    ],
    ['prep (chair)', renderPrep(cards, prepInput(language, { me: { prepared: false, cannotCome: false, remindAt: new Date('2026-12-10T08:00:00Z'), isChair: true }, chairView, startSurvey: { template: 'tevredenheid' }, icsUrl: 'https://cadans.example.org/ics/x', refreshUserId: '29:refresh-user', agenda: [{ text: 'Werkdruk', author: KARIN.name, mine: false }], pack: { checklists: [{ title: 'Inspectie', done: 1, notApplicable: 0, total: 10, overdue: 0 }], surveys: [], actions: [{ title: 'Actie', ownerName: AHMED.name, dueDate: '2026-12-20', overdue: false }], actionCounts: { open: 1, overdue: 0 } } }))],
    ['prep (member, prepared)', renderPrep(cards, prepInput(language, { me: { prepared: true, cannotCome: false, remindAt: null, isChair: false }, agenda: [{ text: 'Werkdruk', author: KARIN.name, mine: true }] }))],
    ['prep (member, cannot come)', renderPrep(cards, prepInput(language, { me: { prepared: false, cannotCome: true, remindAt: null, isChair: false } }))],
    ['prep (over)', renderPrep(cards, prepInput(language, { state: 'over' }))],
    ['follow-up', renderFollowUp(cards, followUpInput(language, { values: { held: '', decisions: '', nextDate: '', nextTime: '', actions: [{ title: 'x', owner: AHMED.aadObjectId, due: '' }] }, problems: [{ field: 'held', text: language === 'nl' ? 'Kies ja of nee.' : 'Choose yes or no.' }] }))],
    ['follow-up (recorded)', renderFollowUp(cards, followUpInput(language, { recorded: { held: false, decisions: null, actions: [], next: null, by: KARIN.name } }))],
    ['rhythm warning', renderRhythmWarning(cards, { language, tablePublicId: TABLE_ID, tableName: 'Kwaliteitsteam', schoolName: 'De Regenboog', rule: { kind: 'yearlyInMonths', months: [6, 7] }, lastHeld: null, windowStart: null, windowEnd: '2027-07-15', proposed: null })],
    ['cannot come', renderCannotCome(cards, { language, meetingPublicId: MEETING_ID, tableName: 'Kwaliteitsteam', startsAt: new Date('2026-12-15T08:00:00Z'), person: 'Fatima Bakker', reason: null })],
  ];
}

describe('every card', () => {
  for (const language of ['nl', 'en'] as const) {
    it.each(allCards(language))(`shows no id as text (${language}): %s`, (_name, card) => {
      const text = textOf(card);
      for (const id of IDS) expect(text).not.toContain(id);
      expect(parseErrors(card)).toEqual([]);
    });
  }

  it.each(allCards('en'))('is English through and through when the reader reads English: %s', (_name, card) => {
    const text = textOf(card);
    // No sentence of ours in Dutch where the English differs (names of tables and schools stay as they are).
    const dutchOnly = Object.values(TEXT)
      .filter((t) => t.nl !== t.en)
      .flatMap((t) => t.nl.split(/\{\w+\}/))
      .map((part) => part.trim())
      .filter((part) => part.length >= 8);
    for (const dutch of dutchOnly) expect(text, dutch).not.toContain(dutch);
    expect(text).not.toMatch(/\b(?:maandag|dinsdag|december|januari|maart|juni|juli|werkdagen|voorzitter|extern)\b/);
  });

  it('reads in English as an English reader expects', () => {
    const prep = textOf(renderPrep(cards, prepInput('en', { me: { prepared: false, cannotCome: false, remindAt: new Date('2026-12-09T08:00:00Z'), isChair: false } })));
    expect(prep).toContain('Tue 15 December 2026, 09:00–10:30 (1.5 hours)');
    expect(prep).toContain('Karin de Vries (chair), Ahmed El Amrani, Fatima Bakker (external)');
    expect(prep).toContain('We will remind you tomorrow at 9:00.');
    expect(prep).toContain('I am prepared');
    expect(textOf(renderOverview(cards, overview('en', { tables: [row({ rhythm: 'overdue' })] })))).toContain('Behind');
  });

  it('lets no name or typed text format a card: wherever they show in Markdown, every Markdown character arrives escaped', () => {
    const markdowny = fc.string({ unit: fc.constantFrom(...'*_[]()#>~|`\\ ab'.split('')), minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(markdowny, markdowny, (name, item) => {
        // Marked so they can be found in the card; the markers hold no Markdown character.
        const who = `QQ${name}ZZ`;
        const what = `XX${item}YY`;
        const card = renderPrep(
          cards,
          prepInput('nl', {
            with: [{ name: who, chair: true, external: false }],
            agenda: [{ text: what, author: who, mine: false }],
            me: { prepared: false, cannotCome: false, remindAt: null, isChair: true },
            chairView: { prepared: [who], cannotCome: [{ name: who, reason: what }], noAnswer: [who] },
          }),
        );
        const texts = markdownTexts(card);
        const found = (open: string, close: string) => texts.flatMap((t) => [...t.matchAll(new RegExp(`${open}([^]*?)${close}`, 'g'))].map((m) => m[1]));
        const names = found('QQ', 'ZZ');
        const items = found('XX', 'YY');
        expect(names.length).toBeGreaterThanOrEqual(5);
        expect(items.length).toBeGreaterThanOrEqual(2);
        for (const n of names) expect(n).toBe(escapeMarkdown(name));
        for (const i of items) expect(i).toBe(escapeMarkdown(item));
      }),
      { numRuns: 60 },
    );
  });
});

/** The texts Teams renders as Markdown: TextBlocks and facts. */
function markdownTexts(card: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts as { title: string; value: string }[]) out.push(f.title, f.value);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

describe('the prep text for members outside the tenant', () => {
  const input = {
    language: 'nl' as const,
    tableName: 'Medezeggenschapsraad (MR)',
    schoolName: 'De Regenboog',
    startsAt: new Date('2027-03-09T18:30:00Z'),
    durationMinutes: 120,
    topics: ['Schoolplan, jaarplan en begroting', 'Uitkomsten van peilingen <script>alert(1)</script>'],
    pdca: PDCA_QUESTIONS.map((q) => ({ step: q.step.nl, question: q.question.nl })),
    agenda: [{ text: 'Ouderbijdrage & schoolreis', author: 'Karin de Vries' }],
    recipients: [{ name: 'Fatima Bakker', email: 'f.bakker@voorbeeld.nl' }],
  };

  it('says which meeting, when and for how long, what is on the table and the thread, addressed to the reader', () => {
    const t = externalPrepText(input);
    expect(t.subject).toBe('Voorbereiding: Medezeggenschapsraad (MR), di 9 maart 2027, 19:30');
    expect(t.plain).toContain('Beste Fatima Bakker,');
    expect(t.plain).toContain('Op di 9 maart 2027, 19:30 is het overleg ‘Medezeggenschapsraad (MR)’ van De Regenboog. Het duurt 2 uur.');
    expect(t.plain).toContain('- Schoolplan, jaarplan en begroting');
    expect(t.plain).toContain('- Plan: Wat willen we bereiken, en wie is waarvoor verantwoordelijk?');
    expect(t.plain).toContain('- Ouderbijdrage & schoolreis (van Karin de Vries)');
    expect(t.plain).not.toContain(MEETING_ID);
  });

  it('escapes what people typed in the HTML, and greets a group as a group, in English too', () => {
    const t = externalPrepText(input);
    expect(t.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(t.html).not.toContain('<script>');
    expect(t.html).toContain('Ouderbijdrage &amp; schoolreis');
    const en = externalPrepText({ ...input, language: 'en', recipients: [...input.recipients, { name: 'Jan', email: 'jan@voorbeeld.nl' }] });
    expect(en.plain.startsWith('Dear all,')).toBe(true);
    expect(en.subject).toBe('Preparation: Medezeggenschapsraad (MR), Tue 9 March 2027, 19:30');
    expect(en.plain).toContain('It lasts 2 hours.');
  });
});
