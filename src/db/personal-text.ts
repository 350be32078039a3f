// Free texts that mention an erased person (a note, an old → new value in a log, an evaluation): the
// SQL that replaces their ids by the pseudonym and their name and email by the label, for a store to
// use in its own statements (docs/privacy.md). Matches ignore case; a name or email only as a whole
// word ("Jan de Wit" in "vraag Jan de Wit", not in "Jan de Witte"), an id wherever it stands.
import type { ErasedPerson } from '../privacy/ports.js';

/** The parameters a scrub expression reads: two patterns (null: nothing to look for) and their replacements. */
export interface ScrubParams {
  /** The Entra object id and Teams user id, as one pattern: replaced by the pseudonym. */
  idPattern: string | null;
  /** The email and the name (longest first), as one pattern: replaced by the label. */
  namePattern: string | null;
  pseudonym: string;
  label: string;
}

/** A name shorter than this is not looked for in texts: it would match too much that is not them. */
const MIN_NAME = 3;

const escapeRegex = (s: string) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
/** A PostgreSQL replacement text: `\` and `&` are special there. */
const escapeReplacement = (s: string) => s.replace(/[\\&]/g, '\\$&');

function pattern(words: readonly (string | null | undefined)[], wholeWords: boolean): string | null {
  const list = [...new Set(words.map((w) => (w ?? '').trim()).filter((w) => w.length >= MIN_NAME))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return null;
  const any = `(?:${list.map(escapeRegex).join('|')})`;
  // A name or email: not part of a longer word or address on either side. An id is unique: anywhere.
  return wholeWords ? `(?<![[:alnum:]_])${any}(?![[:alnum:]_])` : any;
}

export function scrubParams(person: ErasedPerson): ScrubParams {
  return {
    idPattern: pattern([person.aadObjectId, person.teamsUserId], false),
    namePattern: pattern([person.email, person.name], true),
    pseudonym: escapeReplacement(person.pseudonym),
    label: escapeReplacement(person.label),
  };
}

/** The scrub params as statement values, in the order `scrubSql` reads them from `first` on. */
export const scrubValues = (p: ScrubParams): unknown[] => [p.idPattern, p.namePattern, p.pseudonym, p.label];

/**
 * SQL for a text expression with the person replaced; `first` is the number of the first of the
 * four parameters `scrubValues` gives. Null stays null.
 */
export function scrubSql(expr: string, first: number): string {
  const [ids, names, pseudonym, label] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  const withoutIds = `case when ${ids}::text is null then ${expr} else regexp_replace(${expr}, ${ids}::text, ${pseudonym}::text, 'gi') end`;
  return `(case when ${names}::text is null then ${withoutIds} else regexp_replace(${withoutIds}, ${names}::text, ${label}::text, 'gi') end)`;
}

/** SQL: whether a text expression mentions the person (for the `where` of an update). */
export function mentionsSql(expr: string, first: number): string {
  return `((${expr}) ~* $${first}::text or (${expr}) ~* $${first + 1}::text)`;
}

/** SQL for a flat jsonb object (an evaluation, a source) with the person replaced in its string values. */
export function scrubJsonObjectSql(expr: string, first: number): string {
  return `(case when jsonb_typeof(${expr}) = 'object' then (select coalesce(jsonb_object_agg(e.key, case when jsonb_typeof(e.value) = 'string' then to_jsonb(${scrubSql("e.value #>> '{}'", first)}) else e.value end), '{}'::jsonb) from jsonb_each(${expr}) as e) else ${expr} end)`;
}

/** SQL for a jsonb array of flat objects (a step's items) with the person replaced in their string values. */
export function scrubJsonArraySql(expr: string, first: number): string {
  return `(case when jsonb_typeof(${expr}) = 'array' then (select coalesce(jsonb_agg(${scrubJsonObjectSql('a.value', first)} order by a.n), '[]'::jsonb) from jsonb_array_elements(${expr}) with ordinality as a(value, n)) else ${expr} end)`;
}
