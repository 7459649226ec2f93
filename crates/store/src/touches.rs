//! CARE-2: customer touches, each customer's latest touch, and the outbox that sends the
//! touches queued for sending.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, update_versioned};
use crate::schema::{care_touches, customer_last_touches, customers, outbox};
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = care_touches)]
pub struct Touch {
    pub id: String,
    pub customer_id: String,
    /// `sms` or `email`.
    pub channel: String,
    pub template: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// When it reached the customer; empty while its outbox message waits.
    pub sent_at: Option<PrimitiveDateTime>,
    pub outbox_id: Option<String>,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    QueryableByName,
    Selectable,
    Insertable,
    AsChangeset,
    Serialize,
)]
#[diesel(table_name = outbox, treat_none_as_null = true)]
pub struct OutboxMessage {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Attempts made so far (a claimed message counts its attempt before it is made).
    pub attempts: i32,
    pub last_error: Option<String>,
    /// When a pending message is due (for a claimed one: when its claim lapses).
    pub next_attempt_at: PrimitiveDateTime,
    pub sent_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// Queues `message` in the outbox, in the caller's transaction; the dispatcher sends it.
pub fn enqueue(
    connection: &mut DbConnection,
    actor: &Actor,
    message: &OutboxMessage,
) -> StoreResult<()> {
    diesel::insert_into(outbox::table)
        .values(message)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "outbox.enqueue",
        ("outbox", &message.id),
        None::<&()>,
        Some(message),
    )
}

/// Records a touch; a queued one with its outbox `message`, in the same transaction. A touch
/// already sent counts at once as the customer's latest touch.
pub fn insert_touch(
    connection: &mut DbConnection,
    actor: &Actor,
    touch: &Touch,
    message: Option<&OutboxMessage>,
) -> StoreResult<()> {
    if let Some(message) = message {
        enqueue(connection, actor, message)?;
    }
    diesel::insert_into(care_touches::table)
        .values(touch)
        .execute(connection)?;
    if let Some(sent_at) = touch.sent_at {
        note_touched(connection, &touch.customer_id, &touch.id, sent_at)?;
    }
    audit::record(
        connection,
        actor,
        "care_touch.record",
        ("care_touch", &touch.id),
        None::<&()>,
        Some(touch),
    )
}

/// Keeps `customer_last_touches` at the customer's latest sent touch.
fn note_touched(
    connection: &mut DbConnection,
    customer_id: &str,
    touch_id: &str,
    at: PrimitiveDateTime,
) -> StoreResult<()> {
    let sql = "INSERT INTO customer_last_touches (customer_id, touch_id, touched_at) \
               VALUES ($1, $2, $3) ON CONFLICT (customer_id) DO UPDATE \
               SET touch_id = excluded.touch_id, touched_at = excluded.touched_at \
               WHERE customer_last_touches.touched_at < excluded.touched_at";
    diesel::sql_query(for_backend(connection, sql))
        .into_boxed::<MultiBackend>()
        .bind::<Text, _>(customer_id.to_owned())
        .bind::<Text, _>(touch_id.to_owned())
        .bind::<Timestamp, _>(at)
        .execute(connection)?;
    Ok(())
}

fn for_backend(connection: &DbConnection, sql: &str) -> String {
    match connection {
        DbConnection::Postgres(_) => sql.to_owned(),
        DbConnection::Sqlite(_) => sql.replace('$', "?"),
    }
}

