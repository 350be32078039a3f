import { describe, expect, it } from 'vitest';
import { parseTemplateText } from '../../src/checklists/parse-template.js';

describe('own checklist templates', () => {
  it('reads a template written in YAML with Dutch keys', () => {
    const r = parseTemplateText(['titel: Zelfevaluatie team', 'doeldatum: Datum studiedag', 'stappen:', '  - titel: Kies de standaarden', '    uitleg: Welke bespreken we?', '    termijn: -28', '  - Vul de vragenlijst in'].join('\n'));
    expect(r).toMatchObject({
      ok: true,
      template: {
        title: { nl: 'Zelfevaluatie team', en: 'Zelfevaluatie team' },
        targetLabel: { nl: 'Datum studiedag' },
        steps: [
          { title: { nl: 'Kies de standaarden' }, guidance: { nl: 'Welke bespreken we?' }, dueOffsetDays: -28 },
          { title: { nl: 'Vul de vragenlijst in' } },
        ],
      },
    });
  });

  it('reads a template written in JSON with texts in both languages', () => {
    const r = parseTemplateText(JSON.stringify({ title: { nl: 'Interne audit', en: 'Internal audit' }, steps: [{ title: { nl: 'Plannen', en: 'Plan' } }] }));
    expect(r).toMatchObject({ ok: true, template: { title: { nl: 'Interne audit', en: 'Internal audit' }, steps: [{ title: { nl: 'Plannen', en: 'Plan' } }] } });
  });

  it('names the line of every problem, in Dutch and English', () => {
    const r = parseTemplateText(['title: Audit', 'steps:', '  - title: Plannen', '    termijn: tien', '  - kleur: rood'].join('\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([4, 5, 5]);
    expect(r.errors[0]!.message.nl).toContain('heel aantal dagen');
    expect(r.errors[1]!.message.en).toContain('Unknown field "kleur"');
  });

  it('points at the line of a YAML syntax error', () => {
    const r = parseTemplateText('title: Audit\nsteps:\n  - "open');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses more than 20 steps, and a checklist without steps or title', () => {
    const many = ['title: Lang', 'steps:', ...Array.from({ length: 21 }, (_, i) => `  - Stap ${i + 1}`)].join('\n');
    expect(parseTemplateText(many).ok).toBe(false);
    expect(parseTemplateText('title: Leeg\nsteps: []').ok).toBe(false);
    expect(parseTemplateText('steps:\n  - Een').ok).toBe(false);
  });

  it('refuses a file that is not a mapping at all', () => {
    expect(parseTemplateText('- alleen\n- een lijst').ok).toBe(false);
    expect(parseTemplateText('').ok).toBe(false);
  });
});

describe('templates that try to exhaust Cadans', () => {
  const errorsOf = (text: string) => {
    const r = parseTemplateText(text);
    if (r.ok) throw new Error('expected errors');
    return r.errors;
  };

  it('lists at most 15 problems, the last saying how many more there are', () => {
    const text = ['title: Veel fouten', 'steps:', ...Array.from({ length: 20 }, (_, i) => `  - title: Stap ${i + 1}\n    kleur: rood\n    maat: groot`)].join('\n');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(15);
    expect(errors[13]!.message.nl).toContain('Onbekend veld');
    expect(errors[14]).toEqual({ line: null, message: { nl: 'En nog 26 andere.', en: 'And 26 more.' } });
  });

  it('refuses a file with more than 500 fields with one error, not one per field (600 here)', () => {
    const errors = errorsOf(['title: Veel velden', ...Array.from({ length: 600 }, (_, i) => `v${i}: 1`)].join('\n'));
    expect(errors).toEqual([{ line: null, message: { nl: expect.stringContaining('meer dan 500 velden'), en: expect.stringContaining('more than 500 fields') } }]);
  });

  it('refuses references to anchors, so aliases of aliases (the billion laughs) never grow', () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'title: Lachen', 'steps: *d'].join('\n');
    expect(errorsOf(laughs)).toEqual([{ line: 2, message: { nl: expect.stringContaining('Verwijzingen'), en: expect.stringContaining('References') } }]);
    expect(errorsOf('title: &t Audit\nsteps:\n  - *t')[0]!.message.en).toContain('References');
  });

  it.each([
    ['30,000 nested "- "', `${'- '.repeat(30_000)}x`, 1],
    ['50,000 [', '['.repeat(50_000), 1],
    ['a mapping indented deeper on every line', Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'), 66],
  ])('refuses %s before parsing, with the line where it got too deep', (_name, text, line) => {
    const errors = errorsOf(text);
    expect(errors).toEqual([{ line, message: { nl: expect.stringContaining('te veel in elkaar genest'), en: expect.stringContaining('Too much is nested') } }]);
  });

  it('still reads a template in JSON on one line, and with ordinary indentation', () => {
    expect(parseTemplateText('{"title":{"nl":"A","en":"A"},"steps":[{"title":{"nl":"B","en":"B"},"guidance":"[zie] {map}"}]}').ok).toBe(true);
    expect(parseTemplateText('title: Audit\nsteps:\n    -   title: Plannen\n        guidance: |\n          - eerst dit\n          - dan dat\n').ok).toBe(true);
  });

  it('reads indentation of no-break spaces, as it comes when copied from the example on the card', () => {
    const copied = ['titel: Gekopieerd', 'stappen:', '\u00a0\u00a0- titel: Eerste', '\u00a0\u00a0\u00a0\u00a0termijn: -7', '\u00a0\u00a0- Tweede'].join('\n');
    expect(parseTemplateText(copied)).toMatchObject({ ok: true, template: { steps: [{ title: { nl: 'Eerste' }, dueOffsetDays: -7 }, { title: { nl: 'Tweede' } }] } });
  });
});
