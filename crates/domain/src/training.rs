//! TRAIN — training, assessment and certification (培训、考核、发证), and the periodic training
//! of customers (对客户进行定期培训).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use time::{Date, Duration, Month};

use crate::care::add_months_clamped;
use crate::refusal::Refusal;
use crate::role::Role;
use crate::text_enum::text_enum;
use crate::tier::Tier;

/// The numbers of the TRAIN rules, each a policy default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingPolicy {
    /// TRAIN-1: the longest session, in hours (a session is held on one day).
    pub max_session_hours: u32,
    /// TRAIN-2: the top of the score scale (the bottom is 0).
    pub max_score: i64,
    /// TRAIN-2: a score of this or more passes.
    pub pass_mark: i64,
    /// TRAIN-2: attempts after the first one; the attempt after these is refused.
    pub max_retakes: u32,
    /// TRAIN-3: a certificate is valid this many calendar months.
    pub certificate_validity_months: u32,
    /// TRAIN-3: a certificate whose last valid day is this many days away or fewer is listed
    /// as expiring.
    pub expiry_warning_days: i64,
    /// TRAIN-3: the user roles whose holders must hold a valid certificate.
    pub certified_roles: Vec<Role>,
    /// TRAIN-4: calendar months per training period of a tier-A customer (a quarter).
    pub tier_a_cadence_months: Option<u32>,
    /// TRAIN-4: … of a tier-B customer (a half year).
    pub tier_b_cadence_months: Option<u32>,
    /// TRAIN-4: … of a tier-C customer (none: on request only).
    pub tier_c_cadence_months: Option<u32>,
    /// TRAIN-4: a requested training is due within this many days of the request.
    pub requested_training_within_days: i64,
}

impl Default for TrainingPolicy {
    fn default() -> Self {
        TrainingPolicy {
            max_session_hours: 24,
            max_score: 100,
            pass_mark: 60,
            max_retakes: 2,
            certificate_validity_months: 12,
            expiry_warning_days: 30,
            certified_roles: vec![Role::CsAgent, Role::Technician],
            tier_a_cadence_months: Some(3),
            tier_b_cadence_months: Some(6),
            tier_c_cadence_months: None,
            requested_training_within_days: 30,
        }
    }
}

impl TrainingPolicy {
    /// TRAIN-4: the months of one training period of a customer of `tier`; `None` when the
    /// tier (or a customer without a tier yet) is trained on request only.
    pub fn cadence_months(&self, tier: Option<Tier>) -> Option<u32> {
        match tier? {
            Tier::A => self.tier_a_cadence_months,
            Tier::B => self.tier_b_cadence_months,
            Tier::C => self.tier_c_cadence_months,
        }
        .filter(|months| *months > 0)
    }

    /// The tiers with a cadence: the customers the due list reads besides those with a request.
    pub fn tiers_with_cadence(&self) -> Vec<Tier> {
        Tier::ALL
            .into_iter()
            .filter(|tier| self.cadence_months(Some(*tier)).is_some())
            .collect()
    }
}

/// TRAIN-1: a session's length in hundredths of an hour, written as a decimal (`"2.5"`,
/// `"1.75"`) with at most two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hours(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a decimal number of hours with at most two decimals, such as \"2.5\"")]
pub struct HoursError;

impl Hours {
    pub fn from_hundredths(hundredths: i64) -> Self {
        Hours(hundredths)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }
}

impl FromStr for Hours {
    type Err = HoursError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 4
            || !digits(whole)
            || fraction.len() > 2
            || !digits(fraction)
            || text.ends_with('.')
        {
            return Err(HoursError);
        }
        let whole: i64 = whole.parse().map_err(|_| HoursError)?;
        let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| HoursError)?;
        Ok(Hours(whole * 100 + fraction))
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// TRAIN-1: a session lasts more than nothing and at most the policy's hours.
pub fn session_hours_allowed(hours: Hours, policy: &TrainingPolicy) -> Result<(), String> {
    let most = i64::from(policy.max_session_hours) * 100;
    if hours.0 <= 0 || hours.0 > most {
        return Err(format!(
            "must be more than 0 and at most {} hours",
            policy.max_session_hours
        ));
    }
    Ok(())
}

