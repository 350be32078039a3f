-- A tenant's own survey templates (YAML or JSON from a kwaliteitsmedewerker or beheerder), offered
-- next to the built-in ones. definition: the validated template; source: the text as sent.
create table survey_templates (
  id bigserial primary key,
  tenant_id text not null references tenants(id),
  definition jsonb not null,
  source text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  archived_at timestamptz
);
create index survey_templates_tenant on survey_templates (tenant_id) where archived_at is null;
