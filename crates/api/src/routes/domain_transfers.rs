//! CARE-6: transferring a domain out of the company's management — approved only once the
//! company's proof document, the customer general manager's signature and customer service's
//! confirming phone call are all on record.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::domain_transfer::TransferRequirement;
use zhidu_service::domain_transfers::{self as transfers, DomainTransfer, Evidence, missing_of};

use crate::auth::{Authorized, CustomerEditors, Managers};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, NotFound, Stale, Unavailable};
use crate::extract::Json;
use crate::input::Text;
use crate::page::VersionOnly;
use crate::state::AppState;
use crate::wire::Instant;

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

fn transfer_view(transfer: DomainTransfer) -> TransferView {
    let missing = missing_of(&transfer);
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
            Ok(transfers::request_transfer(
                connection,
                &caller,
                &request.customer_id,
                &request.domain_name,
            )?)
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
        .read(move |connection| Ok(transfers::find_transfer(connection, &id)?))
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
    let id = id.into_inner();
    let version = request.version;
    let evidence = Evidence {
        proof_document: request.proof_document.map(String::from),
        signature: request
            .general_manager_signature
            .map(|signature| transfers::Signature {
                signatory: signature.signatory.into(),
                document: signature.document.into(),
            }),
        call: request
            .confirmation_call
            .map(|call| transfers::ConfirmationCall {
                called_at: call.called_at.0,
                note: call.note.map(String::from).unwrap_or_default(),
            }),
    };
    let transfer = state
        .write(move |connection| {
            Ok(transfers::record_evidence(
                connection, &caller, &id, version, evidence,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(transfer_view(transfer)))
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
            Ok(transfers::approve_transfer(
                connection,
                &caller,
                &id,
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(transfer_view(transfer)))
}
