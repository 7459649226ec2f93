//! ATT: an employee's month as the attendance rules evaluate it, for the month view, the HR
//! summary and payroll.

use std::collections::{HashMap, HashSet};

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime};
use zhidu_domain::approval::{ApplicationStatus, StepKind};
use zhidu_domain::attendance::{
    ApprovedLeave, AttendancePolicy, ExceptionCause, FilingRefusal, MonthInput, MonthResult,
    evaluate_month, exception_may_be_filed, make_up_may_be_requested,
};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_store::audit::{self, Actor};
use zhidu_store::calendar::load_calendar;
use zhidu_store::clock::{Moment, local_midnight_utc, stored_utc};
use zhidu_store::db::DbConnection;
use zhidu_store::leave as leave_store;
use zhidu_store::new_id;
use zhidu_store::people::{self, Employee, EmployeeScope};

pub use zhidu_store::attendance::{ExceptionForm, MakeUpRequest, Punch};

use crate::access::Identity;
use crate::access::employees::{filing_employee, readable_employee};
use crate::approvals::{self, ApprovalStep, Decidable, department_head_for};
use crate::error::{FieldNote, ServiceError, ServiceResult};
use crate::leave::approved_leave;
use crate::people::{roster_of, shift_of};
use zhidu_store::attendance;

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

/// How far ahead of the server's clock a device's clock may run.
const CLOCK_SKEW_ALLOWED: Duration = Duration::minutes(5);

/// A punch as stored: UTC, whole seconds, so the same punch resent is recognised.
fn stored_punch_time(instant: OffsetDateTime) -> PrimitiveDateTime {
    let utc = stored_utc(instant);
    utc.replace_nanosecond(0).unwrap_or(utc)
}

/// A punch time is refused when it lies ahead of the clock by more than the allowed skew.
fn check_not_in_future(
    field: String,
    instant: OffsetDateTime,
    at: Moment,
) -> Result<(), FieldNote> {
    if instant > at.instant() + CLOCK_SKEW_ALLOWED {
        return Err(FieldNote {
            field,
            message: "lies in the future".into(),
        });
    }
    Ok(())
}

/// The one punch time of a request, refused (naming `punched_at`) when in the future.
fn check_punch_time(punched_at: OffsetDateTime, at: Moment) -> ServiceResult<()> {
    check_not_in_future("punched_at".into(), punched_at, at)
        .map_err(|note| ServiceError::field_refused(note.field, note.message))
}

fn refused_fields(notes: Vec<FieldNote>) -> ServiceResult<()> {
    if notes.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::FieldsRefused(notes))
    }
}

/// Records one punch of `employee_id`; `false` when the same employee and second was already
/// on file (nothing changes).
pub fn record_punch(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: String,
    punched_at: OffsetDateTime,
    device_id: Option<String>,
) -> ServiceResult<(Punch, bool)> {
    let actor = caller.actor();
    check_punch_time(punched_at, actor.at)?;
    let punch = Punch {
        id: new_id(),
        employee_id,
        punched_at: stored_punch_time(punched_at),
        source: "manual".into(),
        device_id,
        created_at: actor.at.stored(),
    };
    if people::find_employee(connection, &punch.employee_id)?.is_none() {
        return Err(ServiceError::field_refused(
            "employee_id",
            format!("no employee {}", punch.employee_id),
        ));
    }
    let inserted = attendance::insert_new_punches(connection, std::slice::from_ref(&punch))?;
    if inserted > 0 {
        audit::record(
            connection,
            actor,
            "attendance.punch",
            ("punch", &punch.id),
            None::<&()>,
            Some(&punch),
        )?;
    }
    Ok((punch, inserted > 0))
}

/// One row of a device batch.
#[derive(Debug, Clone)]
pub struct DevicePunch {
    pub employee_id: String,
    pub punched_at: OffsetDateTime,
    pub device_id: Option<String>,
}

