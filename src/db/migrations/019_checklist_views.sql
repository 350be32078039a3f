-- What each person has open on a checklist's shared channel card (issue 8): the step whose form
-- they opened with Details, and what they typed there when a save was refused. When someone else's
-- change updates the shared message, Teams asks again (the card's refresh) for everyone in its
-- refresh list; a person with a form open is put first in that list and gets the form back instead
-- of the overview. One row per person and checklist; gone with the checklist.
create table checklist_views (
  checklist_id bigint not null references checklists (id) on delete cascade,
  aad_object_id text not null,
  position int not null check (position between 1 and 100),
  -- The inputs of a refused save, as the card sent them (null: nothing waiting).
  draft jsonb,
  updated_at timestamptz not null default now(),
  primary key (checklist_id, aad_object_id)
);
