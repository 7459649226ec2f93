//! LEAD: prospects with the ownership the service computed for them (LEAD-1), their confirmed
//! invitations, deals (LEAD-2), deposits and follow-up outcomes (LEAD-3).

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::StoreResult;
use crate::audit::{self, Actor};
use crate::db::{DbConnection, MultiBackend, update_versioned};
use crate::schema::{
    prospect_deals, prospect_deposits, prospect_follow_ups, prospect_invitations, prospects,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = prospects, treat_none_as_null = true)]
pub struct Prospect {
    pub id: String,
    pub company_name: String,
    pub contact_name: String,
    pub phone: String,
    pub source: String,
    /// LEAD-1, computed: `unclaimed` (no invitation), `shared` or `owned`.
    pub ownership: String,
    pub owner_id: Option<String>,
    /// LEAD-3: who follows up after the interview, and the other party it passes to.
    pub follow_up_owner_id: Option<String>,
    pub follow_up_other_id: Option<String>,
    pub follow_up_since: Option<PrimitiveDateTime>,
    /// When a follow-up succeeded.
    pub converted_at: Option<PrimitiveDateTime>,
    pub created_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = prospect_invitations)]
pub struct ProspectInvitation {
    pub id: String,
    pub prospect_id: String,
    pub staff_id: String,
    pub confirmed_at: PrimitiveDateTime,
    pub appointment_at: PrimitiveDateTime,
    pub place: String,
    /// LEAD-1: the visit was within the claim window of the confirmation.
    pub claims: bool,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = prospect_deals, treat_none_as_null = true)]
pub struct ProspectDeal {
    pub id: String,
    pub prospect_id: String,
    /// Space-separated employee ids of the staff claiming the deal.
    pub claimant_ids: String,
    pub amount_fen: i64,
    pub closed_at: PrimitiveDateTime,
    /// `won`, `contested`, `agreed` or `void`.
    pub status: String,
    pub owner_id: Option<String>,
    /// LEAD-2: the supervisor the agreement is reported to.
    pub reported_to: Option<String>,
    pub resolution_note: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<PrimitiveDateTime>,
    pub recorded_by: String,
    pub version: i64,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = prospect_deposits)]
pub struct ProspectDeposit {
    pub id: String,
    pub prospect_id: String,
    pub collector_id: String,
    pub amount_fen: i64,
    pub collected_at: PrimitiveDateTime,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = prospect_follow_ups)]
pub struct ProspectFollowUp {
    pub id: String,
    pub prospect_id: String,
    /// The follow-up owner the outcome is credited to.
    pub owner_id: String,
    /// `success` or `failure`.
    pub result: String,
    pub occurred_at: PrimitiveDateTime,
    pub note: String,
    pub recorded_by: String,
    pub created_at: PrimitiveDateTime,
}

pub fn insert_prospect(
    connection: &mut DbConnection,
    actor: &Actor,
    prospect: &Prospect,
) -> StoreResult<()> {
    diesel::insert_into(prospects::table)
        .values(prospect)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "prospect.create",
        ("prospect", &prospect.id),
        None::<&()>,
        Some(prospect),
    )
}

pub fn find_prospect(connection: &mut DbConnection, id: &str) -> StoreResult<Option<Prospect>> {
    Ok(prospects::table
        .find(id)
        .select(Prospect::as_select())
        .first(connection)
        .optional()?)
}

/// The prospect, holding its row lock until the transaction ends (PostgreSQL), so that two
/// invitations or assignments for one prospect decide one after the other (SQLite's write
/// transaction already holds the database lock).
pub fn find_prospect_for_update(
    connection: &mut DbConnection,
    id: &str,
) -> StoreResult<Option<Prospect>> {
    if let DbConnection::Postgres(pg) = connection {
        prospects::table
            .find(id)
            .select(prospects::id)
            .for_update()
            .first::<String>(pg)
            .optional()?;
    }
    find_prospect(connection, id)
}

pub fn save_prospect(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &Prospect,
    after: &Prospect,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, prospects, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("prospect", &before.id),
        Some(before),
        Some(after),
    )
}

#[derive(Debug, Clone, Default)]
pub struct ProspectFilter {
    pub owner_id: Option<String>,
    pub ownership: Option<String>,
    pub after_id: Option<String>,
    pub limit: i64,
}

/// Prospects in the order they were made; one more than `limit` tells another page exists.
pub fn list_prospects(
    connection: &mut DbConnection,
    filter: &ProspectFilter,
) -> StoreResult<Vec<Prospect>> {
    let mut query = prospects::table
        .select(Prospect::as_select())
        .order(prospects::id.asc())
        .limit(filter.limit + 1)
        .into_boxed::<MultiBackend>();
    if let Some(owner) = &filter.owner_id {
        query = query.filter(prospects::owner_id.eq(owner.clone()));
    }
    if let Some(ownership) = &filter.ownership {
        query = query.filter(prospects::ownership.eq(ownership.clone()));
    }
    if let Some(after) = &filter.after_id {
        query = query.filter(prospects::id.gt(after.clone()));
    }
    Ok(query.load(connection)?)
}

pub fn insert_invitation(
    connection: &mut DbConnection,
    actor: &Actor,
    invitation: &ProspectInvitation,
) -> StoreResult<()> {
    diesel::insert_into(prospect_invitations::table)
        .values(invitation)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "prospect_invitation.create",
        ("prospect_invitation", &invitation.id),
        None::<&()>,
        Some(invitation),
    )
}

