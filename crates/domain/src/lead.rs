//! LEAD: who owns a prospect (LEAD-1), how a deal two staff claim is settled (LEAD-2), and who
//! follows up an unconverted prospect after the interview (LEAD-3).

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::text_enum::text_enum;

text_enum! {
    /// LEAD-1, computed by the service.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Ownership {
        /// No confirmed invitation yet.
        Unclaimed = "unclaimed",
        /// Every agreed visit is more than 3 days after its confirmation: anyone may work it.
        Shared = "shared",
        /// Belongs to whoever first confirmed an invitation with a visit within 3 days.
        Owned = "owned",
    }
}

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum DealStatus {
        /// One member of staff claims it.
        Won = "won",
        /// Two or more claim it (撞单): to be agreed or voided.
        Contested = "contested",
        Agreed = "agreed",
        Void = "void",
    }
}

text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum FollowUpResult {
        Success = "success",
        Failure = "failure",
    }
}

/// The LEAD parameters; `Default` holds the values of RULES.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadPolicy {
    /// LEAD-1: an invitation whose agreed visit is at most this long after its confirmation
    /// claims the prospect; a later visit leaves it shared.
    pub claim_window: Duration,
    /// LEAD-3: follow-up without a result for this long passes ownership to the other party.
    pub follow_up_hand_over_after: Duration,
    /// LEAD-3: failed follow-ups reaching this share of a month's outcomes (basis points,
    /// 4000 = 40%) bar the owner from follow-ups the next month.
    pub follow_up_failure_bar_bp: u32,
}

impl Default for LeadPolicy {
    fn default() -> Self {
        LeadPolicy {
            claim_window: Duration::hours(72),
            follow_up_hand_over_after: Duration::hours(7 * 24),
            follow_up_failure_bar_bp: 4000,
        }
    }
}

/// A confirmed invitation: who confirmed it, when, and the agreed visit's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub staff_id: String,
    pub confirmed_at: OffsetDateTime,
    pub appointment_at: OffsetDateTime,
}

/// LEAD-1: whether an invitation claims the prospect — its agreed visit is no more than the
/// claim window (3 days) after it was confirmed. A later visit leaves the prospect shared.
pub fn invitation_claims_prospect(policy: &LeadPolicy, invitation: &Invitation) -> bool {
    invitation.appointment_at - invitation.confirmed_at <= policy.claim_window
}

/// LEAD-1: who owns the prospect — whoever first confirmed an invitation that claims it
/// (ties by the order given); `None` while every invitation leaves it shared.
pub fn prospect_owner<'a>(policy: &LeadPolicy, invitations: &'a [Invitation]) -> Option<&'a str> {
    invitations
        .iter()
        .filter(|invitation| invitation_claims_prospect(policy, invitation))
        .min_by_key(|invitation| invitation.confirmed_at)
        .map(|invitation| invitation.staff_id.as_str())
}

/// LEAD-1: the owner a new invitation would collide with — when it claims the prospect
/// within the window and another member of staff already owns it. Invitations that leave the
/// prospect shared, and the owner's own, never collide: others may help.
pub fn duplicate_invitation_of<'a>(
    policy: &LeadPolicy,
    existing: &'a [Invitation],
    new: &Invitation,
) -> Option<&'a str> {
    if !invitation_claims_prospect(policy, new) {
        return None;
    }
    prospect_owner(policy, existing).filter(|owner| *owner != new.staff_id)
}

/// LEAD-2: how a deal starts — contested when two or more distinct members of staff claim it.
pub fn deal_is_contested(claimants: &[String]) -> bool {
    let mut distinct: Vec<&String> = claimants.iter().collect();
    distinct.sort();
    distinct.dedup();
    distinct.len() > 1
}

/// LEAD-1: the prospect's ownership once it has confirmed invitations — owned by whoever
/// first confirmed a claiming one, shared while every one leaves it open — and the owner.
pub fn prospect_ownership<'a>(
    policy: &LeadPolicy,
    invitations: &'a [Invitation],
) -> (Ownership, Option<&'a str>) {
    match prospect_owner(policy, invitations) {
        Some(owner) => (Ownership::Owned, Some(owner)),
        None => (Ownership::Shared, None),
    }
}

/// LEAD-2: a recorded deal's status and owner — won by its only claimant, contested (no
/// owner yet) when two or more distinct members of staff claim it.
pub fn recorded_deal(claimants: &[String]) -> (DealStatus, Option<&str>) {
    if deal_is_contested(claimants) {
        (DealStatus::Contested, None)
    } else {
        (DealStatus::Won, claimants.first().map(String::as_str))
    }
}

