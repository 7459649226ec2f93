//! Customer care (issue #7): contract submissions with their services (CARE-7), the phone
//! visits they schedule (CARE-1), and renewals (CARE-5).
//!
//! Who: submitting orders, recording visits, reading the due lists and reminders and recording
//! renewals is for the staff who sell and serve customers (`CareStaff`: sales/marketing,
//! customer service and managers); the month's list of customers without a responsible
//! salesperson is the marketing director's (`RenewalDirectors`).

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Deserializer, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;
use zhidu_domain::care::{
    ResponsiblePerson, ServiceKind, VisitKind, contract_submission_missing_fields,
};
use zhidu_domain::money::Money;

use zhidu_service::care::{
    self as service, CareVisit, CustomerService, NonRenewal, OrderRecords, ServiceOfCustomer,
    StoreError, VisitTask, read_stored,
};

use crate::auth::{Authorized, CareStaff, RenewalDirectors};
use crate::error::{
    ApiError, AuthErrors, BodyErrors, Conflict, FieldError, Invalid, NotFound, Stale, Unavailable,
};
use crate::extract::{Json, Query};
use crate::input::{Amount, Email, Items, Text};
use crate::page::{Cursor, Page, PageLimit, PageParams};
use crate::state::AppState;
use crate::wire::{Instant, IsoDate, YearMonth};

pub fn configure_orders(config: &mut ServiceConfig) {
    config
        .service(submit_order)
        .service(list_orders)
        .service(get_order);
}

pub fn configure_visits(config: &mut ServiceConfig) {
    config.service(due_visits).service(record_visit);
}

pub fn configure_renewals(config: &mut ServiceConfig) {
    config
        .service(unowned_renewals)
        .service(renewal_reminders)
        .service(non_renewals);
}

pub fn configure_services(config: &mut ServiceConfig) {
    config.service(renew_service).service(refuse_renewal);
}

// ---------------------------------------------------------------------------------------------
// CARE-7: orders

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    pub kind: ServiceKind,
    #[schema(example = "企业网站空间 1 年")]
    pub description: Text<1, 500>,
    pub amount: Amount<false>,
    pub starts_on: IsoDate,
    /// On or after `starts_on`.
    pub expires_on: IsoDate,
}

/// A contract submission (提单). CARE-7: the responsible person's name, phone, mobile and email
/// are all required; a submission missing any is refused with every missing field named.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitOrder {
    pub customer_id: String,
    #[serde(default, deserialize_with = "given")]
    #[schema(example = "王建国", nullable = false)]
    pub responsible_name: Option<Text<0, 100>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(example = "0311-86000000", nullable = false)]
    pub responsible_phone: Option<Text<0, 40>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(example = "13800000000", nullable = false)]
    pub responsible_mobile: Option<Text<0, 40>>,
    /// An email address, or empty: CARE-7 then names it missing.
    #[serde(default, deserialize_with = "given")]
    #[schema(nullable = false)]
    pub responsible_email: Option<Email>,
    #[validate(nested)]
    pub services: Items<ServiceInput, 1, 50>,
}

