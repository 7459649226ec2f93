DROP TABLE customer_handover_tasks;
DROP TABLE departure_checklists;
DROP TABLE resignations;
DROP TABLE regularization_applications;
DROP TABLE probation_extensions;
DROP TABLE performance_records;
ALTER TABLE departments DROP COLUMN customer_service;
DELETE FROM approval_steps WHERE subject_type = 'regularization_application';
ALTER TABLE approval_steps DROP CONSTRAINT approval_steps_subject_type_check;
ALTER TABLE approval_steps ADD CONSTRAINT approval_steps_subject_type_check
    CHECK (subject_type IN ('leave_request', 'attendance_exception', 'make_up_punch'));
