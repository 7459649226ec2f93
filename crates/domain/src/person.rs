//! Facts about a person that several rules read: gender (LEAVE-6, LEAVE-7, PAY-2) and age.

use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// Full years of age on `on` (a birthday on 29 February is reached on 1 March in other years).
pub fn age_on(birth_date: Date, on: Date) -> i32 {
    let years = on.year() - birth_date.year();
    let birthday_reached =
        (on.month() as u8, on.day()) >= (birth_date.month() as u8, birth_date.day());
    if birthday_reached { years } else { years - 1 }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn age_turns_on_the_birthday() {
        assert_eq!(age_on(date!(2001 - 06 - 15), date!(2026 - 06 - 14)), 24);
        assert_eq!(age_on(date!(2001 - 06 - 15), date!(2026 - 06 - 15)), 25);
    }

    #[test]
    fn a_leap_day_birthday_is_reached_on_the_first_of_march() {
        assert_eq!(age_on(date!(2004 - 02 - 29), date!(2027 - 02 - 28)), 22);
        assert_eq!(age_on(date!(2004 - 02 - 29), date!(2027 - 03 - 01)), 23);
        assert_eq!(age_on(date!(2004 - 02 - 29), date!(2028 - 02 - 29)), 24);
    }
}
