DROP TABLE meeting_host_duties;
DROP TABLE meeting_host_days;
DROP TABLE promotions;
DELETE FROM approval_steps WHERE subject_type = 'promotion';
ALTER TABLE approval_steps DROP CONSTRAINT approval_steps_subject_type_check;
ALTER TABLE approval_steps ADD CONSTRAINT approval_steps_subject_type_check
    CHECK (subject_type IN ('leave_request', 'attendance_exception', 'make_up_punch', 'regularization_application'));
