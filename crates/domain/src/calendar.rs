//! CAL — the business calendar: which days are working days and how deadlines are counted.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset, Weekday};

/// Asia/Shanghai: UTC+08:00 all year, no daylight saving.
pub const SHANGHAI: UtcOffset = time::macros::offset!(+8);

/// The years the calendar accepts. Outside them a date is almost certainly a typo.
pub const FIRST_CALENDAR_YEAR: i32 = 1970;
pub const LAST_CALENDAR_YEAR: i32 = 2199;

/// One entry of an official schedule (holiday-cn `days[]`): a public holiday when
/// `is_off_day`, otherwise a make-up working day (调休上班).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleDay {
    pub date: Date,
    pub name: String,
    pub is_off_day: bool,
}

/// A year's official schedule that passed [`validate_year_schedule`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    year: i32,
    days: Vec<ScheduleDay>,
}

impl YearSchedule {
    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn days(&self) -> &[ScheduleDay] {
        &self.days
    }

    /// holiday-cn publishes an empty `days` list for a year whose State Council notice has
    /// not appeared yet; such a year is still provisional (CAL-2).
    pub fn is_published(&self) -> bool {
        !self.days.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleProblem {
    /// JSON path of the offending value, e.g. `days[3].date`.
    pub field: String,
    pub message: String,
}

/// CAL-1: an imported schedule must be about the year it claims, list only dates inside that
/// year, and list each date once.
pub fn validate_year_schedule(
    expected_year: i32,
    declared_year: i32,
    days: Vec<ScheduleDay>,
) -> Result<YearSchedule, Vec<ScheduleProblem>> {
    let mut problems = Vec::new();
    if !(FIRST_CALENDAR_YEAR..=LAST_CALENDAR_YEAR).contains(&expected_year) {
        problems.push(ScheduleProblem {
            field: "year".into(),
            message: format!("year must be between {FIRST_CALENDAR_YEAR} and {LAST_CALENDAR_YEAR}"),
        });
    }
    if declared_year != expected_year {
        problems.push(ScheduleProblem {
            field: "year".into(),
            message: format!(
                "the schedule is for {declared_year} but was sent for {expected_year}"
            ),
        });
    }
    let mut seen = HashSet::new();
    for (index, day) in days.iter().enumerate() {
        if day.date.year() != expected_year {
            problems.push(ScheduleProblem {
                field: format!("days[{index}].date"),
                message: format!("{} is not in {expected_year}", day.date),
            });
        }
        if !seen.insert(day.date) {
            problems.push(ScheduleProblem {
                field: format!("days[{index}].date"),
                message: format!("{} is listed more than once", day.date),
            });
        }
        if day.name.trim().is_empty() {
            problems.push(ScheduleProblem {
                field: format!("days[{index}].name"),
                message: "name must not be empty".into(),
            });
        }
    }
    if problems.is_empty() {
        let mut days = days;
        days.sort_by_key(|d| d.date);
        Ok(YearSchedule {
            year: expected_year,
            days,
        })
    } else {
        Err(problems)
    }
}

/// Why a day is or is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Workday,
    Weekend,
    PublicHoliday,
    MakeUpWorkday,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: Date,
    pub working: bool,
    pub kind: DayKind,
    /// The holiday's name, for public holidays and their make-up working days.
    pub name: Option<String>,
    /// CAL-2: the answer rests on Monday–Friday alone because the year has no schedule.
    pub provisional: bool,
}

/// A value computed on the calendar, with whether any year it touched was provisional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnCalendar<T> {
    pub value: T,
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "the result would fall outside the calendar's range ({FIRST_CALENDAR_YEAR}–{LAST_CALENDAR_YEAR})"
    )]
    OutOfRange,
}

/// The official schedules known to the service, by year.
#[derive(Debug, Clone, Default)]
pub struct BusinessCalendar {
    published_years: HashSet<i32>,
    special_days: HashMap<Date, ScheduleDay>,
}

impl BusinessCalendar {
    pub fn new(schedules: impl IntoIterator<Item = YearSchedule>) -> Self {
        let mut calendar = BusinessCalendar::default();
        for schedule in schedules {
            if schedule.is_published() {
                calendar.published_years.insert(schedule.year);
            }
            for day in schedule.days {
                calendar.special_days.insert(day.date, day);
            }
        }
        calendar
    }

    pub fn is_year_published(&self, year: i32) -> bool {
        self.published_years.contains(&year)
    }

