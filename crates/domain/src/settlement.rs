//! SET — partner settlement (合作方结算): settlement periods and due dates, overdue payments,
//! the franchise profit split and statement reconciliation; and AR, receivables (往来结算):
//! the credit limit, aging, the outcome of a long-unrecovered entry and bad debt.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::approval::Decision;
use crate::money::Money;
use crate::refusal::Refusal;
use crate::text_enum::text_enum;

// Dates travel as `YYYY-MM-DD` (DESIGN.md, API conventions).
use crate::iso_date;

text_enum! {
    /// SET-1: the kinds of partner.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum PartnerType {
        /// 保险公司
        Insurer = "insurer",
        /// 运营商
        Carrier = "carrier",
        /// 加盟商
        Franchisee = "franchisee",
    }
}

/// A region with a fixed SET-6 split, and the spellings a franchisee's region may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    /// The name shown in reasons.
    pub name: String,
    /// Compared with the franchisee's region ignoring ASCII case and surrounding spaces.
    pub aliases: Vec<String>,
}

impl Region {
    fn matches(&self, region: &str) -> bool {
        let region = region.trim();
        self.aliases
            .iter()
            .any(|alias| alias.eq_ignore_ascii_case(region))
    }
}

/// The SET and AR-3 parameters; `Default` holds the values of RULES.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettlementPolicy {
    /// SET-2: the insurer's due days of a month; a day past the month's end falls on its last
    /// day (February's 30th is the 28th or 29th).
    pub insurer_due_days: [u8; 3],
    /// SET-6: the joining fee a franchisee owes (a receivable).
    pub joining_fee: Money,
    /// SET-6: regions whose split is fixed, as (company, franchisee) parts.
    pub fixed_splits: Vec<(Region, (u32, u32))>,
    /// AR-3: the inclusive upper bounds, in days, of every aging bucket but the last.
    pub aging_buckets: Vec<u32>,
    /// AR-3: items older than this many calendar months are flagged for analysis.
    pub analysis_after_months: u32,
}

impl Default for SettlementPolicy {
    fn default() -> Self {
        let region = |name: &str, aliases: &[&str]| Region {
            name: name.into(),
            aliases: aliases.iter().map(|alias| (*alias).into()).collect(),
        };
        SettlementPolicy {
            insurer_due_days: [10, 20, 30],
            joining_fee: Money::from_yuan(500_000),
            fixed_splits: vec![
                (region("Hebei", &["hebei", "河北", "河北省"]), (60, 40)),
                // Not Shaanxi (陕西), a different province.
                (region("Shanxi", &["shanxi", "山西", "山西省"]), (60, 40)),
            ],
            aging_buckets: vec![30, 90, 180],
            analysis_after_months: 6,
        }
    }
}

/// One settlement period: the business of `covers_from..=covers_to`, payable on `due_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementPeriod {
    /// 1-based position among the periods due in the month.
    pub sequence: u8,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub covers_from: Date,
    /// Inclusive.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub covers_to: Date,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due_on: Date,
}

impl SettlementPeriod {
    fn covers(&self, date: Date) -> bool {
        self.covers_from <= date && date <= self.covers_to
    }
}

fn first_of_month(year: i32, month: Month) -> Option<Date> {
    Date::from_calendar_date(year, month, 1).ok()
}

fn last_of_month(year: i32, month: Month) -> Option<Date> {
    Date::from_calendar_date(year, month, month.length(year)).ok()
}

fn previous_month(year: i32, month: Month) -> (i32, Month) {
    match month {
        Month::January => (year - 1, Month::December),
        _ => (year, month.previous()),
    }
}

fn next_month(year: i32, month: Month) -> (i32, Month) {
    match month {
        Month::December => (year + 1, Month::January),
        _ => (year, month.next()),
    }
}

/// SET-2: the insurer's due dates in a month, ascending. A due day past the month's end falls
/// on its last day, which is how February's third due date becomes the 28th or 29th.
fn insurer_due_dates(policy: &SettlementPolicy, year: i32, month: Month) -> Option<Vec<Date>> {
    let mut days: Vec<u8> = policy
        .insurer_due_days
        .iter()
        .map(|day| (*day).min(month.length(year)))
        .collect();
    days.sort_unstable();
    days.dedup();
    days.into_iter()
        .map(|day| Date::from_calendar_date(year, month, day).ok())
        .collect()
}

/// SET-2, **Reading**: the period due on a due date covers the business after the previous
/// due date up to and including it, so a month's first period starts the day after the
/// previous month's last due date (the 31st belongs to the next month's first period).
fn insurer_periods(
    policy: &SettlementPolicy,
    year: i32,
    month: Month,
) -> Option<Vec<SettlementPeriod>> {
    let (previous_year, previous) = previous_month(year, month);
    let mut after = *insurer_due_dates(policy, previous_year, previous)?.last()?;
    let mut periods = Vec::new();
    for (sequence, due_on) in (1u8..).zip(insurer_due_dates(policy, year, month)?) {
        periods.push(SettlementPeriod {
            sequence,
            covers_from: after.next_day()?,
            covers_to: due_on,
            due_on,
        });
        after = due_on;
    }
    Some(periods)
}

/// SET-3: one period covering the month, due on its last day.
fn carrier_periods(year: i32, month: Month) -> Option<Vec<SettlementPeriod>> {
    let last = last_of_month(year, month)?;
    Some(vec![SettlementPeriod {
        sequence: 1,
        covers_from: first_of_month(year, month)?,
        covers_to: last,
        due_on: last,
    }])
}

/// SET-6, **Reading**: the rules give franchisees no payment cycle, only a reconciliation at
/// the start of every month; so a month's profit is settled in one period due on the 1st of
/// the next month.
fn franchisee_periods(year: i32, month: Month) -> Option<Vec<SettlementPeriod>> {
    let last = last_of_month(year, month)?;
    Some(vec![SettlementPeriod {
        sequence: 1,
        covers_from: first_of_month(year, month)?,
        covers_to: last,
        due_on: last.next_day()?,
    }])
}

/// SET-2, SET-3, SET-6: a partner type's settlement periods of `year`-`month`, in due order:
/// an insurer's and a carrier's are those due in the month, a franchisee's is the one
/// covering it. Every day belongs to exactly one period. Empty only where a period would reach
/// outside the dates `time` represents (years −9999..=9999).
pub fn settlement_periods(
    policy: &SettlementPolicy,
    partner_type: PartnerType,
    year: i32,
    month: Month,
) -> Vec<SettlementPeriod> {
    match partner_type {
        PartnerType::Insurer => insurer_periods(policy, year, month),
        PartnerType::Carrier => carrier_periods(year, month),
        PartnerType::Franchisee => franchisee_periods(year, month),
    }
    .unwrap_or_default()
}

/// SET-2, SET-3, SET-6: the period whose cover includes `date`. An insurer's business of the
/// 31st belongs to the next month's first period. `None` only for the last days of year 9999,
/// whose period would be due after the last representable date.
pub fn period_containing(
    policy: &SettlementPolicy,
    partner_type: PartnerType,
    date: Date,
) -> Option<SettlementPeriod> {
    let (year, month) = (date.year(), date.month());
    let (next_year, next) = next_month(year, month);
    settlement_periods(policy, partner_type, year, month)
        .into_iter()
        .chain(settlement_periods(policy, partner_type, next_year, next))
        .find(|period| period.covers(date))
}

