// Own checklist templates, written by a kwaliteitsmedewerker in YAML or JSON (JSON is YAML too, so
// one parser gives line numbers for both). Keys may be English or Dutch; a text is either one string
// (used for both languages) or { nl, en }. Errors name the line and say what to change, in nl and en.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Node } from 'yaml';
import type { ChecklistTemplate, LocalText, TemplateStep } from './templates.js';
import { capErrors as capLineErrors, tooDeep } from '../yaml-guard.js';

export interface TemplateError {
  line: number | null;
  message: LocalText;
}

export type ParsedTemplate = { ok: true; template: Omit<ChecklistTemplate, 'key'> } | { ok: false; errors: TemplateError[] };

export const TEMPLATE_LIMITS = {
  steps: 20,
  title: 120,
  description: 500,
  targetLabel: 60,
  guidance: 1_000,
  offsetDays: 365,
  bytes: 100_000,
  /** Keys in the whole file: 20 steps of 3 fields in two languages need about 150. */
  keys: 500,
  /** [ and { inside each other, and indentation plus -, ?, : before a line's text: deeper nesting is refused before parsing. */
  flowDepth: 20,
  linePrefix: 64,
  /** What the card lists; the last line says how many more there are. */
  errorsShown: 15,
  /** Own templates per tenant (archived ones not counted). */
  perTenant: 50,
} as const;

const ALIASES: Record<string, string> = {
  titel: 'title',
  beschrijving: 'description',
  omschrijving: 'description',
  doeldatum: 'targetLabel',
  streefdatum: 'targetLabel',
  stappen: 'steps',
  uitleg: 'guidance',
  toelichting: 'guidance',
  termijn: 'dueOffsetDays',
  dagen: 'dueOffsetDays',
  volgende: 'next',
};
const TOP_KEYS = new Set(['title', 'description', 'targetLabel', 'steps', 'next']);
const STEP_KEYS = new Set(['title', 'guidance', 'dueOffsetDays']);

const err = (line: number | null, nl: string, en: string): TemplateError => ({ line, message: { nl, en } });

/** The answer when a tenant has TEMPLATE_LIMITS.perTenant own templates already. */
export const TOO_MANY_TEMPLATES: TemplateError = {
  line: null,
  message: {
    nl: `Jullie hebben al ${TEMPLATE_LIMITS.perTenant} eigen checklists, het maximum. Er kan pas een nieuwe bij als er een gearchiveerd is.`,
    en: `You already have ${TEMPLATE_LIMITS.perTenant} checklists of your own, the maximum. A new one can be added once one has been archived.`,
  },
};

/** At most errorsShown errors: the first ones by line, then one line saying how many more. */
export function capErrors(errors: readonly TemplateError[]): TemplateError[] {
  return capLineErrors(errors, TEMPLATE_LIMITS.errorsShown);
}