/// Imports a device batch, all or nothing: every row in the future, then every unknown
/// employee, is refused by its index (`punches[i]`); punches already on file or repeated in
/// the batch are ignored. The number of punches stored.
pub fn import_punches(
    connection: &mut DbConnection,
    caller: &impl Identity,
    rows: Vec<DevicePunch>,
) -> ServiceResult<usize> {
    let actor = caller.actor();
    let received = rows.len();
    refused_fields(
        rows.iter()
            .enumerate()
            .filter_map(|(index, row)| {
                check_not_in_future(
                    format!("punches[{index}].punched_at"),
                    row.punched_at,
                    actor.at,
                )
                .err()
            })
            .collect(),
    )?;
    let now = actor.at.stored();
    let mut punches: Vec<Punch> = rows
        .into_iter()
        .map(|row| Punch {
            id: new_id(),
            employee_id: row.employee_id,
            punched_at: stored_punch_time(row.punched_at),
            source: "device".into(),
            device_id: row.device_id,
            created_at: now,
        })
        .collect();
    let mut seen = HashSet::with_capacity(punches.len());
    punches.retain(|p| seen.insert((p.employee_id.clone(), p.punched_at)));
    let ids: Vec<String> = punches
        .iter()
        .map(|p| p.employee_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let known: HashSet<String> = people::find_employees(connection, &ids)?
        .into_iter()
        .map(|e| e.id)
        .collect();
    refused_fields(
        punches
            .iter()
            .enumerate()
            .filter(|(_, p)| !known.contains(&p.employee_id))
            .map(|(index, p)| FieldNote {
                field: format!("punches[{index}].employee_id"),
                message: format!("no employee {}", p.employee_id),
            })
            .collect(),
    )?;
    let inserted = attendance::insert_new_punches(connection, &punches)?;
    audit::record(
        connection,
        actor,
        "attendance.import",
        ("punch_import", &new_id()),
        None::<&()>,
        Some(&serde_json::json!({
            "received": received,
            "inserted": inserted,
            "employees": ids.len(),
        })),
    )?;
    Ok(inserted)
}

fn filing_refused(refusal: FilingRefusal) -> ServiceError {
    ServiceError::refused(refusal.rule(), refusal.to_string())
}

/// ATT-5: requests a make-up punch (one per employment), signed by the supervisor.
pub fn request_make_up(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &AttendancePolicy,
    named_employee: Option<&str>,
    punched_at: OffsetDateTime,
    reason: &str,
) -> ServiceResult<(MakeUpRequest, Vec<ApprovalStep>)> {
    let actor = caller.actor();
    check_punch_time(punched_at, actor.at)?;
    let employee = filing_employee(connection, caller, named_employee)?;
    let live = attendance::live_make_up_requests(connection, &employee.id)?;
    make_up_may_be_requested(policy, u32::try_from(live).unwrap_or(u32::MAX))
        .map_err(filing_refused)?;
    let supervisor = match employee.superior_id.clone() {
        Some(superior) => superior,
        None => department_head_for(connection, &employee)?,
    };
    let now = actor.at.stored();
    let request = MakeUpRequest {
        id: new_id(),
        employee_id: employee.id,
        punched_at: stored_punch_time(punched_at),
        reason: reason.trim().to_owned(),
        status: ApplicationStatus::Pending.as_str().into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    attendance::insert_make_up_request(connection, actor, &request)?;
    let chain = approvals::open_chain(
        connection,
        <MakeUpRequest as Decidable>::SUBJECT,
        &request.id,
        &[(StepKind::Supervisor, Some(supervisor))],
    )?;
    Ok((request, chain))
}

/// ATT-4: files an exception form excusing the lateness of `occurred_on`: within the filing
/// window after the day's shift start, at most the policy's number a month; the department
/// head signs, then HR confirms.
pub fn file_exception(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &AttendancePolicy,
    named_employee: Option<&str>,
    occurred_on: Date,
    cause: ExceptionCause,
    reason: &str,
) -> ServiceResult<(ExceptionForm, Vec<ApprovalStep>)> {
    let actor = caller.actor();
    let employee = filing_employee(connection, caller, named_employee)?;
    let department =
        people::find_department(connection, &employee.department_id)?.ok_or_else(|| {
            zhidu_store::StoreError::Corrupt(format!("employee {} without department", employee.id))
        })?;
    let shift_start =
        PrimitiveDateTime::new(occurred_on, shift_of(&department).start).assume_offset(SHANGHAI);
    let year = occurred_on.year();
    let month = occurred_on.month();
    let first = occurred_on.replace_day(1).unwrap_or(occurred_on);
    let last = occurred_on
        .replace_day(month.length(year))
        .unwrap_or(occurred_on);
    let live = attendance::exception_forms_between(
        connection,
        Some(std::slice::from_ref(&employee.id)),
        first,
        last,
        &[
            ApplicationStatus::Pending.as_str(),
            ApplicationStatus::Approved.as_str(),
        ],
    )?;
    exception_may_be_filed(
        policy,
        shift_start,
        actor.at.instant(),
        u32::try_from(live.len()).unwrap_or(u32::MAX),
    )
    .map_err(filing_refused)?;
    let head = department_head_for(connection, &employee)?;
    let now = actor.at.stored();
    let form = ExceptionForm {
        id: new_id(),
        employee_id: employee.id,
        occurred_on,
        cause: cause.as_str().to_owned(),
        reason: reason.trim().to_owned(),
        status: ApplicationStatus::Pending.as_str().into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    attendance::insert_exception_form(connection, actor, &form)?;
    let chain = approvals::open_chain(
        connection,
        <ExceptionForm as Decidable>::SUBJECT,
        &form.id,
        &[(StepKind::DepartmentHead, Some(head)), (StepKind::Hr, None)],
    )?;
    Ok((form, chain))
}

/// ATT-1..7: the month starting `month_start` of employee `id`, if the caller may read their
/// records; a record without a hiring date is refused (EMP-1).
pub fn employee_month(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &AttendancePolicy,
    id: &str,
    month_start: Date,
) -> ServiceResult<(Employee, MonthResult)> {
    let employee = readable_employee(connection, caller, id)?;
    let result = evaluate_employees(
        connection,
        policy,
        std::slice::from_ref(&employee),
        month_start,
        caller.actor().at.today(),
    )?
    .pop()
    .ok_or_else(|| zhidu_store::StoreError::Corrupt("no evaluation".into()))?
    .map_err(|missing| ServiceError::refused("EMP-1", missing).with("missing_field", "hired_on"))?;
    Ok((employee, result))
}

/// The month of every employee in id order after `after`, optionally of one department: up
/// to `limit + 1` employees (the extra one tells that another page follows) and the
/// evaluation of the first `limit`, an employee whose month cannot be evaluated carrying the
/// reason instead.
pub fn month_summary(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &AttendancePolicy,
    department_id: Option<&str>,
    after: Option<&str>,
    limit: i64,
    month_start: Date,
) -> ServiceResult<MonthSummary> {
    let employees = people::list_employees(
        connection,
        &EmployeeScope::Everyone,
        department_id,
        after,
        limit,
    )?;
    let page = employees
        .len()
        .min(usize::try_from(limit).unwrap_or(usize::MAX));
    let results = evaluate_employees(
        connection,
        policy,
        &employees[..page],
        month_start,
        caller.actor().at.today(),
    )?;
    Ok((employees, results))
}

/// Employees and the evaluations of the first of them (see [`month_summary`]).
pub type MonthSummary = (Vec<Employee>, Vec<Result<MonthResult, String>>);
