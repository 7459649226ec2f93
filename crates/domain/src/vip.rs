//! VIP — big-customer visit plans (客户回访制度 第五条): a tier-A customer gets a visit plan
//! (VIP-1), its visits are recorded with their issues (VIP-2), and each quarter counts the
//! periods planned and done per owner, with the plans overdue (VIP-3).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::refusal::Refusal;
use crate::text_enum::text_enum;
use crate::tier::Tier;

/// The numbers of the VIP rules, each a policy default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VipPolicy {
    /// VIP-1: calendar months per visit period of a plan (monthly). A plan keeps the number it
    /// was opened with.
    pub visit_every_months: u32,
}

impl Default for VipPolicy {
    fn default() -> Self {
        VipPolicy {
            visit_every_months: 1,
        }
    }
}

/// VIP-1: a big customer is a tier-A customer; only they hold an open visit plan.
pub fn is_big_customer(tier: Option<Tier>) -> bool {
    tier == Some(Tier::A)
}

text_enum! {
    /// VIP-3: whether a plan still gets due dates; stored as `ended_on` being empty or not.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum VipPlanStatus {
        /// The customer is tier A: periods keep coming due.
        Open = "open",
        /// The customer left tier A: no due date after `ended_on`; its history stays.
        Ended = "ended",
    }
}

/// A plan as the VIP rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanTerm {
    pub started_on: Date,
    /// `None` while the plan is open.
    pub ended_on: Option<Date>,
    pub visit_every_months: u32,
}

/// VIP-1: one visit period of a plan: a visit is due by `due_on`, its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitPeriod {
    /// The first day of the window (the first of a month; may precede the plan's start).
    pub starts_on: Date,
    /// The last day of the window: the due date.
    pub due_on: Date,
}

/// Months since year 0 of the month holding `date`.
fn month_index(date: Date) -> i64 {
    i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1
}

/// The first day of month `index` (months since year 0).
fn first_of_month(index: i64) -> Option<Date> {
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    Date::from_calendar_date(year, month, 1).ok()
}

impl PlanTerm {
    fn months(&self) -> i64 {
        i64::from(self.visit_every_months.max(1))
    }

    /// VIP-1: the `index`th period (0 for the first): consecutive windows of
    /// `visit_every_months` calendar months, the first holding the month of `started_on`.
    pub fn period(&self, index: u32) -> Option<VisitPeriod> {
        let first = month_index(self.started_on) + i64::from(index) * self.months();
        let starts_on = first_of_month(first)?;
        let due_on = first_of_month(first + self.months())?.previous_day()?;
        Some(VisitPeriod { starts_on, due_on })
    }

    /// VIP-1: the index of the period holding `date`, `None` before the plan's first period.
    pub fn period_index_of(&self, date: Date) -> Option<u32> {
        let offset = month_index(date) - month_index(self.started_on);
        if offset < 0 {
            return None;
        }
        u32::try_from(offset / self.months()).ok()
    }

    /// VIP-1, VIP-3: a period is planned when its due date is on or after the start and, once
    /// the plan has ended, on or before the end: a customer that left tier A gets no new due
    /// dates.
    pub fn is_planned(&self, period: VisitPeriod) -> bool {
        period.due_on >= self.started_on && self.ended_on.is_none_or(|end| period.due_on <= end)
    }

    /// VIP-3: whether the plan is open on `on` (started, and not ended before that day).
    pub fn open_on(&self, on: Date) -> bool {
        self.started_on <= on && self.ended_on.is_none_or(|end| on <= end)
    }

    /// VIP-1, VIP-3: the planned periods whose due date falls within `first..=last`, in order.
    pub fn planned_periods_due_within(&self, first: Date, last: Date) -> Vec<VisitPeriod> {
        let mut periods = Vec::new();
        let start = self.period_index_of(first).unwrap_or(0);
        let mut index = start;
        while let Some(period) = self.period(index) {
            if period.due_on > last || !self.is_planned(period) {
                break;
            }
            if period.due_on >= first {
                periods.push(period);
            }
            index += 1;
        }
        periods
    }
}

