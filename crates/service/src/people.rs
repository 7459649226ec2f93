//! Employees and departments as the rules read them.

use time::{Date, PrimitiveDateTime};
use zhidu_domain::employment::regularized_probation_end;
use zhidu_domain::money::Money;
use zhidu_domain::person::{EmploymentPolicy, Gender, LeavingReason, default_probation_end};
use zhidu_domain::roster::{DayOfWeek, Roster, Shift};
use zhidu_domain::sla::Rank;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::employment::RegularizationApplication;
use zhidu_store::people;
use zhidu_store::{StoreError, StoreResult, new_id, read_stored, users};

pub use zhidu_store::people::{Department, Employee};

use crate::access::Identity;
use crate::access::employees::{readable_employee, reading_scope};
use crate::departures::open_departure;
use crate::error::{ServiceError, ServiceResult};

pub fn rank_of(employee: &Employee) -> StoreResult<Rank> {
    read_stored(&employee.rank)
}

/// The employee's gender, `None` while HR has not recorded it.
pub fn gender_of(employee: &Employee) -> StoreResult<Option<Gender>> {
    employee.gender.as_deref().map(read_stored).transpose()
}

/// CAL-3: the roster's weekly rest day.
pub fn rest_day_of(employee: &Employee) -> StoreResult<DayOfWeek> {
    read_stored(&employee.rest_day)
}

/// Why the employment ended, `None` while it has not.
pub fn leaving_reason_of(employee: &Employee) -> StoreResult<Option<LeavingReason>> {
    employee
        .leaving_reason
        .as_deref()
        .map(read_stored)
        .transpose()
}

/// An employee by id, or a refusal naming `field`.
pub fn existing_employee(
    connection: &mut DbConnection,
    field: &str,
    id: &str,
) -> ServiceResult<Employee> {
    people::find_employee(connection, id)?
        .ok_or_else(|| ServiceError::field_refused(field, format!("no employee {id}")))
}

/// The department's shift as the attendance rules read it (CAL-3).
pub fn shift_of(department: &Department) -> Shift {
    Shift {
        start: department.shift_start,
        end: department.shift_end,
        lunch_start: department.lunch_start,
        lunch_end: department.lunch_end,
        rest_start: department.rest_start,
        rest_end: department.rest_end,
    }
}

/// CAL-3: the employee's roster.
pub fn roster_of(employee: &Employee) -> StoreResult<Roster> {
    Ok(Roster {
        rest_day: rest_day_of(employee)?.weekday(),
    })
}

/// The HR facts every attendance and leave rule needs; a record created before HR kept them
/// is refused with the missing field named rather than guessed at.
pub struct HrFacts {
    pub gender: Gender,
    pub birth_date: Date,
    pub hired_on: Date,
}

pub fn hr_facts(employee: &Employee) -> ServiceResult<HrFacts> {
    let missing = |field: &'static str| {
        ServiceError::refused(
            "EMP-1",
            format!(
                "employee {} has no {field} on record; HR must record it (PATCH /api/v1/employees/{})",
                employee.id, employee.id
            ),
        )
        .with("missing_field", field)
    };
    Ok(HrFacts {
        gender: gender_of(employee)?.ok_or_else(|| missing("gender"))?,
        birth_date: employee.birth_date.ok_or_else(|| missing("birth_date"))?,
        hired_on: employee.hired_on.ok_or_else(|| missing("hired_on"))?,
    })
}

/// Refuses a change to the employment of someone who has left.
pub fn ensure_employed(employee: &Employee) -> ServiceResult<()> {
    match employee.left_on {
        Some(left_on) => Err(ServiceError::conflict(format!(
            "employee {} left on {left_on}",
            employee.id
        ))),
        None => Ok(()),
    }
}

