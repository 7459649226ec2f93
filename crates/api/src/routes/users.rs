//! Staff accounts: created by an admin with their roles.

use std::sync::LazyLock;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_service::users::{self as service, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, User};

use crate::auth::{self, Admins, Authorized, Role, Staff, roles_from_text};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, NotFound, Unavailable};
use crate::extract::Json;
use crate::input::{Items, Text};
use crate::state::AppState;
use crate::wire::{Instant, Shape};

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_user)
        .service(current_user)
        .service(get_user);
}

/// A password as an account accepts it, wherever it is given.
pub type Password = Text<MIN_PASSWORD_CHARS, MAX_PASSWORD_CHARS>;

/// A sign-in name: 3–64 of a–z, 0–9, `.`, `_` and `-`, checked and stated by one pattern.
#[derive(Debug, Clone)]
pub struct Username(String);

static USERNAME_SHAPE: LazyLock<Shape> =
    LazyLock::new(|| Shape::new("^[a-z0-9._-]{3,64}$".to_owned()));

impl<'de> Deserialize<'de> for Username {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if USERNAME_SHAPE.admits(&text) {
            Ok(Username(text))
        } else {
            Err(serde::de::Error::custom(
                "must be 3–64 characters of a–z, 0–9, '.', '_' or '-'",
            ))
        }
    }
}

impl utoipa::PartialSchema for Username {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        USERNAME_SHAPE.schema(None, "li.na")
    }
}

impl ToSchema for Username {}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: Username,
    #[schema(example = "李娜")]
    pub display_name: Text<1, 100>,
    pub password: Password,
    /// Staff roles; `partner` is refused, partners get credentials instead.
    pub roles: Items<Role, 1, 20>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub created_at: Instant,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        UserView {
            roles: roles_from_text(&user.roles),
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            active: user.active,
            created_at: Instant::from_utc(user.created_at),
        }
    }
}

/// Create a staff account (admin).
#[utoipa::path(
    tag = "users",
    request_body = CreateUser,
    responses((status = 201, body = UserView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_user(
    state: web::Data<AppState>,
    caller: Authorized<Admins>,
    Json(request): Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    service::staff_roles_only(&request.roles)?;
    let password = request.password.clone();
    let hash = web::block(move || auth::hash_password(&password))
        .await
        .map_err(ApiError::internal)??;
    let actor = caller.actor;
    let created = state
        .write(move |connection| {
            Ok(service::create_user(
                connection,
                &actor,
                &request.username.0,
                &request.display_name,
                hash,
                &request.roles,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(UserView::from(created)))
}

/// The account behind the token.
#[utoipa::path(
    tag = "users",
    responses((status = 200, body = UserView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/me")]
async fn current_user(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
) -> Result<HttpResponse, ApiError> {
    let id = caller.claims.sub.clone();
    let user = state
        .read(move |connection| Ok(service::account(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}

/// One account (admin).
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = UserView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_user(
    state: web::Data<AppState>,
    _caller: Authorized<Admins>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = state
        .read(move |connection| Ok(service::find_user(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}
