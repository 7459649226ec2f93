DROP INDEX work_orders_status_queue;
