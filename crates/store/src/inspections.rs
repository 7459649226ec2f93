//! INSP-1..4: service points, inspections and their findings.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, update_versioned};
use crate::schema::{inspection_findings, inspections, service_points};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = service_points)]
pub struct ServicePoint {
    pub id: String,
    /// `business_hall`, `service_area` or `department`.
    pub kind: String,
    pub name: String,
    pub service_area_id: Option<String>,
    pub department_id: Option<String>,
    pub created_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = inspections)]
pub struct Inspection {
    pub id: String,
    pub service_point_id: String,
    pub inspected_on: Date,
    /// The supervisor's user id.
    pub supervisor: String,
    pub note: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = inspection_findings, treat_none_as_null = true)]
pub struct InspectionFinding {
    pub id: String,
    pub inspection_id: String,
    pub service_point_id: String,
    pub scope: String,
    pub severity: String,
    pub description: String,
    pub responsible_employee_id: String,
    /// The inspection's day.
    pub found_on: Date,
    /// INSP-2: 23:59:59 Shanghai time of the due day.
    pub due_at: PrimitiveDateTime,
    /// The due day was counted on a year without an official schedule (CAL-2).
    pub due_provisional: bool,
    /// `open`, `rectified`, `verified` or `reopened`.
    pub status: String,
    pub rectification_note: Option<String>,
    pub rectified_at: Option<PrimitiveDateTime>,
    pub rectified_by: Option<String>,
    /// The supervisor's note on verifying or reopening.
    pub review_note: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<PrimitiveDateTime>,
    /// INSP-3: reminders given (说服劝阻).
    pub reminders: i64,
    pub last_reminded_at: Option<PrimitiveDateTime>,
    /// INSP-3: the accountability case it was escalated into.
    pub accountability_case_id: Option<String>,
    pub escalated_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_point(
    connection: &mut DbConnection,
    actor: &Actor,
    point: &ServicePoint,
) -> StoreResult<()> {
    diesel::insert_into(service_points::table)
        .values(point)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "service_point.create",
        ("service_point", &point.id),
        None::<&()>,
        Some(point),
    )
}

pub fn find_point(connection: &mut DbConnection, id: &str) -> StoreResult<Option<ServicePoint>> {
    Ok(service_points::table
        .find(id)
        .select(ServicePoint::as_select())
        .first(connection)
        .optional()?)
}

pub fn find_point_named(
    connection: &mut DbConnection,
    name: &str,
) -> StoreResult<Option<ServicePoint>> {
    Ok(service_points::table
        .filter(service_points::name.eq(name))
        .select(ServicePoint::as_select())
        .first(connection)
        .optional()?)
}

/// One page of points by id (`limit + 1` rows, so the caller knows whether more follow).
pub fn list_points(
    connection: &mut DbConnection,
    after_id: Option<String>,
    limit: i64,
) -> StoreResult<Vec<ServicePoint>> {
    let mut query = service_points::table
        .select(ServicePoint::as_select())
        .order(service_points::id.asc())
        .limit(limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(service_points::id.gt(after));
    }
    Ok(query.load(connection)?)
}

/// INSP-4: every point with the time it was registered.
pub fn all_points(connection: &mut DbConnection) -> StoreResult<Vec<ServicePoint>> {
    Ok(service_points::table
        .select(ServicePoint::as_select())
        .order(service_points::id.asc())
        .load(connection)?)
}

/// An inspection with its findings, each audited.
pub fn insert_inspection(
    connection: &mut DbConnection,
    actor: &Actor,
    inspection: &Inspection,
    findings: &[InspectionFinding],
) -> StoreResult<()> {
    diesel::insert_into(inspections::table)
        .values(inspection)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "inspection.create",
        ("inspection", &inspection.id),
        None::<&()>,
        Some(inspection),
    )?;
    for finding in findings {
        diesel::insert_into(inspection_findings::table)
            .values(finding)
            .execute(connection)?;
        audit::record(
            connection,
            actor,
            "inspection_finding.create",
            ("inspection_finding", &finding.id),
            None::<&()>,
            Some(finding),
        )?;
    }
    Ok(())
}

pub fn find_inspection(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Inspection>> {
    Ok(inspections::table
        .find(id)
        .select(Inspection::as_select())
        .first(connection)
        .optional()?)
}

/// INSP-4: the points inspected on a day in `first..=last`.
pub fn points_inspected_between(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
) -> StoreResult<Vec<String>> {
    Ok(inspections::table
        .filter(inspections::inspected_on.between(first, last))
        .select(inspections::service_point_id)
        .distinct()
        .load(connection)?)
}

pub fn find_finding(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<InspectionFinding>> {
    Ok(inspection_findings::table
        .find(id)
        .select(InspectionFinding::as_select())
        .first(connection)
        .optional()?)
}

pub fn findings_of(
    connection: &mut DbConnection,
    inspection_id: &str,
) -> StoreResult<Vec<InspectionFinding>> {
    Ok(inspection_findings::table
        .filter(inspection_findings::inspection_id.eq(inspection_id))
        .select(InspectionFinding::as_select())
        .order(inspection_findings::id.asc())
        .load(connection)?)
}

#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only these statuses (any when empty).
    pub statuses: Vec<String>,
    pub responsible_employee_id: Option<String>,
    pub service_point_id: Option<String>,
    /// Only findings due before this instant.
    pub due_before: Option<PrimitiveDateTime>,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// One page of findings by id (`limit + 1` rows).
pub fn list_findings(
    connection: &mut DbConnection,
    filter: &FindingFilter,
) -> StoreResult<Vec<InspectionFinding>> {
    let mut query = inspection_findings::table
        .select(InspectionFinding::as_select())
        .order(inspection_findings::id.asc())
        .limit(filter.limit + 1)
        .into_boxed::<MultiBackend>();
    if !filter.statuses.is_empty() {
        query = query.filter(inspection_findings::status.eq_any(filter.statuses.clone()));
    }
    if let Some(employee) = &filter.responsible_employee_id {
        query = query.filter(inspection_findings::responsible_employee_id.eq(employee.clone()));
    }
    if let Some(point) = &filter.service_point_id {
        query = query.filter(inspection_findings::service_point_id.eq(point.clone()));
    }
    if let Some(due) = filter.due_before {
        query = query.filter(inspection_findings::due_at.lt(due));
    }
    if let Some(after) = &filter.after_id {
        query = query.filter(inspection_findings::id.gt(after.clone()));
    }
    Ok(query.load(connection)?)
}

/// INSP-4: the (scope, severity) of every finding found on a day in `first..=last`.
pub fn scopes_found_between(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
) -> StoreResult<Vec<(String, String)>> {
    Ok(inspection_findings::table
        .filter(inspection_findings::found_on.between(first, last))
        .select((inspection_findings::scope, inspection_findings::severity))
        .load(connection)?)
}

/// INSP-4: (deadline, rectified at) of every finding due in `[from, until)`.
pub fn rectifications_due_between(
    connection: &mut DbConnection,
    from: PrimitiveDateTime,
    until: PrimitiveDateTime,
) -> StoreResult<Vec<(PrimitiveDateTime, Option<PrimitiveDateTime>)>> {
    Ok(inspection_findings::table
        .filter(inspection_findings::due_at.ge(from))
        .filter(inspection_findings::due_at.lt(until))
        .select((
            inspection_findings::due_at,
            inspection_findings::rectified_at,
        ))
        .load(connection)?)
}

pub fn save_finding(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &InspectionFinding,
    after: &InspectionFinding,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, inspection_findings, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("inspection_finding", &before.id),
        Some(before),
        Some(after),
    )
}
