//! Effective-dated records (AREA-3 changes, policy versions): what is in force on a day, and
//! when a new record may start.

use time::Date;

/// AREA-3 (a maintainer or boundary change), and a policy version: a dated record may take
/// effect today or later, never earlier: what was in force is history, and a correction is a
/// new record.
pub fn may_take_effect(effective_from: Date, today: Date) -> bool {
    effective_from >= today
}

/// AREA-3, and the policy version in force: of `records` as `(effective_from, record)` in the
/// order they were recorded, the one in force on `on`: the latest to take effect on or before it, the later-recorded of two taking
/// effect the same day. None before the first.
pub fn in_force_on<T>(records: &[(Date, T)], on: Date) -> Option<&T> {
    records
        .iter()
        .enumerate()
        .filter(|(_, (effective_from, _))| *effective_from <= on)
        .max_by_key(|(recorded, (effective_from, _))| (*effective_from, *recorded))
        .map(|(_, (_, record))| record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn a_record_takes_effect_today_or_later_never_in_the_past() {
        let today = date!(2026 - 12 - 07);
        assert!(may_take_effect(today, today));
        assert!(may_take_effect(date!(2027 - 01 - 01), today));
        assert!(!may_take_effect(date!(2026 - 12 - 06), today));
    }

    #[test]
    fn the_record_in_force_is_the_latest_effective_on_or_before_the_day() {
        let records = [
            (date!(2026 - 11 - 01), "first"),
            (date!(2027 - 01 - 01), "scheduled"),
            (date!(2026 - 12 - 01), "december"),
            (date!(2026 - 12 - 01), "december corrected"),
        ];
        assert_eq!(in_force_on(&records, date!(2026 - 10 - 31)), None);
        assert_eq!(in_force_on(&records, date!(2026 - 11 - 30)), Some(&"first"));
        assert_eq!(
            in_force_on(&records, date!(2026 - 12 - 01)),
            Some(&"december corrected")
        );
        assert_eq!(
            in_force_on(&records, date!(2026 - 12 - 31)),
            Some(&"december corrected")
        );
        assert_eq!(
            in_force_on(&records, date!(2027 - 01 - 01)),
            Some(&"scheduled")
        );
    }

    proptest! {
        #[test]
        fn the_record_in_force_never_starts_after_the_day(
            offsets in proptest::collection::vec(0i64..400, 0..12),
            day in 0i64..400,
        ) {
            let start = date!(2026 - 01 - 01);
            let records: Vec<(Date, usize)> = offsets
                .iter()
                .enumerate()
                .map(|(i, o)| (start + time::Duration::days(*o), i))
                .collect();
            let on = start + time::Duration::days(day);
            match in_force_on(&records, on) {
                Some(index) => {
                    let (from, _) = records[*index];
                    prop_assert!(from <= on);
                    prop_assert!(records.iter().all(|(other, _)| *other <= from || *other > on));
                }
                None => prop_assert!(records.iter().all(|(from, _)| *from > on)),
            }
        }
    }
}
