-- VIP-1: a tier-A customer's visit plan. `visit_every_months` is the policy's number when the
-- plan was opened; `ended_on` is set when the customer leaves tier A (VIP-3), and the plan and
-- its visits stay. One open plan per customer.
CREATE TABLE vip_plans (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    started_on DATE NOT NULL,
    ended_on DATE,
    visit_every_months INTEGER NOT NULL CHECK (visit_every_months >= 1),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE UNIQUE INDEX vip_plans_open ON vip_plans (customer_id) WHERE ended_on IS NULL;
CREATE INDEX vip_plans_customer ON vip_plans (customer_id, started_on);

-- VIP-2: a visit to a big customer: who visited (an employee), whom they met, how satisfied
-- the customer was.
CREATE TABLE vip_visits (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES vip_plans (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    visited_on DATE NOT NULL,
    visitor_id TEXT NOT NULL REFERENCES employees (id),
    contact TEXT NOT NULL CHECK (contact <> ''),
    satisfaction TEXT NOT NULL CHECK (satisfaction IN ('satisfied', 'neutral', 'dissatisfied')),
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX vip_visits_plan ON vip_visits (plan_id, visited_on);

-- VIP-2: each issue a visit raised opens a work order.
CREATE TABLE vip_visit_issues (
    id TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL REFERENCES vip_visits (id),
    description TEXT NOT NULL CHECK (description <> ''),
    work_order_id TEXT NOT NULL REFERENCES work_orders (id)
);
CREATE INDEX vip_visit_issues_visit ON vip_visit_issues (visit_id);
CREATE UNIQUE INDEX vip_visit_issues_work_order ON vip_visit_issues (work_order_id);
