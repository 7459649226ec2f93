-- Settings that finance configures at run time (SET-7's earning rate, which the source leaves
-- blank).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- SET-7: app users are customers. A balance never goes below zero; every change is an entry,
-- and an entry's (kind, reference) is unique, so an app order earns once and a redemption
-- takes, or gives back, its points once.
CREATE TABLE point_balances (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id),
    balance BIGINT NOT NULL CHECK (balance >= 0),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE point_entries (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL CHECK (kind IN ('earned', 'redeemed', 'returned')),
    reference TEXT NOT NULL,
    points BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, reference)
);
CREATE INDEX point_entries_customer ON point_entries (customer_id);

CREATE TABLE point_redemptions (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    points BIGINT NOT NULL CHECK (points > 0),
    alipay_account TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('pending_review', 'pending_approval', 'approved', 'transferred', 'rejected')),
    reviewed_by TEXT,
    approved_by TEXT,
    transfer_reference TEXT,
    transferred_fen BIGINT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
