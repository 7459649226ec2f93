//! Attendance (ATT-1..7): clock punches one by one and in device batches, make-up punch
//! requests (ATT-5), exception forms (ATT-4), and the month's evaluation per employee and for
//! HR. The month is computed by `zhidu_domain::attendance::evaluate_month`; the use cases are
//! `zhidu_service::attendance`.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::attendance::{AbsenceTotals, ExceptionCause, LeaveTotals, MonthResult};
use zhidu_domain::money::Money;
use zhidu_domain::roster::HalfDays;

use crate::approvals::{DecisionRequest, StepView, chain_view};
use crate::auth::{Authorized, PeopleAdmins, PeopleOverseers, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Bounded, Items, Text};
use crate::page::{Cursor, Page};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};
use zhidu_service::approvals::{self, ApprovalStep, StepDecision};
use zhidu_service::attendance::{self as service, DevicePunch, ExceptionForm, MakeUpRequest};
use zhidu_service::people::Employee;

/// Under `/attendance`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record_punch)
        .service(import_punches)
        .service(request_make_up)
        .service(decide_make_up)
        .service(file_exception)
        .service(decide_exception)
        .service(summary);
}

/// Under `/employees`.
pub fn configure_per_employee(config: &mut ServiceConfig) {
    config.service(employee_month);
}

/// A device batch may carry this many punches (a day of a large site's clocks).
pub const MAX_PUNCHES_PER_IMPORT: usize = 10_000;

/// A batch of 10,000 punches is about 1 MiB of JSON; this leaves room for long ids.
const IMPORT_BODY_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PunchRequest {
    pub employee_id: String,
    #[schema(example = "2026-03-02T08:58:12+08:00")]
    pub punched_at: Instant,
    /// The clock that recorded it, if any.
    pub device_id: Option<DeviceId>,
}

/// A clock device's id.
pub type DeviceId = Text<0, 100>;

#[derive(Debug, Serialize, ToSchema)]
pub struct PunchReceipt {
    pub employee_id: String,
    pub punched_at: Instant,
    /// The punch was already on file; nothing changed.
    pub duplicate: bool,
}

/// Record one punch (admin, HR, or a clock integration with one of those roles). The same
/// employee and second again is recognised and answered 200 with `duplicate: true`.
#[utoipa::path(
    tag = "attendance",
    request_body = PunchRequest,
    responses(
        (status = 201, body = PunchReceipt),
        (status = 200, description = "Already on file", body = PunchReceipt),
        BodyErrors, AuthErrors, Unavailable
    ),
    security(("bearer" = []))
)]
#[post("/punches")]
async fn record_punch(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    Json(request): Json<PunchRequest>,
) -> Result<HttpResponse, ApiError> {
    let (punch, inserted) = state
        .write(move |connection| {
            Ok(service::record_punch(
                connection,
                &caller,
                request.employee_id,
                request.punched_at.0,
                request.device_id.map(Text::into_string),
            )?)
        })
        .await?;
    let receipt = PunchReceipt {
        employee_id: punch.employee_id,
        punched_at: Instant::from_utc(punch.punched_at),
        duplicate: !inserted,
    };
    Ok(if inserted {
        HttpResponse::Created().json(receipt)
    } else {
        HttpResponse::Ok().json(receipt)
    })
}

/// One row of a device batch. `punched_at` is checked row by row so that every bad row is
/// reported, not just the first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportedPunch {
    pub employee_id: String,
    #[schema(value_type = Instant, example = "2026-03-02T08:58:12+08:00")]
    pub punched_at: String,
    pub device_id: Option<DeviceId>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PunchImport {
    pub punches: PunchBatch,
}

/// A device batch; named because the schema derive would read the constant in its type as a
/// type.
pub type PunchBatch = Items<ImportedPunch, 1, MAX_PUNCHES_PER_IMPORT>;

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReceipt {
    pub received: usize,
    /// New punches stored.
    pub inserted: usize,
    /// Punches already on file (or repeated in the batch), ignored.
    pub duplicates: usize,
}

/// Parses every row, naming each bad one by its index: every instant not written as the
/// schema states.
fn parse_import(rows: Vec<ImportedPunch>) -> Result<Vec<DevicePunch>, ApiError> {
    let mut malformed = Vec::new();
    let mut parsed = Vec::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        match serde_json::from_value::<Instant>(serde_json::Value::String(row.punched_at)) {
            Ok(instant) => parsed.push(DevicePunch {
                employee_id: row.employee_id,
                punched_at: instant.0,
                device_id: row.device_id.map(Text::into_string),
            }),
            Err(e) => malformed.push(FieldError {
                field: format!("punches[{index}].punched_at"),
                message: e.to_string(),
            }),
        }
    }
    if malformed.is_empty() {
        Ok(parsed)
    } else {
        Err(ApiError::validation(malformed))
    }
}

