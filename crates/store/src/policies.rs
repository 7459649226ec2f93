//! Issue 18: policy versions per area, and the revision counter every replica's cache
//! watches.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::DbConnection;
use crate::schema::{policy_revision, policy_versions};

/// One version of an area's values, as stored (the values as JSON text).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = policy_versions)]
pub struct PolicyVersion {
    pub area: String,
    pub version: i64,
    pub effective_from: Date,
    pub policy_values: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: PrimitiveDateTime,
}

/// The revision of the policies: it changes whenever a version is added.
pub fn revision(connection: &mut DbConnection) -> StoreResult<i64> {
    Ok(policy_revision::table
        .find(1)
        .select(policy_revision::revision)
        .first(connection)?)
}

/// Every version of every area, each area's in version order.
pub fn all_versions(connection: &mut DbConnection) -> StoreResult<Vec<PolicyVersion>> {
    Ok(policy_versions::table
        .order((policy_versions::area.asc(), policy_versions::version.asc()))
        .select(PolicyVersion::as_select())
        .load(connection)?)
}

/// The versions of `area` after `after_version`, oldest first, `limit` at most.
pub fn versions_page(
    connection: &mut DbConnection,
    area: &str,
    after_version: i64,
    limit: i64,
) -> StoreResult<Vec<PolicyVersion>> {
    Ok(policy_versions::table
        .filter(policy_versions::area.eq(area))
        .filter(policy_versions::version.gt(after_version))
        .order(policy_versions::version.asc())
        .limit(limit)
        .select(PolicyVersion::as_select())
        .load(connection)?)
}

/// Version `version` of `area`, and the one before it.
pub fn version_and_previous(
    connection: &mut DbConnection,
    area: &str,
    version: i64,
) -> StoreResult<Vec<PolicyVersion>> {
    Ok(policy_versions::table
        .filter(policy_versions::area.eq(area))
        .filter(policy_versions::version.between(version - 1, version))
        .order(policy_versions::version.asc())
        .select(PolicyVersion::as_select())
        .load(connection)?)
}

/// The latest version of `area`.
pub fn latest(connection: &mut DbConnection, area: &str) -> StoreResult<Option<PolicyVersion>> {
    Ok(policy_versions::table
        .filter(policy_versions::area.eq(area))
        .order(policy_versions::version.desc())
        .select(PolicyVersion::as_select())
        .first(connection)
        .optional()?)
}

/// Adds a version and bumps the revision, audited after the `previous` version as `audited`
/// (the version with its reason and what changed).
pub fn insert_version<A: Serialize>(
    connection: &mut DbConnection,
    actor: &Actor,
    previous: Option<&PolicyVersion>,
    version: &PolicyVersion,
    audited: &A,
) -> StoreResult<()> {
    diesel::insert_into(policy_versions::table)
        .values(version)
        .execute(connection)?;
    diesel::update(policy_revision::table.find(1))
        .set(policy_revision::revision.eq(policy_revision::revision + 1))
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "policy_version.create",
        (
            "policy_version",
            &format!("{}/{}", version.area, version.version),
        ),
        previous,
        Some(audited),
    )
}
