//! The zhidu HTTP API: thin handlers that parse, authorize, call the domain, persist in one
//! transaction with its audit row, and answer; every error as problem+json.

pub mod allowed_methods;
pub mod approvals;
pub mod auth;
pub mod bootstrap;
pub mod checks;
pub mod config;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod openapi;
pub mod outbox;
pub mod routes;
pub mod server;
pub mod state;
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
