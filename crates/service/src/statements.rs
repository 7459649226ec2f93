//! SET-5: our expected records per partner, the partners' monthly statements and their
//! revisions, the reconciliation of a statement against our records, and the comment thread of
//! a disputed line. The store reconciles in one set-based query; each verdict it returns is
//! read as the domain's `LineVerdict` and must be the one `reconcile_line` gives for the
//! line's two amounts.

use time::Date;
use zhidu_domain::money::Money;
use zhidu_domain::role::Role;
use zhidu_domain::settlement::{LineVerdict, reconcile_line};
use zhidu_store::db::DbConnection;
use zhidu_store::statements::{
    self as store, PartnerOrder, ReconciledLine, ReconciliationTotal, StatementLine,
};
use zhidu_store::{StoreError, StoreResult, new_id, partners, read_stored};

use crate::access::Identity;
use crate::access::partners::{partner_scope, visible_statement};
use crate::error::{ServiceError, ServiceResult};

pub use zhidu_store::statements::{LineComment, Statement};

/// One line of our records or of a statement, as parsed from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub reference: String,
    pub amount: Money,
    pub occurred_on: Date,
}

/// Our records stored at once, and what they add up to.
#[derive(Debug, Clone)]
pub struct RecordedOrders {
    pub orders: Vec<PartnerOrder>,
    pub total: Money,
}

/// SET-5: records our expected amounts for partner `partner_id`, all or nothing: a reference
/// already recorded for the partner stores none of them.
pub fn record_orders(
    connection: &mut DbConnection,
    caller: &impl Identity,
    partner_id: &str,
    lines: Vec<Line>,
) -> ServiceResult<RecordedOrders> {
    if partners::find_partner(connection, partner_id)?.is_none() {
        return Err(ServiceError::field_refused(
            "partner_id",
            format!("no partner {partner_id}"),
        ));
    }
    let now = caller.actor().at.stored();
    let orders: Vec<PartnerOrder> = lines
        .into_iter()
        .map(|line| PartnerOrder {
            id: new_id(),
            partner_id: partner_id.to_owned(),
            reference: line.reference,
            amount_fen: line.amount.fen(),
            occurred_on: line.occurred_on,
            created_at: now,
        })
        .collect();
    store::insert_orders(connection, caller.actor(), &new_id(), &orders).map_err(|e| match e {
        StoreError::Conflict(_) => ServiceError::conflict(
            "a reference is already recorded for this partner; nothing was stored",
        ),
        other => other.into(),
    })?;
    let total = Money::from_fen(orders.iter().map(|o| o.amount_fen).sum());
    Ok(RecordedOrders { orders, total })
}

/// `YYYY-MM` of the month of `month_start`, as monthly rows (statements, area figures) are
/// stored.
pub(crate) fn month_key(month_start: Date) -> String {
    format!(
        "{:04}-{:02}",
        month_start.year(),
        u8::from(month_start.month())
    )
}

/// The first and last day of a stored `YYYY-MM`; anything else is corrupt.
fn month_bounds(key: &str) -> StoreResult<(Date, Date)> {
    let corrupt = || StoreError::Corrupt(format!("{key:?} is not a statement month"));
    let (year, month) = key.split_once('-').ok_or_else(corrupt)?;
    let year: i32 = year.parse().map_err(|_| corrupt())?;
    let month = month
        .parse::<u8>()
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(corrupt)?;
    let first = Date::from_calendar_date(year, month, 1).map_err(|_| corrupt())?;
    let last = first
        .replace_day(month.length(year))
        .map_err(|_| corrupt())?;
    Ok((first, last))
}

/// SET-5: the calling partner's statement of the month starting `month_start`. The month's
/// first statement is revision 1; another is the next revision and supersedes the current
/// one, which stays as it was. Only a partner's own token posts one.
pub fn submit_statement(
    connection: &mut DbConnection,
    caller: &impl Identity,
    month_start: Date,
    lines: &[Line],
) -> ServiceResult<Statement> {
    let partner_id = partner_scope(connection, caller)?
        .ok_or_else(|| ServiceError::forbidden("only a partner posts its statement"))?;
    let month = month_key(month_start);
    let previous = store::current_statement(connection, &partner_id, &month)?;
    let statement = Statement {
        id: new_id(),
        partner_id,
        month,
        revision: previous.as_ref().map_or(1, |p| p.revision + 1),
        line_count: i32::try_from(lines.len()).unwrap_or(i32::MAX),
        total_fen: lines.iter().map(|l| l.amount.fen()).sum(),
        superseded_by: None,
        submitted_by: caller.subject().to_owned(),
        created_at: caller.actor().at.stored(),
    };
    let rows: Vec<StatementLine> = lines
        .iter()
        .zip(1..)
        .map(|(line, line_no)| StatementLine {
            statement_id: statement.id.clone(),
            line_no,
            reference: line.reference.clone(),
            amount_fen: line.amount.fen(),
            occurred_on: line.occurred_on,
        })
        .collect();
    store::insert_statement(
        connection,
        caller.actor(),
        &statement,
        &rows,
        previous.as_ref(),
    )?;
    Ok(statement)
}

