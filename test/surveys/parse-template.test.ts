import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { SURVEY_LIMITS, checkQuestions, materialise, type SurveyTemplate, type TemplateQuestion } from '../../src/surveys/model.js';
import { SURVEY_TEMPLATE_EXAMPLE, parseSurveyTemplateText } from '../../src/surveys/parse-template.js';
import { PERSPECTIVE_ANONYMITY_NOTE, SURVEY_TEMPLATES } from '../../src/surveys/templates.js';

const lines = (...l: string[]) => l.join('\n');

function templateOf(text: string): Omit<SurveyTemplate, 'key'> {
  const r = parseSurveyTemplateText(text);
  if (!r.ok) throw new Error(`expected a template, got ${JSON.stringify(r.errors)}`);
  return r.template;
}
function errorsOf(text: string) {
  const r = parseSurveyTemplateText(text);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}
/** The one error of a file, as line and the start of its Dutch and English message. */
function onlyError(text: string) {
  const errors = errorsOf(text);
  expect(errors, JSON.stringify(errors)).toHaveLength(1);
  return errors[0]!;
}

/** A template as an author would write it with English keys (what the parser reads back). */
const asWritten = (t: Omit<SurveyTemplate, 'key'>) => ({
  title: t.title,
  description: t.description,
  kind: t.kind,
  anonymous: t.anonymous,
  ...(t.anonymityNote ? { anonymityNote: t.anonymityNote } : {}),
  ...(t.byPerspective ? { byPerspective: true } : {}),
  questions: t.questions,
});

