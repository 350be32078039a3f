// Own templates (checklists, surveys) arrive as YAML or JSON typed by people: the checks shared by
// their parsers, run before and after the YAML parser. App-level: it knows no feature.

export interface LineError {
  line: number | null;
  message: { nl: string; en: string };
}

/**
 * Nesting the YAML parser would recurse into, found in one linear pass before it runs (deep
 * nesting makes it recurse until the process runs out of stack): [ and { deeper than `flowDepth`
 * (quotes not looked at, so a title with many [ also counts), or a line whose indentation and -, ?,
 * : indicators are longer than `linePrefix`. The line, or null when fine.
 */
export function tooDeep(text: string, limits: { flowDepth: number; linePrefix: number }): number | null {
  let depth = 0;
  let line = 1;
  let prefix = 0;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      prefix = 0;
      atStart = true;
      continue;
    }
    if (atStart) {
      if (ch === ' ' || ch === '\t' || ch === '-' || ch === '?' || ch === ':') {
        if (++prefix > limits.linePrefix) return line;
      } else atStart = false;
    }
    if (ch === '[' || ch === '{') {
      if (++depth > limits.flowDepth) return line;
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return null;
}

/** At most `max` errors: the first ones, then one line saying how many more. */
export function capErrors<E extends LineError>(errors: readonly E[], max: number): (E | LineError)[] {
  if (errors.length <= max) return [...errors];
  const more = errors.length - (max - 1);
  return [...errors.slice(0, max - 1), { line: null, message: { nl: `En nog ${more} andere.`, en: `And ${more} more.` } }];
}
