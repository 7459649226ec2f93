//! Connections, the pool and migrations for both backends.

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{StoreError, StoreResult};

/// One connection type over both backends: every repository is written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Per SQLite connection: wait for a lock instead of failing, readers beside one writer,
/// and enforced foreign keys (off by default in SQLite).
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

/// A multi-row INSERT. The MultiConnection backend cannot express SQLite's batch insert, so
/// the statement is built for the concrete connection.
macro_rules! insert_rows {
    ($connection:expr, $table:expr, $rows:expr) => {
        match $connection {
            $crate::db::DbConnection::Postgres(pg) => {
                diesel::insert_into($table).values($rows).execute(pg)
            }
            $crate::db::DbConnection::Sqlite(sqlite) => {
                diesel::insert_into($table).values($rows).execute(sqlite)
            }
        }
    };
}
pub(crate) use insert_rows;

/// Inserts many rows at once. PostgreSQL takes them as one binary `COPY`: no statement to
/// parse and no bind-parameter limit, several times faster than multi-row INSERTs at tens of
/// thousands of rows. SQLite gets multi-row INSERTs of `$chunk` rows, sized by the caller to
/// stay under its 32,766 bind parameters. The row type must derive `Insertable` with
/// `treat_none_as_default_value = false`, as `COPY` has no DEFAULT.
macro_rules! bulk_insert {
    ($connection:expr, $table:expr, $rows:expr, $chunk:expr) => {
        match $connection {
            $crate::db::DbConnection::Postgres(pg) => diesel::copy_from($table)
                .from_insertable($rows)
                .execute(pg)
                .map(|_| ()),
            $crate::db::DbConnection::Sqlite(sqlite) => {
                $rows.chunks($chunk).try_for_each(|chunk| {
                    diesel::insert_into($table)
                        .values(chunk)
                        .execute(sqlite)
                        .map(|_| ())
                })
            }
        }
    };
}
pub(crate) use bulk_insert;

/// Writes `after` over the row of `before` when the stored version is still `before.version`
/// (optimistic locking); a row changed meanwhile is `StaleVersion`.
macro_rules! update_versioned {
    ($connection:expr, $table:ident, $before:expr, $after:expr) => {{
        let changed = diesel::update(
            $table::table
                .find(&$before.id)
                .filter($table::version.eq($before.version)),
        )
        .set($after)
        .execute($connection)?;
        if changed == 0 {
            Err($crate::StoreError::StaleVersion)
        } else {
            Ok(())
        }
    }};
}
pub(crate) use update_versioned;

/// Inserts `after` when there is no `before`, else writes it over `before` (found by `key`)
/// while the stored version is still `before`'s; a row changed meanwhile is `StaleVersion`.
macro_rules! save_versioned {
    ($connection:expr, $table:ident, $before:expr, $after:expr, |$row:ident| $key:expr) => {{
        match $before {
            None => {
                diesel::insert_into($table::table)
                    .values($after)
                    .execute($connection)?;
                Ok(())
            }
            Some($row) => {
                let changed = diesel::update(
                    $table::table
                        .find($key)
                        .filter($table::version.eq($row.version)),
                )
                .set($after)
                .execute($connection)?;
                if changed == 0 {
                    Err($crate::StoreError::StaleVersion)
                } else {
                    Ok(())
                }
            }
        }
    }};
}
pub(crate) use save_versioned;

/// Per PostgreSQL connection: give up on a lock after as long as SQLite's busy timeout, so a
/// stuck lock becomes a retryable 503 instead of a request that hangs.
const POSTGRES_SETTINGS: &str = "SET lock_timeout = '5s'; SET TIME ZONE 'UTC';";