describe('own survey templates', () => {
  it('reads a pulse written in YAML with English keys', () => {
    const t = templateOf(
      lines(
        'title: After the study day',
        'description: Three questions',
        'questions:',
        '  - kind: likert',
        '    text: The study day was useful.',
        '  - kind: choice',
        '    text: Which part again?',
        '    options: [Workshops, Lecture]',
        '    multiple: true',
        '  - kind: open',
        '    text: Anything else?',
      ),
    );
    expect(t).toEqual({
      kind: 'pulse',
      title: { nl: 'After the study day', en: 'After the study day' },
      description: { nl: 'Three questions', en: 'Three questions' },
      anonymous: true,
      questions: [
        { kind: 'likert', text: { nl: 'The study day was useful.', en: 'The study day was useful.' } },
        { kind: 'choice', text: { nl: 'Which part again?', en: 'Which part again?' }, options: [{ nl: 'Workshops', en: 'Workshops' }, { nl: 'Lecture', en: 'Lecture' }], multiple: true },
        { kind: 'open', text: { nl: 'Anything else?', en: 'Anything else?' } },
      ],
    });
    // The open question is optional unless the author says otherwise; the others are required.
    expect(materialise(t.questions, 'nl').map((q) => q.required)).toEqual([true, true, false]);
  });

  it('reads a template in JSON with texts in both languages', () => {
    const t = templateOf(
      JSON.stringify({
        title: { nl: 'Werkplezier', en: 'Enjoying work' },
        questions: [
          { kind: 'yesno', text: { nl: 'Heb je een goede week gehad?', en: 'Did you have a good week?' } },
          { kind: 'scale10', text: { nl: 'Welk cijfer geef je je week?', en: 'What mark do you give your week?' }, required: false },
        ],
      }),
    );
    expect(t.title).toEqual({ nl: 'Werkplezier', en: 'Enjoying work' });
    expect(materialise(t.questions, 'en')).toEqual([
      { id: 'q1', kind: 'yesno', text: 'Did you have a good week?', required: true },
      { id: 'q2', kind: 'scale10', text: 'What mark do you give your week?', required: false },
    ]);
  });

  it('reads Dutch keys and Dutch names of kinds, with a plain string as a likert statement', () => {
    const t = templateOf(
      lines(
        'titel: Zelfevaluatie team',
        'beschrijving: Hoe staan we ervoor?',
        'soort peiling: zelfevaluatie',
        'vragen:',
        '  - We werken cyclisch aan kwaliteit.',
        '  - soort: ja-nee',
        '    tekst: Is het schoolplan besproken?',
        '    verplicht: nee',
        '  - soort: 0-10',
        '    vraag: Welk cijfer geef je onze kwaliteitszorg?',
        '  - soort: keuze',
        '    tekst: Waar werken we aan?',
        '    opties: [Lezen, Rekenen, Burgerschap]',
        '    meerdere: ja',
        '  - soort: likert',
        '    stelling: Afspraken worden nagekomen.',
        '    standaard: ska 2',
        '  - soort: open',
        '    tekst: Wat valt je op?',
        '  - soort: open',
        '    tekst: Wat wil je nog kwijt?',
      ),
    );
    expect(t.kind).toBe('selfEvaluation');
    expect(t.questions.map((q) => q.kind)).toEqual(['likert', 'yesno', 'scale10', 'choice', 'likert', 'open', 'open']);
    expect(t.questions[1]!.required).toBe(false);
    expect(t.questions[3]).toMatchObject({ multiple: true, options: [{ nl: 'Lezen' }, { nl: 'Rekenen' }, { nl: 'Burgerschap' }] });
    expect(t.questions[4]!.standard).toBe('SKA2');
    // A self-evaluation may have more than one open question.
    expect(checkQuestions('selfEvaluation', materialise(t.questions, 'nl'))).toEqual([]);
  });

  it('makes a self-evaluation by perspective not anonymous by default, with the reason, unless the author says anonymous', () => {
    const base = ['titel: Caleido light', 'soort peiling: zelfevaluatie', 'per perspectief: ja', 'vragen:', '  - Het bestuur heeft een visie.'];
    const t = templateOf(lines(...base));
    expect(t).toMatchObject({ byPerspective: true, anonymous: false, anonymityNote: PERSPECTIVE_ANONYMITY_NOTE });
    const anon = templateOf(lines(...base, 'anoniem: ja'));
    expect(anon.anonymous).toBe(true);
    expect(anon.anonymityNote).toBeUndefined();
    expect(templateOf(lines('titel: Pols', 'vragen:', '  - Het gaat goed.'))).toMatchObject({ kind: 'pulse', anonymous: true });
  });

  it('refuses results by perspective on a pulse', () => {
    const e = onlyError(lines('titel: Pols', 'per perspectief: ja', 'vragen:', '  - Het gaat goed.'));
    expect(e.line).toBe(2);
    expect(e.message.nl).toContain('zelfevaluatie');
  });

  it('reads every built-in template back from what an author would write, unchanged', () => {
    for (const { key: _key, ...t } of SURVEY_TEMPLATES) {
      expect(templateOf(stringify(asWritten(t)))).toEqual(t);
      expect(templateOf(JSON.stringify(asWritten(t)))).toEqual(t);
    }
  });

  it.each(['nl', 'en'] as const)('parses the example shown on the card (%s), with its texts in that language', (language) => {
    const t = templateOf(SURVEY_TEMPLATE_EXAMPLE[language]);
    expect(t.questions.map((q) => q.kind)).toEqual(['likert', 'choice', 'scale10', 'open']);
    expect(checkQuestions(t.kind, materialise(t.questions, language))).toEqual([]);
    expect(t.title[language]).toBe(language === 'nl' ? 'Peiling na de studiedag' : 'Survey after the study day');
    expect(SURVEY_TEMPLATE_EXAMPLE[language].split('\n').length).toBeLessThanOrEqual(20);
  });
});

