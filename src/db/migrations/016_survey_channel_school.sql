-- The school a survey's results channel belongs to (docs/surveys.md, "Who sees what"): set when a
-- board-wide survey is sent from the channel of a team whose members with a school all belong to one
-- school. The result card posted there then shows only that school's part. No foreign key: a school
-- removed later leaves the post with nothing to show rather than widening it to everything.
alter table surveys add column results_school_id bigint;
