//! SLA: work orders, their hand-overs, contact attempts and extensions, and the breach sweep.

use diesel::prelude::*;
use serde::Serialize;
use time::{Duration, PrimitiveDateTime};
use zhidu_domain::sla::{FIRST_NOT_URGENT_QUEUE_KEY, queue_key};

use crate::accountability::{self, AccountabilityCase};
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, update_versioned};
use crate::schema::{
    return_visits, work_order_contact_attempts, work_order_extensions, work_order_handovers,
    work_orders,
};
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = work_orders, treat_none_as_null = true)]
pub struct WorkOrder {
    pub id: String,
    pub customer_id: String,
    pub kind: String,
    pub description: String,
    pub status: String,
    pub flagged_major: bool,
    pub urgent: bool,
    pub first_responder_id: String,
    pub accountable_id: String,
    pub assignee_id: String,
    /// JSON array of item names.
    pub required_materials: String,
    /// JSON array of item names.
    pub provided_materials: String,
    pub network_ready: bool,
    pub clock_started_at: Option<PrimitiveDateTime>,
    pub due_at: Option<PrimitiveDateTime>,
    pub calendar_provisional: bool,
    pub breached: bool,
    pub resolved_at: Option<PrimitiveDateTime>,
    pub resolution: Option<String>,
    pub queue_key: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// SLA-6: the resolved order whose return visit found the problem unsolved.
    pub follow_up_of: Option<String>,
    /// SLA-9: the first contact that reached the customer, or the resolution if sooner.
    pub first_answered_at: Option<PrimitiveDateTime>,
    /// Issue 18: the `sla` policy version the clock started under (absent before versions).
    pub sla_policy_version: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = return_visits)]
pub struct ReturnVisit {
    pub id: String,
    pub work_order_id: String,
    /// `satisfied`, `neutral` or `dissatisfied`.
    pub satisfaction: String,
    pub solved: bool,
    pub notes: String,
    pub follow_up_order_id: Option<String>,
    pub visited_by: String,
    pub visited_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = work_order_handovers)]
pub struct Handover {
    pub id: String,
    pub work_order_id: String,
    pub from_employee_id: String,
    pub to_employee_id: String,
    pub accepted_by_owner: bool,
    pub note: String,
    pub recorded_by: String,
    pub handed_over_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = work_order_contact_attempts)]
pub struct ContactAttempt {
    pub id: String,
    pub work_order_id: String,
    /// `phone` or `visit`.
    pub channel: String,
    pub reached: bool,
    pub attempted_at: PrimitiveDateTime,
    pub note: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = work_order_extensions, treat_none_as_null = true)]
pub struct Extension {
    pub id: String,
    pub work_order_id: String,
    pub reason: String,
    pub requested_due_at: PrimitiveDateTime,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub requested_by: String,
    pub requested_at: PrimitiveDateTime,
    pub decided_by: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
}

/// Queue filters; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub assignee_id: Option<String>,
    pub breached: Option<bool>,
    pub urgent: Option<bool>,
    /// Only open orders due at or before this instant.
    pub due_before: Option<PrimitiveDateTime>,
    /// The `queue_key` of the last order of the previous page.
    pub after_key: Option<String>,
    pub limit: i64,
}

pub fn insert(connection: &mut DbConnection, actor: &Actor, order: &WorkOrder) -> StoreResult<()> {
    diesel::insert_into(work_orders::table)
        .values(order)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "work_order.create",
        ("work_order", &order.id),
        None::<&()>,
        Some(order),
    )
}

pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<Option<WorkOrder>> {
    Ok(work_orders::table
        .find(id)
        .select(WorkOrder::as_select())
        .first(connection)
        .optional()?)
}

/// Writes `after` over the stored order if the stored version is still `before.version`;
/// `after.version` must be one more. The audit row names `action`.
pub fn save(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &WorkOrder,
    after: &WorkOrder,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, work_orders, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("work_order", &before.id),
        Some(before),
        Some(after),
    )
}

