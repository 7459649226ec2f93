//! Staff accounts.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::audit::{self, Actor};
use crate::db::DbConnection;
use crate::schema::users;
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    /// Space-separated role names.
    pub roles: String,
    pub active: bool,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn find_by_username(
    connection: &mut DbConnection,
    username: &str,
) -> StoreResult<Option<User>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(connection)
        .optional()?)
}

pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<User> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(connection)?)
}

pub fn exists(connection: &mut DbConnection, id: &str) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(users::table.find(id))).get_result(connection)?)
}

pub fn count(connection: &mut DbConnection) -> StoreResult<i64> {
    Ok(users::table.count().get_result(connection)?)
}

/// Creates the account; a taken username is a `Conflict`.
pub fn insert(connection: &mut DbConnection, actor: &Actor, user: &User) -> StoreResult<()> {
    if find_by_username(connection, &user.username)?.is_some() {
        return Err(StoreError::Conflict(format!(
            "username {} already exists",
            user.username
        )));
    }
    diesel::insert_into(users::table)
        .values(user)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "user.create",
        ("user", &user.id),
        None::<&()>,
        Some(user),
    )
}

pub fn set_password(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    password_hash: &str,
) -> StoreResult<()> {
    let before = find(connection, id)?;
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::version.eq(before.version + 1),
            users::updated_at.eq(actor.at.stored()),
        ))
        .execute(connection)?;
    let after = find(connection, id)?;
    audit::record(
        connection,
        actor,
        "user.reset_password",
        ("user", id),
        Some(&before),
        Some(&after),
    )
}
