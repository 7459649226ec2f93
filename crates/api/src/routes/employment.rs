//! The employment lifecycle before a departure: probation extensions (EMP-1), recorded
//! performance and company-funded spend (EMP-2, EMP-5), regularization applications decided
//! on the shared approval chain (EMP-2), and promotion eligibility (EMP-5). The rules live in
//! `zhidu_domain::employment`; departures are in `routes::departures`.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::approval::StepKind;
use zhidu_domain::employment::{
    Extension, ExtensionRefusal, PromotionEligibility, REGULARIZATION_CHAIN,
    extended_probation_end, promotion_eligibility, regularization_performance_check,
};
use zhidu_domain::leave::probation_last_possible_day;
use zhidu_domain::money::Money;
use zhidu_domain::person::default_probation_end;
use zhidu_store::approvals::{self as approval_store, ApprovalStep};
use zhidu_store::db::DbConnection;
use zhidu_store::employment::{
    self as store, PerformanceRecord, ProbationExtension, RegularizationApplication,
};
use zhidu_store::people::{self, Employee};
use zhidu_store::{StoreError, new_id};

use zhidu_service::access::employees::{
    filing_employee, may_read_employee, readable_employee, reading_scope,
};
use zhidu_service::people::{ensure_employed, hr_facts};

use crate::approvals::{DecisionRequest, StepView, chain_view, page_with_chains};
use crate::auth::{Authorized, PeopleAdmins, PerformanceRecorders, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Bounded, Text, Year, calendar_year};
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};
use zhidu_domain::approval::ApplicationStatus;
use zhidu_service::access::{Identity, roles};
use zhidu_service::approvals::{self, Decidable, StepDecision};

/// Under `/employees`.
pub fn configure_per_employee(config: &mut ServiceConfig) {
    config
        .service(extend_probation)
        .service(list_extensions)
        .service(record_performance)
        .service(list_performance)
        .service(promotion);
}

/// Under `/regularization-applications`.
pub fn configure_regularization(config: &mut ServiceConfig) {
    config
        .service(file_application)
        .service(list_applications)
        .service(get_application)
        .service(decide_application)
        .service(withdraw_application);
}

const REGULARIZATION: &str = <RegularizationApplication as Decidable>::SUBJECT;

/// Whether an approved regularization (EMP-2) is on record for the employee.
fn regularized(connection: &mut DbConnection, employee_id: &str) -> Result<bool, ApiError> {
    Ok(!store::regularization_applications_of(
        connection,
        employee_id,
        &[ApplicationStatus::Approved.as_str()],
    )?
    .is_empty())
}

/// Whether the employee's department is customer service (EMP-2, EMP-5).
fn customer_service(connection: &mut DbConnection, employee: &Employee) -> Result<bool, ApiError> {
    Ok(
        people::find_department(connection, &employee.department_id)?
            .is_some_and(|department| department.customer_service),
    )
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendProbation {
    /// The new last day of probation; or give `days`.
    pub until: Option<IsoDate>,
    /// Calendar days added to the current end; or give `until`.
    pub days: Option<Bounded<1, 366>>,
    /// Why the assessment failed.
    pub reason: Text<1, 1000>,
    /// The employee record's version.
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ProbationExtensionView)]
pub struct ExtensionView {
    pub id: String,
    pub employee_id: String,
    pub previous_end: IsoDate,
    pub new_end: IsoDate,
    pub reason: String,
    /// The staff account that granted it.
    pub granted_by: String,
    pub created_at: Instant,
}

