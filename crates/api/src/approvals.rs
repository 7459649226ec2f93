//! Deciding a step of any approval chain (leave, exception forms, make-up punches): who may
//! decide it, in what order, and what the chain says afterwards.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use zhidu_domain::approval::{ChainOutcome, Decision, StepKind, chain_outcome, may_decide};
use zhidu_store::approvals::{self, ApprovalStep};
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::people;
use zhidu_store::{StoreError, StoreResult};

use crate::auth::{Authorized, Role};
use crate::error::ApiError;
use crate::input::Text;
use crate::page::Page;
use crate::wire::Instant;
use zhidu_service::access::Identity;

pub fn step_text(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Supervisor => "supervisor",
        StepKind::DepartmentHead => "department_head",
        StepKind::Hr => "hr",
        StepKind::GeneralManager => "general_manager",
    }
}

fn step_kind(text: &str) -> StepKind {
    match text {
        "supervisor" => StepKind::Supervisor,
        "department_head" => StepKind::DepartmentHead,
        "general_manager" => StepKind::GeneralManager,
        _ => StepKind::Hr,
    }
}

fn decision_of(step: &ApprovalStep) -> Option<Decision> {
    match step.decision.as_deref() {
        Some("approved") => Some(Decision::Approved),
        Some("rejected") => Some(Decision::Rejected),
        _ => None,
    }
}

/// A page of chained subjects (leave requests, applications) as views with their chains: one
/// query loads every chain of the page.
pub fn page_with_chains<T, V, E: From<StoreError>>(
    connection: &mut DbConnection,
    subject_type: &str,
    page: Page<T>,
    id_of: impl Fn(&T) -> &str,
    view: impl Fn(T, &[ApprovalStep]) -> Result<V, E>,
) -> Result<Page<V>, E> {
    let ids: Vec<String> = page.items.iter().map(|row| id_of(row).to_owned()).collect();
    let steps = approvals::chains_of(connection, subject_type, &ids)?;
    page.try_map(|row| {
        let chain: Vec<ApprovalStep> = steps
            .iter()
            .filter(|step| step.subject_id == id_of(&row))
            .cloned()
            .collect();
        view(row, &chain)
    })
}

/// Where a stored chain stands.
pub fn outcome_of(chain: &[ApprovalStep]) -> ChainOutcome {
    chain_outcome(&chain.iter().map(decision_of).collect::<Vec<_>>())
}

/// The rows of a new chain: each step with the employee who must decide it (named steps).
pub fn new_chain(
    subject_type: &str,
    subject_id: &str,
    steps: &[(StepKind, Option<String>)],
) -> Vec<ApprovalStep> {
    steps
        .iter()
        .zip(0..)
        .map(|((kind, approver), position)| ApprovalStep {
            subject_type: subject_type.to_owned(),
            subject_id: subject_id.to_owned(),
            position,
            step: step_text(*kind).to_owned(),
            approver_id: approver.clone(),
            decision: None,
            decided_by: None,
            decided_at: None,
            comment: None,
        })
        .collect()
}

/// The employee who decides a named step for `employee`: the department head, or — for a
/// head's own request, or a department without one — the superior.
pub fn department_head_for(
    connection: &mut DbConnection,
    employee: &people::Employee,
) -> Result<String, ApiError> {
    let department = people::find_department(connection, &employee.department_id)?;
    department
        .and_then(|d| d.manager_id)
        .filter(|head| *head != employee.id)
        .or_else(|| employee.superior_id.clone())
        .ok_or_else(|| {
            ApiError::rule_refused(
                "LEAVE-1",
                "the employee's department has no head and the employee no superior to approve",
            )
        })
}

/// A decision on one step.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The step decided; defaults to the step now waiting.
    pub step: Option<StepKind>,
    pub decision: Decision,
    pub comment: Option<Text<0, 1000>>,
}

/// One step of a chain as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    pub step: StepKind,
    /// The employee who must decide a named step (supervisor, department head).
    pub approver_id: Option<String>,
    pub decision: Option<Decision>,
    /// The staff account that decided.
    pub decided_by: Option<String>,
    pub decided_at: Option<Instant>,
    pub comment: Option<String>,
}

impl From<&ApprovalStep> for StepView {
    fn from(step: &ApprovalStep) -> Self {
        StepView {
            step: step_kind(&step.step),
            approver_id: step.approver_id.clone(),
            decision: decision_of(step),
            decided_by: step.decided_by.clone(),
            decided_at: step.decided_at.map(Instant::from_utc),
            comment: step.comment.clone(),
        }
    }
}

pub fn chain_view(chain: &[ApprovalStep]) -> Vec<StepView> {
    chain.iter().map(StepView::from).collect()
}

/// Whether the caller holds the authority a step names.
fn may_act<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    step: &ApprovalStep,
) -> Result<bool, ApiError> {
    Ok(match step_kind(&step.step) {
        StepKind::Hr => caller.has_any(&[Role::Hr]),
        StepKind::GeneralManager => caller.has_any(&[Role::GeneralManager]),
        StepKind::Supervisor | StepKind::DepartmentHead => {
            let me = people::employee_of_user(connection, &caller.claims.sub)?;
            me.is_some_and(|me| step.approver_id.as_deref() == Some(me.id.as_str()))
        }
    })
}