/// Import a clock device's batch (admin, HR): up to 10,000 punches, all or nothing. Every bad
/// row is reported with its index and nothing is stored (malformed instants first, as invalid;
/// then instants in the future and unknown employees, as refused); punches already on file (or
/// repeated within the batch) are ignored, so a device may safely resend a batch.
#[utoipa::path(
    tag = "attendance",
    request_body = PunchImport,
    responses((status = 200, body = ImportReceipt), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("/punches/batch")]
async fn import_punches(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    Json(request): Json<PunchImport, IMPORT_BODY_LIMIT>,
) -> Result<HttpResponse, ApiError> {
    let received = request.punches.len();
    let punches = parse_import(request.punches.into_vec())?;
    let inserted = state
        .write(move |connection| Ok(service::import_punches(connection, &caller, punches)?))
        .await?;
    Ok(HttpResponse::Ok().json(ImportReceipt {
        received,
        inserted,
        duplicates: received - inserted,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MakeUpBody {
    /// Defaults to the caller's own employee record; HR may name another.
    pub employee_id: Option<String>,
    /// The punch that is missing.
    #[schema(example = "2026-03-02T17:31:00+08:00")]
    pub punched_at: Instant,
    pub reason: Text<1, 500>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MakeUpView {
    pub id: String,
    pub employee_id: String,
    pub punched_at: Instant,
    pub reason: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub chain: Vec<StepView>,
    pub version: i64,
    pub created_at: Instant,
}

fn make_up_view(request: MakeUpRequest, chain: &[ApprovalStep]) -> Result<MakeUpView, ApiError> {
    Ok(MakeUpView {
        id: request.id,
        employee_id: request.employee_id,
        punched_at: Instant::from_utc(request.punched_at),
        reason: request.reason,
        status: request.status,
        chain: chain_view(chain)?,
        version: request.version,
        created_at: Instant::from_utc(request.created_at),
    })
}

/// Request a make-up punch (ATT-5): one per employment, signed by the supervisor.
#[utoipa::path(
    tag = "attendance",
    request_body = MakeUpBody,
    responses((status = 201, body = MakeUpView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("/make-up-requests")]
async fn request_make_up(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(body): Json<MakeUpBody>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.attendance_policy.clone();
    let view = state
        .write(move |connection| {
            let (request, chain) = service::request_make_up(
                connection,
                &caller,
                &policy,
                body.employee_id.as_deref(),
                body.punched_at.0,
                &body.reason,
            )?;
            make_up_view(request, &chain)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The supervisor signs (or refuses) a make-up punch; once signed the punch counts.
#[utoipa::path(
    tag = "attendance",
    params(("id" = String, Path, description = "Make-up request id")),
    request_body = DecisionRequest,
    responses((status = 200, body = MakeUpView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/make-up-requests/{id}/decisions")]
async fn decide_make_up(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let (after, chain) = approvals::decide_request::<MakeUpRequest>(
                connection,
                &caller,
                &id,
                &StepDecision::from(&body),
            )?;
            make_up_view(after, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionBody {
    /// Defaults to the caller's own employee record; HR may name another.
    pub employee_id: Option<String>,
    /// The day whose lateness is excused.
    pub occurred_on: IsoDate,
    pub cause: ExceptionCause,
    pub reason: Text<1, 500>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionView {
    pub id: String,
    pub employee_id: String,
    pub occurred_on: IsoDate,
    /// `road_works` or `traffic_accident`.
    pub cause: String,
    pub reason: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub chain: Vec<StepView>,
    pub version: i64,
    pub created_at: Instant,
}

fn exception_view(form: ExceptionForm, chain: &[ApprovalStep]) -> Result<ExceptionView, ApiError> {
    Ok(ExceptionView {
        id: form.id,
        employee_id: form.employee_id,
        occurred_on: IsoDate(form.occurred_on),
        cause: form.cause,
        reason: form.reason,
        status: form.status,
        chain: chain_view(chain)?,
        version: form.version,
        created_at: Instant::from_utc(form.created_at),
    })
}

/// File an exception form excusing a day's lateness (ATT-4): within 24 hours, at most one a
/// month; the department head signs, then HR confirms.
#[utoipa::path(
    tag = "attendance",
    request_body = ExceptionBody,
    responses((status = 201, body = ExceptionView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("/exceptions")]
async fn file_exception(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(body): Json<ExceptionBody>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.attendance_policy.clone();
    let view = state
        .write(move |connection| {
            let (form, chain) = service::file_exception(
                connection,
                &caller,
                &policy,
                body.employee_id.as_deref(),
                body.occurred_on.0,
                body.cause,
                &body.reason,
            )?;
            exception_view(form, &chain)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The department head signs, then HR confirms (or either refuses) an exception form.
#[utoipa::path(
    tag = "attendance",
    params(("id" = String, Path, description = "Exception form id")),
    request_body = DecisionRequest,
    responses((status = 200, body = ExceptionView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/exceptions/{id}/decisions")]
async fn decide_exception(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let (after, chain) = approvals::decide_request::<ExceptionForm>(
                connection,
                &caller,
                &id,
                &StepDecision::from(&body),
            )?;
            exception_view(after, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MonthParams {
    /// The month, `YYYY-MM`.
    pub month: YearMonth,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmployeeMonth {
    pub employee_id: String,
    pub month: YearMonth,
    #[serde(flatten)]
    pub result: MonthResult,
}

/// An employee's month (ATT-1..7): every day with its classification and the rules that
/// fired, the occurrences with their fines, absence, leave, deductions and full attendance.
/// The employee, HR, the general manager and the employee's managers may read it.
#[utoipa::path(
    tag = "attendance",
    params(("id" = String, Path, description = "Employee id"), MonthParams),
    responses((status = 200, body = EmployeeMonth), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/attendance")]
async fn employee_month(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Query(params): Query<MonthParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.attendance_policy.clone();
    let month = params.month;
    let view = state
        .read(move |connection| {
            let (employee, result) =
                service::employee_month(connection, &caller, &policy, &id, month.first_day())?;
            Ok(EmployeeMonth {
                employee_id: employee.id,
                month,
                result,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SummaryParams {
    /// The month, `YYYY-MM`.
    pub month: YearMonth,
    /// A department id: only its employees.
    pub department: Option<String>,
    /// Employees per page (default 500).
    pub limit: Option<Bounded<1, 5000>>,
    pub cursor: Option<Cursor>,
}

/// One employee's month in the HR summary: the totals without the days.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryRow {
    pub employee_id: String,
    pub name: String,
    pub department_id: String,
    /// Why the month could not be evaluated (a record missing HR facts); the totals are then
    /// absent.
    pub problem: Option<String>,
    pub scheduled_days: Option<u32>,
    pub occurrences: Option<usize>,
    pub fines_total: Option<Money>,
    pub absence: Option<AbsenceTotals>,
    pub leave: Option<LeaveTotals>,
    pub deduction_days: Option<HalfDays>,
    pub performance_bonus_forfeited: Option<bool>,
    pub base_salary_only: Option<bool>,
    pub full_attendance: Option<bool>,
    pub calendar_provisional: Option<bool>,
}

fn summary_row(employee: Employee, result: Result<MonthResult, String>) -> SummaryRow {
    let (problem, result) = match result {
        Ok(result) => (None, Some(result)),
        Err(problem) => (Some(problem), None),
    };
    let result = result.as_ref();
    SummaryRow {
        employee_id: employee.id,
        name: employee.name,
        department_id: employee.department_id,
        problem,
        scheduled_days: result.map(|r| r.scheduled_days),
        occurrences: result.map(|r| r.occurrences.len()),
        fines_total: result.map(|r| r.fines_total),
        absence: result.map(|r| r.absence),
        leave: result.map(|r| r.leave),
        deduction_days: result.map(|r| r.deduction_days),
        performance_bonus_forfeited: result.map(|r| r.performance_bonus_forfeited),
        base_salary_only: result.map(|r| r.base_salary_only),
        full_attendance: result.map(|r| r.full_attendance),
        calendar_provisional: result.map(|r| r.calendar_provisional),
    }
}

/// The month of every employee, optionally of one department (admin, HR, general manager),
/// in employee order with cursor pagination.
#[utoipa::path(
    tag = "attendance",
    params(SummaryParams),
    responses((status = 200, body = Page<SummaryRow>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/summary")]
async fn summary(
    state: web::Data<AppState>,
    caller: Authorized<PeopleOverseers>,
    Query(params): Query<SummaryParams>,
) -> Result<HttpResponse, ApiError> {
    let after = params.cursor.map(|cursor| cursor.key().to_owned());
    let limit = params.limit.map_or(500, Bounded::get);
    let policy = state.attendance_policy.clone();
    let month = params.month;
    let department = params.department;
    let page = state
        .read(move |connection| {
            let (employees, results) = service::month_summary(
                connection,
                &caller,
                &policy,
                department.as_deref(),
                after.as_deref(),
                limit,
                month.first_day(),
            )?;
            let page = Page::from_rows(employees, limit, |e: &Employee| &e.id);
            Ok(Page {
                items: page
                    .items
                    .into_iter()
                    .zip(results)
                    .map(|(employee, result)| summary_row(employee, result))
                    .collect(),
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
