//! INBOX-1: the rows waiting for a decision, one query per kind. Each reads only what is still
//! open, so the inbox costs what is pending, not what has ever been filed.

use diesel::prelude::*;
use time::Date;

use crate::StoreResult;
use crate::accountability::AccountabilityCase;
use crate::attendance::{ExceptionForm, MakeUpRequest};
use crate::db::DbConnection;
use crate::domain_transfers::DomainTransfer;
use crate::employment::{RegularizationApplication, Resignation};
use crate::hr_reports::MonthlyTarget;
use crate::inspections::InspectionFinding;
use crate::leave::LeaveRequest;
use crate::payroll::PayrollRun;
use crate::people::Employee;
use crate::points::Redemption;
use crate::promotions::Promotion;
use crate::receivables::Receivable;
use crate::schema::{
    accountability_cases, attendance_exceptions, domain_transfers, employees, inspection_findings,
    leave_requests, make_up_punch_requests, monthly_targets, payroll_runs, point_redemptions,
    promotions, receivables, regularization_applications, resignations,
};

/// The rows of `$table` in one of `$statuses`, oldest first.
macro_rules! rows_in_status {
    ($connection:expr, $table:ident, $row:ty, $statuses:expr) => {
        $table::table
            .filter($table::status.eq_any($statuses))
            .order(($table::created_at.asc(), $table::id.asc()))
            .select(<$row>::as_select())
            .load($connection)
    };
}

pub fn pending_leave_requests(connection: &mut DbConnection) -> StoreResult<Vec<LeaveRequest>> {
    Ok(rows_in_status!(
        connection,
        leave_requests,
        LeaveRequest,
        ["pending"]
    )?)
}

pub fn pending_exception_forms(connection: &mut DbConnection) -> StoreResult<Vec<ExceptionForm>> {
    Ok(rows_in_status!(
        connection,
        attendance_exceptions,
        ExceptionForm,
        ["pending"]
    )?)
}

pub fn pending_make_up_requests(connection: &mut DbConnection) -> StoreResult<Vec<MakeUpRequest>> {
    Ok(rows_in_status!(
        connection,
        make_up_punch_requests,
        MakeUpRequest,
        ["pending"]
    )?)
}

pub fn pending_regularizations(
    connection: &mut DbConnection,
) -> StoreResult<Vec<RegularizationApplication>> {
    Ok(rows_in_status!(
        connection,
        regularization_applications,
        RegularizationApplication,
        ["pending"]
    )?)
}

pub fn pending_promotions(connection: &mut DbConnection) -> StoreResult<Vec<Promotion>> {
    Ok(rows_in_status!(
        connection,
        promotions,
        Promotion,
        ["pending"]
    )?)
}

/// EMP-7: filings waiting for the general manager's acknowledgement.
pub fn filed_monthly_targets(connection: &mut DbConnection) -> StoreResult<Vec<MonthlyTarget>> {
    Ok(rows_in_status!(
        connection,
        monthly_targets,
        MonthlyTarget,
        ["filed"]
    )?)
}

/// INSP-2: findings rectified and waiting for a supervisor's verification.
pub fn rectified_findings(connection: &mut DbConnection) -> StoreResult<Vec<InspectionFinding>> {
    Ok(rows_in_status!(
        connection,
        inspection_findings,
        InspectionFinding,
        ["rectified"]
    )?)
}

pub fn pending_resignations(connection: &mut DbConnection) -> StoreResult<Vec<Resignation>> {
    Ok(rows_in_status!(
        connection,
        resignations,
        Resignation,
        ["pending"]
    )?)
}

pub fn requested_domain_transfers(
    connection: &mut DbConnection,
) -> StoreResult<Vec<DomainTransfer>> {
    Ok(rows_in_status!(
        connection,
        domain_transfers,
        DomainTransfer,
        ["requested"]
    )?)
}

/// Redemptions waiting for finance's review or a leader's approval.
pub fn open_redemptions(connection: &mut DbConnection) -> StoreResult<Vec<Redemption>> {
    Ok(rows_in_status!(
        connection,
        point_redemptions,
        Redemption,
        ["pending_review", "pending_approval"]
    )?)
}

pub fn draft_payroll_runs(connection: &mut DbConnection) -> StoreResult<Vec<PayrollRun>> {
    Ok(rows_in_status!(
        connection,
        payroll_runs,
        PayrollRun,
        ["draft"]
    )?)
}

/// Open accountability cases whose statement is on record (ACC-3), so a decision may follow.
pub fn heard_open_cases(connection: &mut DbConnection) -> StoreResult<Vec<AccountabilityCase>> {
    Ok(accountability_cases::table
        .filter(accountability_cases::status.eq("open"))
        .filter(accountability_cases::statement_recorded_at.is_not_null())
        .order((
            accountability_cases::statement_recorded_at.asc(),
            accountability_cases::id.asc(),
        ))
        .select(AccountabilityCase::as_select())
        .load(connection)?)
}

/// AR-5: receivables whose bad-debt report waits for the general manager.
pub fn reported_bad_debts(connection: &mut DbConnection) -> StoreResult<Vec<Receivable>> {
    Ok(receivables::table
        .filter(receivables::bad_debt_status.eq("reported"))
        .order((receivables::updated_at.asc(), receivables::id.asc()))
        .select(Receivable::as_select())
        .load(connection)?)
}

/// EMP-1: employees still employed, with no regularization application pending or approved,
/// whose recorded probation end is in `first..=last`, or who have none recorded and were hired
/// on or after `hired_since` (the caller works out their default end).
pub fn probation_candidates(
    connection: &mut DbConnection,
    (first, last): (Date, Date),
    hired_since: Date,
) -> StoreResult<Vec<Employee>> {
    let applied = regularization_applications::table
        .filter(regularization_applications::status.eq_any(["pending", "approved"]))
        .select(regularization_applications::employee_id);
    Ok(employees::table
        .filter(employees::left_on.is_null())
        .filter(
            employees::probation_end
                .ge(first)
                .and(employees::probation_end.le(last))
                .or(employees::probation_end
                    .is_null()
                    .and(employees::hired_on.ge(hired_since))
                    .and(employees::hired_on.le(last))),
        )
        .filter(employees::id.ne_all(applied))
        .order(employees::id.asc())
        .select(Employee::as_select())
        .load(connection)?)
}