/// One page of the queue in `queue_key` order: urgent first, then by due time.
pub fn queue(connection: &mut DbConnection, filter: &QueueFilter) -> StoreResult<Vec<WorkOrder>> {
    let mut query = work_orders::table
        .select(WorkOrder::as_select())
        .order(work_orders::queue_key.asc())
        .limit(filter.limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(status) = &filter.status {
        query = query.filter(work_orders::status.eq(status.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(work_orders::kind.eq(kind.clone()));
    }
    if let Some(assignee) = &filter.assignee_id {
        query = query.filter(work_orders::assignee_id.eq(assignee.clone()));
    }
    if let Some(breached) = filter.breached {
        query = query.filter(work_orders::breached.eq(breached));
    }
    // As a key range rather than a column test, so the urgent filter narrows whichever queue
    // index the other filters choose instead of stepping over rows.
    match filter.urgent {
        Some(true) => query = query.filter(work_orders::queue_key.lt(FIRST_NOT_URGENT_QUEUE_KEY)),
        Some(false) => query = query.filter(work_orders::queue_key.ge(FIRST_NOT_URGENT_QUEUE_KEY)),
        None => {}
    }
    if let Some(before) = filter.due_before {
        query = query
            .filter(work_orders::status.eq("open"))
            .filter(work_orders::due_at.le(before));
    }
    if let Some(after) = &filter.after_key {
        query = query.filter(work_orders::queue_key.gt(after.clone()));
    }
    Ok(query.load(connection)?)
}

pub fn insert_handover(
    connection: &mut DbConnection,
    actor: &Actor,
    handover: &Handover,
) -> StoreResult<()> {
    diesel::insert_into(work_order_handovers::table)
        .values(handover)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "work_order.handover",
        ("work_order", &handover.work_order_id),
        None::<&()>,
        Some(handover),
    )
}

pub fn handovers(connection: &mut DbConnection, work_order_id: &str) -> StoreResult<Vec<Handover>> {
    Ok(work_order_handovers::table
        .filter(work_order_handovers::work_order_id.eq(work_order_id))
        .order(work_order_handovers::id.asc())
        .select(Handover::as_select())
        .load(connection)?)
}

pub fn insert_contact_attempt(
    connection: &mut DbConnection,
    actor: &Actor,
    attempt: &ContactAttempt,
) -> StoreResult<()> {
    diesel::insert_into(work_order_contact_attempts::table)
        .values(attempt)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "work_order.contact_attempt",
        ("work_order", &attempt.work_order_id),
        None::<&()>,
        Some(attempt),
    )
}

pub fn contact_attempts(
    connection: &mut DbConnection,
    work_order_id: &str,
) -> StoreResult<Vec<ContactAttempt>> {
    Ok(work_order_contact_attempts::table
        .filter(work_order_contact_attempts::work_order_id.eq(work_order_id))
        .order(work_order_contact_attempts::attempted_at.asc())
        .select(ContactAttempt::as_select())
        .load(connection)?)
}

pub fn insert_extension(
    connection: &mut DbConnection,
    actor: &Actor,
    extension: &Extension,
) -> StoreResult<()> {
    diesel::insert_into(work_order_extensions::table)
        .values(extension)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "work_order.extension_request",
        ("work_order", &extension.work_order_id),
        None::<&()>,
        Some(extension),
    )
}

pub fn find_extension(
    connection: &mut DbConnection,
    work_order_id: &str,
    id: &str,
) -> StoreResult<Option<Extension>> {
    Ok(work_order_extensions::table
        .find(id)
        .filter(work_order_extensions::work_order_id.eq(work_order_id))
        .select(Extension::as_select())
        .first(connection)
        .optional()?)
}

pub fn extensions(
    connection: &mut DbConnection,
    work_order_id: &str,
) -> StoreResult<Vec<Extension>> {
    Ok(work_order_extensions::table
        .filter(work_order_extensions::work_order_id.eq(work_order_id))
        .order(work_order_extensions::id.asc())
        .select(Extension::as_select())
        .load(connection)?)
}

/// Records a decision on a pending extension; a decided one is a `Conflict`.
pub fn decide_extension(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &Extension,
    after: &Extension,
) -> StoreResult<()> {
    let changed = diesel::update(
        work_order_extensions::table
            .find(&before.id)
            .filter(work_order_extensions::status.eq("pending")),
    )
    .set(after)
    .execute(connection)?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "extension {} was already decided",
            before.id
        )));
    }
    audit::record(
        connection,
        actor,
        "work_order.extension_decision",
        ("work_order", &before.work_order_id),
        Some(before),
        Some(after),
    )
}

/// One batch of the breach sweep: the orders it marked, and where the next batch starts.
#[derive(Debug, Default)]
pub struct SweptBatch {
    pub ids: Vec<String>,
    /// The largest queue key marked; `None` when nothing was.
    pub last_key: Option<String>,
}

