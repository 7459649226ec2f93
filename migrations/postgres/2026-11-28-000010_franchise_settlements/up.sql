-- SET-6: a franchisee's month, settled once: the profit and its split as computed then.
CREATE TABLE franchise_settlements (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    month TEXT NOT NULL,
    operating_profit_fen BIGINT NOT NULL,
    company_share_fen BIGINT NOT NULL,
    franchisee_share_fen BIGINT NOT NULL,
    company_part INTEGER NOT NULL,
    franchisee_part INTEGER NOT NULL,
    basis TEXT NOT NULL CHECK (basis IN ('fixed_region', 'contract')),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (partner_id, month)
);
