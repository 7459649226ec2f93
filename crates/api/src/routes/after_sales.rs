//! CARE-3: training deals, their after-sales visits, the obligations missed, and the DISC
//! record a missed obligation becomes.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::macros::time;
use time::{Date, PrimitiveDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::after_sales::{
    AfterSalesPolicy, Obligation, VisitWindow, missed_visits, visit_obligations,
};
use zhidu_domain::calendar::SHANGHAI;
use zhidu_store::after_sales::{self as store, AfterSalesVisit, MissedRecord, TrainingDeal};
use zhidu_store::db::DbConnection;
use zhidu_store::new_id;

use zhidu_service::customers::existing_customer;
use zhidu_service::discipline::{NewRecord, RecordFlags, record_offense};
use zhidu_service::people::existing_employee;

use crate::auth::{Authorized, CustomerEditors, DisciplineOfficers};
use crate::error::{ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Unavailable};
use crate::extract::{Json, Query};
use crate::input::Text;
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::views::{RecordView, record_view};
use crate::wire::{Instant, IsoDate};

/// Under `/training-deals`.
pub fn configure_deals(config: &mut ServiceConfig) {
    config.service(create_deal);
}

/// Under `/after-sales-visits`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record_visit)
        .service(missed_obligations)
        .service(discipline_missed);
}

/// The DISC offense a missed visit is.
const OFFENSE: &str = "after_sales_visit_missed";

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewTrainingDeal)]
pub struct NewDeal {
    pub customer_id: String,
    /// The employee who owes the visits.
    pub responsible_id: String,
    pub deal_on: IsoDate,
    /// When the training service ends, if it does: no visits are owed after its month.
    pub ends_on: Option<IsoDate>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TrainingDealView)]
pub struct DealView {
    pub id: String,
    pub customer_id: String,
    pub responsible_id: String,
    pub deal_on: IsoDate,
    pub ends_on: Option<IsoDate>,
    pub recorded_by: String,
    pub created_at: Instant,
}

fn deal_view(deal: TrainingDeal) -> DealView {
    DealView {
        id: deal.id,
        customer_id: deal.customer_id,
        responsible_id: deal.responsible_id,
        deal_on: IsoDate(deal.deal_on),
        ends_on: deal.ends_on.map(IsoDate),
        recorded_by: deal.recorded_by,
        created_at: Instant::from_utc(deal.created_at),
    }
}

