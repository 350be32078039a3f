// Own survey templates, written by a kwaliteitsmedewerker in YAML or JSON (JSON is YAML too, so one
// parser gives line numbers for both), on the model of the checklist templates
// (src/checklists/parse-template.ts). Keys may be English or Dutch; a text is either one string
// (used for both languages) or { nl, en }; a question may be a plain string, which is a likert
// statement. Errors name the line and say what to change, in nl and en. Limits: SURVEY_LIMITS.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Node, type YAMLMap } from 'yaml';
import {
  SURVEY_LIMITS,
  STANDARDS,
  checkQuestions,
  materialise,
  type LocalText,
  type QuestionKind,
  type Standard,
  type SurveyKind,
  type SurveyTemplate,
  type TemplateQuestion,
} from './model.js';
import { PERSPECTIVE_ANONYMITY_NOTE } from './templates.js';
import { capErrors, tooDeep } from '../yaml-guard.js';

export interface SurveyTemplateError {
  line: number | null;
  message: LocalText;
}

export type ParsedSurveyTemplate = { ok: true; template: Omit<SurveyTemplate, 'key'> } | { ok: false; errors: SurveyTemplateError[] };

export const SURVEY_TEMPLATE_LIMITS = {
  description: 500,
  bytes: 100_000,
  /** Pairs in the whole file: 20 questions with kind, text in two languages and 10 options in two languages need about 600. */
  keys: 1_000,
  /** [ and { inside each other, and indentation plus -, ?, : before a line's text: deeper nesting is refused before parsing. */
  flowDepth: 20,
  linePrefix: 64,
  /** What the card lists; the last line says how many more there are. */
  errorsShown: 15,
} as const;

/** Keys are compared in lower case without spaces, - and _: "soort peiling", "soort_peiling" and "soortPeiling" are one key. */
const norm = (s: string): string => s.toLowerCase().replace(/[\s_\-–/]+/g, '');

type TopKey = 'title' | 'description' | 'kind' | 'anonymous' | 'anonymityNote' | 'byPerspective' | 'questions';
type QuestionKey = 'kind' | 'text' | 'options' | 'multiple' | 'required' | 'standard';

const TOP_ALIASES: Record<string, TopKey> = {
  title: 'title',
  titel: 'title',
  description: 'description',
  beschrijving: 'description',
  omschrijving: 'description',
  kind: 'kind',
  type: 'kind',
  soort: 'kind',
  soortpeiling: 'kind',
  surveykind: 'kind',
  anonymous: 'anonymous',
  anoniem: 'anonymous',
  anonymitynote: 'anonymityNote',
  toelichtinganonimiteit: 'anonymityNote',
  byperspective: 'byPerspective',
  perperspectief: 'byPerspective',
  questions: 'questions',
  vragen: 'questions',
  statements: 'questions',
  stellingen: 'questions',
};

const QUESTION_ALIASES: Record<string, QuestionKey> = {
  kind: 'kind',
  type: 'kind',
  soort: 'kind',
  text: 'text',
  tekst: 'text',
  question: 'text',
  vraag: 'text',
  statement: 'text',
  stelling: 'text',
  options: 'options',
  opties: 'options',
  choices: 'options',
  keuzes: 'options',
  multiple: 'multiple',
  meerdere: 'multiple',
  required: 'required',
  verplicht: 'required',
  standard: 'standard',
  standaard: 'standard',
};

const KIND_NAMES: Record<string, QuestionKind> = {
  likert: 'likert',
  stelling: 'likert',
  statement: 'likert',
  eensoneens: 'likert',
  agree: 'likert',
  choice: 'choice',
  keuze: 'choice',
  keuzevraag: 'choice',
  meerkeuze: 'choice',
  multiplechoice: 'choice',
  yesno: 'yesno',
  janee: 'yesno',
  jaofnee: 'yesno',
  yesorno: 'yesno',
  '010': 'scale10',
  scale10: 'scale10',
  schaal10: 'scale10',
  schaal010: 'scale10',
  enps: 'scale10',
  open: 'open',
  openvraag: 'open',
  openquestion: 'open',
};

const SURVEY_KIND_NAMES: Record<string, SurveyKind> = {
  pulse: 'pulse',
  pulsesurvey: 'pulse',
  kort: 'pulse',
  kortepeiling: 'pulse',
  peiling: 'pulse',
  selfevaluation: 'selfEvaluation',
  zelfevaluatie: 'selfEvaluation',
};

const BOOLEANS: Record<string, boolean> = { true: true, false: false, ja: true, nee: false, yes: true, no: false, waar: true, onwaar: false };

