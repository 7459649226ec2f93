//! SLA — service-desk deadlines (限时办结), first responder (首问负责), return visits (客户回访),
//! service-area loads and monthly KPIs.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::calendar::{BusinessCalendar, CalendarError, OnCalendar, clock_hours_deadline};
use crate::customer::AreaType;
use crate::policy::PolicyProblem;
use crate::refusal::Refusal;
use crate::text_enum::text_enum;
use crate::tier::Tier;

text_enum! {
    /// The kinds of work order and their targets (the SLA table of RULES.md).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum WorkOrderKind {
        /// 一般故障
        GeneralFault = "general_fault",
        /// 重大故障
        MajorFault = "major_fault",
        /// 业务安装开通
        Installation = "installation",
        /// 业务恢复
        Restoration = "restoration",
        /// 投诉答复
        Complaint = "complaint",
    }
}

/// How a target is counted (CAL-4).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "amount", rename_all = "snake_case")]
pub enum Target {
    ClockHours(u32),
    WorkingDays(u32),
}

/// The SLA policy parameters (the `sla` policy area); `Default` holds the values of RULES.md.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    pub general_fault: Target,
    pub major_fault: Target,
    pub installation_urban: Target,
    pub installation_rural: Target,
    pub restoration: Target,
    pub complaint: Target,
    /// SLA-6: hours after resolution by which the return visit is due.
    pub return_visit_hours: u32,
    /// SLA-9: an order counts as answered in time when first answered within these hours.
    pub reply_within_hours: u32,
    /// SLA-8: households one maintainer carries at standard load.
    pub standard_households_urban: u64,
    pub standard_households_rural: u64,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy {
            general_fault: Target::ClockHours(24),
            major_fault: Target::ClockHours(48),
            installation_urban: Target::WorkingDays(5),
            installation_rural: Target::WorkingDays(10),
            restoration: Target::WorkingDays(5),
            complaint: Target::WorkingDays(3),
            return_visit_hours: 72,
            reply_within_hours: 24,
            standard_households_urban: 4_500,
            standard_households_rural: 2_000,
        }
    }
}

/// Issue 18: why an SLA policy cannot stand: every target, window and standard load must be at
/// least 1 (a zero target would make every order late the moment its clock starts).
pub fn sla_policy_problems(policy: &SlaPolicy) -> Vec<PolicyProblem> {
    let mut problems = Vec::new();
    for (field, target) in [
        ("general_fault", policy.general_fault),
        ("major_fault", policy.major_fault),
        ("installation_urban", policy.installation_urban),
        ("installation_rural", policy.installation_rural),
        ("restoration", policy.restoration),
        ("complaint", policy.complaint),
    ] {
        let (Target::ClockHours(amount) | Target::WorkingDays(amount)) = target;
        if amount == 0 {
            problems.push(PolicyProblem::new(
                format!("{field}.amount"),
                "must be at least 1",
            ));
        }
    }
    for (field, value) in [
        ("return_visit_hours", u64::from(policy.return_visit_hours)),
        ("reply_within_hours", u64::from(policy.reply_within_hours)),
        (
            "standard_households_urban",
            policy.standard_households_urban,
        ),
        (
            "standard_households_rural",
            policy.standard_households_rural,
        ),
    ] {
        if value == 0 {
            problems.push(PolicyProblem::new(field, "must be at least 1"));
        }
    }
    problems
}

impl SlaPolicy {
    /// The SLA table: the target of `kind`; installations by the customer's area type.
    pub fn target(&self, kind: WorkOrderKind, area_type: AreaType) -> Target {
        match (kind, area_type) {
            (WorkOrderKind::GeneralFault, _) => self.general_fault,
            (WorkOrderKind::MajorFault, _) => self.major_fault,
            (WorkOrderKind::Installation, AreaType::Urban) => self.installation_urban,
            (WorkOrderKind::Installation, AreaType::Rural) => self.installation_rural,
            (WorkOrderKind::Restoration, _) => self.restoration,
            (WorkOrderKind::Complaint, _) => self.complaint,
        }
    }
}

