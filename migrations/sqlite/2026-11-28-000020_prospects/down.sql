DROP TABLE prospect_follow_ups;
DROP TABLE prospect_deposits;
DROP TABLE prospect_deals;
DROP TABLE prospect_invitations;
DROP TABLE prospects;