/// How a contested deal is settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DealSettlement {
    /// The claimants agreed on one owner (reported to the supervisor).
    Agreed { owner_id: String },
    /// They could not agree: the deal is void.
    Void,
    /// A split of the deal between several staff.
    Split { holders: Vec<String> },
}

/// Why a settlement is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettlementRefusal {
    /// LEAD-2: a deal is never split.
    Split,
    /// The agreed owner is not one of the claimants.
    NotAClaimant(String),
}

/// LEAD-2: a contested deal goes to one agreed claimant or is void; never split.
pub fn settle_contested_deal(
    claimants: &[String],
    settlement: &DealSettlement,
) -> Result<(), SettlementRefusal> {
    match settlement {
        DealSettlement::Split { .. } => Err(SettlementRefusal::Split),
        DealSettlement::Agreed { owner_id } if !claimants.contains(owner_id) => {
            Err(SettlementRefusal::NotAClaimant(owner_id.clone()))
        }
        DealSettlement::Agreed { .. } | DealSettlement::Void => Ok(()),
    }
}

/// LEAD-2: the status a settlement gives a contested deal: agreed on one owner, or void.
pub fn settled_deal_status(settlement: &DealSettlement) -> DealStatus {
    match settlement {
        DealSettlement::Agreed { .. } => DealStatus::Agreed,
        DealSettlement::Void | DealSettlement::Split { .. } => DealStatus::Void,
    }
}

/// Who wants to follow up an unconverted prospect after the interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpClaim {
    pub inviter_id: String,
    pub closer_id: String,
    /// The one they agreed on, if they agreed.
    pub agreed_owner_id: Option<String>,
    /// Who collected the prospect's deposit, if anyone did.
    pub deposit_collector_id: Option<String>,
}

/// Why no follow-up owner can be named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpRefusal {
    /// The agreed owner is neither the inviter nor the closer.
    NotAParty(String),
    /// Both want it and neither collected the deposit.
    Undecided,
}

/// LEAD-3: the follow-up owner — the one inviter and closer agreed on; if both want it, the
/// one who collected the deposit. Returns the owner and the other party.
pub fn follow_up_owner(claim: &FollowUpClaim) -> Result<(String, String), FollowUpRefusal> {
    let parties = [&claim.inviter_id, &claim.closer_id];
    let owner = match (&claim.agreed_owner_id, &claim.deposit_collector_id) {
        (Some(agreed), _) if parties.contains(&agreed) => agreed,
        (Some(agreed), _) => return Err(FollowUpRefusal::NotAParty(agreed.clone())),
        (None, Some(collector)) if parties.contains(&collector) => collector,
        (None, _) => return Err(FollowUpRefusal::Undecided),
    };
    let other = if *owner == claim.inviter_id {
        &claim.closer_id
    } else {
        &claim.inviter_id
    };
    Ok((owner.clone(), other.clone()))
}

/// LEAD-3: whether follow-up ownership has passed to the other party at `now`: a week (7 × 24
/// hours) after it started without a successful result.
pub fn follow_up_passed_to_other(
    policy: &LeadPolicy,
    started_at: OffsetDateTime,
    succeeded: bool,
    now: OffsetDateTime,
) -> bool {
    !succeeded && now - started_at >= policy.follow_up_hand_over_after
}

/// LEAD-3: whether failed follow-ups `failures` of `outcomes` in a month reach the bar (40%),
/// barring the owner from follow-ups the next month. No outcomes: not barred.
pub fn barred_from_follow_ups(policy: &LeadPolicy, failures: u64, outcomes: u64) -> bool {
    outcomes > 0
        && u128::from(failures) * 10_000
            >= u128::from(policy.follow_up_failure_bar_bp) * u128::from(outcomes)
}

/// LEAD-3: the month whose follow-up outcomes decide who may own follow-ups in the month
/// starting `month_start`: the month before it. Returns that month's first day.
pub fn follow_up_counted_month(month_start: Date) -> Date {
    let last_of_previous = month_start.previous_day().unwrap_or(month_start);
    last_of_previous.replace_day(1).unwrap_or(last_of_previous)
}

