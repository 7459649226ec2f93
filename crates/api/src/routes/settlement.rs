//! The settlement calendar (SET-2, SET-3), payments received and the overdue periods with
//! their follow-up (SET-4), and the franchise profit split preview (SET-6).

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::{Money, MoneyInput};
use zhidu_domain::settlement::{
    FranchiseSplit, PartnerType, PeriodAccount, SettlementPeriod, settlement_periods,
};
use zhidu_service::settlement::{
    self as service, FollowUp, FollowUpChange, FranchiseSettlement, NewPayment, OverdueAccount,
};

use crate::auth::{Authorized, FinanceDesk, PartnerReaders, SettlementDesk};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, ContractSplit, Text};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};

/// Under `/settlement`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(periods)
        .service(split_preview)
        .service(overdue)
        .service(follow_up);
}

/// Under `/franchise-settlements`.
pub fn configure_franchise(config: &mut ServiceConfig) {
    config
        .service(settle_franchise_month)
        .service(franchise_months);
}

/// Under `/partners`.
pub fn configure_per_partner(config: &mut ServiceConfig) {
    config.service(record_payment);
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodParams {
    pub partner_type: PartnerType,
    /// The month, `YYYY-MM`.
    pub month: YearMonth,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodsView {
    pub partner_type: PartnerType,
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
    #[schema(example = "河北")]
    pub region: Text<1, 100>,
    #[schema(value_type = MoneyInput, example = "123456.78")]
    pub operating_profit: Money,
    /// The contract's split, for regions without a fixed one.
    pub contract_split: Option<ContractSplit>,
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
    let contract = request.contract_split.map(ContractSplit::parts);
    let split = service::split_profit(
        &state.settlement_policy,
        request.region.as_str(),
        contract,
        request.operating_profit,
    )?;
    Ok(HttpResponse::Ok().json(split))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SettlementPaymentRequest)]
pub struct PaymentRequest {
    /// The due date of the period this pays (SET-2, SET-3).
    pub due_on: IsoDate,
    pub amount: Amount<true>,
    pub received_on: IsoDate,
    /// The bank transaction's reference.
    pub reference: Text<1, 100>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    pub id: String,
    pub partner_id: String,
    pub period: SettlementPeriod,
    pub amount: Money,
    pub received_on: IsoDate,
    pub reference: String,
    pub created_at: Instant,
}

/// Record a payment received from a partner against one of its periods (finance).
#[utoipa::path(
    tag = "settlement",
    params(("id" = String, Path, description = "Partner id")),
    request_body = PaymentRequest,
    responses((status = 201, body = PaymentView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/payments")]
async fn record_payment(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(request): Json<PaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.settlement_policy.clone();
    let actor = caller.actor;
    let (payment, period) = state
        .write(move |connection| {
            Ok(service::record_payment(
                connection,
                &actor,
                &policy,
                &id,
                &NewPayment {
                    due_on: request.due_on.0,
                    amount: request.amount.get(),
                    received_on: request.received_on.0,
                    reference: request.reference.into_string(),
                },
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(PaymentView {
        id: payment.id,
        partner_id: payment.partner_id,
        period,
        amount: Money::from_fen(payment.amount_fen),
        received_on: IsoDate(payment.received_on),
        reference: payment.reference,
        created_at: Instant::from_utc(payment.created_at),
    }))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OverdueParams {
    /// Defaults to today (Shanghai).
    pub as_of: Option<IsoDate>,
}

/// SET-4's follow-up of a late period.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SettlementFollowUpView)]
pub struct FollowUpView {
    pub partner_id: String,
    pub due_on: IsoDate,
    pub finance_notified_at: Option<Instant>,
    pub marketing_contact: Option<String>,
    pub partner_reason: Option<String>,
    pub decision: Option<String>,
    pub version: i64,
}

impl From<FollowUp> for FollowUpView {
    fn from(f: FollowUp) -> Self {
        FollowUpView {
            partner_id: f.partner_id,
            due_on: IsoDate(f.due_on),
            finance_notified_at: f.finance_notified_at.map(Instant::from_utc),
            marketing_contact: f.marketing_contact,
            partner_reason: f.partner_reason,
            decision: f.decision,
            version: f.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OverduePeriod {
    pub partner_id: String,
    pub partner_name: String,
    pub partner_type: PartnerType,
    #[serde(flatten)]
    pub account: PeriodAccount,
    /// Absent until someone records it.
    pub follow_up: Option<FollowUpView>,
}

impl From<OverdueAccount> for OverduePeriod {
    fn from(o: OverdueAccount) -> Self {
        OverduePeriod {
            partner_id: o.partner_id,
            partner_name: o.partner_name,
            partner_type: o.partner_type,
            account: o.account,
            follow_up: o.follow_up.map(FollowUpView::from),
        }
    }
}

/// SET-4: every period past the end of its due date and not paid in full, oldest first, with
/// what was expected, what was paid, and its follow-up (finance, general manager, marketing).
#[utoipa::path(
    tag = "settlement",
    params(OverdueParams),
    responses((status = 200, body = Vec<OverduePeriod>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/overdue")]
async fn overdue(
    state: web::Data<AppState>,
    caller: Authorized<SettlementDesk>,
    Query(params): Query<OverdueParams>,
) -> Result<HttpResponse, ApiError> {
    let as_of = params
        .as_of
        .map_or_else(|| caller.actor.at.today(), |d| d.0);
    let policy = state.settlement_policy.clone();
    let overdue = state
        .read(move |connection| Ok(service::overdue_periods(connection, &policy, as_of)?))
        .await?;
    let overdue: Vec<OverduePeriod> = overdue.into_iter().map(OverduePeriod::from).collect();
    Ok(HttpResponse::Ok().json(overdue))
}

/// The follow-up fields; absent ones stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRequest {
    /// Finance acknowledges the notice (stamped now).
    pub finance_notified: Option<bool>,
    /// Marketing's contact with the partner: who, when, how.
    pub marketing_contact: Option<Text<1, 2000>>,
    pub partner_reason: Option<Text<1, 2000>>,
    pub decision: Option<Text<1, 2000>>,
    /// The version read; absent when creating the follow-up.
    pub version: Option<i64>,
}

/// Record the follow-up of an overdue period (SET-4): finance notified, marketing's contact,
/// the partner's reason, the decision. Only a period that is overdue takes one.
#[utoipa::path(
    tag = "settlement",
    params(
        ("partner_id" = String, Path, description = "Partner id"),
        ("due_on" = IsoDate, Path, description = "The period's due date, YYYY-MM-DD")
    ),
    request_body = FollowUpRequest,
    responses((status = 200, body = FollowUpView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/follow-ups/{partner_id}/{due_on}")]
async fn follow_up(
    state: web::Data<AppState>,
    caller: Authorized<SettlementDesk>,
    path: web::Path<(String, String)>,
    Json(request): Json<FollowUpRequest>,
) -> Result<HttpResponse, ApiError> {
    let (partner_id, due_on) = path.into_inner();
    let due_on = IsoDate::parse(&due_on)
        .map_err(|e| ApiError::invalid_field("due_on", e))?
        .0;
    let policy = state.settlement_policy.clone();
    let actor = caller.actor;
    let saved = state
        .write(move |connection| {
            Ok(service::record_follow_up(
                connection,
                &actor,
                &policy,
                &partner_id,
                due_on,
                FollowUpChange {
                    finance_notified: request.finance_notified,
                    marketing_contact: request.marketing_contact.map(String::from),
                    partner_reason: request.partner_reason.map(String::from),
                    decision: request.decision.map(String::from),
                    version: request.version,
                },
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(FollowUpView::from(saved)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FranchiseSettlementRequest {
    pub partner_id: String,
    pub month: YearMonth,
    #[schema(value_type = MoneyInput, example = "123456.78")]
    pub operating_profit: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FranchiseSettlementView {
    pub id: String,
    pub partner_id: String,
    #[schema(example = "2026-03")]
    pub month: String,
    pub operating_profit: Money,
    pub company_share: Money,
    pub franchisee_share: Money,
    pub company_part: i32,
    pub franchisee_part: i32,
    /// `fixed_region` (Hebei, Shanxi) or `contract`.
    pub basis: String,
    /// The profit when it was zero or negative: nothing was paid.
    pub loss: Option<Money>,
    pub created_at: Instant,
}

impl From<FranchiseSettlement> for FranchiseSettlementView {
    fn from(s: FranchiseSettlement) -> Self {
        FranchiseSettlementView {
            loss: (s.operating_profit_fen <= 0).then(|| Money::from_fen(s.operating_profit_fen)),
            id: s.id,
            partner_id: s.partner_id,
            month: s.month,
            operating_profit: Money::from_fen(s.operating_profit_fen),
            company_share: Money::from_fen(s.company_share_fen),
            franchisee_share: Money::from_fen(s.franchisee_share_fen),
            company_part: s.company_part,
            franchisee_part: s.franchisee_part,
            basis: s.basis,
            created_at: Instant::from_utc(s.created_at),
        }
    }
}

/// SET-6: settle a franchisee's month (finance): the operating profit split by the region's
/// fixed split or the contract's, stored once per month (a month already settled is 409).
#[utoipa::path(
    tag = "settlement",
    request_body = FranchiseSettlementRequest,
    responses((status = 201, body = FranchiseSettlementView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn settle_franchise_month(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    Json(request): Json<FranchiseSettlementRequest>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.settlement_policy.clone();
    let actor = caller.actor;
    let settled = state
        .write(move |connection| {
            Ok(service::settle_franchise_month(
                connection,
                &actor,
                &policy,
                &request.partner_id,
                &request.month.to_string(),
                request.operating_profit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(FranchiseSettlementView::from(settled)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FranchiseSettlementParams {
    pub partner_id: Option<String>,
}

/// Settled franchise months, newest first (finance, management; a franchisee sees its own).
#[utoipa::path(
    tag = "settlement",
    params(FranchiseSettlementParams),
    responses((status = 200, body = Vec<FranchiseSettlementView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn franchise_months(
    state: web::Data<AppState>,
    caller: Authorized<PartnerReaders>,
    Query(params): Query<FranchiseSettlementParams>,
) -> Result<HttpResponse, ApiError> {
    let settled = state
        .read(move |connection| {
            Ok(service::franchise_months(
                connection,
                &caller,
                params.partner_id,
            )?)
        })
        .await?;
    let views: Vec<FranchiseSettlementView> = settled
        .into_iter()
        .map(FranchiseSettlementView::from)
        .collect();
    Ok(HttpResponse::Ok().json(views))
}
