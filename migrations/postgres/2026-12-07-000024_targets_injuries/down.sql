DROP TABLE injury_reports;
DROP TABLE monthly_targets;
