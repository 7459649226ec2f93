//! Leaving: resignations with their notice (EMP-3), the hand-back checklist that holds back
//! the leaving certificate and final pay (EMP-4), and the customer hand-over tasks of a
//! departure (CARE-4). The rules live in `zhidu_domain::employment`, the use cases in
//! `zhidu_service::departures`.

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::care::HandoverTaskStatus;
use zhidu_domain::employment::outstanding_items;
use zhidu_domain::person::{ChecklistItem, EmploymentPolicy, LeavingReason};

use zhidu_service::departures::{
    self as service, CustomerHandoverTask, DepartureChecklist, Resignation, ResignationNotice,
};

use crate::auth::{Authorized, PeopleAdmins, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::Text;
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};

/// Under `/resignations`.
pub fn configure_resignations(config: &mut ServiceConfig) {
    config
        .service(submit_resignation)
        .service(get_resignation)
        .service(accept_resignation)
        .service(withdraw_resignation);
}

/// Under `/employees`.
pub fn configure_per_employee(config: &mut ServiceConfig) {
    config
        .service(get_checklist)
        .service(return_item)
        .service(leaving_certificate);
}

/// Under `/customer-handover-tasks`.
pub fn configure_handover(config: &mut ServiceConfig) {
    config.service(list_tasks).service(complete_task);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitResignation {
    /// Defaults to the caller's own employee record; HR may submit for another.
    pub employee_id: Option<String>,
    /// The last day the employee means to work; not before the EMP-3 earliest day.
    pub requested_last_day: IsoDate,
    /// EMP-3: on probation, 3 days' pay instead of the 3 days' notice (leave at once).
    #[serde(default)]
    pub pay_in_lieu: bool,
    pub reason: Text<1, 1000>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResignationView {
    pub id: String,
    pub employee_id: String,
    pub submitted_at: Instant,
    /// The day the notice runs from (Shanghai).
    pub submitted_on: IsoDate,
    /// Whether the employee was on probation on the submission day.
    pub on_probation: bool,
    pub pay_in_lieu: bool,
    /// EMP-3: days of pay that replace the notice (0 without pay in lieu).
    pub pay_in_lieu_days: i32,
    /// EMP-3: the earliest last day of work.
    pub earliest_last_day: IsoDate,
    pub requested_last_day: IsoDate,
    pub reason: String,
    /// `pending`, `accepted` or `withdrawn`.
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<Instant>,
    pub version: i64,
}

impl From<Resignation> for ResignationView {
    fn from(r: Resignation) -> Self {
        ResignationView {
            id: r.id,
            employee_id: r.employee_id,
            submitted_at: Instant::from_utc(r.submitted_at),
            submitted_on: IsoDate(r.submitted_on),
            on_probation: r.on_probation,
            pay_in_lieu: r.pay_in_lieu,
            pay_in_lieu_days: r.pay_in_lieu_days,
            earliest_last_day: IsoDate(r.earliest_last_day),
            requested_last_day: IsoDate(r.requested_last_day),
            reason: r.reason,
            status: r.status,
            decided_by: r.decided_by,
            decided_at: r.decided_at.map(Instant::from_utc),
            version: r.version,
        }
    }
}

/// Submit a resignation (the employee, or HR for them). The notice runs from today: 3 days on
/// probation (or leave at once with 3 days' pay in lieu), 30 days after (EMP-3); a requested
/// last day before the earliest is refused (422, rule EMP-3, with `earliest_last_day`).
#[utoipa::path(
    tag = "employment",
    request_body = SubmitResignation,
    responses((status = 201, body = ResignationView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn submit_resignation(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(body): Json<SubmitResignation>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.employment_policy;
    let view = state
        .write(move |connection| {
            let resignation = service::submit_resignation(
                connection,
                &caller,
                &policy,
                body.employee_id.as_deref(),
                ResignationNotice {
                    requested_last_day: body.requested_last_day.0,
                    pay_in_lieu: body.pay_in_lieu,
                    reason: body.reason.to_string(),
                },
            )?;
            Ok(ResignationView::from(resignation))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// One resignation.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Resignation id")),
    responses((status = 200, body = ResignationView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_resignation(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .read(move |connection| {
            let (row, _) = service::readable_resignation(connection, &caller, &id)?;
            Ok(ResignationView::from(row))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptResignation {
    /// CARE-4: the employee who takes over the leaver's customers; defaults to the leaver's
    /// superior. Needs a staff account to own customers.
    pub successor_id: Option<String>,
    /// The resignation's version.
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverTaskView {
    pub id: String,
    pub customer_id: String,
    pub leaver_id: String,
    /// The employee who now owns the customer and does the task.
    pub successor_id: String,
    /// `open` or `done`.
    pub status: String,
    /// The answer: services the leaver promised that must be honoured.
    pub promised_services: Option<String>,
    pub completed_by: Option<String>,
    pub completed_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

impl From<CustomerHandoverTask> for HandoverTaskView {
    fn from(t: CustomerHandoverTask) -> Self {
        HandoverTaskView {
            id: t.id,
            customer_id: t.customer_id,
            leaver_id: t.leaver_id,
            successor_id: t.successor_id,
            status: t.status,
            promised_services: t.promised_services,
            completed_by: t.completed_by,
            completed_at: t.completed_at.map(Instant::from_utc),
            version: t.version,
            created_at: Instant::from_utc(t.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedResignation {
    pub resignation: ResignationView,
    /// The employee's last day, now on their record with `leaving_reason = resignation`.
    pub left_on: IsoDate,
    pub leaving_reason: LeavingReason,
    /// EMP-4: the items to hand back before final pay and the leaving certificate.
    pub outstanding_items: Vec<ChecklistItem>,
    /// CARE-4: one task per customer the leaver owned, now owned by the successor.
    pub handover_tasks: Vec<HandoverTaskView>,
}

/// Accept a resignation (admin, HR). In one transaction: the employee's `left_on` becomes the
/// requested last day with `leaving_reason = resignation`, the EMP-4 checklist opens, and
/// every customer the leaver owned passes to the successor with a CARE-4 hand-over task.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Resignation id")),
    request_body = AcceptResignation,
    responses((status = 200, body = AcceptedResignation), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/acceptance")]
async fn accept_resignation(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    id: web::Path<String>,
    Json(body): Json<AcceptResignation>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.employment_policy;
    let view = state
        .write(move |connection| {
            let accepted = service::accept_resignation(
                connection,
                &caller,
                &policy,
                &id,
                body.version,
                body.successor_id.as_deref(),
            )?;
            Ok(AcceptedResignation {
                resignation: accepted.resignation.into(),
                left_on: IsoDate(accepted.left_on),
                leaving_reason: LeavingReason::Resignation,
                outstanding_items: accepted.outstanding_items,
                handover_tasks: accepted
                    .handover_tasks
                    .into_iter()
                    .map(HandoverTaskView::from)
                    .collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraw a resignation before HR accepts it (the employee, or HR).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Resignation id")),
    request_body = VersionOnly,
    responses((status = 200, body = ResignationView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/withdrawal")]
async fn withdraw_resignation(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let after = service::withdraw_resignation(connection, &caller, &id, body.version)?;
            Ok(ResignationView::from(after))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistItemView {
    pub item: ChecklistItem,
    pub returned_at: Option<Instant>,
    /// The staff account that took it back.
    pub received_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistView {
    pub employee_id: String,
    pub left_on: IsoDate,
    pub items: Vec<ChecklistItemView>,
    /// EMP-4: what is still out; final pay and the leaving certificate wait until it is empty.
    pub outstanding: Vec<ChecklistItem>,
    pub complete: bool,
    /// 0 until the first item is recorded for a departure entered without a resignation.
    pub version: i64,
}

fn checklist_view(
    policy: &EmploymentPolicy,
    left_on: Date,
    checklist: &DepartureChecklist,
) -> ChecklistView {
    let outstanding = outstanding_items(policy, &checklist.returned_items());
    ChecklistView {
        employee_id: checklist.employee_id.clone(),
        left_on: IsoDate(left_on),
        items: policy
            .checklist
            .iter()
            .map(|item| {
                let (at, by) = checklist.item(*item);
                ChecklistItemView {
                    item: *item,
                    returned_at: at.map(Instant::from_utc),
                    received_by: by,
                }
            })
            .collect(),
        complete: outstanding.is_empty(),
        outstanding,
        version: checklist.version,
    }
}

/// A leaver's hand-back checklist (EMP-4).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = 200, body = ChecklistView), AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/departure-checklist")]
async fn get_checklist(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.employment_policy;
    let view = state
        .read(move |connection| {
            let departure = service::departure(connection, &caller, &id)?;
            Ok(checklist_view(
                &policy,
                departure.left_on,
                &departure.current,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Record that a leaver handed an item back (EMP-4; admin, HR): `badge`, `devices`,
/// `business_passwords`, `training_material`, `locker_key`, `tools` or `books`. 409 for an
/// item already back.
#[utoipa::path(
    tag = "employment",
    params(
        ("id" = String, Path, description = "Employee id"),
        ("item" = ChecklistItem, Path, description = "The item handed back")
    ),
    request_body = VersionOnly,
    responses((status = 200, body = ChecklistView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/departure-checklist/items/{item}")]
async fn return_item(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    path: web::Path<(String, String)>,
    Json(body): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let (id, item_name) = path.into_inner();
    let item = ChecklistItem::from_name(&item_name)
        .ok_or_else(|| ApiError::not_found(format!("no checklist item {item_name}")))?;
    let policy = state.employment_policy;
    let view = state
        .write(move |connection| {
            let departure = service::return_item(connection, &caller, &id, item, body.version)?;
            Ok(checklist_view(
                &policy,
                departure.left_on,
                &departure.current,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentRef {
    pub id: String,
    pub name: String,
}

/// The facts a leaving certificate (离职证明) states.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeavingCertificate {
    pub employee_id: String,
    pub name: String,
    pub hired_on: Option<IsoDate>,
    pub left_on: IsoDate,
    pub leaving_reason: Option<LeavingReason>,
    pub department: DepartmentRef,
}

/// The leaving certificate of a leaver: 409 (rule EMP-4, with `outstanding`) until every
/// checklist item has been handed back.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = 200, body = LeavingCertificate), AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/leaving-certificate")]
async fn leaving_certificate(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.employment_policy;
    let view = state
        .read(move |connection| {
            let facts = match service::leaving_certificate(connection, &caller, &policy, &id)? {
                Ok(facts) => facts,
                Err(outstanding) => {
                    let names: Vec<&str> = outstanding.iter().map(|item| item.name()).collect();
                    return Err(ApiError::conflict(format!(
                        "EMP-4: the leaving certificate is withheld until everything is handed back; outstanding: {}",
                        names.join(", ")
                    ))
                    .with("rule", "EMP-4")
                    .with("outstanding", &outstanding));
                }
            };
            let (employee, department) = (facts.employee, facts.department);
            Ok(LeavingCertificate {
                left_on: IsoDate(facts.left_on),
                leaving_reason: facts.leaving_reason,
                hired_on: employee.hired_on.map(IsoDate),
                employee_id: employee.id,
                name: employee.name,
                department: DepartmentRef {
                    id: department.id,
                    name: department.name,
                },
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TaskListParams {
    /// The successor doing the tasks; defaults to the caller (HR, admin and the general
    /// manager: everyone's).
    pub assignee: Option<String>,
    pub status: Option<TaskStatus>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Where a CARE-4 hand-over task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Done,
}

impl From<TaskStatus> for HandoverTaskStatus {
    fn from(status: TaskStatus) -> Self {
        match status {
            TaskStatus::Open => HandoverTaskStatus::Open,
            TaskStatus::Done => HandoverTaskStatus::Done,
        }
    }
}

/// CARE-4 hand-over tasks, oldest first.
#[utoipa::path(
    tag = "employment",
    params(TaskListParams),
    responses((status = 200, body = Page<HandoverTaskView>), AuthErrors, Invalid, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_tasks(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<TaskListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after = page.after_id();
    let limit = page.limit();
    let page = state
        .read(move |connection| {
            let rows = service::list_tasks(
                connection,
                &caller,
                params.assignee,
                params.status.map(HandoverTaskStatus::from),
                after.as_deref(),
                limit,
            )?;
            Ok(
                Page::from_rows(rows, limit, |t: &CustomerHandoverTask| &t.id)
                    .map(HandoverTaskView::from),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteTask {
    /// CARE-4: what the leaver promised the customer that must be honoured ("none" if
    /// nothing).
    pub promised_services: Text<1, 2000>,
    pub version: i64,
}

/// Complete a hand-over task: the customer was told who takes over, and the answer about
/// promised services is recorded (the successor, or HR). 409 for a task already done.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Hand-over task id")),
    request_body = CompleteTask,
    responses((status = 200, body = HandoverTaskView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/completion")]
async fn complete_task(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<CompleteTask>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let after = service::complete_task(
                connection,
                &caller,
                &id,
                body.version,
                &body.promised_services,
            )?;
            Ok(HandoverTaskView::from(after))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
