//! What every handler shares, and the two ways it reaches the database.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use zhidu_domain::after_sales::AfterSalesPolicy;
use zhidu_domain::area_contract::AreaPolicy;
use zhidu_domain::attendance::AttendancePolicy;
use zhidu_domain::care::CarePolicy;
use zhidu_domain::inbox::InboxPolicy;
use zhidu_domain::inspection::InspectionPolicy;
use zhidu_domain::leave::LeavePolicy;
use zhidu_domain::meeting::MeetingPolicy;
use zhidu_domain::payroll::PayrollPolicy;
use zhidu_domain::person::EmploymentPolicy;
use zhidu_domain::settlement::SettlementPolicy;
use zhidu_domain::sla::SlaPolicy;
use zhidu_domain::touch::TouchPolicy;
use zhidu_domain::training::TrainingPolicy;
use zhidu_domain::vip::VipPolicy;
use zhidu_store::clock::{Clock, Moment};
use zhidu_store::db::{DbConnection, Pool, write_transaction};

use crate::auth::TokenKeys;
use crate::error::ApiError;
use crate::policy_cache::PolicyCache;

pub struct AppState {
    pub pool: Pool,
    /// The one source of "now" for every decision and stored business time.
    pub clock: Clock,
    pub tokens: TokenKeys,
    /// Issue 18: the effective-dated policies (tier so far), cached across requests.
    pub policy_cache: PolicyCache,
    pub sla_policy: SlaPolicy,
    pub area_policy: AreaPolicy,
    pub employment_policy: EmploymentPolicy,
    pub attendance_policy: AttendancePolicy,
    pub leave_policy: LeavePolicy,
    pub payroll_policy: PayrollPolicy,
    pub settlement_policy: SettlementPolicy,
    pub care_policy: CarePolicy,
    pub touch_policy: TouchPolicy,
    pub after_sales_policy: AfterSalesPolicy,
    pub inbox_policy: InboxPolicy,
    pub inspection_policy: InspectionPolicy,
    pub training_policy: TrainingPolicy,
    /// VIP: the visit cadence of big customers' plans.
    pub vip_policy: VipPolicy,
    /// DISC meeting host: when a member's report is late.
    pub meeting_policy: MeetingPolicy,
    /// Verified against for unknown usernames, so a login takes as long either way.
    pub decoy_hash: String,
    /// One permit per pooled connection: a request waits here, without holding a blocking
    /// thread, and gives up after `acquire_timeout`, so a saturated server answers 503 in
    /// bounded time instead of queueing without end.
    pub db_permits: Arc<Semaphore>,
    pub acquire_timeout: Duration,
    /// Whether reads run on the worker thread (SQLite) or the blocking pool (PostgreSQL).
    pub reads_inline: bool,
    /// Whether write transactions run side by side (PostgreSQL) or one at a time (SQLite).
    pub concurrent_writes: bool,
}

fn busy() -> ApiError {
    ApiError::unavailable("no database connection became free in time; retry shortly")
}

impl AppState {
    /// Now, by the application's clock.
    pub fn now(&self) -> Moment {
        self.clock.now()
    }

    /// Waits for a database permit without holding a thread; 503 after the acquire timeout.
    async fn admit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        let started = std::time::Instant::now();
        let permit = actix_web::rt::time::timeout(
            self.acquire_timeout,
            self.db_permits.clone().acquire_owned(),
        )
        .await;
        crate::metrics::record_pool_wait(started.elapsed(), permit.is_ok());
        permit.map_err(|_| busy())?.map_err(ApiError::internal)
    }

    /// Runs read-only `work` on a pooled connection. On SQLite it runs right here: an
    /// in-process read in WAL mode never waits for a writer and takes microseconds, less than
    /// the two thread hand-offs of the blocking pool. On PostgreSQL it runs on the blocking pool
    /// (diesel is synchronous and a network round trip must not stall the worker).
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self.admit().await?;
        if self.reads_inline {
            let _permit = permit;
            let mut connection = self.pool.get().map_err(|_| busy())?;
            return work(&mut connection);
        }
        self.on_blocking_pool(permit, work).await
    }

    async fn on_blocking_pool<T, F>(
        &self,
        permit: OwnedSemaphorePermit,
        work: F,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let _permit = permit;
            let mut connection = pool.get().map_err(|_| busy())?;
            work(&mut connection)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Runs `work` on the blocking pool inside one write transaction: the change and its
    /// audit row commit together or not at all. Writes may wait for a lock, so never inline.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self.admit().await?;
        self.on_blocking_pool(permit, move |connection| {
            write_transaction(connection, work)
        })
        .await
    }
}
