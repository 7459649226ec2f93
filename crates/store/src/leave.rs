//! Leave requests (LEAVE-1..8) with the rules' assessment kept as it was at filing.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, update_versioned};
use crate::schema::leave_requests;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = leave_requests)]
pub struct LeaveRequest {
    pub id: String,
    pub employee_id: String,
    pub leave_type: String,
    pub first_day: Date,
    /// `am` or `pm`.
    pub first_half: String,
    pub last_day: Date,
    pub last_half: String,
    pub duration_half_days: i32,
    pub reason: String,
    /// The type's facts as JSON.
    pub facts: String,
    /// The domain's assessment at filing as JSON.
    pub assessment: String,
    /// Sick leave whose certificate (LEAVE-5) is on file.
    pub certified: bool,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    pub filed_at: PrimitiveDateTime,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_leave_request(
    connection: &mut DbConnection,
    actor: &Actor,
    request: &LeaveRequest,
) -> StoreResult<()> {
    diesel::insert_into(leave_requests::table)
        .values(request)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "leave_request.file",
        ("leave_request", &request.id),
        None::<&()>,
        Some(request),
    )
}

pub fn find_leave_request(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<LeaveRequest>> {
    Ok(leave_requests::table
        .find(id)
        .select(LeaveRequest::as_select())
        .first(connection)
        .optional()?)
}

/// Leave of the given employees (everyone when `None`) with one of `statuses` that touches
/// `first..=last`, ordered by employee and start.
pub fn leave_touching(
    connection: &mut DbConnection,
    employee_ids: Option<&[String]>,
    first: Date,
    last: Date,
    statuses: &[&str],
) -> StoreResult<Vec<LeaveRequest>> {
    let mut query = leave_requests::table
        .filter(leave_requests::status.eq_any(statuses.to_vec()))
        .filter(leave_requests::first_day.le(last))
        .filter(leave_requests::last_day.ge(first))
        .order((
            leave_requests::employee_id.asc(),
            leave_requests::first_day.asc(),
        ))
        .select(LeaveRequest::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(ids) = employee_ids {
        query = query.filter(leave_requests::employee_id.eq_any(ids.to_vec()));
    }
    Ok(query.load(connection)?)
}

/// Every pending or approved leave of one employee, for overlap, split and limit checks.
pub fn live_leave_of(
    connection: &mut DbConnection,
    employee_id: &str,
) -> StoreResult<Vec<LeaveRequest>> {
    Ok(leave_requests::table
        .filter(leave_requests::employee_id.eq(employee_id))
        .filter(leave_requests::status.eq_any(["pending", "approved"]))
        .order(leave_requests::first_day.asc())
        .select(LeaveRequest::as_select())
        .load(connection)?)
}

/// One employee's requests (every status), newest first, after `before_id`.
pub fn list_leave_requests(
    connection: &mut DbConnection,
    employee_id: Option<&str>,
    status: Option<&str>,
    before_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<LeaveRequest>> {
    let mut query = leave_requests::table
        .order(leave_requests::id.desc())
        .limit(limit + 1)
        .select(LeaveRequest::as_select())
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(employee) = employee_id {
        query = query.filter(leave_requests::employee_id.eq(employee.to_owned()));
    }
    if let Some(status) = status {
        query = query.filter(leave_requests::status.eq(status.to_owned()));
    }
    if let Some(before) = before_id {
        query = query.filter(leave_requests::id.lt(before.to_owned()));
    }
    Ok(query.load(connection)?)
}

pub fn update_leave_request(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &LeaveRequest,
    after: &LeaveRequest,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, leave_requests, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("leave_request", &before.id),
        Some(before),
        Some(after),
    )
}