/// The SLA table with CAL-4: the deadline of a work order whose clock started at `clock_start`.
pub fn work_order_deadline(
    kind: WorkOrderKind,
    area_type: AreaType,
    clock_start: OffsetDateTime,
    calendar: &BusinessCalendar,
    policy: &SlaPolicy,
) -> Result<OnCalendar<OffsetDateTime>, CalendarError> {
    match policy.target(kind, area_type) {
        Target::ClockHours(hours) => Ok(OnCalendar {
            value: clock_hours_deadline(clock_start, hours),
            provisional: false,
        }),
        Target::WorkingDays(days) => calendar.working_days_deadline(clock_start, days),
    }
}

/// SLA-1: every required item not provided, in the order required, each once (一次性告知).
pub fn missing_materials(required: &[String], provided: &[String]) -> Vec<String> {
    let provided: BTreeSet<&str> = provided.iter().map(|p| p.trim()).collect();
    let mut seen = BTreeSet::new();
    required
        .iter()
        .map(|r| r.trim())
        .filter(|r| !provided.contains(r) && seen.insert(*r))
        .map(str::to_owned)
        .collect()
}

/// SLA-1: the clock runs only once the materials are complete and, for an installation, the
/// network build in the area is complete.
pub fn clock_may_start(kind: WorkOrderKind, materials_missing: usize, network_ready: bool) -> bool {
    materials_missing == 0 && (kind != WorkOrderKind::Installation || network_ready)
}

/// SLA-4 (急事急办): complaints flagged major and orders of tier-A customers are urgent.
pub fn is_urgent(kind: WorkOrderKind, flagged_major: bool, customer_tier: Option<Tier>) -> bool {
    (kind == WorkOrderKind::Complaint && flagged_major) || customer_tier == Some(Tier::A)
}

/// SLA-4: every urgent order's queue key sorts before this one and every other order's at or
/// after it, so "urgent only" and "not urgent" are ranges of any index ending in the key.
pub const FIRST_NOT_URGENT_QUEUE_KEY: &str = "1";

/// SLA-4, SLA-5: the key that orders every queue: urgent orders first, then by deadline
/// (orders without one, still waiting for materials, last), then by id. Comparing two keys as
/// strings compares the orders.
pub fn queue_key(urgent: bool, due_at: Option<OffsetDateTime>, id: &str) -> String {
    let urgency = if urgent {
        "0"
    } else {
        FIRST_NOT_URGENT_QUEUE_KEY
    };
    let due = due_at.map_or_else(
        || "~".repeat(20),
        |due| format!("{:020}", due.unix_timestamp() - i64::from(i32::MIN)),
    );
    format!("{urgency}{due}{id}")
}

/// SLA-5: an order still open at its deadline is breached.
pub fn is_breached(
    due_at: Option<OffsetDateTime>,
    resolved_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> bool {
    match (due_at, resolved_at) {
        (Some(due), None) => now > due,
        (Some(due), Some(resolved)) => resolved > due,
        (None, _) => false,
    }
}

text_enum! {
    /// Where a work order stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum WorkOrderStatus {
        /// SLA-1: materials are missing; no deadline yet.
        AwaitingMaterials = "awaiting_materials",
        /// SLA-1: an installation waiting for the network build; no deadline yet.
        AwaitingNetwork = "awaiting_network",
        /// The clock runs.
        Open = "open",
        Resolved = "resolved",
        /// SLA-2: closed as met because the customer could not be reached.
        DeemedMet = "deemed_met",
    }
}

impl WorkOrderStatus {
    /// Resolved or deemed met: no hand-over, contact attempt or SLA-2 closing any more.
    pub fn is_closed(self) -> bool {
        matches!(self, WorkOrderStatus::Resolved | WorkOrderStatus::DeemedMet)
    }
}

/// SLA-1: the status of an order whose readiness is checked: open once its clock may start,
/// otherwise what it still waits for, the materials before the network.
pub fn readiness_status(
    kind: WorkOrderKind,
    materials_missing: usize,
    network_ready: bool,
) -> WorkOrderStatus {
    if clock_may_start(kind, materials_missing, network_ready) {
        WorkOrderStatus::Open
    } else if materials_missing == 0 {
        WorkOrderStatus::AwaitingNetwork
    } else {
        WorkOrderStatus::AwaitingMaterials
    }
}

text_enum! {
    /// SLA-3: where an extension request stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ExtensionStatus {
        /// Asked for; the clock keeps running meanwhile.
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}

