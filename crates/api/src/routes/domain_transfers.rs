//! CARE-6: transferring a domain out of the company's management — approved only once the
//! company's proof document, the customer general manager's signature and customer service's
//! confirming phone call are all on record.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::domain_transfer::DomainTransferStatus;
use zhidu_domain::domain_transfer::{TransferEvidence, TransferRequirement, transfer_missing};
use zhidu_store::domain_transfers::{self as store, DomainTransfer};
use zhidu_store::{new_id, read_stored};

use zhidu_service::access::Identity;
use zhidu_service::customers::existing_customer;

use crate::auth::{Authorized, CustomerEditors, CustomerService, Managers, Role};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, NotFound, Stale, Unavailable,
};
use crate::extract::Json;
use crate::input::Text;
use crate::page::VersionOnly;
use crate::state::AppState;
use crate::wire::{Instant, stored_utc};

/// Under `/domain-transfers`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(request_transfer)
        .service(get_transfer)
        .service(record_evidence)
        .service(approve_transfer);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTransfer {
    pub customer_id: String,
    #[schema(example = "example.cn")]
    pub domain_name: Text<3, 253>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Signature {
    /// Who signed as the customer's general manager.
    pub signatory: String,
    /// The signed document (attachment reference).
    pub document: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmationCall {
    pub called_at: Instant,
    pub note: String,
    /// The customer-service user who called.
    pub called_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransferView {
    pub id: String,
    pub customer_id: String,
    pub domain_name: String,
    /// `requested` or `approved`.
    #[schema(example = "requested")]
    pub status: String,
    pub proof_document: Option<String>,
    pub general_manager_signature: Option<Signature>,
    pub confirmation_call: Option<ConfirmationCall>,
    /// CARE-6: what approval still waits for.
    pub missing: Vec<TransferRequirement>,
    pub requested_by: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

fn evidence_of(transfer: &DomainTransfer) -> TransferEvidence {
    TransferEvidence {
        proof_document: transfer.proof_document.is_some(),
        general_manager_signature: transfer.signature_document.is_some(),
        confirmation_call: transfer.call_at.is_some(),
    }
}

fn transfer_view(transfer: DomainTransfer) -> TransferView {
    let missing = transfer_missing(evidence_of(&transfer));
    TransferView {
        general_manager_signature: transfer.signatory.zip(transfer.signature_document).map(
            |(signatory, document)| Signature {
                signatory,
                document,
            },
        ),
        confirmation_call: transfer.call_at.zip(transfer.called_by).map(|(at, by)| {
            ConfirmationCall {
                called_at: Instant::from_utc(at),
                note: transfer.call_note.unwrap_or_default(),
                called_by: by,
            }
        }),
        missing,
        id: transfer.id,
        customer_id: transfer.customer_id,
        domain_name: transfer.domain_name,
        status: transfer.status,
        proof_document: transfer.proof_document,
        requested_by: transfer.requested_by,
        approved_by: transfer.approved_by,
        approved_at: transfer.approved_at.map(Instant::from_utc),
        version: transfer.version,
        created_at: Instant::from_utc(transfer.created_at),
    }
}

/// CARE-6: request the transfer of a customer's domain out of the company's management.
#[utoipa::path(
    tag = "care",
    request_body = NewTransfer,
    responses((status = 201, body = TransferView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn request_transfer(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    Json(request): Json<NewTransfer>,
) -> Result<HttpResponse, ApiError> {
    let transfer = state
        .write(move |connection| {
            let customer = existing_customer(connection, "customer_id", &request.customer_id)?;
            let now = caller.actor.at.stored();
            let transfer = DomainTransfer {
                id: new_id(),
                customer_id: customer.id,
                domain_name: request.domain_name.trim().to_lowercase(),
                status: "requested".into(),
                proof_document: None,
                signatory: None,
                signature_document: None,
                call_at: None,
                call_note: None,
                called_by: None,
                requested_by: caller.claims.sub.clone(),
                approved_by: None,
                approved_at: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            store::insert_transfer(connection, &caller.actor, &transfer)?;
            Ok(transfer)
        })
        .await?;
    Ok(HttpResponse::Created().json(transfer_view(transfer)))
}

/// One transfer with what it still misses.
#[utoipa::path(
    tag = "care",
    params(("id" = String, Path, description = "Transfer id")),
    responses((status = 200, body = TransferView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_transfer(
    state: web::Data<AppState>,
    _caller: Authorized<CustomerEditors>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let transfer = state
        .read(move |connection| {
            store::find_transfer(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no domain transfer {id}")))
        })
        .await?;
    Ok(HttpResponse::Ok().json(transfer_view(transfer)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    pub signatory: Text<1, 100>,
    pub document: Text<1, 1000>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    /// When customer service called the customer to confirm; not in the future.
    pub called_at: Instant,
    #[serde(default)]
    pub note: Option<Text<0, 2000>>,
}

/// Records one or more of CARE-6's requirements; each given part replaces what was there.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceUpdate {
    /// The version the client read (412 when stale).
    pub version: i64,
    /// The company's proof document (attachment reference).
    pub proof_document: Option<Text<1, 1000>>,
    pub general_manager_signature: Option<SignatureInput>,
    /// Customer service only (`cs_agent`, `cs_manager`, `admin`).
    pub confirmation_call: Option<CallInput>,
}

/// CARE-6: record the proof document, the general manager's signature and/or the confirming
/// phone call (versioned; refused once approved).
#[utoipa::path(
    tag = "care",
    params(("id" = String, Path, description = "Transfer id")),
    request_body = EvidenceUpdate,
    responses((status = 200, body = TransferView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[patch("/{id}")]
async fn record_evidence(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    id: web::Path<String>,
    Json(request): Json<EvidenceUpdate>,
) -> Result<HttpResponse, ApiError> {
    if request.proof_document.is_none()
        && request.general_manager_signature.is_none()
        && request.confirmation_call.is_none()
    {
        return Err(ApiError::field_refused(
            "body",
            "give proof_document, general_manager_signature or confirmation_call",
        ));
    }
    if let Some(call) = &request.confirmation_call {
        let customer_service = <CustomerService as crate::auth::Policy>::ROLES;
        if !caller.has_any(customer_service) {
            return Err(ApiError::forbidden(format!(
                "CARE-6: the confirming call is made by customer service ({}, {} or {})",
                Role::CsAgent.as_str(),
                Role::CsManager.as_str(),
                Role::Admin.as_str()
            )));
        }
        if call.called_at.0 > caller.actor.at.instant() {
            return Err(ApiError::field_refused(
                "confirmation_call.called_at",
                "must not be in the future",
            ));
        }
    }
    let id = id.into_inner();
    let transfer = state
        .write(move |connection| {
            let before = changeable(connection, &id, request.version)?;
            let mut after = DomainTransfer {
                version: before.version + 1,
                updated_at: caller.actor.at.stored(),
                ..before.clone()
            };
            if let Some(document) = request.proof_document {
                after.proof_document = Some(document.trim().to_owned());
            }
            if let Some(signature) = request.general_manager_signature {
                after.signatory = Some(signature.signatory.trim().to_owned());
                after.signature_document = Some(signature.document.trim().to_owned());
            }
            if let Some(call) = request.confirmation_call {
                after.call_at = Some(stored_utc(call.called_at.0));
                after.call_note = Some(call.note.as_deref().map_or("", str::trim).to_owned());
                after.called_by = Some(caller.claims.sub.clone());
            }
            store::save_transfer(
                connection,
                &caller.actor,
                "domain_transfer.evidence",
                &before,
                &after,
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(transfer_view(transfer)))
}

/// The transfer at `version`, still open to change.
fn changeable(
    connection: &mut zhidu_store::db::DbConnection,
    id: &str,
    version: i64,
) -> Result<DomainTransfer, ApiError> {
    let transfer = store::find_transfer(connection, id)?
        .ok_or_else(|| ApiError::not_found(format!("no domain transfer {id}")))?;
    if transfer.version != version {
        return Err(ApiError::stale(format!(
            "domain transfer {id} is at version {}, not {version}",
            transfer.version
        )));
    }
    if read_stored::<DomainTransferStatus>(&transfer.status)? != DomainTransferStatus::Requested {
        return Err(ApiError::conflict(format!(
            "domain transfer {id} is already {}",
            transfer.status
        )));
    }
    Ok(transfer)
}

/// CARE-6: approve the transfer — refused (422, rule CARE-6) naming every requirement still
/// missing.
#[utoipa::path(
    tag = "care",
    params(("id" = String, Path, description = "Transfer id")),
    request_body = VersionOnly,
    responses((status = 200, body = TransferView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/approval")]
async fn approve_transfer(
    state: web::Data<AppState>,
    caller: Authorized<Managers>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let transfer = state
        .write(move |connection| {
            let before = changeable(connection, &id, request.version)?;
            let missing = transfer_missing(evidence_of(&before));
            if !missing.is_empty() {
                let names: Vec<&str> = missing.iter().map(|m| m.as_str()).collect();
                return Err(ApiError::rule_refused(
                    "CARE-6",
                    format!(
                        "a domain transfer needs the proof document, the general manager's signature and the confirming call; missing: {}",
                        names.join(", ")
                    ),
                )
                .with_errors(
                    names
                        .iter()
                        .map(|name| FieldError {
                            field: (*name).to_owned(),
                            message: "must be recorded before approval (CARE-6)".into(),
                        })
                        .collect(),
                )
                .with("missing", &missing));
            }
            let now = caller.actor.at.stored();
            let after = DomainTransfer {
                status: "approved".into(),
                approved_by: Some(caller.claims.sub.clone()),
                approved_at: Some(now),
                version: before.version + 1,
                updated_at: now,
                ..before.clone()
            };
            store::save_transfer(connection, &caller.actor, "domain_transfer.approve", &before, &after)?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(transfer_view(transfer)))
}
