//! Attendance (ATT-1..7): clock punches one by one and in device batches, make-up punch
//! requests (ATT-5), exception forms (ATT-4), and the month's evaluation per employee and for
//! HR. The month is computed by `zhidu_domain::attendance::evaluate_month`; this module only
//! loads its inputs and stores what people file.

use std::collections::HashSet;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, PrimitiveDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::approval::ApplicationStatus;
use zhidu_domain::approval::StepKind;
use zhidu_domain::attendance::{
    AbsenceTotals, LeaveTotals, MonthResult, exception_may_be_filed, make_up_may_be_requested,
};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::money::Money;
use zhidu_domain::roster::HalfDays;
use zhidu_store::attendance::{self, ExceptionForm, MakeUpRequest, Punch};
use zhidu_store::audit;
use zhidu_store::clock::Moment;
use zhidu_store::people::{self, Employee, EmployeeScope};
use zhidu_store::{StoreError, approvals as approval_store, new_id};

use zhidu_service::access::employees::{filing_employee, readable_employee};
use zhidu_service::people::shift_of;

use crate::approvals::{DecisionRequest, StepView, chain_view};
use crate::auth::{Authorized, PeopleAdmins, PeopleOverseers, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Bounded, Items, Text};
use crate::page::{Cursor, Page};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth, stored_utc};
use zhidu_service::approvals::{self, Decidable, StepDecision, department_head_for};
use zhidu_service::attendance::evaluate_employees;

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

/// How far ahead of the server's clock a device's clock may run.
const CLOCK_SKEW_ALLOWED: Duration = Duration::minutes(5);

/// A punch as stored: UTC, whole seconds, so the same punch resent is recognised.
fn stored_punch_time(instant: OffsetDateTime) -> PrimitiveDateTime {
    let utc = stored_utc(instant);
    utc.replace_nanosecond(0).unwrap_or(utc)
}

