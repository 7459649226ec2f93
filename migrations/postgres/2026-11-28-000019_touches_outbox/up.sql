-- CARE-2 touches and the outbox that sends them, CARE-3 after-sales visits, CARE-6 domain
-- transfers and the PUB-1 public service page.

-- CARE-2: messages to send. Written in the transaction that records the touch; the dispatcher
-- claims due rows, and a failure keeps the row with its error and the next attempt's time.
-- Rows are never deleted.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL CHECK (attempts >= 0),
    last_error TEXT,
    next_attempt_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_by_status ON outbox (status, id);

-- CARE-2: every SMS/email touch of a customer; `sent_at` is empty while its outbox message
-- waits to be sent.
CREATE TABLE care_touches (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    template TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    sent_at TIMESTAMP,
    outbox_id TEXT REFERENCES outbox (id),
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX care_touches_customer ON care_touches (customer_id, id);
CREATE INDEX care_touches_outbox ON care_touches (outbox_id) WHERE outbox_id IS NOT NULL;

-- CARE-2: each customer's latest sent touch, kept with the touch so the overdue list is one
-- primary-key lookup per customer.
CREATE TABLE customer_last_touches (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id),
    touch_id TEXT NOT NULL REFERENCES care_touches (id),
    touched_at TIMESTAMP NOT NULL
);

-- CARE-3: a deal in the training business, which obliges after-sales visits.
CREATE TABLE training_deals (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    responsible_id TEXT NOT NULL REFERENCES employees (id),
    deal_on DATE NOT NULL,
    ends_on DATE,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= deal_on)
);
CREATE INDEX training_deals_by_deal_on ON training_deals (deal_on, id);

CREATE TABLE after_sales_visits (
    id TEXT PRIMARY KEY,
    deal_id TEXT NOT NULL REFERENCES training_deals (id),
    visited_on DATE NOT NULL,
    -- The screenshot's attachment reference (a URL or storage key).
    screenshot TEXT NOT NULL,
    notes TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX after_sales_visits_deal ON after_sales_visits (deal_id, visited_on);

-- CARE-3: the discipline record a missed obligation became, at most one per obligation.
CREATE TABLE after_sales_missed_records (
    deal_id TEXT NOT NULL REFERENCES training_deals (id),
    visit_window TEXT NOT NULL,
    discipline_record_id TEXT NOT NULL REFERENCES discipline_records (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (deal_id, visit_window)
);

-- CARE-6: a domain transfer out of the company's management and its three requirements.
CREATE TABLE domain_transfers (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    domain_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'approved')),
    proof_document TEXT,
    signatory TEXT,
    signature_document TEXT,
    call_at TIMESTAMP,
    call_note TEXT,
    called_by TEXT REFERENCES users (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    approved_by TEXT REFERENCES users (id),
    approved_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX domain_transfers_customer ON domain_transfers (customer_id, id);

-- PUB-1: the public service page as admin keeps it (one row, JSON content).
CREATE TABLE public_service_info (
    id TEXT PRIMARY KEY CHECK (id = 'current'),
    content TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