/// Statement `id` (finance, or the partner that posted it; otherwise not found).
pub fn find_statement(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
) -> ServiceResult<Statement> {
    visible_statement(connection, caller, id)
}

/// One reference's SET-5 verdict with both amounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictLine {
    pub reference: String,
    pub verdict: LineVerdict,
    pub theirs: Option<Money>,
    pub ours: Option<Money>,
}

/// The lines and amounts of one verdict over the whole statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictTotal {
    pub verdict: LineVerdict,
    pub lines: i64,
    pub theirs: Money,
    pub ours: Money,
}

/// Which reconciled lines a caller wants: of one verdict or all, in reference order after
/// `after_reference`, `limit` of them at most (`None`: every one, for an export).
#[derive(Debug, Clone, Copy, Default)]
pub struct LineQuery<'a> {
    pub verdict: Option<LineVerdict>,
    pub after_reference: Option<&'a str>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Reconciliation {
    pub statement: Statement,
    /// Per verdict, over the whole statement.
    pub totals: Vec<VerdictTotal>,
    /// The lines the query asked for, by reference.
    pub lines: Vec<VerdictLine>,
}

/// The store's verdict of a line, which must be SET-5's for its two amounts: the set-based
/// query and the rule disagreeing is a fault, never an answer.
fn verdict_line(line: ReconciledLine) -> StoreResult<VerdictLine> {
    let verdict: LineVerdict = read_stored(&line.status)?;
    let theirs = line.theirs_fen.map(Money::from_fen);
    let ours = line.ours_fen.map(Money::from_fen);
    let decided = reconcile_line(theirs, ours);
    if decided != Some(verdict) {
        return Err(StoreError::Corrupt(format!(
            "reference {}: the reconciliation query says {verdict}, SET-5 says {}",
            line.reference,
            decided.map_or("nothing", LineVerdict::as_str)
        )));
    }
    Ok(VerdictLine {
        reference: line.reference,
        verdict,
        theirs,
        ours,
    })
}

fn verdict_total(total: ReconciliationTotal) -> StoreResult<VerdictTotal> {
    Ok(VerdictTotal {
        verdict: read_stored(&total.status)?,
        lines: total.lines,
        theirs: Money::from_fen(total.theirs_fen),
        ours: Money::from_fen(total.ours_fen),
    })
}

/// SET-5: statement `id` reconciled against our records of its month — each line `matched`,
/// `amount_mismatch`, `missing_in_ours` or `missing_in_theirs` with both amounts, and the
/// totals per verdict (finance, or the partner that posted it).
pub fn reconcile(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    query: LineQuery,
) -> ServiceResult<Reconciliation> {
    let statement = visible_statement(connection, caller, id)?;
    let bounds = month_bounds(&statement.month)?;
    let totals = store::reconciliation_totals(connection, &statement, bounds)?
        .into_iter()
        .map(verdict_total)
        .collect::<StoreResult<_>>()?;
    let lines = store::reconciliation(
        connection,
        &statement,
        bounds,
        query.verdict.map(LineVerdict::as_str),
        query.after_reference,
        query.limit,
    )?
    .into_iter()
    .map(verdict_line)
    .collect::<StoreResult<_>>()?;
    Ok(Reconciliation {
        statement,
        totals,
        lines,
    })
}

/// SET-5: adds to the thread of a disputed line of statement `id` (finance, or the partner
/// that posted it). The line may be one of the statement's or one of our records it lacks.
pub fn comment_on_line(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    reference: &str,
    body: String,
) -> ServiceResult<LineComment> {
    let statement = visible_statement(connection, caller, id)?;
    if !store::has_line(connection, &statement.id, reference)?
        && !store::has_order(connection, &statement.partner_id, reference)?
    {
        return Err(ServiceError::not_found(format!(
            "no line {reference} in statement {id} or in our records"
        )));
    }
    let comment = LineComment {
        id: new_id(),
        statement_id: statement.id,
        reference: reference.to_owned(),
        author_kind: if caller.has_any(&[Role::Partner]) {
            "partner"
        } else {
            "staff"
        }
        .into(),
        author: caller.subject().to_owned(),
        body,
        created_at: caller.actor().at.stored(),
    };
    store::insert_comment(connection, caller.actor(), &comment)?;
    Ok(comment)
}

/// The thread of one line of statement `id`, oldest first.
pub fn line_comments(
    connection: &mut DbConnection,
    caller: &impl Identity,
    id: &str,
    reference: &str,
) -> ServiceResult<Vec<LineComment>> {
    let statement = visible_statement(connection, caller, id)?;
    Ok(store::comments_on(connection, &statement.id, reference)?)
}