/// SET-2, SET-3, SET-6: the period of `partner_type` due on `due_on`; `None` when `due_on` is
/// not one of its due dates, so a payment cannot name it.
pub fn period_due_on(
    policy: &SettlementPolicy,
    partner_type: PartnerType,
    due_on: Date,
) -> Option<SettlementPeriod> {
    period_containing(policy, partner_type, due_on).filter(|period| period.due_on == due_on)
}

/// SET-4: whether the period due on `due_on` is overdue as of `as_of`, given the partner's
/// expected amounts by business day and its payments by due date.
pub fn period_overdue(
    policy: &SettlementPolicy,
    partner_type: PartnerType,
    expected_by_day: &[(Date, Money)],
    paid_by_due_date: &[(Date, Money)],
    due_on: Date,
    as_of: Date,
) -> bool {
    period_accounts(
        policy,
        partner_type,
        expected_by_day,
        paid_by_due_date,
        as_of,
    )
    .iter()
    .any(|account| account.period.due_on == due_on && account.overdue)
}

/// SET-4: a payment not received in full by the end of its due date is overdue, so it turns
/// overdue on the day after the due date.
pub fn is_overdue(due_on: Date, paid_in_full: bool, as_of: Date) -> bool {
    as_of > due_on && !paid_in_full
}

/// One period's account with a partner: what our records expect for the business it covers and
/// what was received against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodAccount {
    pub period: SettlementPeriod,
    pub expected: Money,
    pub paid: Money,
    /// Expected less paid; negative when more was paid.
    pub outstanding: Money,
    /// SET-4: past the end of its due date and not paid in full.
    pub overdue: bool,
    /// Whole days since the due date (0 until it has passed).
    pub days_overdue: i64,
}

/// SET-2..4: gathers a partner's expected amounts (by business day) into their periods, sets
/// the payments received for each due date against them, and returns every period with
/// something expected or paid, in due-date order, each with its SET-4 verdict as of `as_of`.
pub fn period_accounts(
    policy: &SettlementPolicy,
    partner_type: PartnerType,
    expected_by_day: &[(Date, Money)],
    paid_by_due_date: &[(Date, Money)],
    as_of: Date,
) -> Vec<PeriodAccount> {
    let mut accounts: std::collections::BTreeMap<Date, PeriodAccount> =
        std::collections::BTreeMap::new();
    let mut sums: Vec<(SettlementPeriod, Money, Money)> = Vec::new();
    for &(day, amount) in expected_by_day {
        if let Some(period) = period_containing(policy, partner_type, day) {
            sums.push((period, amount, Money::ZERO));
        }
    }
    for &(due_on, amount) in paid_by_due_date {
        if let Some(period) = period_due_on(policy, partner_type, due_on) {
            sums.push((period, Money::ZERO, amount));
        }
    }
    for (period, expected, paid) in sums {
        let account = accounts.entry(period.due_on).or_insert(PeriodAccount {
            period,
            expected: Money::ZERO,
            paid: Money::ZERO,
            outstanding: Money::ZERO,
            overdue: false,
            days_overdue: 0,
        });
        account.expected = Money::from_fen(account.expected.fen() + expected.fen());
        account.paid = Money::from_fen(account.paid.fen() + paid.fen());
    }
    accounts
        .into_values()
        .map(|account| {
            let outstanding = Money::from_fen(account.expected.fen() - account.paid.fen());
            let overdue = is_overdue(account.period.due_on, outstanding.fen() <= 0, as_of);
            PeriodAccount {
                outstanding,
                overdue,
                days_overdue: if overdue {
                    (as_of - account.period.due_on).whole_days()
                } else {
                    0
                },
                ..account
            }
        })
        .collect()
}

text_enum! {
    /// Where a franchise split came from.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum SplitBasis {
        /// The region's split fixed by SET-6 (Hebei, Shanxi).
        FixedRegion = "fixed_region",
        /// The split of the franchisee's contract.
        Contract = "contract",
    }
}

/// One clause that fired, for a frontend to show "why".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementReason {
    pub rule: &'static str,
    pub detail: String,
}

/// A month's operating profit divided between the company and a franchisee (SET-6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FranchiseSplit {
    pub company_share: Money,
    pub franchisee_share: Money,
    pub company_part: u32,
    pub franchisee_part: u32,
    pub basis: SplitBasis,
    /// The profit when it is zero or negative: nothing is paid and the loss is reported.
    pub loss: Option<Money>,
    pub reasons: Vec<SettlementReason>,
}

/// Why a franchise split cannot be calculated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error(
        "SET-6: no profit split is configured for the franchisee's region {region:?}; \
         set the contract's company : franchisee split first"
    )]
    NoSplitConfigured { region: String },
    #[error(
        "SET-6: the split {company} : {franchisee} is invalid; its parts must sum to more than zero"
    )]
    InvalidSplit { company: u32, franchisee: u32 },
}

impl SplitError {
    pub fn rule(&self) -> &'static str {
        "SET-6"
    }
}

/// SET-6: why a contract split given to a partner is refused, if it is: only a franchisee has
/// a profit split, and its company and franchisee parts add up to 100.
pub fn contract_split_refusal(
    partner_type: PartnerType,
    (company, franchisee): (u32, u32),
) -> Option<&'static str> {
    if partner_type != PartnerType::Franchisee {
        Some("only a franchisee has a profit split (SET-6)")
    } else if company + franchisee != 100 {
        Some("the company and franchisee parts must add up to 100")
    } else {
        None
    }
}

/// `numerator / denominator` for positive operands, rounded half to even.
fn div_half_even(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let twice_remainder = 2 * (numerator % denominator);
    if twice_remainder > denominator || (twice_remainder == denominator && quotient % 2 == 1) {
        quotient + 1
    } else {
        quotient
    }
}

