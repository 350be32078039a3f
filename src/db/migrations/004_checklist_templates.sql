-- A tenant's own checklist templates (YAML or JSON sent by a kwaliteitsmedewerker), offered next to
-- the built-in ones. definition: the validated template; source: the text as sent.
create table checklist_templates (
  id bigserial primary key,
  tenant_id text not null references tenants(id),
  definition jsonb not null,
  source text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  archived_at timestamptz
);
create index checklist_templates_tenant on checklist_templates (tenant_id) where archived_at is null;
