//! CAL: the business calendar — official schedules per year, day lookups and working-day
//! arithmetic.

use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::calendar::{
    DayKind, FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR, ScheduleDay, ScheduleProblem,
};
use zhidu_service::calendar::{self as service, ScheduleFile, StoreError, StoredYear};

use crate::auth::{Admins, Authorized, Staff};
use crate::error::{ApiError, AuthErrors, BodyErrors, FieldError, Invalid, Unavailable};
use crate::extract::{Json, Query};
use crate::input::{Bounded, Items};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(import_year)
        .service(get_year)
        .service(get_day)
        .service(add_working_days);
}

/// One entry of the holiday-cn format.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct HolidayDay {
    #[schema(example = "国庆节")]
    pub name: String,
    pub date: IsoDate,
    /// `true`: a public holiday; `false`: a make-up working day (调休上班).
    #[serde(rename = "isOffDay")]
    pub is_off_day: bool,
}

/// A year's official schedule in the holiday-cn JSON format (`$schema`, `$id` are ignored).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct HolidaySchedule {
    #[schema(example = 2026)]
    pub year: i32,
    /// The State Council notices the schedule comes from.
    pub papers: Option<Items<String, 0, 20>>,
    /// A year has at most 366 days.
    pub days: Items<HolidayDay, 0, 366>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearView {
    pub year: i32,
    /// CAL-2: true when no official schedule is loaded for the year.
    pub provisional: bool,
    pub papers: Vec<String>,
    pub imported_at: Option<Instant>,
    pub imported_by: Option<String>,
    pub days: Vec<HolidayDay>,
}

impl CalendarYearView {
    fn from_stored(year: i32, stored: Option<StoredYear>) -> Result<Self, StoreError> {
        Ok(match stored {
            None => CalendarYearView {
                year,
                provisional: true,
                papers: Vec::new(),
                imported_at: None,
                imported_by: None,
                days: Vec::new(),
            },
            Some(stored) => CalendarYearView {
                year,
                provisional: !stored.year.published,
                papers: stored.year.paper_list()?,
                imported_at: Some(Instant::from_utc(stored.year.imported_at)),
                imported_by: Some(stored.year.imported_by),
                days: stored
                    .days
                    .into_iter()
                    .map(|d| HolidayDay {
                        name: d.name,
                        date: IsoDate(d.date),
                        is_off_day: d.is_off_day,
                    })
                    .collect(),
            },
        })
    }
}

/// `/years/{year}`: a year the calendar covers.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct YearPath {
    /// The year, e.g. 2027.
    year: Bounded<{ FIRST_CALENDAR_YEAR as i64 }, { LAST_CALENDAR_YEAR as i64 }>,
}

impl YearPath {
    fn year(&self) -> i32 {
        // Within the calendar's range, so it fits.
        i32::try_from(self.year.get()).unwrap_or(LAST_CALENDAR_YEAR)
    }
}

impl From<HolidaySchedule> for ScheduleFile {
    fn from(file: HolidaySchedule) -> Self {
        ScheduleFile {
            year: file.year,
            papers: file.papers.map(Items::into_vec).unwrap_or_default(),
            days: file
                .days
                .into_iter()
                .map(|d| ScheduleDay {
                    date: d.date.0,
                    name: d.name,
                    is_off_day: d.is_off_day,
                })
                .collect(),
        }
    }
}

/// CAL-1's refusal of a schedule file as problem+json. Each problem is between entries, or
/// between the file and the year it is sent for: all are named, the first leads.
pub fn schedule_refused(problems: Vec<ScheduleProblem>) -> ApiError {
    let errors: Vec<FieldError> = problems
        .into_iter()
        .map(|p| FieldError {
            field: p.field,
            message: p.message,
        })
        .collect();
    let refusal = match errors.first() {
        Some(first) => ApiError::field_refused(first.field.clone(), first.message.clone()),
        None => ApiError::field_refused("year", "the schedule is refused"),
    };
    refusal.with_errors(errors)
}