/// SET-6: splits a franchisee's monthly operating profit. Hebei and Shanxi split 60 : 40
/// whatever the contract says; other regions follow their contract, and without one the
/// calculation is refused. The company share is rounded half-even to the fen and the
/// franchisee gets the exact remainder; a month with zero or negative profit pays nothing and
/// reports the loss.
pub fn franchise_split(
    policy: &SettlementPolicy,
    region: &str,
    contract_split: Option<(u32, u32)>,
    operating_profit: Money,
) -> Result<FranchiseSplit, SplitError> {
    let fixed = policy
        .fixed_splits
        .iter()
        .find(|(fixed_region, _)| fixed_region.matches(region));
    let (basis, (company_part, franchisee_part), basis_detail) = match (fixed, contract_split) {
        (Some((fixed_region, split)), _) => (
            SplitBasis::FixedRegion,
            *split,
            format!(
                "{} splits company : franchisee = {} : {} regardless of the contract",
                fixed_region.name, split.0, split.1
            ),
        ),
        (None, Some(split)) => (
            SplitBasis::Contract,
            split,
            format!(
                "region {region:?} follows its contract: company : franchisee = {} : {}",
                split.0, split.1
            ),
        ),
        (None, None) => {
            return Err(SplitError::NoSplitConfigured {
                region: region.into(),
            });
        }
    };
    let total = i128::from(company_part) + i128::from(franchisee_part);
    if total == 0 {
        return Err(SplitError::InvalidSplit {
            company: company_part,
            franchisee: franchisee_part,
        });
    }
    let mut reasons = vec![SettlementReason {
        rule: "SET-6",
        detail: basis_detail,
    }];
    let (company_share, franchisee_share, loss) = if operating_profit.fen() <= 0 {
        reasons.push(SettlementReason {
            rule: "SET-6",
            detail: format!(
                "operating profit {operating_profit} is not positive: \
                 nothing is paid and the loss is reported"
            ),
        });
        (Money::ZERO, Money::ZERO, Some(operating_profit))
    } else {
        let profit = operating_profit.fen();
        let company = div_half_even(i128::from(profit) * i128::from(company_part), total);
        // company_part ≤ total, so the share never exceeds the profit and fits in i64.
        let company = i64::try_from(company).unwrap_or(profit);
        let company_share = Money::from_fen(company);
        let franchisee_share = Money::from_fen(profit - company);
        reasons.push(SettlementReason {
            rule: "SET-6",
            detail: format!(
                "company share {operating_profit} × {company_part}/{total} = {company_share} \
                 (rounded half-even to the fen); \
                 franchisee share is the remainder {franchisee_share}"
            ),
        });
        (company_share, franchisee_share, None)
    };
    Ok(FranchiseSplit {
        company_share,
        franchisee_share,
        company_part,
        franchisee_part,
        basis,
        loss,
        reasons,
    })
}

/// The AR-3 aging bucket of a receivable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgingBucket {
    /// 0-based position among the policy's buckets; the last is "over" the highest bound.
    pub index: usize,
    /// "0-30", "31-90", "91-180", "over 180" with the default bounds.
    pub label: String,
    /// Days since the invoice; 0 for an invoice dated after `as_of`.
    pub days: i64,
}

/// AR-2: a new entry needs an approver when, added to what the customer already owes, it
/// would exceed the credit limit (no limit configured counts as a limit of 0.00).
pub fn needs_credit_approval(
    outstanding: Money,
    amount: Money,
    credit_limit: Option<Money>,
) -> bool {
    outstanding.fen() + amount.fen() > credit_limit.map_or(0, Money::fen)
}

/// AR-3: ages a receivable by whole days since its invoice into the policy's buckets, each
/// bound inclusive (30 days is still "0-30").
pub fn aging_bucket(policy: &SettlementPolicy, invoiced_on: Date, as_of: Date) -> AgingBucket {
    let days = (as_of - invoiced_on).whole_days().max(0);
    let bounds = &policy.aging_buckets;
    let index = bounds
        .iter()
        .position(|upper| days <= i64::from(*upper))
        .unwrap_or(bounds.len());
    let previous = index.checked_sub(1).and_then(|i| bounds.get(i));
    let label = match (previous, bounds.get(index)) {
        (None, Some(upper)) => format!("0-{upper}"),
        (Some(previous), Some(upper)) => format!("{}-{upper}", previous.saturating_add(1)),
        (Some(previous), None) => format!("over {previous}"),
        // No bounds configured: a single bucket holds every age.
        (None, None) => "all".into(),
    };
    AgingBucket { index, label, days }
}

/// AR-3: a receivable older than `analysis_after_months` calendar months is flagged for
/// analysis. The limit falls on the same day of the month, or on the month's last day when
/// that month is shorter (31 August + 6 months = 28 February), as in `tier::tenure_years`.
pub fn needs_analysis(policy: &SettlementPolicy, invoiced_on: Date, as_of: Date) -> bool {
    let months_since_year_zero =
        i64::from(invoiced_on.year()) * 12 + i64::from(u8::from(invoiced_on.month()) - 1);
    let target = months_since_year_zero + i64::from(policy.analysis_after_months);
    let limit = i32::try_from(target.div_euclid(12)).ok().and_then(|year| {
        let month = Month::January.nth_next(u8::try_from(target.rem_euclid(12)).ok()?);
        let day = invoiced_on.day().min(month.length(year));
        Date::from_calendar_date(year, month, day).ok()
    });
    // A limit past the last representable date is one no `as_of` can be beyond.
    limit.is_some_and(|limit| as_of > limit)
}

text_enum! {
    /// AR-2, AR-5: what is recorded against a ledger entry; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ReceivableEventKind {
        Payment = "payment",
        CollectionNote = "collection_note",
        /// The balance confirmed with the customer.
        Reconciliation = "reconciliation",
        /// AR-5: money received after the write-off.
        Recovery = "recovery",
    }
}

/// AR-2: what an entry still owes.
pub fn outstanding(amount: Money, paid: Money) -> Money {
    Money::from_fen(amount.fen() - paid.fen())
}

/// AR-5: money received on a written-off entry is a recovery, not a payment.
pub fn may_take_payment(written_off: bool) -> Result<(), Refusal> {
    if written_off {
        return Err(Refusal::new(
            "AR-5",
            "the entry is written off; record money received as a recovery",
        ));
    }
    Ok(())
}

/// AR-2: a payment covers at most what is outstanding; the amount paid after it.
pub fn paid_after_payment(amount: Money, paid: Money, payment: Money) -> Result<Money, Refusal> {
    let owed = outstanding(amount, paid);
    if payment > owed {
        return Err(Refusal::new(
            "AR-2",
            format!("exceeds the outstanding {owed}"),
        ));
    }
    Ok(Money::from_fen(paid.fen() + payment.fen()))
}

/// AR-2: what an entry owed at the end of `day` (its month-end balance when `day` ends a
/// month): its amount, less the payments received by then and, once it was written off by
/// then (AR-5), the amount written off.
pub fn balance_on(
    amount: Money,
    payments: &[(Date, Money)],
    written_off: Option<(Date, Money)>,
    day: Date,
) -> Money {
    let paid: i64 = payments
        .iter()
        .filter(|(on, _)| *on <= day)
        .map(|(_, payment)| payment.fen())
        .sum();
    let written_off = written_off
        .filter(|(on, _)| *on <= day)
        .map_or(0, |(_, written_off)| written_off.fen());
    Money::from_fen(amount.fen() - paid - written_off)
}

text_enum! {
    /// AR-4: the one outcome chosen for a long-unrecovered entry; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum ReceivableOutcome {
        BadDebtCandidate = "bad_debt_candidate",
        RepaymentAgreement = "repayment_agreement",
        Litigation = "litigation",
    }
}

/// AR-4: only an entry still owing something gets an outcome.
pub fn may_choose_outcome(amount: Money, paid: Money) -> Result<(), Refusal> {
    if paid >= amount {
        return Err(Refusal::new("AR-4", "the entry is paid in full"));
    }
    Ok(())
}