    /// CAL-1, CAL-2: Monday–Friday, minus public holidays, plus make-up working days.
    pub fn day(&self, date: Date) -> CalendarDay {
        let provisional = !self.is_year_published(date.year());
        let (working, kind, name) = match self.special_days.get(&date) {
            Some(special) if special.is_off_day => {
                (false, DayKind::PublicHoliday, Some(special.name.clone()))
            }
            Some(special) => (true, DayKind::MakeUpWorkday, Some(special.name.clone())),
            None if is_weekend(date) => (false, DayKind::Weekend, None),
            None => (true, DayKind::Workday, None),
        };
        CalendarDay {
            date,
            working,
            kind,
            name,
            provisional,
        }
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.special_days.get(&date) {
            Some(special) => !special.is_off_day,
            None => !is_weekend(date),
        }
    }

    /// CAL-4: the Nth working day *after* `from`; `from` itself is never counted, so
    /// `days = 1` on a Friday before an ordinary weekend is the Monday.
    pub fn add_working_days(
        &self,
        from: Date,
        days: u32,
    ) -> Result<OnCalendar<Date>, CalendarError> {
        let mut provisional = !self.is_year_published(from.year());
        let mut date = from;
        let mut remaining = days;
        while remaining > 0 {
            date = date.next_day().ok_or(CalendarError::OutOfRange)?;
            if date.year() > LAST_CALENDAR_YEAR {
                return Err(CalendarError::OutOfRange);
            }
            provisional |= !self.is_year_published(date.year());
            if self.is_working_day(date) {
                remaining -= 1;
            }
        }
        Ok(OnCalendar {
            value: date,
            provisional,
        })
    }

    /// CAL-4: "within N working days" of `start` ends at 23:59:59 local time of the Nth
    /// working day after the start's local date.
    pub fn working_days_deadline(
        &self,
        start: OffsetDateTime,
        days: u32,
    ) -> Result<OnCalendar<OffsetDateTime>, CalendarError> {
        let local_start = start.to_offset(SHANGHAI).date();
        let due = self.add_working_days(local_start, days)?;
        Ok(OnCalendar {
            value: end_of_local_day(due.value),
            provisional: due.provisional,
        })
    }
}

