//! Staff accounts: created by an admin (or at bootstrap) with their roles, found by id or by
//! the username they sign in with.

use zhidu_domain::role::Role;
use zhidu_store::audit::Actor;
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::{StoreError, new_id, users};

use crate::error::{ServiceError, ServiceResult};

pub use zhidu_store::users::User;

/// The fewest and the most characters a password may have, wherever it is given.
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password is refused, if it is: 12–256 characters, not all white space.
pub fn check_password_strength(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&length) {
        return Err(format!(
            "must be {MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} characters"
        ));
    }
    if password.trim().is_empty() {
        return Err("must not be blank".to_owned());
    }
    Ok(())
}

/// Roles as stored on an account: space-separated names.
pub fn roles_to_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Staff accounts hold staff roles only: partners get credentials instead.
pub fn staff_roles_only(roles: &[Role]) -> ServiceResult<()> {
    if roles.contains(&Role::Partner) {
        return Err(ServiceError::field_refused(
            "roles",
            "partner is not a staff role; partners get credentials instead",
        ));
    }
    Ok(())
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

/// Creates a staff account; the password is hashed by the caller, before the transaction
/// (the hash is slow on purpose and must not hold a connection). A taken username is a
/// conflict.
pub fn create_user(
    connection: &mut DbConnection,
    actor: &Actor,
    username: &str,
    display_name: &str,
    password_hash: String,
    roles: &[Role],
) -> ServiceResult<User> {
    staff_roles_only(roles)?;
    let user = new_user(username, display_name, password_hash, roles, actor.at);
    users::insert(connection, actor, &user)?;
    Ok(user)
}

/// The account behind a token's subject.
pub fn account(connection: &mut DbConnection, id: &str) -> ServiceResult<User> {
    Ok(users::find(connection, id)?)
}

/// Account `id`; not found names the id.
pub fn find_user(connection: &mut DbConnection, id: &str) -> ServiceResult<User> {
    users::find(connection, id).map_err(|e| match e {
        StoreError::NotFound => ServiceError::not_found(format!("no user {id}")),
        other => other.into(),
    })
}

/// The account signing in as `username`, if there is one.
pub fn signing_in(connection: &mut DbConnection, username: &str) -> ServiceResult<Option<User>> {
    Ok(users::find_by_username(connection, username)?)
}
