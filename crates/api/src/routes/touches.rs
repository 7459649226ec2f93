//! CARE-2: SMS/email touches, the customers overdue for one, and the outbox that sends them.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::touch::OutboxStatus;
use zhidu_domain::touch::touch_overdue_days;
use zhidu_store::touches::{self, OutboxMessage, Touch, UntouchedCustomer};
use zhidu_store::{new_id, read_stored};

use crate::auth::{Admins, Authorized, CustomerEditors};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::Text;
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, local_midnight_utc, stored_utc};
use zhidu_service::customers::existing_customer;

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

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
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

fn channel_of(text: &str) -> Channel {
    if text == "email" {
        Channel::Email
    } else {
        Channel::Sms
    }
}

fn outbox_view(message: OutboxMessage) -> OutboxView {
    OutboxView {
        channel: channel_of(&message.channel),
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
    }
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

fn touch_view(touch: Touch, message: Option<OutboxMessage>) -> TouchView {
    TouchView {
        channel: channel_of(&touch.channel),
        id: touch.id,
        customer_id: touch.customer_id,
        template: touch.template,
        recipient: touch.recipient,
        subject: touch.subject,
        body: touch.body,
        sent_at: touch.sent_at.map(Instant::from_utc),
        outbox: message.map(outbox_view),
        recorded_by: touch.recorded_by,
        created_at: Instant::from_utc(touch.created_at),
    }
}

/// Checks what the channel needs: an email has a subject and an address, an SMS neither a
/// subject nor anything but a phone number.
fn addressed(request: &NewTouch, customer_phone: &str) -> Result<String, ApiError> {
    match request.channel {
        Channel::Email => {
            if request.subject.is_none() {
                return Err(ApiError::field_refused(
                    "subject",
                    "an email needs a subject",
                ));
            }
            match request.recipient.as_deref().map(str::trim) {
                Some(address) if address.contains('@') => Ok(address.to_owned()),
                Some(_) => Err(ApiError::field_refused(
                    "recipient",
                    "must be an email address",
                )),
                None => Err(ApiError::field_refused(
                    "recipient",
                    "an email needs the customer's address",
                )),
            }
        }
        Channel::Sms => {
            if request.subject.is_some() {
                return Err(ApiError::field_refused("subject", "an SMS has no subject"));
            }
            let phone = request
                .recipient
                .as_deref()
                .unwrap_or(customer_phone)
                .trim();
            if phone.is_empty() {
                return Err(ApiError::field_refused(
                    "recipient",
                    "the customer has no phone on file; give the number",
                ));
            }
            if !phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
            {
                return Err(ApiError::field_refused(
                    "recipient",
                    "must be a phone number",
                ));
            }
            Ok(phone.to_owned())
        }
    }
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
    if request
        .sent_at
        .is_some_and(|sent_at| sent_at.0 > caller.actor.at.instant())
    {
        return Err(ApiError::field_refused(
            "sent_at",
            "must not be in the future",
        ));
    }
    let (touch, message) = state
        .write(move |connection| {
            let customer = existing_customer(connection, "customer_id", &request.customer_id)?;
            let recipient = addressed(&request, &customer.phone)?;
            let now = caller.actor.at.stored();
            let message = request.sent_at.is_none().then(|| OutboxMessage {
                id: new_id(),
                channel: request.channel.as_str().into(),
                recipient: recipient.clone(),
                subject: request.subject.clone().map(String::from),
                body: request.body.as_str().to_owned(),
                status: "pending".into(),
                attempts: 0,
                last_error: None,
                next_attempt_at: now,
                sent_at: None,
                version: 1,
                created_at: now,
                updated_at: now,
            });
            let touch = Touch {
                id: new_id(),
                customer_id: customer.id,
                channel: request.channel.as_str().into(),
                template: request.template.trim().to_owned(),
                recipient,
                subject: request.subject.map(String::from),
                body: request.body.into_string(),
                sent_at: request.sent_at.map(|at| stored_utc(at.0)),
                outbox_id: message.as_ref().map(|m| m.id.clone()),
                recorded_by: caller.claims.sub.clone(),
                created_at: now,
            };
            touches::insert_touch(connection, &caller.actor, &touch, message.as_ref())?;
            Ok((touch, message))
        })
        .await?;
    Ok(HttpResponse::Created().json(touch_view(touch, message)))
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
    let view = state
        .read(move |connection| {
            let touch = touches::find_touch(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no touch {id}")))?;
            let message = touches::message_of(connection, &touch)?;
            Ok(touch_view(touch, message))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
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
    let last_overdue_day = policy.overdue_if_last_touched_on_or_before(as_of);
    let before = local_midnight_utc(last_overdue_day.next_day().unwrap_or(last_overdue_day));
    let rows = state
        .read(move |connection| {
            Ok(touches::untouched_since(
                connection,
                before,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(rows, limit, |row: &UntouchedCustomer| &row.id).map(|row| {
        let since = row.last_touched_at.unwrap_or(row.created_at);
        let since_day = since.assume_utc().to_offset(SHANGHAI).date();
        OverdueCustomer {
            days_since_last_touch: touch_overdue_days(since_day, as_of, &policy)
                .unwrap_or(policy.max_days_between_touches),
            customer_id: row.id,
            full_name: row.full_name,
            owner_id: row.owner_id,
            last_touched_at: row.last_touched_at.map(Instant::from_utc),
        }
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
            Ok(touches::list_messages(
                connection,
                params.status.map(OutboxStatus::as_str),
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(rows, limit, |m: &OutboxMessage| &m.id).map(outbox_view);
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
            let before = touches::find_message(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no outbox message {id}")))?;
            if before.version != request.version {
                return Err(ApiError::stale(format!(
                    "message {id} is at version {}, not {}",
                    before.version, request.version
                )));
            }
            if read_stored::<OutboxStatus>(&before.status)? != OutboxStatus::Failed {
                return Err(ApiError::conflict(format!(
                    "message {id} is {}; only a failed message is retried by hand",
                    before.status
                )));
            }
            let now = caller.actor.at.stored();
            let after = OutboxMessage {
                status: "pending".into(),
                attempts: 0,
                next_attempt_at: now,
                version: before.version + 1,
                updated_at: now,
                ..before.clone()
            };
            touches::save_message(connection, &caller.actor, "outbox.retry", &before, &after)?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(outbox_view(message)))
}
