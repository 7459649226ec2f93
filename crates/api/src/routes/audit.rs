//! ACC-1: the audit trail of an entity.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_service::audit::{self, AuditRecord};

use crate::auth::{Auditors, Authorized};
use crate::error::{ApiError, AuthErrors, Invalid, Unavailable};
use crate::extract::Query;
use crate::input::Text;
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::Instant;

pub fn configure(config: &mut ServiceConfig) {
    config.service(audit_trail);
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// e.g. `customer`, `user`, `calendar_year`, `tier_run`
    pub entity_type: Text<1, 64>,
    pub entity_id: Text<1, 64>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: String,
    pub occurred_at: Instant,
    /// The user id, or `system`.
    pub actor: String,
    pub request_id: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl From<AuditRecord> for AuditEntryView {
    fn from(record: AuditRecord) -> Self {
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        AuditEntryView {
            id: record.id,
            occurred_at: Instant::from_utc(record.occurred_at),
            actor: record.actor,
            request_id: record.request_id,
            action: record.action,
            entity_type: record.entity_type,
            entity_id: record.entity_id,
            before: parse(record.before_state),
            after: parse(record.after_state),
        }
    }
}

/// Every recorded change of one entity, oldest first, a page at a time: who, when, what, before
/// and after.
#[utoipa::path(
    tag = "audit",
    params(AuditParams),
    responses((status = 200, body = Page<AuditEntryView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn audit_trail(
    state: web::Data<AppState>,
    _caller: Authorized<Auditors>,
    Query(params): Query<AuditParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after = page.after_id();
    let limit = page.limit();
    let records = state
        .read(move |connection| {
            Ok(audit::trail(
                connection,
                &params.entity_type,
                &params.entity_id,
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(records, limit, |record: &AuditRecord| &record.id);
    Ok(HttpResponse::Ok().json(page.map(AuditEntryView::from)))
}
