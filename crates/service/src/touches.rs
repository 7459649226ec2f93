//! CARE-2: SMS/email touches, the customers overdue for one, and the outbox that sends them.

use time::{Date, OffsetDateTime, PrimitiveDateTime};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::touch::{Channel, OutboxStatus, TouchPolicy, touch_overdue_days};
use zhidu_store::audit::Actor;
use zhidu_store::clock::{local_midnight_utc, stored_utc};
use zhidu_store::db::DbConnection;
use zhidu_store::touches::{self as store, UntouchedCustomer};
use zhidu_store::{StoreResult, new_id, read_stored};

use crate::access::Identity;
use crate::customers::existing_customer;
use crate::error::{ServiceError, ServiceResult};

pub use zhidu_store::StoreError;
pub use zhidu_store::touches::{OutboxMessage, Touch};

/// A stored channel no variant names is corrupt, never an SMS by default.
pub fn channel_of(text: &str) -> StoreResult<Channel> {
    read_stored(text)
}

/// A touch to record or queue, as the caller gave it.
#[derive(Debug, Clone)]
pub struct NewTouch {
    pub customer_id: String,
    pub channel: Channel,
    /// What kind of touch: holiday greeting, notice, news, …
    pub template: String,
    /// Required for an email, not allowed for an SMS.
    pub subject: Option<String>,
    pub body: String,
    /// The phone number or email address; an SMS defaults to the customer's phone.
    pub recipient: Option<String>,
    /// When the touch was already sent elsewhere: it is only recorded. Without it the message
    /// is queued in the outbox and counts as a touch once sent.
    pub sent_at: Option<OffsetDateTime>,
}

/// CARE-2: records a touch already sent (not in the future), or queues one: its message goes
/// into the outbox in the caller's transaction, and the touch counts once it is sent.
pub fn record_touch(
    connection: &mut DbConnection,
    caller: &impl Identity,
    request: NewTouch,
) -> ServiceResult<(Touch, Option<OutboxMessage>)> {
    if request
        .sent_at
        .is_some_and(|sent_at| sent_at > caller.actor().at.instant())
    {
        return Err(ServiceError::field_refused(
            "sent_at",
            "must not be in the future",
        ));
    }
    let customer = existing_customer(connection, "customer_id", &request.customer_id)?;
    let recipient = addressed(&request, &customer.phone)?;
    let now = caller.actor().at.stored();
    let message = request.sent_at.is_none().then(|| {
        pending_message(
            request.channel,
            &recipient,
            request.subject.clone(),
            &request.body,
            now,
        )
    });
    let touch = Touch {
        id: new_id(),
        customer_id: customer.id,
        channel: request.channel.as_str().into(),
        template: request.template.trim().to_owned(),
        recipient,
        subject: request.subject,
        body: request.body,
        sent_at: request.sent_at.map(stored_utc),
        outbox_id: message.as_ref().map(|m| m.id.clone()),
        recorded_by: caller.subject().to_owned(),
        created_at: now,
    };
    store::insert_touch(connection, caller.actor(), &touch, message.as_ref())?;
    Ok((touch, message))
}

/// Checks what the channel needs: an email has a subject and an address, an SMS neither a
/// subject nor anything but a phone number.
fn addressed(request: &NewTouch, customer_phone: &str) -> ServiceResult<String> {
    match request.channel {
        Channel::Email => {
            if request.subject.is_none() {
                return Err(ServiceError::field_refused(
                    "subject",
                    "an email needs a subject",
                ));
            }
            match request.recipient.as_deref().map(str::trim) {
                Some(address) if address.contains('@') => Ok(address.to_owned()),
                Some(_) => Err(ServiceError::field_refused(
                    "recipient",
                    "must be an email address",
                )),
                None => Err(ServiceError::field_refused(
                    "recipient",
                    "an email needs the customer's address",
                )),
            }
        }
        Channel::Sms => {
            if request.subject.is_some() {
                return Err(ServiceError::field_refused(
                    "subject",
                    "an SMS has no subject",
                ));
            }
            let phone = request
                .recipient
                .as_deref()
                .unwrap_or(customer_phone)
                .trim();
            if phone.is_empty() {
                return Err(ServiceError::field_refused(
                    "recipient",
                    "the customer has no phone on file; give the number",
                ));
            }
            if !phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
            {
                return Err(ServiceError::field_refused(
                    "recipient",
                    "must be a phone number",
                ));
            }
            Ok(phone.to_owned())
        }
    }
}

