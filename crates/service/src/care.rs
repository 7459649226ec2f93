//! Customer care: contract submissions with their services (CARE-7), the phone visits they
//! schedule (CARE-1), and renewals (CARE-5).

use time::Date;
use zhidu_domain::care::{
    CarePolicy, ServiceKind, ServiceStatus, VisitAnswers, VisitKind, VisitTaskStatus,
    renewal_reminder_due, renewal_reminder_on, visit_days_overdue, visit_questionnaire_problems,
    visit_schedule,
};
use zhidu_domain::money::Money;
use zhidu_store::care::ServiceRenewal;
use zhidu_store::db::DbConnection;
use zhidu_store::{care, new_id, users};

pub use zhidu_store::care::{
    CareVisit, CustomerOrder, CustomerService, NonRenewal, ServiceOfCustomer, VisitTask,
};
pub use zhidu_store::{StoreError, read_stored};

use crate::access::Identity;
use crate::customers::existing_customer;
use crate::error::{ServiceError, ServiceResult};

/// One service of a contract submission, its dates already checked against each other.
#[derive(Debug, Clone)]
pub struct NewService {
    pub kind: ServiceKind,
    pub description: String,
    pub amount: Money,
    pub starts_on: Date,
    pub expires_on: Date,
}

/// A contract submission whose responsible person CARE-7 already found complete.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub customer_id: String,
    pub responsible_name: String,
    pub responsible_phone: String,
    pub responsible_mobile: String,
    pub responsible_email: String,
    pub services: Vec<NewService>,
}

/// An order with its services and, when one order is read, its scheduled visits.
#[derive(Debug, Clone)]
pub struct OrderRecords {
    pub order: CustomerOrder,
    pub services: Vec<CustomerService>,
    pub tasks: Option<Vec<VisitTask>>,
}

/// The customer's owner when that account is active, else the submitter.
fn responsible_salesperson(
    connection: &mut DbConnection,
    owner_id: Option<&str>,
    submitter: &str,
) -> ServiceResult<String> {
    match owner_id {
        Some(owner) if users::find(connection, owner)?.active => Ok(owner.to_owned()),
        _ => Ok(submitter.to_owned()),
    }
}

