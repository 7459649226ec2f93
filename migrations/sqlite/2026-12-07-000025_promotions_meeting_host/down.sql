DROP TABLE meeting_host_duties;
DROP TABLE meeting_host_days;
DROP TABLE promotions;
CREATE TABLE approval_steps_new (
    subject_type TEXT NOT NULL
        CHECK (subject_type IN ('leave_request', 'attendance_exception', 'make_up_punch', 'regularization_application')),
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
INSERT INTO approval_steps_new SELECT subject_type, subject_id, position, step, approver_id, decision, decided_by, decided_at, comment FROM approval_steps WHERE subject_type <> 'promotion';
DROP TABLE approval_steps;
ALTER TABLE approval_steps_new RENAME TO approval_steps;
CREATE INDEX approval_steps_open ON approval_steps (step, approver_id) WHERE decision IS NULL;
