DROP INDEX work_orders_breached_queue;
CREATE INDEX work_orders_assignee ON work_orders (assignee_id);
DROP INDEX work_orders_assignee_queue;
DROP INDEX work_orders_kind_queue;
DROP INDEX work_orders_status_kind_queue;
