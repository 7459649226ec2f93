-- The employment lifecycle (EMP-1..5) and the CARE-4 hand-over tasks of a departure.

-- EMP-2: regularization applications are decided on the shared approval chain.
ALTER TABLE approval_steps DROP CONSTRAINT approval_steps_subject_type_check;
ALTER TABLE approval_steps ADD CONSTRAINT approval_steps_subject_type_check
    CHECK (subject_type IN ('leave_request', 'attendance_exception', 'make_up_punch', 'regularization_application'));

-- EMP-2, EMP-5: who is customer-service staff — the employees of a department flagged here
-- (settable with PUT /departments/{id}/customer-service).
ALTER TABLE departments ADD COLUMN customer_service BOOLEAN NOT NULL DEFAULT FALSE;

-- EMP-2, EMP-5: one record per employee and month: the performance credited to them and the
-- company-funded spend (公司投入资金; personal top-ups are not recorded here).
CREATE TABLE performance_records (
    employee_id TEXT NOT NULL REFERENCES employees (id),
    month DATE NOT NULL,
    performance_fen BIGINT NOT NULL CHECK (performance_fen >= 0),
    company_funded_spend_fen BIGINT NOT NULL CHECK (company_funded_spend_fen >= 0),
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (employee_id, month)
);

-- EMP-1: every extension HR grants, with its reason (LEAVE-4 extensions are in the audit log
-- of the employee record).
CREATE TABLE probation_extensions (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    previous_end DATE NOT NULL,
    new_end DATE NOT NULL,
    reason TEXT NOT NULL,
    granted_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX probation_extensions_employee ON probation_extensions (employee_id, created_at);

-- EMP-2: the regularization form (转正申请表), decided on approval_steps (supervisor, then
-- manager). `performance_fen` is the recorded performance checked at filing.
CREATE TABLE regularization_applications (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    statement TEXT NOT NULL,
    performance_fen BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX regularization_applications_employee ON regularization_applications (employee_id);

-- EMP-3: a resignation with the notice computed at submission.
CREATE TABLE resignations (
    id TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    submitted_at TIMESTAMP NOT NULL,
    submitted_on DATE NOT NULL,
    on_probation BOOLEAN NOT NULL,
    pay_in_lieu BOOLEAN NOT NULL,
    pay_in_lieu_days INTEGER NOT NULL,
    earliest_last_day DATE NOT NULL,
    requested_last_day DATE NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'withdrawn')),
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX resignations_employee ON resignations (employee_id);

-- EMP-4: the hand-back checklist of one departure; each item is returned when its time is
-- set. Final pay and the leaving certificate wait for all seven.
CREATE TABLE departure_checklists (
    employee_id TEXT PRIMARY KEY REFERENCES employees (id),
    badge_returned_at TIMESTAMP,
    badge_received_by TEXT REFERENCES users (id),
    devices_returned_at TIMESTAMP,
    devices_received_by TEXT REFERENCES users (id),
    business_passwords_returned_at TIMESTAMP,
    business_passwords_received_by TEXT REFERENCES users (id),
    training_material_returned_at TIMESTAMP,
    training_material_received_by TEXT REFERENCES users (id),
    locker_key_returned_at TIMESTAMP,
    locker_key_received_by TEXT REFERENCES users (id),
    tools_returned_at TIMESTAMP,
    tools_received_by TEXT REFERENCES users (id),
    books_returned_at TIMESTAMP,
    books_received_by TEXT REFERENCES users (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- CARE-4: one task per customer a leaver owned: tell the customer who takes over and find out
-- whether the leaver promised services that must be honoured.
CREATE TABLE customer_handover_tasks (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    leaver_id TEXT NOT NULL REFERENCES employees (id),
    successor_id TEXT NOT NULL REFERENCES employees (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    promised_services TEXT,
    completed_by TEXT REFERENCES users (id),
    completed_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_handover_tasks_successor ON customer_handover_tasks (successor_id, status);
