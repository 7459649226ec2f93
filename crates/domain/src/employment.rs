//! The employment lifecycle (EMP-1..5): probation extensions, regularization, resignation
//! notice, the departure checklist and promotion eligibility. The numbers live in
//! [`EmploymentPolicy`]; the six-month probation cap is the one of LEAVE-4
//! (`leave::probation_last_possible_day`), passed in so that both rules share it.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::approval::StepKind;
use crate::money::Money;
use crate::person::{ChecklistItem, EmploymentPolicy};
use crate::text_enum::text_enum;

/// EMP-1: how HR extends a probation — to a date, or by a number of calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    Until(Date),
    Days(u32),
}

/// Why a probation extension is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionRefusal {
    /// The new end is not after the current one.
    #[error("the new end of probation must be after the current one, {current_end}")]
    NotLater { current_end: Date },
    /// EMP-1: past the six-month cap.
    #[error(
        "probation may run at most to {last_possible_day} (6 months from hiring, extensions included)"
    )]
    PastCap { last_possible_day: Date },
}

/// EMP-1: the new last day of a probation extended by `extension` from `current_end` (which
/// already includes any LEAVE-4 extensions). Refused past `last_possible_day`, the cap
/// `leave::probation_last_possible_day` computes; the cap day itself is allowed.
pub fn extended_probation_end(
    last_possible_day: Date,
    current_end: Date,
    extension: Extension,
) -> Result<Date, ExtensionRefusal> {
    let new_end = match extension {
        Extension::Until(date) => date,
        Extension::Days(days) => current_end.saturating_add(Duration::days(i64::from(days))),
    };
    if new_end <= current_end {
        return Err(ExtensionRefusal::NotLater { current_end });
    }
    if new_end > last_possible_day {
        return Err(ExtensionRefusal::PastCap { last_possible_day });
    }
    Ok(new_end)
}

/// EMP-2: the regularization form is approved by the department supervisor, then the
/// manager.
pub const REGULARIZATION_CHAIN: [StepKind; 2] = [StepKind::Supervisor, StepKind::DepartmentHead];

/// EMP-2: a customer-service employee below the recorded-performance bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PerformanceShortfall {
    pub required: Money,
    pub recorded: Money,
    pub shortfall: Money,
}

/// EMP-2: customer-service staff need `regularization_performance` (60,000.00) of recorded
/// performance before they may apply; others need none. The approvals are the chain
/// [`REGULARIZATION_CHAIN`].
pub fn regularization_performance_check(
    policy: &EmploymentPolicy,
    customer_service: bool,
    recorded: Money,
) -> Result<(), PerformanceShortfall> {
    let required = policy.regularization_performance;
    if !customer_service || recorded >= required {
        return Ok(());
    }
    Err(PerformanceShortfall {
        required,
        recorded,
        shortfall: Money::from_fen(required.fen() - recorded.fen()),
    })
}

/// EMP-2 (Reading): a regularization approved before the planned end of probation ends it on
/// the approval day; one approved later leaves the end where it was, so notice (EMP-3) and pay
/// already computed for the days in between are not rewritten.
pub fn regularized_probation_end(probation_end: Option<Date>, approved_on: Date) -> Date {
    probation_end.map_or(approved_on, |end| end.min(approved_on))
}

/// EMP-1, EMP-3: whether `on` falls within the probation that ends (inclusive) on
/// `probation_end`.
pub fn on_probation(probation_end: Option<Date>, on: Date) -> bool {
    probation_end.is_some_and(|end| on <= end)
}

/// EMP-3: pay in lieu of notice is for probation only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("pay in lieu of notice is only possible on probation; after it the notice is 30 days")]
pub struct PayInLieuRefused;

/// EMP-3: the earliest last day of work of a resignation submitted on `submitted_on`: on
/// probation 3 calendar days later, or the submission day itself with 3 days' pay in lieu of
/// notice; after probation 30 calendar days later.
pub fn earliest_leaving_date(
    policy: &EmploymentPolicy,
    submitted_on: Date,
    on_probation: bool,
    pay_in_lieu: bool,
) -> Result<Date, PayInLieuRefused> {
    let notice_days = match (on_probation, pay_in_lieu) {
        (true, true) => 0,
        (true, false) => policy.probation_notice_days,
        (false, false) => policy.regular_notice_days,
        (false, true) => return Err(PayInLieuRefused),
    };
    Ok(submitted_on.saturating_add(Duration::days(i64::from(notice_days))))
}

