//! SET-7: run-time settings, point balances with their entries, and redemptions.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::audit::{self, Actor};
use crate::db::{DbConnection, save_versioned, update_versioned};
use crate::schema::{point_balances, point_entries, point_redemptions, settings};
use crate::{StoreResult, new_id};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = settings)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub version: i64,
    pub updated_at: PrimitiveDateTime,
}

pub fn find_setting(connection: &mut DbConnection, key: &str) -> StoreResult<Option<Setting>> {
    Ok(settings::table
        .find(key)
        .select(Setting::as_select())
        .first(connection)
        .optional()?)
}

/// Creates the setting (`before` is `None`) or writes its next version over `before`.
pub fn save_setting(
    connection: &mut DbConnection,
    actor: &Actor,
    before: Option<&Setting>,
    after: &Setting,
) -> StoreResult<()> {
    save_versioned!(&mut *connection, settings, before, after, |row| &row.key)?;
    audit::record(
        connection,
        actor,
        "setting.change",
        ("setting", &after.key),
        before,
        Some(after),
    )
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = point_entries)]
pub struct PointEntry {
    pub id: String,
    pub customer_id: String,
    /// `earned`, `redeemed` or `returned`.
    pub kind: String,
    /// The app order, or the redemption, the entry belongs to.
    pub reference: String,
    /// Signed: positive when earned or returned, negative when redeemed.
    pub points: i64,
    pub created_at: PrimitiveDateTime,
}

/// Applies a change of points exactly once: the entry's (kind, reference) is unique (a repeat
/// is a `Conflict`, and the caller's transaction then undoes the balance change), and a
/// balance never goes below zero (`Ok(None)`, nothing changed, when it does not cover a
/// deduction). Returns the new balance.
pub fn apply_points(
    connection: &mut DbConnection,
    actor: &Actor,
    customer_id: &str,
    kind: &str,
    reference: &str,
    points: i64,
) -> StoreResult<Option<i64>> {
    let now = actor.at.stored();
    let entry = PointEntry {
        id: new_id(),
        customer_id: customer_id.to_owned(),
        kind: kind.to_owned(),
        reference: reference.to_owned(),
        points,
        created_at: now,
    };
    let exists: i64 = point_balances::table
        .filter(point_balances::customer_id.eq(customer_id))
        .count()
        .get_result(connection)?;
    if exists == 0 {
        diesel::insert_into(point_balances::table)
            .values((
                point_balances::customer_id.eq(customer_id),
                point_balances::balance.eq(0i64),
                point_balances::updated_at.eq(now),
            ))
            .execute(connection)?;
    }
    // One conditional statement: concurrent deductions cannot both pass the check.
    let changed = diesel::update(
        point_balances::table
            .filter(point_balances::customer_id.eq(customer_id))
            .filter((point_balances::balance + points).ge(0i64)),
    )
    .set((
        point_balances::balance.eq(point_balances::balance + points),
        point_balances::updated_at.eq(now),
    ))
    .execute(connection)?;
    if changed == 0 {
        return Ok(None);
    }
    diesel::insert_into(point_entries::table)
        .values(&entry)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        &format!("points.{kind}"),
        ("customer", customer_id),
        None::<&()>,
        Some(&entry),
    )?;
    Ok(Some(balance_of(connection, customer_id)?))
}

pub fn balance_of(connection: &mut DbConnection, customer_id: &str) -> StoreResult<i64> {
    Ok(point_balances::table
        .find(customer_id)
        .select(point_balances::balance)
        .first(connection)
        .optional()?
        .unwrap_or(0))
}

/// The customer's entries, newest first.
pub fn entries_of(
    connection: &mut DbConnection,
    customer_id: &str,
) -> StoreResult<Vec<PointEntry>> {
    Ok(point_entries::table
        .filter(point_entries::customer_id.eq(customer_id))
        .order(point_entries::id.desc())
        .select(PointEntry::as_select())
        .load(connection)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = point_redemptions, treat_none_as_null = true)]
pub struct Redemption {
    pub id: String,
    pub customer_id: String,
    pub points: i64,
    pub alipay_account: String,
    pub status: String,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    pub transfer_reference: Option<String>,
    pub transferred_fen: Option<i64>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_redemption(
    connection: &mut DbConnection,
    actor: &Actor,
    redemption: &Redemption,
) -> StoreResult<()> {
    diesel::insert_into(point_redemptions::table)
        .values(redemption)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "point_redemption.request",
        ("point_redemption", &redemption.id),
        None::<&()>,
        Some(redemption),
    )
}

pub fn find_redemption(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Redemption>> {
    Ok(point_redemptions::table
        .find(id)
        .select(Redemption::as_select())
        .first(connection)
        .optional()?)
}

pub fn update_redemption(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &Redemption,
    after: &Redemption,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, point_redemptions, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("point_redemption", &before.id),
        Some(before),
        Some(after),
    )
}
