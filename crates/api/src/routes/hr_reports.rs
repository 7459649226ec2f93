//! What departments report to the general manager: EMP-7 monthly targets and assessment
//! standards, EMP-8 work-injury reports and their steps.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::work_injury::InjuryStep;
use zhidu_service::hr_reports::{
    self as service, InjuryFiling, InjuryReport, MonthReport, MonthlyTarget, TargetsFiling,
};

use crate::auth::{Authorized, GeneralManagers, PeopleAdmins, PeopleOverseers, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::Text;
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};

/// Under `/monthly-targets`.
pub fn configure_monthly_targets(config: &mut ServiceConfig) {
    config
        .service(file_targets)
        .service(month_report)
        .service(get_targets)
        .service(acknowledge_targets);
}

/// Under `/injury-reports`.
pub fn configure_injury_reports(config: &mut ServiceConfig) {
    config
        .service(file_injury_report)
        .service(list_injury_reports)
        .service(get_injury_report)
        .service(record_investigation)
        .service(record_review)
        .service(inform_general_manager);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTargets {
    pub department_id: String,
    /// The month filed for: this month, an earlier one, or the next.
    pub month: YearMonth,
    /// The month's task targets.
    pub targets: Text<1, 4000>,
    /// The assessment standard; changes at most once a quarter (EMP-7).
    pub assessment_standard: Text<1, 4000>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetsView {
    pub id: String,
    pub department_id: String,
    pub month: YearMonth,
    pub targets: String,
    pub assessment_standard: String,
    /// Whether this filing changed the department's assessment standard.
    pub standard_changed: bool,
    /// EMP-7: the last day to file on time (the 3rd working day of the month).
    pub due_on: IsoDate,
    /// Filed after `due_on`.
    pub late: bool,
    /// `filed` (waiting for the general manager) or `acknowledged`.
    #[schema(example = "filed")]
    pub status: String,
    pub filed_by: String,
    pub filed_at: Instant,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<Instant>,
    pub version: i64,
}

impl From<MonthlyTarget> for TargetsView {
    fn from(t: MonthlyTarget) -> Self {
        TargetsView {
            id: t.id,
            department_id: t.department_id,
            month: YearMonth::containing(t.month),
            targets: t.targets,
            assessment_standard: t.assessment_standard,
            standard_changed: t.standard_changed,
            due_on: IsoDate(t.due_on),
            late: t.late,
            status: t.status,
            filed_by: t.filed_by,
            filed_at: Instant::from_utc(t.filed_at),
            acknowledged_by: t.acknowledged_by,
            acknowledged_at: t.acknowledged_at.map(Instant::from_utc),
            version: t.version,
        }
    }
}

/// EMP-7: a department head files the month's targets and assessment standard (late after the
/// 3rd working day; a second change of the standard in a quarter is refused, 422 rule EMP-7).
#[utoipa::path(
    tag = "employment",
    request_body = NewTargets,
    responses((status = 201, body = TargetsView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn file_targets(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(request): Json<NewTargets>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.employment_policy;
    let filing = TargetsFiling {
        department_id: request.department_id,
        month: request.month.first_day(),
        targets: request.targets.into(),
        assessment_standard: request.assessment_standard.into(),
    };
    let target = state
        .write(move |connection| Ok(service::file_targets(connection, &caller, &policy, filing)?))
        .await?;
    Ok(HttpResponse::Created().json(TargetsView::from(target)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MonthParams {
    /// The month, `YYYY-MM`.
    pub month: YearMonth,
    /// Only late filings (and, once the due day has passed, the departments without one);
    /// `false`: only timely filings.
    pub late: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnfiledDepartment {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthReportView {
    pub month: YearMonth,
    /// The month's due day (its 3rd working day).
    pub due_on: IsoDate,
    /// CAL-2: the due day rests on a year without an imported schedule.
    pub provisional: bool,
    /// The due day has passed.
    pub overdue: bool,
    pub filings: Vec<TargetsView>,
    /// Departments without a filing for the month (with `late=true`: only once overdue).
    pub not_filed: Vec<UnfiledDepartment>,
}

impl From<MonthReport> for MonthReportView {
    fn from(report: MonthReport) -> Self {
        MonthReportView {
            month: YearMonth::containing(report.month),
            due_on: IsoDate(report.due_on),
            provisional: report.provisional,
            overdue: report.overdue,
            filings: report.filings.into_iter().map(TargetsView::from).collect(),
            not_filed: report
                .not_filed
                .into_iter()
                .map(|d| UnfiledDepartment {
                    id: d.id,
                    name: d.name,
                })
                .collect(),
        }
    }
}

/// EMP-7: a month's filings and the departments that have not filed (HR, the general manager,
/// admin).
#[utoipa::path(
    tag = "employment",
    params(MonthParams),
    responses((status = 200, body = MonthReportView), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn month_report(
    state: web::Data<AppState>,
    caller: Authorized<PeopleOverseers>,
    Query(params): Query<MonthParams>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.employment_policy;
    let report = state
        .read(move |connection| {
            Ok(service::month_report(
                connection,
                &caller,
                &policy,
                params.month.first_day(),
                params.late,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MonthReportView::from(report)))
}

/// One month's filing (HR, the general manager, admin, or the department's head).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Filing id")),
    responses((status = 200, body = TargetsView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_targets(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let target = state
        .read(move |connection| Ok(service::find_targets(connection, &caller, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(TargetsView::from(target)))
}

/// EMP-7: the general manager acknowledges a filing (versioned; 409 once acknowledged).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Filing id")),
    request_body = VersionOnly,
    responses((status = 200, body = TargetsView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/acknowledgement")]
async fn acknowledge_targets(
    state: web::Data<AppState>,
    caller: Authorized<GeneralManagers>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let target = state
        .write(move |connection| {
            Ok(service::acknowledge_targets(
                connection,
                &caller,
                &id,
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TargetsView::from(target)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInjuryReport {
    /// The injured employee.
    pub employee_id: String,
    /// When the incident happened; not in the future.
    pub occurred_at: Instant,
    pub description: Text<1, 4000>,
}

/// One recorded step: who and when, with its note.
#[derive(Debug, Serialize, ToSchema)]
pub struct InjuryStepRecord {
    pub by: String,
    pub at: Instant,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InjuryReportView {
    pub id: String,
    pub employee_id: String,
    pub department_id: String,
    pub occurred_at: Instant,
    pub description: String,
    /// EMP-8: due 12 hours after the incident.
    pub due_at: Instant,
    /// Filed after `due_at`.
    pub late: bool,
    /// `reported`, `investigated`, `reviewed` or `informed`.
    #[schema(example = "reported")]
    pub status: String,
    pub reported_by: String,
    pub reported_at: Instant,
    /// The office's investigation.
    pub investigation: Option<InjuryStepRecord>,
    /// HR's review.
    pub review: Option<InjuryStepRecord>,
    /// The general manager informed.
    pub general_manager_informed: Option<InjuryStepRecord>,
    pub version: i64,
}

fn step_record(
    by: Option<String>,
    at: Option<time::PrimitiveDateTime>,
    note: Option<String>,
) -> Option<InjuryStepRecord> {
    by.zip(at).map(|(by, at)| InjuryStepRecord {
        by,
        at: Instant::from_utc(at),
        note,
    })
}

impl From<InjuryReport> for InjuryReportView {
    fn from(r: InjuryReport) -> Self {
        InjuryReportView {
            investigation: step_record(r.investigated_by, r.investigated_at, r.investigation),
            review: step_record(r.reviewed_by, r.reviewed_at, r.review),
            general_manager_informed: step_record(r.informed_by, r.informed_at, None),
            id: r.id,
            employee_id: r.employee_id,
            department_id: r.department_id,
            occurred_at: Instant::from_utc(r.occurred_at),
            description: r.description,
            due_at: Instant::from_utc(r.due_at),
            late: r.late,
            status: r.status,
            reported_by: r.reported_by,
            reported_at: Instant::from_utc(r.reported_at),
            version: r.version,
        }
    }
}

/// EMP-8: the injured employee's department head files the work-injury report (late when more
/// than 12 hours after the incident).
#[utoipa::path(
    tag = "employment",
    request_body = NewInjuryReport,
    responses((status = 201, body = InjuryReportView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn file_injury_report(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(request): Json<NewInjuryReport>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.employment_policy;
    let filing = InjuryFiling {
        employee_id: request.employee_id,
        occurred_at: request.occurred_at.0,
        description: request.description.into(),
    };
    let report = state
        .write(move |connection| {
            Ok(service::file_injury_report(
                connection, &caller, &policy, filing,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(InjuryReportView::from(report)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InjuryListParams {
    /// Only late reports (`false`: only timely ones).
    pub late: Option<bool>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// EMP-8: work-injury reports in the order they were filed (HR, the general manager, admin).
#[utoipa::path(
    tag = "employment",
    params(InjuryListParams),
    responses((status = 200, body = Page<InjuryReportView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_injury_reports(
    state: web::Data<AppState>,
    _caller: Authorized<PeopleOverseers>,
    Query(params): Query<InjuryListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after_id = page.after_id();
    let limit = page.limit();
    let rows = state
        .read(move |connection| {
            Ok(service::list_injury_reports(
                connection,
                params.late,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(Page::from_rows(rows, limit, |r: &InjuryReport| &r.id).map(InjuryReportView::from)))
}

/// One report (HR, the general manager, admin, the department's head, the office's head).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, body = InjuryReportView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_injury_report(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.employment_policy;
    let id = id.into_inner();
    let report = state
        .read(move |connection| {
            Ok(service::find_injury_report(
                connection, &caller, &policy, &id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(InjuryReportView::from(report)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepNote {
    /// The version the client read (412 when stale).
    pub version: i64,
    /// The investigation's findings and opinion, or HR's review.
    pub note: Text<1, 4000>,
}

/// One step through the service, with its note when it has one.
async fn take_step<P>(
    state: web::Data<AppState>,
    caller: Authorized<P>,
    id: String,
    (version, note): (i64, Option<String>),
    step: InjuryStep,
) -> Result<HttpResponse, ApiError>
where
    P: Send + 'static,
{
    let policy = state.employment_policy;
    let report = state
        .write(move |connection| {
            Ok(service::take_injury_step(
                connection,
                &caller,
                &policy,
                (&id, version),
                step,
                note,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(InjuryReportView::from(report)))
}

/// EMP-8: the office (办公室: its department head, or admin) records its investigation —
/// after the report, before HR's review (409 out of order).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Report id")),
    request_body = StepNote,
    responses((status = 200, body = InjuryReportView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/investigation")]
async fn record_investigation(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<StepNote>,
) -> Result<HttpResponse, ApiError> {
    let step = (request.version, Some(request.note.into()));
    take_step(
        state,
        caller,
        id.into_inner(),
        step,
        InjuryStep::Investigation,
    )
    .await
}

/// EMP-8: HR reviews the investigated report (409 out of order).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Report id")),
    request_body = StepNote,
    responses((status = 200, body = InjuryReportView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/review")]
async fn record_review(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    id: web::Path<String>,
    Json(request): Json<StepNote>,
) -> Result<HttpResponse, ApiError> {
    let step = (request.version, Some(request.note.into()));
    take_step(state, caller, id.into_inner(), step, InjuryStep::Review).await
}

/// EMP-8: the general manager records being informed of the reviewed report (409 out of
/// order).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Report id")),
    request_body = VersionOnly,
    responses((status = 200, body = InjuryReportView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/general-manager-informed")]
async fn inform_general_manager(
    state: web::Data<AppState>,
    caller: Authorized<GeneralManagers>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let step = (request.version, None);
    take_step(
        state,
        caller,
        id.into_inner(),
        step,
        InjuryStep::GeneralManagerInformed,
    )
    .await
}
