//! ACC — accountability cases (责任追究): severity and the right to be heard.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::text_enum::text_enum;

text_enum! {
    /// ACC-2 severities, in rising order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Severity {
        /// Efficiency warning.
        Light = "light",
        /// Loses award eligibility; the unit head may be warned.
        Heavy = "heavy",
        /// Public criticism, administrative and economic penalty; the leader answers too.
        Severe = "severe",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AggravatingFactor {
    RetaliationAgainstComplainant,
    TwoOrMoreCasesInAYear,
    ObstructedInquiry,
    IgnoredSupervisionDecision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MitigatingFactor {
    ApologyAcceptedByCustomer,
    HarmPrevented,
    LossesRepaired,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    /// ACC-3: nobody is penalised unheard.
    #[error("the person's own statement must be recorded before a decision (ACC-3)")]
    StatementMissing,
}

/// ACC-2, ACC-3: the severity decided for a case. Any aggravating factor raises the assessed
/// severity one level and any mitigating factor lowers it one level (**Reading**: one level
/// each way however many factors are present), within light..severe; refused until the
/// person's statement is on record.
pub fn decide_severity(
    assessed: Severity,
    aggravating: &BTreeSet<AggravatingFactor>,
    mitigating: &BTreeSet<MitigatingFactor>,
    statement_recorded: bool,
) -> Result<Severity, DecisionError> {
    if !statement_recorded {
        return Err(DecisionError::StatementMissing);
    }
    let levels = [Severity::Light, Severity::Heavy, Severity::Severe];
    let mut index = levels.iter().position(|s| *s == assessed).unwrap_or(0);
    if !aggravating.is_empty() {
        index = (index + 1).min(levels.len() - 1);
    }
    if !mitigating.is_empty() {
        index = index.saturating_sub(1);
    }
    Ok(levels[index])
}

text_enum! {
    /// ACC-2: what opened an accountability case; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum CaseSource {
        /// SLA-5: a breached work order.
        SlaBreach = "sla_breach",
        /// A complaint about the person.
        Complaint = "complaint",
        Manual = "manual",
        /// INSP-3: an inspection finding left unrectified after a reminder.
        Inspection = "inspection",
    }
}

text_enum! {
    /// ACC-2: where an accountability case stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum CaseStatus {
        /// Opened by an SLA breach or a complaint; nobody has taken it up yet.
        Candidate = "candidate",
        Open = "open",
        Decided = "decided",
        Dismissed = "dismissed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(
        assessed: Severity,
        aggravating: &[AggravatingFactor],
        mitigating: &[MitigatingFactor],
    ) -> Severity {
        decide_severity(
            assessed,
            &aggravating.iter().copied().collect(),
            &mitigating.iter().copied().collect(),
            true,
        )
        .unwrap()
    }

    #[test]
    fn acc_2_factors_move_one_level_within_the_scale() {
        use AggravatingFactor::*;
        use MitigatingFactor::*;
        assert_eq!(decide(Severity::Light, &[], &[]), Severity::Light);
        assert_eq!(
            decide(Severity::Light, &[ObstructedInquiry], &[]),
            Severity::Heavy
        );
        assert_eq!(
            decide(
                Severity::Light,
                &[ObstructedInquiry, RetaliationAgainstComplainant],
                &[]
            ),
            Severity::Heavy
        );
        assert_eq!(
            decide(Severity::Severe, &[TwoOrMoreCasesInAYear], &[]),
            Severity::Severe
        );
        assert_eq!(
            decide(Severity::Heavy, &[], &[HarmPrevented]),
            Severity::Light
        );
        assert_eq!(
            decide(Severity::Light, &[], &[LossesRepaired]),
            Severity::Light
        );
        assert_eq!(
            decide(
                Severity::Heavy,
                &[IgnoredSupervisionDecision],
                &[ApologyAcceptedByCustomer]
            ),
            Severity::Heavy
        );
    }

    #[test]
    fn acc_3_no_decision_without_the_statement() {
        assert_eq!(
            decide_severity(Severity::Light, &BTreeSet::new(), &BTreeSet::new(), false),
            Err(DecisionError::StatementMissing)
        );
    }

    #[test]
    fn acc_2_severities_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&Severity::ALL, Severity::as_str);
        assert_serde_names_match(&Severity::ALL, Severity::as_str);
        assert_eq!(
            Severity::ALL.map(Severity::as_str),
            ["light", "heavy", "severe"]
        );
        assert!(Severity::Light < Severity::Heavy && Severity::Heavy < Severity::Severe);
    }

    #[test]
    fn acc_2_case_statuses_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&CaseSource::ALL, CaseSource::as_str);
        assert_serde_names_match(&CaseSource::ALL, CaseSource::as_str);
        assert_eq!(
            CaseSource::ALL.map(CaseSource::as_str),
            ["sla_breach", "complaint", "manual", "inspection"]
        );
        assert_round_trips(&CaseStatus::ALL, CaseStatus::as_str);
        assert_serde_names_match(&CaseStatus::ALL, CaseStatus::as_str);
        assert_eq!(
            CaseStatus::ALL.map(CaseStatus::as_str),
            ["candidate", "open", "decided", "dismissed"]
        );
    }
}
