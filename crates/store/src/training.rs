//! TRAIN: training courses, sessions, attendance, assessments and certificates (TRAIN-1..3),
//! and the trainings given to customers with their requests (TRAIN-4).

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, update_versioned};
use crate::people::Employee;
use crate::schema::{
    certificates, customer_training_requests, customer_trainings, customers, employees,
    training_assessments, training_attendees, training_courses, training_sessions, users,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = training_courses)]
pub struct TrainingCourse {
    pub id: String,
    pub name: String,
    /// Passing its assessment issues a certificate (TRAIN-3).
    pub certification: bool,
    pub created_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = training_sessions)]
pub struct TrainingSession {
    pub id: String,
    pub course_id: String,
    /// The employee who trains.
    pub trainer_id: String,
    pub held_on: Date,
    /// Hundredths of an hour.
    pub hours_centi: i64,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = training_attendees)]
pub struct TrainingAttendee {
    pub session_id: String,
    pub employee_id: String,
    /// `None` until attendance is recorded.
    pub present: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = training_assessments)]
pub struct TrainingAssessment {
    pub id: String,
    pub session_id: String,
    pub employee_id: String,
    /// 1 for the first attempt.
    pub attempt: i32,
    pub score: i32,
    pub passed: bool,
    pub assessed_on: Date,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = certificates)]
pub struct Certificate {
    pub id: String,
    /// `ZD-CERT-YYYY-NNNNN`, unique.
    pub number: String,
    pub employee_id: String,
    pub course_id: String,
    pub assessment_id: String,
    pub issued_on: Date,
    /// The last day it is valid.
    pub valid_through: Date,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = customer_trainings)]
pub struct CustomerTraining {
    pub id: String,
    pub customer_id: String,
    pub trained_on: Date,
    pub topic: String,
    pub note: String,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = customer_training_requests, treat_none_as_null = true)]
pub struct CustomerTrainingRequest {
    pub id: String,
    pub customer_id: String,
    pub requested_on: Date,
    pub note: String,
    /// `open` or `fulfilled`.
    pub status: String,
    /// The training that fulfilled it.
    pub training_id: Option<String>,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_course(
    connection: &mut DbConnection,
    actor: &Actor,
    course: &TrainingCourse,
) -> StoreResult<()> {
    diesel::insert_into(training_courses::table)
        .values(course)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "training_course.create",
        ("training_course", &course.id),
        None::<&()>,
        Some(course),
    )
}

pub fn find_course(connection: &mut DbConnection, id: &str) -> StoreResult<Option<TrainingCourse>> {
    Ok(training_courses::table
        .find(id)
        .select(TrainingCourse::as_select())
        .first(connection)
        .optional()?)
}

