//! INSP-1..4: service supervision (服务监督检查管理制度) — the service points, a supervisor's
//! inspections and their findings, the responsible person's rectification and the
//! supervisor's verification, reminders and escalation into an accountability case, and the
//! monthly report.

use std::collections::BTreeSet;

use time::{Date, OffsetDateTime};
use zhidu_domain::accountability::CaseSource;
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::inspection::{
    EscalationFacts, EscalationRefused, FindingAction, FindingSeverity, FindingStatus,
    InspectionPolicy, InspectionScope, OnTimeRate, ScopeSeverityCount, ServicePointKind,
    count_by_scope_and_severity, is_overdue, may_escalate, next_status, on_time_rate,
    point_reference_problem, points_not_inspected, rectification_deadline,
};
use zhidu_store::accountability::{self, AccountabilityCase};
use zhidu_store::clock::local_midnight_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::inspections as store;
use zhidu_store::versioned::Versioned;
use zhidu_store::{new_id, people, read_stored, service_areas};

use crate::access::{Identity, roles};
use crate::calendar::business_calendar;
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;
use crate::versioned::at_version;

pub use zhidu_store::inspections::{FindingFilter, Inspection, InspectionFinding, ServicePoint};

/// A service point to register.
#[derive(Debug, Clone)]
pub struct NewPoint {
    pub kind: ServicePointKind,
    pub name: String,
    pub service_area_id: Option<String>,
    pub department_id: Option<String>,
}

/// INSP-1: registers a service point; its references must fit its kind and exist, and no
/// other point has its name.
pub fn register_point(
    connection: &mut DbConnection,
    caller: &impl Identity,
    point: NewPoint,
) -> ServiceResult<ServicePoint> {
    if let Some((field, message)) = point_reference_problem(
        point.kind,
        point.service_area_id.is_some(),
        point.department_id.is_some(),
    ) {
        return Err(ServiceError::field_refused(field, message));
    }
    if let Some(area) = &point.service_area_id
        && service_areas::find(connection, area)?.is_none()
    {
        return Err(ServiceError::field_refused(
            "service_area_id",
            format!("no service area {area}"),
        ));
    }
    if let Some(department) = &point.department_id
        && people::find_department(connection, department)?.is_none()
    {
        return Err(ServiceError::field_refused(
            "department_id",
            format!("no department {department}"),
        ));
    }
    let name = point.name.trim().to_owned();
    if let Some(existing) = store::find_point_named(connection, &name)? {
        return Err(ServiceError::conflict(format!(
            "service point {} is already named {name:?}",
            existing.id
        )));
    }
    let actor = caller.actor();
    let point = ServicePoint {
        id: new_id(),
        kind: point.kind.as_str().into(),
        name,
        service_area_id: point.service_area_id,
        department_id: point.department_id,
        created_by: caller.subject().to_owned(),
        created_at: actor.at.stored(),
    };
    store::insert_point(connection, actor, &point)?;
    Ok(point)
}

pub fn find_point(connection: &mut DbConnection, id: &str) -> ServiceResult<ServicePoint> {
    store::find_point(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no service point {id}")))
}

/// One page of points in the order they were registered.
pub fn list_points(
    connection: &mut DbConnection,
    after_id: Option<String>,
    limit: i64,
) -> ServiceResult<Vec<ServicePoint>> {
    Ok(store::list_points(connection, after_id, limit)?)
}

/// One finding as the supervisor records it.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub scope: InspectionScope,
    pub severity: FindingSeverity,
    pub description: String,
    pub responsible_employee_id: String,
}

/// An inspection as the supervisor records it.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub service_point_id: String,
    pub inspected_on: Date,
    pub note: String,
    pub findings: Vec<NewFinding>,
}

/// An inspection with its findings.
#[derive(Debug, Clone)]
pub struct InspectionRecord {
    pub inspection: Inspection,
    pub findings: Vec<InspectionFinding>,
}