/// VIP-1: a period is done when a visit of the plan falls on or after the later of the
/// period's first day and the plan's start, and on or before the due date: a visit on the
/// due date counts, the day after belongs to the next period.
pub fn period_done(plan: &PlanTerm, period: VisitPeriod, visits: &[Date]) -> bool {
    let from = period.starts_on.max(plan.started_on);
    visits
        .iter()
        .any(|visited| from <= *visited && *visited <= period.due_on)
}

/// VIP-3: on `on`, the due date since which an open plan is overdue: its latest planned
/// period due before `on` has no visit. `None` when that period was visited, when no period
/// has come due yet, or when the plan is not open on `on`.
pub fn overdue_since(plan: &PlanTerm, visits: &[Date], on: Date) -> Option<Date> {
    if !plan.open_on(on) {
        return None;
    }
    let yesterday = on.previous_day()?;
    let index = plan.period_index_of(yesterday)?;
    // The period holding yesterday is due before `on` only when yesterday is its last day.
    let candidates = [Some(index), index.checked_sub(1)];
    let latest = candidates
        .into_iter()
        .flatten()
        .filter_map(|i| plan.period(i))
        .find(|period| period.due_on < on && plan.is_planned(*period))?;
    (!period_done(plan, latest, visits)).then_some(latest.due_on)
}

/// VIP-1: on `on`, the next due date of an open plan: that of the first period due on or
/// after `on` that has no visit yet. `None` for an ended plan.
pub fn next_due_on(plan: &PlanTerm, visits: &[Date], on: Date) -> Option<Date> {
    if plan.ended_on.is_some() {
        return None;
    }
    let mut index = plan.period_index_of(on.max(plan.started_on))?;
    loop {
        let period = plan.period(index)?;
        if period.due_on >= on && !period_done(plan, period, visits) {
            return Some(period.due_on);
        }
        index = index.checked_add(1)?;
    }
}

/// VIP-3: one plan's count for a quarter: the planned periods due within it, those done,
/// and those missed (due before `today` without a visit); the rest are still open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitTally {
    pub planned: u32,
    pub done: u32,
    pub missed: u32,
}

impl std::ops::AddAssign for VisitTally {
    fn add_assign(&mut self, other: Self) {
        self.planned += other.planned;
        self.done += other.done;
        self.missed += other.missed;
    }
}

/// VIP-3: planned vs done for one plan over the days `first..=last` (a quarter), judged on
/// `today`.
pub fn visit_tally(
    plan: &PlanTerm,
    visits: &[Date],
    first: Date,
    last: Date,
    today: Date,
) -> VisitTally {
    let mut tally = VisitTally::default();
    for period in plan.planned_periods_due_within(first, last) {
        tally.planned += 1;
        if period_done(plan, period, visits) {
            tally.done += 1;
        } else if period.due_on < today {
            tally.missed += 1;
        }
    }
    tally
}

/// VIP-2, VIP-3: why a visit's date is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitDateRefusal {
    /// A visit is recorded once it took place.
    InTheFuture,
    /// Before the plan started.
    BeforePlan(Date),
    /// VIP-3: after the plan ended (the customer left tier A).
    AfterEnd(Refusal),
}

