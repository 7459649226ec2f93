//! The application's clock: the one source of "now" and of "today in the company's time zone"
//! for every decision and every stored business timestamp.
//!
//! A server runs on the real clock, or — for tests and for integrators who need to see an SLA
//! breach or a month close without waiting for it — on a test clock that stands still at an
//! instant until it is moved, and only ever forward: stored history must not go back in time.
//!
//! Security times (token lifetimes) do not use it: [`security_now`] is the real clock, so a test
//! clock can never extend a token's life.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use zhidu_domain::calendar::SHANGHAI;

/// The company's zone: Asia/Shanghai, UTC+08:00 all year (no daylight saving since 1991). It is
/// the calendar's zone (`zhidu_domain::calendar::SHANGHAI`), in which the official holiday
/// schedules, shift times and end-of-day deadlines are written, so the clock dates "today" in
/// the same zone as every rule; one constant, not a setting that could disagree with them.
pub const COMPANY_ZONE: UtcOffset = zhidu_domain::calendar::SHANGHAI;

/// One reading of the clock: an instant, and the company's zone to date it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    utc: OffsetDateTime,
    zone: UtcOffset,
}

impl Moment {
    /// `instant` to the microsecond (the finest both backends keep), dated in `zone`.
    pub fn new(instant: OffsetDateTime, zone: UtcOffset) -> Moment {
        let utc = instant.to_offset(UtcOffset::UTC);
        let utc = utc.replace_microsecond(utc.microsecond()).unwrap_or(utc);
        Moment { utc, zone }
    }

    /// The instant, in UTC.
    pub fn instant(&self) -> OffsetDateTime {
        self.utc
    }

    /// The instant as the database stores it: UTC without an offset.
    pub fn stored(&self) -> PrimitiveDateTime {
        PrimitiveDateTime::new(self.utc.date(), self.utc.time())
    }

    /// The instant in the company's zone.
    pub fn local(&self) -> OffsetDateTime {
        self.utc.to_offset(self.zone)
    }

    /// The company's calendar day at this instant.
    pub fn today(&self) -> Date {
        self.local().date()
    }
}

/// Why a test clock did not move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("this server runs on the real clock; start it with --test-clock to set the time")]
    NotATestClock,
    #[error(
        "the clock may only move forward: it reads {}, and {} is earlier (stored history must not go back in time)",
        rfc3339(*current),
        rfc3339(*requested)
    )]
    Backwards {
        current: OffsetDateTime,
        requested: OffsetDateTime,
    },
}

#[derive(Debug)]
enum Source {
    Real,
    /// Standing at `Some(instant)`, or following the real clock (`None`) until it is set.
    Test(Mutex<Option<OffsetDateTime>>),
}

/// The clock in the application state; cheap to clone, clones share one time.
#[derive(Debug, Clone)]
pub struct Clock {
    source: Arc<Source>,
    zone: UtcOffset,
}

impl Clock {
    /// The real clock, dating in `zone`.
    pub fn real(zone: UtcOffset) -> Clock {
        Clock {
            source: Arc::new(Source::Real),
            zone,
        }
    }

    /// A test clock standing at `start`, or following the real clock until set when `None`.
    pub fn test(start: Option<OffsetDateTime>, zone: UtcOffset) -> Clock {
        Clock {
            source: Arc::new(Source::Test(Mutex::new(
                start.map(|s| Moment::new(s, zone).utc),
            ))),
            zone,
        }
    }

    /// Whether this is a test clock (which may be set through the API).
    pub fn is_test(&self) -> bool {
        matches!(*self.source, Source::Test(_))
    }

    /// Now.
    pub fn now(&self) -> Moment {
        let instant = match &*self.source {
            Source::Real => OffsetDateTime::now_utc(),
            Source::Test(standing) => lock(standing).unwrap_or_else(OffsetDateTime::now_utc),
        };
        Moment::new(instant, self.zone)
    }

    /// Whether the test clock stands still (`false` when it follows the real clock).
    pub fn is_standing(&self) -> bool {
        match &*self.source {
            Source::Real => false,
            Source::Test(standing) => lock(standing).is_some(),
        }
    }

    /// Moves a test clock forward to `to`, where it stands until moved again.
    pub fn set(&self, to: OffsetDateTime) -> Result<Moment, ClockError> {
        let Source::Test(standing) = &*self.source else {
            return Err(ClockError::NotATestClock);
        };
        let requested = Moment::new(to, self.zone);
        let mut standing = lock(standing);
        let current = standing.unwrap_or_else(OffsetDateTime::now_utc);
        if requested.utc < current {
            return Err(ClockError::Backwards {
                current: Moment::new(current, self.zone).local(),
                requested: requested.local(),
            });
        }
        *standing = Some(requested.utc);
        Ok(requested)
    }

