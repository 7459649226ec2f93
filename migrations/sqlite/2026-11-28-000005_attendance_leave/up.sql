-- HR (issue #4): one people model for the service desk and HR. Facts that rows created before
-- this migration cannot know stay NULL until HR records them; the service refuses to evaluate
-- attendance or leave for an employee whose record lacks them, naming the missing field.

-- CAL-3: each department's shift, lunch and rest windows (local times).
ALTER TABLE departments ADD COLUMN shift_start TIME NOT NULL DEFAULT '09:00:00';
ALTER TABLE departments ADD COLUMN shift_end TIME NOT NULL DEFAULT '17:30:00';
ALTER TABLE departments ADD COLUMN lunch_start TIME NOT NULL DEFAULT '12:00:00';
ALTER TABLE departments ADD COLUMN lunch_end TIME NOT NULL DEFAULT '12:30:00';
ALTER TABLE departments ADD COLUMN rest_start TIME NOT NULL DEFAULT '12:30:00';
ALTER TABLE departments ADD COLUMN rest_end TIME NOT NULL DEFAULT '13:30:00';

ALTER TABLE employees ADD COLUMN gender TEXT CHECK (gender IN ('male', 'female'));
ALTER TABLE employees ADD COLUMN birth_date DATE;
ALTER TABLE employees ADD COLUMN hired_on DATE;
ALTER TABLE employees ADD COLUMN probation_end DATE;
ALTER TABLE employees ADD COLUMN left_on DATE;
ALTER TABLE employees ADD COLUMN base_salary_fen BIGINT NOT NULL DEFAULT 0;
-- CAL-3: the roster's weekly rest day.
ALTER TABLE employees ADD COLUMN rest_day TEXT NOT NULL DEFAULT 'sunday'
    CHECK (rest_day IN ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'));

-- Clock punches (UTC, whole seconds). The same employee and second twice is the same punch, so
-- a device that resends a batch changes nothing.
CREATE TABLE attendance_punches (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    punched_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('device', 'manual', 'make_up')),
    device_id TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (employee_id, punched_at)
);
-- The HR summary reads a month of every employee's punches.
CREATE INDEX attendance_punches_time ON attendance_punches (punched_at);

-- ATT-5: a missing punch supplied with the supervisor's signature.
CREATE TABLE make_up_punch_requests (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    punched_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX make_up_punch_requests_employee ON make_up_punch_requests (employee_id);

-- ATT-4: an exception form excusing one day's lateness.
CREATE TABLE attendance_exceptions (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    occurred_on DATE NOT NULL,
    cause TEXT NOT NULL CHECK (cause IN ('road_works', 'traffic_accident')),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX attendance_exceptions_employee ON attendance_exceptions (employee_id, occurred_on);

-- LEAVE-1..8. `assessment` keeps the rules' verdict at filing (duration, chain, consequences,
-- reasons) so a later change of policy or calendar never rewrites a past decision (CAL-2).
CREATE TABLE leave_requests (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    leave_type TEXT NOT NULL
        CHECK (leave_type IN ('personal', 'sick', 'marriage', 'maternity', 'paternity', 'bereavement')),
    first_day DATE NOT NULL,
    first_half TEXT NOT NULL CHECK (first_half IN ('am', 'pm')),
    last_day DATE NOT NULL,
    last_half TEXT NOT NULL CHECK (last_half IN ('am', 'pm')),
    duration_half_days INTEGER NOT NULL,
    reason TEXT NOT NULL,
    facts TEXT NOT NULL,
    assessment TEXT NOT NULL,
    certified BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    filed_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX leave_requests_employee ON leave_requests (employee_id, first_day);
CREATE INDEX leave_requests_span ON leave_requests (status, first_day, last_day);

-- The approval chain of any request (leave, exception form, make-up punch), one row per step
-- in order. Named steps (supervisor, department head) carry the employee who must decide;
-- role steps (HR, general manager) are open to any holder of the role.
CREATE TABLE approval_steps (
    subject_type TEXT NOT NULL
        CHECK (subject_type IN ('leave_request', 'attendance_exception', 'make_up_punch')),
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
CREATE INDEX approval_steps_open ON approval_steps (step, approver_id) WHERE decision IS NULL;
