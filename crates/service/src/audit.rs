//! ACC-1: the audit trail of an entity, as recorded with every change.

use zhidu_store::audit;
use zhidu_store::db::DbConnection;

use crate::error::ServiceResult;

pub use zhidu_store::audit::AuditRecord;

/// Every recorded change of one entity, oldest first: one page after `after_id`.
pub fn trail(
    connection: &mut DbConnection,
    entity_type: &str,
    entity_id: &str,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<AuditRecord>> {
    Ok(audit::for_entity(
        connection,
        entity_type,
        entity_id,
        after_id,
        limit,
    )?)
}
