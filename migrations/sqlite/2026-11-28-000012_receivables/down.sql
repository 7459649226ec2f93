DROP TABLE receivable_events;
DROP TABLE receivables;
DROP TABLE credit_terms;
