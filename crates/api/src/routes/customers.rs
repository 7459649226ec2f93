//! Customers: the AR-1 archive with area type, owner and TIER flags; their quarterly metrics
//! and referrals.

use actix_web::{HttpResponse, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::customer::AreaType;
use zhidu_domain::money::Money;
use zhidu_domain::tier::{Tier, TierFlag};
use zhidu_service::customers::{
    self as service, Customer, CustomerFields, CustomerFilter, QuarterMetrics, StoreError,
    find_customer, flags_from_text,
};

use crate::auth::{Authorized, CustomerEditors, FinanceDesk, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Distinct, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{self, Instant, IsoDate, QuarterParam};

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_customer)
        .service(list_customers)
        .service(get_customer)
        .service(update_customer)
        .service(put_quarter_metrics)
        .service(get_quarter_metrics)
        .service(create_referral);
}

/// A customer as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerView {
    pub id: String,
    pub full_name: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub bank_account: String,
    pub bank_name: String,
    pub legal_representative: String,
    pub area_type: AreaType,
    /// The staff account responsible for the customer (TIER-5 requires one for tier A).
    pub owner_id: Option<String>,
    pub first_contract_on: Option<IsoDate>,
    pub flags: Vec<TierFlag>,
    /// The tier from the latest closed quarter, or a manager's override of it.
    pub tier: Option<Tier>,
    /// The closed quarter `tier` comes from.
    pub tier_quarter: Option<String>,
    pub tier_overridden: bool,
    pub service_area_id: Option<String>,
    /// Send it back with a PATCH; a stale one gets 412.
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

impl TryFrom<Customer> for CustomerView {
    type Error = StoreError;

    fn try_from(c: Customer) -> Result<Self, StoreError> {
        Ok(CustomerView {
            area_type: service::area_type_of(&c)?,
            flags: flags_from_text(&c.flags)?.into_iter().collect(),
            tier: service::tier_of(&c)?,
            tier_quarter: c.current_tier_quarter,
            tier_overridden: c.tier_overridden,
            service_area_id: c.service_area_id,
            first_contract_on: c.first_contract_on.map(IsoDate),
            id: c.id,
            full_name: c.full_name,
            address: c.address,
            postcode: c.postcode,
            phone: c.phone,
            bank_account: c.bank_account,
            bank_name: c.bank_name,
            legal_representative: c.legal_representative,
            owner_id: c.owner_id,
            version: c.version,
            created_at: Instant::from_utc(c.created_at),
            updated_at: Instant::from_utc(c.updated_at),
        })
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    #[schema(example = "石家庄恒信网络科技有限公司")]
    pub full_name: Text<1, 200>,
    pub address: Option<Text<0, 500>>,
    #[schema(example = "050000")]
    pub postcode: Option<Text<0, 20>>,
    #[schema(example = "0311-86000000")]
    pub phone: Option<Text<0, 40>>,
    pub bank_account: Option<Text<0, 64>>,
    pub bank_name: Option<Text<0, 200>>,
    pub legal_representative: Option<Text<0, 100>>,
    pub area_type: AreaType,
    pub owner_id: Option<String>,
    pub first_contract_on: Option<IsoDate>,
    #[serde(default)]
    pub flags: Distinct<TierFlag>,
    /// SLA-8: the service area the customer lives in.
    pub service_area_id: Option<String>,
}

/// Only the fields sent change; `null` clears `owner_id` or `first_contract_on`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomer {
    /// The `version` last read; a stale one gets 412.
    pub version: i64,
    pub full_name: Option<Text<1, 200>>,
    pub address: Option<Text<0, 500>>,
    pub postcode: Option<Text<0, 20>>,
    pub phone: Option<Text<0, 40>>,
    pub bank_account: Option<Text<0, 64>>,
    pub bank_name: Option<Text<0, 200>>,
    pub legal_representative: Option<Text<0, 100>>,
    pub area_type: Option<AreaType>,
    #[serde(default, deserialize_with = "wire::present")]
    #[schema(value_type = Option<String>)]
    pub owner_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "wire::present")]
    #[schema(value_type = Option<IsoDate>)]
    pub first_contract_on: Option<Option<IsoDate>>,
    pub flags: Option<Distinct<TierFlag>>,
    #[serde(default, deserialize_with = "wire::present")]
    #[schema(value_type = Option<String>)]
    pub service_area_id: Option<Option<String>>,
}

