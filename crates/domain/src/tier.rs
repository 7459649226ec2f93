//! TIER — customer tiers (客户分类) and the tier-A price floor.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::Money;
use crate::policy::PolicyProblem;
use crate::quarter::Quarter;
use crate::refusal::Refusal;
use crate::text_enum::text_enum;

text_enum! {
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    pub enum Tier {
        A = "A",
        B = "B",
        C = "C",
    }
}

text_enum! {
    /// Facts about a customer that qualify it for a tier regardless of money.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum TierFlag {
        /// Its product is being promoted at scale.
        MassMarketCampaign = "mass_market_campaign",
        /// A famous brand of provincial level or higher.
        ProvincialBrand = "provincial_brand",
        /// Its legal representative is a deputy to a municipal-or-higher People's Congress.
        LegalRepNpcDeputy = "legal_rep_npc_deputy",
        WelfareUnit = "welfare_unit",
        EthnicMinorityEnterprise = "ethnic_minority_enterprise",
    }
}

/// One customer's metrics for one quarter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TierMetrics {
    pub quarterly_revenue: Money,
    pub quarterly_payments: Money,
    /// Customers this customer referred, cumulative.
    pub referrals: u32,
    /// Full years since the first contract.
    pub tenure_years: u32,
    pub flags: BTreeSet<TierFlag>,
}

/// The thresholds one tier's criteria compare against.
/// The criteria of one tier: any one met qualifies.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierThresholds {
    pub quarterly_revenue: Money,
    pub quarterly_payments: Money,
    pub referrals: u32,
    pub tenure_years: u32,
    pub flags: BTreeSet<TierFlag>,
}

/// The TIER policy parameters; `Default` holds the values of RULES.md.
/// The `tier` policy area: TIER-1, TIER-2 and TIER-5's numbers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierPolicy {
    /// TIER-1
    pub tier_a: TierThresholds,
    /// TIER-2
    pub tier_b: TierThresholds,
    /// TIER-5: the net profit the company keeps at the lowest tier-A price, in basis points.
    pub tier_a_min_margin_bp: u32,
}

impl Default for TierPolicy {
    fn default() -> Self {
        TierPolicy {
            tier_a: TierThresholds {
                quarterly_revenue: Money::from_yuan(5_000),
                quarterly_payments: Money::from_yuan(20_000),
                referrals: 3,
                tenure_years: 3,
                flags: BTreeSet::from([
                    TierFlag::MassMarketCampaign,
                    TierFlag::ProvincialBrand,
                    TierFlag::LegalRepNpcDeputy,
                ]),
            },
            tier_b: TierThresholds {
                quarterly_revenue: Money::from_yuan(3_000),
                quarterly_payments: Money::from_yuan(10_000),
                referrals: 1,
                tenure_years: 2,
                flags: BTreeSet::from([TierFlag::WelfareUnit, TierFlag::EthnicMinorityEnterprise]),
            },
            tier_a_min_margin_bp: 500,
        }
    }
}

/// Issue 18: why a tier policy cannot stand: tier A's thresholds must lie above tier B's (else
/// no customer could be B by that criterion without being A), amounts not below zero, and the
/// TIER-5 margin under 100%.
pub fn tier_policy_problems(policy: &TierPolicy) -> Vec<PolicyProblem> {
    let mut problems = Vec::new();
    let (a, b) = (&policy.tier_a, &policy.tier_b);
    for (field, amount) in [
        ("tier_b.quarterly_revenue", b.quarterly_revenue),
        ("tier_b.quarterly_payments", b.quarterly_payments),
    ] {
        if amount < Money::ZERO {
            problems.push(PolicyProblem::new(field, "must not be negative"));
        }
    }
    if a.quarterly_revenue <= b.quarterly_revenue {
        problems.push(PolicyProblem::new(
            "tier_a.quarterly_revenue",
            format!("must be above tier B's {}", b.quarterly_revenue),
        ));
    }
    if a.quarterly_payments <= b.quarterly_payments {
        problems.push(PolicyProblem::new(
            "tier_a.quarterly_payments",
            format!("must be above tier B's {}", b.quarterly_payments),
        ));
    }
    if a.referrals <= b.referrals {
        problems.push(PolicyProblem::new(
            "tier_a.referrals",
            format!("must be above tier B's {}", b.referrals),
        ));
    }
    if a.tenure_years <= b.tenure_years {
        problems.push(PolicyProblem::new(
            "tier_a.tenure_years",
            format!("must be above tier B's {}", b.tenure_years),
        ));
    }
    if policy.tier_a_min_margin_bp >= 10_000 {
        problems.push(PolicyProblem::new(
            "tier_a_min_margin_bp",
            "must be below 10000 (100%)",
        ));
    }
    problems
}

