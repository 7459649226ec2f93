//! EMP-6: promotions — recommended by the department head, reviewed by HR, approved by the
//! general manager; in force from their effective date once approved, changing the rank and
//! base salary payroll reads.

use serde::Serialize;
use time::{Date, Month};

use crate::approval::StepKind;
use crate::money::Money;
use crate::sla::Rank;

/// EMP-6: the department head recommends, the HR head reviews, the general manager approves.
pub const PROMOTION_CHAIN: [StepKind; 3] = [
    StepKind::DepartmentHead,
    StepKind::Hr,
    StepKind::GeneralManager,
];

/// What a promotion changes: the rank and the monthly base salary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PayTerms {
    pub rank: Rank,
    pub base_salary: Money,
}

/// An approved promotion: the terms it sets and the day they take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovedPromotion {
    /// The first day the new terms apply (see [`in_force_from`]).
    pub in_force_from: Date,
    pub terms: PayTerms,
}

/// EMP-6 (Reading): an approved promotion is in force from its effective date, or from the
/// approval day when the approval came later — never before it was approved.
pub fn in_force_from(effective_on: Date, approved_on: Date) -> Date {
    effective_on.max(approved_on)
}

/// EMP-6: the terms in force on `on`: those of the latest approved promotion in force by then
/// (the later approval wins among promotions in force from the same day, so `approved` is in
/// approval order), otherwise the employee record's own.
pub fn terms_in_force(recorded: PayTerms, approved: &[ApprovedPromotion], on: Date) -> PayTerms {
    approved
        .iter()
        .enumerate()
        .filter(|(_, promotion)| promotion.in_force_from <= on)
        .max_by_key(|(order, promotion)| (promotion.in_force_from, *order))
        .map_or(recorded, |(_, promotion)| promotion.terms)
}

/// EMP-6 (Reading of "from that date" for payroll): a month is paid on the terms in force on
/// its last day, so a promotion effective on any day of a month pays the new base salary for
/// that whole month, and the month before it still pays the old one.
pub fn payroll_reading_day(year: i32, month: Month) -> Option<Date> {
    Date::from_calendar_date(year, month, month.length(year)).ok()
}

/// Why a proposed promotion is not one: the field and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionProblem {
    pub field: &'static str,
    pub message: String,
}

/// EMP-6: a promotion never lowers the rank, and one that keeps the rank must raise the base
/// salary; the base salary is never lowered.
pub fn promotion_problem(current: PayTerms, proposed: PayTerms) -> Option<PromotionProblem> {
    if proposed.rank < current.rank {
        return Some(PromotionProblem {
            field: "to_rank",
            message: format!(
                "a promotion does not lower the rank ({} is below the current {})",
                proposed.rank.as_str(),
                current.rank.as_str()
            ),
        });
    }
    if proposed.base_salary < current.base_salary {
        return Some(PromotionProblem {
            field: "base_salary",
            message: format!(
                "a promotion does not lower the base salary (current {})",
                current.base_salary
            ),
        });
    }
    if proposed == current {
        return Some(PromotionProblem {
            field: "to_rank",
            message: "a promotion raises the rank or the base salary".into(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn terms(rank: Rank, yuan: i64) -> PayTerms {
        PayTerms {
            rank,
            base_salary: Money::from_yuan(yuan),
        }
    }

    #[test]
    fn emp_6_the_chain_is_department_head_then_hr_then_general_manager() {
        assert_eq!(
            PROMOTION_CHAIN,
            [
                StepKind::DepartmentHead,
                StepKind::Hr,
                StepKind::GeneralManager
            ]
        );
    }

    #[test]
    fn emp_6_new_terms_apply_from_the_effective_date_not_the_day_before() {
        let old = terms(Rank::Staff, 5_000);
        let new = terms(Rank::Manager, 8_000);
        let approved = [ApprovedPromotion {
            in_force_from: date!(2026 - 03 - 15),
            terms: new,
        }];
        assert_eq!(terms_in_force(old, &approved, date!(2026 - 03 - 14)), old);
        assert_eq!(terms_in_force(old, &approved, date!(2026 - 03 - 15)), new);
        assert_eq!(terms_in_force(old, &[], date!(2027 - 01 - 01)), old);
    }

    #[test]
    fn emp_6_the_latest_promotion_in_force_wins() {
        let old = terms(Rank::Staff, 5_000);
        let first = ApprovedPromotion {
            in_force_from: date!(2026 - 02 - 01),
            terms: terms(Rank::Staff, 6_000),
        };
        let second = ApprovedPromotion {
            in_force_from: date!(2026 - 05 - 01),
            terms: terms(Rank::Manager, 9_000),
        };
        let both = [second, first];
        assert_eq!(
            terms_in_force(old, &both, date!(2026 - 04 - 30)),
            first.terms
        );
        assert_eq!(
            terms_in_force(old, &both, date!(2026 - 05 - 01)),
            second.terms
        );
    }

    #[test]
    fn emp_6_never_in_force_before_its_approval() {
        assert_eq!(
            in_force_from(date!(2026 - 03 - 01), date!(2026 - 03 - 10)),
            date!(2026 - 03 - 10)
        );
        assert_eq!(
            in_force_from(date!(2026 - 04 - 01), date!(2026 - 03 - 10)),
            date!(2026 - 04 - 01)
        );
    }

    #[test]
    fn emp_6_payroll_reads_the_terms_on_the_months_last_day() {
        assert_eq!(
            payroll_reading_day(2026, Month::February),
            Some(date!(2026 - 02 - 28))
        );
        assert_eq!(
            payroll_reading_day(2028, Month::February),
            Some(date!(2028 - 02 - 29))
        );
        // Effective on the 31st: that month pays the new salary; the month before the old.
        let old = terms(Rank::Staff, 5_000);
        let approved = [ApprovedPromotion {
            in_force_from: date!(2026 - 03 - 31),
            terms: terms(Rank::Manager, 8_000),
        }];
        let on = |month| payroll_reading_day(2026, month).unwrap();
        assert_eq!(terms_in_force(old, &approved, on(Month::February)), old);
        assert_eq!(
            terms_in_force(old, &approved, on(Month::March)).base_salary,
            Money::from_yuan(8_000)
        );
    }

    #[test]
    fn emp_6_a_promotion_raises_rank_or_salary_never_lowers() {
        let current = terms(Rank::Manager, 8_000);
        assert_eq!(
            promotion_problem(current, terms(Rank::Staff, 9_000)).map(|p| p.field),
            Some("to_rank")
        );
        assert_eq!(
            promotion_problem(current, terms(Rank::GeneralManager, 7_999)).map(|p| p.field),
            Some("base_salary")
        );
        assert_eq!(
            promotion_problem(current, current).map(|p| p.field),
            Some("to_rank")
        );
        assert_eq!(
            promotion_problem(current, terms(Rank::Manager, 8_001)),
            None
        );
        assert_eq!(
            promotion_problem(current, terms(Rank::GeneralManager, 8_000)),
            None
        );
    }
}
