//! DISC: the offense catalog, discipline records heard (ACC-3) before they are confirmed, and
//! the HR cases a dismissal step opens. Confirmed fines reach payroll through
//! `zhidu_store::discipline::fines_for_payroll`: the month they occurred in, or the next month
//! computed when that one is already approved.

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::discipline::{
    Offense, OffenseCatalog, Penalty, RecordFacts, counting_window, definition_problems,
    penalty_for,
};
use zhidu_domain::money::Money;
use zhidu_store::audit::Actor;
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::discipline::{
    self as store, DisciplineRecord, HrCase, RecordFilter, StoredOffense,
};
use zhidu_store::people::{self, Employee};
use zhidu_store::{StoreError, new_id};

use zhidu_service::access::employees::{listing_subject, may_read_employee};
use zhidu_service::people::existing_employee;

use crate::auth::{
    Admins, Authorized, DisciplineOfficers, PeopleAdmins, PeopleOverseers, Role, Staff,
};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Bounded, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, local_midnight_utc, stored_utc};
use zhidu_service::access::Identity;

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

fn offense_of(stored: &str) -> Result<Offense, ApiError> {
    serde_json::from_str(stored)
        .map_err(|e| ApiError::from(StoreError::Corrupt(format!("offense definition: {e}"))))
}

/// Roles that read and decide every employee's discipline: the customer-service department's
/// manager oversees its rules, HR and the general manager everyone's.
const DECIDES_FOR_EVERYONE: &[Role] =
    &[Role::Admin, Role::Hr, Role::GeneralManager, Role::CsManager];

/// Whether the caller may record or confirm discipline for `employee`: the roles above, or a
/// manager who manages them (head of their department or their superior).
fn may_decide_for<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    employee: &Employee,
) -> Result<bool, ApiError> {
    if caller.has_any(DECIDES_FOR_EVERYONE) {
        return Ok(true);
    }
    if !caller.has_any(&[Role::Manager]) {
        return Ok(false);
    }
    Ok(
        match people::employee_of_user(connection, &caller.claims.sub)? {
            Some(me) => people::manages(connection, &me.id, employee)?,
            None => false,
        },
    )
}

fn may_read_record<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    record: &DisciplineRecord,
) -> Result<bool, ApiError> {
    if caller.has_any(DECIDES_FOR_EVERYONE) {
        return Ok(true);
    }
    let employee = people::find_employee(connection, &record.employee_id)?
        .ok_or_else(|| ApiError::internal("discipline record without its employee"))?;
    Ok(may_read_employee(connection, caller, &employee)?)
}

/// The record `id` if the caller may read it; otherwise 404, so ids cannot be probed.
fn readable_record<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    id: &str,
) -> Result<DisciplineRecord, ApiError> {
    let not_found = || ApiError::not_found(format!("no discipline record {id}"));
    let record = store::find_record(connection, id)?.ok_or_else(not_found)?;
    if may_read_record(connection, caller, &record)? {
        Ok(record)
    } else {
        Err(not_found())
    }
}

fn at_version(record: DisciplineRecord, version: i64) -> Result<DisciplineRecord, ApiError> {
    if record.version != version {
        return Err(ApiError::stale(format!(
            "discipline record {} is at version {}, not {version}",
            record.id, record.version
        )));
    }
    Ok(record)
}

fn next_version(record: &DisciplineRecord, at: Moment) -> DisciplineRecord {
    DisciplineRecord {
        version: record.version + 1,
        updated_at: at.stored(),
        ..record.clone()
    }
}

/// DISC: how many confirmed records of the offense the employee has in the window of
/// `occurred_at`, and the penalty that makes this record's.
fn decide_penalty(
    connection: &mut DbConnection,
    employee_id: &str,
    offense: &Offense,
    occurred_at: PrimitiveDateTime,
    facts: &RecordFacts,
) -> Result<Penalty, ApiError> {
    let local_day = occurred_at.assume_utc().to_offset(SHANGHAI).date();
    let window = counting_window(offense.window, local_day)
        .map(|(first, next)| (local_midnight_utc(first), local_midnight_utc(next)));
    let prior = store::confirmed_occurrences(connection, employee_id, &offense.code, window)?;
    Ok(penalty_for(
        offense,
        u32::try_from(prior).unwrap_or(u32::MAX),
        facts,
    ))
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

/// Facts of a record that move its penalty.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordFlags {
    /// The company discovered the offense itself (false accounts: dismissal at once).
    #[serde(default)]
    pub discovered_by_company: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    PendingStatement,
    AwaitingConfirmation,
    Confirmed,
    Withdrawn,
}

