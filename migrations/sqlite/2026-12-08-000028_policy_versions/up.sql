-- Issue 18: policies as effective-dated data. Each version holds an area's complete values
-- (JSON, as the API shows them), in force from its date until the next version's; history is
-- never rewritten, a correction is a new version. At most one version per area takes effect on
-- a day.
CREATE TABLE policy_versions (
    area TEXT NOT NULL CHECK (area IN ('tier', 'sla', 'publication')),
    version BIGINT NOT NULL CHECK (version >= 1),
    effective_from DATE NOT NULL,
    policy_values TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (area, version),
    UNIQUE (area, effective_from)
);

-- Bumped by every new version, so each replica's cache sees a change with one small read.
CREATE TABLE policy_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO policy_revision (id, revision) VALUES (1, 1);

-- Version 1 of each area: the defaults of docs/rules.md, in force since the first calendar
-- year the service accepts.
INSERT INTO policy_versions (area, version, effective_from, policy_values, reason, created_by, created_at)
VALUES ('tier', 1, '1970-01-01',
    '{"tier_a":{"quarterly_revenue":"5000.00","quarterly_payments":"20000.00","referrals":3,"tenure_years":3,"flags":["mass_market_campaign","provincial_brand","legal_rep_npc_deputy"]},"tier_b":{"quarterly_revenue":"3000.00","quarterly_payments":"10000.00","referrals":1,"tenure_years":2,"flags":["welfare_unit","ethnic_minority_enterprise"]},"tier_a_min_margin_bp":500}',
    'the defaults of docs/rules.md (TIER-1, TIER-2, TIER-5)', 'migration', '2026-12-08 00:00:00'),
  ('sla', 1, '1970-01-01',
    '{"general_fault":{"unit":"clock_hours","amount":24},"major_fault":{"unit":"clock_hours","amount":48},"installation_urban":{"unit":"working_days","amount":5},"installation_rural":{"unit":"working_days","amount":10},"restoration":{"unit":"working_days","amount":5},"complaint":{"unit":"working_days","amount":3},"return_visit_hours":72,"reply_within_hours":24,"standard_households_urban":4500,"standard_households_rural":2000}',
    'the defaults of docs/rules.md (SLA-1, SLA-6, SLA-8, SLA-9)', 'migration', '2026-12-08 00:00:00'),
  ('publication', 1, '1970-01-01', '{"service_hotline":"96766"}',
    'the defaults of docs/rules.md (PUB-1)', 'migration', '2026-12-08 00:00:00');

-- The tier version a quarter close judged by (none for closes before versions existed).
ALTER TABLE tier_runs ADD COLUMN policy_version BIGINT;

-- The SLA version a work order's clock started under (none before versions existed).
ALTER TABLE work_orders ADD COLUMN sla_policy_version BIGINT;
