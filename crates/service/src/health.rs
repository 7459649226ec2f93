//! Readiness: whether the database answers.

use zhidu_store::db::{self, DbConnection};

/// True when the database answers a trivial query on `connection`.
pub fn database_answers(connection: &mut DbConnection) -> bool {
    db::ping(connection).is_ok()
}
