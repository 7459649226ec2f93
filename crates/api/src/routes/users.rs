//! Staff accounts: created by an admin with their roles.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::{Validate, ValidationError};
use zhidu_store::clock::Moment;
use zhidu_store::new_id;
use zhidu_store::users::{self, User};

use crate::auth::{self, Admins, Authorized, Role, Staff, roles_from_text, roles_to_text};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, NotFound, Unavailable};
use crate::extract::Json;
use crate::state::AppState;
use crate::wire::Instant;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_user)
        .service(current_user)
        .service(get_user);
}

const MIN_PASSWORD_CHARS: usize = 12;

pub fn check_password_strength(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"));
    }
    if password.chars().count() > 256 {
        return Err("must be at most 256 characters".into());
    }
    Ok(())
}

fn validate_password(password: &str) -> Result<(), ValidationError> {
    check_password_strength(password)
        .map_err(|message| ValidationError::new("password").with_message(message.into()))
}

fn validate_username(username: &str) -> Result<(), ValidationError> {
    let ok = (3..=64).contains(&username.len())
        && username.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("username")
            .with_message("must be 3–64 characters of a–z, 0–9, '.', '_' or '-'".into()))
    }
}

fn validate_staff_roles(roles: &[Role]) -> Result<(), ValidationError> {
    if roles.is_empty() {
        return Err(ValidationError::new("roles").with_message("give at least one role".into()));
    }
    if roles.contains(&Role::Partner) {
        return Err(ValidationError::new("roles")
            .with_message("partner is not a staff role; partners get credentials instead".into()));
    }
    Ok(())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[validate(custom(function = "validate_username"))]
    #[schema(example = "li.na", pattern = "^[a-z0-9._-]{3,64}$")]
    pub username: String,
    #[validate(length(min = 1, max = 100, message = "must be 1–100 characters"))]
    #[schema(example = "李娜", min_length = 1, max_length = 100)]
    pub display_name: String,
    #[validate(custom(function = "validate_password"))]
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
    #[validate(custom(function = "validate_staff_roles"))]
    #[schema(min_items = 1)]
    pub roles: Vec<Role>,
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

/// Builds a new active account row created at `at`; the caller stores it.
pub fn new_user(
    username: &str,
    display_name: &str,
    password_hash: String,
    roles: &[Role],
    at: Moment,
) -> User {
    let now = at.stored();
    User {
        id: new_id(),
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        password_hash,
        roles: roles_to_text(roles),
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
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
    let password = request.password.clone();
    let hash = web::block(move || auth::hash_password(&password))
        .await
        .map_err(ApiError::internal)??;
    let user = new_user(
        &request.username,
        &request.display_name,
        hash,
        &request.roles,
        caller.actor.at,
    );
    let actor = caller.actor;
    let created = state
        .write(move |connection| {
            users::insert(connection, &actor, &user)?;
            Ok(user)
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
        .read(move |connection| Ok(users::find(connection, &id)?))
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
        .read(move |connection| match users::find(connection, &id) {
            Err(zhidu_store::StoreError::NotFound) => {
                Err(ApiError::not_found(format!("no user {id}")))
            }
            other => Ok(other?),
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}
