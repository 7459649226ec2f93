//! EMP-7 and EMP-8: what departments report to the general manager — each month's targets and
//! assessment standard, and work-injury reports with the office's investigation, HR's review
//! and the general manager being informed.

use time::{Date, OffsetDateTime};
use zhidu_domain::monthly_target::{
    MonthlyTargetStatus, first_of_month, is_standard_change, standard_change_allowed,
    targets_due_on, targets_filed_late, targets_month_open, targets_overdue,
};
use zhidu_domain::person::EmploymentPolicy;
use zhidu_domain::quarter::Quarter;
use zhidu_domain::role::Role;
use zhidu_domain::work_injury::{
    InjuryReportStatus, InjuryStep, injury_report_due, injury_report_late, injury_status_after,
};
use zhidu_store::clock::stored_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::hr_reports as store;
use zhidu_store::people::{self, Department};
use zhidu_store::versioned::Versioned;
use zhidu_store::{new_id, read_stored};

pub use zhidu_store::hr_reports::{InjuryReport, MonthlyTarget};

use crate::access::{Identity, roles};
use crate::calendar::business_calendar;
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::versioned::at_version;

/// Whether the caller's employee record is the head (`manager_id`) of `department`.
fn heads(
    connection: &mut DbConnection,
    caller: &impl Identity,
    department: &Department,
) -> ServiceResult<bool> {
    let Some(head) = department.manager_id.as_deref() else {
        return Ok(false);
    };
    Ok(people::employee_of_user(connection, caller.subject())?.is_some_and(|me| me.id == head))
}

fn department_of(
    connection: &mut DbConnection,
    field: &str,
    id: &str,
) -> ServiceResult<Department> {
    people::find_department(connection, id)?
        .ok_or_else(|| ServiceError::field_refused(field, format!("no department {id}")))
}

/// What a department files for a month.
#[derive(Debug, Clone)]
pub struct TargetsFiling {
    pub department_id: String,
    /// Any day of the month filed for.
    pub month: Date,
    pub targets: String,
    pub assessment_standard: String,
}

