//! Customer care: contract submissions (CARE-7) with their services, the phone-visit tasks and
//! visits of CARE-1, and the renewals and non-renewals of CARE-5.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, insert_rows, update_versioned};
use crate::schema::{
    care_visit_tasks, care_visits, customer_orders, customer_services, customers,
    service_non_renewals, service_renewals, users,
};

/// CARE-7: a contract submission (提单).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = customer_orders)]
pub struct CustomerOrder {
    pub id: String,
    pub customer_id: String,
    /// The customer's owner at submission, or the submitter when it had none.
    pub salesperson_id: String,
    pub responsible_name: String,
    pub responsible_phone: String,
    pub responsible_mobile: String,
    pub responsible_email: String,
    /// The Shanghai date of submission: the initial visit's due day.
    pub ordered_on: Date,
    pub submitted_by: String,
    pub created_at: PrimitiveDateTime,
}

/// CARE-5: one service of an order.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = customer_services, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct CustomerService {
    pub id: String,
    pub order_id: String,
    pub customer_id: String,
    pub kind: String,
    pub description: String,
    pub amount_fen: i64,
    pub starts_on: Date,
    pub expires_on: Date,
    /// The day the renewal is announced to the salesperson; `None` for kinds without one.
    pub remind_on: Option<Date>,
    /// `active` or `not_renewed`.
    pub status: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// CARE-1: one scheduled phone visit.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = care_visit_tasks, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct VisitTask {
    pub id: String,
    pub order_id: String,
    pub customer_id: String,
    pub agent_id: String,
    /// `initial` or `monthly`.
    pub kind: String,
    pub due_on: Date,
    /// `due` or `done`.
    pub status: String,
    pub visit_id: Option<String>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// CARE-1: a recorded visit with its questionnaire answers.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = care_visits)]
pub struct CareVisit {
    pub id: String,
    pub task_id: String,
    pub order_id: String,
    pub customer_id: String,
    pub kind: String,
    pub satisfaction: Option<i32>,
    pub chose_us_because: Option<String>,
    pub shortcomings: Option<String>,
    pub wishes: Option<String>,
    pub staff_contacted: Option<bool>,
    pub effect_reached: Option<bool>,
    pub explanation: Option<String>,
    pub solution: Option<String>,
    pub visited_by: String,
    pub visited_at: PrimitiveDateTime,
}

/// CARE-5: one renewal of a service.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = service_renewals)]
pub struct ServiceRenewal {
    pub id: String,
    pub service_id: String,
    pub previous_expires_on: Date,
    pub new_expires_on: Date,
    pub renewed_by: String,
    pub created_at: PrimitiveDateTime,
}

/// CARE-5: a customer who did not renew a service, and why.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = service_non_renewals)]
pub struct NonRenewal {
    pub id: String,
    pub service_id: String,
    pub customer_id: String,
    pub expires_on: Date,
    pub reason: String,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

/// A service with the customer it belongs to: its name and current owner (CARE-5 lists).
#[derive(Debug, Clone, PartialEq, Queryable, Serialize)]
pub struct ServiceOfCustomer {
    pub service: CustomerService,
    pub customer_name: String,
    pub owner_id: Option<String>,
}

#[derive(Serialize)]
struct SubmittedOrder<'a> {
    order: &'a CustomerOrder,
    services: &'a [CustomerService],
    visit_tasks: usize,
}

/// CARE-7, CARE-1: stores an accepted submission with its services and scheduled visits.
pub fn insert_order(
    connection: &mut DbConnection,
    actor: &Actor,
    order: &CustomerOrder,
    services: &[CustomerService],
    tasks: &[VisitTask],
) -> StoreResult<()> {
    diesel::insert_into(customer_orders::table)
        .values(order)
        .execute(connection)?;
    insert_rows!(&mut *connection, customer_services::table, services)?;
    insert_rows!(&mut *connection, care_visit_tasks::table, tasks)?;
    audit::record(
        connection,
        actor,
        "customer_order.submit",
        ("customer_order", &order.id),
        None::<&()>,
        Some(&SubmittedOrder {
            order,
            services,
            visit_tasks: tasks.len(),
        }),
    )
}

