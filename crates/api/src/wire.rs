//! How dates and instants look on the wire: `YYYY-MM-DD` dates inside the calendar's range,
//! and RFC 3339 instants emitted in +08:00.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};
use zhidu_domain::calendar::{FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR, SHANGHAI};
use zhidu_domain::quarter::Quarter;
pub use zhidu_store::clock::{local_midnight_utc, stored_utc};

/// The years the service accepts, `FIRST_CALENDAR_YEAR`..=`LAST_CALENDAR_YEAR`, as a regular
/// expression (a test holds the two together). The shapes below are both checked here and
/// stated in the OpenAPI document, so a client generated from it sends nothing refused for
/// its form.
const YEAR: &str = "(?:19[7-9][0-9]|2[01][0-9]{2})";
const MONTH: &str = "(?:0[1-9]|1[0-2])";
const DAY: &str = "(?:0[1-9]|[12][0-9]|3[01])";

/// A shape that a wire text must have: its regular expression, compiled once.
pub struct Shape {
    pub pattern: String,
    regex: Option<Regex>,
}

impl Shape {
    pub fn new(pattern: String) -> Self {
        // The patterns are constants of this module, each compiled by a test; were one
        // broken, it would admit nothing rather than everything.
        let regex = Regex::new(&pattern).ok();
        Shape { pattern, regex }
    }

    pub fn admits(&self, text: &str) -> bool {
        self.regex
            .as_ref()
            .is_some_and(|regex| regex.is_match(text))
    }

    pub fn schema(&self, format: Option<KnownFormat>, example: &str) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(format.map(SchemaFormat::KnownFormat))
            .pattern(Some(self.pattern.clone()))
            .examples([serde_json::json!(example)])
            .into()
    }
}

pub static DATE_SHAPE: LazyLock<Shape> =
    LazyLock::new(|| Shape::new(format!("^{YEAR}-{MONTH}-{DAY}$")));
pub static INSTANT_SHAPE: LazyLock<Shape> = LazyLock::new(|| {
    Shape::new(format!(
        "^{YEAR}-{MONTH}-{DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{{1,9}})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
    ))
});
pub static MONTH_SHAPE: LazyLock<Shape> = LazyLock::new(|| Shape::new(format!("^{YEAR}-{MONTH}$")));
pub static QUARTER_SHAPE: LazyLock<Shape> = LazyLock::new(|| Shape::new(format!("^{YEAR}Q[1-4]$")));

/// A local date, `YYYY-MM-DD`, that exists and lies in the years the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(pub Date);

impl IsoDate {
    pub fn parse(text: &str) -> Result<Self, String> {
        let refusal = || {
            format!(
                "must be an existing date written YYYY-MM-DD between {FIRST_CALENDAR_YEAR}-01-01 and {LAST_CALENDAR_YEAR}-12-31 (got {text:?})"
            )
        };
        if !DATE_SHAPE.admits(text) {
            return Err(refusal());
        }
        Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map(IsoDate)
            .map_err(|_| refusal())
    }
}

impl PartialSchema for IsoDate {
    fn schema() -> RefOr<Schema> {
        DATE_SHAPE.schema(Some(KnownFormat::Date), "2026-09-30")
    }
}

impl ToSchema for IsoDate {}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant(pub OffsetDateTime);

impl PartialSchema for Instant {
    fn schema() -> RefOr<Schema> {
        INSTANT_SHAPE.schema(Some(KnownFormat::DateTime), "2026-10-08T23:59:59+08:00")
    }
}

impl ToSchema for Instant {}

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
        let refusal = || {
            serde::de::Error::custom(format!(
                "must be an RFC 3339 instant with offset in the years {FIRST_CALENDAR_YEAR}–{LAST_CALENDAR_YEAR}, e.g. 2026-10-08T09:00:00+08:00 (got {text:?})"
            ))
        };
        if !INSTANT_SHAPE.admits(&text) {
            return Err(refusal());
        }
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(Instant)
            .map_err(|_| refusal())
    }
}

/// A quarter in a path or query, `2026Q3`, in the years the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuarterParam(pub Quarter);

