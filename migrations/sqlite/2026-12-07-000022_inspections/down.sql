-- Undoes 2026-12-07-000022_inspections; cases escalated from inspections go with it.
UPDATE inspection_findings SET accountability_case_id = NULL;
CREATE TABLE accountability_cases_old (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('sla_breach', 'complaint', 'manual')),
    work_order_id TEXT REFERENCES work_orders (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    status TEXT NOT NULL CHECK (status IN ('candidate', 'open', 'decided', 'dismissed')),
    summary TEXT NOT NULL,
    statement TEXT,
    statement_recorded_at TIMESTAMP,
    assessed_severity TEXT CHECK (assessed_severity IN ('light', 'heavy', 'severe')),
    aggravating TEXT NOT NULL,
    mitigating TEXT NOT NULL,
    decided_severity TEXT CHECK (decided_severity IN ('light', 'heavy', 'severe')),
    decided_by TEXT,
    decided_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO accountability_cases_old (id, source, work_order_id, employee_id, status, summary, statement, statement_recorded_at, assessed_severity, aggravating, mitigating, decided_severity, decided_by, decided_at, version, created_at, updated_at)
    SELECT id, source, work_order_id, employee_id, status, summary, statement, statement_recorded_at, assessed_severity, aggravating, mitigating, decided_severity, decided_by, decided_at, version, created_at, updated_at FROM accountability_cases WHERE source <> 'inspection';
DROP TABLE accountability_cases;
ALTER TABLE accountability_cases_old RENAME TO accountability_cases;
CREATE UNIQUE INDEX accountability_cases_one_per_breach ON accountability_cases (work_order_id, source);
DROP TABLE inspection_findings;
DROP TABLE inspections;
DROP TABLE service_points;
