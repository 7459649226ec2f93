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
use zhidu_domain::approval::StepKind;
use zhidu_domain::calendar::{FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR};
use zhidu_domain::leave::{
    Applicant, ExistingLeave, HospitalGrade, LeaveApplication, LeaveAssessment, LeaveBalance,
    LeaveFacts, LeaveRefusal, LeaveSpan, LeaveStatus, LeaveType, SickCertificate, assess_leave,
    leave_balances,
};
use zhidu_domain::roster::{Half, HalfDays};
use zhidu_store::approvals::{self as approval_store, ApprovalStep};
use zhidu_store::calendar::load_calendar;
use zhidu_store::db::DbConnection;
use zhidu_store::leave::{self as leave_store, LeaveRequest};
use zhidu_store::people::{self, Employee};
use zhidu_store::{new_id, read_stored};

use zhidu_service::access::employees::{
    filing_employee, listing_subject, may_read_employee, readable_employee,
};
use zhidu_service::people::{hr_facts, roster_of, shift_of};

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
use zhidu_service::access::{Identity, roles};
use zhidu_service::approvals::{self, Decidable, StepDecision, department_head_for};
use zhidu_service::leave::{
    assessment_document, facts_of, kept_assessment, leave_type_of, span_of,
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

const LEAVE: &str = <LeaveRequest as Decidable>::SUBJECT;

fn existing_leave(row: &LeaveRequest) -> Result<ExistingLeave, ApiError> {
    let facts = facts_of(row)?;
    Ok(ExistingLeave {
        id: row.id.clone(),
        leave_type: leave_type_of(row)?,
        status: match read_stored(&row.status)? {
            ApplicationStatus::Pending => LeaveStatus::Pending,
            ApplicationStatus::Approved => LeaveStatus::Approved,
            ApplicationStatus::Rejected | ApplicationStatus::Withdrawn => {
                return Err(ApiError::internal(format!(
                    "leave request {} is {}: not in force",
                    row.id, row.status
                )));
            }
        },
        span: span_of(row)?,
        duration: HalfDays(u32::try_from(row.duration_half_days).unwrap_or(0)),
        expected_delivery_on: facts.expected_delivery_on,
        entitlement: kept_assessment(row)?.entitlement(),
    })
}

fn applicant(employee: &Employee) -> Result<Applicant, ApiError> {
    let facts = hr_facts(employee)?;
    Ok(Applicant {
        gender: facts.gender,
        birth_date: facts.birth_date,
        hired_on: facts.hired_on,
        left_on: employee.left_on,
        probation_end: employee.probation_end,
    })
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

/// Every refusal as a field error, with the rules' codes alongside.
fn refused(refusals: Vec<LeaveRefusal>) -> ApiError {
    let errors: Vec<FieldError> = refusals
        .iter()
        .map(|r| FieldError {
            field: r.field.unwrap_or("leave_type").to_owned(),
            message: format!("{}: {}", r.rule, r.detail),
        })
        .collect();
    let detail = refusals
        .iter()
        .map(|r| r.detail.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let rule = refusals.first().map_or("LEAVE", |r| r.rule);
    ApiError::rule_refused(rule, detail)
        .with_errors(errors)
        .with("refusals", &refusals)
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
            let employee = filing_employee(connection, &caller, body.employee_id.as_deref())?;
            let applicant = applicant(&employee)?;
            let department = people::find_department(connection, &employee.department_id)?
                .ok_or_else(|| ApiError::internal("employee without department"))?;
            let calendar = load_calendar(connection)?;
            let existing: Vec<ExistingLeave> =
                leave_store::live_leave_of(connection, &employee.id)?
                    .iter()
                    .map(existing_leave)
                    .collect::<Result<_, _>>()?;
            let now = caller.actor.at.instant();
            let assessment = assess_leave(
                &policy,
                &calendar,
                shift_of(&department),
                roster_of(&employee)?,
                &applicant,
                &application,
                &existing,
                now,
            )
            .map_err(refused)?;
            let request = LeaveRequest {
                id: new_id(),
                employee_id: employee.id.clone(),
                leave_type: application.leave_type.as_str().to_owned(),
                first_day: application.span.first_day,
                first_half: application.span.first_half.as_str().to_owned(),
                last_day: application.span.last_day,
                last_half: application.span.last_half.as_str().to_owned(),
                duration_half_days: i32::try_from(assessment.duration.half_days())
                    .unwrap_or(i32::MAX),
                reason: body.reason.trim().to_owned(),
                facts: serde_json::to_string(&application.facts).map_err(ApiError::internal)?,
                assessment: serde_json::to_string(&assessment).map_err(ApiError::internal)?,
                certified: application.leave_type == LeaveType::Sick
                    && application.facts.certificate.is_some(),
                status: ApplicationStatus::Pending.as_str().into(),
                filed_at: caller.actor.at.stored(),
                version: 1,
                created_at: caller.actor.at.stored(),
                updated_at: caller.actor.at.stored(),
            };
            let steps = chain_steps(connection, &employee, &assessment)?;
            let chain = approvals::new_chain(LEAVE, &request.id, &steps);
            leave_store::insert_leave_request(connection, &caller.actor, &request)?;
            approval_store::insert_chain(connection, &chain)?;
            leave_view(request, &chain)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// LEAVE-1: the chain's steps with the person who decides the named ones.
fn chain_steps(
    connection: &mut DbConnection,
    employee: &Employee,
    assessment: &LeaveAssessment,
) -> Result<Vec<(StepKind, Option<String>)>, ApiError> {
    assessment
        .chain
        .iter()
        .map(|kind| match kind {
            StepKind::DepartmentHead | StepKind::Supervisor => {
                Ok((*kind, Some(department_head_for(connection, employee)?)))
            }
            StepKind::Hr | StepKind::GeneralManager => Ok((*kind, None)),
        })
        .collect()
}

/// Leave request `id` if the caller may read it: whoever may read the employee's records, and
/// the approvers named on its chain; otherwise 404.
fn readable_request<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    id: &str,
) -> Result<LeaveRequest, ApiError> {
    let not_found = || ApiError::not_found(format!("no leave request {id}"));
    let row = leave_store::find_leave_request(connection, id)?.ok_or_else(not_found)?;
    let employee = people::find_employee(connection, &row.employee_id)?.ok_or_else(not_found)?;
    if may_read_employee(connection, caller, &employee)? {
        return Ok(row);
    }
    let Some(me) = people::employee_of_user(connection, &caller.claims.sub)? else {
        return Err(not_found());
    };
    let named_approver = approval_store::chain_of(connection, LEAVE, id)?
        .iter()
        .any(|step| step.approver_id.as_deref() == Some(me.id.as_str()));
    if named_approver {
        Ok(row)
    } else {
        Err(not_found())
    }
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
            let row = readable_request(connection, &caller, &id)?;
            let chain = approval_store::chain_of(connection, LEAVE, &id)?;
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
            let employee = listing_subject(
                connection,
                &caller,
                params.employee_id,
                caller.has_any(roles::PEOPLE_OVERSEERS),
                "employee_id",
            )?;
            let rows = leave_store::list_leave_requests(
                connection,
                employee.as_deref(),
                params.status.map(ApplicationStatus::as_str),
                before.as_deref(),
                limit,
            )?;
            let page = Page::from_rows(rows, limit, |r: &LeaveRequest| &r.id);
            page_with_chains(connection, LEAVE, page, |r| &r.id, leave_view)
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
            let before = readable_request(connection, &caller, &id)?;
            let own = people::employee_of_user(connection, &caller.claims.sub)?
                .is_some_and(|me| me.id == before.employee_id);
            if !own && !caller.has_any(roles::PEOPLE_ADMINS) {
                return Err(ApiError::forbidden(
                    "only the employee (or HR) withdraws a request",
                ));
            }
            if before.status()? != ApplicationStatus::Pending {
                return Err(ApiError::conflict(format!(
                    "a {} request cannot be withdrawn",
                    before.status
                )));
            }
            if before.version != body.version {
                return Err(ApiError::stale("the request changed since you read it"));
            }
            let after = before.with_status(ApplicationStatus::Withdrawn, caller.actor.at);
            leave_store::update_leave_request(
                connection,
                &caller.actor,
                "leave_request.withdraw",
                &before,
                &after,
            )?;
            let chain = approval_store::chain_of(connection, LEAVE, &id)?;
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
            let before = readable_request(connection, &caller, &id)?;
            if before.leave_type != "sick" {
                return Err(ApiError::conflict("only sick leave takes a certificate"));
            }
            if before.certified {
                return Err(ApiError::conflict("the certificate is already on file"));
            }
            if !matches!(before.status()?, ApplicationStatus::Pending | ApplicationStatus::Approved) {
                return Err(ApiError::conflict(format!(
                    "a {} request takes no certificate",
                    before.status
                )));
            }
            if before.version != body.version {
                return Err(ApiError::stale("the request changed since you read it"));
            }
            if body.hospital_grade < policy.minimum_hospital_grade {
                return Err(ApiError::rule_refused(
                    "LEAVE-5",
                    "the certificate must come from a hospital of grade 2A or higher",
                ));
            }
            let due = kept_assessment(&before)?.certificate_due_by;
            if due.is_some_and(|due| caller.actor.at.instant() > due) {
                return Err(ApiError::rule_refused(
                    "LEAVE-2",
                    "the certificate was due within 24 hours after the leave ended; the days count as personal leave",
                ));
            }
            let mut facts = facts_of(&before)?;
            facts.certificate = Some(SickCertificate {
                reference: body.reference.trim().to_owned(),
                hospital_grade: body.hospital_grade,
            });
            let after = LeaveRequest {
                facts: serde_json::to_string(&facts).map_err(ApiError::internal)?,
                certified: true,
                version: before.version + 1,
                updated_at: caller.actor.at.stored(),
                ..before.clone()
            };
            leave_store::update_leave_request(
                connection,
                &caller.actor,
                "leave_request.certify",
                &before,
                &after,
            )?;
            let chain = approval_store::chain_of(connection, LEAVE, &id)?;
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
            let employee = readable_employee(connection, &caller, &id)?;
            let applicant = applicant(&employee)?;
            let calendar = load_calendar(connection)?;
            let existing: Vec<ExistingLeave> =
                leave_store::live_leave_of(connection, &employee.id)?
                    .iter()
                    .map(existing_leave)
                    .collect::<Result<_, _>>()?;
            let year = calendar_year(params.year);
            Ok(BalancesView {
                balances: leave_balances(
                    &policy,
                    &applicant,
                    &existing,
                    year,
                    &calendar,
                    roster_of(&employee)?,
                ),
                employee_id: employee.id,
                year,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
