//! The employment lifecycle before a departure: probation extensions (EMP-1), recorded
//! performance and company-funded spend (EMP-2, EMP-5), regularization applications decided
//! on the shared approval chain (EMP-2), and promotion eligibility (EMP-5). The rules live in
//! `zhidu_domain::employment`, the use cases in `zhidu_service::employment`; departures are in
//! `routes::departures`.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::employment::{Extension, PromotionEligibility};
use zhidu_domain::money::Money;

use zhidu_service::employment::{
    self as service, MonthPerformance, PerformanceRecord, ProbationExtension,
    RegularizationApplication,
};

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
use zhidu_service::approvals::{self, ApprovalStep, StepDecision};

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
            let granted = service::extend_probation(
                connection,
                &caller,
                (&employment_policy, &leave_policy),
                &id,
                body.version,
                extension,
                &body.reason,
            )?;
            Ok(ExtendedProbation {
                extension: granted.extension.into(),
                probation_end: IsoDate(granted.probation_end),
                last_possible_day: IsoDate(granted.last_possible_day),
                employee_version: granted.employee_version,
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
            Ok(service::probation_extensions(connection, &caller, &id)?
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
            let record = service::record_performance(
                connection,
                &caller,
                &id,
                MonthPerformance {
                    month: body.month.first_day(),
                    performance: body.performance.get(),
                    company_funded_spend: spend,
                    note: body.note.as_deref().unwrap_or_default().to_owned(),
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
            let (employee, records, totals) =
                service::performance(connection, &caller, &id, params.year.map(calendar_year))?;
            Ok(PerformanceList {
                employee_id: employee.id,
                records: records.into_iter().map(PerformanceView::from).collect(),
                total_performance: totals.performance,
                total_company_funded_spend: totals.company_funded_spend,
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
            let year = calendar_year(params.year);
            let promotion = service::promotion(connection, &caller, &policy, &id, year)?;
            Ok(PromotionView {
                employee_id: promotion.employee_id,
                year,
                customer_service: promotion.customer_service,
                performance: promotion.totals.performance,
                company_funded_spend: promotion.totals.company_funded_spend,
                eligibility: promotion.eligibility,
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
) -> Result<ApplicationView, ApiError> {
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
            let (application, chain) = service::file_application(
                connection,
                &caller,
                &policy,
                body.employee_id.as_deref(),
                &body.statement,
            )?;
            application_view(application, &chain)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
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
            let (row, chain) = service::readable_application(connection, &caller, &id)?;
            application_view(row, &chain)
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
            let (rows, steps) = service::list_applications(
                connection,
                &caller,
                params.employee_id.as_deref(),
                params.status,
                before.as_deref(),
                limit,
            )?;
            let page = Page::from_rows(rows, limit, |r: &RegularizationApplication| &r.id);
            page_with_chains(page, &steps, |r| &r.id, application_view)
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
            application_view(after, &chain)
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
            let (after, chain) =
                service::withdraw_application(connection, &caller, &id, body.version)?;
            application_view(after, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
