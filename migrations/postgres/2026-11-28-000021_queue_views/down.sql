ALTER TABLE work_orders RESET (fillfactor);
CREATE INDEX work_orders_sweepable ON work_orders (status, breached, due_at);
CREATE INDEX work_orders_assignee ON work_orders (assignee_id);
DROP INDEX work_orders_assignee_queue;
DROP INDEX work_orders_status_kind_queue;
ALTER TABLE work_orders ALTER COLUMN queue_key TYPE TEXT COLLATE "default";
