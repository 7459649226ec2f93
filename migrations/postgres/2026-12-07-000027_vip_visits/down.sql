DROP TABLE vip_visit_issues;
DROP TABLE vip_visits;
DROP TABLE vip_plans;
