-- SET-4: payments received from partners against a period (identified by its due date), and
-- the follow-up of a period paid late: finance notified, marketing's contact, the partner's
-- reason, the decision.
CREATE TABLE partner_payments (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    due_on DATE NOT NULL,
    amount_fen BIGINT NOT NULL,
    received_on DATE NOT NULL,
    reference TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX partner_payments_period ON partner_payments (partner_id, due_on);

CREATE TABLE settlement_follow_ups (
    partner_id TEXT NOT NULL REFERENCES partners (id),
    due_on DATE NOT NULL,
    finance_notified_at TIMESTAMP,
    marketing_contact TEXT,
    partner_reason TEXT,
    decision TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (partner_id, due_on)
);
