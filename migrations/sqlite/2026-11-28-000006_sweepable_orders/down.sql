DROP INDEX work_orders_sweepable;
