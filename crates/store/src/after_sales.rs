//! CARE-3: training deals, their after-sales visits, and the discipline record each missed
//! obligation became.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend};
use crate::schema::{after_sales_missed_records, after_sales_visits, training_deals};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = training_deals)]
pub struct TrainingDeal {
    pub id: String,
    pub customer_id: String,
    /// The employee who owes the visits.
    pub responsible_id: String,
    pub deal_on: Date,
    pub ends_on: Option<Date>,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = after_sales_visits)]
pub struct AfterSalesVisit {
    pub id: String,
    pub deal_id: String,
    pub visited_on: Date,
    /// The screenshot's attachment reference.
    pub screenshot: String,
    pub notes: String,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = after_sales_missed_records)]
pub struct MissedRecord {
    pub deal_id: String,
    /// `first-week` or `YYYY-MM`.
    pub visit_window: String,
    pub discipline_record_id: String,
    pub created_at: PrimitiveDateTime,
}

pub fn insert_deal(
    connection: &mut DbConnection,
    actor: &Actor,
    deal: &TrainingDeal,
) -> StoreResult<()> {
    diesel::insert_into(training_deals::table)
        .values(deal)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "training_deal.create",
        ("training_deal", &deal.id),
        None::<&()>,
        Some(deal),
    )
}

pub fn find_deal(connection: &mut DbConnection, id: &str) -> StoreResult<Option<TrainingDeal>> {
    Ok(training_deals::table
        .find(id)
        .select(TrainingDeal::as_select())
        .first(connection)
        .optional()?)
}

/// Deals made on or before `through`, in id order after `after_id`; `limit + 1` at most.
pub fn deals_made_by(
    connection: &mut DbConnection,
    through: Date,
    after_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<TrainingDeal>> {
    let mut query = training_deals::table
        .filter(training_deals::deal_on.le(through))
        .order(training_deals::id.asc())
        .limit(limit + 1)
        .select(TrainingDeal::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(after) = after_id {
        query = query.filter(training_deals::id.gt(after.to_owned()));
    }
    Ok(query.load(connection)?)
}

pub fn insert_visit(
    connection: &mut DbConnection,
    actor: &Actor,
    visit: &AfterSalesVisit,
) -> StoreResult<()> {
    diesel::insert_into(after_sales_visits::table)
        .values(visit)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "after_sales_visit.record",
        ("after_sales_visit", &visit.id),
        None::<&()>,
        Some(visit),
    )
}

/// The visits of the given deals, by deal and day.
pub fn visits_of(
    connection: &mut DbConnection,
    deal_ids: &[String],
) -> StoreResult<Vec<AfterSalesVisit>> {
    Ok(after_sales_visits::table
        .filter(after_sales_visits::deal_id.eq_any(deal_ids.to_vec()))
        .order((
            after_sales_visits::deal_id.asc(),
            after_sales_visits::visited_on.asc(),
        ))
        .select(AfterSalesVisit::as_select())
        .load(connection)?)
}

/// The discipline records already made of the given deals' missed obligations.
pub fn missed_records_of(
    connection: &mut DbConnection,
    deal_ids: &[String],
) -> StoreResult<Vec<MissedRecord>> {
    Ok(after_sales_missed_records::table
        .filter(after_sales_missed_records::deal_id.eq_any(deal_ids.to_vec()))
        .select(MissedRecord::as_select())
        .load(connection)?)
}

/// Links a missed obligation to its discipline record; a second link of the same obligation
/// (a concurrent call) fails on the primary key.
pub fn insert_missed_record(
    connection: &mut DbConnection,
    actor: &Actor,
    record: &MissedRecord,
) -> StoreResult<()> {
    diesel::insert_into(after_sales_missed_records::table)
        .values(record)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "after_sales_missed.discipline",
        (
            "training_deal",
            &format!("{}:{}", record.deal_id, record.visit_window),
        ),
        None::<&()>,
        Some(record),
    )
}
