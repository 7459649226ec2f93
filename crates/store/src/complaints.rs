//! CMP: complaints, their routing and escalations, and on-site dispatches with expenses.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, update_versioned};
use crate::schema::{complaint_dispatches, complaints};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = complaints, treat_none_as_null = true)]
pub struct Complaint {
    pub id: String,
    /// Every complaint is also a `complaint` work order with its reply deadline (CMP-4).
    pub work_order_id: String,
    pub accused_employee_id: Option<String>,
    /// `customer_service`, `department_manager`, `superior` or `managers_meeting`.
    pub route: String,
    pub handler_employee_id: Option<String>,
    pub inform_accused: bool,
    /// `open` or `resolved`.
    pub status: String,
    pub escalations: i64,
    pub result: Option<String>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = complaint_dispatches)]
pub struct Dispatch {
    pub id: String,
    pub complaint_id: String,
    pub employee_id: String,
    pub reason: String,
    pub dispatched_at: PrimitiveDateTime,
    pub expenses_fen: i64,
    /// JSON array of receipt references.
    pub receipts: String,
    pub recorded_by: String,
}

pub fn insert(
    connection: &mut DbConnection,
    actor: &Actor,
    complaint: &Complaint,
) -> StoreResult<()> {
    diesel::insert_into(complaints::table)
        .values(complaint)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "complaint.create",
        ("complaint", &complaint.id),
        None::<&()>,
        Some(complaint),
    )
}

pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Complaint>> {
    Ok(complaints::table
        .find(id)
        .select(Complaint::as_select())
        .first(connection)
        .optional()?)
}

pub fn save(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &Complaint,
    after: &Complaint,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, complaints, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("complaint", &before.id),
        Some(before),
        Some(after),
    )
}

/// Open complaints taking `route`, oldest first.
pub fn open_on_route(connection: &mut DbConnection, route: &str) -> StoreResult<Vec<Complaint>> {
    Ok(complaints::table
        .filter(complaints::route.eq(route))
        .filter(complaints::status.eq("open"))
        .order(complaints::id.asc())
        .select(Complaint::as_select())
        .load(connection)?)
}

pub fn insert_dispatch(
    connection: &mut DbConnection,
    actor: &Actor,
    dispatch: &Dispatch,
) -> StoreResult<()> {
    diesel::insert_into(complaint_dispatches::table)
        .values(dispatch)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "complaint.dispatch",
        ("complaint", &dispatch.complaint_id),
        None::<&()>,
        Some(dispatch),
    )
}

pub fn dispatches(connection: &mut DbConnection, complaint_id: &str) -> StoreResult<Vec<Dispatch>> {
    Ok(complaint_dispatches::table
        .filter(complaint_dispatches::complaint_id.eq(complaint_id))
        .order(complaint_dispatches::id.asc())
        .select(Dispatch::as_select())
        .load(connection)?)
}
