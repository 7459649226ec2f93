//! CARE-2: the SMS/email touch cadence, and how the outbox retries a message its sender
//! refused.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::text_enum::text_enum;

/// CARE-2's number, a policy default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TouchPolicy {
    /// A customer is due another touch once this many days have passed since the last one.
    pub max_days_between_touches: i64,
}

impl Default for TouchPolicy {
    fn default() -> Self {
        TouchPolicy {
            max_days_between_touches: 15,
        }
    }
}

impl TouchPolicy {
    /// CARE-2: the latest local date of a last touch that leaves the customer overdue on
    /// `as_of` (a customer touched on that day or before is listed).
    pub fn overdue_if_last_touched_on_or_before(&self, as_of: Date) -> Date {
        as_of - time::Duration::days(self.max_days_between_touches)
    }
}

/// CARE-2: how many days the customer has gone untouched on `as_of`, when that makes them
/// overdue (`None` while they are within the cadence). A customer never touched counts from
/// the day it was created, passed as `last_touched_on`.
pub fn touch_overdue_days(last_touched_on: Date, as_of: Date, policy: &TouchPolicy) -> Option<i64> {
    let days = (as_of - last_touched_on).whole_days();
    (days >= policy.max_days_between_touches).then_some(days)
}

/// How the outbox retries a message the sender refused. Not a rule of RULES.md: delivery
/// machinery, with defaults here like every other number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles with every further failure…
    pub first_delay: Duration,
    /// …up to this cap.
    pub max_delay: Duration,
    /// After this many failed attempts the message is `failed` (kept; an admin may retry it).
    pub max_attempts: u32,
    /// How long a claimed message is left to its dispatcher before another may claim it
    /// (a dispatcher that died mid-send loses nothing).
    pub claim_lease: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
            max_attempts: 8,
            claim_lease: Duration::from_secs(300),
        }
    }
}

/// What to do with a message after its `attempts`-th attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again after this long.
    RetryAfter(Duration),
    /// Give up: the message stays, marked failed.
    GiveUp,
}

/// Exponential backoff with a cap and a maximum number of attempts.
pub fn after_failure(attempts: u32, policy: &RetryPolicy) -> AfterFailure {
    if attempts >= policy.max_attempts {
        return AfterFailure::GiveUp;
    }
    let doublings = attempts.saturating_sub(1).min(31);
    let delay = policy
        .first_delay
        .checked_mul(1u32 << doublings)
        .unwrap_or(policy.max_delay)
        .min(policy.max_delay);
    AfterFailure::RetryAfter(delay)
}

text_enum! {
    /// CARE-2: how a customer is touched; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Channel {
        Sms = "sms",
        Email = "email",
    }
}

text_enum! {
    /// Where an outbox message stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum OutboxStatus {
        /// Waiting for its next attempt.
        Pending = "pending",
        Sent = "sent",
        /// Given up after the last attempt; an administrator may queue it again.
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    #[test]
    fn care_2_fourteen_days_is_not_overdue_fifteen_is() {
        let policy = TouchPolicy::default();
        let as_of = date!(2026 - 11 - 30);
        assert_eq!(
            touch_overdue_days(date!(2026 - 11 - 16), as_of, &policy),
            None
        );
        assert_eq!(
            touch_overdue_days(date!(2026 - 11 - 15), as_of, &policy),
            Some(15)
        );
        assert_eq!(
            touch_overdue_days(date!(2026 - 10 - 31), as_of, &policy),
            Some(30)
        );
        assert_eq!(touch_overdue_days(as_of, as_of, &policy), None);
        assert_eq!(
            policy.overdue_if_last_touched_on_or_before(as_of),
            date!(2026 - 11 - 15)
        );
    }

    #[test]
    fn outbox_backoff_doubles_up_to_the_cap_then_gives_up() {
        let policy = RetryPolicy::default();
        assert_eq!(
            after_failure(1, &policy),
            AfterFailure::RetryAfter(Duration::from_secs(30))
        );
        assert_eq!(
            after_failure(2, &policy),
            AfterFailure::RetryAfter(Duration::from_secs(60))
        );
        assert_eq!(
            after_failure(3, &policy),
            AfterFailure::RetryAfter(Duration::from_secs(120))
        );
        assert_eq!(
            after_failure(7, &policy),
            AfterFailure::RetryAfter(Duration::from_secs(1920))
        );
        assert_eq!(after_failure(8, &policy), AfterFailure::GiveUp);
        let long = RetryPolicy {
            max_attempts: 100,
            ..policy
        };
        assert_eq!(
            after_failure(8, &long),
            AfterFailure::RetryAfter(Duration::from_secs(3600))
        );
        assert_eq!(
            after_failure(99, &long),
            AfterFailure::RetryAfter(Duration::from_secs(3600))
        );
    }

    proptest! {
        #[test]
        fn care_2_overdue_exactly_from_the_fifteenth_day(offset in 0i64..400) {
            let policy = TouchPolicy::default();
            let as_of = date!(2026 - 06 - 30);
            let last = as_of - time::Duration::days(offset);
            let overdue = touch_overdue_days(last, as_of, &policy);
            prop_assert_eq!(overdue.is_some(), offset >= 15);
            prop_assert_eq!(
                overdue.is_some(),
                last <= policy.overdue_if_last_touched_on_or_before(as_of)
            );
        }

        #[test]
        fn outbox_backoff_never_shrinks_nor_passes_the_cap(attempts in 1u32..64) {
            let policy = RetryPolicy { max_attempts: 64, ..RetryPolicy::default() };
            let (AfterFailure::RetryAfter(this), AfterFailure::RetryAfter(previous)) =
                (after_failure(attempts, &policy), after_failure(attempts.max(2) - 1, &policy))
            else {
                return Err(TestCaseError::fail("retries before the maximum"));
            };
            prop_assert!(this >= previous);
            prop_assert!(this <= policy.max_delay);
        }
    }

    #[test]
    fn care_2_stored_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&Channel::ALL, Channel::as_str);
        assert_serde_names_match(&Channel::ALL, Channel::as_str);
        assert_eq!(Channel::ALL.map(Channel::as_str), ["sms", "email"]);
        assert_round_trips(&OutboxStatus::ALL, OutboxStatus::as_str);
        assert_serde_names_match(&OutboxStatus::ALL, OutboxStatus::as_str);
        assert_eq!(
            OutboxStatus::ALL.map(OutboxStatus::as_str),
            ["pending", "sent", "failed"]
        );
    }
}