impl From<ProbationExtension> for ExtensionView {
    fn from(e: ProbationExtension) -> Self {
        ExtensionView {
            id: e.id,
            employee_id: e.employee_id,
            previous_end: IsoDate(e.previous_end),
            new_end: IsoDate(e.new_end),
            reason: e.reason,
            granted_by: e.granted_by,
            created_at: Instant::from_utc(e.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtendedProbation {
    pub extension: ExtensionView,
    /// The employee's new last day of probation.
    pub probation_end: IsoDate,
    /// EMP-1: the last day any extension may reach (6 months from hiring).
    pub last_possible_day: IsoDate,
    /// The employee record's new version.
    pub employee_version: i64,
}

/// Extend an employee's probation after a failed assessment (EMP-1; admin, HR). Refused
/// (422, rule EMP-1) past 6 months from hiring, LEAVE-4 extensions included; 409 for an
/// employee already regularized or gone.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Employee id")),
    request_body = ExtendProbation,
    responses((status = 201, body = ExtendedProbation), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/probation-extensions")]
async fn extend_probation(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    id: web::Path<String>,
    Json(body): Json<ExtendProbation>,
) -> Result<HttpResponse, ApiError> {
    let extension = match (body.until, body.days) {
        (Some(until), None) => Extension::Until(until.0),
        // 1–366 always fits.
        (None, Some(days)) => Extension::Days(u32::try_from(days.get()).unwrap_or(u32::MAX)),
        _ => {
            return Err(ApiError::field_refused(
                "until",
                "give either until (the new last day) or days, not both",
            ));
        }
    };
    let id = id.into_inner();
    let employment_policy = state.employment_policy;
    let leave_policy = state.leave_policy.clone();
    let view = state
        .write(move |connection| {
            let before = people::find_employee(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no employee {id}")))?;
            ensure_employed(&before)?;
            if regularized(connection, &before.id)? {
                return Err(ApiError::conflict(format!(
                    "employee {id} has been regularized; there is no probation to extend"
                )));
            }
            if before.version != body.version {
                return Err(ApiError::stale("the employee changed since you read it"));
            }
            let hired_on = hr_facts(&before)?.hired_on;
            let current_end = before
                .probation_end
                .unwrap_or_else(|| default_probation_end(&employment_policy, hired_on));
            let last_possible_day = probation_last_possible_day(&leave_policy, hired_on);
            let new_end = extended_probation_end(last_possible_day, current_end, extension)
                .map_err(|refusal| match refusal {
                    ExtensionRefusal::NotLater { .. } => {
                        ApiError::field_refused("until", refusal.to_string())
                    }
                    ExtensionRefusal::PastCap { last_possible_day } => {
                        ApiError::rule_refused("EMP-1", refusal.to_string())
                            .with("last_possible_day", IsoDate(last_possible_day))
                    }
                })?;
            let now = caller.actor.at.stored();
            let after = Employee {
                probation_end: Some(new_end),
                version: before.version + 1,
                updated_at: now,
                ..before.clone()
            };
            people::update_employee(
                connection,
                &caller.actor,
                "employee.extend_probation",
                &before,
                &after,
            )?;
            let extension = ProbationExtension {
                id: new_id(),
                employee_id: before.id.clone(),
                previous_end: current_end,
                new_end,
                reason: body.reason.trim().to_owned(),
                granted_by: caller.claims.sub.clone(),
                created_at: now,
            };
            store::insert_probation_extension(connection, &caller.actor, &extension)?;
            Ok(ExtendedProbation {
                extension: extension.into(),
                probation_end: IsoDate(new_end),
                last_possible_day: IsoDate(last_possible_day),
                employee_version: after.version,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The probation extensions HR granted an employee (EMP-1), oldest first.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = 200, body = Vec<ExtensionView>), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/probation-extensions")]
async fn list_extensions(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let views = state
        .read(move |connection| {
            let employee = readable_employee(connection, &caller, &id)?;
            Ok(store::probation_extensions_of(connection, &employee.id)?
                .into_iter()
                .map(ExtensionView::from)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPerformance {
    pub month: YearMonth,
    /// The performance credited to the employee that month (EMP-2).
    pub performance: Amount<false>,
    /// Company-funded spend that month (公司投入资金, EMP-5); personal top-ups are not
    /// company-funded. Defaults to 0.00.
    pub company_funded_spend: Option<Amount<false>>,
    pub note: Option<Text<0, 1000>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PerformanceView {
    pub employee_id: String,
    pub month: YearMonth,
    pub performance: Money,
    pub company_funded_spend: Money,
    pub note: String,
    /// The staff account that recorded it.
    pub recorded_by: String,
    pub created_at: Instant,
}

impl From<PerformanceRecord> for PerformanceView {
    fn from(r: PerformanceRecord) -> Self {
        PerformanceView {
            employee_id: r.employee_id,
            month: YearMonth::containing(r.month),
            performance: Money::from_fen(r.performance_fen),
            company_funded_spend: Money::from_fen(r.company_funded_spend_fen),
            note: r.note,
            recorded_by: r.recorded_by,
            created_at: Instant::from_utc(r.created_at),
        }
    }
}

/// The employee the caller records performance for: HR, finance and admin record anyone's;
/// a manager only for the people they manage (404 otherwise, as for reading).
fn recordable_employee(
    connection: &mut DbConnection,
    caller: &Authorized<PerformanceRecorders>,
    id: &str,
) -> Result<Employee, ApiError> {
    if caller.has_any(roles::RECORD_ANYONES_PERFORMANCE) {
        return people::find_employee(connection, id)?
            .ok_or_else(|| ApiError::not_found(format!("no employee {id}")));
    }
    let employee = readable_employee(connection, caller, id)?;
    let me = people::employee_of_user(connection, &caller.claims.sub)?;
    if me.is_some_and(|me| me.id == employee.id) {
        return Err(ApiError::forbidden("nobody records their own performance"));
    }
    Ok(employee)
}

/// Record an employee's performance and company-funded spend for one month (manager, HR,
/// finance, admin); one record per month (409 for a second).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Employee id")),
    request_body = RecordPerformance,
    responses((status = 201, body = PerformanceView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/performance-records")]
async fn record_performance(
    state: web::Data<AppState>,
    caller: Authorized<PerformanceRecorders>,
    id: web::Path<String>,
    Json(body): Json<RecordPerformance>,
) -> Result<HttpResponse, ApiError> {
    let spend = body.company_funded_spend.map_or(Money::ZERO, Amount::get);
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let employee = recordable_employee(connection, &caller, &id)?;
            let record = PerformanceRecord {
                employee_id: employee.id,
                month: body.month.first_day(),
                performance_fen: body.performance.get().fen(),
                company_funded_spend_fen: spend.fen(),
                note: body.note.as_deref().unwrap_or_default().trim().to_owned(),
                recorded_by: caller.claims.sub.clone(),
                created_at: caller.actor.at.stored(),
            };
            store::insert_performance_record(connection, &caller.actor, &record).map_err(
                |error| match ApiError::from(error) {
                    conflict if conflict.is_conflict() => ApiError::conflict(format!(
                        "performance for {} is already recorded",
                        body.month
                    )),
                    other => other,
                },
            )?;
            Ok(PerformanceView::from(record))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PerformanceParams {
    /// Only this calendar year's months; every month when absent.
    #[param(example = 2026)]
    pub year: Option<Year>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PerformanceList {
    pub employee_id: String,
    pub records: Vec<PerformanceView>,
    pub total_performance: Money,
    pub total_company_funded_spend: Money,
}

/// Totals of performance and company-funded spend, exact in fen.
fn totals(records: &[PerformanceRecord]) -> (Money, Money) {
    let performance = records.iter().map(|r| r.performance_fen).sum();
    let spend = records.iter().map(|r| r.company_funded_spend_fen).sum();
    (Money::from_fen(performance), Money::from_fen(spend))
}

/// The year's first and last day, or no bounds.
fn year_bounds(year: Option<i32>) -> (Option<Date>, Option<Date>) {
    let bound = |month, day| year.and_then(|y| Date::from_calendar_date(y, month, day).ok());
    (
        bound(time::Month::January, 1),
        bound(time::Month::December, 31),
    )
}

/// An employee's recorded performance by month, with totals (whoever may read the
/// employee's records, and finance).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Employee id"), PerformanceParams),
    responses((status = 200, body = PerformanceList), AuthErrors, Invalid, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/performance-records")]
async fn list_performance(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Query(params): Query<PerformanceParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .read(move |connection| {
            let employee = if caller.has_any(roles::READ_EVERYONES_PAY_INPUTS) {
                people::find_employee(connection, &id)?
                    .ok_or_else(|| ApiError::not_found(format!("no employee {id}")))?
            } else {
                readable_employee(connection, &caller, &id)?
            };
            let (first, last) = year_bounds(params.year.map(calendar_year));
            let records = store::performance_records_of(connection, &employee.id, first, last)?;
            let (total_performance, total_company_funded_spend) = totals(&records);
            Ok(PerformanceList {
                employee_id: employee.id,
                records: records.into_iter().map(PerformanceView::from).collect(),
                total_performance,
                total_company_funded_spend,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PromotionParams {
    #[param(example = 2026)]
    pub year: Year,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PromotionView {
    pub employee_id: String,
    pub year: i32,
    /// EMP-5 concerns customer-service staff (their department's flag).
    pub customer_service: bool,
    pub performance: Money,
    pub company_funded_spend: Money,
    #[serde(flatten)]
    pub eligibility: PromotionEligibility,
}

/// Whether an employee may be considered for promotion in a year (EMP-5): a customer-service
/// employee whose company-funded spend is above 3% of the year's recorded performance is not.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Employee id"), PromotionParams),
    responses((status = 200, body = PromotionView), AuthErrors, Invalid, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/promotion-eligibility")]
async fn promotion(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Query(params): Query<PromotionParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.employment_policy;
    let view = state
        .read(move |connection| {
            let employee = readable_employee(connection, &caller, &id)?;
            let customer_service = customer_service(connection, &employee)?;
            let year = calendar_year(params.year);
            let (first, last) = year_bounds(Some(year));
            let records = store::performance_records_of(connection, &employee.id, first, last)?;
            let (performance, spend) = totals(&records);
            Ok(PromotionView {
                employee_id: employee.id,
                year,
                customer_service,
                performance,
                company_funded_spend: spend,
                eligibility: promotion_eligibility(&policy, customer_service, performance, spend),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileApplication {
    /// Defaults to the caller's own employee record; HR may file for another.
    pub employee_id: Option<String>,
    /// The form's self-assessment.
    pub statement: Text<1, 2000>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    pub id: String,
    pub employee_id: String,
    pub statement: String,
    /// The recorded performance checked at filing (EMP-2).
    pub performance: Money,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    /// EMP-2: the supervisor, then the manager.
    pub chain: Vec<StepView>,
    pub created_at: Instant,
    pub version: i64,
}

fn application_view(
    row: RegularizationApplication,
    chain: &[ApprovalStep],
) -> Result<ApplicationView, StoreError> {
    Ok(ApplicationView {
        id: row.id,
        employee_id: row.employee_id,
        statement: row.statement,
        performance: Money::from_fen(row.performance_fen),
        status: row.status,
        chain: chain_view(chain)?,
        created_at: Instant::from_utc(row.created_at),
        version: row.version,
    })
}

/// EMP-2: who decides each step: the employee's supervisor (their superior), then the
/// manager — the department head, or, when the supervisor is the head, the head's own
/// superior, so that two different people sign.
fn regularization_approvers(
    connection: &mut DbConnection,
    employee: &Employee,
) -> Result<Vec<(StepKind, Option<String>)>, ApiError> {
    let missing = |what: &str| {
        ApiError::rule_refused(
            "EMP-2",
            format!(
                "employee {} has no {what} to approve the regularization",
                employee.id
            ),
        )
    };
    let supervisor = employee
        .superior_id
        .clone()
        .ok_or_else(|| missing("supervisor (superior)"))?;
    let head = people::find_department(connection, &employee.department_id)?
        .and_then(|department| department.manager_id)
        .filter(|head| *head != employee.id && *head != supervisor);
    let manager = match head {
        Some(head) => head,
        None => people::find_employee(connection, &supervisor)?
            .and_then(|supervisor| supervisor.superior_id)
            .filter(|manager| *manager != employee.id)
            .ok_or_else(|| missing("manager above the supervisor"))?,
    };
    Ok(REGULARIZATION_CHAIN
        .iter()
        .zip([supervisor, manager])
        .map(|(kind, approver)| (*kind, Some(approver)))
        .collect())
}

/// File a regularization application (转正申请; the employee, or HR for them). Customer-service
/// staff are refused (422, rule EMP-2, with the shortfall) below 60,000.00 of recorded
/// performance; 409 for someone already regularized, gone, or with an application pending.
#[utoipa::path(
    tag = "employment",
    request_body = FileApplication,
    responses((status = 201, body = ApplicationView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn file_application(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(body): Json<FileApplication>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.employment_policy;
    let view = state
        .write(move |connection| {
            let employee = filing_employee(connection, &caller, body.employee_id.as_deref())?;
            ensure_employed(&employee)?;
            let open = store::regularization_applications_of(
                connection,
                &employee.id,
                &[ApplicationStatus::Pending.as_str(), ApplicationStatus::Approved.as_str()],
            )?;
            if let Some(open) = open.first() {
                return Err(ApiError::conflict(format!(
                    "employee {} already has a regularization application {} ({})",
                    employee.id, open.id, open.status
                )));
            }
            let records = store::performance_records_of(connection, &employee.id, None, None)?;
            let (recorded, _) = totals(&records);
            let customer_service = customer_service(connection, &employee)?;
            regularization_performance_check(&policy, customer_service, recorded).map_err(
                |shortfall| {
                    ApiError::rule_refused(
                        "EMP-2",
                        format!(
                            "customer-service staff need {} of recorded performance to be regularized; {} is recorded, {} short",
                            shortfall.required, shortfall.recorded, shortfall.shortfall
                        ),
                    )
                    .with("required", shortfall.required)
                    .with("recorded", shortfall.recorded)
                    .with("shortfall", shortfall.shortfall)
                },
            )?;
            let steps = regularization_approvers(connection, &employee)?;
            let now = caller.actor.at.stored();
            let application = RegularizationApplication {
                id: new_id(),
                employee_id: employee.id.clone(),
                statement: body.statement.trim().to_owned(),
                performance_fen: recorded.fen(),
                status: ApplicationStatus::Pending.as_str().into(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let chain = approvals::new_chain(REGULARIZATION, &application.id, &steps);
            store::insert_regularization_application(connection, &caller.actor, &application)?;
            approval_store::insert_chain(connection, &chain)?;
            Ok(application_view(application, &chain)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Application `id` if the caller may read it: whoever may read the employee's records, and
/// the approvers on its chain; otherwise 404.
fn readable_application<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    id: &str,
) -> Result<(RegularizationApplication, Vec<ApprovalStep>), ApiError> {
    let not_found = || ApiError::not_found(format!("no regularization application {id}"));
    let row = store::find_regularization_application(connection, id)?.ok_or_else(not_found)?;
    let employee = people::find_employee(connection, &row.employee_id)?.ok_or_else(not_found)?;
    let chain = approval_store::chain_of(connection, REGULARIZATION, id)?;
    if may_read_employee(connection, caller, &employee)? {
        return Ok((row, chain));
    }
    let me = people::employee_of_user(connection, &caller.claims.sub)?.ok_or_else(not_found)?;
    if chain
        .iter()
        .any(|step| step.approver_id.as_deref() == Some(me.id.as_str()))
    {
        Ok((row, chain))
    } else {
        Err(not_found())
    }
}

/// One regularization application with its chain.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = ApplicationView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_application(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .read(move |connection| {
            let (row, chain) = readable_application(connection, &caller, &id)?;
            Ok(application_view(row, &chain)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ApplicationListParams {
    /// Whose applications; defaults to everyone the caller may read.
    pub employee_id: Option<String>,
    pub status: Option<ApplicationStatus>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Regularization applications the caller may read, newest first.
#[utoipa::path(
    tag = "employment",
    params(ApplicationListParams),
    responses((status = 200, body = Page<ApplicationView>), AuthErrors, Invalid, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_applications(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<ApplicationListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let before = page.after_id();
    let limit = page.limit();
    let page = state
        .read(move |connection| {
            let employees: Option<Vec<String>> = match params.employee_id {
                Some(id) => Some(vec![readable_employee(connection, &caller, &id)?.id]),
                None => match reading_scope(connection, &caller)? {
                    Some(people::EmployeeScope::Everyone) => None,
                    Some(scope) => Some(
                        people::list_employees(connection, &scope, None, None, i64::MAX - 1)?
                            .into_iter()
                            .map(|e| e.id)
                            .collect(),
                    ),
                    None => Some(Vec::new()),
                },
            };
            let rows = store::list_regularization_applications(
                connection,
                employees.as_deref(),
                params.status.map(ApplicationStatus::as_str),
                before.as_deref(),
                limit,
            )?;
            let page = Page::from_rows(rows, limit, |r: &RegularizationApplication| &r.id);
            page_with_chains(
                connection,
                REGULARIZATION,
                page,
                |r| &r.id,
                |r, c| Ok::<_, ApiError>(application_view(r, c)?),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Decide the next step of an application's chain: only its approver (403 otherwise), in
/// order, once (409 out of order or twice). The final approval makes the employee regular:
/// a probation planned to end later ends on the approval day (EMP-2).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Application id")),
    request_body = DecisionRequest,
    responses((status = 200, body = ApplicationView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/decisions")]
async fn decide_application(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let (after, chain) = approvals::decide_request::<RegularizationApplication>(
                connection,
                &caller,
                &id,
                &StepDecision::from(&body),
            )?;
            Ok(application_view(after, &chain)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraw an application before its final decision (the employee, or HR).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Application id")),
    request_body = VersionOnly,
    responses((status = 200, body = ApplicationView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/withdrawal")]
async fn withdraw_application(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let (before, chain) = readable_application(connection, &caller, &id)?;
            let own = people::employee_of_user(connection, &caller.claims.sub)?
                .is_some_and(|me| me.id == before.employee_id);
            if !own && !caller.has_any(roles::PEOPLE_ADMINS) {
                return Err(ApiError::forbidden(
                    "only the employee (or HR) withdraws an application",
                ));
            }
            if before.status()? != ApplicationStatus::Pending {
                return Err(ApiError::conflict(format!(
                    "a {} application cannot be withdrawn",
                    before.status
                )));
            }
            if before.version != body.version {
                return Err(ApiError::stale("the application changed since you read it"));
            }
            let after =
                Decidable::with_status(&before, ApplicationStatus::Withdrawn, caller.actor.at);
            store::update_regularization_application(
                connection,
                &caller.actor,
                "regularization_application.withdraw",
                &before,
                &after,
            )?;
            Ok(application_view(after, &chain)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
