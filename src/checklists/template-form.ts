// Own checklist templates from a simple form (a title, up to ten steps with guidance and a due
// offset), for who would rather not write YAML. The form is turned into the same definition a pasted
// template is (JSON text, one field per line) and read by the same parser, so limits and messages
// are those of a pasted template; each error's line says which field of the form it is about.
import type { TemplateError } from './parse-template.js';

/** Steps the form offers (a pasted template may have more, see TEMPLATE_LIMITS.steps). */
export const FORM_STEPS = 10;

/** What the inputs of the form may hold (adaptive-cards/checklist.template.json). */
export const FORM_MAX = { title: 120, guidance: 1_000, days: 10 } as const;

export interface FormStep {
  title: string;
  guidance: string;
  days: string;
}

export interface TemplateFormValues {
  title: string;
  steps: FormStep[];
}

/** A field of the form: the title, or a step's title, guidance or days (the step by its place, from 1). */
export type FormField = 'title' | `stepTitle${number}` | `stepGuidance${number}` | `stepDays${number}`;

/** The input ids of the form as the card sends them. */
export const formInputId = {
  title: 'formTitle',
  stepTitle: (n: number) => `stepTitle${n}`,
  stepGuidance: (n: number) => `stepGuidance${n}`,
  stepDays: (n: number) => `stepDays${n}`,
};

/**
 * The form's values from a card's data. Rows left empty are dropped and the others moved up, so
 * "stap 3" in a message is the third step the card shows when it comes back.
 */
export function formValuesFrom(data: Record<string, unknown>): TemplateFormValues {
  const str = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : '');
  const steps: FormStep[] = [];
  for (let n = 1; n <= FORM_STEPS; n++) {
    const step = { title: str(formInputId.stepTitle(n)), guidance: str(formInputId.stepGuidance(n)), days: str(formInputId.stepDays(n)) };
    if (step.title.trim() || step.guidance.trim() || step.days.trim()) steps.push(step);
  }
  return { title: str(formInputId.title), steps };
}

/** JSON text the YAML parser reads without trouble: characters YAML does not allow unescaped are escaped. */
function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** "-14", "+3", "14" (a minus sign typed as − too): a whole number as written; anything else stays text. */
function days(raw: string): string {
  const s = raw.trim().replace(/^\u2212/, '-');
  return /^[+-]?\d{1,6}$/.test(s) ? String(Number(s)) : quote(raw.trim());
}

/**
 * The definition a pasted template would be (JSON, which the YAML parser reads), and which field of
 * the form each line holds.
 */
export function formToDefinition(values: TemplateFormValues): { text: string; fieldOfLine: Map<number, FormField> } {
  const lines: string[] = ['{'];
  const fieldOfLine = new Map<number, FormField>();
  const add = (line: string, field?: FormField) => {
    lines.push(line);
    if (field) fieldOfLine.set(lines.length, field);
  };
  add(`  "title": ${quote(values.title)},`, 'title');
  // "1 to 20 steps" names this line: shown beside the first step.
  add('  "steps": [', 'stepTitle1');
  values.steps.forEach((s, i) => {
    const n = i + 1;
    const last = i === values.steps.length - 1;
    // An error about the step as a whole (no title at all) names the line of its "{".
    add('    {', `stepTitle${n}`);
    const fields: Array<[string, FormField]> = [[`"title": ${quote(s.title)}`, `stepTitle${n}`]];
    if (s.guidance.trim()) fields.push([`"guidance": ${quote(s.guidance)}`, `stepGuidance${n}`]);
    if (s.days.trim()) fields.push([`"dueOffsetDays": ${days(s.days)}`, `stepDays${n}`]);
    fields.forEach(([text, field], j) => add(`      ${text}${j < fields.length - 1 ? ',' : ''}`, field));
    add(`    }${last ? '' : ','}`);
  });
  add('  ]');
  add('}');
  return { text: lines.join('\n'), fieldOfLine };
}

/** The parser's errors by field of the form; those about no field in particular (null) for the top of the form. */
export function errorsByField(errors: readonly TemplateError[], fieldOfLine: ReadonlyMap<number, FormField>): Map<FormField | null, TemplateError[]> {
  const out = new Map<FormField | null, TemplateError[]>();
  for (const e of errors) {
    const field = e.line !== null ? (fieldOfLine.get(e.line) ?? null) : null;
    out.set(field, [...(out.get(field) ?? []), e]);
  }
  return out;
}
