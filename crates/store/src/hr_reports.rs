//! EMP-7 monthly targets and EMP-8 work-injury reports: the filings departments make to the
//! general manager.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, update_versioned};
use crate::schema::{injury_reports, monthly_targets};

/// EMP-7: one department's targets and assessment standard for one month.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = monthly_targets, treat_none_as_null = true)]
pub struct MonthlyTarget {
    pub id: String,
    pub department_id: String,
    /// The month's first day.
    pub month: Date,
    pub targets: String,
    pub assessment_standard: String,
    /// Whether this filing changed the department's assessment standard.
    pub standard_changed: bool,
    /// The last day to file on time.
    pub due_on: Date,
    pub late: bool,
    /// `filed` or `acknowledged`.
    pub status: String,
    pub filed_by: String,
    pub filed_at: PrimitiveDateTime,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_target(
    connection: &mut DbConnection,
    actor: &Actor,
    target: &MonthlyTarget,
) -> StoreResult<()> {
    diesel::insert_into(monthly_targets::table)
        .values(target)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "monthly_target.file",
        ("monthly_target", &target.id),
        None::<&()>,
        Some(target),
    )
}

pub fn find_target(connection: &mut DbConnection, id: &str) -> StoreResult<Option<MonthlyTarget>> {
    Ok(monthly_targets::table
        .find(id)
        .select(MonthlyTarget::as_select())
        .first(connection)
        .optional()?)
}

/// The department's filing for the month starting on `month`, if any.
pub fn target_for_month(
    connection: &mut DbConnection,
    department_id: &str,
    month: Date,
) -> StoreResult<Option<MonthlyTarget>> {
    Ok(monthly_targets::table
        .filter(monthly_targets::department_id.eq(department_id))
        .filter(monthly_targets::month.eq(month))
        .select(MonthlyTarget::as_select())
        .first(connection)
        .optional()?)
}

/// The department's filing for the latest month before `month`.
pub fn latest_target_before(
    connection: &mut DbConnection,
    department_id: &str,
    month: Date,
) -> StoreResult<Option<MonthlyTarget>> {
    Ok(monthly_targets::table
        .filter(monthly_targets::department_id.eq(department_id))
        .filter(monthly_targets::month.lt(month))
        .order(monthly_targets::month.desc())
        .select(MonthlyTarget::as_select())
        .first(connection)
        .optional()?)
}

/// How many of the department's filings for months `first..=last` changed its standard.
pub fn standard_changes_between(
    connection: &mut DbConnection,
    department_id: &str,
    first: Date,
    last: Date,
) -> StoreResult<i64> {
    Ok(monthly_targets::table
        .filter(monthly_targets::department_id.eq(department_id))
        .filter(monthly_targets::month.between(first, last))
        .filter(monthly_targets::standard_changed.eq(true))
        .count()
        .get_result(connection)?)
}

/// Every filing for the month starting on `month`, by department id.
pub fn targets_of_month(
    connection: &mut DbConnection,
    month: Date,
) -> StoreResult<Vec<MonthlyTarget>> {
    Ok(monthly_targets::table
        .filter(monthly_targets::month.eq(month))
        .order(monthly_targets::department_id.asc())
        .select(MonthlyTarget::as_select())
        .load(connection)?)
}

pub fn save_target(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &MonthlyTarget,
    after: &MonthlyTarget,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, monthly_targets, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("monthly_target", &before.id),
        Some(before),
        Some(after),
    )
}

/// EMP-8: a work-injury report and its steps.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = injury_reports, treat_none_as_null = true)]
pub struct InjuryReport {
    pub id: String,
    pub employee_id: String,
    /// The injured employee's department when reported.
    pub department_id: String,
    pub occurred_at: PrimitiveDateTime,
    pub description: String,
    /// When the report was due.
    pub due_at: PrimitiveDateTime,
    pub late: bool,
    /// `reported`, `investigated`, `reviewed` or `informed`.
    pub status: String,
    pub reported_by: String,
    pub reported_at: PrimitiveDateTime,
    pub investigation: Option<String>,
    pub investigated_by: Option<String>,
    pub investigated_at: Option<PrimitiveDateTime>,
    pub review: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<PrimitiveDateTime>,
    pub informed_by: Option<String>,
    pub informed_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_injury_report(
    connection: &mut DbConnection,
    actor: &Actor,
    report: &InjuryReport,
) -> StoreResult<()> {
    diesel::insert_into(injury_reports::table)
        .values(report)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "injury_report.file",
        ("injury_report", &report.id),
        None::<&()>,
        Some(report),
    )
}

pub fn find_injury_report(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<InjuryReport>> {
    Ok(injury_reports::table
        .find(id)
        .select(InjuryReport::as_select())
        .first(connection)
        .optional()?)
}

/// Reports in id order after `after_id`, only late (or only on-time) ones when `late` is given;
/// one more than `limit` tells the caller another page exists.
pub fn list_injury_reports(
    connection: &mut DbConnection,
    late: Option<bool>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<InjuryReport>> {
    let mut query = injury_reports::table
        .select(InjuryReport::as_select())
        .order(injury_reports::id.asc())
        .limit(limit + 1)
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(late) = late {
        query = query.filter(injury_reports::late.eq(late));
    }
    if let Some(after) = after_id {
        query = query.filter(injury_reports::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

pub fn save_injury_report(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &InjuryReport,
    after: &InjuryReport,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, injury_reports, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("injury_report", &before.id),
        Some(before),
        Some(after),
    )
}
