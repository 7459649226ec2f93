//! CARE-3: training deals, their after-sales visits, the obligations missed, and the DISC
//! record a missed obligation becomes.

use std::collections::HashMap;

use time::macros::time;
use time::{Date, PrimitiveDateTime};
use zhidu_domain::after_sales::{
    AfterSalesPolicy, Obligation, VisitWindow, missed_visits, visit_obligations,
};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_store::after_sales::{self as store, MissedRecord};
use zhidu_store::clock::stored_utc;
use zhidu_store::db::DbConnection;
use zhidu_store::discipline::{self as discipline_store, DisciplineRecord};
use zhidu_store::new_id;

pub use zhidu_store::after_sales::{AfterSalesVisit, TrainingDeal};

use crate::access::Identity;
use crate::customers::existing_customer;
use crate::discipline::{NewRecord, RecordFlags, record_offense};
use crate::error::{ServiceError, ServiceResult};
use crate::people::existing_employee;

/// The DISC offense a missed visit is.
const OFFENSE: &str = "after_sales_visit_missed";

/// A training deal to record.
#[derive(Debug, Clone)]
pub struct NewDeal {
    pub customer_id: String,
    pub responsible_id: String,
    pub deal_on: Date,
    pub ends_on: Option<Date>,
}

/// CARE-3: records a deal in the training business; it obliges a visit in its first week and
/// two in every month after.
pub fn create_deal(
    connection: &mut DbConnection,
    caller: &impl Identity,
    new: NewDeal,
) -> ServiceResult<TrainingDeal> {
    let customer = existing_customer(connection, "customer_id", &new.customer_id)?;
    let employee = existing_employee(connection, "responsible_id", &new.responsible_id)?;
    let actor = caller.actor();
    let deal = TrainingDeal {
        id: new_id(),
        customer_id: customer.id,
        responsible_id: employee.id,
        deal_on: new.deal_on,
        ends_on: new.ends_on,
        recorded_by: caller.subject().to_owned(),
        created_at: actor.at.stored(),
    };
    store::insert_deal(connection, actor, &deal)?;
    Ok(deal)
}

/// An after-sales visit to record.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub deal_id: String,
    pub visited_on: Date,
    pub screenshot: String,
    pub notes: Option<String>,
}

/// CARE-3: records an after-sales visit of a training deal, with its screenshot, made on or
/// after the deal.
pub fn record_visit(
    connection: &mut DbConnection,
    caller: &impl Identity,
    new: NewVisit,
) -> ServiceResult<AfterSalesVisit> {
    let deal = store::find_deal(connection, &new.deal_id)?.ok_or_else(|| {
        ServiceError::field_refused("deal_id", format!("no training deal {}", new.deal_id))
    })?;
    if new.visited_on < deal.deal_on {
        return Err(ServiceError::field_refused(
            "visited_on",
            format!("must not be before the deal ({})", deal.deal_on),
        ));
    }
    let actor = caller.actor();
    let visit = AfterSalesVisit {
        id: new_id(),
        deal_id: deal.id,
        visited_on: new.visited_on,
        screenshot: new.screenshot.trim().to_owned(),
        notes: new.notes.as_deref().map_or("", str::trim).to_owned(),
        recorded_by: caller.subject().to_owned(),
        created_at: actor.at.stored(),
    };
    store::insert_visit(connection, actor, &visit)?;
    Ok(visit)
}

/// A window of a deal whose visits fell short.
#[derive(Debug, Clone)]
pub struct MissedObligation {
    pub deal_id: String,
    pub customer_id: String,
    pub responsible_id: String,
    /// `first-week` or `YYYY-MM`.
    pub window: String,
    pub first_day: Date,
    pub last_day: Date,
    pub required: u32,
    pub visits_made: u32,
    pub missed: u32,
    /// The DISC record already made of it, if any.
    pub discipline_record_id: Option<String>,
}

