import { describe, expect, it } from 'vitest';
import { STANDARDS, SURVEY_LIMITS, checkQuestions, materialise, warnsLength, type LocalText, type SurveyTemplate } from '../../src/surveys/model.js';
import { PERSPECTIVE_ANONYMITY_NOTE, SURVEY_TEMPLATES, templateByKey } from '../../src/surveys/templates.js';

/** Every text a user of the template reads, with where it is. */
function textsOf(t: SurveyTemplate): [string, LocalText][] {
  return [
    [`${t.key} title`, t.title],
    [`${t.key} description`, t.description],
    ...(t.anonymityNote ? [[`${t.key} anonymityNote`, t.anonymityNote] as [string, LocalText]] : []),
    ...t.questions.flatMap((q, i): [string, LocalText][] => [[`${t.key} q${i + 1}`, q.text], ...(q.options ?? []).map((o, j): [string, LocalText] => [`${t.key} q${i + 1} option ${j + 1}`, o])]),
  ];
}

// Words that are one language only: in a Dutch text an English one means a sentence was left untranslated, and the other way round.
const ENGLISH_ONLY = /\b(the|and|you|your|our|with|what|which|who|how|when|to|from|about|board|staff|work|I am|I have|is clear)\b/i;
const DUTCH_ONLY = /\b(de|het|een|en|van|ik|je|jij|wij|we doen|niet|voor|wat|wie|hoe|bestuur|scholen|werk)\b/i;
const byKey = (key: string): SurveyTemplate => {
  const t = templateByKey(key);
  if (!t) throw new Error(`no template ${key}`);
  return t;
};

