-- The queue filtered by status, in queue order, without sorting: the desk's everyday view.
-- It serves the breach sweep too, so the (status, due_at) index goes: with both, SQLite's
-- planner chose the due-time index for "due within" and sorted every open order.
CREATE INDEX work_orders_status_queue ON work_orders (status, queue_key);
DROP INDEX work_orders_due;
