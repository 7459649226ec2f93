//! Customers as the other use cases look them up.

use std::collections::BTreeSet;

use zhidu_domain::tier::TierFlag;
use zhidu_store::customers::{self, Customer};
use zhidu_store::db::DbConnection;
use zhidu_store::{StoreError, StoreResult, read_stored};

use crate::error::{ServiceError, ServiceResult};

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
