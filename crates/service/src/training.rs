//! TRAIN — training, assessment and certification (培训、考核、发证): courses and sessions with
//! attendance (TRAIN-1), assessments with a pass mark and limited retakes (TRAIN-2),
//! certificates and the staff who lack one (TRAIN-3), and the periodic training of customers
//! by tier (TRAIN-4).

use std::collections::{BTreeMap, BTreeSet};

use time::{Date, Month};
use zhidu_domain::role::Role;
use zhidu_domain::training::{
    AttemptRecord, CertificateGap, CertificateTerm, CustomerTrainingRecord, Hours, TrainingDue,
    TrainingPolicy, TrainingRequestStatus, assessment_passes, attendance_recordable,
    certificate_gap, certificate_number, certificate_valid_through, customer_training_due,
    next_attempt, requires_certificate, session_hours_allowed,
};
use zhidu_store::db::DbConnection;
use zhidu_store::people::Employee;
use zhidu_store::training::{self as store, TrainingCandidate};
use zhidu_store::{StoreError, new_id, read_stored};

pub use zhidu_store::training::{
    Certificate, CustomerTraining, CustomerTrainingRequest, TrainingAssessment, TrainingAttendee,
    TrainingCourse, TrainingSession,
};

use crate::access::Identity;
use crate::customers::find_customer;
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;

