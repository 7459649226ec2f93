//! CMP — where a complaint goes (关于投诉).

use serde::{Deserialize, Serialize};

use crate::sla::Rank;

/// Who must handle a complaint first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum ComplaintRoute {
    /// No one is accused: the customer-service department handles it.
    CustomerService,
    /// CMP-1: an ordinary employee's department manager decides; the result goes to customer
    /// service for the archive.
    DepartmentManager,
    /// CMP-2: a manager's superior, at once; the accused may be left uninformed; the result is
    /// reported to the general manager.
    Superior { inform_accused: bool },
    /// CMP-3: the next managers' meeting, where the general manager presents a resolution.
    ManagersMeeting,
}

/// CMP-1..3: routing by the accused's rank. `inform_accused` is the customer-service
/// manager's choice and only matters for a complaint about a manager.
pub fn route_complaint(accused: Option<Rank>, inform_accused: bool) -> ComplaintRoute {
    match accused {
        None => ComplaintRoute::CustomerService,
        Some(Rank::Staff) => ComplaintRoute::DepartmentManager,
        Some(Rank::Manager) => ComplaintRoute::Superior { inform_accused },
        Some(Rank::GeneralManager) => ComplaintRoute::ManagersMeeting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmp_1_2_3_route_by_the_accused_rank() {
        assert_eq!(route_complaint(None, true), ComplaintRoute::CustomerService);
        assert_eq!(
            route_complaint(Some(Rank::Staff), false),
            ComplaintRoute::DepartmentManager
        );
        assert_eq!(
            route_complaint(Some(Rank::Manager), false),
            ComplaintRoute::Superior {
                inform_accused: false
            }
        );
        assert_eq!(
            route_complaint(Some(Rank::GeneralManager), true),
            ComplaintRoute::ManagersMeeting
        );
    }
}
