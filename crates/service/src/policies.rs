//! Issue 18: policies as effective-dated data. Each area's versions, the version in force on a
//! day, new versions (validated, never rewriting history), and the book of parsed versions the
//! decisions read.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::Date;
use zhidu_domain::effective::{in_force_on, may_take_effect};
use zhidu_domain::policy::{InForce, PolicyArea, PolicyProblem, ValueChange, value_changes};
use zhidu_domain::publication::PublicationPolicy;
use zhidu_domain::sla::SlaPolicy;
use zhidu_domain::tier::TierPolicy;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::policies as store;
pub use zhidu_store::policies::PolicyVersion;
use zhidu_store::{StoreError, StoreResult, read_stored};

use crate::error::{FieldNote, ServiceError, ServiceResult};

/// Every version of every area, parsed: what the decisions read, through the API's cache.
#[derive(Debug, Clone)]
pub struct PolicyBook {
    /// The revision of the policies this book was read at.
    pub revision: i64,
    tier: Vec<(Date, InForce<TierPolicy>)>,
    sla: Vec<(Date, InForce<SlaPolicy>)>,
    publication: Vec<(Date, InForce<PublicationPolicy>)>,
}

fn parsed<T: DeserializeOwned>(row: &PolicyVersion) -> StoreResult<(Date, InForce<T>)> {
    let values = serde_json::from_str(&row.policy_values).map_err(|e| {
        StoreError::Corrupt(format!("policy {} version {}: {e}", row.area, row.version))
    })?;
    Ok((
        row.effective_from,
        InForce {
            version: row.version,
            effective_from: row.effective_from,
            values,
        },
    ))
}

impl PolicyBook {
    /// Reads every version at the current revision.
    pub fn load(connection: &mut DbConnection) -> ServiceResult<PolicyBook> {
        let revision = store::revision(connection)?;
        let (mut tier, mut sla, mut publication) = (Vec::new(), Vec::new(), Vec::new());
        for row in store::all_versions(connection)? {
            match read_stored::<PolicyArea>(&row.area)? {
                PolicyArea::Tier => tier.push(parsed(&row)?),
                PolicyArea::Sla => sla.push(parsed(&row)?),
                PolicyArea::Publication => publication.push(parsed(&row)?),
            }
        }
        Ok(PolicyBook {
            revision,
            tier,
            sla,
            publication,
        })
    }

    /// The tier policy in force on `on` (TIER-1, TIER-2, TIER-5).
    pub fn tier_on(&self, on: Date) -> ServiceResult<&InForce<TierPolicy>> {
        in_force_on(&self.tier, on).ok_or_else(|| no_version(PolicyArea::Tier, on))
    }

    /// The SLA policy in force on `on` (SLA-1…SLA-9).
    pub fn sla_on(&self, on: Date) -> ServiceResult<&InForce<SlaPolicy>> {
        in_force_on(&self.sla, on).ok_or_else(|| no_version(PolicyArea::Sla, on))
    }

    /// The publication policy in force on `on` (PUB-1).
    pub fn publication_on(&self, on: Date) -> ServiceResult<&InForce<PublicationPolicy>> {
        in_force_on(&self.publication, on).ok_or_else(|| no_version(PolicyArea::Publication, on))
    }
}

fn no_version(area: PolicyArea, on: Date) -> ServiceError {
    StoreError::Corrupt(format!("no {area} policy version is in force on {on}")).into()
}

/// The revision of the policies now, to tell whether a cached book is stale.
pub fn current_revision(connection: &mut DbConnection) -> ServiceResult<i64> {
    Ok(store::revision(connection)?)
}

fn versions_of(
    connection: &mut DbConnection,
) -> ServiceResult<BTreeMap<PolicyArea, Vec<(Date, PolicyVersion)>>> {
    let mut areas: BTreeMap<PolicyArea, Vec<(Date, PolicyVersion)>> = BTreeMap::new();
    for row in store::all_versions(connection)? {
        areas
            .entry(read_stored(&row.area)?)
            .or_default()
            .push((row.effective_from, row));
    }
    Ok(areas)
}

/// Every area with the version in force on `on`.
pub fn all_in_force(connection: &mut DbConnection, on: Date) -> ServiceResult<Vec<PolicyVersion>> {
    versions_of(connection)?
        .into_iter()
        .map(|(area, versions)| {
            in_force_on(&versions, on)
                .cloned()
                .ok_or_else(|| no_version(area, on))
        })
        .collect()
}

/// The version of `area` in force on `on`.
pub fn in_force(
    connection: &mut DbConnection,
    area: PolicyArea,
    on: Date,
) -> ServiceResult<PolicyVersion> {
    let versions = versions_of(connection)?.remove(&area).unwrap_or_default();
    in_force_on(&versions, on)
        .cloned()
        .ok_or_else(|| no_version(area, on))
}

