//! Configuration from environment variables, checked before anything starts.

use std::str::FromStr;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use zhidu_domain::touch::RetryPolicy;
use zhidu_store::db::{DatabaseUrl, PoolSettings};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zhidu_store::clock::{COMPANY_ZONE, Clock};

use crate::outbox::SenderKind;

/// The embedded default when `DATABASE_URL` is unset.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/zhidu.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub bind: String,
    pub jwt_secret: Vec<u8>,
    /// True when no secret was configured and one was generated for this process.
    pub jwt_secret_generated: bool,
    pub token_ttl_seconds: i64,
    pub admin_password: Option<String>,
    pub pool: PoolSettings,
    pub workers: usize,
    pub log_filter: String,
    pub log_format: LogFormat,
    /// Seconds between SLA breach sweeps; 0 turns the in-server sweep off.
    pub sla_sweep_seconds: u64,
    pub outbox: OutboxSettings,
    pub clock: ClockSettings,
    /// `ZHIDU_CORS_ORIGINS`: browser origins allowed to call the API; empty, no CORS headers.
    pub cors_origins: CorsOrigins,
    /// `ZHIDU_METRICS_BIND`: the address of `GET /metrics`; unset, no metrics are kept or
    /// served. Its own address so that they are never public by accident.
    pub metrics_bind: Option<String>,
}

/// Which browser origins may call the API from a page (CORS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// No CORS headers: a browser page on another origin cannot read the answers.
    None,
    /// `*`: any origin (tokens travel in the Authorization header, never as credentials).
    Any,
    /// These origins exactly, e.g. `https://desk.example.com`.
    Listed(Vec<String>),
}

/// `ZHIDU_CORS_ORIGINS`: comma-separated origins (`scheme://host[:port]`, no path) or `*`.
fn cors_origins() -> Result<CorsOrigins, ConfigError> {
    let Some(text) = var("ZHIDU_CORS_ORIGINS") else {
        return Ok(CorsOrigins::None);
    };
    let origins: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .collect();
    match origins.as_slice() {
        [] => return Ok(CorsOrigins::None),
        ["*"] => return Ok(CorsOrigins::Any),
        _ => {}
    }
    let refuse = |message: String| ConfigError {
        name: "ZHIDU_CORS_ORIGINS",
        message,
    };
    let mut listed = Vec::with_capacity(origins.len());
    for origin in origins {
        if origin == "*" {
            return Err(refuse("`*` allows every origin; list it alone".into()));
        }
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .ok_or_else(|| {
                refuse(format!(
                    "{origin:?} is not an origin such as https://desk.example.com"
                ))
            })?;
        if rest.is_empty() || rest.contains('/') || !rest.is_ascii() {
            return Err(refuse(format!(
                "{origin:?} is not an origin such as https://desk.example.com (scheme and host, no path)"
            )));
        }
        listed.push(origin.to_owned());
    }
    Ok(CorsOrigins::Listed(listed))
}

/// Where the server's "now" comes from (see `zhidu_store::clock`).
#[derive(Debug, Clone)]
pub struct ClockSettings {
    /// `ZHIDU_TEST_CLOCK=1` or `serve --test-clock`: the clock may be set through
    /// `/api/v1/test-clock`. Never in production.
    pub test_clock: bool,
    /// `ZHIDU_TEST_CLOCK_START` (RFC 3339): where a test clock stands at startup; unset, it
    /// follows the real clock until it is first set.
    pub test_clock_start: Option<OffsetDateTime>,
}

impl ClockSettings {
    pub fn build(&self) -> Clock {
        if self.test_clock {
            Clock::test(self.test_clock_start, COMPANY_ZONE)
        } else {
            Clock::real(COMPANY_ZONE)
        }
    }
}

/// CARE-2 delivery: which sender, how often the dispatcher runs, and how it retries.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// `ZHIDU_OUTBOX_SENDER`: `log` (default) or `fail:N` (refuses the first N, for drills).
    pub sender: SenderKind,
    /// `ZHIDU_OUTBOX_DISPATCH_MS`: between dispatcher runs; 0 turns the dispatcher off.
    pub dispatch_every: Duration,
    /// `ZHIDU_OUTBOX_RETRY_FIRST_MS` and `ZHIDU_OUTBOX_MAX_ATTEMPTS` override the defaults.
    pub retry: RetryPolicy,
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

