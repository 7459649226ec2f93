//! TIER: a customer's standing for a quarter, closing a quarter, overriding a tier.

use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;
use zhidu_domain::money::Money;
use zhidu_domain::policy::InForce;
use zhidu_domain::quarter::Quarter;
use zhidu_domain::tier::{
    OverrideShown, Tier, TierCriterion, TierMetrics, TierPolicy, TierReason, current_tier_quarter,
    evaluate_tier, may_close_quarter, override_shown, owner_gap, quote_floor, tenure_years,
    tier_a_minimum_price, tier_in_force,
};
use zhidu_domain::vip::VipPolicy;
use zhidu_store::audit::Actor;
use zhidu_store::clock::Moment;
use zhidu_store::customers::Customer;
use zhidu_store::db::DbConnection;
use zhidu_store::new_id;
use zhidu_store::tiers::{self, CustomerTier, TierOverride};
use zhidu_store::{StoreError, StoreResult, read_stored};

use crate::customers::{find_customer, flags_from_text};
use crate::error::{ServiceError, ServiceResult};
use crate::policies::PolicyBook;

pub use zhidu_store::tiers::TierRun;

/// One matched clause of an evaluation as a closed quarter keeps it, with the tier policy
/// version that decided it (absent for quarters closed before policies had versions).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeptReason {
    pub rule: String,
    pub tier: Tier,
    pub criterion: TierCriterion,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_version: Option<i64>,
}

impl KeptReason {
    /// `reason` as decided under tier policy version `policy_version`.
    pub fn decided(reason: &TierReason, policy_version: i64) -> Self {
        KeptReason {
            rule: reason.rule.to_owned(),
            tier: reason.tier,
            criterion: reason.criterion,
            detail: reason.detail.clone(),
            policy_version: Some(policy_version),
        }
    }
}

/// A manager's override of a customer's tier (TIER-4).
#[derive(Debug, Clone)]
pub struct KeptOverride {
    pub tier: Tier,
    pub reason: String,
    pub overridden_by: String,
    pub created_at: PrimitiveDateTime,
}

/// A customer's tier for one quarter, with why.
#[derive(Debug, Clone)]
pub struct TierStanding {
    pub customer_id: String,
    pub quarter: Quarter,
    /// The quarter was closed and this is its kept result; otherwise a live evaluation.
    pub closed: bool,
    /// The override when there is one, else the evaluated tier.
    pub tier: Tier,
    pub evaluated_tier: Tier,
    pub tier_override: Option<KeptOverride>,
    pub reasons: Vec<KeptReason>,
    /// TIER-5: a tier-A customer must have an account owner.
    pub owner_gap: bool,
}

fn kept_override(row: TierOverride) -> ServiceResult<KeptOverride> {
    Ok(KeptOverride {
        tier: read_stored(&row.tier)?,
        reason: row.reason,
        overridden_by: row.overridden_by,
        created_at: row.created_at,
    })
}

/// The metrics of one customer for a quarter, as the rules read them.
fn metrics_of(
    first_contract_on: Option<time::Date>,
    flags: &str,
    revenue_fen: i64,
    payments_fen: i64,
    referrals: i64,
    quarter: Quarter,
) -> StoreResult<TierMetrics> {
    Ok(TierMetrics {
        quarterly_revenue: Money::from_fen(revenue_fen),
        quarterly_payments: Money::from_fen(payments_fen),
        referrals: u32::try_from(referrals).unwrap_or(u32::MAX),
        tenure_years: first_contract_on.map_or(0, |first| tenure_years(first, quarter.last_day())),
        flags: flags_from_text(flags)?,
    })
}

/// Customers evaluated per page of a quarter close.
const CLOSE_PAGE: i64 = 1_000;