    /// Returns a test clock to the real time; refused while the test clock is ahead of it.
    pub fn follow_real_time(&self) -> Result<Moment, ClockError> {
        let Source::Test(standing) = &*self.source else {
            return Err(ClockError::NotATestClock);
        };
        let mut standing = lock(standing);
        let real = Moment::new(OffsetDateTime::now_utc(), self.zone);
        if let Some(current) = *standing
            && real.utc < current
        {
            return Err(ClockError::Backwards {
                current: Moment::new(current, self.zone).local(),
                requested: real.local(),
            });
        }
        *standing = None;
        Ok(real)
    }
}

fn rfc3339(instant: OffsetDateTime) -> String {
    instant
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| instant.to_string())
}

/// A poisoned lock still holds a valid instant: a panic cannot leave it half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The real clock, for security times only (token issue and expiry, credential checks): a test
/// clock must never extend a token's life.
pub fn security_now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// An instant as the store keeps it: UTC, without offset.
pub fn stored_utc(instant: OffsetDateTime) -> PrimitiveDateTime {
    let utc = instant.to_offset(UtcOffset::UTC);
    PrimitiveDateTime::new(utc.date(), utc.time())
}

/// The local (Shanghai) midnight that starts `date`, as a stored UTC timestamp.
pub fn local_midnight_utc(date: Date) -> PrimitiveDateTime {
    stored_utc(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_offset(SHANGHAI))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn standing_at(instant: OffsetDateTime) -> Clock {
        Clock::test(Some(instant), COMPANY_ZONE)
    }

    #[test]
    fn a_moment_dates_in_the_company_zone() {
        // 23:59:59 in Shanghai is 15:59:59 UTC: still the same local day; a second later the next.
        let before = Moment::new(datetime!(2026-12-31 15:59:59 UTC), COMPANY_ZONE);
        assert_eq!(before.today(), time::macros::date!(2026 - 12 - 31));
        let after = Moment::new(datetime!(2026-12-31 16:00:00 UTC), COMPANY_ZONE);
        assert_eq!(after.today(), time::macros::date!(2027 - 01 - 01));
        assert_eq!(after.stored(), time::macros::datetime!(2026-12-31 16:00:00));
    }

    #[test]
    fn a_moment_keeps_microseconds_only() {
        let moment = Moment::new(datetime!(2026-12-01 01:02:03.123456789 UTC), COMPANY_ZONE);
        assert_eq!(moment.instant().nanosecond(), 123_456_000);
    }

    #[test]
    fn a_test_clock_stands_still_and_moves_only_forward() {
        let clock = standing_at(datetime!(2026-12-09 10:00 +8));
        assert_eq!(clock.now().instant(), datetime!(2026-12-09 02:00 UTC));
        assert_eq!(clock.now(), clock.now());
        let later = clock.set(datetime!(2026-12-10 09:00 +8)).unwrap();
        assert_eq!(clock.clone().now(), later);
        assert_eq!(
            clock.set(datetime!(2026-12-10 08:59:59 +8)),
            Err(ClockError::Backwards {
                current: datetime!(2026-12-10 09:00 +8),
                requested: datetime!(2026-12-10 08:59:59 +8),
            })
        );
        assert_eq!(
            clock
                .set(datetime!(2026-12-10 08:59:59 +8))
                .unwrap_err()
                .to_string(),
            "the clock may only move forward: it reads 2026-12-10T09:00:00+08:00, and \
             2026-12-10T08:59:59+08:00 is earlier (stored history must not go back in time)"
        );
        // Setting the instant it already reads is not moving backwards.
        assert_eq!(clock.set(datetime!(2026-12-10 09:00 +8)), Ok(later));
    }

    #[test]
    fn a_test_clock_far_ahead_cannot_return_to_real_time() {
        let clock = standing_at(datetime!(9999-01-01 00:00 UTC));
        assert!(matches!(
            clock.follow_real_time(),
            Err(ClockError::Backwards { .. })
        ));
        assert!(clock.is_standing());
    }

    #[test]
    fn a_test_clock_in_the_past_returns_to_real_time() {
        let clock = standing_at(datetime!(2000-01-01 00:00 UTC));
        clock.follow_real_time().unwrap();
        assert!(!clock.is_standing());
        assert!(clock.now().instant() > datetime!(2000-01-02 00:00 UTC));
    }

    #[test]
    fn the_real_clock_cannot_be_set() {
        let clock = Clock::real(COMPANY_ZONE);
        assert_eq!(
            clock.set(datetime!(2030-01-01 00:00 UTC)),
            Err(ClockError::NotATestClock)
        );
        assert!(!clock.is_test());
    }
}