/// TRAIN-1: attendance is recorded on the session's day or later, never ahead of it.
pub fn attendance_recordable(held_on: Date, today: Date) -> Result<(), Refusal> {
    if today < held_on {
        return Err(Refusal::new(
            "TRAIN-1",
            format!("the session is held on {held_on}; attendance is recorded from that day"),
        ));
    }
    Ok(())
}

/// TRAIN-2: whether `score` passes; an error names the scale when it lies outside it.
pub fn assessment_passes(score: i64, policy: &TrainingPolicy) -> Result<bool, String> {
    if !(0..=policy.max_score).contains(&score) {
        return Err(format!("must be between 0 and {}", policy.max_score));
    }
    Ok(score >= policy.pass_mark)
}

/// TRAIN-2: what is on record for one attendee of one session before a new attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The attendance recorded for them: `None` while not recorded.
    pub present: Option<bool>,
    /// Their attempts so far.
    pub attempts: u32,
    /// Whether one of them passed.
    pub passed: bool,
}

/// TRAIN-2: the number of the next attempt (1 for the first), refused when the attendee was
/// not recorded present, already passed, or used the first attempt and every retake.
pub fn next_attempt(record: AttemptRecord, policy: &TrainingPolicy) -> Result<u32, Refusal> {
    if record.present != Some(true) {
        return Err(Refusal::new(
            "TRAIN-2",
            "only an attendee recorded present at the session is assessed",
        ));
    }
    if record.passed {
        return Err(Refusal::new(
            "TRAIN-2",
            "the attendee already passed this session's assessment",
        ));
    }
    if record.attempts > policy.max_retakes {
        return Err(Refusal::new(
            "TRAIN-2",
            format!(
                "an assessment may be retaken at most {} times ({} attempts in all)",
                policy.max_retakes,
                policy.max_retakes + 1
            ),
        ));
    }
    Ok(record.attempts + 1)
}

/// TRAIN-3: the last day a certificate issued on `issued_on` is valid: the day before the
/// same date `certificate_validity_months` later. When that month has no such day (29
/// February in a common year, 31st in a 30-day month) the anniversary is the first day of the
/// month after, so a certificate of 2024-02-29 is valid through 2025-02-28.
pub fn certificate_valid_through(issued_on: Date, policy: &TrainingPolicy) -> Date {
    let months = i32::try_from(policy.certificate_validity_months).unwrap_or(i32::MAX);
    let same_day = add_months_clamped(issued_on, months);
    let through = if same_day.day() == issued_on.day() {
        same_day.previous_day().unwrap_or(same_day)
    } else {
        // The month is too short: the anniversary is the 1st of the next month, and the day
        // before it is the month's last day, where the clamped date already lies.
        same_day
    };
    through.max(issued_on)
}

/// TRAIN-3: a certificate's number, `ZD-CERT-YYYY-NNNNN`: the year it is issued and its
/// sequence within that year.
pub fn certificate_number(year: i32, sequence: u32) -> String {
    format!("ZD-CERT-{year:04}-{sequence:05}")
}

/// TRAIN-3: whether a holder of `roles` must hold a valid certificate.
pub fn requires_certificate(roles: &[Role], policy: &TrainingPolicy) -> bool {
    roles
        .iter()
        .any(|role| policy.certified_roles.contains(role))
}

/// One certificate as TRAIN-3 reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateTerm {
    pub issued_on: Date,
    pub valid_through: Date,
}

text_enum! {
    /// TRAIN-3: why an employee who needs a certificate is listed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum CertificateGap {
        /// Never certified (no certificate issued on or before the day).
        Missing = "missing",
        /// Every certificate ended before the day.
        Expired = "expired",
        /// Valid on the day, but its last valid day is within the warning days.
        Expiring = "expiring",
    }
}

/// TRAIN-3: why someone holding `certificates` is listed on `on`, with the last valid day of
/// the certificate concerned (the latest one); `None` when a certificate valid on `on` runs
/// beyond the warning days.
pub fn certificate_gap(
    certificates: &[CertificateTerm],
    on: Date,
    policy: &TrainingPolicy,
) -> Option<(CertificateGap, Option<Date>)> {
    let issued: Vec<&CertificateTerm> = certificates
        .iter()
        .filter(|term| term.issued_on <= on)
        .collect();
    let latest = issued.iter().map(|term| term.valid_through).max();
    let Some(latest) = latest else {
        return Some((CertificateGap::Missing, None));
    };
    if latest < on {
        return Some((CertificateGap::Expired, Some(latest)));
    }
    if latest <= on + Duration::days(policy.expiry_warning_days) {
        return Some((CertificateGap::Expiring, Some(latest)));
    }
    None
}

