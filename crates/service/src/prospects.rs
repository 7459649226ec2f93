//! LEAD: prospects and who owns them. Ownership is computed from the confirmed invitations
//! (LEAD-1) and a second claiming invitation by another member of staff is refused and
//! recorded as a possible intentional duplicate invitation (DISC, heard under ACC-3); a
//! contested deal ends agreed on one owner or void, never split (LEAD-2); after the interview
//! one follow-up owner, passing to the other party after a week without result, and barred
//! for a month after 40% failed follow-ups (LEAD-3). The decisions are `zhidu_domain::lead`'s.

use time::{Date, OffsetDateTime, PrimitiveDateTime};
use zhidu_domain::lead::{
    DealSettlement, DealStatus, FollowUpClaim, FollowUpRefusal, FollowUpResult, Invitation,
    LeadPolicy, Ownership, SettlementRefusal, barred_from_follow_ups, duplicate_invitation_of,
    follow_up_counted_month, follow_up_failure_rate_bp, follow_up_owner, follow_up_passed_to_other,
    invitation_claims_prospect, prospect_ownership, recorded_deal, settle_contested_deal,
    settled_deal_status,
};
use zhidu_domain::money::Money;
use zhidu_store::audit::Actor;
use zhidu_store::clock::{local_midnight_utc, stored_utc};
use zhidu_store::db::DbConnection;
use zhidu_store::discipline as discipline_store;
use zhidu_store::people;
use zhidu_store::prospects::{self as store, ProspectFilter};
use zhidu_store::versioned::Versioned;
use zhidu_store::{StoreError, new_id, read_stored};

pub use zhidu_store::prospects::{
    Prospect, ProspectDeal, ProspectDeposit, ProspectFollowUp, ProspectInvitation,
};

use crate::access::Identity;
use crate::discipline::{NewOffenseRecord, RecordFlags, open_record};
use crate::error::{FieldNote, ServiceError, ServiceResult};
use crate::people::existing_employee;

/// DISC offense a refused LEAD-1 invitation is recorded as.
const DUPLICATE_INVITATION: &str = "intentional_duplicate_invitation";
/// DISC offense of each party to a quarrel over a contested deal.
const DEAL_QUARREL: &str = "deal_collision_quarrel";

fn utc(stored: PrimitiveDateTime) -> OffsetDateTime {
    stored.assume_utc()
}

/// A prospect's stored ownership, read as the domain's.
pub fn ownership_of(prospect: &Prospect) -> ServiceResult<Ownership> {
    Ok(read_stored(&prospect.ownership)?)
}

/// A deal's stored status, read as the domain's.
pub fn deal_status_of(deal: &ProspectDeal) -> ServiceResult<DealStatus> {
    Ok(read_stored(&deal.status)?)
}

/// A follow-up's stored result, read as the domain's.
pub fn follow_up_result_of(follow_up: &ProspectFollowUp) -> ServiceResult<FollowUpResult> {
    Ok(read_stored(&follow_up.result)?)
}

/// The staff claiming a deal.
pub fn claimants_of(deal: &ProspectDeal) -> Vec<String> {
    deal.claimant_ids
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// LEAD-3: who follows the prospect up at `at`, if anyone was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpState {
    /// The owner at `at`: the assigned one, or the other party after a week without a
    /// successful result.
    pub owner_id: String,
    pub assigned_owner_id: String,
    pub other_id: String,
    pub since: PrimitiveDateTime,
    /// When ownership passes (or passed) to the other party without a successful result.
    pub passes_at: OffsetDateTime,
    pub passed_to_other: bool,
}

/// LEAD-3: the prospect's follow-up owner at `at`.
pub fn follow_up_at(prospect: &Prospect, at: OffsetDateTime) -> Option<FollowUpState> {
    let policy = LeadPolicy::default();
    let (owner, other, since) = match (
        &prospect.follow_up_owner_id,
        &prospect.follow_up_other_id,
        prospect.follow_up_since,
    ) {
        (Some(owner), Some(other), Some(since)) => (owner, other, since),
        _ => return None,
    };
    let succeeded_by = prospect.converted_at.map(utc).filter(|done| *done <= at);
    let passed = follow_up_passed_to_other(&policy, utc(since), succeeded_by.is_some(), at);
    Some(FollowUpState {
        owner_id: if passed { other } else { owner }.clone(),
        assigned_owner_id: owner.clone(),
        other_id: other.clone(),
        since,
        passes_at: utc(since) + policy.follow_up_hand_over_after,
        passed_to_other: passed,
    })
}