impl PartialSchema for QuarterParam {
    fn schema() -> RefOr<Schema> {
        QUARTER_SHAPE.schema(None, "2026Q3")
    }
}

impl ToSchema for QuarterParam {
    fn name() -> std::borrow::Cow<'static, str> {
        "Quarter".into()
    }
}

impl<'de> Deserialize<'de> for QuarterParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if !QUARTER_SHAPE.admits(&text) {
            return Err(serde::de::Error::custom(format!(
                "must be a quarter such as \"2026Q3\" in the years {FIRST_CALENDAR_YEAR}–{LAST_CALENDAR_YEAR} (got {text:?})"
            )));
        }
        text.parse()
            .map(QuarterParam)
            .map_err(|e: zhidu_domain::quarter::QuarterError| {
                serde::de::Error::custom(e.to_string())
            })
    }
}

/// A calendar month, `YYYY-MM`, in the years the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth(Date);

impl PartialSchema for YearMonth {
    fn schema() -> RefOr<Schema> {
        MONTH_SHAPE.schema(None, "2026-03")
    }
}

impl ToSchema for YearMonth {}

impl YearMonth {
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || {
            format!(
                "must be a month written YYYY-MM between {FIRST_CALENDAR_YEAR}-01 and {LAST_CALENDAR_YEAR}-12, e.g. 2026-10 (got {text:?})"
            )
        };
        if !MONTH_SHAPE.admits(text) {
            return Err(invalid());
        }
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month = month
            .parse::<u8>()
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or_else(invalid)?;
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

pub static TIME_OF_DAY_SHAPE: LazyLock<Shape> =
    LazyLock::new(|| Shape::new("^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$".to_owned()));

/// A local time of day, `HH:MM` (or `HH:MM:SS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub Time);

impl PartialSchema for ClockTime {
    fn schema() -> RefOr<Schema> {
        TIME_OF_DAY_SHAPE.schema(None, "09:00")
    }
}

impl ToSchema for ClockTime {}

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
        let refusal = || {
            serde::de::Error::custom(format!(
                "must be a time of day written HH:MM, e.g. 09:00 (got {text:?})"
            ))
        };
        if !TIME_OF_DAY_SHAPE.admits(&text) {
            return Err(refusal());
        }
        Time::parse(&text, format_description!("[hour]:[minute]"))
            .or_else(|_| Time::parse(&text, format_description!("[hour]:[minute]:[second]")))
            .map(ClockTime)
            .map_err(|_| refusal())
    }
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
    fn the_year_pattern_admits_exactly_the_calendar_years() {
        for year in 0..=9999 {
            assert_eq!(
                MONTH_SHAPE.admits(&format!("{year:04}-01")),
                (FIRST_CALENDAR_YEAR..=LAST_CALENDAR_YEAR).contains(&year),
                "{year}"
            );
        }
        for shape in [
            &DATE_SHAPE,
            &INSTANT_SHAPE,
            &MONTH_SHAPE,
            &QUARTER_SHAPE,
            &TIME_OF_DAY_SHAPE,
        ] {
            assert!(Regex::new(&shape.pattern).is_ok(), "{}", shape.pattern);
        }
    }

    #[test]
    fn instants_need_the_stated_shape() {
        let parse = |text: &str| serde_json::from_value::<Instant>(serde_json::json!(text));
        assert!(parse("2026-10-08T09:00:00+08:00").is_ok());
        assert!(parse("2026-10-08T09:00:00.123Z").is_ok());
        assert!(
            parse("2026-10-08t09:00:00z").is_err(),
            "lower case is not in the pattern"
        );
        assert!(parse("1969-12-31T23:59:59Z").is_err());
        assert!(parse("2026-02-30T09:00:00Z").is_err());
        assert!(parse("2026-10-08T24:00:00Z").is_err());
    }

    #[test]
    fn times_of_day_need_the_stated_shape() {
        let parse = |text: &str| serde_json::from_value::<ClockTime>(serde_json::json!(text));
        assert!(parse("09:00").is_ok());
        assert!(parse("23:59:59").is_ok());
        assert!(parse("24:00").is_err());
        assert!(parse("9:00").is_err());
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
