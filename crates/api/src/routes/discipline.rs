//! DISC: the offense catalog, discipline records heard (ACC-3) before they are confirmed, and
//! the HR cases a dismissal step opens. Confirmed fines reach payroll through
//! `zhidu_store::discipline::fines_for_payroll`: the month they occurred in, or the next month
//! computed when that one is already approved.

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::discipline::{Offense, OffenseCatalog, definition_problems};
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::discipline::{
    self as store, DisciplineRecord, HrCase, RecordFilter, StoredOffense,
};
use zhidu_store::new_id;
use zhidu_store::people;
use zhidu_store::versioned::Versioned;

use zhidu_service::access::employees::listing_subject;
use zhidu_service::access::{Identity, roles};
use zhidu_service::discipline::{
    NewRecord, decide_penalty, facts_of, may_decide_for, offense_of, readable_record,
    record_offense, with_penalty,
};
use zhidu_service::versioned::at_version;

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

/// Stores each offense of the RULES.md catalog whose code is not stored yet (at start-up);
/// offenses an administrator edited are left as they are.
pub fn seed_catalog(connection: &mut DbConnection, actor: &Actor) -> Result<(), ApiError> {
    let now = actor.at.stored();
    let rows = OffenseCatalog::default()
        .offenses
        .iter()
        .map(|offense| {
            Ok(StoredOffense {
                code: offense.code.clone(),
                definition: serde_json::to_string(offense).map_err(ApiError::internal)?,
                version: 1,
                created_at: now,
                updated_at: now,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    store::seed_missing_offenses(connection, actor, &rows)?;
    Ok(())
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

fn existing_offense(connection: &mut DbConnection, code: &str) -> Result<StoredOffense, ApiError> {
    store::find_offense(connection, code)?
        .ok_or_else(|| ApiError::not_found(format!("no offense {code}")))
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
            store::list_offenses(connection)?
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
        .read(move |connection| offense_view(existing_offense(connection, &code)?))
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
    let actor = caller.actor;
    let saved = state
        .write(move |connection| {
            let before = existing_offense(connection, &code)?;
            if before.version != request.version {
                return Err(ApiError::stale(format!(
                    "offense {code} is at version {}, not {}",
                    before.version, request.version
                )));
            }
            let after = StoredOffense {
                definition: serde_json::to_string(&request.definition)
                    .map_err(ApiError::internal)?,
                version: before.version + 1,
                updated_at: actor.at.stored(),
                ..before.clone()
            };
            store::save_offense(connection, &actor, &before, &after)?;
            Ok(after)
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
    let after_id = page.after_id();
    let limit = page.limit();
    let page = state
        .read(move |connection| {
            let employee_id = listing_subject(
                connection,
                &caller,
                params.employee,
                caller.has_any(roles::DISCIPLINE_FOR_EVERYONE),
                "employee",
            )?;
            let filter = RecordFilter {
                employee_id,
                status: params.status.map(|s| s.as_str().to_owned()),
                offense_code: params.offense,
                after_id,
                limit,
            };
            let rows = store::list_records(connection, &filter)?;
            let page = Page::from_rows(rows, limit, |r: &DisciplineRecord| &r.id);
            let items = page
                .items
                .into_iter()
                .map(record_view)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page {
                items,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
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
            let before = readable_record(connection, &caller, &id)?;
            let own = people::find_employee(connection, &before.employee_id)?
                .and_then(|e| e.user_id)
                .is_some_and(|user| user == caller.claims.sub);
            let note = request
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            if !own {
                if !caller.has_any(roles::PEOPLE_ADMINS) {
                    return Err(ApiError::forbidden(
                        "only the employee, or HR on their behalf, records the statement",
                    ));
                }
                if note.is_none() {
                    return Err(ApiError::field_refused(
                        "note",
                        "say how the statement was taken when recording it on the employee's behalf",
                    ));
                }
            }
            let before = at_version(before, request.version)?;
            if before.status != RecordStatus::PendingStatement.as_str() {
                return Err(ApiError::conflict(format!(
                    "record {id} is {}; a statement is recorded only while pending_statement",
                    before.status
                )));
            }
            let mut after = before.bumped(caller.actor.at.stored());
            after.statement = Some(request.statement.trim().to_owned());
            after.statement_note = if own { None } else { note.map(str::to_owned) };
            after.statement_at = Some(after.updated_at);
            after.statement_by = Some(caller.claims.sub.clone());
            after.status = RecordStatus::AwaitingConfirmation.as_str().into();
            store::save_record(
                connection,
                &caller.actor,
                "discipline_record.statement",
                &before,
                &after,
            )?;
            Ok(after)
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
            let before = readable_record(connection, &caller, &id)?;
            let employee = people::find_employee(connection, &before.employee_id)?
                .ok_or_else(|| ApiError::internal("discipline record without its employee"))?;
            if !may_decide_for(connection, &caller, &employee)? {
                return Err(ApiError::forbidden(
                    "a manager confirms discipline only for the employees they manage",
                ));
            }
            let before = at_version(before, request.version)?;
            match RecordStatus::of(&before.status)? {
                RecordStatus::AwaitingConfirmation => {}
                RecordStatus::PendingStatement => {
                    return Err(ApiError::conflict(
                        "the employee's own statement must be recorded before the penalty is confirmed (ACC-3)",
                    )
                    .with("rule", "ACC-3"));
                }
                other => {
                    return Err(ApiError::conflict(format!(
                        "record {id} is {}",
                        other.as_str()
                    )));
                }
            }
            store::lock_employee(connection, &before.employee_id)?;
            let offense = offense_of(&before.offense_definition)?;
            let facts = facts_of(&before)?;
            let penalty = decide_penalty(
                connection,
                &before.employee_id,
                &offense,
                before.occurred_at,
                &facts,
            )?;
            let mut after = with_penalty(before.bumped(caller.actor.at.stored()), &penalty)?;
            after.status = RecordStatus::Confirmed.as_str().into();
            after.confirmed_by = Some(caller.claims.sub.clone());
            after.confirmed_at = Some(after.updated_at);
            store::save_record(
                connection,
                &caller.actor,
                "discipline_record.confirm",
                &before,
                &after,
            )?;
            if penalty.dismissal {
                let case = HrCase {
                    id: new_id(),
                    employee_id: after.employee_id.clone(),
                    kind: "dismissal".into(),
                    source_type: "discipline_record".into(),
                    source_id: after.id.clone(),
                    status: "open".into(),
                    note: format!(
                        "DISC {}: occurrence {} confirmed — dismissal",
                        after.offense_code, penalty.occurrence
                    ),
                    closing_note: None,
                    closed_by: None,
                    closed_at: None,
                    version: 1,
                    created_at: after.updated_at,
                    updated_at: after.updated_at,
                };
                store::insert_hr_case(connection, &caller.actor, &case)?;
            }
            Ok(after)
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
            let before = readable_record(connection, &caller, &id)?;
            if before.recorded_by != caller.claims.sub && !caller.has_any(roles::PEOPLE_ADMINS) {
                return Err(ApiError::forbidden(
                    "only the recorder or HR withdraws a discipline record",
                ));
            }
            let before = at_version(before, request.version)?;
            if !matches!(
                RecordStatus::of(&before.status)?,
                RecordStatus::PendingStatement | RecordStatus::AwaitingConfirmation
            ) {
                return Err(ApiError::conflict(format!(
                    "record {id} is {}; only an unconfirmed record is withdrawn",
                    before.status
                )));
            }
            let mut after = before.bumped(caller.actor.at.stored());
            after.status = RecordStatus::Withdrawn.as_str().into();
            store::save_record(
                connection,
                &caller.actor,
                "discipline_record.withdraw",
                &before,
                &after,
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record_view(record)?))
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HrCaseStatus {
    Open,
    Closed,
}

impl HrCaseStatus {
    fn as_str(self) -> &'static str {
        match self {
            HrCaseStatus::Open => "open",
            HrCaseStatus::Closed => "closed",
        }
    }
}

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

fn existing_hr_case(connection: &mut DbConnection, id: &str) -> Result<HrCase, ApiError> {
    store::find_hr_case(connection, id)?
        .ok_or_else(|| ApiError::not_found(format!("no HR case {id}")))
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
            Ok(store::list_hr_cases(
                connection,
                params.status.map(HrCaseStatus::as_str),
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
        .read(move |connection| existing_hr_case(connection, &id))
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
            let before = existing_hr_case(connection, &id)?;
            if before.version != request.version {
                return Err(ApiError::stale(format!(
                    "HR case {id} is at version {}, not {}",
                    before.version, request.version
                )));
            }
            if before.status != HrCaseStatus::Open.as_str() {
                return Err(ApiError::conflict(format!("HR case {id} is closed")));
            }
            let now = caller.actor.at.stored();
            let after = HrCase {
                status: HrCaseStatus::Closed.as_str().into(),
                closing_note: Some(request.note.trim().to_owned()),
                closed_by: Some(caller.claims.sub.clone()),
                closed_at: Some(now),
                version: before.version + 1,
                updated_at: now,
                ..before.clone()
            };
            store::save_hr_case(connection, &caller.actor, "hr_case.close", &before, &after)?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(HrCaseView::from(case)))
}