/// `address` when it is a `host:port` socket address.
fn socket_address(name: &'static str, address: String) -> Result<String, ConfigError> {
    match address.parse::<std::net::SocketAddr>() {
        Ok(_) => Ok(address),
        Err(_) => Err(ConfigError {
            name,
            message: format!("expected host:port such as 127.0.0.1:8080, got {address:?}"),
        }),
    }
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Reads `name` as a `T` within `range`, or `default` when unset.
fn number<T>(
    name: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, ConfigError>
where
    T: FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(text) = var(name) else {
        return Ok(default);
    };
    let value: T = text.trim().parse().map_err(|_| ConfigError {
        name,
        message: format!("expected a whole number, got {text:?}"),
    })?;
    if !range.contains(&value) {
        return Err(ConfigError {
            name,
            message: format!(
                "must be between {} and {} (got {value})",
                range.start(),
                range.end()
            ),
        });
    }
    Ok(value)
}

/// `bytes` of randomness from the OS, URL-safe base64.
pub fn random_secret(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

fn outbox_settings() -> Result<OutboxSettings, ConfigError> {
    let sender = match var("ZHIDU_OUTBOX_SENDER") {
        None => SenderKind::Log,
        Some(text) => SenderKind::parse(text.trim()).map_err(|message| ConfigError {
            name: "ZHIDU_OUTBOX_SENDER",
            message,
        })?,
    };
    let defaults = RetryPolicy::default();
    let first_ms = u64::try_from(defaults.first_delay.as_millis()).unwrap_or(u64::MAX);
    Ok(OutboxSettings {
        sender,
        dispatch_every: Duration::from_millis(number(
            "ZHIDU_OUTBOX_DISPATCH_MS",
            1000,
            0..=3_600_000,
        )?),
        retry: RetryPolicy {
            first_delay: Duration::from_millis(number(
                "ZHIDU_OUTBOX_RETRY_FIRST_MS",
                first_ms,
                1..=3_600_000,
            )?),
            max_attempts: number("ZHIDU_OUTBOX_MAX_ATTEMPTS", defaults.max_attempts, 1..=100)?,
            ..defaults
        },
    })
}

fn flag(name: &'static str) -> Result<bool, ConfigError> {
    match var(name).as_deref().map(str::trim) {
        None | Some("0" | "false") => Ok(false),
        Some("1" | "true") => Ok(true),
        Some(other) => Err(ConfigError {
            name,
            message: format!("expected 1 or 0, got {other:?}"),
        }),
    }
}

fn clock_settings() -> Result<ClockSettings, ConfigError> {
    let test_clock_start = var("ZHIDU_TEST_CLOCK_START")
        .map(|text| {
            OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|e| ConfigError {
                name: "ZHIDU_TEST_CLOCK_START",
                message: format!(
                    "expected an RFC 3339 instant such as 2026-11-02T09:00:00+08:00 ({e})"
                ),
            })
        })
        .transpose()?;
    let test_clock = flag("ZHIDU_TEST_CLOCK")?;
    if test_clock_start.is_some() && !test_clock {
        return Err(ConfigError {
            name: "ZHIDU_TEST_CLOCK_START",
            message: "only a test clock has a start; set ZHIDU_TEST_CLOCK=1 too".into(),
        });
    }
    Ok(ClockSettings {
        test_clock,
        test_clock_start,
    })
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let url_text = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let database_url = DatabaseUrl::parse(url_text.trim()).map_err(|e| ConfigError {
            name: "DATABASE_URL",
            message: e.to_string(),
        })?;
        let bind = socket_address(
            "ZHIDU_BIND",
            var("ZHIDU_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned()),
        )?;
        let metrics_bind = var("ZHIDU_METRICS_BIND")
            .map(|address| socket_address("ZHIDU_METRICS_BIND", address))
            .transpose()?;
        let (jwt_secret, jwt_secret_generated) = match var("ZHIDU_JWT_SECRET") {
            Some(secret) if secret.len() < MIN_SECRET_BYTES => {
                return Err(ConfigError {
                    name: "ZHIDU_JWT_SECRET",
                    message: format!("must be at least {MIN_SECRET_BYTES} bytes long"),
                });
            }
            Some(secret) => (secret.into_bytes(), false),
            None => (random_secret(48).into_bytes(), true),
        };
        let admin_password = var("ZHIDU_ADMIN_PASSWORD");
        if let Some(password) = &admin_password {
            zhidu_service::users::check_password_strength(password).map_err(|message| {
                ConfigError {
                    name: "ZHIDU_ADMIN_PASSWORD",
                    message,
                }
            })?;
        }
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let log_format = match var("ZHIDU_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    name: "ZHIDU_LOG_FORMAT",
                    message: format!("expected text or json, got {other:?}"),
                });
            }
        };
        Ok(Config {
            database_url,
            bind,
            jwt_secret,
            jwt_secret_generated,
            token_ttl_seconds: number("ZHIDU_TOKEN_TTL_SECONDS", 3600, 60..=86_400)?,
            admin_password,
            pool: PoolSettings {
                max_size: number("ZHIDU_DB_POOL_SIZE", 8, 1..=128)?,
                acquire_timeout: Duration::from_millis(number(
                    "ZHIDU_DB_ACQUIRE_TIMEOUT_MS",
                    5000,
                    10..=60_000,
                )?),
            },
            workers: number("ZHIDU_WORKERS", cores, 1..=256)?,
            log_filter: var("ZHIDU_LOG").unwrap_or_else(|| "info".to_owned()),
            sla_sweep_seconds: number("ZHIDU_SLA_SWEEP_SECONDS", 60, 0..=86_400)?,
            outbox: outbox_settings()?,
            clock: clock_settings()?,
            cors_origins: cors_origins()?,
            metrics_bind,
            log_format,
        })
    }
}
