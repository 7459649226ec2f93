//! TIER-5: the tier-A price floor, as a preview and as a check of a customer's quote.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_domain::tier::{Tier, TierPolicy};

use zhidu_service::tiers as service;

use crate::auth::{Authorized, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, NotFound, Unavailable};
use crate::extract::Json;
use crate::input::Amount;
use crate::state::AppState;

/// Under `/quotes`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(minimum_price);
}

/// Under `/customers`.
pub fn configure_per_customer(config: &mut ServiceConfig) {
    config.service(check_quote);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinimumPriceRequest {
    pub unit_cost: Amount<false>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MinimumPriceResponse {
    pub unit_cost: Money,
    /// `unit_cost / (1 − margin)`, rounded up to the fen.
    pub min_price: Money,
    /// The net profit kept at `min_price`, in percent.
    #[schema(example = "5.00")]
    pub margin_percent: String,
    /// The `tier` policy version in force today (issue 18).
    pub policy_version: i64,
}

fn margin_percent(policy: &TierPolicy) -> String {
    Money::from_fen(i64::from(policy.tier_a_min_margin_bp)).to_string()
}

/// The lowest price a tier-A customer may be offered (TIER-5), by today's `tier` policy.
#[utoipa::path(
    tag = "quotes",
    request_body = MinimumPriceRequest,
    responses((status = 200, body = MinimumPriceResponse), BodyErrors, AuthErrors),
    security(("bearer" = []))
)]
#[post("/minimum-price")]
async fn minimum_price(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Json(request): Json<MinimumPriceRequest>,
) -> Result<HttpResponse, ApiError> {
    let unit_cost = request.unit_cost.get();
    let policies = state.policies().await?;
    let policy = policies.tier_on(state.now().today())?;
    let min_price = service::minimum_price(unit_cost, &policy.values)?;
    Ok(HttpResponse::Ok().json(MinimumPriceResponse {
        unit_cost,
        min_price,
        margin_percent: margin_percent(&policy.values),
        policy_version: policy.version,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    pub unit_cost: Amount<false>,
    /// The undiscounted price.
    pub list_price: Amount<false>,
    /// The price offered.
    pub price: Amount<false>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteResponse {
    pub accepted: bool,
    pub tier: Tier,
    pub price: Money,
    /// The lowest acceptable price for this customer.
    pub floor: Money,
    /// The tier-A floor (TIER-5), shown for every tier.
    pub min_price: Money,
}

/// Check a quote for a customer: tier A may be discounted down to the TIER-5 minimum price;
/// tiers B and C get no discount (their benefits are blank in the policy), so their floor is
/// the list price. A price under the floor is refused with the floor in the problem body.
#[utoipa::path(
    tag = "quotes",
    params(("id" = String, Path, description = "Customer id")),
    request_body = QuoteRequest,
    responses((status = 200, body = QuoteResponse), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/quotes")]
async fn check_quote(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<QuoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let price = request.price.get();
    let (unit_cost, list_price) = (request.unit_cost.get(), request.list_price.get());
    let policies = state.policies().await?;
    let at = caller.actor.at;
    let checked = state
        .read(move |connection| {
            Ok(service::check_quote(
                connection, &policies, &id, unit_cost, list_price, price, at,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(QuoteResponse {
        accepted: true,
        tier: checked.tier,
        price,
        floor: checked.floor,
        min_price: checked.min_price,
    }))
}
