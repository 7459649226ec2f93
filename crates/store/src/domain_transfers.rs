//! CARE-6: domain transfers out of the company's management and their three requirements.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, update_versioned};
use crate::schema::domain_transfers;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = domain_transfers, treat_none_as_null = true)]
pub struct DomainTransfer {
    pub id: String,
    pub customer_id: String,
    pub domain_name: String,
    /// `requested` or `approved`.
    pub status: String,
    /// The company's proof document (attachment reference).
    pub proof_document: Option<String>,
    /// Who signed for the customer as its general manager.
    pub signatory: Option<String>,
    pub signature_document: Option<String>,
    /// The confirming phone call by customer service.
    pub call_at: Option<PrimitiveDateTime>,
    pub call_note: Option<String>,
    pub called_by: Option<String>,
    pub requested_by: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<PrimitiveDateTime>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert_transfer(
    connection: &mut DbConnection,
    actor: &Actor,
    transfer: &DomainTransfer,
) -> StoreResult<()> {
    diesel::insert_into(domain_transfers::table)
        .values(transfer)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "domain_transfer.request",
        ("domain_transfer", &transfer.id),
        None::<&()>,
        Some(transfer),
    )
}

pub fn find_transfer(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<DomainTransfer>> {
    Ok(domain_transfers::table
        .find(id)
        .select(DomainTransfer::as_select())
        .first(connection)
        .optional()?)
}

pub fn save_transfer(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &DomainTransfer,
    after: &DomainTransfer,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, domain_transfers, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("domain_transfer", &before.id),
        Some(before),
        Some(after),
    )
}
