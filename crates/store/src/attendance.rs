//! Attendance records: clock punches, make-up punch requests (ATT-5) and exception forms
//! (ATT-4). The month's verdict is computed from these by the domain, never stored.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, update_versioned};
use crate::schema::{attendance_exceptions, attendance_punches, make_up_punch_requests};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = attendance_punches)]
pub struct Punch {
    pub id: String,
    pub employee_id: String,
    /// UTC, whole seconds.
    pub punched_at: PrimitiveDateTime,
    /// `device`, `manual` or `make_up`.
    pub source: String,
    pub device_id: Option<String>,
    pub created_at: PrimitiveDateTime,
}

/// Inserts the punches not already stored (same employee, same second) and returns how many
/// were new. The caller records the audit row: one per import, not one per punch.
pub fn insert_new_punches(connection: &mut DbConnection, punches: &[Punch]) -> StoreResult<usize> {
    let mut inserted = 0;
    // 6 columns: 5,000 rows stay under SQLite's 32,766 bind parameters.
    for chunk in punches.chunks(5_000) {
        inserted += match &mut *connection {
            DbConnection::Postgres(pg) => diesel::insert_into(attendance_punches::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(pg)?,
            DbConnection::Sqlite(sqlite) => {
                diesel::insert_or_ignore_into(attendance_punches::table)
                    .values(chunk)
                    .execute(sqlite)?
            }
        };
    }
    Ok(inserted)
}

/// Punches in `from..to` (UTC) of the given employees, or of everyone when `employee_ids` is
/// `None`, ordered by employee and time.
pub fn punches_between(
    connection: &mut DbConnection,
    employee_ids: Option<&[String]>,
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
) -> StoreResult<Vec<(String, PrimitiveDateTime)>> {
    let mut query = attendance_punches::table
        .filter(attendance_punches::punched_at.ge(from))
        .filter(attendance_punches::punched_at.lt(to))
        .order((
            attendance_punches::employee_id.asc(),
            attendance_punches::punched_at.asc(),
        ))
        .select((
            attendance_punches::employee_id,
            attendance_punches::punched_at,
        ))
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(ids) = employee_ids {
        query = query.filter(attendance_punches::employee_id.eq_any(ids.to_vec()));
    }
    Ok(query.load(connection)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = make_up_punch_requests)]
pub struct MakeUpRequest {
    pub id: String,
    pub employee_id: String,
    pub punched_at: PrimitiveDateTime,
    pub reason: String,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_make_up_request(
    connection: &mut DbConnection,
    actor: &Actor,
    request: &MakeUpRequest,
) -> StoreResult<()> {
    diesel::insert_into(make_up_punch_requests::table)
        .values(request)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "make_up_punch.request",
        ("make_up_punch", &request.id),
        None::<&()>,
        Some(request),
    )
}

pub fn find_make_up_request(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<MakeUpRequest>> {
    Ok(make_up_punch_requests::table
        .find(id)
        .select(MakeUpRequest::as_select())
        .first(connection)
        .optional()?)
}

/// ATT-5: the employee's make-up requests that are pending or approved.
pub fn live_make_up_requests(connection: &mut DbConnection, employee_id: &str) -> StoreResult<i64> {
    Ok(make_up_punch_requests::table
        .filter(make_up_punch_requests::employee_id.eq(employee_id))
        .filter(make_up_punch_requests::status.eq_any(["pending", "approved"]))
        .count()
        .get_result(connection)?)
}

pub fn update_make_up_request(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &MakeUpRequest,
    after: &MakeUpRequest,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, make_up_punch_requests, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("make_up_punch", &before.id),
        Some(before),
        Some(after),
    )
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = attendance_exceptions)]
pub struct ExceptionForm {
    pub id: String,
    pub employee_id: String,
    pub occurred_on: Date,
    /// `road_works` or `traffic_accident`.
    pub cause: String,
    pub reason: String,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_exception_form(
    connection: &mut DbConnection,
    actor: &Actor,
    form: &ExceptionForm,
) -> StoreResult<()> {
    diesel::insert_into(attendance_exceptions::table)
        .values(form)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "attendance_exception.file",
        ("attendance_exception", &form.id),
        None::<&()>,
        Some(form),
    )
}

pub fn find_exception_form(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<ExceptionForm>> {
    Ok(attendance_exceptions::table
        .find(id)
        .select(ExceptionForm::as_select())
        .first(connection)
        .optional()?)
}

/// Exception forms of the given employees (everyone when `None`) in `first..=last` with one of
/// `statuses`.
pub fn exception_forms_between(
    connection: &mut DbConnection,
    employee_ids: Option<&[String]>,
    first: Date,
    last: Date,
    statuses: &[&str],
) -> StoreResult<Vec<ExceptionForm>> {
    let mut query = attendance_exceptions::table
        .filter(attendance_exceptions::occurred_on.ge(first))
        .filter(attendance_exceptions::occurred_on.le(last))
        .filter(attendance_exceptions::status.eq_any(statuses.to_vec()))
        .order(attendance_exceptions::occurred_on.asc())
        .select(ExceptionForm::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(ids) = employee_ids {
        query = query.filter(attendance_exceptions::employee_id.eq_any(ids.to_vec()));
    }
    Ok(query.load(connection)?)
}

pub fn update_exception_form(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &ExceptionForm,
    after: &ExceptionForm,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, attendance_exceptions, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("attendance_exception", &before.id),
        Some(before),
        Some(after),
    )
}
