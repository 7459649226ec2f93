//! EMP-6: promotions — proposed for an employee EMP-5 allows, recommended by the department
//! head, reviewed by HR, approved by the general manager on the shared approval chain; the
//! rank and base salary in force on a day are read from the approved promotions, so nothing
//! waits for a job to apply them.

use std::collections::HashMap;

use time::Date;
use zhidu_domain::approval::{ApplicationStatus, StepKind};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::money::Money;
use zhidu_domain::person::EmploymentPolicy;
use zhidu_domain::promotion::{
    ApprovedPromotion, PROMOTION_CHAIN, PayTerms, in_force_from, promotion_problem, terms_in_force,
};
use zhidu_domain::sla::Rank;
use zhidu_store::approvals as approval_store;
use zhidu_store::db::DbConnection;
use zhidu_store::new_id;
use zhidu_store::people::Employee;
use zhidu_store::promotions as store;

pub use zhidu_store::promotions::Promotion;
pub use zhidu_store::read_stored;

use crate::access::employees::{may_read_chained, readable_employee};
use crate::access::{Identity, roles};
use crate::approvals::{self, ApprovalStep, Decidable, StepDecision};
use crate::employment::{eligibility_of, listing_employees};
use crate::error::{ServiceError, ServiceResult};
use crate::people::{ensure_employed, rank_of};

/// The `subject_type` of a promotion's approval chain.
pub const PROMOTION: &str = <Promotion as Decidable>::SUBJECT;

crate::decidable!(
    zhidu_store::promotions::Promotion,
    "promotion",
    "promotion",
    "promotion.decide",
    zhidu_store::promotions::find_promotion,
    zhidu_store::promotions::update_promotion
);

/// The rank and base salary on the employee record (those before any promotion).
fn recorded_terms(employee: &Employee) -> ServiceResult<PayTerms> {
    Ok(PayTerms {
        rank: rank_of(employee)?,
        base_salary: Money::from_fen(employee.base_salary_fen),
    })
}

/// An approved promotion as the rule reads it: approved on the local day it was last changed
/// (an approved promotion is final).
fn approved(promotion: &Promotion) -> ServiceResult<ApprovedPromotion> {
    Ok(ApprovedPromotion {
        in_force_from: in_force_from(
            promotion.effective_on,
            promotion.updated_at.assume_utc().to_offset(SHANGHAI).date(),
        ),
        terms: PayTerms {
            rank: read_stored(&promotion.to_rank)?,
            base_salary: Money::from_fen(promotion.to_base_salary_fen),
        },
    })
}

/// EMP-6: the rank and base salary in force on `on` for each of `employees`, by id.
pub fn terms_on(
    connection: &mut DbConnection,
    employees: &[Employee],
    on: Date,
) -> ServiceResult<HashMap<String, PayTerms>> {
    let ids: Vec<String> = employees.iter().map(|e| e.id.clone()).collect();
    let mut by_employee: HashMap<String, Vec<ApprovedPromotion>> = HashMap::new();
    for row in store::promotions_of(connection, &ids, &[ApplicationStatus::Approved.as_str()])? {
        let promotion = approved(&row)?;
        by_employee
            .entry(row.employee_id)
            .or_default()
            .push(promotion);
    }
    employees
        .iter()
        .map(|employee| {
            let approved = by_employee.get(&employee.id).map_or(&[][..], Vec::as_slice);
            Ok((
                employee.id.clone(),
                terms_in_force(recorded_terms(employee)?, approved, on),
            ))
        })
        .collect()
}

/// The employee records as of `on`: rank and base salary those in force (EMP-6).
pub fn as_of(
    connection: &mut DbConnection,
    employees: Vec<Employee>,
    on: Date,
) -> ServiceResult<Vec<Employee>> {
    let terms = terms_on(connection, &employees, on)?;
    Ok(employees
        .into_iter()
        .map(|employee| match terms.get(&employee.id) {
            Some(terms) => Employee {
                rank: terms.rank.as_str().to_owned(),
                base_salary_fen: terms.base_salary.fen(),
                ..employee
            },
            None => employee,
        })
        .collect())
}

/// EMP-6: the rank and base salary of `employee` in force on `on`.
fn terms_of(
    connection: &mut DbConnection,
    employee: &Employee,
    on: Date,
) -> ServiceResult<PayTerms> {
    terms_on(connection, std::slice::from_ref(employee), on)?
        .remove(&employee.id)
        .map_or_else(|| recorded_terms(employee), Ok)
}

/// EMP-6: the rank of `employee` in force on `on` (SLA-7, CMP and department managers read
/// rank through here).
pub fn rank_on(
    connection: &mut DbConnection,
    employee: &Employee,
    on: Date,
) -> ServiceResult<Rank> {
    Ok(terms_of(connection, employee, on)?.rank)
}

/// A promotion as proposed.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub employee_id: String,
    pub to_rank: Rank,
    pub base_salary: Money,
    pub effective_on: Date,
    pub reason: String,
}

/// EMP-5 as EMP-6 applies it: refused while the employee is ineligible in the year of `on`.
fn ensure_eligible(
    connection: &mut DbConnection,
    policy: &EmploymentPolicy,
    employee: Employee,
    on: Date,
) -> ServiceResult<()> {
    let eligibility = eligibility_of(connection, policy, employee, on.year())?.eligibility;
    if eligibility.eligible {
        return Ok(());
    }
    Err(ServiceError::refused(
        "EMP-5",
        format!(
            "not eligible for promotion in {}: {}",
            on.year(),
            eligibility.reasons.join("; ")
        ),
    )
    .with(
        "ratio_percent",
        serde_json::to_value(&eligibility.ratio_percent).unwrap_or_default(),
    )
    .with(
        "threshold_percent",
        serde_json::Value::String(eligibility.threshold_percent),
    ))
}

