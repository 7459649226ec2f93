//! The company's people: departments and employees with their rank and superior. One model for
//! the service desk and HR.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::DbConnection;
use crate::schema::{departments, employees};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = departments)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub manager_id: Option<String>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = employees)]
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

/// Names the department's manager (an employee of the company).
pub fn set_department_manager(
    connection: &mut DbConnection,
    actor: &Actor,
    department: &Department,
    manager_id: &str,
) -> StoreResult<Department> {
    let after = Department {
        manager_id: Some(manager_id.to_owned()),
        version: department.version + 1,
        updated_at: crate::now_utc(),
        ..department.clone()
    };
    let changed = diesel::update(
        departments::table
            .find(&department.id)
            .filter(departments::version.eq(department.version)),
    )
    .set((
        departments::manager_id.eq(&after.manager_id),
        departments::version.eq(after.version),
        departments::updated_at.eq(after.updated_at),
    ))
    .execute(connection)?;
    if changed == 0 {
        return Err(crate::StoreError::StaleVersion);
    }
    audit::record(
        connection,
        actor,
        "department.set_manager",
        ("department", &department.id),
        Some(department),
        Some(&after),
    )?;
    Ok(after)
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

pub fn list_employees(
    connection: &mut DbConnection,
    department_id: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Employee>> {
    let mut query = employees::table
        .select(Employee::as_select())
        .order(employees::id.asc())
        .limit(limit + 1)
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(department) = department_id {
        query = query.filter(employees::department_id.eq(department.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(employees::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}
