//! Facts about a person that several rules read: gender (LEAVE-6, LEAVE-7, PAY-2) and age.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::Money;
use crate::text_enum::text_enum;

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Gender {
        Male = "male",
        Female = "female",
    }
}

text_enum! {
    /// PAY-4, EMP-3: why an employment ended; only a resignation is "personal reasons".
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum LeavingReason {
        Resignation = "resignation",
        Dismissal = "dismissal",
        ContractEnd = "contract_end",
        Other = "other",
    }
}

impl LeavingReason {
    /// The stored text; the same as `as_str`.
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    pub fn from_name(name: &str) -> Option<LeavingReason> {
        name.parse().ok()
    }
}

/// Full years of age on `on` (a birthday on 29 February is reached on 1 March in other years).
pub fn age_on(birth_date: Date, on: Date) -> i32 {
    let years = on.year() - birth_date.year();
    let birthday_reached =
        (on.month() as u8, on.day()) >= (birth_date.month() as u8, birth_date.day());
    if birthday_reached { years } else { years - 1 }
}

/// EMP-1..5: probation, regularization, notice, the departure checklist and promotion; EMP-7
/// monthly targets; EMP-8 work-injury reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmploymentPolicy {
    /// EMP-1: the length of probation for a new hire.
    pub probation_months: u8,
    /// EMP-1: probation never runs past this many months after hiring, extensions (LEAVE-4 and
    /// EMP-1 alike) included. `LeavePolicy::default()` takes its cap from here, and both rules
    /// apply it through `leave::probation_last_possible_day`.
    pub probation_cap_months: u32,
    /// EMP-2: recorded performance a customer-service employee needs to be regularized.
    pub regularization_performance: Money,
    /// EMP-3: calendar days of notice while on probation.
    pub probation_notice_days: u32,
    /// EMP-3: days of pay that replace the notice on probation.
    pub pay_in_lieu_days: u32,
    /// EMP-3: calendar days of notice once regular.
    pub regular_notice_days: u32,
    /// EMP-4: what a leaver hands back before final pay and the leaving certificate.
    pub checklist: &'static [ChecklistItem],
    /// EMP-5: company-funded spend above this share of the year's performance, in basis
    /// points (300 = 3.00%), rules a customer-service employee out of promotion.
    pub promotion_spend_limit_basis_points: i64,
    /// EMP-7: a department head files the month's targets and assessment standard by this
    /// working day of the month (the 1st working day is the month's first).
    pub targets_due_working_day: u32,
    /// EMP-7: how often a department's assessment standard may change within one calendar
    /// quarter.
    pub standard_changes_per_quarter: u32,
    /// EMP-8: the department files a work-injury report within this many clock hours of the
    /// incident.
    pub injury_report_within_hours: u32,
    /// EMP-8 (Reading of 办公室): the department whose head records the office's investigation.
    pub office_department_name: &'static str,
}

impl Default for EmploymentPolicy {
    fn default() -> Self {
        EmploymentPolicy {
            probation_months: 1,
            probation_cap_months: 6,
            regularization_performance: Money::from_yuan(60_000),
            probation_notice_days: 3,
            pay_in_lieu_days: 3,
            regular_notice_days: 30,
            checklist: &ChecklistItem::ALL,
            promotion_spend_limit_basis_points: 300,
            targets_due_working_day: 3,
            standard_changes_per_quarter: 1,
            injury_report_within_hours: 12,
            office_department_name: "办公室",
        }
    }
}

text_enum! {
    /// EMP-4: the things a leaver hands back (员工卡、电子用品、业务密码、培训资料、更衣柜钥匙、工具、书本).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ChecklistItem {
        Badge = "badge",
        Devices = "devices",
        BusinessPasswords = "business_passwords",
        TrainingMaterial = "training_material",
        LockerKey = "locker_key",
        Tools = "tools",
        Books = "books",
    }
}

impl ChecklistItem {
    /// The stored text; the same as `as_str`.
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    pub fn from_name(name: &str) -> Option<ChecklistItem> {
        name.parse().ok()
    }
}

/// EMP-1: probation ends `probation_months` after the hire date (the day before the same
/// day-of-month; clamped to the month's last day, so 31 January + 1 month ends 28/29 February).
pub fn default_probation_end(policy: &EmploymentPolicy, hired_on: Date) -> Date {
    let months = i32::from(policy.probation_months);
    let month_index = hired_on.year() * 12 + (hired_on.month() as i32 - 1) + months;
    let (year, month) = (month_index.div_euclid(12), month_index.rem_euclid(12) + 1);
    let month = time::Month::try_from(month as u8).unwrap_or(time::Month::December);
    let day = hired_on.day().min(month.length(year));
    let same_day = Date::from_calendar_date(year, month, day).unwrap_or(hired_on);
    if day < hired_on.day() {
        same_day
    } else {
        same_day.previous_day().unwrap_or(same_day)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn emp_1_probation_lasts_one_month() {
        let policy = EmploymentPolicy::default();
        assert_eq!(
            default_probation_end(&policy, date!(2026 - 03 - 02)),
            date!(2026 - 04 - 01)
        );
        assert_eq!(
            default_probation_end(&policy, date!(2026 - 12 - 15)),
            date!(2027 - 01 - 14)
        );
    }

    #[test]
    fn emp_1_a_month_from_the_end_of_january_ends_with_february() {
        let policy = EmploymentPolicy::default();
        assert_eq!(
            default_probation_end(&policy, date!(2026 - 01 - 31)),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            default_probation_end(&policy, date!(2028 - 01 - 31)),
            date!(2028 - 02 - 29)
        );
        assert_eq!(
            default_probation_end(&policy, date!(2028 - 01 - 29)),
            date!(2028 - 02 - 28)
        );
    }

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

    #[test]
    fn person_stored_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&Gender::ALL, Gender::as_str);
        assert_serde_names_match(&Gender::ALL, Gender::as_str);
        assert_eq!(Gender::ALL.map(Gender::as_str), ["male", "female"]);
        assert_round_trips(&LeavingReason::ALL, LeavingReason::as_str);
        assert_serde_names_match(&LeavingReason::ALL, LeavingReason::as_str);
        assert_eq!(
            LeavingReason::ALL.map(LeavingReason::as_str),
            ["resignation", "dismissal", "contract_end", "other"]
        );
        assert_eq!(
            LeavingReason::from_name("contract_end"),
            Some(LeavingReason::ContractEnd)
        );
        assert_eq!(LeavingReason::ContractEnd.name(), "contract_end");
        assert_round_trips(&ChecklistItem::ALL, ChecklistItem::as_str);
        assert_serde_names_match(&ChecklistItem::ALL, ChecklistItem::as_str);
        assert_eq!(
            ChecklistItem::ALL.map(ChecklistItem::as_str),
            [
                "badge",
                "devices",
                "business_passwords",
                "training_material",
                "locker_key",
                "tools",
                "books"
            ]
        );
        assert_eq!(
            ChecklistItem::from_name("books"),
            Some(ChecklistItem::Books)
        );
        assert_eq!(ChecklistItem::from_name("book"), None);
    }
}