pub fn find_order(connection: &mut DbConnection, id: &str) -> StoreResult<Option<CustomerOrder>> {
    Ok(customer_orders::table
        .find(id)
        .select(CustomerOrder::as_select())
        .first(connection)
        .optional()?)
}

/// Orders in id (creation) order, of one customer or all, after `after_id`; one more than
/// `limit` tells the caller another page exists.
pub fn list_orders(
    connection: &mut DbConnection,
    customer_id: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<CustomerOrder>> {
    let mut query = customer_orders::table
        .select(CustomerOrder::as_select())
        .order(customer_orders::id.asc())
        .limit(limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(customer) = customer_id {
        query = query.filter(customer_orders::customer_id.eq(customer.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(customer_orders::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// The services of the given orders, by order then id.
pub fn services_of_orders(
    connection: &mut DbConnection,
    order_ids: &[String],
) -> StoreResult<Vec<CustomerService>> {
    Ok(customer_services::table
        .filter(customer_services::order_id.eq_any(order_ids))
        .order((
            customer_services::order_id.asc(),
            customer_services::id.asc(),
        ))
        .select(CustomerService::as_select())
        .load(connection)?)
}

/// The visit tasks of one order, by due day.
pub fn visit_tasks_of_order(
    connection: &mut DbConnection,
    order_id: &str,
) -> StoreResult<Vec<VisitTask>> {
    Ok(care_visit_tasks::table
        .filter(care_visit_tasks::order_id.eq(order_id))
        .order((care_visit_tasks::due_on.asc(), care_visit_tasks::id.asc()))
        .select(VisitTask::as_select())
        .load(connection)?)
}

pub fn find_visit_task(connection: &mut DbConnection, id: &str) -> StoreResult<Option<VisitTask>> {
    Ok(care_visit_tasks::table
        .find(id)
        .select(VisitTask::as_select())
        .first(connection)
        .optional()?)
}

/// CARE-1: stores `visit` and marks its task done, while the task is still at
/// `before.version`.
pub fn record_visit(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &VisitTask,
    after: &VisitTask,
    visit: &CareVisit,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, care_visit_tasks, before, after)?;
    diesel::insert_into(care_visits::table)
        .values(visit)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "care_visit.record",
        ("care_visit", &visit.id),
        Some(before),
        Some(visit),
    )
}

/// CARE-1: open visit tasks due on or before `as_of`, of one agent or all, in (due day, id)
/// order after the `after` key; one more than `limit` tells the caller another page exists.
pub fn due_visit_tasks(
    connection: &mut DbConnection,
    as_of: Date,
    agent_id: Option<&str>,
    after: Option<(Date, String)>,
    limit: i64,
) -> StoreResult<Vec<VisitTask>> {
    // A literal, not a bound parameter: SQLite uses the partial indexes `WHERE status = 'due'`
    // only when the query states that very constant.
    let mut query = care_visit_tasks::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "care_visit_tasks.status = 'due'",
        ))
        .filter(care_visit_tasks::due_on.le(as_of))
        .order((care_visit_tasks::due_on.asc(), care_visit_tasks::id.asc()))
        .limit(limit + 1)
        .select(VisitTask::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(agent) = agent_id {
        query = query.filter(care_visit_tasks::agent_id.eq(agent.to_owned()));
    }
    if let Some((due_on, id)) = after {
        query = query.filter(
            care_visit_tasks::due_on
                .gt(due_on)
                .or(care_visit_tasks::due_on
                    .eq(due_on)
                    .and(care_visit_tasks::id.gt(id))),
        );
    }
    Ok(query.load(connection)?)
}

/// Services still active, written as the literal the partial indexes
/// `customer_services_expiring` and `customer_services_reminding` state (SQLite matches a
/// partial index only on the same constant, never on a bound parameter).
fn active_services() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>("customer_services.status = 'active'")
}

pub fn find_service(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<CustomerService>> {
    Ok(customer_services::table
        .find(id)
        .select(CustomerService::as_select())
        .first(connection)
        .optional()?)
}

/// CARE-5: writes the renewed service over `before` (stale version: `StaleVersion`) and
/// records the renewal.
pub fn renew_service(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &CustomerService,
    after: &CustomerService,
    renewal: &ServiceRenewal,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, customer_services, before, after)?;
    diesel::insert_into(service_renewals::table)
        .values(renewal)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "customer_service.renew",
        ("customer_service", &before.id),
        Some(before),
        Some(after),
    )
}

/// CARE-5: ends the service (`after`, over `before` at its version) and records why the
/// customer did not renew.
pub fn record_non_renewal(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &CustomerService,
    after: &CustomerService,
    non_renewal: &NonRenewal,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, customer_services, before, after)?;
    diesel::insert_into(service_non_renewals::table)
        .values(non_renewal)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "customer_service.not_renewed",
        ("customer_service", &before.id),
        Some(before),
        Some(non_renewal),
    )
}

