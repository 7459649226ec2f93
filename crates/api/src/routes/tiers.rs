//! TIER: evaluating tiers, closing quarters, a customer's tier with its reasons, overrides.

use actix_web::{HttpResponse, ResponseError, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::tier::{Tier, TierCriterion, TierFlag, TierMetrics, evaluate_tier};
use zhidu_service::tiers::{self as tier_service, KeptOverride, KeptReason, TierRun, TierStanding};

use crate::auth::{Authorized, FinanceDesk, Managers, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Unavailable};
use crate::extract::{Json, Query};
use crate::input::{Amount, Bounded, Text};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, QuarterParam};

/// Under `/tiers`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(evaluate);
}

/// Under `/tier-runs`.
pub fn configure_runs(config: &mut ServiceConfig) {
    config.service(close_quarter).service(get_run);
}

/// Under `/customers`.
pub fn configure_per_customer(config: &mut ServiceConfig) {
    config.service(customer_tier).service(override_tier);
}

/// One matched clause, for a frontend to show why.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReasonView {
    /// The rule clause, e.g. `TIER-1`.
    #[schema(example = "TIER-1")]
    pub rule: String,
    pub tier: Tier,
    pub criterion: TierCriterion,
    #[schema(example = "quarterly revenue 6000.00 ≥ 5000.00")]
    pub detail: String,
    /// The `tier` policy version that decided it (issue 18); absent for quarters closed before
    /// policies had versions.
    pub policy_version: Option<i64>,
}

