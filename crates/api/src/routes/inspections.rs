//! INSP-1..4: service supervision (服务监督检查管理制度) — service points, inspections and their
//! findings, rectification, verification, reminders, escalation into an accountability case,
//! and the monthly report.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::inspection::{
    FindingAction, FindingSeverity, FindingStatus, InspectionScope, OnTimeRate, ScopeSeverityCount,
    ServicePointKind,
};
use zhidu_service::inspections::{
    self as service, FindingQuery, InspectionFinding, InspectionRecord, MonthlyReport, NewFinding,
    NewInspection, NewPoint, ServicePoint, facts_of, kind_of,
};

use crate::auth::{Authorized, Staff, Supervisors};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Items, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::views::CaseView;
use crate::wire::{Instant, IsoDate, YearMonth};

/// Under `/service-points`.
pub fn configure_points(config: &mut ServiceConfig) {
    config
        .service(register_point)
        .service(list_points)
        .service(get_point);
}

/// Under `/inspections`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record_inspection)
        .service(monthly_report)
        .service(get_inspection);
}

/// Under `/inspection-findings`.
pub fn configure_findings(config: &mut ServiceConfig) {
    config
        .service(list_findings)
        .service(get_finding)
        .service(rectify)
        .service(verify)
        .service(reopen)
        .service(remind)
        .service(escalate_finding);
}

// INSP-1: service points

#[derive(Debug, Serialize, ToSchema)]
pub struct PointView {
    pub id: String,
    pub kind: ServicePointKind,
    pub name: String,
    pub service_area_id: Option<String>,
    pub department_id: Option<String>,
    pub created_by: String,
    pub created_at: Instant,
}

impl TryFrom<ServicePoint> for PointView {
    type Error = ApiError;

    fn try_from(point: ServicePoint) -> Result<Self, ApiError> {
        Ok(PointView {
            kind: kind_of(&point)?,
            id: point.id,
            name: point.name,
            service_area_id: point.service_area_id,
            department_id: point.department_id,
            created_by: point.created_by,
            created_at: Instant::from_utc(point.created_at),
        })
    }
}

/// A service point: a service area names its area, a department its department, a business
/// hall may name the department it belongs to.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServicePoint {
    pub kind: ServicePointKind,
    #[schema(example = "城区营业厅")]
    pub name: Text<1, 200>,
    pub service_area_id: Option<String>,
    pub department_id: Option<String>,
}

