//! The zhidu HTTP API: thin handlers that parse, authorize, call the domain, persist in one
//! transaction with its audit row, and answer; every error as problem+json.

pub mod allowed_methods;
pub mod approvals;
pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod input;
pub mod metrics;
pub mod openapi;
pub mod outbox;
pub mod page;
pub mod policy_cache;
pub mod routes;
pub mod server;
pub mod state;
pub mod views;
pub mod wire;

/// A reason the process cannot start or go on, printed to the operator as it is.
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fatal {}

impl Fatal {
    /// A failure of the database that `DATABASE_URL` names, naming the variable and the
    /// database (a password hidden), so the operator knows what to fix.
    pub fn database(
        url: &zhidu_store::db::DatabaseUrl,
        doing: &str,
        error: impl std::fmt::Display,
    ) -> Fatal {
        Fatal(format!("DATABASE_URL={}: {doing}: {error}", url.redacted()))
    }
}

/// The pool of the configured database and one connection from it, every failure naming
/// `DATABASE_URL`.
pub fn connect(
    config: &config::Config,
) -> Result<(zhidu_store::db::Pool, zhidu_store::db::PooledConnection), Fatal> {
    let url = &config.database_url;
    let pool = zhidu_store::db::open_pool(url, &config.pool)
        .map_err(|e| Fatal::database(url, "cannot open the database", e))?;
    let connection = pool
        .get()
        .map_err(|e| Fatal::database(url, "cannot connect to the database", e))?;
    Ok((pool, connection))
}

impl From<std::io::Error> for Fatal {
    fn from(error: std::io::Error) -> Self {
        Fatal(error.to_string())
    }
}

impl From<zhidu_store::StoreError> for Fatal {
    fn from(error: zhidu_store::StoreError) -> Self {
        Fatal(error.to_string())
    }
}

impl From<error::ApiError> for Fatal {
    fn from(error: error::ApiError) -> Self {
        Fatal(error.to_string())
    }
}

impl From<config::ConfigError> for Fatal {
    fn from(error: config::ConfigError) -> Self {
        Fatal(format!("configuration error: {error}"))
    }
}
