//! INBOX-1: every decision waiting on the caller, across the kinds decided on their own
//! endpoints, in one list. INBOX-2: while the holder of a chain step is on approved leave, the
//! step waits for the next holder of the same chain (`approvals::acting_holder`).

use std::collections::HashMap;

use time::{Duration, PrimitiveDateTime};
use zhidu_domain::approval::{ChainOutcome, StepKind};
use zhidu_domain::domain_transfer::DomainTransferStatus;
use zhidu_domain::inbox::{InboxKind, InboxPolicy, probation_awaits_decision};
use zhidu_domain::person::{EmploymentPolicy, default_probation_end};
use zhidu_domain::points::RedemptionStatus;
use zhidu_store::clock::local_midnight_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::inbox as store;
use zhidu_store::people;
use zhidu_store::read_stored;

use crate::access::{Identity, roles};
use crate::approvals::{AbsenceToday, ApprovalStep, chains_of, holder_of, holds, outcome_of};
use crate::domain_transfers::missing_of;
use crate::error::ServiceResult;

/// One decision waiting on the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxItem {
    pub kind: InboxKind,
    /// The id of the resource decided.
    pub id: String,
    pub summary: String,
    /// The employee who asked (chain requests, resignations, probations, accountability
    /// cases), the user who asked (domain transfers, payroll runs), the customer (point
    /// redemptions) or the receivable's handler (bad debts).
    pub requested_by: String,
    pub requested_at: PrimitiveDateTime,
    /// When the decision is due, where a rule gives one.
    pub due_by: Option<PrimitiveDateTime>,
    /// Where the decision is made (POST).
    pub path: String,
    /// The chain step waiting, for requests decided on an approval chain.
    pub step: Option<StepKind>,
    /// INBOX-2: the employee on approved leave whose step waits on the caller meanwhile.
    pub on_behalf_of: Option<String>,
}

impl InboxItem {
    /// The order of the inbox, oldest request first; also the paging key.
    pub fn sort_key(&self) -> String {
        // Zero-padded throughout, so the text sorts as the instant does (PrimitiveDateTime's
        // Display leaves the hour unpadded).
        let at = self.requested_at;
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}|{}|{}",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            at.nanosecond(),
            self.kind.as_str(),
            self.id
        )
    }
}

/// The caller as an approver: their roles, their employee record, and today.
struct Approver<'a, C: Identity> {
    caller: &'a C,
    employee_id: Option<String>,
}

impl<C: Identity> Approver<'_, C> {
    fn is(&self, employee_id: &str) -> bool {
        self.employee_id.as_deref() == Some(employee_id)
    }
}

/// INBOX-1: everything waiting on the caller (only `kind` when given), oldest request first.
pub fn inbox(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (inbox_policy, employment_policy): (&InboxPolicy, &EmploymentPolicy),
    kind: Option<InboxKind>,
) -> ServiceResult<Vec<InboxItem>> {
    let me = Approver {
        caller,
        employee_id: people::employee_of_user(connection, caller.subject())?.map(|e| e.id),
    };
    let wanted = |candidate: InboxKind| kind.is_none_or(|kind| kind == candidate);
    let mut items = Vec::new();
    for candidate in InboxKind::ALL.into_iter().filter(|k| wanted(*k)) {
        items.extend(match candidate {
            InboxKind::LeaveRequest
            | InboxKind::AttendanceException
            | InboxKind::MakeUpPunch
            | InboxKind::Regularization
            | InboxKind::Promotion => chain_items(connection, &me, candidate)?,
            InboxKind::ProbationEnding => {
                probation_items(connection, &me, inbox_policy, employment_policy)?
            }
            InboxKind::Resignation => resignation_items(connection, &me)?,
            InboxKind::DomainTransfer => transfer_items(connection, &me)?,
            InboxKind::BadDebtReport => bad_debt_items(connection, &me)?,
            InboxKind::PointRedemption => redemption_items(connection, &me)?,
            InboxKind::PayrollRun => payroll_items(connection, &me)?,
            InboxKind::AccountabilityDecision => accountability_items(connection, &me)?,
            InboxKind::MonthlyTarget => monthly_target_items(connection, &me)?,
            InboxKind::RectificationVerification => verification_items(connection, &me)?,
        });
    }
    items.sort_by_key(InboxItem::sort_key);
    Ok(items)
}

