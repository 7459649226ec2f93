//! DISC (每日开会负责人): the daily meeting host. The day's host calls the hourly count; a host
//! who forgets a call, and a member who reports late, host further working days. The offenses
//! themselves are in the DISC catalog (`discipline`); this module decides when a report is
//! late and which days an owed hosting day falls on.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

use crate::calendar::{BusinessCalendar, CalendarError};

/// DISC meeting host: the parameters of the hourly count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingPolicy {
    /// A member who reports more than this many seconds after the host's call is late
    /// (10 minutes; exactly 10:00 is on time).
    pub report_grace_seconds: i64,
}

impl Default for MeetingPolicy {
    fn default() -> Self {
        MeetingPolicy {
            report_grace_seconds: 600,
        }
    }
}

/// DISC meeting host: a member's report is late when it comes more than the grace after the
/// call (10:00 after is on time, 10:01 is late); no report at all is late.
pub fn report_is_late(
    policy: &MeetingPolicy,
    called_at: OffsetDateTime,
    reported_at: Option<OffsetDateTime>,
) -> bool {
    reported_at.is_none_or(|reported| {
        reported - called_at > Duration::seconds(policy.report_grace_seconds)
    })
}

/// DISC meeting host: the `days` extra hosting days a confirmed record owes: the working days
/// (business calendar) after `after`, skipping days someone already owes, so the new days
/// queue after the days already owed.
pub fn owed_hosting_days(
    calendar: &BusinessCalendar,
    after: Date,
    days: u32,
    already_owed: &BTreeSet<Date>,
) -> Result<Vec<Date>, CalendarError> {
    let mut owed = Vec::new();
    let mut day = after;
    while owed.len() < days as usize {
        day = calendar.add_working_days(day, 1)?.value;
        if !already_owed.contains(&day) {
            owed.push(day);
        }
    }
    Ok(owed)
}

/// Why someone hosts a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HostSource {
    /// The host set for the day.
    Base,
    /// A day owed under DISC, from a confirmed discipline record.
    Owed { discipline_record_id: String },
}

/// Who hosts one working day, if anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostDay<Id> {
    pub date: Date,
    pub host: Option<(Id, HostSource)>,
}

/// DISC meeting host: each working day of `first..=last` with its host — the one who owes the
/// day, otherwise the host set for it, otherwise nobody yet.
pub fn host_roster<Id: Clone>(
    calendar: &BusinessCalendar,
    (first, last): (Date, Date),
    base: &BTreeMap<Date, Id>,
    owed: &BTreeMap<Date, (Id, String)>,
) -> Vec<HostDay<Id>> {
    let mut roster = Vec::new();
    let mut day = first;
    while day <= last {
        if calendar.is_working_day(day) {
            let host = match (owed.get(&day), base.get(&day)) {
                (Some((id, record)), _) => Some((
                    id.clone(),
                    HostSource::Owed {
                        discipline_record_id: record.clone(),
                    },
                )),
                (None, Some(id)) => Some((id.clone(), HostSource::Base)),
                (None, None) => None,
            };
            roster.push(HostDay { date: day, host });
        }
        let Some(next) = day.next_day() else { break };
        day = next;
    }
    roster
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    use super::*;
    use crate::calendar::{ScheduleDay, validate_year_schedule};

    fn national_day_calendar() -> BusinessCalendar {
        let days = (1..=7)
            .map(|d| ScheduleDay {
                date: date!(2026 - 10 - 01).replace_day(d).unwrap(),
                name: "国庆节".into(),
                is_off_day: true,
            })
            .collect();
        BusinessCalendar::new([validate_year_schedule(2026, 2026, days).unwrap()])
    }

    #[test]
    fn disc_meeting_host_ten_minutes_is_on_time_ten_minutes_one_second_is_late() {
        let policy = MeetingPolicy::default();
        let call = datetime!(2026-03-02 10:00:00 +8);
        let at = |seconds| Some(call + Duration::seconds(seconds));
        assert!(!report_is_late(&policy, call, at(600)));
        assert!(report_is_late(&policy, call, at(601)));
        assert!(report_is_late(&policy, call, at(660)));
        assert!(report_is_late(&policy, call, None));
    }

    #[test]
    fn disc_meeting_host_the_extra_day_skips_the_weekend() {
        let calendar = BusinessCalendar::default();
        // Friday 6 March 2026 → Monday 9 March.
        assert_eq!(
            owed_hosting_days(&calendar, date!(2026 - 03 - 06), 1, &BTreeSet::new()),
            Ok(vec![date!(2026 - 03 - 09)])
        );
    }

    #[test]
    fn disc_meeting_host_the_extra_day_skips_a_public_holiday() {
        let calendar = national_day_calendar();
        // Wednesday 30 September → the holiday runs to 7 October (Wednesday) → Thursday 8th.
        assert_eq!(
            owed_hosting_days(&calendar, date!(2026 - 09 - 30), 1, &BTreeSet::new()),
            Ok(vec![date!(2026 - 10 - 08)])
        );
    }

    #[test]
    fn disc_meeting_host_each_forgotten_call_adds_a_day_after_those_already_owed() {
        let calendar = BusinessCalendar::default();
        let owed = BTreeSet::from([date!(2026 - 03 - 03)]);
        assert_eq!(
            owed_hosting_days(&calendar, date!(2026 - 03 - 02), 2, &owed),
            Ok(vec![date!(2026 - 03 - 04), date!(2026 - 03 - 05)])
        );
    }

    #[test]
    fn disc_meeting_host_an_owed_day_comes_before_the_base_host() {
        let calendar = BusinessCalendar::default();
        let base = BTreeMap::from([(date!(2026 - 03 - 06), "a"), (date!(2026 - 03 - 09), "a")]);
        let owed = BTreeMap::from([(date!(2026 - 03 - 09), ("b", "r1".to_owned()))]);
        let roster = host_roster(
            &calendar,
            (date!(2026 - 03 - 06), date!(2026 - 03 - 10)),
            &base,
            &owed,
        );
        let days: Vec<_> = roster.iter().map(|d| d.date).collect();
        assert_eq!(
            days,
            [
                date!(2026 - 03 - 06),
                date!(2026 - 03 - 09),
                date!(2026 - 03 - 10)
            ]
        );
        assert_eq!(roster[0].host, Some(("a", HostSource::Base)));
        assert_eq!(
            roster[1].host,
            Some((
                "b",
                HostSource::Owed {
                    discipline_record_id: "r1".into()
                }
            ))
        );
        assert_eq!(roster[2].host, None);
    }

    proptest! {
        #[test]
        fn disc_meeting_host_owed_days_are_working_days_after_the_offense_and_new(
            offset in 0i64..700, days in 1u32..5, taken in proptest::collection::btree_set(0i64..30, 0..10),
        ) {
            let calendar = BusinessCalendar::default();
            let after = date!(2026 - 01 - 01) + Duration::days(offset);
            let owed_already: BTreeSet<Date> = taken.iter().map(|d| after + Duration::days(*d)).collect();
            let owed = owed_hosting_days(&calendar, after, days, &owed_already).unwrap();
            prop_assert_eq!(owed.len(), days as usize);
            for day in owed {
                prop_assert!(day > after);
                prop_assert!(calendar.is_working_day(day));
                prop_assert!(!owed_already.contains(&day));
            }
        }
    }
}
