//! ACC-1: every change of state is recorded (who, when, what, before and after) in the same
//! transaction as the change itself.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::clock::Moment;
use crate::db::{DbConnection, bulk_insert};
use crate::schema::audit_log;
use crate::{StoreResult, new_id};

/// Who is acting and when, carried into every write so the audit row can name them: `at` is the
/// app clock's reading when the request was admitted, the one "now" of everything it changes.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user id, the partner client id, or `system`.
    pub subject: String,
    pub request_id: Option<String>,
    pub at: Moment,
}

impl Actor {
    /// The server itself (sweeps, the outbox dispatcher), acting at `at`.
    pub fn system(at: Moment) -> Self {
        Actor {
            subject: "system".into(),
            request_id: None,
            at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct AuditRecord {
    pub id: String,
    pub occurred_at: PrimitiveDateTime,
    pub actor: String,
    pub request_id: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
}

/// ACC-1: the audit row of one change of `entity` — who, when, what, before and after — not
/// yet written; see [`record`] and [`record_all`].
pub fn entry<B: Serialize, A: Serialize>(
    actor: &Actor,
    action: &str,
    entity: (&str, &str),
    before: Option<&B>,
    after: Option<&A>,
) -> AuditRecord {
    AuditRecord {
        id: new_id(),
        occurred_at: actor.at.stored(),
        actor: actor.subject.clone(),
        request_id: actor.request_id.clone(),
        action: action.to_owned(),
        entity_type: entity.0.to_owned(),
        entity_id: entity.1.to_owned(),
        before_state: before.and_then(|b| serde_json::to_string(b).ok()),
        after_state: after.and_then(|a| serde_json::to_string(a).ok()),
    }
}

/// Writes many audit rows in a few statements, for changes made in bulk.
pub fn record_all(connection: &mut DbConnection, rows: &[AuditRecord]) -> StoreResult<()> {
    // 9 columns: 3,000 rows stay under the SQLite limit of 32,766 bind parameters.
    Ok(bulk_insert!(connection, audit_log::table, rows, 3_000)?)
}

/// Writes one audit row; `before`/`after` are the JSON snapshots of the entity.
pub fn record<B: Serialize, A: Serialize>(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    entity: (&str, &str),
    before: Option<&B>,
    after: Option<&A>,
) -> StoreResult<()> {
    let row = entry(actor, action, entity, before, after);
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(connection)?;
    Ok(())
}

/// The trail of one entity, oldest first: up to `limit + 1` rows after `after_id` (ids are
/// time-ordered UUIDv7, so the id is the sort key and the cursor).
pub fn for_entity(
    connection: &mut DbConnection,
    entity_type: &str,
    entity_id: &str,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<AuditRecord>> {
    let mut query = audit_log::table
        .filter(audit_log::entity_type.eq(entity_type.to_owned()))
        .filter(audit_log::entity_id.eq(entity_id.to_owned()))
        .order(audit_log::id.asc())
        .limit(limit + 1)
        .select(AuditRecord::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(audit_log::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}
