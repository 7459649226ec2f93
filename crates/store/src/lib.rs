//! zhidu's persistence: one diesel schema over PostgreSQL and SQLite. Repositories store and
//! load; they never decide a business rule. Every write records its audit row (ACC-1) on the
//! same connection, so it commits or rolls back with the change.

pub mod accountability;
pub mod after_sales;
pub mod approvals;
pub mod attendance;
pub mod audit;
pub mod calendar;
pub mod care;
pub mod clock;
pub mod complaints;
pub mod customers;
pub mod db;
pub mod discipline;
pub mod domain_transfers;
pub mod employment;
mod error;
pub mod hr_reports;
pub mod inbox;
pub mod inspections;
pub mod leave;
pub mod meeting_hosts;
pub mod partners;
pub mod payments;
pub mod payroll;
pub mod people;
pub mod points;
pub mod policies;
pub mod promotions;
pub mod prospects;
pub mod publication;
pub mod receivables;
pub mod schema;
pub mod service_areas;
pub mod statements;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tiers;
pub mod touches;
pub mod training;
pub mod users;
pub mod versioned;
pub mod vip;
pub mod work_orders;

pub use error::{StoreError, StoreResult};

/// A new time-ordered id (UUIDv7), so ordering by id is creation order.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A value stored as text (a status, a kind, a rank), read back as its domain enum. A text
/// no variant names is corrupt data, never a silent default: the row was damaged or written
/// by a newer version, and guessing would decide someone's pay or deadline on a guess.
pub fn read_stored<T>(text: &str) -> StoreResult<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|error: T::Err| StoreError::Corrupt(format!("stored {text:?}: {error}")))
}
