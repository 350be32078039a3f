-- Privacy (issue 11, docs/privacy.md): a tenant's scheduled deletion. When the last installation of
-- Cadans in a tenant (a team, a group chat, someone's personal scope) is removed, its data is due for
-- deletion after TENANT_DELETION_GRACE_DAYS; installing again, or any activity from the tenant,
-- cancels it. Its own table (owned by src/privacy/tenant-store.ts), not a column of tenants (the
-- people feature's): it goes with the tenant's row.
create table tenant_deletions (
  tenant_id text primary key references tenants(id) on delete cascade,
  due_at timestamptz not null,
  scheduled_at timestamptz not null default now()
);
create index tenant_deletions_due on tenant_deletions (due_at);
