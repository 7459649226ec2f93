//! LEAVE: stored leave requests as the leave and attendance rules read them.

use serde::Deserialize;
use time::{Date, OffsetDateTime};
use zhidu_domain::approval::{ApplicationStatus, StepKind};
use zhidu_domain::attendance::ApprovedLeave;
use zhidu_domain::leave::{
    Applicant, ExistingLeave, HospitalGrade, LeaveApplication, LeaveAssessment, LeaveBalance,
    LeaveFacts, LeavePolicy, LeaveRefusal, LeaveSpan, LeaveStatus, LeaveType, SickCertificate,
    assess_leave, leave_balances,
};
use zhidu_domain::roster::HalfDays;
use zhidu_store::approvals as approval_store;
use zhidu_store::audit::Actor;
use zhidu_store::calendar::load_calendar;
use zhidu_store::db::DbConnection;
use zhidu_store::leave as leave_store;
use zhidu_store::people::{self, Employee};
use zhidu_store::{StoreError, StoreResult, new_id, read_stored};

pub use zhidu_store::leave::LeaveRequest;

use crate::access::employees::{
    filing_employee, listing_subject, may_read_chained, readable_employee,
};
use crate::access::{Identity, roles};
use crate::approvals::{self, ApprovalStep, Decidable};
use crate::error::{ServiceError, ServiceResult};
use crate::people::{hr_facts, roster_of, shift_of};

/// The `subject_type` of a leave request's approval chain.
pub const LEAVE: &str = <LeaveRequest as Decidable>::SUBJECT;

pub fn leave_type_of(row: &LeaveRequest) -> StoreResult<LeaveType> {
    read_stored(&row.leave_type)
}

pub fn span_of(row: &LeaveRequest) -> StoreResult<LeaveSpan> {
    Ok(LeaveSpan {
        first_day: row.first_day,
        first_half: read_stored(&row.first_half)?,
        last_day: row.last_day,
        last_half: read_stored(&row.last_half)?,
    })
}

/// A stored, approved request as the attendance rules read it.
pub fn approved_leave(row: &LeaveRequest) -> StoreResult<ApprovedLeave> {
    let span = span_of(row)?;
    Ok(ApprovedLeave {
        id: row.id.clone(),
        leave_type: leave_type_of(row)?,
        first_day: span.first_day,
        first_half: span.first_half,
        last_day: span.last_day,
        last_half: span.last_half,
        certified: row.certified,
    })
}

/// The facts the request was filed with.
pub fn facts_of(row: &LeaveRequest) -> StoreResult<LeaveFacts> {
    stored_json(row, "facts", &row.facts)
}

/// What the rules read back from the assessment kept at filing (`LeaveAssessment`); the rest
/// of it is shown, not decided on.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct KeptAssessment {
    /// Days, whole or half.
    entitlement: Option<f64>,
    /// LEAVE-5
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub certificate_due_by: Option<OffsetDateTime>,
    pub consequences: KeptConsequences,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct KeptConsequences {
    /// LEAVE-4, EMP-1: the new last day of probation, when it moves.
    #[serde(default, with = "zhidu_domain::iso_date::option")]
    pub probation_end_after: Option<Date>,
}

impl KeptAssessment {
    /// The entitlement of the event, `None` for personal and sick leave.
    pub fn entitlement(self) -> Option<HalfDays> {
        // Entitlements are whole or half days, exact in binary.
        self.entitlement
            .map(|days| HalfDays((days * 2.0).round() as u32))
    }
}

pub fn kept_assessment(row: &LeaveRequest) -> StoreResult<KeptAssessment> {
    stored_json(row, "assessment", &row.assessment)
}

/// The assessment as kept, for showing.
pub fn assessment_document(row: &LeaveRequest) -> StoreResult<serde_json::Value> {
    stored_json(row, "assessment", &row.assessment)
}

fn stored_json<T: serde::de::DeserializeOwned>(
    row: &LeaveRequest,
    column: &str,
    json: &str,
) -> StoreResult<T> {
    serde_json::from_str(json)
        .map_err(|error| StoreError::Corrupt(format!("leave request {} {column}: {error}", row.id)))
}

/// LEAVE-4, EMP-1: an approved personal leave that exceeded the probation limits moves the
/// probation end as assessed (already capped at six months).
pub fn extend_probation(
    request: &LeaveRequest,
    connection: &mut DbConnection,
    actor: &Actor,
) -> ServiceResult<()> {
    let Some(new_end) = kept_assessment(request)?.consequences.probation_end_after else {
        return Ok(());
    };
    let employee = people::find_employee(connection, &request.employee_id)?.ok_or_else(|| {
        StoreError::Corrupt(format!("leave request {} without employee", request.id))
    })?;
    if employee.probation_end.is_some_and(|end| end >= new_end) {
        return Ok(());
    }
    let after = Employee {
        probation_end: Some(new_end),
        version: employee.version + 1,
        updated_at: actor.at.stored(),
        ..employee.clone()
    };
    people::update_employee(
        connection,
        actor,
        "employee.extend_probation",
        &employee,
        &after,
    )?;
    Ok(())
}

