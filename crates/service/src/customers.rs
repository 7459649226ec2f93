//! Customers: the AR-1 archive with area type, owner, service area and TIER flags, their
//! quarterly metrics and referrals; and customers as the other use cases look them up.

use std::collections::BTreeSet;

use time::Date;
use zhidu_domain::customer::AreaType;
use zhidu_domain::money::Money;
use zhidu_domain::quarter::Quarter;
use zhidu_domain::tier::{Tier, TierFlag};
use zhidu_store::audit::Actor;
use zhidu_store::db::DbConnection;
use zhidu_store::{StoreResult, customers, new_id, read_stored, service_areas, tiers, users};

use crate::error::{ServiceError, ServiceResult};

pub use zhidu_store::StoreError;
pub use zhidu_store::customers::{Customer, CustomerFilter};
pub use zhidu_store::tiers::{QuarterMetrics, Referral};

/// The stored area type; an unknown one is corrupt data, never urban by default.
pub fn area_type_of(customer: &Customer) -> StoreResult<AreaType> {
    read_stored(&customer.area_type)
}

/// The tier the customer holds from the latest closed quarter (or its override), if any.
pub fn tier_of(customer: &Customer) -> StoreResult<Option<Tier>> {
    customer
        .current_tier
        .as_deref()
        .map(read_stored)
        .transpose()
}

/// A customer's fields as sent; on a change, `None` keeps what is stored and `Some(None)`
/// clears an owner, a first contract date or a service area.
#[derive(Debug, Clone, Default)]
pub struct CustomerFields {
    pub full_name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub legal_representative: Option<String>,
    pub area_type: Option<AreaType>,
    pub owner_id: Option<Option<String>>,
    pub first_contract_on: Option<Option<Date>>,
    pub flags: Option<BTreeSet<TierFlag>>,
    pub service_area_id: Option<Option<String>>,
}

/// The service area a request names exists.
fn ensure_area_exists(connection: &mut DbConnection, area_id: Option<&str>) -> ServiceResult<()> {
    match area_id {
        Some(area) if service_areas::find(connection, area)?.is_none() => Err(
            ServiceError::field_refused("service_area_id", format!("no service area {area}")),
        ),
        _ => Ok(()),
    }
}

/// The staff account a request names as owner exists.
fn ensure_owner_exists(connection: &mut DbConnection, owner_id: Option<&str>) -> ServiceResult<()> {
    match owner_id {
        Some(owner) if !users::exists(connection, owner)? => Err(ServiceError::field_refused(
            "owner_id",
            format!("no staff account {owner}"),
        )),
        _ => Ok(()),
    }
}

/// A new customer named `full_name` in an `area_type` area; the owner and the service area,
/// when named, must exist.
pub fn create_customer(
    connection: &mut DbConnection,
    actor: &Actor,
    full_name: &str,
    area_type: AreaType,
    fields: CustomerFields,
) -> ServiceResult<Customer> {
    let now = actor.at.stored();
    let customer = Customer {
        id: new_id(),
        full_name: full_name.trim().to_owned(),
        address: fields.address.unwrap_or_default(),
        postcode: fields.postcode.unwrap_or_default(),
        phone: fields.phone.unwrap_or_default(),
        bank_account: fields.bank_account.unwrap_or_default(),
        bank_name: fields.bank_name.unwrap_or_default(),
        legal_representative: fields.legal_representative.unwrap_or_default(),
        area_type: area_type.as_str().to_owned(),
        owner_id: fields.owner_id.flatten(),
        first_contract_on: fields.first_contract_on.flatten(),
        flags: flags_to_text(&fields.flags.unwrap_or_default()),
        current_tier: None,
        current_tier_quarter: None,
        tier_overridden: false,
        version: 1,
        created_at: now,
        updated_at: now,
        service_area_id: fields.service_area_id.flatten(),
    };
    ensure_owner_exists(connection, customer.owner_id.as_deref())?;
    ensure_area_exists(connection, customer.service_area_id.as_deref())?;
    customers::insert(connection, actor, &customer)?;
    Ok(customer)
}

/// Customers in creation order, filtered by tier, owner and area type.
pub fn list_customers(
    connection: &mut DbConnection,
    filter: &CustomerFilter,
) -> ServiceResult<Vec<Customer>> {
    Ok(customers::list(connection, filter)?)
}

