DROP TABLE settlement_follow_ups;
DROP TABLE partner_payments;
