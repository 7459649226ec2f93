-- AR-2: each customer's credit terms and its receivables ledger; AR-4: the outcome chosen for
-- a long-unrecovered item.
CREATE TABLE credit_terms (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id),
    credit_limit_fen BIGINT NOT NULL,
    credit_period_days INTEGER NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A receivable is owed by a customer or, for SET-6's joining fee, by a franchisee partner.
CREATE TABLE receivables (
    id TEXT PRIMARY KEY,
    customer_id TEXT REFERENCES customers (id),
    partner_id TEXT REFERENCES partners (id),
    contract_number TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    invoiced_on DATE NOT NULL,
    handler_id TEXT NOT NULL REFERENCES employees (id),
    approver_id TEXT REFERENCES employees (id),
    delivery_method TEXT NOT NULL,
    delivered_on DATE NOT NULL,
    paid_fen BIGINT NOT NULL,
    outcome TEXT CHECK (outcome IN ('bad_debt_candidate', 'repayment_agreement', 'litigation')),
    outcome_owner_id TEXT REFERENCES employees (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((customer_id IS NULL) <> (partner_id IS NULL))
);
CREATE INDEX receivables_customer ON receivables (customer_id);
CREATE INDEX receivables_partner ON receivables (partner_id);
CREATE INDEX receivables_invoiced ON receivables (invoiced_on);

-- Payments, collection notes, reconciliations and (after a write-off, AR-5) recoveries of an
-- entry.
CREATE TABLE receivable_events (
    id TEXT PRIMARY KEY,
    receivable_id TEXT NOT NULL REFERENCES receivables (id),
    kind TEXT NOT NULL CHECK (kind IN ('payment', 'collection_note', 'reconciliation', 'recovery')),
    amount_fen BIGINT,
    note TEXT,
    occurred_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX receivable_events_entry ON receivable_events (receivable_id);
