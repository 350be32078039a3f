// The outbox's port to Teams. One call = exactly one HTTP attempt with a timeout: retries, bounds and
// waiting belong to the outbox, never to the transport. src/teams/connector-transport.ts implements
// it over botbuilder's ConnectorClient; tests may use any object of this shape.

/** Where a message goes: a conversation (1:1, group chat, channel or channel thread) on a service URL. */
export interface ConversationTarget {
  tenantId: string;
  serviceUrl: string;
  conversationId: string;
}

/** The person a 1:1 conversation is created with. */
export interface PersonalTarget {
  tenantId: string;
  serviceUrl: string;
  /** Teams user id (`29:…`); the Entra object id is accepted by Teams as well. */
  userId: string;
  /** The bot account (`28:<app id>`); the transport's own bot id when absent. */
  botId?: string;
}

/** A Bot Framework activity (a message with text and/or attachments). */
export type OutboxActivity = Record<string, unknown>;

export type TransportResult =
  | { ok: true; activityId?: string; conversationId?: string; /** HTTP status, when known. */ status?: number }
  | {
      ok: false;
      /** HTTP status when Teams answered. */
      status?: number;
      /** Parsed Retry-After, when present. */
      retryAfterMs?: number;
      /** Short description: error code and message (never the activity). */
      error: string;
      /** The request may have reached Teams (timeout, connection reset after sending). */
      outcomeUnknown?: boolean;
      /** createPersonal: the conversation, when it was created before the send failed. */
      conversationId?: string;
    };

export interface Transport {
  /** POST /v3/conversations/{id}/activities */
  send(target: ConversationTarget, activity: OutboxActivity): Promise<TransportResult>;
  /** PUT /v3/conversations/{id}/activities/{activityId} */
  update(target: ConversationTarget, activityId: string, activity: OutboxActivity): Promise<TransportResult>;
  /**
   * POST /v3/conversations (a 1:1 chat; Teams returns the existing one if there is one), then the
   * activity into it. Two HTTP calls, each made once. The result carries the conversation id.
   */
  createPersonal(target: PersonalTarget, activity: OutboxActivity): Promise<TransportResult>;
}
