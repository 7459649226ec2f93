//! AR-2..5 and SET-6's joining fee: a customer's credit terms, the receivables ledger with its
//! payments and notes, aging, the outcome of a long-unrecovered entry, and the bad-debt
//! workflow (finance's report, the general manager's decision, recoveries and the memo
//! ledger). The rules are `zhidu_domain::settlement`'s: this module reads a stored entry into
//! them — its texts as the domain's enums, an unknown one being corrupt — and writes what they
//! decide.

use std::collections::BTreeMap;

use time::Date;
use zhidu_domain::Refusal;
use zhidu_domain::approval::Decision;
use zhidu_domain::money::Money;
use zhidu_domain::settlement::{
    self, AgingBucket, BadDebtOutcome, BadDebtStatus, MemoTotals, PartnerType, ReceivableEventKind,
    ReceivableOutcome, SettlementPolicy, aging_bucket, balance_on, may_be_bad_debt,
    may_choose_outcome, may_report_bad_debt, may_take_payment, memo_totals, needs_analysis,
    needs_credit_approval, outstanding, paid_after_payment, recovered_after, still_written_off,
};
use zhidu_store::clock::Moment;
use zhidu_store::db::DbConnection;
use zhidu_store::receivables::{self as store, CreditTerms, Receivable, ReceivableEvent};
use zhidu_store::{StoreResult, customers, new_id, partners, read_stored};

use crate::access::Identity;
use crate::error::{ServiceError, ServiceResult};
use crate::partners::partner_type;
use crate::people::existing_employee;

/// A ledger entry as the AR rules read it: the stored row, its stored texts read as the
/// domain's enums, and what it still owes.
#[derive(Debug, Clone)]
pub struct Entry {
    pub receivable: Receivable,
    /// AR-2: the amount less what was paid.
    pub outstanding: Money,
    /// AR-4.
    pub outcome: Option<ReceivableOutcome>,
    /// AR-5.
    pub bad_debt_status: Option<BadDebtStatus>,
    /// Oldest first; empty in the listings that leave them out.
    pub events: Vec<Event>,
}

/// A payment, note or recovery recorded against an entry.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: ReceivableEventKind,
    pub event: ReceivableEvent,
}

fn amount_of(receivable: &Receivable) -> Money {
    Money::from_fen(receivable.amount_fen)
}

fn paid_of(receivable: &Receivable) -> Money {
    Money::from_fen(receivable.paid_fen)
}

fn bad_debt_status_of(receivable: &Receivable) -> StoreResult<Option<BadDebtStatus>> {
    receivable
        .bad_debt_status
        .as_deref()
        .map(read_stored)
        .transpose()
}

fn outcome_of(receivable: &Receivable) -> StoreResult<Option<ReceivableOutcome>> {
    receivable.outcome.as_deref().map(read_stored).transpose()
}

fn event_of(event: ReceivableEvent) -> StoreResult<Event> {
    Ok(Event {
        kind: read_stored(&event.kind)?,
        event,
    })
}

fn entry_of(receivable: Receivable, events: Vec<ReceivableEvent>) -> ServiceResult<Entry> {
    Ok(Entry {
        outstanding: outstanding(amount_of(&receivable), paid_of(&receivable)),
        outcome: outcome_of(&receivable)?,
        bad_debt_status: bad_debt_status_of(&receivable)?,
        events: events
            .into_iter()
            .map(event_of)
            .collect::<StoreResult<_>>()?,
        receivable,
    })
}

fn find_row(connection: &mut DbConnection, id: &str) -> ServiceResult<Receivable> {
    store::find_receivable(connection, id)?
        .ok_or_else(|| ServiceError::not_found(format!("no receivable {id}")))
}

/// Receivable `id` with its payments, notes and recoveries.
pub fn find_entry(connection: &mut DbConnection, id: &str) -> ServiceResult<Entry> {
    let receivable = find_row(connection, id)?;
    let events = store::events_of(connection, id)?;
    entry_of(receivable, events)
}

/// A customer's AR-2 credit terms as a caller sets them.
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    pub credit_limit: Money,
    /// Days.
    pub credit_period_days: i32,
}

