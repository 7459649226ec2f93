//! The employment lifecycle (EMP-1..5): performance records, probation extensions,
//! regularization applications, resignations, departure checklists and the CARE-4 customer
//! hand-over tasks of a departure.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};
use zhidu_domain::person::ChecklistItem;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, insert_rows, save_versioned, update_versioned};
use crate::schema::{
    customer_handover_tasks, customers, departure_checklists, employees, performance_records,
    probation_extensions, regularization_applications, resignations,
};

/// EMP-2, EMP-5: one employee's performance and company-funded spend in one month.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = performance_records)]
pub struct PerformanceRecord {
    pub employee_id: String,
    /// The first day of the month.
    pub month: Date,
    pub performance_fen: i64,
    pub company_funded_spend_fen: i64,
    pub note: String,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

pub fn insert_performance_record(
    connection: &mut DbConnection,
    actor: &Actor,
    record: &PerformanceRecord,
) -> StoreResult<()> {
    diesel::insert_into(performance_records::table)
        .values(record)
        .execute(connection)?;
    let key = format!("{}/{}", record.employee_id, record.month);
    audit::record(
        connection,
        actor,
        "performance_record.create",
        ("performance_record", &key),
        None::<&()>,
        Some(record),
    )
}

/// One employee's records with `month` in `first..=last` (any month when `None`), by month.
pub fn performance_records_of(
    connection: &mut DbConnection,
    employee_id: &str,
    first: Option<Date>,
    last: Option<Date>,
) -> StoreResult<Vec<PerformanceRecord>> {
    let mut query = performance_records::table
        .filter(performance_records::employee_id.eq(employee_id.to_owned()))
        .order(performance_records::month.asc())
        .select(PerformanceRecord::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(first) = first {
        query = query.filter(performance_records::month.ge(first));
    }
    if let Some(last) = last {
        query = query.filter(performance_records::month.le(last));
    }
    Ok(query.load(connection)?)
}

/// EMP-1: one extension HR granted.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = probation_extensions)]
pub struct ProbationExtension {
    pub id: String,
    pub employee_id: String,
    pub previous_end: Date,
    pub new_end: Date,
    pub reason: String,
    pub granted_by: String,
    pub created_at: PrimitiveDateTime,
}

pub fn insert_probation_extension(
    connection: &mut DbConnection,
    actor: &Actor,
    extension: &ProbationExtension,
) -> StoreResult<()> {
    diesel::insert_into(probation_extensions::table)
        .values(extension)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "probation_extension.grant",
        ("probation_extension", &extension.id),
        None::<&()>,
        Some(extension),
    )
}

/// One employee's extensions, oldest first.
pub fn probation_extensions_of(
    connection: &mut DbConnection,
    employee_id: &str,
) -> StoreResult<Vec<ProbationExtension>> {
    Ok(probation_extensions::table
        .filter(probation_extensions::employee_id.eq(employee_id))
        .order(probation_extensions::id.asc())
        .select(ProbationExtension::as_select())
        .load(connection)?)
}

/// EMP-2: a regularization form decided on the approval chain.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = regularization_applications)]
pub struct RegularizationApplication {
    pub id: String,
    pub employee_id: String,
    pub statement: String,
    /// The recorded performance checked at filing.
    pub performance_fen: i64,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_regularization_application(
    connection: &mut DbConnection,
    actor: &Actor,
    application: &RegularizationApplication,
) -> StoreResult<()> {
    diesel::insert_into(regularization_applications::table)
        .values(application)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "regularization_application.file",
        ("regularization_application", &application.id),
        None::<&()>,
        Some(application),
    )
}

pub fn find_regularization_application(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<RegularizationApplication>> {
    Ok(regularization_applications::table
        .find(id)
        .select(RegularizationApplication::as_select())
        .first(connection)
        .optional()?)
}

pub fn update_regularization_application(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &RegularizationApplication,
    after: &RegularizationApplication,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, regularization_applications, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("regularization_application", &before.id),
        Some(before),
        Some(after),
    )
}

/// The applications of one employee with one of `statuses`.
pub fn regularization_applications_of(
    connection: &mut DbConnection,
    employee_id: &str,
    statuses: &[&str],
) -> StoreResult<Vec<RegularizationApplication>> {
    Ok(regularization_applications::table
        .filter(regularization_applications::employee_id.eq(employee_id))
        .filter(regularization_applications::status.eq_any(statuses.to_vec()))
        .order(regularization_applications::id.asc())
        .select(RegularizationApplication::as_select())
        .load(connection)?)
}

/// Applications, newest first, of the given employees (everyone when `None`), after
/// `before_id`; one more than `limit` tells the caller another page exists.
pub fn list_regularization_applications(
    connection: &mut DbConnection,
    employee_ids: Option<&[String]>,
    status: Option<&str>,
    before_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<RegularizationApplication>> {
    let mut query = regularization_applications::table
        .order(regularization_applications::id.desc())
        .limit(limit + 1)
        .select(RegularizationApplication::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(ids) = employee_ids {
        query = query.filter(regularization_applications::employee_id.eq_any(ids.to_vec()));
    }
    if let Some(status) = status {
        query = query.filter(regularization_applications::status.eq(status.to_owned()));
    }
    if let Some(before) = before_id {
        query = query.filter(regularization_applications::id.lt(before.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// EMP-3: a resignation with the notice computed at submission.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = resignations, treat_none_as_null = true)]
pub struct Resignation {
    pub id: String,
    pub employee_id: String,
    pub submitted_at: PrimitiveDateTime,
    /// The local date of submission, from which the notice runs.
    pub submitted_on: Date,
    pub on_probation: bool,
    pub pay_in_lieu: bool,
    /// Days of pay that replace the notice (0 without pay in lieu).
    pub pay_in_lieu_days: i32,
    pub earliest_last_day: Date,
    pub requested_last_day: Date,
    pub reason: String,
    /// `pending`, `accepted` or `withdrawn`.
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_resignation(
    connection: &mut DbConnection,
    actor: &Actor,
    resignation: &Resignation,
) -> StoreResult<()> {
    diesel::insert_into(resignations::table)
        .values(resignation)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "resignation.submit",
        ("resignation", &resignation.id),
        None::<&()>,
        Some(resignation),
    )
}

pub fn find_resignation(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<Resignation>> {
    Ok(resignations::table
        .find(id)
        .select(Resignation::as_select())
        .first(connection)
        .optional()?)
}

/// Whether the employee has a resignation still waiting for HR.
pub fn has_pending_resignation(
    connection: &mut DbConnection,
    employee_id: &str,
) -> StoreResult<bool> {
    let pending: i64 = resignations::table
        .filter(resignations::employee_id.eq(employee_id))
        .filter(resignations::status.eq("pending"))
        .count()
        .get_result(connection)?;
    Ok(pending > 0)
}

pub fn update_resignation(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &Resignation,
    after: &Resignation,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, resignations, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("resignation", &before.id),
        Some(before),
        Some(after),
    )
}

/// EMP-4: the hand-back checklist of one departure. An item is back when its time is set.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = departure_checklists, treat_none_as_null = true)]
pub struct DepartureChecklist {
    pub employee_id: String,
    pub badge_returned_at: Option<PrimitiveDateTime>,
    pub badge_received_by: Option<String>,
    pub devices_returned_at: Option<PrimitiveDateTime>,
    pub devices_received_by: Option<String>,
    pub business_passwords_returned_at: Option<PrimitiveDateTime>,
    pub business_passwords_received_by: Option<String>,
    pub training_material_returned_at: Option<PrimitiveDateTime>,
    pub training_material_received_by: Option<String>,
    pub locker_key_returned_at: Option<PrimitiveDateTime>,
    pub locker_key_received_by: Option<String>,
    pub tools_returned_at: Option<PrimitiveDateTime>,
    pub tools_received_by: Option<String>,
    pub books_returned_at: Option<PrimitiveDateTime>,
    pub books_received_by: Option<String>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// When an item came back and to whom (a staff account).
pub type Return = (Option<PrimitiveDateTime>, Option<String>);

impl DepartureChecklist {
    /// A checklist with nothing handed back yet.
    pub fn empty(employee_id: &str, now: PrimitiveDateTime) -> Self {
        DepartureChecklist {
            employee_id: employee_id.to_owned(),
            badge_returned_at: None,
            badge_received_by: None,
            devices_returned_at: None,
            devices_received_by: None,
            business_passwords_returned_at: None,
            business_passwords_received_by: None,
            training_material_returned_at: None,
            training_material_received_by: None,
            locker_key_returned_at: None,
            locker_key_received_by: None,
            tools_returned_at: None,
            tools_received_by: None,
            books_returned_at: None,
            books_received_by: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// The return of `item`.
    pub fn item(&self, item: ChecklistItem) -> Return {
        let (at, by) = match item {
            ChecklistItem::Badge => (&self.badge_returned_at, &self.badge_received_by),
            ChecklistItem::Devices => (&self.devices_returned_at, &self.devices_received_by),
            ChecklistItem::BusinessPasswords => (
                &self.business_passwords_returned_at,
                &self.business_passwords_received_by,
            ),
            ChecklistItem::TrainingMaterial => (
                &self.training_material_returned_at,
                &self.training_material_received_by,
            ),
            ChecklistItem::LockerKey => {
                (&self.locker_key_returned_at, &self.locker_key_received_by)
            }
            ChecklistItem::Tools => (&self.tools_returned_at, &self.tools_received_by),
            ChecklistItem::Books => (&self.books_returned_at, &self.books_received_by),
        };
        (*at, by.clone())
    }

    /// The checklist with the return of `item` set to `value`.
    pub fn with_item(&self, item: ChecklistItem, value: Return) -> Self {
        let mut next = self.clone();
        let (at, by) = match item {
            ChecklistItem::Badge => (&mut next.badge_returned_at, &mut next.badge_received_by),
            ChecklistItem::Devices => {
                (&mut next.devices_returned_at, &mut next.devices_received_by)
            }
            ChecklistItem::BusinessPasswords => (
                &mut next.business_passwords_returned_at,
                &mut next.business_passwords_received_by,
            ),
            ChecklistItem::TrainingMaterial => (
                &mut next.training_material_returned_at,
                &mut next.training_material_received_by,
            ),
            ChecklistItem::LockerKey => (
                &mut next.locker_key_returned_at,
                &mut next.locker_key_received_by,
            ),
            ChecklistItem::Tools => (&mut next.tools_returned_at, &mut next.tools_received_by),
            ChecklistItem::Books => (&mut next.books_returned_at, &mut next.books_received_by),
        };
        (*at, *by) = value;
        next
    }

    /// The items handed back.
    pub fn returned_items(&self) -> Vec<ChecklistItem> {
        ChecklistItem::ALL
            .into_iter()
            .filter(|item| self.item(*item).0.is_some())
            .collect()
    }
}

pub fn find_checklist(
    connection: &mut DbConnection,
    employee_id: &str,
) -> StoreResult<Option<DepartureChecklist>> {
    Ok(departure_checklists::table
        .find(employee_id)
        .select(DepartureChecklist::as_select())
        .first(connection)
        .optional()?)
}

/// Creates the checklist (`before` is `None`) or writes `after` over `before` while its
/// version is unchanged, with its audit row.
pub fn save_checklist(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: Option<&DepartureChecklist>,
    after: &DepartureChecklist,
) -> StoreResult<()> {
    save_versioned!(
        &mut *connection,
        departure_checklists,
        before,
        after,
        |row| &row.employee_id
    )?;
    audit::record(
        connection,
        actor,
        action,
        ("departure_checklist", &after.employee_id),
        before,
        Some(after),
    )
}

/// Of the given employees, those who have left (left_on set) and whose EMP-4 departure checklist is not complete.
pub fn incomplete_departures(
    connection: &mut DbConnection,
    employee_ids: &[String],
) -> StoreResult<HashSet<String>> {
    let left: Vec<String> = employees::table
        .filter(employees::id.eq_any(employee_ids))
        .filter(employees::left_on.is_not_null())
        .select(employees::id)
        .load(connection)?;
    let complete: HashSet<String> = departure_checklists::table
        .filter(departure_checklists::employee_id.eq_any(&left))
        .select(DepartureChecklist::as_select())
        .load(connection)?
        .into_iter()
        .filter(|checklist| checklist.returned_items().len() == ChecklistItem::ALL.len())
        .map(|checklist| checklist.employee_id)
        .collect();
    Ok(left
        .into_iter()
        .filter(|id| !complete.contains(id))
        .collect())
}

/// EMP-3: of the given employees, the days of pay in lieu of notice their accepted
/// resignation owes.
pub fn notice_days_in_lieu(
    connection: &mut DbConnection,
    employee_ids: &[String],
) -> StoreResult<HashMap<String, i32>> {
    Ok(resignations::table
        .filter(resignations::employee_id.eq_any(employee_ids))
        .filter(resignations::status.eq("accepted"))
        .filter(resignations::pay_in_lieu.eq(true))
        .select((resignations::employee_id, resignations::pay_in_lieu_days))
        .load(connection)?
        .into_iter()
        .collect())
}

/// CARE-4: tell a customer who takes over from a leaver, and find out what the leaver
/// promised.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = customer_handover_tasks, treat_none_as_null = true)]
pub struct CustomerHandoverTask {
    pub id: String,
    pub customer_id: String,
    pub leaver_id: String,
    pub successor_id: String,
    /// `open` or `done`.
    pub status: String,
    /// The answer: services the leaver promised that must be honoured ("none" when none).
    pub promised_services: Option<String>,
    pub completed_by: Option<String>,
    pub completed_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// The ids of the customers a staff account owns, in id order.
pub fn customers_owned_by(
    connection: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Vec<String>> {
    Ok(customers::table
        .filter(customers::owner_id.eq(user_id))
        .order(customers::id.asc())
        .select(customers::id)
        .load(connection)?)
}

pub fn insert_handover_tasks(
    connection: &mut DbConnection,
    actor: &Actor,
    tasks: &[CustomerHandoverTask],
) -> StoreResult<()> {
    if tasks.is_empty() {
        return Ok(());
    }
    insert_rows!(&mut *connection, customer_handover_tasks::table, tasks)?;
    let rows: Vec<audit::AuditRecord> = tasks
        .iter()
        .map(|task| {
            audit::entry(
                actor,
                "customer_handover_task.create",
                ("customer_handover_task", &task.id),
                None::<&()>,
                Some(task),
            )
        })
        .collect();
    audit::record_all(connection, &rows)
}

pub fn find_handover_task(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<CustomerHandoverTask>> {
    Ok(customer_handover_tasks::table
        .find(id)
        .select(CustomerHandoverTask::as_select())
        .first(connection)
        .optional()?)
}

pub fn update_handover_task(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &CustomerHandoverTask,
    after: &CustomerHandoverTask,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, customer_handover_tasks, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("customer_handover_task", &before.id),
        Some(before),
        Some(after),
    )
}

/// Hand-over tasks by successor (everyone's when `None`) and status, oldest first, after
/// `after_id`; one more than `limit` tells the caller another page exists.
pub fn list_handover_tasks(
    connection: &mut DbConnection,
    successor_id: Option<&str>,
    status: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<CustomerHandoverTask>> {
    let mut query = customer_handover_tasks::table
        .order(customer_handover_tasks::id.asc())
        .limit(limit + 1)
        .select(CustomerHandoverTask::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(successor) = successor_id {
        query = query.filter(customer_handover_tasks::successor_id.eq(successor.to_owned()));
    }
    if let Some(status) = status {
        query = query.filter(customer_handover_tasks::status.eq(status.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(customer_handover_tasks::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}
