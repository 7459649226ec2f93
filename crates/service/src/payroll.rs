//! PAY: computing a month's payroll, its revisions, and approving a run.

use std::collections::HashMap;

use time::Date;
use zhidu_domain::attendance::AttendancePolicy;
use zhidu_domain::money::Money;
use zhidu_domain::payroll::{
    DisciplineFine, NewestRun, PayLineKind, PayrollFacts, PayrollPolicy, PayrollRunStatus, Payslip,
    PayslipInput, RunAction, check_run_complete, compute_payslip, may_approve_run, may_run_month,
    pay_date, run_action, visible_run_statuses,
};
use zhidu_domain::person::LeavingReason;
use zhidu_domain::promotion::payroll_reading_day;
use zhidu_store::audit::Actor;
use zhidu_store::calendar::load_calendar;
use zhidu_store::clock::local_midnight_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::payroll::{self as payroll_store};
pub use zhidu_store::payroll::{PayrollRun, PerformanceBonus, StoredPayslip};
use zhidu_store::people::{self, Employee};
use zhidu_store::versioned::Versioned;
use zhidu_store::{StoreError, discipline, employment, new_id, read_stored};

use crate::access::Identity;
use crate::access::employees::{
    bonus_enterable_employee, bonus_readable_employee, reads_everyones_pay,
};
use crate::attendance::evaluate_employees;
use crate::error::{ServiceError, ServiceResult};
use crate::people::hr_facts;
use crate::versioned::at_version;

/// The policies a payroll run applies.
#[derive(Clone, Copy)]
struct Policies<'a> {
    payroll: &'a PayrollPolicy,
    attendance: &'a AttendancePolicy,
}

/// A calendar month as payroll reads it: its days and the key runs are stored under.
#[derive(Debug, Clone)]
struct Month {
    first_day: Date,
    last_day: Date,
    /// `YYYY-MM`.
    key: String,
}

impl Month {
    fn starting(first_day: Date) -> Month {
        let (year, month) = (first_day.year(), first_day.month());
        Month {
            first_day,
            last_day: first_day
                .replace_day(month.length(year))
                .unwrap_or(first_day),
            key: format!("{year:04}-{:02}", u8::from(month)),
        }
    }
}

/// The month's payslips of everyone employed in it, and their totals.
struct ComputedMonth {
    slips: Vec<StoredPayslip>,
    problems: i32,
    earnings: i64,
    deductions: i64,
    net: i64,
}

