ALTER TABLE work_orders DROP COLUMN sla_policy_version;
ALTER TABLE tier_runs DROP COLUMN policy_version;
DROP TABLE policy_revision;
DROP TABLE policy_versions;
