-- SET-1: partners (insurers, carriers, franchisees) and the credentials they call the API with.
CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    partner_type TEXT NOT NULL CHECK (partner_type IN ('insurer', 'carrier', 'franchisee')),
    name TEXT NOT NULL UNIQUE,
    region TEXT NOT NULL,
    -- SET-6: a franchisee's contract split (company : franchisee), where one is agreed.
    split_company_part INTEGER,
    split_franchisee_part INTEGER,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The secret is kept only as an argon2id hash; it is shown once, when issued.
CREATE TABLE partner_credentials (
    client_id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    secret_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX partner_credentials_partner ON partner_credentials (partner_id);
