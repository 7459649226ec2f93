//! SLA-1..5, SLA-7: work orders on the service desk — the clock, the queue, and each
//! transition as its own sub-resource.

use std::sync::LazyLock;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::Duration;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::sla::{
    ContactChannel, Satisfaction, WorkOrderKind, WorkOrderStatus, is_breached, missing_materials,
};
use zhidu_service::Moment;
use zhidu_service::work_orders::{
    self as desk, DueVisit, Extension, NewContactAttempt, NewReturnVisit, NewWorkOrder,
    OrderRecord, StoreError, WorkOrder, channel_of, find_order, items, kind_of, open_order,
};

use crate::auth::{Authorized, CsManagers, ServiceDesk, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Items, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, Shape};

/// Under `/work-orders`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_work_order)
        .service(list_work_orders)
        .service(get_work_order)
        .service(supply_materials)
        .service(mark_network_ready)
        .service(record_contact_attempt)
        .service(request_extension)
        .service(decide_extension)
        .service(hand_over)
        .service(resolve)
        .service(close_deemed_met)
        .service(record_return_visit);
}

/// Under `/return-visits`.
pub fn configure_return_visits(config: &mut ServiceConfig) {
    config.service(return_visits_due);
}

/// The name of a material a work order waits for.
type Material = Text<1, 100>;

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverView {
    pub from_employee_id: String,
    pub to_employee_id: String,
    /// The owning department accepted the order: accountability moved with it (SLA-7).
    pub accepted_by_owner: bool,
    pub note: String,
    pub recorded_by: String,
    pub handed_over_at: Instant,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactAttemptView {
    pub channel: ContactChannel,
    pub reached: bool,
    pub attempted_at: Instant,
    pub note: String,
    pub recorded_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionView {
    pub id: String,
    pub reason: String,
    pub requested_due_at: Instant,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub requested_by: String,
    pub requested_at: Instant,
    pub decided_by: Option<String>,
    pub decided_at: Option<Instant>,
}

impl From<Extension> for ExtensionView {
    fn from(e: Extension) -> Self {
        ExtensionView {
            id: e.id,
            reason: e.reason,
            requested_due_at: Instant::from_utc(e.requested_due_at),
            status: e.status,
            requested_by: e.requested_by,
            requested_at: Instant::from_utc(e.requested_at),
            decided_by: e.decided_by,
            decided_at: e.decided_at.map(Instant::from_utc),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: String,
    pub employee_id: String,
    pub status: String,
}

/// A work order as the desk sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkOrderView {
    pub id: String,
    pub customer_id: String,
    pub kind: WorkOrderKind,
    pub description: String,
    /// `awaiting_materials`, `awaiting_network`, `open`, `resolved` or `deemed_met`.
    pub status: String,
    /// SLA-4: sorts first in every queue.
    pub urgent: bool,
    pub flagged_major: bool,
    /// SLA-7: the highest-ranked receiver.
    pub first_responder_id: String,
    /// Who answers for the order: the first responder until the owning department accepts it.
    pub accountable_id: String,
    pub assignee_id: String,
    pub required_materials: Vec<String>,
    pub provided_materials: Vec<String>,
    /// SLA-1: everything still missing, all at once.
    pub missing_materials: Vec<String>,
    pub network_ready: bool,
    pub clock_started_at: Option<Instant>,
    pub due_at: Option<Instant>,
    pub calendar_provisional: bool,
    /// The `sla` policy version the clock started under (issue 18); absent until it starts.
    pub sla_policy_version: Option<i64>,
    /// SLA-5: unresolved past the deadline (or resolved after it).
    pub breached: bool,
    pub resolved_at: Option<Instant>,
    pub resolution: Option<String>,
    /// SLA-6: the order whose return visit found the problem unsolved.
    pub follow_up_of: Option<String>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

impl WorkOrderView {
    /// The order as it stands at `at`: past its deadline unresolved, it is breached.
    pub fn at(o: WorkOrder, at: Moment) -> Result<Self, StoreError> {
        let required = items(&o.required_materials)?;
        let provided = items(&o.provided_materials)?;
        let breached = o.breached
            || is_breached(
                o.due_at.map(|d| d.assume_utc()),
                o.resolved_at.map(|d| d.assume_utc()),
                at.instant(),
            );
        Ok(WorkOrderView {
            kind: kind_of(&o)?,
            missing_materials: missing_materials(&required, &provided),
            required_materials: required,
            provided_materials: provided,
            breached,
            id: o.id,
            customer_id: o.customer_id,
            description: o.description,
            status: o.status,
            urgent: o.urgent,
            flagged_major: o.flagged_major,
            first_responder_id: o.first_responder_id,
            accountable_id: o.accountable_id,
            assignee_id: o.assignee_id,
            network_ready: o.network_ready,
            clock_started_at: o.clock_started_at.map(Instant::from_utc),
            due_at: o.due_at.map(Instant::from_utc),
            calendar_provisional: o.calendar_provisional,
            sla_policy_version: o.sla_policy_version,
            resolved_at: o.resolved_at.map(Instant::from_utc),
            resolution: o.resolution,
            follow_up_of: o.follow_up_of,
            version: o.version,
            created_at: Instant::from_utc(o.created_at),
            updated_at: Instant::from_utc(o.updated_at),
        })
    }
}

/// The order with everything recorded against it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkOrderDetail {
    #[serde(flatten)]
    pub order: WorkOrderView,
    pub handovers: Vec<HandoverView>,
    pub contact_attempts: Vec<ContactAttemptView>,
    pub extensions: Vec<ExtensionView>,
    /// SLA-5: the accountability-case candidates opened by its breach.
    pub accountability_cases: Vec<CaseSummary>,
}

fn detail(
    OrderRecord {
        order,
        handovers,
        contact_attempts,
        extensions,
        accountability_cases,
    }: OrderRecord,
    at: Moment,
) -> Result<WorkOrderDetail, ApiError> {
    let handovers = handovers
        .into_iter()
        .map(|h| HandoverView {
            from_employee_id: h.from_employee_id,
            to_employee_id: h.to_employee_id,
            accepted_by_owner: h.accepted_by_owner,
            note: h.note,
            recorded_by: h.recorded_by,
            handed_over_at: Instant::from_utc(h.handed_over_at),
        })
        .collect();
    let contact_attempts = contact_attempts
        .into_iter()
        .map(|a| {
            Ok(ContactAttemptView {
                channel: channel_of(&a)?,
                reached: a.reached,
                attempted_at: Instant::from_utc(a.attempted_at),
                note: a.note,
                recorded_by: a.recorded_by,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let extensions = extensions.into_iter().map(ExtensionView::from).collect();
    let accountability_cases = accountability_cases
        .into_iter()
        .map(|case| CaseSummary {
            id: case.id,
            employee_id: case.employee_id,
            status: case.status,
        })
        .collect();
    Ok(WorkOrderDetail {
        order: WorkOrderView::at(order, at)?,
        handovers,
        contact_attempts,
        extensions,
        accountability_cases,
    })
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkOrder {
    pub customer_id: String,
    pub kind: WorkOrderKind,
    pub description: Text<1, 4000>,
    /// The employees who received the request together; the highest ranked becomes the
    /// first responder (SLA-7) and the first assignee.
    pub received_by: Items<String, 1, 20>,
    #[serde(default)]
    pub required_materials: Vec<Material>,
    /// Each must be one of `required_materials`.
    #[serde(default)]
    pub provided_materials: Vec<Material>,
    /// Installations only: the network build in the customer's area is complete.
    #[serde(default)]
    pub network_ready: bool,
    /// Complaints only: a major complaint is urgent (SLA-4).
    #[serde(default)]
    pub flagged_major: bool,
}

impl From<CreateWorkOrder> for NewWorkOrder {
    fn from(request: CreateWorkOrder) -> Self {
        NewWorkOrder {
            customer_id: request.customer_id,
            kind: request.kind,
            description: request.description.into_string(),
            received_by: request.received_by.into_vec(),
            required_materials: request
                .required_materials
                .into_iter()
                .map(Material::into_string)
                .collect(),
            provided_materials: request
                .provided_materials
                .into_iter()
                .map(Material::into_string)
                .collect(),
            network_ready: request.network_ready,
            flagged_major: request.flagged_major,
        }
    }
}

/// Take a work order. Its clock starts at once when the materials are complete (and, for an
/// installation, the network is built); otherwise it waits and lists what is missing.
#[utoipa::path(
    tag = "work-orders",
    request_body = CreateWorkOrder,
    responses((status = 201, body = WorkOrderDetail), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_work_order(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    Json(request): Json<CreateWorkOrder>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.actor;
    let policy = state.policies().await?.sla_on(state.now().today())?.clone();
    let detail = state
        .write(move |connection| {
            let order = open_order(connection, &actor, &policy, &request.into())?;
            detail(desk::with_records(connection, order)?, actor.at)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/work-orders/{}", detail.order.id),
        ))
        .json(detail))
}

/// `PT4H`, `PT30M`, `P1D`, `P1DT12H`: days, hours, minutes and seconds of ISO 8601.
fn parse_iso_duration(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((days, time)) => (days, Some(time)),
        None => (rest, None),
    };
    let mut total = Duration::ZERO;
    let mut any = false;
    let mut take = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        let mut unit_index = 0;
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let position = units[unit_index..].iter().position(|(u, _)| *u == c)? + unit_index;
            let value: i64 = number.parse().ok()?;
            total = total.checked_add(Duration::seconds(value.checked_mul(units[position].1)?))?;
            number.clear();
            unit_index = position + 1;
            any = true;
        }
        number.is_empty().then_some(())
    };
    take(days, &[('D', 86_400)])?;
    if let Some(time) = time {
        if time.is_empty() {
            return None;
        }
        take(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    }
    any.then_some(total)
}

/// An ISO 8601 duration of days, hours, minutes and seconds (`PT4H`, `P1DT12H`), each with a
/// bounded number of digits, so that any duration the pattern admits can be added to now.
#[derive(Debug, Clone, Copy)]
pub struct DueWithin(Duration);

static DUE_WITHIN_SHAPE: LazyLock<Shape> = LazyLock::new(|| {
    let time =
        "T(?:[0-9]{1,5}H(?:[0-9]{1,6}M)?(?:[0-9]{1,7}S)?|[0-9]{1,6}M(?:[0-9]{1,7}S)?|[0-9]{1,7}S)";
    Shape::new(format!("^P(?:[0-9]{{1,4}}D(?:{time})?|{time})$"))
});

impl<'de> Deserialize<'de> for DueWithin {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DUE_WITHIN_SHAPE
            .admits(&text)
            .then(|| parse_iso_duration(&text))
            .flatten()
            .map(DueWithin)
            .ok_or_else(|| {
                serde::de::Error::custom(
                    "must be an ISO 8601 duration of days, hours, minutes or seconds such as PT4H or P1D",
                )
            })
    }
}

impl utoipa::PartialSchema for DueWithin {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        DUE_WITHIN_SHAPE.schema(None, "PT4H")
    }
}

impl ToSchema for DueWithin {}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    pub status: Option<WorkOrderStatus>,
    pub kind: Option<WorkOrderKind>,
    /// Employee id of the assignee.
    pub assignee: Option<String>,
    pub breached: Option<bool>,
    pub urgent: Option<bool>,
    /// Open orders due within this ISO 8601 duration from now, e.g. `PT4H`.
    pub due_within: Option<DueWithin>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// The queue: urgent orders first, then by deadline (SLA-4), filtered; cursor-paginated.
#[utoipa::path(
    tag = "work-orders",
    params(QueueParams),
    responses((status = 200, body = Page<WorkOrderView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_work_orders(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<QueueParams>,
) -> Result<HttpResponse, ApiError> {
    let at = caller.actor.at;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit();
    let query = desk::Queue {
        status: params.status,
        kind: params.kind,
        assignee_id: params.assignee,
        breached: params.breached,
        urgent: params.urgent,
        due_within: params.due_within.map(|DueWithin(within)| within),
        after_key: page.after_id(),
        limit,
    };
    let rows = state
        .read(move |connection| Ok(desk::queue(connection, at, query)?))
        .await?;
    let page = Page::from_rows(rows, limit, |o: &WorkOrder| &o.queue_key)
        .try_map(|o| WorkOrderView::at(o, at))?;
    Ok(HttpResponse::Ok().json(page))
}

/// One work order with its hand-overs, contact attempts, extensions and cases.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    responses((status = 200, body = WorkOrderDetail), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_work_order(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let at = caller.actor.at;
    let detail = state
        .read(move |connection| {
            let order = find_order(connection, &id)?;
            detail(desk::with_records(connection, order)?, at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplyMaterials {
    /// Items now provided; each must be a required one.
    pub provided: Items<Material, 1, 100>,
    pub version: i64,
}

/// Record materials the customer supplied (SLA-1); the clock starts when none is missing.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    request_body = SupplyMaterials,
    responses((status = 200, body = WorkOrderDetail), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/materials")]
async fn supply_materials(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<SupplyMaterials>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let policy = state.policies().await?.sla_on(state.now().today())?.clone();
    let provided: Vec<String> = request
        .provided
        .into_vec()
        .into_iter()
        .map(Material::into_string)
        .collect();
    let detail = state
        .write(move |connection| {
            let order = desk::supply_materials(
                connection,
                &actor,
                &policy,
                &id,
                request.version,
                &provided,
            )?;
            detail(desk::with_records(connection, order)?, actor.at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Record that the network build in the customer's area is complete (installations, SLA-1).
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    request_body = VersionOnly,
    responses((status = 200, body = WorkOrderDetail), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/network-ready")]
async fn mark_network_ready(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let policy = state.policies().await?.sla_on(state.now().today())?.clone();
    let detail = state
        .write(move |connection| {
            let after =
                desk::mark_network_ready(connection, &actor, &policy, &id, request.version)?;
            detail(desk::with_records(connection, after)?, actor.at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordContactAttempt {
    pub channel: ContactChannel,
    /// Whether the customer was reached.
    pub reached: bool,
    pub attempted_at: Instant,
    pub note: Option<Text<0, 1000>>,
}

/// Record an attempt to reach the customer by phone or visit (SLA-2).
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    request_body = RecordContactAttempt,
    responses((status = 201, body = WorkOrderDetail), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/contact-attempts")]
async fn record_contact_attempt(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<RecordContactAttempt>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let attempt = NewContactAttempt {
        channel: request.channel,
        reached: request.reached,
        attempted_at: request.attempted_at.0,
        note: request.note.map(String::from).unwrap_or_default(),
    };
    let detail = state
        .write(move |connection| {
            let order = desk::record_contact_attempt(connection, &actor, &id, &attempt)?;
            detail(desk::with_records(connection, order)?, actor.at)
        })
        .await?;
    Ok(HttpResponse::Created().json(detail))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestExtension {
    pub reason: Text<5, 1000>,
    /// The deadline asked for; later than the current one.
    pub requested_due_at: Instant,
}

/// Ask for a later deadline (SLA-3). The clock keeps running until a manager approves.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    request_body = RequestExtension,
    responses((status = 201, body = ExtensionView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/extensions")]
async fn request_extension(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<RequestExtension>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let extension = state
        .write(move |connection| {
            Ok(desk::request_extension(
                connection,
                &actor,
                &id,
                &request.reason,
                request.requested_due_at.0,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(ExtensionView::from(extension)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecision {
    pub approved: bool,
}

/// Approve or reject an extension (customer-service-center manager, SLA-3); an approval
/// sets the new deadline. A decided extension cannot be decided again (409).
#[utoipa::path(
    tag = "work-orders",
    params(
        ("id" = String, Path, description = "Work order id"),
        ("extension_id" = String, Path, description = "Extension id")
    ),
    request_body = ExtensionDecision,
    responses((status = 200, body = WorkOrderDetail), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/extensions/{extension_id}/decision")]
async fn decide_extension(
    state: web::Data<AppState>,
    caller: Authorized<CsManagers>,
    path: web::Path<(String, String)>,
    Json(request): Json<ExtensionDecision>,
) -> Result<HttpResponse, ApiError> {
    let (id, extension_id) = path.into_inner();
    let actor = caller.actor;
    let detail = state
        .write(move |connection| {
            let order =
                desk::decide_extension(connection, &actor, &id, &extension_id, request.approved)?;
            detail(desk::with_records(connection, order)?, actor.at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOver {
    pub to_employee_id: String,
    /// The owning department accepted the order: accountability passes to the receiver.
    #[serde(default)]
    pub accepted_by_owner: bool,
    pub note: Option<Text<0, 1000>>,
    pub version: i64,
}

/// Hand the order to another employee; every hand-over is kept (SLA-7).
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    request_body = HandOver,
    responses((status = 200, body = WorkOrderDetail), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/handovers")]
async fn hand_over(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<HandOver>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let detail = state
        .write(move |connection| {
            let after = desk::hand_over(
                connection,
                &actor,
                &id,
                request.version,
                &desk::HandOver {
                    to_employee_id: request.to_employee_id,
                    accepted_by_owner: request.accepted_by_owner,
                    note: request.note.map(String::from).unwrap_or_default(),
                },
            )?;
            detail(desk::with_records(connection, after)?, actor.at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    pub resolution: Text<1, 4000>,
    pub version: i64,
}

/// Resolve an open order; resolving after the deadline still counts as a breach (SLA-5).
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    request_body = Resolve,
    responses((status = 200, body = WorkOrderDetail), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/resolve")]
async fn resolve(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<Resolve>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let detail = state
        .write(move |connection| {
            let after = desk::resolve(
                connection,
                &actor,
                &id,
                request.version,
                &request.resolution,
            )?;
            detail(desk::with_records(connection, after)?, actor.at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Close as met because the customer could not be reached (SLA-2): needs a recorded failed
/// phone attempt and a recorded failed visit.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    request_body = VersionOnly,
    responses((status = 200, body = WorkOrderDetail), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/deemed-met")]
async fn close_deemed_met(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let detail = state
        .write(move |connection| {
            let after = desk::close_deemed_met(connection, &actor, &id, request.version)?;
            detail(desk::with_records(connection, after)?, actor.at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordReturnVisit {
    pub satisfaction: Satisfaction,
    /// Whether the problem is solved; if not, a follow-up order is opened and linked.
    pub solved: bool,
    pub notes: Option<Text<0, 2000>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnVisitView {
    pub work_order_id: String,
    pub satisfaction: Satisfaction,
    pub solved: bool,
    pub notes: String,
    /// The order opened because the problem was not solved.
    pub follow_up_order_id: Option<String>,
    pub visited_by: String,
    pub visited_at: Instant,
}

/// Record the return visit of a resolved order (SLA-6). Not solved: a follow-up order for
/// the same customer and kind is opened, assigned as the original was, and linked.
#[utoipa::path(
    tag = "work-orders",
    params(("id" = String, Path, description = "Work order id")),
    request_body = RecordReturnVisit,
    responses((status = 201, body = ReturnVisitView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/return-visits")]
async fn record_return_visit(
    state: web::Data<AppState>,
    caller: Authorized<ServiceDesk>,
    id: web::Path<String>,
    Json(request): Json<RecordReturnVisit>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let policy = state.policies().await?.sla_on(state.now().today())?.clone();
    let visit = state
        .write(move |connection| {
            let visit = desk::record_return_visit(
                connection,
                &actor,
                &policy,
                &id,
                &NewReturnVisit {
                    satisfaction: request.satisfaction,
                    solved: request.solved,
                    notes: request.notes.map(String::from).unwrap_or_default(),
                },
            )?;
            Ok(visit)
        })
        .await?;
    Ok(HttpResponse::Created().json(ReturnVisitView {
        work_order_id: visit.work_order_id,
        satisfaction: request.satisfaction,
        solved: visit.solved,
        notes: visit.notes,
        follow_up_order_id: visit.follow_up_order_id,
        visited_by: visit.visited_by,
        visited_at: Instant::from_utc(visit.visited_at),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueReturnVisit {
    pub work_order_id: String,
    pub customer_id: String,
    pub kind: WorkOrderKind,
    pub assignee_id: String,
    pub resolved_at: Instant,
    /// SLA-6: 72 hours after resolution.
    pub visit_due_at: Instant,
    pub overdue: bool,
}

/// Resolved orders still waiting for their return visit (SLA-6), with the 72-hour deadline.
#[utoipa::path(
    tag = "work-orders",
    params(PageParams),
    responses((status = 200, body = Page<DueReturnVisit>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/due")]
async fn return_visits_due(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(page): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let at = caller.actor.at;
    let after = page.after_id();
    let limit = page.limit();
    let policy = state.policies().await?.sla_on(state.now().today())?.clone();
    let rows = state
        .read(move |connection| {
            Ok(desk::due_return_visits(
                connection,
                &policy,
                at,
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(rows, limit, |due: &DueVisit| &due.order.id).try_map(|due| {
        Ok::<_, StoreError>(DueReturnVisit {
            kind: kind_of(&due.order)?,
            work_order_id: due.order.id,
            customer_id: due.order.customer_id,
            assignee_id: due.order.assignee_id,
            resolved_at: Instant(due.resolved_at),
            visit_due_at: Instant(due.visit_due_at),
            overdue: due.overdue,
        })
    })?;
    Ok(HttpResponse::Ok().json(page))
}

#[cfg(test)]
mod tests {
    use super::{DUE_WITHIN_SHAPE, parse_iso_duration};
    use time::Duration;

    #[test]
    fn iso_durations_for_due_within() {
        assert_eq!(parse_iso_duration("PT4H"), Some(Duration::hours(4)));
        assert_eq!(parse_iso_duration("PT30M"), Some(Duration::minutes(30)));
        assert_eq!(parse_iso_duration("P1DT12H"), Some(Duration::hours(36)));
        assert_eq!(parse_iso_duration("P2D"), Some(Duration::days(2)));
        for bad in [
            "", "P", "PT", "4H", "PT4", "PTH", "PT4H4H", "PT4M4H", "P1H", "PT-4H",
        ] {
            assert_eq!(parse_iso_duration(bad), None, "{bad}");
            assert!(!DUE_WITHIN_SHAPE.admits(bad), "{bad}");
        }
        // The pattern admits what the parser reads, and bounds the digits.
        for good in [
            "PT4H",
            "PT30M",
            "P1DT12H",
            "P2D",
            "PT1H30M5S",
            "P0D",
            "PT45S",
        ] {
            assert!(DUE_WITHIN_SHAPE.admits(good), "{good}");
            assert!(parse_iso_duration(good).is_some(), "{good}");
        }
        assert!(!DUE_WITHIN_SHAPE.admits("P99999D"));
    }
}
