//! EMP-7: each month's targets and assessment standard (任务目标及考核). By the 3rd working day
//! of the month every department head files them, reported to the general manager; the
//! assessment standard changes at most once a quarter. The numbers live in
//! [`EmploymentPolicy`].

use serde::Serialize;
use time::Date;

use crate::calendar::{BusinessCalendar, CalendarError, OnCalendar};
use crate::person::EmploymentPolicy;
use crate::quarter::Quarter;
use crate::text_enum::text_enum;

/// The first day of the month `day` falls in.
pub fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

/// EMP-7: the last day on which `month`'s targets are filed on time — the
/// `targets_due_working_day`th working day of the month on the business calendar (weekends,
/// public holidays and make-up working days as imported; provisional for a year without a
/// schedule). `month` is any day of the month.
pub fn targets_due_on(
    policy: &EmploymentPolicy,
    calendar: &BusinessCalendar,
    month: Date,
) -> Result<OnCalendar<Date>, CalendarError> {
    let eve = first_of_month(month)
        .previous_day()
        .ok_or(CalendarError::OutOfRange)?;
    calendar.add_working_days(eve, policy.targets_due_working_day)
}

/// EMP-7: a filing made on the local day `filed_on` is late when that day is after `due_on`;
/// the due day itself is on time, to its last minute.
pub fn targets_filed_late(due_on: Date, filed_on: Date) -> bool {
    filed_on > due_on
}

/// EMP-7: a department that has not filed is listed as late once `today` is past `due_on`.
pub fn targets_overdue(due_on: Date, today: Date) -> bool {
    today > due_on
}

/// EMP-7 (Reading): targets are filed for the current month, an earlier one (late, but on
/// record), or the next month ahead of time; not further ahead.
pub fn targets_month_open(today: Date, month: Date) -> bool {
    let this_month = first_of_month(today);
    let next_month = this_month
        .replace_day(this_month.month().length(this_month.year()))
        .ok()
        .and_then(Date::next_day)
        .unwrap_or(this_month);
    first_of_month(month) <= next_month
}

/// EMP-7 (Reading): a filing changes the assessment standard when the department's filing
/// for the latest earlier month had a different one (compared trimmed). The first standard a
/// department files sets it and is not a change.
pub fn is_standard_change(previous: Option<&str>, standard: &str) -> bool {
    previous.is_some_and(|previous| previous.trim() != standard.trim())
}

/// EMP-7: why a change of the assessment standard is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the assessment standard changes at most {allowed} time(s) a quarter and was already changed {already} time(s) in {quarter}"
)]
pub struct StandardChangeRefused {
    pub allowed: u32,
    pub already: u32,
    pub quarter: Quarter,
}

/// EMP-7: whether one more change of the standard fits the quarter, given the changes the
/// department already made in it.
pub fn standard_change_allowed(
    policy: &EmploymentPolicy,
    quarter: Quarter,
    changes_already: u32,
) -> Result<(), StandardChangeRefused> {
    if changes_already < policy.standard_changes_per_quarter {
        Ok(())
    } else {
        Err(StandardChangeRefused {
            allowed: policy.standard_changes_per_quarter,
            already: changes_already,
            quarter,
        })
    }
}

