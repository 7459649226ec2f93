//! TIER: quarterly metrics, referrals, quarter closes with their history, and overrides.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::audit::{self, Actor};
use crate::customers::{self, Customer};
use crate::db::{DbConnection, insert_rows};
use crate::schema::{
    customer_quarter_metrics, customer_referrals, customer_tiers, customers as customers_table,
    tier_overrides, tier_runs,
};
use crate::{StoreError, StoreResult};

/// Rows per INSERT: under both PostgreSQL's 65,535 and SQLite's 32,766 bind parameters.
const INSERT_CHUNK: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = customer_quarter_metrics)]
pub struct QuarterMetrics {
    pub customer_id: String,
    pub quarter: String,
    pub revenue_fen: i64,
    pub payments_fen: i64,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = customer_referrals)]
pub struct Referral {
    pub referred_id: String,
    pub referrer_id: String,
    pub referred_on: Date,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = tier_runs)]
pub struct TierRun {
    pub quarter: String,
    pub closed_at: PrimitiveDateTime,
    pub closed_by: String,
    pub customer_count: i64,
    pub tier_a_count: i64,
    pub tier_b_count: i64,
    pub tier_c_count: i64,
    /// Issue 18: the tier policy version the close judged by (absent for older closes).
    pub policy_version: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = customer_tiers)]
pub struct CustomerTier {
    pub customer_id: String,
    pub quarter: String,
    pub tier: String,
    /// JSON array of the reasons the evaluation gave.
    pub reasons: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = tier_overrides)]
pub struct TierOverride {
    pub id: String,
    pub customer_id: String,
    /// The closed quarter whose tier this overrides; `None` before any close.
    pub quarter: Option<String>,
    pub tier: String,
    pub reason: String,
    pub overridden_by: String,
    pub created_at: PrimitiveDateTime,
}

/// What a quarter close needs to know about one customer.
#[derive(Debug, Clone)]
pub struct TierInputs {
    pub customer_id: String,
    pub first_contract_on: Option<Date>,
    pub flags: String,
    pub revenue_fen: i64,
    pub payments_fen: i64,
    pub referrals: i64,
}

pub fn quarter_metrics(
    connection: &mut DbConnection,
    customer_id: &str,
    quarter: &str,
) -> StoreResult<Option<QuarterMetrics>> {
    Ok(customer_quarter_metrics::table
        .find((customer_id, quarter))
        .select(QuarterMetrics::as_select())
        .first(connection)
        .optional()?)
}

/// Creates or replaces one customer's metrics for one quarter; returns whether it created.
pub fn put_quarter_metrics(
    connection: &mut DbConnection,
    actor: &Actor,
    metrics: &QuarterMetrics,
) -> StoreResult<bool> {
    let key = (metrics.customer_id.as_str(), metrics.quarter.as_str());
    let before = quarter_metrics(connection, key.0, key.1)?;
    match &before {
        Some(_) => {
            diesel::update(customer_quarter_metrics::table.find(key))
                .set((
                    customer_quarter_metrics::revenue_fen.eq(metrics.revenue_fen),
                    customer_quarter_metrics::payments_fen.eq(metrics.payments_fen),
                    customer_quarter_metrics::updated_at.eq(metrics.updated_at),
                ))
                .execute(connection)?;
        }
        None => {
            diesel::insert_into(customer_quarter_metrics::table)
                .values(metrics)
                .execute(connection)?;
        }
    }
    audit::record(
        connection,
        actor,
        "customer.quarter_metrics.put",
        ("customer", &metrics.customer_id),
        before.as_ref(),
        Some(metrics),
    )?;
    Ok(before.is_none())
}

pub fn find_referral(
    connection: &mut DbConnection,
    referred_id: &str,
) -> StoreResult<Option<Referral>> {
    Ok(customer_referrals::table
        .find(referred_id)
        .select(Referral::as_select())
        .first(connection)
        .optional()?)
}

pub fn insert_referral(
    connection: &mut DbConnection,
    actor: &Actor,
    referral: &Referral,
) -> StoreResult<()> {
    diesel::insert_into(customer_referrals::table)
        .values(referral)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "customer.referral.create",
        ("customer", &referral.referrer_id),
        None::<&()>,
        Some(referral),
    )
}

/// Referrals made by `customer_id` up to and including `as_of` (cumulative, TIER metrics).
pub fn referral_count(
    connection: &mut DbConnection,
    customer_id: &str,
    as_of: Date,
) -> StoreResult<i64> {
    Ok(customer_referrals::table
        .filter(customer_referrals::referrer_id.eq(customer_id))
        .filter(customer_referrals::referred_on.le(as_of))
        .count()
        .get_result(connection)?)
}

pub fn find_run(connection: &mut DbConnection, quarter: &str) -> StoreResult<Option<TierRun>> {
    Ok(tier_runs::table
        .find(quarter)
        .select(TierRun::as_select())
        .first(connection)
        .optional()?)
}

/// id, first contract, flags, revenue and payments of the quarter (absent: none recorded).
type CloseRow = (String, Option<Date>, String, Option<i64>, Option<i64>);

