//! CAL-3: the shift an employee works and the days their roster schedules, and the half-day
//! unit that attendance and leave are counted in.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};
use time::{Date, Time, Weekday};

use crate::calendar::{BusinessCalendar, DayKind};
use crate::text_enum::text_enum;

/// A department's working day (CAL-3): office hours with the lunch and rest breaks inside them.
/// The morning half ends when lunch starts; the afternoon half starts when the rest ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub start: Time,
    pub end: Time,
    pub lunch_start: Time,
    pub lunch_end: Time,
    pub rest_start: Time,
    pub rest_end: Time,
}

impl Default for Shift {
    /// CAL-3: 09:00–17:30, lunch 12:00–12:30, rest 12:30–13:30.
    fn default() -> Self {
        Shift {
            start: time::macros::time!(09:00),
            end: time::macros::time!(17:30),
            lunch_start: time::macros::time!(12:00),
            lunch_end: time::macros::time!(12:30),
            rest_start: time::macros::time!(12:30),
            rest_end: time::macros::time!(13:30),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShiftError {
    #[error(
        "the times must run in order: start ≤ lunch start ≤ lunch end ≤ rest start ≤ rest end ≤ end, with start before end"
    )]
    OutOfOrder,
}

impl Shift {
    /// A shift whose breaks lie inside its hours, in order.
    pub fn new(
        start: Time,
        end: Time,
        lunch: (Time, Time),
        rest: (Time, Time),
    ) -> Result<Shift, ShiftError> {
        let ordered = [start, lunch.0, lunch.1, rest.0, rest.1, end];
        if start >= end || ordered.windows(2).any(|pair| pair[0] > pair[1]) {
            return Err(ShiftError::OutOfOrder);
        }
        Ok(Shift {
            start,
            end,
            lunch_start: lunch.0,
            lunch_end: lunch.1,
            rest_start: rest.0,
            rest_end: rest.1,
        })
    }

    /// When the morning half-day ends (an afternoon leave starts here).
    pub fn morning_end(&self) -> Time {
        self.lunch_start
    }

    /// When the afternoon half-day starts (a morning leave ends here).
    pub fn afternoon_start(&self) -> Time {
        self.rest_end
    }

    /// Minutes of `from..to` that fall inside the lunch or rest breaks.
    pub fn break_minutes_within(&self, from: Time, to: Time) -> i64 {
        [
            (self.lunch_start, self.lunch_end),
            (self.rest_start, self.rest_end),
        ]
        .iter()
        .map(|&(break_start, break_end)| {
            let overlap_start = from.max(break_start);
            let overlap_end = to.min(break_end);
            if overlap_end > overlap_start {
                (overlap_end - overlap_start).whole_minutes()
            } else {
                0
            }
        })
        .sum()
    }
}

text_enum! {
    /// A day of the week as the API writes and stores it (`sunday`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum DayOfWeek {
        Monday = "monday",
        Tuesday = "tuesday",
        Wednesday = "wednesday",
        Thursday = "thursday",
        Friday = "friday",
        Saturday = "saturday",
        Sunday = "sunday",
    }
}

impl DayOfWeek {
    pub fn weekday(self) -> Weekday {
        match self {
            DayOfWeek::Monday => Weekday::Monday,
            DayOfWeek::Tuesday => Weekday::Tuesday,
            DayOfWeek::Wednesday => Weekday::Wednesday,
            DayOfWeek::Thursday => Weekday::Thursday,
            DayOfWeek::Friday => Weekday::Friday,
            DayOfWeek::Saturday => Weekday::Saturday,
            DayOfWeek::Sunday => Weekday::Sunday,
        }
    }

    /// The stored and wire name (`sunday`); the same as `as_str`.
    pub fn name(self) -> &'static str {
        self.as_str()
    }
}

/// CAL-3: the company works six days a week; each employee has one weekly rest day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roster {
    pub rest_day: Weekday,
}

impl Default for Roster {
    /// CAL-3: the default roster works Monday–Saturday.
    fn default() -> Self {
        Roster {
            rest_day: Weekday::Sunday,
        }
    }
}

/// Why a date is or is not one of an employee's scheduled days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScheduleReason {
    /// A day the roster works.
    Rostered,
    /// An official make-up working day (调休上班), worked even on the roster's rest day.
    MakeUpWorkday,
    /// The roster's weekly rest day.
    RestDay,
    /// An official public holiday.
    PublicHoliday,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledDay {
    pub date: Date,
    pub scheduled: bool,
    pub reason: ScheduleReason,
    /// CAL-2: the year has no official schedule, so holidays are unknown.
    pub provisional: bool,
}

