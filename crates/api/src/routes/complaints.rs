//! CMP-1..5: complaints routed by the accused's rank, escalated to superiors, put on the
//! managers' meeting agenda, and answered on site with expenses when needed.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::complaint::{ComplaintRoute, route_complaint};
use zhidu_domain::money::Money;
use zhidu_domain::sla::WorkOrderKind;
use zhidu_store::accountability::{self, AccountabilityCase};
use zhidu_store::complaints::{self, Complaint, Dispatch};
use zhidu_store::db::DbConnection;
use zhidu_store::new_id;
use zhidu_store::people::{self, Employee};
use zhidu_store::versioned::Versioned;

use zhidu_service::people::{existing_employee, rank_of};
use zhidu_service::work_orders::{NewWorkOrder, find_order, open_order, resolve_order};

use crate::auth::{Authorized, CsManagers, Policy, ServiceDesk, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, NotFound, Stale, Unavailable};
use crate::extract::Json;
use crate::input::{Amount, Items, Text};
use crate::page::VersionOnly;
use crate::state::AppState;
use crate::wire::{Instant, stored_utc};

/// Under `/complaints`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(file_complaint)
        .service(get_complaint)
        .service(delegate_to_customer_service)
        .service(escalate)
        .service(record_result)
        .service(dispatch);
}

/// Under `/meetings`.
pub fn configure_meetings(config: &mut ServiceConfig) {
    config.service(next_agenda);
}

const MANAGERS_MEETING: &str = "managers_meeting";
const CUSTOMER_SERVICE: &str = "customer_service";
const DEPARTMENT_MANAGER: &str = "department_manager";