describe('the built-in survey templates', () => {
  it('are the four the card offers, each found by its key', () => {
    expect(SURVEY_TEMPLATES.map((t) => t.key)).toEqual(['tevredenheid', 'werkdruk', 'kwaliteitscultuur', 'zelfevaluatie-bka']);
    for (const t of SURVEY_TEMPLATES) expect(templateByKey(t.key)).toBe(t);
    expect(templateByKey('bestaat-niet')).toBeUndefined();
  });

  it.each(SURVEY_TEMPLATES.map((t) => [t.key, t] as const))('%s passes the survey rules in both languages, with the same questions and option ids', (_key, t) => {
    const nl = materialise(t.questions, 'nl');
    const en = materialise(t.questions, 'en');
    expect(checkQuestions(t.kind, nl)).toEqual([]);
    expect(checkQuestions(t.kind, en)).toEqual([]);
    const shape = (qs: typeof nl) => qs.map((q) => ({ id: q.id, kind: q.kind, required: q.required, standard: q.standard, options: q.options?.map((o) => o.id) }));
    expect(shape(nl)).toEqual(shape(en));
    expect(nl.map((q) => q.text)).not.toEqual(en.map((q) => q.text));
  });

  it('has every text in Dutch and in English, different, and no English left in a Dutch text (or Dutch in an English one)', () => {
    for (const t of SURVEY_TEMPLATES) {
      for (const [where, text] of textsOf(t)) {
        expect(text.nl.trim(), where).not.toBe('');
        expect(text.en.trim(), where).not.toBe('');
        expect(text.nl, where).not.toBe(text.en);
        expect(text.nl, `${where}: ${text.nl}`).not.toMatch(ENGLISH_ONLY);
        expect(text.en, `${where}: ${text.en}`).not.toMatch(DUTCH_ONLY);
      }
    }
  });

  it('keeps texts within the limits a user template has too', () => {
    for (const t of SURVEY_TEMPLATES) {
      expect(t.title.nl.length).toBeLessThanOrEqual(SURVEY_LIMITS.titleLength);
      expect(t.title.en.length).toBeLessThanOrEqual(SURVEY_LIMITS.titleLength);
      for (const q of t.questions) for (const o of q.options ?? []) expect(Math.max(o.nl.length, o.en.length)).toBeLessThanOrEqual(SURVEY_LIMITS.optionLength);
    }
  });

  it('phrases likert items as statements and every other kind as a question', () => {
    for (const t of SURVEY_TEMPLATES) {
      for (const q of t.questions) {
        for (const text of [q.text.nl, q.text.en]) {
          if (q.kind === 'likert') expect(text, text).toMatch(/\.$/);
          else expect(text, text).toMatch(/\?$/);
        }
      }
    }
  });

  it('gives each pulse at most one open question, which may be left empty', () => {
    for (const t of SURVEY_TEMPLATES.filter((x) => x.kind === 'pulse')) {
      const open = materialise(t.questions, 'nl').filter((q) => q.kind === 'open');
      expect(open.length, t.key).toBe(1);
      expect(open[0]!.required, t.key).toBe(false);
      expect(t.anonymous, t.key).toBe(true);
    }
  });

  it('keeps the two staff pulses short enough that the draft card does not warn about their length', () => {
    for (const key of ['tevredenheid', 'werkdruk']) {
      const t = byKey(key);
      expect(warnsLength(t.kind, t.questions.length), key).toBe(false);
      expect(t.questions.filter((q) => q.kind !== 'open').length, key).toBeGreaterThanOrEqual(3);
    }
  });

  it('asks the eNPS question on a 0–10 scale in the satisfaction survey', () => {
    const scale = byKey('tevredenheid').questions.filter((q) => q.kind === 'scale10');
    expect(scale).toHaveLength(1);
    expect(scale[0]!.text.nl).toBe('Hoe waarschijnlijk is het dat je onze school als werkgever aanraadt?');
    expect(scale[0]!.text.en).toMatch(/recommend our school as an employer/);
  });

  it('offers a choice in the workload survey with options in both languages', () => {
    const choice = byKey('werkdruk').questions.find((q) => q.kind === 'choice');
    expect(choice?.options?.length).toBeGreaterThanOrEqual(SURVEY_LIMITS.options.min);
    expect(materialise(byKey('werkdruk').questions, 'en').find((q) => q.kind === 'choice')?.options?.map((o) => o.label)).toContain('Something else');
  });

  it('builds the quality-culture survey on the themes of the seed, linked to the board standards, BKA2 most', () => {
    const t = byKey('kwaliteitscultuur');
    expect(t.questions.length).toBeLessThanOrEqual(SURVEY_LIMITS.pulseQuestions);
    const statements = t.questions.filter((q) => q.kind === 'likert');
    expect(statements.every((q) => q.standard !== undefined)).toBe(true);
    const count = (s: string) => statements.filter((q) => q.standard === s).length;
    expect(count('BKA2')).toBeGreaterThan(count('BKA1'));
    expect(count('BKA2')).toBeGreaterThan(count('BKA3'));
    const nl = statements.map((q) => q.text.nl).join(' ');
    // One statement per theme: good enough, direction, who does what / accountability, role, information to evaluate, with whom.
    for (const theme of [/goed genoeg/, /naartoe/, /verantwoording/, /verwacht/, /informatie .* evalueren/, /met wie/i]) expect(nl).toMatch(theme);
  });

  describe('the self-evaluation of the board by perspective', () => {
    const t = byKey('zelfevaluatie-bka');

    it('is a self-evaluation by perspective, not anonymous, and says why on the draft card', () => {
      expect(t.kind).toBe('selfEvaluation');
      expect(t.byPerspective).toBe(true);
      expect(t.anonymous).toBe(false);
      expect(t.anonymityNote).toBe(PERSPECTIVE_ANONYMITY_NOTE);
      expect(t.anonymityNote!.nl).toMatch(/niet anoniem/);
      expect(t.anonymityNote!.nl).toMatch(/minimale groepsgrootte/);
      expect(t.anonymityNote!.nl).toMatch(/niet apart getoond/);
      expect(t.anonymityNote!.en).toMatch(/not anonymous/);
      expect(t.anonymityNote!.en).toMatch(/minimum group size/);
    });

    it('has 12 to 18 likert statements, each with its standard, grouped BKA1, BKA2, BKA3 in that order', () => {
      expect(t.questions.length).toBeGreaterThanOrEqual(12);
      expect(t.questions.length).toBeLessThanOrEqual(18);
      expect(t.questions.every((q) => q.kind === 'likert')).toBe(true);
      const standards = t.questions.map((q) => q.standard);
      expect(new Set(standards)).toEqual(new Set(['BKA1', 'BKA2', 'BKA3']));
      expect(standards).toEqual([...standards].sort((a, b) => STANDARDS.indexOf(a!) - STANDARDS.indexOf(b!)));
      for (const s of ['BKA1', 'BKA2', 'BKA3']) expect(standards.filter((x) => x === s).length, s).toBeGreaterThanOrEqual(4);
    });

    it('speaks of the board in the third person, so every perspective can answer the same statement', () => {
      for (const q of t.questions) {
        expect(q.text.nl, q.text.nl).not.toMatch(/\b(ik|mijn|jij|je|jouw)\b/i);
        expect(q.text.en, q.text.en).not.toMatch(/\b(I|my|you|your)\b/);
      }
      expect(t.questions[0]!.text.nl).toBe('Het bestuur heeft een heldere visie op onderwijskwaliteit die de scholen kennen.');
    });

    it('draws on the four marks of strong quality assurance', () => {
      const nl = t.questions.map((q) => q.text.nl).join(' ');
      expect(nl).toMatch(/cyclisch/); // werk cyclisch (PDCA)
      expect(nl).toMatch(/structuur .* cultuur/); // verbind structuur en cultuur
      expect(nl).toMatch(/Bestuur en scholen/); // organiseer alignement
      expect(nl).toMatch(/Rollen, verantwoordelijkheden en bevoegdheden/); // wees rolbewust
    });
  });
});