/// LEAD-3: failed follow-ups per 10,000 outcomes (3990 = 39.9%); no outcomes, no failures.
pub fn follow_up_failure_rate_bp(failures: u64, outcomes: u64) -> u64 {
    failures * 10_000 / outcomes.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn invitation(staff: &str, confirmed: OffsetDateTime, visit_after: Duration) -> Invitation {
        Invitation {
            staff_id: staff.into(),
            confirmed_at: confirmed,
            appointment_at: confirmed + visit_after,
        }
    }

    const T0: OffsetDateTime = datetime!(2026-03-02 10:00 +8);

    #[test]
    fn lead_1_visit_three_days_after_confirmation_claims_the_prospect() {
        let policy = LeadPolicy::default();
        assert!(invitation_claims_prospect(
            &policy,
            &invitation("a", T0, Duration::days(3))
        ));
    }

    #[test]
    fn lead_1_visit_three_days_and_one_minute_after_leaves_it_shared() {
        let policy = LeadPolicy::default();
        let late = invitation("a", T0, Duration::days(3) + Duration::minutes(1));
        assert!(!invitation_claims_prospect(&policy, &late));
        assert_eq!(prospect_owner(&policy, &[late]), None);
    }

    #[test]
    fn lead_1_the_first_confirmed_claiming_invitation_owns() {
        let policy = LeadPolicy::default();
        let invitations = [
            invitation("shared", T0 - Duration::hours(2), Duration::days(5)),
            invitation("second", T0 + Duration::minutes(1), Duration::days(1)),
            invitation("first", T0, Duration::days(2)),
        ];
        assert_eq!(prospect_owner(&policy, &invitations), Some("first"));
    }

    #[test]
    fn lead_1_a_second_claiming_invitation_by_another_collides() {
        let policy = LeadPolicy::default();
        let existing = [invitation("first", T0, Duration::days(3))];
        let second = invitation("second", T0 + Duration::hours(1), Duration::days(3));
        assert_eq!(
            duplicate_invitation_of(&policy, &existing, &second),
            Some("first")
        );
    }

    #[test]
    fn lead_1_helpers_and_the_owner_never_collide() {
        let policy = LeadPolicy::default();
        let existing = [invitation("first", T0, Duration::days(1))];
        let helper = invitation(
            "second",
            T0 + Duration::hours(1),
            Duration::days(3) + Duration::minutes(1),
        );
        assert_eq!(duplicate_invitation_of(&policy, &existing, &helper), None);
        let again = invitation("first", T0 + Duration::hours(1), Duration::days(1));
        assert_eq!(duplicate_invitation_of(&policy, &existing, &again), None);
        let shared_only = [invitation("x", T0, Duration::days(4))];
        let claim = invitation("y", T0, Duration::days(1));
        assert_eq!(duplicate_invitation_of(&policy, &shared_only, &claim), None);
    }

    #[test]
    fn lead_2_two_distinct_claimants_contest_a_deal() {
        assert!(deal_is_contested(&["a".into(), "b".into()]));
        assert!(!deal_is_contested(&["a".into(), "a".into()]));
        assert!(!deal_is_contested(&["a".into()]));
    }

    #[test]
    fn lead_2_a_deal_is_never_split() {
        let claimants = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            settle_contested_deal(
                &claimants,
                &DealSettlement::Split {
                    holders: claimants.clone()
                }
            ),
            Err(SettlementRefusal::Split)
        );
        assert_eq!(
            settle_contested_deal(
                &claimants,
                &DealSettlement::Agreed {
                    owner_id: "a".into()
                }
            ),
            Ok(())
        );
        assert_eq!(
            settle_contested_deal(&claimants, &DealSettlement::Void),
            Ok(())
        );
        assert_eq!(
            settle_contested_deal(
                &claimants,
                &DealSettlement::Agreed {
                    owner_id: "c".into()
                }
            ),
            Err(SettlementRefusal::NotAClaimant("c".into()))
        );
    }

    fn claim(agreed: Option<&str>, collector: Option<&str>) -> FollowUpClaim {
        FollowUpClaim {
            inviter_id: "inviter".into(),
            closer_id: "closer".into(),
            agreed_owner_id: agreed.map(Into::into),
            deposit_collector_id: collector.map(Into::into),
        }
    }

    #[test]
    fn lead_3_the_agreed_party_owns_the_follow_up() {
        assert_eq!(
            follow_up_owner(&claim(Some("closer"), Some("inviter"))),
            Ok(("closer".into(), "inviter".into()))
        );
        assert_eq!(
            follow_up_owner(&claim(Some("someone"), None)),
            Err(FollowUpRefusal::NotAParty("someone".into()))
        );
    }

    #[test]
    fn lead_3_when_both_want_it_the_deposit_collector_owns() {
        assert_eq!(
            follow_up_owner(&claim(None, Some("closer"))),
            Ok(("closer".into(), "inviter".into()))
        );
        assert_eq!(
            follow_up_owner(&claim(None, None)),
            Err(FollowUpRefusal::Undecided)
        );
        assert_eq!(
            follow_up_owner(&claim(None, Some("third"))),
            Err(FollowUpRefusal::Undecided)
        );
    }

    #[test]
    fn lead_3_follow_up_passes_to_the_other_after_exactly_one_week() {
        let policy = LeadPolicy::default();
        let week = Duration::hours(7 * 24);
        assert!(!follow_up_passed_to_other(
            &policy,
            T0,
            false,
            T0 + week - Duration::minutes(1)
        ));
        assert!(follow_up_passed_to_other(&policy, T0, false, T0 + week));
        assert!(!follow_up_passed_to_other(&policy, T0, true, T0 + week));
    }

    #[test]
    fn lead_3_failures_at_39_9_percent_are_eligible_and_40_percent_barred() {
        let policy = LeadPolicy::default();
        assert!(!barred_from_follow_ups(&policy, 399, 1000));
        assert!(barred_from_follow_ups(&policy, 400, 1000));
        assert!(barred_from_follow_ups(&policy, 2, 5));
        assert!(!barred_from_follow_ups(&policy, 0, 0));
    }

    proptest! {
        #[test]
        fn lead_3_the_bar_is_monotone_in_failures(outcomes in 1u64..10_000, failures in 0u64..10_000) {
            let policy = LeadPolicy::default();
            let failures = failures.min(outcomes);
            let barred = barred_from_follow_ups(&policy, failures, outcomes);
            prop_assert_eq!(barred, failures * 10 >= outcomes * 4);
            if barred && failures < outcomes {
                prop_assert!(barred_from_follow_ups(&policy, failures + 1, outcomes));
            }
        }

        #[test]
        fn lead_1_claims_exactly_within_the_window(minutes in 0i64..(10 * 24 * 60)) {
            let policy = LeadPolicy::default();
            let claims = invitation_claims_prospect(&policy, &invitation("a", T0, Duration::minutes(minutes)));
            prop_assert_eq!(claims, minutes <= 72 * 60);
        }
    }

    #[test]
    fn lead_1_a_claiming_invitation_owns_and_others_leave_it_shared() {
        let at = time::macros::datetime!(2026-03-02 09:00 UTC);
        let shared = [invitation("s-1", at, Duration::hours(73))];
        assert_eq!(
            prospect_ownership(&LeadPolicy::default(), &shared),
            (Ownership::Shared, None)
        );
        let owned = [
            invitation("s-1", at, Duration::hours(73)),
            invitation("s-2", at + Duration::hours(1), Duration::hours(72)),
        ];
        assert_eq!(
            prospect_ownership(&LeadPolicy::default(), &owned),
            (Ownership::Owned, Some("s-2"))
        );
    }

    #[test]
    fn lead_2_a_deal_is_won_by_one_claimant_and_contested_by_two() {
        let one = ["s-1".to_owned(), "s-1".to_owned()];
        assert_eq!(recorded_deal(&one), (DealStatus::Won, Some("s-1")));
        let two = ["s-1".to_owned(), "s-2".to_owned()];
        assert_eq!(recorded_deal(&two), (DealStatus::Contested, None));
        let agreed = DealSettlement::Agreed {
            owner_id: "s-2".into(),
        };
        assert_eq!(settled_deal_status(&agreed), DealStatus::Agreed);
        assert_eq!(settled_deal_status(&DealSettlement::Void), DealStatus::Void);
    }

    #[test]
    fn lead_3_last_months_outcomes_decide_and_the_rate_is_in_basis_points() {
        use time::macros::date;
        assert_eq!(
            follow_up_counted_month(date!(2026 - 03 - 01)),
            date!(2026 - 02 - 01)
        );
        assert_eq!(
            follow_up_counted_month(date!(2026 - 01 - 01)),
            date!(2025 - 12 - 01)
        );
        assert_eq!(follow_up_failure_rate_bp(399, 1000), 3990);
        assert_eq!(follow_up_failure_rate_bp(2, 5), 4000);
        assert_eq!(follow_up_failure_rate_bp(0, 0), 0);
    }

    #[test]
    fn lead_statuses_are_stored_as_their_texts() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&Ownership::ALL, Ownership::as_str);
        assert_serde_names_match(&Ownership::ALL, Ownership::as_str);
        assert_round_trips(&DealStatus::ALL, DealStatus::as_str);
        assert_serde_names_match(&DealStatus::ALL, DealStatus::as_str);
        assert_eq!(
            DealStatus::ALL.map(DealStatus::as_str),
            ["won", "contested", "agreed", "void"]
        );
        assert_round_trips(&FollowUpResult::ALL, FollowUpResult::as_str);
        assert_serde_names_match(&FollowUpResult::ALL, FollowUpResult::as_str);
    }
}
