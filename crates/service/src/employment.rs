//! EMP-1, EMP-2, EMP-5: the employment lifecycle before a departure — probation extensions,
//! recorded performance and company-funded spend, regularization applications on the shared
//! approval chain, and promotion eligibility.

use time::{Date, Month};
use zhidu_domain::approval::{ApplicationStatus, StepKind};
use zhidu_domain::employment::{
    Extension, ExtensionRefusal, PromotionEligibility, REGULARIZATION_CHAIN,
    extended_probation_end, promotion_eligibility, regularization_performance_check,
};
use zhidu_domain::leave::{LeavePolicy, probation_last_possible_day};
use zhidu_domain::money::Money;
use zhidu_domain::person::{EmploymentPolicy, default_probation_end};
use zhidu_store::approvals as approval_store;
use zhidu_store::db::DbConnection;
use zhidu_store::employment as store;
use zhidu_store::people::{self, Employee, EmployeeScope};
use zhidu_store::{StoreError, new_id};

pub use zhidu_store::employment::{
    PerformanceRecord, ProbationExtension, RegularizationApplication,
};

use crate::access::Identity;
use crate::access::employees::{
    filing_employee, may_read_chained, pay_inputs_readable_employee, readable_employee,
    reading_scope, recordable_employee,
};
use crate::approvals::{self, ApprovalStep, Decidable};
use crate::departures::iso;
use crate::error::{ServiceError, ServiceResult};
use crate::people::{ensure_employed, hr_facts};

/// The `subject_type` of a regularization application's approval chain.
pub const REGULARIZATION: &str = <RegularizationApplication as Decidable>::SUBJECT;

/// Whether an approved regularization (EMP-2) is on record for the employee.
fn regularized(connection: &mut DbConnection, employee_id: &str) -> ServiceResult<bool> {
    Ok(!store::regularization_applications_of(
        connection,
        employee_id,
        &[ApplicationStatus::Approved.as_str()],
    )?
    .is_empty())
}

/// Whether the employee's department is customer service (EMP-2, EMP-5).
fn customer_service(connection: &mut DbConnection, employee: &Employee) -> ServiceResult<bool> {
    Ok(
        people::find_department(connection, &employee.department_id)?
            .is_some_and(|department| department.customer_service),
    )
}

/// A probation extension as granted, with the employee record after it.
#[derive(Debug, Clone)]
pub struct ExtendedProbation {
    pub extension: ProbationExtension,
    pub probation_end: Date,
    /// EMP-1: the last day any extension may reach.
    pub last_possible_day: Date,
    pub employee_version: i64,
}

