//! SLA-1, SLA-4, SLA-5, SLA-7: opening a work order, starting its clock and resolving it —
//! shared by the service desk and complaints (CMP-4), which open and resolve theirs the same
//! way.

use serde::Serialize;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use zhidu_domain::customer::AreaType;
use zhidu_domain::sla::{
    SlaPolicy, WorkOrderKind, clock_may_start, first_responder, is_breached, is_urgent,
    missing_materials, queue_key, work_order_deadline,
};
use zhidu_domain::tier::Tier;
use zhidu_store::audit::Actor;
use zhidu_store::calendar::load_calendar;
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::versioned::Versioned;
use zhidu_store::work_orders::{self, WorkOrder};
use zhidu_store::{StoreError, StoreResult, new_id, read_stored};

use crate::customers::find_customer;
use crate::error::{ServiceError, ServiceResult};
use crate::people::{existing_employee, rank_of};
use crate::versioned::at_version;

pub const AWAITING_MATERIALS: &str = "awaiting_materials";
pub const AWAITING_NETWORK: &str = "awaiting_network";
pub const OPEN: &str = "open";
pub const RESOLVED: &str = "resolved";
pub const DEEMED_MET: &str = "deemed_met";

pub fn kind_of(order: &WorkOrder) -> StoreResult<WorkOrderKind> {
    read_stored(&order.kind)
}

/// The materials a work order keeps as a JSON list.
pub fn items(json: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(json)
        .map_err(|error| StoreError::Corrupt(format!("work order materials {json:?}: {error}")))
}

