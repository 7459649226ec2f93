DROP TABLE point_redemptions;
DROP TABLE point_entries;
DROP TABLE point_balances;
DROP TABLE settings;
