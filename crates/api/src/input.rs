//! Input types that carry their own limits, so one number is read both by the check that
//! refuses a request and by the OpenAPI schema that promises what is accepted: a client
//! generated from the spec never sends what the server refuses for its shape.
//!
//! `Text<1, 200>` is 1–200 characters holding something besides white space, `Bounded<1, 500>`
//! an integer from 1 to 500, `Amount<true>` money above 0.00, `Items<T, 1, 20>` a list of 1–20
//! `T`. Each refuses at parse time with a message that names its bounds; the extractors name
//! the field.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::ops::Deref;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};
use utoipa::{PartialSchema, ToSchema};
use validator::{Validate, ValidationErrors};
use zhidu_domain::calendar::{FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR};
use zhidu_domain::money::{self, Money};

use crate::wire::Shape;

/// The characters of Unicode's White_Space property, which `str::trim` and
/// `char::is_whitespace` follow, written out for a regular-expression class: `\s` means
/// slightly different sets in ECMAScript, Python and Rust, and a schema must mean one thing.
const WHITE_SPACE: &str =
    r"\t\n\x0B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// Text of `MIN`–`MAX` characters (Unicode scalar values, as JSON Schema's `minLength` and
/// `maxLength` count them). With `MIN` ≥ 1 it must hold a character that is not white space:
/// a name of three spaces is no name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Text<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> Text<MIN, MAX> {
    /// The refusal of `text`, if it breaks the bounds.
    pub fn check(text: &str) -> Result<(), String> {
        let length = text.chars().count();
        if length < MIN || length > MAX {
            return Err(if MIN == 0 {
                format!("must be at most {MAX} characters")
            } else {
                format!("must be {MIN}–{MAX} characters")
            });
        }
        if MIN > 0 && text.trim().is_empty() {
            return Err("must not be blank".to_owned());
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<String> for Text<MIN, MAX> {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::check(&text)?;
        Ok(Text(text))
    }
}

impl<'de, const MIN: usize, const MAX: usize> Deserialize<'de> for Text<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::try_from(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl<const MIN: usize, const MAX: usize> Deref for Text<MIN, MAX> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> AsRef<str> for Text<MIN, MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> fmt::Display for Text<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MIN: usize, const MAX: usize> From<Text<MIN, MAX>> for String {
    fn from(text: Text<MIN, MAX>) -> String {
        text.0
    }
}

impl<const MIN: usize, const MAX: usize> PartialSchema for Text<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        let schema = ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length((MIN > 0).then_some(MIN))
            .max_length(Some(MAX));
        let schema = if MIN > 0 {
            // Unanchored: somewhere in it, a character that is not white space.
            schema.pattern(Some(format!("[^{WHITE_SPACE}]")))
        } else {
            schema
        };
        schema.into()
    }
}

impl<const MIN: usize, const MAX: usize> ToSchema for Text<MIN, MAX> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("Text_{MIN}_{MAX}"))
    }
}

/// An email address, `local@domain.tld`, or the empty text for none: the same regular
/// expression is checked here and stated in the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

static EMAIL_SHAPE: LazyLock<Shape> = LazyLock::new(|| {
    let part = format!("[^@.{WHITE_SPACE}]+");
    Shape::new(format!("^(?:|[^@{WHITE_SPACE}]+@{part}(?:\\.{part})+)$"))
});

impl Email {
    const MAX_LENGTH: usize = 254;
}

impl Deref for Email {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        if EMAIL_SHAPE.admits(&text) && text.chars().count() <= Self::MAX_LENGTH {
            Ok(Email(text))
        } else {
            Err(format!(
                "is not an email address such as name@example.com (at most {} characters)",
                Self::MAX_LENGTH
            ))
        }
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::try_from(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl PartialSchema for Email {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(Self::MAX_LENGTH))
            .pattern(Some(EMAIL_SHAPE.pattern.clone()))
            .examples([serde_json::json!("wang@example.com")])
            .into()
    }
}

impl ToSchema for Email {}

/// An integer from `MIN` to `MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Bounded<const MIN: i64, const MAX: i64>(i64);

impl<const MIN: i64, const MAX: i64> Bounded<MIN, MAX> {
    pub fn get(self) -> i64 {
        self.0
    }
}

