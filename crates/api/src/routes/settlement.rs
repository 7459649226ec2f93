//! The settlement calendar (SET-2, SET-3), payments received and the overdue periods with
//! their follow-up (SET-4), and the franchise profit split preview (SET-6).

use std::collections::{BTreeSet, HashMap};

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::{Money, MoneyInput};
use zhidu_domain::settlement::{
    FranchiseSplit, PartnerType, PeriodAccount, SettlementPeriod, SplitBasis, franchise_split,
    period_accounts, period_containing, settlement_periods,
};
use zhidu_store::payments::{self, DailySum, FollowUp, FranchiseSettlement, Payment};
use zhidu_store::{new_id, partners};

use zhidu_service::access::partners::partner_scope;

use crate::auth::{Authorized, FinanceDesk, PartnerReaders, SettlementDesk};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, ContractSplit, Text};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};
use zhidu_service::partners::partner_type;

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
    let split = franchise_split(
        &state.settlement_policy,
        request.region.as_str(),
        contract,
        request.operating_profit,
    )
    .map_err(|e| ApiError::rule_refused(e.rule(), e.to_string()).with("region", &request.region))?;
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
            let partner = partners::find_partner(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no partner {id}")))?;
            let due_on = request.due_on.0;
            let period = period_containing(&policy, partner_type(&partner)?, due_on)
                .filter(|period| period.due_on == due_on)
                .ok_or_else(|| {
                    ApiError::field_refused(
                        "due_on",
                        format!(
                            "{due_on} is not a due date of a {} (SET-2, SET-3)",
                            partner.partner_type
                        ),
                    )
                })?;
            let payment = Payment {
                id: new_id(),
                partner_id: partner.id,
                due_on,
                amount_fen: request.amount.get().fen(),
                received_on: request.received_on.0,
                reference: request.reference.trim().to_owned(),
                created_at: actor.at.stored(),
            };
            payments::insert_payment(connection, &actor, &payment)?;
            Ok((payment, period))
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
        .read(move |connection| {
            let expected = payments::expected_by_day(connection, as_of)?;
            let paid = payments::paid_by_due_date(connection, as_of)?;
            let mut follow_ups: HashMap<(String, Date), FollowUp> =
                payments::follow_ups(connection)?
                    .into_iter()
                    .map(|f| ((f.partner_id.clone(), f.due_on), f))
                    .collect();
            let partner_ids: Vec<String> = expected
                .iter()
                .chain(&paid)
                .map(|sum| sum.partner_id.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut overdue = Vec::new();
            for partner_id in partner_ids {
                let Some(partner) = partners::find_partner(connection, &partner_id)? else {
                    continue;
                };
                let sums = |rows: &[DailySum]| -> Vec<(Date, Money)> {
                    rows.iter()
                        .filter(|r| r.partner_id == partner_id)
                        .map(|r| (r.day, Money::from_fen(r.amount_fen)))
                        .collect()
                };
                for account in period_accounts(
                    &policy,
                    partner_type(&partner)?,
                    &sums(&expected),
                    &sums(&paid),
                    as_of,
                ) {
                    if !account.overdue {
                        continue;
                    }
                    overdue.push(OverduePeriod {
                        follow_up: follow_ups
                            .remove(&(partner.id.clone(), account.period.due_on))
                            .map(FollowUpView::from),
                        partner_id: partner.id.clone(),
                        partner_name: partner.name.clone(),
                        partner_type: partner_type(&partner)?,
                        account,
                    });
                }
            }
            overdue.sort_by_key(|o| (o.account.period.due_on, o.partner_id.clone()));
            Ok(overdue)
        })
        .await?;
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
            let partner = partners::find_partner(connection, &partner_id)?
                .ok_or_else(|| ApiError::not_found(format!("no partner {partner_id}")))?;
            let today = actor.at.today();
            let expected: Vec<(Date, Money)> = payments::expected_by_day(connection, today)?
                .into_iter()
                .filter(|r| r.partner_id == partner.id)
                .map(|r| (r.day, Money::from_fen(r.amount_fen)))
                .collect();
            let paid: Vec<(Date, Money)> = payments::paid_by_due_date(connection, today)?
                .into_iter()
                .filter(|r| r.partner_id == partner.id)
                .map(|r| (r.day, Money::from_fen(r.amount_fen)))
                .collect();
            let is_overdue =
                period_accounts(&policy, partner_type(&partner)?, &expected, &paid, today)
                    .iter()
                    .any(|a| a.period.due_on == due_on && a.overdue);
            let before = payments::find_follow_up(connection, &partner.id, due_on)?;
            if before.is_none() && !is_overdue {
                return Err(ApiError::not_found(format!(
                    "{} has no overdue period due on {due_on}",
                    partner.name
                )));
            }
            if before.as_ref().map(|b| b.version) != request.version {
                return Err(ApiError::stale(
                    "send the follow-up's current version (none when creating it)",
                ));
            }
            let now = actor.at.stored();
            let base = before.clone().unwrap_or(FollowUp {
                partner_id: partner.id.clone(),
                due_on,
                finance_notified_at: None,
                marketing_contact: None,
                partner_reason: None,
                decision: None,
                version: 0,
                created_at: now,
                updated_at: now,
            });
            let after = FollowUp {
                finance_notified_at: match request.finance_notified {
                    Some(true) => base.finance_notified_at.or(Some(now)),
                    Some(false) => None,
                    None => base.finance_notified_at,
                },
                marketing_contact: request
                    .marketing_contact
                    .map(String::from)
                    .or(base.marketing_contact.clone()),
                partner_reason: request
                    .partner_reason
                    .map(String::from)
                    .or(base.partner_reason.clone()),
                decision: request.decision.map(String::from).or(base.decision.clone()),
                version: base.version + 1,
                updated_at: now,
                ..base
            };
            payments::save_follow_up(connection, &actor, before.as_ref(), &after)?;
            Ok(after)
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
            let partner = partners::find_partner(connection, &request.partner_id)?
                .filter(|p| matches!(partner_type(p), Ok(PartnerType::Franchisee)))
                .ok_or_else(|| {
                    ApiError::field_refused(
                        "partner_id",
                        format!("no franchisee {}", request.partner_id),
                    )
                })?;
            let contract = partner
                .split_company_part
                .zip(partner.split_franchisee_part)
                .map(|(company, franchisee)| (company.unsigned_abs(), franchisee.unsigned_abs()));
            let split =
                franchise_split(&policy, &partner.region, contract, request.operating_profit)
                    .map_err(|e| {
                        ApiError::rule_refused(e.rule(), e.to_string())
                            .with("region", &partner.region)
                    })?;
            let settlement = FranchiseSettlement {
                id: new_id(),
                partner_id: partner.id,
                month: request.month.to_string(),
                operating_profit_fen: request.operating_profit.fen(),
                company_share_fen: split.company_share.fen(),
                franchisee_share_fen: split.franchisee_share.fen(),
                company_part: i32::try_from(split.company_part).unwrap_or(i32::MAX),
                franchisee_part: i32::try_from(split.franchisee_part).unwrap_or(i32::MAX),
                basis: match split.basis {
                    SplitBasis::FixedRegion => "fixed_region",
                    SplitBasis::Contract => "contract",
                }
                .into(),
                created_by: actor.subject.clone(),
                created_at: actor.at.stored(),
            };
            payments::insert_franchise_settlement(connection, &actor, &settlement)?;
            Ok(settlement)
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
            let partner = match partner_scope(connection, &caller)? {
                Some(own) => Some(own),
                None => params.partner_id,
            };
            Ok(payments::franchise_settlements_of(
                connection,
                partner.as_deref(),
            )?)
        })
        .await?;
    let views: Vec<FranchiseSettlementView> = settled
        .into_iter()
        .map(FranchiseSettlementView::from)
        .collect();
    Ok(HttpResponse::Ok().json(views))
}
