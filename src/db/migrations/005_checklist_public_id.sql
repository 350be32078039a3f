-- Cards carry an opaque id for a checklist (action data v2) instead of its sequential number, so
-- one checklist's id says nothing about the others. Existing rows get one each (a volatile default
-- is evaluated per row); the old numeric ids of cards already posted keep working behind the
-- access check. Only adds: instances of the previous release insert without it and get the default.
alter table checklists add column public_id uuid not null default gen_random_uuid();
-- The idempotency key of the post that shows the checklist in its channel: null for the first post
-- (checklist:<id>:card); a repost by an editor gets a key of its own.
alter table checklists add column card_post_key text;
create unique index checklists_public_id on checklists (public_id);
