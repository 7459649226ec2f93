//! CARE-6: transferring a domain out of the company's management — approved only once the
//! company's proof document, the customer general manager's signature and customer service's
//! confirming phone call are all on record.

use time::OffsetDateTime;
use zhidu_domain::domain_transfer::{
    DomainTransferStatus, TransferEvidence, TransferRequirement, transfer_missing,
};
use zhidu_domain::role::Role;
use zhidu_store::clock::stored_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::domain_transfers as store;
use zhidu_store::{new_id, read_stored};

use crate::access::{Identity, roles};
use crate::customers::existing_customer;
use crate::error::{ServiceError, ServiceResult};

pub use zhidu_store::domain_transfers::DomainTransfer;

/// What approval still waits for.
pub fn missing_of(transfer: &DomainTransfer) -> Vec<TransferRequirement> {
    transfer_missing(TransferEvidence {
        proof_document: transfer.proof_document.is_some(),
        general_manager_signature: transfer.signature_document.is_some(),
        confirmation_call: transfer.call_at.is_some(),
    })
}

/// A new transfer of `domain_name` (kept lower-case) for the customer `customer_id` names.
pub fn request_transfer(
    connection: &mut DbConnection,
    caller: &impl Identity,
    customer_id: &str,
    domain_name: &str,
) -> ServiceResult<DomainTransfer> {
    let customer = existing_customer(connection, "customer_id", customer_id)?;
    let now = caller.actor().at.stored();
    let transfer = DomainTransfer {
        id: new_id(),
        customer_id: customer.id,
        domain_name: domain_name.trim().to_lowercase(),
        status: DomainTransferStatus::Requested.as_str().into(),
        proof_document: None,
        signatory: None,
        signature_document: None,
        call_at: None,
        call_note: None,
        called_by: None,
        requested_by: caller.subject().to_owned(),
        approved_by: None,
        approved_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_transfer(connection, caller.actor(), &transfer)?;
    Ok(transfer)
}

pub fn find_transfer(connection: &mut DbConnection, id: &str) -> ServiceResult<DomainTransfer> {
    store::find_transfer(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no domain transfer {id}")))
}

/// The customer general manager's signature.
#[derive(Debug, Clone)]
pub struct Signature {
    pub signatory: String,
    pub document: String,
}

/// Customer service's confirming call.
#[derive(Debug, Clone)]
pub struct ConfirmationCall {
    pub called_at: OffsetDateTime,
    pub note: String,
}

/// Requirements recorded at once; each one given replaces what was there.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub proof_document: Option<String>,
    pub signature: Option<Signature>,
    pub call: Option<ConfirmationCall>,
}

/// CARE-6: records evidence on a transfer still requested, at `version`. The confirming call
/// is customer service's to record, and not in the future.
pub fn record_evidence(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    evidence: Evidence,
) -> ServiceResult<DomainTransfer> {
    if evidence.proof_document.is_none() && evidence.signature.is_none() && evidence.call.is_none()
    {
        return Err(ServiceError::field_refused(
            "body",
            "give proof_document, general_manager_signature or confirmation_call",
        ));
    }
    if let Some(call) = &evidence.call {
        if !caller.has_any(roles::CUSTOMER_SERVICE) {
            return Err(ServiceError::forbidden(format!(
                "CARE-6: the confirming call is made by customer service ({}, {} or {})",
                Role::CsAgent.as_str(),
                Role::CsManager.as_str(),
                Role::Admin.as_str()
            )));
        }
        if call.called_at > caller.actor().at.instant() {
            return Err(ServiceError::field_refused(
                "confirmation_call.called_at",
                "must not be in the future",
            ));
        }
    }
    let before = changeable(connection, id, version)?;
    let mut after = DomainTransfer {
        version: before.version + 1,
        updated_at: caller.actor().at.stored(),
        ..before.clone()
    };
    if let Some(document) = evidence.proof_document {
        after.proof_document = Some(document.trim().to_owned());
    }
    if let Some(signature) = evidence.signature {
        after.signatory = Some(signature.signatory.trim().to_owned());
        after.signature_document = Some(signature.document.trim().to_owned());
    }
    if let Some(call) = evidence.call {
        after.call_at = Some(stored_utc(call.called_at));
        after.call_note = Some(call.note.trim().to_owned());
        after.called_by = Some(caller.subject().to_owned());
    }
    store::save_transfer(
        connection,
        caller.actor(),
        "domain_transfer.evidence",
        &before,
        &after,
    )?;
    Ok(after)
}

/// CARE-6: approves the transfer at `version`, refused naming every requirement still missing.
pub fn approve_transfer(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<DomainTransfer> {
    let before = changeable(connection, id, version)?;
    let missing = missing_of(&before);
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|m| m.as_str()).collect();
        let refusal = ServiceError::refused(
            "CARE-6",
            format!(
                "a domain transfer needs the proof document, the general manager's signature and the confirming call; missing: {}",
                names.join(", ")
            ),
        );
        let refusal = names.iter().fold(refusal, |refusal, name| {
            refusal.concerning(*name, "must be recorded before approval (CARE-6)")
        });
        return Err(refusal.with("missing", names));
    }
    let now = caller.actor().at.stored();
    let after = DomainTransfer {
        status: DomainTransferStatus::Approved.as_str().into(),
        approved_by: Some(caller.subject().to_owned()),
        approved_at: Some(now),
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    store::save_transfer(
        connection,
        caller.actor(),
        "domain_transfer.approve",
        &before,
        &after,
    )?;
    Ok(after)
}

/// The transfer at `version`, still open to change.
fn changeable(
    connection: &mut DbConnection,
    id: &str,
    version: i64,
) -> ServiceResult<DomainTransfer> {
    let transfer = find_transfer(connection, id)?;
    if transfer.version != version {
        return Err(ServiceError::Stale(format!(
            "domain transfer {id} is at version {}, not {version}",
            transfer.version
        )));
    }
    if read_stored::<DomainTransferStatus>(&transfer.status)? != DomainTransferStatus::Requested {
        return Err(ServiceError::conflict(format!(
            "domain transfer {id} is already {}",
            transfer.status
        )));
    }
    Ok(transfer)
}
