//! SLA-8, SLA-9: service areas, their maintainers, and the month's figures for the KPIs.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, update_versioned};
use crate::schema::{customers, return_visits, service_areas, work_orders};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = service_areas)]
pub struct ServiceArea {
    pub id: String,
    pub name: String,
    /// `urban` or `rural`.
    pub area_type: String,
    pub households: i64,
    pub maintainer_id: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
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
