//! Deciding a step of any approval chain (leave, attendance exceptions, make-up punches,
//! regularizations): who may decide it, in what order, and what the chain says afterwards.
//! A request kind joins by implementing [`Decidable`] (usually through [`decidable!`]).

use std::collections::HashSet;

use zhidu_domain::approval::{
    ApplicationStatus, ChainOutcome, Decision, StepKind, chain_outcome, may_decide,
};
use zhidu_domain::inbox::{StepHolder, acting_position};
use zhidu_domain::role::Role;
use zhidu_store::approvals;
use zhidu_store::audit::Actor;
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::leave;
use zhidu_store::people::{self, Employee};
use zhidu_store::{StoreResult, read_stored};

use crate::access::Identity;

use crate::error::{ServiceError, ServiceResult};
pub use zhidu_store::approvals::ApprovalStep;

pub fn step_kind_of(step: &ApprovalStep) -> StoreResult<StepKind> {
    read_stored(&step.step)
}

pub fn decision_of(step: &ApprovalStep) -> StoreResult<Option<Decision>> {
    step.decision.as_deref().map(read_stored).transpose()
}

fn decisions_of(chain: &[ApprovalStep]) -> StoreResult<Vec<Option<Decision>>> {
    chain.iter().map(decision_of).collect()
}

/// Where a stored chain stands.
pub fn outcome_of(chain: &[ApprovalStep]) -> StoreResult<ChainOutcome> {
    Ok(chain_outcome(&decisions_of(chain)?))
}

/// The status a request takes from its chain.
pub fn status_after(chain: &[ApprovalStep]) -> StoreResult<ApplicationStatus> {
    Ok(ApplicationStatus::of_chain(outcome_of(chain)?))
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
            step: kind.as_str().to_owned(),
            approver_id: approver.clone(),
            decision: None,
            decided_by: None,
            decided_at: None,
            comment: None,
        })
        .collect()
}

/// Stores the chain of a request just filed (after the request itself) and returns it.
pub fn open_chain(
    connection: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
    steps: &[(StepKind, Option<String>)],
) -> ServiceResult<Vec<ApprovalStep>> {
    let chain = new_chain(subject_type, subject_id, steps);
    approvals::insert_chain(connection, &chain)?;
    Ok(chain)
}

/// Withdraws a request before its final decision: only the employee who filed it, or HR;
/// only while pending; at the `version` the client read (`stored_version` is the request's).
/// `what` names the request in answers ("request", "application").
pub fn withdraw<S: Decidable>(
    connection: &mut DbConnection,
    caller: &impl Identity,
    before: &S,
    (stored_version, version): (i64, i64),
    what: &str,
    action: &str,
) -> ServiceResult<S> {
    let own = people::employee_of_user(connection, caller.subject())?
        .is_some_and(|me| me.id == before.requester());
    if !own && !caller.has_any(crate::access::roles::PEOPLE_ADMINS) {
        let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        return Err(ServiceError::forbidden(format!(
            "only the employee (or HR) withdraws {article} {what}"
        )));
    }
    if before.status()? != ApplicationStatus::Pending {
        return Err(ServiceError::conflict(format!(
            "a {} {what} cannot be withdrawn",
            before.status_text()
        )));
    }
    if stored_version != version {
        return Err(ServiceError::Stale(format!(
            "the {what} changed since you read it"
        )));
    }
    let after = before.with_status(ApplicationStatus::Withdrawn, caller.actor().at);
    S::save(connection, caller.actor(), action, before, &after)?;
    Ok(after)
}

/// The chains of the `subject_type` requests `ids`, in one query.
pub fn chains_of(
    connection: &mut DbConnection,
    subject_type: &str,
    ids: &[String],
) -> ServiceResult<Vec<ApprovalStep>> {
    Ok(approvals::chains_of(connection, subject_type, ids)?)
}

/// The employee who decides a named step for `employee`: the department head, or — for a
/// head's own request, or a department without one — the superior.
pub fn department_head_for(
    connection: &mut DbConnection,
    employee: &Employee,
) -> ServiceResult<String> {
    let department = people::find_department(connection, &employee.department_id)?;
    department
        .and_then(|d| d.manager_id)
        .filter(|head| *head != employee.id)
        .or_else(|| employee.superior_id.clone())
        .ok_or_else(|| {
            ServiceError::refused(
                "LEAVE-1",
                "the employee's department has no head and the employee no superior to approve",
            )
        })
}

