//! The company's people: departments and employees with their rank and superior. One model for
//! the service desk and HR.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime, Time};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, update_versioned};
use crate::schema::{departments, employees};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = departments, treat_none_as_null = true)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub manager_id: Option<String>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// CAL-3: the department's shift and breaks, local times.
    pub shift_start: Time,
    pub shift_end: Time,
    pub lunch_start: Time,
    pub lunch_end: Time,
    pub rest_start: Time,
    pub rest_end: Time,
    /// EMP-2, EMP-5: its employees are customer-service staff.
    pub customer_service: bool,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = employees, treat_none_as_null = true)]
pub struct Employee {
    pub id: String,
    pub name: String,
    pub department_id: String,
    /// `staff`, `manager` or `general_manager`.
    pub rank: String,
    pub superior_id: Option<String>,
    pub user_id: Option<String>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// `male` or `female`; unknown for rows that predate HR.
    pub gender: Option<String>,
    pub birth_date: Option<Date>,
    pub hired_on: Option<Date>,
    pub probation_end: Option<Date>,
    pub left_on: Option<Date>,
    pub base_salary_fen: i64,
    /// The roster's weekly rest day, lower-case English (`sunday`).
    pub rest_day: String,
    /// `resignation`, `dismissal`, `contract_end` or `other` once `left_on` is set (PAY-4).
    pub leaving_reason: Option<String>,
}

pub fn insert_department(
    connection: &mut DbConnection,
    actor: &Actor,
    department: &Department,
) -> StoreResult<()> {
    diesel::insert_into(departments::table)
        .values(department)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "department.create",
        ("department", &department.id),
        None::<&()>,
        Some(department),
    )
}

pub fn find_department(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Department>> {
    Ok(departments::table
        .find(id)
        .select(Department::as_select())
        .first(connection)
        .optional()?)
}

pub fn list_departments(connection: &mut DbConnection) -> StoreResult<Vec<Department>> {
    Ok(departments::table
        .order(departments::name.asc())
        .select(Department::as_select())
        .load(connection)?)
}

/// Writes a department's new state over `before` (optimistic locking) with its audit row.
pub fn update_department(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &Department,
    after: &Department,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, departments, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("department", &before.id),
        Some(before),
        Some(after),
    )
}

pub fn insert_employee(
    connection: &mut DbConnection,
    actor: &Actor,
    employee: &Employee,
) -> StoreResult<()> {
    diesel::insert_into(employees::table)
        .values(employee)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "employee.create",
        ("employee", &employee.id),
        None::<&()>,
        Some(employee),
    )
}

pub fn find_employee(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Employee>> {
    Ok(employees::table
        .find(id)
        .select(Employee::as_select())
        .first(connection)
        .optional()?)
}

/// The employees with these ids, in no particular order; missing ids are simply absent.
pub fn find_employees(connection: &mut DbConnection, ids: &[String]) -> StoreResult<Vec<Employee>> {
    Ok(employees::table
        .filter(employees::id.eq_any(ids))
        .select(Employee::as_select())
        .load(connection)?)
}

/// Writes an employee's new state over `before` (optimistic locking) with its audit row.
pub fn update_employee(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &Employee,
    after: &Employee,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, employees, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("employee", &before.id),
        Some(before),
        Some(after),
    )
}

/// The employee record a staff account signs in as, if any.
pub fn employee_of_user(
    connection: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Option<Employee>> {
    Ok(employees::table
        .filter(employees::user_id.eq(user_id))
        .select(Employee::as_select())
        .first(connection)
        .optional()?)
}

/// Whether `manager_id` manages `employee`: as head of the employee's department or as the
/// employee's direct superior.
pub fn manages(
    connection: &mut DbConnection,
    manager_id: &str,
    employee: &Employee,
) -> StoreResult<bool> {
    if employee.superior_id.as_deref() == Some(manager_id) {
        return Ok(true);
    }
    let heads: i64 = departments::table
        .filter(departments::id.eq(&employee.department_id))
        .filter(departments::manager_id.eq(manager_id))
        .count()
        .get_result(connection)?;
    Ok(heads > 0)
}

/// Whose records a caller may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmployeeScope {
    Everyone,
    /// This employee and those they manage (see [`manages`]).
    SelfAndManaged(String),
}

/// The employees in `scope`, in id order after `after_id`; one more than `limit` tells the
/// caller another page exists.
pub fn list_employees(
    connection: &mut DbConnection,
    scope: &EmployeeScope,
    department_id: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Employee>> {
    let mut query = employees::table
        .select(Employee::as_select())
        .order(employees::id.asc())
        .limit(limit + 1)
        .into_boxed::<crate::db::MultiBackend>();
    match scope {
        EmployeeScope::Everyone => {}
        EmployeeScope::SelfAndManaged(manager) => {
            let headed = departments::table
                .filter(departments::manager_id.eq(manager.clone()))
                .select(departments::id);
            query = query.filter(
                employees::id
                    .eq(manager.clone())
                    .or(employees::superior_id.eq(manager.clone()))
                    .or(employees::department_id.eq_any(headed)),
            );
        }
    }
    if let Some(department) = department_id {
        query = query.filter(employees::department_id.eq(department.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(employees::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// PAY-5: everyone employed at some time between `first` and `last` (inclusive), in id order;
/// records without a hire date are included so that payroll reports them instead of skipping
/// them.
pub fn employed_between(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
) -> StoreResult<Vec<Employee>> {
    Ok(employees::table
        .filter(
            employees::hired_on
                .le(last)
                .or(employees::hired_on.is_null()),
        )
        .filter(
            employees::left_on
                .ge(first)
                .or(employees::left_on.is_null()),
        )
        .select(Employee::as_select())
        .order(employees::id.asc())
        .load(connection)?)
}
