//! `POST /auth/token`: staff sign in with username and password; partners (SET-1) with the
//! client credentials finance issued them.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_service::{partners, users};

use crate::auth::{self, Role, roles_from_text};
use crate::error::{ApiError, BodyErrors, Unavailable};
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(config: &mut ServiceConfig) {
    config.service(issue_token);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum TokenRequest {
    /// Staff: username and password.
    Password {
        #[schema(example = "admin")]
        username: String,
        #[schema(example = "change-me-please")]
        password: String,
    },
    /// Partners: the credential issued at `POST /partners/{id}/credentials`.
    ClientCredentials {
        #[schema(example = "partner-3q2ZxY0v1aBcDeFg")]
        client_id: String,
        client_secret: String,
    },
}

impl Validate for TokenRequest {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        Ok(())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    #[schema(example = 3600)]
    pub expires_in: i64,
}

/// Exchange credentials for a bearer token.
///
/// A wrong password and an unknown username get the same 401, in the same time.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong credentials", body = crate::error::Problem, content_type = "application/problem+json"),
        BodyErrors,
        Unavailable
    )
)]
#[post("/token")]
async fn issue_token(
    state: web::Data<AppState>,
    Json(request): Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = match request {
        TokenRequest::Password { username, password } => {
            staff_token(&state, username, password).await?
        }
        TokenRequest::ClientCredentials {
            client_id,
            client_secret,
        } => partner_token(&state, client_id, client_secret).await?,
    };
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.tokens.ttl_seconds,
    }))
}

/// Verifies `secret` against `hash` off the worker (argon2 is slow on purpose); an unknown
/// account is checked against a decoy hash so that it takes as long as a wrong secret.
async fn verified(
    state: &AppState,
    secret: String,
    hash: Option<String>,
) -> Result<bool, ApiError> {
    let decoy = state.decoy_hash.clone();
    web::block(move || {
        let known = hash.is_some();
        let verified = auth::verify_password(&secret, hash.as_deref().unwrap_or(&decoy));
        known && verified
    })
    .await
    .map_err(ApiError::internal)
}

async fn staff_token(
    state: &AppState,
    username: String,
    password: String,
) -> Result<String, ApiError> {
    let user = state
        .read(move |connection| Ok(users::signing_in(connection, &username)?))
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified = verified(state, password, hash).await?;
    let user = user
        .filter(|u| verified && u.active)
        .ok_or_else(|| ApiError::unauthorized("wrong username or password"))?;
    state
        .tokens
        .issue(&user.id, &user.username, roles_from_text(&user.roles), None)
}

async fn partner_token(
    state: &AppState,
    client_id: String,
    secret: String,
) -> Result<String, ApiError> {
    let found = state
        .read(move |connection| Ok(partners::signing_in(connection, &client_id)?))
        .await?;
    let hash = found.as_ref().map(|(c, _)| c.secret_hash.clone());
    let wrong = || ApiError::unauthorized("wrong client_id or client_secret");
    if !verified(state, secret, hash).await? {
        return Err(wrong());
    }
    let (credential, partner) = found.ok_or_else(wrong)?;
    if credential.revoked_at.is_some() {
        return Err(ApiError::unauthorized(
            "this partner credential has been revoked",
        ));
    }
    state.tokens.issue(
        &credential.client_id,
        &partner.name,
        vec![Role::Partner],
        Some(partner.id),
    )
}