/// INBOX-1: how many items of each kind wait on the caller (every kind, zero included).
pub fn summary(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policies: (&InboxPolicy, &EmploymentPolicy),
) -> ServiceResult<Vec<(InboxKind, usize)>> {
    let items = inbox(connection, caller, policies, None)?;
    let mut counts: HashMap<InboxKind, usize> = HashMap::new();
    for item in &items {
        *counts.entry(item.kind).or_default() += 1;
    }
    Ok(InboxKind::ALL
        .into_iter()
        .map(|kind| (kind, counts.get(&kind).copied().unwrap_or(0)))
        .collect())
}

/// A request decided on an approval chain, as the inbox shows it.
struct ChainRequest {
    id: String,
    requester: String,
    requested_at: PrimitiveDateTime,
    due_by: Option<PrimitiveDateTime>,
    summary: String,
}

/// The chain requests waiting on `me`: the step now waiting is theirs, or (INBOX-2) theirs
/// while its holder is on approved leave. Nobody's own request waits on them.
fn chain_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
    kind: InboxKind,
) -> ServiceResult<Vec<InboxItem>> {
    let (subject, requests, path): (&str, Vec<ChainRequest>, fn(&str) -> String) = match kind {
        InboxKind::LeaveRequest => (
            "leave_request",
            store::pending_leave_requests(connection)?
                .into_iter()
                .map(|row| ChainRequest {
                    summary: format!(
                        "{} leave {} – {} ({} half-days)",
                        row.leave_type, row.first_day, row.last_day, row.duration_half_days
                    ),
                    due_by: Some(local_midnight_utc(row.first_day)),
                    id: row.id,
                    requester: row.employee_id,
                    requested_at: row.filed_at,
                })
                .collect(),
            |id| format!("/api/v1/leave-requests/{id}/decisions"),
        ),
        InboxKind::AttendanceException => (
            "attendance_exception",
            store::pending_exception_forms(connection)?
                .into_iter()
                .map(|row| ChainRequest {
                    summary: format!(
                        "attendance exception ({}) on {}",
                        row.cause, row.occurred_on
                    ),
                    due_by: None,
                    id: row.id,
                    requester: row.employee_id,
                    requested_at: row.created_at,
                })
                .collect(),
            |id| format!("/api/v1/attendance/exceptions/{id}/decisions"),
        ),
        InboxKind::MakeUpPunch => (
            "make_up_punch",
            store::pending_make_up_requests(connection)?
                .into_iter()
                .map(|row| ChainRequest {
                    summary: format!("make-up punch at {} UTC", row.punched_at),
                    due_by: None,
                    id: row.id,
                    requester: row.employee_id,
                    requested_at: row.created_at,
                })
                .collect(),
            |id| format!("/api/v1/attendance/make-up-requests/{id}/decisions"),
        ),
        InboxKind::Regularization => (
            "regularization_application",
            store::pending_regularizations(connection)?
                .into_iter()
                .map(|row| ChainRequest {
                    summary: "regularization application".to_owned(),
                    due_by: None,
                    id: row.id,
                    requester: row.employee_id,
                    requested_at: row.created_at,
                })
                .collect(),
            |id| format!("/api/v1/regularization-applications/{id}/decisions"),
        ),
        InboxKind::Promotion => (
            "promotion",
            store::pending_promotions(connection)?
                .into_iter()
                .map(|row| ChainRequest {
                    summary: format!(
                        "promotion {} → {} from {}",
                        row.from_rank, row.to_rank, row.effective_on
                    ),
                    due_by: Some(local_midnight_utc(row.effective_on)),
                    id: row.id,
                    requester: row.employee_id,
                    requested_at: row.created_at,
                })
                .collect(),
            |id| format!("/api/v1/promotions/{id}/decisions"),
        ),
        _ => return Ok(Vec::new()),
    };
    let requests: Vec<ChainRequest> = requests
        .into_iter()
        .filter(|request| !me.is(&request.requester))
        .collect();
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = requests.iter().map(|r| r.id.clone()).collect();
    let mut chains: HashMap<String, Vec<ApprovalStep>> = HashMap::new();
    for step in chains_of(connection, subject, &ids)? {
        chains
            .entry(step.subject_id.clone())
            .or_default()
            .push(step);
    }
    let absence =
        AbsenceToday::of_steps(connection, chains.values().flatten(), me.caller.actor().at)?;
    let mut items = Vec::new();
    for request in requests {
        let chain = chains.remove(&request.id).unwrap_or_default();
        let ChainOutcome::AwaitingStep(waiting) = outcome_of(&chain)? else {
            continue;
        };
        let holders = chain
            .iter()
            .map(holder_of)
            .collect::<ServiceResult<Vec<_>>>()?;
        let acting = absence.acting_position(&holders, waiting);
        if !holds(me.caller, me.employee_id.as_deref(), holders[acting]) {
            continue;
        }
        items.push(InboxItem {
            kind,
            path: path(&request.id),
            step: Some(read_stored(&chain[waiting].step)?),
            on_behalf_of: (acting != waiting)
                .then(|| chain[waiting].approver_id.clone())
                .flatten(),
            id: request.id,
            summary: request.summary,
            requested_by: request.requester,
            requested_at: request.requested_at,
            due_by: request.due_by,
        });
    }
    Ok(items)
}

