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

/** Parse and validation messages of the `adaptivecards` library; empty when the card is clean. */
export function parseErrors(card: object): string[] {
  const ac = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  ac.parse(card, ctx);
  const out: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) out.push(ctx.getEventAt(i).message);
  const v = ac.validateProperties();
  for (const e of v.validationEvents) out.push(`${e.event}: ${e.message}`);
  return out;
}
