//! TRAIN — training, assessment and certification (培训、考核、发证): courses, sessions with
//! attendance (TRAIN-1), assessments (TRAIN-2), certificates and who lacks one (TRAIN-3), and
//! the periodic training of customers by tier (TRAIN-4).

use std::borrow::Cow;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Deserializer, Serialize};
use time::Date;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::role::Role;
use zhidu_domain::tier::Tier;
use zhidu_domain::training::{CertificateGap, Hours, TrainingDueReason, TrainingDueStatus};
use zhidu_service::training::{
    self as service, Certificate, CertificateGapRow, CustomerTraining, CustomerTrainingRequest,
    DueTraining, NewSession, SessionRecords, TrainingAssessment, TrainingCourse,
};

use crate::auth::{Authorized, CareStaff, Trainers};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Items, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};

/// Under `/training-courses`.
pub fn configure_courses(config: &mut ServiceConfig) {
    config.service(create_course).service(list_courses);
}

/// Under `/training-sessions`.
pub fn configure_sessions(config: &mut ServiceConfig) {
    config
        .service(create_session)
        .service(get_session)
        .service(record_attendance)
        .service(record_assessment);
}

/// Under `/certificates`.
pub fn configure_certificates(config: &mut ServiceConfig) {
    config.service(certificate_gaps).service(list_certificates);
}

/// Under `/customers`.
pub fn configure_per_customer(config: &mut ServiceConfig) {
    config
        .service(record_customer_training)
        .service(request_customer_training);
}

