//! SET-7: app-user points. The earning rate is configured by finance (the source leaves it
//! blank; earning is refused until it is set); app orders earn points once each; a cash
//! redemption takes its points at once, goes through finance review, a leader's approval and
//! the recorded transfer, and a rejection gives the points back, once.

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::approval::Decision;
use zhidu_domain::money::{Money, MoneyInput};
use zhidu_domain::points::RedemptionStatus;
use zhidu_service::points::{
    self as service, Balance, Earned, PointEntry, Rate, Redemption, StoreError, Transfer,
};

use crate::auth::{Authorized, CustomerEditors, FinanceDesk, Managers, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, NotFound, Stale, Unavailable};
use crate::extract::Json;
use crate::input::{Amount, Bounded, Text};
use crate::state::AppState;
use crate::wire::Instant;

/// Under `/point-settings`.
pub fn configure_settings(config: &mut ServiceConfig) {
    config.service(get_rate).service(set_rate);
}

/// Under `/app-orders`.
pub fn configure_app_orders(config: &mut ServiceConfig) {
    config.service(earn);
}

/// Under `/customers`.
pub fn configure_per_customer(config: &mut ServiceConfig) {
    config.service(customer_points);
}

/// Under `/point-redemptions`.
pub fn configure_redemptions(config: &mut ServiceConfig) {
    config
        .service(request_redemption)
        .service(review)
        .service(approve)
        .service(transfer);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RateView {
    /// Yuan spent per point earned; absent until finance configures it.
    pub yuan_per_point: Option<Money>,
    /// Send it back when changing the rate; absent before the first setting.
    pub version: Option<i64>,
}

impl From<Option<Rate>> for RateView {
    fn from(rate: Option<Rate>) -> Self {
        RateView {
            yuan_per_point: rate.map(|r| r.yuan_per_point),
            version: rate.map(|r| r.version),
        }
    }
}

/// The earning rate (SET-7).
#[utoipa::path(
    tag = "points",
    responses((status = 200, body = RateView), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn get_rate(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
) -> Result<HttpResponse, ApiError> {
    let rate = state
        .read(|connection| Ok(service::earning_rate(connection)?))
        .await?;
    Ok(HttpResponse::Ok().json(RateView::from(rate)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    #[schema(example = "10.00")]
    pub yuan_per_point: Amount<true>,
    /// The version read; absent for the first setting.
    pub version: Option<i64>,
}

/// Configure the earning rate (admin, finance, general manager). Past earnings keep the rate
/// they were earned at.
#[utoipa::path(
    tag = "points",
    request_body = RateRequest,
    responses((status = 200, body = RateView), BodyErrors, AuthErrors, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("")]
async fn set_rate(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    Json(request): Json<RateRequest>,
) -> Result<HttpResponse, ApiError> {
    let rate = request.yuan_per_point.get();
    let saved = state
        .write(move |connection| {
            Ok(service::set_rate(
                connection,
                &caller.actor,
                rate,
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RateView::from(Some(saved))))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppOrderRequest {
    /// The app user (a customer).
    pub customer_id: String,
    /// The app order's own reference: it earns points once.
    pub reference: Text<1, 100>,
    #[schema(value_type = MoneyInput)]
    pub amount: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EarnedView {
    pub customer_id: String,
    pub reference: String,
    pub points_earned: i64,
    pub balance: i64,
}

impl From<Earned> for EarnedView {
    fn from(e: Earned) -> Self {
        EarnedView {
            customer_id: e.customer_id,
            reference: e.reference,
            points_earned: e.points_earned,
            balance: e.balance,
        }
    }
}

/// An app order earns its points (SET-7): one per configured spend; refused (422) until the
/// rate is configured; an order already counted is 409.
#[utoipa::path(
    tag = "points",
    request_body = AppOrderRequest,
    responses((status = 201, body = EarnedView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn earn(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    Json(request): Json<AppOrderRequest>,
) -> Result<HttpResponse, ApiError> {
    let earned = state
        .write(move |connection| {
            Ok(service::earn(
                connection,
                &caller.actor,
                &request.customer_id,
                &request.reference,
                request.amount,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(EarnedView::from(earned)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// `earned`, `redeemed` or `returned`.
    pub kind: String,
    pub reference: String,
    pub points: i64,
    pub created_at: Instant,
}

impl From<PointEntry> for EntryView {
    fn from(e: PointEntry) -> Self {
        EntryView {
            kind: e.kind,
            reference: e.reference,
            points: e.points,
            created_at: Instant::from_utc(e.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceView {
    pub customer_id: String,
    pub balance: i64,
    /// Newest first.
    pub entries: Vec<EntryView>,
}

impl From<Balance> for BalanceView {
    fn from(b: Balance) -> Self {
        BalanceView {
            customer_id: b.customer_id,
            balance: b.balance,
            entries: b.entries.into_iter().map(EntryView::from).collect(),
        }
    }
}

/// A customer's points and their history.
#[utoipa::path(
    tag = "points",
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, body = BalanceView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/points")]
async fn customer_points(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let balance = state
        .read(move |connection| Ok(service::customer_points(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(BalanceView::from(balance)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionView {
    pub id: String,
    pub customer_id: String,
    pub points: i64,
    pub alipay_account: String,
    pub status: RedemptionStatus,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    pub transfer_reference: Option<String>,
    pub transferred: Option<Money>,
    pub version: i64,
    pub created_at: Instant,
}

impl TryFrom<Redemption> for RedemptionView {
    type Error = StoreError;

    fn try_from(r: Redemption) -> Result<Self, StoreError> {
        Ok(RedemptionView {
            status: service::status_of(&r)?,
            id: r.id,
            customer_id: r.customer_id,
            points: r.points,
            alipay_account: r.alipay_account,
            reviewed_by: r.reviewed_by,
            approved_by: r.approved_by,
            transfer_reference: r.transfer_reference,
            transferred: r.transferred_fen.map(Money::from_fen),
            version: r.version,
            created_at: Instant::from_utc(r.created_at),
        })
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedemptionRequest {
    pub customer_id: String,
    pub points: Bounded<1, { i64::MAX }>,
    /// Where the cash goes.
    #[schema(example = "user@example.com")]
    pub alipay_account: Text<3, 100>,
}

/// Request a cash redemption (SET-7): the points leave the balance now, exactly once; a
/// balance that does not cover them is refused (422), also when requests race.
#[utoipa::path(
    tag = "points",
    request_body = RedemptionRequest,
    responses((status = 201, body = RedemptionView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn request_redemption(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    Json(request): Json<RedemptionRequest>,
) -> Result<HttpResponse, ApiError> {
    let redemption = state
        .write(move |connection| {
            Ok(service::request_redemption(
                connection,
                &caller.actor,
                &request.customer_id,
                request.points.get(),
                &request.alipay_account,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(RedemptionView::try_from(redemption)?))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDecision {
    pub decision: Decision,
    pub version: i64,
}

fn approves(decision: Decision) -> bool {
    decision == Decision::Approved
}

/// Finance reviews a redemption (rejection gives the points back).
#[utoipa::path(
    tag = "points",
    params(("id" = String, Path, description = "Redemption id")),
    request_body = StepDecision,
    responses((status = 200, body = RedemptionView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/review")]
async fn review(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(body): Json<StepDecision>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let redemption = state
        .write(move |connection| {
            Ok(service::review_redemption(
                connection,
                &caller,
                &id,
                body.version,
                approves(body.decision),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RedemptionView::try_from(redemption)?))
}

/// A leader approves a reviewed redemption (rejection gives the points back).
#[utoipa::path(
    tag = "points",
    params(("id" = String, Path, description = "Redemption id")),
    request_body = StepDecision,
    responses((status = 200, body = RedemptionView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/approval")]
async fn approve(
    state: web::Data<AppState>,
    caller: Authorized<Managers>,
    id: web::Path<String>,
    Json(body): Json<StepDecision>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let redemption = state
        .write(move |connection| {
            Ok(service::approve_redemption(
                connection,
                &caller,
                &id,
                body.version,
                approves(body.decision),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RedemptionView::try_from(redemption)?))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The Alipay transfer's transaction reference.
    pub transaction_reference: Text<1, 100>,
    /// The cash transferred.
    pub amount: Amount<true>,
    pub version: i64,
}

/// Finance records the transfer of an approved redemption with its transaction reference.
#[utoipa::path(
    tag = "points",
    params(("id" = String, Path, description = "Redemption id")),
    request_body = TransferRequest,
    responses((status = 200, body = RedemptionView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/transfer")]
async fn transfer(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(body): Json<TransferRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let transfer = Transfer {
        transaction_reference: body.transaction_reference.into_string(),
        amount: body.amount.get(),
    };
    let redemption = state
        .write(move |connection| {
            Ok(service::record_transfer(
                connection,
                &caller,
                &id,
                body.version,
                transfer,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RedemptionView::try_from(redemption)?))
}
