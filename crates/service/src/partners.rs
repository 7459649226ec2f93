//! SET-1: partners (insurers, carriers, franchisees) and the credentials they call the API
//! with; a partner token sees its own partner only (`access::partners`).

use zhidu_domain::settlement::{PartnerType, contract_split_refusal};
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::partners;
use zhidu_store::{StoreResult, new_id, read_stored};

use crate::access::Identity;
use crate::access::partners::partner_scope;
use crate::error::{ServiceError, ServiceResult};

pub use zhidu_store::partners::{Credential, Partner};

/// The partner's type as stored.
pub fn partner_type(partner: &Partner) -> StoreResult<PartnerType> {
    read_stored(&partner.partner_type)
}

/// A partner as it is registered.
#[derive(Debug, Clone)]
pub struct NewPartner {
    pub partner_type: PartnerType,
    pub name: String,
    pub region: String,
    /// SET-6: a franchisee's (company, franchisee) parts, outside the fixed-split regions.
    pub contract_split: Option<(u32, u32)>,
}

/// Registers a partner; a contract split is refused unless SET-6 admits it.
pub fn create_partner(
    connection: &mut DbConnection,
    actor: &Actor,
    request: &NewPartner,
) -> ServiceResult<Partner> {
    if let Some(refusal) = request
        .contract_split
        .and_then(|split| contract_split_refusal(request.partner_type, split))
    {
        return Err(ServiceError::field_refused("contract_split", refusal));
    }
    let now = actor.at.stored();
    let part = |part: u32| i32::try_from(part).unwrap_or(i32::MAX);
    let partner = Partner {
        id: new_id(),
        partner_type: request.partner_type.as_str().to_owned(),
        name: request.name.trim().to_owned(),
        region: request.region.trim().to_owned(),
        split_company_part: request.contract_split.map(|s| part(s.0)),
        split_franchisee_part: request.contract_split.map(|s| part(s.1)),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    partners::insert_partner(connection, actor, &partner)?;
    Ok(partner)
}

/// SET-1: partners in registration order, of `kind` if given, after `after`: a partner token
/// lists itself only; staff list every partner.
pub fn list_partners(
    connection: &mut DbConnection,
    caller: &impl Identity,
    kind: Option<PartnerType>,
    after: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<Partner>> {
    let kind = kind.map(PartnerType::as_str);
    if let Some(own) = partner_scope(connection, caller)? {
        let own = partners::find_partner(connection, &own)?;
        return Ok(own
            .into_iter()
            .filter(|p| kind.is_none_or(|k| p.partner_type == k))
            .filter(|p| after.is_none_or(|a| p.id.as_str() > a))
            .collect());
    }
    Ok(partners::list_partners(connection, kind, after, limit)?)
}

/// The credential `client_id` signs in with, and its partner, if both exist.
pub fn signing_in(
    connection: &mut DbConnection,
    client_id: &str,
) -> ServiceResult<Option<(Credential, Partner)>> {
    let Some(credential) = partners::find_credential(connection, client_id)? else {
        return Ok(None);
    };
    let partner = partners::find_partner(connection, &credential.partner_id)?;
    Ok(partner.map(|p| (credential, p)))
}

fn existing_partner(connection: &mut DbConnection, id: &str) -> ServiceResult<Partner> {
    partners::find_partner(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no partner {id}")))
}

/// Keeps a new credential for partner `partner_id`. The secret is hashed by the caller, before
/// the transaction: the hash is slow on purpose and must not hold a connection.
pub fn issue_credential(
    connection: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    client_id: String,
    secret_hash: String,
) -> ServiceResult<Credential> {
    let partner = existing_partner(connection, partner_id)?;
    let credential = Credential {
        client_id,
        partner_id: partner.id,
        secret_hash,
        created_at: actor.at.stored(),
        revoked_at: None,
    };
    partners::insert_credential(connection, actor, &credential)?;
    Ok(credential)
}

/// Partner `partner_id`'s credentials, live and revoked.
pub fn credentials_of(
    connection: &mut DbConnection,
    partner_id: &str,
) -> ServiceResult<Vec<Credential>> {
    existing_partner(connection, partner_id)?;
    Ok(partners::credentials_of(connection, partner_id)?)
}

/// Revokes partner `partner_id`'s credential `client_id`: tokens issued for it stop working.
pub fn revoke_credential(
    connection: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    client_id: &str,
) -> ServiceResult<Credential> {
    let credential = partners::find_credential(connection, client_id)?
        .filter(|c| c.partner_id == partner_id)
        .ok_or_else(|| ServiceError::not_found(format!("no credential {client_id}")))?;
    Ok(partners::revoke_credential(
        connection,
        actor,
        &credential,
        actor.at.stored(),
    )?)
}