/// Under `/customer-trainings`.
pub fn configure_customer_trainings(config: &mut ServiceConfig) {
    config.service(trainings_due);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCourse {
    #[schema(example = "客服规范与系统操作")]
    pub name: Text<1, 200>,
    /// TRAIN-3: passing its assessment issues a certificate.
    pub certification: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseView {
    pub id: String,
    pub name: String,
    pub certification: bool,
    pub created_by: String,
    pub version: i64,
    pub created_at: Instant,
}

fn course_view(course: TrainingCourse) -> CourseView {
    CourseView {
        id: course.id,
        name: course.name,
        certification: course.certification,
        created_by: course.created_by,
        version: course.version,
        created_at: Instant::from_utc(course.created_at),
    }
}

/// TRAIN-1: add a training course (names are unique).
#[utoipa::path(
    tag = "training",
    request_body = NewCourse,
    responses((status = 201, body = CourseView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_course(
    state: web::Data<AppState>,
    caller: Authorized<Trainers>,
    Json(request): Json<NewCourse>,
) -> Result<HttpResponse, ApiError> {
    let course = state
        .write(move |connection| {
            Ok(service::create_course(
                connection,
                &caller,
                &request.name,
                request.certification,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(course_view(course)))
}

/// The training courses, in the order they were added.
#[utoipa::path(
    tag = "training",
    params(PageParams),
    responses((status = 200, body = Page<CourseView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_courses(
    state: web::Data<AppState>,
    _caller: Authorized<Trainers>,
    Query(page): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let after_id = page.after_id();
    let limit = page.limit();
    let rows = state
        .read(move |connection| {
            Ok(service::list_courses(
                connection,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |c| &c.id).map(course_view)))
}

/// TRAIN-1: a session's length in hours, a decimal string with at most two decimals.
#[derive(Debug, Clone, Copy)]
pub struct SessionHours(Hours);

impl<'de> Deserialize<'de> for SessionHours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map(SessionHours)
            .map_err(|e| serde::de::Error::custom(format!("hours {e}")))
    }
}

impl PartialSchema for SessionHours {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[0-9]{1,4}(\\.[0-9]{1,2})?$"))
            .description(Some(
                "Hours as a decimal string with at most two decimals, more than 0 and at most 24",
            ))
            .examples([serde_json::json!("2.5")])
            .into()
    }
}

impl ToSchema for SessionHours {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("SessionHours")
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSessionRequest {
    pub course_id: String,
    /// The employee who trains.
    pub trainer_id: String,
    pub held_on: IsoDate,
    pub hours: SessionHours,
    /// The employees expected to attend, each once.
    pub attendee_ids: Items<String, 1, 200>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    pub id: String,
    pub session_id: String,
    pub employee_id: String,
    /// 1 for the first attempt; at most 3 (two retakes).
    pub attempt: i32,
    pub score: i32,
    /// TRAIN-2: the score reached the pass mark (60).
    pub passed: bool,
    pub assessed_on: IsoDate,
    pub recorded_by: String,
}

fn assessment_view(assessment: TrainingAssessment) -> AssessmentView {
    AssessmentView {
        id: assessment.id,
        session_id: assessment.session_id,
        employee_id: assessment.employee_id,
        attempt: assessment.attempt,
        score: assessment.score,
        passed: assessment.passed,
        assessed_on: IsoDate(assessment.assessed_on),
        recorded_by: assessment.recorded_by,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeView {
    pub employee_id: String,
    /// `true` present, `false` absent; absent while attendance is not recorded.
    pub present: Option<bool>,
    /// Their assessment attempts, first first.
    pub assessments: Vec<AssessmentView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    pub course_id: String,
    pub trainer_id: String,
    pub held_on: IsoDate,
    #[schema(example = "2.50")]
    pub hours: String,
    pub attendees: Vec<AttendeeView>,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: Instant,
}

fn session_view(records: SessionRecords) -> SessionView {
    let mut assessments = records.assessments;
    let attendees = records
        .attendees
        .into_iter()
        .map(|attendee| {
            let (theirs, rest): (Vec<_>, Vec<_>) = assessments
                .drain(..)
                .partition(|a| a.employee_id == attendee.employee_id);
            assessments = rest;
            AttendeeView {
                employee_id: attendee.employee_id,
                present: attendee.present,
                assessments: theirs.into_iter().map(assessment_view).collect(),
            }
        })
        .collect();
    let session = records.session;
    SessionView {
        id: session.id,
        course_id: session.course_id,
        trainer_id: session.trainer_id,
        held_on: IsoDate(session.held_on),
        hours: Hours::from_hundredths(session.hours_centi).to_string(),
        attendees,
        recorded_by: session.recorded_by,
        version: session.version,
        created_at: Instant::from_utc(session.created_at),
    }
}

/// TRAIN-1: record a training session: course, trainer, day, hours and attendees.
#[utoipa::path(
    tag = "training",
    request_body = NewSessionRequest,
    responses((status = 201, body = SessionView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_session(
    state: web::Data<AppState>,
    caller: Authorized<Trainers>,
    Json(request): Json<NewSessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.training_policy.clone();
    let new = NewSession {
        course_id: request.course_id,
        trainer_id: request.trainer_id,
        held_on: request.held_on.0,
        hours: request.hours.0,
        attendee_ids: request.attendee_ids.into_vec(),
    };
    let records = state
        .write(move |connection| Ok(service::create_session(connection, &caller, &policy, new)?))
        .await?;
    Ok(HttpResponse::Created().json(session_view(records)))
}

/// One session with its attendance and assessments.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Session id")),
    responses((status = 200, body = SessionView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_session(
    state: web::Data<AppState>,
    _caller: Authorized<Trainers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let records = state
        .read(move |connection| Ok(service::find_session(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(session_view(records)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceMark {
    pub employee_id: String,
    pub present: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceUpdate {
    /// The version the client read (412 when stale).
    pub version: i64,
    /// Attendees' marks; each given replaces what was recorded.
    pub attendance: Items<AttendanceMark, 1, 200>,
}

/// TRAIN-1: record attendance, from the session's day on (versioned).
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Session id")),
    request_body = AttendanceUpdate,
    responses((status = 200, body = SessionView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/attendance")]
async fn record_attendance(
    state: web::Data<AppState>,
    caller: Authorized<Trainers>,
    id: web::Path<String>,
    Json(request): Json<AttendanceUpdate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let version = request.version;
    let marks = request
        .attendance
        .into_iter()
        .map(|mark| (mark.employee_id, mark.present))
        .collect();
    let records = state
        .write(move |connection| {
            Ok(service::record_attendance(
                connection, &caller, &id, version, marks,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(session_view(records)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// An attendee recorded present.
    pub employee_id: String,
    /// 0–100; 60 or more passes.
    #[schema(example = 75)]
    pub score: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateView {
    pub id: String,
    #[schema(example = "ZD-CERT-2026-00001")]
    pub number: String,
    pub employee_id: String,
    pub course_id: String,
    pub assessment_id: String,
    pub issued_on: IsoDate,
    /// The last day it is valid: the day before the same date 12 months later.
    pub valid_through: IsoDate,
}

fn certificate_view(certificate: Certificate) -> CertificateView {
    CertificateView {
        id: certificate.id,
        number: certificate.number,
        employee_id: certificate.employee_id,
        course_id: certificate.course_id,
        assessment_id: certificate.assessment_id,
        issued_on: IsoDate(certificate.issued_on),
        valid_through: IsoDate(certificate.valid_through),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentResult {
    pub assessment: AssessmentView,
    /// TRAIN-3: issued when a certification course is passed.
    pub certificate: Option<CertificateView>,
}

/// TRAIN-2: record an attendee's assessment attempt (assessed today); a pass of a
/// certification course issues a certificate (TRAIN-3). A fourth attempt, an attempt after a
/// pass, or one by someone not recorded present is refused (422, rule TRAIN-2).
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Session id")),
    request_body = NewAssessment,
    responses((status = 201, body = AssessmentResult), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/assessments")]
async fn record_assessment(
    state: web::Data<AppState>,
    caller: Authorized<Trainers>,
    id: web::Path<String>,
    Json(request): Json<NewAssessment>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.training_policy.clone();
    let (assessment, certificate) = state
        .write(move |connection| {
            Ok(service::record_assessment(
                connection,
                &caller,
                &policy,
                &id,
                &request.employee_id,
                request.score,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(AssessmentResult {
        assessment: assessment_view(assessment),
        certificate: certificate.map(certificate_view),
    }))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CertificatesParams {
    pub employee_id: String,
}

/// An employee's certificates, in issue order.
#[utoipa::path(
    tag = "training",
    params(CertificatesParams),
    responses((status = 200, body = Vec<CertificateView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_certificates(
    state: web::Data<AppState>,
    _caller: Authorized<Trainers>,
    Query(params): Query<CertificatesParams>,
) -> Result<HttpResponse, ApiError> {
    let certificates = state
        .read(move |connection| Ok(service::certificates_of(connection, &params.employee_id)?))
        .await?;
    let views: Vec<CertificateView> = certificates.into_iter().map(certificate_view).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// `?on=&limit=&cursor=` of the lists judged on a day (TRAIN-3 gaps, TRAIN-4 due trainings).
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DayListParams {
    /// The day judged, `YYYY-MM-DD`.
    pub on: IsoDate,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

impl DayListParams {
    /// The day, the sort key the page starts after, and the page size.
    fn parts(self) -> (Date, Option<String>, i64) {
        let page = PageParams {
            limit: self.limit,
            cursor: self.cursor,
        };
        (self.on.0, page.after_id(), page.limit())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapView {
    pub employee_id: String,
    pub name: String,
    pub department_id: String,
    /// The account's roles that need a certificate.
    pub roles: Vec<Role>,
    /// `missing`, `expired`, or `expiring` (within 30 days).
    pub reason: CertificateGap,
    /// The latest certificate issued on or before the day, if any.
    pub certificate_number: Option<String>,
    pub valid_through: Option<IsoDate>,
}

/// TRAIN-3: on `on`, the employees whose role needs a certificate (`cs_agent`, `technician`)
/// and who have none valid that day, or one whose last valid day is within 30 days.
#[utoipa::path(
    tag = "training",
    params(DayListParams),
    responses((status = 200, body = Page<GapView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/gaps")]
async fn certificate_gaps(
    state: web::Data<AppState>,
    _caller: Authorized<Trainers>,
    Query(params): Query<DayListParams>,
) -> Result<HttpResponse, ApiError> {
    let (on, after_id, limit) = params.parts();
    let policy = state.training_policy.clone();
    let rows = state
        .read(move |connection| {
            Ok(service::certificate_gaps(
                connection,
                &policy,
                on,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page =
        Page::from_rows(rows, limit, |row: &CertificateGapRow| &row.employee.id).map(|row| {
            GapView {
                employee_id: row.employee.id,
                name: row.employee.name,
                department_id: row.employee.department_id,
                roles: row.roles,
                reason: row.reason,
                valid_through: row.latest.as_ref().map(|c| IsoDate(c.valid_through)),
                certificate_number: row.latest.map(|c| c.number),
            }
        });
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomerTraining {
    /// The day the customer was trained; not in the future.
    pub trained_on: IsoDate,
    #[schema(example = "网站后台操作")]
    pub topic: Text<1, 200>,
    #[serde(default)]
    pub note: Option<Text<0, 2000>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerTrainingView {
    pub id: String,
    pub customer_id: String,
    pub trained_on: IsoDate,
    pub topic: String,
    pub note: String,
    pub recorded_by: String,
    pub created_at: Instant,
}

fn customer_training_view(training: CustomerTraining) -> CustomerTrainingView {
    CustomerTrainingView {
        id: training.id,
        customer_id: training.customer_id,
        trained_on: IsoDate(training.trained_on),
        topic: training.topic,
        note: training.note,
        recorded_by: training.recorded_by,
        created_at: Instant::from_utc(training.created_at),
    }
}

/// TRAIN-4: record a training given to the customer; it fulfils the customer's open requests
/// made on or before that day.
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewCustomerTraining,
    responses((status = 201, body = CustomerTrainingView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/trainings")]
async fn record_customer_training(
    state: web::Data<AppState>,
    caller: Authorized<CareStaff>,
    id: web::Path<String>,
    Json(request): Json<NewCustomerTraining>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let training = state
        .write(move |connection| {
            Ok(service::record_customer_training(
                connection,
                &caller,
                &id,
                request.trained_on.0,
                &request.topic,
                request.note.as_ref().map_or("", |note| note.as_str()),
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(customer_training_view(training)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrainingRequest {
    /// The day the customer asked; today when not given, never in the future.
    #[serde(default)]
    pub requested_on: Option<IsoDate>,
    #[serde(default)]
    pub note: Option<Text<0, 2000>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingRequestView {
    pub id: String,
    pub customer_id: String,
    pub requested_on: IsoDate,
    pub note: String,
    /// `open` or `fulfilled`.
    #[schema(example = "open")]
    pub status: String,
    /// The training that fulfilled it.
    pub training_id: Option<String>,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: Instant,
}

/// TRAIN-4: record the customer's request for a training: due within 30 days whatever the
/// customer's tier (tier C is trained only on request).
#[utoipa::path(
    tag = "training",
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewTrainingRequest,
    responses((status = 201, body = TrainingRequestView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/training-requests")]
async fn request_customer_training(
    state: web::Data<AppState>,
    caller: Authorized<CareStaff>,
    id: web::Path<String>,
    Json(request): Json<NewTrainingRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let created: CustomerTrainingRequest = state
        .write(move |connection| {
            Ok(service::request_customer_training(
                connection,
                &caller,
                &id,
                request.requested_on.map(|day| day.0),
                request.note.as_ref().map_or("", |note| note.as_str()),
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(TrainingRequestView {
        id: created.id,
        customer_id: created.customer_id,
        requested_on: IsoDate(created.requested_on),
        note: created.note,
        status: created.status,
        training_id: created.training_id,
        recorded_by: created.recorded_by,
        version: created.version,
        created_at: Instant::from_utc(created.created_at),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueView {
    pub customer_id: String,
    pub full_name: String,
    /// The responsible salesperson (user id), if any.
    pub owner_id: Option<String>,
    pub tier: Option<Tier>,
    /// The latest training on or before the day judged.
    pub last_trained_on: Option<IsoDate>,
    /// The earliest open request made on or before the day judged.
    pub open_request_on: Option<IsoDate>,
    /// The day the training is due by.
    pub due_by: IsoDate,
    pub status: TrainingDueStatus,
    pub reason: TrainingDueReason,
}

/// TRAIN-4: on `on`, the customers due or overdue a training: tier A every quarter, tier B
/// every half year (a customer never trained is due in the current period), and any customer
/// with an open request (tier C only so), in customer id order.
#[utoipa::path(
    tag = "training",
    params(DayListParams),
    responses((status = 200, body = Page<DueView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/due")]
async fn trainings_due(
    state: web::Data<AppState>,
    _caller: Authorized<CareStaff>,
    Query(params): Query<DayListParams>,
) -> Result<HttpResponse, ApiError> {
    let (on, after_id, limit) = params.parts();
    let policy = state.training_policy.clone();
    let rows = state
        .read(move |connection| {
            Ok(service::trainings_due(
                connection,
                &policy,
                on,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page =
        Page::from_rows(rows, limit, |row: &DueTraining| &row.customer.id).map(|row| DueView {
            customer_id: row.customer.id,
            full_name: row.customer.full_name,
            owner_id: row.customer.owner_id,
            tier: row.record.tier,
            last_trained_on: row.record.last_trained_on.map(IsoDate),
            open_request_on: row.record.open_request_on.map(IsoDate),
            due_by: IsoDate(row.due.due_by),
            status: row.due.status,
            reason: row.due.reason,
        });
    Ok(HttpResponse::Ok().json(page))
}
