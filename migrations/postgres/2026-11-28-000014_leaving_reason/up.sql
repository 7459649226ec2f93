-- PAY-4, EMP-3: why an employment ended. Payroll pays a probation departure for personal
-- reasons (a resignation) differently from any other ending.
ALTER TABLE employees ADD COLUMN leaving_reason TEXT
    CHECK (leaving_reason IN ('resignation', 'dismissal', 'contract_end', 'other'));
