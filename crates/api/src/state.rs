//! What every handler shares, and the two ways it reaches the database.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use tokio::sync::Semaphore;
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
    /// One permit per pooled connection: a request waits here, without holding a blocking
    /// thread, and gives up after `acquire_timeout`, so a saturated server answers 503 in
    /// bounded time instead of queueing without end.
    pub db_permits: Arc<Semaphore>,
    pub acquire_timeout: Duration,
}

impl AppState {
    /// Runs `work` on a pooled connection on the blocking pool (diesel is synchronous).
    /// A pool that stays exhausted past the acquire timeout answers 503.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let busy =
            || ApiError::unavailable("no database connection became free in time; retry shortly");
        let permit = actix_web::rt::time::timeout(
            self.acquire_timeout,
            self.db_permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| busy())?
        .map_err(ApiError::internal)?;
        let pool = self.pool.clone();
        web::block(move || {
            let _permit = permit;
            let mut connection = pool.get().map_err(|_| busy())?;
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
