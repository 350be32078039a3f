// The cards a staff member answers a survey with, as rendered with their templates, in Dutch and
// English: the question card (with the server's errors and the values given), the thank-you card, and
// the states with nothing to answer. Worst-case data must parse and fit Teams' size budget.
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTemplates, type AdaptiveCard } from '../../src/cards/render.js';
import type { Language } from '../../src/config.js';
import {
  ANSWER_TEMPLATE_NAMES,
  formatDeadline,
  givenFromAnswers,
  questionCard,
  stateCard,
  thanksCard,
  type AnswerCardRenderer,
  type QuestionCardSurvey,
  type StateKind,
} from '../../src/surveys/answer-view.js';
import { SURVEY_LIMITS, inputId, parseAnswers, type FieldError, type Question } from '../../src/surveys/model.js';
import { TEAMS_CARD_BUDGET_BYTES, cardMessageBytes, parseErrors } from '../support/card-check.js';
import { ROOT_DIR } from '../support/harness.js';

// The app's renderer loads only the names in cards/render.ts' TEMPLATE_NAMES; these three are bound the same way.
const raw = readTemplates(path.join(ROOT_DIR, 'adaptive-cards'));
const templates = new Map(ANSWER_TEMPLATE_NAMES.map((n) => [n, new ACData.Template(raw.get(n)!)]));
const cards: AnswerCardRenderer = { render: (name, data) => templates.get(name)!.expand({ $root: data }) as AdaptiveCard };

const LANGUAGES = ['nl', 'en'] as const;
/** Friday 12 December 2025, 17:00 in Amsterdam (CET). */
const DEADLINE = new Date('2025-12-12T16:00:00Z');
const BEFORE = new Date('2025-12-10T09:00:00Z');
const AFTER = new Date('2025-12-12T16:00:01Z');
const PUBLIC_ID = '0b6e3f1c-2d4a-4f7e-9a51-6c8d2e1f3a70';

const PULSE: Question[] = [
  { id: 'q1', kind: 'likert', text: 'Ik krijg mijn werk binnen mijn werktijd af.', required: true },
  { id: 'q2', kind: 'yesno', text: 'Weet je bij wie je terechtkunt als de werkdruk te hoog wordt?', required: true },
  { id: 'q3', kind: 'scale10', text: 'Hoe waarschijnlijk is het dat je onze school als werkgever aanraadt?', required: true },
  {
    id: 'q4',
    kind: 'choice',
    text: 'Waar zou je meer tijd voor willen hebben?',
    required: true,
    multiple: true,
    options: [
      { id: 'a', label: 'Lesvoorbereiding' },
      { id: 'b', label: "Overleg met collega's" },
      { id: 'c', label: 'Nascholing' },
    ],
  },
  { id: 'q5', kind: 'choice', text: 'Welke dag past het best voor de studiedag?', required: false, options: [{ id: 'a', label: 'Maandag' }, { id: 'b', label: 'Woensdag' }] },
  { id: 'q6', kind: 'open', text: 'Wat kan er beter?', required: false },
];

function survey(over: Partial<QuestionCardSurvey> = {}): QuestionCardSurvey {
  return { publicId: PUBLIC_ID, title: 'Werkdruk en samenwerking, december', anonymous: true, deadline: DEADLINE, authorName: 'Anna de Vries', resultsChannelName: 'Kwaliteit', questions: PULSE, ...over };
}

type Node = Record<string, unknown>;
function walk(node: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(node)) node.forEach((n) => walk(n, out));
  else if (node && typeof node === 'object') {
    out.push(node as Node);
    Object.values(node).forEach((v) => walk(v, out));
  }
  return out;
}
const inputs = (card: AdaptiveCard) => walk(card.body).filter((n) => typeof n.type === 'string' && n.type.startsWith('Input.'));
const input = (card: AdaptiveCard, id: string) => inputs(card).find((n) => n.id === id)!;
const texts = (card: AdaptiveCard) => walk(card.body).filter((n) => n.type === 'TextBlock').map((n) => n.text as string);
const actions = (card: AdaptiveCard) => (card.actions ?? []) as Node[];
/** The container of one question: its input, then whatever is shown right under it. */
const block = (card: AdaptiveCard, questionId: string) =>
  (card.body as Node[]).find((n) => n.type === 'Container' && ((n.items as Node[]) ?? []).some((i) => i.id === inputId(questionId)))!.items as Node[];