describe('the errors an author sees, each on its line, in Dutch and English', () => {
  it('an unknown kind of question names the kinds there are', () => {
    const e = onlyError(lines('titel: T', 'vragen:', '  - soort: smiley', '    tekst: Hoe gaat het?'));
    expect(e.line).toBe(3);
    expect(e.message.nl).toBe('Onbekende soort vraag "smiley" in vraag 1. Kies likert, keuze, ja-nee, 0-10 of open.');
    expect(e.message.en).toBe('Unknown kind of question "smiley" in question 1. Choose likert, choice, yes-no, 0-10 or open.');
  });

  it('an unknown field, an unknown kind of survey and an unknown standard', () => {
    const errors = errorsOf(lines('titel: T', 'kleur: rood', 'soort peiling: lang', 'vragen:', '  - tekst: Het gaat goed.', '    standaard: BKA4'));
    expect(errors.map((e) => e.line)).toEqual([2, 3, 6]);
    expect(errors[0]!.message.nl).toContain('Onbekend veld "kleur"');
    expect(errors[1]!.message.en).toContain('Unknown kind of survey "lang"');
    expect(errors[2]!.message.nl).toContain('Onbekende standaard "BKA4"');
  });

  it('too many options, too few, or options on a question that is no choice', () => {
    const eleven = `[${Array.from({ length: 11 }, (_, i) => `Optie ${i + 1}`).join(', ')}]`;
    const e = onlyError(lines('titel: T', 'vragen:', '  - soort: keuze', '    tekst: Welke?', `    opties: ${eleven}`));
    expect(e.line).toBe(5);
    expect(e.message.nl).toBe('Vraag 1 heeft 11 opties; een keuzevraag heeft er 2 tot 10.');
    expect(onlyError(lines('titel: T', 'vragen:', '  - soort: keuze', '    tekst: Welke?', '    opties: [Alleen deze]')).message.en).toBe('Question 1 has 1 option; a choice question has 2 to 10.');
    expect(onlyError(lines('titel: T', 'vragen:', '  - soort: keuze', '    tekst: Welke?')).message.nl).toContain('geef 2 tot 10 opties');
    const notChoice = onlyError(lines('titel: T', 'vragen:', '  - soort: likert', '    tekst: Goed.', '    opties: [a, b]'));
    expect(notChoice.line).toBe(5);
    expect(notChoice.message.nl).toContain('geen keuzevraag');
  });

  it('the same option twice', () => {
    const e = onlyError(lines('titel: T', 'vragen:', '  - tekst: Welke?', '    opties:', '      - Lezen', '      - lezen'));
    expect(e.line).toBe(6);
    expect(e.message.nl).toBe('Optie 2 van vraag 1 staat er al.');
  });

  it('a question, an option or a title that is too long', () => {
    const q = onlyError(lines('titel: T', 'vragen:', '  - soort: open', `    tekst: ${'a'.repeat(SURVEY_LIMITS.questionLength + 1)}`));
    expect(q).toEqual({ line: 4, message: { nl: 'De tekst van vraag 1 is langer dan 300 tekens.', en: 'The text of question 1 is longer than 300 characters.' } });
    expect(templateOf(lines('titel: T', 'vragen:', `  - ${'a'.repeat(SURVEY_LIMITS.questionLength)}`)).questions).toHaveLength(1);
    const o = onlyError(lines('titel: T', 'vragen:', '  - tekst: Welke?', '    opties:', '      - Kort', `      - en: ${'b'.repeat(81)}`, `        nl: Lang`));
    expect(o.line).toBe(6);
    expect(o.message.nl).toBe('Optie 2 van vraag 1 is langer dan 80 tekens.');
    expect(onlyError(lines(`titel: ${'t'.repeat(121)}`, 'vragen:', '  - Goed.')).message.en).toBe('The title is longer than 120 characters.');
  });

  it('a second open question in a pulse, on the line of the second', () => {
    const e = onlyError(lines('titel: T', 'vragen:', '  - soort: open', '    tekst: Wat gaat goed?', '  - Het gaat goed.', '  - soort: open', '    tekst: Wat kan beter?'));
    expect(e.line).toBe(6);
    expect(e.message.nl).toBe('Vraag 3 is ook een open vraag: een korte peiling heeft hoogstens één open vraag.');
    expect(e.message.en).toBe('Question 3 is another open question: a pulse survey has at most one open question.');
  });

  it('more questions than the kind of survey allows: 10 in a pulse, 20 in a self-evaluation', () => {
    const statements = (n: number) => Array.from({ length: n }, (_, i) => `  - Stelling ${i + 1}.`);
    expect(templateOf(lines('titel: T', 'vragen:', ...statements(10))).questions).toHaveLength(10);
    const pulse = onlyError(lines('titel: T', 'vragen:', ...statements(14)));
    expect(pulse).toEqual({ line: 13, message: { nl: 'Vraag 11 is er een te veel: een korte peiling heeft hoogstens 10 vragen.', en: 'Question 11 is one too many: a pulse survey has at most 10 questions.' } });
    expect(templateOf(lines('titel: T', 'soort: zelfevaluatie', 'vragen:', ...statements(20))).questions).toHaveLength(20);
    expect(onlyError(lines('titel: T', 'soort: zelfevaluatie', 'vragen:', ...statements(21))).line).toBe(24);
  });

  it('a survey without a title or without questions', () => {
    expect(onlyError(lines('vragen:', '  - Goed.')).message.nl).toBe('De titel ontbreekt.');
    expect(onlyError('titel: T').message.en).toBe('Give a list of questions, each with a text.');
    expect(onlyError('titel: T\nvragen: []').message.nl).toBe('Een peiling heeft minstens één vraag.');
    expect(errorsOf('- alleen\n- een lijst')[0]!.message.en).toContain('Start with a title');
    expect(errorsOf('')[0]!.message.nl).toContain('Begin met een titel');
  });

  it('a text with another language than nl and en, and a yes/no field that is not yes or no', () => {
    const lang = onlyError(lines('titel:', '  nl: Pols', '  de: Puls', 'vragen:', '  - Goed.'));
    expect(lang.line).toBe(3);
    expect(lang.message.nl).toBe('De titel heeft alleen nl: en en:, voor de twee talen.');
    const bool = onlyError(lines('titel: T', 'anoniem: misschien', 'vragen:', '  - Goed.'));
    expect(bool).toEqual({ line: 2, message: { nl: 'Anoniem is ja of nee.', en: 'Anonymous is yes or no.' } });
  });

  it('a field given twice: the same key, or its Dutch and English name', () => {
    const same = onlyError(lines('titel: T', 'vragen:', '  - tekst: Goed.', '    tekst: Beter.'));
    expect(same.line).toBe(4);
    expect(same.message.nl).toBe('Dit veld staat hier twee keer. Haal er een weg.');
    const both = onlyError(lines('titel: Pols', 'title: Pulse', 'vragen:', '  - Goed.'));
    expect(both.line).toBe(2);
    expect(both.message.nl).toBe('Het veld "title" staat er al, als "titel". Haal er een weg.');
    expect(both.message.en).toBe('The field "title" is there already, as "titel". Remove one of them.');
    expect(onlyError(lines('titel: T', 'vragen:', '  - tekst: Goed.', '    vraag: Beter.')).line).toBe(4);
  });

  it('YAML that does not parse, on the line where it breaks', () => {
    const errors = errorsOf(lines('titel: T', 'vragen:', '  - "open'));
    expect(errors[0]!.line).toBeGreaterThanOrEqual(3);
    expect(errors[0]!.message.nl).toContain('geen geldige YAML of JSON');
    const json = errorsOf('{"titel": "T",\n "vragen": ["Goed."\n');
    expect(json[0]!.message.en).toContain('not valid YAML or JSON');
  });

  it('lists at most 15 problems, the last saying how many more there are', () => {
    const text = lines('soort: zelfevaluatie', 'vragen:', ...Array.from({ length: 20 }, (_, i) => `  - tekst: Stelling ${i + 1}.\n    kleur: rood`));
    const errors = errorsOf(text);
    expect(errors).toHaveLength(15);
    expect(errors[14]).toEqual({ line: null, message: { nl: 'En nog 7 andere.', en: 'And 7 more.' } });
  });
});

