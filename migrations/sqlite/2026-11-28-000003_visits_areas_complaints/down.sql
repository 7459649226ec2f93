DROP TABLE complaint_dispatches;
DROP TABLE complaints;
DROP INDEX customers_service_area;
ALTER TABLE customers DROP COLUMN service_area_id;
DROP TABLE service_areas;
DROP TABLE return_visits;
ALTER TABLE work_orders DROP COLUMN first_answered_at;
ALTER TABLE work_orders DROP COLUMN follow_up_of;
