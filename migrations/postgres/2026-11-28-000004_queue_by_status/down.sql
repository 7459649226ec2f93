CREATE INDEX work_orders_due ON work_orders (status, due_at);
DROP INDEX work_orders_status_queue;