/// EMP-4: the checklist items not yet handed back, in the policy's order. Until this is
/// empty HR withholds the final pay and the leaving certificate.
pub fn outstanding_items(
    policy: &EmploymentPolicy,
    returned: &[ChecklistItem],
) -> Vec<ChecklistItem> {
    policy
        .checklist
        .iter()
        .copied()
        .filter(|item| !returned.contains(item))
        .collect()
}

/// EMP-5: whether an employee may be considered for promotion, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromotionEligibility {
    pub eligible: bool,
    /// Company-funded spend as a percentage of the period's recorded performance, rounded to
    /// two decimals ("3.01"); absent when there is no performance to compare with.
    pub ratio_percent: Option<String>,
    /// The EMP-5 limit as a percentage ("3.00").
    pub threshold_percent: String,
    pub reasons: Vec<String>,
}

/// Basis points as a percentage with two decimals (`9900` → `"99.00"`).
pub fn percent_text(basis_points: i128) -> String {
    format!("{}.{:02}", basis_points / 100, basis_points % 100)
}

/// EMP-5 (Reading of 公司投入资金超出3%): the company-funded spend recorded for the employee's
/// customers in the period (personal top-ups excluded, as the seed says) is compared with the
/// performance recorded for the same period. Strictly above 3% rules a customer-service
/// employee out; exactly 3.00% is still eligible. The comparison is exact in fen; only the
/// shown ratio is rounded. Spend without any performance is above every share. The rule does
/// not concern staff outside customer service.
pub fn promotion_eligibility(
    policy: &EmploymentPolicy,
    customer_service: bool,
    performance: Money,
    company_funded_spend: Money,
) -> PromotionEligibility {
    let limit = i128::from(policy.promotion_spend_limit_basis_points);
    let threshold_percent = percent_text(limit);
    let spend = i128::from(company_funded_spend.fen());
    let performance_fen = i128::from(performance.fen());
    let ratio_basis_points = (performance_fen > 0)
        .then(|| (spend * 10_000 * 2 + performance_fen) / (performance_fen * 2));
    let ratio_percent = ratio_basis_points.map(percent_text);
    if !customer_service {
        return PromotionEligibility {
            eligible: true,
            ratio_percent,
            threshold_percent,
            reasons: vec!["EMP-5 concerns customer-service staff only".into()],
        };
    }
    let over = spend > 0 && spend * 10_000 > performance_fen * limit;
    let reasons = if over {
        vec![format!(
            "EMP-5: company-funded spend {company_funded_spend} is above {threshold_percent}% of the recorded performance {performance}"
        )]
    } else {
        vec![format!(
            "EMP-5: company-funded spend {company_funded_spend} is within {threshold_percent}% of the recorded performance {performance}"
        )]
    };
    PromotionEligibility {
        eligible: !over,
        ratio_percent,
        threshold_percent,
        reasons,
    }
}