/// EMP-7: files a department's targets and assessment standard for a month. Only the
/// department's head (or an admin) files; once per department and month. A standard that
/// differs from the department's latest earlier one is a change, refused when the quarter
/// already had `standard_changes_per_quarter` of them. Late when filed after the
/// `targets_due_working_day`th working day of the month.
pub fn file_targets(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    filing: TargetsFiling,
) -> ServiceResult<MonthlyTarget> {
    let department = department_of(connection, "department_id", &filing.department_id)?;
    if !caller.has_any(roles::ADMINS) && !heads(connection, caller, &department)? {
        return Err(ServiceError::forbidden(format!(
            "EMP-7: the targets of {} are filed by its head (or {})",
            department.name,
            Role::Admin.as_str()
        )));
    }
    let at = caller.actor().at;
    let month = first_of_month(filing.month);
    if !targets_month_open(at.today(), month) {
        return Err(ServiceError::field_refused(
            "month",
            "targets are filed for this month, an earlier one, or the next",
        ));
    }
    if store::target_for_month(connection, &department.id, month)?.is_some() {
        return Err(ServiceError::conflict(format!(
            "{} already filed its targets for {month}",
            department.name
        )));
    }
    let standard = filing.assessment_standard.trim().to_owned();
    let previous = store::latest_target_before(connection, &department.id, month)?;
    let standard_changed = is_standard_change(
        previous.as_ref().map(|p| p.assessment_standard.as_str()),
        &standard,
    );
    if standard_changed {
        let quarter = Quarter::containing(month);
        let already = store::standard_changes_between(
            connection,
            &department.id,
            quarter.first_day(),
            quarter.last_day(),
        )?;
        standard_change_allowed(policy, quarter, u32::try_from(already).unwrap_or(u32::MAX))
            .map_err(|refusal| {
                ServiceError::refused("EMP-7", refusal.to_string())
                    .concerning(
                        "assessment_standard",
                        format!("changes at most {} time(s) a quarter", refusal.allowed),
                    )
                    .with("quarter", refusal.quarter.to_string())
            })?;
    }
    let calendar = business_calendar(connection)?;
    let due = targets_due_on(policy, &calendar, month)
        .map_err(|e| ServiceError::field_refused("month", e.to_string()))?;
    let now = at.stored();
    let target = MonthlyTarget {
        id: new_id(),
        department_id: department.id,
        month,
        targets: filing.targets.trim().to_owned(),
        assessment_standard: standard,
        standard_changed,
        due_on: due.value,
        late: targets_filed_late(due.value, at.today()),
        status: MonthlyTargetStatus::Filed.as_str().into(),
        filed_by: caller.subject().to_owned(),
        filed_at: now,
        acknowledged_by: None,
        acknowledged_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_target(connection, caller.actor(), &target)?;
    Ok(target)
}

/// A filing the caller may read: HR, the general manager and admins read every one, a
/// department head their own department's.
pub fn find_targets(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<MonthlyTarget> {
    let not_found = || ServiceError::not_found(format!("no monthly target filing {id}"));
    let target = store::find_target(connection, id)?.ok_or_else(not_found)?;
    if caller.has_any(roles::PEOPLE_OVERSEERS) {
        return Ok(target);
    }
    let department = department_of(connection, "id", &target.department_id)?;
    if heads(connection, caller, &department)? {
        Ok(target)
    } else {
        Err(not_found())
    }
}

/// EMP-7 ("上报总经理"): the general manager acknowledges a filing, at `version`.
pub fn acknowledge_targets(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<MonthlyTarget> {
    if !caller.has_any(roles::GENERAL_MANAGERS) {
        return Err(ServiceError::forbidden(
            "EMP-7: targets are acknowledged by the general manager",
        ));
    }
    let before = store::find_target(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no monthly target filing {id}")))?;
    let before = at_version(before, version)?;
    if read_stored::<MonthlyTargetStatus>(&before.status)? != MonthlyTargetStatus::Filed {
        return Err(ServiceError::conflict(format!(
            "monthly target filing {id} is already {}",
            before.status
        )));
    }
    let now = caller.actor().at.stored();
    let after = MonthlyTarget {
        status: MonthlyTargetStatus::Acknowledged.as_str().into(),
        acknowledged_by: Some(caller.subject().to_owned()),
        acknowledged_at: Some(now),
        ..before.bumped(now)
    };
    store::save_target(
        connection,
        caller.actor(),
        "monthly_target.acknowledge",
        &before,
        &after,
    )?;
    Ok(after)
}

/// EMP-7: a month's filings and the departments that have none.
#[derive(Debug, Clone)]
pub struct MonthReport {
    pub month: Date,
    pub due_on: Date,
    /// CAL-2: the due day rests on a year without an imported schedule.
    pub provisional: bool,
    /// Whether the due day has passed.
    pub overdue: bool,
    pub filings: Vec<MonthlyTarget>,
    pub not_filed: Vec<Department>,
}

/// EMP-7: the month's filings — only the late ones when `late` is `Some(true)`, only the
/// timely ones when `Some(false)` — and the departments without a filing: every one when
/// `late` is not given, once the due day has passed when asking for the late ones, none when
/// asking for the timely ones.
pub fn month_report(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    month: Date,
    late: Option<bool>,
) -> ServiceResult<MonthReport> {
    let month = first_of_month(month);
    let calendar = business_calendar(connection)?;
    let due = targets_due_on(policy, &calendar, month)
        .map_err(|e| ServiceError::field_refused("month", e.to_string()))?;
    let overdue = targets_overdue(due.value, caller.actor().at.today());
    let mut filings = store::targets_of_month(connection, month)?;
    let filed: Vec<String> = filings.iter().map(|f| f.department_id.clone()).collect();
    let lacking = people::list_departments(connection)?
        .into_iter()
        .filter(|department| !filed.contains(&department.id));
    let not_filed = match late {
        None => lacking.collect(),
        Some(true) if overdue => lacking.collect(),
        Some(_) => Vec::new(),
    };
    if let Some(late) = late {
        filings.retain(|filing| filing.late == late);
    }
    Ok(MonthReport {
        month,
        due_on: due.value,
        provisional: due.provisional,
        overdue,
        filings,
        not_filed,
    })
}

/// EMP-8: the department's work-injury report about one incident.
#[derive(Debug, Clone)]
pub struct InjuryFiling {
    pub employee_id: String,
    pub occurred_at: OffsetDateTime,
    pub description: String,
}

/// EMP-8: the injured employee's department head (or an admin) files the report; an incident
/// in the future is refused; a report filed more than `injury_report_within_hours` after the
/// incident is late.
pub fn file_injury_report(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    filing: InjuryFiling,
) -> ServiceResult<InjuryReport> {
    let employee = existing_employee(connection, "employee_id", &filing.employee_id)?;
    let department = department_of(connection, "employee_id", &employee.department_id)?;
    if !caller.has_any(roles::ADMINS) && !heads(connection, caller, &department)? {
        return Err(ServiceError::forbidden(format!(
            "EMP-8: the injury report is filed by the head of {} (or {})",
            department.name,
            Role::Admin.as_str()
        )));
    }
    let at = caller.actor().at;
    if filing.occurred_at > at.instant() {
        return Err(ServiceError::field_refused(
            "occurred_at",
            "must not be in the future",
        ));
    }
    let now = at.stored();
    let report = InjuryReport {
        id: new_id(),
        employee_id: employee.id,
        department_id: department.id,
        occurred_at: stored_utc(filing.occurred_at),
        description: filing.description.trim().to_owned(),
        due_at: stored_utc(injury_report_due(policy, filing.occurred_at)),
        late: injury_report_late(policy, filing.occurred_at, at.instant()),
        status: InjuryReportStatus::Reported.as_str().into(),
        reported_by: caller.subject().to_owned(),
        reported_at: now,
        investigation: None,
        investigated_by: None,
        investigated_at: None,
        review: None,
        reviewed_by: None,
        reviewed_at: None,
        informed_by: None,
        informed_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_injury_report(connection, caller.actor(), &report)?;
    Ok(report)
}

/// EMP-8 (Reading of 办公室): the office is the department named
/// `policy.office_department_name`; its head records the investigation.
fn heads_the_office(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
) -> ServiceResult<bool> {
    for department in people::list_departments(connection)? {
        if department.name.trim() == policy.office_department_name
            && heads(connection, caller, &department)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// EMP-8: who takes `step`, refused otherwise.
fn may_take(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    step: InjuryStep,
) -> ServiceResult<()> {
    let (allowed, who) = match step {
        InjuryStep::Investigation => (
            caller.has_any(roles::ADMINS) || heads_the_office(connection, caller, policy)?,
            format!(
                "the head of the {} department (or {})",
                policy.office_department_name,
                Role::Admin.as_str()
            ),
        ),
        InjuryStep::Review => (caller.has_any(roles::PEOPLE_ADMINS), "HR".to_owned()),
        InjuryStep::GeneralManagerInformed => (
            caller.has_any(roles::GENERAL_MANAGERS),
            "the general manager".to_owned(),
        ),
    };
    if allowed {
        Ok(())
    } else {
        Err(ServiceError::forbidden(format!(
            "EMP-8: the {step} step is taken by {who}"
        )))
    }
}

/// EMP-8: records `step` on the report at `version` — the office's investigation, HR's review
/// (both with their `note`), the general manager being informed — each by its role and only
/// as the next step.
pub fn take_injury_step(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    (id, version): (&str, i64),
    step: InjuryStep,
    note: Option<String>,
) -> ServiceResult<InjuryReport> {
    may_take(connection, caller, policy, step)?;
    let before = store::find_injury_report(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no injury report {id}")))?;
    let before = at_version(before, version)?;
    let status = injury_status_after(read_stored(&before.status)?, step)
        .map_err(|refusal| ServiceError::conflict(format!("EMP-8: {refusal}")))?;
    let now = caller.actor().at.stored();
    let by = Some(caller.subject().to_owned());
    let note = note.map(|note| note.trim().to_owned());
    let mut after = InjuryReport {
        status: status.as_str().into(),
        ..before.bumped(now)
    };
    match step {
        InjuryStep::Investigation => {
            after.investigation = note;
            after.investigated_by = by;
            after.investigated_at = Some(now);
        }
        InjuryStep::Review => {
            after.review = note;
            after.reviewed_by = by;
            after.reviewed_at = Some(now);
        }
        InjuryStep::GeneralManagerInformed => {
            after.informed_by = by;
            after.informed_at = Some(now);
        }
    }
    let action = format!("injury_report.{step}");
    store::save_injury_report(connection, caller.actor(), &action, &before, &after)?;
    Ok(after)
}

/// A report the caller may read: HR, the general manager and admins read every one; the head
/// of the injured employee's department and the office's head theirs.
pub fn find_injury_report(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    id: &str,
) -> ServiceResult<InjuryReport> {
    let not_found = || ServiceError::not_found(format!("no injury report {id}"));
    let report = store::find_injury_report(connection, id)?.ok_or_else(not_found)?;
    if caller.has_any(roles::PEOPLE_OVERSEERS) || heads_the_office(connection, caller, policy)? {
        return Ok(report);
    }
    let department = department_of(connection, "id", &report.department_id)?;
    if heads(connection, caller, &department)? {
        Ok(report)
    } else {
        Err(not_found())
    }
}

/// EMP-8: reports in id order after `after_id` (late or timely ones only when `late` is
/// given); one more than `limit` tells that another page exists.
pub fn list_injury_reports(
    connection: &mut DbConnection,
    late: Option<bool>,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<InjuryReport>> {
    Ok(store::list_injury_reports(
        connection, late, after_id, limit,
    )?)
}
