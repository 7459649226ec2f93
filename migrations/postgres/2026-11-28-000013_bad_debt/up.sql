-- AR-5: the bad-debt workflow on a receivable — finance's report with the responsible
-- department and person, the general manager's approval, the write-off against the allowance
-- (the written-off entries are the memo ledger), and later recoveries that reverse it.
ALTER TABLE receivables ADD COLUMN bad_debt_status TEXT CHECK (bad_debt_status IN ('reported', 'written_off'));
ALTER TABLE receivables ADD COLUMN bad_debt_reason TEXT;
ALTER TABLE receivables ADD COLUMN responsible_department TEXT;
ALTER TABLE receivables ADD COLUMN responsible_person TEXT;
ALTER TABLE receivables ADD COLUMN written_off_fen BIGINT;
ALTER TABLE receivables ADD COLUMN written_off_on DATE;
ALTER TABLE receivables ADD COLUMN recovered_fen BIGINT NOT NULL DEFAULT 0;
