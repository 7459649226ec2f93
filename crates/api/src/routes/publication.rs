//! PUB-1: the public service page — served without authentication, kept by admin. Staff
//! appear by name, job number and photo only.

use actix_web::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_domain::publication::{lists_service_hotline, star_is_published};
use zhidu_store::StoreError;
use zhidu_store::publication::{self as store, CURRENT, ServiceInfo};

use crate::auth::{Admins, Authorized};
use crate::error::{ApiError, AuthErrors, BodyErrors, NotFound, Stale, Unavailable};
use crate::extract::Json;
use crate::routes::people::existing_employee;
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

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hotline {
    #[validate(length(min = 1, max = 100, message = "must be 1–100 characters"))]
    #[schema(example = "Service hotline")]
    pub name: String,
    #[validate(length(min = 3, max = 30, message = "must be 3–30 characters"))]
    #[schema(example = "96766")]
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    #[validate(length(min = 1, max = 200, message = "must be 1–200 characters"))]
    pub item: String,
    pub amount: Money,
    /// Per what: `month`, `installation`, …
    #[validate(length(max = 100, message = "must be at most 100 characters"))]
    #[serde(default)]
    pub unit: String,
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    #[validate(length(min = 1, max = 200, message = "must be 1–200 characters"))]
    pub name: String,
    #[validate(length(min = 1, max = 50, message = "must have 1–50 steps"))]
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    #[validate(length(min = 1, max = 200, message = "must be 1–200 characters"))]
    pub name: String,
    #[validate(length(min = 1, max = 500, message = "must be 1–500 characters"))]
    pub address: String,
    #[validate(length(min = 3, max = 30, message = "must be 3–30 characters"))]
    pub phone: String,
}

/// A member of staff as admin publishes them: which employee, and the job number and photo
/// shown. The name is taken from the employee record when published.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub employee_id: String,
    #[validate(length(min = 1, max = 30, message = "must be 1–30 characters"))]
    pub job_number: String,
    #[validate(length(min = 1, max = 1000, message = "must be 1–1000 characters"))]
    pub photo_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StarInput {
    /// One of the published staff.
    pub employee_id: String,
    pub month: YearMonth,
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    #[serde(default)]
    pub citation: String,
}

/// The page as admin writes it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInfoUpdate {
    /// The version read (412 when stale); absent for the first publication.
    pub version: Option<i64>,
    #[validate(length(min = 1, max = 100, message = "must have 1–100 entries"))]
    pub commitments: Vec<String>,
    /// Must list 96766 (PUB-1), and the local supervision numbers.
    #[validate(length(min = 1, max = 50, message = "must have 1–50 entries"), nested)]
    pub hotlines: Vec<Hotline>,
    #[validate(length(max = 500, message = "must have at most 500 entries"), nested)]
    pub fees: Vec<Fee>,
    #[validate(length(max = 100, message = "must have at most 100 entries"), nested)]
    pub procedures: Vec<Procedure>,
    #[validate(length(max = 200, message = "must have at most 200 entries"), nested)]
    pub branches: Vec<Branch>,
    #[validate(length(max = 1000, message = "must have at most 1000 entries"), nested)]
    pub staff: Vec<StaffInput>,
    #[validate(nested)]
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
        return Err(ApiError::invalid_field(
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
                        citation: input.citation.trim().to_owned(),
                    });
                }
                staff.push(shown);
            }
            let page = StoredPage {
                commitments: request.commitments,
                hotlines: request.hotlines,
                fees: request.fees,
                procedures: request.procedures,
                branches: request.branches,
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
