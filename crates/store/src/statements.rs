//! SET-5: our expected records per partner, partner statements with their revisions, the
//! set-based reconciliation of a statement against our records, and disputed-line comments;
//! and the stored first responses of idempotency keys.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date as SqlDate, Nullable, Text};
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::audit::{self, Actor};
use crate::db::{DbConnection, insert_rows};
use crate::schema::{
    idempotency_keys, partner_orders, partner_statement_comments, partner_statement_lines,
    partner_statements,
};
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = partner_orders)]
pub struct PartnerOrder {
    pub id: String,
    pub partner_id: String,
    pub reference: String,
    pub amount_fen: i64,
    pub occurred_on: Date,
    pub created_at: PrimitiveDateTime,
}

/// Records our expected amounts; a reference already recorded for the partner is a
/// `Conflict` and nothing is stored. One audit row for the whole batch.
pub fn insert_orders(
    connection: &mut DbConnection,
    actor: &Actor,
    batch_id: &str,
    orders: &[PartnerOrder],
) -> StoreResult<()> {
    // 6 columns: 5,000 rows stay under SQLite's 32,766 bind parameters.
    for chunk in orders.chunks(5_000) {
        insert_rows!(&mut *connection, partner_orders::table, chunk)?;
    }
    let total: i64 = orders.iter().map(|o| o.amount_fen).sum();
    audit::record(
        connection,
        actor,
        "partner_order.record",
        ("partner_order_batch", batch_id),
        None::<&()>,
        Some(&serde_json::json!({"orders": orders.len(), "total_fen": total})),
    )
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = partner_statements)]
pub struct Statement {
    pub id: String,
    pub partner_id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub revision: i32,
    pub line_count: i32,
    pub total_fen: i64,
    pub superseded_by: Option<String>,
    pub submitted_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = partner_statement_lines)]
pub struct StatementLine {
    pub statement_id: String,
    pub line_no: i32,
    pub reference: String,
    pub amount_fen: i64,
    pub occurred_on: Date,
}

/// The month's current statement of a partner, if any.
pub fn current_statement(
    connection: &mut DbConnection,
    partner_id: &str,
    month: &str,
) -> StoreResult<Option<Statement>> {
    Ok(partner_statements::table
        .filter(partner_statements::partner_id.eq(partner_id))
        .filter(partner_statements::month.eq(month))
        .filter(partner_statements::superseded_by.is_null())
        .select(Statement::as_select())
        .first(connection)
        .optional()?)
}

/// Stores a statement and its lines; the month's previous revision, if any, is marked
/// superseded by it (never edited otherwise).
pub fn insert_statement(
    connection: &mut DbConnection,
    actor: &Actor,
    statement: &Statement,
    lines: &[StatementLine],
    superseding: Option<&Statement>,
) -> StoreResult<()> {
    diesel::insert_into(partner_statements::table)
        .values(statement)
        .execute(connection)?;
    // 5 columns: 6,000 rows stay under SQLite's 32,766 bind parameters.
    for chunk in lines.chunks(6_000) {
        insert_rows!(&mut *connection, partner_statement_lines::table, chunk)?;
    }
    if let Some(previous) = superseding {
        let changed = diesel::update(
            partner_statements::table
                .find(&previous.id)
                .filter(partner_statements::superseded_by.is_null()),
        )
        .set(partner_statements::superseded_by.eq(&statement.id))
        .execute(connection)?;
        if changed == 0 {
            return Err(StoreError::Conflict(
                "another revision of this month's statement was submitted at the same time".into(),
            ));
        }
    }
    audit::record(
        connection,
        actor,
        "partner_statement.submit",
        ("partner_statement", &statement.id),
        superseding,
        Some(statement),
    )
}

