//! SET-1: partners and their API credentials.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::audit::{self, Actor};
use crate::db::DbConnection;
use crate::schema::{partner_credentials, partners};
use crate::{StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = partners)]
pub struct Partner {
    pub id: String,
    /// `insurer`, `carrier` or `franchisee`.
    pub partner_type: String,
    pub name: String,
    pub region: String,
    pub split_company_part: Option<i32>,
    pub split_franchisee_part: Option<i32>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = partner_credentials)]
pub struct Credential {
    pub client_id: String,
    pub partner_id: String,
    #[serde(skip)]
    pub secret_hash: String,
    pub created_at: PrimitiveDateTime,
    pub revoked_at: Option<PrimitiveDateTime>,
}

/// Creates the partner; a name already taken is a `Conflict`.
pub fn insert_partner(
    connection: &mut DbConnection,
    actor: &Actor,
    partner: &Partner,
) -> StoreResult<()> {
    let taken: i64 = partners::table
        .filter(partners::name.eq(&partner.name))
        .count()
        .get_result(connection)?;
    if taken > 0 {
        return Err(StoreError::Conflict(format!(
            "a partner named {} already exists",
            partner.name
        )));
    }
    diesel::insert_into(partners::table)
        .values(partner)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "partner.create",
        ("partner", &partner.id),
        None::<&()>,
        Some(partner),
    )
}

pub fn find_partner(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Partner>> {
    Ok(partners::table
        .find(id)
        .select(Partner::as_select())
        .first(connection)
        .optional()?)
}

/// Partners in id order after `after_id`, optionally of one type.
pub fn list_partners(
    connection: &mut DbConnection,
    partner_type: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Partner>> {
    let mut query = partners::table
        .select(Partner::as_select())
        .order(partners::id.asc())
        .limit(limit + 1)
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(kind) = partner_type {
        query = query.filter(partners::partner_type.eq(kind.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(partners::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

pub fn insert_credential(
    connection: &mut DbConnection,
    actor: &Actor,
    credential: &Credential,
) -> StoreResult<()> {
    diesel::insert_into(partner_credentials::table)
        .values(credential)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "partner.credential.issue",
        ("partner", &credential.partner_id),
        None::<&()>,
        Some(credential),
    )
}

pub fn find_credential(
    connection: &mut DbConnection,
    client_id: &str,
) -> StoreResult<Option<Credential>> {
    Ok(partner_credentials::table
        .find(client_id)
        .select(Credential::as_select())
        .first(connection)
        .optional()?)
}

pub fn credentials_of(
    connection: &mut DbConnection,
    partner_id: &str,
) -> StoreResult<Vec<Credential>> {
    Ok(partner_credentials::table
        .filter(partner_credentials::partner_id.eq(partner_id))
        .order(partner_credentials::created_at.asc())
        .select(Credential::as_select())
        .load(connection)?)
}

/// Revokes a live credential; one already revoked is a `Conflict`.
pub fn revoke_credential(
    connection: &mut DbConnection,
    actor: &Actor,
    credential: &Credential,
    at: PrimitiveDateTime,
) -> StoreResult<Credential> {
    let changed = diesel::update(
        partner_credentials::table
            .find(&credential.client_id)
            .filter(partner_credentials::revoked_at.is_null()),
    )
    .set(partner_credentials::revoked_at.eq(at))
    .execute(connection)?;
    if changed == 0 {
        return Err(StoreError::Conflict(
            "the credential is already revoked".into(),
        ));
    }
    let after = Credential {
        revoked_at: Some(at),
        ..credential.clone()
    };
    audit::record(
        connection,
        actor,
        "partner.credential.revoke",
        ("partner", &credential.partner_id),
        Some(credential),
        Some(&after),
    )?;
    Ok(after)
}