/// SLA-3: only an open order's running clock can be extended; the deadline in force.
pub fn deadline_to_extend(
    status: WorkOrderStatus,
    due_at: Option<OffsetDateTime>,
) -> Result<OffsetDateTime, Refusal> {
    due_at
        .filter(|_| status == WorkOrderStatus::Open)
        .ok_or_else(|| {
            Refusal::new(
                "SLA-3",
                "only an open order with a running clock can be extended",
            )
        })
}

/// SLA-3: an extension asks for a deadline later than the one in force.
pub fn check_extension_deadline(
    current: OffsetDateTime,
    requested: OffsetDateTime,
) -> Result<(), Refusal> {
    if requested <= current {
        return Err(Refusal::new(
            "SLA-3",
            "must be later than the current deadline",
        ));
    }
    Ok(())
}

/// SLA-3: what deciding an extension does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtensionDecision {
    pub status: ExtensionStatus,
    /// The order's new deadline; `None` leaves it as it is.
    pub new_deadline: Option<OffsetDateTime>,
}

/// SLA-3: the customer-service-center manager decides a pending extension once. An approval
/// sets the requested deadline on an order still open; a rejection, or an order closed
/// meanwhile, keeps the deadline. Until the decision the clock keeps running.
pub fn decide_extension(
    extension: ExtensionStatus,
    order: WorkOrderStatus,
    requested_due_at: OffsetDateTime,
    approved: bool,
) -> Result<ExtensionDecision, Refusal> {
    if extension != ExtensionStatus::Pending {
        return Err(Refusal::new("SLA-3", format!("was already {extension}")));
    }
    Ok(if approved {
        ExtensionDecision {
            status: ExtensionStatus::Approved,
            new_deadline: (order == WorkOrderStatus::Open).then_some(requested_due_at),
        }
    } else {
        ExtensionDecision {
            status: ExtensionStatus::Rejected,
            new_deadline: None,
        }
    })
}

text_enum! {
    /// Rank in the company, for SLA-7 and complaint routing (CMP); lowest first, so ranks
    /// compare by seniority.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Rank {
        Staff = "staff",
        Manager = "manager",
        GeneralManager = "general_manager",
    }
}

/// SLA-7 (首问负责): of the staff who received the request together, the highest ranked is the
/// first responder; among equals, the one listed first. `None` when nobody is listed.
pub fn first_responder<Id: Clone>(received_by: &[(Id, Rank)]) -> Option<Id> {
    received_by
        .iter()
        .enumerate()
        .max_by(|(ia, (_, ra)), (ib, (_, rb))| ra.cmp(rb).then(ib.cmp(ia)))
        .map(|(_, (id, _))| id.clone())
}

/// SLA-7: who answers for a work order, and who works on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsibility<Id> {
    /// The highest-ranked receiver; it never changes.
    pub first_responder: Id,
    /// Accountable: the first responder until the owning department accepts the order.
    pub accountable: Id,
    pub assignee: Id,
}

/// SLA-7: a new order is the first responder's, who is accountable and works on it. `None`
/// when nobody is listed.
pub fn responsibility_at_opening<Id: Clone>(
    received_by: &[(Id, Rank)],
) -> Option<Responsibility<Id>> {
    first_responder(received_by).map(|responder| Responsibility {
        first_responder: responder.clone(),
        accountable: responder.clone(),
        assignee: responder,
    })
}

/// SLA-7 (首问负责): a hand-over gives the work to `to`; accountability moves with it only
/// when the owning department accepts the order, otherwise it stays where it was.
pub fn responsibility_after_hand_over<Id: Clone + PartialEq>(
    current: &Responsibility<Id>,
    to: Id,
    accepted_by_owner: bool,
) -> Result<Responsibility<Id>, Refusal> {
    if to == current.assignee {
        return Err(Refusal::new(
            "SLA-7",
            "the order is already assigned to them",
        ));
    }
    Ok(Responsibility {
        first_responder: current.first_responder.clone(),
        accountable: if accepted_by_owner {
            to.clone()
        } else {
            current.accountable.clone()
        },
        assignee: to,
    })
}

text_enum! {
    /// SLA-2: how the customer was tried; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ContactChannel {
        Phone = "phone",
        Visit = "visit",
    }
}

text_enum! {
    /// SLA-6: what a return visit records; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Satisfaction {
        Satisfied = "satisfied",
        Neutral = "neutral",
        Dissatisfied = "dissatisfied",
    }
}

