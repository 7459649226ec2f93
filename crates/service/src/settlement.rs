//! SET-2..4, SET-6: payments received against a partner's periods, the overdue periods with
//! their follow-up, and the franchisees' settled months.

use std::collections::{BTreeSet, HashMap};

use time::Date;
use zhidu_domain::money::Money;
use zhidu_domain::settlement::{
    FranchiseSplit, PartnerType, PeriodAccount, SettlementPeriod, SettlementPolicy,
    franchise_split, period_accounts, period_due_on, period_overdue,
};
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::new_id;
use zhidu_store::partners::{self, Partner};
use zhidu_store::payments::{self, DailySum};

use crate::access::Identity;
use crate::access::partners::{PartnerOwned, listing_partner, rows_of};
use crate::error::{ServiceError, ServiceResult};
use crate::partners::partner_type;

pub use zhidu_store::payments::{FollowUp, FranchiseSettlement, Payment};

impl PartnerOwned for DailySum {
    fn partner_id(&self) -> &str {
        &self.partner_id
    }
}

/// One partner's daily sums as (day, amount), none of another partner's.
fn sums_of(rows: &[DailySum], partner_id: &str) -> Vec<(Date, Money)> {
    rows_of(rows, partner_id)
        .map(|r| (r.day, Money::from_fen(r.amount_fen)))
        .collect()
}

