-- CARE-7 contract submissions (提单) with their services, CARE-1 phone-visit tasks and visits,
-- CARE-5 renewals and non-renewals.

-- CARE-7: an order carries the responsible person's name, phone, mobile and email (all
-- required). `salesperson_id` is the customer's owner at submission, or the submitter when the
-- customer had none: the agent its visits are due to.
CREATE TABLE customer_orders (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    salesperson_id TEXT NOT NULL REFERENCES users (id),
    responsible_name TEXT NOT NULL CHECK (responsible_name <> ''),
    responsible_phone TEXT NOT NULL CHECK (responsible_phone <> ''),
    responsible_mobile TEXT NOT NULL CHECK (responsible_mobile <> ''),
    responsible_email TEXT NOT NULL CHECK (responsible_email <> ''),
    ordered_on DATE NOT NULL,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_orders_customer ON customer_orders (customer_id, id);

-- CARE-5: one service of an order; `remind_on` is the day its renewal is announced (NULL for
-- kinds without a reminder). A renewal moves `expires_on` and `remind_on`; a recorded
-- non-renewal ends it (`not_renewed`).
CREATE TABLE customer_services (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES customer_orders (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL CHECK (kind IN ('hosting', 'domain', 'promotion', 'training', 'other')),
    description TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    starts_on DATE NOT NULL,
    expires_on DATE NOT NULL,
    remind_on DATE,
    status TEXT NOT NULL CHECK (status IN ('active', 'not_renewed')),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (expires_on >= starts_on)
);
CREATE INDEX customer_services_order ON customer_services (order_id);
CREATE INDEX customer_services_expiring ON customer_services (expires_on) WHERE status = 'active';
CREATE INDEX customer_services_reminding ON customer_services (remind_on) WHERE status = 'active';

-- CARE-1: the phone visits an order schedules (the initial one and a horizon of monthly ones).
-- The due list per agent reads the partial index in (due_on, id) order.
CREATE TABLE care_visit_tasks (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES customer_orders (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    agent_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('initial', 'monthly')),
    due_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('due', 'done')),
    visit_id TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX care_visit_tasks_order ON care_visit_tasks (order_id, due_on);
CREATE INDEX care_visit_tasks_due_by_agent ON care_visit_tasks (agent_id, due_on, id) WHERE status = 'due';
CREATE INDEX care_visit_tasks_due ON care_visit_tasks (due_on, id) WHERE status = 'due';

-- CARE-1: a recorded visit with its questionnaire (initial or monthly answers).
CREATE TABLE care_visits (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL UNIQUE REFERENCES care_visit_tasks (id),
    order_id TEXT NOT NULL REFERENCES customer_orders (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL CHECK (kind IN ('initial', 'monthly')),
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    chose_us_because TEXT,
    shortcomings TEXT,
    wishes TEXT,
    staff_contacted BOOLEAN,
    effect_reached BOOLEAN,
    explanation TEXT,
    solution TEXT,
    visited_by TEXT NOT NULL REFERENCES users (id),
    visited_at TIMESTAMP NOT NULL
);

-- CARE-5: every renewal of a service, with the expiry it replaced.
CREATE TABLE service_renewals (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES customer_services (id),
    previous_expires_on DATE NOT NULL,
    new_expires_on DATE NOT NULL,
    renewed_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX service_renewals_service ON service_renewals (service_id);

-- CARE-5: a customer who did not renew a service, with the reason; listed by expiry month.
CREATE TABLE service_non_renewals (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL UNIQUE REFERENCES customer_services (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    expires_on DATE NOT NULL,
    reason TEXT NOT NULL CHECK (reason <> ''),
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX service_non_renewals_expiry ON service_non_renewals (expires_on, id);