/// SLA-6: the kinds whose resolution calls for a return visit (installations do not).
pub fn needs_return_visit(kind: WorkOrderKind) -> bool {
    kind != WorkOrderKind::Installation
}

/// SLA-6: the return visit is due within 72 hours of resolution.
pub fn return_visit_due(resolved_at: OffsetDateTime, policy: &SlaPolicy) -> OffsetDateTime {
    resolved_at + Duration::hours(i64::from(policy.return_visit_hours))
}

/// SLA-2: an order may be closed as met when the customer could not be reached by phone nor
/// by a visit (**Reading**: at least one recorded failed attempt of each).
pub fn may_deem_met(failed_phone_attempts: usize, failed_visit_attempts: usize) -> bool {
    failed_phone_attempts > 0 && failed_visit_attempts > 0
}

/// SLA-8: whether a maintainer carries more than the standard load, counting each area's
/// households against the standard of its type (4,500 urban, 2,000 rural per person). Exact:
/// compares Σ households / standard with 1 in integers.
pub fn maintainer_overloaded(areas: &[(AreaType, u64)], policy: &SlaPolicy) -> bool {
    let urban = u128::from(policy.standard_households_urban.max(1));
    let rural = u128::from(policy.standard_households_rural.max(1));
    let scaled: u128 = areas
        .iter()
        .map(|(area_type, households)| {
            let households = u128::from(*households);
            match area_type {
                AreaType::Urban => households * rural,
                AreaType::Rural => households * urban,
            }
        })
        .sum();
    scaled > urban * rural
}

/// One SLA-9 KPI: the ratio as numerator/denominator, and whether it passes. A month without
/// any denominator (no households, orders or visits) has no value and no verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Kpi {
    pub numerator: u64,
    pub denominator: u64,
    pub passed: Option<bool>,
}

/// SLA-9: complaints ÷ households, passing below 0.0015 % (15 per million).
pub fn complaint_rate_kpi(complaints: u64, households: u64) -> Kpi {
    let passed =
        (households > 0).then(|| u128::from(complaints) * 1_000_000 < 15 * u128::from(households));
    Kpi {
        numerator: complaints,
        denominator: households,
        passed,
    }
}

/// SLA-9: orders first answered within 24 hours ÷ orders, passing only at 100 %.
pub fn reply_rate_kpi(answered_within_24h: u64, orders: u64) -> Kpi {
    Kpi {
        numerator: answered_within_24h,
        denominator: orders,
        passed: (orders > 0).then_some(answered_within_24h >= orders),
    }
}