text_enum! {
    /// AR-5: where a bad-debt report stands; stored as its text (none: never reported, or
    /// the report was rejected).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum BadDebtStatus {
        /// Finance reported it; the general manager has not decided.
        Reported = "reported",
        /// Approved: charged to the allowance and kept in the memo ledger.
        WrittenOff = "written_off",
    }
}

/// AR-5: finance reports an entry once: not while a report waits, nor after the write-off.
pub fn may_report_bad_debt(status: Option<BadDebtStatus>) -> Result<(), Refusal> {
    match status {
        Some(status) => Err(Refusal::new(
            "AR-5",
            format!("the entry is already {status}"),
        )),
        None => Ok(()),
    }
}

/// AR-5: only money still owed can be reported as bad debt.
pub fn may_be_bad_debt(amount: Money, paid: Money) -> Result<(), Refusal> {
    if paid >= amount {
        return Err(Refusal::new("AR-5", "the entry is paid in full"));
    }
    Ok(())
}

/// AR-5: what the general manager's decision on a report does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadDebtOutcome {
    /// The unpaid amount is charged to the allowance; the entry moves to the memo ledger with
    /// status `written_off`.
    WriteOff { amount: Money },
    /// The report is dropped: the entry has no bad-debt status again.
    ReportRejected,
}

/// AR-5: the general manager alone decides a pending report; approval writes off what is
/// still unpaid.
pub fn decide_bad_debt(
    status: Option<BadDebtStatus>,
    decision: Decision,
    amount: Money,
    paid: Money,
) -> Result<BadDebtOutcome, Refusal> {
    if status != Some(BadDebtStatus::Reported) {
        return Err(Refusal::new(
            "AR-5",
            "there is no bad-debt report to decide",
        ));
    }
    Ok(match decision {
        Decision::Approved => BadDebtOutcome::WriteOff {
            amount: outstanding(amount, paid),
        },
        Decision::Rejected => BadDebtOutcome::ReportRejected,
    })
}

/// AR-5: only a written-off entry is recovered; what is still written off (the allowance it
/// still uses).
pub fn still_written_off(written_off: Option<Money>, recovered: Money) -> Result<Money, Refusal> {
    written_off
        .map(|written_off| outstanding(written_off, recovered))
        .ok_or_else(|| Refusal::new("AR-5", "only a written-off entry is recovered"))
}

/// AR-5 (冲回坏账准备): a recovery reverses that much of the allowance, at most what is still
/// written off; the total recovered after it.
pub fn recovered_after(
    still_written_off: Money,
    recovered: Money,
    recovery: Money,
) -> Result<Money, Refusal> {
    if recovery > still_written_off {
        return Err(Refusal::new(
            "AR-5",
            format!("exceeds what is still written off, {still_written_off}"),
        ));
    }
    Ok(Money::from_fen(recovered.fen() + recovery.fen()))
}

/// AR-5: the memo ledger's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoTotals {
    pub written_off: Money,
    pub recovered: Money,
    /// Written off and not recovered: the allowance still used.
    pub net: Money,
}

/// AR-5: the memo ledger's totals over its entries, each `(written off, recovered)`.
pub fn memo_totals(entries: impl IntoIterator<Item = (Option<Money>, Money)>) -> MemoTotals {
    let (written_off, recovered) =
        entries
            .into_iter()
            .fold((0i64, 0i64), |(written_off, recovered), (w, r)| {
                (written_off + w.map_or(0, Money::fen), recovered + r.fen())
            });
    MemoTotals {
        written_off: Money::from_fen(written_off),
        recovered: Money::from_fen(recovered),
        net: Money::from_fen(written_off - recovered),
    }
}

text_enum! {
    /// SET-5: the reconciliation verdict of one order reference; stored as its text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum LineVerdict {
        /// Both sides hold it with the same amount.
        Matched = "matched",
        /// Both sides hold it, with different amounts.
        AmountMismatch = "amount_mismatch",
        /// The partner's statement lists it; our records do not.
        MissingInOurs = "missing_in_ours",
        /// Our records of the statement's month hold it; the statement does not.
        MissingInTheirs = "missing_in_theirs",
    }
}

