//! Row-level access to employees' records (attendance, leave, payslips, discipline, …).

use zhidu_store::approvals::ApprovalStep;
use zhidu_store::db::DbConnection;
use zhidu_store::people::{self, Employee, EmployeeScope};

use super::Identity;
use super::roles::{
    ENTER_BONUSES_FOR_REPORTS, PAYROLL_DESK, PEOPLE_ADMINS, PEOPLE_OVERSEERS,
    READ_EVERYONES_PAY_INPUTS, RECORD_ANYONES_PERFORMANCE,
};
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

/// Whether the caller may read a request on an approval chain (leave, regularization, …):
/// whoever may read `employee_id`'s records, and the approvers named on its `chain`.
pub fn may_read_chained(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: &str,
    chain: &[ApprovalStep],
) -> ServiceResult<bool> {
    let Some(employee) = people::find_employee(connection, employee_id)? else {
        return Ok(false);
    };
    if may_read_employee(connection, caller, &employee)? {
        return Ok(true);
    }
    let Some(me) = people::employee_of_user(connection, caller.subject())? else {
        return Ok(false);
    };
    Ok(chain
        .iter()
        .any(|step| step.approver_id.as_deref() == Some(me.id.as_str())))
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

/// Employee `id` if it exists at all, for callers holding `roles`; else as
/// [`readable_employee`].
fn employee_for(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    roles: &[zhidu_domain::role::Role],
) -> ServiceResult<Option<Employee>> {
    if caller.has_any(roles) {
        return people::find_employee(connection, id)?
            .map(Some)
            .ok_or_else(|| ServiceError::not_found(format!("no employee {id}")));
    }
    Ok(None)
}

/// The employee the caller records performance for (EMP-2, EMP-5): HR, finance and admin
/// record anyone's; a manager only for the people they manage (not found otherwise, as for
/// reading); nobody their own.
pub fn recordable_employee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Employee> {
    if let Some(anyone) = employee_for(connection, caller, id, RECORD_ANYONES_PERFORMANCE)? {
        return Ok(anyone);
    }
    let employee = readable_employee(connection, caller, id)?;
    let me = people::employee_of_user(connection, caller.subject())?;
    if me.is_some_and(|me| me.id == employee.id) {
        return Err(ServiceError::forbidden(
            "nobody records their own performance",
        ));
    }
    Ok(employee)
}

/// The employee whose pay inputs (performance records) the caller reads: finance reads
/// everyone's; anyone else as [`readable_employee`].
pub fn pay_inputs_readable_employee<C: Identity>(
    connection: &mut DbConnection,
    caller: &C,
    id: &str,
) -> ServiceResult<Employee> {
    finance_or(connection, caller, id, readable_employee)
}

/// Employee `id` for finance, who reads everyone's pay inputs; for anyone else as `otherwise`
/// decides.
fn finance_or<C: Identity>(
    connection: &mut DbConnection,
    caller: &C,
    id: &str,
    otherwise: fn(&mut DbConnection, &C, &str) -> ServiceResult<Employee>,
) -> ServiceResult<Employee> {
    match employee_for(connection, caller, id, READ_EVERYONES_PAY_INPUTS)? {
        Some(employee) => Ok(employee),
        None => otherwise(connection, caller, id),
    }
}

/// The employee whose performance bonus (PAY-2) the caller enters: HR, the general manager and
/// admin enter anyone's; a manager the bonus of the people they manage, never their own.
pub fn bonus_enterable_employee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Employee> {
    let employee = people::find_employee(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no employee {id}")))?;
    if caller.has_any(PEOPLE_OVERSEERS) {
        return Ok(employee);
    }
    let manages = match people::employee_of_user(connection, caller.subject())? {
        Some(me) => {
            caller.has_any(ENTER_BONUSES_FOR_REPORTS)
                && me.id != employee.id
                && people::manages(connection, &me.id, &employee)?
        }
        None => false,
    };
    if manages {
        Ok(employee)
    } else {
        Err(ServiceError::forbidden(
            "a bonus is entered by the employee's manager, HR or the general manager",
        ))
    }
}

/// The employee whose performance bonus the caller reads: finance reads everyone's; anyone
/// else as [`bonus_enterable_employee`].
pub fn bonus_readable_employee<C: Identity>(
    connection: &mut DbConnection,
    caller: &C,
    id: &str,
) -> ServiceResult<Employee> {
    finance_or(connection, caller, id, bonus_enterable_employee)
}
