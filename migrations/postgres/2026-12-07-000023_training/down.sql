DROP TABLE customer_training_requests;
DROP TABLE customer_trainings;
DROP TABLE certificates;
DROP TABLE training_assessments;
DROP TABLE training_attendees;
DROP TABLE training_sessions;
DROP TABLE training_courses;