/// INBOX-1: a probation ending within the notice days either side of today with no
/// regularization filed waits on HR, who regularizes or extends (EMP-1). Due the day after it
/// ends.
fn probation_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
    inbox_policy: &InboxPolicy,
    employment_policy: &EmploymentPolicy,
) -> ServiceResult<Vec<InboxItem>> {
    if !me.caller.has_any(roles::PEOPLE_ADMINS) {
        return Ok(Vec::new());
    }
    let today = me.caller.actor().at.today();
    let notice = Duration::days(inbox_policy.probation_notice_days);
    let (first, last) = (today - notice, today + notice);
    // Wide enough for any default end in the window; the exact end is checked below.
    let months = i64::from(employment_policy.probation_months) + 1;
    let hired_since = first - Duration::days(31 * months);
    let mut items = Vec::new();
    for employee in store::probation_candidates(connection, (first, last), hired_since)? {
        let Some(end) = employee.probation_end.or_else(|| {
            employee
                .hired_on
                .map(|hired_on| default_probation_end(employment_policy, hired_on))
        }) else {
            continue;
        };
        if !probation_awaits_decision(inbox_policy, end, today) || me.is(&employee.id) {
            continue;
        }
        let notice_from = end - Duration::days(inbox_policy.probation_notice_days);
        items.push(InboxItem {
            kind: InboxKind::ProbationEnding,
            summary: format!(
                "{}'s probation ends on {end}: regularize or extend",
                employee.name
            ),
            requested_by: employee.id.clone(),
            requested_at: local_midnight_utc(notice_from),
            due_by: end.next_day().map(local_midnight_utc),
            path: format!("/api/v1/employees/{}/probation-extensions", employee.id),
            step: None,
            on_behalf_of: None,
            id: employee.id,
        });
    }
    Ok(items)
}

