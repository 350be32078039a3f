-- The school year of a school (issue 10): its holiday region and sector, the tenant's default region
-- for board-level tables, and a school's own vakantierooster that replaces the regional dates.
-- Only adds (rolling deploys): all new columns are nullable; null means "not known", and the
-- schedule then skips weekends and public holidays only.
alter table schools add column region text check (region in ('noord', 'midden', 'zuid'));
alter table schools add column sector text check (sector in ('po', 'vo', 'so', 'mbo'));
alter table tenants add column default_region text check (default_region in ('noord', 'midden', 'zuid'));

-- One own rooster per school: periods [{name, first, last}] (first and last day inclusive, 'YYYY-MM-DD').
create table school_holiday_rosters (
  tenant_id text not null references tenants(id),
  school_id bigint not null unique references schools(id) on delete cascade,
  periods jsonb not null check (jsonb_typeof(periods) = 'array'),
  source text not null check (source in ('card', 'ics', 'csv')),
  updated_by text not null,
  updated_at timestamptz not null default now()
);
create index school_holiday_rosters_tenant on school_holiday_rosters (tenant_id);