/// EMP-2: the final approval of a regularization makes the employee regular: a probation
/// planned to end later ends on the approval day.
pub fn regularize(
    application: &RegularizationApplication,
    connection: &mut DbConnection,
    actor: &Actor,
) -> ServiceResult<()> {
    let before = people::find_employee(connection, &application.employee_id)?.ok_or_else(|| {
        StoreError::Corrupt(format!(
            "regularization application {} without employee",
            application.id
        ))
    })?;
    ensure_employed(&before)?;
    let regular = Employee {
        probation_end: Some(regularized_probation_end(
            before.probation_end,
            actor.at.today(),
        )),
        version: before.version + 1,
        updated_at: actor.at.stored(),
        ..before.clone()
    };
    people::update_employee(connection, actor, "employee.regularize", &before, &regular)?;
    Ok(())
}

/// The department's row with `shift` in force.
fn with_shift(department: Department, shift: Shift) -> Department {
    Department {
        shift_start: shift.start,
        shift_end: shift.end,
        lunch_start: shift.lunch_start,
        lunch_end: shift.lunch_end,
        rest_start: shift.rest_start,
        rest_end: shift.rest_end,
        ..department
    }
}

/// A new department: its name, its shift (CAL-3) and whether its employees are
/// customer-service staff (EMP-2, EMP-5).
pub fn create_department(
    connection: &mut DbConnection,
    caller: &impl Identity,
    name: &str,
    shift: Shift,
    customer_service: bool,
) -> ServiceResult<Department> {
    let actor = caller.actor();
    let now = actor.at.stored();
    let department = Department {
        id: new_id(),
        name: name.trim().to_owned(),
        manager_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        shift_start: shift.start,
        shift_end: shift.end,
        lunch_start: shift.lunch_start,
        lunch_end: shift.lunch_end,
        rest_start: shift.rest_start,
        rest_end: shift.rest_end,
        customer_service,
    };
    people::insert_department(connection, actor, &department)?;
    Ok(department)
}

/// Every department, by name.
pub fn list_departments(connection: &mut DbConnection) -> ServiceResult<Vec<Department>> {
    Ok(people::list_departments(connection)?)
}

