-- INSP-1..4: service supervision (服务监督检查管理制度).

-- INSP-1: the service points that are inspected (business halls, service areas, departments).
CREATE TABLE service_points (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('business_hall', 'service_area', 'department')),
    name TEXT NOT NULL UNIQUE,
    service_area_id TEXT REFERENCES service_areas (id),
    department_id TEXT REFERENCES departments (id),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- INSP-1: a supervisor's visit to a point on a day.
CREATE TABLE inspections (
    id TEXT PRIMARY KEY,
    service_point_id TEXT NOT NULL REFERENCES service_points (id),
    inspected_on DATE NOT NULL,
    supervisor TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- INSP-4: which points were inspected in a month.
CREATE INDEX inspections_month ON inspections (inspected_on, service_point_id);
CREATE INDEX inspections_point ON inspections (service_point_id, id);

-- INSP-1..3: what an inspection found, its rectification and its escalation.
CREATE TABLE inspection_findings (
    id TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    service_point_id TEXT NOT NULL REFERENCES service_points (id),
    scope TEXT NOT NULL CHECK (scope IN
        ('policy_compliance', 'daily_work', 'on_site_service', 'staff_training', 'branch_management')),
    severity TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'serious')),
    description TEXT NOT NULL,
    responsible_employee_id TEXT NOT NULL REFERENCES employees (id),
    found_on DATE NOT NULL,
    due_at TIMESTAMP NOT NULL,
    due_provisional BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'rectified', 'verified', 'reopened')),
    rectification_note TEXT,
    rectified_at TIMESTAMP,
    rectified_by TEXT,
    review_note TEXT,
    reviewed_by TEXT,
    reviewed_at TIMESTAMP,
    reminders BIGINT NOT NULL CHECK (reminders >= 0),
    last_reminded_at TIMESTAMP,
    accountability_case_id TEXT REFERENCES accountability_cases (id),
    escalated_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX inspection_findings_inspection ON inspection_findings (inspection_id, id);
-- INSP-2: the overdue list.
CREATE INDEX inspection_findings_due ON inspection_findings (status, due_at);
CREATE INDEX inspection_findings_responsible ON inspection_findings (responsible_employee_id, id);
-- INSP-4: findings of a month's inspections.
CREATE INDEX inspection_findings_found ON inspection_findings (found_on);

-- INSP-3: an accountability case may come from an inspection finding (the same schema as the
-- SQLite migration, which rebuilds the table to change the CHECK).
ALTER TABLE accountability_cases DROP CONSTRAINT accountability_cases_source_check;
ALTER TABLE accountability_cases ADD CONSTRAINT accountability_cases_source_check
    CHECK (source IN ('sla_breach', 'complaint', 'manual', 'inspection'));
ALTER TABLE accountability_cases
    ADD COLUMN inspection_finding_id TEXT REFERENCES inspection_findings (id);
CREATE UNIQUE INDEX accountability_cases_one_per_finding ON accountability_cases (inspection_finding_id);
