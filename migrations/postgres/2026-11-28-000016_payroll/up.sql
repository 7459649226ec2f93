-- PAY-2: the performance bonus a manager enters per employee and month ("YYYY-MM").
CREATE TABLE performance_bonuses (
    employee_id TEXT NOT NULL REFERENCES employees (id),
    month TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    note TEXT,
    entered_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (employee_id, month)
);

-- PAY-1..5: a month's payroll. A draft is recomputed in place; an approved run never changes,
-- and a correction is the next revision, which supersedes it when approved.
CREATE TABLE payroll_runs (
    id TEXT PRIMARY KEY,
    month TEXT NOT NULL,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'superseded')),
    correction_reason TEXT,
    pay_date DATE NOT NULL,
    pay_date_provisional BOOLEAN NOT NULL,
    employee_count INTEGER NOT NULL,
    problem_count INTEGER NOT NULL,
    earnings_fen BIGINT NOT NULL,
    deductions_fen BIGINT NOT NULL,
    net_fen BIGINT NOT NULL,
    computed_by TEXT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (month, revision)
);
-- At most one draft per month, even under concurrent runs.
CREATE UNIQUE INDEX payroll_runs_one_draft ON payroll_runs (month) WHERE status = 'draft';

-- One payslip per employee employed in the month; `detail` is the computed payslip (lines and
-- flags) as JSON, or empty with `problem` when HR facts are missing.
CREATE TABLE payslips (
    run_id TEXT NOT NULL REFERENCES payroll_runs (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    employee_name TEXT NOT NULL,
    department_id TEXT NOT NULL,
    problem TEXT,
    earnings_fen BIGINT NOT NULL,
    deductions_fen BIGINT NOT NULL,
    net_fen BIGINT NOT NULL,
    final_pay_withheld BOOLEAN NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (run_id, employee_id)
);
CREATE INDEX payslips_by_employee ON payslips (employee_id, run_id);

-- DISC → PAY: the month whose approved payroll deducted a confirmed fine. A fine goes into the
-- payroll of the month it occurred in, or, when that month is already approved, of the next
-- month computed; it is never deducted twice.
ALTER TABLE discipline_records ADD COLUMN payroll_month TEXT;
CREATE INDEX discipline_records_unsettled ON discipline_records (employee_id, payroll_month, status);
