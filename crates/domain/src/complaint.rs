//! CMP — where a complaint goes (关于投诉), its reply deadline and on-site dispatches.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::calendar::{BusinessCalendar, CalendarError, OnCalendar};
use crate::customer::AreaType;
use crate::money::Money;
use crate::refusal::Refusal;
use crate::sla::{Rank, SlaPolicy, WorkOrderKind, work_order_deadline};
use crate::text_enum::text_enum;

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

/// CMP-1, CMP-2, CMP-3: routing by the accused's rank. `inform_accused` is the customer-service
/// manager's choice and only matters for a complaint about a manager.
pub fn route_complaint(accused: Option<Rank>, inform_accused: bool) -> ComplaintRoute {
    match accused {
        None => ComplaintRoute::CustomerService,
        Some(Rank::Staff) => ComplaintRoute::DepartmentManager,
        Some(Rank::Manager) => ComplaintRoute::Superior { inform_accused },
        Some(Rank::GeneralManager) => ComplaintRoute::ManagersMeeting,
    }
}

impl ComplaintRoute {
    /// The route as stored; `Superior` keeps its `inform_accused` in a column of its own.
    pub fn kind(self) -> ComplaintRouteKind {
        match self {
            ComplaintRoute::CustomerService => ComplaintRouteKind::CustomerService,
            ComplaintRoute::DepartmentManager => ComplaintRouteKind::DepartmentManager,
            ComplaintRoute::Superior { .. } => ComplaintRouteKind::Superior,
            ComplaintRoute::ManagersMeeting => ComplaintRouteKind::ManagersMeeting,
        }
    }

    /// CMP-2: only a complaint about a manager may leave the accused uninformed.
    pub fn informs_accused(self) -> bool {
        match self {
            ComplaintRoute::Superior { inform_accused } => inform_accused,
            _ => true,
        }
    }
}

text_enum! {
    /// Who holds a complaint now (CMP-1, CMP-2, CMP-3); stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ComplaintRouteKind {
        CustomerService = "customer_service",
        /// CMP-1
        DepartmentManager = "department_manager",
        /// CMP-1 after an escalation, CMP-2 from the start.
        Superior = "superior",
        /// CMP-3
        ManagersMeeting = "managers_meeting",
    }
}

text_enum! {
    /// Where a complaint stands; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ComplaintStatus {
        Open = "open",
        /// Its result is recorded and its work order resolved.
        Resolved = "resolved",
    }
}

/// CMP-1: only the department manager a complaint was routed to hands it to customer service.
pub fn may_delegate_to_customer_service(route: ComplaintRouteKind) -> Result<(), Refusal> {
    if route != ComplaintRouteKind::DepartmentManager {
        return Err(Refusal::new(
            "CMP-1",
            "only a department manager hands a complaint to customer service",
        ));
    }
    Ok(())
}

/// CMP-1: where a complaint its handler cannot resolve goes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escalation {
    /// Customer service could not resolve what the manager delegated: the manager must.
    BackToDepartmentManager,
    /// The handling manager could not: their superior must (route `superior`).
    ToHandlersSuperior,
}

/// CMP-1: escalation needs a handling manager on record; customer service gives a delegated
/// complaint back to that manager, a manager passes it up.
pub fn escalation(route: ComplaintRouteKind, has_handler: bool) -> Result<Escalation, Refusal> {
    if !has_handler {
        return Err(Refusal::new(
            "CMP-1",
            "only a complaint with a handling manager escalates to a superior",
        ));
    }
    Ok(if route == ComplaintRouteKind::CustomerService {
        Escalation::BackToDepartmentManager
    } else {
        Escalation::ToHandlersSuperior
    })
}

/// CMP-4: the work order a filed complaint opens. Its kind's SLA target is the reply
/// deadline; it waits for no materials, so its clock starts when the complaint is filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyOrder {
    pub kind: WorkOrderKind,
    pub required_materials: Vec<String>,
    pub network_ready: bool,
    /// SLA-4: a major complaint is urgent.
    pub flagged_major: bool,
}

/// CMP-4: every complaint opens a `complaint` work order.
pub fn complaint_reply_order(flagged_major: bool) -> ReplyOrder {
    ReplyOrder {
        kind: WorkOrderKind::Complaint,
        required_materials: Vec::new(),
        network_ready: false,
        flagged_major,
    }
}

/// CMP-4: the reply is due within the SLA table's `complaint` target (3 working days) of the
/// filing; the customer's area type plays no part.
pub fn complaint_reply_deadline(
    filed_at: OffsetDateTime,
    calendar: &BusinessCalendar,
    policy: &SlaPolicy,
) -> Result<OnCalendar<OffsetDateTime>, CalendarError> {
    work_order_deadline(
        WorkOrderKind::Complaint,
        AreaType::Urban,
        filed_at,
        calendar,
        policy,
    )
}

/// CMP-5: on-site costs are reimbursed against receipts, so a dispatch with expenses must
/// list them.
pub fn check_dispatch_receipts(expenses: Money, receipts: usize) -> Result<(), Refusal> {
    if expenses > Money::ZERO && receipts == 0 {
        return Err(Refusal::new(
            "CMP-5",
            "expenses are reimbursed against receipts: list them",
        ));
    }
    Ok(())
}

/// CMP-5: how far ahead of now a dispatch may be recorded: a visit about to happen, not a plan.
pub const DISPATCH_AHEAD_LIMIT: Duration = Duration::days(1);