/// What a CARE-5 list of active services selects: the service, the customer's name and owner.
type ServiceColumns = (
    diesel::dsl::AsSelect<CustomerService, MultiBackend>,
    customers::full_name,
    customers::owner_id,
);

fn service_columns() -> ServiceColumns {
    (
        CustomerService::as_select(),
        customers::full_name,
        customers::owner_id,
    )
}

/// CARE-5: active services whose reminder day is on or before `as_of` and whose expiry is on
/// or after it, of customers owned by `owner_id` (every owned customer when `None`), in id
/// order after `after_id`; one more than `limit` tells the caller another page exists.
pub fn services_reminding(
    connection: &mut DbConnection,
    as_of: Date,
    owner_id: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<ServiceOfCustomer>> {
    let mut query = customer_services::table
        .inner_join(customers::table)
        .filter(active_services())
        .filter(customer_services::remind_on.le(as_of))
        .filter(customer_services::expires_on.ge(as_of))
        .filter(customers::owner_id.is_not_null())
        .order(customer_services::id.asc())
        .limit(limit + 1)
        .select(service_columns())
        .into_boxed::<MultiBackend>();
    if let Some(owner) = owner_id {
        query = query.filter(customers::owner_id.eq(owner.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(customer_services::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// CARE-5: active services expiring in `first..=last` of customers with no responsible
/// salesperson — no owner, or an owner whose account is deactivated — in id order after
/// `after_id`; one more than `limit` tells the caller another page exists.
pub fn unowned_services_expiring(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<ServiceOfCustomer>> {
    let deactivated = users::table
        .filter(users::active.eq(false))
        .select(users::id.nullable());
    let mut query = customer_services::table
        .inner_join(customers::table)
        .filter(active_services())
        .filter(customer_services::expires_on.between(first, last))
        .filter(
            customers::owner_id
                .is_null()
                .or(customers::owner_id.eq_any(deactivated)),
        )
        .order(customer_services::id.asc())
        .limit(limit + 1)
        .select(service_columns())
        .into_boxed::<MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(customer_services::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// CARE-5: recorded non-renewals of services that expired in `first..=last`, in id order
/// after `after_id`; one more than `limit` tells the caller another page exists.
pub fn non_renewals_expiring(
    connection: &mut DbConnection,
    first: Date,
    last: Date,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<NonRenewal>> {
    let mut query = service_non_renewals::table
        .filter(service_non_renewals::expires_on.between(first, last))
        .order(service_non_renewals::id.asc())
        .limit(limit + 1)
        .select(NonRenewal::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(service_non_renewals::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}
