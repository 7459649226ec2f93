//! Row-level access to employees' records (attendance, leave, payslips, discipline, …).

use zhidu_store::db::DbConnection;
use zhidu_store::people::{self, Employee, EmployeeScope};

use super::Identity;
use super::roles::{PAYROLL_DESK, PEOPLE_ADMINS, PEOPLE_OVERSEERS};
use crate::error::{ServiceError, ServiceResult};

/// Whose records the caller may read: everyone's for the people overseers, else their own and
/// those of the people they manage; `None` when they may read nobody's (a staff account with
/// no employee record).
pub fn reading_scope(
    connection: &mut DbConnection,
    caller: &impl Identity,
) -> ServiceResult<Option<EmployeeScope>> {
    if caller.has_any(PEOPLE_OVERSEERS) {
        return Ok(Some(EmployeeScope::Everyone));
    }
    Ok(people::employee_of_user(connection, caller.subject())?
        .map(|me| EmployeeScope::SelfAndManaged(me.id)))
}

/// Whether the caller may read `employee`'s records (see [`reading_scope`]).
pub fn may_read_employee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee: &Employee,
) -> ServiceResult<bool> {
    Ok(match reading_scope(connection, caller)? {
        Some(EmployeeScope::Everyone) => true,
        Some(EmployeeScope::SelfAndManaged(me)) => {
            me == employee.id || people::manages(connection, &me, employee)?
        }
        None => false,
    })
}

/// The employee `id` if the caller may read their records; otherwise not found, so that ids
/// of people outside the caller's scope cannot be probed.
pub fn readable_employee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Employee> {
    let not_found = || ServiceError::not_found(format!("no employee {id}"));
    let employee = people::find_employee(connection, id)?.ok_or_else(not_found)?;
    if may_read_employee(connection, caller, &employee)? {
        Ok(employee)
    } else {
        Err(not_found())
    }
}

/// Whose records a listing shows: for callers who see everyone, the employee named or all
/// (`None`); for anyone else, the employee named if they may read them, else their own record.
/// `field` is the query parameter naming the employee.
pub fn listing_subject(
    connection: &mut DbConnection,
    caller: &impl Identity,
    named: Option<String>,
    sees_everyone: bool,
    field: &str,
) -> ServiceResult<Option<String>> {
    Ok(match named {
        Some(id) if sees_everyone => Some(id),
        Some(id) => Some(readable_employee(connection, caller, &id)?.id),
        None if sees_everyone => None,
        None => Some(
            people::employee_of_user(connection, caller.subject())?
                .ok_or_else(|| {
                    ServiceError::field_refused(
                        field,
                        format!("your account has no employee record; name the {field}"),
                    )
                })?
                .id,
        ),
    })
}

/// The employee a filing is for: the caller's own record, or — for the people admins (HR) —
/// the one named.
pub fn filing_employee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    named: Option<&str>,
) -> ServiceResult<Employee> {
    let me = people::employee_of_user(connection, caller.subject())?;
    match (named, me) {
        (Some(id), me) if me.as_ref().is_none_or(|me| me.id != id) => {
            if !caller.has_any(PEOPLE_ADMINS) {
                return Err(ServiceError::forbidden(
                    "only HR files on behalf of another employee",
                ));
            }
            people::find_employee(connection, id)?.ok_or_else(|| {
                ServiceError::field_refused("employee_id", format!("no employee {id}"))
            })
        }
        (_, Some(me)) => Ok(me),
        (_, None) => Err(ServiceError::field_refused(
            "employee_id",
            "your account has no employee record; name the employee",
        )),
    }
}

/// Whether the caller may read `employee_id`'s pay: `true` for payroll staff, who read
/// everyone's (drafts included); `false` for the employee, who reads their own approved
/// payslips only; forbidden for anyone else.
pub fn reads_everyones_pay(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: &str,
) -> ServiceResult<bool> {
    if caller.has_any(PAYROLL_DESK) {
        return Ok(true);
    }
    match people::employee_of_user(connection, caller.subject())? {
        Some(me) if me.id == employee_id => Ok(false),
        _ => Err(ServiceError::forbidden(
            "a payslip is read by its employee and payroll staff only",
        )),
    }
}
