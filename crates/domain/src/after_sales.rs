//! CARE-3: the after-sales visits a training deal obliges, and which of them were missed.

use std::fmt;

use time::{Date, Month};

/// CARE-3's numbers, policy defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterSalesPolicy {
    /// The first window: the deal day and the days after it, this many in all.
    pub first_week_days: i64,
    pub visits_in_first_week: u32,
    /// Then, in every calendar month after the deal's month, at least this many visits.
    pub visits_per_month: u32,
}

impl Default for AfterSalesPolicy {
    fn default() -> Self {
        AfterSalesPolicy {
            first_week_days: 7,
            visits_in_first_week: 1,
            visits_per_month: 2,
        }
    }
}

/// Which window an obligation covers; written `first-week` or `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VisitWindow {
    FirstWeek,
    Month { year: i32, month: Month },
}

impl fmt::Display for VisitWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VisitWindow::FirstWeek => f.write_str("first-week"),
            VisitWindow::Month { year, month } => write!(f, "{year:04}-{:02}", u8::from(*month)),
        }
    }
}

impl VisitWindow {
    /// Reads `first-week` or `YYYY-MM`.
    pub fn parse(text: &str) -> Option<VisitWindow> {
        if text == "first-week" {
            return Some(VisitWindow::FirstWeek);
        }
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
        Some(VisitWindow::Month { year, month })
    }
}

/// Visits owed within `first_day..=last_day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Obligation {
    pub window: VisitWindow,
    pub first_day: Date,
    pub last_day: Date,
    pub required: u32,
}

fn month_after(date: Date) -> Option<Date> {
    let (year, month) = match date.month() {
        Month::December => (date.year() + 1, Month::January),
        month => (date.year(), month.next()),
    };
    Date::from_calendar_date(year, month, 1).ok()
}

/// CARE-3: the obligations of a training deal made on `deal_on` whose window has begun by
/// `through`: one visit within the first week (the deal day and the 6 days after), then at
/// least 2 in every calendar month after the deal's month, up to the month the service ends
/// (`ends_on`), if it does.
pub fn visit_obligations(
    deal_on: Date,
    ends_on: Option<Date>,
    through: Date,
    policy: &AfterSalesPolicy,
) -> Vec<Obligation> {
    let mut obligations = Vec::new();
    if deal_on > through {
        return obligations;
    }
    obligations.push(Obligation {
        window: VisitWindow::FirstWeek,
        first_day: deal_on,
        last_day: deal_on + time::Duration::days(policy.first_week_days - 1),
        required: policy.visits_in_first_week,
    });
    let last = ends_on.map_or(through, |end| end.min(through));
    let mut start = month_after(deal_on);
    while let Some(first_day) = start.filter(|day| *day <= last) {
        let next = month_after(first_day);
        obligations.push(Obligation {
            window: VisitWindow::Month {
                year: first_day.year(),
                month: first_day.month(),
            },
            first_day,
            last_day: next.map_or(first_day, |n| n.previous_day().unwrap_or(first_day)),
            required: policy.visits_per_month,
        });
        start = next;
    }
    obligations
}

/// CARE-3: how many visits of `obligation` were missed, judged on `as_of`, given the visits
/// made within its window. Nothing is missed while the window is still open (its last day
/// included).
pub fn missed_visits(obligation: &Obligation, visits_made: u32, as_of: Date) -> Option<u32> {
    (obligation.last_day < as_of && visits_made < obligation.required)
        .then(|| obligation.required - visits_made)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn care_3_first_week_is_the_deal_day_and_six_more() {
        let policy = AfterSalesPolicy::default();
        let obligations =
            visit_obligations(date!(2026 - 11 - 10), None, date!(2026 - 11 - 20), &policy);
        assert_eq!(
            obligations,
            vec![Obligation {
                window: VisitWindow::FirstWeek,
                first_day: date!(2026 - 11 - 10),
                last_day: date!(2026 - 11 - 16),
                required: 1,
            }]
        );
        let first_week = obligations[0];
        // The seventh day is still in time; the eighth judges the week missed.
        assert_eq!(missed_visits(&first_week, 0, date!(2026 - 11 - 16)), None);
        assert_eq!(
            missed_visits(&first_week, 0, date!(2026 - 11 - 17)),
            Some(1)
        );
        assert_eq!(missed_visits(&first_week, 1, date!(2026 - 11 - 17)), None);
    }

    #[test]
    fn care_3_two_visits_in_every_month_after_the_deal_month() {
        let policy = AfterSalesPolicy::default();
        let obligations =
            visit_obligations(date!(2026 - 11 - 28), None, date!(2027 - 01 - 05), &policy);
        let windows: Vec<String> = obligations.iter().map(|o| o.window.to_string()).collect();
        assert_eq!(windows, ["first-week", "2026-12", "2027-01"]);
        let december = obligations[1];
        assert_eq!(
            (december.first_day, december.last_day, december.required),
            (date!(2026 - 12 - 01), date!(2026 - 12 - 31), 2)
        );
        assert_eq!(missed_visits(&december, 1, date!(2026 - 12 - 31)), None);
        assert_eq!(missed_visits(&december, 1, date!(2027 - 01 - 01)), Some(1));
        assert_eq!(missed_visits(&december, 0, date!(2027 - 01 - 01)), Some(2));
        assert_eq!(missed_visits(&december, 2, date!(2027 - 01 - 01)), None);
        assert_eq!(missed_visits(&december, 3, date!(2027 - 01 - 01)), None);
    }

    #[test]
    fn care_3_no_obligation_after_the_service_ends_or_before_the_deal() {
        let policy = AfterSalesPolicy::default();
        let obligations = visit_obligations(
            date!(2026 - 10 - 05),
            Some(date!(2026 - 11 - 30)),
            date!(2027 - 03 - 01),
            &policy,
        );
        let windows: Vec<String> = obligations.iter().map(|o| o.window.to_string()).collect();
        assert_eq!(windows, ["first-week", "2026-11"]);
        assert!(
            visit_obligations(date!(2026 - 10 - 05), None, date!(2026 - 10 - 04), &policy)
                .is_empty()
        );
    }

    #[test]
    fn care_3_windows_read_back_as_written() {
        for text in ["first-week", "2026-12", "2027-01"] {
            assert_eq!(
                VisitWindow::parse(text).map(|w| w.to_string()).as_deref(),
                Some(text)
            );
        }
        for bad in ["", "2026-13", "2026-1", "first_week", "26-01"] {
            assert_eq!(VisitWindow::parse(bad), None, "{bad}");
        }
    }
}
