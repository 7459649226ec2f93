//! CMP-1..5: complaints routed by the accused's rank, escalated to superiors, put on the
//! managers' meeting agenda, and answered on site with expenses when needed.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_service::complaints::{
    self as cmp, ComplaintRecord, NewComplaint, NewDispatch, StoreError, find_complaint,
};

use crate::auth::{Authorized, ServiceDesk, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, NotFound, Stale, Unavailable};
use crate::extract::Json;
use crate::input::{Amount, Items, Text};
use crate::page::VersionOnly;
use crate::state::AppState;
use crate::wire::Instant;

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
    ComplaintRecord {
        complaint,
        dispatches,
    }: ComplaintRecord,
) -> Result<ComplaintView, ApiError> {
    let dispatches = dispatches
        .into_iter()
        .map(|d| {
            Ok(DispatchView {
                receipts: cmp::receipts_of(&d)?,
                employee_id: d.employee_id,
                reason: d.reason,
                dispatched_at: Instant::from_utc(d.dispatched_at),
                expenses: Money::from_fen(d.expenses_fen),
                recorded_by: d.recorded_by,
            })
        })
        .collect::<Result<_, StoreError>>()?;
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
    let policy = state.policies().await?.sla_on(state.now().today())?.clone();
    let view = state
        .write(move |connection| {
            let complaint = cmp::file_complaint(
                connection,
                &caller,
                &policy,
                &NewComplaint {
                    customer_id: request.customer_id,
                    description: request.description.into_string(),
                    received_by: request.received_by.into_vec(),
                    accused_employee_id: request.accused_employee_id,
                    flagged_major: request.flagged_major,
                    inform_accused: request.inform_accused,
                },
            )?;
            complaint_view(cmp::with_dispatches(connection, complaint)?)
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
            complaint_view(cmp::with_dispatches(connection, complaint)?)
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
            let after =
                cmp::delegate_to_customer_service(connection, &actor, &id, request.version)?;
            complaint_view(cmp::with_dispatches(connection, after)?)
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
            let after = cmp::escalate(connection, &actor, &id, request.version)?;
            complaint_view(cmp::with_dispatches(connection, after)?)
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
            let after =
                cmp::record_result(connection, &actor, &id, request.version, &request.result)?;
            complaint_view(cmp::with_dispatches(connection, after)?)
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
    let dispatch = NewDispatch {
        employee_id: request.employee_id,
        reason: request.reason.into_string(),
        dispatched_at: request.dispatched_at.0,
        expenses: request.expenses.get(),
        receipts: request.receipts.map(Items::into_vec).unwrap_or_default(),
    };
    let id = id.into_inner();
    let actor = caller.actor;
    let view = state
        .write(move |connection| {
            let complaint = cmp::dispatch(connection, &actor, &id, &dispatch)?;
            complaint_view(cmp::with_dispatches(connection, complaint)?)
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
            cmp::meeting_agenda(connection)?
                .into_iter()
                .map(|c| complaint_view(cmp::with_dispatches(connection, c)?))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(Agenda {
        rule: "CMP-3",
        complaints,
    }))
}
