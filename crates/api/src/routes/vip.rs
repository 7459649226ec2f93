//! VIP — big-customer visit plans (客户回访制度 第五条): the plans tier-A customers get
//! (VIP-1), their visits and the work orders issues open (VIP-2), the overdue plans and each
//! quarter's planned vs done per owner (VIP-3).

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::sla::{Satisfaction, WorkOrderKind};
use zhidu_domain::vip::VipPlanStatus;
use zhidu_service::vip::{
    self as service, NewIssue, NewVisit, OwnerTally, PlanRecords, PlanRow, VisitRecords,
};

use crate::auth::{Authorized, CareStaff, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Invalid, NotFound, Unavailable};
use crate::extract::{Json, Query};
use crate::input::{Items, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, QuarterParam};

/// Under `/vip-plans`. The fixed paths come before `/{id}`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(list_plans)
        .service(overdue_plans)
        .service(quarter_report)
        .service(get_plan)
        .service(record_vip_visit);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VipPlanView {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    /// The customer's dedicated account owner (TIER-5, a user id), read now; `null` is an
    /// owner gap.
    pub owner_id: Option<String>,
    pub status: VipPlanStatus,
    /// VIP-1: the day the customer became tier A (by a quarter close or an override).
    pub started_on: IsoDate,
    /// VIP-3: the day the customer left tier A; no due date after it.
    pub ended_on: Option<IsoDate>,
    /// Calendar months per visit period (1: monthly); each period is due on its last day.
    pub visit_every_months: i32,
    /// Open plans: the due date of the first period not yet visited and not yet past.
    pub next_due_on: Option<IsoDate>,
    /// VIP-3: the due date of the latest past period left without a visit, if the plan is
    /// open and that period was missed.
    pub overdue_since: Option<IsoDate>,
    pub version: i64,
}