/// AR-2: sets a customer's credit limit and period, against the `version` of the terms the
/// caller read (`None` when setting them first).
pub fn set_terms(
    connection: &mut DbConnection,
    caller: &impl Identity,
    customer_id: &str,
    terms: Terms,
    version: Option<i64>,
) -> ServiceResult<CreditTerms> {
    if !customers::exists(connection, customer_id)? {
        return Err(ServiceError::not_found(format!(
            "no customer {customer_id}"
        )));
    }
    let before = store::find_terms(connection, customer_id)?;
    if before.as_ref().map(|t| t.version) != version {
        return Err(ServiceError::Stale(
            "send the terms' current version (none when setting them first)".into(),
        ));
    }
    let after = CreditTerms {
        customer_id: customer_id.to_owned(),
        credit_limit_fen: terms.credit_limit.fen(),
        credit_period_days: terms.credit_period_days,
        version: before.as_ref().map_or(1, |t| t.version + 1),
        updated_at: caller.actor().at.stored(),
    };
    store::save_terms(connection, caller.actor(), before.as_ref(), &after)?;
    Ok(after)
}

/// The AR-2 facts of a new ledger entry.
#[derive(Debug, Clone)]
pub struct EntryFacts {
    pub contract_number: String,
    pub invoiced_on: Date,
    /// The employee handling the entry.
    pub handler_id: String,
    pub delivery_method: String,
    pub delivered_on: Date,
}

/// A new entry owed by a customer.
#[derive(Debug, Clone)]
pub struct CustomerEntry {
    pub customer_id: String,
    pub amount: Money,
    /// Needed when the entry takes the customer beyond its credit limit (AR-2).
    pub approver_id: Option<String>,
    pub facts: EntryFacts,
}