/// TRAIN-4: the first and last day of the training period of `months` months that holds
/// `date`; periods are counted from 1 January, so 3 months are the calendar quarters and 6 the
/// half years.
pub fn training_period(date: Date, months: u32) -> (Date, Date) {
    let months = i32::try_from(months.max(1)).unwrap_or(12);
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1;
    let start = index.div_euclid(months) * months;
    let first_of = |index: i32| {
        let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1))
            .unwrap_or(Month::January);
        Date::from_calendar_date(index.div_euclid(12), month, 1).unwrap_or(date)
    };
    let first = first_of(start);
    let last = first_of(start + months).previous_day().unwrap_or(date);
    (first, last)
}

text_enum! {
    /// TRAIN-4: where a customer's training stands on the day judged.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum TrainingDueStatus {
        /// To be given by `due_by`, which has not passed.
        Due = "due",
        /// `due_by` has passed.
        Overdue = "overdue",
    }
}

text_enum! {
    /// TRAIN-4: what makes a customer's training due.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum TrainingDueReason {
        /// The tier's cadence (tier A every quarter, tier B every half year).
        Cadence = "cadence",
        /// An open request by the customer.
        Request = "request",
    }
}

text_enum! {
    /// TRAIN-4: a customer's request for a training; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum TrainingRequestStatus {
        /// No training on or after the request day is recorded yet.
        Open = "open",
        /// A training on or after the request day was recorded.
        Fulfilled = "fulfilled",
    }
}

/// TRAIN-4: a customer's due training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainingDue {
    pub due_by: Date,
    pub status: TrainingDueStatus,
    pub reason: TrainingDueReason,
}

/// TRAIN-4: what is on record for one customer on the day judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerTrainingRecord {
    pub tier: Option<Tier>,
    /// The latest training on or before the day judged.
    pub last_trained_on: Option<Date>,
    /// The earliest open request made on or before the day judged.
    pub open_request_on: Option<Date>,
}

