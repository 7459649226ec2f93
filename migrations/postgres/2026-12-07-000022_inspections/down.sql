-- Undoes 2026-12-07-000022_inspections; cases escalated from inspections go with it.
DROP INDEX accountability_cases_one_per_finding;
ALTER TABLE accountability_cases DROP COLUMN inspection_finding_id;
DROP TABLE inspection_findings;
DROP TABLE inspections;
DROP TABLE service_points;
DELETE FROM accountability_cases WHERE source = 'inspection';
ALTER TABLE accountability_cases DROP CONSTRAINT accountability_cases_source_check;
ALTER TABLE accountability_cases ADD CONSTRAINT accountability_cases_source_check
    CHECK (source IN ('sla_breach', 'complaint', 'manual'));
