-- A tenant's backlog of messages still to send, counted (up to a cap) in time that does not grow with
-- other tenants' backlogs: a survey's fan-out pauses while its tenant's backlog is more than about 30
-- seconds of sending (src/surveys/feature.ts, docs/surveys.md "Fan-out pacing").
create index outbox_messages_tenant_pending on outbox_messages (tenant_id)
  where status in ('queued', 'sending', 'retrying');
