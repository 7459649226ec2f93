//! EMP-6: promotions decided on the shared approval chain.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, update_versioned};
use crate::schema::promotions;

/// EMP-6: a proposed promotion: the terms before and after, and the day they change.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = promotions)]
pub struct Promotion {
    pub id: String,
    pub employee_id: String,
    /// The rank and base salary in force when it was proposed.
    pub from_rank: String,
    pub to_rank: String,
    pub from_base_salary_fen: i64,
    pub to_base_salary_fen: i64,
    pub effective_on: Date,
    pub reason: String,
    /// The staff account that proposed it.
    pub proposed_by: String,
    /// `pending`, `approved`, `rejected` or `withdrawn`; an approved promotion is final, so its
    /// `updated_at` is the approval.
    pub status: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_promotion(
    connection: &mut DbConnection,
    actor: &Actor,
    promotion: &Promotion,
) -> StoreResult<()> {
    diesel::insert_into(promotions::table)
        .values(promotion)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "promotion.propose",
        ("promotion", &promotion.id),
        None::<&()>,
        Some(promotion),
    )
}

pub fn find_promotion(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Promotion>> {
    Ok(promotions::table
        .find(id)
        .select(Promotion::as_select())
        .first(connection)
        .optional()?)
}

pub fn update_promotion(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &Promotion,
    after: &Promotion,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, promotions, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("promotion", &before.id),
        Some(before),
        Some(after),
    )
}

/// The promotions of the given employees with one of `statuses`, in the order they were
/// decided (`updated_at`, then id).
pub fn promotions_of(
    connection: &mut DbConnection,
    employee_ids: &[String],
    statuses: &[&str],
) -> StoreResult<Vec<Promotion>> {
    Ok(promotions::table
        .filter(promotions::employee_id.eq_any(employee_ids))
        .filter(promotions::status.eq_any(statuses.to_vec()))
        .order((promotions::updated_at.asc(), promotions::id.asc()))
        .select(Promotion::as_select())
        .load(connection)?)
}

/// Promotions, newest first, of the given employees (everyone when `None`), after
/// `before_id`; one more than `limit` tells the caller another page exists.
pub fn list_promotions(
    connection: &mut DbConnection,
    employee_ids: Option<&[String]>,
    status: Option<&str>,
    before_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Promotion>> {
    let mut query = promotions::table
        .order(promotions::id.desc())
        .limit(limit + 1)
        .select(Promotion::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(ids) = employee_ids {
        query = query.filter(promotions::employee_id.eq_any(ids.to_vec()));
    }
    if let Some(status) = status {
        query = query.filter(promotions::status.eq(status.to_owned()));
    }
    if let Some(before) = before_id {
        query = query.filter(promotions::id.lt(before.to_owned()));
    }
    Ok(query.load(connection)?)
}
