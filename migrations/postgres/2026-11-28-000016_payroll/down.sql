DROP INDEX discipline_records_unsettled;
ALTER TABLE discipline_records DROP COLUMN payroll_month;
DROP TABLE payslips;
DROP TABLE payroll_runs;
DROP TABLE performance_bonuses;