/// SLA-9: satisfied visits ÷ visits, passing above 99 %.
pub fn satisfaction_kpi(satisfied: u64, visits: u64) -> Kpi {
    Kpi {
        numerator: satisfied,
        denominator: visits,
        passed: (visits > 0).then(|| u128::from(satisfied) * 100 > 99 * u128::from(visits)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{ScheduleDay, validate_year_schedule};
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_default_sla_policy_stands_and_a_zero_target_is_refused() {
        assert!(sla_policy_problems(&SlaPolicy::default()).is_empty());
        let policy = SlaPolicy {
            general_fault: Target::ClockHours(0),
            standard_households_rural: 0,
            ..SlaPolicy::default()
        };
        let fields: Vec<String> = sla_policy_problems(&policy)
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            ["general_fault.amount", "standard_households_rural"]
        );
        let written = serde_json::to_value(SlaPolicy::default()).unwrap();
        assert_eq!(
            written["general_fault"],
            serde_json::json!({"unit": "clock_hours", "amount": 24})
        );
        let read: SlaPolicy = serde_json::from_value(written).unwrap();
        assert_eq!(read, SlaPolicy::default());
    }

    /// National Day 2026 as published: 1–7 October off, Saturday 10 October worked.
    fn calendar_2026() -> BusinessCalendar {
        let mut days: Vec<ScheduleDay> = (1..=7)
            .map(|d| ScheduleDay {
                date: date!(2026 - 10 - 01).replace_day(d).unwrap(),
                name: "国庆节".into(),
                is_off_day: true,
            })
            .collect();
        days.push(ScheduleDay {
            date: date!(2026 - 10 - 10),
            name: "国庆节".into(),
            is_off_day: false,
        });
        BusinessCalendar::new([validate_year_schedule(2026, 2026, days).unwrap()])
    }

    fn deadline(
        kind: WorkOrderKind,
        area: AreaType,
        start: OffsetDateTime,
    ) -> OnCalendar<OffsetDateTime> {
        work_order_deadline(kind, area, start, &calendar_2026(), &SlaPolicy::default()).unwrap()
    }

    #[test]
    fn sla_table_fault_targets_are_clock_hours_through_holidays() {
        let start = datetime!(2026-09-30 18:00 +8);
        assert_eq!(
            deadline(WorkOrderKind::GeneralFault, AreaType::Urban, start).value,
            datetime!(2026-10-01 18:00 +8)
        );
        assert_eq!(
            deadline(WorkOrderKind::MajorFault, AreaType::Rural, start).value,
            datetime!(2026-10-02 18:00 +8)
        );
    }

    #[test]
    fn sla_table_a_start_just_before_a_long_holiday() {
        // Wednesday 30 September 2026, 23:59:59: 1–7 October are off, so the working days run
        // Thursday 8, Friday 9, Saturday 10 (make-up), Monday 12, Tuesday 13.
        let start = datetime!(2026-09-30 23:59:59 +8);
        assert_eq!(
            deadline(WorkOrderKind::Installation, AreaType::Urban, start).value,
            datetime!(2026-10-13 23:59:59 +8)
        );
        assert_eq!(
            deadline(WorkOrderKind::Restoration, AreaType::Urban, start).value,
            datetime!(2026-10-13 23:59:59 +8)
        );
        assert_eq!(
            deadline(WorkOrderKind::Complaint, AreaType::Urban, start).value,
            datetime!(2026-10-10 23:59:59 +8)
        );
        // Rural: ten working days, to Tuesday 20 October.
        assert_eq!(
            deadline(WorkOrderKind::Installation, AreaType::Rural, start).value,
            datetime!(2026-10-20 23:59:59 +8)
        );
    }

    #[test]
    fn sla_table_a_start_at_the_last_second_counts_that_day_as_the_start_date() {
        // 23:59:59 on Friday 9 October: the next working day is the make-up Saturday 10.
        let due = deadline(
            WorkOrderKind::Complaint,
            AreaType::Urban,
            datetime!(2026-10-09 23:59:59 +8),
        );
        assert_eq!(due.value, datetime!(2026-10-13 23:59:59 +8));
        // One second later it is Saturday 10 October; Monday 12 is the first working day after.
        let due = deadline(
            WorkOrderKind::Complaint,
            AreaType::Urban,
            datetime!(2026-10-10 00:00:00 +8),
        );
        assert_eq!(due.value, datetime!(2026-10-14 23:59:59 +8));
    }

    #[test]
    fn sla_table_a_year_without_schedule_is_provisional() {
        let due = deadline(
            WorkOrderKind::Complaint,
            AreaType::Urban,
            datetime!(2027-03-01 09:00 +8),
        );
        assert_eq!(due.value, datetime!(2027-03-04 23:59:59 +8));
        assert!(due.provisional);
        assert!(
            !deadline(
                WorkOrderKind::GeneralFault,
                AreaType::Urban,
                datetime!(2027-03-01 09:00 +8)
            )
            .provisional
        );
    }

    #[test]
    fn sla_1_lists_every_missing_item_once() {
        let required = ["身份证复印件", "申请表", "房产证明", "申请表"].map(String::from);
        let provided = ["申请表"].map(String::from);
        assert_eq!(
            missing_materials(&required, &provided),
            ["身份证复印件", "房产证明"]
        );
        assert!(missing_materials(&required, &required).is_empty());
    }

    #[test]
    fn sla_1_installation_waits_for_the_network() {
        assert!(!clock_may_start(WorkOrderKind::Installation, 0, false));
        assert!(clock_may_start(WorkOrderKind::Installation, 0, true));
        assert!(clock_may_start(WorkOrderKind::GeneralFault, 0, false));
        assert!(!clock_may_start(WorkOrderKind::GeneralFault, 1, true));
    }

    #[test]
    fn sla_2_needs_both_a_phone_and_a_visit_attempt() {
        assert!(!may_deem_met(2, 0));
        assert!(!may_deem_met(0, 1));
        assert!(may_deem_met(1, 1));
    }

    #[test]
    fn sla_4_urgency() {
        assert!(is_urgent(WorkOrderKind::Complaint, true, None));
        assert!(!is_urgent(WorkOrderKind::Complaint, false, Some(Tier::B)));
        assert!(!is_urgent(WorkOrderKind::GeneralFault, true, Some(Tier::B)));
        assert!(is_urgent(WorkOrderKind::Installation, false, Some(Tier::A)));
    }

    #[test]
    fn sla_4_queue_order_urgent_first_then_due_time_then_none() {
        let early = Some(datetime!(2026-10-08 09:00 +8));
        let late = Some(datetime!(2026-10-09 09:00 +8));
        let mut keys = [
            queue_key(false, None, "a"),
            queue_key(false, late, "b"),
            queue_key(true, late, "c"),
            queue_key(false, early, "d"),
            queue_key(true, None, "e"),
            queue_key(true, early, "f"),
        ];
        keys.sort();
        let order: Vec<char> = keys.iter().map(|k| k.chars().last().unwrap()).collect();
        assert_eq!(order, ['f', 'c', 'e', 'd', 'b', 'a']);
    }

    #[test]
    fn sla_5_breach_is_strictly_after_the_deadline() {
        let due = datetime!(2026-10-13 23:59:59 +8);
        assert!(!is_breached(Some(due), None, due));
        assert!(is_breached(Some(due), None, due + Duration::seconds(1)));
        assert!(!is_breached(Some(due), Some(due), due + Duration::days(3)));
        assert!(is_breached(
            Some(due),
            Some(due + Duration::seconds(1)),
            due + Duration::days(3)
        ));
        assert!(
            !is_breached(None, None, due),
            "no deadline while awaiting materials"
        );
    }

    #[test]
    fn sla_6_return_visits_within_72_hours_except_installations() {
        let resolved = datetime!(2026-09-30 10:00 +8);
        assert_eq!(
            return_visit_due(resolved, &SlaPolicy::default()),
            datetime!(2026-10-03 10:00 +8)
        );
        assert!(!needs_return_visit(WorkOrderKind::Installation));
        assert!(needs_return_visit(WorkOrderKind::Complaint));
    }

    #[test]
    fn sla_7_the_highest_rank_is_first_responder_and_the_first_listed_among_equals() {
        let received = [
            ("a", Rank::Staff),
            ("b", Rank::Manager),
            ("c", Rank::Manager),
        ];
        assert_eq!(first_responder(&received), Some("b"));
        let with_gm = [
            ("a", Rank::Staff),
            ("g", Rank::GeneralManager),
            ("b", Rank::Manager),
        ];
        assert_eq!(first_responder(&with_gm), Some("g"));
        assert_eq!(first_responder::<&str>(&[]), None);
    }

    #[test]
    fn sla_7_accountability_moves_only_when_the_owner_accepts() {
        let opened =
            responsibility_at_opening(&[("agent", Rank::Staff), ("boss", Rank::Manager)]).unwrap();
        assert_eq!(
            opened,
            Responsibility {
                first_responder: "boss",
                accountable: "boss",
                assignee: "boss",
            }
        );
        assert_eq!(responsibility_at_opening::<&str>(&[]), None);

        let handed = responsibility_after_hand_over(&opened, "tech", false).unwrap();
        assert_eq!(handed.assignee, "tech");
        assert_eq!(
            handed.accountable, "boss",
            "not accepted: still the first responder's"
        );
        let accepted = responsibility_after_hand_over(&handed, "owner", true).unwrap();
        assert_eq!(accepted.assignee, "owner");
        assert_eq!(accepted.accountable, "owner");
        assert_eq!(accepted.first_responder, "boss");

        let again = responsibility_after_hand_over(&accepted, "owner", true).unwrap_err();
        assert_eq!(again.rule, "SLA-7");
        assert_eq!(again.detail, "the order is already assigned to them");
    }

    #[test]
    fn sla_1_readiness_decides_the_status() {
        assert_eq!(
            readiness_status(WorkOrderKind::GeneralFault, 0, false),
            WorkOrderStatus::Open
        );
        assert_eq!(
            readiness_status(WorkOrderKind::Installation, 0, false),
            WorkOrderStatus::AwaitingNetwork
        );
        assert_eq!(
            readiness_status(WorkOrderKind::Installation, 1, false),
            WorkOrderStatus::AwaitingMaterials
        );
        assert_eq!(
            readiness_status(WorkOrderKind::Complaint, 2, true),
            WorkOrderStatus::AwaitingMaterials
        );
    }

    #[test]
    fn sla_2_closed_orders_are_resolved_or_deemed_met() {
        let closed: Vec<_> = WorkOrderStatus::ALL
            .into_iter()
            .filter(|s| s.is_closed())
            .collect();
        assert_eq!(
            closed,
            [WorkOrderStatus::Resolved, WorkOrderStatus::DeemedMet]
        );
    }

    #[test]
    fn sla_3_only_an_open_order_with_a_deadline_is_extended_to_a_later_one() {
        let due = datetime!(2026-10-13 23:59:59 +8);
        assert_eq!(
            deadline_to_extend(WorkOrderStatus::Open, Some(due)),
            Ok(due)
        );
        for (status, due_at) in [
            (WorkOrderStatus::Open, None),
            (WorkOrderStatus::AwaitingMaterials, None),
            (WorkOrderStatus::Resolved, Some(due)),
            (WorkOrderStatus::DeemedMet, Some(due)),
        ] {
            let refusal = deadline_to_extend(status, due_at).unwrap_err();
            assert_eq!(refusal.rule, "SLA-3");
            assert_eq!(
                refusal.detail,
                "only an open order with a running clock can be extended"
            );
        }
        let same = check_extension_deadline(due, due).unwrap_err();
        assert_eq!(
            same,
            Refusal::new("SLA-3", "must be later than the current deadline")
        );
        assert!(check_extension_deadline(due, due - Duration::seconds(1)).is_err());
        assert_eq!(
            check_extension_deadline(due, due + Duration::seconds(1)),
            Ok(())
        );
    }

    #[test]
    fn sla_3_a_pending_extension_does_not_stop_the_clock_an_approved_one_moves_it() {
        let due = datetime!(2026-10-13 23:59:59 +8);
        let requested = due + Duration::days(2);
        let just_after = due + Duration::seconds(1);
        // Pending: the deadline in force is still `due`, so the order breaches on time.
        assert!(is_breached(Some(due), None, just_after));

        let approved = decide_extension(
            ExtensionStatus::Pending,
            WorkOrderStatus::Open,
            requested,
            true,
        )
        .unwrap();
        assert_eq!(
            approved,
            ExtensionDecision {
                status: ExtensionStatus::Approved,
                new_deadline: Some(requested),
            }
        );
        assert!(!is_breached(approved.new_deadline, None, just_after));
        assert!(is_breached(
            approved.new_deadline,
            None,
            requested + Duration::seconds(1)
        ));

        let rejected = decide_extension(
            ExtensionStatus::Pending,
            WorkOrderStatus::Open,
            requested,
            false,
        )
        .unwrap();
        assert_eq!(rejected.status, ExtensionStatus::Rejected);
        assert_eq!(rejected.new_deadline, None);

        // Resolved meanwhile: the approval is recorded but moves nothing.
        let late = decide_extension(
            ExtensionStatus::Pending,
            WorkOrderStatus::Resolved,
            requested,
            true,
        )
        .unwrap();
        assert_eq!(late.status, ExtensionStatus::Approved);
        assert_eq!(late.new_deadline, None);
    }

    #[test]
    fn sla_3_an_extension_is_decided_once() {
        let requested = datetime!(2026-10-15 23:59:59 +8);
        for decided in [ExtensionStatus::Approved, ExtensionStatus::Rejected] {
            let refusal =
                decide_extension(decided, WorkOrderStatus::Open, requested, true).unwrap_err();
            assert_eq!(refusal.rule, "SLA-3");
            assert_eq!(refusal.detail, format!("was already {}", decided.as_str()));
        }
    }

    #[test]
    fn sla_stored_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&WorkOrderKind::ALL, WorkOrderKind::as_str);
        assert_serde_names_match(&WorkOrderKind::ALL, WorkOrderKind::as_str);
        assert_eq!(
            WorkOrderKind::ALL.map(WorkOrderKind::as_str),
            [
                "general_fault",
                "major_fault",
                "installation",
                "restoration",
                "complaint"
            ]
        );
        assert_round_trips(&WorkOrderStatus::ALL, WorkOrderStatus::as_str);
        assert_serde_names_match(&WorkOrderStatus::ALL, WorkOrderStatus::as_str);
        assert_eq!(
            WorkOrderStatus::ALL.map(WorkOrderStatus::as_str),
            [
                "awaiting_materials",
                "awaiting_network",
                "open",
                "resolved",
                "deemed_met"
            ]
        );
        assert_round_trips(&ExtensionStatus::ALL, ExtensionStatus::as_str);
        assert_serde_names_match(&ExtensionStatus::ALL, ExtensionStatus::as_str);
        assert_round_trips(&ContactChannel::ALL, ContactChannel::as_str);
        assert_serde_names_match(&ContactChannel::ALL, ContactChannel::as_str);
        assert_eq!(
            ContactChannel::ALL.map(ContactChannel::as_str),
            ["phone", "visit"]
        );
        assert_round_trips(&Satisfaction::ALL, Satisfaction::as_str);
        assert_serde_names_match(&Satisfaction::ALL, Satisfaction::as_str);
        assert_eq!(
            Satisfaction::ALL.map(Satisfaction::as_str),
            ["satisfied", "neutral", "dissatisfied"]
        );
        assert_round_trips(&Rank::ALL, Rank::as_str);
        assert_serde_names_match(&Rank::ALL, Rank::as_str);
        assert_eq!(
            Rank::ALL.map(Rank::as_str),
            ["staff", "manager", "general_manager"]
        );
        assert!(Rank::Staff < Rank::Manager && Rank::Manager < Rank::GeneralManager);
    }

    #[test]
    fn sla_8_standard_load_boundaries() {
        let policy = SlaPolicy::default();
        assert!(!maintainer_overloaded(&[(AreaType::Urban, 4_500)], &policy));
        assert!(maintainer_overloaded(&[(AreaType::Urban, 4_501)], &policy));
        assert!(!maintainer_overloaded(&[(AreaType::Rural, 2_000)], &policy));
        assert!(maintainer_overloaded(&[(AreaType::Rural, 2_001)], &policy));
        // Half an urban load and half a rural load is exactly one load.
        assert!(!maintainer_overloaded(
            &[(AreaType::Urban, 2_250), (AreaType::Rural, 1_000)],
            &policy
        ));
        assert!(maintainer_overloaded(
            &[(AreaType::Urban, 2_250), (AreaType::Rural, 1_001)],
            &policy
        ));
    }

    #[test]
    fn sla_9_kpi_thresholds() {
        // 0.0015 %: 15 complaints per million households is not below the bar.
        assert_eq!(complaint_rate_kpi(15, 1_000_000).passed, Some(false));
        assert_eq!(complaint_rate_kpi(14, 1_000_000).passed, Some(true));
        assert_eq!(complaint_rate_kpi(0, 0).passed, None);
        assert_eq!(reply_rate_kpi(99, 100).passed, Some(false));
        assert_eq!(reply_rate_kpi(100, 100).passed, Some(true));
        // Above 99 %: exactly 99 % fails.
        assert_eq!(satisfaction_kpi(99, 100).passed, Some(false));
        assert_eq!(satisfaction_kpi(991, 1000).passed, Some(true));
        assert_eq!(satisfaction_kpi(0, 0).passed, None);
    }

    proptest! {
        #[test]
        fn sla_a_deadline_is_never_before_its_start(
            seconds in 0i64..(3 * 366 * 86_400),
            kind in prop::sample::select(vec![
                WorkOrderKind::GeneralFault, WorkOrderKind::MajorFault, WorkOrderKind::Installation,
                WorkOrderKind::Restoration, WorkOrderKind::Complaint,
            ]),
            rural in any::<bool>(),
        ) {
            let start = datetime!(2025-01-01 00:00 +8) + Duration::seconds(seconds);
            let area = if rural { AreaType::Rural } else { AreaType::Urban };
            let due = work_order_deadline(kind, area, start, &calendar_2026(), &SlaPolicy::default()).unwrap();
            prop_assert!(due.value > start);
        }

        #[test]
        fn sla_4_urgency_splits_the_queue_keys_at_one_point(
            urgent in any::<bool>(),
            seconds in proptest::option::of(-(3 * 366 * 86_400i64)..(3 * 366 * 86_400)),
            id in "[0-9a-f-]{0,36}",
        ) {
            let due = seconds.map(|s| datetime!(2026-01-01 00:00 +8) + Duration::seconds(s));
            let key = queue_key(urgent, due, &id);
            prop_assert_eq!(key.as_str() < FIRST_NOT_URGENT_QUEUE_KEY, urgent);
        }
    }
}
