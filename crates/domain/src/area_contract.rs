//! AREA: area contracting (客户服务承包制度 第五、六条) — each service area's monthly household
//! figures, its growth target and stability rate, and who is told of a maintainer change.

use serde::Serialize;

use crate::sla::Kpi;

/// The AREA policy parameters; `Default` holds the values of docs/rules.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaPolicy {
    /// AREA-1: the default monthly growth target, in basis points of the opening households
    /// (50 = +0.5%).
    pub growth_target_basis_points: u32,
    /// AREA-2: the lowest passing stability rate, in basis points (9,900 = 99%).
    pub stability_pass_basis_points: u32,
    /// AREA-3: who is told of a maintainer or boundary change (the customer-service center and
    /// the call center), as email addresses the outbox sends to.
    pub change_notified: Vec<String>,
}

impl Default for AreaPolicy {
    fn default() -> Self {
        AreaPolicy {
            growth_target_basis_points: 50,
            stability_pass_basis_points: 9_900,
            change_notified: vec![
                "customer-service-center@zhidu.local".into(),
                "call-center@zhidu.local".into(),
            ],
        }
    }
}

/// Why a month's figures cannot stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FiguresError {
    #[error("more households lost ({lost}) than the area had ({available})")]
    LostMoreThanServed { lost: i64, available: i64 },
}

/// AREA-1: the households at the month's close: opening + new − lost. Losing more than the
/// opening and new households together is refused: a closing count is never negative.
pub fn closing_households(opening: i64, new: i64, lost: i64) -> Result<i64, FiguresError> {
    let available = opening + new;
    if lost > available {
        return Err(FiguresError::LostMoreThanServed { lost, available });
    }
    Ok(available - lost)
}

/// AREA-1: the closing households the company expects when it sets no target of its own:
/// the opening plus the policy's growth, rounded up to a whole household (a target of
/// +0.5% on 999 households is 1,004: 4.995 more households still means 5).
pub fn default_growth_target(opening: i64, policy: &AreaPolicy) -> i64 {
    let growth = i128::from(opening) * i128::from(policy.growth_target_basis_points);
    let households = (growth + 9_999).div_euclid(10_000);
    opening + i64::try_from(households).unwrap_or(i64::MAX - opening)
}

/// AREA-1: the month passes its growth target when the closing households reach it.
pub fn growth_target_met(closing: i64, target: i64) -> bool {
    closing >= target
}

/// AREA-2: the stability rate (opening − lost) ÷ opening, passing at the policy's rate or
/// above (99.00% passes, 98.99% fails). An area that opened with no households has nothing to
/// keep: no value and no verdict, like the SLA-9 measures.
pub fn stability_kpi(opening: i64, lost: i64, policy: &AreaPolicy) -> Kpi {
    let kept = u64::try_from(opening - lost.min(opening)).unwrap_or(0);
    let opening = u64::try_from(opening).unwrap_or(0);
    let pass = u128::from(policy.stability_pass_basis_points);
    Kpi {
        numerator: kept,
        denominator: opening,
        passed: (opening > 0).then(|| u128::from(kept) * 10_000 >= pass * u128::from(opening)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn area_1_closing_is_opening_plus_new_minus_lost() {
        assert_eq!(closing_households(10_000, 60, 20), Ok(10_040));
        assert_eq!(closing_households(0, 0, 0), Ok(0));
        assert_eq!(closing_households(100, 5, 105), Ok(0));
        assert_eq!(
            closing_households(100, 5, 106),
            Err(FiguresError::LostMoreThanServed {
                lost: 106,
                available: 105
            })
        );
    }

    #[test]
    fn area_1_default_target_is_half_a_percent_over_the_opening_rounded_up() {
        let policy = AreaPolicy::default();
        assert_eq!(default_growth_target(10_000, &policy), 10_050);
        assert_eq!(default_growth_target(1_000, &policy), 1_005);
        assert_eq!(default_growth_target(999, &policy), 1_004);
        assert_eq!(default_growth_target(200, &policy), 201);
        assert_eq!(default_growth_target(1, &policy), 2);
        assert_eq!(default_growth_target(0, &policy), 0);
        let flat = AreaPolicy {
            growth_target_basis_points: 0,
            ..AreaPolicy::default()
        };
        assert_eq!(default_growth_target(999, &flat), 999);
    }

    #[test]
    fn area_1_the_target_is_met_at_it_not_one_household_short() {
        assert!(growth_target_met(10_050, 10_050));
        assert!(growth_target_met(10_051, 10_050));
        assert!(!growth_target_met(10_049, 10_050));
    }

    #[test]
    fn area_2_stability_passes_at_99_percent_and_fails_at_98_99() {
        let policy = AreaPolicy::default();
        let at_99 = stability_kpi(10_000, 100, &policy);
        assert_eq!((at_99.numerator, at_99.denominator), (9_900, 10_000));
        assert_eq!(at_99.passed, Some(true));
        assert_eq!(stability_kpi(10_000, 101, &policy).passed, Some(false));
        assert_eq!(stability_kpi(10_000, 0, &policy).passed, Some(true));
        assert_eq!(stability_kpi(100, 1, &policy).passed, Some(true));
        assert_eq!(stability_kpi(100, 2, &policy).passed, Some(false));
        assert_eq!(stability_kpi(0, 0, &policy).passed, None);
    }

    proptest! {
        #[test]
        fn area_1_closing_never_negative_and_target_never_below_opening(
            opening in 0i64..10_000_000,
            new in 0i64..1_000_000,
            lost in 0i64..12_000_000,
        ) {
            let policy = AreaPolicy::default();
            match closing_households(opening, new, lost) {
                Ok(closing) => prop_assert_eq!(closing + lost, opening + new),
                Err(_) => prop_assert!(lost > opening + new),
            }
            let target = default_growth_target(opening, &policy);
            prop_assert!(target >= opening);
            prop_assert!((target - opening) * 10_000 >= opening * 50);
            prop_assert!((target - opening - 1) * 10_000 < opening * 50);
        }

        #[test]
        fn area_2_stability_agrees_with_the_rate(opening in 1i64..1_000_000, lost in 0i64..1_000_000) {
            let kpi = stability_kpi(opening, lost, &AreaPolicy::default());
            let rate = (opening - lost.min(opening)) as f64 / opening as f64;
            if (rate - 0.99).abs() > 1e-9 {
                prop_assert_eq!(kpi.passed, Some(rate > 0.99));
            }
        }
    }
}