/// Courses in id order after `after_id`; `limit + 1` at most.
pub fn list_courses(
    connection: &mut DbConnection,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<TrainingCourse>> {
    let mut query = training_courses::table
        .select(TrainingCourse::as_select())
        .order(training_courses::id.asc())
        .limit(limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(training_courses::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// A session with its attendees, as audited.
#[derive(Serialize)]
struct SessionRecord<'a> {
    session: &'a TrainingSession,
    attendees: &'a [TrainingAttendee],
}

pub fn insert_session(
    connection: &mut DbConnection,
    actor: &Actor,
    session: &TrainingSession,
    attendees: &[TrainingAttendee],
) -> StoreResult<()> {
    diesel::insert_into(training_sessions::table)
        .values(session)
        .execute(connection)?;
    for attendee in attendees {
        diesel::insert_into(training_attendees::table)
            .values(attendee)
            .execute(connection)?;
    }
    audit::record(
        connection,
        actor,
        "training_session.create",
        ("training_session", &session.id),
        None::<&()>,
        Some(&SessionRecord { session, attendees }),
    )
}

pub fn find_session(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<TrainingSession>> {
    Ok(training_sessions::table
        .find(id)
        .select(TrainingSession::as_select())
        .first(connection)
        .optional()?)
}

/// The session's attendees in employee id order.
pub fn attendees_of(
    connection: &mut DbConnection,
    session_id: &str,
) -> StoreResult<Vec<TrainingAttendee>> {
    Ok(training_attendees::table
        .filter(training_attendees::session_id.eq(session_id))
        .select(TrainingAttendee::as_select())
        .order(training_attendees::employee_id.asc())
        .load(connection)?)
}

/// The session's assessments in the order they were made.
pub fn assessments_of(
    connection: &mut DbConnection,
    session_id: &str,
) -> StoreResult<Vec<TrainingAssessment>> {
    Ok(training_assessments::table
        .filter(training_assessments::session_id.eq(session_id))
        .select(TrainingAssessment::as_select())
        .order((
            training_assessments::employee_id.asc(),
            training_assessments::attempt.asc(),
        ))
        .load(connection)?)
}

/// Writes the attendance `after` over `before` while the session is still at `before`'s
/// version, bumping it.
pub fn save_attendance(
    connection: &mut DbConnection,
    actor: &Actor,
    before: (&TrainingSession, &[TrainingAttendee]),
    after: (&TrainingSession, &[TrainingAttendee]),
) -> StoreResult<()> {
    update_versioned!(&mut *connection, training_sessions, before.0, after.0)?;
    for attendee in after.1 {
        diesel::update(
            training_attendees::table
                .filter(training_attendees::session_id.eq(&attendee.session_id))
                .filter(training_attendees::employee_id.eq(&attendee.employee_id)),
        )
        .set(training_attendees::present.eq(attendee.present))
        .execute(connection)?;
    }
    audit::record(
        connection,
        actor,
        "training_session.attendance",
        ("training_session", &before.0.id),
        Some(&SessionRecord {
            session: before.0,
            attendees: before.1,
        }),
        Some(&SessionRecord {
            session: after.0,
            attendees: after.1,
        }),
    )
}

/// Stores an assessment and the certificate it issues, if any.
pub fn insert_assessment(
    connection: &mut DbConnection,
    actor: &Actor,
    assessment: &TrainingAssessment,
    certificate: Option<&Certificate>,
) -> StoreResult<()> {
    diesel::insert_into(training_assessments::table)
        .values(assessment)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "training_assessment.record",
        ("training_assessment", &assessment.id),
        None::<&()>,
        Some(assessment),
    )?;
    if let Some(certificate) = certificate {
        diesel::insert_into(certificates::table)
            .values(certificate)
            .execute(connection)?;
        audit::record(
            connection,
            actor,
            "certificate.issue",
            ("certificate", &certificate.id),
            None::<&()>,
            Some(certificate),
        )?;
    }
    Ok(())
}

/// How many certificates were issued from `first` through `last`.
pub fn certificates_issued_between(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
) -> StoreResult<i64> {
    Ok(certificates::table
        .filter(certificates::issued_on.between(first, last))
        .count()
        .get_result(connection)?)
}

/// The certificates of `employee_ids`, in issue order.
pub fn certificates_of(
    connection: &mut DbConnection,
    employee_ids: &[String],
) -> StoreResult<Vec<Certificate>> {
    Ok(certificates::table
        .filter(certificates::employee_id.eq_any(employee_ids))
        .select(Certificate::as_select())
        .order((certificates::issued_on.asc(), certificates::id.asc()))
        .load(connection)?)
}

/// An employee with the roles of the staff account they sign in as.
#[derive(Debug, Clone)]
pub struct EmployeeAccount {
    pub employee: Employee,
    /// Space-separated role names.
    pub roles: String,
    pub active: bool,
}

/// Every employee with a staff account, in employee id order after `after_id`.
pub fn employees_with_accounts(
    connection: &mut DbConnection,
    after_id: Option<&str>,
) -> StoreResult<Vec<EmployeeAccount>> {
    let mut query = employees::table
        .inner_join(users::table.on(employees::user_id.eq(users::id.nullable())))
        .select((Employee::as_select(), users::roles, users::active))
        .order(employees::id.asc())
        .into_boxed::<MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(employees::id.gt(after.to_owned()));
    }
    let rows: Vec<(Employee, String, bool)> = query.load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(employee, roles, active)| EmployeeAccount {
            employee,
            roles,
            active,
        })
        .collect())
}

