//! Customers: the AR-1 archive, area type, owner, and the tier they currently hold.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend};
use crate::schema::customers;
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = customers)]
pub struct Customer {
    pub id: String,
    pub full_name: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub bank_account: String,
    pub bank_name: String,
    pub legal_representative: String,
    pub area_type: String,
    pub owner_id: Option<String>,
    pub first_contract_on: Option<Date>,
    /// Space-separated TIER flag names.
    pub flags: String,
    pub current_tier: Option<String>,
    pub current_tier_quarter: Option<String>,
    pub tier_overridden: bool,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// SLA-8: the service area the customer lives in.
    pub service_area_id: Option<String>,
}

/// The fields a client may change; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = customers)]
pub struct CustomerChangeset {
    pub full_name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub legal_representative: Option<String>,
    pub area_type: Option<String>,
    pub owner_id: Option<Option<String>>,
    pub first_contract_on: Option<Option<Date>>,
    pub flags: Option<String>,
    pub service_area_id: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub tier: Option<String>,
    pub owner_id: Option<String>,
    pub area_type: Option<String>,
    /// Return customers whose id sorts after this one (the decoded cursor).
    pub after_id: Option<String>,
    pub limit: i64,
}

pub fn insert(
    connection: &mut DbConnection,
    actor: &Actor,
    customer: &Customer,
) -> StoreResult<()> {
    diesel::insert_into(customers::table)
        .values(customer)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "customer.create",
        ("customer", &customer.id),
        None::<&()>,
        Some(customer),
    )
}

pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<Customer> {
    Ok(customers::table
        .find(id)
        .select(Customer::as_select())
        .first(connection)?)
}

pub fn exists(connection: &mut DbConnection, id: &str) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(customers::table.find(id))).get_result(connection)?)
}

/// Applies `changes` when the stored version is still `expected_version`.
pub fn update(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    changes: &CustomerChangeset,
) -> StoreResult<Customer> {
    let before = find(connection, id)?;
    if before.version != expected_version {
        return Err(StoreError::StaleVersion);
    }
    let updated = diesel::update(
        customers::table
            .find(id)
            .filter(customers::version.eq(expected_version)),
    )
    .set((
        changes,
        customers::version.eq(expected_version + 1),
        customers::updated_at.eq(actor.at.stored()),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::StaleVersion);
    }
    let after = find(connection, id)?;
    audit::record(
        connection,
        actor,
        "customer.update",
        ("customer", id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// One page in id order (ids are UUIDv7, so this is creation order); asks for one row more
/// than `limit` so the caller knows whether another page exists.
pub fn list(connection: &mut DbConnection, filter: &CustomerFilter) -> StoreResult<Vec<Customer>> {
    let mut query = customers::table
        .select(Customer::as_select())
        .order(customers::id.asc())
        .limit(filter.limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(tier) = &filter.tier {
        query = query.filter(customers::current_tier.eq(tier.clone()));
    }
    if let Some(owner) = &filter.owner_id {
        query = query.filter(customers::owner_id.eq(owner.clone()));
    }
    if let Some(area) = &filter.area_type {
        query = query.filter(customers::area_type.eq(area.clone()));
    }
    if let Some(after) = &filter.after_id {
        query = query.filter(customers::id.gt(after.clone()));
    }
    Ok(query.load(connection)?)
}