/// The services an order sells, each reminded of per CARE-5, and the visits CARE-1 schedules.
fn order_parts(
    services: &[NewService],
    order: &CustomerOrder,
    policy: &CarePolicy,
) -> (Vec<CustomerService>, Vec<VisitTask>) {
    let now = order.created_at;
    let services = services
        .iter()
        .map(|s| CustomerService {
            id: new_id(),
            order_id: order.id.clone(),
            customer_id: order.customer_id.clone(),
            kind: s.kind.as_str().to_owned(),
            description: s.description.trim().to_owned(),
            amount_fen: s.amount.fen(),
            starts_on: s.starts_on,
            expires_on: s.expires_on,
            remind_on: renewal_reminder_on(s.kind, s.expires_on, policy),
            status: ServiceStatus::Active.as_str().to_owned(),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let tasks = visit_schedule(order.ordered_on, policy)
        .into_iter()
        .map(|(kind, due_on)| VisitTask {
            id: new_id(),
            order_id: order.id.clone(),
            customer_id: order.customer_id.clone(),
            agent_id: order.salesperson_id.clone(),
            kind: kind.as_str().to_owned(),
            due_on,
            status: VisitTaskStatus::Due.as_str().to_owned(),
            visit_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    (services, tasks)
}

/// CARE-7 and CARE-1: stores a contract submission with its services and schedules the initial
/// phone visit today (Shanghai) and one a month for the next 12 months, due to the customer's
/// owner (the submitter when the customer has no active owner).
pub fn submit_order(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &CarePolicy,
    new: NewOrder,
) -> ServiceResult<OrderRecords> {
    let actor = caller.actor();
    let customer = existing_customer(connection, "customer_id", &new.customer_id)?;
    let salesperson_id =
        responsible_salesperson(connection, customer.owner_id.as_deref(), &actor.subject)?;
    let order = CustomerOrder {
        id: new_id(),
        customer_id: customer.id,
        salesperson_id,
        responsible_name: new.responsible_name.trim().to_owned(),
        responsible_phone: new.responsible_phone.trim().to_owned(),
        responsible_mobile: new.responsible_mobile.trim().to_owned(),
        responsible_email: new.responsible_email.trim().to_owned(),
        ordered_on: actor.at.today(),
        submitted_by: actor.subject.clone(),
        created_at: actor.at.stored(),
    };
    let (services, tasks) = order_parts(&new.services, &order, policy);
    care::insert_order(connection, actor, &order, &services, &tasks)?;
    Ok(OrderRecords {
        order,
        services,
        tasks: Some(tasks),
    })
}

/// Orders with their services, oldest first, optionally of one customer.
pub fn list_orders(
    connection: &mut DbConnection,
    customer_id: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<OrderRecords>> {
    let orders = care::list_orders(connection, customer_id, after_id, limit)?;
    let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
    let mut services = care::services_of_orders(connection, &ids)?;
    Ok(orders
        .into_iter()
        .map(|order| {
            let (mine, rest) = services.drain(..).partition(|s| s.order_id == order.id);
            services = rest;
            OrderRecords {
                order,
                services: mine,
                tasks: None,
            }
        })
        .collect())
}

/// One order with its services and its scheduled visits.
pub fn find_order(connection: &mut DbConnection, id: &str) -> ServiceResult<OrderRecords> {
    let order = care::find_order(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no customer order {id}")))?;
    let services = care::services_of_orders(connection, std::slice::from_ref(&order.id))?;
    let tasks = care::visit_tasks_of_order(connection, &order.id)?;
    Ok(OrderRecords {
        order,
        services,
        tasks: Some(tasks),
    })
}

/// A phone visit's answers as the caller gave them.
#[derive(Debug, Clone, Default)]
pub struct VisitRecord {
    pub task_id: String,
    pub version: i64,
    pub satisfaction: Option<i32>,
    pub chose_us_because: Option<String>,
    pub shortcomings: Option<String>,
    pub wishes: Option<String>,
    pub staff_contacted: Option<bool>,
    pub effect_reached: Option<bool>,
    pub explanation: Option<String>,
    pub solution: Option<String>,
}

/// CARE-1: the answers checked against the questionnaire of `kind`, every problem named.
fn check_answers(kind: VisitKind, record: &VisitRecord) -> ServiceResult<()> {
    let problems = visit_questionnaire_problems(
        kind,
        &VisitAnswers {
            satisfaction: record.satisfaction,
            chose_us_because: record.chose_us_because.as_deref(),
            shortcomings: record.shortcomings.as_deref(),
            wishes: record.wishes.as_deref(),
            staff_contacted: record.staff_contacted,
            effect_reached: record.effect_reached,
            explanation: record.explanation.as_deref(),
            solution: record.solution.as_deref(),
        },
    );
    if problems.is_empty() {
        return Ok(());
    }
    let refusal = ServiceError::refused(
        "CARE-1",
        format!(
            "the answers do not fit the questionnaire of a {} visit",
            kind.as_str()
        ),
    );
    Err(problems
        .into_iter()
        .fold(refusal, |refusal, (field, message)| {
            refusal.concerning(field, message)
        }))
}

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned())
}

/// CARE-1: records a phone visit against a task that is due (not done, its day reached) at
/// the version the caller read, with the answers its kind asks for.
pub fn record_visit(
    connection: &mut DbConnection,
    caller: &impl Identity,
    record: VisitRecord,
) -> ServiceResult<CareVisit> {
    let actor = caller.actor();
    let task = care::find_visit_task(connection, &record.task_id)?
        .ok_or_else(|| ServiceError::not_found(format!("no visit task {}", record.task_id)))?;
    if read_stored::<VisitTaskStatus>(&task.status)? != VisitTaskStatus::Due {
        return Err(ServiceError::conflict(format!(
            "visit task {} is already done",
            task.id
        )));
    }
    let today = actor.at.today();
    if task.due_on > today {
        return Err(ServiceError::conflict(format!(
            "visit task {} is not due until {}",
            task.id, task.due_on
        )));
    }
    if task.version != record.version {
        return Err(StoreError::StaleVersion.into());
    }
    let kind = read_stored(&task.kind)?;
    check_answers(kind, &record)?;
    let now = actor.at.stored();
    let visit = CareVisit {
        id: new_id(),
        task_id: task.id.clone(),
        order_id: task.order_id.clone(),
        customer_id: task.customer_id.clone(),
        kind: task.kind.clone(),
        satisfaction: record.satisfaction,
        chose_us_because: trimmed(record.chose_us_because),
        shortcomings: trimmed(record.shortcomings),
        wishes: trimmed(record.wishes),
        staff_contacted: record.staff_contacted,
        effect_reached: record.effect_reached,
        explanation: trimmed(record.explanation),
        solution: trimmed(record.solution),
        visited_by: actor.subject.clone(),
        visited_at: now,
    };
    let done = VisitTask {
        status: VisitTaskStatus::Done.as_str().to_owned(),
        visit_id: Some(visit.id.clone()),
        version: task.version + 1,
        updated_at: now,
        ..task.clone()
    };
    care::record_visit(connection, actor, &task, &done, &visit)?;
    Ok(visit)
}

/// CARE-1: phone visits due on or before `as_of` and not yet done, oldest due first, of one
/// agent or of all, each with the days it is overdue.
pub fn due_visits(
    connection: &mut DbConnection,
    as_of: Date,
    agent: Option<&str>,
    after: Option<(Date, String)>,
    limit: i64,
) -> ServiceResult<Vec<(VisitTask, i64)>> {
    Ok(
        care::due_visit_tasks(connection, as_of, agent, after, limit)?
            .into_iter()
            .map(|task| {
                let days_overdue = visit_days_overdue(task.due_on, as_of);
                (task, days_overdue)
            })
            .collect(),
    )
}

/// CARE-5: active services expiring between `first` and `last` of customers without a
/// responsible salesperson (no owner, or a deactivated one).
pub fn unowned_renewals(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<ServiceOfCustomer>> {
    Ok(care::unowned_services_expiring(
        connection, first, last, after_id, limit,
    )?)
}

/// CARE-5: the renewal reminders due on `as_of` to the customers' owners (one owner's when
/// `agent` is given).
pub fn renewal_reminders(
    connection: &mut DbConnection,
    policy: &CarePolicy,
    as_of: Date,
    agent: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<ServiceOfCustomer>> {
    let rows = care::services_reminding(connection, as_of, agent, after_id, limit)?;
    let mut due = Vec::with_capacity(rows.len());
    for row in rows {
        let kind = read_stored(&row.service.kind)?;
        if renewal_reminder_due(kind, row.service.expires_on, as_of, policy) {
            due.push(row);
        }
    }
    Ok(due)
}

/// CARE-5: the recorded non-renewals of services that expired between `first` and `last`.
pub fn non_renewals(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<NonRenewal>> {
    Ok(care::non_renewals_expiring(
        connection, first, last, after_id, limit,
    )?)
}

/// An active service at the version the client read: not found, a conflict once it is no
/// longer active, stale.
fn active_service(
    connection: &mut DbConnection,
    id: &str,
    version: i64,
) -> ServiceResult<CustomerService> {
    let service = care::find_service(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no service {id}")))?;
    if read_stored::<ServiceStatus>(&service.status)? != ServiceStatus::Active {
        return Err(ServiceError::conflict(format!(
            "service {id} is {}; it can no longer be renewed or refused",
            service.status
        )));
    }
    if service.version != version {
        return Err(StoreError::StaleVersion.into());
    }
    Ok(service)
}

/// CARE-5: the customer renewed service `id`: its expiry moves to `new_expires_on` (after the
/// current one) and its reminder day follows.
pub fn renew_service(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &CarePolicy,
    id: &str,
    version: i64,
    new_expires_on: Date,
) -> ServiceResult<CustomerService> {
    let actor = caller.actor();
    let before = active_service(connection, id, version)?;
    if new_expires_on <= before.expires_on {
        return Err(ServiceError::field_refused(
            "new_expires_on",
            format!("must be after the current expiry {}", before.expires_on),
        ));
    }
    let kind = read_stored(&before.kind)?;
    let now = actor.at.stored();
    let after = CustomerService {
        expires_on: new_expires_on,
        remind_on: renewal_reminder_on(kind, new_expires_on, policy),
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    let renewal = ServiceRenewal {
        id: new_id(),
        service_id: before.id.clone(),
        previous_expires_on: before.expires_on,
        new_expires_on,
        renewed_by: actor.subject.clone(),
        created_at: now,
    };
    care::renew_service(connection, actor, &before, &after, &renewal)?;
    Ok(after)
}

/// CARE-5: the customer did not renew service `id`; the reason is recorded and the service
/// leaves the reminder and unowned lists.
pub fn refuse_renewal(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    version: i64,
    reason: &str,
) -> ServiceResult<NonRenewal> {
    let actor = caller.actor();
    let before = active_service(connection, id, version)?;
    let now = actor.at.stored();
    let after = CustomerService {
        status: ServiceStatus::NotRenewed.as_str().to_owned(),
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    let non_renewal = NonRenewal {
        id: new_id(),
        service_id: before.id.clone(),
        customer_id: before.customer_id.clone(),
        expires_on: before.expires_on,
        reason: reason.trim().to_owned(),
        recorded_by: actor.subject.clone(),
        created_at: now,
    };
    care::record_non_renewal(connection, actor, &before, &after, &non_renewal)?;
    Ok(non_renewal)
}