fn visits_within(visits: &[&AfterSalesVisit], obligation: &Obligation) -> u32 {
    let count = visits
        .iter()
        .filter(|v| (obligation.first_day..=obligation.last_day).contains(&v.visited_on))
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// CARE-3: the missed obligations of `deals` judged on `as_of`.
fn missed_of(
    connection: &mut DbConnection,
    deals: &[TrainingDeal],
    as_of: Date,
    policy: &AfterSalesPolicy,
) -> ServiceResult<Vec<MissedObligation>> {
    let ids: Vec<String> = deals.iter().map(|d| d.id.clone()).collect();
    let visits = store::visits_of(connection, &ids)?;
    let records: HashMap<(String, String), String> = store::missed_records_of(connection, &ids)?
        .into_iter()
        .map(|r| ((r.deal_id, r.visit_window), r.discipline_record_id))
        .collect();
    let mut missed = Vec::new();
    for deal in deals {
        let of_deal: Vec<&AfterSalesVisit> =
            visits.iter().filter(|v| v.deal_id == deal.id).collect();
        for obligation in visit_obligations(deal.deal_on, deal.ends_on, as_of, policy) {
            let made = visits_within(&of_deal, &obligation);
            if let Some(count) = missed_visits(&obligation, made, as_of) {
                let window = obligation.window.to_string();
                missed.push(MissedObligation {
                    discipline_record_id: records.get(&(deal.id.clone(), window.clone())).cloned(),
                    deal_id: deal.id.clone(),
                    customer_id: deal.customer_id.clone(),
                    responsible_id: deal.responsible_id.clone(),
                    window,
                    first_day: obligation.first_day,
                    last_day: obligation.last_day,
                    required: obligation.required,
                    visits_made: made,
                    missed: count,
                });
            }
        }
    }
    Ok(missed)
}

/// One page of deals made by `as_of` (deal id order) and their obligations missed by then;
/// `more` says whether deals follow the page.
pub fn missed_obligations(
    connection: &mut DbConnection,
    as_of: Date,
    policy: &AfterSalesPolicy,
    after_id: Option<&str>,
    limit: i64,
) -> ServiceResult<(Vec<TrainingDeal>, Vec<MissedObligation>)> {
    let deals = store::deals_made_by(connection, as_of, after_id, limit)?;
    let page = usize::try_from(limit).unwrap_or(usize::MAX);
    let judged = &deals[..deals.len().min(page)];
    let missed = missed_of(connection, judged, as_of, policy)?;
    Ok((deals, missed))
}

/// The moment a window closed: its last second, local time.
fn window_end(last_day: Date) -> PrimitiveDateTime {
    let end = PrimitiveDateTime::new(last_day, time!(23:59:59));
    stored_utc(end.assume_offset(SHANGHAI))
}

/// CARE-3 → DISC: turns a missed obligation into an `after_sales_visit_missed` record for the
/// responsible employee, fined per missed visit. Idempotent: the second time it answers the
/// record the first one made, with `false`. A conflict while the obligation is not (or no
/// longer) missed today.
pub fn discipline_missed(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &AfterSalesPolicy,
    deal_id: &str,
    window_text: &str,
) -> ServiceResult<(DisciplineRecord, bool)> {
    let not_found = || {
        ServiceError::not_found(format!(
            "no obligation {window_text} of training deal {deal_id}"
        ))
    };
    let window = VisitWindow::parse(window_text).ok_or_else(not_found)?;
    let deal = store::find_deal(connection, deal_id)?.ok_or_else(not_found)?;
    let actor = caller.actor();
    let as_of = actor.at.today();
    let missed = missed_of(connection, std::slice::from_ref(&deal), as_of, policy)?;
    let Some(obligation) = missed.into_iter().find(|m| m.window == window.to_string()) else {
        return Err(ServiceError::conflict(format!(
            "obligation {window_text} of training deal {deal_id} is not missed on {as_of} (CARE-3)"
        )));
    };
    if let Some(existing) = &obligation.discipline_record_id {
        let record = discipline_store::find_record(connection, existing)?.ok_or_else(not_found)?;
        return Ok((record, false));
    }
    let details = format!(
        "CARE-3: {} of {} after-sales visits missed for training deal {} (customer {}), {} {}..{}",
        obligation.missed,
        obligation.required,
        deal.id,
        deal.customer_id,
        obligation.window,
        obligation.first_day,
        obligation.last_day
    );
    let record = record_offense(
        connection,
        caller,
        NewRecord {
            employee_id: deal.responsible_id.clone(),
            offense_code: OFFENSE.into(),
            occurred_at: window_end(obligation.last_day),
            details,
            count: Some(i32::try_from(obligation.missed).unwrap_or(1)),
            flags: RecordFlags::default(),
        },
    )?;
    store::insert_missed_record(
        connection,
        actor,
        &MissedRecord {
            deal_id: deal.id,
            visit_window: obligation.window,
            discipline_record_id: record.id.clone(),
            created_at: actor.at.stored(),
        },
    )?;
    Ok((record, true))
}