/// A decision on one step of a chain.
#[derive(Debug, Clone)]
pub struct StepDecision {
    /// The step decided; `None` for the step now waiting.
    pub step: Option<StepKind>,
    pub decision: Decision,
    pub comment: Option<String>,
}

/// Who holds a stored step: its named employee, or its role.
pub fn holder_of(step: &ApprovalStep) -> ServiceResult<StepHolder<'_>> {
    Ok(match step_kind_of(step)? {
        kind @ (StepKind::Hr | StepKind::GeneralManager) => StepHolder::Role(kind),
        StepKind::Supervisor | StepKind::DepartmentHead => {
            StepHolder::Person(step.approver_id.as_deref().unwrap_or_default())
        }
    })
}

/// Whether the caller (employee `me`, if they are one) is `holder`.
pub fn holds(caller: &impl Identity, me: Option<&str>, holder: StepHolder<'_>) -> bool {
    match holder {
        StepHolder::Person(employee) => me == Some(employee),
        StepHolder::Role(StepKind::Hr) => caller.has_any(&[Role::Hr]),
        StepHolder::Role(StepKind::GeneralManager) => caller.has_any(&[Role::GeneralManager]),
        StepHolder::Role(StepKind::Supervisor | StepKind::DepartmentHead) => false,
    }
}

/// INBOX-2: the named holders of some chains who are on approved leave today.
pub struct AbsenceToday {
    absent: HashSet<String>,
}

