//! CARE-3: training deals, their after-sales visits, the obligations missed, and the DISC
//! record a missed obligation becomes.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_service::after_sales::{self as service, MissedObligation as Missed, TrainingDeal};

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
            Ok(service::create_deal(
                connection,
                &caller,
                service::NewDeal {
                    customer_id: request.customer_id,
                    responsible_id: request.responsible_id,
                    deal_on: request.deal_on.0,
                    ends_on: request.ends_on.map(|d| d.0),
                },
            )?)
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
            Ok(service::record_visit(
                connection,
                &caller,
                service::NewVisit {
                    deal_id: request.deal_id,
                    visited_on: request.visited_on.0,
                    screenshot: request.screenshot.into_string(),
                    notes: request.notes.map(Text::into_string),
                },
            )?)
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

impl From<Missed> for MissedObligation {
    fn from(missed: Missed) -> Self {
        MissedObligation {
            deal_id: missed.deal_id,
            customer_id: missed.customer_id,
            responsible_id: missed.responsible_id,
            window: missed.window,
            first_day: IsoDate(missed.first_day),
            last_day: IsoDate(missed.last_day),
            required: missed.required,
            visits_made: missed.visits_made,
            missed: missed.missed,
            discipline_record_id: missed.discipline_record_id,
        }
    }
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
    let (deals, missed) = state
        .read(move |connection| {
            Ok(service::missed_obligations(
                connection,
                as_of,
                &policy,
                after_id.as_deref(),
                limit,
            )?)
        })
        .await?;
    let deals = Page::from_rows(deals, limit, |d: &TrainingDeal| &d.id);
    Ok(HttpResponse::Ok().json(Page {
        items: missed.into_iter().map(MissedObligation::from).collect(),
        next_cursor: deals.next_cursor,
    }))
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
            Ok(service::discipline_missed(
                connection,
                &caller,
                &policy,
                &deal_id,
                &window_text,
            )?)
        })
        .await?;
    let view = record_view(record)?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}
