-- The shared limiter's read (src/outbox/store.ts, claimHead) in constant time whatever the backlog:
-- a tenant's real requests of the last second, and the end of its queue of reservations. Through
-- outbox_send_log_key_at both grew with the log (issue 9, docs/benchmarks.md "Surveys"): real
-- requests were found among the reservations still ahead (a large fan-out's queue), and the last
-- reservation among every request of the last hour when the queue was empty. Only adds;
-- outbox_send_log_key_at is no longer read by this release and can go in the next one.
create index outbox_send_log_requests on outbox_send_log (key, at) where not reserved;
create index outbox_send_log_queue on outbox_send_log (key, at) where reserved;
