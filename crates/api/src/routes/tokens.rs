//! `POST /auth/token`: staff sign in with username and password.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_store::users;

use crate::auth::{self, roles_from_text};
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
    let TokenRequest::Password { username, password } = request;
    let user = state
        .read(move |connection| Ok(users::find_by_username(connection, &username)?))
        .await?;
    // Verified off the connection: argon2 is slow on purpose and must not hold the pool.
    let decoy = state.decoy_hash.clone();
    let user = web::block(move || {
        let hash = user
            .as_ref()
            .map_or(decoy.as_str(), |u| u.password_hash.as_str());
        let verified = auth::verify_password(&password, hash);
        user.filter(|u| verified && u.active)
    })
    .await
    .map_err(ApiError::internal)?
    .ok_or_else(|| ApiError::unauthorized("wrong username or password"))?;
    let token = state
        .tokens
        .issue(&user.id, &user.username, roles_from_text(&user.roles), None)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.tokens.ttl_seconds,
    }))
}