/// Changes customer `id` as read at `version`; a named owner or service area must exist.
pub fn update_customer(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    fields: CustomerFields,
) -> ServiceResult<Customer> {
    find_customer(connection, id)?;
    let changes = customers::CustomerChangeset {
        full_name: fields.full_name.map(|n| n.trim().to_owned()),
        address: fields.address,
        postcode: fields.postcode,
        phone: fields.phone,
        bank_account: fields.bank_account,
        bank_name: fields.bank_name,
        legal_representative: fields.legal_representative,
        area_type: fields.area_type.map(|a| a.as_str().to_owned()),
        owner_id: fields.owner_id,
        first_contract_on: fields.first_contract_on,
        flags: fields.flags.as_ref().map(flags_to_text),
        service_area_id: fields.service_area_id,
    };
    ensure_owner_exists(connection, changes.owner_id.clone().flatten().as_deref())?;
    ensure_area_exists(
        connection,
        changes.service_area_id.clone().flatten().as_deref(),
    )?;
    Ok(customers::update(connection, actor, id, version, &changes)?)
}

/// Records customer `id`'s revenue and payments for `quarter`; true when they are new, false
/// when they replace earlier ones.
pub fn put_quarter_metrics(
    connection: &mut DbConnection,
    actor: &Actor,
    id: &str,
    quarter: Quarter,
    revenue: Money,
    payments: Money,
) -> ServiceResult<(bool, QuarterMetrics)> {
    find_customer(connection, id)?;
    let metrics = QuarterMetrics {
        customer_id: id.to_owned(),
        quarter: quarter.to_string(),
        revenue_fen: revenue.fen(),
        payments_fen: payments.fen(),
        updated_at: actor.at.stored(),
    };
    let created = tiers::put_quarter_metrics(connection, actor, &metrics)?;
    Ok((created, metrics))
}

/// Customer `id`'s revenue and payments for `quarter`.
pub fn quarter_metrics(
    connection: &mut DbConnection,
    id: &str,
    quarter: Quarter,
) -> ServiceResult<QuarterMetrics> {
    find_customer(connection, id)?;
    let quarter = quarter.to_string();
    tiers::quarter_metrics(connection, id, &quarter)?
        .ok_or_else(|| ServiceError::not_found(format!("no metrics for {id} in {quarter}")))
}

/// Records that customer `referrer_id` referred `referred_id` (a TIER metric): a customer
/// cannot refer itself, and is referred once.
pub fn record_referral(
    connection: &mut DbConnection,
    actor: &Actor,
    referrer_id: &str,
    referred_id: &str,
    referred_on: Date,
) -> ServiceResult<Referral> {
    if referrer_id == referred_id {
        return Err(ServiceError::field_refused(
            "referred_customer_id",
            "a customer cannot refer itself",
        ));
    }
    find_customer(connection, referrer_id)?;
    if !customers::exists(connection, referred_id)? {
        return Err(ServiceError::field_refused(
            "referred_customer_id",
            format!("no customer {referred_id}"),
        ));
    }
    if let Some(existing) = tiers::find_referral(connection, referred_id)? {
        return Err(ServiceError::conflict(format!(
            "customer {} was already referred by {}",
            existing.referred_id, existing.referrer_id
        )));
    }
    let referral = Referral {
        referred_id: referred_id.to_owned(),
        referrer_id: referrer_id.to_owned(),
        referred_on,
        recorded_by: actor.subject.clone(),
        created_at: actor.at.stored(),
    };
    tiers::insert_referral(connection, actor, &referral)?;
    Ok(referral)
}

/// The customer at `id`; not found names the id.
pub fn find_customer(connection: &mut DbConnection, id: &str) -> ServiceResult<Customer> {
    customers::find(connection, id).map_err(|e| match e {
        StoreError::NotFound => ServiceError::not_found(format!("no customer {id}")),
        other => other.into(),
    })
}

/// The customer a request's `field` names; a refusal of that field when there is none.
pub fn existing_customer(
    connection: &mut DbConnection,
    field: &str,
    id: &str,
) -> ServiceResult<Customer> {
    customers::find(connection, id).map_err(|e| match e {
        StoreError::NotFound => ServiceError::field_refused(field, format!("no customer {id}")),
        other => other.into(),
    })
}

/// TIER flags as stored on a customer row: space-separated names.
pub fn flags_to_text(flags: &BTreeSet<TierFlag>) -> String {
    flags
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An unknown stored flag is corruption: dropping it would silently change a tier.
pub fn flags_from_text(text: &str) -> StoreResult<BTreeSet<TierFlag>> {
    text.split_whitespace().map(read_stored).collect()
}
