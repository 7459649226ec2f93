DROP TABLE public_service_info;
DROP TABLE domain_transfers;
DROP TABLE after_sales_missed_records;
DROP TABLE after_sales_visits;
DROP TABLE training_deals;
DROP TABLE customer_last_touches;
DROP TABLE care_touches;
DROP TABLE outbox;
