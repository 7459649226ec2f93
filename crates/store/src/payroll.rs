//! Payroll runs, their payslips and the performance bonuses they read (PAY). The payslip
//! itself is computed by `zhidu_domain::payroll`; here it is only kept.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, insert_rows, save_versioned, update_versioned};
use crate::schema::{payroll_runs, payslips, performance_bonuses};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = performance_bonuses, treat_none_as_null = true)]
pub struct PerformanceBonus {
    pub employee_id: String,
    /// `YYYY-MM`
    pub month: String,
    pub amount_fen: i64,
    pub note: Option<String>,
    pub entered_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn find_performance_bonus(
    connection: &mut DbConnection,
    employee_id: &str,
    month: &str,
) -> StoreResult<Option<PerformanceBonus>> {
    Ok(performance_bonuses::table
        .find((employee_id, month))
        .select(PerformanceBonus::as_select())
        .first(connection)
        .optional()?)
}

/// Enters or changes a bonus; a row changed since `before` was read is `StaleVersion`.
pub fn save_performance_bonus(
    connection: &mut DbConnection,
    actor: &Actor,
    before: Option<&PerformanceBonus>,
    after: &PerformanceBonus,
) -> StoreResult<()> {
    save_versioned!(
        &mut *connection,
        performance_bonuses,
        before,
        after,
        |row| (&row.employee_id, &row.month)
    )?;
    let key = format!("{}/{}", after.employee_id, after.month);
    audit::record(
        connection,
        actor,
        "performance_bonus.save",
        ("performance_bonus", &key),
        before,
        Some(after),
    )
}

/// The month's bonuses of the given employees.
pub fn performance_bonuses_of(
    connection: &mut DbConnection,
    employee_ids: &[String],
    month: &str,
) -> StoreResult<Vec<PerformanceBonus>> {
    Ok(performance_bonuses::table
        .filter(performance_bonuses::month.eq(month))
        .filter(performance_bonuses::employee_id.eq_any(employee_ids))
        .select(PerformanceBonus::as_select())
        .load(connection)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = payroll_runs, treat_none_as_null = true)]
pub struct PayrollRun {
    pub id: String,
    /// `YYYY-MM`
    pub month: String,
    pub revision: i32,
    /// `draft`, `approved` or `superseded`.
    pub status: String,
    pub correction_reason: Option<String>,
    pub pay_date: time::Date,
    pub pay_date_provisional: bool,
    pub employee_count: i32,
    pub problem_count: i32,
    pub earnings_fen: i64,
    pub deductions_fen: i64,
    pub net_fen: i64,
    pub computed_by: String,
    pub computed_at: PrimitiveDateTime,
    pub approved_by: Option<String>,
    pub approved_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = payslips)]
pub struct StoredPayslip {
    pub run_id: String,
    pub employee_id: String,
    pub employee_name: String,
    pub department_id: String,
    /// Why no payslip could be computed (HR facts missing); the amounts are then zero.
    pub problem: Option<String>,
    pub earnings_fen: i64,
    pub deductions_fen: i64,
    pub net_fen: i64,
    pub final_pay_withheld: bool,
    /// The computed payslip as JSON.
    pub detail: String,
}

pub fn find_run(connection: &mut DbConnection, id: &str) -> StoreResult<Option<PayrollRun>> {
    Ok(payroll_runs::table
        .find(id)
        .select(PayrollRun::as_select())
        .first(connection)
        .optional()?)
}

/// The month's runs, newest revision first.
pub fn runs_of_month(connection: &mut DbConnection, month: &str) -> StoreResult<Vec<PayrollRun>> {
    Ok(payroll_runs::table
        .filter(payroll_runs::month.eq(month))
        .select(PayrollRun::as_select())
        .order(payroll_runs::revision.desc())
        .load(connection)?)
}

/// Runs in id (creation) order after `after_id`, optionally of one month; one more than
/// `limit` tells the caller another page exists.
pub fn list_runs(
    connection: &mut DbConnection,
    month: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<PayrollRun>> {
    let mut query = payroll_runs::table
        .select(PayrollRun::as_select())
        .order(payroll_runs::id.asc())
        .limit(limit + 1)
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(month) = month {
        query = query.filter(payroll_runs::month.eq(month.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(payroll_runs::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// 10 columns: 3,000 rows stay under SQLite's limit of 32,766 bind parameters.
fn insert_payslips(connection: &mut DbConnection, rows: &[StoredPayslip]) -> StoreResult<()> {
    for chunk in rows.chunks(3_000) {
        insert_rows!(&mut *connection, payslips::table, chunk)?;
    }
    Ok(())
}

/// Stores a new run with its payslips.
pub fn insert_run(
    connection: &mut DbConnection,
    actor: &Actor,
    run: &PayrollRun,
    slips: &[StoredPayslip],
) -> StoreResult<()> {
    diesel::insert_into(payroll_runs::table)
        .values(run)
        .execute(connection)?;
    insert_payslips(connection, slips)?;
    audit::record(
        connection,
        actor,
        "payroll_run.compute",
        ("payroll_run", &run.id),
        None::<&PayrollRun>,
        Some(run),
    )
}

/// Replaces a draft run's payslips with a recomputation.
pub fn recompute_run(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &PayrollRun,
    after: &PayrollRun,
    slips: &[StoredPayslip],
) -> StoreResult<()> {
    update_versioned!(&mut *connection, payroll_runs, before, after)?;
    diesel::delete(payslips::table.filter(payslips::run_id.eq(&before.id))).execute(connection)?;
    insert_payslips(connection, slips)?;
    audit::record(
        connection,
        actor,
        "payroll_run.recompute",
        ("payroll_run", &after.id),
        Some(before),
        Some(after),
    )
}

/// Writes a run's new status (approval, supersession).
pub fn update_run(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &PayrollRun,
    after: &PayrollRun,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, payroll_runs, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("payroll_run", &after.id),
        Some(before),
        Some(after),
    )
}

/// A run's payslips in employee order after `after_employee`.
pub fn payslips_of_run(
    connection: &mut DbConnection,
    run_id: &str,
    after_employee: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<StoredPayslip>> {
    let mut query = payslips::table
        .filter(payslips::run_id.eq(run_id.to_owned()))
        .select(StoredPayslip::as_select())
        .order(payslips::employee_id.asc())
        .limit(limit)
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(after) = after_employee {
        query = query.filter(payslips::employee_id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// The employee's payslip of the month in the newest run of `statuses`, with that run.
pub fn payslip_of_month(
    connection: &mut DbConnection,
    employee_id: &str,
    month: &str,
    statuses: &[&str],
) -> StoreResult<Option<(PayrollRun, StoredPayslip)>> {
    Ok(payslips::table
        .inner_join(payroll_runs::table)
        .filter(payslips::employee_id.eq(employee_id))
        .filter(payroll_runs::month.eq(month))
        .filter(payroll_runs::status.eq_any(statuses))
        .order(payroll_runs::revision.desc())
        .select((PayrollRun::as_select(), StoredPayslip::as_select()))
        .first(connection)
        .optional()?)
}
