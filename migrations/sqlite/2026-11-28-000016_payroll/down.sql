DROP TABLE payslips;
DROP TABLE payroll_runs;
DROP TABLE performance_bonuses;