/// Where the data lives, chosen from the URL scheme alone. Anything else is refused: a typo
/// must never become an empty SQLite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error(
        "DATABASE_URL must start with postgres://, postgresql:// or sqlite:// (got {scheme:?}); nothing was created"
    )]
    UnknownScheme { scheme: String },
    #[error("DATABASE_URL sqlite:// needs a file path, e.g. sqlite://data/zhidu.db")]
    EmptySqlitePath,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DatabaseUrlError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DatabaseUrlError::EmptySqlitePath);
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        let scheme = url.split_once("://").map_or(url, |(scheme, _)| scheme);
        Err(DatabaseUrlError::UnknownScheme {
            scheme: scheme.chars().take(32).collect(),
        })
    }

    pub fn sqlite(path: impl AsRef<Path>) -> Self {
        DatabaseUrl::Sqlite(path.as_ref().to_path_buf())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Postgres(_) => "postgres",
            DatabaseUrl::Sqlite(_) => "sqlite",
        }
    }

    /// For logs: the URL without its password.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end => {
                    let credentials = &url[scheme_end + 3..at];
                    let user = credentials.split(':').next().unwrap_or_default();
                    format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                _ => url.clone(),
            },
        }
    }

    pub fn connect(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match self {
            DatabaseUrl::Postgres(url) => {
                let mut connection = PgConnection::establish(url)?;
                connection
                    .batch_execute(POSTGRES_SETTINGS)
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Postgres(connection))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut connection = SqliteConnection::establish(&path.to_string_lossy())?;
                connection
                    .batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(connection))
            }
        }
    }
}

/// r2d2 manager that opens the backend the URL named; the derived `establish` would try
/// each backend in turn, and SQLite accepts any string as a file name.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.url.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, connection: &mut DbConnection) -> Result<(), r2d2::Error> {
        diesel::sql_query("SELECT 1")
            .execute(connection)
            .map(|_| ())
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _connection: &mut DbConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_size: u32,
    /// How long a request waits for a free connection before it is answered 503.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_size: 8,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens the pool, creating the SQLite file's folder when needed. Fails at once when the
/// database cannot be reached, so a bad URL is reported at start-up, not at the first request.
pub fn open_pool(url: &DatabaseUrl, settings: &PoolSettings) -> Result<Pool, StoreError> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(|e| StoreError::Setup(e.to_string()))?;
    }
    r2d2::Pool::builder()
        .max_size(settings.max_size)
        .connection_timeout(settings.acquire_timeout)
        .test_on_check_out(false)
        .build(ConnectionManager { url: url.clone() })
        .map_err(|e| StoreError::Setup(e.to_string()))
}

/// The versions of the migrations this call applied.
pub fn run_migrations(connection: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let applied = match connection {
        DbConnection::Postgres(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| StoreError::Setup(format!("migration failed: {e}")))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Runs `work` in one transaction that takes the write lock up front on SQLite
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later can fail with
/// SQLITE_BUSY instead of waiting for the lock.
pub fn write_transaction<T, E>(
    connection: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    let begun = match connection {
        DbConnection::Postgres(pg) => AnsiTransactionManager::begin_transaction(pg),
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        }
    };
    begun.map_err(StoreError::from)?;
    match work(connection) {
        Ok(value) => {
            commit(connection).map_err(StoreError::from)?;
            Ok(value)
        }
        Err(error) => {
            rollback(connection).map_err(StoreError::from)?;
            Err(error)
        }
    }
}

/// Whether the database answers a trivial query.
pub fn ping(connection: &mut DbConnection) -> StoreResult<()> {
    diesel::sql_query("SELECT 1").execute(connection)?;
    Ok(())
}

fn commit(connection: &mut DbConnection) -> diesel::QueryResult<()> {
    match connection {
        DbConnection::Postgres(pg) => AnsiTransactionManager::commit_transaction(pg),
        DbConnection::Sqlite(sqlite) => AnsiTransactionManager::commit_transaction(sqlite),
    }
}

fn rollback(connection: &mut DbConnection) -> diesel::QueryResult<()> {
    match connection {
        DbConnection::Postgres(pg) => AnsiTransactionManager::rollback_transaction(pg),
        DbConnection::Sqlite(sqlite) => AnsiTransactionManager::rollback_transaction(sqlite),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_comes_from_the_scheme_only() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/zhidu.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("data/zhidu.db")))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://root@127.0.0.1/test"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert_eq!(
            DatabaseUrl::parse("postgress://root@localhost/test"),
            Err(DatabaseUrlError::UnknownScheme {
                scheme: "postgress".into()
            })
        );
        assert!(DatabaseUrl::parse("data/zhidu.db").is_err());
        assert_eq!(
            DatabaseUrl::parse("sqlite://"),
            Err(DatabaseUrlError::EmptySqlitePath)
        );
    }

    #[test]
    fn redaction_hides_the_password() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/zhidu").unwrap();
        assert_eq!(url.redacted(), "postgres://app:***@db:5432/zhidu");
    }
}