export function parseTemplateText(text: string): ParsedTemplate {
  if (Buffer.byteLength(text) > TEMPLATE_LIMITS.bytes) {
    return { ok: false, errors: [err(null, 'Het bestand is groter dan 100 kB.', 'The file is larger than 100 kB.')] };
  }
  // Indentation copied from a card comes with no-break spaces (how the card keeps it): spaces again.
  text = text.replace(/^[ \u00a0]+/gm, (m) => ' '.repeat(m.length));
  // Deep nesting makes the YAML parser recurse until the process runs out of stack: refused first.
  const deep = tooDeep(text, TEMPLATE_LIMITS);
  if (deep !== null) {
    return { ok: false, errors: [err(deep, 'Hier zit te veel in elkaar genest. Een checklist heeft een titel en een lijst stappen, meer niet.', 'Too much is nested here. A checklist has a title and a list of steps, nothing more.')] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number | null => (node?.range ? lines.linePos(node.range[0]).line : null);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: capErrors(
        doc.errors.map((e) => {
          const line = e.linePos?.[0]?.line ?? null;
          return err(line, `Dit is geen geldige YAML of JSON (${e.code}).`, `This is not valid YAML or JSON (${e.code}).`);
        }),
      ),
    };
  }
  // Anchors and aliases (&a, *a) are never needed in a checklist, and aliases to aliases are how a
  // small file becomes a huge one (the "billion laughs"): refused, whatever their number. Keys are
  // counted over the whole file, so 10,000 unknown fields are one error, not 10,000.
  let keys = 0;
  let aliasLine: number | null | undefined;
  visit(doc, {
    Pair() {
      keys++;
    },
    Alias(_key, node) {
      if (aliasLine === undefined) aliasLine = lineOf(node as unknown as Node) ?? null;
      return visit.BREAK;
    },
  });
  if (aliasLine !== undefined) {
    return { ok: false, errors: [err(aliasLine, 'Verwijzingen (*naam, bij een anker &naam) kan ik niet gebruiken. Schrijf de tekst voluit.', 'References (*name, to an anchor &name) cannot be used. Write the text out in full.')] };
  }
  if (keys > TEMPLATE_LIMITS.keys) {
    return { ok: false, errors: [err(null, `Dit bestand heeft meer dan ${TEMPLATE_LIMITS.keys} velden. Een checklist heeft een titel en hoogstens ${TEMPLATE_LIMITS.steps} stappen.`, `This file has more than ${TEMPLATE_LIMITS.keys} fields. A checklist has a title and at most ${TEMPLATE_LIMITS.steps} steps.`)] };
  }
  const errors: TemplateError[] = [];
  const root = doc.contents;
  if (!isMap(root)) return { ok: false, errors: [err(lineOf(root as Node), 'Begin met een titel en stappen (title, steps).', 'Start with a title and steps (title, steps).')] };

  const fields = new Map<string, Node | null>();
  for (const pair of root.items) {
    const rawKey = isScalar(pair.key) ? String(pair.key.value) : '';
    const key = ALIASES[rawKey.toLowerCase()] ?? rawKey;
    if (!TOP_KEYS.has(key)) {
      errors.push(err(lineOf(pair.key as Node), `Onbekend veld "${rawKey}". Gebruik title, description, targetLabel, steps.`, `Unknown field "${rawKey}". Use title, description, targetLabel, steps.`));
      continue;
    }
    fields.set(key, pair.value as Node | null);
  }

  function readText(node: Node | null | undefined, what: LocalText, max: number, required: boolean, owner: Node = root as Node): LocalText | null {
    if (node === undefined || node === null || (isScalar(node) && (node.value === null || node.value === ''))) {
      if (required) errors.push(err(lineOf(node) ?? lineOf(owner), `${what.nl} ontbreekt.`, `${what.en} is missing.`));
      return null;
    }
    let value: LocalText | null = null;
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
      const s = String(node.value).trim();
      value = { nl: s, en: s };
    } else if (isMap(node)) {
      const nl = node.get('nl');
      const en = node.get('en');
      if (typeof nl === 'string' || typeof en === 'string') value = { nl: String(nl ?? en).trim(), en: String(en ?? nl).trim() };
    }
    if (!value) {
      errors.push(err(lineOf(node), `${what.nl} moet tekst zijn, of nl: en en: met tekst.`, `${what.en} must be text, or nl: and en: with text.`));
      return null;
    }
    for (const v of [value.nl, value.en]) {
      if (v.length > max) errors.push(err(lineOf(node), `${what.nl} is langer dan ${max} tekens.`, `${what.en} is longer than ${max} characters.`));
    }
    if ((value.nl === '' || value.en === '') && required) errors.push(err(lineOf(node), `${what.nl} ontbreekt.`, `${what.en} is missing.`));
    return value;
  }

  const title = readText(fields.get('title'), { nl: 'De titel', en: 'The title' }, TEMPLATE_LIMITS.title, true);
  const description = readText(fields.get('description'), { nl: 'De beschrijving', en: 'The description' }, TEMPLATE_LIMITS.description, false);
  const targetLabel = readText(fields.get('targetLabel'), { nl: 'De naam van de streefdatum', en: 'The name of the target date' }, TEMPLATE_LIMITS.targetLabel, false);
  const next = readText(fields.get('next'), { nl: 'De volgende stap', en: 'The next step' }, TEMPLATE_LIMITS.description, false);

  const stepsNode = fields.get('steps');
  const steps: TemplateStep[] = [];
  if (!isSeq(stepsNode)) {
    errors.push(err(lineOf(stepsNode) ?? lineOf(root as Node), 'Geef een lijst stappen (steps), elk met een titel.', 'Give a list of steps, each with a title.'));
  } else {
    if (stepsNode.items.length === 0 || stepsNode.items.length > TEMPLATE_LIMITS.steps) {
      errors.push(err(lineOf(stepsNode), `Een checklist heeft 1 tot ${TEMPLATE_LIMITS.steps} stappen.`, `A checklist has 1 to ${TEMPLATE_LIMITS.steps} steps.`));
    }
    stepsNode.items.slice(0, TEMPLATE_LIMITS.steps).forEach((item, i) => {
      const n = i + 1;
      const node = item as Node;
      if (isScalar(node)) {
        // A plain list of titles is fine too.
        const t = readText(node, { nl: `De titel van stap ${n}`, en: `The title of step ${n}` }, TEMPLATE_LIMITS.title, true);
        if (t) steps.push({ key: `step-${n}`, title: t, guidance: { nl: '', en: '' } });
        return;
      }
      if (!isMap(node)) {
        errors.push(err(lineOf(node), `Stap ${n} moet een titel hebben.`, `Step ${n} must have a title.`));
        return;
      }
      const stepFields = new Map<string, Node | null>();
      for (const pair of node.items) {
        const rawKey = isScalar(pair.key) ? String(pair.key.value) : '';
        const key = ALIASES[rawKey.toLowerCase()] ?? rawKey;
        if (!STEP_KEYS.has(key)) {
          errors.push(err(lineOf(pair.key as Node), `Onbekend veld "${rawKey}" in stap ${n}. Gebruik title, guidance, dueOffsetDays.`, `Unknown field "${rawKey}" in step ${n}. Use title, guidance, dueOffsetDays.`));
          continue;
        }
        stepFields.set(key, pair.value as Node | null);
      }
      const t = readText(stepFields.get('title'), { nl: `De titel van stap ${n}`, en: `The title of step ${n}` }, TEMPLATE_LIMITS.title, true, node);
      const g = readText(stepFields.get('guidance'), { nl: `De uitleg bij stap ${n}`, en: `The guidance of step ${n}` }, TEMPLATE_LIMITS.guidance, false);
      const offNode = stepFields.get('dueOffsetDays');
      let offset: number | undefined;
      if (offNode !== undefined && offNode !== null) {
        const v = isScalar(offNode) ? offNode.value : undefined;
        if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > TEMPLATE_LIMITS.offsetDays) {
          errors.push(err(lineOf(offNode), `De termijn van stap ${n} is een heel aantal dagen (-365 tot 365) ten opzichte van de streefdatum.`, `The due offset of step ${n} is a whole number of days (-365 to 365) from the target date.`));
        } else offset = v;
      }
      if (t) steps.push({ key: `step-${n}`, title: t, guidance: g ?? { nl: '', en: '' }, ...(offset !== undefined ? { dueOffsetDays: offset } : {}) });
    });
  }

  if (errors.length > 0 || !title) return { ok: false, errors: capErrors(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))) };
  return {
    ok: true,
    template: {
      title,
      description: description ?? { nl: '', en: '' },
      targetLabel: targetLabel ?? { nl: 'Streefdatum', en: 'Target date' },
      steps,
      next: next ?? { nl: '', en: '' },
    },
  };
}
