DROP TABLE franchise_settlements;