/// INSP-1, INSP-2: records a supervisor's inspection of an existing point on a day not in the
/// future, with its findings; each finding is due by its severity's deadline counted from
/// that day, and its responsible person is an employee with a user account (who records the
/// rectification).
pub fn record_inspection(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &InspectionPolicy,
    request: NewInspection,
) -> ServiceResult<InspectionRecord> {
    let point = store::find_point(connection, &request.service_point_id)?.ok_or_else(|| {
        ServiceError::field_refused(
            "service_point_id",
            format!("no service point {}", request.service_point_id),
        )
    })?;
    let actor = caller.actor();
    if request.inspected_on > actor.at.today() {
        return Err(ServiceError::field_refused(
            "inspected_on",
            "must not be in the future",
        ));
    }
    let calendar = business_calendar(connection)?;
    let now = actor.at.stored();
    let inspection = Inspection {
        id: new_id(),
        service_point_id: point.id.clone(),
        inspected_on: request.inspected_on,
        supervisor: caller.subject().to_owned(),
        note: request.note.trim().to_owned(),
        created_at: now,
    };
    let mut findings = Vec::with_capacity(request.findings.len());
    for (index, finding) in request.findings.into_iter().enumerate() {
        let field = format!("findings[{index}].responsible_employee_id");
        let responsible = existing_employee(connection, &field, &finding.responsible_employee_id)?;
        if responsible.user_id.is_none() {
            return Err(ServiceError::field_refused(
                field,
                format!(
                    "employee {} has no user account to record the rectification with",
                    responsible.id
                ),
            ));
        }
        let due = rectification_deadline(&calendar, request.inspected_on, finding.severity, policy)
            .map_err(|e| ServiceError::field_refused("inspected_on", e.to_string()))?;
        findings.push(InspectionFinding {
            id: new_id(),
            inspection_id: inspection.id.clone(),
            service_point_id: point.id.clone(),
            scope: finding.scope.as_str().into(),
            severity: finding.severity.as_str().into(),
            description: finding.description.trim().to_owned(),
            responsible_employee_id: responsible.id,
            found_on: request.inspected_on,
            due_at: zhidu_store::clock::stored_utc(due.value),
            due_provisional: due.provisional,
            status: FindingStatus::Open.as_str().into(),
            rectification_note: None,
            rectified_at: None,
            rectified_by: None,
            review_note: None,
            reviewed_by: None,
            reviewed_at: None,
            reminders: 0,
            last_reminded_at: None,
            accountability_case_id: None,
            escalated_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    store::insert_inspection(connection, actor, &inspection, &findings)?;
    Ok(InspectionRecord {
        inspection,
        findings,
    })
}

pub fn find_inspection(connection: &mut DbConnection, id: &str) -> ServiceResult<InspectionRecord> {
    let inspection = store::find_inspection(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no inspection {id}")))?;
    let findings = store::findings_of(connection, id)?;
    Ok(InspectionRecord {
        inspection,
        findings,
    })
}

fn stored_finding(connection: &mut DbConnection, id: &str) -> ServiceResult<InspectionFinding> {
    store::find_finding(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no inspection finding {id}")))
}

/// Whether the caller is the finding's responsible person (through their user account).
fn is_responsible(
    connection: &mut DbConnection,
    caller: &impl Identity,
    finding: &InspectionFinding,
) -> ServiceResult<bool> {
    Ok(
        people::find_employee(connection, &finding.responsible_employee_id)?
            .and_then(|employee| employee.user_id)
            .is_some_and(|user| user == caller.subject()),
    )
}

/// One finding, for a supervisor or its responsible person.
pub fn find_finding(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<InspectionFinding> {
    let finding = stored_finding(connection, id)?;
    if !caller.has_any(roles::SUPERVISORS) && !is_responsible(connection, caller, &finding)? {
        return Err(ServiceError::forbidden(
            "only a supervisor or the finding's responsible person reads it",
        ));
    }
    Ok(finding)
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    pub status: Option<FindingStatus>,
    pub responsible_employee_id: Option<String>,
    pub service_point_id: Option<String>,
    /// INSP-2: only findings past their deadline and still awaiting rectification.
    pub overdue: bool,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// INSP-2: one page of findings by id; `overdue` keeps those still open or reopened after
/// their deadline, as of now.
pub fn list_findings(
    connection: &mut DbConnection,
    caller: &impl Identity,
    query: FindingQuery,
) -> ServiceResult<Vec<InspectionFinding>> {
    let awaiting = [FindingStatus::Open, FindingStatus::Reopened];
    let statuses: Vec<String> = match (query.status, query.overdue) {
        (Some(status), true) if !awaiting.contains(&status) => return Ok(Vec::new()),
        (Some(status), _) => vec![status.as_str().into()],
        (None, true) => awaiting.iter().map(|s| s.as_str().into()).collect(),
        (None, false) => Vec::new(),
    };
    let filter = FindingFilter {
        statuses,
        responsible_employee_id: query.responsible_employee_id,
        service_point_id: query.service_point_id,
        due_before: query.overdue.then(|| caller.actor().at.stored()),
        after_id: query.after_id,
        limit: query.limit,
    };
    Ok(store::list_findings(connection, &filter)?)
}

/// The finding at the version the client read, and what the action makes of its status.
fn finding_for(
    connection: &mut DbConnection,
    id: &str,
    version: i64,
    action: FindingAction,
) -> ServiceResult<(InspectionFinding, FindingStatus)> {
    let finding = at_version(stored_finding(connection, id)?, version)?;
    let status = next_status(read_stored(&finding.status)?, action)
        .map_err(|refused| ServiceError::conflict(refused.to_string()))?;
    Ok((finding, status))
}

/// INSP-2: the responsible person reports the finding rectified, with a note.
pub fn rectify(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    note: &str,
) -> ServiceResult<InspectionFinding> {
    let finding = stored_finding(connection, id)?;
    if !is_responsible(connection, caller, &finding)? {
        return Err(ServiceError::forbidden(
            "only the finding's responsible person records its rectification (INSP-2)",
        ));
    }
    let (before, status) = finding_for(connection, id, version, FindingAction::Rectify)?;
    let actor = caller.actor();
    let mut after = before.bumped(actor.at.stored());
    after.status = status.as_str().into();
    after.rectification_note = Some(note.trim().to_owned());
    after.rectified_at = Some(after.updated_at);
    after.rectified_by = Some(caller.subject().to_owned());
    store::save_finding(
        connection,
        actor,
        "inspection_finding.rectify",
        &before,
        &after,
    )?;
    Ok(after)
}

/// INSP-2: a supervisor confirms the rectification (`verify`) or finds it wanting
/// (`reopen`: the rectification is struck and the original deadline stands).
pub fn review(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    action: FindingAction,
    note: &str,
) -> ServiceResult<InspectionFinding> {
    let (audit_action, reopen) = match action {
        FindingAction::Verify => ("inspection_finding.verify", false),
        FindingAction::Reopen => ("inspection_finding.reopen", true),
        FindingAction::Rectify | FindingAction::Remind => {
            return Err(ServiceError::conflict("a review verifies or reopens"));
        }
    };
    let (before, status) = finding_for(connection, id, version, action)?;
    let actor = caller.actor();
    let mut after = before.bumped(actor.at.stored());
    after.status = status.as_str().into();
    after.review_note = Some(note.trim().to_owned());
    after.reviewed_by = Some(caller.subject().to_owned());
    after.reviewed_at = Some(after.updated_at);
    if reopen {
        after.rectified_at = None;
    }
    store::save_finding(connection, actor, audit_action, &before, &after)?;
    Ok(after)
}

/// INSP-3: a supervisor reminds the responsible person of an unrectified finding (劝阻).
pub fn remind(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<InspectionFinding> {
    let (before, _) = finding_for(connection, id, version, FindingAction::Remind)?;
    let actor = caller.actor();
    let mut after = before.bumped(actor.at.stored());
    after.reminders += 1;
    after.last_reminded_at = Some(after.updated_at);
    store::save_finding(
        connection,
        actor,
        "inspection_finding.remind",
        &before,
        &after,
    )?;
    Ok(after)
}

/// INSP-3: escalates a finding still unrectified after its deadline and a reminder into an
/// accountability case (a candidate, source `inspection`) against the responsible person;
/// the case names the finding and the finding its case. At most once (409 after).
pub fn escalate(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &InspectionPolicy,
    id: &str,
    version: i64,
) -> ServiceResult<(InspectionFinding, AccountabilityCase)> {
    let before = at_version(stored_finding(connection, id)?, version)?;
    let actor = caller.actor();
    let facts = EscalationFacts {
        status: read_stored(&before.status)?,
        due_at: before.due_at.assume_utc(),
        reminders: u32::try_from(before.reminders).unwrap_or(u32::MAX),
        case_id: before.accountability_case_id.clone(),
    };
    may_escalate(&facts, actor.at.instant(), policy).map_err(|refused| match refused {
        EscalationRefused::AlreadyEscalated(_) => ServiceError::conflict(refused.to_string()),
        _ => ServiceError::refused("INSP-3", refused.to_string()),
    })?;
    let point = find_point(connection, &before.service_point_id)?;
    let now = actor.at.stored();
    let mut case = AccountabilityCase::candidate(
        CaseSource::Inspection.as_str(),
        None,
        before.responsible_employee_id.clone(),
        format!(
            "inspection finding {} at {} ({}, {}) not rectified by {} after {} reminder(s): {}",
            before.id,
            point.name,
            before.scope,
            before.severity,
            local_text(before.due_at.assume_utc()),
            before.reminders,
            before.description
        ),
        now,
    );
    case.inspection_finding_id = Some(before.id.clone());
    accountability::insert(connection, actor, &case)?;
    let mut after = before.bumped(now);
    after.accountability_case_id = Some(case.id.clone());
    after.escalated_at = Some(now);
    store::save_finding(
        connection,
        actor,
        "inspection_finding.escalate",
        &before,
        &after,
    )?;
    Ok((after, case))
}

fn local_text(instant: OffsetDateTime) -> String {
    let local = instant.to_offset(SHANGHAI);
    format!(
        "{} {:02}:{:02}:{:02} (UTC+8)",
        local.date(),
        local.hour(),
        local.minute(),
        local.second()
    )
}

/// A finding's stored texts as the rules read them, and whether it is overdue at `now`.
#[derive(Debug, Clone, Copy)]
pub struct FindingFacts {
    pub scope: InspectionScope,
    pub severity: FindingSeverity,
    pub status: FindingStatus,
    pub overdue: bool,
}

pub fn facts_of(finding: &InspectionFinding, now: OffsetDateTime) -> ServiceResult<FindingFacts> {
    let status = read_stored(&finding.status)?;
    Ok(FindingFacts {
        scope: read_stored(&finding.scope)?,
        severity: read_stored(&finding.severity)?,
        status,
        overdue: is_overdue(status, finding.due_at.assume_utc(), now),
    })
}

/// A point's kind as the rules read it.
pub fn kind_of(point: &ServicePoint) -> ServiceResult<ServicePointKind> {
    Ok(read_stored(&point.kind)?)
}

/// INSP-4: a month of supervision.
#[derive(Debug, Clone)]
pub struct MonthlyReport {
    pub first_day: Date,
    pub last_day: Date,
    /// Points registered by the month's end.
    pub points_due: u64,
    /// Of those, the ones not inspected in the month.
    pub not_inspected: Vec<ServicePoint>,
    /// Findings of the month's inspections.
    pub by_scope_and_severity: Vec<ScopeSeverityCount>,
    /// Findings due in the month, read now.
    pub on_time: OnTimeRate,
}

/// INSP-4: every point is inspected at least once a month; the month's report lists those
/// that were not, counts the month's findings by scope and severity, and rates the
/// rectifications due in the month (deadline within the month) as of now.
pub fn monthly_report(
    connection: &mut DbConnection,
    caller: &impl Identity,
    first_day: Date,
    last_day: Date,
) -> ServiceResult<MonthlyReport> {
    let points = store::all_points(connection)?;
    let registered: Vec<(String, Date)> = points
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                p.created_at.assume_utc().to_offset(SHANGHAI).date(),
            )
        })
        .collect();
    let inspected: BTreeSet<String> =
        store::points_inspected_between(connection, first_day, last_day)?
            .into_iter()
            .collect();
    let missing: BTreeSet<&str> = points_not_inspected(&registered, &inspected, last_day)
        .into_iter()
        .collect();
    let points_due = registered
        .iter()
        .filter(|(_, registered_on)| *registered_on <= last_day)
        .count() as u64;
    let not_inspected = points
        .iter()
        .filter(|p| missing.contains(p.id.as_str()))
        .cloned()
        .collect();
    let cells = store::scopes_found_between(connection, first_day, last_day)?
        .into_iter()
        .map(|(scope, severity)| Ok((read_stored(&scope)?, read_stored(&severity)?)))
        .collect::<ServiceResult<Vec<_>>>()?;
    let next_month = last_day.next_day().unwrap_or(last_day);
    let due = store::rectifications_due_between(
        connection,
        local_midnight_utc(first_day),
        local_midnight_utc(next_month),
    )?;
    let on_time = on_time_rate(
        due.into_iter().map(|(due_at, rectified_at)| {
            (due_at.assume_utc(), rectified_at.map(|r| r.assume_utc()))
        }),
        caller.actor().at.instant(),
    );
    Ok(MonthlyReport {
        first_day,
        last_day,
        points_due,
        not_inspected,
        by_scope_and_severity: count_by_scope_and_severity(cells),
        on_time,
    })
}
