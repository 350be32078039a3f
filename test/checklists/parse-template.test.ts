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
