//! Approval chains (LEAVE-1, ATT-4, ATT-5): steps decided strictly in order, any rejection
//! ending the request.

use serde::{Deserialize, Serialize};

/// Who decides a step: a named person (supervisor, department head) or a role (HR, general
/// manager).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Supervisor,
    DepartmentHead,
    Hr,
    GeneralManager,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    Rejected,
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