/// INSP-1: register a service point that inspections visit (and INSP-4 expects inspected
/// monthly).
#[utoipa::path(
    tag = "inspections",
    request_body = NewServicePoint,
    responses((status = 201, body = PointView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn register_point(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    Json(request): Json<NewServicePoint>,
) -> Result<HttpResponse, ApiError> {
    let point = NewPoint {
        kind: request.kind,
        name: request.name.into(),
        service_area_id: request.service_area_id,
        department_id: request.department_id,
    };
    let point = state
        .write(move |connection| Ok(service::register_point(connection, &caller, point)?))
        .await?;
    Ok(HttpResponse::Created().json(PointView::try_from(point)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PointListParams {
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// The service points in the order they were registered.
#[utoipa::path(
    tag = "inspections",
    params(PointListParams),
    responses((status = 200, body = Page<PointView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_points(
    state: web::Data<AppState>,
    _caller: Authorized<Supervisors>,
    Query(params): Query<PointListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (after, limit) = (page.after_id(), page.limit());
    let rows = state
        .read(move |connection| Ok(service::list_points(connection, after, limit)?))
        .await?;
    Ok(HttpResponse::Ok()
        .json(Page::from_rows(rows, limit, |p: &ServicePoint| &p.id).try_map(PointView::try_from)?))
}

/// One service point.
#[utoipa::path(
    tag = "inspections",
    params(("id" = String, Path, description = "Service point id")),
    responses((status = 200, body = PointView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_point(
    state: web::Data<AppState>,
    _caller: Authorized<Supervisors>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let point = state
        .read(move |connection| Ok(service::find_point(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(PointView::try_from(point)?))
}

// INSP-1, INSP-2: inspections and findings

#[derive(Debug, Serialize, ToSchema)]
pub struct Rectification {
    pub note: String,
    pub rectified_at: Instant,
    /// The responsible person's user id.
    pub rectified_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Review {
    pub note: String,
    pub reviewed_at: Instant,
    /// The supervisor who verified or reopened.
    pub reviewed_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingView {
    pub id: String,
    pub inspection_id: String,
    pub service_point_id: String,
    pub scope: InspectionScope,
    pub severity: FindingSeverity,
    pub description: String,
    pub responsible_employee_id: String,
    /// The inspection's day.
    pub found_on: IsoDate,
    /// INSP-2: 23:59:59 Shanghai time of the due day (serious: the day found; major: 1
    /// working day after; minor: 3).
    pub due_at: Instant,
    /// The due day was counted on a year without an official schedule (CAL-2).
    pub due_provisional: bool,
    pub status: FindingStatus,
    /// INSP-2: still open or reopened after its deadline, now.
    pub overdue: bool,
    /// The responsible person's rectification (cleared when reopened).
    pub rectification: Option<Rectification>,
    /// The supervisor's last verification or reopening.
    pub review: Option<Review>,
    /// INSP-3: reminders given.
    pub reminders: i64,
    pub last_reminded_at: Option<Instant>,
    /// INSP-3: the accountability case the finding was escalated into.
    pub accountability_case_id: Option<String>,
    pub escalated_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

fn finding_view(finding: InspectionFinding, now: OffsetDateTime) -> Result<FindingView, ApiError> {
    let facts = facts_of(&finding, now)?;
    let rectification = match (
        finding.rectified_at,
        finding.rectified_by,
        finding.rectification_note,
    ) {
        (Some(at), Some(by), note) => Some(Rectification {
            note: note.unwrap_or_default(),
            rectified_at: Instant::from_utc(at),
            rectified_by: by,
        }),
        _ => None,
    };
    let review = finding
        .reviewed_at
        .zip(finding.reviewed_by)
        .map(|(at, by)| Review {
            note: finding.review_note.unwrap_or_default(),
            reviewed_at: Instant::from_utc(at),
            reviewed_by: by,
        });
    Ok(FindingView {
        scope: facts.scope,
        severity: facts.severity,
        status: facts.status,
        overdue: facts.overdue,
        rectification,
        review,
        id: finding.id,
        inspection_id: finding.inspection_id,
        service_point_id: finding.service_point_id,
        description: finding.description,
        responsible_employee_id: finding.responsible_employee_id,
        found_on: IsoDate(finding.found_on),
        due_at: Instant::from_utc(finding.due_at),
        due_provisional: finding.due_provisional,
        reminders: finding.reminders,
        last_reminded_at: finding.last_reminded_at.map(Instant::from_utc),
        accountability_case_id: finding.accountability_case_id,
        escalated_at: finding.escalated_at.map(Instant::from_utc),
        version: finding.version,
        created_at: Instant::from_utc(finding.created_at),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionView {
    pub id: String,
    pub service_point_id: String,
    pub inspected_on: IsoDate,
    /// The supervisor's user id.
    pub supervisor: String,
    pub note: String,
    pub findings: Vec<FindingView>,
    pub created_at: Instant,
}

fn inspection_view(
    record: InspectionRecord,
    now: OffsetDateTime,
) -> Result<InspectionView, ApiError> {
    let inspection = record.inspection;
    Ok(InspectionView {
        findings: record
            .findings
            .into_iter()
            .map(|finding| finding_view(finding, now))
            .collect::<Result<_, _>>()?,
        id: inspection.id,
        service_point_id: inspection.service_point_id,
        inspected_on: IsoDate(inspection.inspected_on),
        supervisor: inspection.supervisor,
        note: inspection.note,
        created_at: Instant::from_utc(inspection.created_at),
    })
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingInput {
    /// Which of 第三条's five scopes the finding falls under.
    pub scope: InspectionScope,
    pub severity: FindingSeverity,
    #[schema(example = "营业厅未公示服务项目")]
    pub description: Text<1, 2000>,
    /// An employee with a user account; they record the rectification.
    pub responsible_employee_id: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInspectionRequest {
    pub service_point_id: String,
    /// The day of the visit; not in the future.
    pub inspected_on: IsoDate,
    #[serde(default)]
    pub note: Option<Text<0, 4000>>,
    /// What the visit found (none for a clean visit).
    #[validate(nested)]
    pub findings: Items<FindingInput, 0, 100>,
}

/// INSP-1, INSP-2: record a supervisor's inspection of a service point with its findings;
/// each finding gets its rectification deadline from its severity.
#[utoipa::path(
    tag = "inspections",
    request_body = NewInspectionRequest,
    responses((status = 201, body = InspectionView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn record_inspection(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    Json(request): Json<NewInspectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = caller.actor.at.instant();
    let inspection = NewInspection {
        service_point_id: request.service_point_id,
        inspected_on: request.inspected_on.0,
        note: request.note.map(String::from).unwrap_or_default(),
        findings: request
            .findings
            .into_iter()
            .map(|finding| NewFinding {
                scope: finding.scope,
                severity: finding.severity,
                description: finding.description.into(),
                responsible_employee_id: finding.responsible_employee_id,
            })
            .collect(),
    };
    let policy = state.inspection_policy.clone();
    let record = state
        .write(move |connection| {
            Ok(service::record_inspection(
                connection, &caller, &policy, inspection,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(inspection_view(record, now)?))
}

/// One inspection with its findings.
#[utoipa::path(
    tag = "inspections",
    params(("id" = String, Path, description = "Inspection id")),
    responses((status = 200, body = InspectionView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_inspection(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = caller.actor.at.instant();
    let record = state
        .read(move |connection| Ok(service::find_inspection(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(inspection_view(record, now)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FindingListParams {
    /// INSP-2: only findings still open or reopened after their deadline.
    #[serde(default)]
    pub overdue: bool,
    pub status: Option<FindingStatus>,
    pub responsible_employee_id: Option<String>,
    pub service_point_id: Option<String>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// INSP-2: findings in the order they were recorded; `overdue=true` lists the overdue ones.
#[utoipa::path(
    tag = "inspections",
    params(FindingListParams),
    responses((status = 200, body = Page<FindingView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_findings(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    Query(params): Query<FindingListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit();
    let query = FindingQuery {
        status: params.status,
        responsible_employee_id: params.responsible_employee_id,
        service_point_id: params.service_point_id,
        overdue: params.overdue,
        after_id: page.after_id(),
        limit,
    };
    let now = caller.actor.at.instant();
    let rows = state
        .read(move |connection| Ok(service::list_findings(connection, &caller, query)?))
        .await?;
    Ok(HttpResponse::Ok().json(
        Page::from_rows(rows, limit, |f: &InspectionFinding| &f.id)
            .try_map(|finding| finding_view(finding, now))?,
    ))
}

/// One finding — for a supervisor or its responsible person.
#[utoipa::path(
    tag = "inspections",
    params(("id" = String, Path, description = "Finding id")),
    responses((status = 200, body = FindingView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_finding(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = caller.actor.at.instant();
    let finding = state
        .read(move |connection| Ok(service::find_finding(connection, &caller, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(finding_view(finding, now)?))
}

/// A versioned step with a note.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotedStep {
    /// The version the client read (412 when stale).
    pub version: i64,
    pub note: Text<1, 4000>,
}

/// A versioned step whose note may be left out.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionallyNotedStep {
    /// The version the client read (412 when stale).
    pub version: i64,
    #[serde(default)]
    pub note: Option<Text<0, 4000>>,
}

/// INSP-2: the responsible person reports the finding rectified, with a note (only them).
#[utoipa::path(
    tag = "inspections",
    params(("id" = String, Path, description = "Finding id")),
    request_body = NotedStep,
    responses((status = 200, body = FindingView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/rectification")]
async fn rectify(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<NotedStep>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = caller.actor.at.instant();
    let finding = state
        .write(move |connection| {
            Ok(service::rectify(
                connection,
                &caller,
                &id,
                request.version,
                &request.note,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(finding_view(finding, now)?))
}

async fn review(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    id: String,
    action: FindingAction,
    version: i64,
    note: String,
) -> Result<HttpResponse, ApiError> {
    let now = caller.actor.at.instant();
    let finding = state
        .write(move |connection| {
            Ok(service::review(
                connection, &caller, &id, version, action, &note,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(finding_view(finding, now)?))
}

/// INSP-2: a supervisor confirms a rectified finding (final).
#[utoipa::path(
    tag = "inspections",
    params(("id" = String, Path, description = "Finding id")),
    request_body = OptionallyNotedStep,
    responses((status = 200, body = FindingView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/verification")]
async fn verify(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    id: web::Path<String>,
    Json(request): Json<OptionallyNotedStep>,
) -> Result<HttpResponse, ApiError> {
    let note = request.note.map(String::from).unwrap_or_default();
    review(
        state,
        caller,
        id.into_inner(),
        FindingAction::Verify,
        request.version,
        note,
    )
    .await
}

/// INSP-2: a supervisor finds the rectification wanting and reopens the finding, saying why;
/// its original deadline stands.
#[utoipa::path(
    tag = "inspections",
    params(("id" = String, Path, description = "Finding id")),
    request_body = NotedStep,
    responses((status = 200, body = FindingView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/reopening")]
async fn reopen(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    id: web::Path<String>,
    Json(request): Json<NotedStep>,
) -> Result<HttpResponse, ApiError> {
    review(
        state,
        caller,
        id.into_inner(),
        FindingAction::Reopen,
        request.version,
        request.note.into(),
    )
    .await
}

/// INSP-3: a supervisor records a reminder (说服劝阻) to the responsible person of an
/// unrectified finding.
#[utoipa::path(
    tag = "inspections",
    params(("id" = String, Path, description = "Finding id")),
    request_body = VersionOnly,
    responses((status = 200, body = FindingView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/reminders")]
async fn remind(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = caller.actor.at.instant();
    let finding = state
        .write(move |connection| Ok(service::remind(connection, &caller, &id, request.version)?))
        .await?;
    Ok(HttpResponse::Ok().json(finding_view(finding, now)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationView {
    /// The finding, now naming its case.
    pub finding: FindingView,
    /// The accountability case opened against the responsible person.
    pub accountability_case: CaseView,
}

/// INSP-3: escalate a finding still unrectified after its deadline and a reminder into an
/// accountability case against the responsible person — refused (422, rule INSP-3) before
/// that; at most once (409).
#[utoipa::path(
    tag = "inspections",
    params(("id" = String, Path, description = "Finding id")),
    request_body = VersionOnly,
    responses((status = 201, body = EscalationView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/escalation")]
async fn escalate_finding(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = caller.actor.at.instant();
    let policy = state.inspection_policy.clone();
    let (finding, case) = state
        .write(move |connection| {
            Ok(service::escalate(
                connection,
                &caller,
                &policy,
                &id,
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(EscalationView {
        finding: finding_view(finding, now)?,
        accountability_case: CaseView::try_from(case)?,
    }))
}

// INSP-4: the monthly report

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// The month, `YYYY-MM`.
    pub month: YearMonth,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthlyReportView {
    pub month: YearMonth,
    /// Points registered by the month's end: each is due an inspection in the month.
    pub points: u64,
    /// Of those, the points inspected at least once in the month.
    pub inspected: u64,
    /// INSP-4: every point was inspected in the month.
    pub every_point_inspected: bool,
    pub not_inspected: Vec<PointView>,
    /// Findings of the month's inspections.
    pub findings: u64,
    /// The month's findings by 第三条 scope and severity: all 15 cells, zeros included.
    pub findings_by_scope_and_severity: Vec<ScopeSeverityCount>,
    /// Rectifications due in the month (deadline within it), read now.
    pub on_time_rectification: OnTimeRate,
}

fn report_view(month: YearMonth, report: MonthlyReport) -> Result<MonthlyReportView, ApiError> {
    let not_inspected = report
        .not_inspected
        .into_iter()
        .map(PointView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let missing = not_inspected.len() as u64;
    Ok(MonthlyReportView {
        month,
        points: report.points_due,
        inspected: report.points_due.saturating_sub(missing),
        every_point_inspected: missing == 0,
        not_inspected,
        findings: report
            .by_scope_and_severity
            .iter()
            .map(|cell| cell.findings)
            .sum(),
        findings_by_scope_and_severity: report.by_scope_and_severity,
        on_time_rectification: report.on_time,
    })
}

/// INSP-4: the month's supervision — the points not inspected, the findings by scope and
/// severity, and the on-time rectification rate.
#[utoipa::path(
    tag = "inspections",
    params(ReportParams),
    responses((status = 200, body = MonthlyReportView), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/report")]
async fn monthly_report(
    state: web::Data<AppState>,
    caller: Authorized<Supervisors>,
    Query(params): Query<ReportParams>,
) -> Result<HttpResponse, ApiError> {
    let month = params.month;
    let report = state
        .read(move |connection| {
            Ok(service::monthly_report(
                connection,
                &caller,
                month.first_day(),
                month.last_day(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report_view(month, report)?))
}
