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
use zhidu_domain::settlement::ReceivableOutcome;

use zhidu_service::receivables::{self, Entry};

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
    let terms = receivables::Terms {
        credit_limit: request.credit_limit.get(),
        // At most 3650: an i32 holds it.
        credit_period_days: request.credit_period_days.get() as i32,
    };
    let terms = state
        .write(move |connection| {
            Ok(receivables::set_terms(
                connection,
                &caller,
                &id,
                terms,
                request.version,
            )?)
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

impl From<receivables::Event> for EventView {
    fn from(event: receivables::Event) -> Self {
        let e = event.event;
        EventView {
            kind: event.kind.as_str().into(),
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

fn view(entry: Entry) -> ReceivableView {
    let r = entry.receivable;
    ReceivableView {
        outstanding: entry.outstanding,
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
        outcome: entry.outcome.map(|o| o.as_str().into()),
        outcome_owner_id: r.outcome_owner_id,
        bad_debt_status: entry.bad_debt_status.map(|s| s.as_str().into()),
        bad_debt_reason: r.bad_debt_reason,
        responsible_department: r.responsible_department,
        responsible_person: r.responsible_person,
        written_off: r.written_off_fen.map(Money::from_fen),
        written_off_on: r.written_off_on.map(IsoDate),
        recovered: Money::from_fen(r.recovered_fen),
        events: entry.events.into_iter().map(EventView::from).collect(),
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

impl From<EntryFacts> for receivables::EntryFacts {
    fn from(facts: EntryFacts) -> Self {
        receivables::EntryFacts {
            contract_number: facts.contract_number.trim().to_owned(),
            invoiced_on: facts.invoiced_on.0,
            handler_id: facts.handler_id,
            delivery_method: facts.delivery_method.trim().to_owned(),
            delivered_on: facts.delivered_on.0,
        }
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
    let new = receivables::CustomerEntry {
        customer_id: request.customer_id,
        amount: request.amount.get(),
        approver_id: request.approver_id,
        facts: EntryFacts {
            contract_number: request.contract_number,
            invoiced_on: request.invoiced_on,
            handler_id: request.handler_id,
            delivery_method: request.delivery_method,
            delivered_on: request.delivered_on,
        }
        .into(),
    };
    let entry = state
        .write(move |connection| Ok(receivables::record(connection, &caller, new)?))
        .await?;
    Ok(HttpResponse::Created().json(view(entry)))
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
    let entry = state
        .read(move |connection| Ok(receivables::find_entry(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(view(entry)))
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
    let id = id.into_inner();
    let entry = state
        .write(move |connection| {
            Ok(receivables::pay(
                connection,
                &caller,
                (&id, request.version),
                request.amount.get(),
                request.paid_on.0,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(entry)))
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
    let id = id.into_inner();
    let kind = match request.kind.unwrap_or(NoteKind::CollectionNote) {
        NoteKind::CollectionNote => receivables::NoteKind::CollectionNote,
        NoteKind::Reconciliation => receivables::NoteKind::Reconciliation,
    };
    let note = request.note.trim().to_owned();
    let entry = state
        .write(move |connection| {
            Ok(receivables::add_note(
                connection,
                &caller,
                &id,
                kind,
                note,
                request.noted_on.0,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(entry)))
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
    let id = id.into_inner();
    let outcome = match request.outcome {
        Outcome::BadDebtCandidate => ReceivableOutcome::BadDebtCandidate,
        Outcome::RepaymentAgreement => ReceivableOutcome::RepaymentAgreement,
        Outcome::Litigation => ReceivableOutcome::Litigation,
    };
    let entry = state
        .write(move |connection| {
            Ok(receivables::set_outcome(
                connection,
                &caller,
                (&id, request.version),
                outcome,
                &request.owner_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(entry)))
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

impl From<receivables::AgedEntry> for AgedEntry {
    fn from(aged: receivables::AgedEntry) -> Self {
        let r = aged.entry.receivable;
        AgedEntry {
            id: r.id,
            customer_id: r.customer_id,
            partner_id: r.partner_id,
            contract_number: r.contract_number,
            invoiced_on: IsoDate(r.invoiced_on),
            outstanding: aged.entry.outstanding,
            days: aged.bucket.days,
            bucket: aged.bucket.label,
            needs_analysis: aged.needs_analysis,
            outcome: aged.entry.outcome.map(|o| o.as_str().into()),
        }
    }
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
    let aging = state
        .read(move |connection| Ok(receivables::aging(connection, &policy, as_of)?))
        .await?;
    Ok(HttpResponse::Ok().json(AgingView {
        as_of: IsoDate(as_of),
        buckets: aging
            .buckets
            .into_iter()
            .map(|bucket| BucketView {
                label: bucket.label,
                entries: bucket.entries,
                outstanding: bucket.outstanding,
            })
            .collect(),
        entries: aging.entries.into_iter().map(AgedEntry::from).collect(),
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
    let id = id.into_inner();
    let report = receivables::BadDebtReport {
        reason: request.reason.trim().to_owned(),
        responsible_department: request.responsible_department.trim().to_owned(),
        responsible_person: request.responsible_person.trim().to_owned(),
    };
    let entry = state
        .write(move |connection| {
            Ok(receivables::report_bad_debt(
                connection,
                &caller,
                (&id, request.version),
                report,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(entry)))
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
    let id = id.into_inner();
    let entry = state
        .write(move |connection| {
            Ok(receivables::decide_bad_debt(
                connection,
                &caller,
                (&id, request.version),
                request.decision,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(entry)))
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
    let id = id.into_inner();
    let entry = state
        .write(move |connection| {
            Ok(receivables::recover(
                connection,
                &caller,
                (&id, request.version),
                request.amount.get(),
                request.recovered_on.0,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(entry)))
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
    let ledger = state
        .read(|connection| Ok(receivables::memo_ledger(connection)?))
        .await?;
    Ok(HttpResponse::Ok().json(MemoLedger {
        written_off: ledger.totals.written_off,
        recovered: ledger.totals.recovered,
        net: ledger.totals.net,
        entries: ledger.entries.into_iter().map(view).collect(),
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
    let ledger = state
        .read(move |connection| Ok(receivables::customer_ledger(connection, &id, month_end)?))
        .await?;
    Ok(HttpResponse::Ok().json(LedgerView {
        customer_id,
        month: params.month,
        credit_limit: ledger
            .terms
            .as_ref()
            .map(|t| Money::from_fen(t.credit_limit_fen)),
        credit_period_days: ledger.terms.as_ref().map(|t| t.credit_period_days),
        month_end_balance: ledger.balance,
        entries: ledger.entries.into_iter().map(view).collect(),
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
    let policy = state.settlement_policy.clone();
    let entry = state
        .write(move |connection| {
            Ok(receivables::record_joining_fee(
                connection,
                &caller,
                &policy,
                &id,
                facts.into(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(entry)))
}
