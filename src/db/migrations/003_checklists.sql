-- Checklists in channels: one shared card per checklist, state here, the card a view of it.
create table checklists (
  id bigserial primary key,
  tenant_id text not null references tenants(id),
  template_key text not null,
  title text not null check (length(title) between 1 and 120),
  school_id bigint references schools(id) on delete set null,
  target_date date,
  -- Language of the shared card: the tenant's when the checklist started.
  language text not null check (language in ('nl', 'en')),
  conversation_id text not null,
  service_url text not null,
  team_id text,
  -- The posted channel message; null until the outbox has sent it.
  card_activity_id text,
  created_by text not null,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  -- Bumped by every change; the card shows the state of the latest version.
  version int not null default 0
);
create index checklists_running on checklists (tenant_id, conversation_id) where completed_at is null;

-- Steps carry a snapshot of their text, so a running checklist does not change under its team.
create table checklist_steps (
  checklist_id bigint not null references checklists(id) on delete cascade,
  position int not null,
  step_key text not null,
  title_nl text not null,
  title_en text not null,
  guidance_nl text not null default '',
  guidance_en text not null default '',
  link text,
  status text not null default 'open' check (status in ('open', 'bezig', 'klaar', 'nvt')),
  owner_aad text,
  owner_name text,
  due_date date,
  note text not null default '',
  evidence_url text not null default '',
  updated_by text,
  updated_at timestamptz,
  primary key (checklist_id, position)
);

-- The evidence log: every change, who, when, old → new.
create table checklist_events (
  id bigserial primary key,
  checklist_id bigint not null references checklists(id) on delete cascade,
  position int,
  actor_aad text not null,
  actor_name text not null default '',
  field text not null,
  old_value text,
  new_value text,
  at timestamptz not null default clock_timestamp()
);
create index checklist_events_checklist on checklist_events (checklist_id, id);