const error = (message: string): FieldError['message'] => ({ nl: `NL ${message}`, en: `EN ${message}` });

/** Text of exactly `n` characters with every Markdown character, a template expression, quotes and accents. */
function hostile(n: number, seed = ''): string {
  const unit = `${seed} Vraag [over] *werkdruk* _en_ (rust) #1 > ~x~ | \`c\` \\ \${$root.survey} "é" … `;
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

describe('the question card', () => {
  for (const language of LANGUAGES) {
    const cases: Array<[string, AdaptiveCard]> = [
      ['anonymous', questionCard(cards, survey(), { language })],
      ['not anonymous, changing', questionCard(cards, survey({ anonymous: false }), { language, changing: true, given: { a_q1: '2' } })],
      ['reminder', questionCard(cards, survey(), { language, reminder: true })],
      ['with errors', questionCard(cards, survey(), { language, errors: [{ questionId: 'q1', message: error('x') }], given: { a_q6: 'tekst' } })],
      ['without a results channel', questionCard(cards, survey({ resultsChannelName: null }), { language })],
    ];
    it.each(cases)(`renders the %s card in ${language} so the adaptivecards library parses it, with nothing unbound`, (_n, card) => {
      expect(parseErrors(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toMatch(/\$\{|\{\w+\}/);
      expect(card.version).toBe('1.5');
    });
  }

  it('has one input per question, each with the id the server reads (inputId)', () => {
    const card = questionCard(cards, survey(), { language: 'nl' });
    expect(inputs(card).map((n) => n.id)).toEqual(PULSE.map((q) => inputId(q.id)));
  });

  it('sends everything with one button: survey.answer with the public id, taking the inputs along', () => {
    for (const language of LANGUAGES) {
      const card = questionCard(cards, survey(), { language });
      expect(actions(card)).toEqual([
        expect.objectContaining({ type: 'Action.Execute', title: language === 'nl' ? 'Versturen' : 'Send', verb: 'survey.answer', data: { v: 1, survey: PUBLIC_ID }, associatedInputs: 'auto' }),
      ]);
    }
  });

  it('tells an anonymous survey from a named one in its intro, in both languages', () => {
    const nl = (anonymous: boolean) => texts(questionCard(cards, survey({ anonymous }), { language: 'nl' }));
    expect(nl(true)).toContain('Je antwoorden zijn anoniem: niemand kan zien wat jij hebt geantwoord. Na verzenden kun je ze niet meer wijzigen.');
    expect(nl(false)).toContain('Deze peiling is niet anoniem: je naam staat bij je antwoorden. Je kunt ze wijzigen tot vrijdag 12 december, 17:00.');
    expect(nl(false).join()).not.toMatch(/Je antwoorden zijn anoniem/);
    const en = (anonymous: boolean) => texts(questionCard(cards, survey({ anonymous }), { language: 'en' })).join('\n');
    expect(en(true)).toMatch(/Your answers are anonymous: nobody can see what you answered\. Once sent, they cannot be changed\./);
    expect(en(false)).toMatch(/This survey is not anonymous: your name is stored with your answers\. You can change them until Friday 12 December, 17:00\./);
  });

  it('says who sent it and until when it can be answered, and a reminder only when it is one', () => {
    const plain = texts(questionCard(cards, survey({ authorName: 'Piet *Jansen*' }), { language: 'nl' }));
    expect(plain).toContain('Van Piet \\*Jansen\\* · invullen kan tot vrijdag 12 december, 17:00');
    expect(plain.join()).not.toMatch(/Herinnering/);
    expect(texts(questionCard(cards, survey(), { language: 'nl', reminder: true }))[0]).toBe('Herinnering: je hebt deze peiling nog niet ingevuld.');
    expect(texts(questionCard(cards, survey(), { language: 'en', reminder: true }))[0]).toBe('Reminder: you have not answered this survey yet.');
  });

  it('offers likert as five labelled radio buttons, yes/no as 1/0, 0–10 as a drop-down, several choices as tick boxes, open text up to 1,000 characters', () => {
    const card = questionCard(cards, survey(), { language: 'nl' });
    const likert = input(card, 'a_q1');
    expect(likert).toMatchObject({ type: 'Input.ChoiceSet', style: 'expanded', isMultiSelect: false, wrap: true });
    expect(likert.choices).toEqual(['Helemaal oneens', 'Oneens', 'Neutraal', 'Eens', 'Helemaal eens'].map((title, i) => ({ title, value: String(i + 1) })));
    expect(input(card, 'a_q2')).toMatchObject({ style: 'expanded', choices: [{ title: 'Ja', value: '1' }, { title: 'Nee', value: '0' }] });
    const scale = input(card, 'a_q3');
    expect(scale).toMatchObject({ style: 'compact', placeholder: 'Kies 0 tot en met 10' });
    expect((scale.choices as Node[]).map((c) => c.value)).toEqual(Array.from({ length: 11 }, (_, i) => String(i)));
    expect((scale.choices as Node[]).map((c) => c.title)).toEqual(['0 (laagst)', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10 (hoogst)']);
    expect(input(card, 'a_q4')).toMatchObject({ style: 'expanded', isMultiSelect: true, choices: [{ title: 'Lesvoorbereiding', value: 'a' }, { title: "Overleg met collega's", value: 'b' }, { title: 'Nascholing', value: 'c' }] });
    expect(input(card, 'a_q5')).toMatchObject({ style: 'expanded', isMultiSelect: false });
    expect(input(card, 'a_q6')).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: SURVEY_LIMITS.openAnswerLength });
    const en = questionCard(cards, survey(), { language: 'en' });
    expect((input(en, 'a_q1').choices as Node[]).map((c) => c.title)).toEqual(['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree']);
    expect(input(en, 'a_q2').choices).toEqual([{ title: 'Yes', value: '1' }, { title: 'No', value: '0' }]);
  });

  it('marks required questions for the client check and optional ones with "(optioneel)"', () => {
    for (const language of LANGUAGES) {
      const card = questionCard(cards, survey(), { language });
      for (const q of PULSE) {
        const i = input(card, inputId(q.id));
        expect(i.isRequired).toBe(q.required);
        expect(i.label).toBe(q.required ? q.text : `${q.text} ${language === 'nl' ? '(optioneel)' : '(optional)'}`);
        expect(i.errorMessage).toEqual(expect.stringMatching(/\S/));
      }
    }
  });

  it('answers of the sample template pass the server check (the values the card sends are the ones parseAnswers accepts)', () => {
    const card = questionCard(cards, survey(), { language: 'nl' });
    const data = Object.fromEntries(inputs(card).map((i) => [i.id, i.type === 'Input.Text' ? 'ok' : ((i.choices as Node[]).at(-1)!.value as string)]));
    expect(parseAnswers(PULSE, data)).toMatchObject({ ok: true, answers: { q1: 5, q2: 0, q3: 10, q4: ['c'], q5: ['b'], q6: 'ok' } });
  });

  it("shows the server's errors right under their question, in attention colour, and keeps what was given", () => {
    const sent = { a_q1: '9', a_q2: '1', a_q3: '7', a_q4: 'c,zz,a', a_q6: 'x'.repeat(SURVEY_LIMITS.openAnswerLength + 1) };
    const result = parseAnswers(PULSE, sent);
    if (result.ok) throw new Error('expected errors');
    for (const language of LANGUAGES) {
      const card = questionCard(cards, survey(), { language, errors: result.errors, given: result.given });
      for (const q of PULSE) {
        const items = block(card, q.id);
        expect(items[0]!.id).toBe(inputId(q.id));
        const e = result.errors.find((x) => x.questionId === q.id);
        expect(items.slice(1)).toEqual(e ? [expect.objectContaining({ type: 'TextBlock', color: 'Attention', text: e.message[language] })] : []);
      }
      // What can be shown again is: the yes, the 7, the valid options; the long text up to what fits the box.
      expect(input(card, 'a_q1').value).toBe('');
      expect(input(card, 'a_q2').value).toBe('1');
      expect(input(card, 'a_q3').value).toBe('7');
      expect(input(card, 'a_q4').value).toBe('c,a');
      expect(input(card, 'a_q5').value).toBe('');
      expect(input(card, 'a_q6').value).toBe('x'.repeat(SURVEY_LIMITS.openAnswerLength));
      // One line at the top says why nothing was sent.
      expect(texts(card)).toContain(language === 'nl' ? 'Nog niet verstuurd: kijk bij de 3 vragen met een melding.' : 'Not sent yet: check the 3 questions with a message.');
    }
    const one = questionCard(cards, survey(), { language: 'nl', errors: [{ questionId: 'q2', message: error('x') }] });
    expect(texts(one)).toContain('Nog niet verstuurd: kijk bij de vraag met een melding.');
  });

  it('gives back a text within the limit as typed, line breaks and all, and cuts a longer one at 1,000 characters as the server counts them, never half a character', () => {
    const ok = `Eerste regel\n\nTweede ${'é'.repeat(SURVEY_LIMITS.openAnswerLength - 30)}`;
    expect(input(questionCard(cards, survey(), { language: 'nl', given: { a_q6: ok } }), 'a_q6').value).toBe(ok);
    const emoji = '😀'.repeat(SURVEY_LIMITS.openAnswerLength + 1);
    const cut = input(questionCard(cards, survey(), { language: 'nl', given: { a_q6: emoji } }), 'a_q6').value as string;
    expect([...cut]).toHaveLength(SURVEY_LIMITS.openAnswerLength);
    expect(emoji.startsWith(cut)).toBe(true);
  });

  it('ignores an error for a question the survey does not have', () => {
    const card = questionCard(cards, survey(), { language: 'nl', errors: [{ questionId: 'q99', message: error('x') }] });
    expect(texts(card).join()).not.toMatch(/NL x|Nog niet verstuurd/);
  });

  it('shows a question text with Markdown and ${…} exactly as written, and escapes the title and names in text blocks', () => {
    const text = 'Werkt **dit** [link](https://evil.example) ${$root.survey} _niet_?';
    const card = questionCard(cards, survey({ title: 'Peiling *vet* ${title}', authorName: '[Anna](https://evil.example)', questions: [{ id: 'q1', kind: 'likert', text, required: true }] }), { language: 'nl' });
    // A label is plain text in Teams: the author's characters as typed, not formatted, not bound.
    expect(input(card, 'a_q1').label).toBe(text);
    expect(texts(card)).toContain('Peiling \\*vet\\* ${title}');
    expect(texts(card).join('\n')).toContain('Van \\[Anna\\]\\(https://evil.example\\)');
    expect(parseErrors(card)).toEqual([]);
  });

  it('fills in the earlier answers when a named survey is changed, and never offers that for an anonymous one', () => {
    const answers = { q1: 4, q2: 0, q3: 10, q4: ['a', 'c'], q6: 'Meer overleg.' };
    const given = givenFromAnswers(PULSE, answers);
    expect(given).toEqual({ a_q1: '4', a_q2: '0', a_q3: '10', a_q4: 'a,c', a_q6: 'Meer overleg.' });
    const card = questionCard(cards, survey({ anonymous: false }), { language: 'nl', given, changing: true });
    expect(inputs(card).map((i) => i.value)).toEqual(['4', '0', '10', 'a,c', '', 'Meer overleg.']);
    expect(texts(card)).toContain('Je eerdere antwoorden staan al ingevuld. Pas aan wat je wilt en verstuur opnieuw.');
    expect(parseAnswers(PULSE, given)).toEqual({ ok: true, answers });
    expect(texts(questionCard(cards, survey(), { language: 'nl', given, changing: true })).join()).not.toMatch(/eerdere antwoorden/);
  });

  it('shows only values a choice offers, and any text as given (property)', () => {
    const any = fc.oneof(fc.constantFrom('1', '0', '5', '10', 'a', 'b,c', ' a , b ', 'a,a', '-1'), fc.string({ maxLength: 30 }));
    fc.assert(
      fc.property(fc.record({ a_q1: any, a_q2: any, a_q3: any, a_q4: any, a_q5: any, a_q6: any }, { requiredKeys: [] }), (given) => {
        const card = questionCard(cards, survey(), { language: 'nl', given });
        for (const i of inputs(card)) {
          const value = i.value as string;
          if (i.type === 'Input.Text') expect(value).toBe(given[i.id as keyof typeof given] ?? '');
          else {
            const offered = new Set((i.choices as Node[]).map((c) => c.value));
            const picked = value === '' ? [] : value.split(',');
            expect(picked.every((v) => offered.has(v))).toBe(true);
            expect(new Set(picked).size).toBe(picked.length);
            if (!i.isMultiSelect) expect(picked.length).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });
});

describe('the thank-you card', () => {
  for (const language of LANGUAGES) {
    const cases: Array<[string, AdaptiveCard]> = [
      ['anonymous', thanksCard(cards, survey(), { language, now: BEFORE })],
      ['named, before the deadline', thanksCard(cards, survey({ anonymous: false }), { language, now: BEFORE })],
      ['named, after the deadline', thanksCard(cards, survey({ anonymous: false }), { language, now: AFTER })],
      ['without a channel', thanksCard(cards, survey({ resultsChannelName: null }), { language, now: BEFORE })],
    ];
    it.each(cases)(`renders the %s card in ${language} so the adaptivecards library parses it, with nothing unbound`, (_n, card) => {
      expect(parseErrors(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toMatch(/\$\{|\{\w+\}/);
    });
  }

  it('says the answers were anonymous, offers no change, and tells when and where the results come', () => {
    const card = thanksCard(cards, survey(), { language: 'nl', now: BEFORE });
    expect(texts(card)).toEqual([
      'Bedankt voor het invullen',
      'Werkdruk en samenwerking, december',
      'Je antwoorden zijn anoniem opgeslagen: niemand kan zien wat jij hebt geantwoord.',
      'De resultaten komen na vrijdag 12 december, 17:00 in het kanaal Kwaliteit.',
    ]);
    expect(actions(card)).toEqual([]);
    expect(texts(thanksCard(cards, survey({ resultsChannelName: null }), { language: 'en', now: BEFORE }))).toContain('The results will be shared after Friday 12 December, 17:00.');
    expect(texts(thanksCard(cards, survey({ resultsChannelName: 'Team *Q*' }), { language: 'en', now: BEFORE }))).toContain('The results will be posted in the channel Team \\*Q\\* after Friday 12 December, 17:00.');
  });

  it('offers a named survey "Antwoorden wijzigen" until the deadline, and not after', () => {
    const before = thanksCard(cards, survey({ anonymous: false }), { language: 'nl', now: BEFORE });
    expect(texts(before)).toContain('Je antwoorden staan op je naam. Je kunt ze wijzigen tot vrijdag 12 december, 17:00.');
    expect(actions(before)).toEqual([{ type: 'Action.Execute', title: 'Antwoorden wijzigen', verb: 'survey.change', data: { v: 1, survey: PUBLIC_ID }, associatedInputs: 'none' }]);
    const after = thanksCard(cards, survey({ anonymous: false }), { language: 'en', now: AFTER });
    expect(texts(after)).toContain('Your answers are stored with your name.');
    expect(actions(after)).toEqual([]);
  });

  it('repeats none of the answers, questions or options', () => {
    const answers = { q1: 4, q2: 1, q3: 10, q4: ['b'], q6: 'Geheim antwoord over mijn leidinggevende' };
    for (const anonymous of [true, false]) {
      // The whole survey as the route holds it, answers included: the card must take none of it.
      const card = thanksCard(cards, { ...survey({ anonymous }), answers } as ReturnType<typeof survey>, { language: 'nl', now: BEFORE });
      const s = JSON.stringify(card);
      expect(s).not.toContain('Geheim antwoord');
      expect(s).not.toContain("Overleg met collega's");
      for (const q of PULSE) expect(s).not.toContain(q.text);
      expect(inputs(card)).toEqual([]);
    }
  });
});

describe('the state card', () => {
  const kinds: StateKind[] = ['closed', 'cancelled', 'alreadyAnswered', 'notForYou'];
  for (const language of LANGUAGES) {
    for (const kind of kinds) {
      for (const anonymous of [true, false]) {
        it(`renders ${kind} (${anonymous ? 'anonymous' : 'named'}) in ${language} so the adaptivecards library parses it, with nothing unbound`, () => {
          const card = stateCard(cards, kind, survey({ anonymous }), { language, now: BEFORE });
          expect(parseErrors(card)).toEqual([]);
          expect(JSON.stringify(card)).not.toMatch(/\$\{|\{\w+\}/);
        });
      }
    }
  }

  it('says why there is nothing to answer, in Dutch and English', () => {
    const nl = (kind: StateKind, over: Parameters<typeof stateCard>[2] = survey(), now = BEFORE) => texts(stateCard(cards, kind, over, { language: 'nl', now }));
    expect(nl('closed', { ...survey(), closedAt: new Date('2025-12-09T10:30:00Z') })).toEqual(['Werkdruk en samenwerking, december', 'Deze peiling is gesloten op dinsdag 9 december, 11:30. Antwoorden kan niet meer.']);
    expect(nl('closed', survey(), AFTER)[1]).toBe('Deze peiling is gesloten op vrijdag 12 december, 17:00. Antwoorden kan niet meer.');
    expect(nl('cancelled', survey({ authorName: 'Anna *de* Vries' }))[1]).toBe('Anna \\*de\\* Vries heeft deze peiling geannuleerd.');
    expect(nl('alreadyAnswered')[1]).toBe('Je hebt deze peiling al ingevuld. Anonieme antwoorden zijn definitief.');
    expect(nl('notForYou')).toEqual(['Deze peiling is niet naar jou gestuurd.']);
    const en = (kind: StateKind) => texts(stateCard(cards, kind, survey(), { language: 'en', now: BEFORE })).join('\n');
    expect(en('closed')).toContain('This survey closed on Friday 12 December, 17:00. Answers can no longer be sent.');
    expect(en('cancelled')).toContain('Anna de Vries cancelled this survey.');
    expect(en('alreadyAnswered')).toContain('You have already answered this survey. Anonymous answers are final.');
    expect(en('notForYou')).toBe('This survey was not sent to you.');
  });

  it('does not show the title or id of a survey to someone it was not sent to', () => {
    const card = stateCard(cards, 'notForYou', survey(), { language: 'nl', now: BEFORE });
    expect(JSON.stringify(card)).not.toContain('Werkdruk');
    expect(JSON.stringify(card)).not.toContain(PUBLIC_ID);
  });

  it('lets someone who answered a named survey change the answers until the deadline; anonymous answers never', () => {
    const named = stateCard(cards, 'alreadyAnswered', survey({ anonymous: false }), { language: 'nl', now: BEFORE });
    expect(texts(named)).toContain('Je hebt deze peiling al ingevuld. Je kunt je antwoorden wijzigen tot vrijdag 12 december, 17:00.');
    expect(actions(named)).toEqual([expect.objectContaining({ verb: 'survey.change', data: { v: 1, survey: PUBLIC_ID } })]);
    expect(actions(stateCard(cards, 'alreadyAnswered', survey({ anonymous: false }), { language: 'nl', now: AFTER }))).toEqual([]);
    expect(actions(stateCard(cards, 'alreadyAnswered', survey(), { language: 'nl', now: BEFORE }))).toEqual([]);
    for (const kind of ['closed', 'cancelled', 'notForYou'] as const) expect(actions(stateCard(cards, kind, survey({ anonymous: false }), { language: 'nl', now: BEFORE }))).toEqual([]);
  });
});

describe('dates', () => {
  it('formats a moment in Amsterdam time, in winter and in summer', () => {
    expect(formatDeadline(DEADLINE, 'nl')).toBe('vrijdag 12 december, 17:00');
    expect(formatDeadline(DEADLINE, 'en')).toBe('Friday 12 December, 17:00');
    expect(formatDeadline(new Date('2026-06-05T15:00:00Z'), 'nl')).toBe('vrijdag 5 juni, 17:00');
    expect(formatDeadline(new Date('2026-03-29T22:05:00Z'), 'en')).toBe('Monday 30 March, 00:05');
  });
});

describe('worst case', () => {
  const options = (q: number) => Array.from({ length: SURVEY_LIMITS.options.max }, (_, j) => ({ id: String.fromCharCode(97 + j), label: hostile(SURVEY_LIMITS.optionLength, `${q}${j}`) }));
  const choice = (i: number, seed: string): Question => ({ id: `q${i + 1}`, kind: 'choice', text: hostile(SURVEY_LIMITS.questionLength, `${seed}${i}`), required: i % 2 === 0, multiple: true, options: options(i) });
  const open = (i: number, seed: string): Question => ({ id: `q${i + 1}`, kind: 'open', text: hostile(SURVEY_LIMITS.questionLength, `${seed}${i}`), required: true });
  /** A pulse at every limit: 10 questions, 9 with 10 options of 80 characters, the open one; texts of 300. */
  const pulse = Array.from({ length: SURVEY_LIMITS.pulseQuestions }, (_, i) => (i === 9 ? open(i, 'Q') : choice(i, 'Q')));
  /** Self-evaluations of 20 statements: every one open, or every one a choice of 10. */
  const allOpen = Array.from({ length: SURVEY_LIMITS.selfEvaluationQuestions }, (_, i) => open(i, 'S'));
  const allChoice = Array.from({ length: SURVEY_LIMITS.selfEvaluationQuestions }, (_, i) => choice(i, 'S'));
  /** What makes the largest card the server sends back: every option ticked plus an unknown one, texts of twice the limit; an error on every question. */
  const LONG = hostile(SURVEY_LIMITS.openAnswerLength * 2, 'A');
  const sentBack = (qs: Question[]) => {
    const result = parseAnswers(qs, Object.fromEntries(qs.map((q) => [inputId(q.id), q.kind === 'open' ? LONG : 'a,b,c,d,e,f,g,h,i,j,zz'])));
    if (result.ok) throw new Error('expected errors');
    expect(result.errors).toHaveLength(qs.length);
    return result;
  };
  const worst = (language: Language, qs: Question[]) =>
    questionCard(cards, survey({ title: hostile(SURVEY_LIMITS.titleLength, 'T'), authorName: hostile(256, 'P'), anonymous: false, questions: qs }), {
      language,
      ...sentBack(qs),
      reminder: true,
      changing: true,
    });

  for (const language of LANGUAGES) {
    const rendered: Array<[string, AdaptiveCard]> = [
      ['pulse of 10 questions, 10 options of 80 characters, all errors, a text of 2,000 characters', worst(language, pulse)],
      ['self-evaluation of 20 open statements, all errors, texts of 2,000 characters', worst(language, allOpen)],
      ['self-evaluation of 20 choices of 10 options, all errors', worst(language, allChoice)],
      ['thanks', thanksCard(cards, survey({ title: hostile(SURVEY_LIMITS.titleLength, 'T'), anonymous: false, resultsChannelName: hostile(256, 'C') }), { language, now: BEFORE })],
      ['state', stateCard(cards, 'cancelled', survey({ title: hostile(SURVEY_LIMITS.titleLength, 'T'), authorName: hostile(256, 'P') }), { language, now: BEFORE })],
    ];
    console.info(`answer card sizes (${language}): ${rendered.map(([n, c]) => `${n.split(' of ')[0]} ${(cardMessageBytes(c) / 1024).toFixed(1)} KB`).join('; ')}`);

    it.each(rendered)(`parses the %s card in ${language} and keeps it within the 80 KB Teams recommends`, (_n, card) => {
      expect(parseErrors(card)).toEqual([]);
      expect(cardMessageBytes(card)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
    });

    it(`keeps every question, option, error and given value of the worst pulse in ${language}, with the ids the server reads`, () => {
      const card = rendered[0]![1];
      const { errors } = sentBack(pulse);
      expect(inputs(card).map((i) => i.id)).toEqual(pulse.map((q) => inputId(q.id)));
      for (const q of pulse) {
        const items = block(card, q.id);
        expect(items[0]!.label).toContain(q.text);
        expect(items[1]).toMatchObject({ color: 'Attention', text: errors.find((e) => e.questionId === q.id)!.message[language] });
        if (q.kind === 'choice') {
          expect(items[0]!.choices).toEqual(q.options!.map((o) => ({ title: o.label, value: o.id })));
          expect(items[0]!.value).toBe('a,b,c,d,e,f,g,h,i,j');
        } else expect(items[0]!.value).toBe(LONG.slice(0, SURVEY_LIMITS.openAnswerLength));
      }
      // The author's ${…} arrives as text in the escaped title.
      expect(texts(card)).toContain(hostile(SURVEY_LIMITS.titleLength, 'T').replace(/([\\*_`[\]()#>~|])/g, '\\$1'));
    });
  }
});
