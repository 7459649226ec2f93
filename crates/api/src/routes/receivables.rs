//! AR-2..5: a customer's credit terms, the receivables ledger (an entry beyond the credit
//! limit needs an approver), payments and collection notes, aging in buckets with the
//! six-month analysis flag, the outcome chosen for a long-unrecovered item, and the bad-debt
//! workflow: finance's report, the general manager's approval and write-off (the memo
//! ledger), and recoveries that reverse the allowance.

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_domain::settlement::{aging_bucket, needs_analysis, needs_credit_approval};
use zhidu_store::clock::Moment;
use zhidu_store::receivables::{self, CreditTerms, Receivable, ReceivableEvent};
use zhidu_store::{customers, new_id, partners};

use zhidu_service::people::existing_employee;

use crate::auth::{Authorized, FinanceDesk, GeneralManagers};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Bounded, Text};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};

/// Under `/partners`.
pub fn configure_per_partner(config: &mut ServiceConfig) {
    config.service(joining_fee);
}

/// Under `/customers`.
pub fn configure_per_customer(config: &mut ServiceConfig) {
    config.service(set_terms).service(customer_ledger);
}

/// Under `/receivables`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(aging)
        .service(memo_ledger)
        .service(record)
        .service(get_receivable)
        .service(pay)
        .service(note)
        .service(set_outcome)
        .service(report_bad_debt)
        .service(decide_bad_debt)
        .service(recover);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermsRequest {
    pub credit_limit: Amount<false>,
    /// Days.
    pub credit_period_days: Bounded<0, 3650>,
    /// The version read; absent when setting the terms for the first time.
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TermsView {
    pub customer_id: String,
    pub credit_limit: Money,
    pub credit_period_days: i32,
    pub version: i64,
}

/// Set a customer's credit limit and credit period (AR-2; finance).
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Customer id")),
    request_body = TermsRequest,
    responses((status = 200, body = TermsView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/credit-terms")]
async fn set_terms(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(request): Json<TermsRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let terms = state
        .write(move |connection| {
            if !customers::exists(connection, &id)? {
                return Err(ApiError::not_found(format!("no customer {id}")));
            }
            let before = receivables::find_terms(connection, &id)?;
            if before.as_ref().map(|t| t.version) != request.version {
                return Err(ApiError::stale(
                    "send the terms' current version (none when setting them first)",
                ));
            }
            let after = CreditTerms {
                customer_id: id,
                credit_limit_fen: request.credit_limit.get().fen(),
                // At most 3650: an i32 holds it.
                credit_period_days: request.credit_period_days.get() as i32,
                version: before.as_ref().map_or(1, |t| t.version + 1),
                updated_at: actor.at.stored(),
            };
            receivables::save_terms(connection, &actor, before.as_ref(), &after)?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(TermsView {
        customer_id: terms.customer_id,
        credit_limit: Money::from_fen(terms.credit_limit_fen),
        credit_period_days: terms.credit_period_days,
        version: terms.version,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceivableRequest {
    pub customer_id: String,
    pub contract_number: Text<1, 100>,
    pub amount: Amount<true>,
    pub invoiced_on: IsoDate,
    /// The employee handling the entry.
    pub handler_id: String,
    /// Needed when the entry takes the customer beyond its credit limit (AR-2).
    pub approver_id: Option<String>,
    #[schema(example = "快递")]
    pub delivery_method: Text<1, 100>,
    pub delivered_on: IsoDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// `payment`, `collection_note`, `reconciliation` or (after a write-off) `recovery`.
    pub kind: String,
    pub amount: Option<Money>,
    pub note: Option<String>,
    pub occurred_on: IsoDate,
    pub recorded_by: String,
    pub created_at: Instant,
}

impl From<ReceivableEvent> for EventView {
    fn from(e: ReceivableEvent) -> Self {
        EventView {
            kind: e.kind,
            amount: e.amount_fen.map(Money::from_fen),
            note: e.note,
            occurred_on: IsoDate(e.occurred_on),
            recorded_by: e.recorded_by,
            created_at: Instant::from_utc(e.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceivableView {
    pub id: String,
    /// The debtor: a customer, or a franchisee partner for its joining fee (SET-6).
    pub customer_id: Option<String>,
    pub partner_id: Option<String>,
    pub contract_number: String,
    pub amount: Money,
    pub paid: Money,
    pub outstanding: Money,
    pub invoiced_on: IsoDate,
    pub handler_id: String,
    pub approver_id: Option<String>,
    pub delivery_method: String,
    pub delivered_on: IsoDate,
    /// AR-4: `bad_debt_candidate`, `repayment_agreement` or `litigation`.
    pub outcome: Option<String>,
    pub outcome_owner_id: Option<String>,
    /// AR-5: `reported` or `written_off`.
    pub bad_debt_status: Option<String>,
    pub bad_debt_reason: Option<String>,
    pub responsible_department: Option<String>,
    pub responsible_person: Option<String>,
    pub written_off: Option<Money>,
    pub written_off_on: Option<IsoDate>,
    pub recovered: Money,
    pub events: Vec<EventView>,
    pub version: i64,
}

fn view(r: Receivable, events: Vec<ReceivableEvent>) -> ReceivableView {
    ReceivableView {
        outstanding: Money::from_fen(r.amount_fen - r.paid_fen),
        amount: Money::from_fen(r.amount_fen),
        paid: Money::from_fen(r.paid_fen),
        id: r.id,
        customer_id: r.customer_id,
        partner_id: r.partner_id,
        contract_number: r.contract_number,
        invoiced_on: IsoDate(r.invoiced_on),
        handler_id: r.handler_id,
        approver_id: r.approver_id,
        delivery_method: r.delivery_method,
        delivered_on: IsoDate(r.delivered_on),
        outcome: r.outcome,
        outcome_owner_id: r.outcome_owner_id,
        bad_debt_status: r.bad_debt_status,
        bad_debt_reason: r.bad_debt_reason,
        responsible_department: r.responsible_department,
        responsible_person: r.responsible_person,
        written_off: r.written_off_fen.map(Money::from_fen),
        written_off_on: r.written_off_on.map(IsoDate),
        recovered: Money::from_fen(r.recovered_fen),
        events: events.into_iter().map(EventView::from).collect(),
        version: r.version,
    }
}

/// The AR-2 facts of a ledger entry a caller gives.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryFacts {
    pub contract_number: Text<1, 100>,
    pub invoiced_on: IsoDate,
    /// The employee handling the entry.
    pub handler_id: String,
    #[schema(example = "快递")]
    pub delivery_method: Text<1, 100>,
    pub delivered_on: IsoDate,
}

/// A new, unpaid ledger entry owed by `(customer, partner)` (exactly one of them).
fn new_entry(
    (customer_id, partner_id): (Option<String>, Option<String>),
    facts: &EntryFacts,
    amount: Money,
    approver_id: Option<String>,
    at: Moment,
) -> Receivable {
    let now = at.stored();
    Receivable {
        id: new_id(),
        customer_id,
        partner_id,
        contract_number: facts.contract_number.trim().to_owned(),
        amount_fen: amount.fen(),
        invoiced_on: facts.invoiced_on.0,
        handler_id: facts.handler_id.clone(),
        approver_id,
        delivery_method: facts.delivery_method.trim().to_owned(),
        delivered_on: facts.delivered_on.0,
        paid_fen: 0,
        outcome: None,
        outcome_owner_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
        bad_debt_status: None,
        bad_debt_reason: None,
        responsible_department: None,
        responsible_person: None,
        written_off_fen: None,
        written_off_on: None,
        recovered_fen: 0,
    }
}

/// Record a receivable (finance). AR-2: an entry that would take the customer's outstanding
/// beyond its credit limit (no terms: a limit of 0.00) needs an approver.
#[utoipa::path(
    tag = "receivables",
    request_body = ReceivableRequest,
    responses((status = 201, body = ReceivableView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn record(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    Json(request): Json<ReceivableRequest>,
) -> Result<HttpResponse, ApiError> {
    let amount = request.amount.get();
    let actor = caller.actor;
    let receivable = state
        .write(move |connection| {
            if !customers::exists(connection, &request.customer_id)? {
                return Err(ApiError::field_refused(
                    "customer_id",
                    format!("no customer {}", request.customer_id),
                ));
            }
            existing_employee(connection, "handler_id", &request.handler_id)?;
            if let Some(approver) = &request.approver_id {
                existing_employee(connection, "approver_id", approver)?;
            }
            let outstanding = receivables::outstanding_of(connection, &request.customer_id)?;
            let limit = receivables::find_terms(connection, &request.customer_id)?
                .map(|t| Money::from_fen(t.credit_limit_fen));
            if request.approver_id.is_none()
                && needs_credit_approval(Money::from_fen(outstanding), amount, limit)
            {
                return Err(ApiError::rule_refused(
                    "AR-2",
                    format!(
                        "the customer owes {} and the credit limit is {}; this entry of {} needs an approver",
                        Money::from_fen(outstanding),
                        limit.unwrap_or(Money::ZERO),
                        amount
                    ),
                )
                .with_errors(vec![crate::error::FieldError {
                    field: "approver_id".into(),
                    message: "required beyond the credit limit (AR-2)".into(),
                }]));
            }
            let receivable = new_entry(
                (Some(request.customer_id.clone()), None),
                &EntryFacts {
                    contract_number: request.contract_number.clone(),
                    invoiced_on: request.invoiced_on,
                    handler_id: request.handler_id.clone(),
                    delivery_method: request.delivery_method.clone(),
                    delivered_on: request.delivered_on,
                },
                amount,
                request.approver_id.clone(),
                actor.at,
            );
            receivables::insert_receivable(connection, &actor, &receivable)?;
            Ok(receivable)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(receivable, Vec::new())))
}

/// One ledger entry with its payments and collection notes.
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Receivable id")),
    responses((status = 200, body = ReceivableView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_receivable(
    state: web::Data<AppState>,
    _caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .read(move |connection| {
            let receivable = receivables::find_receivable(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no receivable {id}")))?;
            let events = receivables::events_of(connection, &id)?;
            Ok(view(receivable, events))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    pub amount: Amount<true>,
    pub paid_on: IsoDate,
    pub version: i64,
}

/// AR-2's notes on an entry.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    CollectionNote,
    Reconciliation,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// `collection_note` (default) or `reconciliation` (the balance confirmed with the
    /// customer).
    pub kind: Option<NoteKind>,
    pub note: Text<1, 2000>,
    pub noted_on: IsoDate,
}

/// Adds an event to an entry and, for a payment, the amount paid; returns the entry after.
/// What a caller adds to an entry: a payment, a note, a reconciliation or a recovery.
struct EventInput {
    kind: &'static str,
    amount: Option<Money>,
    note: Option<String>,
    occurred_on: time::Date,
}

async fn add_event(
    state: &AppState,
    caller: Authorized<FinanceDesk>,
    id: String,
    version: Option<i64>,
    input: EventInput,
) -> Result<ReceivableView, ApiError> {
    let actor = caller.actor;
    let recorded_by = caller.claims.sub.clone();
    state
        .write(move |connection| {
            let before = receivables::find_receivable(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no receivable {id}")))?;
            let event = ReceivableEvent {
                id: new_id(),
                receivable_id: before.id.clone(),
                kind: input.kind.into(),
                amount_fen: input.amount.map(Money::fen),
                note: input.note,
                occurred_on: input.occurred_on,
                recorded_by,
                created_at: actor.at.stored(),
            };
            let mut after = before.clone();
            if event.kind == "recovery" {
                let amount = event.amount_fen.unwrap_or(0);
                if version != Some(before.version) {
                    return Err(ApiError::stale("the entry changed since you read it"));
                }
                let written_off = before.written_off_fen.ok_or_else(|| {
                    ApiError::rule_refused("AR-5", "only a written-off entry is recovered")
                })?;
                if amount > written_off - before.recovered_fen {
                    return Err(ApiError::field_refused(
                        "amount",
                        format!(
                            "exceeds what is still written off, {}",
                            Money::from_fen(written_off - before.recovered_fen)
                        ),
                    ));
                }
                after.recovered_fen += amount;
            } else if let Some(amount) = event.amount_fen {
                if version != Some(before.version) {
                    return Err(ApiError::stale("the entry changed since you read it"));
                }
                if before.written_off_fen.is_some() {
                    return Err(ApiError::rule_refused(
                        "AR-5",
                        "the entry is written off; record money received as a recovery",
                    ));
                }
                if amount > before.amount_fen - before.paid_fen {
                    return Err(ApiError::field_refused(
                        "amount",
                        format!(
                            "exceeds the outstanding {}",
                            Money::from_fen(before.amount_fen - before.paid_fen)
                        ),
                    ));
                }
                after.paid_fen += amount;
            }
            after.version += 1;
            after.updated_at = actor.at.stored();
            receivables::update_receivable(
                connection,
                &actor,
                &format!("receivable.{}", event.kind),
                &before,
                &after,
            )?;
            receivables::insert_event(connection, &event)?;
            let events = receivables::events_of(connection, &after.id)?;
            Ok(view(after, events))
        })
        .await
}

/// A payment or a recovery: a positive amount on a day, against the version read.
async fn add_amount(
    state: &AppState,
    caller: Authorized<FinanceDesk>,
    id: String,
    version: i64,
    (kind, amount, on): (&'static str, Amount<true>, time::Date),
) -> Result<ReceivableView, ApiError> {
    let input = EventInput {
        kind,
        amount: Some(amount.get()),
        note: None,
        occurred_on: on,
    };
    add_event(state, caller, id, Some(version), input).await
}

/// Record a payment against an entry (finance); at most what is outstanding.
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Receivable id")),
    request_body = PaymentRequest,
    responses((status = 200, body = ReceivableView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/payments")]
async fn pay(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(request): Json<PaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = add_amount(
        &state,
        caller,
        id.into_inner(),
        request.version,
        ("payment", request.amount, request.paid_on.0),
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Add a collection note, or a reconciliation with the customer, to an entry (AR-2; finance).
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Receivable id")),
    request_body = NoteRequest,
    responses((status = 200, body = ReceivableView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/notes")]
async fn note(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(request): Json<NoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = EventInput {
        kind: match request.kind.unwrap_or(NoteKind::CollectionNote) {
            NoteKind::CollectionNote => "collection_note",
            NoteKind::Reconciliation => "reconciliation",
        },
        amount: None,
        note: Some(request.note.trim().to_owned()),
        occurred_on: request.noted_on.0,
    };
    let view = add_event(&state, caller, id.into_inner(), None, input).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// AR-4's outcomes for a long-unrecovered item.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    BadDebtCandidate,
    RepaymentAgreement,
    Litigation,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRequest {
    pub outcome: Outcome,
    /// The employee responsible for it.
    pub owner_id: String,
    pub version: i64,
}

/// Choose the one outcome of a long-unrecovered entry (AR-4; finance), with the person
/// responsible.
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Receivable id")),
    request_body = OutcomeRequest,
    responses((status = 200, body = ReceivableView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/outcome")]
async fn set_outcome(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(request): Json<OutcomeRequest>,
) -> Result<HttpResponse, ApiError> {
    let owner = state
        .read({
            let owner = request.owner_id.clone();
            move |connection| Ok(existing_employee(connection, "owner_id", &owner)?)
        })
        .await?;
    let view = change_entry(
        &state,
        caller.actor,
        id.into_inner(),
        request.version,
        "receivable.outcome",
        move |before| {
            if before.paid_fen >= before.amount_fen {
                return Err(ApiError::rule_refused("AR-4", "the entry is paid in full"));
            }
            Ok(Receivable {
                outcome: Some(
                    match request.outcome {
                        Outcome::BadDebtCandidate => "bad_debt_candidate",
                        Outcome::RepaymentAgreement => "repayment_agreement",
                        Outcome::Litigation => "litigation",
                    }
                    .into(),
                ),
                outcome_owner_id: Some(owner.id),
                ..before.clone()
            })
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AgingParams {
    /// Defaults to today (Shanghai).
    pub as_of: Option<IsoDate>,
    /// The buckets' upper bounds in days, ascending, e.g. `30,90,180` (the policy's default):
    /// buckets 0–30, 31–90, 91–180 and over 180.
    #[param(
        example = "30,90,180",
        pattern = r"^ *0*[1-9][0-9]{0,8} *(, *0*[1-9][0-9]{0,8} *){0,11}$"
    )]
    pub buckets: Option<String>,
}

/// Upper bounds in days from `30,90,180`: what the parameter's pattern admits (1–12 numbers
/// above 0 of up to 9 significant digits, spaces around them), then ascending.
fn bucket_bounds(text: &str) -> Result<Vec<u32>, ApiError> {
    let shapeless = || {
        ApiError::invalid_field(
            "buckets",
            "must be 1–12 whole numbers of days above 0 separated by commas, e.g. 30,90,180",
        )
    };
    let bounds = text
        .split(',')
        .map(|part| {
            let digits = part.trim_matches(' ');
            let significant = digits.trim_start_matches('0');
            if digits.bytes().all(|b| b.is_ascii_digit()) && (1..=9).contains(&significant.len()) {
                significant.parse::<u32>().map_err(|_| shapeless())
            } else {
                Err(shapeless())
            }
        })
        .collect::<Result<Vec<u32>, ApiError>>()?;
    if bounds.len() > 12 {
        return Err(shapeless());
    }
    if !bounds.windows(2).all(|pair| pair[0] < pair[1]) {
        return Err(ApiError::field_refused(
            "buckets",
            "must ascend, e.g. 30,90,180",
        ));
    }
    Ok(bounds)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BucketView {
    #[schema(example = "31-90")]
    pub label: String,
    pub entries: usize,
    pub outstanding: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgedEntry {
    pub id: String,
    pub customer_id: Option<String>,
    pub partner_id: Option<String>,
    pub contract_number: String,
    pub invoiced_on: IsoDate,
    pub outstanding: Money,
    pub days: i64,
    pub bucket: String,
    /// AR-3: older than six months — to be analysed and reported to the general manager.
    pub needs_analysis: bool,
    pub outcome: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgingView {
    pub as_of: IsoDate,
    pub buckets: Vec<BucketView>,
    /// Oldest first.
    pub entries: Vec<AgedEntry>,
}

/// AR-3: what is owed, aged in buckets by days since invoice (0–30, 31–90, 91–180, over
/// 180 by default), with the items older than six months flagged.
#[utoipa::path(
    tag = "receivables",
    params(AgingParams),
    responses((status = 200, body = AgingView), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/aging")]
async fn aging(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    Query(params): Query<AgingParams>,
) -> Result<HttpResponse, ApiError> {
    let as_of = params
        .as_of
        .map_or_else(|| caller.actor.at.today(), |d| d.0);
    let mut policy = state.settlement_policy.clone();
    if let Some(text) = &params.buckets {
        policy.aging_buckets = bucket_bounds(text)?;
    }
    let open = state
        .read(move |connection| Ok(receivables::open_receivables(connection, as_of)?))
        .await?;
    let aged: Vec<(usize, AgedEntry)> = open
        .into_iter()
        .map(|r| {
            let bucket = aging_bucket(&policy, r.invoiced_on, as_of);
            let entry = AgedEntry {
                needs_analysis: needs_analysis(&policy, r.invoiced_on, as_of),
                outstanding: Money::from_fen(r.amount_fen - r.paid_fen),
                days: bucket.days,
                bucket: bucket.label,
                id: r.id,
                customer_id: r.customer_id,
                partner_id: r.partner_id,
                contract_number: r.contract_number,
                invoiced_on: IsoDate(r.invoiced_on),
                outcome: r.outcome,
            };
            (bucket.index, entry)
        })
        .collect();
    // Buckets youngest first, each with its count and amount.
    let mut buckets: std::collections::BTreeMap<usize, BucketView> = Default::default();
    for (index, entry) in &aged {
        let bucket = buckets.entry(*index).or_insert_with(|| BucketView {
            label: entry.bucket.clone(),
            entries: 0,
            outstanding: Money::ZERO,
        });
        bucket.entries += 1;
        bucket.outstanding = Money::from_fen(bucket.outstanding.fen() + entry.outstanding.fen());
    }
    let buckets = buckets.into_values().collect();
    let entries = aged.into_iter().map(|(_, entry)| entry).collect();
    Ok(HttpResponse::Ok().json(AgingView {
        as_of: IsoDate(as_of),
        buckets,
        entries,
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BadDebtReport {
    pub reason: Text<1, 2000>,
    pub responsible_department: Text<1, 100>,
    pub responsible_person: Text<1, 100>,
    pub version: i64,
}

/// Loads entry `id` at `version`, lets `change` decide its next state, and stores it with the
/// audit `action`.
async fn change_entry(
    state: &AppState,
    actor: zhidu_store::audit::Actor,
    id: String,
    version: i64,
    action: &'static str,
    change: impl FnOnce(&Receivable) -> Result<Receivable, ApiError> + Send + 'static,
) -> Result<ReceivableView, ApiError> {
    state
        .write(move |connection| {
            let before = receivables::find_receivable(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no receivable {id}")))?;
            if before.version != version {
                return Err(ApiError::stale("the entry changed since you read it"));
            }
            let after = Receivable {
                version: before.version + 1,
                updated_at: actor.at.stored(),
                ..change(&before)?
            };
            receivables::update_receivable(connection, &actor, action, &before, &after)?;
            let events = receivables::events_of(connection, &after.id)?;
            Ok(view(after, events))
        })
        .await
}

/// AR-5, first step: finance reports an unpaid entry as bad debt, naming the responsible
/// department and person; the general manager decides.
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Receivable id")),
    request_body = BadDebtReport,
    responses((status = 200, body = ReceivableView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/bad-debt-report")]
async fn report_bad_debt(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(request): Json<BadDebtReport>,
) -> Result<HttpResponse, ApiError> {
    let view = change_entry(
        &state,
        caller.actor,
        id.into_inner(),
        request.version,
        "receivable.bad_debt_report",
        move |before| {
            if before.bad_debt_status.is_some() {
                return Err(ApiError::conflict(format!(
                    "the entry is already {}",
                    before.bad_debt_status.as_deref().unwrap_or_default()
                )));
            }
            if before.paid_fen >= before.amount_fen {
                return Err(ApiError::rule_refused("AR-5", "the entry is paid in full"));
            }
            Ok(Receivable {
                bad_debt_status: Some("reported".into()),
                bad_debt_reason: Some(request.reason.trim().to_owned()),
                responsible_department: Some(request.responsible_department.trim().to_owned()),
                responsible_person: Some(request.responsible_person.trim().to_owned()),
                ..before.clone()
            })
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BadDebtDecision {
    pub decision: zhidu_domain::approval::Decision,
    pub version: i64,
}

/// AR-5, second step: the general manager approves the report — the outstanding amount is
/// written off against the allowance and the entry moves to the memo ledger — or rejects it.
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Receivable id")),
    request_body = BadDebtDecision,
    responses((status = 200, body = ReceivableView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/bad-debt-approval")]
async fn decide_bad_debt(
    state: web::Data<AppState>,
    caller: Authorized<GeneralManagers>,
    id: web::Path<String>,
    Json(request): Json<BadDebtDecision>,
) -> Result<HttpResponse, ApiError> {
    let today = caller.actor.at.today();
    let view = change_entry(
        &state,
        caller.actor,
        id.into_inner(),
        request.version,
        "receivable.bad_debt_decision",
        move |before| {
            if before.bad_debt_status.as_deref() != Some("reported") {
                return Err(ApiError::conflict("there is no bad-debt report to decide"));
            }
            Ok(match request.decision {
                zhidu_domain::approval::Decision::Approved => Receivable {
                    bad_debt_status: Some("written_off".into()),
                    written_off_fen: Some(before.amount_fen - before.paid_fen),
                    written_off_on: Some(today),
                    ..before.clone()
                },
                zhidu_domain::approval::Decision::Rejected => Receivable {
                    bad_debt_status: None,
                    ..before.clone()
                },
            })
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequest {
    pub amount: Amount<true>,
    pub recovered_on: IsoDate,
    pub version: i64,
}

/// AR-5, later: money recovered on a written-off entry reverses that much of the allowance
/// (冲回坏账准备).
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Receivable id")),
    request_body = RecoveryRequest,
    responses((status = 200, body = ReceivableView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/recoveries")]
async fn recover(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(request): Json<RecoveryRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = add_amount(
        &state,
        caller,
        id.into_inner(),
        request.version,
        ("recovery", request.amount, request.recovered_on.0),
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemoLedger {
    pub written_off: Money,
    pub recovered: Money,
    /// Written off and not recovered: the allowance still used.
    pub net: Money,
    pub entries: Vec<ReceivableView>,
}

/// AR-5's memo ledger: every written-off entry with what was recovered since.
#[utoipa::path(
    tag = "receivables",
    responses((status = 200, body = MemoLedger), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[get("/bad-debts")]
async fn memo_ledger(
    state: web::Data<AppState>,
    _caller: Authorized<FinanceDesk>,
) -> Result<HttpResponse, ApiError> {
    let entries = state
        .read(|connection| Ok(receivables::written_off(connection)?))
        .await?;
    let written_off: i64 = entries.iter().filter_map(|r| r.written_off_fen).sum();
    let recovered: i64 = entries.iter().map(|r| r.recovered_fen).sum();
    Ok(HttpResponse::Ok().json(MemoLedger {
        written_off: Money::from_fen(written_off),
        recovered: Money::from_fen(recovered),
        net: Money::from_fen(written_off - recovered),
        entries: entries.into_iter().map(|r| view(r, Vec::new())).collect(),
    }))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LedgerParams {
    /// The month whose closing balance is wanted, `YYYY-MM`.
    pub month: YearMonth,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerView {
    pub customer_id: String,
    pub month: YearMonth,
    pub credit_limit: Option<Money>,
    pub credit_period_days: Option<i32>,
    /// AR-2: what the customer owed at the end of the month — entries invoiced by then, less
    /// payments received by then and amounts written off by then (AR-5).
    pub month_end_balance: Money,
    /// Entries invoiced by the month's end, with every event.
    pub entries: Vec<ReceivableView>,
}

/// AR-2: a customer's receivables ledger and its balance at a month's end (finance).
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Customer id"), LedgerParams),
    responses((status = 200, body = LedgerView), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/receivables")]
async fn customer_ledger(
    state: web::Data<AppState>,
    _caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Query(params): Query<LedgerParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let customer_id = id.clone();
    let month_end = params.month.last_day();
    let (terms, ledger) = state
        .read(move |connection| {
            if !customers::exists(connection, &id)? {
                return Err(ApiError::not_found(format!("no customer {id}")));
            }
            Ok((
                receivables::find_terms(connection, &id)?,
                receivables::ledger_of(connection, &id, month_end)?,
            ))
        })
        .await?;
    let balance: i64 = ledger
        .iter()
        .map(|(entry, events)| {
            let paid: i64 = events
                .iter()
                .filter(|e| e.kind == "payment" && e.occurred_on <= month_end)
                .filter_map(|e| e.amount_fen)
                .sum();
            let written_off = entry
                .written_off_fen
                .filter(|_| entry.written_off_on.is_some_and(|on| on <= month_end))
                .unwrap_or(0);
            entry.amount_fen - paid - written_off
        })
        .sum();
    Ok(HttpResponse::Ok().json(LedgerView {
        customer_id,
        month: params.month,
        credit_limit: terms.as_ref().map(|t| Money::from_fen(t.credit_limit_fen)),
        credit_period_days: terms.as_ref().map(|t| t.credit_period_days),
        month_end_balance: Money::from_fen(balance),
        entries: ledger
            .into_iter()
            .map(|(entry, events)| view(entry, events))
            .collect(),
    }))
}

/// SET-6: record a franchisee's joining fee (500,000.00 by policy) as its receivable
/// (finance); once per franchisee.
#[utoipa::path(
    tag = "receivables",
    params(("id" = String, Path, description = "Partner id (a franchisee)")),
    request_body = EntryFacts,
    responses((status = 201, body = ReceivableView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/joining-fee")]
async fn joining_fee(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    id: web::Path<String>,
    Json(facts): Json<EntryFacts>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let fee = state.settlement_policy.joining_fee;
    let actor = caller.actor;
    let receivable = state
        .write(move |connection| {
            let partner = partners::find_partner(connection, &id)?
                .ok_or_else(|| ApiError::not_found(format!("no partner {id}")))?;
            if partner.partner_type != "franchisee" {
                return Err(ApiError::rule_refused(
                    "SET-6",
                    "only a franchisee pays a joining fee",
                ));
            }
            if receivables::partner_has_receivable(connection, &partner.id)? {
                return Err(ApiError::conflict(
                    "the franchisee's joining fee is already recorded",
                ));
            }
            existing_employee(connection, "handler_id", &facts.handler_id)?;
            let receivable = new_entry((None, Some(partner.id)), &facts, fee, None, actor.at);
            receivables::insert_receivable(connection, &actor, &receivable)?;
            Ok(receivable)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(receivable, Vec::new())))
}
