-- The platform: staff accounts, the audit trail (ACC-1), the business calendar (CAL),
-- customers with their archive (AR-1) and tiers (TIER). Money is BIGINT fen, instants are
-- UTC TIMESTAMP, ids are UUIDv7 text: the types PostgreSQL and SQLite share.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    request_id TEXT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);

CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    papers TEXT NOT NULL,
    published BOOLEAN NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT NOT NULL
);

CREATE TABLE calendar_days (
    date DATE PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
    name TEXT NOT NULL,
    is_off_day BOOLEAN NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    phone TEXT NOT NULL,
    bank_account TEXT NOT NULL,
    bank_name TEXT NOT NULL,
    legal_representative TEXT NOT NULL,
    area_type TEXT NOT NULL CHECK (area_type IN ('urban', 'rural')),
    owner_id TEXT REFERENCES users (id),
    first_contract_on DATE,
    flags TEXT NOT NULL,
    current_tier TEXT CHECK (current_tier IN ('A', 'B', 'C')),
    current_tier_quarter TEXT,
    tier_overridden BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_owner ON customers (owner_id);
CREATE INDEX customers_tier ON customers (current_tier);

CREATE TABLE customer_referrals (
    referred_id TEXT PRIMARY KEY REFERENCES customers (id),
    referrer_id TEXT NOT NULL REFERENCES customers (id),
    referred_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (referred_id <> referrer_id)
);
CREATE INDEX customer_referrals_referrer ON customer_referrals (referrer_id);

CREATE TABLE customer_quarter_metrics (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    quarter TEXT NOT NULL,
    revenue_fen BIGINT NOT NULL,
    payments_fen BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (customer_id, quarter)
);
CREATE INDEX customer_quarter_metrics_quarter ON customer_quarter_metrics (quarter);

CREATE TABLE tier_runs (
    quarter TEXT PRIMARY KEY,
    closed_at TIMESTAMP NOT NULL,
    closed_by TEXT NOT NULL,
    customer_count BIGINT NOT NULL,
    tier_a_count BIGINT NOT NULL,
    tier_b_count BIGINT NOT NULL,
    tier_c_count BIGINT NOT NULL
);

CREATE TABLE customer_tiers (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    quarter TEXT NOT NULL REFERENCES tier_runs (quarter),
    tier TEXT NOT NULL CHECK (tier IN ('A', 'B', 'C')),
    reasons TEXT NOT NULL,
    PRIMARY KEY (customer_id, quarter)
);

CREATE TABLE tier_overrides (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    quarter TEXT,
    tier TEXT NOT NULL CHECK (tier IN ('A', 'B', 'C')),
    reason TEXT NOT NULL,
    overridden_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX tier_overrides_customer ON tier_overrides (customer_id, created_at);
