//! Employees and departments as the rules read them.

use time::Date;
use zhidu_domain::employment::regularized_probation_end;
use zhidu_domain::person::Gender;
use zhidu_domain::roster::{DayOfWeek, Roster, Shift};
use zhidu_domain::sla::Rank;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::employment::RegularizationApplication;
use zhidu_store::people::{self, Department, Employee};
use zhidu_store::{StoreError, StoreResult, read_stored};

use crate::error::{ServiceError, ServiceResult};

pub fn rank_of(employee: &Employee) -> StoreResult<Rank> {
    read_stored(&employee.rank)
}

/// The employee's gender, `None` while HR has not recorded it.
pub fn gender_of(employee: &Employee) -> StoreResult<Option<Gender>> {
    employee.gender.as_deref().map(read_stored).transpose()
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
        rest_day: read_stored::<DayOfWeek>(&employee.rest_day)?.weekday(),
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
