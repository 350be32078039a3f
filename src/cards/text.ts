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