/// VIP-2, VIP-3: a visit is recorded on `visited_on` when that day is not after `today`, not
/// before the plan's start and, for an ended plan, not after its end.
pub fn visit_date_allowed(
    plan: &PlanTerm,
    visited_on: Date,
    today: Date,
) -> Result<(), VisitDateRefusal> {
    if visited_on > today {
        return Err(VisitDateRefusal::InTheFuture);
    }
    if visited_on < plan.started_on {
        return Err(VisitDateRefusal::BeforePlan(plan.started_on));
    }
    if let Some(end) = plan.ended_on.filter(|end| visited_on > *end) {
        return Err(VisitDateRefusal::AfterEnd(Refusal::new(
            "VIP-3",
            format!(
                "the plan ended on {end} when the customer left tier A; a visit after that day is not recorded on it"
            ),
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::date;

    fn plan(started_on: Date, ended_on: Option<Date>, months: u32) -> PlanTerm {
        PlanTerm {
            started_on,
            ended_on,
            visit_every_months: months,
        }
    }

    #[test]
    fn vip_1_big_customers_are_tier_a() {
        assert!(is_big_customer(Some(Tier::A)));
        assert!(!is_big_customer(Some(Tier::B)));
        assert!(!is_big_customer(Some(Tier::C)));
        assert!(!is_big_customer(None));
        assert_eq!(VipPolicy::default().visit_every_months, 1);
    }

    #[test]
    fn vip_1_the_first_period_runs_to_the_end_of_the_start_month() {
        let monthly = plan(date!(2026 - 10 - 15), None, 1);
        assert_eq!(
            monthly.period(0),
            Some(VisitPeriod {
                starts_on: date!(2026 - 10 - 01),
                due_on: date!(2026 - 10 - 31),
            })
        );
        assert_eq!(
            monthly.period(4),
            Some(VisitPeriod {
                starts_on: date!(2027 - 02 - 01),
                due_on: date!(2027 - 02 - 28),
            })
        );
        let quarterly = plan(date!(2026 - 11 - 30), None, 3);
        assert_eq!(
            quarterly.period(1).unwrap().due_on,
            date!(2027 - 04 - 30),
            "windows count from the start month, not the calendar quarter"
        );
        assert_eq!(monthly.period_index_of(date!(2026 - 09 - 30)), None);
        assert_eq!(monthly.period_index_of(date!(2026 - 11 - 01)), Some(1));
    }

    #[test]
    fn vip_1_a_visit_on_the_due_date_counts_the_day_after_does_not() {
        let p = plan(date!(2026 - 10 - 15), None, 1);
        let october = p.period(0).unwrap();
        assert!(period_done(&p, october, &[date!(2026 - 10 - 31)]));
        assert!(period_done(&p, october, &[date!(2026 - 10 - 15)]));
        assert!(!period_done(&p, october, &[date!(2026 - 11 - 01)]));
        assert!(
            !period_done(&p, october, &[date!(2026 - 10 - 14)]),
            "before the plan started"
        );
    }

    #[test]
    fn vip_3_overdue_from_the_day_after_an_unvisited_due_date() {
        let p = plan(date!(2026 - 10 - 15), None, 1);
        assert_eq!(overdue_since(&p, &[], date!(2026 - 10 - 31)), None);
        assert_eq!(
            overdue_since(&p, &[], date!(2026 - 11 - 01)),
            Some(date!(2026 - 10 - 31))
        );
        assert_eq!(
            overdue_since(&p, &[date!(2026 - 11 - 01)], date!(2026 - 11 - 30)),
            Some(date!(2026 - 10 - 31)),
            "a November visit does not make up for October"
        );
        assert_eq!(
            overdue_since(&p, &[date!(2026 - 11 - 01)], date!(2026 - 12 - 01)),
            None
        );
        assert_eq!(
            overdue_since(&p, &[date!(2026 - 10 - 31)], date!(2026 - 11 - 01)),
            None
        );
        assert_eq!(overdue_since(&p, &[], date!(2026 - 10 - 15)), None);
        let ended = plan(date!(2026 - 10 - 15), Some(date!(2026 - 11 - 20)), 1);
        assert_eq!(
            overdue_since(&ended, &[], date!(2026 - 11 - 21)),
            None,
            "an ended plan is never overdue"
        );
    }

    #[test]
    fn vip_1_next_due_skips_a_visited_period() {
        let p = plan(date!(2026 - 10 - 15), None, 1);
        assert_eq!(
            next_due_on(&p, &[], date!(2026 - 10 - 15)),
            Some(date!(2026 - 10 - 31))
        );
        assert_eq!(
            next_due_on(&p, &[date!(2026 - 10 - 20)], date!(2026 - 10 - 21)),
            Some(date!(2026 - 11 - 30))
        );
        assert_eq!(
            next_due_on(&p, &[], date!(2026 - 11 - 01)),
            Some(date!(2026 - 11 - 30))
        );
        let ended = plan(date!(2026 - 10 - 15), Some(date!(2026 - 11 - 20)), 1);
        assert_eq!(next_due_on(&ended, &[], date!(2026 - 11 - 01)), None);
    }

    #[test]
    fn vip_3_an_ended_plan_gets_no_new_due_dates() {
        let ended = plan(date!(2026 - 10 - 15), Some(date!(2026 - 11 - 20)), 1);
        let due: Vec<Date> = ended
            .planned_periods_due_within(date!(2026 - 01 - 01), date!(2027 - 12 - 31))
            .iter()
            .map(|p| p.due_on)
            .collect();
        assert_eq!(due, vec![date!(2026 - 10 - 31)]);
        let on_the_due_date = plan(date!(2026 - 10 - 15), Some(date!(2026 - 11 - 30)), 1);
        assert_eq!(
            on_the_due_date
                .planned_periods_due_within(date!(2026 - 10 - 01), date!(2026 - 12 - 31))
                .len(),
            2,
            "ended on a due date: that period is still planned"
        );
    }

    #[test]
    fn vip_3_a_quarter_counts_planned_done_and_missed() {
        let p = plan(date!(2026 - 10 - 15), None, 1);
        let (first, last) = (date!(2026 - 10 - 01), date!(2026 - 12 - 31));
        let visits = [date!(2026 - 10 - 31), date!(2026 - 12 - 05)];
        assert_eq!(
            visit_tally(&p, &visits, first, last, date!(2027 - 01 - 01)),
            VisitTally {
                planned: 3,
                done: 2,
                missed: 1
            }
        );
        assert_eq!(
            visit_tally(&p, &[], first, last, date!(2026 - 11 - 30)),
            VisitTally {
                planned: 3,
                done: 0,
                missed: 1
            },
            "November is due today: not missed yet"
        );
        let before = plan(date!(2027 - 01 - 02), None, 1);
        assert_eq!(
            visit_tally(&before, &[], first, last, date!(2027 - 02 - 01)),
            VisitTally::default()
        );
    }

    #[test]
    fn vip_2_3_visit_dates() {
        let p = plan(date!(2026 - 10 - 15), None, 1);
        let today = date!(2026 - 11 - 10);
        assert_eq!(visit_date_allowed(&p, today, today), Ok(()));
        assert_eq!(
            visit_date_allowed(&p, date!(2026 - 11 - 11), today),
            Err(VisitDateRefusal::InTheFuture)
        );
        assert_eq!(
            visit_date_allowed(&p, date!(2026 - 10 - 14), today),
            Err(VisitDateRefusal::BeforePlan(date!(2026 - 10 - 15)))
        );
        let ended = plan(date!(2026 - 10 - 15), Some(date!(2026 - 11 - 01)), 1);
        assert_eq!(
            visit_date_allowed(&ended, date!(2026 - 11 - 01), today),
            Ok(())
        );
        match visit_date_allowed(&ended, date!(2026 - 11 - 02), today) {
            Err(VisitDateRefusal::AfterEnd(refusal)) => assert_eq!(refusal.rule, "VIP-3"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn vip_enums_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&VipPlanStatus::ALL, VipPlanStatus::as_str);
        assert_serde_names_match(&VipPlanStatus::ALL, VipPlanStatus::as_str);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i32..40_000).prop_map(|days| date!(2000 - 01 - 01) + Duration::days(i64::from(days)))
    }

    proptest! {
        #[test]
        fn vip_1_due_dates_never_precede_the_start_and_periods_follow_on(
            started_on in any_date(),
            months in 1u32..=12,
            count in 1u32..=40,
        ) {
            let p = plan(started_on, None, months);
            let first = p.period(0).unwrap();
            prop_assert!(first.starts_on <= started_on && started_on <= first.due_on);
            let mut previous: Option<VisitPeriod> = None;
            for index in 0..count {
                let period = p.period(index).unwrap();
                prop_assert!(period.due_on >= started_on);
                prop_assert!(period.starts_on <= period.due_on);
                prop_assert!(p.is_planned(period));
                prop_assert_eq!(p.period_index_of(period.starts_on), Some(index));
                prop_assert_eq!(p.period_index_of(period.due_on), Some(index));
                if let Some(before) = previous {
                    prop_assert_eq!(before.due_on.next_day(), Some(period.starts_on));
                }
                previous = Some(period);
            }
        }

        #[test]
        fn vip_3_no_due_date_after_the_end(
            started_on in any_date(),
            length in 0i64..=800,
            months in 1u32..=6,
        ) {
            let ended_on = started_on + Duration::days(length);
            let p = plan(started_on, Some(ended_on), months);
            let periods = p.planned_periods_due_within(
                date!(1999 - 01 - 01),
                ended_on + Duration::days(800),
            );
            for period in &periods {
                prop_assert!(period.due_on >= started_on && period.due_on <= ended_on);
            }
            prop_assert_eq!(overdue_since(&p, &[], ended_on + Duration::days(1)), None);
        }
    }
}
