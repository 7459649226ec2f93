//! SLA-8, SLA-9: service areas, their maintainers, and the month's figures for the KPIs;
//! AREA-1..3: each area's monthly household figures and its dated maintainer and boundary
//! changes.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, save_versioned, update_versioned};
use crate::schema::{
    area_month_figures, customers, return_visits, service_area_changes, service_areas, work_orders,
};
use crate::touches::{OutboxMessage, enqueue};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = service_areas)]
pub struct ServiceArea {
    pub id: String,
    pub name: String,
    /// `urban` or `rural`.
    pub area_type: String,
    pub households: i64,
    /// The maintainer the area was created with; AREA-3 changes take over from their dates.
    pub maintainer_id: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// The boundary the area was created with; AREA-3 changes take over from their dates.
    pub boundary: String,
}

pub fn insert(connection: &mut DbConnection, actor: &Actor, area: &ServiceArea) -> StoreResult<()> {
    diesel::insert_into(service_areas::table)
        .values(area)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "service_area.create",
        ("service_area", &area.id),
        None::<&()>,
        Some(area),
    )
}

pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<Option<ServiceArea>> {
    Ok(service_areas::table
        .find(id)
        .select(ServiceArea::as_select())
        .first(connection)
        .optional()?)
}

pub fn list(connection: &mut DbConnection) -> StoreResult<Vec<ServiceArea>> {
    Ok(service_areas::table
        .order(service_areas::name.asc())
        .select(ServiceArea::as_select())
        .load(connection)?)
}

pub fn save(
    connection: &mut DbConnection,
    actor: &Actor,
    before: &ServiceArea,
    after: &ServiceArea,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, service_areas, before, after)?;
    audit::record(
        connection,
        actor,
        "service_area.update",
        ("service_area", &before.id),
        Some(before),
        Some(after),
    )
}

/// One work order of the month, in the area of its customer.
#[derive(Debug, Clone)]
pub struct MonthOrder {
    pub service_area_id: String,
    pub kind: String,
    pub created_at: PrimitiveDateTime,
    pub first_answered_at: Option<PrimitiveDateTime>,
}

/// Work orders created in `[from, to)` whose customer belongs to a service area.
pub fn orders_created_between(
    connection: &mut DbConnection,
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
) -> StoreResult<Vec<MonthOrder>> {
    let rows: Vec<(
        Option<String>,
        String,
        PrimitiveDateTime,
        Option<PrimitiveDateTime>,
    )> = work_orders::table
        .inner_join(customers::table)
        .filter(customers::service_area_id.is_not_null())
        .filter(work_orders::created_at.ge(from))
        .filter(work_orders::created_at.lt(to))
        .select((
            customers::service_area_id,
            work_orders::kind,
            work_orders::created_at,
            work_orders::first_answered_at,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(area, kind, created_at, first_answered_at)| {
            area.map(|service_area_id| MonthOrder {
                service_area_id,
                kind,
                created_at,
                first_answered_at,
            })
        })
        .collect())
}

/// (service area, satisfaction) of the return visits made in `[from, to)`.
pub fn visits_between(
    connection: &mut DbConnection,
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
) -> StoreResult<Vec<(String, String)>> {
    let rows: Vec<(Option<String>, String)> = return_visits::table
        .inner_join(work_orders::table.on(work_orders::id.eq(return_visits::work_order_id)))
        .inner_join(customers::table.on(customers::id.eq(work_orders::customer_id)))
        .filter(customers::service_area_id.is_not_null())
        .filter(return_visits::visited_at.ge(from))
        .filter(return_visits::visited_at.lt(to))
        .select((customers::service_area_id, return_visits::satisfaction))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(area, satisfaction)| area.map(|a| (a, satisfaction)))
        .collect())
}

/// AREA-1: an area's household figures for one month, with the growth target it was judged
/// against.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = area_month_figures)]
pub struct AreaMonthFigures {
    pub service_area_id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub opening: i64,
    pub new_households: i64,
    pub lost: i64,
    /// The closing households expected.
    pub growth_target: i64,
    /// The company set the target; otherwise it is the policy's default.
    pub target_set_by_company: bool,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn find_figures(
    connection: &mut DbConnection,
    service_area_id: &str,
    month: &str,
) -> StoreResult<Option<AreaMonthFigures>> {
    Ok(area_month_figures::table
        .find((service_area_id, month))
        .select(AreaMonthFigures::as_select())
        .first(connection)
        .optional()?)
}

/// Every month filed for the area, the earliest first.
pub fn figures_of_area(
    connection: &mut DbConnection,
    service_area_id: &str,
) -> StoreResult<Vec<AreaMonthFigures>> {
    Ok(area_month_figures::table
        .filter(area_month_figures::service_area_id.eq(service_area_id))
        .order(area_month_figures::month.asc())
        .select(AreaMonthFigures::as_select())
        .load(connection)?)
}

/// Every area's figures for `month`.
pub fn figures_of_month(
    connection: &mut DbConnection,
    month: &str,
) -> StoreResult<Vec<AreaMonthFigures>> {
    Ok(area_month_figures::table
        .filter(area_month_figures::month.eq(month))
        .select(AreaMonthFigures::as_select())
        .load(connection)?)
}

/// Files or corrects a month's figures; a row changed since `before` was read is
/// `StaleVersion`.
pub fn save_figures(
    connection: &mut DbConnection,
    actor: &Actor,
    before: Option<&AreaMonthFigures>,
    after: &AreaMonthFigures,
) -> StoreResult<()> {
    save_versioned!(&mut *connection, area_month_figures, before, after, |row| {
        (&row.service_area_id, &row.month)
    })?;
    audit::record(
        connection,
        actor,
        "area_month.file",
        (
            "area_month",
            &format!("{}/{}", after.service_area_id, after.month),
        ),
        before,
        Some(after),
    )
}

/// AREA-3: a change of an area's maintainer and boundary, in force from `effective_on`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = service_area_changes)]
pub struct AreaChange {
    pub id: String,
    pub service_area_id: String,
    pub effective_on: Date,
    pub maintainer_id: String,
    /// What the public page shows of the maintainer.
    pub maintainer_job_number: String,
    pub boundary: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: PrimitiveDateTime,
}

/// Records a change with the messages that announce it, in one transaction.
pub fn insert_change(
    connection: &mut DbConnection,
    actor: &Actor,
    change: &AreaChange,
    notices: &[OutboxMessage],
) -> StoreResult<()> {
    diesel::insert_into(service_area_changes::table)
        .values(change)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "service_area.change",
        ("service_area", &change.service_area_id),
        None::<&()>,
        Some(change),
    )?;
    for notice in notices {
        enqueue(connection, actor, notice)?;
    }
    Ok(())
}

/// The changes of one area (or of every area), in the order they were recorded.
pub fn changes(
    connection: &mut DbConnection,
    service_area_id: Option<&str>,
) -> StoreResult<Vec<AreaChange>> {
    let mut query = service_area_changes::table
        .order((
            service_area_changes::created_at.asc(),
            service_area_changes::id.asc(),
        ))
        .select(AreaChange::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(area) = service_area_id {
        query = query.filter(service_area_changes::service_area_id.eq(area.to_owned()));
    }
    Ok(query.load(connection)?)
}