/// A responsible-person field may be absent (CARE-7 then names it missing) but not `null`,
/// which the schema does not admit.
fn given<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// The text of a responsible-person field, empty when absent.
fn responsible<T: std::ops::Deref<Target = str>>(field: &Option<T>) -> &str {
    field.as_deref().unwrap_or_default()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceView {
    pub id: String,
    pub order_id: String,
    pub customer_id: String,
    pub kind: ServiceKind,
    pub description: String,
    pub amount: Money,
    pub starts_on: IsoDate,
    pub expires_on: IsoDate,
    /// CARE-5: the day the renewal is announced to the salesperson (none for training/other).
    pub remind_on: Option<IsoDate>,
    /// `active`, or `not_renewed` once a non-renewal is recorded.
    #[schema(example = "active")]
    pub status: String,
    /// Send it back when renewing or recording a non-renewal; a stale one gets 412.
    pub version: i64,
}

impl TryFrom<CustomerService> for ServiceView {
    type Error = StoreError;

    fn try_from(s: CustomerService) -> Result<Self, StoreError> {
        Ok(ServiceView {
            kind: read_stored(&s.kind)?,
            amount: Money::from_fen(s.amount_fen),
            starts_on: IsoDate(s.starts_on),
            expires_on: IsoDate(s.expires_on),
            remind_on: s.remind_on.map(IsoDate),
            id: s.id,
            order_id: s.order_id,
            customer_id: s.customer_id,
            description: s.description,
            status: s.status,
            version: s.version,
        })
    }
}

/// CARE-1: one scheduled phone visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitTaskView {
    pub id: String,
    pub order_id: String,
    pub customer_id: String,
    /// The salesperson the visit is due to.
    pub agent_id: String,
    pub kind: VisitKind,
    pub due_on: IsoDate,
    /// `due` or `done`.
    #[schema(example = "due")]
    pub status: String,
    pub visit_id: Option<String>,
    /// Send it back when recording the visit; a stale one gets 412.
    pub version: i64,
}

impl TryFrom<VisitTask> for VisitTaskView {
    type Error = StoreError;

    fn try_from(t: VisitTask) -> Result<Self, StoreError> {
        Ok(VisitTaskView {
            kind: read_stored(&t.kind)?,
            due_on: IsoDate(t.due_on),
            id: t.id,
            order_id: t.order_id,
            customer_id: t.customer_id,
            agent_id: t.agent_id,
            status: t.status,
            visit_id: t.visit_id,
            version: t.version,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CustomerOrderView)]
pub struct OrderView {
    pub id: String,
    pub customer_id: String,
    /// The customer's owner at submission (the submitter when it had no active one): the
    /// agent its visits are due to.
    pub salesperson_id: String,
    pub responsible_name: String,
    pub responsible_phone: String,
    pub responsible_mobile: String,
    pub responsible_email: String,
    /// The Shanghai date of submission: the initial visit is due that day (CARE-1).
    pub ordered_on: IsoDate,
    pub submitted_by: String,
    pub created_at: Instant,
    pub services: Vec<ServiceView>,
    /// CARE-1: the visits the order scheduled (only when one order is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit_tasks: Option<Vec<VisitTaskView>>,
}

impl TryFrom<OrderRecords> for OrderView {
    type Error = StoreError;

    fn try_from(records: OrderRecords) -> Result<Self, StoreError> {
        let OrderRecords {
            order: o,
            services,
            tasks,
        } = records;
        Ok(OrderView {
            ordered_on: IsoDate(o.ordered_on),
            created_at: Instant::from_utc(o.created_at),
            services: services
                .into_iter()
                .map(ServiceView::try_from)
                .collect::<Result<_, _>>()?,
            visit_tasks: tasks
                .map(|t| t.into_iter().map(VisitTaskView::try_from).collect())
                .transpose()?,
            id: o.id,
            customer_id: o.customer_id,
            salesperson_id: o.salesperson_id,
            responsible_name: o.responsible_name,
            responsible_phone: o.responsible_phone,
            responsible_mobile: o.responsible_mobile,
            responsible_email: o.responsible_email,
            submitted_by: o.submitted_by,
        })
    }
}

/// CARE-7: refuses a submission missing any responsible-person field, naming every one.
fn check_responsible_person(request: &SubmitOrder) -> Result<(), ApiError> {
    let missing = contract_submission_missing_fields(&ResponsiblePerson {
        name: responsible(&request.responsible_name),
        phone: responsible(&request.responsible_phone),
        mobile: responsible(&request.responsible_mobile),
        email: responsible(&request.responsible_email),
    });
    if missing.is_empty() {
        return Ok(());
    }
    Err(ApiError::rule_refused(
        "CARE-7",
        format!(
            "a contract submission must carry the responsible person's name, phone, mobile and email; missing: {}",
            missing.join(", ")
        ),
    )
    .with_errors(
        missing
            .into_iter()
            .map(|field| FieldError {
                field: field.to_owned(),
                message: "is required (CARE-7)".to_owned(),
            })
            .collect(),
    ))
}

fn check_service_dates(services: &[ServiceInput]) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.expires_on < s.starts_on)
        .map(|(i, s)| FieldError {
            field: format!("services[{i}].expires_on"),
            message: format!("must be on or after starts_on ({})", s.starts_on),
        })
        .collect();
    match errors.first() {
        None => Ok(()),
        Some(first) => {
            Err(ApiError::field_refused(&first.field, &first.message).with_errors(errors))
        }
    }
}

