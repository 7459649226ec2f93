//! ACC-1..3: accountability cases — the person's statement, the factors, the decided severity.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::accountability::CaseStatus;
use zhidu_domain::accountability::{AggravatingFactor, MitigatingFactor, Severity};
use zhidu_service::accountability::{self as cases, AccountabilityCase, CaseFilter};

use crate::auth::{AccountabilityOfficers, Authorized, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Distinct, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::views::CaseView;

/// Under `/accountability-cases`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(open_case)
        .service(list_cases)
        .service(get_case)
        .service(record_statement)
        .service(decide);
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
    let case = state
        .write(move |connection| {
            Ok(cases::open_case(
                connection,
                &caller,
                &request.employee_id,
                &request.summary,
                request.work_order_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(CaseView::try_from(case)?))
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
        .read(move |connection| Ok(cases::list_cases(connection, &filter)?))
        .await?;
    Ok(HttpResponse::Ok().json(
        Page::from_rows(rows, page.limit(), |c: &AccountabilityCase| &c.id)
            .try_map(CaseView::try_from)?,
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
        .read(move |connection| Ok(cases::find_case(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(CaseView::try_from(case)?))
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
    let case = state
        .write(move |connection| {
            Ok(cases::record_statement(
                connection,
                &caller,
                &id,
                request.version,
                &request.statement,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CaseView::try_from(case)?))
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
    let case = state
        .write(move |connection| {
            Ok(cases::decide_case(
                connection,
                &caller,
                &id,
                request.version,
                request.assessed_severity,
                &request.aggravating,
                &request.mitigating,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CaseView::try_from(case)?))
}