/// Import or replace a year's official schedule (admin, CAL-1).
///
/// The body is a holiday-cn file. It must be for the year in the path, list only dates of that
/// year, each once. Past stored results are not recomputed (CAL-2).
#[utoipa::path(
    tag = "calendar",
    params(YearPath),
    request_body = HolidaySchedule,
    responses((status = 200, body = CalendarYearView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[put("/years/{year}")]
async fn import_year(
    state: web::Data<AppState>,
    caller: Authorized<Admins>,
    path: web::Path<YearPath>,
    Json(schedule): Json<HolidaySchedule>,
) -> Result<HttpResponse, ApiError> {
    let year = path.year();
    let (validated, papers) =
        service::schedule_from_file(year, schedule.into()).map_err(schedule_refused)?;
    let actor = caller.actor;
    let stored = state
        .write(move |connection| {
            Ok(service::import_year(
                connection, &actor, &validated, &papers,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CalendarYearView::from_stored(year, Some(stored))?))
}

/// A year's schedule; a year never imported answers `provisional: true` with no days.
#[utoipa::path(
    tag = "calendar",
    params(YearPath),
    responses((status = 200, body = CalendarYearView), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/years/{year}")]
async fn get_year(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    path: web::Path<YearPath>,
) -> Result<HttpResponse, ApiError> {
    let year = path.year();
    let stored = state
        .read(move |connection| Ok(service::find_year(connection, year)?))
        .await?;
    Ok(HttpResponse::Ok().json(CalendarYearView::from_stored(year, stored)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayView {
    pub date: IsoDate,
    pub working: bool,
    #[schema(value_type = String, example = "public_holiday")]
    pub kind: DayKind,
    /// The holiday's name, for holidays and their make-up working days.
    pub name: Option<String>,
    pub provisional: bool,
}

/// Whether a date is a working day, and why (CAL-1, CAL-2).
#[utoipa::path(
    tag = "calendar",
    params(("date" = IsoDate, Path, description = "YYYY-MM-DD", example = "2026-10-01")),
    responses((status = 200, body = CalendarDayView), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/days/{date}")]
async fn get_day(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    date: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let date = IsoDate::parse(&date).map_err(|message| ApiError::invalid_field("date", message))?;
    let day = state
        .read(move |connection| Ok(service::day(connection, date.0)?))
        .await?;
    Ok(HttpResponse::Ok().json(CalendarDayView {
        date,
        working: day.working,
        kind: day.kind,
        name: day.name,
        provisional: day.provisional,
    }))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AddWorkingDaysParams {
    /// The start date; it is not counted itself.
    #[param(example = "2026-09-30")]
    pub from: IsoDate,
    /// How many working days after `from`.
    #[param(example = 5)]
    pub days: Bounded<1, 3660>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingDayResult {
    pub from: IsoDate,
    pub days: u32,
    /// The Nth working day after `from`.
    pub date: IsoDate,
    /// True when a year on the way has no official schedule (CAL-2).
    pub provisional: bool,
}

/// The Nth working day after a date (CAL-4).
#[utoipa::path(
    tag = "calendar",
    params(AddWorkingDaysParams),
    responses((status = 200, body = WorkingDayResult), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/working-days/add")]
async fn add_working_days(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Query(params): Query<AddWorkingDaysParams>,
) -> Result<HttpResponse, ApiError> {
    // 1–3660 always fits.
    let days = u32::try_from(params.days.get()).unwrap_or(u32::MAX);
    let from = params.from.0;
    let due = state
        .read(move |connection| Ok(service::add_working_days(connection, from, days)?))
        .await?;
    Ok(HttpResponse::Ok().json(WorkingDayResult {
        from: params.from,
        days,
        date: IsoDate(due.value),
        provisional: due.provisional,
    }))
}
