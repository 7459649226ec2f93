//! Approval chains (LEAVE-1, ATT-4, ATT-5): steps decided strictly in order, any rejection
//! ending the request.

use serde::{Deserialize, Serialize};

use crate::text_enum::text_enum;

text_enum! {
    /// Who decides a step: a named person (supervisor, department head) or a role (HR,
    /// general manager).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum StepKind {
        Supervisor = "supervisor",
        DepartmentHead = "department_head",
        Hr = "hr",
        GeneralManager = "general_manager",
    }
}

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Decision {
        Approved = "approved",
        Rejected = "rejected",
    }
}

/// Where a chain stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChainOutcome {
    /// Waiting for the step at this position.
    AwaitingStep(usize),
    Approved,
    Rejected,
}

/// The chain's state from its decisions in order (`None` = not decided yet).
pub fn chain_outcome(decisions: &[Option<Decision>]) -> ChainOutcome {
    for (position, decision) in decisions.iter().enumerate() {
        match decision {
            Some(Decision::Approved) => continue,
            Some(Decision::Rejected) => return ChainOutcome::Rejected,
            None => return ChainOutcome::AwaitingStep(position),
        }
    }
    ChainOutcome::Approved
}

text_enum! {
    /// Where an application decided on an approval chain stands (a leave request, an
    /// attendance exception, a regularization); stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ApplicationStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
        /// Taken back by the applicant while pending.
        Withdrawn = "withdrawn",
    }
}

impl ApplicationStatus {
    /// The status an application takes from its chain: pending until every step approves,
    /// rejected at the first rejection.
    pub fn of_chain(outcome: ChainOutcome) -> ApplicationStatus {
        match outcome {
            ChainOutcome::AwaitingStep(_) => ApplicationStatus::Pending,
            ChainOutcome::Approved => ApplicationStatus::Approved,
            ChainOutcome::Rejected => ApplicationStatus::Rejected,
        }
    }
}

/// Why a decision on `position` cannot be taken now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRefusal {
    #[error("this step has already been decided")]
    AlreadyDecided,
    #[error("an earlier step of the chain is still waiting for its decision")]
    NotYetItsTurn,
    #[error("the request is already {0}")]
    Closed(&'static str),
    #[error("the chain has no such step")]
    NoSuchStep,
}

/// Steps are decided strictly in order; a decided step or a closed chain takes no decision.
pub fn may_decide(decisions: &[Option<Decision>], position: usize) -> Result<(), DecisionRefusal> {
    let Some(step) = decisions.get(position) else {
        return Err(DecisionRefusal::NoSuchStep);
    };
    if step.is_some() {
        return Err(DecisionRefusal::AlreadyDecided);
    }
    match chain_outcome(decisions) {
        ChainOutcome::AwaitingStep(next) if next == position => Ok(()),
        ChainOutcome::AwaitingStep(_) => Err(DecisionRefusal::NotYetItsTurn),
        ChainOutcome::Approved => Err(DecisionRefusal::Closed("approved")),
        ChainOutcome::Rejected => Err(DecisionRefusal::Closed("rejected")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::{Approved, Rejected};

    #[test]
    fn leave_1_steps_are_decided_in_order() {
        let fresh = [None, None, None];
        assert_eq!(chain_outcome(&fresh), ChainOutcome::AwaitingStep(0));
        assert_eq!(may_decide(&fresh, 0), Ok(()));
        assert_eq!(may_decide(&fresh, 1), Err(DecisionRefusal::NotYetItsTurn));
        let first_done = [Some(Approved), None, None];
        assert_eq!(
            may_decide(&first_done, 0),
            Err(DecisionRefusal::AlreadyDecided)
        );
        assert_eq!(may_decide(&first_done, 1), Ok(()));
        assert_eq!(may_decide(&first_done, 3), Err(DecisionRefusal::NoSuchStep));
    }

    #[test]
    fn leave_1_an_application_takes_its_status_from_its_chain() {
        assert_eq!(
            ApplicationStatus::of_chain(chain_outcome(&[Some(Approved), None])),
            ApplicationStatus::Pending
        );
        assert_eq!(
            ApplicationStatus::of_chain(chain_outcome(&[Some(Approved), Some(Approved)])),
            ApplicationStatus::Approved
        );
        assert_eq!(
            ApplicationStatus::of_chain(chain_outcome(&[Some(Rejected), None])),
            ApplicationStatus::Rejected
        );
    }

    #[test]
    fn approval_stored_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&StepKind::ALL, StepKind::as_str);
        assert_serde_names_match(&StepKind::ALL, StepKind::as_str);
        assert_eq!(
            StepKind::ALL.map(StepKind::as_str),
            ["supervisor", "department_head", "hr", "general_manager"]
        );
        assert_round_trips(&Decision::ALL, Decision::as_str);
        assert_serde_names_match(&Decision::ALL, Decision::as_str);
        assert_eq!(
            Decision::ALL.map(Decision::as_str),
            ["approved", "rejected"]
        );
        assert_round_trips(&ApplicationStatus::ALL, ApplicationStatus::as_str);
        assert_serde_names_match(&ApplicationStatus::ALL, ApplicationStatus::as_str);
        assert_eq!(
            ApplicationStatus::ALL.map(ApplicationStatus::as_str),
            ["pending", "approved", "rejected", "withdrawn"]
        );
    }

    #[test]
    fn leave_1_every_step_approved_approves_and_any_rejection_rejects() {
        assert_eq!(
            chain_outcome(&[Some(Approved), Some(Approved)]),
            ChainOutcome::Approved
        );
        let rejected = [Some(Approved), Some(Rejected), None];
        assert_eq!(chain_outcome(&rejected), ChainOutcome::Rejected);
        assert_eq!(
            may_decide(&rejected, 2),
            Err(DecisionRefusal::Closed("rejected"))
        );
    }
}