/// The prospect `id`, locked for the change about to be made.
fn existing_prospect(connection: &mut DbConnection, id: &str) -> ServiceResult<Prospect> {
    store::find_prospect_for_update(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no prospect {id}")))
}

/// A prospect to record.
#[derive(Debug, Clone)]
pub struct NewProspect {
    pub company_name: String,
    pub contact_name: String,
    pub phone: String,
    pub source: String,
}

/// Records a prospect; its ownership starts unclaimed (LEAD-1).
pub fn create_prospect(
    connection: &mut DbConnection,
    caller: &impl Identity,
    new: NewProspect,
) -> ServiceResult<Prospect> {
    let actor = caller.actor();
    let now = actor.at.stored();
    let prospect = Prospect {
        id: new_id(),
        company_name: new.company_name.trim().to_owned(),
        contact_name: new.contact_name.trim().to_owned(),
        phone: new.phone.trim().to_owned(),
        source: new.source.trim().to_owned(),
        ownership: Ownership::Unclaimed.as_str().into(),
        owner_id: None,
        follow_up_owner_id: None,
        follow_up_other_id: None,
        follow_up_since: None,
        converted_at: None,
        created_by: caller.subject().to_owned(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_prospect(connection, actor, &prospect)?;
    Ok(prospect)
}

/// Prospects in the order they were recorded, by owner and ownership.
pub fn list_prospects(
    connection: &mut DbConnection,
    owner_id: Option<String>,
    ownership: Option<Ownership>,
    after_id: Option<String>,
    limit: i64,
) -> ServiceResult<Vec<Prospect>> {
    let filter = ProspectFilter {
        owner_id,
        ownership: ownership.map(|s| s.as_str().to_owned()),
        after_id,
        limit,
    };
    Ok(store::list_prospects(connection, &filter)?)
}

/// A prospect with everything recorded for it.
#[derive(Debug, Clone)]
pub struct ProspectRecords {
    pub prospect: Prospect,
    pub invitations: Vec<ProspectInvitation>,
    pub deals: Vec<ProspectDeal>,
    pub deposits: Vec<ProspectDeposit>,
    pub follow_ups: Vec<ProspectFollowUp>,
}

/// The prospect `id` with its invitations, deals, deposits and follow-up outcomes.
pub fn prospect_records(connection: &mut DbConnection, id: &str) -> ServiceResult<ProspectRecords> {
    let prospect = store::find_prospect(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no prospect {id}")))?;
    Ok(ProspectRecords {
        prospect,
        invitations: store::invitations_of(connection, id)?,
        deals: store::deals_of(connection, id)?,
        deposits: store::deposits_of(connection, id)?,
        follow_ups: store::follow_ups_of(connection, id)?,
    })
}

/// A confirmed invitation to record.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub staff_id: String,
    pub confirmed_at: OffsetDateTime,
    pub appointment_at: OffsetDateTime,
    pub place: String,
}

/// What recording an invitation came to: the recorded invitation with the prospect's
/// ownership recomputed, or the LEAD-1 refusal with the discipline record it left (kept: the
/// transaction commits either way).
#[derive(Debug, Clone)]
pub enum InvitationOutcome {
    Recorded(Box<RecordedInvitation>),
    Duplicate { owner_id: String, record_id: String },
}

/// A recorded invitation and the prospect with its ownership recomputed.
#[derive(Debug, Clone)]
pub struct RecordedInvitation {
    pub invitation: ProspectInvitation,
    pub prospect: Prospect,
}

/// LEAD-1: records a confirmed invitation of prospect `id`. A claiming invitation by anyone
/// but the owner is not recorded: it becomes a DISC record of a possible intentional duplicate
/// invitation for that member of staff, in `pending_statement` (ACC-3).
pub fn record_invitation(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    request: NewInvitation,
) -> ServiceResult<InvitationOutcome> {
    let policy = LeadPolicy::default();
    let actor = caller.actor();
    let before = existing_prospect(connection, id)?;
    let staff = existing_employee(connection, "staff_id", &request.staff_id)?;
    let new = Invitation {
        staff_id: staff.id.clone(),
        confirmed_at: request.confirmed_at,
        appointment_at: request.appointment_at,
    };
    let existing: Vec<Invitation> = store::invitations_of(connection, id)?
        .into_iter()
        .map(|i| Invitation {
            staff_id: i.staff_id,
            confirmed_at: utc(i.confirmed_at),
            appointment_at: utc(i.appointment_at),
        })
        .collect();
    if let Some(owner_id) = duplicate_invitation_of(&policy, &existing, &new) {
        let offense = duplicate_invitation_record(connection, &before, owner_id, &new)?;
        let record = open_record(connection, actor, caller.subject(), offense)?;
        return Ok(InvitationOutcome::Duplicate {
            owner_id: owner_id.to_owned(),
            record_id: record.id,
        });
    }
    let invitation = ProspectInvitation {
        id: new_id(),
        prospect_id: id.to_owned(),
        staff_id: staff.id,
        confirmed_at: stored_utc(new.confirmed_at),
        appointment_at: stored_utc(new.appointment_at),
        place: request.place.trim().to_owned(),
        claims: invitation_claims_prospect(&policy, &new),
        recorded_by: caller.subject().to_owned(),
        created_at: actor.at.stored(),
    };
    store::insert_invitation(connection, actor, &invitation)?;
    let mut all = existing;
    all.push(new);
    let (ownership, owner_id) = prospect_ownership(&policy, &all);
    let after = Prospect {
        ownership: ownership.as_str().into(),
        owner_id: owner_id.map(str::to_owned),
        ..before.bumped(actor.at.stored())
    };
    store::save_prospect(connection, actor, "prospect.invitation", &before, &after)?;
    Ok(InvitationOutcome::Recorded(Box::new(RecordedInvitation {
        invitation,
        prospect: after,
    })))
}

/// The stored DISC offense `code` a LEAD rule records.
fn lead_offense(
    connection: &mut DbConnection,
    code: &str,
) -> ServiceResult<discipline_store::StoredOffense> {
    Ok(discipline_store::find_offense(connection, code)?
        .ok_or_else(|| StoreError::Corrupt(format!("offense {code} missing")))?)
}

/// LEAD-1 → DISC: the intentional-duplicate-invitation record for the second inviter.
fn duplicate_invitation_record(
    connection: &mut DbConnection,
    prospect: &Prospect,
    owner_id: &str,
    new: &Invitation,
) -> ServiceResult<NewOffenseRecord> {
    Ok(NewOffenseRecord {
        employee_id: new.staff_id.clone(),
        stored: lead_offense(connection, DUPLICATE_INVITATION)?,
        occurred_at: stored_utc(new.confirmed_at),
        details: format!(
            "LEAD-1: invitation of prospect {} ({}) confirmed while it belongs to {owner_id}",
            prospect.id, prospect.company_name
        ),
        count: 1,
        flags: RecordFlags::default(),
    })
}

/// LEAD-2: records a deal of prospect `id`: won by a single claimant, contested by two or
/// more distinct ones. Every claimant must be an employee (each unknown one is named).
pub fn record_deal(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    claimant_ids: &[String],
    amount: Money,
    closed_at: PrimitiveDateTime,
) -> ServiceResult<ProspectDeal> {
    existing_prospect(connection, id)?;
    let mut unknown = Vec::new();
    let mut claimants: Vec<String> = Vec::new();
    for (index, claimant) in claimant_ids.iter().enumerate() {
        if people::find_employee(connection, claimant)?.is_none() {
            unknown.push(FieldNote {
                field: format!("claimant_ids[{index}]"),
                message: format!("no employee {claimant}"),
            });
        } else if !claimants.contains(claimant) {
            claimants.push(claimant.clone());
        }
    }
    if !unknown.is_empty() {
        return Err(ServiceError::FieldsRefused(unknown));
    }
    let (status, owner_id) = recorded_deal(&claimants);
    let actor = caller.actor();
    let now = actor.at.stored();
    let deal = ProspectDeal {
        id: new_id(),
        prospect_id: id.to_owned(),
        owner_id: owner_id.map(str::to_owned),
        claimant_ids: claimants.join(" "),
        amount_fen: amount.fen(),
        closed_at,
        status: status.as_str().into(),
        reported_to: None,
        resolution_note: None,
        resolved_by: None,
        resolved_at: None,
        recorded_by: caller.subject().to_owned(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert_deal(connection, actor, &deal)?;
    Ok(deal)
}

/// How management settles a contested deal.
#[derive(Debug, Clone)]
pub struct DealResolution {
    pub settlement: DealSettlement,
    /// The claimants quarrelled: each gets a DISC `deal_collision_quarrel` record.
    pub quarrel: bool,
    pub note: String,
    pub version: i64,
}

/// LEAD-2: settles the contested deal `deal_id` of prospect `prospect_id`: agreed on one of
/// its claimants (reported to that owner's superior) or void, never split. Returns the deal
/// and the quarrel records opened.
pub fn resolve_deal(
    connection: &mut DbConnection,
    caller: &impl Identity,
    prospect_id: &str,
    deal_id: &str,
    resolution: DealResolution,
) -> ServiceResult<(ProspectDeal, Vec<String>)> {
    existing_prospect(connection, prospect_id)?;
    let before = store::find_deal(connection, prospect_id, deal_id)?
        .ok_or_else(|| ServiceError::not_found(format!("no deal {deal_id}")))?;
    let claimants = claimants_of(&before);
    settle_contested_deal(&claimants, &resolution.settlement).map_err(|refusal| match refusal {
        SettlementRefusal::Split => ServiceError::refused(
            "LEAD-2",
            "a deal is never split: the claimants agree on one owner, or it is void",
        ),
        SettlementRefusal::NotAClaimant(owner) => {
            ServiceError::field_refused("owner_id", format!("{owner} does not claim this deal"))
        }
    })?;
    if deal_status_of(&before)? != DealStatus::Contested {
        return Err(ServiceError::conflict(format!(
            "deal {deal_id} is {}, not contested",
            before.status
        )));
    }
    if before.version != resolution.version {
        return Err(ServiceError::Stale(format!(
            "deal {deal_id} is at version {}, not {}",
            before.version, resolution.version
        )));
    }
    let status = settled_deal_status(&resolution.settlement);
    let (owner_id, reported_to) = match &resolution.settlement {
        DealSettlement::Agreed { owner_id } => {
            let owner = existing_employee(connection, "owner_id", owner_id)?;
            (Some(owner.id), owner.superior_id)
        }
        DealSettlement::Void | DealSettlement::Split { .. } => (None, None),
    };
    let actor = caller.actor();
    let now = actor.at.stored();
    let after = ProspectDeal {
        status: status.as_str().into(),
        owner_id,
        reported_to,
        resolution_note: Some(resolution.note.trim().to_owned()),
        resolved_by: Some(caller.subject().to_owned()),
        resolved_at: Some(now),
        version: before.version + 1,
        updated_at: now,
        ..before.clone()
    };
    store::save_deal(connection, actor, "prospect_deal.resolve", &before, &after)?;
    let records = if resolution.quarrel {
        let details =
            format!("LEAD-2: quarrel over the contested deal {deal_id} of prospect {prospect_id}");
        quarrel_records(connection, actor, caller.subject(), claimants, &details)?
    } else {
        Vec::new()
    };
    Ok((after, records))
}

/// LEAD-2 → DISC: a `deal_collision_quarrel` record for each claimant; their ids.
fn quarrel_records(
    connection: &mut DbConnection,
    actor: &Actor,
    recorded_by: &str,
    claimants: Vec<String>,
    details: &str,
) -> ServiceResult<Vec<String>> {
    let stored = lead_offense(connection, DEAL_QUARREL)?;
    let mut records = Vec::new();
    for claimant in claimants {
        let record = open_record(
            connection,
            actor,
            recorded_by,
            NewOffenseRecord {
                details: details.to_owned(),
                employee_id: claimant,
                stored: stored.clone(),
                occurred_at: actor.at.stored(),
                count: 1,
                flags: RecordFlags::default(),
            },
        )?;
        records.push(record.id);
    }
    Ok(records)
}

/// Records a deposit collected from prospect `id` by `collector_id`.
pub fn record_deposit(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    collector_id: &str,
    amount: Money,
    collected_at: PrimitiveDateTime,
) -> ServiceResult<ProspectDeposit> {
    existing_prospect(connection, id)?;
    let collector = existing_employee(connection, "collector_id", collector_id)?;
    let actor = caller.actor();
    let deposit = ProspectDeposit {
        id: new_id(),
        prospect_id: id.to_owned(),
        collector_id: collector.id,
        amount_fen: amount.fen(),
        collected_at,
        recorded_by: caller.subject().to_owned(),
        created_at: actor.at.stored(),
    };
    store::insert_deposit(connection, actor, &deposit)?;
    Ok(deposit)
}

/// The local bounds of the month starting `month_start`, as stored UTC timestamps.
fn month_bounds(month_start: Date) -> (PrimitiveDateTime, PrimitiveDateTime) {
    let next = month_start
        .replace_day(month_start.month().length(month_start.year()))
        .ok()
        .and_then(Date::next_day)
        .unwrap_or(Date::MAX);
    (local_midnight_utc(month_start), local_midnight_utc(next))
}

/// LEAD-3: whether `employee_id`'s failed follow-ups in the month before the (Shanghai)
/// month of `at` reached the bar.
fn barred_at(
    connection: &mut DbConnection,
    policy: &LeadPolicy,
    employee_id: &str,
    at: OffsetDateTime,
) -> ServiceResult<bool> {
    let local = at.to_offset(zhidu_domain::calendar::SHANGHAI).date();
    let month_start = local.replace_day(1).unwrap_or(local);
    let (from, to) = month_bounds(follow_up_counted_month(month_start));
    Ok(
        store::follow_up_tallies(connection, from, to, Some(employee_id))?
            .first()
            .is_some_and(|tally| barred_from_follow_ups(policy, tally.failures, tally.outcomes)),
    )
}

/// Who inviter and closer are, and whom they agreed on.
#[derive(Debug, Clone)]
pub struct FollowUpAssignment {
    pub inviter_id: String,
    pub closer_id: String,
    pub agreed_owner_id: Option<String>,
    pub interviewed_at: OffsetDateTime,
    pub version: i64,
}

/// LEAD-3: names the follow-up owner of unconverted prospect `id` after the interview: the one
/// inviter and closer agreed on, or — when both want it — the deposit's collector; an owner
/// whose failed follow-ups reached 40% last month is refused.
pub fn assign_follow_up(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    request: FollowUpAssignment,
) -> ServiceResult<Prospect> {
    let policy = LeadPolicy::default();
    let before = existing_prospect(connection, id)?;
    let inviter = existing_employee(connection, "inviter_id", &request.inviter_id)?;
    let closer = existing_employee(connection, "closer_id", &request.closer_id)?;
    if before.converted_at.is_some() {
        return Err(ServiceError::conflict(format!(
            "prospect {id} is converted"
        )));
    }
    if before.follow_up_owner_id.is_some() {
        return Err(ServiceError::conflict(format!(
            "prospect {id} already has a follow-up owner"
        )));
    }
    if before.version != request.version {
        return Err(ServiceError::Stale(format!(
            "prospect {id} is at version {}, not {}",
            before.version, request.version
        )));
    }
    let deposit_collector_id = store::deposits_of(connection, id)?
        .into_iter()
        .map(|deposit| deposit.collector_id)
        .find(|collector| *collector == inviter.id || *collector == closer.id);
    let claim = FollowUpClaim {
        inviter_id: inviter.id,
        closer_id: closer.id,
        agreed_owner_id: request.agreed_owner_id,
        deposit_collector_id,
    };
    let (owner_id, other_id) = follow_up_owner(&claim).map_err(|refusal| match refusal {
        FollowUpRefusal::NotAParty(owner) => ServiceError::field_refused(
            "agreed_owner_id",
            format!("{owner} is neither the inviter nor the closer"),
        ),
        FollowUpRefusal::Undecided => ServiceError::refused(
            "LEAD-3",
            "inviter and closer both want the follow-up and neither collected a \
                     deposit: name the owner they agreed on",
        ),
    })?;
    if barred_at(connection, &policy, &owner_id, request.interviewed_at)? {
        return Err(ServiceError::refused(
            "LEAD-3",
            format!(
                "{owner_id}'s failed follow-ups reached {}% last month: they may not \
                         own follow-ups this month",
                f64::from(policy.follow_up_failure_bar_bp) / 100.0
            ),
        )
        .with("owner_id", owner_id));
    }
    let actor = caller.actor();
    let after = Prospect {
        follow_up_owner_id: Some(owner_id),
        follow_up_other_id: Some(other_id),
        follow_up_since: Some(stored_utc(request.interviewed_at)),
        ..before.bumped(actor.at.stored())
    };
    store::save_prospect(
        connection,
        actor,
        "prospect.follow_up_owner",
        &before,
        &after,
    )?;
    Ok(after)
}

/// LEAD-3: records a follow-up outcome of prospect `id`, counted to whoever owned the
/// follow-up at that moment; a success converts the prospect and ends the follow-up.
pub fn record_follow_up(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    result: FollowUpResult,
    occurred_at: OffsetDateTime,
    note: Option<&str>,
) -> ServiceResult<ProspectFollowUp> {
    let before = existing_prospect(connection, id)?;
    if before.converted_at.is_some() {
        return Err(ServiceError::conflict(format!(
            "prospect {id} is converted"
        )));
    }
    let since = before.follow_up_since.ok_or_else(|| {
        ServiceError::conflict(format!("prospect {id} has no follow-up owner yet"))
    })?;
    if occurred_at < utc(since) {
        return Err(ServiceError::field_refused(
            "occurred_at",
            "must not be before the follow-up started",
        ));
    }
    let owner = follow_up_at(&before, occurred_at).ok_or_else(|| {
        StoreError::Corrupt(format!("prospect {id}: follow-up without its owner"))
    })?;
    let actor = caller.actor();
    let occurred_at = stored_utc(occurred_at);
    let follow_up = ProspectFollowUp {
        id: new_id(),
        prospect_id: id.to_owned(),
        owner_id: owner.owner_id,
        result: result.as_str().into(),
        occurred_at,
        note: note.map_or("", str::trim).to_owned(),
        recorded_by: caller.subject().to_owned(),
        created_at: actor.at.stored(),
    };
    store::insert_follow_up(connection, actor, &follow_up)?;
    if result == FollowUpResult::Success {
        let after = Prospect {
            converted_at: Some(occurred_at),
            ..before.bumped(actor.at.stored())
        };
        store::save_prospect(connection, actor, "prospect.convert", &before, &after)?;
    }
    Ok(follow_up)
}

/// One member of staff's follow-up record in the counted month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub employee_id: String,
    pub outcomes: u64,
    pub failures: u64,
    pub failure_rate_bp: u64,
    pub eligible: bool,
}

/// LEAD-3: who may own follow-ups in the month starting `month_start` — judged on the month
/// before it, whose first day is returned with the staff who had outcomes then.
pub fn follow_up_eligibility(
    connection: &mut DbConnection,
    month_start: Date,
) -> ServiceResult<(Date, Vec<Eligibility>)> {
    let policy = LeadPolicy::default();
    let counted = follow_up_counted_month(month_start);
    let (from, to) = month_bounds(counted);
    let staff = store::follow_up_tallies(connection, from, to, None)?
        .into_iter()
        .map(|tally| Eligibility {
            failure_rate_bp: follow_up_failure_rate_bp(tally.failures, tally.outcomes),
            eligible: !barred_from_follow_ups(&policy, tally.failures, tally.outcomes),
            employee_id: tally.owner_id,
            outcomes: tally.outcomes,
            failures: tally.failures,
        })
        .collect();
    Ok((counted, staff))
}