/// A prospect's invitations in the order they were confirmed.
pub fn invitations_of(
    connection: &mut DbConnection,
    prospect_id: &str,
) -> StoreResult<Vec<ProspectInvitation>> {
    Ok(prospect_invitations::table
        .filter(prospect_invitations::prospect_id.eq(prospect_id.to_owned()))
        .order((
            prospect_invitations::confirmed_at.asc(),
            prospect_invitations::id.asc(),
        ))
        .select(ProspectInvitation::as_select())
        .load(connection)?)
}

pub fn insert_deal(
    connection: &mut DbConnection,
    actor: &Actor,
    deal: &ProspectDeal,
) -> StoreResult<()> {
    diesel::insert_into(prospect_deals::table)
        .values(deal)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "prospect_deal.create",
        ("prospect_deal", &deal.id),
        None::<&()>,
        Some(deal),
    )
}

/// The deal `id` of the prospect `prospect_id`.
pub fn find_deal(
    connection: &mut DbConnection,
    prospect_id: &str,
    id: &str,
) -> StoreResult<Option<ProspectDeal>> {
    Ok(prospect_deals::table
        .find(id)
        .filter(prospect_deals::prospect_id.eq(prospect_id.to_owned()))
        .select(ProspectDeal::as_select())
        .first(connection)
        .optional()?)
}

pub fn save_deal(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: &ProspectDeal,
    after: &ProspectDeal,
) -> StoreResult<()> {
    update_versioned!(&mut *connection, prospect_deals, before, after)?;
    audit::record(
        connection,
        actor,
        action,
        ("prospect_deal", &before.id),
        Some(before),
        Some(after),
    )
}

pub fn deals_of(
    connection: &mut DbConnection,
    prospect_id: &str,
) -> StoreResult<Vec<ProspectDeal>> {
    Ok(prospect_deals::table
        .filter(prospect_deals::prospect_id.eq(prospect_id.to_owned()))
        .order(prospect_deals::id.asc())
        .select(ProspectDeal::as_select())
        .load(connection)?)
}

pub fn insert_deposit(
    connection: &mut DbConnection,
    actor: &Actor,
    deposit: &ProspectDeposit,
) -> StoreResult<()> {
    diesel::insert_into(prospect_deposits::table)
        .values(deposit)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "prospect_deposit.create",
        ("prospect_deposit", &deposit.id),
        None::<&()>,
        Some(deposit),
    )
}

/// A prospect's deposits in the order they were collected.
pub fn deposits_of(
    connection: &mut DbConnection,
    prospect_id: &str,
) -> StoreResult<Vec<ProspectDeposit>> {
    Ok(prospect_deposits::table
        .filter(prospect_deposits::prospect_id.eq(prospect_id.to_owned()))
        .order((
            prospect_deposits::collected_at.asc(),
            prospect_deposits::id.asc(),
        ))
        .select(ProspectDeposit::as_select())
        .load(connection)?)
}

pub fn insert_follow_up(
    connection: &mut DbConnection,
    actor: &Actor,
    follow_up: &ProspectFollowUp,
) -> StoreResult<()> {
    diesel::insert_into(prospect_follow_ups::table)
        .values(follow_up)
        .execute(connection)?;
    audit::record(
        connection,
        actor,
        "prospect_follow_up.create",
        ("prospect_follow_up", &follow_up.id),
        None::<&()>,
        Some(follow_up),
    )
}

/// A prospect's follow-up outcomes in the order they happened.
pub fn follow_ups_of(
    connection: &mut DbConnection,
    prospect_id: &str,
) -> StoreResult<Vec<ProspectFollowUp>> {
    Ok(prospect_follow_ups::table
        .filter(prospect_follow_ups::prospect_id.eq(prospect_id.to_owned()))
        .order((
            prospect_follow_ups::occurred_at.asc(),
            prospect_follow_ups::id.asc(),
        ))
        .select(ProspectFollowUp::as_select())
        .load(connection)?)
}

/// One follow-up owner's outcomes in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpTally {
    pub owner_id: String,
    pub outcomes: u64,
    pub failures: u64,
}

/// LEAD-3: per owner (only `owner_id` when given), the follow-up outcomes with `occurred_at`
/// in `[from, to)` (UTC) and how many failed, by owner id.
pub fn follow_up_tallies(
    connection: &mut DbConnection,
    from: PrimitiveDateTime,
    to: PrimitiveDateTime,
    owner_id: Option<&str>,
) -> StoreResult<Vec<FollowUpTally>> {
    let mut query = prospect_follow_ups::table
        .filter(prospect_follow_ups::occurred_at.ge(from))
        .filter(prospect_follow_ups::occurred_at.lt(to))
        .order(prospect_follow_ups::owner_id.asc())
        .select((prospect_follow_ups::owner_id, prospect_follow_ups::result))
        .into_boxed::<MultiBackend>();
    if let Some(owner) = owner_id {
        query = query.filter(prospect_follow_ups::owner_id.eq(owner.to_owned()));
    }
    let rows: Vec<(String, String)> = query.load(connection)?;
    let mut tallies: Vec<FollowUpTally> = Vec::new();
    for (owner_id, result) in rows {
        let failed = u64::from(result == "failure");
        match tallies.last_mut() {
            Some(last) if last.owner_id == owner_id => {
                last.outcomes += 1;
                last.failures += failed;
            }
            _ => tallies.push(FollowUpTally {
                owner_id,
                outcomes: 1,
                failures: failed,
            }),
        }
    }
    Ok(tallies)
}
