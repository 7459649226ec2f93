//! DISC: the offense catalog, discipline records heard (ACC-3) before they are confirmed, and
//! the HR cases a dismissal step opens. Confirmed fines reach payroll through
//! the store's `fines_for_payroll`: the month they occurred in, or the next month
//! computed when that one is already approved.

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::discipline::{Offense, definition_problems};

use zhidu_service::discipline::{
    self as service, DisciplineRecord, HrCase, NewRecord, RecordQuery, StoredOffense, offense_of,
    readable_record, record_offense,
};

use crate::auth::{Admins, Authorized, DisciplineOfficers, PeopleAdmins, PeopleOverseers, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Bounded, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::views::{RecordFlags, RecordStatus, RecordView, record_view};
use crate::wire::{Instant, stored_utc};

/// Under `/discipline`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(list_offenses)
        .service(get_offense)
        .service(update_offense)
        .service(create_record)
        .service(list_records)
        .service(get_record)
        .service(record_statement)
        .service(confirm_record)
        .service(withdraw_record);
}

/// Under `/hr-cases`.
pub fn configure_hr_cases(config: &mut ServiceConfig) {
    config
        .service(list_hr_cases)
        .service(get_hr_case)
        .service(close_hr_case);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OffenseView {
    pub code: String,
    pub version: i64,
    pub updated_at: Instant,
    /// The ladder as stored; send it back (edited) with `PUT`.
    pub definition: Offense,
}

fn offense_view(stored: StoredOffense) -> Result<OffenseView, ApiError> {
    Ok(OffenseView {
        definition: offense_of(&stored.definition)?,
        code: stored.code,
        version: stored.version,
        updated_at: Instant::from_utc(stored.updated_at),
    })
}

/// The offense catalog (DISC), by code.
#[utoipa::path(
    tag = "discipline",
    responses((status = 200, body = Vec<OffenseView>), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[get("/offenses")]
async fn list_offenses(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
) -> Result<HttpResponse, ApiError> {
    let views = state
        .read(|connection| {
            service::list_offenses(connection)?
                .into_iter()
                .map(offense_view)
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

/// One offense and its ladder.
#[utoipa::path(
    tag = "discipline",
    params(("code" = String, Path, description = "Offense code, e.g. private_call")),
    responses((status = 200, body = OffenseView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/offenses/{code}")]
async fn get_offense(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let view = state
        .read(move |connection| offense_view(service::existing_offense(connection, &code)?))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OffenseUpdate {
    /// The new ladder; its `code` must be the one in the path.
    pub definition: Offense,
    pub version: i64,
}

/// Adjust an offense's ladder without a deploy (admin). Records already made keep the
/// ladder and penalty they were made with.
#[utoipa::path(
    tag = "discipline",
    params(("code" = String, Path, description = "Offense code")),
    request_body = OffenseUpdate,
    responses((status = 200, body = OffenseView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/offenses/{code}")]
async fn update_offense(
    state: web::Data<AppState>,
    caller: Authorized<Admins>,
    code: web::Path<String>,
    Json(request): Json<OffenseUpdate>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let mut errors: Vec<FieldError> = definition_problems(&request.definition)
        .into_iter()
        .map(|problem| FieldError {
            field: format!("definition.{}", problem.field),
            message: problem.message,
        })
        .collect();
    if request.definition.code != code {
        errors.push(FieldError {
            field: "definition.code".into(),
            message: format!("must be the code in the path ({code})"),
        });
    }
    if let Some(first) = errors.first() {
        return Err(ApiError::field_refused(&first.field, &first.message).with_errors(errors));
    }
    let saved = state
        .write(move |connection| {
            Ok(service::update_offense(
                connection,
                &caller.actor,
                &code,
                &request.definition,
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(offense_view(saved)?))
}

/// An offense to record, as the discipline desk sends it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewRecord)]
pub struct NewRecordRequest {
    pub employee_id: String,
    #[schema(example = "private_call")]
    pub offense_code: String,
    /// When it happened; not in the future.
    pub occurred_at: Instant,
    pub details: Text<1, 4000>,
    /// Persons or visits, for an offense fined per unit (default 1).
    pub count: Option<Bounded<1, 1000>>,
    #[serde(default)]
    pub flags: RecordFlags,
}

impl From<NewRecordRequest> for NewRecord {
    fn from(request: NewRecordRequest) -> Self {
        NewRecord {
            employee_id: request.employee_id,
            offense_code: request.offense_code,
            occurred_at: stored_utc(request.occurred_at.0),
            details: request.details.into_string(),
            // 1–1000 always fits.
            count: request
                .count
                .map(|count| i32::try_from(count.get()).unwrap_or(i32::MAX)),
            flags: request.flags.into(),
        }
    }
}

/// Record an offense (DISC): the ladder step that applies given the employee's prior
/// confirmed records of it in the window; the record then waits for the employee's
/// statement (ACC-3).
#[utoipa::path(
    tag = "discipline",
    request_body = NewRecordRequest,
    responses((status = 201, body = RecordView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("/records")]
async fn create_record(
    state: web::Data<AppState>,
    caller: Authorized<DisciplineOfficers>,
    Json(request): Json<NewRecordRequest>,
) -> Result<HttpResponse, ApiError> {
    let record = state
        .write(move |connection| Ok(record_offense(connection, &caller, request.into())?))
        .await?;
    Ok(HttpResponse::Created().json(record_view(record)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RecordListParams {
    /// Whose records; defaults to the caller's own (HR, the general manager and the
    /// customer-service manager: everyone's).
    pub employee: Option<String>,
    pub status: Option<RecordStatus>,
    /// An offense code.
    pub offense: Option<String>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Discipline records in the order they were made. An employee sees only their own.
#[utoipa::path(
    tag = "discipline",
    params(RecordListParams),
    responses((status = 200, body = Page<RecordView>), AuthErrors, Invalid, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/records")]
async fn list_records(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<RecordListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit();
    let query = RecordQuery {
        employee: params.employee,
        status: params.status,
        offense_code: params.offense,
        after_id: page.after_id(),
        limit,
    };
    let rows = state
        .read(move |connection| Ok(service::list_records(connection, &caller, query)?))
        .await?;
    let page = Page::from_rows(rows, limit, |r: &DisciplineRecord| &r.id);
    let items = page
        .items
        .into_iter()
        .map(record_view)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One discipline record (404 for a record the caller may not read).
#[utoipa::path(
    tag = "discipline",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = RecordView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/records/{id}")]
async fn get_record(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = state
        .read(move |connection| Ok(readable_record(connection, &caller, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(record_view(record)?))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DisciplineStatementRequest)]
pub struct StatementRequest {
    pub statement: Text<1, 4000>,
    /// Required when HR records the statement on the employee's behalf: how it was taken.
    pub note: Option<Text<0, 1000>>,
    pub version: i64,
}

/// Record the employee's own statement (ACC-3): by the employee through their own account, or
/// by HR on their behalf with a note. The record then awaits confirmation.
#[utoipa::path(
    operation_id = "record_discipline_statement",
    tag = "discipline",
    params(("id" = String, Path, description = "Record id")),
    request_body = StatementRequest,
    responses((status = 200, body = RecordView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/records/{id}/statement")]
async fn record_statement(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<StatementRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = state
        .write(move |connection| {
            Ok(service::record_statement(
                connection,
                &caller,
                &id,
                request.version,
                &request.statement,
                request.note.as_deref(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record_view(record)?))
}

/// Confirm the penalty (a manager of the employee, the customer-service manager, HR, the
/// general manager or admin). Refused (409, ACC-3) until the statement is recorded. The
/// occurrence is recounted now, from the ladder the record was made with; a dismissal step
/// opens an HR case in the same transaction.
#[utoipa::path(
    tag = "discipline",
    params(("id" = String, Path, description = "Record id")),
    request_body = VersionOnly,
    responses((status = 200, body = RecordView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/records/{id}/confirmation")]
async fn confirm_record(
    state: web::Data<AppState>,
    caller: Authorized<DisciplineOfficers>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = state
        .write(move |connection| {
            Ok(service::confirm_record(
                connection,
                &caller,
                &id,
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record_view(record)?))
}

/// Withdraw a record made in error (its recorder, or HR), only before confirmation.
#[utoipa::path(
    tag = "discipline",
    params(("id" = String, Path, description = "Record id")),
    request_body = VersionOnly,
    responses((status = 200, body = RecordView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/records/{id}/withdrawal")]
async fn withdraw_record(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = state
        .write(move |connection| {
            Ok(service::withdraw_record(
                connection,
                &caller,
                &id,
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record_view(record)?))
}

pub use zhidu_domain::discipline::HrCaseStatus;

#[derive(Debug, Serialize, ToSchema)]
pub struct HrCaseView {
    pub id: String,
    pub employee_id: String,
    /// `dismissal`.
    pub kind: String,
    /// What opened it, e.g. `discipline_record`.
    pub source_type: String,
    pub source_id: String,
    /// `open` or `closed`.
    pub status: String,
    pub note: String,
    pub closing_note: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

impl From<HrCase> for HrCaseView {
    fn from(case: HrCase) -> Self {
        HrCaseView {
            id: case.id,
            employee_id: case.employee_id,
            kind: case.kind,
            source_type: case.source_type,
            source_id: case.source_id,
            status: case.status,
            note: case.note,
            closing_note: case.closing_note,
            closed_by: case.closed_by,
            closed_at: case.closed_at.map(Instant::from_utc),
            version: case.version,
            created_at: Instant::from_utc(case.created_at),
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HrCaseListParams {
    pub status: Option<HrCaseStatus>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// HR cases (a dismissal step opens one), in the order they were opened.
#[utoipa::path(
    tag = "hr-cases",
    params(HrCaseListParams),
    responses((status = 200, body = Page<HrCaseView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_hr_cases(
    state: web::Data<AppState>,
    _caller: Authorized<PeopleOverseers>,
    Query(params): Query<HrCaseListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after_id = page.after_id();
    let limit = page.limit();
    let rows = state
        .read(move |connection| {
            Ok(service::list_hr_cases(
                connection,
                params.status,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(Page::from_rows(rows, limit, |c: &HrCase| &c.id).map(HrCaseView::from)))
}

/// One HR case.
#[utoipa::path(
    tag = "hr-cases",
    params(("id" = String, Path, description = "HR case id")),
    responses((status = 200, body = HrCaseView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_hr_case(
    state: web::Data<AppState>,
    _caller: Authorized<PeopleOverseers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let case = state
        .read(move |connection| Ok(service::existing_hr_case(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(HrCaseView::from(case)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HrCaseClosure {
    /// What was done (e.g. the dismissal carried out on a date).
    pub note: Text<1, 2000>,
    pub version: i64,
}

/// Close an HR case with a note (HR).
#[utoipa::path(
    tag = "hr-cases",
    params(("id" = String, Path, description = "HR case id")),
    request_body = HrCaseClosure,
    responses((status = 200, body = HrCaseView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/closure")]
async fn close_hr_case(
    state: web::Data<AppState>,
    caller: Authorized<PeopleAdmins>,
    id: web::Path<String>,
    Json(request): Json<HrCaseClosure>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let case = state
        .write(move |connection| {
            Ok(service::close_hr_case(
                connection,
                &caller,
                &id,
                request.version,
                &request.note,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(HrCaseView::from(case)))
}
