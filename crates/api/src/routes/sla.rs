//! SLA: deadline previews for the service desk.

use actix_web::{HttpResponse, post, web};
use futures_util::future::try_join_all;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::customer::AreaType;
use zhidu_domain::sla::{Target, WorkOrderKind};
use zhidu_service::Actor;
use zhidu_service::sla as sla_service;

use crate::auth::{Authorized, CsManagers, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Unavailable};
use crate::extract::Json;
use crate::state::AppState;
use crate::wire::Instant;

/// Under `/sla`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(preview_deadline).service(run_sweep);
}

/// How many sweepers share a sweep on PostgreSQL. One keeps one database backend busy and
/// leaves the other cores idle (80,000 breaches took 5 s on two cores, one of them idle);
/// they divide the orders through row locks exactly as sweeping replicas do.
const SWEEPERS: usize = 2;

/// SLA-5: marks every open order past its deadline as breached, each with an
/// accountability-case candidate, in batches. Safe beside other replicas doing the same.
pub async fn sweep_breaches(state: &AppState, actor: Actor) -> Result<Vec<String>, ApiError> {
    // SQLite writes one transaction at a time: a second sweeper would only wait its turn.
    let sweepers = if state.concurrent_writes { SWEEPERS } else { 1 };
    let swept = try_join_all((0..sweepers).map(|_| sweep_in_batches(state, actor.clone()))).await?;
    Ok(swept.into_iter().flatten().collect())
}

/// One sweeper: batch after batch along the queue, each after the last key it marked, until a
/// batch comes back short.
async fn sweep_in_batches(state: &AppState, actor: Actor) -> Result<Vec<String>, ApiError> {
    let mut marked = Vec::new();
    let mut after_key = String::new();
    loop {
        let actor = actor.clone();
        let step = state
            .write(move |connection| Ok(sla_service::sweep_batch(connection, &actor, &after_key)?))
            .await?;
        marked.extend(step.marked);
        match step.next_key {
            Some(next_key) => after_key = next_key,
            None => return Ok(marked),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SweepReport {
    /// How many orders this sweep marked breached.
    pub breached_count: usize,
    pub breached_work_order_ids: Vec<String>,
}

/// Run the breach sweep now (customer-service-center manager). The server also runs it
/// every `ZHIDU_SLA_SWEEP_SECONDS`.
#[utoipa::path(
    tag = "sla",
    responses((status = 200, body = SweepReport), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("/sweeps")]
async fn run_sweep(
    state: web::Data<AppState>,
    caller: Authorized<CsManagers>,
) -> Result<HttpResponse, ApiError> {
    let marked = sweep_breaches(&state, caller.actor).await?;
    Ok(HttpResponse::Ok().json(SweepReport {
        breached_count: marked.len(),
        breached_work_order_ids: marked,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlinePreviewRequest {
    pub kind: WorkOrderKind,
    /// The customer's area: an `installation` needs it (5 or 10 working days), other kinds ignore it.
    pub area_type: Option<AreaType>,
    /// When the clock starts: the moment the materials were complete (SLA-1).
    pub started_at: Instant,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlinePreview {
    pub kind: WorkOrderKind,
    pub started_at: Instant,
    pub due_at: Instant,
    /// `clock_hours` (holidays included) or `working_days` (CAL-4), and how many.
    #[schema(value_type = Object, example = json!({"unit": "working_days", "amount": 5}))]
    pub target: Target,
    /// True when a year on the way has no official schedule (CAL-2).
    pub calendar_provisional: bool,
    /// The `sla` policy version in force on the day the clock starts (issue 18).
    pub policy_version: i64,
}

/// When a work order would be due (the SLA table with CAL-4), by the `sla` policy in force on
/// the day its clock starts; nothing is stored.
#[utoipa::path(
    tag = "sla",
    request_body = DeadlinePreviewRequest,
    responses((status = 200, body = DeadlinePreview), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("/deadline")]
async fn preview_deadline(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Json(request): Json<DeadlinePreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let (kind, area_type, started_at) = (request.kind, request.area_type, request.started_at.0);
    let policy = state
        .policies()
        .await?
        .sla_on(started_at.to_offset(SHANGHAI).date())?
        .clone();
    let policy_version = policy.version;
    let preview = state
        .read(move |connection| {
            Ok(sla_service::preview_deadline(
                connection, &policy, kind, area_type, started_at,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DeadlinePreview {
        kind: request.kind,
        started_at: request.started_at,
        due_at: Instant(preview.due_at),
        target: preview.target,
        calendar_provisional: preview.calendar_provisional,
        policy_version,
    }))
}