pub fn find_touch(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Touch>> {
    Ok(care_touches::table
        .find(id)
        .select(Touch::as_select())
        .first(connection)
        .optional()?)
}

/// One customer's touches, oldest first, after `after_id`.
pub fn touches_of(
    connection: &mut DbConnection,
    customer_id: &str,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Touch>> {
    let mut query = care_touches::table
        .filter(care_touches::customer_id.eq(customer_id.to_owned()))
        .order(care_touches::id.asc())
        .limit(limit + 1)
        .select(Touch::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(care_touches::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// A customer overdue for a touch: its latest sent touch (none when never touched) and when
/// it was created.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct UntouchedCustomer {
    pub id: String,
    pub full_name: String,
    pub owner_id: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub last_touched_at: Option<PrimitiveDateTime>,
}

/// Customers whose latest touch — or, never touched, whose creation — is before `before`, in
/// id order after `after_id`; `limit + 1` rows at most. One primary-key probe of
/// `customer_last_touches` per customer walked in id order.
pub fn untouched_since(
    connection: &mut DbConnection,
    before: PrimitiveDateTime,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<UntouchedCustomer>> {
    let touched_at = customer_last_touches::touched_at.nullable();
    let after = after_id.unwrap_or("").to_owned();
    // The cursor bound is repeated in the join condition so that both index scans of the merge
    // join start at the cursor; otherwise PostgreSQL reads every touch before it, per page.
    Ok(customers::table
        .left_join(
            customer_last_touches::table.on(customer_last_touches::customer_id
                .eq(customers::id)
                .and(customer_last_touches::customer_id.gt(after.clone()))),
        )
        .filter(customers::id.gt(after))
        .filter(
            touched_at
                .lt(before)
                .or(touched_at.is_null().and(customers::created_at.lt(before))),
        )
        .order(customers::id.asc())
        .limit(limit + 1)
        .select((
            customers::id,
            customers::full_name,
            customers::owner_id,
            customers::created_at,
            touched_at,
        ))
        .load(connection)?)
}

/// Claims up to `batch` pending messages due at `now`: each counts one more attempt and is
/// not due again before `lease_until`, so a dispatcher that dies mid-send leaves it to be
/// claimed again — never lost. Replicas share the work: PostgreSQL skips rows another has
/// locked; SQLite's write transaction already excludes other writers.
pub fn claim_due(
    connection: &mut DbConnection,
    now: PrimitiveDateTime,
    lease_until: PrimitiveDateTime,
    batch: i64,
) -> StoreResult<Vec<OutboxMessage>> {
    let lock = match connection {
        DbConnection::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        DbConnection::Sqlite(_) => "",
    };
    let sql = format!(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, updated_at = $2, \
         version = version + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
                      ORDER BY next_attempt_at LIMIT $3{lock}) \
         RETURNING id, channel, recipient, subject, body, status, attempts, last_error, \
                   next_attempt_at, sent_at, version, created_at, updated_at"
    );
    Ok(diesel::sql_query(for_backend(connection, &sql))
        .into_boxed::<MultiBackend>()
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(batch)
        .load(connection)?)
}

/// How many messages wait to be sent (the outbox backlog).
pub fn pending_count(connection: &mut DbConnection) -> StoreResult<i64> {
    Ok(outbox::table
        .filter(outbox::status.eq("pending"))
        .count()
        .get_result(connection)?)
}

pub fn find_message(connection: &mut DbConnection, id: &str) -> StoreResult<Option<OutboxMessage>> {
    Ok(outbox::table
        .find(id)
        .select(OutboxMessage::as_select())
        .first(connection)
        .optional()?)
}

/// Writes `after` over the claimed or listed `before` while its version holds (a message
/// another dispatcher claimed meanwhile is `StaleVersion`). A message that became `sent`
/// marks its touch sent and the customer touched.
pub fn save_message(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &OutboxMessage,
    after: &OutboxMessage,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, outbox, before, after)?;
    if let (Some(sent_at), false) = (after.sent_at, before.status == "sent") {
        let touches: Vec<Touch> = care_touches::table
            .filter(care_touches::outbox_id.eq(&after.id))
            .select(Touch::as_select())
            .load(connection)?;
        diesel::update(care_touches::table.filter(care_touches::outbox_id.eq(&after.id)))
            .set(care_touches::sent_at.eq(sent_at))
            .execute(connection)?;
        for touch in touches {
            note_touched(connection, &touch.customer_id, &touch.id, sent_at)?;
        }
    }
    audit::record(
        connection,
        actor,
        action,
        ("outbox", &before.id),
        Some(before),
        Some(after),
    )
}

/// Messages in id (creation) order after `after_id`, optionally of one status.
pub fn list_messages(
    connection: &mut DbConnection,
    status: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<OutboxMessage>> {
    let mut query = outbox::table
        .order(outbox::id.asc())
        .limit(limit + 1)
        .select(OutboxMessage::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(outbox::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// The message behind a touch, when it was queued.
pub fn message_of(
    connection: &mut DbConnection,
    touch: &Touch,
) -> StoreResult<Option<OutboxMessage>> {
    match &touch.outbox_id {
        Some(id) => find_message(connection, id)?
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("touch {} lost its outbox row", touch.id))),
        None => Ok(None),
    }
}