/// Evaluates every customer for `quarter`, page by page, and keeps the results as that
/// quarter's history.
fn close(
    connection: &mut DbConnection,
    actor: &Actor,
    quarter: Quarter,
    policy: &InForce<TierPolicy>,
) -> ServiceResult<TierRun> {
    let quarter_text = quarter.to_string();
    let mut run = TierRun {
        quarter: quarter_text.clone(),
        closed_at: actor.at.stored(),
        closed_by: actor.subject.clone(),
        customer_count: 0,
        tier_a_count: 0,
        tier_b_count: 0,
        tier_c_count: 0,
        policy_version: Some(policy.version),
    };
    tiers::open_close(connection, &run)?;
    let mut after_id: Option<String> = None;
    loop {
        let page = tiers::close_inputs_page(
            connection,
            &quarter_text,
            quarter.last_day(),
            after_id.as_deref(),
            CLOSE_PAGE,
        )?;
        let Some(last) = page.last() else { break };
        after_id = Some(last.customer_id.clone());
        let mut results = Vec::with_capacity(page.len());
        for input in page {
            let metrics = metrics_of(
                input.first_contract_on,
                &input.flags,
                input.revenue_fen,
                input.payments_fen,
                input.referrals,
                quarter,
            )?;
            let evaluation = evaluate_tier(&metrics, &policy.values);
            run.customer_count += 1;
            match evaluation.tier {
                Tier::A => run.tier_a_count += 1,
                Tier::B => run.tier_b_count += 1,
                Tier::C => run.tier_c_count += 1,
            }
            let reasons: Vec<KeptReason> = evaluation
                .reasons
                .iter()
                .map(|reason| KeptReason::decided(reason, policy.version))
                .collect();
            results.push(CustomerTier {
                customer_id: input.customer_id,
                quarter: quarter_text.clone(),
                tier: evaluation.tier.as_str().to_owned(),
                reasons: serde_json::to_string(&reasons)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            });
        }
        tiers::save_results(connection, &results)?;
    }
    tiers::finish_close(connection, actor, &run)?;
    Ok(run)
}

/// TIER-4: closes `quarter` once it has ended, by the tier policy in force on its last day;
/// closing a closed quarter answers its first close and changes nothing. `true` when this call
/// closed it. A close that closed opens and ends the big customers' visit plans to match the
/// tiers now current (VIP-1, VIP-3).
pub fn close_quarter(
    connection: &mut DbConnection,
    actor: &Actor,
    quarter: Quarter,
    policies: &PolicyBook,
    vip_policy: &VipPolicy,
) -> ServiceResult<(bool, TierRun)> {
    may_close_quarter(quarter, actor.at.today())?;
    match tiers::find_run(connection, &quarter.to_string())? {
        Some(existing) => Ok((false, existing)),
        None => {
            let policy = policies.tier_on(quarter.last_day())?;
            let run = close(connection, actor, quarter, policy)?;
            crate::vip::sync_plans(connection, actor, vip_policy, None)?;
            Ok((true, run))
        }
    }
}

/// The customer's standing for `quarter` at `at`: kept history for a closed quarter, a live
/// evaluation of its metrics otherwise, by the tier policy in force on the quarter's last day.
pub fn standing(
    connection: &mut DbConnection,
    customer: &Customer,
    quarter: Quarter,
    policies: &PolicyBook,
    at: Moment,
) -> ServiceResult<TierStanding> {
    let quarter_text = quarter.to_string();
    let (closed, evaluated_tier, reasons) =
        match tiers::history_entry(connection, &customer.id, &quarter_text)? {
            Some(kept) => (
                true,
                read_stored(&kept.tier)?,
                serde_json::from_str(&kept.reasons)
                    .map_err(|e| StoreError::Corrupt(format!("tier reasons: {e}")))?,
            ),
            None => {
                let metrics = tiers::quarter_metrics(connection, &customer.id, &quarter_text)?;
                let referrals =
                    tiers::referral_count(connection, &customer.id, quarter.last_day())?;
                let (revenue, payments) =
                    metrics.map_or((0, 0), |m| (m.revenue_fen, m.payments_fen));
                let inputs = metrics_of(
                    customer.first_contract_on,
                    &customer.flags,
                    revenue,
                    payments,
                    referrals,
                    quarter,
                )?;
                let policy = policies.tier_on(quarter.last_day())?;
                let evaluation = evaluate_tier(&inputs, &policy.values);
                let reasons = evaluation
                    .reasons
                    .iter()
                    .map(|reason| KeptReason::decided(reason, policy.version))
                    .collect();
                (false, evaluation.tier, reasons)
            }
        };
    let shown = override_shown(
        quarter,
        current_quarter_of(customer, at)?,
        customer.tier_overridden,
        closed,
    );
    let made_in = match shown {
        OverrideShown::InForce => Some(customer.current_tier_quarter.as_deref()),
        OverrideShown::Lapsed => Some(Some(quarter_text.as_str())),
        OverrideShown::None => None,
    };
    let tier_override = match made_in {
        Some(made_in) => tiers::latest_override(connection, &customer.id, made_in)?
            .map(kept_override)
            .transpose()?,
        None => None,
    };
    let tier = tier_in_force(evaluated_tier, tier_override.as_ref().map(|o| o.tier));
    Ok(TierStanding {
        customer_id: customer.id.clone(),
        quarter,
        closed,
        tier,
        evaluated_tier,
        tier_override,
        reasons,
        owner_gap: owner_gap(tier, customer.owner_id.is_some()),
    })
}

