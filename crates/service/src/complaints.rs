//! CMP-1..5: filing a complaint (routed by the accused's rank, with its `complaint` work order
//! and reply deadline), delegation, escalation, the result and on-site dispatches. Complaints
//! open and resolve their work orders through `work_orders`, and change their own rows the way
//! work orders do (`versioned::at_version`).

use time::OffsetDateTime;
use zhidu_domain::complaint::{
    ComplaintRoute, ComplaintRouteKind, ComplaintStatus, Escalation, check_dispatch_receipts,
    check_dispatch_time, complaint_reply_order, escalation, may_delegate_to_customer_service,
    route_complaint,
};
use zhidu_domain::money::Money;
use zhidu_domain::policy::InForce;
use zhidu_domain::sla::SlaPolicy;
use zhidu_store::accountability::{self, AccountabilityCase};
use zhidu_store::audit::Actor;
use zhidu_store::complaints;
use zhidu_store::db::DbConnection;
use zhidu_store::people::{self, Employee};
use zhidu_store::versioned::Versioned;
use zhidu_store::{StoreResult, new_id, read_stored};

use crate::access::{Identity, roles};
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::versioned::at_version;
use crate::work_orders::{
    NewWorkOrder, find_order, items_json, open_order, resolve_order, stored_utc,
};

pub use zhidu_store::StoreError;
pub use zhidu_store::complaints::{Complaint, Dispatch};

/// A complaint with its on-site dispatches (CMP-5), as it is shown.
#[derive(Debug, Clone)]
pub struct ComplaintRecord {
    pub complaint: Complaint,
    pub dispatches: Vec<Dispatch>,
}

/// `complaint` with the dispatches recorded against it.
pub fn with_dispatches(
    connection: &mut DbConnection,
    complaint: Complaint,
) -> ServiceResult<ComplaintRecord> {
    let dispatches = complaints::dispatches(connection, &complaint.id)?;
    Ok(ComplaintRecord {
        complaint,
        dispatches,
    })
}

/// The receipt references a dispatch keeps as a JSON list.
pub fn receipts_of(dispatch: &Dispatch) -> StoreResult<Vec<String>> {
    serde_json::from_str(&dispatch.receipts).map_err(|error| {
        StoreError::Corrupt(format!(
            "dispatch {} receipts {:?}: {error}",
            dispatch.id, dispatch.receipts
        ))
    })
}

pub fn status_of(complaint: &Complaint) -> StoreResult<ComplaintStatus> {
    read_stored(&complaint.status)
}

pub fn route_of(complaint: &Complaint) -> StoreResult<ComplaintRouteKind> {
    read_stored(&complaint.route)
}

