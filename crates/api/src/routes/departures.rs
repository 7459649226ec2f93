//! Leaving: resignations with their notice (EMP-3), the hand-back checklist that holds back
//! the leaving certificate and final pay (EMP-4), and the customer hand-over tasks of a
//! departure (CARE-4). The rules live in `zhidu_domain::employment`.

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::employment::ResignationStatus;
use zhidu_domain::employment::{earliest_leaving_date, on_probation, outstanding_items};
use zhidu_domain::person::{ChecklistItem, EmploymentPolicy, LeavingReason};
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::employment::{
    self as store, CustomerHandoverTask, DepartureChecklist, Resignation,
};
use zhidu_store::people::{self, Employee};
use zhidu_store::{new_id, read_stored};

use zhidu_service::access::employees::{filing_employee, listing_subject, readable_employee};
use zhidu_service::people::ensure_employed;

use crate::auth::{Authorized, PeopleAdmins, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::Text;
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};
use zhidu_service::access::{Identity, roles};
use zhidu_service::departures::open_departure;

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

fn notice_refused(detail: String, field: &str) -> ApiError {
    ApiError::rule_refused("EMP-3", detail.clone()).with_errors(vec![FieldError {
        field: field.to_owned(),
        message: format!("EMP-3: {detail}"),
    }])
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
            let employee = filing_employee(connection, &caller, body.employee_id.as_deref())?;
            ensure_employed(&employee)?;
            if store::has_pending_resignation(connection, &employee.id)? {
                return Err(ApiError::conflict(format!(
                    "employee {} already has a resignation waiting for HR",
                    employee.id
                )));
            }
            let submitted_on = caller.actor.at.today();
            let probation = on_probation(employee.probation_end, submitted_on);
            let earliest = earliest_leaving_date(&policy, submitted_on, probation, body.pay_in_lieu)
                .map_err(|refused| notice_refused(refused.to_string(), "pay_in_lieu"))?;
            if body.requested_last_day.0 < earliest {
                return Err(notice_refused(
                    format!(
                        "the notice ends on {earliest}: the last day may not be earlier ({} requested)",
                        body.requested_last_day.0
                    ),
                    "requested_last_day",
                )
                .with("earliest_last_day", IsoDate(earliest)));
            }
            let now = caller.actor.at.stored();
            let resignation = Resignation {
                id: new_id(),
                employee_id: employee.id,
                submitted_at: now,
                submitted_on,
                on_probation: probation,
                pay_in_lieu: body.pay_in_lieu,
                pay_in_lieu_days: if body.pay_in_lieu {
                    i32::try_from(policy.pay_in_lieu_days).unwrap_or(i32::MAX)
                } else {
                    0
                },
                earliest_last_day: earliest,
                requested_last_day: body.requested_last_day.0,
                reason: body.reason.trim().to_owned(),
                status: ResignationStatus::Pending.as_str().into(),
                decided_by: None,
                decided_at: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            store::insert_resignation(connection, &caller.actor, &resignation)?;
            Ok(ResignationView::from(resignation))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Resignation `id` with its employee if the caller may read the employee's records;
/// otherwise 404.
fn readable_resignation<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    id: &str,
) -> Result<(Resignation, Employee), ApiError> {
    let not_found = || ApiError::not_found(format!("no resignation {id}"));
    let row = store::find_resignation(connection, id)?.ok_or_else(not_found)?;
    let employee =
        readable_employee(connection, caller, &row.employee_id).map_err(|_| not_found())?;
    Ok((row, employee))
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
            let (row, _) = readable_resignation(connection, &caller, &id)?;
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
            let (before, employee) = readable_resignation(connection, &caller, &id)?;
            if read_stored::<ResignationStatus>(&before.status)? != ResignationStatus::Pending {
                return Err(ApiError::conflict(format!(
                    "the resignation is already {}",
                    before.status
                )));
            }
            if before.version != body.version {
                return Err(ApiError::stale("the resignation changed since you read it"));
            }
            ensure_employed(&employee)?;
            let now = caller.actor.at.stored();
            let after = Resignation {
                status: ResignationStatus::Accepted.as_str().into(),
                decided_by: Some(caller.claims.sub.clone()),
                decided_at: Some(now),
                version: before.version + 1,
                updated_at: now,
                ..before.clone()
            };
            store::update_resignation(
                connection,
                &caller.actor,
                "resignation.accept",
                &before,
                &after,
            )?;
            let leaver = Employee {
                left_on: Some(before.requested_last_day),
                leaving_reason: Some(LeavingReason::Resignation.name().to_owned()),
                version: employee.version + 1,
                updated_at: now,
                ..employee.clone()
            };
            people::update_employee(
                connection,
                &caller.actor,
                "employee.leave",
                &employee,
                &leaver,
            )?;
            let (checklist, tasks) =
                open_departure(connection, &caller, &employee, body.successor_id.as_deref())?;
            Ok(AcceptedResignation {
                resignation: after.into(),
                left_on: IsoDate(before.requested_last_day),
                leaving_reason: LeavingReason::Resignation,
                outstanding_items: outstanding_items(&policy, &checklist.returned_items()),
                handover_tasks: tasks.into_iter().map(HandoverTaskView::from).collect(),
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
            let (before, employee) = readable_resignation(connection, &caller, &id)?;
            let own = employee.user_id.as_deref() == Some(caller.claims.sub.as_str());
            if !own && !caller.has_any(roles::PEOPLE_ADMINS) {
                return Err(ApiError::forbidden(
                    "only the employee (or HR) withdraws a resignation",
                ));
            }
            if read_stored::<ResignationStatus>(&before.status)? != ResignationStatus::Pending {
                return Err(ApiError::conflict(format!(
                    "an {} resignation cannot be withdrawn",
                    before.status
                )));
            }
            if before.version != body.version {
                return Err(ApiError::stale("the resignation changed since you read it"));
            }
            let after = Resignation {
                status: ResignationStatus::Withdrawn.as_str().into(),
                version: before.version + 1,
                updated_at: caller.actor.at.stored(),
                ..before.clone()
            };
            store::update_resignation(
                connection,
                &caller.actor,
                "resignation.withdraw",
                &before,
                &after,
            )?;
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

/// A leaver's checklist as stored (`None` for a departure recorded without a resignation)
/// and as it stands (empty, version 0, when not stored), with the last day.
struct Departure {
    left_on: Date,
    stored: Option<DepartureChecklist>,
    current: DepartureChecklist,
}

/// The departure of `employee` as of `at`; 409 for an employee who has not left.
fn departure_of(
    connection: &mut DbConnection,
    employee: &Employee,
    at: Moment,
) -> Result<Departure, ApiError> {
    let Some(left_on) = employee.left_on else {
        return Err(ApiError::conflict(format!(
            "employee {} has not left; there is no departure checklist",
            employee.id
        )));
    };
    let stored = store::find_checklist(connection, &employee.id)?;
    let current = stored.clone().unwrap_or_else(|| DepartureChecklist {
        version: 0,
        ..DepartureChecklist::empty(&employee.id, at.stored())
    });
    Ok(Departure {
        left_on,
        stored,
        current,
    })
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
            let employee = readable_employee(connection, &caller, &id)?;
            let departure = departure_of(connection, &employee, caller.actor.at)?;
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
            let employee = people::find_employee(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no employee {id}")))?;
            let Departure {
                left_on,
                stored,
                current,
            } = departure_of(connection, &employee, caller.actor.at)?;
            if current.version != body.version {
                return Err(ApiError::stale("the checklist changed since you read it"));
            }
            if current.item(item).0.is_some() {
                return Err(ApiError::conflict(format!(
                    "{} has already been handed back",
                    item.name()
                )));
            }
            let now = caller.actor.at.stored();
            let after = DepartureChecklist {
                version: current.version + 1,
                updated_at: now,
                ..current.with_item(item, (Some(now), Some(caller.claims.sub.clone())))
            };
            store::save_checklist(
                connection,
                &caller.actor,
                "departure_checklist.return_item",
                stored.as_ref(),
                &after,
            )?;
            Ok(checklist_view(&policy, left_on, &after))
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
            let employee = readable_employee(connection, &caller, &id)?;
            let departure = departure_of(connection, &employee, caller.actor.at)?;
            let outstanding = outstanding_items(&policy, &departure.current.returned_items());
            if !outstanding.is_empty() {
                let names: Vec<&str> = outstanding.iter().map(|item| item.name()).collect();
                return Err(ApiError::conflict(format!(
                    "EMP-4: the leaving certificate is withheld until everything is handed back; outstanding: {}",
                    names.join(", ")
                ))
                .with("rule", "EMP-4")
                .with("outstanding", &outstanding));
            }
            let department = people::find_department(connection, &employee.department_id)?
                .ok_or_else(|| ApiError::internal("employee without department"))?;
            Ok(LeavingCertificate {
                left_on: IsoDate(departure.left_on),
                leaving_reason: employee
                    .leaving_reason
                    .as_deref()
                    .map(read_stored)
                    .transpose()?,
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

impl TaskStatus {
    /// As stored.
    fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
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
            let assignee = listing_subject(
                connection,
                &caller,
                params.assignee,
                caller.has_any(roles::PEOPLE_OVERSEERS),
                "assignee",
            )?;
            let rows = store::list_handover_tasks(
                connection,
                assignee.as_deref(),
                params.status.map(TaskStatus::as_str),
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
            let not_found = || ApiError::not_found(format!("no hand-over task {id}"));
            let before = store::find_handover_task(connection, &id)?.ok_or_else(not_found)?;
            let mine = people::employee_of_user(connection, &caller.claims.sub)?
                .is_some_and(|me| me.id == before.successor_id);
            if !mine && !caller.has_any(roles::PEOPLE_ADMINS) {
                readable_employee(connection, &caller, &before.successor_id)
                    .map_err(|_| not_found())?;
                return Err(ApiError::forbidden(
                    "only the successor (or HR) completes a hand-over task",
                ));
            }
            if before.status != TaskStatus::Open.as_str() {
                return Err(ApiError::conflict("the hand-over task is already done"));
            }
            if before.version != body.version {
                return Err(ApiError::stale("the task changed since you read it"));
            }
            let now = caller.actor.at.stored();
            let after = CustomerHandoverTask {
                status: TaskStatus::Done.as_str().into(),
                promised_services: Some(body.promised_services.trim().to_owned()),
                completed_by: Some(caller.claims.sub.clone()),
                completed_at: Some(now),
                version: before.version + 1,
                updated_at: now,
                ..before.clone()
            };
            store::update_handover_task(
                connection,
                &caller.actor,
                "customer_handover_task.complete",
                &before,
                &after,
            )?;
            Ok(HandoverTaskView::from(after))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
