//! SET-2, SET-3, SET-6 previews: the settlement calendar of a partner type and the franchise
//! profit split. Pure computations over the policy; nothing is stored.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_domain::settlement::{
    FranchiseSplit, PartnerType, SettlementPeriod, franchise_split, settlement_periods,
};

use crate::auth::{Authorized, FinanceDesk, PartnerReaders};
use crate::error::{ApiError, AuthErrors, BodyErrors, Invalid, Unavailable};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::wire::YearMonth;

/// Under `/settlement`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(periods).service(split_preview);
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodParams {
    pub partner_type: PartnerType,
    /// The month, `YYYY-MM`.
    #[param(value_type = String, example = "2026-02")]
    pub month: YearMonth,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodsView {
    pub partner_type: PartnerType,
    #[schema(value_type = String, example = "2026-02")]
    pub month: YearMonth,
    /// Insurers and carriers: the periods falling due in the month (SET-2, SET-3);
    /// franchisees: the period covering the month, due on the 1st of the next.
    pub periods: Vec<SettlementPeriod>,
}

/// The settlement periods of a partner type in a month, with the dates each covers and its
/// due date (insurers: the 10th, 20th and 30th, February's third on its last day; carriers:
/// the month end).
#[utoipa::path(
    tag = "settlement",
    params(PeriodParams),
    responses((status = 200, body = PeriodsView), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/periods")]
async fn periods(
    state: web::Data<AppState>,
    _caller: Authorized<PartnerReaders>,
    Query(params): Query<PeriodParams>,
) -> Result<HttpResponse, ApiError> {
    let periods = settlement_periods(
        &state.settlement_policy,
        params.partner_type,
        params.month.year(),
        params.month.month(),
    );
    Ok(HttpResponse::Ok().json(PeriodsView {
        partner_type: params.partner_type,
        month: params.month,
        periods,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitPreviewRequest {
    /// The franchisee's region (province), e.g. `河北`.
    #[validate(
        length(min = 1, max = 100, message = "must be 1–100 characters"),
        custom(function = "crate::checks::not_blank")
    )]
    #[schema(example = "河北")]
    pub region: String,
    #[schema(example = "123456.78")]
    pub operating_profit: Money,
    /// The contract's split, for regions without a fixed one.
    #[validate(nested)]
    pub contract_split: Option<crate::routes::partners::ContractSplit>,
}

/// SET-6 preview: the company's and the franchisee's shares of a month's operating profit
/// (60:40 in Hebei and Shanxi, the contract's split elsewhere; half-even to the fen for the
/// company, the exact remainder for the franchisee; a loss pays nothing).
#[utoipa::path(
    tag = "settlement",
    request_body = SplitPreviewRequest,
    responses((status = 200, body = FranchiseSplit), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("/franchise-split")]
async fn split_preview(
    state: web::Data<AppState>,
    _caller: Authorized<FinanceDesk>,
    Json(request): Json<SplitPreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let contract = request
        .contract_split
        .map(|s| (s.company.unsigned_abs(), s.franchisee.unsigned_abs()));
    let split = franchise_split(
        &state.settlement_policy,
        &request.region,
        contract,
        request.operating_profit,
    )
    .map_err(|e| ApiError::rule_refused(e.rule(), e.to_string()).with("region", &request.region))?;
    Ok(HttpResponse::Ok().json(split))
}
