//! SLA-8, SLA-9: service areas with their maintainers, maintainer loads, and monthly KPIs;
//! AREA-1..3: monthly household figures with growth and stability, and dated maintainer and
//! boundary changes.

use actix_web::{HttpResponse, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::area_contract::AreaPolicy;
use zhidu_domain::customer::AreaType;
use zhidu_domain::employment::percent_text;
use zhidu_domain::sla::Kpi;
use zhidu_service::service_areas::{
    self as area_service, AreaChange, AreaFields, AreaMonthFigures, FiledFigures, HouseholdMonth,
    MonthKpis, NewArea, NewChange, ReportMonth, ServiceArea, StoreError,
};

use crate::auth::{Authorized, Managers, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Bounded, Text};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};

/// Under `/service-areas`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_area)
        .service(list_areas)
        .service(maintainer_loads)
        .service(update_area)
        .service(file_month)
        .service(area_months)
        .service(schedule_change)
        .service(area_changes);
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
    /// The maintainer in force today (AREA-3).
    pub maintainer_id: String,
    /// The boundary in force today (AREA-3).
    pub boundary: String,
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
            boundary: a.boundary,
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
    /// The streets or villages the area covers.
    #[schema(example = "建设北大街以东、和平路以北")]
    pub boundary: Option<Text<0, 500>>,
    /// The maintainer's job number: when given, the area is on the public service page from
    /// today and the customer-service and call centers are told (AREA-3).
    #[schema(example = "KF0217")]
    pub maintainer_job_number: Option<Text<1, 30>>,
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
    let policy = state.area_policy.clone();
    let new = NewArea {
        name: request.name.into_string(),
        area_type: request.area_type,
        households: request.households.get(),
        maintainer_id: request.maintainer_id,
        boundary: request.boundary.map(Text::into_string).unwrap_or_default(),
        maintainer_job_number: request.maintainer_job_number.map(Text::into_string),
    };
    let area = state
        .write(move |connection| Ok(area_service::create_area(connection, &actor, &policy, new)?))
        .await?;
    Ok(HttpResponse::Created().json(ServiceAreaView::try_from(area)?))
}

/// Every service area as it stands today (AREA-3 changes in force), by name.
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
    let today = state.now().today();
    let areas = state
        .read(move |connection| Ok(area_service::list_areas(connection, today)?))
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
}

/// Change a service area's name, type or households; send the `version` you read. The
/// maintainer and boundary change by a dated change (`POST /service-areas/{id}/changes`).
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

/// Each maintainer's households against the standard load (SLA-8) today, overloaded first.
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
    let today = state.now().today();
    let policy = state.policies().await?.sla_on(today)?.clone();
    let loads: Vec<MaintainerLoad> = state
        .read(move |connection| Ok(area_service::maintainer_loads(connection, &policy, today)?))
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
    pub threshold: String,
    /// Absent when there is no denominator (no households, orders or visits).
    pub passed: Option<bool>,
}

fn kpi_view(kpi: Kpi, threshold: impl Into<String>) -> KpiView {
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
        threshold: threshold.into(),
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

/// AREA-1, AREA-2: a month's household figures with the growth target and the stability rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdFigures {
    pub opening: i64,
    pub new: i64,
    pub lost: i64,
    /// opening + new − lost.
    pub closing: i64,
    /// The closing households expected (AREA-1).
    pub growth_target: i64,
    /// closing ≥ growth_target.
    pub growth_passed: bool,
    /// (opening − lost) ÷ opening, passing at 99% or above (AREA-2); no verdict without an
    /// opening.
    pub stability: KpiView,
}

fn household_figures(month: HouseholdMonth, area_policy: &AreaPolicy) -> HouseholdFigures {
    HouseholdFigures {
        opening: month.opening,
        new: month.new,
        lost: month.lost,
        closing: month.closing,
        growth_target: month.growth_target,
        growth_passed: month.growth_met,
        stability: kpi_view(month.stability, stability_threshold(area_policy)),
    }
}

