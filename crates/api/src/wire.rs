//! How dates and instants look on the wire: `YYYY-MM-DD` dates inside the calendar's range,
//! and RFC 3339 instants emitted in +08:00.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};
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

/// An instant as the store keeps it: UTC, without offset.
pub fn stored_utc(instant: OffsetDateTime) -> PrimitiveDateTime {
    let utc = instant.to_offset(time::UtcOffset::UTC);
    PrimitiveDateTime::new(utc.date(), utc.time())
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