/// CAL-4: hour targets are elapsed clock hours, holidays included; the calendar plays no part.
pub fn clock_hours_deadline(start: OffsetDateTime, hours: u32) -> OffsetDateTime {
    start + Duration::hours(i64::from(hours))
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// 23:59:59 in Shanghai on `date`.
pub fn end_of_local_day(date: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(date, time::macros::time!(23:59:59)).assume_offset(SHANGHAI)
}

/// The official 2026 schedule (the holiday-cn file the service seeds), for rule tests across
/// the crate.
#[cfg(test)]
pub(crate) fn official_2026() -> BusinessCalendar {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../../api/seed/holiday-cn/2026.json"))
            .expect("the seed file is JSON");
    let days = file["days"]
        .as_array()
        .expect("days[]")
        .iter()
        .map(|day| ScheduleDay {
            date: Date::parse(
                day["date"].as_str().expect("date"),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .expect("ISO date"),
            name: day["name"].as_str().expect("name").to_owned(),
            is_off_day: day["isOffDay"].as_bool().expect("isOffDay"),
        })
        .collect();
    BusinessCalendar::new([validate_year_schedule(2026, 2026, days).expect("valid schedule")])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn day(date: Date, name: &str, is_off_day: bool) -> ScheduleDay {
        ScheduleDay {
            date,
            name: name.into(),
            is_off_day,
        }
    }

    /// Mid-Autumn and National Day 2026 as the State Council published them: 25–27 September
    /// and 1–7 October off, Sunday 20 September and Saturday 10 October worked.
    fn national_day_2026() -> BusinessCalendar {
        let mut days: Vec<ScheduleDay> = (1..=7)
            .map(|d| {
                day(
                    date!(2026 - 10 - 01).replace_day(d).unwrap(),
                    "国庆节",
                    true,
                )
            })
            .chain((25..=27).map(|d| {
                day(
                    date!(2026 - 09 - 01).replace_day(d).unwrap(),
                    "中秋节",
                    true,
                )
            }))
            .collect();
        days.push(day(date!(2026 - 09 - 20), "国庆节", false));
        days.push(day(date!(2026 - 10 - 10), "国庆节", false));
        let schedule = validate_year_schedule(2026, 2026, days).unwrap();
        BusinessCalendar::new([schedule])
    }

    #[test]
    fn cal_1_holidays_and_make_up_days_override_the_weekday() {
        let calendar = national_day_2026();
        let holiday = calendar.day(date!(2026 - 10 - 05)); // a Monday
        assert!(!holiday.working);
        assert_eq!(holiday.kind, DayKind::PublicHoliday);
        assert_eq!(holiday.name.as_deref(), Some("国庆节"));
        let make_up = calendar.day(date!(2026 - 09 - 20)); // a Sunday
        assert!(make_up.working);
        assert_eq!(make_up.kind, DayKind::MakeUpWorkday);
        assert_eq!(calendar.day(date!(2026 - 10 - 17)).kind, DayKind::Weekend);
        assert_eq!(calendar.day(date!(2026 - 10 - 16)).kind, DayKind::Workday);
        assert!(!calendar.day(date!(2026 - 10 - 16)).provisional);
    }

    #[test]
    fn cal_1_schedule_validation_names_each_problem() {
        let problems = validate_year_schedule(
            2026,
            2025,
            vec![
                day(date!(2026 - 01 - 01), "元旦", true),
                day(date!(2027 - 01 - 01), "元旦", true),
                day(date!(2026 - 01 - 01), "元旦", true),
            ],
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["year", "days[1].date", "days[2].date"]);
    }

    #[test]
    fn cal_2_a_year_without_schedule_is_provisional_monday_to_friday() {
        let calendar = national_day_2026();
        let unknown = calendar.day(date!(2027 - 10 - 01)); // a Friday
        assert!(unknown.working);
        assert!(unknown.provisional);
        let empty = validate_year_schedule(2027, 2027, vec![]).unwrap();
        assert!(!BusinessCalendar::new([empty]).is_year_published(2027));
    }

    #[test]
    fn cal_4_start_date_is_not_counted_and_holidays_are_skipped() {
        let calendar = national_day_2026();
        // Wednesday 30 September + 1 working day: 1–7 October are off, Thursday 8 October.
        let due = calendar.add_working_days(date!(2026 - 09 - 30), 1).unwrap();
        assert_eq!(due.value, date!(2026 - 10 - 08));
        assert!(!due.provisional);
        // Friday 18 September + 1: the make-up Sunday 20 September counts.
        let due = calendar.add_working_days(date!(2026 - 09 - 18), 1).unwrap();
        assert_eq!(due.value, date!(2026 - 09 - 20));
        // Thursday 24 September + 1: Mid-Autumn 25–27 September is off, Monday 28 September.
        let due = calendar.add_working_days(date!(2026 - 09 - 24), 1).unwrap();
        assert_eq!(due.value, date!(2026 - 09 - 28));
        // + 3 from 8 October: Friday 9, make-up Saturday 10, Monday 12.
        let due = calendar.add_working_days(date!(2026 - 10 - 08), 3).unwrap();
        assert_eq!(due.value, date!(2026 - 10 - 12));
    }

    #[test]
    fn cal_4_crossing_into_an_unscheduled_year_is_provisional() {
        let calendar = national_day_2026();
        let due = calendar.add_working_days(date!(2026 - 12 - 30), 5).unwrap();
        assert_eq!(due.value, date!(2027 - 01 - 06));
        assert!(due.provisional);
    }

    #[test]
    fn cal_4_working_day_deadline_ends_at_local_midnight_minus_one_second() {
        let calendar = national_day_2026();
        // 23:30 UTC on 29 September is already 07:30 on 30 September in Shanghai.
        let due = calendar
            .working_days_deadline(datetime!(2026-09-29 23:30 UTC), 1)
            .unwrap();
        assert_eq!(due.value, datetime!(2026-10-08 23:59:59 +8));
    }

    #[test]
    fn cal_4_hour_targets_ignore_holidays() {
        assert_eq!(
            clock_hours_deadline(datetime!(2026-09-30 18:00 +8), 24),
            datetime!(2026-10-01 18:00 +8)
        );
    }

    #[test]
    fn cal_4_refuses_to_run_past_the_calendar() {
        let calendar = BusinessCalendar::default();
        assert_eq!(
            calendar.add_working_days(date!(2199 - 12 - 30), 5),
            Err(CalendarError::OutOfRange)
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2024i32..=2028, 1u16..=366)
            .prop_filter_map("day of year", |(y, d)| Date::from_ordinal_date(y, d).ok())
    }

    proptest! {
        #[test]
        fn cal_4_the_nth_working_day_is_a_working_day_after_the_start(
            from in any_date(), n in 1u32..60
        ) {
            let calendar = national_day_2026();
            let due = calendar.add_working_days(from, n).unwrap();
            prop_assert!(due.value > from);
            prop_assert!(calendar.is_working_day(due.value));
            let mut counted = 0;
            let mut d = from;
            while d < due.value {
                d = d.next_day().unwrap();
                if calendar.is_working_day(d) { counted += 1; }
            }
            prop_assert_eq!(counted, n);
        }

        #[test]
        fn cal_4_a_deadline_is_never_before_its_start(
            from in any_date(), seconds in 0i64..86_400, n in 0u32..30
        ) {
            let calendar = national_day_2026();
            let start = end_of_local_day(from) - Duration::seconds(seconds);
            prop_assert!(calendar.working_days_deadline(start, n).unwrap().value >= start);
            prop_assert!(clock_hours_deadline(start, n) >= start);
        }
    }
}
