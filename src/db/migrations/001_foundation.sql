-- Tenants (one Entra tenant = one school board, usually) and their settings.
create table tenants (
  id text primary key,
  language text not null default 'nl' check (language in ('nl', 'en')),
  created_at timestamptz not null default now()
);

-- People are keyed by tenant + Entra object id. teams_user_id is the 29:… id the connector uses.
create table people (
  tenant_id text not null references tenants(id),
  aad_object_id text not null,
  teams_user_id text,
  name text not null default '',
  email text,
  job_title text,
  locale text,
  -- An explicit language choice that wins over the Teams client locale (null: follow Teams).
  language text check (language in ('nl', 'en')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, aad_object_id)
);

create table schools (
  id bigserial primary key,
  tenant_id text not null references tenants(id),
  name text not null check (length(name) between 1 and 120),
  created_at timestamptz not null default now()
);
create unique index schools_tenant_name on schools (tenant_id, lower(name));

-- A role held by a person, for the whole tenant (school_id null) or for one school.
create table role_assignments (
  id bigserial primary key,
  tenant_id text not null,
  aad_object_id text not null,
  role text not null check (role in ('beheerder', 'bestuurder', 'directeur', 'kwaliteitsmedewerker', 'medewerker', 'rvt')),
  school_id bigint references schools(id) on delete cascade,
  granted_by text,
  granted_at timestamptz not null default now(),
  foreign key (tenant_id, aad_object_id) references people(tenant_id, aad_object_id),
  unique nulls not distinct (tenant_id, aad_object_id, role, school_id)
);

-- Where Cadans can reach someone or some place proactively. scope: personal (key = aad object id),
-- channel (key = channel conversation id), team (key = team id), groupChat (key = conversation id).
create table conversation_refs (
  tenant_id text not null references tenants(id),
  scope text not null check (scope in ('personal', 'channel', 'team', 'groupChat')),
  key text not null,
  conversation_id text not null,
  service_url text not null,
  team_id text,
  -- The Entra group of a team (scope 'team'): Teams sends it on install events only.
  aad_group_id text,
  name text,
  reference jsonb not null,
  active boolean not null default true,
  welcomed_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, scope, key)
);

-- Who did what, for the evidence log of every feature.
create table audit_events (
  id bigserial primary key,
  tenant_id text not null,
  actor_aad_object_id text,
  action text not null,
  subject text,
  detail jsonb not null default '{}'::jsonb,
  at timestamptz not null default now()
);
create index audit_events_tenant_at on audit_events (tenant_id, at);
