//! The one way a use case changes a versioned row: check the version the client read, then
//! write the next one.

use zhidu_store::versioned::Versioned;

use crate::error::{ServiceError, ServiceResult};

/// `row` if it is still at the `version` the client read; otherwise stale (412), so the client
/// reads it again instead of overwriting a change it has not seen.
pub fn at_version<T: Versioned>(row: T, version: i64) -> ServiceResult<T> {
    if row.version() == version {
        Ok(row)
    } else {
        Err(ServiceError::Stale(format!(
            "{} is at version {}, not {version}; read it again",
            row.name(),
            row.version()
        )))
    }
}