pub fn find_complaint(connection: &mut DbConnection, id: &str) -> ServiceResult<Complaint> {
    complaints::find(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no complaint {id}")))
}

/// A complaint still open; resolved, it takes no more steps.
fn still_open(complaint: Complaint) -> ServiceResult<Complaint> {
    let status = status_of(&complaint)?;
    if status != ComplaintStatus::Open {
        return Err(ServiceError::conflict(format!(
            "complaint {} is {status}",
            complaint.id
        )));
    }
    Ok(complaint)
}

/// The open complaint as the client last read it, or stale.
fn open_at_version(
    connection: &mut DbConnection,
    id: &str,
    version: i64,
) -> ServiceResult<Complaint> {
    still_open(at_version(find_complaint(connection, id)?, version)?)
}

/// Complaints about the general manager waiting for the next managers' meeting (CMP-3).
pub fn meeting_agenda(connection: &mut DbConnection) -> ServiceResult<Vec<Complaint>> {
    Ok(complaints::open_on_route(
        connection,
        ComplaintRouteKind::ManagersMeeting.as_str(),
    )?)
}

/// CMP-1..3: who handles a complaint about `accused` first.
fn first_handler(
    connection: &mut DbConnection,
    accused: &Employee,
    route: ComplaintRoute,
) -> ServiceResult<Option<String>> {
    match route {
        ComplaintRoute::DepartmentManager => {
            let department = people::find_department(connection, &accused.department_id)?;
            let manager = department.and_then(|d| d.manager_id);
            manager.map(Some).ok_or_else(|| {
                ServiceError::refused(
                    "CMP-1",
                    format!(
                        "department {} has no manager to route the complaint to; name one first",
                        accused.department_id
                    ),
                )
            })
        }
        ComplaintRoute::Superior { .. } => accused.superior_id.clone().map(Some).ok_or_else(|| {
            ServiceError::refused(
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

/// A complaint as filed.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub customer_id: String,
    pub description: String,
    /// The staff who received it (SLA-7 picks the first responder).
    pub received_by: Vec<String>,
    /// None for a complaint about the service itself.
    pub accused_employee_id: Option<String>,
    /// SLA-4: a major complaint is urgent.
    pub flagged_major: bool,
    /// CMP-2: whether an accused manager is told; only the customer-service manager may say
    /// no.
    pub inform_accused: bool,
}

/// Files a complaint: routed by the accused's rank (CMP-1..3), with its `complaint` work order
/// whose clock starts at once towards the reply deadline (CMP-4); a complaint about someone
/// opens an accountability-case candidate about them (ACC-2).
pub fn file_complaint(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &InForce<SlaPolicy>,
    request: &NewComplaint,
) -> ServiceResult<Complaint> {
    if !request.inform_accused && !caller.has_any(roles::CS_MANAGERS) {
        return Err(ServiceError::forbidden(
            "only the customer-service manager may keep the accused uninformed (CMP-2)",
        ));
    }
    let actor = caller.actor();
    let accused = request
        .accused_employee_id
        .as_deref()
        .map(|id| existing_employee(connection, "accused_employee_id", id))
        .transpose()?;
    let accused_rank = accused
        .as_ref()
        .map(|accused| crate::promotions::rank_on(connection, accused, actor.at.today()))
        .transpose()?;
    let route = route_complaint(accused_rank, request.inform_accused);
    let handler = match &accused {
        Some(accused) => first_handler(connection, accused, route)?,
        None => None,
    };
    let reply = complaint_reply_order(request.flagged_major);
    let order = open_order(
        connection,
        actor,
        policy,
        &NewWorkOrder {
            customer_id: request.customer_id.clone(),
            kind: reply.kind,
            description: request.description.clone(),
            received_by: request.received_by.clone(),
            required_materials: reply.required_materials,
            provided_materials: Vec::new(),
            network_ready: reply.network_ready,
            flagged_major: reply.flagged_major,
        },
    )?;
    let now = actor.at.stored();
    let complaint = Complaint {
        id: new_id(),
        work_order_id: order.id,
        accused_employee_id: accused.map(|a| a.id),
        route: route.kind().as_str().into(),
        handler_employee_id: handler,
        inform_accused: route.informs_accused(),
        status: ComplaintStatus::Open.as_str().into(),
        escalations: 0,
        result: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    complaints::insert(connection, actor, &complaint)?;
    if let Some(accused) = &complaint.accused_employee_id {
        // ACC-2: a complaint about someone opens a case candidate about them.
        let case = AccountabilityCase::candidate(
            "complaint",
            Some(complaint.work_order_id.clone()),
            accused.clone(),
            format!("complaint {}: {}", complaint.id, request.description.trim()),
            now,
        );
        accountability::insert(connection, actor, &case)?;
    }
    Ok(complaint)
}

/// CMP-1: the department manager hands the complaint to customer service and stays on record.
pub fn delegate_to_customer_service(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
) -> ServiceResult<Complaint> {
    let before = open_at_version(connection, id, version)?;
    may_delegate_to_customer_service(route_of(&before)?)?;
    let mut after = before.bumped(actor.at.stored());
    after.route = ComplaintRouteKind::CustomerService.as_str().into();
    complaints::save(connection, actor, "complaint.delegate", &before, &after)?;
    Ok(after)
}

/// CMP-1: the handler cannot resolve it — customer service gives it back to the delegating
/// manager, a manager passes it to their superior.
pub fn escalate(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
) -> ServiceResult<Complaint> {
    let before = open_at_version(connection, id, version)?;
    let next = escalation(route_of(&before)?, before.handler_employee_id.is_some())?;
    let mut after = before.bumped(actor.at.stored());
    after.escalations += 1;
    match (next, before.handler_employee_id.as_deref()) {
        (Escalation::ToHandlersSuperior, Some(handler_id)) => {
            let handler = existing_employee(connection, "handler_employee_id", handler_id)?;
            let superior = handler.superior_id.ok_or_else(|| {
                ServiceError::refused(
                    "CMP-1",
                    format!("{} has no superior on record to escalate to", handler.id),
                )
            })?;
            after.handler_employee_id = Some(superior);
            after.route = ComplaintRouteKind::Superior.as_str().into();
        }
        // `escalation` refuses a complaint without a handler, so this is customer service
        // giving it back to the delegating manager.
        _ => {
            after.route = ComplaintRouteKind::DepartmentManager.as_str().into();
        }
    }
    complaints::save(connection, actor, "complaint.escalate", &before, &after)?;
    Ok(after)
}

/// Records the result: the complaint is resolved and so is its work order (SLA-5 counts a
/// late answer as a breach).
pub fn record_result(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    result: &str,
) -> ServiceResult<Complaint> {
    let before = open_at_version(connection, id, version)?;
    let order = find_order(connection, &before.work_order_id)?;
    resolve_order(connection, actor, &order, result)?;
    let mut after = before.bumped(actor.at.stored());
    after.status = ComplaintStatus::Resolved.as_str().into();
    after.result = Some(result.trim().to_owned());
    complaints::save(connection, actor, "complaint.result", &before, &after)?;
    Ok(after)
}

/// An on-site dispatch (CMP-5).
#[derive(Debug, Clone)]
pub struct NewDispatch {
    pub employee_id: String,
    pub reason: String,
    pub dispatched_at: OffsetDateTime,
    pub expenses: Money,
    pub receipts: Vec<String>,
}

/// CMP-5: records an on-site dispatch on an open complaint: expenses against receipts, made
/// or about to be.
pub fn dispatch(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    request: &NewDispatch,
) -> ServiceResult<Complaint> {
    check_dispatch_receipts(request.expenses, request.receipts.len())?;
    check_dispatch_time(request.dispatched_at, actor.at.instant())
        .map_err(|refusal| ServiceError::field_refused("dispatched_at", refusal.detail))?;
    let complaint = still_open(find_complaint(connection, id)?)?;
    let employee = existing_employee(connection, "employee_id", &request.employee_id)?;
    complaints::insert_dispatch(
        connection,
        actor,
        &Dispatch {
            id: new_id(),
            complaint_id: complaint.id.clone(),
            employee_id: employee.id,
            reason: request.reason.trim().to_owned(),
            dispatched_at: stored_utc(request.dispatched_at),
            expenses_fen: request.expenses.fen(),
            receipts: items_json(&request.receipts),
            recorded_by: actor.subject.clone(),
        },
    )?;
    Ok(complaint)
}