/// SLA-5: marks up to `batch` open orders past their deadline, after `after_key` in queue
/// order, as breached and opens an accountability-case candidate for each order's accountable
/// employee. The walk follows the status queue index, bounded above by the key of a non-urgent
/// order due now, so `breached` needs no index and marking an order rewrites no index entry
/// (PostgreSQL updates it in place, HOT). A sweep steps over orders breached by earlier sweeps
/// and still open once, never once per batch, because each batch starts after the last.
/// Rows are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas sweeping at once
/// share the work instead of colliding; SQLite's write transaction already excludes them.
pub fn sweep_breaches(
    connection: &mut DbConnection,
    actor: &Actor,
    now: PrimitiveDateTime,
    after_key: &str,
    batch: i64,
) -> StoreResult<SweptBatch> {
    // Every urgent key sorts below this bound, and every non-urgent one due before `now`.
    let below_key = queue_key(false, Some(now.assume_utc() + Duration::seconds(1)), "");
    let mut claimed: Vec<Overdue> = match connection {
        // One statement claims and marks the batch: no second round trip carrying its ids.
        // The claimed ids are collected into an array first, so the update finds its rows by
        // primary key; as `id IN (subquery)` the planner hash-joined the batch against a
        // sequential scan of every order.
        DbConnection::Postgres(pg) => diesel::sql_query(
            "UPDATE work_orders SET breached = TRUE, updated_at = $1 \
             WHERE id = ANY(ARRAY(SELECT id FROM work_orders \
                          WHERE status = 'open' AND queue_key > $2 AND queue_key < $3 \
                            AND NOT breached AND due_at < $1 \
                          ORDER BY queue_key LIMIT $4 FOR UPDATE SKIP LOCKED)) \
             RETURNING id, accountable_id, kind, due_at, queue_key",
        )
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .bind::<diesel::sql_types::Text, _>(after_key)
        .bind::<diesel::sql_types::Text, _>(&below_key)
        .bind::<diesel::sql_types::BigInt, _>(batch)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => {
            let claimed: Vec<Overdue> = work_orders::table
                .filter(work_orders::status.eq("open"))
                .filter(work_orders::queue_key.gt(after_key))
                .filter(work_orders::queue_key.lt(&below_key))
                .filter(work_orders::breached.eq(false))
                .filter(work_orders::due_at.lt(now))
                .order(work_orders::queue_key.asc())
                .limit(batch)
                .select(Overdue::as_select())
                .load(sqlite)?;
            let ids: Vec<&str> = claimed.iter().map(|row| row.id.as_str()).collect();
            diesel::update(work_orders::table.filter(work_orders::id.eq_any(&ids)))
                .set((
                    work_orders::breached.eq(true),
                    work_orders::updated_at.eq(now),
                ))
                .execute(sqlite)?;
            claimed
        }
    };
    // UPDATE … RETURNING promises no order; the report lists the orders in queue order.
    claimed.sort_unstable_by(|a, b| a.queue_key.cmp(&b.queue_key));
    let Some(last_key) = claimed.last().map(|order| order.queue_key.clone()) else {
        return Ok(SweptBatch::default());
    };
    let cases: Vec<AccountabilityCase> = claimed
        .iter()
        .map(|order| {
            let (id, kind) = (&order.id, &order.kind);
            let due = order.due_at.map(|d| d.to_string()).unwrap_or_default();
            AccountabilityCase::candidate(
                "sla_breach",
                Some(id.clone()),
                order.accountable_id.clone(),
                format!("{kind} work order {id} unresolved at its deadline {due} UTC (SLA-5)"),
                now,
            )
        })
        .collect();
    accountability::insert_all(connection, &cases)?;
    // One audit row per order: the breach, with the case it opened as the new state.
    let trail: Vec<audit::AuditRecord> = cases
        .iter()
        .map(|case| {
            let order = case.work_order_id.as_deref().unwrap_or_default();
            audit::entry(
                actor,
                "work_order.breached",
                ("work_order", order),
                None::<&()>,
                Some(case),
            )
        })
        .collect();
    audit::record_all(connection, &trail)?;
    Ok(SweptBatch {
        ids: claimed.into_iter().map(|order| order.id).collect(),
        last_key: Some(last_key),
    })
}

/// An order the breach sweep claimed.
#[derive(Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = work_orders)]
struct Overdue {
    id: String,
    accountable_id: String,
    kind: String,
    due_at: Option<PrimitiveDateTime>,
    queue_key: String,
}

/// SLA-9: stamps the moment the customer first got an answer; later answers change nothing.
/// A derived fact, not client state: the order's version stays.
pub fn note_first_answer(
    connection: &mut DbConnection,
    work_order_id: &str,
    at: PrimitiveDateTime,
) -> StoreResult<()> {
    diesel::update(
        work_orders::table
            .find(work_order_id)
            .filter(work_orders::first_answered_at.is_null()),
    )
    .set(work_orders::first_answered_at.eq(at))
    .execute(connection)?;
    Ok(())
}

pub fn insert_return_visit(
    connection: &mut DbConnection,
    actor: &Actor,
    visit: &ReturnVisit,
) -> StoreResult<()> {
    diesel::insert_into(return_visits::table)
        .values(visit)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "work_order.return_visit",
        ("work_order", &visit.work_order_id),
        None::<&()>,
        Some(visit),
    )
}

pub fn return_visit(
    connection: &mut DbConnection,
    work_order_id: &str,
) -> StoreResult<Option<ReturnVisit>> {
    Ok(return_visits::table
        .filter(return_visits::work_order_id.eq(work_order_id))
        .select(ReturnVisit::as_select())
        .first(connection)
        .optional()?)
}

/// SLA-6: resolved orders of the kinds that need a return visit and have none, oldest
/// resolution first, after `after_id` in id order within the page.
pub fn awaiting_return_visit(
    connection: &mut DbConnection,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<WorkOrder>> {
    let visited = return_visits::table.select(return_visits::work_order_id);
    Ok(work_orders::table
        .filter(work_orders::status.eq("resolved"))
        .filter(work_orders::kind.ne("installation"))
        .filter(work_orders::id.ne_all(visited))
        .filter(work_orders::id.gt(after_id.unwrap_or_default()))
        .order(work_orders::id.asc())
        .limit(limit + 1)
        .select(WorkOrder::as_select())
        .load(connection)?)
}