/// CAL-3: an employee's scheduled day is a roster day, minus public holidays, plus the official
/// make-up working days.
pub fn scheduled_day(calendar: &BusinessCalendar, roster: Roster, date: Date) -> ScheduledDay {
    let day = calendar.day(date);
    let (scheduled, reason) = match day.kind {
        DayKind::PublicHoliday => (false, ScheduleReason::PublicHoliday),
        DayKind::MakeUpWorkday => (true, ScheduleReason::MakeUpWorkday),
        DayKind::Workday | DayKind::Weekend if date.weekday() == roster.rest_day => {
            (false, ScheduleReason::RestDay)
        }
        DayKind::Workday | DayKind::Weekend => (true, ScheduleReason::Rostered),
    };
    ScheduledDay {
        date,
        scheduled,
        reason,
        provisional: day.provisional,
    }
}

/// The employee's scheduled days in `first..=last` (empty when `last < first`).
pub fn scheduled_days(
    calendar: &BusinessCalendar,
    roster: Roster,
    first: Date,
    last: Date,
) -> Vec<Date> {
    let mut days = Vec::new();
    let mut date = first;
    while date <= last {
        if scheduled_day(calendar, roster, date).scheduled {
            days.push(date);
        }
        match date.next_day() {
            Some(next) => date = next,
            None => break,
        }
    }
    days
}

text_enum! {
    /// Which half of a scheduled day.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Half {
        /// From shift start to the start of lunch.
        Am = "am",
        /// From the end of the rest break to shift end.
        Pm = "pm",
    }
}

/// A count of half days, the smallest unit of absence (ATT-6) and of leave. On the wire it is
/// a number of days such as `1.5`, which binary floating point represents exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HalfDays(pub u32);

impl HalfDays {
    pub const ZERO: HalfDays = HalfDays(0);

    pub const fn days(days: u32) -> HalfDays {
        HalfDays(days * 2)
    }

    pub const fn half_days(self) -> u32 {
        self.0
    }

    /// Whole days, rounding a trailing half up.
    pub const fn whole_days_rounded_up(self) -> u32 {
        self.0.div_ceil(2)
    }

    pub fn as_days(self) -> f64 {
        f64::from(self.0) / 2.0
    }

    pub fn saturating_sub(self, other: HalfDays) -> HalfDays {
        HalfDays(self.0.saturating_sub(other.0))
    }
}

impl std::ops::Add for HalfDays {
    type Output = HalfDays;
    fn add(self, other: HalfDays) -> HalfDays {
        HalfDays(self.0 + other.0)
    }
}

impl std::ops::AddAssign for HalfDays {
    fn add_assign(&mut self, other: HalfDays) {
        self.0 += other.0;
    }
}

impl std::iter::Sum for HalfDays {
    fn sum<I: Iterator<Item = HalfDays>>(iter: I) -> HalfDays {
        HalfDays(iter.map(|h| h.0).sum())
    }
}

impl fmt::Display for HalfDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(2) {
            write!(f, "{}", self.0 / 2)
        } else {
            write!(f, "{}.5", self.0 / 2)
        }
    }
}

