//! Throwaway databases for tests: a fresh SQLite file or a fresh PostgreSQL database per test,
//! so tests never share state and can run in parallel.
//!
//! PostgreSQL comes from `ZHIDU_TEST_PG_URL` (default `postgres://root@127.0.0.1:5432/test`,
//! the server these machines run). With `ZHIDU_TEST_SKIP_PG=1` (set by `scripts/test.sh` when no
//! server answers) PostgreSQL tests are skipped; otherwise an unreachable server fails them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use diesel::{Connection, PgConnection, RunQueryDsl};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::clock::{COMPANY_ZONE, Moment};
use crate::db::DatabaseUrl;

/// The instant the test suite runs at unless `ZHIDU_TEST_NOW` says otherwise: an ordinary
/// working Wednesday morning in Shanghai. Tests never read the machine's clock; a scenario that
/// needs time to pass moves its clock forward from here.
pub const DEFAULT_TEST_NOW: OffsetDateTime = time::macros::datetime!(2026-12-09 10:00:00 +8);

/// The suite's "now": `ZHIDU_TEST_NOW` (RFC 3339) when set, else [`DEFAULT_TEST_NOW`].
pub fn test_now() -> OffsetDateTime {
    match std::env::var("ZHIDU_TEST_NOW") {
        Ok(text) if !text.trim().is_empty() => OffsetDateTime::parse(text.trim(), &Rfc3339)
            .unwrap_or_else(|e| panic!("ZHIDU_TEST_NOW={text:?} is not RFC 3339: {e}")),
        _ => DEFAULT_TEST_NOW,
    }
}

/// [`test_now`] as one reading of the clock.
pub fn test_moment() -> Moment {
    Moment::new(test_now(), COMPANY_ZONE)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

const DEFAULT_PG_URL: &str = "postgres://root@127.0.0.1:5432/test";

/// Whether PostgreSQL tests were told to skip (no server reachable, outside CI).
pub fn postgres_skipped() -> bool {
    std::env::var("ZHIDU_TEST_SKIP_PG").is_ok_and(|v| v == "1")
}

/// A database that exists for the life of this value.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    /// The URL as a string, for `DATABASE_URL`.
    pub url_text: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(PathBuf),
    PgDatabase { admin_url: String, name: String },
}

impl TestDatabase {
    /// A new empty database; `None` when PostgreSQL was asked for and is skipped.
    pub fn create(backend: Backend) -> Option<TestDatabase> {
        let unique = uuid::Uuid::now_v7().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let folder = std::env::temp_dir().join(format!("zhidu-test-{unique}"));
                std::fs::create_dir_all(&folder).unwrap();
                let path = folder.join("zhidu.db");
                Some(TestDatabase {
                    url: DatabaseUrl::sqlite(&path),
                    url_text: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::Folder(folder),
                })
            }
            Backend::Postgres if postgres_skipped() => None,
            Backend::Postgres => {
                let admin_url = std::env::var("ZHIDU_TEST_PG_URL")
                    .unwrap_or_else(|_| DEFAULT_PG_URL.to_owned());
                let name = format!("zhidu_t_{unique}");
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("PostgreSQL at {admin_url} is not reachable ({e}); set ZHIDU_TEST_SKIP_PG=1 to skip")
                });
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .unwrap();
                let url_text = with_database(&admin_url, &name);
                Some(TestDatabase {
                    url: DatabaseUrl::parse(&url_text).unwrap(),
                    url_text,
                    cleanup: Cleanup::PgDatabase { admin_url, name },
                })
            }
        }
    }
}

impl TestDatabase {
    /// Runs SQL the two backends share directly against the database, for what a black-box
    /// test cannot do through the API (such as moving a deadline into the past).
    pub fn execute(&self, sql: &str) {
        use diesel::connection::SimpleConnection;
        let mut connection = self.url.connect().unwrap();
        match &mut connection {
            crate::db::DbConnection::Sqlite(sqlite) => sqlite.batch_execute(sql).unwrap(),
            crate::db::DbConnection::Postgres(pg) => pg.batch_execute(sql).unwrap(),
        }
    }
}

/// Holds the write lock on `customers` from outside the server until dropped, so that the
/// server's next write to it waits.
pub struct CustomersLock {
    connection: crate::db::DbConnection,
}

impl TestDatabase {
    pub fn lock_customers(&self) -> CustomersLock {
        use diesel::connection::SimpleConnection;
        let mut connection = self.url.connect().unwrap();
        match &mut connection {
            crate::db::DbConnection::Sqlite(sqlite) => {
                sqlite.batch_execute("BEGIN IMMEDIATE").unwrap()
            }
            crate::db::DbConnection::Postgres(pg) => pg
                .batch_execute("BEGIN; LOCK TABLE customers IN ACCESS EXCLUSIVE MODE;")
                .unwrap(),
        }
        CustomersLock { connection }
    }
}

impl Drop for CustomersLock {
    fn drop(&mut self) {
        use diesel::connection::SimpleConnection;
        let _ = match &mut self.connection {
            crate::db::DbConnection::Sqlite(sqlite) => sqlite.batch_execute("ROLLBACK"),
            crate::db::DbConnection::Postgres(pg) => pg.batch_execute("ROLLBACK"),
        };
    }
}

/// `postgres://u@h:p/db?x` with its database replaced.
fn with_database(url: &str, database: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_end = without_query
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| without_query[start..].find('/').map(|slash| start + slash))
        .unwrap_or(without_query.len());
    format!("{}/{database}{query}", &without_query[..authority_end])
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Folder(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::PgDatabase { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            }
        }
    }
}

/// Declares one test per backend: `both_backends!(name, |db: &TestDatabase| { … });`
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                let db = $crate::testing::TestDatabase::create($crate::testing::Backend::Sqlite)
                    .unwrap();
                ($body)(&db);
            }

            #[test]
            fn postgres() {
                match $crate::testing::TestDatabase::create($crate::testing::Backend::Postgres) {
                    Some(db) => ($body)(&db),
                    None => eprintln!("SKIPPED on PostgreSQL: ZHIDU_TEST_SKIP_PG=1"),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_only_the_database() {
        assert_eq!(
            with_database("postgres://root@127.0.0.1:5432/test", "x"),
            "postgres://root@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
    }
}

pub mod fixtures;
