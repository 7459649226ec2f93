//! Payroll (PAY-1..5): monthly runs computed from the stored attendance month, leave, bonuses
//! and confirmed discipline fines; their payslips; approval and corrections; exports for finance. The payslip is
//! computed by `zhidu_domain::payroll::compute_payslip`; attendance comes from the same
//! `evaluate_employees` the attendance endpoints answer with, never recomputed another way.

mod export;

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::money::Money;
use zhidu_domain::payroll::{PayDate, Payslip};

use self::export::{csv_export, xlsx_export};
use crate::auth::{Authorized, PayrollApprovers, PayrollComputers, PayrollDesk, Staff};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Bounded, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams, VersionOnly};
use crate::state::AppState;
use crate::wire::{Instant, YearMonth};
use zhidu_service::payroll::{self, PayrollRun, PerformanceBonus, StoredPayslip};

/// Under `/payroll-runs`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(run_payroll)
        .service(list_runs)
        .service(get_run)
        .service(approve_run)
        .service(run_payslips)
        .service(export_csv)
        .service(export_xlsx);
}

/// Under `/employees`.
pub fn configure_per_employee(config: &mut ServiceConfig) {
    config
        .service(employee_payslip)
        .service(get_bonus)
        .service(set_bonus);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// The month to pay, `YYYY-MM`; it must be over.
    pub month: YearMonth,
    /// Required to correct a month whose run is approved: the next revision is computed.
    pub correction_reason: Option<Text<1, 2000>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    pub id: String,
    #[schema(value_type = String, example = "2026-03")]
    pub month: String,
    /// 1 for the month's first run; each correction of an approved run adds one.
    pub revision: i32,
    /// `draft` (recomputed by running the month again), `approved` (immutable) or
    /// `superseded` (an approved correction replaced it).
    pub status: String,
    pub correction_reason: Option<String>,
    /// PAY-1
    pub pay_date: PayDate,
    pub employee_count: i32,
    /// Employees whose payslip could not be computed (HR facts missing); approval waits
    /// until there are none.
    pub problem_count: i32,
    pub earnings: Money,
    pub deductions: Money,
    pub net: Money,
    pub computed_by: String,
    pub computed_at: Instant,
    pub approved_by: Option<String>,
    pub approved_at: Option<Instant>,
    pub version: i64,
}

impl From<PayrollRun> for RunView {
    fn from(run: PayrollRun) -> Self {
        RunView {
            pay_date: PayDate {
                date: run.pay_date,
                provisional: run.pay_date_provisional,
            },
            earnings: Money::from_fen(run.earnings_fen),
            deductions: Money::from_fen(run.deductions_fen),
            net: Money::from_fen(run.net_fen),
            computed_at: Instant::from_utc(run.computed_at),
            approved_at: run.approved_at.map(Instant::from_utc),
            id: run.id,
            month: run.month,
            revision: run.revision,
            status: run.status,
            correction_reason: run.correction_reason,
            employee_count: run.employee_count,
            problem_count: run.problem_count,
            computed_by: run.computed_by,
            approved_by: run.approved_by,
            version: run.version,
        }
    }
}

/// One employee's payslip in a run.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayslipView {
    pub run_id: String,
    pub revision: i32,
    /// The run's status: an employee only ever sees approved payslips.
    pub status: String,
    #[schema(value_type = String, example = "2026-03")]
    pub month: String,
    pub pay_date: PayDate,
    pub employee_id: String,
    pub employee_name: String,
    pub department_id: String,
    /// Why the payslip could not be computed; `payslip` is then absent.
    pub problem: Option<String>,
    pub payslip: Option<Payslip>,
}

pub(crate) fn payslip_view(run: &PayrollRun, slip: StoredPayslip) -> Result<PayslipView, ApiError> {
    let payslip = if slip.problem.is_some() {
        None
    } else {
        Some(serde_json::from_str(&slip.detail).map_err(ApiError::internal)?)
    };
    Ok(PayslipView {
        run_id: run.id.clone(),
        revision: run.revision,
        status: run.status.clone(),
        month: run.month.clone(),
        pay_date: PayDate {
            date: run.pay_date,
            provisional: run.pay_date_provisional,
        },
        employee_id: slip.employee_id,
        employee_name: slip.employee_name,
        department_id: slip.department_id,
        problem: slip.problem,
        payslip,
    })
}

