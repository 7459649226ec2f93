-- SET-5: our expected records per partner, the partners' monthly statements (immutable; a
-- correction is a new revision), and the comment threads on disputed lines.
CREATE TABLE partner_orders (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    reference TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    occurred_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (partner_id, reference)
);
CREATE INDEX partner_orders_month ON partner_orders (partner_id, occurred_on);

CREATE TABLE partner_statements (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    month TEXT NOT NULL,
    revision INTEGER NOT NULL,
    line_count INTEGER NOT NULL,
    total_fen BIGINT NOT NULL,
    -- The revision that replaced this one; NULL while it is the month's current statement.
    superseded_by TEXT,
    submitted_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (partner_id, month, revision)
);

CREATE TABLE partner_statement_lines (
    statement_id TEXT NOT NULL REFERENCES partner_statements (id),
    line_no INTEGER NOT NULL,
    reference TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    occurred_on DATE NOT NULL,
    PRIMARY KEY (statement_id, line_no)
);
CREATE UNIQUE INDEX partner_statement_lines_reference ON partner_statement_lines (statement_id, reference);

CREATE TABLE partner_statement_comments (
    id TEXT PRIMARY KEY,
    statement_id TEXT NOT NULL REFERENCES partner_statements (id),
    reference TEXT NOT NULL,
    -- `staff` (a user id) or `partner` (a client id).
    author_kind TEXT NOT NULL CHECK (author_kind IN ('staff', 'partner')),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX partner_statement_comments_line ON partner_statement_comments (statement_id, reference);

-- Idempotency-Key: the first response to a key, replayed for the same request; the same key
-- with another request is refused. `scope` is who may use the key space (a partner).
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
