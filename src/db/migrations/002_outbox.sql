-- The outbox: every activity Cadans sends, updates or creates outside the turn it answers.
-- See docs/outbox.md. The table is the queue and the record; pg-boss jobs only wake workers.
create table outbox_messages (
  id bigserial primary key,
  tenant_id text not null,
  op text not null check (op in ('send', 'update', 'createPersonal')),
  -- Messages of one lane go out one at a time, in id order: the base conversation id for sends and
  -- updates (a channel's threads share their channel), 'user:<tenant>:<user id>' for createPersonal.
  lane text not null,
  service_url text not null,
  -- send: the conversation (or channel thread); update: the conversation of the message;
  -- createPersonal: filled in once Teams has created (or returned) the 1:1 conversation.
  conversation_id text,
  activity_id text,                      -- update: the message to update
  user_id text,                          -- createPersonal: the person (29:… or Entra object id)
  bot_id text,                           -- createPersonal: the bot account, when not the default
  -- { "activity": {...} } or { "render": { "renderer": "...", "args": ... } }
  payload jsonb not null,
  idempotency_key text unique,
  -- update: conversation|activity id; at most one queued update per posted message.
  coalesce_key text,
  status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'retrying', 'failed')),
  failure_reason text,
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,               -- while sending: another worker may take it over after this
  claim_token uuid,                      -- fences a worker whose lease expired from writing a result
  reservation_ids bigint[],              -- its place in the tenant's queue (reserved outbox_send_log rows)
  outcome_unknown boolean not null default false,    -- the last attempt may have reached Teams unanswered
  possible_duplicate boolean not null default false, -- an attempt followed one whose outcome was unknown
  last_status int,
  last_error text,
  sent_activity_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  updated_at timestamptz not null default now()
);

create unique index outbox_messages_queued_update on outbox_messages (coalesce_key)
  where status = 'queued' and coalesce_key is not null;
-- The head of a lane, and the sweep over all lanes.
create index outbox_messages_lane_pending on outbox_messages (lane, id)
  where status in ('queued', 'sending', 'retrying');
create index outbox_messages_status on outbox_messages (status, failure_reason);
create index outbox_messages_finished on outbox_messages (updated_at)
  where status in ('sent', 'failed');

-- The shared rate limiter: one row per request made, per key (a conversation's lane, a tenant).
-- Read and written under a transaction-scoped advisory lock per key, on the database clock.
-- Reserved rows are places in a tenant's queue (future times): they spread waiting messages over
-- distinct wake-up times and never count as requests.
create table outbox_send_log (
  id bigserial primary key,
  key text not null,
  at timestamptz not null,
  reserved boolean not null default false
);
create index outbox_send_log_key_at on outbox_send_log (key, at);
create index outbox_send_log_at on outbox_send_log (at);
