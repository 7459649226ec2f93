DROP TABLE accountability_cases;
DROP TABLE work_order_extensions;
DROP TABLE work_order_contact_attempts;
DROP TABLE work_order_handovers;
DROP TABLE work_orders;
DROP TABLE employees;
DROP TABLE departments;
