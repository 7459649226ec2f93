-- LEAD: prospects and who owns them. The service computes `ownership`/`owner_id` (LEAD-1) from
-- the confirmed invitations and keeps them on the row so lists filter by them; the follow-up
-- owner after the interview (LEAD-3) is stored with the other party and when it started, and
-- the one-week hand-over is computed on read.
CREATE TABLE prospects (
    id TEXT PRIMARY KEY,
    company_name TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    source TEXT NOT NULL,
    ownership TEXT NOT NULL CHECK (ownership IN ('unclaimed', 'shared', 'owned')),
    owner_id TEXT REFERENCES employees (id),
    follow_up_owner_id TEXT REFERENCES employees (id),
    follow_up_other_id TEXT REFERENCES employees (id),
    follow_up_since TIMESTAMP,
    converted_at TIMESTAMP,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX prospects_owner ON prospects (owner_id, id);
CREATE INDEX prospects_ownership ON prospects (ownership, id);

-- LEAD-1: each confirmed invitation with the agreed visit's time and place; `claims` is
-- whether the visit was within the claim window of its confirmation.
CREATE TABLE prospect_invitations (
    id TEXT PRIMARY KEY,
    prospect_id TEXT NOT NULL REFERENCES prospects (id),
    staff_id TEXT NOT NULL REFERENCES employees (id),
    confirmed_at TIMESTAMP NOT NULL,
    appointment_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL,
    claims BOOLEAN NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX prospect_invitations_prospect ON prospect_invitations (prospect_id, confirmed_at);

-- LEAD-2: a deal and the staff claiming it (space-separated employee ids); a contested deal
-- ends agreed on one owner (reported to that owner's superior) or void.
CREATE TABLE prospect_deals (
    id TEXT PRIMARY KEY,
    prospect_id TEXT NOT NULL REFERENCES prospects (id),
    claimant_ids TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    closed_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('won', 'contested', 'agreed', 'void')),
    owner_id TEXT REFERENCES employees (id),
    reported_to TEXT REFERENCES employees (id),
    resolution_note TEXT,
    resolved_by TEXT,
    resolved_at TIMESTAMP,
    recorded_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX prospect_deals_prospect ON prospect_deals (prospect_id, id);

-- LEAD-3: deposits decide the follow-up owner when inviter and closer both want it.
CREATE TABLE prospect_deposits (
    id TEXT PRIMARY KEY,
    prospect_id TEXT NOT NULL REFERENCES prospects (id),
    collector_id TEXT NOT NULL REFERENCES employees (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    collected_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX prospect_deposits_prospect ON prospect_deposits (prospect_id, collected_at);

-- LEAD-3: follow-up outcomes, credited to the follow-up owner at the time; a month's share of
-- failures bars the owner the next month.
CREATE TABLE prospect_follow_ups (
    id TEXT PRIMARY KEY,
    prospect_id TEXT NOT NULL REFERENCES prospects (id),
    owner_id TEXT NOT NULL REFERENCES employees (id),
    result TEXT NOT NULL CHECK (result IN ('success', 'failure')),
    occurred_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX prospect_follow_ups_month ON prospect_follow_ups (occurred_at, owner_id);
CREATE INDEX prospect_follow_ups_prospect ON prospect_follow_ups (prospect_id, occurred_at);
