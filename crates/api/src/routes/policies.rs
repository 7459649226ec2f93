//! Issue 18: policies as effective-dated data — each area's version in force on a day, its
//! history with what each version changed, and new versions written by `admin` and
//! `policy_admin`. So far the `tier` (TIER-1, TIER-2, TIER-5), `sla` (SLA-1…SLA-9) and
//! `publication` (PUB-1) areas are versioned.

use actix_web::{HttpResponse, get, post, web};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::policy::{PolicyArea, PolicyProblem, ValueChange};
use zhidu_domain::publication::{PublicationPolicy, publication_policy_problems};
use zhidu_domain::sla::{SlaPolicy, sla_policy_problems};
use zhidu_domain::tier::{TierPolicy, tier_policy_problems};
use zhidu_service::Actor;
use zhidu_service::policies::{self as service, NewVersion, PolicyVersion};

use crate::auth::{Authorized, PolicyAdmins, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Invalid, NotFound, Stale, Unavailable};
use crate::extract::{Json, Query};
use crate::input::Text;
use crate::page::{Page, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};

/// Under `/policies`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_version)
        .service(all_in_force)
        .service(in_force)
        .service(versions)
        .service(version);
}

/// An area's values, each area with its own schema.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PolicyValues {
    Tier(TierPolicy),
    Sla(SlaPolicy),
    Publication(PublicationPolicy),
}

/// One version of an area.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyVersionView {
    pub area: PolicyArea,
    pub version: i64,
    /// In force from this day (company time zone) until the next version's.
    pub effective_from: IsoDate,
    pub values: PolicyValues,
    pub reason: String,
    pub created_by: String,
    pub created_at: Instant,
}

impl TryFrom<PolicyVersion> for PolicyVersionView {
    type Error = ApiError;

    fn try_from(row: PolicyVersion) -> Result<Self, ApiError> {
        let area: PolicyArea = row.area.parse().map_err(ApiError::internal)?;
        let text = &row.policy_values;
        let values = match area {
            PolicyArea::Tier => {
                PolicyValues::Tier(serde_json::from_str(text).map_err(ApiError::internal)?)
            }
            PolicyArea::Sla => {
                PolicyValues::Sla(serde_json::from_str(text).map_err(ApiError::internal)?)
            }
            PolicyArea::Publication => {
                PolicyValues::Publication(serde_json::from_str(text).map_err(ApiError::internal)?)
            }
        };
        Ok(PolicyVersionView {
            area,
            version: row.version,
            effective_from: IsoDate(row.effective_from),
            values,
            reason: row.reason,
            created_by: row.created_by,
            created_at: Instant::from_utc(row.created_at),
        })
    }
}

/// One value a version changed: its dotted path under `values`, before and after (absent where
/// it did not exist).
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueChangeView {
    #[schema(example = "tier_a.quarterly_revenue")]
    pub path: String,
    /// Any JSON value; null where the path did not exist.
    pub from: Option<serde_json::Value>,
    /// Any JSON value; null where the path no longer exists.
    pub to: Option<serde_json::Value>,
}

impl From<ValueChange> for ValueChangeView {
    fn from(change: ValueChange) -> Self {
        ValueChangeView {
            path: change.path,
            from: change.from,
            to: change.to,
        }
    }
}

/// A version with what it changed from the one before (version 1: every value).
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyVersionChanges {
    #[serde(flatten)]
    pub version: PolicyVersionView,
    pub changes: Vec<ValueChangeView>,
}

fn with_changes(
    (row, changes): (PolicyVersion, Vec<ValueChange>),
) -> Result<PolicyVersionChanges, ApiError> {
    Ok(PolicyVersionChanges {
        version: PolicyVersionView::try_from(row)?,
        changes: changes.into_iter().map(ValueChangeView::from).collect(),
    })
}

