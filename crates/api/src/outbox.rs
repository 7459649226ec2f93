//! CARE-2 delivery: the pluggable `Sender` and the dispatcher that drains the outbox. A
//! message leaves the outbox only as `sent`; a refusal keeps it with its error and the time of
//! the next attempt (exponential backoff), and after the last attempt it stays as `failed`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use actix_web::web;
use zhidu_domain::touch::{AfterFailure, RetryPolicy, after_failure};
use zhidu_store::StoreError;
use zhidu_store::audit::Actor;
use zhidu_store::clock::Moment;
use zhidu_store::touches::{self, OutboxMessage};

use crate::error::ApiError;
use crate::state::AppState;

/// Delivers one message, or says why it could not.
pub trait Sender: Send + Sync {
    fn send(&self, message: &OutboxMessage) -> Result<(), String>;
}

/// The default: writes the message to the log, as if handed to a gateway.
#[derive(Debug, Default)]
pub struct LogSender;

impl Sender for LogSender {
    fn send(&self, message: &OutboxMessage) -> Result<(), String> {
        tracing::info!(
            outbox_id = %message.id,
            channel = %message.channel,
            recipient = %message.recipient,
            subject = message.subject.as_deref().unwrap_or(""),
            "outbox message sent (log sender)"
        );
        Ok(())
    }
}

/// For drills and tests: refuses the first `failures` messages, then logs like [`LogSender`].
#[derive(Debug)]
pub struct FailingSender {
    remaining: AtomicU32,
}

impl Sender for FailingSender {
    fn send(&self, message: &OutboxMessage) -> Result<(), String> {
        let failed = self
            .remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failed {
            return Err("the gateway refused the message (ZHIDU_OUTBOX_SENDER=fail)".into());
        }
        LogSender.send(message)
    }
}

/// Which sender `ZHIDU_OUTBOX_SENDER` names: `log`, or `fail:N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderKind {
    Log,
    FailFirst(u32),
}

impl SenderKind {
    pub fn parse(text: &str) -> Result<SenderKind, String> {
        match text.split_once(':') {
            None if text == "log" => Ok(SenderKind::Log),
            Some(("fail", count)) => count
                .parse()
                .map(SenderKind::FailFirst)
                .map_err(|_| format!("fail:N needs a whole number, got {count:?}")),
            _ => Err(format!("expected log or fail:N, got {text:?}")),
        }
    }

    pub fn build(self) -> Arc<dyn Sender> {
        match self {
            SenderKind::Log => Arc::new(LogSender),
            SenderKind::FailFirst(failures) => Arc::new(FailingSender {
                remaining: AtomicU32::new(failures),
            }),
        }
    }
}

/// Messages claimed per transaction.
const CLAIM_BATCH: i64 = 100;

fn later(now: time::PrimitiveDateTime, wait: Duration) -> time::PrimitiveDateTime {
    now + time::Duration::try_from(wait).unwrap_or(time::Duration::DAY)
}

/// The state a message reaches after one attempt.
fn after_attempt(
    claimed: &OutboxMessage,
    outcome: Result<(), String>,
    policy: &RetryPolicy,
    at: Moment,
) -> OutboxMessage {
    let now = at.stored();
    let attempts = u32::try_from(claimed.attempts).unwrap_or(u32::MAX);
    let mut after = OutboxMessage {
        version: claimed.version + 1,
        updated_at: now,
        ..claimed.clone()
    };
    match outcome {
        Ok(()) => {
            after.status = "sent".into();
            after.sent_at = Some(now);
        }
        Err(error) => {
            after.last_error = Some(error);
            match after_failure(attempts, policy) {
                AfterFailure::RetryAfter(wait) => after.next_attempt_at = later(now, wait),
                AfterFailure::GiveUp => after.status = "failed".into(),
            }
        }
    }
    after
}

/// Claims the due messages, hands each to `sender`, and records the outcome; returns how many
/// were attempted. Safe beside other replicas doing the same.
pub async fn dispatch_due(
    state: &AppState,
    sender: &Arc<dyn Sender>,
    policy: &RetryPolicy,
) -> Result<usize, ApiError> {
    let lease = policy.claim_lease;
    let now = state.now().stored();
    let claimed = state
        .write(move |connection| {
            Ok(touches::claim_due(
                connection,
                now,
                later(now, lease),
                CLAIM_BATCH,
            )?)
        })
        .await?;
    let attempted = claimed.len();
    for message in claimed {
        let sending = sender.clone();
        let (message, outcome) = web::block(move || {
            let outcome = sending.send(&message);
            (message, outcome)
        })
        .await
        .map_err(ApiError::internal)?;
        let at = state.now();
        let after = after_attempt(&message, outcome, policy, at);
        let action = match after.status.as_str() {
            "sent" => "outbox.sent",
            "failed" => "outbox.failed",
            _ => "outbox.retry_scheduled",
        };
        let saved = state
            .write(move |connection| {
                match touches::save_message(
                    connection,
                    &Actor::system(at),
                    action,
                    &message,
                    &after,
                ) {
                    // Its claim lapsed and another dispatcher took it: that one records it.
                    Err(StoreError::StaleVersion) => Ok(false),
                    saved => Ok(saved.map(|()| true)?),
                }
            })
            .await?;
        if !saved {
            tracing::warn!("outbox message claimed again before its outcome was saved");
        }
    }
    Ok(attempted)
}

/// The dispatcher in the background: every replica runs one; they share the outbox through
/// row locks (PostgreSQL) or the write lock (SQLite).
pub fn spawn_dispatcher(
    state: web::Data<AppState>,
    sender: Arc<dyn Sender>,
    policy: RetryPolicy,
    every: Duration,
) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(every);
        loop {
            ticker.tick().await;
            if let Err(error) = dispatch_due(&state, &sender, &policy).await {
                tracing::warn!(%error, "outbox dispatch failed; it will run again");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhidu_store::testing::test_moment;

    fn claimed(attempts: i32) -> OutboxMessage {
        let now = test_moment().stored();
        OutboxMessage {
            id: "m1".into(),
            channel: "sms".into(),
            recipient: "13800000000".into(),
            subject: None,
            body: "hello".into(),
            status: "pending".into(),
            attempts,
            last_error: None,
            next_attempt_at: now,
            sent_at: None,
            version: 2,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn care_2_a_refused_message_is_kept_with_its_error_until_the_last_attempt() {
        let policy = RetryPolicy::default();
        let sender = SenderKind::FailFirst(1).build();
        let first = claimed(1);
        let at = test_moment();
        let retried = after_attempt(&first, sender.send(&first), &policy, at);
        assert_eq!(retried.status, "pending");
        assert!(retried.last_error.is_some());
        assert_eq!(
            retried.next_attempt_at,
            at.stored() + time::Duration::seconds(30)
        );
        let sent = after_attempt(&retried, sender.send(&retried), &policy, at);
        assert_eq!(
            (sent.status.as_str(), sent.sent_at.is_some()),
            ("sent", true)
        );
        let last = claimed(8);
        let failed = after_attempt(&last, Err("down".into()), &policy, at);
        assert_eq!(
            (failed.status.as_str(), failed.last_error.as_deref()),
            ("failed", Some("down"))
        );
    }

    #[test]
    fn the_sender_is_named_by_its_setting() {
        assert_eq!(SenderKind::parse("log"), Ok(SenderKind::Log));
        assert_eq!(SenderKind::parse("fail:3"), Ok(SenderKind::FailFirst(3)));
        assert!(SenderKind::parse("fail:x").is_err());
        assert!(SenderKind::parse("smtp").is_err());
    }
}
