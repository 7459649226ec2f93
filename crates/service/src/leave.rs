//! LEAVE: stored leave requests as the leave and attendance rules read them.

use zhidu_domain::attendance::ApprovedLeave;
use zhidu_domain::leave::{LeaveSpan, LeaveType};
use zhidu_store::leave::LeaveRequest;
use zhidu_store::{StoreResult, read_stored};

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