/// A live (pending or approved) request as the leave rules read it.
fn existing_leave(row: &LeaveRequest) -> ServiceResult<ExistingLeave> {
    let facts = facts_of(row)?;
    Ok(ExistingLeave {
        id: row.id.clone(),
        leave_type: leave_type_of(row)?,
        status: match read_stored(&row.status)? {
            ApplicationStatus::Pending => LeaveStatus::Pending,
            ApplicationStatus::Approved => LeaveStatus::Approved,
            ApplicationStatus::Rejected | ApplicationStatus::Withdrawn => {
                return Err(StoreError::Corrupt(format!(
                    "leave request {} is {}: not in force",
                    row.id, row.status
                ))
                .into());
            }
        },
        span: span_of(row)?,
        duration: HalfDays(u32::try_from(row.duration_half_days).unwrap_or(0)),
        expected_delivery_on: facts.expected_delivery_on,
        entitlement: kept_assessment(row)?.entitlement(),
    })
}

/// The employee's pending and approved leave as the rules read it.
fn existing_leave_of(
    connection: &mut DbConnection,
    employee: &Employee,
) -> ServiceResult<Vec<ExistingLeave>> {
    leave_store::live_leave_of(connection, &employee.id)?
        .iter()
        .map(existing_leave)
        .collect()
}

/// The employee as the leave rules read them (EMP-1: the HR facts must be on record).
fn applicant(employee: &Employee) -> ServiceResult<Applicant> {
    let facts = hr_facts(employee)?;
    Ok(Applicant {
        gender: facts.gender,
        birth_date: facts.birth_date,
        hired_on: facts.hired_on,
        left_on: employee.left_on,
        probation_end: employee.probation_end,
    })
}

