//! Issue 18: policies as effective-dated data — each area's version in force on a day, its
//! history with what each version changed, and new versions written by `admin` and
//! `policy_admin`. So far the `tier` area (TIER-1, TIER-2, TIER-5) is versioned.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::policy::{PolicyArea, ValueChange};
use zhidu_domain::tier::{TierPolicy, tier_policy_problems};
use zhidu_service::policies::{self as service, NewVersion, PolicyVersion};

use crate::auth::{Authorized, PolicyAdmins, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Invalid, NotFound, Stale, Unavailable};
use crate::extract::{Json, Query};
use crate::input::Text;
use crate::page::{Page, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};

/// Under `/policies`. The writes come first: each area's has its own path and body schema.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_tier_version)
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
        let values = match area {
            PolicyArea::Tier => PolicyValues::Tier(
                serde_json::from_str(&row.policy_values).map_err(ApiError::internal)?,
            ),
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
    let after_version = match page.after_id() {
        Some(key) => key
            .parse::<i64>()
            .map_err(|_| ApiError::invalid_field("cursor", "not a cursor of this list"))?,
        None => 0,
    };
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
        ("version" = i64, Path, description = "The version number")
    ),
    responses((status = 200, body = PolicyVersionChanges), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{area}/versions/{version}")]
async fn version(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (area, number) = path.into_inner();
    let area = area_of(&area)?;
    let found = state
        .read(move |connection| Ok(service::version_with_changes(connection, area, number)?))
        .await?;
    Ok(HttpResponse::Ok().json(with_changes(found)?))
}

/// A new version of the `tier` area.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTierVersion {
    /// The latest version read (412 when another was written since).
    pub based_on_version: i64,
    /// Today or later: history is not rewritten, a correction is a new version. At most one
    /// version of an area takes effect on a day.
    pub effective_from: IsoDate,
    /// The complete values, not a patch.
    pub values: TierPolicy,
    pub reason: Text<1, 1000>,
}

/// Write a new version of the `tier` policy (TIER-1, TIER-2, TIER-5) in force from
/// `effective_from` (admin, policy_admin). Refused naming the field under `values` when tier A's
/// thresholds are not above tier B's, an amount is negative or the margin is not under 100%.
/// Audited with its reason and what changed.
#[utoipa::path(
    tag = "policies",
    request_body = NewTierVersion,
    responses((status = 201, body = PolicyVersionChanges), BodyErrors, AuthErrors, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/tier/versions")]
async fn create_tier_version(
    state: web::Data<AppState>,
    caller: Authorized<PolicyAdmins>,
    Json(request): Json<NewTierVersion>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.actor;
    let new = NewVersion {
        based_on_version: request.based_on_version,
        effective_from: request.effective_from.0,
        values: request.values,
        reason: request.reason.into_string(),
    };
    let created = state
        .write(move |connection| {
            Ok(service::create_version(
                connection,
                &actor,
                PolicyArea::Tier,
                new,
                tier_policy_problems,
            )?)
        })
        .await?;
    state.policy_cache.invalidate();
    Ok(HttpResponse::Created().json(with_changes(created)?))
}
