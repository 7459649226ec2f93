-- SLA-4, SLA-5: the desk's everyday queue views, each read in queue order straight off an index
-- (no sort, no rows stepped over). Through (status, queue_key) a kind filter stepped over every
-- order of other kinds ahead of it: 5,000 urgent restorations before the first installation
-- took 33 ms on PostgreSQL and blocked a SQLite worker for 12 ms. The urgent filter needs no
-- index of its own: urgency is the first character of queue_key, so it is a key range.
CREATE INDEX work_orders_status_kind_queue ON work_orders (status, kind, queue_key);
CREATE INDEX work_orders_kind_queue ON work_orders (kind, queue_key);
-- An agent's own queue, and the breached list the managers work from.
CREATE INDEX work_orders_assignee_queue ON work_orders (assignee_id, status, queue_key);
DROP INDEX work_orders_assignee;
CREATE INDEX work_orders_breached_queue ON work_orders (breached, queue_key);