fn plan_view(row: PlanRow) -> VipPlanView {
    let plan = row.listing.plan;
    VipPlanView {
        id: plan.id,
        customer_id: plan.customer_id,
        customer_name: row.listing.customer_name,
        owner_id: row.listing.owner_id,
        status: row.status,
        started_on: IsoDate(plan.started_on),
        ended_on: plan.ended_on.map(IsoDate),
        visit_every_months: plan.visit_every_months,
        next_due_on: row.next_due_on.map(IsoDate),
        overdue_since: row.overdue_since.map(IsoDate),
        version: plan.version,
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VipPlanListParams {
    /// `open` or `ended` plans only.
    pub status: Option<VipPlanStatus>,
    /// Only the plans of this owner's customers (a user id).
    pub owner_id: Option<String>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// VIP-1, VIP-3: the visit plans in the order they were opened, with their next due date
/// and since when they are overdue, judged today; an ended plan stays listed.
#[utoipa::path(
    tag = "vip",
    params(VipPlanListParams),
    responses((status = 200, body = Page<VipPlanView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_plans(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<VipPlanListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (after_id, limit) = (page.after_id(), page.limit());
    let today = caller.actor.at.today();
    let rows = state
        .read(move |connection| {
            Ok(service::list_plans(
                connection,
                params.status,
                params.owner_id,
                today,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(Page::from_rows(rows, limit, |row: &PlanRow| &row.listing.plan.id).map(plan_view)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VipOverdueParams {
    /// The day judged, `YYYY-MM-DD`; today when not given.
    pub on: Option<IsoDate>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// VIP-3: the plans open on `on` whose latest period due before that day has no visit, in
/// the order they were opened.
#[utoipa::path(
    tag = "vip",
    params(VipOverdueParams),
    responses((status = 200, body = Page<VipPlanView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/overdue")]
async fn overdue_plans(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<VipOverdueParams>,
) -> Result<HttpResponse, ApiError> {
    let on = params.on.map_or(caller.actor.at.today(), |day| day.0);
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (after_id, limit) = (page.after_id(), page.limit());
    let rows = state
        .read(move |connection| {
            Ok(service::overdue_plans(
                connection,
                on,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(Page::from_rows(rows, limit, |row: &PlanRow| &row.listing.plan.id).map(plan_view)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VipOwnerTallyView {
    /// The account owner (a user id); `null` gathers the customers without one.
    pub owner_id: Option<String>,
    /// Periods of the owner's customers' plans due within the quarter.
    pub planned: u32,
    /// Of those, the ones with a visit in their window.
    pub done: u32,
    /// Of those, the ones whose due date has passed without a visit (the rest are not due
    /// yet).
    pub missed: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VipQuarterReportView {
    #[schema(value_type = String, example = "2026Q4")]
    pub quarter: String,
    #[schema(example = "VIP-3")]
    pub rule: &'static str,
    pub owners: Vec<VipOwnerTallyView>,
}

/// VIP-3: for a quarter, per owner of the plans' customers, the visit periods due within it,
/// those done and those missed so far; owners by id, the customers without an owner last.
#[utoipa::path(
    tag = "vip",
    params(("quarter" = QuarterParam, Path, description = "Quarter, e.g. 2026Q4")),
    responses((status = 200, body = VipQuarterReportView), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/quarters/{quarter}")]
async fn quarter_report(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    quarter: web::Path<QuarterParam>,
) -> Result<HttpResponse, ApiError> {
    let QuarterParam(quarter) = quarter.into_inner();
    let today = caller.actor.at.today();
    let owners = state
        .read(move |connection| Ok(service::quarter_report(connection, quarter, today)?))
        .await?;
    Ok(HttpResponse::Ok().json(VipQuarterReportView {
        quarter: quarter.to_string(),
        rule: "VIP-3",
        owners: owners
            .into_iter()
            .map(|OwnerTally { owner_id, tally }| VipOwnerTallyView {
                owner_id,
                planned: tally.planned,
                done: tally.done,
                missed: tally.missed,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VipIssueView {
    pub id: String,
    #[schema(value_type = WorkOrderKind)]
    pub kind: String,
    pub description: String,
    /// VIP-2: the work order the issue opened.
    pub work_order_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VipVisitView {
    pub id: String,
    pub plan_id: String,
    pub customer_id: String,
    pub visited_on: IsoDate,
    /// The employee who visited.
    pub visitor_id: String,
    pub contact: String,
    #[schema(value_type = Satisfaction)]
    pub satisfaction: String,
    pub note: String,
    pub issues: Vec<VipIssueView>,
    pub recorded_by: String,
    pub created_at: Instant,
}

fn visit_view(records: VisitRecords) -> VipVisitView {
    let visit = records.visit;
    VipVisitView {
        id: visit.id,
        plan_id: visit.plan_id,
        customer_id: visit.customer_id,
        visited_on: IsoDate(visit.visited_on),
        visitor_id: visit.visitor_id,
        contact: visit.contact,
        satisfaction: visit.satisfaction,
        note: visit.note,
        issues: records
            .issues
            .into_iter()
            .map(|listing| VipIssueView {
                id: listing.issue.id,
                kind: listing.kind,
                description: listing.issue.description,
                work_order_id: listing.issue.work_order_id,
            })
            .collect(),
        recorded_by: visit.recorded_by,
        created_at: Instant::from_utc(visit.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VipPlanDetailView {
    #[serde(flatten)]
    pub plan: VipPlanView,
    /// Every visit, by day.
    pub visits: Vec<VipVisitView>,
}

/// VIP-1, VIP-3: one plan with all its visits and their issues, judged today; an ended plan
/// keeps its history.
#[utoipa::path(
    operation_id = "get_vip_plan",
    tag = "vip",
    params(("id" = String, Path, description = "Plan id")),
    responses((status = 200, body = VipPlanDetailView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_plan(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let today = caller.actor.at.today();
    let PlanRecords { row, visits } = state
        .read(move |connection| Ok(service::find_plan(connection, &id, today)?))
        .await?;
    Ok(HttpResponse::Ok().json(VipPlanDetailView {
        plan: plan_view(row),
        visits: visits.into_iter().map(visit_view).collect(),
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VipIssueInput {
    /// The kind of work order it opens.
    pub kind: WorkOrderKind,
    #[schema(example = "机房空调噪声大，需上门检修")]
    pub description: Text<1, 2000>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVipVisitRequest {
    /// The day of the visit: not in the future, not before the plan started, not after an
    /// ended plan's end.
    pub visited_on: IsoDate,
    /// The employee who visited.
    pub visitor_id: String,
    /// Whom they met at the customer.
    #[schema(example = "王经理")]
    pub contact: Text<1, 200>,
    pub satisfaction: Satisfaction,
    #[serde(default)]
    pub note: Option<Text<0, 4000>>,
    /// VIP-2: each issue opens a work order for the customer, received by the visitor (`[]`
    /// when the visit raised none).
    #[validate(nested)]
    pub issues: Items<VipIssueInput, 0, 20>,
}

/// VIP-2: record a visit to the plan's customer: date, visitor, contact, satisfaction and
/// issues; each issue opens a linked work order in the same transaction.
#[utoipa::path(
    tag = "vip",
    params(("id" = String, Path, description = "Plan id")),
    request_body = NewVipVisitRequest,
    responses((status = 201, body = VipVisitView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/visits")]
async fn record_vip_visit(
    state: web::Data<AppState>,
    caller: Authorized<CareStaff>,
    id: web::Path<String>,
    Json(request): Json<NewVipVisitRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let visit = NewVisit {
        visited_on: request.visited_on.0,
        visitor_id: request.visitor_id,
        contact: request.contact.into_string(),
        satisfaction: request.satisfaction,
        note: request.note.map(Text::into_string).unwrap_or_default(),
        issues: request
            .issues
            .into_vec()
            .into_iter()
            .map(|issue| NewIssue {
                kind: issue.kind,
                description: issue.description.into_string(),
            })
            .collect(),
    };
    let policy = state.policies().await?.sla_on(state.now().today())?.clone();
    let records = state
        .write(move |connection| {
            Ok(service::record_visit(
                connection, &caller, &policy, &id, visit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(visit_view(records)))
}
