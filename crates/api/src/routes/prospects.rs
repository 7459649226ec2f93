//! LEAD: prospects and who owns them. The service computes a prospect's ownership from its
//! confirmed invitations (LEAD-1) and refuses a second claiming invitation by another member
//! of staff, recording it as a possible intentional duplicate invitation (DISC, heard under
//! ACC-3 before anything is confirmed); a contested deal ends agreed on one owner or void,
//! never split (LEAD-2); after the interview one follow-up owner, passing to the other party
//! after a week without result, and barred for a month after 40% failed follow-ups (LEAD-3).
//! The rules live in `zhidu_domain::lead`.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, PrimitiveDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::calendar::SHANGHAI;
use zhidu_domain::lead::{
    DealSettlement, FollowUpClaim, FollowUpRefusal, Invitation, LeadPolicy, SettlementRefusal,
    barred_from_follow_ups, deal_is_contested, duplicate_invitation_of, follow_up_owner,
    follow_up_passed_to_other, invitation_claims_prospect, prospect_owner, settle_contested_deal,
};
use zhidu_domain::money::Money;
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::discipline as discipline_store;
use zhidu_store::people;
use zhidu_store::prospects::{
    self as store, Prospect, ProspectDeal, ProspectDeposit, ProspectFilter, ProspectFollowUp,
    ProspectInvitation,
};
use zhidu_store::versioned::Versioned;
use zhidu_store::{StoreError, new_id};

use zhidu_service::discipline::{NewOffenseRecord, RecordFlags, open_record};
use zhidu_service::people::existing_employee;

use crate::auth::{Authorized, Managers, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Items, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, YearMonth, stored_utc};

/// DISC offense a refused LEAD-1 invitation is recorded as.
const DUPLICATE_INVITATION: &str = "intentional_duplicate_invitation";
/// DISC offense of each party to a quarrel over a contested deal.
const DEAL_QUARREL: &str = "deal_collision_quarrel";

/// Under `/prospects`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_prospect)
        .service(list_prospects)
        .service(get_prospect)
        .service(create_invitation)
        .service(create_deal)
        .service(resolve_deal)
        .service(create_deposit)
        .service(assign_follow_up)
        .service(create_follow_up);
}

/// Under `/follow-up-eligibility`.
pub fn configure_eligibility(config: &mut ServiceConfig) {
    config.service(follow_up_eligibility);
}

fn utc(stored: PrimitiveDateTime) -> OffsetDateTime {
    stored.assume_utc()
}

fn not_in_future(field: &str, at: Instant, now: Moment) -> Result<(), ApiError> {
    if at.0 > now.instant() {
        return Err(ApiError::field_refused(field, "must not be in the future"));
    }
    Ok(())
}

/// LEAD-1, computed by the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// No confirmed invitation yet.
    Unclaimed,
    /// Every agreed visit is more than 3 days after its confirmation: anyone may work it.
    Shared,
    /// Belongs to whoever first confirmed an invitation with a visit within 3 days.
    Owned,
}

impl Ownership {
    fn as_str(self) -> &'static str {
        match self {
            Ownership::Unclaimed => "unclaimed",
            Ownership::Shared => "shared",
            Ownership::Owned => "owned",
        }
    }

    fn of(text: &str) -> Result<Self, ApiError> {
        [Ownership::Unclaimed, Ownership::Shared, Ownership::Owned]
            .into_iter()
            .find(|ownership| ownership.as_str() == text)
            .ok_or_else(|| ApiError::from(StoreError::Corrupt(format!("ownership {text}"))))
    }
}

/// LEAD-3: who follows the prospect up after the interview, as of the response.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpView {
    /// The owner now: the assigned owner, or the other party once a week passed without a
    /// successful result.
    pub owner_id: String,
    pub assigned_owner_id: String,
    pub other_id: String,
    /// When the follow-up started (the interview).
    pub since: Instant,
    /// When ownership passes (or passed) to the other party without a successful result.
    pub passes_at: Instant,
    pub passed_to_other: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProspectView {
    pub id: String,
    pub company_name: String,
    pub contact_name: String,
    pub phone: String,
    pub source: String,
    pub ownership: Ownership,
    /// LEAD-1: the owner when `ownership` is `owned`.
    pub owner_id: Option<String>,
    pub follow_up: Option<FollowUpView>,
    /// When a follow-up succeeded.
    pub converted_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
    pub updated_at: Instant,
}

/// LEAD-3: the follow-up owner at `at` — the assigned one, or the other party after a week
/// without a successful result.
fn follow_up_owner_at(
    policy: &LeadPolicy,
    prospect: &Prospect,
    at: OffsetDateTime,
) -> Option<(String, bool)> {
    let (owner, other, since) = match (
        &prospect.follow_up_owner_id,
        &prospect.follow_up_other_id,
        prospect.follow_up_since,
    ) {
        (Some(owner), Some(other), Some(since)) => (owner, other, since),
        _ => return None,
    };
    let succeeded_by = prospect.converted_at.map(utc).filter(|done| *done <= at);
    let passed = follow_up_passed_to_other(policy, utc(since), succeeded_by.is_some(), at);
    Some((if passed { other } else { owner }.clone(), passed))
}