/// PAY-1..5: every employee employed during `month`, through the same attendance evaluation
/// the attendance endpoints use, with the month's bonuses, evaluated as of `today`.
fn compute_month(
    connection: &mut DbConnection,
    policies: Policies,
    run_id: &str,
    month: Month,
    today: Date,
) -> ServiceResult<ComputedMonth> {
    let employees = people::employed_between(connection, month.first_day, month.last_day)?;
    // EMP-6: a month is paid on the rank and base salary in force on its last day.
    let reading_day = payroll_reading_day(month.first_day.year(), month.first_day.month())
        .unwrap_or(month.last_day);
    let employees = crate::promotions::as_of(connection, employees, reading_day)?;
    let months = evaluate_employees(
        connection,
        policies.attendance,
        &employees,
        month.first_day,
        today,
    )?;
    let ids: Vec<String> = employees.iter().map(|e| e.id.clone()).collect();
    let bonuses: HashMap<String, Money> =
        payroll_store::performance_bonuses_of(connection, &ids, &month.key)?
            .into_iter()
            .map(|bonus| (bonus.employee_id, Money::from_fen(bonus.amount_fen)))
            .collect();
    let incomplete = employment::incomplete_departures(connection, &ids)?;
    let in_lieu = employment::notice_days_in_lieu(connection, &ids)?;
    let month_end = local_midnight_utc(month.last_day.next_day().unwrap_or(Date::MAX));
    let mut fines: HashMap<String, Vec<DisciplineFine>> = HashMap::new();
    for fine in discipline::fines_for_payroll(connection, &ids, &month.key, month_end)? {
        fines
            .entry(fine.employee_id)
            .or_default()
            .push(DisciplineFine {
                record_id: fine.record_id,
                offense: fine.offense_code,
                amount: Money::from_fen(fine.fine_fen),
            });
    }
    let mut computed = ComputedMonth {
        slips: Vec::with_capacity(employees.len()),
        problems: 0,
        earnings: 0,
        deductions: 0,
        net: 0,
    };
    for (employee, attendance) in employees.into_iter().zip(months) {
        let payslip = attendance.and_then(|attendance| {
            let facts = payroll_facts(&employee)?;
            Ok(compute_payslip(&PayslipInput {
                policy: policies.payroll,
                attendance_policy: policies.attendance,
                year: month.first_day.year(),
                month: month.first_day.month(),
                facts: &facts,
                attendance: &attendance,
                performance_bonus: bonuses.get(&employee.id).copied(),
                discipline_fines: fines.get(&employee.id).map_or(&[], Vec::as_slice),
                departure_checklist_complete: !incomplete.contains(&employee.id),
                notice_days_in_lieu: in_lieu
                    .get(&employee.id)
                    .map_or(0, |days| u32::try_from(*days).unwrap_or(0)),
            }))
        });
        let slip = match payslip {
            Ok(payslip) => {
                computed.earnings += payslip.earnings.fen();
                computed.deductions += payslip.deductions.fen();
                computed.net += payslip.net.fen();
                stored_payslip(run_id, employee, &payslip)?
            }
            Err(problem) => {
                computed.problems += 1;
                StoredPayslip {
                    run_id: run_id.to_owned(),
                    employee_id: employee.id,
                    employee_name: employee.name,
                    department_id: employee.department_id,
                    problem: Some(problem),
                    earnings_fen: 0,
                    deductions_fen: 0,
                    net_fen: 0,
                    final_pay_withheld: false,
                    detail: String::new(),
                }
            }
        };
        computed.slips.push(slip);
    }
    Ok(computed)
}

/// The HR facts a payslip needs, or why they are missing.
fn payroll_facts(employee: &Employee) -> Result<PayrollFacts, String> {
    let hr = hr_facts(employee).map_err(|error| error.to_string())?;
    Ok(PayrollFacts {
        base_salary: Money::from_fen(employee.base_salary_fen),
        gender: hr.gender,
        birth_date: hr.birth_date,
        hired_on: hr.hired_on,
        probation_end: employee.probation_end,
        left_on: employee.left_on,
        leaving_reason: employee
            .leaving_reason
            .as_deref()
            .map(read_stored::<LeavingReason>)
            .transpose()
            .map_err(|error| error.to_string())?,
    })
}

