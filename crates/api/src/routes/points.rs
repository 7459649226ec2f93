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
use zhidu_domain::points::{
    RedemptionStatus, RedemptionStep, next_redemption_status, points_earned,
};
use zhidu_store::db::DbConnection;
use zhidu_store::points::{self, PointEntry, Redemption, Setting};
use zhidu_store::{StoreError, customers, new_id, read_stored};

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

const RATE_KEY: &str = "points.yuan_per_point";

fn configured_rate(connection: &mut DbConnection) -> Result<Option<(Setting, Money)>, ApiError> {
    points::find_setting(connection, RATE_KEY)?
        .map(|setting| {
            let rate = setting.value.parse::<Money>().map_err(ApiError::internal)?;
            Ok((setting, rate))
        })
        .transpose()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RateView {
    /// Yuan spent per point earned; absent until finance configures it.
    pub yuan_per_point: Option<Money>,
    /// Send it back when changing the rate; absent before the first setting.
    pub version: Option<i64>,
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
    let rate = state.read(configured_rate).await?;
    Ok(HttpResponse::Ok().json(RateView {
        version: rate.as_ref().map(|(s, _)| s.version),
        yuan_per_point: rate.map(|(_, r)| r),
    }))
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
    let actor = caller.actor;
    let saved = state
        .write(move |connection| {
            let before = configured_rate(connection)?.map(|(s, _)| s);
            if before.as_ref().map(|s| s.version) != request.version {
                return Err(ApiError::stale(
                    "send the rate's current version (none before the first setting)",
                ));
            }
            let after = Setting {
                key: RATE_KEY.into(),
                value: rate.to_string(),
                version: before.as_ref().map_or(1, |s| s.version + 1),
                updated_at: actor.at.stored(),
            };
            points::save_setting(connection, &actor, before.as_ref(), &after)?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RateView {
        yuan_per_point: Some(rate),
        version: Some(saved.version),
    }))
}

fn existing_customer(connection: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    if customers::exists(connection, id)? {
        Ok(())
    } else {
        Err(ApiError::field_refused(
            "customer_id",
            format!("no customer {id}"),
        ))
    }
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
    let actor = caller.actor;
    let view = state
        .write(move |connection| {
            existing_customer(connection, &request.customer_id)?;
            let rate = configured_rate(connection)?.map(|(_, rate)| rate);
            let earned = points_earned(request.amount, rate)
                .map_err(|e| ApiError::rule_refused("SET-7", e.to_string()))?;
            let new_balance = points::apply_points(
                connection,
                &actor,
                &request.customer_id,
                "earned",
                &format!("app-order:{}", request.reference),
                earned,
            )
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    ApiError::conflict("this app order has already earned its points")
                }
                other => other.into(),
            })?
            .ok_or_else(|| ApiError::internal("an earning cannot overdraw"))?;
            Ok(EarnedView {
                customer_id: request.customer_id,
                reference: request.reference.into_string(),
                points_earned: earned,
                balance: new_balance,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
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
    let view = state
        .read(move |connection| {
            if !customers::exists(connection, &id)? {
                return Err(ApiError::not_found(format!("no customer {id}")));
            }
            Ok(BalanceView {
                balance: points::balance_of(connection, &id)?,
                entries: points::entries_of(connection, &id)?
                    .into_iter()
                    .map(EntryView::from)
                    .collect(),
                customer_id: id,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
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
            status: read_stored(&r.status)?,
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
    let actor = caller.actor;
    let redemption = state
        .write(move |connection| {
            existing_customer(connection, &request.customer_id)?;
            let now = actor.at.stored();
            let redemption = Redemption {
                id: new_id(),
                customer_id: request.customer_id,
                points: request.points.get(),
                alipay_account: request.alipay_account.trim().to_owned(),
                status: RedemptionStatus::PendingReview.as_str().into(),
                reviewed_by: None,
                approved_by: None,
                transfer_reference: None,
                transferred_fen: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            points::apply_points(
                connection,
                &actor,
                &redemption.customer_id,
                "redeemed",
                &redemption.id,
                -redemption.points,
            )?
            .ok_or_else(|| {
                ApiError::rule_refused(
                    "SET-7",
                    format!("the balance does not cover {} points", redemption.points),
                )
            })?;
            points::insert_redemption(connection, &actor, &redemption)?;
            Ok(redemption)
        })
        .await?;
    Ok(HttpResponse::Created().json(RedemptionView::try_from(redemption)?))
}

/// Takes `step` on redemption `id` (read at `version`) and, on a rejection, gives its points
/// back once.
async fn take_step<P: 'static>(
    state: &AppState,
    caller: Authorized<P>,
    id: String,
    version: i64,
    step: RedemptionStep,
    change: impl FnOnce(&mut Redemption, &str) + Send + 'static,
) -> Result<Redemption, ApiError> {
    state
        .write(move |connection| {
            let before = points::find_redemption(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no redemption {id}")))?;
            if before.version != version {
                return Err(ApiError::stale("the redemption changed since you read it"));
            }
            let status = next_redemption_status(read_stored(&before.status)?, step)
                .map_err(|e| ApiError::conflict(e.to_string()))?;
            let mut after = Redemption {
                status: status.as_str().into(),
                version: before.version + 1,
                updated_at: caller.actor.at.stored(),
                ..before.clone()
            };
            change(&mut after, &caller.claims.sub);
            if after.reviewed_by.is_some() && after.reviewed_by == after.approved_by {
                return Err(ApiError::forbidden(
                    "the leader who approves cannot be the finance reviewer",
                ));
            }
            points::update_redemption(
                connection,
                &caller.actor,
                &format!("point_redemption.{}", after.status),
                &before,
                &after,
            )?;
            if status == RedemptionStatus::Rejected {
                points::apply_points(
                    connection,
                    &caller.actor,
                    &after.customer_id,
                    "returned",
                    &after.id,
                    after.points,
                )?;
            }
            Ok(after)
        })
        .await
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
    let step = RedemptionStep::Review {
        approve: approves(body.decision),
    };
    let redemption = take_step(
        &state,
        caller,
        id.into_inner(),
        body.version,
        step,
        |r, who| {
            r.reviewed_by = Some(who.to_owned());
        },
    )
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
    let step = RedemptionStep::Approval {
        approve: approves(body.decision),
    };
    let redemption = take_step(
        &state,
        caller,
        id.into_inner(),
        body.version,
        step,
        |r, who| {
            r.approved_by = Some(who.to_owned());
        },
    )
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
    let reference = body.transaction_reference.trim().to_owned();
    let amount = body.amount.get().fen();
    let redemption = take_step(
        &state,
        caller,
        id.into_inner(),
        body.version,
        RedemptionStep::Transfer,
        move |r, _| {
            r.transfer_reference = Some(reference);
            r.transferred_fen = Some(amount);
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(RedemptionView::try_from(redemption)?))
}
