//! LEAD: prospects and who owns them. The service computes a prospect's ownership from its
//! confirmed invitations (LEAD-1) and refuses a second claiming invitation by another member
//! of staff, recording it as a possible intentional duplicate invitation (DISC, heard under
//! ACC-3 before anything is confirmed); a contested deal ends agreed on one owner or void,
//! never split (LEAD-2); after the interview one follow-up owner, passing to the other party
//! after a week without result, and barred for a month after 40% failed follow-ups (LEAD-3).
//! The rules live in `zhidu_domain::lead`.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::lead::{DealSettlement, DealStatus, FollowUpResult, Ownership};
use zhidu_domain::money::Money;

use zhidu_service::prospects::{
    self as service, FollowUpState, InvitationOutcome, Prospect, ProspectDeal, ProspectDeposit,
    ProspectFollowUp, ProspectInvitation, claimants_of, deal_status_of, follow_up_at,
    follow_up_result_of, ownership_of,
};

use crate::auth::{Authorized, Managers, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Items, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, YearMonth, stored_utc};

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

fn not_in_future(field: &str, at: Instant, now: OffsetDateTime) -> Result<(), ApiError> {
    if at.0 > now {
        return Err(ApiError::field_refused(field, "must not be in the future"));
    }
    Ok(())
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

impl From<FollowUpState> for FollowUpView {
    fn from(state: FollowUpState) -> Self {
        FollowUpView {
            owner_id: state.owner_id,
            assigned_owner_id: state.assigned_owner_id,
            other_id: state.other_id,
            since: Instant::from_utc(state.since),
            passes_at: Instant(state.passes_at),
            passed_to_other: state.passed_to_other,
        }
    }
}

/// The prospect as of `now` (the follow-up owner depends on it).
fn prospect_view(prospect: Prospect, now: OffsetDateTime) -> Result<ProspectView, ApiError> {
    Ok(ProspectView {
        ownership: ownership_of(&prospect)?,
        follow_up: follow_up_at(&prospect, now).map(FollowUpView::from),
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
    let at = caller.actor.at.instant();
    let new = service::NewProspect {
        company_name: request.company_name.into_string(),
        contact_name: request.contact_name.into_string(),
        phone: request.phone.into_string(),
        source: request.source.into_string(),
    };
    let prospect = state
        .write(move |connection| Ok(service::create_prospect(connection, &caller, new)?))
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
    let after_id = page.after_id();
    let at = caller.actor.at.instant();
    let rows = state
        .read(move |connection| {
            Ok(service::list_prospects(
                connection,
                params.owner,
                params.status,
                after_id,
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(rows, limit, |p| &p.id);
    let page = page.map(|prospect| prospect_view(prospect, at));
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

fn deal_view(deal: ProspectDeal) -> Result<DealView, ApiError> {
    Ok(DealView {
        claimant_ids: claimants_of(&deal),
        status: deal_status_of(&deal)?,
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
        result: follow_up_result_of(&f)?,
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
    let at = caller.actor.at.instant();
    let records = state
        .read(move |connection| Ok(service::prospect_records(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(ProspectDetail {
        prospect: prospect_view(records.prospect, at)?,
        invitations: records.invitations.into_iter().map(Into::into).collect(),
        deals: records
            .deals
            .into_iter()
            .map(deal_view)
            .collect::<Result<_, _>>()?,
        deposits: records.deposits.into_iter().map(Into::into).collect(),
        follow_ups: records
            .follow_ups
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
    not_in_future(
        "confirmed_at",
        request.confirmed_at,
        caller.actor.at.instant(),
    )?;
    if request.appointment_at.0 < request.confirmed_at.0 {
        return Err(ApiError::field_refused(
            "appointment_at",
            "must not be before confirmed_at",
        ));
    }
    let id = id.into_inner();
    let at = caller.actor.at.instant();
    let outcome = state
        .write(move |connection| {
            Ok(service::record_invitation(
                connection,
                &caller,
                &id,
                service::NewInvitation {
                    staff_id: request.staff_id,
                    confirmed_at: request.confirmed_at.0,
                    appointment_at: request.appointment_at.0,
                    place: request.place.into_string(),
                },
            )?)
        })
        .await?;
    match outcome {
        InvitationOutcome::Recorded(recorded) => {
            Ok(HttpResponse::Created().json(InvitationRecorded {
                invitation: recorded.invitation.into(),
                prospect: prospect_view(recorded.prospect, at)?,
            }))
        }
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
    not_in_future("closed_at", request.closed_at, caller.actor.at.instant())?;
    let id = id.into_inner();
    let deal = state
        .write(move |connection| {
            Ok(service::record_deal(
                connection,
                &caller,
                &id,
                &request.claimant_ids,
                request.amount.get(),
                stored_utc(request.closed_at.0),
            )?)
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
            Ok(service::resolve_deal(
                connection,
                &caller,
                &prospect_id,
                &deal_id,
                service::DealResolution {
                    settlement,
                    quarrel: request.quarrel,
                    note: request.note.into_string(),
                    version: request.version,
                },
            )?)
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
    not_in_future(
        "collected_at",
        request.collected_at,
        caller.actor.at.instant(),
    )?;
    let id = id.into_inner();
    let deposit = state
        .write(move |connection| {
            Ok(service::record_deposit(
                connection,
                &caller,
                &id,
                &request.collector_id,
                request.amount.get(),
                stored_utc(request.collected_at.0),
            )?)
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
    not_in_future(
        "interviewed_at",
        request.interviewed_at,
        caller.actor.at.instant(),
    )?;
    let at = caller.actor.at.instant();
    let id = id.into_inner();
    let prospect = state
        .write(move |connection| {
            Ok(service::assign_follow_up(
                connection,
                &caller,
                &id,
                service::FollowUpAssignment {
                    inviter_id: request.inviter_id,
                    closer_id: request.closer_id,
                    agreed_owner_id: request.agreed_owner_id,
                    interviewed_at: request.interviewed_at.0,
                    version: request.version,
                },
            )?)
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
    not_in_future(
        "occurred_at",
        request.occurred_at,
        caller.actor.at.instant(),
    )?;
    let id = id.into_inner();
    let follow_up = state
        .write(move |connection| {
            Ok(service::record_follow_up(
                connection,
                &caller,
                &id,
                request.result,
                request.occurred_at.0,
                request.note.as_deref(),
            )?)
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
    let month_start = params.month.first_day();
    let (counted, staff) = state
        .read(move |connection| Ok(service::follow_up_eligibility(connection, month_start)?))
        .await?;
    let staff = staff
        .into_iter()
        .map(|e| FollowUpEligibility {
            employee_id: e.employee_id,
            outcomes: e.outcomes,
            failures: e.failures,
            failure_rate_bp: e.failure_rate_bp,
            eligible: e.eligible,
        })
        .collect();
    let counted_month = YearMonth::containing(counted);
    Ok(HttpResponse::Ok().json(EligibilityReport {
        month: params.month,
        counted_month,
        staff,
    }))
}
