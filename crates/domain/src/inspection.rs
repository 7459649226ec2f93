//! INSP — service supervision (服务监督检查管理制度): inspections of service points, the
//! findings they record, the rectification deadline, escalation to an accountability case and
//! the monthly report.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::calendar::{BusinessCalendar, CalendarError, OnCalendar, end_of_local_day};
use crate::text_enum::text_enum;

text_enum! {
    /// INSP-1: what kind of service point is inspected; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ServicePointKind {
        /// A business hall (营业网点), optionally under a department.
        BusinessHall = "business_hall",
        /// A service area (服务片区) of SLA-8; names the area.
        ServiceArea = "service_area",
        /// A department or branch (分公司/部门); names the department.
        Department = "department",
    }
}

text_enum! {
    /// INSP-1: the five scopes of 第三条 (一)–(五) a finding is recorded under.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum InspectionScope {
        /// (一) laws, policies and the company's customer-service targets and measures.
        PolicyCompliance = "policy_compliance",
        /// (二) daily work.
        DailyWork = "daily_work",
        /// (三) on-site service at the business points.
        OnSiteService = "on_site_service",
        /// (四) staff training, assessment and certification.
        StaffTraining = "staff_training",
        /// (五) the branches' customer-service management and activity records.
        BranchManagement = "branch_management",
    }
}

text_enum! {
    /// INSP-2: how grave a finding is; decides its rectification deadline.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum FindingSeverity {
        Minor = "minor",
        Major = "major",
        Serious = "serious",
    }
}

text_enum! {
    /// INSP-2: where a finding stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum FindingStatus {
        /// Recorded; waiting for the responsible person's rectification.
        Open = "open",
        /// The responsible person reported it rectified; waiting for a supervisor.
        Rectified = "rectified",
        /// A supervisor confirmed the rectification; final.
        Verified = "verified",
        /// A supervisor found the rectification wanting; waiting for rectification again.
        Reopened = "reopened",
    }
}

/// INSP-2, INSP-3: the numbers of the service supervision rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionPolicy {
    /// Working days after the day found that a serious finding is due (0: the same day).
    pub serious_working_days: u32,
    pub major_working_days: u32,
    pub minor_working_days: u32,
    /// INSP-3: reminders (说服劝阻) on record before a finding may be escalated.
    pub reminders_before_escalation: u32,
}

impl Default for InspectionPolicy {
    fn default() -> Self {
        InspectionPolicy {
            serious_working_days: 0,
            major_working_days: 1,
            minor_working_days: 3,
            reminders_before_escalation: 1,
        }
    }
}

impl InspectionPolicy {
    /// INSP-2: the working days a finding of `severity` has for its rectification.
    pub fn working_days(&self, severity: FindingSeverity) -> u32 {
        match severity {
            FindingSeverity::Serious => self.serious_working_days,
            FindingSeverity::Major => self.major_working_days,
            FindingSeverity::Minor => self.minor_working_days,
        }
    }
}

/// INSP-1: what a service point of `kind` must (or must not) reference, as the field refused
/// and why; `None` when the references fit the kind. A service area names its area, a
/// department its department; a business hall may name the department it belongs to.
pub fn point_reference_problem(
    kind: ServicePointKind,
    names_service_area: bool,
    names_department: bool,
) -> Option<(&'static str, &'static str)> {
    match kind {
        ServicePointKind::ServiceArea if !names_service_area => Some((
            "service_area_id",
            "a service_area point names its service area",
        )),
        ServicePointKind::ServiceArea if names_department => {
            Some(("department_id", "a service_area point names no department"))
        }
        ServicePointKind::Department if !names_department => {
            Some(("department_id", "a department point names its department"))
        }
        ServicePointKind::Department | ServicePointKind::BusinessHall if names_service_area => {
            Some((
                "service_area_id",
                "only a service_area point names a service area",
            ))
        }
        _ => None,
    }
}

/// INSP-2: the instant a finding found on `found_on` must be rectified by — 23:59:59
/// Shanghai time of the due day, which is `found_on` itself for a serious finding and the
/// Nth working day after it otherwise (CAL-4 counting on the business calendar).
pub fn rectification_deadline(
    calendar: &BusinessCalendar,
    found_on: Date,
    severity: FindingSeverity,
    policy: &InspectionPolicy,
) -> Result<OnCalendar<OffsetDateTime>, CalendarError> {
    let due = calendar.add_working_days(found_on, policy.working_days(severity))?;
    Ok(OnCalendar {
        value: end_of_local_day(due.value),
        provisional: due.provisional,
    })
}

