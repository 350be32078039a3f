// Text from people and Teams, made safe and short for a card. Shared by every feature's views.

/** Roster choices shown in a card's person picker; beyond this the card would outgrow Teams' size budget. */
export const MAX_PEOPLE_CHOICES = 100;

/**
 * Teams display names may be 256 characters and school names 120; a card shows the first 64, enough
 * to recognise someone, so that a card listing many names stays within Teams' message size limit.
 */
export const MAX_NAME_IN_CARD = 64;

export function cardName(name: string): string {
  return name.length <= MAX_NAME_IN_CARD ? name : `${name.slice(0, MAX_NAME_IN_CARD - 1).trimEnd()}…`;
}

/** Names come from Teams and people: they must not format the card. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_`[\]()#>~|])/g, '\\$1');
}

/**
 * Fills `{name}` placeholders, and picks a word by number: `{n|dag|dagen}` is "dag" when n is 1 and
 * "dagen" otherwise (write `{n} {n|dag|dagen}` for "1 dag", "3 dagen"). Unknown names stay as written.
 */
export function fillText(text: string, params: Readonly<Record<string, string | number>> = {}): string {
  return text.replace(/\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g, (m, name: string, one?: string, other?: string) => {
    if (!(name in params)) return m;
    if (one === undefined) return String(params[name]);
    return Number(params[name]) === 1 ? one : (other ?? '');
  });
}
