ALTER TABLE receivables DROP COLUMN recovered_fen;
ALTER TABLE receivables DROP COLUMN written_off_on;
ALTER TABLE receivables DROP COLUMN written_off_fen;
ALTER TABLE receivables DROP COLUMN responsible_person;
ALTER TABLE receivables DROP COLUMN responsible_department;
ALTER TABLE receivables DROP COLUMN bad_debt_reason;
ALTER TABLE receivables DROP COLUMN bad_debt_status;