/// TRAIN-4: whether the customer is due a training on `on`. By cadence: a training in the
/// current period covers it; after one in the previous period (or never trained) it is due by
/// the end of the current period; after an older one it is overdue since the end of the period
/// after the training's. By request: due within the policy's days of the request. When both
/// apply, the earlier `due_by` is shown.
pub fn customer_training_due(
    record: CustomerTrainingRecord,
    on: Date,
    policy: &TrainingPolicy,
) -> Option<TrainingDue> {
    let by_cadence = policy.cadence_months(record.tier).and_then(|months| {
        let (first, last) = training_period(on, months);
        match record.last_trained_on {
            Some(trained) if trained >= first => None,
            Some(trained) => {
                let (_, trained_period_end) = training_period(trained, months);
                let (_, due_by) = training_period(trained_period_end.next_day()?, months);
                Some(TrainingDue {
                    due_by,
                    status: if due_by < on {
                        TrainingDueStatus::Overdue
                    } else {
                        TrainingDueStatus::Due
                    },
                    reason: TrainingDueReason::Cadence,
                })
            }
            None => Some(TrainingDue {
                due_by: last,
                status: TrainingDueStatus::Due,
                reason: TrainingDueReason::Cadence,
            }),
        }
    });
    let by_request = record.open_request_on.map(|requested| {
        let due_by = requested + Duration::days(policy.requested_training_within_days);
        TrainingDue {
            due_by,
            status: if due_by < on {
                TrainingDueStatus::Overdue
            } else {
                TrainingDueStatus::Due
            },
            reason: TrainingDueReason::Request,
        }
    });
    match (by_cadence, by_request) {
        (Some(cadence), Some(request)) if request.due_by < cadence.due_by => Some(request),
        (Some(cadence), _) => Some(cadence),
        (None, request) => request,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn policy() -> TrainingPolicy {
        TrainingPolicy::default()
    }

    #[test]
    fn train_1_hours_are_a_decimal_of_at_most_two_places() {
        assert_eq!("2.5".parse::<Hours>().unwrap().hundredths(), 250);
        assert_eq!("1.75".parse::<Hours>().unwrap().to_string(), "1.75");
        assert_eq!("3".parse::<Hours>().unwrap().to_string(), "3.00");
        for bad in ["", ".5", "2.", "2.555", "-1", "1,5", "abc", "1e2"] {
            assert!(bad.parse::<Hours>().is_err(), "{bad}");
        }
        assert!(session_hours_allowed("0".parse().unwrap(), &policy()).is_err());
        assert!(session_hours_allowed("0.01".parse().unwrap(), &policy()).is_ok());
        assert!(session_hours_allowed("24".parse().unwrap(), &policy()).is_ok());
        assert!(session_hours_allowed("24.01".parse().unwrap(), &policy()).is_err());
    }

    #[test]
    fn train_1_attendance_is_recorded_from_the_session_day() {
        assert!(attendance_recordable(date!(2026 - 05 - 10), date!(2026 - 05 - 09)).is_err());
        assert!(attendance_recordable(date!(2026 - 05 - 10), date!(2026 - 05 - 10)).is_ok());
        assert!(attendance_recordable(date!(2026 - 05 - 10), date!(2026 - 05 - 11)).is_ok());
    }

    #[test]
    fn train_2_score_59_fails_60_passes_and_the_scale_is_0_to_100() {
        assert_eq!(assessment_passes(59, &policy()), Ok(false));
        assert_eq!(assessment_passes(60, &policy()), Ok(true));
        assert_eq!(assessment_passes(0, &policy()), Ok(false));
        assert_eq!(assessment_passes(100, &policy()), Ok(true));
        assert!(assessment_passes(101, &policy()).is_err());
        assert!(assessment_passes(-1, &policy()).is_err());
    }

    #[test]
    fn train_2_at_most_two_retakes_and_none_after_a_pass() {
        let present = |attempts, passed| AttemptRecord {
            present: Some(true),
            attempts,
            passed,
        };
        assert_eq!(next_attempt(present(0, false), &policy()), Ok(1));
        assert_eq!(next_attempt(present(1, false), &policy()), Ok(2));
        assert_eq!(next_attempt(present(2, false), &policy()), Ok(3));
        let fourth = next_attempt(present(3, false), &policy()).unwrap_err();
        assert_eq!(fourth.rule, "TRAIN-2");
        assert!(next_attempt(present(1, true), &policy()).is_err());
        for present in [None, Some(false)] {
            let record = AttemptRecord {
                present,
                attempts: 0,
                passed: false,
            };
            assert_eq!(next_attempt(record, &policy()).unwrap_err().rule, "TRAIN-2");
        }
    }

    #[test]
    fn train_3_a_certificate_runs_through_the_day_before_its_anniversary() {
        let p = policy();
        assert_eq!(
            certificate_valid_through(date!(2026 - 03 - 15), &p),
            date!(2027 - 03 - 14)
        );
        assert_eq!(
            certificate_valid_through(date!(2024 - 02 - 29), &p),
            date!(2025 - 02 - 28),
            "no 29 February in 2025: the anniversary is 1 March"
        );
        assert_eq!(
            certificate_valid_through(date!(2027 - 02 - 28), &p),
            date!(2028 - 02 - 27)
        );
        assert_eq!(
            certificate_valid_through(date!(2026 - 01 - 01), &p),
            date!(2026 - 12 - 31)
        );
        let one_month = TrainingPolicy {
            certificate_validity_months: 1,
            ..policy()
        };
        assert_eq!(
            certificate_valid_through(date!(2026 - 01 - 31), &one_month),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            certificate_valid_through(
                date!(2026 - 12 - 31),
                &TrainingPolicy {
                    certificate_validity_months: 11,
                    ..policy()
                }
            ),
            date!(2027 - 11 - 30),
            "no 31 November: the anniversary is 1 December"
        );
    }

    #[test]
    fn train_3_numbers_and_roles() {
        assert_eq!(certificate_number(2026, 7), "ZD-CERT-2026-00007");
        assert!(requires_certificate(&[Role::CsAgent], &policy()));
        assert!(requires_certificate(
            &[Role::Employee, Role::Technician],
            &policy()
        ));
        assert!(!requires_certificate(&[Role::Hr, Role::Manager], &policy()));
    }

    #[test]
    fn train_3_expiring_within_30_days_but_not_31() {
        let p = policy();
        let on = date!(2026 - 06 - 01);
        let term = |valid_through| CertificateTerm {
            issued_on: date!(2025 - 07 - 01),
            valid_through,
        };
        assert_eq!(
            certificate_gap(&[term(date!(2026 - 07 - 01))], on, &p),
            Some((CertificateGap::Expiring, Some(date!(2026 - 07 - 01)))),
            "30 days away"
        );
        assert_eq!(
            certificate_gap(&[term(date!(2026 - 07 - 02))], on, &p),
            None,
            "31 days away"
        );
        assert_eq!(
            certificate_gap(&[term(on)], on, &p).map(|g| g.0),
            Some(CertificateGap::Expiring),
            "its last day"
        );
        assert_eq!(
            certificate_gap(&[term(date!(2026 - 05 - 31))], on, &p).map(|g| g.0),
            Some(CertificateGap::Expired)
        );
        assert_eq!(
            certificate_gap(&[], on, &p),
            Some((CertificateGap::Missing, None))
        );
        let later = CertificateTerm {
            issued_on: date!(2026 - 06 - 02),
            valid_through: date!(2027 - 06 - 01),
        };
        assert_eq!(
            certificate_gap(&[later], on, &p).map(|g| g.0),
            Some(CertificateGap::Missing),
            "a certificate issued after the day does not count on it"
        );
        assert_eq!(
            certificate_gap(
                &[term(date!(2026 - 05 - 31)), term(date!(2026 - 12 - 31))],
                on,
                &p
            ),
            None,
            "the latest certificate counts"
        );
    }

    #[test]
    fn train_4_periods_are_calendar_quarters_and_half_years() {
        assert_eq!(
            training_period(date!(2026 - 03 - 31), 3),
            (date!(2026 - 01 - 01), date!(2026 - 03 - 31))
        );
        assert_eq!(
            training_period(date!(2026 - 11 - 05), 3),
            (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(
            training_period(date!(2026 - 07 - 01), 6),
            (date!(2026 - 07 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(
            training_period(date!(2026 - 06 - 30), 6),
            (date!(2026 - 01 - 01), date!(2026 - 06 - 30))
        );
    }

    fn due(
        tier: Option<Tier>,
        last: Option<Date>,
        request: Option<Date>,
        on: Date,
    ) -> Option<TrainingDue> {
        customer_training_due(
            CustomerTrainingRecord {
                tier,
                last_trained_on: last,
                open_request_on: request,
            },
            on,
            &policy(),
        )
    }

    #[test]
    fn train_4_tier_a_trained_on_the_last_day_of_a_quarter_is_due_in_the_next() {
        let trained = Some(date!(2026 - 03 - 31));
        assert_eq!(
            due(Some(Tier::A), trained, None, date!(2026 - 03 - 31)),
            None
        );
        assert_eq!(
            due(Some(Tier::A), trained, None, date!(2026 - 04 - 01)),
            Some(TrainingDue {
                due_by: date!(2026 - 06 - 30),
                status: TrainingDueStatus::Due,
                reason: TrainingDueReason::Cadence,
            })
        );
        assert_eq!(
            due(Some(Tier::A), trained, None, date!(2026 - 06 - 30)).map(|d| d.status),
            Some(TrainingDueStatus::Due)
        );
        assert_eq!(
            due(Some(Tier::A), trained, None, date!(2026 - 07 - 01)),
            Some(TrainingDue {
                due_by: date!(2026 - 06 - 30),
                status: TrainingDueStatus::Overdue,
                reason: TrainingDueReason::Cadence,
            })
        );
        assert_eq!(
            due(Some(Tier::A), None, None, date!(2026 - 05 - 10)),
            Some(TrainingDue {
                due_by: date!(2026 - 06 - 30),
                status: TrainingDueStatus::Due,
                reason: TrainingDueReason::Cadence,
            }),
            "never trained: due in the current quarter"
        );
    }

    #[test]
    fn train_4_tier_b_is_due_every_half_year() {
        let trained = Some(date!(2026 - 02 - 10));
        assert_eq!(
            due(Some(Tier::B), trained, None, date!(2026 - 06 - 30)),
            None
        );
        assert_eq!(
            due(Some(Tier::B), trained, None, date!(2026 - 07 - 01)),
            Some(TrainingDue {
                due_by: date!(2026 - 12 - 31),
                status: TrainingDueStatus::Due,
                reason: TrainingDueReason::Cadence,
            })
        );
        assert_eq!(
            due(Some(Tier::B), trained, None, date!(2027 - 01 - 01)).map(|d| d.status),
            Some(TrainingDueStatus::Overdue)
        );
    }

    #[test]
    fn train_4_tier_c_is_never_due_unless_requested() {
        for tier in [Some(Tier::C), None] {
            assert_eq!(due(tier, None, None, date!(2026 - 05 - 10)), None);
            assert_eq!(
                due(
                    tier,
                    Some(date!(2020 - 01 - 01)),
                    None,
                    date!(2026 - 05 - 10)
                ),
                None
            );
            let requested = date!(2026 - 05 - 01);
            assert_eq!(
                due(tier, None, Some(requested), date!(2026 - 05 - 31)),
                Some(TrainingDue {
                    due_by: date!(2026 - 05 - 31),
                    status: TrainingDueStatus::Due,
                    reason: TrainingDueReason::Request,
                })
            );
            assert_eq!(
                due(tier, None, Some(requested), date!(2026 - 06 - 01)).map(|d| d.status),
                Some(TrainingDueStatus::Overdue)
            );
        }
        assert_eq!(
            due(
                Some(Tier::A),
                Some(date!(2026 - 04 - 02)),
                Some(date!(2026 - 05 - 01)),
                date!(2026 - 05 - 10)
            )
            .map(|d| d.reason),
            Some(TrainingDueReason::Request),
            "a request makes even a covered tier-A customer due"
        );
    }

    #[test]
    fn train_enums_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&CertificateGap::ALL, CertificateGap::as_str);
        assert_serde_names_match(&CertificateGap::ALL, CertificateGap::as_str);
        assert_round_trips(&TrainingDueStatus::ALL, TrainingDueStatus::as_str);
        assert_serde_names_match(&TrainingDueStatus::ALL, TrainingDueStatus::as_str);
        assert_round_trips(&TrainingDueReason::ALL, TrainingDueReason::as_str);
        assert_serde_names_match(&TrainingDueReason::ALL, TrainingDueReason::as_str);
        assert_round_trips(&TrainingRequestStatus::ALL, TrainingRequestStatus::as_str);
        assert_serde_names_match(&TrainingRequestStatus::ALL, TrainingRequestStatus::as_str);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i32..40_000).prop_map(|days| date!(2000 - 01 - 01) + Duration::days(i64::from(days)))
    }

    proptest! {
        #[test]
        fn train_3_a_certificate_never_ends_before_it_is_issued(
            issued in any_date(),
            months in 1u32..=60,
        ) {
            let p = TrainingPolicy { certificate_validity_months: months, ..policy() };
            let through = certificate_valid_through(issued, &p);
            prop_assert!(through >= issued);
            prop_assert!(through < issued + Duration::days(i64::from(months) * 31));
            prop_assert!(through + Duration::days(1) > issued + Duration::days(i64::from(months) * 28 - 1));
        }

        #[test]
        fn train_2_pass_iff_score_reaches_the_pass_mark(score in -50i64..=150, mark in 0i64..=100) {
            let p = TrainingPolicy { pass_mark: mark, ..policy() };
            match assessment_passes(score, &p) {
                Ok(passed) => {
                    prop_assert!((0..=100).contains(&score));
                    prop_assert_eq!(passed, score >= mark);
                }
                Err(_) => prop_assert!(!(0..=100).contains(&score)),
            }
        }

        #[test]
        fn train_4_a_training_on_the_day_covers_every_cadence_tier(on in any_date()) {
            for tier in [Tier::A, Tier::B] {
                prop_assert_eq!(due(Some(tier), Some(on), None, on), None);
            }
        }
    }
}
