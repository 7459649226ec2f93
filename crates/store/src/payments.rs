//! SET-4: payments received from partners and the follow-up of late periods; SET-6: the
//! franchisees' settled months.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date as SqlDate, Text};
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::audit::{self, Actor};
use crate::db::{DbConnection, save_versioned};
use crate::schema::{franchise_settlements, partner_payments, settlement_follow_ups};
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = partner_payments)]
pub struct Payment {
    pub id: String,
    pub partner_id: String,
    /// The due date of the period paid.
    pub due_on: Date,
    pub amount_fen: i64,
    pub received_on: Date,
    pub reference: String,
    pub created_at: PrimitiveDateTime,
}

pub fn insert_payment(
    connection: &mut DbConnection,
    actor: &Actor,
    payment: &Payment,
) -> StoreResult<()> {
    diesel::insert_into(partner_payments::table)
        .values(payment)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "partner_payment.record",
        ("partner", &payment.partner_id),
        None::<&()>,
        Some(payment),
    )
}

/// An amount per partner and date.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct DailySum {
    #[diesel(sql_type = Text)]
    pub partner_id: String,
    #[diesel(sql_type = SqlDate)]
    pub day: Date,
    #[diesel(sql_type = BigInt)]
    pub amount_fen: i64,
}

/// Our expected amounts per partner and business day up to `through`, summed in the database.
pub fn expected_by_day(connection: &mut DbConnection, through: Date) -> StoreResult<Vec<DailySum>> {
    let sql = "SELECT partner_id, occurred_on AS day, CAST(SUM(amount_fen) AS BIGINT) AS amount_fen
               FROM partner_orders WHERE occurred_on <= $1
               GROUP BY partner_id, occurred_on ORDER BY partner_id, occurred_on";
    load_daily(connection, sql, through)
}

/// Payments per partner and period due date, for periods due up to `through`.
pub fn paid_by_due_date(
    connection: &mut DbConnection,
    through: Date,
) -> StoreResult<Vec<DailySum>> {
    let sql = "SELECT partner_id, due_on AS day, CAST(SUM(amount_fen) AS BIGINT) AS amount_fen
               FROM partner_payments WHERE due_on <= $1
               GROUP BY partner_id, due_on ORDER BY partner_id, due_on";
    load_daily(connection, sql, through)
}

fn load_daily(
    connection: &mut DbConnection,
    sql: &str,
    through: Date,
) -> StoreResult<Vec<DailySum>> {
    let sql = match connection {
        DbConnection::Postgres(_) => sql.to_owned(),
        DbConnection::Sqlite(_) => sql.replace('$', "?"),
    };
    Ok(diesel::sql_query(sql)
        .into_boxed::<crate::db::MultiBackend>()
        .bind::<SqlDate, _>(through)
        .load(connection)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = settlement_follow_ups, treat_none_as_null = true)]
pub struct FollowUp {
    pub partner_id: String,
    pub due_on: Date,
    pub finance_notified_at: Option<PrimitiveDateTime>,
    pub marketing_contact: Option<String>,
    pub partner_reason: Option<String>,
    pub decision: Option<String>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn follow_ups(connection: &mut DbConnection) -> StoreResult<Vec<FollowUp>> {
    Ok(settlement_follow_ups::table
        .select(FollowUp::as_select())
        .load(connection)?)
}

pub fn find_follow_up(
    connection: &mut DbConnection,
    partner_id: &str,
    due_on: Date,
) -> StoreResult<Option<FollowUp>> {
    Ok(settlement_follow_ups::table
        .find((partner_id, due_on))
        .select(FollowUp::as_select())
        .first(connection)
        .optional()?)
}

/// Creates the follow-up (`before` is `None`) or writes its next version over `before`.
pub fn save_follow_up(
    connection: &mut DbConnection,
    actor: &Actor,
    before: Option<&FollowUp>,
    after: &FollowUp,
) -> StoreResult<()> {
    save_versioned!(
        &mut *connection,
        settlement_follow_ups,
        before,
        after,
        |row| (&row.partner_id, row.due_on)
    )?;
    audit::record(
        connection,
        actor,
        "settlement.follow_up",
        ("partner", &after.partner_id),
        before,
        Some(after),
    )
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = franchise_settlements)]
pub struct FranchiseSettlement {
    pub id: String,
    pub partner_id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub operating_profit_fen: i64,
    pub company_share_fen: i64,
    pub franchisee_share_fen: i64,
    pub company_part: i32,
    pub franchisee_part: i32,
    /// `fixed_region` or `contract`.
    pub basis: String,
    pub created_by: String,
    pub created_at: PrimitiveDateTime,
}

/// Stores a settled month; a month already settled for the franchisee is a `Conflict`.
pub fn insert_franchise_settlement(
    connection: &mut DbConnection,
    actor: &Actor,
    settlement: &FranchiseSettlement,
) -> StoreResult<()> {
    let settled: i64 = franchise_settlements::table
        .filter(franchise_settlements::partner_id.eq(&settlement.partner_id))
        .filter(franchise_settlements::month.eq(&settlement.month))
        .count()
        .get_result(connection)?;
    if settled > 0 {
        return Err(StoreError::Conflict(format!(
            "{} is already settled for this franchisee",
            settlement.month
        )));
    }
    diesel::insert_into(franchise_settlements::table)
        .values(settlement)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "franchise_settlement.settle",
        ("partner", &settlement.partner_id),
        None::<&()>,
        Some(settlement),
    )
}

/// Settled months, newest first, of one franchisee or of all.
pub fn franchise_settlements_of(
    connection: &mut DbConnection,
    partner_id: Option<&str>,
) -> StoreResult<Vec<FranchiseSettlement>> {
    let mut query = franchise_settlements::table
        .order((
            franchise_settlements::month.desc(),
            franchise_settlements::partner_id.asc(),
        ))
        .select(FranchiseSettlement::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(partner) = partner_id {
        query = query.filter(franchise_settlements::partner_id.eq(partner.to_owned()));
    }
    Ok(query.load(connection)?)
}