const KIND_LIST: LocalText = { nl: 'likert, keuze, ja-nee, 0-10 of open', en: 'likert, choice, yes-no, 0-10 or open' };
const TOP_LIST: LocalText = {
  nl: 'titel, beschrijving, soort peiling, anoniem, per perspectief, vragen',
  en: 'title, description, kind, anonymous, byPerspective, questions',
};
const QUESTION_LIST: LocalText = {
  nl: 'soort, tekst, opties, meerdere, verplicht, standaard',
  en: 'kind, text, options, multiple, required, standard',
};

const err = (line: number | null, nl: string, en: string): SurveyTemplateError => ({ line, message: { nl, en } });

/** At most errorsShown errors: the first ones by line, then one line saying how many more. */
export function capSurveyErrors(errors: readonly SurveyTemplateError[]): SurveyTemplateError[] {
  return capErrors(errors, SURVEY_TEMPLATE_LIMITS.errorsShown);
}

export function parseSurveyTemplateText(text: string): ParsedSurveyTemplate {
  if (Buffer.byteLength(text) > SURVEY_TEMPLATE_LIMITS.bytes) {
    return { ok: false, errors: [err(null, 'Het bestand is groter dan 100 kB.', 'The file is larger than 100 kB.')] };
  }
  // Deep nesting makes the YAML parser recurse until the process runs out of stack: refused first.
  const deep = tooDeep(text, SURVEY_TEMPLATE_LIMITS);
  if (deep !== null) {
    return { ok: false, errors: [err(deep, 'Hier zit te veel in elkaar genest. Een peiling heeft een titel en een lijst vragen, meer niet.', 'Too much is nested here. A survey has a title and a list of questions, nothing more.')] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number | null => (node?.range ? lines.linePos(node.range[0]).line : null);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: capSurveyErrors(
        doc.errors.map((e) => {
          const line = e.linePos?.[0]?.line ?? null;
          return e.code === 'DUPLICATE_KEY'
            ? err(line, 'Dit veld staat hier twee keer. Haal er een weg.', 'This field is here twice. Remove one of them.')
            : err(line, `Dit is geen geldige YAML of JSON (${e.code}).`, `This is not valid YAML or JSON (${e.code}).`);
        }),
      ),
    };
  }
  // Anchors and aliases (&a, *a) are never needed in a survey, and aliases to aliases are how a small
  // file becomes a huge one (the "billion laughs"): refused, whatever their number. Keys are counted
  // over the whole file, so 10,000 unknown fields are one error, not 10,000.
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
  if (keys > SURVEY_TEMPLATE_LIMITS.keys) {
    return { ok: false, errors: [err(null, `Dit bestand heeft meer dan ${SURVEY_TEMPLATE_LIMITS.keys} velden. Een peiling heeft een titel en hoogstens ${SURVEY_LIMITS.selfEvaluationQuestions} vragen.`, `This file has more than ${SURVEY_TEMPLATE_LIMITS.keys} fields. A survey has a title and at most ${SURVEY_LIMITS.selfEvaluationQuestions} questions.`)] };
  }
  const errors: SurveyTemplateError[] = [];
  const root = doc.contents;
  if (!isMap(root)) return { ok: false, errors: [err(lineOf(root as Node), 'Begin met een titel en vragen (titel, vragen).', 'Start with a title and questions (title, questions).')] };

  /** The fields of a mapping by their English name; unknown keys and a key given twice (e.g. titel and title) are errors. */
  function fieldsOf<K extends string>(map: YAMLMap, aliases: Record<string, K>, where: LocalText, list: LocalText): Map<K, Node | null> {
    const fields = new Map<K, Node | null>();
    const rawOf = new Map<K, string>();
    for (const pair of map.items) {
      const rawKey = isScalar(pair.key) ? String(pair.key.value) : '';
      const key = aliases[norm(rawKey)];
      const line = lineOf(pair.key as Node);
      if (key === undefined) {
        errors.push(err(line, `Onbekend veld "${rawKey}"${where.nl}. Gebruik ${list.nl}.`, `Unknown field "${rawKey}"${where.en}. Use ${list.en}.`));
        continue;
      }
      const earlier = rawOf.get(key);
      if (earlier !== undefined) {
        errors.push(err(line, `Het veld "${rawKey}"${where.nl} staat er al, als "${earlier}". Haal er een weg.`, `The field "${rawKey}"${where.en} is there already, as "${earlier}". Remove one of them.`));
        continue;
      }
      rawOf.set(key, rawKey);
      fields.set(key, pair.value as Node | null);
    }
    return fields;
  }

  const isEmpty = (node: Node | null | undefined): boolean => node === undefined || node === null || (isScalar(node) && (node.value === null || node.value === ''));

  function readText(node: Node | null | undefined, what: LocalText, max: number, required: boolean, owner: Node): LocalText | null {
    if (isEmpty(node)) {
      if (required) errors.push(err(lineOf(node) ?? lineOf(owner), `${what.nl} ontbreekt.`, `${what.en} is missing.`));
      return null;
    }
    let value: LocalText | null = null;
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
      const s = String(node.value).trim();
      value = { nl: s, en: s };
    } else if (isMap(node)) {
      const others = node.items.filter((p) => !(isScalar(p.key) && (p.key.value === 'nl' || p.key.value === 'en')));
      if (others.length > 0) {
        errors.push(err(lineOf(others[0]!.key as Node), `${what.nl} heeft alleen nl: en en:, voor de twee talen.`, `${what.en} has only nl: and en:, for the two languages.`));
        return null;
      }
      const nl = node.get('nl');
      const en = node.get('en');
      const ok = (v: unknown) => v === undefined || v === null || typeof v === 'string' || typeof v === 'number';
      if (ok(nl) && ok(en) && (nl ?? en) !== undefined && (nl ?? en) !== null) {
        value = { nl: String(nl ?? en).trim(), en: String(en ?? nl).trim() };
      }
    }
    if (!value) {
      errors.push(err(lineOf(node), `${what.nl} moet tekst zijn, of nl: en en: met tekst.`, `${what.en} must be text, or nl: and en: with text.`));
      return null;
    }
    if (value.nl.length > max || value.en.length > max) {
      errors.push(err(lineOf(node), `${what.nl} is langer dan ${max} tekens.`, `${what.en} is longer than ${max} characters.`));
    }
    if ((value.nl === '' || value.en === '') && required) errors.push(err(lineOf(node), `${what.nl} ontbreekt.`, `${what.en} is missing.`));
    return value;
  }

  function readBoolean(node: Node | null | undefined, what: LocalText): boolean | undefined {
    if (isEmpty(node)) return undefined;
    const v = isScalar(node) ? node.value : undefined;
    const b = typeof v === 'boolean' ? v : typeof v === 'string' ? BOOLEANS[v.trim().toLowerCase()] : undefined;
    if (b === undefined) errors.push(err(lineOf(node), `${what.nl} is ja of nee.`, `${what.en} is yes or no.`));
    return b;
  }

  function readName<T>(node: Node | null | undefined, names: Record<string, T>): { value: T | undefined; raw: string } {
    const raw = isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : '';
    return { value: raw === '' ? undefined : names[norm(raw)], raw };
  }

  function readQuestion(node: Node, n: number): TemplateQuestion | null {
    const textWhat = { nl: `De tekst van vraag ${n}`, en: `The text of question ${n}` };
    if (isScalar(node)) {
      // A plain string is a statement to agree or disagree with.
      const t = readText(node, textWhat, SURVEY_LIMITS.questionLength, true, node);
      return t ? { kind: 'likert', text: t } : null;
    }
    if (!isMap(node)) {
      errors.push(err(lineOf(node), `Vraag ${n} moet een tekst hebben.`, `Question ${n} must have a text.`));
      return null;
    }
    const f = fieldsOf(node, QUESTION_ALIASES, { nl: ` in vraag ${n}`, en: ` in question ${n}` }, QUESTION_LIST);
    const text = readText(f.get('text'), textWhat, SURVEY_LIMITS.questionLength, true, node);
    const optionsNode = f.get('options');
    const kindNode = f.get('kind');
    let qKind: QuestionKind | null = isEmpty(optionsNode) ? 'likert' : 'choice';
    if (!isEmpty(kindNode)) {
      const { value, raw } = readName(kindNode, KIND_NAMES);
      qKind = value ?? null;
      if (!value) errors.push(err(lineOf(kindNode), `Onbekende soort vraag "${raw}" in vraag ${n}. Kies ${KIND_LIST.nl}.`, `Unknown kind of question "${raw}" in question ${n}. Choose ${KIND_LIST.en}.`));
    }
    let options: LocalText[] | undefined;
    if (!isEmpty(optionsNode) && qKind !== null && qKind !== 'choice') {
      errors.push(err(lineOf(optionsNode), `Vraag ${n} is geen keuzevraag en heeft dus geen opties. Zet soort: keuze, of haal de opties weg.`, `Question ${n} is not a choice question, so it has no options. Set kind: choice, or remove the options.`));
    } else if (qKind === 'choice') {
      options = readOptions(optionsNode, node, n);
    }
    const multiple = readBoolean(f.get('multiple'), { nl: `Meerdere bij vraag ${n}`, en: `Multiple in question ${n}` });
    if (multiple !== undefined && qKind !== null && qKind !== 'choice') {
      errors.push(err(lineOf(f.get('multiple')), `Meerdere antwoorden kan alleen bij een keuzevraag (vraag ${n}).`, `Multiple answers are for a choice question only (question ${n}).`));
    }
    const required = readBoolean(f.get('required'), { nl: `Verplicht bij vraag ${n}`, en: `Required in question ${n}` });
    let standard: Standard | undefined;
    const standardNode = f.get('standard');
    if (!isEmpty(standardNode)) {
      const raw = isScalar(standardNode) ? String(standardNode.value) : '';
      const s = raw.toUpperCase().replace(/\s+/g, '');
      if ((STANDARDS as readonly string[]).includes(s)) standard = s as Standard;
      else errors.push(err(lineOf(standardNode), `Onbekende standaard "${raw}" in vraag ${n}. Kies ${STANDARDS.join(', ')}.`, `Unknown standard "${raw}" in question ${n}. Choose ${STANDARDS.join(', ')}.`));
    }
    if (!text || qKind === null) return null;
    return {
      kind: qKind,
      text,
      ...(required !== undefined ? { required } : {}),
      ...(qKind === 'choice' && options ? { options, multiple: multiple ?? false } : {}),
      ...(standard ? { standard } : {}),
    };
  }

  function readOptions(node: Node | null | undefined, owner: Node, n: number): LocalText[] | undefined {
    const { min, max: most } = SURVEY_LIMITS.options;
    if (!isSeq(node)) {
      errors.push(err(lineOf(node) ?? lineOf(owner), `Vraag ${n} is een keuzevraag: geef ${min} tot ${most} opties, als lijst.`, `Question ${n} is a choice question: give ${min} to ${most} options, as a list.`));
      return undefined;
    }
    if (node.items.length < min || node.items.length > most) {
      const k = node.items.length;
      errors.push(err(lineOf(node), `Vraag ${n} heeft ${k} ${k === 1 ? 'optie' : 'opties'}; een keuzevraag heeft er ${min} tot ${most}.`, `Question ${n} has ${k} ${k === 1 ? 'option' : 'options'}; a choice question has ${min} to ${most}.`));
      return undefined;
    }
    const options: LocalText[] = [];
    const seen = new Set<string>();
    node.items.forEach((item, j) => {
      const o = readText(item as Node, { nl: `Optie ${j + 1} van vraag ${n}`, en: `Option ${j + 1} of question ${n}` }, SURVEY_LIMITS.optionLength, true, node);
      if (!o) return;
      if (seen.has(o.nl.toLowerCase())) errors.push(err(lineOf(item as Node), `Optie ${j + 1} van vraag ${n} staat er al.`, `Option ${j + 1} of question ${n} is there already.`));
      seen.add(o.nl.toLowerCase());
      options.push(o);
    });
    return options;
  }

  const fields = fieldsOf(root, TOP_ALIASES, { nl: '', en: '' }, TOP_LIST);
  const title = readText(fields.get('title'), { nl: 'De titel', en: 'The title' }, SURVEY_LIMITS.titleLength, true, root);
  const description = readText(fields.get('description'), { nl: 'De beschrijving', en: 'The description' }, SURVEY_TEMPLATE_LIMITS.description, false, root);
  const note = readText(fields.get('anonymityNote'), { nl: 'De toelichting bij de anonimiteit', en: 'The note on anonymity' }, SURVEY_TEMPLATE_LIMITS.description, false, root);

  let kind: SurveyKind = 'pulse';
  const kindNode = fields.get('kind');
  if (!isEmpty(kindNode)) {
    const { value, raw } = readName(kindNode, SURVEY_KIND_NAMES);
    if (value) kind = value;
    else errors.push(err(lineOf(kindNode), `Onbekende soort peiling "${raw}". Kies kort of zelfevaluatie.`, `Unknown kind of survey "${raw}". Choose pulse or selfEvaluation.`));
  }
  const byPerspective = readBoolean(fields.get('byPerspective'), { nl: 'Per perspectief', en: 'byPerspective' });
  if (byPerspective && kind !== 'selfEvaluation') {
    errors.push(err(lineOf(fields.get('byPerspective')), 'Uitkomsten per perspectief horen bij een zelfevaluatie: zet er soort peiling: zelfevaluatie bij.', 'Outcomes by perspective belong to a self-evaluation: add kind: selfEvaluation.'));
  }
  const anonymous = readBoolean(fields.get('anonymous'), { nl: 'Anoniem', en: 'Anonymous' });

  const max = kind === 'pulse' ? SURVEY_LIMITS.pulseQuestions : SURVEY_LIMITS.selfEvaluationQuestions;
  const questionsNode = fields.get('questions');
  const questions: TemplateQuestion[] = [];
  if (!isSeq(questionsNode)) {
    errors.push(err(lineOf(questionsNode) ?? lineOf(root), 'Geef een lijst vragen (vragen), elk met een tekst.', 'Give a list of questions, each with a text.'));
  } else {
    if (questionsNode.items.length === 0) errors.push(err(lineOf(questionsNode), 'Een peiling heeft minstens één vraag.', 'A survey has at least one question.'));
    let opens = 0;
    // Past the most this kind of survey may have nothing is read: the error names the first one too many.
    for (const [i, item] of questionsNode.items.entries()) {
      const n = i + 1;
      const node = item as Node;
      if (n > max) {
        errors.push(
          kind === 'pulse'
            ? err(lineOf(node), `Vraag ${n} is er een te veel: een korte peiling heeft hoogstens ${max} vragen.`, `Question ${n} is one too many: a pulse survey has at most ${max} questions.`)
            : err(lineOf(node), `Stelling ${n} is er een te veel: een zelfevaluatie heeft hoogstens ${max} stellingen.`, `Statement ${n} is one too many: a self-evaluation has at most ${max} statements.`),
        );
        break;
      }
      const q = readQuestion(node, n);
      if (!q) continue;
      if (q.kind === 'open' && ++opens > SURVEY_LIMITS.pulseOpenQuestions && kind === 'pulse') {
        errors.push(err(lineOf(node), `Vraag ${n} is ook een open vraag: een korte peiling heeft hoogstens één open vraag.`, `Question ${n} is another open question: a pulse survey has at most one open question.`));
      }
      questions.push(q);
    }
  }

  if (errors.length === 0 && title) {
    // What the domain checks on every survey, on the questions in both languages (nothing above should let one through).
    for (const language of ['nl', 'en'] as const) {
      for (const problem of checkQuestions(kind, materialise(questions, language))) errors.push({ line: null, message: problem });
    }
  }
  if (errors.length > 0 || !title) return { ok: false, errors: capSurveyErrors(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))) };
  // Anonymous unless the results are by perspective: those groups are too small (PERSPECTIVE_ANONYMITY_NOTE).
  const isAnonymous = anonymous ?? !byPerspective;
  return {
    ok: true,
    template: {
      kind,
      title,
      description: description ?? { nl: '', en: '' },
      questions,
      anonymous: isAnonymous,
      ...(note ? { anonymityNote: note } : byPerspective && anonymous === undefined ? { anonymityNote: PERSPECTIVE_ANONYMITY_NOTE } : {}),
      ...(byPerspective ? { byPerspective: true } : {}),
    },
  };
}

