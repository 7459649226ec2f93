//! ACC-1..3: accountability cases — opened by hand or as candidates (SLA-5 breaches,
//! complaints), the person's own statement, and the decision the factors move.

use std::collections::BTreeSet;

use serde::Serialize;
use zhidu_domain::accountability::{
    AggravatingFactor, CaseStatus, MitigatingFactor, Severity, decide_severity,
};
use zhidu_store::accountability;
use zhidu_store::db::DbConnection;
use zhidu_store::versioned::Versioned;
use zhidu_store::{StoreResult, people, read_stored, work_orders};

use crate::access::{Identity, roles};
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::versioned::at_version;

pub use zhidu_store::StoreError;
pub use zhidu_store::accountability::{AccountabilityCase, CaseFilter};

/// A case's stored facts as the rules read them.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub status: CaseStatus,
    pub assessed_severity: Option<Severity>,
    pub aggravating: BTreeSet<AggravatingFactor>,
    pub mitigating: BTreeSet<MitigatingFactor>,
    pub decided_severity: Option<Severity>,
}

pub fn facts_of(case: &AccountabilityCase) -> StoreResult<CaseFacts> {
    let factors = |column: &str, json: &str| {
        StoreError::Corrupt(format!("accountability case {} {column} {json:?}", case.id))
    };
    Ok(CaseFacts {
        status: read_stored(&case.status)?,
        assessed_severity: case
            .assessed_severity
            .as_deref()
            .map(read_stored)
            .transpose()?,
        aggravating: serde_json::from_str(&case.aggravating)
            .map_err(|_| factors("aggravating", &case.aggravating))?,
        mitigating: serde_json::from_str(&case.mitigating)
            .map_err(|_| factors("mitigating", &case.mitigating))?,
        decided_severity: case
            .decided_severity
            .as_deref()
            .map(read_stored)
            .transpose()?,
    })
}

/// Cases in the order they were opened, one page of them.
pub fn list_cases(
    connection: &mut DbConnection,
    filter: &CaseFilter,
) -> ServiceResult<Vec<AccountabilityCase>> {
    Ok(accountability::list(connection, filter)?)
}

pub fn find_case(connection: &mut DbConnection, id: &str) -> ServiceResult<AccountabilityCase> {
    accountability::find(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no accountability case {id}")))
}

/// The case as the client read it, still open to a decision.
fn case_at_version(
    connection: &mut DbConnection,
    id: &str,
    version: i64,
) -> ServiceResult<AccountabilityCase> {
    let case = at_version(find_case(connection, id)?, version)?;
    if read_stored::<CaseStatus>(&case.status)? == CaseStatus::Decided {
        return Err(ServiceError::conflict(format!("case {id} is decided")));
    }
    Ok(case)
}

/// ACC-2: a case opened by hand against `employee_id`, about a work order if one is named.
pub fn open_case(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: &str,
    summary: &str,
    work_order_id: Option<String>,
) -> ServiceResult<AccountabilityCase> {
    let employee = existing_employee(connection, "employee_id", employee_id)?;
    if let Some(order) = &work_order_id
        && work_orders::find(connection, order)?.is_none()
    {
        return Err(ServiceError::field_refused(
            "work_order_id",
            format!("no work order {order}"),
        ));
    }
    let actor = caller.actor();
    let mut case = AccountabilityCase::candidate(
        "manual",
        work_order_id,
        employee.id,
        summary.trim().to_owned(),
        actor.at.stored(),
    );
    case.status = CaseStatus::Open.as_str().into();
    accountability::insert(connection, actor, &case)?;
    Ok(case)
}

/// ACC-3: the person's own statement, recorded by the person through their own account or by
/// an accountability officer taking it down; a candidate case becomes open.
pub fn record_statement(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    statement: &str,
) -> ServiceResult<AccountabilityCase> {
    let before = case_at_version(connection, id, version)?;
    let own_case = people::find_employee(connection, &before.employee_id)?
        .and_then(|e| e.user_id)
        .is_some_and(|linked| linked == caller.subject());
    if !own_case && !caller.has_any(roles::ACCOUNTABILITY_OFFICERS) {
        return Err(ServiceError::forbidden(
            "only the person concerned or an accountability officer records the statement",
        ));
    }
    let actor = caller.actor();
    let mut after = before.bumped(actor.at.stored());
    after.statement = Some(statement.trim().to_owned());
    after.statement_recorded_at = Some(after.updated_at);
    if read_stored::<CaseStatus>(&after.status)? == CaseStatus::Candidate {
        after.status = CaseStatus::Open.as_str().into();
    }
    accountability::save(
        connection,
        actor,
        "accountability_case.statement",
        &before,
        &after,
    )?;
    Ok(after)
}

/// ACC-2, ACC-3: decides case `id` (read at `version`): the factors move the assessed severity,
/// refused until the person's statement is on record.
pub fn decide_case(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    assessed: Severity,
    aggravating: &BTreeSet<AggravatingFactor>,
    mitigating: &BTreeSet<MitigatingFactor>,
) -> ServiceResult<AccountabilityCase> {
    let before = case_at_version(connection, id, version)?;
    let decided = decide_severity(
        assessed,
        aggravating,
        mitigating,
        before.statement.is_some(),
    )
    .map_err(|refused| ServiceError::refused("ACC-3", refused.to_string()))?;
    let actor = caller.actor();
    let mut after = before.bumped(actor.at.stored());
    after.status = CaseStatus::Decided.as_str().into();
    after.assessed_severity = Some(assessed.as_str().into());
    after.aggravating = factors_json(aggravating);
    after.mitigating = factors_json(mitigating);
    after.decided_severity = Some(decided.as_str().into());
    after.decided_by = Some(actor.subject.clone());
    after.decided_at = Some(after.updated_at);
    accountability::save(
        connection,
        actor,
        "accountability_case.decide",
        &before,
        &after,
    )?;
    Ok(after)
}

/// Factors as stored: a JSON list (a set of unit enums always serializes).
fn factors_json<T: Serialize>(factors: &BTreeSet<T>) -> String {
    serde_json::to_string(factors).unwrap_or_else(|_| "[]".into())
}