pub fn items_json(items: &[impl Serialize]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Each item is listed once: ` cable` and `cable` are the same item.
pub fn listed_once(items: &[impl AsRef<str>], field: &str) -> ServiceResult<()> {
    let mut seen = std::collections::BTreeSet::new();
    match items
        .iter()
        .map(AsRef::as_ref)
        .find(|item| !seen.insert(item.trim()))
    {
        Some(twice) => Err(ServiceError::field_refused(
            field,
            format!("{} is listed twice", twice.trim()),
        )),
        None => Ok(()),
    }
}

/// Every provided material is one of the required ones.
pub fn unknown_provided(
    required: &[impl AsRef<str>],
    provided: &[impl AsRef<str>],
    field: &str,
) -> ServiceResult<()> {
    match provided
        .iter()
        .map(AsRef::as_ref)
        .find(|p| !required.iter().any(|r| r.as_ref().trim() == p.trim()))
    {
        Some(unknown) => Err(ServiceError::field_refused(
            field,
            format!("{unknown} is not a required material"),
        )),
        None => Ok(()),
    }
}

/// An instant as the database stores it: UTC without an offset.
fn stored_utc(instant: OffsetDateTime) -> PrimitiveDateTime {
    let utc = instant.to_offset(UtcOffset::UTC);
    PrimitiveDateTime::new(utc.date(), utc.time())
}

/// SLA-1: starts the clock when the order is ready (materials complete, and for an
/// installation the network built); otherwise says what it waits for.
pub fn start_clock_if_ready(
    order: &mut WorkOrder,
    area_type: AreaType,
    connection: &mut DbConnection,
    policy: &SlaPolicy,
    at: Moment,
) -> ServiceResult<()> {
    let kind = kind_of(order)?;
    let missing = missing_materials(
        &items(&order.required_materials)?,
        &items(&order.provided_materials)?,
    );
    if clock_may_start(kind, missing.len(), order.network_ready) {
        let now = at.instant();
        let calendar = load_calendar(connection)?;
        let due = work_order_deadline(kind, area_type, now, &calendar, policy)
            .map_err(|e| ServiceError::field_refused("kind", e.to_string()))?;
        order.status = OPEN.into();
        order.clock_started_at = Some(stored_utc(now));
        order.due_at = Some(stored_utc(due.value));
        order.calendar_provisional = due.provisional;
    } else {
        order.status = if missing.is_empty() {
            AWAITING_NETWORK
        } else {
            AWAITING_MATERIALS
        }
        .into();
    }
    order.queue_key = queue_key(
        order.urgent,
        order.due_at.map(|d| d.assume_utc()),
        &order.id,
    );
    Ok(())
}

pub fn find_order(connection: &mut DbConnection, id: &str) -> ServiceResult<WorkOrder> {
    work_orders::find(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no work order {id}")))
}

/// The order as the client last read it, or stale.
pub fn order_at_version(
    connection: &mut DbConnection,
    id: &str,
    version: i64,
) -> ServiceResult<WorkOrder> {
    at_version(find_order(connection, id)?, version)
}

pub fn wrong_state(order: &WorkOrder, what: &str) -> ServiceError {
    ServiceError::conflict(format!(
        "work order {} is {}: {what}",
        order.id, order.status
    ))
}

/// A work order to open, as the service desk takes it or a complaint files it (CMP-4).
#[derive(Debug, Clone)]
pub struct NewWorkOrder {
    pub customer_id: String,
    pub kind: WorkOrderKind,
    pub description: String,
    /// The employees who received the request together; the highest ranked becomes the
    /// first responder (SLA-7) and the first assignee.
    pub received_by: Vec<String>,
    pub required_materials: Vec<String>,
    /// Each must be one of `required_materials`.
    pub provided_materials: Vec<String>,
    /// Installations only: the network build in the customer's area is complete.
    pub network_ready: bool,
    /// Complaints only: a major complaint is urgent (SLA-4).
    pub flagged_major: bool,
}

/// Opens a work order (SLA-1, SLA-4, SLA-7): first responder, urgency, missing materials,
/// and the clock when nothing is missing. Complaints open theirs through here too (CMP-4).
pub fn open_order(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &SlaPolicy,
    request: &NewWorkOrder,
) -> ServiceResult<WorkOrder> {
    if request.flagged_major && request.kind != WorkOrderKind::Complaint {
        return Err(ServiceError::field_refused(
            "flagged_major",
            "only a complaint can be flagged major",
        ));
    }
    if request.network_ready && request.kind != WorkOrderKind::Installation {
        return Err(ServiceError::field_refused(
            "network_ready",
            "only an installation waits for the network",
        ));
    }
    listed_once(&request.required_materials, "required_materials")?;
    listed_once(&request.provided_materials, "provided_materials")?;
    unknown_provided(
        &request.required_materials,
        &request.provided_materials,
        "provided_materials",
    )?;
    let customer = find_customer(connection, &request.customer_id).map_err(|_| {
        ServiceError::field_refused(
            "customer_id",
            format!("no customer {}", request.customer_id),
        )
    })?;
    let mut receivers = Vec::with_capacity(request.received_by.len());
    for (index, id) in request.received_by.iter().enumerate() {
        let employee = existing_employee(connection, &format!("received_by[{index}]"), id)?;
        receivers.push((employee.id.clone(), rank_of(&employee)?));
    }
    let responder = first_responder(&receivers)
        .ok_or_else(|| ServiceError::field_refused("received_by", "name at least one employee"))?;
    let tier = customer
        .current_tier
        .as_deref()
        .map(read_stored::<Tier>)
        .transpose()?;
    let area_type = read_stored(&customer.area_type)?;
    let now = actor.at.stored();
    let mut order = WorkOrder {
        id: new_id(),
        customer_id: customer.id.clone(),
        kind: request.kind.as_str().into(),
        description: request.description.trim().to_owned(),
        status: AWAITING_MATERIALS.into(),
        flagged_major: request.flagged_major,
        urgent: is_urgent(request.kind, request.flagged_major, tier),
        first_responder_id: responder.clone(),
        accountable_id: responder.clone(),
        assignee_id: responder,
        required_materials: items_json(&request.required_materials),
        provided_materials: items_json(&request.provided_materials),
        network_ready: request.network_ready,
        clock_started_at: None,
        due_at: None,
        calendar_provisional: false,
        breached: false,
        resolved_at: None,
        resolution: None,
        queue_key: String::new(),
        version: 1,
        created_at: now,
        updated_at: now,
        follow_up_of: None,
        first_answered_at: None,
    };
    start_clock_if_ready(&mut order, area_type, connection, policy, actor.at)?;
    work_orders::insert(connection, actor, &order)?;
    Ok(order)
}

/// Resolves an open order; after its deadline that is a breach (SLA-5).
pub fn resolve_order(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &WorkOrder,
    resolution: &str,
) -> ServiceResult<WorkOrder> {
    if before.status != OPEN {
        return Err(wrong_state(before, "only an open order can be resolved"));
    }
    let mut after = before.bumped(actor.at.stored());
    after.status = RESOLVED.into();
    after.resolved_at = Some(after.updated_at);
    after.resolution = Some(resolution.trim().to_owned());
    after.first_answered_at = before.first_answered_at.or(after.resolved_at);
    after.breached = before.breached
        || is_breached(
            before.due_at.map(|d| d.assume_utc()),
            after.resolved_at.map(|d| d.assume_utc()),
            actor.at.instant(),
        );
    work_orders::save(connection, actor, "work_order.resolve", before, &after)?;
    Ok(after)
}
