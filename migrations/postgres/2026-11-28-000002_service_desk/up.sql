-- The service desk (SLA, ACC): the company's people (one model, shared with HR), work orders
-- with their clocks, hand-overs, contact attempts and extensions, and accountability cases.

CREATE TABLE departments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- An employee; checked by the service (the two tables refer to each other).
    manager_id TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE employees (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    department_id TEXT NOT NULL REFERENCES departments (id),
    rank TEXT NOT NULL CHECK (rank IN ('staff', 'manager', 'general_manager')),
    superior_id TEXT REFERENCES employees (id),
    user_id TEXT UNIQUE REFERENCES users (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX employees_department ON employees (department_id);

CREATE TABLE work_orders (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL CHECK (kind IN ('general_fault', 'major_fault', 'installation', 'restoration', 'complaint')),
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('awaiting_materials', 'awaiting_network', 'open', 'resolved', 'deemed_met')),
    flagged_major BOOLEAN NOT NULL,
    urgent BOOLEAN NOT NULL,
    first_responder_id TEXT NOT NULL REFERENCES employees (id),
    -- The first responder stays accountable until the owning department accepts a hand-over.
    accountable_id TEXT NOT NULL REFERENCES employees (id),
    assignee_id TEXT NOT NULL REFERENCES employees (id),
    required_materials TEXT NOT NULL,
    provided_materials TEXT NOT NULL,
    network_ready BOOLEAN NOT NULL,
    clock_started_at TIMESTAMP,
    due_at TIMESTAMP,
    calendar_provisional BOOLEAN NOT NULL,
    breached BOOLEAN NOT NULL,
    resolved_at TIMESTAMP,
    resolution TEXT,
    -- Sorts the queue: urgent first, then by due time, then by id.
    queue_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX work_orders_queue ON work_orders (queue_key);
CREATE INDEX work_orders_due ON work_orders (status, due_at);
CREATE INDEX work_orders_assignee ON work_orders (assignee_id);

CREATE TABLE work_order_handovers (
    id TEXT PRIMARY KEY,
    work_order_id TEXT NOT NULL REFERENCES work_orders (id),
    from_employee_id TEXT NOT NULL REFERENCES employees (id),
    to_employee_id TEXT NOT NULL REFERENCES employees (id),
    accepted_by_owner BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    handed_over_at TIMESTAMP NOT NULL
);
CREATE INDEX work_order_handovers_order ON work_order_handovers (work_order_id);

CREATE TABLE work_order_contact_attempts (
    id TEXT PRIMARY KEY,
    work_order_id TEXT NOT NULL REFERENCES work_orders (id),
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'visit')),
    reached BOOLEAN NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX work_order_contact_attempts_order ON work_order_contact_attempts (work_order_id);

CREATE TABLE work_order_extensions (
    id TEXT PRIMARY KEY,
    work_order_id TEXT NOT NULL REFERENCES work_orders (id),
    reason TEXT NOT NULL,
    requested_due_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP
);
CREATE INDEX work_order_extensions_order ON work_order_extensions (work_order_id);

CREATE TABLE accountability_cases (
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
CREATE UNIQUE INDEX accountability_cases_one_per_breach ON accountability_cases (work_order_id, source);
