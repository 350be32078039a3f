// The form for own checklist templates: the definition it makes is read by the template parser, so
// its limits and messages are those of a pasted template; each message lands beside its field.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/cards/i18n.js';
import { createCardRenderer } from '../../src/cards/render.js';
import { TEMPLATE_LIMITS, parseTemplateText, type TemplateError } from '../../src/checklists/parse-template.js';
import { errorsByField, formToDefinition, formValuesFrom, type FormField, type TemplateFormValues } from '../../src/checklists/template-form.js';
import { keepLineBreaks, renderTemplateCard } from '../../src/checklists/view.js';
import { ROOT_DIR } from '../support/harness.js';

function save(values: TemplateFormValues) {
  const { text, fieldOfLine } = formToDefinition(values);
  const r = parseTemplateText(text);
  return { r, byField: r.ok ? new Map<FormField | null, TemplateError[]>() : errorsByField(r.errors, fieldOfLine) };
}
const step = (title: string, guidance = '', days = '') => ({ title, guidance, days });

describe('the form for own checklists', () => {
  it('makes the template a pasted one would be: texts in both languages, guidance over several lines, offsets as numbers', () => {
    const { r } = save({ title: 'Audit "groep 8"', steps: [step('Plannen', 'Wie?\nWanneer?', ' -14 '), step('Uitvoeren', '', '\u22127'), step('Bespreken', '', '+3')] });
    expect(r).toMatchObject({
      ok: true,
      template: {
        title: { nl: 'Audit "groep 8"', en: 'Audit "groep 8"' },
        targetLabel: { nl: 'Streefdatum' },
        steps: [{ title: { nl: 'Plannen' }, guidance: { nl: 'Wie?\nWanneer?' }, dueOffsetDays: -14 }, { dueOffsetDays: -7 }, { dueOffsetDays: 3 }],
      },
    });
  });

  it('puts each problem beside its field, with the messages of a pasted template', () => {
    const { byField } = save({ title: '', steps: [step('', 'Uitleg', 'tien'), step('x'.repeat(TEMPLATE_LIMITS.title + 1), 'g'.repeat(TEMPLATE_LIMITS.guidance + 1), '400')] });
    const nl = (f: string) => (byField.get(f as never) ?? []).map((e) => e.message.nl);
    expect(nl('title')).toEqual(['De titel ontbreekt.']);
    expect(nl('stepTitle1')).toEqual(['De titel van stap 1 ontbreekt.']);
    expect(nl('stepDays1')[0]).toContain('heel aantal dagen (-365 tot 365)');
    expect(nl('stepTitle2')[0]).toBe('De titel van stap 2 is langer dan 120 tekens.');
    expect(nl('stepGuidance2')[0]).toBe('De uitleg bij stap 2 is langer dan 1000 tekens.');
    expect(nl('stepDays2')[0]).toContain('heel aantal dagen');
    // The same text as YAML gets the same message.
    const pasted = parseTemplateText(`titel: Audit\nstappen:\n  - titel: ${'x'.repeat(TEMPLATE_LIMITS.title + 1)}`);
    expect(pasted.ok ? [] : pasted.errors.map((e) => e.message.nl)).toContain('De titel van stap 1 is langer dan 120 tekens.');
  });

  it('says a checklist needs a step beside the first one when no step is filled in', () => {
    const { byField } = save({ title: 'Leeg', steps: [] });
    expect(byField.get('stepTitle1')?.[0]?.message.nl).toBe('Een checklist heeft 1 tot 20 stappen.');
  });

  it('drops empty rows and moves the others up', () => {
    expect(formValuesFrom({ formTitle: 'A', stepTitle2: 'Twee', stepDays5: '3', stepGuidance9: ' ' }).steps).toEqual([step('Twee'), step('', '', '3')]);
  });

  it('keeps both halves after a failed save when they fit, and the form alone when they do not', () => {
    const cards = createCardRenderer(path.join(ROOT_DIR, 'adaptive-cards'));
    const t = createTranslator('nl');
    const form = { title: 'Audit', steps: [step('', 'Uitleg', 'tien')] };
    const { byField } = save(form);
    const value = (card: object, id: string) => JSON.stringify(card).includes(`"id":"${id}"`) && (JSON.stringify(card).match(new RegExp(`"id":"${id}"[^}]*"value":"([^"]*)"`))?.[1] ?? null);
    const small = renderTemplateCard(cards, t, { language: 'nl', text: 'titel: mijn tekst', form, formErrors: byField });
    expect(value(small, 'definition')).toBe('titel: mijn tekst');
    expect(value(small, 'stepDays1')).toBe('tien');
    const huge = renderTemplateCard(cards, t, { language: 'nl', text: '"\\\n'.repeat(6_000), form: { title: 'A', steps: Array.from({ length: 10 }, () => step('"'.repeat(120), '\n'.repeat(1000), 'tien')) }, formErrors: byField });
    expect(value(huge, 'definition')).toContain('titel: Zelfevaluatie team');
    expect(value(huge, 'stepDays10')).toBe('tien');
  });

  it('keeps the lines of multi-line guidance apart on the step card, and lists as lists', () => {
    expect(keepLineBreaks('Eerst dit.\r\nDan dat.')).toBe('Eerst dit.\n\nDan dat.');
    expect(keepLineBreaks('Neem mee:\n- het schoolplan\n- de begroting')).toBe('Neem mee:\n- het schoolplan\n- de begroting');
  });
});
