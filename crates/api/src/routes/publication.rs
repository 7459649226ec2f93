//! PUB-1: the public service page — served without authentication, kept by admin. Staff
//! appear by name, job number and photo only.

use actix_web::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::{Money, MoneyInput};
use zhidu_domain::publication::{lists_service_hotline, star_is_published};
use zhidu_store::StoreError;
use zhidu_store::publication::{self as store, CURRENT, ServiceInfo};

use zhidu_service::people::existing_employee;

use crate::auth::{Admins, Authorized};
use crate::error::{ApiError, AuthErrors, BodyErrors, NotFound, Stale, Unavailable};
use crate::extract::Json;
use crate::input::{Items, Text};
use crate::state::AppState;
use crate::wire::{Instant, YearMonth};

/// Under `/public`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(public_service_info)
        .service(publish_service_info);
}

/// How long a client or proxy may reuse the page without asking again.
const CACHE_SECONDS: u32 = 300;

/// A hotline as served.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Hotline {
    #[schema(example = "Service hotline")]
    pub name: String,
    #[schema(example = "96766")]
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Fee {
    pub item: String,
    pub amount: Money,
    /// Per what: `month`, `installation`, …
    pub unit: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Procedure {
    pub name: String,
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Branch {
    pub name: String,
    pub address: String,
    pub phone: String,
}

// The inputs are apart from what is served, so a page stored under earlier limits is still
// served as it was stored.

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HotlineInput {
    #[schema(example = "Service hotline")]
    pub name: Text<1, 100>,
    #[schema(example = "96766")]
    pub number: Text<3, 30>,
}

impl From<HotlineInput> for Hotline {
    fn from(input: HotlineInput) -> Self {
        Hotline {
            name: input.name.into_string(),
            number: input.number.into_string(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeInput {
    pub item: Text<1, 200>,
    #[schema(value_type = MoneyInput)]
    pub amount: Money,
    /// Per what: `month`, `installation`, …
    pub unit: Option<Text<0, 100>>,
    pub note: Option<Text<0, 1000>>,
}

impl From<FeeInput> for Fee {
    fn from(input: FeeInput) -> Self {
        Fee {
            item: input.item.into_string(),
            amount: input.amount,
            unit: input.unit.map(String::from).unwrap_or_default(),
            note: input.note.map(String::from).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureInput {
    pub name: Text<1, 200>,
    pub steps: Items<String, 1, 50>,
}

impl From<ProcedureInput> for Procedure {
    fn from(input: ProcedureInput) -> Self {
        Procedure {
            name: input.name.into_string(),
            steps: input.steps.into_vec(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BranchInput {
    pub name: Text<1, 200>,
    pub address: Text<1, 500>,
    pub phone: Text<3, 30>,
}

impl From<BranchInput> for Branch {
    fn from(input: BranchInput) -> Self {
        Branch {
            name: input.name.into_string(),
            address: input.address.into_string(),
            phone: input.phone.into_string(),
        }
    }
}

/// A member of staff as admin publishes them: which employee, and the job number and photo
/// shown. The name is taken from the employee record when published.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub employee_id: String,
    pub job_number: Text<1, 30>,
    pub photo_url: Text<1, 1000>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StarInput {
    /// One of the published staff.
    pub employee_id: String,
    pub month: YearMonth,
    pub citation: Option<Text<0, 1000>>,
}

/// The page as admin writes it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInfoUpdate {
    /// The version read (412 when stale); absent for the first publication.
    pub version: Option<i64>,
    pub commitments: Items<String, 1, 100>,
    /// Must list 96766 (PUB-1), and the local supervision numbers.
    pub hotlines: Items<HotlineInput, 1, 50>,
    pub fees: Items<FeeInput, 0, 500>,
    pub procedures: Items<ProcedureInput, 0, 100>,
    pub branches: Items<BranchInput, 0, 200>,
    pub staff: Items<StaffInput, 0, 1000>,
    pub service_star: Option<StarInput>,
}

/// A published member of staff: name, job number and photo — nothing else.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicStaff {
    pub name: String,
    pub job_number: String,
    pub photo_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicStar {
    pub name: String,
    pub job_number: String,
    pub photo_url: String,
    pub month: YearMonth,
    pub citation: String,
}

/// The public page (PUB-1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicServiceInfo {
    pub commitments: Vec<String>,
    pub hotlines: Vec<Hotline>,
    pub fees: Vec<Fee>,
    pub procedures: Vec<Procedure>,
    pub branches: Vec<Branch>,
    pub staff: Vec<PublicStaff>,
    pub service_star: Option<PublicStar>,
    pub version: i64,
    pub updated_at: Instant,
}

/// What is stored: the public page as it will be served (names resolved at publication),
/// so serving it reads one row and can show nothing it was not given.
#[derive(Debug, Serialize, Deserialize)]
struct StoredPage {
    commitments: Vec<String>,
    hotlines: Vec<Hotline>,
    fees: Vec<Fee>,
    procedures: Vec<Procedure>,
    branches: Vec<Branch>,
    staff: Vec<PublicStaff>,
    service_star: Option<PublicStar>,
}

fn public_page(row: &ServiceInfo) -> Result<PublicServiceInfo, ApiError> {
    let page: StoredPage = serde_json::from_str(&row.content)
        .map_err(|e| ApiError::from(StoreError::Corrupt(format!("service info: {e}"))))?;
    Ok(PublicServiceInfo {
        commitments: page.commitments,
        hotlines: page.hotlines,
        fees: page.fees,
        procedures: page.procedures,
        branches: page.branches,
        staff: page.staff,
        service_star: page.service_star,
        version: row.version,
        updated_at: Instant::from_utc(row.updated_at),
    })
}

fn etag(version: i64) -> String {
    format!("\"service-info-{version}\"")
}

/// PUB-1: the public service page — no authentication. Cacheable for 5 minutes; answers 304
/// to a matching `If-None-Match`.
#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, body = PublicServiceInfo, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the ETag given"),
        NotFound, Unavailable
    )
)]
#[get("/service-info")]
async fn public_service_info(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .read(|connection| {
            store::find_service_info(connection)?
                .ok_or_else(|| ApiError::not_found("the service page has not been published yet"))
        })
        .await?;
    let tag = etag(row.version);
    let cache = format!("public, max-age={CACHE_SECONDS}");
    let unchanged = request
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| given.split(',').any(|t| t.trim() == tag));
    if unchanged {
        return Ok(HttpResponse::NotModified()
            .insert_header((ETAG, tag))
            .insert_header((CACHE_CONTROL, cache))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((ETAG, tag))
        .insert_header((CACHE_CONTROL, cache))
        .json(public_page(&row)?))
}

/// PUB-1: publish the service page (admin). It must list the 96766 hotline; staff are named
/// from their employee record, and the service star must be one of them.
#[utoipa::path(
    tag = "public",
    request_body = ServiceInfoUpdate,
    responses((status = 200, body = PublicServiceInfo), BodyErrors, AuthErrors, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/service-info")]
async fn publish_service_info(
    state: web::Data<AppState>,
    caller: Authorized<Admins>,
    Json(request): Json<ServiceInfoUpdate>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.publication_policy.clone();
    if !lists_service_hotline(request.hotlines.iter().map(|h| h.number.as_str()), &policy) {
        return Err(ApiError::rule_refused(
            "PUB-1",
            format!("the page must list the {} hotline", policy.service_hotline),
        )
        .with_errors(vec![crate::error::FieldError {
            field: "hotlines".into(),
            message: format!("must include {}", policy.service_hotline),
        }]));
    }
    if let Some(star) = &request.service_star
        && !star_is_published(
            &star.employee_id,
            request.staff.iter().map(|s| s.employee_id.as_str()),
        )
    {
        return Err(ApiError::field_refused(
            "service_star.employee_id",
            "must be one of the published staff",
        ));
    }
    let row = state
        .write(move |connection| {
            let before = store::find_service_info(connection)?;
            let expected = before.as_ref().map(|row| row.version);
            if request.version != expected {
                return Err(ApiError::stale(match expected {
                    Some(version) => format!("the service page is at version {version}"),
                    None => "the service page is not published yet: omit version".into(),
                }));
            }
            let mut staff = Vec::with_capacity(request.staff.len());
            let mut star = None;
            for (index, entry) in request.staff.iter().enumerate() {
                let employee = existing_employee(
                    connection,
                    &format!("staff[{index}].employee_id"),
                    &entry.employee_id,
                )?;
                let shown = PublicStaff {
                    name: employee.name,
                    job_number: entry.job_number.trim().to_owned(),
                    photo_url: entry.photo_url.trim().to_owned(),
                };
                if let Some(input) = request
                    .service_star
                    .as_ref()
                    .filter(|s| s.employee_id == entry.employee_id)
                {
                    star = Some(PublicStar {
                        name: shown.name.clone(),
                        job_number: shown.job_number.clone(),
                        photo_url: shown.photo_url.clone(),
                        month: input.month,
                        citation: input
                            .citation
                            .as_deref()
                            .map_or_else(String::new, |c| c.trim().to_owned()),
                    });
                }
                staff.push(shown);
            }
            let page = StoredPage {
                commitments: request.commitments.into_vec(),
                hotlines: request.hotlines.into_iter().map(Hotline::from).collect(),
                fees: request.fees.into_iter().map(Fee::from).collect(),
                procedures: request
                    .procedures
                    .into_iter()
                    .map(Procedure::from)
                    .collect(),
                branches: request.branches.into_iter().map(Branch::from).collect(),
                staff,
                service_star: star,
            };
            let after = ServiceInfo {
                id: CURRENT.into(),
                content: serde_json::to_string(&page).map_err(ApiError::internal)?,
                version: expected.unwrap_or(0) + 1,
                updated_by: caller.claims.sub.clone(),
                updated_at: caller.actor.at.stored(),
            };
            store::save_service_info(connection, &caller.actor, before.as_ref(), &after)?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((ETAG, etag(row.version)))
        .json(public_page(&row)?))
}
