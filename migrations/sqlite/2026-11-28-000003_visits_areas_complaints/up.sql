-- Return visits (SLA-6), service areas with their maintainers (SLA-8, SLA-9) and complaints
-- with their routing (CMP).

ALTER TABLE work_orders ADD COLUMN follow_up_of TEXT REFERENCES work_orders (id);
-- SLA-9: when the customer first got an answer (a contact that reached them, or resolution).
ALTER TABLE work_orders ADD COLUMN first_answered_at TIMESTAMP;

CREATE TABLE return_visits (
    id TEXT PRIMARY KEY,
    work_order_id TEXT NOT NULL UNIQUE REFERENCES work_orders (id),
    satisfaction TEXT NOT NULL CHECK (satisfaction IN ('satisfied', 'neutral', 'dissatisfied')),
    solved BOOLEAN NOT NULL,
    notes TEXT NOT NULL,
    follow_up_order_id TEXT REFERENCES work_orders (id),
    visited_by TEXT NOT NULL,
    visited_at TIMESTAMP NOT NULL
);

CREATE TABLE service_areas (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    area_type TEXT NOT NULL CHECK (area_type IN ('urban', 'rural')),
    households BIGINT NOT NULL CHECK (households >= 0),
    maintainer_id TEXT NOT NULL REFERENCES employees (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX service_areas_maintainer ON service_areas (maintainer_id);

ALTER TABLE customers ADD COLUMN service_area_id TEXT REFERENCES service_areas (id);
CREATE INDEX customers_service_area ON customers (service_area_id);

CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    work_order_id TEXT NOT NULL UNIQUE REFERENCES work_orders (id),
    accused_employee_id TEXT REFERENCES employees (id),
    route TEXT NOT NULL CHECK (route IN ('customer_service', 'department_manager', 'superior', 'managers_meeting')),
    handler_employee_id TEXT REFERENCES employees (id),
    inform_accused BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    escalations BIGINT NOT NULL,
    result TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX complaints_route ON complaints (route, status);

CREATE TABLE complaint_dispatches (
    id TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    reason TEXT NOT NULL,
    dispatched_at TIMESTAMP NOT NULL,
    expenses_fen BIGINT NOT NULL CHECK (expenses_fen >= 0),
    receipts TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX complaint_dispatches_complaint ON complaint_dispatches (complaint_id);
