-- Improvement actions (verbeteracties, the Act of PDCA): what, who, by when, where it came from (a
-- survey's question and its standard, a meeting, or typed in), and when done how it went. Owned by
-- src/actions/store.ts. Only adds.
create table improvement_actions (
  id bigserial primary key,
  -- The opaque id cards carry; `id` stays inside Cadans.
  public_id uuid not null default gen_random_uuid() unique,
  tenant_id text not null references tenants(id),
  -- The school it is about (a survey's school, a directeur's own); null: the board.
  school_id bigint references schools(id) on delete set null,
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 1000),
  owner_aad text not null,
  owner_name text not null default '',
  due_date date not null,
  -- {"kind":"survey","surveyId":12,"questionId":"q3","questionText":"…","surveyTitle":"…","standard":"BKA2"},
  -- {"kind":"meeting",…} or {"kind":"manual"}.
  source jsonb not null default '{"kind":"manual"}'::jsonb,
  -- The inspection framework's standard it serves (from the survey question), for lists by standard.
  standard text,
  status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  -- When done: {"worked":"yes"|"partly"|"no","keep":"…"}.
  evaluation jsonb,
  -- Where it was made: the 1:1 cards to its owner go through this connector and bot.
  service_url text not null,
  conversation_id text not null,
  created_by text not null,
  created_by_name text not null default '',
  created_at timestamptz not null default now(),
  done_at timestamptz,
  done_by text,
  -- The days the owner was last reminded (Europe/Amsterdam dates): once per due date before it, once a day after.
  reminded_due_soon_on date,
  reminded_overdue_on date,
  -- Bumped by every change.
  version int not null default 0,
  check ((status = 'done') = (evaluation is not null))
);
-- Open actions of a tenant by due date (lists, meeting prep, reminders), and per school.
create index improvement_actions_open on improvement_actions (tenant_id, due_date) where status = 'open';
create index improvement_actions_open_school on improvement_actions (tenant_id, school_id, due_date) where status = 'open';
-- The reminder job reads every tenant's open actions due by a date.
create index improvement_actions_due on improvement_actions (due_date) where status = 'open';
-- "My actions": what someone owns.
create index improvement_actions_owner on improvement_actions (tenant_id, owner_aad) where status = 'open';