/// Loads department `id`, checks the version the client read, applies `change` and stores
/// the next version with its audit row.
fn change_department(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    action: &'static str,
    change: impl FnOnce(&mut DbConnection, Department) -> ServiceResult<Department>,
) -> ServiceResult<Department> {
    let before = people::find_department(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no department {id}")))?;
    if before.version != version {
        return Err(ServiceError::Stale(
            "the department changed since you read it".into(),
        ));
    }
    let after = Department {
        version: before.version + 1,
        updated_at: actor.at.stored(),
        ..change(connection, before.clone())?
    };
    people::update_department(connection, actor, action, &before, &after)?;
    Ok(after)
}

/// Names a department's manager, who must rank manager or above.
pub fn set_manager(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    employee_id: &str,
) -> ServiceResult<Department> {
    change_department(
        connection,
        caller.actor(),
        id,
        version,
        "department.set_manager",
        |connection, department| {
            let manager = existing_employee(connection, "employee_id", employee_id)?;
            let today = caller.actor().at.today();
            if crate::promotions::rank_on(connection, &manager, today)? == Rank::Staff {
                return Err(ServiceError::field_refused(
                    "employee_id",
                    "a department manager must rank manager or above",
                ));
            }
            Ok(Department {
                manager_id: Some(manager.id),
                ..department
            })
        },
    )
}

/// CAL-3: sets a department's shift and breaks.
pub fn set_shift(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    shift: Shift,
) -> ServiceResult<Department> {
    change_department(
        connection,
        caller.actor(),
        id,
        version,
        "department.set_shift",
        |_, department| Ok(with_shift(department, shift)),
    )
}

/// EMP-2, EMP-5: marks whether a department's employees are customer-service staff.
pub fn set_customer_service(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    customer_service: bool,
) -> ServiceResult<Department> {
    change_department(
        connection,
        caller.actor(),
        id,
        version,
        "department.set_customer_service",
        |_, department| {
            Ok(Department {
                customer_service,
                ..department
            })
        },
    )
}

/// Checks that refer to other records: the department, the superior and the staff account.
fn check_references(connection: &mut DbConnection, employee: &Employee) -> ServiceResult<()> {
    if people::find_department(connection, &employee.department_id)?.is_none() {
        return Err(ServiceError::field_refused(
            "department_id",
            format!("no department {}", employee.department_id),
        ));
    }
    if let Some(superior) = &employee.superior_id {
        if *superior == employee.id {
            return Err(ServiceError::field_refused(
                "superior_id",
                "an employee cannot be their own superior",
            ));
        }
        existing_employee(connection, "superior_id", superior)?;
    }
    if let Some(user) = &employee.user_id
        && !users::exists(connection, user)?
    {
        return Err(ServiceError::field_refused(
            "user_id",
            format!("no staff account {user}"),
        ));
    }
    Ok(())
}

/// Checks the dates of an employment against each other.
fn check_employment_dates(employee: &Employee) -> ServiceResult<()> {
    if employee.left_on.is_some() != employee.leaving_reason.is_some() {
        return Err(ServiceError::field_refused(
            "leaving_reason",
            "is given exactly when left_on is set",
        ));
    }
    let (Some(hired_on), Some(birth_date)) = (employee.hired_on, employee.birth_date) else {
        return Ok(());
    };
    if birth_date >= hired_on {
        return Err(ServiceError::field_refused(
            "birth_date",
            "must be before hired_on",
        ));
    }
    if employee.probation_end.is_some_and(|end| end < hired_on) {
        return Err(ServiceError::field_refused(
            "probation_end",
            "must not be before hired_on",
        ));
    }
    if employee.left_on.is_some_and(|left| left < hired_on) {
        return Err(ServiceError::field_refused(
            "left_on",
            "must not be before hired_on",
        ));
    }
    Ok(())
}

/// An employee as HR records them on hiring.
#[derive(Debug, Clone)]
pub struct NewEmployee {
    pub name: String,
    pub department_id: String,
    pub rank: Rank,
    pub superior_id: Option<String>,
    pub user_id: Option<String>,
    pub gender: Gender,
    pub birth_date: Date,
    pub hired_on: Date,
    /// EMP-1: one probation after `hired_on` when absent.
    pub probation_end: Option<Date>,
    pub base_salary: Money,
    /// CAL-3: Sunday when absent.
    pub rest_day: Option<DayOfWeek>,
}

/// Records a new employee after checking their dates and the records they refer to.
pub fn create_employee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    new: NewEmployee,
) -> ServiceResult<Employee> {
    let actor = caller.actor();
    let now = actor.at.stored();
    let employee = Employee {
        id: new_id(),
        name: new.name.trim().to_owned(),
        department_id: new.department_id,
        rank: new.rank.as_str().to_owned(),
        superior_id: new.superior_id,
        user_id: new.user_id,
        version: 1,
        created_at: now,
        updated_at: now,
        gender: Some(new.gender.as_str().to_owned()),
        birth_date: Some(new.birth_date),
        hired_on: Some(new.hired_on),
        probation_end: Some(
            new.probation_end
                .unwrap_or_else(|| default_probation_end(policy, new.hired_on)),
        ),
        left_on: None,
        leaving_reason: None,
        base_salary_fen: new.base_salary.fen(),
        rest_day: new.rest_day.unwrap_or(DayOfWeek::Sunday).name().to_owned(),
    };
    check_employment_dates(&employee)?;
    check_references(connection, &employee)?;
    people::insert_employee(connection, actor, &employee)?;
    Ok(employee)
}