impl AbsenceToday {
    /// Of the named holders of `steps`.
    pub fn of_steps<'a>(
        connection: &mut DbConnection,
        steps: impl IntoIterator<Item = &'a ApprovalStep>,
        at: Moment,
    ) -> ServiceResult<AbsenceToday> {
        let named: Vec<String> = steps
            .into_iter()
            .filter_map(|step| step.approver_id.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let today = at.today();
        let absent = if named.is_empty() {
            HashSet::new()
        } else {
            leave::leave_touching(
                connection,
                Some(&named),
                today,
                today,
                &[ApplicationStatus::Approved.as_str()],
            )?
            .into_iter()
            .map(|leave| leave.employee_id)
            .collect()
        };
        Ok(AbsenceToday { absent })
    }

    /// The position whose holder decides the step waiting at `waiting` today.
    pub fn acting_position(&self, holders: &[StepHolder<'_>], waiting: usize) -> usize {
        acting_position(holders, waiting, |employee| self.absent.contains(employee))
    }
}

/// Whether the caller may decide the step at `position`: they hold it, or (INBOX-2) its holder
/// is on approved leave today and the step waits on them as the next holder of the chain.
fn may_act(
    connection: &mut DbConnection,
    (caller, me): (&impl Identity, Option<&str>),
    chain: &[ApprovalStep],
    position: usize,
) -> ServiceResult<bool> {
    let holders = chain
        .iter()
        .map(holder_of)
        .collect::<ServiceResult<Vec<_>>>()?;
    if holds(caller, me, holders[position]) {
        return Ok(true);
    }
    let absence = AbsenceToday::of_steps(connection, chain, caller.actor().at)?;
    let acting = absence.acting_position(&holders, position);
    Ok(holds(caller, me, holders[acting]))
}

/// Decides one step of the chain of `subject` (filed by `requester_id`): in order only
/// (conflict otherwise, and for a step already decided), by its holder only (forbidden), never
/// on one's own request (forbidden). Returns the chain after the decision.
pub fn decide(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (subject_type, subject_id): (&str, &str),
    requester_id: &str,
    request: &StepDecision,
) -> ServiceResult<Vec<ApprovalStep>> {
    let mut chain = approvals::chain_of(connection, subject_type, subject_id)?;
    let decisions = decisions_of(&chain)?;
    let position = match request.step {
        Some(kind) => chain
            .iter()
            .position(|step| step.step == kind.as_str())
            .ok_or_else(|| {
                ServiceError::field_refused(
                    "step",
                    format!("this request's chain has no {} step", kind.as_str()),
                )
            })?,
        None => match chain_outcome(&decisions) {
            ChainOutcome::AwaitingStep(position) => position,
            ChainOutcome::Approved | ChainOutcome::Rejected => {
                return Err(ServiceError::conflict(
                    "the request has already been decided",
                ));
            }
        },
    };
    may_decide(&decisions, position)
        .map_err(|refusal| ServiceError::conflict(refusal.to_string()))?;
    let me = people::employee_of_user(connection, caller.subject())?.map(|me| me.id);
    if me.as_deref() == Some(requester_id) {
        return Err(ServiceError::forbidden("nobody decides their own request"));
    }
    if !may_act(connection, (caller, me.as_deref()), &chain, position)? {
        return Err(ServiceError::forbidden(format!(
            "the {} step is not yours to decide",
            chain[position].step
        )));
    }
    let step = &mut chain[position];
    step.decision = Some(request.decision.as_str().to_owned());
    step.decided_by = Some(caller.subject().to_owned());
    step.decided_at = Some(caller.actor().at.stored());
    step.comment.clone_from(&request.comment);
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
    /// The status as stored.
    fn status_text(&self) -> &str;
    /// The next version of the request with `status`, changed at `at`.
    fn with_status(&self, status: ApplicationStatus, at: Moment) -> Self;
    fn save(
        connection: &mut DbConnection,
        actor: &Actor,
        action: &str,
        before: &Self,
        after: &Self,
    ) -> StoreResult<()>;

    fn status(&self) -> StoreResult<ApplicationStatus> {
        read_stored(self.status_text())
    }

    /// What the final approval sets in motion, in the same transaction (a punch recorded, a
    /// probation moved, an employee made regular); nothing unless the kind says so.
    fn on_approved(&self, _connection: &mut DbConnection, _actor: &Actor) -> ServiceResult<()> {
        Ok(())
    }
}

/// Implements [`Decidable`] for a stored request row with `employee_id`, `status`, `version`
/// and `updated_at`, given its chain's subject type, its name, the audit action of a decision,
/// the store's find and update functions, and optionally what its approval sets in motion.
#[macro_export]
macro_rules! decidable {
    (
        $row:ty, $subject:expr, $noun:literal, $action:literal, $find:path, $update:path
        $(, approved => $on_approved:path)? $(,)?
    ) => {
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

            fn status_text(&self) -> &str {
                &self.status
            }

            fn with_status(
                &self,
                status: zhidu_domain::approval::ApplicationStatus,
                at: zhidu_store::clock::Moment,
            ) -> Self {
                Self {
                    status: status.as_str().to_owned(),
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

            $(
                fn on_approved(
                    &self,
                    connection: &mut zhidu_store::db::DbConnection,
                    actor: &zhidu_store::audit::Actor,
                ) -> $crate::ServiceResult<()> {
                    $on_approved(self, connection, actor)
                }
            )?
        }
    };
}

// The request kinds decided through chains.
decidable!(
    zhidu_store::attendance::MakeUpRequest,
    "make_up_punch",
    "make-up request",
    "make_up_punch.decide",
    zhidu_store::attendance::find_make_up_request,
    zhidu_store::attendance::update_make_up_request,
    approved => crate::attendance::record_make_up_punch
);
decidable!(
    zhidu_store::attendance::ExceptionForm,
    "attendance_exception",
    "exception form",
    "attendance_exception.decide",
    zhidu_store::attendance::find_exception_form,
    zhidu_store::attendance::update_exception_form
);
decidable!(
    zhidu_store::employment::RegularizationApplication,
    "regularization_application",
    "regularization application",
    "regularization_application.decide",
    zhidu_store::employment::find_regularization_application,
    zhidu_store::employment::update_regularization_application,
    approved => crate::people::regularize
);
decidable!(
    zhidu_store::leave::LeaveRequest,
    "leave_request",
    "leave request",
    "leave_request.decide",
    zhidu_store::leave::find_leave_request,
    zhidu_store::leave::update_leave_request,
    approved => crate::leave::extend_probation
);

/// Decides a step of request `id`'s chain (see [`decide`]) and stores the status the chain
/// gives it, with its audit row, and what a final approval sets in motion. A request no longer pending takes no decision (conflict).
pub fn decide_request<S: Decidable>(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    request: &StepDecision,
) -> ServiceResult<(S, Vec<ApprovalStep>)> {
    let before = S::load(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no {} {id}", S::NOUN)))?;
    if before.status()? != ApplicationStatus::Pending {
        return Err(ServiceError::conflict(format!(
            "the {} is already {}",
            S::NOUN,
            before.status_text()
        )));
    }
    let chain = decide(
        connection,
        caller,
        (S::SUBJECT, id),
        before.requester(),
        request,
    )?;
    let status = status_after(&chain)?;
    let after = before.with_status(status, caller.actor().at);
    S::save(
        connection,
        caller.actor(),
        S::DECIDE_ACTION,
        &before,
        &after,
    )?;
    if status == ApplicationStatus::Approved {
        after.on_approved(connection, caller.actor())?;
    }
    Ok((after, chain))
}