/// A message to `recipient` queued at `now`, due at once; the dispatcher sends it.
pub fn pending_message(
    channel: Channel,
    recipient: &str,
    subject: Option<String>,
    body: &str,
    now: PrimitiveDateTime,
) -> OutboxMessage {
    OutboxMessage {
        id: new_id(),
        channel: channel.as_str().into(),
        recipient: recipient.to_owned(),
        subject,
        body: body.to_owned(),
        status: OutboxStatus::Pending.as_str().into(),
        attempts: 0,
        last_error: None,
        next_attempt_at: now,
        sent_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// The touch at `id` with its outbox message (none when it was recorded as already sent).
pub fn find_touch(
    connection: &mut DbConnection,
    id: &str,
) -> ServiceResult<(Touch, Option<OutboxMessage>)> {
    let touch = store::find_touch(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no touch {id}")))?;
    let message = store::message_of(connection, &touch)?;
    Ok((touch, message))
}

/// A customer overdue for a touch.
#[derive(Debug, Clone)]
pub struct Overdue {
    pub customer: UntouchedCustomer,
    /// Days since the latest touch (or since the customer was created).
    pub days_since_last_touch: i64,
}

/// CARE-2: customers not touched for `policy`'s days or more on `as_of` (a customer never
/// touched counts from the day it was created), in id order after `after_id`; `limit + 1` at
/// most, for the page to tell whether more follow.
pub fn overdue_customers(
    connection: &mut DbConnection,
    policy: &TouchPolicy,
    as_of: Date,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<Overdue>> {
    let last_overdue_day = policy.overdue_if_last_touched_on_or_before(as_of);
    let before = local_midnight_utc(last_overdue_day.next_day().unwrap_or(last_overdue_day));
    let rows = store::untouched_since(connection, before, after_id, limit)?;
    Ok(rows
        .into_iter()
        .map(|customer| {
            let since = customer.last_touched_at.unwrap_or(customer.created_at);
            let since_day = since.assume_utc().to_offset(SHANGHAI).date();
            Overdue {
                days_since_last_touch: touch_overdue_days(since_day, as_of, policy)
                    .unwrap_or(policy.max_days_between_touches),
                customer,
            }
        })
        .collect())
}

/// The outbox in the order messages were queued, with `status` if given, after `after_id`;
/// `limit + 1` at most. Nothing is ever deleted.
pub fn outbox(
    connection: &mut DbConnection,
    status: Option<OutboxStatus>,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<OutboxMessage>> {
    Ok(store::list_messages(
        connection,
        status.map(OutboxStatus::as_str),
        after_id,
        limit,
    )?)
}

/// Queues the failed message `id` (read at `version`) again: due at once, with a fresh round
/// of attempts; its last error stays until the next attempt.
pub fn retry_message(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
) -> ServiceResult<OutboxMessage> {
    let before = store::find_message(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no outbox message {id}")))?;
    if before.version != version {
        return Err(ServiceError::Stale(format!(
            "message {id} is at version {}, not {version}",
            before.version
        )));
    }
    if read_stored::<OutboxStatus>(&before.status)? != OutboxStatus::Failed {
        return Err(ServiceError::conflict(format!(
            "message {id} is {}; only a failed message is retried by hand",
            before.status
        )));
    }
    let now = actor.at.stored();
    let after = OutboxMessage {
        status: OutboxStatus::Pending.as_str().into(),
        attempts: 0,
        next_attempt_at: now,
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    store::save_message(connection, actor, "outbox.retry", &before, &after)?;
    Ok(after)
}