/// One page (in id order, after `after_id`) of what a close of `quarter` evaluates: each
/// customer with its metrics and its referrals up to `quarter_last_day`, in two set-based reads.
/// Paging keeps a close of any size within a few megabytes.
pub fn close_inputs_page(
    connection: &mut DbConnection,
    quarter: &str,
    quarter_last_day: Date,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<TierInputs>> {
    let rows: Vec<CloseRow> = customers_table::table
        .left_join(
            customer_quarter_metrics::table.on(customer_quarter_metrics::customer_id
                .eq(customers_table::id)
                .and(customer_quarter_metrics::quarter.eq(quarter))),
        )
        .filter(customers_table::id.gt(after_id.unwrap_or_default()))
        .order(customers_table::id.asc())
        .limit(limit)
        .select((
            customers_table::id,
            customers_table::first_contract_on,
            customers_table::flags,
            customer_quarter_metrics::revenue_fen.nullable(),
            customer_quarter_metrics::payments_fen.nullable(),
        ))
        .load(connection)?;
    let ids: Vec<&str> = rows.iter().map(|row| row.0.as_str()).collect();
    let referrals: HashMap<String, i64> = customer_referrals::table
        .filter(customer_referrals::referrer_id.eq_any(&ids))
        .filter(customer_referrals::referred_on.le(quarter_last_day))
        .group_by(customer_referrals::referrer_id)
        .select((customer_referrals::referrer_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(connection)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(customer_id, first_contract_on, flags, revenue, payments)| TierInputs {
                referrals: referrals.get(&customer_id).copied().unwrap_or(0),
                customer_id,
                first_contract_on,
                flags,
                revenue_fen: revenue.unwrap_or(0),
                payments_fen: payments.unwrap_or(0),
            },
        )
        .collect())
}

/// Opens a quarter close: the run row the results hang from. A second open of the same
/// quarter is a `Conflict`.
pub fn open_close(connection: &mut DbConnection, run: &TierRun) -> StoreResult<()> {
    diesel::insert_into(tier_runs::table)
        .values(run)
        .execute(connection)?;
    Ok(())
}

/// Stores one page of a close's results.
pub fn save_results(connection: &mut DbConnection, results: &[CustomerTier]) -> StoreResult<()> {
    for chunk in results.chunks(INSERT_CHUNK) {
        insert_rows!(&mut *connection, customer_tiers::table, chunk)?;
    }
    Ok(())
}

/// Completes a close: its counts, and its results as every customer's current tier unless the
/// customer already holds a later quarter's tier. Overrides lapse (TIER-4).
pub fn finish_close(
    connection: &mut DbConnection,
    actor: &Actor,
    run: &TierRun,
) -> StoreResult<()> {
    diesel::update(tier_runs::table.find(&run.quarter))
        .set((
            tier_runs::customer_count.eq(run.customer_count),
            tier_runs::tier_a_count.eq(run.tier_a_count),
            tier_runs::tier_b_count.eq(run.tier_b_count),
            tier_runs::tier_c_count.eq(run.tier_c_count),
        ))
        .execute(connection)?;
    let closed_tier = customer_tiers::table
        .filter(customer_tiers::customer_id.eq(customers_table::id))
        .filter(customer_tiers::quarter.eq(&run.quarter))
        .select(customer_tiers::tier.nullable())
        .single_value();
    diesel::update(
        customers_table::table
            .filter(
                customers_table::current_tier_quarter
                    .is_null()
                    .or(customers_table::current_tier_quarter.le(&run.quarter)),
            )
            .filter(
                customers_table::id.eq_any(
                    customer_tiers::table
                        .filter(customer_tiers::quarter.eq(&run.quarter))
                        .select(customer_tiers::customer_id),
                ),
            ),
    )
    .set((
        customers_table::current_tier.eq(closed_tier),
        customers_table::current_tier_quarter.eq(Some(&run.quarter)),
        customers_table::tier_overridden.eq(false),
    ))
    .execute(connection)?;
    audit::record(
        connection,
        actor,
        "tier_run.close",
        ("tier_run", &run.quarter),
        None::<&()>,
        Some(run),
    )
}

pub fn history_entry(
    connection: &mut DbConnection,
    customer_id: &str,
    quarter: &str,
) -> StoreResult<Option<CustomerTier>> {
    Ok(customer_tiers::table
        .find((customer_id, quarter))
        .select(CustomerTier::as_select())
        .first(connection)
        .optional()?)
}

/// The latest override made while `quarter` was the customer's current closed quarter.
pub fn latest_override(
    connection: &mut DbConnection,
    customer_id: &str,
    quarter: Option<&str>,
) -> StoreResult<Option<TierOverride>> {
    let query = tier_overrides::table
        .filter(tier_overrides::customer_id.eq(customer_id))
        .order(tier_overrides::id.desc())
        .select(TierOverride::as_select());
    Ok(match quarter {
        Some(q) => query
            .filter(tier_overrides::quarter.eq(q))
            .first(connection),
        None => query
            .filter(tier_overrides::quarter.is_null())
            .first(connection),
    }
    .optional()?)
}

/// TIER-4: a manager's override of the customer's current tier, kept until the next close.
pub fn apply_override(
    connection: &mut DbConnection,
    actor: &Actor,
    tier_override: &TierOverride,
) -> StoreResult<Customer> {
    let before = customers::find(connection, &tier_override.customer_id)?;
    if before.current_tier_quarter != tier_override.quarter {
        return Err(StoreError::StaleVersion);
    }
    diesel::insert_into(tier_overrides::table)
        .values(tier_override)
        .execute(connection)?;
    diesel::update(customers_table::table.find(&tier_override.customer_id))
        .set((
            customers_table::current_tier.eq(Some(&tier_override.tier)),
            customers_table::tier_overridden.eq(true),
            customers_table::updated_at.eq(actor.at.stored()),
        ))
        .execute(connection)?;
    let after = customers::find(connection, &tier_override.customer_id)?;
    audit::record(
        connection,
        actor,
        "customer.tier_override",
        ("customer", &tier_override.customer_id),
        Some(&before),
        Some(tier_override),
    )?;
    Ok(after)
}