fn route_text(route: ComplaintRoute) -> &'static str {
    match route {
        ComplaintRoute::CustomerService => CUSTOMER_SERVICE,
        ComplaintRoute::DepartmentManager => DEPARTMENT_MANAGER,
        ComplaintRoute::Superior { .. } => "superior",
        ComplaintRoute::ManagersMeeting => MANAGERS_MEETING,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchView {
    pub employee_id: String,
    pub reason: String,
    pub dispatched_at: Instant,
    /// CMP-5: reimbursed against the receipts.
    pub expenses: Money,
    pub receipts: Vec<String>,
    pub recorded_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintView {
    pub id: String,
    /// The `complaint` work order that carries the 3-working-day reply deadline (CMP-4).
    pub work_order_id: String,
    pub accused_employee_id: Option<String>,
    /// `customer_service`, `department_manager` (CMP-1), `superior` (CMP-2) or
    /// `managers_meeting` (CMP-3).
    pub route: String,
    /// Who must handle it now; none for customer service and the managers' meeting.
    pub handler_employee_id: Option<String>,
    /// CMP-2: whether the accused manager is told.
    pub inform_accused: bool,
    /// `open` or `resolved`.
    pub status: String,
    pub escalations: i64,
    pub result: Option<String>,
    pub dispatches: Vec<DispatchView>,
    pub version: i64,
    pub created_at: Instant,
}

fn complaint_view(
    connection: &mut DbConnection,
    complaint: Complaint,
) -> Result<ComplaintView, ApiError> {
    let dispatches = complaints::dispatches(connection, &complaint.id)?
        .into_iter()
        .map(|d| DispatchView {
            employee_id: d.employee_id,
            reason: d.reason,
            dispatched_at: Instant::from_utc(d.dispatched_at),
            expenses: Money::from_fen(d.expenses_fen),
            receipts: serde_json::from_str(&d.receipts).unwrap_or_default(),
            recorded_by: d.recorded_by,
        })
        .collect();
    Ok(ComplaintView {
        id: complaint.id,
        work_order_id: complaint.work_order_id,
        accused_employee_id: complaint.accused_employee_id,
        route: complaint.route,
        handler_employee_id: complaint.handler_employee_id,
        inform_accused: complaint.inform_accused,
        status: complaint.status,
        escalations: complaint.escalations,
        result: complaint.result,
        dispatches,
        version: complaint.version,
        created_at: Instant::from_utc(complaint.created_at),
    })
}

/// CMP-1..3: who handles a complaint about `accused` first.
fn first_handler(
    connection: &mut DbConnection,
    accused: &Employee,
    route: ComplaintRoute,
) -> Result<Option<String>, ApiError> {
    match route {
        ComplaintRoute::DepartmentManager => {
            let department = people::find_department(connection, &accused.department_id)?;
            let manager = department.and_then(|d| d.manager_id);
            manager.map(Some).ok_or_else(|| {
                ApiError::rule_refused(
                    "CMP-1",
                    format!(
                        "department {} has no manager to route the complaint to; name one first",
                        accused.department_id
                    ),
                )
            })
        }
        ComplaintRoute::Superior { .. } => accused.superior_id.clone().map(Some).ok_or_else(|| {
            ApiError::rule_refused(
                "CMP-2",
                format!(
                    "employee {} has no superior on record; record one first",
                    accused.id
                ),
            )
        }),
        ComplaintRoute::CustomerService | ComplaintRoute::ManagersMeeting => Ok(None),
    }
}

fn find_complaint(connection: &mut DbConnection, id: &str) -> Result<Complaint, ApiError> {
    complaints::find(connection, id)?
        .ok_or_else(|| ApiError::not_found(format!("no complaint {id}")))
}

fn open_complaint_at(
    connection: &mut DbConnection,
    id: &str,
    version: i64,
) -> Result<Complaint, ApiError> {
    let complaint = find_complaint(connection, id)?;
    if complaint.version != version {
        return Err(ApiError::stale(format!(
            "complaint {id} is at version {}, not {version}",
            complaint.version
        )));
    }
    if complaint.status != "open" {
        return Err(ApiError::conflict(format!(
            "complaint {id} is {}",
            complaint.status
        )));
    }
    Ok(complaint)
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileComplaint {
    pub customer_id: String,
    pub description: Text<1, 4000>,
    /// The staff who received the complaint (SLA-7 picks the first responder).
    pub received_by: Items<String, 1, 20>,
    /// The employee complained about; none for a complaint about the service itself.
    pub accused_employee_id: Option<String>,
    /// A major complaint is urgent (SLA-4).
    #[serde(default)]
    pub flagged_major: bool,
    /// CMP-2: the customer-service manager may keep an accused manager uninformed.
    #[serde(default = "default_true")]
    pub inform_accused: bool,
}

fn default_true() -> bool {
    true
}

/// File a complaint: it is routed by the accused's rank (CMP-1..3) and opens a `complaint`
/// work order with the 3-working-day reply deadline (CMP-4).
#[utoipa::path(
    tag = "complaints",
    request_body = FileComplaint,
    responses((status = 201, body = ComplaintView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn file_complaint(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    Json(request): Json<FileComplaint>,
) -> Result<HttpResponse, ApiError> {
    let may_withhold = caller
        .claims
        .roles
        .iter()
        .any(|role| CsManagers::ROLES.contains(role));
    if !request.inform_accused && !may_withhold {
        return Err(ApiError::forbidden(
            "only the customer-service manager may keep the accused uninformed (CMP-2)",
        ));
    }
    let actor = caller.actor;
    let policy = state.sla_policy.clone();
    let view = state
        .write(move |connection| {
            let accused = request
                .accused_employee_id
                .as_deref()
                .map(|id| existing_employee(connection, "accused_employee_id", id))
                .transpose()?;
            let route = route_complaint(
                accused.as_ref().map(rank_of).transpose()?,
                request.inform_accused,
            );
            let handler = match &accused {
                Some(accused) => first_handler(connection, accused, route)?,
                None => None,
            };
            let order = open_order(
                connection,
                &actor,
                &policy,
                &NewWorkOrder {
                    customer_id: request.customer_id.clone(),
                    kind: WorkOrderKind::Complaint,
                    description: request.description.to_string(),
                    received_by: request.received_by.to_vec(),
                    required_materials: Vec::new(),
                    provided_materials: Vec::new(),
                    network_ready: false,
                    flagged_major: request.flagged_major,
                },
            )?;
            let now = actor.at.stored();
            let complaint = Complaint {
                id: new_id(),
                work_order_id: order.id,
                accused_employee_id: accused.map(|a| a.id),
                route: route_text(route).into(),
                handler_employee_id: handler,
                inform_accused: match route {
                    ComplaintRoute::Superior { inform_accused } => inform_accused,
                    _ => true,
                },
                status: "open".into(),
                escalations: 0,
                result: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            complaints::insert(connection, &actor, &complaint)?;
            if let Some(accused) = &complaint.accused_employee_id {
                // ACC-2: a complaint about someone opens a case candidate about them.
                let case = AccountabilityCase::candidate(
                    "complaint",
                    Some(complaint.work_order_id.clone()),
                    accused.clone(),
                    format!("complaint {}: {}", complaint.id, request.description.trim()),
                    now,
                );
                accountability::insert(connection, &actor, &case)?;
            }
            complaint_view(connection, complaint)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/complaints/{}", view.id)))
        .json(view))
}

/// One complaint with its dispatches.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    responses((status = 200, body = ComplaintView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_complaint(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .read(move |connection| {
            let complaint = find_complaint(connection, &id)?;
            complaint_view(connection, complaint)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The department manager hands the complaint to customer service (CMP-1); the manager
/// stays on record and must take it back if customer service cannot resolve it.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    request_body = VersionOnly,
    responses((status = 200, body = ComplaintView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/delegation")]
async fn delegate_to_customer_service(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let view = state
        .write(move |connection| {
            let before = open_complaint_at(connection, &id, request.version)?;
            if before.route != DEPARTMENT_MANAGER {
                return Err(ApiError::rule_refused(
                    "CMP-1",
                    "only a department manager hands a complaint to customer service",
                ));
            }
            let mut after = before.bumped(actor.at.stored());
            after.route = CUSTOMER_SERVICE.into();
            complaints::save(connection, &actor, "complaint.delegate", &before, &after)?;
            complaint_view(connection, after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalate {
    pub reason: Text<5, 2000>,
    pub version: i64,
}

/// The handler cannot resolve it (CMP-1): customer service gives it back to the delegating
/// manager; a manager passes it to their superior.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    request_body = Escalate,
    responses((status = 200, body = ComplaintView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/escalations")]
async fn escalate(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<Escalate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let view = state
        .write(move |connection| {
            let before = open_complaint_at(connection, &id, request.version)?;
            let handler_id = before.handler_employee_id.clone().ok_or_else(|| {
                ApiError::rule_refused(
                    "CMP-1",
                    "only a complaint with a handling manager escalates to a superior",
                )
            })?;
            let mut after = before.bumped(actor.at.stored());
            after.escalations += 1;
            if before.route == CUSTOMER_SERVICE {
                // Customer service could not resolve what the manager delegated: the manager must.
                after.route = DEPARTMENT_MANAGER.into();
            } else {
                let handler = existing_employee(connection, "handler_employee_id", &handler_id)?;
                let superior = handler.superior_id.ok_or_else(|| {
                    ApiError::rule_refused(
                        "CMP-1",
                        format!("{} has no superior on record to escalate to", handler.id),
                    )
                })?;
                after.handler_employee_id = Some(superior);
                after.route = "superior".into();
            }
            complaints::save(connection, &actor, "complaint.escalate", &before, &after)?;
            complaint_view(connection, after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintResult {
    /// The decision, sent to customer service for the archive (CMP-1) or reported to the
    /// general manager (CMP-2).
    pub result: Text<1, 4000>,
    pub version: i64,
}

/// Record the result: the complaint is resolved and so is its work order.
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    request_body = ComplaintResult,
    responses((status = 200, body = ComplaintView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/result")]
async fn record_result(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<ComplaintResult>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let view = state
        .write(move |connection| {
            let before = open_complaint_at(connection, &id, request.version)?;
            let order = find_order(connection, &before.work_order_id)?;
            resolve_order(connection, &actor, &order, &request.result)?;
            let mut after = before.bumped(actor.at.stored());
            after.status = "resolved".into();
            after.result = Some(request.result.trim().to_owned());
            complaints::save(connection, &actor, "complaint.result", &before, &after)?;
            complaint_view(connection, after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    /// Who goes on site.
    pub employee_id: String,
    /// Why: the customer insists and normal channels failed (CMP-5).
    pub reason: Text<5, 2000>,
    pub dispatched_at: Instant,
    pub expenses: Amount<false>,
    /// Receipt references the reimbursement rests on; required when there are expenses.
    pub receipts: Option<Items<String, 0, 50>>,
}

/// Record an on-site dispatch and its expenses (CMP-5).
#[utoipa::path(
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    request_body = DispatchRequest,
    responses((status = 201, body = ComplaintView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/dispatches")]
async fn dispatch(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<DispatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let receipts = request.receipts.map(Items::into_vec).unwrap_or_default();
    if request.expenses.get() > Money::ZERO && receipts.is_empty() {
        return Err(ApiError::rule_refused(
            "CMP-5",
            "expenses are reimbursed against receipts: list them",
        ));
    }
    if request.dispatched_at.0 > caller.actor.at.instant() + time::Duration::days(1) {
        return Err(ApiError::field_refused(
            "dispatched_at",
            "is more than a day ahead",
        ));
    }
    let id = id.into_inner();
    let actor = caller.actor;
    let view = state
        .write(move |connection| {
            let complaint = find_complaint(connection, &id)?;
            if complaint.status != "open" {
                return Err(ApiError::conflict(format!(
                    "complaint {id} is {}",
                    complaint.status
                )));
            }
            let employee = existing_employee(connection, "employee_id", &request.employee_id)?;
            complaints::insert_dispatch(
                connection,
                &actor,
                &Dispatch {
                    id: new_id(),
                    complaint_id: complaint.id.clone(),
                    employee_id: employee.id,
                    reason: request.reason.trim().to_owned(),
                    dispatched_at: stored_utc(request.dispatched_at.0),
                    expenses_fen: request.expenses.get().fen(),
                    receipts: serde_json::to_string(&receipts).unwrap_or_else(|_| "[]".into()),
                    recorded_by: actor.subject.clone(),
                },
            )?;
            complaint_view(connection, complaint)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Agenda {
    pub rule: &'static str,
    /// Open complaints about the general manager, who must present a resolution (CMP-3).
    pub complaints: Vec<ComplaintView>,
}

/// The next managers' meeting's agenda: every open complaint about the general manager.
#[utoipa::path(
    tag = "complaints",
    responses((status = 200, body = Agenda), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[get("/next/agenda")]
async fn next_agenda(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
) -> Result<HttpResponse, ApiError> {
    let complaints = state
        .read(|connection| {
            complaints::open_on_route(connection, MANAGERS_MEETING)?
                .into_iter()
                .map(|c| complaint_view(connection, c))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Agenda {
        rule: "CMP-3",
        complaints,
    }))
}
