use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What can go wrong below the API; the API maps each variant to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write; the text names the constraint.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The row changed since the client read it (optimistic locking).
    #[error("the resource was changed by someone else")]
    StaleVersion,
    #[error("no database connection became free in time")]
    PoolExhausted,
    /// The database could not take the lock or serialize the transaction in time; a retry
    /// may succeed.
    #[error("the database is busy")]
    Busy,
    #[error("database setup failed: {0}")]
    Setup(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(DieselError),
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(
                kind
                @ (DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation),
                info,
            ) => {
                let what = if matches!(kind, DatabaseErrorKind::UniqueViolation) {
                    "already exists"
                } else {
                    "refers to a missing record"
                };
                let constraint = info
                    .constraint_name()
                    .or(info.table_name())
                    .unwrap_or("record");
                StoreError::Conflict(format!("{constraint} {what}"))
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                StoreError::Busy
            }
            DieselError::DatabaseError(_, info)
                if info.message().contains("database is locked")
                    || info.message().contains("lock timeout") =>
            {
                StoreError::Busy
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(_: diesel::r2d2::PoolError) -> Self {
        StoreError::PoolExhausted
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