text_enum! {
    /// EMP-3: where a resignation stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ResignationStatus {
        Pending = "pending",
        /// The leaving date is on the employee's record.
        Accepted = "accepted",
        Withdrawn = "withdrawn",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::leave::{LeavePolicy, probation_last_possible_day};

    fn cap(hired_on: Date) -> Date {
        probation_last_possible_day(&LeavePolicy::default(), hired_on)
    }

    #[test]
    fn emp_1_the_leave_cap_is_the_employment_policy_cap() {
        assert_eq!(
            LeavePolicy::default().probation_cap_months,
            EmploymentPolicy::default().probation_cap_months
        );
    }

    #[test]
    fn emp_1_an_extension_may_reach_the_sixth_month_but_not_pass_it() {
        let hired = date!(2026 - 03 - 02);
        assert_eq!(cap(hired), date!(2026 - 09 - 01));
        let end = date!(2026 - 04 - 01);
        assert_eq!(
            extended_probation_end(cap(hired), end, Extension::Until(date!(2026 - 09 - 01))),
            Ok(date!(2026 - 09 - 01))
        );
        assert_eq!(
            extended_probation_end(cap(hired), end, Extension::Until(date!(2026 - 09 - 02))),
            Err(ExtensionRefusal::PastCap {
                last_possible_day: date!(2026 - 09 - 01)
            })
        );
        assert_eq!(
            extended_probation_end(cap(hired), end, Extension::Days(30)),
            Ok(date!(2026 - 05 - 01))
        );
    }

    #[test]
    fn emp_1_leave_4_extensions_already_applied_count_toward_the_cap() {
        let hired = date!(2026 - 03 - 02);
        // LEAVE-4 already moved the end to 25 August: 8 more days pass 1 September.
        let end = date!(2026 - 08 - 25);
        assert_eq!(
            extended_probation_end(cap(hired), end, Extension::Days(7)),
            Ok(date!(2026 - 09 - 01))
        );
        assert!(matches!(
            extended_probation_end(cap(hired), end, Extension::Days(8)),
            Err(ExtensionRefusal::PastCap { .. })
        ));
    }

    #[test]
    fn emp_1_an_extension_must_move_the_end_later() {
        let end = date!(2026 - 04 - 01);
        assert_eq!(
            extended_probation_end(date!(2026 - 09 - 01), end, Extension::Until(end)),
            Err(ExtensionRefusal::NotLater { current_end: end })
        );
        assert!(extended_probation_end(date!(2026 - 09 - 01), end, Extension::Days(0)).is_err());
    }

    #[test]
    fn emp_2_customer_service_needs_sixty_thousand_of_performance() {
        let policy = EmploymentPolicy::default();
        let short = Money::from_fen(5_999_999);
        assert_eq!(
            regularization_performance_check(&policy, true, short),
            Err(PerformanceShortfall {
                required: Money::from_yuan(60_000),
                recorded: short,
                shortfall: Money::from_fen(1),
            })
        );
        assert_eq!(
            regularization_performance_check(&policy, true, Money::from_yuan(60_000)),
            Ok(())
        );
        assert_eq!(
            regularization_performance_check(&policy, false, Money::ZERO),
            Ok(())
        );
    }

    #[test]
    fn emp_2_the_supervisor_approves_before_the_manager() {
        assert_eq!(
            REGULARIZATION_CHAIN,
            [StepKind::Supervisor, StepKind::DepartmentHead]
        );
    }

    #[test]
    fn emp_2_an_early_regularization_ends_probation_on_the_approval_day() {
        let end = date!(2026 - 04 - 01);
        assert_eq!(
            regularized_probation_end(Some(end), date!(2026 - 03 - 20)),
            date!(2026 - 03 - 20)
        );
        assert_eq!(
            regularized_probation_end(Some(end), date!(2026 - 05 - 01)),
            end
        );
        assert_eq!(
            regularized_probation_end(None, date!(2026 - 05 - 01)),
            date!(2026 - 05 - 01)
        );
    }

    #[test]
    fn emp_3_three_days_on_probation_thirty_after() {
        let policy = EmploymentPolicy::default();
        let day = date!(2026 - 03 - 10);
        assert_eq!(
            earliest_leaving_date(&policy, day, true, false),
            Ok(date!(2026 - 03 - 13))
        );
        assert_eq!(earliest_leaving_date(&policy, day, true, true), Ok(day));
        assert_eq!(
            earliest_leaving_date(&policy, day, false, false),
            Ok(date!(2026 - 04 - 09))
        );
        assert_eq!(
            earliest_leaving_date(&policy, day, false, true),
            Err(PayInLieuRefused)
        );
    }

    #[test]
    fn emp_3_probation_includes_its_last_day() {
        let end = date!(2026 - 04 - 01);
        assert!(on_probation(Some(end), end));
        assert!(!on_probation(Some(end), date!(2026 - 04 - 02)));
        assert!(!on_probation(None, end));
    }

    #[test]
    fn emp_4_every_item_is_outstanding_until_handed_back() {
        let policy = EmploymentPolicy::default();
        assert_eq!(outstanding_items(&policy, &[]), ChecklistItem::ALL.to_vec());
        let most: Vec<ChecklistItem> = ChecklistItem::ALL
            .into_iter()
            .filter(|item| *item != ChecklistItem::Books)
            .collect();
        assert_eq!(
            outstanding_items(&policy, &most),
            vec![ChecklistItem::Books]
        );
        assert!(outstanding_items(&policy, &ChecklistItem::ALL).is_empty());
    }

    #[test]
    fn emp_5_three_percent_exactly_is_eligible_above_is_not() {
        let policy = EmploymentPolicy::default();
        let performance = Money::from_yuan(100_000);
        let at = promotion_eligibility(&policy, true, performance, Money::from_yuan(3_000));
        assert!(at.eligible);
        assert_eq!(at.ratio_percent.as_deref(), Some("3.00"));
        assert_eq!(at.threshold_percent, "3.00");
        let above = promotion_eligibility(&policy, true, performance, Money::from_yuan(3_010));
        assert!(!above.eligible);
        assert_eq!(above.ratio_percent.as_deref(), Some("3.01"));
        // One fen above is above, though it shows as 3.00.
        let fen_above = promotion_eligibility(&policy, true, performance, Money::from_fen(300_001));
        assert!(!fen_above.eligible);
    }

    #[test]
    fn emp_5_spend_without_performance_is_above_the_limit() {
        let policy = EmploymentPolicy::default();
        let none = promotion_eligibility(&policy, true, Money::ZERO, Money::from_yuan(1));
        assert!(!none.eligible);
        assert_eq!(none.ratio_percent, None);
        assert!(promotion_eligibility(&policy, true, Money::ZERO, Money::ZERO).eligible);
    }

    #[test]
    fn emp_5_concerns_customer_service_staff_only() {
        let policy = EmploymentPolicy::default();
        let other =
            promotion_eligibility(&policy, false, Money::from_yuan(100), Money::from_yuan(50));
        assert!(other.eligible);
    }

    proptest! {
        #[test]
        fn emp_3_the_earliest_leaving_date_is_never_before_the_submission(
            offset in 0i64..3650, on_probation in any::<bool>(), pay_in_lieu in any::<bool>(),
        ) {
            let submitted = date!(2026 - 01 - 01) + Duration::days(offset);
            let policy = EmploymentPolicy::default();
            if let Ok(earliest) = earliest_leaving_date(&policy, submitted, on_probation, pay_in_lieu) {
                prop_assert!(earliest >= submitted);
            }
        }

        #[test]
        fn emp_3_a_later_submission_never_gives_an_earlier_leaving_date(
            offset in 0i64..3650, later in 0i64..400, on_probation in any::<bool>(),
        ) {
            let policy = EmploymentPolicy::default();
            let first = date!(2026 - 01 - 01) + Duration::days(offset);
            let second = first + Duration::days(later);
            let a = earliest_leaving_date(&policy, first, on_probation, false);
            let b = earliest_leaving_date(&policy, second, on_probation, false);
            prop_assert!(matches!((a, b), (Ok(a), Ok(b)) if b >= a));
        }

        #[test]
        fn emp_1_an_accepted_extension_never_passes_the_cap(
            offset in 0i64..3650, days in 0u32..400,
        ) {
            let hired = date!(2026 - 01 - 01) + Duration::days(offset);
            let end = hired + Duration::days(30);
            if let Ok(new_end) = extended_probation_end(cap(hired), end, Extension::Days(days)) {
                prop_assert!(new_end <= cap(hired));
                prop_assert!(new_end > end);
            }
        }
    }

    #[test]
    fn emp_3_resignation_statuses_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&ResignationStatus::ALL, ResignationStatus::as_str);
        assert_serde_names_match(&ResignationStatus::ALL, ResignationStatus::as_str);
        assert_eq!(
            ResignationStatus::ALL.map(ResignationStatus::as_str),
            ["pending", "accepted", "withdrawn"]
        );
    }
}