fn find_partner(connection: &mut DbConnection, id: &str) -> ServiceResult<Partner> {
    partners::find_partner(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no partner {id}")))
}

/// SET-6: a month's operating profit split for a franchisee of `region`; a region without a
/// split (and no contract's) is refused, naming the region.
pub fn split_profit(
    policy: &SettlementPolicy,
    region: &str,
    contract: Option<(u32, u32)>,
    operating_profit: Money,
) -> ServiceResult<FranchiseSplit> {
    franchise_split(policy, region, contract, operating_profit)
        .map_err(|e| ServiceError::refused(e.rule(), e.to_string()).with("region", region))
}

/// A payment received, as finance records it.
#[derive(Debug, Clone)]
pub struct NewPayment {
    /// The due date of the period this pays (SET-2, SET-3).
    pub due_on: Date,
    pub amount: Money,
    pub received_on: Date,
    pub reference: String,
}

/// Records a payment received from partner `partner_id` against its period due on
/// `payment.due_on`; a date that is not one of its due dates is refused.
pub fn record_payment(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &SettlementPolicy,
    partner_id: &str,
    payment: &NewPayment,
) -> ServiceResult<(Payment, SettlementPeriod)> {
    let partner = find_partner(connection, partner_id)?;
    let due_on = payment.due_on;
    let period = period_due_on(policy, partner_type(&partner)?, due_on).ok_or_else(|| {
        ServiceError::field_refused(
            "due_on",
            format!(
                "{due_on} is not a due date of a {} (SET-2, SET-3)",
                partner.partner_type
            ),
        )
    })?;
    let payment = Payment {
        id: new_id(),
        partner_id: partner.id,
        due_on,
        amount_fen: payment.amount.fen(),
        received_on: payment.received_on,
        reference: payment.reference.trim().to_owned(),
        created_at: actor.at.stored(),
    };
    payments::insert_payment(connection, actor, &payment)?;
    Ok((payment, period))
}

/// One overdue period of one partner, with its follow-up if one was recorded.
#[derive(Debug, Clone)]
pub struct OverdueAccount {
    pub partner_id: String,
    pub partner_name: String,
    pub partner_type: PartnerType,
    pub account: PeriodAccount,
    pub follow_up: Option<FollowUp>,
}

/// SET-4: every period past the end of its due date and not paid in full as of `as_of`,
/// oldest first (then by partner), each partner's periods from its own rows only.
pub fn overdue_periods(
    connection: &mut DbConnection,
    policy: &SettlementPolicy,
    as_of: Date,
) -> ServiceResult<Vec<OverdueAccount>> {
    let expected = payments::expected_by_day(connection, as_of)?;
    let paid = payments::paid_by_due_date(connection, as_of)?;
    let mut follow_ups: HashMap<(String, Date), FollowUp> = payments::follow_ups(connection)?
        .into_iter()
        .map(|f| ((f.partner_id.clone(), f.due_on), f))
        .collect();
    let partner_ids: BTreeSet<String> = expected
        .iter()
        .chain(&paid)
        .map(|sum| sum.partner_id.clone())
        .collect();
    let mut overdue = Vec::new();
    for partner_id in partner_ids {
        let Some(partner) = partners::find_partner(connection, &partner_id)? else {
            continue;
        };
        let kind = partner_type(&partner)?;
        let accounts = period_accounts(
            policy,
            kind,
            &sums_of(&expected, &partner_id),
            &sums_of(&paid, &partner_id),
            as_of,
        );
        for account in accounts.into_iter().filter(|a| a.overdue) {
            overdue.push(OverdueAccount {
                follow_up: follow_ups.remove(&(partner.id.clone(), account.period.due_on)),
                partner_id: partner.id.clone(),
                partner_name: partner.name.clone(),
                partner_type: kind,
                account,
            });
        }
    }
    overdue.sort_by_key(|o| (o.account.period.due_on, o.partner_id.clone()));
    Ok(overdue)
}

/// The follow-up fields as sent; `None` keeps what is recorded.
#[derive(Debug, Clone, Default)]
pub struct FollowUpChange {
    /// Finance acknowledges the notice (stamped now); `Some(false)` clears it.
    pub finance_notified: Option<bool>,
    pub marketing_contact: Option<String>,
    pub partner_reason: Option<String>,
    pub decision: Option<String>,
    /// The version read; `None` when creating the follow-up.
    pub version: Option<i64>,
}

/// SET-4: records the follow-up of partner `partner_id`'s period due on `due_on`. Only a
/// period that is overdue today takes a new one; an existing one is changed at its version.
pub fn record_follow_up(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &SettlementPolicy,
    partner_id: &str,
    due_on: Date,
    change: FollowUpChange,
) -> ServiceResult<FollowUp> {
    let partner = find_partner(connection, partner_id)?;
    let today = actor.at.today();
    let expected = payments::expected_by_day(connection, today)?;
    let paid = payments::paid_by_due_date(connection, today)?;
    let is_overdue = period_overdue(
        policy,
        partner_type(&partner)?,
        &sums_of(&expected, &partner.id),
        &sums_of(&paid, &partner.id),
        due_on,
        today,
    );
    let before = payments::find_follow_up(connection, &partner.id, due_on)?;
    if before.is_none() && !is_overdue {
        return Err(ServiceError::not_found(format!(
            "{} has no overdue period due on {due_on}",
            partner.name
        )));
    }
    if before.as_ref().map(|b| b.version) != change.version {
        return Err(ServiceError::Stale(
            "send the follow-up's current version (none when creating it)".into(),
        ));
    }
    let now = actor.at.stored();
    let base = before.clone().unwrap_or(FollowUp {
        partner_id: partner.id.clone(),
        due_on,
        finance_notified_at: None,
        marketing_contact: None,
        partner_reason: None,
        decision: None,
        version: 0,
        created_at: now,
        updated_at: now,
    });
    let after = FollowUp {
        finance_notified_at: match change.finance_notified {
            Some(true) => base.finance_notified_at.or(Some(now)),
            Some(false) => None,
            None => base.finance_notified_at,
        },
        marketing_contact: change.marketing_contact.or(base.marketing_contact.clone()),
        partner_reason: change.partner_reason.or(base.partner_reason.clone()),
        decision: change.decision.or(base.decision.clone()),
        version: base.version + 1,
        updated_at: now,
        ..base
    };
    payments::save_follow_up(connection, actor, before.as_ref(), &after)?;
    Ok(after)
}

/// SET-6: settles franchisee `partner_id`'s `month` (`YYYY-MM`): the operating profit split by
/// the region's fixed split or the contract's, stored once per month.
pub fn settle_franchise_month(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &SettlementPolicy,
    partner_id: &str,
    month: &str,
    operating_profit: Money,
) -> ServiceResult<FranchiseSettlement> {
    let partner = partners::find_partner(connection, partner_id)?
        .filter(|p| matches!(partner_type(p), Ok(PartnerType::Franchisee)))
        .ok_or_else(|| {
            ServiceError::field_refused("partner_id", format!("no franchisee {partner_id}"))
        })?;
    let contract = partner
        .split_company_part
        .zip(partner.split_franchisee_part)
        .map(|(company, franchisee)| (company.unsigned_abs(), franchisee.unsigned_abs()));
    let split = split_profit(policy, &partner.region, contract, operating_profit)?;
    let settlement = FranchiseSettlement {
        id: new_id(),
        partner_id: partner.id,
        month: month.to_owned(),
        operating_profit_fen: operating_profit.fen(),
        company_share_fen: split.company_share.fen(),
        franchisee_share_fen: split.franchisee_share.fen(),
        company_part: i32::try_from(split.company_part).unwrap_or(i32::MAX),
        franchisee_part: i32::try_from(split.franchisee_part).unwrap_or(i32::MAX),
        basis: split.basis.as_str().into(),
        created_by: actor.subject.clone(),
        created_at: actor.at.stored(),
    };
    payments::insert_franchise_settlement(connection, actor, &settlement)?;
    Ok(settlement)
}

/// SET-1, SET-6: settled franchise months, newest first: a partner token sees its own only,
/// whatever it asks for; staff see the partner asked for, or every one.
pub fn franchise_months(
    connection: &mut DbConnection,
    caller: &impl Identity,
    partner_id: Option<String>,
) -> ServiceResult<Vec<FranchiseSettlement>> {
    let partner = listing_partner(connection, caller, partner_id)?;
    Ok(payments::franchise_settlements_of(
        connection,
        partner.as_deref(),
    )?)
}
