//! SET-5: our expected records per partner (`/partner-orders`), the partners' monthly
//! statements (`/partner-statements`, posted with the partner's own token and an
//! `Idempotency-Key`), their reconciliation against our records in one set-based query, a CSV
//! export, and the comment thread of a disputed line, which finance and the partner both write.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::{Money, MoneyInput};
use zhidu_store::db::DbConnection;
use zhidu_store::new_id;
use zhidu_store::partners;
use zhidu_store::statements::{
    self, LineComment, PartnerOrder, ReconciledLine, ReconciliationTotal, Statement, StatementLine,
};

use zhidu_service::access::partners::partner_scope;

use crate::auth::{Authorized, FinanceDesk, PartnerCallers, PartnerReaders, Role};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Unavailable,
};
use crate::extract::{Json, JsonWithBytes, Query};
use crate::idempotency;
use crate::input::{Bounded, Items, Text};
use crate::page::{Cursor, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};
use zhidu_service::access::Identity;

/// Under `/partner-orders`.
pub fn configure_orders(config: &mut ServiceConfig) {
    config.service(record_order).service(record_orders);
}

/// Under `/partner-statements`.
pub fn configure_statements(config: &mut ServiceConfig) {
    config
        .service(submit_statement)
        .service(get_statement)
        .service(reconcile)
        .service(comment_on_line)
        .service(line_comments);
}

/// A statement or a batch of orders may hold this many lines.
pub const MAX_LINES: usize = 100_000;

/// 100,000 lines of about 80 bytes each, with room to spare.
const BULK_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Every bad row of a bulk body is named, up to this many.
const MAX_REPORTED_ERRORS: usize = 100;

/// A line's reference: what the schema states and what each row is checked against.
type Reference = Text<1, 100>;

/// One line of a bulk body, checked row by row so that every bad row is named by its index:
/// its fields are read as text, and their schemas are those of the types they are checked as.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkLine {
    #[schema(value_type = Reference, example = "PA-2026-000123")]
    pub reference: String,
    #[schema(value_type = MoneyInput, example = "1234.56")]
    pub amount: String,
    #[schema(value_type = IsoDate, example = "2026-03-05")]
    pub occurred_on: String,
}

/// A parsed line.
struct Line {
    reference: String,
    amount: Money,
    occurred_on: Date,
}

/// Row `index` of `field` as its schema states it, or the field of it that breaks the schema.
fn parse_line(field: &str, index: usize, row: BulkLine) -> Result<Line, FieldError> {
    let error = |name: &str, message: String| FieldError {
        field: format!("{field}[{index}].{name}"),
        message,
    };
    Reference::check(&row.reference).map_err(|message| error("reference", message))?;
    let amount = row
        .amount
        .parse::<Money>()
        .map_err(|e| error("amount", e.to_string()))?;
    let occurred_on = IsoDate::parse(&row.occurred_on)
        .map_err(|message| error("occurred_on", message))?
        .0;
    Ok(Line {
        reference: row.reference.trim().to_owned(),
        amount,
        occurred_on,
    })
}

/// Parses every row; names each bad one (`lines[3].amount`), a reference given twice, and a
/// date outside `month` when one is given. The answer is a validation problem when any row
/// breaks the schema, and otherwise a refusal of the rows that contradict one another or the
/// month.
fn parse_lines(
    field: &str,
    rows: Vec<BulkLine>,
    month: Option<YearMonth>,
) -> Result<Vec<Line>, ApiError> {
    let mut errors = Vec::new();
    let mut breaks_schema = false;
    let mut lines = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        let line = match parse_line(field, index, row) {
            Ok(line) => line,
            Err(error) => {
                breaks_schema = true;
                errors.push(error);
                continue;
            }
        };
        let mut refuse = |name: &str, message: String| {
            errors.push(FieldError {
                field: format!("{field}[{index}].{name}"),
                message,
            })
        };
        if let Some(first) = seen.insert(line.reference.clone(), index) {
            refuse(
                "reference",
                format!("repeats the reference of {field}[{first}]"),
            );
            continue;
        }
        if let Some(month) = month
            && YearMonth::containing(line.occurred_on) != month
        {
            refuse(
                "occurred_on",
                format!("lies outside the statement's month {month}"),
            );
            continue;
        }
        lines.push(line);
    }
    errors.truncate(MAX_REPORTED_ERRORS);
    match errors.first() {
        None => Ok(lines),
        Some(_) if breaks_schema => Err(ApiError::validation(errors)),
        Some(first) => Err(
            ApiError::field_refused(first.field.clone(), first.message.clone()).with_errors(errors),
        ),
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    pub partner_id: String,
    #[schema(example = "PA-2026-000123")]
    pub reference: Reference,
    #[schema(value_type = MoneyInput)]
    pub amount: Money,
    pub occurred_on: IsoDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    pub id: String,
    pub partner_id: String,
    pub reference: String,
    pub amount: Money,
    pub occurred_on: IsoDate,
    pub created_at: Instant,
}

