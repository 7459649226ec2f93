//! ATT: an employee's month as the attendance rules evaluate it, for the month view, the HR
//! summary and payroll.

use std::collections::HashMap;

use time::{Date, PrimitiveDateTime};
use zhidu_domain::approval::ApplicationStatus;
use zhidu_domain::attendance::{
    ApprovedLeave, AttendancePolicy, MonthInput, MonthResult, evaluate_month,
};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_store::attendance::{self, MakeUpRequest, Punch};
use zhidu_store::audit::Actor;
use zhidu_store::calendar::load_calendar;
use zhidu_store::clock::local_midnight_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::leave as leave_store;
use zhidu_store::new_id;
use zhidu_store::people::{self, Employee};

use crate::error::ServiceResult;
use crate::leave::approved_leave;
use crate::people::{roster_of, shift_of};

/// The month's evaluation of each employee given; one query per input kind, whatever the
/// number of employees. Days before `today` (the company's day of the request) are final;
/// today and later are `pending`.
pub fn evaluate_employees(
    connection: &mut DbConnection,
    policy: &AttendancePolicy,
    employees: &[Employee],
    month_start: Date,
    today: Date,
) -> ServiceResult<Vec<Result<MonthResult, String>>> {
    let (year, month) = (month_start.year(), month_start.month());
    let month_end = month_start
        .replace_day(month.length(year))
        .unwrap_or(month_start);
    let calendar = load_calendar(connection)?;
    let shifts: HashMap<String, _> = people::list_departments(connection)?
        .into_iter()
        .map(|d| (d.id.clone(), shift_of(&d)))
        .collect();
    let ids: Vec<String> = employees.iter().map(|e| e.id.clone()).collect();
    let (from, to) = (
        local_midnight_utc(month_start),
        local_midnight_utc(month_end.next_day().unwrap_or(Date::MAX)),
    );
    let mut punches: HashMap<String, Vec<PrimitiveDateTime>> = HashMap::new();
    for (employee, at) in attendance::punches_between(connection, Some(&ids), from, to)? {
        let local = at.assume_utc().to_offset(SHANGHAI);
        punches
            .entry(employee)
            .or_default()
            .push(PrimitiveDateTime::new(local.date(), local.time()));
    }
    let mut leave: HashMap<String, Vec<ApprovedLeave>> = HashMap::new();
    for row in leave_store::leave_touching(
        connection,
        Some(&ids),
        month_start,
        month_end,
        &[ApplicationStatus::Approved.as_str()],
    )? {
        leave
            .entry(row.employee_id.clone())
            .or_default()
            .push(approved_leave(&row)?);
    }
    let mut excused: HashMap<String, Vec<Date>> = HashMap::new();
    for form in attendance::exception_forms_between(
        connection,
        Some(&ids),
        month_start,
        month_end,
        &[ApplicationStatus::Approved.as_str()],
    )? {
        excused
            .entry(form.employee_id)
            .or_default()
            .push(form.occurred_on);
    }
    let yesterday = today.previous_day().unwrap_or(today);
    Ok(employees
        .iter()
        .map(|employee| {
            let hired_on = employee
                .hired_on
                .ok_or_else(|| format!("employee {} has no hired_on on record", employee.id))?;
            let shift = shifts
                .get(&employee.department_id)
                .copied()
                .unwrap_or_default();
            Ok(evaluate_month(&MonthInput {
                policy,
                calendar: &calendar,
                shift,
                roster: roster_of(employee).map_err(|error| error.to_string())?,
                year,
                month,
                employed_from: hired_on,
                employed_until: employee.left_on,
                evaluated_through: yesterday,
                punches: punches.get(&employee.id).map_or(&[], Vec::as_slice),
                leave: leave.get(&employee.id).map_or(&[], Vec::as_slice),
                excused_dates: excused.get(&employee.id).map_or(&[], Vec::as_slice),
            }))
        })
        .collect())
}

/// ATT-5: an approved make-up request becomes the punch it asked for.
pub fn record_make_up_punch(
    request: &MakeUpRequest,
    connection: &mut DbConnection,
    actor: &Actor,
) -> ServiceResult<()> {
    let punch = Punch {
        id: new_id(),
        employee_id: request.employee_id.clone(),
        punched_at: request.punched_at,
        source: "make_up".into(),
        device_id: None,
        created_at: actor.at.stored(),
    };
    attendance::insert_new_punches(connection, std::slice::from_ref(&punch))?;
    Ok(())
}
