DROP TABLE idempotency_keys;
DROP TABLE partner_statement_comments;
DROP TABLE partner_statement_lines;
DROP TABLE partner_statements;
DROP TABLE partner_orders;
