//! ACC-1..3: accountability cases — the person's statement, the factors, the decided severity.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::accountability::CaseStatus;
use zhidu_domain::accountability::{
    AggravatingFactor, DecisionError, MitigatingFactor, Severity, decide_severity,
};
use zhidu_store::accountability::{self, AccountabilityCase, CaseFilter};
use zhidu_store::db::DbConnection;
use zhidu_store::people;
use zhidu_store::read_stored;

use zhidu_service::people::existing_employee;

use crate::auth::{AccountabilityOfficers, Authorized, Policy, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Distinct, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::Instant;
use zhidu_service::versioned::at_version;
use zhidu_store::versioned::Versioned;

/// Under `/accountability-cases`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(open_case)
        .service(list_cases)
        .service(get_case)
        .service(record_statement)
        .service(decide);
}

fn severity_text(severity: Severity) -> &'static str {
    match severity {
        Severity::Light => "light",
        Severity::Heavy => "heavy",
        Severity::Severe => "severe",
    }
}

fn severity_of(text: &str) -> Option<Severity> {
    match text {
        "light" => Some(Severity::Light),
        "heavy" => Some(Severity::Heavy),
        "severe" => Some(Severity::Severe),
        _ => None,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: String,
    /// `sla_breach`, `complaint` or `manual`.
    pub source: String,
    pub work_order_id: Option<String>,
    pub employee_id: String,
    /// `candidate`, `open` or `decided`.
    pub status: String,
    pub summary: String,
    /// ACC-3: the person's own account; no decision before it.
    pub statement: Option<String>,
    pub statement_recorded_at: Option<Instant>,
    pub assessed_severity: Option<Severity>,
    pub aggravating: Vec<AggravatingFactor>,
    pub mitigating: Vec<MitigatingFactor>,
    /// ACC-2: the assessed severity moved by the factors.
    pub decided_severity: Option<Severity>,
    pub decided_by: Option<String>,
    pub decided_at: Option<Instant>,
    pub version: i64,
    pub created_at: Instant,
}

impl From<AccountabilityCase> for CaseView {
    fn from(c: AccountabilityCase) -> Self {
        CaseView {
            assessed_severity: c.assessed_severity.as_deref().and_then(severity_of),
            decided_severity: c.decided_severity.as_deref().and_then(severity_of),
            aggravating: serde_json::from_str(&c.aggravating).unwrap_or_default(),
            mitigating: serde_json::from_str(&c.mitigating).unwrap_or_default(),
            id: c.id,
            source: c.source,
            work_order_id: c.work_order_id,
            employee_id: c.employee_id,
            status: c.status,
            summary: c.summary,
            statement: c.statement,
            statement_recorded_at: c.statement_recorded_at.map(Instant::from_utc),
            decided_by: c.decided_by,
            decided_at: c.decided_at.map(Instant::from_utc),
            version: c.version,
            created_at: Instant::from_utc(c.created_at),
        }
    }
}

fn find_case(connection: &mut DbConnection, id: &str) -> Result<AccountabilityCase, ApiError> {
    accountability::find(connection, id)?
        .ok_or_else(|| ApiError::not_found(format!("no accountability case {id}")))
}

/// The case as the client read it, still open to a decision.
fn case_at_version(
    connection: &mut DbConnection,
    id: &str,
    version: i64,
) -> Result<AccountabilityCase, ApiError> {
    let case = at_version(find_case(connection, id)?, version)?;
    if read_stored::<CaseStatus>(&case.status)? == CaseStatus::Decided {
        return Err(ApiError::conflict(format!("case {id} is decided")));
    }
    Ok(case)
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCase {
    pub employee_id: String,
    pub summary: Text<5, 2000>,
    pub work_order_id: Option<String>,
}

/// Open a case by hand (ACC-2).
#[utoipa::path(
    tag = "accountability",
    request_body = OpenCase,
    responses((status = 201, body = CaseView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn open_case(
    state: web::Data<AppState>,
    caller: Authorized<AccountabilityOfficers>,
    Json(request): Json<OpenCase>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.actor;
    let case = state
        .write(move |connection| {
            let employee = existing_employee(connection, "employee_id", &request.employee_id)?;
            if let Some(order) = &request.work_order_id
                && zhidu_store::work_orders::find(connection, order)?.is_none()
            {
                return Err(ApiError::field_refused(
                    "work_order_id",
                    format!("no work order {order}"),
                ));
            }
            let mut case = AccountabilityCase::candidate(
                "manual",
                request.work_order_id,
                employee.id,
                request.summary.trim().to_owned(),
                actor.at.stored(),
            );
            case.status = CaseStatus::Open.as_str().into();
            accountability::insert(connection, &actor, &case)?;
            Ok(case)
        })
        .await?;
    Ok(HttpResponse::Created().json(CaseView::from(case)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseListParams {
    pub status: Option<CaseStatus>,
    pub employee_id: Option<String>,
    pub work_order_id: Option<String>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Cases in the order they were opened.
#[utoipa::path(
    tag = "accountability",
    params(CaseListParams),
    responses((status = 200, body = Page<CaseView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_cases(
    state: web::Data<AppState>,
    _caller: Authorized<AccountabilityOfficers>,
    Query(params): Query<CaseListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let filter = CaseFilter {
        status: params.status.map(|s| s.as_str().to_owned()),
        employee_id: params.employee_id,
        work_order_id: params.work_order_id,
        after_id: page.after_id(),
        limit: page.limit(),
    };
    let rows = state
        .read(move |connection| Ok(accountability::list(connection, &filter)?))
        .await?;
    Ok(HttpResponse::Ok().json(
        Page::from_rows(rows, page.limit(), |c: &AccountabilityCase| &c.id).map(CaseView::from),
    ))
}

/// One case.
#[utoipa::path(
    tag = "accountability",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_case(
    state: web::Data<AppState>,
    _caller: Authorized<AccountabilityOfficers>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let case = state
        .read(move |connection| find_case(connection, &id))
        .await?;
    Ok(HttpResponse::Ok().json(CaseView::from(case)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub statement: Text<1, 4000>,
    pub version: i64,
}

/// Record the person's own statement (ACC-3): by the person through their own account, or
/// by an accountability officer taking it down.
#[utoipa::path(
    tag = "accountability",
    params(("id" = String, Path, description = "Case id")),
    request_body = Statement,
    responses((status = 200, body = CaseView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/statement")]
async fn record_statement(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(request): Json<Statement>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let officer = caller
        .claims
        .roles
        .iter()
        .any(|role| <AccountabilityOfficers as Policy>::ROLES.contains(role));
    let user_id = caller.claims.sub.clone();
    let actor = caller.actor;
    let case = state
        .write(move |connection| {
            let before = case_at_version(connection, &id, request.version)?;
            let own_case = people::find_employee(connection, &before.employee_id)?
                .and_then(|e| e.user_id)
                .is_some_and(|linked| linked == user_id);
            if !officer && !own_case {
                return Err(ApiError::forbidden(
                    "only the person concerned or an accountability officer records the statement",
                ));
            }
            let mut after = before.bumped(actor.at.stored());
            after.statement = Some(request.statement.trim().to_owned());
            after.statement_recorded_at = Some(after.updated_at);
            if read_stored::<CaseStatus>(&after.status)? == CaseStatus::Candidate {
                after.status = CaseStatus::Open.as_str().into();
            }
            accountability::save(
                connection,
                &actor,
                "accountability_case.statement",
                &before,
                &after,
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CaseView::from(case)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AccountabilityDecision)]
pub struct Decision {
    /// The severity of the facts before the factors.
    pub assessed_severity: Severity,
    #[serde(default)]
    pub aggravating: Distinct<AggravatingFactor>,
    #[serde(default)]
    pub mitigating: Distinct<MitigatingFactor>,
    pub version: i64,
}

/// Decide the case (ACC-2): the factors move the assessed severity one level each way.
/// Refused until the person's statement is recorded (ACC-3).
#[utoipa::path(
    tag = "accountability",
    params(("id" = String, Path, description = "Case id")),
    request_body = Decision,
    responses((status = 200, body = CaseView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/decision")]
async fn decide(
    state: web::Data<AppState>,
    caller: Authorized<AccountabilityOfficers>,
    id: web::Path<String>,
    Json(request): Json<Decision>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let case = state
        .write(move |connection| {
            let before = case_at_version(connection, &id, request.version)?;
            let decided = decide_severity(
                request.assessed_severity,
                &request.aggravating,
                &request.mitigating,
                before.statement.is_some(),
            )
            .map_err(|e: DecisionError| ApiError::rule_refused("ACC-3", e.to_string()))?;
            let mut after = before.bumped(actor.at.stored());
            after.status = CaseStatus::Decided.as_str().into();
            after.assessed_severity = Some(severity_text(request.assessed_severity).into());
            after.aggravating =
                serde_json::to_string(&request.aggravating).unwrap_or_else(|_| "[]".into());
            after.mitigating =
                serde_json::to_string(&request.mitigating).unwrap_or_else(|_| "[]".into());
            after.decided_severity = Some(severity_text(decided).into());
            after.decided_by = Some(actor.subject.clone());
            after.decided_at = Some(after.updated_at);
            accountability::save(
                connection,
                &actor,
                "accountability_case.decide",
                &before,
                &after,
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CaseView::from(case)))
}