/// Every refusal of the leave rules as one answer: each names its field (the leave type when
/// the cause lies in the employee's record), the first rule is the answer's rule, and the
/// refusals go alongside with their codes.
fn refused(refusals: Vec<LeaveRefusal>) -> ServiceError {
    let detail = refusals
        .iter()
        .map(|r| r.detail.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let rule = refusals.first().map_or("LEAVE", |r| r.rule);
    let listed = serde_json::to_value(&refusals).unwrap_or_default();
    refusals
        .iter()
        .fold(ServiceError::refused(rule, detail), |error, r| {
            error.concerning(
                r.field.unwrap_or("leave_type"),
                format!("{}: {}", r.rule, r.detail),
            )
        })
        .with("refusals", listed)
}

/// LEAVE-1: the chain's steps with the person who decides the named ones.
fn chain_steps(
    connection: &mut DbConnection,
    employee: &Employee,
    assessment: &LeaveAssessment,
) -> ServiceResult<Vec<(StepKind, Option<String>)>> {
    assessment
        .chain
        .iter()
        .map(|kind| match kind {
            StepKind::DepartmentHead | StepKind::Supervisor => Ok((
                *kind,
                Some(approvals::department_head_for(connection, employee)?),
            )),
            StepKind::Hr | StepKind::GeneralManager => Ok((*kind, None)),
        })
        .collect()
}

fn to_json<T: serde::Serialize>(value: &T) -> ServiceResult<String> {
    serde_json::to_string(value)
        .map_err(|error| StoreError::Corrupt(format!("unstorable leave document: {error}")).into())
}

/// LEAVE-1..8: files a leave request for the caller (or, for HR, the employee named): the
/// rules assess it against the employee's record, calendar, shift and live leave, and refuse
/// it with every reason; otherwise it is stored with its assessment and approval chain.
pub fn file_leave(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &LeavePolicy,
    named_employee: Option<&str>,
    application: LeaveApplication,
    reason: &str,
) -> ServiceResult<(LeaveRequest, Vec<ApprovalStep>)> {
    let employee = filing_employee(connection, caller, named_employee)?;
    let applicant = applicant(&employee)?;
    let department =
        people::find_department(connection, &employee.department_id)?.ok_or_else(|| {
            StoreError::Corrupt(format!("employee {} without department", employee.id))
        })?;
    let calendar = load_calendar(connection)?;
    let existing = existing_leave_of(connection, &employee)?;
    let actor = caller.actor();
    let assessment = assess_leave(
        policy,
        &calendar,
        shift_of(&department),
        roster_of(&employee)?,
        &applicant,
        &application,
        &existing,
        actor.at.instant(),
    )
    .map_err(refused)?;
    let request = LeaveRequest {
        id: new_id(),
        employee_id: employee.id.clone(),
        leave_type: application.leave_type.as_str().to_owned(),
        first_day: application.span.first_day,
        first_half: application.span.first_half.as_str().to_owned(),
        last_day: application.span.last_day,
        last_half: application.span.last_half.as_str().to_owned(),
        duration_half_days: i32::try_from(assessment.duration.half_days()).unwrap_or(i32::MAX),
        reason: reason.trim().to_owned(),
        facts: to_json(&application.facts)?,
        assessment: to_json(&assessment)?,
        certified: application.leave_type == LeaveType::Sick
            && application.facts.certificate.is_some(),
        status: ApplicationStatus::Pending.as_str().into(),
        filed_at: actor.at.stored(),
        version: 1,
        created_at: actor.at.stored(),
        updated_at: actor.at.stored(),
    };
    let steps = chain_steps(connection, &employee, &assessment)?;
    leave_store::insert_leave_request(connection, actor, &request)?;
    let chain = approvals::open_chain(connection, LEAVE, &request.id, &steps)?;
    Ok((request, chain))
}

/// Leave request `id` with its chain if the caller may read it: whoever may read the
/// employee's records, and the approvers named on its chain; otherwise not found.
pub fn readable_request(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<(LeaveRequest, Vec<ApprovalStep>)> {
    let not_found = || ServiceError::not_found(format!("no leave request {id}"));
    let row = leave_store::find_leave_request(connection, id)?.ok_or_else(not_found)?;
    let chain = approval_store::chain_of(connection, LEAVE, id)?;
    if may_read_chained(connection, caller, &row.employee_id, &chain)? {
        Ok((row, chain))
    } else {
        Err(not_found())
    }
}

/// Leave requests, newest first, with their chains: the employee named, or the caller's own
/// (HR and the general manager: everyone's when none is named).
pub fn list_leave(
    connection: &mut DbConnection,
    caller: &impl Identity,
    employee_id: Option<String>,
    status: Option<ApplicationStatus>,
    before: Option<&str>,
    limit: i64,
) -> ServiceResult<(Vec<LeaveRequest>, Vec<ApprovalStep>)> {
    let employee = listing_subject(
        connection,
        caller,
        employee_id,
        caller.has_any(roles::PEOPLE_OVERSEERS),
        "employee_id",
    )?;
    let rows = leave_store::list_leave_requests(
        connection,
        employee.as_deref(),
        status.map(ApplicationStatus::as_str),
        before,
        limit,
    )?;
    let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let steps = approvals::chains_of(connection, LEAVE, &ids)?;
    Ok((rows, steps))
}

/// Withdraws a request before its final approval (the employee, or HR).
pub fn withdraw_leave(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<(LeaveRequest, Vec<ApprovalStep>)> {
    let (before, chain) = readable_request(connection, caller, id)?;
    let after = approvals::withdraw(
        connection,
        caller,
        &before,
        (before.version, version),
        "request",
        "leave_request.withdraw",
    )?;
    Ok((after, chain))
}

/// LEAVE-5, LEAVE-2: attaches the hospital certificate to a sick leave filed without one,
/// from a hospital of the policy's minimum grade, before it falls due.
pub fn attach_certificate(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &LeavePolicy,
    id: &str,
    version: i64,
    reference: &str,
    hospital_grade: HospitalGrade,
) -> ServiceResult<(LeaveRequest, Vec<ApprovalStep>)> {
    let (before, chain) = readable_request(connection, caller, id)?;
    if leave_type_of(&before)? != LeaveType::Sick {
        return Err(ServiceError::conflict(
            "only sick leave takes a certificate",
        ));
    }
    if before.certified {
        return Err(ServiceError::conflict("the certificate is already on file"));
    }
    if !matches!(
        before.status()?,
        ApplicationStatus::Pending | ApplicationStatus::Approved
    ) {
        return Err(ServiceError::conflict(format!(
            "a {} request takes no certificate",
            before.status
        )));
    }
    if before.version != version {
        return Err(ServiceError::Stale(
            "the request changed since you read it".into(),
        ));
    }
    if hospital_grade < policy.minimum_hospital_grade {
        return Err(ServiceError::refused(
            "LEAVE-5",
            "the certificate must come from a hospital of grade 2A or higher",
        ));
    }
    let actor = caller.actor();
    let due = kept_assessment(&before)?.certificate_due_by;
    if due.is_some_and(|due| actor.at.instant() > due) {
        return Err(ServiceError::refused(
            "LEAVE-2",
            "the certificate was due within 24 hours after the leave ended; the days count as personal leave",
        ));
    }
    let mut facts = facts_of(&before)?;
    facts.certificate = Some(SickCertificate {
        reference: reference.trim().to_owned(),
        hospital_grade,
    });
    let after = LeaveRequest {
        facts: to_json(&facts)?,
        certified: true,
        version: before.version + 1,
        updated_at: actor.at.stored(),
        ..before.clone()
    };
    leave_store::update_leave_request(connection, actor, "leave_request.certify", &before, &after)?;
    Ok((after, chain))
}

/// An employee's leave in `year` by type (taken, pending, entitlement, probation limits), if
/// the caller may read their records.
pub fn balances(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &LeavePolicy,
    employee_id: &str,
    year: i32,
) -> ServiceResult<(Employee, Vec<LeaveBalance>)> {
    let employee = readable_employee(connection, caller, employee_id)?;
    let applicant = applicant(&employee)?;
    let calendar = load_calendar(connection)?;
    let existing = existing_leave_of(connection, &employee)?;
    let balances = leave_balances(
        policy,
        &applicant,
        &existing,
        year,
        &calendar,
        roster_of(&employee)?,
    );
    Ok((employee, balances))
}