/// TRAIN-1: a new course; `certification` courses issue a certificate on a pass (TRAIN-3).
pub fn create_course(
    connection: &mut DbConnection,
    caller: &impl Identity,
    name: &str,
    certification: bool,
) -> ServiceResult<TrainingCourse> {
    let now = caller.actor().at.stored();
    let course = TrainingCourse {
        id: new_id(),
        name: name.trim().to_owned(),
        certification,
        created_by: caller.subject().to_owned(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_course(connection, caller.actor(), &course).map_err(|e| match e {
        StoreError::Conflict(_) => {
            ServiceError::field_refused("name", format!("a course named {} exists", course.name))
        }
        other => other.into(),
    })?;
    Ok(course)
}

pub fn find_course(connection: &mut DbConnection, id: &str) -> ServiceResult<TrainingCourse> {
    store::find_course(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no training course {id}")))
}

/// Courses in id order after `after_id`; `limit + 1` at most.
pub fn list_courses(
    connection: &mut DbConnection,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<TrainingCourse>> {
    Ok(store::list_courses(connection, after_id, limit)?)
}

/// A session as the caller gave it.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub course_id: String,
    pub trainer_id: String,
    pub held_on: Date,
    pub hours: Hours,
    pub attendee_ids: Vec<String>,
}

/// A session with its attendees and the assessments made so far.
#[derive(Debug, Clone)]
pub struct SessionRecords {
    pub session: TrainingSession,
    pub attendees: Vec<TrainingAttendee>,
    pub assessments: Vec<TrainingAssessment>,
}

/// Refuses a list that names an employee twice, naming the second place.
fn distinct(ids: impl Iterator<Item = String>, field: &str) -> ServiceResult<()> {
    let mut seen = BTreeSet::new();
    for (index, id) in ids.enumerate() {
        if !seen.insert(id.clone()) {
            return Err(ServiceError::field_refused(
                format!("{field}[{index}]"),
                format!("names employee {id} twice"),
            ));
        }
    }
    Ok(())
}

/// TRAIN-1: records a session of a course: its trainer (an employee), day, hours and
/// attendees (employees, each once); attendance is recorded later.
pub fn create_session(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &TrainingPolicy,
    new: NewSession,
) -> ServiceResult<SessionRecords> {
    session_hours_allowed(new.hours, policy)
        .map_err(|message| ServiceError::field_refused("hours", message))?;
    let course = store::find_course(connection, &new.course_id)?.ok_or_else(|| {
        ServiceError::field_refused("course_id", format!("no training course {}", new.course_id))
    })?;
    let trainer = existing_employee(connection, "trainer_id", &new.trainer_id)?;
    distinct(new.attendee_ids.iter().cloned(), "attendee_ids")?;
    for (index, id) in new.attendee_ids.iter().enumerate() {
        existing_employee(connection, &format!("attendee_ids[{index}]"), id)?;
    }
    let now = caller.actor().at.stored();
    let session = TrainingSession {
        id: new_id(),
        course_id: course.id,
        trainer_id: trainer.id,
        held_on: new.held_on,
        hours_centi: new.hours.hundredths(),
        recorded_by: caller.subject().to_owned(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut attendees: Vec<TrainingAttendee> = new
        .attendee_ids
        .into_iter()
        .map(|employee_id| TrainingAttendee {
            session_id: session.id.clone(),
            employee_id,
            present: None,
        })
        .collect();
    attendees.sort_by(|a, b| a.employee_id.cmp(&b.employee_id));
    store::insert_session(connection, caller.actor(), &session, &attendees)?;
    Ok(SessionRecords {
        session,
        attendees,
        assessments: Vec::new(),
    })
}

pub fn find_session(connection: &mut DbConnection, id: &str) -> ServiceResult<SessionRecords> {
    let session = store::find_session(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no training session {id}")))?;
    let attendees = store::attendees_of(connection, id)?;
    let assessments = store::assessments_of(connection, id)?;
    Ok(SessionRecords {
        session,
        attendees,
        assessments,
    })
}

/// TRAIN-1: records who of the attendees was present (`true`) or absent, on the session's day
/// or later, at `version`. Someone already assessed stays present.
pub fn record_attendance(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    marks: Vec<(String, bool)>,
) -> ServiceResult<SessionRecords> {
    let records = find_session(connection, id)?;
    if records.session.version != version {
        return Err(ServiceError::Stale(format!(
            "training session {id} is at version {}, not {version}",
            records.session.version
        )));
    }
    distinct(
        marks.iter().map(|(employee, _)| employee.clone()),
        "attendance",
    )?;
    attendance_recordable(records.session.held_on, caller.actor().at.today())?;
    let mut attendees = records.attendees.clone();
    for (index, (employee_id, present)) in marks.into_iter().enumerate() {
        let attendee = attendees
            .iter_mut()
            .find(|a| a.employee_id == employee_id)
            .ok_or_else(|| {
                ServiceError::field_refused(
                    format!("attendance[{index}].employee_id"),
                    format!("employee {employee_id} is not an attendee of this session"),
                )
            })?;
        if !present
            && records
                .assessments
                .iter()
                .any(|a| a.employee_id == employee_id)
        {
            return Err(ServiceError::conflict(format!(
                "employee {employee_id} was already assessed at this session"
            )));
        }
        attendee.present = Some(present);
    }
    let session = TrainingSession {
        version: records.session.version + 1,
        updated_at: caller.actor().at.stored(),
        ..records.session.clone()
    };
    store::save_attendance(
        connection,
        caller.actor(),
        (&records.session, &records.attendees),
        (&session, &attendees),
    )?;
    Ok(SessionRecords {
        session,
        attendees,
        assessments: records.assessments,
    })
}

/// TRAIN-2 and TRAIN-3: records an attendee's attempt at the session's assessment, assessed
/// today; a pass of a certification course issues a certificate valid through the day before
/// the same date 12 months later.
pub fn record_assessment(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &TrainingPolicy,
    session_id: &str,
    employee_id: &str,
    score: i64,
) -> ServiceResult<(TrainingAssessment, Option<Certificate>)> {
    let records = find_session(connection, session_id)?;
    let passed = assessment_passes(score, policy)
        .map_err(|message| ServiceError::field_refused("score", message))?;
    let attendee = records
        .attendees
        .iter()
        .find(|a| a.employee_id == employee_id)
        .ok_or_else(|| {
            ServiceError::field_refused(
                "employee_id",
                format!("employee {employee_id} is not an attendee of this session"),
            )
        })?;
    let previous: Vec<&TrainingAssessment> = records
        .assessments
        .iter()
        .filter(|a| a.employee_id == employee_id)
        .collect();
    let attempt = next_attempt(
        AttemptRecord {
            present: attendee.present,
            attempts: u32::try_from(previous.len()).unwrap_or(u32::MAX),
            passed: previous.iter().any(|a| a.passed),
        },
        policy,
    )?;
    let now = caller.actor().at.stored();
    let today = caller.actor().at.today();
    let assessment = TrainingAssessment {
        id: new_id(),
        session_id: records.session.id.clone(),
        employee_id: employee_id.to_owned(),
        attempt: i32::try_from(attempt).unwrap_or(i32::MAX),
        score: i32::try_from(score).unwrap_or(i32::MAX),
        passed,
        assessed_on: today,
        recorded_by: caller.subject().to_owned(),
        created_at: now,
    };
    let course = find_course(connection, &records.session.course_id)?;
    let certificate = if passed && course.certification {
        let year = today.year();
        let first = Date::from_calendar_date(year, Month::January, 1).unwrap_or(today);
        let last = Date::from_calendar_date(year, Month::December, 31).unwrap_or(today);
        let issued = store::certificates_issued_between(connection, first, last)?;
        let sequence = u32::try_from(issued + 1).unwrap_or(u32::MAX);
        Some(Certificate {
            id: new_id(),
            number: certificate_number(year, sequence),
            employee_id: employee_id.to_owned(),
            course_id: course.id,
            assessment_id: assessment.id.clone(),
            issued_on: today,
            valid_through: certificate_valid_through(today, policy),
            created_at: now,
        })
    } else {
        None
    };
    store::insert_assessment(
        connection,
        caller.actor(),
        &assessment,
        certificate.as_ref(),
    )?;
    Ok((assessment, certificate))
}

/// The certificates of an employee, in issue order.
pub fn certificates_of(
    connection: &mut DbConnection,
    employee_id: &str,
) -> ServiceResult<Vec<Certificate>> {
    let employee = existing_employee(connection, "employee_id", employee_id)?;
    Ok(store::certificates_of(connection, &[employee.id])?)
}

/// TRAIN-3: an employee whose role needs a certificate and who lacks a valid one on the day,
/// or holds one expiring within the warning days.
#[derive(Debug, Clone)]
pub struct CertificateGapRow {
    pub employee: Employee,
    /// The roles of their account that need a certificate.
    pub roles: Vec<Role>,
    pub reason: CertificateGap,
    /// The latest certificate, when there is one.
    pub latest: Option<Certificate>,
}

/// TRAIN-3: on `on`, the employees (employed that day, with an active account holding one of
/// the policy's roles) without a certificate valid beyond the warning days, in employee id
/// order after `after_id`; `limit + 1` at most.
pub fn certificate_gaps(
    connection: &mut DbConnection,
    policy: &TrainingPolicy,
    on: Date,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<CertificateGapRow>> {
    let mut needing = Vec::new();
    for account in store::employees_with_accounts(connection, after_id)? {
        let roles: Vec<Role> = account
            .roles
            .split_whitespace()
            .map(read_stored)
            .collect::<Result<_, _>>()?;
        let employed = account.employee.hired_on.is_none_or(|hired| hired <= on)
            && account.employee.left_on.is_none_or(|left| left >= on);
        if account.active && employed && requires_certificate(&roles, policy) {
            let certified: Vec<Role> = roles
                .into_iter()
                .filter(|role| policy.certified_roles.contains(role))
                .collect();
            needing.push((account.employee, certified));
        }
    }
    let ids: Vec<String> = needing.iter().map(|(e, _)| e.id.clone()).collect();
    let mut held: BTreeMap<String, Vec<Certificate>> = BTreeMap::new();
    for certificate in store::certificates_of(connection, &ids)? {
        held.entry(certificate.employee_id.clone())
            .or_default()
            .push(certificate);
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut rows = Vec::new();
    for (employee, roles) in needing {
        let certificates = held.remove(&employee.id).unwrap_or_default();
        let terms: Vec<CertificateTerm> = certificates
            .iter()
            .map(|c| CertificateTerm {
                issued_on: c.issued_on,
                valid_through: c.valid_through,
            })
            .collect();
        if let Some((reason, _)) = certificate_gap(&terms, on, policy) {
            let latest = certificates
                .into_iter()
                .filter(|c| c.issued_on <= on)
                .max_by_key(|c| c.valid_through);
            rows.push(CertificateGapRow {
                employee,
                roles,
                reason,
                latest,
            });
            if rows.len() > limit {
                break;
            }
        }
    }
    Ok(rows)
}

/// TRAIN-4: records a training given to customer `customer_id` on `trained_on` (not in the
/// future); it fulfils the customer's open requests made on or before that day.
pub fn record_customer_training(
    connection: &mut DbConnection,
    caller: &impl Identity,
    customer_id: &str,
    trained_on: Date,
    topic: &str,
    note: &str,
) -> ServiceResult<CustomerTraining> {
    let now = caller.actor().at;
    if trained_on > now.today() {
        return Err(ServiceError::field_refused(
            "trained_on",
            "must not be in the future",
        ));
    }
    let customer = find_customer(connection, customer_id)?;
    let training = CustomerTraining {
        id: new_id(),
        customer_id: customer.id.clone(),
        trained_on,
        topic: topic.trim().to_owned(),
        note: note.trim().to_owned(),
        recorded_by: caller.subject().to_owned(),
        created_at: now.stored(),
    };
    let fulfilled: Vec<(CustomerTrainingRequest, CustomerTrainingRequest)> = store::requests_of(
        connection,
        &customer.id,
        TrainingRequestStatus::Open.as_str(),
    )?
    .into_iter()
    .filter(|request| request.requested_on <= trained_on)
    .map(|before| {
        let after = CustomerTrainingRequest {
            status: TrainingRequestStatus::Fulfilled.as_str().into(),
            training_id: Some(training.id.clone()),
            version: before.version + 1,
            updated_at: now.stored(),
            ..before.clone()
        };
        (before, after)
    })
    .collect();
    store::insert_customer_training(connection, caller.actor(), &training, &fulfilled)?;
    Ok(training)
}

/// TRAIN-4: records customer `customer_id`'s request for a training, made on `requested_on`
/// (today when not given; not in the future).
pub fn request_customer_training(
    connection: &mut DbConnection,
    caller: &impl Identity,
    customer_id: &str,
    requested_on: Option<Date>,
    note: &str,
) -> ServiceResult<CustomerTrainingRequest> {
    let now = caller.actor().at;
    let requested_on = requested_on.unwrap_or(now.today());
    if requested_on > now.today() {
        return Err(ServiceError::field_refused(
            "requested_on",
            "must not be in the future",
        ));
    }
    let customer = find_customer(connection, customer_id)?;
    let request = CustomerTrainingRequest {
        id: new_id(),
        customer_id: customer.id,
        requested_on,
        note: note.trim().to_owned(),
        status: TrainingRequestStatus::Open.as_str().into(),
        training_id: None,
        recorded_by: caller.subject().to_owned(),
        version: 1,
        created_at: now.stored(),
        updated_at: now.stored(),
    };
    store::insert_request(connection, caller.actor(), &request)?;
    Ok(request)
}

/// TRAIN-4: a customer due a training on the day judged.
#[derive(Debug, Clone)]
pub struct DueTraining {
    pub customer: TrainingCandidate,
    pub record: CustomerTrainingRecord,
    pub due: TrainingDue,
}

/// How many candidates are read at a time while a page of due customers fills.
const CANDIDATE_BATCH: i64 = 200;

/// TRAIN-4: on `on`, the customers due or overdue a training — tiers with a cadence (A, B by
/// default) by their last training's period, any customer with an open request — in customer
/// id order after `after_id`; `limit + 1` at most.
pub fn trainings_due(
    connection: &mut DbConnection,
    policy: &TrainingPolicy,
    on: Date,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<DueTraining>> {
    let tiers = policy.tiers_with_cadence();
    let tier_names: Vec<&str> = tiers.iter().map(|t| t.as_str()).collect();
    let open = TrainingRequestStatus::Open.as_str();
    let wanted = usize::try_from(limit + 1).unwrap_or(usize::MAX);
    let mut rows = Vec::new();
    let mut after = after_id.map(str::to_owned);
    loop {
        let batch = store::training_candidates(
            connection,
            &tier_names,
            open,
            after.as_deref(),
            CANDIDATE_BATCH,
        )?;
        let Some(last) = batch.last() else {
            return Ok(rows);
        };
        after = Some(last.id.clone());
        let exhausted = i64::try_from(batch.len()).unwrap_or(0) < CANDIDATE_BATCH;
        let ids: Vec<String> = batch.iter().map(|c| c.id.clone()).collect();
        let mut last_trained: BTreeMap<String, Date> = BTreeMap::new();
        for (customer, day) in store::trainings_through(connection, &ids, on)? {
            let entry = last_trained.entry(customer).or_insert(day);
            *entry = (*entry).max(day);
        }
        let mut first_request: BTreeMap<String, Date> = BTreeMap::new();
        for (customer, day) in store::requests_through(connection, &ids, open, on)? {
            let entry = first_request.entry(customer).or_insert(day);
            *entry = (*entry).min(day);
        }
        for candidate in batch {
            let tier = candidate
                .current_tier
                .as_deref()
                .map(read_stored)
                .transpose()?;
            let record = CustomerTrainingRecord {
                tier,
                last_trained_on: last_trained.get(&candidate.id).copied(),
                open_request_on: first_request.get(&candidate.id).copied(),
            };
            if let Some(due) = customer_training_due(record, on, policy) {
                rows.push(DueTraining {
                    customer: candidate,
                    record,
                    due,
                });
                if rows.len() >= wanted {
                    return Ok(rows);
                }
            }
        }
        if exhausted {
            return Ok(rows);
        }
    }
}