/// Decides one step of the chain of `subject` (filed by `requester_id`): in order only (409
/// otherwise, and for a step already decided), by its holder only (403), never on one's own
/// request (403). Returns the chain after the decision.
pub fn decide<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    (subject_type, subject_id): (&str, &str),
    requester_id: &str,
    request: &DecisionRequest,
) -> Result<Vec<ApprovalStep>, ApiError> {
    let mut chain = approvals::chain_of(connection, subject_type, subject_id)?;
    let decisions: Vec<Option<Decision>> = chain.iter().map(decision_of).collect();
    let position = match request.step {
        Some(kind) => chain
            .iter()
            .position(|step| step.step == step_text(kind))
            .ok_or_else(|| {
                ApiError::field_refused(
                    "step",
                    format!("this request's chain has no {} step", step_text(kind)),
                )
            })?,
        None => match chain_outcome(&decisions) {
            ChainOutcome::AwaitingStep(position) => position,
            ChainOutcome::Approved | ChainOutcome::Rejected => {
                return Err(ApiError::conflict("the request has already been decided"));
            }
        },
    };
    may_decide(&decisions, position).map_err(|refusal| ApiError::conflict(refusal.to_string()))?;
    let me = people::employee_of_user(connection, &caller.claims.sub)?;
    if me.is_some_and(|me| me.id == requester_id) {
        return Err(ApiError::forbidden("nobody decides their own request"));
    }
    let step = &mut chain[position];
    if !may_act(connection, caller, step)? {
        return Err(ApiError::forbidden(format!(
            "the {} step is not yours to decide",
            step.step
        )));
    }
    step.decision = Some(
        match request.decision {
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
        .to_owned(),
    );
    step.decided_by = Some(caller.claims.sub.clone());
    step.decided_at = Some(caller.actor.at.stored());
    step.comment = request.comment.as_deref().map(str::to_owned);
    approvals::record_decision(connection, step)?;
    Ok(chain)
}

/// A request decided through an approval chain.
pub trait Decidable: Sized {
    /// The `subject_type` of its chain rows.
    const SUBJECT: &'static str;
    /// How a problem names it ("leave request").
    const NOUN: &'static str;
    /// The audit action of a decision.
    const DECIDE_ACTION: &'static str;

    fn load(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Self>>;
    /// The employee who filed it.
    fn requester(&self) -> &str;
    fn status(&self) -> &str;
    /// The next version of the request with `status`, changed at `at`.
    fn with_status(&self, status: &str, at: zhidu_store::clock::Moment) -> Self;
    fn save(
        connection: &mut DbConnection,
        actor: &Actor,
        action: &str,
        before: &Self,
        after: &Self,
    ) -> StoreResult<()>;
}

/// Implements [`Decidable`] for a stored request row with `employee_id`, `status`, `version`
/// and `updated_at`, given its chain's subject type, its name, the audit action of a decision,
/// and the store's find and update functions.
macro_rules! decidable {
    ($row:ty, $subject:expr, $noun:literal, $action:literal, $find:path, $update:path) => {
        impl $crate::approvals::Decidable for $row {
            const SUBJECT: &'static str = $subject;
            const NOUN: &'static str = $noun;
            const DECIDE_ACTION: &'static str = $action;

            fn load(
                connection: &mut zhidu_store::db::DbConnection,
                id: &str,
            ) -> zhidu_store::StoreResult<Option<Self>> {
                $find(connection, id)
            }

            fn requester(&self) -> &str {
                &self.employee_id
            }

            fn status(&self) -> &str {
                &self.status
            }

            fn with_status(&self, status: &str, at: zhidu_store::clock::Moment) -> Self {
                Self {
                    status: status.to_owned(),
                    version: self.version + 1,
                    updated_at: at.stored(),
                    ..self.clone()
                }
            }

            fn save(
                connection: &mut zhidu_store::db::DbConnection,
                actor: &zhidu_store::audit::Actor,
                action: &str,
                before: &Self,
                after: &Self,
            ) -> zhidu_store::StoreResult<()> {
                $update(connection, actor, action, before, after)
            }
        }
    };
}
pub(crate) use decidable;

/// Decides a step of request `id`'s chain (see [`decide`]) and stores the status the chain
/// gives it, with its audit row. A request no longer pending takes no decision (409).
pub fn decide_request<S: Decidable, P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    id: &str,
    request: &DecisionRequest,
) -> Result<(S, Vec<ApprovalStep>), ApiError> {
    let before = S::load(connection, id)?
        .ok_or_else(|| ApiError::not_found(format!("no {} {id}", S::NOUN)))?;
    if before.status() != "pending" {
        return Err(ApiError::conflict(format!(
            "the {} is already {}",
            S::NOUN,
            before.status()
        )));
    }
    let chain = decide(
        connection,
        caller,
        (S::SUBJECT, id),
        before.requester(),
        request,
    )?;
    let after = before.with_status(status_after(&chain), caller.actor.at);
    S::save(connection, &caller.actor, S::DECIDE_ACTION, &before, &after)?;
    Ok((after, chain))
}

/// The status a subject takes from its chain.
pub fn status_after(chain: &[ApprovalStep]) -> &'static str {
    match outcome_of(chain) {
        ChainOutcome::AwaitingStep(_) => "pending",
        ChainOutcome::Approved => "approved",
        ChainOutcome::Rejected => "rejected",
    }
}
