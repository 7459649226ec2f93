//! The stored approval chain of a request: one row per step, decided in place.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::db::{DbConnection, insert_rows};
use crate::schema::approval_steps;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = approval_steps)]
pub struct ApprovalStep {
    /// `leave_request`, `attendance_exception` or `make_up_punch`.
    pub subject_type: String,
    pub subject_id: String,
    pub position: i32,
    /// `supervisor`, `department_head`, `hr` or `general_manager`.
    pub step: String,
    /// The employee who must decide a named step; `None` for a role step.
    pub approver_id: Option<String>,
    /// `approved` or `rejected` once decided.
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub comment: Option<String>,
}

pub fn insert_chain(connection: &mut DbConnection, steps: &[ApprovalStep]) -> StoreResult<()> {
    insert_rows!(&mut *connection, approval_steps::table, steps)?;
    Ok(())
}

/// The chain of one request, in order.
pub fn chain_of(
    connection: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> StoreResult<Vec<ApprovalStep>> {
    Ok(approval_steps::table
        .filter(approval_steps::subject_type.eq(subject_type))
        .filter(approval_steps::subject_id.eq(subject_id))
        .order(approval_steps::position.asc())
        .select(ApprovalStep::as_select())
        .load(connection)?)
}

/// The chains of many requests of one type, each in order.
pub fn chains_of(
    connection: &mut DbConnection,
    subject_type: &str,
    subject_ids: &[String],
) -> StoreResult<Vec<ApprovalStep>> {
    Ok(approval_steps::table
        .filter(approval_steps::subject_type.eq(subject_type))
        .filter(approval_steps::subject_id.eq_any(subject_ids))
        .order((
            approval_steps::subject_id.asc(),
            approval_steps::position.asc(),
        ))
        .select(ApprovalStep::as_select())
        .load(connection)?)
}

/// Records the decision of a step that is still open; a step decided meanwhile (two approvers
/// at once) is a `Conflict`.
pub fn record_decision(connection: &mut DbConnection, decided: &ApprovalStep) -> StoreResult<()> {
    let changed = diesel::update(
        approval_steps::table
            .filter(approval_steps::subject_type.eq(&decided.subject_type))
            .filter(approval_steps::subject_id.eq(&decided.subject_id))
            .filter(approval_steps::position.eq(decided.position))
            .filter(approval_steps::decision.is_null()),
    )
    .set((
        approval_steps::decision.eq(&decided.decision),
        approval_steps::decided_by.eq(&decided.decided_by),
        approval_steps::decided_at.eq(decided.decided_at),
        approval_steps::comment.eq(&decided.comment),
    ))
    .execute(connection)?;
    if changed == 0 {
        return Err(crate::StoreError::Conflict(
            "this step has already been decided".into(),
        ));
    }
    Ok(())
}
