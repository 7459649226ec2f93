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
use zhidu_store::customers::{self, Customer, CustomerChangeset, CustomerFilter};
use zhidu_store::db::DbConnection;
use zhidu_store::tiers::{self, QuarterMetrics, Referral};
use zhidu_store::{StoreError, new_id, read_stored, users};

use crate::auth::{Authorized, CustomerEditors, FinanceDesk, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Distinct, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{self, Instant, IsoDate, QuarterParam};
use zhidu_service::customers::{find_customer, flags_from_text, flags_to_text};

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
            area_type: read_stored(&c.area_type)?,
            flags: flags_from_text(&c.flags)?.into_iter().collect(),
            tier: c.current_tier.as_deref().map(read_stored).transpose()?,
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

fn ensure_area_exists(
    connection: &mut DbConnection,
    area_id: Option<&str>,
) -> Result<(), ApiError> {
    match area_id {
        Some(area) if zhidu_store::service_areas::find(connection, area)?.is_none() => Err(
            ApiError::field_refused("service_area_id", format!("no service area {area}")),
        ),
        _ => Ok(()),
    }
}

fn ensure_owner_exists(
    connection: &mut DbConnection,
    owner_id: Option<&str>,
) -> Result<(), ApiError> {
    match owner_id {
        Some(owner) if !users::exists(connection, owner)? => Err(ApiError::field_refused(
            "owner_id",
            format!("no staff account {owner}"),
        )),
        _ => Ok(()),
    }
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
    let now = caller.actor.at.stored();
    let customer = Customer {
        id: new_id(),
        full_name: request.full_name.trim().to_owned(),
        address: request.address.map(String::from).unwrap_or_default(),
        postcode: request.postcode.map(String::from).unwrap_or_default(),
        phone: request.phone.map(String::from).unwrap_or_default(),
        bank_account: request.bank_account.map(String::from).unwrap_or_default(),
        bank_name: request.bank_name.map(String::from).unwrap_or_default(),
        legal_representative: request
            .legal_representative
            .map(String::from)
            .unwrap_or_default(),
        area_type: request.area_type.as_str().to_owned(),
        owner_id: request.owner_id,
        first_contract_on: request.first_contract_on.map(|d| d.0),
        flags: flags_to_text(&request.flags),
        current_tier: None,
        current_tier_quarter: None,
        tier_overridden: false,
        version: 1,
        created_at: now,
        updated_at: now,
        service_area_id: request.service_area_id,
    };
    let actor = caller.actor;
    let created = state
        .write(move |connection| {
            ensure_owner_exists(connection, customer.owner_id.as_deref())?;
            ensure_area_exists(connection, customer.service_area_id.as_deref())?;
            customers::insert(connection, &actor, &customer)?;
            Ok(customer)
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
        .read(move |connection| Ok(customers::list(connection, &filter)?))
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
    let changes = CustomerChangeset {
        full_name: request.full_name.map(|n| n.trim().to_owned()),
        address: request.address.map(String::from),
        postcode: request.postcode.map(String::from),
        phone: request.phone.map(String::from),
        bank_account: request.bank_account.map(String::from),
        bank_name: request.bank_name.map(String::from),
        legal_representative: request.legal_representative.map(String::from),
        area_type: request.area_type.map(|a| a.as_str().to_owned()),
        owner_id: request.owner_id,
        first_contract_on: request.first_contract_on.map(|d| d.map(|d| d.0)),
        flags: request.flags.as_deref().map(flags_to_text),
        service_area_id: request.service_area_id,
    };
    let actor = caller.actor;
    let version = request.version;
    let updated = state
        .write(move |connection| {
            find_customer(connection, &id)?;
            ensure_owner_exists(connection, changes.owner_id.clone().flatten().as_deref())?;
            ensure_area_exists(
                connection,
                changes.service_area_id.clone().flatten().as_deref(),
            )?;
            Ok(customers::update(
                connection, &actor, &id, version, &changes,
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
    let metrics = QuarterMetrics {
        customer_id: id,
        quarter: quarter.to_string(),
        revenue_fen: request.revenue.get().fen(),
        payments_fen: request.payments.get().fen(),
        updated_at: actor.at.stored(),
    };
    let (created, metrics) = state
        .write(move |connection| {
            find_customer(connection, &metrics.customer_id)?;
            let created = tiers::put_quarter_metrics(connection, &actor, &metrics)?;
            Ok((created, metrics))
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
    let quarter = quarter.to_string();
    let metrics = state
        .read(move |connection| {
            find_customer(connection, &id)?;
            tiers::quarter_metrics(connection, &id, &quarter)?
                .ok_or_else(|| ApiError::not_found(format!("no metrics for {id} in {quarter}")))
        })
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
    if referrer_id == request.referred_customer_id {
        return Err(ApiError::field_refused(
            "referred_customer_id",
            "a customer cannot refer itself",
        ));
    }
    let actor = caller.actor;
    let referral = Referral {
        referred_id: request.referred_customer_id,
        referrer_id,
        referred_on: request.referred_on.0,
        recorded_by: actor.subject.clone(),
        created_at: actor.at.stored(),
    };
    let referral = state
        .write(move |connection| {
            find_customer(connection, &referral.referrer_id)?;
            if !customers::exists(connection, &referral.referred_id)? {
                return Err(ApiError::field_refused(
                    "referred_customer_id",
                    format!("no customer {}", referral.referred_id),
                ));
            }
            if let Some(existing) = tiers::find_referral(connection, &referral.referred_id)? {
                return Err(ApiError::conflict(format!(
                    "customer {} was already referred by {}",
                    existing.referred_id, existing.referrer_id
                )));
            }
            tiers::insert_referral(connection, &actor, &referral)?;
            Ok(referral)
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
