//! LEAVE — leave requests (请休假): durations, entitlements, approval chains, notice and the
//! consequences of personal leave.

use serde::{Deserialize, Serialize};

/// The kinds of leave of the HR document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaveType {
    /// 事假 (LEAVE-3, LEAVE-4)
    Personal,
    /// 病假 (LEAVE-5)
    Sick,
    /// 婚假 (LEAVE-6)
    Marriage,
    /// 产假 (LEAVE-7)
    Maternity,
    /// 陪护假 (LEAVE-7)
    Paternity,
    /// 丧假 (LEAVE-8)
    Bereavement,
}
