-- EMP-7: each department's monthly targets and assessment standard, one filing per month,
-- acknowledged by the general manager. `standard_changed` marks a filing whose standard differs
-- from the department's previous one (counted per quarter); `due_on` and `late` are decided on
-- the business calendar when filed.
CREATE TABLE monthly_targets (
    id TEXT PRIMARY KEY,
    department_id TEXT NOT NULL REFERENCES departments (id),
    month DATE NOT NULL,
    targets TEXT NOT NULL,
    assessment_standard TEXT NOT NULL,
    standard_changed BOOLEAN NOT NULL,
    due_on DATE NOT NULL,
    late BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('filed', 'acknowledged')),
    filed_by TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (department_id, month)
);
CREATE INDEX monthly_targets_by_month ON monthly_targets (month, department_id);

-- EMP-8: work-injury reports and their steps (office investigation, HR review, general
-- manager informed), each recorded with who and when.
CREATE TABLE injury_reports (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    department_id TEXT NOT NULL REFERENCES departments (id),
    occurred_at TIMESTAMP NOT NULL,
    description TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    late BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('reported', 'investigated', 'reviewed', 'informed')),
    reported_by TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL,
    investigation TEXT,
    investigated_by TEXT,
    investigated_at TIMESTAMP,
    review TEXT,
    reviewed_by TEXT,
    reviewed_at TIMESTAMP,
    informed_by TEXT,
    informed_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX injury_reports_late ON injury_reports (late, id);
