//! PUB-1: the public service page — served without authentication, kept by admin. Staff
//! appear by name, job number and photo only; service areas (AREA-3) by their maintainers'
//! job numbers only.

use std::hash::{Hash, Hasher};

use actix_web::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::{Money, MoneyInput};
use zhidu_service::publication::{
    self as service, PageDraft, PublishedPage, StaffEntry, StarEntry,
};
use zhidu_service::service_areas;

use crate::auth::{Admins, Authorized};
use crate::error::{ApiError, AuthErrors, BodyErrors, NotFound, Stale, Unavailable};
use crate::extract::Json;
use crate::input::{Items, Text};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};

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

impl From<service::Hotline> for Hotline {
    fn from(h: service::Hotline) -> Self {
        Hotline {
            name: h.name,
            number: h.number,
        }
    }
}

impl From<service::Fee> for Fee {
    fn from(f: service::Fee) -> Self {
        Fee {
            item: f.item,
            amount: f.amount,
            unit: f.unit,
            note: f.note,
        }
    }
}

impl From<service::Procedure> for Procedure {
    fn from(p: service::Procedure) -> Self {
        Procedure {
            name: p.name,
            steps: p.steps,
        }
    }
}

impl From<service::Branch> for Branch {
    fn from(b: service::Branch) -> Self {
        Branch {
            name: b.name,
            address: b.address,
            phone: b.phone,
        }
    }
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

impl From<HotlineInput> for service::Hotline {
    fn from(input: HotlineInput) -> Self {
        service::Hotline {
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

impl From<FeeInput> for service::Fee {
    fn from(input: FeeInput) -> Self {
        service::Fee {
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

impl From<ProcedureInput> for service::Procedure {
    fn from(input: ProcedureInput) -> Self {
        service::Procedure {
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

impl From<BranchInput> for service::Branch {
    fn from(input: BranchInput) -> Self {
        service::Branch {
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

/// AREA-3: a change announced for a service area.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Hash)]
pub struct PublicAreaChange {
    pub effective_on: IsoDate,
    pub maintainer_job_number: String,
    pub boundary: String,
}

/// AREA-3: a service area as the public sees it: its boundary and its maintainer by job
/// number only, as in force today, and the next change announced.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Hash)]
pub struct PublicServiceArea {
    pub name: String,
    pub boundary: String,
    /// Absent until the area's maintainer has been published with a job number.
    pub maintainer_job_number: Option<String>,
    pub next_change: Option<PublicAreaChange>,
}

impl From<service_areas::PublicArea> for PublicServiceArea {
    fn from(area: service_areas::PublicArea) -> Self {
        PublicServiceArea {
            name: area.name,
            boundary: area.boundary,
            maintainer_job_number: area.maintainer_job_number,
            next_change: area.next_change.map(|change| PublicAreaChange {
                effective_on: IsoDate(change.effective_on),
                maintainer_job_number: change.maintainer_job_number,
                boundary: change.boundary,
            }),
        }
    }
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
    /// AREA-3: the service areas with their maintainers' job numbers, as of today.
    pub service_areas: Vec<PublicServiceArea>,
    pub version: i64,
    pub updated_at: Instant,
}

impl From<service::PublicStaff> for PublicStaff {
    fn from(s: service::PublicStaff) -> Self {
        PublicStaff {
            name: s.name,
            job_number: s.job_number,
            photo_url: s.photo_url,
        }
    }
}

impl TryFrom<service::PublicStar> for PublicStar {
    type Error = ApiError;

    fn try_from(s: service::PublicStar) -> Result<Self, ApiError> {
        Ok(PublicStar {
            month: YearMonth::parse(&s.month).map_err(ApiError::internal)?,
            name: s.name,
            job_number: s.job_number,
            photo_url: s.photo_url,
            citation: s.citation,
        })
    }
}

impl TryFrom<PublishedPage> for PublicServiceInfo {
    type Error = ApiError;

    fn try_from(published: PublishedPage) -> Result<Self, ApiError> {
        let page = published.page;
        Ok(PublicServiceInfo {
            commitments: page.commitments,
            hotlines: page.hotlines.into_iter().map(Hotline::from).collect(),
            fees: page.fees.into_iter().map(Fee::from).collect(),
            procedures: page.procedures.into_iter().map(Procedure::from).collect(),
            branches: page.branches.into_iter().map(Branch::from).collect(),
            staff: page.staff.into_iter().map(PublicStaff::from).collect(),
            service_star: page.service_star.map(PublicStar::try_from).transpose()?,
            service_areas: published
                .service_areas
                .into_iter()
                .map(PublicServiceArea::from)
                .collect(),
            version: published.version,
            updated_at: Instant::from_utc(published.updated_at),
        })
    }
}

/// The page's version, and a digest of its service areas: those change by date and by AREA-3
/// changes without a new publication, and a cached page must not hide them.
fn etag(page: &PublicServiceInfo) -> String {
    let mut digest = std::hash::DefaultHasher::new();
    page.service_areas.hash(&mut digest);
    format!("\"service-info-{}-{:016x}\"", page.version, digest.finish())
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
    let today = state.now().today();
    let page = PublicServiceInfo::try_from(
        state
            .read(move |connection| Ok(service::published_page(connection, today)?))
            .await?,
    )?;
    let tag = etag(&page);
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
        .json(page))
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
    let policy = state
        .policies()
        .await?
        .publication_on(state.now().today())?
        .clone();
    let draft = PageDraft {
        version: request.version,
        commitments: request.commitments.into_vec(),
        hotlines: request.hotlines.into_iter().map(Into::into).collect(),
        fees: request.fees.into_iter().map(Into::into).collect(),
        procedures: request.procedures.into_iter().map(Into::into).collect(),
        branches: request.branches.into_iter().map(Into::into).collect(),
        staff: request
            .staff
            .into_iter()
            .map(|entry| StaffEntry {
                employee_id: entry.employee_id,
                job_number: entry.job_number.into_string(),
                photo_url: entry.photo_url.into_string(),
            })
            .collect(),
        service_star: request.service_star.map(|star| StarEntry {
            employee_id: star.employee_id,
            month: star.month.to_string(),
            citation: star.citation.map(String::from),
        }),
    };
    let actor = caller.actor;
    let row = state
        .write(move |connection| Ok(service::publish(connection, &actor, &policy, draft)?))
        .await?;
    let page = PublicServiceInfo::try_from(row)?;
    Ok(HttpResponse::Ok()
        .insert_header((ETAG, etag(&page)))
        .json(page))
}