/// Computes a month's payroll (HR, finance, admin): the first run (201), a recomputation of
/// the month's draft (200), or — with `correction_reason` — a new revision of an approved
/// month (201). The month must be over, so every day is final.
#[utoipa::path(
    tag = "payroll",
    request_body = RunRequest,
    responses(
        (status = 201, body = RunView, description = "A new run or revision"),
        (status = 200, body = RunView, description = "The draft, recomputed"),
        BodyErrors, AuthErrors, Conflict, Unavailable
    ),
    security(("bearer" = []))
)]
#[post("")]
async fn run_payroll(
    state: web::Data<AppState>,
    caller: Authorized<PayrollComputers>,
    Json(request): Json<RunRequest>,
) -> Result<HttpResponse, ApiError> {
    let policies = (
        state.payroll_policy.clone(),
        state.attendance_policy.clone(),
    );
    let actor = caller.actor;
    let month = request.month.first_day();
    let reason = request.correction_reason.map(String::from);
    let (created, run) = state
        .write(move |connection| {
            Ok(payroll::run_month(
                connection,
                &actor,
                &policies.0,
                &policies.1,
                month,
                reason,
            )?)
        })
        .await?;
    let view = RunView::from(run);
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RunListParams {
    /// Only the runs of this month, `YYYY-MM`.
    pub month: Option<YearMonth>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// Payroll runs in creation order, optionally of one month (HR, finance, general manager,
/// admin).
#[utoipa::path(
    tag = "payroll",
    params(RunListParams),
    responses((status = 200, body = Page<RunView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_runs(
    state: web::Data<AppState>,
    _caller: Authorized<PayrollDesk>,
    Query(params): Query<RunListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (after, limit) = (page.after_id(), page.limit());
    let month = params.month.map(|m| m.to_string());
    let runs = state
        .read(move |connection| {
            Ok(payroll::list_runs(
                connection,
                month.as_deref(),
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let page = Page::from_rows(runs, limit, |run| &run.id);
    Ok(HttpResponse::Ok().json(Page {
        items: page
            .items
            .into_iter()
            .map(RunView::from)
            .collect::<Vec<_>>(),
        next_cursor: page.next_cursor,
    }))
}

/// One payroll run with its totals.
#[utoipa::path(
    tag = "payroll",
    params(("id" = String, Path, description = "Payroll run id")),
    responses((status = 200, body = RunView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_run(
    state: web::Data<AppState>,
    _caller: Authorized<PayrollDesk>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let run = state
        .read(move |connection| Ok(payroll::find_run(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(RunView::from(run)))
}

/// Approves a draft run (finance, general manager, admin — not whoever computed it). It is
/// immutable from then on; an approved correction supersedes the revision before it; the
/// discipline fines it deducts are settled, so no later month deducts them again. Refused while
/// any employee's payslip could not be computed.
#[utoipa::path(
    tag = "payroll",
    params(("id" = String, Path, description = "Payroll run id")),
    request_body = VersionOnly,
    responses((status = 200, body = RunView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/approval")]
async fn approve_run(
    state: web::Data<AppState>,
    caller: Authorized<PayrollApprovers>,
    id: web::Path<String>,
    Json(body): Json<VersionOnly>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor;
    let run = state
        .write(move |connection| Ok(payroll::approve_run(connection, &actor, &id, body.version)?))
        .await?;
    Ok(HttpResponse::Ok().json(RunView::from(run)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PayslipPageParams {
    /// Payslips per page (default 200).
    pub limit: Option<Bounded<1, 2000>>,
    pub cursor: Option<Cursor>,
}

/// A run's payslips in employee order, every line with its amount and rule.
#[utoipa::path(
    tag = "payroll",
    params(("id" = String, Path, description = "Payroll run id"), PayslipPageParams),
    responses((status = 200, body = Page<PayslipView>), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/payslips")]
async fn run_payslips(
    state: web::Data<AppState>,
    _caller: Authorized<PayrollDesk>,
    id: web::Path<String>,
    Query(params): Query<PayslipPageParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let page = PageParams {
        limit: None,
        cursor: params.cursor,
    };
    let after = page.after_id();
    let limit = params.limit.map_or(200, Bounded::get);
    let page = state
        .read(move |connection| {
            let (run, slips) =
                payroll::run_with_payslips(connection, &id, after.as_deref(), limit + 1)?;
            let page = Page::from_rows(slips, limit, |slip| &slip.employee_id);
            Ok(Page {
                items: page
                    .items
                    .into_iter()
                    .map(|slip| payslip_view(&run, slip))
                    .collect::<Result<Vec<_>, _>>()?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The run with all its payslips as views, for an export.
fn run_views(
    run: PayrollRun,
    slips: Vec<StoredPayslip>,
) -> Result<(PayrollRun, Vec<PayslipView>), ApiError> {
    let views = slips
        .into_iter()
        .map(|slip| payslip_view(&run, slip))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((run, views))
}

fn attachment(
    run: &PayrollRun,
    extension: &str,
    content_type: &'static str,
    body: Vec<u8>,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"payroll-{}-r{}.{extension}\"",
                run.month, run.revision
            ),
        ))
        .body(body)
}

/// The run as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese
/// names): one row per employee, one column per kind of line, then the totals.
#[utoipa::path(
    tag = "payroll",
    params(("id" = String, Path, description = "Payroll run id")),
    responses(
        (status = 200, content_type = "text/csv", body = String, description = "The payslips as CSV"),
        AuthErrors, NotFound, Unavailable
    ),
    security(("bearer" = []))
)]
#[get("/{id}/payslips.csv")]
async fn export_csv(
    state: web::Data<AppState>,
    _caller: Authorized<PayrollDesk>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (run, slips) = state
        .read(move |connection| Ok(payroll::run_with_payslips(connection, &id, None, i64::MAX)?))
        .await?;
    let (run, slips) = run_views(run, slips)?;
    let body = csv_export(&slips)?;
    Ok(attachment(&run, "csv", "text/csv; charset=utf-8", body))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The run as an Excel workbook: a sheet of payslips (one row per employee, amounts as
/// numbers) and a sheet of every line with its rule.
#[utoipa::path(
    tag = "payroll",
    params(("id" = String, Path, description = "Payroll run id")),
    responses(
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = String, description = "The payslips as an XLSX workbook"),
        AuthErrors, NotFound, Unavailable
    ),
    security(("bearer" = []))
)]
#[get("/{id}/payslips.xlsx")]
async fn export_xlsx(
    state: web::Data<AppState>,
    caller: Authorized<PayrollDesk>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let at = caller.actor.at;
    let (run, slips) = state
        .read(move |connection| Ok(payroll::run_with_payslips(connection, &id, None, i64::MAX)?))
        .await?;
    let (run, slips) = run_views(run, slips)?;
    let body = web::block(move || xlsx_export(&slips, at))
        .await
        .map_err(ApiError::internal)??;
    Ok(attachment(&run, "xlsx", XLSX, body))
}

#[derive(Debug, Deserialize)]
pub struct EmployeeMonthPath {
    id: String,
    month: YearMonth,
}

/// An employee's payslip of a month. The employee reads their own, from the approved run;
/// HR, finance and management read anyone's, from the newest run whatever its status.
#[utoipa::path(
    tag = "payroll",
    params(
        ("id" = String, Path, description = "Employee id"),
        ("month" = YearMonth, Path, description = "The month, YYYY-MM")
    ),
    responses((status = 200, body = PayslipView), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/payslips/{month}")]
async fn employee_payslip(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    path: web::Path<EmployeeMonthPath>,
) -> Result<HttpResponse, ApiError> {
    let EmployeeMonthPath { id, month } = path.into_inner();
    let view = state
        .read(move |connection| {
            let (run, slip) =
                payroll::payslip_of_month(connection, &caller, &id, month.first_day())?;
            payslip_view(&run, slip)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BonusView {
    pub employee_id: String,
    #[schema(value_type = String, example = "2026-03")]
    pub month: String,
    pub amount: Money,
    pub note: Option<String>,
    pub entered_by: String,
    pub version: i64,
    pub updated_at: Instant,
}

impl From<PerformanceBonus> for BonusView {
    fn from(bonus: PerformanceBonus) -> Self {
        BonusView {
            amount: Money::from_fen(bonus.amount_fen),
            updated_at: Instant::from_utc(bonus.updated_at),
            employee_id: bonus.employee_id,
            month: bonus.month,
            note: bonus.note,
            entered_by: bonus.entered_by,
            version: bonus.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BonusRequest {
    /// PAY-2: the month's performance bonus.
    pub amount: Amount<false>,
    pub note: Option<Text<0, 2000>>,
    /// The version read; absent for the month's first entry.
    pub version: Option<i64>,
}

/// The performance bonus entered for an employee's month (payroll staff and the employee's
/// managers).
#[utoipa::path(
    tag = "payroll",
    params(
        ("id" = String, Path, description = "Employee id"),
        ("month" = YearMonth, Path, description = "The month, YYYY-MM")
    ),
    responses((status = 200, body = BonusView), AuthErrors, NotFound, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}/performance-bonuses/{month}")]
async fn get_bonus(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    path: web::Path<EmployeeMonthPath>,
) -> Result<HttpResponse, ApiError> {
    let EmployeeMonthPath { id, month } = path.into_inner();
    let bonus = state
        .read(move |connection| {
            Ok(payroll::find_bonus(
                connection,
                &caller,
                &id,
                &month.to_string(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(BonusView::from(bonus)))
}

/// Enters or changes an employee's performance bonus for a month (PAY-2). LEAVE-3 may forfeit
/// it on the payslip; the entry itself stays as entered.
#[utoipa::path(
    tag = "payroll",
    params(
        ("id" = String, Path, description = "Employee id"),
        ("month" = YearMonth, Path, description = "The month, YYYY-MM")
    ),
    request_body = BonusRequest,
    responses((status = 200, body = BonusView), BodyErrors, AuthErrors, NotFound, Stale, Unavailable),
    security(("bearer" = []))
)]
#[put("/{id}/performance-bonuses/{month}")]
async fn set_bonus(
    state: web::Data<AppState>,
    caller: Authorized<Staff>,
    path: web::Path<EmployeeMonthPath>,
    Json(request): Json<BonusRequest>,
) -> Result<HttpResponse, ApiError> {
    let EmployeeMonthPath { id, month } = path.into_inner();
    let saved = state
        .write(move |connection| {
            Ok(payroll::set_bonus(
                connection,
                &caller,
                &id,
                &month.to_string(),
                request.amount.get(),
                request.note.map(String::from),
                request.version,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(BonusView::from(saved)))
}
