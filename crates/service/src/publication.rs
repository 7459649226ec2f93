//! PUB-1: the public service page — published by admin with the service hotline, staff named
//! from their employee record and the service star among them; served as stored.

use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};
use zhidu_domain::money::Money;
use zhidu_domain::publication::{PublicationPolicy, lists_service_hotline, star_is_published};
use zhidu_store::StoreError;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::publication::{self as store, CURRENT, ServiceInfo};

use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::service_areas::{PublicArea, public_areas};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hotline {
    pub name: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fee {
    pub item: String,
    pub amount: Money,
    pub unit: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Procedure {
    pub name: String,
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Branch {
    pub name: String,
    pub address: String,
    pub phone: String,
}

/// A published member of staff: name, job number and photo — nothing else.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublicStaff {
    pub name: String,
    pub job_number: String,
    pub photo_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublicStar {
    pub name: String,
    pub job_number: String,
    pub photo_url: String,
    /// `YYYY-MM`.
    pub month: String,
    pub citation: String,
}

/// What is stored: the public page as it will be served (names resolved at publication), so
/// serving it reads one row and can show nothing it was not given.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    pub commitments: Vec<String>,
    pub hotlines: Vec<Hotline>,
    pub fees: Vec<Fee>,
    pub procedures: Vec<Procedure>,
    pub branches: Vec<Branch>,
    pub staff: Vec<PublicStaff>,
    pub service_star: Option<PublicStar>,
}

/// The page as published, at its version.
#[derive(Debug, Clone)]
pub struct PublishedPage {
    pub page: Page,
    pub version: i64,
    pub updated_at: PrimitiveDateTime,
    /// AREA-3: every service area with its maintainer's job number in force on the day
    /// served, and its next announced change.
    pub service_areas: Vec<PublicArea>,
}

/// A member of staff as admin publishes them: which employee, and the job number and photo
/// shown.
#[derive(Debug, Clone)]
pub struct StaffEntry {
    pub employee_id: String,
    pub job_number: String,
    pub photo_url: String,
}

/// The month's service star: one of the published staff.
#[derive(Debug, Clone)]
pub struct StarEntry {
    pub employee_id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub citation: Option<String>,
}

/// The page as admin writes it.
#[derive(Debug, Clone)]
pub struct PageDraft {
    /// The version read; `None` for the first publication.
    pub version: Option<i64>,
    pub commitments: Vec<String>,
    pub hotlines: Vec<Hotline>,
    pub fees: Vec<Fee>,
    pub procedures: Vec<Procedure>,
    pub branches: Vec<Branch>,
    pub staff: Vec<StaffEntry>,
    pub service_star: Option<StarEntry>,
}

/// PUB-1: the page as published, with the service areas as they stand on `on` (AREA-3); not
/// found before the first publication.
pub fn published_page(connection: &mut DbConnection, on: Date) -> ServiceResult<PublishedPage> {
    let row = store::find_service_info(connection)?
        .ok_or_else(|| ServiceError::not_found("the service page has not been published yet"))?;
    let page = serde_json::from_str(&row.content)
        .map_err(|e| StoreError::Corrupt(format!("service info: {e}")))?;
    Ok(PublishedPage {
        page,
        version: row.version,
        updated_at: row.updated_at,
        service_areas: public_areas(connection, on)?,
    })
}

/// PUB-1: publishes the page at the version read. It must list the service hotline; staff
/// are named from their employee record, and the service star must be one of them.
pub fn publish(
    connection: &mut DbConnection,
    actor: &Actor,
    policy: &PublicationPolicy,
    draft: PageDraft,
) -> ServiceResult<PublishedPage> {
    if !lists_service_hotline(draft.hotlines.iter().map(|h| h.number.as_str()), policy) {
        return Err(ServiceError::refused(
            "PUB-1",
            format!("the page must list the {} hotline", policy.service_hotline),
        )
        .concerning(
            "hotlines",
            format!("must include {}", policy.service_hotline),
        ));
    }
    if let Some(star) = &draft.service_star
        && !star_is_published(
            &star.employee_id,
            draft.staff.iter().map(|s| s.employee_id.as_str()),
        )
    {
        return Err(ServiceError::field_refused(
            "service_star.employee_id",
            "must be one of the published staff",
        ));
    }
    let before = store::find_service_info(connection)?;
    let expected = before.as_ref().map(|row| row.version);
    if draft.version != expected {
        return Err(ServiceError::Stale(match expected {
            Some(version) => format!("the service page is at version {version}"),
            None => "the service page is not published yet: omit version".into(),
        }));
    }
    let mut staff = Vec::with_capacity(draft.staff.len());
    let mut star = None;
    for (index, entry) in draft.staff.iter().enumerate() {
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
        if let Some(input) = draft
            .service_star
            .as_ref()
            .filter(|s| s.employee_id == entry.employee_id)
        {
            star = Some(PublicStar {
                name: shown.name.clone(),
                job_number: shown.job_number.clone(),
                photo_url: shown.photo_url.clone(),
                month: input.month.clone(),
                citation: input
                    .citation
                    .as_deref()
                    .map_or_else(String::new, |c| c.trim().to_owned()),
            });
        }
        staff.push(shown);
    }
    let page = Page {
        commitments: draft.commitments,
        hotlines: draft.hotlines,
        fees: draft.fees,
        procedures: draft.procedures,
        branches: draft.branches,
        staff,
        service_star: star,
    };
    let after = ServiceInfo {
        id: CURRENT.into(),
        content: serde_json::to_string(&page)
            .map_err(|e| StoreError::Corrupt(format!("service info: {e}")))?,
        version: expected.unwrap_or(0) + 1,
        updated_by: actor.subject.clone(),
        updated_at: actor.at.stored(),
    };
    store::save_service_info(connection, actor, before.as_ref(), &after)?;
    Ok(PublishedPage {
        page,
        version: after.version,
        updated_at: after.updated_at,
        service_areas: public_areas(connection, actor.at.today())?,
    })
}
