//! INBOX-1, INBOX-2: one inbox of every decision waiting on a person, and who decides a step
//! while its holder is on approved leave.

use serde::{Deserialize, Serialize};

use time::{Date, Duration};

use crate::approval::StepKind;
use crate::text_enum::text_enum;

text_enum! {
    /// INBOX-1: the kinds of decision the inbox collects. Each is decided on its own
    /// resource's endpoint (the item's `path`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum InboxKind {
        /// LEAVE-1: a step of a leave request's chain.
        LeaveRequest = "leave_request",
        /// ATT-4: a step of an attendance exception form's chain.
        AttendanceException = "attendance_exception",
        /// ATT-5: a step of a make-up punch request's chain.
        MakeUpPunch = "make_up_punch",
        /// EMP-2: a step of a regularization application's chain.
        Regularization = "regularization",
        /// EMP-6: a step of a promotion's chain.
        Promotion = "promotion",
        /// EMP-1: a probation ending soon with no regularization filed — regularize or extend.
        ProbationEnding = "probation_ending",
        /// EMP-3: a resignation waiting for HR's acceptance.
        Resignation = "resignation",
        /// CARE-6: a domain transfer with every requirement on record, waiting for approval.
        DomainTransfer = "domain_transfer",
        /// AR-5: a bad debt reported, waiting for the general manager.
        BadDebtReport = "bad_debt_report",
        /// SET-7: a point redemption waiting for its review or its approval.
        PointRedemption = "point_redemption",
        /// PAY: a computed payroll run waiting for approval.
        PayrollRun = "payroll_run",
        /// ACC-2/3: an accountability case heard and waiting for its decision.
        AccountabilityDecision = "accountability_decision",
        /// EMP-7: a department's monthly targets waiting for the general manager's
        /// acknowledgement.
        MonthlyTarget = "monthly_target",
        /// INSP-2: a rectified finding waiting for a supervisor's verification.
        RectificationVerification = "rectification_verification",
    }
}

/// Who holds one step of an approval chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepHolder<'a> {
    /// A named employee (a supervisor, a department head).
    Person(&'a str),
    /// Every holder of a role (HR, the general manager): never absent as a whole.
    Role(StepKind),
}

/// INBOX-2: the position of the step whose holder decides the step waiting at `waiting`. A
/// named holder on approved leave (`absent`) hands the item to the holder of the next step of
/// the same chain, and so on past everyone else absent; a role step is never absent. When
/// nobody later in the chain is present, the item waits for its own holder.
pub fn acting_position(
    holders: &[StepHolder<'_>],
    waiting: usize,
    absent: impl Fn(&str) -> bool,
) -> usize {
    holders
        .iter()
        .enumerate()
        .skip(waiting)
        .find(|(_, holder)| match holder {
            StepHolder::Person(employee) => !absent(employee),
            StepHolder::Role(_) => true,
        })
        .map_or(waiting, |(position, _)| position)
}

/// INBOX-1 parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxPolicy {
    /// EMP-1: a probation ending within this many days, with no regularization application
    /// filed, waits on HR (regularize, or extend under EMP-1).
    pub probation_notice_days: i64,
}

impl Default for InboxPolicy {
    fn default() -> Self {
        InboxPolicy {
            probation_notice_days: 14,
        }
    }
}

/// INBOX-1: whether a probation ending on `probation_end` waits on HR today — regularize or
/// extend (EMP-1) — because it ends within `probation_notice_days` either side of `today`.
/// Beyond that it is either not due yet or (continued employment having made it regular)
/// no longer a decision.
pub fn probation_awaits_decision(policy: &InboxPolicy, probation_end: Date, today: Date) -> bool {
    let notice = Duration::days(policy.probation_notice_days);
    (today - notice..=today + notice).contains(&probation_end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use StepHolder::{Person, Role};
    use proptest::prelude::*;

    const CHAIN: [StepHolder<'static>; 4] = [
        Person("supervisor"),
        Person("head"),
        Role(StepKind::Hr),
        Role(StepKind::GeneralManager),
    ];

    #[test]
    fn inbox_2_a_present_holder_decides_their_own_step() {
        assert_eq!(acting_position(&CHAIN, 0, |_| false), 0);
        assert_eq!(acting_position(&CHAIN, 1, |_| false), 1);
        assert_eq!(
            acting_position(&CHAIN, 2, |_| true),
            2,
            "a role is never absent"
        );
    }

    #[test]
    fn inbox_2_a_holder_on_leave_hands_the_step_to_the_next_in_the_chain() {
        assert_eq!(acting_position(&CHAIN, 0, |who| who == "supervisor"), 1);
        assert_eq!(
            acting_position(&CHAIN, 0, |who| who == "supervisor" || who == "head"),
            2,
            "past everyone absent, to HR"
        );
        assert_eq!(acting_position(&CHAIN, 1, |who| who == "head"), 2);
    }

    #[test]
    fn inbox_2_the_last_holder_on_leave_keeps_the_item() {
        let two_people = [Person("supervisor"), Person("head")];
        assert_eq!(acting_position(&two_people, 1, |_| true), 1);
        assert_eq!(acting_position(&two_people, 0, |_| true), 0);
    }

    #[test]
    fn inbox_1_a_probation_waits_on_hr_within_the_notice_days_either_side() {
        let policy = InboxPolicy::default();
        let today = time::macros::date!(2026 - 12 - 07);
        let waits = |end| probation_awaits_decision(&policy, end, today);
        assert!(waits(time::macros::date!(2026 - 12 - 21)), "14 days ahead");
        assert!(!waits(time::macros::date!(2026 - 12 - 22)), "15 days ahead");
        assert!(
            waits(time::macros::date!(2026 - 11 - 23)),
            "ended 14 days ago"
        );
        assert!(
            !waits(time::macros::date!(2026 - 11 - 22)),
            "ended 15 days ago"
        );
        assert!(waits(today));
    }

    #[test]
    fn inbox_1_kinds_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&InboxKind::ALL, InboxKind::as_str);
        assert_serde_names_match(&InboxKind::ALL, InboxKind::as_str);
    }

    proptest! {
        #[test]
        fn inbox_2_the_acting_step_is_never_before_the_waiting_one_and_is_present(
            absent_mask in proptest::collection::vec(any::<bool>(), 1..6),
            waiting_seed in any::<usize>(),
        ) {
            let names: Vec<String> = (0..absent_mask.len()).map(|i| format!("p{i}")).collect();
            let holders: Vec<StepHolder<'_>> = names.iter().map(|n| Person(n)).collect();
            let waiting = waiting_seed % holders.len();
            let absent = |who: &str| names.iter().position(|n| n == who).is_some_and(|i| absent_mask[i]);
            let acting = acting_position(&holders, waiting, absent);
            prop_assert!(acting >= waiting);
            prop_assert!(acting < holders.len());
            if acting != waiting {
                prop_assert!(!absent_mask[acting], "the item moves only to someone present");
            }
            prop_assert!(absent_mask[waiting..acting].iter().all(|a| *a), "nobody present is skipped");
        }
    }
}
