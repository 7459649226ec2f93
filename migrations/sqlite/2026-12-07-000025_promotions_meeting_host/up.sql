-- Issue 17: EMP-6 promotions and the DISC meeting-host ladder.

-- EMP-6: promotions are decided on the shared approval chain (SQLite cannot alter a CHECK, so
-- the table is rebuilt).
CREATE TABLE approval_steps_new (
    subject_type TEXT NOT NULL
        CHECK (subject_type IN ('leave_request', 'attendance_exception', 'make_up_punch', 'regularization_application', 'promotion')),
    subject_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    step TEXT NOT NULL CHECK (step IN ('supervisor', 'department_head', 'hr', 'general_manager')),
    approver_id TEXT REFERENCES employees (id),
    decision TEXT CHECK (decision IN ('approved', 'rejected')),
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    comment TEXT,
    PRIMARY KEY (subject_type, subject_id, position)
);
INSERT INTO approval_steps_new SELECT subject_type, subject_id, position, step, approver_id, decision, decided_by, decided_at, comment FROM approval_steps;
DROP TABLE approval_steps;
ALTER TABLE approval_steps_new RENAME TO approval_steps;
CREATE INDEX approval_steps_open ON approval_steps (step, approver_id) WHERE decision IS NULL;

-- EMP-6: a promotion, decided on approval_steps (department head, HR, general manager). The
-- employee row keeps the terms before any promotion; the terms in force on a day are those of
-- the latest approved promotion in force by then (from its effective date, or its approval day
-- when that came later; an approved promotion is final, so its updated_at is the approval).
CREATE TABLE promotions (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    from_rank TEXT NOT NULL CHECK (from_rank IN ('staff', 'manager', 'general_manager')),
    to_rank TEXT NOT NULL CHECK (to_rank IN ('staff', 'manager', 'general_manager')),
    from_base_salary_fen BIGINT NOT NULL CHECK (from_base_salary_fen >= 0),
    to_base_salary_fen BIGINT NOT NULL CHECK (to_base_salary_fen >= 0),
    effective_on DATE NOT NULL,
    reason TEXT NOT NULL,
    proposed_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX promotions_employee ON promotions (employee_id, status);

-- DISC meeting host (每日开会负责人): the host set for a working day.
CREATE TABLE meeting_host_days (
    day DATE PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    set_by TEXT NOT NULL REFERENCES users (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- DISC meeting host: a working day someone owes from a confirmed discipline record (a forgotten
-- call, a late report); it comes before the day's set host. One owed host per day: later owed
-- days queue after the days already owed.
CREATE TABLE meeting_host_duties (
    day DATE PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    discipline_record_id TEXT NOT NULL REFERENCES discipline_records (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meeting_host_duties_record ON meeting_host_duties (discipline_record_id);