/// The versions of `area` after `after_version`, oldest first; `limit` at most.
pub fn versions(
    connection: &mut DbConnection,
    area: PolicyArea,
    after_version: i64,
    limit: i64,
) -> ServiceResult<Vec<PolicyVersion>> {
    Ok(store::versions_page(
        connection,
        area.as_str(),
        after_version,
        limit,
    )?)
}

fn values_of(row: &PolicyVersion) -> StoreResult<Value> {
    serde_json::from_str(&row.policy_values).map_err(|e| {
        StoreError::Corrupt(format!("policy {} version {}: {e}", row.area, row.version))
    })
}

/// Version `version` of `area` with what changed from the version before it (version 1: every
/// value, from nothing).
pub fn version_with_changes(
    connection: &mut DbConnection,
    area: PolicyArea,
    version: i64,
) -> ServiceResult<(PolicyVersion, Vec<ValueChange>)> {
    let mut rows = store::version_and_previous(connection, area.as_str(), version)?;
    let row = rows
        .pop()
        .filter(|row| row.version == version)
        .ok_or_else(|| ServiceError::not_found(format!("{area} has no version {version}")))?;
    let before = match rows.pop() {
        Some(previous) => values_of(&previous)?,
        None => Value::Object(serde_json::Map::new()),
    };
    let changes = value_changes(&before, &values_of(&row)?);
    Ok((row, changes))
}

/// A new version of an area as requested; `values` complete, already of the area's shape.
#[derive(Debug, Clone)]
pub struct NewVersion<T> {
    /// The latest version the writer read; a newer one makes the write stale.
    pub based_on_version: i64,
    pub effective_from: Date,
    pub values: T,
    pub reason: String,
}

#[derive(Serialize)]
struct AuditedVersion<'a> {
    version: &'a PolicyVersion,
    changes: &'a [ValueChange],
}

/// Adds a version of `area`: refused (naming the fields under `values`) when `problems` finds
/// the values break the area's invariants, when it would take effect before today or on a
/// day another version of the area already does, and stale unless written on the latest
/// version. Audited with its reason and what changed.
pub fn create_version<T: Serialize>(
    connection: &mut DbConnection,
    actor: &Actor,
    area: PolicyArea,
    new: NewVersion<T>,
    problems: fn(&T) -> Vec<PolicyProblem>,
) -> ServiceResult<(PolicyVersion, Vec<ValueChange>)> {
    let refused: Vec<FieldNote> = problems(&new.values)
        .into_iter()
        .map(|problem| FieldNote {
            field: format!("values.{}", problem.field),
            message: problem.message,
        })
        .collect();
    if !refused.is_empty() {
        return Err(ServiceError::FieldsRefused(refused));
    }
    let today = actor.at.today();
    if !may_take_effect(new.effective_from, today) {
        return Err(ServiceError::field_refused(
            "effective_from",
            format!(
                "must be on or after {today}: history is not rewritten, a correction is a new version"
            ),
        ));
    }
    let latest = store::latest(connection, area.as_str())?
        .ok_or_else(|| no_version(area, new.effective_from))?;
    if latest.version != new.based_on_version {
        return Err(ServiceError::Stale(format!(
            "{area} is at version {}; read it and write on it",
            latest.version
        )));
    }
    let versions = versions_of(connection)?.remove(&area).unwrap_or_default();
    if versions
        .iter()
        .any(|(effective_from, _)| *effective_from == new.effective_from)
    {
        return Err(ServiceError::field_refused(
            "effective_from",
            format!(
                "a version of {area} already takes effect on {}: one version per area per day",
                new.effective_from
            ),
        ));
    }
    let values = serde_json::to_value(&new.values)
        .map_err(|e| StoreError::Corrupt(format!("policy values: {e}")))?;
    let changes = value_changes(&values_of(&latest)?, &values);
    let row = PolicyVersion {
        area: area.as_str().into(),
        version: latest.version + 1,
        effective_from: new.effective_from,
        policy_values: values.to_string(),
        reason: new.reason.trim().to_owned(),
        created_by: actor.subject.clone(),
        created_at: actor.at.stored(),
    };
    let audited = AuditedVersion {
        version: &row,
        changes: &changes,
    };
    store::insert_version(connection, actor, Some(&latest), &row, &audited).map_err(
        |e| match e {
            StoreError::Conflict(_) => ServiceError::Stale(format!(
                "another version of {area} was written meanwhile; read it again"
            )),
            other => other.into(),
        },
    )?;
    Ok((row, changes))
}
