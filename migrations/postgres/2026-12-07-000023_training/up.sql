-- TRAIN-1..3: training courses, sessions with their attendees and attendance, assessments per
-- attempt, and the certificates a passed certification course issues.
CREATE TABLE training_courses (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    certification BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX training_courses_name ON training_courses (name);

-- TRAIN-1: `hours_centi` is the length in hundredths of an hour (2.5 hours = 250).
CREATE TABLE training_sessions (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    trainer_id TEXT NOT NULL REFERENCES employees (id),
    held_on DATE NOT NULL,
    hours_centi BIGINT NOT NULL CHECK (hours_centi > 0),
    recorded_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX training_sessions_course ON training_sessions (course_id, held_on);

-- TRAIN-1: one row per attendee; `present` stays NULL until attendance is recorded.
CREATE TABLE training_attendees (
    session_id TEXT NOT NULL REFERENCES training_sessions (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    present BOOLEAN,
    PRIMARY KEY (session_id, employee_id)
);
CREATE INDEX training_attendees_employee ON training_attendees (employee_id);

-- TRAIN-2: one row per attempt; the first attempt is 1.
CREATE TABLE training_assessments (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES training_sessions (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    attempt INTEGER NOT NULL CHECK (attempt >= 1),
    score INTEGER NOT NULL CHECK (score >= 0),
    passed BOOLEAN NOT NULL,
    assessed_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX training_assessments_attempt
    ON training_assessments (session_id, employee_id, attempt);

-- TRAIN-3: a certificate, valid from `issued_on` through `valid_through` (both included).
CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    assessment_id TEXT NOT NULL REFERENCES training_assessments (id),
    issued_on DATE NOT NULL,
    valid_through DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (valid_through >= issued_on)
);
CREATE UNIQUE INDEX certificates_number ON certificates (number);
CREATE UNIQUE INDEX certificates_assessment ON certificates (assessment_id);
CREATE INDEX certificates_employee ON certificates (employee_id, valid_through);

-- TRAIN-4: trainings given to customers, recorded like care touches, and customers' requests
-- for one (open until a training on or after the request day is recorded).
CREATE TABLE customer_trainings (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    trained_on DATE NOT NULL,
    topic TEXT NOT NULL CHECK (topic <> ''),
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_trainings_customer ON customer_trainings (customer_id, trained_on);

CREATE TABLE customer_training_requests (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    requested_on DATE NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'fulfilled')),
    training_id TEXT REFERENCES customer_trainings (id),
    recorded_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_training_requests_open
    ON customer_training_requests (customer_id, requested_on) WHERE status = 'open';
