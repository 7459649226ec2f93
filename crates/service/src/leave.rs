//! LEAVE: stored leave requests as the leave and attendance rules read them.

use serde::Deserialize;
use time::{Date, OffsetDateTime};
use zhidu_domain::attendance::ApprovedLeave;
use zhidu_domain::leave::{LeaveFacts, LeaveSpan, LeaveType};
use zhidu_domain::roster::HalfDays;
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::leave::LeaveRequest;
use zhidu_store::people::{self, Employee};
use zhidu_store::{StoreError, StoreResult, read_stored};

use crate::error::ServiceResult;

pub fn leave_type_of(row: &LeaveRequest) -> StoreResult<LeaveType> {
    read_stored(&row.leave_type)
}

pub fn span_of(row: &LeaveRequest) -> StoreResult<LeaveSpan> {
    Ok(LeaveSpan {
        first_day: row.first_day,
        first_half: read_stored(&row.first_half)?,
        last_day: row.last_day,
        last_half: read_stored(&row.last_half)?,
    })
}

/// A stored, approved request as the attendance rules read it.
pub fn approved_leave(row: &LeaveRequest) -> StoreResult<ApprovedLeave> {
    let span = span_of(row)?;
    Ok(ApprovedLeave {
        id: row.id.clone(),
        leave_type: leave_type_of(row)?,
        first_day: span.first_day,
        first_half: span.first_half,
        last_day: span.last_day,
        last_half: span.last_half,
        certified: row.certified,
    })
}

/// The facts the request was filed with.
pub fn facts_of(row: &LeaveRequest) -> StoreResult<LeaveFacts> {
    stored_json(row, "facts", &row.facts)
}

/// What the rules read back from the assessment kept at filing (`LeaveAssessment`); the rest
/// of it is shown, not decided on.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct KeptAssessment {
    /// Days, whole or half.
    entitlement: Option<f64>,
    /// LEAVE-5
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub certificate_due_by: Option<OffsetDateTime>,
    pub consequences: KeptConsequences,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct KeptConsequences {
    /// LEAVE-4, EMP-1: the new last day of probation, when it moves.
    #[serde(default, with = "zhidu_domain::iso_date::option")]
    pub probation_end_after: Option<Date>,
}

impl KeptAssessment {
    /// The entitlement of the event, `None` for personal and sick leave.
    pub fn entitlement(self) -> Option<HalfDays> {
        // Entitlements are whole or half days, exact in binary.
        self.entitlement
            .map(|days| HalfDays((days * 2.0).round() as u32))
    }
}

pub fn kept_assessment(row: &LeaveRequest) -> StoreResult<KeptAssessment> {
    stored_json(row, "assessment", &row.assessment)
}

/// The assessment as kept, for showing.
pub fn assessment_document(row: &LeaveRequest) -> StoreResult<serde_json::Value> {
    stored_json(row, "assessment", &row.assessment)
}

fn stored_json<T: serde::de::DeserializeOwned>(
    row: &LeaveRequest,
    column: &str,
    json: &str,
) -> StoreResult<T> {
    serde_json::from_str(json)
        .map_err(|error| StoreError::Corrupt(format!("leave request {} {column}: {error}", row.id)))
}

/// LEAVE-4, EMP-1: an approved personal leave that exceeded the probation limits moves the
/// probation end as assessed (already capped at six months).
pub fn extend_probation(
    request: &LeaveRequest,
    connection: &mut DbConnection,
    actor: &Actor,
) -> ServiceResult<()> {
    let Some(new_end) = kept_assessment(request)?.consequences.probation_end_after else {
        return Ok(());
    };
    let employee = people::find_employee(connection, &request.employee_id)?.ok_or_else(|| {
        StoreError::Corrupt(format!("leave request {} without employee", request.id))
    })?;
    if employee.probation_end.is_some_and(|end| end >= new_end) {
        return Ok(());
    }
    let after = Employee {
        probation_end: Some(new_end),
        version: employee.version + 1,
        updated_at: actor.at.stored(),
        ..employee.clone()
    };
    people::update_employee(
        connection,
        actor,
        "employee.extend_probation",
        &employee,
        &after,
    )?;
    Ok(())
}