/// Create a customer.
#[utoipa::path(
    tag = "customers",
    request_body = CreateCustomer,
    responses((status = 201, body = CustomerView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_customer(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    Json(request): Json<CreateCustomer>,
) -> Result<HttpResponse, ApiError> {
    let full_name = request.full_name.into_string();
    let area_type = request.area_type;
    let fields = CustomerFields {
        full_name: None,
        address: request.address.map(String::from),
        postcode: request.postcode.map(String::from),
        phone: request.phone.map(String::from),
        bank_account: request.bank_account.map(String::from),
        bank_name: request.bank_name.map(String::from),
        legal_representative: request.legal_representative.map(String::from),
        area_type: None,
        owner_id: Some(request.owner_id),
        first_contract_on: Some(request.first_contract_on.map(|d| d.0)),
        flags: Some(request.flags.into_set()),
        service_area_id: Some(request.service_area_id),
    };
    let actor = caller.actor;
    let created = state
        .write(move |connection| {
            Ok(service::create_customer(
                connection, &actor, &full_name, area_type, fields,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/customers/{}", created.id)))
        .json(CustomerView::try_from(created)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CustomerListParams {
    pub tier: Option<Tier>,
    pub owner_id: Option<String>,
    pub area_type: Option<AreaType>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// List customers in creation order, filtered by tier, owner and area type.
#[utoipa::path(
    tag = "customers",
    params(CustomerListParams),
    responses((status = 200, body = Page<CustomerView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_customers(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Query(params): Query<CustomerListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let filter = CustomerFilter {
        tier: params.tier.map(|t| t.as_str().to_owned()),
        owner_id: params.owner_id,
        area_type: params.area_type.map(|a| a.as_str().to_owned()),
        after_id: page.after_id(),
        limit: page.limit(),
    };
    let rows = state
        .read(move |connection| Ok(service::list_customers(connection, &filter)?))
        .await?;
    let views = rows
        .into_iter()
        .map(CustomerView::try_from)
        .collect::<Result<_, _>>()?;
    Ok(
        HttpResponse::Ok().json(Page::from_rows(views, page.limit(), |c: &CustomerView| {
            &c.id
        })),
    )
}

/// One customer.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, body = CustomerView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_customer(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let customer = state
        .read(move |connection| Ok(find_customer(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(CustomerView::try_from(customer)?))
}

/// Change a customer; send the `version` you read.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    request_body = UpdateCustomer,
    responses((status = 200, body = CustomerView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[patch("/{id}")]
async fn update_customer(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    id: web::Path<String>,
    Json(request): Json<UpdateCustomer>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let fields = CustomerFields {
        full_name: request.full_name.map(Text::into_string),
        address: request.address.map(String::from),
        postcode: request.postcode.map(String::from),
        phone: request.phone.map(String::from),
        bank_account: request.bank_account.map(String::from),
        bank_name: request.bank_name.map(String::from),
        legal_representative: request.legal_representative.map(String::from),
        area_type: request.area_type,
        owner_id: request.owner_id,
        first_contract_on: request.first_contract_on.map(|d| d.map(|d| d.0)),
        flags: request.flags.map(Distinct::into_set),
        service_area_id: request.service_area_id,
    };
    let actor = caller.actor;
    let version = request.version;
    let updated = state
        .write(move |connection| {
            Ok(service::update_customer(
                connection, &actor, &id, version, fields,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CustomerView::try_from(updated)?))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuarterMetricsInput {
    /// Revenue billed to the customer in the quarter (ARPU).
    pub revenue: Amount<false>,
    /// Cash the customer paid in the quarter.
    pub payments: Amount<false>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterMetricsView {
    pub customer_id: String,
    #[schema(example = "2026Q3")]
    pub quarter: String,
    pub revenue: Money,
    pub payments: Money,
    pub updated_at: Instant,
}

impl From<QuarterMetrics> for QuarterMetricsView {
    fn from(m: QuarterMetrics) -> Self {
        QuarterMetricsView {
            customer_id: m.customer_id,
            quarter: m.quarter,
            revenue: Money::from_fen(m.revenue_fen),
            payments: Money::from_fen(m.payments_fen),
            updated_at: Instant::from_utc(m.updated_at),
        }
    }
}

/// Record a customer's revenue and payments for a quarter (finance). 201 when new, 200 when
/// replacing. A closed quarter's tiers are history and do not change.
#[utoipa::path(
    tag = "customers",
    params(
        ("id" = String, Path, description = "Customer id"),
        ("quarter" = QuarterParam, Path, description = "Quarter, e.g. 2026Q3")
    ),
    request_body = QuarterMetricsInput,
    responses((status = 200, body = QuarterMetricsView), (status = 201, body = QuarterMetricsView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/quarters/{quarter}")]
async fn put_quarter_metrics(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    path: web::Path<(String, QuarterParam)>,
    Json(request): Json<QuarterMetricsInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, QuarterParam(quarter)) = path.into_inner();
    let actor = caller.actor;
    let (revenue, payments) = (request.revenue.get(), request.payments.get());
    let (created, metrics) = state
        .write(move |connection| {
            Ok(service::put_quarter_metrics(
                connection, &actor, &id, quarter, revenue, payments,
            )?)
        })
        .await?;
    let view = QuarterMetricsView::from(metrics);
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// A customer's revenue and payments for a quarter.
#[utoipa::path(
    tag = "customers",
    params(
        ("id" = String, Path, description = "Customer id"),
        ("quarter" = QuarterParam, Path, description = "Quarter, e.g. 2026Q3")
    ),
    responses((status = 200, body = QuarterMetricsView), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/quarters/{quarter}")]
async fn get_quarter_metrics(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    path: web::Path<(String, QuarterParam)>,
) -> Result<HttpResponse, ApiError> {
    let (id, QuarterParam(quarter)) = path.into_inner();
    let metrics = state
        .read(move |connection| Ok(service::quarter_metrics(connection, &id, quarter)?))
        .await?;
    Ok(HttpResponse::Ok().json(QuarterMetricsView::from(metrics)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReferral {
    /// The customer this customer brought in.
    pub referred_customer_id: String,
    /// When the referred customer signed.
    pub referred_on: IsoDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    pub referrer_id: String,
    pub referred_customer_id: String,
    pub referred_on: IsoDate,
    pub recorded_by: String,
    pub created_at: Instant,
}

/// Record that this customer referred another (a TIER metric). A customer is referred once.
#[utoipa::path(
    tag = "customers",
    params(("id" = String, Path, description = "The referring customer's id")),
    request_body = CreateReferral,
    responses((status = 201, body = ReferralView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/referrals")]
async fn create_referral(
    state: web::Data<AppState>,
    caller: Authorized<CustomerEditors>,
    id: web::Path<String>,
    Json(request): Json<CreateReferral>,
) -> Result<HttpResponse, ApiError> {
    let referrer_id = id.into_inner();
    let actor = caller.actor;
    let referral = state
        .write(move |connection| {
            Ok(service::record_referral(
                connection,
                &actor,
                &referrer_id,
                &request.referred_customer_id,
                request.referred_on.0,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(ReferralView {
        referrer_id: referral.referrer_id,
        referred_customer_id: referral.referred_id,
        referred_on: IsoDate(referral.referred_on),
        recorded_by: referral.recorded_by,
        created_at: Instant::from_utc(referral.created_at),
    }))
}
