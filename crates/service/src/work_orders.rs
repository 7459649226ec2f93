//! SLA-1..7: opening a work order, starting its clock, and each transition the service desk
//! makes (materials, network, contact attempts, extensions, hand-overs, resolving, closing as
//! met, return visits) — shared by the service desk and complaints (CMP-4), which open and
//! resolve theirs the same way.

use serde::Serialize;
use time::{Duration, OffsetDateTime};
use zhidu_domain::complaint::complaint_reply_deadline;
use zhidu_domain::customer::AreaType;
use zhidu_domain::policy::InForce;
use zhidu_domain::sla::{
    ContactChannel, ExtensionStatus, Responsibility, Satisfaction, SlaPolicy, WorkOrderKind,
    WorkOrderStatus, check_extension_deadline, deadline_to_extend, decide_extension as decide,
    is_breached, is_urgent, may_deem_met, missing_materials, needs_return_visit, queue_key,
    readiness_status, responsibility_after_hand_over, responsibility_at_opening, return_visit_due,
    work_order_deadline,
};
use zhidu_domain::tier::Tier;
use zhidu_store::audit::Actor;
use zhidu_store::calendar::load_calendar;
use zhidu_store::clock::Moment;
pub use zhidu_store::clock::stored_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::versioned::Versioned;
use zhidu_store::work_orders::{self, QueueFilter, ReturnVisit};
use zhidu_store::{StoreResult, new_id, read_stored};

use crate::customers::find_customer;
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::versioned::at_version;

pub use zhidu_store::StoreError;
pub use zhidu_store::accountability::AccountabilityCase;
pub use zhidu_store::work_orders::{ContactAttempt, Extension, Handover, WorkOrder};

/// A work order with everything recorded against it, as the desk shows it.
#[derive(Debug, Clone)]
pub struct OrderRecord {
    pub order: WorkOrder,
    pub handovers: Vec<Handover>,
    pub contact_attempts: Vec<ContactAttempt>,
    pub extensions: Vec<Extension>,
    /// SLA-5: the accountability-case candidates its breach opened.
    pub accountability_cases: Vec<AccountabilityCase>,
}

/// `order` with its hand-overs, contact attempts, extensions and accountability cases.
pub fn with_records(connection: &mut DbConnection, order: WorkOrder) -> ServiceResult<OrderRecord> {
    let handovers = work_orders::handovers(connection, &order.id)?;
    let contact_attempts = work_orders::contact_attempts(connection, &order.id)?;
    let extensions = work_orders::extensions(connection, &order.id)?;
    let accountability_cases = zhidu_store::accountability::list(
        connection,
        &zhidu_store::accountability::CaseFilter {
            work_order_id: Some(order.id.clone()),
            limit: 100,
            ..Default::default()
        },
    )?;
    Ok(OrderRecord {
        order,
        handovers,
        contact_attempts,
        extensions,
        accountability_cases,
    })
}

/// The channel a contact attempt went through.
pub fn channel_of(attempt: &ContactAttempt) -> StoreResult<ContactChannel> {
    read_stored(&attempt.channel)
}

pub fn kind_of(order: &WorkOrder) -> StoreResult<WorkOrderKind> {
    read_stored(&order.kind)
}

