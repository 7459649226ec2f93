//! SET-1: a partner's token sees its own partner only; another partner's resource is not
//! found, so ids cannot be probed.

use zhidu_domain::role::Role;
use zhidu_store::db::DbConnection;
use zhidu_store::partners::{self, Partner};
use zhidu_store::statements::{self, Statement};

use super::Identity;
use crate::error::{ServiceError, ServiceResult};

/// The partner a partner token may see, after checking its credential is still live; `None`
/// for staff, who see every partner.
pub fn partner_scope(
    connection: &mut DbConnection,
    caller: &impl Identity,
) -> ServiceResult<Option<String>> {
    if !caller.has_any(&[Role::Partner]) {
        return Ok(None);
    }
    let credential = partners::find_credential(connection, caller.subject())?
        .filter(|c| c.revoked_at.is_none())
        .ok_or_else(|| {
            ServiceError::Unauthorized("this partner credential has been revoked".into())
        })?;
    Ok(Some(credential.partner_id))
}

/// SET-1: the partner a listing is about: a partner token's own, whatever it asks for; for
/// staff, the partner asked for (`None`: every partner).
pub fn listing_partner(
    connection: &mut DbConnection,
    caller: &impl Identity,
    asked: Option<String>,
) -> ServiceResult<Option<String>> {
    Ok(partner_scope(connection, caller)?.or(asked))
}

/// A row that belongs to one partner.
pub trait PartnerOwned {
    fn partner_id(&self) -> &str;
}

/// SET-1: the rows among `rows` that belong to partner `partner_id`, none of another's.
pub fn rows_of<'a, R: PartnerOwned>(
    rows: &'a [R],
    partner_id: &'a str,
) -> impl Iterator<Item = &'a R> + 'a {
    rows.iter()
        .filter(move |row| row.partner_id() == partner_id)
}

/// SET-1: partner `id` if the caller may see it (staff, or the partner itself); otherwise not
/// found.
pub fn visible_partner(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Partner> {
    let not_found = || ServiceError::not_found(format!("no partner {id}"));
    if partner_scope(connection, caller)?.is_some_and(|own| own != id) {
        return Err(not_found());
    }
    partners::find_partner(connection, id)?.ok_or_else(not_found)
}

/// SET-1, SET-5: statement `id` if the caller may see it (staff, or the partner that posted
/// it); another partner's statement is not found, like an id that does not exist.
pub fn visible_statement(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Statement> {
    let not_found = || ServiceError::not_found(format!("no statement {id}"));
    let statement = statements::find_statement(connection, id)?.ok_or_else(not_found)?;
    match partner_scope(connection, caller)? {
        Some(own) if own != statement.partner_id => Err(not_found()),
        _ => Ok(statement),
    }
}
