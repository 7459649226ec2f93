//! SET-7: app-user points — earned per configured spend, redeemed for cash through finance
//! review and a leader's approval.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::text_enum::text_enum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PointsError {
    #[error(
        "SET-7: the points earning rate (yuan per point) is not configured yet; finance must set it before points are earned"
    )]
    RateNotConfigured,
    #[error("SET-7: the earning rate must be more than 0.00 yuan per point")]
    InvalidRate,
}

/// SET-7: one point per `yuan_per_point` spent, whole points only (the remainder earns
/// nothing). The source leaves the rate blank, so earning is refused until it is configured.
pub fn points_earned(spent: Money, yuan_per_point: Option<Money>) -> Result<i64, PointsError> {
    let rate = yuan_per_point.ok_or(PointsError::RateNotConfigured)?;
    if rate.fen() <= 0 {
        return Err(PointsError::InvalidRate);
    }
    Ok(spent.fen().max(0) / rate.fen())
}

text_enum! {
    /// Where a redemption stands (SET-7: request → finance review → leader approval →
    /// transfer); stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum RedemptionStatus {
        PendingReview = "pending_review",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Transferred = "transferred",
        Rejected = "rejected",
    }
}

/// A step taken on a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedemptionStep {
    Review { approve: bool },
    Approval { approve: bool },
    Transfer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "SET-7: a redemption {status:?} cannot take this step; the order is review, approval, transfer"
)]
pub struct OutOfOrder {
    pub status: RedemptionStatus,
}

/// SET-7: the status after `step`, in the fixed order; a rejection at review or approval ends
/// the redemption (and gives the points back, once).
pub fn next_redemption_status(
    status: RedemptionStatus,
    step: RedemptionStep,
) -> Result<RedemptionStatus, OutOfOrder> {
    use RedemptionStatus::*;
    match (status, step) {
        (PendingReview, RedemptionStep::Review { approve: true }) => Ok(PendingApproval),
        (PendingApproval, RedemptionStep::Approval { approve: true }) => Ok(Approved),
        (PendingReview, RedemptionStep::Review { approve: false })
        | (PendingApproval, RedemptionStep::Approval { approve: false }) => Ok(Rejected),
        (Approved, RedemptionStep::Transfer) => Ok(Transferred),
        _ => Err(OutOfOrder { status }),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn set_7_earning_is_refused_until_the_rate_is_configured() {
        assert_eq!(
            points_earned(Money::from_yuan(100), None),
            Err(PointsError::RateNotConfigured)
        );
        assert_eq!(
            points_earned(Money::from_yuan(100), Some(Money::ZERO)),
            Err(PointsError::InvalidRate)
        );
    }

    #[test]
    fn set_7_one_point_per_rate_spent_whole_points_only() {
        let ten = Some(Money::from_yuan(10));
        assert_eq!(points_earned(Money::from_fen(999), ten), Ok(0));
        assert_eq!(points_earned(Money::from_fen(1_000), ten), Ok(1));
        assert_eq!(points_earned(Money::from_fen(1_999), ten), Ok(1));
        assert_eq!(points_earned(Money::from_fen(2_000), ten), Ok(2));
    }

    #[test]
    fn set_7_redemptions_go_review_approval_transfer() {
        use RedemptionStatus::*;
        let review = RedemptionStep::Review { approve: true };
        let approval = RedemptionStep::Approval { approve: true };
        assert_eq!(
            next_redemption_status(PendingReview, review),
            Ok(PendingApproval)
        );
        assert_eq!(
            next_redemption_status(PendingApproval, approval),
            Ok(Approved)
        );
        assert_eq!(
            next_redemption_status(Approved, RedemptionStep::Transfer),
            Ok(Transferred)
        );
        assert!(next_redemption_status(PendingReview, approval).is_err());
        assert!(next_redemption_status(PendingReview, RedemptionStep::Transfer).is_err());
        assert!(next_redemption_status(Transferred, RedemptionStep::Transfer).is_err());
        assert_eq!(
            next_redemption_status(PendingApproval, RedemptionStep::Approval { approve: false }),
            Ok(Rejected)
        );
        assert!(next_redemption_status(Rejected, review).is_err());
    }

    proptest! {
        #[test]
        fn set_7_points_never_cost_more_than_was_spent(spent in 0i64..10_000_000, rate in 1i64..100_000) {
            let points = points_earned(Money::from_fen(spent), Some(Money::from_fen(rate))).unwrap();
            prop_assert!(points * rate <= spent);
            prop_assert!((points + 1) * rate > spent);
        }
    }

    #[test]
    fn set_7_redemption_statuses_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&RedemptionStatus::ALL, RedemptionStatus::as_str);
        assert_serde_names_match(&RedemptionStatus::ALL, RedemptionStatus::as_str);
        assert_eq!(
            RedemptionStatus::ALL.map(RedemptionStatus::as_str),
            [
                "pending_review",
                "pending_approval",
                "approved",
                "transferred",
                "rejected"
            ]
        );
    }
}
