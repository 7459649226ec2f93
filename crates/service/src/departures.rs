//! EMP-4, CARE-4: what every departure opens, however it is recorded.

use time::Date;
use zhidu_domain::Refusal;
use zhidu_domain::care::{
    HandoverTaskStatus, SuccessorRecord, successor_account, successor_candidate,
};
use zhidu_domain::employment::{
    ResignationStatus, earliest_leaving_date, on_probation, outstanding_items,
};
use zhidu_domain::person::{ChecklistItem, EmploymentPolicy, LeavingReason};
use zhidu_store::clock::Moment;
use zhidu_store::customers::{self, CustomerChangeset};
use zhidu_store::db::DbConnection;
use zhidu_store::employment as store;
use zhidu_store::people::{self, Department, Employee};
use zhidu_store::{StoreError, new_id, read_stored};

pub use zhidu_store::employment::{CustomerHandoverTask, DepartureChecklist, Resignation};

use crate::access::employees::{filing_employee, listing_subject, readable_employee};
use crate::access::{Identity, roles};
use crate::error::{ServiceError, ServiceResult};
use crate::people::{ensure_employed, leaving_reason_of};

/// CARE-4: the successor of a leaver's customers (employee id, staff account); a refusal
/// names `successor_id`.
fn successor_for(
    connection: &mut DbConnection,
    leaver: &Employee,
    named: Option<&str>,
) -> ServiceResult<(String, String)> {
    let on_successor = |refusal: Refusal| {
        let note = refusal.to_string();
        ServiceError::from(refusal).concerning("successor_id", note)
    };
    let id = successor_candidate(named, leaver.superior_id.as_deref()).map_err(on_successor)?;
    let found = people::find_employee(connection, id)?;
    let record = found.as_ref().map(|employee| SuccessorRecord {
        employee_id: &employee.id,
        still_employed: employee.left_on.is_none(),
        account: employee.user_id.as_deref(),
    });
    let account = successor_account(&leaver.id, id, record).map_err(on_successor)?;
    Ok((id.to_owned(), account.to_owned()))
}

/// Hands every customer the leaver's account owns to the successor and opens a CARE-4 task
/// for each.
fn hand_over_customers(
    connection: &mut DbConnection,
    caller: &impl Identity,
    leaver: &Employee,
    named_successor: Option<&str>,
) -> ServiceResult<Vec<CustomerHandoverTask>> {
    let Some(account) = leaver.user_id.as_deref() else {
        return Ok(Vec::new());
    };
    let owned = store::customers_owned_by(connection, account)?;
    if owned.is_empty() {
        return Ok(Vec::new());
    }
    let (successor, successor_account) = successor_for(connection, leaver, named_successor)?;
    let now = caller.actor().at.stored();
    let mut tasks = Vec::with_capacity(owned.len());
    for customer_id in owned {
        let customer = customers::find(connection, &customer_id)?;
        customers::update(
            connection,
            caller.actor(),
            &customer.id,
            customer.version,
            &CustomerChangeset {
                owner_id: Some(Some(successor_account.clone())),
                ..CustomerChangeset::default()
            },
        )?;
        tasks.push(CustomerHandoverTask {
            id: new_id(),
            customer_id,
            leaver_id: leaver.id.clone(),
            successor_id: successor.clone(),
            status: HandoverTaskStatus::Open.as_str().into(),
            promised_services: None,
            completed_by: None,
            completed_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        });
    }
    store::insert_handover_tasks(connection, caller.actor(), &tasks)?;
    Ok(tasks)
}

/// EMP-4, CARE-4: what every departure opens, however it is recorded (an accepted
/// resignation, or HR setting the leaving date): the hand-back checklist, and a hand-over task
/// for each customer the leaver owned, whose ownership passes to the successor.
pub fn open_departure(
    connection: &mut DbConnection,
    caller: &impl Identity,
    leaver: &Employee,
    named_successor: Option<&str>,
) -> ServiceResult<(DepartureChecklist, Vec<CustomerHandoverTask>)> {
    let checklist = match store::find_checklist(connection, &leaver.id)? {
        Some(existing) => existing,
        None => {
            let fresh = DepartureChecklist::empty(&leaver.id, caller.actor().at.stored());
            store::save_checklist(
                connection,
                caller.actor(),
                "departure_checklist.open",
                None,
                &fresh,
            )?;
            fresh
        }
    };
    let tasks = hand_over_customers(connection, caller, leaver, named_successor)?;
    Ok((checklist, tasks))
}

