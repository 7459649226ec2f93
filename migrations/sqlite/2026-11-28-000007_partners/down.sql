DROP TABLE partner_credentials;
DROP TABLE partners;