/// The prospect as of `now` (the follow-up owner depends on it).
fn prospect_view(prospect: Prospect, now: Moment) -> Result<ProspectView, ApiError> {
    let policy = LeadPolicy::default();
    let follow_up = follow_up_owner_at(&policy, &prospect, now.instant()).and_then(
        |(owner_id, passed_to_other)| {
            Some(FollowUpView {
                owner_id,
                assigned_owner_id: prospect.follow_up_owner_id.clone()?,
                other_id: prospect.follow_up_other_id.clone()?,
                since: Instant::from_utc(prospect.follow_up_since?),
                passes_at: Instant(
                    utc(prospect.follow_up_since?) + policy.follow_up_hand_over_after,
                ),
                passed_to_other,
            })
        },
    );
    Ok(ProspectView {
        ownership: Ownership::of(&prospect.ownership)?,
        follow_up,
        id: prospect.id,
        company_name: prospect.company_name,
        contact_name: prospect.contact_name,
        phone: prospect.phone,
        source: prospect.source,
        owner_id: prospect.owner_id,
        converted_at: prospect.converted_at.map(Instant::from_utc),
        version: prospect.version,
        created_at: Instant::from_utc(prospect.created_at),
        updated_at: Instant::from_utc(prospect.updated_at),
    })
}