text_enum! {
    /// EMP-7: where a month's filing stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum MonthlyTargetStatus {
        /// Filed, waiting for the general manager.
        Filed = "filed",
        /// The general manager has acknowledged it.
        Acknowledged = "acknowledged",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::date;

    use super::*;
    use crate::calendar::official_2026;

    /// The official 2026 schedule: 1–7 October off, Saturday 10 October worked.
    fn calendar_2026() -> BusinessCalendar {
        official_2026()
    }

    #[test]
    fn emp_7_a_month_starting_on_a_weekend_is_due_on_its_third_working_day() {
        let policy = EmploymentPolicy::default();
        // Saturday 1 August 2026: Monday 3, Tuesday 4, Wednesday 5.
        let due = targets_due_on(&policy, &calendar_2026(), date!(2026 - 08 - 17)).unwrap();
        assert_eq!(due.value, date!(2026 - 08 - 05));
        assert!(!due.provisional);
        assert!(!targets_filed_late(due.value, date!(2026 - 08 - 05)));
        assert!(targets_filed_late(due.value, date!(2026 - 08 - 06)));
    }

    #[test]
    fn emp_7_holidays_are_skipped_and_make_up_days_count() {
        let policy = EmploymentPolicy::default();
        // 1–7 October off: Thursday 8, Friday 9, make-up Saturday 10.
        let due = targets_due_on(&policy, &calendar_2026(), date!(2026 - 10 - 01)).unwrap();
        assert_eq!(due.value, date!(2026 - 10 - 10));
        assert!(targets_filed_late(due.value, date!(2026 - 10 - 12)));
    }

    #[test]
    fn emp_7_a_month_starting_on_a_working_day_counts_it() {
        let policy = EmploymentPolicy::default();
        // Tuesday 1 September 2026: 1, 2, 3.
        let due = targets_due_on(&policy, &calendar_2026(), date!(2026 - 09 - 01)).unwrap();
        assert_eq!(due.value, date!(2026 - 09 - 03));
        // 2027 has no schedule here: provisional.
        let january = targets_due_on(&policy, &calendar_2026(), date!(2027 - 01 - 01)).unwrap();
        assert!(january.provisional);
    }

    #[test]
    fn emp_7_an_unfiled_month_is_overdue_the_day_after_the_due_day() {
        let due = date!(2026 - 08 - 05);
        assert!(!targets_overdue(due, due));
        assert!(targets_overdue(due, date!(2026 - 08 - 06)));
    }

    #[test]
    fn emp_7_targets_are_filed_at_most_a_month_ahead() {
        let today = date!(2026 - 08 - 31);
        assert!(targets_month_open(today, date!(2026 - 07 - 01)));
        assert!(targets_month_open(today, date!(2026 - 08 - 01)));
        assert!(targets_month_open(today, date!(2026 - 09 - 01)));
        assert!(!targets_month_open(today, date!(2026 - 10 - 01)));
        assert!(targets_month_open(
            date!(2026 - 12 - 15),
            date!(2027 - 01 - 01)
        ));
    }

    #[test]
    fn emp_7_the_first_standard_is_not_a_change() {
        assert!(!is_standard_change(None, "A"));
        assert!(!is_standard_change(Some("A "), " A"));
        assert!(is_standard_change(Some("A"), "B"));
    }

    #[test]
    fn emp_7_one_change_a_quarter() {
        let policy = EmploymentPolicy::default();
        let quarter = Quarter::containing(date!(2026 - 08 - 01));
        assert_eq!(standard_change_allowed(&policy, quarter, 0), Ok(()));
        assert_eq!(
            standard_change_allowed(&policy, quarter, 1),
            Err(StandardChangeRefused {
                allowed: 1,
                already: 1,
                quarter
            })
        );
    }

    #[test]
    fn emp_7_statuses_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&MonthlyTargetStatus::ALL, MonthlyTargetStatus::as_str);
        assert_serde_names_match(&MonthlyTargetStatus::ALL, MonthlyTargetStatus::as_str);
        assert_eq!(
            MonthlyTargetStatus::ALL.map(MonthlyTargetStatus::as_str),
            ["filed", "acknowledged"]
        );
    }

    proptest! {
        #[test]
        fn emp_7_the_due_day_is_a_working_day_of_the_month(offset in 0i64..3650) {
            let policy = EmploymentPolicy::default();
            let calendar = calendar_2026();
            let day = date!(2025 - 01 - 01) + Duration::days(offset);
            let due = targets_due_on(&policy, &calendar, day).unwrap().value;
            prop_assert!(due >= first_of_month(day));
            prop_assert_eq!(first_of_month(due), first_of_month(day));
            prop_assert!(calendar.is_working_day(due));
        }
    }
}