fn stability_threshold(policy: &AreaPolicy) -> String {
    let basis_points = i128::from(policy.stability_pass_basis_points);
    format!("≥ {}%", percent_text(basis_points))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaKpis {
    pub service_area_id: String,
    pub name: String,
    /// The maintainer in force on the month's last day (AREA-3).
    pub maintainer_id: String,
    pub households: i64,
    #[serde(flatten)]
    pub kpis: KpiSet,
    /// AREA-1, AREA-2: absent when no figures were filed for the month.
    pub household_figures: Option<HouseholdFigures>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaintainerKpis {
    pub maintainer_id: String,
    pub households: i64,
    #[serde(flatten)]
    pub kpis: KpiSet,
    /// AREA-1, AREA-2 over the maintainer's areas with figures filed for the month.
    pub household_figures: Option<HouseholdFigures>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KpiReport {
    pub month: String,
    #[schema(example = "SLA-9, AREA-1, AREA-2")]
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
/// return visits (an order belongs to its customer's service area); with AREA-1's growth and
/// AREA-2's stability from the month's household figures. An area counts for the maintainer
/// in force on the month's last day.
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
    let month = ReportMonth {
        first_day: params.month.first_day(),
        last_day: params.month.last_day(),
        from,
        to,
    };
    let policies = (
        state.policies().await?.sla_on(month.last_day)?.clone(),
        state.area_policy.clone(),
    );
    let (areas, maintainers) = state
        .read(move |connection| {
            Ok(area_service::month_kpis(
                connection,
                month,
                &policies.0,
                &policies.1,
            )?)
        })
        .await?;
    let area_policy = &state.area_policy;
    let service_areas = areas
        .into_iter()
        .map(|month| AreaKpis {
            kpis: kpi_set(month.kpis),
            household_figures: month.households.map(|f| household_figures(f, area_policy)),
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
            household_figures: month.figures.map(|f| household_figures(f, area_policy)),
        })
        .collect();
    Ok(HttpResponse::Ok().json(KpiReport {
        month: params.month.to_string(),
        rule: "SLA-9, AREA-1, AREA-2",
        service_areas,
        maintainers,
    }))
}

#[derive(Debug, Deserialize)]
pub struct AreaMonthPath {
    id: String,
    month: YearMonth,
}

/// AREA-1: a month's household figures as filed.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileAreaMonth {
    /// Households at the month's start; defaults to the previous month's closing, and must
    /// equal it when that month was filed.
    pub opening: Option<Households>,
    /// Households gained in the month.
    pub new: Households,
    /// Households lost in the month (at most opening + new).
    pub lost: Households,
    /// The company's target for the closing households; the policy's default (+0.5% of the
    /// opening, rounded up) when absent.
    pub growth_target: Option<Households>,
    /// The version read, to correct a month already filed (412 when stale); absent the first
    /// time.
    pub version: Option<i64>,
}

/// AREA-1, AREA-2: one area's month as filed and judged.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaMonthView {
    pub service_area_id: String,
    #[schema(value_type = String, example = "2026-11")]
    pub month: String,
    #[serde(flatten)]
    pub figures: HouseholdFigures,
    /// The company set the target; otherwise it is the policy's default.
    pub target_set_by_company: bool,
    pub recorded_by: String,
    pub version: i64,
    pub updated_at: Instant,
}

fn area_month_view(
    (stored, judged): (AreaMonthFigures, HouseholdMonth),
    policy: &AreaPolicy,
) -> AreaMonthView {
    AreaMonthView {
        figures: household_figures(judged, policy),
        service_area_id: stored.service_area_id,
        month: stored.month,
        target_set_by_company: stored.target_set_by_company,
        recorded_by: stored.recorded_by,
        version: stored.version,
        updated_at: Instant::from_utc(stored.updated_at),
    }
}

/// AREA-1, AREA-2: file or correct an area's household figures for a month (managers): the
/// closing, the growth target and the stability rate are judged as filed. Not for a month
/// after the current one.
#[utoipa::path(
    tag = "service-areas",
    params(
        ("id" = String, Path, description = "Service area id"),
        ("month" = YearMonth, Path, description = "The month, YYYY-MM")
    ),
    request_body = FileAreaMonth,
    responses((status = 200, body = AreaMonthView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/months/{month}")]
async fn file_month(
    state: web::Data<AppState>,
    caller: Authorized<Managers>,
    path: web::Path<AreaMonthPath>,
    Json(request): Json<FileAreaMonth>,
) -> Result<HttpResponse, ApiError> {
    let AreaMonthPath { id, month } = path.into_inner();
    let actor = caller.actor;
    let policy = state.area_policy.clone();
    let filed = FiledFigures {
        opening: request.opening.map(Households::get),
        new: request.new.get(),
        lost: request.lost.get(),
        growth_target: request.growth_target.map(Households::get),
        version: request.version,
    };
    let month = state
        .write(move |connection| {
            Ok(area_service::file_month(
                connection,
                &actor,
                &policy,
                &id,
                month.first_day(),
                filed,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(area_month_view(month, &state.area_policy)))
}

/// AREA-1, AREA-2: every month filed for an area, the earliest first.
#[utoipa::path(
    tag = "service-areas",
    params(("id" = String, Path, description = "Service area id")),
    responses((status = 200, body = Vec<AreaMonthView>), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/months")]
async fn area_months(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.area_policy.clone();
    let months = state
        .read(move |connection| Ok(area_service::months_of(connection, &policy, &id)?))
        .await?;
    let views: Vec<AreaMonthView> = months
        .into_iter()
        .map(|month| area_month_view(month, &state.area_policy))
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// AREA-3: a change of an area's maintainer and boundary, in force from a date.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleAreaChange {
    /// Today or later.
    pub effective_on: IsoDate,
    /// The maintainer from that day (an employee).
    pub maintainer_id: String,
    /// What the public service page shows of the maintainer.
    #[schema(example = "KF0217")]
    pub maintainer_job_number: Text<1, 30>,
    /// The area's boundary from that day.
    #[schema(example = "建设北大街以东、和平路以北")]
    pub boundary: Text<0, 500>,
    pub reason: Text<1, 500>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaChangeView {
    pub id: String,
    pub service_area_id: String,
    pub effective_on: IsoDate,
    pub maintainer_id: String,
    pub maintainer_job_number: String,
    pub boundary: String,
    pub reason: String,
    pub created_by: String,
    pub created_at: Instant,
}

impl From<AreaChange> for AreaChangeView {
    fn from(c: AreaChange) -> Self {
        AreaChangeView {
            id: c.id,
            service_area_id: c.service_area_id,
            effective_on: IsoDate(c.effective_on),
            maintainer_id: c.maintainer_id,
            maintainer_job_number: c.maintainer_job_number,
            boundary: c.boundary,
            reason: c.reason,
            created_by: c.created_by,
            created_at: Instant::from_utc(c.created_at),
        }
    }
}

/// AREA-3: schedule a change of an area's maintainer and boundary from a date, today or later
/// (managers). The public service page shows it by job number, and the customer-service and
/// call centers are told through the outbox in the same transaction.
#[utoipa::path(
    tag = "service-areas",
    params(("id" = String, Path, description = "Service area id")),
    request_body = ScheduleAreaChange,
    responses((status = 201, body = AreaChangeView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/changes")]
async fn schedule_change(
    state: web::Data<AppState>,
    caller: Authorized<Managers>,
    id: web::Path<String>,
    Json(request): Json<ScheduleAreaChange>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let policy = state.area_policy.clone();
    let new = NewChange {
        effective_on: request.effective_on.0,
        maintainer_id: request.maintainer_id,
        maintainer_job_number: request.maintainer_job_number.into_string(),
        boundary: request.boundary.into_string(),
        reason: request.reason.into_string(),
    };
    let change = state
        .write(move |connection| {
            Ok(area_service::schedule_change(
                connection, &actor, &policy, &id, new,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(AreaChangeView::from(change)))
}

/// AREA-3: an area's maintainer and boundary changes in the order they were recorded.
#[utoipa::path(
    tag = "service-areas",
    params(("id" = String, Path, description = "Service area id")),
    responses((status = 200, body = Vec<AreaChangeView>), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/changes")]
async fn area_changes(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = state
        .read(move |connection| Ok(area_service::changes_of(connection, &id)?))
        .await?;
    let views: Vec<AreaChangeView> = changes.into_iter().map(AreaChangeView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}
