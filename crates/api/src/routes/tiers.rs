//! TIER: evaluating tiers, closing quarters, a customer's tier with its reasons, overrides.

use actix_web::{HttpResponse, ResponseError, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_domain::quarter::Quarter;
use zhidu_domain::tier::{
    Tier, TierCriterion, TierEvaluation, TierFlag, TierMetrics, TierPolicy, TierReason,
    evaluate_tier, tenure_years,
};
use zhidu_store::clock::Moment;
use zhidu_store::customers::Customer;
use zhidu_store::db::DbConnection;
use zhidu_store::new_id;
use zhidu_store::tiers::{self, CustomerTier, TierOverride, TierRun};

use crate::auth::{Authorized, FinanceDesk, Managers, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Unavailable};
use crate::extract::{Json, Query};
use crate::input::{Amount, Bounded, Text};
use crate::routes::customers::{find_customer, flags_from_text};
use crate::state::AppState;
use crate::wire::{Instant, QuarterParam};

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
}

impl From<&TierReason> for ReasonView {
    fn from(reason: &TierReason) -> Self {
        ReasonView {
            rule: reason.rule.to_owned(),
            tier: reason.tier,
            criterion: reason.criterion,
            detail: reason.detail.clone(),
        }
    }
}

fn reason_views(evaluation: &TierEvaluation) -> Vec<ReasonView> {
    evaluation.reasons.iter().map(ReasonView::from).collect()
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
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluateTierResponse {
    pub tier: Tier,
    /// Every criterion that matched (TIER-4), tier A's first.
    pub reasons: Vec<ReasonView>,
}

/// A bounded count as the domain counts, 0 when absent; the bounds fit a `u32`.
fn count<const MAX: i64>(given: Option<Bounded<0, MAX>>) -> u32 {
    given.map_or(0, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

/// Preview a tier from metrics (TIER-1..4); nothing is stored.
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
    let evaluation = evaluate_tier(&metrics, &state.tier_policy);
    Ok(HttpResponse::Ok().json(EvaluateTierResponse {
        reasons: reason_views(&evaluation),
        tier: evaluation.tier,
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
        }
    }
}

/// The metrics of one customer for a quarter, as the rules read them.
fn metrics_of(
    first_contract_on: Option<time::Date>,
    flags: &str,
    revenue_fen: i64,
    payments_fen: i64,
    referrals: i64,
    quarter: Quarter,
) -> TierMetrics {
    TierMetrics {
        quarterly_revenue: Money::from_fen(revenue_fen),
        quarterly_payments: Money::from_fen(payments_fen),
        referrals: u32::try_from(referrals).unwrap_or(u32::MAX),
        tenure_years: first_contract_on.map_or(0, |first| tenure_years(first, quarter.last_day())),
        flags: flags_from_text(flags),
    }
}

/// Customers evaluated per page of a quarter close.
const CLOSE_PAGE: i64 = 1_000;

/// Evaluates every customer for `quarter`, page by page, and stores the results as that
/// quarter's history.
fn close(
    connection: &mut DbConnection,
    actor: &zhidu_store::audit::Actor,
    quarter: Quarter,
    policy: &TierPolicy,
) -> Result<TierRun, ApiError> {
    let quarter_text = quarter.to_string();
    let mut run = TierRun {
        quarter: quarter_text.clone(),
        closed_at: actor.at.stored(),
        closed_by: actor.subject.clone(),
        customer_count: 0,
        tier_a_count: 0,
        tier_b_count: 0,
        tier_c_count: 0,
    };
    tiers::open_close(connection, &run)?;
    let mut after_id: Option<String> = None;
    loop {
        let page = tiers::close_inputs_page(
            connection,
            &quarter_text,
            quarter.last_day(),
            after_id.as_deref(),
            CLOSE_PAGE,
        )?;
        let Some(last) = page.last() else { break };
        after_id = Some(last.customer_id.clone());
        let results: Vec<CustomerTier> = page
            .into_iter()
            .map(|input| {
                let metrics = metrics_of(
                    input.first_contract_on,
                    &input.flags,
                    input.revenue_fen,
                    input.payments_fen,
                    input.referrals,
                    quarter,
                );
                let evaluation = evaluate_tier(&metrics, policy);
                run.customer_count += 1;
                match evaluation.tier {
                    Tier::A => run.tier_a_count += 1,
                    Tier::B => run.tier_b_count += 1,
                    Tier::C => run.tier_c_count += 1,
                }
                CustomerTier {
                    customer_id: input.customer_id,
                    quarter: quarter_text.clone(),
                    tier: evaluation.tier.as_str().to_owned(),
                    reasons: serde_json::to_string(&reason_views(&evaluation))
                        .unwrap_or_else(|_| "[]".into()),
                }
            })
            .collect();
        tiers::save_results(connection, &results)?;
    }
    tiers::finish_close(connection, actor, &run)?;
    Ok(run)
}

/// Close a quarter: evaluate every customer and keep the result as history (TIER-4).
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
    let today = caller.actor.at.today();
    if quarter.last_day() >= today {
        return Err(ApiError::rule_refused(
            "TIER-4",
            format!(
                "{quarter} has not ended yet; it can be closed from {}",
                quarter.last_day().next_day().unwrap_or(today)
            ),
        ));
    }
    let actor = caller.actor;
    let policy = state.tier_policy.clone();
    let quarter_text = quarter.to_string();
    let outcome = state
        .write(
            move |connection| match tiers::find_run(connection, &quarter_text)? {
                Some(existing) => Ok((false, existing)),
                None => close(connection, &actor, quarter, &policy).map(|run| (true, run)),
            },
        )
        .await;
    let (created, run) = match outcome {
        // A concurrent close of the same quarter won the race: answer with its result.
        Err(error) if error.status_code() == actix_web::http::StatusCode::CONFLICT => {
            let quarter_text = quarter.to_string();
            let run = state
                .read(move |connection| tiers::find_run(connection, &quarter_text)?.ok_or(error))
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
    let quarter = quarter.into_inner().0.to_string();
    let run = state
        .read(move |connection| {
            tiers::find_run(connection, &quarter)?
                .ok_or_else(|| ApiError::not_found(format!("{quarter} has not been closed")))
        })
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

impl From<TierOverride> for TierOverrideView {
    fn from(o: TierOverride) -> Self {
        TierOverrideView {
            tier: Tier::parse(&o.tier).unwrap_or(Tier::C),
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

/// The customer's tier for `quarter` at `at`: stored history for a closed quarter, a live
/// evaluation of its metrics otherwise.
fn tier_for(
    connection: &mut DbConnection,
    customer: &Customer,
    quarter: Quarter,
    policy: &TierPolicy,
    at: Moment,
) -> Result<CustomerTierView, ApiError> {
    let quarter_text = quarter.to_string();
    let (closed, evaluated_tier, reasons) =
        match tiers::history_entry(connection, &customer.id, &quarter_text)? {
            Some(stored) => (
                true,
                Tier::parse(&stored.tier).unwrap_or(Tier::C),
                serde_json::from_str(&stored.reasons).map_err(ApiError::internal)?,
            ),
            None => {
                let metrics = tiers::quarter_metrics(connection, &customer.id, &quarter_text)?;
                let referrals =
                    tiers::referral_count(connection, &customer.id, quarter.last_day())?;
                let (revenue, payments) =
                    metrics.map_or((0, 0), |m| (m.revenue_fen, m.payments_fen));
                let inputs = metrics_of(
                    customer.first_contract_on,
                    &customer.flags,
                    revenue,
                    payments,
                    referrals,
                    quarter,
                );
                let evaluation = evaluate_tier(&inputs, policy);
                (false, evaluation.tier, reason_views(&evaluation))
            }
        };
    let tier_override = if quarter == current_quarter_of(customer, at) {
        if customer.tier_overridden {
            tiers::latest_override(
                connection,
                &customer.id,
                customer.current_tier_quarter.as_deref(),
            )?
        } else {
            None
        }
    } else if closed {
        // An override made while this quarter was current; it lapsed at the next close.
        tiers::latest_override(connection, &customer.id, Some(&quarter_text))?
    } else {
        None
    };
    let tier = tier_override
        .as_ref()
        .and_then(|o| Tier::parse(&o.tier))
        .unwrap_or(evaluated_tier);
    Ok(CustomerTierView {
        customer_id: customer.id.clone(),
        quarter: quarter_text,
        closed,
        tier,
        evaluated_tier,
        overridden: tier_override.is_some(),
        tier_override: tier_override.map(TierOverrideView::from),
        reasons,
        owner_gap: tier == Tier::A && customer.owner_id.is_none(),
    })
}

/// The quarter a customer's tier is read for when none is asked: the latest closed one it
/// holds, else the quarter in progress at `at`.
pub fn current_quarter_of(customer: &Customer, at: Moment) -> Quarter {
    customer
        .current_tier_quarter
        .as_deref()
        .and_then(|q| q.parse().ok())
        .unwrap_or_else(|| Quarter::containing(at.today()))
}

/// The tier in force for a customer at `at`, with its reasons.
pub fn current_tier(
    connection: &mut DbConnection,
    customer: &Customer,
    policy: &TierPolicy,
    at: Moment,
) -> Result<CustomerTierView, ApiError> {
    tier_for(
        connection,
        customer,
        current_quarter_of(customer, at),
        policy,
        at,
    )
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
    let policy = state.tier_policy.clone();
    let at = caller.actor.at;
    let view = state
        .read(move |connection| {
            let customer = find_customer(connection, &id)?;
            let quarter = params
                .quarter
                .map_or_else(|| current_quarter_of(&customer, at), |q| q.0);
            tier_for(connection, &customer, quarter, &policy, at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
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
    let policy = state.tier_policy.clone();
    let view = state
        .write(move |connection| {
            let customer = find_customer(connection, &id)?;
            let tier_override = TierOverride {
                id: new_id(),
                customer_id: customer.id.clone(),
                quarter: customer.current_tier_quarter.clone(),
                tier: request.tier.as_str().to_owned(),
                reason: request.reason.trim().to_owned(),
                overridden_by: actor.subject.clone(),
                created_at: actor.at.stored(),
            };
            let customer =
                tiers::apply_override(connection, &actor, &tier_override).map_err(|e| match e {
                    zhidu_store::StoreError::StaleVersion => ApiError::conflict(
                        "a quarter close changed the customer's tier meanwhile; retry",
                    ),
                    other => other.into(),
                })?;
            current_tier(connection, &customer, &policy, actor.at)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
