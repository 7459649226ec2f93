-- Queue keys compare byte by byte, as zhidu_domain::sla::queue_key and the page cursors assume;
-- under a linguistic collation (en_US.UTF-8) the '~' of orders without a deadline is ignored
-- at the first level and they would sort among the others. Byte comparison is also cheaper.
ALTER TABLE work_orders ALTER COLUMN queue_key TYPE TEXT COLLATE "C";
-- SLA-4: the desk's everyday queue views, each read in queue order straight off an index (no
-- sort, no rows stepped over). Through (status, queue_key) a kind filter stepped over every
-- order of other kinds ahead of it: 5,000 urgent restorations before the first installation
-- took 33 ms on PostgreSQL and blocked a SQLite worker for 12 ms. The urgent filter needs no
-- index of its own: urgency is the first character of queue_key, so it is a key range. Nor do
-- open breached orders: they are the earliest due, first in the status queue.
CREATE INDEX work_orders_status_kind_queue ON work_orders (status, kind, queue_key);
-- An agent's own queue.
CREATE INDEX work_orders_assignee_queue ON work_orders (assignee_id, status, queue_key);
DROP INDEX work_orders_assignee;
-- SLA-5: the breach sweep walks the status queue up to the key of an order due now, so the
-- breached flag needs no index of its own and marking an order rewrites no index entry.
DROP INDEX work_orders_sweepable;
-- Room in each page for the new version of a row the sweep marks (a HOT update).
ALTER TABLE work_orders SET (fillfactor = 90);
