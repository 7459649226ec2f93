//! Money in CNY, held as whole fen (0.01 yuan) so that every sum is exact.
//! On the wire it is a decimal string with two decimals ("5000.00"): JSON numbers are
//! floating point in most clients, and a finance clerk must never see 4999.999999.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of CNY in fen. May be negative (a loss, a deduction, a net below zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// The most whole-yuan digits accepted from outside: under 10^13 yuan, which leaves ample
/// headroom below `i64::MAX` fen for sums of many amounts.
pub const MAX_WHOLE_DIGITS: usize = 13;

/// Exactly the texts [`Money::from_str`] accepts, for the OpenAPI schema.
pub const WIRE_PATTERN: &str = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("must be a decimal string such as \"5000.00\"")]
    Malformed,
    #[error("must have at most two decimals (fen)")]
    TooPrecise,
    #[error("is too large")]
    OutOfRange,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    /// Whole yuan, for policy defaults written the way the rules read ("5,000.00").
    pub const fn from_yuan(yuan: i64) -> Self {
        Money(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Accepts `-?digits(.d{1,2})?`; anything else (exponents, spaces, commas, three
    /// decimals) is refused rather than guessed at.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (unsigned, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(MoneyError::Malformed);
        }
        if unsigned.contains('.') && fraction.is_empty() {
            return Err(MoneyError::Malformed);
        }
        if fraction.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        if whole.len() > MAX_WHOLE_DIGITS {
            return Err(MoneyError::OutOfRange);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Malformed)?;
        let fraction_fen: i64 = match fraction.len() {
            0 => 0,
            1 => i64::from(fraction.as_bytes()[0] - b'0') * 10,
            _ => fraction.parse().map_err(|_| MoneyError::Malformed)?,
        };
        // At most 13 digits: 10^15 fen at most, far inside i64.
        let fen = whole * 100 + fraction_fen;
        Ok(Money(if negative { -fen } else { fen }))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MoneyVisitor;
        impl serde::de::Visitor<'_> for MoneyVisitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal string with at most two decimals, such as \"5000.00\"")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Money, E> {
                text.parse()
                    .map_err(|e: MoneyError| E::custom(format!("amount {e}")))
            }
        }
        deserializer.deserialize_str(MoneyVisitor)
    }
}

/// Money as the server writes it: always two decimals, and as many whole digits as a sum
/// needs (a total may pass the 13 a request may give).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^-?[0-9]+\.[0-9]{2}$"))
            .description(Some("CNY amount as a decimal string, exact to the fen"))
            .examples([serde_json::json!("5000.00")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Money {}

/// The schema of a [`Money`] a request gives (`#[schema(value_type = MoneyInput)]`): exactly
/// what [`Money::from_str`] accepts, [`WIRE_PATTERN`].
#[cfg(feature = "openapi")]
pub struct MoneyInput;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for MoneyInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(WIRE_PATTERN))
            .description(Some(
                "CNY amount as a decimal string, exact to the fen: at most 13 whole digits and 2 decimals",
            ))
            .examples([serde_json::json!("5000.00")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for MoneyInput {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_wire_forms() {
        assert_eq!("5000.00".parse(), Ok(Money::from_fen(500_000)));
        assert_eq!("4999.99".parse(), Ok(Money::from_fen(499_999)));
        assert_eq!("0.5".parse(), Ok(Money::from_fen(50)));
        assert_eq!("12".parse(), Ok(Money::from_fen(1200)));
        assert_eq!("-3.07".parse(), Ok(Money::from_fen(-307)));
    }

    #[test]
    fn refuses_what_it_would_have_to_guess() {
        for bad in [
            "", "-", ".5", "5.", "1e3", "1,000.00", " 1.00", "1.00 ", "+1.00", "NaN",
        ] {
            assert_eq!(bad.parse::<Money>(), Err(MoneyError::Malformed), "{bad:?}");
        }
        assert_eq!("1.001".parse::<Money>(), Err(MoneyError::TooPrecise));
        assert_eq!(
            "99999999999999999".parse::<Money>(),
            Err(MoneyError::OutOfRange)
        );
    }

    #[test]
    fn json_numbers_are_refused() {
        assert!(serde_json::from_str::<Money>("5000.0").is_err());
        assert_eq!(
            serde_json::from_str::<Money>("\"5000.00\"").ok(),
            Some(Money::from_yuan(5000))
        );
    }

    #[test]
    fn the_largest_amount_has_thirteen_whole_digits() {
        assert_eq!(
            "9999999999999.99".parse(),
            Ok(Money::from_fen(999_999_999_999_999))
        );
        assert_eq!(
            "10000000000000.00".parse::<Money>(),
            Err(MoneyError::OutOfRange)
        );
        assert!(WIRE_PATTERN.contains(&format!("{{1,{MAX_WHOLE_DIGITS}}}")));
    }

    const MAX_ABS_FEN: i64 = 999_999_999_999_999;

    proptest! {
        #[test]
        fn display_round_trips(fen in -MAX_ABS_FEN..=MAX_ABS_FEN) {
            let money = Money::from_fen(fen);
            prop_assert_eq!(money.to_string().parse::<Money>(), Ok(money));
        }
    }
}