impl<const MIN: i64, const MAX: i64> TryFrom<i64> for Bounded<MIN, MAX> {
    type Error = String;

    fn try_from(number: i64) -> Result<Self, String> {
        if (MIN..=MAX).contains(&number) {
            Ok(Bounded(number))
        } else {
            Err(format!("must be between {MIN} and {MAX}"))
        }
    }
}

impl<'de, const MIN: i64, const MAX: i64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::try_from(i64::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl<const MIN: i64, const MAX: i64> PartialSchema for Bounded<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(MIN))
            .maximum(Some(MAX))
            .into()
    }
}

impl<const MIN: i64, const MAX: i64> ToSchema for Bounded<MIN, MAX> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("Integer_{MIN}_{MAX}").replace('-', "minus"))
    }
}

/// An amount of money that is not negative (`Amount<false>`: 0.00 or more) or is positive
/// (`Amount<true>`: more than 0.00), stated in the schema by a pattern derived from the one
/// [`Money`] states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Amount<const POSITIVE: bool>(Money);

impl<const POSITIVE: bool> Amount<POSITIVE> {
    pub fn get(self) -> Money {
        self.0
    }

    fn pattern() -> String {
        let unsigned = money::WIRE_PATTERN.replacen("-?", "", 1);
        if POSITIVE {
            // Not only zeros: some digit is 1–9.
            unsigned.replacen('^', "^(?![0.]+$)", 1)
        } else {
            unsigned
        }
    }
}

impl<const POSITIVE: bool> TryFrom<Money> for Amount<POSITIVE> {
    type Error = &'static str;

    fn try_from(amount: Money) -> Result<Self, &'static str> {
        match (POSITIVE, amount.fen()) {
            (true, fen) if fen <= 0 => Err("must be more than 0.00"),
            (false, fen) if fen < 0 => Err("must be 0.00 or more"),
            _ => Ok(Amount(amount)),
        }
    }
}

impl<'de, const POSITIVE: bool> Deserialize<'de> for Amount<POSITIVE> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let text = String::deserialize(deserializer)?;
        let money: Money = text
            .parse()
            .map_err(|e: money::MoneyError| D::Error::custom(format!("amount {e}")))?;
        // "-0.00" is zero, but the sign is still refused, as the schema's pattern refuses it.
        let unsigned = if text.starts_with('-') {
            Money::from_fen(-1)
        } else {
            money
        };
        Self::try_from(unsigned).map_err(D::Error::custom)
    }
}

impl<const POSITIVE: bool> PartialSchema for Amount<POSITIVE> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(Self::pattern()))
            .description(Some(if POSITIVE {
                "CNY amount as a decimal string, exact to the fen, more than 0.00"
            } else {
                "CNY amount as a decimal string, exact to the fen, 0.00 or more"
            }))
            .examples([serde_json::json!("5000.00")])
            .into()
    }
}

impl<const POSITIVE: bool> ToSchema for Amount<POSITIVE> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(if POSITIVE {
            "PositiveMoney"
        } else {
            "NonNegativeMoney"
        })
    }
}

/// A set sent as a JSON array: each value at most once, as the schema's `uniqueItems` says; a
/// repeated value is refused rather than silently merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Distinct<T: Ord>(BTreeSet<T>);

impl<T: Ord> Default for Distinct<T> {
    fn default() -> Self {
        Distinct(BTreeSet::new())
    }
}

impl<T: Ord> Distinct<T> {
    pub fn into_set(self) -> BTreeSet<T> {
        self.0
    }
}

impl<T: Ord> Deref for Distinct<T> {
    type Target = BTreeSet<T>;

    fn deref(&self) -> &BTreeSet<T> {
        &self.0
    }
}

impl<'de, T: Ord + Deserialize<'de>> Deserialize<'de> for Distinct<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let listed = Vec::<T>::deserialize(deserializer)?;
        let count = listed.len();
        let set: BTreeSet<T> = listed.into_iter().collect();
        if set.len() == count {
            Ok(Distinct(set))
        } else {
            Err(serde::de::Error::custom("must not list a value twice"))
        }
    }
}