/// EMP-1: extends employee `id`'s probation after a failed assessment, at the employee
/// record's `version`; refused past the cap (LEAVE-4 extensions included), and for an employee
/// already regularized or gone.
pub fn extend_probation(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (employment_policy, leave_policy): (&EmploymentPolicy, &LeavePolicy),
    id: &str,
    version: i64,
    extension: Extension,
    reason: &str,
) -> ServiceResult<ExtendedProbation> {
    let before = people::find_employee(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no employee {id}")))?;
    ensure_employed(&before)?;
    if regularized(connection, &before.id)? {
        return Err(ServiceError::conflict(format!(
            "employee {id} has been regularized; there is no probation to extend"
        )));
    }
    if before.version != version {
        return Err(ServiceError::Stale(
            "the employee changed since you read it".into(),
        ));
    }
    let hired_on = hr_facts(&before)?.hired_on;
    let current_end = before
        .probation_end
        .unwrap_or_else(|| default_probation_end(employment_policy, hired_on));
    let last_possible_day = probation_last_possible_day(leave_policy, hired_on);
    let new_end =
        extended_probation_end(last_possible_day, current_end, extension).map_err(|refusal| {
            match refusal {
                ExtensionRefusal::NotLater { .. } => {
                    ServiceError::field_refused("until", refusal.to_string())
                }
                ExtensionRefusal::PastCap { last_possible_day } => {
                    ServiceError::refused("EMP-1", refusal.to_string())
                        .with("last_possible_day", iso(last_possible_day))
                }
            }
        })?;
    let actor = caller.actor();
    let now = actor.at.stored();
    let after = Employee {
        probation_end: Some(new_end),
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    people::update_employee(
        connection,
        actor,
        "employee.extend_probation",
        &before,
        &after,
    )?;
    let extension = ProbationExtension {
        id: new_id(),
        employee_id: before.id.clone(),
        previous_end: current_end,
        new_end,
        reason: reason.trim().to_owned(),
        granted_by: caller.subject().to_owned(),
        created_at: now,
    };
    store::insert_probation_extension(connection, actor, &extension)?;
    Ok(ExtendedProbation {
        extension,
        probation_end: new_end,
        last_possible_day,
        employee_version: after.version,
    })
}

/// The probation extensions granted employee `id` (EMP-1), oldest first, if the caller may
/// read their records.
pub fn probation_extensions(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Vec<ProbationExtension>> {
    let employee = readable_employee(connection, caller, id)?;
    Ok(store::probation_extensions_of(connection, &employee.id)?)
}

/// One month's performance and company-funded spend (EMP-2, EMP-5), as recorded.
#[derive(Debug, Clone)]
pub struct MonthPerformance {
    /// The month's first day.
    pub month: Date,
    pub performance: Money,
    pub company_funded_spend: Money,
    pub note: String,
}

/// Records employee `id`'s performance for one month; one record per month (conflict for a
/// second). See [`recordable_employee`] for who records whose.
pub fn record_performance(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    recorded: MonthPerformance,
) -> ServiceResult<PerformanceRecord> {
    let employee = recordable_employee(connection, caller, id)?;
    let month = recorded.month;
    let record = PerformanceRecord {
        employee_id: employee.id,
        month,
        performance_fen: recorded.performance.fen(),
        company_funded_spend_fen: recorded.company_funded_spend.fen(),
        note: recorded.note.trim().to_owned(),
        recorded_by: caller.subject().to_owned(),
        created_at: caller.actor().at.stored(),
    };
    store::insert_performance_record(connection, caller.actor(), &record).map_err(|error| {
        match error {
            StoreError::Conflict(_) => ServiceError::conflict(format!(
                "performance for {:04}-{:02} is already recorded",
                month.year(),
                u8::from(month.month())
            )),
            other => other.into(),
        }
    })?;
    Ok(record)
}

/// Totals of performance and company-funded spend, exact in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerformanceTotals {
    pub performance: Money,
    pub company_funded_spend: Money,
}

impl PerformanceTotals {
    pub fn of(records: &[PerformanceRecord]) -> Self {
        PerformanceTotals {
            performance: Money::from_fen(records.iter().map(|r| r.performance_fen).sum()),
            company_funded_spend: Money::from_fen(
                records.iter().map(|r| r.company_funded_spend_fen).sum(),
            ),
        }
    }
}

/// The records of `employee_id` in `year` (every month when absent), with their totals.
fn performance_in(
    connection: &mut DbConnection,
    employee_id: &str,
    year: Option<i32>,
) -> ServiceResult<(Vec<PerformanceRecord>, PerformanceTotals)> {
    let bound = |month, day| year.and_then(|y| Date::from_calendar_date(y, month, day).ok());
    let records = store::performance_records_of(
        connection,
        employee_id,
        bound(Month::January, 1),
        bound(Month::December, 31),
    )?;
    let totals = PerformanceTotals::of(&records);
    Ok((records, totals))
}

/// Employee `id`'s recorded performance by month in `year` (every month when absent), with
/// totals; see [`pay_inputs_readable_employee`] for who reads it.
pub fn performance(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    year: Option<i32>,
) -> ServiceResult<(Employee, Vec<PerformanceRecord>, PerformanceTotals)> {
    let employee = pay_inputs_readable_employee(connection, caller, id)?;
    let (records, totals) = performance_in(connection, &employee.id, year)?;
    Ok((employee, records, totals))
}

/// EMP-5: whether an employee may be considered for promotion in a year, with what it was
/// decided on.
#[derive(Debug, Clone)]
pub struct Promotion {
    pub employee_id: String,
    pub customer_service: bool,
    pub totals: PerformanceTotals,
    pub eligibility: PromotionEligibility,
}

/// EMP-5 for employee `id` in `year`, if the caller may read their records.
pub fn promotion(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    id: &str,
    year: i32,
) -> ServiceResult<Promotion> {
    let employee = readable_employee(connection, caller, id)?;
    eligibility_of(connection, policy, employee, year)
}

/// EMP-5 for `employee` in `year`, whoever asks (EMP-6 checks it when a promotion is proposed
/// and approved).
pub fn eligibility_of(
    connection: &mut DbConnection,
    policy: &EmploymentPolicy,
    employee: Employee,
    year: i32,
) -> ServiceResult<Promotion> {
    let customer_service = customer_service(connection, &employee)?;
    let (_, totals) = performance_in(connection, &employee.id, Some(year))?;
    Ok(Promotion {
        employee_id: employee.id,
        customer_service,
        totals,
        eligibility: promotion_eligibility(
            policy,
            customer_service,
            totals.performance,
            totals.company_funded_spend,
        ),
    })
}

/// EMP-2: who decides each step: the employee's supervisor (their superior), then the
/// manager — the department head, or, when the supervisor is the head, the head's own
/// superior, so that two different people sign.
fn regularization_approvers(
    connection: &mut DbConnection,
    employee: &Employee,
) -> ServiceResult<Vec<(StepKind, Option<String>)>> {
    let missing = |what: &str| {
        ServiceError::refused(
            "EMP-2",
            format!(
                "employee {} has no {what} to approve the regularization",
                employee.id
            ),
        )
    };
    let supervisor = employee
        .superior_id
        .clone()
        .ok_or_else(|| missing("supervisor (superior)"))?;
    let head = people::find_department(connection, &employee.department_id)?
        .and_then(|department| department.manager_id)
        .filter(|head| *head != employee.id && *head != supervisor);
    let manager = match head {
        Some(head) => head,
        None => people::find_employee(connection, &supervisor)?
            .and_then(|supervisor| supervisor.superior_id)
            .filter(|manager| *manager != employee.id)
            .ok_or_else(|| missing("manager above the supervisor"))?,
    };
    Ok(REGULARIZATION_CHAIN
        .iter()
        .zip([supervisor, manager])
        .map(|(kind, approver)| (*kind, Some(approver)))
        .collect())
}

/// EMP-2: files a regularization application (the employee, or HR for them): refused for
/// customer-service staff short of the recorded performance required (with the shortfall),
/// and for someone already regularized, gone, or with an application pending.
pub fn file_application(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    named_employee: Option<&str>,
    statement: &str,
) -> ServiceResult<(RegularizationApplication, Vec<ApprovalStep>)> {
    let employee = filing_employee(connection, caller, named_employee)?;
    ensure_employed(&employee)?;
    let open = store::regularization_applications_of(
        connection,
        &employee.id,
        &[
            ApplicationStatus::Pending.as_str(),
            ApplicationStatus::Approved.as_str(),
        ],
    )?;
    if let Some(open) = open.first() {
        return Err(ServiceError::conflict(format!(
            "employee {} already has a regularization application {} ({})",
            employee.id, open.id, open.status
        )));
    }
    let (_, totals) = performance_in(connection, &employee.id, None)?;
    let recorded = totals.performance;
    let customer_service = customer_service(connection, &employee)?;
    regularization_performance_check(policy, customer_service, recorded).map_err(|shortfall| {
        ServiceError::refused(
            "EMP-2",
            format!(
                "customer-service staff need {} of recorded performance to be regularized; {} is recorded, {} short",
                shortfall.required, shortfall.recorded, shortfall.shortfall
            ),
        )
        .with("required", serde_json::to_value(shortfall.required).unwrap_or_default())
        .with("recorded", serde_json::to_value(shortfall.recorded).unwrap_or_default())
        .with("shortfall", serde_json::to_value(shortfall.shortfall).unwrap_or_default())
    })?;
    let steps = regularization_approvers(connection, &employee)?;
    let actor = caller.actor();
    let now = actor.at.stored();
    let application = RegularizationApplication {
        id: new_id(),
        employee_id: employee.id.clone(),
        statement: statement.trim().to_owned(),
        performance_fen: recorded.fen(),
        status: ApplicationStatus::Pending.as_str().into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_regularization_application(connection, actor, &application)?;
    let chain = approvals::open_chain(connection, REGULARIZATION, &application.id, &steps)?;
    Ok((application, chain))
}

/// Application `id` with its chain if the caller may read it: whoever may read the employee's
/// records, and the approvers on its chain; otherwise not found.
pub fn readable_application(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<(RegularizationApplication, Vec<ApprovalStep>)> {
    let not_found = || ServiceError::not_found(format!("no regularization application {id}"));
    let row = store::find_regularization_application(connection, id)?.ok_or_else(not_found)?;
    let chain = approval_store::chain_of(connection, REGULARIZATION, id)?;
    if may_read_chained(connection, caller, &row.employee_id, &chain)? {
        Ok((row, chain))
    } else {
        Err(not_found())
    }
}

/// Whose requests a listing covers: the employee named (if the caller may read them), or
/// everyone in the caller's reading scope (`None`: everyone).
pub fn listing_employees(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: Option<&str>,
) -> ServiceResult<Option<Vec<String>>> {
    Ok(match employee_id {
        Some(id) => Some(vec![readable_employee(connection, caller, id)?.id]),
        None => match reading_scope(connection, caller)? {
            Some(EmployeeScope::Everyone) => None,
            Some(scope) => Some(
                people::list_employees(connection, &scope, None, None, i64::MAX - 1)?
                    .into_iter()
                    .map(|e| e.id)
                    .collect(),
            ),
            None => Some(Vec::new()),
        },
    })
}

/// Regularization applications the caller may read, newest first, with their chains: the
/// employee named, or everyone in the caller's reading scope.
pub fn list_applications(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: Option<&str>,
    status: Option<ApplicationStatus>,
    before: Option<&str>,
    limit: i64,
) -> ServiceResult<(Vec<RegularizationApplication>, Vec<ApprovalStep>)> {
    let employees = listing_employees(connection, caller, employee_id)?;
    let rows = store::list_regularization_applications(
        connection,
        employees.as_deref(),
        status.map(ApplicationStatus::as_str),
        before,
        limit,
    )?;
    let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let steps = approvals::chains_of(connection, REGULARIZATION, &ids)?;
    Ok((rows, steps))
}

/// Withdraws an application before its final decision (the employee, or HR).
pub fn withdraw_application(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<(RegularizationApplication, Vec<ApprovalStep>)> {
    let (before, chain) = readable_application(connection, caller, id)?;
    let after = approvals::withdraw(
        connection,
        caller,
        &before,
        (before.version, version),
        "application",
        "regularization_application.withdraw",
    )?;
    Ok((after, chain))
}
