//! SET-1: partners (insurers, carriers, franchisees) and the credentials they call the API
//! with. A partner's token carries its `partner_id`; every partner-facing read is narrowed to
//! it, and another partner's resource answers 404 so ids cannot be probed.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::settlement::PartnerType;
use zhidu_service::access::partners::visible_partner;
use zhidu_service::partners::{self as service, Credential, NewPartner, Partner, partner_type};

use crate::auth::{self, Authorized, PartnerAdmins, PartnerReaders};
use crate::config::random_secret;
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Unavailable};
use crate::extract::{Json, Query};
use crate::input::{ContractSplit, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::Instant;

/// Under `/partners`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_partner)
        .service(list_partners)
        .service(get_partner)
        .service(issue_credential)
        .service(list_credentials)
        .service(revoke_credential);
}

/// SET-6: a franchisee's agreed split, as stored.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ContractSplitView {
    #[schema(example = 55)]
    pub company: i32,
    #[schema(example = 45)]
    pub franchisee: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerView {
    pub id: String,
    pub partner_type: PartnerType,
    pub name: String,
    pub region: String,
    pub contract_split: Option<ContractSplitView>,
    pub version: i64,
    pub created_at: Instant,
}

impl TryFrom<Partner> for PartnerView {
    type Error = ApiError;

    fn try_from(p: Partner) -> Result<Self, ApiError> {
        Ok(PartnerView {
            partner_type: partner_type(&p)?,
            contract_split: p.split_company_part.zip(p.split_franchisee_part).map(
                |(company, franchisee)| ContractSplitView {
                    company,
                    franchisee,
                },
            ),
            id: p.id,
            name: p.name,
            region: p.region,
            version: p.version,
            created_at: Instant::from_utc(p.created_at),
        })
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePartner {
    pub partner_type: PartnerType,
    #[schema(example = "平安保险四川分公司")]
    pub name: Text<1, 200>,
    /// The partner's region (province), e.g. `河北` — SET-6 splits Hebei and Shanxi 60:40.
    #[schema(example = "四川")]
    pub region: Text<1, 100>,
    /// Franchisees outside the fixed-split regions: the contract's split.
    pub contract_split: Option<ContractSplit>,
}

/// Register a partner (admin, finance).
#[utoipa::path(
    tag = "partners",
    request_body = CreatePartner,
    responses((status = 201, body = PartnerView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_partner(
    state: web::Data<AppState>,
    caller: Authorized<PartnerAdmins>,
    Json(request): Json<CreatePartner>,
) -> Result<HttpResponse, ApiError> {
    let partner = NewPartner {
        partner_type: request.partner_type,
        name: request.name.into_string(),
        region: request.region.into_string(),
        contract_split: request.contract_split.map(ContractSplit::parts),
    };
    let actor = caller.actor;
    let created = state
        .write(move |connection| Ok(service::create_partner(connection, &actor, &partner)?))
        .await?;
    Ok(HttpResponse::Created().json(PartnerView::try_from(created)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PartnerListParams {
    pub partner_type: Option<PartnerType>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Partners in registration order; a partner's own token lists itself only.
#[utoipa::path(
    tag = "partners",
    params(PartnerListParams),
    responses((status = 200, body = Page<PartnerView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_partners(
    state: web::Data<AppState>,
    caller: Authorized<PartnerReaders>,
    Query(params): Query<PartnerListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after = page.after_id();
    let limit = page.limit();
    let kind = params.partner_type;
    let rows = state
        .read(move |connection| {
            Ok(service::list_partners(
                connection,
                &caller,
                kind,
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(rows, limit, |p: &Partner| &p.id).try_map(PartnerView::try_from)?;
    Ok(HttpResponse::Ok().json(page))
}

/// One partner (staff, or the partner itself; another partner's id answers 404).
#[utoipa::path(
    tag = "partners",
    params(("id" = String, Path, description = "Partner id")),
    responses((status = 200, body = PartnerView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_partner(
    state: web::Data<AppState>,
    caller: Authorized<PartnerReaders>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let partner = state
        .read(move |connection| Ok(visible_partner(connection, &caller, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(PartnerView::try_from(partner)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialView {
    pub client_id: String,
    pub partner_id: String,
    pub created_at: Instant,
    pub revoked_at: Option<Instant>,
}

impl From<Credential> for CredentialView {
    fn from(c: Credential) -> Self {
        CredentialView {
            client_id: c.client_id,
            partner_id: c.partner_id,
            created_at: Instant::from_utc(c.created_at),
            revoked_at: c.revoked_at.map(Instant::from_utc),
        }
    }
}

/// A new credential: the secret appears here once and is never shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedCredential {
    pub client_id: String,
    /// Store it now: only its hash is kept.
    pub client_secret: String,
    pub partner_id: String,
    pub created_at: Instant,
}

/// Issue a credential for a partner (admin, finance). Use it with
/// `POST /auth/token {"grant_type":"client_credentials","client_id","client_secret"}`.
#[utoipa::path(
    tag = "partners",
    params(("id" = String, Path, description = "Partner id")),
    responses((status = 201, body = IssuedCredential), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/credentials")]
async fn issue_credential(
    state: web::Data<AppState>,
    caller: Authorized<PartnerAdmins>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let secret = random_secret(32);
    // Hashed before the transaction: argon2 is slow on purpose and must not hold a connection.
    let hash = web::block({
        let secret = secret.clone();
        move || auth::hash_password(&secret)
    })
    .await
    .map_err(ApiError::internal)??;
    let client_id = format!("partner-{}", random_secret(12));
    let actor = caller.actor;
    let credential = state
        .write(move |connection| {
            Ok(service::issue_credential(
                connection, &actor, &id, client_id, hash,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(IssuedCredential {
        client_id: credential.client_id,
        client_secret: secret,
        partner_id: credential.partner_id,
        created_at: Instant::from_utc(credential.created_at),
    }))
}

/// A partner's credentials, live and revoked, without secrets (admin, finance).
#[utoipa::path(
    tag = "partners",
    params(("id" = String, Path, description = "Partner id")),
    responses((status = 200, body = Vec<CredentialView>), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/credentials")]
async fn list_credentials(
    state: web::Data<AppState>,
    _caller: Authorized<PartnerAdmins>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let credentials = state
        .read(move |connection| Ok(service::credentials_of(connection, &id)?))
        .await?;
    let views: Vec<CredentialView> = credentials.into_iter().map(CredentialView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Revoke a credential (admin, finance): no new token is issued for it, and tokens already
/// issued stop working at once.
#[utoipa::path(
    tag = "partners",
    params(
        ("id" = String, Path, description = "Partner id"),
        ("client_id" = String, Path, description = "The credential's client id")
    ),
    responses((status = 200, body = CredentialView), AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/credentials/{client_id}/revocation")]
async fn revoke_credential(
    state: web::Data<AppState>,
    caller: Authorized<PartnerAdmins>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, client_id) = path.into_inner();
    let actor = caller.actor;
    let revoked = state
        .write(move |connection| {
            Ok(service::revoke_credential(
                connection, &actor, &id, &client_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CredentialView::from(revoked)))
}