impl<T: Ord + ToSchema> utoipa::__dev::ComposeSchema for Distinct<T> {
    fn compose(arguments: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        let item = arguments.into_iter().next().unwrap_or_else(T::schema);
        ArrayBuilder::new().items(item).unique_items(true).into()
    }
}

impl<T: Ord + ToSchema> ToSchema for Distinct<T> {
    /// utoipa appends the item's name: `Set_TierFlag`.
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Set")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
    }
}

/// A list of `MIN`–`MAX` items; each item is validated like a nested field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Items<T, const MIN: usize, const MAX: usize>(Vec<T>);

impl<T, const MIN: usize, const MAX: usize> Items<T, MIN, MAX> {
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T, const MIN: usize, const MAX: usize> TryFrom<Vec<T>> for Items<T, MIN, MAX> {
    type Error = String;

    fn try_from(items: Vec<T>) -> Result<Self, String> {
        if (MIN..=MAX).contains(&items.len()) {
            Ok(Items(items))
        } else if MIN == 0 {
            Err(format!("must have at most {MAX} entries"))
        } else {
            Err(format!("must have {MIN}–{MAX} entries"))
        }
    }
}

impl<'de, T: Deserialize<'de>, const MIN: usize, const MAX: usize> Deserialize<'de>
    for Items<T, MIN, MAX>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::try_from(Vec::<T>::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl<T, const MIN: usize, const MAX: usize> Deref for Items<T, MIN, MAX> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T, const MIN: usize, const MAX: usize> IntoIterator for Items<T, MIN, MAX> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T, const MIN: usize, const MAX: usize> IntoIterator for &'a Items<T, MIN, MAX> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Validate, const MIN: usize, const MAX: usize> Validate for Items<T, MIN, MAX> {
    fn validate(&self) -> Result<(), ValidationErrors> {
        self.0.validate()
    }
}

/// utoipa composes generic types from their arguments' schemas (a `$ref` to `T` where `T` is
/// a component); the list is then inlined where it is used.
impl<T: ToSchema, const MIN: usize, const MAX: usize> utoipa::__dev::ComposeSchema
    for Items<T, MIN, MAX>
{
    fn compose(arguments: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        let item = arguments.into_iter().next().unwrap_or_else(T::schema);
        ArrayBuilder::new()
            .items(item)
            .min_items((MIN > 0).then_some(MIN))
            .max_items(Some(MAX))
            .into()
    }
}

impl<T: ToSchema, const MIN: usize, const MAX: usize> ToSchema for Items<T, MIN, MAX> {
    /// utoipa appends the item's name: `List_1_50_ServiceInput`.
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("List_{MIN}_{MAX}"))
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<const MIN: usize, const MAX: usize>(json: &str) -> Result<Text<MIN, MAX>, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn text_is_refused_at_its_bounds_and_when_blank() {
        assert!(text::<1, 3>(r#""abc""#).is_ok());
        assert!(
            text::<1, 3>(r#""abcd""#)
                .unwrap_err()
                .contains("1–3 characters")
        );
        assert!(text::<1, 3>(r#""""#).is_err());
        assert!(text::<1, 3>(r#""   ""#).unwrap_err().contains("blank"));
        // Characters, not bytes: three Chinese characters are three.
        assert!(text::<1, 3>(r#""张建国""#).is_ok());
        assert!(text::<0, 3>(r#""""#).is_ok());
        assert!(text::<0, 3>(r#""   ""#).is_ok());
        assert!(text::<5, 10>(r#""four""#).is_err());
    }

    #[test]
    fn the_blank_class_is_exactly_rusts_white_space() {
        let class = regex::Regex::new(&format!("^[{WHITE_SPACE}]$")).unwrap();
        for code in 0..=0x10FFFF_u32 {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(
                    class.is_match(&c.to_string()),
                    c.is_whitespace(),
                    "U+{code:04X}"
                );
            }
        }
    }

    #[test]
    fn emails_have_one_at_and_a_dotted_domain() {
        let email = |text: &str| Email::try_from(text.to_owned());
        assert!(email("wang@example.com").is_ok());
        assert!(email("wang.jian@mail.example.cn").is_ok());
        assert!(email("").is_ok(), "none");
        assert!(email("wang.example.cn").is_err());
        assert!(email("wang@example").is_err());
        assert!(email("wang@@example.com").is_err());
        assert!(email("wang@example..com").is_err());
        assert!(email("wang jian@example.com").is_err());
        assert!(email(" wang@example.com").is_err());
    }

    #[test]
    fn bounded_integers_and_lists_are_refused_outside_their_bounds() {
        let number = |json: &str| serde_json::from_str::<Bounded<1, 500>>(json);
        assert_eq!(number("1").unwrap().get(), 1);
        assert_eq!(number("500").unwrap().get(), 500);
        assert!(number("0").is_err());
        assert!(number("501").is_err());
        let list = |json: &str| serde_json::from_str::<Items<u8, 1, 2>>(json);
        assert_eq!(list("[1, 2]").unwrap().len(), 2);
        assert!(list("[]").is_err());
        assert!(list("[1, 2, 3]").is_err());
    }

    #[test]
    fn amounts_are_refused_below_their_floor_and_patterned_to_match() {
        let positive = |json: &str| serde_json::from_str::<Amount<true>>(json);
        let non_negative = |json: &str| serde_json::from_str::<Amount<false>>(json);
        assert!(positive(r#""0.01""#).is_ok());
        assert!(positive(r#""0.00""#).is_err());
        assert!(positive(r#""-1.00""#).is_err());
        assert!(non_negative(r#""0.00""#).is_ok());
        assert!(non_negative(r#""-0.01""#).is_err());
        assert!(non_negative(r#""-0.00""#).is_err());
        assert_eq!(
            Amount::<true>::pattern(),
            r"^(?![0.]+$)[0-9]{1,13}(\.[0-9]{1,2})?$"
        );
        assert_eq!(Amount::<false>::pattern(), r"^[0-9]{1,13}(\.[0-9]{1,2})?$");
    }

    #[test]
    fn a_set_refuses_a_repeated_value() {
        let set = |json: &str| serde_json::from_str::<Distinct<u8>>(json);
        assert_eq!(set("[2, 1]").unwrap().into_set(), BTreeSet::from([1, 2]));
        assert!(set("[1, 1]").is_err());
        let schema = serde_json::to_value(Distinct::<u8>::schema()).unwrap();
        assert_eq!(schema["uniqueItems"], true);
    }

    #[test]
    fn the_schema_states_the_same_bounds() {
        let schema = serde_json::to_value(Text::<1, 200>::schema()).unwrap();
        assert_eq!(schema["minLength"], 1);
        assert_eq!(schema["maxLength"], 200);
        assert_eq!(schema["pattern"], format!("[^{WHITE_SPACE}]"));
        let optional = serde_json::to_value(Text::<0, 40>::schema()).unwrap();
        assert!(optional.get("minLength").is_none() && optional.get("pattern").is_none());
        let number = serde_json::to_value(Bounded::<1, 500>::schema()).unwrap();
        assert_eq!(
            (number["minimum"].clone(), number["maximum"].clone()),
            (1.into(), 500.into())
        );
        let list = serde_json::to_value(Items::<String, 1, 20>::schema()).unwrap();
        assert_eq!(
            (list["minItems"].clone(), list["maxItems"].clone()),
            (1.into(), 20.into())
        );
    }
}

/// A year of the calendar the service keeps, as a query parameter.
pub type Year = Bounded<{ FIRST_CALENDAR_YEAR as i64 }, { LAST_CALENDAR_YEAR as i64 }>;

/// `year` as the calendar counts it; every year it admits fits.
pub fn calendar_year(year: Year) -> i32 {
    i32::try_from(year.get()).unwrap_or(LAST_CALENDAR_YEAR)
}

/// SET-6: a franchisee's agreed split of operating profit, company : franchisee, as given.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractSplit {
    #[schema(example = 55)]
    pub company: Bounded<0, 100>,
    #[schema(example = 45)]
    pub franchisee: Bounded<0, 100>,
}

impl ContractSplit {
    /// The parts as the SET-6 split takes them; each is 0–100, so the casts are exact.
    pub fn parts(self) -> (u32, u32) {
        (self.company.get() as u32, self.franchisee.get() as u32)
    }

    /// The parts as stored; each is 0–100, so the casts are exact.
    pub fn stored(self) -> (i32, i32) {
        (self.company.get() as i32, self.franchisee.get() as i32)
    }
}