/// Which criterion of a tier rule matched.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierCriterion {
    QuarterlyRevenue,
    QuarterlyPayments,
    Referrals,
    TenureYears,
    Flag,
    NoCriterionMatched,
}

/// One clause that fired, for a frontend to show "why".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierReason {
    pub rule: &'static str,
    pub tier: Tier,
    pub criterion: TierCriterion,
    pub detail: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierEvaluation {
    pub tier: Tier,
    pub reasons: Vec<TierReason>,
}

fn matched_criteria(
    rule: &'static str,
    tier: Tier,
    thresholds: &TierThresholds,
    metrics: &TierMetrics,
) -> Vec<TierReason> {
    let mut reasons = Vec::new();
    let mut push = |criterion, detail: String| {
        reasons.push(TierReason {
            rule,
            tier,
            criterion,
            detail,
        })
    };
    if metrics.quarterly_revenue >= thresholds.quarterly_revenue {
        push(
            TierCriterion::QuarterlyRevenue,
            format!(
                "quarterly revenue {} ≥ {}",
                metrics.quarterly_revenue, thresholds.quarterly_revenue
            ),
        );
    }
    if metrics.quarterly_payments >= thresholds.quarterly_payments {
        push(
            TierCriterion::QuarterlyPayments,
            format!(
                "quarterly payments {} ≥ {}",
                metrics.quarterly_payments, thresholds.quarterly_payments
            ),
        );
    }
    if metrics.referrals >= thresholds.referrals {
        push(
            TierCriterion::Referrals,
            format!("referrals {} ≥ {}", metrics.referrals, thresholds.referrals),
        );
    }
    if metrics.tenure_years >= thresholds.tenure_years {
        push(
            TierCriterion::TenureYears,
            format!(
                "tenure {} years ≥ {}",
                metrics.tenure_years, thresholds.tenure_years
            ),
        );
    }
    for flag in metrics.flags.intersection(&thresholds.flags) {
        push(TierCriterion::Flag, format!("flag {}", flag.as_str()));
    }
    reasons
}

/// TIER-1..4: A if any TIER-1 criterion matches, else B if any TIER-2 criterion matches,
/// else C. Every matched criterion of both rules is listed, tier A's first.
pub fn evaluate_tier(metrics: &TierMetrics, policy: &TierPolicy) -> TierEvaluation {
    let mut reasons = matched_criteria("TIER-1", Tier::A, &policy.tier_a, metrics);
    let tier_b_reasons = matched_criteria("TIER-2", Tier::B, &policy.tier_b, metrics);
    let tier = if !reasons.is_empty() {
        Tier::A
    } else if !tier_b_reasons.is_empty() {
        Tier::B
    } else {
        Tier::C
    };
    reasons.extend(tier_b_reasons);
    if reasons.is_empty() {
        reasons.push(TierReason {
            rule: "TIER-3",
            tier: Tier::C,
            criterion: TierCriterion::NoCriterionMatched,
            detail: "no tier A or tier B criterion matched".into(),
        });
    }
    TierEvaluation { tier, reasons }
}