/// CMP-5: a dispatch is recorded once made or about to be, at most a day ahead of `now`.
pub fn check_dispatch_time(
    dispatched_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    if dispatched_at > now + DISPATCH_AHEAD_LIMIT {
        return Err(Refusal::new("CMP-5", "is more than a day ahead"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{ScheduleDay, validate_year_schedule};
    use crate::sla::{clock_may_start, is_urgent};
    use crate::text_enum::{assert_round_trips, assert_serde_names_match};
    use time::macros::{date, datetime};

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

    #[test]
    fn cmp_4_a_complaint_opens_a_complaint_order_whose_clock_starts_at_once() {
        let order = complaint_reply_order(false);
        assert_eq!(order.kind, WorkOrderKind::Complaint);
        assert!(clock_may_start(
            order.kind,
            order.required_materials.len(),
            order.network_ready
        ));
        assert!(!is_urgent(order.kind, order.flagged_major, None));
        let major = complaint_reply_order(true);
        assert!(is_urgent(major.kind, major.flagged_major, None));
    }

    #[test]
    fn cmp_4_the_reply_is_due_by_the_end_of_the_third_working_day() {
        let calendar = calendar_2026();
        let policy = SlaPolicy::default();
        // Monday 12 October, 09:00: Tuesday 13, Wednesday 14, Thursday 15.
        let due =
            complaint_reply_deadline(datetime!(2026-10-12 09:00 +8), &calendar, &policy).unwrap();
        assert_eq!(due.value, datetime!(2026-10-15 23:59:59 +8));
        assert!(!due.provisional);
        // Filed on Wednesday 30 September: 1–7 October are off, 10 October is worked.
        let due =
            complaint_reply_deadline(datetime!(2026-09-30 18:00 +8), &calendar, &policy).unwrap();
        assert_eq!(due.value, datetime!(2026-10-10 23:59:59 +8));
        // Friday 16 October, 23:59:59: Monday 19, Tuesday 20, Wednesday 21.
        let due = complaint_reply_deadline(datetime!(2026-10-16 23:59:59 +8), &calendar, &policy)
            .unwrap();
        assert_eq!(due.value, datetime!(2026-10-21 23:59:59 +8));
    }

    #[test]
    fn cmp_5_expenses_need_receipts() {
        assert_eq!(check_dispatch_receipts(Money::ZERO, 0), Ok(()));
        let refusal = check_dispatch_receipts(Money::from_fen(1), 0).unwrap_err();
        assert_eq!(refusal.rule, "CMP-5");
        assert_eq!(
            refusal.detail,
            "expenses are reimbursed against receipts: list them"
        );
        assert_eq!(check_dispatch_receipts(Money::from_fen(1), 1), Ok(()));
    }

    #[test]
    fn cmp_5_a_dispatch_is_recorded_at_most_a_day_ahead() {
        let now = datetime!(2026-10-12 09:00 +8);
        assert_eq!(check_dispatch_time(now - Duration::days(30), now), Ok(()));
        assert_eq!(check_dispatch_time(now + Duration::days(1), now), Ok(()));
        let refusal =
            check_dispatch_time(now + Duration::days(1) + Duration::seconds(1), now).unwrap_err();
        assert_eq!(refusal.detail, "is more than a day ahead");
    }

    #[test]
    fn cmp_1_delegation_and_escalation() {
        assert_eq!(
            may_delegate_to_customer_service(ComplaintRouteKind::DepartmentManager),
            Ok(())
        );
        for route in [
            ComplaintRouteKind::CustomerService,
            ComplaintRouteKind::Superior,
            ComplaintRouteKind::ManagersMeeting,
        ] {
            let refusal = may_delegate_to_customer_service(route).unwrap_err();
            assert_eq!(refusal.rule, "CMP-1");
        }
        assert_eq!(
            escalation(ComplaintRouteKind::CustomerService, true),
            Ok(Escalation::BackToDepartmentManager)
        );
        assert_eq!(
            escalation(ComplaintRouteKind::DepartmentManager, true),
            Ok(Escalation::ToHandlersSuperior)
        );
        assert_eq!(
            escalation(ComplaintRouteKind::Superior, true),
            Ok(Escalation::ToHandlersSuperior)
        );
        let refusal = escalation(ComplaintRouteKind::ManagersMeeting, false).unwrap_err();
        assert_eq!(
            refusal,
            Refusal::new(
                "CMP-1",
                "only a complaint with a handling manager escalates to a superior"
            )
        );
    }

    #[test]
    fn cmp_2_only_a_complaint_about_a_manager_may_leave_the_accused_uninformed() {
        assert!(!route_complaint(Some(Rank::Manager), false).informs_accused());
        assert!(route_complaint(Some(Rank::Staff), false).informs_accused());
        assert!(route_complaint(None, false).informs_accused());
        assert_eq!(
            route_complaint(Some(Rank::Manager), false).kind(),
            ComplaintRouteKind::Superior
        );
        assert_eq!(
            route_complaint(Some(Rank::GeneralManager), true).kind(),
            ComplaintRouteKind::ManagersMeeting
        );
    }

    #[test]
    fn cmp_stored_texts_round_trip() {
        assert_round_trips(&ComplaintRouteKind::ALL, ComplaintRouteKind::as_str);
        assert_serde_names_match(&ComplaintRouteKind::ALL, ComplaintRouteKind::as_str);
        assert_eq!(
            ComplaintRouteKind::ALL.map(ComplaintRouteKind::as_str),
            [
                "customer_service",
                "department_manager",
                "superior",
                "managers_meeting"
            ]
        );
        assert_round_trips(&ComplaintStatus::ALL, ComplaintStatus::as_str);
        assert_serde_names_match(&ComplaintStatus::ALL, ComplaintStatus::as_str);
        assert_eq!(
            ComplaintStatus::ALL.map(ComplaintStatus::as_str),
            ["open", "resolved"]
        );
    }

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
