-- The queue filtered by status, in queue order, without sorting: the desk's everyday view.
CREATE INDEX work_orders_status_queue ON work_orders (status, queue_key);