/// Full years of continuous business from `first_contract_on` to `as_of`. A contract signed
/// on 29 February completes its year on 28 February of a common year: the period ends on the
/// last day of the month when the month has no corresponding day (Civil Code art. 202).
pub fn tenure_years(first_contract_on: Date, as_of: Date) -> u32 {
    if as_of < first_contract_on {
        return 0;
    }
    let mut years = as_of.year() - first_contract_on.year();
    let month = first_contract_on.month();
    let anniversary_day = first_contract_on.day().min(month.length(as_of.year()));
    if (as_of.month(), as_of.day()) < (month, anniversary_day) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// TIER-4: a quarter is closed once it is over, from the day after its last day, so that its
/// metrics are final.
pub fn may_close_quarter(quarter: Quarter, today: Date) -> Result<(), Refusal> {
    if quarter.last_day() >= today {
        return Err(Refusal::new(
            "TIER-4",
            format!(
                "{quarter} has not ended yet; it can be closed from {}",
                quarter.last_day().next_day().unwrap_or(today)
            ),
        ));
    }
    Ok(())
}

/// TIER-4: the quarter a customer's tier is read for when none is asked: the latest closed
/// quarter it holds, else the quarter in progress.
pub fn current_tier_quarter(latest_closed: Option<Quarter>, today: Date) -> Quarter {
    latest_closed.unwrap_or_else(|| Quarter::containing(today))
}

/// TIER-4: which manager's override a reading of a quarter's tier shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideShown {
    None,
    /// The override in force now: the latest one made while the customer's latest closed
    /// quarter was current (or before any close).
    InForce,
    /// The latest one made while the quarter read was current; it lapsed at the next close
    /// but stays part of that quarter's record.
    Lapsed,
}

/// TIER-4: an override lasts until the next quarter close. Reading the current quarter shows
/// the override in force, if any; reading an earlier closed quarter shows the one that lapsed
/// with it; an open quarter's live evaluation shows none.
pub fn override_shown(
    read: Quarter,
    current: Quarter,
    overridden_now: bool,
    read_is_closed: bool,
) -> OverrideShown {
    if read == current {
        if overridden_now {
            OverrideShown::InForce
        } else {
            OverrideShown::None
        }
    } else if read_is_closed {
        OverrideShown::Lapsed
    } else {
        OverrideShown::None
    }
}

/// TIER-4: an override, while it applies, wins over the evaluated tier.
pub fn tier_in_force(evaluated: Tier, overridden_to: Option<Tier>) -> Tier {
    overridden_to.unwrap_or(evaluated)
}

/// TIER-4: an override made while `made_in` was the customer's latest closed quarter (`None`:
/// before any close) lapses when that quarter or a later one closes.
pub fn override_lapses(made_in: Option<Quarter>, closing: Quarter) -> bool {
    made_in.is_none_or(|made_in| made_in <= closing)
}

/// TIER-5: a tier-A customer without an account owner is a gap to fill.
pub fn owner_gap(tier: Tier, has_owner: bool) -> bool {
    tier == Tier::A && !has_owner
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("unit cost must not be negative")]
    NegativeCost,
    #[error("the minimum price is too large")]
    OutOfRange,
    #[error("the margin must be below 100%")]
    MarginTooLarge,
}

/// TIER-5: the lowest tier-A price that still leaves the policy margin as net profit,
/// `unit_cost / (1 − margin)`, rounded UP to the fen so the margin is never undercut.
pub fn tier_a_minimum_price(unit_cost: Money, policy: &TierPolicy) -> Result<Money, PriceError> {
    if unit_cost.is_negative() {
        return Err(PriceError::NegativeCost);
    }
    let kept_bp = 10_000i128 - i128::from(policy.tier_a_min_margin_bp);
    if kept_bp <= 0 {
        return Err(PriceError::MarginTooLarge);
    }
    let numerator = i128::from(unit_cost.fen()) * 10_000;
    let fen = (numerator + kept_bp - 1) / kept_bp;
    i64::try_from(fen)
        .map(Money::from_fen)
        .map_err(|_| PriceError::OutOfRange)
}