fn stored_payslip(
    run_id: &str,
    employee: Employee,
    payslip: &Payslip,
) -> ServiceResult<StoredPayslip> {
    Ok(StoredPayslip {
        run_id: run_id.to_owned(),
        employee_id: employee.id,
        employee_name: employee.name,
        department_id: employee.department_id,
        problem: None,
        earnings_fen: payslip.earnings.fen(),
        deductions_fen: payslip.deductions.fen(),
        net_fen: payslip.net.fen(),
        final_pay_withheld: payslip.final_pay_withheld,
        detail: serde_json::to_string(payslip).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

fn count(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// The discipline records whose fines the run's payslips deduct (DISC: settled once).
fn deducted_fines(slips: &[StoredPayslip]) -> ServiceResult<Vec<String>> {
    let mut records = Vec::new();
    for slip in slips.iter().filter(|slip| slip.problem.is_none()) {
        let payslip: Payslip = serde_json::from_str(&slip.detail)
            .map_err(|e| StoreError::Corrupt(format!("payslip {}: {e}", slip.run_id)))?;
        records.extend(
            payslip
                .lines
                .into_iter()
                .filter(|line| line.kind == PayLineKind::DisciplineFine)
                .filter_map(|line| line.reference),
        );
    }
    Ok(records)
}

/// Payroll runs in id order after `after_id`, of one month (`YYYY-MM`) if given.
pub fn list_runs(
    connection: &mut DbConnection,
    month: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<PayrollRun>> {
    Ok(payroll_store::list_runs(
        connection, month, after_id, limit,
    )?)
}

/// Run `id` with up to `limit` of its payslips in employee order after `after_employee`.
pub fn run_with_payslips(
    connection: &mut DbConnection,
    id: &str,
    after_employee: Option<&str>,
    limit: i64,
) -> ServiceResult<(PayrollRun, Vec<StoredPayslip>)> {
    let run = find_run(connection, id)?;
    let slips = payroll_store::payslips_of_run(connection, id, after_employee, limit)?;
    Ok((run, slips))
}

/// PAY-2: the performance bonus entered for employee `id`'s month (`YYYY-MM`), as the caller
/// may read it.
pub fn find_bonus(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    month: &str,
) -> ServiceResult<PerformanceBonus> {
    bonus_readable_employee(connection, caller, id)?;
    payroll_store::find_performance_bonus(connection, id, month)?
        .ok_or_else(|| ServiceError::not_found(format!("no bonus of {month} for {id}")))
}

/// PAY-2: enters or changes employee `id`'s performance bonus for `month` (`YYYY-MM`); the
/// caller sends the version read, none before the month's first entry.
pub fn set_bonus(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    month: &str,
    amount: Money,
    note: Option<String>,
    version: Option<i64>,
) -> ServiceResult<PerformanceBonus> {
    bonus_enterable_employee(connection, caller, id)?;
    let before = payroll_store::find_performance_bonus(connection, id, month)?;
    if before.as_ref().map(|b| b.version) != version {
        return Err(ServiceError::Stale(
            "send the bonus's current version (none before the first entry)".into(),
        ));
    }
    let actor = caller.actor();
    let now = actor.at.stored();
    let after = PerformanceBonus {
        employee_id: id.to_owned(),
        month: month.to_owned(),
        amount_fen: amount.fen(),
        note,
        entered_by: actor.subject.clone(),
        version: before.as_ref().map_or(1, |b| b.version + 1),
        created_at: before.as_ref().map_or(now, |b| b.created_at),
        updated_at: now,
    };
    payroll_store::save_performance_bonus(connection, actor, before.as_ref(), &after)?;
    Ok(after)
}

/// The payroll run `id`.
pub fn find_run(connection: &mut DbConnection, id: &str) -> ServiceResult<PayrollRun> {
    payroll_store::find_run(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no payroll run {id}")))
}

fn stored_status(run: &PayrollRun) -> ServiceResult<PayrollRunStatus> {
    Ok(read_stored(&run.status)?)
}

/// PAY-1: computes the month starting `month_start` once it is over: its first run (`true`),
/// a recomputation of its draft (`false`), or — with a correction reason — a new revision of
/// its approved run (`true`).
pub fn run_month(
    connection: &mut DbConnection,
    actor: &Actor,
    payroll: &PayrollPolicy,
    attendance: &AttendancePolicy,
    month_start: Date,
    correction_reason: Option<String>,
) -> ServiceResult<(bool, PayrollRun)> {
    let month = Month::starting(month_start);
    let (year, number) = (month_start.year(), month_start.month());
    let today = actor.at.today();
    may_run_month(year, number, today)
        .map_err(|refusal| ServiceError::field_refused("month", refusal.detail))?;
    let calendar = load_calendar(connection)?;
    let paid = pay_date(payroll, &calendar, year, number)
        .ok_or_else(|| ServiceError::field_refused("month", "has no pay date"))?;
    let newest = payroll_store::runs_of_month(connection, &month.key)?
        .into_iter()
        .next();
    let newest_state = match &newest {
        Some(run) => Some(NewestRun {
            status: stored_status(run)?,
            revision: run.revision,
        }),
        None => None,
    };
    let action =
        run_action(year, number, newest_state, correction_reason.is_some()).map_err(|refusal| {
            match newest {
                None => ServiceError::field_refused("correction_reason", refusal.detail),
                Some(_) => ServiceError::conflict(refusal.detail),
            }
        })?;
    let (id, revision, reason, before) = match (action, &newest) {
        (RunAction::Recompute, Some(draft)) => (
            draft.id.clone(),
            draft.revision,
            draft.correction_reason.clone(),
            Some(draft),
        ),
        (RunAction::Correct { revision }, _) => (new_id(), revision, correction_reason, None),
        _ => (new_id(), 1, None, None),
    };
    let policies = Policies {
        payroll,
        attendance,
    };
    let computed = compute_month(connection, policies, &id, month.clone(), today)?;
    let now = actor.at.stored();
    let run = PayrollRun {
        id,
        month: month.key,
        revision,
        status: PayrollRunStatus::Draft.as_str().into(),
        correction_reason: reason,
        pay_date: paid.date,
        pay_date_provisional: paid.provisional,
        employee_count: count(computed.slips.len()),
        problem_count: computed.problems,
        earnings_fen: computed.earnings,
        deductions_fen: computed.deductions,
        net_fen: computed.net,
        computed_by: actor.subject.clone(),
        computed_at: now,
        approved_by: None,
        approved_at: None,
        version: before.map_or(1, |b| b.version + 1),
        created_at: before.map_or(now, |b| b.created_at),
        updated_at: now,
    };
    match before {
        Some(before) => {
            payroll_store::recompute_run(connection, actor, before, &run, &computed.slips)?;
        }
        None => payroll_store::insert_run(connection, actor, &run, &computed.slips)?,
    }
    Ok((before.is_none(), run))
}

/// PAY-1: approves draft run `id` at the `version` the caller read — by someone other than
/// who computed it, and only when every employee has a payslip. An approved correction
/// supersedes the revision before it; the fines it deducts are settled.
pub fn approve_run(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
) -> ServiceResult<PayrollRun> {
    let before = at_version(find_run(connection, id)?, version)?;
    may_approve_run(stored_status(&before)?)
        .map_err(|refusal| ServiceError::conflict(format!("run {id} {}", refusal.detail)))?;
    if before.computed_by == actor.subject {
        return Err(ServiceError::forbidden(
            "a run is approved by someone other than who computed it",
        ));
    }
    check_run_complete(i64::from(before.problem_count))
        .map_err(|refusal| ServiceError::conflict(refusal.detail))?;
    let now = actor.at.stored();
    for earlier in payroll_store::runs_of_month(connection, &before.month)? {
        if !stored_status(&earlier)?.superseded_by_approval() {
            continue;
        }
        let superseded = PayrollRun {
            status: PayrollRunStatus::Superseded.as_str().into(),
            ..earlier.bumped(now)
        };
        payroll_store::update_run(
            connection,
            actor,
            "payroll_run.supersede",
            &earlier,
            &superseded,
        )?;
    }
    let after = PayrollRun {
        status: PayrollRunStatus::Approved.as_str().into(),
        approved_by: Some(actor.subject.clone()),
        approved_at: Some(now),
        ..before.bumped(now)
    };
    payroll_store::update_run(connection, actor, "payroll_run.approve", &before, &after)?;
    let deducted = deducted_fines(&payroll_store::payslips_of_run(
        connection,
        &after.id,
        None,
        i64::MAX,
    )?)?;
    discipline::settle_fines(connection, &after.month, &deducted)?;
    Ok(after)
}

/// The payslip of `employee_id` for the month starting `month_start`, as the caller may read
/// it: payroll staff from the newest run whatever its status, the employee from the approved
/// run only; anyone else is refused.
pub fn payslip_of_month(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: &str,
    month_start: Date,
) -> ServiceResult<(PayrollRun, StoredPayslip)> {
    let month = Month::starting(month_start);
    let sees_drafts = reads_everyones_pay(connection, caller, employee_id)?;
    let statuses: Vec<&str> = visible_run_statuses(sees_drafts)
        .iter()
        .map(|status| status.as_str())
        .collect();
    payroll_store::payslip_of_month(connection, employee_id, &month.key, &statuses)?.ok_or_else(
        || {
            ServiceError::not_found(format!(
                "no payslip of {} for employee {employee_id}",
                month.key
            ))
        },
    )
}