/// SET-5: compares the partner's amount for a reference with ours. `None` when neither side
/// holds it.
pub fn reconcile_line(theirs: Option<Money>, ours: Option<Money>) -> Option<LineVerdict> {
    match (theirs, ours) {
        (Some(theirs), Some(ours)) if theirs == ours => Some(LineVerdict::Matched),
        (Some(_), Some(_)) => Some(LineVerdict::AmountMismatch),
        (Some(_), None) => Some(LineVerdict::MissingInOurs),
        (None, Some(_)) => Some(LineVerdict::MissingInTheirs),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn money(text: &str) -> Money {
        text.parse().unwrap()
    }

    fn policy() -> SettlementPolicy {
        SettlementPolicy::default()
    }

    fn periods(partner_type: PartnerType, year: i32, month: Month) -> Vec<SettlementPeriod> {
        settlement_periods(&policy(), partner_type, year, month)
    }

    fn containing(partner_type: PartnerType, date: Date) -> SettlementPeriod {
        period_containing(&policy(), partner_type, date).unwrap()
    }

    fn months() -> impl Iterator<Item = Month> {
        (0..12).map(|n| Month::January.nth_next(n))
    }

    fn due_days(periods: &[SettlementPeriod]) -> Vec<u8> {
        periods.iter().map(|p| p.due_on.day()).collect()
    }

    #[test]
    fn set_2_insurer_2026_three_periods_a_month_each_day_in_exactly_one() {
        let year: Vec<SettlementPeriod> = months()
            .flat_map(|month| {
                let month_periods = periods(PartnerType::Insurer, 2026, month);
                assert_eq!(month_periods.len(), 3, "{month}");
                let expected_third = if month == Month::February { 28 } else { 30 };
                assert_eq!(
                    due_days(&month_periods),
                    [10, 20, expected_third],
                    "{month}"
                );
                assert_eq!(
                    month_periods.iter().map(|p| p.sequence).collect::<Vec<_>>(),
                    [1, 2, 3]
                );
                month_periods
            })
            .collect();
        assert_eq!(year[0].covers_from, date!(2025 - 12 - 31));
        assert_eq!(year[35].covers_to, date!(2026 - 12 - 30));
        for pair in year.windows(2) {
            assert_eq!(pair[1].covers_from, pair[0].covers_to.next_day().unwrap());
        }
        let mut day = date!(2026 - 01 - 01);
        while day <= date!(2026 - 12 - 30) {
            let holders = year.iter().filter(|p| p.covers(day)).count();
            assert_eq!(holders, 1, "{day}");
            day = day.next_day().unwrap();
        }
        for period in &year {
            assert_eq!(period.due_on, period.covers_to);
        }
    }

    #[test]
    fn set_2_february_third_due_date_is_its_last_day() {
        let feb_2026 = periods(PartnerType::Insurer, 2026, Month::February);
        assert_eq!(feb_2026[2].due_on, date!(2026 - 02 - 28));
        assert_eq!(feb_2026[2].covers_from, date!(2026 - 02 - 21));
        let feb_2028 = periods(PartnerType::Insurer, 2028, Month::February);
        assert_eq!(due_days(&feb_2028), [10, 20, 29]);
        assert_eq!(feb_2028[2].covers_to, date!(2028 - 02 - 29));
        // March's first period starts right after February's last due date.
        let march_2028 = periods(PartnerType::Insurer, 2028, Month::March);
        assert_eq!(march_2028[0].covers_from, date!(2028 - 03 - 01));
        assert_eq!(march_2028[0].due_on, date!(2028 - 03 - 10));
    }

    #[test]
    fn set_2_the_31st_falls_in_the_next_months_first_period() {
        for (day, next_due) in [
            (date!(2026 - 01 - 31), date!(2026 - 02 - 10)),
            (date!(2026 - 03 - 31), date!(2026 - 04 - 10)),
            (date!(2026 - 05 - 31), date!(2026 - 06 - 10)),
            (date!(2026 - 07 - 31), date!(2026 - 08 - 10)),
            (date!(2026 - 08 - 31), date!(2026 - 09 - 10)),
            (date!(2026 - 10 - 31), date!(2026 - 11 - 10)),
            (date!(2026 - 12 - 31), date!(2027 - 01 - 10)),
        ] {
            let period = containing(PartnerType::Insurer, day);
            assert_eq!(period.sequence, 1, "{day}");
            assert_eq!(period.covers_from, day, "{day}");
            assert_eq!(period.due_on, next_due, "{day}");
        }
    }

    #[test]
    fn set_2_first_period_of_january_2027_starts_31_december_2026() {
        let first = periods(PartnerType::Insurer, 2027, Month::January)[0];
        assert_eq!(first.covers_from, date!(2026 - 12 - 31));
        assert_eq!(first.covers_to, date!(2027 - 01 - 10));
        assert_eq!(first.due_on, date!(2027 - 01 - 10));
    }

    #[test]
    fn set_2_period_containing_the_30th_31st_and_1st() {
        let on_30th = containing(PartnerType::Insurer, date!(2026 - 03 - 30));
        assert_eq!(
            (on_30th.sequence, on_30th.covers_from, on_30th.due_on),
            (3, date!(2026 - 03 - 21), date!(2026 - 03 - 30))
        );
        let on_31st = containing(PartnerType::Insurer, date!(2026 - 03 - 31));
        assert_eq!(
            (on_31st.sequence, on_31st.covers_from, on_31st.due_on),
            (1, date!(2026 - 03 - 31), date!(2026 - 04 - 10))
        );
        assert_eq!(
            containing(PartnerType::Insurer, date!(2026 - 04 - 01)),
            on_31st
        );
        // After a 30-day month the 1st opens the period itself.
        let on_1st = containing(PartnerType::Insurer, date!(2026 - 05 - 01));
        assert_eq!(on_1st.covers_from, date!(2026 - 05 - 01));
        assert_eq!(on_1st.due_on, date!(2026 - 05 - 10));
    }

    #[test]
    fn set_3_carriers_are_due_on_the_last_day_of_the_month() {
        for month in months() {
            let month_periods = periods(PartnerType::Carrier, 2026, month);
            assert_eq!(month_periods.len(), 1);
            let period = month_periods[0];
            assert_eq!(
                period.covers_from,
                date!(2026 - 01 - 01).replace_month(month).unwrap()
            );
            assert_eq!(period.due_on.day(), month.length(2026));
            assert_eq!(period.covers_to, period.due_on);
        }
        let feb_2028 = periods(PartnerType::Carrier, 2028, Month::February)[0];
        assert_eq!(feb_2028.due_on, date!(2028 - 02 - 29));
        let feb_2026 = periods(PartnerType::Carrier, 2026, Month::February)[0];
        assert_eq!(feb_2026.due_on, date!(2026 - 02 - 28));
        assert_eq!(
            containing(PartnerType::Carrier, date!(2026 - 03 - 31)).due_on,
            date!(2026 - 03 - 31)
        );
    }

    #[test]
    fn set_6_reading_franchisees_settle_on_the_1st_of_the_next_month() {
        let december = periods(PartnerType::Franchisee, 2026, Month::December);
        assert_eq!(
            december,
            [SettlementPeriod {
                sequence: 1,
                covers_from: date!(2026 - 12 - 01),
                covers_to: date!(2026 - 12 - 31),
                due_on: date!(2027 - 01 - 01),
            }]
        );
        assert_eq!(
            containing(PartnerType::Franchisee, date!(2028 - 02 - 29)).due_on,
            date!(2028 - 03 - 01)
        );
    }

    #[test]
    fn periods_serialize_dates_as_iso_strings() {
        let period = periods(PartnerType::Insurer, 2027, Month::January)[0];
        let json = serde_json::to_value(period).unwrap();
        assert_eq!(json["covers_from"], "2026-12-31");
        assert_eq!(json["due_on"], "2027-01-10");
        assert_eq!(
            serde_json::from_value::<SettlementPeriod>(json).unwrap(),
            period
        );
        assert_eq!(
            serde_json::to_value(PartnerType::Franchisee).unwrap(),
            "franchisee"
        );
    }

    #[test]
    fn set_4_overdue_only_after_the_end_of_the_due_date() {
        let due = date!(2026 - 03 - 10);
        assert!(!is_overdue(due, false, date!(2026 - 03 - 09)));
        assert!(!is_overdue(due, false, due));
        assert!(is_overdue(due, false, date!(2026 - 03 - 11)));
    }

    #[test]
    fn set_4_paid_in_full_is_never_overdue() {
        let due = date!(2026 - 03 - 10);
        assert!(!is_overdue(due, true, due));
        assert!(!is_overdue(due, true, date!(2026 - 03 - 11)));
        assert!(!is_overdue(due, true, date!(2027 - 03 - 10)));
    }

    #[test]
    fn set_6_joining_fee_is_500000() {
        assert_eq!(policy().joining_fee, money("500000.00"));
        assert_eq!(policy().joining_fee.to_string(), "500000.00");
    }

    #[test]
    fn set_6_hebei_splits_60_40_rounding_the_company_share_half_even() {
        // 100001 fen × 60/100 = 60000.6 → 60001
        let split = franchise_split(&policy(), "Hebei", None, money("1000.01")).unwrap();
        assert_eq!(split.company_share, money("600.01"));
        assert_eq!(split.franchisee_share, money("400.00"));
        assert_eq!((split.company_part, split.franchisee_part), (60, 40));
        assert_eq!(split.basis, SplitBasis::FixedRegion);
        assert_eq!(split.loss, None);
        assert!(split.reasons.iter().all(|r| r.rule == "SET-6"));
        for spelling in ["hebei", "HEBEI", " 河北 ", "河北省"] {
            let split = franchise_split(&policy(), spelling, None, money("100.00")).unwrap();
            assert_eq!(split.company_share, money("60.00"), "{spelling:?}");
        }
    }

    #[test]
    fn set_6_fixed_region_split_overrides_the_contract() {
        let split = franchise_split(&policy(), "河北", Some((50, 50)), money("100.00")).unwrap();
        assert_eq!(split.basis, SplitBasis::FixedRegion);
        assert_eq!(split.company_share, money("60.00"));
        assert_eq!(split.franchisee_share, money("40.00"));
    }

    #[test]
    fn set_6_ties_round_to_even() {
        // 5 fen × 1/2 = 2.5 → 2; 15 fen × 1/2 = 7.5 → 8
        let split = franchise_split(&policy(), "Henan", Some((50, 50)), money("0.05")).unwrap();
        assert_eq!(split.company_share, money("0.02"));
        assert_eq!(split.franchisee_share, money("0.03"));
        let split = franchise_split(&policy(), "Henan", Some((1, 1)), money("0.15")).unwrap();
        assert_eq!(split.company_share, money("0.08"));
        assert_eq!(split.franchisee_share, money("0.07"));
        // 25 fen × 60/100 = 15 exactly
        let split = franchise_split(&policy(), "Shanxi", None, money("0.25")).unwrap();
        assert_eq!(split.company_share, money("0.15"));
    }

    #[test]
    fn set_6_shanxi_by_its_chinese_name() {
        for spelling in ["山西", "山西省", "shanxi"] {
            let split = franchise_split(&policy(), spelling, None, money("1000.00")).unwrap();
            assert_eq!(split.basis, SplitBasis::FixedRegion, "{spelling:?}");
            assert_eq!(split.company_share, money("600.00"));
            assert_eq!(split.franchisee_share, money("400.00"));
        }
        // Shaanxi (陕西) is another province and follows its contract.
        for spelling in ["Shaanxi", "陕西省"] {
            let split =
                franchise_split(&policy(), spelling, Some((70, 30)), money("1000.00")).unwrap();
            assert_eq!(split.basis, SplitBasis::Contract, "{spelling:?}");
        }
    }

    #[test]
    fn set_6_other_regions_follow_their_contract() {
        let split = franchise_split(&policy(), "浙江省", Some((70, 30)), money("333.33")).unwrap();
        // 33333 × 70/100 = 23333.1 → 23333
        assert_eq!(split.basis, SplitBasis::Contract);
        assert_eq!(split.company_share, money("233.33"));
        assert_eq!(split.franchisee_share, money("100.00"));
        assert_eq!((split.company_part, split.franchisee_part), (70, 30));
    }

    #[test]
    fn set_6_no_split_configured_is_refused_naming_the_region() {
        let error = franchise_split(&policy(), "浙江省", None, money("1000.00")).unwrap_err();
        assert_eq!(
            error,
            SplitError::NoSplitConfigured {
                region: "浙江省".into()
            }
        );
        assert_eq!(error.rule(), "SET-6");
        let message = error.to_string();
        assert!(message.starts_with("SET-6"), "{message}");
        assert!(message.contains("浙江省"), "{message}");
    }

    #[test]
    fn set_6_a_split_summing_to_zero_is_refused() {
        assert_eq!(
            franchise_split(&policy(), "Henan", Some((0, 0)), money("1.00")),
            Err(SplitError::InvalidSplit {
                company: 0,
                franchisee: 0
            })
        );
        let all_franchisee =
            franchise_split(&policy(), "Henan", Some((0, 100)), money("1.00")).unwrap();
        assert_eq!(all_franchisee.franchisee_share, money("1.00"));
    }

    #[test]
    fn set_6_zero_or_negative_profit_pays_nothing_and_reports_the_loss() {
        for profit in [money("0.00"), money("-1234.56")] {
            let split = franchise_split(&policy(), "Hebei", None, profit).unwrap();
            assert_eq!(split.company_share, Money::ZERO);
            assert_eq!(split.franchisee_share, Money::ZERO);
            assert_eq!(split.loss, Some(profit));
            assert_eq!(split.reasons.len(), 2);
        }
        let json = serde_json::to_value(
            franchise_split(&policy(), "Hebei", None, money("-5.00")).unwrap(),
        )
        .unwrap();
        assert_eq!(json["loss"], "-5.00");
        assert_eq!(json["basis"], "fixed_region");
    }

    #[test]
    fn ar_3_bucket_boundaries() {
        let invoiced = date!(2026 - 01 - 01);
        let bucket_at =
            |days: i64| aging_bucket(&policy(), invoiced, invoiced + time::Duration::days(days));
        for (days, index, label) in [
            (0, 0, "0-30"),
            (30, 0, "0-30"),
            (31, 1, "31-90"),
            (90, 1, "31-90"),
            (91, 2, "91-180"),
            (180, 2, "91-180"),
            (181, 3, "over 180"),
            (1000, 3, "over 180"),
        ] {
            assert_eq!(
                bucket_at(days),
                AgingBucket {
                    index,
                    label: label.into(),
                    days
                }
            );
        }
    }

    #[test]
    fn ar_3_an_invoice_after_as_of_is_zero_days_old() {
        let bucket = aging_bucket(&policy(), date!(2026 - 05 - 02), date!(2026 - 05 - 01));
        assert_eq!(bucket.days, 0);
        assert_eq!(bucket.label, "0-30");
    }

    #[test]
    fn ar_3_older_than_6_months_is_flagged_for_analysis() {
        let invoiced = date!(2026 - 01 - 15);
        assert!(!needs_analysis(&policy(), invoiced, date!(2026 - 07 - 15)));
        assert!(needs_analysis(&policy(), invoiced, date!(2026 - 07 - 16)));
        // Across a year end.
        let invoiced = date!(2026 - 09 - 30);
        assert!(!needs_analysis(&policy(), invoiced, date!(2027 - 03 - 30)));
        assert!(needs_analysis(&policy(), invoiced, date!(2027 - 03 - 31)));
    }

    #[test]
    fn ar_3_six_months_from_31_august_ends_on_the_last_day_of_february() {
        let invoiced = date!(2026 - 08 - 31);
        assert!(!needs_analysis(&policy(), invoiced, date!(2027 - 02 - 28)));
        assert!(needs_analysis(&policy(), invoiced, date!(2027 - 03 - 01)));
        let invoiced = date!(2027 - 08 - 31);
        assert!(!needs_analysis(&policy(), invoiced, date!(2028 - 02 - 29)));
        assert!(needs_analysis(&policy(), invoiced, date!(2028 - 03 - 01)));
    }

    fn partner_type() -> impl Strategy<Value = PartnerType> {
        prop_oneof![
            Just(PartnerType::Insurer),
            Just(PartnerType::Carrier),
            Just(PartnerType::Franchisee),
        ]
    }

    proptest! {
        #[test]
        fn set_6_shares_sum_to_the_profit_and_the_company_share_is_within_half_a_fen(
            profit in 1i64..1_000_000_000_000_000,
            company in 0u32..=1_000,
            franchisee in 0u32..=1_000,
        ) {
            prop_assume!(company + franchisee > 0);
            let split = franchise_split(
                &policy(), "Henan", Some((company, franchisee)), Money::from_fen(profit),
            ).unwrap();
            prop_assert_eq!(split.company_share.fen() + split.franchisee_share.fen(), profit);
            let total = i128::from(company + franchisee);
            let error = i128::from(split.company_share.fen()) * total
                - i128::from(profit) * i128::from(company);
            prop_assert!(2 * error.abs() <= total);
        }

        #[test]
        fn set_2_3_6_every_date_lies_in_its_period_due_no_earlier_than_its_end(
            partner_type in partner_type(),
            julian in date!(2024 - 01 - 01).to_julian_day()..=date!(2030 - 12 - 31).to_julian_day(),
        ) {
            let date = Date::from_julian_day(julian).unwrap();
            let period = containing(partner_type, date);
            prop_assert!(period.covers(date));
            prop_assert!(period.due_on >= period.covers_to);
            let listed = periods(partner_type, period.covers_to.year(), period.covers_to.month());
            prop_assert!(listed.contains(&period));
        }
    }

    #[test]
    fn set_6_only_a_franchisee_has_a_contract_split_adding_up_to_100() {
        assert_eq!(
            contract_split_refusal(PartnerType::Franchisee, (55, 45)),
            None
        );
        assert_eq!(
            contract_split_refusal(PartnerType::Franchisee, (100, 0)),
            None
        );
        assert_eq!(
            contract_split_refusal(PartnerType::Franchisee, (60, 30)),
            Some("the company and franchisee parts must add up to 100")
        );
        for other in [PartnerType::Insurer, PartnerType::Carrier] {
            assert_eq!(
                contract_split_refusal(other, (60, 40)),
                Some("only a franchisee has a profit split (SET-6)")
            );
        }
    }

    #[test]
    fn set_2_3_a_payment_names_a_due_date_of_its_partner_type() {
        let policy = SettlementPolicy::default();
        let insurer = period_due_on(&policy, PartnerType::Insurer, date!(2026 - 03 - 20)).unwrap();
        assert_eq!(insurer.due_on, date!(2026 - 03 - 20));
        assert_eq!(
            period_due_on(&policy, PartnerType::Insurer, date!(2026 - 02 - 28)).map(|p| p.due_on),
            Some(date!(2026 - 02 - 28))
        );
        assert!(period_due_on(&policy, PartnerType::Insurer, date!(2026 - 03 - 15)).is_none());
        assert!(period_due_on(&policy, PartnerType::Carrier, date!(2026 - 03 - 30)).is_none());
        assert!(period_due_on(&policy, PartnerType::Carrier, date!(2026 - 03 - 31)).is_some());
    }

    #[test]
    fn set_4_only_an_unpaid_period_past_its_due_date_is_overdue() {
        let policy = SettlementPolicy::default();
        let expected = [(date!(2026 - 03 - 02), Money::from_yuan(100))];
        let paid = [(date!(2026 - 03 - 10), Money::from_yuan(100))];
        let due = date!(2026 - 03 - 10);
        let overdue = |paid: &[(Date, Money)], as_of| {
            period_overdue(&policy, PartnerType::Insurer, &expected, paid, due, as_of)
        };
        assert!(!overdue(&[], due));
        assert!(overdue(&[], date!(2026 - 03 - 11)));
        assert!(!overdue(&paid, date!(2026 - 03 - 11)));
        // Another period's due date is never overdue on this one's account.
        assert!(!period_overdue(
            &policy,
            PartnerType::Insurer,
            &expected,
            &[],
            date!(2026 - 03 - 20),
            date!(2026 - 03 - 25)
        ));
    }

    #[test]
    fn set_4_a_period_is_overdue_the_day_after_its_due_date_unless_paid_in_full() {
        let policy = SettlementPolicy::default();
        let expected = [
            (date!(2026 - 03 - 02), Money::from_yuan(100)),
            (date!(2026 - 03 - 10), Money::from_yuan(50)),
            (date!(2026 - 03 - 11), Money::from_yuan(70)),
        ];
        let paid = [(date!(2026 - 03 - 10), Money::from_yuan(150))];
        let on_due_date = period_accounts(
            &policy,
            PartnerType::Insurer,
            &expected,
            &[],
            date!(2026 - 03 - 10),
        );
        assert_eq!(on_due_date[0].expected, Money::from_yuan(150));
        assert!(!on_due_date[0].overdue);
        let day_after = period_accounts(
            &policy,
            PartnerType::Insurer,
            &expected,
            &[],
            date!(2026 - 03 - 11),
        );
        assert!(day_after[0].overdue);
        assert_eq!(day_after[0].days_overdue, 1);
        let settled = period_accounts(
            &policy,
            PartnerType::Insurer,
            &expected,
            &paid,
            date!(2026 - 03 - 25),
        );
        assert!(!settled[0].overdue);
        assert_eq!(settled[0].outstanding, Money::ZERO);
        // The 11th belongs to the period due on the 20th, overdue from the 21st.
        assert_eq!(settled[1].period.due_on, date!(2026 - 03 - 20));
        assert_eq!(settled[1].outstanding, Money::from_yuan(70));
        assert!(settled[1].overdue);
        assert_eq!(settled[1].days_overdue, 5);
    }

    #[test]
    fn set_4_a_payment_only_counts_against_a_real_due_date() {
        let policy = SettlementPolicy::default();
        let expected = [(date!(2026 - 03 - 02), Money::from_yuan(100))];
        let paid_on_a_wrong_date = [(date!(2026 - 03 - 09), Money::from_yuan(100))];
        let accounts = period_accounts(
            &policy,
            PartnerType::Insurer,
            &expected,
            &paid_on_a_wrong_date,
            date!(2026 - 03 - 31),
        );
        assert_eq!(accounts.len(), 1);
        assert!(accounts[0].overdue);
    }

    #[test]
    fn ar_2_an_entry_beyond_the_credit_limit_needs_an_approver() {
        let limit = Some(Money::from_yuan(5_000));
        assert!(!needs_credit_approval(
            Money::from_fen(300_000),
            Money::from_fen(199_999),
            limit
        ));
        assert!(!needs_credit_approval(
            Money::from_fen(300_000),
            Money::from_fen(200_000),
            limit
        ));
        assert!(needs_credit_approval(
            Money::from_fen(300_000),
            Money::from_fen(200_001),
            limit
        ));
        assert!(needs_credit_approval(Money::ZERO, Money::from_fen(1), None));
    }

    #[test]
    fn ar_2_a_payment_covers_at_most_what_is_outstanding() {
        let (amount, paid) = (money("1000.00"), money("400.00"));
        assert_eq!(outstanding(amount, paid), money("600.00"));
        assert_eq!(
            paid_after_payment(amount, paid, money("600.00")),
            Ok(money("1000.00"))
        );
        let refusal = paid_after_payment(amount, paid, money("600.01")).unwrap_err();
        assert_eq!(refusal.detail, "exceeds the outstanding 600.00");
        assert_eq!(may_take_payment(false), Ok(()));
        assert_eq!(
            may_take_payment(true),
            Err(Refusal::new(
                "AR-5",
                "the entry is written off; record money received as a recovery"
            ))
        );
    }

    #[test]
    fn ar_2_a_balance_counts_what_was_paid_and_written_off_by_the_day() {
        let amount = money("800.00");
        let payments = [
            (date!(2025 - 03 - 01), money("300.00")),
            (date!(2025 - 04 - 30), money("100.00")),
        ];
        let written_off = Some((date!(2025 - 05 - 31), money("400.00")));
        let on = |day| balance_on(amount, &payments, written_off, day);
        assert_eq!(on(date!(2025 - 02 - 28)), money("800.00"));
        assert_eq!(on(date!(2025 - 03 - 01)), money("500.00"));
        assert_eq!(on(date!(2025 - 04 - 30)), money("400.00"));
        // Written off on the month's last day: that month's balance no longer holds it.
        assert_eq!(on(date!(2025 - 05 - 30)), money("400.00"));
        assert_eq!(on(date!(2025 - 05 - 31)), Money::ZERO);
        assert_eq!(balance_on(amount, &[], None, date!(2030 - 01 - 01)), amount);
    }

    #[test]
    fn ar_4_an_outcome_needs_something_still_owed() {
        assert_eq!(
            may_choose_outcome(money("1000.00"), money("999.99")),
            Ok(())
        );
        for paid in ["1000.00", "1000.01"] {
            assert_eq!(
                may_choose_outcome(money("1000.00"), money(paid)),
                Err(Refusal::new("AR-4", "the entry is paid in full"))
            );
        }
    }

    #[test]
    fn ar_5_a_report_is_made_once_on_money_still_owed() {
        assert_eq!(may_report_bad_debt(None), Ok(()));
        assert_eq!(
            may_report_bad_debt(Some(BadDebtStatus::Reported))
                .unwrap_err()
                .detail,
            "the entry is already reported"
        );
        assert_eq!(
            may_report_bad_debt(Some(BadDebtStatus::WrittenOff))
                .unwrap_err()
                .detail,
            "the entry is already written_off"
        );
        assert_eq!(may_be_bad_debt(money("10.00"), money("9.99")), Ok(()));
        assert_eq!(
            may_be_bad_debt(money("10.00"), money("10.00")),
            Err(Refusal::new("AR-5", "the entry is paid in full"))
        );
    }

    #[test]
    fn ar_5_approval_writes_off_the_unpaid_amount_rejection_drops_the_report() {
        let (amount, paid) = (money("1000.00"), money("250.50"));
        assert_eq!(
            decide_bad_debt(
                Some(BadDebtStatus::Reported),
                Decision::Approved,
                amount,
                paid
            ),
            Ok(BadDebtOutcome::WriteOff {
                amount: money("749.50")
            })
        );
        assert_eq!(
            decide_bad_debt(
                Some(BadDebtStatus::Reported),
                Decision::Rejected,
                amount,
                paid
            ),
            Ok(BadDebtOutcome::ReportRejected)
        );
        for status in [None, Some(BadDebtStatus::WrittenOff)] {
            assert_eq!(
                decide_bad_debt(status, Decision::Approved, amount, paid),
                Err(Refusal::new(
                    "AR-5",
                    "there is no bad-debt report to decide"
                ))
            );
        }
    }

    #[test]
    fn ar_5_recoveries_reverse_the_allowance_up_to_what_is_written_off() {
        assert_eq!(
            still_written_off(None, Money::ZERO),
            Err(Refusal::new(
                "AR-5",
                "only a written-off entry is recovered"
            ))
        );
        let still = still_written_off(Some(money("749.50")), money("100.00")).unwrap();
        assert_eq!(still, money("649.50"));
        assert_eq!(
            recovered_after(still, money("100.00"), money("649.50")),
            Ok(money("749.50"))
        );
        let refusal = recovered_after(still, money("100.00"), money("649.51")).unwrap_err();
        assert_eq!(refusal.rule, "AR-5");
        assert_eq!(refusal.detail, "exceeds what is still written off, 649.50");
        // Fully recovered: nothing more can be.
        let nothing_left = still_written_off(Some(money("749.50")), money("749.50")).unwrap();
        assert_eq!(nothing_left, Money::ZERO);
        assert!(recovered_after(nothing_left, money("749.50"), money("0.01")).is_err());

        let totals = memo_totals([
            (Some(money("749.50")), money("100.00")),
            (Some(money("50.00")), Money::ZERO),
        ]);
        assert_eq!(
            totals,
            MemoTotals {
                written_off: money("799.50"),
                recovered: money("100.00"),
                net: money("699.50"),
            }
        );
        assert_eq!(memo_totals([]), MemoTotals::default());
    }

    #[test]
    fn set_5_each_reference_gets_one_verdict() {
        let amount = Some(money("100.00"));
        assert_eq!(reconcile_line(amount, amount), Some(LineVerdict::Matched));
        assert_eq!(
            reconcile_line(amount, Some(money("100.01"))),
            Some(LineVerdict::AmountMismatch)
        );
        assert_eq!(
            reconcile_line(amount, None),
            Some(LineVerdict::MissingInOurs)
        );
        assert_eq!(
            reconcile_line(None, amount),
            Some(LineVerdict::MissingInTheirs)
        );
        assert_eq!(reconcile_line(None, None), None);
    }

    #[test]
    fn ar_set_stored_texts_round_trip() {
        use crate::text_enum::{assert_round_trips, assert_serde_names_match};
        assert_round_trips(&PartnerType::ALL, PartnerType::as_str);
        assert_serde_names_match(&PartnerType::ALL, PartnerType::as_str);
        assert_eq!(
            PartnerType::ALL.map(PartnerType::as_str),
            ["insurer", "carrier", "franchisee"]
        );
        assert_round_trips(&SplitBasis::ALL, SplitBasis::as_str);
        assert_serde_names_match(&SplitBasis::ALL, SplitBasis::as_str);
        assert_eq!(
            SplitBasis::ALL.map(SplitBasis::as_str),
            ["fixed_region", "contract"]
        );
        assert_round_trips(&ReceivableEventKind::ALL, ReceivableEventKind::as_str);
        assert_serde_names_match(&ReceivableEventKind::ALL, ReceivableEventKind::as_str);
        assert_eq!(
            ReceivableEventKind::ALL.map(ReceivableEventKind::as_str),
            ["payment", "collection_note", "reconciliation", "recovery"]
        );
        assert_round_trips(&ReceivableOutcome::ALL, ReceivableOutcome::as_str);
        assert_serde_names_match(&ReceivableOutcome::ALL, ReceivableOutcome::as_str);
        assert_eq!(
            ReceivableOutcome::ALL.map(ReceivableOutcome::as_str),
            ["bad_debt_candidate", "repayment_agreement", "litigation"]
        );
        assert_round_trips(&BadDebtStatus::ALL, BadDebtStatus::as_str);
        assert_serde_names_match(&BadDebtStatus::ALL, BadDebtStatus::as_str);
        assert_eq!(
            BadDebtStatus::ALL.map(BadDebtStatus::as_str),
            ["reported", "written_off"]
        );
        assert_round_trips(&LineVerdict::ALL, LineVerdict::as_str);
        assert_serde_names_match(&LineVerdict::ALL, LineVerdict::as_str);
        assert_eq!(
            LineVerdict::ALL.map(LineVerdict::as_str),
            [
                "matched",
                "amount_mismatch",
                "missing_in_ours",
                "missing_in_theirs"
            ]
        );
    }
}