/// INSP-2: whether the finding still waits for the responsible person's rectification.
pub fn awaits_rectification(status: FindingStatus) -> bool {
    matches!(status, FindingStatus::Open | FindingStatus::Reopened)
}

/// INSP-2: a finding is overdue once `now` is past its deadline while it still awaits
/// rectification (the deadline's own second, 23:59:59, is still on time).
pub fn is_overdue(status: FindingStatus, due_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    awaits_rectification(status) && now > due_at
}

/// What is done to a finding after it was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingAction {
    /// The responsible person reports the rectification.
    Rectify,
    /// A supervisor confirms it.
    Verify,
    /// A supervisor finds it wanting.
    Reopen,
    /// A supervisor reminds the responsible person (INSP-3's 说服劝阻).
    Remind,
}

impl FindingAction {
    fn name(self) -> &'static str {
        match self {
            FindingAction::Rectify => "rectified",
            FindingAction::Verify => "verified",
            FindingAction::Reopen => "reopened",
            FindingAction::Remind => "reminded about",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a finding that is {} cannot be {} (INSP-2)", .status.as_str(), .action.name())]
pub struct ActionRefused {
    pub status: FindingStatus,
    pub action: FindingAction,
}

/// INSP-2: the status after `action`: open/reopened → rectified → verified, or reopened;
/// reminders only while the finding awaits rectification.
pub fn next_status(
    status: FindingStatus,
    action: FindingAction,
) -> Result<FindingStatus, ActionRefused> {
    use FindingAction::*;
    use FindingStatus::*;
    match (status, action) {
        (Open | Reopened, Rectify) => Ok(Rectified),
        (Rectified, Verify) => Ok(Verified),
        (Rectified, Reopen) => Ok(Reopened),
        (Open | Reopened, Remind) => Ok(status),
        _ => Err(ActionRefused { status, action }),
    }
}

/// What INSP-3 reads of a finding to decide on its escalation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationFacts {
    pub status: FindingStatus,
    pub due_at: OffsetDateTime,
    pub reminders: u32,
    /// The accountability case it was already escalated into.
    pub case_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EscalationRefused {
    /// Escalation happens once.
    #[error("the finding was already escalated into accountability case {0}")]
    AlreadyEscalated(String),
    #[error("the finding is {}: only an unrectified finding is escalated (INSP-3)", .0.as_str())]
    NotUnrectified(FindingStatus),
    #[error("the finding is not overdue: its deadline has not passed (INSP-3)")]
    NotOverdue,
    #[error(
        "persuasion comes first: {needed} reminder(s) must be on record before escalation, {recorded} are (INSP-3)"
    )]
    TooFewReminders { needed: u32, recorded: u32 },
}

/// INSP-3: a finding is escalated into an accountability case against the responsible person
/// when it is still unrectified after its deadline and the reminders the policy asks for
/// (经说服劝阻无效) are on record; at most once.
pub fn may_escalate(
    facts: &EscalationFacts,
    now: OffsetDateTime,
    policy: &InspectionPolicy,
) -> Result<(), EscalationRefused> {
    if let Some(case) = &facts.case_id {
        return Err(EscalationRefused::AlreadyEscalated(case.clone()));
    }
    if !awaits_rectification(facts.status) {
        return Err(EscalationRefused::NotUnrectified(facts.status));
    }
    if !is_overdue(facts.status, facts.due_at, now) {
        return Err(EscalationRefused::NotOverdue);
    }
    if facts.reminders < policy.reminders_before_escalation {
        return Err(EscalationRefused::TooFewReminders {
            needed: policy.reminders_before_escalation,
            recorded: facts.reminders,
        });
    }
    Ok(())
}

/// INSP-4: the on-time rectification rate of the findings due in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnTimeRate {
    /// Rectified at or before the deadline.
    pub on_time: u64,
    /// Rectified after the deadline.
    pub late: u64,
    /// Not rectified, and the deadline has passed: counts as not on time.
    pub unrectified: u64,
    /// Not rectified, the deadline still ahead: not counted yet.
    pub pending: u64,
    /// on_time ÷ (on_time + late + unrectified) in basis points (9950 = 99.50 %), rounded
    /// down; `null` when nothing is counted.
    pub rate_bp: Option<u64>,
}

