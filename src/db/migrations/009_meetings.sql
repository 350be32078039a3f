-- Meeting cadences ("aan tafel met"): the standing quality tables, their meetings, each member's prep
-- state and the agenda items members add. Owned by src/meetings/store.ts. Only adds.
create table meeting_tables (
  id bigserial primary key,
  -- The opaque id cards carry.
  public_id uuid not null default gen_random_uuid() unique,
  tenant_id text not null references tenants(id),
  -- A school's table (director + quality officer, MR, …); null: the board's level.
  school_id bigint references schools(id) on delete cascade,
  -- One of the default kinds (src/meetings/model.ts) or 'own'.
  kind text not null check (length(kind) between 1 and 40),
  -- Own name and topics; null: the defaults of the kind, in the reader's language.
  name text check (name is null or length(name) between 1 and 120),
  topics jsonb,
  -- The rule (src/schedule/rules.ts RuleSchema), checked by the service.
  rule jsonb not null,
  meeting_time text not null default '09:00' check (meeting_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  duration_minutes int not null default 60 check (duration_minutes between 15 and 720),
  prep_days int not null default 5 check (prep_days between 0 and 20),
  -- [{"kind":"role","role":"bestuurder","scope":"tenant"}, {"kind":"person",…}, {"kind":"external","name":…,"email":…}]
  members jsonb not null default '[]'::jsonb,
  -- {"kind":"role","role":"bestuurder"} or {"kind":"person","aadObjectId":…,"name":…}
  chair jsonb not null,
  paused boolean not null default false,
  removed_at timestamptz,
  -- Linked Outlook series: {"organizerAad":…,"seriesId":…}; null: dates kept in Cadans only.
  outlook jsonb,
  outlook_synced_at timestamptz,
  created_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1
);
-- Every tenant starts with the default tables once (per school for a school's kind).
create unique index meeting_tables_default on meeting_tables (tenant_id, kind, coalesce(school_id, 0)) where kind <> 'own';
create index meeting_tables_tenant on meeting_tables (tenant_id, school_id) where removed_at is null;
-- Tables linked to Outlook, read by the calendar sync.
create index meeting_tables_outlook on meeting_tables (outlook_synced_at nulls first) where outlook is not null and removed_at is null;

create table meetings (
  id bigserial primary key,
  public_id uuid not null default gen_random_uuid() unique,
  tenant_id text not null references tenants(id),
  table_id bigint not null references meeting_tables(id) on delete cascade,
  starts_at timestamptz not null,
  -- The period the rule wants it in (inclusive), when planned by the rule.
  window_start date,
  window_end date,
  -- Set by someone, from Outlook, or planned when the previous meeting was recorded; a first
  -- proposal from the rule is not (and gets no prep cards until someone confirms it).
  confirmed boolean not null default false,
  status text not null default 'planned' check (status in ('planned', 'held', 'notHeld', 'cancelled')),
  -- When the prep cards go out (null: none, e.g. not confirmed) and when they went.
  prep_at timestamptz,
  prep_sent_at timestamptz,
  -- When the quality officer is warned that no date is confirmed, and when that happened.
  warn_at timestamptz,
  warned_at timestamptz,
  -- When the chair gets the follow-up card (the meeting's end) and when it went.
  followup_at timestamptz,
  followup_sent_at timestamptz,
  -- The chair's follow-up card (its activity in the chair's chat), for updates.
  followup_activity_id text,
  followup_conversation_id text,
  -- The Outlook occurrence it follows, when the table is linked.
  outlook_event_id text,
  -- What the chair recorded: {"held":true,"decisions":"…","actions":["…"]}.
  record jsonb,
  recorded_by text,
  recorded_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1
);
-- One upcoming meeting per table.
create unique index meetings_one_planned on meetings (table_id) where status = 'planned';
-- The scheduler's tick: what is due, found through partial indexes on the moment (never a scan of all tables).
create index meetings_prep_due on meetings (prep_at) where status = 'planned' and prep_sent_at is null and prep_at is not null;
create index meetings_warn_due on meetings (warn_at) where status = 'planned' and warned_at is null and warn_at is not null;
create index meetings_followup_due on meetings (followup_at) where status = 'planned' and followup_sent_at is null and followup_at is not null;
-- A table's history, newest first.
create index meetings_table_history on meetings (table_id, starts_at desc);

-- Each member's state for one meeting: their prep card, prepared, cannot come, remind me tomorrow.
create table meeting_attendance (
  meeting_id bigint not null references meetings(id) on delete cascade,
  tenant_id text not null,
  aad_object_id text not null,
  name text not null default '',
  -- Their 1:1 prep card, for updates (agenda items added, the meeting moved or cancelled).
  card_activity_id text,
  card_conversation_id text,
  card_service_url text,
  prepared_at timestamptz,
  cannot_come_at timestamptz,
  cannot_come_reason text check (cannot_come_reason is null or length(cannot_come_reason) <= 500),
  remind_at timestamptz,
  reminded_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (meeting_id, aad_object_id)
);
create index meeting_attendance_remind_due on meeting_attendance (remind_at) where remind_at is not null;

create table meeting_agenda_items (
  id bigserial primary key,
  meeting_id bigint not null references meetings(id) on delete cascade,
  tenant_id text not null,
  author_aad text not null,
  author_name text not null default '',
  text text not null check (length(text) between 1 and 500),
  created_at timestamptz not null default now()
);
create index meeting_agenda_items_meeting on meeting_agenda_items (meeting_id, id);
