//! AR-2..4: credit terms, the receivables ledger with its payments and collection notes, and
//! the outcome of long-unrecovered items.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, save_versioned, update_versioned};
use crate::schema::{credit_terms, receivable_events, receivables};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = credit_terms)]
pub struct CreditTerms {
    pub customer_id: String,
    pub credit_limit_fen: i64,
    pub credit_period_days: i32,
    pub version: i64,
    pub updated_at: PrimitiveDateTime,
}

pub fn find_terms(
    connection: &mut DbConnection,
    customer_id: &str,
) -> StoreResult<Option<CreditTerms>> {
    Ok(credit_terms::table
        .find(customer_id)
        .select(CreditTerms::as_select())
        .first(connection)
        .optional()?)
}

/// Creates the terms (`before` is `None`) or writes their next version over `before`.
pub fn save_terms(
    connection: &mut DbConnection,
    actor: &Actor,
    before: Option<&CreditTerms>,
    after: &CreditTerms,
) -> StoreResult<()> {
    save_versioned!(&mut *connection, credit_terms, before, after, |row| &row
        .customer_id)?;
    audit::record(
        connection,
        actor,
        "credit_terms.set",
        ("customer", &after.customer_id),
        before,
        Some(after),
    )
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = receivables, treat_none_as_null = true)]
pub struct Receivable {
    pub id: String,
    /// Who owes it: a customer, or (SET-6's joining fee) a franchisee partner.
    pub customer_id: Option<String>,
    pub partner_id: Option<String>,
    pub contract_number: String,
    pub amount_fen: i64,
    pub invoiced_on: Date,
    pub handler_id: String,
    pub approver_id: Option<String>,
    pub delivery_method: String,
    pub delivered_on: Date,
    pub paid_fen: i64,
    /// AR-4: `bad_debt_candidate`, `repayment_agreement` or `litigation`.
    pub outcome: Option<String>,
    pub outcome_owner_id: Option<String>,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// AR-5: `reported` (awaiting the general manager) or `written_off`.
    pub bad_debt_status: Option<String>,
    pub bad_debt_reason: Option<String>,
    pub responsible_department: Option<String>,
    pub responsible_person: Option<String>,
    pub written_off_fen: Option<i64>,
    pub written_off_on: Option<Date>,
    /// Recovered after the write-off; each recovery reverses that much of the allowance.
    pub recovered_fen: i64,
}

pub fn insert_receivable(
    connection: &mut DbConnection,
    actor: &Actor,
    receivable: &Receivable,
) -> StoreResult<()> {
    diesel::insert_into(receivables::table)
        .values(receivable)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "receivable.record",
        ("receivable", &receivable.id),
        None::<&()>,
        Some(receivable),
    )
}

pub fn find_receivable(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Receivable>> {
    Ok(receivables::table
        .find(id)
        .select(Receivable::as_select())
        .first(connection)
        .optional()?)
}

/// What the customer still owes across its ledger.
pub fn outstanding_of(connection: &mut DbConnection, customer_id: &str) -> StoreResult<i64> {
    let rows: Vec<(i64, i64)> = receivables::table
        .filter(receivables::customer_id.eq(customer_id))
        .select((receivables::amount_fen, receivables::paid_fen))
        .load(connection)?;
    Ok(rows.iter().map(|(amount, paid)| amount - paid).sum())
}

/// Entries still owed and not written off (AR-5), invoiced on or before `as_of`, oldest first.
pub fn open_receivables(
    connection: &mut DbConnection,
    as_of: Date,
) -> StoreResult<Vec<Receivable>> {
    Ok(receivables::table
        .filter(receivables::invoiced_on.le(as_of))
        .filter(receivables::paid_fen.lt(receivables::amount_fen))
        .filter(receivables::written_off_fen.is_null())
        .order((receivables::invoiced_on.asc(), receivables::id.asc()))
        .select(Receivable::as_select())
        .load(connection)?)
}

/// A customer's entries invoiced on or before `through`, with their events.
pub fn ledger_of(
    connection: &mut DbConnection,
    customer_id: &str,
    through: Date,
) -> StoreResult<Vec<(Receivable, Vec<ReceivableEvent>)>> {
    let entries: Vec<Receivable> = receivables::table
        .filter(receivables::customer_id.eq(customer_id))
        .filter(receivables::invoiced_on.le(through))
        .order((receivables::invoiced_on.asc(), receivables::id.asc()))
        .select(Receivable::as_select())
        .load(connection)?;
    let ids: Vec<String> = entries.iter().map(|e| e.id.clone()).collect();
    let events: Vec<ReceivableEvent> = receivable_events::table
        .filter(receivable_events::receivable_id.eq_any(&ids))
        .order(receivable_events::id.asc())
        .select(ReceivableEvent::as_select())
        .load(connection)?;
    Ok(entries
        .into_iter()
        .map(|entry| {
            let own = events
                .iter()
                .filter(|e| e.receivable_id == entry.id)
                .cloned()
                .collect();
            (entry, own)
        })
        .collect())
}

/// Whether the partner already owes (or owed) a receivable: SET-6's joining fee is once.
pub fn partner_has_receivable(
    connection: &mut DbConnection,
    partner_id: &str,
) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        receivables::table.filter(receivables::partner_id.eq(partner_id)),
    ))
    .get_result(connection)?)
}

/// AR-5's memo ledger: the written-off entries, oldest write-off first.
pub fn written_off(connection: &mut DbConnection) -> StoreResult<Vec<Receivable>> {
    Ok(receivables::table
        .filter(receivables::written_off_fen.is_not_null())
        .order((receivables::written_off_on.asc(), receivables::id.asc()))
        .select(Receivable::as_select())
        .load(connection)?)
}

pub fn update_receivable(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &Receivable,
    after: &Receivable,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, receivables, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("receivable", &before.id),
        Some(before),
        Some(after),
    )
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = receivable_events)]
pub struct ReceivableEvent {
    pub id: String,
    pub receivable_id: String,
    /// `payment`, `collection_note`, `reconciliation` or `recovery`.
    pub kind: String,
    pub amount_fen: Option<i64>,
    pub note: Option<String>,
    pub occurred_on: Date,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

pub fn insert_event(connection: &mut DbConnection, event: &ReceivableEvent) -> StoreResult<()> {
    diesel::insert_into(receivable_events::table)
        .values(event)
        .execute(connection)?;
    Ok(())
}

pub fn events_of(
    connection: &mut DbConnection,
    receivable_id: &str,
) -> StoreResult<Vec<ReceivableEvent>> {
    Ok(receivable_events::table
        .filter(receivable_events::receivable_id.eq(receivable_id))
        .order(receivable_events::id.asc())
        .select(ReceivableEvent::as_select())
        .load(connection)?)
}