impl RecordStatus {
    fn as_str(self) -> &'static str {
        match self {
            RecordStatus::PendingStatement => "pending_statement",
            RecordStatus::AwaitingConfirmation => "awaiting_confirmation",
            RecordStatus::Confirmed => "confirmed",
            RecordStatus::Withdrawn => "withdrawn",
        }
    }

    fn of(text: &str) -> Result<Self, ApiError> {
        [
            RecordStatus::PendingStatement,
            RecordStatus::AwaitingConfirmation,
            RecordStatus::Confirmed,
            RecordStatus::Withdrawn,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
        .ok_or_else(|| ApiError::from(StoreError::Corrupt(format!("record status {text}"))))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordView {
    pub id: String,
    pub employee_id: String,
    pub offense_code: String,
    /// The catalog version of the offense the record was made under.
    pub offense_version: i64,
    pub occurred_at: Instant,
    pub details: String,
    /// Persons or visits the fine is multiplied by.
    pub count: i32,
    pub flags: RecordFlags,
    /// The occurrence within the window (recounted at confirmation).
    pub occurrence: i32,
    /// The ladder step that applies: warning, notice, fine, dismissal, other consequences.
    pub penalty: Penalty,
    pub fine: Money,
    pub status: RecordStatus,
    /// ACC-3: the employee's own statement.
    pub statement: Option<String>,
    /// Why HR recorded the statement on the employee's behalf.
    pub statement_note: Option<String>,
    pub statement_at: Option<Instant>,
    pub statement_by: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<Instant>,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: Instant,
}

pub fn record_view(record: DisciplineRecord) -> Result<RecordView, ApiError> {
    let corrupt = |what: &str, e: serde_json::Error| {
        ApiError::from(StoreError::Corrupt(format!("record {what}: {e}")))
    };
    Ok(RecordView {
        penalty: serde_json::from_str(&record.penalty).map_err(|e| corrupt("penalty", e))?,
        flags: serde_json::from_str(&record.flags).map_err(|e| corrupt("flags", e))?,
        status: RecordStatus::of(&record.status)?,
        fine: Money::from_fen(record.fine_fen),
        id: record.id,
        employee_id: record.employee_id,
        offense_code: record.offense_code,
        offense_version: record.offense_version,
        occurred_at: Instant::from_utc(record.occurred_at),
        details: record.details,
        count: record.unit_count,
        occurrence: record.occurrence,
        statement: record.statement,
        statement_note: record.statement_note,
        statement_at: record.statement_at.map(Instant::from_utc),
        statement_by: record.statement_by,
        confirmed_by: record.confirmed_by,
        confirmed_at: record.confirmed_at.map(Instant::from_utc),
        recorded_by: record.recorded_by,
        version: record.version,
        created_at: Instant::from_utc(record.created_at),
    })
}

/// Writes the penalty's parts into the record's columns.
fn with_penalty(record: DisciplineRecord, penalty: &Penalty) -> Result<DisciplineRecord, ApiError> {
    Ok(DisciplineRecord {
        occurrence: i32::try_from(penalty.occurrence).unwrap_or(i32::MAX),
        penalty: serde_json::to_string(penalty).map_err(ApiError::internal)?,
        fine_fen: penalty.fine.fen(),
        ..record
    })
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

/// An offense to record: from the discipline desk, or built by a rule that turns a breach into
/// one (CARE-3), whose text and count no client typed.
#[derive(Debug)]
pub struct NewRecord {
    pub employee_id: String,
    pub offense_code: String,
    pub occurred_at: Instant,
    pub details: String,
    pub count: Option<i32>,
    pub flags: RecordFlags,
}

impl From<NewRecordRequest> for NewRecord {
    fn from(request: NewRecordRequest) -> Self {
        NewRecord {
            employee_id: request.employee_id,
            offense_code: request.offense_code,
            occurred_at: request.occurred_at,
            details: request.details.into_string(),
            // 1–1000 always fits.
            count: request
                .count
                .map(|count| i32::try_from(count.get()).unwrap_or(i32::MAX)),
            flags: request.flags,
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
        .write(move |connection| record_offense(connection, &caller, request.into()))
        .await?;
    Ok(HttpResponse::Created().json(record_view(record)?))
}

/// Records an offense (DISC) for `caller` in the open transaction: the ladder step that
/// applies given the employee's prior confirmed records of it in the window. Shared by the
/// discipline desk and the rules that turn a breach into an offense (CARE-3).
pub fn record_offense<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    request: NewRecord,
) -> Result<DisciplineRecord, ApiError> {
    if request.occurred_at.0 > caller.actor.at.instant() {
        return Err(ApiError::field_refused(
            "occurred_at",
            "must not be in the future",
        ));
    }
    let stored = store::find_offense(connection, &request.offense_code)?.ok_or_else(|| {
        ApiError::field_refused(
            "offense_code",
            format!(
                "no offense {}; GET /api/v1/discipline/offenses lists them",
                request.offense_code
            ),
        )
    })?;
    let offense = offense_of(&stored.definition)?;
    let employee = existing_employee(connection, "employee_id", &request.employee_id)?;
    if !may_decide_for(connection, caller, &employee)? {
        return Err(ApiError::forbidden(
            "a manager records discipline only for the employees they manage",
        ));
    }
    let count = request.count.unwrap_or(1);
    if count > 1 && offense.counted_per.is_none() {
        return Err(ApiError::field_refused(
            "count",
            format!(
                "{} is not fined per person or visit; record it once per person",
                offense.code
            ),
        ));
    }
    if request.flags.discovered_by_company && offense.when_discovered_by_company.is_none() {
        return Err(ApiError::field_refused(
            "flags.discovered_by_company",
            format!("{} has no rule for discovery by the company", offense.code),
        ));
    }
    open_record(
        connection,
        &caller.actor,
        &caller.claims.sub,
        NewOffenseRecord {
            employee_id: employee.id,
            stored,
            occurred_at: stored_utc(request.occurred_at.0),
            details: request.details.trim().to_owned(),
            count,
            flags: request.flags,
        },
    )
}

/// An offense to record, once its inputs are checked.
pub(crate) struct NewOffenseRecord {
    pub employee_id: String,
    pub stored: StoredOffense,
    pub occurred_at: PrimitiveDateTime,
    pub details: String,
    pub count: i32,
    pub flags: RecordFlags,
}

/// DISC: records an offense with the ladder step its prior confirmed occurrences make, waiting
/// for the employee's statement (ACC-3). Every way an offense is recorded ends here: the
/// discipline desk and CARE-3 through `record_offense`, LEAD-1's duplicate invitation directly.
pub(crate) fn open_record(
    connection: &mut DbConnection,
    actor: &Actor,
    recorded_by: &str,
    new: NewOffenseRecord,
) -> Result<DisciplineRecord, ApiError> {
    let offense = offense_of(&new.stored.definition)?;
    let facts = RecordFacts {
        count: u32::try_from(new.count).unwrap_or(1),
        discovered_by_company: new.flags.discovered_by_company,
    };
    let penalty = decide_penalty(
        connection,
        &new.employee_id,
        &offense,
        new.occurred_at,
        &facts,
    )?;
    let now = actor.at.stored();
    let record = with_penalty(
        DisciplineRecord {
            id: new_id(),
            employee_id: new.employee_id,
            offense_code: new.stored.code,
            offense_version: new.stored.version,
            offense_definition: new.stored.definition,
            occurred_at: new.occurred_at,
            details: new.details,
            unit_count: new.count,
            flags: serde_json::to_string(&new.flags).map_err(ApiError::internal)?,
            occurrence: 1,
            penalty: String::new(),
            fine_fen: 0,
            status: RecordStatus::PendingStatement.as_str().into(),
            statement: None,
            statement_note: None,
            statement_at: None,
            statement_by: None,
            confirmed_by: None,
            confirmed_at: None,
            recorded_by: recorded_by.to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        },
        &penalty,
    )?;
    store::insert_record(connection, actor, &record)?;
    Ok(record)
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
                caller.has_any(DECIDES_FOR_EVERYONE),
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
        .read(move |connection| readable_record(connection, &caller, &id))
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
                if !caller.has_any(&[Role::Admin, Role::Hr]) {
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
            let mut after = next_version(&before, caller.actor.at);
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
            let flags: RecordFlags = serde_json::from_str(&before.flags)
                .map_err(|e| ApiError::from(StoreError::Corrupt(format!("record flags: {e}"))))?;
            let facts = RecordFacts {
                count: u32::try_from(before.unit_count).unwrap_or(1),
                discovered_by_company: flags.discovered_by_company,
            };
            let penalty = decide_penalty(
                connection,
                &before.employee_id,
                &offense,
                before.occurred_at,
                &facts,
            )?;
            let mut after = with_penalty(next_version(&before, caller.actor.at), &penalty)?;
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
            if before.recorded_by != caller.claims.sub && !caller.has_any(&[Role::Admin, Role::Hr])
            {
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
            let mut after = next_version(&before, caller.actor.at);
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