/// A date as the API writes it (`YYYY-MM-DD`), for a refusal's members.
pub(crate) fn iso(date: Date) -> serde_json::Value {
    zhidu_domain::iso_date::serialize(&date, serde_json::value::Serializer).unwrap_or_default()
}

/// EMP-3 refuses a resignation, naming the field concerned.
fn notice_refused(detail: String, field: &str) -> ServiceError {
    let note = format!("EMP-3: {detail}");
    ServiceError::refused("EMP-3", detail).concerning(field, note)
}

/// A resignation as the employee (or HR for them) submits it.
#[derive(Debug, Clone)]
pub struct ResignationNotice {
    pub requested_last_day: Date,
    /// EMP-3: on probation, pay instead of the notice.
    pub pay_in_lieu: bool,
    pub reason: String,
}

/// EMP-3: submits a resignation; the notice runs from today (3 days on probation, or leave at
/// once with pay in lieu; 30 days after), and a requested last day before the earliest is
/// refused with `earliest_last_day`.
pub fn submit_resignation(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    named_employee: Option<&str>,
    notice: ResignationNotice,
) -> ServiceResult<Resignation> {
    let employee = filing_employee(connection, caller, named_employee)?;
    ensure_employed(&employee)?;
    if store::has_pending_resignation(connection, &employee.id)? {
        return Err(ServiceError::conflict(format!(
            "employee {} already has a resignation waiting for HR",
            employee.id
        )));
    }
    let actor = caller.actor();
    let submitted_on = actor.at.today();
    let probation = on_probation(employee.probation_end, submitted_on);
    let earliest = earliest_leaving_date(policy, submitted_on, probation, notice.pay_in_lieu)
        .map_err(|refused| notice_refused(refused.to_string(), "pay_in_lieu"))?;
    if notice.requested_last_day < earliest {
        return Err(notice_refused(
            format!(
                "the notice ends on {earliest}: the last day may not be earlier ({} requested)",
                notice.requested_last_day
            ),
            "requested_last_day",
        )
        .with("earliest_last_day", iso(earliest)));
    }
    let now = actor.at.stored();
    let resignation = Resignation {
        id: new_id(),
        employee_id: employee.id,
        submitted_at: now,
        submitted_on,
        on_probation: probation,
        pay_in_lieu: notice.pay_in_lieu,
        pay_in_lieu_days: if notice.pay_in_lieu {
            i32::try_from(policy.pay_in_lieu_days).unwrap_or(i32::MAX)
        } else {
            0
        },
        earliest_last_day: earliest,
        requested_last_day: notice.requested_last_day,
        reason: notice.reason.trim().to_owned(),
        status: ResignationStatus::Pending.as_str().into(),
        decided_by: None,
        decided_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_resignation(connection, actor, &resignation)?;
    Ok(resignation)
}

/// Resignation `id` with its employee if the caller may read the employee's records;
/// otherwise not found.
pub fn readable_resignation(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<(Resignation, Employee)> {
    let not_found = || ServiceError::not_found(format!("no resignation {id}"));
    let row = store::find_resignation(connection, id)?.ok_or_else(not_found)?;
    let employee =
        readable_employee(connection, caller, &row.employee_id).map_err(|_| not_found())?;
    Ok((row, employee))
}

/// Refuses a change to a resignation no longer pending (`settled` words the conflict from
/// its status) or changed since the client read it.
fn ensure_pending(
    resignation: &Resignation,
    version: i64,
    settled: impl FnOnce(&str) -> String,
) -> ServiceResult<()> {
    if read_stored::<ResignationStatus>(&resignation.status)? != ResignationStatus::Pending {
        return Err(ServiceError::conflict(settled(&resignation.status)));
    }
    if resignation.version != version {
        return Err(ServiceError::Stale(
            "the resignation changed since you read it".into(),
        ));
    }
    Ok(())
}

/// What accepting a resignation did.
#[derive(Debug, Clone)]
pub struct AcceptedResignation {
    pub resignation: Resignation,
    pub left_on: Date,
    /// EMP-4: the items to hand back.
    pub outstanding_items: Vec<ChecklistItem>,
    /// CARE-4: one task per customer the leaver owned.
    pub handover_tasks: Vec<CustomerHandoverTask>,
}

/// EMP-3, EMP-4, CARE-4: accepts a resignation (HR): the employee leaves on the requested
/// last day for resignation, and the departure opens (checklist, customers to the successor).
pub fn accept_resignation(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    id: &str,
    version: i64,
    successor_id: Option<&str>,
) -> ServiceResult<AcceptedResignation> {
    let (before, employee) = readable_resignation(connection, caller, id)?;
    ensure_pending(&before, version, |status| {
        format!("the resignation is already {status}")
    })?;
    ensure_employed(&employee)?;
    let actor = caller.actor();
    let now = actor.at.stored();
    let after = Resignation {
        status: ResignationStatus::Accepted.as_str().into(),
        decided_by: Some(caller.subject().to_owned()),
        decided_at: Some(now),
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    store::update_resignation(connection, actor, "resignation.accept", &before, &after)?;
    let leaver = Employee {
        left_on: Some(before.requested_last_day),
        leaving_reason: Some(LeavingReason::Resignation.name().to_owned()),
        version: employee.version + 1,
        updated_at: now,
        ..employee.clone()
    };
    people::update_employee(connection, actor, "employee.leave", &employee, &leaver)?;
    let (checklist, tasks) = open_departure(connection, caller, &employee, successor_id)?;
    Ok(AcceptedResignation {
        resignation: after,
        left_on: before.requested_last_day,
        outstanding_items: outstanding_items(policy, &checklist.returned_items()),
        handover_tasks: tasks,
    })
}

/// Withdraws a resignation before HR accepts it (the employee, or HR).
pub fn withdraw_resignation(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
) -> ServiceResult<Resignation> {
    let (before, employee) = readable_resignation(connection, caller, id)?;
    let own = employee.user_id.as_deref() == Some(caller.subject());
    if !own && !caller.has_any(roles::PEOPLE_ADMINS) {
        return Err(ServiceError::forbidden(
            "only the employee (or HR) withdraws a resignation",
        ));
    }
    ensure_pending(&before, version, |status| {
        format!("an {status} resignation cannot be withdrawn")
    })?;
    let actor = caller.actor();
    let after = Resignation {
        status: ResignationStatus::Withdrawn.as_str().into(),
        version: before.version + 1,
        updated_at: actor.at.stored(),
        ..before.clone()
    };
    store::update_resignation(connection, actor, "resignation.withdraw", &before, &after)?;
    Ok(after)
}

/// A leaver's checklist as stored (`None` for a departure recorded without a resignation)
/// and as it stands (empty, version 0, when not stored), with the last day.
#[derive(Debug, Clone)]
pub struct Departure {
    pub left_on: Date,
    stored: Option<DepartureChecklist>,
    pub current: DepartureChecklist,
}

/// The departure of `employee` as of `at`; conflict for an employee who has not left.
fn departure_of(
    connection: &mut DbConnection,
    employee: &Employee,
    at: Moment,
) -> ServiceResult<Departure> {
    let Some(left_on) = employee.left_on else {
        return Err(ServiceError::conflict(format!(
            "employee {} has not left; there is no departure checklist",
            employee.id
        )));
    };
    let stored = store::find_checklist(connection, &employee.id)?;
    let current = stored.clone().unwrap_or_else(|| DepartureChecklist {
        version: 0,
        ..DepartureChecklist::empty(&employee.id, at.stored())
    });
    Ok(Departure {
        left_on,
        stored,
        current,
    })
}

/// EMP-4: the departure of employee `id`, if the caller may read their records.
pub fn departure(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Departure> {
    let employee = readable_employee(connection, caller, id)?;
    departure_of(connection, &employee, caller.actor().at)
}

/// EMP-4: records that leaver `id` handed `item` back, at the checklist version the client
/// read; conflict for an item already back.
pub fn return_item(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    item: ChecklistItem,
    version: i64,
) -> ServiceResult<Departure> {
    let employee = people::find_employee(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no employee {id}")))?;
    let actor = caller.actor();
    let Departure {
        left_on,
        stored,
        current,
    } = departure_of(connection, &employee, actor.at)?;
    if current.version != version {
        return Err(ServiceError::Stale(
            "the checklist changed since you read it".into(),
        ));
    }
    if current.item(item).0.is_some() {
        return Err(ServiceError::conflict(format!(
            "{} has already been handed back",
            item.name()
        )));
    }
    let now = actor.at.stored();
    let after = DepartureChecklist {
        version: current.version + 1,
        updated_at: now,
        ..current.with_item(item, (Some(now), Some(caller.subject().to_owned())))
    };
    store::save_checklist(
        connection,
        actor,
        "departure_checklist.return_item",
        stored.as_ref(),
        &after,
    )?;
    Ok(Departure {
        left_on,
        stored: Some(after.clone()),
        current: after,
    })
}

/// The facts a leaving certificate states.
#[derive(Debug, Clone)]
pub struct CertificateFacts {
    pub employee: Employee,
    pub left_on: Date,
    pub leaving_reason: Option<LeavingReason>,
    pub department: Department,
}

/// EMP-4: the facts of leaver `id`'s leaving certificate, if the caller may read their
/// records; `Err` with the items still out while any is.
pub fn leaving_certificate(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &EmploymentPolicy,
    id: &str,
) -> ServiceResult<Result<CertificateFacts, Vec<ChecklistItem>>> {
    let employee = readable_employee(connection, caller, id)?;
    let Departure {
        left_on, current, ..
    } = departure_of(connection, &employee, caller.actor().at)?;
    let outstanding = outstanding_items(policy, &current.returned_items());
    if !outstanding.is_empty() {
        return Ok(Err(outstanding));
    }
    let department =
        people::find_department(connection, &employee.department_id)?.ok_or_else(|| {
            StoreError::Corrupt(format!("employee {} without department", employee.id))
        })?;
    Ok(Ok(CertificateFacts {
        leaving_reason: leaving_reason_of(&employee)?,
        employee,
        left_on,
        department,
    }))
}

/// CARE-4 hand-over tasks, oldest first: the successor named, or the caller's own (HR, admin
/// and the general manager: everyone's when none is named).
pub fn list_tasks(
    connection: &mut DbConnection,
    caller: &impl Identity,
    assignee: Option<String>,
    status: Option<HandoverTaskStatus>,
    after: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<CustomerHandoverTask>> {
    let assignee = listing_subject(
        connection,
        caller,
        assignee,
        caller.has_any(roles::PEOPLE_OVERSEERS),
        "assignee",
    )?;
    Ok(store::list_handover_tasks(
        connection,
        assignee.as_deref(),
        status.map(HandoverTaskStatus::as_str),
        after,
        limit,
    )?)
}

/// CARE-4: completes a hand-over task (the successor, or HR): the customer was told who takes
/// over, and the answer about promised services is recorded.
pub fn complete_task(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    promised_services: &str,
) -> ServiceResult<CustomerHandoverTask> {
    let not_found = || ServiceError::not_found(format!("no hand-over task {id}"));
    let before = store::find_handover_task(connection, id)?.ok_or_else(not_found)?;
    let mine = people::employee_of_user(connection, caller.subject())?
        .is_some_and(|me| me.id == before.successor_id);
    if !mine && !caller.has_any(roles::PEOPLE_ADMINS) {
        readable_employee(connection, caller, &before.successor_id).map_err(|_| not_found())?;
        return Err(ServiceError::forbidden(
            "only the successor (or HR) completes a hand-over task",
        ));
    }
    if read_stored::<HandoverTaskStatus>(&before.status)? != HandoverTaskStatus::Open {
        return Err(ServiceError::conflict("the hand-over task is already done"));
    }
    if before.version != version {
        return Err(ServiceError::Stale(
            "the task changed since you read it".into(),
        ));
    }
    let actor = caller.actor();
    let now = actor.at.stored();
    let after = CustomerHandoverTask {
        status: HandoverTaskStatus::Done.as_str().into(),
        promised_services: Some(promised_services.trim().to_owned()),
        completed_by: Some(caller.subject().to_owned()),
        completed_at: Some(now),
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    store::update_handover_task(
        connection,
        actor,
        "customer_handover_task.complete",
        &before,
        &after,
    )?;
    Ok(after)
}