impl From<KeptReason> for ReasonView {
    fn from(reason: KeptReason) -> Self {
        ReasonView {
            rule: reason.rule,
            tier: reason.tier,
            criterion: reason.criterion,
            detail: reason.detail,
            policy_version: reason.policy_version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateTierRequest {
    pub quarterly_revenue: Amount<false>,
    pub quarterly_payments: Amount<false>,
    /// Customers referred this quarter (0 when absent).
    pub referrals: Option<Bounded<0, 1_000_000>>,
    /// Whole years since the first contract (0 when absent).
    pub tenure_years: Option<Bounded<0, 1_000>>,
    #[serde(default)]
    pub flags: Vec<TierFlag>,
    /// The day whose `tier` policy decides (the quarter's last day, for a quarter); today when
    /// absent.
    pub on: Option<IsoDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluateTierResponse {
    pub tier: Tier,
    /// The `tier` policy version in force on the day asked (issue 18).
    pub policy_version: i64,
    /// Every criterion that matched (TIER-4), tier A's first.
    pub reasons: Vec<ReasonView>,
}

/// A bounded count as the domain counts, 0 when absent; the bounds fit a `u32`.
fn count<const MAX: i64>(given: Option<Bounded<0, MAX>>) -> u32 {
    given.map_or(0, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

/// Preview a tier from metrics (TIER-1..4) by the `tier` policy in force on `on`; nothing is
/// stored.
#[utoipa::path(
    tag = "tiers",
    request_body = EvaluateTierRequest,
    responses((status = 200, body = EvaluateTierResponse), BodyErrors, AuthErrors),
    security(("bearer" = []))
)]
#[post("/evaluate")]
async fn evaluate(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Json(request): Json<EvaluateTierRequest>,
) -> Result<HttpResponse, ApiError> {
    let metrics = TierMetrics {
        quarterly_revenue: request.quarterly_revenue.get(),
        quarterly_payments: request.quarterly_payments.get(),
        referrals: count(request.referrals),
        tenure_years: count(request.tenure_years),
        flags: request.flags.into_iter().collect(),
    };
    let on = request.on.map_or_else(|| state.now().today(), |day| day.0);
    let policies = state.policies().await?;
    let policy = policies.tier_on(on)?;
    let evaluation = evaluate_tier(&metrics, &policy.values);
    Ok(HttpResponse::Ok().json(EvaluateTierResponse {
        reasons: evaluation
            .reasons
            .iter()
            .map(|reason| KeptReason::decided(reason, policy.version).into())
            .collect(),
        tier: evaluation.tier,
        policy_version: policy.version,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseQuarterRequest {
    pub quarter: QuarterParam,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierRunView {
    #[schema(example = "2026Q3")]
    pub quarter: String,
    pub closed_at: Instant,
    pub closed_by: String,
    pub customer_count: i64,
    pub tier_a_count: i64,
    pub tier_b_count: i64,
    pub tier_c_count: i64,
    /// The `tier` policy version in force on the quarter's last day, which judged it (issue
    /// 18); absent for quarters closed before policies had versions.
    pub policy_version: Option<i64>,
}

impl From<TierRun> for TierRunView {
    fn from(run: TierRun) -> Self {
        TierRunView {
            quarter: run.quarter,
            closed_at: Instant::from_utc(run.closed_at),
            closed_by: run.closed_by,
            customer_count: run.customer_count,
            tier_a_count: run.tier_a_count,
            tier_b_count: run.tier_b_count,
            tier_c_count: run.tier_c_count,
            policy_version: run.policy_version,
        }
    }
}

/// Close a quarter: evaluate every customer by the `tier` policy in force on the quarter's
/// last day and keep the result as history (TIER-4).
///
/// Idempotent per quarter: closing a closed quarter returns the first close (200) and changes
/// nothing. A quarter that has not ended yet cannot be closed.
#[utoipa::path(
    tag = "tiers",
    request_body = CloseQuarterRequest,
    responses((status = 201, body = TierRunView), (status = 200, description = "Already closed", body = TierRunView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn close_quarter(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    Json(request): Json<CloseQuarterRequest>,
) -> Result<HttpResponse, ApiError> {
    let QuarterParam(quarter) = request.quarter;
    let actor = caller.actor;
    let policies = state.policies().await?;
    let vip_policy = state.vip_policy.clone();
    let outcome = state
        .write(move |connection| {
            Ok(tier_service::close_quarter(
                connection,
                &actor,
                quarter,
                &policies,
                &vip_policy,
            )?)
        })
        .await;
    let (created, run) = match outcome {
        // A concurrent close of the same quarter won the race: answer with its result.
        Err(error) if error.status_code() == actix_web::http::StatusCode::CONFLICT => {
            let run = state
                .read(move |connection| tier_service::find_run(connection, quarter)?.ok_or(error))
                .await?;
            (false, run)
        }
        other => other?,
    };
    let view = TierRunView::from(run);
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// A closed quarter's summary.
#[utoipa::path(
    operation_id = "get_tier_run",
    tag = "tiers",
    params(("quarter" = QuarterParam, Path, description = "Quarter, e.g. 2026Q3")),
    responses((status = 200, body = TierRunView), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{quarter}")]
async fn get_run(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    quarter: web::Path<QuarterParam>,
) -> Result<HttpResponse, ApiError> {
    let quarter = quarter.into_inner().0;
    let run = state
        .read(move |connection| Ok(tier_service::closed_run(connection, quarter)?))
        .await?;
    Ok(HttpResponse::Ok().json(TierRunView::from(run)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierOverrideView {
    pub tier: Tier,
    pub reason: String,
    pub overridden_by: String,
    pub created_at: Instant,
}

impl From<KeptOverride> for TierOverrideView {
    fn from(o: KeptOverride) -> Self {
        TierOverrideView {
            tier: o.tier,
            reason: o.reason,
            overridden_by: o.overridden_by,
            created_at: Instant::from_utc(o.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerTierView {
    pub customer_id: String,
    #[schema(example = "2026Q3")]
    pub quarter: String,
    /// True when the quarter was closed and this is its stored result; false for a live
    /// evaluation of an open quarter.
    pub closed: bool,
    /// The tier in force: the override when there is one, else the evaluated tier.
    pub tier: Tier,
    pub evaluated_tier: Tier,
    pub overridden: bool,
    #[serde(rename = "override")]
    pub tier_override: Option<TierOverrideView>,
    pub reasons: Vec<ReasonView>,
    /// TIER-5: a tier-A customer must have an account owner; true when it has none.
    pub owner_gap: bool,
}

impl From<TierStanding> for CustomerTierView {
    fn from(standing: TierStanding) -> Self {
        CustomerTierView {
            customer_id: standing.customer_id,
            quarter: standing.quarter.to_string(),
            closed: standing.closed,
            tier: standing.tier,
            evaluated_tier: standing.evaluated_tier,
            overridden: standing.tier_override.is_some(),
            tier_override: standing.tier_override.map(TierOverrideView::from),
            reasons: standing.reasons.into_iter().map(ReasonView::from).collect(),
            owner_gap: standing.owner_gap,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TierParams {
    /// The quarter, e.g. 2026Q3; by default the customer's latest closed quarter.
    pub quarter: Option<QuarterParam>,
}

/// A customer's tier with its reasons and whether it is overridden.
#[utoipa::path(
    tag = "tiers",
    params(("id" = String, Path, description = "Customer id"), TierParams),
    responses((status = 200, body = CustomerTierView), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/tier")]
async fn customer_tier(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Query(params): Query<TierParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policies = state.policies().await?;
    let at = caller.actor.at;
    let view = state
        .read(move |connection| {
            let quarter = params.quarter.map(|q| q.0);
            Ok(tier_service::standing_of(
                connection, &id, quarter, &policies, at,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CustomerTierView::from(view)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierOverrideRequest {
    pub tier: Tier,
    /// Why; kept in the audit trail.
    pub reason: Text<5, 1000>,
}

/// Override the customer's current tier until the next quarter close (manager, TIER-4).
#[utoipa::path(
    tag = "tiers",
    params(("id" = String, Path, description = "Customer id")),
    request_body = TierOverrideRequest,
    responses((status = 201, body = CustomerTierView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/tier-override")]
async fn override_tier(
    state: web::Data<AppState>,
    caller: Authorized<Managers>,
    id: web::Path<String>,
    Json(request): Json<TierOverrideRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let policies = state.policies().await?;
    let vip_policy = state.vip_policy.clone();
    let view = state
        .write(move |connection| {
            Ok(tier_service::override_tier(
                connection,
                &actor,
                &id,
                request.tier,
                request.reason.trim(),
                &policies,
                &vip_policy,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(CustomerTierView::from(view)))
}