/// Submit a contract (提单) with its services. CARE-7: refused (422, rule `CARE-7`) when the
/// responsible person's name, phone, mobile or email is missing or blank, each one named in
/// `errors[]`; nothing is written. CARE-1: schedules the initial phone visit on today's
/// (Shanghai) date and one a month for the next 12 months, due to the customer's owner (the
/// submitter when the customer has no active owner).
#[utoipa::path(
    tag = "care",
    request_body = SubmitOrder,
    responses((status = 201, body = OrderView), BodyErrors, AuthErrors, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn submit_order(
    state: web::Data<AppState>,
    caller: Authorized<CareStaff>,
    Json(request): Json<SubmitOrder>,
) -> Result<HttpResponse, ApiError> {
    check_responsible_person(&request)?;
    check_service_dates(&request.services)?;
    let policy = state.care_policy.clone();
    let new = service::NewOrder {
        responsible_name: responsible(&request.responsible_name).to_owned(),
        responsible_phone: responsible(&request.responsible_phone).to_owned(),
        responsible_mobile: responsible(&request.responsible_mobile).to_owned(),
        responsible_email: responsible(&request.responsible_email).to_owned(),
        customer_id: request.customer_id,
        services: request
            .services
            .iter()
            .map(|s| service::NewService {
                kind: s.kind,
                description: s.description.to_string(),
                amount: s.amount.get(),
                starts_on: s.starts_on.0,
                expires_on: s.expires_on.0,
            })
            .collect(),
    };
    let records = state
        .write(move |connection| Ok(service::submit_order(connection, &caller, &policy, new)?))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/customer-orders/{}", records.order.id),
        ))
        .json(OrderView::try_from(records)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrderListParams {
    /// Only this customer's orders.
    pub customer_id: Option<String>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// List orders with their services, oldest first, optionally of one customer.
#[utoipa::path(
    tag = "care",
    params(OrderListParams),
    responses((status = 200, body = Page<OrderView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("")]
async fn list_orders(
    state: web::Data<AppState>,
    _caller: Authorized<CareStaff>,
    Query(params): Query<OrderListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after = page.after_id();
    let limit = page.limit();
    let orders = state
        .read(move |connection| {
            Ok(service::list_orders(
                connection,
                params.customer_id.as_deref(),
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let views = orders
        .into_iter()
        .map(OrderView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(Page::from_rows(views, limit, |o: &OrderView| &o.id)))
}

/// One order with its services and its scheduled visits.
#[utoipa::path(
    tag = "care",
    params(("id" = String, Path, description = "Order id")),
    responses((status = 200, body = OrderView), AuthErrors, NotFound, Unavailable),
    security(("bearer" = []))
)]
#[get("/{id}")]
async fn get_order(
    state: web::Data<AppState>,
    _caller: Authorized<CareStaff>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let records = state
        .read(move |connection| Ok(service::find_order(connection, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(OrderView::try_from(records)?))
}

// ---------------------------------------------------------------------------------------------
// CARE-1: phone visits

/// CARE-1: a phone visit against a due task. An `initial` visit answers `satisfaction` (1–5),
/// `chose_us_because`, `shortcomings` and `wishes`; a `monthly` one answers `staff_contacted`
/// and `effect_reached`, and when the effect was not reached `explanation` and `solution`. The
/// other kind's questions must be left out.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordVisit {
    pub task_id: String,
    /// The task's `version` last read; a stale one gets 412.
    pub version: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub satisfaction: Option<i32>,
    pub chose_us_because: Option<Text<0, 2000>>,
    pub shortcomings: Option<Text<0, 2000>>,
    pub wishes: Option<Text<0, 2000>>,
    pub staff_contacted: Option<bool>,
    pub effect_reached: Option<bool>,
    pub explanation: Option<Text<0, 2000>>,
    pub solution: Option<Text<0, 2000>>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CareVisitView)]
pub struct VisitView {
    pub id: String,
    pub task_id: String,
    pub order_id: String,
    pub customer_id: String,
    pub kind: VisitKind,
    pub satisfaction: Option<i32>,
    pub chose_us_because: Option<String>,
    pub shortcomings: Option<String>,
    pub wishes: Option<String>,
    pub staff_contacted: Option<bool>,
    pub effect_reached: Option<bool>,
    pub explanation: Option<String>,
    pub solution: Option<String>,
    pub visited_by: String,
    pub visited_at: Instant,
}

impl TryFrom<CareVisit> for VisitView {
    type Error = StoreError;

    fn try_from(v: CareVisit) -> Result<Self, StoreError> {
        Ok(VisitView {
            kind: read_stored(&v.kind)?,
            visited_at: Instant::from_utc(v.visited_at),
            id: v.id,
            task_id: v.task_id,
            order_id: v.order_id,
            customer_id: v.customer_id,
            satisfaction: v.satisfaction,
            chose_us_because: v.chose_us_because,
            shortcomings: v.shortcomings,
            wishes: v.wishes,
            staff_contacted: v.staff_contacted,
            effect_reached: v.effect_reached,
            explanation: v.explanation,
            solution: v.solution,
            visited_by: v.visited_by,
        })
    }
}

/// Record a phone visit against a due task (CARE-1). 404 for an unknown task, 409 when the
/// task is already done or not due before its day, 412 on a stale task version, 422 (rule
/// `CARE-1`) naming every answer missing or not asked for the task's kind.
#[utoipa::path(
    operation_id = "record_care_visit",
    tag = "care",
    request_body = RecordVisit,
    responses((status = 201, body = VisitView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("")]
async fn record_visit(
    state: web::Data<AppState>,
    caller: Authorized<CareStaff>,
    Json(request): Json<RecordVisit>,
) -> Result<HttpResponse, ApiError> {
    let text = |t: Option<Text<0, 2000>>| t.map(Text::into_string);
    let record = service::VisitRecord {
        task_id: request.task_id,
        version: request.version,
        satisfaction: request.satisfaction,
        chose_us_because: text(request.chose_us_because),
        shortcomings: text(request.shortcomings),
        wishes: text(request.wishes),
        staff_contacted: request.staff_contacted,
        effect_reached: request.effect_reached,
        explanation: text(request.explanation),
        solution: text(request.solution),
    };
    let visit = state
        .write(move |connection| Ok(service::record_visit(connection, &caller, record)?))
        .await?;
    Ok(HttpResponse::Created().json(VisitView::try_from(visit)?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DueVisitParams {
    /// The day to list for (due that day or earlier and not yet done).
    pub as_of: IsoDate,
    /// Only this agent's (salesperson's) visits.
    pub agent: Option<String>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// CARE-1: a visit due on or before the listed day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueVisitView {
    #[serde(flatten)]
    pub task: VisitTaskView,
    /// Due before the listed day.
    pub overdue: bool,
    pub days_overdue: i64,
    #[serde(skip)]
    cursor_key: String,
}

fn due_cursor_key(task: &VisitTask) -> String {
    format!("{}/{}", IsoDate(task.due_on), task.id)
}

fn parse_due_cursor(key: Option<String>) -> Result<Option<(Date, String)>, ApiError> {
    key.map(|key| {
        key.split_once('/')
            .and_then(|(day, id)| IsoDate::parse(day).ok().map(|d| (d.0, id.to_owned())))
            .ok_or_else(|| ApiError::field_refused("cursor", "is not a cursor this API issued"))
    })
    .transpose()
}

/// Phone visits due and overdue on `as_of` (CARE-1), oldest due first, of one agent or of all;
/// each with `overdue` and `days_overdue`.
#[utoipa::path(
    tag = "care",
    params(DueVisitParams),
    responses((status = 200, body = Page<DueVisitView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/due")]
async fn due_visits(
    state: web::Data<AppState>,
    _caller: Authorized<CareStaff>,
    Query(params): Query<DueVisitParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after = parse_due_cursor(page.after_id())?;
    let limit = page.limit();
    let as_of = params.as_of.0;
    let agent = params.agent;
    let tasks = state
        .read(move |connection| {
            Ok(service::due_visits(
                connection,
                as_of,
                agent.as_deref(),
                after,
                limit,
            )?)
        })
        .await?;
    let views = tasks
        .into_iter()
        .map(|(task, days_overdue)| {
            Ok(DueVisitView {
                cursor_key: due_cursor_key(&task),
                overdue: days_overdue > 0,
                days_overdue,
                task: VisitTaskView::try_from(task)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(
        HttpResponse::Ok().json(Page::from_rows(views, limit, |v: &DueVisitView| {
            &v.cursor_key
        })),
    )
}

// ---------------------------------------------------------------------------------------------
// CARE-5: renewals

/// A service on a CARE-5 list, with its customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenewalItem {
    #[serde(flatten)]
    pub service: ServiceView,
    pub customer_name: String,
    /// The customer's responsible salesperson (none, or a deactivated account, on the
    /// unowned list).
    pub owner_id: Option<String>,
}

impl TryFrom<ServiceOfCustomer> for RenewalItem {
    type Error = StoreError;

    fn try_from(row: ServiceOfCustomer) -> Result<Self, StoreError> {
        Ok(RenewalItem {
            service: ServiceView::try_from(row.service)?,
            customer_name: row.customer_name,
            owner_id: row.owner_id,
        })
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RenewalMonthParams {
    /// The month of expiry, `YYYY-MM`.
    pub month: YearMonth,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

fn page_of(params: &RenewalMonthParams) -> PageParams {
    PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    }
}

/// CARE-5: the services expiring in `month` of customers with no responsible salesperson —
/// no owner, or an owner whose account is deactivated — for the marketing director (run at
/// month end for the next month). Active services only (not yet recorded as not renewed).
#[utoipa::path(
    tag = "care",
    params(RenewalMonthParams),
    responses((status = 200, body = Page<RenewalItem>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/unowned")]
async fn unowned_renewals(
    state: web::Data<AppState>,
    _caller: Authorized<RenewalDirectors>,
    Query(params): Query<RenewalMonthParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page_of(&params);
    let after = page.after_id();
    let limit = page.limit();
    let month = params.month;
    let rows = state
        .read(move |connection| {
            Ok(service::unowned_renewals(
                connection,
                month.first_day(),
                month.last_day(),
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(RenewalItem::try_from)
        .collect::<Result<_, _>>()?;
    Ok(
        HttpResponse::Ok().json(Page::from_rows(items, limit, |i: &RenewalItem| {
            &i.service.id
        })),
    )
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReminderParams {
    /// The day to list for.
    pub as_of: IsoDate,
    /// Only the customers of this salesperson.
    pub agent: Option<String>,
    pub limit: Option<PageLimit>,
    pub cursor: Option<Cursor>,
}

/// CARE-5: renewal reminders due on `as_of` to the responsible salespeople (the customers'
/// owners): hosting and domain services from 7 days before expiry, promotion services from one
/// calendar month before, up to the expiry day, until renewed or recorded as not renewed.
#[utoipa::path(
    tag = "care",
    params(ReminderParams),
    responses((status = 200, body = Page<RenewalItem>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/reminders")]
async fn renewal_reminders(
    state: web::Data<AppState>,
    _caller: Authorized<CareStaff>,
    Query(params): Query<ReminderParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let after = page.after_id();
    let limit = page.limit();
    let as_of = params.as_of.0;
    let agent = params.agent;
    let policy = state.care_policy.clone();
    let rows = state
        .read(move |connection| {
            Ok(service::renewal_reminders(
                connection,
                &policy,
                as_of,
                agent.as_deref(),
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(RenewalItem::try_from)
        .collect::<Result<_, _>>()?;
    Ok(
        HttpResponse::Ok().json(Page::from_rows(items, limit, |i: &RenewalItem| {
            &i.service.id
        })),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NonRenewalView {
    pub id: String,
    pub service_id: String,
    pub customer_id: String,
    /// The expiry the customer did not renew.
    pub expires_on: IsoDate,
    pub reason: String,
    pub recorded_by: String,
    pub created_at: Instant,
}

impl From<NonRenewal> for NonRenewalView {
    fn from(n: NonRenewal) -> Self {
        NonRenewalView {
            expires_on: IsoDate(n.expires_on),
            created_at: Instant::from_utc(n.created_at),
            id: n.id,
            service_id: n.service_id,
            customer_id: n.customer_id,
            reason: n.reason,
            recorded_by: n.recorded_by,
        }
    }
}

/// CARE-5: the recorded non-renewals of services that expired in `month`, with their reasons.
#[utoipa::path(
    tag = "care",
    params(RenewalMonthParams),
    responses((status = 200, body = Page<NonRenewalView>), AuthErrors, Invalid, Unavailable),
    security(("bearer" = []))
)]
#[get("/non-renewals")]
async fn non_renewals(
    state: web::Data<AppState>,
    _caller: Authorized<CareStaff>,
    Query(params): Query<RenewalMonthParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page_of(&params);
    let after = page.after_id();
    let limit = page.limit();
    let month = params.month;
    let rows = state
        .read(move |connection| {
            Ok(service::non_renewals(
                connection,
                month.first_day(),
                month.last_day(),
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    let items = rows.into_iter().map(NonRenewalView::from).collect();
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |n: &NonRenewalView| &n.id)))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewService {
    /// The service's `version` last read; a stale one gets 412.
    pub version: i64,
    /// The new expiry, after the current one.
    pub new_expires_on: IsoDate,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseRenewal {
    /// The service's `version` last read; a stale one gets 412.
    pub version: i64,
    /// Why the customer did not renew (required).
    #[schema(example = "客户公司停业")]
    pub reason: Text<1, 2000>,
}

/// CARE-5: the customer renewed a service: its expiry moves to `new_expires_on` (after the
/// current one) and its reminder day follows.
#[utoipa::path(
    tag = "care",
    params(("id" = String, Path, description = "Service id")),
    request_body = RenewService,
    responses((status = 200, body = ServiceView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/renewal")]
async fn renew_service(
    state: web::Data<AppState>,
    caller: Authorized<CareStaff>,
    id: web::Path<String>,
    Json(request): Json<RenewService>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let policy = state.care_policy.clone();
    let renewed = state
        .write(move |connection| {
            Ok(service::renew_service(
                connection,
                &caller,
                &policy,
                &id,
                request.version,
                request.new_expires_on.0,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ServiceView::try_from(renewed)?))
}

/// CARE-5: the customer did not renew a service; the reason is required and recorded, and the
/// service leaves the reminder and unowned lists.
#[utoipa::path(
    tag = "care",
    params(("id" = String, Path, description = "Service id")),
    request_body = RefuseRenewal,
    responses((status = 201, body = NonRenewalView), BodyErrors, AuthErrors, NotFound, Conflict, Stale, Unavailable),
    security(("bearer" = []))
)]
#[post("/{id}/non-renewal")]
async fn refuse_renewal(
    state: web::Data<AppState>,
    caller: Authorized<CareStaff>,
    id: web::Path<String>,
    Json(request): Json<RefuseRenewal>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let recorded = state
        .write(move |connection| {
            Ok(service::refuse_renewal(
                connection,
                &caller,
                &id,
                request.version,
                &request.reason,
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(NonRenewalView::from(recorded)))
}