fn area_of(text: &str) -> Result<PolicyArea, ApiError> {
    text.parse()
        .map_err(|_| ApiError::not_found(format!("no policy area {text:?}")))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OnParams {
    /// The day (company time zone); today when absent.
    pub on: Option<IsoDate>,
}

/// Every policy area with its version in force on `on`.
#[utoipa::path(
    tag = "policies",
    params(OnParams),
    responses((status = 200, body = Vec<PolicyVersionView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn all_in_force(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Query(params): Query<OnParams>,
) -> Result<HttpResponse, ApiError> {
    let on = params.on.map_or_else(|| state.now().today(), |day| day.0);
    let rows = state
        .read(move |connection| Ok(service::all_in_force(connection, on)?))
        .await?;
    let views = rows
        .into_iter()
        .map(PolicyVersionView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(views))
}

/// The version of one area in force on `on`.
#[utoipa::path(
    tag = "policies",
    params(("area" = PolicyArea, Path, description = "The policy area"), OnParams),
    responses((status = 200, body = PolicyVersionView), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{area}")]
async fn in_force(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    area: web::Path<String>,
    Query(params): Query<OnParams>,
) -> Result<HttpResponse, ApiError> {
    let area = area_of(&area)?;
    let on = params.on.map_or_else(|| state.now().today(), |day| day.0);
    let row = state
        .read(move |connection| Ok(service::in_force(connection, area, on)?))
        .await?;
    Ok(HttpResponse::Ok().json(PolicyVersionView::try_from(row)?))
}

/// One area's versions, oldest first.
#[utoipa::path(
    tag = "policies",
    params(("area" = PolicyArea, Path, description = "The policy area"), PageParams),
    responses((status = 200, body = Page<PolicyVersionView>), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{area}/versions")]
async fn versions(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    area: web::Path<String>,
    Query(page): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let area = area_of(&area)?;
    // A cursor this list did not hand out has nothing after it.
    let after_version = page
        .after_id()
        .map_or(0, |key| key.parse::<i64>().unwrap_or(i64::MAX));
    let limit = page.limit();
    let rows = state
        .read(move |connection| {
            Ok(service::versions(
                connection,
                area,
                after_version,
                limit + 1,
            )?)
        })
        .await?;
    let keyed: Vec<(String, PolicyVersion)> = rows
        .into_iter()
        .map(|row| (row.version.to_string(), row))
        .collect();
    let page = Page::from_rows(keyed, limit, |(key, _)| key)
        .try_map(|(_, row)| PolicyVersionView::try_from(row))?;
    Ok(HttpResponse::Ok().json(page))
}

/// One version of an area with what it changed from the version before.
#[utoipa::path(
    tag = "policies",
    params(
        ("area" = PolicyArea, Path, description = "The policy area"),
        ("version" = String, Path, description = "The version number")
    ),
    responses((status = 200, body = PolicyVersionChanges), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{area}/versions/{version}")]
async fn version(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (area, number) = path.into_inner();
    let area = area_of(&area)?;
    let number: i64 = number
        .parse()
        .map_err(|_| ApiError::not_found(format!("{area} has no version {number}")))?;
    let found = state
        .read(move |connection| Ok(service::version_with_changes(connection, area, number)?))
        .await?;
    Ok(HttpResponse::Ok().json(with_changes(found)?))
}

/// Writes `new` as the next version of `area`, refused by `problems`; the writing replica
/// rereads its policies at once.
async fn write_version<T: Serialize + Send + 'static>(
    state: &AppState,
    actor: Actor,
    area: PolicyArea,
    new: NewVersion<T>,
    problems: fn(&T) -> Vec<PolicyProblem>,
) -> Result<HttpResponse, ApiError> {
    let created = state
        .write(move |connection| {
            Ok(service::create_version(
                connection, &actor, area, new, problems,
            )?)
        })
        .await?;
    state.policy_cache.invalidate();
    Ok(HttpResponse::Created().json(with_changes(created)?))
}

/// A new version of an area.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPolicyVersion {
    /// The latest version read (412 when another was written since).
    pub based_on_version: i64,
    /// Today or later: history is not rewritten, a correction is a new version. At most one
    /// version of an area takes effect on a day.
    pub effective_from: IsoDate,
    /// The complete values of the area named in the path, not a patch.
    #[schema(value_type = PolicyValues)]
    pub values: serde_json::Value,
    pub reason: Text<1, 1000>,
}

/// `values` read as the area `T` it is written for, refused naming the field that is not.
fn values_as<T: DeserializeOwned>(values: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(values).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." {
            "values".to_owned()
        } else {
            format!("values.{path}")
        };
        ApiError::field_refused(field, error.inner().to_string())
    })
}

/// Write a new version of an area in force from `effective_from` (admin, policy_admin), with
/// the values of that area's schema. Refused naming the field under `values` when they break
/// the area's invariants — `tier`: tier A's thresholds above tier B's, no negative amount, a
/// margin under 100%; `sla`: every target, window and load at least 1; `publication`: the
/// hotline a telephone number. Audited with its reason
/// and what changed; decisions about days from `effective_from` on use it.
#[utoipa::path(
    tag = "policies",
    params(("area" = PolicyArea, Path, description = "The policy area")),
    request_body = NewPolicyVersion,
    responses((status = 201, body = PolicyVersionChanges), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{area}/versions")]
async fn create_version(
    state: web::Data<AppState>,
    caller: Authorized<PolicyAdmins>,
    area: web::Path<String>,
    Json(request): Json<NewPolicyVersion>,
) -> Result<HttpResponse, ApiError> {
    let area = area_of(&area)?;
    let actor = caller.actor;
    match area {
        PolicyArea::Tier => {
            let new = version_of(request)?;
            write_version(&state, actor, area, new, tier_policy_problems).await
        }
        PolicyArea::Sla => {
            let new = version_of(request)?;
            write_version(&state, actor, area, new, sla_policy_problems).await
        }
        PolicyArea::Publication => {
            let new = version_of(request)?;
            write_version(&state, actor, area, new, publication_policy_problems).await
        }
    }
}

/// The request as a new version of the area whose values are `T`.
fn version_of<T: DeserializeOwned>(request: NewPolicyVersion) -> Result<NewVersion<T>, ApiError> {
    Ok(NewVersion {
        based_on_version: request.based_on_version,
        effective_from: request.effective_from.0,
        values: values_as(request.values)?,
        reason: request.reason.into_string(),
    })
}
