//! SLA-5 and the SLA table: the breach sweep, one batch per transaction, and the deadline an
//! order would get (CAL-4).

use time::OffsetDateTime;
use zhidu_domain::customer::AreaType;
use zhidu_domain::sla::{SlaPolicy, Target, WorkOrderKind, work_order_deadline};
use zhidu_store::audit::Actor;
use zhidu_store::calendar::load_calendar;
use zhidu_store::db::DbConnection;
use zhidu_store::work_orders;

use crate::error::{ServiceError, ServiceResult};

/// Orders marked per transaction, so a long sweep never holds the write lock for long.
pub const SWEEP_BATCH: i64 = 5_000;

/// What one batch of the sweep marked, and where the next one starts.
#[derive(Debug, Clone)]
pub struct SweepStep {
    pub marked: Vec<String>,
    /// The queue key to continue after; none when this batch was the last.
    pub next_key: Option<String>,
}

/// SLA-5: marks up to `SWEEP_BATCH` open orders past their deadline as breached, each with an
/// accountability-case candidate, along the queue after `after_key`. Safe beside other
/// sweepers: each claims its own rows.
pub fn sweep_batch(
    connection: &mut DbConnection,
    actor: &Actor,
    after_key: &str,
) -> ServiceResult<SweepStep> {
    let batch =
        work_orders::sweep_breaches(connection, actor, actor.at.stored(), after_key, SWEEP_BATCH)?;
    let done = (batch.ids.len() as i64) < SWEEP_BATCH;
    Ok(SweepStep {
        marked: batch.ids,
        next_key: batch.last_key.filter(|_| !done),
    })
}

/// When an order of `kind` started at `started_at` would be due.
#[derive(Debug, Clone)]
pub struct DeadlinePreview {
    pub due_at: OffsetDateTime,
    pub target: Target,
    /// True when a year on the way has no official schedule (CAL-2).
    pub calendar_provisional: bool,
}

/// The SLA table with CAL-4: an installation needs the area type (urban and rural targets
/// differ); no other kind's target depends on it.
pub fn preview_deadline(
    connection: &mut DbConnection,
    policy: &SlaPolicy,
    kind: WorkOrderKind,
    area_type: Option<AreaType>,
    started_at: OffsetDateTime,
) -> ServiceResult<DeadlinePreview> {
    let area_type = match (kind, area_type) {
        (_, Some(area_type)) => area_type,
        (WorkOrderKind::Installation, None) => {
            return Err(ServiceError::field_refused(
                "area_type",
                "is required for an installation: urban and rural targets differ",
            ));
        }
        // The area type changes no other kind's target.
        (_, None) => AreaType::Urban,
    };
    let calendar = load_calendar(connection)?;
    let due = work_order_deadline(kind, area_type, started_at, &calendar, policy)
        .map_err(|e| ServiceError::field_refused("started_at", e.to_string()))?;
    Ok(DeadlinePreview {
        due_at: due.value,
        target: policy.target(kind, area_type),
        calendar_provisional: due.provisional,
    })
}
