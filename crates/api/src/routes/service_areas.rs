//! SLA-8, SLA-9: service areas with their maintainers, maintainer loads, and monthly KPIs.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::customer::AreaType;
use zhidu_domain::sla::Kpi;
use zhidu_service::service_areas::{
    self as area_service, AreaFields, MonthKpis, ServiceArea, StoreError,
};

use crate::auth::{Authorized, Managers, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Bounded, Text};
use crate::state::AppState;
use crate::wire::{Instant, YearMonth};

/// Under `/service-areas`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_area)
        .service(list_areas)
        .service(maintainer_loads)
        .service(update_area);
}

/// Under `/kpis`.
pub fn configure_kpis(config: &mut ServiceConfig) {
    config.service(area_kpis);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAreaView {
    pub id: String,
    pub name: String,
    pub area_type: AreaType,
    pub households: i64,
    pub maintainer_id: String,
    pub version: i64,
    pub created_at: Instant,
}

impl TryFrom<ServiceArea> for ServiceAreaView {
    type Error = StoreError;

    fn try_from(a: ServiceArea) -> Result<Self, StoreError> {
        Ok(ServiceAreaView {
            area_type: area_service::area_type_of(&a)?,
            id: a.id,
            name: a.name,
            households: a.households,
            maintainer_id: a.maintainer_id,
            version: a.version,
            created_at: Instant::from_utc(a.created_at),
        })
    }
}

/// How many households an area serves.
type Households = Bounded<0, 100_000_000>;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceArea {
    #[schema(example = "长安区建设北大街片区")]
    pub name: Text<1, 100>,
    pub area_type: AreaType,
    pub households: Households,
    /// The one maintainer responsible for the area (an employee).
    pub maintainer_id: String,
}

/// Create a service area (managers).
#[utoipa::path(
    tag = "service-areas",
    request_body = CreateServiceArea,
    responses((status = 201, body = ServiceAreaView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_area(
    state: web::Data<AppState>,
    caller: Authorized<Managers>,
    Json(request): Json<CreateServiceArea>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.actor;
    let area = state
        .write(move |connection| {
            Ok(area_service::create_area(
                connection,
                &actor,
                &request.name,
                request.area_type,
                request.households.get(),
                &request.maintainer_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(ServiceAreaView::try_from(area)?))
}

/// Every service area, by name.
#[utoipa::path(
    tag = "service-areas",
    responses((status = 200, body = Vec<ServiceAreaView>), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_areas(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
) -> Result<HttpResponse, ApiError> {
    let areas = state
        .read(|connection| Ok(area_service::list_areas(connection)?))
        .await?;
    let views = areas
        .into_iter()
        .map(ServiceAreaView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateServiceArea {
    pub version: i64,
    pub name: Option<Text<1, 100>>,
    pub area_type: Option<AreaType>,
    pub households: Option<Households>,
    pub maintainer_id: Option<String>,
}

/// Change a service area; send the `version` you read.
#[utoipa::path(
    tag = "service-areas",
    params(("id" = String, Path, description = "Service area id")),
    request_body = UpdateServiceArea,
    responses((status = 200, body = ServiceAreaView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[patch("/{id}")]
async fn update_area(
    state: web::Data<AppState>,
    caller: Authorized<Managers>,
    id: web::Path<String>,
    Json(request): Json<UpdateServiceArea>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let area = state
        .write(move |connection| {
            Ok(area_service::update_area(
                connection,
                &actor,
                &id,
                request.version,
                AreaFields {
                    name: request.name.map(Text::into_string),
                    area_type: request.area_type,
                    households: request.households.map(Households::get),
                    maintainer_id: request.maintainer_id,
                },
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ServiceAreaView::try_from(area)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaintainerLoad {
    pub maintainer_id: String,
    pub urban_households: i64,
    pub rural_households: i64,
    pub service_area_ids: Vec<String>,
    /// SLA-8: more than 4,500 urban or 2,000 rural households per person (mixed areas
    /// counted against their own standards).
    pub overloaded: bool,
}

impl From<area_service::MaintainerLoad> for MaintainerLoad {
    fn from(load: area_service::MaintainerLoad) -> Self {
        MaintainerLoad {
            maintainer_id: load.maintainer_id,
            urban_households: load.urban_households,
            rural_households: load.rural_households,
            service_area_ids: load.service_area_ids,
            overloaded: load.overloaded,
        }
    }
}

/// Each maintainer's households against the standard load (SLA-8), overloaded first.
#[utoipa::path(
    tag = "service-areas",
    responses((status = 200, body = Vec<MaintainerLoad>), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[get("/load")]
async fn maintainer_loads(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.sla_policy.clone();
    let loads: Vec<MaintainerLoad> = state
        .read(move |connection| Ok(area_service::maintainer_loads(connection, &policy)?))
        .await?
        .into_iter()
        .map(MaintainerLoad::from)
        .collect();
    Ok(HttpResponse::Ok().json(loads))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct KpiParams {
    /// The month, `YYYY-MM`.
    #[param(example = "2026-10")]
    pub month: YearMonth,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KpiView {
    pub numerator: u64,
    pub denominator: u64,
    /// The ratio in percent, six decimals; absent when there is nothing to divide by.
    pub value_percent: Option<String>,
    #[schema(example = "< 0.0015%")]
    pub threshold: &'static str,
    /// Absent when there is no denominator (no households, orders or visits).
    pub passed: Option<bool>,
}

fn kpi_view(kpi: Kpi, threshold: &'static str) -> KpiView {
    let value_percent = (kpi.denominator > 0).then(|| {
        let micro_percent = (u128::from(kpi.numerator) * 100_000_000 * 2
            + u128::from(kpi.denominator))
            / (2 * u128::from(kpi.denominator));
        format!(
            "{}.{:06}",
            micro_percent / 1_000_000,
            micro_percent % 1_000_000
        )
    });
    KpiView {
        numerator: kpi.numerator,
        denominator: kpi.denominator,
        value_percent,
        threshold,
        passed: kpi.passed,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KpiSet {
    /// Complaints ÷ households.
    pub complaint_rate: KpiView,
    /// Orders first answered within 24 hours ÷ orders.
    pub reply_rate_24h: KpiView,
    /// Satisfied return visits ÷ return visits.
    pub satisfaction: KpiView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaKpis {
    pub service_area_id: String,
    pub name: String,
    pub maintainer_id: String,
    pub households: i64,
    #[serde(flatten)]
    pub kpis: KpiSet,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaintainerKpis {
    pub maintainer_id: String,
    pub households: i64,
    #[serde(flatten)]
    pub kpis: KpiSet,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KpiReport {
    pub month: String,
    pub rule: &'static str,
    pub service_areas: Vec<AreaKpis>,
    pub maintainers: Vec<MaintainerKpis>,
}

fn kpi_set(kpis: MonthKpis) -> KpiSet {
    KpiSet {
        complaint_rate: kpi_view(kpis.complaint_rate, "< 0.0015%"),
        reply_rate_24h: kpi_view(kpis.reply_rate, "= 100%"),
        satisfaction: kpi_view(kpis.satisfaction, "> 99%"),
    }
}

/// SLA-9: per service area and per maintainer, the month's complaint rate, 24-hour reply
/// rate and satisfaction, each with its threshold and verdict, from the stored orders and
/// return visits (an order belongs to its customer's service area).
#[utoipa::path(
    tag = "service-areas",
    params(KpiParams),
    responses((status = 200, body = KpiReport), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/service-areas")]
async fn area_kpis(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Query(params): Query<KpiParams>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = params.month.utc_bounds();
    let policy = state.sla_policy.clone();
    let (areas, maintainers) = state
        .read(move |connection| Ok(area_service::month_kpis(connection, from, to, &policy)?))
        .await?;
    let service_areas = areas
        .into_iter()
        .map(|month| AreaKpis {
            kpis: kpi_set(month.kpis),
            service_area_id: month.area.id,
            name: month.area.name,
            maintainer_id: month.area.maintainer_id,
            households: month.area.households,
        })
        .collect();
    let maintainers = maintainers
        .into_iter()
        .map(|month| MaintainerKpis {
            maintainer_id: month.maintainer_id,
            households: month.households,
            kpis: kpi_set(month.kpis),
        })
        .collect();
    Ok(HttpResponse::Ok().json(KpiReport {
        month: params.month.to_string(),
        rule: "SLA-9",
        service_areas,
        maintainers,
    }))
}
