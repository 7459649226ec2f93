ALTER TABLE employees DROP COLUMN leaving_reason;
