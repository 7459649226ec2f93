//! EMP-6: promotions decided on the shared approval chain — the department head recommends,
//! HR reviews, the general manager approves. The rules live in `zhidu_domain::promotion`, the
//! use cases in `zhidu_service::promotions`.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::approval::ApplicationStatus;
use zhidu_domain::money::Money;
use zhidu_domain::sla::Rank;
use zhidu_service::approvals::{ApprovalStep, StepDecision};
use zhidu_service::promotions::{self as service, Promotion, Proposal, read_stored};

use crate::approvals::{DecisionRequest, StepView, chain_view, page_with_chains};
use crate::auth::{Authorized, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate};

/// Under `/promotions`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(propose)
        .service(list_promotions)
        .service(get_promotion)
        .service(decide_promotion)
        .service(withdraw_promotion);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposePromotion {
    pub employee_id: String,
    /// The rank from the effective date: `staff`, `manager` or `general_manager`.
    pub to_rank: Rank,
    /// The monthly base salary from the effective date.
    pub base_salary: Amount<false>,
    /// The first day of the new rank and salary (today or later); never before the approval.
    pub effective_on: IsoDate,
    pub reason: Text<1, 2000>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PromotionProposalView {
    pub id: String,
    pub employee_id: String,
    /// The rank in force on the effective date when it was proposed.
    pub from_rank: Rank,
    pub to_rank: Rank,
    pub from_base_salary: Money,
    pub to_base_salary: Money,
    pub effective_on: IsoDate,
    pub reason: String,
    /// The staff account that proposed it.
    pub proposed_by: String,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: ApplicationStatus,
    /// EMP-6: the department head, then HR, then the general manager.
    pub chain: Vec<StepView>,
    pub created_at: Instant,
    pub version: i64,
}

fn promotion_view(
    row: Promotion,
    chain: &[ApprovalStep],
) -> Result<PromotionProposalView, ApiError> {
    Ok(PromotionProposalView {
        from_rank: read_stored(&row.from_rank)?,
        to_rank: read_stored(&row.to_rank)?,
        status: read_stored(&row.status)?,
        id: row.id,
        employee_id: row.employee_id,
        from_base_salary: Money::from_fen(row.from_base_salary_fen),
        to_base_salary: Money::from_fen(row.to_base_salary_fen),
        effective_on: IsoDate(row.effective_on),
        reason: row.reason,
        proposed_by: row.proposed_by,
        chain: chain_view(chain)?,
        created_at: Instant::from_utc(row.created_at),
        version: row.version,
    })
}

/// Propose a promotion (EMP-6; managers for the employees they manage, HR, the general
/// manager). Refused (422, rule EMP-5) while the employee is not eligible this year; 422
/// naming the field for a lower rank or salary or an effective date in the past; 409 while
/// another promotion of theirs is pending.
#[utoipa::path(
    tag = "employment",
    request_body = ProposePromotion,
    responses((status = 201, body = PromotionProposalView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn propose(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Json(body): Json<ProposePromotion>,
) -> Result<HttpResponse, ApiError> {
    let policy = state.employment_policy;
    let view = state
        .write(move |connection| {
            let (promotion, chain) = service::propose(
                connection,
                &caller,
                &policy,
                Proposal {
                    employee_id: body.employee_id,
                    to_rank: body.to_rank,
                    base_salary: body.base_salary.get(),
                    effective_on: body.effective_on.0,
                    reason: body.reason.to_string(),
                },
            )?;
            promotion_view(promotion, &chain)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// One promotion with its chain (whoever may read the employee, and its approvers).
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Promotion id")),
    responses((status = 200, body = PromotionProposalView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_promotion(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .read(move |connection| {
            let (row, chain) = service::readable(connection, &caller, &id)?;
            promotion_view(row, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PromotionListParams {
    /// Whose promotions; defaults to everyone the caller may read.
    pub employee_id: Option<String>,
    pub status: Option<ApplicationStatus>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Promotions the caller may read, newest first.
#[utoipa::path(
    tag = "employment",
    params(PromotionListParams),
    responses((status = 200, body = Page<PromotionProposalView>), AuthErrors, Invalid, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_promotions(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    Query(params): Query<PromotionListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let before = page.after_id();
    let limit = page.limit();
    let page = state
        .read(move |connection| {
            let (rows, steps) = service::list(
                connection,
                &caller,
                params.employee_id.as_deref(),
                params.status,
                before.as_deref(),
                limit,
            )?;
            let page = Page::from_rows(rows, limit, |r: &Promotion| &r.id);
            page_with_chains(page, &steps, |r| &r.id, promotion_view)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Decide the next step of a promotion's chain: only its holder (403 otherwise) — the
/// department head, then HR, then the general manager — in order, once (409 out of order or
/// twice). The final approval is refused (422, rule EMP-5) while the employee is not eligible;
/// once approved, the new rank and base salary are in force from the effective date (or the
/// approval day, when later), and payroll pays a month on the terms in force on its last day.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Promotion id")),
    request_body = DecisionRequest,
    responses((status = 200, body = PromotionProposalView), BodyErrors, AuthErrors, NotFound, Conflict, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/decisions")]
async fn decide_promotion(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.employment_policy;
    let view = state
        .write(move |connection| {
            let (after, chain) = service::decide(
                connection,
                &caller,
                &policy,
                &id,
                &StepDecision::from(&body),
            )?;
            promotion_view(after, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraw a promotion before its final decision (the employee, or HR), at the version read.
#[utoipa::path(
    tag = "employment",
    params(("id" = String, Path, description = "Promotion id")),
    request_body = VersionOnly,
    responses((status = 200, body = PromotionProposalView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/withdrawal")]
async fn withdraw_promotion(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    id: web::Path<String>,
    Json(body): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .write(move |connection| {
            let (after, chain) = service::withdraw(connection, &caller, &id, body.version)?;
            promotion_view(after, &chain)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