fn store_orders(
    connection: &mut DbConnection,
    caller: &zhidu_store::audit::Actor,
    partner_id: &str,
    lines: Vec<Line>,
) -> Result<Vec<PartnerOrder>, ApiError> {
    if partners::find_partner(connection, partner_id)?.is_none() {
        return Err(ApiError::field_refused(
            "partner_id",
            format!("no partner {partner_id}"),
        ));
    }
    let now = caller.at.stored();
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
    statements::insert_orders(connection, caller, &new_id(), &orders).map_err(|e| match e {
        zhidu_store::StoreError::Conflict(_) => ApiError::conflict(
            "a reference is already recorded for this partner; nothing was stored",
        ),
        other => other.into(),
    })?;
    Ok(orders)
}

/// Record one of our expected amounts for a partner (finance): the record a statement line is
/// reconciled against.
#[utoipa::path(
    tag = "settlement",
    request_body = OrderRequest,
    responses((status = 201, body = OrderView), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn record_order(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    Json(request): Json<OrderRequest>,
) -> Result<HttpResponse, ApiError> {
    let line = Line {
        reference: request.reference.trim().to_owned(),
        amount: request.amount,
        occurred_on: request.occurred_on.0,
    };
    let actor = caller.actor;
    let mut stored = state
        .write(move |connection| store_orders(connection, &actor, &request.partner_id, vec![line]))
        .await?;
    let order = stored
        .pop()
        .ok_or_else(|| ApiError::internal("no order stored"))?;
    Ok(HttpResponse::Created().json(OrderView {
        id: order.id,
        partner_id: order.partner_id,
        reference: order.reference,
        amount: Money::from_fen(order.amount_fen),
        occurred_on: IsoDate(order.occurred_on),
        created_at: Instant::from_utc(order.created_at),
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderBatch {
    pub partner_id: String,
    pub orders: Items<BulkLine, 1, { MAX_LINES }>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchReceipt {
    pub recorded: usize,
    pub total: Money,
}

/// Record up to 100,000 expected amounts for a partner at once (finance), all or nothing;
/// every bad row is named by its index.
#[utoipa::path(
    tag = "settlement",
    request_body = OrderBatch,
    responses((status = 201, body = BatchReceipt), BodyErrors, AuthErrors, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/batch")]
async fn record_orders(
    state: web::Data<AppState>,
    caller: Authorized<FinanceDesk>,
    Json(request): Json<OrderBatch, BULK_BODY_LIMIT>,
) -> Result<HttpResponse, ApiError> {
    let lines = parse_lines("orders", request.orders.into_vec(), None)?;
    let actor = caller.actor;
    let stored = state
        .write(move |connection| store_orders(connection, &actor, &request.partner_id, lines))
        .await?;
    let total = stored.iter().map(|o| o.amount_fen).sum();
    Ok(HttpResponse::Created().json(BatchReceipt {
        recorded: stored.len(),
        total: Money::from_fen(total),
    }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementRequest {
    pub month: YearMonth,
    pub lines: Items<BulkLine, 1, { MAX_LINES }>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementView {
    pub id: String,
    pub partner_id: String,
    #[schema(example = "2026-03")]
    pub month: String,
    /// 1 for the month's first statement; a correction is the next revision.
    pub revision: i32,
    pub line_count: i32,
    pub total: Money,
    /// The revision that replaced this one, if any.
    pub superseded_by: Option<String>,
    pub created_at: Instant,
}

impl From<Statement> for StatementView {
    fn from(s: Statement) -> Self {
        StatementView {
            id: s.id,
            partner_id: s.partner_id,
            month: s.month,
            revision: s.revision,
            line_count: s.line_count,
            total: Money::from_fen(s.total_fen),
            superseded_by: s.superseded_by,
            created_at: Instant::from_utc(s.created_at),
        }
    }
}

/// Post the month's statement (the partner's own token; `Idempotency-Key` required): up to
/// 100,000 lines, all or nothing, every bad line named by its index. A retry with the same key
/// and body returns the first response; the same key with another body is 422. A second
/// statement for a month is its next revision and supersedes the first, which stays as it was.
#[utoipa::path(
    tag = "settlement",
    params(("Idempotency-Key" = String, Header, description = "Any unique string up to 200 characters; retry with the same key")),
    request_body = StatementRequest,
    responses(
        (status = 201, body = StatementView, headers(("Idempotent-Replayed" = String, description = "`true` when this is the stored first response"))),
        BodyErrors, AuthErrors, Conflict, Unavailable
    ),
    security(("bearer" = []))
)]
#[post("")]
async fn submit_statement(
    state: web::Data<AppState>,
    caller: Authorized<PartnerCallers>,
    request: HttpRequest,
    body: JsonWithBytes<StatementRequest, BULK_BODY_LIMIT>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::required_key(&request)?;
    let fingerprint = idempotency::fingerprint(&body.bytes);
    let month = body.value.month;
    let lines = parse_lines("lines", body.value.lines.into_vec(), Some(month))?;
    let scope = format!(
        "partner:{}",
        caller.claims.partner_id.clone().unwrap_or_default()
    );
    let at = caller.actor.at;
    let caller = std::sync::Arc::new(caller);
    let lines = std::sync::Arc::new(lines);
    let outcome = idempotency::once(&state, at, scope, key, fingerprint, move |connection| {
        let partner_id = partner_scope(connection, &caller)?
            .ok_or_else(|| ApiError::forbidden("only a partner posts its statement"))?;
        let previous = statements::current_statement(connection, &partner_id, &month.to_string())?;
        let statement = Statement {
            id: new_id(),
            partner_id,
            month: month.to_string(),
            revision: previous.as_ref().map_or(1, |p| p.revision + 1),
            line_count: i32::try_from(lines.len()).unwrap_or(i32::MAX),
            total_fen: lines.iter().map(|l| l.amount.fen()).sum(),
            superseded_by: None,
            submitted_by: caller.claims.sub.clone(),
            created_at: caller.actor.at.stored(),
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
        statements::insert_statement(
            connection,
            &caller.actor,
            &statement,
            &rows,
            previous.as_ref(),
        )?;
        let body =
            serde_json::to_string(&StatementView::from(statement)).map_err(ApiError::internal)?;
        Ok((StatusCode::CREATED, body))
    })
    .await?;
    Ok(outcome.into_response())
}

/// Statement `id` if the caller may see it (finance, or the partner that posted it);
/// otherwise 404.
fn visible_statement<P>(
    connection: &mut DbConnection,
    caller: &Authorized<P>,
    id: &str,
) -> Result<Statement, ApiError> {
    let not_found = || ApiError::not_found(format!("no statement {id}"));
    let statement = statements::find_statement(connection, id)?.ok_or_else(not_found)?;
    match partner_scope(connection, caller)? {
        Some(own) if own != statement.partner_id => Err(not_found()),
        _ => Ok(statement),
    }
}

/// One statement (finance, or the partner that posted it).
#[utoipa::path(
    tag = "settlement",
    params(("id" = String, Path, description = "Statement id")),
    responses((status = 200, body = StatementView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_statement(
    state: web::Data<AppState>,
    caller: Authorized<PartnerReaders>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let statement = state
        .read(move |connection| visible_statement(connection, &caller, &id))
        .await?;
    Ok(HttpResponse::Ok().json(StatementView::from(statement)))
}

/// A reconciliation verdict (SET-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    Matched,
    AmountMismatch,
    MissingInOurs,
    MissingInTheirs,
}

impl LineStatus {
    fn text(self) -> &'static str {
        match self {
            LineStatus::Matched => "matched",
            LineStatus::AmountMismatch => "amount_mismatch",
            LineStatus::MissingInOurs => "missing_in_ours",
            LineStatus::MissingInTheirs => "missing_in_theirs",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Json,
    Csv,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReconciliationParams {
    pub status: Option<LineStatus>,
    /// `csv`: every line (after the filter) as a CSV file instead of a page.
    pub format: Option<ExportFormat>,
    /// Lines per page (default 100).
    pub limit: Option<Bounded<1, 1000>>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineView {
    pub reference: String,
    pub status: LineStatus,
    pub theirs: Option<Money>,
    pub ours: Option<Money>,
}

fn status_of(text: &str) -> LineStatus {
    match text {
        "matched" => LineStatus::Matched,
        "amount_mismatch" => LineStatus::AmountMismatch,
        "missing_in_ours" => LineStatus::MissingInOurs,
        _ => LineStatus::MissingInTheirs,
    }
}

impl From<ReconciledLine> for LineView {
    fn from(line: ReconciledLine) -> Self {
        LineView {
            status: status_of(&line.status),
            reference: line.reference,
            theirs: line.theirs_fen.map(Money::from_fen),
            ours: line.ours_fen.map(Money::from_fen),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotalView {
    pub status: LineStatus,
    pub lines: i64,
    pub theirs: Money,
    pub ours: Money,
}

impl From<ReconciliationTotal> for TotalView {
    fn from(total: ReconciliationTotal) -> Self {
        TotalView {
            status: status_of(&total.status),
            lines: total.lines,
            theirs: Money::from_fen(total.theirs_fen),
            ours: Money::from_fen(total.ours_fen),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconciliationView {
    pub statement: StatementView,
    /// Lines and amounts per verdict, over the whole statement.
    pub totals: Vec<TotalView>,
    /// This page of lines, by reference.
    pub items: Vec<LineView>,
    pub next_cursor: Option<String>,
}

/// SET-5: each line `matched`, `amount_mismatch`, `missing_in_ours` or `missing_in_theirs`
/// with both amounts, and the totals per verdict; computed in one set-based pass in the
/// database. `format=csv` exports every line.
#[utoipa::path(
    tag = "settlement",
    params(("id" = String, Path, description = "Statement id"), ReconciliationParams),
    responses(
        (status = 200, body = ReconciliationView),
        (status = 200, description = "`format=csv`", content_type = "text/csv", body = String),
        AuthErrors, NotFound, Invalid, Unavailable
    ),
    security(("bearer" = []))
)]
#[get("/{id}/reconciliation")]
async fn reconcile(
    state: web::Data<AppState>,
    caller: Authorized<PartnerReaders>,
    id: web::Path<String>,
    Query(params): Query<ReconciliationParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let page = PageParams {
        limit: None,
        cursor: params.cursor,
    };
    let after = page.after_id();
    let csv = params.format == Some(ExportFormat::Csv);
    let limit = params.limit.map_or(100, Bounded::get);
    let status = params.status.map(LineStatus::text);
    let (statement, totals, lines) = state
        .read(move |connection| {
            let statement = visible_statement(connection, &caller, &id)?;
            let month = YearMonth::parse(&statement.month).map_err(ApiError::internal)?;
            let bounds = (month.first_day(), month.last_day());
            let totals = statements::reconciliation_totals(connection, &statement, bounds)?;
            let lines = statements::reconciliation(
                connection,
                &statement,
                bounds,
                status,
                after.as_deref(),
                (!csv).then_some(limit + 1),
            )?;
            Ok((statement, totals, lines))
        })
        .await?;
    if csv {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!(
                    "attachment; filename=\"reconciliation-{}.csv\"",
                    statement.id
                ),
            ))
            .body(csv_of(&lines)));
    }
    let page = crate::page::Page::from_rows(lines, limit, |l: &ReconciledLine| &l.reference);
    Ok(HttpResponse::Ok().json(ReconciliationView {
        statement: statement.into(),
        totals: totals.into_iter().map(TotalView::from).collect(),
        items: page.items.into_iter().map(LineView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// RFC 4180 CSV: a header row, then one row per line; amounts as decimal strings.
fn csv_of(lines: &[ReconciledLine]) -> String {
    let quoted = |text: &str| {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let amount = |fen: Option<i64>| {
        fen.map(|f| Money::from_fen(f).to_string())
            .unwrap_or_default()
    };
    let mut out = String::from("reference,status,theirs,ours\r\n");
    for line in lines {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            quoted(&line.reference),
            line.status,
            amount(line.theirs_fen),
            amount(line.ours_fen)
        ));
    }
    out
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    pub body: Text<1, 2000>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentView {
    pub id: String,
    pub reference: String,
    /// `staff` or `partner`.
    pub author_kind: String,
    pub author: String,
    pub body: String,
    pub created_at: Instant,
}

impl From<LineComment> for CommentView {
    fn from(c: LineComment) -> Self {
        CommentView {
            id: c.id,
            reference: c.reference,
            author_kind: c.author_kind,
            author: c.author,
            body: c.body,
            created_at: Instant::from_utc(c.created_at),
        }
    }
}

/// Add to the thread of a disputed line (finance, or the partner that posted the statement).
/// The line may be one of the statement's or one of our records it lacks.
#[utoipa::path(
    tag = "settlement",
    params(
        ("id" = String, Path, description = "Statement id"),
        ("reference" = String, Path, description = "The line's reference")
    ),
    request_body = CommentRequest,
    responses((status = 201, body = CommentView), BodyErrors, AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/lines/{reference}/comments")]
async fn comment_on_line(
    state: web::Data<AppState>,
    caller: Authorized<PartnerReaders>,
    path: web::Path<(String, String)>,
    Json(request): Json<CommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, reference) = path.into_inner();
    let comment = state
        .write(move |connection| {
            let statement = visible_statement(connection, &caller, &id)?;
            if !statements::has_line(connection, &statement.id, &reference)?
                && !statements::has_order(connection, &statement.partner_id, &reference)?
            {
                return Err(ApiError::not_found(format!(
                    "no line {reference} in statement {id} or in our records"
                )));
            }
            let comment = LineComment {
                id: new_id(),
                statement_id: statement.id,
                reference,
                author_kind: if caller.has_any(&[Role::Partner]) {
                    "partner"
                } else {
                    "staff"
                }
                .into(),
                author: caller.claims.sub.clone(),
                body: request.body.trim().to_owned(),
                created_at: caller.actor.at.stored(),
            };
            statements::insert_comment(connection, &caller.actor, &comment)?;
            Ok(comment)
        })
        .await?;
    Ok(HttpResponse::Created().json(CommentView::from(comment)))
}

/// The thread of one line, oldest first.
#[utoipa::path(
    tag = "settlement",
    params(
        ("id" = String, Path, description = "Statement id"),
        ("reference" = String, Path, description = "The line's reference")
    ),
    responses((status = 200, body = Vec<CommentView>), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/lines/{reference}/comments")]
async fn line_comments(
    state: web::Data<AppState>,
    caller: Authorized<PartnerReaders>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, reference) = path.into_inner();
    let comments = state
        .read(move |connection| {
            let statement = visible_statement(connection, &caller, &id)?;
            Ok(statements::comments_on(
                connection,
                &statement.id,
                &reference,
            )?)
        })
        .await?;
    let views: Vec<CommentView> = comments.into_iter().map(CommentView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}