pub fn find_statement(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Statement>> {
    Ok(partner_statements::table
        .find(id)
        .select(Statement::as_select())
        .first(connection)
        .optional()?)
}

/// One reconciled line: their amount, ours, and the verdict.
#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize)]
pub struct ReconciledLine {
    #[diesel(sql_type = Text)]
    pub reference: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub theirs_fen: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub ours_fen: Option<i64>,
    /// `matched`, `amount_mismatch`, `missing_in_ours` or `missing_in_theirs`.
    #[diesel(sql_type = Text)]
    pub status: String,
}

/// Lines and amounts per verdict.
#[derive(Debug, Clone, PartialEq, QueryableByName, Serialize)]
pub struct ReconciliationTotal {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub lines: i64,
    #[diesel(sql_type = BigInt)]
    pub theirs_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub ours_fen: i64,
}

/// SET-5 in one pass: every line of the statement joined to our record of its reference, and
/// every record of ours in the statement's month that the statement lacks. Parameters: 1 the
/// statement, 2 the partner, 3 and 4 the month's first and last day.
const RECONCILED: &str = "
    SELECT l.reference AS reference, l.amount_fen AS theirs_fen, o.amount_fen AS ours_fen,
           CASE WHEN o.id IS NULL THEN 'missing_in_ours'
                WHEN o.amount_fen = l.amount_fen THEN 'matched'
                ELSE 'amount_mismatch' END AS status
    FROM partner_statement_lines l
    LEFT JOIN partner_orders o ON o.partner_id = $2 AND o.reference = l.reference
    WHERE l.statement_id = $1
    UNION ALL
    SELECT o.reference, NULL, o.amount_fen, 'missing_in_theirs'
    FROM partner_orders o
    WHERE o.partner_id = $2 AND o.occurred_on >= $3 AND o.occurred_on <= $4
      AND NOT EXISTS (SELECT 1 FROM partner_statement_lines l
                      WHERE l.statement_id = $1 AND l.reference = o.reference)";

/// `$n` placeholders as the backend writes them (`?n` on SQLite).
fn for_backend(connection: &DbConnection, sql: &str) -> String {
    match connection {
        DbConnection::Postgres(_) => sql.to_owned(),
        DbConnection::Sqlite(_) => sql.replace('$', "?"),
    }
}

/// The reconciled lines in reference order after `after_reference`, optionally of one
/// verdict; `limit` of them at most (`None`: all, for an export).
pub fn reconciliation(
    connection: &mut DbConnection,
    statement: &Statement,
    month: (Date, Date),
    status: Option<&str>,
    after_reference: Option<&str>,
    limit: Option<i64>,
) -> StoreResult<Vec<ReconciledLine>> {
    let mut sql = format!(
        "SELECT reference, theirs_fen, ours_fen, status FROM ({RECONCILED}) r WHERE reference > $5"
    );
    if status.is_some() {
        sql.push_str(" AND status = $6");
    }
    sql.push_str(" ORDER BY reference");
    if let Some(limit) = limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    let query = diesel::sql_query(for_backend(connection, &sql))
        .into_boxed::<crate::db::MultiBackend>()
        .bind::<Text, _>(statement.id.clone())
        .bind::<Text, _>(statement.partner_id.clone())
        .bind::<SqlDate, _>(month.0)
        .bind::<SqlDate, _>(month.1)
        .bind::<Text, _>(after_reference.unwrap_or("").to_owned());
    let query = match status {
        Some(status) => query.bind::<Text, _>(status.to_owned()),
        None => query,
    };
    Ok(query.load(connection)?)
}

/// The reconciliation's totals per verdict.
pub fn reconciliation_totals(
    connection: &mut DbConnection,
    statement: &Statement,
    month: (Date, Date),
) -> StoreResult<Vec<ReconciliationTotal>> {
    let sql = format!(
        "SELECT status, COUNT(*) AS lines,
                CAST(COALESCE(SUM(theirs_fen), 0) AS BIGINT) AS theirs_fen,
                CAST(COALESCE(SUM(ours_fen), 0) AS BIGINT) AS ours_fen
         FROM ({RECONCILED}) r GROUP BY status ORDER BY status"
    );
    Ok(diesel::sql_query(for_backend(connection, &sql))
        .into_boxed::<crate::db::MultiBackend>()
        .bind::<Text, _>(statement.id.clone())
        .bind::<Text, _>(statement.partner_id.clone())
        .bind::<SqlDate, _>(month.0)
        .bind::<SqlDate, _>(month.1)
        .load(connection)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = partner_statement_comments)]
pub struct LineComment {
    pub id: String,
    pub statement_id: String,
    pub reference: String,
    /// `staff` or `partner`.
    pub author_kind: String,
    pub author: String,
    pub body: String,
    pub created_at: PrimitiveDateTime,
}

pub fn insert_comment(
    connection: &mut DbConnection,
    actor: &Actor,
    comment: &LineComment,
) -> StoreResult<()> {
    diesel::insert_into(partner_statement_comments::table)
        .values(comment)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "partner_statement.comment",
        ("partner_statement", &comment.statement_id),
        None::<&()>,
        Some(comment),
    )
}

/// The thread of one line, oldest first.
pub fn comments_on(
    connection: &mut DbConnection,
    statement_id: &str,
    reference: &str,
) -> StoreResult<Vec<LineComment>> {
    Ok(partner_statement_comments::table
        .filter(partner_statement_comments::statement_id.eq(statement_id))
        .filter(partner_statement_comments::reference.eq(reference))
        .order(partner_statement_comments::id.asc())
        .select(LineComment::as_select())
        .load(connection)?)
}

/// Whether the statement has a line with this reference.
pub fn has_line(
    connection: &mut DbConnection,
    statement_id: &str,
    reference: &str,
) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        partner_statement_lines::table
            .filter(partner_statement_lines::statement_id.eq(statement_id))
            .filter(partner_statement_lines::reference.eq(reference)),
    ))
    .get_result(connection)?)
}

/// Whether we hold a record with this reference for the partner.
pub fn has_order(
    connection: &mut DbConnection,
    partner_id: &str,
    reference: &str,
) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        partner_orders::table
            .filter(partner_orders::partner_id.eq(partner_id))
            .filter(partner_orders::reference.eq(reference)),
    ))
    .get_result(connection)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredResponse {
    pub scope: String,
    pub idempotency_key: String,
    /// SHA-256 of the request body, hex.
    pub request_hash: String,
    pub status_code: i32,
    pub response_body: String,
    pub created_at: PrimitiveDateTime,
}

pub fn find_stored_response(
    connection: &mut DbConnection,
    scope: &str,
    key: &str,
) -> StoreResult<Option<StoredResponse>> {
    Ok(idempotency_keys::table
        .find((scope, key))
        .select(StoredResponse::as_select())
        .first(connection)
        .optional()?)
}

/// Keeps the first response to a key; a concurrent first use of the same key is a `Conflict`.
pub fn store_response(connection: &mut DbConnection, response: &StoredResponse) -> StoreResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(response)
        .execute(connection)?;
    Ok(())
}
