//! How dates and instants look on the wire: `YYYY-MM-DD` dates inside the calendar's range,
//! and RFC 3339 instants emitted in +08:00.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};
use utoipa::ToSchema;
use zhidu_domain::calendar::{FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR, SHANGHAI};

/// A local date, `YYYY-MM-DD`, that exists and lies in the years the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ToSchema)]
#[schema(value_type = String, format = Date, example = "2026-09-30")]
pub struct IsoDate(pub Date);

impl IsoDate {
    pub fn parse(text: &str) -> Result<Self, String> {
        let date = Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map_err(|_| format!("must be an existing date written YYYY-MM-DD (got {text:?})"))?;
        if !(FIRST_CALENDAR_YEAR..=LAST_CALENDAR_YEAR).contains(&date.year()) {
            return Err(format!(
                "must be between {FIRST_CALENDAR_YEAR}-01-01 and {LAST_CALENDAR_YEAR}-12-31 (got {text})"
            ));
        }
        Ok(IsoDate(date))
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        IsoDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// An instant, written RFC 3339 in Shanghai time (`2026-10-08T23:59:59+08:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ToSchema)]
#[schema(value_type = String, format = DateTime, example = "2026-10-08T23:59:59+08:00")]
pub struct Instant(pub OffsetDateTime);

impl Instant {
    /// From a stored UTC timestamp.
    pub fn from_utc(stored: PrimitiveDateTime) -> Self {
        Instant(stored.assume_utc())
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self
            .0
            .to_offset(SHANGHAI)
            .format(&Rfc3339)
            .map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let instant = OffsetDateTime::parse(&text, &Rfc3339).map_err(|_| {
            serde::de::Error::custom(format!(
                "must be an RFC 3339 instant with offset, e.g. 2026-10-08T09:00:00+08:00 (got {text:?})"
            ))
        })?;
        if !(FIRST_CALENDAR_YEAR..=LAST_CALENDAR_YEAR).contains(&instant.year()) {
            return Err(serde::de::Error::custom(format!(
                "year out of range (got {text})"
            )));
        }
        Ok(Instant(instant))
    }
}

/// A calendar month, `YYYY-MM`, in the years the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ToSchema)]
#[schema(value_type = String, example = "2026-03", pattern = "^[0-9]{4}-[0-9]{2}$")]
pub struct YearMonth(Date);

impl YearMonth {
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("must be a month written YYYY-MM, e.g. 2026-10 (got {text:?})");
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month = month
            .parse::<u8>()
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or_else(invalid)?;
        if !(FIRST_CALENDAR_YEAR..=LAST_CALENDAR_YEAR).contains(&year) {
            return Err(format!(
                "must be between {FIRST_CALENDAR_YEAR}-01 and {LAST_CALENDAR_YEAR}-12 (got {text})"
            ));
        }
        Date::from_calendar_date(year, month, 1)
            .map(YearMonth)
            .map_err(|_| invalid())
    }

    /// The month a date falls in.
    pub fn containing(date: Date) -> Self {
        YearMonth(date.replace_day(1).unwrap_or(date))
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    pub fn month(self) -> Month {
        self.0.month()
    }

    pub fn first_day(self) -> Date {
        self.0
    }

    pub fn last_day(self) -> Date {
        self.0
            .replace_day(self.month().length(self.year()))
            .unwrap_or(self.0)
    }

    /// The month's local bounds `[first midnight, next month's midnight)` as stored UTC
    /// timestamps.
    pub fn utc_bounds(self) -> (PrimitiveDateTime, PrimitiveDateTime) {
        let next = self.last_day().next_day().unwrap_or(Date::MAX);
        (
            local_midnight_utc(self.first_day()),
            local_midnight_utc(next),
        )
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), u8::from(self.month()))
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        YearMonth::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A local time of day, `HH:MM` (or `HH:MM:SS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ToSchema)]
#[schema(value_type = String, example = "09:00", pattern = "^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$")]
pub struct ClockTime(pub Time);

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (hour, minute, second) = self.0.as_hms();
        let text = if second == 0 {
            format!("{hour:02}:{minute:02}")
        } else {
            format!("{hour:02}:{minute:02}:{second:02}")
        };
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Time::parse(&text, format_description!("[hour]:[minute]"))
            .or_else(|_| Time::parse(&text, format_description!("[hour]:[minute]:[second]")))
            .map(ClockTime)
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "must be a time of day written HH:MM, e.g. 09:00 (got {text:?})"
                ))
            })
    }
}

/// An instant as the store keeps it: UTC, without offset.
pub fn stored_utc(instant: OffsetDateTime) -> PrimitiveDateTime {
    let utc = instant.to_offset(time::UtcOffset::UTC);
    PrimitiveDateTime::new(utc.date(), utc.time())
}

/// The local (Shanghai) midnight that starts `date`, as a stored UTC timestamp.
pub fn local_midnight_utc(date: Date) -> PrimitiveDateTime {
    stored_utc(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_offset(SHANGHAI))
}

/// For PATCH fields where `null` clears and absence leaves unchanged:
/// `#[serde(default, deserialize_with = "wire::present")]` on an `Option<Option<T>>`.
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist_and_be_in_range() {
        assert!(IsoDate::parse("2024-02-29").is_ok());
        assert!(IsoDate::parse("2026-02-29").is_err());
        assert!(IsoDate::parse("2026-13-01").is_err());
        assert!(IsoDate::parse("1969-12-31").is_err());
        assert!(IsoDate::parse("20260101").is_err());
    }

    #[test]
    fn instants_are_written_in_shanghai_time() {
        let instant = Instant(time::macros::datetime!(2026-10-08 15:59:59 UTC));
        assert_eq!(
            serde_json::to_string(&instant).unwrap(),
            "\"2026-10-08T23:59:59+08:00\""
        );
    }
}
