//! SLA-8, SLA-9: service areas with their maintainers, maintainer loads, and monthly KPIs.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use time::Duration;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::customer::AreaType;
use zhidu_domain::sla::WorkOrderKind;
use zhidu_domain::sla::{
    Kpi, complaint_rate_kpi, maintainer_overloaded, reply_rate_kpi, satisfaction_kpi,
};
use zhidu_store::service_areas::{self, ServiceArea};
use zhidu_store::{StoreError, new_id, read_stored};

use zhidu_service::people::existing_employee;

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
            area_type: read_stored(&a.area_type)?,
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
    let now = caller.actor.at.stored();
    let area = ServiceArea {
        id: new_id(),
        name: request.name.trim().to_owned(),
        area_type: request.area_type.as_str().into(),
        households: request.households.get(),
        maintainer_id: request.maintainer_id,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let actor = caller.actor;
    let area = state
        .write(move |connection| {
            existing_employee(connection, "maintainer_id", &area.maintainer_id)?;
            service_areas::insert(connection, &actor, &area)?;
            Ok(area)
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
        .read(|connection| Ok(service_areas::list(connection)?))
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
            let before = service_areas::find(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no service area {id}")))?;
            if before.version != request.version {
                return Err(ApiError::stale(format!(
                    "service area {id} is at version {}",
                    before.version
                )));
            }
            if let Some(maintainer) = &request.maintainer_id {
                existing_employee(connection, "maintainer_id", maintainer)?;
            }
            let after = ServiceArea {
                name: request
                    .name
                    .map_or(before.name.clone(), |n| n.trim().to_owned()),
                area_type: request
                    .area_type
                    .map_or(before.area_type.clone(), |a| a.as_str().into()),
                households: request
                    .households
                    .map_or(before.households, Households::get),
                maintainer_id: request
                    .maintainer_id
                    .unwrap_or(before.maintainer_id.clone()),
                version: before.version + 1,
                updated_at: actor.at.stored(),
                ..before.clone()
            };
            service_areas::save(connection, &actor, &before, &after)?;
            Ok(after)
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
    let areas = state
        .read(|connection| Ok(service_areas::list(connection)?))
        .await?;
    let mut by_maintainer: BTreeMap<String, Vec<(AreaType, ServiceArea)>> = BTreeMap::new();
    for area in areas {
        by_maintainer
            .entry(area.maintainer_id.clone())
            .or_default()
            .push((read_stored(&area.area_type)?, area));
    }
    let mut loads: Vec<MaintainerLoad> = by_maintainer
        .into_iter()
        .map(|(maintainer_id, areas)| {
            let sized: Vec<(AreaType, u64)> = areas
                .iter()
                .map(|(kind, a)| (*kind, u64::try_from(a.households).unwrap_or(0)))
                .collect();
            let sum = |wanted: AreaType| {
                areas
                    .iter()
                    .filter(|(kind, _)| *kind == wanted)
                    .map(|(_, a)| a.households)
                    .sum()
            };
            MaintainerLoad {
                overloaded: maintainer_overloaded(&sized, &state.sla_policy),
                urban_households: sum(AreaType::Urban),
                rural_households: sum(AreaType::Rural),
                service_area_ids: areas.into_iter().map(|(_, a)| a.id).collect(),
                maintainer_id,
            }
        })
        .collect();
    loads.sort_by_key(|load| !load.overloaded);
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

/// Counts of one area (or one maintainer's areas) in the month.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    complaints: u64,
    orders: u64,
    answered_in_time: u64,
    visits: u64,
    satisfied: u64,
}

fn kpi_set(tally: Tally, households: i64) -> KpiSet {
    KpiSet {
        complaint_rate: kpi_view(
            complaint_rate_kpi(tally.complaints, u64::try_from(households).unwrap_or(0)),
            "< 0.0015%",
        ),
        reply_rate_24h: kpi_view(
            reply_rate_kpi(tally.answered_in_time, tally.orders),
            "= 100%",
        ),
        satisfaction: kpi_view(satisfaction_kpi(tally.satisfied, tally.visits), "> 99%"),
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
    let (areas, orders, visits) = state
        .read(move |connection| {
            Ok((
                service_areas::list(connection)?,
                service_areas::orders_created_between(connection, from, to)?,
                service_areas::visits_between(connection, from, to)?,
            ))
        })
        .await?;
    let reply_window = Duration::hours(i64::from(state.sla_policy.reply_within_hours));
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for order in &orders {
        let tally = tallies.entry(order.service_area_id.clone()).or_default();
        tally.orders += 1;
        if read_stored::<WorkOrderKind>(&order.kind)? == WorkOrderKind::Complaint {
            tally.complaints += 1;
        }
        if order
            .first_answered_at
            .is_some_and(|answered| answered <= order.created_at + reply_window)
        {
            tally.answered_in_time += 1;
        }
    }
    for (area, satisfaction) in &visits {
        let tally = tallies.entry(area.clone()).or_default();
        tally.visits += 1;
        if satisfaction == "satisfied" {
            tally.satisfied += 1;
        }
    }
    let mut per_maintainer: BTreeMap<String, (Tally, i64)> = BTreeMap::new();
    let service_areas = areas
        .into_iter()
        .map(|area| {
            let tally = tallies.get(&area.id).copied().unwrap_or_default();
            let (sum, households) = per_maintainer
                .entry(area.maintainer_id.clone())
                .or_default();
            sum.complaints += tally.complaints;
            sum.orders += tally.orders;
            sum.answered_in_time += tally.answered_in_time;
            sum.visits += tally.visits;
            sum.satisfied += tally.satisfied;
            *households += area.households;
            AreaKpis {
                kpis: kpi_set(tally, area.households),
                service_area_id: area.id,
                name: area.name,
                maintainer_id: area.maintainer_id,
                households: area.households,
            }
        })
        .collect();
    let maintainers = per_maintainer
        .into_iter()
        .map(|(maintainer_id, (tally, households))| MaintainerKpis {
            maintainer_id,
            households,
            kpis: kpi_set(tally, households),
        })
        .collect();
    Ok(HttpResponse::Ok().json(KpiReport {
        month: params.month.to_string(),
        rule: "SLA-9",
        service_areas,
        maintainers,
    }))
}