fn resignation_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
) -> ServiceResult<Vec<InboxItem>> {
    if !me.caller.has_any(roles::PEOPLE_ADMINS) {
        return Ok(Vec::new());
    }
    Ok(store::pending_resignations(connection)?
        .into_iter()
        .filter(|row| !me.is(&row.employee_id))
        .map(|row| InboxItem {
            kind: InboxKind::Resignation,
            summary: format!("resignation, last day asked {}", row.requested_last_day),
            requested_by: row.employee_id,
            requested_at: row.submitted_at,
            due_by: None,
            path: format!("/api/v1/resignations/{}/acceptance", row.id),
            step: None,
            on_behalf_of: None,
            id: row.id,
        })
        .collect())
}

/// CARE-6: only a transfer with nothing missing waits on a manager; until then it waits on
/// customer service to collect the evidence.
fn transfer_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
) -> ServiceResult<Vec<InboxItem>> {
    if !me.caller.has_any(roles::MANAGERS) {
        return Ok(Vec::new());
    }
    let mut items = Vec::new();
    for row in store::requested_domain_transfers(connection)? {
        if read_stored::<DomainTransferStatus>(&row.status)? != DomainTransferStatus::Requested
            || !missing_of(&row).is_empty()
            || row.requested_by == me.caller.subject()
        {
            continue;
        }
        items.push(InboxItem {
            kind: InboxKind::DomainTransfer,
            summary: format!("transfer of {} out of management", row.domain_name),
            requested_by: row.requested_by,
            requested_at: row.created_at,
            due_by: None,
            path: format!("/api/v1/domain-transfers/{}/approval", row.id),
            step: None,
            on_behalf_of: None,
            id: row.id,
        });
    }
    Ok(items)
}

fn bad_debt_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
) -> ServiceResult<Vec<InboxItem>> {
    if !me.caller.has_any(roles::GENERAL_MANAGERS) {
        return Ok(Vec::new());
    }
    Ok(store::reported_bad_debts(connection)?
        .into_iter()
        .map(|row| InboxItem {
            kind: InboxKind::BadDebtReport,
            summary: format!(
                "bad debt on contract {}: {}",
                row.contract_number,
                row.bad_debt_reason.unwrap_or_default()
            ),
            requested_by: row.handler_id,
            requested_at: row.updated_at,
            due_by: None,
            path: format!("/api/v1/receivables/{}/bad-debt-approval", row.id),
            step: None,
            on_behalf_of: None,
            id: row.id,
        })
        .collect())
}

/// SET-7: finance reviews a redemption, then a leader approves it.
fn redemption_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
) -> ServiceResult<Vec<InboxItem>> {
    let mut items = Vec::new();
    for row in store::open_redemptions(connection)? {
        let (allowed, action) = match read_stored::<RedemptionStatus>(&row.status)? {
            RedemptionStatus::PendingReview => (roles::FINANCE_DESK, "review"),
            RedemptionStatus::PendingApproval => (roles::MANAGERS, "approval"),
            _ => continue,
        };
        if !me.caller.has_any(allowed) {
            continue;
        }
        items.push(InboxItem {
            kind: InboxKind::PointRedemption,
            summary: format!("redeem {} points ({action})", row.points),
            requested_by: row.customer_id,
            requested_at: row.created_at,
            due_by: None,
            path: format!("/api/v1/point-redemptions/{}/{action}", row.id),
            step: None,
            on_behalf_of: None,
            id: row.id,
        });
    }
    Ok(items)
}

/// PAY: a computed run waits for its approval, due by its pay date.
fn payroll_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
) -> ServiceResult<Vec<InboxItem>> {
    if !me.caller.has_any(roles::PAYROLL_APPROVERS) {
        return Ok(Vec::new());
    }
    Ok(store::draft_payroll_runs(connection)?
        .into_iter()
        .map(|row| InboxItem {
            kind: InboxKind::PayrollRun,
            summary: format!(
                "payroll {} revision {}: {} employees",
                row.month, row.revision, row.employee_count
            ),
            requested_by: row.computed_by,
            requested_at: row.computed_at,
            due_by: Some(local_midnight_utc(row.pay_date)),
            path: format!("/api/v1/payroll-runs/{}/approval", row.id),
            step: None,
            on_behalf_of: None,
            id: row.id,
        })
        .collect())
}

