//! SET-5: our expected records per partner (`/partner-orders`), the partners' monthly
//! statements (`/partner-statements`, posted with the partner's own token and an
//! `Idempotency-Key`), their reconciliation against our records in one set-based query, a CSV
//! export, and the comment thread of a disputed line, which finance and the partner both write.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::{Money, MoneyInput};
use zhidu_domain::settlement::LineVerdict;

use zhidu_service::statements::{
    self, Line, LineComment, LineQuery, Statement, VerdictLine, VerdictTotal,
};

use crate::auth::{Authorized, FinanceDesk, PartnerCallers, PartnerReaders};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Unavailable,
};
use crate::extract::{Json, JsonWithBytes, Query};
use crate::idempotency;
use crate::input::{Bounded, Items, Text};
use crate::page::{Cursor, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};

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
    let mut recorded = state
        .write(move |connection| {
            Ok(statements::record_orders(
                connection,
                &caller,
                &request.partner_id,
                vec![line],
            )?)
        })
        .await?;
    let order = recorded
        .orders
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
    let recorded = state
        .write(move |connection| {
            Ok(statements::record_orders(
                connection,
                &caller,
                &request.partner_id,
                lines,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(BatchReceipt {
        recorded: recorded.orders.len(),
        total: recorded.total,
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
        let statement =
            statements::submit_statement(connection, &caller, month.first_day(), &lines)?;
        let body =
            serde_json::to_string(&StatementView::from(statement)).map_err(ApiError::internal)?;
        Ok((StatusCode::CREATED, body))
    })
    .await?;
    Ok(outcome.into_response())
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
        .read(move |connection| Ok(statements::find_statement(connection, &caller, &id)?))
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

impl From<LineVerdict> for LineStatus {
    fn from(verdict: LineVerdict) -> Self {
        match verdict {
            LineVerdict::Matched => LineStatus::Matched,
            LineVerdict::AmountMismatch => LineStatus::AmountMismatch,
            LineVerdict::MissingInOurs => LineStatus::MissingInOurs,
            LineVerdict::MissingInTheirs => LineStatus::MissingInTheirs,
        }
    }
}

impl From<LineStatus> for LineVerdict {
    fn from(status: LineStatus) -> Self {
        match status {
            LineStatus::Matched => LineVerdict::Matched,
            LineStatus::AmountMismatch => LineVerdict::AmountMismatch,
            LineStatus::MissingInOurs => LineVerdict::MissingInOurs,
            LineStatus::MissingInTheirs => LineVerdict::MissingInTheirs,
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

impl From<VerdictLine> for LineView {
    fn from(line: VerdictLine) -> Self {
        LineView {
            status: line.verdict.into(),
            reference: line.reference,
            theirs: line.theirs,
            ours: line.ours,
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

impl From<VerdictTotal> for TotalView {
    fn from(total: VerdictTotal) -> Self {
        TotalView {
            status: total.verdict.into(),
            lines: total.lines,
            theirs: total.theirs,
            ours: total.ours,
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
    let verdict = params.status.map(LineVerdict::from);
    let reconciliation = state
        .read(move |connection| {
            let query = LineQuery {
                verdict,
                after_reference: after.as_deref(),
                limit: (!csv).then_some(limit + 1),
            };
            Ok(statements::reconcile(connection, &caller, &id, query)?)
        })
        .await?;
    let statement = reconciliation.statement;
    let lines = reconciliation.lines;
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
    let page = crate::page::Page::from_rows(lines, limit, |l: &VerdictLine| &l.reference);
    Ok(HttpResponse::Ok().json(ReconciliationView {
        statement: statement.into(),
        totals: reconciliation
            .totals
            .into_iter()
            .map(TotalView::from)
            .collect(),
        items: page.items.into_iter().map(LineView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// RFC 4180 CSV: a header row, then one row per line; amounts as decimal strings.
fn csv_of(lines: &[VerdictLine]) -> String {
    let quoted = |text: &str| {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let amount = |money: Option<Money>| money.map(|m| m.to_string()).unwrap_or_default();
    let mut out = String::from("reference,status,theirs,ours\r\n");
    for line in lines {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            quoted(&line.reference),
            line.verdict,
            amount(line.theirs),
            amount(line.ours)
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
    let body = request.body.trim().to_owned();
    let comment = state
        .write(move |connection| {
            Ok(statements::comment_on_line(
                connection, &caller, &id, &reference, body,
            )?)
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
            Ok(statements::line_comments(
                connection, &caller, &id, &reference,
            )?)
        })
        .await?;
    let views: Vec<CommentView> = comments.into_iter().map(CommentView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}
