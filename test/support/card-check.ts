// Checks a card as Teams would receive it: the `adaptivecards` parser (the library Teams' renderer is
// built on) and Teams' bot message size limit.
//
// Size (Microsoft Learn, "Format your bot messages"): "The bot message size limit is 100 KB … the
// message itself … encoded as UTF-16 … doesn't include base64 encoded image … it's recommended to
// ensure that the size of the message itself is within 80 KB". (Older copies of that page said 40 KB;
// the 28 KB figure seen around is the Power Automate / Workflows Teams connector's, not a bot's.)
// Cadans keeps every card within the recommended 80 KB, measured as the fake connector measures the
// limit: the whole activity's JSON, UTF-16, base64 `data:` URIs left out.
import * as AC from 'adaptivecards';
import { TEAMS_MAX_MESSAGE_BYTES, teamsMessageSize } from './fake-connector.js';

/** Microsoft's recommended ceiling for a bot message (UTF-16 bytes), below the 100 KB hard limit. */
export const TEAMS_CARD_BUDGET_BYTES = 80 * 1024;
export { TEAMS_MAX_MESSAGE_BYTES };

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** The message activity a card travels in (a post, a reply or an update). */
export function cardMessage(card: object): Record<string, unknown> {
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, content: card }] };
}

/** Teams' measure of a card's message: UTF-16 bytes of the activity JSON, base64 images excluded. */
export function cardMessageBytes(card: object): number {
  return teamsMessageSize(cardMessage(card));
}

/**
 * Parse and validation messages of the `adaptivecards` library; empty when the card is clean.
 * Teams' chart elements (Chart.*) are unknown to the library, which then uses their fallback: that
 * one message is not counted for a chart that has a fallback (test/surveys/result-card.test.ts checks
 * the chart JSON against the properties Teams documents).
 */
export function parseErrors(card: object): string[] {
  const ac = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  ac.parse(card, ctx);
  const out: string[] = [];
  const chartsWithFallback = chartTypesWithFallback(card);
  for (let i = 0; i < ctx.eventCount; i++) {
    const message = ctx.getEventAt(i).message;
    const chart = /^Unknown element type "(Chart\.[A-Za-z.]+)"\. Fallback will be used if present\.$/.exec(message);
    if (chart && chartsWithFallback.has(chart[1]!)) continue;
    out.push(message);
  }
  const v = ac.validateProperties();
  for (const e of v.validationEvents) out.push(`${e.event}: ${e.message}`);
  return out;
}

/** The chart element types in a card that carry a fallback. */
function chartTypesWithFallback(card: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Chart.') && o.fallback !== undefined) out.add(o.type);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

/** A card action as tests read it. */
export interface CardAction {
  type: string;
  title: string;
  verb?: string;
  data?: Record<string, unknown>;
}

/** Every action on a card, in order: its body's ActionSets, its actions and ShowCards' own cards (not its refresh). */
export function cardActions(card: unknown): CardAction[] {
  const out: CardAction[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o as unknown as CardAction);
    for (const [k, v] of Object.entries(o)) if (k !== 'refresh') walk(v);
  };
  walk(card);
  return out;
}
