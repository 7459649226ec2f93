//! DISC meeting host (每日开会负责人): the host roster of working days, setting a day's host,
//! and members' reports on the host's call (a late one is a discipline record). The rules live
//! in `zhidu_domain::meeting` and the DISC catalog; the use cases in
//! `zhidu_service::meeting_hosts`.

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::meeting::HostSource;
use zhidu_service::meeting_hosts::{self as service, MeetingHostDay};

use crate::auth::{Authorized, DisciplineOfficers, MeetingHostSetters, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};

/// Under `/meeting-hosts`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(roster).service(set_host);
}

/// Under `/meeting-reports`.
pub fn configure_reports(config: &mut ServiceConfig) {
    config.service(record_report);
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RosterParams {
    /// The first day (YYYY-MM-DD).
    pub from: IsoDate,
    /// The last day, inclusive; at most 366 days after `from`.
    pub to: IsoDate,
}

/// Why someone hosts a day: `base` (set for the day) or `owed` (a confirmed DISC record).
#[derive(Debug, Serialize, ToSchema)]
pub struct HostDayView {
    pub date: IsoDate,
    /// The employee hosting; absent while nobody is set.
    pub employee_id: Option<String>,
    /// `base` or `owed`; absent while nobody is set.
    pub source: Option<String>,
    /// For an owed day: the discipline record that owes it.
    pub discipline_record_id: Option<String>,
}

/// Who hosts the daily meeting on each working day (business calendar) of a span: whoever
/// owes the day under DISC (a forgotten call, a late report), otherwise the host set for it.
#[utoipa::path(
    tag = "discipline",
    params(RosterParams),
    responses((status = 200, body = Vec<HostDayView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn roster(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Query(params): Query<RosterParams>,
) -> Result<HttpResponse, ApiError> {
    let days = state
        .read(move |connection| Ok(service::roster(connection, params.from.0, params.to.0)?))
        .await?;
    let views: Vec<HostDayView> = days
        .into_iter()
        .map(|day| {
            let (employee_id, source, discipline_record_id) = match day.host {
                Some((id, HostSource::Base)) => (Some(id), Some("base"), None),
                Some((
                    id,
                    HostSource::Owed {
                        discipline_record_id,
                    },
                )) => (Some(id), Some("owed"), Some(discipline_record_id)),
                None => (None, None, None),
            };
            HostDayView {
                date: IsoDate(day.date),
                employee_id,
                source: source.map(str::to_owned),
                discipline_record_id,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetHost {
    pub employee_id: String,
    /// The day's current version; absent before its first host.
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HostSetView {
    pub date: IsoDate,
    pub employee_id: String,
    /// The staff account that set it.
    pub set_by: String,
    pub updated_at: Instant,
    pub version: i64,
}

impl From<MeetingHostDay> for HostSetView {
    fn from(day: MeetingHostDay) -> Self {
        HostSetView {
            date: IsoDate(day.day),
            employee_id: day.employee_id,
            set_by: day.set_by,
            updated_at: Instant::from_utc(day.updated_at),
            version: day.version,
        }
    }
}

/// Set who hosts the daily meeting on a working day (managers, HR); 422 naming `date` for a
/// day off, 412 for a stale version. A day someone owes under DISC stays theirs.
#[utoipa::path(
    tag = "discipline",
    params(("date" = IsoDate, Path, description = "YYYY-MM-DD", example = "2026-03-02")),
    request_body = SetHost,
    responses((status = 200, body = HostSetView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{date}")]
async fn set_host(
    state: web::Data<AppState>,
    caller: Authorized<MeetingHostSetters>,
    date: web::Path<String>,
    Json(body): Json<SetHost>,
) -> Result<HttpResponse, ApiError> {
    let date = IsoDate::parse(&date).map_err(|message| ApiError::invalid_field("date", message))?;
    let view = state
        .write(move |connection| {
            let day =
                service::set_host(connection, &caller, date.0, &body.employee_id, body.version)?;
            Ok(HostSetView::from(day))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingReport {
    /// The member who was to report.
    pub employee_id: String,
    /// When the host called the count.
    pub called_at: Instant,
    /// When the member reported; absent when they did not.
    pub reported_at: Option<Instant>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingReportView {
    /// Reported more than 10 minutes after the call (or not at all).
    pub late: bool,
    /// The `meeting_report_late` discipline record made for a late report; it waits for the
    /// member's statement (ACC-3) like every other record.
    pub discipline_record_id: Option<String>,
}

/// A member's report on the host's call (DISC meeting host; those who record discipline for
/// the member). Up to 10:00 minutes after the call is on time and records nothing; later, or
/// no report, records `meeting_report_late` (1st: warning and a hosting day; 2nd and later:
/// 100.00 and a hosting day, once confirmed).
#[utoipa::path(
    tag = "discipline",
    request_body = MeetingReport,
    responses((status = 200, body = MeetingReportView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn record_report(
    state: web::Data<AppState>,
    caller: Authorized<DisciplineOfficers>,
    Json(body): Json<MeetingReport>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.meeting_policy;
    let view = state
        .write(move |connection| {
            let record = service::record_report(
                connection,
                &caller,
                &policy,
                &body.employee_id,
                body.called_at.0,
                body.reported_at.map(|at| at.0),
            )?;
            Ok(MeetingReportView {
                late: record.is_some(),
                discipline_record_id: record.map(|r| r.id),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