/// Records a customer training and the requests it fulfils (each `(before, after)`).
pub fn insert_customer_training(
    connection: &mut DbConnection,
    actor: &Actor,
    training: &CustomerTraining,
    fulfilled: &[(CustomerTrainingRequest, CustomerTrainingRequest)],
) -> StoreResult<()> {
    diesel::insert_into(customer_trainings::table)
        .values(training)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "customer_training.record",
        ("customer_training", &training.id),
        None::<&()>,
        Some(training),
    )?;
    for (before, after) in fulfilled {
        update_versioned!(&mut *connection, customer_training_requests, before, after)?;
        audit::record(
            connection,
            actor,
            "customer_training_request.fulfil",
            ("customer_training_request", &before.id),
            Some(before),
            Some(after),
        )?;
    }
    Ok(())
}

pub fn insert_request(
    connection: &mut DbConnection,
    actor: &Actor,
    request: &CustomerTrainingRequest,
) -> StoreResult<()> {
    diesel::insert_into(customer_training_requests::table)
        .values(request)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "customer_training_request.create",
        ("customer_training_request", &request.id),
        None::<&()>,
        Some(request),
    )
}

/// The customer's requests with `status`, oldest first.
pub fn requests_of(
    connection: &mut DbConnection,
    customer_id: &str,
    status: &str,
) -> StoreResult<Vec<CustomerTrainingRequest>> {
    Ok(customer_training_requests::table
        .filter(customer_training_requests::customer_id.eq(customer_id))
        .filter(customer_training_requests::status.eq(status))
        .select(CustomerTrainingRequest::as_select())
        .order((
            customer_training_requests::requested_on.asc(),
            customer_training_requests::id.asc(),
        ))
        .load(connection)?)
}

/// A customer the due list considers.
#[derive(Debug, Clone, Queryable)]
pub struct TrainingCandidate {
    pub id: String,
    pub full_name: String,
    pub owner_id: Option<String>,
    pub current_tier: Option<String>,
}

/// Customers holding one of `tiers` or with a request of `status`, in id order after
/// `after_id`; `limit` at most.
pub fn training_candidates(
    connection: &mut DbConnection,
    tiers: &[&str],
    status: &str,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<TrainingCandidate>> {
    let requested = customer_training_requests::table
        .filter(customer_training_requests::status.eq(status.to_owned()))
        .select(customer_training_requests::customer_id);
    let mut query = customers::table
        .filter(
            customers::current_tier
                .eq_any(tiers.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>())
                .or(customers::id.eq_any(requested)),
        )
        .select((
            customers::id,
            customers::full_name,
            customers::owner_id,
            customers::current_tier,
        ))
        .order(customers::id.asc())
        .limit(limit)
        .into_boxed::<MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(customers::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// `(customer, day)` of every training of `customer_ids` on or before `on`.
pub fn trainings_through(
    connection: &mut DbConnection,
    customer_ids: &[String],
    on: Date,
) -> StoreResult<Vec<(String, Date)>> {
    Ok(customer_trainings::table
        .filter(customer_trainings::customer_id.eq_any(customer_ids))
        .filter(customer_trainings::trained_on.le(on))
        .select((
            customer_trainings::customer_id,
            customer_trainings::trained_on,
        ))
        .load(connection)?)
}

/// `(customer, day)` of every request of `customer_ids` with `status` made on or before `on`.
pub fn requests_through(
    connection: &mut DbConnection,
    customer_ids: &[String],
    status: &str,
    on: Date,
) -> StoreResult<Vec<(String, Date)>> {
    Ok(customer_training_requests::table
        .filter(customer_training_requests::customer_id.eq_any(customer_ids))
        .filter(customer_training_requests::status.eq(status))
        .filter(customer_training_requests::requested_on.le(on))
        .select((
            customer_training_requests::customer_id,
            customer_training_requests::requested_on,
        ))
        .load(connection)?)
}
