//! `Idempotency-Key`: a partner may retry a write safely. The first response to a key is kept
//! and replayed for the same request; the same key with another request is refused (422); a
//! write that requires a key refuses a request without one (400).

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use sha2::{Digest, Sha256};
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::statements::{self, StoredResponse};

use crate::error::ApiError;
use crate::state::AppState;

pub const HEADER: &str = "Idempotency-Key";
const MAX_KEY_LENGTH: usize = 200;

/// The request's key, or 400 when it is missing or unusable.
pub fn required_key(request: &HttpRequest) -> Result<String, ApiError> {
    let key = request
        .headers()
        .get(HEADER)
        .ok_or_else(|| {
            ApiError::malformed(format!(
                "this request needs an {HEADER} header (any unique string up to {MAX_KEY_LENGTH} characters) so that it can be retried safely"
            ))
        })?
        .to_str()
        .map_err(|_| ApiError::malformed(format!("the {HEADER} header must be visible ASCII")))?
        .trim()
        .to_owned();
    if key.is_empty() || key.len() > MAX_KEY_LENGTH {
        return Err(ApiError::malformed(format!(
            "the {HEADER} header must be 1–{MAX_KEY_LENGTH} characters"
        )));
    }
    Ok(key)
}

/// SHA-256 of the request body, hex: the fingerprint a replay must match.
pub fn fingerprint(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A response as first given.
pub struct Outcome {
    pub status: StatusCode,
    pub body: String,
    pub replayed: bool,
}

impl Outcome {
    pub fn into_response(self) -> HttpResponse {
        HttpResponse::build(self.status)
            .content_type("application/json")
            .insert_header((
                "Idempotent-Replayed",
                if self.replayed { "true" } else { "false" },
            ))
            .body(self.body)
    }
}

/// Runs `work` once per (`scope`, `key`) in one write transaction with the storing of its
/// response, dated `at` (the request's moment). A key seen before replays its response (or is refused for another request); two
/// first uses at once resolve to one doing the work and the other replaying it.
pub async fn once<F>(
    state: &AppState,
    at: Moment,
    scope: String,
    key: String,
    fingerprint: String,
    work: F,
) -> Result<Outcome, ApiError>
where
    F: Fn(&mut DbConnection) -> Result<(StatusCode, String), ApiError> + Send + Sync + 'static,
{
    let work = std::sync::Arc::new(work);
    let attempt = || {
        let (scope, key, fingerprint, work) = (
            scope.clone(),
            key.clone(),
            fingerprint.clone(),
            work.clone(),
        );
        state.write(move |connection| {
            if let Some(stored) = statements::find_stored_response(connection, &scope, &key)? {
                return replay(stored, &fingerprint);
            }
            let (status, body) = work(connection)?;
            statements::store_response(
                connection,
                &StoredResponse {
                    scope,
                    idempotency_key: key,
                    request_hash: fingerprint,
                    status_code: i32::from(status.as_u16()),
                    response_body: body.clone(),
                    created_at: at.stored(),
                },
            )?;
            Ok(Outcome {
                status,
                body,
                replayed: false,
            })
        })
    };
    match attempt().await {
        // A concurrent first use of the key won; its response is there now.
        Err(error) if error.is_conflict() => attempt().await,
        result => result,
    }
}

fn replay(stored: StoredResponse, fingerprint: &str) -> Result<Outcome, ApiError> {
    if stored.request_hash != fingerprint {
        return Err(ApiError::field_refused(
            HEADER,
            "this key was already used with a different request; use a new key for a new request",
        ));
    }
    Ok(Outcome {
        status: StatusCode::from_u16(u16::try_from(stored.status_code).unwrap_or(200))
            .unwrap_or(StatusCode::OK),
        body: stored.response_body,
        replayed: true,
    })
}