/// ACC-3: a case waits for its decision once the person concerned has been heard.
fn accountability_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
) -> ServiceResult<Vec<InboxItem>> {
    if !me.caller.has_any(roles::ACCOUNTABILITY_OFFICERS) {
        return Ok(Vec::new());
    }
    Ok(store::heard_open_cases(connection)?
        .into_iter()
        .filter(|row| !me.is(&row.employee_id))
        .map(|row| InboxItem {
            kind: InboxKind::AccountabilityDecision,
            summary: row.summary,
            requested_by: row.employee_id,
            requested_at: row.statement_recorded_at.unwrap_or(row.created_at),
            due_by: None,
            path: format!("/api/v1/accountability-cases/{}/decision", row.id),
            step: None,
            on_behalf_of: None,
            id: row.id,
        })
        .collect())
}

/// EMP-7: a filing waits on the general manager's acknowledgement.
fn monthly_target_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
) -> ServiceResult<Vec<InboxItem>> {
    if !me.caller.has_any(roles::GENERAL_MANAGERS) {
        return Ok(Vec::new());
    }
    Ok(store::filed_monthly_targets(connection)?
        .into_iter()
        .map(|row| InboxItem {
            kind: InboxKind::MonthlyTarget,
            summary: format!(
                "targets for {}-{:02}{}",
                row.month.year(),
                u8::from(row.month.month()),
                if row.standard_changed {
                    ", assessment standard changed"
                } else {
                    ""
                }
            ),
            requested_by: row.filed_by,
            requested_at: row.filed_at,
            due_by: None,
            path: format!("/api/v1/monthly-targets/{}/acknowledgement", row.id),
            step: None,
            on_behalf_of: None,
            id: row.id,
        })
        .collect())
}

/// INSP-2: a rectified finding waits on a supervisor to verify or reopen it; never on the
/// person who rectified it.
fn verification_items(
    connection: &mut DbConnection,
    me: &Approver<'_, impl Identity>,
) -> ServiceResult<Vec<InboxItem>> {
    if !me.caller.has_any(roles::SUPERVISORS) {
        return Ok(Vec::new());
    }
    Ok(store::rectified_findings(connection)?
        .into_iter()
        .filter(|row| !me.is(&row.responsible_employee_id))
        .map(|row| InboxItem {
            kind: InboxKind::RectificationVerification,
            summary: format!("{} finding rectified: {}", row.severity, row.description),
            requested_by: row.responsible_employee_id,
            requested_at: row.rectified_at.unwrap_or(row.updated_at),
            due_by: None,
            path: format!("/api/v1/inspection-findings/{}/verification", row.id),
            step: None,
            on_behalf_of: None,
            id: row.id,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn item_at(requested_at: PrimitiveDateTime, id: &str) -> InboxItem {
        InboxItem {
            kind: InboxKind::LeaveRequest,
            id: id.to_owned(),
            summary: String::new(),
            requested_by: String::new(),
            requested_at,
            due_by: None,
            path: String::new(),
            step: None,
            on_behalf_of: None,
        }
    }

    #[test]
    fn inbox_1_the_paging_key_sorts_as_the_request_times_do() {
        let nine = item_at(datetime!(2026-12-07 9:00:00), "b");
        let ten = item_at(datetime!(2026-12-07 10:00:00), "a");
        let half_a_second_later = item_at(datetime!(2026-12-07 10:00:00.5), "0");
        assert!(nine.sort_key() < ten.sort_key());
        assert!(ten.sort_key() < half_a_second_later.sort_key());
        assert!(ten.sort_key() < item_at(datetime!(2026-12-07 10:00:00), "b").sort_key());
        assert_eq!(
            nine.sort_key(),
            "2026-12-07T09:00:00.000000000|leave_request|b"
        );
    }
}