/** For the card that asks for an own template: a short example in each language that parses (tested). */
export const SURVEY_TEMPLATE_EXAMPLE: LocalText = {
  nl: [
    'titel: Peiling na de studiedag',
    'beschrijving: Vier korte vragen over de studiedag.',
    'soort peiling: kort',
    'vragen:',
    '  - soort: likert',
    '    tekst: De studiedag was nuttig voor mijn werk.',
    '    standaard: SKA2',
    '  - soort: keuze',
    '    tekst: Welk onderdeel wil je vaker terugzien?',
    '    opties: [Workshops, Intervisie, Lezing]',
    '  - soort: 0-10',
    '    tekst:',
    '      nl: Welk cijfer geef je de studiedag?',
    '      en: What mark would you give the study day?',
    '  - soort: open',
    '    tekst: Wat zou je de volgende keer anders doen?',
    '    verplicht: nee',
  ].join('\n'),
  en: [
    'title: Survey after the study day',
    'description: Four short questions about the study day.',
    'kind: pulse',
    'questions:',
    '  - kind: likert',
    '    text: The study day was useful for my work.',
    '    standard: SKA2',
    '  - kind: choice',
    '    text: Which part would you like to see more often?',
    '    options: [Workshops, Peer review, Lecture]',
    '  - kind: 0-10',
    '    text:',
    '      nl: Welk cijfer geef je de studiedag?',
    '      en: What mark would you give the study day?',
    '  - kind: open',
    '    text: What would you do differently next time?',
    '    required: no',
  ].join('\n'),
};
