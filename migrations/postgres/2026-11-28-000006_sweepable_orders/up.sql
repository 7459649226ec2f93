-- SLA-5: the breach sweep reads open orders not yet breached, oldest deadline first. Through
-- the queue index every batch stepped over the orders earlier batches had just breached (they
-- stay open), so a sweep of n orders read O(n²) rows; this index leads straight to the next.
CREATE INDEX work_orders_sweepable ON work_orders (status, breached, due_at);