/// CARE-3: record a deal in the training business; it obliges a visit in its first week and
/// two in every month after.
#[utoipa::path(
    operation_id = "create_training_deal",
    tag = "care",
    request_body = NewDeal,
    responses((status = 201, body = DealView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_deal(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    Json(request): Json<NewDeal>,
) -> Result<HttpResponse, ApiError> {
    if request.ends_on.is_some_and(|end| end < request.deal_on) {
        return Err(ApiError::field_refused(
            "ends_on",
            "must not be before deal_on",
        ));
    }
    let deal = state
        .write(move |connection| {
            let customer = existing_customer(connection, "customer_id", &request.customer_id)?;
            let employee =
                existing_employee(connection, "responsible_id", &request.responsible_id)?;
            let deal = TrainingDeal {
                id: new_id(),
                customer_id: customer.id,
                responsible_id: employee.id,
                deal_on: request.deal_on.0,
                ends_on: request.ends_on.map(|d| d.0),
                recorded_by: caller.claims.sub.clone(),
                created_at: caller.actor.at.stored(),
            };
            store::insert_deal(connection, &caller.actor, &deal)?;
            Ok(deal)
        })
        .await?;
    Ok(HttpResponse::Created().json(deal_view(deal)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVisit {
    pub deal_id: String,
    pub visited_on: IsoDate,
    /// The screenshot's attachment reference (URL or storage key); CARE-3 requires one.
    #[schema(example = "attachments/2026/11/visit-0001.png")]
    pub screenshot: Text<1, 1000>,
    #[serde(default)]
    pub notes: Option<Text<0, 4000>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitView {
    pub id: String,
    pub deal_id: String,
    pub visited_on: IsoDate,
    pub screenshot: String,
    pub notes: String,
    pub recorded_by: String,
    pub created_at: Instant,
}

/// CARE-3: record an after-sales visit of a training deal, with its screenshot.
#[utoipa::path(
    tag = "care",
    request_body = NewVisit,
    responses((status = 201, body = VisitView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn record_visit(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    Json(request): Json<NewVisit>,
) -> Result<HttpResponse, ApiError> {
    if request.visited_on.0 > caller.actor.at.today() {
        return Err(ApiError::field_refused(
            "visited_on",
            "must not be in the future",
        ));
    }
    let visit = state
        .write(move |connection| {
            let deal = store::find_deal(connection, &request.deal_id)?.ok_or_else(|| {
                ApiError::field_refused("deal_id", format!("no training deal {}", request.deal_id))
            })?;
            if request.visited_on.0 < deal.deal_on {
                return Err(ApiError::field_refused(
                    "visited_on",
                    format!("must not be before the deal ({})", deal.deal_on),
                ));
            }
            let visit = AfterSalesVisit {
                id: new_id(),
                deal_id: deal.id,
                visited_on: request.visited_on.0,
                screenshot: request.screenshot.trim().to_owned(),
                notes: request.notes.as_deref().map_or("", str::trim).to_owned(),
                recorded_by: caller.claims.sub.clone(),
                created_at: caller.actor.at.stored(),
            };
            store::insert_visit(connection, &caller.actor, &visit)?;
            Ok(visit)
        })
        .await?;
    Ok(HttpResponse::Created().json(VisitView {
        id: visit.id,
        deal_id: visit.deal_id,
        visited_on: IsoDate(visit.visited_on),
        screenshot: visit.screenshot,
        notes: visit.notes,
        recorded_by: visit.recorded_by,
        created_at: Instant::from_utc(visit.created_at),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissedObligation {
    pub deal_id: String,
    pub customer_id: String,
    /// The employee who owed the visits.
    pub responsible_id: String,
    /// `first-week` or `YYYY-MM`.
    #[schema(example = "2026-12")]
    pub window: String,
    pub first_day: IsoDate,
    pub last_day: IsoDate,
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

/// The missed obligations of `deals` judged on `as_of`.
fn missed_of(
    connection: &mut DbConnection,
    deals: &[TrainingDeal],
    as_of: Date,
    policy: &AfterSalesPolicy,
) -> Result<Vec<MissedObligation>, ApiError> {
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
                    first_day: IsoDate(obligation.first_day),
                    last_day: IsoDate(obligation.last_day),
                    required: obligation.required,
                    visits_made: made,
                    missed: count,
                });
            }
        }
    }
    Ok(missed)
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MissedParams {
    /// The day judged, `YYYY-MM-DD`: a window is missed once its last day is before it.
    pub as_of: IsoDate,
    /// Deals per page (default 50); each may list several obligations.
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// CARE-3: the after-sales obligations missed by `as_of`, per training deal (deal id order).
#[utoipa::path(
    tag = "care",
    params(MissedParams),
    responses((status = 200, body = Page<MissedObligation>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/missed")]
async fn missed_obligations(
    state: web::Data<AppState>,
    _caller: Authorized<DisciplineOfficers>,
    Query(params): Query<MissedParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after_id = page.after_id();
    let limit = page.limit();
    let as_of = params.as_of.0;
    let policy = state.after_sales_policy.clone();
    let page = state
        .read(move |connection| {
            let deals = store::deals_made_by(connection, as_of, after_id.as_deref(), limit)?;
            let deals = Page::from_rows(deals, limit, |d: &TrainingDeal| &d.id);
            Ok(Page {
                items: missed_of(connection, &deals.items, as_of, &policy)?,
                next_cursor: deals.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The moment a window closed: its last second, local time.
fn window_end(last_day: Date) -> PrimitiveDateTime {
    let end = PrimitiveDateTime::new(last_day, time!(23:59:59));
    crate::wire::stored_utc(end.assume_offset(SHANGHAI))
}

/// CARE-3 → DISC: turn a missed obligation into an `after_sales_visit_missed` record for the
/// responsible employee, fined per missed visit. Idempotent: a second call answers 200 with
/// the record the first one made. 409 while the obligation is not (or no longer) missed.
#[utoipa::path(
    tag = "care",
    params(
        ("deal_id" = String, Path, description = "Training deal id"),
        ("window" = String, Path, description = "`first-week` or `YYYY-MM`"),
    ),
    responses(
        (status = 201, body = RecordView, description = "The record made"),
        (status = 200, body = RecordView, description = "The record an earlier call made"),
        AuthErrors, NotFound, Conflict, Unavailable
    ),
    security(("bearer" = []))
)]
#[post("/missed/{deal_id}/{window}/discipline")]
async fn discipline_missed(
    state: web::Data<AppState>,
    caller: Authorized<DisciplineOfficers>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (deal_id, window_text) = path.into_inner();
    let policy = state.after_sales_policy.clone();
    let (record, created) = state
        .write(move |connection| {
            let not_found =
                || ApiError::not_found(format!("no obligation {window_text} of training deal {deal_id}"));
            let window = VisitWindow::parse(&window_text).ok_or_else(not_found)?;
            let deal = store::find_deal(connection, &deal_id)?.ok_or_else(not_found)?;
            let as_of = caller.actor.at.today();
            let missed = missed_of(connection, std::slice::from_ref(&deal), as_of, &policy)?;
            let Some(obligation) = missed.into_iter().find(|m| m.window == window.to_string())
            else {
                return Err(ApiError::conflict(format!(
                    "obligation {window_text} of training deal {deal_id} is not missed on {as_of} (CARE-3)"
                )));
            };
            if let Some(existing) = &obligation.discipline_record_id {
                let record = zhidu_store::discipline::find_record(connection, existing)?
                    .ok_or_else(not_found)?;
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
                &caller,
                NewRecord {
                    employee_id: deal.responsible_id.clone(),
                    offense_code: OFFENSE.into(),
                    occurred_at: window_end(obligation.last_day.0),
                    details,
                    count: Some(i32::try_from(obligation.missed).unwrap_or(1)),
                    flags: RecordFlags::default(),
                },
            )?;
            store::insert_missed_record(
                connection,
                &caller.actor,
                &MissedRecord {
                    deal_id: deal.id,
                    visit_window: obligation.window,
                    discipline_record_id: record.id.clone(),
                    created_at: caller.actor.at.stored(),
                },
            )?;
            Ok((record, true))
        })
        .await?;
    let view = record_view(record)?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}