/// The quarter a customer's tier is read for when none is asked: the latest closed one it
/// holds, else the quarter in progress at `at`. A stored quarter that does not parse is
/// corrupt, not "never closed".
pub fn current_quarter_of(customer: &Customer, at: Moment) -> ServiceResult<Quarter> {
    let latest_closed = customer
        .current_tier_quarter
        .as_deref()
        .map(read_stored)
        .transpose()?;
    Ok(current_tier_quarter(latest_closed, at.today()))
}

/// Customer `id`'s standing in `quarter`, or in the quarter `current_quarter_of` picks.
pub fn standing_of(
    connection: &mut DbConnection,
    id: &str,
    quarter: Option<Quarter>,
    policies: &PolicyBook,
    at: Moment,
) -> ServiceResult<TierStanding> {
    let customer = find_customer(connection, id)?;
    let quarter = match quarter {
        Some(quarter) => quarter,
        None => current_quarter_of(&customer, at)?,
    };
    standing(connection, &customer, quarter, policies, at)
}

/// A quote a customer may be offered (TIER-5), with the floor it was checked against.
#[derive(Debug, Clone, Copy)]
pub struct QuoteCheck {
    pub tier: Tier,
    pub floor: Money,
    pub min_price: Money,
}

/// TIER-5: the tier-A minimum price of `unit_cost`; a cost it cannot be computed for is
/// refused on `unit_cost`.
pub fn minimum_price(unit_cost: Money, policy: &TierPolicy) -> ServiceResult<Money> {
    tier_a_minimum_price(unit_cost, policy)
        .map_err(|e| ServiceError::field_refused("unit_cost", e.to_string()))
}

/// TIER-5: checks `price` for customer `id` at its current tier: tier A may be discounted down
/// to the minimum price, tiers B and C not under the list price. A price under the floor is
/// refused with the floor, the minimum price and the tier.
pub fn check_quote(
    connection: &mut DbConnection,
    policies: &PolicyBook,
    id: &str,
    unit_cost: Money,
    list_price: Money,
    price: Money,
    at: Moment,
) -> ServiceResult<QuoteCheck> {
    let min_price = minimum_price(unit_cost, &policies.tier_on(at.today())?.values)?;
    let customer = find_customer(connection, id)?;
    let tier = current_standing(connection, &customer, policies, at)?.tier;
    let floor = quote_floor(tier, min_price, list_price);
    if price < floor {
        return Err(ServiceError::refused(
            "TIER-5",
            format!(
                "a tier {} customer cannot be quoted under {floor} (offered {price})",
                tier.as_str(),
            ),
        )
        .with("min_price", min_price.to_string())
        .with("floor", floor.to_string())
        .with("tier", tier.as_str()));
    }
    Ok(QuoteCheck {
        tier,
        floor,
        min_price,
    })
}

/// The run that closed `quarter`, if it has been closed.
pub fn find_run(connection: &mut DbConnection, quarter: Quarter) -> ServiceResult<Option<TierRun>> {
    Ok(tiers::find_run(connection, &quarter.to_string())?)
}

/// The run that closed `quarter`; not found while it is open.
pub fn closed_run(connection: &mut DbConnection, quarter: Quarter) -> ServiceResult<TierRun> {
    find_run(connection, quarter)?
        .ok_or_else(|| ServiceError::not_found(format!("{quarter} has not been closed")))
}

/// The standing in force for customer `id` at `at`.
pub fn current_standing(
    connection: &mut DbConnection,
    customer: &Customer,
    policies: &PolicyBook,
    at: Moment,
) -> ServiceResult<TierStanding> {
    let quarter = current_quarter_of(customer, at)?;
    standing(connection, customer, quarter, policies, at)
}

/// TIER-4: a manager overrides customer `id`'s current tier until the next quarter close;
/// the customer's visit plan is opened or ended to match (VIP-1, VIP-3).
pub fn override_tier(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    tier: Tier,
    reason: &str,
    policies: &PolicyBook,
    vip_policy: &VipPolicy,
) -> ServiceResult<TierStanding> {
    let customer = find_customer(connection, id)?;
    let tier_override = TierOverride {
        id: new_id(),
        customer_id: customer.id.clone(),
        quarter: customer.current_tier_quarter.clone(),
        tier: tier.as_str().to_owned(),
        reason: reason.to_owned(),
        overridden_by: actor.subject.clone(),
        created_at: actor.at.stored(),
    };
    let customer =
        tiers::apply_override(connection, actor, &tier_override).map_err(|e| match e {
            StoreError::StaleVersion => ServiceError::conflict(
                "a quarter close changed the customer's tier meanwhile; retry",
            ),
            other => other.into(),
        })?;
    crate::vip::sync_plans(connection, actor, vip_policy, Some(&customer.id))?;
    current_standing(connection, &customer, policies, actor.at)
}
