//! Calendar quarters ("2026Q3"), the period of TIER metrics and quarter closes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

use crate::calendar::{FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    number: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "must be a quarter such as \"2026Q3\" (year {FIRST_CALENDAR_YEAR}–{LAST_CALENDAR_YEAR}, quarter 1–4)"
)]
pub struct QuarterError;

impl Quarter {
    pub fn new(year: i32, number: u8) -> Result<Self, QuarterError> {
        if (1..=4).contains(&number) && (FIRST_CALENDAR_YEAR..=LAST_CALENDAR_YEAR).contains(&year) {
            Ok(Quarter { year, number })
        } else {
            Err(QuarterError)
        }
    }

    pub fn containing(date: Date) -> Self {
        Quarter {
            year: date.year(),
            number: (u8::from(date.month()) - 1) / 3 + 1,
        }
    }

    pub fn first_day(self) -> Date {
        let month = Month::try_from(self.number * 3 - 2).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        let month = Month::try_from(self.number * 3).unwrap_or(Month::December);
        Date::from_calendar_date(self.year, month, month.length(self.year)).unwrap_or(Date::MAX)
    }
}

impl FromStr for Quarter {
    type Err = QuarterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (year, number) = text.split_once('Q').ok_or(QuarterError)?;
        if year.len() != 4 || number.len() != 1 {
            return Err(QuarterError);
        }
        let year = year.parse().map_err(|_| QuarterError)?;
        let number = number.parse().map_err(|_| QuarterError)?;
        Quarter::new(year, number)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.number)
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map_err(|e: QuarterError| serde::de::Error::custom(format!("quarter {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn bounds_of_each_quarter() {
        let q1: Quarter = "2024Q1".parse().unwrap();
        assert_eq!(q1.first_day(), date!(2024 - 01 - 01));
        assert_eq!(q1.last_day(), date!(2024 - 03 - 31));
        let q3: Quarter = "2026Q3".parse().unwrap();
        assert_eq!(q3.first_day(), date!(2026 - 07 - 01));
        assert_eq!(q3.last_day(), date!(2026 - 09 - 30));
        assert_eq!(
            Quarter::containing(date!(2026 - 12 - 31)).to_string(),
            "2026Q4"
        );
    }

    #[test]
    fn refuses_malformed_quarters() {
        for bad in [
            "2026Q0", "2026Q5", "2026-Q3", "26Q3", "2026q3", "2026Q", "Q3", "1969Q4",
        ] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }
}
