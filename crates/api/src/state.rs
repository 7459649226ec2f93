//! What every handler shares, and the two ways it reaches the database.

use actix_web::web;
use zhidu_domain::tier::TierPolicy;
use zhidu_store::db::{DbConnection, Pool, write_transaction};

use crate::auth::TokenKeys;
use crate::error::ApiError;

pub struct AppState {
    pub pool: Pool,
    pub tokens: TokenKeys,
    pub tier_policy: TierPolicy,
    /// Verified against for unknown usernames, so a login takes as long either way.
    pub decoy_hash: String,
}

impl AppState {
    /// Runs `work` on a pooled connection on the blocking pool (diesel is synchronous).
    /// A pool that stays exhausted past the acquire timeout answers 503.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut connection = pool.get().map_err(|_| {
                ApiError::unavailable("no database connection became free in time; retry shortly")
            })?;
            work(&mut connection)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Like [`read`](Self::read), inside one write transaction: the change and its audit
    /// row commit together or not at all.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        self.read(move |connection| write_transaction(connection, work))
            .await
    }
}
