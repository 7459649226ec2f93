//! The HTTP shapes of approval chains, which several route modules answer with: the decision a
//! caller sends, a chain as the API shows it, and a page of requests with their chains. Who
//! decides what is `zhidu_service::approvals`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;
use zhidu_domain::approval::{Decision, StepKind};
use zhidu_service::approvals::{ApprovalStep, StepDecision, decision_of, step_kind_of};
use zhidu_store::StoreError;

use crate::input::Text;
use crate::page::Page;
use crate::wire::Instant;

/// A decision on one step.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The step decided; defaults to the step now waiting.
    pub step: Option<StepKind>,
    pub decision: Decision,
    pub comment: Option<Text<0, 1000>>,
}

impl From<&DecisionRequest> for StepDecision {
    fn from(request: &DecisionRequest) -> Self {
        StepDecision {
            step: request.step,
            decision: request.decision,
            comment: request.comment.as_deref().map(str::to_owned),
        }
    }
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

impl TryFrom<&ApprovalStep> for StepView {
    type Error = StoreError;

    fn try_from(step: &ApprovalStep) -> Result<Self, StoreError> {
        Ok(StepView {
            step: step_kind_of(step)?,
            approver_id: step.approver_id.clone(),
            decision: decision_of(step)?,
            decided_by: step.decided_by.clone(),
            decided_at: step.decided_at.map(Instant::from_utc),
            comment: step.comment.clone(),
        })
    }
}

pub fn chain_view(chain: &[ApprovalStep]) -> Result<Vec<StepView>, StoreError> {
    chain.iter().map(StepView::try_from).collect()
}

/// A page of chained subjects (leave requests, applications) as views with their chains;
/// `steps` holds the chains of the page's rows (loaded in one query).
pub fn page_with_chains<T, V, E>(
    page: Page<T>,
    steps: &[ApprovalStep],
    id_of: impl Fn(&T) -> &str,
    view: impl Fn(T, &[ApprovalStep]) -> Result<V, E>,
) -> Result<Page<V>, E> {
    page.try_map(|row| {
        let chain: Vec<ApprovalStep> = steps
            .iter()
            .filter(|step| step.subject_id == id_of(&row))
            .cloned()
            .collect();
        view(row, &chain)
    })
}
