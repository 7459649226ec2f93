//! EMP-8: the work-injury report (《员工受伤报告单》). The department files it within 12 hours of
//! the incident; the office adds its investigation, HR reviews it, and the general manager is
//! informed — in that order. The numbers live in [`EmploymentPolicy`].

use serde::Serialize;
use time::OffsetDateTime;

use crate::calendar::clock_hours_deadline;
use crate::person::EmploymentPolicy;
use crate::text_enum::text_enum;

/// EMP-8: the report is due `injury_report_within_hours` elapsed clock hours after the
/// incident (CAL-4: hour targets ignore the calendar).
pub fn injury_report_due(policy: &EmploymentPolicy, occurred_at: OffsetDateTime) -> OffsetDateTime {
    clock_hours_deadline(occurred_at, policy.injury_report_within_hours)
}

/// EMP-8: a report filed after its due instant is late; at the due instant it is on time.
pub fn injury_report_late(
    policy: &EmploymentPolicy,
    occurred_at: OffsetDateTime,
    reported_at: OffsetDateTime,
) -> bool {
    reported_at > injury_report_due(policy, occurred_at)
}

text_enum! {
    /// EMP-8: how far a report has gone; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum InjuryReportStatus {
        /// Filed by the department.
        Reported = "reported",
        /// The office has added its investigation.
        Investigated = "investigated",
        /// HR has reviewed it.
        Reviewed = "reviewed",
        /// The general manager has been informed.
        Informed = "informed",
    }
}

text_enum! {
    /// EMP-8: the steps after the report, in their order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum InjuryStep {
        /// The office (办公室) investigates and signs its opinion.
        Investigation = "investigation",
        /// HR (行政人事部) reviews.
        Review = "review",
        /// The general manager is informed (呈报总经理).
        GeneralManagerInformed = "general_manager_informed",
    }
}

impl InjuryStep {
    /// The status a report must have for this step.
    pub fn follows(self) -> InjuryReportStatus {
        match self {
            InjuryStep::Investigation => InjuryReportStatus::Reported,
            InjuryStep::Review => InjuryReportStatus::Investigated,
            InjuryStep::GeneralManagerInformed => InjuryReportStatus::Reviewed,
        }
    }

    /// The status the step leaves the report in.
    pub fn reaches(self) -> InjuryReportStatus {
        match self {
            InjuryStep::Investigation => InjuryReportStatus::Investigated,
            InjuryStep::Review => InjuryReportStatus::Reviewed,
            InjuryStep::GeneralManagerInformed => InjuryReportStatus::Informed,
        }
    }
}

/// EMP-8: a step taken out of its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the {step} step follows a report that is {expected}; this one is {status}")]
pub struct StepOutOfOrder {
    pub step: InjuryStep,
    pub status: InjuryReportStatus,
    pub expected: InjuryReportStatus,
}

/// EMP-8: the status after taking `step` on a report that is `status`; refused unless the
/// step is the next one.
pub fn injury_status_after(
    status: InjuryReportStatus,
    step: InjuryStep,
) -> Result<InjuryReportStatus, StepOutOfOrder> {
    if status == step.follows() {
        Ok(step.reaches())
    } else {
        Err(StepOutOfOrder {
            step,
            status,
            expected: step.follows(),
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::datetime;

    use super::*;

    #[test]
    fn emp_8_twelve_hours_is_on_time_a_minute_more_is_late() {
        let policy = EmploymentPolicy::default();
        let incident = datetime!(2026 - 10 - 01 20:30 +8);
        assert_eq!(
            injury_report_due(&policy, incident),
            datetime!(2026 - 10 - 02 08:30 +8)
        );
        assert!(!injury_report_late(
            &policy,
            incident,
            incident + Duration::hours(12)
        ));
        assert!(injury_report_late(
            &policy,
            incident,
            incident + Duration::hours(12) + Duration::minutes(1)
        ));
    }

    #[test]
    fn emp_8_the_steps_go_in_order() {
        use InjuryReportStatus::*;
        use InjuryStep::*;
        assert_eq!(
            injury_status_after(Reported, Investigation),
            Ok(Investigated)
        );
        assert_eq!(injury_status_after(Investigated, Review), Ok(Reviewed));
        assert_eq!(
            injury_status_after(Reviewed, GeneralManagerInformed),
            Ok(Informed)
        );
        assert_eq!(
            injury_status_after(Reported, Review),
            Err(StepOutOfOrder {
                step: Review,
                status: Reported,
                expected: Investigated
            })
        );
        assert!(injury_status_after(Investigated, Investigation).is_err());
        assert!(injury_status_after(Informed, GeneralManagerInformed).is_err());
    }

    #[test]
    fn emp_8_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&InjuryReportStatus::ALL, InjuryReportStatus::as_str);
        assert_serde_names_match(&InjuryReportStatus::ALL, InjuryReportStatus::as_str);
        assert_eq!(
            InjuryReportStatus::ALL.map(InjuryReportStatus::as_str),
            ["reported", "investigated", "reviewed", "informed"]
        );
        assert_round_trips(&InjuryStep::ALL, InjuryStep::as_str);
        assert_serde_names_match(&InjuryStep::ALL, InjuryStep::as_str);
    }

    proptest! {
        #[test]
        fn emp_8_a_report_before_the_due_instant_is_never_late(
            minutes in 0i64..(12 * 60), offset in 0i64..100_000,
        ) {
            let policy = EmploymentPolicy::default();
            let incident = datetime!(2026 - 01 - 01 00:00 UTC) + Duration::minutes(offset);
            prop_assert!(!injury_report_late(&policy, incident, incident + Duration::minutes(minutes)));
            prop_assert!(injury_report_due(&policy, incident) > incident);
        }
    }
}
