DROP TABLE service_area_changes;
DROP TABLE area_month_figures;
ALTER TABLE service_areas DROP COLUMN boundary;
