//! Leave requests (LEAVE-1..8): filing with the rules' assessment, the approval chain the
//! service computes, withdrawal, sick-leave certificates, and yearly balances. The rules live
//! in `zhidu_domain::leave`; this module loads their inputs and stores the verdict as it was
//! at filing.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::calendar::{FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR};
use zhidu_domain::leave::{
    HospitalGrade, LeaveApplication, LeaveAssessment, LeaveBalance, LeaveFacts, LeaveSpan,
    LeaveType,
};
use zhidu_domain::roster::{Half, HalfDays};

use crate::approvals::{DecisionRequest, StepView, chain_view, page_with_chains};
use crate::auth::{Authorized, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Text, Year, calendar_year};
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};
use zhidu_domain::approval::ApplicationStatus;
use zhidu_service::approvals::{self, ApprovalStep, StepDecision};
use zhidu_service::leave::{
    self as service, LeaveRequest, assessment_document, facts_of, leave_type_of, span_of,
};

/// Under `/leave-requests`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(file_leave)
        .service(list_leave)
        .service(get_leave)
        .service(decide_leave)
        .service(withdraw_leave)
        .service(attach_certificate);
}

/// Under `/employees`.
pub fn configure_per_employee(config: &mut ServiceConfig) {
    config.service(balances);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileLeave {
    /// Defaults to the caller's own employee record; HR may file for another.
    pub employee_id: Option<String>,
    pub leave_type: LeaveType,
    pub first_day: IsoDate,
    /// `pm`: the leave begins in the afternoon. Defaults to `am`.
    pub first_half: Option<Half>,
    pub last_day: IsoDate,
    /// `am`: the leave ends at noon. Defaults to `pm`.
    pub last_half: Option<Half>,
    pub reason: Text<1, 500>,
    /// The facts the type needs: marriage registration date and first-marriage flag; the
    /// expected delivery date; the relation and funeral province; the sick-leave certificate;
    /// `emergency` for personal leave filed afterwards.
    #[serde(default)]
    pub facts: LeaveFacts,
}

fn check_fact_dates(facts: &LeaveFacts) -> Result<(), ApiError> {
    let in_range = |date: Option<Date>| {
        date.is_none_or(|d| (FIRST_CALENDAR_YEAR..=LAST_CALENDAR_YEAR).contains(&d.year()))
    };
    let errors: Vec<FieldError> = [
        ("facts.marriage_registered_on", facts.marriage_registered_on),
        ("facts.expected_delivery_on", facts.expected_delivery_on),
    ]
    .into_iter()
    .filter(|(_, date)| !in_range(*date))
    .map(|(field, _)| FieldError {
        field: field.to_owned(),
        message: format!("must lie between {FIRST_CALENDAR_YEAR} and {LAST_CALENDAR_YEAR}"),
    })
    .collect();
    match errors.first() {
        None => Ok(()),
        Some(first) => {
            Err(ApiError::field_refused(&first.field, &first.message).with_errors(errors))
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveView {
    pub id: String,
    pub employee_id: String,
    pub leave_type: LeaveType,
    pub first_day: IsoDate,
    pub first_half: Half,
    pub last_day: IsoDate,
    pub last_half: Half,
    /// In scheduled days (calendar days for maternity), in half days.
    pub duration: HalfDays,
    pub reason: String,
    pub facts: LeaveFacts,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    /// LEAVE-5: a sick leave's certificate is on file.
    pub certified: bool,
    /// LEAVE-1: the chain the service computed, with each decision.
    pub chain: Vec<StepView>,
    /// The rules' verdict at filing: duration, entitlement, notice, consequences and reasons.
    #[schema(value_type = LeaveAssessment)]
    pub assessment: serde_json::Value,
    pub filed_at: Instant,
    pub version: i64,
}

fn leave_view(row: LeaveRequest, chain: &[ApprovalStep]) -> Result<LeaveView, ApiError> {
    let span = span_of(&row)?;
    Ok(LeaveView {
        leave_type: leave_type_of(&row)?,
        first_half: span.first_half,
        last_half: span.last_half,
        duration: HalfDays(u32::try_from(row.duration_half_days).unwrap_or(0)),
        facts: facts_of(&row)?,
        assessment: assessment_document(&row)?,
        id: row.id,
        employee_id: row.employee_id,
        first_day: IsoDate(row.first_day),
        last_day: IsoDate(row.last_day),
        reason: row.reason,
        status: row.status,
        certified: row.certified,
        chain: chain_view(chain)?,
        filed_at: Instant::from_utc(row.filed_at),
        version: row.version,
    })
}

/// File a leave request. The service computes the duration, entitlement, notice check,
/// approval chain and consequences, and refuses with every reason what the rules refuse.
#[utoipa::path(
    tag = "leave",
    request_body = FileLeave,
    responses((status = 201, body = LeaveView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn file_leave(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(body): Json<FileLeave>,
) -> Result<HttpResponse, ApiError> {
    check_fact_dates(&body.facts)?;
    let application = LeaveApplication {
        leave_type: body.leave_type,
        span: LeaveSpan {
            first_day: body.first_day.0,
            first_half: body.first_half.unwrap_or(Half::Am),
            last_day: body.last_day.0,
            last_half: body.last_half.unwrap_or(Half::Pm),
        },
        facts: body.facts,
    };
    let policy = state.leave_policy.clone();
    let view = state
        .write(move |connection| {
            let (request, chain) = service::file_leave(
                connection,
                &caller,
                &policy,
                body.employee_id.as_deref(),
                application,
                &body.reason,
            )?;
            leave_view(request, &chain)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// One leave request with its chain (the employee, their managers, its approvers, HR).
#[utoipa::path(
    tag = "leave",
    params(("id" = String, Path, description = "Leave request id")),
    responses((status = 200, body = LeaveView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_leave(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .read(move |connection| {
            let (row, chain) = service::readable_request(connection, &caller, &id)?;
            leave_view(row, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LeaveListParams {
    /// Whose requests; defaults to the caller's own (HR and the general manager: everyone's).
    pub employee_id: Option<String>,
    pub status: Option<ApplicationStatus>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Leave requests, newest first.
#[utoipa::path(
    tag = "leave",
    params(LeaveListParams),
    responses((status = 200, body = Page<LeaveView>), AuthErrors, Invalid, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_leave(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<LeaveListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let before = page.after_id();
    let limit = page.limit();
    let page = state
        .read(move |connection| {
            let (rows, steps) = service::list_leave(
                connection,
                &caller,
                params.employee_id,
                params.status,
                before.as_deref(),
                limit,
            )?;
            let page = Page::from_rows(rows, limit, |r: &LeaveRequest| &r.id);
            page_with_chains(page, &steps, |r| &r.id, leave_view)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Decide the next step of a leave request's chain: only its approver (403 otherwise), in
/// order, once (409 for a step already decided). The final approval applies the LEAVE-4
/// probation extension to the employee record.
#[utoipa::path(
    tag = "leave",
    params(("id" = String, Path, description = "Leave request id")),
    request_body = DecisionRequest,
    responses((status = 200, body = LeaveView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/decisions")]
async fn decide_leave(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let (after, chain) = approvals::decide_request::<LeaveRequest>(
                connection,
                &caller,
                &id,
                &StepDecision::from(&body),
            )?;
            leave_view(after, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraw a request before its final approval (the employee, or HR).
#[utoipa::path(
    tag = "leave",
    params(("id" = String, Path, description = "Leave request id")),
    request_body = VersionOnly,
    responses((status = 200, body = LeaveView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/withdrawal")]
async fn withdraw_leave(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let (after, chain) = service::withdraw_leave(connection, &caller, &id, body.version)?;
            leave_view(after, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateBody {
    pub reference: Text<1, 200>,
    pub hospital_grade: HospitalGrade,
    pub version: i64,
}

/// Attach the hospital certificate to a sick leave filed without one (LEAVE-5), within 24
/// hours of the leave's end (LEAVE-2); without it the days count as personal leave.
#[utoipa::path(
    tag = "leave",
    params(("id" = String, Path, description = "Leave request id")),
    request_body = CertificateBody,
    responses((status = 200, body = LeaveView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/certificate")]
async fn attach_certificate(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<CertificateBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.leave_policy.clone();
    let view = state
        .write(move |connection| {
            let (after, chain) = service::attach_certificate(
                connection,
                &caller,
                &policy,
                &id,
                body.version,
                &body.reference,
                body.hospital_grade,
            )?;
            leave_view(after, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BalanceParams {
    #[param(example = 2026)]
    pub year: Year,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BalancesView {
    pub employee_id: String,
    pub year: i32,
    pub balances: Vec<LeaveBalance>,
}

/// An employee's leave in a year by type: taken, pending, entitlement, and for personal leave
/// the probation limit left and the LEAVE-4 review threshold.
#[utoipa::path(
    tag = "leave",
    params(("id" = String, Path, description = "Employee id"), BalanceParams),
    responses((status = 200, body = BalancesView), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/leave-balances")]
async fn balances(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Query(params): Query<BalanceParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.leave_policy.clone();
    let view = state
        .read(move |connection| {
            let year = calendar_year(params.year);
            let (employee, balances) = service::balances(connection, &caller, &policy, &id, year)?;
            Ok(BalancesView {
                balances,
                employee_id: employee.id,
                year,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