impl Serialize for HalfDays {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_days())
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for HalfDays {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .multiple_of(Some(0.5))
            .minimum(Some(0.0))
            .description(Some("Days in steps of half a day."))
            .examples([serde_json::json!(1.5)])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for HalfDays {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::{date, time};

    use super::*;
    use crate::calendar::official_2026;

    fn calendar_2026() -> BusinessCalendar {
        official_2026()
    }

    #[test]
    fn cal_3_default_shift_is_nine_to_half_past_five_with_seven_working_hours() {
        let shift = Shift::default();
        let span = (shift.end - shift.start).whole_minutes();
        assert_eq!(
            span - shift.break_minutes_within(shift.start, shift.end),
            7 * 60
        );
        assert_eq!(shift.morning_end(), time!(12:00));
        assert_eq!(shift.afternoon_start(), time!(13:30));
    }

    #[test]
    fn cal_3_shift_refuses_breaks_outside_its_hours() {
        let lunch = (time!(12:00), time!(12:30));
        let rest = (time!(12:30), time!(13:30));
        assert!(Shift::new(time!(09:00), time!(17:30), lunch, rest).is_ok());
        assert_eq!(
            Shift::new(time!(13:00), time!(17:30), lunch, rest),
            Err(ShiftError::OutOfOrder)
        );
        assert_eq!(
            Shift::new(time!(09:00), time!(09:00), lunch, rest),
            Err(ShiftError::OutOfOrder)
        );
    }

    #[test]
    fn cal_3_break_minutes_count_only_the_overlap() {
        let shift = Shift::default();
        assert_eq!(shift.break_minutes_within(time!(11:50), time!(12:10)), 10);
        assert_eq!(shift.break_minutes_within(time!(12:15), time!(13:45)), 75);
        assert_eq!(shift.break_minutes_within(time!(14:00), time!(14:30)), 0);
    }

    #[test]
    fn cal_3_roster_works_monday_to_saturday_by_default() {
        let calendar = calendar_2026();
        let roster = Roster::default();
        // 2026-03-07 is a Saturday, 2026-03-08 a Sunday.
        assert!(scheduled_day(&calendar, roster, date!(2026 - 03 - 07)).scheduled);
        let sunday = scheduled_day(&calendar, roster, date!(2026 - 03 - 08));
        assert!(!sunday.scheduled);
        assert_eq!(sunday.reason, ScheduleReason::RestDay);
    }

    #[test]
    fn cal_3_public_holidays_are_off_and_make_up_days_are_worked_even_on_the_rest_day() {
        let calendar = calendar_2026();
        let roster = Roster::default();
        let holiday = scheduled_day(&calendar, roster, date!(2026 - 05 - 01));
        assert_eq!(
            (holiday.scheduled, holiday.reason),
            (false, ScheduleReason::PublicHoliday)
        );
        // 2026-09-20 is a Sunday make-up working day (National Day).
        let make_up = scheduled_day(&calendar, roster, date!(2026 - 09 - 20));
        assert_eq!(
            (make_up.scheduled, make_up.reason),
            (true, ScheduleReason::MakeUpWorkday)
        );
        // A Wednesday rest day is off on an ordinary Wednesday.
        let wednesday_off = Roster {
            rest_day: Weekday::Wednesday,
        };
        assert!(!scheduled_day(&calendar, wednesday_off, date!(2026 - 03 - 04)).scheduled);
        assert!(scheduled_day(&calendar, wednesday_off, date!(2026 - 03 - 08)).scheduled);
    }

    #[test]
    fn cal_3_march_2026_has_26_scheduled_days_on_the_default_roster() {
        let calendar = calendar_2026();
        let days = scheduled_days(
            &calendar,
            Roster::default(),
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 31),
        );
        assert_eq!(days.len(), 26);
    }

    #[test]
    fn cal_2_a_year_without_a_schedule_is_provisional() {
        let calendar = calendar_2026();
        assert!(scheduled_day(&calendar, Roster::default(), date!(2027 - 03 - 01)).provisional);
        assert!(!scheduled_day(&calendar, Roster::default(), date!(2026 - 03 - 02)).provisional);
    }

    #[test]
    fn days_of_the_week_round_trip_their_names() {
        for day in DayOfWeek::ALL {
            assert_eq!(day.name().parse::<DayOfWeek>().ok(), Some(day));
        }
        assert_eq!(DayOfWeek::Sunday.weekday(), Weekday::Sunday);
        assert_eq!("Sunday".parse::<DayOfWeek>().ok(), None);
    }

    #[test]
    fn half_days_read_as_days() {
        assert_eq!(HalfDays(3).to_string(), "1.5");
        assert_eq!(HalfDays::days(2).to_string(), "2");
        assert_eq!(serde_json::to_string(&HalfDays(1)).unwrap(), "0.5");
        assert_eq!(HalfDays(3).whole_days_rounded_up(), 2);
    }

    proptest! {
        #[test]
        fn cal_3_six_or_seven_scheduled_days_never_exceed_the_span(
            offset in 0i64..3000, span in 0i64..60
        ) {
            let calendar = calendar_2026();
            let first = date!(2024 - 01 - 01) + time::Duration::days(offset);
            let last = first + time::Duration::days(span);
            let days = scheduled_days(&calendar, Roster::default(), first, last);
            prop_assert!(days.len() as i64 <= span + 1);
            prop_assert!(days.iter().all(|d| *d >= first && *d <= last));
        }
    }

    #[test]
    fn roster_stored_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&Half::ALL, Half::as_str);
        assert_serde_names_match(&Half::ALL, Half::as_str);
        assert_eq!(Half::ALL.map(Half::as_str), ["am", "pm"]);
        assert!(Half::Am < Half::Pm);
        assert_round_trips(&DayOfWeek::ALL, DayOfWeek::as_str);
        assert_serde_names_match(&DayOfWeek::ALL, DayOfWeek::as_str);
        assert_eq!(
            DayOfWeek::ALL.map(DayOfWeek::as_str),
            [
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday"
            ]
        );
        assert_eq!("sunday".parse::<DayOfWeek>().ok(), Some(DayOfWeek::Sunday));
        assert_eq!(DayOfWeek::Sunday.name(), "sunday");
    }
}
