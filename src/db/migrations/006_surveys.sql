-- Pulse surveys (docs/surveys.md). Who was sent and who answered lives in survey_deliveries; anonymous
-- answers live apart, with no person, conversation or activity id, random row ids and only the day:
-- first sealed (survey_sealed: encrypted with a key kept outside the database) until the survey
-- closes, then opened and written in random order in one transaction (survey_responses,
-- survey_answers). Non-anonymous answers are kept on the delivery (they can be changed until the
-- deadline).
create table surveys (
  id bigserial primary key,
  public_id uuid not null default gen_random_uuid() unique,
  tenant_id text not null references tenants(id),
  kind text not null check (kind in ('pulse', 'selfEvaluation')),
  template_key text,
  title text not null check (length(title) between 1 and 120),
  -- The author's language: the questions are written in it.
  language text not null check (language in ('nl', 'en')),
  questions jsonb not null,
  anonymous boolean not null default true,
  min_group_size int not null default 5 check (min_group_size between 3 and 25),
  by_perspective boolean not null default false,
  -- Who it goes to, as chosen (team, roles, schools, group, list); the people are the deliveries.
  audience jsonb not null default '{}',
  -- The school a directeur's survey belongs to (their own school); null: the board.
  school_id bigint references schools(id) on delete set null,
  status text not null default 'draft' check (status in ('draft', 'scheduled', 'open', 'closed', 'cancelled')),
  opens_at timestamptz,
  deadline timestamptz,
  -- Reminder moments: days before the deadline (e.g. [3, 1]).
  reminder_days jsonb not null default '[]',
  -- How many of the reminder moments have been sent (or skipped), in order.
  reminders_done int not null default 0,
  -- Where the results go: a channel (conversation id, service URL, team).
  results_conversation_id text,
  results_service_url text,
  results_team_id text,
  results_activity_id text,
  -- The author's live delivery card (their 1:1 chat).
  author_conversation_id text,
  author_service_url text,
  author_card_activity_id text,
  -- Recurring rounds share a series; round 1, 2, … in order. repeat: how the next round is planned
  -- ({"everyWeeks": n} or {"dates": ["yyyy-mm-dd", …]}), null: once.
  repeat jsonb,
  series_id uuid,
  round int not null default 1,
  created_by text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  closed_at timestamptz,
  version int not null default 0
);
create index surveys_tenant on surveys (tenant_id, status, created_at desc);
create unique index surveys_series on surveys (series_id, round) where series_id is not null;

create table survey_deliveries (
  id bigserial primary key,
  survey_id bigint not null references surveys(id) on delete cascade,
  tenant_id text not null,
  aad_object_id text not null,
  -- Segments for results (only stored with an anonymous answer when the segment is large enough).
  school_id bigint,
  perspective text,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  fail_reason text,
  conversation_id text,
  card_activity_id text,
  -- Set in the transaction that accepts the answer; a second answer to an anonymous survey is refused.
  answered_at timestamptz,
  reminders_sent int not null default 0,
  -- Non-anonymous surveys only (a check below): the answers, changeable until the deadline.
  answers jsonb,
  unique (survey_id, aad_object_id),
  check (answers is null or answered_at is not null)
);
create index survey_deliveries_open on survey_deliveries (survey_id) where answered_at is null;

-- Anonymous answers until the survey closes: AES-256-GCM, padded to one size per survey. No person,
-- no time, a random id.
create table survey_sealed (
  id uuid primary key default gen_random_uuid(),
  survey_id bigint not null references surveys(id) on delete cascade,
  sealed bytea not null
);
create index survey_sealed_survey on survey_sealed (survey_id);

-- One row per anonymous response (for response counts per segment), written at close in random order.
create table survey_responses (
  id uuid primary key default gen_random_uuid(),
  survey_id bigint not null references surveys(id) on delete cascade,
  answered_on date not null,
  school_id bigint,
  perspective text
);
create index survey_responses_survey on survey_responses (survey_id);

-- One row per answer value (a choice with several options: one row per option), not linked to a
-- response or a person. value: likert 1–5, yes 1 / no 0, 0–10, a choice's option index 0–9; text: open.
create table survey_answers (
  id uuid primary key default gen_random_uuid(),
  survey_id bigint not null references surveys(id) on delete cascade,
  question_id text not null,
  value smallint,
  text text,
  school_id bigint,
  perspective text,
  check ((value is null) <> (text is null))
);
create index survey_answers_survey on survey_answers (survey_id, question_id, value);