fn check_not_in_future(field: &str, instant: OffsetDateTime, at: Moment) -> Result<(), FieldError> {
    if instant > at.instant() + CLOCK_SKEW_ALLOWED {
        return Err(FieldError {
            field: field.to_owned(),
            message: "lies in the future".into(),
        });
    }
    Ok(())
}

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
    check_not_in_future("punched_at", request.punched_at.0, caller.actor.at)
        .map_err(|e| ApiError::field_refused(e.field, e.message))?;
    let punch = Punch {
        id: new_id(),
        employee_id: request.employee_id,
        punched_at: stored_punch_time(request.punched_at.0),
        source: "manual".into(),
        device_id: request.device_id.map(Text::into_string),
        created_at: caller.actor.at.stored(),
    };
    let actor = caller.actor;
    let (punch, inserted) = state
        .write(move |connection| {
            if people::find_employee(connection, &punch.employee_id)?.is_none() {
                return Err(ApiError::field_refused(
                    "employee_id",
                    format!("no employee {}", punch.employee_id),
                ));
            }
            let inserted =
                attendance::insert_new_punches(connection, std::slice::from_ref(&punch))?;
            if inserted > 0 {
                audit::record(
                    connection,
                    &actor,
                    "attendance.punch",
                    ("punch", &punch.id),
                    None::<&()>,
                    Some(&punch),
                )?;
            }
            Ok((punch, inserted > 0))
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

/// Parses every row, naming each bad one by its index: first every instant not written as
/// the schema states, then every one in the future.
fn parse_import(rows: Vec<ImportedPunch>, at: Moment) -> Result<Vec<Punch>, ApiError> {
    let field = |index: usize| format!("punches[{index}].punched_at");
    let mut malformed = Vec::new();
    let mut instants = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        match serde_json::from_value::<Instant>(serde_json::Value::String(row.punched_at.clone())) {
            Ok(instant) => instants.push(instant.0),
            Err(e) => malformed.push(FieldError {
                field: field(index),
                message: e.to_string(),
            }),
        }
    }
    if !malformed.is_empty() {
        return Err(ApiError::validation(malformed));
    }
    let future: Vec<FieldError> = instants
        .iter()
        .enumerate()
        .filter_map(|(index, instant)| check_not_in_future(&field(index), *instant, at).err())
        .collect();
    if let Some(first) = future.first() {
        return Err(ApiError::field_refused(&first.field, &first.message).with_errors(future));
    }
    let now = at.stored();
    Ok(rows
        .into_iter()
        .zip(instants)
        .map(|(row, instant)| Punch {
            id: new_id(),
            employee_id: row.employee_id,
            punched_at: stored_punch_time(instant),
            source: "device".into(),
            device_id: row.device_id.map(Text::into_string),
            created_at: now,
        })
        .collect())
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
    let mut punches = parse_import(request.punches.into_vec(), caller.actor.at)?;
    let mut seen = HashSet::with_capacity(punches.len());
    punches.retain(|p| seen.insert((p.employee_id.clone(), p.punched_at)));
    let actor = caller.actor;
    let inserted = state
        .write(move |connection| {
            let ids: Vec<String> = punches
                .iter()
                .map(|p| p.employee_id.clone())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            let known: HashSet<String> = people::find_employees(connection, &ids)?
                .into_iter()
                .map(|e| e.id)
                .collect();
            let unknown: Vec<FieldError> = punches
                .iter()
                .enumerate()
                .filter(|(_, p)| !known.contains(&p.employee_id))
                .map(|(index, p)| FieldError {
                    field: format!("punches[{index}].employee_id"),
                    message: format!("no employee {}", p.employee_id),
                })
                .collect();
            if let Some(first) = unknown.first() {
                return Err(
                    ApiError::field_refused(&first.field, &first.message).with_errors(unknown)
                );
            }
            let inserted = attendance::insert_new_punches(connection, &punches)?;
            audit::record(
                connection,
                &actor,
                "attendance.import",
                ("punch_import", &new_id()),
                None::<&()>,
                Some(&serde_json::json!({
                    "received": received,
                    "inserted": inserted,
                    "employees": ids.len(),
                })),
            )?;
            Ok(inserted)
        })
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

fn make_up_view(
    request: MakeUpRequest,
    chain: &[approval_store::ApprovalStep],
) -> Result<MakeUpView, StoreError> {
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

const MAKE_UP: &str = <MakeUpRequest as Decidable>::SUBJECT;
const EXCEPTION: &str = <ExceptionForm as Decidable>::SUBJECT;

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
    check_not_in_future("punched_at", body.punched_at.0, caller.actor.at)
        .map_err(|e| ApiError::field_refused(e.field, e.message))?;
    let policy = state.attendance_policy.clone();
    let view = state
        .write(move |connection| {
            let employee = filing_employee(connection, &caller, body.employee_id.as_deref())?;
            let live = attendance::live_make_up_requests(connection, &employee.id)?;
            make_up_may_be_requested(&policy, u32::try_from(live).unwrap_or(u32::MAX))
                .map_err(|refusal| ApiError::rule_refused(refusal.rule(), refusal.to_string()))?;
            let supervisor = match employee.superior_id.clone() {
                Some(superior) => superior,
                None => department_head_for(connection, &employee)?,
            };
            let now = caller.actor.at.stored();
            let request = MakeUpRequest {
                id: new_id(),
                employee_id: employee.id,
                punched_at: stored_punch_time(body.punched_at.0),
                reason: body.reason.trim().to_owned(),
                status: ApplicationStatus::Pending.as_str().into(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let chain = approvals::new_chain(
                MAKE_UP,
                &request.id,
                &[(StepKind::Supervisor, Some(supervisor))],
            );
            attendance::insert_make_up_request(connection, &caller.actor, &request)?;
            approval_store::insert_chain(connection, &chain)?;
            Ok(make_up_view(request, &chain)?)
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
            Ok(make_up_view(after, &chain)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// ATT-4's causes of excusable lateness.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionCause {
    RoadWorks,
    TrafficAccident,
}

impl ExceptionCause {
    fn text(self) -> &'static str {
        match self {
            ExceptionCause::RoadWorks => "road_works",
            ExceptionCause::TrafficAccident => "traffic_accident",
        }
    }
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

fn exception_view(
    form: ExceptionForm,
    chain: &[approval_store::ApprovalStep],
) -> Result<ExceptionView, StoreError> {
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
            let employee = filing_employee(connection, &caller, body.employee_id.as_deref())?;
            let department = people::find_department(connection, &employee.department_id)?
                .ok_or_else(|| ApiError::internal("employee without department"))?;
            let day = body.occurred_on.0;
            let shift_start =
                PrimitiveDateTime::new(day, shift_of(&department).start).assume_offset(SHANGHAI);
            let month = YearMonth::containing(day);
            let live = attendance::exception_forms_between(
                connection,
                Some(std::slice::from_ref(&employee.id)),
                month.first_day(),
                month.last_day(),
                &[
                    ApplicationStatus::Pending.as_str(),
                    ApplicationStatus::Approved.as_str(),
                ],
            )?;
            exception_may_be_filed(
                &policy,
                shift_start,
                caller.actor.at.instant(),
                u32::try_from(live.len()).unwrap_or(u32::MAX),
            )
            .map_err(|refusal| ApiError::rule_refused(refusal.rule(), refusal.to_string()))?;
            let head = department_head_for(connection, &employee)?;
            let now = caller.actor.at.stored();
            let form = ExceptionForm {
                id: new_id(),
                employee_id: employee.id,
                occurred_on: day,
                cause: body.cause.text().to_owned(),
                reason: body.reason.trim().to_owned(),
                status: ApplicationStatus::Pending.as_str().into(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let chain = approvals::new_chain(
                EXCEPTION,
                &form.id,
                &[(StepKind::DepartmentHead, Some(head)), (StepKind::Hr, None)],
            );
            attendance::insert_exception_form(connection, &caller.actor, &form)?;
            approval_store::insert_chain(connection, &chain)?;
            Ok(exception_view(form, &chain)?)
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
            Ok(exception_view(after, &chain)?)
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
            let employee = readable_employee(connection, &caller, &id)?;
            let result = evaluate_employees(
                connection,
                &policy,
                std::slice::from_ref(&employee),
                month.first_day(),
                caller.actor.at.today(),
            )?
            .pop()
            .ok_or_else(|| ApiError::internal("no evaluation"))?
            .map_err(|missing| {
                ApiError::rule_refused("EMP-1", missing).with("missing_field", "hired_on")
            })?;
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
    let today = caller.actor.at.today();
    let page = state
        .read(move |connection| {
            let employees = people::list_employees(
                connection,
                &EmployeeScope::Everyone,
                department.as_deref(),
                after.as_deref(),
                limit,
            )?;
            let page = Page::from_rows(employees, limit, |e: &Employee| &e.id);
            let results =
                evaluate_employees(connection, &policy, &page.items, month.first_day(), today)?;
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