/// INSP-4: the on-time rate of findings given as (deadline, rectified at), read at `now`.
pub fn on_time_rate(
    findings: impl IntoIterator<Item = (OffsetDateTime, Option<OffsetDateTime>)>,
    now: OffsetDateTime,
) -> OnTimeRate {
    let mut rate = OnTimeRate::default();
    for (due_at, rectified_at) in findings {
        match rectified_at {
            Some(at) if at <= due_at => rate.on_time += 1,
            Some(_) => rate.late += 1,
            None if now > due_at => rate.unrectified += 1,
            None => rate.pending += 1,
        }
    }
    let counted = rate.on_time + rate.late + rate.unrectified;
    rate.rate_bp = (counted > 0).then(|| rate.on_time * 10_000 / counted);
    rate
}

/// INSP-4: one cell of the scope × severity table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeSeverityCount {
    pub scope: InspectionScope,
    pub severity: FindingSeverity,
    pub findings: u64,
}

/// INSP-4: the findings counted by scope and severity — every one of the 5 × 3 cells, zeros
/// included, scopes in 第三条's order and severities from minor to serious.
pub fn count_by_scope_and_severity(
    findings: impl IntoIterator<Item = (InspectionScope, FindingSeverity)>,
) -> Vec<ScopeSeverityCount> {
    let mut cells: Vec<ScopeSeverityCount> = InspectionScope::ALL
        .iter()
        .flat_map(|&scope| {
            FindingSeverity::ALL
                .iter()
                .map(move |&severity| ScopeSeverityCount {
                    scope,
                    severity,
                    findings: 0,
                })
        })
        .collect();
    for (scope, severity) in findings {
        if let Some(cell) = cells
            .iter_mut()
            .find(|c| c.scope == scope && c.severity == severity)
        {
            cell.findings += 1;
        }
    }
    cells
}

