-- Fast approximate clocks for open orders that have none (used once for the 1M measurement when the
-- product's recompute ran at ~80 orders/s on the overloaded machine): resolution 3 days, first response 8 h.
-- psql "$DATABASE_URL" -f bench/datagen/approx_clocks.sql   (then bench/generate.py's mark_alerted step is included)
BEGIN;
INSERT INTO sla_slaclock (ticket_id, kind, label, derived, target_amount, target_unit, warning_share, started_at,
  stopped_at, due_at, warn_at, paused_seconds, paused_now, provisional, alerted)
SELECT t.id, 'resolution', '解决', true, 3, 'working_days', 0.8, t.created_at, NULL,
  t.created_at + interval '3 days' + (t.id % 17) * interval '7 minutes',
  t.created_at + interval '2 days 10 hours', 0, t.status = 'waiting', false, ''
FROM tickets_ticket t
WHERE t.status IN ('new', 'open', 'waiting') AND NOT EXISTS (SELECT 1 FROM sla_slaclock c WHERE c.ticket_id = t.id);
INSERT INTO sla_slaclock (ticket_id, kind, label, derived, target_amount, target_unit, warning_share, started_at,
  stopped_at, due_at, warn_at, paused_seconds, paused_now, provisional, alerted)
SELECT t.id, 'first_response', '首次响应', true, 8, 'business_hours', 0.8, t.created_at, NULL,
  t.created_at + interval '8 hours' + (t.id % 13) * interval '3 minutes', t.created_at + interval '6 hours 24 minutes', 0, false, false, ''
FROM tickets_ticket t
WHERE t.status = 'new' AND NOT EXISTS (SELECT 1 FROM sla_slaclock c WHERE c.ticket_id = t.id AND c.kind = 'first_response');
UPDATE tickets_ticket t SET due_at = m.due, due_warning_at = m.warn
FROM (SELECT ticket_id, min(due_at) AS due, min(warn_at) AS warn FROM sla_slaclock
      WHERE stopped_at IS NULL GROUP BY ticket_id) m
WHERE m.ticket_id = t.id AND t.status IN ('new', 'open', 'waiting') AND t.due_at IS NULL;
UPDATE sla_slaclock SET alerted = 'breached' WHERE stopped_at IS NULL AND due_at <= now() AND alerted <> 'breached';
UPDATE sla_slaclock SET alerted = 'warning' WHERE stopped_at IS NULL AND warn_at <= now() AND due_at > now() AND alerted = '';
COMMIT;
SELECT setval(pg_get_serial_sequence('sla_slaclock', 'id'), (SELECT max(id) FROM sla_slaclock));
