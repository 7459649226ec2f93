//! INBOX-1, INBOX-2: every decision waiting on the caller, in one list, and how many of each
//! kind. Deciding stays on each resource's own endpoint (an item's `path`).

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::approval::StepKind;
use zhidu_domain::inbox::InboxKind;
use zhidu_service::inbox::{self, InboxItem};

use crate::auth::{Authorized, Staff};
use crate::error::{ApiError, AuthErrors, Invalid, Unavailable};
use crate::extract::Query;
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::Instant;

/// Under `/approvals`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(list_inbox).service(inbox_summary);
}

/// One decision waiting on the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItemView {
    pub kind: InboxKind,
    /// The id of the resource to decide.
    pub id: String,
    #[schema(example = "annual leave 2026-12-14 – 2026-12-15 (4 half-days)")]
    pub summary: String,
    /// The employee who asked (leave, attendance, regularization, resignation, probation,
    /// accountability), the user who asked (domain transfer, payroll run), the customer (point
    /// redemption) or the receivable's handler (bad debt).
    pub requested_by: String,
    pub requested_at: Instant,
    /// When the decision is due, where a rule gives one (the leave's first day, the pay
    /// date, the day after a probation ends).
    pub due_by: Option<Instant>,
    /// Where to decide it (POST), on the resource's own endpoint.
    #[schema(example = "/api/v1/leave-requests/01JX.../decisions")]
    pub path: String,
    /// For a request decided on an approval chain: the step waiting.
    pub step: Option<StepKind>,
    /// INBOX-2: the employee on approved leave whose step waits on the caller meanwhile.
    pub on_behalf_of: Option<String>,
}

impl From<InboxItem> for InboxItemView {
    fn from(item: InboxItem) -> Self {
        InboxItemView {
            kind: item.kind,
            id: item.id,
            summary: item.summary,
            requested_by: item.requested_by,
            requested_at: Instant::from_utc(item.requested_at),
            due_by: item.due_by.map(Instant::from_utc),
            path: item.path,
            step: item.step,
            on_behalf_of: item.on_behalf_of,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// Only this kind.
    pub kind: Option<InboxKind>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// INBOX-1: every decision waiting on the caller, oldest request first. INBOX-2: a chain step
/// whose holder is on approved leave today waits on the next holder of its chain.
#[utoipa::path(
    tag = "approvals",
    params(InboxParams),
    responses((status = 200, body = Page<InboxItemView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/inbox")]
async fn list_inbox(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<InboxParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let policies = (state.inbox_policy, state.employment_policy);
    let kind = params.kind;
    let items = state
        .read(move |connection| {
            Ok(inbox::inbox(
                connection,
                &caller,
                (&policies.0, &policies.1),
                kind,
            )?)
        })
        .await?;
    let after = page.after_id();
    // Keyed once: the key both skips what earlier pages showed and names the next cursor.
    let keyed: Vec<(String, InboxItem)> = items
        .into_iter()
        .map(|item| (item.sort_key(), item))
        .filter(|(key, _)| after.as_deref().is_none_or(|after| key.as_str() > after))
        .take(usize::try_from(page.limit()).unwrap_or(usize::MAX) + 1)
        .collect();
    Ok(HttpResponse::Ok().json(
        Page::from_rows(keyed, page.limit(), |(key, _)| key.as_str())
            .map(|(_, item)| InboxItemView::from(item)),
    ))
}

/// How many items of one kind wait on the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindCount {
    pub kind: InboxKind,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxSummary {
    pub total: usize,
    /// Every kind, zero included.
    pub counts: Vec<KindCount>,
}

/// INBOX-1: how many decisions of each kind wait on the caller.
#[utoipa::path(
    tag = "approvals",
    responses((status = 200, body = InboxSummary), AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[get("/summary")]
async fn inbox_summary(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
) -> Result<HttpResponse, ApiError> {
    let policies = (state.inbox_policy, state.employment_policy);
    let counts = state
        .read(move |connection| {
            Ok(inbox::summary(
                connection,
                &caller,
                (&policies.0, &policies.1),
            )?)
        })
        .await?;
    let counts: Vec<KindCount> = counts
        .into_iter()
        .map(|(kind, count)| KindCount { kind, count })
        .collect();
    Ok(HttpResponse::Ok().json(InboxSummary {
        total: counts.iter().map(|c| c.count).sum(),
        counts,
    }))
}