/// TIER-5: the lowest price a customer of `tier` may be quoted: tier A down to the tier-A
/// minimum price; tiers B and C get no discount (their benefits are blank in the policy), so
/// their floor is the list price.
pub fn quote_floor(tier: Tier, min_price: Money, list_price: Money) -> Money {
    if tier == Tier::A {
        min_price
    } else {
        list_price
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn money(text: &str) -> Money {
        text.parse().unwrap()
    }

    #[test]
    fn the_default_tier_policy_stands_and_a_b_threshold_at_a_is_refused() {
        assert!(tier_policy_problems(&TierPolicy::default()).is_empty());
        let mut policy = TierPolicy::default();
        policy.tier_b.quarterly_revenue = money("5000.00");
        policy.tier_a.referrals = 1;
        policy.tier_a_min_margin_bp = 10_000;
        let fields: Vec<String> = tier_policy_problems(&policy)
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "tier_a.quarterly_revenue",
                "tier_a.referrals",
                "tier_a_min_margin_bp"
            ]
        );
        policy = TierPolicy::default();
        policy.tier_b.quarterly_revenue = money("4999.99");
        assert!(tier_policy_problems(&policy).is_empty());
    }

    #[test]
    fn the_tier_policy_reads_back_what_it_writes_and_refuses_unknown_fields() {
        let written = serde_json::to_value(TierPolicy::default()).unwrap();
        let read: TierPolicy = serde_json::from_value(written.clone()).unwrap();
        assert_eq!(read, TierPolicy::default());
        let mut extra = written;
        extra["tier_c"] = serde_json::json!({});
        assert!(serde_json::from_value::<TierPolicy>(extra).is_err());
    }

    fn with(f: impl FnOnce(&mut TierMetrics)) -> TierEvaluation {
        let mut metrics = TierMetrics::default();
        f(&mut metrics);
        evaluate_tier(&metrics, &TierPolicy::default())
    }

    #[test]
    fn tier_1_revenue_boundary_4999_99_vs_5000_00() {
        assert_eq!(
            with(|m| m.quarterly_revenue = money("5000.00")).tier,
            Tier::A
        );
        // 4,999.99 still clears the TIER-2 bar of 3,000.00.
        assert_eq!(
            with(|m| m.quarterly_revenue = money("4999.99")).tier,
            Tier::B
        );
    }

    #[test]
    fn tier_1_payments_boundary() {
        assert_eq!(
            with(|m| m.quarterly_payments = money("20000.00")).tier,
            Tier::A
        );
        assert_eq!(
            with(|m| m.quarterly_payments = money("19999.99")).tier,
            Tier::B
        );
    }

    #[test]
    fn tier_1_referrals_and_tenure_boundaries() {
        assert_eq!(with(|m| m.referrals = 3).tier, Tier::A);
        assert_eq!(with(|m| m.referrals = 2).tier, Tier::B);
        assert_eq!(with(|m| m.tenure_years = 3).tier, Tier::A);
        assert_eq!(with(|m| m.tenure_years = 2).tier, Tier::B);
    }

    #[test]
    fn tier_1_each_a_flag_alone_makes_a() {
        for flag in [
            TierFlag::MassMarketCampaign,
            TierFlag::ProvincialBrand,
            TierFlag::LegalRepNpcDeputy,
        ] {
            let evaluation = with(|m| {
                m.flags.insert(flag);
            });
            assert_eq!(evaluation.tier, Tier::A, "{flag:?}");
            assert_eq!(
                evaluation.reasons[0].detail,
                format!("flag {}", flag.as_str())
            );
        }
    }

    #[test]
    fn tier_2_boundaries() {
        assert_eq!(
            with(|m| m.quarterly_revenue = money("3000.00")).tier,
            Tier::B
        );
        assert_eq!(
            with(|m| m.quarterly_revenue = money("2999.99")).tier,
            Tier::C
        );
        assert_eq!(
            with(|m| m.quarterly_payments = money("10000.00")).tier,
            Tier::B
        );
        assert_eq!(
            with(|m| m.quarterly_payments = money("9999.99")).tier,
            Tier::C
        );
        assert_eq!(with(|m| m.referrals = 1).tier, Tier::B);
        assert_eq!(with(|m| m.tenure_years = 1).tier, Tier::C);
        for flag in [TierFlag::WelfareUnit, TierFlag::EthnicMinorityEnterprise] {
            assert_eq!(
                with(|m| {
                    m.flags.insert(flag);
                })
                .tier,
                Tier::B
            );
        }
    }

    #[test]
    fn tier_3_nothing_matched_is_c_with_its_reason() {
        let evaluation = with(|_| {});
        assert_eq!(evaluation.tier, Tier::C);
        assert_eq!(evaluation.reasons.len(), 1);
        assert_eq!(evaluation.reasons[0].rule, "TIER-3");
    }

    #[test]
    fn tier_4_every_matched_criterion_is_listed_with_its_clause() {
        let evaluation = with(|m| {
            m.quarterly_revenue = money("6000.00");
            m.referrals = 4;
            m.flags.insert(TierFlag::WelfareUnit);
        });
        assert_eq!(evaluation.tier, Tier::A);
        let listed: Vec<(&str, TierCriterion)> = evaluation
            .reasons
            .iter()
            .map(|r| (r.rule, r.criterion))
            .collect();
        assert_eq!(
            listed,
            [
                ("TIER-1", TierCriterion::QuarterlyRevenue),
                ("TIER-1", TierCriterion::Referrals),
                ("TIER-2", TierCriterion::QuarterlyRevenue),
                ("TIER-2", TierCriterion::Referrals),
                ("TIER-2", TierCriterion::Flag),
            ]
        );
        assert_eq!(
            evaluation.reasons[0].detail,
            "quarterly revenue 6000.00 ≥ 5000.00"
        );
    }

    fn quarter(text: &str) -> Quarter {
        text.parse().unwrap()
    }

    #[test]
    fn tier_4_a_quarter_closes_from_the_day_after_its_last_day() {
        let q3 = quarter("2026Q3");
        let refusal = may_close_quarter(q3, date!(2026 - 09 - 30)).unwrap_err();
        assert_eq!(refusal.rule, "TIER-4");
        assert_eq!(
            refusal.detail,
            "2026Q3 has not ended yet; it can be closed from 2026-10-01"
        );
        assert!(may_close_quarter(q3, date!(2026 - 07 - 01)).is_err());
        assert_eq!(may_close_quarter(q3, date!(2026 - 10 - 01)), Ok(()));
        let q4 = quarter("2026Q4");
        assert_eq!(
            may_close_quarter(q4, date!(2026 - 12 - 31))
                .unwrap_err()
                .detail,
            "2026Q4 has not ended yet; it can be closed from 2027-01-01"
        );
        assert_eq!(may_close_quarter(q4, date!(2027 - 01 - 01)), Ok(()));
    }

    #[test]
    fn tier_4_the_current_quarter_is_the_latest_closed_else_the_one_in_progress() {
        assert_eq!(
            current_tier_quarter(Some(quarter("2026Q2")), date!(2026 - 08 - 15)),
            quarter("2026Q2")
        );
        assert_eq!(
            current_tier_quarter(None, date!(2026 - 08 - 15)),
            quarter("2026Q3")
        );
    }

    #[test]
    fn tier_4_an_override_lasts_until_the_next_quarter_close() {
        let (q2, q3) = (quarter("2026Q2"), quarter("2026Q3"));
        assert!(override_lapses(Some(q2), q2));
        assert!(override_lapses(Some(q2), q3));
        assert!(!override_lapses(Some(q3), q2));
        assert!(override_lapses(None, q2), "made before any close");

        assert_eq!(override_shown(q2, q2, true, true), OverrideShown::InForce);
        assert_eq!(override_shown(q2, q2, false, true), OverrideShown::None);
        assert_eq!(override_shown(q2, q3, false, true), OverrideShown::Lapsed);
        assert_eq!(override_shown(q3, q2, true, false), OverrideShown::None);

        assert_eq!(tier_in_force(Tier::C, Some(Tier::A)), Tier::A);
        assert_eq!(tier_in_force(Tier::B, None), Tier::B);
    }

    #[test]
    fn tier_5_an_a_customer_without_owner_is_a_gap() {
        assert!(owner_gap(Tier::A, false));
        assert!(!owner_gap(Tier::A, true));
        assert!(!owner_gap(Tier::B, false));
        assert!(!owner_gap(Tier::C, false));
    }

    #[test]
    fn tier_stored_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&Tier::ALL, Tier::as_str);
        assert_serde_names_match(&Tier::ALL, Tier::as_str);
        assert_eq!(Tier::ALL.map(Tier::as_str), ["A", "B", "C"]);
        assert_eq!("a".parse::<Tier>().ok(), None);
        assert_round_trips(&TierFlag::ALL, TierFlag::as_str);
        assert_serde_names_match(&TierFlag::ALL, TierFlag::as_str);
        assert_eq!(
            TierFlag::ALL.map(TierFlag::as_str),
            [
                "mass_market_campaign",
                "provincial_brand",
                "legal_rep_npc_deputy",
                "welfare_unit",
                "ethnic_minority_enterprise"
            ]
        );
        assert_eq!(
            "welfare_unit".parse::<TierFlag>().ok(),
            Some(TierFlag::WelfareUnit)
        );
    }

    #[test]
    fn tenure_counts_full_years_only() {
        assert_eq!(
            tenure_years(date!(2023 - 10 - 01), date!(2026 - 09 - 30)),
            2
        );
        assert_eq!(
            tenure_years(date!(2023 - 09 - 30), date!(2026 - 09 - 30)),
            3
        );
        assert_eq!(
            tenure_years(date!(2027 - 01 - 01), date!(2026 - 09 - 30)),
            0
        );
    }

    #[test]
    fn tenure_from_29_february() {
        assert_eq!(
            tenure_years(date!(2024 - 02 - 29), date!(2025 - 02 - 27)),
            0
        );
        assert_eq!(
            tenure_years(date!(2024 - 02 - 29), date!(2025 - 02 - 28)),
            1
        );
        assert_eq!(
            tenure_years(date!(2024 - 02 - 29), date!(2028 - 02 - 28)),
            3
        );
        assert_eq!(
            tenure_years(date!(2024 - 02 - 29), date!(2028 - 02 - 29)),
            4
        );
    }

    #[test]
    fn tier_5_only_tier_a_is_quoted_under_the_list_price() {
        let (min_price, list_price) = (money("105.27"), money("150.00"));
        assert_eq!(quote_floor(Tier::A, min_price, list_price), min_price);
        assert_eq!(quote_floor(Tier::B, min_price, list_price), list_price);
        assert_eq!(quote_floor(Tier::C, min_price, list_price), list_price);
    }

    #[test]
    fn tier_5_minimum_price_rounds_up_to_the_fen() {
        let policy = TierPolicy::default();
        assert_eq!(
            tier_a_minimum_price(money("95.00"), &policy),
            Ok(money("100.00"))
        );
        // 100 / 0.95 = 105.263157… → 105.27
        assert_eq!(
            tier_a_minimum_price(money("100.00"), &policy),
            Ok(money("105.27"))
        );
        assert_eq!(
            tier_a_minimum_price(money("0.00"), &policy),
            Ok(money("0.00"))
        );
        assert_eq!(
            tier_a_minimum_price(money("-1.00"), &policy),
            Err(PriceError::NegativeCost)
        );
    }

    proptest! {
        #[test]
        fn tier_5_the_minimum_price_keeps_the_margin_and_is_the_lowest_that_does(
            cost in 0i64..10_000_000_000
        ) {
            let policy = TierPolicy::default();
            let min = tier_a_minimum_price(Money::from_fen(cost), &policy).unwrap().fen();
            // profit ≥ 5% of the price, and one fen less would not be
            prop_assert!((i128::from(min) - i128::from(cost)) * 10_000 >= i128::from(min) * 500);
            let below = min - 1;
            prop_assert!(below < cost || (i128::from(below) - i128::from(cost)) * 10_000 < i128::from(below) * 500);
        }

        #[test]
        fn tier_is_monotonic_in_revenue(a in 0i64..2_000_000, b in 0i64..2_000_000) {
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            let tier_of = |fen| with(|m| m.quarterly_revenue = Money::from_fen(fen)).tier;
            prop_assert!(tier_of(high) <= tier_of(low));
        }
    }
}
