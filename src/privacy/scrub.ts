// An erased person's identifiers and name replaced in texts and JSON that stay (docs/privacy.md):
// their Entra id and Teams id by the pseudonym, their email and name by the label. Pure; the stores
// find the candidate rows with `likePatterns` and write back what `scrubJson` / `scrubText` return.
// The same rules as the database's cadans_scrub: whole words only ("Jan" leaves "Jansen"),
// case-insensitive, longest needle first, needles shorter than two characters skipped.
import type { ErasedPerson } from './ports.js';

export interface Scrub {
  /** [needle, replacement] pairs, longest needle first. */
  readonly pairs: readonly (readonly [string, string])[];
}

type Identity = Pick<ErasedPerson, 'aadObjectId' | 'teamsUserId' | 'name' | 'email' | 'pseudonym' | 'label'>;

export function personScrub(p: Identity): Scrub {
  const pairs: [string, string][] = [];
  const add = (needle: string | null | undefined, replacement: string) => {
    const n = (needle ?? '').trim();
    if (n.length < 2 || pairs.some(([x]) => x.toLowerCase() === n.toLowerCase())) return;
    pairs.push([n, replacement]);
  };
  add(p.aadObjectId, p.pseudonym);
  add(p.teamsUserId, p.pseudonym);
  add(p.email, p.label);
  add(p.name, p.label);
  pairs.sort((a, b) => b[0].length - a[0].length);
  return { pairs };
}

/** The person's identifiers (Entra id, Teams id), without name and email: what keys and lanes are made of. */
export function identifiersOf(p: Pick<ErasedPerson, 'aadObjectId' | 'teamsUserId'>): string[] {
  return [...new Set([p.aadObjectId, p.teamsUserId].filter((x): x is string => !!x && x.length > 0))];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD = '\\p{L}\\p{N}_';

function patternOf(needle: string): RegExp {
  return new RegExp(`(^|[^${WORD}])${escapeRegExp(needle)}(?=$|[^${WORD}])`, 'giu');
}

export function scrubText(text: string, s: Scrub): string {
  let out = text;
  for (const [needle, replacement] of s.pairs) {
    if (!out.toLowerCase().includes(needle.toLowerCase())) continue;
    out = out.replace(patternOf(needle), (_m, before: string) => `${before}${replacement}`);
  }
  return out;
}

/** Every string in a JSON value (and every key) scrubbed; other values as they were. */
export function scrubJson<T>(value: T, s: Scrub): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubText(v, s);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [scrubText(k, s), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** Whether a text holds any needle (as a whole word). */
export function mentions(text: string | null | undefined, s: Scrub): boolean {
  return !!text && scrubText(text, s) !== text;
}

/**
 * `lower(<column>::text) like any($n)` patterns that find candidate rows (a superset: substrings,
 * plain and as escaped inside JSON text); confirm with `mentions` / `scrubJson`.
 */
export function likePatterns(s: Scrub): string[] {
  const out = new Set<string>();
  const like = (x: string) => `%${x.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  for (const [needle] of s.pairs) {
    out.add(like(needle));
    const escaped = JSON.stringify(needle).slice(1, -1);
    if (escaped !== needle) out.add(like(escaped));
  }
  return [...out];
}