/// INSP-4: the points, given as (id, day registered), that were due an inspection in the
/// month ending `month_last_day` (registered by then) and had none: every point is inspected
/// at least once a month.
pub fn points_not_inspected<'a>(
    points: &'a [(String, Date)],
    inspected: &BTreeSet<String>,
    month_last_day: Date,
) -> Vec<&'a str> {
    points
        .iter()
        .filter(|(id, registered_on)| *registered_on <= month_last_day && !inspected.contains(id))
        .map(|(id, _)| id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::official_2026;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn deadline(found_on: Date, severity: FindingSeverity) -> OffsetDateTime {
        rectification_deadline(
            &official_2026(),
            found_on,
            severity,
            &InspectionPolicy::default(),
        )
        .unwrap()
        .value
    }

    #[test]
    fn insp_2_serious_finding_is_due_the_same_day_at_235959_shanghai() {
        let due = deadline(date!(2026 - 12 - 07), FindingSeverity::Serious);
        assert_eq!(due, datetime!(2026-12-07 23:59:59 +08:00));
        assert!(!is_overdue(FindingStatus::Open, due, due));
        assert!(is_overdue(
            FindingStatus::Open,
            due,
            datetime!(2026-12-08 00:00:00 +08:00)
        ));
        // Found on a Saturday, still the same day: rectification is immediate.
        assert_eq!(
            deadline(date!(2026 - 12 - 12), FindingSeverity::Serious),
            datetime!(2026-12-12 23:59:59 +08:00)
        );
    }

    #[test]
    fn insp_2_major_finding_has_one_working_day_skipping_weekends_and_holidays() {
        // Monday → Tuesday.
        assert_eq!(
            deadline(date!(2026 - 12 - 07), FindingSeverity::Major),
            datetime!(2026-12-08 23:59:59 +08:00)
        );
        // Friday → Monday.
        assert_eq!(
            deadline(date!(2026 - 12 - 11), FindingSeverity::Major),
            datetime!(2026-12-14 23:59:59 +08:00)
        );
        // 2026-09-30 (Wednesday) → the National Day holiday (10-01..10-07) → Thursday 10-08.
        assert_eq!(
            deadline(date!(2026 - 09 - 30), FindingSeverity::Major),
            datetime!(2026-10-08 23:59:59 +08:00)
        );
    }

    #[test]
    fn insp_2_minor_finding_has_three_working_days() {
        // Wednesday → Thursday, Friday, Monday.
        assert_eq!(
            deadline(date!(2026 - 12 - 09), FindingSeverity::Minor),
            datetime!(2026-12-14 23:59:59 +08:00)
        );
        assert_eq!(
            deadline(date!(2026 - 12 - 07), FindingSeverity::Minor),
            datetime!(2026-12-10 23:59:59 +08:00)
        );
    }

    #[test]
    fn insp_2_status_moves_open_rectified_verified_or_reopened() {
        use FindingAction::*;
        use FindingStatus::*;
        assert_eq!(next_status(Open, Rectify), Ok(Rectified));
        assert_eq!(next_status(Rectified, Verify), Ok(Verified));
        assert_eq!(next_status(Rectified, Reopen), Ok(Reopened));
        assert_eq!(next_status(Reopened, Rectify), Ok(Rectified));
        assert_eq!(next_status(Open, Remind), Ok(Open));
        assert_eq!(next_status(Reopened, Remind), Ok(Reopened));
        for (status, action) in [
            (Open, Verify),
            (Open, Reopen),
            (Rectified, Rectify),
            (Rectified, Remind),
            (Verified, Reopen),
            (Verified, Rectify),
            (Verified, Remind),
            (Reopened, Verify),
        ] {
            let refused = next_status(status, action).unwrap_err();
            assert!(refused.to_string().contains("INSP-2"), "{refused}");
        }
        assert!(!awaits_rectification(Rectified) && !awaits_rectification(Verified));
        assert!(!is_overdue(
            Rectified,
            datetime!(2026-01-01 0:00 UTC),
            datetime!(2026-12-01 0:00 UTC)
        ));
    }

    #[test]
    fn insp_3_escalation_needs_a_reminder_and_a_passed_deadline_once() {
        let policy = InspectionPolicy::default();
        let due = datetime!(2026-12-07 23:59:59 +08:00);
        let after = datetime!(2026-12-08 00:00:00 +08:00);
        let facts = EscalationFacts {
            status: FindingStatus::Open,
            due_at: due,
            reminders: 1,
            case_id: None,
        };
        assert_eq!(may_escalate(&facts, after, &policy), Ok(()));
        assert_eq!(
            may_escalate(&facts, due, &policy),
            Err(EscalationRefused::NotOverdue)
        );
        let unreminded = EscalationFacts {
            reminders: 0,
            ..facts.clone()
        };
        assert_eq!(
            may_escalate(&unreminded, after, &policy),
            Err(EscalationRefused::TooFewReminders {
                needed: 1,
                recorded: 0
            })
        );
        let rectified = EscalationFacts {
            status: FindingStatus::Rectified,
            ..facts.clone()
        };
        assert_eq!(
            may_escalate(&rectified, after, &policy),
            Err(EscalationRefused::NotUnrectified(FindingStatus::Rectified))
        );
        let reopened = EscalationFacts {
            status: FindingStatus::Reopened,
            ..facts.clone()
        };
        assert_eq!(may_escalate(&reopened, after, &policy), Ok(()));
        let escalated = EscalationFacts {
            case_id: Some("case-1".into()),
            ..facts
        };
        assert_eq!(
            may_escalate(&escalated, after, &policy),
            Err(EscalationRefused::AlreadyEscalated("case-1".into()))
        );
    }

    #[test]
    fn insp_4_on_time_rate_counts_unrectified_past_deadline_as_late_and_leaves_pending_out() {
        let due = datetime!(2026-12-07 23:59:59 +08:00);
        let now = datetime!(2026-12-20 12:00 +08:00);
        let rate = on_time_rate(
            [
                (due, Some(due)),
                (due, Some(datetime!(2026-12-07 10:00 +08:00))),
                (due, Some(datetime!(2026-12-08 00:00 +08:00))),
                (due, None),
                (datetime!(2026-12-31 23:59:59 +08:00), None),
            ],
            now,
        );
        assert_eq!(
            rate,
            OnTimeRate {
                on_time: 2,
                late: 1,
                unrectified: 1,
                pending: 1,
                rate_bp: Some(5000),
            }
        );
        assert_eq!(on_time_rate([], now).rate_bp, None);
        let thirds = on_time_rate([(due, Some(due)), (due, Some(due)), (due, None)], now);
        assert_eq!(thirds.rate_bp, Some(6666), "rounded down");
    }

    #[test]
    fn insp_4_counts_every_scope_and_severity_cell() {
        use FindingSeverity::*;
        use InspectionScope::*;
        let cells = count_by_scope_and_severity([
            (DailyWork, Major),
            (DailyWork, Major),
            (StaffTraining, Serious),
        ]);
        assert_eq!(cells.len(), 15);
        assert_eq!(
            (cells[0].scope, cells[0].severity),
            (PolicyCompliance, Minor)
        );
        let count = |scope, severity| {
            cells
                .iter()
                .find(|c| c.scope == scope && c.severity == severity)
                .unwrap()
                .findings
        };
        assert_eq!(count(DailyWork, Major), 2);
        assert_eq!(count(StaffTraining, Serious), 1);
        assert_eq!(count(OnSiteService, Minor), 0);
        assert_eq!(cells.iter().map(|c| c.findings).sum::<u64>(), 3);
    }

    #[test]
    fn insp_4_lists_points_not_inspected_in_the_month() {
        let points = vec![
            ("hall".to_owned(), date!(2026 - 11 - 01)),
            ("area".to_owned(), date!(2026 - 11 - 15)),
            ("later".to_owned(), date!(2026 - 12 - 01)),
        ];
        let inspected: BTreeSet<String> = ["hall".to_owned()].into();
        assert_eq!(
            points_not_inspected(&points, &inspected, date!(2026 - 11 - 30)),
            vec!["area"]
        );
        assert_eq!(
            points_not_inspected(&points, &BTreeSet::new(), date!(2026 - 12 - 31)),
            vec!["hall", "area", "later"]
        );
    }

    #[test]
    fn insp_1_point_references_fit_the_kind() {
        use ServicePointKind::*;
        assert_eq!(point_reference_problem(BusinessHall, false, false), None);
        assert_eq!(point_reference_problem(BusinessHall, false, true), None);
        assert_eq!(
            point_reference_problem(BusinessHall, true, false).map(|p| p.0),
            Some("service_area_id")
        );
        assert_eq!(point_reference_problem(ServiceArea, true, false), None);
        assert_eq!(
            point_reference_problem(ServiceArea, false, false).map(|p| p.0),
            Some("service_area_id")
        );
        assert_eq!(
            point_reference_problem(ServiceArea, true, true).map(|p| p.0),
            Some("department_id")
        );
        assert_eq!(point_reference_problem(Department, false, true), None);
        assert_eq!(
            point_reference_problem(Department, false, false).map(|p| p.0),
            Some("department_id")
        );
    }

    #[test]
    fn insp_1_2_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&ServicePointKind::ALL, ServicePointKind::as_str);
        assert_serde_names_match(&ServicePointKind::ALL, ServicePointKind::as_str);
        assert_round_trips(&InspectionScope::ALL, InspectionScope::as_str);
        assert_serde_names_match(&InspectionScope::ALL, InspectionScope::as_str);
        assert_round_trips(&FindingSeverity::ALL, FindingSeverity::as_str);
        assert_serde_names_match(&FindingSeverity::ALL, FindingSeverity::as_str);
        assert_eq!(
            FindingSeverity::ALL.map(FindingSeverity::as_str),
            ["minor", "major", "serious"]
        );
        assert_round_trips(&FindingStatus::ALL, FindingStatus::as_str);
        assert_serde_names_match(&FindingStatus::ALL, FindingStatus::as_str);
        assert_eq!(
            FindingStatus::ALL.map(FindingStatus::as_str),
            ["open", "rectified", "verified", "reopened"]
        );
        assert!("huge".parse::<FindingSeverity>().is_err());
    }

    proptest! {
        #[test]
        fn insp_2_deadline_is_never_before_the_day_found_and_grows_with_severity(
            days in 0i64..3000,
        ) {
            let found_on = date!(2020 - 01 - 01) + time::Duration::days(days);
            let start = end_of_local_day(found_on);
            let calendar = official_2026();
            let policy = InspectionPolicy::default();
            let due = |severity| {
                rectification_deadline(&calendar, found_on, severity, &policy)
                    .unwrap()
                    .value
            };
            prop_assert_eq!(due(FindingSeverity::Serious), start);
            prop_assert!(due(FindingSeverity::Major) > due(FindingSeverity::Serious));
            prop_assert!(due(FindingSeverity::Minor) > due(FindingSeverity::Major));
        }
    }
}