describe('survey templates that try to exhaust Cadans', () => {
  it('refuses a file larger than 100 kB before reading it', () => {
    const big = lines('titel: T', 'vragen:', `  - ${'a'.repeat(100_000)}`);
    expect(onlyError(big)).toEqual({ line: null, message: { nl: 'Het bestand is groter dan 100 kB.', en: 'The file is larger than 100 kB.' } });
  });

  it('refuses a file with more than 1000 fields with one error, not one per field', () => {
    const e = onlyError(lines('titel: T', ...Array.from({ length: 1_200 }, (_, i) => `v${i}: 1`)));
    expect(e).toEqual({ line: null, message: { nl: expect.stringContaining('meer dan 1000 velden'), en: expect.stringContaining('more than 1000 fields') } });
  });

  it('refuses references to anchors, so aliases of aliases (the billion laughs) never grow', () => {
    const laughs = lines('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'titel: Lachen', 'vragen: *c');
    expect(onlyError(laughs)).toEqual({ line: 2, message: { nl: expect.stringContaining('Verwijzingen'), en: expect.stringContaining('References') } });
  });

  it.each([
    ['30,000 nested "- "', `${'- '.repeat(30_000)}x`, 1],
    ['50,000 [', '['.repeat(50_000), 1],
    ['a mapping indented deeper on every line', Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'), 66],
  ])('refuses %s before parsing, with the line where it got too deep', (_name, text, line) => {
    expect(onlyError(text)).toEqual({ line, message: { nl: expect.stringContaining('te veel in elkaar genest'), en: expect.stringContaining('Too much is nested') } });
  });
});

describe('any survey within the limits', () => {
  // Texts without [ and { (the nesting guard counts those, quoted or not) and without surrounding spaces.
  const word = fc.stringMatching(/^[A-Za-zÀ-ÿ0-9'",.:;!?()#&*%-]{1,12}$/);
  const text = (max: number) => fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(' ').slice(0, max).trim()).filter((s) => s !== '');
  const local = (max: number) => fc.oneof(text(max).map((s) => ({ nl: s, en: s })), fc.record({ nl: text(max), en: text(max) }));
  const question: fc.Arbitrary<TemplateQuestion> = fc.oneof(
    fc.record({ kind: fc.constantFrom('likert' as const, 'yesno' as const, 'scale10' as const, 'open' as const), text: local(SURVEY_LIMITS.questionLength), required: fc.boolean() }, { requiredKeys: ['kind', 'text'] }),
    fc.record({
      kind: fc.constant('choice' as const),
      text: local(SURVEY_LIMITS.questionLength),
      options: fc.uniqueArray(local(SURVEY_LIMITS.optionLength), { minLength: 2, maxLength: 10, selector: (o) => o.nl.toLowerCase() }),
      multiple: fc.boolean(),
    }),
  );
  const pulse = fc
    .array(question, { minLength: 1, maxLength: SURVEY_LIMITS.pulseQuestions })
    .filter((qs) => qs.filter((q) => q.kind === 'open').length <= SURVEY_LIMITS.pulseOpenQuestions);

  it('is read back from YAML and from JSON as written, and passes the survey rules', () => {
    fc.assert(
      fc.property(local(SURVEY_LIMITS.titleLength), pulse, fc.boolean(), (title, questions, json) => {
        const written = { title, kind: 'pulse', questions };
        const t = templateOf(json ? JSON.stringify(written) : stringify(written));
        expect(t.title).toEqual(title);
        expect(t.questions).toEqual(questions);
        expect(checkQuestions('pulse', materialise(t.questions, 'nl'))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('with one question more than a pulse allows, is refused on the line of that question', () => {
    fc.assert(
      fc.property(fc.integer({ min: SURVEY_LIMITS.pulseQuestions + 1, max: 30 }), (n) => {
        const text = lines('titel: T', 'vragen:', ...Array.from({ length: n }, (_, i) => `  - Stelling ${i + 1}.`));
        expect(onlyError(text).line).toBe(SURVEY_LIMITS.pulseQuestions + 3);
      }),
      { numRuns: 20 },
    );
  });
});