/// A new, unpaid ledger entry owed by `(customer, partner)` (exactly one of them).
fn new_row(
    (customer_id, partner_id): (Option<String>, Option<String>),
    facts: EntryFacts,
    amount: Money,
    approver_id: Option<String>,
    at: Moment,
) -> Receivable {
    let now = at.stored();
    Receivable {
        id: new_id(),
        customer_id,
        partner_id,
        contract_number: facts.contract_number,
        amount_fen: amount.fen(),
        invoiced_on: facts.invoiced_on,
        handler_id: facts.handler_id,
        approver_id,
        delivery_method: facts.delivery_method,
        delivered_on: facts.delivered_on,
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

/// AR-2: records a customer's receivable. An entry that would take what the customer owes
/// beyond its credit limit (no terms: a limit of 0.00) needs an approver.
pub fn record(
    connection: &mut DbConnection,
    caller: &impl Identity,
    new: CustomerEntry,
) -> ServiceResult<Entry> {
    if !customers::exists(connection, &new.customer_id)? {
        return Err(ServiceError::field_refused(
            "customer_id",
            format!("no customer {}", new.customer_id),
        ));
    }
    existing_employee(connection, "handler_id", &new.facts.handler_id)?;
    if let Some(approver) = &new.approver_id {
        existing_employee(connection, "approver_id", approver)?;
    }
    let owed = Money::from_fen(store::outstanding_of(connection, &new.customer_id)?);
    let limit = store::find_terms(connection, &new.customer_id)?
        .map(|t| Money::from_fen(t.credit_limit_fen));
    if new.approver_id.is_none() && needs_credit_approval(owed, new.amount, limit) {
        return Err(ServiceError::refused(
            "AR-2",
            format!(
                "the customer owes {owed} and the credit limit is {}; this entry of {} needs an approver",
                limit.unwrap_or(Money::ZERO),
                new.amount
            ),
        )
        .concerning("approver_id", "required beyond the credit limit (AR-2)"));
    }
    let receivable = new_row(
        (Some(new.customer_id), None),
        new.facts,
        new.amount,
        new.approver_id,
        caller.actor().at,
    );
    store::insert_receivable(connection, caller.actor(), &receivable)?;
    entry_of(receivable, Vec::new())
}

/// SET-6: records a franchisee's joining fee (the policy's amount) as its receivable; once per
/// franchisee.
pub fn record_joining_fee(
    connection: &mut DbConnection,
    caller: &impl Identity,
    policy: &SettlementPolicy,
    partner_id: &str,
    facts: EntryFacts,
) -> ServiceResult<Entry> {
    let partner = partners::find_partner(connection, partner_id)?
        .ok_or_else(|| ServiceError::not_found(format!("no partner {partner_id}")))?;
    if partner_type(&partner)? != PartnerType::Franchisee {
        return Err(ServiceError::refused(
            "SET-6",
            "only a franchisee pays a joining fee",
        ));
    }
    if store::partner_has_receivable(connection, &partner.id)? {
        return Err(ServiceError::conflict(
            "the franchisee's joining fee is already recorded",
        ));
    }
    existing_employee(connection, "handler_id", &facts.handler_id)?;
    let receivable = new_row(
        (None, Some(partner.id)),
        facts,
        policy.joining_fee,
        None,
        caller.actor().at,
    );
    store::insert_receivable(connection, caller.actor(), &receivable)?;
    entry_of(receivable, Vec::new())
}

/// Loads entry `id` — at `version` when one is given — lets `change` decide its next state,
/// and stores that as its next version with the audit `action`.
fn change_entry(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (id, version): (&str, Option<i64>),
    action: &str,
    change: impl FnOnce(&Receivable) -> ServiceResult<Receivable>,
) -> ServiceResult<Receivable> {
    let before = find_row(connection, id)?;
    if version.is_some_and(|version| version != before.version) {
        return Err(ServiceError::Stale(
            "the entry changed since you read it".into(),
        ));
    }
    let after = Receivable {
        version: before.version + 1,
        updated_at: caller.actor().at.stored(),
        ..change(&before)?
    };
    store::update_receivable(connection, caller.actor(), action, &before, &after)?;
    Ok(after)
}

/// What a caller records against an entry, on a day.
struct NewEvent {
    kind: ReceivableEventKind,
    amount: Option<Money>,
    note: Option<String>,
    occurred_on: Date,
}

/// Records `new` against entry `id`, with the change to the entry it brings.
fn add_event(
    connection: &mut DbConnection,
    caller: &impl Identity,
    at: (&str, Option<i64>),
    new: NewEvent,
    change: impl FnOnce(&Receivable) -> ServiceResult<Receivable>,
) -> ServiceResult<Entry> {
    let action = format!("receivable.{}", new.kind);
    let after = change_entry(connection, caller, at, &action, change)?;
    let event = ReceivableEvent {
        id: new_id(),
        receivable_id: after.id.clone(),
        kind: new.kind.as_str().into(),
        amount_fen: new.amount.map(Money::fen),
        note: new.note,
        occurred_on: new.occurred_on,
        recorded_by: caller.subject().to_owned(),
        created_at: caller.actor().at.stored(),
    };
    store::insert_event(connection, &event)?;
    let events = store::events_of(connection, &after.id)?;
    entry_of(after, events)
}

/// An amount refused by AR-2 or AR-5 is refused as the request's `amount`.
fn on_amount(refusal: Refusal) -> ServiceError {
    ServiceError::field_refused("amount", refusal.detail)
}

/// AR-2: a payment against entry `id` at the `version` read — at most what is outstanding,
/// and never on a written-off entry, which takes a recovery instead (AR-5).
pub fn pay(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (id, version): (&str, i64),
    amount: Money,
    paid_on: Date,
) -> ServiceResult<Entry> {
    let payment = NewEvent {
        kind: ReceivableEventKind::Payment,
        amount: Some(amount),
        note: None,
        occurred_on: paid_on,
    };
    add_event(connection, caller, (id, Some(version)), payment, |before| {
        may_take_payment(before.written_off_fen.is_some())?;
        let paid =
            paid_after_payment(amount_of(before), paid_of(before), amount).map_err(on_amount)?;
        Ok(Receivable {
            paid_fen: paid.fen(),
            ..before.clone()
        })
    })
}

/// AR-5 (冲回坏账准备): money recovered on a written-off entry, at the `version` read,
/// reverses that much of the allowance — at most what is still written off.
pub fn recover(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (id, version): (&str, i64),
    amount: Money,
    recovered_on: Date,
) -> ServiceResult<Entry> {
    let recovery = NewEvent {
        kind: ReceivableEventKind::Recovery,
        amount: Some(amount),
        note: None,
        occurred_on: recovered_on,
    };
    add_event(
        connection,
        caller,
        (id, Some(version)),
        recovery,
        |before| {
            let recovered = Money::from_fen(before.recovered_fen);
            let still = still_written_off(before.written_off_fen.map(Money::from_fen), recovered)?;
            let recovered = recovered_after(still, recovered, amount).map_err(on_amount)?;
            Ok(Receivable {
                recovered_fen: recovered.fen(),
                ..before.clone()
            })
        },
    )
}

/// AR-2's notes on an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    CollectionNote,
    /// The balance confirmed with the customer.
    Reconciliation,
}

/// AR-2: a collection note, or a reconciliation with the customer, on entry `id`.
pub fn add_note(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    kind: NoteKind,
    note: String,
    noted_on: Date,
) -> ServiceResult<Entry> {
    let note = NewEvent {
        kind: match kind {
            NoteKind::CollectionNote => ReceivableEventKind::CollectionNote,
            NoteKind::Reconciliation => ReceivableEventKind::Reconciliation,
        },
        amount: None,
        note: Some(note),
        occurred_on: noted_on,
    };
    add_event(connection, caller, (id, None), note, |before| {
        Ok(before.clone())
    })
}

/// AR-4: the one outcome of a long-unrecovered entry at the `version` read, with the employee
/// responsible for it; an entry paid in full gets none.
pub fn set_outcome(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (id, version): (&str, i64),
    outcome: ReceivableOutcome,
    owner_id: &str,
) -> ServiceResult<Entry> {
    let owner = existing_employee(connection, "owner_id", owner_id)?;
    let after = change_entry(
        connection,
        caller,
        (id, Some(version)),
        "receivable.outcome",
        |before| {
            may_choose_outcome(amount_of(before), paid_of(before))?;
            Ok(Receivable {
                outcome: Some(outcome.as_str().into()),
                outcome_owner_id: Some(owner.id),
                ..before.clone()
            })
        },
    )?;
    let events = store::events_of(connection, &after.id)?;
    entry_of(after, events)
}

/// Finance's AR-5 report: why the entry is bad debt, and who is responsible for it.
#[derive(Debug, Clone)]
pub struct BadDebtReport {
    pub reason: String,
    pub responsible_department: String,
    pub responsible_person: String,
}

/// AR-5, first step: finance reports an entry still owing something as bad debt, once, at the
/// `version` read; the general manager decides. A second report is a conflict with the
/// report (or write-off) already there.
pub fn report_bad_debt(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (id, version): (&str, i64),
    report: BadDebtReport,
) -> ServiceResult<Entry> {
    let after = change_entry(
        connection,
        caller,
        (id, Some(version)),
        "receivable.bad_debt_report",
        |before| {
            may_report_bad_debt(bad_debt_status_of(before)?)
                .map_err(|refusal| ServiceError::conflict(refusal.detail))?;
            may_be_bad_debt(amount_of(before), paid_of(before))?;
            Ok(Receivable {
                bad_debt_status: Some(BadDebtStatus::Reported.as_str().into()),
                bad_debt_reason: Some(report.reason),
                responsible_department: Some(report.responsible_department),
                responsible_person: Some(report.responsible_person),
                ..before.clone()
            })
        },
    )?;
    let events = store::events_of(connection, &after.id)?;
    entry_of(after, events)
}

/// AR-5, second step: the general manager's decision on a pending report, at the `version`
/// read. Approval writes off what is still unpaid, today, and the entry moves to the memo
/// ledger; rejection drops the report. Without a pending report there is nothing to decide
/// (a conflict).
pub fn decide_bad_debt(
    connection: &mut DbConnection,
    caller: &impl Identity,
    (id, version): (&str, i64),
    decision: Decision,
) -> ServiceResult<Entry> {
    let today = caller.actor().at.today();
    let after = change_entry(
        connection,
        caller,
        (id, Some(version)),
        "receivable.bad_debt_decision",
        |before| {
            let decided = settlement::decide_bad_debt(
                bad_debt_status_of(before)?,
                decision,
                amount_of(before),
                paid_of(before),
            )
            .map_err(|refusal| ServiceError::conflict(refusal.detail))?;
            Ok(match decided {
                BadDebtOutcome::WriteOff { amount } => Receivable {
                    bad_debt_status: Some(BadDebtStatus::WrittenOff.as_str().into()),
                    written_off_fen: Some(amount.fen()),
                    written_off_on: Some(today),
                    ..before.clone()
                },
                BadDebtOutcome::ReportRejected => Receivable {
                    bad_debt_status: None,
                    ..before.clone()
                },
            })
        },
    )?;
    let events = store::events_of(connection, &after.id)?;
    entry_of(after, events)
}

/// AR-5's memo ledger: every written-off entry (oldest write-off first, without events) and
/// the totals written off, recovered and still charged to the allowance.
#[derive(Debug, Clone)]
pub struct MemoLedger {
    pub totals: MemoTotals,
    pub entries: Vec<Entry>,
}

pub fn memo_ledger(connection: &mut DbConnection) -> ServiceResult<MemoLedger> {
    let rows = store::written_off(connection)?;
    let totals = memo_totals(rows.iter().map(|r| {
        (
            r.written_off_fen.map(Money::from_fen),
            Money::from_fen(r.recovered_fen),
        )
    }));
    Ok(MemoLedger {
        totals,
        entries: rows
            .into_iter()
            .map(|r| entry_of(r, Vec::new()))
            .collect::<ServiceResult<_>>()?,
    })
}

/// AR-2: a customer's ledger through a month's end.
#[derive(Debug, Clone)]
pub struct CustomerLedger {
    pub terms: Option<CreditTerms>,
    /// What the customer owed at the end of the day: entries invoiced by then, less payments
    /// received by then and amounts written off by then (AR-5).
    pub balance: Money,
    /// Entries invoiced by then, with every event.
    pub entries: Vec<Entry>,
}

/// AR-2: customer `customer_id`'s terms, its entries invoiced by `month_end` and what it owed
/// then.
pub fn customer_ledger(
    connection: &mut DbConnection,
    customer_id: &str,
    month_end: Date,
) -> ServiceResult<CustomerLedger> {
    if !customers::exists(connection, customer_id)? {
        return Err(ServiceError::not_found(format!(
            "no customer {customer_id}"
        )));
    }
    let terms = store::find_terms(connection, customer_id)?;
    let mut balance = 0i64;
    let mut entries = Vec::new();
    for (receivable, events) in store::ledger_of(connection, customer_id, month_end)? {
        let entry = entry_of(receivable, events)?;
        let payments: Vec<(Date, Money)> = entry
            .events
            .iter()
            .filter(|e| e.kind == ReceivableEventKind::Payment)
            .filter_map(|e| {
                e.event
                    .amount_fen
                    .map(|fen| (e.event.occurred_on, Money::from_fen(fen)))
            })
            .collect();
        let row = &entry.receivable;
        let written_off = row
            .written_off_on
            .zip(row.written_off_fen.map(Money::from_fen));
        balance += balance_on(amount_of(row), &payments, written_off, month_end).fen();
        entries.push(entry);
    }
    Ok(CustomerLedger {
        terms,
        balance: Money::from_fen(balance),
        entries,
    })
}

/// An open entry in its AR-3 aging bucket.
#[derive(Debug, Clone)]
pub struct AgedEntry {
    pub entry: Entry,
    pub bucket: AgingBucket,
    /// AR-3: older than the policy's months — to be analysed and reported to the general
    /// manager.
    pub needs_analysis: bool,
}

/// One AR-3 bucket's entries and what they owe.
#[derive(Debug, Clone)]
pub struct BucketTotal {
    pub label: String,
    pub entries: usize,
    pub outstanding: Money,
}

#[derive(Debug, Clone)]
pub struct Aging {
    /// The buckets holding an entry, youngest first.
    pub buckets: Vec<BucketTotal>,
    /// Oldest first.
    pub entries: Vec<AgedEntry>,
}

/// AR-3: what is owed and not written off as of `as_of`, aged in the policy's buckets by days
/// since invoice, with the items older than its months flagged for analysis.
pub fn aging(
    connection: &mut DbConnection,
    policy: &SettlementPolicy,
    as_of: Date,
) -> ServiceResult<Aging> {
    let mut buckets: BTreeMap<usize, BucketTotal> = BTreeMap::new();
    let mut entries = Vec::new();
    for receivable in store::open_receivables(connection, as_of)? {
        let bucket = aging_bucket(policy, receivable.invoiced_on, as_of);
        let flagged = needs_analysis(policy, receivable.invoiced_on, as_of);
        let entry = entry_of(receivable, Vec::new())?;
        let total = buckets.entry(bucket.index).or_insert_with(|| BucketTotal {
            label: bucket.label.clone(),
            entries: 0,
            outstanding: Money::ZERO,
        });
        total.entries += 1;
        total.outstanding = Money::from_fen(total.outstanding.fen() + entry.outstanding.fen());
        entries.push(AgedEntry {
            entry,
            bucket,
            needs_analysis: flagged,
        });
    }
    Ok(Aging {
        buckets: buckets.into_values().collect(),
        entries,
    })
}