/// The stored status; an unknown one is corrupt data, never a guess.
pub fn status_of(order: &WorkOrder) -> StoreResult<WorkOrderStatus> {
    read_stored(&order.status)
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

/// SLA-1: starts the clock when the order is ready (materials complete, and for an
/// installation the network built); otherwise says what it waits for. A complaint's deadline
/// is its reply deadline (CMP-4).
pub fn start_clock_if_ready(
    order: &mut WorkOrder,
    area_type: AreaType,
    connection: &mut DbConnection,
    policy: &InForce<SlaPolicy>,
    at: Moment,
) -> ServiceResult<()> {
    let kind = kind_of(order)?;
    let missing = missing_materials(
        &items(&order.required_materials)?,
        &items(&order.provided_materials)?,
    );
    let status = readiness_status(kind, missing.len(), order.network_ready);
    if status == WorkOrderStatus::Open {
        let now = at.instant();
        let calendar = load_calendar(connection)?;
        let due = match kind {
            WorkOrderKind::Complaint => complaint_reply_deadline(now, &calendar, policy),
            _ => work_order_deadline(kind, area_type, now, &calendar, policy),
        }
        .map_err(|e| ServiceError::field_refused("kind", e.to_string()))?;
        order.clock_started_at = Some(stored_utc(now));
        order.due_at = Some(stored_utc(due.value));
        order.sla_policy_version = Some(policy.version);
        order.calendar_provisional = due.provisional;
    }
    order.status = status.as_str().into();
    order.queue_key = queue_key(
        order.urgent,
        order.due_at.map(|d| d.assume_utc()),
        &order.id,
    );
    Ok(())
}

/// SLA-1 again after a change that may make the order ready: the customer's area decides an
/// installation's target.
fn recheck_readiness(
    connection: &mut DbConnection,
    policy: &InForce<SlaPolicy>,
    order: &mut WorkOrder,
    at: Moment,
) -> ServiceResult<()> {
    let customer = find_customer(connection, &order.customer_id)?;
    start_clock_if_ready(
        order,
        read_stored(&customer.area_type)?,
        connection,
        policy,
        at,
    )
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

/// The order's status, refusing a closed order (resolved or deemed met).
fn not_closed(order: &WorkOrder) -> ServiceResult<WorkOrderStatus> {
    let status = status_of(order)?;
    if status.is_closed() {
        return Err(wrong_state(order, "it is closed"));
    }
    Ok(status)
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
    policy: &InForce<SlaPolicy>,
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
        let rank = crate::promotions::rank_on(connection, &employee, actor.at.today())?;
        receivers.push((employee.id.clone(), rank));
    }
    let Responsibility {
        first_responder,
        accountable,
        assignee,
    } = responsibility_at_opening(&receivers)
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
        status: WorkOrderStatus::AwaitingMaterials.as_str().into(),
        flagged_major: request.flagged_major,
        urgent: is_urgent(request.kind, request.flagged_major, tier),
        first_responder_id: first_responder,
        accountable_id: accountable,
        assignee_id: assignee,
        required_materials: items_json(&request.required_materials),
        provided_materials: items_json(&request.provided_materials),
        network_ready: request.network_ready,
        clock_started_at: None,
        due_at: None,
        sla_policy_version: None,
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
    if status_of(before)? != WorkOrderStatus::Open {
        return Err(wrong_state(before, "only an open order can be resolved"));
    }
    let mut after = before.bumped(actor.at.stored());
    after.status = WorkOrderStatus::Resolved.as_str().into();
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

/// SLA-1: records materials the customer supplied, each a required one; the clock starts when
/// none is missing.
pub fn supply_materials(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &InForce<SlaPolicy>,
    id: &str,
    version: i64,
    supplied: &[String],
) -> ServiceResult<WorkOrder> {
    listed_once(supplied, "provided")?;
    let before = order_at_version(connection, id, version)?;
    if status_of(&before)? != WorkOrderStatus::AwaitingMaterials {
        return Err(wrong_state(&before, "its materials are complete"));
    }
    let required = items(&before.required_materials)?;
    unknown_provided(&required, supplied, "provided")?;
    let mut provided = items(&before.provided_materials)?;
    for item in supplied {
        if !provided.iter().any(|p| p.trim() == item.trim()) {
            provided.push(item.trim().to_owned());
        }
    }
    let mut after = before.bumped(actor.at.stored());
    after.provided_materials = items_json(&provided);
    recheck_readiness(connection, policy, &mut after, actor.at)?;
    work_orders::save(
        connection,
        actor,
        "work_order.supply_materials",
        &before,
        &after,
    )?;
    Ok(after)
}

/// SLA-1: the network build in an installation's area is complete; the clock starts when
/// nothing else is missing.
pub fn mark_network_ready(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &InForce<SlaPolicy>,
    id: &str,
    version: i64,
) -> ServiceResult<WorkOrder> {
    let before = order_at_version(connection, id, version)?;
    if kind_of(&before)? != WorkOrderKind::Installation {
        return Err(ServiceError::refused(
            "SLA-1",
            "only an installation waits for the network",
        ));
    }
    if before.network_ready || before.clock_started_at.is_some() {
        return Err(wrong_state(&before, "the network is already marked ready"));
    }
    let mut after = before.bumped(actor.at.stored());
    after.network_ready = true;
    recheck_readiness(connection, policy, &mut after, actor.at)?;
    work_orders::save(
        connection,
        actor,
        "work_order.network_ready",
        &before,
        &after,
    )?;
    Ok(after)
}

/// An attempt to reach the customer (SLA-2).
#[derive(Debug, Clone)]
pub struct NewContactAttempt {
    pub channel: ContactChannel,
    pub reached: bool,
    pub attempted_at: OffsetDateTime,
    pub note: String,
}

/// How far ahead of the server's clock an attempt may be dated (clock skew of the client).
const ATTEMPT_SKEW: Duration = Duration::minutes(5);

/// SLA-2: records an attempt to reach the customer on an order not yet closed; reaching them
/// is the order's first answer.
pub fn record_contact_attempt(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    attempt: &NewContactAttempt,
) -> ServiceResult<WorkOrder> {
    if attempt.attempted_at > actor.at.instant() + ATTEMPT_SKEW {
        return Err(ServiceError::field_refused(
            "attempted_at",
            "is in the future",
        ));
    }
    let order = find_order(connection, id)?;
    not_closed(&order)?;
    let row = ContactAttempt {
        id: new_id(),
        work_order_id: order.id.clone(),
        channel: attempt.channel.as_str().into(),
        reached: attempt.reached,
        attempted_at: stored_utc(attempt.attempted_at),
        note: attempt.note.clone(),
        recorded_by: actor.subject.clone(),
    };
    work_orders::insert_contact_attempt(connection, actor, &row)?;
    if row.reached {
        work_orders::note_first_answer(connection, &order.id, row.attempted_at)?;
    }
    Ok(order)
}

/// SLA-3: asks for a later deadline on an open order; the clock keeps running until a
/// manager decides.
pub fn request_extension(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    reason: &str,
    requested_due_at: OffsetDateTime,
) -> ServiceResult<Extension> {
    let order = find_order(connection, id)?;
    let current = deadline_to_extend(status_of(&order)?, order.due_at.map(|d| d.assume_utc()))
        .map_err(|refusal| wrong_state(&order, &refusal.detail))?;
    check_extension_deadline(current, requested_due_at)
        .map_err(|refusal| ServiceError::field_refused("requested_due_at", refusal.detail))?;
    let extension = Extension {
        id: new_id(),
        work_order_id: order.id.clone(),
        reason: reason.trim().to_owned(),
        requested_due_at: stored_utc(requested_due_at),
        status: ExtensionStatus::Pending.as_str().into(),
        requested_by: actor.subject.clone(),
        requested_at: actor.at.stored(),
        decided_by: None,
        decided_at: None,
    };
    work_orders::insert_extension(connection, actor, &extension)?;
    Ok(extension)
}

/// SLA-3: the customer-service-center manager decides a pending extension once; an approval
/// moves an open order's deadline to the one requested. Returns the order as it is after.
pub fn decide_extension(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    extension_id: &str,
    approved: bool,
) -> ServiceResult<WorkOrder> {
    let order = find_order(connection, id)?;
    let extension =
        work_orders::find_extension(connection, id, extension_id)?.ok_or_else(|| {
            ServiceError::not_found(format!("no extension {extension_id} on work order {id}"))
        })?;
    let decision = decide(
        read_stored(&extension.status)?,
        status_of(&order)?,
        extension.requested_due_at.assume_utc(),
        approved,
    )
    .map_err(|refusal| {
        ServiceError::conflict(format!("extension {extension_id} {}", refusal.detail))
    })?;
    let decided = Extension {
        status: decision.status.as_str().into(),
        decided_by: Some(actor.subject.clone()),
        decided_at: Some(actor.at.stored()),
        ..extension.clone()
    };
    work_orders::decide_extension(connection, actor, &extension, &decided)?;
    let Some(deadline) = decision.new_deadline else {
        return Ok(order);
    };
    let mut after = order.bumped(actor.at.stored());
    after.due_at = Some(stored_utc(deadline));
    after.queue_key = queue_key(
        after.urgent,
        after.due_at.map(|d| d.assume_utc()),
        &after.id,
    );
    work_orders::save(connection, actor, "work_order.extend", &order, &after)?;
    Ok(after)
}

/// A hand-over of an order to another employee (SLA-7).
#[derive(Debug, Clone)]
pub struct HandOver {
    pub to_employee_id: String,
    /// The owning department accepted the order: accountability passes to the receiver.
    pub accepted_by_owner: bool,
    pub note: String,
}

/// SLA-7: hands an order not yet closed to another employee, keeping the hand-over;
/// accountability moves only when the owning department accepts.
pub fn hand_over(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    request: &HandOver,
) -> ServiceResult<WorkOrder> {
    let before = order_at_version(connection, id, version)?;
    not_closed(&before)?;
    let receiver = existing_employee(connection, "to_employee_id", &request.to_employee_id)?;
    let current = Responsibility {
        first_responder: before.first_responder_id.clone(),
        accountable: before.accountable_id.clone(),
        assignee: before.assignee_id.clone(),
    };
    let next =
        responsibility_after_hand_over(&current, receiver.id.clone(), request.accepted_by_owner)
            .map_err(|refusal| ServiceError::field_refused("to_employee_id", refusal.detail))?;
    let mut after = before.bumped(actor.at.stored());
    after.assignee_id = next.assignee;
    after.accountable_id = next.accountable;
    work_orders::save(connection, actor, "work_order.assign", &before, &after)?;
    work_orders::insert_handover(
        connection,
        actor,
        &Handover {
            id: new_id(),
            work_order_id: before.id.clone(),
            from_employee_id: before.assignee_id.clone(),
            to_employee_id: receiver.id,
            accepted_by_owner: request.accepted_by_owner,
            note: request.note.clone(),
            recorded_by: actor.subject.clone(),
            handed_over_at: after.updated_at,
        },
    )?;
    Ok(after)
}

/// SLA-2: closes an order as met once a failed phone attempt and a failed visit are recorded.
pub fn close_deemed_met(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
) -> ServiceResult<WorkOrder> {
    let before = order_at_version(connection, id, version)?;
    not_closed(&before)?;
    let attempts = work_orders::contact_attempts(connection, id)?;
    let mut failed_phone = 0;
    let mut failed_visit = 0;
    for attempt in attempts.iter().filter(|a| !a.reached) {
        match read_stored::<ContactChannel>(&attempt.channel)? {
            ContactChannel::Phone => failed_phone += 1,
            ContactChannel::Visit => failed_visit += 1,
        }
    }
    if !may_deem_met(failed_phone, failed_visit) {
        return Err(ServiceError::refused(
            "SLA-2",
            "record a failed phone attempt and a failed visit before closing as deemed met",
        ));
    }
    let mut after = before.bumped(actor.at.stored());
    after.status = WorkOrderStatus::DeemedMet.as_str().into();
    after.resolved_at = Some(after.updated_at);
    work_orders::save(connection, actor, "work_order.deemed_met", &before, &after)?;
    Ok(after)
}

/// The return visit of a resolved order (SLA-6).
#[derive(Debug, Clone)]
pub struct NewReturnVisit {
    pub satisfaction: Satisfaction,
    /// Not solved: a follow-up order is opened and linked.
    pub solved: bool,
    pub notes: String,
}

/// SLA-6: records the one return visit of a resolved order; not solved, it opens a follow-up
/// order for the same customer and kind, assigned as the original was.
pub fn record_return_visit(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &InForce<SlaPolicy>,
    id: &str,
    request: &NewReturnVisit,
) -> ServiceResult<ReturnVisit> {
    let notes = request.notes.trim();
    let order = find_order(connection, id)?;
    if !needs_return_visit(kind_of(&order)?) {
        return Err(ServiceError::refused(
            "SLA-6",
            "installations get no return visit",
        ));
    }
    if status_of(&order)? != WorkOrderStatus::Resolved {
        return Err(wrong_state(
            &order,
            "only a resolved order gets its return visit",
        ));
    }
    if work_orders::return_visit(connection, id)?.is_some() {
        return Err(ServiceError::conflict(format!(
            "work order {id} already has its return visit"
        )));
    }
    let follow_up_order_id = if request.solved {
        None
    } else {
        let now = actor.at.stored();
        let mut follow_up = WorkOrder {
            id: new_id(),
            description: format!("Follow-up of {id}: {notes}"),
            status: WorkOrderStatus::AwaitingMaterials.as_str().into(),
            required_materials: "[]".into(),
            provided_materials: "[]".into(),
            clock_started_at: None,
            due_at: None,
            sla_policy_version: None,
            calendar_provisional: false,
            breached: false,
            resolved_at: None,
            resolution: None,
            version: 1,
            created_at: now,
            updated_at: now,
            follow_up_of: Some(order.id.clone()),
            first_answered_at: None,
            ..order.clone()
        };
        recheck_readiness(connection, policy, &mut follow_up, actor.at)?;
        work_orders::insert(connection, actor, &follow_up)?;
        Some(follow_up.id)
    };
    let visit = ReturnVisit {
        id: new_id(),
        work_order_id: order.id,
        satisfaction: request.satisfaction.as_str().into(),
        solved: request.solved,
        notes: notes.to_owned(),
        follow_up_order_id,
        visited_by: actor.subject.clone(),
        visited_at: actor.at.stored(),
    };
    work_orders::insert_return_visit(connection, actor, &visit)?;
    Ok(visit)
}

/// Resolves the order as the client last read it (SLA-5).
pub fn resolve(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    resolution: &str,
) -> ServiceResult<WorkOrder> {
    let before = order_at_version(connection, id, version)?;
    resolve_order(connection, actor, &before, resolution)
}

/// Which orders of the queue to list.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    pub status: Option<WorkOrderStatus>,
    pub kind: Option<WorkOrderKind>,
    pub assignee_id: Option<String>,
    pub breached: Option<bool>,
    pub urgent: Option<bool>,
    /// Open orders due within this much of now.
    pub due_within: Option<Duration>,
    /// The `queue_key` of the last order of the previous page.
    pub after_key: Option<String>,
    pub limit: i64,
}

/// SLA-4: the queue, urgent orders first, then by deadline, filtered.
pub fn queue(
    connection: &mut DbConnection,
    at: Moment,
    query: Queue,
) -> ServiceResult<Vec<WorkOrder>> {
    let filter = QueueFilter {
        status: query.status.map(|s| s.as_str().to_owned()),
        kind: query.kind.map(|k| k.as_str().to_owned()),
        assignee_id: query.assignee_id,
        breached: query.breached,
        urgent: query.urgent,
        due_before: query
            .due_within
            .map(|within| stored_utc(at.instant() + within)),
        after_key: query.after_key,
        limit: query.limit,
    };
    Ok(work_orders::queue(connection, &filter)?)
}

/// A resolved order still waiting for its return visit (SLA-6).
#[derive(Debug, Clone)]
pub struct DueVisit {
    pub order: WorkOrder,
    pub resolved_at: OffsetDateTime,
    /// 72 hours after resolution.
    pub visit_due_at: OffsetDateTime,
    pub overdue: bool,
}

/// SLA-6: resolved orders without their return visit, by id after `after_id`, each with its
/// deadline as it stands at `at`.
pub fn due_return_visits(
    connection: &mut DbConnection,
    policy: &InForce<SlaPolicy>,
    at: Moment,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<DueVisit>> {
    let now = at.instant();
    Ok(
        work_orders::awaiting_return_visit(connection, after_id, limit)?
            .into_iter()
            .map(|order| {
                let resolved_at = order.resolved_at.unwrap_or(order.updated_at).assume_utc();
                let visit_due_at = return_visit_due(resolved_at, policy);
                DueVisit {
                    order,
                    resolved_at,
                    visit_due_at,
                    overdue: now > visit_due_at,
                }
            })
            .collect(),
    )
}
