//! CARE-2: SMS/email touches, the customers overdue for one, and the outbox that sends them.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::touch::{self, OutboxStatus};
use zhidu_service::touches::{self as service, OutboxMessage, Overdue, StoreError, Touch};

use crate::auth::{Admins, Authorized, CustomerEditors};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::Text;
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};

/// Under `/care-touches`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record_touch)
        .service(overdue_customers)
        .service(get_touch);
}

/// Under `/outbox`.
pub fn configure_outbox(config: &mut ServiceConfig) {
    config.service(list_outbox).service(retry_message);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

impl From<Channel> for touch::Channel {
    fn from(channel: Channel) -> Self {
        match channel {
            Channel::Sms => touch::Channel::Sms,
            Channel::Email => touch::Channel::Email,
        }
    }
}

impl From<touch::Channel> for Channel {
    fn from(channel: touch::Channel) -> Self {
        match channel {
            touch::Channel::Sms => Channel::Sms,
            touch::Channel::Email => Channel::Email,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTouch {
    pub customer_id: String,
    pub channel: Channel,
    /// What kind of touch: holiday greeting, notice, news, …
    #[schema(example = "holiday_greeting")]
    pub template: Text<1, 100>,
    /// Required for an email, not allowed for an SMS.
    pub subject: Option<Text<1, 200>>,
    pub body: Text<1, 4000>,
    /// The phone number or email address; an SMS defaults to the customer's phone.
    pub recipient: Option<Text<3, 200>>,
    /// When the touch was already sent elsewhere: it is only recorded. Without it the message
    /// is queued in the outbox and counts as a touch once sent.
    pub sent_at: Option<Instant>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxView {
    pub id: String,
    pub channel: Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// `pending`, `sent` or `failed`.
    #[schema(example = "pending")]
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// When a pending message is tried next.
    pub next_attempt_at: Instant,
    pub sent_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

fn channel_of(text: &str) -> Result<Channel, StoreError> {
    Ok(service::channel_of(text)?.into())
}

fn outbox_view(message: OutboxMessage) -> Result<OutboxView, StoreError> {
    Ok(OutboxView {
        channel: channel_of(&message.channel)?,
        id: message.id,
        recipient: message.recipient,
        subject: message.subject,
        body: message.body,
        status: message.status,
        attempts: message.attempts,
        last_error: message.last_error,
        next_attempt_at: Instant::from_utc(message.next_attempt_at),
        sent_at: message.sent_at.map(Instant::from_utc),
        version: message.version,
        created_at: Instant::from_utc(message.created_at),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TouchView {
    pub id: String,
    pub customer_id: String,
    pub channel: Channel,
    pub template: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// When it reached the customer; empty while its message waits in the outbox.
    pub sent_at: Option<Instant>,
    /// The outbox message of a queued touch.
    pub outbox: Option<OutboxView>,
    pub recorded_by: String,
    pub created_at: Instant,
}

fn touch_view(touch: Touch, message: Option<OutboxMessage>) -> Result<TouchView, StoreError> {
    Ok(TouchView {
        channel: channel_of(&touch.channel)?,
        id: touch.id,
        customer_id: touch.customer_id,
        template: touch.template,
        recipient: touch.recipient,
        subject: touch.subject,
        body: touch.body,
        sent_at: touch.sent_at.map(Instant::from_utc),
        outbox: message.map(outbox_view).transpose()?,
        recorded_by: touch.recorded_by,
        created_at: Instant::from_utc(touch.created_at),
    })
}

/// CARE-2: record a touch already sent (`sent_at`), or queue one for sending: the message
/// goes into the outbox in the same transaction, and the touch counts once it is sent.
#[utoipa::path(
    tag = "care",
    request_body = NewTouch,
    responses((status = 201, body = TouchView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn record_touch(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    Json(request): Json<NewTouch>,
) -> Result<HttpResponse, ApiError> {
    let new_touch = service::NewTouch {
        customer_id: request.customer_id,
        channel: request.channel.into(),
        template: request.template.into_string(),
        subject: request.subject.map(String::from),
        body: request.body.into_string(),
        recipient: request.recipient.map(String::from),
        sent_at: request.sent_at.map(|at| at.0),
    };
    let (touch, message) = state
        .write(move |connection| Ok(service::record_touch(connection, &caller, new_touch)?))
        .await?;
    Ok(HttpResponse::Created().json(touch_view(touch, message)?))
}

/// One touch with its outbox message.
#[utoipa::path(
    tag = "care",
    params(("id" = String, Path, description = "Touch id")),
    responses((status = 200, body = TouchView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_touch(
    state: web::Data<AppState>,
    _caller: Authorized<CustomerEditors>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (touch, message) = state
        .read(move |connection| Ok(service::find_touch(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(touch_view(touch, message)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OverdueParams {
    /// The day judged, `YYYY-MM-DD`.
    pub as_of: IsoDate,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueCustomer {
    pub customer_id: String,
    pub full_name: String,
    /// The responsible salesperson (user id), if any.
    pub owner_id: Option<String>,
    /// The latest sent touch; empty when the customer was never touched.
    pub last_touched_at: Option<Instant>,
    /// Days since the latest touch (or since the customer was created), 15 or more.
    pub days_since_last_touch: i64,
}

/// CARE-2: customers not touched for 15 days or more on `as_of` (a customer never touched
/// counts from the day it was created), in customer id order.
#[utoipa::path(
    tag = "care",
    params(OverdueParams),
    responses((status = 200, body = Page<OverdueCustomer>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/overdue")]
async fn overdue_customers(
    state: web::Data<AppState>,
    _caller: Authorized<CustomerEditors>,
    Query(params): Query<OverdueParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after_id = page.after_id();
    let limit = page.limit();
    let as_of = params.as_of.0;
    let policy = state.touch_policy.clone();
    let rows = state
        .read(move |connection| {
            Ok(service::overdue_customers(
                connection,
                &policy,
                as_of,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page =
        Page::from_rows(rows, limit, |row: &Overdue| &row.customer.id).map(|row| OverdueCustomer {
            days_since_last_touch: row.days_since_last_touch,
            customer_id: row.customer.id,
            full_name: row.customer.full_name,
            owner_id: row.customer.owner_id,
            last_touched_at: row.customer.last_touched_at.map(Instant::from_utc),
        });
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxListParams {
    pub status: Option<OutboxStatus>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// The outbox in the order messages were queued (admin): nothing is ever deleted.
#[utoipa::path(
    tag = "care",
    params(OutboxListParams),
    responses((status = 200, body = Page<OutboxView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_outbox(
    state: web::Data<AppState>,
    _caller: Authorized<Admins>,
    Query(params): Query<OutboxListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after_id = page.after_id();
    let limit = page.limit();
    let rows = state
        .read(move |connection| {
            Ok(service::outbox(
                connection,
                params.status,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(rows, limit, |m: &OutboxMessage| &m.id).try_map(outbox_view)?;
    Ok(HttpResponse::Ok().json(page))
}

/// Send a `failed` message again (admin): it is due at once, with a fresh round of attempts;
/// its last error stays until the next attempt.
#[utoipa::path(
    tag = "care",
    params(("id" = String, Path, description = "Outbox message id")),
    request_body = VersionOnly,
    responses((status = 200, body = OutboxView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/retry")]
async fn retry_message(
    state: web::Data<AppState>,
    caller: Authorized<Admins>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let message = state
        .write(move |connection| {
            Ok(service::retry_message(
                connection,
                &caller.actor,
                &id,
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(outbox_view(message)?))
}
