DROP TABLE service_non_renewals;
DROP TABLE service_renewals;
DROP TABLE care_visits;
DROP TABLE care_visit_tasks;
DROP TABLE customer_services;
DROP TABLE customer_orders;