/// EMP-6: proposes a promotion for an employee the caller may read: effective today or later,
/// raising the rank or the base salary over the terms in force on that day; refused (EMP-5)
/// while the employee is ineligible this year, and while another promotion of theirs is
/// pending. The chain: the department head, HR, the general manager.
pub fn propose(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    proposal: Proposal,
) -> ServiceResult<(Promotion, Vec<ApprovalStep>)> {
    if !caller.has_any(roles::PROMOTION_PROPOSERS) {
        return Err(ServiceError::forbidden(
            "managers, HR and the general manager propose promotions",
        ));
    }
    let employee = readable_employee(connection, caller, &proposal.employee_id)?;
    ensure_employed(&employee)?;
    let today = caller.actor().at.today();
    if proposal.effective_on < today {
        return Err(ServiceError::field_refused(
            "effective_on",
            format!("a promotion takes effect today ({today}) or later"),
        ));
    }
    let pending = store::promotions_of(
        connection,
        std::slice::from_ref(&employee.id),
        &[ApplicationStatus::Pending.as_str()],
    )?;
    if let Some(pending) = pending.first() {
        return Err(ServiceError::conflict(format!(
            "employee {} already has a pending promotion {}",
            employee.id, pending.id
        )));
    }
    let current = terms_of(connection, &employee, proposal.effective_on)?;
    let proposed = PayTerms {
        rank: proposal.to_rank,
        base_salary: proposal.base_salary,
    };
    if let Some(problem) = promotion_problem(current, proposed) {
        return Err(ServiceError::field_refused(problem.field, problem.message));
    }
    let head = approvals::department_head_for(connection, &employee).map_err(|error| match error {
        ServiceError::Refused { .. } => ServiceError::refused(
            "EMP-6",
            "the employee's department has no head and the employee no superior to recommend the promotion",
        ),
        other => other,
    })?;
    ensure_eligible(connection, policy, employee.clone(), today)?;
    let steps: Vec<_> = PROMOTION_CHAIN
        .iter()
        .map(|kind| {
            let approver = (*kind == StepKind::DepartmentHead).then(|| head.clone());
            (*kind, approver)
        })
        .collect();
    let actor = caller.actor();
    let now = actor.at.stored();
    let promotion = Promotion {
        id: new_id(),
        employee_id: employee.id,
        from_rank: current.rank.as_str().to_owned(),
        to_rank: proposed.rank.as_str().to_owned(),
        from_base_salary_fen: current.base_salary.fen(),
        to_base_salary_fen: proposed.base_salary.fen(),
        effective_on: proposal.effective_on,
        reason: proposal.reason.trim().to_owned(),
        proposed_by: caller.subject().to_owned(),
        status: ApplicationStatus::Pending.as_str().into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_promotion(connection, actor, &promotion)?;
    let chain = approvals::open_chain(connection, PROMOTION, &promotion.id, &steps)?;
    Ok((promotion, chain))
}

/// Decides the next step of promotion `id` (see [`approvals::decide_request`]); the general
/// manager's approval is refused (EMP-5) while the employee is ineligible that year, and
/// nothing is stored then.
pub fn decide(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    id: &str,
    decision: &StepDecision,
) -> ServiceResult<(Promotion, Vec<ApprovalStep>)> {
    let (after, chain) = approvals::decide_request::<Promotion>(connection, caller, id, decision)?;
    if after.status == ApplicationStatus::Approved.as_str() {
        let employee = zhidu_store::people::find_employee(connection, &after.employee_id)?
            .ok_or_else(|| ServiceError::not_found(format!("no employee {}", after.employee_id)))?;
        ensure_eligible(connection, policy, employee, caller.actor().at.today())?;
    }
    Ok((after, chain))
}

/// Promotion `id` with its chain if the caller may read it: whoever may read the employee's
/// records, and the approvers on its chain; otherwise not found.
pub fn readable(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<(Promotion, Vec<ApprovalStep>)> {
    let not_found = || ServiceError::not_found(format!("no promotion {id}"));
    let row = store::find_promotion(connection, id)?.ok_or_else(not_found)?;
    let chain = approval_store::chain_of(connection, PROMOTION, id)?;
    if may_read_chained(connection, caller, &row.employee_id, &chain)? {
        Ok((row, chain))
    } else {
        Err(not_found())
    }
}

/// Promotions the caller may read, newest first, with their chains.
pub fn list(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: Option<&str>,
    status: Option<ApplicationStatus>,
    before: Option<&str>,
    limit: i64,
) -> ServiceResult<(Vec<Promotion>, Vec<ApprovalStep>)> {
    let employees = listing_employees(connection, caller, employee_id)?;
    let rows = store::list_promotions(
        connection,
        employees.as_deref(),
        status.map(ApplicationStatus::as_str),
        before,
        limit,
    )?;
    let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let steps = approvals::chains_of(connection, PROMOTION, &ids)?;
    Ok((rows, steps))
}

/// Withdraws a promotion before its final decision (the employee, or HR), at the version read.
pub fn withdraw(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<(Promotion, Vec<ApprovalStep>)> {
    let (before, chain) = readable(connection, caller, id)?;
    let after = approvals::withdraw(
        connection,
        caller,
        &before,
        (before.version, version),
        "promotion",
        "promotion.withdraw",
    )?;
    Ok((after, chain))
}