/// Changes to an employee record: `None` keeps a field; `Some(None)` clears a clearable one.
#[derive(Debug, Clone, Default)]
pub struct EmployeeChanges {
    pub name: Option<String>,
    pub department_id: Option<String>,
    pub rank: Option<Rank>,
    pub superior_id: Option<Option<String>>,
    pub user_id: Option<Option<String>>,
    pub gender: Option<Gender>,
    pub birth_date: Option<Date>,
    pub hired_on: Option<Date>,
    pub probation_end: Option<Date>,
    pub left_on: Option<Option<Date>>,
    pub leaving_reason: Option<Option<LeavingReason>>,
    pub base_salary: Option<Money>,
    pub rest_day: Option<DayOfWeek>,
}

impl EmployeeChanges {
    fn apply(self, before: &Employee, at: PrimitiveDateTime) -> Employee {
        Employee {
            name: self
                .name
                .map_or_else(|| before.name.clone(), |n| n.trim().to_owned()),
            department_id: self
                .department_id
                .unwrap_or_else(|| before.department_id.clone()),
            rank: self
                .rank
                .map_or_else(|| before.rank.clone(), |r| r.as_str().to_owned()),
            superior_id: self
                .superior_id
                .unwrap_or_else(|| before.superior_id.clone()),
            user_id: self.user_id.unwrap_or_else(|| before.user_id.clone()),
            gender: self
                .gender
                .map(|g| g.as_str().to_owned())
                .or_else(|| before.gender.clone()),
            birth_date: self.birth_date.or(before.birth_date),
            hired_on: self.hired_on.or(before.hired_on),
            probation_end: self.probation_end.or(before.probation_end),
            left_on: self.left_on.unwrap_or(before.left_on),
            leaving_reason: self.leaving_reason.map_or_else(
                || before.leaving_reason.clone(),
                |reason| reason.map(|r| r.name().to_owned()),
            ),
            base_salary_fen: self.base_salary.map_or(before.base_salary_fen, Money::fen),
            rest_day: self
                .rest_day
                .map_or_else(|| before.rest_day.clone(), |d| d.name().to_owned()),
            version: before.version + 1,
            updated_at: at,
            ..before.clone()
        }
    }
}

/// Changes an employee record at the version the client read. Setting the leaving date opens
/// the departure (EMP-4, CARE-4), the customers passing to `successor_id` (default: the
/// superior).
pub fn update_employee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    changes: EmployeeChanges,
    successor_id: Option<&str>,
) -> ServiceResult<Employee> {
    let before = people::find_employee(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no employee {id}")))?;
    if before.version != version {
        return Err(ServiceError::Stale(
            "the employee record changed since you read it".into(),
        ));
    }
    let after = changes.apply(&before, caller.actor().at.stored());
    check_employment_dates(&after)?;
    check_references(connection, &after)?;
    people::update_employee(
        connection,
        caller.actor(),
        "employee.update",
        &before,
        &after,
    )?;
    if before.left_on.is_none() && after.left_on.is_some() {
        open_departure(connection, caller, &after, successor_id)?;
    }
    Ok(after)
}

/// Employees in creation order, optionally of one department, as far as the caller may read
/// them (see [`reading_scope`]).
pub fn list_employees(
    connection: &mut DbConnection,
    caller: &impl Identity,
    department_id: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<Employee>> {
    let Some(scope) = reading_scope(connection, caller)? else {
        return Ok(Vec::new());
    };
    let rows = people::list_employees(connection, &scope, department_id, after, limit)?;
    crate::promotions::as_of(connection, rows, caller.actor().at.today())
}

/// One employee, if the caller may read their record (else not found), with the rank and base
/// salary in force today (EMP-6).
pub fn find_readable_employee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Employee> {
    let employee = readable_employee(connection, caller, id)?;
    let mut today =
        crate::promotions::as_of(connection, vec![employee], caller.actor().at.today())?;
    today
        .pop()
        .ok_or_else(|| ServiceError::not_found(format!("no employee {id}")))
}
