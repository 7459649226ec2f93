-- DISC: the offense catalog (each offense's ladder as JSON, editable by admin), the records of
-- offenses with the penalty decided for them, and the HR cases a dismissal step opens.
-- The catalog is seeded at start-up from the RULES.md defaults for every code not yet stored,
-- so the one copy of the defaults lives in zhidu_domain::discipline.
CREATE TABLE discipline_offenses (
    code TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A record keeps the offense definition in force when it was made, so a later edit of the
-- catalog never changes it; the penalty is recomputed at confirmation from that copy.
CREATE TABLE discipline_records (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    offense_code TEXT NOT NULL REFERENCES discipline_offenses (code),
    offense_version BIGINT NOT NULL,
    offense_definition TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    details TEXT NOT NULL,
    unit_count INTEGER NOT NULL CHECK (unit_count >= 1),
    flags TEXT NOT NULL,
    occurrence INTEGER NOT NULL CHECK (occurrence >= 1),
    penalty TEXT NOT NULL,
    fine_fen BIGINT NOT NULL CHECK (fine_fen >= 0),
    status TEXT NOT NULL
        CHECK (status IN ('pending_statement', 'awaiting_confirmation', 'confirmed', 'withdrawn')),
    statement TEXT,
    statement_note TEXT,
    statement_at TIMESTAMP,
    statement_by TEXT,
    confirmed_by TEXT,
    confirmed_at TIMESTAMP,
    recorded_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Counting prior confirmed occurrences of an offense within a window.
CREATE INDEX discipline_records_occurrences
    ON discipline_records (employee_id, offense_code, status, occurred_at);
-- Payroll: confirmed fines by confirmation time.
CREATE INDEX discipline_records_confirmed ON discipline_records (status, confirmed_at);

CREATE TABLE hr_cases (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    kind TEXT NOT NULL CHECK (kind IN ('dismissal')),
    source_type TEXT NOT NULL,
    source_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    note TEXT NOT NULL,
    closing_note TEXT,
    closed_by TEXT,
    closed_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX hr_cases_status ON hr_cases (status, id);
CREATE UNIQUE INDEX hr_cases_source ON hr_cases (source_type, source_id, kind);
