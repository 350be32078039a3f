-- The inspection visit as it really runs (issue 8): the investigation's type and end, and the
-- documents a step asks for (step 3), each ticked and linked on its own. Checklists from before
-- keep working: the new columns are null or empty for them.
alter table checklists
  add column investigation_type text check (investigation_type in ('bestuur', 'herstel', 'ontwikkelpunten', 'goed')),
  add column end_date date;

-- [{ "key", "title": { "nl", "en" }, "done", "evidenceUrl" }], in the template's order.
alter table checklist_steps
  add column items jsonb not null default '[]'::jsonb check (jsonb_typeof(items) = 'array');
