//! PUB-1: the public service page, one versioned JSON document kept by admin.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, save_versioned};
use crate::schema::public_service_info;

/// The only row's key.
pub const CURRENT: &str = "current";

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = public_service_info)]
pub struct ServiceInfo {
    pub id: String,
    /// The page's JSON as admin wrote it (staff by employee id).
    pub content: String,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: PrimitiveDateTime,
}

pub fn find_service_info(connection: &mut DbConnection) -> StoreResult<Option<ServiceInfo>> {
    Ok(public_service_info::table
        .find(CURRENT)
        .select(ServiceInfo::as_select())
        .first(connection)
        .optional()?)
}

/// Publishes `after` over `before` (none: the first publication) while its version holds.
pub fn save_service_info(
    connection: &mut DbConnection,
    actor: &Actor,
    before: Option<&ServiceInfo>,
    after: &ServiceInfo,
) -> StoreResult<()> {
    save_versioned!(
        &mut *connection,
        public_service_info,
        before,
        after,
        |row| &row.id
    )?;
    audit::record(
        connection,
        actor,
        "public_service_info.publish",
        ("public_service_info", CURRENT),
        before,
        Some(after),
    )
}