fn existing_prospect(connection: &mut DbConnection, id: &str) -> Result<Prospect, ApiError> {
    store::find_prospect_for_update(connection, id)?
        .ok_or_else(|| ApiError::not_found(format!("no prospect {id}")))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProspect {
    #[schema(example = "上海某某贸易有限公司")]
    pub company_name: Text<1, 200>,
    pub contact_name: Text<1, 100>,
    #[schema(example = "021-55550000")]
    pub phone: Text<3, 40>,
    /// Where the prospect came from (a fair, a referral, a directory…).
    pub source: Text<1, 100>,
}

/// Record a prospect. Its ownership starts `unclaimed`; only confirmed invitations move it
/// (LEAD-1).
#[utoipa::path(
    tag = "prospects",
    request_body = NewProspect,
    responses((status = 201, body = ProspectView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn create_prospect(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(request): Json<NewProspect>,
) -> Result<HttpResponse, ApiError> {
    let at = caller.actor.at;
    let now = at.stored();
    let prospect = Prospect {
        id: new_id(),
        company_name: request.company_name.trim().to_owned(),
        contact_name: request.contact_name.trim().to_owned(),
        phone: request.phone.trim().to_owned(),
        source: request.source.trim().to_owned(),
        ownership: Ownership::Unclaimed.as_str().into(),
        owner_id: None,
        follow_up_owner_id: None,
        follow_up_other_id: None,
        follow_up_since: None,
        converted_at: None,
        created_by: caller.claims.sub.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let actor = caller.actor;
    let prospect = state
        .write(move |connection| {
            store::insert_prospect(connection, &actor, &prospect)?;
            Ok(prospect)
        })
        .await?;
    Ok(HttpResponse::Created().json(prospect_view(prospect, at)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProspectListParams {
    /// The LEAD-1 owner (an employee id).
    pub owner: Option<String>,
    /// The ownership state.
    pub status: Option<Ownership>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Prospects in the order they were recorded, by owner and ownership state.
#[utoipa::path(
    tag = "prospects",
    params(ProspectListParams),
    responses((status = 200, body = Page<ProspectView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_prospects(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<ProspectListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let limit = page.limit();
    let filter = ProspectFilter {
        owner_id: params.owner,
        ownership: params.status.map(|s| s.as_str().to_owned()),
        after_id: page.after_id(),
        limit,
    };
    let rows = state
        .read(move |connection| Ok(store::list_prospects(connection, &filter)?))
        .await?;
    let page = Page::from_rows(rows, limit, |p| &p.id);
    let page = page.map(|prospect| prospect_view(prospect, caller.actor.at));
    Ok(HttpResponse::Ok().json(Page {
        items: page.items.into_iter().collect::<Result<Vec<_>, _>>()?,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub staff_id: String,
    pub confirmed_at: Instant,
    pub appointment_at: Instant,
    pub place: String,
    /// LEAD-1: the visit was within 3 days of the confirmation, so it claims the prospect.
    pub claims: bool,
    pub recorded_by: String,
    pub created_at: Instant,
}

impl From<ProspectInvitation> for InvitationView {
    fn from(i: ProspectInvitation) -> Self {
        InvitationView {
            id: i.id,
            staff_id: i.staff_id,
            confirmed_at: Instant::from_utc(i.confirmed_at),
            appointment_at: Instant::from_utc(i.appointment_at),
            place: i.place,
            claims: i.claims,
            recorded_by: i.recorded_by,
            created_at: Instant::from_utc(i.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DealView {
    pub id: String,
    pub prospect_id: String,
    pub claimant_ids: Vec<String>,
    pub amount: Money,
    pub closed_at: Instant,
    pub status: DealStatus,
    /// The single owner: the only claimant, or the one the claimants agreed on.
    pub owner_id: Option<String>,
    /// LEAD-2: the agreed owner's superior the agreement is reported to.
    pub reported_to: Option<String>,
    pub resolution_note: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DealStatus {
    /// One member of staff claims it.
    Won,
    /// Two or more claim it (撞单): to be agreed or voided.
    Contested,
    Agreed,
    Void,
}

impl DealStatus {
    fn as_str(self) -> &'static str {
        match self {
            DealStatus::Won => "won",
            DealStatus::Contested => "contested",
            DealStatus::Agreed => "agreed",
            DealStatus::Void => "void",
        }
    }

    fn of(text: &str) -> Result<Self, ApiError> {
        [
            DealStatus::Won,
            DealStatus::Contested,
            DealStatus::Agreed,
            DealStatus::Void,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
        .ok_or_else(|| ApiError::from(StoreError::Corrupt(format!("deal status {text}"))))
    }
}

fn claimants_of(deal: &ProspectDeal) -> Vec<String> {
    deal.claimant_ids
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn deal_view(deal: ProspectDeal) -> Result<DealView, ApiError> {
    Ok(DealView {
        claimant_ids: claimants_of(&deal),
        status: DealStatus::of(&deal.status)?,
        amount: Money::from_fen(deal.amount_fen),
        closed_at: Instant::from_utc(deal.closed_at),
        resolved_at: deal.resolved_at.map(Instant::from_utc),
        created_at: Instant::from_utc(deal.created_at),
        id: deal.id,
        prospect_id: deal.prospect_id,
        owner_id: deal.owner_id,
        reported_to: deal.reported_to,
        resolution_note: deal.resolution_note,
        resolved_by: deal.resolved_by,
        version: deal.version,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepositView {
    pub id: String,
    pub collector_id: String,
    pub amount: Money,
    pub collected_at: Instant,
    pub recorded_by: String,
    pub created_at: Instant,
}

impl From<ProspectDeposit> for DepositView {
    fn from(d: ProspectDeposit) -> Self {
        DepositView {
            id: d.id,
            collector_id: d.collector_id,
            amount: Money::from_fen(d.amount_fen),
            collected_at: Instant::from_utc(d.collected_at),
            recorded_by: d.recorded_by,
            created_at: Instant::from_utc(d.created_at),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpResult {
    Success,
    Failure,
}

impl FollowUpResult {
    fn as_str(self) -> &'static str {
        match self {
            FollowUpResult::Success => "success",
            FollowUpResult::Failure => "failure",
        }
    }

    fn of(text: &str) -> Result<Self, ApiError> {
        [FollowUpResult::Success, FollowUpResult::Failure]
            .into_iter()
            .find(|result| result.as_str() == text)
            .ok_or_else(|| ApiError::from(StoreError::Corrupt(format!("follow-up result {text}"))))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpOutcomeView {
    pub id: String,
    /// The follow-up owner at the time, to whom the outcome counts (LEAD-3).
    pub owner_id: String,
    pub result: FollowUpResult,
    pub occurred_at: Instant,
    pub note: String,
    pub recorded_by: String,
    pub created_at: Instant,
}

fn follow_up_view(f: ProspectFollowUp) -> Result<FollowUpOutcomeView, ApiError> {
    Ok(FollowUpOutcomeView {
        result: FollowUpResult::of(&f.result)?,
        id: f.id,
        owner_id: f.owner_id,
        occurred_at: Instant::from_utc(f.occurred_at),
        note: f.note,
        recorded_by: f.recorded_by,
        created_at: Instant::from_utc(f.created_at),
    })
}

/// A prospect with everything recorded for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProspectDetail {
    #[serde(flatten)]
    pub prospect: ProspectView,
    pub invitations: Vec<InvitationView>,
    pub deals: Vec<DealView>,
    pub deposits: Vec<DepositView>,
    pub follow_ups: Vec<FollowUpOutcomeView>,
}

/// A prospect with its invitations, deals, deposits and follow-up outcomes; ownership and
/// the follow-up owner as of now.
#[utoipa::path(
    tag = "prospects",
    params(("id" = String, Path, description = "Prospect id")),
    responses((status = 200, body = ProspectDetail), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_prospect(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (prospect, invitations, deals, deposits, follow_ups) = state
        .read(move |connection| {
            let prospect = store::find_prospect(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no prospect {id}")))?;
            Ok((
                prospect,
                store::invitations_of(connection, &id)?,
                store::deals_of(connection, &id)?,
                store::deposits_of(connection, &id)?,
                store::follow_ups_of(connection, &id)?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ProspectDetail {
        prospect: prospect_view(prospect, caller.actor.at)?,
        invitations: invitations.into_iter().map(Into::into).collect(),
        deals: deals.into_iter().map(deal_view).collect::<Result<_, _>>()?,
        deposits: deposits.into_iter().map(Into::into).collect(),
        follow_ups: follow_ups
            .into_iter()
            .map(follow_up_view)
            .collect::<Result<_, _>>()?,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    /// The member of staff who confirmed the invitation (an employee id).
    pub staff_id: String,
    /// When the prospect confirmed; not in the future.
    pub confirmed_at: Instant,
    /// The agreed visit; not before the confirmation.
    pub appointment_at: Instant,
    pub place: Text<1, 200>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationRecorded {
    pub invitation: InvitationView,
    /// The prospect with its ownership recomputed.
    pub prospect: ProspectView,
}

/// What recording an invitation came to: the recorded invitation, or the LEAD-1 refusal
/// with the discipline record it left.
enum InvitationOutcome {
    Recorded(Box<InvitationRecorded>),
    Duplicate { owner_id: String, record_id: String },
}

/// Record a confirmed invitation (LEAD-1). A visit within 3 days (72 hours) of the
/// confirmation claims the prospect for whoever confirmed first; a later one leaves it shared
/// and others may help. A claiming invitation by anyone else while the prospect is owned is
/// refused (409, rule LEAD-1) and recorded as a possible intentional duplicate invitation: a
/// DISC record in `pending_statement` for that member of staff, whose id the problem carries
/// as `discipline_record_id` (heard and confirmed or withdrawn under ACC-3).
#[utoipa::path(
    tag = "prospects",
    params(("id" = String, Path, description = "Prospect id")),
    request_body = NewInvitation,
    responses((status = 201, body = InvitationRecorded), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/invitations")]
async fn create_invitation(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<NewInvitation>,
) -> Result<HttpResponse, ApiError> {
    not_in_future("confirmed_at", request.confirmed_at, caller.actor.at)?;
    if request.appointment_at.0 < request.confirmed_at.0 {
        return Err(ApiError::field_refused(
            "appointment_at",
            "must not be before confirmed_at",
        ));
    }
    let id = id.into_inner();
    let policy = LeadPolicy::default();
    let outcome = state
        .write(move |connection| {
            let before = existing_prospect(connection, &id)?;
            let staff = existing_employee(connection, "staff_id", &request.staff_id)?;
            let new = Invitation {
                staff_id: staff.id.clone(),
                confirmed_at: request.confirmed_at.0,
                appointment_at: request.appointment_at.0,
            };
            let existing: Vec<Invitation> = store::invitations_of(connection, &id)?
                .into_iter()
                .map(|i| Invitation {
                    staff_id: i.staff_id,
                    confirmed_at: utc(i.confirmed_at),
                    appointment_at: utc(i.appointment_at),
                })
                .collect();
            if let Some(owner_id) = duplicate_invitation_of(&policy, &existing, &new) {
                let offense = duplicate_invitation_record(connection, &before, owner_id, &new)?;
                let record = open_record(connection, &caller.actor, &caller.claims.sub, offense)?;
                return Ok(InvitationOutcome::Duplicate {
                    owner_id: owner_id.to_owned(),
                    record_id: record.id,
                });
            }
            let invitation = ProspectInvitation {
                id: new_id(),
                prospect_id: id,
                staff_id: staff.id,
                confirmed_at: stored_utc(new.confirmed_at),
                appointment_at: stored_utc(new.appointment_at),
                place: request.place.trim().to_owned(),
                claims: invitation_claims_prospect(&policy, &new),
                recorded_by: caller.claims.sub.clone(),
                created_at: caller.actor.at.stored(),
            };
            store::insert_invitation(connection, &caller.actor, &invitation)?;
            let mut all = existing;
            all.push(new);
            let owner_id = prospect_owner(&policy, &all).map(str::to_owned);
            let ownership = if owner_id.is_some() {
                Ownership::Owned
            } else {
                Ownership::Shared
            };
            let after = Prospect {
                ownership: ownership.as_str().into(),
                owner_id,
                ..before.bumped(caller.actor.at.stored())
            };
            store::save_prospect(
                connection,
                &caller.actor,
                "prospect.invitation",
                &before,
                &after,
            )?;
            Ok(InvitationOutcome::Recorded(Box::new(InvitationRecorded {
                invitation: invitation.into(),
                prospect: prospect_view(after, caller.actor.at)?,
            })))
        })
        .await?;
    match outcome {
        InvitationOutcome::Recorded(recorded) => Ok(HttpResponse::Created().json(recorded)),
        InvitationOutcome::Duplicate {
            owner_id,
            record_id,
        } => Err(ApiError::conflict(format!(
            "the prospect belongs to {owner_id}, who first confirmed an invitation with a visit \
             within 3 days; others may help but not invite it again (recorded as possible \
             duplicate invitation {record_id})"
        ))
        .with("rule", "LEAD-1")
        .with("owner_id", owner_id)
        .with("discipline_record_id", record_id)),
    }
}

/// LEAD-1 → DISC: the intentional-duplicate-invitation record for the second inviter.
fn duplicate_invitation_record(
    connection: &mut DbConnection,
    prospect: &Prospect,
    owner_id: &str,
    new: &Invitation,
) -> Result<NewOffenseRecord, ApiError> {
    let stored = discipline_store::find_offense(connection, DUPLICATE_INVITATION)?
        .ok_or_else(|| ApiError::internal(format!("offense {DUPLICATE_INVITATION} missing")))?;
    Ok(NewOffenseRecord {
        employee_id: new.staff_id.clone(),
        stored,
        occurred_at: stored_utc(new.confirmed_at),
        details: format!(
            "LEAD-1: invitation of prospect {} ({}) confirmed while it belongs to {owner_id}",
            prospect.id, prospect.company_name
        ),
        count: 1,
        flags: RecordFlags::default(),
    })
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeal {
    /// The staff claiming the deal (employee ids); two or more distinct ones contest it.
    pub claimant_ids: Items<String, 1, 10>,
    pub amount: Amount<true>,
    /// When the deal was closed; not in the future.
    pub closed_at: Instant,
}

/// Record a deal (LEAD-2). Claimed by one member of staff it is `won`; by two or more
/// (撞单) it is `contested` until they agree on one owner or it is voided.
#[utoipa::path(
    tag = "prospects",
    params(("id" = String, Path, description = "Prospect id")),
    request_body = NewDeal,
    responses((status = 201, body = DealView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/deals")]
async fn create_deal(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<NewDeal>,
) -> Result<HttpResponse, ApiError> {
    not_in_future("closed_at", request.closed_at, caller.actor.at)?;
    let id = id.into_inner();
    let deal = state
        .write(move |connection| {
            existing_prospect(connection, &id)?;
            let mut unknown = Vec::new();
            let mut claimants: Vec<String> = Vec::new();
            for (index, claimant) in request.claimant_ids.iter().enumerate() {
                if people::find_employee(connection, claimant)?.is_none() {
                    unknown.push(FieldError {
                        field: format!("claimant_ids[{index}]"),
                        message: format!("no employee {claimant}"),
                    });
                } else if !claimants.contains(claimant) {
                    claimants.push(claimant.clone());
                }
            }
            if let Some(first) = unknown.first() {
                return Err(
                    ApiError::field_refused(first.field.clone(), first.message.clone())
                        .with_errors(unknown),
                );
            }
            let contested = deal_is_contested(&claimants);
            let now = caller.actor.at.stored();
            let deal = ProspectDeal {
                id: new_id(),
                prospect_id: id,
                owner_id: if contested {
                    None
                } else {
                    claimants.first().cloned()
                },
                claimant_ids: claimants.join(" "),
                amount_fen: request.amount.get().fen(),
                closed_at: stored_utc(request.closed_at.0),
                status: if contested {
                    DealStatus::Contested
                } else {
                    DealStatus::Won
                }
                .as_str()
                .into(),
                reported_to: None,
                resolution_note: None,
                resolved_by: None,
                resolved_at: None,
                recorded_by: caller.claims.sub.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            store::insert_deal(connection, &caller.actor, &deal)?;
            Ok(deal)
        })
        .await?;
    Ok(HttpResponse::Created().json(deal_view(deal)?))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionOutcome {
    /// The claimants agreed on `owner_id`.
    Agreed,
    /// They could not agree: the deal is void.
    Void,
}

/// A share of a deal. Never accepted: LEAD-2 never splits a deal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealShare {
    pub employee_id: String,
    pub percent: u32,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealResolution {
    pub outcome: ResolutionOutcome,
    /// With `agreed`: the single owner, one of the claimants.
    pub owner_id: Option<String>,
    /// Any split of the deal is refused (422, rule LEAD-2).
    pub shares: Option<Vec<DealShare>>,
    /// The claimants quarrelled over the deal: each gets a DISC record of
    /// `deal_collision_quarrel` in `pending_statement`.
    #[serde(default)]
    pub quarrel: bool,
    pub note: Text<1, 2000>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DealResolved {
    pub deal: DealView,
    /// The `deal_collision_quarrel` records opened for the claimants, if they quarrelled.
    pub discipline_record_ids: Vec<String>,
}

/// Settle a contested deal (LEAD-2, by management): the claimants agreed on one owner — the
/// agreement is reported to that owner's superior (`reported_to`) — or the deal is void.
/// Never split: a request with `shares` is refused (422, rule LEAD-2).
#[utoipa::path(
    tag = "prospects",
    params(
        ("id" = String, Path, description = "Prospect id"),
        ("deal_id" = String, Path, description = "Deal id")
    ),
    request_body = DealResolution,
    responses((status = 200, body = DealResolved), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/deals/{deal_id}/resolution")]
async fn resolve_deal(
    state: web::Data<AppState>,
    caller: Authorized<Managers>,
    path: web::Path<(String, String)>,
    Json(request): Json<DealResolution>,
) -> Result<HttpResponse, ApiError> {
    let (prospect_id, deal_id) = path.into_inner();
    let settlement = match (&request.shares, request.outcome, &request.owner_id) {
        (Some(shares), _, _) => DealSettlement::Split {
            holders: shares.iter().map(|s| s.employee_id.clone()).collect(),
        },
        (None, ResolutionOutcome::Void, None) => DealSettlement::Void,
        (None, ResolutionOutcome::Void, Some(_)) => {
            return Err(ApiError::field_refused(
                "owner_id",
                "a void deal has no owner",
            ));
        }
        (None, ResolutionOutcome::Agreed, Some(owner_id)) => DealSettlement::Agreed {
            owner_id: owner_id.clone(),
        },
        (None, ResolutionOutcome::Agreed, None) => {
            return Err(ApiError::field_refused(
                "owner_id",
                "name the one owner the claimants agreed on",
            ));
        }
    };
    let (deal, records) = state
        .write(move |connection| {
            existing_prospect(connection, &prospect_id)?;
            let before = store::find_deal(connection, &prospect_id, &deal_id)?
                .ok_or_else(|| ApiError::not_found(format!("no deal {deal_id}")))?;
            let claimants = claimants_of(&before);
            match settle_contested_deal(&claimants, &settlement) {
                Err(SettlementRefusal::Split) => {
                    return Err(ApiError::rule_refused(
                        "LEAD-2",
                        "a deal is never split: the claimants agree on one owner, or it is void",
                    ));
                }
                Err(SettlementRefusal::NotAClaimant(owner)) => {
                    return Err(ApiError::field_refused(
                        "owner_id",
                        format!("{owner} does not claim this deal"),
                    ));
                }
                Ok(()) => {}
            }
            if before.status != DealStatus::Contested.as_str() {
                return Err(ApiError::conflict(format!(
                    "deal {deal_id} is {}, not contested",
                    before.status
                )));
            }
            if before.version != request.version {
                return Err(ApiError::stale(format!(
                    "deal {deal_id} is at version {}, not {}",
                    before.version, request.version
                )));
            }
            let (status, owner_id, reported_to) = match settlement {
                DealSettlement::Agreed { owner_id } => {
                    let owner = existing_employee(connection, "owner_id", &owner_id)?;
                    (DealStatus::Agreed, Some(owner.id), owner.superior_id)
                }
                DealSettlement::Void | DealSettlement::Split { .. } => {
                    (DealStatus::Void, None, None)
                }
            };
            let now = caller.actor.at.stored();
            let after = ProspectDeal {
                status: status.as_str().into(),
                owner_id,
                reported_to,
                resolution_note: Some(request.note.trim().to_owned()),
                resolved_by: Some(caller.claims.sub.clone()),
                resolved_at: Some(now),
                version: before.version + 1,
                updated_at: now,
                ..before.clone()
            };
            store::save_deal(
                connection,
                &caller.actor,
                "prospect_deal.resolve",
                &before,
                &after,
            )?;
            let mut records = Vec::new();
            if request.quarrel {
                let stored = discipline_store::find_offense(connection, DEAL_QUARREL)?
                    .ok_or_else(|| ApiError::internal(format!("offense {DEAL_QUARREL} missing")))?;
                for claimant in claimants {
                    let record = open_record(
                        connection,
                        &caller.actor,
                        &caller.claims.sub,
                        NewOffenseRecord {
                            employee_id: claimant,
                            stored: stored.clone(),
                            occurred_at: now,
                            details: format!(
                                "LEAD-2: quarrel over the contested deal {deal_id} of prospect {prospect_id}"
                            ),
                            count: 1,
                            flags: RecordFlags::default(),
                        },
                    )?;
                    records.push(record.id);
                }
            }
            Ok((after, records))
        })
        .await?;
    Ok(HttpResponse::Ok().json(DealResolved {
        deal: deal_view(deal)?,
        discipline_record_ids: records,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeposit {
    /// Who collected it (an employee id).
    pub collector_id: String,
    pub amount: Amount<true>,
    /// Not in the future.
    pub collected_at: Instant,
}

/// Record a deposit collected from the prospect; when inviter and closer both want the
/// follow-up, its collector owns it (LEAD-3).
#[utoipa::path(
    tag = "prospects",
    params(("id" = String, Path, description = "Prospect id")),
    request_body = NewDeposit,
    responses((status = 201, body = DepositView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/deposits")]
async fn create_deposit(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<NewDeposit>,
) -> Result<HttpResponse, ApiError> {
    not_in_future("collected_at", request.collected_at, caller.actor.at)?;
    let id = id.into_inner();
    let deposit = state
        .write(move |connection| {
            existing_prospect(connection, &id)?;
            let collector = existing_employee(connection, "collector_id", &request.collector_id)?;
            let deposit = ProspectDeposit {
                id: new_id(),
                prospect_id: id,
                collector_id: collector.id,
                amount_fen: request.amount.get().fen(),
                collected_at: stored_utc(request.collected_at.0),
                recorded_by: caller.claims.sub.clone(),
                created_at: caller.actor.at.stored(),
            };
            store::insert_deposit(connection, &caller.actor, &deposit)?;
            Ok(deposit)
        })
        .await?;
    Ok(HttpResponse::Created().json(DepositView::from(deposit)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpAssignment {
    /// Who invited the prospect (an employee id).
    pub inviter_id: String,
    /// Who held the interview (an employee id).
    pub closer_id: String,
    /// The one inviter and closer agreed on; leave out when both want it, and the one who
    /// collected the deposit owns it.
    pub agreed_owner_id: Option<String>,
    /// When the interview ended and the follow-up starts; not in the future.
    pub interviewed_at: Instant,
    pub version: i64,
}

/// LEAD-3: whether `employee_id`'s failed follow-ups in the month before `at`'s (Shanghai)
/// month reached the bar.
fn barred_at(
    connection: &mut DbConnection,
    policy: &LeadPolicy,
    employee_id: &str,
    at: OffsetDateTime,
) -> Result<bool, ApiError> {
    let month = YearMonth::containing(at.to_offset(SHANGHAI).date());
    let (from, to) = previous_month(month).utc_bounds();
    Ok(
        store::follow_up_tallies(connection, from, to, Some(employee_id))?
            .first()
            .is_some_and(|tally| barred_from_follow_ups(policy, tally.failures, tally.outcomes)),
    )
}

fn previous_month(month: YearMonth) -> YearMonth {
    YearMonth::containing(
        month
            .first_day()
            .previous_day()
            .unwrap_or(month.first_day()),
    )
}

/// Name the follow-up owner of an unconverted prospect after the interview (LEAD-3): the one
/// inviter and closer agreed on, or — when both want it — the one who collected the deposit.
/// After a week (7 × 24 hours) without a successful result ownership passes to the other;
/// that is computed on read (`follow_up.owner_id`), no call needed. An owner whose failed
/// follow-ups reached 40% last month is refused (422, rule LEAD-3).
#[utoipa::path(
    tag = "prospects",
    params(("id" = String, Path, description = "Prospect id")),
    request_body = FollowUpAssignment,
    responses((status = 200, body = ProspectView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/follow-up-owner")]
async fn assign_follow_up(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<FollowUpAssignment>,
) -> Result<HttpResponse, ApiError> {
    not_in_future("interviewed_at", request.interviewed_at, caller.actor.at)?;
    let at = caller.actor.at;
    let id = id.into_inner();
    let policy = LeadPolicy::default();
    let prospect = state
        .write(move |connection| {
            let before = existing_prospect(connection, &id)?;
            let inviter = existing_employee(connection, "inviter_id", &request.inviter_id)?;
            let closer = existing_employee(connection, "closer_id", &request.closer_id)?;
            if before.converted_at.is_some() {
                return Err(ApiError::conflict(format!("prospect {id} is converted")));
            }
            if before.follow_up_owner_id.is_some() {
                return Err(ApiError::conflict(format!(
                    "prospect {id} already has a follow-up owner"
                )));
            }
            if before.version != request.version {
                return Err(ApiError::stale(format!(
                    "prospect {id} is at version {}, not {}",
                    before.version, request.version
                )));
            }
            let deposit_collector_id = store::deposits_of(connection, &id)?
                .into_iter()
                .map(|deposit| deposit.collector_id)
                .find(|collector| *collector == inviter.id || *collector == closer.id);
            let claim = FollowUpClaim {
                inviter_id: inviter.id,
                closer_id: closer.id,
                agreed_owner_id: request.agreed_owner_id,
                deposit_collector_id,
            };
            let (owner_id, other_id) =
                follow_up_owner(&claim).map_err(|refusal| match refusal {
                    FollowUpRefusal::NotAParty(owner) => ApiError::field_refused(
                        "agreed_owner_id",
                        format!("{owner} is neither the inviter nor the closer"),
                    ),
                    FollowUpRefusal::Undecided => ApiError::rule_refused(
                        "LEAD-3",
                        "inviter and closer both want the follow-up and neither collected a \
                     deposit: name the owner they agreed on",
                    ),
                })?;
            if barred_at(connection, &policy, &owner_id, request.interviewed_at.0)? {
                return Err(ApiError::rule_refused(
                    "LEAD-3",
                    format!(
                        "{owner_id}'s failed follow-ups reached {}% last month: they may not \
                         own follow-ups this month",
                        f64::from(policy.follow_up_failure_bar_bp) / 100.0
                    ),
                )
                .with("owner_id", owner_id));
            }
            let after = Prospect {
                follow_up_owner_id: Some(owner_id),
                follow_up_other_id: Some(other_id),
                follow_up_since: Some(stored_utc(request.interviewed_at.0)),
                ..before.bumped(caller.actor.at.stored())
            };
            store::save_prospect(
                connection,
                &caller.actor,
                "prospect.follow_up_owner",
                &before,
                &after,
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(prospect_view(prospect, at)?))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFollowUp {
    pub result: FollowUpResult,
    /// When it happened: not before the follow-up started, not in the future.
    pub occurred_at: Instant,
    #[serde(default)]
    pub note: Option<Text<0, 2000>>,
}

/// Record a follow-up outcome (LEAD-3). It counts to whoever owned the follow-up at that
/// moment; a success converts the prospect and ends the follow-up.
#[utoipa::path(
    tag = "prospects",
    params(("id" = String, Path, description = "Prospect id")),
    request_body = NewFollowUp,
    responses((status = 201, body = FollowUpOutcomeView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/follow-ups")]
async fn create_follow_up(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<NewFollowUp>,
) -> Result<HttpResponse, ApiError> {
    not_in_future("occurred_at", request.occurred_at, caller.actor.at)?;
    let id = id.into_inner();
    let policy = LeadPolicy::default();
    let follow_up = state
        .write(move |connection| {
            let before = existing_prospect(connection, &id)?;
            if before.converted_at.is_some() {
                return Err(ApiError::conflict(format!("prospect {id} is converted")));
            }
            let since = before.follow_up_since.ok_or_else(|| {
                ApiError::conflict(format!("prospect {id} has no follow-up owner yet"))
            })?;
            if request.occurred_at.0 < utc(since) {
                return Err(ApiError::field_refused(
                    "occurred_at",
                    "must not be before the follow-up started",
                ));
            }
            let (owner_id, _) = follow_up_owner_at(&policy, &before, request.occurred_at.0)
                .ok_or_else(|| ApiError::internal("follow-up without its owner"))?;
            let occurred_at = stored_utc(request.occurred_at.0);
            let follow_up = ProspectFollowUp {
                id: new_id(),
                prospect_id: id,
                owner_id,
                result: request.result.as_str().into(),
                occurred_at,
                note: request.note.as_deref().map_or("", str::trim).to_owned(),
                recorded_by: caller.claims.sub.clone(),
                created_at: caller.actor.at.stored(),
            };
            store::insert_follow_up(connection, &caller.actor, &follow_up)?;
            if request.result == FollowUpResult::Success {
                let after = Prospect {
                    converted_at: Some(occurred_at),
                    ..before.bumped(caller.actor.at.stored())
                };
                store::save_prospect(
                    connection,
                    &caller.actor,
                    "prospect.convert",
                    &before,
                    &after,
                )?;
            }
            Ok(follow_up)
        })
        .await?;
    Ok(HttpResponse::Created().json(follow_up_view(follow_up)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EligibilityParams {
    /// The month the follow-ups would be owned in; the previous month's outcomes decide.
    pub month: YearMonth,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpEligibility {
    pub employee_id: String,
    /// Follow-up outcomes credited to them in the previous month.
    pub outcomes: u64,
    pub failures: u64,
    /// Failures per 10,000 outcomes (3990 = 39.9%).
    pub failure_rate_bp: u64,
    /// False when failures reached 40%: they may not own follow-ups this month.
    pub eligible: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityReport {
    pub month: YearMonth,
    /// The month whose outcomes were counted.
    pub counted_month: YearMonth,
    /// Staff with follow-up outcomes in the counted month, by employee id.
    pub staff: Vec<FollowUpEligibility>,
}

/// LEAD-3: who may own follow-ups in `month` — everyone whose failed follow-ups in the
/// previous month stayed under 40% (39.9% eligible, 40% barred). Staff without outcomes
/// that month are not listed and are eligible.
#[utoipa::path(
    tag = "prospects",
    params(EligibilityParams),
    responses((status = 200, body = EligibilityReport), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn follow_up_eligibility(
    state: web::Data<AppState>,
    _caller: Authorized<Staff>,
    Query(params): Query<EligibilityParams>,
) -> Result<HttpResponse, ApiError> {
    let policy = LeadPolicy::default();
    let counted_month = previous_month(params.month);
    let (from, to) = counted_month.utc_bounds();
    let tallies = state
        .read(move |connection| Ok(store::follow_up_tallies(connection, from, to, None)?))
        .await?;
    let staff = tallies
        .into_iter()
        .map(|tally| FollowUpEligibility {
            failure_rate_bp: tally.failures * 10_000 / tally.outcomes.max(1),
            eligible: !barred_from_follow_ups(&policy, tally.failures, tally.outcomes),
            employee_id: tally.owner_id,
            outcomes: tally.outcomes,
            failures: tally.failures,
        })
        .collect();
    Ok(HttpResponse::Ok().json(EligibilityReport {
        month: params.month,
        counted_month,
        staff,
    }))
}
